//! How an error crosses to the UI: `{code, message, field}`.
//!
//! The UI branches on [`ErrorCode`] only (a closed list, generated for
//! TypeScript) and shows `message`, already translated into the UI's
//! language. `field` names the input at fault when the core knows it, so a
//! form can put the message under the right box. Internal errors are logged
//! with their detail; the UI gets only the generic message.

use escale_core::{Error, Lang};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What every command rejects with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ErrorBody {
    pub code: ErrorCode,
    /// Translated, and says what to do.
    pub message: String,
    /// The input field at fault (`first_name`, `email`, `starts_at`…), if known.
    pub field: Option<String>,
}

impl ErrorBody {
    pub fn new(error: &Error, lang: Lang) -> Self {
        if let Error::Internal(detail) = error {
            eprintln!("escale-desktop: internal error: {detail}");
        }
        let field = match error {
            Error::Required { field } | Error::TooLong { field, .. } | Error::Invalid { field, .. } => {
                Some((*field).to_string())
            }
            Error::NameRequired => Some("first_name".to_string()),
            _ => None,
        };
        ErrorBody { code: ErrorCode::of(error), message: error.message(lang), field }
    }
}

/// Stable error codes (the core's `Error::code()` and the import reader's).
/// A test checks that every core error has one here: a new variant of the
/// core's `Error` needs a line in this enum and in the test's sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum ErrorCode {
    #[serde(rename = "store.not_initialised")]
    StoreNotInitialised,
    #[serde(rename = "store.already_initialised")]
    StoreAlreadyInitialised,
    #[serde(rename = "store.data_dir")]
    StoreDataDir,
    #[serde(rename = "store.read_only")]
    StoreReadOnly,
    #[serde(rename = "store.disk_full")]
    StoreDiskFull,
    #[serde(rename = "store.busy")]
    StoreBusy,
    #[serde(rename = "store.corrupt")]
    StoreCorrupt,
    #[serde(rename = "input.required")]
    InputRequired,
    #[serde(rename = "visitor.name_required")]
    VisitorNameRequired,
    #[serde(rename = "input.too_long")]
    InputTooLong,
    #[serde(rename = "input.invalid")]
    InputInvalid,
    #[serde(rename = "event.not_found")]
    EventNotFound,
    #[serde(rename = "session.not_found")]
    SessionNotFound,
    #[serde(rename = "visitor.not_found")]
    VisitorNotFound,
    #[serde(rename = "visitor.erased")]
    VisitorErased,
    #[serde(rename = "checkin.unknown_code")]
    CheckinUnknownCode,
    #[serde(rename = "merge.same_visitor")]
    MergeSameVisitor,
    #[serde(rename = "checkin.nothing_to_undo")]
    CheckinNothingToUndo,
    #[serde(rename = "sync.clone_detected")]
    SyncCloneDetected,
    #[serde(rename = "import.io")]
    ImportIo,
    #[serde(rename = "import.empty")]
    ImportEmpty,
    #[serde(rename = "import.not_a_spreadsheet")]
    ImportNotASpreadsheet,
    #[serde(rename = "import.corrupt_xlsx")]
    ImportCorruptXlsx,
    #[serde(rename = "import.no_header")]
    ImportNoHeader,
    #[serde(rename = "import.header_only")]
    ImportHeaderOnly,
    #[serde(rename = "import.no_name_column")]
    ImportNoNameColumn,
    #[serde(rename = "import.too_large")]
    ImportTooLarge,
    #[serde(rename = "import.malformed_csv")]
    ImportMalformedCsv,
    #[serde(rename = "import.bad_mapping")]
    ImportBadMapping,
    #[serde(rename = "export.failed")]
    ExportFailed,
    #[serde(rename = "internal")]
    Internal,
    #[serde(rename = "sync.protocol_too_old")]
    SyncProtocolTooOld,
    #[serde(rename = "sync.protocol_too_new")]
    SyncProtocolTooNew,
    #[serde(rename = "sync.bad_op")]
    SyncBadOp,
    #[serde(rename = "bundle.not_a_bundle")]
    BundleNotABundle,
    #[serde(rename = "bundle.tampered")]
    BundleTampered,
    #[serde(rename = "bundle.wrong_org")]
    BundleWrongOrg,
    #[serde(rename = "bundle.too_new")]
    BundleTooNew,
    #[serde(rename = "snapshot.invalid")]
    SnapshotInvalid,
}

impl ErrorCode {
    /// The code of a core error. A code missing from this list (a core
    /// change the desktop did not follow) is logged and sent as `internal`.
    pub fn of(error: &Error) -> ErrorCode {
        let code = error.code();
        serde_json::from_value(serde_json::Value::String(code.to_string())).unwrap_or_else(|_| {
            eprintln!("escale-desktop: error code {code:?} is not in ErrorCode; sent as internal");
            ErrorCode::Internal
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use escale_import::ImportError;

    /// One error of every kind. The matches below have no wildcard, so a new
    /// variant in the core or the import reader fails to compile here until
    /// it is added to the sample (and, through the test, to `ErrorCode`).
    fn one_of_each() -> Vec<Error> {
        let all = vec![
            Error::NotInitialised,
            Error::AlreadyInitialised,
            Error::DataDir("d".into()),
            Error::ReadOnly,
            Error::DiskFull,
            Error::Busy,
            Error::Corrupt("c".into()),
            Error::Required { field: "title" },
            Error::NameRequired,
            Error::TooLong { field: "first_name", len: 10_000, max: 100 },
            Error::Invalid { field: "email", value: "x".into() },
            Error::EventNotFound("e".into()),
            Error::SessionNotFound("s".into()),
            Error::VisitorNotFound("v".into()),
            Error::VisitorErased(uuid::Uuid::nil()),
            Error::UnknownCode("ABC".into()),
            Error::MergeSelf,
            Error::NothingToUndo,
            Error::CloneDetected { origin: uuid::Uuid::nil(), seq: 3 },
            Error::Import(ImportError::Io(std::io::Error::from(std::io::ErrorKind::NotFound))),
            Error::Import(ImportError::Empty),
            Error::Import(ImportError::NotASpreadsheet),
            Error::Import(ImportError::CorruptXlsx("z".into())),
            Error::Import(ImportError::NoHeader),
            Error::Import(ImportError::HeaderOnly),
            Error::Import(ImportError::NoNameColumn),
            Error::Import(ImportError::TooLarge { size: 1, limit: 0 }),
            Error::Import(ImportError::MalformedCsv { line: 3, message: "m".into() }),
            Error::Import(ImportError::BadMapping(9)),
            Error::Export("x".into()),
            Error::Internal("secret detail".into()),
            Error::ProtocolMismatch { theirs: 0, ours: 1 },
            Error::ProtocolMismatch { theirs: 2, ours: 1 },
            Error::BadOp("b".into()),
            Error::BundleNotABundle,
            Error::BundleTampered,
            Error::BundleWrongOrg,
            Error::BundleTooNew(2),
            Error::SnapshotInvalid("s".into()),
        ];
        for e in &all {
            match e {
                Error::NotInitialised
                | Error::AlreadyInitialised
                | Error::DataDir(_)
                | Error::ReadOnly
                | Error::DiskFull
                | Error::Busy
                | Error::Corrupt(_)
                | Error::Required { .. }
                | Error::NameRequired
                | Error::TooLong { .. }
                | Error::Invalid { .. }
                | Error::EventNotFound(_)
                | Error::SessionNotFound(_)
                | Error::VisitorNotFound(_)
                | Error::VisitorErased(_)
                | Error::UnknownCode(_)
                | Error::MergeSelf
                | Error::NothingToUndo
                | Error::CloneDetected { .. }
                | Error::Export(_)
                | Error::Internal(_)
                | Error::ProtocolMismatch { .. }
                | Error::BadOp(_)
                | Error::BundleNotABundle
                | Error::BundleTampered
                | Error::BundleWrongOrg
                | Error::BundleTooNew(_)
                | Error::SnapshotInvalid(_) => {}
                Error::Import(i) => match i {
                    ImportError::Io(_)
                    | ImportError::Empty
                    | ImportError::NotASpreadsheet
                    | ImportError::CorruptXlsx(_)
                    | ImportError::NoHeader
                    | ImportError::HeaderOnly
                    | ImportError::NoNameColumn
                    | ImportError::TooLarge { .. }
                    | ImportError::MalformedCsv { .. }
                    | ImportError::BadMapping(_) => {}
                },
            }
        }
        all
    }

    #[test]
    fn every_core_error_has_its_own_code_on_the_wire() {
        for e in one_of_each() {
            let body = ErrorBody::new(&e, Lang::Fr);
            let json = serde_json::to_value(&body).unwrap();
            assert_eq!(
                json["code"], e.code(),
                "the UI branches on the core's code; ErrorCode must list {:?}",
                e.code()
            );
        }
    }

    #[test]
    fn the_body_is_code_message_and_field_in_the_ui_language() {
        let e = Error::Required { field: "title" };
        let fr = serde_json::to_value(ErrorBody::new(&e, Lang::Fr)).unwrap();
        assert_eq!(
            fr,
            serde_json::json!({"code": "input.required", "message": "Le champ « titre » est obligatoire.", "field": "title"}),
            "ui/src/lib/backend/bindings/ErrorBody.ts reads exactly these keys"
        );
        let en = ErrorBody::new(&e, Lang::En);
        assert_eq!(en.message, "The field \"title\" is required.", "set_language switches the messages");
        let unknown = ErrorBody::new(&Error::UnknownCode("E1234567".into()), Lang::Fr);
        assert_eq!((unknown.code, unknown.field), (ErrorCode::CheckinUnknownCode, None));
    }

    #[test]
    fn internal_errors_never_leak_their_detail() {
        let body = ErrorBody::new(&Error::Internal("SELECT * FROM visitor: secret detail".into()), Lang::En);
        assert_eq!(body.code, ErrorCode::Internal);
        assert!(!body.message.contains("secret"), "the detail goes to the log, not to the screen: {}", body.message);
    }

    #[test]
    fn a_missing_name_points_at_the_first_name_field() {
        let body = ErrorBody::new(&Error::NameRequired, Lang::Fr);
        assert_eq!(body.field.as_deref(), Some("first_name"), "the form shows the message under a name box");
    }
}
