//! Text → terms: the French and English news analyzers.

mod analyzer;
mod language;

pub use analyzer::{analyzer, register_analyzers, ENGLISH_ANALYZER, FRENCH_ANALYZER};
pub use language::{detect_language, Lang, UnknownLang};
