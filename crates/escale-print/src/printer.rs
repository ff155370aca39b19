//! The operating system's printers, through CUPS's own commands: `lpstat`
//! lists the queues and says whether one is stopped, `lp` sends a PDF with
//! its number of copies. CUPS runs on Linux and macOS; on Windows the
//! spooler takes raw bytes only, so a PDF needs a PDF-capable printer or a
//! helper (see `docs/certificates.md`): there, [`printers`] says the print
//! service is unavailable and the app offers to save the PDF.
//!
//! `CUPS_SERVER` is honoured as CUPS does (a test points it at its own
//! `cupsd`).

use escale_protocol::catalogue::{m, Describe, Problem};
use serde::Serialize;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("print service unavailable: {0}")]
    Unavailable(String),
    #[error("unknown printer {0}")]
    NotFound(String),
    #[error("printer {printer} refused the job: {detail}")]
    Failed { printer: String, detail: String },
}

impl Describe for PrintError {
    fn describe(&self) -> Problem {
        match self {
            PrintError::Unavailable(d) => Problem::new(&m::PRINTER_UNAVAILABLE).arg("detail", d),
            PrintError::NotFound(p) => Problem::new(&m::PRINTER_NOT_FOUND).arg("printer", p),
            PrintError::Failed { printer, detail } => Problem::new(&m::PRINTER_FAILED)
                .arg("printer", printer)
                .arg("detail", detail),
        }
    }
}

/// A print queue.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Printer {
    pub name: String,
    pub is_default: bool,
    /// False when the queue is stopped (jobs wait in it).
    pub enabled: bool,
    /// What CUPS says about its state (`idle`, the reason it stopped…).
    pub state: String,
}

/// What became of a job.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobOutcome {
    pub printer: String,
    /// CUPS's job id (`PDF-12`).
    pub job: String,
    /// The printer has taken the whole job.
    pub completed: bool,
    /// Why it is still waiting, in CUPS's words (printer stopped, no paper…).
    pub waiting: Option<String>,
}

fn run(cmd: &mut Command) -> Result<String, PrintError> {
    let out = cmd
        .env("LC_ALL", "C")
        .output()
        .map_err(|e| PrintError::Unavailable(format!("{}: {e}", program(cmd))))?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.success() {
        Ok(text)
    } else {
        let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
        Err(PrintError::Unavailable(if err.is_empty() {
            text
        } else {
            err
        }))
    }
}

fn program(cmd: &Command) -> String {
    cmd.get_program().to_string_lossy().into_owned()
}

/// The print queues, the default first.
pub fn printers() -> Result<Vec<Printer>, PrintError> {
    let default = run(Command::new("lpstat").arg("-d"))
        .ok()
        .and_then(|t| t.split_once(": ").map(|(_, d)| d.trim().to_string()));
    // `lpstat -p` fails when there is no printer at all: that is an empty list.
    let text = match run(Command::new("lpstat").arg("-p")) {
        Ok(t) => t,
        Err(PrintError::Unavailable(e)) if e.contains("No destinations") => String::new(),
        Err(e) => return Err(e),
    };
    let mut out: Vec<Printer> = vec![];
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("printer ") {
            let name = rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
            let enabled = !rest.contains(" disabled");
            let state = rest
                .split_once(" is ")
                .map(|(_, s)| {
                    s.split("  ")
                        .next()
                        .unwrap_or(s)
                        .trim_end_matches('.')
                        .to_string()
                })
                .unwrap_or_else(|| "disabled".into());
            out.push(Printer {
                is_default: default.as_deref() == Some(name.as_str()),
                name,
                enabled,
                state,
            });
        } else if let Some(last) = out.last_mut() {
            // The reason a stopped queue gives, on the lines after it.
            let reason = line.trim();
            if !last.enabled && !reason.is_empty() {
                last.state = reason.to_string();
            }
        }
    }
    out.sort_by_key(|p| !p.is_default);
    Ok(out)
}

/// Sends a PDF to a printer and waits up to `wait` for the printer to take
/// it; a job still queued then is reported with CUPS's reason, not lost.
pub fn print(
    printer: &str,
    pdf: &[u8],
    copies: u32,
    title: &str,
    wait: Duration,
) -> Result<JobOutcome, PrintError> {
    let known = printers()?;
    let Some(p) = known.iter().find(|p| p.name == printer) else {
        return Err(PrintError::NotFound(printer.to_string()));
    };
    let mut child = Command::new("lp")
        .env("LC_ALL", "C")
        .args([
            "-d",
            printer,
            "-n",
            &copies.clamp(1, 99).to_string(),
            "-t",
            title,
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| PrintError::Unavailable(format!("lp: {e}")))?;
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(pdf)
        .map_err(|e| PrintError::Unavailable(format!("lp: {e}")))?;
    let out = child
        .wait_with_output()
        .map_err(|e| PrintError::Unavailable(format!("lp: {e}")))?;
    if !out.status.success() {
        return Err(PrintError::Failed {
            printer: printer.to_string(),
            detail: String::from_utf8_lossy(&out.stderr)
                .trim()
                .trim_start_matches("lp: ")
                .to_string(),
        });
    }
    // "request id is PDF-3 (1 file(s))"
    let text = String::from_utf8_lossy(&out.stdout);
    let job = text
        .split_whitespace()
        .find(|w| w.starts_with(&format!("{printer}-")))
        .unwrap_or_default()
        .to_string();
    let deadline = Instant::now() + wait;
    loop {
        let pending = run(Command::new("lpstat").args(["-W", "not-completed", "-o", printer]))
            .unwrap_or_default();
        let queued = !job.is_empty()
            && pending
                .lines()
                .any(|l| l.split_whitespace().next() == Some(job.as_str()));
        if !queued {
            return Ok(JobOutcome {
                printer: printer.to_string(),
                job,
                completed: true,
                waiting: None,
            });
        }
        if Instant::now() >= deadline || !p.enabled {
            let state = printers()
                .ok()
                .and_then(|l| l.into_iter().find(|q| q.name == printer))
                .map(|q| {
                    if q.enabled {
                        q.state
                    } else {
                        format!("stopped: {}", q.state)
                    }
                })
                .unwrap_or_default();
            return Ok(JobOutcome {
                printer: printer.to_string(),
                job,
                completed: false,
                waiting: Some(state),
            });
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
