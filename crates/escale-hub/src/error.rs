//! The hub's one error type: a stable code, an HTTP status and an English
//! message (the laptop translates the codes it knows).
//!
//! Every failure of a request becomes a `{code, message}` JSON body. Only the
//! codes a caller branches on exist; anything unexpected is `internal`, its
//! detail logged on the hub and never sent. Auth failures carry no data.

use axum::extract::rejection::BytesRejection;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use escale_protocol::catalogue::{m, Describe, Msg, Problem};
use escale_protocol::i18n::Lang;
use escale_protocol::wire::{WireErrorBody, MAX_PAGE_OPS, PROTOCOL_VERSION};
use uuid::Uuid;

pub type Result<T, E = HubError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error("this request needs a device token: send `Authorization: Bearer <token>` (enrol the device first)")]
    MissingToken,
    #[error("unknown device token: enrol this device again")]
    InvalidToken,
    #[error("this device was revoked by the hub's administrator")]
    Revoked,
    #[error("the request names another device than the token's")]
    DeviceMismatch,
    #[error("the token belongs to another organisation than the one this laptop syncs")]
    WrongOrg,
    #[error("this app speaks sync protocol {0}, older than the hub's {hub}: update the app", hub = escale_protocol::wire::PROTOCOL_VERSION)]
    ProtocolTooOld(u32),
    #[error("this app speaks sync protocol {0}, newer than the hub's {hub}: update the hub", hub = escale_protocol::wire::PROTOCOL_VERSION)]
    ProtocolTooNew(u32),
    #[error("the request does not say which sync protocol it speaks ({0})")]
    ProtocolMissing(&'static str),
    #[error("the body is not valid JSON: {0}")]
    MalformedJson(String),
    #[error("the request does not have the expected shape: {0}")]
    InvalidRequest(String),
    #[error("ops[{index}] cannot be stored: {reason}")]
    BadOp { index: usize, reason: String },
    #[error("the request body is larger than {0} bytes: send smaller batches")]
    PayloadTooLarge(usize),
    #[error("{0} operations in one push; the limit is {max}: send smaller batches", max = escale_protocol::wire::MAX_PAGE_OPS)]
    BatchTooLarge(usize),
    #[error("device {origin} sent a different operation numbered {seq} than the one the hub holds: this laptop was probably cloned; enrol it again as a new device")]
    CloneDetected { origin: Uuid, seq: i64 },
    #[error("unknown enrolment code: check it, or ask the administrator for a new one")]
    CodeUnknown,
    #[error("this enrolment code has expired: ask the administrator for a new one")]
    CodeExpired,
    #[error("this enrolment code was already used: ask the administrator for a new one")]
    CodeUsed,
    #[error(
        "a device with this id is already enrolled (a cloned laptop?): enrol it as a new device"
    )]
    DeviceExists,
    #[error("too many enrolment attempts: wait {0} seconds and try again")]
    RateLimited(u64),
    #[error("unknown organisation {0}")]
    OrgNotFound(String),
    #[error("unknown device {0}")]
    DeviceNotFound(String),
    #[error("no such endpoint: see /openapi.json")]
    NoRoute,
    #[error("invalid value for {field}: {value}")]
    BadInput { field: &'static str, value: String },
    #[error("the request took longer than {0} seconds and was abandoned (nothing of it was half-saved): try again")]
    Timeout(u64),
    #[error("the hub's database cannot be used: {0}")]
    Database(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl HubError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        self.describe().code().as_str()
    }

    pub fn status(&self) -> StatusCode {
        use HubError::*;
        match self {
            MissingToken | InvalidToken | CodeUnknown => StatusCode::UNAUTHORIZED,
            Revoked | DeviceMismatch | WrongOrg => StatusCode::FORBIDDEN,
            ProtocolTooOld(_) | ProtocolTooNew(_) => StatusCode::UPGRADE_REQUIRED,
            ProtocolMissing(_)
            | MalformedJson(_)
            | InvalidRequest(_)
            | BadOp { .. }
            | BadInput { .. } => StatusCode::BAD_REQUEST,
            PayloadTooLarge(_) | BatchTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            CloneDetected { .. } | DeviceExists => StatusCode::CONFLICT,
            CodeExpired | CodeUsed => StatusCode::GONE,
            RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            OrgNotFound(_) | DeviceNotFound(_) | NoRoute => StatusCode::NOT_FOUND,
            Timeout(_) => StatusCode::SERVICE_UNAVAILABLE,
            Database(_) | Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the caller reads (English). Internal details stay in the
    /// hub's log.
    pub fn public_message(&self) -> String {
        self.describe().message(Lang::En)
    }

    /// Maps axum's body rejection: too big → 413, anything else → 400.
    pub fn from_body(r: BytesRejection, limit: usize) -> HubError {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            HubError::PayloadTooLarge(limit)
        } else {
            HubError::MalformedJson(format!("the body could not be read ({})", r.body_text()))
        }
    }
}

impl From<sqlx::Error> for HubError {
    fn from(e: sqlx::Error) -> Self {
        HubError::Internal(format!("database: {e}"))
    }
}

impl From<sqlx::migrate::MigrateError> for HubError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        HubError::Database(format!("migrations: {e}"))
    }
}

impl IntoResponse for HubError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(code = self.code(), detail = %self, "request failed");
        }
        let body = WireErrorBody::of(&self.describe());
        let mut resp = (status, Json(body)).into_response();
        if let HubError::RateLimited(secs) = self {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        resp
    }
}

impl Describe for HubError {
    /// The error as a message of the catalogue. Auth failures carry no
    /// value; internal ones never their detail.
    fn describe(&self) -> Problem {
        use HubError::*;
        let p = |msg: &'static Msg| Problem::new(msg);
        match self {
            MissingToken => p(&m::AUTH_MISSING_TOKEN),
            InvalidToken => p(&m::AUTH_INVALID_TOKEN),
            Revoked => p(&m::AUTH_REVOKED),
            DeviceMismatch => p(&m::AUTH_DEVICE_MISMATCH),
            WrongOrg => p(&m::AUTH_WRONG_ORG),
            ProtocolTooOld(theirs) => p(&m::SYNC_PROTOCOL_TOO_OLD)
                .arg("theirs", theirs)
                .arg("ours", PROTOCOL_VERSION),
            ProtocolTooNew(theirs) => p(&m::SYNC_PROTOCOL_TOO_NEW)
                .arg("theirs", theirs)
                .arg("ours", PROTOCOL_VERSION),
            ProtocolMissing(d) => p(&m::SYNC_PROTOCOL_MISSING).arg("detail", d),
            MalformedJson(d) => p(&m::REQUEST_MALFORMED_JSON).arg("detail", d),
            InvalidRequest(d) => p(&m::REQUEST_INVALID).arg("detail", d),
            BadOp { index, reason } => {
                p(&m::SYNC_BAD_OP).arg("detail", format!("ops[{index}]: {reason}"))
            }
            PayloadTooLarge(max) => p(&m::REQUEST_TOO_LARGE).arg("max", max),
            BatchTooLarge(n) => p(&m::SYNC_BATCH_TOO_LARGE)
                .arg("count", n)
                .arg("max", MAX_PAGE_OPS),
            CloneDetected { origin, seq } => p(&m::SYNC_CLONE_DETECTED)
                .arg("origin", origin)
                .arg("seq", seq),
            CodeUnknown => p(&m::ENROLL_UNKNOWN_CODE),
            CodeExpired => p(&m::ENROLL_CODE_EXPIRED),
            CodeUsed => p(&m::ENROLL_CODE_USED),
            DeviceExists => p(&m::ENROLL_DEVICE_EXISTS),
            RateLimited(secs) => p(&m::ENROLL_RATE_LIMITED).arg("seconds", secs),
            OrgNotFound(id) => p(&m::ORG_NOT_FOUND).arg("id", id),
            DeviceNotFound(id) => p(&m::DEVICE_NOT_FOUND).arg("id", id),
            NoRoute => p(&m::REQUEST_NOT_FOUND),
            BadInput { field, value } => {
                p(&m::INPUT_INVALID).arg("field", field).arg("value", value)
            }
            Timeout(secs) => p(&m::HUB_TIMEOUT).arg("seconds", secs),
            Database(_) => p(&m::HUB_DATABASE),
            Internal(_) => p(&m::INTERNAL),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn internal_errors_are_logged_not_leaked() {
        let resp = HubError::Internal("password=hunter2 at db.example".into()).into_response();
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let bytes = axum::body::to_bytes(resp.into_body(), 10_000)
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("hunter2"),
            "a 500 never carries its detail: {text}"
        );
        assert!(text.contains(r#""code":"internal""#), "{text}");
    }

    #[test]
    fn every_error_has_a_dotted_stable_code() {
        let all = [
            HubError::MissingToken,
            HubError::Revoked,
            HubError::ProtocolTooNew(9),
            HubError::CloneDetected {
                origin: Uuid::nil(),
                seq: 1,
            },
            HubError::RateLimited(3),
            HubError::PayloadTooLarge(1),
        ];
        for e in all {
            assert!(
                e.code().contains('.'),
                "codes are `area.reason`: {}",
                e.code()
            );
        }
    }
}
