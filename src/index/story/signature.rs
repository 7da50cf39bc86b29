//! An article's near-duplicate signature: word shingles of its body, sketched by one
//! permutation hashing.
//!
//! **Words.** The text is folded ([`crate::analysis::fold`]: case, diacritics, ligatures,
//! typographic apostrophes), then cut into runs of letters and digits; every other character
//! separates words, so retyped apostrophes (`l'` / `l’` / `l' `), quotes, spaces (no-break,
//! narrow, doubled) and line breaks give the same words. A group of three digits after a
//! space (`2 500`, `2 500`) joins the number before it, as `2500` typed without a space does.
//! No stemming and no stop-word removal: republications keep their words, and stop words make
//! shingles specific.
//!
//! **Shingles.** Every run of [`SHINGLE_WORDS`] consecutive words of the body, hashed to 64
//! bits. Only the body: the title, the lead (chapô) and the byline are what outlets rewrite,
//! and measured on the republication set (`docs/stories.md`) body shingles separate versions
//! from template negatives far better than title + lead + body. An article whose body has
//! fewer than [`MIN_BODY_SHINGLES`] shingles is shingled over title, lead and body.
//!
//! **Sketch.** One permutation hashing with optimal densification (Li, Owen, Zhang 2012;
//! Shrivastava 2017): each shingle hash falls into one of [`SKETCH_BINS`] bins by its top bits
//! and each bin keeps the smallest value it saw; an empty bin copies the value of the first
//! non-empty bin a fixed probe sequence reaches. Two sketches agree on a bin with probability
//! the Jaccard similarity of the shingle sets, as [`SKETCH_BINS`] min-hashes would, for one
//! hash per shingle. The index stores the low 4 bits of each bin (b-bit min-hashing, Li and
//! König 2010), with the shingle count: [`Sketch::containment`] estimates how much of the
//! smaller set the larger one holds.
//!
//! **Band keys.** The full values of the first [`BAND_KEYS`] bins, each hashed with its bin
//! number, are stored with the sketch (not indexed as terms: 8 unique terms per article cost
//! tantivy's term dictionary more than the whole signature, `docs/stories.md`; the lookup
//! reads them into a sorted table per segment, `bands.rs`): two articles share a key with
//! probability about their Jaccard similarity, so one of 8 keys finds a near-duplicate of
//! Jaccard 0.35 with probability 1 − 0.65⁸ ≈ 97%. A key keeps 24 bits of that hash beside
//! its bin number: with 20, a million articles fill the key space, nearly every key of a new
//! article is shared by unrelated ones, and each of them is a candidate to read; 32 bits
//! (measured when the keys were still terms) cost more for few collisions fewer.

use unicode_normalization::char::is_combining_mark;

use crate::analysis::fold_char;

/// Words per shingle. Measured on the republication set: 8 keeps every version pair above
/// 0.72 body containment and every template negative below 0.74 (5 words: negatives up
/// to 0.80).
pub const SHINGLE_WORDS: usize = 8;
/// Bins of the sketch.
pub const SKETCH_BINS: usize = 128;
/// Band keys (LSH terms) per article.
pub const BAND_KEYS: usize = 8;
/// A body with fewer shingles than this is shingled with the title and the lead.
pub const MIN_BODY_SHINGLES: usize = 5;
/// An article with fewer shingles than this gets no signature: it is its own story.
pub const MIN_SHINGLES: usize = 2;
/// Words read per article: a longer text is shingled on its first words only. Outlets cut
/// and edit a dispatch at its edges, so its first 400 words tell it from another as well as
/// the whole text does, and a quarter of the words of the bundled news lie past them: the
/// signature costs that much less, and a huge article no more than a long one.
pub const MAX_WORDS: usize = 400;

/// Bits kept of each bin's value (b-bit min-hashing): two different values agree on them
/// with probability 1/16, which the estimate corrects for. Measured against 8 bits, the error
/// of the containment estimate does not change (`docs/stories.md`); half the bytes to store.
pub const SKETCH_BITS: u32 = 4;
/// Version byte of the stored sketch (3: with the band keys).
const SKETCH_VERSION: u8 = 3;
/// Bits of a band key's hash; its bin number is above them.
pub(crate) const BAND_KEY_BITS: u32 = 24;
/// Bytes of a stored band key hash.
const BAND_KEY_BYTES: usize = BAND_KEY_BITS as usize / 8;
/// Where the band keys start in a stored sketch.
const BANDS_AT: usize = 1 + 2 + 4 + SKETCH_BINS * SKETCH_BITS as usize / 8;
/// Bytes of a stored sketch: version, shingle count (u16), id hash (u32), the bins' low bits,
/// the band keys' hashes.
const SKETCH_BYTES: usize = BANDS_AT + BAND_KEYS * BAND_KEY_BYTES;
/// The chance that two different bin values agree on their [`SKETCH_BITS`] low bits.
const CHANCE: f32 = 1.0 / (1u32 << SKETCH_BITS) as f32;
/// Mask of a bin's stored bits.
const BIN_MASK: u32 = (1 << SKETCH_BITS) - 1;
/// Payload bytes per stored value: the top byte of each `u64` is the value's rank, so that
/// the sketch reads back whatever order a multi-valued column keeps.
const VALUE_BYTES: usize = 7;
/// `u64` values of a stored sketch.
pub const SKETCH_VALUES: usize = SKETCH_BYTES.div_ceil(VALUE_BYTES);

/// 64-bit finalizer (MurmurHash3's fmix64): spreads every input bit over the output.
#[inline]
pub(crate) fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// FNV-1a of `bytes`, finalized.
#[inline]
pub(crate) fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    mix(h)
}

/// Byte classes: 0 separates words (ASCII punctuation and spaces), 1 is an ASCII letter or
/// digit, 2 starts or continues a non-ASCII character.
static CLASS: [u8; 256] = {
    let mut t = [2u8; 256];
    let mut c = 0;
    while c < 128 {
        t[c] = (c as u8).is_ascii_alphanumeric() as u8;
        c += 1;
    }
    t
};

const SEED: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0100_0000_01b3;

/// Calls `word` with the hash of each word of `text` (see the module docs), at most `max`
/// words; returns how many it found. ASCII is lowercased byte by byte, the letters of the
/// two-byte UTF-8 range (é, ç, œ) folded through a table ([`two_byte_folds`]); other
/// characters go through [`fold_char`] into a reused buffer: nothing is allocated per word.
/// The hashes are those of [`words_reference`], which reads every non-ASCII character
/// through [`fold_char`], byte for byte (a property test compares them).
fn words(text: &str, max: usize, buf: &mut String, word: impl FnMut(u64)) -> usize {
    words_with::<true>(text, max, buf, word)
}

/// [`words`] without the two-byte table: the definition the table must match.
#[cfg(test)]
fn words_reference(text: &str, max: usize, buf: &mut String, word: impl FnMut(u64)) -> usize {
    words_with::<false>(text, max, buf, word)
}

/// [`words`], the two-byte characters folded through [`two_byte_folds`] when `TABLE`.
fn words_with<const TABLE: bool>(
    text: &str,
    max: usize,
    buf: &mut String,
    mut word: impl FnMut(u64),
) -> usize {
    let b = text.as_bytes();
    let folds = two_byte_folds();
    let mut n = 0;
    let mut i = 0;
    let mut h = SEED;
    let mut in_word = false;
    // Digits only since the word started (for `2 500`).
    let mut digits = true;
    while i < b.len() {
        // A run of ASCII letters and digits: `| 0x20` lowercases a letter, keeps a digit.
        let start = i;
        while i < b.len() && CLASS[b[i] as usize] == 1 {
            h = (h ^ u64::from(b[i] | 0x20)).wrapping_mul(PRIME);
            i += 1;
        }
        if i > start {
            in_word = true;
            digits &= b[start..i].iter().all(u8::is_ascii_digit);
        }
        let Some(&c) = b.get(i) else { break };
        if TABLE && (0xc2..=0xdf).contains(&c) {
            // A two-byte character (é, à, ç, œ...): a `&str` holds its continuation byte.
            let point = (usize::from(c & 0x1f) << 6) | usize::from(b[i + 1] & 0x3f);
            if let TwoByte::Word { len, bytes } = folds[point - 0x80] {
                for &byte in &bytes[..usize::from(len)] {
                    h = (h ^ u64::from(byte)).wrapping_mul(PRIME);
                }
                if len > 0 {
                    digits = false;
                    in_word = true;
                }
                i += 2;
                continue;
            }
        }
        let width = utf8_width(c);
        if c >= 0x80 {
            let ch = text[i..].chars().next().unwrap_or(' ');
            if is_word_char(ch) {
                buf.clear();
                fold_char(ch, buf);
                for &byte in buf.as_bytes() {
                    h = (h ^ u64::from(byte)).wrapping_mul(PRIME);
                }
                if !buf.is_empty() {
                    digits = false;
                    in_word = true;
                }
                i += width;
                continue;
            }
        }
        if in_word && digits && thousands_group_follows(b, i, width) {
            // `2 500`: the group joins the number, as `2500` typed without a space.
            i += width;
            continue;
        }
        if in_word {
            // FNV-1a, unmixed: the shingle hash mixes the words it rolls.
            word(h);
            n += 1;
            if n >= max {
                return n;
            }
            h = SEED;
            in_word = false;
            digits = true;
        }
        i += width;
    }
    if in_word && n < max {
        word(h);
        n += 1;
    }
    n
}

/// What a character of the two-byte UTF-8 range (U+0080 to U+07FF) does in a word.
#[derive(Clone, Copy)]
enum TwoByte {
    /// A word character whose fold is these `len` bytes.
    Word { len: u8, bytes: [u8; 3] },
    /// A separator, or a fold too long for the table: read the slow way.
    Other,
}

/// [`is_word_char`] and [`fold_char`] of every character from U+0080 to U+07FF (most of
/// the non-ASCII letters of European news), computed once by those two functions.
fn two_byte_folds() -> &'static [TwoByte; 0x780] {
    static FOLDS: std::sync::OnceLock<Box<[TwoByte; 0x780]>> = std::sync::OnceLock::new();
    FOLDS.get_or_init(|| {
        let mut folds = Box::new([TwoByte::Other; 0x780]);
        let mut buf = String::new();
        for (k, slot) in folds.iter_mut().enumerate() {
            let Some(c) = char::from_u32(0x80 + k as u32) else { continue };
            buf.clear();
            fold_char(c, &mut buf);
            if is_word_char(c) && buf.len() <= 3 {
                let mut bytes = [0; 3];
                bytes[..buf.len()].copy_from_slice(buf.as_bytes());
                *slot = TwoByte::Word { len: buf.len() as u8, bytes };
            }
        }
        folds
    })
}

/// Whether a non-ASCII `c` belongs to a word: letters and digits, and the combining marks
/// and invisible characters that sit inside words. Latin letters and typographic
/// punctuation, most of French text past ASCII, are told apart without Unicode tables.
#[inline]
fn is_word_char(c: char) -> bool {
    match c {
        '\u{C0}'..='\u{24F}' => c != '×' && c != '÷',
        '\u{2000}'..='\u{206F}' => is_invisible(c),
        _ => c.is_alphanumeric() || is_combining_mark(c) || is_invisible(c),
    }
}

#[inline]
fn utf8_width(first: u8) -> usize {
    match first {
        0..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

/// Characters that sit inside a word and fold to nothing (soft hyphen, joiners).
#[inline]
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// Whether the separator at `b[i..i + width]` is a space (plain, no-break, narrow no-break,
/// thin) followed by exactly three digits.
#[inline]
fn thousands_group_follows(b: &[u8], i: usize, width: usize) -> bool {
    let sep = &b[i..i + width];
    let space = matches!(sep, b" " | [0xc2, 0xa0] | [0xe2, 0x80, 0xaf] | [0xe2, 0x80, 0x89]);
    let j = i + width;
    space
        && b.len() >= j + 3
        && b[j..j + 3].iter().all(u8::is_ascii_digit)
        && b.get(j + 3).is_none_or(|d| !d.is_ascii_digit())
}

/// `PRIME^SHINGLE_WORDS`, to take the oldest word out of the rolling hash.
const OUTGOING: u64 = {
    let mut p = 1u64;
    let mut k = 0;
    while k < SHINGLE_WORDS {
        p = p.wrapping_mul(ROLL);
        k += 1;
    }
    p
};
/// The multiplier of the rolling shingle hash (odd).
const ROLL: u64 = 0x2545_f491_4f6c_dd1d;

/// Feeds the shingles of `text` to `shingle`; returns the words read.
///
/// A shingle's hash is the polynomial `Σ w_k · ROLL^k` of its words' hashes (the newest
/// word at `k = 0`), rolled one word at a time, then mixed.
fn shingles(
    text: &str,
    max_words: usize,
    buf: &mut String,
    shingle: &mut impl FnMut(u64),
) -> usize {
    let mut ring = [0u64; SHINGLE_WORDS];
    let mut seen = 0usize;
    let mut rolling = 0u64;
    let n = words(text, max_words, buf, |w| {
        let slot = seen % SHINGLE_WORDS;
        rolling = rolling
            .wrapping_mul(ROLL)
            .wrapping_add(w)
            .wrapping_sub(ring[slot].wrapping_mul(OUTGOING));
        ring[slot] = w;
        seen += 1;
        if seen >= SHINGLE_WORDS {
            shingle(mix(rolling));
        }
    });
    if (1..SHINGLE_WORDS).contains(&n) {
        // A text shorter than a shingle is one shingle.
        shingle(mix(rolling));
    }
    n
}

/// The texts of an article a signature is made of.
#[derive(Clone, Copy, Debug)]
pub struct StoryText<'a> {
    /// Headline.
    pub title: &'a str,
    /// Standfirst.
    pub lead: &'a str,
    /// Body.
    pub body: &'a str,
}

/// Calls `shingle` with every shingle hash of `text` (the body's, and the title's and
/// lead's too for a short body); returns how many.
pub(crate) fn for_each_shingle(text: StoryText<'_>, mut shingle: impl FnMut(u64)) -> usize {
    let mut buf = String::new();
    let mut n = 0;
    let words = shingles(text.body, MAX_WORDS, &mut buf, &mut |s| {
        n += 1;
        shingle(s)
    });
    if n >= MIN_BODY_SHINGLES {
        return n;
    }
    let mut left = MAX_WORDS - words;
    for t in [text.title, text.lead] {
        left -= shingles(t, left, &mut buf, &mut |s| {
            n += 1;
            shingle(s)
        })
        .min(left);
    }
    n
}

/// The exact shingle set of `text` (the low 32 bits of each shingle hash, sorted,
/// deduplicated), for exact containment.
pub fn shingle_set(text: StoryText<'_>) -> Vec<u32> {
    let mut set = Vec::new();
    for_each_shingle(text, |s| set.push(s as u32));
    set.sort_unstable();
    set.dedup();
    set
}

/// `|a ∩ b| / min(|a|, |b|)` of two sorted sets (0 when one is empty): shingle hashes
/// ([`shingle_set`]) or their 16-bit fingerprints, as story assignment keeps them.
pub fn exact_containment<T: Ord>(a: &[T], b: &[T]) -> f32 {
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let m = a.len().min(b.len());
    if m == 0 {
        0.0
    } else {
        common as f32 / m as f32
    }
}

/// An article's signature: the full sketch and its band keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// The smallest 32-bit value of each bin, after densification.
    bins: [u32; SKETCH_BINS],
    /// Shingles hashed.
    shingles: u32,
    /// The low 32 bits of each shingle hash, in text order (for exact checks).
    list: Vec<u32>,
}

impl Signature {
    /// The signature of `text`, `None` when it has fewer than [`MIN_SHINGLES`] shingles.
    ///
    /// ```
    /// use depeche::index::story::{Signature, StoryText};
    /// let body = "Le gouvernement a présenté mercredi sa réforme des retraites, qui \
    ///             repousse l'âge légal de départ à 64 ans d'ici 2030.";
    /// let a = Signature::of(StoryText { title: "Retraites", lead: "", body }).unwrap();
    /// let retyped = body.replace('\'', "’");
    /// let b = Signature::of(StoryText { title: "VIDÉO. Retraites", lead: "", body: &retyped }).unwrap();
    /// assert_eq!(a, b);
    /// assert!(Signature::of(StoryText { title: "Brève", lead: "", body: "" }).is_none());
    /// ```
    pub fn of(text: StoryText<'_>) -> Option<Signature> {
        let mut bins = [u32::MAX; SKETCH_BINS];
        let mut filled = [false; SKETCH_BINS];
        let mut list = Vec::with_capacity(text.body.len() / 6 + 8);
        let n = for_each_shingle(text, |s| {
            list.push(s as u32);
            let bin = (s >> (64 - SKETCH_BINS.trailing_zeros())) as usize;
            let v = s as u32;
            if !filled[bin] || v < bins[bin] {
                bins[bin] = v;
                filled[bin] = true;
            }
        });
        if n < MIN_SHINGLES {
            return None;
        }
        densify(&mut bins, &filled);
        Some(Signature { bins, shingles: n as u32, list })
    }

    /// The shingles (low 32 bits of their hashes), in text order.
    pub(crate) fn shingles(&self) -> &[u32] {
        &self.list
    }

    /// The band keys: bin number and full value of the first [`BAND_KEYS`] bins, hashed
    /// ([`BAND_KEY_BITS`] bits of hash under the bin number).
    pub fn band_keys(&self) -> [u64; BAND_KEYS] {
        std::array::from_fn(|i| {
            let h = mix(((i as u64) << 32) | u64::from(self.bins[i]));
            ((i as u64) << BAND_KEY_BITS) | (h & ((1 << BAND_KEY_BITS) - 1))
        })
    }

    /// The stored form: version, shingle count, `id_hash`, the low bits of each bin and the
    /// band keys' hashes, 7 bytes per value behind the value's rank.
    pub(crate) fn to_values(&self, id_hash: u32) -> [u64; SKETCH_VALUES] {
        let mut bytes = [0u8; SKETCH_VALUES * VALUE_BYTES];
        bytes[0] = SKETCH_VERSION;
        bytes[1..3].copy_from_slice(&(self.shingles.min(u32::from(u16::MAX)) as u16).to_le_bytes());
        bytes[3..7].copy_from_slice(&id_hash.to_le_bytes());
        for (o, pair) in bytes[7..BANDS_AT].iter_mut().zip(self.bins.chunks(2)) {
            *o = ((pair[0] & BIN_MASK) | ((pair[1] & BIN_MASK) << SKETCH_BITS)) as u8;
        }
        for (o, key) in
            bytes[BANDS_AT..SKETCH_BYTES].chunks_exact_mut(BAND_KEY_BYTES).zip(self.band_keys())
        {
            o.copy_from_slice(&key.to_le_bytes()[..BAND_KEY_BYTES]);
        }
        std::array::from_fn(|i| {
            let mut v = (i as u64) << 56;
            for (k, &b) in bytes[i * VALUE_BYTES..(i + 1) * VALUE_BYTES].iter().enumerate() {
                v |= u64::from(b) << (8 * k);
            }
            v
        })
    }

    /// The stored sketch of this signature.
    pub fn sketch(&self) -> Sketch {
        let mut words = [0u64; SKETCH_WORDS];
        for (i, b) in self.bins.iter().enumerate() {
            words[i / NIBBLES] |= u64::from(b & BIN_MASK) << (SKETCH_BITS as usize * (i % NIBBLES));
        }
        Sketch { words, shingles: self.shingles.min(u32::from(u16::MAX)) }
    }
}

/// Fills each empty bin with the value of the first non-empty bin its probe sequence meets
/// (optimal densification: each empty bin probes with its own hash sequence).
fn densify(bins: &mut [u32; SKETCH_BINS], filled: &[bool; SKETCH_BINS]) {
    for i in 0..SKETCH_BINS {
        if filled[i] {
            continue;
        }
        let mut attempt = 1u64;
        loop {
            let j = (mix(((i as u64) << 32) ^ attempt) % SKETCH_BINS as u64) as usize;
            if filled[j] {
                bins[i] = bins[j];
                break;
            }
            attempt += 1;
        }
    }
}

/// Bins per `u64` of a packed sketch.
const NIBBLES: usize = 64 / SKETCH_BITS as usize;
/// `u64`s of a packed sketch.
const SKETCH_WORDS: usize = SKETCH_BINS / NIBBLES;

/// A stored sketch: the low bits of each bin, packed, and the shingle count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sketch {
    words: [u64; SKETCH_WORDS],
    shingles: u32,
}

/// What an article's stored sketch holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stored {
    pub(crate) sketch: Sketch,
    /// The low 32 bits of the hash of the article's id.
    pub(crate) id_hash: u32,
    /// Its band keys, as [`Signature::band_keys`] gives them.
    pub(crate) bands: [u64; BAND_KEYS],
}

impl Stored {
    /// Reads a stored sketch from its values (in any order); `None` for a missing value or
    /// another version.
    pub(crate) fn from_values(values: impl Iterator<Item = u64>) -> Option<Stored> {
        let mut bytes = [0u8; SKETCH_VALUES * VALUE_BYTES];
        let mut seen = 0u32;
        for v in values {
            let rank = (v >> 56) as usize;
            if rank >= SKETCH_VALUES {
                return None;
            }
            seen |= 1 << rank;
            for k in 0..VALUE_BYTES {
                bytes[rank * VALUE_BYTES + k] = (v >> (8 * k)) as u8;
            }
        }
        if seen != (1u32 << SKETCH_VALUES) - 1 || bytes[0] != SKETCH_VERSION {
            return None;
        }
        let shingles = u32::from(u16::from_le_bytes(bytes[1..3].try_into().ok()?));
        let id_hash = u32::from_le_bytes(bytes[3..7].try_into().ok()?);
        let mut words = [0u64; SKETCH_WORDS];
        for (w, chunk) in words.iter_mut().zip(bytes[7..BANDS_AT].chunks_exact(8)) {
            *w = u64::from_le_bytes(chunk.try_into().ok()?);
        }
        let mut bands = [0u64; BAND_KEYS];
        for (i, (key, chunk)) in bands
            .iter_mut()
            .zip(bytes[BANDS_AT..SKETCH_BYTES].chunks_exact(BAND_KEY_BYTES))
            .enumerate()
        {
            let mut le = [0u8; 8];
            le[..BAND_KEY_BYTES].copy_from_slice(chunk);
            *key = ((i as u64) << BAND_KEY_BITS) | u64::from_le_bytes(le);
        }
        Some(Stored { sketch: Sketch { words, shingles }, id_hash, bands })
    }
}

impl Sketch {
    /// Estimated Jaccard similarity of the two shingle sets: the share of equal bins,
    /// corrected for the chance (1/16) that two different values share their low bits.
    pub fn jaccard(&self, other: &Sketch) -> f32 {
        let p = self.equal_bins(other) as f32 / SKETCH_BINS as f32;
        let chance = CHANCE;
        ((p - chance) / (1.0 - chance)).clamp(0.0, 1.0)
    }

    /// Estimated share of the smaller shingle set found in the larger:
    /// `J · (|A| + |B|) / ((1 + J) · min(|A|, |B|))`.
    pub fn containment(&self, other: &Sketch) -> f32 {
        self.containment_of(self.jaccard(other), other)
    }

    /// Bins whose stored bits are equal: the zero nibbles of the XOR of the packed words.
    #[inline]
    fn equal_bins(&self, other: &Sketch) -> u32 {
        const LOW: u64 = 0x1111_1111_1111_1111;
        let mut differ = 0;
        for (a, b) in self.words.iter().zip(&other.words) {
            let mut x = a ^ b;
            x |= x >> 1;
            x |= x >> 2;
            differ += (x & LOW).count_ones();
        }
        SKETCH_BINS as u32 - differ
    }

    fn containment_of(&self, j: f32, other: &Sketch) -> f32 {
        let (a, b) = (self.shingles as f32, other.shingles as f32);
        let m = a.min(b).max(1.0);
        (j * (a + b) / ((1.0 + j) * m)).min(1.0)
    }

    /// The containment estimate and the bounds of its `spread`-sigma interval: the Jaccard
    /// estimate's standard error is `sqrt(P (1 − P) / bins)` over the equal-bin share `P`,
    /// and containment grows with Jaccard similarity. Sizes far apart widen the interval
    /// (a 6-shingle brief against a 140-shingle article multiplies the error by 24).
    pub(crate) fn containment_interval(&self, other: &Sketch, spread: f32) -> (f32, f32, f32) {
        let p = self.equal_bins(other) as f32 / SKETCH_BINS as f32;
        let chance = CHANCE;
        let to_j = |p: f32| ((p - chance) / (1.0 - chance)).clamp(0.0, 1.0);
        // A set of fewer shingles than bins fills the others with copies: it brings only as
        // many independent samples as it has shingles.
        let samples = (self.shingles.min(other.shingles) as usize).clamp(1, SKETCH_BINS) as f32;
        // A floor on the error: with every bin equal (or none) the observed spread is 0.
        let sigma = (p * (1.0 - p) / samples).sqrt().max(0.5 / samples);
        let c = |p: f32| self.containment_of(to_j(p), other);
        (c(p), c(p - spread * sigma), c(p + spread * sigma))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word_hashes(text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        words(text, usize::MAX, &mut String::new(), |w| out.push(w));
        out
    }

    /// (name, a, b): the two texts must give the same words.
    const SAME_WORDS: &[(&str, &str, &str)] = &[
        ("apostrophes", "l'Élysée aujourd'hui", "l’Élysée aujourd’hui"),
        ("apostrophe_then_space", "l' OMS", "l'OMS"),
        ("no_break_spaces", "« Bonjour » : oui !", "«\u{a0}Bonjour\u{a0}»\u{202f}: oui\u{a0}!"),
        ("doubled_spaces_and_breaks", "un deux\n\ntrois", "un  deux\ntrois"),
        ("case_and_accents", "ÉTAT d'urgence", "état d'urgence"),
        ("thousands_space", "2 500 000 euros", "2500000 euros"),
        ("thousands_no_break_space", "10\u{a0}000 manifestants", "10 000 manifestants"),
        ("decimal_comma", "3,5 %", "3.5%"),
        ("ellipsis", "Et puis... rien", "Et puis… rien"),
        ("nfd", "e\u{301}le\u{300}ve", "élève"),
        ("hyphen", "Saint-Étienne", "Saint Étienne"),
    ];

    #[test]
    fn retyped_text_gives_the_same_words() {
        for (name, a, b) in SAME_WORDS {
            assert_eq!(word_hashes(a), word_hashes(b), "{name}: {a:?} vs {b:?}");
        }
    }

    /// Characters of every path of [`words`]: ASCII letters, digits and punctuation,
    /// apostrophes, the spaces of digit groups, two-byte letters and separators (`×`, the
    /// no-break space), combining marks, invisible characters, three- and four-byte
    /// letters, and folds of more than three bytes (`ǆ` U+01C6 folds to `dž`).
    const MIXED: &str = "[a-zA-Z0-9 ,.'’\n\u{a0}\u{202f}\u{2009}éèàçœŒßÆ×÷ǆĳ\u{301}\u{327}\u{ad}\u{200d}\u{feff}ΑωЖяﬁＡｚ一😀]{0,80}";

    proptest::proptest! {
        #[test]
        fn fast_words_hash_as_the_reference(text in MIXED, max in 1usize..40) {
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            let n = words(&text, max, &mut String::new(), |w| fast.push(w));
            let m = words_reference(&text, max, &mut String::new(), |w| slow.push(w));
            proptest::prop_assert_eq!((n, &fast), (m, &slow), "{:?}", text);
        }

        #[test]
        fn fast_words_hash_as_the_reference_on_any_text(text in "\\PC{0,80}") {
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            words(&text, usize::MAX, &mut String::new(), |w| fast.push(w));
            words_reference(&text, usize::MAX, &mut String::new(), |w| slow.push(w));
            proptest::prop_assert_eq!(&fast, &slow, "{:?}", text);
        }
    }

    #[test]
    fn every_two_byte_character_hashes_as_the_reference() {
        for c in (0x80..0x800).filter_map(char::from_u32) {
            for text in
                [format!("a{c}b 5"), format!("{c}"), format!("12{c}345 x"), format!("2{c}500")]
            {
                assert_eq!(
                    word_hashes(&text),
                    reference_hashes(&text),
                    "U+{:04X} in {text:?}",
                    c as u32
                );
            }
        }
    }

    fn reference_hashes(text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        words_reference(text, usize::MAX, &mut String::new(), |w| out.push(w));
        out
    }

    #[test]
    fn digit_groups_join_only_by_three() {
        assert_eq!(word_hashes("12 34").len(), 2, "two numbers");
        assert_eq!(word_hashes("2016 2017").len(), 2, "two years");
        assert_eq!(word_hashes("1 2345").len(), 2, "four digits are not a group");
        assert_eq!(word_hashes("a 500").len(), 2, "a group joins digits only");
    }

    fn text(body: &str) -> StoryText<'_> {
        StoryText { title: "", lead: "", body }
    }

    const BODY: &str = "Le Tour de France s'est élancé samedi de Bilbao, au Pays basque espagnol, \
        pour trois semaines de course. Les coureurs ont parcouru 182 kilomètres sous un soleil \
        de plomb avant l'arrivée, jugée au sommet d'une côte sèche où le Danois s'est imposé.\n\n\
        Le maillot jaune sera remis en jeu dimanche lors de la deuxième étape, longue de 209 \
        kilomètres entre Vitoria-Gasteiz et Saint-Sébastien, avec cinq ascensions répertoriées.";

    #[test]
    fn a_cut_last_paragraph_is_contained() {
        let full = Signature::of(text(BODY)).unwrap().sketch();
        let cut = Signature::of(text(BODY.split("\n\n").next().unwrap())).unwrap().sketch();
        assert!(full.containment(&cut) > 0.85, "{}", full.containment(&cut));
        assert!(full.jaccard(&cut) < 0.8, "{}", full.jaccard(&cut));
    }

    #[test]
    fn another_text_is_not_contained() {
        let a = Signature::of(text(BODY)).unwrap().sketch();
        let other = "La Bourse de Paris a terminé la séance en hausse de 1,2 %, portée par les \
            valeurs bancaires et par les résultats trimestriels meilleurs que prévu de plusieurs \
            grands groupes industriels, selon les opérateurs de marché interrogés en fin de journée.";
        let b = Signature::of(text(other)).unwrap().sketch();
        assert!(a.containment(&b) < 0.1, "{}", a.containment(&b));
    }

    #[test]
    fn stored_values_round_trip_in_any_order() {
        let s = Signature::of(text(BODY)).unwrap();
        let mut values = s.to_values(42);
        let read = |v: &[u64]| Stored::from_values(v.iter().copied());
        let stored = read(&values).unwrap();
        assert_eq!((stored.sketch, stored.id_hash), (s.sketch(), 42));
        assert_eq!(stored.bands, s.band_keys(), "band keys");
        values.reverse();
        assert_eq!(read(&values), Some(stored), "reversed");
        assert!(read(&values[1..]).is_none(), "a value missing");
        let mut other_version = s.to_values(42);
        other_version[0] ^= 0xff;
        assert!(read(&other_version).is_none(), "version");
    }

    #[test]
    fn short_bodies_are_shingled_with_the_title() {
        let a = StoryText {
            title: "Décès de l'écrivain Juan Goytisolo",
            lead: "",
            body: "Il avait 86 ans.",
        };
        let b = StoryText {
            title: "Décès du dictateur Manuel Noriega",
            lead: "",
            body: "Il avait 86 ans.",
        };
        let (sa, sb) = (Signature::of(a).unwrap(), Signature::of(b).unwrap());
        assert!(sa.sketch().containment(&sb.sketch()) < 0.9);
        assert_eq!(shingle_set(a).len(), 2);
    }

    #[test]
    fn exact_containment_counts_the_smaller_set() {
        assert_eq!(exact_containment(&[1, 2, 3, 4], &[2, 4]), 1.0);
        assert_eq!(exact_containment(&[1, 2], &[2, 5]), 0.5);
        assert_eq!(exact_containment(&[], &[2, 5]), 0.0);
    }

    #[test]
    fn huge_texts_are_read_up_to_max_words() {
        let body = "mot ".repeat(MAX_WORDS + 100);
        assert_eq!(for_each_shingle(text(&body), |_| {}), MAX_WORDS - SHINGLE_WORDS + 1);
    }
}
