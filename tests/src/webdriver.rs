//! A tiny blocking W3C WebDriver client: sessions, elements by CSS or test id,
//! click, text. Enough for `tauri-driver`; not a general browser automation
//! library. Errors are strings that quote the driver's own message.

use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};

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
        let capabilities = json!({
            "capabilities": { "alwaysMatch": { "tauri:options": { "application": application } } }
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

    /// The element with `data-testid="{test_id}"` (see ui/src/lib/testIds.ts).
    pub fn by_test_id(&self, test_id: &str) -> Result<Element<'_>, String> {
        self.find_css(&format!("[data-testid=\"{test_id}\"]"))
    }

    /// Waits until the element with `test_id` exists and its text satisfies `accept`;
    /// returns that text.
    pub fn wait_for_text(
        &self,
        test_id: &str,
        timeout: Duration,
        accept: impl Fn(&str) -> bool,
    ) -> Result<String, String> {
        crate::wait_until(timeout, || {
            let text = self.by_test_id(test_id)?.text()?;
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
