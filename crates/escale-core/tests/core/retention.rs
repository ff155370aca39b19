//! Retention: who becomes due and when, the coordinator's preview, the
//! upkeep that anonymises them, and the periods a coordinator sets.

use crate::sync_net::founder;
use escale_core::hlc::Hlc;
use escale_core::model::{Direction, Entity, Method};
use escale_core::op::{Fields, Op, OpBody, Value};
use escale_core::Escale;
use uuid::Uuid;

const DAY_MS: i64 = 86_400_000;

/// What another laptop recorded `days_ago` days ago, and synced since.
async fn from_elsewhere(app: &Escale, days_ago: i64, body: OpBody) {
    let at = escale_core::clock::now_ms() - days_ago * DAY_MS;
    let op = Op {
        id: Uuid::now_v7(),
        origin: Uuid::now_v7(),
        seq: 1,
        hlc: Hlc::new(at, 0),
        body,
    };
    let mut tx = app.store().write().await.unwrap();
    tx.ingest(&[op]).await.unwrap();
    tx.commit().await.unwrap();
}

/// A person first and last seen `days_ago` days ago.
async fn person(app: &Escale, days_ago: i64, first: &str, email: Option<&str>) -> Uuid {
    let id = Uuid::now_v7();
    let mut fields = Fields::new();
    fields.insert("first_name".into(), Value::String(first.into()));
    fields.insert("last_name".into(), Value::String("Lefèvre".into()));
    fields.insert("birth_year".into(), Value::from(1988));
    if let Some(e) = email {
        fields.insert("email".into(), Value::String(e.into()));
    }
    from_elsewhere(
        app,
        days_ago,
        OpBody::Set {
            entity: Entity::Visitor,
            id,
            fields,
        },
    )
    .await;
    id
}

#[tokio::test]
async fn people_past_the_period_are_anonymised_by_the_upkeep_and_the_preview_says_when() {
    let d = founder().await;
    let app = &d.app;
    let event = Uuid::now_v7();
    // 36 months with contact details, 12 for a name-only walk-in.
    let gone = person(app, 40 * 30, "Agathe", Some("agathe@example.org")).await;
    let kept = person(app, 20 * 30, "Basile", Some("basile@example.org")).await;
    let walked_in = person(app, 20 * 30, "Céleste", None).await;
    let came_back = person(app, 40 * 30, "Denis", Some("denis@example.org")).await;
    from_elsewhere(
        app,
        30,
        OpBody::CheckIn {
            event_id: event,
            session_id: None,
            visitor_id: came_back,
            direction: Direction::In,
            method: Method::Scan,
            code: Some("ESC-DENIS".into()),
        },
    )
    .await;
    let soon = person(app, 7 * 30, "Émile", None).await;

    let preview = app.retention_preview().await.unwrap();
    assert_eq!(
        (preview.retention.months, preview.retention.walkin_months),
        (36, 12)
    );
    assert_eq!(preview.due_now, 2, "Agathe and Céleste: {preview:?}");
    assert_eq!(preview.anonymised, 0);
    // Émile is due in about five months; nobody else within a year.
    assert_eq!(preview.by_month.iter().map(|m| m.count).sum::<i64>(), 1);
    assert_eq!(preview.next_count, 1);
    let expected = (chrono::Utc::now() - chrono::Duration::days(210))
        .checked_add_months(chrono::Months::new(12))
        .unwrap()
        .date_naive()
        .to_string();
    assert_eq!(preview.next_date.as_deref(), Some(expected.as_str()));

    let done = app.upkeep().await.unwrap();
    assert_eq!(done.anonymised, 2);
    for id in [gone, walked_in] {
        let v = app.visitor(&id.to_string()).await.unwrap();
        assert_eq!((v.first_name(), v.last_name()), ("", ""));
        assert_eq!(v.text("email"), None);
        assert_eq!(v.int("birth_year"), Some(1988), "the profile stays");
    }
    for (id, name) in [(kept, "Basile"), (came_back, "Denis"), (soon, "Émile")] {
        assert_eq!(
            app.visitor(&id.to_string()).await.unwrap().first_name(),
            name
        );
    }
    assert!(
        app.search(None, "agathe", 10).await.unwrap().is_empty(),
        "nobody finds them by name any more"
    );
    let after = app.retention_preview().await.unwrap();
    assert_eq!((after.due_now, after.anonymised), (0, 2));
    assert_eq!(app.upkeep().await.unwrap().anonymised, 0, "once only");
    // Shorter periods take more people at the next upkeep.
    app.set_retention(18, 6).await.unwrap();
    assert_eq!(
        app.retention_preview().await.unwrap().due_now,
        2,
        "Basile and Émile"
    );
    assert_eq!(app.upkeep().await.unwrap().anonymised, 2);
    assert!(app.verify().await.unwrap().equal);
}

#[tokio::test]
async fn the_periods_are_checked() {
    let d = founder().await;
    let app = &d.app;
    for (months, walk_in) in [(0, 0), (121, 12), (12, 24), (36, 0)] {
        assert_eq!(
            app.set_retention(months, walk_in).await.unwrap_err().code(),
            "input.invalid",
            "{months}/{walk_in}"
        );
    }
    app.set_retention(24, 6).await.unwrap();
    let r = app.retention().await.unwrap();
    assert_eq!((r.months, r.walkin_months), (24, 6));
}
