//! Child processes that die with the test, free ports, and port readiness.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Kills and reaps its child on drop, so a panicking test leaves nothing behind.
///
/// A child started with [`ChildGuard::spawn_group`] leads its own process group
/// and the whole group is stopped, grandchildren included (tauri-driver starts
/// WebKitWebDriver, which starts the app).
pub struct ChildGuard {
    name: String,
    child: Child,
    group: bool,
}

impl ChildGuard {
    /// Spawns `command`; `name` appears in error messages.
    pub fn spawn(name: &str, command: &mut Command) -> Result<Self, String> {
        let child = command
            .spawn()
            .map_err(|error| format!("cannot start {name}: {error}"))?;
        Ok(Self {
            name: name.to_owned(),
            child,
            group: false,
        })
    }

    /// Spawns `command` as the leader of a new process group, stopped as a whole on drop.
    pub fn spawn_group(name: &str, command: &mut Command) -> Result<Self, String> {
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        let mut guard = Self::spawn(name, command)?;
        guard.group = cfg!(unix);
        Ok(guard)
    }

    /// `Some(status)` if the child has already exited.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// The child's piped standard output (once).
    pub fn take_stdout(&mut self) -> Option<std::process::ChildStdout> {
        self.child.stdout.take()
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Sends `signal` (e.g. "TERM") to the child's process group.
    fn signal_group(&self, signal: &str) {
        let _ = Command::new("kill")
            .args([
                format!("-{signal}"),
                "--".to_owned(),
                format!("-{}", self.child.id()),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if self.group {
            // TERM first so tauri-driver can close its session cleanly, then
            // KILL whatever of the group is left.
            self.signal_group("TERM");
            let _ = crate::wait_until(Duration::from_secs(3), || Ok(self.exited().map(|_| ())));
            self.signal_group("KILL");
        } else if self.exited().is_none() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("the loopback interface can give a free port")
}

/// Waits until something accepts connections on 127.0.0.1:`port`, failing early
/// if `owner` exits first.
pub fn wait_for_port(port: u16, owner: &mut ChildGuard, timeout: Duration) -> Result<(), String> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    crate::wait_until(timeout, || {
        if let Some(status) = owner.exited() {
            return Err(format!(
                "{} exited ({status}) before listening on port {port}",
                owner.name()
            ));
        }
        Ok(
            TcpStream::connect_timeout(&addr, Duration::from_millis(200))
                .ok()
                .map(|_| ()),
        )
    })
}
