//! The domain vocabulary: the record kinds that carry last-writer-wins
//! fields, and the closed enums (event kinds, situations, check-in
//! directions, registration kinds).
//!
//! The fields of each record kind are in the registry ([`crate::fields`]),
//! shared by the fold (which type-checks incoming fields), the store (which
//! maps fields to columns) and the adapters. Adding a field means adding it
//! there and in a migration.

use crate::fields::Field;
use serde::{Deserialize, Serialize};

/// Records whose scalar fields are merged per field by last-writer-wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Org,
    Device,
    Event,
    Session,
    Visitor,
    Registration,
    Certificate,
    Mediation,
    Station,
    StationUse,
    Ticket,
    PrintJob,
    CoworkPass,
    Staff,
    Audit,
}

impl Entity {
    pub const ALL: [Entity; 15] = [
        Entity::Org,
        Entity::Device,
        Entity::Event,
        Entity::Session,
        Entity::Visitor,
        Entity::Registration,
        Entity::Certificate,
        Entity::Mediation,
        Entity::Station,
        Entity::StationUse,
        Entity::Ticket,
        Entity::PrintJob,
        Entity::CoworkPass,
        Entity::Staff,
        Entity::Audit,
    ];

    /// The record kind's fields, from the registry ([`crate::fields`]).
    pub fn fields(self) -> &'static [Field] {
        crate::fields::of(self)
    }

    pub fn field(self, name: &str) -> Option<&'static Field> {
        crate::fields::get(self, name)
    }

    /// The SQL table holding this record kind.
    pub fn table(self) -> &'static str {
        match self {
            Entity::Org => "org",
            Entity::Device => "device",
            Entity::Event => "event",
            Entity::Session => "session",
            Entity::Visitor => "visitor",
            Entity::Registration => "registration",
            Entity::Certificate => "certificate",
            Entity::Mediation => "mediation",
            Entity::Station => "station",
            Entity::StationUse => "station_use",
            Entity::Ticket => "ticket",
            Entity::PrintJob => "print_job",
            Entity::CoworkPass => "cowork_pass",
            Entity::Staff => "staff",
            Entity::Audit => "audit",
        }
    }

    /// Fields that say who a record is about, on record kinds that stay as
    /// anonymous facts when that person is erased (the mediation log, time
    /// on a public computer, the waiting list, pages printed, coworking
    /// passes, the audit log). They travel together in one op whose subject is the person,
    /// apart from the facts: an erasure drops that op and keeps the rest.
    pub fn identity_fields(self) -> &'static [&'static str] {
        match self {
            Entity::Mediation => crate::fields::MEDIATION_IDENTITY,
            Entity::StationUse
            | Entity::Ticket
            | Entity::PrintJob
            | Entity::CoworkPass
            | Entity::Audit => &["visitor_id"],
            _ => &[],
        }
    }

    /// Fields every op on this record must carry (immutable references).
    pub fn required_refs(self) -> &'static [&'static str] {
        match self {
            Entity::Session => &["event_id"],
            Entity::Registration => &["event_id", "visitor_id"],
            Entity::Certificate => &["visitor_id"],
            _ => &[],
        }
    }
}

macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = ();
            fn from_str(s: &str) -> Result<Self, ()> {
                match s { $($text => Ok($name::$variant),)+ _ => Err(()) }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(
    /// What kind of event a stand is.
    #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
    EventKind {
        Fair = "fair",
        Workshop = "workshop",
        InfoDay = "info_day",
        JobcampSeries = "jobcamp_series",
        Other = "other",
    }
);

text_enum!(
    /// A visitor's professional situation.
    #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
    Situation {
        JobSeeker = "job_seeker",
        Employed = "employed",
        SelfEmployed = "self_employed",
        CompanyFounder = "company_founder",
        Student = "student",
        Other = "other",
    }
);

text_enum!(
    /// Check-in or check-out.
    Direction {
        In = "in",
        Out = "out",
    }
);

text_enum!(
    /// How a person came to be registered for an event.
    #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
    RegistrationKind {
        Pre = "pre",
        WalkIn = "walk_in",
    }
);

text_enum!(
    /// How a check-in was made (kept on the fact for the audit trail).
    Method {
        Search = "search",
        Scan = "scan",
        Kiosk = "kiosk",
        Cli = "cli",
    }
);

impl Situation {
    pub fn label(self, lang: crate::Lang) -> &'static str {
        crate::fields::SITUATIONS
            .iter()
            .find(|c| c.value == self.as_str())
            .map_or(self.as_str(), |c| c.label.get(lang))
    }
}

/// Registration status: cancelled registrations stay as records (the
/// history matters) but are not expected at the event.
pub const REG_ACTIVE: &str = "active";
pub const REG_CANCELLED: &str = "cancelled";

/// The consent every registration requires: processing the person's data to
/// run the event.
pub const CONSENT_PROCESSING: &str = "processing";
pub const CONSENT_WORDING_VERSION: &str = "2026-11";
