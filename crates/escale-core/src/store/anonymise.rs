//! Anonymisation in the SQLite store: what [`crate::fold::State`] does to
//! the records a batch loaded, done to every row about the people newly
//! anonymised, and to their ops in the log.
//!
//! In the state, each field [`escale_protocol::fields::anonymised_value`]
//! strips takes its anonymous value and keeps its stamp (a late write is
//! anonymised on arrival and lands the same by last-writer-wins); a
//! check-in loses the code scanned. In the log, every op about them is
//! rewritten as [`crate::op::OpBody::anonymised`] makes it — the same bytes
//! on every node, whichever arrived first — and an op about them that no
//! node can read (quarantined) loses its body, as erasure does. The old
//! bytes then sit in free pages and the WAL: `secure_delete` is on for
//! every connection and the caller checkpoints (see `Escale::anonymise_due`).

use super::codec::{decode_body, encode_body};
use super::records::{load_records, placeholders, write_records};
use crate::error::Result;
use crate::model::Entity;
use crate::op::OpBody;
use escale_protocol::fields::anonymised_value;
use sqlx::{Row, SqliteConnection};
use uuid::Uuid;

/// Ids per statement.
const CHUNK: usize = 4_000;

/// The record kinds anonymisation changes: those with a field it strips,
/// found by the person's id (the visitor) or their `visitor_id`.
fn entities() -> impl Iterator<Item = Entity> {
    Entity::ALL.into_iter().filter(|e| {
        (*e == Entity::Visitor || e.field("visitor_id").is_some())
            && e.fields()
                .iter()
                .any(|f| anonymised_value(*e, f.name).is_some())
    })
}

/// Anonymises every record, fact and logged op about `ids` (newly
/// anonymised, not erased), and notes them as anonymised at `rev`.
pub(super) async fn rows(conn: &mut SqliteConnection, ids: &[Uuid], rev: i64) -> Result<()> {
    for chunk in ids.chunks(CHUNK) {
        let ph = placeholders(chunk.len());
        for entity in entities() {
            let table = entity.table();
            let sql = if entity == Entity::Visitor {
                format!("SELECT id FROM {table} WHERE id IN ({ph})")
            } else {
                format!("SELECT id FROM {table} WHERE visitor_id IN ({ph})")
            };
            let mut q = sqlx::query_scalar::<_, Uuid>(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            let found = q.fetch_all(&mut *conn).await?;
            if found.is_empty() {
                continue;
            }
            let mut recs = load_records(conn, entity, &found).await?;
            let mut changed = vec![];
            for (id, rec) in recs.iter_mut() {
                let mut differs = false;
                for (name, (value, _)) in rec.fields.iter_mut() {
                    if let Some(v) = anonymised_value(entity, name) {
                        if *value != v {
                            *value = v;
                            differs = true;
                        }
                    }
                }
                if differs {
                    changed.push(*id);
                }
            }
            let write: Vec<(Uuid, &crate::fold::Record)> = recs
                .iter()
                .filter(|(id, _)| changed.contains(id))
                .map(|(id, r)| (*id, r))
                .collect();
            write_records(conn, entity, &write, rev).await?;
        }
        let sql = format!(
            "UPDATE checkin SET code = NULL WHERE visitor_id IN ({ph}) AND code IS NOT NULL"
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        q.execute(&mut *conn).await?;

        // The log: every op about them but the verdicts (erase, anonymise).
        let sql = format!(
            "SELECT origin, seq, kind, subject, body, status FROM op
             WHERE subject IN ({ph}) AND body IS NOT NULL AND kind NOT IN ('erase', 'anonymise')"
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        let found = q.fetch_all(&mut *conn).await?;
        rewrite(conn, &found).await?;
        for id in chunk {
            sqlx::query("INSERT OR IGNORE INTO anonymised (visitor_id, rev) VALUES (?, ?)")
                .bind(*id)
                .bind(rev)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// Rewrites, anonymised, the logged ops at these places (ops of a batch
/// about people anonymised before it arrived).
pub(super) async fn logged(conn: &mut SqliteConnection, places: &[(Uuid, i64)]) -> Result<()> {
    let mut found = vec![];
    for (origin, seq) in places {
        found.extend(
            sqlx::query(
                "SELECT origin, seq, kind, subject, body, status FROM op
                 WHERE origin = ? AND seq = ? AND body IS NOT NULL",
            )
            .bind(*origin)
            .bind(*seq)
            .fetch_all(&mut *conn)
            .await?,
        );
    }
    rewrite(conn, &found).await
}

/// Log rows (origin, seq, kind, subject, body, status) → anonymised in
/// place: the new bodies land through a temporary table in one `UPDATE …
/// FROM` per few thousand ops, not one statement per op (a statement is a
/// round trip to sqlx's worker thread).
async fn rewrite(conn: &mut SqliteConnection, found: &[sqlx::sqlite::SqliteRow]) -> Result<()> {
    let mut bodies: Vec<(Uuid, i64, Vec<u8>)> = vec![];
    let mut unreadable: Vec<(Uuid, i64)> = vec![];
    for r in found {
        let origin: Uuid = r.try_get("origin")?;
        let seq: i64 = r.try_get("seq")?;
        let status: i64 = r.try_get("status")?;
        let body: Vec<u8> = r.try_get("body")?;
        let kind: String = r.try_get("kind")?;
        let subject: Option<Uuid> = r.try_get("subject")?;
        let text = decode_body(&body)?;
        let anonymous = match status {
            2 => None,
            _ => OpBody::anonymised_text(&kind, subject, &text),
        };
        match anonymous {
            Some(json) if json == text => {}
            Some(json) => bodies.push((origin, seq, encode_body(&json))),
            // Unreadable here (quarantined): it may hold anything about
            // them, so it goes as an erasure's would.
            None => unreadable.push((origin, seq)),
        }
    }
    if !bodies.is_empty() {
        sqlx::query(
            "CREATE TEMP TABLE IF NOT EXISTS anonymous_body (
                 origin BLOB NOT NULL, seq INTEGER NOT NULL, body BLOB NOT NULL,
                 PRIMARY KEY (origin, seq)) WITHOUT ROWID",
        )
        .execute(&mut *conn)
        .await?;
        for chunk in bodies.chunks(CHUNK / 2) {
            let sql = format!(
                "INSERT INTO temp.anonymous_body (origin, seq, body) VALUES {}",
                vec!["(?, ?, ?)"; chunk.len()].join(", ")
            );
            let mut q = sqlx::query(&sql);
            for (origin, seq, body) in chunk {
                q = q.bind(*origin).bind(*seq).bind(body.as_slice());
            }
            q.execute(&mut *conn).await?;
        }
        sqlx::query(
            "UPDATE op SET body = t.body FROM temp.anonymous_body t
             WHERE op.origin = t.origin AND op.seq = t.seq",
        )
        .execute(&mut *conn)
        .await?;
        sqlx::query("DELETE FROM temp.anonymous_body")
            .execute(&mut *conn)
            .await?;
    }
    for (origin, seq) in unreadable {
        sqlx::query(
            "DELETE FROM quarantine WHERE op_id = (SELECT id FROM op WHERE origin = ? AND seq = ?)",
        )
        .bind(origin)
        .bind(seq)
        .execute(&mut *conn)
        .await?;
        sqlx::query("UPDATE op SET body = NULL, status = 1 WHERE origin = ? AND seq = ?")
            .bind(origin)
            .bind(seq)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
