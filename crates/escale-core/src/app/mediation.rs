//! The mediation log: the help a mediator gave one person (or someone who
//! did not want to register) — themes, duration, autonomy reached, referral,
//! equipment, a short note.
//!
//! An entry is written as up to two `set.mediation` ops in one transaction:
//! the facts (no subject: nobody is named), and — when the entry is about a
//! registered person — who it is about with the note, in one op whose
//! subject is that person. Erasing the person drops that op and keeps the
//! facts: the entry stays in the figures, anonymous (as la Coop de la
//! médiation numérique does). See `fields::MEDIATION`.

use super::time::{parse_datetime, parse_tz};
use super::{parse_id, set, Escale};
use crate::error::{Error, Result};
use crate::fields::{
    codes, join_codes, Choice, AUTONOMY, EQUIPMENT, PLACE_KINDS, REFERRALS, THEMES,
};
use crate::model::Entity;
use crate::op::{Fields, OpBody, Value};
use crate::validate::text;
use escale_protocol::roles::Action;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use uuid::Uuid;

/// Longest help one entry records (a whole day); the Coop's usual values are 15 to 120 minutes.
pub const MAX_MINUTES: i64 = 600;
/// Duration of an entry when none is given.
pub const DEFAULT_MINUTES: i64 = 30;
/// Most entries one list returns.
pub const MAX_LIST: u32 = 1_000;

/// What a mediator records after helping someone.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct MediationInput {
    /// The person helped; `None`: someone who did not register (anonymous).
    pub visitor_id: Option<String>,
    /// The event (and session) where it happened, if any.
    pub event_id: Option<String>,
    pub session_id: Option<String>,
    /// When: `2026-12-03 10:30` in the event's timezone (Paris without an
    /// event), or RFC 3339. Now when absent.
    pub at: Option<String>,
    /// Duration in minutes (1 to 600); 30 when absent.
    pub minutes: Option<i64>,
    /// Codes of [`THEMES`]: at least one.
    pub themes: Vec<String>,
    /// The organisation's own tags (free words).
    pub tags: Vec<String>,
    /// A code of [`AUTONOMY`].
    pub autonomy: Option<String>,
    /// A code of [`REFERRALS`]; `None`: not referred.
    pub referral: Option<String>,
    /// Codes of [`EQUIPMENT`].
    pub equipment: Vec<String>,
    /// A code of [`PLACE_KINDS`]; the activity site when absent.
    pub place_kind: Option<String>,
    /// The place's commune, INSEE code (`93048`, `2A004`).
    pub commune_code: Option<String>,
    /// Short note (staff only; goes with the person on erasure).
    pub note: Option<String>,
}

/// One entry as lists show it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MediationView {
    pub id: Uuid,
    /// As stored: RFC 3339 with the local offset (`2026-12-03T10:30:00+01:00`).
    pub at: String,
    /// Local wall time, `2026-12-03 10:30`.
    pub at_local: String,
    pub minutes: Option<i64>,
    pub themes: Vec<String>,
    pub tags: Vec<String>,
    pub autonomy: Option<String>,
    pub referral: Option<String>,
    pub equipment: Vec<String>,
    pub place_kind: Option<String>,
    pub commune_code: Option<String>,
    pub event_id: Option<Uuid>,
    pub session_id: Option<Uuid>,
    pub mediator: Option<String>,
    /// The person (their record after merges); `None` when anonymous or erased.
    pub visitor_id: Option<Uuid>,
    /// Their name as the record has it now.
    pub visitor_name: Option<String>,
    pub note: Option<String>,
}

/// Which entries a list returns (all given filters apply).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct MediationFilter {
    pub visitor_id: Option<String>,
    pub event_id: Option<String>,
    /// First and last local dates, `2026-12-01`.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Most entries (newest first); 200 when absent, at most [`MAX_LIST`].
    pub limit: Option<u32>,
}

/// Several codes of a list, checked and written the one way (each once, in
/// the list's order): `Err` names the first unknown code under `field`.
pub(crate) fn choices_value(
    field: &'static str,
    list: &[Choice],
    given: &[String],
) -> Result<Value> {
    let joined =
        join_codes(list, given.iter().map(String::as_str)).map_err(|code| Error::Invalid {
            field,
            value: code.chars().take(40).collect(),
        })?;
    Ok(if joined.is_empty() {
        Value::Null
    } else {
        Value::String(joined)
    })
}

/// A session's or an entry's themes, as stored.
pub(crate) fn themes_value(themes: &[String]) -> Result<Value> {
    choices_value("themes", THEMES, themes)
}

fn choice_value(field: &'static str, list: &[Choice], given: &Option<String>) -> Result<Value> {
    match given.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(Value::Null),
        Some(code) => choice_code(field, list, Some(code), code).map(Value::String),
    }
}

/// One code of a closed list as given (trimmed), `default` when none is;
/// `Err` names the field and the code not in the list.
pub(crate) fn choice_code(
    field: &'static str,
    list: &[Choice],
    given: Option<&str>,
    default: &str,
) -> Result<String> {
    let code = given
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(default);
    if list.iter().any(|c| c.value == code) {
        Ok(code.to_string())
    } else {
        Err(Error::Invalid {
            field,
            value: code.chars().take(40).collect(),
        })
    }
}

/// An INSEE commune code: five characters, digits (Corsica: `2A`, `2B`).
fn commune_code(given: &Option<String>) -> Result<Value> {
    let Some(code) = given.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(Value::Null);
    };
    let code = code.to_ascii_uppercase();
    let b = code.as_bytes();
    let ok = b.len() == 5
        && b[0].is_ascii_digit()
        && (b[1].is_ascii_digit() || (b[0] == b'2' && matches!(b[1], b'A' | b'B')))
        && b[2..].iter().all(u8::is_ascii_digit);
    if ok {
        Ok(Value::String(code))
    } else {
        Err(Error::Invalid {
            field: "commune_code",
            value: code.chars().take(20).collect(),
        })
    }
}

/// The organisation's own tags: words of up to 40 characters, joined by
/// commas, each once.
fn tags_value(tags: &[String]) -> Result<Value> {
    let mut out: Vec<String> = vec![];
    for t in tags.iter().flat_map(|t| t.split(',')) {
        let Some(t) = text("tags", t, 40)? else {
            continue;
        };
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&t)) {
            out.push(t);
        }
    }
    let joined = out.join(",");
    if joined.chars().count() > crate::fields::MAX_SHORT {
        return Err(Error::TooLong {
            field: "tags",
            len: joined.chars().count(),
            max: crate::fields::MAX_SHORT,
        });
    }
    Ok(if joined.is_empty() {
        Value::Null
    } else {
        Value::String(joined)
    })
}

impl Escale {
    /// Records one entry of the mediation log.
    pub async fn add_mediation(&self, input: &MediationInput) -> Result<MediationView> {
        self.require(Action::Mediation).await?;
        let id = Uuid::now_v7();
        let bodies = self.mediation_bodies(id, input).await?;
        self.commit(bodies).await?;
        self.mediation(id).await
    }

    async fn mediation_bodies(&self, id: Uuid, input: &MediationInput) -> Result<Vec<OpBody>> {
        let themes = themes_value(&input.themes)?;
        if themes.is_null() {
            return Err(Error::Required { field: "themes" });
        }
        let minutes = input.minutes.unwrap_or(DEFAULT_MINUTES);
        if !(1..=MAX_MINUTES).contains(&minutes) {
            return Err(Error::Invalid {
                field: "minutes",
                value: minutes.to_string(),
            });
        }
        let (event, session) = match input.event_id.as_deref().filter(|s| !s.trim().is_empty()) {
            None => (None, None),
            Some(e) => {
                let ev = self.event(e).await?;
                let session = match input.session_id.as_deref().filter(|s| !s.trim().is_empty()) {
                    None => None,
                    Some(s) => {
                        let s = self.session(s).await?;
                        if s.event_id != ev.id {
                            return Err(Error::SessionNotFound(s.id.to_string()));
                        }
                        Some(s.id)
                    }
                };
                (Some(ev), session)
            }
        };
        let tz = parse_tz(event.as_ref().map(|e| e.timezone.as_str()))?;
        let at = match input.at.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(s) => parse_datetime("at", s, tz)?,
            None => crate::clock::now_utc(),
        };
        let at = at
            .with_timezone(&tz)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
        let visitor = match input.visitor_id.as_deref().filter(|s| !s.trim().is_empty()) {
            None => None,
            Some(v) => Some(self.load_visitor(v).await?.id),
        };
        let note = match &input.note {
            Some(n) => text("note", n, 500)?,
            None => None,
        };
        if visitor.is_none() && note.is_some() {
            // A note about nobody cannot go with the person on erasure.
            return Err(Error::Invalid {
                field: "note",
                value: String::new(),
            });
        }
        let mediator = self.info().await?.device_name;
        let facts = set(
            Entity::Mediation,
            id,
            [
                ("at", Value::String(at)),
                ("minutes", Value::from(minutes)),
                ("themes", themes),
                ("tags", tags_value(&input.tags)?),
                (
                    "autonomy",
                    choice_value("autonomy", AUTONOMY, &input.autonomy)?,
                ),
                (
                    "referral",
                    choice_value("referral", REFERRALS, &input.referral)?,
                ),
                (
                    "equipment",
                    choices_value("equipment", EQUIPMENT, &input.equipment)?,
                ),
                (
                    "place_kind",
                    choice_value(
                        "place_kind",
                        PLACE_KINDS,
                        &Some(input.place_kind.clone().unwrap_or_else(|| "site".into())),
                    )?,
                ),
                ("commune_code", commune_code(&input.commune_code)?),
                (
                    "event_id",
                    event
                        .as_ref()
                        .map_or(Value::Null, |e| Value::String(e.id.to_string())),
                ),
                (
                    "session_id",
                    session.map_or(Value::Null, |s| Value::String(s.to_string())),
                ),
                ("mediator", Value::String(mediator)),
            ],
        );
        let OpBody::Set { fields: facts, .. } = facts else {
            unreachable!("set() makes a Set")
        };
        let bodies = entry_ops(id, facts, visitor.map(|v| (v, note)));
        Ok(bodies)
    }

    /// One entry (a deleted one is not found).
    pub async fn mediation(&self, id: Uuid) -> Result<MediationView> {
        self.require(Action::Mediation).await?;
        let sql = format!("{SELECT} WHERE m.id = ? AND COALESCE(m.deleted, 0) = 0");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.store.pool())
            .await?
            .ok_or_else(|| Error::MediationNotFound(id.to_string()))?;
        view_from_row(&row)
    }

    /// Entries newest first.
    pub async fn mediations(&self, filter: &MediationFilter) -> Result<Vec<MediationView>> {
        self.require(Action::Mediation).await?;
        enum Arg {
            Id(Uuid),
            Text(String),
        }
        let mut sql = format!("{SELECT} WHERE COALESCE(m.deleted, 0) = 0 AND m.at IS NOT NULL");
        let mut args: Vec<Arg> = vec![];
        if let Some(v) = filter.visitor_id.as_deref().filter(|s| !s.is_empty()) {
            let root = self.load_visitor(v).await?.id;
            sql.push_str(
                " AND m.visitor_id IN (SELECT id FROM alias WHERE root = ? UNION SELECT ?)",
            );
            args.push(Arg::Id(root));
            args.push(Arg::Id(root));
        }
        if let Some(e) = filter.event_id.as_deref().filter(|s| !s.is_empty()) {
            sql.push_str(" AND m.event_id = ?");
            args.push(Arg::Id(self.event(e).await?.id));
        }
        for (field, given, op) in [("from", &filter.from, ">="), ("to", &filter.to, "<=")] {
            if let Some(d) = given.as_deref().filter(|s| !s.trim().is_empty()) {
                let day = parse_day(field, d)?;
                sql.push_str(&format!(" AND substr(m.at, 1, 10) {op} ?"));
                args.push(Arg::Text(day.to_string()));
            }
        }
        let limit = filter.limit.unwrap_or(200).clamp(1, MAX_LIST);
        sql.push_str(&format!(" ORDER BY m.at DESC, m.id DESC LIMIT {limit}"));
        let mut q = sqlx::query(&sql);
        for a in args {
            q = match a {
                Arg::Id(id) => q.bind(id),
                Arg::Text(t) => q.bind(t),
            };
        }
        let rows = q.fetch_all(self.store.pool()).await?;
        rows.iter().map(view_from_row).collect()
    }

    /// Deletes an entry made by mistake (it leaves the figures).
    pub async fn delete_mediation(&self, id: &str) -> Result<()> {
        self.require(Action::Mediation).await?;
        let uid = parse_id(id, Error::MediationNotFound)?;
        self.mediation(uid).await?;
        self.commit(vec![set(
            Entity::Mediation,
            uid,
            [("deleted", Value::Bool(true))],
        )])
        .await?;
        Ok(())
    }
}

/// The ops of one entry: its facts, and — about a registered person —
/// who and the note together in a second op whose subject is the person
/// (the op an erasure drops).
pub(crate) fn entry_ops(
    id: Uuid,
    facts: Fields,
    person: Option<(Uuid, Option<String>)>,
) -> Vec<OpBody> {
    let mut bodies = vec![OpBody::Set {
        entity: Entity::Mediation,
        id,
        fields: facts,
    }];
    if let Some((visitor, note)) = person {
        let mut fields = Fields::new();
        fields.insert("visitor_id".into(), Value::String(visitor.to_string()));
        fields.insert("note".into(), note.map_or(Value::Null, Value::String));
        bodies.push(OpBody::Set {
            entity: Entity::Mediation,
            id,
            fields,
        });
    }
    bodies
}

/// A local date typed as `2026-12-01` (or `01/12/2026`).
pub fn parse_day(field: &'static str, s: &str) -> Result<chrono::NaiveDate> {
    let s = s.trim();
    ["%Y-%m-%d", "%d/%m/%Y"]
        .iter()
        .find_map(|f| chrono::NaiveDate::parse_from_str(s, f).ok())
        .ok_or_else(|| Error::Invalid {
            field,
            value: s.chars().take(20).collect(),
        })
}

/// An entry with its person's current name (through merges).
const SELECT: &str =
    "SELECT m.id, m.at, m.minutes, m.themes, m.tags, m.autonomy, m.referral, m.equipment,
        m.place_kind, m.commune_code, m.event_id, m.session_id, m.mediator, m.note,
        COALESCE(a.root, m.visitor_id) AS person, v.first_name, v.last_name
     FROM mediation m
     LEFT JOIN alias a ON a.id = m.visitor_id
     LEFT JOIN visitor v ON v.id = COALESCE(a.root, m.visitor_id)";

fn list(stored: Option<String>) -> Vec<String> {
    codes(&stored.unwrap_or_default())
        .map(str::to_string)
        .collect()
}

fn view_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<MediationView> {
    let at: String = r.try_get::<Option<String>, _>("at")?.unwrap_or_default();
    let at_local = chrono::DateTime::parse_from_rfc3339(&at)
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| at.clone());
    let person: Option<Uuid> = r.try_get("person")?;
    let name = [
        r.try_get::<Option<String>, _>("first_name")?,
        r.try_get::<Option<String>, _>("last_name")?,
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" ");
    Ok(MediationView {
        id: r.try_get("id")?,
        at_local,
        at,
        minutes: r.try_get("minutes")?,
        themes: list(r.try_get("themes")?),
        tags: list(r.try_get("tags")?),
        autonomy: r.try_get("autonomy")?,
        referral: r.try_get("referral")?,
        equipment: list(r.try_get("equipment")?),
        place_kind: r.try_get("place_kind")?,
        commune_code: r.try_get("commune_code")?,
        event_id: r.try_get("event_id")?,
        session_id: r.try_get("session_id")?,
        mediator: r.try_get("mediator")?,
        visitor_name: person.and((!name.is_empty()).then_some(name)),
        visitor_id: person,
        note: r.try_get("note")?,
    })
}
