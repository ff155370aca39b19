//! A canonical dump of the state, and its hash.
//!
//! Two stores that folded the same ops must produce the same dump byte for
//! byte, whatever order the ops arrived in. The dump lists every derived
//! table in primary-key order; it leaves out what is local by nature (the
//! `local` table, the `rev` search-cache columns). `escale ops verify` and
//! the convergence tests compare these hashes.
//!
//! The tables of last-writer-wins records (org, device, event, session,
//! visitor, registration) are dumped from the field registry: each record
//! as its id and every field that a write set (those with a stamp), as
//! `name=value@stamp`, for every registry field marked `canonical`. A new
//! field is therefore checked as soon as it is in the registry, and a
//! column that no op ever set (a field added by an upgrade) changes no hash.

use super::codec::{decode_body, stamp_from_blob, stamps_from_blob};
use crate::error::Result;
use crate::model::Entity;
use crate::op::Value;
use sha2::{Digest, Sha256};
use sqlx::{Row, SqliteConnection};

/// How a column is rendered in the dump: as SQLite's `quote()` rendered
/// schema 1's text columns, so that the dump (and its hash) does not depend
/// on how a schema stores a value.
#[derive(Clone, Copy)]
enum Col {
    Id,
    Int,
    Text,
    Stamp,
    Body,
}

use Col::*;

/// A table of facts or derived sets: its name, its columns, its order.
type FactTable = (&'static str, &'static [(&'static str, Col)], &'static str);

/// The tables that are facts or derived sets. The log is dumped in
/// (origin, seq) order, its key.
const FACT_TABLES: &[FactTable] = &[
    (
        "op",
        &[
            ("id", Id),
            ("origin", Id),
            ("seq", Int),
            ("hlc", Int),
            ("kind", Text),
            ("subject", Id),
            ("body", Body),
            ("status", Int),
        ],
        "origin, seq",
    ),
    ("version_vector", &[("origin", Id), ("seq", Int)], "origin"),
    ("quarantine", &[("op_id", Id), ("reason", Text)], "op_id"),
    (
        "checkin",
        &[
            ("id", Id),
            ("event_id", Id),
            ("session_id", Id),
            ("visitor_id", Id),
            ("direction", Text),
            ("at_ms", Int),
            ("origin", Id),
            ("method", Text),
            ("code", Text),
            ("voided", Int),
        ],
        "id",
    ),
    ("checkin_void", &[("checkin_id", Id)], "checkin_id"),
    (
        "consent",
        &[
            ("id", Id),
            ("visitor_id", Id),
            ("purpose", Text),
            ("granted", Int),
            ("wording_version", Text),
            ("at_ms", Int),
            ("stamp", Stamp),
        ],
        "id",
    ),
    (
        "merge_edge",
        &[
            ("op_id", Id),
            ("loser", Id),
            ("winner", Id),
            ("stamp", Stamp),
        ],
        "op_id",
    ),
    ("alias", &[("id", Id), ("root", Id)], "id"),
    ("erase_request", &[("visitor_id", Id)], "visitor_id"),
    ("erased", &[("visitor_id", Id)], "visitor_id"),
    ("anonymise_request", &[("visitor_id", Id)], "visitor_id"),
    ("anonymised", &[("visitor_id", Id)], "visitor_id"),
    ("duplicate_dismissal", &[("a", Id), ("b", Id)], "a, b"),
    ("op_pending", &[("op_id", Id), ("fields", Text)], "op_id"),
    (
        "asset_chunk",
        &[
            ("asset_id", Id),
            ("idx", Int),
            ("op_id", Id),
            ("count", Int),
            ("mime", Text),
            ("data", Text),
        ],
        "asset_id, idx",
    ),
];

/// SQLite's `quote()` of a text.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn render(row: &sqlx::sqlite::SqliteRow, i: usize, col: Col) -> Result<String> {
    Ok(match col {
        Id => match row.try_get::<Option<uuid::Uuid>, _>(i)? {
            Some(id) => quote(&id.to_string()),
            None => "NULL".into(),
        },
        Int => match row.try_get::<Option<i64>, _>(i)? {
            Some(n) => n.to_string(),
            None => "NULL".into(),
        },
        Text => match row.try_get::<Option<String>, _>(i)? {
            Some(t) => quote(&t),
            None => "NULL".into(),
        },
        Stamp => match row.try_get::<Option<Vec<u8>>, _>(i)? {
            Some(b) => quote(&stamp_from_blob(&b)?.to_string()),
            None => "NULL".into(),
        },
        Body => match row.try_get::<Option<Vec<u8>>, _>(i)? {
            Some(b) => quote(&decode_body(&b)?),
            None => "NULL".into(),
        },
    })
}

/// Rows of the log's dump per read (keyset pages: bounded memory).
const OP_PAGE: i64 = 20_000;

async fn fact_dump(
    conn: &mut SqliteConnection,
    table: &str,
    cols: &[(&str, Col)],
    order: &str,
    h: &mut Sha256,
) -> Result<i64> {
    let names: Vec<&str> = cols.iter().map(|(c, _)| *c).collect();
    let line = |r: &sqlx::sqlite::SqliteRow| -> Result<String> {
        let parts: Result<Vec<String>> = cols
            .iter()
            .enumerate()
            .map(|(i, (_, c))| render(r, i, *c))
            .collect();
        Ok(parts?.join(","))
    };
    let mut n = 0;
    if table == "op" {
        let sql = format!(
            "SELECT {}, origin AS k1, seq AS k2 FROM op WHERE (origin, seq) > (?, ?) ORDER BY origin, seq LIMIT {OP_PAGE}",
            names.join(", ")
        );
        let (mut origin, mut seq) = (Vec::<u8>::new(), 0_i64);
        loop {
            let rows = sqlx::query(&sql)
                .bind(&origin)
                .bind(seq)
                .fetch_all(&mut *conn)
                .await?;
            let Some(last) = rows.last() else {
                return Ok(n);
            };
            (origin, seq) = (last.try_get("k1")?, last.try_get("k2")?);
            for r in &rows {
                h.update(line(r)?.as_bytes());
                h.update(b"\n");
                n += 1;
            }
        }
    }
    let sql = format!("SELECT {} FROM {table} ORDER BY {order}", names.join(", "));
    for r in sqlx::query(&sql).fetch_all(&mut *conn).await? {
        h.update(line(&r)?.as_bytes());
        h.update(b"\n");
        n += 1;
    }
    Ok(n)
}

/// Per-table hashes and the overall hash of the state.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StateHash {
    pub total: String,
    pub tables: Vec<(String, String, i64)>,
}

pub async fn state_hash(conn: &mut SqliteConnection) -> Result<StateHash> {
    let mut total = Sha256::new();
    let mut tables = Vec::new();
    let mut add = |table: &str, h: Sha256, n: i64| {
        let digest = hex::encode(h.finalize());
        total.update(table.as_bytes());
        total.update(digest.as_bytes());
        tables.push((table.to_string(), digest, n));
    };
    for (table, cols, order) in FACT_TABLES {
        let mut h = Sha256::new();
        let n = fact_dump(conn, table, cols, order, &mut h).await?;
        add(table, h, n);
    }
    for entity in Entity::ALL {
        let mut h = Sha256::new();
        let rows = record_dump(conn, entity).await?;
        for r in &rows {
            h.update(r.as_bytes());
            h.update(b"\n");
        }
        add(entity.table(), h, rows.len() as i64);
    }
    Ok(StateHash {
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
        let id: uuid::Uuid = r.try_get("id")?;
        let stamps: Vec<u8> = r.try_get("stamps")?;
        let stamps = stamps_from_blob(entity, &stamps)?;
        let mut line = id.to_string();
        for f in &canonical {
            let Some(stamp) = stamps.get(f.name) else {
                continue;
            };
            let value = match super::records::column_value(&r, f)? {
                Value::String(s) => serde_json::to_string(&s)?,
                v => v.to_string(),
            };
            line.push_str(&format!(";{}={value}@{stamp}", f.name));
        }
        out.push(line);
    }
    Ok(out)
}
