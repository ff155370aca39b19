//! Crash points for the crash tests, shared by the laptop's sync client and
//! the hub: a process that reaches one (behind a `*_CRASH_*` environment
//! switch of its own) says so on stderr and waits to be killed. No I/O but
//! that one line.

/// The line a process prints on stderr when it reaches the failpoint `name`.
pub fn failpoint_line(name: &str) -> String {
    format!(
        "escale: failpoint {name} reached (pid {}), waiting to be killed",
        std::process::id()
    )
}

/// Test-only crash points (`*_CRASH_*` environment switches): says on stderr
/// that the process reached `name` ([`failpoint_line`]), then waits forever
/// without doing anything else, so the crash tests can kill it (`SIGKILL`)
/// in exactly that state: nothing after the point runs, not even a
/// destructor or a rollback.
pub async fn wait_to_be_killed(name: &str) {
    eprintln!("{}", failpoint_line(name));
    std::future::pending::<()>().await;
}
