//! A private X display (Xvfb) for GUI tests, on a display number nobody uses.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::process::ChildGuard;

/// A running Xvfb server, stopped on drop.
pub struct VirtualDisplay {
    number: u32,
    _server: ChildGuard,
}

impl VirtualDisplay {
    /// Starts `Xvfb :N -screen 0 WIDTHxHEIGHTx24` on the first free `N` from 90.
    pub fn start(width: u32, height: u32) -> Result<Self, String> {
        let mut last_error = String::new();
        for number in 90..400 {
            if in_use(number) {
                continue;
            }
            let mut server = ChildGuard::spawn(
                "Xvfb",
                Command::new("Xvfb")
                    .arg(format!(":{number}"))
                    .args([
                        "-screen",
                        "0",
                        &format!("{width}x{height}x24"),
                        "-nolisten",
                        "tcp",
                    ])
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null()),
            )?;
            // Another process (a test running beside this one) may grab the
            // same number between the check and the start; Xvfb then exits
            // and the next number is tried. The display is ours only when its
            // lock file names our server: the other's socket existing proves
            // nothing (using it, this test would lose its display when the
            // other one ends).
            let pid = server.id();
            let ready = crate::wait_until(Duration::from_secs(10), || {
                if let Some(status) = server.exited() {
                    return Err(format!("Xvfb :{number} exited ({status})"));
                }
                let ours = std::fs::read_to_string(lock(number))
                    .is_ok_and(|t| t.trim().parse::<u32>().ok() == Some(pid));
                if ours && socket(number).exists() {
                    return Ok(Some(()));
                }
                if !ours && in_use(number) {
                    // Taken by another server that started first.
                    return Err(format!("Xvfb :{number} is another test's"));
                }
                Ok(None)
            });
            match ready {
                Ok(()) => {
                    return Ok(Self {
                        number,
                        _server: server,
                    })
                }
                Err(error) => last_error = error,
            }
        }
        Err(format!(
            "no free X display between :90 and :399 ({last_error})"
        ))
    }

    /// Value for the `DISPLAY` variable, e.g. `:90`.
    pub fn display(&self) -> String {
        format!(":{}", self.number)
    }
}

/// A display is taken when its lock file names a live process. Lock files
/// and sockets left by a killed Xvfb (a test run stopped with SIGKILL, a CI
/// job ended) are stale: Xvfb replaces them itself, so they must not make
/// the search run out of numbers.
fn in_use(number: u32) -> bool {
    match std::fs::read_to_string(lock(number)) {
        Ok(text) => match text.trim().parse::<u32>() {
            Ok(pid) => PathBuf::from(format!("/proc/{pid}")).exists(),
            Err(_) => true,
        },
        Err(_) => false,
    }
}

fn lock(number: u32) -> PathBuf {
    PathBuf::from(format!("/tmp/.X{number}-lock"))
}

fn socket(number: u32) -> PathBuf {
    PathBuf::from(format!("/tmp/.X11-unix/X{number}"))
}
