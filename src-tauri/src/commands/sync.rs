//! The sync screen and quitting: the live sync state, enrolment with the
//! organisation's hub, "sync now", and the warning when the window closes
//! with operations the hub does not have yet. The work is the core's
//! (`escale_sync::hub`) and the background task's ([`crate::sync`]).

use std::time::Duration;

use escale_core::Error;
use escale_sync::hub::{self, SyncError};
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use ts_rs::TS;

use crate::error::ErrorBody;
use crate::state::AppState;
use crate::sync::{publish, SyncView};

/// Emitted with a [`CloseRequest`] when the window is asked to close while
/// operations wait for the hub; the UI asks, then calls `quit_app`.
pub const CLOSE_EVENT: &str = "close-requested";

/// How long "sync now" waits for the sync it asked for.
const SYNC_NOW_TIMEOUT: Duration = Duration::from_secs(600);

/// Why the window did not close at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CloseRequest {
    /// Operations the hub does not have yet.
    pub unsynced_ops: i64,
}

/// What the sync screen shows (also pushed as the `sync-status` event).
#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> Result<SyncView, ErrorBody> {
    refresh(&state).await?;
    Ok(state.sync.view(state.lang()))
}

/// Enrols this laptop with the hub at `url` using the one-time `code` the
/// administrator printed (or the text of its QR code, which carries both).
/// A laptop that was never set up becomes a new device of the hub's
/// organisation under `device_name`. The first sync starts at once, in the
/// background: the answer does not wait for it.
#[tauri::command]
pub async fn sync_enroll<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    url: String,
    code: String,
    device_name: Option<String>,
) -> Result<SyncView, ErrorBody> {
    let lang = state.lang();
    let (url, code) = enrolment_input(&url, &code);
    if url.is_empty() {
        return Err(ErrorBody::sync_input_required("url", lang));
    }
    if code.is_empty() {
        return Err(ErrorBody::sync_input_required("code", lang));
    }
    let name = match state.escale.info().await {
        Ok(info) => info.device_name,
        Err(Error::NotInitialised) => match device_name.as_deref().map(str::trim) {
            Some(n) if !n.is_empty() => n.to_string(),
            _ => return Err(state.error(Error::Required { field: "device" })),
        },
        Err(e) => return Err(state.error(e)),
    };
    hub::enroll(state.escale.store(), &url, &code, &name, None)
        .await
        .map_err(|e| ErrorBody::of_sync(&e, lang))?;
    refresh(&state).await?;
    publish(&app);
    state.sync.request_now();
    Ok(state.sync.view(lang))
}

/// Syncs now (whatever the backoff says) and answers when that sync is
/// over; a failed sync is not an error of the command: the view says why.
#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> Result<SyncView, ErrorBody> {
    let enrolled = hub::load_binding(state.escale.store())
        .await
        .map_err(|e| state.error(e))?
        .is_some();
    if !enrolled {
        return Err(ErrorBody::of_sync(&SyncError::NotEnrolled, state.lang()));
    }
    state.sync.sync_and_wait(SYNC_NOW_TIMEOUT).await;
    Ok(state.sync.view(state.lang()))
}

/// Quits for real (the UI asked, or the person chose "quit anyway").
#[tauri::command]
pub async fn quit_app<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<(), ErrorBody> {
    state.sync.set_quitting();
    app.exit(0);
    Ok(())
}

async fn refresh(state: &AppState) -> Result<(), ErrorBody> {
    match state.sync.refresh(state.escale.store()).await {
        Ok(()) => Ok(()),
        Err(e) => Err(ErrorBody::of_sync(&e, state.lang())),
    }
}

/// The hub's URL and the code, from what was typed or scanned: a QR code
/// printed by `escale hub enroll --hub-url` reads
/// `escale://enroll?hub=<URL, percent-encoded>&code=<CODE>`, and a scanner
/// types it into whichever box has the focus.
pub fn enrolment_input(url: &str, code: &str) -> (String, String) {
    for scanned in [code, url] {
        if let Some((hub, c)) = parse_enrolment_link(scanned.trim()) {
            let hub = hub.unwrap_or_else(|| url.trim().to_string());
            return (hub, c);
        }
    }
    (url.trim().to_string(), code.trim().to_string())
}

/// `escale://enroll?hub=…&code=…` → (hub, code).
fn parse_enrolment_link(s: &str) -> Option<(Option<String>, String)> {
    const PREFIX: &str = "escale://enroll?";
    let head = s.get(..PREFIX.len())?;
    if !head.eq_ignore_ascii_case(PREFIX) {
        return None;
    }
    let (mut hub, mut code) = (None, None);
    for pair in s[PREFIX.len()..].split('&') {
        match pair.split_once('=') {
            Some((k, v)) if k.eq_ignore_ascii_case("hub") => hub = Some(percent_decode(v)),
            Some((k, v)) if k.eq_ignore_ascii_case("code") => code = Some(percent_decode(v)),
            _ => {}
        }
    }
    Some((hub.filter(|h| !h.is_empty()), code.unwrap_or_default()))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scanned_qr_code_fills_in_the_hub_and_the_code() {
        let link =
            "escale://enroll?hub=https%3A%2F%2Fhub.example.org%3A8787&code=ABCD-EFGH-JKMN-PQRS";
        let want = (
            "https://hub.example.org:8787".to_string(),
            "ABCD-EFGH-JKMN-PQRS".to_string(),
        );
        assert_eq!(enrolment_input("", link), want, "scanned into the code box");
        assert_eq!(enrolment_input(link, ""), want, "scanned into the URL box");
        assert_eq!(
            enrolment_input("http://old.example", &format!("  {link}\n")),
            want,
            "the QR code wins over a stale URL"
        );
        assert_eq!(
            enrolment_input(" https://hub.example.org ", " abcd-efgh "),
            (
                "https://hub.example.org".to_string(),
                "abcd-efgh".to_string()
            ),
            "typed: trimmed, the hub ignores dashes and case"
        );
        assert_eq!(
            enrolment_input("https://hub.example.org", "ESCALE://ENROLL?code=WXYZ"),
            ("https://hub.example.org".to_string(), "WXYZ".to_string()),
            "a QR code without the hub keeps the typed URL"
        );
    }
}
