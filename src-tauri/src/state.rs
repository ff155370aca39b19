//! State of the running app, built once in Tauri's `setup` hook and reached by
//! commands through `tauri::State<'_, AppState>`.
//!
//! The core's store is opened here, once; commands must not open files or
//! connections themselves. The UI's language lives here too, so that every
//! error crosses to the UI already translated (see [`crate::error`]).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use escale_core::{Escale, Lang};

use crate::error::ErrorBody;
use crate::launch::LaunchOptions;
use crate::sync::SyncControl;
use escale_sync::schedule::Timing;

/// The file in the data directory that remembers the UI's language, so the
/// app restarts in the language it was left in.
const LANG_FILE: &str = "desktop-lang";

/// For tests only: the UI locks after this many idle seconds instead of the
/// organisation's minutes (never later than them: the core's own idle lock
/// still runs on the organisation's delay). Documented in docs/security.md.
pub const IDLE_LOCK_SECONDS_ENV: &str = "ESCALE_IDLE_LOCK_SECONDS";

/// Everything commands need, shared by all windows.
pub struct AppState {
    /// Absolute path of the data directory, created at start-up.
    pub data_dir: PathBuf,
    /// The core over the embedded SQLite store in `data_dir`.
    pub escale: Escale,
    /// The background sync's controls and live state ([`crate::sync`]).
    pub sync: SyncControl,
    /// This laptop sharing with stand peers, while it does
    /// ([`crate::commands::peer`]).
    pub peer: tokio::sync::Mutex<Option<escale_sync::peer::PeerShare>>,
    /// Live sync with the stand's other laptops, while it runs
    /// ([`crate::sync::stand`]).
    pub stand: tokio::sync::Mutex<Option<crate::sync::stand::Running>>,
    /// The long batches running now ([`crate::jobs`]).
    pub jobs: crate::jobs::Jobs,
    /// [`IDLE_LOCK_SECONDS_ENV`], when set (tests).
    pub idle_lock_seconds: Option<i64>,
    /// The UI's language: messages sent to the UI are in it.
    lang: Mutex<Lang>,
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
        // The desk locks itself when nobody touches it (the UI's idle timer
        // calls `touch`; the core enforces the same delay).
        escale.enable_idle_lock();
        let lang = saved_lang(&options.data_dir).unwrap_or_else(|| {
            sys_locale::get_locale()
                .map(|l| Lang::from_locale(&l))
                .unwrap_or_default()
        });
        let sync = SyncControl::load(escale.store(), Timing::from_env()).await;
        Ok(Self {
            data_dir: options.data_dir,
            escale,
            sync,
            peer: tokio::sync::Mutex::new(None),
            stand: tokio::sync::Mutex::new(None),
            jobs: crate::jobs::Jobs::default(),
            idle_lock_seconds: std::env::var(IDLE_LOCK_SECONDS_ENV)
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .filter(|s: &i64| *s > 0),
            lang: Mutex::new(lang),
        })
    }

    pub fn lang(&self) -> Lang {
        *self
            .lang
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Switches the language and remembers it for the next start (a failure
    /// to remember is logged, not fatal: the switch itself worked).
    pub fn set_lang(&self, lang: Lang) {
        *self
            .lang
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = lang;
        let text = match lang {
            Lang::Fr => "fr",
            Lang::En => "en",
        };
        if let Err(e) = std::fs::write(self.data_dir.join(LANG_FILE), text) {
            tracing::warn!("cannot remember the language: {e}");
        }
    }

    /// The role check of the few commands that are not a core use case
    /// (enrolment, sharing the store with a stand peer): the core's
    /// [`escale_core::roles::Role::allows`] on whoever is signed in, `auth.locked`
    /// when staff accounts exist and nobody is, anything on a store that
    /// has none yet (a laptop being set up) — as the core's own check.
    pub async fn allow(&self, action: escale_core::roles::Action) -> Result<(), ErrorBody> {
        let session = if self.escale.touch() {
            self.escale.current_session()
        } else {
            None
        };
        match session {
            Some(s) if s.role.allows(action) => Ok(()),
            Some(s) => Err(self.error(escale_core::Error::Forbidden {
                role: s.role,
                action,
            })),
            None => match self.escale.has_staff().await {
                Ok(false) => Ok(()),
                Ok(true) => Err(self.error(escale_core::Error::Locked)),
                Err(e) => Err(self.error(e)),
            },
        }
    }

    /// Staff accounts exist and nobody is signed in: the core refuses every
    /// use case, so the background work that runs them waits.
    pub async fn is_locked(&self) -> bool {
        self.escale.current_session().is_none() && self.escale.has_staff().await.unwrap_or(false)
    }

    /// A core error as the UI receives it, in the current language.
    pub fn error(&self, error: escale_core::Error) -> ErrorBody {
        ErrorBody::new(&error, self.lang())
    }
}

fn saved_lang(data_dir: &Path) -> Option<Lang> {
    std::fs::read_to_string(data_dir.join(LANG_FILE))
        .ok()?
        .parse()
        .ok()
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
        assert!(
            data_dir.join("escale.db").is_file(),
            "the embedded SQLite store lives in the data directory"
        );
        assert_eq!(state.data_dir, data_dir);
    }

    #[tokio::test]
    async fn the_language_survives_a_restart() {
        let tmp = tempfile::tempdir().unwrap();
        let options = LaunchOptions {
            data_dir: tmp.path().to_path_buf(),
        };
        let state = AppState::init(options.clone()).await.unwrap();
        state.set_lang(Lang::En);
        state.set_lang(Lang::Fr);
        state.set_lang(Lang::En);
        drop(state);
        let again = AppState::init(options).await.unwrap();
        assert_eq!(
            again.lang(),
            Lang::En,
            "the app reopens in the language it was left in"
        );
    }
}
