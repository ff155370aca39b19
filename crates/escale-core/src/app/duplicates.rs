//! Duplicates across the organisation: pairs of live visitor records that
//! are probably one person — typically registered on two laptops while
//! offline and met after a sync — for staff to merge or to dismiss.
//!
//! A pair is proposed (`reason`, `score` out of 100) when the two records:
//!
//! - have the same folded full name (`visitor.name_key`: accents, case,
//!   punctuation and the order of the names ignored) and the same email
//!   (`name_email`, 95), the same phone digits (`name_phone`, 90) or the same
//!   birth year (`name_birth_year`, 80); or the same name and nothing to
//!   compare, because one side lacks each of email, phone and birth year
//!   (`name`, 50). Same name with a different email, phone or birth year on
//!   both sides and nothing in common: two namesakes, not proposed. A
//!   shared birth year is weak (a common name has a few dozen bearers born
//!   each year in a crowd of 100,000): when the two records also have an
//!   email each and a phone each and both differ, they are namesakes and
//!   the pair is not proposed; when one of them differs (the other unknown
//!   on a side), it is proposed lower (`name_birth_year`, 70);
//! - or share an email and have close names (every name of the shorter one
//!   found in the other, at most one of them with a typo:
//!   `email_close_name`, 75);
//!
//! each further matching detail adds 2. Two birth years that differ veto the
//! pair whatever else matches (a parent and a child sharing a name and a
//! family email). Merged-away and erased records are never proposed (they
//! are not live), nor a pair staff dismissed with a `not_duplicate` op —
//! which travels with sync like any other op, and still holds when either
//! record is later merged into another (dismissals are read through merges).
//!
//! Cost: no two records of the whole table are ever compared. Only records
//! sharing a name key or an email with another one are read (both columns
//! are indexed), and compared within that group. After a sync, only the
//! groups of the visitors the sync wrote are read.

use super::people::VisitorView;
use super::Escale;
use crate::error::{Error, Result};
use crate::op::OpBody;
use crate::store::{parse_uuid, Store};
use crate::text::{osa_distance_le1, phone_digits};
use escale_protocol::roles::Action;
use serde::Serialize;
use sqlx::{Row, SqlitePool};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use uuid::Uuid;

/// Two records that are probably the same person.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DuplicatePair {
    /// The record with the smaller id.
    pub a: VisitorView,
    pub b: VisitorView,
    /// `name_email`, `name_phone`, `name_birth_year`, `email_close_name` or `name`.
    pub reason: String,
    /// 0 to 100: how sure the match is (see the module documentation).
    pub score: u8,
}

/// One side of a pair under review: the record, and what tells the two
/// apart — its registrations, arrivals and where it came from.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DuplicateSide {
    pub visitor: VisitorView,
    /// Events this record is registered at.
    pub registrations: i64,
    /// Of those, the events where the person arrived.
    pub arrivals: i64,
    /// Where its registrations came from, latest first, each once: `desk`
    /// (a walk-in), an import's format (`hello_asso`…), `demo`.
    pub sources: Vec<String>,
    /// The latest event it is registered at, and that event's local start.
    pub last_event: Option<String>,
    pub last_event_starts_local: Option<String>,
}

/// Two records that are probably one person, as staff review them.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DuplicateView {
    /// The record with the smaller id.
    pub a: DuplicateSide,
    pub b: DuplicateSide,
    /// `name_email`, `name_phone`, `name_birth_year`, `email_close_name` or `name`.
    pub reason: String,
    /// 0 to 100: how sure the match is.
    pub score: u8,
}

/// A page of the review: a few pairs at a time, however many there are.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DuplicatePage {
    /// Pairs proposed in all (the page is a slice of them).
    pub total: i64,
    /// Where the page starts among them.
    pub offset: i64,
    pub pairs: Vec<DuplicateView>,
}

/// The largest page of the review.
pub const DUPLICATE_PAGE_MAX: usize = 100;

/// Two records staff marked as two different people.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct DismissedPair {
    pub a: VisitorView,
    pub b: VisitorView,
}

/// Above this many visitors to look around, reading every group at once is
/// cheaper than looking each one up.
const AROUND_MAX: usize = 5_000;
const CHUNK: usize = 300;
/// What the comparison needs of a record (the full record is read only for
/// the pairs shown). Read as one JSON document built by SQLite: handing
/// 100,000 rows over one by one cost more than the query (see `ops_after`).
const LIGHT: &str =
    "json_group_array(json_array(hex(id), first_name, last_name, name_key, email, phone, birth_year))";

struct Rec {
    first: String,
    last: String,
    key: String,
    email: Option<String>,
    /// Phone digits (`text::phone_digits`).
    phone: Option<String>,
    year: Option<i64>,
}

/// A proposed pair, smaller id first.
struct Found {
    a: Uuid,
    b: Uuid,
    reason: &'static str,
    score: u8,
}

impl Escale {
    /// Pairs of live records that are probably the same person, most certain
    /// first, at most `limit`. With an event, only pairs where at least one
    /// side is registered at that event.
    /// The pairs to review, most certain first, each side with what tells
    /// the records apart (registrations, arrivals, sources, latest event):
    /// three queries for the whole list, whatever its length.
    pub async fn duplicate_review(
        &self,
        event_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<DuplicateView>> {
        self.require(Action::ListPeople).await?;
        let found = self.found(event_id).await?;
        let pairs = self
            .pairs_of(found.into_iter().take(limit).collect())
            .await?;
        self.views_of(pairs).await
    }

    /// One page of the review (at most [`DUPLICATE_PAGE_MAX`] pairs from
    /// `offset`, most certain first) and how many pairs there are: the
    /// desk renders a few pairs, never a thousand at once.
    pub async fn duplicate_page(
        &self,
        event_id: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> Result<DuplicatePage> {
        self.require(Action::ListPeople).await?;
        if limit > DUPLICATE_PAGE_MAX {
            return Err(Error::Invalid {
                field: "limit",
                value: limit.to_string(),
            });
        }
        let found = self.found(event_id).await?;
        let total = found.len();
        // Past the end (the last pair of the last page was just merged):
        // the last page there is.
        let offset = if offset >= total && total > 0 {
            (total - 1) / limit.max(1) * limit.max(1)
        } else {
            offset
        };
        let pairs = self
            .pairs_of(found.into_iter().skip(offset).take(limit).collect())
            .await?;
        Ok(DuplicatePage {
            total: total as i64,
            offset: offset as i64,
            pairs: self.views_of(pairs).await?,
        })
    }

    /// How many pairs the review proposes (the status bar's figure): the
    /// comparison alone, no record read in full. A read (WAL: writers go on
    /// meanwhile) of about a second at 100,000 people.
    pub async fn duplicate_count(&self, event_id: Option<&str>) -> Result<usize> {
        self.require(Action::ViewEvents).await?;
        Ok(self.found(event_id).await?.len())
    }

    async fn views_of(&self, pairs: Vec<DuplicatePair>) -> Result<Vec<DuplicateView>> {
        let roots: Vec<Uuid> = pairs.iter().flat_map(|p| [p.a.id, p.b.id]).collect();
        let sides = self.sides_of(&roots).await?;
        // A record may be in several pairs: each gets its side.
        let side = |v: VisitorView| match sides.get(&v.id).cloned() {
            Some(mut s) => {
                s.visitor = v;
                s
            }
            // Registered nowhere (an event archived since, say).
            None => DuplicateSide {
                visitor: v,
                registrations: 0,
                arrivals: 0,
                sources: vec![],
                last_event: None,
                last_event_starts_local: None,
            },
        };
        Ok(pairs
            .into_iter()
            .map(|p| DuplicateView {
                a: side(p.a),
                b: side(p.b),
                reason: p.reason,
                score: p.score,
            })
            .collect())
    }

    /// Registrations, arrivals, sources and latest event of each root
    /// visitor, merged records included.
    async fn sides_of(&self, roots: &[Uuid]) -> Result<HashMap<Uuid, DuplicateSide>> {
        let members = self.members_of(roots).await?;
        let ids: Vec<Uuid> = members.keys().copied().collect();
        let pool = self.store.pool();
        // (root, event) → its registration, and who arrived where.
        let mut regs: BTreeMap<(Uuid, Uuid), Reg> = BTreeMap::new();
        let mut arrived: BTreeSet<(Uuid, Uuid)> = BTreeSet::new();
        for chunk in ids.chunks(300) {
            let ph = vec!["?"; chunk.len()].join(",");
            let sql = format!(
                "SELECT r.visitor_id AS visitor, r.event_id AS event, r.source AS source,
                        e.title AS title, e.starts_at AS starts_at, e.timezone AS timezone
                 FROM registration r JOIN event e ON e.id = r.event_id
                 WHERE r.visitor_id IN ({ph})"
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            for r in q.fetch_all(pool).await? {
                let member = r.try_get::<Uuid, _>("visitor")?;
                let event = r.try_get::<Uuid, _>("event")?;
                let root = members.get(&member).copied().unwrap_or(member);
                regs.entry((root, event)).or_insert(Reg {
                    event,
                    source: r.try_get("source")?,
                    title: r.try_get::<Option<String>, _>("title")?.unwrap_or_default(),
                    starts_at: r
                        .try_get::<Option<String>, _>("starts_at")?
                        .unwrap_or_default(),
                    timezone: r
                        .try_get::<Option<String>, _>("timezone")?
                        .unwrap_or_default(),
                });
            }
            let sql = format!(
                "SELECT DISTINCT visitor_id AS visitor, event_id AS event FROM checkin
                 WHERE visitor_id IN ({ph}) AND session_id IS NULL AND direction = 'in' AND voided = 0"
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            for r in q.fetch_all(pool).await? {
                let member = r.try_get::<Uuid, _>("visitor")?;
                let event = r.try_get::<Uuid, _>("event")?;
                arrived.insert((members.get(&member).copied().unwrap_or(member), event));
            }
        }
        let mut by_root: HashMap<Uuid, Vec<Reg>> = HashMap::new();
        for ((root, _), reg) in regs {
            by_root.entry(root).or_default().push(reg);
        }
        let mut out = HashMap::new();
        for (root, mut list) in by_root {
            // Latest event first, as the visitor record lists them.
            list.sort_by(|x, y| y.starts_at.cmp(&x.starts_at));
            let mut sources: Vec<String> = vec![];
            for s in list.iter().filter_map(|r| r.source.clone()) {
                if !sources.contains(&s) {
                    sources.push(s);
                }
            }
            let last = list.first();
            out.insert(
                root,
                DuplicateSide {
                    visitor: VisitorView {
                        id: root,
                        values: Default::default(),
                    },
                    registrations: list.len() as i64,
                    arrivals: list
                        .iter()
                        .filter(|r| arrived.contains(&(root, r.event)))
                        .count() as i64,
                    sources,
                    last_event: last.map(|r| r.title.clone()),
                    last_event_starts_local: last.map(|r| {
                        super::time::stored_to_local(
                            &r.starts_at,
                            super::time::parse_tz(Some(&r.timezone))
                                .unwrap_or(chrono_tz::Europe::Paris),
                        )
                    }),
                },
            );
        }
        Ok(out)
    }

    pub async fn duplicate_candidates(
        &self,
        event_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<DuplicatePair>> {
        self.require(Action::ListPeople).await?;
        let mut found = self.found(event_id).await?;
        found.truncate(limit);
        self.pairs_of(found).await
    }

    /// Every proposed pair (with an event, those touching someone
    /// registered at it), most certain first, as ids.
    async fn found(&self, event_id: Option<&str>) -> Result<Vec<Found>> {
        let pool = self.store.pool();
        let around = match event_id {
            Some(e) => {
                let ev = self.event(e).await?;
                Some(registered_roots(pool, ev.id).await?)
            }
            None => None,
        };
        if around.as_ref().is_some_and(BTreeSet::is_empty) {
            return Ok(vec![]);
        }
        candidates(pool, around.as_ref()).await
    }

    /// The records of the pairs found.
    async fn pairs_of(&self, found: Vec<Found>) -> Result<Vec<DuplicatePair>> {
        let ids: Vec<Uuid> = found
            .iter()
            .flat_map(|f| [f.a, f.b])
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let views = self.visitors_by_id(&ids).await?;
        Ok(found
            .into_iter()
            .filter_map(|f| {
                Some(DuplicatePair {
                    a: views.get(&f.a)?.clone(),
                    b: views.get(&f.b)?.clone(),
                    reason: f.reason.to_string(),
                    score: f.score,
                })
            })
            .collect())
    }

    /// Records that `a` and `b` (or the records they were merged into) are
    /// two different people: the pair is not proposed again, on any device.
    pub async fn not_duplicate(&self, a: &str, b: &str) -> Result<DismissedPair> {
        self.require(Action::Merge).await?;
        let (va, vb) = (self.load_visitor(a).await?, self.load_visitor(b).await?);
        if va.id == vb.id {
            return Err(Error::Invalid {
                field: "id",
                value: b.chars().take(60).collect(),
            });
        }
        let (va, vb) = if va.id < vb.id { (va, vb) } else { (vb, va) };
        self.commit(vec![OpBody::NotDuplicate { a: va.id, b: vb.id }])
            .await?;
        Ok(DismissedPair { a: va, b: vb })
    }
}

/// How many candidate pairs involve at least one live visitor written after
/// the local change counter was `rev` (`Store::rev`): after a sync or a
/// bundle import, the duplicates it brought.
pub async fn proposed_since(store: &Store, rev: i64) -> Result<usize> {
    let pool = store.pool();
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM visitor WHERE rev > ? AND id NOT IN (SELECT id FROM alias)",
    )
    .bind(rev)
    .fetch_all(pool)
    .await?;
    if ids.is_empty() {
        return Ok(0);
    }
    let around: BTreeSet<Uuid> = ids.into_iter().collect();
    Ok(candidates(pool, Some(&around)).await?.len())
}

/// Every candidate pair (involving one of `around` when given), dismissed
/// pairs left out, most certain first.
async fn candidates(pool: &SqlitePool, around: Option<&BTreeSet<Uuid>>) -> Result<Vec<Found>> {
    let recs = match around {
        Some(ids) if ids.len() <= AROUND_MAX => load_around(pool, ids).await?,
        _ => load_grouped(pool).await?,
    };
    let dismissed = dismissed(pool).await?;
    let mut found: BTreeMap<(Uuid, Uuid), (&'static str, u8)> = BTreeMap::new();
    let mut keep = |x: Uuid, y: Uuid, m: (&'static str, u8)| {
        let pair = (x.min(y), x.max(y));
        if around.is_some_and(|ids| !ids.contains(&pair.0) && !ids.contains(&pair.1))
            || dismissed.contains(&pair)
        {
            return;
        }
        let e = found.entry(pair).or_insert(m);
        if m.1 > e.1 {
            *e = m;
        }
    };
    let mut by_key: HashMap<&str, Vec<(Uuid, &Rec)>> = HashMap::new();
    let mut by_email: HashMap<&str, Vec<(Uuid, &Rec)>> = HashMap::new();
    for (id, r) in &recs {
        if !r.key.is_empty() {
            by_key.entry(&r.key).or_default().push((*id, r));
        }
        if let Some(e) = r.email.as_deref() {
            by_email.entry(e).or_default().push((*id, r));
        }
    }
    for group in by_key.values().filter(|g| g.len() > 1) {
        for (i, (x, a)) in group.iter().enumerate() {
            for (y, b) in &group[i + 1..] {
                if let Some(m) = same_name(a, b) {
                    keep(*x, *y, m);
                }
            }
        }
    }
    for group in by_email.values().filter(|g| g.len() > 1) {
        for (i, (x, a)) in group.iter().enumerate() {
            for (y, b) in &group[i + 1..] {
                if a.key != b.key && close_names(&a.key, &b.key) && !years_differ(a, b) {
                    let extra = u8::from(same_phone(a, b)) + u8::from(same_year(a, b));
                    keep(*x, *y, ("email_close_name", 75 + 2 * extra));
                }
            }
        }
    }
    let sort_name = |id: &Uuid| {
        recs.get(id)
            .map(|r| (r.last.to_lowercase(), r.first.to_lowercase()))
            .unwrap_or_default()
    };
    let mut out: Vec<(Found, (String, String))> = found
        .into_iter()
        .map(|((a, b), (reason, score))| {
            (
                Found {
                    a,
                    b,
                    reason,
                    score: score.min(100),
                },
                sort_name(&a),
            )
        })
        .collect();
    out.sort_by(|(x, xn), (y, yn)| {
        y.score
            .cmp(&x.score)
            .then_with(|| xn.cmp(yn))
            .then_with(|| (x.a, x.b).cmp(&(y.a, y.b)))
    });
    Ok(out.into_iter().map(|(f, _)| f).collect())
}

/// Two records with the same name key: the reason and score, if proposed.
fn same_name(a: &Rec, b: &Rec) -> Option<(&'static str, u8)> {
    if years_differ(a, b) {
        return None;
    }
    let matches: Vec<&'static str> = [
        (same_email(a, b), "name_email"),
        (same_phone(a, b), "name_phone"),
        (same_year(a, b), "name_birth_year"),
    ]
    .into_iter()
    .filter_map(|(m, r)| m.then_some(r))
    .collect();
    let base = |r: &str| match r {
        "name_email" => 95,
        "name_phone" => 90,
        _ => 80,
    };
    if let Some(first) = matches.first() {
        let mut score = base(first) + 2 * (matches.len() as u8 - 1);
        if *first == "name_birth_year" {
            // Contacts of their own outweigh a shared birth year.
            match (
                contacts_differ(&a.email, &b.email),
                contacts_differ(&a.phone, &b.phone),
            ) {
                (true, true) => return None,
                (true, false) | (false, true) => score -= 10,
                (false, false) => {}
            }
        }
        return Some((first, score));
    }
    let comparable =
        (a.email.is_some() && b.email.is_some()) || (a.phone.is_some() && b.phone.is_some());
    // Both have emails or phones and they differ: namesakes.
    (!comparable).then_some(("name", 50))
}

/// Both sides have one, and they differ.
fn contacts_differ(a: &Option<String>, b: &Option<String>) -> bool {
    matches!((a, b), (Some(x), Some(y)) if x != y)
}

fn same_email(a: &Rec, b: &Rec) -> bool {
    a.email.is_some() && a.email == b.email
}

fn same_phone(a: &Rec, b: &Rec) -> bool {
    a.phone.is_some() && a.phone == b.phone
}

fn same_year(a: &Rec, b: &Rec) -> bool {
    a.year.is_some() && a.year == b.year
}

fn years_differ(a: &Rec, b: &Rec) -> bool {
    matches!((a.year, b.year), (Some(x), Some(y)) if x != y)
}

/// Name keys (folded, sorted tokens) close enough for two records sharing an
/// email: every token of the shorter key matches a distinct token of the
/// other, exactly or — for one of them at most — with one typo.
pub(crate) fn close_names(a: &str, b: &str) -> bool {
    let (ta, tb): (Vec<&str>, Vec<&str>) = (
        a.split(' ').filter(|t| !t.is_empty()).collect(),
        b.split(' ').filter(|t| !t.is_empty()).collect(),
    );
    let (short, long) = if ta.len() <= tb.len() {
        (ta, tb)
    } else {
        (tb, ta)
    };
    if short.is_empty() {
        return false;
    }
    let mut used = vec![false; long.len()];
    let mut typos = 0;
    // Exact matches first, so that a typo match never takes a token an exact one needs.
    let mut rest = vec![];
    for t in &short {
        match long
            .iter()
            .enumerate()
            .position(|(i, l)| !used[i] && l == t)
        {
            Some(i) => used[i] = true,
            None => rest.push(*t),
        }
    }
    for t in rest {
        match long
            .iter()
            .enumerate()
            .position(|(i, l)| !used[i] && t.chars().count() > 2 && osa_distance_le1(t, l))
        {
            Some(i) => {
                used[i] = true;
                typos += 1;
            }
            None => return false,
        }
    }
    typos <= 1
}

/// Runs a `SELECT {LIGHT} FROM visitor WHERE …` and decodes its one document.
async fn load_light(
    pool: &SqlitePool,
    sql: &str,
    binds: &[Uuid],
    out: &mut BTreeMap<Uuid, Rec>,
) -> Result<()> {
    type Row = (
        String,
        Option<String>,
        Option<String>,
        String,
        Option<String>,
        Option<String>,
        Option<i64>,
    );
    let mut q = sqlx::query_scalar::<_, Option<String>>(sql);
    for b in binds {
        q = q.bind(b);
    }
    let doc = q.fetch_one(pool).await?;
    let rows: Vec<Row> = serde_json::from_str(doc.as_deref().unwrap_or("[]"))
        .map_err(|e| Error::Corrupt(format!("visitor page: {e}")))?;
    for (id, first, last, key, email, phone, year) in rows {
        let phone = phone.as_deref().map(phone_digits).filter(|d| !d.is_empty());
        out.insert(
            parse_uuid(&id)?,
            Rec {
                first: first.unwrap_or_default(),
                last: last.unwrap_or_default(),
                key,
                email,
                phone,
                year,
            },
        );
    }
    Ok(())
}

/// Every live record sharing its name key or its email with another record.
async fn load_grouped(pool: &SqlitePool) -> Result<BTreeMap<Uuid, Rec>> {
    let mut out = BTreeMap::new();
    for sql in [
        format!(
            "SELECT {LIGHT} FROM visitor WHERE id NOT IN (SELECT id FROM alias) AND name_key IN
               (SELECT name_key FROM visitor WHERE name_key <> '' GROUP BY name_key HAVING count(*) > 1)"
        ),
        format!(
            "SELECT {LIGHT} FROM visitor WHERE id NOT IN (SELECT id FROM alias) AND email IS NOT NULL AND email IN
               (SELECT email FROM visitor WHERE email IS NOT NULL GROUP BY email HAVING count(*) > 1)"
        ),
    ] {
        load_light(pool, &sql, &[], &mut out).await?;
    }
    Ok(out)
}

/// The live records sharing a name key or an email with one of `ids`
/// (`ids` themselves included), by index look-ups.
async fn load_around(pool: &SqlitePool, ids: &BTreeSet<Uuid>) -> Result<BTreeMap<Uuid, Rec>> {
    let ids: Vec<Uuid> = ids.iter().copied().collect();
    let mut out = BTreeMap::new();
    for chunk in ids.chunks(CHUNK) {
        let ph = vec!["?"; chunk.len()].join(", ");
        for sql in [
            format!(
                "SELECT {LIGHT} FROM visitor WHERE id NOT IN (SELECT id FROM alias)
                 AND name_key IN (SELECT name_key FROM visitor WHERE id IN ({ph}) AND name_key <> '')"
            ),
            format!(
                "SELECT {LIGHT} FROM visitor WHERE id NOT IN (SELECT id FROM alias) AND email IS NOT NULL
                 AND email IN (SELECT email FROM visitor WHERE id IN ({ph}) AND email IS NOT NULL)"
            ),
        ] {
            load_light(pool, &sql, chunk, &mut out).await?;
        }
    }
    Ok(out)
}

/// Dismissed pairs, each id read through merges (smaller id first).
async fn dismissed(pool: &SqlitePool) -> Result<BTreeSet<(Uuid, Uuid)>> {
    let rows = sqlx::query(
        "SELECT coalesce((SELECT root FROM alias WHERE id = d.a), d.a) AS a,
                coalesce((SELECT root FROM alias WHERE id = d.b), d.b) AS b
         FROM duplicate_dismissal d",
    )
    .fetch_all(pool)
    .await?;
    let mut out = BTreeSet::new();
    for r in rows {
        let (a, b) = (r.try_get::<Uuid, _>("a")?, r.try_get::<Uuid, _>("b")?);
        out.insert((a.min(b), a.max(b)));
    }
    Ok(out)
}

/// The live records standing for everyone registered at the event.
async fn registered_roots(pool: &SqlitePool, event: Uuid) -> Result<BTreeSet<Uuid>> {
    let rows: Vec<Uuid> = sqlx::query_scalar(
        "SELECT DISTINCT coalesce(a.root, r.visitor_id) FROM registration r
         LEFT JOIN alias a ON a.id = r.visitor_id WHERE r.event_id = ? AND r.visitor_id IS NOT NULL",
    )
    .bind(event)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().collect())
}

/// One registration of a duplicate side, with its event.
struct Reg {
    event: Uuid,
    source: Option<String>,
    title: String,
    starts_at: String,
    timezone: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::name_key;

    fn rec(email: Option<&str>, phone: Option<&str>, year: Option<i64>) -> Rec {
        Rec {
            first: "Jean".into(),
            last: "Dupont".into(),
            key: name_key("Jean", "Dupont"),
            email: email.map(str::to_owned),
            phone: phone.map(str::to_owned),
            year,
        }
    }

    #[test]
    fn a_shared_birth_year_does_not_outweigh_two_different_emails_and_phones() {
        let a = rec(Some("a@example.org"), Some("0611111111"), Some(1980));
        let b = rec(Some("b@example.org"), Some("0622222222"), Some(1980));
        assert_eq!(same_name(&a, &b), None, "namesakes born the same year");
        let b_no_phone = rec(Some("b@example.org"), None, Some(1980));
        assert_eq!(
            same_name(&a, &b_no_phone),
            Some(("name_birth_year", 70)),
            "one contact differs, the other unknown: proposed lower"
        );
        let b_same_email = rec(Some("a@example.org"), Some("0622222222"), Some(1980));
        assert_eq!(
            same_name(&a, &b_same_email),
            Some(("name_email", 97)),
            "the same email still says one person"
        );
        let b_same_phone = rec(Some("b@example.org"), Some("0611111111"), Some(1980));
        assert_eq!(same_name(&a, &b_same_phone), Some(("name_phone", 92)));
        let b_bare = rec(None, None, Some(1980));
        assert_eq!(same_name(&a, &b_bare), Some(("name_birth_year", 80)));
    }

    #[test]
    fn close_names_allow_one_typo_or_a_missing_name() {
        let k = |f: &str, l: &str| name_key(f, l);
        assert!(
            close_names(&k("Élodie", "Martin"), &k("Elodie", "Martin-Durand")),
            "a second last name"
        );
        assert!(
            close_names(&k("Élodie", "Martin"), &k("Elodei", "Martin")),
            "one typo"
        );
        assert!(
            close_names(&k("Élodie", "Martin"), &k("", "Martin")),
            "only the last name on one side"
        );
        assert!(
            !close_names(&k("Élodie", "Martin"), &k("Jean", "Martin")),
            "a family sharing an email"
        );
        assert!(
            !close_names(&k("Élodie", "Martin"), &k("Elodei", "Matrin")),
            "two typos are another person"
        );
        assert!(!close_names("", &k("Jean", "Martin")));
    }
}
