//! The check-in desk's search index, in memory, refreshed from the store.
//!
//! Staff type three letters or a scanner types a code: results must come back
//! in milliseconds over 1,000,000 people, ignoring accents, case and
//! punctuation, tolerating one typo. SQL `LIKE` cannot do that (see
//! `docs/benchmarks.md`), so the index keeps, for every live (not merged, not
//! erased) visitor, their folded name tokens in a sorted term dictionary with
//! posting lists, plus a deletion dictionary (SymSpell-style: every term with
//! one letter removed) for one-typo look-ups, and email and phone tables.
//!
//! Two parts (`docs/architecture.md`, "Search"):
//! - [`base`]: compact and immutable, people numbered in result order, so a
//!   query walks posting lists in that order and stops once the best `limit`
//!   are certain (no ranking of every candidate); written to
//!   `escale.db-search` next to the store, with the `rev` it is current at,
//!   and read back at start-up (the desk and one-shot `escale search` do not
//!   rebuild it);
//! - [`dynamic`]: the people written since (they are killed in the base),
//!   ranked in full; past a threshold both are compacted into a new base,
//!   which is written again.
//!
//! Freshness: every write transaction bumps the store's `rev` counter and
//! stamps the visitors it touched. [`SearchIndex::refresh`] compares counters
//! (one cheap query) and reloads only what changed — including writes made by
//! another process, such as the CLI next to the desktop app. So a write is
//! visible to the next search.
//!
//! Ranking: people registered for the event first, then exact > prefix >
//! typo (worst token, then sum), then alphabetical (folded last name, first
//! name), then by id.

mod base;
mod dynamic;

use crate::error::Result;
use crate::store::parse_uuid;
use crate::text::{fold, glue_initials, phone_digits, tokens};
use base::Base;
use dynamic::Dynamic;
use serde::Serialize;
use sqlx::{Row, SqlitePool};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
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

const MIN_TYPO_LEN: usize = 4;

/// A person as the index sees them.
#[derive(Debug, Clone, PartialEq)]
struct Person {
    id: Uuid,
    /// Folded "last first": the alphabetical order of results.
    sort_key: String,
    terms: Vec<String>,
    email: Option<String>,
    phone: Option<String>,
    events: Vec<Uuid>,
}

impl Person {
    fn new(
        id: Uuid,
        first: &str,
        last: &str,
        email: Option<&str>,
        phone: Option<&str>,
        events: &[Uuid],
    ) -> Person {
        let mut terms = tokens(&format!("{first} {last}"));
        let glued = glue_initials(terms.clone());
        for g in glued {
            if !terms.contains(&g) {
                terms.push(g);
            }
        }
        Person {
            id,
            sort_key: format!("{} {}", fold(last), fold(first)),
            terms,
            email: email.filter(|e| !e.is_empty()).map(|e| e.to_lowercase()),
            phone: phone.map(phone_digits).filter(|p| p.len() >= 4),
            events: events.to_vec(),
        }
    }
}

/// What was typed, read as an email, a phone number or name tokens.
enum Query {
    Email(String),
    Phone(String),
    Names(Vec<String>),
}

/// A hit with what orders it (in this field order).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Ranked {
    unregistered: bool,
    worst: u8,
    sum: u16,
    sort_key: String,
    id: Uuid,
}

/// The file next to the store that keeps the base between processes.
pub fn cache_path(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(CACHE_SUFFIX);
    PathBuf::from(p)
}

/// `escale.db` + this: the search index's file (derived, local, never
/// synced; deleted when an erasure commits).
pub const CACHE_SUFFIX: &str = "-search";

/// The file's first bytes; the version changes whenever what the base holds
/// or how text is folded changes (an older file is then rebuilt).
const MAGIC: &[u8; 8] = b"ESCSRCH1";
/// The file of an encrypted store's index: this, a nonce, then the plain
/// file's bytes sealed (XChaCha20-Poly1305) with a key derived from the
/// store's.
const SEALED: &[u8; 8] = b"ESCSRCE1";

/// Changed people kept in the dynamic part before a compaction: a share of
/// the base (a compaction of 1,000,000 people is about a second), at least
/// a thousand.
fn compact_threshold(base: usize) -> usize {
    (base / 32).max(1_000)
}

#[derive(Default)]
pub struct SearchIndex {
    rev: i64,
    built: bool,
    base: Base,
    delta: Dynamic,
    /// Seals the index's file (see [`SearchIndex::seal_cache_with`]).
    cache_key: Option<[u8; 32]>,
}

impl SearchIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of live people in the index.
    pub fn len(&self) -> usize {
        self.base.live() + self.delta.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Heap bytes held by the compact part, and people in the dynamic part.
    pub fn footprint(&self) -> (usize, usize) {
        (self.base.heap_bytes(), self.delta.len())
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
        self.base.kill(id);
        self.delta
            .upsert(Person::new(id, first, last, email, phone, events));
    }

    /// Removes a visitor (merged away, erased, or about to be re-added);
    /// true if they were in the compact part.
    pub fn remove(&mut self, id: Uuid) -> bool {
        self.delta.remove(id);
        self.base.kill(id)
    }

    /// Every visitor in the dynamic part only, which ranks every candidate:
    /// how the whole index worked before the compact base, kept as the
    /// benchmark's same-run baseline (time and memory).
    #[doc(hidden)]
    pub async fn build_uncompacted(pool: &SqlitePool) -> Result<SearchIndex> {
        let mut ix = SearchIndex::new();
        for p in all_people(pool).await? {
            ix.delta.upsert(p);
        }
        ix.built = true;
        ix.rev = i64::MAX;
        Ok(ix)
    }

    /// Folds the dynamic part into a new compact base.
    pub fn compact(&mut self) {
        let mut people = self.base.persons();
        people.extend(self.delta.persons());
        self.base = Base::build(people);
        self.delta = Dynamic::default();
    }

    /// Searches; `event` ranks that event's registered people first.
    pub fn search(&mut self, query: &str, event: Option<Uuid>, limit: usize) -> Vec<IndexHit> {
        let q = query.trim();
        if q.is_empty() || limit == 0 {
            return vec![];
        }
        let query = if q.contains('@') {
            Query::Email(q.to_lowercase())
        } else if is_phone_like(q) {
            Query::Phone(phone_digits(q))
        } else {
            let qtoks: Vec<String> = tokens(q);
            if qtoks.is_empty() {
                return vec![];
            }
            // "n diaye" also as "ndiaye", in case it was typed N'Diaye.
            let glued = glue_initials(qtoks.clone());
            Query::Names(if glued.len() < qtoks.len() {
                glued
            } else {
                qtoks
            })
        };
        let mut hits = self.base.search(&query, event, limit);
        hits.extend(self.delta.search(&query, event, limit));
        hits.sort_unstable();
        hits.truncate(limit);
        hits.into_iter()
            .map(|h| IndexHit {
                visitor_id: h.id,
                quality: match h.worst {
                    0 => Quality::Exact,
                    1 => Quality::Prefix,
                    _ => Quality::Typo,
                },
                registered: !h.unregistered,
            })
            .collect()
    }

    /// Brings the index up to date with the store. Cheap when nothing changed.
    pub async fn refresh(&mut self, pool: &SqlitePool) -> Result<()> {
        self.refresh_with(pool, None).await
    }

    /// As [`SearchIndex::refresh`], with the index's file: read at the first
    /// refresh instead of loading every visitor (only the changes since it
    /// was written are read), and written again after a full build or a
    /// compaction, or when an erasure removed someone it holds.
    /// The key the index's file is sealed with (an encrypted store's index
    /// holds names: its file is encrypted too).
    pub fn seal_cache_with(&mut self, key: Option<[u8; 32]>) {
        self.cache_key = key;
    }

    pub async fn refresh_with(&mut self, pool: &SqlitePool, cache: Option<&Path>) -> Result<()> {
        let rev: i64 = sqlx::query_scalar("SELECT int_value FROM local WHERE key = 'rev'")
            .fetch_optional(pool)
            .await?
            .flatten()
            .unwrap_or(0);
        if self.built && rev == self.rev {
            return Ok(());
        }
        let owner = match cache {
            Some(_) => owner(pool).await?,
            None => None,
        };
        if !self.built {
            if let (Some(path), Some(owner)) = (cache, &owner) {
                if let Some((base, at)) = read_cache(path, owner, rev, self.cache_key).await {
                    self.base = base;
                    self.rev = at;
                    self.built = true;
                    if at == rev {
                        return Ok(());
                    }
                }
            }
        }
        let mut write = false;
        if !self.built {
            self.base = Base::build(all_people(pool).await?);
            self.delta = Dynamic::default();
            write = true;
        } else {
            write |= self.apply_changes(pool, self.rev).await?;
            if self.delta.len() > compact_threshold(self.base.live()) {
                self.compact();
                write = true;
            }
        }
        self.rev = rev;
        self.built = true;
        if let (true, Some(path), Some(owner)) = (write, cache, owner) {
            if self.delta.len() > 0 {
                self.compact();
            }
            write_cache(path, &owner, rev, &self.base, self.cache_key).await;
        }
        Ok(())
    }

    /// Applies the visitors changed since `since`; true if an erasure
    /// removed someone the compact part held (its file must go).
    async fn apply_changes(&mut self, pool: &SqlitePool, since: i64) -> Result<bool> {
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
        let events = load_events(pool, &live, live.len() > 5_000).await?;
        for (id, first, last, email, phone) in live {
            let ev = events.get(&id).cloned().unwrap_or_default();
            self.upsert(id, &first, &last, email.as_deref(), phone.as_deref(), &ev);
        }
        let erased: Vec<String> =
            sqlx::query_scalar("SELECT hex(visitor_id) FROM erased WHERE rev > ?")
                .bind(since)
                .fetch_all(pool)
                .await?;
        let mut held = false;
        for e in erased {
            held |= self.remove(parse_uuid(&e)?);
        }
        Ok(held)
    }
}

/// Every live visitor with their events: the first build.
async fn all_people(pool: &SqlitePool) -> Result<Vec<Person>> {
    let rows = changed_visitors(pool, -1).await?;
    let events = load_events(pool, &[], true).await?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, first, last, email, phone, root) in rows {
        if root.is_some_and(|r| !r.is_empty()) {
            continue;
        }
        let id = parse_uuid(&id)?;
        let ev = events.get(&id).map(Vec::as_slice).unwrap_or(&[]);
        out.push(Person::new(
            id,
            first.as_deref().unwrap_or(""),
            last.as_deref().unwrap_or(""),
            email.as_deref(),
            phone.as_deref(),
            ev,
        ));
    }
    Ok(out)
}

/// The organisation and device of the store (a file written for another
/// store, e.g. before a snapshot was adopted, is not read).
async fn owner(pool: &SqlitePool) -> Result<Option<[u8; 32]>> {
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT key, text_value FROM local WHERE key IN ('org_id', 'device_id') ORDER BY key DESC",
    )
    .fetch_all(pool)
    .await?;
    let ids: Vec<Uuid> = rows
        .iter()
        .filter_map(|(_, v)| Uuid::parse_str(v.as_deref()?).ok())
        .collect();
    Ok(match ids.as_slice() {
        [org, dev] => {
            let mut o = [0_u8; 32];
            o[..16].copy_from_slice(org.as_bytes());
            o[16..].copy_from_slice(dev.as_bytes());
            Some(o)
        }
        _ => None,
    })
}

/// The base in the file, and the `rev` it is current at, if the file is
/// this store's, not ahead of it, and whole.
async fn read_cache(
    path: &Path,
    owner: &[u8; 32],
    rev: i64,
    key: Option<[u8; 32]>,
) -> Option<(Base, i64)> {
    let path = path.to_path_buf();
    let owner = *owner;
    tokio::task::spawn_blocking(move || {
        let bytes = std::fs::read(&path).ok()?;
        // A plain file for an encrypted store (or the reverse) is rebuilt.
        let bytes = match key {
            Some(k) => unseal(&k, &bytes)?,
            None if bytes.starts_with(SEALED) => return None,
            None => bytes,
        };
        let mut r = base::Reader::new(&bytes);
        if r.take(8)? != MAGIC || r.take(32)? != owner {
            return None;
        }
        let at = r.u64()? as i64;
        if at > rev {
            return None; // an older copy of the store: rebuild
        }
        Some((Base::from_bytes(&mut r)?, at))
    })
    .await
    .ok()
    .flatten()
}

/// Writes the base (replacing the file at once); a failure only costs a
/// rebuild at the next start.
async fn write_cache(path: &Path, owner: &[u8; 32], rev: i64, base: &Base, key: Option<[u8; 32]>) {
    let mut header = Vec::with_capacity(48);
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(owner);
    header.extend_from_slice(&rev.to_le_bytes());
    let bytes = base.to_bytes(&header);
    let bytes = match key {
        Some(k) => match seal(&k, bytes) {
            Some(b) => b,
            None => return,
        },
        None => bytes,
    };
    let path = path.to_path_buf();
    let done = tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        let mut tmp = path.clone().into_os_string();
        tmp.push(format!(".{}", Uuid::new_v4().simple()));
        let tmp = PathBuf::from(tmp);
        std::fs::write(&tmp, &bytes)?;
        std::fs::rename(&tmp, &path).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    })
    .await;
    // Not written (disk full, read-only directory): the next process
    // builds the index again, nothing else depends on the file.
    let _ = done;
}

/// Event ids each (root) visitor is actively registered for.
async fn load_events(
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
        let base = "SELECT hex(COALESCE(a.root, r.visitor_id)), hex(r.event_id) FROM registration r
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

/// FNV-1a: stable across builds and toolchains (the deletion hashes are
/// written to `escale.db-search`; std's hasher may change between releases).
fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn seal(key: &[u8; 32], mut bytes: Vec<u8>) -> Option<Vec<u8>> {
    use chacha20poly1305::aead::{AeadInPlace, KeyInit};
    use chacha20poly1305::{XChaCha20Poly1305, XNonce};
    let nonce: [u8; 24] = rand::random();
    XChaCha20Poly1305::new(key.into())
        .encrypt_in_place(XNonce::from_slice(&nonce), SEALED, &mut bytes)
        .ok()?;
    let mut out = Vec::with_capacity(bytes.len() + 32);
    out.extend_from_slice(SEALED);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&bytes);
    Some(out)
}

fn unseal(key: &[u8; 32], bytes: &[u8]) -> Option<Vec<u8>> {
    use chacha20poly1305::aead::{AeadInPlace, KeyInit};
    use chacha20poly1305::{XChaCha20Poly1305, XNonce};
    let rest = bytes.strip_prefix(SEALED.as_slice())?;
    if rest.len() < 24 {
        return None;
    }
    let (nonce, sealed) = rest.split_at(24);
    let mut plain = sealed.to_vec();
    XChaCha20Poly1305::new(key.into())
        .decrypt_in_place(XNonce::from_slice(nonce), SEALED, &mut plain)
        .ok()?;
    Some(plain)
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

    /// The people of `index()` again, plus many namesakes, in a base.
    fn crowd(n: usize, seed: u64) -> (Vec<Person>, Vec<Uuid>) {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let events: Vec<Uuid> = (0..3).map(|i| Uuid::from_u128(1_000 + i)).collect();
        let people = (0..n)
            .map(|i| {
                let (first, last, email, phone, _) = crate::demo::person(&mut rng, i);
                // The first event has few registered people, the second most.
                let mut ev = vec![];
                if rng.gen_bool(0.03) {
                    ev.push(events[0]);
                }
                if rng.gen_bool(0.8) {
                    ev.push(events[1]);
                }
                Person::new(
                    Uuid::from_u128(rng.gen::<u128>()),
                    &first,
                    &last,
                    Some(&email).filter(|_| i % 7 != 0).map(String::as_str),
                    Some(&phone).filter(|_| i % 5 != 0).map(String::as_str),
                    &ev,
                )
            })
            .collect();
        (people, events)
    }

    fn queries(seed: u64) -> Vec<String> {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let mut out: Vec<String> = [
            "m",
            "ma",
            "mar",
            "martin",
            "marti",
            "amrtin",
            "martni",
            "marie martin",
            "mar mar",
            "n diaye",
            "ndiaye",
            "le g",
            "ben ali",
            "eloise.",
            "eloise.martin1",
            "06 99",
            "0699",
            "zzz",
            "lefevre martin",
            "j b",
            "nguyen",
            "e",
            "chloe@",
            "@",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for _ in 0..200 {
            fn pick(rng: &mut rand::rngs::StdRng, l: &[&'static str]) -> &'static str {
                l[rng.gen_range(0..l.len())]
            }
            let first = crate::text::fold(pick(&mut rng, crate::demo::FIRST_NAMES));
            let last = crate::text::fold(pick(&mut rng, crate::demo::LAST_NAMES));
            let mut typo: Vec<char> = last.chars().collect();
            if typo.len() >= 4 {
                let i = rng.gen_range(1..typo.len());
                typo.swap(i - 1, i);
            }
            let cut = rng.gen_range(1..=first.len().min(5));
            out.push(first.chars().take(cut).collect());
            out.push(format!("{first} {last}"));
            out.push(format!(
                "{} {}",
                &last.chars().take(3).collect::<String>(),
                &first.chars().take(2).collect::<String>()
            ));
            out.push(typo.into_iter().collect());
        }
        out
    }

    fn both(people: &[Person]) -> (SearchIndex, SearchIndex) {
        let mut dynamic = SearchIndex::new();
        for p in people {
            dynamic.delta.upsert(p.clone());
        }
        let mut compact = SearchIndex::new();
        compact.base = Base::build(people.to_vec());
        (dynamic, compact)
    }

    /// The compact base's walk stops early; it must rank exactly as ranking
    /// every candidate does, at every cap, with and without an event, for
    /// events with few and with most people registered.
    #[test]
    fn the_compact_base_ranks_exactly_as_ranking_every_candidate_at_every_cap() {
        let (people, events) = crowd(4_000, 3);
        let (mut dynamic, mut compact) = both(&people);
        let mut compared = 0;
        for q in queries(5) {
            for ev in [None, Some(events[0]), Some(events[1]), Some(events[2])] {
                for limit in [1, 3, 10, 40] {
                    let a = dynamic.search(&q, ev, limit);
                    let b = compact.search(&q, ev, limit);
                    assert_eq!(a, b, "query {q:?}, event {ev:?}, limit {limit}");
                    compared += !a.is_empty() as usize;
                }
            }
        }
        assert!(compared > 1_000, "the queries find people: {compared}");
    }

    /// People changed after the base was built live in the dynamic part:
    /// together they answer as one index holding everyone's latest version.
    #[test]
    fn changes_after_the_base_rank_with_it_as_one_index() {
        let (mut people, events) = crowd(3_000, 9);
        let (_, mut mixed) = both(&people);
        // Rename, re-register, remove some; add newcomers.
        let (newcomers, _) = crowd(300, 10);
        for (i, p) in people.iter_mut().enumerate().filter(|(i, _)| i % 11 == 0) {
            p.sort_key = format!("martin {i}");
            p.terms = vec!["martin".into(), format!("m{i}")];
            p.events = if i % 2 == 0 { vec![events[0]] } else { vec![] };
            mixed.base.kill(p.id);
            mixed.delta.upsert(p.clone());
        }
        let removed: Vec<Uuid> = people.iter().step_by(13).map(|p| p.id).collect();
        for id in &removed {
            mixed.remove(*id);
        }
        people.retain(|p| !removed.contains(&p.id));
        for p in &newcomers {
            mixed.delta.upsert(p.clone());
        }
        people.extend(newcomers);
        assert_eq!(mixed.len(), people.len());
        let (mut reference, _) = both(&people);
        let mut compacted = SearchIndex::new();
        compacted.base = Base::build(mixed.base.persons());
        for p in mixed.delta.persons() {
            compacted.delta.upsert(p);
        }
        compacted.compact();
        for q in queries(11).iter().step_by(3) {
            for ev in [None, Some(events[0]), Some(events[1])] {
                let want = reference.search(q, ev, 10);
                assert_eq!(mixed.search(q, ev, 10), want, "mixed: {q:?} {ev:?}");
                assert_eq!(compacted.search(q, ev, 10), want, "compacted: {q:?} {ev:?}");
            }
        }
    }

    #[test]
    fn the_base_reads_back_what_it_wrote_and_refuses_a_damaged_file() {
        let (people, _) = crowd(500, 4);
        let base = Base::build(people);
        let bytes = base.to_bytes(b"HEAD");
        let mut r = base::Reader::new(&bytes);
        assert_eq!(r.take(4), Some(&b"HEAD"[..]));
        assert_eq!(Base::from_bytes(&mut r).as_ref(), Some(&base));
        for cut in [10, bytes.len() / 2, bytes.len() - 1] {
            let mut r = base::Reader::new(&bytes[4..cut]);
            assert!(Base::from_bytes(&mut r).is_none(), "cut at {cut}");
        }
        // A posting naming a person past the end is refused, not a panic later.
        let mut bad = bytes.clone();
        let n = bad.len();
        bad[n - 4..].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(Base::from_bytes(&mut base::Reader::new(&bad[4..])).is_none());
    }

    #[test]
    fn the_fixed_people_are_found_alike_once_compacted() {
        let (mut ix, ids, ev) = index();
        let qs = [
            "eloise",
            "ELOÏSE",
            "ndiaye",
            "N'Diaye",
            "lefevre",
            "elo",
            "eloise lefevre",
            "lukasz",
            "omer yilmaz",
            "nowka",
            "nwk",
            "marti",
            "martin",
            "eloise.ndiaye@",
            "06 12 34",
        ];
        let before: Vec<_> = qs.iter().map(|q| ix.search(q, Some(ev), 10)).collect();
        ix.compact();
        assert_eq!(ix.delta.len(), 0);
        assert_eq!(ix.len(), ids.len());
        let after: Vec<_> = qs.iter().map(|q| ix.search(q, Some(ev), 10)).collect();
        assert_eq!(before, after);
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
