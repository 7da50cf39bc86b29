//! Text → terms: the French and English news analyzers.

mod analyzer;
mod language;
mod stopwords;

pub use analyzer::{
    analyzer, exact_analyzer, register_analyzers, ENGLISH_ANALYZER, EXACT_ANALYZER, FRENCH_ANALYZER,
};
pub use language::{detect_language, Lang, UnknownLang};
pub use stopwords::{is_stop_word, stop_words};
