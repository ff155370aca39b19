//! Visitors: validation, per-field edits, duplicates, merge and erasure.

use crate::support::*;
use escale_core::app::CheckInTarget;
use escale_core::hlc::Hlc;
use escale_core::model::{Entity, Method};
use escale_core::op::{Fields, Op, OpBody, Value};
use uuid::Uuid;

#[tokio::test]
async fn bad_input_is_refused_with_specific_codes_and_nothing_is_written() {
    let d = desk().await;
    let before = d.app.store().op_count().await.unwrap();
    let cases = [
        (person("  ", "\t"), "visitor.name_required"),
        (person(&"é".repeat(10_000), "Martin"), "input.too_long"),
        (person("\u{0}\u{1}\u{7f}", ""), "visitor.name_required"),
        (
            person("Anne", "Roux").with("notes", "x".repeat(10_000)),
            "input.too_long",
        ),
        (
            person("Anne", "Roux").with("situation", "astronaut"),
            "input.invalid",
        ),
    ];
    for (input, code) in cases {
        let err = d
            .app
            .register_walk_in(&walk_in(&d.event, input, true))
            .await
            .unwrap_err();
        assert_eq!(err.code(), code);
    }
    let mut no_consent = walk_in(&d.event, person("Anne", "Roux"), true);
    no_consent.consents.clear();
    assert_eq!(
        d.app
            .register_walk_in(&no_consent)
            .await
            .unwrap_err()
            .code(),
        "input.required",
        "consent to processing is required"
    );
    assert_eq!(
        d.app.store().op_count().await.unwrap(),
        before,
        "refused input leaves nothing half-written"
    );
    let unknown = walk_in(
        "0190b0b0-0000-7000-8000-000000000000",
        person("Anne", "Roux"),
        false,
    );
    assert_eq!(
        d.app.register_walk_in(&unknown).await.unwrap_err().code(),
        "event.not_found"
    );
    assert_eq!(
        d.app.visitor("not-an-id").await.unwrap_err().code(),
        "visitor.not_found"
    );
}

#[tokio::test]
async fn invalid_email_and_phone_are_kept_out_with_warnings() {
    let d = desk().await;
    let input = person("Chloé", "Martin")
        .with("email", "chloe.martin@@example")
        .with("phone", "appelle-moi")
        .with("postcode", "75011");
    let r = d
        .app
        .register_walk_in(&walk_in(&d.event, input, false))
        .await
        .unwrap();
    assert_eq!(
        r.visitor.text("email"),
        None,
        "an impossible email is not stored"
    );
    assert_eq!(r.visitor.text("phone"), None);
    assert_eq!(r.visitor.text("postcode"), Some("75011"));
    let codes: Vec<&str> = r.warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, vec!["invalid_email", "invalid_phone"]);
}

#[tokio::test]
async fn an_edit_only_writes_the_fields_that_changed() {
    let d = desk().await;
    let r = d
        .app
        .register_walk_in(&walk_in(
            &d.event,
            person("Anne", "Roux").with("email", "a@example.org"),
            false,
        ))
        .await
        .unwrap();
    let id = r.visitor.id.to_string();
    let input = person("Anne", "Roux")
        .with("email", "a@example.org")
        .with("postcode", "13001");
    let before = d.app.store().op_count().await.unwrap();
    d.app.update_visitor(&id, &input).await.unwrap();
    let ops = d.app.store().all_ops().await.unwrap();
    assert_eq!(ops.len() as i64, before + 1);
    let last = ops.iter().max_by_key(|o| o.hlc).unwrap();
    match &last.body {
        OpBody::Set { fields, .. } => assert_eq!(
            fields.keys().collect::<Vec<_>>(),
            vec!["postcode"],
            "unchanged fields must not be rewritten, or they would override other laptops' edits"
        ),
        other => panic!("unexpected {other:?}"),
    }
}

/// Two laptops edit different fields of the same person: both edits stay;
/// the same field: the later HLC wins, the origin breaks ties.
#[tokio::test]
async fn concurrent_edits_merge_per_field() {
    let d = desk().await;
    let r = d
        .app
        .register_walk_in(&walk_in(&d.event, person("Anne", "Roux"), false))
        .await
        .unwrap();
    let vid = r.visitor.id;
    let set = |origin: u128, ms: i64, field: &str, value: &str| {
        let mut f = Fields::new();
        f.insert(field.into(), Value::String(value.into()));
        Op {
            id: Uuid::now_v7(),
            origin: Uuid::from_u128(origin),
            seq: ms,
            hlc: Hlc::new(4_000_000_000_000 + ms, 0),
            body: OpBody::Set {
                entity: Entity::Visitor,
                id: vid,
                fields: f,
            },
        }
    };
    let ops = vec![
        set(1, 1, "postcode", "69001"),
        set(2, 1, "employment_id", "FT-123"),
        set(1, 2, "first_name", "Annabelle"),
        set(2, 2, "first_name", "Anna"), // same HLC, higher origin wins
    ];
    let mut tx = d.app.store().write().await.unwrap();
    tx.ingest(&ops).await.unwrap();
    tx.commit().await.unwrap();
    let v = d.app.visitor(&vid.to_string()).await.unwrap();
    assert_eq!(v.text("postcode"), Some("69001"));
    assert_eq!(
        v.text("employment_id"),
        Some("FT-123"),
        "an edit of another field survives"
    );
    assert_eq!(v.first_name(), "Anna", "same field: (HLC, origin) decides");
}

#[tokio::test]
async fn similar_people_are_found_by_email_or_by_name_with_birth_year() {
    let d = desk().await;
    let input = person("Éloïse", "N'Diaye-Lefèvre")
        .with("email", "Eloise.NDiaye@example.org")
        .with("birth_year", 1990);
    let first = d
        .app
        .register_walk_in(&walk_in(&d.event, input, false))
        .await
        .unwrap();
    let by_email = d
        .app
        .similar(&person("E", "N").with("email", "eloise.ndiaye@EXAMPLE.org"))
        .await
        .unwrap();
    assert_eq!(
        by_email.first().map(|s| (s.visitor.id, s.reason.as_str())),
        Some((first.visitor.id, "email"))
    );
    let by_name = d
        .app
        .similar(&person("ELOISE", "NDIAYE LEFEVRE").with("birth_year", 1990))
        .await
        .unwrap();
    assert_eq!(
        by_name.first().map(|s| s.reason.as_str()),
        Some("name_birth_year"),
        "accents and case do not hide a duplicate"
    );
    assert!(d
        .app
        .similar(&person("Jean", "Valjean"))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_merge_folds_check_ins_and_registrations_into_the_winner() {
    let d = desk().await;
    let a = d
        .app
        .register_walk_in(&walk_in(&d.event, person("Éloïse", "N'Diaye"), true))
        .await
        .unwrap();
    let b = d
        .app
        .register_walk_in(&walk_in(
            &d.event,
            person("Eloise", "Ndiaye").with("email", "e@example.org"),
            true,
        ))
        .await
        .unwrap();
    assert_eq!(
        d.app.stats(&d.event).await.unwrap().arrived,
        2,
        "two records, two arrivals before the merge"
    );
    let m = d
        .app
        .merge(&b.visitor.id.to_string(), &a.visitor.id.to_string())
        .await
        .unwrap();
    assert_eq!(
        m.fields_copied,
        vec!["email".to_string()],
        "the winner gains what it lacked"
    );
    let s = d.app.stats(&d.event).await.unwrap();
    assert_eq!(
        (s.arrived, s.registered),
        (1, 1),
        "after the merge one person arrived once"
    );
    assert_eq!(
        d.app.visitor(&b.visitor.id.to_string()).await.unwrap().id,
        a.visitor.id,
        "the loser's id leads to the winner"
    );
    let hits = d.app.search(Some(&d.event), "ndiaye", 10).await.unwrap();
    assert_eq!(
        hits.len(),
        1,
        "the merged-away record no longer shows in search"
    );
    assert_eq!(
        d.app
            .merge(&a.visitor.id.to_string(), &b.visitor.id.to_string())
            .await
            .unwrap_err()
            .code(),
        "merge.same_visitor"
    );
}

#[tokio::test]
async fn erasure_removes_personal_data_redacts_the_log_and_refuses_later_ops() {
    let d = desk().await;
    let input = person("Ömer", "Yılmaz").with("email", "omer@example.org");
    let r = d
        .app
        .register_walk_in(&walk_in(&d.event, input, true))
        .await
        .unwrap();
    let vid = r.visitor.id;
    d.app.erase(&vid.to_string()).await.unwrap();
    assert_eq!(
        d.app.visitor(&vid.to_string()).await.unwrap_err().code(),
        "visitor.erased"
    );
    assert!(d
        .app
        .search(Some(&d.event), "omer", 5)
        .await
        .unwrap()
        .is_empty());
    let s = d.app.stats(&d.event).await.unwrap();
    assert_eq!((s.registered, s.arrived), (0, 0));
    let leaks =
        super::sync::bodies_mentioning(d.app.store(), &["Yılmaz", "omer@example.org"]).await;
    assert_eq!(leaks, 0, "no personal data may remain in the log");
    // A late edit from another laptop, made before it heard of the erasure.
    let mut f = Fields::new();
    f.insert("first_name".into(), Value::String("Ömer".into()));
    let late = Op {
        id: Uuid::now_v7(),
        origin: Uuid::from_u128(3),
        seq: 1,
        hlc: Hlc::new(9_000_000_000_000, 0),
        body: OpBody::Set {
            entity: Entity::Visitor,
            id: vid,
            fields: f,
        },
    };
    let mut tx = d.app.store().write().await.unwrap();
    let rep = tx.ingest(&[late]).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        rep.discarded, 1,
        "an op about an erased person is discarded"
    );
    assert_eq!(
        d.app.visitor(&vid.to_string()).await.unwrap_err().code(),
        "visitor.erased",
        "nothing resurrects an erased person"
    );
    let err = d
        .app
        .check_in(
            &d.event,
            CheckInTarget::Visitor(vid.to_string()),
            None,
            Method::Search,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "visitor.erased");
    assert!(d.app.verify().await.unwrap().equal);
}

#[tokio::test]
async fn erasing_a_winner_also_erases_what_was_merged_into_it() {
    let d = desk().await;
    let a = d
        .app
        .register_walk_in(&walk_in(&d.event, person("Anne", "Roux"), true))
        .await
        .unwrap();
    let b = d
        .app
        .register_walk_in(&walk_in(&d.event, person("Anne", "Rouxx"), true))
        .await
        .unwrap();
    d.app
        .merge(&b.visitor.id.to_string(), &a.visitor.id.to_string())
        .await
        .unwrap();
    let erased = d.app.erase(&a.visitor.id.to_string()).await.unwrap();
    assert_eq!(erased.len(), 2);
    assert_eq!(
        d.app
            .visitor(&b.visitor.id.to_string())
            .await
            .unwrap_err()
            .code(),
        "visitor.erased"
    );
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM visitor")
        .fetch_one(d.app.store().pool())
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn history_across_events_shows_every_registration() {
    let d = desk().await;
    let r = d
        .app
        .register_walk_in(&walk_in(&d.event, person("Zoé", "Petit"), true))
        .await
        .unwrap();
    let other = d
        .app
        .create_event(&escale_core::app::EventInput {
            title: "JobCamp #2".into(),
            starts_at: "2026-12-10 09:00".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let out = d
        .app
        .check_in(
            &other.id.to_string(),
            CheckInTarget::Visitor(r.visitor.id.to_string()),
            None,
            Method::Search,
        )
        .await
        .unwrap();
    assert!(
        out.walk_in_created,
        "a known person arriving unregistered becomes a walk-in"
    );
    let detail = d
        .app
        .visitor_detail(&r.visitor.id.to_string())
        .await
        .unwrap();
    assert_eq!(detail.registrations.len(), 2);
    assert!(detail.registrations.iter().all(|r| r.arrived_at.is_some()));
    assert_eq!(detail.consents.len(), 1);
}
