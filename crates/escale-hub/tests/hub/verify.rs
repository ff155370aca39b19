//! The certificate verification endpoints: the organisation's public key
//! (derived from its key, as the laptops sign), and what the hub knows of a
//! number — known, unknown, revoked (with the reason), or issued by a device
//! revoked before it issued it. Nothing about the person.

use crate::both_backends;
use crate::support::ops;
use axum::http::StatusCode;
use escale_protocol::certificate::{number, Scope, SigningKey};
use serde_json::json;
use uuid::Uuid;

both_backends!(
    a_certificate_is_known_then_revoked_and_its_key_is_published,
    |h| async {
        let org = h.db.org(h.org).await.unwrap().unwrap();
        let key: [u8; 32] = hex::decode(&org.org_key).unwrap().try_into().unwrap();
        let public = SigningKey::from_sync_key(&key).public();
        let (status, keys) = h.get("/v/keys", None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(keys[0]["key_id"], public.id());
        assert_eq!(keys[0]["public_key"], public.to_base64());
        assert_eq!(keys[0]["org"], "Association Escale");

        let (event, person) = (Uuid::now_v7(), Uuid::now_v7());
        let n = number(h.org, "presence", &Scope::Event(event), person);
        let (status, unknown) = h.get(&format!("/v/status/{n}"), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(unknown["state"], "unknown");

        let issued = ops::op(
            h.device,
            1,
            json!({"kind": "certificate_issued", "number": n, "visitor_id": person, "event_id": event,
                   "template": "presence", "period_from": "2026-12-01", "period_to": "2026-12-01",
                   "minutes": 245, "spans": "2026-12-01 09:05-11:40", "name": "Zoë Ørsted", "key_id": public.id()}),
        );
        assert_eq!(h.push(&[issued]).await.0, StatusCode::OK);
        // Typed in lower case without dashes, as a person would.
        let typed = n.to_lowercase().replace('-', "");
        let (_, known) = h.get(&format!("/v/status/{typed}"), None).await;
        assert_eq!(
            known,
            json!({"number": n, "state": "known"}),
            "no name, no hours"
        );

        let revoked = ops::op(
            h.device,
            2,
            json!({"kind": "certificate_revoked", "number": n, "visitor_id": person, "reason": "délivrée par erreur"}),
        );
        assert_eq!(h.push(&[revoked]).await.0, StatusCode::OK);
        let (_, r) = h.get(&format!("/v/status/{n}"), None).await;
        assert_eq!(r["state"], "revoked");
        assert_eq!(r["reason"], "délivrée par erreur");

        let (status, bad) = h.get("/v/status/not-a-number", None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
);

both_backends!(
    a_certificate_issued_by_a_device_after_its_revocation_is_refused,
    |h| async {
        let (other, other_token) = h.enroll(h.org, "Portable accueil 2").await;
        let person = Uuid::now_v7();
        let n = number(h.org, "presence", &Scope::Event(Uuid::now_v7()), person);
        // The first laptop is lost and revoked; a certificate it made later
        // reaches the hub through another laptop.
        escale_hub::admin::revoke(&h.db, h.device).await.unwrap();
        let mut issued = ops::op(
            h.device,
            1,
            json!({"kind": "certificate_issued", "number": n, "visitor_id": person, "event_id": Uuid::now_v7(),
                   "template": "presence", "period_from": "2030-01-01", "period_to": "2030-01-01",
                   "minutes": 60, "spans": "2030-01-01 09:00-10:00", "name": "X", "key_id": "K"}),
        );
        issued.hlc = 1_900_000_000_000_i64 << 16;
        let (status, resp) = h.push_as(other, &other_token, &[issued]).await;
        assert_eq!(status, StatusCode::OK, "{resp}");
        let (_, s) = h.get(&format!("/v/status/{n}"), None).await;
        assert_eq!(s["state"], "device_revoked");
    }
);

both_backends!(
    the_page_may_load_only_the_hubs_own_scripts_and_the_fallback_verifier_is_served,
    |h| async {
        use axum::body::Body;
        use axum::http::Request;
        let (status, headers, _) = h
            .respond(Request::get("/v").body(Body::empty()).unwrap())
            .await;
        assert_eq!(status, StatusCode::OK);
        let csp = headers["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
        assert!(
            csp.contains("connect-src 'self'") && csp.contains("default-src 'none'"),
            "{csp}"
        );

        let (status, script) = h
            .request(Request::get("/v/nacl.js").body(Body::empty()).unwrap())
            .await;
        assert_eq!(status, StatusCode::OK);
        let script = String::from_utf8(script).unwrap();
        assert!(
            script.contains("self.nacl"),
            "TweetNaCl registers itself as self.nacl"
        );
    }
);
