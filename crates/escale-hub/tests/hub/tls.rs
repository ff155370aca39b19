//! TLS to the hub: a certificate made for the test (openssl), the hub on a
//! random loopback port, the laptop's client trusting that certificate.

use crate::support::{ops, Backend, TestHub};
use escale_hub::Tls;
use escale_sync::hub::HubClient;
use std::process::Command;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_laptop_syncs_over_tls_and_refuses_an_unknown_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let d = |f: &str| dir.path().join(f).to_string_lossy().into_owned();
    let (ca, cert, key) = (
        dir.path().join("ca.crt"),
        dir.path().join("hub.crt"),
        dir.path().join("hub.key"),
    );
    std::fs::write(
        dir.path().join("leaf.ext"),
        "basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n",
    )
    .unwrap();
    // An office CA, and the hub's certificate signed by it.
    let steps: Vec<Vec<String>> = vec![
        [
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=Escale test CA",
            "-keyout",
            &d("ca.key"),
            "-out",
            &d("ca.crt"),
        ]
        .map(String::from)
        .to_vec(),
        [
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
            &d("hub.key"),
            "-out",
            &d("hub.csr"),
        ]
        .map(String::from)
        .to_vec(),
        [
            "x509",
            "-req",
            "-in",
            &d("hub.csr"),
            "-CA",
            &d("ca.crt"),
            "-CAkey",
            &d("ca.key"),
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            &d("leaf.ext"),
            "-out",
            &d("hub.crt"),
        ]
        .map(String::from)
        .to_vec(),
    ];
    let mut made = Ok(std::process::Output {
        status: Default::default(),
        stdout: vec![],
        stderr: vec![],
    });
    for args in &steps {
        made = Command::new("openssl").args(args).output();
        if !made.as_ref().is_ok_and(|o| o.status.success()) {
            break;
        }
    }
    match made {
        Ok(o) if o.status.success() => {}
        other => {
            let why = format!("{other:?}");
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("openssl is needed to make the test certificate: {why}");
            }
            eprintln!("NOTE: openssl unavailable ({why}): the TLS test did NOT run");
            return;
        }
    }
    let h = TestHub::new(Backend::Sqlite, Default::default())
        .await
        .unwrap();
    let listener = escale_hub::serve::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(escale_hub::serve::run(
        listener,
        h.state.clone(),
        Some(Tls {
            cert: cert.clone(),
            key,
        }),
        async {
            let _ = stopped.await;
        },
    ));
    let url = format!("https://localhost:{port}");
    let pem = std::fs::read(&ca).unwrap();
    let client = HubClient::new(&url, Some(&pem))
        .unwrap()
        .with_token(&h.token, h.org);
    let resp = client
        .push(h.device, ops::many(h.device, 1, 3))
        .await
        .expect("push over TLS");
    assert_eq!(resp.applied, 3);
    let page = client.pull(&Default::default(), 10, None).await.unwrap();
    assert_eq!(page.ops.len(), 3);

    let mut untrusting = HubClient::new(&url, None)
        .unwrap()
        .with_token(&h.token, h.org);
    untrusting.retry.attempts = 1;
    let err = untrusting
        .time()
        .await
        .expect_err("a self-signed certificate is not trusted by default");
    assert_eq!(err.code(), "sync.offline", "{err}");

    let mut plain = HubClient::new(&format!("http://localhost:{port}"), None).unwrap();
    plain.retry.attempts = 1;
    assert!(
        plain.time().await.is_err(),
        "the TLS port does not speak plain HTTP"
    );
    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(15), server).await;
    h.finish().await;
}
