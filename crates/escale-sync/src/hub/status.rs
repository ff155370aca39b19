//! What `escale sync status` and the desktop's status bar show
//! ([`status`]): the binding, the last sync's outcome, the operations the
//! hub lacks (from the two vectors alone), and, when asked, whether the hub
//! answers now. It never writes.

use super::binding::{last_sync, load_binding};
use super::run::HUB_PEER;
use super::SyncError;
use escale_core::store::Store;
use escale_core::sync::node::{lacking, Window};
use escale_protocol::wire::WireErrorBody;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What `escale sync status` shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncStatus {
    pub enrolled: bool,
    pub hub_url: Option<String>,
    pub org_id: Option<Uuid>,
    pub org_name: Option<String>,
    pub device_id: Option<Uuid>,
    pub last_success_ms: Option<i64>,
    pub last_error: Option<WireErrorBody>,
    /// Ops this laptop holds that the hub did not have at the last sync.
    pub unsynced_ops: i64,
    /// Whether the hub answered just now (None when not asked).
    pub online: Option<bool>,
    /// Hub clock minus ours (ms): measured now when online, else the last one.
    pub skew_ms: Option<i64>,
    /// What one request carried at the end of the last sync (bytes,
    /// [`Window`]); `None` before the first.
    #[serde(default)]
    pub window_bytes: Option<usize>,
    /// The link dropped often enough at the last sync to send in small
    /// batches ("connexion instable").
    #[serde(default)]
    pub unstable_link: bool,
}

/// The laptop's sync state; with `probe`, asks the hub's clock (one try).
pub async fn status(store: &Store, probe: bool) -> Result<SyncStatus, SyncError> {
    let binding = load_binding(store).await?;
    let last = last_sync(store).await?;
    let hub_vector = store
        .peer_state(HUB_PEER)
        .await?
        .map(|p| p.vector)
        .unwrap_or_default();
    let unsynced_ops = lacking(&store.vector().await?, &hub_vector);
    let (mut online, mut skew_ms) = (None, last.skew_ms);
    if let (true, Some(b)) = (probe, &binding) {
        let mut c = b.client()?;
        c.retry.attempts = 1;
        match c.skew_ms().await {
            Ok(s) => {
                online = Some(true);
                skew_ms = Some(s);
            }
            Err(_) => online = Some(false),
        }
    }
    Ok(SyncStatus {
        enrolled: binding.is_some(),
        hub_url: binding.as_ref().map(|b| b.url.clone()),
        org_id: binding.as_ref().map(|b| b.org_id),
        org_name: binding.as_ref().map(|b| b.org_name.clone()),
        device_id: binding.as_ref().map(|b| b.device_id),
        last_success_ms: last.last_success_ms,
        last_error: last.last_error,
        unsynced_ops,
        online,
        skew_ms,
        window_bytes: last.window_bytes,
        unstable_link: last.window_bytes.is_some_and(|b| Window::new(b).unstable()),
    })
}
