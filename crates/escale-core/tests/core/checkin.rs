use crate::support::*;
use escale_core::app::{CheckInStatus, CheckInTarget};
use escale_core::model::Method;

#[tokio::test]
async fn a_second_check_in_says_already_arrived_and_counts_once() {
    let d = desk().await;
    let r = d
        .app
        .register_walk_in(&walk_in(
            &d.event,
            person("Éloïse", "N'Diaye-Lefèvre"),
            false,
        ))
        .await
        .unwrap();
    let id = r.visitor.id.to_string();
    let first = d
        .app
        .check_in(
            &d.event,
            CheckInTarget::Visitor(id.clone()),
            None,
            Method::Search,
        )
        .await
        .unwrap();
    assert_eq!(first.status, CheckInStatus::Welcome);
    let again = d
        .app
        .check_in(
            &d.event,
            CheckInTarget::Visitor(id.clone()),
            None,
            Method::Scan,
        )
        .await
        .unwrap();
    assert_eq!(
        again.status,
        CheckInStatus::AlreadyArrived,
        "the second scan must be recognised"
    );
    assert_eq!(
        again.arrived_at, first.arrived_at,
        "the arrival time is the earliest scan"
    );
    let s = d.app.stats(&d.event).await.unwrap();
    assert_eq!(s.arrived, 1, "a person scanned twice arrives once");
    assert_eq!(s.walk_ins, 1);
}

#[tokio::test]
async fn a_badge_code_typed_by_a_scanner_checks_in() {
    let d = desk().await;
    let r = d
        .app
        .register_walk_in(&walk_in(&d.event, person("Łukasz", "Nowak"), false))
        .await
        .unwrap();
    let code = r.visitor.text("badge_code").unwrap().to_string();
    let out = d
        .app
        .check_in(
            &d.event,
            CheckInTarget::Code(code.to_lowercase()),
            None,
            Method::Scan,
        )
        .await
        .unwrap();
    assert_eq!(
        out.visitor.id, r.visitor.id,
        "codes are case-insensitive for scanners in the wrong layout"
    );
    let err = d
        .app
        .check_in(
            &d.event,
            CheckInTarget::Code("NOPE-1234".into()),
            None,
            Method::Scan,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "checkin.unknown_code");
}

#[tokio::test]
async fn undo_voids_the_last_check_in_and_the_counter_goes_back() {
    let d = desk().await;
    let r = d
        .app
        .register_walk_in(&walk_in(&d.event, person("Zoé", "Martin"), true))
        .await
        .unwrap();
    assert_eq!(d.app.stats(&d.event).await.unwrap().arrived, 1);
    d.app.undo_last_check_in(&d.event, None).await.unwrap();
    assert_eq!(
        d.app.stats(&d.event).await.unwrap().arrived,
        0,
        "undo must cancel the arrival"
    );
    let again = d
        .app
        .check_in(
            &d.event,
            CheckInTarget::Visitor(r.visitor.id.to_string()),
            None,
            Method::Search,
        )
        .await
        .unwrap();
    assert_eq!(
        again.status,
        CheckInStatus::Welcome,
        "after undo the person has not arrived"
    );
    d.app.undo_last_check_in(&d.event, None).await.unwrap();
    let err = d.app.undo_last_check_in(&d.event, None).await.unwrap_err();
    assert_eq!(err.code(), "checkin.nothing_to_undo");
}

#[tokio::test]
async fn undo_after_an_already_arrived_scan_cancels_the_arrival() {
    let d = desk().await;
    let r = d
        .app
        .register_walk_in(&walk_in(&d.event, person("Chloé", "Martin"), true))
        .await
        .unwrap();
    let again = d
        .app
        .check_in(
            &d.event,
            CheckInTarget::Visitor(r.visitor.id.to_string()),
            None,
            Method::Scan,
        )
        .await
        .unwrap();
    assert_eq!(again.status, CheckInStatus::AlreadyArrived);
    d.app.undo_last_check_in(&d.event, None).await.unwrap();
    assert_eq!(
        d.app.stats(&d.event).await.unwrap().arrived,
        0,
        "the desk says the person is no longer counted: the repeat scan must not leave the first one standing"
    );
    assert!(d.app.verify().await.unwrap().equal);
}
