//! Integration tests of the core, one module per area of `src/`.

mod support;

mod checkin;
mod fold_props;
mod import;
mod people;
mod registrations;
mod store;
mod sync;
mod sync_net;
mod sync_props;
