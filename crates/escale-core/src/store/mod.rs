//! The SQLite store: one file, WAL, full durability, embedded migrations.
//!
//! [`Store`] owns the pool. Every write goes through a [`WriteTx`]: it takes
//! the write lock up front (its first statement is a write, so a reader in
//! another process — the CLI next to the desktop app — can never make it fail
//! half-way), turns bodies into [`Op`]s with this device's next sequence
//! numbers and clock, applies them with the fold, and commits once. There is
//! no other write path: sync will feed remote ops through the same
//! [`WriteTx::ingest`].
//!
//! `synchronous = FULL` in WAL mode syncs the log on every commit: a check-in
//! acknowledged to the user survives the battery dying.

mod anonymise;
mod apply;
pub mod canonical;
pub mod codec;
mod gate;
pub mod key;
pub mod records;
pub mod upgrade;

use crate::error::{Error, Result};
use crate::fold::Vocabulary;
use crate::hlc::{now_ms, Clock, Hlc};
use crate::op::{Op, OpBody};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;
use uuid::Uuid;

pub use apply::BatchReport;
pub use upgrade::{ProgressFn, UpgradeProgress};

pub const DB_FILE: &str = "escale.db";

/// Suffixes of the files a store keeps next to `escale.db`: SQLite's WAL and
/// shared memory, the write gate's two lock files, and the search index's
/// file (derived, see `search`).
pub const DB_FILE_SUFFIXES: [&str; 5] = [
    "-wal",
    "-shm",
    gate::TURNSTILE_SUFFIX,
    gate::GATE_SUFFIX,
    crate::search::CACHE_SUFFIX,
];

/// Removes a closed store's files from `dir`, and `dir` itself when asked
/// and it is then empty: what a failed first enrolment or join leaves.
pub fn remove_store_files(dir: &Path, and_dir: bool) {
    let db = dir.join(DB_FILE);
    let _ = std::fs::remove_file(&db);
    for suffix in DB_FILE_SUFFIXES {
        let mut p = db.clone().into_os_string();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
    if and_dir {
        let _ = std::fs::remove_dir(dir);
    }
}

/// WAL pages after which a commit checkpoints in the foreground.
const WAL_AUTOCHECKPOINT: u32 = 10_000;

/// Bytes of WAL file kept after a checkpoint (the rest is truncated): a big
/// write may grow the WAL, it does not stay on disk at that size.
const WAL_SIZE_LIMIT: u64 = 16 << 20;

/// A transaction that wrote at least this many ops is checkpointed in the
/// background once committed.
const BACKGROUND_CHECKPOINT_OPS: usize = 1_000;

/// Schema 1's migrations (frozen: schema 2 is `upgrade.rs`, and a change
/// after it is a migration in `migrations-2/`, run once the store is at 2).
fn schema_1_migrations() -> sqlx::migrate::Migrator {
    let mut m = sqlx::migrate!("./migrations");
    m.set_ignore_missing(true);
    m
}

/// Migrations of schema 2 (run after [`upgrade::to_schema_2`]).
fn schema_2_migrations() -> sqlx::migrate::Migrator {
    let mut m = sqlx::migrate!("./migrations-2");
    m.set_ignore_missing(true);
    m
}

/// The `local` key remembering the vocabulary the store was last folded with.
const VOCABULARY_KEY: &str = "vocabulary";

/// Knobs for tests and benchmarks; the defaults are what the app uses.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// Caps the database size (pages), to exercise the "disk full" path.
    pub max_page_count: Option<u64>,
    /// `synchronous = NORMAL` instead of FULL (benchmark baselines only).
    pub relaxed_durability: bool,
    /// The fields this store's fold knows (the whole registry; a test plays
    /// an older version by hiding some).
    pub vocabulary: Vocabulary,
    /// Told how far the conversion of an older store has come, when there
    /// is one to do (it runs inside [`Store::open`]).
    pub progress: Option<Progress>,
    /// The key the store is encrypted with (see [`key`]); `None`: the one
    /// the environment gives, or the directory's `escale.key` opens, if any.
    pub key: Option<key::StoreKey>,
}

/// An [`OpenOptions::progress`] callback.
#[derive(Clone)]
pub struct Progress(pub ProgressFn);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

/// This device's identity, set by `init`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity {
    pub org_id: Uuid,
    pub device_id: Uuid,
}

#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
    /// The identity never changes once set: read it once (it sits on every
    /// write path, check-ins included).
    ident: std::sync::Arc<std::sync::OnceLock<Identity>>,
    vocabulary: std::sync::Arc<Vocabulary>,
    /// Writers take turns (`gate.rs`).
    gate: std::sync::Arc<gate::Gate>,
    /// The store's key, when it is encrypted.
    key: Option<key::StoreKey>,
    /// The staff member working on this laptop now (`None`: nobody is
    /// signed in, or the store has no staff accounts yet). Each write
    /// transaction says who made its ops (see [`WriteTx::append`]).
    actor: std::sync::Arc<std::sync::Mutex<Option<Uuid>>>,
}

/// How long a writer waits for its turn before saying the store is busy.
const WRITE_PATIENCE: Duration = Duration::from_secs(10);

impl Store {
    /// Opens (creating if needed) the store in `dir`, and migrates it.
    pub async fn open(dir: &Path, opts: &OpenOptions) -> Result<Store> {
        prepare_dir(dir)?;
        let path = dir.join(DB_FILE);
        let key = match &opts.key {
            Some(k) => Some(k.clone()),
            None => key::resolve(dir)?,
        };
        if let Some(k) = &key {
            key::encrypt_plain_store(&path, k).await?;
        }
        let mut co = SqliteConnectOptions::from_str("sqlite://")
            .map_err(|e| Error::Internal(e.to_string()))?
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(if opts.relaxed_durability {
                SqliteSynchronous::Normal
            } else {
                SqliteSynchronous::Full
            })
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", "-32000")
            .pragma("temp_store", "memory")
            // What an erasure or an anonymisation rewrites is zeroed in the
            // pages written anyway (FAST: no extra I/O on the desk's path).
            .pragma("secure_delete", "FAST")
            // Big writes are checkpointed in the background after their
            // commit (`WriteTx::commit`); the automatic checkpoint, run by the
            // committing connection, stays as the bound on the WAL (40 MB).
            .pragma("wal_autocheckpoint", WAL_AUTOCHECKPOINT.to_string())
            .pragma("journal_size_limit", WAL_SIZE_LIMIT.to_string());
        if let Some(n) = opts.max_page_count {
            co = co.pragma("max_page_count", n.to_string());
        }
        if let Some(k) = &key {
            // sqlx sends `key` first on each connection, before any read.
            co = co
                .pragma("key", k.pragma())
                .pragma("cipher_memory_security", "OFF");
        }
        // An encrypted file read without its key (or with another) looks
        // like no database at all to SQLite: say which it is.
        let existed_encrypted = path.exists() && !key::is_plain(&path);
        let wrong_key = |e: Error| match e {
            Error::Corrupt(_) if existed_encrypted => Error::StoreKeyWrong,
            e => e,
        };
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .min_connections(1)
            .connect_with(co)
            .await
            .map_err(|e| wrong_key(e.into()))?;
        schema_1_migrations()
            .run(&pool)
            .await
            .map_err(|e| wrong_key(e.into()))?;
        upgrade::to_schema_2(&pool, opts.progress.as_ref().map(|p| &p.0)).await?;
        schema_2_migrations().run(&pool).await?;
        let store = Store {
            gate: std::sync::Arc::new(gate::Gate::open(&path)?),
            pool,
            path,
            ident: Default::default(),
            vocabulary: std::sync::Arc::new(opts.vocabulary.clone()),
            actor: Default::default(),
            key,
        };
        tighten_permissions(dir)?;
        store.refold_after_upgrade().await?;
        Ok(store)
    }

    /// After an upgrade (this version knows fields or op kinds the previous
    /// one did not), folds again what was set aside: the fields of `set`
    /// ops it could not apply (`op_pending`) and the quarantined ops that
    /// now decode. Cheap when nothing changed: one read of the local key.
    async fn refold_after_upgrade(&self) -> Result<()> {
        let fingerprint = self.vocabulary.fingerprint();
        if get_text(&self.pool, VOCABULARY_KEY).await?.as_deref() == Some(&fingerprint) {
            return Ok(());
        }
        if self.identity().await?.is_some() {
            let mut w = self.write().await?;
            apply::refold_set_aside(&mut w.tx, w.rev, &self.vocabulary).await?;
            w.commit().await?;
        }
        sqlx::query(
            "INSERT INTO local (key, text_value) VALUES (?, ?)
             ON CONFLICT(key) DO UPDATE SET text_value = excluded.text_value",
        )
        .bind(VOCABULARY_KEY)
        .bind(&fingerprint)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// After an erasure or an anonymisation: copies the WAL into the
    /// database and truncates it, so the old bytes of what was rewritten do
    /// not linger there (in the database, `secure_delete` zeroed them). A
    /// reader holding the WAL open makes it a best effort: the next
    /// checkpoint finishes the job.
    pub async fn scrub(&self) -> Result<()> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Closes the store, leaving no WAL behind (its content is copied into
    /// the database and the file truncated, when no other process reads).
    pub async fn close(&self) {
        let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await;
        self.pool.close().await;
    }

    pub async fn identity(&self) -> Result<Option<Identity>> {
        if let Some(i) = self.ident.get() {
            return Ok(Some(*i));
        }
        let org = get_text(&self.pool, "org_id").await?;
        let dev = get_text(&self.pool, "device_id").await?;
        Ok(match (org, dev) {
            (Some(o), Some(d)) => {
                let i = Identity {
                    org_id: parse_uuid(&o)?,
                    device_id: parse_uuid(&d)?,
                };
                Some(*self.ident.get_or_init(|| i))
            }
            _ => None,
        })
    }

    /// Sets up this device's identity and returns the first write
    /// transaction, so that the identity and the ops naming the organisation
    /// and the device commit together (or not at all).
    pub async fn init_identity(&self, org_id: Uuid, device_id: Uuid) -> Result<WriteTx> {
        let turn = self.gate.turn(WRITE_PATIENCE).await?;
        let mut tx = self.pool.begin().await?;
        // A write first, to hold the lock for the whole check-then-insert.
        sqlx::query("INSERT OR IGNORE INTO local (key, int_value) VALUES ('rev', 0)")
            .execute(&mut *tx)
            .await?;
        let existing: Option<String> =
            sqlx::query_scalar("SELECT text_value FROM local WHERE key = 'device_id'")
                .fetch_optional(&mut *tx)
                .await?;
        if existing.is_some() {
            return Err(Error::AlreadyInitialised);
        }
        for (k, v) in [
            ("org_id", org_id.to_string()),
            ("device_id", device_id.to_string()),
        ] {
            sqlx::query("INSERT INTO local (key, text_value) VALUES (?, ?)")
                .bind(k)
                .bind(v)
                .execute(&mut *tx)
                .await?;
        }
        // The organisation's sync key (USB bundles, LAN peers). A device that
        // joins an existing organisation replaces it with the organisation's.
        sqlx::query("INSERT OR IGNORE INTO local (key, text_value) VALUES ('sync_key', ?)")
            .bind(crate::sync::SyncKey::random().to_hex())
            .execute(&mut *tx)
            .await?;
        for (k, v) in [("next_seq", 1_i64), ("hlc", 0)] {
            sqlx::query("INSERT OR IGNORE INTO local (key, int_value) VALUES (?, ?)")
                .bind(k)
                .bind(v)
                .execute(&mut *tx)
                .await?;
        }
        Self::begin_write(
            tx,
            turn,
            Identity { org_id, device_id },
            self.pool.clone(),
            self.vocabulary.clone(),
            None,
        )
        .await
    }

    /// Starts the one kind of write there is.
    pub async fn write(&self) -> Result<WriteTx> {
        let ident = self.identity().await?.ok_or(Error::NotInitialised)?;
        let turn = self.gate.turn(WRITE_PATIENCE).await?;
        let tx = self.pool.begin().await?;
        let actor = self.actor();
        Self::begin_write(
            tx,
            turn,
            ident,
            self.pool.clone(),
            self.vocabulary.clone(),
            actor,
        )
        .await
    }

    /// The store's key, when it is encrypted.
    pub(crate) fn key(&self) -> Option<&key::StoreKey> {
        self.key.as_ref()
    }

    /// Whether the store is encrypted (opened with a key).
    pub fn encrypted(&self) -> bool {
        self.key.is_some()
    }

    /// The key the search index's file is sealed with: derived from the
    /// store's, so the file is as private as the store.
    pub fn cache_key(&self) -> Option<[u8; 32]> {
        use sha2::{Digest, Sha256};
        self.key.as_ref().map(|k| {
            let mut h = Sha256::new();
            h.update(b"escale search index file\0");
            h.update(k.as_bytes());
            h.finalize().into()
        })
    }

    /// Who makes this laptop's ops from now on (see [`Store::actor`]).
    pub fn set_actor(&self, staff: Option<Uuid>) {
        *self
            .actor
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = staff;
    }

    /// The staff member this laptop's ops are made by now.
    pub fn actor(&self) -> Option<Uuid> {
        *self
            .actor
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    async fn begin_write(
        mut tx: Transaction<'static, Sqlite>,
        turn: gate::Turn,
        ident: Identity,
        pool: SqlitePool,
        vocabulary: std::sync::Arc<Vocabulary>,
        actor: Option<Uuid>,
    ) -> Result<WriteTx> {
        // First statement is a write: takes the lock now (waiting up to the
        // busy timeout) instead of failing on upgrade later. It reads the
        // sequence, the clock and who the log last said works here too (one
        // round trip for the four).
        let (rev, next_seq, hlc, logged_actor): (i64, Option<i64>, Option<i64>, Option<String>) =
            sqlx::query_as(
                "UPDATE local SET int_value = int_value + 1 WHERE key = 'rev'
             RETURNING int_value,
               (SELECT int_value FROM local WHERE key = 'next_seq'),
               (SELECT int_value FROM local WHERE key = 'hlc'),
               (SELECT text_value FROM local WHERE key = 'actor')",
            )
            .fetch_one(&mut *tx)
            .await?;
        let (next_seq, hlc) = (next_seq.unwrap_or(1), hlc.unwrap_or(0));
        let logged_actor = logged_actor.and_then(|a| Uuid::parse_str(&a).ok());
        Ok(WriteTx {
            actor,
            logged_actor,
            tx,
            ident,
            rev,
            next_seq,
            clock: Clock { last: Hlc(hlc) },
            report: BatchReport::default(),
            written: 0,
            pool,
            vocabulary,
            started: std::time::Instant::now(),
            erased: false,
            _turn: turn,
        })
    }

    /// The local change counter (bumped by every write transaction).
    pub async fn rev(&self) -> Result<i64> {
        Ok(get_int(&self.pool, "rev").await?.unwrap_or(0))
    }

    /// A text value of this laptop's own settings (the `local` table: never
    /// synced, not part of the state), e.g. the hub binding.
    pub async fn local_text(&self, key: &str) -> Result<Option<String>> {
        let v: Option<Option<String>> =
            sqlx::query_scalar("SELECT text_value FROM local WHERE key = ?")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
        Ok(v.flatten())
    }

    /// Sets a text value of this laptop's own settings (see [`Store::local_text`]).
    pub async fn set_local_text(&self, key: &str, value: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO local (key, text_value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET text_value = excluded.text_value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The canonical hash of the state (see [`canonical`]).
    pub async fn state_hash(&self) -> Result<canonical::StateHash> {
        let mut conn = self.pool.acquire().await?;
        canonical::state_hash(&mut conn).await
    }

    /// Every op in the log, in (origin, seq) order.
    pub async fn all_ops(&self) -> Result<Vec<Op>> {
        let mut out = vec![];
        let mut after = None;
        loop {
            let page = self.ops_after(after, 5_000).await?;
            let Some(last) = page.last() else {
                return Ok(out);
            };
            after = Some((last.origin, last.seq));
            out.extend(page);
        }
    }

    /// A page of the log after `(origin, seq)` (from the start: `None`) in
    /// (origin, seq) order.
    ///
    /// The page comes back as one JSON document built by SQLite (ids and
    /// bodies in hex): sqlx hands rows over one by one between threads, and
    /// for pages of thousands of ops that hand-over, not SQLite, was the cost.
    pub async fn ops_after(&self, after: Option<(Uuid, i64)>, limit: usize) -> Result<Vec<Op>> {
        let (origin, seq) = match after {
            Some((o, s)) => (o.as_bytes().to_vec(), s),
            None => (vec![], 0),
        };
        let page: Option<String> = sqlx::query_scalar(
            "SELECT json_group_array(json_array(hex(id), hex(origin), seq, hlc, kind, hex(subject), hex(body))) FROM
               (SELECT id, origin, seq, hlc, kind, subject, body FROM op
                WHERE (origin, seq) > (?, ?) ORDER BY origin, seq LIMIT ?)",
        )
        .bind(origin)
        .bind(seq)
        .bind(limit as i64)
        .fetch_one(&self.pool)
        .await?;
        ops_from_json_page(page.as_deref().unwrap_or("[]"))
    }

    /// Number of ops in the log.
    pub async fn op_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT count(*) FROM op")
            .fetch_one(&self.pool)
            .await?)
    }
}

/// One write transaction. Dropping it without `commit` rolls everything back.
pub struct WriteTx {
    pub(crate) tx: Transaction<'static, Sqlite>,
    ident: Identity,
    rev: i64,
    next_seq: i64,
    clock: Clock,
    report: BatchReport,
    /// Ops handed to this transaction (appended or ingested).
    written: usize,
    pool: SqlitePool,
    vocabulary: std::sync::Arc<Vocabulary>,
    /// When the transaction began (see [`WriteTx::has_run_for`]).
    started: std::time::Instant,
    /// Someone was erased: the search index's file, which may hold their
    /// name, goes once this commits.
    erased: bool,
    /// The staff member making this transaction's ops.
    actor: Option<Uuid>,
    /// Who the log last said works on this laptop (`local.actor`).
    logged_actor: Option<Uuid>,
    /// This writer's turn, given back once the transaction ends (declared
    /// last: dropped after it).
    _turn: gate::Turn,
}

impl WriteTx {
    /// How long this transaction has held the store: a long write commits
    /// in slices of ~50 ms so that a check-in never waits longer.
    pub fn has_run_for(&self) -> Duration {
        self.started.elapsed()
    }

    pub fn identity(&self) -> Identity {
        self.ident
    }

    /// Reads inside the transaction see its own writes.
    pub fn conn(&mut self) -> &mut sqlx::SqliteConnection {
        &mut self.tx
    }

    /// Makes local ops from bodies and applies them. Returns the ops.
    ///
    /// When the staff member making them is not the one the log last named
    /// for this laptop, a `set.device` op naming them (`staff_id`, `null`
    /// for nobody) comes first: every op of a device was made by the staff
    /// member its latest such op names, without a field on every op (and
    /// older versions, which do not know the field, keep relaying it).
    pub async fn append(&mut self, mut bodies: Vec<OpBody>) -> Result<Vec<Op>> {
        if self.actor != self.logged_actor && !bodies.is_empty() {
            let staff = match self.actor {
                Some(id) => serde_json::Value::String(id.to_string()),
                None => serde_json::Value::Null,
            };
            bodies.insert(
                0,
                OpBody::Set {
                    entity: crate::model::Entity::Device,
                    id: self.ident.device_id,
                    fields: [("staff_id".to_string(), staff)].into_iter().collect(),
                },
            );
            self.logged_actor = self.actor;
            let text = self.actor.map(|a| a.to_string());
            sqlx::query(
                "INSERT INTO local (key, text_value) VALUES ('actor', ?)
                 ON CONFLICT(key) DO UPDATE SET text_value = excluded.text_value",
            )
            .bind(text)
            .execute(&mut *self.tx)
            .await?;
        }
        let now = now_ms();
        let ops: Vec<Op> = bodies
            .into_iter()
            .map(|body| {
                let op = Op {
                    id: Uuid::now_v7(),
                    origin: self.ident.device_id,
                    seq: self.next_seq,
                    hlc: self.clock.tick(now),
                    body,
                };
                self.next_seq += 1;
                op
            })
            .collect();
        let r = apply::apply_batch(
            &mut self.tx,
            &ops,
            self.rev,
            &self.vocabulary,
            apply::Source::Fresh,
        )
        .await?;
        self.written += ops.len();
        self.erased |= !r.erased.is_empty();
        self.report.absorb(r);
        Ok(ops)
    }

    /// Applies ops made elsewhere (sync, rebuild). Idempotent.
    pub async fn ingest(&mut self, ops: &[Op]) -> Result<BatchReport> {
        let now = now_ms();
        for op in ops {
            self.clock.observe(op.hlc, now);
        }
        self.written += ops.len();
        let r = apply::apply_batch(
            &mut self.tx,
            ops,
            self.rev,
            &self.vocabulary,
            apply::Source::Elsewhere,
        )
        .await?;
        self.erased |= !r.erased.is_empty();
        Ok(r)
    }

    /// What this transaction applied so far.
    pub fn report(&self) -> &BatchReport {
        &self.report
    }

    pub async fn commit(mut self) -> Result<()> {
        sqlx::query(
            "INSERT INTO local (key, int_value) VALUES ('next_seq', ?), ('hlc', ?)
             ON CONFLICT(key) DO UPDATE SET int_value = excluded.int_value",
        )
        .bind(self.next_seq)
        .bind(self.clock.last.0)
        .execute(&mut *self.tx)
        .await?;
        self.tx.commit().await?;
        if self.erased {
            let db = self.pool.connect_options().get_filename().to_path_buf();
            let _ = std::fs::remove_file(crate::search::cache_path(&db));
        }
        if self.written >= BACKGROUND_CHECKPOINT_OPS {
            checkpoint_in_background(&self.pool);
        }
        Ok(())
    }
}

/// A big write (a pull page, an import) leaves thousands of pages in the
/// WAL. Copying them into the database file and syncing it inside the commit
/// made the caller wait for the disk twice; a passive checkpoint on another
/// connection lets the next page's decoding and fold overlap with it. The
/// commit is durable either way (`synchronous = FULL` syncs the WAL), and a
/// checkpoint cut short (the process exits) is finished by a later one.
fn checkpoint_in_background(pool: &SqlitePool) {
    let Ok(rt) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let pool = pool.clone();
    rt.spawn(async move {
        let _ = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await;
    });
}

/// Writes a file readable by its owner only (0600 on Unix), whole or not
/// at all: a sibling `.part` file, synced, then renamed over `path`.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".part");
    let tmp = PathBuf::from(tmp);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

fn prepare_dir(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::DataDir(format!(
            "{} is not a directory",
            dir.display()
        )));
    }
    std::fs::create_dir_all(dir).map_err(|e| match e.kind() {
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
            Error::ReadOnly
        }
        _ => Error::DataDir(format!("{}: {e}", dir.display())),
    })?;
    // SQLite needs to create its -wal and -shm files next to the database:
    // find out now, with a clear message, rather than on the first write.
    let probe = dir.join(".escale-write-probe");
    match std::fs::write(&probe, b"") {
        Ok(()) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => match e.kind() {
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
                Err(Error::ReadOnly)
            }
            std::io::ErrorKind::StorageFull => Err(Error::DiskFull),
            _ => Err(Error::DataDir(format!("{}: {e}", dir.display()))),
        },
    }
}

/// The data directory readable by this account only (0700), and Escale's
/// files in it (0600): existing ones are tightened on each open. SQLite
/// creates its `-wal` and `-shm` files with the database file's mode. Only
/// Escale's own files (`escale*`, `desktop-*`) are touched, in case the
/// directory is shared with other things.
#[cfg(unix)]
fn tighten_permissions(dir: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let set = |path: &Path, mode: u32| -> Result<()> {
        let meta = std::fs::symlink_metadata(path)?;
        if meta.file_type().is_symlink() || meta.permissions().mode() & 0o777 == mode {
            return Ok(());
        }
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
        Ok(())
    };
    set(dir, 0o700)?;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if entry.file_type()?.is_file()
            && (name.starts_with("escale") || name.starts_with("desktop-"))
        {
            set(&entry.path(), 0o600)?;
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn tighten_permissions(_dir: &Path) -> Result<()> {
    // The user's profile folder is already private on Windows.
    Ok(())
}

pub(crate) fn parse_uuid(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|e| Error::Corrupt(format!("bad id {s:?}: {e}")))
}

/// The ops of a JSON page of rows `[hex(id), hex(origin), seq, hlc, kind,
/// hex(subject), hex(body)]` (see [`Store::ops_after`]).
pub(crate) fn ops_from_json_page(page: &str) -> Result<Vec<Op>> {
    type Row = (
        String,
        String,
        i64,
        i64,
        String,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> =
        serde_json::from_str(page).map_err(|e| Error::Corrupt(format!("op page: {e}")))?;
    rows.into_iter()
        .map(|(id, origin, seq, hlc, kind, subject, body)| {
            // `hex(NULL)` is '': no subject, a redacted body.
            let subject = subject.filter(|s| !s.is_empty());
            let body = match body.filter(|b| !b.is_empty()) {
                Some(b) => Some(codec::decode_body(
                    &hex::decode(b).map_err(|e| Error::Corrupt(format!("op body: {e}")))?,
                )?),
                None => None,
            };
            Op::from_row(
                parse_uuid(&id)?,
                parse_uuid(&origin)?,
                seq,
                hlc,
                kind,
                subject.as_deref().map(parse_uuid).transpose()?,
                body.as_deref(),
            )
            .map_err(Error::Corrupt)
        })
        .collect()
}

/// An op of a log row read by sqlx (`id, origin, seq, hlc, kind, subject, body`).
pub(crate) fn op_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<Op> {
    let body: Option<Vec<u8>> = r.try_get("body")?;
    let body = body.as_deref().map(codec::decode_body).transpose()?;
    Op::from_row(
        r.try_get("id")?,
        r.try_get("origin")?,
        r.try_get("seq")?,
        r.try_get("hlc")?,
        r.try_get("kind")?,
        r.try_get("subject")?,
        body.as_deref(),
    )
    .map_err(Error::Corrupt)
}

async fn get_text(pool: &SqlitePool, key: &str) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT text_value FROM local WHERE key = ?")
            .bind(key)
            .fetch_optional(pool)
            .await?
            .flatten(),
    )
}

async fn get_int(pool: &SqlitePool, key: &str) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT int_value FROM local WHERE key = ?")
            .bind(key)
            .fetch_optional(pool)
            .await?
            .flatten(),
    )
}
