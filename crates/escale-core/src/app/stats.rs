//! Figures for an event: registered, arrived, walk-ins, no-shows, sessions,
//! arrivals per hour. All counts are of people (merge roots), never of scans.

use super::time::parse_tz;
use super::Escale;
use crate::error::Result;
use chrono::{TimeZone, Utc};
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

/// Root visitors with an active registration of a kind: the SQL shared by counts.
const REGISTERED: &str =
    "SELECT DISTINCT COALESCE(a.root, r.visitor_id) AS v, r.kind FROM registration r
     LEFT JOIN alias a ON a.id = r.visitor_id WHERE r.event_id = ?1 AND r.status = 'active'";
const ARRIVALS: &str = "SELECT COALESCE(a.root, c.visitor_id) AS v, min(c.at_ms) AS at FROM checkin c
     LEFT JOIN alias a ON a.id = c.visitor_id
     WHERE c.event_id = ?1 AND c.session_id IS NULL AND c.direction = 'in' AND c.voided = 0 GROUP BY v";

impl Escale {
    pub async fn stats(&self, event_id: &str) -> Result<EventStats> {
        let ev = self.event(event_id).await?;
        let pool = self.store.pool();
        let e = ev.id;
        let counts = sqlx::query(&format!(
            "WITH reg AS ({REGISTERED}), arr AS ({ARRIVALS}),
                  pre AS (SELECT DISTINCT v FROM reg WHERE kind = 'pre'),
                  walk AS (SELECT DISTINCT v FROM reg WHERE kind <> 'pre' AND v NOT IN (SELECT v FROM pre))
             SELECT (SELECT count(DISTINCT v) FROM reg) AS registered,
                    (SELECT count(*) FROM pre) AS pre,
                    (SELECT count(*) FROM walk) AS walk_ins,
                    (SELECT count(*) FROM arr) AS arrived,
                    (SELECT count(*) FROM arr WHERE v IN (SELECT v FROM pre)) AS arrived_pre"
        ))
        .bind(e)
        .fetch_one(pool)
        .await?;
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
            let attended: i64 = sqlx::query_scalar(
                "SELECT count(DISTINCT COALESCE(a.root, c.visitor_id)) FROM checkin c LEFT JOIN alias a ON a.id = c.visitor_id
                 WHERE c.session_id = ? AND c.direction = 'in' AND c.voided = 0",
            )
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
