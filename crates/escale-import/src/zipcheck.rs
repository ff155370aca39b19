//! A minimal look into a ZIP container before handing it to calamine: which
//! entries it lists (is it an XLSX, an ODS, a DOCX?), how big they unpack
//! (zip-bomb guard), and whether the central directory is there at all
//! (a truncated download has none).
//!
//! Reads only the end-of-central-directory record and the central directory;
//! never decompresses anything and never panics on malformed bytes.

/// What the central directory says.
#[derive(Debug)]
pub(crate) struct ZipListing {
    pub names: Vec<String>,
    /// Sum of the declared uncompressed sizes (`None` for ZIP64 archives,
    /// whose sizes live in extra fields we do not parse).
    pub uncompressed_total: Option<u64>,
}

const EOCD_SIG: u32 = 0x0605_4b50;
const CDIR_SIG: u32 = 0x0201_4b50;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at + 2)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 4)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// Lists a ZIP's central directory; `None` when there is no readable one
/// (truncated or not a ZIP).
pub(crate) fn list(bytes: &[u8]) -> Option<ZipListing> {
    if bytes.len() < 22 {
        return None;
    }
    // The EOCD record is at the end, followed by a comment of up to 64 KiB.
    let earliest = bytes.len().saturating_sub(22 + 65_535);
    let mut eocd = None;
    let mut at = bytes.len() - 22;
    loop {
        if u32_at(bytes, at) == Some(EOCD_SIG) {
            eocd = Some(at);
            break;
        }
        if at == earliest {
            break;
        }
        at -= 1;
    }
    let eocd = eocd?;
    let entries = u16_at(bytes, eocd + 10)?;
    let cd_size = u32_at(bytes, eocd + 12)?;
    let cd_offset = u32_at(bytes, eocd + 16)?;
    let zip64 = entries == 0xFFFF || cd_size == 0xFFFF_FFFF || cd_offset == 0xFFFF_FFFF;
    if zip64 {
        // Rare for spreadsheets; calamine will validate it properly.
        return Some(ZipListing {
            names: Vec::new(),
            uncompressed_total: None,
        });
    }
    let mut pos = usize::try_from(cd_offset).ok()?;
    let end = pos.checked_add(usize::try_from(cd_size).ok()?)?;
    if end > eocd {
        return None;
    }
    let mut names = Vec::with_capacity(usize::from(entries));
    let mut total: u64 = 0;
    for _ in 0..entries {
        if u32_at(bytes, pos)? != CDIR_SIG {
            return None;
        }
        let size = u32_at(bytes, pos + 24)?;
        let name_len = usize::from(u16_at(bytes, pos + 28)?);
        let extra_len = usize::from(u16_at(bytes, pos + 30)?);
        let comment_len = usize::from(u16_at(bytes, pos + 32)?);
        let name = bytes.get(pos + 46..pos + 46 + name_len)?;
        names.push(String::from_utf8_lossy(name).into_owned());
        total = total.saturating_add(u64::from(size));
        pos = pos.checked_add(46 + name_len + extra_len + comment_len)?;
    }
    Some(ZipListing {
        names,
        uncompressed_total: Some(total),
    })
}

/// For a ZIP whose directory is missing: do its local file headers name
/// spreadsheet parts? Used to tell a truncated XLSX from some other archive.
pub(crate) fn local_headers_look_like_xlsx(bytes: &[u8]) -> bool {
    contains(bytes, b"xl/")
        || (contains(bytes, b"[Content_Types].xml") && !contains(bytes, b"word/"))
}

/// Is the listing an OpenDocument file (ODS/ODT)?
pub(crate) fn is_opendocument(listing: &ZipListing, bytes: &[u8]) -> bool {
    listing
        .names
        .iter()
        .any(|n| n == "mimetype" || n == "content.xml")
        || contains(
            bytes.get(..200).unwrap_or(bytes),
            b"application/vnd.oasis.opendocument",
        )
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_and_short_input_have_no_listing() {
        assert!(list(b"").is_none());
        assert!(list(b"PK\x03\x04 not really a zip at all, just text").is_none());
        let mut fake = vec![0u8; 30];
        fake.extend_from_slice(&EOCD_SIG.to_le_bytes());
        fake.extend_from_slice(&[0xFF; 18]);
        let listing = list(&fake).expect("an EOCD with ZIP64 markers is a listing without sizes");
        assert!(
            listing.uncompressed_total.is_none(),
            "ZIP64 sizes are left to calamine"
        );
    }
}
