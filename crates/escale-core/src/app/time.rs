//! Times: stored in UTC, entered and shown in the event's timezone.

use crate::error::{Error, Result};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

pub const DEFAULT_TZ: &str = "Europe/Paris";

pub fn parse_tz(s: Option<&str>) -> Result<Tz> {
    let name = s
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(DEFAULT_TZ);
    name.parse::<Tz>().map_err(|_| Error::Invalid {
        field: "timezone",
        value: name.to_string(),
    })
}

/// Accepts RFC 3339 (`2026-12-03T09:00:00+01:00`), or a local
/// `2026-12-03 09:00` / `2026-12-03T09:00` / `2026-12-03` in `tz`. Returns UTC.
pub fn parse_datetime(field: &'static str, s: &str, tz: Tz) -> Result<DateTime<Utc>> {
    let s = s.trim();
    let bad = || Error::Invalid {
        field,
        value: s.to_string(),
    };
    if s.len() > 40 {
        return Err(bad());
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Ok(d.with_timezone(&Utc));
    }
    let naive = [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%d/%m/%Y %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    .or_else(|| {
        ["%Y-%m-%d", "%d/%m/%Y"]
            .iter()
            .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
            .and_then(|d| d.and_hms_opt(0, 0, 0))
    })
    .ok_or_else(bad)?;
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|d| d.with_timezone(&Utc))
        .ok_or_else(bad)
}

/// `2026-12-03T08:00:00Z` for storage.
pub fn to_storage(d: DateTime<Utc>) -> String {
    d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Unix ms → local wall time text in `tz`, e.g. `2026-12-03 10:42`.
pub fn format_local(ms: i64, tz: Tz) -> String {
    Utc.timestamp_millis_opt(ms)
        .single()
        .map(|d| d.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// Stored UTC text → local wall time text.
pub fn stored_to_local(s: &str, tz: Tz) -> String {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_are_read_in_the_event_timezone_and_stored_in_utc() {
        let tz = parse_tz(None).unwrap();
        let d = parse_datetime("starts_at", "2026-12-03 09:00", tz).unwrap();
        assert_eq!(
            to_storage(d),
            "2026-12-03T08:00:00Z",
            "Paris is UTC+1 in December"
        );
        let d = parse_datetime("starts_at", "2026-07-03 09:00", tz).unwrap();
        assert_eq!(to_storage(d), "2026-07-03T07:00:00Z", "and UTC+2 in summer");
        assert_eq!(format_local(d.timestamp_millis(), tz), "2026-07-03 09:00");
        assert!(parse_datetime("starts_at", "demain", tz).is_err());
        assert!(parse_tz(Some("Mars/Olympus")).is_err());
    }
}
