//! The CUPS scheduler with a `cups-pdf` queue: jobs printed to it land as
//! PDF files in `$HOME/PDF` (cups-pdf's default `Out`), where a test reads
//! them back with `pdftotext`. `make test` starts it (`make cups`); a test
//! run alone starts it here the same way.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// The queue the tests print to.
pub const QUEUE: &str = "PDF";

/// One test at a time uses the queue (one of them stops it on purpose).
static QUEUE_TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Holds the queue for the calling test until dropped.
pub fn turn() -> std::sync::MutexGuard<'static, ()> {
    QUEUE_TURN.lock().unwrap_or_else(|p| p.into_inner())
}

fn scheduler_running() -> bool {
    Command::new("lpstat")
        .arg("-r")
        .env("LC_ALL", "C")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("is running"))
        .unwrap_or(false)
}

/// `true` when the tools are there; the scheduler is started and the queue
/// created if needed. On CI a missing piece fails the test.
pub fn ready(test: &str) -> bool {
    if !crate::tools::require(
        test,
        &[
            "cupsd",
            "lpadmin",
            "lpstat",
            "lp",
            "cupsenable",
            "pdftotext",
        ],
        "make deps (cups, cups-client, cups-bsd, printer-driver-cups-pdf, poppler-utils)",
    ) {
        return false;
    }
    if !scheduler_running() {
        let _ = Command::new("cupsd").status();
        crate::wait_until(Duration::from_secs(20), || {
            Ok(scheduler_running().then_some(()))
        })
        .expect("cupsd starts");
    }
    let has_queue = Command::new("lpstat")
        .args(["-p", QUEUE])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !has_queue {
        let out = Command::new("lpadmin")
            .args([
                "-p",
                QUEUE,
                "-E",
                "-v",
                "cups-pdf:/",
                "-m",
                "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd",
            ])
            .output()
            .expect("lpadmin runs");
        assert!(
            out.status.success(),
            "creating the cups-pdf queue: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Text that pdftotext can read back in the file cups-pdf writes (see
    // the Makefile's `cups` target).
    let _ = Command::new("lpadmin")
        .args(["-p", QUEUE, "-o", "pdftops-renderer-default=pdftocairo"])
        .status();
    let _ = Command::new("cupsenable").arg(QUEUE).status();
    let _ = Command::new("cupsaccept").arg(QUEUE).status();
    true
}

/// Where cups-pdf writes the jobs of this user.
pub fn out_dir() -> PathBuf {
    PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| "/root".into())).join("PDF")
}

/// The PDF files cups-pdf has written whose name contains `needle`.
pub fn jobs_named(needle: &str) -> Vec<PathBuf> {
    std::fs::read_dir(out_dir())
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| {
                    p.extension().is_some_and(|x| x == "pdf")
                        && p.file_name()
                            .is_some_and(|n| n.to_string_lossy().contains(needle))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Waits for a job file whose name contains `needle`, written whole
/// (cups-pdf writes it in place: its size must stop changing).
pub fn wait_for_job(needle: &str, timeout: Duration) -> Result<PathBuf, String> {
    let mut last: Option<(PathBuf, u64)> = None;
    crate::wait_until_every(timeout, Duration::from_millis(300), || {
        let Some(path) = jobs_named(needle).into_iter().next() else {
            return Ok(None);
        };
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let stable = size > 0 && last.as_ref() == Some(&(path.clone(), size));
        last = Some((path.clone(), size));
        Ok(stable.then_some(path))
    })
    .map_err(|e| {
        format!(
            "no job file named *{needle}* in {}: {e}",
            out_dir().display()
        )
    })
}
