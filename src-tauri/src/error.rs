//! How an error crosses to the UI: `{code, message, field}`.
//!
//! The UI branches on [`ErrorCode`] only (the catalogue's closed set of
//! codes, generated for TypeScript) and shows `message`, already said in the
//! UI's language from the catalogue (`escale_protocol::catalogue`). `field`
//! names the input at fault when the core knows it, so a form can put the
//! message under the right box. Internal errors are logged with their
//! detail; the UI gets only the generic message.

use escale_core::{Error, Lang};
use escale_protocol::catalogue::{m, Code, Describe, Problem};
use escale_sync::hub::SyncError;
use escale_sync::peer::PeerError;
use serde::Serialize;
use ts_rs::TS;

/// The catalogue's codes, as the UI knows them.
pub use escale_protocol::catalogue::Code as ErrorCode;

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
    /// Any failure described by a message of the catalogue.
    pub fn of_problem(problem: &Problem, field: Option<&str>, lang: Lang) -> Self {
        ErrorBody::of(problem, field, lang)
    }

    fn of(problem: &Problem, field: Option<&str>, lang: Lang) -> Self {
        ErrorBody {
            code: problem.code(),
            message: problem.message(lang),
            field: field.map(str::to_string),
        }
    }

    pub fn new(error: &Error, lang: Lang) -> Self {
        if let Error::Internal(detail) = error {
            tracing::error!("internal error: {detail}");
        }
        let field = match error {
            Error::Required { field }
            | Error::TooLong { field, .. }
            | Error::Invalid { field, .. } => Some(*field),
            Error::NameRequired => Some("first_name"),
            _ => None,
        };
        ErrorBody::of(&error.describe(), field, lang)
    }

    /// A failed enrolment or sync. A hub's code this version does not know
    /// is `sync.refused` (the message still says what the hub said); the
    /// messages that send people to the CLI are said the desk's way.
    pub fn of_sync(error: &SyncError, lang: Lang) -> Self {
        if let SyncError::Store(e) = error {
            return ErrorBody::new(e, lang);
        }
        let problem = error.describe();
        let code = problem.code();
        let desk = match code {
            Code::SyncOffline => Some(&m::SYNC_OFFLINE_DESK),
            Code::SyncNotEnrolled => Some(&m::SYNC_NOT_ENROLLED_DESK),
            Code::AuthInvalidToken | Code::AuthMissingToken | Code::AuthWrongOrg => {
                Some(&m::AUTH_UNRECOGNISED_DESK)
            }
            _ => None,
        };
        let field = match code {
            Code::SyncBadUrl => Some("url"),
            Code::EnrollUnknownCode | Code::EnrollCodeExpired | Code::EnrollCodeUsed => {
                Some("code")
            }
            _ => None,
        };
        let mut body = ErrorBody::of(&problem, field, lang);
        if let Some(msg) = desk {
            // The desk's words; the code stays the one the UI branches on.
            body.message = Problem::new(msg).message(lang);
        }
        body
    }

    /// A failed exchange between stand peers (a refusal whose code this
    /// version does not know is `peer.refused`).
    pub fn of_peer(error: &PeerError, lang: Lang) -> Self {
        if let PeerError::Store(e) = error {
            return ErrorBody::new(e, lang);
        }
        let problem = error.describe();
        let field = match problem.code() {
            Code::PeerBadCode
            | Code::PeerWrongCode
            | Code::PeerCodeBurned
            | Code::PeerCodeExpired => Some("code"),
            Code::PeerNotFound | Code::PeerAmbiguous | Code::PeerDiscovery => Some("address"),
            _ => None,
        };
        ErrorBody::of(&problem, field, lang)
    }

    /// A missing enrolment input (`url` or `code`).
    pub fn sync_input_required(field: &str, lang: Lang) -> Self {
        let msg = if field == "url" {
            &m::INPUT_REQUIRED_URL
        } else {
            &m::INPUT_REQUIRED_CODE
        };
        ErrorBody::of(&Problem::new(msg), Some(field), lang)
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
            Error::CertificateNoAttendance {
                name: "n".into(),
                event: "e".into(),
            },
            Error::CertificateNotFound("n".into()),
            Error::MediationNotFound("m".into()),
            Error::StationNotFound("Poste 1".into()),
            Error::StationBusy {
                station: "Poste 1".into(),
                name: "Alice".into(),
                next: Some("Poste 2".into()),
            },
            Error::StationNoneFree,
            Error::StationOutOfOrder("Poste 1".into()),
            Error::StationAlreadySeated {
                name: "Alice".into(),
                station: "Poste 1".into(),
            },
            Error::StationUseNotFound("u".into()),
            Error::StationUseEnded {
                name: "Alice".into(),
                station: "Poste 1".into(),
            },
            Error::TicketNotFound("12".into()),
            Error::QueueAlreadyWaiting {
                name: "Alice".into(),
                ticket: "12".into(),
            },
            Error::QueueEmpty,
            Error::PrintQuotaExceeded {
                name: "Alice".into(),
                used: 14,
                quota: 15,
                pages: 3,
            },
            Error::PassNotFound("p".into()),
            Error::SeriesNotFound("JobCamp".into()),
            Error::CertificateMalformed,
            Error::CertificateTampered,
            Error::CertificateOtherKey("k".into()),
            Error::CertificateRevoked {
                number: "n".into(),
                on: "d".into(),
                reason: "r".into(),
            },
            Error::Locked,
            Error::Forbidden {
                role: escale_core::roles::Role::Volunteer,
                action: escale_core::roles::Action::ExportPeople,
            },
            Error::WrongPin,
            Error::Throttled(5),
            Error::PinFormat,
            Error::StaffNotFound("Vera".into()),
            Error::StaffNameTaken("Vera".into()),
            Error::StaffLastCoordinator("Camille".into()),
            Error::StaffFirstCoordinator,
            Error::StoreKeyInvalid,
            Error::StoreKeyWrong,
            Error::StorePassphraseWrong,
            Error::StorePassphraseShort(12),
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
                | Error::SnapshotInvalid(_)
                | Error::CertificateNoAttendance { .. }
                | Error::CertificateNotFound(_)
                | Error::MediationNotFound(_)
                | Error::StationNotFound(_)
                | Error::StationBusy { .. }
                | Error::StationNoneFree
                | Error::StationOutOfOrder(_)
                | Error::StationAlreadySeated { .. }
                | Error::StationUseNotFound(_)
                | Error::StationUseEnded { .. }
                | Error::TicketNotFound(_)
                | Error::QueueAlreadyWaiting { .. }
                | Error::QueueEmpty
                | Error::PrintQuotaExceeded { .. }
                | Error::PassNotFound(_)
                | Error::SeriesNotFound(_)
                | Error::CertificateMalformed
                | Error::CertificateTampered
                | Error::CertificateOtherKey(_)
                | Error::CertificateRevoked { .. }
                | Error::Locked
                | Error::Forbidden { .. }
                | Error::WrongPin
                | Error::Throttled(_)
                | Error::PinFormat
                | Error::StaffNotFound(_)
                | Error::StaffNameTaken(_)
                | Error::StaffLastCoordinator(_)
                | Error::StaffFirstCoordinator
                | Error::StoreKeyInvalid
                | Error::StoreKeyWrong
                | Error::StorePassphraseWrong
                | Error::StorePassphraseShort(_) => {}
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
                args: [("seconds", "60"), ("count", "6000"), ("max", "5000")]
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
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
