//! Staff roles and what each may do: the one table every use case of the
//! core checks before it reads or writes (hiding a button is not the
//! control).
//!
//! A use case names the [`Action`] it is; [`Role::allows`] says whether a
//! role may do it. Four roles:
//!
//! - **coordinator**: everything — settings, staff accounts, erasure,
//!   exports of personal data, the audit log, sync set-up;
//! - **mediator**: the desk, walk-ins, the visitor record, lists, imports,
//!   certificates, the mediation log, stations and coworking, reports;
//! - **volunteer**: check-in and walk-ins only — searches the current
//!   event's people, sees no contact details or notes, lists and exports
//!   nothing, edits no one's record;
//! - **kiosk**: what a visitor may do on their own at a self-service screen
//!   (the kiosk issue).

use crate::fields::{l, Choice};
use serde::{Deserialize, Serialize};

/// The closed list of roles, with their labels (the `role` field of a
/// staff account).
pub const ROLES: &[Choice] = &[
    Choice {
        value: "coordinator",
        label: l("Coordination", "Coordinator"),
    },
    Choice {
        value: "mediator",
        label: l("Médiation", "Mediator"),
    },
    Choice {
        value: "volunteer",
        label: l("Bénévole", "Volunteer"),
    },
    Choice {
        value: "kiosk",
        label: l("Borne", "Kiosk"),
    },
];

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Coordinator,
    Mediator,
    Volunteer,
    Kiosk,
}

/// What a use case does, as far as permissions go.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Events and sessions, their counters, the organisation's name and
    /// logo: what every screen needs, nothing about a person.
    ViewEvents,
    /// Check in or out, scan a badge, undo the last check-in, register a
    /// walk-in at the current event.
    CheckIn,
    /// Search the people of one event (registered or arrived there).
    SearchEvent,
    /// Search everyone, look for similar people.
    SearchAll,
    /// Open a person's whole record (contact details, notes, history).
    ViewVisitor,
    /// Change a person's record or consents.
    EditVisitor,
    /// Lists of people: registrations, badges, certificates, duplicates.
    ListPeople,
    /// Merge two records of the same person, dismiss a pair.
    Merge,
    /// Import a registration list.
    Import,
    /// Files of personal data leaving the laptop: exports, bundles,
    /// snapshots.
    ExportPeople,
    /// Erase a person (right to erasure).
    Erase,
    /// Create and change events and sessions.
    ManageEvents,
    /// Issue, print again and revoke certificates and badges.
    Certificates,
    /// Check a certificate's code (anyone may).
    VerifyCertificate,
    /// The mediation log.
    Mediation,
    /// Public computers, the waiting list, prints and coworking passes.
    Stations,
    /// Partner reports and statistics over periods.
    Reports,
    /// The organisation's settings: identity, stations, quotas,
    /// retention, lock delay.
    Settings,
    /// Staff accounts and their roles.
    ManageStaff,
    /// The audit log of access to personal data.
    Audit,
    /// Sync set-up (hub, organisation key, joining, a snapshot or a
    /// bundle brought in) and maintenance (rebuilding the store).
    SyncSetup,
    /// What a visitor does alone at a kiosk.
    SelfService,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::ViewEvents,
        Action::CheckIn,
        Action::SearchEvent,
        Action::SearchAll,
        Action::ViewVisitor,
        Action::EditVisitor,
        Action::ListPeople,
        Action::Merge,
        Action::Import,
        Action::ExportPeople,
        Action::Erase,
        Action::ManageEvents,
        Action::Certificates,
        Action::VerifyCertificate,
        Action::Mediation,
        Action::Stations,
        Action::Reports,
        Action::Settings,
        Action::ManageStaff,
        Action::Audit,
        Action::SyncSetup,
        Action::SelfService,
    ];
}

impl Action {
    /// Its name in codes and files (`check_in`, `export_people`).
    pub fn as_str(self) -> &'static str {
        use Action::*;
        match self {
            ViewEvents => "view_events",
            CheckIn => "check_in",
            SearchEvent => "search_event",
            SearchAll => "search_all",
            ViewVisitor => "view_visitor",
            EditVisitor => "edit_visitor",
            ListPeople => "list_people",
            Merge => "merge",
            Import => "import",
            ExportPeople => "export_people",
            Erase => "erase",
            ManageEvents => "manage_events",
            Certificates => "certificates",
            VerifyCertificate => "verify_certificate",
            Mediation => "mediation",
            Stations => "stations",
            Reports => "reports",
            Settings => "settings",
            ManageStaff => "manage_staff",
            Audit => "audit",
            SyncSetup => "sync_setup",
            SelfService => "self_service",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.as_str() == s)
    }

    /// What the action is, after "may not" ("Le rôle Bénévole ne permet pas
    /// de …").
    pub fn label(self) -> crate::fields::Label {
        use Action::*;
        match self {
            ViewEvents => l("voir les événements", "see the events"),
            CheckIn => l("faire l'accueil", "check people in"),
            SearchEvent => l(
                "chercher une personne de l'événement",
                "search the event's people",
            ),
            SearchAll => l("chercher parmi toutes les personnes", "search everyone"),
            ViewVisitor => l("ouvrir la fiche d'une personne", "open a person's record"),
            EditVisitor => l("modifier la fiche d'une personne", "edit a person's record"),
            ListPeople => l("voir les listes de personnes", "see lists of people"),
            Merge => l("fusionner des doublons", "merge duplicates"),
            Import => l("importer une liste", "import a list"),
            ExportPeople => l("exporter des données personnelles", "export personal data"),
            Erase => l("effacer une personne", "erase a person"),
            ManageEvents => l("modifier les événements", "change events"),
            Certificates => l("délivrer des attestations", "issue certificates"),
            VerifyCertificate => l("vérifier une attestation", "verify a certificate"),
            Mediation => l("tenir le journal de médiation", "keep the mediation log"),
            Stations => l(
                "gérer les postes et le coworking",
                "run the stations and coworking",
            ),
            Reports => l("produire les bilans", "produce reports"),
            Settings => l("changer les réglages", "change the settings"),
            ManageStaff => l("gérer les comptes de l'équipe", "manage staff accounts"),
            Audit => l("consulter le journal des accès", "read the access log"),
            SyncSetup => l("configurer la synchronisation", "set up synchronisation"),
            SelfService => l("utiliser la borne", "use the kiosk"),
        }
    }
}

impl Role {
    pub const ALL: &'static [Role] = &[
        Role::Coordinator,
        Role::Mediator,
        Role::Volunteer,
        Role::Kiosk,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Coordinator => "coordinator",
            Role::Mediator => "mediator",
            Role::Volunteer => "volunteer",
            Role::Kiosk => "kiosk",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.iter().copied().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> crate::fields::Label {
        ROLES
            .iter()
            .find(|c| c.value == self.as_str())
            .map(|c| c.label)
            .unwrap_or(l("?", "?"))
    }

    /// The permission table.
    pub fn allows(self, action: Action) -> bool {
        use Action::*;
        match self {
            Role::Coordinator => action != SelfService,
            Role::Mediator => !matches!(
                action,
                ExportPeople | Erase | Settings | ManageStaff | Audit | SyncSetup | SelfService
            ),
            Role::Volunteer => matches!(
                action,
                ViewEvents | CheckIn | SearchEvent | VerifyCertificate
            ),
            Role::Kiosk => matches!(action, ViewEvents | SelfService | VerifyCertificate),
        }
    }

    /// Whether screens show this role a person's contact details and notes
    /// (the fields that identify or contact someone, beyond the name).
    pub fn sees_contact_details(self) -> bool {
        self.allows(Action::ViewVisitor)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_role_list_and_the_enum_agree() {
        let listed: Vec<&str> = ROLES.iter().map(|c| c.value).collect();
        let named: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(listed, named);
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(*r));
        }
        for a in Action::ALL {
            let serde_name = serde_json::to_value(a).unwrap();
            assert_eq!(serde_name.as_str(), Some(a.as_str()));
            assert_eq!(Action::parse(a.as_str()), Some(*a));
        }
    }

    #[test]
    fn a_volunteer_checks_in_and_nothing_that_lists_or_exports() {
        let v = Role::Volunteer;
        assert!(v.allows(Action::CheckIn) && v.allows(Action::SearchEvent));
        for a in [
            Action::SearchAll,
            Action::ViewVisitor,
            Action::EditVisitor,
            Action::ListPeople,
            Action::ExportPeople,
            Action::Erase,
        ] {
            assert!(!v.allows(a), "{a:?}");
        }
        assert!(!v.sees_contact_details());
    }

    #[test]
    fn only_the_coordinator_erases_exports_and_manages_staff() {
        for a in [
            Action::Erase,
            Action::ExportPeople,
            Action::ManageStaff,
            Action::Audit,
        ] {
            let allowed: Vec<Role> = Role::ALL.iter().copied().filter(|r| r.allows(a)).collect();
            assert_eq!(allowed, vec![Role::Coordinator], "{a:?}");
        }
    }
}
