//! Pairing: the short code a person reads off one screen and types on the
//! other, and the keys both laptops derive from it.
//!
//! 1. SPAKE2 (Ed25519 group; the joiner is side A, the sharer side B) with
//!    the code as password: a passive eavesdropper learns nothing it could
//!    test codes against offline, and an active attacker gets one guess per
//!    connection — which the sharer counts. Between the laptops of a stand
//!    that already belong to the organisation (`super::live`), the password
//!    is instead derived from the organisation's sync key
//!    ([`Secret::Stand`]): 256 bits nobody can guess, so nothing is counted
//!    or burned, and a laptop of another organisation fails step 3.
//! 2. HKDF-SHA256 over the SPAKE2 key, salted with the transcript hash
//!    (protocol version and both SPAKE2 messages), gives a key per direction
//!    and a confirmation key per side.
//! 3. Explicit key confirmation, joiner first: each side sends
//!    HMAC-SHA256(its confirmation key, transcript). A wrong code fails here,
//!    on both sides, before anything else is said.
//! 4. Then the organisation: both prove they hold the organisation's sync key
//!    ([`org_proof`]), or the sharer hands it to a new device; either way the
//!    channel is keyed again from the SPAKE2 key *and* the sync key
//!    ([`SessionKeys::derive`] with `org_key`), so the data only ever flows
//!    under a key that needs both the code and the organisation's key.

use super::PeerError;
use escale_core::sync::SyncKey;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use spake2::{Ed25519Group, Identity, Password, Spake2};

/// Digits in a pairing code (10⁸ codes; an online attacker gets
/// [`super::ShareOptions::max_failures`] guesses).
pub const CODE_DIGITS: usize = 8;

const ID_JOINER: &[u8] = b"escale-peer/joiner";
const ID_SHARER: &[u8] = b"escale-peer/sharer";
const DOMAIN: &[u8] = b"escale-peer-v1";

type HmacSha256 = Hmac<Sha256>;

/// What both ends of a session must know.
#[derive(Clone)]
pub enum Secret {
    /// A pairing code, read off the sharer's screen.
    Code(PairingCode),
    /// The organisation's sync key: laptops of one stand.
    Stand(SyncKey),
}

impl Secret {
    /// The SPAKE2 password.
    fn password(&self) -> Vec<u8> {
        match self {
            Secret::Code(c) => format!("escale-peer-v1:{}", c.0).into_bytes(),
            Secret::Stand(key) => {
                let mut out = [0u8; 32];
                Hkdf::<Sha256>::new(None, &key.0)
                    .expand(b"escale-stand-v1 password", &mut out)
                    .expect("32 bytes is a valid HKDF-SHA256 length");
                [b"escale-stand-v1:".as_slice(), &out].concat()
            }
        }
    }

    pub fn is_stand(&self) -> bool {
        matches!(self, Secret::Stand(_))
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.is_stand() {
            "Secret::Stand(…)"
        } else {
            "Secret::Code(…)"
        })
    }
}

/// What a stand laptop advertises so that the organisation's other laptops
/// recognise it (and nobody else can tell which organisation it is): 16
/// hex digits of an HMAC of the sync key.
pub fn stand_tag(key: &SyncKey) -> String {
    hex::encode(&mac(&key.0, &[b"escale-stand-v1 tag"])[..8])
}

/// A pairing code: eight random digits, shown as `4827-1953`. Never in
/// logs (its `Debug` hides it).
#[derive(Clone, PartialEq, Eq)]
pub struct PairingCode(String);

impl PairingCode {
    /// A fresh, uniformly random code (OS randomness).
    pub fn random() -> PairingCode {
        use rand::Rng;
        let n: u32 = rand::rngs::OsRng.gen_range(0..100_000_000);
        PairingCode(format!("{n:08}"))
    }

    /// Reads a typed code: spaces and dashes do not matter; anything but
    /// eight digits is `peer.bad_code`.
    pub fn parse(s: &str) -> Result<PairingCode, PeerError> {
        let digits: String = s
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if digits.len() == CODE_DIGITS && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(PairingCode(digits))
        } else {
            Err(PeerError::BadCode)
        }
    }

    /// As shown to people: `4827-1953`.
    pub fn display(&self) -> String {
        format!("{}-{}", &self.0[..4], &self.0[4..])
    }
}

impl std::fmt::Debug for PairingCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PairingCode(…)")
    }
}

/// Which end of the pairing we are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Joiner,
    Sharer,
}

/// A started SPAKE2 exchange: our message goes to the peer, theirs finishes it.
pub struct Pake {
    state: Spake2<Ed25519Group>,
    role: Role,
    /// Our SPAKE2 message.
    pub message: Vec<u8>,
}

impl Pake {
    pub fn start(secret: &Secret, role: Role) -> Pake {
        let password = Password::new(secret.password());
        let (a, b) = (Identity::new(ID_JOINER), Identity::new(ID_SHARER));
        let (state, message) = match role {
            Role::Joiner => Spake2::<Ed25519Group>::start_a(&password, &a, &b),
            Role::Sharer => Spake2::<Ed25519Group>::start_b(&password, &a, &b),
        };
        Pake {
            state,
            role,
            message,
        }
    }

    /// Finishes with the peer's message: the shared secret and the
    /// transcript hash. A wrong code does not fail here (SPAKE2 cannot
    /// tell); it fails at confirmation.
    pub fn finish(self, theirs: &[u8], protocol: u32) -> Result<(Vec<u8>, [u8; 32]), PeerError> {
        let (joiner_msg, sharer_msg) = match self.role {
            Role::Joiner => (self.message.as_slice(), theirs),
            Role::Sharer => (theirs, self.message.as_slice()),
        };
        let t = transcript(protocol, joiner_msg, sharer_msg);
        let key = self
            .state
            .finish(theirs)
            .map_err(|e| PeerError::Protocol(format!("pairing message: {e:?}")))?;
        Ok((key, t))
    }
}

/// SHA-256 of the protocol version and both SPAKE2 messages,
/// length-prefixed: binds every derived key to this very exchange.
pub fn transcript(protocol: u32, joiner_msg: &[u8], sharer_msg: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(DOMAIN);
    h.update(protocol.to_be_bytes());
    for m in [joiner_msg, sharer_msg] {
        h.update((m.len() as u32).to_be_bytes());
        h.update(m);
    }
    h.finalize().into()
}

/// The keys of one session.
pub struct SessionKeys {
    /// Frames from the joiner to the sharer.
    pub joiner_to_sharer: [u8; 32],
    /// Frames from the sharer to the joiner.
    pub sharer_to_joiner: [u8; 32],
    confirm_joiner: [u8; 32],
    confirm_sharer: [u8; 32],
    transcript: [u8; 32],
}

impl SessionKeys {
    /// HKDF-SHA256(salt = transcript, ikm = SPAKE2 key ‖ org key?).
    pub fn derive(pake_key: &[u8], transcript: [u8; 32], org_key: Option<&SyncKey>) -> SessionKeys {
        let mut ikm = pake_key.to_vec();
        let stage: &[u8] = match org_key {
            Some(k) => {
                ikm.extend_from_slice(&k.0);
                b"org"
            }
            None => b"code",
        };
        let hk = Hkdf::<Sha256>::new(Some(&transcript), &ikm);
        let expand = |label: &[u8]| {
            let mut out = [0u8; 32];
            let info = [DOMAIN, b" ", stage, b" ", label].concat();
            hk.expand(&info, &mut out)
                .expect("32 bytes is a valid HKDF-SHA256 length");
            out
        };
        SessionKeys {
            joiner_to_sharer: expand(b"joiner->sharer"),
            sharer_to_joiner: expand(b"sharer->joiner"),
            confirm_joiner: expand(b"confirm joiner"),
            confirm_sharer: expand(b"confirm sharer"),
            transcript,
        }
    }

    /// What `role` sends to prove it derived the same keys (knows the code).
    pub fn confirmation(&self, role: Role) -> [u8; 32] {
        let key = match role {
            Role::Joiner => &self.confirm_joiner,
            Role::Sharer => &self.confirm_sharer,
        };
        mac(key, &[b"confirm", &self.transcript])
    }

    /// Checks the peer's confirmation (constant time).
    pub fn check_confirmation(&self, from: Role, theirs: &[u8]) -> bool {
        let key = match from {
            Role::Joiner => &self.confirm_joiner,
            Role::Sharer => &self.confirm_sharer,
        };
        verify(key, &[b"confirm", &self.transcript], theirs)
    }

    pub fn transcript(&self) -> [u8; 32] {
        self.transcript
    }
}

/// Proof that `role` holds the organisation's sync key, bound to this
/// session's transcript (useless in any other session).
pub fn org_proof(key: &SyncKey, transcript: &[u8; 32], role: Role) -> [u8; 32] {
    mac(&key.0, &[b"org proof ", role_label(role), transcript])
}

/// Checks a peer's [`org_proof`] against our own key (constant time).
pub fn check_org_proof(key: &SyncKey, transcript: &[u8; 32], from: Role, theirs: &[u8]) -> bool {
    verify(
        &key.0,
        &[b"org proof ", role_label(from), transcript],
        theirs,
    )
}

fn role_label(role: Role) -> &'static [u8] {
    match role {
        Role::Joiner => b"joiner",
        Role::Sharer => b"sharer",
    }
}

fn mac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut m = <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().into()
}

fn verify(key: &[u8], parts: &[&[u8]], theirs: &[u8]) -> bool {
    let mut m = <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    for p in parts {
        m.update(p);
    }
    m.verify_slice(theirs).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(joiner_code: &str, sharer_code: &str) -> (SessionKeys, SessionKeys) {
        let code = |c: &str| Secret::Code(PairingCode::parse(c).unwrap());
        pair_with(code(joiner_code), code(sharer_code))
    }

    fn pair_with(joiner: Secret, sharer: Secret) -> (SessionKeys, SessionKeys) {
        let j = Pake::start(&joiner, Role::Joiner);
        let s = Pake::start(&sharer, Role::Sharer);
        let (jm, sm) = (j.message.clone(), s.message.clone());
        let (jk, jt) = j.finish(&sm, 1).unwrap();
        let (sk, st) = s.finish(&jm, 1).unwrap();
        assert_eq!(jt, st, "both sides hash the same transcript");
        (
            SessionKeys::derive(&jk, jt, None),
            SessionKeys::derive(&sk, st, None),
        )
    }

    #[test]
    fn the_same_code_gives_the_same_keys_and_confirmations_check() {
        let (j, s) = pair("4827-1953", "48271953");
        assert_eq!(j.joiner_to_sharer, s.joiner_to_sharer);
        assert_eq!(j.sharer_to_joiner, s.sharer_to_joiner);
        assert_ne!(
            j.joiner_to_sharer, j.sharer_to_joiner,
            "one key per direction"
        );
        assert!(s.check_confirmation(Role::Joiner, &j.confirmation(Role::Joiner)));
        assert!(j.check_confirmation(Role::Sharer, &s.confirmation(Role::Sharer)));
        assert!(
            !s.check_confirmation(Role::Sharer, &j.confirmation(Role::Joiner)),
            "a confirmation reflected back is not the other side's"
        );
    }

    #[test]
    fn a_wrong_code_fails_confirmation_on_both_sides() {
        let (j, s) = pair("4827-1953", "4827-1954");
        assert_ne!(j.joiner_to_sharer, s.joiner_to_sharer);
        assert!(!s.check_confirmation(Role::Joiner, &j.confirmation(Role::Joiner)));
        assert!(!j.check_confirmation(Role::Sharer, &s.confirmation(Role::Sharer)));
    }

    #[test]
    fn the_org_key_changes_the_channel_keys_and_proofs_need_it() {
        let (j, _) = pair("12345678", "12345678");
        let (k1, k2) = (SyncKey([7; 32]), SyncKey([8; 32]));
        let t = j.transcript();
        let p = org_proof(&k1, &t, Role::Joiner);
        assert!(check_org_proof(&k1, &t, Role::Joiner, &p));
        assert!(
            !check_org_proof(&k2, &t, Role::Joiner, &p),
            "another organisation's key"
        );
        assert!(
            !check_org_proof(&k1, &[0; 32], Role::Joiner, &p),
            "bound to the session"
        );
        let a = SessionKeys::derive(b"secret", t, Some(&k1));
        let b = SessionKeys::derive(b"secret", t, None);
        assert_ne!(a.joiner_to_sharer, b.joiner_to_sharer);
    }

    #[test]
    fn stand_laptops_pair_with_their_organisation_key_and_another_key_fails() {
        let (k1, k2) = (SyncKey([7; 32]), SyncKey([8; 32]));
        let (j, s) = pair_with(Secret::Stand(k1.clone()), Secret::Stand(k1.clone()));
        assert!(s.check_confirmation(Role::Joiner, &j.confirmation(Role::Joiner)));
        let (j, s) = pair_with(Secret::Stand(k1.clone()), Secret::Stand(k2.clone()));
        assert!(!s.check_confirmation(Role::Joiner, &j.confirmation(Role::Joiner)));
        assert_ne!(stand_tag(&k1), stand_tag(&k2));
        assert_eq!(stand_tag(&k1).len(), 16);
        assert!(
            !stand_tag(&k1).contains(&hex::encode(&k1.0[..4])),
            "the tag does not show the key"
        );
        assert_eq!(format!("{:?}", Secret::Stand(k1)), "Secret::Stand(…)");
    }

    #[test]
    fn codes_are_eight_digits_typed_any_way() {
        assert_eq!(
            PairingCode::parse(" 4827 1953 ").unwrap().display(),
            "4827-1953"
        );
        for bad in ["", "4827-195", "4827-19533", "4827-195a", "٤٨٢٧١٩٥٣"] {
            assert!(
                matches!(PairingCode::parse(bad), Err(PeerError::BadCode)),
                "{bad:?}"
            );
        }
        let c = PairingCode::random();
        assert_eq!(PairingCode::parse(&c.display()).unwrap(), c);
        assert!(!format!("{c:?}").contains(&c.0), "never in logs");
    }
}
