//! depeche: full-text search for French and bilingual French/English news, on tantivy.

pub mod analysis;

pub use analysis::{
    analyzer, detect_language, register_analyzers, Lang, ENGLISH_ANALYZER, FRENCH_ANALYZER,
};
