//! The UI's test bridge: the desktop app — the same state, the same
//! background tasks, the same commands through Tauri's IPC — on Tauri's mock
//! runtime (no window, no WebView), driven over stdin/stdout by the UI's
//! component tests (`ui/src/lib/backend/bridge.ts`). The fakes of the UI
//! tests are thus the real core: no business rule is written twice.
//!
//! Built only with the `ui-bridge` feature; never shipped.
//!
//! ```text
//! escale-ui-bridge [--data-dir PATH] [--freeze-clock-at MS | --shift-clock-by MS]
//! ```
//!
//! Without `--data-dir`, the app runs on a fresh temporary directory,
//! removed when stdin closes. The clock options set the wall clock of the
//! whole process before the app starts (`escale_protocol::clock::test_clock`).
//!
//! One JSON document per line each way:
//!
//! ```text
//! in   {"id":1,"cmd":"search","args":{"eventId":"…","query":"lef",…}}   a command, as commands.ts sends it
//! out  {"id":1,"ok":[…]}  or  {"id":1,"err":{"code":…,"message":…,"field":…}}
//! out  {"event":"data-changed","payload":null}                          every event the app emits
//! in   {"id":2,"control":"advance_clock","args":{"ms":60000}}         the bridge's own controls
//! out  {"ready":{"data_dir":"…","pid":123}}  once, before any answer;  {"exit":0}  when the app quits
//! ```
//!
//! Commands go through [`escale_desktop::commands::handler`] (the list the
//! app registers; there is no other). Controls stand apart, under another
//! key, and are what a test needs of the world around the app:
//! `freeze_clock {at_ms}`, `shift_clock {by_ms}`, `advance_clock {ms}`,
//! `now` (the clock's Unix ms), and `close_window` (the window's close
//! button; answers `{"asked": bool}`, true when the app kept the window open
//! to ask first). `quit_app` runs for real; a mock runtime cannot exit, so
//! the app's [`escale_desktop::ExitHandler`] reports `{"exit":code}` here.
//! The OS file dialogs are the UI's (`@tauri-apps/plugin-dialog`), not
//! commands: the TypeScript side of the bridge answers them.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::sync::mpsc;

use escale_desktop::launch::LaunchOptions;
use escale_protocol::clock::{self, test_clock};
use serde::Deserialize;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponse};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Listener, Manager, WebviewWindow};

/// One line from the test.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    id: u64,
    /// An app command (exactly one of `cmd` and `control`).
    cmd: Option<String>,
    /// One of the bridge's own controls.
    control: Option<String>,
    #[serde(default)]
    args: Value,
}

/// What the command line asks for.
struct Options {
    data_dir: Option<PathBuf>,
    freeze_at: Option<i64>,
    shift_by: Option<i64>,
}

fn main() {
    escale_desktop::logging::init();
    if let Err(message) = serve() {
        eprintln!("escale-ui-bridge: {message}");
        std::process::exit(2);
    }
}

fn serve() -> Result<(), String> {
    let options = options(std::env::args().skip(1))?;
    // The clock is set before anything reads it.
    if let Some(ms) = options.freeze_at {
        test_clock::freeze_at(ms);
    }
    if let Some(ms) = options.shift_by {
        test_clock::shift_by(ms);
    }
    let temp = match &options.data_dir {
        Some(_) => None,
        None => Some(tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?),
    };
    let data_dir = match (&options.data_dir, &temp) {
        (Some(dir), _) => dir.clone(),
        (None, Some(t)) => t.path().join("escale"),
        (None, None) => return Err("no data directory".into()),
    };

    let (out, lines) = mpsc::channel::<Value>();
    std::thread::spawn(move || write_lines(lines));
    // The app's own origin (Windows serves it over http).
    let origin = if cfg!(windows) {
        "http://tauri.localhost"
    } else {
        "tauri://localhost"
    };
    let origin: tauri::Url = origin.parse().map_err(|e| format!("{origin}: {e}"))?;

    let app = mock_builder()
        .invoke_handler(escale_desktop::commands::handler())
        .build(mock_context(noop_assets()))
        .map_err(|e| format!("cannot build the app: {e}"))?;
    let exit = out.clone();
    app.manage(escale_desktop::ExitHandler(Box::new(move |code| {
        let _ = exit.send(json!({ "exit": code }));
    })));
    for &name in escale_desktop::commands::EVENTS {
        let out = out.clone();
        app.listen_any(name, move |event| {
            let payload = serde_json::from_str(event.payload()).unwrap_or(Value::Null);
            let _ = out.send(json!({ "event": name, "payload": payload }));
        });
    }
    escale_desktop::start(
        app.handle(),
        LaunchOptions {
            data_dir: data_dir.clone(),
        },
    )
    .map_err(|e| e.to_string())?;
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .map_err(|e| format!("cannot open the mock window: {e}"))?;
    let bridge = Bridge {
        window,
        origin,
        out: out.clone(),
    };
    let _ = out.send(json!({
        "ready": { "data_dir": data_dir, "pid": std::process::id() }
    }));

    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Request>(&line) {
            Ok(request) => bridge.handle(request),
            Err(e) => {
                eprintln!("escale-ui-bridge: ignored a line that is not a request ({e}): {line}")
            }
        }
    }
    // stdin closed: the test is over. Background tasks end with the process.
    drop(temp);
    std::process::exit(0);
}

fn options(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut o = Options {
        data_dir: None,
        freeze_at: None,
        shift_by: None,
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        let ms = |name: &str, v: String| {
            v.parse::<i64>()
                .map_err(|_| format!("{name}: not a number of ms: {v}"))
        };
        match arg.as_str() {
            "--data-dir" => o.data_dir = Some(PathBuf::from(value("--data-dir")?)),
            "--freeze-clock-at" => o.freeze_at = Some(ms(&arg, value(&arg)?)?),
            "--shift-clock-by" => o.shift_by = Some(ms(&arg, value(&arg)?)?),
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(o)
}

/// The app's window and the way back to the test.
struct Bridge {
    window: WebviewWindow<MockRuntime>,
    origin: tauri::Url,
    out: mpsc::Sender<Value>,
}

impl Bridge {
    fn handle(&self, request: Request) {
        let id = request.id;
        match (request.cmd, request.control) {
            (Some(cmd), None) => self.invoke(id, cmd, request.args),
            (None, Some(control)) => {
                let answer = match self.control(&control, &request.args) {
                    Ok(ok) => json!({ "id": id, "ok": ok }),
                    Err(message) => refusal(id, &message),
                };
                let _ = self.out.send(answer);
            }
            _ => {
                let _ = self
                    .out
                    .send(refusal(id, "a request has either `cmd` or `control`"));
            }
        }
    }

    /// An app command through Tauri's IPC, answered when it finishes
    /// (commands run concurrently, as in the app).
    fn invoke(&self, id: u64, cmd: String, args: Value) {
        let request = InvokeRequest {
            cmd,
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: self.origin.clone(),
            body: InvokeBody::Json(if args.is_null() { json!({}) } else { args }),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        let out = self.out.clone();
        self.window.as_ref().clone().on_message(
            request,
            Box::new(move |_webview, _cmd, response, _callback, _error| {
                let line = match response {
                    InvokeResponse::Ok(body) => match body.deserialize::<Value>() {
                        Ok(ok) => json!({ "id": id, "ok": ok }),
                        Err(e) => refusal(id, &format!("unreadable answer: {e}")),
                    },
                    InvokeResponse::Err(error) => json!({ "id": id, "err": error.0 }),
                };
                let _ = out.send(line);
            }),
        );
    }

    fn control(&self, control: &str, args: &Value) -> Result<Value, String> {
        let ms = |key: &str| {
            args.get(key)
                .and_then(Value::as_i64)
                .ok_or(format!("{control} needs {{\"{key}\": ms}}"))
        };
        match control {
            "freeze_clock" => test_clock::freeze_at(ms("at_ms")?),
            "shift_clock" => test_clock::shift_by(ms("by_ms")?),
            "advance_clock" => test_clock::advance(ms("ms")?),
            "now" => {}
            "close_window" => {
                let asked = escale_desktop::ask_before_closing(self.window.app_handle());
                return Ok(json!({ "asked": asked }));
            }
            other => return Err(format!("unknown control {other}")),
        }
        Ok(json!(clock::now_ms()))
    }
}

/// The bridge's own refusal (a malformed request), shaped like the app's.
fn refusal(id: u64, message: &str) -> Value {
    json!({ "id": id, "err": { "code": "bridge", "message": message, "field": null } })
}

/// Writes every line, in the order sent, flushing each: the test reads them
/// as they come.
fn write_lines(lines: mpsc::Receiver<Value>) {
    let stdout = std::io::stdout();
    for line in lines {
        let mut out = stdout.lock();
        if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
            break;
        }
    }
}
