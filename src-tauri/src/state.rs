//! State of the running app, built once in Tauri's `setup` hook and reached by
//! commands through `tauri::State<'_, AppState>`.
//!
//! This is where the core's store will be opened (one field per long-lived
//! service); commands must not open files or connections themselves.

use std::path::PathBuf;

use crate::launch::LaunchOptions;

/// Everything commands need, shared by all windows.
#[derive(Debug)]
pub struct AppState {
    /// Absolute path of the data directory, created at start-up.
    pub data_dir: PathBuf,
}

/// Why the app could not build its state.
#[derive(Debug)]
pub enum InitError {
    CreateDataDir {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl std::fmt::Display for InitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::CreateDataDir { path, source } => {
                write!(
                    f,
                    "cannot create the data directory {}: {source}",
                    path.display()
                )
            }
        }
    }
}

impl std::error::Error for InitError {}

impl AppState {
    /// Prepares the data directory and everything that lives in it.
    pub fn init(options: LaunchOptions) -> Result<Self, InitError> {
        std::fs::create_dir_all(&options.data_dir).map_err(|source| InitError::CreateDataDir {
            path: options.data_dir.clone(),
            source,
        })?;
        Ok(Self {
            data_dir: options.data_dir,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_creates_the_data_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let data_dir = tmp.path().join("nested/escale");
        let state = AppState::init(LaunchOptions {
            data_dir: data_dir.clone(),
        })
        .unwrap();
        assert!(
            data_dir.is_dir(),
            "the store will be opened there, so it must exist"
        );
        assert_eq!(state.data_dir, data_dir);
    }
}
