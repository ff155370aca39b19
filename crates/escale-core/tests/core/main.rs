//! Integration tests of the core, one module per area of `src/`.

mod support;

mod checkin;
mod duplicates;
mod fold_props;
mod import;
mod peer;
mod people;
mod registrations;
mod store;
mod sync;
mod sync_net;
mod sync_props;
