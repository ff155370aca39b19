//! Hub databases written by version 0.1.0 (schema 1: SQLite file and
//! PostgreSQL dump in `crates/escale-testkit/fixtures/schema1`) open in
//! today's hub with their data: every op is still served, in today's
//! spelling, and a laptop that pulls everything holds the state the
//! laptops of that organisation hold once upgraded.

use crate::support::{Backend, PgDatabase, TestHub};
use escale_core::store::{OpenOptions, Store};
use escale_hub::db::Db;
use escale_protocol::wire::{PullResponse, VersionVector};
use std::path::{Path, PathBuf};
use uuid::Uuid;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../escale-testkit/fixtures/schema1")
        .join(name)
}

/// The state hash of the 0.1.0 laptop that synced everything with that
/// hub, opened (so migrated and refolded) by today's version.
async fn laptop_hash() -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("laptop-future.db"), dir.path().join("escale.db")).unwrap();
    let store = Store::open(dir.path(), &OpenOptions::default())
        .await
        .unwrap();
    store.state_hash().await.unwrap().total
}

/// Pulls everything the hub serves into a new laptop store; its state hash.
async fn pulled_hash(h: &TestHub) -> (String, usize) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &OpenOptions::default())
        .await
        .unwrap();
    store
        .init_identity(h.org, Uuid::now_v7())
        .await
        .unwrap()
        .commit()
        .await
        .unwrap();
    let mut vector = VersionVector::new();
    let mut n = 0;
    loop {
        let (status, body) = h.pull(&serde_json::to_value(&vector).unwrap(), 500).await;
        assert!(status.is_success(), "{body}");
        let page: PullResponse = serde_json::from_value(body).unwrap();
        n += page.ops.len();
        assert!(
            page.ops
                .iter()
                .all(|o| o.kind != "checkin" && o.kind != "void_checkin"),
            "ops are served in today's spelling"
        );
        let ops: Vec<_> = page
            .ops
            .into_iter()
            .map(|w| w.into_op().unwrap().0)
            .collect();
        let mut tx = store.write().await.unwrap();
        tx.ingest(&ops).await.unwrap();
        tx.commit().await.unwrap();
        vector = store.vector().await.unwrap();
        if !page.more {
            break;
        }
    }
    (store.state_hash().await.unwrap().total, n)
}

async fn the_only_org(db: &Db) -> Uuid {
    let orgs = db.orgs().await.unwrap();
    assert_eq!(orgs.len(), 1, "the fixture holds one organisation");
    orgs[0].id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schema_1_sqlite_hub_serves_its_log_after_the_migration() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hub.db");
    std::fs::copy(fixture("hub.db"), &file).unwrap();
    let db = Db::open(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    let org = the_only_org(&db).await;
    let before = db.op_count(org).await.unwrap();
    let h = TestHub::on(Backend::Sqlite, db, Default::default(), org, None, dir).await;
    assert_eq!(h.op_count().await, before, "enrolling a device adds no op");
    let (hash, served) = pulled_hash(&h).await;
    assert_eq!(served as i64, before, "every op is served");
    assert_eq!(
        hash,
        laptop_hash().await,
        "the organisation's state, as on its laptops"
    );
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schema_1_postgres_hub_serves_its_log_after_the_migration() {
    let Some(pg) = PgDatabase::create().await else {
        return;
    };
    // Plain SQL (psql's backslash commands, if any, are not SQL).
    let dump: String = std::fs::read_to_string(fixture("hub-postgres.sql"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('\\'))
        .collect::<Vec<_>>()
        .join("\n");
    {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&pg.url).await.unwrap();
        sqlx::raw_sql(&dump).execute(&mut c).await.unwrap();
        c.close().await.unwrap();
    }
    let db = Db::open(&pg.url).await.unwrap();
    let org = the_only_org(&db).await;
    let before = db.op_count(org).await.unwrap();
    assert!(
        before > 30,
        "the dump holds the organisation's log: {before} ops"
    );
    let dir = tempfile::tempdir().unwrap();
    let h = TestHub::on(
        Backend::Postgres,
        db,
        Default::default(),
        org,
        Some(pg),
        dir,
    )
    .await;
    let (hash, served) = pulled_hash(&h).await;
    assert_eq!(served as i64, before, "every op is served");
    assert_eq!(
        hash,
        laptop_hash().await,
        "the organisation's state, as on its laptops"
    );
    h.finish().await;
}
