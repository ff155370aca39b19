//! Running the hub on a socket: plain HTTP on a trusted network or
//! loopback, TLS (rustls) with a certificate and key in PEM files
//! everywhere else. Stops gracefully on Ctrl-C / SIGTERM.

use crate::error::{HubError, Result};
use crate::state::{HubConfig, HubState};
use crate::{app, Db};
use axum_server::tls_rustls::RustlsConfig;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// A certificate chain and its private key, both PEM.
#[derive(Debug, Clone)]
pub struct Tls {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Opens the database (running migrations), binds `listen`, calls
/// `on_ready` with the bound address, and serves until Ctrl-C or SIGTERM.
pub async fn serve(
    listen: &str,
    database_url: &str,
    tls: Option<Tls>,
    config: HubConfig,
    on_ready: impl FnOnce(SocketAddr, &Db),
) -> Result<()> {
    let db = Db::open(database_url).await?;
    let listener = bind(listen)?;
    let addr = listener
        .local_addr()
        .map_err(|e| HubError::Internal(e.to_string()))?;
    on_ready(addr, &db);
    crate::upkeep::spawn(db.clone());
    let state = HubState::new(db.clone(), config);
    let out = run(listener, state, tls, shutdown_signal()).await;
    db.close().await;
    out
}

pub fn bind(listen: &str) -> Result<std::net::TcpListener> {
    let l = std::net::TcpListener::bind(listen).map_err(|e| HubError::BadInput {
        field: "--listen",
        value: format!("{listen}: {e}"),
    })?;
    l.set_nonblocking(true)
        .map_err(|e| HubError::Internal(e.to_string()))?;
    Ok(l)
}

/// Serves `state` on an already bound listener until `shutdown` resolves.
pub async fn run(
    listener: std::net::TcpListener,
    state: HubState,
    tls: Option<Tls>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    let handle = axum_server::Handle::new();
    let h = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        h.graceful_shutdown(Some(Duration::from_secs(10)));
    });
    let io = |e: std::io::Error| HubError::Internal(format!("server: {e}"));
    match tls {
        None => axum_server::from_tcp(listener)
            .handle(handle)
            .serve(service)
            .await
            .map_err(io),
        Some(t) => {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let config = RustlsConfig::from_pem_file(&t.cert, &t.key)
                .await
                .map_err(|e| HubError::BadInput {
                    field: "--tls-cert/--tls-key",
                    value: format!("{} / {}: {e}", t.cert.display(), t.key.display()),
                })?;
            axum_server::from_tcp_rustls(listener, config)
                .handle(handle)
                .serve(service)
                .await
                .map_err(io)
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
