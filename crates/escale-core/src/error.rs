//! The core's one error type, with stable codes and French/English messages.
//!
//! Adapters (CLI, desktop, hub) never match on message text: they branch on
//! [`Error::code`] and show [`Error::message`] in the user's language. Only
//! codes a caller can act on exist; everything unexpected is `internal`, and
//! its detail is logged rather than shown.

use crate::i18n::Lang;
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
}

impl Error {
    /// Stable machine-readable code, e.g. `event.not_found`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotInitialised => "store.not_initialised",
            Error::AlreadyInitialised => "store.already_initialised",
            Error::DataDir(_) => "store.data_dir",
            Error::ReadOnly => "store.read_only",
            Error::DiskFull => "store.disk_full",
            Error::Busy => "store.busy",
            Error::Corrupt(_) => "store.corrupt",
            Error::Required { .. } => "input.required",
            Error::NameRequired => "visitor.name_required",
            Error::TooLong { .. } => "input.too_long",
            Error::Invalid { .. } => "input.invalid",
            Error::EventNotFound(_) => "event.not_found",
            Error::SessionNotFound(_) => "session.not_found",
            Error::VisitorNotFound(_) => "visitor.not_found",
            Error::VisitorErased(_) => "visitor.erased",
            Error::UnknownCode(_) => "checkin.unknown_code",
            Error::MergeSelf => "merge.same_visitor",
            Error::NothingToUndo => "checkin.nothing_to_undo",
            Error::CloneDetected { .. } => "sync.clone_detected",
            Error::Import(e) => e.code(),
            Error::Export(_) => "export.failed",
            Error::Internal(_) => "internal",
            Error::ProtocolMismatch { theirs, ours } => {
                if theirs < ours {
                    "sync.protocol_too_old"
                } else {
                    "sync.protocol_too_new"
                }
            }
            Error::BadOp(_) => "sync.bad_op",
            Error::BundleNotABundle => "bundle.not_a_bundle",
            Error::BundleTampered => "bundle.tampered",
            Error::BundleWrongOrg => "bundle.wrong_org",
            Error::BundleTooNew(_) => "bundle.too_new",
            Error::SnapshotInvalid(_) => "snapshot.invalid",
        }
    }

    /// The message a person reads, in their language, saying what to do.
    pub fn message(&self, lang: Lang) -> String {
        use Error::*;
        let l = |fr: String, en: String| if lang == Lang::Fr { fr } else { en };
        match self {
            NotInitialised => l(
                "Ce dossier de données n'est pas encore initialisé. Lancez « escale init --org NOM --device NOM ».".into(),
                "This data directory is not initialised yet. Run `escale init --org NAME --device NAME`.".into(),
            ),
            AlreadyInitialised => l(
                "Ce dossier de données est déjà initialisé.".into(),
                "This data directory is already initialised.".into(),
            ),
            DataDir(d) => l(
                format!("Le dossier de données est inutilisable : {d}. Choisissez un autre dossier avec --data-dir."),
                format!("The data directory cannot be used: {d}. Choose another one with --data-dir."),
            ),
            ReadOnly => l(
                "Le dossier de données est en lecture seule : rien n'a été enregistré. Vérifiez les droits ou choisissez un autre dossier.".into(),
                "The data directory is read-only: nothing was saved. Check its permissions or choose another directory.".into(),
            ),
            DiskFull => l(
                "Le disque est plein : rien n'a été enregistré. Libérez de la place puis recommencez.".into(),
                "The disk is full: nothing was saved. Free some space and try again.".into(),
            ),
            Busy => l(
                "La base est occupée par un autre programme. Réessayez dans un instant.".into(),
                "The store is busy in another program. Try again in a moment.".into(),
            ),
            Corrupt(d) => l(
                format!("Le fichier de données est endommagé ({d}). Rien n'a été modifié ; restaurez une sauvegarde ou resynchronisez."),
                format!("The data file is damaged ({d}). Nothing was changed; restore a backup or sync again."),
            ),
            Required { field } => l(
                format!("Le champ « {} » est obligatoire.", field_fr(field)),
                format!("The field \"{}\" is required.", field_en(field)),
            ),
            NameRequired => l(
                "Indiquez au moins un prénom ou un nom.".into(),
                "Enter at least a first name or a last name.".into(),
            ),
            TooLong { field, len, max } => l(
                format!("Le champ « {} » est trop long ({len} caractères, maximum {max}).", field_fr(field)),
                format!("The field \"{}\" is too long ({len} characters, at most {max}).", field_en(field)),
            ),
            Invalid { field, value } => l(
                format!("Valeur invalide pour « {} » : {}", field_fr(field), shorten(value)),
                format!("Invalid value for \"{}\": {}", field_en(field), shorten(value)),
            ),
            EventNotFound(id) => l(
                format!("Événement inconnu : {id}. « escale event list » affiche les événements."),
                format!("Unknown event: {id}. `escale event list` shows the events."),
            ),
            SessionNotFound(id) => l(
                format!("Séance inconnue : {id}."),
                format!("Unknown session: {id}."),
            ),
            VisitorNotFound(id) => l(
                format!("Personne inconnue : {id}."),
                format!("Unknown visitor: {id}."),
            ),
            VisitorErased(_) => l(
                "Cette personne a été effacée à sa demande ; ses données n'existent plus.".into(),
                "This person was erased at their request; their data no longer exists.".into(),
            ),
            UnknownCode(c) => l(
                format!("Aucun inscrit ne correspond au code « {} ». Inscrire la personne sur place ?", shorten(c)),
                format!("No registration matches code \"{}\". Register the person as a walk-in?", shorten(c)),
            ),
            MergeSelf => l(
                "Impossible de fusionner une fiche avec elle-même.".into(),
                "A record cannot be merged into itself.".into(),
            ),
            NothingToUndo => l(
                "Aucun pointage à annuler.".into(),
                "There is no check-in to undo.".into(),
            ),
            CloneDetected { origin, seq } => l(
                format!("Conflit : l'appareil {origin} a produit deux opérations différentes numéro {seq}. Cet ordinateur a probablement été cloné ; réinscrivez-le comme nouvel appareil."),
                format!("Conflict: device {origin} produced two different operations numbered {seq}. This laptop was probably cloned; enrol it again as a new device."),
            ),
            Import(e) => import_message(e, lang),
            Export(d) => l(
                format!("L'export a échoué : {d}. Aucun fichier partiel n'a été laissé."),
                format!("The export failed: {d}. No partial file was left behind."),
            ),
            Internal(_) => l(
                "Erreur interne inattendue. Rien n'a été enregistré à moitié ; le détail est dans le journal.".into(),
                "Unexpected internal error. Nothing was half-saved; the details are in the log.".into(),
            ),
            ProtocolMismatch { theirs, ours } if theirs < ours => l(
                "L'autre appareil utilise une version trop ancienne d'Escale pour synchroniser. Mettez-le à jour ; rien n'a été échangé.".into(),
                "The other device runs a version of Escale too old to sync with. Update it; nothing was exchanged.".into(),
            ),
            ProtocolMismatch { .. } => l(
                "L'autre appareil utilise une version plus récente d'Escale. Mettez à jour cette application ; rien n'a été échangé.".into(),
                "The other device runs a newer version of Escale. Update this app; nothing was exchanged.".into(),
            ),
            BadOp(d) => l(
                format!("Opération refusée : {}. Rien n'a été enregistré ; l'appareil qui l'a envoyée doit être mis à jour.", shorten(d)),
                format!("Operation refused: {}. Nothing was saved; the device that sent it needs an update.", shorten(d)),
            ),
            BundleNotABundle => l(
                "Ce fichier n'est pas un paquet Escale (.escale). Vérifiez que vous avez choisi le bon fichier.".into(),
                "This file is not an Escale bundle (.escale). Check that you picked the right file.".into(),
            ),
            BundleTampered => l(
                "Ce paquet a été modifié ou est endommagé (copie interrompue ?) : rien n'a été importé. Exportez-le à nouveau.".into(),
                "This bundle was modified or is damaged (interrupted copy?): nothing was imported. Export it again.".into(),
            ),
            BundleWrongOrg => l(
                "Ce paquet vient d'une autre organisation : rien n'a été importé.".into(),
                "This bundle comes from another organisation: nothing was imported.".into(),
            ),
            BundleTooNew(_) => l(
                "Ce paquet a été créé par une version plus récente d'Escale. Mettez à jour cette application ; rien n'a été importé.".into(),
                "This bundle was made by a newer version of Escale. Update this app; nothing was imported.".into(),
            ),
            SnapshotInvalid(d) => l(
                format!("Instantané inutilisable ({}) : rien n'a été créé. Demandez-en un nouveau.", shorten(d)),
                format!("Unusable snapshot ({}): nothing was created. Ask for a new one.", shorten(d)),
            ),
        }
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 60 {
        let head: String = s.chars().take(57).collect();
        format!("{head}…")
    } else {
        s.to_string()
    }
}

fn field_fr(field: &str) -> String {
    escale_protocol::fields::input_label(field, Lang::Fr)
}

fn field_en(field: &str) -> String {
    escale_protocol::fields::input_label(field, Lang::En)
}

fn import_message(e: &escale_import::ImportError, lang: Lang) -> String {
    use escale_import::ImportError as I;
    let l = |fr: String, en: String| if lang == Lang::Fr { fr } else { en };
    match e {
        I::Io(err) => match err.kind() {
            std::io::ErrorKind::NotFound => l(
                "Fichier introuvable : vérifiez le chemin.".into(),
                "File not found: check the path.".into(),
            ),
            std::io::ErrorKind::PermissionDenied => l(
                "Lecture du fichier refusée : vérifiez ses droits.".into(),
                "Permission denied reading the file: check its permissions.".into(),
            ),
            std::io::ErrorKind::IsADirectory => l(
                "C'est un dossier, pas un fichier.".into(),
                "This is a folder, not a file.".into(),
            ),
            _ => l(
                format!("Impossible de lire le fichier ({}).", err.kind()),
                format!("Cannot read the file ({}).", err.kind()),
            ),
        },
        I::Empty => l("Le fichier est vide.".into(), "The file is empty.".into()),
        I::NotASpreadsheet => l(
            "Ce fichier n'est pas un tableur : enregistrez-le en CSV ou en XLSX (Excel) puis recommencez.".into(),
            "This file is not a spreadsheet: save it as CSV or XLSX (Excel) and try again.".into(),
        ),
        I::CorruptXlsx(d) => l(
            format!("Le classeur XLSX est endommagé ou tronqué ({d}). Réenregistrez-le depuis Excel ou LibreOffice."),
            format!("The XLSX workbook is damaged or truncated ({d}). Save it again from Excel or LibreOffice."),
        ),
        I::NoHeader => l(
            "Aucune ligne d'en-tête reconnue (Nom, Prénom, E-mail…). Vérifiez que le fichier contient bien une liste d'inscrits.".into(),
            "No recognisable header row (Name, First name, Email…). Check that the file is a list of registrations.".into(),
        ),
        I::HeaderOnly => l(
            "Le fichier ne contient que la ligne d'en-tête : aucune inscription à importer.".into(),
            "The file only has its header row: there are no registrations to import.".into(),
        ),
        I::NoNameColumn => l(
            "Aucune colonne de nom trouvée : il faut une colonne Prénom, Nom ou Nom complet.".into(),
            "No name column found: a First name, Last name or Full name column is needed.".into(),
        ),
        I::TooLarge { size, limit } => l(
            format!("Fichier trop volumineux ({} Mo, maximum {} Mo pour un XLSX). Enregistrez-le en CSV.", size / 1_048_576, limit / 1_048_576),
            format!("File too large ({} MB, at most {} MB for XLSX). Save it as CSV instead.", size / 1_048_576, limit / 1_048_576),
        ),
        I::MalformedCsv { line, message } => l(
            format!("CSV mal formé à la ligne {line} : {message}."),
            format!("Malformed CSV at line {line}: {message}."),
        ),
        I::UnknownField(name) => l(
            format!("La correspondance des colonnes désigne un champ inconnu : « {} ».", shorten(name)),
            format!("The column mapping names an unknown field: \"{}\".", shorten(name)),
        ),
        I::BadMapping(i) => l(
            format!("La colonne n° {} n'existe pas dans ce fichier.", i + 1),
            format!("Column number {} does not exist in this file.", i + 1),
        ),
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
