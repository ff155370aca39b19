//! SQLite backend: one file in WAL mode with `synchronous = FULL`, for an
//! office that has nothing to install. Writes are serialised by an
//! in-process lock (SQLite has one writer anyway) and each write transaction
//! takes the file's write lock with its first statement.

use super::shared::shared_queries;
use super::{
    Counts, DeviceRow, Edge, LoggedBody, NewDevice, NewOp, OpsTx, OrgRow, Redeemed, Verdict,
    REDACTED,
};
use crate::error::{HubError, Result};
use escale_protocol::fold::MergeEdge;
use escale_protocol::hlc::{Hlc, Stamp};
use escale_protocol::wire::{VersionVector, WireOp};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Row, Sqlite, SqliteConnection, Transaction};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};
use uuid::Uuid;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// Rows per multi-row INSERT (11 parameters each, well under SQLite's limit).
const CHUNK: usize = 200;

/// The code's row; SQLite's single writer lock (taken by `begin_write`)
/// already keeps two redemptions apart.
const SELECT_CODE: &str =
    "SELECT org_id, expires_ms, used_ms, device_id FROM enrol_codes WHERE code_hash = $1";

/// A certificate op's number, as its index (`ops_certificate_number`) is made.
const CERTIFICATE_NUMBER: &str = "json_extract(body, '$.number')";

shared_queries!(LiteDb, Sqlite, SqliteRow);

#[derive(Debug, Clone)]
pub struct LiteDb {
    pool: SqlitePool,
    write: Arc<Mutex<()>>,
}

impl LiteDb {
    pub async fn open(path: &Path) -> Result<LiteDb> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| HubError::Database(format!("cannot create {}: {e}", dir.display())))?;
        }
        let co = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // The bodies an erasure or an anonymisation rewrites are zeroed
            // in the file, not left in its free pages.
            .pragma("secure_delete", "ON");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(co)
            .await
            .map_err(|e| HubError::Database(format!("cannot open {}: {e}", path.display())))?;
        MIGRATOR.run(&pool).await?;
        Ok(LiteDb {
            pool,
            write: Arc::new(Mutex::new(())),
        })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A write transaction holding both the in-process and the file lock.
    async fn begin_write(&self) -> Result<(Transaction<'static, Sqlite>, OwnedMutexGuard<()>)> {
        let guard = self.write.clone().lock_owned().await;
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO hub_meta (key, value) VALUES ('writes', 1) ON CONFLICT (key) DO UPDATE SET value = value + 1")
            .execute(&mut *tx)
            .await?;
        Ok((tx, guard))
    }

    pub async fn touch(&self, device: Uuid, now: i64) -> Result<()> {
        // Cheap read first: most requests come within the minute.
        let last: Option<Option<i64>> =
            sqlx::query_scalar("SELECT last_seen_ms FROM devices WHERE id = ?")
                .bind(device.to_string())
                .fetch_optional(&self.pool)
                .await?;
        if matches!(last, Some(Some(l)) if l >= now - 60_000) || last.is_none() {
            return Ok(());
        }
        let (mut tx, _g) = self.begin_write().await?;
        sqlx::query("UPDATE devices SET last_seen_ms = ? WHERE id = ?")
            .bind(now)
            .bind(device.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn ops_after(
        &self,
        org: Uuid,
        after: (Uuid, i64),
        limit: usize,
    ) -> Result<Vec<WireOp>> {
        let rows = sqlx::query(
            "SELECT o.id, o.origin, o.seq, o.hlc, o.kind, o.subject, o.body FROM ops o \
             JOIN vectors v ON v.org_id = o.org_id AND v.origin = o.origin \
             WHERE o.org_id = ?1 AND (o.origin > ?2 OR (o.origin = ?2 AND o.seq > ?3)) AND o.seq <= v.seq \
             ORDER BY o.origin, o.seq LIMIT ?4",
        )
        .bind(org.to_string())
        .bind(after.0.to_string())
        .bind(after.1)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(wire_op).collect()
    }

    pub async fn find_clone(&self, org: Uuid, ops: &[NewOp]) -> Result<Option<(Uuid, i64)>> {
        for op in ops {
            let other: Option<String> = sqlx::query_scalar(
                "SELECT id FROM ops WHERE org_id = ? AND origin = ? AND seq = ? AND id <> ?",
            )
            .bind(org.to_string())
            .bind(op.origin.to_string())
            .bind(op.seq)
            .bind(op.id.to_string())
            .fetch_optional(&self.pool)
            .await?;
            if other.is_some() {
                return Ok(Some((op.origin, op.seq)));
            }
        }
        Ok(None)
    }

    pub async fn begin(&self) -> Result<LiteTx> {
        let (tx, guard) = self.begin_write().await?;
        Ok(LiteTx { tx, _guard: guard })
    }
}

/// Ids are stored as text.
fn id(u: Uuid) -> String {
    u.to_string()
}

fn uuid_at(r: &SqliteRow, i: usize) -> Result<Uuid> {
    let s: String = r.try_get(i)?;
    parse(&s)
}

fn opt_uuid_at(r: &SqliteRow, i: usize) -> Result<Option<Uuid>> {
    let s: Option<String> = r.try_get(i)?;
    s.as_deref().map(parse).transpose()
}

fn parse(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s)
        .map_err(|e| HubError::Internal(format!("bad id {s:?} in the hub database: {e}")))
}

async fn ids_query(
    c: &mut SqliteConnection,
    sql_head: &str,
    org: Uuid,
    ids: &[Uuid],
) -> Result<BTreeSet<Uuid>> {
    let mut out = BTreeSet::new();
    for chunk in ids.chunks(CHUNK * 4) {
        let sql = format!("{sql_head} ({})", vec!["?"; chunk.len()].join(", "));
        let mut q = sqlx::query_scalar::<_, String>(&sql).bind(org.to_string());
        for id in chunk {
            q = q.bind(id.to_string());
        }
        for s in q.fetch_all(&mut *c).await? {
            out.insert(parse(&s)?);
        }
    }
    Ok(out)
}

pub struct LiteTx {
    tx: Transaction<'static, Sqlite>,
    _guard: OwnedMutexGuard<()>,
}

impl OpsTx for LiteTx {
    async fn lock(&mut self, _org: Uuid, _origins: &BTreeSet<Uuid>, _graph: bool) -> Result<()> {
        // Already exclusive: `begin` holds the single writer lock.
        Ok(())
    }

    async fn add_graph(
        &mut self,
        org: Uuid,
        edges: &[Edge],
        requests: &[(Verdict, Uuid)],
    ) -> Result<()> {
        for e in edges {
            sqlx::query(
                "INSERT OR IGNORE INTO merge_edges (org_id, op_id, loser, winner, hlc, origin) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(org.to_string())
            .bind(e.op_id.to_string())
            .bind(e.loser.to_string())
            .bind(e.winner.to_string())
            .bind(e.hlc)
            .bind(e.origin.to_string())
            .execute(&mut *self.tx)
            .await?;
        }
        for (v, visitor) in requests {
            let sql = format!(
                "INSERT OR IGNORE INTO {} (org_id, visitor_id) VALUES (?, ?)",
                v.requests_table()
            );
            sqlx::query(&sql)
                .bind(org.to_string())
                .bind(visitor.to_string())
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    async fn load_graph(&mut self, org: Uuid) -> Result<Vec<MergeEdge>> {
        load_graph(&mut self.tx, org).await
    }

    async fn requests(&mut self, org: Uuid, v: Verdict) -> Result<BTreeSet<Uuid>> {
        load_requests(&mut self.tx, org, v).await
    }

    async fn among(&mut self, org: Uuid, v: Verdict, ids: &[Uuid]) -> Result<BTreeSet<Uuid>> {
        let head = format!(
            "SELECT visitor_id FROM {} WHERE org_id = ? AND visitor_id IN",
            v.closure_table().0
        );
        ids_query(&mut self.tx, &head, org, ids).await
    }

    async fn all_in(&mut self, org: Uuid, v: Verdict) -> Result<BTreeSet<Uuid>> {
        all_in(&mut self.tx, org, v).await
    }

    async fn mark(&mut self, org: Uuid, v: Verdict, ids: &[Uuid], now: i64) -> Result<()> {
        let (table, at) = v.closure_table();
        let sql =
            format!("INSERT OR IGNORE INTO {table} (org_id, visitor_id, {at}) VALUES (?, ?, ?)");
        for id in ids {
            sqlx::query(&sql)
                .bind(org.to_string())
                .bind(id.to_string())
                .bind(now)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    async fn bodies_about(&mut self, org: Uuid, ids: &[Uuid]) -> Result<Vec<LoggedBody>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(CHUNK * 4) {
            let sql = format!(
                "SELECT id, kind, subject, body, status FROM ops
                 WHERE org_id = ? AND body IS NOT NULL AND kind NOT IN ('erase', 'anonymise')
                   AND subject IN ({})",
                vec!["?"; chunk.len()].join(", ")
            );
            let mut q = sqlx::query(&sql).bind(org.to_string());
            for id in chunk {
                q = q.bind(id.to_string());
            }
            for r in q.fetch_all(&mut *self.tx).await? {
                out.push(LoggedBody {
                    id: uuid_at(&r, 0)?,
                    kind: r.try_get(1)?,
                    subject: opt_uuid_at(&r, 2)?,
                    body: r.try_get(3)?,
                    status: r.try_get(4)?,
                });
            }
        }
        Ok(out)
    }

    async fn set_bodies(&mut self, org: Uuid, bodies: &[LoggedBody]) -> Result<()> {
        for b in bodies {
            sqlx::query(
                "UPDATE ops SET body = ?, status = ?, reason = CASE WHEN ? = 2 THEN reason END
                 WHERE org_id = ? AND id = ?",
            )
            .bind(&b.body)
            .bind(b.status)
            .bind(b.status)
            .bind(org.to_string())
            .bind(b.id.to_string())
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(())
    }

    async fn insert_ops(&mut self, org: Uuid, ops: &[NewOp], now: i64) -> Result<BTreeSet<Uuid>> {
        let mut inserted = BTreeSet::new();
        let org_s = org.to_string();
        for chunk in ops.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO ops (org_id, id, origin, seq, hlc, kind, subject, body, status, reason, received_ms) VALUES {} \
                 ON CONFLICT (org_id, id) DO NOTHING RETURNING id",
                vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ")
            );
            let mut q = sqlx::query_scalar::<_, String>(&sql);
            for o in chunk {
                q = q
                    .bind(&org_s)
                    .bind(o.id.to_string())
                    .bind(o.origin.to_string())
                    .bind(o.seq)
                    .bind(o.hlc)
                    .bind(&o.kind)
                    .bind(o.subject.map(|s| s.to_string()))
                    .bind(&o.body)
                    .bind(o.status)
                    .bind(&o.reason)
                    .bind(now);
            }
            match q.fetch_all(&mut *self.tx).await {
                Ok(ids) => {
                    for s in ids {
                        inserted.insert(parse(&s)?);
                    }
                }
                Err(sqlx::Error::Database(db))
                    if db.message().contains("ops.origin") && db.message().contains("ops.seq") =>
                {
                    return Err(HubError::CloneDetected {
                        origin: Uuid::nil(),
                        seq: 0,
                    });
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(inserted)
    }

    async fn places(&mut self, org: Uuid, ids: &[Uuid]) -> Result<Vec<(Uuid, Uuid, i64)>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(CHUNK * 4) {
            let sql = format!(
                "SELECT id, origin, seq FROM ops WHERE org_id = ? AND id IN ({})",
                vec!["?"; chunk.len()].join(", ")
            );
            let mut q = sqlx::query_as::<_, (String, String, i64)>(&sql).bind(org.to_string());
            for id in chunk {
                q = q.bind(id.to_string());
            }
            for (id, origin, seq) in q.fetch_all(&mut *self.tx).await? {
                out.push((parse(&id)?, parse(&origin)?, seq));
            }
        }
        Ok(out)
    }

    async fn redact_subjects(&mut self, org: Uuid, ids: &[Uuid]) -> Result<()> {
        for chunk in ids.chunks(CHUNK * 4) {
            let sql = format!(
                "UPDATE ops SET body = NULL, status = ?, reason = NULL WHERE org_id = ? AND kind <> 'erase' AND subject IN ({})",
                vec!["?"; chunk.len()].join(", ")
            );
            let mut q = sqlx::query(&sql).bind(REDACTED).bind(org.to_string());
            for id in chunk {
                q = q.bind(id.to_string());
            }
            q.execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    async fn advance_vectors(
        &mut self,
        org: Uuid,
        origins: &BTreeSet<Uuid>,
    ) -> Result<VersionVector> {
        for origin in origins {
            self.advance_vector(org, *origin).await?;
        }
        vector(&mut *self.tx, org).await
    }

    async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

impl LiteTx {
    /// One origin (SQLite answers in-process: a statement per origin costs
    /// no network round trip).
    async fn advance_vector(&mut self, org: Uuid, origin: Uuid) -> Result<()> {
        sqlx::query(
            "WITH cur AS (SELECT COALESCE((SELECT seq FROM vectors WHERE org_id = ?1 AND origin = ?2), 0) AS s), \
                  run AS (SELECT o.seq AS seq, o.seq - ROW_NUMBER() OVER (ORDER BY o.seq) AS g FROM ops o \
                          WHERE o.org_id = ?1 AND o.origin = ?2 AND o.seq > (SELECT s FROM cur)) \
             INSERT INTO vectors (org_id, origin, seq) \
             SELECT ?1, ?2, COALESCE((SELECT MAX(run.seq) FROM run WHERE run.g = (SELECT s FROM cur)), (SELECT s FROM cur)) WHERE true \
             ON CONFLICT (org_id, origin) DO UPDATE SET seq = MAX(vectors.seq, excluded.seq)",
        )
        .bind(org.to_string())
        .bind(origin.to_string())
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The public verification page's look-ups use the number's index, not
    /// a scan of every op (the expression and the index's condition must
    /// match the migration's word for word).
    #[tokio::test]
    async fn certificate_look_ups_use_the_number_index() {
        let dir = tempfile::tempdir().unwrap();
        let db = LiteDb::open(&dir.path().join("hub.db")).await.unwrap();
        for sql in [
            format!(
                "SELECT org_id FROM ops WHERE kind IN ('certificate_issued', 'certificate_revoked') AND {} = 'A'",
                CERTIFICATE_NUMBER
            ),
            format!(
                "SELECT body FROM ops WHERE kind IN ('certificate_issued', 'certificate_revoked') AND kind = 'certificate_revoked' AND {} = 'A' ORDER BY hlc DESC LIMIT 1",
                CERTIFICATE_NUMBER
            ),
        ] {
            let plan: Vec<(i64, i64, i64, String)> =
                sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
                    .fetch_all(db.pool())
                    .await
                    .unwrap();
            assert!(
                plan.iter()
                    .any(|(.., detail)| detail.contains("USING INDEX ops_certificate_number")),
                "{sql}: {plan:?}"
            );
        }
    }
}
