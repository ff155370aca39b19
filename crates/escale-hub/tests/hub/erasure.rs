//! Erasure on the hub: an `erase` pushed by any laptop purges the bodies of
//! every op about that person and everyone merged into them, the hub never
//! serves their data again, and later ops about them are stored redacted.
//! Anonymisation is kept alike: the bodies about that person (and everyone
//! merged into them) are rewritten without what identifies them, in any
//! order, with the bytes every laptop writes.

use crate::both_backends;
use crate::support::ops;
use axum::http::StatusCode;
use serde_json::json;
use uuid::Uuid;

both_backends!(
    an_erase_purges_the_person_and_their_merged_duplicates,
    |h| async {
        let (event, v, dup, bystander) = (
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
        );
        let laptop_b = Uuid::now_v7();
        // Laptop A registered and checked in V; laptop B registered the same
        // person as DUP and merged DUP into V. A bystander stays untouched.
        let a = vec![
            ops::visitor(h.device, 1, v, "Éloïse"),
            ops::checkin(h.device, 2, event, v),
            ops::visitor(h.device, 3, bystander, "Łukasz"),
        ];
        let b = vec![
            ops::visitor(laptop_b, 1, dup, "Eloise"),
            ops::merge(laptop_b, 2, dup, v),
        ];
        assert_eq!(h.push(&a).await.0, StatusCode::OK);
        assert_eq!(h.push(&b).await.0, StatusCode::OK);
        assert_eq!(h.db.bodies_about(h.org, v).await.unwrap().len(), 2);

        let (status, resp) = h.push(&[ops::erase(h.device, 4, v)]).await;
        assert_eq!(status, StatusCode::OK, "{resp}");
        assert!(
            h.db.bodies_about(h.org, v)
                .await
                .unwrap()
                .iter()
                .all(|b| b.contains(r#""kind":"erase""#)),
            "only the tombstone remains about V"
        );
        assert!(
            h.db.bodies_about(h.org, dup).await.unwrap().is_empty(),
            "the merged duplicate is erased too (closure over merges)"
        );
        assert_eq!(
            h.db.bodies_about(h.org, bystander).await.unwrap().len(),
            1,
            "nobody else is touched"
        );

        let (_, page) = h.pull(&json!({}), 100).await;
        let text = page.to_string();
        assert!(
            !text.contains("Éloïse") && !text.contains("Eloise"),
            "the hub never serves the person's data again: {text}"
        );
        assert!(text.contains("Łukasz"));
        assert_eq!(
            page["ops"].as_array().unwrap().len(),
            6,
            "the envelopes stay so sequences remain dense"
        );

        // A laptop that was offline sends an edit of V later: stored redacted.
        let late = ops::visitor(laptop_b, 3, v, "Éloïse encore");
        let (status, resp) = h.push(&[late]).await;
        assert_eq!(status, StatusCode::OK, "acknowledged: {resp}");
        let (_, page) = h.pull(&json!({}), 100).await;
        assert!(
            !page.to_string().contains("encore"),
            "a later op about an erased person is stored without its body"
        );
        assert_eq!(
            page["vector"][laptop_b.to_string()],
            3,
            "but it is stored, so the laptop's sequence advances"
        );
    }
);

both_backends!(
    a_merge_arriving_after_the_erase_erases_the_duplicate_too,
    |h| async {
        let (v, dup) = (Uuid::now_v7(), Uuid::now_v7());
        let other = Uuid::now_v7();
        h.push(&[
            ops::visitor(h.device, 1, v, "Nguyễn"),
            ops::erase(h.device, 2, v),
        ])
        .await;
        // Another laptop knew the person under another id and merged it late.
        h.push(&[
            ops::visitor(other, 1, dup, "Nguyen"),
            ops::merge(other, 2, dup, v),
        ])
        .await;
        assert!(
            h.db.bodies_about(h.org, dup).await.unwrap().is_empty(),
            "erasure wins in any order"
        );
        let (_, page) = h.pull(&json!({}), 100).await;
        assert!(!page.to_string().contains("Nguyen"), "{page}");
    }
);

both_backends!(
    an_anonymise_rewrites_what_identifies_the_person_in_any_order,
    |h| async {
        let (event, v, dup, bystander) = (
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
        );
        let laptop_b = Uuid::now_v7();
        let mut scan = ops::checkin(h.device, 2, event, v);
        scan.body.as_mut().unwrap()["code"] = json!("ESC-7KQ2");
        h.push(&[
            ops::visitor(h.device, 1, v, "Éloïse"),
            scan,
            ops::visitor(h.device, 3, bystander, "Łukasz"),
        ])
        .await;
        h.push(&[
            ops::visitor(laptop_b, 1, dup, "Eloise"),
            ops::merge(laptop_b, 2, dup, v),
        ])
        .await;
        let (status, resp) = h.push(&[ops::anonymise(h.device, 4, v)]).await;
        assert_eq!(status, StatusCode::OK, "{resp}");
        // An offline laptop's edit of V arrives after: anonymised on arrival.
        let late = ops::visitor(laptop_b, 3, v, "Éloïse encore");
        assert_eq!(h.push(&[late]).await.0, StatusCode::OK);

        let (_, page) = h.pull(&json!({}), 100).await;
        let text = page.to_string();
        for gone in ["Éloïse", "Eloise", "ESC-7KQ2"] {
            assert!(!text.contains(gone), "{gone} is still served: {text}");
        }
        assert!(text.contains("Łukasz"), "nobody else is touched");
        let bodies = h.db.bodies_about(h.org, v).await.unwrap();
        assert_eq!(
            bodies.len(),
            4,
            "the ops stay, with their facts: {bodies:?}"
        );
        assert!(bodies.iter().all(|b| !b.contains("N'Diaye")), "{bodies:?}");
        assert!(bodies.iter().any(|b| b.contains(r#""kind":"check_in""#)));
        // The bytes a laptop writes for the same ops.
        for b in &bodies {
            let kind = serde_json::from_str::<serde_json::Value>(b).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_string();
            let kind = if kind == "set" {
                "set.visitor".to_string()
            } else {
                kind
            };
            assert_eq!(
                escale_protocol::op::OpBody::anonymised_text(&kind, Some(v), b).as_deref(),
                Some(b.as_str()),
                "stored as every node stores it"
            );
        }
        assert_eq!(h.db.bodies_about(h.org, dup).await.unwrap().len(), 1);
        assert!(!h.db.bodies_about(h.org, dup).await.unwrap()[0].contains("Eloise"));
    }
);

both_backends!(
    the_hub_purges_audit_entries_past_the_organisations_period,
    |h| async {
        let (entry, fresh) = (Uuid::now_v7(), Uuid::now_v7());
        let audit = |seq, id: Uuid| {
            ops::op(
                h.device,
                seq,
                json!({"kind": "set", "entity": "audit", "id": id,
                       "fields": {"action": "view_visitor", "at": "2026-09-21T10:00:00Z"}}),
            )
        };
        let mut recent = audit(2, fresh);
        recent.hlc = escale_protocol::hlc::Hlc::new(escale_protocol::clock::now_ms(), 0).0;
        h.push(&[audit(1, entry), recent]).await;
        let now = escale_protocol::clock::now_ms();
        // 365 days by default: nothing is old enough yet.
        assert_eq!(
            escale_hub::upkeep::purge_old_audit(&h.db, now)
                .await
                .unwrap(),
            0
        );
        // The coordinator set 30 days (an op like any other).
        h.push(&[ops::op(
            h.device,
            3,
            json!({"kind": "set", "entity": "org", "id": h.org,
                   "fields": {"audit_retention_days": 30}}),
        )])
        .await;
        assert_eq!(
            escale_hub::upkeep::audit_retention_days(&h.db, h.org)
                .await
                .unwrap(),
            30
        );
        assert_eq!(
            escale_hub::upkeep::purge_old_audit(&h.db, now)
                .await
                .unwrap(),
            1
        );
        let (_, page) = h.pull(&json!({}), 100).await;
        let ops = page["ops"].as_array().unwrap();
        assert_eq!(ops.len(), 3, "the envelopes stay: {page}");
        assert!(ops[0]["body"].is_null(), "the old entry lost its body");
        assert!(!ops[1]["body"].is_null(), "the recent one is kept");
        assert_eq!(
            escale_hub::upkeep::purge_old_audit(&h.db, now)
                .await
                .unwrap(),
            0
        );
    }
);
