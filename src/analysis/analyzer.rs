//! The assembled analyzers and their registration on a tantivy index.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, TokenizerManager,
};

use super::Lang;

/// The name the French analyzer is registered under.
pub const FRENCH_ANALYZER: &str = "depeche_fr";
/// The name the English analyzer is registered under.
pub const ENGLISH_ANALYZER: &str = "depeche_en";
/// The name the exact-form (folded, unstemmed) analyzer is registered under.
pub const EXACT_ANALYZER: &str = "depeche_exact";

/// The index-time analyzer of a language. (placeholder)
pub fn analyzer(lang: Lang) -> TextAnalyzer {
    let l = match lang {
        Lang::French => Language::French,
        Lang::English => Language::English,
    };
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(l))
        .build()
}

/// The exact-form analyzer: same segmentation, elision and folding, no stemming. (placeholder)
pub fn exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Registers the three analyzers on `manager`.
pub fn register_analyzers(manager: &TokenizerManager) {
    manager.register(FRENCH_ANALYZER, analyzer(Lang::French));
    manager.register(ENGLISH_ANALYZER, analyzer(Lang::English));
    manager.register(EXACT_ANALYZER, exact_analyzer());
}
