//! Local administration, run on the hub's machine against its database
//! (there is no admin endpoint to attack): create an organisation, make a
//! one-time enrolment code (and its QR code), list and revoke devices.

use crate::db::{Db, DeviceRow, OrgRow};
use crate::error::{HubError, Result};
use crate::secrets;
use escale_protocol::enrolment::EnrolmentLink;
use escale_protocol::hlc::now_ms;
use qrcode::render::{svg, unicode};
use qrcode::QrCode;
use rand::RngCore;
use serde::Serialize;
use std::time::Duration;
use uuid::Uuid;

/// Default lifetime of an enrolment code.
pub const DEFAULT_CODE_TTL: Duration = Duration::from_secs(15 * 60);

/// Creates an organisation with a fresh 32-byte sync key (hex).
pub async fn create_org(db: &Db, name: &str) -> Result<OrgRow> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(HubError::BadInput {
            field: "NAME",
            value: "1 to 200 characters".into(),
        });
    }
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    db.create_org(name, &hex, now_ms()).await
}

/// A one-time enrolment code, shown once.
#[derive(Debug, Clone, Serialize)]
pub struct EnrolCode {
    pub code: String,
    pub org_id: Uuid,
    pub org_name: String,
    pub expires_ms: i64,
}

pub async fn create_enrol_code(db: &Db, org: Uuid, ttl: Duration) -> Result<EnrolCode> {
    let o = db
        .org(org)
        .await?
        .ok_or_else(|| HubError::OrgNotFound(org.to_string()))?;
    let code = secrets::new_code();
    let now = now_ms();
    let expires_ms = now + i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX / 2);
    db.create_code(org, &secrets::code_hash(&code), now, expires_ms)
        .await?;
    Ok(EnrolCode {
        code,
        org_id: org,
        org_name: o.name,
        expires_ms,
    })
}

pub async fn devices(db: &Db, org: Uuid) -> Result<Vec<DeviceRow>> {
    db.org(org)
        .await?
        .ok_or_else(|| HubError::OrgNotFound(org.to_string()))?;
    db.devices(org).await
}

pub async fn revoke(db: &Db, device: Uuid) -> Result<DeviceRow> {
    if !db.revoke(device, now_ms()).await? {
        return Err(HubError::DeviceNotFound(device.to_string()));
    }
    db.device(device)
        .await?
        .ok_or_else(|| HubError::DeviceNotFound(device.to_string()))
}

/// What the QR code carries: the code alone, or a link with the hub's URL
/// so that scanning it fills in both.
pub fn qr_payload(code: &str, hub_url: Option<&str>) -> String {
    match hub_url {
        Some(u) => EnrolmentLink {
            hub: u.to_string(),
            code: code.to_string(),
        }
        .to_link(),
        None => code.to_string(),
    }
}

/// The QR code as text for a terminal (two modules per character).
pub fn qr_terminal(payload: &str) -> Result<String> {
    let qr =
        QrCode::new(payload.as_bytes()).map_err(|e| HubError::Internal(format!("QR code: {e}")))?;
    Ok(qr
        .render::<unicode::Dense1x2>()
        .dark_color(unicode::Dense1x2::Light)
        .light_color(unicode::Dense1x2::Dark)
        .quiet_zone(true)
        .build())
}

/// The QR code as an SVG document (to print or show on a screen).
pub fn qr_svg(payload: &str) -> Result<String> {
    let qr =
        QrCode::new(payload.as_bytes()).map_err(|e| HubError::Internal(format!("QR code: {e}")))?;
    Ok(qr.render::<svg::Color>().min_dimensions(240, 240).build())
}

/// Parses "15m", "2h", "90s", "1d" or a plain number of minutes.
pub fn parse_ttl(s: &str) -> Result<Duration> {
    let s = s.trim();
    let bad = || HubError::BadInput {
        field: "--ttl",
        value: format!("{s} (e.g. 15m, 2h, 1d)"),
    };
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, "m"),
    };
    let n: u64 = num.parse().map_err(|_| bad())?;
    let secs = match unit {
        "s" => n,
        "m" | "min" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return Err(bad()),
    };
    if secs == 0 || secs > 30 * 86_400 {
        return Err(bad());
    }
    Ok(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttls_read_like_people_write_them() {
        assert_eq!(parse_ttl("15m").unwrap(), Duration::from_secs(900));
        assert_eq!(parse_ttl("2h").unwrap(), Duration::from_secs(7200));
        assert_eq!(
            parse_ttl("30").unwrap(),
            Duration::from_secs(1800),
            "a bare number is minutes"
        );
        assert!(
            parse_ttl("0m").is_err(),
            "a code that is born expired is a mistake"
        );
        assert!(parse_ttl("1y").is_err());
    }

    #[test]
    fn the_qr_code_renders_in_a_terminal_and_as_svg() {
        let p = qr_payload("ABCD-EFGH-JKMN-PQRS", Some("https://hub.example:8787"));
        assert!(
            p.starts_with("escale://enroll?hub=https%3A%2F%2Fhub.example%3A8787&code="),
            "{p}"
        );
        let t = qr_terminal(&p).unwrap();
        assert!(t.lines().count() > 10 && t.contains('▀'), "{t}");
        assert!(qr_svg(&p).unwrap().starts_with("<?xml"));
    }
}
