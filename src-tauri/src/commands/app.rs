//! Commands about the app itself: what the status bar shows, the language.

use escale_core::{Error, Lang};
use escale_sync::hub::SyncError;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::error::ErrorBody;
use crate::state::AppState;

/// What the status bar (and the first-run screen) shows about this laptop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppStatus {
    pub version: String,
    /// Absolute data directory.
    pub data_dir: String,
    /// `null` until the first-run set-up (or enrolment of a new laptop).
    pub org_name: Option<String>,
    pub device_name: Option<String>,
    /// Operations in the local log.
    pub ops: i64,
    /// Operations that have not reached the hub yet (enrolled laptops: what
    /// this laptop holds and the hub lacked at the last sync, plus what was
    /// written since; a laptop working alone: every operation made here).
    pub unsynced_ops: i64,
    /// The hub answered the latest sync (always `false` when not enrolled:
    /// the desk works offline, which is its normal mode at a stand).
    pub online: bool,
    /// When the last successful sync ended (milliseconds since the epoch;
    /// the UI shows it in local time); `null` before the first one.
    pub last_sync: Option<i64>,
    /// Enrolled with a hub: the app syncs by itself.
    pub enrolled: bool,
    /// A sync is running.
    pub syncing: bool,
    /// The hub's clock minus this laptop's (ms), at the last sync.
    pub skew_ms: Option<i64>,
    /// The clock is more than 5 minutes off the hub's: the UI warns.
    pub clock_off: bool,
    /// Why the latest sync failed, in the UI's language.
    pub sync_error: Option<ErrorBody>,
    /// Pairs of records that are probably one person, waiting for review
    /// (`SyncView::duplicates`).
    pub duplicates: i64,
    /// The stand's other laptops this one exchanged with lately (live stand
    /// sync): "Sur le stand : 2 autres ordinateurs".
    pub stand_peers: i64,
    /// The language the UI speaks (and Rust's messages are in).
    pub lang: Lang,
    /// Tests only (`ESCALE_IDLE_LOCK_SECONDS`): the UI locks after this many
    /// idle seconds rather than the organisation's minutes, if sooner.
    pub idle_lock_seconds: Option<i64>,
}

impl AppStatus {
    pub async fn of(state: &AppState) -> Result<Self, Error> {
        let (org_name, device_name, ops, own_ops) = match state.escale.info().await {
            Ok(i) => (Some(i.org_name), Some(i.device_name), i.ops, i.unsynced_ops),
            Err(Error::NotInitialised) => (None, None, state.escale.store().op_count().await?, 0),
            Err(e) => return Err(e),
        };
        // Fresh counts (a write just happened, or the CLI enrolled this
        // data directory meanwhile), also for the close check.
        match state.sync.refresh(state.escale.store()).await {
            Ok(()) => {}
            Err(SyncError::Store(e)) => return Err(e),
            Err(e) => tracing::warn!("cannot read the sync state: {e}"),
        }
        let sync = state.sync.view(state.lang());
        // A laptop that joined through the hub knows the organisation's name
        // from its enrolment until the first sync brings the org's own ops.
        let org_name = match org_name {
            Some(n) if n.is_empty() => sync.org_name.clone().or(Some(n)),
            other => other,
        };
        Ok(Self {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            data_dir: state.data_dir.display().to_string(),
            org_name,
            device_name,
            ops,
            unsynced_ops: if sync.enrolled {
                sync.unsynced_ops
            } else {
                own_ops
            },
            online: sync.enrolled && sync.online,
            last_sync: sync.last_success_ms,
            enrolled: sync.enrolled,
            syncing: sync.syncing,
            skew_ms: sync.skew_ms,
            clock_off: sync.clock_off,
            sync_error: sync.error,
            duplicates: sync.duplicates,
            stand_peers: sync.stand.present() as i64,
            lang: state.lang(),
            idle_lock_seconds: state.idle_lock_seconds,
        })
    }
}

#[tauri::command]
pub async fn status(state: State<'_, AppState>) -> Result<AppStatus, ErrorBody> {
    AppStatus::of(&state).await.map_err(|e| state.error(e))
}

/// Switches the language of everything Rust sends (error messages, export
/// headers) and remembers it for the next start.
#[tauri::command]
pub async fn set_language(state: State<'_, AppState>, lang: Lang) -> Result<(), ErrorBody> {
    state.set_lang(lang);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn status_serialises_as_the_ui_expects() {
        let tmp = tempfile::tempdir().unwrap();
        let state = AppState::init(crate::launch::LaunchOptions {
            data_dir: tmp.path().to_path_buf(),
        })
        .await
        .unwrap();
        state.set_lang(Lang::Fr);
        let json = serde_json::to_value(AppStatus::of(&state).await.unwrap()).unwrap();
        let dir = tmp.path().display().to_string();
        assert_eq!(
            json,
            serde_json::json!({
                "version": env!("CARGO_PKG_VERSION"), "data_dir": dir, "org_name": null, "device_name": null,
                "ops": 0, "unsynced_ops": 0, "online": false, "last_sync": null, "enrolled": false,
                "syncing": false, "skew_ms": null, "clock_off": false, "sync_error": null, "duplicates": 0,
                "stand_peers": 0, "lang": "fr", "idle_lock_seconds": null
            }),
            "before the first run the names are null: the UI shows the first-run screen"
        );
        state.escale.init("Asso", "Portable 1").await.unwrap();
        let s = AppStatus::of(&state).await.unwrap();
        assert_eq!(
            (s.org_name.as_deref(), s.device_name.as_deref()),
            (Some("Asso"), Some("Portable 1"))
        );
        assert_eq!(
            (s.ops, s.unsynced_ops),
            (2, 2),
            "init writes two ops, none synced yet"
        );
        assert!(
            !s.online && !s.enrolled,
            "a laptop working alone is offline, and that is fine"
        );
    }
}
