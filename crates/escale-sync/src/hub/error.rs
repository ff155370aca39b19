//! Why enrolment or a sync failed ([`SyncError`]): a stable code, and a
//! message a person can act on in French or English (a hub's refusal is
//! translated by its code). Nothing here talks to the hub or the store.

use super::client::HubCallError;
use escale_core::error::Error;
use escale_protocol::catalogue::{m, Describe, Problem};
use escale_protocol::i18n::Lang;

/// Why enrolment or a sync failed.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Store(#[from] Error),
    #[error(transparent)]
    Hub(#[from] HubCallError),
    #[error("this laptop is not enrolled with a hub")]
    NotEnrolled,
    #[error("invalid hub URL {0}")]
    BadUrl(String),
}

impl SyncError {
    /// The code from the catalogue (a hub's code this version does not know
    /// is `sync.refused`).
    pub fn code(&self) -> &'static str {
        self.describe().code().as_str()
    }

    /// A message a person can act on, in their language.
    pub fn message(&self, lang: Lang) -> String {
        self.describe().message(lang)
    }
}

impl Describe for SyncError {
    fn describe(&self) -> Problem {
        match self {
            SyncError::Store(e) => e.describe(),
            SyncError::Hub(e) => e.describe(),
            SyncError::NotEnrolled => Problem::new(&m::SYNC_NOT_ENROLLED),
            SyncError::BadUrl(u) => Problem::new(&m::SYNC_BAD_URL).arg("url", u),
        }
    }
}
