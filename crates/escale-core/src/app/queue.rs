//! The waiting list for a public computer: when every station is taken, a
//! person gets a ticket (numbered from 1 each day), an estimated wait from
//! the running sessions' time left, and is called in turn.
//!
//! The skip rule: a person called but absent is skipped once and **keeps
//! their place** (the next call is theirs again); absent a second time,
//! they leave the list (counted in the reports as having left).
//!
//! Tickets are records like the rest (synced, last-writer-wins per field);
//! who holds a ticket travels in its own op, as for a station session. Two
//! laptops issuing the same number while apart both keep it: the later one
//! (by joining time) is shown as `12b`, on every laptop alike.

use super::mediation::choice_code;
use super::stations::{estimate_waits, person_op, StationCard, StationState};
use super::time::{parse_tz, to_storage};
use super::{opt_text, set, Escale};
use crate::error::{Error, Result};
use crate::fields::PURPOSES;
use crate::model::Entity;
use crate::op::Value;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use escale_protocol::roles::Action;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use uuid::Uuid;

/// One ticket of the waiting list (the first name only).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TicketView {
    pub id: Uuid,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub number: i64,
    /// What is called out and shown: `12`, or `12b` for a second ticket 12.
    pub label: String,
    pub visitor_id: Option<Uuid>,
    pub first_name: String,
    pub purpose: String,
    /// The event the person joined from (where they were checked in).
    pub event_id: Option<Uuid>,
    /// A code of `fields::TICKET_STATES`.
    pub state: String,
    pub joined_at: String,
    /// Local wall time, `10:42`.
    pub joined_local: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub skips: i64,
    pub called_at: Option<String>,
    /// 1 for the next person to be seated (in the list as shown).
    pub position: u32,
    /// Estimated seconds before a station is free for them; `None` when no
    /// station works.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub wait_seconds: Option<i64>,
}

/// Putting a person on the waiting list.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct JoinInput {
    pub visitor_id: String,
    /// A code of [`PURPOSES`]; free use when absent.
    pub purpose: Option<String>,
    pub event_id: Option<String>,
}

/// What skipping an absent person did.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Skipped {
    pub ticket: TicketView,
    /// Absent a second time: off the list.
    pub left: bool,
    /// The person called instead, if anyone waits.
    pub next: Option<TicketView>,
}

/// A local day as stored UTC bounds `[from, to)`.
pub(crate) fn day_bounds(day: NaiveDate, tz: chrono_tz::Tz) -> (String, String) {
    let start = |d: NaiveDate| {
        tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .earliest()
            .map(|t| to_storage(t.with_timezone(&Utc)))
            .unwrap_or_default()
    };
    (start(day), start(day.succ_opt().unwrap_or(day)))
}

/// The local date of an instant (Paris).
pub(crate) fn local_day(now: DateTime<Utc>) -> Result<NaiveDate> {
    Ok(now.with_timezone(&parse_tz(None)?).date_naive())
}

const OPEN: &str = "('waiting', 'called')";

impl Escale {
    /// Today's waiting list, in the order people will be seated, with
    /// estimated waits from the board's stations.
    pub(crate) async fn queue_at(
        &self,
        now: DateTime<Utc>,
        cards: &[StationCard],
    ) -> Result<Vec<TicketView>> {
        let day = local_day(now)?;
        let mut tickets = self.tickets_of(day, Some(OPEN)).await?;
        let free = cards
            .iter()
            .filter(|c| c.state == StationState::Free)
            .count();
        // A station out of order serves nobody after its current session.
        let left: Vec<i64> = cards
            .iter()
            .filter(|c| !c.station.out_of_order)
            .filter_map(|c| c.current.as_ref())
            .map(|u| u.seconds_left)
            .collect();
        let place = cards
            .iter()
            .find(|c| c.state != StationState::OutOfOrder)
            .map_or("stand", |c| c.station.place.as_str());
        let minutes = self.place_minutes(place).await?;
        let waits = estimate_waits(free, &left, tickets.len(), minutes);
        for (i, (t, w)) in tickets.iter_mut().zip(waits).enumerate() {
            t.position = i as u32 + 1;
            t.wait_seconds = w;
        }
        Ok(tickets)
    }

    /// Every ticket of a local day (those in `states` only, an SQL list),
    /// in order, labelled.
    async fn tickets_of(&self, day: NaiveDate, states: Option<&str>) -> Result<Vec<TicketView>> {
        let tz = parse_tz(None)?;
        let all = sqlx::query(
            "SELECT t.id, t.number, t.purpose, t.state, t.joined_at, t.skips, t.called_at, t.event_id,
                    COALESCE(a.root, t.visitor_id) AS person, v.first_name
             FROM ticket t
             LEFT JOIN alias a ON a.id = t.visitor_id
             LEFT JOIN visitor v ON v.id = COALESCE(a.root, t.visitor_id)
             WHERE t.day = ? AND t.number IS NOT NULL
             ORDER BY t.number, t.joined_at, t.id",
        )
        .bind(day.to_string())
        .fetch_all(self.store.pool())
        .await?;
        let mut out = vec![];
        let mut prev: Option<(i64, u8)> = None;
        for r in &all {
            let number: i64 = r.try_get("number")?;
            let nth = match prev {
                Some((n, k)) if n == number => k + 1,
                _ => 0,
            };
            prev = Some((number, nth));
            let state: String = r
                .try_get::<Option<String>, _>("state")?
                .unwrap_or_else(|| "waiting".into());
            if let Some(list) = states {
                if !list.contains(&format!("'{state}'")) {
                    continue;
                }
            }
            let joined_at: String = r
                .try_get::<Option<String>, _>("joined_at")?
                .unwrap_or_default();
            out.push(TicketView {
                id: r.try_get("id")?,
                number,
                label: if nth == 0 {
                    number.to_string()
                } else {
                    format!("{number}{}", (b'a' + nth.min(25)) as char)
                },
                visitor_id: r.try_get("person")?,
                first_name: r
                    .try_get::<Option<String>, _>("first_name")?
                    .unwrap_or_default(),
                purpose: r
                    .try_get::<Option<String>, _>("purpose")?
                    .unwrap_or_else(|| "free".into()),
                event_id: r.try_get("event_id")?,
                state,
                joined_local: DateTime::parse_from_rfc3339(&joined_at)
                    .map(|d| d.with_timezone(&tz).format("%H:%M").to_string())
                    .unwrap_or_default(),
                joined_at,
                skips: r.try_get::<Option<i64>, _>("skips")?.unwrap_or(0),
                called_at: r.try_get("called_at")?,
                position: 0,
                wait_seconds: None,
            });
        }
        Ok(out)
    }

    /// Today's waiting list (people waiting or called).
    pub async fn queue(&self) -> Result<Vec<TicketView>> {
        self.require(Action::Stations).await?;
        Ok(self.board().await?.queue)
    }

    /// Gives a person a ticket.
    pub async fn join_queue(&self, input: &JoinInput) -> Result<TicketView> {
        self.require(Action::Stations).await?;
        let now = crate::clock::now_utc();
        let person = self.load_visitor(&input.visitor_id).await?;
        let board = self.board_at(now).await?;
        if let Some(t) = board.queue.iter().find(|t| t.visitor_id == Some(person.id)) {
            return Err(Error::QueueAlreadyWaiting {
                name: person.display_name(),
                ticket: t.label.clone(),
            });
        }
        if let Some(u) = board
            .stations
            .iter()
            .filter_map(|c| c.current.as_ref())
            .find(|u| u.visitor_id == Some(person.id))
        {
            return Err(Error::StationAlreadySeated {
                name: person.display_name(),
                station: u.station_name.clone(),
            });
        }
        let purpose = choice_code("purpose", PURPOSES, input.purpose.as_deref(), "free")?;
        let event = match input.event_id.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(e) => Some(self.event(e).await?.id),
            None => None,
        };
        let day = local_day(now)?;
        let id = Uuid::now_v7();
        // The number is taken and written in one write transaction: two
        // desks of one laptop never share it (laptops apart may; see above).
        let mut tx = self.store.write().await?;
        let last: Option<i64> = sqlx::query_scalar("SELECT max(number) FROM ticket WHERE day = ?")
            .bind(day.to_string())
            .fetch_one(tx.conn())
            .await?;
        tx.append(vec![
            set(
                Entity::Ticket,
                id,
                [
                    ("day", Value::String(day.to_string())),
                    ("number", Value::from(last.unwrap_or(0) + 1)),
                    ("purpose", Value::String(purpose)),
                    ("joined_at", Value::String(to_storage(now))),
                    ("state", Value::String("waiting".into())),
                    ("skips", Value::from(0)),
                    ("event_id", opt_text(event.map(|e| e.to_string()))),
                ],
            ),
            person_op(Entity::Ticket, id, person.id),
        ])
        .await?;
        tx.commit().await?;
        self.ticket(&id.to_string()).await
    }

    /// A ticket of today's list by id or by what is called out (`12`, `12b`).
    pub async fn ticket(&self, given: &str) -> Result<TicketView> {
        self.require(Action::Stations).await?;
        let queue = self.queue().await?;
        let g = given.trim().trim_start_matches('#').to_ascii_lowercase();
        let id = Uuid::parse_str(&g).ok();
        if let Some(t) = queue.iter().find(|t| Some(t.id) == id || t.label == g) {
            return Ok(t.clone());
        }
        // Closed tickets of today (served, left) by id or label.
        let day = local_day(crate::clock::now_utc())?;
        self.tickets_of(day, None)
            .await?
            .into_iter()
            .find(|t| Some(t.id) == id || t.label == g)
            .ok_or_else(|| Error::TicketNotFound(given.chars().take(40).collect()))
    }

    /// Calls the next person: the first one waiting in the list's order.
    pub async fn call_next(&self) -> Result<TicketView> {
        self.require(Action::Stations).await?;
        self.call_after(None).await?.ok_or(Error::QueueEmpty)
    }

    /// Calls the first person waiting other than `passed` (skipped just now).
    async fn call_after(&self, passed: Option<Uuid>) -> Result<Option<TicketView>> {
        let now = crate::clock::now_utc();
        let queue = self.queue().await?;
        let Some(next) = queue
            .iter()
            .find(|t| t.state == "waiting" && Some(t.id) != passed)
        else {
            return Ok(None);
        };
        self.commit(vec![set(
            Entity::Ticket,
            next.id,
            [
                ("state", Value::String("called".into())),
                ("called_at", Value::String(to_storage(now))),
            ],
        )])
        .await?;
        self.ticket(&next.id.to_string()).await.map(Some)
    }

    /// The person called is not there: skipped once they keep their place
    /// (and the next person is called); a second time they leave the list.
    pub async fn skip_ticket(&self, given: &str) -> Result<Skipped> {
        self.require(Action::Stations).await?;
        let now = crate::clock::now_utc();
        let t = self.ticket(given).await?;
        if t.state != "waiting" && t.state != "called" {
            return Err(Error::TicketNotFound(t.label));
        }
        let left = t.skips >= 1;
        let fields = if left {
            vec![
                ("state", Value::String("left".into())),
                ("closed_at", Value::String(to_storage(now))),
            ]
        } else {
            vec![
                ("state", Value::String("waiting".into())),
                ("skips", Value::from(t.skips + 1)),
            ]
        };
        let mut body = set(Entity::Ticket, t.id, []);
        if let crate::op::OpBody::Set { fields: f, .. } = &mut body {
            for (k, v) in fields {
                f.insert(k.into(), v);
            }
        }
        self.commit(vec![body]).await?;
        let next = self.call_after(Some(t.id)).await?;
        Ok(Skipped {
            ticket: self.ticket(&t.id.to_string()).await?,
            left,
            next,
        })
    }

    /// Takes a person off the list (they gave up, or left).
    pub async fn leave_queue(&self, given: &str) -> Result<TicketView> {
        self.require(Action::Stations).await?;
        let now = crate::clock::now_utc();
        let t = self.ticket(given).await?;
        if t.state == "served" || t.state == "left" {
            return Ok(t);
        }
        self.commit(vec![set(
            Entity::Ticket,
            t.id,
            [
                ("state", Value::String("left".into())),
                ("closed_at", Value::String(to_storage(now))),
            ],
        )])
        .await?;
        self.ticket(&t.id.to_string()).await
    }
}
