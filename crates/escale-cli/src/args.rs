//! The command line as clap types: every command, flag and global option.
//!
//! Only parsing lives here (no I/O, no store); value parsers turn text into
//! the core's own types where the core has one (`EventKind`, `Situation`).

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use escale_core::fields::{Field, FieldType, Kind, VisitorRaw};
use escale_core::model::{Entity, EventKind};
use std::path::PathBuf;

/// Escale: the front desk of job fairs and workshops, from a terminal.
#[derive(Debug, Parser)]
#[command(name = "escale", version, propagate_version = true)]
pub struct Cli {
    /// Data directory (default: the OS application-data folder, e.g. ~/.local/share/escale).
    #[arg(long, global = true, env = "ESCALE_DATA_DIR", value_name = "PATH")]
    pub data_dir: Option<PathBuf>,

    /// Print exactly one JSON document on stdout instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    /// Language of messages (default: from LC_ALL / LC_MESSAGES / LANG, then the system).
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,

    /// Act as this staff member: the PIN is asked on the terminal (scripts
    /// may set ESCALE_PIN instead). Without it, the session `escale login`
    /// opened is used while it lasts.
    #[arg(long = "as", global = true, env = "ESCALE_AS", value_name = "NAME")]
    pub as_staff: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    Fr,
    En,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Initialise the data directory: name the organisation and this device.
    Init(InitArgs),
    /// Show the data directory, organisation, device and log size.
    Info,
    /// Create, list, show and edit events.
    #[command(subcommand)]
    Event(EventCommand),
    /// Add and list the sessions (conferences, workshops) of an event.
    #[command(subcommand)]
    Session(SessionCommand),
    /// Register walk-ins, show and edit visitors.
    #[command(subcommand)]
    Visitor(VisitorCommand),
    /// Import pre-registrations from a CSV or XLSX file.
    Import(ImportArgs),
    /// Search visitors of an event (accent- and typo-tolerant).
    Search(SearchArgs),
    /// Check a visitor in (by visitor id or badge/ticket code).
    Checkin(ScanArgs),
    /// Check a visitor out (for session hours).
    Checkout(ScanArgs),
    /// Undo this device's latest check-in at an event (or session).
    Undo(UndoArgs),
    /// Figures for an event.
    Stats(EventRef),
    /// Export an event's registrations and arrivals (CSV for French Excel, or XLSX).
    Export(ExportArgs),
    /// Merge a duplicate record (LOSER) into another (WINNER).
    Merge(MergeArgs),
    /// Erase a person for good (right to erasure).
    Erase(EraseArgs),
    /// Inspect the operation log.
    #[command(subcommand)]
    Ops(OpsCommand),
    /// Create a demo event full of invented people.
    Demo(DemoArgs),
    /// Carry operations on a USB stick: one encrypted file per export.
    #[command(subcommand)]
    Bundle(BundleCommand),
    /// Run and administer the organisation's hub (on the hub's machine).
    #[command(subcommand)]
    Hub(HubCommand),
    /// Staff accounts: who may unlock Escale, and with which role.
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Retention (coordinators): how long people are kept once they stop
    /// coming, who will be anonymised and when; run it now.
    Retention(RetentionArgs),
    /// The audit log of access to personal data (coordinators): who viewed,
    /// edited, exported, certified, merged, erased — when, on which laptop.
    Audit(AuditArgs),
    /// Protect the data directory with a passphrase (coordinators): its
    /// encryption key is kept sealed under it in `escale.key`; set or change.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Open a session for the commands that follow (`--as NAME`; lasts
    /// MINUTES, 15 by default), kept in the data directory.
    Login(LoginArgs),
    /// End the session `escale login` opened.
    Logout,
    /// Sync this laptop with the organisation's hub.
    #[command(subcommand)]
    Sync(SyncCommand),
    /// Sync with another laptop on the local network, without a hub (pairing code).
    #[command(subcommand)]
    Peer(PeerCommand),
    /// Attendance certificates: issue (PDF), print, verify, list, revoke.
    #[command(subcommand)]
    Certificate(CertificateCommand),
    /// Name badges of an event, as a PDF or printed.
    #[command(subcommand)]
    Badge(BadgeCommand),
    /// This computer's printers.
    #[command(subcommand)]
    Printer(PrinterCommand),
    /// The organisation's identity as certificates print it.
    #[command(subcommand)]
    Org(OrgCommand),
    /// The mediation log: record and list the help given to people.
    #[command(subcommand)]
    Mediation(MediationCommand),
    /// A partner report (by event, series or period) as PDF, CSV or XLSX; or la Coop's activity file.
    Report(ReportArgs),
    /// Public computers: the board, giving a station, extending, ending, the waiting list.
    #[command(subcommand)]
    Station(StationCommand),
    /// Pages printed for a person today against the daily quota; grant more.
    #[command(subcommand)]
    Print(PrintCommand),
    /// The coworking space: passes, a coworker's status, who is in.
    #[command(subcommand)]
    Cowork(CoworkCommand),
}

#[derive(Debug, Subcommand)]
pub enum CertificateCommand {
    /// Make certificates as PDF: one person's, or everyone's who arrived.
    Issue(CertificateIssueArgs),
    /// Print certificates on a printer.
    Print(CertificatePrintArgs),
    /// Check a certificate: its number, the QR code's text, or a PDF file.
    Verify(CertificateVerifyArgs),
    /// List the certificates issued (of an event, of a person, or all).
    List(CertificateListArgs),
    /// Revoke a certificate issued by mistake.
    Revoke(CertificateRevokeArgs),
}

/// Which certificates.
#[derive(Debug, Args)]
pub struct CertificateSelect {
    /// The event (a presence certificate).
    #[arg(long, value_name = "ID", required_unless_present_any = ["series", "number"])]
    pub event: Option<String>,
    /// A series of events (a regular-attendance certificate over --from/--to).
    #[arg(long, value_name = "NAME", requires_all = ["from", "to", "visitor"], conflicts_with = "event")]
    pub series: Option<String>,
    /// First day of the series' period (yyyy-mm-dd).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last day of the series' period (yyyy-mm-dd).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// One person (default: everyone who arrived at the event).
    #[arg(long, value_name = "ID")]
    pub visitor: Option<String>,
    /// A certificate already issued, by its number.
    #[arg(long, value_name = "NUMBER", conflicts_with_all = ["event", "series"])]
    pub number: Option<String>,
    /// Language of the certificate (default: French).
    #[arg(long = "in", value_enum, default_value = "fr")]
    pub doc_lang: LangArg,
}

#[derive(Debug, Args)]
pub struct CertificateIssueArgs {
    #[command(flatten)]
    pub select: CertificateSelect,
    /// Where to write: a PDF file, or a folder with --split.
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// One file per person, named after them, in the --out folder.
    #[arg(long)]
    pub split: bool,
}

#[derive(Debug, Args)]
pub struct CertificatePrintArgs {
    #[command(flatten)]
    pub select: CertificateSelect,
    #[command(flatten)]
    pub printer: PrinterArgs,
}

#[derive(Debug, Args)]
pub struct PrinterArgs {
    /// Printer name (default: the system's default printer).
    #[arg(long, value_name = "NAME")]
    pub printer: Option<String>,
    /// Copies of each page.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=99))]
    pub copies: u32,
}

#[derive(Debug, Args)]
pub struct CertificateVerifyArgs {
    /// A number (7KQ2-M9X4-TPB1), the QR code's text, or a PDF file.
    pub code: String,
}

#[derive(Debug, Args)]
pub struct CertificateListArgs {
    #[arg(long, value_name = "ID")]
    pub event: Option<String>,
    #[arg(long, value_name = "ID")]
    pub visitor: Option<String>,
}

#[derive(Debug, Args)]
pub struct CertificateRevokeArgs {
    pub number: String,
    /// Why (printed on the certificate and said by the verification).
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Subcommand)]
pub enum BadgeCommand {
    /// Badges of an event's registered people: to a PDF file (--out) or a printer.
    Print(BadgePrintArgs),
}

#[derive(Debug, Args)]
pub struct BadgePrintArgs {
    #[command(flatten)]
    pub event: EventRef,
    /// Only these people (repeatable; default: everyone registered).
    #[arg(long = "visitor", value_name = "ID")]
    pub visitors: Vec<String>,
    /// brother-62, brother-62x100, dymo-54x101, a6, a4x8 or a4x10.
    #[arg(long, default_value = "brother-62x100")]
    pub size: String,
    /// On a sheet, the first free label (1 = top left), to use up a half-used sheet.
    #[arg(long, default_value_t = 1)]
    pub start: usize,
    /// Write the PDF here instead of printing.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub printer: PrinterArgs,
}

#[derive(Debug, Subcommand)]
pub enum PrinterCommand {
    /// List the printers (the default first) and their state.
    List,
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Show the organisation's identity.
    Show,
    /// Change it: only the given flags change (an empty value clears one).
    Set(OrgSetArgs),
    /// The logo certificates print (PNG or JPEG, made small), or --remove.
    Logo(OrgImageArgs),
    /// The signatory's signature certificates print (PNG or JPEG), or --remove.
    Signature(OrgImageArgs),
}

#[derive(Debug, Args)]
pub struct OrgImageArgs {
    /// The image file.
    #[arg(required_unless_present = "remove", conflicts_with = "remove")]
    pub file: Option<PathBuf>,
    /// Remove the image.
    #[arg(long)]
    pub remove: bool,
}

#[derive(Debug, Args)]
pub struct OrgSetArgs {
    #[arg(long)]
    pub name: Option<String>,
    /// Postal address (use \n between lines).
    #[arg(long)]
    pub address: Option<String>,
    /// SIRET number (14 digits).
    #[arg(long)]
    pub siret: Option<String>,
    /// Who signs certificates.
    #[arg(long)]
    pub signatory: Option<String>,
    /// The signatory's role.
    #[arg(long)]
    pub role: Option<String>,
    /// Place of issue ("Fait à …").
    #[arg(long)]
    pub issue_place: Option<String>,
    /// The verification page certificates' QR codes point to (the hub's /v).
    #[arg(long)]
    pub verify_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Organisation name.
    #[arg(long)]
    pub org: String,
    /// This device's name (e.g. "Portable accueil 1").
    #[arg(long)]
    pub device: String,
}

#[derive(Debug, Subcommand)]
pub enum EventCommand {
    /// Create an event.
    Create(EventCreateArgs),
    /// List current and upcoming events, then past ones.
    List,
    /// Show an event and its sessions.
    Show(IdArg),
    /// Change an event: only the given flags change.
    Edit(EventEditArgs),
}

#[derive(Debug, Args)]
pub struct EventCreateArgs {
    /// Title, e.g. "Forum de l'emploi".
    #[arg(long)]
    pub title: String,
    /// Place (address or venue).
    #[arg(long, default_value = "", hide_default_value = true)]
    pub place: String,
    /// Local start, e.g. "2026-12-03 09:00".
    #[arg(long)]
    pub start: String,
    /// Local end, e.g. "2026-12-03 17:00" (default: 8 hours after the start).
    #[arg(long, default_value = "", hide_default_value = true)]
    pub end: String,
    /// Kind of event (default: fair).
    #[arg(long, value_parser = kind_parser())]
    pub kind: Option<EventKind>,
    /// IANA time zone (default Europe/Paris).
    #[arg(long)]
    pub timezone: Option<String>,
    /// JobCamp series name, grouping recurring events.
    #[arg(long)]
    pub series: Option<String>,
}

#[derive(Debug, Args)]
pub struct EventEditArgs {
    /// Event id.
    pub id: String,
    #[arg(long)]
    pub title: Option<String>,
    #[arg(long)]
    pub place: Option<String>,
    #[arg(long)]
    pub start: Option<String>,
    #[arg(long)]
    pub end: Option<String>,
    #[arg(long, value_parser = kind_parser())]
    pub kind: Option<EventKind>,
    #[arg(long)]
    pub timezone: Option<String>,
    #[arg(long)]
    pub series: Option<String>,
    /// Partner named on certificates ("" removes it).
    #[arg(long)]
    pub partner: Option<String>,
    /// Text printed on this event's certificates ("" removes it).
    #[arg(long)]
    pub certificate_text: Option<String>,
}

#[derive(Debug, Args)]
pub struct IdArg {
    pub id: String,
}

#[derive(Debug, Args)]
pub struct EventRef {
    /// Event id.
    #[arg(long = "event", value_name = "ID")]
    pub event: String,
}

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Create an account (the first one is a coordinator's). The PIN (4 to
    /// 8 digits) is asked twice on the terminal, or read from ESCALE_NEW_PIN.
    Add(StaffAddArgs),
    /// List the accounts.
    List,
    /// Change an account's name, role, PIN or badge, or disable it.
    Edit(StaffEditArgs),
    /// Minutes without activity before the desktop locks itself.
    LockMinutes(LockMinutesArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    Coordinator,
    Mediator,
    Volunteer,
    Kiosk,
}

impl RoleArg {
    pub fn role(self) -> escale_core::roles::Role {
        use escale_core::roles::Role;
        match self {
            RoleArg::Coordinator => Role::Coordinator,
            RoleArg::Mediator => Role::Mediator,
            RoleArg::Volunteer => Role::Volunteer,
            RoleArg::Kiosk => Role::Kiosk,
        }
    }
}

#[derive(Debug, Args)]
pub struct StaffAddArgs {
    /// The name typed on the lock screen, e.g. "Camille D.".
    pub name: String,
    #[arg(long, value_enum)]
    pub role: RoleArg,
    /// A staff badge's code, to unlock by scanning it.
    #[arg(long)]
    pub badge: Option<String>,
}

#[derive(Debug, Args)]
pub struct StaffEditArgs {
    /// The account's name or id.
    pub name: String,
    /// A new name.
    #[arg(long)]
    pub rename: Option<String>,
    #[arg(long, value_enum)]
    pub role: Option<RoleArg>,
    /// Set a new PIN (asked on the terminal, or ESCALE_NEW_PIN).
    #[arg(long)]
    pub pin: bool,
    /// A new badge code ("" removes the badge).
    #[arg(long)]
    pub badge: Option<String>,
    /// Disable the account (it can no longer unlock).
    #[arg(long, conflicts_with = "enable")]
    pub disable: bool,
    /// Enable a disabled account again.
    #[arg(long)]
    pub enable: bool,
}

#[derive(Debug, Args)]
pub struct LockMinutesArgs {
    /// 1 to 240.
    pub minutes: i64,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// First day, 2026-12-01.
    #[arg(long)]
    pub from: Option<String>,
    /// Last day.
    #[arg(long)]
    pub to: Option<String>,
    /// One kind of access: view_visitor, edit_visitor, export, certificate,
    /// merge, erase, staff, bundle.
    #[arg(long)]
    pub action: Option<String>,
    /// Entries about this person (visitor id).
    #[arg(long)]
    pub visitor: Option<String>,
    /// Entries by this staff member (name or id).
    #[arg(long)]
    pub staff: Option<String>,
    /// Most entries, newest first.
    #[arg(long, default_value_t = 500)]
    pub limit: u32,
    /// Also write the entries to this CSV file (for French Excel).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// First remove the entries older than the retention period (the app
    /// does it by itself every day).
    #[arg(long)]
    pub purge: bool,
    /// Keep entries this many days from now on (30 to 3650; 365 by default).
    #[arg(long, value_name = "DAYS")]
    pub keep_days: Option<i64>,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Set or change the passphrase (asked twice without echo, or
    /// ESCALE_NEW_STORE_PASSPHRASE); a plain store is encrypted at once.
    Passphrase,
}

#[derive(Debug, Args)]
pub struct RetentionArgs {
    /// Anonymise people this many months after their last visit (1 to 120;
    /// 36 by default).
    #[arg(long, value_name = "MONTHS", requires = "walkin_months")]
    pub months: Option<i64>,
    /// The same for people who only walked in and left no contact (no
    /// registration ahead, no e-mail, no phone; 12 by default).
    #[arg(long, value_name = "MONTHS", requires = "months")]
    pub walkin_months: Option<i64>,
    /// Anonymise now everyone whose period has passed (the app does it by
    /// itself every day).
    #[arg(long)]
    pub run: bool,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// How long the session lasts.
    #[arg(long, default_value_t = 15)]
    pub minutes: i64,
}

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Add a session to an event.
    Add(SessionAddArgs),
    /// List an event's sessions.
    List(EventRef),
}

#[derive(Debug, Args)]
pub struct SessionAddArgs {
    #[command(flatten)]
    pub event: EventRef,
    /// Title, e.g. "Forum de l'emploi".
    #[arg(long)]
    pub title: String,
    /// Room.
    #[arg(long, default_value = "", hide_default_value = true)]
    pub room: String,
    /// "14:00" (on the event's first day) or "2026-12-03 14:00".
    #[arg(long)]
    pub start: String,
    /// Same forms as --start.
    #[arg(long)]
    pub end: String,
    /// Number of seats (no limit when absent).
    #[arg(long)]
    pub capacity: Option<i64>,
    /// What the workshop helps with, e.g. "job_integration,office" (its
    /// attendance is a collective mediation activity): `escale mediation codes` lists them.
    #[arg(long, value_delimiter = ',')]
    pub themes: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum VisitorCommand {
    /// Register a walk-in for an event (processing consent recorded as granted).
    Add(VisitorAddArgs),
    /// Show a visitor, their registrations and consents.
    Show(IdArg),
    /// Change a visitor: only the given flags change.
    Edit(VisitorEditArgs),
    /// List pairs of records that are probably the same person (e.g. registered on two laptops).
    Duplicates(VisitorDuplicatesArgs),
    /// Record that two records are two different people: the pair is not proposed again.
    NotDuplicate(NotDuplicateArgs),
    /// Everything Escale holds on a person (right of access): a PDF to hand
    /// over, or the JSON file (coordinators).
    ExportData(ExportDataArgs),
    /// Record a person's answer for one consent purpose (withdraw or give).
    Consent(ConsentArgs),
    /// Anonymise a person now (coordinators): who they were goes, what they
    /// did stays in the figures. Forever.
    Anonymise(EraseArgs),
}

#[derive(Debug, Args)]
pub struct ExportDataArgs {
    /// The visitor id.
    pub id: String,
    /// The file to write (.pdf or .json; default: donnees-ID.pdf here).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ConsentArgs {
    /// The visitor id.
    pub id: String,
    /// The purpose (e.g. processing, newsletter, photos).
    pub purpose: String,
    /// Withdraw the consent (from now on the purpose is not used).
    #[arg(long, conflicts_with = "grant", required_unless_present = "grant")]
    pub withdraw: bool,
    /// Give the consent.
    #[arg(long)]
    pub grant: bool,
}

#[derive(Debug, Args)]
pub struct VisitorDuplicatesArgs {
    /// Only pairs where at least one of the two is registered at this event.
    #[arg(long = "event", value_name = "ID")]
    pub event: Option<String>,
    /// Maximum number of pairs.
    #[arg(long, default_value_t = 100)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct NotDuplicateArgs {
    /// One visitor id.
    pub first: String,
    /// The other visitor id.
    pub second: String,
}

/// The person's fields, one flag per registry field that has one
/// (`escale_protocol::fields`: `--first`, `--email`, `--postcode`…); all
/// optional, so `edit` changes only the ones given.
#[derive(Debug, Clone, Default)]
pub struct PersonFields(pub VisitorRaw);

/// The registry fields that have a flag.
fn flagged() -> impl Iterator<Item = (&'static Field, &'static str)> {
    Entity::Visitor
        .fields()
        .iter()
        .filter_map(|f| f.cli.map(|flag| (f, flag)))
}

/// A flag's help: the field's English label, and what to expect of its kind.
fn flag_help(f: &Field) -> String {
    let label = f.label.en;
    match f.kind {
        Kind::Email => format!("{label} (an implausible one is left out with a warning)"),
        Kind::Phone => format!("{label}, e.g. \"06 12 34 56 78\""),
        Kind::BirthYear => format!("{label}, e.g. 1990"),
        _ => match f.hint {
            Some(h) => format!("{label} ({})", h.en),
            None => label.to_string(),
        },
    }
}

impl clap::Args for PersonFields {
    fn augment_args(mut cmd: clap::Command) -> clap::Command {
        for (f, flag) in flagged() {
            let arg = clap::Arg::new(f.name)
                .long(flag)
                .value_name(flag.to_uppercase().replace('-', "_"))
                .help(flag_help(f));
            let arg = match (f.kind, f.ty()) {
                (Kind::Choice(choices), _) => {
                    arg.value_parser(PossibleValuesParser::new(choices.iter().map(|c| c.value)))
                }
                (_, FieldType::Int) => arg.value_parser(clap::value_parser!(i64)),
                _ => arg,
            };
            cmd = cmd.arg(arg);
        }
        cmd
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

impl clap::FromArgMatches for PersonFields {
    fn from_arg_matches(m: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let mut p = PersonFields::default();
        p.update_from_arg_matches(m)?;
        Ok(p)
    }

    fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> Result<(), clap::Error> {
        for (f, _) in flagged() {
            if f.ty() == FieldType::Int {
                if let Some(n) = m.get_one::<i64>(f.name) {
                    self.0.set(f.name, *n);
                }
            } else if let Some(v) = m.get_one::<String>(f.name) {
                self.0.set(f.name, v.as_str());
            }
        }
        Ok(())
    }
}

#[derive(Debug, Args)]
pub struct VisitorAddArgs {
    #[command(flatten)]
    pub event: EventRef,
    #[command(flatten)]
    pub person: PersonFields,
    /// Check the person in right away.
    #[arg(long)]
    pub checkin: bool,
    /// The person refuses the processing of their data (registration is then refused).
    #[arg(long)]
    pub no_consent: bool,
}

#[derive(Debug, Args)]
pub struct VisitorEditArgs {
    /// Visitor id.
    pub id: String,
    #[command(flatten)]
    pub person: PersonFields,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub event: EventRef,
    /// CSV or XLSX file.
    pub file: PathBuf,
    /// Show what would be imported without writing anything.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    #[command(flatten)]
    pub event: EventRef,
    /// A few letters of a name, an email, or a badge/ticket code.
    pub query: String,
    /// Maximum number of results.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub event: EventRef,
    /// A visitor id or a badge/ticket code.
    #[arg(value_name = "VISITOR_ID|CODE")]
    pub who: String,
    /// Session id (for a conference or workshop).
    #[arg(long)]
    pub session: Option<String>,
}

#[derive(Debug, Args)]
pub struct UndoArgs {
    #[command(flatten)]
    pub event: EventRef,
    #[arg(long)]
    pub session: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Csv,
    Xlsx,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub event: EventRef,
    #[arg(long, value_enum)]
    pub format: FormatArg,
    /// Destination file (default: escale-<event>-<date>.<format> in the current directory).
    #[arg(long)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The duplicate record, which disappears into the winner.
    pub loser: String,
    /// The record that stays.
    pub winner: String,
}

#[derive(Debug, Args)]
pub struct EraseArgs {
    pub visitor: String,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Subcommand)]
pub enum OpsCommand {
    /// Rebuild the state from the log alone and compare it with the live state.
    Verify,
    /// Number of operations in the log.
    Count,
    /// Operations received but never applied because they are invalid
    /// (kept, acknowledged and relayed unchanged), newest first.
    Quarantine {
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
}

#[derive(Debug, Subcommand)]
pub enum BundleCommand {
    /// Write this device's operations to one encrypted bundle file.
    Export(BundleExportArgs),
    /// Apply a bundle made by any device of the organisation (replaying one changes nothing).
    Import(BundleFileArg),
}

#[derive(Debug, Args)]
pub struct BundleExportArgs {
    /// Destination file, e.g. /media/usb/stand-1.escale.
    pub file: PathBuf,
    /// Every operation (the default: a bundle may go to any device).
    #[arg(long, conflicts_with = "since")]
    pub all: bool,
    /// Only what a device with this version vector lacks (a JSON file {"origin": seq}).
    #[arg(long, value_name = "VECTOR.json")]
    pub since: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BundleFileArg {
    /// The bundle file.
    pub file: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum HubCommand {
    /// Serve the sync API (migrates the database first).
    Serve(HubServeArgs),
    /// Create and list organisations.
    #[command(subcommand)]
    Org(HubOrgCommand),
    /// Make a one-time enrolment code for a new device (text and QR code).
    Enroll(HubEnrollArgs),
    /// List an organisation's devices.
    Devices(HubOrgArg),
    /// Revoke a device: its token stops working at once.
    Revoke(HubRevokeArgs),
    /// A partner report over everything the hub holds for an organisation
    /// (the same figures and files as `escale report` on a laptop).
    Report(HubReportArgs),
}

#[derive(Debug, Args)]
pub struct HubReportArgs {
    #[command(flatten)]
    pub org: HubOrgArg,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Where the hub keeps its data.
#[derive(Debug, Args)]
pub struct HubDb {
    /// postgres://USER@HOST/DB or sqlite://FILE (default: hub.db in the data directory).
    #[arg(long, env = "ESCALE_HUB_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct HubServeArgs {
    #[command(flatten)]
    pub db: HubDb,
    /// Address and port to listen on (port 0: any free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8787", value_name = "ADDR")]
    pub listen: String,
    /// TLS certificate chain (PEM); with --tls-key, serves HTTPS.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum HubOrgCommand {
    /// Create an organisation; prints its id.
    Create(HubOrgCreateArgs),
    /// List the organisations on this hub.
    List(HubDbOnly),
}

#[derive(Debug, Args)]
pub struct HubDbOnly {
    #[command(flatten)]
    pub db: HubDb,
}

#[derive(Debug, Args)]
pub struct HubOrgCreateArgs {
    #[command(flatten)]
    pub db: HubDb,
    /// The organisation's name.
    pub name: String,
}

#[derive(Debug, Args)]
pub struct HubOrgArg {
    #[command(flatten)]
    pub db: HubDb,
    /// Organisation id.
    #[arg(long, value_name = "ID")]
    pub org: String,
}

#[derive(Debug, Args)]
pub struct HubEnrollArgs {
    #[command(flatten)]
    pub org: HubOrgArg,
    /// How long the code stays valid: 90s, 15m, 2h, 1d.
    #[arg(long, default_value = "15m")]
    pub ttl: String,
    /// The hub's URL as laptops reach it, put in the QR code with the code.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Also write the QR code as an SVG file.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct HubRevokeArgs {
    #[command(flatten)]
    pub db: HubDb,
    /// Device id (see `escale hub devices`).
    pub device: String,
}

#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Enrol this laptop with a hub, using the one-time code from its administrator.
    Enroll(SyncEnrollArgs),
    /// Sync now: fetch what the hub has, send what it lacks.
    Now,
    /// Hub, last successful sync, operations not yet synced, clock skew.
    Status(SyncStatusArgs),
}

#[derive(Debug, Args)]
pub struct SyncEnrollArgs {
    /// The hub's URL, e.g. https://hub.example.org:8787, or the whole
    /// enrolment link of the code's QR code (escale://enroll?hub=…&code=…).
    #[arg(value_name = "HUB_URL|LINK")]
    pub hub_url: String,
    /// The one-time enrolment code, e.g. K7QM-2XZP-4HNB-9TRA (not needed
    /// after a link).
    pub code: Option<String>,
    /// This device's name on the hub (default: the name given at init, else "Escale").
    #[arg(long)]
    pub name: Option<String>,
    /// A CA certificate (PEM) to trust for this hub (an office hub with its own certificate).
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum PeerCommand {
    /// Share this laptop's data on the local network: shows a code to type on the other laptop.
    Share(PeerShareArgs),
    /// Join a sharing laptop with the code it shows, and exchange operations both ways.
    Join(PeerJoinArgs),
    /// Sync by itself with the organisation's other laptops on the local network (found by mDNS, or given with --peer) every few seconds, until Ctrl-C.
    Live(PeerLiveArgs),
}

#[derive(Debug, Args)]
pub struct PeerLiveArgs {
    /// TCP port the other laptops connect to (default: any free port, printed at start).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Address to listen on (default: every interface).
    #[arg(long, default_value = "0.0.0.0", value_name = "IP")]
    pub bind: std::net::IpAddr,
    /// Another laptop to sync with, whatever mDNS finds (repeatable), e.g. 192.168.1.12:45678.
    #[arg(long = "peer", value_name = "HOST:PORT")]
    pub peers: Vec<String>,
    /// Seconds between two exchanges with each laptop when nothing is written (default 3).
    #[arg(long, value_name = "SECS")]
    pub interval: Option<f64>,
    /// Neither advertise nor look for laptops on the local network (mDNS): only --peer.
    #[arg(long)]
    pub no_mdns: bool,
    /// Stop after this many seconds (default: run until Ctrl-C or SIGTERM).
    #[arg(long = "for", value_name = "SECS")]
    pub run_for: Option<f64>,
}

#[derive(Debug, Args)]
pub struct PeerShareArgs {
    /// TCP port to listen on (default: any free port, printed with the code).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Address to listen on (default: every interface).
    #[arg(long, default_value = "0.0.0.0", value_name = "IP")]
    pub bind: std::net::IpAddr,
    /// Stop after the first successful exchange.
    #[arg(long)]
    pub once: bool,
    /// Stop sharing (the code expires) after this many seconds (default 600).
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<u64>,
    /// Do not advertise on the local network (mDNS): joiners then need --address.
    #[arg(long)]
    pub no_mdns: bool,
}

#[derive(Debug, Args)]
pub struct PeerJoinArgs {
    /// The code shown on the sharing laptop, e.g. 4827-1953.
    pub code: String,
    /// The sharing laptop's address (no discovery), e.g. 192.168.1.12:45678.
    #[arg(long, value_name = "HOST:PORT")]
    pub address: Option<String>,
    /// Among several sharing laptops, the one whose name contains this.
    #[arg(long, value_name = "NAME")]
    pub peer: Option<String>,
    /// This device's name, when this data directory is empty and joins the organisation (default "Escale").
    #[arg(long)]
    pub name: Option<String>,
    /// Give up when the other laptop says nothing for this many seconds (default 30).
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<u64>,
}

#[derive(Debug, Args)]
pub struct SyncStatusArgs {
    /// Do not contact the hub (no online check, last known skew).
    #[arg(long)]
    pub offline: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Number of invented visitors.
    #[arg(long)]
    pub visitors: usize,
    /// Share of them already checked in (0 to 1).
    #[arg(long, default_value_t = 0.3, value_parser = parse_ratio)]
    pub arrived: f64,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

fn kind_parser() -> impl TypedValueParser<Value = EventKind> {
    PossibleValuesParser::new(EventKind::ALL.iter().map(|k| k.as_str()))
        .map(|s| s.parse::<EventKind>().unwrap_or(EventKind::Other))
}

fn parse_ratio(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        _ => Err(format!("expected a number between 0 and 1, got {s:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn kinds_and_situations_parse_into_the_core_types() {
        let cli = Cli::try_parse_from([
            "escale",
            "event",
            "create",
            "--title",
            "Forum",
            "--start",
            "2026-12-03 09:00",
            "--kind",
            "info_day",
        ])
        .expect("a valid event create line parses");
        match cli.command {
            Command::Event(EventCommand::Create(a)) => assert_eq!(a.kind, Some(EventKind::InfoDay)),
            other => panic!("parsed the wrong command: {other:?}"),
        }
        assert!(
            Cli::try_parse_from(["escale", "demo", "--visitors", "3", "--arrived", "1.5"]).is_err(),
            "a ratio above 1 is a usage error"
        );
    }
}

#[derive(Debug, Subcommand)]
pub enum StationCommand {
    /// The board: every station, who is on it (first name), time left; the waiting list.
    List,
    /// Add a station.
    Add(StationAddArgs),
    /// Give a person a station (the first free one unless --station).
    Assign(StationAssignArgs),
    /// Give a running session more time.
    Extend(StationExtendArgs),
    /// End a session (by station name or session id).
    End(StationRefArg),
    /// Move a session to another station (the first free one unless --to).
    Move(StationMoveArgs),
    /// Put a station out of order.
    Out(StationRefArg),
    /// Put a station back in service.
    Back(StationRefArg),
    /// Retire a station (its sessions stay in the figures).
    Retire(StationRefArg),
    /// The waiting list: show, add a person, call the next, skip, remove.
    #[command(subcommand)]
    Queue(QueueCommand),
    /// Sessions of a day (or the latest), newest first.
    History(StationHistoryArgs),
    /// Show or change the time given per place, the print quota and the coworking seats.
    Settings(StationSettingsArgs),
    /// The purposes, places and equipment, with their codes.
    Codes,
}

#[derive(Debug, Args)]
pub struct StationAddArgs {
    /// Short and unique, e.g. "Poste 1".
    pub name: String,
    /// stand (default) or third_place.
    #[arg(long)]
    pub place: Option<String>,
    /// What it offers, comma-separated: printer, webcam, headset, accessibility.
    #[arg(long, value_delimiter = ',')]
    pub offers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct StationAssignArgs {
    /// The person (visitor id).
    #[arg(long, value_name = "ID")]
    pub visitor: String,
    /// A station's name or id (default: the first free one).
    #[arg(long)]
    pub station: Option<String>,
    /// job_search, cv_letter, procedure, free (default) or training.
    #[arg(long)]
    pub purpose: Option<String>,
    /// Minutes allowed (default: the place's setting).
    #[arg(long)]
    pub minutes: Option<i64>,
    /// The event the person was checked in at.
    #[arg(long, value_name = "ID")]
    pub event: Option<String>,
}

#[derive(Debug, Args)]
pub struct StationRefArg {
    /// A station's name, or a session id.
    pub station: String,
}

#[derive(Debug, Args)]
pub struct StationExtendArgs {
    /// A station's name, or a session id.
    pub station: String,
    /// Minutes added (default 15).
    #[arg(long)]
    pub minutes: Option<i64>,
}

#[derive(Debug, Args)]
pub struct StationMoveArgs {
    /// A station's name, or a session id.
    pub station: String,
    /// The station to move to (default: the first free one).
    #[arg(long)]
    pub to: Option<String>,
}

#[derive(Debug, Args)]
pub struct StationHistoryArgs {
    /// A local date, 2026-12-07 (default: every day).
    #[arg(long)]
    pub day: Option<String>,
    /// Most sessions shown (default 100).
    #[arg(long)]
    pub limit: Option<u32>,
}

#[derive(Debug, Args)]
pub struct StationSettingsArgs {
    /// Minutes a session is given on a stand.
    #[arg(long)]
    pub stand_minutes: Option<i64>,
    /// Minutes a session is given at the third place.
    #[arg(long)]
    pub third_place_minutes: Option<i64>,
    /// Free pages a day per person.
    #[arg(long)]
    pub print_quota: Option<i64>,
    /// The coworking space's seats.
    #[arg(long)]
    pub cowork_capacity: Option<i64>,
}

#[derive(Debug, Subcommand)]
pub enum QueueCommand {
    /// Today's waiting list with estimated waits.
    List,
    /// Give a person a ticket.
    Join(QueueJoinArgs),
    /// Call the next person.
    Call,
    /// The person called is absent: skipped once they keep their place, twice they leave.
    Skip(TicketArg),
    /// Take a person off the list.
    Leave(TicketArg),
}

#[derive(Debug, Args)]
pub struct QueueJoinArgs {
    #[arg(long, value_name = "ID")]
    pub visitor: String,
    /// What for (default free).
    #[arg(long)]
    pub purpose: Option<String>,
    #[arg(long, value_name = "ID")]
    pub event: Option<String>,
}

#[derive(Debug, Args)]
pub struct TicketArg {
    /// The ticket as called out (12, 12b) or its id.
    pub ticket: String,
}

#[derive(Debug, Subcommand)]
pub enum PrintCommand {
    /// A person's pages today against the quota.
    Quota(VisitorArg),
    /// Count pages printed for a person (refused past the quota).
    Count(PrintPagesArgs),
    /// Grant a person more pages for today.
    Grant(PrintPagesArgs),
    /// Print a person's own PDF (a CV, a form): its pages count against their quota.
    File(PrintFileArgs),
}

#[derive(Debug, Args)]
pub struct PrintFileArgs {
    /// Visitor id.
    pub visitor: String,
    /// The PDF to print.
    pub file: std::path::PathBuf,
    #[command(flatten)]
    pub printer: PrinterArgs,
}

#[derive(Debug, Args)]
pub struct VisitorArg {
    /// Visitor id.
    pub visitor: String,
}

#[derive(Debug, Args)]
pub struct PrintPagesArgs {
    /// Visitor id.
    pub visitor: String,
    /// Number of pages.
    pub pages: i64,
}

#[derive(Debug, Subcommand)]
pub enum CoworkCommand {
    /// Who is in the coworking space now, against its seats.
    Occupancy,
    /// Give a coworker a pass (a day, or a membership with its dates).
    Pass(CoworkPassArgs),
    /// A coworker's status and passes.
    Show(VisitorArg),
    /// Delete a pass given by mistake.
    DeletePass(IdArg),
}

#[derive(Debug, Args)]
pub struct CoworkPassArgs {
    /// Visitor id.
    pub visitor: String,
    /// day (default) or membership.
    #[arg(long)]
    pub kind: Option<String>,
    /// First day (default today).
    #[arg(long)]
    pub from: Option<String>,
    /// Last day (a membership needs it).
    #[arg(long)]
    pub to: Option<String>,
    /// freelancer, remote_employee, founder, social_entrepreneur or job_seeker.
    #[arg(long)]
    pub status: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum MediationCommand {
    /// Record help given to someone (anonymous without --visitor).
    Add(MediationAddArgs),
    /// List entries, newest first.
    List(MediationListArgs),
    /// Delete an entry made by mistake.
    Delete(IdArg),
    /// The themes, autonomy levels, referrals, equipment and places, with their codes.
    Codes,
}

#[derive(Debug, Args)]
pub struct MediationAddArgs {
    /// The person helped (visitor id); anonymous when absent.
    #[arg(long, value_name = "ID")]
    pub visitor: Option<String>,
    /// The event where it happened.
    #[arg(long, value_name = "ID")]
    pub event: Option<String>,
    /// The session (of --event).
    #[arg(long, value_name = "ID")]
    pub session: Option<String>,
    /// Themes, comma-separated codes, e.g. "job_integration,email" (`escale mediation codes`).
    #[arg(long, value_delimiter = ',', required = true)]
    pub themes: Vec<String>,
    /// Duration in minutes (default 30).
    #[arg(long)]
    pub minutes: Option<i64>,
    /// When: "2026-12-03 10:30" in the event's timezone (default: now).
    #[arg(long)]
    pub at: Option<String>,
    /// accompanied, partly or autonomous.
    #[arg(long)]
    pub autonomy: Option<String>,
    /// Where the person was referred (e.g. france_travail).
    #[arg(long)]
    pub referral: Option<String>,
    /// Equipment used, comma-separated (computer, phone, tablet, other, none).
    #[arg(long, value_delimiter = ',')]
    pub equipment: Vec<String>,
    /// site, home, remote or other (default site).
    #[arg(long)]
    pub place: Option<String>,
    /// The place's commune, INSEE code.
    #[arg(long, value_name = "CODE")]
    pub commune_code: Option<String>,
    /// The organisation's own tags, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub tags: Vec<String>,
    /// A short note (staff only; needs --visitor).
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct MediationListArgs {
    #[arg(long, value_name = "ID")]
    pub visitor: Option<String>,
    #[arg(long, value_name = "ID")]
    pub event: Option<String>,
    /// First local date, 2026-12-01.
    #[arg(long)]
    pub from: Option<String>,
    /// Last local date.
    #[arg(long)]
    pub to: Option<String>,
    /// Most entries shown (default 200).
    #[arg(long)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormatArg {
    Pdf,
    Csv,
    Xlsx,
    /// La Coop de la médiation numérique's activity file (one row per activity, not suppressed).
    Coop,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// One event.
    #[arg(long, value_name = "ID", conflicts_with = "series")]
    pub event: Option<String>,
    /// Every event of a series (narrowed by --from/--to if given).
    #[arg(long, value_name = "NAME")]
    pub series: Option<String>,
    /// First local date of the period, 2026-01-01.
    #[arg(long)]
    pub from: Option<String>,
    /// Last local date of the period.
    #[arg(long)]
    pub to: Option<String>,
    /// Write the report as a file (without: print the figures).
    #[arg(long, value_enum)]
    pub format: Option<ReportFormatArg>,
    /// Destination file (default: escale-rapport-<scope>.<format> in the current directory).
    #[arg(long)]
    pub output: Option<PathBuf>,
}
