//! PostgreSQL backend: native UUIDs, batched inserts through `UNNEST`, and
//! advisory locks that serialise pushes per origin (and per organisation
//! when a push merges or erases people).

use super::shared::shared_queries;
use super::{
    Counts, DeviceRow, Edge, LoggedBody, NewDevice, NewOp, OpsTx, OrgRow, Redeemed, Verdict,
    REDACTED,
};
use crate::error::{HubError, Result};
use escale_protocol::fold::MergeEdge;
use escale_protocol::hlc::{Hlc, Stamp};
use escale_protocol::wire::{VersionVector, WireOp};
use sha2::{Digest, Sha256};
use sqlx::postgres::{PgPool, PgPoolOptions, PgRow};
use sqlx::{Postgres, Row, Transaction};
use std::collections::BTreeSet;
use std::time::Duration;
use uuid::Uuid;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The code's row, locked until the redemption commits: two laptops
/// presenting the same code at once cannot both enrol.
const SELECT_CODE: &str =
    "SELECT org_id, expires_ms, used_ms, device_id FROM enrol_codes WHERE code_hash = $1 FOR UPDATE";

/// A certificate op's number, as its index (`ops_certificate_number`) is made.
const CERTIFICATE_NUMBER: &str = "(body::jsonb ->> 'number')";

shared_queries!(PgDb, Postgres, PgRow);

#[derive(Debug, Clone)]
pub struct PgDb {
    pool: PgPool,
}

impl PgDb {
    pub async fn connect(url: &str) -> Result<PgDb> {
        let pool = PgPoolOptions::new()
            .max_connections(pool_size())
            .acquire_timeout(Duration::from_secs(15))
            .connect(url)
            .await
            .map_err(|e| HubError::Database(format!("cannot connect to PostgreSQL: {e}")))?;
        MIGRATOR.run(&pool).await?;
        Ok(PgDb { pool })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A transaction for one of the shared writes (PostgreSQL needs no lock
    /// of its own: rows and advisory locks serialise what must be).
    async fn begin_write(&self) -> Result<(Transaction<'static, Postgres>, ())> {
        Ok((self.pool.begin().await?, ()))
    }

    pub async fn touch(&self, device: Uuid, now: i64) -> Result<()> {
        sqlx::query("UPDATE devices SET last_seen_ms = $2 WHERE id = $1 AND (last_seen_ms IS NULL OR last_seen_ms < $2 - 60000)")
            .bind(device)
            .bind(now)
            .execute(&self.pool)
            .await?;
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
             WHERE o.org_id = $1 AND (o.origin, o.seq) > ($2, $3) AND o.seq <= v.seq \
             ORDER BY o.origin, o.seq LIMIT $4",
        )
        .bind(org)
        .bind(after.0)
        .bind(after.1)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(wire_op).collect()
    }

    pub async fn find_clone(&self, org: Uuid, ops: &[NewOp]) -> Result<Option<(Uuid, i64)>> {
        let (origins, seqs, ids): (Vec<Uuid>, Vec<i64>, Vec<Uuid>) = ops
            .iter()
            .map(|o| (o.origin, o.seq, o.id))
            .fold((vec![], vec![], vec![]), |mut acc, x| {
                acc.0.push(x.0);
                acc.1.push(x.1);
                acc.2.push(x.2);
                acc
            });
        let r = sqlx::query(
            "SELECT o.origin, o.seq FROM ops o \
             JOIN UNNEST($2::uuid[], $3::int8[], $4::uuid[]) AS b(origin, seq, id) \
               ON o.origin = b.origin AND o.seq = b.seq AND o.id <> b.id \
             WHERE o.org_id = $1 ORDER BY o.origin, o.seq LIMIT 1",
        )
        .bind(org)
        .bind(origins)
        .bind(seqs)
        .bind(ids)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match r {
            Some(r) => Some((r.try_get(0)?, r.try_get(1)?)),
            None => None,
        })
    }

    pub async fn begin(&self) -> Result<PgTx> {
        Ok(PgTx {
            tx: self.pool.begin().await?,
        })
    }
}

/// Connections to PostgreSQL (`ESCALE_HUB_PG_POOL` overrides).
fn pool_size() -> u32 {
    std::env::var("ESCALE_HUB_PG_POOL")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(16)
}

/// Ids are native uuids.
fn id(u: Uuid) -> Uuid {
    u
}

fn uuid_at(r: &PgRow, i: usize) -> Result<Uuid> {
    Ok(r.try_get(i)?)
}

fn opt_uuid_at(r: &PgRow, i: usize) -> Result<Option<Uuid>> {
    Ok(r.try_get(i)?)
}

/// A stable 64-bit advisory-lock key for (what, org, origin).
fn lock_key(tag: &[u8], org: Uuid, origin: Option<Uuid>) -> i64 {
    let mut h = Sha256::new();
    h.update(tag);
    h.update(org.as_bytes());
    if let Some(o) = origin {
        h.update(o.as_bytes());
    }
    let d = h.finalize();
    i64::from_be_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]])
}

pub struct PgTx {
    tx: Transaction<'static, Postgres>,
}

impl OpsTx for PgTx {
    async fn lock(&mut self, org: Uuid, origins: &BTreeSet<Uuid>, graph: bool) -> Result<()> {
        // One round trip, in array order (a function scan feeding an
        // aggregate): the organisation's lock first (shared, or exclusive
        // when the batch changes the erasure graph), then the origins' in
        // sorted order, so two pushes never wait on each other in a cycle.
        let mut keys = vec![lock_key(b"org", org, None)];
        keys.extend(
            origins
                .iter()
                .map(|o| lock_key(b"origin", org, Some(*o)))
                .collect::<BTreeSet<i64>>(),
        );
        sqlx::query(
            "SELECT count(CASE WHEN l.n = 1 AND NOT $2 THEN pg_advisory_xact_lock_shared(l.k) \
                               ELSE pg_advisory_xact_lock(l.k) END) \
             FROM UNNEST($1::int8[]) WITH ORDINALITY AS l(k, n)",
        )
        .bind(keys)
        .bind(graph)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn add_graph(
        &mut self,
        org: Uuid,
        edges: &[Edge],
        requests: &[(Verdict, Uuid)],
    ) -> Result<()> {
        if !edges.is_empty() {
            sqlx::query(
                "INSERT INTO merge_edges (org_id, op_id, loser, winner, hlc, origin) \
                 SELECT $1, * FROM UNNEST($2::uuid[], $3::uuid[], $4::uuid[], $5::int8[], $6::uuid[]) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(org)
            .bind(edges.iter().map(|e| e.op_id).collect::<Vec<_>>())
            .bind(edges.iter().map(|e| e.loser).collect::<Vec<_>>())
            .bind(edges.iter().map(|e| e.winner).collect::<Vec<_>>())
            .bind(edges.iter().map(|e| e.hlc).collect::<Vec<_>>())
            .bind(edges.iter().map(|e| e.origin).collect::<Vec<_>>())
            .execute(&mut *self.tx)
            .await?;
        }
        for v in Verdict::ALL {
            let ids: Vec<Uuid> = requests
                .iter()
                .filter(|(w, _)| *w == v)
                .map(|(_, id)| *id)
                .collect();
            if ids.is_empty() {
                continue;
            }
            let sql = format!(
                "INSERT INTO {} (org_id, visitor_id) SELECT $1, UNNEST($2::uuid[]) ON CONFLICT DO NOTHING",
                v.requests_table()
            );
            sqlx::query(&sql)
                .bind(org)
                .bind(ids)
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
        if ids.is_empty() {
            return Ok(BTreeSet::new());
        }
        let sql = format!(
            "SELECT visitor_id FROM {} WHERE org_id = $1 AND visitor_id = ANY($2)",
            v.closure_table().0
        );
        let rows: Vec<Uuid> = sqlx::query_scalar(&sql)
            .bind(org)
            .bind(ids)
            .fetch_all(&mut *self.tx)
            .await?;
        Ok(rows.into_iter().collect())
    }

    async fn all_in(&mut self, org: Uuid, v: Verdict) -> Result<BTreeSet<Uuid>> {
        all_in(&mut self.tx, org, v).await
    }

    async fn mark(&mut self, org: Uuid, v: Verdict, ids: &[Uuid], now: i64) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let (table, at) = v.closure_table();
        let sql = format!(
            "INSERT INTO {table} (org_id, visitor_id, {at}) SELECT $1, UNNEST($2::uuid[]), $3 ON CONFLICT DO NOTHING"
        );
        sqlx::query(&sql)
            .bind(org)
            .bind(ids)
            .bind(now)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    async fn bodies_about(&mut self, org: Uuid, ids: &[Uuid]) -> Result<Vec<LoggedBody>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let rows = sqlx::query(
            "SELECT id, kind, subject, body, status FROM ops \
             WHERE org_id = $1 AND subject = ANY($2) AND body IS NOT NULL \
               AND kind NOT IN ('erase', 'anonymise')",
        )
        .bind(org)
        .bind(ids)
        .fetch_all(&mut *self.tx)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(LoggedBody {
                    id: r.try_get(0)?,
                    kind: r.try_get(1)?,
                    subject: r.try_get(2)?,
                    body: r.try_get(3)?,
                    status: r.try_get(4)?,
                })
            })
            .collect()
    }

    async fn set_bodies(&mut self, org: Uuid, bodies: &[LoggedBody]) -> Result<()> {
        if bodies.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "UPDATE ops SET body = b.body, status = b.status, \
                 reason = CASE WHEN b.status = 2 THEN ops.reason END \
             FROM UNNEST($2::uuid[], $3::text[], $4::int2[]) AS b(id, body, status) \
             WHERE ops.org_id = $1 AND ops.id = b.id",
        )
        .bind(org)
        .bind(bodies.iter().map(|b| b.id).collect::<Vec<_>>())
        .bind(bodies.iter().map(|b| b.body.as_deref()).collect::<Vec<_>>())
        .bind(bodies.iter().map(|b| b.status).collect::<Vec<_>>())
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn insert_ops(&mut self, org: Uuid, ops: &[NewOp], now: i64) -> Result<BTreeSet<Uuid>> {
        let res: std::result::Result<Vec<Uuid>, sqlx::Error> = sqlx::query_scalar(
            "INSERT INTO ops (org_id, id, origin, seq, hlc, kind, subject, body, status, reason, received_ms) \
             SELECT $1, b.*, $11 FROM UNNEST($2::uuid[], $3::uuid[], $4::int8[], $5::int8[], $6::text[], \
                                            $7::uuid[], $8::text[], $9::int2[], $10::text[]) AS b \
             ON CONFLICT (org_id, id) DO NOTHING RETURNING id",
        )
        .bind(org)
        .bind(ops.iter().map(|o| o.id).collect::<Vec<_>>())
        .bind(ops.iter().map(|o| o.origin).collect::<Vec<_>>())
        .bind(ops.iter().map(|o| o.seq).collect::<Vec<_>>())
        .bind(ops.iter().map(|o| o.hlc).collect::<Vec<_>>())
        .bind(ops.iter().map(|o| o.kind.as_str()).collect::<Vec<_>>())
        .bind(ops.iter().map(|o| o.subject).collect::<Vec<_>>())
        .bind(ops.iter().map(|o| o.body.as_deref()).collect::<Vec<_>>())
        .bind(ops.iter().map(|o| o.status).collect::<Vec<_>>())
        .bind(ops.iter().map(|o| o.reason.as_deref()).collect::<Vec<_>>())
        .bind(now)
        .fetch_all(&mut *self.tx)
        .await;
        match res {
            Ok(ids) => Ok(ids.into_iter().collect()),
            Err(sqlx::Error::Database(db)) if db.constraint() == Some("ops_origin_seq") => {
                // The caller finds which one, outside this (now aborted) transaction.
                Err(HubError::CloneDetected {
                    origin: Uuid::nil(),
                    seq: 0,
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn places(&mut self, org: Uuid, ids: &[Uuid]) -> Result<Vec<(Uuid, Uuid, i64)>> {
        Ok(
            sqlx::query_as("SELECT id, origin, seq FROM ops WHERE org_id = $1 AND id = ANY($2)")
                .bind(org)
                .bind(ids)
                .fetch_all(&mut *self.tx)
                .await?,
        )
    }

    async fn redact_subjects(&mut self, org: Uuid, ids: &[Uuid]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "UPDATE ops SET body = NULL, status = $3, reason = NULL \
             WHERE org_id = $1 AND subject = ANY($2) AND kind <> 'erase' AND (body IS NOT NULL OR status <> $3)",
        )
        .bind(org)
        .bind(ids)
        .bind(REDACTED)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn advance_vectors(
        &mut self,
        org: Uuid,
        origins: &BTreeSet<Uuid>,
    ) -> Result<VersionVector> {
        // For each origin, the run of seqs above its current vector that has
        // no hole is the one where seq - row_number() stays equal to the
        // current vector. One statement moves them all and reads back the
        // organisation's vector (the upserted rows through RETURNING, the
        // others as they were).
        let origins: Vec<Uuid> = origins.iter().copied().collect();
        let rows: Vec<(Uuid, i64)> = sqlx::query_as(
            "WITH cur AS (SELECT u.origin, COALESCE(v.seq, 0) AS s FROM UNNEST($2::uuid[]) AS u(origin) \
                          LEFT JOIN vectors v ON v.org_id = $1 AND v.origin = u.origin), \
                  adv AS (INSERT INTO vectors (org_id, origin, seq) \
                          SELECT $1, cur.origin, COALESCE((SELECT MAX(r.seq) FROM \
                                   (SELECT o.seq, o.seq - ROW_NUMBER() OVER (ORDER BY o.seq) AS g FROM ops o \
                                    WHERE o.org_id = $1 AND o.origin = cur.origin AND o.seq > cur.s) r \
                                 WHERE r.g = cur.s), cur.s) FROM cur \
                          ON CONFLICT (org_id, origin) DO UPDATE SET seq = GREATEST(vectors.seq, EXCLUDED.seq) \
                          RETURNING origin, seq) \
             SELECT origin, seq FROM adv WHERE seq > 0 \
             UNION ALL \
             SELECT origin, seq FROM vectors WHERE org_id = $1 AND seq > 0 AND origin <> ALL($2::uuid[])",
        )
        .bind(org)
        .bind(origins)
        .fetch_all(&mut *self.tx)
        .await?;
        Ok(rows.into_iter().collect())
    }

    async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }
}
