//! Public computers ("postes"): the organisation's laptops lent to visitors
//! on a stand or at the third place, who is on which, for how long, and the
//! board the desk runs them from.
//!
//! - A **station** is a record (name, place, what it offers, out of order).
//! - A **session** on a station (`station_use`) is written as two ops in one
//!   transaction, as a mediation entry is: the facts (station, purpose,
//!   start, time allowed, desk — nobody named) and who it is, in an op whose
//!   subject is the person; erasing the person keeps the session as an
//!   anonymous fact for the statistics.
//! - **Two desks giving the same station** while apart (offline, or within
//!   the second before live sync carries it): every laptop keeps the
//!   assignment whose `station_id` was written first — the field's stamp,
//!   HLC then device, the same on every node — and shows the other as
//!   *displaced*. The desk that made the displaced one moves it to the next
//!   free station as soon as it learns of it ([`Escale::settle_stations`],
//!   run after every sync), and tells its user; nothing is lost, and only
//!   that desk moves it, so two laptops never race to fix the same session.

use super::mediation::choice_code;
use super::time::{parse_tz, to_storage};
use super::{opt_text, parse_id, set, Escale};
use crate::error::{Error, Result};
use crate::fields::{join_codes, purpose_themes, PURPOSES, STATION_OFFERS, STATION_PLACES};
use crate::hlc::Stamp;
use crate::model::Entity;
use crate::op::{Fields, OpBody, Value};
use crate::text::fold;
use chrono::{DateTime, Utc};
use escale_protocol::roles::Action;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use uuid::Uuid;

/// Time allowed on a station at a stand when the organisation set none.
pub const DEFAULT_MINUTES_STAND: i64 = 45;
/// Time allowed at the third place when the organisation set none.
pub const DEFAULT_MINUTES_THIRD_PLACE: i64 = 120;
/// The board warns this long before a session's time is up.
pub const WARN_SECONDS: i64 = 5 * 60;
/// Shortest and longest time one session may be given.
pub const MIN_MINUTES: i64 = 5;
pub const MAX_MINUTES: i64 = 600;
/// Minutes an "extend" adds when none is given.
pub const DEFAULT_EXTEND: i64 = 15;

/// A station as typed in its form.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct StationInput {
    /// Short and unique: "Poste 1", "PC fenêtre".
    pub name: String,
    /// A code of [`STATION_PLACES`]; the stand when absent.
    pub place: Option<String>,
    /// Codes of [`STATION_OFFERS`].
    pub offers: Vec<String>,
}

/// A station.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StationView {
    pub id: Uuid,
    pub name: String,
    pub place: String,
    pub offers: Vec<String>,
    pub out_of_order: bool,
}

/// Where a station stands now.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StationState {
    Free,
    Busy,
    OutOfOrder,
}

/// One session on a station, as the board shows it: the first name only.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UseView {
    pub id: Uuid,
    pub station_id: Option<Uuid>,
    pub station_name: String,
    /// The person (their record after merges); `None` once erased.
    pub visitor_id: Option<Uuid>,
    pub first_name: String,
    /// A code of [`PURPOSES`].
    pub purpose: String,
    /// Stored UTC (`2026-12-03T09:30:00Z`) and local wall time (`10:30`).
    pub started_at: String,
    pub started_local: String,
    /// Minutes allowed (extensions included).
    pub minutes: i64,
    /// Seconds until the time allowed is up (negative: over time).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seconds_left: i64,
    /// Five minutes or less left (or over time).
    pub warn: bool,
    pub ended_at: Option<String>,
    pub event_id: Option<Uuid>,
    pub ticket_id: Option<Uuid>,
    /// The laptop that gave the station, and its name.
    pub desk: Option<Uuid>,
    pub desk_name: String,
}

/// A station and who is on it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StationCard {
    pub station: StationView,
    pub state: StationState,
    pub current: Option<UseView>,
}

/// Everything the station board shows.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Board {
    /// The time the board was computed (UTC, RFC 3339).
    pub now: String,
    pub stations: Vec<StationCard>,
    /// Sessions that lost their station to an earlier assignment made on
    /// another laptop, waiting to be moved (by the desk that made them).
    pub displaced: Vec<UseView>,
    pub queue: Vec<super::queue::TicketView>,
    pub free: u32,
    pub busy: u32,
    pub out_of_order: u32,
}

/// Giving a person a station.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AssignInput {
    pub visitor_id: String,
    /// A station's id or name; the first free station when absent.
    pub station: Option<String>,
    /// A code of [`PURPOSES`]; free use when absent.
    pub purpose: Option<String>,
    /// Minutes allowed; the place's setting when absent.
    pub minutes: Option<i64>,
    /// Where the person was checked in, if at an event.
    pub event_id: Option<String>,
}

/// A session just ended: what the mediation-log entry is pre-filled with.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EndedUse {
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub session: UseView,
    /// Whole minutes on the station (at least 1).
    pub minutes_used: i64,
    /// The Coop themes its purpose stands for.
    pub themes: Vec<String>,
}

/// A displaced session this laptop moved.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Moved {
    pub use_id: Uuid,
    pub first_name: String,
    /// The station another laptop had given first.
    pub from: String,
    /// Where the person goes now.
    pub to: String,
}

/// The organisation's settings for its public computers and coworking space.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct StationSettings {
    /// Minutes a session is given on a stand, and at the third place.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub minutes_stand: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub minutes_third_place: i64,
    /// Free pages a day per person.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub print_quota: i64,
    /// The coworking space's seats (`None`: not set).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub cowork_capacity: Option<i64>,
}

/// An open session with the stamp of its assignment (for the rule above).
struct Open {
    view: UseView,
    assigned: Option<Stamp>,
}

/// "Poste 2" before "Poste 10".
fn natural_key(name: &str) -> Vec<(String, u64)> {
    let mut out = vec![];
    let mut text = String::new();
    let mut num: Option<u64> = None;
    for c in fold(name).chars() {
        match (c.to_digit(10), num) {
            (Some(d), n) => num = Some(n.unwrap_or(0).saturating_mul(10).saturating_add(d as u64)),
            (None, Some(n)) => {
                out.push((std::mem::take(&mut text), n));
                num = None;
                text.push(c);
            }
            (None, None) => text.push(c),
        }
    }
    out.push((text, num.unwrap_or(0)));
    out
}

/// Local wall time `10:30` of a stored UTC time.
fn hour_local(stored: &str, tz: chrono_tz::Tz) -> String {
    DateTime::parse_from_rfc3339(stored)
        .map(|d| d.with_timezone(&tz).format("%H:%M").to_string())
        .unwrap_or_default()
}

impl Escale {
    /// Adds a station.
    pub async fn add_station(&self, input: &StationInput) -> Result<StationView> {
        self.require(Action::Settings).await?;
        let id = Uuid::now_v7();
        let body = self.station_body(id, input, None).await?;
        self.commit(vec![body]).await?;
        self.station(&id.to_string()).await
    }

    /// Renames a station, moves it, changes what it offers.
    pub async fn update_station(&self, station: &str, input: &StationInput) -> Result<StationView> {
        self.require(Action::Settings).await?;
        let s = self.station(station).await?;
        let body = self.station_body(s.id, input, Some(s.id)).await?;
        self.commit(vec![body]).await?;
        self.station(&s.id.to_string()).await
    }

    async fn station_body(
        &self,
        id: Uuid,
        input: &StationInput,
        itself: Option<Uuid>,
    ) -> Result<OpBody> {
        let name = crate::validate::text("name", &input.name, 40)?
            .ok_or(Error::Required { field: "name" })?;
        if let Some(other) = self
            .stations()
            .await?
            .into_iter()
            .find(|s| fold(&s.name) == fold(&name) && Some(s.id) != itself)
        {
            return Err(Error::Invalid {
                field: "name",
                value: other.name,
            });
        }
        let place = choice_code("place", STATION_PLACES, input.place.as_deref(), "stand")?;
        let offers = join_codes(STATION_OFFERS, input.offers.iter().map(String::as_str)).map_err(
            |code| Error::Invalid {
                field: "offers",
                value: code.chars().take(40).collect(),
            },
        )?;
        Ok(set(
            Entity::Station,
            id,
            [
                ("name", Value::String(name)),
                ("place", Value::String(place)),
                (
                    "offers",
                    if offers.is_empty() {
                        Value::Null
                    } else {
                        Value::String(offers)
                    },
                ),
            ],
        ))
    }

    /// Puts a station out of order (or back in service). A person on it
    /// stays until their session is ended or moved.
    pub async fn set_station_out_of_order(&self, station: &str, out: bool) -> Result<StationView> {
        self.require(Action::Stations).await?;
        let s = self.station(station).await?;
        self.commit(vec![set(
            Entity::Station,
            s.id,
            [("out_of_order", Value::Bool(out))],
        )])
        .await?;
        self.station(&s.id.to_string()).await
    }

    /// Retires a station (it leaves the board; its sessions stay in the figures).
    pub async fn retire_station(&self, station: &str) -> Result<()> {
        self.require(Action::Settings).await?;
        let s = self.station(station).await?;
        self.commit(vec![set(
            Entity::Station,
            s.id,
            [("archived", Value::Bool(true))],
        )])
        .await?;
        Ok(())
    }

    /// Every station in service or out of order, by name ("Poste 2" before "Poste 10").
    pub async fn stations(&self) -> Result<Vec<StationView>> {
        self.require(Action::Stations).await?;
        let rows = sqlx::query(
            "SELECT id, name, place, offers, out_of_order FROM station
             WHERE COALESCE(archived, 0) = 0 AND name IS NOT NULL",
        )
        .fetch_all(self.store.pool())
        .await?;
        let mut out: Vec<StationView> = rows
            .iter()
            .map(|r| {
                Ok(StationView {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    place: r
                        .try_get::<Option<String>, _>("place")?
                        .unwrap_or_else(|| "stand".into()),
                    offers: crate::fields::codes(
                        &r.try_get::<Option<String>, _>("offers")?
                            .unwrap_or_default(),
                    )
                    .map(str::to_string)
                    .collect(),
                    out_of_order: r
                        .try_get::<Option<bool>, _>("out_of_order")?
                        .unwrap_or(false),
                })
            })
            .collect::<Result<_>>()?;
        out.sort_by_cached_key(|s| (natural_key(&s.name), s.id));
        Ok(out)
    }

    /// A station by id or by name (accents and case aside).
    pub async fn station(&self, given: &str) -> Result<StationView> {
        self.require(Action::Stations).await?;
        let all = self.stations().await?;
        let id = Uuid::parse_str(given.trim()).ok();
        let key = fold(given.trim());
        all.into_iter()
            .find(|s| Some(s.id) == id || fold(&s.name) == key)
            .ok_or_else(|| Error::StationNotFound(given.chars().take(60).collect()))
    }

    /// Minutes a session is given at a place (the organisation's setting).
    pub(crate) async fn place_minutes(&self, place: &str) -> Result<i64> {
        let ident = self.identity().await?;
        let (col, default) = if place == "third_place" {
            ("station_minutes_third_place", DEFAULT_MINUTES_THIRD_PLACE)
        } else {
            ("station_minutes_stand", DEFAULT_MINUTES_STAND)
        };
        let set: Option<i64> = sqlx::query_scalar(&format!("SELECT {col} FROM org WHERE id = ?"))
            .bind(ident.org_id)
            .fetch_optional(self.store.pool())
            .await?
            .flatten();
        Ok(set
            .filter(|m| (MIN_MINUTES..=MAX_MINUTES).contains(m))
            .unwrap_or(default))
    }

    /// The settings as they apply (defaults where none was set).
    pub async fn station_settings(&self) -> Result<StationSettings> {
        self.require(Action::ViewEvents).await?;
        Ok(StationSettings {
            minutes_stand: self.place_minutes("stand").await?,
            minutes_third_place: self.place_minutes("third_place").await?,
            print_quota: self.print_quota_setting().await?,
            cowork_capacity: self.cowork_capacity().await?,
        })
    }

    /// Changes the settings (synced to every laptop of the organisation).
    pub async fn set_station_settings(&self, s: &StationSettings) -> Result<StationSettings> {
        self.require(Action::Settings).await?;
        for (field, value, range) in [
            (
                "station_minutes_stand",
                s.minutes_stand,
                MIN_MINUTES..=MAX_MINUTES,
            ),
            (
                "station_minutes_third_place",
                s.minutes_third_place,
                MIN_MINUTES..=MAX_MINUTES,
            ),
            ("print_quota", s.print_quota, 0..=super::prints::MAX_PAGES),
            (
                "cowork_capacity",
                s.cowork_capacity.unwrap_or(1),
                1..=10_000,
            ),
        ] {
            if !range.contains(&value) {
                return Err(Error::Invalid {
                    field,
                    value: value.to_string(),
                });
            }
        }
        let org = self.identity().await?.org_id;
        self.commit(vec![set(
            Entity::Org,
            org,
            [
                ("station_minutes_stand", Value::from(s.minutes_stand)),
                (
                    "station_minutes_third_place",
                    Value::from(s.minutes_third_place),
                ),
                ("print_quota", Value::from(s.print_quota)),
                (
                    "cowork_capacity",
                    s.cowork_capacity.map_or(Value::Null, Value::from),
                ),
            ],
        )])
        .await?;
        self.station_settings().await
    }

    /// Every session not ended, with the stamp of its assignment.
    async fn open_uses(&self, now: DateTime<Utc>) -> Result<Vec<Open>> {
        let rows = sqlx::query(&format!(
            "{USE_SELECT} WHERE u.ended_at IS NULL AND u.started_at IS NOT NULL"
        ))
        .fetch_all(self.store.pool())
        .await?;
        let tz = parse_tz(None)?;
        rows.iter()
            .map(|r| {
                let (_, rec) = crate::store::records::record_from_row(Entity::StationUse, r)?;
                let assigned = rec.fields.get("station_id").map(|(_, s)| *s);
                Ok(Open {
                    view: use_view(r, tz, now)?,
                    assigned,
                })
            })
            .collect()
    }

    /// Every station and who holds it, and the displaced sessions: the
    /// board without its waiting list.
    async fn cards_at(&self, now: DateTime<Utc>) -> Result<(Vec<StationCard>, Vec<UseView>)> {
        let stations = self.stations().await?;
        let (holders, displaced) = split_open(self.open_uses(now).await?);
        let cards = stations
            .into_iter()
            .map(|s| {
                let current = holders.get(&s.id).cloned();
                let state = match (&current, s.out_of_order) {
                    (Some(_), _) => StationState::Busy,
                    (None, true) => StationState::OutOfOrder,
                    (None, false) => StationState::Free,
                };
                StationCard {
                    station: s,
                    state,
                    current,
                }
            })
            .collect();
        Ok((cards, displaced))
    }

    /// The station board now.
    pub async fn board(&self) -> Result<Board> {
        self.require(Action::Stations).await?;
        self.board_at(crate::clock::now_utc()).await
    }

    pub(crate) async fn board_at(&self, now: DateTime<Utc>) -> Result<Board> {
        let (cards, displaced) = self.cards_at(now).await?;
        let count = |state| cards.iter().filter(|c| c.state == state).count() as u32;
        let (free, busy, out) = (
            count(StationState::Free),
            count(StationState::Busy),
            count(StationState::OutOfOrder),
        );
        let queue = self.queue_at(now, &cards).await?;
        Ok(Board {
            now: to_storage(now),
            stations: cards,
            displaced,
            queue,
            free,
            busy,
            out_of_order: out,
        })
    }

    /// Gives a person a station: the one named, or the first free one.
    pub async fn assign_station(&self, input: &AssignInput) -> Result<UseView> {
        self.require(Action::Stations).await?;
        let now = crate::clock::now_utc();
        let person = self.load_visitor(&input.visitor_id).await?;
        let board = self.board_at(now).await?;
        if let Some(on) = board
            .stations
            .iter()
            .filter_map(|c| c.current.as_ref())
            .chain(board.displaced.iter())
            .find(|u| u.visitor_id == Some(person.id))
        {
            return Err(Error::StationAlreadySeated {
                name: person.display_name(),
                station: on.station_name.clone(),
            });
        }
        let station = match input.station.as_deref().filter(|s| !s.trim().is_empty()) {
            None => first_free(&board.stations)
                .cloned()
                .ok_or(Error::StationNoneFree)?,
            Some(given) => {
                let s = self.station(given).await?;
                let card = board.stations.iter().find(|c| c.station.id == s.id);
                match card.map(|c| (c.state, c.current.as_ref())) {
                    Some((StationState::Busy, Some(u))) => {
                        return Err(Error::StationBusy {
                            station: s.name,
                            name: u.first_name.clone(),
                            next: first_free(&board.stations).map(|f| f.name.clone()),
                        })
                    }
                    Some((StationState::OutOfOrder, _)) => {
                        return Err(Error::StationOutOfOrder(s.name))
                    }
                    _ => s,
                }
            }
        };
        let purpose = choice_code("purpose", PURPOSES, input.purpose.as_deref(), "free")?;
        let minutes = match input.minutes {
            Some(m) if (MIN_MINUTES..=MAX_MINUTES).contains(&m) => m,
            Some(m) => {
                return Err(Error::Invalid {
                    field: "minutes",
                    value: m.to_string(),
                })
            }
            None => self.place_minutes(&station.place).await?,
        };
        let event = match input.event_id.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(e) => Some(self.event(e).await?.id),
            None => None,
        };
        // A person called from the waiting list is seated: their ticket closes.
        let ticket = board
            .queue
            .iter()
            .find(|t| t.visitor_id == Some(person.id))
            .map(|t| t.id);
        let id = Uuid::now_v7();
        let desk = self.identity().await?.device_id;
        let facts = set(
            Entity::StationUse,
            id,
            [
                ("station_id", Value::String(station.id.to_string())),
                ("purpose", Value::String(purpose)),
                ("started_at", Value::String(to_storage(now))),
                ("minutes", Value::from(minutes)),
                ("event_id", opt_text(event.map(|e| e.to_string()))),
                ("ticket_id", opt_text(ticket.map(|t| t.to_string()))),
                ("desk", Value::String(desk.to_string())),
            ],
        );
        let mut bodies = vec![facts, person_op(Entity::StationUse, id, person.id)];
        if let Some(t) = ticket {
            bodies.push(set(
                Entity::Ticket,
                t,
                [
                    ("state", Value::String("served".into())),
                    ("closed_at", Value::String(to_storage(now))),
                ],
            ));
        }
        self.commit(bodies).await?;
        self.station_use(&id.to_string()).await
    }

    /// One session (ended or not).
    pub async fn station_use(&self, id: &str) -> Result<UseView> {
        self.require(Action::Stations).await?;
        let uid = parse_id(id, Error::StationUseNotFound)?;
        let row = sqlx::query(&format!(
            "{USE_SELECT} WHERE u.id = ? AND u.started_at IS NOT NULL"
        ))
        .bind(uid)
        .fetch_optional(self.store.pool())
        .await?
        .ok_or_else(|| Error::StationUseNotFound(id.chars().take(60).collect()))?;
        use_view(&row, parse_tz(None)?, crate::clock::now_utc())
    }

    /// A running session by its id, or by the name of the station it is on.
    pub async fn running_use(&self, given: &str) -> Result<UseView> {
        self.require(Action::Stations).await?;
        let now = crate::clock::now_utc();
        if let Ok(id) = Uuid::parse_str(given.trim()) {
            let u = self.station_use(&id.to_string()).await?;
            if u.ended_at.is_some() {
                return Err(Error::StationUseEnded {
                    name: u.first_name,
                    station: u.station_name,
                });
            }
            return Ok(u);
        }
        let s = self.station(given).await?;
        let (holders, _) = split_open(self.open_uses(now).await?);
        holders
            .get(&s.id)
            .cloned()
            .ok_or_else(|| Error::StationUseNotFound(s.name.clone()))
    }

    /// Gives a running session more time (15 minutes when not said).
    pub async fn extend_station_use(&self, given: &str, minutes: Option<i64>) -> Result<UseView> {
        self.require(Action::Stations).await?;
        let u = self.running_use(given).await?;
        let extra = minutes.unwrap_or(DEFAULT_EXTEND);
        let total = u.minutes + extra;
        if !(1..=MAX_MINUTES).contains(&extra) || total > MAX_MINUTES * 2 {
            return Err(Error::Invalid {
                field: "minutes",
                value: extra.to_string(),
            });
        }
        self.commit(vec![set(
            Entity::StationUse,
            u.id,
            [("minutes", Value::from(total))],
        )])
        .await?;
        self.station_use(&u.id.to_string()).await
    }

    /// Ends a running session; says what the mediation entry is pre-filled with.
    pub async fn end_station_use(&self, given: &str) -> Result<EndedUse> {
        self.require(Action::Stations).await?;
        let now = crate::clock::now_utc();
        let u = self.running_use(given).await?;
        self.commit(vec![set(
            Entity::StationUse,
            u.id,
            [("ended_at", Value::String(to_storage(now)))],
        )])
        .await?;
        let session = self.station_use(&u.id.to_string()).await?;
        let started = DateTime::parse_from_rfc3339(&session.started_at)
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or(now);
        Ok(EndedUse {
            minutes_used: ((now - started).num_seconds() as f64 / 60.0)
                .round()
                .max(1.0) as i64,
            themes: purpose_themes(&session.purpose)
                .iter()
                .map(|t| t.to_string())
                .collect(),
            session,
        })
    }

    /// Moves a session to another station (the first free one when not said).
    pub async fn move_station_use(&self, given: &str, to: Option<&str>) -> Result<UseView> {
        self.require(Action::Stations).await?;
        let now = crate::clock::now_utc();
        let u = self.running_use(given).await?;
        let (cards, _) = self.cards_at(now).await?;
        let target = match to.filter(|s| !s.trim().is_empty()) {
            Some(t) => {
                let s = self.station(t).await?;
                match cards.iter().find(|c| c.station.id == s.id) {
                    Some(c) if c.state == StationState::OutOfOrder => {
                        return Err(Error::StationOutOfOrder(s.name))
                    }
                    Some(StationCard {
                        current: Some(other),
                        ..
                    }) if other.id != u.id => {
                        return Err(Error::StationBusy {
                            station: s.name,
                            name: other.first_name.clone(),
                            next: first_free(&cards).map(|f| f.name.clone()),
                        })
                    }
                    _ => s,
                }
            }
            None => first_free(&cards).cloned().ok_or(Error::StationNoneFree)?,
        };
        self.commit(vec![set(
            Entity::StationUse,
            u.id,
            [("station_id", Value::String(target.id.to_string()))],
        )])
        .await?;
        self.station_use(&u.id.to_string()).await
    }

    /// Moves the sessions this laptop gave that lost their station to an
    /// earlier assignment from another laptop, each to the next free
    /// station (oldest first), and says which it moved. Run after every
    /// sync; cheap when nothing is displaced (one read of the running
    /// sessions).
    pub async fn settle_stations(&self) -> Result<Vec<Moved>> {
        let now = crate::clock::now_utc();
        let me = self.identity().await?.device_id;
        let (cards, displaced) = self.cards_at(now).await?;
        let mine: Vec<&UseView> = displaced.iter().filter(|u| u.desk == Some(me)).collect();
        if mine.is_empty() {
            return Ok(vec![]);
        }
        let mut free: Vec<&StationView> = cards
            .iter()
            .filter(|c| c.state == StationState::Free)
            .map(|c| &c.station)
            .collect();
        free.reverse();
        let mut bodies = vec![];
        let mut moved = vec![];
        // With no station free a session stays displaced (the board shows
        // it) until one is: the next change moves it.
        for (u, s) in mine.into_iter().zip(std::iter::from_fn(|| free.pop())) {
            bodies.push(set(
                Entity::StationUse,
                u.id,
                [("station_id", Value::String(s.id.to_string()))],
            ));
            moved.push(Moved {
                use_id: u.id,
                first_name: u.first_name.clone(),
                from: u.station_name.clone(),
                to: s.name.clone(),
            });
        }
        if !bodies.is_empty() {
            self.commit(bodies).await?;
        }
        Ok(moved)
    }

    /// Sessions of a local day (or every one), newest first: `escale station history`.
    pub async fn station_uses(
        &self,
        day: Option<chrono::NaiveDate>,
        limit: u32,
    ) -> Result<Vec<UseView>> {
        self.require(Action::Stations).await?;
        let tz = parse_tz(None)?;
        let now = crate::clock::now_utc();
        let mut sql = format!("{USE_SELECT} WHERE u.started_at IS NOT NULL");
        let range = day.map(|d| super::queue::day_bounds(d, tz));
        if range.is_some() {
            sql.push_str(" AND u.started_at >= ? AND u.started_at < ?");
        }
        sql.push_str(&format!(
            " ORDER BY u.started_at DESC LIMIT {}",
            limit.clamp(1, 10_000)
        ));
        let mut q = sqlx::query(&sql);
        if let Some((from, to)) = range {
            q = q.bind(from).bind(to);
        }
        let rows = q.fetch_all(self.store.pool()).await?;
        rows.iter().map(|r| use_view(r, tz, now)).collect()
    }
}

/// A session with its person's first name (through merges), its station's
/// and its desk's names.
const USE_SELECT: &str =
    "SELECT u.*, COALESCE(a.root, u.visitor_id) AS person, v.first_name AS first_name,
            s.name AS station_name, d.name AS desk_name
     FROM station_use u
     LEFT JOIN alias a ON a.id = u.visitor_id
     LEFT JOIN visitor v ON v.id = COALESCE(a.root, u.visitor_id)
     LEFT JOIN station s ON s.id = u.station_id
     LEFT JOIN device d ON d.id = u.desk";

fn first_free(cards: &[StationCard]) -> Option<&StationView> {
    cards
        .iter()
        .find(|c| c.state == StationState::Free)
        .map(|c| &c.station)
}

/// The op naming who a record is about (its subject: erasure drops it).
pub(crate) fn person_op(entity: Entity, id: Uuid, visitor: Uuid) -> OpBody {
    let mut fields = Fields::new();
    fields.insert("visitor_id".into(), Value::String(visitor.to_string()));
    OpBody::Set { entity, id, fields }
}

/// The running sessions split by the rule of the module: per station, the
/// assignment written first holds it; every later one is displaced (oldest
/// assignment first).
fn split_open(open: Vec<Open>) -> (BTreeMap<Uuid, UseView>, Vec<UseView>) {
    let mut by_station: BTreeMap<Uuid, Vec<Open>> = BTreeMap::new();
    let mut displaced: Vec<Open> = vec![];
    for o in open {
        match o.view.station_id {
            Some(s) => by_station.entry(s).or_default().push(o),
            None => displaced.push(o),
        }
    }
    let mut holders = BTreeMap::new();
    for (station, mut uses) in by_station {
        uses.sort_by_key(|o| (o.assigned, o.view.id));
        let mut it = uses.into_iter();
        if let Some(first) = it.next() {
            holders.insert(station, first.view);
        }
        displaced.extend(it);
    }
    displaced.sort_by_key(|o| (o.assigned, o.view.id));
    (holders, displaced.into_iter().map(|o| o.view).collect())
}

fn use_view(r: &sqlx::sqlite::SqliteRow, tz: chrono_tz::Tz, now: DateTime<Utc>) -> Result<UseView> {
    let started_at: String = r
        .try_get::<Option<String>, _>("started_at")?
        .unwrap_or_default();
    let minutes: i64 = r
        .try_get::<Option<i64>, _>("minutes")?
        .unwrap_or(DEFAULT_MINUTES_STAND);
    let ended_at: Option<String> = r.try_get("ended_at")?;
    let started = DateTime::parse_from_rfc3339(&started_at)
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or(now);
    let until = ended_at
        .as_deref()
        .and_then(|e| DateTime::parse_from_rfc3339(e).ok())
        .map_or(now, |d| d.with_timezone(&Utc));
    let seconds_left = minutes * 60 - (until - started).num_seconds();
    Ok(UseView {
        id: r.try_get("id")?,
        station_id: r.try_get("station_id")?,
        station_name: r
            .try_get::<Option<String>, _>("station_name")?
            .unwrap_or_default(),
        visitor_id: r.try_get("person")?,
        first_name: r
            .try_get::<Option<String>, _>("first_name")?
            .unwrap_or_default(),
        purpose: r
            .try_get::<Option<String>, _>("purpose")?
            .unwrap_or_else(|| "free".into()),
        started_local: hour_local(&started_at, tz),
        started_at,
        minutes,
        seconds_left,
        warn: ended_at.is_none() && seconds_left <= WARN_SECONDS,
        ended_at,
        event_id: r.try_get("event_id")?,
        ticket_id: r.try_get("ticket_id")?,
        desk: r.try_get("desk")?,
        desk_name: r
            .try_get::<Option<String>, _>("desk_name")?
            .unwrap_or_default(),
    })
}

/// When each person waiting would get a station: the stations free now,
/// then each running one when its time is up, each next session lasting
/// `minutes`. `waiting` people in order; `None` when no station works.
pub fn estimate_waits(
    free_now: usize,
    seconds_left: &[i64],
    waiting: usize,
    minutes: i64,
) -> Vec<Option<i64>> {
    let mut heap: BinaryHeap<Reverse<i64>> = BinaryHeap::new();
    for _ in 0..free_now {
        heap.push(Reverse(0));
    }
    for s in seconds_left {
        heap.push(Reverse((*s).max(0)));
    }
    (0..waiting)
        .map(|_| {
            let Reverse(t) = heap.pop()?;
            heap.push(Reverse(t + minutes * 60));
            Some(t)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stations_sort_as_people_count() {
        let mut names = vec!["Poste 10", "Poste 2", "poste 1", "Accueil"];
        names.sort_by_cached_key(|n| natural_key(n));
        assert_eq!(names, ["Accueil", "poste 1", "Poste 2", "Poste 10"]);
    }

    #[test]
    fn the_wait_is_the_next_station_to_free_then_a_whole_session() {
        // Two stations: one free, one with 10 minutes left; sessions of 45 min.
        let w = estimate_waits(1, &[600], 4, 45);
        assert_eq!(
            w,
            vec![Some(0), Some(600), Some(45 * 60), Some(600 + 45 * 60)]
        );
        // Over time counts as free now; no station at all: no estimate.
        assert_eq!(estimate_waits(0, &[-120], 1, 45), vec![Some(0)]);
        assert_eq!(estimate_waits(0, &[], 2, 45), vec![None, None]);
    }
}
