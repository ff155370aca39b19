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
use escale_protocol::wire::WireErrorBody;
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
        use HubError::*;
        match self {
            MissingToken => "auth.missing_token",
            InvalidToken => "auth.invalid_token",
            Revoked => "auth.revoked",
            DeviceMismatch => "auth.device_mismatch",
            WrongOrg => "auth.wrong_org",
            ProtocolTooOld(_) => "sync.protocol_too_old",
            ProtocolTooNew(_) => "sync.protocol_too_new",
            ProtocolMissing(_) => "sync.protocol_missing",
            MalformedJson(_) => "request.malformed_json",
            InvalidRequest(_) => "request.invalid",
            BadOp { .. } => "sync.bad_op",
            PayloadTooLarge(_) => "request.too_large",
            BatchTooLarge(_) => "sync.batch_too_large",
            CloneDetected { .. } => "sync.clone_detected",
            CodeUnknown => "enroll.unknown_code",
            CodeExpired => "enroll.code_expired",
            CodeUsed => "enroll.code_used",
            DeviceExists => "enroll.device_exists",
            RateLimited(_) => "enroll.rate_limited",
            OrgNotFound(_) => "org.not_found",
            DeviceNotFound(_) => "device.not_found",
            NoRoute => "request.not_found",
            BadInput { .. } => "input.invalid",
            Timeout(_) => "hub.timeout",
            Database(_) => "hub.database",
            Internal(_) => "internal",
        }
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

    /// What the caller reads. Internal details stay in the hub's log.
    pub fn public_message(&self) -> String {
        match self {
            HubError::Internal(_) | HubError::Database(_) => {
                "unexpected error on the hub; nothing was half-saved and the details are in the hub's log".into()
            }
            e => e.to_string(),
        }
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
        let body = WireErrorBody {
            code: self.code().to_string(),
            message: self.public_message(),
        };
        let mut resp = (status, Json(body)).into_response();
        if let HubError::RateLimited(secs) = self {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        resp
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
