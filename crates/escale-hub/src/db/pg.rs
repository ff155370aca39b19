//! PostgreSQL backend: native UUIDs, batched inserts through `UNNEST`, and
//! advisory locks that serialise pushes per origin (and per organisation
//! when a push merges or erases people).

use super::{Counts, DeviceRow, Edge, NewDevice, NewOp, OpsTx, OrgRow, Redeemed, REDACTED};
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

const COLS: &str = "id, origin, seq, hlc, kind, subject, body";

#[derive(Debug, Clone)]
pub struct PgDb {
    pool: PgPool,
}

impl PgDb {
    pub async fn connect(url: &str) -> Result<PgDb> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
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

    pub async fn create_org(&self, o: &OrgRow) -> Result<()> {
        sqlx::query("INSERT INTO orgs (id, name, org_key, created_ms) VALUES ($1, $2, $3, $4)")
            .bind(o.id)
            .bind(&o.name)
            .bind(&o.org_key)
            .bind(o.created_ms)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn org(&self, id: Uuid) -> Result<Option<OrgRow>> {
        let r = sqlx::query("SELECT id, name, org_key, created_ms FROM orgs WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        r.map(|r| org_row(&r)).transpose()
    }

    pub async fn orgs(&self) -> Result<Vec<OrgRow>> {
        let rows =
            sqlx::query("SELECT id, name, org_key, created_ms FROM orgs ORDER BY created_ms, id")
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(org_row).collect()
    }

    pub async fn create_code(
        &self,
        org: Uuid,
        code_hash: &[u8],
        now: i64,
        expires_ms: i64,
    ) -> Result<()> {
        sqlx::query("INSERT INTO enrol_codes (code_hash, org_id, created_ms, expires_ms) VALUES ($1, $2, $3, $4)")
            .bind(code_hash)
            .bind(org)
            .bind(now)
            .bind(expires_ms)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn redeem_code(
        &self,
        code_hash: &[u8],
        now: i64,
        dev: &NewDevice,
    ) -> Result<Redeemed> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "SELECT org_id, expires_ms, used_ms FROM enrol_codes WHERE code_hash = $1 FOR UPDATE",
        )
        .bind(code_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(Redeemed::Unknown);
        };
        let org_id: Uuid = row.try_get(0)?;
        let expires: i64 = row.try_get(1)?;
        let used: Option<i64> = row.try_get(2)?;
        if used.is_some() {
            return Ok(Redeemed::Used);
        }
        if expires <= now {
            return Ok(Redeemed::Expired);
        }
        let taken: Option<i32> = sqlx::query_scalar("SELECT 1 FROM devices WHERE id = $1")
            .bind(dev.id)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Ok(Redeemed::DeviceExists);
        }
        sqlx::query("INSERT INTO devices (id, org_id, name, token_hash, enrolled_ms) VALUES ($1, $2, $3, $4, $5)")
            .bind(dev.id)
            .bind(org_id)
            .bind(&dev.name)
            .bind(&dev.token_hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE enrol_codes SET used_ms = $2, device_id = $3 WHERE code_hash = $1")
            .bind(code_hash)
            .bind(now)
            .bind(dev.id)
            .execute(&mut *tx)
            .await?;
        let org = sqlx::query("SELECT id, name, org_key, created_ms FROM orgs WHERE id = $1")
            .bind(org_id)
            .fetch_one(&mut *tx)
            .await?;
        let org = org_row(&org)?;
        tx.commit().await?;
        Ok(Redeemed::Enrolled(org))
    }

    pub async fn device_by_token(&self, token_hash: &[u8]) -> Result<Option<DeviceRow>> {
        let r = sqlx::query(&format!(
            "SELECT {DEVICE_COLS} FROM devices WHERE token_hash = $1"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        r.map(|r| device_row(&r)).transpose()
    }

    pub async fn touch(&self, device: Uuid, now: i64) -> Result<()> {
        sqlx::query("UPDATE devices SET last_seen_ms = $2 WHERE id = $1 AND (last_seen_ms IS NULL OR last_seen_ms < $2 - 60000)")
            .bind(device)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn devices(&self, org: Uuid) -> Result<Vec<DeviceRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {DEVICE_COLS} FROM devices WHERE org_id = $1 ORDER BY enrolled_ms, id"
        ))
        .bind(org)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(device_row).collect()
    }

    pub async fn device(&self, id: Uuid) -> Result<Option<DeviceRow>> {
        let r = sqlx::query(&format!("SELECT {DEVICE_COLS} FROM devices WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        r.map(|r| device_row(&r)).transpose()
    }

    pub async fn revoke(&self, device: Uuid, now: i64) -> Result<bool> {
        let n =
            sqlx::query("UPDATE devices SET revoked_ms = COALESCE(revoked_ms, $2) WHERE id = $1")
                .bind(device)
                .bind(now)
                .execute(&self.pool)
                .await?
                .rows_affected();
        Ok(n > 0)
    }

    pub async fn ops_range(
        &self,
        org: Uuid,
        origin: Uuid,
        after: i64,
        upto: i64,
        limit: usize,
    ) -> Result<Vec<WireOp>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLS} FROM ops WHERE org_id = $1 AND origin = $2 AND seq > $3 AND seq <= $4 ORDER BY seq LIMIT $5"
        ))
        .bind(org)
        .bind(origin)
        .bind(after)
        .bind(upto)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(wire_op).collect()
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

    pub async fn vector(&self, org: Uuid) -> Result<VersionVector> {
        vector(&self.pool, org).await
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

    pub async fn counts(&self) -> Result<Counts> {
        let r = sqlx::query("SELECT (SELECT count(*) FROM orgs), (SELECT count(*) FROM devices WHERE revoked_ms IS NULL)")
            .fetch_one(&self.pool)
            .await?;
        Ok(Counts {
            orgs: r.try_get(0)?,
            devices: r.try_get(1)?,
            ops: 0,
        })
    }

    pub async fn op_count(&self, org: Uuid) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT count(*) FROM ops WHERE org_id = $1")
                .bind(org)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    pub async fn bodies_about(&self, org: Uuid, subject: Uuid) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT body FROM ops WHERE org_id = $1 AND subject = $2 AND body IS NOT NULL",
        )
        .bind(org)
        .bind(subject)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn begin(&self) -> Result<PgTx> {
        Ok(PgTx {
            tx: self.pool.begin().await?,
        })
    }
}

const DEVICE_COLS: &str = "id, org_id, name, token_hash, enrolled_ms, revoked_ms, last_seen_ms";

fn org_row(r: &PgRow) -> Result<OrgRow> {
    Ok(OrgRow {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        org_key: r.try_get(2)?,
        created_ms: r.try_get(3)?,
    })
}

fn device_row(r: &PgRow) -> Result<DeviceRow> {
    Ok(DeviceRow {
        id: r.try_get(0)?,
        org_id: r.try_get(1)?,
        name: r.try_get(2)?,
        token_hash: r.try_get(3)?,
        enrolled_ms: r.try_get(4)?,
        revoked_ms: r.try_get(5)?,
        last_seen_ms: r.try_get(6)?,
    })
}

fn wire_op(r: &PgRow) -> Result<WireOp> {
    let body: Option<String> = r.try_get(6)?;
    Ok(WireOp {
        id: r.try_get(0)?,
        origin: r.try_get(1)?,
        seq: r.try_get(2)?,
        hlc: r.try_get(3)?,
        kind: r.try_get(4)?,
        subject: r.try_get(5)?,
        body: body
            .map(|b| serde_json::from_str(&b))
            .transpose()
            .map_err(|e| HubError::Internal(format!("stored body is not JSON: {e}")))?,
    })
}

async fn vector<'e, E: sqlx::PgExecutor<'e>>(ex: E, org: Uuid) -> Result<VersionVector> {
    let rows: Vec<(Uuid, i64)> =
        sqlx::query_as("SELECT origin, seq FROM vectors WHERE org_id = $1 AND seq > 0")
            .bind(org)
            .fetch_all(ex)
            .await?;
    Ok(rows.into_iter().collect())
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
        let org_key = lock_key(b"org", org, None);
        let sql = if graph {
            "SELECT pg_advisory_xact_lock($1)"
        } else {
            "SELECT pg_advisory_xact_lock_shared($1)"
        };
        sqlx::query(sql)
            .bind(org_key)
            .execute(&mut *self.tx)
            .await?;
        // Sorted keys: two pushes never wait on each other in a cycle.
        let keys: BTreeSet<i64> = origins
            .iter()
            .map(|o| lock_key(b"origin", org, Some(*o)))
            .collect();
        for k in keys {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(k)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    async fn add_graph(
        &mut self,
        org: Uuid,
        edges: &[Edge],
        erase_requests: &[Uuid],
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
        if !erase_requests.is_empty() {
            sqlx::query("INSERT INTO erase_requests (org_id, visitor_id) SELECT $1, UNNEST($2::uuid[]) ON CONFLICT DO NOTHING")
                .bind(org)
                .bind(erase_requests)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    async fn load_graph(&mut self, org: Uuid) -> Result<(Vec<MergeEdge>, BTreeSet<Uuid>)> {
        let rows: Vec<(Uuid, Uuid, i64, Uuid)> =
            sqlx::query_as("SELECT loser, winner, hlc, origin FROM merge_edges WHERE org_id = $1")
                .bind(org)
                .fetch_all(&mut *self.tx)
                .await?;
        let edges = rows
            .into_iter()
            .map(|(loser, winner, hlc, origin)| MergeEdge {
                loser,
                winner,
                stamp: Stamp {
                    hlc: Hlc(hlc),
                    origin,
                },
            })
            .collect();
        let requests: Vec<Uuid> =
            sqlx::query_scalar("SELECT visitor_id FROM erase_requests WHERE org_id = $1")
                .bind(org)
                .fetch_all(&mut *self.tx)
                .await?;
        Ok((edges, requests.into_iter().collect()))
    }

    async fn erased_among(&mut self, org: Uuid, ids: &[Uuid]) -> Result<BTreeSet<Uuid>> {
        if ids.is_empty() {
            return Ok(BTreeSet::new());
        }
        let rows: Vec<Uuid> = sqlx::query_scalar(
            "SELECT visitor_id FROM erased WHERE org_id = $1 AND visitor_id = ANY($2)",
        )
        .bind(org)
        .bind(ids)
        .fetch_all(&mut *self.tx)
        .await?;
        Ok(rows.into_iter().collect())
    }

    async fn all_erased(&mut self, org: Uuid) -> Result<BTreeSet<Uuid>> {
        let rows: Vec<Uuid> = sqlx::query_scalar("SELECT visitor_id FROM erased WHERE org_id = $1")
            .bind(org)
            .fetch_all(&mut *self.tx)
            .await?;
        Ok(rows.into_iter().collect())
    }

    async fn mark_erased(&mut self, org: Uuid, ids: &[Uuid], now: i64) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        sqlx::query("INSERT INTO erased (org_id, visitor_id, erased_ms) SELECT $1, UNNEST($2::uuid[]), $3 ON CONFLICT DO NOTHING")
            .bind(org)
            .bind(ids)
            .bind(now)
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

    async fn advance_vector(&mut self, org: Uuid, origin: Uuid) -> Result<()> {
        // The run of seqs above the current vector that has no hole is the
        // one where seq - row_number() stays equal to the current vector.
        sqlx::query(
            "WITH cur AS (SELECT COALESCE((SELECT seq FROM vectors WHERE org_id = $1 AND origin = $2), 0) AS s), \
                  run AS (SELECT o.seq, o.seq - ROW_NUMBER() OVER (ORDER BY o.seq) AS g FROM ops o \
                          WHERE o.org_id = $1 AND o.origin = $2 AND o.seq > (SELECT s FROM cur)) \
             INSERT INTO vectors (org_id, origin, seq) \
             SELECT $1, $2, COALESCE((SELECT MAX(run.seq) FROM run WHERE run.g = (SELECT s FROM cur)), (SELECT s FROM cur)) \
             ON CONFLICT (org_id, origin) DO UPDATE SET seq = GREATEST(vectors.seq, EXCLUDED.seq)",
        )
        .bind(org)
        .bind(origin)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn vector(&mut self, org: Uuid) -> Result<VersionVector> {
        vector(&mut *self.tx, org).await
    }

    async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }
}
