//! The compact, immutable part of the index, and its file.
//!
//! People are numbered by their place in the result order (`rank`: folded
//! last name, first name, then id), so every posting list — the people of a
//! term, of an event — is sorted in result order: a query walks the lists of
//! its rarest token in that order, checks the other tokens on each person's
//! few terms, and stops as soon as the best class a result can have
//! (registered, exact…) holds `limit` people. Three letters typed among a
//! million people read a few dozen postings, not the tens of thousands that
//! match.
//!
//! Everything is flat arrays of integers and concatenated strings (no
//! allocation per person), which is what makes it small in memory and quick
//! to write to and read from `escale.db-search` (see [`Base::to_bytes`]).
//! People changed since the base was built are killed here (a bit) and live
//! in the dynamic part until the next compaction.

use super::{deletions, fnv, Person, Query, Ranked, MIN_TYPO_LEN};
use crate::text::osa_distance_le1;
use std::collections::{BinaryHeap, HashMap};
use uuid::Uuid;

/// Sorted (or positional) strings, concatenated.
#[derive(Default, Debug, PartialEq)]
struct Strs {
    bytes: Vec<u8>,
    ends: Vec<u32>,
}

impl Strs {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, i: usize) -> &[u8] {
        let s = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.bytes[s..self.ends[i] as usize]
    }

    fn text(&self, i: usize) -> String {
        String::from_utf8_lossy(self.get(i)).into_owned()
    }

    fn push(&mut self, s: &[u8]) {
        self.bytes.extend_from_slice(s);
        self.ends.push(self.bytes.len() as u32);
    }

    /// The indexes of the strings that start with `prefix` (sorted strings).
    fn prefix_range(&self, prefix: &[u8]) -> (usize, usize) {
        let lo = partition(0, self.len(), |i| self.get(i) < prefix);
        let hi = partition(lo, self.len(), |i| self.get(i).starts_with(prefix));
        (lo, hi)
    }

    fn check(&self) -> bool {
        self.ends.windows(2).all(|w| w[0] <= w[1])
            && self.ends.last().map_or(0, |e| *e as usize) == self.bytes.len()
    }
}

/// The first `i` in `lo..hi` for which `pred` is false (`pred` true then false).
fn partition(mut lo: usize, mut hi: usize, pred: impl Fn(usize) -> bool) -> usize {
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Lists of numbers, one per row, concatenated.
#[derive(Default, Debug, PartialEq)]
struct Csr {
    start: Vec<u32>,
    items: Vec<u32>,
}

impl Csr {
    fn from_lists<I: IntoIterator<Item = Vec<u32>>>(lists: I) -> Csr {
        let mut c = Csr {
            start: vec![0],
            items: vec![],
        };
        for l in lists {
            c.items.extend(l);
            c.start.push(c.items.len() as u32);
        }
        c
    }

    fn get(&self, i: usize) -> &[u32] {
        &self.items[self.start[i] as usize..self.start[i + 1] as usize]
    }

    fn rows(&self) -> usize {
        self.start.len().saturating_sub(1)
    }

    /// Rows well formed, every item below `bound`.
    fn check(&self, rows: usize, bound: usize) -> bool {
        self.start.len() == rows + 1
            && self.start[0] == 0
            && self.start.windows(2).all(|w| w[0] <= w[1])
            && self.start[rows] as usize == self.items.len()
            && self.items.iter().all(|i| (*i as usize) < bound)
    }
}

#[derive(Default, Debug, PartialEq)]
pub(super) struct Base {
    /// By rank.
    ids: Vec<Uuid>,
    sort_keys: Strs,
    person_terms: Csr,
    person_events: Csr,
    /// Interned events, and each one's people (ranks, sorted).
    events: Vec<Uuid>,
    event_members: Csr,
    /// The term dictionary, sorted (a prefix is a range of term ids), and
    /// each term's people.
    terms: Strs,
    postings: Csr,
    /// (hash of a term or of the term minus one letter, term), sorted.
    delete_hash: Vec<u64>,
    delete_term: Vec<u32>,
    emails: Strs,
    email_rank: Vec<u32>,
    phones: Strs,
    phone_rank: Vec<u32>,
    /// Ranks sorted by id.
    by_id: Vec<u32>,
    /// Not stored: people changed since (killed) and the event look-up.
    dead: Vec<u64>,
    dead_count: usize,
    event_of: HashMap<Uuid, u32>,
}

/// A query token's terms: the exact one, a range of prefixes, typos.
struct TokenMatch {
    exact: Option<u32>,
    prefix: (u32, u32),
    typo: Vec<u32>,
}

impl TokenMatch {
    fn quality(&self, term: u32) -> Option<u8> {
        if self.exact == Some(term) {
            Some(0)
        } else if term >= self.prefix.0 && term < self.prefix.1 {
            Some(1)
        } else if self.typo.binary_search(&term).is_ok() {
            Some(2)
        } else {
            None
        }
    }

    fn best(&self) -> u8 {
        if self.exact.is_some() {
            0
        } else if self.prefix.0 < self.prefix.1 {
            1
        } else {
            2
        }
    }

    fn terms(&self) -> impl Iterator<Item = u32> + '_ {
        self.exact
            .into_iter()
            .chain(self.prefix.0..self.prefix.1)
            .chain(self.typo.iter().copied())
    }
}

/// Up to `limit` people per class (registered or not, worst, sum), each in
/// rank order.
struct Buckets {
    limit: usize,
    classes: Vec<((u8, u8, u16), Vec<u32>)>,
}

impl Buckets {
    /// Adds a person; true once `best`'s class is full (nothing later can
    /// enter the top `limit`).
    fn add(&mut self, class: (u8, u8, u16), rank: u32, best: (u8, u8, u16)) -> bool {
        let i = match self.classes.iter().position(|c| c.0 == class) {
            Some(i) => i,
            None => {
                self.classes.push((class, Vec::new()));
                self.classes.len() - 1
            }
        };
        let list = &mut self.classes[i].1;
        if list.len() < self.limit {
            list.push(rank);
        }
        class == best && list.len() >= self.limit
    }

    fn count(&self, unregistered: u8) -> usize {
        self.classes
            .iter()
            .filter(|c| c.0 .0 == unregistered)
            .map(|c| c.1.len())
            .sum()
    }
}

impl Base {
    /// Builds the base of these people.
    pub(super) fn build(mut people: Vec<Person>) -> Base {
        people.sort_unstable_by(|a, b| (&a.sort_key, a.id).cmp(&(&b.sort_key, b.id)));
        let mut all: Vec<&str> = people
            .iter()
            .flat_map(|p| p.terms.iter().map(String::as_str))
            .collect();
        all.sort_unstable();
        all.dedup();
        let term_of: HashMap<&str, u32> = all
            .iter()
            .enumerate()
            .map(|(i, t)| (*t, i as u32))
            .collect();
        let mut b = Base::default();
        for t in &all {
            b.terms.push(t.as_bytes());
        }
        let mut counts = vec![0_u32; all.len()];
        let mut pt: Vec<Vec<u32>> = Vec::with_capacity(people.len());
        for p in &people {
            let mut ts: Vec<u32> = p.terms.iter().map(|t| term_of[t.as_str()]).collect();
            ts.sort_unstable();
            ts.dedup();
            for t in &ts {
                counts[*t as usize] += 1;
            }
            pt.push(ts);
        }
        b.postings = fill(&counts, pt.iter().map(|v| v.as_slice()));
        b.person_terms = Csr::from_lists(pt);
        let mut ev_counts: Vec<u32> = vec![];
        let mut pe: Vec<Vec<u32>> = Vec::with_capacity(people.len());
        for p in &people {
            let mut es = vec![];
            for e in &p.events {
                let n = b.events.len() as u32;
                let i = *b.event_of.entry(*e).or_insert(n);
                if i == n {
                    b.events.push(*e);
                    ev_counts.push(0);
                }
                es.push(i);
            }
            es.sort_unstable();
            es.dedup();
            for e in &es {
                ev_counts[*e as usize] += 1;
            }
            pe.push(es);
        }
        b.event_members = fill(&ev_counts, pe.iter().map(|v| v.as_slice()));
        b.person_events = Csr::from_lists(pe);
        let mut dels: Vec<(u64, u32)> = vec![];
        for (i, t) in all.iter().enumerate() {
            if t.chars().count() >= MIN_TYPO_LEN - 1 {
                dels.push((fnv(t), i as u32));
                dels.extend(deletions(t).iter().map(|v| (fnv(v), i as u32)));
            }
        }
        dels.sort_unstable();
        dels.dedup();
        (b.delete_hash, b.delete_term) = dels.into_iter().unzip();
        let mut emails: Vec<(&str, u32)> = people
            .iter()
            .enumerate()
            .filter_map(|(r, p)| Some((p.email.as_deref()?, r as u32)))
            .collect();
        emails.sort_unstable();
        for (e, r) in emails {
            b.emails.push(e.as_bytes());
            b.email_rank.push(r);
        }
        let mut phones: Vec<(&str, u32)> = people
            .iter()
            .enumerate()
            .filter_map(|(r, p)| Some((p.phone.as_deref()?, r as u32)))
            .collect();
        phones.sort_unstable();
        for (ph, r) in phones {
            b.phones.push(ph.as_bytes());
            b.phone_rank.push(r);
        }
        for p in &people {
            b.sort_keys.push(p.sort_key.as_bytes());
            b.ids.push(p.id);
        }
        let mut by_id: Vec<u32> = (0..people.len() as u32).collect();
        by_id.sort_unstable_by_key(|r| b.ids[*r as usize]);
        b.by_id = by_id;
        b.dead = vec![0; people.len().div_ceil(64)];
        b
    }

    /// People in the base (killed ones left out).
    pub(super) fn live(&self) -> usize {
        self.ids.len() - self.dead_count
    }

    fn is_dead(&self, r: u32) -> bool {
        self.dead[r as usize / 64] & (1 << (r % 64)) != 0
    }

    fn rank_of(&self, id: Uuid) -> Option<u32> {
        let i = self
            .by_id
            .binary_search_by_key(&id, |r| self.ids[*r as usize])
            .ok()?;
        Some(self.by_id[i])
    }

    /// Leaves a person out (changed since, merged away, erased); true if
    /// they were here.
    pub(super) fn kill(&mut self, id: Uuid) -> bool {
        match self.rank_of(id) {
            Some(r) if !self.is_dead(r) => {
                self.dead[r as usize / 64] |= 1 << (r % 64);
                self.dead_count += 1;
                true
            }
            _ => false,
        }
    }

    /// The live people, as [`Base::build`] takes them.
    pub(super) fn persons(&self) -> Vec<Person> {
        let mut out: Vec<Person> = (0..self.ids.len())
            .map(|r| Person {
                id: self.ids[r],
                sort_key: self.sort_keys.text(r),
                terms: self
                    .person_terms
                    .get(r)
                    .iter()
                    .map(|t| self.terms.text(*t as usize))
                    .collect(),
                email: None,
                phone: None,
                events: self
                    .person_events
                    .get(r)
                    .iter()
                    .map(|e| self.events[*e as usize])
                    .collect(),
            })
            .collect();
        for (i, r) in self.email_rank.iter().enumerate() {
            out[*r as usize].email = Some(self.emails.text(i));
        }
        for (i, r) in self.phone_rank.iter().enumerate() {
            out[*r as usize].phone = Some(self.phones.text(i));
        }
        out.into_iter()
            .enumerate()
            .filter(|(r, _)| !self.is_dead(*r as u32))
            .map(|(_, p)| p)
            .collect()
    }

    fn token_match(&self, t: &str) -> TokenMatch {
        let (lo, hi) = self.terms.prefix_range(t.as_bytes());
        let exact = (lo < hi && self.terms.get(lo) == t.as_bytes()).then_some(lo as u32);
        let prefix = (lo as u32 + exact.is_some() as u32, hi as u32);
        let mut typo = vec![];
        if t.chars().count() >= MIN_TYPO_LEN {
            let mut cands: Vec<u32> = vec![];
            for h in std::iter::once(fnv(t)).chain(deletions(t).iter().map(|v| fnv(v))) {
                let s = self.delete_hash.partition_point(|x| *x < h);
                let e = self.delete_hash.partition_point(|x| *x <= h);
                cands.extend(&self.delete_term[s..e]);
            }
            cands.sort_unstable();
            cands.dedup();
            for id in cands {
                if Some(id) == exact {
                    continue;
                }
                let term = self.terms.text(id as usize);
                if term.starts_with(t) {
                    continue; // already a prefix hit
                }
                if osa_distance_le1(t, &term) {
                    typo.push(id);
                }
            }
        }
        TokenMatch {
            exact,
            prefix,
            typo,
        }
    }

    /// The best `limit` people for a query, ranked.
    pub(super) fn search(&self, q: &Query, event: Option<Uuid>, limit: usize) -> Vec<Ranked> {
        if self.live() == 0 {
            return vec![];
        }
        let ev = event.and_then(|e| self.event_of.get(&e).copied());
        let registered =
            |r: u32| ev.is_some_and(|e| self.person_events.get(r as usize).contains(&e));
        let mut found: Vec<(u8, u8, u16, u32)> = vec![];
        match q {
            Query::Email(_) | Query::Phone(_) => {
                let (table, ranks, key) = match q {
                    Query::Email(e) => (&self.emails, &self.email_rank, e),
                    Query::Phone(p) => (&self.phones, &self.phone_rank, p),
                    Query::Names(_) => unreachable!(),
                };
                let (lo, hi) = table.prefix_range(key.as_bytes());
                for (i, &r) in ranks.iter().enumerate().take(hi).skip(lo) {
                    if self.is_dead(r) {
                        continue;
                    }
                    let quality = if table.get(i) == key.as_bytes() { 0 } else { 1 };
                    found.push((!registered(r) as u8, quality, quality as u16, r));
                }
            }
            Query::Names(toks) => {
                let matches: Vec<TokenMatch> = toks.iter().map(|t| self.token_match(t)).collect();
                let counts: Vec<usize> = matches
                    .iter()
                    .map(|m| m.terms().map(|t| self.postings.get(t as usize).len()).sum())
                    .collect();
                let Some(driver) = (0..matches.len()).min_by_key(|i| counts[*i]) else {
                    return vec![];
                };
                if counts[driver] == 0 {
                    return vec![];
                }
                let worst = matches.iter().map(TokenMatch::best).max().unwrap_or(0);
                let sum: u16 = matches.iter().map(|m| m.best() as u16).sum();
                let classify = |r: u32| -> Option<(u8, u16)> {
                    if self.is_dead(r) {
                        return None;
                    }
                    let terms = self.person_terms.get(r as usize);
                    let (mut w, mut s) = (0_u8, 0_u16);
                    for m in &matches {
                        let q = terms.iter().filter_map(|t| m.quality(*t)).min()?;
                        w = w.max(q);
                        s += q as u16;
                    }
                    Some((w, s))
                };
                let mut buckets = Buckets {
                    limit,
                    classes: vec![],
                };
                let members = ev.map(|e| self.event_members.get(e as usize));
                let mut walk_unregistered_only = false;
                if let Some(members) = members.filter(|m| m.len() < counts[driver]) {
                    // Few people registered: rank them all first.
                    let best = (0, worst, sum);
                    for r in members {
                        if let Some((w, s)) = classify(*r) {
                            if buckets.add((0, w, s), *r, best) {
                                break;
                            }
                        }
                    }
                    walk_unregistered_only = true;
                }
                if !walk_unregistered_only || buckets.count(0) < limit {
                    let best = (
                        if ev.is_some() && !walk_unregistered_only {
                            0
                        } else {
                            1
                        },
                        worst,
                        sum,
                    );
                    let lists: Vec<&[u32]> = matches[driver]
                        .terms()
                        .map(|t| self.postings.get(t as usize))
                        .filter(|l| !l.is_empty())
                        .collect();
                    merge(&lists, |r| {
                        let reg = registered(r);
                        if reg && walk_unregistered_only {
                            return false;
                        }
                        match classify(r) {
                            Some((w, s)) => buckets.add((!reg as u8, w, s), r, best),
                            None => false,
                        }
                    });
                }
                for ((u, w, s), ranks) in buckets.classes {
                    found.extend(ranks.into_iter().map(|r| (u, w, s, r)));
                }
            }
        }
        if found.len() > limit {
            found.select_nth_unstable(limit - 1);
            found.truncate(limit);
        }
        found.sort_unstable();
        found
            .into_iter()
            .map(|(u, w, s, r)| Ranked {
                unregistered: u == 1,
                worst: w,
                sum: s,
                sort_key: self.sort_keys.text(r as usize),
                id: self.ids[r as usize],
            })
            .collect()
    }

    /// The base as bytes, for `escale.db-search`; `header` comes first.
    pub(super) fn to_bytes(&self, header: &[u8]) -> Vec<u8> {
        let mut w = Vec::with_capacity(
            header.len()
                + self.ids.len() * 16
                + self.sort_keys.bytes.len()
                + self.emails.bytes.len()
                + (self.person_terms.items.len() + self.postings.items.len()) * 4
                + self.ids.len() * 40,
        );
        w.extend_from_slice(header);
        let uuids = |w: &mut Vec<u8>, v: &[Uuid]| {
            put_len(w, v.len());
            for u in v {
                w.extend_from_slice(u.as_bytes());
            }
        };
        uuids(&mut w, &self.ids);
        put_strs(&mut w, &self.sort_keys);
        put_csr(&mut w, &self.person_terms);
        put_csr(&mut w, &self.person_events);
        uuids(&mut w, &self.events);
        put_csr(&mut w, &self.event_members);
        put_strs(&mut w, &self.terms);
        put_csr(&mut w, &self.postings);
        put_len(&mut w, self.delete_hash.len());
        for h in &self.delete_hash {
            w.extend_from_slice(&h.to_le_bytes());
        }
        put_u32s(&mut w, &self.delete_term);
        put_strs(&mut w, &self.emails);
        put_u32s(&mut w, &self.email_rank);
        put_strs(&mut w, &self.phones);
        put_u32s(&mut w, &self.phone_rank);
        put_u32s(&mut w, &self.by_id);
        w
    }

    /// Reads what [`Base::to_bytes`] wrote (after the header); None if the
    /// bytes are not a whole, consistent base.
    pub(super) fn from_bytes(r: &mut Reader<'_>) -> Option<Base> {
        let ids = r.uuids()?;
        let n = ids.len();
        let mut b = Base {
            ids,
            sort_keys: r.strs()?,
            person_terms: r.csr()?,
            person_events: r.csr()?,
            events: r.uuids()?,
            event_members: r.csr()?,
            terms: r.strs()?,
            postings: r.csr()?,
            delete_hash: {
                let len = r.len()?;
                r.take(len.checked_mul(8)?)?
                    .chunks_exact(8)
                    .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()))
                    .collect()
            },
            delete_term: r.u32s()?,
            emails: r.strs()?,
            email_rank: r.u32s()?,
            phones: r.strs()?,
            phone_rank: r.u32s()?,
            by_id: r.u32s()?,
            dead: vec![0; n.div_ceil(64)],
            dead_count: 0,
            event_of: HashMap::new(),
        };
        let ok = r.rest() == 0
            && b.sort_keys.len() == n
            && b.sort_keys.check()
            && b.person_terms.check(n, b.terms.len())
            && b.person_events.check(n, b.events.len())
            && b.event_members.check(b.events.len(), n)
            && b.terms.check()
            && b.postings.check(b.terms.len(), n)
            && b.delete_hash.len() == b.delete_term.len()
            && b.delete_term.iter().all(|t| (*t as usize) < b.terms.len())
            && b.emails.check()
            && b.emails.len() == b.email_rank.len()
            && b.email_rank.iter().all(|r| (*r as usize) < n)
            && b.phones.check()
            && b.phones.len() == b.phone_rank.len()
            && b.phone_rank.iter().all(|r| (*r as usize) < n)
            && b.by_id.len() == n
            && b.by_id.iter().all(|r| (*r as usize) < n)
            && b.postings.rows() == b.terms.len();
        if !ok {
            return None;
        }
        b.event_of = b
            .events
            .iter()
            .enumerate()
            .map(|(i, e)| (*e, i as u32))
            .collect();
        Some(b)
    }

    /// Heap bytes the base holds (for the benchmark's memory figure).
    pub(super) fn heap_bytes(&self) -> usize {
        let strs = |s: &Strs| s.bytes.capacity() + s.ends.capacity() * 4;
        let csr = |c: &Csr| (c.start.capacity() + c.items.capacity()) * 4;
        self.ids.capacity() * 16
            + strs(&self.sort_keys)
            + csr(&self.person_terms)
            + csr(&self.person_events)
            + self.events.capacity() * 16
            + csr(&self.event_members)
            + strs(&self.terms)
            + csr(&self.postings)
            + self.delete_hash.capacity() * 8
            + self.delete_term.capacity() * 4
            + strs(&self.emails)
            + self.email_rank.capacity() * 4
            + strs(&self.phones)
            + self.phone_rank.capacity() * 4
            + self.by_id.capacity() * 4
            + self.dead.capacity() * 8
    }
}

/// Rows of `lists` (each sorted) turned around: for each of `counts.len()`
/// targets, the (sorted) rows that name it.
fn fill<'a>(counts: &[u32], lists: impl Iterator<Item = &'a [u32]>) -> Csr {
    let mut start = Vec::with_capacity(counts.len() + 1);
    start.push(0_u32);
    for c in counts {
        start.push(start.last().copied().unwrap_or(0) + c);
    }
    let mut pos: Vec<u32> = start[..counts.len()].to_vec();
    let mut items = vec![0_u32; *start.last().unwrap_or(&0) as usize];
    for (row, l) in lists.enumerate() {
        for t in l {
            items[pos[*t as usize] as usize] = row as u32;
            pos[*t as usize] += 1;
        }
    }
    Csr { start, items }
}

/// Walks the union of sorted lists in order, each number once, until `f`
/// says stop.
fn merge(lists: &[&[u32]], mut f: impl FnMut(u32) -> bool) {
    if let [one] = lists {
        for r in one.iter() {
            if f(*r) {
                return;
            }
        }
        return;
    }
    let mut heap: BinaryHeap<std::cmp::Reverse<(u32, u32)>> = lists
        .iter()
        .enumerate()
        .map(|(i, l)| std::cmp::Reverse((l[0], i as u32)))
        .collect();
    let mut pos = vec![0_usize; lists.len()];
    let mut last = None;
    while let Some(std::cmp::Reverse((r, i))) = heap.pop() {
        let i = i as usize;
        pos[i] += 1;
        if let Some(next) = lists[i].get(pos[i]) {
            heap.push(std::cmp::Reverse((*next, i as u32)));
        }
        if last == Some(r) {
            continue;
        }
        last = Some(r);
        if f(r) {
            return;
        }
    }
}

fn put_len(w: &mut Vec<u8>, n: usize) {
    w.extend_from_slice(&(n as u64).to_le_bytes());
}

fn put_u32s(w: &mut Vec<u8>, v: &[u32]) {
    put_len(w, v.len());
    for x in v {
        w.extend_from_slice(&x.to_le_bytes());
    }
}

fn put_strs(w: &mut Vec<u8>, s: &Strs) {
    put_len(w, s.bytes.len());
    w.extend_from_slice(&s.bytes);
    put_u32s(w, &s.ends);
}

fn put_csr(w: &mut Vec<u8>, c: &Csr) {
    put_u32s(w, &c.start);
    put_u32s(w, &c.items);
}

/// Reads the file's sections; every read checks the length left.
pub(super) struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(super) fn new(buf: &'a [u8]) -> Self {
        Reader { buf }
    }

    pub(super) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.buf.len() {
            return None;
        }
        let (a, b) = self.buf.split_at(n);
        self.buf = b;
        Some(a)
    }

    fn rest(&self) -> usize {
        self.buf.len()
    }

    pub(super) fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?).ok()
    }

    fn u32s(&mut self) -> Option<Vec<u32>> {
        let n = self.len()?;
        Some(
            self.take(n.checked_mul(4)?)?
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        )
    }

    fn uuids(&mut self) -> Option<Vec<Uuid>> {
        let n = self.len()?;
        Some(
            self.take(n.checked_mul(16)?)?
                .chunks_exact(16)
                .map(|c| Uuid::from_slice(c).unwrap_or_default())
                .collect(),
        )
    }

    fn strs(&mut self) -> Option<Strs> {
        let n = self.len()?;
        let bytes = self.take(n)?.to_vec();
        let ends = self.u32s()?;
        Some(Strs { bytes, ends })
    }

    fn csr(&mut self) -> Option<Csr> {
        Some(Csr {
            start: self.u32s()?,
            items: self.u32s()?,
        })
    }
}
