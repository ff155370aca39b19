//! What the CLI prints and how it exits: the text/JSON envelope, error
//! mapping to exit codes, and small text-layout helpers (aligned tables and
//! label/value lists).
//!
//! Commands build a [`Reply`] (a JSON view plus its text rendering) or a
//! [`Failure`]; only this module writes to stdout/stderr for them, so the
//! one-JSON-document rule holds everywhere.

use escale_core::{Error, Lang};
use escale_protocol::catalogue::{Class, Code, Describe, Problem};
use serde::Serialize;
use serde_json::Value;
use std::io::Write;

/// Exit codes (documented in docs/cli.md).
pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_STORE: u8 = 3;
pub const EXIT_INTERNAL: u8 = 4;

/// The chosen language and output mode, passed to every command.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    pub lang: Lang,
    pub json: bool,
}

impl Ui {
    /// The French or the English text.
    pub fn t<'a>(&self, fr: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(fr, en)
    }
}

/// A successful command: its JSON `data` and its human rendering.
#[derive(Debug)]
pub struct Reply {
    pub data: Value,
    pub text: String,
}

impl Reply {
    pub fn new(data: &impl Serialize, text: String) -> Result<Reply, Failure> {
        let data = serde_json::to_value(data).map_err(|e| Failure::Core(e.into()))?;
        Ok(Reply { data, text })
    }
}

/// A failed command.
#[derive(Debug)]
pub enum Failure {
    /// The core refused or failed; its code and message are used as they are.
    Core(Error),
    /// A refusal decided by the CLI itself (e.g. no confirmation possible)
    /// or reported by the hub or another laptop: a message of the catalogue.
    Problem(Problem),
    /// The command ran but its answer is "no" (e.g. `ops verify` mismatch):
    /// reported as an error with the data attached.
    Negative { problem: Problem, reply: Reply },
}

impl Failure {
    /// Anything that fails with a message of the catalogue.
    pub fn of(e: &impl Describe) -> Failure {
        Failure::Problem(e.describe())
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Core(e)
    }
}

impl Failure {
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    fn error_code(&self) -> Code {
        match self {
            Failure::Core(e) => e.error_code(),
            Failure::Problem(p) | Failure::Negative { problem: p, .. } => p.code(),
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            Failure::Core(e) => e.message(lang),
            Failure::Problem(p) | Failure::Negative { problem: p, .. } => p.message(lang),
        }
    }
}

/// Error codes become exit codes by their class in the catalogue.
pub fn exit_code(code: Code) -> u8 {
    match code.class() {
        Class::Internal => EXIT_INTERNAL,
        Class::Store => EXIT_STORE,
        Class::Usage => EXIT_USAGE,
        Class::Failed => EXIT_FAILED,
    }
}

/// The JSON document: `ok` first, then `error` and/or `data`.
#[derive(Serialize)]
struct Envelope<'a> {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorBody<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a Value>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    code: &'a str,
    message: &'a str,
}

/// Prints the outcome of a command and returns the process exit code.
pub fn finish(ui: Ui, outcome: Result<Reply, Failure>) -> u8 {
    match outcome {
        Ok(reply) => {
            if ui.json {
                print_json(&Envelope {
                    ok: true,
                    error: None,
                    data: Some(&reply.data),
                });
            } else {
                print_text(&reply.text);
            }
            EXIT_OK
        }
        Err(failure) => fail(ui, failure),
    }
}

fn fail(ui: Ui, failure: Failure) -> u8 {
    let code = failure.code();
    let class = failure.error_code();
    let message = failure.message(ui.lang);
    if let Failure::Core(Error::Internal(detail)) = &failure {
        // The detail is for whoever reads the terminal's log, never the JSON.
        eprintln!("escale: internal detail: {detail}");
    }
    let (exit, reply) = match failure {
        Failure::Negative { reply, .. } => (EXIT_FAILED, Some(reply)),
        _ => (exit_code(class), None),
    };
    if ui.json {
        let error = Some(ErrorBody {
            code,
            message: &message,
        });
        print_json(&Envelope {
            ok: false,
            error,
            data: reply.as_ref().map(|r| &r.data),
        });
    } else {
        if let Some(r) = &reply {
            print_text(&r.text);
        }
        eprintln!("escale: {message}");
    }
    exit
}

/// A usage error from clap as one JSON document (clap prints it otherwise).
pub fn usage_error(rendered: &str) {
    // Keep clap's first paragraph, without its "error: " prefix.
    let first = rendered.split("\n\n").next().unwrap_or(rendered).trim();
    let message = first.strip_prefix("error: ").unwrap_or(first);
    print_json(&Envelope {
        ok: false,
        error: Some(ErrorBody {
            code: Code::Usage.as_str(),
            message,
        }),
        data: None,
    });
}

fn print_json(v: &impl Serialize) {
    let mut out = std::io::stdout().lock();
    let _ = serde_json::to_writer_pretty(&mut out, v);
    let _ = writeln!(out);
}

fn print_text(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = write!(out, "{text}");
    if !text.is_empty() && !text.ends_with('\n') {
        let _ = writeln!(out);
    }
}

/// Display width of a cell (one column per character; good enough for the
/// Latin, Vietnamese and Turkish names the desk sees, all NFC).
fn width(s: &str) -> usize {
    s.chars().count()
}

/// Pads `s` with spaces to `w` columns.
pub fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// An aligned table with a header line and a rule under it.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(width(cell));
            }
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let padded: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| pad(c, *w)).collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    let mut out = line(headers.to_vec());
    out += &line(
        widths
            .iter()
            .map(|w| "─".repeat(*w))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect(),
    );
    for row in rows {
        out += &line(row.iter().map(String::as_str).collect());
    }
    out
}

/// "Label : value" lines with the values aligned; French puts a space before
/// the colon.
pub fn fields(ui: Ui, pairs: &[(&str, String)]) -> String {
    let w = pairs.iter().map(|(l, _)| width(l)).max().unwrap_or(0);
    let colon = ui.t(" :", ":");
    pairs
        .iter()
        .map(|(l, v)| format!("{}{colon} {v}\n", pad(l, w)))
        .collect()
}

/// An optional text, or a dash.
pub fn or_dash(v: Option<&str>) -> String {
    v.filter(|s| !s.is_empty()).unwrap_or("—").to_string()
}

/// "Prénom Nom", whichever parts exist.
pub fn full_name(first: &str, last: &str) -> String {
    format!("{first} {last}").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_map_to_the_documented_exit_codes() {
        let cases = [
            ("event.not_found", EXIT_USAGE),
            ("visitor.not_found", EXIT_USAGE),
            ("session.not_found", EXIT_USAGE),
            ("checkin.unknown_code", EXIT_USAGE),
            ("visitor.name_required", EXIT_USAGE),
            ("input.too_long", EXIT_USAGE),
            ("input.invalid", EXIT_USAGE),
            ("import.not_a_spreadsheet", EXIT_USAGE),
            ("usage.confirmation_required", EXIT_USAGE),
            ("store.not_initialised", EXIT_STORE),
            ("store.data_dir", EXIT_STORE),
            ("store.read_only", EXIT_STORE),
            ("store.disk_full", EXIT_STORE),
            ("store.busy", EXIT_STORE),
            ("store.corrupt", EXIT_STORE),
            ("store.already_initialised", EXIT_FAILED),
            ("checkin.nothing_to_undo", EXIT_FAILED),
            ("export.failed", EXIT_FAILED),
            ("cancelled", EXIT_FAILED),
            ("internal", EXIT_INTERNAL),
        ];
        for (code, exit) in cases {
            assert_eq!(
                exit_code(Code::parse(code).unwrap()),
                exit,
                "{code} must exit with {exit} as docs/cli.md says"
            );
        }
    }

    #[test]
    fn core_errors_keep_their_code_through_the_failure_type() {
        let f = Failure::from(Error::EventNotFound("x".into()));
        assert_eq!(
            f.code(),
            "event.not_found",
            "the JSON code is the core's code"
        );
        assert_ne!(
            f.message(Lang::Fr),
            f.message(Lang::En),
            "messages follow --lang"
        );
    }

    #[test]
    fn tables_align_accented_names_by_characters_not_bytes() {
        let t = table(
            &["Nom", "E-mail"],
            &[
                vec!["Éloïse".into(), "a@b.fr".into()],
                vec!["Zoé".into(), "c@d.fr".into()],
            ],
        );
        let lines: Vec<&str> = t.lines().collect();
        let col = |l: &str| l.chars().position(|c| c == '@');
        assert_eq!(
            col(lines[2]),
            col(lines[3]),
            "the email column starts at the same place on every row:\n{t}"
        );
    }
}
