//! The mutable part of the index: people written since the compact base was
//! built (a walk-in, an edit, a pulled page). Small by construction (the
//! index folds it into a new base past a threshold), so it ranks every
//! candidate, as the whole index did before the base existed.

use super::{deletions, fnv, Person, Query, Ranked, MIN_TYPO_LEN};
use crate::text::osa_distance_le1;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

struct Entry {
    id: Uuid,
    terms: Vec<u32>,
    email: Option<Box<str>>,
    phone: Option<Box<str>>,
    events: Vec<u32>,
    sort_key: Box<str>,
}

#[derive(Default)]
pub(super) struct Dynamic {
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
    event_ids: Vec<Uuid>,
    // scratch space reused across queries
    hits: Vec<u8>,
    worst: Vec<u8>,
    sum: Vec<u16>,
    touched: Vec<u32>,
}

impl Dynamic {
    pub(super) fn len(&self) -> usize {
        self.slot_of.len()
    }

    fn intern_event(&mut self, id: Uuid) -> u32 {
        if let Some(i) = self.event_idx.get(&id) {
            return *i;
        }
        let n = self.event_ids.len() as u32;
        self.event_idx.insert(id, n);
        self.event_ids.push(id);
        n
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
            self.deletes.entry(fnv(t)).or_default().push(id);
            for v in deletions(t) {
                let list = self.deletes.entry(fnv(&v)).or_default();
                if list.last() != Some(&id) {
                    list.push(id);
                }
            }
        }
        id
    }

    /// Adds or replaces one person.
    pub(super) fn upsert(&mut self, p: Person) {
        self.remove(p.id);
        let terms: Vec<u32> = p.terms.iter().map(|t| self.intern_term(t)).collect();
        let events: Vec<u32> = p.events.iter().map(|e| self.intern_event(*e)).collect();
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
            let list = &mut self.postings[*t as usize];
            if list.last() != Some(&slot) {
                list.push(slot);
            }
        }
        let email: Option<Box<str>> = p.email.map(Into::into);
        if let Some(e) = &email {
            self.emails.entry(e.clone()).or_default().push(slot);
        }
        let phone: Option<Box<str>> = p.phone.map(Into::into);
        if let Some(ph) = &phone {
            self.phones.entry(ph.clone()).or_default().push(slot);
        }
        self.entries[slot as usize] = Some(Entry {
            id: p.id,
            terms,
            email,
            phone,
            events,
            sort_key: p.sort_key.into(),
        });
        self.slot_of.insert(p.id, slot);
    }

    /// Removes a person (merged away, erased, or about to be re-added).
    pub(super) fn remove(&mut self, id: Uuid) {
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

    /// Every person, as the base is built from.
    pub(super) fn persons(&self) -> impl Iterator<Item = Person> + '_ {
        self.entries.iter().flatten().map(|e| Person {
            id: e.id,
            sort_key: e.sort_key.to_string(),
            terms: e
                .terms
                .iter()
                .map(|t| self.term_text[*t as usize].to_string())
                .collect(),
            email: e.email.as_deref().map(str::to_string),
            phone: e.phone.as_deref().map(str::to_string),
            events: e
                .events
                .iter()
                .map(|i| self.event_ids[*i as usize])
                .collect(),
        })
    }

    /// The best `limit` people for a query, ranked.
    pub(super) fn search(&mut self, q: &Query, event: Option<Uuid>, limit: usize) -> Vec<Ranked> {
        if self.slot_of.is_empty() {
            return vec![];
        }
        let ev = event.and_then(|e| self.event_idx.get(&e).copied());
        let per_token: Vec<Vec<(u32, u8)>> = match q {
            Query::Email(e) => vec![self.prefix_map(&self.emails, e)],
            Query::Phone(p) => vec![self.prefix_map(&self.phones, p)],
            Query::Names(toks) => toks.iter().map(|t| self.token_matches(t)).collect(),
        };
        self.rank(per_token, ev, limit)
    }

    fn prefix_map(&self, map: &BTreeMap<Box<str>, Vec<u32>>, q: &str) -> Vec<(u32, u8)> {
        let mut out = Vec::new();
        for (k, slots) in
            map.range::<str, _>((std::ops::Bound::Included(q), std::ops::Bound::Unbounded))
        {
            if !k.starts_with(q) {
                break;
            }
            let quality = if &**k == q { 0 } else { 1 };
            out.extend(slots.iter().map(|s| (*s, quality)));
        }
        out
    }

    /// Every (slot, quality) a query token matches, best qualities first.
    fn token_matches(&self, t: &str) -> Vec<(u32, u8)> {
        let mut out = Vec::new();
        let mut exact_term = None;
        if let Some(id) = self.term_id.get(t) {
            exact_term = Some(*id);
            out.extend(self.postings[*id as usize].iter().map(|s| (*s, 0)));
        }
        for (k, id) in self
            .term_id
            .range::<str, _>((std::ops::Bound::Excluded(t), std::ops::Bound::Unbounded))
        {
            if !k.starts_with(t) {
                break;
            }
            out.extend(self.postings[*id as usize].iter().map(|s| (*s, 1)));
        }
        if t.chars().count() >= MIN_TYPO_LEN {
            let mut cands: Vec<u32> = Vec::new();
            if let Some(l) = self.deletes.get(&fnv(t)) {
                cands.extend(l);
            }
            for v in deletions(t) {
                if let Some(l) = self.deletes.get(&fnv(&v)) {
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
                    out.extend(self.postings[id as usize].iter().map(|s| (*s, 2)));
                }
            }
        }
        out
    }

    fn rank(
        &mut self,
        per_token: Vec<Vec<(u32, u8)>>,
        ev: Option<u32>,
        limit: usize,
    ) -> Vec<Ranked> {
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
                    self.worst[s] = self.worst[s].max(q);
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
            let e = entries[c.3 as usize].as_ref();
            (
                c.0,
                c.1,
                c.2,
                e.map(|e| &*e.sort_key).unwrap_or(""),
                e.map(|e| e.id).unwrap_or_default(),
            )
        };
        let cmp = |a: &(bool, u8, u16, u32), b: &(bool, u8, u16, u32)| key(a).cmp(&key(b));
        if cands.len() > limit {
            cands.select_nth_unstable_by(limit - 1, cmp);
            cands.truncate(limit);
        }
        cands.sort_unstable_by(cmp);
        cands
            .into_iter()
            .filter_map(|(unreg, worst, sum, slot)| {
                let e = self.entries[slot as usize].as_ref()?;
                Some(Ranked {
                    unregistered: unreg,
                    worst,
                    sum,
                    sort_key: e.sort_key.to_string(),
                    id: e.id,
                })
            })
            .collect()
    }
}
