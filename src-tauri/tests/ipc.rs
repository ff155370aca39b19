//! The commands through Tauri's IPC (mock runtime, no window): the names and
//! camelCase argument keys `ui/src/lib/backend/commands.ts` sends reach the
//! core, and failures arrive as `{code, message, field}` in the UI's language.

use escale_desktop::launch::LaunchOptions;
use escale_desktop::state::AppState;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow};

struct Ui {
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
}

fn ui(dir: &std::path::Path) -> Ui {
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
    Ui { _app: app, window }
}

impl Ui {
    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            // The app's own origin (Windows serves it over http).
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
}

#[test]
fn a_morning_at_the_desk_through_ipc() {
    let dir = tempfile::tempdir().unwrap();
    let ui = ui(dir.path());

    assert_eq!(
        ui.ok("status", json!({}))["org_name"],
        Value::Null,
        "before the first run"
    );
    let status = ui.ok(
        "first_run",
        json!({"orgName": "Passerelle", "deviceName": "Portable 1", "lang": "en"}),
    );
    assert_eq!(
        (status["org_name"].as_str(), status["lang"].as_str()),
        (Some("Passerelle"), Some("en"))
    );

    let input = json!({"kind": null, "title": "Forum emploi", "place": "Gymnase", "timezone": null,
                       "starts_at": "2026-12-03 09:00", "ends_at": "2026-12-03 17:00", "series": null});
    let ev = ui.ok("create_event", json!({"input": input}));
    let ev_id = ev["id"].as_str().unwrap().to_string();
    let session = ui.ok(
        "add_session",
        json!({"eventId": ev_id, "input": {"title": "Atelier CV", "room": "A", "starts_at": "10:00", "ends_at": "11:30", "capacity": 12}}),
    );
    assert_eq!(
        ui.ok("list_sessions", json!({"eventId": ev_id}))
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let walk_in = json!({"event_id": ev_id, "check_in": false,
        "visitor": {"first_name": "Éloïse", "last_name": "N'Diaye-Lefèvre", "email": "", "phone": "", "postcode": "",
                    "birth_year": null, "situation": "", "employment_id": "", "notes": ""},
        "consents": [{"purpose": "processing", "granted": true}]});
    let eloise = ui.ok("register_walk_in", json!({"walkIn": walk_in}))["visitor"].clone();
    let hits = ui.ok(
        "search",
        json!({"eventId": ev_id, "query": "lefevre", "limit": 10, "sessionId": null}),
    );
    assert_eq!(hits[0]["visitor"]["id"], eloise["id"]);

    let check_in = json!({"eventId": ev_id, "visitorId": eloise["id"], "code": null, "sessionId": null, "method": "search"});
    assert_eq!(ui.ok("check_in", check_in.clone())["status"], "welcome");
    assert_eq!(ui.ok("check_in", check_in)["status"], "already_arrived");
    let scan = json!({"eventId": ev_id, "visitorId": null, "code": eloise["badge_code"], "sessionId": session["id"], "method": "scan"});
    assert_eq!(ui.ok("check_in", scan.clone())["session_count"], 1);
    assert_eq!(ui.ok("check_out", scan)["status"], "checked_out");
    assert_eq!(
        ui.ok("event_stats", json!({"eventId": ev_id}))["arrived"],
        1,
        "two check-ins, one arrival"
    );
    ui.ok(
        "undo_last",
        json!({"eventId": ev_id, "sessionId": session["id"]}),
    );

    let page = ui.ok(
        "registrations",
        json!({"eventId": ev_id, "filter": {"show": "arrived", "session_id": null, "query": "", "sort": "name", "offset": 0, "limit": 50}}),
    );
    assert_eq!(
        (page["total"].as_i64(), page["rows"][0]["kind"].as_str()),
        (Some(1), Some("walk_in"))
    );

    let unknown = ui.call("check_in", json!({"eventId": ev_id, "visitorId": null, "code": "EZZZZZZZ", "sessionId": null, "method": "scan"}));
    let err = unknown.unwrap_err();
    assert_eq!(err["code"], "checkin.unknown_code");
    assert!(
        err["message"].as_str().unwrap().contains("walk-in"),
        "in English, as chosen at first run: {err}"
    );
    assert_eq!(err["field"], Value::Null);

    ui.ok("set_language", json!({"lang": "fr"}));
    let err = ui
        .call(
            "create_event",
            json!({"input": {"title": "", "place": "", "starts_at": "2026-12-03", "ends_at": ""}}),
        )
        .unwrap_err();
    assert_eq!(
        err,
        json!({"code": "input.required", "message": "Le champ « titre » est obligatoire.", "field": "title"}),
        "a form can show the message under the title box"
    );

    let csv = dir.path().join("inscrits.csv");
    std::fs::write(
        &csv,
        "Prénom;Nom;E-mail\nChloé;Martin;chloe@example.org\nHugo;Petit;hugo@example.org\n",
    )
    .unwrap();
    let path = csv.display().to_string();
    let preview = ui.ok(
        "import_preview",
        json!({"eventId": ev_id, "path": path, "mapping": null}),
    );
    assert_eq!(
        (
            preview["report"]["new_visitors"].as_i64(),
            preview["sample"].as_array().unwrap().len()
        ),
        (Some(2), 2)
    );
    let mapping = preview["report"]["detected"]["mapping"].clone();
    let report = ui.ok(
        "import_commit",
        json!({"eventId": ev_id, "path": path, "mapping": mapping}),
    );
    assert_eq!(
        (report["dry_run"].as_bool(), report["new_visitors"].as_i64()),
        (Some(false), Some(2))
    );
    let not_a_sheet = dir.path().join("photo.csv");
    std::fs::write(&not_a_sheet, [0u8, 159, 146, 150, 0, 0, 1, 2]).unwrap();
    let err = ui
        .call(
            "import_preview",
            json!({"eventId": ev_id, "path": not_a_sheet.display().to_string(), "mapping": null}),
        )
        .unwrap_err();
    assert!(
        err["code"].as_str().unwrap().starts_with("import."),
        "{err}"
    );

    let out = dir.path().join("forum.xlsx").display().to_string();
    let exported = ui.ok(
        "export_event",
        json!({"eventId": ev_id, "format": "xlsx", "path": out}),
    );
    assert_eq!(exported["rows"], 3);

    let demo = ui.ok("load_demo", json!({"visitors": 5}));
    assert_eq!(ui.ok("list_events", json!({})).as_array().unwrap().len(), 2);
    ui.ok("archive_event", json!({"eventId": demo["event"]["id"]}));
    let events = ui.ok("list_events", json!({}));
    assert_eq!(
        events.as_array().unwrap().len(),
        1,
        "the archived demo event is gone: {events}"
    );
    assert_eq!(
        ui.ok("get_event", json!({"id": ev_id}))["title"],
        "Forum emploi"
    );
    let detail = ui.ok("visitor_detail", json!({"id": eloise["id"]}));
    assert_eq!(detail["registrations"].as_array().unwrap().len(), 1);
}

#[test]
fn the_lock_through_ipc_staff_accounts_roles_and_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let ui = ui(dir.path());
    ui.ok(
        "first_run",
        json!({"orgName": "Passerelle", "deviceName": "Portable 1", "lang": "fr"}),
    );
    let lock = ui.ok("lock_state", json!({}));
    assert_eq!(
        (lock["needs_first_account"].as_bool(), &lock["session"]),
        (Some(true), &Value::Null),
        "a laptop without staff accounts asks for the coordinator's"
    );

    // The first account signs its owner in.
    let camille =
        json!({"name": "Camille", "role": "coordinator", "pin": "1357", "badge": "STAFF-1"});
    ui.ok("add_staff", json!({"input": camille}));
    let lock = ui.ok("lock_state", json!({}));
    assert_eq!(lock["session"]["name"], "Camille");
    assert_eq!(lock["session"]["role"], "coordinator");
    let input = json!({"kind": null, "title": "Forum emploi", "place": "Gymnase", "timezone": null,
                       "starts_at": "2026-12-03 09:00", "ends_at": "2026-12-03 17:00", "series": null});
    let ev_id = ui.ok("create_event", json!({"input": input}))["id"]
        .as_str()
        .unwrap()
        .to_string();
    let vera = json!({"name": "Vera", "role": "volunteer", "pin": "2468", "badge": null});
    ui.ok("add_staff", json!({"input": vera}));
    assert_eq!(ui.ok("staff_list", json!({})).as_array().unwrap().len(), 2);
    assert_eq!(ui.ok("set_lock_minutes", json!({"minutes": 7})), 7);
    assert_eq!(ui.ok("touch", json!({})), true);

    // Locked: the names of the staff, nothing else; every command refused.
    ui.ok("lock", json!({}));
    let lock = ui.ok("lock_state", json!({}));
    assert_eq!(lock["names"], json!(["Camille", "Vera"]));
    assert_eq!(lock["session"], Value::Null);
    assert_eq!(ui.ok("touch", json!({})), false);
    for (cmd, args) in [
        ("list_events", json!({})),
        (
            "search",
            json!({"eventId": ev_id, "query": "a", "limit": 5, "sessionId": null}),
        ),
        ("staff_list", json!({})),
        ("peer_share_start", json!({})),
        (
            "sync_enroll",
            json!({"url": "http://127.0.0.1:9", "code": "ABCD-EFGH", "deviceName": null}),
        ),
    ] {
        let e = ui.call(cmd, args).unwrap_err();
        assert_eq!(e["code"], "auth.locked", "{cmd} while locked: {e}");
        assert!(e["message"].as_str().unwrap().contains("verrouillé"), "{e}");
    }

    // Wrong PINs, in the UI's language, then a wait.
    let wrong = ui
        .call("unlock", json!({"name": "Vera", "pin": "0000"}))
        .unwrap_err();
    assert_eq!(
        (wrong["code"].as_str(), wrong["message"].as_str()),
        (Some("auth.wrong_pin"), Some("Nom ou code PIN incorrect."))
    );
    let badge = ui
        .call("unlock_badge", json!({"code": "STAFF-2"}))
        .unwrap_err();
    assert_eq!(badge["code"], "auth.wrong_pin");
    assert_eq!(
        ui.ok("unlock_badge", json!({"code": "STAFF-1"}))["name"],
        "Camille"
    );
    ui.ok("lock", json!({}));

    // A volunteer checks in, and may not list or set anything up.
    let session = ui.ok("unlock", json!({"name": "vera", "pin": "2468"}));
    assert_eq!(
        (
            session["name"].as_str(),
            session["role"].as_str(),
            session["lock_minutes"].as_i64()
        ),
        (Some("Vera"), Some("volunteer"), Some(7))
    );
    ui.ok("list_events", json!({}));
    for (cmd, args) in [
        ("staff_list", json!({})),
        ("set_lock_minutes", json!({"minutes": 9})),
        ("peer_share_start", json!({})),
        (
            "registrations",
            json!({"eventId": ev_id, "filter": {"show": "all", "session_id": null, "query": "", "sort": "name", "offset": 0, "limit": 10}}),
        ),
    ] {
        let e = ui.call(cmd, args).unwrap_err();
        assert_eq!(e["code"], "auth.forbidden", "{cmd} as a volunteer: {e}");
    }
    let change =
        json!({"name": null, "role": "coordinator", "pin": null, "badge": null, "archived": null});
    let e = ui
        .call("update_staff", json!({"staff": "Vera", "change": change}))
        .unwrap_err();
    assert_eq!(e["code"], "auth.forbidden", "{e}");
}
