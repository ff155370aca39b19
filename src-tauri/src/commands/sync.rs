//! The sync screen and quitting: the live sync state, enrolment with the
//! organisation's hub, "sync now", and the warning when the window closes
//! with operations the hub does not have yet. The work is the core's
//! (`escale_sync::hub`) and the background task's ([`crate::sync`]).

use std::time::Duration;

use escale_core::roles::Action;
use escale_core::Error;
use escale_protocol::enrolment::EnrolmentLink;
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
    state.allow(Action::SyncSetup).await?;
    let lang = state.lang();
    let EnrolmentLink { hub: url, code } = EnrolmentLink::from_fields(&url, &code);
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

/// The hub's URL and the code in the text of an enrolment QR code, as a
/// scanner types it or a paste brings it; `None` when it is not such a link
/// (the UI then leaves the box as typed).
#[tauri::command]
pub fn read_enrolment_link(text: String) -> Option<EnrolmentLink> {
    EnrolmentLink::parse(&text)
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
    crate::exit(&app, 0);
    Ok(())
}

async fn refresh(state: &AppState) -> Result<(), ErrorBody> {
    match state.sync.refresh(state.escale.store()).await {
        Ok(()) => Ok(()),
        Err(e) => Err(ErrorBody::of_sync(&e, state.lang())),
    }
}
