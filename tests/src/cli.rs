//! Running the real `escale` binary against a private data directory.
//!
//! [`Cli`] owns a temporary data directory (removed on `Drop`) and runs the
//! binary with `--data-dir` set, no standard input, and a French locale
//! unless a test says otherwise, so results never depend on the machine.

use crate::paths;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What one run printed and how it exited.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The one JSON document a `--json` run prints on stdout.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "--json must print exactly one JSON document ({e}); got:\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// `data` of a successful JSON run (panics with the error otherwise).
    pub fn data(&self) -> Value {
        let doc = self.json();
        assert_eq!(doc["ok"], true, "the command should have succeeded: {doc}");
        assert_eq!(self.code, 0, "a successful command exits 0: {doc}");
        doc["data"].clone()
    }

    /// `error.code` of a failed JSON run.
    pub fn error_code(&self) -> String {
        let doc = self.json();
        assert_eq!(doc["ok"], false, "the command should have failed: {doc}");
        doc["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

/// The `escale` binary with its own data directory.
pub struct Cli {
    bin: PathBuf,
    dir: tempfile::TempDir,
}

impl Cli {
    /// A fresh, uninitialised data directory. Fails clearly when the binary
    /// has not been built.
    pub fn new() -> Cli {
        let bin = paths::binary("escale");
        assert!(
            bin.is_file(),
            "the escale binary is missing at {}: build it first with `cargo build -p escale-cli` \
             (or set ESCALE_BIN to its path)",
            bin.display()
        );
        Cli {
            bin,
            dir: tempfile::tempdir().expect("a temporary directory for the test"),
        }
    }

    /// A data directory already initialised with `escale init`.
    pub fn initialised() -> Cli {
        let cli = Cli::new();
        cli.ok(&[
            "init",
            "--org",
            "Association Escale",
            "--device",
            "Portable accueil 1",
        ]);
        cli
    }

    /// The temporary folder; the data directory is `root()/data`.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Runs `escale --data-dir <dir> ARGS`.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[("LC_ALL", "fr_FR.UTF-8")])
    }

    /// Runs with extra environment variables (the locale ones are cleared first).
    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(&self.bin);
        cmd.arg("--data-dir").arg(self.data_dir()).args(args);
        cmd.current_dir(self.dir.path()).stdin(Stdio::null());
        for var in [
            "ESCALE_DATA_DIR",
            "LC_ALL",
            "LC_MESSAGES",
            "LANG",
            "LANGUAGE",
        ] {
            cmd.env_remove(var);
        }
        cmd.envs(env.iter().copied());
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.bin.display()));
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs with `--json` and returns `data`, failing the test if it failed.
    pub fn ok(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let run = self.run(&all);
        assert_eq!(
            run.code,
            0,
            "`escale {}` should succeed; stdout:\n{}\nstderr:\n{}",
            args.join(" "),
            run.stdout,
            run.stderr
        );
        run.data()
    }

    /// Runs with `--json` expecting a failure; returns the run.
    pub fn fails(&self, args: &[&str]) -> Run {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let run = self.run(&all);
        assert_ne!(
            run.code,
            0,
            "`escale {}` should fail; stdout:\n{}",
            args.join(" "),
            run.stdout
        );
        run
    }

    /// The number of operations in the log.
    pub fn op_count(&self) -> i64 {
        self.ok(&["ops", "count"])["ops"]
            .as_i64()
            .expect("ops count is a number")
    }
}

impl Default for Cli {
    fn default() -> Self {
        Cli::new()
    }
}
