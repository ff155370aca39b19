//! Events and their sessions: create, edit, list.

use super::time::{parse_datetime, parse_tz, stored_to_local, to_storage};
use super::{opt_text, parse_id, set, Escale};
use crate::error::{Error, Result};
use crate::model::{Entity, EventKind};
use crate::op::Value;
use crate::validate::{text, MAX_SHORT, MAX_TITLE};
use escale_protocol::roles::Action;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use uuid::Uuid;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EventInput {
    pub kind: Option<EventKind>,
    pub title: String,
    pub place: String,
    pub timezone: Option<String>,
    /// Local time in the event's timezone, or RFC 3339.
    pub starts_at: String,
    pub ends_at: String,
    /// JobCamp series name, grouping recurring events.
    pub series: Option<String>,
    /// Check-ins here are presences in the coworking space (unchanged when absent).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub coworking: Option<bool>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EventView {
    pub id: Uuid,
    pub kind: String,
    pub title: String,
    pub place: String,
    pub timezone: String,
    /// UTC, RFC 3339.
    pub starts_at: String,
    pub ends_at: String,
    /// Local wall time in the event's timezone, for display.
    pub starts_local: String,
    pub ends_local: String,
    pub series: Option<String>,
    pub archived: bool,
    /// Named on the event's certificates ("en partenariat avec …").
    pub partner: Option<String>,
    /// The text block the event's certificates print.
    pub certificate_text: Option<String>,
    /// Check-ins here are presences in the coworking space.
    pub coworking: bool,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SessionInput {
    pub title: String,
    pub room: String,
    pub starts_at: String,
    pub ends_at: String,
    pub capacity: Option<i64>,
    /// What the session's workshop helps with (codes of
    /// [`crate::fields::THEMES`]): its attendance counts as a collective
    /// mediation activity on these themes. `None`: left as they are.
    #[serde(default)]
    pub themes: Option<Vec<String>>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SessionView {
    pub id: Uuid,
    pub event_id: Uuid,
    pub title: String,
    pub room: String,
    pub starts_at: String,
    pub ends_at: String,
    pub starts_local: String,
    pub ends_local: String,
    pub capacity: Option<i64>,
    pub themes: Vec<String>,
}

impl Escale {
    pub async fn create_event(&self, input: &EventInput) -> Result<EventView> {
        self.require(Action::ManageEvents).await?;
        let id = Uuid::now_v7();
        let bodies = vec![event_body(id, input)?];
        self.commit(bodies).await?;
        self.event(&id.to_string()).await
    }

    pub async fn update_event(&self, id: &str, input: &EventInput) -> Result<EventView> {
        self.require(Action::ManageEvents).await?;
        let ev = self.event(id).await?;
        self.commit(vec![event_body(ev.id, input)?]).await?;
        self.event(id).await
    }

    /// Archives an event: it leaves the list of events (its registrations and
    /// check-ins stay in the log and in past figures). How the demo event is
    /// deleted from the desk.
    pub async fn archive_event(&self, id: &str) -> Result<EventView> {
        self.require(Action::ManageEvents).await?;
        let ev = self.event(id).await?;
        self.commit(vec![set(
            Entity::Event,
            ev.id,
            [("archived", Value::Bool(true))],
        )])
        .await?;
        self.event(id).await
    }

    pub async fn event(&self, id: &str) -> Result<EventView> {
        self.require(Action::ViewEvents).await?;
        let uid = parse_id(id, Error::EventNotFound)?;
        let row = sqlx::query("SELECT id, kind, title, place, timezone, starts_at, ends_at, series, archived, partner, certificate_text, coworking FROM event WHERE id = ?")
            .bind(uid)
            .fetch_optional(self.store.pool())
            .await?
            .ok_or_else(|| Error::EventNotFound(id.to_string()))?;
        event_from_row(&row)
    }

    /// Upcoming and current events first (soonest first), then past ones (latest first).
    pub async fn events(&self) -> Result<Vec<EventView>> {
        self.require(Action::ViewEvents).await?;
        let rows = sqlx::query(
            "SELECT id, kind, title, place, timezone, starts_at, ends_at, series, archived, partner, certificate_text, coworking FROM event
             WHERE title IS NOT NULL AND COALESCE(archived, 0) = 0
             ORDER BY (ends_at < ?1),
                      CASE WHEN ends_at < ?1 THEN '' ELSE starts_at END,
                      starts_at DESC",
        )
        // Now from the one wall clock (`escale_protocol::clock`), as stored.
        .bind(crate::clock::now_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .fetch_all(self.store.pool())
        .await?;
        rows.iter().map(event_from_row).collect()
    }

    pub async fn add_session(&self, event_id: &str, input: &SessionInput) -> Result<SessionView> {
        self.require(Action::ManageEvents).await?;
        let ev = self.event(event_id).await?;
        let id = Uuid::now_v7();
        self.commit(vec![session_body(id, &ev, input)?]).await?;
        self.session(&id.to_string()).await
    }

    pub async fn update_session(&self, id: &str, input: &SessionInput) -> Result<SessionView> {
        self.require(Action::ManageEvents).await?;
        let s = self.session(id).await?;
        let ev = self.event(&s.event_id.to_string()).await?;
        self.commit(vec![session_body(s.id, &ev, input)?]).await?;
        self.session(id).await
    }

    pub async fn session(&self, id: &str) -> Result<SessionView> {
        self.require(Action::ViewEvents).await?;
        let uid = parse_id(id, Error::SessionNotFound)?;
        let row = sqlx::query(
            "SELECT s.id, s.event_id, s.title, s.room, s.starts_at, s.ends_at, s.capacity, s.themes, e.timezone
             FROM session s JOIN event e ON e.id = s.event_id WHERE s.id = ? AND COALESCE(s.archived, 0) = 0",
        )
        .bind(uid)
        .fetch_optional(self.store.pool())
        .await?
        .ok_or_else(|| Error::SessionNotFound(id.to_string()))?;
        session_from_row(&row)
    }

    pub async fn sessions(&self, event_id: &str) -> Result<Vec<SessionView>> {
        self.require(Action::ViewEvents).await?;
        let ev = self.event(event_id).await?;
        let rows = sqlx::query(
            "SELECT s.id, s.event_id, s.title, s.room, s.starts_at, s.ends_at, s.capacity, s.themes, e.timezone
             FROM session s JOIN event e ON e.id = s.event_id
             WHERE s.event_id = ? AND COALESCE(s.archived, 0) = 0 ORDER BY s.starts_at, s.title",
        )
        .bind(ev.id)
        .fetch_all(self.store.pool())
        .await?;
        rows.iter().map(session_from_row).collect()
    }
}

fn event_body(id: Uuid, input: &EventInput) -> Result<crate::op::OpBody> {
    let title =
        text("title", &input.title, MAX_TITLE)?.ok_or(Error::Required { field: "title" })?;
    let place = text("place", &input.place, MAX_TITLE)?.unwrap_or_default();
    let tz = parse_tz(input.timezone.as_deref())?;
    let starts = parse_datetime("starts_at", &input.starts_at, tz)?;
    let ends = if input.ends_at.trim().is_empty() {
        starts + chrono::Duration::hours(8)
    } else {
        parse_datetime("ends_at", &input.ends_at, tz)?
    };
    if ends < starts {
        return Err(Error::Invalid {
            field: "ends_at",
            value: input.ends_at.clone(),
        });
    }
    let series = match &input.series {
        Some(s) => text("series", s, MAX_SHORT)?,
        None => None,
    };
    let mut body = set(
        Entity::Event,
        id,
        [
            (
                "kind",
                Value::String(input.kind.unwrap_or(EventKind::Fair).as_str().into()),
            ),
            ("title", Value::String(title)),
            ("place", Value::String(place)),
            ("timezone", Value::String(tz.name().into())),
            ("starts_at", Value::String(to_storage(starts))),
            ("ends_at", Value::String(to_storage(ends))),
            ("series", opt_text(series)),
        ],
    );
    if let (Some(c), crate::op::OpBody::Set { fields, .. }) = (input.coworking, &mut body) {
        fields.insert("coworking".into(), Value::Bool(c));
    }
    Ok(body)
}

fn session_body(id: Uuid, ev: &EventView, input: &SessionInput) -> Result<crate::op::OpBody> {
    let title =
        text("title", &input.title, MAX_TITLE)?.ok_or(Error::Required { field: "title" })?;
    let room = text("room", &input.room, MAX_SHORT)?.unwrap_or_default();
    let tz = parse_tz(Some(&ev.timezone))?;
    // "14:00" alone means that time on the event's first day.
    let day = stored_to_local(&ev.starts_at, tz)
        .chars()
        .take(10)
        .collect::<String>();
    let with_day = |s: &str| {
        if s.trim().len() <= 5 && s.contains(':') {
            format!("{day} {}", s.trim())
        } else {
            s.to_string()
        }
    };
    let starts = parse_datetime("starts_at", &with_day(&input.starts_at), tz)?;
    let ends = parse_datetime("ends_at", &with_day(&input.ends_at), tz)?;
    if ends < starts {
        return Err(Error::Invalid {
            field: "ends_at",
            value: input.ends_at.clone(),
        });
    }
    if let Some(c) = input.capacity {
        if !(0..=100_000).contains(&c) {
            return Err(Error::Invalid {
                field: "capacity",
                value: c.to_string(),
            });
        }
    }
    let mut body = set(
        Entity::Session,
        id,
        [
            ("event_id", Value::String(ev.id.to_string())),
            ("title", Value::String(title)),
            ("room", Value::String(room)),
            ("starts_at", Value::String(to_storage(starts))),
            ("ends_at", Value::String(to_storage(ends))),
            (
                "capacity",
                input.capacity.map(Value::from).unwrap_or(Value::Null),
            ),
        ],
    );
    if let (Some(themes), crate::op::OpBody::Set { fields, .. }) = (&input.themes, &mut body) {
        let joined = super::mediation::themes_value(themes)?;
        fields.insert("themes".into(), joined);
    }
    Ok(body)
}

fn event_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<EventView> {
    let tzname: String = r
        .try_get::<Option<String>, _>("timezone")?
        .unwrap_or_else(|| super::time::DEFAULT_TZ.into());
    let tz = parse_tz(Some(&tzname))?;
    let starts_at: String = r
        .try_get::<Option<String>, _>("starts_at")?
        .unwrap_or_default();
    let ends_at: String = r
        .try_get::<Option<String>, _>("ends_at")?
        .unwrap_or_default();
    Ok(EventView {
        id: r.try_get::<Uuid, _>("id")?,
        kind: r.try_get::<Option<String>, _>("kind")?.unwrap_or_default(),
        title: r.try_get::<Option<String>, _>("title")?.unwrap_or_default(),
        place: r.try_get::<Option<String>, _>("place")?.unwrap_or_default(),
        starts_local: stored_to_local(&starts_at, tz),
        ends_local: stored_to_local(&ends_at, tz),
        timezone: tzname,
        starts_at,
        ends_at,
        series: r.try_get("series")?,
        archived: r.try_get::<Option<i64>, _>("archived")?.unwrap_or(0) != 0,
        partner: r.try_get("partner")?,
        certificate_text: r.try_get("certificate_text")?,
        coworking: r.try_get::<Option<i64>, _>("coworking")?.unwrap_or(0) != 0,
    })
}

fn session_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<SessionView> {
    let tz = parse_tz(r.try_get::<Option<String>, _>("timezone")?.as_deref())?;
    let starts_at: String = r
        .try_get::<Option<String>, _>("starts_at")?
        .unwrap_or_default();
    let ends_at: String = r
        .try_get::<Option<String>, _>("ends_at")?
        .unwrap_or_default();
    Ok(SessionView {
        id: r.try_get::<Uuid, _>("id")?,
        event_id: r.try_get::<Uuid, _>("event_id")?,
        title: r.try_get::<Option<String>, _>("title")?.unwrap_or_default(),
        room: r.try_get::<Option<String>, _>("room")?.unwrap_or_default(),
        starts_local: stored_to_local(&starts_at, tz),
        ends_local: stored_to_local(&ends_at, tz),
        starts_at,
        ends_at,
        capacity: r.try_get("capacity")?,
        themes: crate::fields::codes(
            &r.try_get::<Option<String>, _>("themes")?
                .unwrap_or_default(),
        )
        .map(str::to_string)
        .collect(),
    })
}
