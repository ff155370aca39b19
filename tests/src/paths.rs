//! Where the binaries under test are.
//!
//! A test executable lives in `<target>/<profile>/deps/`, so the binaries built
//! by the same `cargo` invocation style are two levels up; this follows
//! `CARGO_TARGET_DIR` and `--release` without reading either.

use std::path::{Path, PathBuf};

/// The repository root (this crate is `tests/` inside it).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// `<target>/<profile>/` of the running test executable.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test knows its own path");
    exe.parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| workspace_root().join("target").join("debug"))
}

/// Path of a workspace binary, e.g. `binary("escale-desktop")`. The variable
/// `<NAME>_BIN` (e.g. `ESCALE_DESKTOP_BIN`, `ESCALE_BIN`) overrides it when set.
pub fn binary(name: &str) -> PathBuf {
    let override_var = format!("{}_BIN", name.replace('-', "_").to_uppercase());
    if let Some(path) = std::env::var_os(&override_var) {
        return PathBuf::from(path);
    }
    profile_dir().join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}
