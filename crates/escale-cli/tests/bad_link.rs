//! Sync over a bad link: two laptops and a hub (SQLite, in this process)
//! with the project's own bad-link proxy between the laptops and the hub
//! (`escale_testkit::badlink`: connections cut after an exponential number
//! of bytes in each direction, deterministic by seed). Each round, each
//! laptop runs one `sync now`; the scenarios must converge — same ops, same
//! state, `ops verify` clean on both — within a bounded number of rounds.
//! And an enrolment whose answer is lost after the hub committed it
//! succeeds when retried with the same code.

mod common;

use common::{converge, report, Hub};
use escale_core::Escale;
use escale_sync::hub::{self, SyncOptions};
use escale_testkit::badlink::{BadLink, Faults};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_link_converges_in_two_rounds_and_says_it_is_stable() {
    // Round 1: A sends, B gets A's and sends; round 2: A gets B's.
    let o = converge(Faults::clean(), (300, 100), 2).await;
    eprintln!("{}", report("clean", &o));
    assert_eq!(o.retries, 0);
    assert!(!o.unstable, "a clean link is stable");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_laptops_converge_through_a_link_that_drops_every_200_kb() {
    let o = converge(Faults::drops(200_000, 7), (900, 300), 10).await;
    eprintln!("{}", report("200 KB", &o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_that_drops_every_20_kb_still_gets_everything_across() {
    let o = converge(Faults::drops(20_000, 11), (300, 100), 20).await;
    eprintln!("{}", report("20 KB", &o));
    assert!(o.retries > 0, "the link did drop");
    assert!(o.unstable, "`sync status` says the link is unstable");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enrolment_whose_answer_is_lost_succeeds_when_retried() {
    let hub = Hub::start().await;
    let link = BadLink::start(hub.addr, Faults::clean()).await;
    let code = hub.code().await;

    // An empty laptop: the hub enrols it, the answer never arrives.
    let dir = tempfile::tempdir().unwrap();
    let app = Escale::open(dir.path()).await.unwrap();
    link.lose_answer_to("/v1/enroll");
    let mut client_retry = hub::enroll(app.store(), &link.url(), &code, "Portable 3", None).await;
    // The client retries a lost answer by itself (same device id): the
    // hub enrols the same laptop again, with a fresh token.
    let binding = client_retry
        .as_mut()
        .expect("the retry enrolled the laptop");
    let devices = hub.db.devices(hub.org).await.unwrap();
    assert_eq!(devices.len(), 1, "one device for the laptop, not two");
    assert!(devices
        .iter()
        .any(|d| d.id == binding.device_id && d.name == "Portable 3"));
    assert!(
        link.counters
            .connections
            .load(std::sync::atomic::Ordering::SeqCst)
            >= 2,
        "the first answer was lost"
    );
    let r = hub::sync_now(app.store(), SyncOptions::default())
        .await
        .unwrap();
    assert_eq!(r.unsynced, 0);

    // Another laptop with the same code is still refused.
    let other_dir = tempfile::tempdir().unwrap();
    let other = Escale::open(other_dir.path()).await.unwrap();
    let refused = hub::enroll(other.store(), &link.url(), &code, "Intrus", None)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "enroll.code_used");
}
