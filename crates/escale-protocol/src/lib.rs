//! Escale's vocabulary: what every node — laptop, hub, stand peer — agrees on.
//!
//! - [`model`]: the record kinds and the closed enums;
//! - [`fields`]: the field registry — every field of every record kind,
//!   defined once, and what is derived from it;
//! - [`validate`]: cleaning and checking what people type, by field kind;
//! - [`communes`]: the communes of France (INSEE code, name, postcodes);
//! - [`op`], [`hlc`]: operations and the hybrid logical clock that orders them;
//!   [`clock`]: the wall clock, read in one place (a test harness may set it);
//! - [`fold`]: the pure, deterministic fold of operations into state, and the
//!   structural validation every node applies identically;
//! - [`wire`]: the sync protocol's messages (push, pull, enrolment, snapshot
//!   pages), for every transport; [`enrolment`]: the enrolment link a QR
//!   code carries (`escale://enroll?hub=…&code=…`);
//! - [`catalogue`]: every error code and every message a person reads
//!   about a problem, in French and English;
//! - [`certificate`]: certificate numbers and the signed payload of their
//!   QR code, verified offline by anyone;
//! - [`roles`]: staff roles and what each may do;
//! - [`text`], [`i18n`]: text cleaning and folding; the two languages.
//!
//! No SQL, no network, no UI framework: the laptop's store (`escale-core`),
//! its transports (`escale-sync`) and the hub (`escale-hub`) build on this.

pub mod catalogue;
pub mod certificate;
pub mod clock;
pub mod communes;
pub mod enrolment;
pub mod failpoint;
pub mod fields;
pub mod fold;
pub mod hlc;
pub mod i18n;
pub mod model;
pub mod op;
pub mod roles;
pub mod text;
pub mod validate;
pub mod wire;

pub use i18n::Lang;
