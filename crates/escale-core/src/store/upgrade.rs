//! The conversion of a schema-1 store to schema 2, in place.
//!
//! Laptops in the field hold schema-1 stores: ids as 36-character text,
//! per-field stamps as JSON, op bodies as JSON text. [`to_schema_2`] creates
//! schema 2's tables (`schema2.sql`) next to the old ones, copies every row
//! across a page at a time — ids to 16-byte BLOBs, stamps and bodies to
//! their compact forms (`codec.rs`) — drops the old tables, renames the new
//! ones and creates the indexes (`schema2_indexes.sql`). All of it is one
//! transaction: a crash or a full disk leaves the schema-1 store as it was,
//! and the next start does it again. The state it holds is the same: the
//! canonical dump renders schema 2 exactly as it rendered schema 1.
//!
//! A new store goes the same way (schema 1's migrations, then this, on empty
//! tables), so every store is converted by the code the tests run.

use super::codec::{encode_body, stamps_to_blob};
use crate::error::{Error, Result};
use crate::fields::Kind;
use crate::hlc::Stamp;
use crate::model::Entity;
use serde_json::Value;
use sqlx::{SqliteConnection, SqlitePool};
use std::collections::BTreeMap;
use std::sync::Arc;
use uuid::Uuid;

/// The schema this version writes, kept in the file's header
/// (`PRAGMA user_version`: 0 on a schema-1 store), which a snapshot
/// (`VACUUM INTO`) carries along.
pub const SCHEMA: i64 = 2;

/// How far a long conversion has come (rows copied of all rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpgradeProgress {
    pub done: u64,
    pub total: u64,
}

/// Told of the conversion's progress (the desktop shows it at start-up).
pub type ProgressFn = Arc<dyn Fn(UpgradeProgress) + Send + Sync>;

/// Rows per page read and written.
const PAGE: i64 = 2_000;

/// How a schema-1 column becomes a schema-2 one.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Conv {
    /// As it is (text, integer, NULL).
    Keep,
    /// UUID text → 16 bytes.
    Id,
    /// `{"field":"hlc/origin",…}` → the stamps BLOB.
    Stamps,
    /// `"hlc/origin"` → 24 bytes.
    Stamp,
    /// JSON text → the stored body (compressed).
    Body,
}

/// A table to copy: its name, how its rows are paged (`rowid`, or the
/// primary key of a `WITHOUT ROWID` table), and its columns.
struct Table {
    name: &'static str,
    key: &'static [&'static str],
    cols: Vec<(String, Conv)>,
}

fn fact(name: &'static str, key: &'static [&'static str], cols: &[(&str, Conv)]) -> Table {
    Table {
        name,
        key,
        cols: cols.iter().map(|(c, v)| (c.to_string(), *v)).collect(),
    }
}

/// The record tables' columns come from the registry (and `name_key`,
/// `rev` for visitors): refs are ids, the rest kept.
fn record(entity: Entity) -> Table {
    let mut cols = vec![("id".to_string(), Conv::Id)];
    for f in entity.fields() {
        let conv = match f.kind {
            Kind::Ref(_) => Conv::Id,
            _ => Conv::Keep,
        };
        cols.push((f.name.to_string(), conv));
    }
    cols.push(("stamps".into(), Conv::Stamps));
    if entity == Entity::Visitor {
        cols.push(("name_key".into(), Conv::Keep));
        cols.push(("rev".into(), Conv::Keep));
    }
    Table {
        name: entity.table(),
        key: &["rowid"],
        cols,
    }
}

/// Record kinds whose table a migration of schema 2 creates.
pub(super) const ADDED_AFTER_SCHEMA_2: &[Entity] = &[
    Entity::Certificate,
    Entity::Mediation,
    Entity::Station,
    Entity::StationUse,
    Entity::Ticket,
    Entity::PrintJob,
    Entity::CoworkPass,
    Entity::Staff,
    Entity::Audit,
];

fn tables() -> Vec<Table> {
    use Conv::*;
    let mut out = vec![
        fact(
            "op",
            &["rowid"],
            &[
                ("origin", Id),
                ("seq", Keep),
                ("id", Id),
                ("hlc", Keep),
                ("kind", Keep),
                ("subject", Id),
                ("body", Body),
                ("status", Keep),
            ],
        ),
        fact(
            "version_vector",
            &["origin"],
            &[("origin", Id), ("seq", Keep)],
        ),
        fact("quarantine", &["op_id"], &[("op_id", Id), ("reason", Keep)]),
        fact("op_pending", &["op_id"], &[("op_id", Id), ("fields", Keep)]),
    ];
    // Record kinds added after schema 2 have their table made by a
    // migration in `migrations-2/`, run after this conversion.
    out.extend(
        Entity::ALL
            .into_iter()
            .filter(|e| !ADDED_AFTER_SCHEMA_2.contains(e))
            .map(record),
    );
    out.extend([
        fact(
            "checkin",
            &["rowid"],
            &[
                ("id", Id),
                ("event_id", Id),
                ("session_id", Id),
                ("visitor_id", Id),
                ("direction", Keep),
                ("at_ms", Keep),
                ("origin", Id),
                ("method", Keep),
                ("code", Keep),
                ("voided", Keep),
            ],
        ),
        fact("checkin_void", &["checkin_id"], &[("checkin_id", Id)]),
        fact(
            "consent",
            &["rowid"],
            &[
                ("id", Id),
                ("visitor_id", Id),
                ("purpose", Keep),
                ("granted", Keep),
                ("wording_version", Keep),
                ("at_ms", Keep),
                ("stamp", Stamp),
            ],
        ),
        fact(
            "merge_edge",
            &["op_id"],
            &[
                ("op_id", Id),
                ("loser", Id),
                ("winner", Id),
                ("stamp", Stamp),
            ],
        ),
        fact("alias", &["id"], &[("id", Id), ("root", Id)]),
        fact("erase_request", &["visitor_id"], &[("visitor_id", Id)]),
        fact(
            "erased",
            &["visitor_id"],
            &[("visitor_id", Id), ("rev", Keep)],
        ),
        fact("duplicate_dismissal", &["a", "b"], &[("a", Id), ("b", Id)]),
    ]);
    out
}

/// The schema the store is at.
pub async fn schema(conn: &mut SqliteConnection) -> Result<i64> {
    let v: i64 = sqlx::query_scalar("PRAGMA user_version")
        .fetch_one(&mut *conn)
        .await?;
    Ok(v.max(1))
}

/// Converts a schema-1 store to schema 2 (see the module docs). Returns
/// whether there was anything to do.
pub async fn to_schema_2(pool: &SqlitePool, progress: Option<&ProgressFn>) -> Result<bool> {
    let mut conn = pool.acquire().await?;
    if schema(&mut conn).await? >= SCHEMA {
        return Ok(false);
    }
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    // A write first: the lock for the whole conversion, now.
    sqlx::query("INSERT OR IGNORE INTO local (key, int_value) VALUES ('rev', 0)")
        .execute(&mut *tx)
        .await?;
    if schema(&mut tx).await? >= SCHEMA {
        return Ok(false); // another process did it meanwhile
    }
    sqlx::raw_sql(include_str!("schema2.sql"))
        .execute(&mut *tx)
        .await?;
    let tables = tables();
    let mut total = 0u64;
    for t in &tables {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {}", t.name))
            .fetch_one(&mut *tx)
            .await?;
        total += n as u64;
    }
    let mut done = 0u64;
    let tell = |done: u64| {
        if let Some(p) = progress {
            p(UpgradeProgress { done, total });
        }
    };
    tell(0);
    for t in &tables {
        copy(&mut tx, t, &mut done, &tell).await?;
    }
    for t in &tables {
        sqlx::query(&format!("DROP TABLE {}", t.name))
            .execute(&mut *tx)
            .await?;
        sqlx::query(&format!("ALTER TABLE {0}2 RENAME TO {0}", t.name))
            .execute(&mut *tx)
            .await?;
    }
    sqlx::raw_sql(include_str!("schema2_indexes.sql"))
        .execute(&mut *tx)
        .await?;
    sqlx::query(&format!("PRAGMA user_version = {SCHEMA}"))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tell(total);
    // The old tables' pages are free now: give them back to the disk (a
    // schema-1 store of 100,000 people shrinks from ~450 MB to ~140 MB),
    // and leave no WAL behind.
    if total > 0 {
        sqlx::query("VACUUM").execute(&mut *conn).await?;
    }
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

/// Copies one table, a page at a time, converting each column.
async fn copy(
    conn: &mut SqliteConnection,
    t: &Table,
    done: &mut u64,
    tell: &impl Fn(u64),
) -> Result<()> {
    // Only the columns the old table has (a field added by a later schema-1
    // migration is there; one that never was stays NULL).
    let have: Vec<String> =
        sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{}')", t.name))
            .fetch_all(&mut *conn)
            .await?;
    let cols: Vec<&(String, Conv)> = t.cols.iter().filter(|(c, _)| have.contains(c)).collect();
    let entity = Entity::ALL.into_iter().find(|e| e.table() == t.name);
    let key_cols = t.key.join(", ");
    let col_list = cols
        .iter()
        .map(|(c, _)| c.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let select = format!(
        "SELECT json_group_array(json_array({key_cols}, {col_list})) FROM
           (SELECT {key_cols}, {col_list} FROM {} WHERE ({key_cols}) > ({}) ORDER BY {key_cols} LIMIT {PAGE})",
        t.name,
        vec!["?"; t.key.len()].join(", "),
    );
    let insert_head = format!("INSERT INTO {}2 ({col_list}) VALUES ", t.name);
    let row_ph = format!("({})", vec!["?"; cols.len()].join(", "));
    // The last key seen; the first page starts below every key.
    let mut after: Vec<Value> = t.key.iter().map(|_| Value::Null).collect();
    loop {
        let mut q = sqlx::query_scalar::<_, String>(&select);
        for k in &after {
            q = match k {
                Value::Null => q.bind(i64::MIN), // sorts below text and blobs too
                Value::Number(n) => q.bind(n.as_i64()),
                v => q.bind(v.as_str().map(str::to_owned)),
            };
        }
        let page = q.fetch_one(&mut *conn).await?;
        let rows: Vec<Vec<Value>> =
            serde_json::from_str(&page).map_err(|e| Error::Corrupt(format!("{}: {e}", t.name)))?;
        if rows.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "{insert_head}{}",
            vec![row_ph.as_str(); rows.len()].join(", ")
        );
        let mut q = sqlx::query(&sql).persistent(rows.len() as i64 == PAGE);
        for row in &rows {
            let values = &row[t.key.len()..];
            for ((name, conv), v) in cols.iter().zip(values) {
                q = bind(q, t.name, name, *conv, entity, v)?;
            }
        }
        q.execute(&mut *conn).await?;
        after = rows.last().expect("not empty")[..t.key.len()].to_vec();
        *done += rows.len() as u64;
        tell(*done);
    }
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>;

fn bind<'q>(
    q: Query<'q>,
    table: &str,
    col: &str,
    conv: Conv,
    entity: Option<Entity>,
    v: &Value,
) -> Result<Query<'q>> {
    let bad = |what: &str| Error::Corrupt(format!("{table}.{col}: {what}"));
    Ok(match (conv, v) {
        (_, Value::Null) => q.bind(None::<Vec<u8>>),
        (Conv::Keep, Value::String(s)) => q.bind(s.clone()),
        (Conv::Keep, Value::Number(n)) => match n.as_i64() {
            Some(i) => q.bind(i),
            None => q.bind(n.as_f64()),
        },
        (Conv::Keep, Value::Bool(b)) => q.bind(i64::from(*b)),
        (Conv::Id, Value::String(s)) => q.bind(
            Uuid::parse_str(s)
                .map_err(|_| bad(&format!("{s:?} is not an id")))?
                .as_bytes()
                .to_vec(),
        ),
        (Conv::Stamp, Value::String(s)) => {
            let stamp: Stamp = s.parse().map_err(|e: String| bad(&e))?;
            q.bind(super::codec::stamp_to_blob(&stamp).to_vec())
        }
        (Conv::Stamps, Value::String(s)) => {
            let stamps: BTreeMap<String, Stamp> =
                serde_json::from_str(s).map_err(|e| bad(&e.to_string()))?;
            let entity = entity.ok_or_else(|| bad("stamps of no record kind"))?;
            // Stamps of fields the registry does not know (none today) have
            // no column either: dropping them drops nothing.
            q.bind(stamps_to_blob(
                stamps
                    .iter()
                    .filter_map(|(n, s)| entity.field(n).map(|f| (f.name, *s))),
            ))
        }
        (Conv::Body, Value::String(s)) => q.bind(encode_body(s)),
        (_, v) => return Err(bad(&format!("unexpected {v}"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every registry field has its column: in schema 2's tables, or added
    /// by a migration after schema 2 (`migrations-2/`).
    #[test]
    fn every_record_table_of_schema_2_has_the_registry_s_columns() {
        let ddl = include_str!("schema2.sql");
        let later: String = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations-2"))
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "sql"))
            .map(|e| std::fs::read_to_string(e.path()).unwrap())
            .collect();
        for e in Entity::ALL {
            let (ddl, table) = if ADDED_AFTER_SCHEMA_2.contains(&e) {
                (later.as_str(), e.table().to_string())
            } else {
                (ddl, format!("{}2", e.table()))
            };
            let start = ddl
                .find(&format!("CREATE TABLE {table} ("))
                .unwrap_or_else(|| panic!("{table} in schema2.sql or migrations-2"));
            let body = &ddl[start..start + ddl[start..].find(");").unwrap()];
            for f in e.fields() {
                let added = format!("ALTER TABLE {} ADD COLUMN {} ", e.table(), f.name);
                if later.contains(&added) {
                    continue;
                }
                let ty = match f.kind {
                    Kind::Ref(_) => "BLOB",
                    _ => match f.ty() {
                        crate::fields::FieldType::Text => "TEXT",
                        _ => "INTEGER",
                    },
                };
                assert!(
                    body.contains(&format!("    {} {ty}", f.name)),
                    "{}.{} ({ty}) in schema2.sql",
                    e.table(),
                    f.name
                );
            }
        }
    }
}
