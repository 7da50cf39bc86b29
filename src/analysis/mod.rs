//! Text → terms: the French and English news analyzers.
//!
//! # Pipeline
//!
//! One tantivy tokenizer ([`NewsTokenizer`]) runs these stages, one file each, in this order:
//!
//! 1. **Segmentation** (`segmenter.rs`) on the original text: byte offsets on char boundaries,
//!    combining marks and invisible joiners kept inside words, apostrophes, hyphens, acronym
//!    dots and number separators kept as *joiners* inside a word unit.
//! 2. **Elision and apostrophes** (`elision.rs`): `l’ASEAN` → `ASEAN` (every apostrophe form,
//!    any case), lexicalized words kept whole (`aujourd’hui` → `aujourdhui`), English
//!    possessives dropped (`ASEAN’s` → `ASEAN`).
//! 3. **Folding** (`fold.rs`): lowercase, no diacritics, ligatures expanded, compatibility forms
//!    mapped. NFC and NFD input give the same terms.
//! 4. **Numbers, acronyms, compounds** (`tokenizer.rs`): `2 500 000` → `2500000`, `3,5` →
//!    `3.5`, `O.N.U.` → `onu`; `Saint-Étienne` → `saint`, `saintetienne` (same position),
//!    `etienn`; the euphonic `t` of `a-t-il` is dropped.
//! 5. **Stemming** (`stem.rs`) of folded words; numbers, words with digits and roman ordinals
//!    are left as they are.
//!
//! Stop words stay in the index; [`stop_words`] and [`is_stop_word`] serve query building.
//! Token offsets always span the original word, elided article included (`l’avion` → `avion`
//! at 0..9), so highlights land on what the reader sees.
//!
//! # Accent-insensitive stemming
//!
//! Folding happens *before* stemming, so a word and its accent-stripped spelling always give
//! the same terms (`sécurité` and `securite`). The French stemmer works on folded words and
//! recovers what Snowball's accented rules knew; see [`stem`] for its design and
//! figures.
//!
//! # Limits
//!
//! A term longer than [`MAX_TERM_BYTES`] bytes after folding is dropped; a run of more than 16
//! pieces glued by joiners is cut into several units.

pub mod acronym;
mod analyzer;
mod elision;
mod fold;
mod language;
mod segmenter;
pub mod stem;
mod stopwords;
mod tokenizer;
mod word_cache;

/// Folding one character, for the near-duplicate signature's word hashing (`index::story`).
pub(crate) use analyzer::for_each_word;
pub use analyzer::{
    analyzer, exact_analyzer, indexing_analyzer, register_analyzers, ENGLISH_ANALYZER,
    ENGLISH_INDEXING_ANALYZER, EXACT_ANALYZER, FRENCH_ANALYZER, FRENCH_INDEXING_ANALYZER,
};
pub use fold::fold;
pub(crate) use fold::fold_char;
pub(crate) use language::detect_article_language;
pub use language::{detect, detect_language, Detection, Lang, UnknownLang};
pub use stem::Stemmer;
pub use stopwords::{is_question_word, is_stop_word, stop_words};
pub use tokenizer::{NewsTokenStream, NewsTokenizer, CAPITAL_MARK, MAX_TERM_BYTES};
