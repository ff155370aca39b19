//! Commands about the app itself (version, where its data lives).

use serde::Serialize;
use tauri::State;

use crate::state::AppState;

/// What the UI shows about this laptop; `data_dir` is the absolute data
/// directory; the names are `None` until the first-run set-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub org_name: Option<String>,
    pub device_name: Option<String>,
    /// Operations in the local log.
    pub ops: i64,
}

impl AppInfo {
    pub async fn from_state(state: &AppState) -> Result<Self, String> {
        let (org_name, device_name) = match state.escale.info().await {
            Ok(i) => (Some(i.org_name), Some(i.device_name)),
            Err(escale_core::Error::NotInitialised) => (None, None),
            Err(e) => return Err(e.message(escale_core::Lang::Fr)),
        };
        let ops = state
            .escale
            .store()
            .op_count()
            .await
            .map_err(|e| e.message(escale_core::Lang::Fr))?;
        Ok(Self {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            data_dir: state.data_dir.display().to_string(),
            org_name,
            device_name,
            ops,
        })
    }
}

/// Version of the app, the data directory and what the store holds.
#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, String> {
    AppInfo::from_state(&state).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn app_info_serialises_as_the_ui_expects() {
        let tmp = tempfile::tempdir().unwrap();
        let state = AppState::init(crate::launch::LaunchOptions { data_dir: tmp.path().to_path_buf() })
            .await
            .unwrap();
        let json = serde_json::to_value(AppInfo::from_state(&state).await.unwrap()).unwrap();
        let dir = tmp.path().display().to_string();
        assert_eq!(
            json,
            serde_json::json!({ "version": env!("CARGO_PKG_VERSION"), "data_dir": dir, "org_name": null, "device_name": null, "ops": 0 }),
            "ui/src/lib/backend/types.ts reads exactly these keys"
        );
        state.escale.init("Asso", "Portable 1").await.unwrap();
        let info = AppInfo::from_state(&state).await.unwrap();
        assert_eq!((info.org_name.as_deref(), info.device_name.as_deref()), (Some("Asso"), Some("Portable 1")));
        assert_eq!(info.ops, 2, "init writes the organisation and device names as ops");
    }
}
