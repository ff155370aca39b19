//! Operations: the immutable facts every change is made of.
//!
//! An [`Op`] has a UUIDv7 id, the id of the device that made it (`origin`), a
//! dense per-device sequence number and an HLC timestamp. Its [`OpBody`] says
//! what changed. The body is JSON in the log; once the person an op is about
//! is erased, the body is dropped and only the envelope (kind, subject) stays
//! so that sequence numbers remain dense for replication.
//!
//! This module owns the wire/log shape of ops; what an op *does* to state is
//! `fold.rs`'s business.

use crate::hlc::{Hlc, Stamp};
use crate::model::{Direction, Entity, Method};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A field value: text, integer, boolean or null (an explicit clear).
pub type Value = serde_json::Value;
pub type Fields = BTreeMap<String, Value>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Op {
    pub id: Uuid,
    pub origin: Uuid,
    pub seq: i64,
    pub hlc: Hlc,
    pub body: OpBody,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OpBody {
    /// Set some fields of a record (creates it if new). Per-field LWW.
    Set {
        entity: Entity,
        id: Uuid,
        fields: Fields,
    },
    /// A scan or a search-and-Enter at a desk: a fact, never a counter.
    CheckIn {
        event_id: Uuid,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        session_id: Option<Uuid>,
        visitor_id: Uuid,
        direction: Direction,
        method: Method,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<String>,
    },
    /// Undo: the named check-in no longer counts.
    VoidCheckIn { checkin_id: Uuid },
    /// A consent answer for one purpose, with the wording version shown.
    Consent {
        visitor_id: Uuid,
        purpose: String,
        granted: bool,
        wording_version: String,
    },
    /// `loser` is the same person as `winner`.
    Merge { loser: Uuid, winner: Uuid },
    /// Right to erasure: forever.
    Erase { visitor_id: Uuid },
    /// The retention period passed: who the person was goes (names,
    /// contacts, codes, notes — see [`crate::fields::anonymised_value`]),
    /// what they did stays, as an anonymous record. Forever, like erasure,
    /// and over every merge edge the same way.
    Anonymise { visitor_id: Uuid },
    /// Staff checked that `a` and `b` are two different people: the pair is
    /// never proposed as a duplicate again, on any device. Ids only.
    NotDuplicate { a: Uuid, b: Uuid },
    /// An attendance certificate was issued (or printed again: same number,
    /// the latest issue's content wins). Folded into the `certificate`
    /// record whose id derives from the number.
    CertificateIssued {
        number: String,
        visitor_id: Uuid,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        event_id: Option<Uuid>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        series: Option<String>,
        template: String,
        period_from: String,
        period_to: String,
        minutes: i64,
        /// Each date attended with its times (`2026-12-01 09:05–11:40`), one per line.
        spans: String,
        /// The name as printed.
        name: String,
        key_id: String,
    },
    /// A certificate no longer attests anything (issued by mistake). It
    /// names the certificate's holder, so that an erasure removes it in
    /// whatever order the two arrive.
    CertificateRevoked {
        number: String,
        visitor_id: Uuid,
        reason: String,
    },
    /// One piece of an image the organisation's certificates print (its
    /// logo, its signatory's signature), small enough to cross a link that
    /// drops every few hundred kilobytes. The organisation's `logo` and
    /// `signature` fields name the asset once all its pieces are written.
    AssetChunk {
        asset_id: Uuid,
        index: u32,
        count: u32,
        mime: String,
        /// This piece's bytes, base64url.
        data: String,
    },
    /// An op whose body was dropped because its subject was erased.
    #[serde(skip)]
    Redacted { kind: String, subject: Option<Uuid> },
    /// A body received from another device that this version cannot decode
    /// (unknown kind, wrong types). Kept word for word so it can be relayed
    /// and re-read by a newer version; the fold quarantines it.
    #[serde(skip)]
    Undecodable {
        kind: String,
        subject: Option<Uuid>,
        body: String,
        reason: String,
    },
}

impl OpBody {
    /// Decodes a body that came from elsewhere (the wire, the log). One that
    /// does not decode is kept as [`OpBody::Undecodable`] with the reason;
    /// the reason is derived the same way everywhere, so every node
    /// quarantines it with the same words (the canonical hash includes them).
    pub fn decode(kind: &str, subject: Option<Uuid>, body: Value) -> OpBody {
        // Deserialised from a reference: no copy of the body on the happy path.
        match <OpBody as Deserialize>::deserialize(&body) {
            Ok(b) => b,
            Err(e) => OpBody::Undecodable {
                kind: OpBody::normalise_kind(kind.to_string()),
                subject,
                body: body.to_string(),
                reason: format!("undecodable body: {e}"),
            },
        }
    }

    /// Every kind this version can decode, as the log's `kind` column and
    /// the body's `kind` tag spell it (the same word).
    pub const KINDS: &'static [&'static str] = &[
        "set",
        "check_in",
        "void_check_in",
        "consent",
        "merge",
        "erase",
        "anonymise",
        "not_duplicate",
        "certificate_issued",
        "certificate_revoked",
        "asset_chunk",
    ];

    /// The log's `kind` column as written before version 0.2 (`checkin`,
    /// `void_checkin`): still accepted from older laptops, read as today's.
    pub fn normalise_kind(kind: String) -> String {
        match kind.as_str() {
            "checkin" => "check_in".into(),
            "void_checkin" => "void_check_in".into(),
            _ => kind,
        }
    }

    /// Short kind name as stored in the log's `kind` column: the body's tag
    /// (`check_in`…), `set.<table>` for a `set`.
    pub fn kind(&self) -> String {
        match self {
            OpBody::Set { entity, .. } => format!("set.{}", entity.table()),
            OpBody::CheckIn { .. } => "check_in".into(),
            OpBody::VoidCheckIn { .. } => "void_check_in".into(),
            OpBody::Consent { .. } => "consent".into(),
            OpBody::Merge { .. } => "merge".into(),
            OpBody::Erase { .. } => "erase".into(),
            OpBody::Anonymise { .. } => "anonymise".into(),
            OpBody::NotDuplicate { .. } => "not_duplicate".into(),
            OpBody::CertificateIssued { .. } => "certificate_issued".into(),
            OpBody::CertificateRevoked { .. } => "certificate_revoked".into(),
            OpBody::AssetChunk { .. } => "asset_chunk".into(),
            OpBody::Redacted { kind, .. } | OpBody::Undecodable { kind, .. } => kind.clone(),
        }
    }

    /// The visitor whose personal data this op carries, if any: the id that
    /// erasure redacts by. A merge or a not-duplicate carries only ids and is kept.
    pub fn subject(&self) -> Option<Uuid> {
        match self {
            OpBody::Set {
                entity: Entity::Visitor,
                id,
                ..
            } => Some(*id),
            OpBody::Set { entity, fields, .. }
                if *entity == Entity::Registration || !entity.identity_fields().is_empty() =>
            {
                fields
                    .get("visitor_id")
                    .and_then(|v| v.as_str())
                    .and_then(|s| Uuid::parse_str(s).ok())
            }
            OpBody::CheckIn { visitor_id, .. }
            | OpBody::Consent { visitor_id, .. }
            | OpBody::CertificateIssued { visitor_id, .. }
            | OpBody::CertificateRevoked { visitor_id, .. } => Some(*visitor_id),
            OpBody::Erase { visitor_id } | OpBody::Anonymise { visitor_id } => Some(*visitor_id),
            OpBody::Redacted { subject, .. } | OpBody::Undecodable { subject, .. } => *subject,
            _ => None,
        }
    }
}

impl OpBody {
    /// Whether this op decides what happens to its subject (erasure,
    /// anonymisation) rather than saying something about them.
    pub fn is_verdict(&self) -> bool {
        matches!(self, OpBody::Erase { .. } | OpBody::Anonymise { .. })
    }

    /// This op as it stands once its subject is anonymised: every field
    /// [`crate::fields::anonymised_value`] strips takes its anonymous value,
    /// a check-in loses the code scanned, a certificate the name printed, a
    /// revocation its free-text reason. The same function on every node
    /// (laptops and hub), whether the op arrived before or after the
    /// anonymisation, so every log ends up with the same bytes.
    pub fn anonymised(&self) -> OpBody {
        let mut body = self.clone();
        match &mut body {
            OpBody::Set { entity, fields, .. } => {
                for (name, value) in fields.iter_mut() {
                    if let Some(v) = crate::fields::anonymised_value(*entity, name) {
                        *value = v;
                    }
                }
            }
            OpBody::CheckIn { code, .. } => *code = None,
            OpBody::CertificateIssued { name, .. } => {
                *name = certificate_text("name");
            }
            OpBody::CertificateRevoked { reason, .. } => {
                *reason = certificate_text("revoke_reason")
            }
            _ => {}
        }
        body
    }

    /// A logged body (its JSON text) once its subject is anonymised:
    /// `Some` with the text to keep (the same if nothing in it identifies),
    /// `None` when this version cannot read it (it may hold anything about
    /// them): its body must go, as an erasure's would. Laptops and the hub
    /// rewrite their logs with this one function.
    pub fn anonymised_text(kind: &str, subject: Option<Uuid>, text: &str) -> Option<String> {
        let value: Value = serde_json::from_str(text).ok()?;
        match OpBody::decode(kind, subject, value) {
            OpBody::Undecodable { .. } | OpBody::Redacted { .. } => None,
            b if b.is_verdict() => Some(text.to_string()),
            b => serde_json::to_string(&b.anonymised()).ok(),
        }
    }

    /// The LWW record this op writes, if any: the store loads it before
    /// folding.
    pub fn record_key(&self) -> Option<(Entity, Uuid)> {
        match self {
            OpBody::Set { entity, id, .. } => Some((*entity, *id)),
            OpBody::CertificateIssued { number, .. }
            | OpBody::CertificateRevoked { number, .. } => {
                Some((Entity::Certificate, crate::certificate::record_id(number)))
            }
            _ => None,
        }
    }
}

/// What an anonymised certificate record holds in this field (the op
/// carries the same, so both orders fold alike).
fn certificate_text(field: &str) -> String {
    crate::fields::anonymised_value(Entity::Certificate, field)
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

impl Op {
    pub fn stamp(&self) -> Stamp {
        Stamp {
            hlc: self.hlc,
            origin: self.origin,
        }
    }

    /// The JSON body stored in the log (None for a redacted op).
    pub fn body_json(&self) -> Option<String> {
        match &self.body {
            OpBody::Redacted { .. } => None,
            OpBody::Undecodable { body, .. } => Some(body.clone()),
            b => serde_json::to_string(b).ok(),
        }
    }

    /// Rebuilds an op from a log row.
    pub fn from_row(
        id: Uuid,
        origin: Uuid,
        seq: i64,
        hlc: i64,
        kind: String,
        subject: Option<Uuid>,
        body: Option<&str>,
    ) -> Result<Op, String> {
        let kind = OpBody::normalise_kind(kind);
        let body = match body {
            None => OpBody::Redacted { kind, subject },
            Some(text) => {
                let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
                OpBody::decode(&kind, subject, value)
            }
        };
        Ok(Op {
            id,
            origin,
            seq,
            hlc: Hlc(hlc),
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_round_trip_through_json_with_a_kind_tag() {
        let body = OpBody::CheckIn {
            event_id: Uuid::from_u128(1),
            session_id: None,
            visitor_id: Uuid::from_u128(2),
            direction: Direction::In,
            method: Method::Scan,
            code: Some("ESC-7KQ2".into()),
        };
        let json = serde_json::to_string(&body).unwrap();
        assert!(json.contains(r#""kind":"check_in""#), "{json}");
        let back: OpBody = serde_json::from_str(&json).unwrap();
        assert_eq!(back, body);
    }

    #[test]
    fn a_not_duplicate_travels_as_its_own_kind_and_carries_no_subject() {
        let body = OpBody::NotDuplicate {
            a: Uuid::from_u128(1),
            b: Uuid::from_u128(2),
        };
        let json = serde_json::to_string(&body).unwrap();
        assert!(json.contains(r#""kind":"not_duplicate""#), "{json}");
        assert_eq!(
            OpBody::decode("not_duplicate", None, serde_json::from_str(&json).unwrap()),
            body
        );
        assert_eq!(body.kind(), "not_duplicate");
        assert_eq!(
            body.subject(),
            None,
            "ids only: kept when either person is erased"
        );
    }

    #[test]
    fn registration_ops_are_about_their_visitor() {
        let v = Uuid::from_u128(7);
        let mut fields = Fields::new();
        fields.insert("visitor_id".into(), Value::String(v.to_string()));
        let body = OpBody::Set {
            entity: Entity::Registration,
            id: Uuid::from_u128(9),
            fields,
        };
        assert_eq!(
            body.subject(),
            Some(v),
            "erasing the visitor must redact their registrations"
        );
    }
}
