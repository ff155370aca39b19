//! A real `escale hub serve` on loopback, on a SQLite file in a directory
//! the test owns: created with an organisation, stopped ("the hub is down")
//! and started again on the same port, as an office server restarts.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::paths;
use crate::process::{free_port, ChildGuard};

/// The hub's files and address; the server itself is a [`RunningHub`].
pub struct Hub {
    dir: tempfile::TempDir,
    port: u16,
    org_id: String,
}

/// A running `escale hub serve`; dropping it stops the server.
pub struct RunningHub {
    _server: ChildGuard,
}

impl Hub {
    /// A hub directory with one organisation, on a free loopback port.
    pub fn create(org_name: &str) -> Hub {
        let dir = tempfile::tempdir().expect("a directory for the hub");
        let mut hub = Hub {
            dir,
            port: free_port(),
            org_id: String::new(),
        };
        let org = hub.admin(&["hub", "org", "create", org_name]);
        hub.org_id = org["id"]
            .as_str()
            .expect("the organisation's id")
            .to_owned();
        hub
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn database_url(&self) -> String {
        format!("sqlite://{}", self.dir.path().join("hub.db").display())
    }

    /// A one-time enrolment code for a new laptop of the organisation.
    pub fn enrolment_code(&self) -> String {
        let org = self.org_id.clone();
        let code = self.admin(&["hub", "enroll", "--org", &org]);
        code["code"].as_str().expect("an enrolment code").to_owned()
    }

    /// Starts the server and waits until it listens.
    pub fn start(&self) -> RunningHub {
        let mut command = Command::new(escale());
        command
            .args(["--json", "--lang", "en", "--data-dir"])
            .arg(self.dir.path())
            .args([
                "hub",
                "serve",
                "--listen",
                &format!("127.0.0.1:{}", self.port),
            ])
            .args(["--database-url", &self.database_url()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut server =
            ChildGuard::spawn("escale hub serve", &mut command).expect("the hub starts");
        let stdout = server.take_stdout().expect("the hub's standard output");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the hub says where it listens within a minute");
        assert!(
            line.contains(&self.url()),
            "the hub listens on its port: {line}"
        );
        RunningHub { _server: server }
    }

    /// `escale --json ARGS --database-url …` on the hub's database.
    fn admin(&self, args: &[&str]) -> Value {
        let out = Command::new(escale())
            .args(["--json", "--lang", "en", "--data-dir"])
            .arg(self.dir.path())
            .args(args)
            .args(["--database-url", &self.database_url()])
            .stdin(Stdio::null())
            .output()
            .expect("the escale binary runs");
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "`escale {}` printed no JSON ({e}): {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            )
        });
        assert_eq!(doc["ok"], true, "`escale {}` failed: {doc}", args.join(" "));
        doc["data"].clone()
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

fn escale() -> PathBuf {
    paths::binary("escale")
}
