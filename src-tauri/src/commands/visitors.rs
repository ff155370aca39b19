//! People: walk-in registration, look-alikes, details, edits, merge, the
//! registrations list, and the duplicates proposed after a sync (merged or
//! dismissed by staff).
//!
//! The commands that change people recount the duplicates waiting for
//! review ([`crate::sync::SyncControl::recount_duplicates`]) and publish the
//! sync state, so the status bar's count stays true.

use escale_core::app::{
    DismissedPair, DuplicatePage, MergeResult, RegistrationFilter, RegistrationPage, Similar,
    VisitorDetail, VisitorInput, VisitorView, WalkIn, WalkInResult,
};
use escale_core::fields::Suggestion;
use escale_core::validate::Warning;
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State};
use ts_rs::TS;

use crate::error::ErrorBody;
use crate::state::AppState;
use crate::sync::publish;

/// The edited record, and the values left out of it (invalid email…).
#[derive(Debug, Clone, Serialize, TS)]
pub struct UpdateVisitorResult {
    pub visitor: VisitorView,
    pub warnings: Vec<Warning>,
}

/// Visitor, registration and consents (and the check-in) in one transaction.
#[tauri::command]
pub async fn register_walk_in<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    walk_in: WalkIn,
) -> Result<WalkInResult, ErrorBody> {
    let r = state
        .escale
        .register_walk_in(&walk_in)
        .await
        .map_err(|e| state.error(e))?;
    recount_later(app);
    Ok(r)
}

/// Live records that look like the person being typed ("use this record instead?").
#[tauri::command]
pub async fn similar(
    state: State<'_, AppState>,
    input: VisitorInput,
) -> Result<Vec<Similar>, ErrorBody> {
    state
        .escale
        .similar(&input)
        .await
        .map_err(|e| state.error(e))
}

#[tauri::command]
pub async fn visitor_detail(
    state: State<'_, AppState>,
    id: String,
) -> Result<VisitorDetail, ErrorBody> {
    state
        .escale
        .visitor_detail(&id)
        .await
        .map_err(|e| state.error(e))
}

#[tauri::command]
pub async fn update_visitor<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    input: VisitorInput,
) -> Result<UpdateVisitorResult, ErrorBody> {
    let (visitor, warnings) = state
        .escale
        .update_visitor(&id, &input)
        .await
        .map_err(|e| state.error(e))?;
    recount_later(app);
    Ok(UpdateVisitorResult { visitor, warnings })
}

/// `loser` becomes an alias of `winner`; the duplicates count follows (in
/// the background: the answer does not wait for it).
#[tauri::command]
pub async fn merge_visitors<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    loser: String,
    winner: String,
) -> Result<MergeResult, ErrorBody> {
    let r = state
        .escale
        .merge(&loser, &winner)
        .await
        .map_err(|e| state.error(e))?;
    recount_later(app);
    Ok(r)
}

/// A page of the pairs of records that are probably one person, most
/// certain first (`limit` at most [`escale_core::app::DUPLICATE_PAGE_MAX`]),
/// with how many there are; with an event, only pairs where one side is
/// registered at it.
#[tauri::command]
pub async fn duplicate_candidates(
    state: State<'_, AppState>,
    event_id: Option<String>,
    offset: u32,
    limit: u32,
) -> Result<DuplicatePage, ErrorBody> {
    state
        .escale
        .duplicate_page(event_id.as_deref(), offset as usize, limit as usize)
        .await
        .map_err(|e| state.error(e))
}

/// Staff say the two records are two different people: the pair is not
/// proposed again, on any laptop (the dismissal syncs).
#[tauri::command]
pub async fn not_duplicate<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    a: String,
    b: String,
) -> Result<DismissedPair, ErrorBody> {
    let r = state
        .escale
        .not_duplicate(&a, &b)
        .await
        .map_err(|e| state.error(e))?;
    recount_later(app);
    Ok(r)
}

/// Counts the duplicates waiting for review again, and tells the UI.
async fn recount<R: Runtime>(app: &AppHandle<R>, state: &AppState) {
    if state.sync.recount_duplicates(&state.escale).await {
        publish(app);
    }
}

/// The same in the background: the desk does not wait for it.
pub(crate) fn recount_later<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        recount(&app, &state).await;
    });
}

/// Values to offer while a visitor field is typed (a town from the postcode).
#[tauri::command]
pub async fn suggest_values(
    state: State<'_, AppState>,
    field: String,
    text: String,
    context: VisitorInput,
) -> Result<Vec<Suggestion>, ErrorBody> {
    state
        .escale
        .suggest(&field, &text, &context, 12)
        .map_err(|e| state.error(e))
}

/// One page of the event's people, filtered and sorted.
#[tauri::command]
pub async fn registrations(
    state: State<'_, AppState>,
    event_id: String,
    filter: RegistrationFilter,
) -> Result<RegistrationPage, ErrorBody> {
    state
        .escale
        .registrations(&event_id, &filter)
        .await
        .map_err(|e| state.error(e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::DUPLICATES_MAX;
    use escale_core::app::{ConsentInput, EventInput};

    async fn walk_in(
        state: &AppState,
        event_id: &str,
        first: &str,
        last: &str,
        email: &str,
        check_in: bool,
    ) -> String {
        let w = WalkIn {
            event_id: event_id.to_string(),
            visitor: VisitorInput::default()
                .with("first_name", first)
                .with("last_name", last)
                .with("email", email)
                .with("birth_year", 1990),
            consents: vec![ConsentInput {
                purpose: "processing".into(),
                granted: true,
            }],
            check_in,
        };
        state
            .escale
            .register_walk_in(&w)
            .await
            .unwrap()
            .visitor
            .id
            .to_string()
    }

    #[tokio::test]
    async fn the_duplicates_count_follows_walk_ins_merges_and_dismissals() {
        let tmp = tempfile::tempdir().unwrap();
        let state = AppState::init(crate::launch::LaunchOptions {
            data_dir: tmp.path().to_path_buf(),
        })
        .await
        .unwrap();
        assert!(
            !state.sync.recount_duplicates(&state.escale).await,
            "not set up: nothing to count, no error"
        );
        state.escale.init("Passerelle", "Portable 1").await.unwrap();
        let input = EventInput {
            kind: None,
            title: "Forum emploi".into(),
            place: "Gymnase".into(),
            timezone: None,
            starts_at: "2026-12-03 09:00".into(),
            ends_at: "2026-12-03 17:00".into(),
            series: None,
            coworking: None,
        };
        let ev = state
            .escale
            .create_event(&input)
            .await
            .unwrap()
            .id
            .to_string();
        let elodie = walk_in(
            &state,
            &ev,
            "Élodie",
            "Martin",
            "elodie.martin@example.org",
            true,
        )
        .await;
        let again = walk_in(
            &state,
            &ev,
            "elodie",
            "MARTIN",
            "elodie.martin@example.org",
            false,
        )
        .await;
        let karim = walk_in(&state, &ev, "Karim", "Haddad", "karim.h@example.org", false).await;
        let karim2 = walk_in(&state, &ev, "Karim", "Haddad", "", false).await;

        assert!(state.sync.recount_duplicates(&state.escale).await);
        assert_eq!(state.sync.view(escale_core::Lang::Fr).duplicates, 2);
        assert!(
            !state
                .sync
                .recount_duplicates_if_others_wrote(&state.escale)
                .await,
            "only this laptop wrote since: no recount"
        );

        let pairs = state
            .escale
            .duplicate_review(None, DUPLICATES_MAX)
            .await
            .unwrap();
        let first = pairs[0].clone();
        assert_eq!(
            (first.reason.as_str(), first.score),
            ("name_email", 97),
            "same name, email and birth year"
        );
        let (arrived, other) = if first.a.visitor.id.to_string() == elodie {
            (&first.a, &first.b)
        } else {
            (&first.b, &first.a)
        };
        assert_eq!(other.visitor.id.to_string(), again);
        assert_eq!(
            (arrived.registrations, arrived.arrivals),
            (1, 1),
            "checked in at the walk-in"
        );
        assert_eq!((other.registrations, other.arrivals), (1, 0));
        assert_eq!(arrived.sources, ["desk"]);
        assert_eq!(arrived.last_event.as_deref(), Some("Forum emploi"));

        state.escale.not_duplicate(&karim2, &karim).await.unwrap();
        assert!(state.sync.recount_duplicates(&state.escale).await);
        assert_eq!(
            state.sync.view(escale_core::Lang::En).duplicates,
            1,
            "dismissed: no longer proposed"
        );
        state.escale.merge(&again, &elodie).await.unwrap();
        assert!(state.sync.recount_duplicates(&state.escale).await);
        assert_eq!(
            state.sync.live().duplicates,
            0,
            "merged: nothing left to review"
        );
    }
}
