//! Enrolment: the laptop presents a one-time code to the hub, adopts the
//! organisation's sync key (or, for an empty data directory, joins the
//! organisation as a new device) and keeps the binding. The URL is checked
//! before any call; nothing is written unless the hub said yes.

use super::binding::{save_binding, HubBinding};
use super::client::{HubCallError, HubClient};
use super::SyncError;
use escale_core::store::Store;
use escale_core::sync::SyncKey;
use escale_protocol::hlc::now_ms;
use uuid::Uuid;

fn check_url(url: &str) -> Result<String, SyncError> {
    let u = url.trim().trim_end_matches('/');
    let ok = (u.starts_with("https://") || u.starts_with("http://"))
        && u.split_once("://")
            .is_some_and(|(_, rest)| !rest.is_empty() && !rest.contains(char::is_whitespace));
    if ok {
        Ok(u.to_string())
    } else {
        Err(SyncError::BadUrl(url.to_string()))
    }
}

/// The device id an empty data directory enrols under, kept before the
/// first call so that every retry of a lost answer presents the same one.
const PENDING_DEVICE_KEY: &str = "hub/pending_device";

/// The device id this laptop enrols under: its own when initialised; for
/// an empty data directory, the one its first attempt chose (kept in the
/// store's `local` table), else a new one.
async fn enrolling_device(store: &Store) -> Result<Uuid, SyncError> {
    if let Some(ident) = store.identity().await? {
        return Ok(ident.device_id);
    }
    if let Some(id) = store
        .local_text(PENDING_DEVICE_KEY)
        .await?
        .and_then(|t| t.parse().ok())
    {
        return Ok(id);
    }
    let id = Uuid::now_v7();
    store
        .set_local_text(PENDING_DEVICE_KEY, &id.to_string())
        .await?;
    Ok(id)
}

/// Enrols this laptop with the hub at `url` using a one-time `code`.
///
/// An initialised laptop enrols under its own device id (the origin of its
/// ops) and adopts the organisation's sync key; an empty data directory
/// becomes a new device of the hub's organisation (`Store::join_org`).
///
/// A lost answer costs nothing: the call is retried while the failure is
/// transient, always under the same device id, and the hub enrols the same
/// device presenting the same code again (with a fresh token). An empty
/// data directory keeps the id it chose, so a later retry of the same code
/// works too.
pub async fn enroll(
    store: &Store,
    url: &str,
    code: &str,
    device_name: &str,
    ca_pem: Option<String>,
) -> Result<HubBinding, SyncError> {
    let url = check_url(url)?;
    let ident = store.identity().await?;
    let device_id = enrolling_device(store).await?;
    let client = HubClient::new(&url, ca_pem.as_deref().map(str::as_bytes))?;
    let resp = client.enroll(code, device_name, Some(device_id)).await?;
    if resp.device_id != device_id {
        return Err(HubCallError::BadResponse("the hub enrolled another device id".into()).into());
    }
    let key = SyncKey::from_hex(&resp.org_key)?;
    match ident {
        Some(_) => store.set_sync_key(&key).await?,
        None => {
            store
                .join_org(resp.org_id, device_id, &key, device_name)
                .await?;
        }
    }
    let binding = HubBinding {
        url,
        token: resp.token,
        org_id: resp.org_id,
        org_name: resp.org_name,
        device_id,
        ca_pem,
        enrolled_at_ms: now_ms(),
    };
    save_binding(store, &binding).await?;
    Ok(binding)
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hub_urls_are_checked_before_any_call() {
        assert_eq!(
            check_url("https://hub.example.org:8787/").unwrap(),
            "https://hub.example.org:8787"
        );
        assert!(check_url("hub.example.org").is_err(), "a scheme is needed");
        assert!(check_url("https://").is_err());
    }
}
