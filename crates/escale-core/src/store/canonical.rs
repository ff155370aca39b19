//! A canonical dump of the state, and its hash.
//!
//! Two stores that folded the same ops must produce the same dump byte for
//! byte, whatever order the ops arrived in. The dump lists every derived
//! table in primary-key order with SQL-quoted values; it leaves out what is
//! local by nature (the `local` table, the `rev` search-cache columns).
//! `escale ops verify` and the convergence tests compare these hashes.

use crate::error::Result;
use sha2::{Digest, Sha256};
use sqlx::SqliteConnection;

/// (table, columns, order) of everything that is a function of the log.
const TABLES: &[(&str, &str, &str)] = &[
    ("op", "id, origin, seq, hlc, kind, subject, body, status", "id"),
    ("version_vector", "origin, seq", "origin"),
    ("quarantine", "op_id, reason", "op_id"),
    ("org", "id, name, stamps", "id"),
    ("device", "id, name, stamps", "id"),
    ("event", "id, kind, title, place, timezone, starts_at, ends_at, series, archived, stamps", "id"),
    ("session", "id, event_id, title, room, starts_at, ends_at, capacity, archived, stamps", "id"),
    (
        "visitor",
        "id, first_name, last_name, email, phone, postcode, birth_year, situation, employment_id, notes, badge_code, stamps, name_key",
        "id",
    ),
    (
        "registration",
        "id, event_id, visitor_id, kind, source, source_key, ticket_code, status, registered_at, stamps",
        "id",
    ),
    ("checkin", "id, event_id, session_id, visitor_id, direction, at_ms, origin, method, code, voided", "id"),
    ("checkin_void", "checkin_id", "checkin_id"),
    ("consent", "id, visitor_id, purpose, granted, wording_version, at_ms, stamp", "id"),
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
    let mut total = Sha256::new();
    let mut tables = Vec::new();
    for (table, cols, order) in TABLES {
        let expr = cols
            .split(", ")
            .map(|c| format!("quote({c})"))
            .collect::<Vec<_>>()
            .join(" || ',' || ");
        let sql = format!("SELECT {expr} FROM {table} ORDER BY {order}");
        let rows: Vec<String> = sqlx::query_scalar(&sql).fetch_all(&mut *conn).await?;
        let mut h = Sha256::new();
        for r in &rows {
            h.update(r.as_bytes());
            h.update(b"\n");
        }
        let digest = hex::encode(h.finalize());
        total.update(table.as_bytes());
        total.update(digest.as_bytes());
        tables.push((table.to_string(), digest, rows.len() as i64));
    }
    Ok(StateHash {
        total: hex::encode(total.finalize()),
        tables,
    })
}
