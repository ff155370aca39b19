//! The hub's HTTP API as a client: [`HubClient`] (reqwest with rustls and
//! ring, no OpenSSL), one method per endpoint, every call retried with
//! exponential backoff while the failure is transient
//! ([`Retry`]); [`HubCallError`] says why a call failed. It knows nothing
//! of the laptop's store: what to send and what to do with the answer is
//! the caller's (`super::enroll`, `super::run`).

use escale_protocol::catalogue::{m, Code, Describe, Problem};
use escale_protocol::hlc::now_ms;
use escale_protocol::wire::{
    EnrollRequest, EnrollResponse, PullRequest, PullResponse, PushRequest, PushResponse,
    ServerTime, SnapshotPage, VersionVector, WireErrorBody, WireOp, ORG_HEADER, PROTOCOL_HEADER,
    PROTOCOL_VERSION,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;
use uuid::Uuid;

/// Why a call to the hub failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HubCallError {
    /// No answer (timed out, cut mid-response): retry later. The hub may
    /// have done what was asked.
    #[error("the hub cannot be reached: {0}")]
    Network(String),
    /// No connection could be made (offline, refused, unknown host):
    /// nothing reached the hub. Retry later.
    #[error("the hub cannot be reached: {0}")]
    Unreachable(String),
    /// The hub answered with an error `{code, message, args}`.
    #[error("the hub refused ({status}): {message} [{code}]")]
    Refused {
        status: u16,
        code: String,
        message: String,
        args: BTreeMap<String, String>,
    },
    /// The hub answered something that is not the protocol.
    #[error("the hub's answer is not understood: {0}")]
    BadResponse(String),
}

impl HubCallError {
    /// The code (the catalogue's; a hub's code this version does not know
    /// is `sync.refused`).
    pub fn code(&self) -> &'static str {
        self.describe().code().as_str()
    }

    /// The hub may have done what was asked though its answer never came
    /// (a connection was made, then lost or timed out).
    pub fn answer_maybe_lost(&self) -> bool {
        matches!(self, HubCallError::Network(_))
    }

    /// Nothing reached the hub, or it asked to slow down: the same request
    /// can only be resent.
    pub fn never_handled(&self) -> bool {
        matches!(
            self,
            HubCallError::Unreachable(_) | HubCallError::Refused { status: 429, .. }
        )
    }

    /// Worth retrying: the network, or the hub's own transient failures.
    pub fn is_transient(&self) -> bool {
        match self {
            HubCallError::Network(_) | HubCallError::Unreachable(_) => true,
            HubCallError::Refused { status, .. } => *status >= 500 || *status == 429,
            HubCallError::BadResponse(_) => false,
        }
    }
}

impl Describe for HubCallError {
    /// What a person at the laptop reads: a hub's refusal in their
    /// language, said from the laptop's side where the hub's own words would
    /// not fit (a protocol too old is *this* app's).
    fn describe(&self) -> Problem {
        match self {
            HubCallError::Network(d) | HubCallError::Unreachable(d) => {
                Problem::new(&m::SYNC_OFFLINE).arg("detail", d)
            }
            HubCallError::BadResponse(d) => Problem::new(&m::SYNC_BAD_RESPONSE).arg("detail", d),
            HubCallError::Refused {
                code,
                message,
                args,
                ..
            } => {
                let laptop_side = match Code::parse(code) {
                    Some(Code::SyncCloneDetected) => Some(&m::SYNC_CLONE_DETECTED_HUB),
                    Some(Code::SyncProtocolTooOld) => Some(&m::SYNC_PROTOCOL_TOO_OLD_HUB),
                    Some(Code::SyncProtocolTooNew) => Some(&m::SYNC_PROTOCOL_TOO_NEW_HUB),
                    _ => None,
                };
                match laptop_side {
                    Some(msg) => Problem::new(msg),
                    None => Problem::from_wire(code, args).unwrap_or_else(|| {
                        Problem::new(&m::SYNC_REFUSED)
                            .arg("message", message)
                            .arg("code", code)
                    }),
                }
            }
        }
    }
}

/// How hard to retry a call that failed on the network.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    pub attempts: u32,
    pub first_delay: Duration,
    pub max_delay: Duration,
    /// Resend the same request after a connection lost mid-way or a hub
    /// error (5xx). A sync's exchange says no: it tries again itself, with
    /// a smaller page (`escale_core::sync::node::exchange`). Failures where
    /// nothing reached the hub, and "slow down" (429), are always resent.
    pub resend_lost: bool,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 5,
            first_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            resend_lost: true,
        }
    }
}

/// A hub, as seen from a laptop.
#[derive(Debug, Clone)]
pub struct HubClient {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
    org: Option<Uuid>,
    pub retry: Retry,
}

impl HubClient {
    /// `base` is the hub's URL (`https://hub.example:8787`). `ca_pem`, when
    /// given, is trusted in addition to the system's roots (an office hub
    /// with its own certificate).
    pub fn new(base: &str, ca_pem: Option<&[u8]>) -> Result<HubClient, HubCallError> {
        // One crypto provider for the whole process (ring: no C toolchain
        // surprises on Windows and macOS laptops).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut b = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .user_agent(concat!("escale/", env!("CARGO_PKG_VERSION")));
        if let Some(pem) = ca_pem {
            let cert = reqwest::Certificate::from_pem(pem)
                .map_err(|e| HubCallError::BadResponse(format!("CA certificate: {e}")))?;
            b = b.add_root_certificate(cert);
        }
        let http = b
            .build()
            .map_err(|e| HubCallError::Network(e.to_string()))?;
        Ok(HubClient {
            http,
            base: base.trim_end_matches('/').to_string(),
            token: None,
            org: None,
            retry: Retry::default(),
        })
    }

    /// The same client, authenticated as an enrolled device of `org`.
    pub fn with_token(mut self, token: &str, org: Uuid) -> HubClient {
        self.token = Some(token.to_string());
        self.org = Some(org);
        self
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    pub async fn enroll(
        &self,
        code: &str,
        device_name: &str,
        device_id: Option<Uuid>,
    ) -> Result<EnrollResponse, HubCallError> {
        let body = EnrollRequest {
            protocol: PROTOCOL_VERSION,
            code: code.to_string(),
            device_name: device_name.to_string(),
            device_id,
        };
        // Retried like any call: the hub enrols the same device id
        // presenting the same code again (its answer was lost), and refuses
        // any other.
        self.call(reqwest::Method::POST, "/v1/enroll", Some(&body))
            .await
    }

    pub async fn push(
        &self,
        device_id: Uuid,
        ops: Vec<WireOp>,
    ) -> Result<PushResponse, HubCallError> {
        let body = PushRequest {
            protocol: PROTOCOL_VERSION,
            device_id,
            ops,
        };
        self.call(reqwest::Method::POST, "/v1/push", Some(&body))
            .await
    }

    pub async fn pull(
        &self,
        vector: &VersionVector,
        limit: usize,
        max_bytes: Option<usize>,
    ) -> Result<PullResponse, HubCallError> {
        let body = PullRequest {
            protocol: PROTOCOL_VERSION,
            vector: vector.clone(),
            limit,
            max_bytes,
        };
        self.call(reqwest::Method::POST, "/v1/pull", Some(&body))
            .await
    }

    pub async fn time(&self) -> Result<ServerTime, HubCallError> {
        self.call::<(), _>(reqwest::Method::GET, "/v1/time", None)
            .await
    }

    /// The hub's clock minus ours (ms), from `/v1/time`, our clock read as
    /// the midpoint of the call.
    pub async fn skew_ms(&self) -> Result<i64, HubCallError> {
        let t0 = now_ms();
        let time = self.time().await?;
        Ok(time.now_ms - (t0 + now_ms()) / 2)
    }

    /// A page of every op the hub serves, after the cursor `after`: at most
    /// `limit` ops and about `max_bytes` bytes (at least one op).
    pub async fn snapshot(
        &self,
        after: Option<&str>,
        limit: usize,
        max_bytes: usize,
    ) -> Result<SnapshotPage, HubCallError> {
        let path = match after {
            Some(a) => format!("/v1/snapshot?limit={limit}&max_bytes={max_bytes}&after={a}"),
            None => format!("/v1/snapshot?limit={limit}&max_bytes={max_bytes}"),
        };
        self.call::<(), _>(reqwest::Method::GET, &path, None).await
    }

    /// One call, retried with exponential backoff while the failure is
    /// transient.
    async fn call<B: Serialize, R: for<'de> Deserialize<'de>>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<R, HubCallError> {
        let mut delay = self.retry.first_delay;
        let mut attempt = 1;
        loop {
            match self.call_once(method.clone(), path, body).await {
                Err(e)
                    if e.is_transient()
                        && (self.retry.resend_lost || e.never_handled())
                        && attempt < self.retry.attempts =>
                {
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(self.retry.max_delay);
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn call_once<B: Serialize, R: for<'de> Deserialize<'de>>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<R, HubCallError> {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string());
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if let Some(o) = self.org {
            req = req.header(ORG_HEADER, o.to_string());
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await.map_err(|e| {
            if e.is_connect() {
                HubCallError::Unreachable(describe(&e))
            } else {
                HubCallError::Network(describe(&e))
            }
        })?;
        let status = resp.status();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| HubCallError::Network(describe(&e)))?;
        if status.is_success() {
            serde_json::from_slice(&bytes).map_err(|e| HubCallError::BadResponse(e.to_string()))
        } else {
            let body = serde_json::from_slice::<WireErrorBody>(&bytes).unwrap_or_else(|_| {
                WireErrorBody::of(&Problem::new(&m::SYNC_HTTP_ERROR).arg("status", status.as_u16()))
            });
            Err(HubCallError::Refused {
                status: status.as_u16(),
                code: body.code,
                message: body.message,
                args: body.args,
            })
        }
    }
}

/// reqwest's errors name their cause several levels down; keep them all.
fn describe(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(c) = src {
        s.push_str(": ");
        s.push_str(&c.to_string());
        src = c.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_failures_are_the_network_and_the_hubs_own() {
        assert!(HubCallError::Network("refused".into()).is_transient());
        let refused = |status| HubCallError::Refused {
            status,
            code: "x".into(),
            message: String::new(),
            args: Default::default(),
        };
        assert!(
            refused(503).is_transient(),
            "a hub restarting is worth waiting for"
        );
        assert!(
            !refused(401).is_transient(),
            "a bad token never becomes good by retrying"
        );
        assert!(
            !refused(409).is_transient(),
            "a cloned device is not a network hiccup"
        );
    }
    #[test]
    fn enroll_requests_without_a_device_id_still_parse() {
        let r: EnrollRequest =
            serde_json::from_str(r#"{"protocol":1,"code":"AB","device_name":"x"}"#).unwrap();
        assert_eq!(r.device_id, None);
    }
}
