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
//!    `docs/security.md`);
//! 3. the data directory's `escale.key` ([`WrappedKey`]): the data key
//!    sealed under a passphrase (Argon2id, 64 MiB, 3 passes, then
//!    XChaCha20-Poly1305), opened with the passphrase the person typed
//!    ([`remember_passphrase`]) or `ESCALE_STORE_PASSPHRASE`. The file alone
//!    gives nothing; a wrong passphrase is `store.passphrase_wrong`.
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

/// Environment variable holding the passphrase that opens `escale.key`
/// (scripts; a person types it on the terminal instead).
pub const PASSPHRASE_ENV: &str = "ESCALE_STORE_PASSPHRASE";
/// The file, in the data directory, holding the data key sealed under a
/// passphrase.
pub const WRAPPED_FILE: &str = "escale.key";
/// Fewest characters of a passphrase.
pub const MIN_PASSPHRASE: usize = 12;

/// The passphrase typed for this process (the CLI asks it once).
static PASSPHRASE: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Keeps the passphrase the person typed, for the stores this process opens.
pub fn remember_passphrase(passphrase: String) {
    if let Ok(mut p) = PASSPHRASE.lock() {
        *p = Some(passphrase);
    }
}

/// The passphrase typed, else `ESCALE_STORE_PASSPHRASE`.
fn passphrase() -> Option<String> {
    PASSPHRASE
        .lock()
        .ok()
        .and_then(|p| p.clone())
        .or_else(|| std::env::var(PASSPHRASE_ENV).ok().filter(|v| !v.is_empty()))
}

/// The data key sealed under a passphrase: what `escale.key` holds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WrappedKey {
    /// `escale-key-1`.
    pub format: String,
    /// Argon2id's memory (KiB), passes and lanes.
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
    /// Hexadecimal: 16 bytes of salt, 24 of nonce, the sealed key (48).
    pub salt: String,
    pub nonce: String,
    pub sealed: String,
}

const WRAPPED_FORMAT: &str = "escale-key-1";

impl WrappedKey {
    /// Seals `key` under `passphrase` (at least [`MIN_PASSPHRASE`] characters).
    pub fn seal(key: &StoreKey, passphrase: &str) -> Result<WrappedKey> {
        use chacha20poly1305::aead::{Aead, KeyInit};
        if passphrase.chars().count() < MIN_PASSPHRASE {
            return Err(Error::StorePassphraseShort(MIN_PASSPHRASE));
        }
        let salt: [u8; 16] = rand::random();
        let nonce: [u8; 24] = rand::random();
        let (m_kib, t, p) = (64 * 1024, 3, 1);
        let kek = derive(passphrase, &salt, m_kib, t, p)?;
        let sealed = chacha20poly1305::XChaCha20Poly1305::new((&kek).into())
            .encrypt((&nonce).into(), key.as_bytes().as_slice())
            .map_err(|_| Error::Internal("sealing the store key".into()))?;
        Ok(WrappedKey {
            format: WRAPPED_FORMAT.into(),
            m_kib,
            t,
            p,
            salt: hex::encode(salt),
            nonce: hex::encode(nonce),
            sealed: hex::encode(sealed),
        })
    }

    /// The data key, if `passphrase` is the one it was sealed under.
    pub fn open(&self, passphrase: &str) -> Result<StoreKey> {
        use chacha20poly1305::aead::{Aead, KeyInit};
        let damaged = || Error::Corrupt(format!("{WRAPPED_FILE} is damaged"));
        if self.format != WRAPPED_FORMAT || self.m_kib > 4 * 1024 * 1024 || self.t > 64 {
            return Err(damaged());
        }
        let salt = hex::decode(&self.salt).map_err(|_| damaged())?;
        let nonce: [u8; 24] = hex::decode(&self.nonce)
            .ok()
            .and_then(|n| n.try_into().ok())
            .ok_or_else(damaged)?;
        let sealed = hex::decode(&self.sealed).map_err(|_| damaged())?;
        let kek = derive(passphrase, &salt, self.m_kib, self.t, self.p)?;
        let bytes = chacha20poly1305::XChaCha20Poly1305::new((&kek).into())
            .decrypt((&nonce).into(), sealed.as_slice())
            .map_err(|_| Error::StorePassphraseWrong)?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| damaged())?;
        Ok(StoreKey(bytes))
    }

    /// The sealed key of the data directory `dir`, if it has one.
    pub fn read(dir: &Path) -> Result<Option<WrappedKey>> {
        let path = dir.join(WRAPPED_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|_| Error::Corrupt(format!("{WRAPPED_FILE} is damaged"))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Writes it into `dir`, readable by its owner only, whole or not at all.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let text =
            serde_json::to_string_pretty(self).map_err(|e| Error::Internal(e.to_string()))?;
        super::write_private(&dir.join(WRAPPED_FILE), text.as_bytes())
    }
}

/// The key-encryption key: Argon2id of the passphrase.
fn derive(passphrase: &str, salt: &[u8], m_kib: u32, t: u32, p: u32) -> Result<[u8; 32]> {
    let params = argon2::Params::new(m_kib, t, p, Some(32))
        .map_err(|e| Error::Internal(format!("argon2: {e}")))?;
    let mut out = [0_u8; 32];
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, &mut out)
        .map_err(|e| Error::Internal(format!("argon2: {e}")))?;
    Ok(out)
}

/// Sets (or changes) the passphrase of the data directory `dir`: its data
/// key — the one it already has (from the environment, or `escale.key`
/// opened with the passphrase given), else a new random one — is sealed
/// under `new` into `escale.key`, then a plain store is converted under it.
/// The caller checks who may (a coordinator) and closes the store first.
pub async fn set_passphrase(dir: &Path, new: &str) -> Result<()> {
    let db = dir.join(super::DB_FILE);
    let key = match resolve(dir)? {
        Some(k) => k,
        None if WrappedKey::read(dir)?.is_some() => return Err(Error::StorePassphraseWrong),
        None if db.exists() && !is_plain(&db) => return Err(Error::StoreKeyWrong),
        None => StoreKey::random(),
    };
    WrappedKey::seal(&key, new)?.write(dir)?;
    // From here a crash leaves the key file and a plain store: the next
    // open converts it, as this one does now.
    let store = super::Store::open(
        dir,
        &super::OpenOptions {
            key: Some(key),
            ..Default::default()
        },
    )
    .await?;
    store.close().await;
    remember_passphrase(new.to_string());
    Ok(())
}

/// The key to open the store in `dir` with, when the caller gave none: the
/// environment's, else the directory's `escale.key` opened with the
/// passphrase typed or `ESCALE_STORE_PASSPHRASE` (none given: the store is
/// opened without a key and refuses with `store.key_wrong` if encrypted).
pub fn resolve(dir: &Path) -> Result<Option<StoreKey>> {
    if let Some(k) = StoreKey::from_env()? {
        return Ok(Some(k));
    }
    match (WrappedKey::read(dir)?, passphrase()) {
        (Some(w), Some(p)) => w.open(&p).map(Some),
        _ => Ok(None),
    }
}

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
    fn a_sealed_key_opens_with_its_passphrase_only_and_survives_its_file() {
        let k = StoreKey::random();
        assert_eq!(
            WrappedKey::seal(&k, "court").unwrap_err().code(),
            "store.passphrase_short"
        );
        let w = WrappedKey::seal(&k, "cheval agrafe pile correcte").unwrap();
        assert!(
            !w.sealed.contains(&k.to_hex()),
            "the key is not in the file"
        );
        let dir = tempfile::tempdir().unwrap();
        w.write(dir.path()).unwrap();
        let back = WrappedKey::read(dir.path()).unwrap().unwrap();
        assert_eq!(back.open("cheval agrafe pile correcte").unwrap(), k);
        assert_eq!(
            back.open("cheval agrafe pile fausse").unwrap_err().code(),
            "store.passphrase_wrong"
        );
        let mut tampered = back.clone();
        tampered.sealed.replace_range(
            0..2,
            if &tampered.sealed[0..2] == "00" {
                "01"
            } else {
                "00"
            },
        );
        assert_eq!(
            tampered
                .open("cheval agrafe pile correcte")
                .unwrap_err()
                .code(),
            "store.passphrase_wrong",
            "a changed byte does not open"
        );
        std::fs::write(dir.path().join(WRAPPED_FILE), "{").unwrap();
        assert_eq!(
            WrappedKey::read(dir.path()).unwrap_err().code(),
            "store.corrupt"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            w.write(dir.path()).unwrap();
            let mode = std::fs::metadata(dir.path().join(WRAPPED_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

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
