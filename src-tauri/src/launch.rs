//! Launch options of the desktop app, read from the command line and the
//! environment without clap (the shell stays small; the CLI crate owns clap).
//!
//! The data directory is resolved, first match wins, from `--data-dir PATH`,
//! then `ESCALE_DATA_DIR`, then the OS application-data directory
//! (`dirs::data_dir()/escale`). Unknown arguments are ignored with a warning,
//! because WebDriver and desktop launchers may add their own.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

/// Environment variable that chooses the data directory when `--data-dir` is absent.
pub const DATA_DIR_ENV: &str = "ESCALE_DATA_DIR";

/// Shown for `--help` and after a bad option.
pub const USAGE: &str = "\
Usage: escale-desktop [--data-dir PATH]

Options:
  --data-dir PATH   where Escale keeps its data (default: $ESCALE_DATA_DIR,
                    else the system's application-data directory + /escale)
  -h, --help        print this help";

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Launch {
    Run(LaunchOptions),
    Help,
}

/// Options the app starts with, already resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchOptions {
    /// Absolute path of the data directory.
    pub data_dir: PathBuf,
}

/// A launch option that cannot be used.
#[derive(Debug, PartialEq, Eq)]
pub enum LaunchError {
    /// `--data-dir` was given without a value.
    MissingDataDirValue,
    /// `--data-dir` or `ESCALE_DATA_DIR` was empty.
    EmptyDataDir,
    /// No option, no variable, and the OS reports no application-data directory.
    NoDefaultDataDir,
    /// The current directory is needed to make a relative path absolute and is unreadable.
    CurrentDir(String),
}

impl fmt::Display for LaunchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingDataDirValue => {
                write!(f, "--data-dir needs a path, e.g. --data-dir ~/escale-data")
            }
            Self::EmptyDataDir => write!(
                f,
                "the data directory is empty; give a path with --data-dir or {DATA_DIR_ENV}"
            ),
            Self::NoDefaultDataDir => write!(
                f,
                "this system has no application-data directory; \
                 choose one with --data-dir or {DATA_DIR_ENV}"
            ),
            Self::CurrentDir(error) => write!(
                f,
                "cannot read the current directory to resolve the data directory: {error}"
            ),
        }
    }
}

impl std::error::Error for LaunchError {}

impl LaunchOptions {
    /// Reads the real command line, environment and OS default.
    pub fn from_env() -> Result<Launch, LaunchError> {
        Self::parse(
            std::env::args_os().skip(1),
            std::env::var_os(DATA_DIR_ENV),
            dirs::data_dir().map(|dir| dir.join("escale")),
        )
    }

    /// Resolves the options from explicit inputs, so tests need no process state.
    pub fn parse(
        args: impl IntoIterator<Item = OsString>,
        env_data_dir: Option<OsString>,
        os_default: Option<PathBuf>,
    ) -> Result<Launch, LaunchError> {
        let mut from_args: Option<OsString> = None;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.to_str() {
                Some("-h" | "--help") => return Ok(Launch::Help),
                Some("--data-dir") => {
                    from_args = Some(args.next().ok_or(LaunchError::MissingDataDirValue)?);
                }
                Some(other) if other.starts_with("--data-dir=") => {
                    from_args = Some(OsString::from(&other["--data-dir=".len()..]));
                }
                _ => tracing::warn!("ignoring unknown argument {arg:?}"),
            }
        }

        let chosen = match from_args.or(env_data_dir) {
            Some(value) if value.is_empty() => return Err(LaunchError::EmptyDataDir),
            Some(value) => PathBuf::from(value),
            None => os_default.ok_or(LaunchError::NoDefaultDataDir)?,
        };
        Ok(Launch::Run(LaunchOptions {
            data_dir: absolute(&chosen)?,
        }))
    }
}

/// Makes the path absolute so that the UI and logs show an unambiguous place.
fn absolute(path: &Path) -> Result<PathBuf, LaunchError> {
    std::path::absolute(path).map_err(|error| LaunchError::CurrentDir(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    fn data_dir(launch: Launch) -> PathBuf {
        match launch {
            Launch::Run(options) => options.data_dir,
            Launch::Help => panic!("expected options, got help"),
        }
    }

    #[test]
    fn the_command_line_wins_over_the_environment_and_the_os_default() {
        let launch = LaunchOptions::parse(
            args(&["--data-dir", "/from/args"]),
            Some("/from/env".into()),
            Some("/os/escale".into()),
        );
        assert_eq!(
            data_dir(launch.unwrap()),
            PathBuf::from("/from/args"),
            "--data-dir is the most explicit choice"
        );
    }

    #[test]
    fn the_equals_form_is_accepted() {
        let launch = LaunchOptions::parse(args(&["--data-dir=/from/args"]), None, None);
        assert_eq!(data_dir(launch.unwrap()), PathBuf::from("/from/args"));
    }

    #[test]
    fn the_environment_wins_over_the_os_default() {
        let launch = LaunchOptions::parse(
            args(&[]),
            Some("/from/env".into()),
            Some("/os/escale".into()),
        );
        assert_eq!(
            data_dir(launch.unwrap()),
            PathBuf::from("/from/env"),
            "ESCALE_DATA_DIR overrides the OS default"
        );
    }

    #[test]
    fn the_os_default_is_used_when_nothing_is_given() {
        let launch = LaunchOptions::parse(args(&[]), None, Some("/os/escale".into()));
        assert_eq!(data_dir(launch.unwrap()), PathBuf::from("/os/escale"));
    }

    #[test]
    fn a_relative_path_is_made_absolute() {
        let dir =
            data_dir(LaunchOptions::parse(args(&["--data-dir", "rel/dir"]), None, None).unwrap());
        assert!(
            dir.is_absolute(),
            "the UI must show where the data really is, got {dir:?}"
        );
        assert!(dir.ends_with("rel/dir"));
    }

    #[test]
    fn a_missing_value_is_an_error_not_a_silent_default() {
        let launch = LaunchOptions::parse(args(&["--data-dir"]), Some("/from/env".into()), None);
        assert_eq!(launch, Err(LaunchError::MissingDataDirValue));
    }

    #[test]
    fn an_empty_value_is_an_error() {
        assert_eq!(
            LaunchOptions::parse(args(&[]), Some("".into()), None),
            Err(LaunchError::EmptyDataDir)
        );
    }

    #[test]
    fn unknown_arguments_are_ignored() {
        let launch = LaunchOptions::parse(
            args(&["--some-launcher-flag", "--data-dir", "/d"]),
            None,
            None,
        );
        assert_eq!(data_dir(launch.unwrap()), PathBuf::from("/d"));
    }

    #[test]
    fn help_is_recognised() {
        assert_eq!(
            LaunchOptions::parse(args(&["--help"]), None, None),
            Ok(Launch::Help)
        );
    }
}
