//! `ops verify`: rebuild the state from the log alone and compare.
//!
//! The log is copied op by op into a fresh store next to the live one (never
//! touching it), folded there in batches, and the canonical dumps of both
//! stores are hashed. Equal hashes mean the materialised state is exactly
//! what the log says.

use super::Escale;
use crate::error::Result;
use crate::store::canonical::{state_hash, StateHash};
use crate::store::{OpenOptions, Store};
use escale_protocol::roles::Action;
use serde::Serialize;
use std::path::Path;

#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub ops: i64,
    pub live: StateHash,
    pub rebuilt: StateHash,
    pub equal: bool,
    /// Tables whose contents differ.
    pub differing: Vec<String>,
    pub millis: u128,
}

/// Ops are replayed this many at a time.
pub const REBUILD_BATCH: usize = 10_000;

impl Escale {
    pub async fn verify(&self) -> Result<VerifyReport> {
        self.require(Action::ViewEvents).await?;
        let started = std::time::Instant::now();
        let dir = tempfile_dir(self.data_dir())?;
        let result = async {
            let (ops, target) = self.rebuild_into(&dir).await?;
            let mut conn = target.pool().acquire().await?;
            let hash = state_hash(&mut conn).await;
            drop(conn);
            target.close().await;
            Ok::<_, crate::Error>((ops, hash?))
        }
        .await;
        let _ = std::fs::remove_dir_all(&dir);
        let (ops, rebuilt) = result?;
        let mut conn = self.store.pool().acquire().await?;
        let live = state_hash(&mut conn).await?;
        let differing = live
            .tables
            .iter()
            .zip(&rebuilt.tables)
            .filter(|(a, b)| a != b)
            .map(|(a, _)| a.0.clone())
            .collect();
        Ok(VerifyReport {
            ops,
            equal: live.total == rebuilt.total,
            live,
            rebuilt,
            differing,
            millis: started.elapsed().as_millis(),
        })
    }

    /// Folds this store's whole log into a new store in `dir`, and returns
    /// how many ops it replayed and the (open) rebuilt store.
    pub async fn rebuild_into(&self, dir: &Path) -> Result<(i64, Store)> {
        self.require(Action::SyncSetup).await?;
        let target = Store::open(
            dir,
            &OpenOptions {
                relaxed_durability: true,
                ..Default::default()
            },
        )
        .await?;
        let ident = self.identity().await?;
        let mut tx = target.init_identity(ident.org_id, ident.device_id).await?;
        let mut count = 0_i64;
        // Keyset paging over (origin, seq): bounded memory for any log size.
        // The next page is read from the live store while the current one is
        // folded into the new one (two files, two cores).
        let mut page = self.store.ops_after(None, REBUILD_BATCH).await?;
        while let Some(tail) = page.last() {
            let after = Some((tail.origin, tail.seq));
            let (next, applied) =
                tokio::join!(self.store.ops_after(after, REBUILD_BATCH), tx.ingest(&page));
            applied?;
            count += page.len() as i64;
            page = next?;
        }
        tx.commit().await?;
        Ok((count, target))
    }
}

fn tempfile_dir(base: &Path) -> Result<std::path::PathBuf> {
    let dir = base.join(format!("verify-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
