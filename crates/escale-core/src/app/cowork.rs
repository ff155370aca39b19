//! The coworking space: coworkers are visitors with a coworking status
//! (`cowork_status`) and a pass — a day, or a membership between two dates
//! — checked in at the same desk, at an event marked as the coworking space
//! (`event.coworking`). Occupancy is the people in the space now (checked
//! in today and not out) against its seats (`org.cowork_capacity`).
//!
//! A pass is a record whose person travels in its own op (erasure keeps the
//! pass as an anonymous fact for the space's figures).

use super::mediation::{choice_code, parse_day};
use super::queue::local_day;
use super::stations::person_op;
use super::{parse_id, set, Escale};
use crate::error::{Error, Result};
use crate::fields::{COWORK_STATUSES, PASS_KINDS};
use crate::model::Entity;
use crate::op::Value;
use chrono::{NaiveDate, TimeZone};
use escale_protocol::roles::Action;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use uuid::Uuid;

/// Longest membership one pass may cover.
pub const MAX_PASS_DAYS: i64 = 366;

/// A pass as typed at the desk.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PassInput {
    pub visitor_id: String,
    /// A code of [`PASS_KINDS`]; a day pass when absent.
    pub kind: Option<String>,
    /// First day (`2026-12-07` or `07/12/2026`); today when absent.
    pub starts_on: Option<String>,
    /// Last day; a membership needs it, a day pass is its first day.
    pub ends_on: Option<String>,
    /// The coworker's status (a code of [`COWORK_STATUSES`]), set on their record.
    pub status: Option<String>,
}

/// A pass.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PassView {
    pub id: Uuid,
    pub visitor_id: Option<Uuid>,
    pub kind: String,
    pub starts_on: String,
    pub ends_on: String,
    /// Covers today.
    pub valid_today: bool,
}

/// What the desk shows about a coworker.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Coworker {
    pub visitor_id: Uuid,
    pub status: Option<String>,
    /// The pass covering today, if any.
    pub today: Option<PassView>,
    /// Every pass, latest first.
    pub passes: Vec<PassView>,
    /// Days of presence in the coworking space per month (`2026-12`),
    /// latest first, the last twelve months with any.
    pub months: Vec<MonthPresence>,
}

/// A coworker's days in the space in one month.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MonthPresence {
    pub month: String,
    pub days: u32,
}

/// The coworking space now.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Occupancy {
    /// People checked in today at a coworking event and not checked out.
    pub present: u32,
    /// The space's seats (`None`: not set).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub capacity: Option<i64>,
}

fn pass_from_row(r: &sqlx::sqlite::SqliteRow, today: NaiveDate) -> Result<PassView> {
    let starts_on: String = r
        .try_get::<Option<String>, _>("starts_on")?
        .unwrap_or_default();
    let ends_on: String = r
        .try_get::<Option<String>, _>("ends_on")?
        .unwrap_or_default();
    let t = today.to_string();
    Ok(PassView {
        id: r.try_get("id")?,
        visitor_id: r.try_get("person")?,
        kind: r
            .try_get::<Option<String>, _>("kind")?
            .unwrap_or_else(|| "day".into()),
        valid_today: starts_on <= t && t <= ends_on,
        starts_on,
        ends_on,
    })
}

impl Escale {
    /// Gives a coworker a pass (and their coworking status, when given).
    pub async fn add_pass(&self, input: &PassInput) -> Result<PassView> {
        self.require(Action::Stations).await?;
        let person = self.load_visitor(&input.visitor_id).await?;
        let today = local_day(crate::clock::now_utc())?;
        let kind = choice_code("kind", PASS_KINDS, input.kind.as_deref(), "day")?;
        let kind = kind.as_str();
        let day = |field: &'static str, given: &Option<String>| -> Result<Option<NaiveDate>> {
            match given.as_deref().filter(|s| !s.trim().is_empty()) {
                Some(s) => parse_day(field, s).map(Some),
                None => Ok(None),
            }
        };
        let from = day("starts_on", &input.starts_on)?.unwrap_or(today);
        let to = match (kind, day("ends_on", &input.ends_on)?) {
            ("day", _) => from,
            (_, Some(to)) => to,
            (_, None) => return Err(Error::Required { field: "ends_on" }),
        };
        if to < from || (to - from).num_days() >= MAX_PASS_DAYS {
            return Err(Error::Invalid {
                field: "ends_on",
                value: to.to_string(),
            });
        }
        let mut bodies = vec![];
        if let Some(status) = input
            .status
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let status = choice_code("cowork_status", COWORK_STATUSES, Some(status), "")?;
            bodies.push(set(
                Entity::Visitor,
                person.id,
                [("cowork_status", Value::String(status))],
            ));
        }
        let id = Uuid::now_v7();
        bodies.push(set(
            Entity::CoworkPass,
            id,
            [
                ("kind", Value::String(kind.into())),
                ("starts_on", Value::String(from.to_string())),
                ("ends_on", Value::String(to.to_string())),
            ],
        ));
        bodies.push(person_op(Entity::CoworkPass, id, person.id));
        self.commit(bodies).await?;
        self.coworker(&person.id.to_string())
            .await?
            .passes
            .into_iter()
            .find(|p| p.id == id)
            .ok_or_else(|| Error::PassNotFound(id.to_string()))
    }

    /// A coworker's status and passes.
    pub async fn coworker(&self, visitor: &str) -> Result<Coworker> {
        self.require(Action::Stations).await?;
        let person = self.load_visitor(visitor).await?;
        let today = local_day(crate::clock::now_utc())?;
        let rows = sqlx::query(
            "SELECT p.id, p.kind, p.starts_on, p.ends_on, COALESCE(a.root, p.visitor_id) AS person
             FROM cowork_pass p LEFT JOIN alias a ON a.id = p.visitor_id
             WHERE COALESCE(p.deleted, 0) = 0 AND p.starts_on IS NOT NULL
               AND p.visitor_id IN (SELECT id FROM alias WHERE root = ? UNION SELECT ?)
             ORDER BY p.ends_on DESC, p.id DESC",
        )
        .bind(person.id)
        .bind(person.id)
        .fetch_all(self.store.pool())
        .await?;
        let passes: Vec<PassView> = rows
            .iter()
            .map(|r| pass_from_row(r, today))
            .collect::<Result<_>>()?;
        // Check-ins at a coworking event, as local days (Paris).
        let at: Vec<i64> = sqlx::query_scalar(
            "SELECT c.at_ms FROM checkin c
             JOIN event e ON e.id = c.event_id AND COALESCE(e.coworking, 0) = 1
             WHERE c.direction = 'in' AND c.voided = 0
               AND c.visitor_id IN (SELECT id FROM alias WHERE root = ? UNION SELECT ?)",
        )
        .bind(person.id)
        .bind(person.id)
        .fetch_all(self.store.pool())
        .await?;
        let tz = super::time::parse_tz(None)?;
        let days: std::collections::BTreeSet<NaiveDate> = at
            .iter()
            .filter_map(|ms| chrono::DateTime::from_timestamp_millis(*ms))
            .map(|d| d.with_timezone(&tz).date_naive())
            .collect();
        let mut months: std::collections::BTreeMap<String, u32> = Default::default();
        for d in days {
            *months.entry(d.format("%Y-%m").to_string()).or_default() += 1;
        }
        Ok(Coworker {
            visitor_id: person.id,
            status: person.text("cowork_status").map(str::to_string),
            today: passes.iter().find(|p| p.valid_today).cloned(),
            passes,
            months: months
                .into_iter()
                .rev()
                .take(12)
                .map(|(month, days)| MonthPresence { month, days })
                .collect(),
        })
    }

    /// Deletes a pass given by mistake.
    pub async fn delete_pass(&self, id: &str) -> Result<()> {
        self.require(Action::Stations).await?;
        let uid = parse_id(id, Error::PassNotFound)?;
        let exists: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM cowork_pass WHERE id = ? AND COALESCE(deleted, 0) = 0",
        )
        .bind(uid)
        .fetch_optional(self.store.pool())
        .await?;
        if exists.is_none() {
            return Err(Error::PassNotFound(id.chars().take(60).collect()));
        }
        self.commit(vec![set(
            Entity::CoworkPass,
            uid,
            [("deleted", Value::Bool(true))],
        )])
        .await?;
        Ok(())
    }

    /// The space's seats (the organisation's setting).
    pub async fn cowork_capacity(&self) -> Result<Option<i64>> {
        self.require(Action::ViewEvents).await?;
        let ident = self.identity().await?;
        Ok(
            sqlx::query_scalar::<_, Option<i64>>("SELECT cowork_capacity FROM org WHERE id = ?")
                .bind(ident.org_id)
                .fetch_optional(self.store.pool())
                .await?
                .flatten()
                .filter(|c| *c > 0),
        )
    }

    /// People in the coworking space now.
    pub async fn cowork_occupancy(&self) -> Result<Occupancy> {
        self.require(Action::ViewEvents).await?;
        let now = crate::clock::now_utc();
        let tz = super::time::parse_tz(None)?;
        let day = local_day(now)?;
        let start = tz
            .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
            .earliest()
            .map_or(0, |d| d.timestamp_millis());
        // Each person's last check-in or check-out of today at a coworking
        // event: in the space when it is a check-in.
        let present: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM (
                SELECT COALESCE(a.root, c.visitor_id) AS who, c.direction,
                       row_number() OVER (PARTITION BY COALESCE(a.root, c.visitor_id)
                                          ORDER BY c.at_ms DESC, c.id DESC) AS k
                FROM checkin c
                JOIN event e ON e.id = c.event_id AND COALESCE(e.coworking, 0) = 1
                LEFT JOIN alias a ON a.id = c.visitor_id
                WHERE c.voided = 0 AND c.at_ms >= ?
             ) WHERE k = 1 AND direction = 'in'",
        )
        .bind(start)
        .fetch_one(self.store.pool())
        .await?;
        Ok(Occupancy {
            present: present as u32,
            capacity: self.cowork_capacity().await?,
        })
    }
}
