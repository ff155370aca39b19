//! The store's encryption key.
//!
//! The laptop's store is a SQLCipher database (AES-256, every page
//! authenticated) keyed with a random 32-byte *data key*, given to SQLCipher
//! raw (`PRAGMA key = "x'…'"`), so no connection re-derives it. Where the
//! key comes from, first found:
//!
//! 1. [`super::OpenOptions::key`] — the caller unwrapped it;
//! 2. `ESCALE_STORE_KEY` — 64 hexadecimal digits, or
//!    `ESCALE_STORE_KEY_FILE` — a file holding them (scripts, servers, CI:
//!    whoever can read that variable or file can read the store; see
//!    `docs/security.md`).
//!
//! Without a key, a store stays as SQLite writes it (plain). A plain store
//! opened with a key is converted once, in place (`sqlcipher_export` into a
//! new file, then swapped), with nothing lost.

use crate::error::{Error, Result};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Environment variable holding the key as 64 hexadecimal digits.
pub const KEY_ENV: &str = "ESCALE_STORE_KEY";
/// Environment variable naming a file that holds the key.
pub const KEY_FILE_ENV: &str = "ESCALE_STORE_KEY_FILE";

/// A data key. Its bytes are wiped when it is dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct StoreKey([u8; 32]);

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(…)")
    }
}

impl Drop for StoreKey {
    fn drop(&mut self) {
        for b in self.0.iter_mut() {
            // Volatile: the compiler may not drop the wipe of a dying value.
            wipe(b);
        }
    }
}

/// Writes 0 in a way the optimiser keeps.
fn wipe(b: &mut u8) {
    *b = 0;
    std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
}

impl StoreKey {
    /// A new random key.
    pub fn random() -> StoreKey {
        StoreKey(rand::random())
    }

    pub fn from_bytes(bytes: [u8; 32]) -> StoreKey {
        StoreKey(bytes)
    }

    /// 64 hexadecimal digits (surrounding blanks ignored).
    pub fn from_hex(text: &str) -> Result<StoreKey> {
        let bad = || Error::StoreKeyInvalid;
        let bytes = hex::decode(text.trim()).map_err(|_| bad())?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| bad())?;
        Ok(StoreKey(bytes))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The value of SQLCipher's `key` pragma: the raw key, no derivation.
    pub(crate) fn pragma(&self) -> String {
        format!("\"x'{}'\"", hex::encode_upper(self.0))
    }

    /// The key the environment gives (`ESCALE_STORE_KEY`, then
    /// `ESCALE_STORE_KEY_FILE`), if any.
    pub fn from_env() -> Result<Option<StoreKey>> {
        if let Some(v) = std::env::var_os(KEY_ENV).filter(|v| !v.is_empty()) {
            return StoreKey::from_hex(&v.to_string_lossy()).map(Some);
        }
        if let Some(p) = std::env::var_os(KEY_FILE_ENV).filter(|v| !v.is_empty()) {
            let path = PathBuf::from(p);
            let text = std::fs::read_to_string(&path).map_err(|_| Error::StoreKeyInvalid)?;
            return StoreKey::from_hex(&text).map(Some);
        }
        Ok(None)
    }
}

/// What every SQLite (plain) database file starts with.
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// Whether the file at `path` is a plain SQLite database.
pub fn is_plain(path: &Path) -> bool {
    let mut head = [0_u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok()
        && &head == PLAIN_HEADER
}

/// Converts a plain store to an encrypted one, in place, once: its log is
/// checkpointed, `sqlcipher_export` copies every table into a new file
/// under `key`, the new file replaces the old one in one rename, and the
/// old bytes are overwritten before they are let go (a crash at any point
/// leaves one whole store: the plain one until the rename, the encrypted
/// one after). The search index's file, plain, goes too. Nothing to do for
/// a store that does not exist yet or is already encrypted.
pub(crate) async fn encrypt_plain_store(path: &Path, key: &StoreKey) -> Result<()> {
    let old = sibling(path, "-plain-old");
    if old.exists() {
        // A conversion that stopped after its rename: finish the clean-up.
        shred(&old);
    }
    if !is_plain(path) {
        return Ok(());
    }
    let tmp = sibling(path, "-encrypting");
    let _ = std::fs::remove_file(&tmp);
    // Creating allowed: ATTACH creates the new file with the main one's flags.
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .busy_timeout(std::time::Duration::from_secs(10))
        .connect()
        .await?;
    let export = async {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut conn)
            .await?;
        let version: i64 = sqlx::query_scalar("PRAGMA user_version")
            .fetch_one(&mut conn)
            .await?;
        let target = tmp.to_string_lossy().replace('\'', "''");
        sqlx::query(&format!(
            "ATTACH DATABASE '{target}' AS encrypted KEY {}",
            key.pragma()
        ))
        .execute(&mut conn)
        .await?;
        sqlx::query("SELECT sqlcipher_export('encrypted')")
            .execute(&mut conn)
            .await?;
        sqlx::query(&format!("PRAGMA encrypted.user_version = {version}"))
            .execute(&mut conn)
            .await?;
        sqlx::query("DETACH DATABASE encrypted")
            .execute(&mut conn)
            .await?;
        Ok::<(), Error>(())
    }
    .await;
    conn.close().await?;
    if let Err(e) = export {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::hard_link(path, &old)?;
    std::fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent() {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    for suffix in ["-wal", "-shm", crate::search::CACHE_SUFFIX] {
        let f = sibling(path, suffix);
        if suffix != "-shm" {
            shred(&f);
        } else {
            let _ = std::fs::remove_file(&f);
        }
    }
    shred(&old);
    Ok(())
}

/// Overwrites a file with zeros, then removes it (best effort: a flash
/// disk may keep old blocks; see `docs/security.md`).
fn shred(path: &Path) {
    if let Ok(meta) = std::fs::metadata(path) {
        if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(path) {
            let zeros = vec![0_u8; 1 << 20];
            let mut left = meta.len();
            while left > 0 {
                let n = left.min(zeros.len() as u64) as usize;
                if f.write_all(&zeros[..n]).is_err() {
                    break;
                }
                left -= n as u64;
            }
            let _ = f.sync_all();
        }
    }
    let _ = std::fs::remove_file(path);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_reads_back_from_its_hex_and_refuses_anything_else() {
        let k = StoreKey::random();
        assert_eq!(
            StoreKey::from_hex(&format!(" {}\n", k.to_hex())).unwrap(),
            k
        );
        for bad in ["", "00", &"zz".repeat(32), &"00".repeat(33)] {
            assert!(StoreKey::from_hex(bad).is_err(), "{bad}");
        }
        assert!(k.pragma().starts_with("\"x'") && k.pragma().len() == 64 + 5);
        assert_eq!(format!("{k:?}"), "StoreKey(…)");
    }
}
