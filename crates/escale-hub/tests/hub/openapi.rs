//! The served OpenAPI document and the router describe the same API.

use crate::support::{Backend, TestHub};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use escale_hub::ROUTES;
use serde_json::Value;

#[tokio::test]
async fn every_route_is_in_the_openapi_document_and_every_documented_path_is_routed() {
    let h = TestHub::new(Backend::Sqlite, Default::default())
        .await
        .unwrap();
    let (status, doc) = h.get("/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for (method, path) in ROUTES {
        assert!(
            paths.get(*path).and_then(|p| p.get(*method)).is_some(),
            "{} {path} is served but missing from openapi.json",
            method.to_uppercase()
        );
        // And the router really has it (anything but 404/405).
        let req = Request::builder()
            .method(method.to_uppercase().as_str())
            .uri(*path)
            .body(Body::empty())
            .unwrap();
        let (status, _) = h.request(req).await;
        assert!(
            status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path} → {status}"
        );
    }
    let mut documented = 0;
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            documented += 1;
            assert!(
                ROUTES.contains(&(method.as_str(), path.as_str())),
                "openapi.json documents {method} {path}, which the router does not serve"
            );
        }
    }
    assert_eq!(documented, ROUTES.len());
    // Every $ref points at something that exists.
    let text = doc.to_string();
    for part in text.split("\"$ref\":\"#/").skip(1) {
        let target = &part[..part.find('"').unwrap()];
        let mut node: &Value = &doc;
        for seg in target.split('/') {
            node = node
                .get(seg)
                .unwrap_or_else(|| panic!("dangling $ref #/{target}"));
        }
    }
    h.finish().await;
}
