//! System tools a test needs, and the policy when one is missing: on CI
//! (`CI=true`) the test fails with the list; elsewhere it prints a loud note
//! and the test returns early, so a developer without Xvfb can still run the
//! rest of the suite. Never a silent skip.

use std::path::{Path, PathBuf};

/// Finds `program` on `PATH`.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// True when running under CI (`CI` set to anything but empty/`false`/`0`).
pub fn on_ci() -> bool {
    std::env::var("CI")
        .map(|value| !matches!(value.as_str(), "" | "false" | "0"))
        .unwrap_or(false)
}

/// Returns `true` when every tool is present. Otherwise fails the test on CI,
/// or prints a loud note and returns `false` so the caller can `return`.
pub fn require(test: &str, tools: &[&str], install_hint: &str) -> bool {
    let missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|tool| which(tool).is_none())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let message = format!(
        "{test}: missing {} on PATH. Install with: {install_hint}",
        missing.join(", ")
    );
    if on_ci() {
        panic!("{message} (CI=true, so this is a failure, not a skip)");
    }
    // Written to the real stderr, not through eprintln!, which the test
    // harness captures and hides for passing tests.
    let bar = "!".repeat(72);
    let note =
        format!("\n{bar}\n!!! NOT RUN: {message}\n!!! (with CI=true this is a failure)\n{bar}\n");
    let _ = std::io::Write::write_all(&mut std::io::stderr(), note.as_bytes());
    false
}

pub use escale_testkit::net::loopback_multicast;
