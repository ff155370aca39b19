//! Starting a new device from a snapshot instead of replaying the whole log.
//!
//! [`Store::export_snapshot`] copies the whole database — materialised state,
//! op log and version vector — in ONE read transaction (`VACUUM INTO`), so
//! the state, the log and the vector agree. The copy keeps nothing of the
//! exporting device (`local` is emptied: identity, counters, clock, peers)
//! except the organisation's id and sync key, under `snapshot.*` keys.
//!
//! [`Store::import_snapshot`] turns such a file into the store of a NEW
//! device: a fresh device id, its own sequence starting at 1, the
//! organisation's key. Its vector is the exporter's, so the next sync only
//! exchanges what happened since. Nothing is left behind if any step fails.
//!
//! A snapshot holds all the organisation's personal data and its sync key:
//! it must only travel encrypted (TLS to the hub, an encrypted peer session).

use super::node::read_vector;
use super::SyncKey;
use crate::error::{Error, Result};
use crate::store::{OpenOptions, Store, DB_FILE};
use escale_protocol::wire::VersionVector;
use serde::Serialize;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use std::path::{Path, PathBuf};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
pub struct SnapshotInfo {
    pub path: String,
    pub org_id: Uuid,
    pub ops: i64,
    pub bytes: u64,
    pub vector: VersionVector,
    pub millis: u128,
}

impl Store {
    /// Writes a snapshot of this store to `path` (atomically: a temporary
    /// file next to it, renamed at the end).
    pub async fn export_snapshot(&self, path: &Path) -> Result<SnapshotInfo> {
        let started = std::time::Instant::now();
        let ident = self.identity().await?.ok_or(Error::NotInitialised)?;
        let key = self.sync_key().await?;
        let tmp = sibling(path, "snapshot-tmp");
        let _ = std::fs::remove_file(&tmp);
        let result = async {
            let target = tmp
                .to_str()
                .ok_or_else(|| Error::DataDir(format!("{}: not UTF-8", tmp.display())))?;
            // One consistent read of everything, written compactly.
            sqlx::query("VACUUM INTO ?")
                .bind(target)
                .execute(self.pool())
                .await?;
            // `VACUUM INTO` writes an encrypted store's copy under its key.
            let pool = open_file(&tmp, self.key()).await?;
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM local").execute(&mut *tx).await?;
            for (k, v) in [
                ("snapshot.org_id", ident.org_id.to_string()),
                ("snapshot.sync_key", key.to_hex()),
            ] {
                sqlx::query("INSERT INTO local (key, text_value) VALUES (?, ?)")
                    .bind(k)
                    .bind(v)
                    .execute(&mut *tx)
                    .await?;
            }
            let ops: i64 = sqlx::query_scalar("SELECT count(*) FROM op")
                .fetch_one(&mut *tx)
                .await?;
            let vector = read_vector(&mut tx).await?;
            tx.commit().await?;
            pool.close().await;
            std::fs::File::open(&tmp)?.sync_all()?;
            std::fs::rename(&tmp, path)?;
            Ok::<_, Error>((ops, vector))
        }
        .await;
        let (ops, vector) = match result {
            Ok(r) => r,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        };
        Ok(SnapshotInfo {
            path: path.display().to_string(),
            org_id: ident.org_id,
            ops,
            bytes: std::fs::metadata(path)?.len(),
            vector,
            millis: started.elapsed().as_millis(),
        })
    }

    /// Creates the store of a new device of the snapshot's organisation in
    /// `dir` (which must not hold a store yet) from a snapshot file, which is
    /// copied (the file stays as it was).
    pub async fn import_snapshot(
        dir: &Path,
        file: &Path,
        device_name: &str,
        opts: &OpenOptions,
    ) -> Result<Store> {
        Self::start_from_snapshot(dir, file, device_name, opts, false).await
    }

    /// Like [`Store::import_snapshot`], but takes the file over (moved into
    /// place when it is on the same file system, which saves copying a
    /// gigabyte): for a snapshot just downloaded to a temporary file.
    pub async fn adopt_snapshot(
        dir: &Path,
        file: &Path,
        device_name: &str,
        opts: &OpenOptions,
    ) -> Result<Store> {
        Self::start_from_snapshot(dir, file, device_name, opts, true).await
    }

    async fn start_from_snapshot(
        dir: &Path,
        file: &Path,
        device_name: &str,
        opts: &OpenOptions,
        consume: bool,
    ) -> Result<Store> {
        crate::validate::text("device", device_name, crate::validate::MAX_SHORT)?
            .ok_or(Error::Required { field: "device" })?;
        if dir.join(DB_FILE).exists() {
            return Err(Error::AlreadyInitialised);
        }
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!("{DB_FILE}.snapshot-{}", Uuid::now_v7()));
        let result = async {
            let not_found = |e: std::io::Error| match e.kind() {
                std::io::ErrorKind::NotFound => {
                    Error::SnapshotInvalid(format!("{}: not found", file.display()))
                }
                _ => e.into(),
            };
            if !(consume && std::fs::rename(file, &tmp).is_ok()) {
                std::fs::copy(file, &tmp).map_err(not_found)?;
                if consume {
                    let _ = std::fs::remove_file(file);
                }
            }
            let store_key = match &opts.key {
                Some(k) => Some(k.clone()),
                None => crate::store::key::StoreKey::from_env()?,
            };
            let (org_id, key) = adopt(&tmp, store_key.as_ref()).await?;
            std::fs::rename(&tmp, dir.join(DB_FILE))?;
            Ok::<_, Error>((org_id, key))
        }
        .await;
        let (org_id, key) = match result {
            Ok(r) => r,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        };
        let opened = async {
            let store = Store::open(dir, opts).await.map_err(|e| match e {
                Error::Internal(d) => Error::SnapshotInvalid(d),
                other => other,
            })?;
            if let Err(e) = store
                .join_org(org_id, Uuid::now_v7(), &key, device_name)
                .await
            {
                store.close().await;
                return Err(e);
            }
            Ok(store)
        }
        .await;
        if opened.is_err() {
            crate::store::remove_store_files(dir, false);
        }
        opened
    }
}

/// Reads the organisation out of a copied snapshot and readies its `local`
/// table for a new device.
async fn adopt(
    path: &Path,
    store_key: Option<&crate::store::key::StoreKey>,
) -> Result<(Uuid, SyncKey)> {
    let invalid = |e: Error| match e {
        Error::Corrupt(d) | Error::Internal(d) => Error::SnapshotInvalid(d),
        other => other,
    };
    // A snapshot of an encrypted store is under the same key; a plain one
    // is converted when the new store opens with a key.
    let key = store_key.filter(|_| !crate::store::key::is_plain(path));
    let pool = open_file(path, key).await.map_err(invalid)?;
    let result = async {
        let mut tx = pool.begin().await?;
        let get = |k: &'static str| {
            sqlx::query_scalar::<_, Option<String>>("SELECT text_value FROM local WHERE key = ?").bind(k)
        };
        let org: Option<String> = get("snapshot.org_id").fetch_optional(&mut *tx).await?.flatten();
        let key: Option<String> = get("snapshot.sync_key").fetch_optional(&mut *tx).await?.flatten();
        let (Some(org), Some(key)) = (org, key) else {
            return Err(Error::SnapshotInvalid("not an Escale snapshot".into()));
        };
        let org_id = Uuid::parse_str(&org).map_err(|e| Error::SnapshotInvalid(e.to_string()))?;
        let key = SyncKey::from_hex(&key).map_err(invalid)?;
        sqlx::query("DELETE FROM local").execute(&mut *tx).await?;
        // The search index reloads rows stamped after its counter: start
        // past every stamp the exporter left.
        sqlx::query(
            "INSERT INTO local (key, int_value) VALUES ('rev',
               1 + max(coalesce((SELECT max(rev) FROM visitor), 0), coalesce((SELECT max(rev) FROM erased), 0)))",
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((org_id, key))
    }
    .await
    .map_err(invalid);
    pool.close().await;
    result
}

async fn open_file(path: &Path, key: Option<&crate::store::key::StoreKey>) -> Result<SqlitePool> {
    let mut co = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .journal_mode(SqliteJournalMode::Delete);
    if let Some(k) = key {
        co = co.pragma("key", k.pragma());
    }
    Ok(SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(co)
        .await?)
}

/// `dir/.name.<tag>-<uuid>`: a temporary file on the same file system as
/// `path`, so the final rename is atomic.
pub(crate) fn sibling(path: &Path, tag: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{tag}-{}", Uuid::now_v7()))
}
