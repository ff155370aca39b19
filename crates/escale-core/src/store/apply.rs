//! Applying a batch of ops to the SQLite state, inside the caller's transaction.
//!
//! 1. drop ops already in the log (idempotence: a replayed batch changes nothing);
//! 2. load the part of the state the batch touches into a [`State`];
//! 3. run the pure fold ([`State::apply`]) on it;
//! 4. insert the ops (redacted if discarded, quarantined if invalid);
//! 5. write back what changed, purge newly erased people, redo aliases;
//! 6. advance the version vector to the highest contiguous seq per origin.
//!
//! Everything happens in the caller's transaction: ops and their effects (and
//! the vector) commit together or not at all.

use super::codec::{encode_body, stamp_from_blob, stamp_to_blob};
use super::records::{load_records, placeholders, write_records};
use crate::error::{Error, Result};
use crate::fold::{roots, Changes, ConsentFact, MergeEdge, Outcome, State, Vocabulary};
use crate::model::Entity;
use crate::op::{Op, OpBody};
use sqlx::SqliteConnection;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// Bound parameters per statement (SQLite allows 32,766): a pull page of
/// 5,000 ops is written in a handful of statements, since each statement is
/// a round trip to sqlx's worker thread.
const VARS: usize = 8_000;
/// Ids per `IN (...)` list.
const CHUNK: usize = VARS;

/// Whether sqlx should keep a chunked statement prepared (it caches 100 per
/// connection): full chunks and small ones recur, a big odd-sized last chunk
/// would only fill the cache with a large program.
pub(super) fn keep_prepared(len: usize, full: usize) -> bool {
    len == full || len <= 32
}

/// What a batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchReport {
    pub applied: usize,
    pub duplicates: usize,
    pub discarded: usize,
    pub quarantined: usize,
    pub erased: Vec<Uuid>,
}

impl BatchReport {
    pub fn absorb(&mut self, o: BatchReport) {
        self.applied += o.applied;
        self.duplicates += o.duplicates;
        self.discarded += o.discarded;
        self.quarantined += o.quarantined;
        self.erased.extend(o.erased);
    }
}

/// Where a batch comes from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Source {
    /// Ops this device just made ([`super::WriteTx::append`]): new ids at
    /// new seqs, so nothing to look up — were one of them in the log, its
    /// insert would fail on (origin, seq) and say so.
    Fresh,
    /// Ops made elsewhere (sync, bundles, a rebuild): some may be known.
    Elsewhere,
}

pub async fn apply_batch(
    conn: &mut SqliteConnection,
    ops: &[Op],
    rev: i64,
    vocabulary: &Vocabulary,
    source: Source,
) -> Result<BatchReport> {
    let mut report = BatchReport::default();
    let new_ops: Vec<&Op> = match source {
        Source::Fresh => ops.iter().collect(),
        Source::Elsewhere => {
            // 1. idempotence: an op already in the log is a duplicate — but
            // only if it is the same op at that place in its device's sequence.
            let known = known_places(conn, ops).await?;
            for op in ops {
                if let Some(id) = known.get(&(op.origin, op.seq)) {
                    if *id != op.id {
                        return Err(Error::CloneDetected {
                            origin: op.origin,
                            seq: op.seq,
                        });
                    }
                }
            }
            let mut seen = BTreeSet::new();
            ops.iter()
                .filter(|o| {
                    !known.contains_key(&(o.origin, o.seq)) && seen.insert((o.origin, o.seq))
                })
                .collect()
        }
    };
    report.duplicates = ops.len() - new_ops.len();
    if new_ops.is_empty() {
        return Ok(report);
    }
    fold_and_write(
        conn,
        &new_ops,
        rev,
        vocabulary,
        Log::Insert(source),
        &mut report,
    )
    .await?;
    Ok(report)
}

/// Whether [`fold_and_write`] adds the ops to the log (new ops) or they are
/// in it already (folded again after an upgrade).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Log {
    Insert(Source),
    Present,
}

/// Steps 2 to 6 of [`apply_batch`] for ops not yet folded.
async fn fold_and_write(
    conn: &mut SqliteConnection,
    new_ops: &[&Op],
    rev: i64,
    vocabulary: &Vocabulary,
    log: Log,
    report: &mut BatchReport,
) -> Result<()> {
    // 2. load context
    let mut state = State {
        vocabulary: vocabulary.clone(),
        ..State::default()
    };
    let mut record_ids: BTreeMap<Entity, BTreeSet<Uuid>> = BTreeMap::new();
    let mut subjects = BTreeSet::new();
    let mut checkin_ids = Vec::new();
    let mut asset_ids = BTreeSet::new();
    let mut needs_graph = false;
    for op in new_ops {
        if let Some(s) = op.body.subject() {
            subjects.insert(s);
        }
        if let Some((entity, id)) = op.body.record_key() {
            record_ids.entry(entity).or_default().insert(id);
        }
        match &op.body {
            OpBody::CheckIn { .. } => checkin_ids.push(op.id),
            OpBody::AssetChunk { asset_id, .. } => {
                asset_ids.insert(*asset_id);
            }
            OpBody::Merge { .. } | OpBody::Erase { .. } | OpBody::Anonymise { .. } => {
                needs_graph = true
            }
            _ => {}
        }
    }
    for (entity, ids) in &record_ids {
        let ids: Vec<Uuid> = ids.iter().copied().collect();
        for (id, rec) in load_records(conn, *entity, &ids).await? {
            state.records.insert((*entity, id), rec);
        }
    }
    for asset in &asset_ids {
        let rows =
            sqlx::query("SELECT idx, op_id, count, mime, data FROM asset_chunk WHERE asset_id = ?")
                .bind(*asset)
                .fetch_all(&mut *conn)
                .await?;
        for r in rows {
            use sqlx::Row;
            state.asset_chunks.insert(
                (*asset, r.try_get::<i64, _>("idx")? as u32),
                crate::fold::AssetChunkFact {
                    op_id: r.try_get("op_id")?,
                    count: r.try_get::<i64, _>("count")? as u32,
                    mime: r.try_get("mime")?,
                    data: r.try_get("data")?,
                },
            );
        }
    }
    // A void made before its check-in arrived: only ops from elsewhere.
    if log == Log::Insert(Source::Fresh) {
        checkin_ids.clear();
    }
    if needs_graph {
        state.merges = load_merges(conn).await?;
        state.erase_requests = all_ids(conn, "SELECT visitor_id FROM erase_request").await?;
        state.erased = all_ids(conn, "SELECT visitor_id FROM erased").await?;
        state.anonymise_requests =
            all_ids(conn, "SELECT visitor_id FROM anonymise_request").await?;
        state.anonymised = all_ids(conn, "SELECT visitor_id FROM anonymised").await?;
        state.voids = existing_ids(conn, "checkin_void", "checkin_id", &checkin_ids).await?;
    } else {
        let subjects: Vec<Uuid> = subjects.into_iter().collect();
        (state.erased, state.anonymised, state.voids) =
            erased_and_voided(conn, &subjects, &checkin_ids).await?;
    }
    // Ops about people anonymised before this batch: logged anonymised.
    let late: Vec<(Uuid, i64)> = new_ops
        .iter()
        .filter(|o| !o.body.is_verdict())
        .filter(|o| {
            o.body
                .subject()
                .is_some_and(|s| state.anonymised.contains(&s))
        })
        .map(|o| (o.origin, o.seq))
        .collect();
    let old_roots = if needs_graph {
        roots(state.merges.values(), &state.erased)
    } else {
        BTreeMap::new()
    };

    // 3. fold
    let mut ch = Changes::default();
    let mut outcomes = Vec::with_capacity(new_ops.len());
    for op in new_ops {
        let o = state.apply(op, &mut ch);
        match &o {
            Outcome::Applied => report.applied += 1,
            Outcome::Discarded => report.discarded += 1,
            Outcome::Invalid(_) => report.quarantined += 1,
        }
        outcomes.push(o);
    }

    // 4. the log, and what this version could not apply of each op
    if let Log::Insert(_) = log {
        insert_ops(conn, new_ops, &outcomes).await?;
    }
    set_pending(conn, new_ops, &outcomes, vocabulary, log).await?;

    // 5. write back
    let mut touched_visitors: BTreeSet<Uuid> = BTreeSet::new();
    let mut by_entity: BTreeMap<Entity, Vec<(Uuid, &crate::fold::Record)>> = BTreeMap::new();
    for key in &ch.records {
        if let Some(rec) = state.records.get(key) {
            by_entity.entry(key.0).or_default().push((key.1, rec));
            // Visitor rows written here get the new `rev` with the row itself;
            // only visitors touched through a registration need a bump.
            if key.0 == Entity::Registration {
                if let Some(v) = rec.uuid("visitor_id") {
                    touched_visitors.insert(v);
                }
            }
        }
    }
    for (entity, recs) in &by_entity {
        write_records(conn, *entity, recs, rev).await?;
    }
    insert_checkins(conn, &state, &ch.checkins).await?;
    for chunk in ch.voids.chunks(CHUNK) {
        let sql = format!(
            "INSERT OR IGNORE INTO checkin_void (checkin_id) VALUES {}",
            vec!["(?)"; chunk.len()].join(", ")
        );
        bind_ids(sqlx::query(&sql), chunk)
            .execute(&mut *conn)
            .await?;
        let sql = format!(
            "UPDATE checkin SET voided = 1 WHERE id IN ({})",
            placeholders(chunk.len())
        );
        bind_ids(sqlx::query(&sql), chunk)
            .execute(&mut *conn)
            .await?;
    }
    insert_consents(conn, &state, &ch.consents).await?;
    for id in &ch.merges {
        if let Some(e) = state.merges.get(id) {
            sqlx::query("INSERT OR IGNORE INTO merge_edge (op_id, loser, winner, stamp) VALUES (?, ?, ?, ?)")
                .bind(*id)
                .bind(e.loser)
                .bind(e.winner)
                .bind(stamp_to_blob(&e.stamp).to_vec())
                .execute(&mut *conn)
                .await?;
        }
    }
    for key in &ch.asset_chunks {
        if let Some(c) = state.asset_chunks.get(key) {
            sqlx::query(
                "INSERT OR REPLACE INTO asset_chunk (asset_id, idx, op_id, count, mime, data)
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(key.0)
            .bind(i64::from(key.1))
            .bind(c.op_id)
            .bind(i64::from(c.count))
            .bind(&c.mime)
            .bind(&c.data)
            .execute(&mut *conn)
            .await?;
        }
    }
    for (a, b) in &ch.not_duplicates {
        sqlx::query("INSERT OR IGNORE INTO duplicate_dismissal (a, b) VALUES (?, ?)")
            .bind(*a)
            .bind(*b)
            .execute(&mut *conn)
            .await?;
    }
    for id in &ch.erase_requests {
        sqlx::query("INSERT OR IGNORE INTO erase_request (visitor_id) VALUES (?)")
            .bind(*id)
            .execute(&mut *conn)
            .await?;
    }
    purge(conn, &ch.newly_erased, rev).await?;
    report.erased = ch.newly_erased.clone();
    // Requests still standing (an erasure in the same batch withdrew its
    // person's).
    for id in ch
        .anonymise_requests
        .iter()
        .filter(|id| state.anonymise_requests.contains(id))
    {
        sqlx::query("INSERT OR IGNORE INTO anonymise_request (visitor_id) VALUES (?)")
            .bind(*id)
            .execute(&mut *conn)
            .await?;
    }
    let newly_anonymised: Vec<Uuid> = ch
        .newly_anonymised
        .iter()
        .filter(|id| !state.erased.contains(id))
        .copied()
        .collect();
    super::anonymise::rows(conn, &newly_anonymised, rev).await?;
    super::anonymise::logged(conn, &late).await?;
    touched_visitors.extend(newly_anonymised.iter().copied());
    if ch.touches_aliases() {
        let new_roots = roots(state.merges.values(), &state.erased);
        let changed = rewrite_aliases(conn, &old_roots, &new_roots).await?;
        touched_visitors.extend(changed);
    }
    for v in &ch.newly_erased {
        touched_visitors.remove(v);
    }
    if let Some(written) = by_entity.get(&Entity::Visitor) {
        for (id, _) in written {
            touched_visitors.remove(id);
        }
    }
    bump_rev(conn, &touched_visitors, rev).await?;

    // 6. version vector
    match log {
        // This device's own ops are contiguous by construction: the vector
        // is the last seq written.
        Log::Insert(Source::Fresh) => {
            if let Some(last) = new_ops.last() {
                sqlx::query(
                    "INSERT INTO version_vector (origin, seq) VALUES (?, ?)
                     ON CONFLICT(origin) DO UPDATE SET seq = excluded.seq",
                )
                .bind(last.origin)
                .bind(last.seq)
                .execute(&mut *conn)
                .await?;
            }
        }
        Log::Insert(Source::Elsewhere) => {
            let mut seqs: BTreeMap<Uuid, BTreeSet<i64>> = BTreeMap::new();
            for op in new_ops {
                seqs.entry(op.origin).or_default().insert(op.seq);
            }
            for (origin, seqs) in &seqs {
                advance_vector(conn, *origin, seqs).await?;
            }
        }
        Log::Present => {}
    }
    Ok(())
}

/// Records, per applied op, the fields this version could not apply (a
/// newer version's): they are folded again after an upgrade. New ops have
/// nothing to forget; ops folded again forget what they now resolve.
async fn set_pending(
    conn: &mut SqliteConnection,
    ops: &[&Op],
    outcomes: &[Outcome],
    vocabulary: &Vocabulary,
    log: Log,
) -> Result<()> {
    let mut resolved = vec![];
    for (op, outcome) in ops.iter().zip(outcomes) {
        let unknown = vocabulary.unknown_fields(&op.body);
        if *outcome != Outcome::Applied || unknown.is_empty() {
            if log == Log::Present {
                resolved.push(op.id);
            }
            continue;
        }
        sqlx::query("INSERT OR REPLACE INTO op_pending (op_id, fields) VALUES (?, ?)")
            .bind(op.id)
            .bind(unknown.join(","))
            .execute(&mut *conn)
            .await?;
    }
    for chunk in resolved.chunks(CHUNK) {
        let sql = format!(
            "DELETE FROM op_pending WHERE op_id IN ({})",
            placeholders(chunk.len())
        );
        bind_ids(sqlx::query(&sql), chunk)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// After an upgrade: folds again the ops whose fields were set aside
/// (`op_pending`) and the quarantined ops that this version can now read.
/// What they resolve leaves `op_pending` and `quarantine` (both are part of
/// the canonical hash: two laptops of the same version must agree).
pub(super) async fn refold_set_aside(
    conn: &mut SqliteConnection,
    rev: i64,
    vocabulary: &Vocabulary,
) -> Result<BatchReport> {
    let sql = "SELECT id, origin, seq, hlc, kind, subject, body FROM op
               WHERE id IN (SELECT op_id FROM op_pending UNION SELECT op_id FROM quarantine)
               ORDER BY origin, seq";
    let rows = sqlx::query(sql).fetch_all(&mut *conn).await?;
    let mut ops = Vec::with_capacity(rows.len());
    for r in &rows {
        ops.push(super::op_from_row(r)?);
    }
    // What this version still cannot apply stays quarantined, with the
    // reason this version gives (as a store that folded it now would).
    let mut readable: Vec<&Op> = vec![];
    for op in &ops {
        let still = match &op.body {
            OpBody::Undecodable { reason, .. } => Some(reason.clone()),
            body => crate::fold::validate_with(body, vocabulary).err(),
        };
        match still {
            None => readable.push(op),
            Some(reason) => {
                sqlx::query("UPDATE quarantine SET reason = ? WHERE op_id = ?")
                    .bind(reason)
                    .bind(op.id)
                    .execute(&mut *conn)
                    .await?;
            }
        }
    }
    let mut report = BatchReport::default();
    if readable.is_empty() {
        return Ok(report);
    }
    let ids: Vec<Uuid> = readable.iter().map(|o| o.id).collect();
    for chunk in ids.chunks(CHUNK) {
        let ph = placeholders(chunk.len());
        for sql in [
            format!("DELETE FROM quarantine WHERE op_id IN ({ph})"),
            format!("UPDATE op SET status = 0 WHERE id IN ({ph}) AND status = 2"),
        ] {
            bind_ids(sqlx::query(&sql), chunk)
                .execute(&mut *conn)
                .await?;
        }
    }
    fold_and_write(conn, &readable, rev, vocabulary, Log::Present, &mut report).await?;
    Ok(report)
}

fn bind_ids<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    ids: &[Uuid],
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
    for id in ids {
        q = q.bind(*id);
    }
    q.persistent(keep_prepared(ids.len(), CHUNK))
}

async fn existing_ids(
    conn: &mut SqliteConnection,
    table: &str,
    col: &str,
    ids: &[Uuid],
) -> Result<BTreeSet<Uuid>> {
    let mut out = BTreeSet::new();
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT {col} FROM {table} WHERE {col} IN ({})",
            placeholders(chunk.len())
        );
        let rows: Vec<Uuid> = bind_ids_scalar(sqlx::query_scalar(&sql), chunk)
            .fetch_all(&mut *conn)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

/// Which of `people` are erased, which anonymised and which of `checkins`
/// are voided, in one statement (the usual case: a batch without merges,
/// erasures or anonymisations).
async fn erased_and_voided(
    conn: &mut SqliteConnection,
    people: &[Uuid],
    checkins: &[Uuid],
) -> Result<(BTreeSet<Uuid>, BTreeSet<Uuid>, BTreeSet<Uuid>)> {
    if 2 * people.len() + checkins.len() > CHUNK {
        return Ok((
            existing_ids(conn, "erased", "visitor_id", people).await?,
            existing_ids(conn, "anonymised", "visitor_id", people).await?,
            existing_ids(conn, "checkin_void", "checkin_id", checkins).await?,
        ));
    }
    let mut sets: [BTreeSet<Uuid>; 3] = Default::default();
    if people.is_empty() && checkins.is_empty() {
        let [erased, anonymised, voided] = sets;
        return Ok((erased, anonymised, voided));
    }
    let sql = format!(
        "SELECT 0, visitor_id FROM erased WHERE visitor_id IN ({p})
         UNION ALL SELECT 1, visitor_id FROM anonymised WHERE visitor_id IN ({p})
         UNION ALL SELECT 2, checkin_id FROM checkin_void WHERE checkin_id IN ({})",
        placeholders(checkins.len()),
        p = placeholders(people.len()),
    );
    let mut q = sqlx::query_as::<_, (i64, Uuid)>(&sql);
    for id in people.iter().chain(people).chain(checkins) {
        q = q.bind(*id);
    }
    for (which, id) in q.fetch_all(&mut *conn).await? {
        sets[which as usize].insert(id);
    }
    let [erased, anonymised, voided] = sets;
    Ok((erased, anonymised, voided))
}

/// The ids of the log's ops at the batch's (origin, seq) places: one
/// range read per origin of the batch (pulled pages are runs of seqs).
async fn known_places(
    conn: &mut SqliteConnection,
    ops: &[Op],
) -> Result<BTreeMap<(Uuid, i64), Uuid>> {
    let mut ranges: BTreeMap<Uuid, (i64, i64)> = BTreeMap::new();
    for op in ops {
        let r = ranges.entry(op.origin).or_insert((op.seq, op.seq));
        r.0 = r.0.min(op.seq);
        r.1 = r.1.max(op.seq);
    }
    let mut out = BTreeMap::new();
    for (origin, (lo, hi)) in ranges {
        let rows: Vec<(i64, Uuid)> =
            sqlx::query_as("SELECT seq, id FROM op WHERE origin = ? AND seq BETWEEN ? AND ?")
                .bind(origin)
                .bind(lo)
                .bind(hi)
                .fetch_all(&mut *conn)
                .await?;
        out.extend(rows.into_iter().map(|(seq, id)| ((origin, seq), id)));
    }
    Ok(out)
}

fn bind_ids_scalar<'q>(
    mut q: sqlx::query::QueryScalar<'q, sqlx::Sqlite, Uuid, sqlx::sqlite::SqliteArguments<'q>>,
    ids: &[Uuid],
) -> sqlx::query::QueryScalar<'q, sqlx::Sqlite, Uuid, sqlx::sqlite::SqliteArguments<'q>> {
    for id in ids {
        q = q.bind(*id);
    }
    q.persistent(keep_prepared(ids.len(), CHUNK))
}

async fn all_ids(conn: &mut SqliteConnection, sql: &str) -> Result<BTreeSet<Uuid>> {
    let rows: Vec<Uuid> = sqlx::query_scalar(sql).fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().collect())
}

pub(crate) async fn load_merges(conn: &mut SqliteConnection) -> Result<BTreeMap<Uuid, MergeEdge>> {
    let rows: Vec<(Uuid, Uuid, Uuid, Vec<u8>)> =
        sqlx::query_as("SELECT op_id, loser, winner, stamp FROM merge_edge")
            .fetch_all(&mut *conn)
            .await?;
    let mut out = BTreeMap::new();
    for (op_id, loser, winner, stamp) in rows {
        out.insert(
            op_id,
            MergeEdge {
                loser,
                winner,
                stamp: stamp_from_blob(&stamp)?,
            },
        );
    }
    Ok(out)
}

async fn insert_ops(conn: &mut SqliteConnection, ops: &[&Op], outcomes: &[Outcome]) -> Result<()> {
    let pairs: Vec<(&&Op, &Outcome)> = ops.iter().zip(outcomes).collect();
    for chunk in pairs.chunks(VARS / 8) {
        let sql = format!(
            "INSERT INTO op (origin, seq, id, hlc, kind, subject, body, status) VALUES {}",
            vec!["(?, ?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ")
        );
        let mut q = sqlx::query(&sql).persistent(keep_prepared(chunk.len(), VARS / 8));
        for (op, outcome) in chunk {
            let (body, status) = match outcome {
                Outcome::Applied => (op.body_json(), 0_i64),
                Outcome::Discarded => (None, 1),
                Outcome::Invalid(_) => (op.body_json(), 2),
            };
            q = q
                .bind(op.origin)
                .bind(op.seq)
                .bind(op.id)
                .bind(op.hlc.0)
                .bind(op.body.kind())
                .bind(op.body.subject())
                .bind(body.as_deref().map(encode_body))
                .bind(status);
        }
        if let Err(e) = q.execute(&mut *conn).await {
            return Err(clone_or(e, chunk.iter().map(|(o, _)| **o)));
        }
        let quarantined: Vec<(Uuid, &str)> = chunk
            .iter()
            .filter_map(|(op, o)| match o {
                Outcome::Invalid(reason) => Some((op.id, reason.as_str())),
                _ => None,
            })
            .collect();
        if !quarantined.is_empty() {
            let sql = format!(
                "INSERT OR REPLACE INTO quarantine (op_id, reason) VALUES {}",
                vec!["(?, ?)"; quarantined.len()].join(", ")
            );
            let mut q = sqlx::query(&sql).persistent(false);
            for (id, reason) in quarantined {
                q = q.bind(id).bind(reason);
            }
            q.execute(&mut *conn).await?;
        }
    }
    Ok(())
}

/// A UNIQUE(origin, seq) violation means two different ops claim the same
/// place in a device's sequence: a cloned device.
fn clone_or<'a>(e: sqlx::Error, ops: impl Iterator<Item = &'a Op>) -> Error {
    if let sqlx::Error::Database(db) = &e {
        // The primary key (origin, seq) of the log.
        if db.message().contains("op.origin") && db.message().contains("op.seq") {
            let first = ops.into_iter().next();
            return Error::CloneDetected {
                origin: first.map(|o| o.origin).unwrap_or_default(),
                seq: first.map(|o| o.seq).unwrap_or_default(),
            };
        }
    }
    e.into()
}

async fn insert_checkins(conn: &mut SqliteConnection, state: &State, ids: &[Uuid]) -> Result<()> {
    let facts: Vec<_> = ids
        .iter()
        .filter_map(|id| state.checkins.get(id).map(|c| (id, c)))
        .collect();
    for chunk in facts.chunks(VARS / 10) {
        let sql = format!(
            "INSERT OR IGNORE INTO checkin (id, event_id, session_id, visitor_id, direction, at_ms, origin, method, code, voided) VALUES {}",
            vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ")
        );
        let mut q = sqlx::query(&sql).persistent(keep_prepared(chunk.len(), VARS / 10));
        for (id, c) in chunk {
            q = q
                .bind(**id)
                .bind(c.event_id)
                .bind(c.session_id)
                .bind(c.visitor_id)
                .bind(c.direction.as_str())
                .bind(c.at_ms)
                .bind(c.origin)
                .bind(c.method.as_str())
                .bind(c.code.clone())
                .bind(i64::from(c.voided));
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

async fn insert_consents(conn: &mut SqliteConnection, state: &State, ids: &[Uuid]) -> Result<()> {
    let facts: Vec<(&Uuid, &ConsentFact)> = ids
        .iter()
        .filter_map(|id| state.consents.get(id).map(|c| (id, c)))
        .collect();
    for chunk in facts.chunks(VARS / 7) {
        let sql = format!(
            "INSERT OR IGNORE INTO consent (id, visitor_id, purpose, granted, wording_version, at_ms, stamp) VALUES {}",
            vec!["(?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ")
        );
        let mut q = sqlx::query(&sql).persistent(keep_prepared(chunk.len(), VARS / 7));
        for (id, c) in chunk {
            q = q
                .bind(**id)
                .bind(c.visitor_id)
                .bind(c.purpose.clone())
                .bind(i64::from(c.granted))
                .bind(c.wording_version.clone())
                .bind(c.at_ms)
                .bind(stamp_to_blob(&c.stamp).to_vec());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Deletes everything about newly erased people and redacts their ops.
async fn purge(conn: &mut SqliteConnection, ids: &[Uuid], rev: i64) -> Result<()> {
    for chunk in ids.chunks(CHUNK) {
        let ph = placeholders(chunk.len());
        for sql in [
            format!("DELETE FROM visitor WHERE id IN ({ph})"),
            format!("DELETE FROM registration WHERE visitor_id IN ({ph})"),
            format!("DELETE FROM certificate WHERE visitor_id IN ({ph})"),
            format!("DELETE FROM checkin WHERE visitor_id IN ({ph})"),
            format!("DELETE FROM consent WHERE visitor_id IN ({ph})"),
            format!("DELETE FROM anonymise_request WHERE visitor_id IN ({ph})"),
            format!("DELETE FROM anonymised WHERE visitor_id IN ({ph})"),
            format!("DELETE FROM quarantine WHERE op_id IN (SELECT id FROM op WHERE subject IN ({ph}) AND kind <> 'erase')"),
            format!("DELETE FROM op_pending WHERE op_id IN (SELECT id FROM op WHERE subject IN ({ph}) AND kind <> 'erase')"),
            format!("UPDATE op SET body = NULL, status = 1 WHERE subject IN ({ph}) AND kind <> 'erase'"),
        ] {
            bind_ids(sqlx::query(&sql), chunk).execute(&mut *conn).await?;
        }
        // Mediation entries, time on public computers, tickets, pages
        // printed and coworking passes stay, anonymous: who (and a note)
        // go, with their stamps (as the fold's `purge` does).
        for entity in Entity::ALL {
            let who = entity.identity_fields();
            if who.is_empty() {
                continue;
            }
            let table = entity.table();
            let entries: Vec<Uuid> = bind_ids_scalar(
                sqlx::query_scalar(&format!(
                    "SELECT id FROM {table} WHERE visitor_id IN ({ph})"
                )),
                chunk,
            )
            .fetch_all(&mut *conn)
            .await?;
            if entries.is_empty() {
                continue;
            }
            let mut recs = load_records(conn, entity, &entries).await?;
            for rec in recs.values_mut() {
                for name in who {
                    rec.fields.remove(*name);
                }
            }
            // Only who had arrived: nothing is left.
            let empty: Vec<Uuid> = recs
                .iter()
                .filter(|(_, r)| r.fields.is_empty())
                .map(|(id, _)| *id)
                .collect();
            if !empty.is_empty() {
                let sql = format!(
                    "DELETE FROM {table} WHERE id IN ({})",
                    placeholders(empty.len())
                );
                bind_ids(sqlx::query(&sql), &empty)
                    .execute(&mut *conn)
                    .await?;
            }
            let kept: Vec<(Uuid, &crate::fold::Record)> = recs
                .iter()
                .filter(|(_, r)| !r.fields.is_empty())
                .map(|(id, r)| (*id, r))
                .collect();
            write_records(conn, entity, &kept, rev).await?;
        }
        for id in chunk {
            sqlx::query("INSERT OR IGNORE INTO erased (visitor_id, rev) VALUES (?, ?)")
                .bind(*id)
                .bind(rev)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// Replaces the alias table's changed rows; returns every id whose root changed
/// (old and new roots included) so the search index reloads them.
async fn rewrite_aliases(
    conn: &mut SqliteConnection,
    old: &BTreeMap<Uuid, Uuid>,
    new: &BTreeMap<Uuid, Uuid>,
) -> Result<BTreeSet<Uuid>> {
    let mut changed = BTreeSet::new();
    for (id, root) in old {
        if new.get(id) != Some(root) {
            sqlx::query("DELETE FROM alias WHERE id = ?")
                .bind(*id)
                .execute(&mut *conn)
                .await?;
            changed.insert(*id);
            changed.insert(*root);
        }
    }
    for (id, root) in new {
        if old.get(id) != Some(root) {
            sqlx::query("INSERT OR REPLACE INTO alias (id, root) VALUES (?, ?)")
                .bind(*id)
                .bind(*root)
                .execute(&mut *conn)
                .await?;
            changed.insert(*id);
            changed.insert(*root);
        }
    }
    Ok(changed)
}

async fn bump_rev(conn: &mut SqliteConnection, ids: &BTreeSet<Uuid>, rev: i64) -> Result<()> {
    let ids: Vec<Uuid> = ids.iter().copied().collect();
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "UPDATE visitor SET rev = ? WHERE id IN ({})",
            placeholders(chunk.len())
        );
        bind_ids(sqlx::query(&sql).bind(rev), chunk)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// `batch` holds the seqs of `origin` this batch just wrote: the walk goes
/// through them without asking SQLite, which is only asked about what lies
/// beyond (ops that arrived earlier, out of order).
async fn advance_vector(
    conn: &mut SqliteConnection,
    origin: Uuid,
    batch: &BTreeSet<i64>,
) -> Result<()> {
    let mut cur: i64 = sqlx::query_scalar("SELECT seq FROM version_vector WHERE origin = ?")
        .bind(origin)
        .fetch_optional(&mut *conn)
        .await?
        .unwrap_or(0);
    for seq in batch.range(cur + 1..) {
        if *seq != cur + 1 {
            break;
        }
        cur = *seq;
    }
    // The new contiguous maximum is the first seq after `cur` whose successor
    // is missing — found by walking the log's (origin, seq) key inside
    // SQLite, without shipping every seq back (which cost more than the fold).
    let has_next: Option<i64> =
        sqlx::query_scalar("SELECT seq FROM op WHERE origin = ? AND seq = ?")
            .bind(origin)
            .bind(cur + 1)
            .fetch_optional(&mut *conn)
            .await?;
    if has_next.is_some() {
        cur = sqlx::query_scalar(
            "SELECT min(a.seq) FROM op a WHERE a.origin = ?1 AND a.seq > ?2
               AND NOT EXISTS (SELECT 1 FROM op b WHERE b.origin = ?1 AND b.seq = a.seq + 1)",
        )
        .bind(origin)
        .bind(cur)
        .fetch_one(&mut *conn)
        .await?;
    }
    sqlx::query("INSERT INTO version_vector (origin, seq) VALUES (?, ?) ON CONFLICT(origin) DO UPDATE SET seq = excluded.seq")
        .bind(origin)
        .bind(cur)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
