//! What the status bar and the sync screen show: the live sync state
//! ([`Live`]), kept by the shared control, and its view in the UI's
//! language ([`SyncView`], the `sync-status` event's payload). Pure data:
//! no store, no network, no Tauri.

use escale_core::Lang;
use escale_sync::hub::{SyncError, SyncStatus};
use escale_sync::peer::StandView;
use serde::Serialize;
use ts_rs::TS;

use crate::error::ErrorBody;

/// A clock further off the hub's than this gets a warning (times of
/// check-ins are this laptop's).
pub const SKEW_WARN_MS: i64 = 5 * 60 * 1000;
/// Duplicate pairs a whole review returns at most (the desk's review pages
/// through them: `duplicate_candidates`; the count has no cap).
pub const DUPLICATES_MAX: usize = 1_000;

/// What the status bar and the sync screen show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SyncView {
    /// Enrolled with a hub (else the app works alone, which is fine).
    pub enrolled: bool,
    pub hub_url: Option<String>,
    /// The organisation's name on the hub.
    pub org_name: Option<String>,
    /// The hub answered the latest attempt.
    pub online: bool,
    /// A sync is running now.
    pub syncing: bool,
    /// Milliseconds since the epoch of the last successful sync.
    pub last_success_ms: Option<i64>,
    /// Milliseconds since the epoch of the latest attempt.
    pub last_attempt_ms: Option<i64>,
    /// Operations this laptop holds that the hub does not have yet.
    pub unsynced_ops: i64,
    /// The hub's clock minus this laptop's (ms), at the last sync.
    pub skew_ms: Option<i64>,
    /// |skew| is above [`SKEW_WARN_MS`]: the UI warns.
    pub clock_off: bool,
    /// Why the latest attempt failed, in the UI's language.
    pub error: Option<ErrorBody>,
    /// Pairs of records that are probably one person (typically registered
    /// on two laptops), waiting for staff to merge or dismiss them; counted
    /// again after a merge, a dismissal, a walk-in or other laptops'
    /// operations.
    pub duplicates: i64,
    /// The link dropped often at the last sync: it sends in small batches
    /// ("connexion instable").
    pub unstable_link: bool,
    /// Live sync with the stand's other laptops is on (the sync screen's
    /// switch; `ESCALE_STAND=off` turns it off for a run).
    pub stand_enabled: bool,
    /// The stand's other laptops as this one sees them ("Sur le stand : 2
    /// autres ordinateurs").
    pub stand: StandView,
    /// Bumped on every change of the live state: the command answers and
    /// the `sync-status` events travel apart and may arrive out of order, so
    /// the UI keeps the view with the highest revision.
    pub revision: i64,
}

/// A failed attempt, kept in both languages so that switching the UI's
/// language translates it too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Problem {
    fr: ErrorBody,
    en: ErrorBody,
}

/// The live sync state (one per app).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Live {
    pub enrolled: bool,
    pub hub_url: Option<String>,
    pub org_name: Option<String>,
    pub online: bool,
    pub syncing: bool,
    pub last_success_ms: Option<i64>,
    pub last_attempt_ms: Option<i64>,
    pub unsynced_ops: i64,
    pub skew_ms: Option<i64>,
    /// Duplicate pairs waiting for review ([`super::SyncControl::recount_duplicates`]).
    pub duplicates: i64,
    /// See [`SyncView::unstable_link`].
    pub unstable_link: bool,
    /// See [`SyncView::stand_enabled`].
    pub stand_enabled: bool,
    /// See [`SyncView::stand`].
    pub stand: StandView,
    pub(super) problem: Option<Problem>,
    /// Attempts started and finished (a "sync now" waits for the next one).
    pub runs_started: u64,
    pub runs_finished: u64,
    /// Changes so far ([`SyncView::revision`]).
    pub revision: i64,
}

impl Live {
    pub fn view(&self, lang: Lang) -> SyncView {
        SyncView {
            enrolled: self.enrolled,
            hub_url: self.hub_url.clone(),
            org_name: self.org_name.clone(),
            online: self.online,
            syncing: self.syncing,
            last_success_ms: self.last_success_ms,
            last_attempt_ms: self.last_attempt_ms,
            unsynced_ops: self.unsynced_ops,
            skew_ms: self.skew_ms,
            clock_off: self.skew_ms.is_some_and(|s| s.abs() > SKEW_WARN_MS),
            error: self.problem.as_ref().map(|p| {
                if lang == Lang::Fr {
                    p.fr.clone()
                } else {
                    p.en.clone()
                }
            }),
            duplicates: self.duplicates,
            unstable_link: self.unstable_link,
            stand_enabled: self.stand_enabled,
            stand: self.stand.clone(),
            revision: self.revision,
        }
    }

    /// The error of a failed attempt (`None` clears it).
    pub fn set_error(&mut self, error: Option<&SyncError>) {
        self.problem = error.map(|e| Problem {
            fr: ErrorBody::of_sync(e, Lang::Fr),
            en: ErrorBody::of_sync(e, Lang::En),
        });
    }

    /// What the store says (binding, last sync, unsynced count), without
    /// asking the hub.
    pub(super) fn absorb(&mut self, s: &SyncStatus) {
        self.enrolled = s.enrolled;
        self.hub_url = s.hub_url.clone();
        self.org_name = s.org_name.clone();
        self.last_success_ms = s.last_success_ms;
        self.skew_ms = s.skew_ms;
        self.unstable_link = s.unstable_link;
        if s.enrolled {
            self.unsynced_ops = s.unsynced_ops;
        } else {
            self.unsynced_ops = 0;
            self.online = false;
            self.problem = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_translates_the_error_and_flags_a_clock_far_off() {
        let mut live = Live {
            enrolled: true,
            skew_ms: Some(3 * 3600 * 1000),
            ..Live::default()
        };
        live.set_error(Some(&SyncError::NotEnrolled));
        let fr = live.view(Lang::Fr);
        let en = live.view(Lang::En);
        assert!(fr.clock_off, "3 hours off is worth a warning");
        assert_ne!(
            fr.error.as_ref().unwrap().message,
            en.error.as_ref().unwrap().message
        );
        assert_eq!(
            fr.error.unwrap().code,
            crate::error::ErrorCode::SyncNotEnrolled
        );
        live.skew_ms = Some(-SKEW_WARN_MS);
        assert!(
            !live.view(Lang::Fr).clock_off,
            "5 minutes exactly is tolerated"
        );
    }
}
