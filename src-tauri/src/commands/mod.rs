//! Tauri commands, one file per domain. Each command is a few lines: take the
//! state, call into it, convert the result for the wire. No business rules here.

pub mod app;
