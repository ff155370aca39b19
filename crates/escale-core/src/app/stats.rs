//! Figures for an event: registered, arrived, walk-ins, no-shows, sessions,
//! arrivals per hour. All counts are of people (merge roots), never of scans.

use super::time::parse_tz;
use super::Escale;
use crate::error::Result;
use chrono::{TimeZone, Utc};
use escale_protocol::roles::Action;
use serde::Serialize;
use sqlx::Row;
use std::collections::BTreeMap;
use uuid::Uuid;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct EventStats {
    pub event_id: Uuid,
    /// People with an active registration (pre-registered or walk-in).
    pub registered: i64,
    pub pre_registered: i64,
    pub walk_ins: i64,
    /// People who arrived (at least one non-voided check-in).
    pub arrived: i64,
    pub arrived_pre_registered: i64,
    /// Pre-registered people who have not arrived.
    pub no_shows: i64,
    pub sessions: Vec<SessionStats>,
    pub per_hour: Vec<HourCount>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SessionStats {
    pub session_id: Uuid,
    pub title: String,
    pub capacity: Option<i64>,
    /// People who checked in at least once.
    pub attended: i64,
    /// People whose latest scan is a check-in.
    pub inside: i64,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HourCount {
    /// Local hour in the event's timezone, `2026-12-03 10:00`.
    pub hour: String,
    pub arrivals: i64,
}

/// Root visitors who arrived at the event, with their first arrival.
const ARRIVALS: &str = "SELECT COALESCE(a.root, c.visitor_id) AS v, min(c.at_ms) AS at FROM checkin c
     LEFT JOIN alias a ON a.id = c.visitor_id
     WHERE c.event_id = ?1 AND c.session_id IS NULL AND c.direction = 'in' AND c.voided = 0 GROUP BY v";

/// The event's counts in one pass: every active registration and every
/// arrival, each read once on its index (`registration_person`,
/// `checkin_event`) with its merge root, then grouped per person. No join
/// between two derived tables (which SQLite may run as a nested loop over
/// unindexed rows: quadratic), nothing per row.
const COUNTS: &str = "SELECT count(*) FILTER (WHERE reg) AS registered,
        count(*) FILTER (WHERE pre) AS pre,
        count(*) FILTER (WHERE reg AND NOT pre) AS walk_ins,
        count(*) FILTER (WHERE arr) AS arrived,
        count(*) FILTER (WHERE arr AND pre) AS arrived_pre
     FROM (SELECT max(reg) AS reg, max(pre) AS pre, max(arr) AS arr FROM (
             SELECT COALESCE(a.root, r.visitor_id) AS v, 1 AS reg, r.kind = 'pre' AS pre, 0 AS arr
             FROM registration r LEFT JOIN alias a ON a.id = r.visitor_id
             WHERE r.event_id = ?1 AND r.status = 'active'
             UNION ALL
             SELECT COALESCE(a.root, c.visitor_id), 0, 0, 1
             FROM checkin c LEFT JOIN alias a ON a.id = c.visitor_id
             WHERE c.event_id = ?1 AND c.session_id IS NULL AND c.direction = 'in' AND c.voided = 0)
           GROUP BY v)";

impl Escale {
    pub async fn stats(&self, event_id: &str) -> Result<EventStats> {
        self.require(Action::ViewEvents).await?;
        let ev = self.event(event_id).await?;
        let pool = self.store.pool();
        let e = ev.id;
        let counts = sqlx::query(COUNTS).bind(e).fetch_one(pool).await?;
        let registered: i64 = counts.try_get("registered")?;
        let pre: i64 = counts.try_get("pre")?;
        let walk_ins: i64 = counts.try_get("walk_ins")?;
        let arrived: i64 = counts.try_get("arrived")?;
        let arrived_pre: i64 = counts.try_get("arrived_pre")?;

        let tz = parse_tz(Some(&ev.timezone))?;
        let times: Vec<i64> = sqlx::query_scalar(&format!("SELECT at FROM ({ARRIVALS})"))
            .bind(e)
            .fetch_all(pool)
            .await?;
        let mut hours: BTreeMap<String, i64> = BTreeMap::new();
        for ms in times {
            if let Some(d) = Utc.timestamp_millis_opt(ms).single() {
                *hours
                    .entry(d.with_timezone(&tz).format("%Y-%m-%d %H:00").to_string())
                    .or_default() += 1;
            }
        }

        let mut sessions = vec![];
        for s in self.sessions(event_id).await? {
            // On `checkin_event`: the event and the session are its prefix.
            let attended: i64 = sqlx::query_scalar(
                "SELECT count(DISTINCT COALESCE(a.root, c.visitor_id)) FROM checkin c LEFT JOIN alias a ON a.id = c.visitor_id
                 WHERE c.event_id = ? AND c.session_id = ? AND c.direction = 'in' AND c.voided = 0",
            )
            .bind(e)
            .bind(s.id)
            .fetch_one(pool)
            .await?;
            let mut conn = pool.acquire().await?;
            let inside = super::checkin::session_inside(&mut conn, s.id).await?;
            sessions.push(SessionStats {
                session_id: s.id,
                title: s.title,
                capacity: s.capacity,
                attended,
                inside,
            });
        }
        Ok(EventStats {
            event_id: ev.id,
            registered,
            pre_registered: pre,
            walk_ins,
            arrived,
            arrived_pre_registered: arrived_pre,
            no_shows: pre - arrived_pre,
            sessions,
            per_hour: hours
                .into_iter()
                .map(|(hour, arrivals)| HourCount { hour, arrivals })
                .collect(),
        })
    }
}
