//! The peer channel: length-prefixed frames over a byte stream (TCP), plain
//! during the pairing handshake, then each one sealed with ChaCha20-Poly1305.
//!
//! ```text
//! frame   = length (4 bytes, big-endian) ‖ payload
//! plain   payload = JSON                              (handshake, ≤ 4 KiB)
//! sealed  payload = ChaCha20-Poly1305(key of the direction,
//!                     nonce = 0x00000000 ‖ counter (8 bytes, big-endian),
//!                     aad = "escale-peer frame",
//!                     plaintext = JSON)           (≤ 16 MiB + 16)
//! ```
//!
//! Each direction has its own key and counts its frames from 0; the counter
//! is not sent, so a replayed, dropped, reordered or altered frame fails to
//! open (`peer.tampered`). A length above the cap is refused before anything
//! is allocated (`peer.too_large`). Every read and write has a deadline
//! (`peer.timeout`), so a silent peer never hangs a session.

use super::PeerError;
use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use escale_protocol::wire::MAX_BODY_BYTES;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Largest plain (handshake) frame: nothing before pairing can make us
/// allocate more.
pub const MAX_PLAIN_FRAME: usize = 4 * 1024;
/// Largest sealed frame: a page of ops, as big as a hub request body.
pub const MAX_FRAME: usize = MAX_BODY_BYTES + TAG_LEN;
const TAG_LEN: usize = 16;
const AAD: &[u8] = b"escale-peer frame";

/// One direction's key and frame counter.
struct Direction {
    cipher: ChaCha20Poly1305,
    counter: u64,
}

impl Direction {
    fn new(key: &[u8; 32]) -> Direction {
        Direction {
            cipher: ChaCha20Poly1305::new(Key::from_slice(key)),
            counter: 0,
        }
    }

    fn nonce(&mut self) -> Result<[u8; 12], PeerError> {
        let mut n = [0u8; 12];
        n[4..].copy_from_slice(&self.counter.to_be_bytes());
        // Never reuse a nonce (2⁶⁴ frames will not happen, but never wrap).
        self.counter = self
            .counter
            .checked_add(1)
            .ok_or(PeerError::Protocol("frame counter exhausted".into()))?;
        Ok(n)
    }
}

/// A framed connection to a peer.
pub struct Channel<S> {
    io: S,
    timeout: Duration,
    send: Option<Direction>,
    recv: Option<Direction>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Channel<S> {
    pub fn new(io: S, timeout: Duration) -> Channel<S> {
        Channel {
            io,
            timeout,
            send: None,
            recv: None,
        }
    }

    /// From now on every frame is sealed: `send_key` for ours, `recv_key`
    /// for theirs, both counters from 0 (also used to re-key).
    pub fn set_keys(&mut self, send_key: &[u8; 32], recv_key: &[u8; 32]) {
        self.send = Some(Direction::new(send_key));
        self.recv = Some(Direction::new(recv_key));
    }

    /// Sends one message: sealed once keys are set, plain before.
    pub async fn send<T: Serialize>(&mut self, msg: &T) -> Result<(), PeerError> {
        let mut payload =
            serde_json::to_vec(msg).map_err(|e| PeerError::Protocol(format!("encode: {e}")))?;
        let cap = match &mut self.send {
            Some(dir) => {
                let nonce = dir.nonce()?;
                dir.cipher
                    .encrypt_in_place(Nonce::from_slice(&nonce), AAD, &mut payload)
                    .map_err(|_| PeerError::Protocol("encryption failed".into()))?;
                MAX_FRAME
            }
            None => MAX_PLAIN_FRAME,
        };
        if payload.len() > cap {
            return Err(PeerError::TooLarge {
                len: payload.len() as u64,
                cap: cap as u64,
            });
        }
        self.write_frame(&payload).await
    }

    /// Receives one message (sealed once keys are set, plain before).
    pub async fn recv<T: DeserializeOwned>(&mut self) -> Result<T, PeerError> {
        let sealed = self.recv.is_some();
        let mut payload = self
            .read_frame(if sealed { MAX_FRAME } else { MAX_PLAIN_FRAME })
            .await?;
        if let Some(dir) = &mut self.recv {
            if payload.len() < TAG_LEN {
                return Err(PeerError::Tampered);
            }
            let nonce = dir.nonce()?;
            dir.cipher
                .decrypt_in_place(Nonce::from_slice(&nonce), AAD, &mut payload)
                .map_err(|_| PeerError::Tampered)?;
        }
        serde_json::from_slice(&payload)
            .map_err(|e| PeerError::Protocol(format!("unexpected message: {e}")))
    }

    /// Writes raw bytes as one frame (tests use it to send what a broken or
    /// hostile peer would).
    pub async fn write_frame(&mut self, payload: &[u8]) -> Result<(), PeerError> {
        let len = u32::try_from(payload.len()).map_err(|_| PeerError::TooLarge {
            len: payload.len() as u64,
            cap: u32::MAX as u64,
        })?;
        let io = &mut self.io;
        let write = async {
            io.write_all(&len.to_be_bytes()).await?;
            io.write_all(payload).await?;
            io.flush().await
        };
        match tokio::time::timeout(self.timeout, write).await {
            Err(_) => Err(PeerError::Timeout),
            Ok(r) => r.map_err(io_error),
        }
    }

    /// Reads one raw frame of at most `cap` bytes. The length is checked
    /// before the payload is allocated or read.
    pub async fn read_frame(&mut self, cap: usize) -> Result<Vec<u8>, PeerError> {
        let mut len = [0u8; 4];
        self.read_exact(&mut len).await?;
        let len = u32::from_be_bytes(len) as usize;
        if len > cap {
            return Err(PeerError::TooLarge {
                len: len as u64,
                cap: cap as u64,
            });
        }
        let mut buf = vec![0u8; len];
        self.read_exact(&mut buf).await?;
        Ok(buf)
    }

    async fn read_exact(&mut self, buf: &mut [u8]) -> Result<(), PeerError> {
        match tokio::time::timeout(self.timeout, self.io.read_exact(buf)).await {
            Err(_) => Err(PeerError::Timeout),
            Ok(r) => r.map(|_| ()).map_err(io_error),
        }
    }

    /// Flushes and closes our side.
    pub async fn shutdown(&mut self) {
        let _ = tokio::time::timeout(self.timeout, self.io.shutdown()).await;
    }
}

fn io_error(e: std::io::Error) -> PeerError {
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => {
            PeerError::Network("the other laptop closed the connection".into())
        }
        _ => PeerError::Network(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    const T: Duration = Duration::from_secs(5);

    fn pair() -> (
        Channel<tokio::io::DuplexStream>,
        Channel<tokio::io::DuplexStream>,
    ) {
        let (a, b) = tokio::io::duplex(1 << 16);
        let (mut a, mut b) = (Channel::new(a, T), Channel::new(b, T));
        a.set_keys(&[1; 32], &[2; 32]);
        b.set_keys(&[2; 32], &[1; 32]);
        (a, b)
    }

    /// A raw end that sees the sealed frames as they travel.
    fn tap() -> (
        Channel<tokio::io::DuplexStream>,
        Channel<tokio::io::DuplexStream>,
    ) {
        let (a, b) = tokio::io::duplex(1 << 16);
        let mut a = Channel::new(a, T);
        a.set_keys(&[1; 32], &[2; 32]);
        (a, Channel::new(b, T))
    }

    #[tokio::test]
    async fn sealed_frames_round_trip_and_do_not_show_their_content() {
        let (mut a, mut b) = pair();
        a.send(&json!({"first_name": "Léna"})).await.unwrap();
        a.send(&json!({"n": 2})).await.unwrap();
        assert_eq!(b.recv::<Value>().await.unwrap()["first_name"], "Léna");
        assert_eq!(b.recv::<Value>().await.unwrap()["n"], 2);

        let (mut a, mut raw) = tap();
        a.send(&json!({"first_name": "Léna"})).await.unwrap();
        let frame = raw.read_frame(MAX_FRAME).await.unwrap();
        assert!(
            !String::from_utf8_lossy(&frame).contains("Léna"),
            "encrypted on the wire"
        );
    }

    /// Sends two sealed frames from a real end, captures them raw, then
    /// replays `order` (with an optional flipped byte) to a real receiver.
    async fn deliver(
        order: &[usize],
        flip: Option<(usize, usize)>,
    ) -> Vec<Result<Value, PeerError>> {
        let (mut a, mut raw) = tap();
        a.send(&json!({"page": 0})).await.unwrap();
        a.send(&json!({"page": 1})).await.unwrap();
        let frames = [
            raw.read_frame(MAX_FRAME).await.unwrap(),
            raw.read_frame(MAX_FRAME).await.unwrap(),
        ];
        let (x, y) = tokio::io::duplex(1 << 16);
        let mut w = Channel::new(x, T);
        let mut r = Channel::new(y, T);
        r.set_keys(&[9; 32], &[1; 32]);
        let mut out = Vec::new();
        for (i, &k) in order.iter().enumerate() {
            let mut f = frames[k].clone();
            if let Some((at, byte)) = flip {
                if at == i {
                    f[byte] ^= 0x01;
                }
            }
            w.write_frame(&f).await.unwrap();
            out.push(r.recv::<Value>().await);
        }
        out
    }

    #[tokio::test]
    async fn replayed_reordered_and_altered_frames_are_refused() {
        let ok = deliver(&[0, 1], None).await;
        assert!(
            ok.iter().all(|r| r.is_ok()),
            "in order and intact: accepted"
        );
        let replay = deliver(&[0, 0], None).await;
        assert!(replay[0].is_ok());
        assert!(
            matches!(replay[1], Err(PeerError::Tampered)),
            "a replayed frame: {:?}",
            replay[1]
        );
        let reorder = deliver(&[1, 0], None).await;
        assert!(
            matches!(reorder[0], Err(PeerError::Tampered)),
            "a frame out of order"
        );
        for byte in [0, 5, 20] {
            let flipped = deliver(&[0], Some((0, byte))).await;
            assert!(
                matches!(flipped[0], Err(PeerError::Tampered)),
                "one flipped bit at byte {byte}"
            );
        }
    }

    #[tokio::test]
    async fn a_frame_over_the_cap_is_refused_before_it_is_read() {
        let (x, y) = tokio::io::duplex(64);
        let mut w = Channel::new(x, T);
        let mut r = Channel::new(y, T);
        // Announce 1 GiB and send nothing else: the receiver must answer at
        // once, not allocate or wait for the bytes.
        let io = &mut w.io;
        io.write_all(&(1u32 << 30).to_be_bytes()).await.unwrap();
        let e = r.read_frame(MAX_FRAME).await.unwrap_err();
        assert!(
            matches!(e, PeerError::TooLarge { len, .. } if len == 1 << 30),
            "{e:?}"
        );
        let (x, y) = tokio::io::duplex(1 << 16);
        let (mut w, mut r) = (Channel::new(x, T), Channel::new(y, T));
        w.write_frame(&vec![b' '; MAX_PLAIN_FRAME + 1])
            .await
            .unwrap();
        assert!(
            matches!(r.recv::<Value>().await, Err(PeerError::TooLarge { .. })),
            "before pairing, frames are capped at 4 KiB"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_silent_peer_times_out() {
        let (_x, y) = tokio::io::duplex(64);
        let mut r = Channel::new(y, Duration::from_secs(30));
        assert!(matches!(r.recv::<Value>().await, Err(PeerError::Timeout)));
    }
}
