//! How an error crosses to the UI: `{code, message, field}`.
//!
//! The UI branches on [`ErrorCode`] only (a closed list, generated for
//! TypeScript) and shows `message`, already translated into the UI's
//! language. `field` names the input at fault when the core knows it, so a
//! form can put the message under the right box. Internal errors are logged
//! with their detail; the UI gets only the generic message.

use escale_core::{Error, Lang};
use escale_sync::hub::SyncError;
use escale_sync::peer::PeerError;
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
            tracing::error!("internal error: {detail}");
        }
        let field = match error {
            Error::Required { field }
            | Error::TooLong { field, .. }
            | Error::Invalid { field, .. } => Some((*field).to_string()),
            Error::NameRequired => Some("first_name".to_string()),
            _ => None,
        };
        ErrorBody {
            code: ErrorCode::of(error),
            message: error.message(lang),
            field,
        }
    }

    /// A failed enrolment or sync. Hub codes the desktop does not know are
    /// sent as `sync.refused` (the message still says what the hub said);
    /// the messages that send people to the CLI say what to do here instead.
    pub fn of_sync(error: &SyncError, lang: Lang) -> Self {
        if let SyncError::Store(e) = error {
            return ErrorBody::new(e, lang);
        }
        let code = error.code();
        let code = serde_json::from_value(serde_json::Value::String(code.to_string()))
            .unwrap_or(ErrorCode::SyncRefused);
        let field = match code {
            ErrorCode::SyncBadUrl => Some("url"),
            ErrorCode::EnrollUnknownCode
            | ErrorCode::EnrollCodeExpired
            | ErrorCode::EnrollCodeUsed => Some("code"),
            _ => None,
        };
        let message = desk_sync_message(code, lang).unwrap_or_else(|| error.message(lang));
        ErrorBody {
            code,
            message,
            field: field.map(str::to_string),
        }
    }

    /// A failed exchange between stand peers. Codes the desktop does not
    /// know are sent as `peer.refused`.
    pub fn of_peer(error: &PeerError, lang: Lang) -> Self {
        if let PeerError::Store(e) = error {
            return ErrorBody::new(e, lang);
        }
        let code = serde_json::from_value(serde_json::Value::String(error.code().to_string()))
            .unwrap_or(ErrorCode::PeerRefused);
        let field = match code {
            ErrorCode::PeerBadCode
            | ErrorCode::PeerWrongCode
            | ErrorCode::PeerCodeBurned
            | ErrorCode::PeerCodeExpired => Some("code"),
            ErrorCode::PeerNotFound | ErrorCode::PeerAmbiguous | ErrorCode::PeerDiscovery => {
                Some("address")
            }
            _ => None,
        };
        ErrorBody {
            code,
            message: error.message(lang),
            field: field.map(str::to_string),
        }
    }

    /// A missing enrolment input (`url` or `code`).
    pub fn sync_input_required(field: &str, lang: Lang) -> Self {
        let message = match (field, lang) {
            ("url", Lang::Fr) => "Indiquez l'adresse du serveur, par exemple https://hub.exemple.fr:8787.",
            ("url", Lang::En) => "Enter the hub's address, for example https://hub.example.org:8787.",
            (_, Lang::Fr) => "Indiquez le code d'inscription donné par l'administrateur (ou scannez son QR code).",
            (_, Lang::En) => "Enter the enrolment code the administrator gave you (or scan its QR code).",
        };
        ErrorBody {
            code: ErrorCode::InputRequired,
            message: message.to_string(),
            field: Some(field.to_string()),
        }
    }
}

/// The desk's wording where the core's speaks of the command line (or of
/// network details nobody at a desk can act on).
fn desk_sync_message(code: ErrorCode, lang: Lang) -> Option<String> {
    let (fr, en) = match code {
        ErrorCode::SyncOffline => (
            "Le serveur est injoignable. Rien n'est perdu : les opérations restent sur cet ordinateur et partiront dès qu'il répondra.",
            "The hub cannot be reached. Nothing is lost: the operations stay on this laptop and leave as soon as it answers.",
        ),
        ErrorCode::SyncNotEnrolled => (
            "Cet ordinateur n'est relié à aucun serveur. Saisissez l'adresse du serveur et le code d'inscription donné par l'administrateur.",
            "This laptop is not enrolled with a hub. Enter the hub's address and the enrolment code the administrator gave you.",
        ),
        ErrorCode::AuthInvalidToken | ErrorCode::AuthMissingToken | ErrorCode::AuthWrongOrg => (
            "Le serveur ne reconnaît plus cet ordinateur. Demandez un nouveau code d'inscription à l'administrateur et inscrivez-le à nouveau. Les opérations restent ici.",
            "The hub no longer recognises this laptop. Ask the administrator for a new enrolment code and enrol again. The operations stay here.",
        ),
        _ => return None,
    };
    Some(if lang == Lang::Fr { fr } else { en }.to_string())
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
    #[serde(rename = "import.unknown_field")]
    ImportUnknownField,
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
    // Enrolment and sync with the hub (`SyncError::code()`, the hub's codes).
    #[serde(rename = "sync.offline")]
    SyncOffline,
    #[serde(rename = "sync.bad_response")]
    SyncBadResponse,
    #[serde(rename = "sync.not_enrolled")]
    SyncNotEnrolled,
    #[serde(rename = "sync.bad_url")]
    SyncBadUrl,
    #[serde(rename = "sync.http_error")]
    SyncHttpError,
    #[serde(rename = "sync.batch_too_large")]
    SyncBatchTooLarge,
    /// The hub refused with a code this version does not know.
    #[serde(rename = "sync.refused")]
    SyncRefused,
    #[serde(rename = "auth.missing_token")]
    AuthMissingToken,
    #[serde(rename = "auth.invalid_token")]
    AuthInvalidToken,
    #[serde(rename = "auth.revoked")]
    AuthRevoked,
    #[serde(rename = "auth.wrong_org")]
    AuthWrongOrg,
    #[serde(rename = "auth.device_mismatch")]
    AuthDeviceMismatch,
    #[serde(rename = "enroll.unknown_code")]
    EnrollUnknownCode,
    #[serde(rename = "enroll.code_expired")]
    EnrollCodeExpired,
    #[serde(rename = "enroll.code_used")]
    EnrollCodeUsed,
    #[serde(rename = "enroll.device_exists")]
    EnrollDeviceExists,
    #[serde(rename = "enroll.rate_limited")]
    EnrollRateLimited,
    // Stand peers (`PeerError::code()`).
    #[serde(rename = "peer.bad_code")]
    PeerBadCode,
    #[serde(rename = "peer.wrong_code")]
    PeerWrongCode,
    #[serde(rename = "peer.code_burned")]
    PeerCodeBurned,
    #[serde(rename = "peer.code_expired")]
    PeerCodeExpired,
    #[serde(rename = "peer.not_found")]
    PeerNotFound,
    #[serde(rename = "peer.ambiguous")]
    PeerAmbiguous,
    #[serde(rename = "peer.other_org")]
    PeerOtherOrg,
    #[serde(rename = "peer.timeout")]
    PeerTimeout,
    #[serde(rename = "peer.network")]
    PeerNetwork,
    #[serde(rename = "peer.listen")]
    PeerListen,
    #[serde(rename = "peer.protocol")]
    PeerProtocol,
    #[serde(rename = "peer.tampered")]
    PeerTampered,
    #[serde(rename = "peer.too_large")]
    PeerTooLarge,
    #[serde(rename = "peer.version_mismatch")]
    PeerVersionMismatch,
    #[serde(rename = "peer.discovery")]
    PeerDiscovery,
    #[serde(rename = "peer.failed")]
    PeerFailed,
    /// The other laptop refused with a code this version does not know.
    #[serde(rename = "peer.refused")]
    PeerRefused,
}

impl ErrorCode {
    /// The code of a core error. A code missing from this list (a core
    /// change the desktop did not follow) is logged and sent as `internal`.
    pub fn of(error: &Error) -> ErrorCode {
        let code = error.code();
        serde_json::from_value(serde_json::Value::String(code.to_string())).unwrap_or_else(|_| {
            tracing::error!("error code {code:?} is not in ErrorCode; sent as internal");
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
            Error::TooLong {
                field: "first_name",
                len: 10_000,
                max: 100,
            },
            Error::Invalid {
                field: "email",
                value: "x".into(),
            },
            Error::EventNotFound("e".into()),
            Error::SessionNotFound("s".into()),
            Error::VisitorNotFound("v".into()),
            Error::VisitorErased(uuid::Uuid::nil()),
            Error::UnknownCode("ABC".into()),
            Error::MergeSelf,
            Error::NothingToUndo,
            Error::CloneDetected {
                origin: uuid::Uuid::nil(),
                seq: 3,
            },
            Error::Import(ImportError::Io(std::io::Error::from(
                std::io::ErrorKind::NotFound,
            ))),
            Error::Import(ImportError::Empty),
            Error::Import(ImportError::NotASpreadsheet),
            Error::Import(ImportError::CorruptXlsx("z".into())),
            Error::Import(ImportError::NoHeader),
            Error::Import(ImportError::HeaderOnly),
            Error::Import(ImportError::NoNameColumn),
            Error::Import(ImportError::TooLarge { size: 1, limit: 0 }),
            Error::Import(ImportError::MalformedCsv {
                line: 3,
                message: "m".into(),
            }),
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
                    ImportError::UnknownField(_)
                    | ImportError::Io(_)
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
                json["code"],
                e.code(),
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
        assert_eq!(
            en.message, "The field \"title\" is required.",
            "set_language switches the messages"
        );
        let unknown = ErrorBody::new(&Error::UnknownCode("E1234567".into()), Lang::Fr);
        assert_eq!(
            (unknown.code, unknown.field),
            (ErrorCode::CheckinUnknownCode, None)
        );
    }

    #[test]
    fn internal_errors_never_leak_their_detail() {
        let body = ErrorBody::new(
            &Error::Internal("SELECT * FROM visitor: secret detail".into()),
            Lang::En,
        );
        assert_eq!(body.code, ErrorCode::Internal);
        assert!(
            !body.message.contains("secret"),
            "the detail goes to the log, not to the screen: {}",
            body.message
        );
    }

    #[test]
    fn sync_errors_keep_the_hubs_codes_and_point_at_the_enrolment_fields() {
        use escale_sync::hub::HubCallError;
        let refused = |code: &str, status| {
            SyncError::Hub(HubCallError::Refused {
                status,
                code: code.into(),
                message: "m".into(),
            })
        };
        for code in [
            "auth.missing_token",
            "auth.invalid_token",
            "auth.revoked",
            "auth.wrong_org",
            "auth.device_mismatch",
            "enroll.unknown_code",
            "enroll.code_expired",
            "enroll.code_used",
            "enroll.device_exists",
            "enroll.rate_limited",
            "sync.clone_detected",
            "sync.protocol_too_old",
            "sync.protocol_too_new",
            "sync.batch_too_large",
        ] {
            let body = ErrorBody::of_sync(&refused(code, 400), Lang::Fr);
            assert_eq!(
                serde_json::to_value(body.code).unwrap(),
                code,
                "the UI can branch on {code}"
            );
        }
        let unknown = ErrorBody::of_sync(&refused("hub.new_thing", 400), Lang::En);
        assert_eq!(unknown.code, ErrorCode::SyncRefused);
        assert!(
            unknown.message.contains("hub.new_thing"),
            "the hub's words are kept: {}",
            unknown.message
        );

        let code = ErrorBody::of_sync(&refused("enroll.code_used", 410), Lang::Fr);
        assert_eq!(
            code.field.as_deref(),
            Some("code"),
            "the message goes under the code box"
        );
        assert!(code.message.contains("déjà servi"), "{}", code.message);
        let url = ErrorBody::of_sync(&SyncError::BadUrl("hub".into()), Lang::Fr);
        assert_eq!(
            (url.code, url.field.as_deref()),
            (ErrorCode::SyncBadUrl, Some("url"))
        );

        let offline = ErrorBody::of_sync(
            &SyncError::Hub(HubCallError::Network(
                "tcp connect error: os error 111".into(),
            )),
            Lang::Fr,
        );
        assert_eq!(offline.code, ErrorCode::SyncOffline);
        assert!(
            !offline.message.contains("os error"),
            "plain words at the desk: {}",
            offline.message
        );
        let revoked = ErrorBody::of_sync(&refused("auth.invalid_token", 401), Lang::Fr);
        assert!(
            !revoked.message.contains("escale sync"),
            "no command line at the desk: {}",
            revoked.message
        );
        let store = ErrorBody::of_sync(&SyncError::Store(Error::DiskFull), Lang::En);
        assert_eq!(store.code, ErrorCode::StoreDiskFull);
    }

    #[test]
    fn peer_errors_keep_their_codes_and_point_at_the_code_or_address_box() {
        let all = [
            PeerError::BadCode,
            PeerError::WrongCode,
            PeerError::CodeBurned,
            PeerError::CodeExpired,
            PeerError::NotFound,
            PeerError::Ambiguous(vec![]),
            PeerError::OtherOrg,
            PeerError::Timeout,
            PeerError::Network("n".into()),
            PeerError::Listen("l".into()),
            PeerError::Protocol("p".into()),
            PeerError::Tampered,
            PeerError::TooLarge { len: 2, cap: 1 },
            PeerError::Version { ours: 1, theirs: 2 },
            PeerError::Discovery("d".into()),
            PeerError::Refused {
                code: "peer.failed".into(),
                message: "m".into(),
            },
        ];
        for e in &all {
            let body = ErrorBody::of_peer(e, Lang::Fr);
            assert_eq!(
                serde_json::to_value(body.code).unwrap(),
                e.code(),
                "the UI can branch on {}",
                e.code()
            );
            assert_eq!(body.message, e.message(Lang::Fr));
        }
        let wrong = ErrorBody::of_peer(&PeerError::WrongCode, Lang::Fr);
        assert_eq!(wrong.field.as_deref(), Some("code"));
        assert_eq!(
            ErrorBody::of_peer(&PeerError::NotFound, Lang::En)
                .field
                .as_deref(),
            Some("address")
        );
        let other = ErrorBody::of_peer(
            &PeerError::Refused {
                code: "peer.new".into(),
                message: "m".into(),
            },
            Lang::En,
        );
        assert_eq!(other.code, ErrorCode::PeerRefused);
    }

    #[test]
    fn a_missing_name_points_at_the_first_name_field() {
        let body = ErrorBody::new(&Error::NameRequired, Lang::Fr);
        assert_eq!(
            body.field.as_deref(),
            Some("first_name"),
            "the form shows the message under a name box"
        );
    }
}
