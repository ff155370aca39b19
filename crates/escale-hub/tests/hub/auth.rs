//! Authentication and isolation: no token, a wrong token, a revoked device,
//! another organisation's token → 401/403 and nothing but `{code, message}`.

use crate::both_backends;
use crate::support::ops;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use escale_hub::admin;
use escale_protocol::wire::PROTOCOL_VERSION;
use serde_json::{json, Value};
use uuid::Uuid;

/// An error body is exactly `{code, message}`, naming no op or person.
fn assert_no_data(body: &Value, secrets: &[String], why: &str) {
    let keys: Vec<&String> = body
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    assert_eq!(
        keys,
        vec!["code", "message"],
        "{why}: only a code and a message: {body}"
    );
    let text = body.to_string();
    for s in secrets {
        assert!(
            !text.contains(s.as_str()),
            "{why}: the body leaks {s}: {text}"
        );
    }
}

both_backends!(callers_without_a_valid_token_get_nothing, |h| async {
    let visitor = Uuid::now_v7();
    let op = ops::visitor(h.device, 1, visitor, "Éloïse");
    let (status, _) = h.push(std::slice::from_ref(&op)).await;
    assert_eq!(status, StatusCode::OK);
    let secrets = vec![visitor.to_string(), op.id.to_string(), "Éloïse".to_string()];
    let pull = json!({"protocol": PROTOCOL_VERSION, "vector": {}, "limit": 100});

    let (status, body) = h.post("/v1/pull", None, pull.clone()).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("auth.missing_token"))
    );
    assert_no_data(&body, &secrets, "no token");

    let (wrong, _) = escale_hub::secrets::new_token();
    let (status, body) = h.post("/v1/pull", Some(&wrong), pull.clone()).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("auth.invalid_token"))
    );
    assert_no_data(&body, &secrets, "a wrong token");

    let (status, body) = h
        .post("/v1/pull", Some("not-even-base64!"), pull.clone())
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_no_data(&body, &secrets, "a malformed token");

    let (status, body) = h.get("/v1/snapshot", None).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the snapshot is behind the token too: {body}"
    );

    // A revoked device.
    let (dev2, tok2) = h.enroll(h.org, "Portable volé").await;
    admin::revoke(&h.db, dev2).await.unwrap();
    let (status, body) = h.post("/v1/pull", Some(&tok2), pull.clone()).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("auth.revoked"))
    );
    assert_no_data(&body, &secrets, "a revoked device");
    let (status, _) = h.push_as(dev2, &tok2, &ops::many(dev2, 1, 1)).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a revoked device cannot push either"
    );

    // Another organisation's device.
    let other = admin::create_org(&h.db, "Autre association").await.unwrap();
    let (dev3, tok3) = h.enroll(other.id, "Portable d'ailleurs").await;
    let req = Request::post("/v1/pull")
        .header("authorization", format!("Bearer {tok3}"))
        .header("escale-org", h.org.to_string())
        .body(Body::from(pull.to_string()))
        .unwrap();
    let (status, bytes) = h.request(req).await;
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("auth.wrong_org"))
    );
    assert_no_data(
        &body,
        &secrets,
        "another organisation's token naming this one",
    );
    let (status, body) = h.post("/v1/pull", Some(&tok3), pull.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["ops"],
        json!([]),
        "another organisation sees none of this one's ops: {body}"
    );
    assert_eq!(body["vector"], json!({}), "nor its vector");
    for s in &secrets {
        assert!(
            !body.to_string().contains(s.as_str()),
            "isolation leaks {s}"
        );
    }
    let (_, snap) = h.get("/v1/snapshot", Some(&tok3)).await;
    assert_eq!(snap["ops"], json!([]), "nor its snapshot: {snap}");

    // A token pushing in another device's name.
    let (status, body) = h.push_as(h.device, &tok3, &ops::many(h.device, 2, 1)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("auth.device_mismatch"))
    );
    let _ = dev3;
    assert_eq!(
        h.op_count().await,
        1,
        "none of the refused calls wrote anything"
    );
});
