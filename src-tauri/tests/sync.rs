//! The app syncs by itself, through Tauri's IPC (mock runtime, no window)
//! and a real hub (`escale-hub`, SQLite) on a loopback port: enrolment from
//! the sync screen (an empty laptop joins the organisation and can check
//! people in at once), errors per field, the background task noticing the
//! hub going and coming back, and the events the UI refreshes on.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use escale_core::app::EventInput;
use escale_core::Escale;
use escale_desktop::launch::LaunchOptions;
use escale_desktop::state::AppState;
use escale_hub::{admin, Db, HubConfig, HubState};
use escale_sync::hub;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
};
use tauri::webview::InvokeRequest;
use tauri::{App, Listener, WebviewWindow};
use uuid::Uuid;

const WAIT: Duration = Duration::from_secs(30);

/// A hub on 127.0.0.1 that can be stopped and started again on the same port.
struct Hub {
    db: Db,
    org: Uuid,
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    served: Option<tauri::async_runtime::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl Hub {
    fn new() -> Hub {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("hub.db").display());
        let (db, org) = tauri::async_runtime::block_on(async {
            let db = Db::open(&url).await.unwrap();
            let org = admin::create_org(&db, "Passerelle Numérique")
                .await
                .unwrap()
                .id;
            (db, org)
        });
        let listener = escale_hub::serve::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let mut hub = Hub {
            db,
            org,
            addr,
            stop: None,
            served: None,
            _dir: dir,
        };
        hub.serve(listener);
        hub
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn code(&self) -> String {
        tauri::async_runtime::block_on(admin::create_enrol_code(
            &self.db,
            self.org,
            Duration::from_secs(900),
        ))
        .unwrap()
        .code
    }

    fn serve(&mut self, listener: std::net::TcpListener) {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let state = HubState::new(self.db.clone(), HubConfig::default());
        self.stop = Some(tx);
        self.served = Some(tauri::async_runtime::spawn(async move {
            let shutdown = async move {
                let _ = rx.await;
            };
            escale_hub::serve::run(listener, state, None, shutdown)
                .await
                .unwrap();
        }));
    }

    fn down(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(served) = self.served.take() {
            tauri::async_runtime::block_on(served).unwrap();
        }
    }

    fn up(&mut self) {
        let listener =
            escale_hub::serve::bind(&self.addr.to_string()).expect("the hub's port is free again");
        self.serve(listener);
    }

    fn op_count(&self) -> i64 {
        tauri::async_runtime::block_on(self.db.op_count(self.org)).unwrap()
    }
}

struct Ui {
    app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    events: Arc<Mutex<Vec<String>>>,
}

fn ui(dir: &std::path::Path) -> Ui {
    // Brisk for the test: a pull every 300 ms, at most 500 ms between retries.
    std::env::set_var(escale_sync::schedule::INTERVAL_ENV, "300");
    std::env::set_var(escale_sync::schedule::MAX_BACKOFF_ENV, "500");
    // Stand peers advertise on loopback only.
    std::env::set_var(escale_sync::peer::INTERFACE_ENV, "lo");
    let state = tauri::async_runtime::block_on(AppState::init(LaunchOptions {
        data_dir: dir.to_path_buf(),
    }))
    .unwrap();
    let app = mock_builder()
        .manage(state)
        .invoke_handler(escale_desktop::commands::handler())
        .build(mock_context(noop_assets()))
        .unwrap();
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let events = Arc::new(Mutex::new(vec![]));
    for name in [
        escale_desktop::sync::STATUS_EVENT,
        escale_desktop::sync::DATA_CHANGED_EVENT,
        escale_desktop::commands::peer::PEER_EVENT,
    ] {
        let seen = events.clone();
        app.listen_any(name, move |_| seen.lock().unwrap().push(name.to_string()));
    }
    escale_desktop::sync::spawn(app.handle().clone());
    Ui {
        app,
        window,
        events,
    }
}

impl Ui {
    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: if cfg!(windows) {
                "http://tauri.localhost"
            } else {
                "tauri://localhost"
            }
            .parse()
            .unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&self.window, request).map(|body| body.deserialize::<Value>().unwrap())
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args.clone())
            .unwrap_or_else(|e| panic!("{cmd} {args} failed: {e}"))
    }

    /// Polls `status` until `check` holds.
    fn wait_status(&self, why: &str, check: impl Fn(&Value) -> bool) -> Value {
        let start = Instant::now();
        loop {
            let s = self.ok("status", json!({}));
            if check(&s) {
                return s;
            }
            assert!(start.elapsed() < WAIT, "{why}: the status stayed {s}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn saw(&self, event: &str) -> usize {
        self.events
            .lock()
            .unwrap()
            .iter()
            .filter(|e| *e == event)
            .count()
    }
}

/// The office laptop: the organisation's event, enrolled and synced.
fn office_laptop(hub: &Hub, dir: &std::path::Path) -> String {
    let (url, code) = (hub.url(), hub.code());
    tauri::async_runtime::block_on(async {
        let office = Escale::open(dir).await.unwrap();
        office
            .init("Passerelle Numérique", "Portable bureau")
            .await
            .unwrap();
        let ev = office
            .create_event(&EventInput {
                kind: None,
                title: "Forum emploi".into(),
                place: "Gymnase".into(),
                timezone: None,
                starts_at: "2030-03-14 09:00".into(),
                ends_at: "2030-03-14 17:00".into(),
                series: None,
                coworking: None,
            })
            .await
            .unwrap();
        hub::enroll(office.store(), &url, &code, "Portable bureau", None)
            .await
            .unwrap();
        hub::sync_now(office.store(), Default::default())
            .await
            .unwrap();
        office.store().close().await;
        ev.id.to_string()
    })
}

#[test]
fn an_empty_laptop_enrols_from_the_app_then_syncs_by_itself_through_an_outage() {
    let mut hub = Hub::new();
    let office = tempfile::tempdir().unwrap();
    let event_id = office_laptop(&hub, office.path());
    let dir = tempfile::tempdir().unwrap();
    let ui = ui(dir.path());

    // Not enrolled: the desk works alone, "sync now" says why it cannot.
    let s = ui.ok("status", json!({}));
    assert_eq!(
        (
            s["org_name"].clone(),
            s["enrolled"].clone(),
            s["online"].clone()
        ),
        (Value::Null, json!(false), json!(false))
    );
    let err = ui.call("sync_now", json!({})).unwrap_err();
    assert_eq!(err["code"], "sync.not_enrolled");

    // Errors come back per field, translated.
    ui.ok("set_language", json!({"lang": "fr"}));
    let err = ui
        .call(
            "sync_enroll",
            json!({"url": "", "code": "ABCD", "deviceName": "Portable 2"}),
        )
        .unwrap_err();
    assert_eq!(
        (err["code"].as_str(), err["field"].as_str()),
        (Some("input.required"), Some("url"))
    );
    let err = ui
        .call(
            "sync_enroll",
            json!({"url": hub.url(), "code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ", "deviceName": "Portable 2"}),
        )
        .unwrap_err();
    assert_eq!(
        (err["code"].as_str(), err["field"].as_str()),
        (Some("enroll.unknown_code"), Some("code")),
        "{err}"
    );
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .starts_with("Code d'inscription inconnu"),
        "{err}"
    );
    let err = ui
        .call(
            "sync_enroll",
            json!({"url": hub.url(), "code": hub.code(), "deviceName": "  "}),
        )
        .unwrap_err();
    assert_eq!(
        (err["code"].as_str(), err["field"].as_str()),
        (Some("input.required"), Some("device")),
        "{err}"
    );

    // The QR code's text, as a scanner types it into the code box.
    let code = hub.code();
    let qr = escale_hub::admin::qr_payload(&code, Some(&hub.url()));
    assert_eq!(
        ui.ok("read_enrolment_link", json!({ "text": format!(" {qr}\n") })),
        json!({"hub": hub.url(), "code": code}),
        "the UI asks Rust to read what the scanner typed"
    );
    assert_eq!(
        ui.ok("read_enrolment_link", json!({ "text": hub.url() })),
        Value::Null,
        "a plain URL is left as typed"
    );
    let view = ui.ok(
        "sync_enroll",
        json!({"url": "", "code": qr, "deviceName": "Portable 2"}),
    );
    assert_eq!(
        (view["enrolled"].as_bool(), view["hub_url"].as_str()),
        (Some(true), Some(hub.url().as_str()))
    );
    assert_eq!(view["org_name"], "Passerelle Numérique");

    // The first sync runs by itself and brings the office's event.
    let s = ui.wait_status("the first sync", |s| {
        s["online"] == true && s["syncing"] == false
    });
    assert_eq!(
        s["org_name"], "Passerelle Numérique",
        "the new laptop sees its organisation"
    );
    assert_eq!(
        s["device_name"], "Portable 2",
        "and its own name: the store's identity is the joined one"
    );
    assert!(s["last_sync"].as_i64().unwrap() > 0);
    assert_eq!(ui.ok("list_events", json!({}))[0]["id"], event_id.as_str());
    assert!(
        ui.saw(escale_desktop::sync::DATA_CHANGED_EVENT) >= 1,
        "the UI is told to reload what it shows"
    );
    assert!(
        ui.saw(escale_desktop::sync::STATUS_EVENT) >= 2,
        "syncing, then synced"
    );

    // The hub goes away; the desk carries on and counts what waits.
    hub.down();
    let walk_in = json!({"event_id": event_id, "check_in": true,
        "visitor": {"first_name": "Yasmine", "last_name": "Haddad", "email": "", "phone": "", "postcode": "",
                    "birth_year": null, "situation": "", "employment_id": "", "notes": ""},
        "consents": [{"purpose": "processing", "granted": true}]});
    let done = ui.ok("register_walk_in", json!({"walkIn": walk_in}));
    assert_eq!(
        done["check_in"]["status"], "welcome",
        "an enrolled laptop writes under its joined identity: {done}"
    );
    let s = ui.wait_status("the hub is gone", |s| {
        s["online"] == false && s["sync_error"]["code"] == "sync.offline"
    });
    assert!(s["unsynced_ops"].as_i64().unwrap() > 0, "{s}");
    assert!(
        !s["sync_error"]["message"]
            .as_str()
            .unwrap()
            .contains("os error"),
        "plain words: {s}"
    );
    let view = ui.ok("sync_now", json!({}));
    assert_eq!(
        (view["online"].as_bool(), view["error"]["code"].as_str()),
        (Some(false), Some("sync.offline")),
        "{view}"
    );

    // It comes back: the laptop notices by itself and sends everything.
    let before = hub.op_count();
    hub.up();
    ui.wait_status("the hub is back", |s| {
        s["online"] == true && s["unsynced_ops"] == 0 && s["sync_error"].is_null()
    });
    assert!(hub.op_count() > before, "the walk-in reached the hub");
    let view = ui.ok("sync_status", json!({}));
    assert_eq!(
        (
            view["online"].as_bool(),
            view["unsynced_ops"].as_i64(),
            view["clock_off"].as_bool()
        ),
        (Some(true), Some(0), Some(false))
    );

    hub.down();
    drop(ui.app);
}

#[test]
fn a_write_by_the_cli_on_the_same_data_directory_reaches_the_ui() {
    use escale_desktop::sync::{watch::WATCH_EVERY, DATA_CHANGED_EVENT, STATUS_EVENT};
    let dir = tempfile::tempdir().unwrap();
    let ui = ui(dir.path());
    ui.ok(
        "first_run",
        json!({"orgName": "Passerelle Numérique", "deviceName": "Portable A", "lang": "fr"}),
    );
    // Let the watcher take the app's own write into account first.
    std::thread::sleep(WATCH_EVERY * 3);
    let (changed, published) = (ui.saw(DATA_CHANGED_EVENT), ui.saw(STATUS_EVENT));
    let ops = ui.ok("status", json!({}))["ops"].as_i64().unwrap();

    // `escale event create …` in a terminal: another handle on the same files.
    tauri::async_runtime::block_on(async {
        let cli = Escale::open(dir.path()).await.unwrap();
        cli.create_event(&EventInput {
            kind: None,
            title: "Atelier CV".into(),
            place: "Médiathèque".into(),
            timezone: None,
            starts_at: "2030-04-02 14:00".into(),
            ends_at: "2030-04-02 16:00".into(),
            series: None,
            coworking: None,
        })
        .await
        .unwrap();
        cli.store().close().await;
    });

    let start = Instant::now();
    while ui.saw(DATA_CHANGED_EVENT) == changed {
        assert!(
            start.elapsed() < WAIT,
            "the store's change counter moved: the UI must be told to reload"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        ui.saw(STATUS_EVENT) > published,
        "the status bar's view is published again"
    );
    assert!(
        ui.ok("status", json!({}))["ops"].as_i64().unwrap() > ops,
        "what the About panel reloads counts the CLI's operation"
    );
    drop(ui.app);
}

#[test]
fn a_new_laptop_joins_a_sharing_one_at_the_stand_without_a_hub() {
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = ui(dir_a.path());
    a.ok(
        "first_run",
        json!({"orgName": "Passerelle Numérique", "deviceName": "Portable A", "lang": "fr"}),
    );
    let input = json!({"kind": null, "title": "Forum emploi", "place": "Gymnase", "timezone": null,
                       "starts_at": "2030-03-14 09:00", "ends_at": "2030-03-14 17:00", "series": null});
    let event_id = a.ok("create_event", json!({"input": input}))["id"]
        .as_str()
        .unwrap()
        .to_string();

    let shared = a.ok("peer_share_start", json!({}));
    let code = shared["code"].as_str().unwrap().to_string();
    assert_eq!(
        code.chars().filter(char::is_ascii_digit).count(),
        8,
        "{shared}"
    );
    assert_eq!(
        a.ok("peer_share_start", json!({}))["code"],
        code.as_str(),
        "asking again shows the same code"
    );
    let port = shared["addresses"][0]
        .as_str()
        .unwrap()
        .rsplit_once(':')
        .unwrap()
        .1
        .to_string();
    let address = format!("127.0.0.1:{port}");

    let b = ui(dir_b.path());
    let err = b
        .call(
            "peer_join",
            json!({"code": "1111-1111", "address": address, "deviceName": "Portable B"}),
        )
        .unwrap_err();
    assert_eq!(
        (err["code"].as_str(), err["field"].as_str()),
        (Some("peer.wrong_code"), Some("code")),
        "{err}"
    );
    assert_eq!(
        b.ok("status", json!({}))["org_name"],
        Value::Null,
        "a wrong code leaves the new laptop untouched"
    );
    let err = b
        .call(
            "peer_join",
            json!({"code": code, "address": "not an address", "deviceName": "Portable B"}),
        )
        .unwrap_err();
    assert_eq!(err["field"], "address");

    let report = b.ok(
        "peer_join",
        json!({"code": code, "address": address, "deviceName": "Portable B"}),
    );
    assert_eq!(
        (
            report["joined_org"].as_bool(),
            report["peer_device_name"].as_str()
        ),
        (Some(true), Some("Portable A"))
    );
    assert!(report["pulled"].as_i64().unwrap() > 0, "{report}");
    assert!(
        report["message"]
            .as_str()
            .unwrap()
            .starts_with("Échange terminé avec Portable A"),
        "{report}"
    );
    assert_eq!(b.ok("list_events", json!({}))[0]["id"], event_id.as_str());
    let s = b.ok("status", json!({}));
    assert_eq!(
        (s["org_name"].as_str(), s["device_name"].as_str()),
        (Some("Passerelle Numérique"), Some("Portable B"))
    );
    assert!(b.saw(escale_desktop::sync::DATA_CHANGED_EVENT) >= 1);

    let start = Instant::now();
    while a.saw(escale_desktop::commands::peer::PEER_EVENT) == 0 {
        assert!(
            start.elapsed() < WAIT,
            "the sharing laptop hears about the joiner"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    a.ok("peer_share_stop", json!({}));
    let fresh = a.ok("peer_share_start", json!({}));
    assert_ne!(
        fresh["code"],
        code.as_str(),
        "after stopping, sharing again gives a new code"
    );
    a.ok("peer_share_stop", json!({}));
    drop((a.app, b.app));
}

/// Measurement, not a check (`cargo test -p escale-desktop --test sync --
/// --ignored --nocapture`): how long the desk's writes wait while the
/// background task pulls a large organisation for the first time.
#[test]
#[ignore]
fn desk_writes_during_a_first_pull_of_a_large_organisation() {
    let hub = Hub::new();
    let office = tempfile::tempdir().unwrap();
    let (url, code) = (hub.url(), hub.code());
    let ops = tauri::async_runtime::block_on(async {
        let app = Escale::open(office.path()).await.unwrap();
        app.init("Passerelle Numérique", "Portable bureau")
            .await
            .unwrap();
        app.demo(10_000, 0.3, 7).await.unwrap();
        hub::enroll(app.store(), &url, &code, "Portable bureau", None)
            .await
            .unwrap();
        hub::sync_now(app.store(), Default::default())
            .await
            .unwrap();
        app.store().op_count().await.unwrap()
    });
    let dir = tempfile::tempdir().unwrap();
    let ui = ui(dir.path());
    let started = Instant::now();
    ui.ok(
        "sync_enroll",
        json!({"url": hub.url(), "code": hub.code(), "deviceName": "Portable 2"}),
    );
    let input = json!({"kind": null, "title": "Atelier", "place": "Salle", "timezone": null,
                       "starts_at": "2030-03-14 09:00", "ends_at": "2030-03-14 17:00", "series": null});
    let mut waits = vec![];
    loop {
        let t = Instant::now();
        ui.ok("create_event", json!({"input": input}));
        waits.push(t.elapsed());
        let s = ui.ok("status", json!({}));
        if s["online"] == true && s["syncing"] == false && s["ops"].as_i64().unwrap() >= ops {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(300));
        std::thread::sleep(Duration::from_millis(20));
    }
    let took = started.elapsed();
    waits.sort();
    let p = |q: f64| waits[((waits.len() - 1) as f64 * q) as usize];
    println!(
        "first pull of {ops} ops: {took:?}; {} desk writes meanwhile: p50 {:?}, p95 {:?}, max {:?}",
        waits.len(),
        p(0.5),
        p(0.95),
        waits.last().unwrap()
    );
}
