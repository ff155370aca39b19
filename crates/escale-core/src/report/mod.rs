//! What partner reports are made of. For now: small-count suppression
//! ([`suppress`]), which every exported partner report applies to its
//! tables.

pub mod suppress;
