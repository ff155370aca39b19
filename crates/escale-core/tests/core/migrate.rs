//! Stores written by version 0.1.0 (schema 1: `crates/escale-testkit/
//! fixtures/schema1`, made by its `make.sh`) open in today's version with
//! their data: the state hash is the same before and after the migration,
//! the figures are those 0.1.0 printed, and ops a newer version wrote are
//! folded again once this version can read them.

use escale_core::{Escale, Lang};
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

fn json(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(fixture(name)).unwrap();
    serde_json::from_str::<serde_json::Value>(&text).unwrap()["data"].clone()
}

#[tokio::test]
async fn a_schema_1_store_migrates_with_its_data_and_the_same_state_hash() {
    let dir = copy_of("laptop.db");
    let before = schema1::hash(&dir.path().join("escale.db")).await;
    let app = Escale::open(dir.path()).await.unwrap();
    let after = app.store().state_hash().await.unwrap();
    let after_by_table: std::collections::BTreeMap<&str, (&String, &i64)> = after
        .tables
        .iter()
        .map(|(t, h, n)| (t.as_str(), (h, n)))
        .collect();
    for (table, b, n) in &before {
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
    let pending: Vec<(String, String)> =
        sqlx::query_as("SELECT lower(hex(op_id)), fields FROM op_pending")
            .fetch_all(app.store().pool())
            .await
            .unwrap();
    assert_eq!(
        pending,
        vec![(
            "01a23214000070008000".to_string() + "0000000000a1",
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

/// The canonical hash of a schema-1 store file as the version before
/// schema 2 computed it (its code, kept here: text ids, JSON stamps).
mod schema1 {
    use escale_core::fields::{Field, FieldType};
    use escale_core::hlc::Stamp;
    use escale_core::model::Entity;
    use escale_core::op::Value;
    use sha2::{Digest, Sha256};
    use sqlx::{Row, SqliteConnection};
    use std::collections::BTreeMap;

    type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

    pub async fn hash(db: &std::path::Path) -> Vec<(String, String, i64)> {
        use sqlx::Connection;
        let url = format!("sqlite://{}?mode=ro", db.display());
        let mut conn = SqliteConnection::connect(&url).await.unwrap();
        let h = schema1_hash(&mut conn).await.unwrap();
        conn.close().await.unwrap();
        h.tables
    }

    fn column_value(row: &sqlx::sqlite::SqliteRow, def: &Field) -> Result<Value> {
        Ok(match def.ty() {
            FieldType::Text => row
                .try_get::<Option<String>, _>(def.name)?
                .map(Value::String)
                .unwrap_or(Value::Null),
            _ => row
                .try_get::<Option<i64>, _>(def.name)?
                .map(Value::from)
                .unwrap_or(Value::Null),
        })
    }

    /// (table, columns, order) of the tables that are facts or derived sets.
    const FACT_TABLES: &[(&str, &str, &str)] = &[
        (
            "op",
            "id, origin, seq, hlc, kind, subject, body, status",
            "id",
        ),
        ("version_vector", "origin, seq", "origin"),
        ("quarantine", "op_id, reason", "op_id"),
        (
            "checkin",
            "id, event_id, session_id, visitor_id, direction, at_ms, origin, method, code, voided",
            "id",
        ),
        ("checkin_void", "checkin_id", "checkin_id"),
        (
            "consent",
            "id, visitor_id, purpose, granted, wording_version, at_ms, stamp",
            "id",
        ),
        ("merge_edge", "op_id, loser, winner, stamp", "op_id"),
        ("alias", "id, root", "id"),
        ("erase_request", "visitor_id", "visitor_id"),
        ("erased", "visitor_id", "visitor_id"),
        ("duplicate_dismissal", "a, b", "a, b"),
    ];

    struct Schema1Hash {
        #[allow(dead_code)]
        total: String,
        tables: Vec<(String, String, i64)>,
    }

    async fn schema1_hash(conn: &mut SqliteConnection) -> Result<Schema1Hash> {
        let mut dumps: Vec<(String, Vec<String>)> = Vec::new();
        let pending: Option<String> =
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE name = 'op_pending'")
                .fetch_optional(&mut *conn)
                .await?;
        // Set aside by this version, like the quarantine (absent before schema 1.1).
        let pending = pending.map(|_| ("op_pending", "op_id, fields", "op_id"));
        for (table, cols, order) in FACT_TABLES.iter().chain(pending.iter()) {
            let expr = cols
                .split(", ")
                .map(|c| format!("quote({c})"))
                .collect::<Vec<_>>()
                .join(" || ',' || ");
            let sql = format!("SELECT {expr} FROM {table} ORDER BY {order}");
            let rows: Vec<String> = sqlx::query_scalar(&sql).fetch_all(&mut *conn).await?;
            dumps.push((table.to_string(), rows));
        }
        for entity in Entity::ALL {
            dumps.push((entity.table().to_string(), record_dump(conn, entity).await?));
        }
        let mut total = Sha256::new();
        let mut tables = Vec::new();
        for (table, rows) in dumps {
            let mut h = Sha256::new();
            for r in &rows {
                h.update(r.as_bytes());
                h.update(b"\n");
            }
            let digest = hex::encode(h.finalize());
            total.update(table.as_bytes());
            total.update(digest.as_bytes());
            tables.push((table, digest, rows.len() as i64));
        }
        Ok(Schema1Hash {
            total: hex::encode(total.finalize()),
            tables,
        })
    }

    /// The records of one kind, one line each: `id;name=value@stamp;…` over the
    /// canonical registry fields that a write set, in registry order.
    async fn record_dump(conn: &mut SqliteConnection, entity: Entity) -> Result<Vec<String>> {
        // Only the columns the file has: a store of an older schema hashes the
        // same as once migrated (a field no op set changes nothing).
        let columns: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT name FROM pragma_table_info('{}')",
            entity.table()
        ))
        .fetch_all(&mut *conn)
        .await?;
        if columns.is_empty() {
            // A record kind schema 1 did not have (certificates): no rows.
            return Ok(vec![]);
        }
        let canonical: Vec<_> = entity
            .fields()
            .iter()
            .filter(|f| f.canonical && columns.iter().any(|c| c == f.name))
            .collect();
        let cols: Vec<&str> = canonical.iter().map(|f| f.name).collect();
        let sql = format!(
            "SELECT id, stamps, {} FROM {} ORDER BY id",
            cols.join(", "),
            entity.table()
        );
        let rows = sqlx::query(&sql).fetch_all(&mut *conn).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id: String = r.try_get("id")?;
            let stamps: String = r.try_get("stamps")?;
            let stamps: BTreeMap<String, Stamp> = serde_json::from_str(&stamps)?;
            let mut line = id;
            for f in &canonical {
                let Some(stamp) = stamps.get(f.name) else {
                    continue;
                };
                let value = match column_value(&r, f)? {
                    Value::String(s) => serde_json::to_string(&s)?,
                    v => v.to_string(),
                };
                line.push_str(&format!(";{}={value}@{stamp}", f.name));
            }
            out.push(line);
        }
        Ok(out)
    }
}

#[tokio::test]
async fn a_conversion_that_fails_leaves_the_schema_1_store_as_it_was() {
    let dir = copy_of("laptop.db");
    let db = dir.path().join("escale.db");
    {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        // One damaged row among many: its stamps are not JSON.
        sqlx::query("UPDATE visitor SET stamps = '{not json' WHERE rowid = (SELECT max(rowid) FROM visitor)")
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
    }
    let look = || async {
        use sqlx::Connection;
        let mut conn =
            sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=ro", db.display()))
                .await
                .unwrap();
        let r: (i64, i64, String, i64) = sqlx::query_as(
            "SELECT (SELECT user_version FROM pragma_user_version),
                    (SELECT count(*) FROM op),
                    (SELECT typeof(id) FROM visitor LIMIT 1),
                    (SELECT count(*) FROM sqlite_master WHERE name IN ('op2', 'visitor2', 'registration2'))",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
        conn.close().await.unwrap();
        r
    };
    let before = look().await;
    assert_eq!((before.0, before.2.as_str(), before.3), (0, "text", 0));
    let err = Escale::open(dir.path())
        .await
        .err()
        .expect("a damaged store does not open");
    assert_eq!(err.code(), "store.corrupt", "{err}");
    assert_eq!(
        look().await,
        before,
        "the schema-1 store is as it was, no table half-made"
    );
}

#[tokio::test]
async fn the_conversion_tells_its_progress() {
    let dir = copy_of("laptop.db");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(vec![]));
    let s = seen.clone();
    let opts = escale_core::store::OpenOptions {
        progress: Some(escale_core::store::Progress(std::sync::Arc::new(
            move |p| s.lock().unwrap().push(p),
        ))),
        ..Default::default()
    };
    let _app = Escale::open_with(dir.path(), &opts).await.unwrap();
    let seen = seen.lock().unwrap().clone();
    let last = *seen.last().expect("progress was told");
    assert!(last.total > 50, "every row counts: {last:?}");
    assert_eq!(last.done, last.total, "it ends at 100 %");
    assert_eq!(seen[0].done, 0, "it starts at 0");
    assert!(
        seen.windows(2).all(|w| w[0].done <= w[1].done),
        "it only goes forward"
    );
    // A store already converted says nothing.
    drop(_app);
    let again = std::sync::Arc::new(std::sync::Mutex::new(0));
    let a = again.clone();
    let opts = escale_core::store::OpenOptions {
        progress: Some(escale_core::store::Progress(std::sync::Arc::new(
            move |_| *a.lock().unwrap() += 1,
        ))),
        ..Default::default()
    };
    let _app = Escale::open_with(dir.path(), &opts).await.unwrap();
    assert_eq!(*again.lock().unwrap(), 0);
}
