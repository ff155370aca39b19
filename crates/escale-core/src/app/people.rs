//! Visitors: walk-in registration, edits, look-ups, search, duplicates,
//! merge and erasure.

use super::audit::Access;
use super::checkin::CheckInOutcome;
use super::time::{format_local, parse_tz};
use super::{parse_id, set, Escale};
use crate::error::{Error, Result};
use crate::fields::VisitorValues;
use crate::model::{
    Entity, RegistrationKind, CONSENT_PROCESSING, CONSENT_WORDING_VERSION, REG_ACTIVE,
};
use crate::op::{Fields, OpBody, Value};
use crate::search::Quality;
use crate::text::name_key;
use crate::validate::{self, Warning};
use escale_protocol::roles::Action;
use rand::Rng;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::BTreeMap;
use uuid::Uuid;

/// What a person typed for a visitor, by registry field name (see
/// [`crate::fields::VisitorRaw`]).
pub type VisitorInput = crate::fields::VisitorRaw;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ConsentInput {
    pub purpose: String,
    pub granted: bool,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Deserialize)]
pub struct WalkIn {
    pub event_id: String,
    pub visitor: VisitorInput,
    pub consents: Vec<ConsentInput>,
    pub check_in: bool,
}

/// A visitor's record: the id, then every registry field by name
/// (flattened: `{"id": …, "first_name": …, …}`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct VisitorView {
    pub id: Uuid,
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub values: VisitorValues,
}

impl VisitorView {
    pub fn first_name(&self) -> &str {
        self.values.text("first_name").unwrap_or("")
    }

    pub fn last_name(&self) -> &str {
        self.values.text("last_name").unwrap_or("")
    }

    /// "Alice Martin" (either name alone when the other is missing).
    pub fn display_name(&self) -> String {
        [self.first_name(), self.last_name()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A text field, `None` when unset.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.values.text(name).filter(|s| !s.is_empty())
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        self.values.int(name)
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct WalkInResult {
    pub visitor: VisitorView,
    pub registration_id: Uuid,
    pub warnings: Vec<Warning>,
    pub check_in: Option<CheckInOutcome>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    pub visitor: VisitorView,
    /// `exact`, `prefix`, `typo`, or `code` for a badge/ticket code.
    pub quality: String,
    pub registered: bool,
    /// Earliest arrival at the event, local time.
    pub arrived_at: Option<String>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct Similar {
    pub visitor: VisitorView,
    /// `email`, `name_birth_year`, `name_phone` or `name`.
    pub reason: String,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct RegistrationView {
    pub id: Uuid,
    pub event_id: Uuid,
    pub event_title: String,
    pub event_starts_local: String,
    pub kind: String,
    pub source: Option<String>,
    pub ticket_code: Option<String>,
    pub status: String,
    pub arrived_at: Option<String>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct VisitorDetail {
    pub visitor: VisitorView,
    pub merged_ids: Vec<Uuid>,
    pub registrations: Vec<RegistrationView>,
    pub consents: Vec<ConsentInput>,
    /// Anonymised (retention or a coordinator): no name, contact or note
    /// any more, and none can be written again.
    pub anonymised: bool,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct MergeResult {
    pub winner: VisitorView,
    pub loser_id: Uuid,
    pub fields_copied: Vec<String>,
}

/// Validated visitor fields (only those typed), with warnings for values
/// left out.
pub(crate) fn visitor_fields(input: &VisitorInput, warnings: &mut Vec<Warning>) -> Result<Fields> {
    Ok(validate::clean_record(Entity::Visitor, &input.0, warnings)?)
}

/// A person needs a first or a last name once `changes` are applied to `current`.
fn require_a_name(current: Option<&VisitorView>, changes: &Fields) -> Result<()> {
    let value = |name: &str| match changes.get(name) {
        Some(v) => v.as_str().map(str::to_string),
        None => current.and_then(|c| c.text(name)).map(str::to_string),
    };
    Ok(validate::require_a_name(
        value("first_name").as_deref(),
        value("last_name").as_deref(),
    )?)
}

/// A short code for badges: unambiguous letters and digits, typed by a scanner.
pub(crate) fn new_badge_code() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut rng = rand::thread_rng();
    let tail: String = (0..7)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!("E{tail}")
}

impl Escale {
    /// Registers a walk-in (or a desk registration) for an event, with
    /// consents, optionally checking them in, all in one transaction.
    pub async fn register_walk_in(&self, w: &WalkIn) -> Result<WalkInResult> {
        self.require(Action::CheckIn).await?;
        let ev = self.event(&w.event_id).await?;
        let mut warnings = vec![];
        let fields = visitor_fields(&w.visitor, &mut warnings)?;
        require_a_name(None, &fields)?;
        let processing = w
            .consents
            .iter()
            .any(|c| c.purpose == CONSENT_PROCESSING && c.granted);
        if !processing {
            return Err(Error::Required { field: "consent" });
        }
        let vid = Uuid::now_v7();
        let rid = Uuid::now_v7();
        let mut vf = fields;
        vf.insert("badge_code".into(), Value::String(new_badge_code()));
        let mut bodies = vec![
            OpBody::Set {
                entity: Entity::Visitor,
                id: vid,
                fields: vf,
            },
            set(
                Entity::Registration,
                rid,
                [
                    ("event_id", Value::String(ev.id.to_string())),
                    ("visitor_id", Value::String(vid.to_string())),
                    (
                        "kind",
                        Value::String(RegistrationKind::WalkIn.as_str().into()),
                    ),
                    ("source", Value::String("desk".into())),
                    ("status", Value::String(REG_ACTIVE.into())),
                    (
                        "registered_at",
                        Value::String(
                            crate::clock::now_utc()
                                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                        ),
                    ),
                ],
            ),
        ];
        for c in &w.consents {
            if c.purpose.trim().is_empty() || c.purpose.len() > 100 {
                return Err(Error::Invalid {
                    field: "purpose",
                    value: c.purpose.clone(),
                });
            }
            bodies.push(OpBody::Consent {
                visitor_id: vid,
                purpose: c.purpose.clone(),
                granted: c.granted,
                wording_version: CONSENT_WORDING_VERSION.into(),
            });
        }
        self.commit(bodies).await?;
        let check_in = if w.check_in {
            Some(
                self.check_in(
                    &ev.id.to_string(),
                    super::CheckInTarget::Visitor(vid.to_string()),
                    None,
                    crate::model::Method::Search,
                )
                .await?,
            )
        } else {
            None
        };
        Ok(WalkInResult {
            visitor: self.load_visitor(&vid.to_string()).await?,
            registration_id: rid,
            warnings,
            check_in,
        })
    }

    /// Edits a visitor: only the fields that changed become ops, so two
    /// laptops editing different fields both keep their edit.
    pub async fn update_visitor(
        &self,
        id: &str,
        input: &VisitorInput,
    ) -> Result<(VisitorView, Vec<Warning>)> {
        self.require(Action::EditVisitor).await?;
        let current = self.load_visitor(id).await?;
        let mut warnings = vec![];
        let fields = visitor_fields(input, &mut warnings)?;
        require_a_name(Some(&current), &fields)?;
        let changed: Fields = fields
            .into_iter()
            .filter(|(k, v)| !same_value(current.values.get(k), Some(v)))
            .collect();
        if !changed.is_empty() {
            let what: Vec<&str> = changed.keys().map(String::as_str).collect();
            let what = what.join(", ");
            let mut bodies = vec![OpBody::Set {
                entity: Entity::Visitor,
                id: current.id,
                fields: changed,
            }];
            bodies.extend(
                self.audit_ops(Access::EditVisitor, Some(current.id), None, &what)
                    .await?,
            );
            self.commit(bodies).await?;
        }
        Ok((self.load_visitor(id).await?, warnings))
    }

    /// The live record standing for `id` (following merges).
    pub async fn visitor(&self, id: &str) -> Result<VisitorView> {
        self.require(Action::ViewVisitor).await?;
        self.load_visitor(id).await
    }

    /// A visitor's record, for use cases that checked their own permission.
    pub(crate) async fn load_visitor(&self, id: &str) -> Result<VisitorView> {
        let uid = parse_id(id, Error::VisitorNotFound)?;
        let root = self.resolve(uid).await?;
        self.root_visitor(root).await
    }

    /// The record of an id already resolved to its root (no second look-up
    /// of merges and erasure on the check-in path).
    pub(crate) async fn root_visitor(&self, root: Uuid) -> Result<VisitorView> {
        let row = sqlx::query(&format!("{} WHERE id = ?", *VISITOR_SELECT))
            .bind(root)
            .fetch_optional(self.store.pool())
            .await?
            .ok_or_else(|| Error::VisitorNotFound(root.to_string()))?;
        visitor_from_row(&row)
    }

    /// Follows merges to the record that stands for `id`; refuses erased ids.
    pub(crate) async fn resolve(&self, id: Uuid) -> Result<Uuid> {
        let (erased, root): (i64, Option<Uuid>) = sqlx::query_as(
            "SELECT EXISTS (SELECT 1 FROM erased WHERE visitor_id = ?1),
                    (SELECT root FROM alias WHERE id = ?1)",
        )
        .bind(id)
        .fetch_one(self.store.pool())
        .await?;
        if erased != 0 {
            return Err(Error::VisitorErased(id));
        }
        Ok(root.unwrap_or(id))
    }

    pub async fn visitor_detail(&self, id: &str) -> Result<VisitorDetail> {
        self.require(Action::ViewVisitor).await?;
        let visitor = self.load_visitor(id).await?;
        let pool = self.store.pool();
        let vid = visitor.id;
        let merged: Vec<Uuid> =
            sqlx::query_scalar("SELECT id FROM alias WHERE root = ? ORDER BY id")
                .bind(vid)
                .fetch_all(pool)
                .await?;
        let rows = sqlx::query(
            "SELECT r.id, r.event_id, e.title AS event_title, e.starts_at AS event_starts_at, e.timezone,
                    r.kind, r.source, r.ticket_code, r.status,
                    (SELECT min(c.at_ms) FROM checkin c
                      WHERE (c.visitor_id = ?1 OR c.visitor_id IN (SELECT id FROM alias WHERE root = ?1))
                        AND c.event_id = r.event_id AND c.session_id IS NULL AND c.direction = 'in' AND c.voided = 0) AS arrived_ms
             FROM registration r JOIN event e ON e.id = r.event_id
             WHERE (r.visitor_id = ?1 OR r.visitor_id IN (SELECT id FROM alias WHERE root = ?1))
             ORDER BY e.starts_at DESC",
        )
        .bind(vid)
        .fetch_all(pool)
        .await?;
        let mut registrations = vec![];
        for r in rows {
            let tz = parse_tz(r.try_get::<Option<String>, _>("timezone")?.as_deref())?;
            let arrived: Option<i64> = r.try_get("arrived_ms")?;
            registrations.push(RegistrationView {
                id: r.try_get::<Uuid, _>("id")?,
                event_id: r.try_get::<Uuid, _>("event_id")?,
                event_title: r
                    .try_get::<Option<String>, _>("event_title")?
                    .unwrap_or_default(),
                event_starts_local: super::time::stored_to_local(
                    &r.try_get::<Option<String>, _>("event_starts_at")?
                        .unwrap_or_default(),
                    tz,
                ),
                kind: r.try_get::<Option<String>, _>("kind")?.unwrap_or_default(),
                source: r.try_get("source")?,
                ticket_code: r.try_get("ticket_code")?,
                status: r
                    .try_get::<Option<String>, _>("status")?
                    .unwrap_or_default(),
                arrived_at: arrived.map(|ms| format_local(ms, tz)),
            });
        }
        // Latest answer per purpose.
        let consents = sqlx::query(
            "SELECT purpose, granted FROM consent c
             WHERE (c.visitor_id = ?1 OR c.visitor_id IN (SELECT id FROM alias WHERE root = ?1))
             ORDER BY purpose, stamp",
        )
        .bind(vid)
        .fetch_all(pool)
        .await?;
        let mut latest: BTreeMap<String, bool> = BTreeMap::new();
        for c in consents {
            latest.insert(c.try_get("purpose")?, c.try_get::<i64, _>("granted")? != 0);
        }
        self.record_access(Access::ViewVisitor, Some(vid), None, "")
            .await?;
        let anonymised: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM anonymised WHERE visitor_id = ?)")
                .bind(vid)
                .fetch_one(pool)
                .await?;
        Ok(VisitorDetail {
            visitor,
            anonymised,
            merged_ids: merged,
            registrations,
            consents: latest
                .into_iter()
                .map(|(purpose, granted)| ConsentInput { purpose, granted })
                .collect(),
        })
    }

    /// The check-in desk search. A badge/ticket code typed exactly comes first.
    pub async fn search(
        &self,
        event_id: Option<&str>,
        query: &str,
        limit: usize,
    ) -> Result<Vec<SearchHit>> {
        let role = self
            .require(match event_id {
                Some(_) => Action::SearchEvent,
                None => Action::SearchAll,
            })
            .await?;
        // A role that may not search everyone (a volunteer) sees the event's
        // people only — registered there, arrived there, or whose badge was
        // scanned — and their names without contact details or notes.
        let narrow = role.is_some_and(|r| !r.allows(Action::SearchAll));
        let (wanted, limit) = (limit, if narrow { limit * 5 } else { limit });
        let ev = match event_id {
            Some(e) => Some(self.event(e).await?),
            None => None,
        };
        let query: String = query.chars().take(200).collect();
        let mut ids: Vec<(Uuid, String, bool)> = vec![];
        if let Some(v) = self
            .visitor_by_code(ev.as_ref().map(|e| e.id), &query)
            .await?
        {
            ids.push((v, "code".into(), false));
        }
        let hits = self
            .index()
            .await?
            .search(&query, ev.as_ref().map(|e| e.id), limit);
        for h in hits {
            if !ids.iter().any(|(id, _, _)| *id == h.visitor_id) {
                let q = match h.quality {
                    Quality::Exact => "exact",
                    Quality::Prefix => "prefix",
                    Quality::Typo => "typo",
                };
                ids.push((h.visitor_id, q.into(), h.registered));
            }
        }
        ids.truncate(limit);
        let views = self
            .visitors_by_id(&ids.iter().map(|i| i.0).collect::<Vec<_>>())
            .await?;
        let arrivals = match &ev {
            Some(e) => {
                self.arrivals_of(e.id, &ids.iter().map(|i| i.0).collect::<Vec<_>>())
                    .await?
            }
            None => BTreeMap::new(),
        };
        let registered = match &ev {
            Some(e) => {
                self.registered_among(e.id, &ids.iter().map(|i| i.0).collect::<Vec<_>>())
                    .await?
            }
            None => Default::default(),
        };
        let tz = parse_tz(ev.as_ref().map(|e| e.timezone.as_str()))?;
        Ok(ids
            .into_iter()
            .filter_map(|(id, quality, _)| {
                let visitor = views.get(&id)?.clone();
                let known_here =
                    quality == "code" || registered.contains(&id) || arrivals.contains_key(&id);
                if narrow && !known_here {
                    return None;
                }
                Some(SearchHit {
                    visitor: if narrow { names_only(visitor) } else { visitor },
                    quality,
                    registered: registered.contains(&id),
                    arrived_at: arrivals.get(&id).map(|ms| format_local(*ms, tz)),
                })
            })
            .take(wanted)
            .collect())
    }

    /// A visitor by badge code or by ticket code (this event's first).
    pub(crate) async fn visitor_by_code(
        &self,
        event: Option<Uuid>,
        code: &str,
    ) -> Result<Option<Uuid>> {
        let code = code.trim();
        if code.len() < 4 || code.len() > 128 || code.contains(char::is_whitespace) {
            return Ok(None);
        }
        // A badge, else a ticket (this event's first): one statement.
        let found: Option<Uuid> = sqlx::query_scalar(
            "SELECT COALESCE(
               (SELECT id FROM visitor WHERE badge_code = ?1),
               (SELECT visitor_id FROM registration WHERE ticket_code = ?2 AND status = 'active'
                ORDER BY (event_id IS ?3) DESC LIMIT 1))",
        )
        .bind(code.to_uppercase())
        .bind(code)
        .bind(event)
        .fetch_one(self.store.pool())
        .await?;
        match found {
            Some(v) => match self.resolve(v).await {
                Ok(root) => Ok(Some(root)),
                Err(Error::VisitorErased(_)) => Ok(None),
                Err(e) => Err(e),
            },
            None => Ok(None),
        }
    }

    pub(crate) async fn visitors_by_id(&self, ids: &[Uuid]) -> Result<BTreeMap<Uuid, VisitorView>> {
        let mut out = BTreeMap::new();
        for chunk in ids.chunks(300) {
            let sql = format!(
                "{} WHERE id IN ({})",
                *VISITOR_SELECT,
                vec!["?"; chunk.len()].join(",")
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            for r in q.fetch_all(self.store.pool()).await? {
                let v = visitor_from_row(&r)?;
                out.insert(v.id, v);
            }
        }
        Ok(out)
    }

    /// The desk search at a session: as [`Escale::search`] within the event,
    /// but `arrived_at` is each person's first check-in at that session.
    pub async fn search_at(
        &self,
        event_id: &str,
        session_id: Option<&str>,
        query: &str,
        limit: usize,
    ) -> Result<Vec<SearchHit>> {
        self.require(Action::SearchEvent).await?;
        let Some(sid) = session_id else {
            return self.search(Some(event_id), query, limit).await;
        };
        let ev = self.event(event_id).await?;
        let session = self.session(sid).await?;
        if session.event_id != ev.id {
            return Err(Error::SessionNotFound(sid.chars().take(60).collect()));
        }
        let mut hits = self.search(Some(event_id), query, limit).await?;
        let ids: Vec<Uuid> = hits.iter().map(|h| h.visitor.id).collect();
        let arrivals = self.arrivals_at(ev.id, Some(session.id), &ids).await?;
        let tz = parse_tz(Some(&ev.timezone))?;
        for h in &mut hits {
            h.arrived_at = arrivals.get(&h.visitor.id).map(|ms| format_local(*ms, tz));
        }
        Ok(hits)
    }

    /// Earliest arrival (ms) at the event of each given root visitor.
    pub(crate) async fn arrivals_of(
        &self,
        event: Uuid,
        roots: &[Uuid],
    ) -> Result<BTreeMap<Uuid, i64>> {
        self.arrivals_at(event, None, roots).await
    }

    /// Earliest check-in (ms) at the event's entrance (`session` None) or at a
    /// session, of each given root visitor.
    pub(crate) async fn arrivals_at(
        &self,
        event: Uuid,
        session: Option<Uuid>,
        roots: &[Uuid],
    ) -> Result<BTreeMap<Uuid, i64>> {
        let members = self.members_of(roots).await?;
        let ids: Vec<Uuid> = members.keys().copied().collect();
        let mut out: BTreeMap<Uuid, i64> = BTreeMap::new();
        for chunk in ids.chunks(300) {
            // Plain `visitor_id IN (...)` with the event and session: a range
            // on the (event_id, session_id, visitor_id) index, never a scan.
            let sql = format!(
                "SELECT c.visitor_id, min(c.at_ms) AS at_ms FROM checkin c
                 WHERE c.event_id = ? AND c.session_id IS ? AND c.visitor_id IN ({})
                   AND c.direction = 'in' AND c.voided = 0
                 GROUP BY c.visitor_id",
                vec!["?"; chunk.len()].join(",")
            );
            let mut q = sqlx::query(&sql).bind(event).bind(session);
            for id in chunk {
                q = q.bind(id);
            }
            for r in q.fetch_all(self.store.pool()).await? {
                let member = r.try_get::<Uuid, _>("visitor_id")?;
                let at: i64 = r.try_get("at_ms")?;
                if let Some(root) = members.get(&member) {
                    let e = out.entry(*root).or_insert(at);
                    *e = (*e).min(at);
                }
            }
        }
        Ok(out)
    }

    /// Every record standing for the given roots: the roots themselves and
    /// the ids merged into them, mapped to their root.
    pub(crate) async fn members_of(&self, roots: &[Uuid]) -> Result<BTreeMap<Uuid, Uuid>> {
        let mut out: BTreeMap<Uuid, Uuid> = roots.iter().map(|r| (*r, *r)).collect();
        for chunk in roots.chunks(300) {
            let sql = format!(
                "SELECT id, root FROM alias WHERE root IN ({})",
                vec!["?"; chunk.len()].join(",")
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            for r in q.fetch_all(self.store.pool()).await? {
                out.insert(r.try_get::<Uuid, _>("id")?, r.try_get::<Uuid, _>("root")?);
            }
        }
        Ok(out)
    }

    pub(crate) async fn registered_among(
        &self,
        event: Uuid,
        roots: &[Uuid],
    ) -> Result<std::collections::BTreeSet<Uuid>> {
        let members = self.members_of(roots).await?;
        let ids: Vec<Uuid> = members.keys().copied().collect();
        let mut out = std::collections::BTreeSet::new();
        for chunk in ids.chunks(300) {
            let sql = format!(
                "SELECT DISTINCT r.visitor_id FROM registration r
                 WHERE r.event_id = ? AND r.visitor_id IN ({}) AND r.status = 'active'",
                vec!["?"; chunk.len()].join(",")
            );
            let mut q = sqlx::query_scalar::<_, Uuid>(&sql).bind(event);
            for id in chunk {
                q = q.bind(id);
            }
            for r in q.fetch_all(self.store.pool()).await? {
                if let Some(root) = members.get(&r) {
                    out.insert(*root);
                }
            }
        }
        Ok(out)
    }

    /// Live records that look like the same person (for the "use this record
    /// instead?" warning and for import matching).
    pub async fn similar(&self, input: &VisitorInput) -> Result<Vec<Similar>> {
        // Offered while a walk-in is typed; a role that may not search
        // everyone is not told who else is in the base (the duplicates
        // review catches the double later).
        let role = self.require(Action::CheckIn).await?;
        if role.is_some_and(|r| !r.allows(Action::SearchAll)) {
            return Ok(vec![]);
        }
        let mut w = vec![];
        let email = validate::email(&input.text("email"), &mut w).ok().flatten();
        let phone = validate::phone(&input.text("phone"), &mut w).ok().flatten();
        let birth_year = input.text("birth_year").trim().parse::<i64>().ok();
        let key = name_key(&input.text("first_name"), &input.text("last_name"));
        let pool = self.store.pool();
        let sql = format!("{} WHERE (email = ? OR (name_key = ? AND name_key <> '')) AND id NOT IN (SELECT id FROM alias) LIMIT 20", *VISITOR_SELECT);
        let rows = sqlx::query(&sql)
            .bind(email.clone())
            .bind(&key)
            .fetch_all(pool)
            .await?;
        let mut out = vec![];
        for r in rows {
            let v = visitor_from_row(&r)?;
            let reason = if email.is_some() && v.text("email") == email.as_deref() {
                "email"
            } else if birth_year.is_some() && v.int("birth_year") == birth_year {
                "name_birth_year"
            } else if phone.is_some() && v.text("phone") == phone.as_deref() {
                "name_phone"
            } else {
                "name"
            };
            out.push(Similar {
                visitor: v,
                reason: reason.into(),
            });
        }
        out.sort_by_key(|s| match s.reason.as_str() {
            "email" => 0,
            "name_birth_year" | "name_phone" => 1,
            _ => 2,
        });
        Ok(out)
    }

    /// Values to offer while a person types `text` into the visitor field
    /// `field` (a town, from its name or the postcode already typed), given
    /// the form's other values: what the registry's field kind suggests;
    /// nothing for the fields that suggest nothing.
    pub fn suggest(
        &self,
        field: &str,
        text: &str,
        context: &VisitorInput,
        limit: usize,
    ) -> Result<Vec<crate::fields::Suggestion>> {
        let f = crate::fields::visitor(field).ok_or_else(|| Error::Invalid {
            field: "field",
            value: field.chars().take(60).collect(),
        })?;
        let text: String = text.chars().take(f.max.max(1) * 2).collect();
        let lookup = |name: &str| context.0.contains_key(name).then(|| context.text(name));
        let ctx = crate::fields::CleanCtx { raw: &lookup };
        Ok(match f.kind {
            crate::fields::Kind::Custom(c) => c
                .suggest
                .map(|suggest| suggest(&text, &ctx, limit.clamp(1, 50)))
                .unwrap_or_default(),
            _ => vec![],
        })
    }

    /// Merges `loser` into `winner`: the winner keeps its fields and gains the
    /// loser's where it had none; the loser's registrations and check-ins
    /// count for the winner on every node.
    pub async fn merge(&self, loser: &str, winner: &str) -> Result<MergeResult> {
        self.require(Action::Merge).await?;
        let l = self.load_visitor(loser).await?;
        let w = self.load_visitor(winner).await?;
        if l.id == w.id {
            return Err(Error::MergeSelf);
        }
        let mut copied = Fields::new();
        for def in Entity::Visitor.fields() {
            let (a, b) = (w.values.get(def.name), l.values.get(def.name));
            if same_value(a, None) && !same_value(b, None) {
                copied.insert(def.name.to_string(), b.cloned().unwrap_or(Value::Null));
            }
        }
        let mut bodies = vec![];
        let fields_copied: Vec<String> = copied.keys().cloned().collect();
        if !copied.is_empty() {
            bodies.push(OpBody::Set {
                entity: Entity::Visitor,
                id: w.id,
                fields: copied,
            });
        }
        bodies.push(OpBody::Merge {
            loser: l.id,
            winner: w.id,
        });
        bodies.extend(
            self.audit_ops(Access::Merge, Some(w.id), None, &l.id.to_string())
                .await?,
        );
        self.commit(bodies).await?;
        Ok(MergeResult {
            winner: self.load_visitor(&w.id.to_string()).await?,
            loser_id: l.id,
            fields_copied,
        })
    }

    /// Erases a person (and every record merged into them). Forever.
    pub async fn erase(&self, id: &str) -> Result<Vec<Uuid>> {
        self.require(Action::Erase).await?;
        let v = self.load_visitor(id).await?;
        let merged: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM alias WHERE root = ?")
            .bind(v.id)
            .fetch_all(self.store.pool())
            .await?;
        let mut ids = vec![v.id];
        ids.extend(merged);
        // The entry of an erasure names no one: not even the count of merged
        // records, which could single someone out.
        let mut bodies: Vec<OpBody> = ids
            .iter()
            .map(|id| OpBody::Erase { visitor_id: *id })
            .collect();
        bodies.extend(self.audit_ops(Access::Erase, None, None, "").await?);
        self.commit(bodies).await?;
        self.store.scrub().await?;
        Ok(ids)
    }
}

/// Equal for editing purposes: absent, null and "" are all "no value".
fn same_value(a: Option<&Value>, b: Option<&Value>) -> bool {
    let norm = |v: Option<&Value>| {
        v.filter(|v| !(v.is_null() || v.as_str() == Some("")))
            .cloned()
    };
    norm(a) == norm(b)
}

/// `SELECT id, <every visitor field> FROM visitor`, from the registry.
static VISITOR_SELECT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let cols: Vec<&str> = Entity::Visitor.fields().iter().map(|f| f.name).collect();
    format!("SELECT id, {} FROM visitor", cols.join(", "))
});

/// A visitor view from a row of [`VISITOR_SELECT`], read by column name.
pub(crate) fn visitor_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<VisitorView> {
    Ok(VisitorView {
        id: r.try_get::<Uuid, _>("id")?,
        values: crate::store::records::values_from_row(Entity::Visitor, r)?,
    })
}

/// A person as a role that sees no contact details sees them: the names,
/// and the fields that are not personal data.
fn names_only(v: VisitorView) -> VisitorView {
    use crate::fields::Personal;
    let keep = |name: &str| {
        name == "first_name"
            || name == "last_name"
            || crate::fields::visitor(name).is_none_or(|f| f.personal == Personal::No)
    };
    VisitorView {
        id: v.id,
        values: crate::fields::VisitorValues(
            v.values.0.into_iter().filter(|(k, _)| keep(k)).collect(),
        ),
    }
}
