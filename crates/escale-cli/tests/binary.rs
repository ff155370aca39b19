//! Smoke tests of the built `escale` binary itself.
//!
//! Besides checking the binary starts, this integration test makes
//! `cargo test --workspace` build `target/<profile>/escale` before any test
//! runs, which the end-to-end tests in `tests/tests/cli.rs` rely on.

use std::process::Command;

fn escale(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_escale"))
        .args(args)
        .output()
        .expect("the escale binary runs")
}

#[test]
fn help_lists_every_command_and_exits_0() {
    let out = escale(&["--help"]);
    assert!(out.status.success(), "--help is not an error");
    let help = String::from_utf8_lossy(&out.stdout);
    for command in [
        "init", "info", "event", "session", "visitor", "import", "search", "checkin", "checkout",
        "undo", "stats", "export", "merge", "erase", "ops", "demo",
    ] {
        assert!(
            help.contains(&format!("  {command} ")),
            "--help must list `{command}`:\n{help}"
        );
    }
}

#[test]
fn a_missing_command_is_a_usage_error_with_exit_code_2() {
    let out = escale(&[]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "usage errors exit 2 as docs/cli.md says"
    );
}

#[test]
fn version_is_the_package_version() {
    let out = escale(&["--version"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(env!("CARGO_PKG_VERSION")),
        "--version prints {}: {text}",
        env!("CARGO_PKG_VERSION")
    );
}
