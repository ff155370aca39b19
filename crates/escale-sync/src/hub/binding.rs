//! What enrolment leaves on the laptop and what the last sync said, kept in
//! the store's `local` table: [`HubBinding`] (where the hub is, the token
//! that proves who we are — never printed) and [`LastSync`]. Reading and
//! writing these two keys is all this module does.

use super::client::HubClient;
use super::SyncError;
use escale_core::error::Error;
use escale_core::store::Store;
use escale_protocol::wire::WireErrorBody;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Key of the hub binding in the store's `local` table.
const BINDING_KEY: &str = "hub/binding";
/// Key of the last sync outcome in the store's `local` table.
const LAST_KEY: &str = "hub/last";

/// What enrolment leaves on the laptop: where the hub is and how to prove
/// who we are. The token is only here and never printed.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct HubBinding {
    pub url: String,
    pub token: String,
    pub org_id: Uuid,
    pub org_name: String,
    pub device_id: Uuid,
    /// A CA certificate (PEM) trusted for this hub, besides the system's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_pem: Option<String>,
    pub enrolled_at_ms: i64,
}

impl std::fmt::Debug for HubBinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubBinding")
            .field("url", &self.url)
            .field("org_id", &self.org_id)
            .field("device_id", &self.device_id)
            .finish_non_exhaustive()
    }
}

impl HubBinding {
    pub fn client(&self) -> Result<HubClient, SyncError> {
        Ok(
            HubClient::new(&self.url, self.ca_pem.as_deref().map(str::as_bytes))?
                .with_token(&self.token, self.org_id),
        )
    }
}

/// The last sync's outcome, for the status bar and `escale sync status`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LastSync {
    pub last_success_ms: Option<i64>,
    pub last_attempt_ms: Option<i64>,
    pub last_error: Option<WireErrorBody>,
    /// Hub clock minus ours, measured at the last sync (ms).
    pub skew_ms: Option<i64>,
    /// What the link carried per request at the end of the last sync
    /// ([`escale_core::sync::node::Window`]): the next one starts there.
    #[serde(default)]
    pub window_bytes: Option<usize>,
}

pub async fn load_binding(store: &Store) -> Result<Option<HubBinding>, Error> {
    match store.local_text(BINDING_KEY).await? {
        Some(t) => serde_json::from_str(&t)
            .map(Some)
            .map_err(|e| Error::Corrupt(format!("hub binding: {e}"))),
        None => Ok(None),
    }
}

pub async fn save_binding(store: &Store, b: &HubBinding) -> Result<(), Error> {
    store
        .set_local_text(BINDING_KEY, &serde_json::to_string(b)?)
        .await
}

pub async fn last_sync(store: &Store) -> Result<LastSync, Error> {
    Ok(store
        .local_text(LAST_KEY)
        .await?
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default())
}

pub(super) async fn save_last(store: &Store, last: &LastSync) -> Result<(), Error> {
    store
        .set_local_text(LAST_KEY, &serde_json::to_string(last)?)
        .await
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_never_shows_in_debug_output() {
        let b = HubBinding {
            url: "https://h".into(),
            token: "SECRET-TOKEN".into(),
            org_id: Uuid::nil(),
            org_name: "o".into(),
            device_id: Uuid::nil(),
            ca_pem: None,
            enrolled_at_ms: 0,
        };
        assert!(
            !format!("{b:?}").contains("SECRET"),
            "logs must not carry the token"
        );
    }
}
