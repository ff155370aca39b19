//! The registrations list (`app/registrations.rs`) and archiving events.

use crate::support::*;
use escale_core::app::{
    CheckInTarget, RegistrationFilter, RegistrationPage, RegistrationShow, RegistrationSort,
};
use escale_core::model::{Method, RegistrationKind};
use escale_core::Escale;

fn filter(show: RegistrationShow) -> RegistrationFilter {
    RegistrationFilter {
        show,
        ..Default::default()
    }
}

async fn page(app: &Escale, event: &str, f: RegistrationFilter) -> RegistrationPage {
    app.registrations(event, &f).await.unwrap()
}

fn names(p: &RegistrationPage) -> Vec<String> {
    p.rows
        .iter()
        .map(|r| format!("{} {}", r.visitor.first_name(), r.visitor.last_name()))
        .collect()
}

#[tokio::test]
async fn people_are_counted_once_across_rescans_and_merges() {
    let d = desk().await;
    let demo = d.app.demo(10, 0.0, 7).await.unwrap();
    let ev = demo.event.id.to_string();
    let all = page(&d.app, &ev, filter(RegistrationShow::All)).await;
    assert_eq!((all.total, all.rows.len()), (10, 10));
    assert!(all
        .rows
        .iter()
        .all(|r| r.kind == RegistrationKind::Pre && r.arrived_at.is_none()));
    assert!(all.rows.iter().all(|r| r
        .ticket_code
        .as_deref()
        .is_some_and(|t| t.starts_with("DEMO-"))));

    let eloise = d
        .app
        .register_walk_in(&walk_in(&ev, person("Éloïse", "N'Diaye-Lefèvre"), true))
        .await
        .unwrap()
        .visitor;
    let a = all.rows[0].visitor.id.to_string();
    let b = all.rows[1].visitor.id.to_string();
    for _ in 0..2 {
        d.app
            .check_in(&ev, CheckInTarget::Visitor(a.clone()), None, Method::Search)
            .await
            .unwrap();
    }
    assert_eq!(
        page(&d.app, &ev, filter(RegistrationShow::All)).await.total,
        11
    );
    let arrived = page(&d.app, &ev, filter(RegistrationShow::Arrived)).await;
    assert_eq!(
        arrived.total,
        2,
        "a person scanned twice is one arrival: {:?}",
        names(&arrived)
    );
    assert_eq!(
        page(&d.app, &ev, filter(RegistrationShow::NotArrived))
            .await
            .total,
        9
    );
    let walk_ins = page(&d.app, &ev, filter(RegistrationShow::WalkIns)).await;
    assert_eq!(names(&walk_ins), vec!["Éloïse N'Diaye-Lefèvre"]);
    assert_eq!(walk_ins.rows[0].kind, RegistrationKind::WalkIn);
    assert!(walk_ins.rows[0].arrived_at.is_some());

    // Éloïse turns out to be B, pre-registered: one person, pre-registered,
    // arrived when Éloïse was checked in.
    d.app.merge(&eloise.id.to_string(), &b).await.unwrap();
    let all = page(&d.app, &ev, filter(RegistrationShow::All)).await;
    assert_eq!(all.total, 10, "a merged pair is one row");
    let row_b = all
        .rows
        .iter()
        .find(|r| r.visitor.id.to_string() == b)
        .unwrap();
    assert_eq!(
        row_b.kind,
        RegistrationKind::Pre,
        "a pre-registration wins over a walk-in registration"
    );
    assert!(
        row_b.arrived_at.is_some(),
        "the loser's check-in counts for the winner"
    );
    assert_eq!(
        page(&d.app, &ev, filter(RegistrationShow::WalkIns))
            .await
            .total,
        0
    );
    assert_eq!(
        page(&d.app, &ev, filter(RegistrationShow::Arrived))
            .await
            .total,
        2
    );
    let stats = d.app.stats(&ev).await.unwrap();
    assert_eq!(
        (stats.registered, stats.arrived),
        (10, 2),
        "the list and the counters agree"
    );

    d.app.erase(&a).await.unwrap();
    assert_eq!(
        page(&d.app, &ev, filter(RegistrationShow::All)).await.total,
        9,
        "erased people leave the list"
    );
}

#[tokio::test]
async fn the_session_filter_lists_who_checked_into_it_with_session_titles() {
    let d = desk().await;
    let demo = d.app.demo(6, 0.0, 3).await.unwrap();
    let ev = demo.event.id.to_string();
    let sessions = d.app.sessions(&ev).await.unwrap();
    let rows = page(&d.app, &ev, filter(RegistrationShow::All)).await.rows;
    let a = rows[0].visitor.id.to_string();
    let b = rows[1].visitor.id.to_string();
    let (s1, s2) = (sessions[0].id.to_string(), sessions[1].id.to_string());
    d.app
        .check_in(
            &ev,
            CheckInTarget::Visitor(a.clone()),
            Some(&s1),
            Method::Search,
        )
        .await
        .unwrap();
    d.app
        .check_in(
            &ev,
            CheckInTarget::Visitor(a.clone()),
            Some(&s2),
            Method::Search,
        )
        .await
        .unwrap();
    d.app
        .check_out(
            &ev,
            CheckInTarget::Visitor(a.clone()),
            Some(&s2),
            Method::Search,
        )
        .await
        .unwrap();
    d.app
        .check_in(
            &ev,
            CheckInTarget::Visitor(b.clone()),
            Some(&s2),
            Method::Scan,
        )
        .await
        .unwrap();

    let in_s1 = page(
        &d.app,
        &ev,
        RegistrationFilter {
            session_id: Some(s1.clone()),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(in_s1.total, 1);
    assert_eq!(in_s1.rows[0].visitor.id.to_string(), a);
    assert_eq!(
        in_s1.rows[0].sessions,
        vec![sessions[0].title.clone(), sessions[1].title.clone()],
        "every session the person attended, in time order"
    );
    let in_s2 = page(
        &d.app,
        &ev,
        RegistrationFilter {
            session_id: Some(s2),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(in_s2.total, 2, "checked in then out still attended");
    assert!(
        in_s2.rows.iter().all(|r| r.arrived_at.is_none()),
        "a session check-in is not an arrival at the entrance"
    );

    let other = another_event(&d).await;
    let err = d
        .app
        .registrations(
            &other,
            &RegistrationFilter {
                session_id: Some(s1),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        "session.not_found",
        "a session of another event is refused"
    );
}

#[tokio::test]
async fn sorting_and_paging_happen_in_the_query() {
    let d = desk().await;
    let demo = d.app.demo(30, 0.0, 11).await.unwrap();
    let ev = demo.event.id.to_string();
    let all = page(
        &d.app,
        &ev,
        RegistrationFilter {
            limit: 500,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(all.rows.len(), 30);
    let last: Vec<String> = all
        .rows
        .iter()
        .map(|r| r.visitor.last_name().to_lowercase())
        .filter(|n| n.is_ascii())
        .collect();
    assert!(
        last.windows(2).all(|w| w[0] <= w[1]),
        "sorted by last name: {last:?}"
    );

    let mut paged = vec![];
    for offset in (0..30).step_by(7) {
        let p = page(
            &d.app,
            &ev,
            RegistrationFilter {
                offset,
                limit: 7,
                ..Default::default()
            },
        )
        .await;
        assert_eq!(p.total, 30, "the total ignores paging");
        paged.extend(p.rows.into_iter().map(|r| r.visitor.id));
    }
    assert_eq!(
        paged,
        all.rows.iter().map(|r| r.visitor.id).collect::<Vec<_>>(),
        "pages tile the list exactly"
    );

    // Arrival: latest arrival first, people not arrived last.
    let first = all.rows[5].visitor.id.to_string();
    let second = all.rows[9].visitor.id.to_string();
    d.app
        .check_in(
            &ev,
            CheckInTarget::Visitor(first.clone()),
            None,
            Method::Search,
        )
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    d.app
        .check_in(
            &ev,
            CheckInTarget::Visitor(second.clone()),
            None,
            Method::Search,
        )
        .await
        .unwrap();
    let by_arrival = page(
        &d.app,
        &ev,
        RegistrationFilter {
            sort: RegistrationSort::Arrival,
            ..Default::default()
        },
    )
    .await;
    let ids: Vec<String> = by_arrival
        .rows
        .iter()
        .take(2)
        .map(|r| r.visitor.id.to_string())
        .collect();
    assert_eq!(ids, vec![second, first], "the latest arrival on top");
    assert!(by_arrival.rows[2..].iter().all(|r| r.arrived_at.is_none()));

    // Registered: walk-ins have a registration time, the demo's imports none.
    let w = d
        .app
        .register_walk_in(&walk_in(&ev, person("Ömer", "Yılmaz"), false))
        .await
        .unwrap();
    let by_reg = page(
        &d.app,
        &ev,
        RegistrationFilter {
            sort: RegistrationSort::Registered,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(by_reg.rows[0].visitor.id, w.visitor.id);

    let too_big = d
        .app
        .registrations(
            &ev,
            &RegistrationFilter {
                limit: 501,
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        too_big.code(),
        "input.invalid",
        "a page holds at most 500 people"
    );
}

#[tokio::test]
async fn every_filter_and_sort_pages_consistently_with_its_total() {
    let d = desk().await;
    let demo = d.app.demo(25, 0.0, 13).await.unwrap();
    let ev = demo.event.id.to_string();
    let session = d.app.sessions(&ev).await.unwrap()[0].id.to_string();
    let everyone = page(
        &d.app,
        &ev,
        RegistrationFilter {
            limit: 500,
            ..Default::default()
        },
    )
    .await
    .rows;
    for (i, r) in everyone.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
        let id = r.visitor.id.to_string();
        d.app
            .check_in(
                &ev,
                CheckInTarget::Visitor(id.clone()),
                None,
                Method::Search,
            )
            .await
            .unwrap();
        if i % 2 == 0 {
            d.app
                .check_in(
                    &ev,
                    CheckInTarget::Visitor(id),
                    Some(&session),
                    Method::Search,
                )
                .await
                .unwrap();
        }
    }
    let w = d
        .app
        .register_walk_in(&walk_in(&ev, person("Léa", "Martin"), true))
        .await
        .unwrap();
    d.app
        .register_walk_in(&walk_in(&ev, person("Hugo", "Martin"), false))
        .await
        .unwrap();
    d.app
        .merge(
            &w.visitor.id.to_string(),
            &everyone[1].visitor.id.to_string(),
        )
        .await
        .unwrap();

    let shows = [
        RegistrationShow::All,
        RegistrationShow::Arrived,
        RegistrationShow::NotArrived,
        RegistrationShow::WalkIns,
    ];
    let sorts = [
        RegistrationSort::Name,
        RegistrationSort::Arrival,
        RegistrationSort::Registered,
    ];
    for show in shows {
        for sort in sorts {
            for session_id in [None, Some(session.clone())] {
                for query in ["", "mar"] {
                    let f = RegistrationFilter {
                        show,
                        sort,
                        session_id: session_id.clone(),
                        query: query.into(),
                        offset: 0,
                        limit: 500,
                    };
                    let full = page(&d.app, &ev, f.clone()).await;
                    let what = format!(
                        "{show:?} {sort:?} session={} query={query:?}",
                        session_id.is_some()
                    );
                    assert_eq!(
                        full.total as usize,
                        full.rows.len(),
                        "{what}: the total counts the rows"
                    );
                    let mut ids: Vec<_> = full.rows.iter().map(|r| r.visitor.id).collect();
                    let mut paged = vec![];
                    for offset in (0..full.rows.len() as u32 + 4).step_by(4) {
                        let p = page(
                            &d.app,
                            &ev,
                            RegistrationFilter {
                                offset,
                                limit: 4,
                                ..f.clone()
                            },
                        )
                        .await;
                        assert_eq!(p.total, full.total, "{what}: the total ignores paging");
                        paged.extend(p.rows.iter().map(|r| r.visitor.id));
                    }
                    assert_eq!(paged, ids, "{what}: pages tile the list");
                    ids.sort();
                    ids.dedup();
                    assert_eq!(ids.len(), full.rows.len(), "{what}: nobody twice");
                    match show {
                        RegistrationShow::Arrived => {
                            assert!(full.rows.iter().all(|r| r.arrived_at.is_some()), "{what}")
                        }
                        RegistrationShow::NotArrived => {
                            assert!(full.rows.iter().all(|r| r.arrived_at.is_none()), "{what}")
                        }
                        RegistrationShow::WalkIns => assert!(
                            full.rows.iter().all(|r| r.kind == RegistrationKind::WalkIn),
                            "{what}"
                        ),
                        RegistrationShow::All => {}
                    }
                }
            }
        }
    }
    let all = page(&d.app, &ev, RegistrationFilter::default()).await.total;
    let arrived = page(&d.app, &ev, filter(RegistrationShow::Arrived))
        .await
        .total;
    let not_arrived = page(&d.app, &ev, filter(RegistrationShow::NotArrived))
        .await
        .total;
    assert_eq!(
        (all, arrived + not_arrived),
        (26, 26),
        "25 demo people + Hugo; Léa merged into a demo person"
    );
    assert_eq!(
        arrived, 10,
        "9 demo people checked in, plus Léa's check-in counted for the person she merged into"
    );
}

#[tokio::test]
async fn the_text_filter_is_accent_and_case_insensitive_and_matches_codes() {
    let d = desk().await;
    let ev = d.event.clone();
    let mut eloise = None;
    for (first, last) in [
        ("Éloïse", "N'Diaye-Lefèvre"),
        ("Éloïse", "Martin"),
        ("Hugo", "Lefebvre"),
        ("Łukasz", "Nowak"),
    ] {
        let v = d
            .app
            .register_walk_in(&walk_in(&ev, person(first, last), false))
            .await
            .unwrap()
            .visitor;
        eloise = eloise.or(Some(v));
    }
    let eloise = eloise.unwrap();
    let cases: [(&str, &[&str]); 7] = [
        ("eloise", &["Éloïse Martin", "Éloïse N'Diaye-Lefèvre"]),
        ("ÉLOÏSE n'diaye", &["Éloïse N'Diaye-Lefèvre"]),
        ("ndiaye", &["Éloïse N'Diaye-Lefèvre"]),
        ("lefevre", &["Éloïse N'Diaye-Lefèvre"]),
        ("diaye", &["Éloïse N'Diaye-Lefèvre"]),
        ("LUKASZ", &["Łukasz Nowak"]),
        ("eloise lukasz", &[]),
    ];
    for (q, expected) in cases {
        let p = page(
            &d.app,
            &ev,
            RegistrationFilter {
                query: q.into(),
                ..Default::default()
            },
        )
        .await;
        assert_eq!(
            names(&p),
            expected,
            "query {q:?}: every folded word must be in the name"
        );
        assert_eq!(p.total as usize, expected.len());
    }
    let code = eloise.text("badge_code").unwrap().to_string();
    let by_badge = page(
        &d.app,
        &ev,
        RegistrationFilter {
            query: code.to_lowercase(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        names(&by_badge),
        vec!["Éloïse N'Diaye-Lefèvre"],
        "a badge code finds its person"
    );
    let wild = page(
        &d.app,
        &ev,
        RegistrationFilter {
            query: "%_%".into(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        wild.total, 0,
        "LIKE wildcards typed by someone match nothing special"
    );

    let demo = d.app.demo(8, 0.0, 5).await.unwrap();
    let by_ticket = page(
        &d.app,
        &demo.event.id.to_string(),
        RegistrationFilter {
            query: "DEMO-0000003".into(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(by_ticket.total, 1, "a ticket code finds its person");
    assert_eq!(
        by_ticket.rows[0].ticket_code.as_deref(),
        Some("DEMO-0000003")
    );
}

#[tokio::test]
async fn an_archived_event_leaves_the_list_but_keeps_its_data() {
    let d = desk().await;
    let demo = d.app.demo(3, 0.0, 1).await.unwrap();
    let ev = demo.event.id.to_string();
    assert_eq!(d.app.events().await.unwrap().len(), 2);
    let archived = d.app.archive_event(&ev).await.unwrap();
    assert!(archived.archived);
    let left: Vec<String> = d
        .app
        .events()
        .await
        .unwrap()
        .iter()
        .map(|e| e.id.to_string())
        .collect();
    assert_eq!(
        left,
        vec![d.event.clone()],
        "the demo event is gone from the list"
    );
    assert_eq!(
        d.app.stats(&ev).await.unwrap().registered,
        3,
        "its registrations are still in the log"
    );
    assert_eq!(
        d.app.archive_event("nope").await.unwrap_err().code(),
        "event.not_found"
    );
}

/// Another event in the same store.
async fn another_event(d: &Desk) -> String {
    let ev = d
        .app
        .create_event(&escale_core::app::EventInput {
            title: "Atelier CV".into(),
            starts_at: "2026-12-10 14:00".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    ev.id.to_string()
}

/// Timing on a big store: `escale --data-dir D demo --visitors 100000`, then
/// `ESCALE_BENCH_DIR=D cargo test -p escale-core --test core -- --ignored registrations_timing --nocapture`.
#[tokio::test]
#[ignore = "needs a data directory made by `escale demo --visitors 100000`"]
async fn registrations_timing() {
    let Some(dir) = std::env::var_os("ESCALE_BENCH_DIR") else {
        return;
    };
    let app = Escale::open(std::path::Path::new(&dir)).await.unwrap();
    let ev = app.events().await.unwrap()[0].id.to_string();
    let cases = [
        ("name, first page", RegistrationFilter::default()),
        (
            "name, middle page",
            RegistrationFilter {
                offset: 50_000,
                ..Default::default()
            },
        ),
        (
            "arrival",
            RegistrationFilter {
                sort: RegistrationSort::Arrival,
                ..Default::default()
            },
        ),
        (
            "registered",
            RegistrationFilter {
                sort: RegistrationSort::Registered,
                ..Default::default()
            },
        ),
        ("not arrived", filter(RegistrationShow::NotArrived)),
        ("walk-ins", filter(RegistrationShow::WalkIns)),
        (
            "query",
            RegistrationFilter {
                query: "lef".into(),
                ..Default::default()
            },
        ),
        (
            "query, 2 words",
            RegistrationFilter {
                query: "eloise lefevre".into(),
                ..Default::default()
            },
        ),
    ];
    for (name, f) in cases {
        let mut best = std::time::Duration::MAX;
        for _ in 0..3 {
            let t = std::time::Instant::now();
            let p = app.registrations(&ev, &f).await.unwrap();
            best = best.min(t.elapsed());
            assert!(p.rows.len() <= 100);
        }
        println!("{name:>20}: {best:?}");
    }
}
