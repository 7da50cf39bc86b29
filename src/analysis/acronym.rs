//! Acronyms written in capitals: `CIA`, `l’OMS`, `C.I.A.` get, besides their stem, a term of
//! their own that no ordinary word shares.
//!
//! Snowball stems acronyms like words: `CIA` → `ci` (and « celle-ci » has `ci`), `OMS` → `om`
//! (the football club OM), `DEFA` → `def` (« défie »). The indexing analyzers
//! ([`indexing_analyzer`](super::indexing_analyzer)) therefore add, at the position of a word
//! written in capitals that looks like an acronym, the term [`ACRONYM_PREFIX`] + the folded
//! word (`^cia`): a reader who types `CIA` in capitals asks for that term, and lowercase
//! `cia` still finds the article through the stem, which stays. The term is only *added*, so
//! a headline written in capitals loses nothing: its words keep their stems.
//!
//! # What counts as an acronym
//!
//! A word of 2 to 6 ASCII letters, all capitals (dots between single letters allowed:
//! `C.I.A.`), and one of:
//!
//! - at most 3 letters (`PS`, `ONU`, `CGT`),
//! - no vowel (`SNCF`, `CNRS`),
//! - not inside a run of words in capitals (words of 2 letters or more, no lowercase) that
//!   reads like a headline: 3 words or more, or 2 of which one is no acronym in shape (more
//!   than 6 letters, accents, digits). `la NASA a`, `UNSA ICNA` (two acronyms side by side)
//!   and `LA NASA` are acronyms; `LA NASA LANCE` and `NASA LANCERAIT` are not.
//!
//! So in a headline written all in capitals (« LE GOUVERNEMENT DÉMISSIONNE », « GRÈVE À LA
//! SNCF ») the words that look like words (4 letters or more, with a vowel) are not taken for
//! acronyms, and the short or vowel-less ones still are (`SNCF`); elsewhere any short word in
//! capitals is one (`NASA`, `FIFA`, `INSEE`, `OTAN`). No list is involved: the same rule holds
//! for acronyms nobody has seen yet. Words with digits (`G7`, `COP21`) or accents are not
//! acronyms here; they are indexed as they are anyway.

use super::segmenter::is_word_char;

/// The first byte of every acronym term (`^cia`). No word gives a term that starts with it:
/// `^` is never part of a word. It is also the [`CAPITAL_MARK`](super::CAPITAL_MARK), which
/// is that byte alone.
pub const ACRONYM_PREFIX: &str = "^";

/// The fewest letters of an acronym.
pub const MIN_ACRONYM_LETTERS: usize = 2;
/// The most letters of an acronym.
pub const MAX_ACRONYM_LETTERS: usize = 6;

/// How far, in bytes, to look for the words around a candidate.
const CONTEXT_BYTES: usize = 128;

/// Whether `letters` (ASCII capitals) has the length of an acronym.
#[inline]
pub(crate) fn has_acronym_length(letters: usize) -> bool {
    (MIN_ACRONYM_LETTERS..=MAX_ACRONYM_LETTERS).contains(&letters)
}

/// Whether a word of `letters` (folded or not) reads like an ordinary word: 4 letters or
/// more, and a vowel.
pub(crate) fn looks_like_a_word(letters: &[u8]) -> bool {
    letters.len() > 3
        && letters
            .iter()
            .any(|b| matches!(b.to_ascii_lowercase(), b'a' | b'e' | b'i' | b'o' | b'u' | b'y'))
}

/// Whether the word spanning `text[from..to]`, whose letters are `letters` (ASCII capitals,
/// 2 to 6 of them), is taken for an acronym: see the [module docs](self).
pub(crate) fn is_acronym(text: &str, from: usize, to: usize, letters: &[u8]) -> bool {
    if !looks_like_a_word(letters) {
        return true;
    }
    // the run of words in capitals around it, up to two words each side
    let (mut run, mut wordy) = (1, false);
    let mut at = from;
    for _ in 0..2 {
        let (word, start) = previous_word(text, at);
        if !in_capitals(word) {
            break;
        }
        (run, wordy, at) = (run + 1, wordy || !acronym_shaped(word), start);
    }
    let mut at = to;
    for _ in 0..2 {
        let (word, end) = next_word(text, at);
        if !in_capitals(word) {
            break;
        }
        (run, wordy, at) = (run + 1, wordy || !acronym_shaped(word), end);
    }
    run == 1 || (run == 2 && !wordy)
}

/// Whether `word` is 2 to 6 ASCII capitals.
fn acronym_shaped(word: &str) -> bool {
    has_acronym_length(word.len()) && word.bytes().all(|b| b.is_ascii_uppercase())
}

/// Whether `word` has 2 letters or more and no lowercase letter.
fn in_capitals(word: &str) -> bool {
    let mut letters = 0;
    for c in word.chars() {
        if c.is_lowercase() {
            return false;
        }
        letters += usize::from(c.is_alphabetic());
    }
    letters >= 2
}

/// The word that ends closest before `text[..from]`, within [`CONTEXT_BYTES`], and where it
/// starts. (An elided article is inside the span of the word it is glued to, so it is never
/// the neighbour.)
fn previous_word(text: &str, from: usize) -> (&str, usize) {
    let start = floor_boundary(text, from.saturating_sub(CONTEXT_BYTES));
    let before = text[start..from].trim_end_matches(|c: char| !is_word_char(c));
    let word_start = before.trim_end_matches(is_word_char).len();
    (&before[word_start..], start + word_start)
}

/// The word that starts closest after `text[to..]`, within [`CONTEXT_BYTES`], and where it
/// ends.
fn next_word(text: &str, to: usize) -> (&str, usize) {
    let end = floor_boundary(text, (to + CONTEXT_BYTES).min(text.len()));
    let after = text[to..end].trim_start_matches(|c: char| !is_word_char(c));
    let word_end = after.len() - after.trim_start_matches(is_word_char).len();
    (&after[..word_end], end - after.len() + word_end)
}

/// The largest char boundary of `text` at or below `at`.
fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(name, text, the candidate, taken for an acronym)`.
    const CASES: &[(&str, &str, &str, bool)] = &[
        ("three_letters_in_lowercase_text", "la CIA enquête", "CIA", true),
        ("elided", "selon l’OMS, la pandémie", "OMS", true),
        ("four_letters_with_vowels_alone", "la NASA a lancé", "NASA", true),
        ("six_letters", "l'UNESCO classe le site", "UNESCO", true),
        ("sentence_start", "FIFA : le président démissionne", "FIFA", true),
        ("vowel_less_in_a_capitals_headline", "GRÈVE À LA SNCF", "SNCF", true),
        ("short_in_a_capitals_headline", "LA CIA ACCUSÉE", "CIA", true),
        (
            "word_in_a_capitals_headline",
            "LE GOUVERNEMENT DÉMISSIONNE SOUS LA PRESSION",
            "SOUS",
            false,
        ),
        ("word_before_a_capitals_word", "GRÈVE GÉNÉRALE", "GRÈVE", false),
        ("word_after_a_capitals_word", "LA NASA LANCE", "NASA", false),
        ("one_capital_neighbour_letter_is_not_a_run", "A NASA", "NASA", true),
        ("next_to_a_capitalised_word", "Le PDG Thierry Breton", "PDG", true),
        ("elided_article_in_capitals", "L’OTAN réunit", "OTAN", true),
        ("elided_in_capitals_headline", "L’OTAN SE RÉUNIT", "OTAN", false),
        ("two_acronyms_side_by_side", "le syndicat UNSA ICNA , qui", "UNSA", true),
        ("next_to_a_long_word_in_capitals", "NASA LANCERAIT", "NASA", false),
        ("two_short_words_in_capitals", "LA NASA", "NASA", true),
    ];

    #[test]
    fn acronyms_and_capitals_headline_words() {
        for &(name, text, word, expected) in CASES {
            let from = text.find(word).expect(name);
            let to = from + word.len();
            let letters = word.as_bytes();
            if word.is_ascii() && has_acronym_length(letters.len()) {
                assert_eq!(is_acronym(text, from, to, letters), expected, "{name}: {text:?}");
            } else {
                assert!(!expected, "{name}: not ASCII capitals of an acronym's length");
            }
        }
    }

    #[test]
    fn neighbours_are_found_across_punctuation_and_elisions() {
        let text = "la « NASA";
        assert_eq!(previous_word(text, text.find("NASA").unwrap()), ("la", 0));
        let text = "LA L’OTAN";
        assert_eq!(previous_word(text, text.find("L’").unwrap()), ("LA", 0));
        assert_eq!(previous_word("OTAN", 0), ("", 0));
        assert_eq!(next_word("NASA, LANCE", 4), ("LANCE", 11));
        assert_eq!(next_word("NASA", 4), ("", 4));
        let long = format!("{}NASA", " ".repeat(300));
        assert_eq!(previous_word(&long, 300).0, "");
    }
}
