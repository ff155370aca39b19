//! The hub's own upkeep, at start-up and then daily: the audit entries older
//! than each organisation's retention period lose their bodies, as every
//! laptop purges its own copy (`escale_core::app::audit`).
//!
//! The period is the organisation's setting as the laptops fold it: the
//! newest `set.org` op naming `audit_retention_days` (last writer wins, by
//! stamp), else [`DEFAULT_AUDIT_RETENTION_DAYS`]. An entry's age is its
//! op's stamp. Anonymisation, by contrast, is decided where the state is —
//! on the laptops, whose `anonymise` ops the hub applies to its log
//! (`crate::push`).

use crate::db::Db;
use crate::error::Result;
use escale_protocol::fields::DEFAULT_AUDIT_RETENTION_DAYS;
use escale_protocol::hlc::Hlc;
use uuid::Uuid;

/// Milliseconds in a day.
const DAY_MS: i64 = 86_400_000;

/// The organisation's audit retention, in days.
pub async fn audit_retention_days(db: &Db, org: Uuid) -> Result<i64> {
    for body in db.org_settings(org).await? {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&body) else {
            continue;
        };
        if let Some(days) = v["fields"]["audit_retention_days"].as_i64() {
            return Ok(days.clamp(30, 3650));
        }
    }
    Ok(DEFAULT_AUDIT_RETENTION_DAYS)
}

/// Purges every organisation's audit entries past their period; returns
/// how many ops lost their bodies.
pub async fn purge_old_audit(db: &Db, now_ms: i64) -> Result<u64> {
    let mut purged = 0;
    for org in db.orgs().await? {
        let days = audit_retention_days(db, org.id).await?;
        let before = Hlc::new(now_ms - days * DAY_MS, 0).0;
        purged += db.purge_audit(org.id, before).await?;
    }
    if purged > 0 {
        db.scrub().await?;
    }
    Ok(purged)
}

/// Runs [`purge_old_audit`] now and then every day, for as long as the
/// server runs.
pub fn spawn(db: Db) {
    tokio::spawn(async move {
        loop {
            match purge_old_audit(&db, escale_protocol::clock::now_ms()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!("upkeep: {n} old audit entries purged"),
                Err(e) => tracing::warn!("upkeep failed: {e}"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(24 * 3600)).await;
        }
    });
}
