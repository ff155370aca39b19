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

use crate::error::Result;
use crate::hlc::Stamp;
use crate::model::Entity;
use crate::op::Value;
use sha2::{Digest, Sha256};
use sqlx::{Row, SqliteConnection};
use std::collections::BTreeMap;

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

/// Per-table hashes and the overall hash of the state.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StateHash {
    pub total: String,
    pub tables: Vec<(String, String, i64)>,
}

pub async fn state_hash(conn: &mut SqliteConnection) -> Result<StateHash> {
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
        let id: String = r.try_get("id")?;
        let stamps: String = r.try_get("stamps")?;
        let stamps: BTreeMap<String, Stamp> = serde_json::from_str(&stamps)
            .map_err(|e| crate::error::Error::Corrupt(format!("stamps of {id}: {e}")))?;
        let mut line = id;
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
