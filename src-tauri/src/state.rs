//! State of the running app, built once in Tauri's `setup` hook and reached by
//! commands through `tauri::State<'_, AppState>`.
//!
//! The core's store is opened here, once; commands must not open files or
//! connections themselves.

use std::path::PathBuf;

use escale_core::Escale;

use crate::launch::LaunchOptions;

/// Everything commands need, shared by all windows.
pub struct AppState {
    /// Absolute path of the data directory, created at start-up.
    pub data_dir: PathBuf,
    /// The core over the embedded SQLite store in `data_dir`.
    pub escale: Escale,
}

/// Why the app could not build its state.
#[derive(Debug)]
pub enum InitError {
    CreateDataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    OpenStore(escale_core::Error),
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
            Self::OpenStore(error) => write!(f, "{}", error.message(escale_core::Lang::Fr)),
        }
    }
}

impl std::error::Error for InitError {}

impl AppState {
    /// Prepares the data directory and opens the store in it.
    pub async fn init(options: LaunchOptions) -> Result<Self, InitError> {
        std::fs::create_dir_all(&options.data_dir).map_err(|source| InitError::CreateDataDir {
            path: options.data_dir.clone(),
            source,
        })?;
        let escale = Escale::open(&options.data_dir)
            .await
            .map_err(InitError::OpenStore)?;
        Ok(Self {
            data_dir: options.data_dir,
            escale,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn init_creates_the_data_directory_and_opens_the_store() {
        let tmp = tempfile::tempdir().unwrap();
        let data_dir = tmp.path().join("nested/escale");
        let state = AppState::init(LaunchOptions {
            data_dir: data_dir.clone(),
        })
        .await
        .unwrap();
        assert!(data_dir.join("escale.db").is_file(), "the embedded SQLite store lives in the data directory");
        assert_eq!(state.data_dir, data_dir);
    }
}
