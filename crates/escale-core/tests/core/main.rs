//! Integration tests of the core, one module per area of `src/`.

// Shared set-up (escale-testkit), under the names the modules use.
use escale_testkit::desk as support;
use escale_testkit::nodes as sync_net;

mod certificates;
mod checkin;
mod communes;
mod duplicates;
mod encryption;
mod fold_props;
mod import;
mod migrate;
mod people;
mod registrations;
mod report;
mod retention;
mod search;
mod staff;
mod stations;
mod store;
mod sync;
mod sync_props;
