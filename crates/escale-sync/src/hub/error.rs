//! Why enrolment or a sync failed ([`SyncError`]): a stable code, and a
//! message a person can act on in French or English (a hub's refusal is
//! translated by its code). Nothing here talks to the hub or the store.

use super::client::HubCallError;
use escale_core::error::Error;
use escale_protocol::i18n::Lang;

/// Why enrolment or a sync failed.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Store(#[from] Error),
    #[error(transparent)]
    Hub(#[from] HubCallError),
    #[error("this laptop is not enrolled with a hub")]
    NotEnrolled,
    #[error("invalid hub URL {0}")]
    BadUrl(String),
}

impl SyncError {
    pub fn code(&self) -> &str {
        match self {
            SyncError::Store(e) => e.code(),
            SyncError::Hub(e) => e.code(),
            SyncError::NotEnrolled => "sync.not_enrolled",
            SyncError::BadUrl(_) => "sync.bad_url",
        }
    }

    /// A message a person can act on, in their language.
    pub fn message(&self, lang: Lang) -> String {
        let l = |fr: String, en: String| if lang == Lang::Fr { fr } else { en };
        match self {
            SyncError::Store(e) => e.message(lang),
            SyncError::NotEnrolled => l(
                "Cet ordinateur n'est relié à aucun serveur. Lancez « escale sync enroll ADRESSE CODE » avec le code donné par l'administrateur.".into(),
                "This laptop is not enrolled with a hub. Run `escale sync enroll URL CODE` with the code the administrator gave you.".into(),
            ),
            SyncError::BadUrl(u) => l(
                format!("Adresse de serveur invalide : {u}. Exemple : https://hub.exemple.fr:8787"),
                format!("Invalid hub URL: {u}. Example: https://hub.example.org:8787"),
            ),
            SyncError::Hub(HubCallError::Network(d)) => l(
                format!("Le serveur est injoignable ({d}). Rien n'est perdu : les opérations restent sur cet ordinateur et partiront à la prochaine synchronisation."),
                format!("The hub cannot be reached ({d}). Nothing is lost: the operations stay on this laptop and leave at the next sync."),
            ),
            SyncError::Hub(HubCallError::BadResponse(d)) => l(
                format!("Le serveur a répondu quelque chose d'inattendu ({d}). Vérifiez l'adresse du serveur."),
                format!("The hub answered something unexpected ({d}). Check the hub's URL."),
            ),
            SyncError::Hub(HubCallError::Refused { code, message, .. }) => match code.as_str() {
                "auth.revoked" => l(
                    "Cet ordinateur a été révoqué par l'administrateur du serveur : il ne peut plus synchroniser. Ses opérations restent sur place.".into(),
                    "This laptop was revoked by the hub's administrator: it can no longer sync. Its operations stay here.".into(),
                ),
                "auth.invalid_token" | "auth.missing_token" | "auth.wrong_org" => l(
                    "Le serveur ne reconnaît pas cet ordinateur. Demandez un nouveau code d'inscription et relancez « escale sync enroll ».".into(),
                    "The hub does not recognise this laptop. Ask for a new enrolment code and run `escale sync enroll` again.".into(),
                ),
                "enroll.unknown_code" => l(
                    "Code d'inscription inconnu : vérifiez-le ou demandez-en un nouveau.".into(),
                    "Unknown enrolment code: check it or ask for a new one.".into(),
                ),
                "enroll.code_expired" => l(
                    "Ce code d'inscription a expiré : demandez-en un nouveau à l'administrateur.".into(),
                    "This enrolment code has expired: ask the administrator for a new one.".into(),
                ),
                "enroll.code_used" => l(
                    "Ce code d'inscription a déjà servi : demandez-en un nouveau à l'administrateur.".into(),
                    "This enrolment code was already used: ask the administrator for a new one.".into(),
                ),
                "enroll.device_exists" => l(
                    "Un appareil avec le même identifiant est déjà inscrit : cet ordinateur est peut-être une copie d'un autre. Initialisez un nouveau dossier de données.".into(),
                    "A device with the same id is already enrolled: this laptop may be a copy of another. Initialise a new data directory.".into(),
                ),
                "enroll.rate_limited" => l(
                    "Trop d'essais d'inscription : patientez une minute puis recommencez.".into(),
                    "Too many enrolment attempts: wait a minute and try again.".into(),
                ),
                "sync.clone_detected" => l(
                    "Le serveur a refusé nos opérations : un autre ordinateur utilise le même identifiant (copie de disque ?). Rien n'a été écrit ; contactez l'administrateur.".into(),
                    "The hub refused our operations: another laptop uses the same id (a cloned disk?). Nothing was written; contact the administrator.".into(),
                ),
                "sync.protocol_too_old" => l(
                    "Cette version d'Escale est trop ancienne pour ce serveur : mettez l'application à jour. Rien n'a été échangé.".into(),
                    "This version of Escale is too old for this hub: update the app. Nothing was exchanged.".into(),
                ),
                "sync.protocol_too_new" => l(
                    "Le serveur utilise une version plus ancienne d'Escale : il doit être mis à jour. Rien n'a été échangé.".into(),
                    "The hub runs an older version of Escale: it needs an update. Nothing was exchanged.".into(),
                ),
                _ => l(format!("Le serveur a refusé : {message} [{code}]"), format!("The hub refused: {message} [{code}]")),
            },
        }
    }
}
