//! Public computers, the waiting list, the print quota and the coworking
//! space, run from the desk (`escale_core::app::stations`, `queue`,
//! `prints`, `cowork`).

use escale_core::app::{
    AssignInput, Board, Coworker, EndedUse, JoinInput, Moved, Occupancy, PassInput, PassView,
    PrintQuota, Skipped, StationInput, StationSettings, StationView, TicketView, UseView,
};
use tauri::State;

use crate::error::ErrorBody;
use crate::state::AppState;

macro_rules! call {
    ($state:ident, $e:expr) => {
        $e.await.map_err(|e| $state.error(e))
    };
}

/// The station board: stations, who is on them, the waiting list.
#[tauri::command]
pub async fn station_board(state: State<'_, AppState>) -> Result<Board, ErrorBody> {
    call!(state, state.escale.board())
}

#[tauri::command]
pub async fn add_station(
    state: State<'_, AppState>,
    input: StationInput,
) -> Result<StationView, ErrorBody> {
    call!(state, state.escale.add_station(&input))
}

#[tauri::command]
pub async fn update_station(
    state: State<'_, AppState>,
    station: String,
    input: StationInput,
) -> Result<StationView, ErrorBody> {
    call!(state, state.escale.update_station(&station, &input))
}

#[tauri::command]
pub async fn set_station_out_of_order(
    state: State<'_, AppState>,
    station: String,
    out: bool,
) -> Result<StationView, ErrorBody> {
    call!(state, state.escale.set_station_out_of_order(&station, out))
}

#[tauri::command]
pub async fn retire_station(state: State<'_, AppState>, station: String) -> Result<(), ErrorBody> {
    call!(state, state.escale.retire_station(&station))
}

/// Gives a person a station (the first free one when none is named).
#[tauri::command]
pub async fn assign_station(
    state: State<'_, AppState>,
    input: AssignInput,
) -> Result<UseView, ErrorBody> {
    call!(state, state.escale.assign_station(&input))
}

#[tauri::command]
pub async fn extend_station_use(
    state: State<'_, AppState>,
    id: String,
    minutes: Option<i64>,
) -> Result<UseView, ErrorBody> {
    call!(state, state.escale.extend_station_use(&id, minutes))
}

/// Ends a session; says what the mediation entry is pre-filled with.
#[tauri::command]
pub async fn end_station_use(
    state: State<'_, AppState>,
    id: String,
) -> Result<EndedUse, ErrorBody> {
    call!(state, state.escale.end_station_use(&id))
}

#[tauri::command]
pub async fn move_station_use(
    state: State<'_, AppState>,
    id: String,
    to: Option<String>,
) -> Result<UseView, ErrorBody> {
    call!(state, state.escale.move_station_use(&id, to.as_deref()))
}

/// Moves this laptop's sessions that another laptop's earlier assignment displaced.
#[tauri::command]
pub async fn settle_stations(state: State<'_, AppState>) -> Result<Vec<Moved>, ErrorBody> {
    call!(state, state.escale.settle_stations())
}

#[tauri::command]
pub async fn join_queue(
    state: State<'_, AppState>,
    input: JoinInput,
) -> Result<TicketView, ErrorBody> {
    call!(state, state.escale.join_queue(&input))
}

#[tauri::command]
pub async fn call_next(state: State<'_, AppState>) -> Result<TicketView, ErrorBody> {
    call!(state, state.escale.call_next())
}

#[tauri::command]
pub async fn skip_ticket(state: State<'_, AppState>, ticket: String) -> Result<Skipped, ErrorBody> {
    call!(state, state.escale.skip_ticket(&ticket))
}

#[tauri::command]
pub async fn leave_queue(
    state: State<'_, AppState>,
    ticket: String,
) -> Result<TicketView, ErrorBody> {
    call!(state, state.escale.leave_queue(&ticket))
}

#[tauri::command]
pub async fn print_quota(
    state: State<'_, AppState>,
    visitor_id: String,
) -> Result<PrintQuota, ErrorBody> {
    call!(state, state.escale.print_quota(&visitor_id))
}

#[tauri::command]
pub async fn record_print(
    state: State<'_, AppState>,
    visitor_id: String,
    pages: i64,
) -> Result<PrintQuota, ErrorBody> {
    call!(state, state.escale.record_print(&visitor_id, pages))
}

/// Prints a person's own PDF within their quota; its pages are counted.
#[tauri::command]
pub async fn print_document(
    state: State<'_, AppState>,
    visitor_id: String,
    path: String,
    printer: String,
    copies: u32,
) -> Result<escale_print::document::DocumentPrinted, ErrorBody> {
    escale_print::document::print_for(
        &state.escale,
        &visitor_id,
        std::path::Path::new(&path),
        &printer,
        copies,
    )
    .await
    .map_err(|e| match e {
        escale_print::document::DocumentError::Core(e) => state.error(e),
        other => ErrorBody::of_problem(
            &escale_protocol::catalogue::Describe::describe(&other),
            None,
            state.lang(),
        ),
    })
}

#[tauri::command]
pub async fn grant_pages(
    state: State<'_, AppState>,
    visitor_id: String,
    pages: i64,
) -> Result<PrintQuota, ErrorBody> {
    call!(state, state.escale.grant_pages(&visitor_id, pages))
}

#[tauri::command]
pub async fn station_settings(state: State<'_, AppState>) -> Result<StationSettings, ErrorBody> {
    call!(state, state.escale.station_settings())
}

#[tauri::command]
pub async fn set_station_settings(
    state: State<'_, AppState>,
    settings: StationSettings,
) -> Result<StationSettings, ErrorBody> {
    call!(state, state.escale.set_station_settings(&settings))
}

#[tauri::command]
pub async fn coworker(
    state: State<'_, AppState>,
    visitor_id: String,
) -> Result<Coworker, ErrorBody> {
    call!(state, state.escale.coworker(&visitor_id))
}

#[tauri::command]
pub async fn add_pass(state: State<'_, AppState>, input: PassInput) -> Result<PassView, ErrorBody> {
    call!(state, state.escale.add_pass(&input))
}

#[tauri::command]
pub async fn delete_pass(state: State<'_, AppState>, id: String) -> Result<(), ErrorBody> {
    call!(state, state.escale.delete_pass(&id))
}

#[tauri::command]
pub async fn cowork_occupancy(state: State<'_, AppState>) -> Result<Occupancy, ErrorBody> {
    call!(state, state.escale.cowork_occupancy())
}
