//! [`Escale`]: the use cases the desk, the CLI and sync call.
//!
//! One value built at start-up and passed around (never a global): the store
//! and the search index. Each submodule is one area of use cases; each turns
//! validated input into op bodies and commits them through one
//! [`crate::store::WriteTx`], then answers with plain serialisable views.

pub mod access;
pub mod audit;
pub mod certificates;
mod checkin;
pub mod cowork;
pub(crate) mod duplicates;
mod events;
pub mod mediation;
pub(crate) mod people;
pub mod prints;
pub mod queue;
mod registrations;
pub mod retention;
pub mod staff;
pub mod stations;
mod stats;
pub(crate) mod time;
mod verify;

pub use access::{AccessReport, AccessSection};
pub use audit::{AuditEntry, AuditFilter};
pub use certificates::{
    BadgeData, CertificateRow, CertificateView, Day, OrgIdentity, OrgImage, Revocation, Span,
    Verification,
};
pub use checkin::{CheckInOutcome, CheckInStatus, CheckInTarget};
pub use cowork::{Coworker, MonthPresence, Occupancy, PassInput, PassView};
pub use duplicates::{
    proposed_since, DismissedPair, DuplicatePage, DuplicatePair, DuplicateSide, DuplicateView,
    DUPLICATE_PAGE_MAX,
};
pub use events::{EventInput, EventView, SessionInput, SessionView};
pub use mediation::{MediationFilter, MediationInput, MediationView};
pub use people::{
    ConsentInput, MergeResult, RegistrationView, SearchHit, Similar, VisitorDetail, VisitorInput,
    VisitorView, WalkIn, WalkInResult,
};
pub use prints::PrintQuota;
pub use queue::{JoinInput, Skipped, TicketView};
pub use registrations::{
    RegistrationFilter, RegistrationPage, RegistrationRow, RegistrationShow, RegistrationSort,
    MAX_PAGE,
};
pub use staff::{LockState, SignedIn, StaffChange, StaffInput, StaffView};
pub use stations::{
    AssignInput, Board, EndedUse, Moved, StationCard, StationInput, StationSettings, StationState,
    StationView, UseView,
};
pub use stats::{EventStats, HourCount, SessionStats};
pub use time::{format_local, parse_datetime};
pub use verify::VerifyReport;

use crate::error::{Error, Result};
use crate::model::Entity;
use crate::op::{Fields, OpBody, Value};
use crate::search::SearchIndex;
use crate::store::{Identity, OpenOptions, Store};
use serde::Serialize;
use std::path::{Path, PathBuf};
use tokio::sync::Mutex;
use uuid::Uuid;

pub struct Escale {
    store: Store,
    search: Mutex<SearchIndex>,
    data_dir: PathBuf,
    /// Who is signed in ([`staff`]).
    signed_in: std::sync::Mutex<Option<staff::Signed>>,
    /// Whether a session locks itself when idle ([`Escale::enable_idle_lock`]).
    idle_lock: std::sync::atomic::AtomicBool,
}

/// What `escale init` and the status bar show.
#[derive(Debug, Clone, Serialize)]
pub struct Info {
    pub data_dir: String,
    pub org_id: Uuid,
    pub org_name: String,
    pub device_id: Uuid,
    pub device_name: String,
    pub ops: i64,
    pub unsynced_ops: i64,
    pub version: &'static str,
    /// Whether the store is encrypted at rest (`store::key`).
    pub encrypted: bool,
}

impl Escale {
    pub async fn open(data_dir: &Path) -> Result<Escale> {
        Self::open_with(data_dir, &OpenOptions::default()).await
    }

    pub async fn open_with(data_dir: &Path, opts: &OpenOptions) -> Result<Escale> {
        let store = Store::open(data_dir, opts).await?;
        Ok(Escale {
            store,
            search: Mutex::new(SearchIndex::new()),
            data_dir: data_dir.to_path_buf(),
            signed_in: Default::default(),
            idle_lock: Default::default(),
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub async fn identity(&self) -> Result<Identity> {
        self.store.identity().await?.ok_or(Error::NotInitialised)
    }

    /// First run: names the organisation and this device.
    pub async fn init(&self, org_name: &str, device_name: &str) -> Result<Info> {
        let org = crate::validate::text("organisation", org_name, crate::validate::MAX_TITLE)?
            .ok_or(Error::Required {
                field: "organisation",
            })?;
        let dev = crate::validate::text("device", device_name, crate::validate::MAX_SHORT)?
            .ok_or(Error::Required { field: "device" })?;
        let mut tx = self
            .store
            .init_identity(Uuid::now_v7(), Uuid::now_v7())
            .await?;
        let ident = tx.identity();
        tx.append(vec![
            set(Entity::Org, ident.org_id, [("name", Value::String(org))]),
            set(
                Entity::Device,
                ident.device_id,
                [("name", Value::String(dev))],
            ),
        ])
        .await?;
        tx.commit().await?;
        self.info().await
    }

    pub async fn info(&self) -> Result<Info> {
        let ident = self.identity().await?;
        let pool = self.store.pool();
        let org_name: Option<String> = sqlx::query_scalar("SELECT name FROM org WHERE id = ?")
            .bind(ident.org_id)
            .fetch_optional(pool)
            .await?
            .flatten();
        let device_name: Option<String> =
            sqlx::query_scalar("SELECT name FROM device WHERE id = ?")
                .bind(ident.device_id)
                .fetch_optional(pool)
                .await?
                .flatten();
        let ops = self.store.op_count().await?;
        // Until sync exists nothing has been acknowledged by a peer: every
        // op made here is still to be synced.
        let unsynced_ops: i64 = sqlx::query_scalar("SELECT count(*) FROM op WHERE origin = ?")
            .bind(ident.device_id)
            .fetch_one(pool)
            .await?;
        Ok(Info {
            data_dir: self.data_dir.display().to_string(),
            org_id: ident.org_id,
            org_name: org_name.unwrap_or_default(),
            device_id: ident.device_id,
            device_name: device_name.unwrap_or_default(),
            ops,
            unsynced_ops,
            version: env!("CARGO_PKG_VERSION"),
            encrypted: self.store.encrypted(),
        })
    }

    /// Writes a USB bundle of the log (everyone's personal data, encrypted
    /// with the organisation's key): a coordinator's export.
    pub async fn export_bundle(
        &self,
        path: &Path,
        since: Option<&crate::sync::VersionVector>,
    ) -> Result<crate::sync::bundle::BundleExport> {
        self.require(escale_protocol::roles::Action::ExportPeople)
            .await?;
        let out = self.store.export_bundle(path, since).await?;
        let what = format!("{} ops", out.ops);
        self.record_access(audit::Access::Bundle, None, None, &what)
            .await?;
        Ok(out)
    }

    /// Brings in a USB bundle another laptop of the organisation wrote.
    pub async fn import_bundle(&self, path: &Path) -> Result<crate::sync::bundle::BundleImport> {
        self.require(escale_protocol::roles::Action::Import).await?;
        self.store.import_bundle(path).await
    }

    /// Commits op bodies as one transaction.
    pub(crate) async fn commit(&self, bodies: Vec<OpBody>) -> Result<Vec<crate::op::Op>> {
        let mut tx = self.store.write().await?;
        let ops = tx.append(bodies).await?;
        tx.commit().await?;
        Ok(ops)
    }

    /// Builds the desk search index now (it is otherwise built by the first
    /// search): the desktop calls this at start-up, in the background, so the
    /// first three letters typed at a 100,000-person event answer at once.
    /// It reads the index's file (`escale.db-search`) when there is one and
    /// only the changes since; a full build writes that file.
    pub async fn warm_search(&self) -> Result<()> {
        self.index().await.map(|_| ())
    }

    pub(crate) async fn index(&self) -> Result<tokio::sync::MutexGuard<'_, SearchIndex>> {
        let mut ix = self.search.lock().await;
        let cache = crate::search::cache_path(self.store.path());
        ix.seal_cache_with(self.store.cache_key());
        ix.refresh_with(self.store.pool(), Some(&cache)).await?;
        Ok(ix)
    }
}

/// A `Set` op body from (field, value) pairs.
pub(crate) fn set<const N: usize>(entity: Entity, id: Uuid, fields: [(&str, Value); N]) -> OpBody {
    OpBody::Set {
        entity,
        id,
        fields: fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<Fields>(),
    }
}

pub(crate) fn opt_text(v: Option<String>) -> Value {
    v.map(Value::String).unwrap_or(Value::Null)
}

/// Parses a user-given id (full UUID) or reports `not_found` with `make`.
pub(crate) fn parse_id(s: &str, make: impl Fn(String) -> Error) -> Result<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| make(s.chars().take(60).collect()))
}
