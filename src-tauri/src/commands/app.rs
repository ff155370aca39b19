//! Commands about the app itself (version, where its data lives).

use serde::Serialize;
use tauri::State;

use crate::state::AppState;

/// What the UI shows in its footer; `data_dir` is the absolute data directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
}

impl AppInfo {
    pub fn from_state(state: &AppState) -> Self {
        Self {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            data_dir: state.data_dir.display().to_string(),
        }
    }
}

/// Version of the app and the data directory it uses.
#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo::from_state(&state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_info_serialises_as_the_ui_expects() {
        let state = AppState {
            data_dir: "/data/escale".into(),
        };
        let json = serde_json::to_value(AppInfo::from_state(&state)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "version": env!("CARGO_PKG_VERSION"), "data_dir": "/data/escale" }),
            "ui/src/lib/backend/types.ts reads exactly these keys"
        );
    }
}
