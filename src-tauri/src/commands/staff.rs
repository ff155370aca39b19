//! Staff accounts and the lock: what the lock screen offers, unlocking by
//! name and PIN or by a staff badge, locking, keeping a session alive while
//! someone works, and the coordinator's management of the accounts. The
//! rules (who may do what, PINs, throttling, the idle lock) are the core's
//! (`escale_core::app::staff`); the UI mirrors the role table only to hide
//! what a role cannot use.

use escale_core::app::{LockState, SignedIn, StaffChange, StaffInput, StaffView};
use tauri::State;

use crate::error::ErrorBody;
use crate::state::AppState;

/// Whether the app is locked, whether the first account is still to be
/// created, and the names the lock screen offers (no visitor's).
#[tauri::command]
pub async fn lock_state(state: State<'_, AppState>) -> Result<LockState, ErrorBody> {
    state.escale.lock_state().await.map_err(|e| state.error(e))
}

/// Unlocks with a staff member's name and PIN (wrong tries are throttled).
#[tauri::command]
pub async fn unlock(
    state: State<'_, AppState>,
    name: String,
    pin: String,
) -> Result<SignedIn, ErrorBody> {
    state
        .escale
        .unlock(&name, &pin)
        .await
        .map_err(|e| state.error(e))
}

/// Unlocks with the code of a staff badge, as the scanner typed it.
#[tauri::command]
pub async fn unlock_badge(state: State<'_, AppState>, code: String) -> Result<SignedIn, ErrorBody> {
    state
        .escale
        .unlock_badge(&code)
        .await
        .map_err(|e| state.error(e))
}

/// Locks at once: nobody is signed in until the next unlock.
#[tauri::command]
pub fn lock(state: State<'_, AppState>) {
    state.escale.lock();
}

/// Someone is at the keyboard: pushes the core's idle lock back. `false`
/// when nobody is signed in any more (the idle lock fired): the UI locks.
#[tauri::command]
pub fn touch(state: State<'_, AppState>) -> bool {
    state.escale.touch()
}

/// Creates an account (the first one, a coordinator's, signs its owner in).
#[tauri::command]
pub async fn add_staff(
    state: State<'_, AppState>,
    input: StaffInput,
) -> Result<StaffView, ErrorBody> {
    state
        .escale
        .add_staff(&input)
        .await
        .map_err(|e| state.error(e))
}

/// Changes an account, found by its id or its name.
#[tauri::command]
pub async fn update_staff(
    state: State<'_, AppState>,
    staff: String,
    change: StaffChange,
) -> Result<StaffView, ErrorBody> {
    state
        .escale
        .update_staff(&staff, &change)
        .await
        .map_err(|e| state.error(e))
}

/// Every account, active ones first (coordinators only).
#[tauri::command]
pub async fn staff_list(state: State<'_, AppState>) -> Result<Vec<StaffView>, ErrorBody> {
    state.escale.staff().await.map_err(|e| state.error(e))
}

/// The idle delay before every laptop of the organisation locks itself
/// (1 to 240 minutes; a coordinator's setting); returns it.
#[tauri::command]
pub async fn set_lock_minutes(state: State<'_, AppState>, minutes: i64) -> Result<i64, ErrorBody> {
    state
        .escale
        .set_lock_minutes(minutes)
        .await
        .map_err(|e| state.error(e))
}
