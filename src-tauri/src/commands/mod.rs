//! Tauri commands, one file per domain. Each command is a few lines: take the
//! state, call the core, convert the error ([`crate::error::ErrorBody`]). No
//! business rules here.
//!
//! [`NAMES`] and [`handler`] come from one list, so the names a test compares
//! with `ui/src/lib/backend/commands.ts` are exactly the registered ones.
//! [`EVENTS`] lists what the app emits to the UI (generated for TypeScript
//! as `EventName`, and forwarded by the UI's test bridge).

pub mod app;
pub mod certificates;
pub mod desk;
pub mod events;
pub mod exports;
pub mod imports;
pub mod peer;
pub mod privacy;
pub mod reports;
pub mod setup;
pub mod staff;
pub mod stations;
pub mod sync;
pub mod visitors;

/// Every event the app emits to the UI.
pub const EVENTS: &[&str] = &[
    crate::sync::STATUS_EVENT,
    crate::sync::DATA_CHANGED_EVENT,
    crate::sync::STATIONS_MOVED_EVENT,
    imports::PROGRESS_EVENT,
    crate::jobs::PROGRESS_EVENT,
    peer::PEER_EVENT,
    sync::CLOSE_EVENT,
];

macro_rules! commands {
    ($($module:ident :: $name:ident),* $(,)?) => {
        /// Every command the UI may invoke.
        pub const NAMES: &[&str] = &[$(stringify!($name)),*];

        /// The invoke handler registering every command of [`NAMES`].
        pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($module::$name),*]
        }
    };
}

commands![
    app::status,
    app::set_language,
    staff::lock_state,
    staff::unlock,
    staff::unlock_badge,
    staff::lock,
    staff::touch,
    staff::add_staff,
    staff::update_staff,
    staff::staff_list,
    staff::set_lock_minutes,
    privacy::audit_log,
    privacy::export_audit,
    privacy::audit_retention_days,
    privacy::set_audit_retention_days,
    privacy::export_visitor_data,
    privacy::set_consent,
    privacy::erase_visitor,
    privacy::anonymise_visitor,
    privacy::retention_preview,
    privacy::set_retention,
    privacy::anonymise_due,
    setup::first_run,
    setup::load_demo,
    setup::archive_event,
    events::list_events,
    events::get_event,
    events::create_event,
    events::update_event,
    events::list_sessions,
    events::add_session,
    events::update_session,
    desk::search,
    desk::check_in,
    desk::check_out,
    desk::undo_last,
    desk::event_stats,
    visitors::register_walk_in,
    visitors::similar,
    visitors::suggest_values,
    visitors::visitor_detail,
    visitors::update_visitor,
    visitors::merge_visitors,
    visitors::duplicate_candidates,
    visitors::not_duplicate,
    visitors::registrations,
    imports::import_preview,
    imports::import_commit,
    exports::export_event,
    certificates::certificate_preview,
    certificates::print_certificates,
    certificates::cancel_job,
    certificates::save_certificates,
    certificates::print_badges,
    certificates::save_badges,
    certificates::list_printers,
    certificates::org_identity,
    certificates::set_org_identity,
    certificates::set_org_image,
    certificates::set_event_certificate,
    sync::sync_status,
    sync::sync_enroll,
    sync::read_enrolment_link,
    sync::sync_now,
    sync::quit_app,
    peer::peer_share_start,
    peer::peer_share_stop,
    peer::peer_join,
    peer::stand_set_enabled,
    reports::add_mediation,
    reports::list_mediations,
    reports::delete_mediation,
    reports::report,
    reports::save_report,
    stations::station_board,
    stations::add_station,
    stations::update_station,
    stations::set_station_out_of_order,
    stations::retire_station,
    stations::assign_station,
    stations::extend_station_use,
    stations::end_station_use,
    stations::move_station_use,
    stations::settle_stations,
    stations::join_queue,
    stations::call_next,
    stations::skip_ticket,
    stations::leave_queue,
    stations::print_quota,
    stations::record_print,
    stations::grant_pages,
    stations::print_document,
    stations::station_settings,
    stations::set_station_settings,
    stations::coworker,
    stations::add_pass,
    stations::delete_pass,
    stations::cowork_occupancy,
];
