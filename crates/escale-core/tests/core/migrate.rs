//! Stores written by version 0.1.0 (schema 1: `crates/escale-testkit/
//! fixtures/schema1`, made by its `make.sh`) open in today's version with
//! their data: the state hash is the same before and after the migration,
//! the figures are those 0.1.0 printed, and ops a newer version wrote are
//! folded again once this version can read them.

use escale_core::store::canonical::state_hash;
use escale_core::{Escale, Lang};
use sqlx::Connection;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../escale-testkit/fixtures/schema1")
        .join(name)
}

/// A copy of a fixture store as a data directory's `escale.db`.
fn copy_of(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture(name), dir.path().join("escale.db")).unwrap();
    dir
}

/// The canonical hash of a store file as it is, without migrating it.
async fn hash_as_is(db: &Path) -> escale_core::store::canonical::StateHash {
    let url = format!("sqlite://{}?mode=ro", db.display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let h = state_hash(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    h
}

fn json(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(fixture(name)).unwrap();
    serde_json::from_str::<serde_json::Value>(&text).unwrap()["data"].clone()
}

#[tokio::test]
async fn a_schema_1_store_migrates_with_its_data_and_the_same_state_hash() {
    let dir = copy_of("laptop.db");
    let before = hash_as_is(&dir.path().join("escale.db")).await;
    let app = Escale::open(dir.path()).await.unwrap();
    let after = app.store().state_hash().await.unwrap();
    let after_by_table: std::collections::BTreeMap<&str, (&String, &i64)> = after
        .tables
        .iter()
        .map(|(t, h, n)| (t.as_str(), (h, n)))
        .collect();
    for (table, b, n) in &before.tables {
        let (a, m) = after_by_table[table.as_str()];
        if table == "op" {
            // The log's `kind` column is respelt (`checkin` → `check_in`);
            // compared below as the ops it holds.
            assert_eq!(n, m, "as many ops");
            continue;
        }
        assert_eq!((b, n), (a, m), "{table} is unchanged by the migration");
    }
    assert!(
        after
            .tables
            .iter()
            .any(|(t, _, n)| t == "op_pending" && *n == 0),
        "nothing set aside in a store of this version's ops"
    );
    let ops = app.store().all_ops().await.unwrap();
    assert_eq!(
        ops.len() as i64,
        json("laptop-ops.json")["ops"].as_i64().unwrap()
    );
    assert!(
        ops.iter().all(|o| o.body.kind() != "checkin"),
        "one spelling of each kind"
    );
    // The state is what the log makes, and the figures those 0.1.0 printed.
    assert!(
        app.verify().await.unwrap().equal,
        "ops verify passes after the migration"
    );
    let recorded = json("laptop-stats.json");
    let event = recorded["event_id"].as_str().unwrap();
    let stats = serde_json::to_value(app.stats(event).await.unwrap()).unwrap();
    for key in [
        "registered",
        "arrived",
        "walk_ins",
        "pre_registered",
        "no_shows",
        "sessions",
    ] {
        assert_eq!(stats[key], recorded[key], "{key} as 0.1.0 counted it");
    }
    let text = std::fs::read_to_string(fixture("laptop-visitors.jsonl")).unwrap();
    let mut shown = 0;
    for doc in serde_json::Deserializer::from_str(&text).into_iter::<serde_json::Value>() {
        let old = doc.unwrap()["data"].clone();
        let id = old["visitor"]["id"].as_str().unwrap();
        let now = serde_json::to_value(app.visitor_detail(id).await.unwrap()).unwrap();
        for field in [
            "first_name",
            "last_name",
            "email",
            "phone",
            "postcode",
            "birth_year",
            "badge_code",
        ] {
            assert_eq!(now["visitor"][field], old["visitor"][field], "{id}.{field}");
        }
        assert_eq!(
            now["registrations"], old["registrations"],
            "{id}'s registrations"
        );
        assert_eq!(now["consents"], old["consents"], "{id}'s consents");
        assert_eq!(
            now["visitor"]["commune"],
            serde_json::Value::Null,
            "a field no one set"
        );
        shown += 1;
    }
    assert_eq!(shown, 5);
    assert!(!app.store().state_hash().await.unwrap().total.is_empty());
    let t = app.export_table(event, Lang::Fr).await.unwrap();
    assert_eq!(
        t.rows.len() as i64,
        recorded["registered"].as_i64().unwrap()
    );
}

#[tokio::test]
async fn ops_of_a_newer_version_are_folded_again_once_this_version_reads_them() {
    // 0.1.0 quarantined two ops a newer laptop wrote: a visitor record with
    // a field it did not know (`shoe_size`), and an op of an unknown kind.
    let dir = copy_of("laptop-future.db");
    let app = Escale::open(dir.path()).await.unwrap();
    let zoe = app
        .visitor("01a23214-0000-7000-8000-00000000f077")
        .await
        .expect("the known fields of the record are applied after the upgrade");
    assert_eq!((zoe.first_name(), zoe.last_name()), ("Zoé", "Futur"));
    let quarantined = app.store().quarantined(10).await.unwrap();
    assert_eq!(
        quarantined.len(),
        1,
        "only the unknown kind stays quarantined: {quarantined:?}"
    );
    assert_eq!(quarantined[0].kind, "teleport");
    let pending: Vec<(String, String)> = sqlx::query_as("SELECT op_id, fields FROM op_pending")
        .fetch_all(app.store().pool())
        .await
        .unwrap();
    assert_eq!(
        pending,
        vec![(
            "01a23214-0000-7000-8000-0000000000a1".to_string(),
            "shoe_size".to_string()
        )],
        "the field this version still does not know waits for the next upgrade"
    );
    assert!(
        app.verify().await.unwrap().equal,
        "the refolded store is what folding its log gives"
    );
    drop(app);
    // Opening again does nothing more.
    let again = Escale::open(dir.path()).await.unwrap();
    assert_eq!(again.store().quarantined(10).await.unwrap().len(), 1);
}
