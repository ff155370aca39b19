//! The core's one error type, with stable codes and French/English messages.
//!
//! Adapters (CLI, desktop, hub) never match on message text: they branch on
//! [`Error::code`] and show [`Error::message`] in the user's language. Only
//! codes a caller can act on exist; everything unexpected is `internal`, and
//! its detail is logged rather than shown.

use crate::i18n::Lang;
use escale_protocol::catalogue::{m, Code, Describe, Msg, Problem};
use escale_protocol::validate::{shorten, InputError};
use uuid::Uuid;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("this data directory has not been initialised")]
    NotInitialised,
    #[error("this data directory is already initialised")]
    AlreadyInitialised,
    #[error("data directory unusable: {0}")]
    DataDir(String),
    #[error("the data directory is read-only")]
    ReadOnly,
    #[error("the disk is full")]
    DiskFull,
    #[error("the store is busy (another program holds it)")]
    Busy,
    #[error("the store file is damaged: {0}")]
    Corrupt(String),
    #[error("{field}: required")]
    Required { field: &'static str },
    #[error("a first name or a last name is required")]
    NameRequired,
    #[error("{field}: too long ({len} characters, limit {max})")]
    TooLong {
        field: &'static str,
        len: usize,
        max: usize,
    },
    #[error("{field}: invalid value {value:?}")]
    Invalid { field: &'static str, value: String },
    #[error("unknown event {0}")]
    EventNotFound(String),
    #[error("unknown session {0}")]
    SessionNotFound(String),
    #[error("unknown visitor {0}")]
    VisitorNotFound(String),
    #[error("visitor {0} was erased")]
    VisitorErased(Uuid),
    #[error("no visitor or ticket matches code {0:?}")]
    UnknownCode(String),
    #[error("a visitor cannot be merged into themselves")]
    MergeSelf,
    #[error("nothing to undo")]
    NothingToUndo,
    #[error("operation {seq} from device {origin} conflicts with a different one already stored (cloned device?)")]
    CloneDetected { origin: Uuid, seq: i64 },
    #[error("import: {0}")]
    Import(#[from] escale_import::ImportError),
    #[error("export failed: {0}")]
    Export(String),
    #[error("internal error: {0}")]
    Internal(String),
    #[error("the peer speaks sync protocol {theirs}, this app speaks {ours}")]
    ProtocolMismatch { theirs: u32, ours: u32 },
    #[error("refused operation: {0}")]
    BadOp(String),
    #[error("this file is not an Escale bundle")]
    BundleNotABundle,
    #[error("the bundle was modified or damaged")]
    BundleTampered,
    #[error("the bundle belongs to another organisation")]
    BundleWrongOrg,
    #[error("the bundle was made by a newer version of Escale (format {0})")]
    BundleTooNew(u16),
    #[error("invalid snapshot: {0}")]
    SnapshotInvalid(String),
    #[error("{name} was not checked in at {event}")]
    CertificateNoAttendance { name: String, event: String },
    #[error("no event belongs to the series {0:?}")]
    SeriesNotFound(String),
    #[error("unknown mediation entry {0}")]
    MediationNotFound(String),
    #[error("unknown station {0}")]
    StationNotFound(String),
    #[error("station {station} is taken by {name}")]
    StationBusy {
        station: String,
        name: String,
        /// The next free station, if any.
        next: Option<String>,
    },
    #[error("no station is free")]
    StationNoneFree,
    #[error("station {0} is out of order")]
    StationOutOfOrder(String),
    #[error("{name} is already on station {station}")]
    StationAlreadySeated { name: String, station: String },
    #[error("unknown station session {0}")]
    StationUseNotFound(String),
    #[error("{name}'s session on {station} has ended")]
    StationUseEnded { name: String, station: String },
    #[error("unknown ticket {0}")]
    TicketNotFound(String),
    #[error("{name} already waits with ticket {ticket}")]
    QueueAlreadyWaiting { name: String, ticket: String },
    #[error("nobody is waiting")]
    QueueEmpty,
    #[error("{name}: {used}/{quota} pages printed today, {pages} more refused")]
    PrintQuotaExceeded {
        name: String,
        used: i64,
        quota: i64,
        pages: i64,
    },
    #[error("unknown coworking pass {0}")]
    PassNotFound(String),
    #[error("no certificate numbered {0}")]
    CertificateNotFound(String),
    #[error("not a certificate code")]
    CertificateMalformed,
    #[error("the certificate's signature does not match")]
    CertificateTampered,
    #[error("the certificate is signed with another key ({0})")]
    CertificateOtherKey(String),
    #[error("certificate {number} was revoked on {on}: {reason}")]
    CertificateRevoked {
        number: String,
        on: String,
        reason: String,
    },
    #[error("locked: no staff member is signed in")]
    Locked,
    #[error("the {role} role may not {action:?}")]
    Forbidden {
        role: escale_protocol::roles::Role,
        action: escale_protocol::roles::Action,
    },
    #[error("wrong name or PIN")]
    WrongPin,
    #[error("too many wrong PINs: wait {0} s")]
    Throttled(u64),
    #[error("a PIN is 4 to 8 digits")]
    PinFormat,
    #[error("no staff member called {0}")]
    StaffNotFound(String),
    #[error("a staff member is already called {0}")]
    StaffNameTaken(String),
    #[error("{0} is the last coordinator")]
    StaffLastCoordinator(String),
    #[error("the first staff account must be a coordinator")]
    StaffFirstCoordinator,
    #[error("the store key is not 64 hexadecimal digits")]
    StoreKeyInvalid,
    #[error("the store is encrypted and no key (or the wrong one) was given")]
    StoreKeyWrong,
    #[error("the store's passphrase is wrong")]
    StorePassphraseWrong,
    #[error("the passphrase is shorter than {0} characters")]
    StorePassphraseShort(usize),
}

impl Error {
    /// Stable machine-readable code, e.g. `event.not_found`.
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    /// The code, from the catalogue's closed set.
    pub fn error_code(&self) -> Code {
        self.describe().code()
    }

    /// The message a person reads, in their language, saying what to do.
    pub fn message(&self, lang: Lang) -> String {
        self.describe().message(lang)
    }
}

impl Describe for Error {
    /// This error as a message of the catalogue and its arguments.
    fn describe(&self) -> Problem {
        use Error::*;
        let p = |msg: &'static Msg| Problem::new(msg);
        match self {
            NotInitialised => p(&m::STORE_NOT_INITIALISED),
            AlreadyInitialised => p(&m::STORE_ALREADY_INITIALISED),
            DataDir(d) => p(&m::STORE_DATA_DIR).arg("detail", d),
            ReadOnly => p(&m::STORE_READ_ONLY),
            DiskFull => p(&m::STORE_DISK_FULL),
            Busy => p(&m::STORE_BUSY),
            Corrupt(d) => p(&m::STORE_CORRUPT).arg("detail", d),
            Required { field } => InputError::Required { field }.describe(),
            NameRequired => InputError::NameRequired.describe(),
            TooLong { field, len, max } => InputError::TooLong {
                field,
                len: *len,
                max: *max,
            }
            .describe(),
            Invalid { field, value } => InputError::Invalid {
                field,
                value: value.clone(),
            }
            .describe(),
            EventNotFound(id) => p(&m::EVENT_NOT_FOUND).arg("id", id),
            SessionNotFound(id) => p(&m::SESSION_NOT_FOUND).arg("id", id),
            VisitorNotFound(id) => p(&m::VISITOR_NOT_FOUND).arg("id", id),
            VisitorErased(_) => p(&m::VISITOR_ERASED),
            UnknownCode(c) => p(&m::CHECKIN_UNKNOWN_CODE).arg("code", shorten(c, 60)),
            MergeSelf => p(&m::MERGE_SAME_VISITOR),
            NothingToUndo => p(&m::CHECKIN_NOTHING_TO_UNDO),
            CloneDetected { origin, seq } => p(&m::SYNC_CLONE_DETECTED)
                .arg("origin", origin)
                .arg("seq", seq),
            Import(e) => e.describe(),
            Export(d) => p(&m::EXPORT_FAILED).arg("detail", d),
            Internal(_) => p(&m::INTERNAL),
            CertificateNoAttendance { name, event } => p(&m::CERTIFICATE_NO_ATTENDANCE)
                .arg("name", name)
                .arg("event", event),
            CertificateNotFound(n) => p(&m::CERTIFICATE_NOT_FOUND).arg("number", n),
            MediationNotFound(id) => p(&m::MEDIATION_NOT_FOUND).arg("id", id),
            StationNotFound(name) => p(&m::STATION_NOT_FOUND).arg("name", shorten(name, 60)),
            StationBusy {
                station,
                name,
                next: Some(next),
            } => p(&m::STATION_BUSY)
                .arg("station", station)
                .arg("name", name)
                .arg("next", next),
            StationBusy {
                station,
                name,
                next: None,
            } => p(&m::STATION_BUSY_LAST)
                .arg("station", station)
                .arg("name", name),
            StationNoneFree => p(&m::STATION_NONE_FREE),
            StationOutOfOrder(station) => p(&m::STATION_OUT_OF_ORDER).arg("station", station),
            StationAlreadySeated { name, station } => p(&m::STATION_ALREADY_SEATED)
                .arg("name", name)
                .arg("station", station),
            StationUseNotFound(id) => p(&m::STATION_USE_NOT_FOUND).arg("id", shorten(id, 60)),
            StationUseEnded { name, station } => p(&m::STATION_USE_ENDED)
                .arg("name", name)
                .arg("station", station),
            TicketNotFound(t) => p(&m::TICKET_NOT_FOUND).arg("ticket", shorten(t, 40)),
            QueueAlreadyWaiting { name, ticket } => p(&m::QUEUE_ALREADY_WAITING)
                .arg("name", name)
                .arg("ticket", ticket),
            QueueEmpty => p(&m::QUEUE_EMPTY),
            PrintQuotaExceeded {
                name,
                used,
                quota,
                pages,
            } => p(&m::PRINT_QUOTA_EXCEEDED)
                .arg("name", name)
                .arg("used", used)
                .arg("quota", quota)
                .arg("pages", pages),
            PassNotFound(id) => p(&m::PASS_NOT_FOUND).arg("id", shorten(id, 60)),
            Locked => p(&m::AUTH_LOCKED),
            Forbidden { role, action } => p(&m::AUTH_FORBIDDEN)
                .arg("role", role.as_str())
                .arg("action", action.as_str()),
            WrongPin => p(&m::AUTH_WRONG_PIN),
            Throttled(s) => p(&m::AUTH_THROTTLED).arg("seconds", s),
            PinFormat => p(&m::AUTH_PIN_FORMAT),
            StaffNotFound(n) => p(&m::STAFF_NOT_FOUND).arg("name", shorten(n, 60)),
            StaffNameTaken(n) => p(&m::STAFF_NAME_TAKEN).arg("name", shorten(n, 60)),
            StaffLastCoordinator(n) => p(&m::STAFF_LAST_COORDINATOR).arg("name", n),
            StaffFirstCoordinator => p(&m::STAFF_FIRST_COORDINATOR),
            StoreKeyInvalid => p(&m::STORE_KEY_INVALID),
            StoreKeyWrong => p(&m::STORE_KEY_WRONG),
            StorePassphraseWrong => p(&m::STORE_PASSPHRASE_WRONG),
            StorePassphraseShort(min) => p(&m::STORE_PASSPHRASE_SHORT).arg("min", min.to_string()),
            SeriesNotFound(name) => p(&m::SERIES_NOT_FOUND).arg("name", shorten(name, 60)),
            CertificateMalformed => p(&m::CERTIFICATE_MALFORMED),
            CertificateTampered => p(&m::CERTIFICATE_TAMPERED),
            CertificateOtherKey(k) => p(&m::CERTIFICATE_OTHER_KEY).arg("key_id", k),
            CertificateRevoked { number, on, reason } => p(&m::CERTIFICATE_REVOKED)
                .arg("number", number)
                .arg("date", on)
                .arg("reason", reason),
            ProtocolMismatch { theirs, ours } => p(if theirs < ours {
                &m::SYNC_PROTOCOL_TOO_OLD
            } else {
                &m::SYNC_PROTOCOL_TOO_NEW
            })
            .arg("theirs", theirs)
            .arg("ours", ours),
            BadOp(d) => p(&m::SYNC_BAD_OP).arg("detail", shorten(d, 60)),
            BundleNotABundle => p(&m::BUNDLE_NOT_A_BUNDLE),
            BundleTampered => p(&m::BUNDLE_TAMPERED),
            BundleWrongOrg => p(&m::BUNDLE_WRONG_ORG),
            BundleTooNew(_) => p(&m::BUNDLE_TOO_NEW),
            SnapshotInvalid(d) => p(&m::SNAPSHOT_INVALID).arg("detail", shorten(d, 60)),
        }
    }
}

/// SQLite primary result codes we translate (the extended code's low byte).
const SQLITE_BUSY: i32 = 5;
const SQLITE_LOCKED: i32 = 6;
const SQLITE_READONLY: i32 = 8;
const SQLITE_IOERR: i32 = 10;
const SQLITE_CORRUPT: i32 = 11;
const SQLITE_FULL: i32 = 13;
const SQLITE_CANTOPEN: i32 = 14;
const SQLITE_NOTADB: i32 = 26;

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            if let Some(code) = db.code().and_then(|c| c.parse::<i32>().ok()) {
                return match code & 0xff {
                    SQLITE_BUSY | SQLITE_LOCKED => Error::Busy,
                    SQLITE_READONLY => Error::ReadOnly,
                    SQLITE_FULL => Error::DiskFull,
                    SQLITE_CORRUPT | SQLITE_NOTADB => Error::Corrupt(db.message().to_string()),
                    SQLITE_CANTOPEN => Error::DataDir(db.message().to_string()),
                    SQLITE_IOERR if db.message().contains("disk") => Error::DiskFull,
                    _ => Error::Internal(e.to_string()),
                };
            }
        }
        if let sqlx::Error::Io(io) = &e {
            return io_error(io);
        }
        Error::Internal(e.to_string())
    }
}

impl From<sqlx::migrate::MigrateError> for Error {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        match e {
            sqlx::migrate::MigrateError::Execute(inner) => inner.into(),
            other => Error::Internal(other.to_string()),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        io_error(&e)
    }
}

fn io_error(e: &std::io::Error) -> Error {
    use std::io::ErrorKind::*;
    match e.kind() {
        PermissionDenied | ReadOnlyFilesystem => Error::ReadOnly,
        StorageFull => Error::DiskFull,
        _ => Error::Internal(e.to_string()),
    }
}

impl From<escale_protocol::validate::InputError> for Error {
    fn from(e: escale_protocol::validate::InputError) -> Self {
        use escale_protocol::validate::InputError as I;
        match e {
            I::Required { field } => Error::Required { field },
            I::NameRequired => Error::NameRequired,
            I::TooLong { field, len, max } => Error::TooLong { field, len, max },
            I::Invalid { field, value } => Error::Invalid { field, value },
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Internal(format!("json: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_a_french_and_an_english_message_that_differ() {
        let samples = [
            Error::NotInitialised,
            Error::ReadOnly,
            Error::DiskFull,
            Error::NameRequired,
            Error::TooLong {
                field: "first_name",
                len: 10_000,
                max: 100,
            },
            Error::Invalid {
                field: "email",
                value: "x".repeat(500),
            },
            Error::EventNotFound("42".into()),
            Error::UnknownCode("ABC".into()),
            Error::Import(escale_import::ImportError::NotASpreadsheet),
            Error::ProtocolMismatch { theirs: 0, ours: 1 },
            Error::ProtocolMismatch { theirs: 2, ours: 1 },
            Error::BadOp("seq must be ≥ 1".into()),
            Error::BundleNotABundle,
            Error::BundleTampered,
            Error::BundleWrongOrg,
            Error::BundleTooNew(2),
            Error::SnapshotInvalid("x".into()),
        ];
        for e in samples {
            let (fr, en) = (e.message(Lang::Fr), e.message(Lang::En));
            assert_ne!(fr, en, "{} must be translated", e.code());
            assert!(
                fr.len() < 400,
                "messages stay short even for absurd input: {fr}"
            );
        }
    }

    #[test]
    fn codes_are_stable_dotted_names() {
        assert_eq!(Error::EventNotFound("x".into()).code(), "event.not_found");
        assert_eq!(Error::DiskFull.code(), "store.disk_full");
        assert_eq!(
            Error::Import(escale_import::ImportError::Empty).code(),
            "import.empty"
        );
    }
}
