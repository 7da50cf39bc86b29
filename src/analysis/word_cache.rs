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
    /// The word's bytes, zero-padded, little-endian.
    key: u128,
    term: [u8; MAX_TERM],
    key_len: u8,
    term_len: u8,
}

const EMPTY_SLOT: Slot = Slot { key: 0, term: [0; MAX_TERM], key_len: 0, term_len: EMPTY };

/// What the cache knows of a word.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Cached<'a> {
    /// The word is not in the cache.
    Unknown,
    /// The word gives no term.
    NoTerm,
    /// The word's term.
    Term(Term<'a>),
}

/// A term of the cache.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub(crate) struct Term<'a> {
    /// The term followed by NUL bytes: [`MAX_TERM`] bytes.
    padded: &'a str,
    len: usize,
}

impl<'a> Term<'a> {
    /// The term.
    #[cfg(test)]
    pub(crate) fn as_str(&self) -> &'a str {
        &self.padded[..self.len]
    }

    /// Makes `out` the term. The copy has the same size for every term, so it is a few
    /// moves rather than a call to `memcpy` with a branch on the length.
    #[inline]
    pub(crate) fn write_to(&self, out: &mut String) {
        out.clear();
        out.push_str(self.padded);
        out.truncate(self.len);
    }
}

/// Word → term, for words of at most [`MAX_KEY`] bytes.
#[derive(Default)]
pub(crate) struct WordCache {
    slots: Vec<Slot>,
}

/// The key of the word `text[start..end]`: its bytes, zero-padded to [`MAX_KEY`]. When the
/// text goes on for 16 bytes from `start`, they are read at once and the bytes past the word
/// masked off, so no copy of a variable length is made.
#[inline]
fn key(text: &str, start: usize, end: usize) -> Option<u128> {
    let len = end - start;
    if len > MAX_KEY {
        return None;
    }
    let bytes = text.as_bytes();
    let window = match bytes.get(start..).and_then(<[u8]>::first_chunk::<MAX_KEY>) {
        Some(window) => u128::from_le_bytes(*window),
        None => {
            let mut padded = [0u8; MAX_KEY];
            padded[..len].copy_from_slice(&bytes[start..end]);
            return Some(u128::from_le_bytes(padded));
        }
    };
    Some(window & MASKS[len])
}

/// `MASKS[n]` keeps the first `n` bytes of a little-endian `u128`.
static MASKS: [u128; MAX_KEY + 1] = {
    let mut masks = [u128::MAX; MAX_KEY + 1];
    let mut n = 0;
    while n < MAX_KEY {
        masks[n] = (1u128 << (n * 8)) - 1;
        n += 1;
    }
    masks
};

#[inline]
fn home(key: u128) -> usize {
    let mut h = FxHasher::default();
    h.write_u128(key);
    // the high bits of Fx are the well-mixed ones
    (h.finish() >> 48) as usize & (SLOTS - 1)
}

impl WordCache {
    /// What the cache knows of the word `text[start..end]`.
    #[inline]
    pub(crate) fn get(&self, text: &str, start: usize, end: usize) -> Cached<'_> {
        if self.slots.is_empty() {
            return Cached::Unknown;
        }
        let Some(key) = key(text, start, end) else { return Cached::Unknown };
        let len = (end - start) as u8;
        let home = home(key);
        for i in 0..WINDOW {
            let slot = &self.slots[(home + i) & (SLOTS - 1)];
            if slot.term_len == EMPTY {
                return Cached::Unknown;
            }
            if slot.key == key && slot.key_len == len {
                if slot.term_len == NO_TERM {
                    return Cached::NoTerm;
                }
                debug_assert!(std::str::from_utf8(&slot.term).is_ok());
                // SAFETY: `insert` is the only writer of `term` and `term_len`: it zeroes
                // `term`, then copies a whole `&str` of `term_len` bytes at its start, so
                // `term` is valid UTF-8 (that string, then NUL characters) and `term_len` is
                // a char boundary.
                let padded = unsafe { std::str::from_utf8_unchecked(&slot.term) };
                return Cached::Term(Term { padded, len: slot.term_len as usize });
            }
        }
        Cached::Unknown
    }

    /// Remembers that the word `text[start..end]` gives `term` (`None`: no term). Words or
    /// terms too long for a slot are not kept.
    pub(crate) fn insert(&mut self, text: &str, start: usize, end: usize, term: Option<&str>) {
        let Some(key) = key(text, start, end) else { return };
        let term_bytes = term.map_or(&[][..], str::as_bytes);
        if term_bytes.len() > MAX_TERM {
            return;
        }
        if self.slots.is_empty() {
            self.slots = vec![EMPTY_SLOT; SLOTS];
        }
        let len = (end - start) as u8;
        let home = home(key);
        let mut target = home;
        for i in 0..WINDOW {
            let at = (home + i) & (SLOTS - 1);
            let slot = &self.slots[at];
            if slot.term_len == EMPTY || (slot.key_len == len && slot.key == key) {
                target = at;
                break;
            }
        }
        let slot = &mut self.slots[target];
        slot.key = key;
        slot.key_len = len;
        slot.term = [0; MAX_TERM];
        slot.term[..term_bytes.len()].copy_from_slice(term_bytes);
        slot.term_len = if term.is_some() { term_bytes.len() as u8 } else { NO_TERM };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(c: &'a WordCache, word: &str) -> Cached<'a> {
        c.get(word, 0, word.len())
    }

    fn insert(c: &mut WordCache, word: &str, term: Option<&str>) {
        c.insert(word, 0, word.len(), term)
    }

    /// What `get` answers for a word whose term is `t`, checked through `as_str` and
    /// `write_to`.
    fn term(t: &str) -> Cached<'static> {
        Cached::Term(Term {
            padded: Box::leak(format!("{t:\0<14}").into_boxed_str()),
            len: t.len(),
        })
    }

    #[test]
    fn a_term_reads_back_whole_through_as_str_and_write_to() {
        let mut c = WordCache::default();
        insert(&mut c, "élévation", Some("élév"));
        let Cached::Term(t) = get(&c, "élévation") else { panic!("élévation not cached") };
        assert_eq!(t.as_str(), "élév");
        let mut out = String::from("something longer than the term");
        t.write_to(&mut out);
        assert_eq!(out, "élév");
    }

    #[test]
    fn a_word_inside_a_longer_text_has_the_key_of_the_word_alone() {
        let mut c = WordCache::default();
        let text = "le gouvernement démissionne aujourd'hui";
        c.insert(text, 3, 15, Some("gouvern"));
        assert_eq!(get(&c, "gouvernement"), term("gouvern"));
        assert_eq!(c.get(text, 3, 15), term("gouvern"));
        let tail = "x gouvernement";
        assert_eq!(c.get(tail, 2, tail.len()), term("gouvern"));
        assert_eq!(c.get(text, 3, 14), Cached::Unknown);
        assert_eq!(c.get(text, 0, 2), Cached::Unknown);
    }

    #[test]
    fn remembers_terms_and_words_without_term() {
        let mut c = WordCache::default();
        assert_eq!(get(&c, "sécurité"), Cached::Unknown);
        insert(&mut c, "sécurité", Some("secur"));
        insert(&mut c, "\u{AD}", None);
        assert_eq!(get(&c, "sécurité"), term("secur"));
        assert_eq!(get(&c, "\u{AD}"), Cached::NoTerm);
        assert_eq!(get(&c, "securite"), Cached::Unknown);
    }

    #[test]
    fn long_words_and_terms_are_not_kept() {
        let mut c = WordCache::default();
        insert(&mut c, "anticonstitutionnellement", Some("anticonstitutionnel"));
        assert_eq!(get(&c, "anticonstitutionnellement"), Cached::Unknown);
        insert(&mut c, "abcd", Some("a term longer than fourteen"));
        assert_eq!(get(&c, "abcd"), Cached::Unknown);
    }

    #[test]
    fn a_full_window_evicts_instead_of_growing() {
        let mut c = WordCache::default();
        for i in 0..200_000 {
            let w = format!("w{i}");
            insert(&mut c, &w, Some(&w));
            assert_eq!(get(&c, &w), term(&w), "just inserted {w}");
        }
        assert_eq!(c.slots.len(), SLOTS);
    }

    #[test]
    fn same_prefix_different_lengths_differ() {
        let mut c = WordCache::default();
        insert(&mut c, "ab", Some("x"));
        insert(&mut c, "ab\0", Some("y"));
        assert_eq!(get(&c, "ab"), term("x"));
        assert_eq!(get(&c, "ab\0"), term("y"));
    }
}
