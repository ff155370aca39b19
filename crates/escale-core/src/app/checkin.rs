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
use crate::store::parse_uuid;
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
        let sid = session.as_ref().map(|s| s.id.to_string());
        let members = member_ids(tx.conn(), visitor_id).await?;
        let previous = earliest(tx.conn(), ev.id, sid.as_deref(), &members).await?;
        // Plain `visitor_id IN (the person's records)` with the event: an
        // exact look-up on (event_id, visitor_id), never a scan of the event.
        let registered: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM registration WHERE event_id = ? AND visitor_id IN ({}) AND status = 'active'",
            vec!["?"; members.len()].join(",")
        ))
        .bind(ev.id.to_string())
        .bind_all(&members)
        .fetch_one(tx.conn())
        .await?;
        let mut bodies = vec![];
        let walk_in_created = registered == 0 && direction == Direction::In;
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
        let ev = self.event(event_id).await?;
        let ident = self.identity().await?;
        let sid = match session_id {
            Some(s) => Some(self.session(s).await?.id.to_string()),
            None => None,
        };
        let mut tx = self.store.write().await?;
        let last: Option<(String, String, String)> = sqlx::query_as(
            "SELECT id, visitor_id, direction FROM checkin WHERE origin = ? AND event_id = ? AND session_id IS ? AND voided = 0
             ORDER BY at_ms DESC, id DESC LIMIT 1",
        )
        .bind(ident.device_id.to_string())
        .bind(ev.id.to_string())
        .bind(sid.clone())
        .fetch_optional(tx.conn())
        .await?;
        let (last, visitor, direction) = last.ok_or(Error::NothingToUndo)?;
        let id = parse_uuid(&last)?;
        // Undoing an arrival means "this person has not arrived": every scan
        // that makes them arrived goes, not only the latest one — which may
        // have been a repeat scan that counted for nothing ("already arrived").
        let mut void = vec![id];
        if direction == Direction::In.as_str() {
            let root: Option<String> = sqlx::query_scalar("SELECT root FROM alias WHERE id = ?")
                .bind(&visitor)
                .fetch_optional(tx.conn())
                .await?;
            let members =
                member_ids(tx.conn(), parse_uuid(root.as_deref().unwrap_or(&visitor))?).await?;
            let others: Vec<String> = sqlx::query_scalar(&format!(
                "SELECT id FROM checkin WHERE event_id = ? AND session_id IS ? AND visitor_id IN ({})
                   AND direction = 'in' AND voided = 0 ORDER BY id",
                vec!["?"; members.len()].join(",")
            ))
            .bind(ev.id.to_string())
            .bind(sid)
            .bind_all(&members)
            .fetch_all(tx.conn())
            .await?;
            for o in others {
                let o = parse_uuid(&o)?;
                if o != id {
                    void.push(o);
                }
            }
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

/// The records standing for a root visitor: itself and what was merged into it.
async fn member_ids(conn: &mut sqlx::SqliteConnection, root: Uuid) -> Result<Vec<String>> {
    let mut ids: Vec<String> = sqlx::query_scalar("SELECT id FROM alias WHERE root = ?")
        .bind(root.to_string())
        .fetch_all(&mut *conn)
        .await?;
    ids.push(root.to_string());
    Ok(ids)
}

/// Earliest non-voided check-in (ms) of a person (all their records) at an event or session.
async fn earliest(
    conn: &mut sqlx::SqliteConnection,
    event: Uuid,
    session: Option<&str>,
    members: &[String],
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(&format!(
        "SELECT min(at_ms) FROM checkin
         WHERE event_id = ? AND session_id IS ? AND visitor_id IN ({}) AND direction = 'in' AND voided = 0",
        vec!["?"; members.len()].join(",")
    ))
    .bind(event.to_string())
    .bind(session)
    .bind_all(members)
    .fetch_one(conn)
    .await?)
}

/// Binds a list of ids, in order.
trait BindAll<'q> {
    fn bind_all(self, ids: &'q [String]) -> Self;
}

impl<'q, O> BindAll<'q>
    for sqlx::query::QueryScalar<'q, sqlx::Sqlite, O, sqlx::sqlite::SqliteArguments<'q>>
{
    fn bind_all(mut self, ids: &'q [String]) -> Self {
        for id in ids {
            self = self.bind(id.as_str());
        }
        self
    }
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
           WHERE c.session_id = ? AND c.voided = 0)
         WHERE rn = 1 AND direction = 'in'",
    )
    .bind(session.to_string())
    .fetch_one(conn)
    .await?)
}
