//! The domain vocabulary: the record kinds that carry last-writer-wins fields,
//! their field schemas, and the closed enums (event kinds, situations,
//! check-in directions, registration kinds).
//!
//! The schema here is shared by the fold (which validates incoming fields),
//! the store (which maps fields to columns) and the adapters. Adding a field
//! means adding it here and in a migration.

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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Text,
    Int,
    Bool,
}

pub struct FieldDef {
    pub name: &'static str,
    pub ty: FieldType,
}

const fn t(name: &'static str) -> FieldDef {
    FieldDef {
        name,
        ty: FieldType::Text,
    }
}
const fn i(name: &'static str) -> FieldDef {
    FieldDef {
        name,
        ty: FieldType::Int,
    }
}
const fn b(name: &'static str) -> FieldDef {
    FieldDef {
        name,
        ty: FieldType::Bool,
    }
}

const ORG: &[FieldDef] = &[t("name")];
const DEVICE: &[FieldDef] = &[t("name")];
const EVENT: &[FieldDef] = &[
    t("kind"),
    t("title"),
    t("place"),
    t("timezone"),
    t("starts_at"),
    t("ends_at"),
    t("series"),
    b("archived"),
];
const SESSION: &[FieldDef] = &[
    t("event_id"),
    t("title"),
    t("room"),
    t("starts_at"),
    t("ends_at"),
    i("capacity"),
    b("archived"),
];
const VISITOR: &[FieldDef] = &[
    t("first_name"),
    t("last_name"),
    t("email"),
    t("phone"),
    t("postcode"),
    i("birth_year"),
    t("situation"),
    t("employment_id"),
    t("notes"),
    t("badge_code"),
];
const REGISTRATION: &[FieldDef] = &[
    t("event_id"),
    t("visitor_id"),
    t("kind"),
    t("source"),
    t("source_key"),
    t("ticket_code"),
    t("status"),
    t("registered_at"),
];

impl Entity {
    pub const ALL: [Entity; 6] = [
        Entity::Org,
        Entity::Device,
        Entity::Event,
        Entity::Session,
        Entity::Visitor,
        Entity::Registration,
    ];

    pub fn fields(self) -> &'static [FieldDef] {
        match self {
            Entity::Org => ORG,
            Entity::Device => DEVICE,
            Entity::Event => EVENT,
            Entity::Session => SESSION,
            Entity::Visitor => VISITOR,
            Entity::Registration => REGISTRATION,
        }
    }

    pub fn field(self, name: &str) -> Option<&'static FieldDef> {
        self.fields().iter().find(|f| f.name == name)
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
        }
    }

    /// Fields every op on this record must carry (immutable references).
    pub fn required_refs(self) -> &'static [&'static str] {
        match self {
            Entity::Session => &["event_id"],
            Entity::Registration => &["event_id", "visitor_id"],
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
        use Situation::*;
        match (self, lang) {
            (JobSeeker, crate::Lang::Fr) => "Demandeur·se d'emploi",
            (JobSeeker, crate::Lang::En) => "Job seeker",
            (Employed, crate::Lang::Fr) => "Salarié·e",
            (Employed, crate::Lang::En) => "Employed",
            (SelfEmployed, crate::Lang::Fr) => "Indépendant·e",
            (SelfEmployed, crate::Lang::En) => "Self-employed",
            (CompanyFounder, crate::Lang::Fr) => "Créateur·rice d'entreprise",
            (CompanyFounder, crate::Lang::En) => "Company founder",
            (Student, crate::Lang::Fr) => "Étudiant·e",
            (Student, crate::Lang::En) => "Student",
            (Other, crate::Lang::Fr) => "Autre",
            (Other, crate::Lang::En) => "Other",
        }
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
