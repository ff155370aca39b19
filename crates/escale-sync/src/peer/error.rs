//! Why a peer session failed ([`PeerError`]): a stable code for programs,
//! a message for people in French or English, and what the other laptop is
//! told (and how what it tells us comes back as the same error). Nothing
//! here touches a socket or the store.

use super::discovery::Found;
use escale_core::error::Error;
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
    pub fn code(&self) -> &str {
        match self {
            PeerError::Store(e) => e.code(),
            PeerError::BadCode => "peer.bad_code",
            PeerError::WrongCode => "peer.wrong_code",
            PeerError::CodeBurned => "peer.code_burned",
            PeerError::CodeExpired => "peer.code_expired",
            PeerError::NotFound => "peer.not_found",
            PeerError::Ambiguous(_) => "peer.ambiguous",
            PeerError::OtherOrg => "peer.other_org",
            PeerError::Timeout => "peer.timeout",
            PeerError::Network(_) => "peer.network",
            PeerError::Listen(_) => "peer.listen",
            PeerError::Protocol(_) => "peer.protocol",
            PeerError::Tampered => "peer.tampered",
            PeerError::TooLarge { .. } => "peer.too_large",
            PeerError::Version { .. } => "peer.version_mismatch",
            PeerError::Refused { code, .. } => code,
            PeerError::Discovery(_) => "peer.discovery",
        }
    }

    /// A message a person can act on, in their language.
    pub fn message(&self, lang: Lang) -> String {
        let l = |fr: String, en: String| if lang == Lang::Fr { fr } else { en };
        match self {
            PeerError::Store(e) => e.message(lang),
            PeerError::BadCode => l(
                "Code de jumelage invalide : tapez les 8 chiffres affichés sur l'ordinateur qui partage (par exemple 4827-1953).".into(),
                "Invalid pairing code: type the 8 digits shown on the sharing laptop (e.g. 4827-1953).".into(),
            ),
            PeerError::WrongCode => l(
                "Code de jumelage incorrect : rien n'a été échangé. Vérifiez le code affiché sur l'ordinateur qui partage.".into(),
                "Wrong pairing code: nothing was exchanged. Check the code shown on the sharing laptop.".into(),
            ),
            PeerError::CodeBurned => l(
                "Trop de codes incorrects : ce code de jumelage ne fonctionne plus. Relancez le partage pour obtenir un nouveau code.".into(),
                "Too many wrong codes: this pairing code no longer works. Start sharing again to get a new code.".into(),
            ),
            PeerError::CodeExpired => l(
                "Ce code de jumelage a expiré. Relancez le partage pour obtenir un nouveau code.".into(),
                "This pairing code has expired. Start sharing again to get a new code.".into(),
            ),
            PeerError::NotFound => l(
                "Aucun ordinateur ne partage sur le réseau local. Vérifiez que le partage est lancé et que les deux ordinateurs sont sur le même réseau, ou indiquez son adresse (affichée à côté du code).".into(),
                "No laptop is sharing on the local network. Check that sharing is started and that both laptops are on the same network, or give its address (shown next to the code).".into(),
            ),
            PeerError::Ambiguous(list) => {
                let names = list.iter().map(|f| format!("{} ({})", f.name, f.addr)).collect::<Vec<_>>().join(", ");
                l(
                    format!("Plusieurs ordinateurs partagent sur le réseau : {names}. Indiquez lequel rejoindre par son adresse."),
                    format!("Several laptops are sharing on the network: {names}. Say which one to join by its address."),
                )
            }
            PeerError::OtherOrg => l(
                "Ces deux ordinateurs n'appartiennent pas à la même organisation (ils n'ont pas la même clé d'organisation) : rien n'a été échangé.".into(),
                "These two laptops do not belong to the same organisation (they do not hold the same organisation key): nothing was exchanged.".into(),
            ),
            PeerError::Timeout => l(
                "L'autre ordinateur ne répond plus (délai dépassé). Ce qui a déjà été reçu est conservé ; relancez l'échange.".into(),
                "The other laptop stopped answering (timed out). What was already received is kept; run the exchange again.".into(),
            ),
            PeerError::Network(d) => l(
                format!("La connexion avec l'autre ordinateur a échoué ({d}). Ce qui a déjà été reçu est conservé ; relancez l'échange."),
                format!("The connection with the other laptop failed ({d}). What was already received is kept; run the exchange again."),
            ),
            PeerError::Listen(d) => l(
                format!("Impossible d'ouvrir le partage sur le réseau ({d}). Essayez un autre port."),
                format!("Cannot open sharing on the network ({d}). Try another port."),
            ),
            PeerError::Protocol(d) => l(
                format!("L'autre ordinateur a envoyé un message inattendu ({d}) : échange interrompu."),
                format!("The other laptop sent an unexpected message ({d}): exchange stopped."),
            ),
            PeerError::Tampered => l(
                "Un message de l'autre ordinateur a été modifié, rejoué ou déplacé en route : échange interrompu. Ce qui avait déjà été reçu et vérifié est conservé.".into(),
                "A message from the other laptop was altered, replayed or reordered on the way: exchange stopped. What was already received and checked is kept.".into(),
            ),
            PeerError::TooLarge { len, cap } => l(
                format!("L'autre ordinateur a envoyé un message trop gros ({len} octets, limite {cap}) : échange interrompu."),
                format!("The other laptop sent a message that is too large ({len} bytes, limit {cap}): exchange stopped."),
            ),
            PeerError::Version { ours, theirs } if theirs < ours => l(
                format!("L'autre ordinateur a une version plus ancienne d'Escale (protocole {theirs}, ici {ours}) : mettez-le à jour. Rien n'a été échangé."),
                format!("The other laptop runs an older version of Escale (protocol {theirs}, here {ours}): update it. Nothing was exchanged."),
            ),
            PeerError::Version { ours, theirs } => l(
                format!("Cet ordinateur a une version plus ancienne d'Escale que l'autre (protocole {ours}, là-bas {theirs}) : mettez-le à jour. Rien n'a été échangé."),
                format!("This laptop runs an older version of Escale than the other one (protocol {ours}, there {theirs}): update it. Nothing was exchanged."),
            ),
            PeerError::Refused { code, message } => match code.as_str() {
                "sync.clone_detected" => l(
                    "L'autre ordinateur a refusé nos opérations : deux ordinateurs utilisent le même identifiant (copie de disque ?). Rien n'a été écrit ; réinstallez l'un des deux comme nouvel appareil.".into(),
                    "The other laptop refused our operations: two laptops use the same id (a cloned disk?). Nothing was written; set one of them up again as a new device.".into(),
                ),
                _ => l(
                    format!("L'autre ordinateur a refusé l'échange : {message} [{code}]"),
                    format!("The other laptop refused the exchange: {message} [{code}]"),
                ),
            },
            PeerError::Discovery(d) => l(
                format!("La recherche sur le réseau local (mDNS) est impossible ({d}). Indiquez l'adresse de l'autre ordinateur (affichée à côté du code)."),
                format!("Local network discovery (mDNS) is not possible ({d}). Give the other laptop's address (shown next to the code)."),
            ),
        }
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
            PeerError::Store(_) => Some((
                "peer.failed".into(),
                "the other laptop could not store the exchange".into(),
            )),
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
        match code {
            "peer.wrong_code" => PeerError::WrongCode,
            "peer.code_burned" => PeerError::CodeBurned,
            "peer.code_expired" => PeerError::CodeExpired,
            "peer.other_org" => PeerError::OtherOrg,
            "peer.version_mismatch" => PeerError::Version {
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
