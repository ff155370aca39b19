//! Enrolment: one-time codes that expire, and a rate limit.

use crate::both_backends;
use crate::support::{Backend, TestHub};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use escale_hub::{admin, HubConfig};
use escale_protocol::wire::PROTOCOL_VERSION;
use serde_json::json;
use std::net::SocketAddr;
use std::time::Duration;

fn enroll_body(code: &str) -> serde_json::Value {
    json!({"protocol": PROTOCOL_VERSION, "code": code, "device_name": "Portable 2"})
}

both_backends!(a_code_works_once, |h| async {
    let code = admin::create_enrol_code(&h.db, h.org, Duration::from_secs(900))
        .await
        .unwrap()
        .code;
    let (status, body) = h
        .post("/v1/enroll", None, enroll_body(&code.to_lowercase()))
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a fresh code, typed in lower case, enrols: {body}"
    );
    assert_eq!(body["org_id"], json!(h.org));
    assert_eq!(body["token"].as_str().unwrap().len(), 43);
    assert_eq!(body["org_key"].as_str().unwrap().len(), 64, "32 bytes, hex");
    let (status, body) = h.post("/v1/enroll", None, enroll_body(&code)).await;
    assert_eq!(status, StatusCode::GONE, "{body}");
    assert_eq!(body["code"], "enroll.code_used", "a code is single-use");
    assert_eq!(
        h.db.devices(h.org).await.unwrap().len(),
        2,
        "the reuse created no device"
    );
});

both_backends!(an_expired_code_is_refused, |h| async {
    let code = admin::create_enrol_code(&h.db, h.org, Duration::from_millis(1))
        .await
        .unwrap()
        .code;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let (status, body) = h.post("/v1/enroll", None, enroll_body(&code)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::GONE, Some("enroll.code_expired")),
        "{body}"
    );
    let (status, body) = h
        .post("/v1/enroll", None, enroll_body("AAAA-BBBB-CCCC-DDDD"))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("enroll.unknown_code")),
        "{body}"
    );
});

both_backends!(a_device_id_already_enrolled_is_a_clone, |h| async {
    let code = admin::create_enrol_code(&h.db, h.org, Duration::from_secs(900))
        .await
        .unwrap()
        .code;
    let mut body = enroll_body(&code);
    body["device_id"] = json!(h.device);
    let (status, resp) = h.post("/v1/enroll", None, body).await;
    assert_eq!(
        (status, resp["code"].as_str()),
        (StatusCode::CONFLICT, Some("enroll.device_exists")),
        "{resp}"
    );
});

#[tokio::test]
async fn enrolment_attempts_are_rate_limited_per_address_and_globally() {
    let config = HubConfig {
        enroll_per_ip_per_minute: 3,
        enroll_global_per_minute: 5,
        ..HubConfig::default()
    };
    let h = TestHub::new(Backend::Sqlite, config).await.unwrap();
    let attempt = |ip: &str| {
        let addr: SocketAddr = format!("{ip}:5000").parse().unwrap();
        let mut req = Request::post("/v1/enroll")
            .header("content-type", "application/json")
            .body(Body::from(enroll_body("WRONG-CODE").to_string()))
            .unwrap();
        req.extensions_mut().insert(ConnectInfo(addr));
        h.request(req)
    };
    // The helper's own enrolment (no address) used one global attempt.
    for _ in 0..3 {
        assert_eq!(
            attempt("192.0.2.1").await.0,
            StatusCode::UNAUTHORIZED,
            "wrong codes are just wrong, at first"
        );
    }
    let (status, body) = attempt("192.0.2.1").await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the 4th try from one address waits"
    );
    assert!(String::from_utf8_lossy(&body).contains("enroll.rate_limited"));
    assert_eq!(
        attempt("192.0.2.2").await.0,
        StatusCode::UNAUTHORIZED,
        "another address is not punished"
    );
    assert_eq!(
        attempt("192.0.2.3").await.0,
        StatusCode::TOO_MANY_REQUESTS,
        "but the global cap (5/min) holds"
    );
    h.finish().await;
}

both_backends!(
    the_same_device_retrying_a_code_whose_answer_was_lost_is_enrolled_again,
    |h| async {
        let code = admin::create_enrol_code(&h.db, h.org, Duration::from_secs(900))
            .await
            .unwrap()
            .code;
        let device = uuid::Uuid::now_v7();
        let body = |name: &str, device: uuid::Uuid| json!({"protocol": PROTOCOL_VERSION, "code": code, "device_name": name, "device_id": device});
        // The hub commits, the answer is lost on the way.
        let (status, first) = h.post("/v1/enroll", None, body("Portable 2", device)).await;
        assert_eq!(status, StatusCode::OK, "{first}");
        let lost = first["token"].as_str().unwrap().to_string();

        // The laptop retries with the same code and its same device id.
        let (status, again) = h
            .post("/v1/enroll", None, body("Portable 2 bis", device))
            .await;
        assert_eq!(status, StatusCode::OK, "a retry is not a reuse: {again}");
        assert_eq!(again["org_id"], first["org_id"]);
        assert_eq!(again["org_key"], first["org_key"]);
        let token = again["token"].as_str().unwrap().to_string();
        assert_ne!(token, lost, "a fresh token");
        let devices = h.db.devices(h.org).await.unwrap();
        assert_eq!(devices.len(), 2, "still one device for the laptop");
        assert!(devices
            .iter()
            .any(|d| d.id == device && d.name == "Portable 2 bis"));
        let pull = json!({"protocol": PROTOCOL_VERSION, "vector": {}, "limit": 1});
        let (status, pulled) = h.post("/v1/pull", Some(&token), pull.clone()).await;
        assert_eq!(status, StatusCode::OK, "the new token works: {pulled}");
        let (_, unknown) = h.post("/v1/pull", Some(&lost), pull).await;
        assert_eq!(
            unknown["code"], "auth.invalid_token",
            "the lost token no longer works: {unknown}"
        );

        // Another laptop with the used code: refused, as before.
        let (status, other) = h
            .post("/v1/enroll", None, body("Portable 3", uuid::Uuid::now_v7()))
            .await;
        assert_eq!(
            (status, other["code"].as_str()),
            (StatusCode::GONE, Some("enroll.code_used"))
        );

        // A revoked laptop cannot come back with its old code.
        admin::revoke(&h.db, device).await.unwrap();
        let (status, revoked) = h.post("/v1/enroll", None, body("Portable 2", device)).await;
        assert_eq!(
            (status, revoked["code"].as_str()),
            (StatusCode::GONE, Some("enroll.code_used"))
        );
    }
);
