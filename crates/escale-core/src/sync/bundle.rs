//! USB bundles: the sync exchange through one encrypted file.
//!
//! Format (all integers big-endian):
//!
//! ```text
//! magic    8 bytes  "ESCALEB1"
//! version  2 bytes  1
//! org_id  16 bytes  the organisation's UUID
//! nonce   12 bytes  random
//! sealed   rest     ChaCha20-Poly1305(key = org sync key, nonce,
//!                   aad = the 38 header bytes above,
//!                   plaintext = DEFLATE(JSON lines))
//! ```
//!
//! The JSON lines are a [`BundleMeta`] header line, then one [`WireOp`] per
//! line in (origin, seq) order. The header is authenticated as associated
//! data: a changed byte anywhere, in the header or the ciphertext, is
//! `bundle.tampered`; a foreign organisation's file is `bundle.wrong_org`
//! (checked before decrypting); anything else is `bundle.not_a_bundle`.
//!
//! Export writes a temporary file next to the target and renames it, so a
//! half-written bundle never carries the final name. Import checks
//! everything it can before writing, then applies every op in ONE
//! transaction through the same path as a pull: a killed import leaves
//! nothing, a replayed bundle changes nothing.

use super::node::{decode_one, ingest_ops, read_vector, response};
use super::SyncKey;
use crate::error::{Error, Result};
use crate::hlc::now_ms;
use crate::store::Store;
use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use escale_protocol::wire::{PushResponse, VersionVector, WireOp, MAX_PAGE_OPS};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};
use std::path::Path;
use uuid::Uuid;

pub const MAGIC: &[u8; 8] = b"ESCALEB1";
pub const FORMAT_VERSION: u16 = 1;
const HEADER_LEN: usize = 8 + 2 + 16 + 12;
const TAG_LEN: usize = 16;
/// Ops read per query while exporting.
const EXPORT_PAGE: usize = MAX_PAGE_OPS;
/// Ops decoded then ingested at a time while importing.
const IMPORT_CHUNK: usize = 500;
/// A bundle import commits once its transaction has run this long.
const SLICE_TIME: std::time::Duration = std::time::Duration::from_millis(50);

/// First JSON line of a bundle's plaintext.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BundleMeta {
    pub org_id: Uuid,
    /// The device that wrote the bundle.
    pub exporter: Uuid,
    pub created_ms: i64,
    /// The exporter's vector: the bundle holds everything up to it...
    pub vector: VersionVector,
    /// ...beyond this one (absent: from the start, a bundle for anyone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<VersionVector>,
    pub ops: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BundleExport {
    pub path: String,
    pub ops: u64,
    pub bytes: u64,
    pub vector: VersionVector,
}

#[derive(Debug, Clone, Serialize)]
pub struct BundleImport {
    pub path: String,
    pub exporter: Uuid,
    pub created_ms: i64,
    /// Ops in the file.
    pub ops: u64,
    /// New ops stored, duplicates skipped, invalid ones quarantined; and our
    /// vector afterwards.
    #[serde(flatten)]
    pub result: PushResponse,
    /// Possible duplicates to check (`Escale::duplicate_candidates`) that
    /// involve at least one visitor the bundle brought or changed.
    pub duplicates_proposed: usize,
}

impl Store {
    /// Writes the ops a peer with vector `since` lacks (all ops when `None`)
    /// to one encrypted bundle at `path`.
    pub async fn export_bundle(
        &self,
        path: &Path,
        since: Option<&VersionVector>,
    ) -> Result<BundleExport> {
        let ident = self.identity().await?.ok_or(Error::NotInitialised)?;
        let key = self.sync_key().await?;
        let base = since.cloned().unwrap_or_default();

        // One read transaction: the vector in the header covers exactly the ops.
        let mut tx = self.pool().begin().await?;
        let vector = read_vector(&mut tx).await?;
        let total = super::node::lacking(&vector, &base) as u64;
        let meta = BundleMeta {
            org_id: ident.org_id,
            exporter: ident.device_id,
            created_ms: now_ms(),
            vector: vector.clone(),
            since: since.cloned(),
            ops: total,
        };
        let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        write_line(&mut z, &meta)?;
        let mut written = 0u64;
        for (origin, &top) in &vector {
            let mut from = base.get(origin).copied().unwrap_or(0).max(0);
            while from < top {
                let (n, last) = write_raw_page(&mut tx, &mut z, *origin, from, top).await?;
                if n == 0 {
                    break;
                }
                from = last;
                written += n;
            }
        }
        tx.rollback().await?;
        if written != total {
            return Err(Error::Internal(format!(
                "bundle: {written} ops read, {total} expected"
            )));
        }
        let mut sealed = z.finish()?;

        let mut header = Vec::with_capacity(HEADER_LEN);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&FORMAT_VERSION.to_be_bytes());
        header.extend_from_slice(ident.org_id.as_bytes());
        let mut nonce = [0u8; 12];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut nonce);
        header.extend_from_slice(&nonce);
        cipher(&key)
            .encrypt_in_place(Nonce::from_slice(&nonce), &header, &mut sealed)
            .map_err(|_| Error::Internal("bundle: encryption failed".into()))?;

        write_atomically(path, &header, &sealed).map_err(|e| match e {
            Error::Internal(d) => Error::Export(d),
            other => other,
        })?;
        Ok(BundleExport {
            path: path.display().to_string(),
            ops: written,
            bytes: (header.len() + sealed.len()) as u64,
            vector,
        })
    }

    /// Applies a bundle: checks it is one, of our organisation, intact; then
    /// stores every op it holds in one transaction.
    pub async fn import_bundle(&self, path: &Path) -> Result<BundleImport> {
        let ident = self.identity().await?.ok_or(Error::NotInitialised)?;
        let key = self.sync_key().await?;
        let data = std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::IsADirectory => {
                Error::BundleNotABundle
            }
            _ => e.into(),
        })?;
        let plain = open_sealed(data, ident.org_id, &key)?;

        let mut lines =
            std::io::BufReader::new(flate2::read::DeflateDecoder::new(&plain[..])).lines();
        let meta: BundleMeta = match lines.next() {
            Some(Ok(l)) => serde_json::from_str(&l).map_err(|_| Error::BundleTampered)?,
            _ => return Err(Error::BundleTampered),
        };
        if meta.org_id != ident.org_id {
            return Err(Error::BundleWrongOrg);
        }

        // Authenticated yet incomplete: the exporter was broken. Counted
        // before anything is written, so that nothing of it is kept.
        let lines_after_meta = {
            let mut n = 0u64;
            let mut r = flate2::read::DeflateDecoder::new(&plain[..]);
            let mut buf = vec![0u8; 1 << 16];
            loop {
                let got =
                    std::io::Read::read(&mut r, &mut buf).map_err(|_| Error::BundleTampered)?;
                if got == 0 {
                    break;
                }
                n += buf[..got].iter().filter(|b| **b == b'\n').count() as u64;
            }
            n.saturating_sub(1)
        };
        if lines_after_meta != meta.ops {
            return Err(Error::BundleTampered);
        }

        // Visitors written from here on (`visitor.rev`) came with the bundle.
        let rev_before = self.rev().await?;
        // Committed in slices of ~50 ms: a desk checking people in meanwhile
        // is served between two (each slice holds whole ops, ingest is
        // idempotent: a bundle imported again after a crash adds the rest).
        let mut tx = self.write().await?;
        let mut report = crate::store::BatchReport::default();
        let mut chunk = Vec::with_capacity(IMPORT_CHUNK);
        let mut count = 0u64;
        loop {
            let line = lines
                .next()
                .transpose()
                .map_err(|_| Error::BundleTampered)?;
            let done = line.is_none();
            if let Some(l) = line {
                let w: WireOp = serde_json::from_str(&l).map_err(|_| Error::BundleTampered)?;
                chunk.push(decode_one(w)?);
                count += 1;
            }
            if chunk.len() >= IMPORT_CHUNK || (done && !chunk.is_empty()) {
                report.absorb(ingest_ops(&mut tx, &chunk).await?);
                chunk.clear();
                if !done && tx.has_run_for() >= SLICE_TIME {
                    tx.commit().await?;
                    tx = self.write().await?;
                }
            }
            if done {
                break;
            }
        }
        if count != meta.ops {
            return Err(Error::BundleTampered);
        }
        let vector = read_vector(tx.conn()).await?;
        tx.commit().await?;
        // Advice only: the import is committed whatever happens here.
        let duplicates_proposed = if report.applied > 0 {
            crate::app::proposed_since(self, rev_before)
                .await
                .unwrap_or(0)
        } else {
            0
        };
        Ok(BundleImport {
            path: path.display().to_string(),
            exporter: meta.exporter,
            created_ms: meta.created_ms,
            ops: count,
            result: response(&report, vector),
            duplicates_proposed,
        })
    }
}

fn cipher(key: &SyncKey) -> ChaCha20Poly1305 {
    ChaCha20Poly1305::new(Key::from_slice(&key.0))
}

/// Checks the header and decrypts: the compressed JSON lines.
pub fn open_sealed(mut data: Vec<u8>, org_id: Uuid, key: &SyncKey) -> Result<Vec<u8>> {
    if data.len() < 8 || &data[..8] != MAGIC {
        return Err(Error::BundleNotABundle);
    }
    if data.len() < HEADER_LEN + TAG_LEN {
        return Err(Error::BundleTampered);
    }
    let version = u16::from_be_bytes([data[8], data[9]]);
    if version > FORMAT_VERSION {
        return Err(Error::BundleTooNew(version));
    }
    if version != FORMAT_VERSION {
        return Err(Error::BundleNotABundle);
    }
    let org = Uuid::from_slice(&data[10..26]).map_err(|_| Error::BundleNotABundle)?;
    if org != org_id {
        return Err(Error::BundleWrongOrg);
    }
    let mut sealed = data.split_off(HEADER_LEN);
    let header = data;
    cipher(key)
        .decrypt_in_place(Nonce::from_slice(&header[26..38]), &header, &mut sealed)
        .map_err(|_| Error::BundleTampered)?;
    Ok(sealed)
}

/// Writes one page of `origin`'s ops (`from < seq <= to`) as `WireOp` JSON
/// lines straight from the log rows: the stored body, once unpacked, is
/// already JSON, so it is copied, not parsed and re-encoded. Returns
/// (count, last seq).
async fn write_raw_page(
    conn: &mut sqlx::SqliteConnection,
    w: &mut impl Write,
    origin: Uuid,
    from: i64,
    to: i64,
) -> Result<(u64, i64)> {
    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT id, seq, hlc, kind, subject, body FROM op
         WHERE origin = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
    )
    .bind(origin)
    .bind(from)
    .bind(to)
    .bind(EXPORT_PAGE as i64)
    .fetch_all(&mut *conn)
    .await?;
    let origin = origin.to_string();
    let mut last = from;
    for r in &rows {
        let id: Uuid = r.try_get("id")?;
        let seq: i64 = r.try_get("seq")?;
        let hlc: i64 = r.try_get("hlc")?;
        let kind: &str = r.try_get("kind")?;
        let subject: Option<Uuid> = r.try_get("subject")?;
        let body: Option<&[u8]> = r.try_get("body")?;
        let body = body.map(crate::store::codec::decode_body).transpose()?;
        // Same shape and field order as `WireOp`'s serialisation.
        w.write_all(b"{\"id\":")?;
        serde_json::to_writer(&mut *w, &id)?;
        w.write_all(b",\"origin\":")?;
        serde_json::to_writer(&mut *w, &origin)?;
        write!(w, ",\"seq\":{seq},\"hlc\":{hlc},\"kind\":")?;
        serde_json::to_writer(&mut *w, kind)?;
        if let Some(s) = subject {
            w.write_all(b",\"subject\":")?;
            serde_json::to_writer(&mut *w, &s)?;
        }
        if let Some(b) = body {
            w.write_all(b",\"body\":")?;
            w.write_all(b.as_bytes())?;
        }
        w.write_all(b"}\n")?;
        last = seq;
    }
    Ok((rows.len() as u64, last))
}

fn write_line(w: &mut impl Write, v: &impl Serialize) -> Result<()> {
    serde_json::to_writer(&mut *w, v)?;
    w.write_all(b"\n")?;
    Ok(())
}

/// Temp file in the same directory, synced, then renamed over `path`.
fn write_atomically(path: &Path, header: &[u8], body: &[u8]) -> Result<()> {
    let tmp = super::snapshot::sibling(path, "tmp");
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(header)?;
        f.write_all(body)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        Ok::<_, std::io::Error>(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e.into());
    }
    Ok(())
}
