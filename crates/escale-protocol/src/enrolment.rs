//! The enrolment link, defined once: `escale://enroll?hub=<URL>&code=<CODE>`,
//! what the QR code of a one-time enrolment code carries so that scanning it
//! fills in both the hub's address and the code.
//!
//! [`EnrolmentLink::to_link`] is how the hub writes it (`escale hub enroll
//! --url`); [`EnrolmentLink::parse`] is how the desktop, the CLI and the UI
//! (through the desktop) read it back, tolerant of what a USB scanner types:
//! any case in the scheme and the keys, spaces and a newline around it,
//! `%XX` in either case, non-ASCII text percent-encoded as UTF-8.
//! [`EnrolmentLink::from_fields`] reads the two boxes of an enrolment form,
//! either of which may hold a scanned link. No network, no store: text only.

use serde::{Deserialize, Serialize};

/// What every enrolment link starts with (compared without regard to case).
pub const LINK_PREFIX: &str = "escale://enroll?";

/// A hub's address and a one-time enrolment code.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentLink {
    /// The hub's URL, e.g. `https://hub.example.org:8787`; empty when the
    /// link carries only the code.
    pub hub: String,
    /// The one-time code, e.g. `K7QM-2XZP-4HNB-9TRA`.
    pub code: String,
}

impl EnrolmentLink {
    /// The link's text: `escale://enroll?hub=…&code=…`, each value
    /// percent-encoded (everything but `A-Z a-z 0-9 - . _ ~`); without
    /// `hub=` when the hub is empty.
    pub fn to_link(&self) -> String {
        let code = format!("code={}", percent_encode(&self.code));
        if self.hub.is_empty() {
            format!("{LINK_PREFIX}{code}")
        } else {
            format!("{LINK_PREFIX}hub={}&{code}", percent_encode(&self.hub))
        }
    }

    /// Reads a link as typed by a scanner or pasted; `None` when `text` is
    /// not an enrolment link. Values are trimmed; a missing `code` is empty
    /// (the form then asks for it); unknown keys are ignored.
    pub fn parse(text: &str) -> Option<EnrolmentLink> {
        let text = text.trim();
        let head = text.get(..LINK_PREFIX.len())?;
        if !head.eq_ignore_ascii_case(LINK_PREFIX) {
            return None;
        }
        let mut link = EnrolmentLink {
            hub: String::new(),
            code: String::new(),
        };
        for pair in text[LINK_PREFIX.len()..].split('&') {
            let Some((key, value)) = pair.split_once('=') else {
                continue;
            };
            let key = key.trim();
            if key.eq_ignore_ascii_case("hub") {
                link.hub = percent_decode(value);
            } else if key.eq_ignore_ascii_case("code") {
                link.code = percent_decode(value);
            }
        }
        Some(link)
    }

    /// The hub's URL and the code from the two boxes of an enrolment form:
    /// a link scanned into either box wins (the code box first); a link
    /// without a hub keeps the typed URL; otherwise both, trimmed.
    pub fn from_fields(url: &str, code: &str) -> EnrolmentLink {
        for scanned in [code, url] {
            if let Some(mut link) = EnrolmentLink::parse(scanned) {
                if link.hub.is_empty() {
                    link.hub = url.trim().to_string();
                }
                return link;
            }
        }
        EnrolmentLink {
            hub: url.trim().to_string(),
            code: code.trim().to_string(),
        }
    }
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `%XX` (either case) to its byte, `+` to a space (form encoding), then
/// UTF-8 (a broken sequence becomes U+FFFD rather than failing), trimmed.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |b: Option<&u8>| b.and_then(|b| (*b as char).to_digit(16));
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn link(hub: &str, code: &str) -> EnrolmentLink {
        EnrolmentLink {
            hub: hub.into(),
            code: code.into(),
        }
    }

    #[test]
    fn the_hub_writes_the_link_the_qr_code_carries() {
        assert_eq!(
            link("https://hub.example:8787", "ABCD-EFGH-JKMN-PQRS").to_link(),
            "escale://enroll?hub=https%3A%2F%2Fhub.example%3A8787&code=ABCD-EFGH-JKMN-PQRS"
        );
        assert_eq!(link("", "WXYZ").to_link(), "escale://enroll?code=WXYZ");
    }

    #[test]
    fn a_scanner_typing_the_link_is_understood() {
        let want = link("https://hub.example.org:8787", "ABCD-EFGH-JKMN-PQRS");
        for typed in [
            "escale://enroll?hub=https%3A%2F%2Fhub.example.org%3A8787&code=ABCD-EFGH-JKMN-PQRS",
            "  ESCALE://ENROLL?HUB=https%3a%2f%2fhub.example.org%3a8787&CODE=ABCD-EFGH-JKMN-PQRS\r\n",
            "escale://enroll?code= ABCD-EFGH-JKMN-PQRS &hub=https://hub.example.org:8787&v=2",
        ] {
            assert_eq!(
                EnrolmentLink::parse(typed),
                Some(want.clone()),
                "case, spaces, a newline, raw or encoded URL, extra keys: {typed:?}"
            );
        }
        assert_eq!(
            EnrolmentLink::parse("escale://enroll?hub=https%3A%2F%2Fr%C3%A9seau.example&code=A"),
            Some(link("https://réseau.example", "A")),
            "percent-encoded UTF-8 decodes to the character, not to its bytes"
        );
        assert_eq!(EnrolmentLink::parse("https://hub.example.org"), None);
        assert_eq!(EnrolmentLink::parse("ABCD-EFGH"), None);
        assert_eq!(EnrolmentLink::parse("escale://enrol"), None);
    }

    #[test]
    fn a_scanned_qr_code_fills_in_the_hub_and_the_code() {
        let qr =
            "escale://enroll?hub=https%3A%2F%2Fhub.example.org%3A8787&code=ABCD-EFGH-JKMN-PQRS";
        let want = link("https://hub.example.org:8787", "ABCD-EFGH-JKMN-PQRS");
        assert_eq!(
            EnrolmentLink::from_fields("", qr),
            want,
            "scanned into the code box"
        );
        assert_eq!(
            EnrolmentLink::from_fields(qr, ""),
            want,
            "scanned into the URL box"
        );
        assert_eq!(
            EnrolmentLink::from_fields("http://old.example", &format!("  {qr}\n")),
            want,
            "the QR code wins over a stale URL"
        );
        assert_eq!(
            EnrolmentLink::from_fields(" https://hub.example.org ", " abcd-efgh "),
            link("https://hub.example.org", "abcd-efgh"),
            "typed: trimmed, the hub ignores dashes and case"
        );
        assert_eq!(
            EnrolmentLink::from_fields("https://hub.example.org", "ESCALE://ENROLL?code=WXYZ"),
            link("https://hub.example.org", "WXYZ"),
            "a QR code without the hub keeps the typed URL"
        );
    }

    proptest! {
        #[test]
        fn every_link_reads_back_as_written(hub in "\\PC*", code in "\\PC*", pad in "[ \\t]{0,3}\\r?\\n?") {
            let l = link(hub.trim(), code.trim());
            let text = l.to_link();
            prop_assert!(text.is_ascii(), "a QR code reader types ASCII: {}", text);
            prop_assert_eq!(EnrolmentLink::parse(&text), Some(l.clone()));
            let scanned = format!("{pad}ESCALE://ENROLL?{}{pad}", &text[LINK_PREFIX.len()..]);
            prop_assert_eq!(EnrolmentLink::parse(&scanned), Some(l), "scheme case and padding change nothing");
        }
    }
}
