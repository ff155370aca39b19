//! Escale's core: everything the front desk does, without any user interface.
//!
//! - [`op`], [`hlc`], [`fold`] (from `escale-protocol`): the operation log
//!   and the deterministic fold that turns it into state (rules in
//!   `docs/operation-log.md`);
//! - [`store`]: the SQLite store (one file, WAL, full durability) that keeps
//!   the log and its materialised state, with a single write path;
//! - [`search`]: the in-memory, accent- and typo-tolerant desk search;
//! - [`app`]: the use cases ([`Escale`]) adapters call;
//! - [`import`], [`export`], [`demo`]: files in and out, synthetic data;
//! - [`report`]: what partner reports are made of (small-count suppression).
//!
//! This crate depends on neither Tauri, axum nor clap: the desktop shell, the
//! CLI and the hub are adapters around it.

pub mod app;
pub mod demo;
pub mod error;
pub mod export;
pub mod import;
pub mod report;
pub mod search;
pub mod store;
pub mod sync;

// The vocabulary the core is built on, defined once in `escale-protocol`.
pub use escale_protocol::{clock, fields, fold, hlc, i18n, model, op, roles, text, validate};

pub use app::Escale;
pub use error::{Error, Result};
pub use i18n::Lang;

/// The data directory: `explicit` (a `--data-dir` flag), else
/// `ESCALE_DATA_DIR`, else the OS's per-user application data folder.
pub fn resolve_data_dir(explicit: Option<&std::path::Path>) -> std::path::PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    if let Some(p) = std::env::var_os("ESCALE_DATA_DIR").filter(|p| !p.is_empty()) {
        return p.into();
    }
    dirs::data_dir()
        .unwrap_or_else(|| std::path::PathBuf::from("."))
        .join("escale")
}
