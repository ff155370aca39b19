//! How schema 2 stores what the fold works with: ids as 16-byte BLOBs, the
//! per-field stamps of a record as one short BLOB, op bodies compressed.
//!
//! Text only exists at the edges (wire, CLI, UI, the canonical dump); the
//! file holds the compact forms below. Each form is versioned by its first
//! byte so that a later version can add another without rewriting stores.

use crate::error::{Error, Result};
use crate::hlc::{Hlc, Stamp};
use crate::model::Entity;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use uuid::Uuid;

/// A 16-byte id column as a UUID.
pub fn uuid_from_blob(b: &[u8]) -> Result<Uuid> {
    Uuid::from_slice(b).map_err(|_| Error::Corrupt(format!("an id of {} bytes", b.len())))
}

/// A stamp as 24 bytes: the HLC big-endian (so that bytes sort like
/// stamps), then the origin.
pub fn stamp_to_blob(s: &Stamp) -> [u8; 24] {
    let mut out = [0u8; 24];
    out[..8].copy_from_slice(&s.hlc.0.to_be_bytes());
    out[8..].copy_from_slice(s.origin.as_bytes());
    out
}

pub fn stamp_from_blob(b: &[u8]) -> Result<Stamp> {
    if b.len() != 24 {
        return Err(Error::Corrupt(format!("a stamp of {} bytes", b.len())));
    }
    Ok(Stamp {
        hlc: Hlc(i64::from_be_bytes(b[..8].try_into().expect("8 bytes"))),
        origin: uuid_from_blob(&b[8..])?,
    })
}

/// A field's tag in a stamps BLOB: 16 bits of a hash of its name, stable
/// across versions as long as the name is (the registry never renames a
/// field; a test checks that no two fields of a record kind share a tag).
pub fn tag(name: &str) -> u16 {
    // FNV-1a, folded to 16 bits.
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    ((h >> 16) ^ (h & 0xffff)) as u16
}

/// Format byte of a stamps BLOB.
const STAMPS_V1: u8 = 1;

/// The stamps of a record: for each distinct stamp, the fields it set.
/// Layout: `1`, then per group `stamp (24 bytes) · n (1 byte) · n tags
/// (2 bytes each, big-endian)`, groups in stamp order, tags ascending.
/// A record written by one op (most are) costs 28 + 2 × fields bytes,
/// where the JSON of schema 1 cost about 60 per field.
pub fn stamps_to_blob<'a>(fields: impl IntoIterator<Item = (&'a str, Stamp)>) -> Vec<u8> {
    let mut groups: BTreeMap<Stamp, Vec<u16>> = BTreeMap::new();
    for (name, stamp) in fields {
        groups.entry(stamp).or_default().push(tag(name));
    }
    let mut out = Vec::with_capacity(1 + groups.len() * 28);
    out.push(STAMPS_V1);
    for (stamp, mut tags) in groups {
        tags.sort_unstable();
        // More than 255 fields under one stamp cannot happen (a record kind
        // has a few dozen): split the group rather than overflow the count.
        for chunk in tags.chunks(255) {
            out.extend_from_slice(&stamp_to_blob(&stamp));
            out.push(chunk.len() as u8);
            for t in chunk {
                out.extend_from_slice(&t.to_be_bytes());
            }
        }
    }
    out
}

/// The stamp of each field of `entity` in a stamps BLOB. Tags this version
/// does not know (a field a later version dropped) are skipped.
pub fn stamps_from_blob(entity: Entity, b: &[u8]) -> Result<BTreeMap<&'static str, Stamp>> {
    let corrupt = || Error::Corrupt("a record's stamps are damaged".into());
    let names = tag_names(entity);
    let mut out = BTreeMap::new();
    let (&format, mut rest) = b.split_first().ok_or_else(corrupt)?;
    if format != STAMPS_V1 {
        return Err(Error::Corrupt(format!("stamps of format {format}")));
    }
    while !rest.is_empty() {
        if rest.len() < 25 {
            return Err(corrupt());
        }
        let stamp = stamp_from_blob(&rest[..24])?;
        let n = usize::from(rest[24]);
        rest = &rest[25..];
        if rest.len() < 2 * n {
            return Err(corrupt());
        }
        for t in rest[..2 * n].chunks_exact(2) {
            if let Some(name) = names.get(&u16::from_be_bytes([t[0], t[1]])) {
                out.insert(*name, stamp);
            }
        }
        rest = &rest[2 * n..];
    }
    Ok(out)
}

/// Tag → field name, per record kind (built once).
fn tag_names(entity: Entity) -> &'static BTreeMap<u16, &'static str> {
    static MAPS: OnceLock<BTreeMap<Entity, BTreeMap<u16, &'static str>>> = OnceLock::new();
    &MAPS.get_or_init(|| {
        Entity::ALL
            .iter()
            .map(|e| {
                (
                    *e,
                    e.fields().iter().map(|f| (tag(f.name), f.name)).collect(),
                )
            })
            .collect()
    })[&entity]
}

/// Format byte of a stored op body: the JSON text as is.
const BODY_JSON: u8 = 0;
/// Format byte of a stored op body: the JSON text compressed by zstd with
/// dictionary 1 (`op-body-1.dict`).
const BODY_ZSTD_1: u8 = 1;

/// Dictionary 1, trained by `zstd --train` on bodies of every kind the
/// demo and the CLI write (synthetic people; `tools/make_op_dict.sh`). It
/// is frozen: bodies compressed with it must stay readable, so a better
/// dictionary would be dictionary 2 with its own format byte.
static DICT_1: &[u8] = include_bytes!("op-body-1.dict");

/// Bodies shorter than this are stored as they are (compression would not
/// pay for its frame).
const MIN_COMPRESSED: usize = 48;

thread_local! {
    static COMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
        const { std::cell::RefCell::new(None) };
    static DECOMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Decompressor<'static>>> =
        const { std::cell::RefCell::new(None) };
}

fn encoder_dict() -> &'static zstd::dict::EncoderDictionary<'static> {
    static D: OnceLock<zstd::dict::EncoderDictionary<'static>> = OnceLock::new();
    D.get_or_init(|| zstd::dict::EncoderDictionary::copy(DICT_1, 3))
}

fn decoder_dict() -> &'static zstd::dict::DecoderDictionary<'static> {
    static D: OnceLock<zstd::dict::DecoderDictionary<'static>> = OnceLock::new();
    D.get_or_init(|| zstd::dict::DecoderDictionary::copy(DICT_1))
}

/// An op body (its JSON text) as stored in the log.
pub fn encode_body(json: &str) -> Vec<u8> {
    if json.len() >= MIN_COMPRESSED {
        let compressed = COMPRESSOR.with(|c| {
            let mut c = c.borrow_mut();
            if c.is_none() {
                let mut new =
                    zstd::bulk::Compressor::with_prepared_dictionary(encoder_dict()).ok()?;
                new.include_checksum(false).ok()?;
                new.include_dictid(false).ok()?;
                new.include_contentsize(true).ok()?;
                *c = Some(new);
            }
            c.as_mut()?.compress(json.as_bytes()).ok()
        });
        if let Some(z) = compressed.filter(|z| z.len() + 1 < json.len()) {
            let mut out = Vec::with_capacity(z.len() + 1);
            out.push(BODY_ZSTD_1);
            out.extend_from_slice(&z);
            return out;
        }
    }
    let mut out = Vec::with_capacity(json.len() + 1);
    out.push(BODY_JSON);
    out.extend_from_slice(json.as_bytes());
    out
}

/// Longest body a log row may unpack to: ops are small (a set carries a
/// few fields of at most 20,000 characters), this bounds a damaged row.
const MAX_BODY: usize = 4 << 20;

/// The JSON text of a stored op body.
pub fn decode_body(b: &[u8]) -> Result<String> {
    let corrupt = |what: &str| Error::Corrupt(format!("an op body {what}"));
    let (&format, rest) = b.split_first().ok_or_else(|| corrupt("is empty"))?;
    let bytes = match format {
        BODY_JSON => rest.to_vec(),
        BODY_ZSTD_1 => DECOMPRESSOR.with(|d| {
            let mut d = d.borrow_mut();
            if d.is_none() {
                *d = Some(
                    zstd::bulk::Decompressor::with_prepared_dictionary(decoder_dict())
                        .map_err(|_| corrupt("cannot be unpacked"))?,
                );
            }
            let d = d.as_mut().expect("set above");
            let size = match zstd::zstd_safe::get_frame_content_size(rest) {
                Ok(Some(n)) if n <= MAX_BODY as u64 => n as usize,
                _ => return Err(corrupt("has a damaged frame")),
            };
            d.decompress(rest, size)
                .map_err(|_| corrupt("cannot be unpacked"))
        })?,
        f => return Err(corrupt(&format!("has an unknown format ({f})"))),
    };
    String::from_utf8(bytes).map_err(|_| corrupt("is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(ms: i64, o: u128) -> Stamp {
        Stamp {
            hlc: Hlc::new(ms, 0),
            origin: Uuid::from_u128(o),
        }
    }

    #[test]
    fn stamps_round_trip_grouped_by_stamp() {
        let a = stamp(1_000, 1);
        let b = stamp(2_000, 2);
        let blob = stamps_to_blob([
            ("first_name", a),
            ("last_name", a),
            ("email", b),
            ("postcode", a),
        ]);
        assert_eq!(blob.len(), 1 + (24 + 1 + 3 * 2) + (24 + 1 + 2));
        let back = stamps_from_blob(Entity::Visitor, &blob).unwrap();
        assert_eq!(back.len(), 4);
        assert_eq!(back["first_name"], a);
        assert_eq!(back["email"], b);
        assert_eq!(
            stamps_from_blob(Entity::Visitor, &stamps_to_blob([])).unwrap(),
            BTreeMap::new()
        );
    }

    #[test]
    fn damaged_stamps_are_reported_not_misread() {
        let blob = stamps_to_blob([("first_name", stamp(1, 1))]);
        for cut in 0..blob.len() - 1 {
            if cut == 1 {
                continue; // the format byte alone: no group, valid
            }
            assert!(
                stamps_from_blob(Entity::Visitor, &blob[..cut]).is_err(),
                "{cut}"
            );
        }
        let mut wrong = blob.clone();
        wrong[0] = 9;
        assert!(stamps_from_blob(Entity::Visitor, &wrong).is_err());
    }

    #[test]
    fn unknown_tags_are_skipped() {
        let blob = stamps_to_blob([("a_field_of_a_later_version", stamp(1, 1))]);
        assert!(stamps_from_blob(Entity::Visitor, &blob).unwrap().is_empty());
    }

    #[test]
    fn no_two_fields_of_a_record_kind_share_a_tag() {
        for e in Entity::ALL {
            let mut seen = BTreeMap::new();
            for f in e.fields() {
                if let Some(other) = seen.insert(tag(f.name), f.name) {
                    panic!(
                        "{} and {other} of {} share tag {}: rename one",
                        f.name,
                        e.table(),
                        tag(f.name)
                    );
                }
            }
        }
    }

    #[test]
    fn bodies_round_trip_and_shrink() {
        let json = r#"{"kind":"set","entity":"visitor","id":"01a23285-f694-77fc-af32-487d7bc9027b","fields":{"first_name":"Léa","last_name":"Yılmaz","email":"lea.yilmaz0@example.org","phone":"+33699181300","postcode":"50480","birth_year":2003,"situation":"job_seeker","badge_code":"EVK0JWXN","commune":"Boutteville","commune_code":"50070"}}"#;
        let stored = encode_body(json);
        assert_eq!(stored[0], BODY_ZSTD_1);
        assert!(
            stored.len() * 2 < json.len(),
            "{} of {}",
            stored.len(),
            json.len()
        );
        assert_eq!(decode_body(&stored).unwrap(), json);
        let short = r#"{"kind":"erase"}"#;
        assert_eq!(encode_body(short)[0], BODY_JSON);
        assert_eq!(decode_body(&encode_body(short)).unwrap(), short);
    }

    #[test]
    fn damaged_bodies_are_errors() {
        let stored = encode_body(&format!(r#"{{"kind":"x","pad":"{}"}}"#, "é".repeat(100)));
        assert!(decode_body(&stored[..stored.len() / 2]).is_err());
        assert!(decode_body(&[7, 1, 2]).is_err());
        assert!(decode_body(&[]).is_err());
        assert!(decode_body(&[BODY_JSON, 0xff, 0xfe]).is_err());
    }

    #[test]
    fn the_dictionary_is_frozen() {
        use sha2::{Digest, Sha256};
        assert_eq!(
            hex::encode(Sha256::digest(DICT_1)),
            "51e4bac583dd6deb7e2954ea2d2de16c92623e70425eca1c92b74cd4a8a0504d",
            "op-body-1.dict must never change: stored bodies depend on it (add dictionary 2 instead)"
        );
    }
}
