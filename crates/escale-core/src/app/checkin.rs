//! Check-in, check-out and undo at the desk.
//!
//! Every scan becomes a `CheckIn` fact, even a second one: the log keeps what
//! happened, and arrivals are derived (earliest non-voided check-in per
//! person and event). The desk is told "welcome" or "already arrived at
//! 10:42"; counters never move twice.

use super::people::VisitorView;
use super::time::{format_local, parse_tz};
use super::{parse_id, set, Escale};
use crate::error::{Error, Result};
use crate::model::{Direction, Entity, Method, RegistrationKind, REG_ACTIVE};
use crate::op::{OpBody, Value};
use escale_protocol::roles::Action;
use serde::Serialize;
use uuid::Uuid;

/// Who is checking in: a visitor id, or a code typed by a scanner.
#[derive(Debug, Clone)]
pub enum CheckInTarget {
    Visitor(String),
    Code(String),
    /// A visitor id if it parses as one, else a code.
    Either(String),
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckInStatus {
    Welcome,
    AlreadyArrived,
    CheckedOut,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct CheckInOutcome {
    pub status: CheckInStatus,
    pub visitor: VisitorView,
    pub event_id: Uuid,
    pub session_id: Option<Uuid>,
    pub checkin_id: Uuid,
    /// Earliest arrival (local time in the event's timezone).
    pub arrived_at: String,
    /// The person was not registered: a walk-in registration was created.
    pub walk_in_created: bool,
    /// For a session: how many people are checked in, and its capacity.
    pub session_count: Option<i64>,
    pub session_capacity: Option<i64>,
}

impl Escale {
    /// [`Escale::scan`] arriving.
    pub async fn check_in(
        &self,
        event_id: &str,
        target: CheckInTarget,
        session_id: Option<&str>,
        method: Method,
    ) -> Result<CheckInOutcome> {
        self.require(Action::CheckIn).await?;
        self.scan(event_id, target, session_id, method, Direction::In)
            .await
    }

    /// [`Escale::scan`] leaving.
    pub async fn check_out(
        &self,
        event_id: &str,
        target: CheckInTarget,
        session_id: Option<&str>,
        method: Method,
    ) -> Result<CheckInOutcome> {
        self.require(Action::CheckIn).await?;
        self.scan(event_id, target, session_id, method, Direction::Out)
            .await
    }

    /// A check-in or a check-out (`direction`): the one path both take. A
    /// check-in of someone not registered registers them as a walk-in.
    pub async fn scan(
        &self,
        event_id: &str,
        target: CheckInTarget,
        session_id: Option<&str>,
        method: Method,
        direction: Direction,
    ) -> Result<CheckInOutcome> {
        self.require(Action::CheckIn).await?;
        let ev = self.event(event_id).await?;
        let session = match session_id {
            Some(s) => {
                let s = self.session(s).await?;
                if s.event_id != ev.id {
                    return Err(Error::SessionNotFound(s.id.to_string()));
                }
                Some(s)
            }
            None => None,
        };
        let (visitor_id, code) = match target {
            CheckInTarget::Visitor(v) => (
                self.resolve(parse_id(&v, Error::VisitorNotFound)?).await?,
                None,
            ),
            CheckInTarget::Code(c) => (
                self.code_to_visitor(ev.id, &c).await?,
                Some(c.trim().to_string()),
            ),
            CheckInTarget::Either(s) => match Uuid::parse_str(s.trim()) {
                Ok(id) => (self.resolve(id).await?, None),
                Err(_) => (
                    self.code_to_visitor(ev.id, &s).await?,
                    Some(s.trim().to_string()),
                ),
            },
        };
        let visitor = self.root_visitor(visitor_id).await?;
        let tz = parse_tz(Some(&ev.timezone))?;

        // Read and write in one transaction so two desks of this laptop (app
        // and CLI) cannot both see "not arrived" and both say welcome.
        let mut tx = self.store.write().await?;
        let sid = session.as_ref().map(|s| s.id);
        let (previous, registered) =
            arrival_and_registration(tx.conn(), ev.id, sid, visitor_id).await?;
        let mut bodies = vec![];
        let walk_in_created = !registered && direction == Direction::In;
        if walk_in_created {
            bodies.push(set(
                Entity::Registration,
                Uuid::now_v7(),
                [
                    ("event_id", Value::String(ev.id.to_string())),
                    ("visitor_id", Value::String(visitor_id.to_string())),
                    (
                        "kind",
                        Value::String(RegistrationKind::WalkIn.as_str().into()),
                    ),
                    ("source", Value::String("desk".into())),
                    ("status", Value::String(REG_ACTIVE.into())),
                ],
            ));
        }
        bodies.push(OpBody::CheckIn {
            event_id: ev.id,
            session_id: session.as_ref().map(|s| s.id),
            visitor_id,
            direction,
            method,
            code,
        });
        let ops = tx.append(bodies).await?;
        let this = ops
            .last()
            .map(|o| (o.id, o.hlc.ms()))
            .ok_or_else(|| Error::Internal("no op".into()))?;
        let session_count = match &session {
            Some(s) => Some(session_inside(tx.conn(), s.id).await?),
            None => None,
        };
        tx.commit().await?;

        let (status, arrived_ms) = match (direction, previous) {
            (Direction::Out, p) => (CheckInStatus::CheckedOut, p.unwrap_or(this.1)),
            (Direction::In, Some(p)) => (CheckInStatus::AlreadyArrived, p),
            (Direction::In, None) => (CheckInStatus::Welcome, this.1),
        };
        Ok(CheckInOutcome {
            status,
            visitor,
            event_id: ev.id,
            session_id: session.as_ref().map(|s| s.id),
            checkin_id: this.0,
            arrived_at: format_local(arrived_ms, tz),
            walk_in_created,
            session_count,
            session_capacity: session.and_then(|s| s.capacity),
        })
    }

    async fn code_to_visitor(&self, event: Uuid, code: &str) -> Result<Uuid> {
        self.visitor_by_code(Some(event), code)
            .await?
            .ok_or_else(|| Error::UnknownCode(code.trim().chars().take(64).collect()))
    }

    /// Undoes this laptop's latest check-in at the event (or session).
    pub async fn undo_last_check_in(
        &self,
        event_id: &str,
        session_id: Option<&str>,
    ) -> Result<Uuid> {
        self.require(Action::CheckIn).await?;
        let ev = self.event(event_id).await?;
        let ident = self.identity().await?;
        let sid = match session_id {
            Some(s) => Some(self.session(s).await?.id),
            None => None,
        };
        let mut tx = self.store.write().await?;
        let last: Option<(Uuid, Uuid, String)> = sqlx::query_as(
            "SELECT id, visitor_id, direction FROM checkin WHERE origin = ? AND event_id = ? AND session_id IS ? AND voided = 0
             ORDER BY at_ms DESC, id DESC LIMIT 1",
        )
        .bind(ident.device_id)
        .bind(ev.id)
        .bind(sid)
        .fetch_optional(tx.conn())
        .await?;
        let (id, visitor, direction) = last.ok_or(Error::NothingToUndo)?;
        // Undoing an arrival means "this person has not arrived": every scan
        // that makes them arrived goes, not only the latest one — which may
        // have been a repeat scan that counted for nothing ("already arrived").
        let mut void = vec![id];
        if direction == Direction::In.as_str() {
            let others: Vec<Uuid> = sqlx::query_scalar(
                "WITH person(id) AS (
                   SELECT COALESCE((SELECT root FROM alias WHERE id = ?1), ?1)),
                 member(id) AS (
                   SELECT id FROM person UNION SELECT a.id FROM alias a, person p WHERE a.root = p.id)
                 SELECT c.id FROM checkin c
                 WHERE c.event_id = ?2 AND c.session_id IS ?3 AND c.visitor_id IN member
                   AND c.direction = 'in' AND c.voided = 0 ORDER BY c.id",
            )
            .bind(visitor)
            .bind(ev.id)
            .bind(sid)
            .fetch_all(tx.conn())
            .await?;
            void.extend(others.into_iter().filter(|o| *o != id));
        }
        tx.append(
            void.into_iter()
                .map(|checkin_id| OpBody::VoidCheckIn { checkin_id })
                .collect(),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }
}

/// A person's (all their records') earliest non-voided arrival (ms) at an
/// event or session, and whether they are registered for the event: one
/// statement, exact look-ups on (event_id, visitor_id).
async fn arrival_and_registration(
    conn: &mut sqlx::SqliteConnection,
    event: Uuid,
    session: Option<Uuid>,
    root: Uuid,
) -> Result<(Option<i64>, bool)> {
    let (at, registered): (Option<i64>, i64) = sqlx::query_as(
        "WITH member(id) AS (SELECT ?1 UNION SELECT id FROM alias WHERE root = ?1)
         SELECT
           (SELECT min(at_ms) FROM checkin WHERE event_id = ?2 AND session_id IS ?3
              AND visitor_id IN member AND direction = 'in' AND voided = 0),
           EXISTS (SELECT 1 FROM registration WHERE event_id = ?2 AND visitor_id IN member
              AND status = 'active')",
    )
    .bind(root)
    .bind(event)
    .bind(session)
    .fetch_one(conn)
    .await?;
    Ok((at, registered != 0))
}

/// People currently inside a session: their latest scan there is "in".
pub(crate) async fn session_inside(
    conn: &mut sqlx::SqliteConnection,
    session: Uuid,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM (
           SELECT COALESCE(a.root, c.visitor_id) AS v, c.direction,
                  row_number() OVER (PARTITION BY COALESCE(a.root, c.visitor_id) ORDER BY c.at_ms DESC, c.id DESC) AS rn
           FROM checkin c LEFT JOIN alias a ON a.id = c.visitor_id
           WHERE c.event_id = (SELECT event_id FROM session WHERE id = ?1) AND c.session_id = ?1 AND c.voided = 0)
         WHERE rn = 1 AND direction = 'in'",
    )
    .bind(session)
    .fetch_one(conn)
    .await?)
}
