//! `WordCache`: the term of each short word already seen, in one cache line or less.
//!
//! News repeat their words, so the analyzer remembers the term of every plain word it has
//! analyzed. A general hash map keeps keys and values behind pointers, and a lookup then
//! touches three or four cache lines; this table keeps both inline in 32-byte slots, so a
//! lookup reads one slot. It is a cache, not a map: when the probe window of a word is full,
//! the word takes the slot of an older one.

use std::hash::Hasher;

use rustc_hash::FxHasher;

/// The longest word, in bytes, the cache keeps.
pub(crate) const MAX_KEY: usize = 16;
/// The longest term, in bytes, the cache keeps.
const MAX_TERM: usize = 14;
/// Slots: 65,536 × 32 bytes = 2 MiB, allocated on the first insert.
const SLOTS: usize = 1 << 16;
/// Slots probed from a word's home slot.
const WINDOW: usize = 4;
/// `term_len` of an empty slot.
const EMPTY: u8 = u8::MAX;
/// `term_len` of a word that has no term.
const NO_TERM: u8 = u8::MAX - 1;

#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct Slot {
    key: [u8; MAX_KEY],
    term: [u8; MAX_TERM],
    key_len: u8,
    term_len: u8,
}

const EMPTY_SLOT: Slot =
    Slot { key: [0; MAX_KEY], term: [0; MAX_TERM], key_len: 0, term_len: EMPTY };

/// What the cache knows of a word.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Cached<'a> {
    /// The word is not in the cache.
    Unknown,
    /// The word gives no term.
    NoTerm,
    /// The word's term.
    Term(&'a str),
}

/// Word → term, for words of at most [`MAX_KEY`] bytes.
#[derive(Default)]
pub(crate) struct WordCache {
    slots: Vec<Slot>,
}

#[inline]
fn padded(word: &str) -> Option<[u8; MAX_KEY]> {
    let bytes = word.as_bytes();
    if bytes.len() > MAX_KEY {
        return None;
    }
    let mut key = [0u8; MAX_KEY];
    key[..bytes.len()].copy_from_slice(bytes);
    Some(key)
}

#[inline]
fn home(key: &[u8; MAX_KEY]) -> usize {
    let mut h = FxHasher::default();
    h.write(key);
    // the high bits of Fx are the well-mixed ones
    (h.finish() >> 48) as usize & (SLOTS - 1)
}

impl WordCache {
    /// What the cache knows of `word`.
    #[inline]
    pub(crate) fn get(&self, word: &str) -> Cached<'_> {
        if self.slots.is_empty() {
            return Cached::Unknown;
        }
        let Some(key) = padded(word) else { return Cached::Unknown };
        let len = word.len() as u8;
        let start = home(&key);
        for i in 0..WINDOW {
            let slot = &self.slots[(start + i) & (SLOTS - 1)];
            if slot.term_len == EMPTY {
                return Cached::Unknown;
            }
            if slot.key_len == len && slot.key == key {
                if slot.term_len == NO_TERM {
                    return Cached::NoTerm;
                }
                let term = &slot.term[..slot.term_len as usize];
                debug_assert!(std::str::from_utf8(term).is_ok());
                // SAFETY: `insert` is the only writer of `term` and `term_len`, and it copies
                // a whole `&str` into them, so these bytes are valid UTF-8.
                return Cached::Term(unsafe { std::str::from_utf8_unchecked(term) });
            }
        }
        Cached::Unknown
    }

    /// Remembers that `word` gives `term` (`None`: no term). Words or terms too long for a
    /// slot are not kept.
    pub(crate) fn insert(&mut self, word: &str, term: Option<&str>) {
        let Some(key) = padded(word) else { return };
        let term_bytes = term.map_or(&[][..], str::as_bytes);
        if term_bytes.len() > MAX_TERM {
            return;
        }
        if self.slots.is_empty() {
            self.slots = vec![EMPTY_SLOT; SLOTS];
        }
        let start = home(&key);
        let mut target = start;
        for i in 0..WINDOW {
            let at = (start + i) & (SLOTS - 1);
            let slot = &self.slots[at];
            if slot.term_len == EMPTY || (slot.key_len as usize == word.len() && slot.key == key) {
                target = at;
                break;
            }
        }
        let slot = &mut self.slots[target];
        slot.key = key;
        slot.key_len = word.len() as u8;
        slot.term = [0; MAX_TERM];
        slot.term[..term_bytes.len()].copy_from_slice(term_bytes);
        slot.term_len = if term.is_some() { term_bytes.len() as u8 } else { NO_TERM };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_terms_and_words_without_term() {
        let mut c = WordCache::default();
        assert_eq!(c.get("sécurité"), Cached::Unknown);
        c.insert("sécurité", Some("secur"));
        c.insert("\u{AD}", None);
        assert_eq!(c.get("sécurité"), Cached::Term("secur"));
        assert_eq!(c.get("\u{AD}"), Cached::NoTerm);
        assert_eq!(c.get("securite"), Cached::Unknown);
    }

    #[test]
    fn long_words_and_terms_are_not_kept() {
        let mut c = WordCache::default();
        c.insert("anticonstitutionnellement", Some("anticonstitutionnel"));
        assert_eq!(c.get("anticonstitutionnellement"), Cached::Unknown);
        c.insert("abcd", Some("a term longer than fourteen"));
        assert_eq!(c.get("abcd"), Cached::Unknown);
    }

    #[test]
    fn a_full_window_evicts_instead_of_growing() {
        let mut c = WordCache::default();
        for i in 0..200_000 {
            let w = format!("w{i}");
            c.insert(&w, Some(&w));
            assert_eq!(c.get(&w), Cached::Term(w.as_str()), "just inserted {w}");
        }
        assert_eq!(c.slots.len(), SLOTS);
    }

    #[test]
    fn same_prefix_different_lengths_differ() {
        let mut c = WordCache::default();
        c.insert("ab", Some("x"));
        c.insert("ab\0", Some("y"));
        assert_eq!(c.get("ab"), Cached::Term("x"));
        assert_eq!(c.get("ab\0"), Cached::Term("y"));
    }
}
