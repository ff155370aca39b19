//! Partner reports and the mediation log, on a fixture whose every figure
//! is worked out by hand below: a returning visitor, a merged duplicate, an
//! erased and an anonymised person, a walk-in at two events, a session over
//! capacity, an anonymous help and a deleted one.
//!
//! November 2026, Paris. Events: "Vieux forum" 6 October (before the
//! period), "Forum emploi" 10 November, "JobCamp 1" 17 November and
//! "JobCamp 2" 24 November (series "JobCamp"); session "Atelier CV" at
//! JobCamp 1, capacity 1, themes job_integration + office.
//!
//! | person | where they came (local time) | profile |
//! |---|---|---|
//! | Alice | pre-registered at the Forum, came 10:05; came to the Vieux forum in October | 1990, job seeker, woman, Montreuil 93048 |
//! | Bruno | pre-registered at the Forum, never came | — |
//! | Chloé | walk-in at JobCamp 1 (14:10, session 14:05), came to JobCamp 2 09:30 (no registration there) | 2005, student |
//! | Dan | walk-in at JobCamp 1 09:15, session 14:06 | 1960, employed |
//! | Dany | = Dan (merged into him): walk-in at JobCamp 2 10:00 | — |
//! | Eve | walk-in at JobCamp 1 09:40, session 14:07; **erased** | — |
//! | Fred | walk-in at JobCamp 2 11:00; **anonymised** | 1980, self-employed, Paris 75056 |
//!
//! Mediation log: M1 Alice, Forum 10:30, 45 min, job_integration + email,
//! partly autonomous, referred to France Travail, computer; M2 anonymous,
//! JobCamp 1 15:00, 20 min, procedures, fully accompanied; M3 Eve, JobCamp 1
//! 10:00, 30 min, job_integration (stays, anonymous, once she is erased);
//! M4 Dany, JobCamp 2 10:15, 60 min, office, autonomous (counts for Dan);
//! M5 deleted; M6 Fred, 26 November, no event, 15 min, navigation, remote.

use crate::sync_net::{founder, joiner};
use chrono::TimeZone;
use escale_core::app::{EventInput, MediationFilter, MediationInput, SessionInput, VisitorInput};
use escale_core::hlc::Hlc;
use escale_core::model::{Direction, Method};
use escale_core::op::{Op, OpBody, Value};
use escale_core::report::export::{publish, save, ReportFormat, THRESHOLD};
use escale_core::report::{Report, ReportQuery, Table};
use escale_core::{Escale, Lang};
use uuid::Uuid;

fn ms(month: u32, day: u32, h: u32, m: u32) -> i64 {
    chrono_tz::Europe::Paris
        .with_ymd_and_hms(2026, month, day, h, m, 0)
        .unwrap()
        .timestamp_millis()
}

/// Arrivals as a desk of its own recorded them: (event, session, person, time).
async fn arrivals(app: &Escale, items: &[(Uuid, Option<Uuid>, Uuid, i64)]) {
    let origin = Uuid::now_v7();
    let ops: Vec<Op> = items
        .iter()
        .enumerate()
        .map(|(i, (event, session, visitor, at))| Op {
            id: Uuid::now_v7(),
            origin,
            seq: i as i64 + 1,
            hlc: Hlc::new(*at, 0),
            body: OpBody::CheckIn {
                event_id: *event,
                session_id: *session,
                visitor_id: *visitor,
                direction: Direction::In,
                method: Method::Scan,
                code: None,
            },
        })
        .collect();
    let mut tx = app.store().write().await.unwrap();
    tx.ingest(&ops).await.unwrap();
    tx.commit().await.unwrap();
}

async fn event(app: &Escale, title: &str, date: &str, series: Option<&str>) -> Uuid {
    app.create_event(&EventInput {
        kind: None,
        title: title.into(),
        place: "Maison de l'emploi".into(),
        timezone: None,
        starts_at: format!("{date} 09:00"),
        ends_at: format!("{date} 17:00"),
        series: series.map(str::to_string),
        coworking: None,
    })
    .await
    .unwrap()
    .id
}

async fn walk_in(
    app: &Escale,
    event: Uuid,
    first: &str,
    last: &str,
    profile: &[(&str, Value)],
) -> Uuid {
    let mut v = VisitorInput::named(first, last);
    for (k, val) in profile {
        v = v.with(k, val.clone());
    }
    app.register_walk_in(&crate::support::walk_in(&event.to_string(), v, false))
        .await
        .unwrap()
        .visitor
        .id
}

fn help(
    visitor: Option<Uuid>,
    event: Option<Uuid>,
    at: &str,
    minutes: i64,
    themes: &[&str],
) -> MediationInput {
    MediationInput {
        visitor_id: visitor.map(|v| v.to_string()),
        event_id: event.map(|e| e.to_string()),
        at: Some(at.into()),
        minutes: Some(minutes),
        themes: themes.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

struct Fixture {
    forum: Uuid,
    eve: Uuid,
    fred: Uuid,
}

/// The fixture on `a`, with some of it recorded on `b` (another laptop of
/// the organisation) when given: the figures must not depend on where.
async fn fixture(a: &Escale, b: Option<&Escale>) -> Fixture {
    let b = b.unwrap_or(a);
    let old = event(a, "Vieux forum", "2026-10-06", None).await;
    let forum = event(a, "Forum emploi", "2026-11-10", None).await;
    let jc1 = event(a, "JobCamp 1", "2026-11-17", Some("JobCamp")).await;
    let jc2 = event(a, "JobCamp 2", "2026-11-24", Some("JobCamp")).await;
    let session = a
        .add_session(
            &jc1.to_string(),
            &SessionInput {
                title: "Atelier CV".into(),
                room: "Salle 2".into(),
                starts_at: "14:00".into(),
                ends_at: "16:00".into(),
                capacity: Some(1),
                themes: Some(vec!["office".into(), "job_integration".into()]),
            },
        )
        .await
        .unwrap()
        .id;
    if !std::ptr::eq(a, b) {
        full_sync_apps(a, b).await;
    }
    // Pre-registrations come from an import.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("inscriptions.csv");
    std::fs::write(
        &csv,
        "Prénom;Nom;E-mail\nAlice;Martin;alice.martin@example.org\nBruno;Petit;bruno.petit@example.org\n",
    )
    .unwrap();
    a.import_file(&forum.to_string(), &csv, &Default::default(), &|_| {})
        .await
        .unwrap();
    let alice: Uuid = sqlx::query_scalar("SELECT id FROM visitor WHERE last_name = 'Martin'")
        .fetch_one(a.store().pool())
        .await
        .unwrap();
    a.update_visitor(
        &alice.to_string(),
        &VisitorInput::new()
            .with("birth_year", 1990)
            .with("situation", "job_seeker")
            .with("gender", "female")
            .with("commune_code", "93048"),
    )
    .await
    .unwrap();
    let chloe = walk_in(
        b,
        jc1,
        "Chloé",
        "Bernard",
        &[("birth_year", 2005.into()), ("situation", "student".into())],
    )
    .await;
    let dan = walk_in(
        b,
        jc1,
        "Dan",
        "Moreau",
        &[
            ("birth_year", 1960.into()),
            ("situation", "employed".into()),
        ],
    )
    .await;
    let eve = walk_in(b, jc1, "Eve", "Roux", &[("birth_year", 1999.into())]).await;
    let dany = walk_in(a, jc2, "Dany", "Moreau", &[]).await;
    let fred = walk_in(
        a,
        jc2,
        "Fred",
        "Garnier",
        &[
            ("birth_year", 1980.into()),
            ("situation", "self_employed".into()),
            ("commune_code", "75056".into()),
        ],
    )
    .await;
    arrivals(
        a,
        &[
            (old, None, alice, ms(10, 6, 11, 0)),
            (forum, None, alice, ms(11, 10, 10, 5)),
            (jc2, None, chloe, ms(11, 24, 9, 30)),
            (jc2, None, dany, ms(11, 24, 10, 0)),
            (jc2, None, fred, ms(11, 24, 11, 0)),
        ],
    )
    .await;
    arrivals(
        b,
        &[
            (jc1, None, chloe, ms(11, 17, 14, 10)),
            (jc1, Some(session), chloe, ms(11, 17, 14, 5)),
            (jc1, None, dan, ms(11, 17, 9, 15)),
            (jc1, Some(session), dan, ms(11, 17, 14, 6)),
            (jc1, None, eve, ms(11, 17, 9, 40)),
            (jc1, Some(session), eve, ms(11, 17, 14, 7)),
        ],
    )
    .await;
    let mut m1 = help(
        Some(alice),
        Some(forum),
        "2026-11-10 10:30",
        45,
        &["job_integration", "email"],
    );
    m1.autonomy = Some("partly".into());
    m1.referral = Some("france_travail".into());
    m1.equipment = vec!["computer".into()];
    m1.note = Some("CV repris, candidature envoyée".into());
    a.add_mediation(&m1).await.unwrap();
    let mut m2 = help(None, Some(jc1), "2026-11-17 15:00", 20, &["procedures"]);
    m2.autonomy = Some("accompanied".into());
    b.add_mediation(&m2).await.unwrap();
    let mut m3 = help(
        Some(eve),
        Some(jc1),
        "2026-11-17 10:00",
        30,
        &["job_integration"],
    );
    m3.note = Some("Eve Roux, compte France Travail".into());
    b.add_mediation(&m3).await.unwrap();
    let mut m4 = help(Some(dany), Some(jc2), "2026-11-24 10:15", 60, &["office"]);
    m4.autonomy = Some("autonomous".into());
    a.add_mediation(&m4).await.unwrap();
    let m5 = a
        .add_mediation(&help(
            Some(fred),
            Some(jc2),
            "2026-11-24 11:30",
            90,
            &["ai"],
        ))
        .await
        .unwrap();
    a.delete_mediation(&m5.id.to_string()).await.unwrap();
    let mut m6 = help(Some(fred), None, "2026-11-26 16:00", 15, &["navigation"]);
    m6.place_kind = Some("remote".into());
    a.add_mediation(&m6).await.unwrap();
    if !std::ptr::eq(a, b) {
        full_sync_apps(a, b).await;
    }
    a.merge(&dany.to_string(), &dan.to_string()).await.unwrap();
    a.erase(&eve.to_string()).await.unwrap();
    Fixture { forum, eve, fred }
}

async fn full_sync_apps(a: &Escale, b: &Escale) {
    for (from, to) in [(a, b), (b, a)] {
        let ops = from.store().all_ops().await.unwrap();
        let mut tx = to.store().write().await.unwrap();
        tx.ingest(&ops).await.unwrap();
        tx.commit().await.unwrap();
    }
}

fn table<'a>(r: &'a Report, key: &str) -> &'a Table {
    r.tables
        .iter()
        .find(|t| t.key == key)
        .unwrap_or_else(|| panic!("the report has a {key} table"))
}

/// (row key, counts) of a table, rows with nothing left out.
fn rows(r: &Report, key: &str) -> Vec<(String, Vec<u64>)> {
    table(r, key)
        .rows
        .iter()
        .filter(|row| row.counts.iter().any(|n| *n > 0))
        .map(|row| (row.key.clone(), row.counts.clone()))
        .collect()
}

fn kv(items: &[(&str, &[u64])]) -> Vec<(String, Vec<u64>)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_vec()))
        .collect()
}

fn november() -> ReportQuery {
    ReportQuery {
        from: Some("2026-11-01".into()),
        to: Some("2026-11-30".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn every_figure_of_a_month_matches_the_hand_count() {
    let d = founder().await;
    fixture(&d.app, None).await;
    let r = d.app.report(&november()).await.unwrap();
    let h = &r.headline;
    assert_eq!(
        r.scope.events.len(),
        3,
        "the October event is not in November"
    );
    assert_eq!(
        (h.visitors, h.visits, h.arrivals),
        (4, 6, 6),
        "Alice, Chloé, Dan (with Dany) and Fred; Eve is erased"
    );
    assert_eq!(
        (h.new_visitors, h.returning_visitors),
        (3, 1),
        "Alice came in October"
    );
    assert_eq!(
        (
            h.registered,
            h.pre_registered,
            h.walk_ins,
            h.arrived_pre_registered,
            h.no_shows
        ),
        (6, 2, 4, 1, 1)
    );
    assert_eq!(
        (
            h.help_entries,
            h.anonymous_help,
            h.people_helped,
            h.help_minutes
        ),
        (5, 2, 3, 170),
        "M5 deleted; M2 and Eve's M3 anonymous; Alice, Dan, Fred helped"
    );
    assert_eq!(
        h.workshop_participants, 2,
        "Chloé and Dan at the CV workshop"
    );
    assert_eq!(
        rows(&r, "events"),
        kv(&[
            (&table(&r, "events").rows[0].key, &[1, 0, 1]),
            (&table(&r, "events").rows[1].key, &[0, 2, 0]),
            (&table(&r, "events").rows[2].key, &[0, 3, 0]),
        ])
    );
    assert_eq!(
        rows(&r, "per_day"),
        kv(&[
            ("2026-11-10", &[1]),
            ("2026-11-17", &[2]),
            ("2026-11-24", &[3])
        ])
    );
    assert_eq!(
        rows(&r, "per_hour"),
        kv(&[("09", &[2]), ("10", &[2]), ("11", &[1]), ("14", &[1])])
    );
    assert_eq!(
        rows(&r, "registration"),
        kv(&[("pre", &[1]), ("walk_in", &[5])])
    );
    let s = &table(&r, "sessions").rows[0];
    assert_eq!(
        (s.counts[0], s.capacity),
        (2, Some(1)),
        "over capacity, Eve apart"
    );
    assert_eq!(
        rows(&r, "situation"),
        kv(&[
            ("job_seeker", &[1]),
            ("employed", &[1]),
            ("self_employed", &[1]),
            ("student", &[1])
        ])
    );
    assert_eq!(
        rows(&r, "age"),
        kv(&[
            ("18-24", &[1]),
            ("25-39", &[1]),
            ("40-59", &[1]),
            ("60-69", &[1])
        ])
    );
    assert_eq!(
        rows(&r, "gender"),
        kv(&[("female", &[1]), ("unknown", &[3])])
    );
    assert_eq!(
        rows(&r, "commune"),
        kv(&[("93048", &[1]), ("75056", &[1]), ("unknown", &[2])]),
        "same count: by name (Montreuil before Paris)"
    );
    assert_eq!(
        rows(&r, "themes"),
        kv(&[
            ("navigation", &[1, 0]),
            ("email", &[1, 0]),
            ("office", &[1, 2]),
            ("job_integration", &[2, 2]),
            ("procedures", &[1, 0]),
        ])
    );
    assert_eq!(rows(&r, "mediators"), kv(&[("Portable 1", &[5])]));
    assert_eq!(
        rows(&r, "durations"),
        kv(&[
            ("<=15", &[1]),
            ("16-30", &[2]),
            ("31-45", &[1]),
            ("46-60", &[1])
        ])
    );
    assert_eq!(
        rows(&r, "autonomy"),
        kv(&[
            ("accompanied", &[1]),
            ("partly", &[1]),
            ("autonomous", &[1]),
            ("unknown", &[2])
        ])
    );
    assert_eq!(
        rows(&r, "referral"),
        kv(&[("france_travail", &[1]), ("unknown", &[4])])
    );
    assert_eq!(rows(&r, "place"), kv(&[("site", &[4]), ("remote", &[1])]));
    assert_eq!(rows(&r, "equipment"), kv(&[("computer", &[1])]));
    assert_eq!(r.as_of_ms, ms(11, 26, 16, 0), "the latest fact: M6");
    // The previous month: only the October forum (Alice, new then).
    let p = r.previous.as_ref().unwrap();
    assert_eq!((p.events, p.visitors, p.new_visitors), (1, 1, 1));
    assert_eq!(
        r.previous_from.as_deref(),
        Some("2026-10-01"),
        "November: October before it"
    );
}

#[tokio::test]
async fn an_event_report_matches_escale_stats_and_a_series_covers_its_events() {
    let d = founder().await;
    let f = fixture(&d.app, None).await;
    let r = d
        .app
        .report(&ReportQuery {
            event_id: Some(f.forum.to_string()),
            ..Default::default()
        })
        .await
        .unwrap();
    let s = d.app.stats(&f.forum.to_string()).await.unwrap();
    let h = &r.headline;
    assert_eq!(
        (
            h.registered,
            h.pre_registered,
            h.walk_ins,
            h.arrivals,
            h.arrived_pre_registered,
            h.no_shows
        ),
        (
            s.registered as u64,
            s.pre_registered as u64,
            s.walk_ins as u64,
            s.arrived as u64,
            s.arrived_pre_registered as u64,
            s.no_shows as u64
        ),
        "the report and `escale stats` agree where they overlap"
    );
    assert_eq!(
        (h.help_entries, h.people_helped),
        (1, 1),
        "only M1 was at the forum"
    );
    assert!(r.previous.is_none(), "no comparison for one event");
    let series = d
        .app
        .report(&ReportQuery {
            series: Some("jobcamp".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(series.scope.label, "JobCamp");
    assert_eq!(series.scope.events.len(), 2);
    assert_eq!(
        (
            series.headline.visitors,
            series.headline.visits,
            series.headline.help_entries
        ),
        (3, 5, 3),
        "Chloé, Dan, Fred; M2, M3, M4 (M6 was at no event)"
    );
    let err = d
        .app
        .report(&ReportQuery {
            series: Some("Inconnue".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), "report.series_not_found");
    assert!(err.message(Lang::Fr).contains("Inconnue"));
    let err = d
        .app
        .report(&ReportQuery {
            from: Some("2026-12-31".into()),
            to: Some("2026-01-01".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        "input.invalid",
        "a period that ends before it starts"
    );
    let err = d
        .app
        .report(&ReportQuery {
            from: Some("le 3 mars".into()),
            to: Some("2026-01-01".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(
        err.message(Lang::Fr).contains("date de début"),
        "{}",
        err.message(Lang::Fr)
    );
}

#[tokio::test]
async fn erasure_keeps_the_help_anonymous_and_anonymisation_changes_no_figure() {
    let d = founder().await;
    let f = fixture(&d.app, None).await;
    // Eve's help is still in the log, about nobody, without its note; the op
    // that named her is redacted.
    let entries = d.app.mediations(&MediationFilter::default()).await.unwrap();
    assert_eq!(entries.len(), 5);
    let hers: Vec<_> = entries
        .iter()
        .filter(|m| m.at_local == "2026-11-17 10:00")
        .collect();
    assert_eq!(hers.len(), 1);
    assert_eq!((hers[0].visitor_id, hers[0].note.as_deref()), (None, None));
    let bodies = op_bodies(&d.app).await;
    assert!(
        !bodies
            .iter()
            .any(|b| b.contains(&f.eve.to_string()) && b.contains("Roux")),
        "no op body names Eve any more"
    );
    assert!(
        !bodies.iter().any(|b| b.contains("compte France Travail")),
        "her note is gone"
    );
    // Anonymising Fred (his identity cleared, his profile kept) changes no figure.
    let before = d.app.report(&november()).await.unwrap();
    anonymise(&d.app, &[f.fred]).await;
    let after = d.app.report(&november()).await.unwrap();
    assert_eq!(before, after);
    let fred = d.app.visitor(&f.fred.to_string()).await.unwrap();
    assert_eq!((fred.first_name(), fred.last_name()), ("", ""));
    assert_eq!(fred.int("birth_year"), Some(1980), "his profile stays");
}

/// Every op body in the log, as JSON.
async fn op_bodies(app: &Escale) -> Vec<String> {
    app.store()
        .all_ops()
        .await
        .unwrap()
        .iter()
        .map(|o| serde_json::to_string(&o.body).unwrap_or_default())
        .collect()
}

/// Commits an `anonymise` op for each of `ids`, as the retention upkeep does.
async fn anonymise(app: &Escale, ids: &[Uuid]) {
    let mut tx = app.store().write().await.unwrap();
    tx.append(
        ids.iter()
            .map(|id| OpBody::Anonymise { visitor_id: *id })
            .collect(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// Every figure and every file a partner gets, for November and for each
/// event: the report, its CSV and XLSX bytes, the Coop's activity file, the
/// desk's statistics.
async fn everything_published(app: &Escale, events: &[Uuid]) -> Vec<Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let mut out = vec![];
    let mut queries = vec![november()];
    for e in events {
        queries.push(ReportQuery {
            event_id: Some(e.to_string()),
            ..Default::default()
        });
        out.push(format!("{:?}", app.stats(&e.to_string()).await.unwrap()).into_bytes());
    }
    for q in &queries {
        let r = app.report(q).await.unwrap();
        out.push(format!("{r:?}").into_bytes());
        for format in [ReportFormat::Csv, ReportFormat::Xlsx] {
            let path = dir.path().join(format!("r.{}", format.extension()));
            save(
                &publish(&r, "Passerelle", Lang::Fr, THRESHOLD),
                format,
                &path,
            )
            .unwrap();
            out.push(std::fs::read(&path).unwrap());
        }
        for lang in [Lang::Fr, Lang::En] {
            let coop = app.coop_activities(q, lang).await.unwrap();
            out.push(format!("{:?}", coop.lines).into_bytes());
        }
    }
    out
}

#[tokio::test]
async fn anonymising_everyone_changes_no_figure_and_no_file_of_a_past_period() {
    let d = founder().await;
    fixture(&d.app, None).await;
    let events: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM event ORDER BY id")
        .fetch_all(d.app.store().pool())
        .await
        .unwrap();
    let before = everything_published(&d.app, &events).await;
    let people: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM visitor")
        .fetch_all(d.app.store().pool())
        .await
        .unwrap();
    assert!(people.len() >= 6);
    anonymise(&d.app, &people).await;
    let after = everything_published(&d.app, &events).await;
    assert_eq!(before.len(), after.len());
    for (i, (b, a)) in before.iter().zip(&after).enumerate() {
        assert!(
            b == a,
            "published item {i} changed once everyone is anonymised"
        );
    }
    // And nobody can be named any more: not in the state, not in the log.
    let named: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM visitor WHERE first_name IS NOT NULL OR last_name IS NOT NULL OR email IS NOT NULL",
    )
    .fetch_one(d.app.store().pool())
    .await
    .unwrap();
    assert_eq!(named, 0);
    let bodies = op_bodies(&d.app).await;
    for name in ["Alice", "Bruno", "Chloé", "Fred", "Dany"] {
        assert!(
            !bodies.iter().any(|b| b.contains(name)),
            "{name} is still in an op body"
        );
    }
    let verify = d.app.verify().await.unwrap();
    assert!(verify.equal, "the rewritten log folds to the same state");
}

#[tokio::test]
async fn two_laptops_after_sync_give_the_same_report_and_the_same_files() {
    let a = founder().await;
    let b = joiner(&a, "Portable 2").await;
    fixture(&a.app, Some(&b.app)).await;
    full_sync_apps(&a.app, &b.app).await;
    let (ra, rb) = (
        a.app.report(&november()).await.unwrap(),
        b.app.report(&november()).await.unwrap(),
    );
    assert_eq!(ra, rb);
    assert_eq!(ra.headline.visitors, 4, "the same figures as on one laptop");
    assert_eq!(
        rows(&ra, "mediators"),
        kv(&[("Portable 1", &[3]), ("Portable 2", &[2])]),
        "who helped is the laptop that recorded it"
    );
    let dir = tempfile::tempdir().unwrap();
    for format in [ReportFormat::Csv, ReportFormat::Xlsx] {
        let mut files = vec![];
        for (n, r) in [("a", &ra), ("b", &rb)] {
            let path = dir.path().join(format!("{n}.{}", format.extension()));
            save(
                &publish(r, "Passerelle", Lang::Fr, THRESHOLD),
                format,
                &path,
            )
            .unwrap();
            files.push(std::fs::read(&path).unwrap());
        }
        assert_eq!(
            files[0], files[1],
            "{format:?}: the same bytes on both laptops"
        );
    }
    let coop_a = a.app.coop_activities(&november(), Lang::Fr).await.unwrap();
    let coop_b = b.app.coop_activities(&november(), Lang::Fr).await.unwrap();
    assert_eq!(coop_a.lines, coop_b.lines);
}

#[tokio::test]
async fn the_coop_activity_file_has_one_row_per_activity_and_no_names() {
    let d = founder().await;
    fixture(&d.app, None).await;
    let f = d.app.coop_activities(&november(), Lang::Fr).await.unwrap();
    assert_eq!(f.activities, 6, "five individual helps and the CV workshop");
    let header = &f.lines[0];
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name} in {header:?}"))
    };
    let workshop = f
        .lines
        .iter()
        .find(|l| l[col("Type")] == "Atelier collectif")
        .unwrap();
    assert_eq!(workshop[col("Titre de l’atelier")], "Atelier CV");
    assert_eq!(workshop[col("Participants")], "2");
    assert_eq!(workshop[col("Durée (min)")], "120");
    assert_eq!(workshop[col("Étudiant·e")], "1");
    assert_eq!(workshop[col("Salarié·e")], "1");
    let m1 = f.lines.iter().find(|l| l[col("Heure")] == "10:30").unwrap();
    assert_eq!(
        m1[col("Thématiques")],
        "Courriels ; Insertion professionnelle"
    );
    assert_eq!(
        (
            m1[col("Orientation")].as_str(),
            m1[col("Structure d’orientation")].as_str()
        ),
        ("Oui", "France Travail")
    );
    assert_eq!(m1[col("Femme")], "1");
    assert_eq!(m1[col("25-39 ans")], "1");
    let all = f.lines.concat().join(";");
    assert!(!all.contains("Alice") && !all.contains("Martin") && !all.contains("CV repris"));
}

#[tokio::test]
async fn exported_reports_hide_small_counts_and_say_so() {
    let d = founder().await;
    fixture(&d.app, None).await;
    let r = d.app.report(&november()).await.unwrap();
    let p = publish(&r, "Association Passerelle Numérique", Lang::Fr, THRESHOLD);
    let headline: Vec<(&str, &str)> = p
        .headline
        .iter()
        .map(|(l, v)| (l.as_str(), v.text.as_str()))
        .collect();
    assert!(
        headline.contains(&("Personnes venues", "< 5")),
        "{headline:?}"
    );
    assert!(headline.contains(&("Accompagnements individuels", "5")));
    assert!(
        headline.contains(&("Événements", "3")),
        "events are not people"
    );
    assert!(headline.contains(&("Temps d’accompagnement", "2 h 50")));
    // Every shown count of every table is 0 or at least 5; no table with
    // totals leaves a lone hidden entry in a row or a column.
    for t in &p.tables {
        for row in &t.rows {
            for c in row.cells.iter().take(t.counts) {
                if let Some(n) = c.value {
                    assert!(n == 0 || n >= 5, "{} shows {n}", t.title);
                }
            }
        }
    }
    assert!(p.notice.contains("Secret statistique"));
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("bilan.csv");
    save(&p, ReportFormat::Csv, &csv).unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with('\u{feff}'), "a BOM for French Excel");
    assert!(text.contains("Secret statistique"));
    assert!(text.contains("Insertion professionnelle;< 5;< 5"), "{text}");
    assert!(
        !text.contains("Alice") && !text.contains("Martin"),
        "no names in a partner report"
    );
    let xlsx = dir.path().join("bilan.xlsx");
    save(&p, ReportFormat::Xlsx, &xlsx).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    use calamine::Reader;
    let names = book.sheet_names().to_vec();
    assert_eq!(names[0], "Synthèse");
    assert!(
        names.iter().any(|n| n == "Accompagnements par thème"),
        "{names:?}"
    );
    let summary = book.worksheet_range("Synthèse").unwrap();
    let cells: Vec<String> = summary.cells().map(|(_, _, c)| c.to_string()).collect();
    assert!(cells.iter().any(|c| c.contains("Secret statistique")));
    assert!(cells.iter().any(|c| c == "< 5"));
}
