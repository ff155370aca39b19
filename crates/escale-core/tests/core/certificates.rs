//! Certificates: the hours attended, the number two laptops give offline,
//! reprints, series, merges, erasure, revocation and verification.

use crate::support::*;
use crate::sync_net::{founder, full_sync, org, Node};
use chrono::TimeZone;
use escale_core::app::EventInput;
use escale_core::hlc::Hlc;
use escale_core::model::{Direction, Method};
use escale_core::op::{Op, OpBody};
use escale_core::Escale;
use uuid::Uuid;

/// Unix ms of a Paris wall time in November 2026 (in the past: facts a
/// laptop recorded then).
fn at(day: u32, h: u32, m: u32) -> i64 {
    chrono_tz::Europe::Paris
        .with_ymd_and_hms(2026, 11, day, h, m, 0)
        .unwrap()
        .timestamp_millis()
}

/// Check-in facts recorded by a desk (a device of its own) at given times,
/// delivered to `app` as sync would deliver them.
async fn facts(app: &Escale, event: &str, visitor: Uuid, items: &[(i64, Direction, Option<Uuid>)]) {
    let origin = Uuid::now_v7();
    let ops: Vec<Op> = items
        .iter()
        .enumerate()
        .map(|(i, (ms, direction, session))| Op {
            id: Uuid::now_v7(),
            origin,
            seq: i as i64 + 1,
            hlc: Hlc::new(*ms, 0),
            body: OpBody::CheckIn {
                event_id: Uuid::parse_str(event).unwrap(),
                session_id: *session,
                visitor_id: visitor,
                direction: *direction,
                method: Method::Search,
                code: None,
            },
        })
        .collect();
    let mut tx = app.store().write().await.unwrap();
    tx.ingest(&ops).await.unwrap();
    tx.commit().await.unwrap();
}

async fn event_on(app: &Escale, title: &str, day: u32, series: Option<&str>) -> String {
    app.create_event(&EventInput {
        kind: None,
        title: title.into(),
        place: "Maison de l'emploi, Montreuil".into(),
        timezone: None,
        starts_at: format!("2026-11-{day:02} 09:00"),
        ends_at: format!("2026-11-{day:02} 17:00"),
        series: series.map(str::to_string),
        coworking: None,
    })
    .await
    .unwrap()
    .id
    .to_string()
}

async fn visitor(app: &Escale, event: &str, first: &str, last: &str) -> Uuid {
    app.register_walk_in(&walk_in(event, person(first, last), false))
        .await
        .unwrap()
        .visitor
        .id
}

#[tokio::test]
async fn hours_come_from_arrival_departure_and_sessions_and_a_reprint_keeps_the_number() {
    let d = founder().await;
    let app = &d.app;
    let ev = event_on(app, "Forum de l'emploi", 24, None).await;
    let session = app
        .add_session(
            &ev,
            &escale_core::app::SessionInput {
                title: "Atelier CV".into(),
                room: "Salle 2".into(),
                starts_at: "14:00".into(),
                ends_at: "16:00".into(),
                capacity: None,
                themes: None,
            },
        )
        .await
        .unwrap();
    let v = visitor(app, &ev, "Łukasz", "Nguyễn-Öztürk").await;
    facts(
        app,
        &ev,
        v,
        &[
            (at(24, 9, 5), Direction::In, None),
            (at(24, 11, 40), Direction::Out, None),
            (at(24, 14, 0), Direction::In, Some(session.id)),
            (at(24, 15, 30), Direction::Out, Some(session.id)),
        ],
    )
    .await;
    let c = app.issue_certificate(&v.to_string(), &ev).await.unwrap();
    assert_eq!(c.minutes, 155 + 90);
    assert_eq!(c.days.len(), 1);
    assert_eq!(c.days[0].date, "2026-11-24");
    let spans: Vec<String> = c.days[0]
        .spans
        .iter()
        .map(|s| format!("{}-{}", s.start, s.end.clone().unwrap_or_default()))
        .collect();
    assert_eq!(spans, ["09:05-11:40", "14:00-15:30"]);
    assert_eq!(c.name, "Łukasz Nguyễn-Öztürk");
    assert!(!c.reprint);
    assert!(escale_protocol::certificate::parse_number(&c.number).is_some());

    let ops = app.store().op_count().await.unwrap();
    let again = app.issue_certificate(&v.to_string(), &ev).await.unwrap();
    assert_eq!(again.number, c.number, "a reprint gives the same number");
    assert!(again.reprint);
    assert_eq!(
        app.store().op_count().await.unwrap(),
        ops,
        "an identical reprint writes nothing"
    );

    let listed = app.certificates(Some(&ev), None).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].minutes, 245);

    // The payload verifies; one changed hour or letter does not.
    let ok = app.verify_certificate(&c.qr).await.unwrap();
    assert_eq!((ok.minutes, ok.known), (245, true));
    let changed = c.payload.replace(".245.", ".345.");
    assert_eq!(
        app.verify_certificate(&changed).await.unwrap_err().code(),
        "certificate.tampered"
    );
    let renamed = c.payload.replace("LUKASZ", "LUKAS");
    assert_eq!(
        app.verify_certificate(&renamed).await.unwrap_err().code(),
        "certificate.tampered"
    );
    assert_eq!(
        app.verify_certificate("bonjour").await.unwrap_err().code(),
        "certificate.malformed"
    );
    // By its number, typed in lower case without dashes.
    let typed = c.number.to_lowercase().replace('-', "");
    assert_eq!(
        app.verify_certificate(&typed).await.unwrap().number,
        c.number
    );

    // Another organisation's laptop does not accept it.
    let other = founder().await;
    assert_eq!(
        other
            .app
            .verify_certificate(&c.payload)
            .await
            .unwrap_err()
            .code(),
        "certificate.other_key"
    );

    // Revoked: verification says so, with the reason.
    app.revoke_certificate(&c.number, "délivrée par erreur")
        .await
        .unwrap();
    let err = app.verify_certificate(&c.payload).await.unwrap_err();
    assert_eq!(err.code(), "certificate.revoked");
    assert!(err
        .message(escale_core::i18n::Lang::Fr)
        .contains("délivrée par erreur"));
}

#[tokio::test]
async fn a_person_never_checked_out_gets_their_arrival_and_no_time_and_nobody_else_gets_one() {
    let d = founder().await;
    let app = &d.app;
    let ev = event_on(app, "Forum", 24, None).await;
    let v = visitor(app, &ev, "Anne-Maëlle", "D'Aubigné").await;
    facts(app, &ev, v, &[(at(24, 10, 15), Direction::In, None)]).await;
    let c = app.issue_certificate(&v.to_string(), &ev).await.unwrap();
    assert_eq!(c.minutes, 0);
    assert_eq!(c.days[0].spans[0].start, "10:15");
    assert_eq!(c.days[0].spans[0].end, None);

    let absent = visitor(app, &ev, "Zoë", "Absente").await;
    let err = app
        .issue_certificate(&absent.to_string(), &ev)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "certificate.no_attendance");
    // The batch: only those who came.
    let batch = app.issue_event_certificates(&ev).await.unwrap();
    assert_eq!(batch.len(), 1);
    assert_eq!(batch[0].visitor_id, v);
}

#[tokio::test]
async fn a_series_over_four_weeks_gives_one_certificate_with_each_date_and_the_total() {
    let d = founder().await;
    let app = &d.app;
    let mut events = vec![];
    for day in [3, 10, 17, 24] {
        events.push(event_on(app, "JobCamp", day, Some("JobCamp Montreuil")).await);
    }
    let outside = event_on(app, "JobCamp", 2, Some("Autre série")).await;
    let v = visitor(app, &events[0], "Þórunn", "Ðặng").await;
    for (ev, day) in events.iter().zip([3, 10, 17, 24]) {
        facts(
            app,
            ev,
            v,
            &[
                (at(day, 9, 30), Direction::In, None),
                (at(day, 12, 0), Direction::Out, None),
            ],
        )
        .await;
    }
    facts(
        app,
        &outside,
        v,
        &[
            (at(2, 9, 0), Direction::In, None),
            (at(2, 17, 0), Direction::Out, None),
        ],
    )
    .await;
    let c = app
        .issue_series_certificate(
            &v.to_string(),
            "JobCamp Montreuil",
            "2026-11-01",
            "2026-11-30",
        )
        .await
        .unwrap();
    assert_eq!(c.template, "assiduity");
    let dates: Vec<&str> = c.days.iter().map(|d| d.date.as_str()).collect();
    assert_eq!(
        dates,
        ["2026-11-03", "2026-11-10", "2026-11-17", "2026-11-24"]
    );
    assert_eq!(c.minutes, 4 * 150);
    // Another period is another certificate.
    let three = app
        .issue_series_certificate(
            &v.to_string(),
            "JobCamp Montreuil",
            "2026-11-01",
            "2026-11-20",
        )
        .await
        .unwrap();
    assert_eq!(three.minutes, 3 * 150);
    assert_ne!(three.number, c.number);
}

#[tokio::test]
async fn two_laptops_that_checked_the_same_person_offline_give_the_same_number_and_hours() {
    let (nodes, ev) = org(2).await;
    let (a, b) = (&nodes[0].app, &nodes[1].app);
    let v = visitor(a, &ev, "Zoë", "Ørsted Çelik").await;
    full_sync(&nodes, 50).await;
    // Offline: A saw the morning, B the afternoon; each prints a certificate.
    facts(
        a,
        &ev,
        v,
        &[
            (at(24, 9, 0), Direction::In, None),
            (at(24, 12, 0), Direction::Out, None),
        ],
    )
    .await;
    facts(
        b,
        &ev,
        v,
        &[
            (at(24, 14, 0), Direction::In, None),
            (at(24, 16, 30), Direction::Out, None),
        ],
    )
    .await;
    let ca = a.issue_certificate(&v.to_string(), &ev).await.unwrap();
    let cb = b.issue_certificate(&v.to_string(), &ev).await.unwrap();
    assert_eq!(
        ca.number, cb.number,
        "offline, both laptops give the same number"
    );
    assert_eq!((ca.minutes, cb.minutes), (180, 150));
    full_sync(&nodes, 50).await;
    let ra = a.issue_certificate(&v.to_string(), &ev).await.unwrap();
    let rb = b.issue_certificate(&v.to_string(), &ev).await.unwrap();
    assert_eq!(ra.number, ca.number);
    assert_eq!(
        (ra.minutes, rb.minutes),
        (330, 330),
        "once synced, the same hours"
    );
    full_sync(&nodes, 50).await;
    assert_eq!(nodes[0].hash().await, nodes[1].hash().await);
    let la = a.certificates(Some(&ev), None).await.unwrap();
    assert_eq!(la, b.certificates(Some(&ev), None).await.unwrap());
    assert_eq!(la.len(), 1);
    assert_eq!(la[0].minutes, 330);
}

#[tokio::test]
async fn a_certificate_follows_a_merge_and_goes_with_an_erasure() {
    let d: Node = founder().await;
    let app = &d.app;
    let ev = event_on(app, "Forum", 24, None).await;
    let x = visitor(app, &ev, "Marie", "Curie").await;
    let y = visitor(app, &ev, "Marie", "Curie-Skłodowska").await;
    facts(
        app,
        &ev,
        x,
        &[
            (at(24, 9, 0), Direction::In, None),
            (at(24, 10, 0), Direction::Out, None),
        ],
    )
    .await;
    let c = app.issue_certificate(&x.to_string(), &ev).await.unwrap();
    app.merge(&x.to_string(), &y.to_string()).await.unwrap();
    let listed = app.certificates(None, Some(&y.to_string())).await.unwrap();
    assert_eq!(
        listed.len(),
        1,
        "the merged person's certificates are theirs"
    );
    let again = app.issue_certificate(&y.to_string(), &ev).await.unwrap();
    assert_eq!(
        again.number, c.number,
        "printed again for the merged record: same number"
    );
    assert_eq!(again.minutes, 60);

    app.erase(&y.to_string()).await.unwrap();
    assert!(app.certificates(None, None).await.unwrap().is_empty());
    let bodies: Vec<Option<String>> =
        sqlx::query_scalar("SELECT CAST(body AS TEXT) FROM op WHERE kind = 'certificate_issued'")
            .fetch_all(app.store().pool())
            .await
            .unwrap();
    assert!(!bodies.is_empty());
    assert!(
        bodies.iter().all(Option::is_none),
        "the issue ops are redacted"
    );
}

#[tokio::test]
async fn an_anonymised_persons_certificate_keeps_its_number_and_hours_and_still_verifies() {
    let d: Node = founder().await;
    let app = &d.app;
    let ev = event_on(app, "Forum", 24, None).await;
    let x = visitor(app, &ev, "Marie", "Curie").await;
    facts(
        app,
        &ev,
        x,
        &[
            (at(24, 9, 0), Direction::In, None),
            (at(24, 10, 0), Direction::Out, None),
        ],
    )
    .await;
    let c = app.issue_certificate(&x.to_string(), &ev).await.unwrap();
    app.anonymise(&x.to_string()).await.unwrap();
    let listed = app.certificates(None, None).await.unwrap();
    assert_eq!(listed.len(), 1, "the certificate stays");
    assert_eq!(
        (listed[0].number.as_str(), listed[0].minutes),
        (c.number.as_str(), 60)
    );
    // Typed, the number alone no longer says whose it was.
    let typed = app.verify_certificate(&c.number).await.unwrap();
    assert_eq!((typed.minutes, typed.name.as_str()), (60, "—"));
    // Shown by its holder, the QR code still verifies, with the signed name.
    let shown = app.verify_certificate(&c.qr).await.unwrap();
    assert_eq!((shown.minutes, shown.known), (60, true));
    assert!(
        shown.name.to_lowercase().contains("curie"),
        "{}",
        shown.name
    );
    let bodies: Vec<String> = app
        .store()
        .all_ops()
        .await
        .unwrap()
        .iter()
        .filter(|o| o.body.kind() == "certificate_issued")
        .map(|o| serde_json::to_string(&o.body).unwrap())
        .collect();
    assert_eq!(bodies.len(), 1);
    assert!(!bodies[0].contains("Curie"), "{bodies:?}");
}

#[tokio::test]
async fn the_logo_crosses_to_another_laptop_in_pieces_and_is_used_only_once_whole() {
    use escale_core::app::OrgImage;
    let (nodes, _) = org(2).await;
    let (a, b) = (&nodes[0].app, &nodes[1].app);
    // A PNG of about 30 KB: four pieces.
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend((0..30_000u32).map(|i| (i * 7 % 251) as u8));
    a.set_org_image(OrgImage::Logo, Some(&png)).await.unwrap();
    assert_eq!(
        a.org_identity().await.unwrap().logo.as_deref(),
        Some(&png[..])
    );

    // Half the pieces reached B: it knows there is a logo, and prints none yet.
    let ops = a.store().all_ops().await.unwrap();
    let pieces: Vec<&Op> = ops
        .iter()
        .filter(|o| matches!(o.body, OpBody::AssetChunk { .. }))
        .collect();
    assert_eq!(pieces.len(), 4);
    let mut tx = b.store().write().await.unwrap();
    let first_two: Vec<Op> = pieces[..2].iter().map(|o| (*o).clone()).collect();
    tx.ingest(&first_two).await.unwrap();
    tx.commit().await.unwrap();
    // Everything else arrives by sync, a page of two ops at a time.
    full_sync(&nodes, 2).await;
    let ob = b.org_identity().await.unwrap();
    assert!(ob.has_logo);
    assert_eq!(ob.logo.as_deref(), Some(&png[..]), "the same bytes on B");
    assert_eq!(nodes[0].hash().await, nodes[1].hash().await);

    // Not a PNG: refused, nothing written.
    let before = a.store().op_count().await.unwrap();
    let err = a
        .set_org_image(OrgImage::Signature, Some(b"GIF89a...."))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "input.invalid");
    assert_eq!(a.store().op_count().await.unwrap(), before);
    // Removed.
    a.set_org_image(OrgImage::Logo, None).await.unwrap();
    let oa = a.org_identity().await.unwrap();
    assert!(!oa.has_logo && oa.logo.is_none());
}
