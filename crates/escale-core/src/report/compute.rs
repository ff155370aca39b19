//! Every figure of a partner report, computed once, here: the Reports
//! screen, the PDF, CSV and XLSX exports and `escale report` all read the
//! [`Report`] this makes (the exports only add suppression and layout).
//!
//! Definitions (also in `docs/reports.md`):
//!
//! - **scope**: one event; every event of a series; or every event that
//!   *starts* in a period (a two-day event belongs to the period of its first
//!   day). A coworking space (`event.coworking`) is counted by date in its
//!   own part, never as an event of a period or a series. Mediation entries
//!   count by their own date (period), or by the event they were recorded
//!   at (event, series).
//! - **arrivals**: people who checked in at an event (a non-voided `in` scan
//!   at the event's desk, not a session's), once per event — what `escale
//!   stats` calls *arrived*, summed over the events. **Visits**: people per
//!   event per local day. **Visitors**: distinct people. People are merge
//!   roots: a merged duplicate counts once; an erased person not at all.
//! - **new** visitors: their first arrival ever is in the scope;
//!   **returning**: they had arrived somewhere before.
//! - **registered**, **walk-ins**, **no-shows**: as `escale stats`, summed
//!   over the events.
//! - **profile** (situation, age band, commune, gender): of the visitors.
//!   Age is the report's last year minus the birth year, in la Coop de la
//!   médiation numérique's bands.
//! - **help**: mediation entries not deleted (an erased person's entries
//!   stay, anonymous); **workshop participants**: people who attended a
//!   session that has themes, per session.

use super::read;
use crate::app::time::parse_tz;
use crate::error::{Error, Result};
use crate::fields::{
    codes, Choice, Label, AUTONOMY, COWORK_STATUSES, EQUIPMENT, GENDERS, PLACE_KINDS, PURPOSES,
    REFERRALS, SITUATIONS, THEMES,
};
use crate::Escale;
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use escale_protocol::roles::Action;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use uuid::Uuid;

/// What a report covers, as typed (exactly one of event, series or a
/// period; a series may be narrowed to a period).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ReportQuery {
    pub event_id: Option<String>,
    pub series: Option<String>,
    /// First and last local dates, `2026-01-01`.
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A text in both languages (row labels come from the data: event titles,
/// communes, mediators).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Text {
    pub fr: String,
    pub en: String,
}

impl Text {
    pub fn same(s: impl Into<String>) -> Text {
        let s = s.into();
        Text {
            fr: s.clone(),
            en: s,
        }
    }
    pub fn get(&self, lang: crate::Lang) -> &str {
        match lang {
            crate::Lang::Fr => &self.fr,
            crate::Lang::En => &self.en,
        }
    }
}

impl From<Label> for Text {
    fn from(l: Label) -> Text {
        Text {
            fr: l.fr.into(),
            en: l.en.into(),
        }
    }
}

fn t(fr: &str, en: &str) -> Text {
    Text {
        fr: fr.into(),
        en: en.into(),
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    Event,
    Series,
    Period,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScopeEvent {
    pub id: Uuid,
    pub title: String,
    /// Local date of its start.
    pub date: String,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scope {
    pub kind: ScopeKind,
    /// The event's title, the series' name, or the period (`2026-01-01 – 2026-12-31`).
    pub label: String,
    /// First and last local dates covered.
    pub from: String,
    pub to: String,
    pub events: Vec<ScopeEvent>,
}

/// The report's main figures (see the module docs for each definition).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Headline {
    pub events: u64,
    pub visitors: u64,
    pub visits: u64,
    pub arrivals: u64,
    pub new_visitors: u64,
    pub returning_visitors: u64,
    pub registered: u64,
    pub pre_registered: u64,
    pub walk_ins: u64,
    pub arrived_pre_registered: u64,
    pub no_shows: u64,
    /// Individual help recorded in the mediation log.
    pub help_entries: u64,
    /// Of which for someone who did not register (or was erased since).
    pub anonymous_help: u64,
    /// Registered people helped (distinct).
    pub people_helped: u64,
    pub help_minutes: u64,
    /// People who attended a session that has themes (per session).
    pub workshop_participants: u64,
    /// Sessions on the public computers, the people on them (distinct),
    /// and their time (minutes, ended or allowed).
    pub station_sessions: u64,
    pub station_people: u64,
    pub station_minutes: u64,
    /// Tickets of the waiting lists; of which people who left before a
    /// station was free; the median and 90th percentile of the wait of
    /// those called (minutes, rounded up).
    pub queue_tickets: u64,
    pub queue_left: u64,
    /// Tickets whose person was called or seated: the waits measured.
    pub queue_called: u64,
    pub wait_median_minutes: u64,
    pub wait_p90_minutes: u64,
    /// Pages printed for people (certificates apart).
    pub pages_printed: u64,
    /// Presences in the coworking space (a person on a day), coworkers
    /// (distinct), and the most on one day.
    pub cowork_presences: u64,
    pub coworkers: u64,
    pub cowork_peak: u64,
}

/// How a table is best drawn.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Chart {
    Bar,
    Line,
    Stacked,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableRow {
    /// Stable key (a code, a date, an id).
    pub key: String,
    pub label: Text,
    pub counts: Vec<u64>,
    /// A session's seats (not a count of people: never suppressed).
    pub capacity: Option<u64>,
}

/// One breakdown: rows × count columns.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    pub key: &'static str,
    pub title: Text,
    pub columns: Vec<Text>,
    pub rows: Vec<TableRow>,
    /// Each person (or entry) is in exactly one row: the rows add up to a
    /// total worth printing, and suppression must protect it.
    pub partition: bool,
    pub chart: Chart,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub scope: Scope,
    pub headline: Headline,
    /// The same figures over the period just before — as many whole months,
    /// else as many days (period reports only; [`previous_period`]).
    pub previous: Option<Headline>,
    pub previous_from: Option<String>,
    pub previous_to: Option<String>,
    pub tables: Vec<Table>,
    /// The latest fact the report counts (ms): what a file's date is made
    /// of, so two laptops that hold the same data write the same bytes.
    pub as_of_ms: i64,
}

/// Most communes listed by name; the others are one row.
pub const COMMUNE_ROWS: usize = 20;

/// La Coop de la médiation numérique's age bands.
pub(super) const AGE_BANDS: &[(&str, i64, i64)] = &[
    ("<12", 0, 11),
    ("12-17", 12, 17),
    ("18-24", 18, 24),
    ("25-39", 25, 39),
    ("40-59", 40, 59),
    ("60-69", 60, 69),
    ("70+", 70, 200),
];

/// Duration bands of one help, in minutes.
const DURATION_BANDS: &[(&str, i64, i64)] = &[
    ("<=15", 0, 15),
    ("16-30", 16, 30),
    ("31-45", 31, 45),
    ("46-60", 46, 60),
    ("61-90", 61, 90),
    ("91-120", 91, 120),
    (">120", 121, i64::MAX),
];

pub(super) struct EventInfo {
    pub id: Uuid,
    pub title: String,
    pub tz: Tz,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub series: Option<String>,
}

fn unknown() -> Text {
    t("Non renseigné", "Not recorded")
}

fn local_date(ms: i64, tz: Tz) -> Option<NaiveDate> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .map(|d| d.with_timezone(&tz).date_naive())
}

fn stored_date(s: &str, tz: Tz) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&tz).date_naive())
}

impl Escale {
    /// The report of a scope, with the previous period's main figures for
    /// a period report.
    pub async fn report(&self, query: &ReportQuery) -> Result<Report> {
        self.require(Action::Reports).await?;
        let events = self.report_events(query).await?;
        let (scope, in_scope) = resolve_scope(query, &events)?;
        let mut report = self.compute(&scope, &in_scope, &events).await?;
        if scope.kind == ScopeKind::Period {
            let from = NaiveDate::parse_from_str(&scope.from, "%Y-%m-%d")
                .map_err(|e| Error::Internal(e.to_string()))?;
            let to = NaiveDate::parse_from_str(&scope.to, "%Y-%m-%d")
                .map_err(|e| Error::Internal(e.to_string()))?;
            let (prev_from, prev_to) = previous_period(from, to);
            let prev = ReportQuery {
                from: Some(prev_from.to_string()),
                to: Some(prev_to.to_string()),
                ..Default::default()
            };
            let (pscope, pin) = resolve_scope(&prev, &events)?;
            report.previous = Some(self.compute(&pscope, &pin, &events).await?.headline);
            report.previous_from = Some(prev_from.to_string());
            report.previous_to = Some(prev_to.to_string());
        }
        Ok(report)
    }

    /// The events a report may cover. A coworking space (an event that may
    /// last a year) is reported by date in its own part, not as an event of
    /// a period or a series; a report of that one event still covers it.
    pub(super) async fn report_events(&self, query: &ReportQuery) -> Result<Vec<EventInfo>> {
        let one_event = query
            .event_id
            .as_deref()
            .is_some_and(|e| !e.trim().is_empty());
        let rows = sqlx::query(if one_event {
            "SELECT id, title, timezone, starts_at, ends_at, series FROM event WHERE title IS NOT NULL"
        } else {
            "SELECT id, title, timezone, starts_at, ends_at, series FROM event
             WHERE title IS NOT NULL AND COALESCE(coworking, 0) = 0"
        })
        .fetch_all(self.store().pool())
        .await?;
        let mut out = vec![];
        for r in rows {
            let tz = parse_tz(r.try_get::<Option<String>, _>("timezone")?.as_deref())?;
            let starts: String = r
                .try_get::<Option<String>, _>("starts_at")?
                .unwrap_or_default();
            let ends: String = r
                .try_get::<Option<String>, _>("ends_at")?
                .unwrap_or_default();
            let Some(start) = stored_date(&starts, tz) else {
                continue;
            };
            out.push(EventInfo {
                id: r.try_get("id")?,
                title: r.try_get::<Option<String>, _>("title")?.unwrap_or_default(),
                tz,
                start,
                end: stored_date(&ends, tz).unwrap_or(start).max(start),
                series: r.try_get("series")?,
            });
        }
        out.sort_by(|a, b| (a.start, &a.title, a.id).cmp(&(b.start, &b.title, b.id)));
        Ok(out)
    }

    async fn compute(
        &self,
        scope: &Scope,
        in_scope: &[usize],
        events: &[EventInfo],
    ) -> Result<Report> {
        let pool = self.store().pool();
        let scope_events: Vec<&EventInfo> = in_scope.iter().map(|i| &events[*i]).collect();
        let by_id: HashMap<Uuid, &EventInfo> = scope_events.iter().map(|e| (e.id, *e)).collect();
        let ids: Vec<Uuid> = scope_events.iter().map(|e| e.id).collect();
        let mut as_of_ms = 0i64;

        // Arrivals and session attendance, with merge roots; and each
        // person's first arrival anywhere (new or returning). Every check-in
        // is read once, as one document (`read`).
        let mut arrivals: HashMap<(Uuid, Uuid), i64> = HashMap::new(); // (person, event) → first ms
                                                                       // (person, event, local day) → first ms: the visits.
        let mut first_of_visit: HashMap<(Uuid, Uuid, NaiveDate), i64> = HashMap::new();
        let mut attended: HashMap<Uuid, HashSet<Uuid>> = HashMap::new(); // session → people
        let mut earliest: HashMap<Uuid, i64> = HashMap::new(); // person → first arrival anywhere
                                                               // The three large reads run at once, each on its own connection
                                                               // (the store's readers are concurrent): the check-ins, the help
                                                               // counted by SQLite, and the profiles.
        let scoped = !ids.is_empty();
        let (checkins, help, profiles) = tokio::try_join!(
            async {
                if !scoped {
                    return Ok(None);
                }
                sqlx::query_scalar::<_, Option<String>>(
                    "SELECT json_group_array(json_array(hex(COALESCE(a.root, c.visitor_id)),
                            hex(c.event_id), hex(c.session_id), c.at_ms))
                     FROM checkin c LEFT JOIN alias a ON a.id = c.visitor_id
                     WHERE c.direction = 'in' AND c.voided = 0",
                )
                .fetch_one(pool)
                .await
                .map_err(Error::from)
            },
            read::help(pool, scope, &ids),
            async {
                if scoped {
                    read::profiles(pool).await
                } else {
                    Ok(HashMap::new())
                }
            },
        )?;
        as_of_ms = as_of_ms.max(help.last_ms);
        {
            for (v, e, s, at) in read::doc::<(&str, &str, &str, i64)>(checkins.as_deref())? {
                let Some(v) = read::id(v) else { continue };
                let session = read::id(s);
                if session.is_none() {
                    let f = earliest.entry(v).or_insert(at);
                    *f = (*f).min(at);
                }
                let Some(ev) = read::id(e).and_then(|e| by_id.get(&e)) else {
                    continue;
                };
                as_of_ms = as_of_ms.max(at);
                if let Some(s) = session {
                    attended.entry(s).or_default().insert(v);
                    continue;
                }
                let first = arrivals.entry((v, ev.id)).or_insert(at);
                *first = (*first).min(at);
                if let Some(day) = local_date(at, ev.tz) {
                    let f = first_of_visit.entry((v, ev.id, day)).or_insert(at);
                    *f = (*f).min(at);
                }
            }
        }
        let visitors: BTreeSet<Uuid> = arrivals.keys().map(|(v, _)| *v).collect();

        // New or returning: someone came before if their first arrival
        // anywhere is earlier than their first in the scope.
        let mut first_in_scope: HashMap<Uuid, i64> = HashMap::new();
        for ((v, _), at) in &arrivals {
            let f = first_in_scope.entry(*v).or_insert(*at);
            *f = (*f).min(*at);
        }
        let returning = first_in_scope
            .iter()
            .filter(|(v, mine)| earliest.get(v).is_some_and(|first| first < mine))
            .count() as u64;

        // Registrations: per event, per person, pre-registered or not.
        let mut regs: HashMap<(Uuid, Uuid), bool> = HashMap::new(); // (person, event) → pre
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT json_group_array(json_array(hex(COALESCE(a.root, r.visitor_id)), hex(r.event_id), r.kind))
                 FROM registration r LEFT JOIN alias a ON a.id = r.visitor_id
                 WHERE r.event_id IN ({}) AND r.status = 'active'",
                vec!["?"; chunk.len()].join(", ")
            );
            let mut q = sqlx::query_scalar::<_, Option<String>>(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            let json = q.fetch_one(pool).await?;
            for (v, e, kind) in read::doc::<(&str, &str, Option<&str>)>(json.as_deref())? {
                let (Some(v), Some(e)) = (read::id(v), read::id(e)) else {
                    continue;
                };
                *regs.entry((v, e)).or_insert(false) |= kind == Some("pre");
            }
        }

        // Sessions of the events.
        let mut sessions = vec![];
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT id, event_id, title, starts_at, capacity, themes FROM session
                 WHERE event_id IN ({}) AND COALESCE(archived, 0) = 0",
                vec!["?"; chunk.len()].join(", ")
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            for r in q.fetch_all(pool).await? {
                sessions.push((
                    r.try_get::<Uuid, _>("id")?,
                    r.try_get::<Uuid, _>("event_id")?,
                    r.try_get::<Option<String>, _>("title")?.unwrap_or_default(),
                    r.try_get::<Option<String>, _>("starts_at")?
                        .unwrap_or_default(),
                    r.try_get::<Option<i64>, _>("capacity")?,
                    r.try_get::<Option<String>, _>("themes")?
                        .unwrap_or_default(),
                ));
            }
        }
        sessions.sort_by(|a, b| (&a.3, &a.2, a.0).cmp(&(&b.3, &b.2, b.0)));

        // --- headline
        let mut h = Headline {
            events: scope_events.len() as u64,
            visitors: visitors.len() as u64,
            visits: first_of_visit.len() as u64,
            arrivals: arrivals.len() as u64,
            returning_visitors: returning,
            new_visitors: visitors.len() as u64 - returning,
            ..Default::default()
        };
        // Per event: came pre-registered, came otherwise, pre-registered and absent.
        let mut per_event: BTreeMap<Uuid, [u64; 3]> = BTreeMap::new();
        for ((v, e), pre) in &regs {
            h.registered += 1;
            if *pre {
                h.pre_registered += 1;
                if arrivals.contains_key(&(*v, *e)) {
                    h.arrived_pre_registered += 1;
                    per_event.entry(*e).or_default()[0] += 1;
                } else {
                    h.no_shows += 1;
                    per_event.entry(*e).or_default()[2] += 1;
                }
            } else {
                h.walk_ins += 1;
            }
        }
        for (v, e) in arrivals.keys() {
            if regs.get(&(*v, *e)) != Some(&true) {
                per_event.entry(*e).or_default()[1] += 1;
            }
        }
        for g in &help.groups {
            h.help_entries += g.n;
            h.help_minutes += g.n * g.minutes.max(0) as u64;
        }
        h.anonymous_help = help.anonymous;
        h.people_helped = help.people;
        for s in &sessions {
            if !s.5.is_empty() {
                h.workshop_participants += attended.get(&s.0).map_or(0, |p| p.len()) as u64;
            }
        }

        // --- tables
        let mut tables = vec![];
        let one = |fr: &str, en: &str| vec![t(fr, en)];
        tables.push(Table {
            key: "events",
            title: t("Par événement", "By event"),
            columns: vec![
                t("Venus, pré-inscrits", "Came, pre-registered"),
                t(
                    "Venus sans pré-inscription",
                    "Came without pre-registration",
                ),
                t("Pré-inscrits absents", "No-shows"),
            ],
            rows: scope_events
                .iter()
                .map(|e| TableRow {
                    key: e.id.to_string(),
                    label: Text::same(format!("{} ({})", e.title, e.start)),
                    counts: per_event.get(&e.id).copied().unwrap_or_default().to_vec(),
                    capacity: None,
                })
                .collect(),
            // Each person of each event is in one column: came pre-registered,
            // came otherwise, or expected and absent.
            partition: true,
            chart: Chart::Stacked,
        });

        // Visits per day, or per month beyond two months.
        let from = NaiveDate::parse_from_str(&scope.from, "%Y-%m-%d").ok();
        let to = NaiveDate::parse_from_str(&scope.to, "%Y-%m-%d").ok();
        let monthly = matches!((from, to), (Some(f), Some(t)) if (t - f).num_days() > 62);
        let mut per_day: BTreeMap<String, u64> = BTreeMap::new();
        let mut per_hour: BTreeMap<u32, u64> = BTreeMap::new();
        for ((_, e, day), at) in &first_of_visit {
            let key = if monthly {
                format!("{:04}-{:02}", day.year(), day.month())
            } else {
                day.to_string()
            };
            *per_day.entry(key).or_default() += 1;
            if let Some(ev) = by_id.get(e) {
                if let Some(d) = Utc.timestamp_millis_opt(*at).single() {
                    use chrono::Timelike;
                    *per_hour.entry(d.with_timezone(&ev.tz).hour()).or_default() += 1;
                }
            }
        }
        tables.push(Table {
            key: if monthly { "per_month" } else { "per_day" },
            title: if monthly {
                t("Passages par mois", "Visits per month")
            } else {
                t("Passages par jour", "Visits per day")
            },
            columns: one("Passages", "Visits"),
            rows: per_day
                .into_iter()
                .map(|(k, n)| TableRow {
                    label: Text::same(k.clone()),
                    key: k,
                    counts: vec![n],
                    capacity: None,
                })
                .collect(),
            partition: true,
            chart: Chart::Line,
        });
        tables.push(Table {
            key: "per_hour",
            title: t("Arrivées par heure", "Arrivals per hour"),
            columns: one("Passages", "Visits"),
            rows: hour_rows(per_hour),
            partition: true,
            chart: Chart::Bar,
        });
        tables.push(Table {
            key: "new_returning",
            title: t("Nouveaux et habitués", "New and returning"),
            columns: one("Personnes", "People"),
            rows: vec![
                row("new", t("Première venue", "First visit"), h.new_visitors),
                row(
                    "returning",
                    t("Déjà venus", "Came before"),
                    h.returning_visitors,
                ),
            ],
            partition: true,
            chart: Chart::Bar,
        });
        tables.push(Table {
            key: "registration",
            title: t(
                "Inscription des personnes venues",
                "How people who came registered",
            ),
            columns: one("Arrivées", "Arrivals"),
            rows: vec![
                row(
                    "pre",
                    t("Pré-inscrites", "Pre-registered"),
                    h.arrived_pre_registered,
                ),
                row(
                    "walk_in",
                    t("Sans pré-inscription", "Not pre-registered"),
                    h.arrivals - h.arrived_pre_registered,
                ),
            ],
            partition: true,
            chart: Chart::Bar,
        });
        tables.push(Table {
            key: "sessions",
            title: t("Fréquentation des séances", "Session attendance"),
            columns: one("Participants", "Attendees"),
            rows: sessions
                .iter()
                .map(|s| {
                    let ev = by_id.get(&s.1).map(|e| e.title.as_str()).unwrap_or("");
                    TableRow {
                        key: s.0.to_string(),
                        label: Text::same(if scope_events.len() > 1 {
                            format!("{} — {ev}", s.2)
                        } else {
                            s.2.clone()
                        }),
                        counts: vec![attended.get(&s.0).map_or(0, |p| p.len()) as u64],
                        capacity: s.4.map(|c| c.max(0) as u64),
                    }
                })
                .collect(),
            partition: false,
            chart: Chart::Bar,
        });

        // Profile of the visitors.
        let year = to.map(|d| d.year() as i64).unwrap_or(2026);
        let mut situation: BTreeMap<Option<String>, u64> = BTreeMap::new();
        let mut age: BTreeMap<usize, u64> = BTreeMap::new();
        let mut gender: BTreeMap<Option<String>, u64> = BTreeMap::new();
        let mut communes: BTreeMap<Option<(String, String)>, u64> = BTreeMap::new();
        for v in &visitors {
            let p = profiles.get(v);
            *situation
                .entry(p.and_then(|p| p.situation.clone()))
                .or_default() += 1;
            let band = p
                .and_then(|p| p.birth_year)
                .and_then(|y| {
                    AGE_BANDS
                        .iter()
                        .position(|(_, lo, hi)| (*lo..=*hi).contains(&(year - y)))
                })
                .unwrap_or(AGE_BANDS.len());
            *age.entry(band).or_default() += 1;
            *gender.entry(p.and_then(|p| p.gender.clone())).or_default() += 1;
            let commune = p.and_then(|p| match (&p.commune_code, &p.commune) {
                (Some(code), _) => Some((
                    code.clone(),
                    escale_protocol::communes::by_insee(code)
                        .map(|c| c.name.to_string())
                        .or_else(|| p.commune.clone())
                        .unwrap_or_else(|| code.clone()),
                )),
                (None, Some(name)) if !name.trim().is_empty() => {
                    Some((String::new(), name.trim().to_string()))
                }
                _ => None,
            });
            *communes.entry(commune).or_default() += 1;
        }
        tables.push(choice_table(
            "situation",
            t("Situation", "Situation"),
            SITUATIONS,
            &situation,
        ));
        tables.push(Table {
            key: "age",
            title: t("Âge", "Age"),
            columns: one("Personnes", "People"),
            rows: AGE_BANDS
                .iter()
                .enumerate()
                .map(|(i, (key, lo, hi))| {
                    let label = match *key {
                        "<12" => t("Moins de 12 ans", "Under 12"),
                        "70+" => t("70 ans et plus", "70 and over"),
                        _ => t(&format!("{lo} à {hi} ans"), &format!("{lo} to {hi}")),
                    };
                    row(key, label, age.get(&i).copied().unwrap_or(0))
                })
                .chain(std::iter::once(row(
                    "unknown",
                    unknown(),
                    age.get(&AGE_BANDS.len()).copied().unwrap_or(0),
                )))
                .collect(),
            partition: true,
            chart: Chart::Bar,
        });
        // Gender only once someone was asked it.
        if gender.keys().any(Option::is_some) {
            tables.push(choice_table(
                "gender",
                t("Genre", "Gender"),
                GENDERS,
                &gender,
            ));
        }
        let mut named: Vec<(&(String, String), u64)> = communes
            .iter()
            .filter_map(|(k, n)| k.as_ref().map(|k| (k, *n)))
            .collect();
        named.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then(a.0 .1.cmp(&b.0 .1))
                .then(a.0 .0.cmp(&b.0 .0))
        });
        let others: u64 = named.iter().skip(COMMUNE_ROWS).map(|(_, n)| n).sum();
        let mut rows: Vec<TableRow> = named
            .iter()
            .take(COMMUNE_ROWS)
            .map(|((code, name), n)| {
                let label = if code.is_empty() {
                    name.clone()
                } else {
                    format!("{name} ({code})")
                };
                row(
                    if code.is_empty() { name } else { code },
                    Text::same(label),
                    *n,
                )
            })
            .collect();
        if others > 0 {
            rows.push(row("others", t("Autres communes", "Other towns"), others));
        }
        rows.push(row(
            "unknown",
            unknown(),
            communes.get(&None).copied().unwrap_or(0),
        ));
        tables.push(Table {
            key: "commune",
            title: t("Commune de résidence", "Home town"),
            columns: one("Personnes", "People"),
            rows,
            partition: true,
            chart: Chart::Bar,
        });

        // Help given.
        let mut themes: BTreeMap<String, [u64; 2]> = BTreeMap::new();
        let mut equipment: BTreeMap<String, u64> = BTreeMap::new();
        let mut autonomy: BTreeMap<Option<String>, u64> = BTreeMap::new();
        let mut referral: BTreeMap<Option<String>, u64> = BTreeMap::new();
        let mut place: BTreeMap<Option<String>, u64> = BTreeMap::new();
        let mut durations: BTreeMap<usize, u64> = BTreeMap::new();
        let mut mediators: BTreeMap<String, u64> = BTreeMap::new();
        for g in &help.groups {
            for c in codes(&g.themes) {
                themes.entry(c.to_string()).or_default()[0] += g.n;
            }
            for c in codes(&g.equipment) {
                *equipment.entry(c.to_string()).or_default() += g.n;
            }
            *autonomy.entry(g.autonomy.clone()).or_default() += g.n;
            *referral.entry(g.referral.clone()).or_default() += g.n;
            *place.entry(g.place_kind.clone()).or_default() += g.n;
            let band = DURATION_BANDS
                .iter()
                .position(|(_, lo, hi)| (*lo..=*hi).contains(&g.minutes))
                .unwrap_or(0);
            *durations.entry(band).or_default() += g.n;
            *mediators
                .entry(g.mediator.clone().unwrap_or_default())
                .or_default() += g.n;
        }
        for s in &sessions {
            let n = attended.get(&s.0).map_or(0, |p| p.len()) as u64;
            for c in codes(&s.5) {
                themes.entry(c.to_string()).or_default()[1] += n;
            }
        }
        tables.push(Table {
            key: "themes",
            title: t("Accompagnements par thème", "Help by theme"),
            columns: vec![
                t("Accompagnements individuels", "Individual help"),
                t("Participants aux ateliers", "Workshop participants"),
            ],
            rows: ordered(THEMES, themes.keys().cloned())
                .into_iter()
                .map(|(key, label)| TableRow {
                    counts: themes[&key].to_vec(),
                    key,
                    label,
                    capacity: None,
                })
                .collect(),
            partition: false,
            chart: Chart::Stacked,
        });
        tables.push(Table {
            key: "mediators",
            title: t("Accompagnements par médiateur·rice", "Help by mediator"),
            columns: one("Accompagnements", "Help given"),
            rows: mediators
                .iter()
                .map(|(m, n)| {
                    let label = if m.is_empty() {
                        unknown()
                    } else {
                        Text::same(m.clone())
                    };
                    row(m, label, *n)
                })
                .collect(),
            partition: true,
            chart: Chart::Bar,
        });
        tables.push(Table {
            key: "durations",
            title: t("Durée des accompagnements", "Length of help"),
            columns: one("Accompagnements", "Help given"),
            rows: DURATION_BANDS
                .iter()
                .enumerate()
                .map(|(i, (key, lo, hi))| {
                    let label = match *key {
                        "<=15" => t("15 min ou moins", "15 min or less"),
                        ">120" => t("Plus de 2 h", "Over 2 h"),
                        _ => t(&format!("{lo} à {hi} min"), &format!("{lo} to {hi} min")),
                    };
                    row(key, label, durations.get(&i).copied().unwrap_or(0))
                })
                .collect(),
            partition: true,
            chart: Chart::Bar,
        });
        tables.push(choice_table(
            "autonomy",
            t("Autonomie atteinte", "Autonomy reached"),
            AUTONOMY,
            &autonomy,
        ));
        let mut referral_table = choice_table(
            "referral",
            t("Orientation", "Referral"),
            REFERRALS,
            &referral,
        );
        if let Some(last) = referral_table.rows.last_mut() {
            last.label = t("Pas d’orientation", "Not referred");
        }
        tables.push(referral_table);
        tables.push(Table {
            key: "equipment",
            title: t("Matériel utilisé", "Equipment used"),
            columns: one("Accompagnements", "Help given"),
            rows: ordered(EQUIPMENT, equipment.keys().cloned())
                .into_iter()
                .map(|(key, label)| TableRow {
                    counts: vec![equipment[&key]],
                    key,
                    label,
                    capacity: None,
                })
                .collect(),
            partition: false,
            chart: Chart::Bar,
        });
        tables.push(choice_table(
            "place",
            t("Lieu de l’accompagnement", "Where help was given"),
            PLACE_KINDS,
            &place,
        ));

        self.station_figures(scope, &ids, &mut h, &mut tables, &mut as_of_ms)
            .await?;

        Ok(Report {
            scope: scope.clone(),
            headline: h,
            previous: None,
            previous_from: None,
            previous_to: None,
            tables,
            as_of_ms,
        })
    }
}

/// Bands of the wait for a public computer, in minutes.
const WAIT_BANDS: &[(&str, i64, i64)] = &[
    ("<=5", 0, 5),
    ("6-15", 6, 15),
    ("16-30", 16, 30),
    ("31-60", 31, 60),
    (">60", 61, i64::MAX),
];

/// The `q` quantile (0–1) of sorted values, nearest rank.
fn quantile(sorted: &[i64], q: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

impl Escale {
    /// The public computers', the waiting lists' and the coworking space's
    /// figures and tables (only when there is something to count).
    async fn station_figures(
        &self,
        scope: &Scope,
        ids: &[Uuid],
        h: &mut Headline,
        tables: &mut Vec<Table>,
        as_of_ms: &mut i64,
    ) -> Result<()> {
        use chrono::Timelike;
        let pool = self.store().pool();
        let (uses, tickets, pages, cowork, statuses) = tokio::try_join!(
            read::station_uses(pool, scope, ids),
            read::tickets(pool, scope, ids),
            read::pages(pool, scope),
            read::cowork_days(pool, scope),
            read::cowork_statuses(pool),
        )?;
        let one = |fr: &str, en: &str| vec![t(fr, en)];
        let tz = chrono_tz::Europe::Paris;
        h.pages_printed = pages;

        if !uses.is_empty() {
            let mut people = HashSet::new();
            let mut per_purpose: BTreeMap<String, [u64; 2]> = BTreeMap::new();
            let mut per_hour: BTreeMap<u32, u64> = BTreeMap::new();
            for u in &uses {
                *as_of_ms = (*as_of_ms).max(u.started.timestamp_millis());
                let minutes = (u.ended - u.started).num_minutes().max(1) as u64;
                h.station_sessions += 1;
                h.station_minutes += minutes;
                if let Some(p) = u.person {
                    people.insert(p);
                }
                let e = per_purpose.entry(u.purpose.clone()).or_default();
                e[0] += 1;
                e[1] += minutes;
                // Each hour of the day a session overlaps counts it once.
                let start = u.started.with_timezone(&tz).naive_local();
                let end = u.ended.with_timezone(&tz).naive_local();
                let mut slot = start
                    .date()
                    .and_hms_opt(start.hour(), 0, 0)
                    .unwrap_or(start);
                loop {
                    *per_hour.entry(slot.hour()).or_default() += 1;
                    slot += chrono::Duration::hours(1);
                    if slot >= end || slot.date() != start.date() {
                        break;
                    }
                }
            }
            h.station_people = people.len() as u64;
            let purposes = ordered(PURPOSES, per_purpose.keys().cloned());
            tables.push(Table {
                key: "station_purposes",
                title: t(
                    "Postes en accès libre : sessions par objet",
                    "Public computers: sessions by purpose",
                ),
                columns: one("Sessions", "Sessions"),
                rows: purposes
                    .iter()
                    .map(|(key, label)| TableRow {
                        counts: vec![per_purpose[key][0]],
                        key: key.clone(),
                        label: label.clone(),
                        capacity: None,
                    })
                    .collect(),
                partition: true,
                chart: Chart::Bar,
            });
            tables.push(Table {
                key: "station_purpose_hours",
                title: t(
                    "Postes en accès libre : heures par objet",
                    "Public computers: hours by purpose",
                ),
                columns: one("Heures (arrondies)", "Hours (rounded)"),
                rows: purposes
                    .into_iter()
                    .map(|(key, label)| TableRow {
                        counts: vec![(per_purpose[&key][1] + 30) / 60],
                        key,
                        label,
                        capacity: None,
                    })
                    .collect(),
                partition: false,
                chart: Chart::Bar,
            });
            tables.push(Table {
                key: "station_hours",
                title: t("Postes occupés par heure", "Computers in use per hour"),
                columns: one("Sessions en cours", "Sessions running"),
                rows: hour_rows(per_hour),
                partition: false,
                chart: Chart::Bar,
            });
        }

        if !tickets.is_empty() {
            h.queue_tickets = tickets.len() as u64;
            h.queue_left = tickets.iter().filter(|t| t.left).count() as u64;
            let mut waits: Vec<i64> = tickets.iter().filter_map(|t| t.waited_s).collect();
            waits.sort_unstable();
            h.queue_called = waits.len() as u64;
            let minutes = |s: i64| ((s + 59) / 60) as u64;
            h.wait_median_minutes = minutes(quantile(&waits, 0.5));
            h.wait_p90_minutes = minutes(quantile(&waits, 0.9));
            let mut bands = vec![0u64; WAIT_BANDS.len()];
            for w in &waits {
                let m = (w + 59) / 60;
                if let Some(i) = WAIT_BANDS
                    .iter()
                    .position(|(_, lo, hi)| (*lo..=*hi).contains(&m))
                {
                    bands[i] += 1;
                }
            }
            let never = tickets.iter().filter(|t| t.left_uncalled()).count() as u64;
            let mut rows: Vec<TableRow> = WAIT_BANDS
                .iter()
                .zip(bands)
                .map(|((key, lo, hi), n)| {
                    let label = match *key {
                        "<=5" => t("5 min ou moins", "5 min or less"),
                        ">60" => t("Plus d’une heure", "Over an hour"),
                        _ => t(&format!("{lo} à {hi} min"), &format!("{lo} to {hi} min")),
                    };
                    row(key, label, n)
                })
                .collect();
            rows.push(row(
                "never_called",
                t("Partis avant d’être appelés", "Left before being called"),
                never,
            ));
            tables.push(Table {
                key: "queue_waits",
                title: t("Attente d’un poste", "Waiting for a computer"),
                columns: one("Personnes", "People"),
                rows,
                // People still waiting are in no row.
                partition: false,
                chart: Chart::Bar,
            });
        }

        if !cowork.is_empty() {
            let coworkers: BTreeSet<Uuid> = cowork.iter().map(|(v, _)| *v).collect();
            h.cowork_presences = cowork.len() as u64;
            h.coworkers = coworkers.len() as u64;
            let mut per_day: BTreeMap<NaiveDate, u64> = BTreeMap::new();
            let mut per_month: BTreeMap<String, (u64, BTreeSet<Uuid>)> = BTreeMap::new();
            // (Coworkers per month are in `per_month`'s sets; only the
            // presence and the frequency bands are published.)
            for (v, d) in &cowork {
                *per_day.entry(*d).or_default() += 1;
                let m = per_month
                    .entry(format!("{:04}-{:02}", d.year(), d.month()))
                    .or_default();
                m.0 += 1;
                m.1.insert(*v);
            }
            h.cowork_peak = per_day.values().copied().max().unwrap_or(0);
            tables.push(Table {
                key: "cowork_months",
                title: t(
                    "Coworking : présences par mois (personne-jours)",
                    "Coworking: presence per month (person-days)",
                ),
                columns: one("Présences", "Presence"),
                rows: per_month
                    .iter()
                    .map(|(k, (n, _))| TableRow {
                        label: Text::same(k.clone()),
                        key: k.clone(),
                        counts: vec![*n],
                        capacity: None,
                    })
                    .collect(),
                partition: true,
                chart: Chart::Line,
            });
            // How often each coworker came, per month: nobody named.
            let mut days: BTreeMap<(String, Uuid), u64> = BTreeMap::new();
            for (v, d) in &cowork {
                *days
                    .entry((format!("{:04}-{:02}", d.year(), d.month()), *v))
                    .or_default() += 1;
            }
            let mut bands = [0u64; 4];
            for n in days.values() {
                bands[match n {
                    1 => 0,
                    2..=4 => 1,
                    5..=9 => 2,
                    _ => 3,
                }] += 1;
            }
            tables.push(Table {
                key: "cowork_frequency",
                title: t(
                    "Coworkers par jours de présence dans le mois",
                    "Coworkers by days of presence in the month",
                ),
                columns: one("Coworkers × mois", "Coworker-months"),
                rows: vec![
                    row("1", t("1 jour", "1 day"), bands[0]),
                    row("2-4", t("2 à 4 jours", "2 to 4 days"), bands[1]),
                    row("5-9", t("5 à 9 jours", "5 to 9 days"), bands[2]),
                    row("10+", t("10 jours ou plus", "10 days or more"), bands[3]),
                ],
                partition: true,
                chart: Chart::Bar,
            });
            let mut by_status: BTreeMap<Option<String>, u64> = BTreeMap::new();
            for v in &coworkers {
                *by_status.entry(statuses.get(v).cloned()).or_default() += 1;
            }
            let mut table = choice_table(
                "cowork_status",
                t("Coworkers par statut", "Coworkers by status"),
                COWORK_STATUSES,
                &by_status,
            );
            table.columns = one("Personnes", "People");
            tables.push(table);
        }
        Ok(())
    }
}

/// One row per hour of the day (`09:00`), keyed `09`.
fn hour_rows(per_hour: BTreeMap<u32, u64>) -> Vec<TableRow> {
    per_hour
        .into_iter()
        .map(|(hour, n)| {
            row(
                &format!("{hour:02}"),
                Text::same(format!("{hour:02}:00")),
                n,
            )
        })
        .collect()
}

fn row(key: &str, label: Text, n: u64) -> TableRow {
    TableRow {
        key: key.to_string(),
        label,
        counts: vec![n],
        capacity: None,
    }
}

/// The codes present, in the list's order, then any code this version
/// does not know (a newer laptop's), by itself.
fn ordered(list: &[Choice], present: impl Iterator<Item = String>) -> Vec<(String, Text)> {
    let present: BTreeSet<String> = present.collect();
    let mut out: Vec<(String, Text)> = list
        .iter()
        .filter(|c| present.contains(c.value))
        .map(|c| (c.value.to_string(), c.label.into()))
        .collect();
    for code in &present {
        if !list.iter().any(|c| c.value == code) {
            out.push((code.clone(), Text::same(code.clone())));
        }
    }
    out
}

/// A one-column table over a closed list: every value of the list, any
/// other value found, then "not recorded".
fn choice_table(
    key: &'static str,
    title: Text,
    list: &[Choice],
    counts: &BTreeMap<Option<String>, u64>,
) -> Table {
    let mut rows: Vec<TableRow> = list
        .iter()
        .map(|c| {
            row(
                c.value,
                c.label.into(),
                counts.get(&Some(c.value.to_string())).copied().unwrap_or(0),
            )
        })
        .collect();
    for (k, n) in counts {
        if let Some(code) = k {
            if !list.iter().any(|c| c.value == code) {
                rows.push(row(code, Text::same(code.clone()), *n));
            }
        }
    }
    rows.push(row(
        "unknown",
        unknown(),
        counts.get(&None).copied().unwrap_or(0),
    ));
    let people = matches!(key, "situation" | "gender");
    Table {
        key,
        title,
        columns: if people {
            vec![t("Personnes", "People")]
        } else {
            vec![t("Accompagnements", "Help given")]
        },
        rows,
        partition: true,
        chart: Chart::Bar,
    }
}

/// The period just before `from`–`to`: the same number of whole months
/// when it is whole months (December → November, a quarter → the quarter
/// before), else the same number of days.
pub fn previous_period(from: NaiveDate, to: NaiveDate) -> (NaiveDate, NaiveDate) {
    let month_end = |d: NaiveDate| d.succ_opt().is_none_or(|n| n.day() == 1);
    if from.day() == 1 && month_end(to) {
        let months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32 + 1;
        if let Some(prev_from) = from.checked_sub_months(chrono::Months::new(months as u32)) {
            return (prev_from, from - chrono::Duration::days(1));
        }
    }
    let days = (to - from).num_days() + 1;
    (
        from - chrono::Duration::days(days),
        from - chrono::Duration::days(1),
    )
}

/// Which events a query covers.
pub(super) fn resolve_scope(
    query: &ReportQuery,
    events: &[EventInfo],
) -> Result<(Scope, Vec<usize>)> {
    let given = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let from = given(&query.from)
        .map(|d| crate::app::mediation::parse_day("from", &d))
        .transpose()?;
    let to = given(&query.to)
        .map(|d| crate::app::mediation::parse_day("to", &d))
        .transpose()?;
    if let (Some(f), Some(t)) = (from, to) {
        if t < f || (t - f).num_days() > 3_660 {
            return Err(Error::Invalid {
                field: "to",
                value: t.to_string(),
            });
        }
    }
    let within =
        |e: &EventInfo| from.is_none_or(|f| e.start >= f) && to.is_none_or(|t| e.start <= t);
    let scope_events = |idx: &[usize]| -> Vec<ScopeEvent> {
        idx.iter()
            .map(|i| ScopeEvent {
                id: events[*i].id,
                title: events[*i].title.clone(),
                date: events[*i].start.to_string(),
            })
            .collect()
    };
    if let Some(id) = given(&query.event_id) {
        let uid = Uuid::parse_str(&id).map_err(|_| Error::EventNotFound(id.clone()))?;
        let i = events
            .iter()
            .position(|e| e.id == uid)
            .ok_or_else(|| Error::EventNotFound(id.clone()))?;
        let e = &events[i];
        return Ok((
            Scope {
                kind: ScopeKind::Event,
                label: e.title.clone(),
                from: e.start.to_string(),
                to: e.end.to_string(),
                events: scope_events(&[i]),
            },
            vec![i],
        ));
    }
    if let Some(name) = given(&query.series) {
        let idx: Vec<usize> = (0..events.len())
            .filter(|i| {
                events[*i]
                    .series
                    .as_deref()
                    .is_some_and(|s| crate::text::fold(s) == crate::text::fold(&name))
                    && within(&events[*i])
            })
            .collect();
        if idx.is_empty() {
            return Err(Error::SeriesNotFound(name));
        }
        let first = idx
            .iter()
            .map(|i| events[*i].start)
            .min()
            .unwrap_or_default();
        let last = idx.iter().map(|i| events[*i].end).max().unwrap_or_default();
        return Ok((
            Scope {
                kind: ScopeKind::Series,
                label: events[idx[0]].series.clone().unwrap_or(name),
                from: from.unwrap_or(first).to_string(),
                to: to.unwrap_or(last).to_string(),
                events: scope_events(&idx),
            },
            idx,
        ));
    }
    let (Some(from), Some(to)) = (from, to) else {
        return Err(Error::Required {
            field: if from.is_none() { "from" } else { "to" },
        });
    };
    let idx: Vec<usize> = (0..events.len()).filter(|i| within(&events[*i])).collect();
    Ok((
        Scope {
            kind: ScopeKind::Period,
            label: format!("{from} – {to}"),
            from: from.to_string(),
            to: to.to_string(),
            events: scope_events(&idx),
        },
        idx,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_previous_period_is_the_months_before_or_the_days_before() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let prev = |a: &str, b: &str| {
            let (f, t) = previous_period(d(a), d(b));
            (f.to_string(), t.to_string())
        };
        assert_eq!(
            prev("2026-12-01", "2026-12-31"),
            ("2026-11-01".into(), "2026-11-30".into())
        );
        assert_eq!(
            prev("2026-04-01", "2026-06-30"),
            ("2026-01-01".into(), "2026-03-31".into())
        );
        assert_eq!(
            prev("2026-01-01", "2026-12-31"),
            ("2025-01-01".into(), "2025-12-31".into())
        );
        assert_eq!(
            prev("2026-03-01", "2026-03-31"),
            ("2026-02-01".into(), "2026-02-28".into())
        );
        assert_eq!(
            prev("2026-11-10", "2026-11-16"),
            ("2026-11-03".into(), "2026-11-09".into())
        );
    }
}
