//! The desk: search, check-in and check-out, undo, live counters.

use escale_core::app::{CheckInOutcome, CheckInTarget, EventStats, SearchHit};
use escale_core::model::{Direction, Method};
use escale_core::Error;
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use crate::error::ErrorBody;
use crate::state::AppState;

/// How the desk found the person: picked from the results, or a code typed
/// by a scanner. (The core's other methods, kiosk and CLI, are not the desk's.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CheckInMethod {
    Search,
    Scan,
}

impl From<CheckInMethod> for Method {
    fn from(m: CheckInMethod) -> Method {
        match m {
            CheckInMethod::Search => Method::Search,
            CheckInMethod::Scan => Method::Scan,
        }
    }
}

/// Results as you type; an exact badge/ticket code comes first. With a
/// session, `arrived_at` is the arrival at that session.
#[tauri::command]
pub async fn search(
    state: State<'_, AppState>,
    event_id: String,
    query: String,
    limit: u32,
    session_id: Option<String>,
) -> Result<Vec<SearchHit>, ErrorBody> {
    let limit = limit.clamp(1, 100) as usize;
    state
        .escale
        .search_at(&event_id, session_id.as_deref(), &query, limit)
        .await
        .map_err(|e| state.error(e))
}

/// Never counts a person twice: a second check-in answers "already arrived".
#[tauri::command]
pub async fn check_in(
    state: State<'_, AppState>,
    event_id: String,
    visitor_id: Option<String>,
    code: Option<String>,
    session_id: Option<String>,
    method: CheckInMethod,
) -> Result<CheckInOutcome, ErrorBody> {
    let who = target(visitor_id, code);
    scan(&state, &event_id, who, session_id, method, Direction::In).await
}

#[tauri::command]
pub async fn check_out(
    state: State<'_, AppState>,
    event_id: String,
    visitor_id: Option<String>,
    code: Option<String>,
    session_id: Option<String>,
    method: CheckInMethod,
) -> Result<CheckInOutcome, ErrorBody> {
    let who = target(visitor_id, code);
    scan(&state, &event_id, who, session_id, method, Direction::Out).await
}

/// A visitor id (picked from the results) or else a scanned code.
fn target(visitor_id: Option<String>, code: Option<String>) -> Result<CheckInTarget, Error> {
    match (visitor_id, code) {
        (Some(v), _) => Ok(CheckInTarget::Visitor(v)),
        (None, Some(c)) => Ok(CheckInTarget::Code(c)),
        (None, None) => Err(Error::Required { field: "code" }),
    }
}

/// What check-in and check-out share: the core's one path, its error for the wire.
async fn scan(
    state: &AppState,
    event_id: &str,
    who: Result<CheckInTarget, Error>,
    session_id: Option<String>,
    method: CheckInMethod,
    direction: Direction,
) -> Result<CheckInOutcome, ErrorBody> {
    let who = who.map_err(|e| state.error(e))?;
    let session = session_id.as_deref();
    state
        .escale
        .scan(event_id, who, session, method.into(), direction)
        .await
        .map_err(|e| state.error(e))
}

/// Voids this laptop's latest check-in at the event (or session); returns its id.
#[tauri::command]
pub async fn undo_last(
    state: State<'_, AppState>,
    event_id: String,
    session_id: Option<String>,
) -> Result<String, ErrorBody> {
    state
        .escale
        .undo_last_check_in(&event_id, session_id.as_deref())
        .await
        .map(|id| id.to_string())
        .map_err(|e| state.error(e))
}

#[tauri::command]
pub async fn event_stats(
    state: State<'_, AppState>,
    event_id: String,
) -> Result<EventStats, ErrorBody> {
    state
        .escale
        .stats(&event_id)
        .await
        .map_err(|e| state.error(e))
}
