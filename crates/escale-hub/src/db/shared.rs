//! The queries both backends run alike, written once: the SQL (one text per
//! query shape, with `$1…$n` placeholders, which PostgreSQL reads natively
//! and sqlx binds by number on SQLite too), the order of the binds, the
//! logic around them (redeeming a code) and the row → domain conversions.
//!
//! [`shared_queries!`] expands inside each backend's module, against its
//! concrete types, and calls what that module defines where the two differ:
//! `id(Uuid)` (how an id is bound: text in SQLite, a native uuid in
//! PostgreSQL), `uuid_at(&row, i)` and `opt_uuid_at(&row, i)` (how one is
//! read back), `SELECT_CODE` (PostgreSQL locks the code's row),
//! `CERTIFICATE_NUMBER` (how a certificate op's number is read from its
//! JSON body, as its index is made) and
//! `self.begin_write()` (SQLite takes its single-writer lock). Queries whose
//! SQL really differs (batched inserts, advisory locks, the vector's
//! advance, keyset pages) stay in `lite.rs` and `pg.rs`. Nothing here
//! decides what the hub does with the rows: that is `crate::push`,
//! `crate::routes` and `crate::admin`.

/// Generates, in a backend's module: the inherent methods of `$db` that run
/// the shared queries, and the free functions `vector`, `load_graph`,
/// `load_requests`, `all_in` (any executor of that backend, its pool or a transaction)
/// and the row conversions `org_row`, `device_row`, `wire_op`.
macro_rules! shared_queries {
    ($db:ty, $database:ty, $row:ty) => {
        const ORG_COLS: &str = "id, name, org_key, created_ms";
        const DEVICE_COLS: &str =
            "id, org_id, name, token_hash, enrolled_ms, revoked_ms, last_seen_ms";
        const OP_COLS: &str = "id, origin, seq, hlc, kind, subject, body";

        impl $db {
            pub async fn create_org(&self, o: &OrgRow) -> Result<()> {
                let (mut tx, _lock) = self.begin_write().await?;
                sqlx::query("INSERT INTO orgs (id, name, org_key, created_ms) VALUES ($1, $2, $3, $4)")
                    .bind(id(o.id))
                    .bind(&o.name)
                    .bind(&o.org_key)
                    .bind(o.created_ms)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            pub async fn org(&self, org: Uuid) -> Result<Option<OrgRow>> {
                let r = sqlx::query(&format!("SELECT {ORG_COLS} FROM orgs WHERE id = $1"))
                    .bind(id(org))
                    .fetch_optional(&self.pool)
                    .await?;
                r.map(|r| org_row(&r)).transpose()
            }

            pub async fn orgs(&self) -> Result<Vec<OrgRow>> {
                let rows = sqlx::query(&format!(
                    "SELECT {ORG_COLS} FROM orgs ORDER BY created_ms, id"
                ))
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
                let (mut tx, _lock) = self.begin_write().await?;
                sqlx::query("INSERT INTO enrol_codes (code_hash, org_id, created_ms, expires_ms) VALUES ($1, $2, $3, $4)")
                    .bind(code_hash)
                    .bind(id(org))
                    .bind(now)
                    .bind(expires_ms)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            /// Marks the code used and creates the device, in one
            /// transaction; a refusal writes nothing.
            ///
            /// The same device presenting the same code again while the
            /// code is valid — its first answer was lost on the way — is
            /// enrolled again: a fresh token replaces the one it never
            /// received (which stops working). Any other device presenting
            /// a used code is refused, and so is a revoked device.
            pub async fn redeem_code(
                &self,
                code_hash: &[u8],
                now: i64,
                dev: &NewDevice,
            ) -> Result<Redeemed> {
                let (mut tx, _lock) = self.begin_write().await?;
                let row = sqlx::query(SELECT_CODE)
                    .bind(code_hash)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some(row) = row else {
                    return Ok(Redeemed::Unknown);
                };
                let org_id = uuid_at(&row, 0)?;
                let expires: i64 = row.try_get(1)?;
                let used: Option<i64> = row.try_get(2)?;
                let used_by = opt_uuid_at(&row, 3)?;
                if used.is_some() {
                    // The same device again: its first answer was lost.
                    if used_by != Some(dev.id) || expires <= now {
                        return Ok(Redeemed::Used);
                    }
                    let reissued = sqlx::query(
                        "UPDATE devices SET token_hash = $3, name = $4 \
                         WHERE id = $1 AND org_id = $2 AND revoked_ms IS NULL",
                    )
                    .bind(id(dev.id))
                    .bind(id(org_id))
                    .bind(&dev.token_hash)
                    .bind(&dev.name)
                    .execute(&mut *tx)
                    .await?;
                    if reissued.rows_affected() != 1 {
                        return Ok(Redeemed::Used);
                    }
                } else {
                    if expires <= now {
                        return Ok(Redeemed::Expired);
                    }
                    let taken: Option<i32> = sqlx::query_scalar("SELECT 1 FROM devices WHERE id = $1")
                        .bind(id(dev.id))
                        .fetch_optional(&mut *tx)
                        .await?;
                    if taken.is_some() {
                        return Ok(Redeemed::DeviceExists);
                    }
                    sqlx::query("INSERT INTO devices (id, org_id, name, token_hash, enrolled_ms) VALUES ($1, $2, $3, $4, $5)")
                        .bind(id(dev.id))
                        .bind(id(org_id))
                        .bind(&dev.name)
                        .bind(&dev.token_hash)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("UPDATE enrol_codes SET used_ms = $2, device_id = $3 WHERE code_hash = $1")
                        .bind(code_hash)
                        .bind(now)
                        .bind(id(dev.id))
                        .execute(&mut *tx)
                        .await?;
                }
                let org = sqlx::query(&format!("SELECT {ORG_COLS} FROM orgs WHERE id = $1"))
                    .bind(id(org_id))
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

            pub async fn devices(&self, org: Uuid) -> Result<Vec<DeviceRow>> {
                let rows = sqlx::query(&format!(
                    "SELECT {DEVICE_COLS} FROM devices WHERE org_id = $1 ORDER BY enrolled_ms, id"
                ))
                .bind(id(org))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(device_row).collect()
            }

            pub async fn device(&self, device: Uuid) -> Result<Option<DeviceRow>> {
                let r = sqlx::query(&format!("SELECT {DEVICE_COLS} FROM devices WHERE id = $1"))
                    .bind(id(device))
                    .fetch_optional(&self.pool)
                    .await?;
                r.map(|r| device_row(&r)).transpose()
            }

            /// False when there is no such device; revoking twice keeps the
            /// first date.
            pub async fn revoke(&self, device: Uuid, now: i64) -> Result<bool> {
                let (mut tx, _lock) = self.begin_write().await?;
                let n = sqlx::query(
                    "UPDATE devices SET revoked_ms = COALESCE(revoked_ms, $2) WHERE id = $1",
                )
                .bind(id(device))
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                tx.commit().await?;
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
                    "SELECT {OP_COLS} FROM ops WHERE org_id = $1 AND origin = $2 AND seq > $3 AND seq <= $4 ORDER BY seq LIMIT $5"
                ))
                .bind(id(org))
                .bind(id(origin))
                .bind(after)
                .bind(upto)
                .bind(limit as i64)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(wire_op).collect()
            }

            pub async fn vector(&self, org: Uuid) -> Result<VersionVector> {
                vector(&self.pool, org).await
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
                Ok(sqlx::query_scalar("SELECT count(*) FROM ops WHERE org_id = $1")
                    .bind(id(org))
                    .fetch_one(&self.pool)
                    .await?)
            }

            /// The certificate ops naming `number` (issues and revocations),
            /// in every organisation: (org, kind, origin, hlc).
            pub async fn certificate_ops(&self, number: &str) -> Result<Vec<(Uuid, String, Uuid, i64)>> {
                let sql = format!(
                    "SELECT org_id, kind, origin, hlc FROM ops
                     WHERE kind IN ('certificate_issued', 'certificate_revoked') AND {} = $1",
                    CERTIFICATE_NUMBER
                );
                let rows = sqlx::query(&sql)
                .bind(number)
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| Ok((uuid_at(r, 0)?, r.try_get(1)?, uuid_at(r, 2)?, r.try_get(3)?)))
                    .collect()
            }

            /// The reason of a revocation op of `number`, if any.
            pub async fn revocation_reason(&self, number: &str) -> Result<Option<String>> {
                // The index's condition spelt out, so SQLite uses it too.
                let sql = format!(
                    "SELECT body FROM ops
                     WHERE kind IN ('certificate_issued', 'certificate_revoked') AND kind = 'certificate_revoked'
                       AND {} = $1
                     ORDER BY hlc DESC LIMIT 1",
                    CERTIFICATE_NUMBER
                );
                Ok(sqlx::query_scalar(&sql)
                .bind(number)
                .fetch_optional(&self.pool)
                .await?
                .flatten())
            }

            /// The bodies of the organisation's `set.org` ops, newest first
            /// (its settings, as the laptops fold them).
            pub async fn org_settings(&self, org: Uuid) -> Result<Vec<String>> {
                Ok(sqlx::query_scalar(
                    "SELECT body FROM ops WHERE org_id = $1 AND kind = 'set.org' AND body IS NOT NULL
                     ORDER BY hlc DESC, origin DESC",
                )
                .bind(id(org))
                .fetch_all(&self.pool)
                .await?)
            }

            /// Drops the bodies of the organisation's audit entries written
            /// before `hlc`; returns how many ops lost theirs.
            pub async fn purge_audit(&self, org: Uuid, hlc: i64) -> Result<u64> {
                let (mut tx, _lock) = self.begin_write().await?;
                let done = sqlx::query(
                    "UPDATE ops SET body = NULL, status = $3, reason = NULL
                     WHERE org_id = $1 AND kind = 'set.audit' AND hlc < $2 AND body IS NOT NULL",
                )
                .bind(id(org))
                .bind(hlc)
                .bind(REDACTED)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                tx.commit().await?;
                Ok(done)
            }

            pub async fn bodies_about(&self, org: Uuid, subject: Uuid) -> Result<Vec<String>> {
                Ok(sqlx::query_scalar(
                    "SELECT body FROM ops WHERE org_id = $1 AND subject = $2 AND body IS NOT NULL",
                )
                .bind(id(org))
                .bind(id(subject))
                .fetch_all(&self.pool)
                .await?)
            }
        }

        /// The organisation's version vector (origins with seq > 0).
        async fn vector<'e, E: sqlx::Executor<'e, Database = $database>>(
            ex: E,
            org: Uuid,
        ) -> Result<VersionVector> {
            let rows = sqlx::query("SELECT origin, seq FROM vectors WHERE org_id = $1 AND seq > 0")
                .bind(id(org))
                .fetch_all(ex)
                .await?;
            rows.iter()
                .map(|r| Ok((uuid_at(r, 0)?, r.try_get(1)?)))
                .collect()
        }

        /// The organisation's merge edges.
        async fn load_graph(
            c: &mut <$database as sqlx::Database>::Connection,
            org: Uuid,
        ) -> Result<Vec<MergeEdge>> {
            let rows = sqlx::query("SELECT loser, winner, hlc, origin FROM merge_edges WHERE org_id = $1")
                .bind(id(org))
                .fetch_all(&mut *c)
                .await?;
            rows.iter()
                .map(|r| {
                    Ok(MergeEdge {
                        loser: uuid_at(r, 0)?,
                        winner: uuid_at(r, 1)?,
                        stamp: Stamp {
                            hlc: Hlc(r.try_get(2)?),
                            origin: uuid_at(r, 3)?,
                        },
                    })
                })
                .collect::<Result<Vec<_>>>()
        }

        /// The organisation's erase (or anonymise) requests.
        async fn load_requests(
            c: &mut <$database as sqlx::Database>::Connection,
            org: Uuid,
            v: Verdict,
        ) -> Result<BTreeSet<Uuid>> {
            let sql = format!("SELECT visitor_id FROM {} WHERE org_id = $1", v.requests_table());
            let rows = sqlx::query(&sql).bind(id(org)).fetch_all(&mut *c).await?;
            rows.iter().map(|r| uuid_at(r, 0)).collect()
        }

        /// Every erased (or anonymised) person of the organisation.
        async fn all_in(
            c: &mut <$database as sqlx::Database>::Connection,
            org: Uuid,
            v: Verdict,
        ) -> Result<BTreeSet<Uuid>> {
            let sql = format!("SELECT visitor_id FROM {} WHERE org_id = $1", v.closure_table().0);
            let rows = sqlx::query(&sql).bind(id(org)).fetch_all(&mut *c).await?;
            rows.iter().map(|r| uuid_at(r, 0)).collect()
        }

        fn org_row(r: &$row) -> Result<OrgRow> {
            Ok(OrgRow {
                id: uuid_at(r, 0)?,
                name: r.try_get(1)?,
                org_key: r.try_get(2)?,
                created_ms: r.try_get(3)?,
            })
        }

        fn device_row(r: &$row) -> Result<DeviceRow> {
            Ok(DeviceRow {
                id: uuid_at(r, 0)?,
                org_id: uuid_at(r, 1)?,
                name: r.try_get(2)?,
                token_hash: r.try_get(3)?,
                enrolled_ms: r.try_get(4)?,
                revoked_ms: r.try_get(5)?,
                last_seen_ms: r.try_get(6)?,
            })
        }

        /// A row of `OP_COLS` as it goes on the wire.
        fn wire_op(r: &$row) -> Result<WireOp> {
            let body: Option<String> = r.try_get(6)?;
            Ok(WireOp {
                id: uuid_at(r, 0)?,
                origin: uuid_at(r, 1)?,
                seq: r.try_get(2)?,
                hlc: r.try_get(3)?,
                kind: r.try_get(4)?,
                subject: opt_uuid_at(r, 5)?,
                body: body
                    .map(|b| serde_json::from_str(&b))
                    .transpose()
                    .map_err(|e| HubError::Internal(format!("stored body is not JSON: {e}")))?,
            })
        }
    };
}

pub(super) use shared_queries;
