//! Commands about the app itself: what the status bar shows, the language.

use escale_core::{Error, Lang};
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
    /// `null` until the first-run set-up.
    pub org_name: Option<String>,
    pub device_name: Option<String>,
    /// Operations in the local log.
    pub ops: i64,
    /// Operations made on this laptop that no peer has acknowledged yet.
    pub unsynced_ops: i64,
    /// Always `false` for now: sync does not exist yet, so the desk works
    /// offline (which is its normal mode at a stand).
    pub online: bool,
    /// Local time of the last sync; `null` until sync exists.
    pub last_sync: Option<String>,
    /// The language the UI speaks (and Rust's messages are in).
    pub lang: Lang,
}

impl AppStatus {
    pub async fn of(state: &AppState) -> Result<Self, Error> {
        let (org_name, device_name, ops, unsynced_ops) = match state.escale.info().await {
            Ok(i) => (Some(i.org_name), Some(i.device_name), i.ops, i.unsynced_ops),
            Err(Error::NotInitialised) => (None, None, state.escale.store().op_count().await?, 0),
            Err(e) => return Err(e),
        };
        Ok(Self {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            data_dir: state.data_dir.display().to_string(),
            org_name,
            device_name,
            ops,
            unsynced_ops,
            online: false,
            last_sync: None,
            lang: state.lang(),
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
        let state = AppState::init(crate::launch::LaunchOptions { data_dir: tmp.path().to_path_buf() })
            .await
            .unwrap();
        state.set_lang(Lang::Fr);
        let json = serde_json::to_value(AppStatus::of(&state).await.unwrap()).unwrap();
        let dir = tmp.path().display().to_string();
        assert_eq!(
            json,
            serde_json::json!({
                "version": env!("CARGO_PKG_VERSION"), "data_dir": dir, "org_name": null, "device_name": null,
                "ops": 0, "unsynced_ops": 0, "online": false, "last_sync": null, "lang": "fr"
            }),
            "before the first run the names are null: the UI shows the first-run screen"
        );
        state.escale.init("Asso", "Portable 1").await.unwrap();
        let s = AppStatus::of(&state).await.unwrap();
        assert_eq!((s.org_name.as_deref(), s.device_name.as_deref()), (Some("Asso"), Some("Portable 1")));
        assert_eq!((s.ops, s.unsynced_ops), (2, 2), "init writes two ops, none synced yet");
    }
}
