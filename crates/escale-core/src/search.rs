//! The check-in desk's search index, in memory, refreshed from the store.
//!
//! Staff type three letters or a scanner types a code: results must come back
//! in milliseconds over 100,000+ people, ignoring accents, case and
//! punctuation, tolerating one typo. SQL `LIKE` cannot do that (see
//! `docs/benchmarks.md`), so the index keeps, for every live (not merged, not
//! erased) visitor, their folded name tokens in a sorted term dictionary with
//! posting lists, plus a deletion dictionary (SymSpell-style: every term with
//! one letter removed) for one-typo look-ups, and email and phone maps.
//!
//! Freshness: every write transaction bumps the store's `rev` counter and
//! stamps the visitors it touched. [`SearchIndex::refresh`] compares counters
//! (one cheap query) and reloads only what changed — including writes made by
//! another process, such as the CLI next to the desktop app. So a write is
//! visible to the next search.
//!
//! Ranking: people registered for the event first, then exact > prefix >
//! typo (worst token, then sum), then alphabetical.

use crate::error::Result;
use crate::store::parse_uuid;
use crate::text::{fold, glue_initials, osa_distance_le1, phone_digits, tokens};
use serde::Serialize;
use sqlx::{Row, SqlitePool};
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use uuid::Uuid;

/// How well a hit matched (worst over the query's tokens).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quality {
    Exact = 0,
    Prefix = 1,
    Typo = 2,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndexHit {
    pub visitor_id: Uuid,
    pub quality: Quality,
    pub registered: bool,
}

struct Entry {
    id: Uuid,
    terms: Vec<u32>,
    email: Option<Box<str>>,
    phone: Option<Box<str>>,
    events: Vec<u32>,
    sort_key: Box<str>,
}

#[derive(Default)]
pub struct SearchIndex {
    rev: i64,
    built: bool,
    entries: Vec<Option<Entry>>,
    free: Vec<u32>,
    slot_of: HashMap<Uuid, u32>,
    term_id: BTreeMap<Box<str>, u32>,
    term_text: Vec<Box<str>>,
    postings: Vec<Vec<u32>>,
    deletes: HashMap<u64, Vec<u32>>,
    emails: BTreeMap<Box<str>, Vec<u32>>,
    phones: BTreeMap<Box<str>, Vec<u32>>,
    event_idx: HashMap<Uuid, u32>,
    // scratch space reused across queries
    hits: Vec<u8>,
    worst: Vec<u8>,
    sum: Vec<u16>,
    touched: Vec<u32>,
}

const MIN_TYPO_LEN: usize = 4;

impl SearchIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of live people in the index.
    pub fn len(&self) -> usize {
        self.slot_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slot_of.is_empty()
    }

    /// Brings the index up to date with the store. Cheap when nothing changed.
    pub async fn refresh(&mut self, pool: &SqlitePool) -> Result<()> {
        let rev: i64 = sqlx::query_scalar("SELECT int_value FROM local WHERE key = 'rev'")
            .fetch_optional(pool)
            .await?
            .flatten()
            .unwrap_or(0);
        if self.built && rev == self.rev {
            return Ok(());
        }
        let since = if self.built { self.rev } else { -1 };
        let mut live: Vec<LiveRow> = Vec::new();
        let mut reload_roots: HashSet<Uuid> = HashSet::new();
        for (id, first, last, email, phone, root) in changed_visitors(pool, since).await? {
            let id = parse_uuid(&id)?;
            if let Some(root) = root.filter(|r| !r.is_empty()) {
                self.remove(id);
                reload_roots.insert(parse_uuid(&root)?);
                continue;
            }
            live.push((
                id,
                first.unwrap_or_default(),
                last.unwrap_or_default(),
                email,
                phone,
            ));
        }
        // Roots whose merged-away records changed need their registrations again.
        let live_ids: HashSet<Uuid> = live.iter().map(|l| l.0).collect();
        let extra: Vec<Uuid> = reload_roots.difference(&live_ids).copied().collect();
        for chunk in extra.chunks(300) {
            let sql = format!(
                "SELECT id, first_name, last_name, email, phone FROM visitor WHERE id IN ({})",
                vec!["?"; chunk.len()].join(",")
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            for r in q.fetch_all(pool).await? {
                live.push((
                    r.try_get::<Uuid, _>("id")?,
                    r.try_get::<Option<String>, _>("first_name")?
                        .unwrap_or_default(),
                    r.try_get::<Option<String>, _>("last_name")?
                        .unwrap_or_default(),
                    r.try_get("email")?,
                    r.try_get("phone")?,
                ));
            }
        }
        let events = self
            .load_events(pool, &live, since < 0 || live.len() > 5_000)
            .await?;
        for (id, first, last, email, phone) in live {
            let ev = events.get(&id).cloned().unwrap_or_default();
            self.upsert(id, &first, &last, email.as_deref(), phone.as_deref(), &ev);
        }
        let erased: Vec<String> =
            sqlx::query_scalar("SELECT hex(visitor_id) FROM erased WHERE rev > ?")
                .bind(since)
                .fetch_all(pool)
                .await?;
        for e in erased {
            self.remove(parse_uuid(&e)?);
        }
        self.rev = rev;
        self.built = true;
        Ok(())
    }

    /// Event ids each (root) visitor is actively registered for.
    async fn load_events(
        &self,
        pool: &SqlitePool,
        live: &[LiveRow],
        all: bool,
    ) -> Result<HashMap<Uuid, Vec<Uuid>>> {
        let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        let mut push = |rows: Vec<(Option<String>, Option<String>)>| -> Result<()> {
            for (v, e) in rows {
                if let (Some(v), Some(e)) = (v, e) {
                    out.entry(parse_uuid(&v)?)
                        .or_default()
                        .push(parse_uuid(&e)?);
                }
            }
            Ok(())
        };
        if all {
            let mut after = 0_i64;
            loop {
                let (rows, last) = json_page(
                    pool,
                    "SELECT r.rowid, json_array(hex(COALESCE(a.root, r.visitor_id)), hex(r.event_id)) FROM registration r
                     LEFT JOIN alias a ON a.id = r.visitor_id WHERE r.status = 'active' AND r.rowid > ?",
                    after,
                    -1,
                )
                .await?;
                push(rows)?;
                match last {
                    Some(l) => after = l,
                    None => break,
                }
            }
        } else {
            let base =
                "SELECT hex(COALESCE(a.root, r.visitor_id)), hex(r.event_id) FROM registration r
                        LEFT JOIN alias a ON a.id = r.visitor_id WHERE r.status = 'active'";
            let ids: Vec<Uuid> = live.iter().map(|l| l.0).collect();
            for chunk in ids.chunks(300) {
                let ph = vec!["?"; chunk.len()].join(",");
                let sql = format!(
                    "{base} AND (r.visitor_id IN ({ph}) OR r.visitor_id IN (SELECT id FROM alias WHERE root IN ({ph})))"
                );
                let mut q = sqlx::query_as::<_, (Option<String>, Option<String>)>(&sql);
                for _ in 0..2 {
                    for id in chunk {
                        q = q.bind(id);
                    }
                }
                push(q.fetch_all(pool).await?)?;
            }
        }
        Ok(out)
    }

    fn intern_event(&mut self, id: Uuid) -> u32 {
        let n = self.event_idx.len() as u32;
        *self.event_idx.entry(id).or_insert(n)
    }

    fn intern_term(&mut self, t: &str) -> u32 {
        if let Some(id) = self.term_id.get(t) {
            return *id;
        }
        let id = self.term_text.len() as u32;
        self.term_id.insert(t.into(), id);
        self.term_text.push(t.into());
        self.postings.push(Vec::new());
        if t.chars().count() >= MIN_TYPO_LEN - 1 {
            self.deletes.entry(hash(t)).or_default().push(id);
            for v in deletions(t) {
                let list = self.deletes.entry(hash(&v)).or_default();
                if list.last() != Some(&id) {
                    list.push(id);
                }
            }
        }
        id
    }

    /// Adds or replaces one visitor.
    pub fn upsert(
        &mut self,
        id: Uuid,
        first: &str,
        last: &str,
        email: Option<&str>,
        phone: Option<&str>,
        events: &[Uuid],
    ) {
        self.remove(id);
        let mut toks = tokens(&format!("{first} {last}"));
        let glued = glue_initials(toks.clone());
        for g in glued {
            if !toks.contains(&g) {
                toks.push(g);
            }
        }
        let terms: Vec<u32> = toks.iter().map(|t| self.intern_term(t)).collect();
        let events: Vec<u32> = events.iter().map(|e| self.intern_event(*e)).collect();
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.entries.push(None);
                self.hits.push(0);
                self.worst.push(0);
                self.sum.push(0);
                (self.entries.len() - 1) as u32
            }
        };
        for t in &terms {
            let p = &mut self.postings[*t as usize];
            if p.last() != Some(&slot) {
                p.push(slot);
            }
        }
        let email: Option<Box<str>> = email
            .filter(|e| !e.is_empty())
            .map(|e| e.to_lowercase().into());
        if let Some(e) = &email {
            self.emails.entry(e.clone()).or_default().push(slot);
        }
        let phone: Option<Box<str>> = phone
            .map(phone_digits)
            .filter(|p| p.len() >= 4)
            .map(Into::into);
        if let Some(p) = &phone {
            self.phones.entry(p.clone()).or_default().push(slot);
        }
        let sort_key = format!("{} {}", fold(last), fold(first)).into();
        self.entries[slot as usize] = Some(Entry {
            id,
            terms,
            email,
            phone,
            events,
            sort_key,
        });
        self.slot_of.insert(id, slot);
    }

    /// Removes a visitor (merged away, erased, or about to be re-added).
    pub fn remove(&mut self, id: Uuid) {
        let Some(slot) = self.slot_of.remove(&id) else {
            return;
        };
        if let Some(e) = self.entries[slot as usize].take() {
            for t in &e.terms {
                self.postings[*t as usize].retain(|s| *s != slot);
            }
            if let Some(em) = &e.email {
                if let Some(v) = self.emails.get_mut(em) {
                    v.retain(|s| *s != slot);
                }
            }
            if let Some(p) = &e.phone {
                if let Some(v) = self.phones.get_mut(p) {
                    v.retain(|s| *s != slot);
                }
            }
        }
        self.free.push(slot);
    }

    /// Searches; `event` ranks that event's registered people first.
    pub fn search(&mut self, query: &str, event: Option<Uuid>, limit: usize) -> Vec<IndexHit> {
        let ev = event.and_then(|e| self.event_idx.get(&e).copied());
        let q = query.trim();
        if q.is_empty() || limit == 0 {
            return vec![];
        }
        let qtoks: Vec<String> = tokens(q);
        let mut per_token: Vec<Vec<(u32, Quality)>> = Vec::new();
        if q.contains('@') {
            per_token.push(self.prefix_map(&self.emails, &q.to_lowercase()));
        } else if is_phone_like(q) {
            per_token.push(self.prefix_map(&self.phones, &phone_digits(q)));
        } else {
            if qtoks.is_empty() {
                return vec![];
            }
            // "n diaye" also as "ndiaye", in case it was typed N'Diaye.
            let glued = glue_initials(qtoks.clone());
            let qtoks = if glued.len() < qtoks.len() {
                glued
            } else {
                qtoks
            };
            for t in &qtoks {
                per_token.push(self.token_matches(t));
            }
        }
        self.rank(per_token, ev, limit)
    }

    fn prefix_map(&self, map: &BTreeMap<Box<str>, Vec<u32>>, q: &str) -> Vec<(u32, Quality)> {
        let mut out = Vec::new();
        for (k, slots) in
            map.range::<str, _>((std::ops::Bound::Included(q), std::ops::Bound::Unbounded))
        {
            if !k.starts_with(q) {
                break;
            }
            let quality = if &**k == q {
                Quality::Exact
            } else {
                Quality::Prefix
            };
            out.extend(slots.iter().map(|s| (*s, quality)));
        }
        out
    }

    /// Every (slot, quality) a query token matches, best qualities first.
    fn token_matches(&self, t: &str) -> Vec<(u32, Quality)> {
        let mut out = Vec::new();
        let mut exact_term = None;
        if let Some(id) = self.term_id.get(t) {
            exact_term = Some(*id);
            out.extend(
                self.postings[*id as usize]
                    .iter()
                    .map(|s| (*s, Quality::Exact)),
            );
        }
        for (k, id) in self
            .term_id
            .range::<str, _>((std::ops::Bound::Excluded(t), std::ops::Bound::Unbounded))
        {
            if !k.starts_with(t) {
                break;
            }
            out.extend(
                self.postings[*id as usize]
                    .iter()
                    .map(|s| (*s, Quality::Prefix)),
            );
        }
        if t.chars().count() >= MIN_TYPO_LEN {
            let mut cands: Vec<u32> = Vec::new();
            if let Some(l) = self.deletes.get(&hash(t)) {
                cands.extend(l);
            }
            for v in deletions(t) {
                if let Some(l) = self.deletes.get(&hash(&v)) {
                    cands.extend(l);
                }
            }
            cands.sort_unstable();
            cands.dedup();
            for id in cands {
                if Some(id) == exact_term {
                    continue;
                }
                let term = &self.term_text[id as usize];
                if term.starts_with(t) {
                    continue; // already a prefix hit
                }
                if osa_distance_le1(t, term) {
                    out.extend(
                        self.postings[id as usize]
                            .iter()
                            .map(|s| (*s, Quality::Typo)),
                    );
                }
            }
        }
        out
    }

    fn rank(
        &mut self,
        per_token: Vec<Vec<(u32, Quality)>>,
        ev: Option<u32>,
        limit: usize,
    ) -> Vec<IndexHit> {
        let n = per_token.len() as u8;
        for (i, matches) in per_token.iter().enumerate() {
            let i = i as u8;
            for &(slot, q) in matches {
                let s = slot as usize;
                if self.hits[s] == i {
                    if i == 0 {
                        self.touched.push(slot);
                        self.worst[s] = 0;
                        self.sum[s] = 0;
                    }
                    self.hits[s] = i + 1;
                    self.worst[s] = self.worst[s].max(q as u8);
                    self.sum[s] += q as u16;
                }
            }
        }
        let mut cands: Vec<(bool, u8, u16, u32)> = Vec::new();
        for &slot in &self.touched {
            let s = slot as usize;
            if self.hits[s] == n {
                if let Some(e) = &self.entries[s] {
                    let registered = ev.is_some_and(|ev| e.events.contains(&ev));
                    cands.push((!registered, self.worst[s], self.sum[s], slot));
                }
            }
        }
        for &slot in &self.touched {
            self.hits[slot as usize] = 0;
        }
        self.touched.clear();
        let entries = &self.entries;
        let key = |c: &(bool, u8, u16, u32)| {
            let sk = entries[c.3 as usize]
                .as_ref()
                .map(|e| &*e.sort_key)
                .unwrap_or("");
            (c.0, c.1, c.2, sk)
        };
        let cmp = |a: &(bool, u8, u16, u32), b: &(bool, u8, u16, u32)| {
            key(a).cmp(&key(b)).then(a.3.cmp(&b.3))
        };
        if cands.len() > limit {
            cands.select_nth_unstable_by(limit - 1, cmp);
            cands.truncate(limit);
        }
        cands.sort_unstable_by(cmp);
        cands
            .into_iter()
            .filter_map(|(unreg, worst, _, slot)| {
                let e = self.entries[slot as usize].as_ref()?;
                Some(IndexHit {
                    visitor_id: e.id,
                    quality: match worst {
                        0 => Quality::Exact,
                        1 => Quality::Prefix,
                        _ => Quality::Typo,
                    },
                    registered: !unreg,
                })
            })
            .collect()
    }
}

type LiveRow = (Uuid, String, String, Option<String>, Option<String>);
type VisitorRow = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Visitors written since `since` (all on the first build), in pages.
async fn changed_visitors(pool: &SqlitePool, since: i64) -> Result<Vec<VisitorRow>> {
    if since >= 0 {
        // A refresh after a few writes: the `rev` index finds them directly.
        return Ok(sqlx::query_as(
            "SELECT hex(v.id), v.first_name, v.last_name, v.email, v.phone, hex(a.root)
             FROM visitor v LEFT JOIN alias a ON a.id = v.id WHERE v.rev > ?",
        )
        .bind(since)
        .fetch_all(pool)
        .await?);
    }
    let mut out = Vec::new();
    let mut after = 0_i64;
    loop {
        let (rows, last) = json_page::<VisitorRow>(
            pool,
            "SELECT v.rowid, json_array(hex(v.id), v.first_name, v.last_name, v.email, v.phone, hex(a.root))
             FROM visitor v LEFT JOIN alias a ON a.id = v.id WHERE v.rowid > ? AND v.rev > ?",
            after,
            since,
        )
        .await?;
        out.extend(rows);
        match last {
            Some(l) => after = l,
            None => return Ok(out),
        }
    }
}

/// One page of `select` (which yields `rowid, json_array(...)` and takes
/// `rowid > ?` then one more parameter) as a single JSON document. sqlx hands
/// rows over one at a time between threads; for 100,000 people that hand-over
/// cost more than reading them, so SQLite builds the page as one string.
async fn json_page<T: serde::de::DeserializeOwned>(
    pool: &SqlitePool,
    select: &str,
    after: i64,
    extra: i64,
) -> Result<(Vec<T>, Option<i64>)> {
    const PAGE: i64 = 20_000;
    let sql = format!("WITH page(rid, j) AS ({select} ORDER BY 1 LIMIT {PAGE}) SELECT max(rid), json_group_array(json(j)) FROM page");
    let (last, doc): (Option<i64>, String) = if select.matches('?').count() == 2 {
        sqlx::query_as(&sql)
            .bind(after)
            .bind(extra)
            .fetch_one(pool)
            .await?
    } else {
        sqlx::query_as(&sql).bind(after).fetch_one(pool).await?
    };
    let rows: Vec<T> = serde_json::from_str(&doc)
        .map_err(|e| crate::Error::Corrupt(format!("search page: {e}")))?;
    Ok((rows, last))
}

fn is_phone_like(q: &str) -> bool {
    let digits = q.chars().filter(|c| c.is_ascii_digit()).count();
    digits >= 4
        && q.chars()
            .all(|c| c.is_ascii_digit() || " +.-()".contains(c))
}

fn deletions(t: &str) -> Vec<String> {
    let chars: Vec<char> = t.chars().collect();
    (0..chars.len())
        .map(|i| {
            chars
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, c)| *c)
                .collect()
        })
        .collect()
}

fn hash(s: &str) -> u64 {
    let mut h = DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> (SearchIndex, Vec<Uuid>, Uuid) {
        let mut ix = SearchIndex::new();
        let ev = Uuid::from_u128(99);
        let people = [
            (
                "Éloïse",
                "N'Diaye-Lefèvre",
                Some("eloise.ndiaye@example.org"),
                Some("+33612345678"),
                true,
            ),
            ("Łukasz", "Nowak", None, None, false),
            ("Marie", "Martin", None, None, false),
            ("Martine", "Dubois", None, None, true),
            ("Ömer", "Yılmaz", None, None, false),
            ("Chloé", "Marin", None, None, false),
        ];
        let mut ids = vec![];
        for (i, (f, l, e, p, reg)) in people.iter().enumerate() {
            let id = Uuid::from_u128(i as u128 + 1);
            let events = if *reg { vec![ev] } else { vec![] };
            ix.upsert(id, f, l, *e, *p, &events);
            ids.push(id);
        }
        (ix, ids, ev)
    }

    #[test]
    fn finds_eloise_by_every_part_of_her_name_without_accents() {
        let (mut ix, ids, ev) = index();
        for q in [
            "eloise",
            "ELOÏSE",
            "ndiaye",
            "N'Diaye",
            "lefevre",
            "diaye",
            "elo",
            "eloise lefevre",
        ] {
            let hits = ix.search(q, Some(ev), 10);
            assert_eq!(
                hits.first().map(|h| h.visitor_id),
                Some(ids[0]),
                "query {q:?} must find Éloïse first: {hits:?}"
            );
        }
    }

    #[test]
    fn special_letters_fold() {
        let (mut ix, ids, _) = index();
        assert_eq!(ix.search("lukasz", None, 5)[0].visitor_id, ids[1]);
        assert_eq!(ix.search("omer yilmaz", None, 5)[0].visitor_id, ids[4]);
    }

    #[test]
    fn one_typo_is_tolerated_on_long_tokens_only() {
        let (mut ix, ids, _) = index();
        let hits = ix.search("nowka", None, 5);
        assert_eq!(
            hits.first().map(|h| (h.visitor_id, h.quality)),
            Some((ids[1], Quality::Typo))
        );
        assert!(
            ix.search("nwk", None, 5).is_empty(),
            "three letters: no typo tolerance"
        );
        assert!(
            ix.search("nowkaa", None, 5).is_empty(),
            "two typos are too many"
        );
    }

    #[test]
    fn ranking_puts_registered_first_then_exact_before_prefix_before_typo() {
        let (mut ix, ids, ev) = index();
        let hits = ix.search("marti", Some(ev), 10);
        assert_eq!(
            hits[0].visitor_id, ids[3],
            "Martine is registered for the event: first"
        );
        let hits = ix.search("martin", None, 10);
        let order: Vec<(Uuid, Quality)> = hits.iter().map(|h| (h.visitor_id, h.quality)).collect();
        assert_eq!(
            order[0],
            (ids[2], Quality::Exact),
            "Martin exact first: {order:?}"
        );
        assert_eq!(
            order[1],
            (ids[3], Quality::Prefix),
            "then Martine by prefix"
        );
        assert_eq!(order[2], (ids[5], Quality::Typo), "then Marin by one typo");
    }

    #[test]
    fn email_and_phone_digits_find_people() {
        let (mut ix, ids, _) = index();
        assert_eq!(ix.search("eloise.ndiaye@", None, 5)[0].visitor_id, ids[0]);
        assert_eq!(ix.search("06 12 34", None, 5)[0].visitor_id, ids[0]);
    }

    #[test]
    fn removed_people_are_not_found() {
        let (mut ix, ids, _) = index();
        ix.remove(ids[1]);
        assert!(ix.search("nowak", None, 5).is_empty());
        ix.upsert(ids[1], "Lukas", "Nowak", None, None, &[]);
        assert_eq!(
            ix.search("nowak", None, 5).len(),
            1,
            "re-added once, not twice"
        );
    }
}
