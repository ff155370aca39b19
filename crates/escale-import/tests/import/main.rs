//! Integration tests of `escale-import`, one module per area: formats (one
//! per export tool), encodings, layouts (delimiters, title rows), errors,
//! cleaning, user mappings, large files, and random input that must never
//! panic. Fixtures are synthetic (invented people) and shaped like the real
//! exports; XLSX fixtures are generated on the fly.

mod common;

mod cleaning;
mod encoding;
mod errors;
mod formats;
mod fuzz;
mod large;
mod layout;
mod mapping;
mod xlsx;
