//! Why a peer session failed ([`PeerError`]): a stable code for programs,
//! a message for people in French or English, and what the other laptop is
//! told (and how what it tells us comes back as the same error). Nothing
//! here touches a socket or the store.

use super::discovery::Found;
use escale_core::error::Error;
use escale_protocol::catalogue::{m, Code, Describe, Problem};
use escale_protocol::i18n::Lang;

/// Why a peer session failed. [`PeerError::code`] is stable;
/// [`PeerError::message`] is for people, in French or English.
#[derive(Debug, thiserror::Error)]
pub enum PeerError {
    #[error(transparent)]
    Store(#[from] Error),
    #[error("a pairing code is 8 digits")]
    BadCode,
    #[error("wrong pairing code")]
    WrongCode,
    #[error("too many wrong codes: the code is burned")]
    CodeBurned,
    #[error("the pairing code has expired")]
    CodeExpired,
    #[error("no sharing laptop found")]
    NotFound,
    #[error("several sharing laptops found")]
    Ambiguous(Vec<Found>),
    #[error("the other laptop belongs to another organisation")]
    OtherOrg,
    #[error("the other laptop stopped answering")]
    Timeout,
    #[error("network: {0}")]
    Network(String),
    #[error("cannot listen: {0}")]
    Listen(String),
    #[error("unexpected message: {0}")]
    Protocol(String),
    #[error("a frame was altered, replayed or reordered")]
    Tampered,
    #[error("frame of {len} bytes over the {cap}-byte limit")]
    TooLarge { len: u64, cap: u64 },
    #[error("the other laptop speaks sync protocol {theirs}, this one {ours}")]
    Version { ours: u32, theirs: u32 },
    #[error("the other laptop refused: {message} [{code}]")]
    Refused { code: String, message: String },
    #[error("local network discovery: {0}")]
    Discovery(String),
}

impl PeerError {
    /// The code from the catalogue (a refusal whose code this version does
    /// not know is `peer.refused`).
    pub fn code(&self) -> &'static str {
        self.describe().code().as_str()
    }

    /// A message a person can act on, in their language.
    pub fn message(&self, lang: Lang) -> String {
        self.describe().message(lang)
    }

    /// What the other side is told when we end a session on this error
    /// (None: nothing useful to say, or no way to say it).
    pub(super) fn for_peer(&self) -> Option<(String, String)> {
        match self {
            PeerError::WrongCode
            | PeerError::CodeBurned
            | PeerError::CodeExpired
            | PeerError::OtherOrg
            | PeerError::Version { .. }
            | PeerError::Protocol(_)
            | PeerError::TooLarge { .. } => Some((self.code().to_string(), self.to_string())),
            PeerError::Store(
                e
                @ (Error::CloneDetected { .. } | Error::BadOp(_) | Error::ProtocolMismatch { .. }),
            ) => Some((e.code().to_string(), e.to_string())),
            PeerError::Store(_) => {
                Some((Code::PeerFailed.as_str().into(), m::PEER_FAILED.en.into()))
            }
            _ => None,
        }
    }

    /// An error the other side sent us.
    pub(super) fn from_peer(
        code: &str,
        message: &str,
        ours: u32,
        theirs: Option<u32>,
    ) -> PeerError {
        match Code::parse(code) {
            Some(Code::PeerWrongCode) => PeerError::WrongCode,
            Some(Code::PeerCodeBurned) => PeerError::CodeBurned,
            Some(Code::PeerCodeExpired) => PeerError::CodeExpired,
            Some(Code::PeerOtherOrg) => PeerError::OtherOrg,
            Some(Code::PeerVersionMismatch) => PeerError::Version {
                ours,
                theirs: theirs.unwrap_or(0),
            },
            _ => PeerError::Refused {
                code: code.to_string(),
                message: message.to_string(),
            },
        }
    }
}

impl Describe for PeerError {
    fn describe(&self) -> Problem {
        let p = |msg: &'static escale_protocol::catalogue::Msg| Problem::new(msg);
        match self {
            PeerError::Store(e) => e.describe(),
            PeerError::BadCode => p(&m::PEER_BAD_CODE),
            PeerError::WrongCode => p(&m::PEER_WRONG_CODE),
            PeerError::CodeBurned => p(&m::PEER_CODE_BURNED),
            PeerError::CodeExpired => p(&m::PEER_CODE_EXPIRED),
            PeerError::NotFound => p(&m::PEER_NOT_FOUND),
            PeerError::Ambiguous(list) => {
                let names = list
                    .iter()
                    .map(|f| format!("{} ({})", f.name, f.addr))
                    .collect::<Vec<_>>()
                    .join(", ");
                p(&m::PEER_AMBIGUOUS).arg("names", names)
            }
            PeerError::OtherOrg => p(&m::PEER_OTHER_ORG),
            PeerError::Timeout => p(&m::PEER_TIMEOUT),
            PeerError::Network(d) => p(&m::PEER_NETWORK).arg("detail", d),
            PeerError::Listen(d) => p(&m::PEER_LISTEN).arg("detail", d),
            PeerError::Protocol(d) => p(&m::PEER_PROTOCOL).arg("detail", d),
            PeerError::Tampered => p(&m::PEER_TAMPERED),
            PeerError::TooLarge { len, cap } => {
                p(&m::PEER_TOO_LARGE).arg("len", len).arg("cap", cap)
            }
            PeerError::Version { ours, theirs } => p(if theirs < ours {
                &m::PEER_VERSION_MISMATCH
            } else {
                &m::PEER_VERSION_MISMATCH_US
            })
            .arg("ours", ours)
            .arg("theirs", theirs),
            PeerError::Refused { code, .. }
                if Code::parse(code) == Some(Code::SyncCloneDetected) =>
            {
                p(&m::SYNC_CLONE_DETECTED_PEER)
            }
            PeerError::Refused { code, message } => Problem::from_wire(code, &Default::default())
                .unwrap_or_else(|| {
                    p(&m::PEER_REFUSED)
                        .arg("message", message)
                        .arg("code", code)
                }),
            PeerError::Discovery(d) => p(&m::PEER_DISCOVERY).arg("detail", d),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::peer::found;

    #[test]
    fn every_error_has_a_code_and_two_languages() {
        let all = [
            PeerError::BadCode,
            PeerError::WrongCode,
            PeerError::CodeBurned,
            PeerError::CodeExpired,
            PeerError::NotFound,
            PeerError::Ambiguous(vec![found("Portable 1", 1, 1)]),
            PeerError::OtherOrg,
            PeerError::Timeout,
            PeerError::Network("reset".into()),
            PeerError::Listen("in use".into()),
            PeerError::Protocol("x".into()),
            PeerError::Tampered,
            PeerError::TooLarge { len: 2, cap: 1 },
            PeerError::Version { ours: 2, theirs: 1 },
            PeerError::Version { ours: 1, theirs: 2 },
            PeerError::Refused {
                code: "sync.clone_detected".into(),
                message: "x".into(),
            },
            PeerError::Discovery("x".into()),
        ];
        for e in &all {
            assert!(
                e.code().starts_with("peer.") || e.code().starts_with("sync."),
                "{e:?}"
            );
            assert_ne!(e.message(Lang::Fr), e.message(Lang::En), "{e:?}");
        }
        assert_ne!(
            all[13].message(Lang::En),
            all[14].message(Lang::En),
            "says which laptop to update"
        );
    }

    #[test]
    fn errors_told_to_the_peer_come_back_as_the_same_error() {
        for e in [
            PeerError::WrongCode,
            PeerError::CodeBurned,
            PeerError::CodeExpired,
            PeerError::OtherOrg,
        ] {
            let (code, message) = e.for_peer().unwrap();
            assert_eq!(
                PeerError::from_peer(&code, &message, 1, None).code(),
                e.code()
            );
        }
        let v = PeerError::from_peer("peer.version_mismatch", "", 1, Some(2));
        assert!(matches!(v, PeerError::Version { ours: 1, theirs: 2 }));
        assert!(
            PeerError::Tampered.for_peer().is_none(),
            "nothing is said on a channel we no longer trust"
        );
    }
}
