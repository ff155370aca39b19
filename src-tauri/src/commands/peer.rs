//! Stand peers, without a hub: this laptop shares (shows a pairing code,
//! lists who joined) or joins another one with its code. The exchange is
//! the core's (`escale_sync::peer`); what arrives is announced like a
//! hub sync's (`data-changed`) and relayed to the hub by the background sync.

use std::net::SocketAddr;

use escale_core::hlc::now_ms;
use escale_core::roles::Action;
use escale_core::{Error, Lang};
use escale_sync::peer::{self, JoinOptions, PeerEvent, PeerShare, ShareOptions};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime, State};
use tokio::sync::broadcast::error::RecvError;
use ts_rs::TS;

use crate::error::ErrorBody;
use crate::state::AppState;
use crate::sync::{publish, DATA_CHANGED_EVENT};

/// Emitted with a [`PeerEventView`] for each laptop that joins (or fails
/// to), and when sharing ends.
pub const PEER_EVENT: &str = "peer-event";

/// What the sharing laptop shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PeerShareView {
    /// The pairing code to show big, `4827-1953`.
    pub code: String,
    /// Where joiners can reach this laptop (`192.168.1.20:41234`), for when
    /// the local network does not let them find it by itself.
    pub addresses: Vec<String>,
    /// When the code stops working (ms since the epoch).
    pub expires_at_ms: i64,
    /// Why this laptop cannot be found by itself (then give an address).
    pub discovery_error: Option<String>,
}

/// Something that happened on the sharing laptop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PeerEventView {
    /// `joined`, `failed` or `closed`.
    pub event: String,
    /// One line, in the UI's language.
    pub message: String,
    pub device_name: Option<String>,
    /// Operations received from the laptop that joined.
    pub received: i64,
    /// Operations it received from this one.
    pub sent: i64,
}

/// What one exchange did, on the joining laptop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PeerJoinView {
    pub peer_device_name: String,
    pub peer_addr: String,
    /// This laptop was never set up and became a device of the organisation.
    pub joined_org: bool,
    /// Operations this laptop stored for the first time.
    pub pulled: i64,
    /// Operations the other laptop stored for the first time.
    pub pushed: i64,
    /// One line, in the UI's language.
    pub message: String,
}

/// Starts sharing on the local network (or shows the code of the sharing
/// already running).
#[tauri::command]
pub async fn peer_share_start<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<PeerShareView, ErrorBody> {
    // Sharing hands the whole store to whoever has the code.
    state.allow(Action::SyncSetup).await?;
    let mut slot = state.peer.lock().await;
    if let Some(s) = slot.as_ref().filter(|s| s.expires_at_ms() > now_ms()) {
        return Ok(share_view(s, state.lang()));
    }
    if let Some(old) = slot.take() {
        old.stop().await;
    }
    let device_name = state
        .escale
        .info()
        .await
        .map_err(|e| state.error(e))?
        .device_name;
    let share = peer::share(
        state.escale.store().clone(),
        device_name,
        ShareOptions::default(),
    )
    .await
    .map_err(|e| ErrorBody::of_peer(&e, state.lang()))?;
    forward_events(app, share.subscribe(), share.code());
    let view = share_view(&share, state.lang());
    *slot = Some(share);
    Ok(view)
}

/// Stops sharing (a session in progress is cut; what it applied stays).
#[tauri::command]
pub async fn peer_share_stop(state: State<'_, AppState>) -> Result<(), ErrorBody> {
    let share = state.peer.lock().await.take();
    if let Some(s) = share {
        s.stop().await;
    }
    Ok(())
}

/// Joins the laptop showing `code`, found on the local network or at
/// `address` (`192.168.1.20:41234`), and exchanges what each lacks. A
/// laptop never set up joins the organisation as `device_name`.
#[tauri::command]
pub async fn peer_join<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    code: String,
    address: Option<String>,
    device_name: Option<String>,
) -> Result<PeerJoinView, ErrorBody> {
    state.allow(Action::SyncSetup).await?;
    let lang = state.lang();
    let addr = match address.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        None => None,
        Some(a) => Some(a.parse::<SocketAddr>().map_err(|_| {
            state.error(Error::Invalid {
                field: "address",
                value: a.to_string(),
            })
        })?),
    };
    let name = match state.escale.info().await {
        Ok(info) => info.device_name,
        Err(Error::NotInitialised) => match device_name.as_deref().map(str::trim) {
            Some(n) if !n.is_empty() => n.to_string(),
            _ => return Err(state.error(Error::Required { field: "device" })),
        },
        Err(e) => return Err(state.error(e)),
    };
    let report = peer::join(
        state.escale.store(),
        code.trim(),
        addr,
        &name,
        JoinOptions::default(),
    )
    .await
    .map_err(|e| ErrorBody::of_peer(&e, lang))?;
    if report.pulled > 0 {
        // Other laptops' operations: the screens reload at once (the store's
        // watcher also sees them, and has the task relay them to the hub).
        let _ = app.emit(DATA_CHANGED_EVENT, ());
    }
    if state.sync.refresh(state.escale.store()).await.is_ok() {
        publish(&app);
    }
    let (n, pulled, pushed) = (&report.peer_device_name, report.pulled, report.pushed);
    let message = if lang == Lang::Fr {
        format!("Échange terminé avec {n} : {pulled} opérations reçues, {pushed} envoyées.")
    } else {
        format!("Exchange with {n} done: {pulled} operations received, {pushed} sent.")
    };
    Ok(PeerJoinView {
        peer_device_name: report.peer_device_name.clone(),
        peer_addr: report.peer_addr.to_string(),
        joined_org: report.joined_org,
        pulled: pulled as i64,
        pushed: pushed as i64,
        message,
    })
}

/// Turns live sync with the stand's other laptops on or off (kept across
/// restarts); answers with the sync view once it has started or stopped.
#[tauri::command]
pub async fn stand_set_enabled<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    enabled: bool,
) -> Result<crate::sync::SyncView, ErrorBody> {
    state.allow(Action::SyncSetup).await?;
    crate::sync::stand::set_wanted(&app, enabled)
        .await
        .map_err(|e| state.error(e))?;
    Ok(state.sync.view(state.lang()))
}

fn share_view(s: &PeerShare, _lang: Lang) -> PeerShareView {
    PeerShareView {
        code: s.code(),
        addresses: s.addresses().iter().map(ToString::to_string).collect(),
        expires_at_ms: s.expires_at_ms(),
        discovery_error: s.discovery_error().map(str::to_string),
    }
}

/// Sends the sharing laptop's events to the UI until sharing ends.
fn forward_events<R: Runtime>(
    app: AppHandle<R>,
    mut rx: tokio::sync::broadcast::Receiver<PeerEvent>,
    code: String,
) {
    tauri::async_runtime::spawn(async move {
        loop {
            let event = match rx.recv().await {
                Ok(e) => e,
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break,
            };
            let state = app.state::<AppState>();
            let view = event_view(&event, state.lang());
            if let PeerEvent::Joined { received, .. } = &event {
                if *received > 0 {
                    let _ = app.emit(DATA_CHANGED_EVENT, ());
                }
                if state.sync.refresh(state.escale.store()).await.is_ok() {
                    publish(&app);
                }
            }
            if let Err(e) = app.emit(PEER_EVENT, view) {
                tracing::warn!("cannot emit {PEER_EVENT}: {e}");
            }
            if matches!(event, PeerEvent::Closed { .. }) {
                let mut slot = state.peer.lock().await;
                if slot.as_ref().is_some_and(|s| s.code() == code) {
                    slot.take();
                }
                break;
            }
        }
    });
}

pub fn event_view(e: &PeerEvent, lang: Lang) -> PeerEventView {
    let message = e.message(lang);
    match e {
        PeerEvent::Joined {
            device_name,
            received,
            sent,
            ..
        } => PeerEventView {
            event: "joined".into(),
            message,
            device_name: Some(device_name.clone()),
            received: *received as i64,
            sent: *sent as i64,
        },
        PeerEvent::Failed { device_name, .. } => PeerEventView {
            event: "failed".into(),
            message,
            device_name: device_name.clone(),
            received: 0,
            sent: 0,
        },
        PeerEvent::Closed { .. } => PeerEventView {
            event: "closed".into(),
            message,
            device_name: None,
            received: 0,
            sent: 0,
        },
    }
}
