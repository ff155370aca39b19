//! Attendance certificates: their number, and the signed payload their QR
//! code carries, which anyone can check offline.
//!
//! **Number.** Derived, not allocated: a hash of the organisation, the
//! template, what the certificate covers (an event, or a series over a
//! period) and the person. Two laptops that issue the same certificate
//! offline give it the same number, so there is nothing to reconcile; a
//! reprint gives the same number too. 60 bits, written as twelve Crockford
//! base32 characters in three groups (`7KQ2-M9X4-TPB1`): the short code a
//! person types on the verification page.
//!
//! **Key.** One Ed25519 key per organisation, derived from the
//! organisation's sync key, which every enrolled laptop holds (enrolled at
//! the hub or joined through a stand peer, which hands it over) and the hub
//! holds too. So every laptop of the organisation can sign offline, and the
//! hub can publish the public key on its verification page. What a stolen
//! laptop can do, and how devices are revoked: `docs/certificates.md`.
//!
//! **Payload.** Plain text, URL-safe, inside the QR code's URL fragment:
//!
//! ```text
//! E1.<key id>.<number>.<yyyymmdd>.<minutes>.<NAME>.<name hash>.<signature>
//! ```
//!
//! `NAME` is the holder's name folded to at most 24 characters (`LUKASZ-
//! NGUYEN`), for a person comparing with the paper; the name hash (40 bits of
//! SHA-256 of the exact name) lets a program detect a changed name when it
//! has the whole name (a PDF file's metadata). The signature (86 base64url
//! characters) covers everything before it.

use crate::text::fold;
use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The payload's version tag.
pub const PAYLOAD_VERSION: &str = "E1";
/// Longest folded name a payload carries.
pub const PAYLOAD_NAME_MAX: usize = 24;

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Crockford base32 of the top `chars * 5` bits of `bytes`.
fn base32(bytes: &[u8], chars: usize) -> String {
    let mut out = String::with_capacity(chars);
    let mut acc: u64 = 0;
    let mut bits = 0;
    let mut it = bytes.iter();
    while out.len() < chars {
        if bits < 5 {
            acc = (acc << 8) | u64::from(*it.next().unwrap_or(&0));
            bits += 8;
        }
        let idx = (acc >> (bits - 5)) & 31;
        bits -= 5;
        out.push(CROCKFORD[idx as usize] as char);
    }
    out
}

/// What a certificate covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// One event (its arrival, departure and sessions).
    Event(Uuid),
    /// Every event of a series between two dates (inclusive, `yyyy-mm-dd`).
    Series {
        series: String,
        from: String,
        to: String,
    },
}

/// The certificate's number (`7KQ2-M9X4-TPB1`), the same on every laptop.
pub fn number(org: Uuid, template: &str, scope: &Scope, visitor: Uuid) -> String {
    let mut h = Sha256::new();
    h.update(b"escale certificate number v1\0");
    h.update(org.as_bytes());
    h.update(template.as_bytes());
    h.update([0]);
    match scope {
        Scope::Event(id) => {
            h.update(b"event\0");
            h.update(id.as_bytes());
        }
        Scope::Series { series, from, to } => {
            h.update(b"series\0");
            for part in [series, from, to] {
                h.update(part.as_bytes());
                h.update([0]);
            }
        }
    }
    h.update(visitor.as_bytes());
    let s = base32(&h.finalize(), 12);
    format!("{}-{}-{}", &s[0..4], &s[4..8], &s[8..12])
}

/// A typed number as the canonical one: upper case, dashes put back,
/// Crockford's look-alikes read as digits (O→0, I/L→1). `None` when it
/// cannot be a number.
pub fn parse_number(text: &str) -> Option<String> {
    let mut s = String::new();
    for c in text.chars() {
        let c = match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            '-' | ' ' => continue,
            c => c,
        };
        if !CROCKFORD.contains(&(c as u8)) || !c.is_ascii() {
            return None;
        }
        s.push(c);
    }
    (s.len() == 12).then(|| format!("{}-{}-{}", &s[0..4], &s[4..8], &s[8..12]))
}

/// The id of the certificate record with this number.
pub fn record_id(number: &str) -> Uuid {
    Uuid::new_v5(
        &Uuid::NAMESPACE_OID,
        format!("escale:certificate:{number}").as_bytes(),
    )
}

/// The organisation's certificate key, derived from its sync key.
pub struct SigningKey {
    pair: Ed25519KeyPair,
}

impl SigningKey {
    pub fn from_sync_key(sync_key: &[u8; 32]) -> SigningKey {
        let mut h = Sha256::new();
        h.update(b"escale certificate signing key v1\0");
        h.update(sync_key);
        let seed = h.finalize();
        // A 32-byte seed is always a valid Ed25519 private key.
        let pair = Ed25519KeyPair::from_seed_unchecked(&seed).expect("32-byte seed");
        SigningKey { pair }
    }

    pub fn public(&self) -> PublicKey {
        let mut b = [0u8; 32];
        b.copy_from_slice(self.pair.public_key().as_ref());
        PublicKey(b)
    }

    fn sign(&self, msg: &[u8]) -> Vec<u8> {
        self.pair.sign(msg).as_ref().to_vec()
    }
}

/// An organisation's public certificate key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(pub [u8; 32]);

impl PublicKey {
    /// Six characters naming the key in payloads.
    pub fn id(&self) -> String {
        base32(&Sha256::digest(self.0), 6)
    }
    pub fn to_base64(&self) -> String {
        b64url_encode(&self.0)
    }
    pub fn from_base64(s: &str) -> Option<PublicKey> {
        let b = b64url_decode(s)?;
        Some(PublicKey(b.try_into().ok()?))
    }
}

/// What a certificate's QR code attests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub number: String,
    /// The (last) date attended, `yyyymmdd`.
    pub date: String,
    /// Minutes attended in all.
    pub minutes: u32,
    /// The holder's name, folded (what the payload shows).
    pub name: String,
    /// 40 bits of SHA-256 of the exact name, base32.
    pub name_hash: String,
}

impl Claim {
    /// The claim for a certificate: the name folded and hashed.
    pub fn new(number: &str, date: chrono::NaiveDate, minutes: u32, full_name: &str) -> Claim {
        Claim {
            number: number.to_string(),
            date: date.format("%Y%m%d").to_string(),
            minutes,
            name: payload_name(full_name),
            name_hash: name_hash(full_name),
        }
    }

    pub fn date(&self) -> Option<chrono::NaiveDate> {
        chrono::NaiveDate::parse_from_str(&self.date, "%Y%m%d").ok()
    }
}

/// A name as a payload carries it: folded, upper case, words joined by
/// hyphens, cut at [`PAYLOAD_NAME_MAX`] characters.
pub fn payload_name(full_name: &str) -> String {
    let folded: String = fold(full_name)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                ' '
            }
        })
        .collect();
    let joined: Vec<&str> = folded.split_whitespace().collect();
    joined.join("-").chars().take(PAYLOAD_NAME_MAX).collect()
}

/// 40 bits of SHA-256 of the name exactly as written (NFC, trimmed).
pub fn name_hash(full_name: &str) -> String {
    base32(&Sha256::digest(crate::text::clean(full_name).as_bytes()), 8)
}

/// Signs a claim: the text the QR code carries after `#`.
pub fn sign(key: &SigningKey, claim: &Claim) -> String {
    let body = format!(
        "{PAYLOAD_VERSION}.{}.{}.{}.{}.{}.{}",
        key.public().id(),
        claim.number.replace('-', ""),
        claim.date,
        claim.minutes,
        claim.name,
        claim.name_hash
    );
    let sig = key.sign(&signed_bytes(&body));
    format!("{body}.{}", b64url_encode(&sig))
}

fn signed_bytes(body: &str) -> Vec<u8> {
    format!("escale-certificate:{body}").into_bytes()
}

/// Why a payload does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// Not a certificate payload at all (or cut).
    Malformed,
    /// Signed with a key that is not the organisation's.
    UnknownKey { key_id: String },
    /// The signature does not match: something was changed.
    Tampered,
}

/// A payload read back: the key id and the claim, not yet verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    pub key_id: String,
    pub claim: Claim,
    body: String,
    signature: Vec<u8>,
}

impl Payload {
    /// Reads a payload from what a scanner or a person gives: the payload,
    /// or the whole URL with the payload after `#` (or `?c=`).
    pub fn parse(text: &str) -> Result<Payload, Rejection> {
        let text = text.trim();
        let text = text
            .rsplit_once('#')
            .map(|(_, p)| p)
            .or_else(|| text.rsplit_once("c=").map(|(_, p)| p))
            .unwrap_or(text);
        let (body, sig) = text.rsplit_once('.').ok_or(Rejection::Malformed)?;
        let parts: Vec<&str> = body.split('.').collect();
        let [version, key_id, number, date, minutes, name, name_hash] = parts[..] else {
            return Err(Rejection::Malformed);
        };
        if version != PAYLOAD_VERSION {
            return Err(Rejection::Malformed);
        }
        let number = parse_number(number).ok_or(Rejection::Malformed)?;
        let minutes: u32 = minutes.parse().map_err(|_| Rejection::Malformed)?;
        let signature = b64url_decode(sig).ok_or(Rejection::Malformed)?;
        if signature.len() != 64 || date.len() != 8 || name.len() > PAYLOAD_NAME_MAX * 4 {
            return Err(Rejection::Malformed);
        }
        let claim = Claim {
            number,
            date: date.to_string(),
            minutes,
            name: name.to_string(),
            name_hash: name_hash.to_string(),
        };
        if claim.date().is_none() {
            return Err(Rejection::Malformed);
        }
        Ok(Payload {
            key_id: key_id.to_string(),
            claim,
            body: body.to_string(),
            signature,
        })
    }

    /// Checks the signature against the organisation's key.
    pub fn verify(&self, key: &PublicKey) -> Result<&Claim, Rejection> {
        if self.key_id != key.id() {
            return Err(Rejection::UnknownKey {
                key_id: self.key_id.clone(),
            });
        }
        UnparsedPublicKey::new(&ED25519, &key.0)
            .verify(&signed_bytes(&self.body), &self.signature)
            .map_err(|_| Rejection::Tampered)?;
        Ok(&self.claim)
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding.
pub fn b64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 2);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// base64url without padding; `None` on any other character.
pub fn b64url_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.bytes() {
        let v = B64.iter().position(|b| *b == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> SigningKey {
        SigningKey::from_sync_key(&[n; 32])
    }

    fn claim() -> Claim {
        Claim::new(
            "7KQ2-M9X4-TPB1",
            chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            155,
            "Łukasz Nguyễn-Öztürk",
        )
    }

    #[test]
    fn numbers_are_the_same_everywhere_and_differ_by_person_scope_and_template() {
        let (org, ev, v) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let n = number(org, "presence", &Scope::Event(ev), v);
        assert_eq!(n, number(org, "presence", &Scope::Event(ev), v));
        assert_eq!(n.len(), 14);
        assert_eq!(
            parse_number(&n.to_lowercase().replace('-', "")),
            Some(n.clone())
        );
        assert_ne!(
            n,
            number(org, "presence", &Scope::Event(ev), Uuid::from_u128(4))
        );
        assert_ne!(n, number(org, "assiduity", &Scope::Event(ev), v));
        assert_ne!(
            n,
            number(Uuid::from_u128(9), "presence", &Scope::Event(ev), v)
        );
        assert_eq!(parse_number("7KQ2-M9X4-TPB"), None);
        assert_eq!(parse_number("7KQ2-M9X4-TPBU"), None, "U is not Crockford");
        assert_eq!(
            parse_number("7kq2 m9x4 tpbo").as_deref(),
            Some("7KQ2-M9X4-TPB0")
        );
    }

    #[test]
    fn a_signed_payload_verifies_and_any_change_fails() {
        let k = key(7);
        let p = sign(&k, &claim());
        assert!(p.len() <= 180, "{} chars: {p}", p.len());
        let parsed = Payload::parse(&format!("https://hub.example/v#{p}")).unwrap();
        assert_eq!(parsed.verify(&k.public()).unwrap(), &claim());
        assert_eq!(parsed.claim.name, "LUKASZ-NGUYEN-OZTURK");
        // One changed hour, one changed letter: the signature fails.
        let more = p.replace(".155.", ".755.");
        assert_eq!(
            Payload::parse(&more).unwrap().verify(&k.public()),
            Err(Rejection::Tampered)
        );
        let renamed = p.replace("LUKASZ", "LUKASS");
        assert_eq!(
            Payload::parse(&renamed).unwrap().verify(&k.public()),
            Err(Rejection::Tampered)
        );
        // Another organisation's key.
        assert!(matches!(
            Payload::parse(&p).unwrap().verify(&key(8).public()),
            Err(Rejection::UnknownKey { .. })
        ));
        assert_eq!(Payload::parse("E1.x.y").unwrap_err(), Rejection::Malformed);
        assert_eq!(
            Payload::parse(&p[..p.len() - 3]).unwrap_err(),
            Rejection::Malformed
        );
    }

    #[test]
    fn base64url_round_trips() {
        for n in 0..70u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
            assert_eq!(b64url_decode(&b64url_encode(&bytes)).unwrap(), bytes);
        }
        assert_eq!(b64url_encode(&[0u8; 64]).len(), 86);
        assert!(b64url_decode("a+b").is_none());
    }

    #[test]
    fn the_name_hash_tells_a_changed_name_apart() {
        assert_eq!(name_hash("Łukasz  Nguyễn"), name_hash("Łukasz Nguyễn"));
        assert_ne!(name_hash("Łukasz Nguyễn"), name_hash("Lukasz Nguyễn"));
        assert_eq!(payload_name(&"é".repeat(200)).len(), PAYLOAD_NAME_MAX);
    }
}
