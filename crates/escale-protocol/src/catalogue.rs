//! The catalogue: every error code Escale speaks ([`Code`], a closed set)
//! and every message a person reads about a problem ([`Msg`], French and
//! English), in one table.
//!
//! The core, the sync transports, the hub (English on the wire), the
//! desktop shell and the CLI all describe their failures as a [`Problem`]:
//! a message of this table and the values of its `{placeholders}`. Codes are
//! what programs branch on; messages say what to do. The table is exported
//! to TypeScript (the UI renders warnings and import issues from it), and
//! a test checks that both languages of each message name the same
//! placeholders and that every code has its message.
//!
//! A code's own message has the code as its id (`enroll.code_used`); a
//! message written for one audience of the same code has an id after an
//! `@` (`sync.offline@desk`: the desk says "the hub" where the CLI names a
//! command). Messages without a code are texts about data, not failures:
//! warnings (`warning.*`) and import row issues (`issue.*`).

use crate::i18n::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, )*) => {
        /// Every error code, closed: what programs branch on.
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ErrorCode"))]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Code {
            $( $(#[$doc])* #[serde(rename = $code)] $variant, )*
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable dotted name (`event.not_found`).
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// A code by its dotted name (a code another node sent).
            pub fn parse(s: &str) -> Option<Code> {
                match s { $($code => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

codes! {
    StoreNotInitialised = "store.not_initialised",
    StoreAlreadyInitialised = "store.already_initialised",
    StoreDataDir = "store.data_dir",
    StoreReadOnly = "store.read_only",
    StoreDiskFull = "store.disk_full",
    StoreBusy = "store.busy",
    StoreCorrupt = "store.corrupt",
    InputRequired = "input.required",
    VisitorNameRequired = "visitor.name_required",
    InputTooLong = "input.too_long",
    InputInvalid = "input.invalid",
    EventNotFound = "event.not_found",
    SessionNotFound = "session.not_found",
    VisitorNotFound = "visitor.not_found",
    VisitorErased = "visitor.erased",
    CheckinUnknownCode = "checkin.unknown_code",
    MergeSameVisitor = "merge.same_visitor",
    CheckinNothingToUndo = "checkin.nothing_to_undo",
    SyncCloneDetected = "sync.clone_detected",
    ImportIo = "import.io",
    ImportEmpty = "import.empty",
    ImportNotASpreadsheet = "import.not_a_spreadsheet",
    ImportCorruptXlsx = "import.corrupt_xlsx",
    ImportNoHeader = "import.no_header",
    ImportHeaderOnly = "import.header_only",
    ImportNoNameColumn = "import.no_name_column",
    ImportTooLarge = "import.too_large",
    ImportMalformedCsv = "import.malformed_csv",
    ImportBadMapping = "import.bad_mapping",
    ImportUnknownField = "import.unknown_field",
    ExportFailed = "export.failed",
    Internal = "internal",
    SyncProtocolTooOld = "sync.protocol_too_old",
    SyncProtocolTooNew = "sync.protocol_too_new",
    SyncProtocolMissing = "sync.protocol_missing",
    SyncBadOp = "sync.bad_op",
    BundleNotABundle = "bundle.not_a_bundle",
    BundleTampered = "bundle.tampered",
    BundleWrongOrg = "bundle.wrong_org",
    BundleTooNew = "bundle.too_new",
    SnapshotInvalid = "snapshot.invalid",
    SyncOffline = "sync.offline",
    SyncBadResponse = "sync.bad_response",
    SyncNotEnrolled = "sync.not_enrolled",
    SyncBadUrl = "sync.bad_url",
    SyncHttpError = "sync.http_error",
    SyncBatchTooLarge = "sync.batch_too_large",
    /// A refusal whose code this version does not know.
    SyncRefused = "sync.refused",
    AuthMissingToken = "auth.missing_token",
    AuthInvalidToken = "auth.invalid_token",
    AuthRevoked = "auth.revoked",
    AuthWrongOrg = "auth.wrong_org",
    AuthDeviceMismatch = "auth.device_mismatch",
    EnrollUnknownCode = "enroll.unknown_code",
    EnrollCodeExpired = "enroll.code_expired",
    EnrollCodeUsed = "enroll.code_used",
    EnrollDeviceExists = "enroll.device_exists",
    EnrollRateLimited = "enroll.rate_limited",
    RequestMalformedJson = "request.malformed_json",
    RequestInvalid = "request.invalid",
    RequestTooLarge = "request.too_large",
    RequestNotFound = "request.not_found",
    OrgNotFound = "org.not_found",
    DeviceNotFound = "device.not_found",
    HubTimeout = "hub.timeout",
    HubDatabase = "hub.database",
    HubWriteFailed = "hub.write_failed",
    PeerBadCode = "peer.bad_code",
    PeerWrongCode = "peer.wrong_code",
    PeerCodeBurned = "peer.code_burned",
    PeerCodeExpired = "peer.code_expired",
    PeerNotFound = "peer.not_found",
    PeerAmbiguous = "peer.ambiguous",
    PeerOtherOrg = "peer.other_org",
    PeerTimeout = "peer.timeout",
    PeerNetwork = "peer.network",
    PeerListen = "peer.listen",
    PeerProtocol = "peer.protocol",
    PeerTampered = "peer.tampered",
    PeerTooLarge = "peer.too_large",
    PeerVersionMismatch = "peer.version_mismatch",
    PeerDiscovery = "peer.discovery",
    /// The other laptop could not store the exchange.
    PeerFailed = "peer.failed",
    /// A refusal from the other laptop whose code this version does not know.
    PeerRefused = "peer.refused",
    /// A command line that does not parse.
    Usage = "usage",
    UsageConfirmationRequired = "usage.confirmation_required",
    Cancelled = "cancelled",
    OpsVerifyMismatch = "ops.verify_mismatch",
    CertificateNoAttendance = "certificate.no_attendance",
    CertificateNotFound = "certificate.not_found",
    MediationNotFound = "mediation.not_found",
    StationNotFound = "station.not_found",
    StationBusy = "station.busy",
    StationNoneFree = "station.none_free",
    StationOutOfOrder = "station.out_of_order",
    StationAlreadySeated = "station.already_seated",
    StationUseNotFound = "station.use_not_found",
    StationUseEnded = "station.use_ended",
    TicketNotFound = "queue.ticket_not_found",
    QueueAlreadyWaiting = "queue.already_waiting",
    QueueEmpty = "queue.empty",
    PrintQuotaExceeded = "print.quota_exceeded",
    PrintNotAPdf = "print.not_a_pdf",
    PassNotFound = "cowork.pass_not_found",
    SeriesNotFound = "report.series_not_found",
    CertificateMalformed = "certificate.malformed",
    CertificateTampered = "certificate.tampered",
    CertificateOtherKey = "certificate.other_key",
    CertificateRevoked = "certificate.revoked",
    PrinterNotFound = "printer.not_found",
    PrinterUnavailable = "printer.unavailable",
    PrinterFailed = "printer.failed",
    AuthLocked = "auth.locked",
    AuthForbidden = "auth.forbidden",
    AuthWrongPin = "auth.wrong_pin",
    AuthThrottled = "auth.throttled",
    AuthPinFormat = "auth.pin_format",
    StaffNotFound = "staff.not_found",
    StaffNameTaken = "staff.name_taken",
    StaffLastCoordinator = "staff.last_coordinator",
    StaffFirstCoordinator = "staff.first_coordinator",
    StoreKeyInvalid = "store.key_invalid",
    StoreKeyWrong = "store.key_wrong",
    StorePassphraseWrong = "store.passphrase_wrong",
    StorePassphraseShort = "store.passphrase_short",
}

/// How the CLI exits on a code (`docs/cli.md`): the one place codes are
/// sorted into classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// What was typed or given is wrong (exit 2).
    Usage,
    /// The data directory or its file (exit 3).
    Store,
    /// A refusal or a failure the person can act on (exit 1).
    Failed,
    /// A bug (exit 4).
    Internal,
}

impl Code {
    pub fn class(self) -> Class {
        use Code::*;
        match self {
            Internal => Class::Internal,
            StoreAlreadyInitialised => Class::Failed,
            StoreNotInitialised | StoreDataDir | StoreReadOnly | StoreDiskFull | StoreBusy
            | StoreCorrupt | StoreKeyInvalid | StoreKeyWrong | StorePassphraseWrong => Class::Store,
            InputRequired
            | InputTooLong
            | InputInvalid
            | StorePassphraseShort
            | VisitorNameRequired
            | EventNotFound
            | SessionNotFound
            | VisitorNotFound
            | VisitorErased
            | CheckinUnknownCode
            | MergeSameVisitor
            | OrgNotFound
            | DeviceNotFound
            | SyncBadUrl
            | PeerBadCode
            | Usage
            | UsageConfirmationRequired
            | ImportIo
            | ImportEmpty
            | ImportNotASpreadsheet
            | ImportCorruptXlsx
            | ImportNoHeader
            | ImportHeaderOnly
            | ImportNoNameColumn
            | ImportTooLarge
            | ImportMalformedCsv
            | ImportBadMapping
            | ImportUnknownField
            | BundleNotABundle
            | BundleTampered
            | BundleWrongOrg
            | BundleTooNew
            | CertificateNotFound
            | MediationNotFound
            | StationNotFound
            | StationUseNotFound
            | TicketNotFound
            | PassNotFound
            | PrintNotAPdf
            | SeriesNotFound
            | CertificateMalformed
            | PrinterNotFound
            | AuthPinFormat
            | StaffNotFound => Class::Usage,
            _ => Class::Failed,
        }
    }

    /// This code's own message.
    pub fn msg(self) -> &'static Msg {
        msg(self.as_str()).unwrap_or(&m::INTERNAL)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A message of the catalogue: `{name}` placeholders are filled by the
/// problem's arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Msg {
    pub id: &'static str,
    /// The error code it is about (none for warnings and import issues).
    pub code: Option<Code>,
    pub fr: &'static str,
    pub en: &'static str,
}

impl Msg {
    pub fn text(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Fr => self.fr,
            Lang::En => self.en,
        }
    }

    /// The message in `lang`, its placeholders filled; an argument missing
    /// leaves its placeholder visible rather than failing.
    pub fn render(&self, lang: Lang, args: &Args) -> String {
        render(self.text(lang), args)
    }
}

/// The values of a message's placeholders, by name.
pub type Args = BTreeMap<&'static str, String>;

fn render(template: &str, args: &Args) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if after[..close]
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_') =>
            {
                let name = &after[..close];
                match args.get(name) {
                    Some(v) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The placeholders a template names, in order of appearance.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut out = vec![];
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if after[..close]
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_') =>
            {
                out.push(&after[..close]);
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

/// A problem to tell someone about: a message and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub msg: &'static Msg,
    pub args: Args,
}

impl Problem {
    pub fn new(msg: &'static Msg) -> Problem {
        Problem {
            msg,
            args: Args::new(),
        }
    }

    /// Sets a placeholder's value (values longer than 200 characters are cut:
    /// a message stays readable whatever was typed).
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Problem {
        let v = value.to_string();
        let v = if v.chars().count() > 200 {
            format!("{}…", v.chars().take(197).collect::<String>())
        } else {
            v
        };
        self.args.insert(name, v);
        self
    }

    /// The code programs branch on (`internal` for a message without one).
    pub fn code(&self) -> Code {
        self.msg.code.unwrap_or(Code::Internal)
    }

    /// The message in `lang`. A `field` argument holds a field's name and
    /// is shown by its label in that language ("prénom" / "first name");
    /// `role` and `action` arguments (a staff role, what a use case does)
    /// likewise.
    pub fn message(&self, lang: Lang) -> String {
        use crate::roles::{Action, Role};
        let field = self.args.get("field");
        let role = self.args.get("role").and_then(|r| Role::parse(r));
        let action = self.args.get("action").and_then(|a| Action::parse(a));
        if field.is_none() && role.is_none() && action.is_none() {
            return self.msg.render(lang, &self.args);
        }
        let mut args = self.args.clone();
        if let Some(name) = field {
            args.insert("field", crate::fields::input_label(name, lang));
        }
        if let Some(r) = role {
            args.insert("role", r.label().get(lang).to_string());
        }
        if let Some(a) = action {
            args.insert("action", a.label().get(lang).to_string());
        }
        self.msg.render(lang, &args)
    }

    /// A problem another node described by its code and arguments: the
    /// code's own message, or `None` for a code this version does not know
    /// or when a value its message names is missing (an older node's).
    pub fn from_wire(code: &str, args: &BTreeMap<String, String>) -> Option<Problem> {
        let msg = Code::parse(code)?.msg();
        let mut p = Problem::new(msg);
        for name in placeholders(msg.en) {
            p = p.arg(name, args.get(name)?);
        }
        Some(p)
    }

    /// The arguments as the wire carries them.
    pub fn wire_args(&self) -> BTreeMap<String, String> {
        self.args
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }
}

/// Anything that fails with a message of the catalogue.
pub trait Describe {
    fn describe(&self) -> Problem;
}

impl Describe for Problem {
    fn describe(&self) -> Problem {
        self.clone()
    }
}

macro_rules! messages {
    ($( $name:ident = $id:literal $(($code:ident))? { fr: $fr:expr, en: $en:expr $(,)? } )*) => {
        /// Every message, by name (`m::EVENT_NOT_FOUND`).
        pub mod m {
            use super::*;
            $( pub const $name: Msg = Msg { id: $id, code: messages!(@code $($code)?), fr: $fr, en: $en }; )*
        }

        /// Every message of the catalogue.
        pub const MESSAGES: &[Msg] = &[$(m::$name),*];
    };
    (@code $code:ident) => { Some(Code::$code) };
    (@code) => { None };
}

/// The message with this id.
pub fn msg(id: &str) -> Option<&'static Msg> {
    MESSAGES.iter().find(|m| m.id == id)
}

messages! {
    // --- the data directory and its store
    STORE_NOT_INITIALISED = "store.not_initialised" (StoreNotInitialised) {
        fr: "Ce dossier de données n'est pas encore initialisé. Lancez « escale init --org NOM --device NOM ».",
        en: "This data directory is not initialised yet. Run `escale init --org NAME --device NAME`.",
    }
    STORE_ALREADY_INITIALISED = "store.already_initialised" (StoreAlreadyInitialised) {
        fr: "Ce dossier de données est déjà initialisé.",
        en: "This data directory is already initialised.",
    }
    STORE_DATA_DIR = "store.data_dir" (StoreDataDir) {
        fr: "Le dossier de données est inutilisable : {detail}. Choisissez un autre dossier avec --data-dir.",
        en: "The data directory cannot be used: {detail}. Choose another one with --data-dir.",
    }
    STORE_READ_ONLY = "store.read_only" (StoreReadOnly) {
        fr: "Le dossier de données est en lecture seule : rien n'a été enregistré. Vérifiez les droits ou choisissez un autre dossier.",
        en: "The data directory is read-only: nothing was saved. Check its permissions or choose another directory.",
    }
    STORE_DISK_FULL = "store.disk_full" (StoreDiskFull) {
        fr: "Le disque est plein : rien n'a été enregistré. Libérez de la place puis recommencez.",
        en: "The disk is full: nothing was saved. Free some space and try again.",
    }
    STORE_BUSY = "store.busy" (StoreBusy) {
        fr: "La base est occupée par un autre programme. Réessayez dans un instant.",
        en: "The store is busy in another program. Try again in a moment.",
    }
    STORE_CORRUPT = "store.corrupt" (StoreCorrupt) {
        fr: "Le fichier de données est endommagé ({detail}). Rien n'a été modifié ; restaurez une sauvegarde ou resynchronisez.",
        en: "The data file is damaged ({detail}). Nothing was changed; restore a backup or sync again.",
    }
    // --- what people type
    INPUT_REQUIRED = "input.required" (InputRequired) {
        fr: "Le champ « {field} » est obligatoire.",
        en: "The field \"{field}\" is required.",
    }
    INPUT_REQUIRED_URL = "input.required@url" (InputRequired) {
        fr: "Indiquez l'adresse du serveur, par exemple https://hub.exemple.fr:8787.",
        en: "Enter the hub's address, for example https://hub.example.org:8787.",
    }
    INPUT_REQUIRED_CODE = "input.required@code" (InputRequired) {
        fr: "Indiquez le code d'inscription donné par l'administrateur (ou scannez son QR code).",
        en: "Enter the enrolment code the administrator gave you (or scan its QR code).",
    }
    INPUT_REQUIRED_ENROL_CODE = "input.required@enrol_code" (InputRequired) {
        fr: "Indiquez le code d'inscription après l'adresse du serveur, ou le lien entier escale://enroll?hub=…&code=…",
        en: "Give the enrolment code after the hub's URL, or the whole link escale://enroll?hub=…&code=…",
    }
    VISITOR_NAME_REQUIRED = "visitor.name_required" (VisitorNameRequired) {
        fr: "Indiquez au moins un prénom ou un nom.",
        en: "Enter at least a first name or a last name.",
    }
    INPUT_TOO_LONG = "input.too_long" (InputTooLong) {
        fr: "Le champ « {field} » est trop long ({len} caractères, maximum {max}).",
        en: "The field \"{field}\" is too long ({len} characters, at most {max}).",
    }
    INPUT_INVALID = "input.invalid" (InputInvalid) {
        fr: "Valeur invalide pour « {field} » : {value}",
        en: "Invalid value for \"{field}\": {value}",
    }
    INPUT_INVALID_ADDRESS = "input.invalid@address" (InputInvalid) {
        fr: "{flag} {value} : HÔTE:PORT, par exemple 192.168.1.12:45678",
        en: "{flag} {value}: HOST:PORT, e.g. 192.168.1.12:45678",
    }
    INPUT_INVALID_FILE = "input.invalid@file" (InputInvalid) {
        fr: "{path} : {detail}",
        en: "{path}: {detail}",
    }
    INPUT_INVALID_IMAGE = "input.invalid@image" (InputInvalid) {
        fr: "« {path} » n'est pas une image PNG ou JPEG lisible : choisissez le logo ou la signature enregistré en PNG ou JPEG.",
        en: "\"{path}\" is not a readable PNG or JPEG image: choose the logo or signature saved as PNG or JPEG.",
    }
    INPUT_TOO_LONG_IMAGE = "input.too_long@image" (InputTooLong) {
        fr: "« {path} » est trop lourde ({size} Mo ; 10 Mo au plus).",
        en: "\"{path}\" is too large ({size} MB; 10 MB at most).",
    }
    // --- the desk
    EVENT_NOT_FOUND = "event.not_found" (EventNotFound) {
        fr: "Événement inconnu : {id}. « escale event list » affiche les événements.",
        en: "Unknown event: {id}. `escale event list` shows the events.",
    }
    SESSION_NOT_FOUND = "session.not_found" (SessionNotFound) {
        fr: "Séance inconnue : {id}.",
        en: "Unknown session: {id}.",
    }
    VISITOR_NOT_FOUND = "visitor.not_found" (VisitorNotFound) {
        fr: "Personne inconnue : {id}.",
        en: "Unknown visitor: {id}.",
    }
    VISITOR_ERASED = "visitor.erased" (VisitorErased) {
        fr: "Cette personne a été effacée à sa demande ; ses données n'existent plus.",
        en: "This person was erased at their request; their data no longer exists.",
    }
    SERIES_NOT_FOUND = "report.series_not_found" (SeriesNotFound) {
        fr: "Aucun événement de la série « {name} » (dans cette période) : vérifiez le nom de la série dans la fiche des événements.",
        en: "No event of the series \"{name}\" (in this period): check the series name on the events.",
    }
    // --- public computers, the waiting list, print quota, coworking
    STATION_NOT_FOUND = "station.not_found" (StationNotFound) {
        fr: "Aucun poste ne s'appelle « {name} » : `escale station list` les montre tous.",
        en: "No station is called \"{name}\": `escale station list` shows them all.",
    }
    STATION_BUSY = "station.busy" (StationBusy) {
        fr: "{station} est déjà occupé par {name}. {next} est libre.",
        en: "{station} is already taken by {name}. {next} is free.",
    }
    STATION_BUSY_LAST = "station.busy@last" (StationBusy) {
        fr: "{station} est déjà occupé par {name}, et aucun autre poste n'est libre : proposez la file d'attente.",
        en: "{station} is already taken by {name}, and no other station is free: offer the waiting list.",
    }
    STATION_NONE_FREE = "station.none_free" (StationNoneFree) {
        fr: "Tous les postes sont occupés : inscrivez la personne dans la file d'attente (ticket).",
        en: "Every station is taken: add the person to the waiting list (ticket).",
    }
    STATION_OUT_OF_ORDER = "station.out_of_order" (StationOutOfOrder) {
        fr: "{station} est hors service : choisissez un autre poste ou remettez-le en service.",
        en: "{station} is out of order: pick another station or put it back in service.",
    }
    STATION_ALREADY_SEATED = "station.already_seated" (StationAlreadySeated) {
        fr: "{name} est déjà installé·e sur {station} : terminez cette session d'abord.",
        en: "{name} is already on {station}: end that session first.",
    }
    STATION_USE_NOT_FOUND = "station.use_not_found" (StationUseNotFound) {
        fr: "Aucune session de poste ne porte l'identifiant {id}.",
        en: "No station session {id}.",
    }
    STATION_USE_ENDED = "station.use_ended" (StationUseEnded) {
        fr: "La session de {name} sur {station} est déjà terminée.",
        en: "{name}'s session on {station} has already ended.",
    }
    TICKET_NOT_FOUND = "queue.ticket_not_found" (TicketNotFound) {
        fr: "Aucun ticket {ticket} dans la file d'attente d'aujourd'hui.",
        en: "No ticket {ticket} in today's waiting list.",
    }
    QUEUE_ALREADY_WAITING = "queue.already_waiting" (QueueAlreadyWaiting) {
        fr: "{name} attend déjà un poste avec le ticket n° {ticket}.",
        en: "{name} is already waiting for a station with ticket {ticket}.",
    }
    QUEUE_EMPTY = "queue.empty" (QueueEmpty) {
        fr: "Personne n'attend de poste.",
        en: "Nobody is waiting for a station.",
    }
    PRINT_QUOTA_EXCEEDED = "print.quota_exceeded" (PrintQuotaExceeded) {
        fr: "{name} a déjà imprimé {used} page(s) aujourd'hui sur {quota} : {pages} de plus dépasserait le quota. Un·e membre de l'équipe peut accorder des pages.",
        en: "{name} has printed {used} of {quota} page(s) today: {pages} more would go over the quota. Staff can grant more pages.",
    }
    PRINT_NOT_A_PDF = "print.not_a_pdf" (PrintNotAPdf) {
        fr: "« {file} » n'est pas un PDF lisible ({detail}) : enregistrez le document en PDF (50 Mo au plus) puis réessayez.",
        en: "\"{file}\" is not a readable PDF ({detail}): save the document as a PDF (50 MB at most) and try again.",
    }
    STORE_KEY_INVALID = "store.key_invalid" (StoreKeyInvalid) {
        fr: "La clé du magasin de données (ESCALE_STORE_KEY ou le fichier ESCALE_STORE_KEY_FILE) doit compter 64 chiffres hexadécimaux.",
        en: "The store key (ESCALE_STORE_KEY or the file ESCALE_STORE_KEY_FILE) must be 64 hexadecimal digits.",
    }
    STORE_KEY_WRONG = "store.key_wrong" (StoreKeyWrong) {
        fr: "Ce dossier de données est chiffré : il faut sa clé (ESCALE_STORE_KEY ou ESCALE_STORE_KEY_FILE) ou sa phrase de passe, et rien de ce qui a été donné ne l'ouvre.",
        en: "This data directory is encrypted: it needs its key (ESCALE_STORE_KEY or ESCALE_STORE_KEY_FILE) or its passphrase, and nothing given opens it.",
    }
    STORE_PASSPHRASE_WRONG = "store.passphrase_wrong" (StorePassphraseWrong) {
        fr: "Ce dossier de données est protégé par une phrase de passe, et celle donnée ne l'ouvre pas (au terminal, ou ESCALE_STORE_PASSPHRASE).",
        en: "This data directory is protected by a passphrase, and the one given does not open it (on the terminal, or ESCALE_STORE_PASSPHRASE).",
    }
    STORE_PASSPHRASE_SHORT = "store.passphrase_short" (StorePassphraseShort) {
        fr: "La phrase de passe doit compter au moins {min} caractères : prenez quelques mots faciles à retenir.",
        en: "The passphrase must be at least {min} characters long: take a few words easy to remember.",
    }
    // --- staff accounts, the lock, roles
    AUTH_LOCKED = "auth.locked" (AuthLocked) {
        fr: "Escale est verrouillé : déverrouillez-le avec votre nom et votre code PIN (en ligne de commande : --as NOM).",
        en: "Escale is locked: unlock it with your name and PIN (on the command line: --as NAME).",
    }
    AUTH_FORBIDDEN = "auth.forbidden" (AuthForbidden) {
        fr: "Votre rôle ({role}) ne permet pas d'effectuer cette action : {action}. Demandez à une personne de la coordination.",
        en: "Your role ({role}) does not allow this: {action}. Ask a coordinator.",
    }
    AUTH_WRONG_PIN = "auth.wrong_pin" (AuthWrongPin) {
        fr: "Nom ou code PIN incorrect.",
        en: "Wrong name or PIN.",
    }
    AUTH_THROTTLED = "auth.throttled" (AuthThrottled) {
        fr: "Trop d'essais manqués : réessayez dans {seconds} s.",
        en: "Too many wrong tries: try again in {seconds} s.",
    }
    AUTH_PIN_FORMAT = "auth.pin_format" (AuthPinFormat) {
        fr: "Le code PIN compte de 4 à 8 chiffres.",
        en: "A PIN is 4 to 8 digits.",
    }
    STAFF_NOT_FOUND = "staff.not_found" (StaffNotFound) {
        fr: "Aucun membre de l'équipe ne s'appelle « {name} » : `escale staff list` les montre tous.",
        en: "No staff member is called \"{name}\": `escale staff list` shows them all.",
    }
    STAFF_NAME_TAKEN = "staff.name_taken" (StaffNameTaken) {
        fr: "Un membre de l'équipe s'appelle déjà « {name} » : choisissez un autre nom (ajoutez l'initiale du nom de famille).",
        en: "A staff member is already called \"{name}\": choose another name (add a last-name initial).",
    }
    STAFF_LAST_COORDINATOR = "staff.last_coordinator" (StaffLastCoordinator) {
        fr: "{name} est la dernière personne de la coordination : nommez-en une autre avant de changer son rôle ou de désactiver son compte.",
        en: "{name} is the last coordinator: make someone else coordinator before changing their role or disabling their account.",
    }
    STAFF_FIRST_COORDINATOR = "staff.first_coordinator" (StaffFirstCoordinator) {
        fr: "Le premier compte de l'équipe est celui d'une personne de la coordination.",
        en: "The first staff account is a coordinator's.",
    }
    PASS_NOT_FOUND = "cowork.pass_not_found" (PassNotFound) {
        fr: "Aucun pass de coworking ne porte l'identifiant {id}.",
        en: "No coworking pass {id}.",
    }
    MEDIATION_NOT_FOUND = "mediation.not_found" (MediationNotFound) {
        fr: "Aucune aide ne porte l'identifiant {id} dans le journal de médiation.",
        en: "No entry {id} in the mediation log.",
    }
    // --- certificates, badges, printers
    CERTIFICATE_NO_ATTENDANCE = "certificate.no_attendance" (CertificateNoAttendance) {
        fr: "{name} n'a pas été accueilli(e) à « {event} » : une attestation ne se délivre qu'aux personnes venues.",
        en: "{name} was not checked in at \"{event}\": certificates are only for people who came.",
    }
    CERTIFICATE_NOT_FOUND = "certificate.not_found" (CertificateNotFound) {
        fr: "Aucune attestation ne porte le numéro {number} sur cet ordinateur.",
        en: "No certificate numbered {number} is known on this computer.",
    }
    CERTIFICATE_MALFORMED = "certificate.malformed" (CertificateMalformed) {
        fr: "Ce n'est pas un code d'attestation Escale (ou il est incomplet) : vérifiez le numéro ou scannez à nouveau le QR code.",
        en: "This is not an Escale certificate code (or it is incomplete): check the number or scan the QR code again.",
    }
    CERTIFICATE_TAMPERED = "certificate.tampered" (CertificateTampered) {
        fr: "Attestation NON VALIDE : la signature ne correspond pas. Le nom, la date ou la durée ont été modifiés après sa délivrance.",
        en: "Certificate NOT VALID: the signature does not match. The name, date or duration was changed after it was issued.",
    }
    CERTIFICATE_OTHER_KEY = "certificate.other_key" (CertificateOtherKey) {
        fr: "Attestation NON VALIDE pour cette organisation : elle est signée par une autre clé ({key_id}).",
        en: "Certificate NOT VALID for this organisation: it is signed with another key ({key_id}).",
    }
    CERTIFICATE_REVOKED = "certificate.revoked" (CertificateRevoked) {
        fr: "Attestation {number} RÉVOQUÉE le {date} : {reason}",
        en: "Certificate {number} REVOKED on {date}: {reason}",
    }
    PRINTER_NOT_FOUND = "printer.not_found" (PrinterNotFound) {
        fr: "Imprimante inconnue : {printer}. « escale printer list » affiche les imprimantes.",
        en: "Unknown printer: {printer}. `escale printer list` shows the printers.",
    }
    PRINTER_UNAVAILABLE = "printer.unavailable" (PrinterUnavailable) {
        fr: "Impossible de joindre le service d'impression (CUPS) : {detail}. Enregistrez le PDF et imprimez-le plus tard.",
        en: "The print service (CUPS) cannot be reached: {detail}. Save the PDF and print it later.",
    }
    PRINTER_FAILED = "printer.failed" (PrinterFailed) {
        fr: "L'imprimante {printer} n'a pas pris le travail : {detail}. Rien n'est perdu : réessayez ou enregistrez le PDF.",
        en: "Printer {printer} did not take the job: {detail}. Nothing is lost: try again or save the PDF.",
    }
    CHECKIN_UNKNOWN_CODE = "checkin.unknown_code" (CheckinUnknownCode) {
        fr: "Aucun inscrit ne correspond au code « {code} ». Inscrire la personne sur place ?",
        en: "No registration matches code \"{code}\". Register the person as a walk-in?",
    }
    MERGE_SAME_VISITOR = "merge.same_visitor" (MergeSameVisitor) {
        fr: "Impossible de fusionner une fiche avec elle-même.",
        en: "A record cannot be merged into itself.",
    }
    CHECKIN_NOTHING_TO_UNDO = "checkin.nothing_to_undo" (CheckinNothingToUndo) {
        fr: "Aucun pointage à annuler.",
        en: "There is no check-in to undo.",
    }
    // --- imports and exports
    IMPORT_IO = "import.io" (ImportIo) {
        fr: "Impossible de lire le fichier ({detail}).",
        en: "Cannot read the file ({detail}).",
    }
    IMPORT_IO_NOT_FOUND = "import.io@not_found" (ImportIo) {
        fr: "Fichier introuvable : vérifiez le chemin.",
        en: "File not found: check the path.",
    }
    IMPORT_IO_DENIED = "import.io@denied" (ImportIo) {
        fr: "Lecture du fichier refusée : vérifiez ses droits.",
        en: "Permission denied reading the file: check its permissions.",
    }
    IMPORT_IO_DIRECTORY = "import.io@directory" (ImportIo) {
        fr: "C'est un dossier, pas un fichier.",
        en: "This is a folder, not a file.",
    }
    IMPORT_EMPTY = "import.empty" (ImportEmpty) {
        fr: "Le fichier est vide.",
        en: "The file is empty.",
    }
    IMPORT_NOT_A_SPREADSHEET = "import.not_a_spreadsheet" (ImportNotASpreadsheet) {
        fr: "Ce fichier n'est pas un tableur : enregistrez-le en CSV ou en XLSX (Excel) puis recommencez.",
        en: "This file is not a spreadsheet: save it as CSV or XLSX (Excel) and try again.",
    }
    IMPORT_CORRUPT_XLSX = "import.corrupt_xlsx" (ImportCorruptXlsx) {
        fr: "Le classeur XLSX est endommagé ou tronqué ({detail}). Réenregistrez-le depuis Excel ou LibreOffice.",
        en: "The XLSX workbook is damaged or truncated ({detail}). Save it again from Excel or LibreOffice.",
    }
    IMPORT_NO_HEADER = "import.no_header" (ImportNoHeader) {
        fr: "Aucune ligne d'en-tête reconnue (Nom, Prénom, E-mail…). Vérifiez que le fichier contient bien une liste d'inscrits.",
        en: "No recognisable header row (Name, First name, Email…). Check that the file is a list of registrations.",
    }
    IMPORT_HEADER_ONLY = "import.header_only" (ImportHeaderOnly) {
        fr: "Le fichier ne contient que la ligne d'en-tête : aucune inscription à importer.",
        en: "The file only has its header row: there are no registrations to import.",
    }
    IMPORT_NO_NAME_COLUMN = "import.no_name_column" (ImportNoNameColumn) {
        fr: "Aucune colonne de nom trouvée : il faut une colonne Prénom, Nom ou Nom complet.",
        en: "No name column found: a First name, Last name or Full name column is needed.",
    }
    IMPORT_TOO_LARGE = "import.too_large" (ImportTooLarge) {
        fr: "Fichier trop volumineux ({size} Mo, maximum {limit} Mo pour un XLSX). Enregistrez-le en CSV.",
        en: "File too large ({size} MB, at most {limit} MB for XLSX). Save it as CSV instead.",
    }
    IMPORT_MALFORMED_CSV = "import.malformed_csv" (ImportMalformedCsv) {
        fr: "CSV mal formé à la ligne {line} : {detail}.",
        en: "Malformed CSV at line {line}: {detail}.",
    }
    IMPORT_BAD_MAPPING = "import.bad_mapping" (ImportBadMapping) {
        fr: "La colonne n° {column} n'existe pas dans ce fichier.",
        en: "Column number {column} does not exist in this file.",
    }
    IMPORT_UNKNOWN_FIELD = "import.unknown_field" (ImportUnknownField) {
        fr: "La correspondance des colonnes désigne un champ inconnu : « {name} ».",
        en: "The column mapping names an unknown field: \"{name}\".",
    }
    EXPORT_FAILED = "export.failed" (ExportFailed) {
        fr: "L'export a échoué : {detail}. Aucun fichier partiel n'a été laissé.",
        en: "The export failed: {detail}. No partial file was left behind.",
    }
    INTERNAL = "internal" (Internal) {
        fr: "Erreur interne inattendue. Rien n'a été enregistré à moitié ; le détail est dans le journal.",
        en: "Unexpected internal error. Nothing was half-saved; the details are in the log.",
    }
    // --- sync between devices (what another node sent, or what it is told)
    SYNC_CLONE_DETECTED = "sync.clone_detected" (SyncCloneDetected) {
        fr: "Conflit : l'appareil {origin} a produit deux opérations différentes numéro {seq}. Cet ordinateur a probablement été cloné ; réinscrivez-le comme nouvel appareil.",
        en: "Conflict: device {origin} produced two different operations numbered {seq}. This laptop was probably cloned; enrol it again as a new device.",
    }
    SYNC_CLONE_DETECTED_HUB = "sync.clone_detected@hub" (SyncCloneDetected) {
        fr: "Le serveur a refusé nos opérations : un autre ordinateur utilise le même identifiant (copie de disque ?). Rien n'a été écrit ; contactez l'administrateur.",
        en: "The hub refused our operations: another laptop uses the same id (a cloned disk?). Nothing was written; contact the administrator.",
    }
    SYNC_CLONE_DETECTED_PEER = "sync.clone_detected@peer" (SyncCloneDetected) {
        fr: "L'autre ordinateur a refusé nos opérations : deux ordinateurs utilisent le même identifiant (copie de disque ?). Rien n'a été écrit ; réinstallez l'un des deux comme nouvel appareil.",
        en: "The other laptop refused our operations: two laptops use the same id (a cloned disk?). Nothing was written; set one of them up again as a new device.",
    }
    SYNC_PROTOCOL_TOO_OLD = "sync.protocol_too_old" (SyncProtocolTooOld) {
        fr: "L'autre appareil utilise une version trop ancienne d'Escale pour synchroniser (protocole {theirs}, ici {ours}). Mettez-le à jour ; rien n'a été échangé.",
        en: "The other device runs a version of Escale too old to sync with (protocol {theirs}, here {ours}). Update it; nothing was exchanged.",
    }
    SYNC_PROTOCOL_TOO_OLD_HUB = "sync.protocol_too_old@hub" (SyncProtocolTooOld) {
        fr: "Cette version d'Escale est trop ancienne pour ce serveur : mettez l'application à jour. Rien n'a été échangé.",
        en: "This version of Escale is too old for this hub: update the app. Nothing was exchanged.",
    }
    SYNC_PROTOCOL_TOO_NEW = "sync.protocol_too_new" (SyncProtocolTooNew) {
        fr: "L'autre appareil utilise une version plus récente d'Escale (protocole {theirs}, ici {ours}). Mettez à jour cette application ; rien n'a été échangé.",
        en: "The other device runs a newer version of Escale (protocol {theirs}, here {ours}). Update this app; nothing was exchanged.",
    }
    SYNC_PROTOCOL_TOO_NEW_HUB = "sync.protocol_too_new@hub" (SyncProtocolTooNew) {
        fr: "Le serveur utilise une version plus ancienne d'Escale : il doit être mis à jour. Rien n'a été échangé.",
        en: "The hub runs an older version of Escale: it needs an update. Nothing was exchanged.",
    }
    SYNC_PROTOCOL_MISSING = "sync.protocol_missing" (SyncProtocolMissing) {
        fr: "La requête ne dit pas quel protocole de synchronisation elle parle ({detail}).",
        en: "The request does not say which sync protocol it speaks ({detail}).",
    }
    SYNC_BAD_OP = "sync.bad_op" (SyncBadOp) {
        fr: "Opération refusée : {detail}. Rien n'a été enregistré ; l'appareil qui l'a envoyée doit être mis à jour.",
        en: "Operation refused: {detail}. Nothing was saved; the device that sent it needs an update.",
    }
    SYNC_BATCH_TOO_LARGE = "sync.batch_too_large" (SyncBatchTooLarge) {
        fr: "{count} opérations dans un seul envoi ; la limite est {max} : envoyez des lots plus petits.",
        en: "{count} operations in one push; the limit is {max}: send smaller batches.",
    }
    BUNDLE_NOT_A_BUNDLE = "bundle.not_a_bundle" (BundleNotABundle) {
        fr: "Ce fichier n'est pas un paquet Escale (.escale). Vérifiez que vous avez choisi le bon fichier.",
        en: "This file is not an Escale bundle (.escale). Check that you picked the right file.",
    }
    BUNDLE_TAMPERED = "bundle.tampered" (BundleTampered) {
        fr: "Ce paquet a été modifié ou est endommagé (copie interrompue ?) : rien n'a été importé. Exportez-le à nouveau.",
        en: "This bundle was modified or is damaged (interrupted copy?): nothing was imported. Export it again.",
    }
    BUNDLE_WRONG_ORG = "bundle.wrong_org" (BundleWrongOrg) {
        fr: "Ce paquet vient d'une autre organisation : rien n'a été importé.",
        en: "This bundle comes from another organisation: nothing was imported.",
    }
    BUNDLE_TOO_NEW = "bundle.too_new" (BundleTooNew) {
        fr: "Ce paquet a été créé par une version plus récente d'Escale. Mettez à jour cette application ; rien n'a été importé.",
        en: "This bundle was made by a newer version of Escale. Update this app; nothing was imported.",
    }
    SNAPSHOT_INVALID = "snapshot.invalid" (SnapshotInvalid) {
        fr: "Instantané inutilisable ({detail}) : rien n'a été créé. Demandez-en un nouveau.",
        en: "Unusable snapshot ({detail}): nothing was created. Ask for a new one.",
    }
    // --- this laptop and its hub
    SYNC_OFFLINE = "sync.offline" (SyncOffline) {
        fr: "Le serveur est injoignable ({detail}). Rien n'est perdu : les opérations restent sur cet ordinateur et partiront à la prochaine synchronisation.",
        en: "The hub cannot be reached ({detail}). Nothing is lost: the operations stay on this laptop and leave at the next sync.",
    }
    SYNC_OFFLINE_DESK = "sync.offline@desk" (SyncOffline) {
        fr: "Le serveur est injoignable. Rien n'est perdu : les opérations restent sur cet ordinateur et partiront dès qu'il répondra.",
        en: "The hub cannot be reached. Nothing is lost: the operations stay on this laptop and leave as soon as it answers.",
    }
    SYNC_BAD_RESPONSE = "sync.bad_response" (SyncBadResponse) {
        fr: "Le serveur a répondu quelque chose d'inattendu ({detail}). Vérifiez l'adresse du serveur.",
        en: "The hub answered something unexpected ({detail}). Check the hub's URL.",
    }
    SYNC_NOT_ENROLLED = "sync.not_enrolled" (SyncNotEnrolled) {
        fr: "Cet ordinateur n'est relié à aucun serveur. Lancez « escale sync enroll ADRESSE CODE » avec le code donné par l'administrateur.",
        en: "This laptop is not enrolled with a hub. Run `escale sync enroll URL CODE` with the code the administrator gave you.",
    }
    SYNC_NOT_ENROLLED_DESK = "sync.not_enrolled@desk" (SyncNotEnrolled) {
        fr: "Cet ordinateur n'est relié à aucun serveur. Saisissez l'adresse du serveur et le code d'inscription donné par l'administrateur.",
        en: "This laptop is not enrolled with a hub. Enter the hub's address and the enrolment code the administrator gave you.",
    }
    SYNC_BAD_URL = "sync.bad_url" (SyncBadUrl) {
        fr: "Adresse de serveur invalide : {url}. Exemple : https://hub.exemple.fr:8787",
        en: "Invalid hub URL: {url}. Example: https://hub.example.org:8787",
    }
    SYNC_HTTP_ERROR = "sync.http_error" (SyncHttpError) {
        fr: "Le serveur a répondu une erreur HTTP {status} sans explication.",
        en: "The hub answered HTTP {status} without saying why.",
    }
    SYNC_REFUSED = "sync.refused" (SyncRefused) {
        fr: "Le serveur a refusé : {message} [{code}]",
        en: "The hub refused: {message} [{code}]",
    }
    AUTH_MISSING_TOKEN = "auth.missing_token" (AuthMissingToken) {
        fr: "Le serveur ne reconnaît pas cet ordinateur. Demandez un nouveau code d'inscription et relancez « escale sync enroll ».",
        en: "The hub does not recognise this laptop. Ask for a new enrolment code and run `escale sync enroll` again.",
    }
    AUTH_INVALID_TOKEN = "auth.invalid_token" (AuthInvalidToken) {
        fr: "Le serveur ne reconnaît pas cet ordinateur. Demandez un nouveau code d'inscription et relancez « escale sync enroll ».",
        en: "The hub does not recognise this laptop. Ask for a new enrolment code and run `escale sync enroll` again.",
    }
    AUTH_WRONG_ORG = "auth.wrong_org" (AuthWrongOrg) {
        fr: "Le serveur ne reconnaît pas cet ordinateur. Demandez un nouveau code d'inscription et relancez « escale sync enroll ».",
        en: "The hub does not recognise this laptop. Ask for a new enrolment code and run `escale sync enroll` again.",
    }
    AUTH_UNRECOGNISED_DESK = "auth.invalid_token@desk" (AuthInvalidToken) {
        fr: "Le serveur ne reconnaît plus cet ordinateur. Demandez un nouveau code d'inscription à l'administrateur et inscrivez-le à nouveau. Les opérations restent ici.",
        en: "The hub no longer recognises this laptop. Ask the administrator for a new enrolment code and enrol again. The operations stay here.",
    }
    AUTH_REVOKED = "auth.revoked" (AuthRevoked) {
        fr: "Cet ordinateur a été révoqué par l'administrateur du serveur : il ne peut plus synchroniser. Ses opérations restent sur place.",
        en: "This laptop was revoked by the hub's administrator: it can no longer sync. Its operations stay here.",
    }
    AUTH_DEVICE_MISMATCH = "auth.device_mismatch" (AuthDeviceMismatch) {
        fr: "La requête nomme un autre appareil que celui du jeton.",
        en: "The request names another device than the token's.",
    }
    ENROLL_UNKNOWN_CODE = "enroll.unknown_code" (EnrollUnknownCode) {
        fr: "Code d'inscription inconnu : vérifiez-le ou demandez-en un nouveau.",
        en: "Unknown enrolment code: check it or ask for a new one.",
    }
    ENROLL_CODE_EXPIRED = "enroll.code_expired" (EnrollCodeExpired) {
        fr: "Ce code d'inscription a expiré : demandez-en un nouveau à l'administrateur.",
        en: "This enrolment code has expired: ask the administrator for a new one.",
    }
    ENROLL_CODE_USED = "enroll.code_used" (EnrollCodeUsed) {
        fr: "Ce code d'inscription a déjà servi : demandez-en un nouveau à l'administrateur.",
        en: "This enrolment code was already used: ask the administrator for a new one.",
    }
    ENROLL_DEVICE_EXISTS = "enroll.device_exists" (EnrollDeviceExists) {
        fr: "Un appareil avec le même identifiant est déjà inscrit : cet ordinateur est peut-être une copie d'un autre. Initialisez un nouveau dossier de données.",
        en: "A device with the same id is already enrolled: this laptop may be a copy of another. Initialise a new data directory.",
    }
    ENROLL_RATE_LIMITED = "enroll.rate_limited" (EnrollRateLimited) {
        fr: "Trop d'essais d'inscription : patientez {seconds} secondes puis recommencez.",
        en: "Too many enrolment attempts: wait {seconds} seconds and try again.",
    }
    // --- the hub's API (its callers read English)
    REQUEST_MALFORMED_JSON = "request.malformed_json" (RequestMalformedJson) {
        fr: "Le corps de la requête n'est pas du JSON valide : {detail}",
        en: "The body is not valid JSON: {detail}",
    }
    REQUEST_INVALID = "request.invalid" (RequestInvalid) {
        fr: "La requête n'a pas la forme attendue : {detail}",
        en: "The request does not have the expected shape: {detail}",
    }
    REQUEST_TOO_LARGE = "request.too_large" (RequestTooLarge) {
        fr: "Le corps de la requête dépasse {max} octets : envoyez des lots plus petits.",
        en: "The request body is larger than {max} bytes: send smaller batches.",
    }
    REQUEST_NOT_FOUND = "request.not_found" (RequestNotFound) {
        fr: "Adresse inconnue : voir /openapi.json.",
        en: "No such endpoint: see /openapi.json.",
    }
    ORG_NOT_FOUND = "org.not_found" (OrgNotFound) {
        fr: "Organisation inconnue : {id}.",
        en: "Unknown organisation {id}.",
    }
    DEVICE_NOT_FOUND = "device.not_found" (DeviceNotFound) {
        fr: "Appareil inconnu : {id}.",
        en: "Unknown device {id}.",
    }
    HUB_TIMEOUT = "hub.timeout" (HubTimeout) {
        fr: "La requête a pris plus de {seconds} secondes et a été abandonnée (rien n'a été enregistré à moitié) : réessayez.",
        en: "The request took longer than {seconds} seconds and was abandoned (nothing of it was half-saved): try again.",
    }
    HUB_DATABASE = "hub.database" (HubDatabase) {
        fr: "Erreur inattendue sur le serveur ; rien n'a été enregistré à moitié et le détail est dans le journal du serveur.",
        en: "Unexpected error on the hub; nothing was half-saved and the details are in the hub's log.",
    }
    HUB_WRITE_FAILED = "hub.write_failed" (HubWriteFailed) {
        fr: "Impossible d'écrire {path} : {detail}",
        en: "Cannot write {path}: {detail}",
    }
    // --- stand peers
    PEER_BAD_CODE = "peer.bad_code" (PeerBadCode) {
        fr: "Code de jumelage invalide : tapez les 8 chiffres affichés sur l'ordinateur qui partage (par exemple 4827-1953).",
        en: "Invalid pairing code: type the 8 digits shown on the sharing laptop (e.g. 4827-1953).",
    }
    PEER_WRONG_CODE = "peer.wrong_code" (PeerWrongCode) {
        fr: "Code de jumelage incorrect : rien n'a été échangé. Vérifiez le code affiché sur l'ordinateur qui partage.",
        en: "Wrong pairing code: nothing was exchanged. Check the code shown on the sharing laptop.",
    }
    PEER_CODE_BURNED = "peer.code_burned" (PeerCodeBurned) {
        fr: "Trop de codes incorrects : ce code de jumelage ne fonctionne plus. Relancez le partage pour obtenir un nouveau code.",
        en: "Too many wrong codes: this pairing code no longer works. Start sharing again to get a new code.",
    }
    PEER_CODE_EXPIRED = "peer.code_expired" (PeerCodeExpired) {
        fr: "Ce code de jumelage a expiré. Relancez le partage pour obtenir un nouveau code.",
        en: "This pairing code has expired. Start sharing again to get a new code.",
    }
    PEER_NOT_FOUND = "peer.not_found" (PeerNotFound) {
        fr: "Aucun ordinateur ne partage sur le réseau local. Vérifiez que le partage est lancé et que les deux ordinateurs sont sur le même réseau, ou indiquez son adresse (affichée à côté du code).",
        en: "No laptop is sharing on the local network. Check that sharing is started and that both laptops are on the same network, or give its address (shown next to the code).",
    }
    PEER_AMBIGUOUS = "peer.ambiguous" (PeerAmbiguous) {
        fr: "Plusieurs ordinateurs partagent sur le réseau : {names}. Indiquez lequel rejoindre par son adresse.",
        en: "Several laptops are sharing on the network: {names}. Say which one to join by its address.",
    }
    PEER_OTHER_ORG = "peer.other_org" (PeerOtherOrg) {
        fr: "Ces deux ordinateurs n'appartiennent pas à la même organisation (ils n'ont pas la même clé d'organisation) : rien n'a été échangé.",
        en: "These two laptops do not belong to the same organisation (they do not hold the same organisation key): nothing was exchanged.",
    }
    PEER_TIMEOUT = "peer.timeout" (PeerTimeout) {
        fr: "L'autre ordinateur ne répond plus (délai dépassé). Ce qui a déjà été reçu est conservé ; relancez l'échange.",
        en: "The other laptop stopped answering (timed out). What was already received is kept; run the exchange again.",
    }
    PEER_NETWORK = "peer.network" (PeerNetwork) {
        fr: "La connexion avec l'autre ordinateur a échoué ({detail}). Ce qui a déjà été reçu est conservé ; relancez l'échange.",
        en: "The connection with the other laptop failed ({detail}). What was already received is kept; run the exchange again.",
    }
    PEER_LISTEN = "peer.listen" (PeerListen) {
        fr: "Impossible d'ouvrir le partage sur le réseau ({detail}). Essayez un autre port.",
        en: "Cannot open sharing on the network ({detail}). Try another port.",
    }
    PEER_PROTOCOL = "peer.protocol" (PeerProtocol) {
        fr: "L'autre ordinateur a envoyé un message inattendu ({detail}) : échange interrompu.",
        en: "The other laptop sent an unexpected message ({detail}): exchange stopped.",
    }
    PEER_TAMPERED = "peer.tampered" (PeerTampered) {
        fr: "Un message de l'autre ordinateur a été modifié, rejoué ou déplacé en route : échange interrompu. Ce qui avait déjà été reçu et vérifié est conservé.",
        en: "A message from the other laptop was altered, replayed or reordered on the way: exchange stopped. What was already received and checked is kept.",
    }
    PEER_TOO_LARGE = "peer.too_large" (PeerTooLarge) {
        fr: "L'autre ordinateur a envoyé un message trop gros ({len} octets, limite {cap}) : échange interrompu.",
        en: "The other laptop sent a message that is too large ({len} bytes, limit {cap}): exchange stopped.",
    }
    PEER_VERSION_MISMATCH = "peer.version_mismatch" (PeerVersionMismatch) {
        fr: "L'autre ordinateur a une version plus ancienne d'Escale (protocole {theirs}, ici {ours}) : mettez-le à jour. Rien n'a été échangé.",
        en: "The other laptop runs an older version of Escale (protocol {theirs}, here {ours}): update it. Nothing was exchanged.",
    }
    PEER_VERSION_MISMATCH_US = "peer.version_mismatch@us" (PeerVersionMismatch) {
        fr: "Cet ordinateur a une version plus ancienne d'Escale que l'autre (protocole {ours}, là-bas {theirs}) : mettez-le à jour. Rien n'a été échangé.",
        en: "This laptop runs an older version of Escale than the other one (protocol {ours}, there {theirs}): update it. Nothing was exchanged.",
    }
    PEER_DISCOVERY = "peer.discovery" (PeerDiscovery) {
        fr: "La recherche sur le réseau local (mDNS) est impossible ({detail}). Indiquez l'adresse de l'autre ordinateur (affichée à côté du code).",
        en: "Local network discovery (mDNS) is not possible ({detail}). Give the other laptop's address (shown next to the code).",
    }
    PEER_FAILED = "peer.failed" (PeerFailed) {
        fr: "L'autre ordinateur n'a pas pu enregistrer l'échange.",
        en: "The other laptop could not store the exchange.",
    }
    PEER_REFUSED = "peer.refused" (PeerRefused) {
        fr: "L'autre ordinateur a refusé l'échange : {message} [{code}]",
        en: "The other laptop refused the exchange: {message} [{code}]",
    }
    // --- the command line
    USAGE = "usage" (Usage) {
        fr: "{detail}",
        en: "{detail}",
    }
    USAGE_CONFIRMATION_REQUIRED = "usage.confirmation_required" (UsageConfirmationRequired) {
        fr: "L'effacement est définitif : sans terminal pour confirmer, ajoutez --yes.",
        en: "Erasure cannot be undone: with no terminal to confirm on, add --yes.",
    }
    CANCELLED = "cancelled" (Cancelled) {
        fr: "Effacement annulé.",
        en: "Erasure cancelled.",
    }
    OPS_VERIFY_MISMATCH = "ops.verify_mismatch" (OpsVerifyMismatch) {
        fr: "L'état enregistré ne correspond pas au journal. Tables différentes : {tables}",
        en: "The stored state does not match the log. Differing tables: {tables}",
    }
    // --- values left out of a record (not failures)
    WARNING_INVALID_EMAIL = "warning.invalid_email" {
        fr: "E-mail « {value} » invalide : non enregistré.",
        en: "Invalid email \"{value}\": not saved.",
    }
    WARNING_INVALID_PHONE = "warning.invalid_phone" {
        fr: "Téléphone « {value} » invalide : non enregistré.",
        en: "Invalid phone number \"{value}\": not saved.",
    }
    WARNING_INVALID_POSTCODE = "warning.invalid_postcode" {
        fr: "Code postal « {value} » invalide : non enregistré.",
        en: "Invalid postcode \"{value}\": not saved.",
    }
    WARNING_INVALID_BIRTH_YEAR = "warning.invalid_birth_year" {
        fr: "Année de naissance « {value} » invraisemblable : non enregistrée.",
        en: "Implausible birth year \"{value}\": not saved.",
    }
    WARNING_INVALID_COMMUNE_CODE = "warning.invalid_commune_code" {
        fr: "Code INSEE « {value} » inconnu : non enregistré.",
        en: "Unknown INSEE code \"{value}\": not saved.",
    }
    WARNING_OTHER = "warning.other" {
        fr: "Valeur « {value} » ignorée ({field}).",
        en: "Value \"{value}\" ignored ({field}).",
    }
    // --- why an import row was left out, or what was noticed about it
    ISSUE_CANCELLED = "issue.cancelled" { fr: "annulé", en: "cancelled" }
    ISSUE_REFUNDED = "issue.refunded" { fr: "remboursé", en: "refunded" }
    ISSUE_DRAFT = "issue.draft" { fr: "brouillon ou non payé", en: "draft or unpaid" }
    ISSUE_EMPTY = "issue.empty" { fr: "ligne vide", en: "empty row" }
    ISSUE_NO_NAME = "issue.no_name" { fr: "sans nom", en: "no name" }
    ISSUE_FIELD_TOO_LONG = "issue.field_too_long" { fr: "champ trop long", en: "field too long" }
    ISSUE_SUMMARY = "issue.summary" { fr: "ligne de total", en: "totals line" }
    ISSUE_INVALID_EMAIL = "issue.invalid_email" { fr: "e-mail invalide", en: "invalid email" }
    ISSUE_INVALID_PHONE = "issue.invalid_phone" { fr: "téléphone invalide", en: "invalid phone" }
    ISSUE_INVALID_POSTCODE = "issue.invalid_postcode" { fr: "code postal invalide", en: "invalid postcode" }
    ISSUE_INVALID_BIRTH_YEAR = "issue.invalid_birth_year" {
        fr: "année de naissance invalide",
        en: "invalid birth year",
    }
    ISSUE_INVALID_COMMUNE_CODE = "issue.invalid_commune_code" {
        fr: "code INSEE inconnu",
        en: "unknown INSEE code",
    }
    ISSUE_SAME_NAME = "issue.same_name" {
        fr: "même nom qu'une fiche existante : fusion proposée",
        en: "same name as an existing record: merge proposed",
    }
    ISSUE_NAME_REQUIRED = "issue.visitor.name_required" { fr: "sans nom", en: "no name" }
    ISSUE_TOO_LONG = "issue.input.too_long" { fr: "champ trop long", en: "field too long" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_code_has_its_own_message_and_ids_are_unique() {
        for code in Code::ALL {
            let m = msg(code.as_str()).unwrap_or_else(|| panic!("{code} has no message"));
            assert_eq!(m.code, Some(*code), "{code}'s own message is about it");
            assert_eq!(Code::parse(code.as_str()), Some(*code));
        }
        let mut ids = BTreeSet::new();
        for m in MESSAGES {
            assert!(ids.insert(m.id), "{} is defined twice", m.id);
            if let Some((base, _)) = m.id.split_once('@') {
                assert_eq!(
                    m.code.map(Code::as_str),
                    Some(base),
                    "{} is a variant of {base}'s message",
                    m.id
                );
            }
        }
    }

    #[test]
    fn both_languages_name_the_same_placeholders_and_differ() {
        for m in MESSAGES {
            let fr: BTreeSet<&str> = placeholders(m.fr).into_iter().collect();
            let en: BTreeSet<&str> = placeholders(m.en).into_iter().collect();
            assert_eq!(
                fr, en,
                "{}: the French and English texts take the same values",
                m.id
            );
            assert!(!m.fr.is_empty() && !m.en.is_empty(), "{}", m.id);
            if m.fr != "{detail}" && !m.id.starts_with("issue.") {
                assert_ne!(m.fr, m.en, "{} must be translated", m.id);
            }
        }
    }

    #[test]
    fn a_problem_renders_its_arguments_and_survives_the_wire() {
        let p = Problem::new(&m::INPUT_TOO_LONG)
            .arg("field", "prénom")
            .arg("len", 10_000)
            .arg("max", 100);
        assert_eq!(
            p.message(Lang::Fr),
            "Le champ « prénom » est trop long (10000 caractères, maximum 100)."
        );
        assert_eq!(p.code(), Code::InputTooLong);
        let back = Problem::from_wire("input.too_long", &p.wire_args()).unwrap();
        assert_eq!(back.message(Lang::En), p.message(Lang::En));
        assert!(Problem::from_wire("teleport.failed", &BTreeMap::new()).is_none());
        assert!(
            Problem::from_wire("input.too_long", &BTreeMap::new()).is_none(),
            "an older node's refusal without its values is not rendered with holes"
        );
        let long = Problem::new(&m::INPUT_INVALID).arg("value", "x".repeat(10_000));
        assert!(long.message(Lang::Fr).len() < 400, "a message stays short");
        assert_eq!(render("{missing} and {", &Args::new()), "{missing} and {");
    }
}
