//! Who is calling: the [`Device`] extractor (a bearer token, hashed and
//! looked up, compared in constant time, refused when revoked or when it
//! belongs to another organisation than the one the laptop names), and the
//! client address for the enrolment rate limit.
//!
//! Every handler that touches an organisation's data takes a `Device` and
//! uses only its `org_id`: nothing a request says can widen that.

use crate::error::HubError;
use crate::secrets::{hash, same_hash, token_well_formed};
use crate::state::HubState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use escale_protocol::wire::ORG_HEADER;
use std::net::{IpAddr, SocketAddr};
use uuid::Uuid;

/// An enrolled, non-revoked device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Device {
    pub id: Uuid,
    pub org_id: Uuid,
}

impl FromRequestParts<HubState> for Device {
    type Rejection = HubError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &HubState,
    ) -> Result<Self, Self::Rejection> {
        let value = parts
            .headers
            .get(AUTHORIZATION)
            .ok_or(HubError::MissingToken)?;
        let value = value.to_str().map_err(|_| HubError::InvalidToken)?;
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .ok_or(HubError::MissingToken)?
            .trim();
        if !token_well_formed(token) {
            return Err(HubError::InvalidToken);
        }
        let h = hash(token);
        let dev = state
            .db()
            .device_by_token(&h)
            .await?
            .ok_or(HubError::InvalidToken)?;
        if !same_hash(&dev.token_hash, &h) {
            return Err(HubError::InvalidToken);
        }
        if dev.revoked_ms.is_some() {
            return Err(HubError::Revoked);
        }
        if let Some(org) = parts.headers.get(ORG_HEADER) {
            let named = org
                .to_str()
                .ok()
                .and_then(|s| Uuid::parse_str(s.trim()).ok());
            if named != Some(dev.org_id) {
                return Err(HubError::WrongOrg);
            }
        }
        // At most once a minute (the row just read says when it was last
        // recorded): most requests cost no write and no second round trip.
        let now = escale_protocol::hlc::now_ms();
        if !matches!(dev.last_seen_ms, Some(l) if l >= now - 60_000) {
            if let Err(e) = state.db().touch(dev.id, now).await {
                tracing::warn!(error = %e, "could not record last_seen");
            }
        }
        Ok(Device {
            id: dev.id,
            org_id: dev.org_id,
        })
    }
}

/// The caller's address when the server knows it (not under `oneshot`).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}
