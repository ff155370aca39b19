//! Per-file key uniqueness: the second occurrence of a key gets `#2`, the
//! third `#3`, so that two identical-looking rows stay two tickets while a
//! re-import of the same file yields the same keys.
//!
//! This is the only state that grows with the file, so it is kept compact:
//! 64-bit digests (FNV-1a) in a sorted vector, about 8 bytes per row
//! (~16 MB for a 200 MB CSV of two million rows), with a small hash set in
//! front that is merged in batches. It never sees cell values, only keys.

use std::collections::{HashMap, HashSet};

/// Recent digests are merged into the sorted vector once this many accumulate.
const BATCH: usize = 64 * 1024;

/// FNV-1a, 64-bit: stable across platforms and releases (unlike `DefaultHasher`).
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A set of digests: a sorted vector plus a small unsorted front batch.
#[derive(Default)]
struct DigestSet {
    sorted: Vec<u64>,
    recent: HashSet<u64>,
}

impl DigestSet {
    /// Inserts; returns false when the digest was already there.
    fn insert(&mut self, d: u64) -> bool {
        if self.sorted.binary_search(&d).is_ok() || !self.recent.insert(d) {
            return false;
        }
        if self.recent.len() >= BATCH {
            self.merge();
        }
        true
    }

    /// Merges the batch into the sorted vector in place, from the back, so
    /// memory never holds two copies of the big vector.
    fn merge(&mut self) {
        let mut batch: Vec<u64> = self.recent.drain().collect();
        batch.sort_unstable();
        let (mut i, mut j) = (self.sorted.len(), batch.len());
        self.sorted.reserve_exact(j);
        self.sorted.resize(i + j, 0);
        let mut w = i + j;
        while j > 0 {
            if i > 0 && self.sorted[i - 1] > batch[j - 1] {
                self.sorted[w - 1] = self.sorted[i - 1];
                i -= 1;
            } else {
                self.sorted[w - 1] = batch[j - 1];
                j -= 1;
            }
            w -= 1;
        }
    }
}

/// Hands out unique keys within one file.
#[derive(Default)]
pub(crate) struct KeyAllocator {
    seen: DigestSet,
    /// Occurrence counts of keys seen more than once (rare).
    repeats: HashMap<u64, u32>,
}

impl KeyAllocator {
    pub(crate) fn allocate(&mut self, key: String) -> String {
        let digest = fnv1a(key.as_bytes());
        if self.seen.insert(digest) {
            return key;
        }
        let n = self.repeats.entry(digest).or_insert(1);
        *n += 1;
        format!("{key}#{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_get_occurrence_suffixes() {
        let mut k = KeyAllocator::default();
        assert_eq!(k.allocate("A1".into()), "A1");
        assert_eq!(k.allocate("B2".into()), "B2");
        assert_eq!(k.allocate("A1".into()), "A1#2");
        assert_eq!(k.allocate("A1".into()), "A1#3");
        assert_eq!(k.allocate("B2".into()), "B2#2");
    }

    #[test]
    fn duplicates_are_found_across_merged_batches() {
        let mut k = KeyAllocator::default();
        let n = BATCH * 2 + 17;
        for i in 0..n {
            assert_eq!(
                k.allocate(format!("t{i}")),
                format!("t{i}"),
                "first occurrences keep their key"
            );
        }
        assert!(k.seen.sorted.len() >= BATCH * 2, "batches were merged");
        assert!(
            k.seen.sorted.windows(2).all(|w| w[0] < w[1]),
            "the merged vector stays sorted"
        );
        for i in [0, 1, BATCH - 1, BATCH, n - 1] {
            assert_eq!(
                k.allocate(format!("t{i}")),
                format!("t{i}#2"),
                "a repeat of t{i} is seen wherever it is stored"
            );
        }
    }
}
