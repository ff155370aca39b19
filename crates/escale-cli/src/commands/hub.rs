//! `escale hub serve|org create|org list|enroll|devices|revoke|report`: the
//! hub, run and administered on its own machine. Administration talks to the
//! hub's database directly (there is no admin endpoint to attack); all of
//! it is `escale_hub::admin`, this file only parses and renders. A report
//! receives the organisation's log into a throwaway store and computes it
//! as a laptop does.

use crate::args::{HubCommand, HubDb, HubOrgCommand};
use crate::output::{table, Failure, Reply, Ui};
use escale_core::{Error, Escale};
use escale_hub::db::DeviceRow;
use escale_hub::{admin, Db, HubConfig, HubError, Tls};
use escale_protocol::catalogue::{m, Problem};
use serde_json::json;
use std::io::Write;
use std::path::Path;
use uuid::Uuid;

pub async fn run(dir: &Path, c: HubCommand, ui: Ui) -> Result<Reply, Failure> {
    match c {
        HubCommand::Serve(a) => {
            let url = db_url(dir, &a.db);
            let tls = a
                .tls_cert
                .zip(a.tls_key)
                .map(|(cert, key)| Tls { cert, key });
            serve(url, a.listen, tls, ui)
        }
        HubCommand::Org(HubOrgCommand::Create(a)) => {
            let db = open(dir, &a.db).await?;
            let out = admin::create_org(&db, &a.name).await;
            db.close().await;
            let org = out.map_err(hub_failure)?;
            let text = format!(
                "{}\n{}",
                org.id,
                ui.t(
                    "Organisation créée. Inscrivez un appareil : escale hub enroll --org ",
                    "Organisation created. Enrol a device: escale hub enroll --org "
                )
                .to_string()
                    + &org.id.to_string()
            );
            Reply::new(&json!({"id": org.id, "name": org.name}), text)
        }
        HubCommand::Org(HubOrgCommand::List(a)) => {
            let db = open(dir, &a.db).await?;
            let out = db.orgs().await;
            db.close().await;
            let orgs = out.map_err(hub_failure)?;
            let rows: Vec<Vec<String>> = orgs
                .iter()
                .map(|o| vec![o.id.to_string(), o.name.clone()])
                .collect();
            let data: Vec<_> = orgs
                .iter()
                .map(|o| json!({"id": o.id, "name": o.name}))
                .collect();
            Reply::new(
                &data,
                table(&[ui.t("Identifiant", "Id"), ui.t("Nom", "Name")], &rows),
            )
        }
        HubCommand::Enroll(a) => {
            let ttl = admin::parse_ttl(&a.ttl).map_err(hub_failure)?;
            let org = parse_id("--org", &a.org.org)?;
            let db = open(dir, &a.org.db).await?;
            let out = admin::create_enrol_code(&db, org, ttl).await;
            db.close().await;
            let code = out.map_err(hub_failure)?;
            let payload = admin::qr_payload(&code.code, a.url.as_deref());
            if let Some(path) = &a.svg {
                let svg = admin::qr_svg(&payload).map_err(hub_failure)?;
                std::fs::write(path, svg).map_err(|e| {
                    Failure::Problem(
                        Problem::new(&m::HUB_WRITE_FAILED)
                            .arg("path", path.display())
                            .arg("detail", e),
                    )
                })?;
            }
            let qr = admin::qr_terminal(&payload).map_err(hub_failure)?;
            let until = local_time(code.expires_ms);
            let laptop = format!(
                "escale sync enroll {} {}",
                a.url.as_deref().unwrap_or("HUB_URL"),
                code.code
            );
            let text = format!(
                "{} « {} » ({} {until}){}\n\n    {}\n\n{qr}\n{}\n    {laptop}\n",
                ui.t("Code d'inscription pour", "Enrolment code for"),
                code.org_name,
                ui.t("valable une seule fois, jusqu'à", "single use, valid until"),
                ui.t(" :", ":"),
                code.code,
                ui.t("Sur l'ordinateur à inscrire :", "On the laptop to enrol:"),
            );
            let data = json!({
                "code": code.code,
                "org_id": code.org_id,
                "org_name": code.org_name,
                "expires_ms": code.expires_ms,
                "qr_payload": payload,
                "svg": a.svg,
            });
            Reply::new(&data, text)
        }
        HubCommand::Devices(a) => {
            let org = parse_id("--org", &a.org)?;
            let db = open(dir, &a.db).await?;
            let out = admin::devices(&db, org).await;
            db.close().await;
            let devices = out.map_err(hub_failure)?;
            Reply::new(&devices, render_devices(&devices, ui))
        }
        HubCommand::Report(a) => {
            let org = parse_id("--org", &a.org.org)?;
            let db = open(dir, &a.org.db).await?;
            let store = org_store(&db, org).await;
            db.close().await;
            let (app, _dir) = store?;
            let reply = super::report::run(&app, &a.report, ui).await;
            app.store().close().await;
            reply
        }
        HubCommand::Revoke(a) => {
            let id = parse_id("DEVICE_ID", &a.device)?;
            let db = open(dir, &a.db).await?;
            let out = admin::revoke(&db, id).await;
            db.close().await;
            let d = out.map_err(hub_failure)?;
            let text = format!(
                "{} {} ({})\n",
                ui.t("Appareil révoqué :", "Device revoked:"),
                d.name,
                d.id
            );
            Reply::new(&d, text)
        }
    }
}

/// The organisation's state as the hub holds it: its whole log, page by
/// page as a laptop would pull it, received into a throwaway store — so a
/// hub report is computed by the same code as a laptop's (`report::compute`)
/// and the two agree once the laptops have synced.
async fn org_store(db: &Db, org: Uuid) -> Result<(Escale, tempfile::TempDir), Failure> {
    let row = db
        .org(org)
        .await
        .map_err(hub_failure)?
        .ok_or_else(|| hub_failure(HubError::OrgNotFound(org.to_string())))?;
    let dir = tempfile::tempdir().map_err(|e| Failure::Core(Error::DataDir(e.to_string())))?;
    let app = Escale::open(dir.path()).await?;
    app.init(&row.name, "hub").await?;
    let mut after = (Uuid::nil(), 0_i64);
    loop {
        let page = db.ops_after(org, after, 5_000).await.map_err(hub_failure)?;
        let Some(last) = page.last() else { break };
        after = (last.origin, last.seq);
        app.store().ingest_wire(page).await?;
    }
    Ok((app, dir))
}

/// The hub's database URL: the flag/env, else `hub.db` in the data directory.
fn db_url(dir: &Path, db: &HubDb) -> String {
    db.database_url
        .clone()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| format!("sqlite://{}", dir.join("hub.db").display()))
}

async fn open(dir: &Path, db: &HubDb) -> Result<Db, Failure> {
    Db::open(&db_url(dir, db)).await.map_err(hub_failure)
}

fn parse_id(field: &'static str, s: &str) -> Result<Uuid, Failure> {
    Uuid::parse_str(s.trim()).map_err(|_| {
        hub_failure(HubError::BadInput {
            field,
            value: s.to_string(),
        })
    })
}

/// The hub's errors keep their code; the message is the catalogue's, in
/// the administrator's language. An internal detail goes to the terminal's
/// log, never into the message.
fn hub_failure(e: HubError) -> Failure {
    if matches!(e, HubError::Internal(_) | HubError::Database(_)) {
        eprintln!("escale: hub detail: {e}");
    }
    Failure::of(&e)
}

/// Runs the server on a multi-threaded runtime of its own (the CLI's is
/// single-threaded), until Ctrl-C or SIGTERM.
fn serve(url: String, listen: String, tls: Option<Tls>, ui: Ui) -> Result<Reply, Failure> {
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(ansi)
        .try_init();
    let scheme = if tls.is_some() { "https" } else { "http" };
    let outcome = std::thread::scope(|s| {
        s.spawn(|| {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .map_err(|e| HubError::Internal(format!("runtime: {e}")))?;
            rt.block_on(escale_hub::serve(&listen, &url, tls, HubConfig::from_env(), |addr, db| {
                let line = if ui.json {
                    json!({"ok": true, "data": {"event": "listening", "url": format!("{scheme}://{addr}"), "backend": db.backend()}})
                        .to_string()
                } else {
                    format!(
                        "{} {scheme}://{addr} ({})",
                        ui.t("Serveur Escale à l'écoute sur", "Escale hub listening on"),
                        db.backend()
                    )
                };
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{line}");
                let _ = out.flush();
            }))
        })
        .join()
        .unwrap_or_else(|_| Err(HubError::Internal("the server thread panicked".into())))
    });
    outcome.map_err(hub_failure)?;
    Reply::new(
        &json!({"event": "stopped"}),
        ui.t("Serveur arrêté.\n", "Hub stopped.\n").to_string(),
    )
}

fn render_devices(list: &[DeviceRow], ui: Ui) -> String {
    if list.is_empty() {
        return ui
            .t("Aucun appareil inscrit.\n", "No device enrolled.\n")
            .to_string();
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|d| {
            vec![
                d.id.to_string(),
                d.name.clone(),
                local_time(d.enrolled_ms),
                d.last_seen_ms.map(local_time).unwrap_or_else(|| "—".into()),
                match d.revoked_ms {
                    Some(ms) => format!("{} {}", ui.t("révoqué le", "revoked"), local_time(ms)),
                    None => ui.t("actif", "active").to_string(),
                },
            ]
        })
        .collect();
    table(
        &[
            ui.t("Identifiant", "Id"),
            ui.t("Nom", "Name"),
            ui.t("Inscrit", "Enrolled"),
            ui.t("Vu", "Last seen"),
            ui.t("État", "Status"),
        ],
        &rows,
    )
}

fn local_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|| ms.to_string())
}
