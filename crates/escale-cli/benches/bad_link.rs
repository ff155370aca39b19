//! Sync over a bad link, measured: two laptops (3,000- and 1,000-person
//! demos) and a hub, through the bad-link proxy at 1 MB, 200 KB and 20 KB
//! mean drop distances, against a clean link through the same proxy in the
//! same run. Bytes on the wire per op delivered, rounds and time to
//! converge. `cargo bench -p escale-cli --bench bad_link`.

#[path = "../tests/common/mod.rs"]
mod common;

use common::{converge, report};
use escale_testkit::badlink::Faults;
use escale_testkit::bench::record;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let people = (3_000, 1_000);
    let clean = rt.block_on(converge(Faults::clean(), people, 4));
    println!("{}", report("clean link (baseline)", &clean));
    let per_op = |o: &common::Outcome| o.bytes as f64 / o.ops as f64;
    for (name, mean, seed) in [
        ("1 MB", 1_000_000, 3),
        ("200 KB", 200_000, 7),
        ("20 KB", 20_000, 11),
    ] {
        let o = rt.block_on(converge(Faults::drops(mean, seed), people, 60));
        println!(
            "{}; {:.2}× the clean link's bytes per op, {:.1}× its time",
            report(&format!("drops every {name} on average"), &o),
            per_op(&o) / per_op(&clean),
            o.seconds / clean.seconds
        );
        record(
            "bad-link",
            &format!("drops every {name}"),
            "ops",
            o.ops as u64,
            "bytes/op",
            per_op(&o),
        );
        record(
            "bad-link-time",
            &format!("drops every {name}"),
            "ops",
            o.ops as u64,
            "s",
            o.seconds,
        );
    }
    record(
        "bad-link",
        "clean link",
        "ops",
        clean.ops as u64,
        "bytes/op",
        per_op(&clean),
    );
    record(
        "bad-link-time",
        "clean link",
        "ops",
        clean.ops as u64,
        "s",
        clean.seconds,
    );
}
