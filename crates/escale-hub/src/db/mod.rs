//! The hub's storage: one [`Db`] with two backends, PostgreSQL (the main
//! one) and SQLite (one file for a small office with nothing to install).
//!
//! Both backends keep the same tables (`migrations/postgres`,
//! `migrations/sqlite`, embedded and run at start) and offer the same
//! methods; [`Db`] only dispatches. The queries whose SQL is the same on
//! both are written once (`shared.rs`); `lite.rs` and `pg.rs` keep those
//! that really differ. The push algorithm itself is written
//! once, in `crate::push`, against the [`OpsTx`] trait both backends'
//! transactions implement. Every method that reads or writes an
//! organisation's data takes its `org_id` and filters by it.

mod lite;
mod pg;
mod shared;

use crate::error::{HubError, Result};
use escale_protocol::fold::MergeEdge;
use escale_protocol::wire::{VersionVector, WireOp};
use std::collections::BTreeSet;
use std::path::Path;
use uuid::Uuid;

pub use lite::LiteDb;
pub use pg::PgDb;

/// Op status in the hub's log.
pub const STORED: i16 = 0;
/// Body removed because its subject is erased.
pub const REDACTED: i16 = 1;
/// Stored and acknowledged, but its body does not validate.
pub const QUARANTINED: i16 = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgRow {
    pub id: Uuid,
    pub name: String,
    pub org_key: String,
    pub created_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeviceRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub name: String,
    #[serde(skip)]
    pub token_hash: Vec<u8>,
    pub enrolled_ms: i64,
    pub revoked_ms: Option<i64>,
    pub last_seen_ms: Option<i64>,
}

/// A device being enrolled.
#[derive(Debug, Clone)]
pub struct NewDevice {
    pub id: Uuid,
    pub name: String,
    pub token_hash: Vec<u8>,
}

/// What redeeming an enrolment code found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeemed {
    Enrolled(OrgRow),
    Unknown,
    Expired,
    Used,
    DeviceExists,
}

/// One op as the hub stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOp {
    pub id: Uuid,
    pub origin: Uuid,
    pub seq: i64,
    pub hlc: i64,
    pub kind: String,
    pub subject: Option<Uuid>,
    pub body: Option<String>,
    pub status: i16,
    pub reason: Option<String>,
}

/// A merge edge as the hub keeps it (ids and stamp only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub op_id: Uuid,
    pub loser: Uuid,
    pub winner: Uuid,
    pub hlc: i64,
    pub origin: Uuid,
}

/// What a verdict op does to a person. The hub keeps both kinds alike:
/// the requests, and their closure over every merge edge
/// (`fold::erased_closure`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    Erase,
    Anonymise,
}

impl Verdict {
    pub const ALL: [Verdict; 2] = [Verdict::Erase, Verdict::Anonymise];

    /// The table of requests.
    pub fn requests_table(self) -> &'static str {
        match self {
            Verdict::Erase => "erase_requests",
            Verdict::Anonymise => "anonymise_requests",
        }
    }

    /// The table of the closure, and its time column.
    pub fn closure_table(self) -> (&'static str, &'static str) {
        match self {
            Verdict::Erase => ("erased", "erased_ms"),
            Verdict::Anonymise => ("anonymised", "anonymised_ms"),
        }
    }
}

/// One logged op's body (as JSON text) and status.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedBody {
    pub id: Uuid,
    pub kind: String,
    pub subject: Option<Uuid>,
    pub body: Option<String>,
    pub status: i16,
}

/// Counts for `/metrics` and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub orgs: i64,
    pub devices: i64,
    pub ops: i64,
}

/// The writes of one push, inside one transaction. `crate::push` drives it.
#[allow(async_fn_in_trait)]
pub trait OpsTx: Send {
    /// Serialises against concurrent pushes touching the same origins (and,
    /// when `graph` is set, against every push of the organisation, since
    /// an erasure or a merge changes what every other op must become).
    async fn lock(&mut self, org: Uuid, origins: &BTreeSet<Uuid>, graph: bool) -> Result<()>;
    async fn add_graph(
        &mut self,
        org: Uuid,
        edges: &[Edge],
        requests: &[(Verdict, Uuid)],
    ) -> Result<()>;
    /// The organisation's merge edges.
    async fn load_graph(&mut self, org: Uuid) -> Result<Vec<MergeEdge>>;
    /// Every request of one kind.
    async fn requests(&mut self, org: Uuid, v: Verdict) -> Result<BTreeSet<Uuid>>;
    /// Which of `ids` are erased (or anonymised).
    async fn among(&mut self, org: Uuid, v: Verdict, ids: &[Uuid]) -> Result<BTreeSet<Uuid>>;
    async fn all_in(&mut self, org: Uuid, v: Verdict) -> Result<BTreeSet<Uuid>>;
    async fn mark(&mut self, org: Uuid, v: Verdict, ids: &[Uuid], now: i64) -> Result<()>;
    /// The ops about these people that still have a body (the verdicts
    /// aside), to anonymise.
    async fn bodies_about(&mut self, org: Uuid, ids: &[Uuid]) -> Result<Vec<LoggedBody>>;
    /// Replaces ops' bodies and statuses (by id).
    async fn set_bodies(&mut self, org: Uuid, bodies: &[LoggedBody]) -> Result<()>;
    /// Inserts the ops not already stored (by id); returns the ids inserted.
    /// A different op at an existing (origin, seq) is `CloneDetected`.
    async fn insert_ops(&mut self, org: Uuid, ops: &[NewOp], now: i64) -> Result<BTreeSet<Uuid>>;
    /// Where already stored ops sit: (id, origin, seq) for those of `ids` held.
    async fn places(&mut self, org: Uuid, ids: &[Uuid]) -> Result<Vec<(Uuid, Uuid, i64)>>;
    /// Drops the bodies of every op about these people (not the erase ops).
    async fn redact_subjects(&mut self, org: Uuid, ids: &[Uuid]) -> Result<()>;
    /// Moves each origin's vector to its highest contiguous seq; returns the
    /// organisation's whole vector as it now stands.
    async fn advance_vectors(
        &mut self,
        org: Uuid,
        origins: &BTreeSet<Uuid>,
    ) -> Result<VersionVector>;
    async fn commit(self) -> Result<()>;
}

/// The hub's database.
#[derive(Debug, Clone)]
pub enum Db {
    Pg(PgDb),
    Lite(LiteDb),
}

/// Calls the same method on whichever backend this is.
macro_rules! dispatch {
    ($self:ident, $db:ident => $e:expr) => {
        match $self {
            Db::Pg($db) => $e,
            Db::Lite($db) => $e,
        }
    };
}

impl Db {
    /// Opens `url` (`postgres://…`, `postgresql://…`, `sqlite://PATH` or
    /// `sqlite:PATH`) and runs the migrations.
    pub async fn open(url: &str) -> Result<Db> {
        let db = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Db::Pg(PgDb::connect(url).await?)
        } else if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            Db::Lite(LiteDb::open(Path::new(path)).await?)
        } else {
            return Err(HubError::BadInput {
                field: "--database-url",
                value: format!("{url} (expected postgres://… or sqlite://FILE)"),
            });
        };
        Ok(db)
    }

    /// "postgres" or "sqlite", for logs and metrics.
    pub fn backend(&self) -> &'static str {
        match self {
            Db::Pg(_) => "postgres",
            Db::Lite(_) => "sqlite",
        }
    }

    pub async fn close(&self) {
        dispatch!(self, d => d.close().await)
    }

    pub async fn create_org(&self, name: &str, org_key: &str, now: i64) -> Result<OrgRow> {
        let org = OrgRow {
            id: Uuid::now_v7(),
            name: name.to_string(),
            org_key: org_key.to_string(),
            created_ms: now,
        };
        dispatch!(self, d => d.create_org(&org).await)?;
        Ok(org)
    }

    pub async fn org(&self, id: Uuid) -> Result<Option<OrgRow>> {
        dispatch!(self, d => d.org(id).await)
    }

    pub async fn orgs(&self) -> Result<Vec<OrgRow>> {
        dispatch!(self, d => d.orgs().await)
    }

    pub async fn create_code(
        &self,
        org: Uuid,
        code_hash: &[u8],
        now: i64,
        expires_ms: i64,
    ) -> Result<()> {
        dispatch!(self, d => d.create_code(org, code_hash, now, expires_ms).await)
    }

    /// Marks the code used and creates the device, in one transaction.
    pub async fn redeem_code(
        &self,
        code_hash: &[u8],
        now: i64,
        device: &NewDevice,
    ) -> Result<Redeemed> {
        dispatch!(self, d => d.redeem_code(code_hash, now, device).await)
    }

    pub async fn device_by_token(&self, token_hash: &[u8]) -> Result<Option<DeviceRow>> {
        dispatch!(self, d => d.device_by_token(token_hash).await)
    }

    /// Records that the device was seen (at most once a minute, to keep
    /// reads from turning into writes).
    pub async fn touch(&self, device: Uuid, now: i64) -> Result<()> {
        dispatch!(self, d => d.touch(device, now).await)
    }

    pub async fn devices(&self, org: Uuid) -> Result<Vec<DeviceRow>> {
        dispatch!(self, d => d.devices(org).await)
    }

    pub async fn device(&self, id: Uuid) -> Result<Option<DeviceRow>> {
        dispatch!(self, d => d.device(id).await)
    }

    /// Revokes a device; false when there is no such device.
    pub async fn revoke(&self, device: Uuid, now: i64) -> Result<bool> {
        dispatch!(self, d => d.revoke(device, now).await)
    }

    /// Ops of `origin` with `after < seq <= upto`, in seq order.
    pub async fn ops_range(
        &self,
        org: Uuid,
        origin: Uuid,
        after: i64,
        upto: i64,
        limit: usize,
    ) -> Result<Vec<WireOp>> {
        dispatch!(self, d => d.ops_range(org, origin, after, upto, limit).await)
    }

    /// Every servable op after the (origin, seq) cursor, in that order.
    pub async fn ops_after(
        &self,
        org: Uuid,
        after: (Uuid, i64),
        limit: usize,
    ) -> Result<Vec<WireOp>> {
        dispatch!(self, d => d.ops_after(org, after, limit).await)
    }

    /// After a push that erased or anonymised someone: on SQLite, copies
    /// the WAL into the file (where `secure_delete` zeroed the old bodies)
    /// and truncates it, so no copy of the old bytes is left beside it. On
    /// PostgreSQL the server's own WAL and backups are the database's
    /// business (docs/security.md).
    pub async fn scrub(&self) -> Result<()> {
        if let Db::Lite(d) = self {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(d.pool())
                .await?;
        }
        Ok(())
    }

    pub async fn org_settings(&self, org: Uuid) -> Result<Vec<String>> {
        dispatch!(self, d => d.org_settings(org).await)
    }

    pub async fn purge_audit(&self, org: Uuid, hlc: i64) -> Result<u64> {
        dispatch!(self, d => d.purge_audit(org, hlc).await)
    }

    pub async fn vector(&self, org: Uuid) -> Result<VersionVector> {
        dispatch!(self, d => d.vector(org).await)
    }

    /// After a unique violation: which (origin, seq) of `ops` is held by a
    /// different op.
    pub async fn find_clone(&self, org: Uuid, ops: &[NewOp]) -> Result<Option<(Uuid, i64)>> {
        dispatch!(self, d => d.find_clone(org, ops).await)
    }

    pub async fn counts(&self) -> Result<Counts> {
        dispatch!(self, d => d.counts().await)
    }

    /// Ops stored for one organisation (tests, admin).
    pub async fn op_count(&self, org: Uuid) -> Result<i64> {
        dispatch!(self, d => d.op_count(org).await)
    }

    /// Bodies still held for a subject (tests of the erasure purge).
    pub async fn bodies_about(&self, org: Uuid, subject: Uuid) -> Result<Vec<String>> {
        dispatch!(self, d => d.bodies_about(org, subject).await)
    }

    /// The certificate ops naming a number: (org, kind, origin, hlc).
    pub async fn certificate_ops(&self, number: &str) -> Result<Vec<(Uuid, String, Uuid, i64)>> {
        dispatch!(self, d => d.certificate_ops(number).await)
    }

    /// The body of the latest revocation of a certificate number.
    pub async fn revocation_reason(&self, number: &str) -> Result<Option<String>> {
        dispatch!(self, d => d.revocation_reason(number).await)
    }
}
