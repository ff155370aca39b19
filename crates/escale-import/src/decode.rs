//! Streaming adapters between the raw file and the CSV parser: a byte counter
//! (for the progress bar) and a decoder that turns any supported encoding into
//! UTF-8 chunk by chunk.
//!
//! Memory stays bounded by the chunk size whatever the file size. The UTF-8
//! decoder is lenient: a stray non-UTF-8 byte (a file pasted together from a
//! UTF-8 and a Windows-1252 export) is read as Windows-1252 instead of failing
//! or becoming U+FFFD, so "Éloïse" survives either way.

use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::detect::Encoding;

const CHUNK: usize = 64 * 1024;

/// Counts the bytes pulled through it into a shared counter.
pub(crate) struct CountingReader<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> CountingReader<R> {
    pub(crate) fn new(inner: R, count: Arc<AtomicU64>) -> Self {
        Self { inner, count }
    }
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

enum Decoder {
    /// UTF-8 with a Windows-1252 fallback per invalid byte. `carry` holds an
    /// incomplete multi-byte sequence cut at a chunk boundary.
    Utf8 { carry: Vec<u8>, at_start: bool },
    /// Anything encoding_rs handles (Windows-1252, UTF-16).
    Rs(encoding_rs::Decoder),
}

/// Decodes `inner` to UTF-8 as it is read.
pub(crate) struct DecodingReader<R> {
    inner: R,
    decoder: Decoder,
    raw: Vec<u8>,
    out: Vec<u8>,
    out_pos: usize,
    eof: bool,
}

impl<R: Read> DecodingReader<R> {
    pub(crate) fn new(inner: R, encoding: Encoding) -> Self {
        let decoder = match encoding {
            Encoding::Utf8 | Encoding::Utf8Bom => Decoder::Utf8 {
                carry: Vec::new(),
                at_start: true,
            },
            Encoding::Windows1252 => {
                Decoder::Rs(encoding_rs::WINDOWS_1252.new_decoder_without_bom_handling())
            }
            Encoding::Utf16Le => Decoder::Rs(encoding_rs::UTF_16LE.new_decoder_with_bom_removal()),
            Encoding::Utf16Be => Decoder::Rs(encoding_rs::UTF_16BE.new_decoder_with_bom_removal()),
        };
        Self {
            inner,
            decoder,
            raw: vec![0; CHUNK],
            out: Vec::with_capacity(CHUNK * 2),
            out_pos: 0,
            eof: false,
        }
    }

    /// Reads and decodes the next chunk into `out`. Returns false at the end.
    fn refill(&mut self) -> io::Result<bool> {
        self.out.clear();
        self.out_pos = 0;
        while self.out.is_empty() {
            if self.eof {
                return Ok(false);
            }
            let n = read_full(&mut self.inner, &mut self.raw)?;
            let last = n == 0;
            self.eof = last;
            let input = self.raw.get(..n).unwrap_or(&[]);
            match &mut self.decoder {
                Decoder::Utf8 { carry, at_start } => {
                    carry.extend_from_slice(input);
                    if *at_start && (carry.len() >= 3 || last) {
                        if carry.starts_with(&[0xEF, 0xBB, 0xBF]) {
                            carry.drain(..3);
                        }
                        *at_start = false;
                    }
                    if !*at_start {
                        let keep = decode_utf8_lenient(carry, last, &mut self.out);
                        carry.drain(..carry.len() - keep);
                    }
                }
                Decoder::Rs(dec) => {
                    let cap = dec
                        .max_utf8_buffer_length(input.len())
                        .unwrap_or(input.len() * 3 + 16);
                    let start = self.out.len();
                    self.out.resize(start + cap, 0);
                    let (_, _read, written, _) =
                        dec.decode_to_utf8(input, &mut self.out[start..], last);
                    self.out.truncate(start + written);
                }
            }
        }
        Ok(true)
    }
}

/// Fills `buf` as far as the reader allows (short reads are common on pipes).
fn read_full<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Decodes `input` as UTF-8 into `out`, reading each invalid byte as
/// Windows-1252. Returns how many trailing bytes were left undecoded because
/// they may start a sequence completed by the next chunk (0 when `last`).
pub(crate) fn decode_utf8_lenient(input: &[u8], last: bool, out: &mut Vec<u8>) -> usize {
    let mut rest = input;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.extend_from_slice(s.as_bytes());
                return 0;
            }
            Err(e) => {
                let valid = e.valid_up_to();
                out.extend_from_slice(&rest[..valid]);
                match e.error_len() {
                    Some(_) => {
                        push_1252(rest[valid], out);
                        rest = &rest[valid + 1..];
                    }
                    None if !last => return rest.len() - valid,
                    None => {
                        for &b in &rest[valid..] {
                            push_1252(b, out);
                        }
                        return 0;
                    }
                }
            }
        }
    }
}

fn push_1252(b: u8, out: &mut Vec<u8>) {
    let (s, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(std::slice::from_ref(&b));
    out.extend_from_slice(s.as_bytes());
}

/// Decodes a whole in-memory sample the same way the stream would (used for
/// sniffing). `complete` says whether the sample is the whole file.
pub(crate) fn decode_sample(bytes: &[u8], encoding: Encoding, complete: bool) -> String {
    let mut r = DecodingReader::new(bytes, encoding);
    let mut s = Vec::with_capacity(bytes.len() + 16);
    // Reading a slice cannot fail.
    let _ = r.read_to_end(&mut s);
    if !complete {
        // A multi-byte character cut at the sniff boundary was decoded as
        // Windows-1252 at "EOF"; drop the tail line, which is incomplete anyway.
        if let Some(nl) = s.iter().rposition(|b| *b == b'\n') {
            s.truncate(nl + 1);
        }
    }
    String::from_utf8(s).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.out_pos >= self.out.len() && !self.refill()? {
            return Ok(0);
        }
        let available = &self.out[self.out_pos..];
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.out_pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(bytes: &[u8], enc: Encoding) -> String {
        let mut s = String::new();
        DecodingReader::new(bytes, enc)
            .read_to_string(&mut s)
            .expect("decoding never fails");
        s
    }

    #[test]
    fn utf8_bom_is_removed() {
        assert_eq!(
            decode_all(b"\xEF\xBB\xBFNom;Pr\xC3\xA9nom", Encoding::Utf8Bom),
            "Nom;Prénom"
        );
    }

    #[test]
    fn windows_1252_is_decoded() {
        assert_eq!(
            decode_all(b"\xC9lo\xEFse \x80", Encoding::Windows1252),
            "Éloïse €"
        );
    }

    #[test]
    fn stray_latin1_byte_in_utf8_is_read_as_1252() {
        assert_eq!(
            decode_all(b"Chlo\xE9 et \xC3\xA9", Encoding::Utf8),
            "Chloé et é"
        );
    }

    #[test]
    fn multibyte_char_split_across_reads_is_kept() {
        // A reader that returns one byte at a time splits every sequence.
        struct OneByte<'a>(&'a [u8]);
        impl Read for OneByte<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                match (self.0.split_first(), buf.first_mut()) {
                    (Some((b, rest)), Some(slot)) => {
                        *slot = *b;
                        self.0 = rest;
                        Ok(1)
                    }
                    _ => Ok(0),
                }
            }
        }
        let text = "Nguyễn Văn An;Łukasz";
        let mut s = String::new();
        DecodingReader::new(OneByte(text.as_bytes()), Encoding::Utf8)
            .read_to_string(&mut s)
            .expect("decode");
        assert_eq!(
            s, text,
            "a character cut between two reads must be reassembled, not replaced"
        );
    }

    #[test]
    fn utf16le_is_decoded() {
        let bytes: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Éloïse".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode_all(&bytes, Encoding::Utf16Le), "Éloïse");
    }
}
