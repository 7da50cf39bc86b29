//! The band keys of one committed segment, as a sorted table: the lookup of a new article's
//! candidates among the committed articles.
//!
//! The keys are stored with each article's sketch (the `story_sketch` fast column), not
//! indexed as terms: a term per key costs tantivy's term dictionary and postings about as
//! much as computing the whole signature, and a million articles have eight million keys
//! that are nearly all unique (`docs/stories.md`). The table is built from the column the
//! first time an assignment needs the segment (an index opened only to search never builds
//! one), and kept for as long as the segment lives: 9 bytes per key, about 72 bytes per
//! article.
//!
//! Each entry is `key << 32 | doc`, sorted, so that a key's documents come in document order
//! (as postings would). A directory over the top bits of the key finds a key's run with one
//! read and a scan of a few entries.

use tantivy::columnar::Column;
use tantivy::DocId;

use super::signature::{Stored, BAND_KEY_BITS};
use super::BAND_KEYS;

/// Bits of a band key: its hash and its bin number above it.
const KEY_BITS: u32 = BAND_KEY_BITS + BAND_KEYS.trailing_zeros();

/// One segment's band keys.
#[derive(Debug, Default)]
pub(crate) struct BandTable {
    /// `key << 32 | doc`, sorted.
    entries: Vec<u64>,
    /// `dir[b]..dir[b + 1]` are the entries whose key's top `dir_bits` bits are `b`.
    dir: Vec<u32>,
    dir_bits: u32,
}

impl BandTable {
    /// The table of the documents `0..max_doc` of a segment, from its sketch column;
    /// documents without a stored sketch (no signature, or another sketch version) have no
    /// keys, and `alive` says which documents to keep.
    pub(crate) fn build(
        sketch: &Column<u64>,
        max_doc: DocId,
        alive: impl Fn(DocId) -> bool,
    ) -> BandTable {
        let mut entries = Vec::with_capacity(max_doc as usize * BAND_KEYS);
        for doc in 0..max_doc {
            if !alive(doc) {
                continue;
            }
            if let Some(stored) = Stored::from_values(sketch.values_for_doc(doc)) {
                entries.extend(stored.bands.iter().map(|&key| (key << 32) | u64::from(doc)));
            }
        }
        entries.sort_unstable();
        BandTable::from_sorted(entries)
    }

    fn from_sorted(entries: Vec<u64>) -> BandTable {
        debug_assert!(entries.is_sorted());
        // About four entries per directory slot.
        let dir_bits = (entries.len() / 4).max(1).ilog2().min(KEY_BITS);
        let mut dir = Vec::with_capacity((1 << dir_bits) + 1);
        let mut at = 0usize;
        for b in 0..=(1u64 << dir_bits) {
            let first_key = b << (KEY_BITS - dir_bits);
            while at < entries.len() && (entries[at] >> 32) < first_key {
                at += 1;
            }
            dir.push(at as u32);
        }
        BandTable { entries, dir, dir_bits }
    }

    /// The documents holding `key`, in document order.
    pub(crate) fn docs(&self, key: u64) -> impl Iterator<Item = DocId> + '_ {
        let run: &[u64] = match key >> (KEY_BITS - self.dir_bits) {
            b if (b as usize) + 1 < self.dir.len() => {
                let slot =
                    &self.entries[self.dir[b as usize] as usize..self.dir[b as usize + 1] as usize];
                let start = slot.partition_point(|&e| (e >> 32) < key);
                let end = start + slot[start..].partition_point(|&e| (e >> 32) == key);
                &slot[start..end]
            }
            _ => &[],
        };
        run.iter().map(|&e| e as DocId)
    }

    /// Every key of the table (repeated as often as articles hold it).
    pub(crate) fn keys(&self) -> impl Iterator<Item = u64> + '_ {
        self.entries.iter().map(|&e| e >> 32)
    }

    /// Entries held.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Bytes held.
    pub(crate) fn bytes(&self) -> usize {
        self.entries.capacity() * 8 + self.dir.capacity() * 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(pairs: &[(u64, DocId)]) -> BandTable {
        let mut entries: Vec<u64> = pairs.iter().map(|&(k, d)| (k << 32) | u64::from(d)).collect();
        entries.sort_unstable();
        BandTable::from_sorted(entries)
    }

    fn docs(t: &BandTable, key: u64) -> Vec<DocId> {
        t.docs(key).collect()
    }

    #[test]
    fn a_key_gives_its_documents_in_order() {
        let t = table(&[(5, 9), (5, 2), (7, 1), (1 << (KEY_BITS - 1), 3), (5, 4)]);
        assert_eq!(docs(&t, 5), [2, 4, 9]);
        assert_eq!(docs(&t, 7), [1]);
        assert_eq!(docs(&t, 1 << (KEY_BITS - 1)), [3], "the largest bin");
        assert!(docs(&t, 6).is_empty(), "a key between two");
        assert!(docs(&t, (1 << KEY_BITS) - 1).is_empty(), "the last key");
    }

    #[test]
    fn an_empty_table_has_no_documents() {
        let t = table(&[]);
        assert!(docs(&t, 0).is_empty());
        assert!(docs(&t, 12345).is_empty());
        assert_eq!(t.len(), 0);
    }

    #[test]
    fn every_key_of_a_large_table_is_found() {
        // Keys spread over the whole key space, some shared, many directory slots.
        let pairs: Vec<(u64, DocId)> = (0..20_000u32)
            .map(|d| (super::super::signature::mix(u64::from(d / 3)) & ((1 << KEY_BITS) - 1), d))
            .collect();
        let t = table(&pairs);
        assert!(t.dir_bits > 8);
        for &(key, doc) in pairs.iter().step_by(7) {
            let found = docs(&t, key);
            assert!(found.contains(&doc), "key {key:#x} doc {doc}: {found:?}");
            assert!(found.windows(2).all(|w| w[0] < w[1]), "in order");
        }
        assert_eq!(t.keys().count(), pairs.len());
    }
}
