//! The fold: what an operation does to state, as a pure function.
//!
//! [`State`] is the materialised view of the log. [`State::apply`] is
//! idempotent and commutative: applying the same ops in any order, any number
//! of times, gives the same `State`. The rules (see `docs/operation-log.md`):
//!
//! - `Set`: per-field last-writer-wins by [`Stamp`] (HLC, then origin).
//! - `CheckIn`: a fact keyed by op id; arrivals are derived, never counted.
//! - `VoidCheckIn`: marks a fact as undone, whichever arrives first.
//! - `Merge`: an edge loser → winner; the effective edge per loser is the
//!   latest; roots are derived by [`roots`] (cycles resolve to the smallest id).
//! - `Erase`: the erased set is the closure of erase requests over *every*
//!   merge edge ever seen (a record merged into an erased person is that
//!   person). Erased ids lose every record and fact, and every op about them
//!   is discarded, before or after.
//! - `Anonymise`: the anonymised set is the closure of anonymise requests
//!   over every merge edge, as for erasure. Anonymised ids keep their
//!   records and facts, without what identifies them
//!   ([`OpBody::anonymised`]); every op about them, before or after, is
//!   applied as anonymised. Erasure wins over it.
//! - `NotDuplicate`: a grow-only set of unordered pairs (stored smaller id
//!   first); it only hides the pair from the duplicate candidates.
//!
//! The SQLite store applies the same function to the part of the state a
//! batch touches (loaded on demand) and writes the [`Changes`] back; the
//! property tests run it on a whole in-memory `State`.

use crate::certificate;
use crate::fields::FieldType;
use crate::hlc::Stamp;
use crate::model::{Direction, Entity, Method};
use crate::op::{Op, OpBody, Value};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// One LWW record: each field with the stamp of the write that set it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    pub fields: BTreeMap<String, (Value, Stamp)>,
}

impl Record {
    pub fn text(&self, field: &str) -> Option<&str> {
        self.fields.get(field).and_then(|(v, _)| v.as_str())
    }
    pub fn int(&self, field: &str) -> Option<i64> {
        self.fields.get(field).and_then(|(v, _)| v.as_i64())
    }
    pub fn uuid(&self, field: &str) -> Option<Uuid> {
        self.text(field).and_then(|s| Uuid::parse_str(s).ok())
    }

    /// Last-writer-wins: the value is kept when its stamp is newer than
    /// the field's.
    fn set_if_newer(&mut self, name: &str, value: &Value, stamp: Stamp) {
        if self.fields.get(name).is_none_or(|(_, s)| stamp > *s) {
            self.fields.insert(name.to_string(), (value.clone(), stamp));
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CheckInFact {
    pub event_id: Uuid,
    pub session_id: Option<Uuid>,
    pub visitor_id: Uuid,
    pub direction: Direction,
    pub at_ms: i64,
    pub origin: Uuid,
    pub method: Method,
    pub code: Option<String>,
    pub voided: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConsentFact {
    pub visitor_id: Uuid,
    pub purpose: String,
    pub granted: bool,
    pub wording_version: String,
    pub at_ms: i64,
    pub stamp: Stamp,
}

/// One piece of an image (an `asset_chunk` op).
#[derive(Debug, Clone, PartialEq)]
pub struct AssetChunkFact {
    pub op_id: Uuid,
    pub count: u32,
    pub mime: String,
    pub data: String,
}

/// Most pieces an image may have, and most base64 characters in one.
pub const ASSET_MAX_CHUNKS: u32 = 64;
pub const ASSET_CHUNK_MAX: usize = 12_000;

#[derive(Debug, Clone, PartialEq)]
pub struct MergeEdge {
    pub loser: Uuid,
    pub winner: Uuid,
    pub stamp: Stamp,
}

/// The fields this node knows: the registry's, minus `hidden` (a test
/// plays an older version by hiding the fields it did not have yet).
///
/// A `Set` naming a field this node does not know (one added by a newer
/// version) is applied for the fields it knows and kept whole in the log;
/// the store remembers what it could not apply (`op_pending`) and folds it
/// again once an upgrade knows the field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vocabulary {
    pub hidden: BTreeSet<(Entity, String)>,
    /// Op kinds it does not know (a test plays an older version that
    /// quarantines them as undecodable).
    pub hidden_kinds: BTreeSet<String>,
}

impl Vocabulary {
    /// This version's vocabulary: the whole registry.
    pub fn current() -> Vocabulary {
        Vocabulary::default()
    }

    /// The registry without some fields (what an older version knew).
    pub fn without(fields: &[(Entity, &str)]) -> Vocabulary {
        Vocabulary {
            hidden: fields.iter().map(|(e, f)| (*e, f.to_string())).collect(),
            hidden_kinds: BTreeSet::new(),
        }
    }

    /// This vocabulary without some op kinds as well.
    pub fn without_kinds(mut self, kinds: &[&str]) -> Vocabulary {
        self.hidden_kinds = kinds.iter().map(|k| k.to_string()).collect();
        self
    }

    /// Whether this node can read ops of this kind (as the log spells it).
    pub fn knows_kind(&self, kind: &str) -> bool {
        let tag = kind.split('.').next().unwrap_or(kind);
        OpBody::KINDS.contains(&tag) && !self.hidden_kinds.contains(tag)
    }

    pub fn knows(&self, entity: Entity, field: &str) -> bool {
        entity.field(field).is_some() && !self.hidden.contains(&(entity, field.to_string()))
    }

    /// The fields of a `Set` this node does not know (sorted; empty for
    /// any other op).
    pub fn unknown_fields(&self, body: &OpBody) -> Vec<String> {
        match body {
            OpBody::Set { entity, fields, .. } => fields
                .keys()
                .filter(|f| !self.knows(*entity, f))
                .cloned()
                .collect(),
            _ => vec![],
        }
    }

    /// Changes whenever what this node can apply changes (a field or an op
    /// kind added by an upgrade): the store folds again what it set aside.
    pub fn fingerprint(&self) -> String {
        let kinds: Vec<&str> = OpBody::KINDS
            .iter()
            .copied()
            .filter(|k| self.knows_kind(k))
            .collect();
        let mut parts: Vec<String> = vec![format!("ops:{}", kinds.join(","))];
        for e in Entity::ALL {
            let known: Vec<&str> = e
                .fields()
                .iter()
                .map(|f| f.name)
                .filter(|f| self.knows(e, f))
                .collect();
            parts.push(format!("{}:{}", e.table(), known.join(",")));
        }
        parts.join(";")
    }
}

/// The materialised view (or, in the store, the part of it a batch touches).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct State {
    /// What this node can apply (the whole registry but in tests).
    pub vocabulary: Vocabulary,
    pub records: BTreeMap<(Entity, Uuid), Record>,
    pub checkins: BTreeMap<Uuid, CheckInFact>,
    pub voids: BTreeSet<Uuid>,
    pub consents: BTreeMap<Uuid, ConsentFact>,
    /// Every merge edge ever seen, by op id.
    pub merges: BTreeMap<Uuid, MergeEdge>,
    pub erase_requests: BTreeSet<Uuid>,
    /// Closure of `erase_requests` over `merges`.
    pub erased: BTreeSet<Uuid>,
    pub anonymise_requests: BTreeSet<Uuid>,
    /// Closure of `anonymise_requests` over `merges`.
    pub anonymised: BTreeSet<Uuid>,
    /// Pairs staff said are two different people, smaller id first.
    pub not_duplicates: BTreeSet<(Uuid, Uuid)>,
    /// Pieces of images by (asset, index); two ops claiming the same piece:
    /// the smaller op id wins, on every node.
    pub asset_chunks: BTreeMap<(Uuid, u32), AssetChunkFact>,
}

/// What a batch changed, for the store to write back.
#[derive(Debug, Default)]
pub struct Changes {
    pub records: BTreeSet<(Entity, Uuid)>,
    pub checkins: Vec<Uuid>,
    pub voids: Vec<Uuid>,
    pub consents: Vec<Uuid>,
    pub merges: Vec<Uuid>,
    pub erase_requests: Vec<Uuid>,
    pub newly_erased: Vec<Uuid>,
    pub anonymise_requests: Vec<Uuid>,
    pub newly_anonymised: Vec<Uuid>,
    pub not_duplicates: Vec<(Uuid, Uuid)>,
    pub asset_chunks: Vec<(Uuid, u32)>,
}

impl Changes {
    pub fn touches_aliases(&self) -> bool {
        !self.merges.is_empty() || !self.newly_erased.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Applied,
    /// About an erased person: stored (redacted) for replication, no effect.
    Discarded,
    /// Malformed: quarantined, acknowledged, never applied.
    Invalid(String),
}

impl State {
    /// Applies one op. Idempotent and order-independent; see the module doc.
    pub fn apply(&mut self, op: &Op, ch: &mut Changes) -> Outcome {
        // Erasure is checked first: an op about an erased person is discarded
        // (and redacted) whether or not it is also malformed, in any order.
        if let Some(subject) = op.body.subject() {
            if self.erased.contains(&subject) && !matches!(op.body, OpBody::Erase { .. }) {
                return Outcome::Discarded;
            }
        }
        if let OpBody::Undecodable { reason, .. } = &op.body {
            return Outcome::Invalid(reason.clone());
        }
        // Validity is the op's as sent, so a node that received it before
        // the anonymisation decides the same.
        if let Err(reason) = validate_with(&op.body, &self.vocabulary) {
            return Outcome::Invalid(reason);
        }
        let anonymous;
        let body = match op.body.subject() {
            Some(s) if self.anonymised.contains(&s) && !op.body.is_verdict() => {
                anonymous = op.body.anonymised();
                &anonymous
            }
            _ => &op.body,
        };
        let stamp = op.stamp();
        match body {
            OpBody::Set { entity, id, fields } => {
                let State {
                    records,
                    vocabulary,
                    ..
                } = self;
                if !fields.keys().any(|name| vocabulary.knows(*entity, name)) {
                    // Only fields of a newer version: nothing to apply yet.
                    return Outcome::Applied;
                }
                let rec = records.entry((*entity, *id)).or_default();
                for (name, value) in fields {
                    if vocabulary.knows(*entity, name) {
                        rec.set_if_newer(name, value, stamp);
                    }
                }
                ch.records.insert((*entity, *id));
            }
            OpBody::CheckIn {
                event_id,
                session_id,
                visitor_id,
                direction,
                method,
                code,
            } => {
                if !self.checkins.contains_key(&op.id) {
                    self.checkins.insert(
                        op.id,
                        CheckInFact {
                            event_id: *event_id,
                            session_id: *session_id,
                            visitor_id: *visitor_id,
                            direction: *direction,
                            at_ms: op.hlc.ms(),
                            origin: op.origin,
                            method: *method,
                            code: code.clone(),
                            voided: self.voids.contains(&op.id),
                        },
                    );
                    ch.checkins.push(op.id);
                }
            }
            OpBody::VoidCheckIn { checkin_id } => {
                if self.voids.insert(*checkin_id) {
                    ch.voids.push(*checkin_id);
                }
                if let Some(c) = self.checkins.get_mut(checkin_id) {
                    c.voided = true;
                }
            }
            OpBody::Consent {
                visitor_id,
                purpose,
                granted,
                wording_version,
            } => {
                if let std::collections::btree_map::Entry::Vacant(e) = self.consents.entry(op.id) {
                    e.insert(ConsentFact {
                        visitor_id: *visitor_id,
                        purpose: purpose.clone(),
                        granted: *granted,
                        wording_version: wording_version.clone(),
                        at_ms: op.hlc.ms(),
                        stamp,
                    });
                    ch.consents.push(op.id);
                }
            }
            OpBody::Merge { loser, winner } => {
                if let std::collections::btree_map::Entry::Vacant(e) = self.merges.entry(op.id) {
                    e.insert(MergeEdge {
                        loser: *loser,
                        winner: *winner,
                        stamp,
                    });
                    ch.merges.push(op.id);
                    self.close_erasure(ch);
                }
            }
            OpBody::Erase { visitor_id } => {
                if self.erase_requests.insert(*visitor_id) {
                    ch.erase_requests.push(*visitor_id);
                    self.close_erasure(ch);
                }
            }
            OpBody::Anonymise { visitor_id } => {
                if self.anonymise_requests.insert(*visitor_id) {
                    ch.anonymise_requests.push(*visitor_id);
                    // Only this request's closure can be new: the upkeep
                    // sends thousands in a batch.
                    self.close_anonymisation(Some(*visitor_id), ch);
                }
            }
            OpBody::NotDuplicate { a, b } => {
                let pair = ((*a).min(*b), (*a).max(*b));
                if self.not_duplicates.insert(pair) {
                    ch.not_duplicates.push(pair);
                }
            }
            OpBody::CertificateIssued {
                number,
                visitor_id,
                event_id,
                series,
                template,
                period_from,
                period_to,
                minutes,
                spans,
                name,
                key_id,
            } => {
                let text = |s: &str| Value::String(s.to_string());
                let id_or_null = |u: &Option<Uuid>| u.map_or(Value::Null, |u| text(&u.to_string()));
                let fields = [
                    ("number", text(number)),
                    ("visitor_id", text(&visitor_id.to_string())),
                    ("event_id", id_or_null(event_id)),
                    ("series", series.as_deref().map_or(Value::Null, text)),
                    ("template", text(template)),
                    ("period_from", text(period_from)),
                    ("period_to", text(period_to)),
                    ("minutes", Value::from(*minutes)),
                    ("spans", text(spans)),
                    ("name", text(name)),
                    ("key_id", text(key_id)),
                    ("issued_by", text(&op.origin.to_string())),
                    ("issued_ms", Value::from(op.hlc.ms())),
                ];
                self.set_fields(
                    Entity::Certificate,
                    certificate::record_id(number),
                    stamp,
                    fields,
                    ch,
                );
            }
            OpBody::CertificateRevoked {
                number,
                visitor_id,
                reason,
            } => {
                let fields = [
                    ("visitor_id", Value::String(visitor_id.to_string())),
                    ("revoked_ms", Value::from(op.hlc.ms())),
                    ("revoke_reason", Value::String(reason.clone())),
                ];
                self.set_fields(
                    Entity::Certificate,
                    certificate::record_id(number),
                    stamp,
                    fields,
                    ch,
                );
            }
            OpBody::AssetChunk {
                asset_id,
                index,
                count,
                mime,
                data,
            } => {
                let key = (*asset_id, *index);
                let wins = self
                    .asset_chunks
                    .get(&key)
                    .is_none_or(|held| op.id < held.op_id);
                if wins {
                    self.asset_chunks.insert(
                        key,
                        AssetChunkFact {
                            op_id: op.id,
                            count: *count,
                            mime: mime.clone(),
                            data: data.clone(),
                        },
                    );
                    ch.asset_chunks.push(key);
                }
            }
            OpBody::Redacted { .. } => return Outcome::Discarded,
            OpBody::Undecodable { reason, .. } => return Outcome::Invalid(reason.clone()),
        }
        Outcome::Applied
    }

    /// Per-field last-writer-wins on one record, for ops that are not a
    /// `Set` but write a record (certificates).
    fn set_fields<const N: usize>(
        &mut self,
        entity: Entity,
        id: Uuid,
        stamp: Stamp,
        fields: [(&str, Value); N],
        ch: &mut Changes,
    ) {
        let rec = self.records.entry((entity, id)).or_default();
        for (name, value) in &fields {
            rec.set_if_newer(name, value, stamp);
        }
        ch.records.insert((entity, id));
    }

    /// Recomputes the erased and anonymised closures and purges (or
    /// anonymises) whoever newly entered them.
    fn close_erasure(&mut self, ch: &mut Changes) {
        let closure = erased_closure(&self.erase_requests, self.merges.values());
        let newly: Vec<Uuid> = closure.difference(&self.erased).copied().collect();
        for id in newly {
            self.purge(id);
            self.erased.insert(id);
            ch.newly_erased.push(id);
        }
        self.close_anonymisation(None, ch);
    }

    /// Anonymises whoever newly entered the anonymised closure: of one new
    /// request, or (`None`: after a merge or an erasure) of them all.
    fn close_anonymisation(&mut self, request: Option<Uuid>, ch: &mut Changes) {
        let closure = match request {
            Some(id) => erased_closure(&BTreeSet::from([id]), self.merges.values()),
            None => {
                // Erasure wins: an erased person is not anonymised,
                // whichever came first.
                let erased = &self.erased;
                self.anonymise_requests.retain(|id| !erased.contains(id));
                self.anonymised.retain(|id| !erased.contains(id));
                erased_closure(&self.anonymise_requests, self.merges.values())
            }
        };
        let newly: Vec<Uuid> = closure
            .difference(&self.anonymised)
            .filter(|id| !self.erased.contains(id))
            .copied()
            .collect();
        for id in newly {
            self.anonymise(id, ch);
            self.anonymised.insert(id);
            ch.newly_anonymised.push(id);
        }
    }

    /// Strips what identifies a newly anonymised person from their records
    /// and facts, keeping each field's stamp (a late write about them is
    /// anonymised on arrival and, by last-writer-wins, lands the same).
    fn anonymise(&mut self, id: Uuid, ch: &mut Changes) {
        for ((entity, rid), rec) in self.records.iter_mut() {
            let theirs = if *entity == Entity::Visitor {
                *rid == id
            } else {
                rec.uuid("visitor_id") == Some(id)
            };
            if !theirs {
                continue;
            }
            let mut changed = false;
            for (name, (value, _)) in rec.fields.iter_mut() {
                if let Some(v) = crate::fields::anonymised_value(*entity, name) {
                    if *value != v {
                        *value = v;
                        changed = true;
                    }
                }
            }
            if changed {
                ch.records.insert((*entity, *rid));
            }
        }
        for c in self.checkins.values_mut() {
            if c.visitor_id == id {
                c.code = None;
            }
        }
    }

    /// Removes every record and fact about an erased person. Mediation
    /// entries, time on public computers, tickets, pages printed and
    /// coworking passes stay as anonymous facts: only who they were about
    /// (and a mediation entry's note) go (as if the op carrying them had never arrived, which is what
    /// a node that receives it after the erasure sees).
    fn purge(&mut self, id: Uuid) {
        self.records.remove(&(Entity::Visitor, id));
        self.records.retain(|(entity, _), rec| {
            !(matches!(entity, Entity::Registration | Entity::Certificate)
                && rec.uuid("visitor_id") == Some(id))
        });
        self.records.retain(|(entity, _), rec| {
            let who = entity.identity_fields();
            if !who.is_empty() && rec.uuid("visitor_id") == Some(id) {
                for name in who {
                    rec.fields.remove(*name);
                }
                // Only who and the note had arrived: nothing is left.
                return !rec.fields.is_empty();
            }
            true
        });
        self.checkins.retain(|_, c| c.visitor_id != id);
        self.consents.retain(|_, c| c.visitor_id != id);
    }
}

/// The erased set: erase requests plus, transitively, every id that any
/// merge edge ever pointed at an erased id.
pub fn erased_closure<'a>(
    requests: &BTreeSet<Uuid>,
    edges: impl Iterator<Item = &'a MergeEdge>,
) -> BTreeSet<Uuid> {
    let mut losers_of: BTreeMap<Uuid, Vec<Uuid>> = BTreeMap::new();
    for e in edges {
        losers_of.entry(e.winner).or_default().push(e.loser);
    }
    let mut out = requests.clone();
    let mut stack: Vec<Uuid> = requests.iter().copied().collect();
    while let Some(w) = stack.pop() {
        if let Some(ls) = losers_of.get(&w) {
            for l in ls {
                if out.insert(*l) {
                    stack.push(*l);
                }
            }
        }
    }
    out
}

/// loser → root for every merged-away, non-erased id. The effective edge of a
/// loser is its latest by stamp; a cycle resolves to its smallest id.
pub fn roots<'a>(
    edges: impl Iterator<Item = &'a MergeEdge>,
    erased: &BTreeSet<Uuid>,
) -> BTreeMap<Uuid, Uuid> {
    let mut next: BTreeMap<Uuid, (Uuid, Stamp)> = BTreeMap::new();
    for e in edges {
        if erased.contains(&e.loser) {
            continue;
        }
        let newer = next.get(&e.loser).is_none_or(|(_, s)| e.stamp > *s);
        if newer {
            next.insert(e.loser, (e.winner, e.stamp));
        }
    }
    let mut out = BTreeMap::new();
    for &start in next.keys() {
        let mut path = vec![start];
        let mut cur = start;
        let root = loop {
            match next.get(&cur) {
                None => break cur,
                Some((w, _)) => {
                    if let Some(pos) = path.iter().position(|p| p == w) {
                        // A cycle: everyone in it resolves to its smallest id.
                        break *path[pos..].iter().min().unwrap_or(w);
                    }
                    path.push(*w);
                    cur = *w;
                }
            }
        };
        if root != start {
            out.insert(start, root);
        }
    }
    out
}

/// A certificate number written the one way every node writes it.
fn canonical_number(number: &str) -> bool {
    certificate::parse_number(number).as_deref() == Some(number)
}

/// Structural checks every node applies identically, so an invalid op is
/// quarantined everywhere rather than half-applied somewhere. A field this
/// version does not know is not an error (see [`Vocabulary`]).
pub fn validate(body: &OpBody) -> Result<(), String> {
    validate_with(body, &Vocabulary::current())
}

/// [`validate`] for a node that knows `vocabulary`.
pub fn validate_with(body: &OpBody, vocabulary: &Vocabulary) -> Result<(), String> {
    if !vocabulary.hidden_kinds.is_empty() && !vocabulary.knows_kind(&body.kind()) {
        return Err(format!("undecodable body: unknown kind {}", body.kind()));
    }
    match body {
        OpBody::Set { entity, fields, .. } => {
            if fields.is_empty() {
                return Err("set without fields".into());
            }
            for (name, value) in fields {
                if !vocabulary.knows(*entity, name) {
                    if name.is_empty() || name.len() > 64 {
                        return Err(format!("field name of {} bytes", name.len()));
                    }
                    continue;
                }
                let Some(def) = entity.field(name) else {
                    continue;
                };
                let ok = match (def.ty(), value) {
                    (_, Value::Null) => true,
                    (FieldType::Text, Value::String(s)) => s.len() <= 20_000,
                    (FieldType::Int, Value::Number(n)) => n.is_i64(),
                    (FieldType::Bool, Value::Bool(_)) => true,
                    _ => false,
                };
                if !ok {
                    return Err(format!("field {name}: wrong type"));
                }
            }
            let who = entity.identity_fields();
            if fields.keys().any(|f| who.contains(&f.as_str()))
                && !who.iter().all(|f| fields.contains_key(*f))
            {
                // Erasure drops the op that names the person; the note
                // about them must be in that same op.
                return Err("mediation person and note apart".into());
            }
            for r in entity.required_refs() {
                let v = fields.get(*r).and_then(|v| v.as_str()).unwrap_or("");
                if Uuid::parse_str(v).is_err() {
                    return Err(format!("{} op without a valid {r}", entity.table()));
                }
            }
            Ok(())
        }
        OpBody::Merge { loser, winner } if loser == winner => Err("merge into itself".into()),
        OpBody::NotDuplicate { a, b } if a == b => Err("not_duplicate of itself".into()),
        OpBody::Consent {
            purpose,
            wording_version,
            ..
        } if purpose.is_empty() || purpose.len() > 100 || wording_version.len() > 100 => {
            Err("consent purpose or wording invalid".into())
        }
        OpBody::CheckIn { code: Some(c), .. } if c.len() > 200 => {
            Err("check-in code too long".into())
        }
        OpBody::CertificateIssued {
            number,
            series,
            template,
            period_from,
            period_to,
            minutes,
            spans,
            name,
            key_id,
            event_id,
            ..
        } => {
            let date = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok();
            if !canonical_number(number) {
                Err("certificate number invalid".into())
            } else if !crate::fields::CERTIFICATE_TEMPLATES
                .iter()
                .any(|c| c.value == template)
            {
                Err("certificate template unknown".into())
            } else if event_id.is_none() && series.is_none() {
                Err("certificate of neither an event nor a series".into())
            } else if !date(period_from) || !date(period_to) {
                Err("certificate period invalid".into())
            } else if !(0..=1_000_000).contains(minutes) {
                Err("certificate minutes out of range".into())
            } else if spans.len() > 4_000
                || name.is_empty()
                || name.len() > 1_200
                || key_id.len() > 20
                || series.as_ref().is_some_and(|s| s.len() > 400)
            {
                Err("certificate field too long".into())
            } else {
                Ok(())
            }
        }
        OpBody::AssetChunk {
            index,
            count,
            mime,
            data,
            ..
        } => {
            if *count == 0 || *count > ASSET_MAX_CHUNKS || index >= count {
                Err("asset chunk index out of range".into())
            } else if !matches!(mime.as_str(), "image/png" | "image/jpeg") {
                Err("asset type not an image".into())
            } else if data.is_empty()
                || data.len() > ASSET_CHUNK_MAX
                || certificate::b64url_decode(data).is_none()
            {
                Err("asset chunk data invalid".into())
            } else {
                Ok(())
            }
        }
        OpBody::CertificateRevoked { number, reason, .. } => {
            if !canonical_number(number) {
                Err("certificate number invalid".into())
            } else if reason.len() > 2_000 {
                Err("revocation reason too long".into())
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}
