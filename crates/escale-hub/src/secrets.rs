//! Device tokens and enrolment codes: made from the OS's random source,
//! stored only as SHA-256 hashes, compared in constant time.
//!
//! - a token is 32 random bytes, base64url without padding (43 characters);
//! - an enrolment code is 80 random bits in Crockford base32, shown as
//!   `XXXX-XXXX-XXXX-XXXX` (no I, L, O, U; typed back case- and
//!   dash-insensitively, with O read as 0 and I/L as 1).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A new device token (to hand out once) and the hash to keep.
pub fn new_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash(&token);
    (token, hash)
}

/// Whether `token` looks like one of ours (before any database look-up).
pub fn token_well_formed(token: &str) -> bool {
    token.len() == 43 && URL_SAFE_NO_PAD.decode(token).is_ok_and(|b| b.len() == 32)
}

pub fn hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// Constant-time equality of two hashes.
pub fn same_hash(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// A new enrolment code, formatted for people.
pub fn new_code() -> String {
    let mut bytes = [0u8; 10];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let mut bits: u128 = 0;
    for b in bytes {
        bits = (bits << 8) | u128::from(b);
    }
    let chars: Vec<u8> = (0..16)
        .rev()
        .map(|i| CROCKFORD[((bits >> (i * 5)) & 31) as usize])
        .collect();
    chars
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// The canonical form of a typed code: what gets hashed.
pub fn normalize_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\t' | '\u{a0}'))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}

pub fn code_hash(typed: &str) -> Vec<u8> {
    hash(&normalize_code(typed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_43_url_safe_characters_and_differ() {
        let (a, ha) = new_token();
        let (b, _) = new_token();
        assert_eq!(a.len(), 43);
        assert!(token_well_formed(&a));
        assert_ne!(a, b, "two tokens from the OS's random source never collide");
        assert!(same_hash(&ha, &hash(&a)));
        assert!(!token_well_formed("short"));
    }

    #[test]
    fn a_code_typed_sloppily_hashes_like_the_printed_one() {
        let code = new_code();
        assert_eq!(code.len(), 19, "four groups of four: {code}");
        let sloppy = code
            .to_lowercase()
            .replace('-', " ")
            .replace('0', "o")
            .replace('1', "l");
        assert_eq!(code_hash(&sloppy), code_hash(&code), "{sloppy} vs {code}");
    }
}
