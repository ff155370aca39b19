//! Public computers, the waiting list, the print quota and the coworking
//! space (`app::stations`, `queue`, `prints`, `cowork`).

use crate::support::{desk, person, walk_in};
use escale_core::app::CheckInTarget;
use escale_core::app::{
    AssignInput, EventInput, JoinInput, PassInput, StationInput, StationSettings, StationState,
};
use escale_core::model::Method;
use escale_core::{Error, Escale};
use uuid::Uuid;

async fn stations(app: &Escale, names: &[&str]) {
    for n in names {
        app.add_station(&StationInput {
            name: n.to_string(),
            place: None,
            offers: vec!["printer".into()],
        })
        .await
        .unwrap();
    }
}

async fn visitor(app: &Escale, event: &str, first: &str) -> String {
    app.register_walk_in(&walk_in(event, person(first, "Testeur"), true))
        .await
        .unwrap()
        .visitor
        .id
        .to_string()
}

fn assign(visitor: &str, station: Option<&str>, purpose: &str) -> AssignInput {
    AssignInput {
        visitor_id: visitor.into(),
        station: station.map(str::to_string),
        purpose: Some(purpose.into()),
        minutes: None,
        event_id: None,
    }
}

#[tokio::test]
async fn stations_are_given_extended_ended_and_put_out_of_order() {
    let d = desk().await;
    let app = &d.app;
    stations(app, &["Poste 10", "Poste 2", "Poste 1"]).await;
    let alice = visitor(app, &d.event, "Alice").await;
    let bob = visitor(app, &d.event, "Bob").await;
    let carol = visitor(app, &d.event, "Carol").await;

    let a = app
        .assign_station(&assign(&alice, None, "cv_letter"))
        .await
        .unwrap();
    assert_eq!(
        a.station_name, "Poste 1",
        "the first free station, in natural order"
    );
    assert_eq!(a.minutes, 45, "a stand's default time");
    assert!(a.seconds_left > 44 * 60 && !a.warn);

    match app
        .assign_station(&assign(&bob, Some("poste 1"), "free"))
        .await
    {
        Err(Error::StationBusy {
            station,
            name,
            next,
        }) => {
            assert_eq!((station.as_str(), name.as_str()), ("Poste 1", "Alice"));
            assert_eq!(
                next.as_deref(),
                Some("Poste 2"),
                "the next free station is offered"
            );
        }
        other => panic!("a taken station is refused, got {other:?}"),
    }
    app.set_station_out_of_order("Poste 2", true).await.unwrap();
    assert!(matches!(
        app.assign_station(&assign(&bob, Some("Poste 2"), "free"))
            .await,
        Err(Error::StationOutOfOrder(_))
    ));
    let b = app
        .assign_station(&assign(&bob, None, "job_search"))
        .await
        .unwrap();
    assert_eq!(b.station_name, "Poste 10", "out of order is skipped");
    assert!(matches!(
        app.assign_station(&assign(&carol, None, "free")).await,
        Err(Error::StationNoneFree)
    ));
    assert!(matches!(
        app.assign_station(&assign(&alice, None, "free")).await,
        Err(Error::StationAlreadySeated { .. })
    ));

    let board = app.board().await.unwrap();
    let states: Vec<(&str, StationState, Option<&str>)> = board
        .stations
        .iter()
        .map(|c| {
            (
                c.station.name.as_str(),
                c.state,
                c.current.as_ref().map(|u| u.first_name.as_str()),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            ("Poste 1", StationState::Busy, Some("Alice")),
            ("Poste 2", StationState::OutOfOrder, None),
            ("Poste 10", StationState::Busy, Some("Bob")),
        ]
    );
    assert_eq!((board.free, board.busy, board.out_of_order), (0, 2, 1));

    let e = app.extend_station_use("Poste 1", Some(15)).await.unwrap();
    assert_eq!(e.minutes, 60, "extended by a quarter of an hour");
    let ended = app.end_station_use(&a.id.to_string()).await.unwrap();
    assert_eq!(
        ended.themes,
        ["job_integration", "office"],
        "the purpose's Coop themes"
    );
    assert!(ended.minutes_used >= 1 && ended.session.ended_at.is_some());
    assert!(matches!(
        app.end_station_use(&a.id.to_string()).await,
        Err(Error::StationUseEnded { .. })
    ));
    let c = app
        .assign_station(&assign(&carol, None, "procedure"))
        .await
        .unwrap();
    assert_eq!(c.station_name, "Poste 1", "free again once ended");
    app.set_station_out_of_order("Poste 2", false)
        .await
        .unwrap();
    let moved = app
        .move_station_use("Poste 1", Some("Poste 2"))
        .await
        .unwrap();
    assert_eq!(moved.station_name, "Poste 2");
    assert!(matches!(
        app.station("Poste 99").await,
        Err(Error::StationNotFound(_))
    ));
    assert!(matches!(
        app.add_station(&StationInput {
            name: "POSTE 1".into(),
            ..Default::default()
        })
        .await,
        Err(Error::Invalid { field: "name", .. })
    ));
}

#[tokio::test]
async fn the_queue_keeps_order_estimates_waits_and_skips_once() {
    let d = desk().await;
    let app = &d.app;
    stations(app, &["Poste 1"]).await;
    let alice = visitor(app, &d.event, "Alice").await;
    app.assign_station(&assign(&alice, None, "free"))
        .await
        .unwrap();
    let mut people = vec![];
    for name in ["Bob", "Carol", "Dan"] {
        let v = visitor(app, &d.event, name).await;
        let t = app
            .join_queue(&JoinInput {
                visitor_id: v.clone(),
                purpose: Some("job_search".into()),
                event_id: None,
            })
            .await
            .unwrap();
        people.push((v, t));
    }
    let labels: Vec<&str> = people.iter().map(|(_, t)| t.label.as_str()).collect();
    assert_eq!(labels, ["1", "2", "3"]);
    assert!(matches!(
        app.join_queue(&JoinInput {
            visitor_id: people[0].0.clone(),
            ..Default::default()
        })
        .await,
        Err(Error::QueueAlreadyWaiting { .. })
    ));
    let q = app.queue().await.unwrap();
    let waits: Vec<i64> = q.iter().map(|t| t.wait_seconds.unwrap()).collect();
    // Alice has about 45 minutes left; then each session lasts 45 minutes.
    assert!((44 * 60..=45 * 60).contains(&waits[0]), "{waits:?}");
    assert_eq!(waits[1] - waits[0], 45 * 60);
    assert_eq!(waits[2] - waits[1], 45 * 60);
    assert_eq!(q.iter().map(|t| t.position).collect::<Vec<_>>(), [1, 2, 3]);

    let called = app.call_next().await.unwrap();
    assert_eq!(
        (called.label.as_str(), called.first_name.as_str()),
        ("1", "Bob")
    );
    // Bob is not there: skipped once he keeps his place, Carol is called.
    let s = app.skip_ticket("1").await.unwrap();
    assert!(!s.left);
    assert_eq!(s.ticket.state, "waiting");
    assert_eq!(
        s.next.as_ref().map(|t| t.first_name.as_str()),
        Some("Carol")
    );
    let again = app.call_next().await.unwrap();
    assert_eq!(again.first_name, "Bob", "he kept his place");
    // Absent a second time: off the list; Dan is called.
    let s = app.skip_ticket("1").await.unwrap();
    assert!(s.left);
    assert_eq!(s.next.as_ref().map(|t| t.first_name.as_str()), Some("Dan"));
    let q: Vec<String> = app
        .queue()
        .await
        .unwrap()
        .iter()
        .map(|t| t.first_name.clone())
        .collect();
    assert_eq!(q, ["Carol", "Dan"]);
    // Carol gets the station once Alice ends: her ticket is served.
    app.end_station_use("Poste 1").await.unwrap();
    app.assign_station(&assign(&people[1].0, None, "job_search"))
        .await
        .unwrap();
    let q: Vec<String> = app
        .queue()
        .await
        .unwrap()
        .iter()
        .map(|t| t.first_name.clone())
        .collect();
    assert_eq!(q, ["Dan"]);
    assert_eq!(app.ticket("2").await.unwrap().state, "served");
    app.leave_queue("3").await.unwrap();
    assert!(matches!(app.call_next().await, Err(Error::QueueEmpty)));
    assert!(matches!(
        app.ticket("42").await,
        Err(Error::TicketNotFound(_))
    ));
}

#[tokio::test]
async fn the_print_quota_counts_pages_and_staff_grant_more() {
    let d = desk().await;
    let app = &d.app;
    let v = visitor(app, &d.event, "Alice").await;
    let q = app.print_quota(&v).await.unwrap();
    assert_eq!((q.printed, q.quota, q.left), (0, 15, 15));
    app.record_print(&v, 10).await.unwrap();
    match app.record_print(&v, 6).await {
        Err(Error::PrintQuotaExceeded {
            used, quota, pages, ..
        }) => {
            assert_eq!((used, quota, pages), (10, 15, 6))
        }
        other => panic!("over the quota is refused, got {other:?}"),
    }
    app.grant_pages(&v, 5).await.unwrap();
    let q = app.record_print(&v, 6).await.unwrap();
    assert_eq!((q.printed, q.quota, q.granted, q.left), (16, 20, 5, 4));
    assert!(matches!(
        app.record_print(&v, 0).await,
        Err(Error::Invalid { field: "pages", .. })
    ));
    let mut s = app.station_settings().await.unwrap();
    s.print_quota = 30;
    app.set_station_settings(&s).await.unwrap();
    assert_eq!(app.print_quota(&v).await.unwrap().quota, 35);
}

#[tokio::test]
async fn coworkers_have_passes_and_the_space_counts_who_is_in() {
    let d = desk().await;
    let app = &d.app;
    let space = app
        .create_event(&EventInput {
            kind: None,
            title: "Coworking du tiers-lieu".into(),
            place: "Tiers-lieu".into(),
            timezone: None,
            starts_at: "2026-01-01 08:00".into(),
            ends_at: "2027-12-31 20:00".into(),
            series: None,
            coworking: Some(true),
        })
        .await
        .unwrap();
    assert!(space.coworking);
    let space = space.id.to_string();
    let mut ids = vec![];
    for name in ["Awa", "Bruno", "Chloé"] {
        ids.push(visitor(app, &space, name).await);
    }
    app.check_out(
        &space,
        CheckInTarget::Visitor(ids[1].clone()),
        None,
        Method::Search,
    )
    .await
    .unwrap();
    app.set_station_settings(&StationSettings {
        minutes_stand: 45,
        minutes_third_place: 120,
        print_quota: 15,
        cowork_capacity: Some(20),
    })
    .await
    .unwrap();
    let o = app.cowork_occupancy().await.unwrap();
    assert_eq!((o.present, o.capacity), (2, Some(20)), "Bruno left");
    // The desk's event is not the coworking space.
    let other = visitor(app, &d.event, "Dora").await;
    assert!(!other.is_empty());
    assert_eq!(app.cowork_occupancy().await.unwrap().present, 2);

    let p = app
        .add_pass(&PassInput {
            visitor_id: ids[0].clone(),
            kind: Some("day".into()),
            status: Some("freelancer".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(p.valid_today && p.starts_on == p.ends_on);
    assert!(matches!(
        app.add_pass(&PassInput {
            visitor_id: ids[1].clone(),
            kind: Some("membership".into()),
            ..Default::default()
        })
        .await,
        Err(Error::Required { field: "ends_on" })
    ));
    let m = app
        .add_pass(&PassInput {
            visitor_id: ids[1].clone(),
            kind: Some("membership".into()),
            starts_on: Some("2026-01-01".into()),
            ends_on: Some("2026-01-31".into()),
            status: Some("founder".into()),
        })
        .await
        .unwrap();
    assert!(!m.valid_today);
    let c = app.coworker(&ids[0]).await.unwrap();
    assert_eq!(c.status.as_deref(), Some("freelancer"));
    assert_eq!(c.months.len(), 1, "checked in today: one month");
    assert_eq!(c.months[0].days, 1);
    assert_eq!(c.today.map(|p| p.id), Some(p.id));
    app.delete_pass(&p.id.to_string()).await.unwrap();
    assert!(app.coworker(&ids[0]).await.unwrap().passes.is_empty());
    assert!(matches!(
        app.delete_pass(&Uuid::now_v7().to_string()).await,
        Err(Error::PassNotFound(_))
    ));
}

#[tokio::test]
async fn an_erased_person_leaves_their_time_on_a_station_as_an_anonymous_fact() {
    let d = desk().await;
    let app = &d.app;
    stations(app, &["Poste 1"]).await;
    let v = visitor(app, &d.event, "Alice").await;
    let u = app
        .assign_station(&assign(&v, None, "procedure"))
        .await
        .unwrap();
    app.record_print(&v, 3).await.unwrap();
    app.end_station_use("Poste 1").await.unwrap();
    app.erase(&v).await.unwrap();
    let uses = app.station_uses(None, 10).await.unwrap();
    assert_eq!(uses.len(), 1, "the session stays in the figures");
    assert_eq!(uses[0].id, u.id);
    assert_eq!(uses[0].visitor_id, None, "nobody is named any more");
    assert_eq!(uses[0].first_name, "");
    assert_eq!(uses[0].purpose, "procedure");
    let pages: i64 =
        sqlx::query_scalar("SELECT sum(pages) FROM print_job WHERE visitor_id IS NULL")
            .fetch_one(app.store().pool())
            .await
            .unwrap();
    assert_eq!(pages, 3, "pages printed stay, anonymous");
}

#[tokio::test]
async fn two_laptops_giving_the_same_station_offline_agree_after_sync_and_nothing_is_lost() {
    let (nodes, event) = crate::sync_net::org(2).await;
    stations(&nodes[0].app, &["Poste 1", "Poste 2"]).await;
    crate::sync_net::full_sync(&nodes, 50).await;
    let a = visitor(&nodes[0].app, &event, "Awa").await;
    let b = visitor(&nodes[1].app, &event, "Bilal").await;
    // Both desks see Poste 1 free and give it, apart.
    let first = nodes[0]
        .app
        .assign_station(&assign(&a, Some("Poste 1"), "free"))
        .await
        .unwrap();
    let second = nodes[1]
        .app
        .assign_station(&assign(&b, Some("Poste 1"), "free"))
        .await
        .unwrap();
    crate::sync_net::full_sync(&nodes, 50).await;
    for n in &nodes {
        let board = n.app.board().await.unwrap();
        let p1 = &board.stations[0];
        assert_eq!(
            p1.current.as_ref().map(|u| u.id),
            Some(first.id),
            "the first assignment wins everywhere"
        );
        assert_eq!(
            board.displaced.iter().map(|u| u.id).collect::<Vec<_>>(),
            [second.id]
        );
    }
    // Only the desk that made the displaced session moves it.
    assert!(nodes[0].app.settle_stations().await.unwrap().is_empty());
    let moved = nodes[1].app.settle_stations().await.unwrap();
    assert_eq!(moved.len(), 1);
    assert_eq!(
        (moved[0].from.as_str(), moved[0].to.as_str()),
        ("Poste 1", "Poste 2")
    );
    crate::sync_net::full_sync(&nodes, 50).await;
    for n in &nodes {
        let board = n.app.board().await.unwrap();
        let who: Vec<(String, Option<Uuid>)> = board
            .stations
            .iter()
            .map(|c| (c.station.name.clone(), c.current.as_ref().map(|u| u.id)))
            .collect();
        assert_eq!(
            who,
            [
                ("Poste 1".to_string(), Some(first.id)),
                ("Poste 2".to_string(), Some(second.id))
            ]
        );
        assert!(board.displaced.is_empty());
    }
    assert_eq!(nodes[0].hash().await, nodes[1].hash().await);
}

/// Ops of another laptop, written at `ms` (as a desk of its own would).
async fn ingest(app: &Escale, bodies: Vec<(i64, escale_core::op::OpBody)>) {
    use escale_core::hlc::Hlc;
    use escale_core::op::Op;
    let origin = Uuid::now_v7();
    let ops: Vec<Op> = bodies
        .into_iter()
        .enumerate()
        .map(|(i, (ms, body))| Op {
            id: Uuid::now_v7(),
            origin,
            seq: i as i64 + 1,
            hlc: Hlc::new(ms, 0),
            body,
        })
        .collect();
    let mut tx = app.store().write().await.unwrap();
    tx.ingest(&ops).await.unwrap();
    tx.commit().await.unwrap();
}

fn set(
    entity: escale_core::model::Entity,
    id: Uuid,
    fields: &[(&str, serde_json::Value)],
) -> escale_core::op::OpBody {
    escale_core::op::OpBody::Set {
        entity,
        id,
        fields: fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    }
}

fn ms(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s)
        .unwrap()
        .timestamp_millis()
}

/// A month of public computers, a waiting list, pages and coworking, with
/// every figure computed by hand.
#[tokio::test]
async fn a_report_counts_computer_sessions_purposes_hours_waits_pages_and_coworking() {
    use escale_core::model::{Direction, Entity};
    use escale_core::report::ReportQuery;
    use serde_json::json;
    let d = desk().await;
    let app = &d.app;
    let a = visitor(app, &d.event, "Awa").await;
    let b = visitor(app, &d.event, "Bruno").await;
    let (ua, ub) = (Uuid::parse_str(&a).unwrap(), Uuid::parse_str(&b).unwrap());
    let station = Uuid::now_v7();
    let space = app
        .create_event(&EventInput {
            kind: None,
            title: "Coworking".into(),
            place: "Tiers-lieu".into(),
            timezone: None,
            starts_at: "2026-01-01 08:00".into(),
            ends_at: "2026-12-31 20:00".into(),
            series: None,
            coworking: Some(true),
        })
        .await
        .unwrap()
        .id;
    app.add_pass(&PassInput {
        visitor_id: a.clone(),
        status: Some("freelancer".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    let t0 = ms("2026-11-10T08:00:00Z");
    let mut ops = vec![(
        t0,
        set(Entity::Station, station, &[("name", json!("Poste 1"))]),
    )];
    // (started, ended, minutes, purpose, person), UTC: Paris is UTC+1.
    for (i, (start, end, minutes, purpose, who)) in [
        (
            "2026-11-10T09:30:00Z",
            Some("2026-11-10T10:15:00Z"),
            45,
            "cv_letter",
            ua,
        ),
        (
            "2026-11-10T13:00:00Z",
            Some("2026-11-10T13:20:00Z"),
            45,
            "job_search",
            ub,
        ),
        ("2026-11-12T08:00:00Z", None, 30, "cv_letter", ua),
    ]
    .into_iter()
    .enumerate()
    {
        let id = Uuid::now_v7();
        let at = t0 + i as i64 * 1000;
        ops.push((
            at,
            set(
                Entity::StationUse,
                id,
                &[
                    ("station_id", json!(station.to_string())),
                    ("purpose", json!(purpose)),
                    ("started_at", json!(start)),
                    ("minutes", json!(minutes)),
                    (
                        "ended_at",
                        end.map_or(serde_json::Value::Null, |e| json!(e)),
                    ),
                ],
            ),
        ));
        ops.push((
            at,
            set(
                Entity::StationUse,
                id,
                &[("visitor_id", json!(who.to_string()))],
            ),
        ));
    }
    for (joined, called, state, closed) in [
        (
            "2026-11-10T10:00:00Z",
            Some("2026-11-10T10:12:00Z"),
            "served",
            None,
        ),
        (
            "2026-11-10T10:05:00Z",
            Some("2026-11-10T10:30:00Z"),
            "served",
            None,
        ),
        (
            "2026-11-10T10:06:00Z",
            None,
            "left",
            Some("2026-11-10T10:40:00Z"),
        ),
    ] {
        ops.push((
            t0,
            set(
                Entity::Ticket,
                Uuid::now_v7(),
                &[
                    ("day", json!("2026-11-10")),
                    ("number", json!(1)),
                    ("joined_at", json!(joined)),
                    (
                        "called_at",
                        called.map_or(serde_json::Value::Null, |c| json!(c)),
                    ),
                    (
                        "closed_at",
                        closed.map_or(serde_json::Value::Null, |c| json!(c)),
                    ),
                    ("state", json!(state)),
                ],
            ),
        ));
    }
    for pages in [7, 3] {
        ops.push((
            t0,
            set(
                Entity::PrintJob,
                Uuid::now_v7(),
                &[
                    ("at", json!("2026-11-10T10:00:00Z")),
                    ("day", json!("2026-11-10")),
                    ("pages", json!(pages)),
                ],
            ),
        ));
    }
    for (who, at) in [
        (ua, "2026-11-10T08:10:00Z"),
        (ub, "2026-11-10T08:20:00Z"),
        (ua, "2026-11-11T08:10:00Z"),
        (ua, "2026-11-11T12:10:00Z"),
    ] {
        ops.push((
            ms(at),
            escale_core::op::OpBody::CheckIn {
                event_id: space,
                session_id: None,
                visitor_id: who,
                direction: Direction::In,
                method: Method::Scan,
                code: None,
            },
        ));
    }
    ingest(app, ops).await;

    let r = app
        .report(&ReportQuery {
            from: Some("2026-11-01".into()),
            to: Some("2026-11-30".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let h = &r.headline;
    assert_eq!(
        (h.station_sessions, h.station_people, h.station_minutes),
        (3, 2, 45 + 20 + 30)
    );
    assert_eq!((h.queue_tickets, h.queue_left, h.queue_called), (3, 1, 2));
    assert_eq!((h.wait_median_minutes, h.wait_p90_minutes), (12, 25));
    assert_eq!(h.pages_printed, 10);
    assert_eq!((h.cowork_presences, h.coworkers, h.cowork_peak), (3, 2, 2));
    let table = |key: &str| {
        r.tables
            .iter()
            .find(|t| t.key == key)
            .unwrap_or_else(|| {
                panic!(
                    "{key} in {:?}",
                    r.tables.iter().map(|t| t.key).collect::<Vec<_>>()
                )
            })
            .rows
            .iter()
            .map(|row| (row.key.clone(), row.counts.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        table("station_purposes"),
        [
            ("job_search".into(), vec![1]),
            ("cv_letter".into(), vec![2])
        ]
    );
    assert_eq!(
        table("station_purpose_hours"),
        [
            ("job_search".into(), vec![0]),
            ("cv_letter".into(), vec![1])
        ],
        "20 min round to 0 h, 75 min to 1 h"
    );
    assert_eq!(
        table("station_hours"),
        [
            ("09".into(), vec![1]),
            ("10".into(), vec![1]),
            ("11".into(), vec![1]),
            ("14".into(), vec![1]),
        ],
        "10:30–11:15 is in two hours, 14:00–14:20 in one, 09:00–09:30 in one"
    );
    assert_eq!(
        table("queue_waits"),
        [
            ("<=5".into(), vec![0]),
            ("6-15".into(), vec![1]),
            ("16-30".into(), vec![1]),
            ("31-60".into(), vec![0]),
            (">60".into(), vec![0]),
            ("never_called".into(), vec![1]),
        ]
    );
    assert_eq!(table("cowork_months"), [("2026-11".into(), vec![3])]);
    assert_eq!(
        table("cowork_frequency"),
        [
            ("1".into(), vec![1]),
            ("2-4".into(), vec![1]),
            ("5-9".into(), vec![0]),
            ("10+".into(), vec![0]),
        ],
        "Awa came two days in November, Bruno one"
    );
    let status = table("cowork_status");
    assert!(
        status.contains(&("freelancer".into(), vec![1])),
        "{status:?}"
    );
    assert!(status.contains(&("unknown".into(), vec![1])), "{status:?}");
    // The coworking space opened in January and lasts the year: its
    // presence is counted by date, never as the visitors of an event of
    // January (when it starts).
    let january = app
        .report(&ReportQuery {
            from: Some("2026-01-01".into()),
            to: Some("2026-01-31".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        (
            january.headline.events,
            january.headline.visitors,
            january.headline.cowork_presences
        ),
        (0, 0, 0)
    );
    assert_eq!(h.visitors, 0, "November's events had no visitors");
    // The previous month had none of it: its figures are zero.
    assert_eq!(r.previous.as_ref().unwrap().station_sessions, 0);
    // The published report prints the parts, small counts hidden.
    let p = escale_core::report::export::publish(&r, "Passerelle", escale_core::Lang::Fr, 5);
    let sessions = p
        .headline
        .iter()
        .find(|(l, _)| l == "Sessions sur les postes")
        .expect("the computers' figures are printed");
    assert_eq!(sessions.1.text, "< 5");
    assert!(p
        .headline
        .iter()
        .any(|(l, v)| l == "Pages imprimées" && v.text == "10"));
}
