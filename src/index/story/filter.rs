//! A blocked Bloom filter over the band keys of the committed index.
//!
//! Looking a term up costs about 0.2 µs per segment (tantivy's term dictionary, measured on
//! a 10-segment index): 16 band keys × 10 segments would cost 35 µs per article, a tenth of
//! indexing one. Nearly every key of a new article is in no segment, so the filter answers
//! first: one cache line per key (Putze, Sanders, Singler 2007), 10 bits per key, about 1%
//! false positives. Only a key it may hold is looked up in the segments.
//!
//! Keys are already uniform 64-bit hashes ([`super::signature::mix`]), so the filter takes its
//! bits from the key itself. It never forgets a key (deleted articles leave false positives,
//! which cost one lookup, never a wrong answer) and is rebuilt from the index when it holds
//! more keys than it was sized for.

/// Bits per key the filter is sized for.
const BITS_PER_KEY: usize = 10;
/// Bits set per key, all in one 512-bit block.
const PROBES: u32 = 6;
/// The smallest filter: 2^16 keys.
const MIN_KEYS: usize = 1 << 16;

/// A blocked Bloom filter of `u64` hashes.
#[derive(Clone, Debug)]
pub(crate) struct BandFilter {
    blocks: Vec<[u64; 8]>,
    /// Keys it was sized for.
    capacity: usize,
    /// Keys inserted.
    len: usize,
}

impl BandFilter {
    /// An empty filter sized for `keys` keys (at least [`MIN_KEYS`]).
    pub(crate) fn with_capacity(keys: usize) -> BandFilter {
        let keys = keys.max(MIN_KEYS);
        let blocks = (keys * BITS_PER_KEY).div_ceil(512).next_power_of_two();
        BandFilter { blocks: vec![[0u64; 8]; blocks], capacity: keys, len: 0 }
    }

    /// The block of `key` and its bit positions in it.
    #[inline]
    fn probes(&self, key: u64) -> (usize, impl Iterator<Item = (usize, u64)>) {
        // The block from a multiplicative remix of the key, the six 9-bit positions in it from
        // its low 54 bits.
        let block =
            ((key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize) & (self.blocks.len() - 1);
        let bits = key;
        let positions = (0..PROBES).map(move |p| {
            let pos = ((bits >> (9 * p)) & 511) as usize;
            (pos / 64, 1u64 << (pos % 64))
        });
        (block, positions)
    }

    /// Adds `key`.
    pub(crate) fn insert(&mut self, key: u64) {
        let (block, positions) = self.probes(key);
        let b = &mut self.blocks[block];
        for (word, bit) in positions {
            b[word] |= bit;
        }
        self.len += 1;
    }

    /// False when `key` was never inserted; true when it was (or, rarely, was not).
    #[inline]
    pub(crate) fn may_contain(&self, key: u64) -> bool {
        let (block, mut positions) = self.probes(key);
        let b = &self.blocks[block];
        positions.all(|(word, bit)| b[word] & bit != 0)
    }

    /// Whether it holds more keys than it was sized for (its false positives grow).
    pub(crate) fn is_full(&self) -> bool {
        self.len > self.capacity
    }

    /// Bytes of memory it holds.
    pub(crate) fn bytes(&self) -> usize {
        self.blocks.len() * 64
    }
}

#[cfg(test)]
mod tests {
    use super::super::signature::mix;
    use super::*;

    #[test]
    fn holds_what_it_was_given_and_little_else() {
        let mut f = BandFilter::with_capacity(100_000);
        for k in 0..100_000u64 {
            f.insert(mix(k));
        }
        assert!((0..100_000u64).all(|k| f.may_contain(mix(k))), "a false negative");
        let false_positives = (100_000..200_000u64).filter(|&k| f.may_contain(mix(k))).count();
        assert!(false_positives < 2_000, "{false_positives} false positives in 100,000");
        assert!(!f.is_full());
        f.insert(mix(1 << 40));
        assert_eq!(f.len, 100_001);
        assert!(f.bytes() >= 100_000 * BITS_PER_KEY / 8);
    }

    #[test]
    fn an_overfull_filter_says_so() {
        let mut f = BandFilter::with_capacity(1);
        for k in 0..=MIN_KEYS as u64 {
            f.insert(mix(k));
        }
        assert!(f.is_full());
    }
}
