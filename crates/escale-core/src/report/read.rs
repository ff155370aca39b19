//! What reports read of the store, written once for the figures
//! ([`super::compute`]) and la Coop's file ([`super::coop`]).
//!
//! The large reads (every check-in of a year, every person, every help
//! entry) come as one JSON document built by SQLite: handing 300,000 rows
//! over one by one cost more than the queries themselves (the same choice
//! as the export and the duplicates review; `docs/benchmarks.md`).

use super::{Scope, ScopeKind};
use crate::error::{Error, Result};
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// The rows of a `json_group_array(json_array(…))` document (none when the
/// query matched nothing); texts may borrow from it.
pub(super) fn doc<'a, T: Deserialize<'a>>(json: Option<&'a str>) -> Result<Vec<T>> {
    serde_json::from_str(json.unwrap_or("[]")).map_err(|e| Error::Corrupt(format!("report: {e}")))
}

/// An id written by SQLite's `hex()` (empty for NULL).
pub(super) fn id(hex: &str) -> Option<Uuid> {
    if hex.is_empty() {
        None
    } else {
        Uuid::try_parse(hex).ok()
    }
}

/// The entries a report counts: not deleted, dated.
const LIVE: &str = "COALESCE(m.deleted, 0) = 0 AND m.at IS NOT NULL";

/// An entry's date in a period, on `at` (RFC 3339 with the local offset:
/// its first ten characters are the local date, so a range on the text is
/// a range of local dates). A year is most of the log: a scan (`+`) beats
/// the index on `at`. Bound to [`period_range`].
const IN_PERIOD: &str = "+m.at >= ? AND +m.at < ?";

/// A period scope's first day and the day after its last (text bounds of
/// `at`); `None` for an event or a series.
fn period_range(scope: &Scope) -> Option<(String, String)> {
    (scope.kind == ScopeKind::Period).then(|| {
        let after = NaiveDate::parse_from_str(&scope.to, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.succ_opt())
            .map_or_else(|| "9999".into(), |d| d.to_string());
        (scope.from.clone(), after)
    })
}

/// What reports count of a person.
#[derive(Debug, Clone, Default)]
pub(super) struct Profile {
    pub birth_year: Option<i64>,
    pub situation: Option<String>,
    pub commune: Option<String>,
    pub commune_code: Option<String>,
    pub gender: Option<String>,
}

type ProfileRow = (
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Everyone's profile.
pub(super) async fn profiles(pool: &sqlx::SqlitePool) -> Result<HashMap<Uuid, Profile>> {
    let json: Option<String> = sqlx::query_scalar(
        "SELECT json_group_array(json_array(hex(id), birth_year, situation, commune, commune_code, gender))
         FROM visitor",
    )
    .fetch_one(pool)
    .await?;
    let mut out = HashMap::new();
    for (hex, birth_year, situation, commune, commune_code, gender) in
        doc::<ProfileRow>(json.as_deref())?
    {
        let Some(v) = id(&hex) else { continue };
        out.insert(
            v,
            Profile {
                birth_year,
                situation,
                commune,
                commune_code,
                gender,
            },
        );
    }
    Ok(out)
}

/// A help entry as reports count it.
pub(super) struct Entry {
    pub id: Uuid,
    pub at: DateTime<FixedOffset>,
    pub minutes: i64,
    pub themes: String,
    pub equipment: String,
    pub autonomy: Option<String>,
    pub referral: Option<String>,
    pub place_kind: Option<String>,
    pub commune_code: Option<String>,
    /// The person (merge root); `None` when anonymous or erased.
    pub person: Option<Uuid>,
}

type EntryRow = (
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
);

/// The entries a scope counts, deleted ones apart: by their own local date
/// in a period, by the event they were recorded at otherwise (`events`).
pub(super) async fn entries(
    pool: &sqlx::SqlitePool,
    scope: &Scope,
    events: &HashSet<Uuid>,
) -> Result<Vec<Entry>> {
    let period = scope.kind == ScopeKind::Period;
    let mut sql = format!(
        "SELECT json_group_array(json_array(hex(m.id), m.at, m.minutes, m.themes, m.equipment,
                m.autonomy, m.referral, m.place_kind, m.commune_code,
                hex(COALESCE(a.root, m.visitor_id)), hex(m.event_id)))
         FROM mediation m LEFT JOIN alias a ON a.id = m.visitor_id
         WHERE {LIVE}"
    );
    let range = period_range(scope);
    sql.push_str(" AND ");
    sql.push_str(if range.is_some() {
        IN_PERIOD
    } else {
        "m.event_id IS NOT NULL"
    });
    let mut q = sqlx::query_scalar::<_, Option<String>>(&sql);
    if let Some((from, after)) = range {
        q = q.bind(from).bind(after);
    }
    let mut out = vec![];
    let json = q.fetch_one(pool).await?;
    for row in doc::<EntryRow>(json.as_deref())? {
        let (hex, at, minutes, themes, equipment, autonomy, referral, place_kind, commune_code) = (
            row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8,
        );
        if !period && !id(&row.10).is_some_and(|e| events.contains(&e)) {
            continue;
        }
        let (Some(entry), Ok(at)) = (id(&hex), DateTime::parse_from_rfc3339(&at)) else {
            continue;
        };
        out.push(Entry {
            id: entry,
            at,
            minutes: minutes.unwrap_or(0),
            themes: themes.unwrap_or_default(),
            equipment: equipment.unwrap_or_default(),
            autonomy,
            referral,
            place_kind,
            commune_code,
            person: id(&row.9),
        });
    }
    Ok(out)
}

/// Help entries alike in everything a report counts, and how many.
pub(super) struct HelpGroup {
    pub themes: String,
    pub equipment: String,
    pub autonomy: Option<String>,
    pub referral: Option<String>,
    pub place_kind: Option<String>,
    pub minutes: i64,
    pub mediator: Option<String>,
    pub n: u64,
}

/// The help a scope counts, grouped by SQLite (a report needs counts, not
/// the 200,000 entries of a year; la Coop's file reads [`entries`]).
pub(super) struct Help {
    pub groups: Vec<HelpGroup>,
    /// How many people were helped (merge roots).
    pub people: u64,
    /// Entries about nobody: anonymous, or an erased person's.
    pub anonymous: u64,
    /// The latest entry's instant (ms), 0 without any.
    pub last_ms: i64,
}

type GroupRow = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    u64,
    String,
);

/// The same entries as [`entries`], counted.
pub(super) async fn help(pool: &sqlx::SqlitePool, scope: &Scope, events: &[Uuid]) -> Result<Help> {
    let mut out = Help {
        groups: vec![],
        people: 0,
        anonymous: 0,
        last_ms: 0,
    };
    let range = period_range(scope);
    let period = range.is_some();
    // A period's entries in one go; an event's or a series' by chunks of
    // events (the number of SQL variables is bounded: 32,766).
    let chunks: Vec<&[Uuid]> = if period {
        vec![&[]]
    } else {
        events.chunks(30_000).collect()
    };
    let several = chunks.len() > 1;
    let mut people = HashSet::new();
    let mut helped = 0u64;
    for chunk in chunks {
        let filter = if period {
            IN_PERIOD.to_string()
        } else {
            format!("m.event_id IN ({})", vec!["?"; chunk.len()].join(", "))
        };
        let range = range.as_ref().map(|(f, a)| (f.as_str(), a.as_str()));
        let (groups, _) = one(
            pool,
            &format!(
                "SELECT json_group_array(json_array(themes, equipment, autonomy, referral,
                    place_kind, minutes, mediator, n, last)), 0
             FROM (SELECT m.themes AS themes, m.equipment AS equipment, m.autonomy AS autonomy,
                          m.referral AS referral, m.place_kind AS place_kind,
                          m.minutes AS minutes, m.mediator AS mediator,
                          count(*) AS n, max(m.at) AS last
                   FROM mediation m WHERE {LIVE} AND {filter}
                   GROUP BY 1, 2, 3, 4, 5, 6, 7)"
            ),
            range,
            chunk,
        )
        .await?;
        for (themes, equipment, autonomy, referral, place_kind, minutes, mediator, n, last) in
            doc::<GroupRow>(groups.as_deref())?
        {
            if let Ok(at) = DateTime::parse_from_rfc3339(&last) {
                out.last_ms = out.last_ms.max(at.timestamp_millis());
            }
            out.groups.push(HelpGroup {
                themes: themes.unwrap_or_default(),
                equipment: equipment.unwrap_or_default(),
                autonomy,
                referral,
                place_kind,
                minutes: minutes.unwrap_or(0),
                mediator,
                n,
            });
        }
        // Who was helped: counted by SQLite, or listed to be merged across
        // chunks of events.
        let person = "COALESCE(a.root, m.visitor_id)";
        let (list, anonymous) = one(
            pool,
            &format!(
                "SELECT {}, sum({person} IS NULL)
                 FROM mediation m LEFT JOIN alias a ON a.id = m.visitor_id
                 WHERE {LIVE} AND {filter}",
                if several {
                    format!("json_group_array(DISTINCT hex({person}))")
                } else {
                    format!("CAST(count(DISTINCT {person}) AS TEXT)")
                }
            ),
            range,
            chunk,
        )
        .await?;
        out.anonymous += anonymous.unwrap_or(0) as u64;
        if several {
            people.extend(doc::<&str>(list.as_deref())?.into_iter().filter_map(id));
        } else {
            helped = list.and_then(|n| n.parse().ok()).unwrap_or(0);
        }
    }
    out.people = if several { people.len() as u64 } else { helped };
    Ok(out)
}

/// One row of a document and a number, from a query bound to a date range
/// or to events.
async fn one(
    pool: &sqlx::SqlitePool,
    sql: &str,
    range: Option<(&str, &str)>,
    events: &[Uuid],
) -> Result<(Option<String>, Option<i64>)> {
    let mut q = sqlx::query_as::<_, (Option<String>, Option<i64>)>(sql);
    if let Some((from, after)) = range {
        q = q.bind(from).bind(after);
    }
    for e in events {
        q = q.bind(*e);
    }
    Ok(q.fetch_one(pool).await?)
}

/// A scope's days as stored UTC bounds `[from, after)` (Paris time): the
/// public computers, tickets, pages and coworking presences are dated, not
/// all tied to an event.
pub(super) fn utc_range(scope: &Scope) -> (String, String) {
    let tz = chrono_tz::Europe::Paris;
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let from = day(&scope.from).unwrap_or(NaiveDate::MIN);
    let after = day(&scope.to)
        .and_then(|d| d.succ_opt())
        .unwrap_or(NaiveDate::MAX);
    (
        crate::app::queue::day_bounds(from, tz).0,
        crate::app::queue::day_bounds(after, tz).0,
    )
}

/// One session on a public computer, as reports count it.
pub(super) struct StationUse {
    pub started: DateTime<FixedOffset>,
    /// When it ended, or when its time was up (still running).
    pub ended: DateTime<FixedOffset>,
    pub purpose: String,
    pub person: Option<Uuid>,
}

/// The sessions started in a scope's days (an event's or a series' keep
/// those given at one of its events or at none).
pub(super) async fn station_uses(
    pool: &sqlx::SqlitePool,
    scope: &Scope,
    events: &[Uuid],
) -> Result<Vec<StationUse>> {
    let (from, after) = utc_range(scope);
    let json: Option<String> = sqlx::query_scalar(
        "SELECT json_group_array(json_array(u.started_at, u.ended_at, u.minutes, u.purpose,
                hex(u.event_id), hex(COALESCE(a.root, u.visitor_id))))
         FROM station_use u LEFT JOIN alias a ON a.id = u.visitor_id
         WHERE u.started_at >= ? AND u.started_at < ?",
    )
    .bind(&from)
    .bind(&after)
    .fetch_one(pool)
    .await?;
    let in_scope: HashSet<Uuid> = events.iter().copied().collect();
    let mut out = vec![];
    for (started, ended, minutes, purpose, event, person) in doc::<(
        String,
        Option<String>,
        Option<i64>,
        Option<String>,
        String,
        String,
    )>(json.as_deref())?
    {
        let Ok(started) = DateTime::parse_from_rfc3339(&started) else {
            continue;
        };
        let event = id(&event);
        if scope.kind != ScopeKind::Period && event.is_some_and(|e| !in_scope.contains(&e)) {
            continue;
        }
        let allowed = started + chrono::Duration::minutes(minutes.unwrap_or(45).max(1));
        let ended = ended
            .and_then(|e| DateTime::parse_from_rfc3339(&e).ok())
            .unwrap_or(allowed)
            .max(started);
        out.push(StationUse {
            started,
            ended,
            purpose: purpose.unwrap_or_else(|| "free".into()),
            person: id(&person),
        });
    }
    Ok(out)
}

/// One ticket of a waiting list: how long the person waited (called or
/// seated), or that they left.
pub(super) struct TicketFact {
    pub waited_s: Option<i64>,
    pub left: bool,
}

impl TicketFact {
    /// Left the list before anyone called them.
    pub fn left_uncalled(&self) -> bool {
        self.left && self.waited_s.is_none()
    }
}

pub(super) async fn tickets(
    pool: &sqlx::SqlitePool,
    scope: &Scope,
    events: &[Uuid],
) -> Result<Vec<TicketFact>> {
    let (from, after) = utc_range(scope);
    let json: Option<String> = sqlx::query_scalar(
        "SELECT json_group_array(json_array(joined_at, called_at, closed_at, state, hex(event_id)))
         FROM ticket WHERE joined_at >= ? AND joined_at < ?",
    )
    .bind(&from)
    .bind(&after)
    .fetch_one(pool)
    .await?;
    let in_scope: HashSet<Uuid> = events.iter().copied().collect();
    let mut out = vec![];
    for (joined, called, closed, state, event) in doc::<(
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
    )>(json.as_deref())?
    {
        if scope.kind != ScopeKind::Period && id(&event).is_some_and(|e| !in_scope.contains(&e)) {
            continue;
        }
        let Ok(joined) = DateTime::parse_from_rfc3339(&joined) else {
            continue;
        };
        let left = state.as_deref() == Some("left");
        let end = called
            .or(if left { None } else { closed })
            .and_then(|c| DateTime::parse_from_rfc3339(&c).ok());
        out.push(TicketFact {
            waited_s: end.map(|e| (e - joined).num_seconds().max(0)),
            left,
        });
    }
    Ok(out)
}

/// Pages printed in a scope's days (certificates apart).
pub(super) async fn pages(pool: &sqlx::SqlitePool, scope: &Scope) -> Result<u64> {
    let (from, after) = utc_range(scope);
    let n: Option<i64> =
        sqlx::query_scalar("SELECT sum(pages) FROM print_job WHERE at >= ? AND at < ?")
            .bind(&from)
            .bind(&after)
            .fetch_one(pool)
            .await?;
    Ok(n.unwrap_or(0).max(0) as u64)
}

/// Coworkers' statuses (merge roots), for the space's figures.
pub(super) async fn cowork_statuses(pool: &sqlx::SqlitePool) -> Result<HashMap<Uuid, String>> {
    let json: Option<String> = sqlx::query_scalar(
        "SELECT json_group_array(json_array(hex(id), cowork_status))
         FROM visitor WHERE cowork_status IS NOT NULL",
    )
    .fetch_one(pool)
    .await?;
    Ok(doc::<(&str, String)>(json.as_deref())?
        .into_iter()
        .filter_map(|(v, s)| id(v).map(|v| (v, s)))
        .collect())
}

/// Presences in the coworking space in a scope's days: (person, local day).
pub(super) async fn cowork_days(
    pool: &sqlx::SqlitePool,
    scope: &Scope,
) -> Result<HashSet<(Uuid, NaiveDate)>> {
    let (from, after) = utc_range(scope);
    let ms = |s: &str| DateTime::parse_from_rfc3339(s).map_or(0, |d| d.timestamp_millis());
    let json: Option<String> = sqlx::query_scalar(
        "SELECT json_group_array(json_array(hex(COALESCE(a.root, c.visitor_id)), c.at_ms))
         FROM checkin c JOIN event e ON e.id = c.event_id AND COALESCE(e.coworking, 0) = 1
         LEFT JOIN alias a ON a.id = c.visitor_id
         WHERE c.direction = 'in' AND c.voided = 0 AND c.at_ms >= ? AND c.at_ms < ?",
    )
    .bind(ms(&from))
    .bind(ms(&after))
    .fetch_one(pool)
    .await?;
    let tz = chrono_tz::Europe::Paris;
    let mut out = HashSet::new();
    for (who, at) in doc::<(&str, i64)>(json.as_deref())? {
        let (Some(who), Some(d)) = (id(who), chrono::DateTime::from_timestamp_millis(at)) else {
            continue;
        };
        out.insert((who, d.with_timezone(&tz).date_naive()));
    }
    Ok(out)
}
