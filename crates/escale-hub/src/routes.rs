//! The HTTP handlers. Each one: check the protocol, authenticate, parse the
//! body strictly, call the database, answer JSON. Parsing happens in two
//! steps so that an app of another protocol version gets 426 (whatever its
//! body looks like) and a malformed body gets 400 with the path of the
//! first wrong field — before anything is written.

use crate::auth::{ClientIp, Device};
use crate::db::Redeemed;
use crate::error::{HubError, Result};
use crate::push;
use crate::secrets;
use crate::state::HubState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use escale_protocol::hlc::now_ms;
use escale_protocol::wire::{
    check_protocol, fitting, PullRequest, PullResponse, PushRequest, PushResponse, ServerTime,
    MAX_BODY_BYTES, MAX_PAGE_OPS,
};
use escale_protocol::wire::{EnrollRequest, EnrollResponse, SnapshotPage, PROTOCOL_HEADER};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::time::Instant;
use uuid::Uuid;

/// The hand-written OpenAPI document (kept next to `Cargo.toml`).
pub const OPENAPI: &str = include_str!("../openapi.json");

/// Checks the `escale-protocol` header when present (or when `required`).
fn protocol_header(headers: &HeaderMap, required: bool) -> Result<()> {
    match headers.get(PROTOCOL_HEADER) {
        None if required => Err(HubError::ProtocolMissing("send the escale-protocol header")),
        None => Ok(()),
        Some(v) => {
            let n: u32 = v.to_str().ok().and_then(|s| s.trim().parse().ok()).ok_or(
                HubError::ProtocolMissing("the escale-protocol header is not a number"),
            )?;
            versioned(n)
        }
    }
}

fn versioned(n: u32) -> Result<()> {
    match check_protocol(n) {
        Ok(()) => Ok(()),
        Err("sync.protocol_too_old") => Err(HubError::ProtocolTooOld(n)),
        Err(_) => Err(HubError::ProtocolTooNew(n)),
    }
}

/// Body → protocol check → the typed request. The protocol is read first
/// (a cheap pass that builds nothing but that field), so an app of another
/// version gets 426 whatever the rest of its body looks like.
fn parse_versioned<T: DeserializeOwned>(
    body: std::result::Result<Bytes, BytesRejection>,
    limit: usize,
) -> Result<T> {
    #[derive(serde::Deserialize)]
    struct Probe {
        #[serde(default)]
        protocol: Option<Value>,
    }
    let bytes = body.map_err(|r| HubError::from_body(r, limit))?;
    let probe: Probe = serde_json::from_slice(&bytes).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => {
            HubError::InvalidRequest(format!("expected a JSON object: {e}"))
        }
        _ => HubError::MalformedJson(e.to_string()),
    })?;
    let protocol = probe
        .protocol
        .ok_or(HubError::ProtocolMissing(
            "the body has no `protocol` field",
        ))?
        .as_u64()
        .ok_or(HubError::ProtocolMissing(
            "`protocol` is not a whole number",
        ))?;
    versioned(u32::try_from(protocol).unwrap_or(u32::MAX))?;
    let mut de = serde_json::Deserializer::from_slice(&bytes);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        HubError::InvalidRequest(format!("{path}: {}", e.inner()))
    })
}

pub async fn enroll(
    State(s): State<HubState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Json<EnrollResponse>> {
    // Counted before anything else, so malformed attempts count too.
    s.limiter().check(ip).map_err(HubError::RateLimited)?;
    protocol_header(&headers, false)?;
    let req: EnrollRequest = parse_versioned(body, s.config().max_body_bytes)?;
    let name = req.device_name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(HubError::InvalidRequest(
            "device_name: 1 to 100 characters".into(),
        ));
    }
    let (token, token_hash) = secrets::new_token();
    let device = crate::db::NewDevice {
        id: req.device_id.unwrap_or_else(Uuid::now_v7),
        name: name.to_string(),
        token_hash,
    };
    match s
        .db()
        .redeem_code(&secrets::code_hash(&req.code), now_ms(), &device)
        .await?
    {
        Redeemed::Enrolled(org) => {
            tracing::info!(device = %device.id, org = %org.id, "device enrolled");
            Ok(Json(EnrollResponse {
                device_id: device.id,
                org_id: org.id,
                org_name: org.name,
                token,
                org_key: org.org_key,
            }))
        }
        Redeemed::Unknown => Err(HubError::CodeUnknown),
        Redeemed::Expired => Err(HubError::CodeExpired),
        Redeemed::Used => Err(HubError::CodeUsed),
        Redeemed::DeviceExists => Err(HubError::DeviceExists),
    }
}

pub async fn push(
    State(s): State<HubState>,
    device: Device,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Json<PushResponse>> {
    protocol_header(&headers, false)?;
    let limit = s.config().max_body_bytes;
    let bytes = body.map_err(|r| HubError::from_body(r, limit))?;
    // One pass that keeps each op's body as the text sent. A request it
    // refuses (or of another protocol) is read again the strict way, in two
    // passes, only to word the refusal exactly as for any other request.
    let req = match serde_json::from_slice::<push::RawPush>(&bytes) {
        Ok(req) => {
            versioned(req.protocol)?;
            req
        }
        Err(e) => {
            let _: PushRequest = parse_versioned(Ok(bytes.clone()), limit)?;
            return Err(HubError::InvalidRequest(e.to_string()));
        }
    };
    if req.device_id != device.id {
        return Err(HubError::DeviceMismatch);
    }
    if req.ops.len() > MAX_PAGE_OPS {
        return Err(HubError::BatchTooLarge(req.ops.len()));
    }
    let started = Instant::now();
    let prepared = push::prepare(req.ops)?;
    let resp = push::store(s.db(), device.org_id, prepared, now_ms()).await?;
    if s.config().crash_after_commit {
        // Test switch: committed, never answered — the test kills us here.
        escale_protocol::failpoint::wait_to_be_killed(crate::state::FAILPOINT_AFTER_COMMIT).await;
    }
    s.metrics().pushed(
        resp.applied + resp.quarantined,
        resp.duplicates,
        resp.quarantined,
        started.elapsed(),
    );
    Ok(Json(resp))
}

pub async fn pull(
    State(s): State<HubState>,
    device: Device,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Json<PullResponse>> {
    protocol_header(&headers, false)?;
    let req: PullRequest = parse_versioned(body, s.config().max_body_bytes)?;
    let limit = if req.limit == 0 {
        MAX_PAGE_OPS
    } else {
        req.limit.min(MAX_PAGE_OPS)
    };
    // At most about this many bytes (the laptop's window on a link that
    // drops), at least one op.
    let budget = req
        .max_bytes
        .unwrap_or(MAX_BODY_BYTES)
        .clamp(1, MAX_BODY_BYTES);
    // No op takes less than its envelope: never fetch more than could fit.
    let limit = limit.min((budget / 200).max(1));
    let org = device.org_id;
    let hub = s.db().vector(org).await?;
    let mut ops = Vec::new();
    let mut more = false;
    for (origin, &upto) in &hub {
        let have = req.vector.get(origin).copied().unwrap_or(0).max(0);
        if upto <= have {
            continue;
        }
        let room = limit - ops.len();
        if room == 0 {
            more = true;
            break;
        }
        let page = s.db().ops_range(org, *origin, have, upto, room).await?;
        let got = page.len() as i64;
        ops.extend(page);
        let keep = fitting(&ops, budget);
        if keep < ops.len() {
            // Cut at the end: each origin's ops stay contiguous.
            ops.truncate(keep);
            more = true;
            break;
        }
        if have + got < upto {
            more = true;
            break;
        }
    }
    Ok(Json(PullResponse {
        ops,
        more,
        vector: hub,
    }))
}

pub async fn time(headers: HeaderMap) -> Result<Json<ServerTime>> {
    protocol_header(&headers, false)?;
    Ok(Json(ServerTime { now_ms: now_ms() }))
}

pub async fn snapshot(
    State(s): State<HubState>,
    device: Device,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Json<SnapshotPage>> {
    protocol_header(&headers, true)?;
    let mut after = (Uuid::nil(), 0_i64);
    let mut limit = MAX_PAGE_OPS;
    let mut budget = MAX_BODY_BYTES;
    for pair in query
        .as_deref()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "after" => after = parse_cursor(v)?,
            "limit" => {
                limit = v
                    .parse::<usize>()
                    .map_err(|_| HubError::InvalidRequest(format!("limit: not a number: {v}")))?
                    .clamp(1, MAX_PAGE_OPS)
            }
            // The laptop's window on a link that drops, like a pull's.
            "max_bytes" => {
                budget = v
                    .parse::<usize>()
                    .map_err(|_| HubError::InvalidRequest(format!("max_bytes: not a number: {v}")))?
                    .clamp(1, MAX_BODY_BYTES)
            }
            _ => {
                return Err(HubError::InvalidRequest(format!(
                    "unknown query parameter {k}"
                )))
            }
        }
    }
    let vector = s.db().vector(device.org_id).await?;
    // No op takes less than its envelope: never fetch more than could fit.
    let fetch = limit.min((budget / 200).max(1));
    let mut ops = s.db().ops_after(device.org_id, after, fetch).await?;
    let full = ops.len() == fetch;
    let keep = escale_protocol::wire::fitting(&ops, budget);
    let cut = keep < ops.len();
    ops.truncate(keep);
    let next = if full || cut {
        ops.last().map(|o| format!("{}:{}", o.origin, o.seq))
    } else {
        None
    };
    Ok(Json(SnapshotPage { ops, next, vector }))
}

fn parse_cursor(v: &str) -> Result<(Uuid, i64)> {
    let bad = || HubError::InvalidRequest(format!("after: expected ORIGIN:SEQ, got {v}"));
    let (o, s) = v
        .split_once(':')
        .or_else(|| v.split_once("%3A"))
        .ok_or_else(bad)?;
    Ok((
        Uuid::parse_str(o).map_err(|_| bad())?,
        s.parse().map_err(|_| bad())?,
    ))
}

pub async fn healthz(State(s): State<HubState>) -> Response {
    match s.db().counts().await {
        Ok(_) => Json(json!({"status": "ok", "backend": s.db().backend()})).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable", "backend": s.db().backend()})),
            )
                .into_response()
        }
    }
}

pub async fn metrics(State(s): State<HubState>) -> Response {
    let counts = s.db().counts().await.unwrap_or_default();
    let text = s.metrics().render(&[
        ("escale_hub_orgs", "Organisations on this hub.", counts.orgs),
        (
            "escale_hub_devices",
            "Enrolled, non-revoked devices.",
            counts.devices,
        ),
    ]);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

pub async fn not_found() -> HubError {
    HubError::NoRoute
}

/// The certificate verification page: static, nothing from another site,
/// never given the payload (it stays in the URL fragment).
pub async fn verify_page() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'",
            ),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        include_str!("../assets/verify.html"),
    )
        .into_response()
}

/// TweetNaCl (public domain, npm `tweetnacl` 1.0.3, vendored unchanged
/// with its licence beside it): the verification page loads it only where
/// the browser's WebCrypto has no Ed25519 — older engines, and every page
/// served over plain `http://` to another machine, where `crypto.subtle`
/// does not exist.
pub async fn verify_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../assets/tweetnacl-1.0.3.min.js"),
    )
        .into_response()
}

/// The certificate keys of every organisation this hub serves.
pub async fn verify_keys(State(s): State<HubState>) -> Result<Json<Value>> {
    let orgs = s.db().orgs().await?;
    let keys: Vec<Value> = orgs
        .iter()
        .filter_map(|o| {
            let bytes: [u8; 32] = hex::decode(o.org_key.trim()).ok()?.try_into().ok()?;
            let public = escale_protocol::certificate::SigningKey::from_sync_key(&bytes).public();
            Some(json!({ "key_id": public.id(), "public_key": public.to_base64(), "org": o.name }))
        })
        .collect();
    Ok(Json(Value::Array(keys)))
}

/// Whether a certificate number is known here, revoked, or issued by a
/// revoked device. Says nothing about the person.
pub async fn verify_status(
    State(s): State<HubState>,
    axum::extract::Path(number): axum::extract::Path<String>,
) -> Result<Json<Value>> {
    let number = escale_protocol::certificate::parse_number(&number)
        .ok_or_else(|| HubError::InvalidRequest("not a certificate number".into()))?;
    let ops = s.db().certificate_ops(&number).await?;
    if ops
        .iter()
        .any(|(_, kind, ..)| kind == "certificate_revoked")
    {
        let body = s.db().revocation_reason(&number).await?.unwrap_or_default();
        let reason = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|v| v.get("reason").and_then(Value::as_str).map(str::to_string))
            .unwrap_or_default();
        let on = ops
            .iter()
            .filter(|(_, kind, ..)| kind == "certificate_revoked")
            .map(|(.., hlc)| escale_protocol::hlc::Hlc(*hlc).ms())
            .max()
            .and_then(chrono::DateTime::from_timestamp_millis)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        return Ok(Json(
            json!({ "number": number, "state": "revoked", "revoked_on": on, "reason": reason }),
        ));
    }
    let mut state = if ops.is_empty() { "unknown" } else { "known" };
    // Issued by a device revoked before it issued it (a lost or stolen laptop).
    for (_, _, origin, hlc) in &ops {
        if let Some(dev) = s.db().device(*origin).await? {
            if dev
                .revoked_ms
                .is_some_and(|r| r <= escale_protocol::hlc::Hlc(*hlc).ms())
            {
                state = "device_revoked";
            }
        }
    }
    Ok(Json(json!({ "number": number, "state": state })))
}
