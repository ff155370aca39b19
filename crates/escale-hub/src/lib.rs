//! Escale's organisation hub: the central store the laptops sync with.
//!
//! - [`app`] builds the axum [`Router`] over a [`HubState`] (tested with
//!   `oneshot`, no socket); [`serve`] runs it on a socket, with TLS or not;
//! - [`db`]: PostgreSQL (main) and SQLite (one file) backends, same tables,
//!   every query scoped by organisation;
//! - [`push`]: decoding, quarantine, clone detection and the erasure purge,
//!   in one transaction per push;
//! - [`auth`], [`secrets`]: device tokens and enrolment codes (hashed,
//!   constant-time compared), the enrolment rate limit ([`ratelimit`]);
//! - [`admin`]: what `escale hub org create|enroll|devices|revoke` do;
//! - [`error`]: the one error type, `{code, message}` on the wire.
//!
//! The hub depends on the core only for the protocol's wire types, the op
//! decoder and the erasure closure, so that it classifies ops exactly as the
//! laptops do. It never materialises visitors: it keeps the log.

pub mod admin;
pub mod auth;
pub mod db;
pub mod error;
pub mod metrics;
pub mod push;
pub mod ratelimit;
pub mod routes;
pub mod secrets;
pub mod serve;
pub mod state;
pub mod upkeep;

pub use db::Db;
pub use error::{HubError, Result};
pub use serve::{serve, Tls};
pub use state::{HubConfig, HubState};

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

/// Every route the hub answers, as (method, path). The OpenAPI document
/// must describe each one (checked by a test).
pub const ROUTES: &[(&str, &str)] = &[
    ("post", "/v1/enroll"),
    ("post", "/v1/push"),
    ("post", "/v1/pull"),
    ("get", "/v1/time"),
    ("get", "/v1/snapshot"),
    ("get", "/healthz"),
    ("get", "/metrics"),
    ("get", "/openapi.json"),
    ("get", "/v"),
    ("get", "/v/keys"),
    ("get", "/v/nacl.js"),
    ("get", "/v/status/{number}"),
];

/// The hub's HTTP API over `state`.
pub fn app(state: HubState) -> Router {
    let limit = state.config().max_body_bytes;
    Router::new()
        .route("/v1/enroll", post(routes::enroll))
        .route("/v1/push", post(routes::push))
        .route("/v1/pull", post(routes::pull))
        .route("/v1/time", get(routes::time))
        .route("/v1/snapshot", get(routes::snapshot))
        .route("/healthz", get(routes::healthz))
        .route("/metrics", get(routes::metrics))
        .route("/openapi.json", get(routes::openapi))
        .route("/v", get(routes::verify_page))
        .route("/v/keys", get(routes::verify_keys))
        .route("/v/nacl.js", get(routes::verify_script))
        .route("/v/status/{number}", get(routes::verify_status))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            count_requests,
        ))
        .fallback(routes::not_found)
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn_with_state(state.clone(), deadline))
        .with_state(state)
}

/// Abandons a request that takes longer than `request_timeout` (a body
/// trickled byte by byte, a stuck query): 503 `hub.timeout`, which laptops
/// retry. Dropping the handler rolls its transaction back; a push that had
/// already committed is answered "already have it" on the retry.
async fn deadline(State(s): State<HubState>, req: Request, next: Next) -> Response {
    let limit = s.config().request_timeout;
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => {
            s.metrics()
                .request("timeout", StatusCode::SERVICE_UNAVAILABLE.as_u16());
            error::HubError::Timeout(limit.as_secs()).into_response()
        }
    }
}

/// Counts every answered request by route template and status.
async fn count_requests(State(s): State<HubState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string());
    let resp = next.run(req).await;
    s.metrics().request(
        route.as_deref().unwrap_or("unmatched"),
        resp.status().as_u16(),
    );
    resp
}
