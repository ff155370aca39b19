//! A tiny blocking W3C WebDriver client: sessions, elements by CSS or test id,
//! click, typing, text, scripts, window size and screenshots. Enough for
//! `tauri-driver`; not a general browser automation library. Errors are
//! strings that quote the driver's own message.

use std::path::Path;
use std::time::Duration;

use base64::Engine as _;
use serde_json::{json, Value};

/// Special keys for [`Element::send_keys`] (W3C WebDriver code points).
pub mod keys {
    pub const ENTER: &str = "\u{E007}";
    pub const ESCAPE: &str = "\u{E00C}";
    pub const CONTROL: &str = "\u{E009}";
    pub const ARROW_DOWN: &str = "\u{E015}";
    pub const F2: &str = "\u{E032}";
    pub const F3: &str = "\u{E033}";
    pub const F4: &str = "\u{E034}";
    pub const F6: &str = "\u{E036}";
    pub const F8: &str = "\u{E038}";
    pub const F9: &str = "\u{E039}";
}

/// How often the `wait_*` helpers look again.
const POLL: Duration = Duration::from_millis(25);

/// The key W3C uses for element references in JSON.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A WebDriver session, deleted on drop (which closes the app).
pub struct Session {
    agent: ureq::Agent,
    base: String,
    id: String,
}

/// An element found in a session.
pub struct Element<'s> {
    session: &'s Session,
    id: String,
}

impl Session {
    /// Starts a session that launches the Tauri app at `application` (absolute
    /// path) through tauri-driver at `http://127.0.0.1:{port}`.
    pub fn tauri(port: u16, application: &Path) -> Result<Self, String> {
        Self::tauri_with_args(port, application, &[])
    }

    /// Like [`Session::tauri`], with command-line arguments for the app.
    pub fn tauri_with_args(port: u16, application: &Path, args: &[String]) -> Result<Self, String> {
        let capabilities = json!({
            "capabilities": { "alwaysMatch": { "tauri:options": { "application": application, "args": args } } }
        });
        Self::new(&format!("http://127.0.0.1:{port}"), capabilities)
    }

    /// Starts a session with raw capabilities.
    pub fn new(base: &str, capabilities: Value) -> Result<Self, String> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let base = base.trim_end_matches('/').to_owned();
        let value = request(
            &agent,
            "POST",
            &format!("{base}/session"),
            Some(capabilities),
        )?;
        let id = value["sessionId"]
            .as_str()
            .ok_or_else(|| format!("new session answered without sessionId: {value}"))?
            .to_owned();
        Ok(Self { agent, base, id })
    }

    /// Opens `url` in the session's window (a browser session).
    pub fn navigate(&self, url: &str) -> Result<(), String> {
        self.call("POST", "/url", Some(json!({ "url": url })))
            .map(|_| ())
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let url = format!("{}/session/{}{path}", self.base, self.id);
        request(&self.agent, method, &url, body)
    }

    /// First element matching a CSS selector.
    pub fn find_css(&self, selector: &str) -> Result<Element<'_>, String> {
        let value = self.call(
            "POST",
            "/element",
            Some(json!({ "using": "css selector", "value": selector })),
        )?;
        let id = value[ELEMENT_KEY]
            .as_str()
            .ok_or_else(|| format!("no element reference for {selector}: {value}"))?
            .to_owned();
        Ok(Element { session: self, id })
    }

    /// Every element matching a CSS selector, in document order.
    pub fn find_all_css(&self, selector: &str) -> Result<Vec<Element<'_>>, String> {
        let value = self.call(
            "POST",
            "/elements",
            Some(json!({ "using": "css selector", "value": selector })),
        )?;
        value
            .as_array()
            .ok_or_else(|| format!("elements answered with a non-array: {value}"))?
            .iter()
            .map(|v| {
                v[ELEMENT_KEY]
                    .as_str()
                    .map(|id| Element {
                        session: self,
                        id: id.to_owned(),
                    })
                    .ok_or_else(|| format!("no element reference in {v}"))
            })
            .collect()
    }

    /// The element with `data-testid="{test_id}"` (see ui/src/lib/testIds.ts).
    pub fn by_test_id(&self, test_id: &str) -> Result<Element<'_>, String> {
        self.find_css(&selector(test_id))
    }

    /// Every element with that test id, in document order.
    pub fn all_by_test_id(&self, test_id: &str) -> Result<Vec<Element<'_>>, String> {
        self.find_all_css(&selector(test_id))
    }

    /// The element with that test id, or `None` when there is none right now.
    pub fn try_by_test_id(&self, test_id: &str) -> Result<Option<Element<'_>>, String> {
        match self.by_test_id(test_id) {
            Ok(element) => Ok(Some(element)),
            Err(error) if error.contains("no such element") => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Waits until an element with that test id exists.
    pub fn wait_for(&self, test_id: &str, timeout: Duration) -> Result<Element<'_>, String> {
        crate::wait_until_every(timeout, POLL, || self.try_by_test_id(test_id))
            .map_err(|error| format!("[data-testid=\"{test_id}\"] never appeared: {error}"))
    }

    /// Waits until no element has that test id.
    pub fn wait_gone(&self, test_id: &str, timeout: Duration) -> Result<(), String> {
        crate::wait_until_every(timeout, POLL, || {
            Ok(self.try_by_test_id(test_id)?.is_none().then_some(()))
        })
        .map_err(|error| format!("[data-testid=\"{test_id}\"] is still there: {error}"))
    }

    /// The rendered text of every element with that test id.
    pub fn texts(&self, test_id: &str) -> Result<Vec<String>, String> {
        self.all_by_test_id(test_id)?
            .iter()
            .map(Element::text)
            .collect()
    }

    /// Text of the element with that test id (fails if it is absent). A
    /// render may replace the element between finding it and reading it
    /// ("stale element reference"): it is then found again, a few times.
    pub fn text_of(&self, test_id: &str) -> Result<String, String> {
        let mut tries = 0;
        loop {
            match self.by_test_id(test_id)?.text() {
                Err(e) if e.contains("stale element") && tries < 5 => {
                    tries += 1;
                    std::thread::sleep(POLL);
                }
                read => return read,
            }
        }
    }

    /// The element that has the keyboard focus (WebDriver's Get Active Element).
    pub fn focused(&self) -> Result<Element<'_>, String> {
        let value = self.call("GET", "/element/active", None)?;
        value[ELEMENT_KEY]
            .as_str()
            .map(|id| Element {
                session: self,
                id: id.to_owned(),
            })
            .ok_or_else(|| format!("no element reference in {value}"))
    }

    /// The test id of the element that has the keyboard focus, if it has one.
    pub fn focused_test_id(&self) -> Result<Option<String>, String> {
        let value = self.execute(
            "const a = document.activeElement; return a ? a.getAttribute('data-testid') : null;",
            json!([]),
        )?;
        Ok(value.as_str().map(str::to_owned))
    }

    /// Resizes (and moves to the top-left corner) the app's window.
    pub fn set_window_size(&self, width: u32, height: u32) -> Result<(), String> {
        self.call(
            "POST",
            "/window/rect",
            Some(json!({ "x": 0, "y": 0, "width": width, "height": height })),
        )
        .map(|_| ())
    }

    /// A PNG of the page as rendered (WebDriver's Take Screenshot).
    pub fn screenshot(&self) -> Result<Vec<u8>, String> {
        let value = self.call("GET", "/screenshot", None)?;
        let encoded = value
            .as_str()
            .ok_or_else(|| format!("screenshot is not a string: {value}"))?;
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|error| format!("screenshot is not base64: {error}"))
    }

    /// Waits until the element with `test_id` exists and its text satisfies `accept`;
    /// returns that text.
    pub fn wait_for_text(
        &self,
        test_id: &str,
        timeout: Duration,
        accept: impl Fn(&str) -> bool,
    ) -> Result<String, String> {
        crate::wait_until_every(timeout, POLL, || {
            let text = match self.try_by_test_id(test_id)? {
                Some(element) => element.text()?,
                None => return Err(String::from("no such element")),
            };
            if accept(&text) {
                Ok(Some(text))
            } else {
                Err(format!("text is still {text:?}"))
            }
        })
        .map_err(|error| format!("[data-testid=\"{test_id}\"]: {error}"))
    }

    /// Runs a script in the page and returns its result.
    pub fn execute(&self, script: &str, args: Value) -> Result<Value, String> {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Runs a script that answers later: it calls its last argument with
    /// the result (WebDriver's Execute Async Script).
    pub fn execute_async(&self, script: &str, args: Value) -> Result<Value, String> {
        self.call(
            "POST",
            "/execute/async",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// The page's markup as it is now (WebDriver's Get Page Source).
    pub fn page_source(&self) -> Result<String, String> {
        let value = self.call("GET", "/source", None)?;
        value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("page source is not a string: {value}"))
    }

    /// Calls one of the app's commands over Tauri's IPC, as the UI does
    /// (`window.__TAURI_INTERNALS__.invoke`): `Ok` with its answer, or `Err`
    /// with what it was refused with (`{code, message, field}`).
    pub fn invoke(&self, command: &str, args: Value) -> Result<Result<Value, Value>, String> {
        let answer = self.execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])
               .then((ok) => done({ ok: ok === undefined ? null : ok }), (err) => done({ err }));",
            json!([command, args]),
        )?;
        match (answer.get("ok"), answer.get("err")) {
            (Some(ok), _) => Ok(Ok(ok.clone())),
            (_, Some(err)) => Ok(Err(err.clone())),
            _ => Err(format!("{command}: no answer from the IPC: {answer}")),
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.call("DELETE", "", None);
    }
}

impl Element<'_> {
    pub fn click(&self) -> Result<(), String> {
        self.session
            .call(
                "POST",
                &format!("/element/{}/click", self.id),
                Some(json!({})),
            )
            .map(|_| ())
    }

    /// Rendered text, as the user sees it.
    pub fn text(&self) -> Result<String, String> {
        let value = self
            .session
            .call("GET", &format!("/element/{}/text", self.id), None)?;
        value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("text is not a string: {value}"))
    }

    pub fn attribute(&self, name: &str) -> Result<Option<String>, String> {
        let value = self.session.call(
            "GET",
            &format!("/element/{}/attribute/{name}", self.id),
            None,
        )?;
        Ok(value.as_str().map(str::to_owned))
    }

    /// A DOM property (`value`, `checked`, `disabled`…).
    pub fn property(&self, name: &str) -> Result<Value, String> {
        self.session.call(
            "GET",
            &format!("/element/{}/property/{name}", self.id),
            None,
        )
    }

    /// The current value of an input, select or textarea.
    pub fn value(&self) -> Result<String, String> {
        let value = self.property("value")?;
        value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("value is not a string: {value}"))
    }

    pub fn is_enabled(&self) -> Result<bool, String> {
        let value = self
            .session
            .call("GET", &format!("/element/{}/enabled", self.id), None)?;
        value
            .as_bool()
            .ok_or_else(|| format!("enabled is not a boolean: {value}"))
    }

    /// Types `text` into the element as key presses (see [`keys`] for Enter…).
    pub fn send_keys(&self, text: &str) -> Result<(), String> {
        self.session
            .call(
                "POST",
                &format!("/element/{}/value", self.id),
                Some(json!({ "text": text })),
            )
            .map(|_| ())
    }

    /// Empties an input.
    pub fn clear(&self) -> Result<(), String> {
        self.session
            .call(
                "POST",
                &format!("/element/{}/clear", self.id),
                Some(json!({})),
            )
            .map(|_| ())
    }

    /// Clicks the `<label>` around the element: for radio buttons and
    /// checkboxes the UI draws as styled labels (the input itself is hidden,
    /// so WebDriver refuses to click it, but a person clicks the label).
    pub fn click_label(&self) -> Result<(), String> {
        let clicked = self.session.execute(
            "const label = arguments[0].closest('label'); if (!label) return false; label.click(); return true;",
            json!([self.reference()]),
        )?;
        if clicked == Value::Bool(true) {
            Ok(())
        } else {
            Err(String::from("the element is not inside a <label>"))
        }
    }

    /// Sets an input's value at once and fires `input` and `change`, as
    /// typing would: for values too long to type key by key, or for
    /// date-time pickers WebDriver cannot type into.
    pub fn set_value(&self, value: &str) -> Result<(), String> {
        self.session
            .execute(
                "const e = arguments[0]; e.value = arguments[1];
                 e.dispatchEvent(new Event('input', { bubbles: true }));
                 e.dispatchEvent(new Event('change', { bubbles: true }));",
                json!([self.reference(), value]),
            )
            .map(|_| ())
    }

    /// Scrolls the element to the middle of its scroll container.
    pub fn scroll_into_view(&self) -> Result<(), String> {
        self.session
            .execute(
                "arguments[0].scrollIntoView({ block: 'center', inline: 'nearest' });",
                json!([self.reference()]),
            )
            .map(|_| ())
    }

    /// The element as a script argument (`arguments[i]` in [`Session::execute`]).
    pub fn reference(&self) -> Value {
        json!({ ELEMENT_KEY: self.id })
    }
}

fn selector(test_id: &str) -> String {
    format!("[data-testid=\"{test_id}\"]")
}

/// Sends one WebDriver request and unwraps `{"value": ...}`, turning W3C errors
/// (`{"value": {"error", "message"}}`) into `Err`.
fn request(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    body: Option<Value>,
) -> Result<Value, String> {
    let response = match (method, body) {
        ("GET", _) => agent.get(url).call(),
        ("DELETE", _) => agent.delete(url).call(),
        ("POST", Some(body)) => agent.post(url).send_json(&body),
        ("POST", None) => agent.post(url).send_json(json!({})),
        (other, _) => return Err(format!("unsupported method {other}")),
    };
    let mut response = response.map_err(|error| format!("{method} {url}: {error}"))?;
    let status = response.status();
    let json: Value = response
        .body_mut()
        .read_json()
        .map_err(|error| format!("{method} {url}: HTTP {status} without JSON: {error}"))?;
    let value = json.get("value").cloned().unwrap_or(Value::Null);
    if !status.is_success() || value.get("error").is_some() {
        return Err(format!(
            "{method} {url}: HTTP {status} {}: {}",
            value["error"].as_str().unwrap_or("error"),
            value["message"].as_str().unwrap_or("")
        ));
    }
    Ok(value)
}
