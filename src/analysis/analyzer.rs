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

/// Registers both analyzers on `manager`.
pub fn register_analyzers(manager: &TokenizerManager) {
    manager.register(FRENCH_ANALYZER, analyzer(Lang::French));
    manager.register(ENGLISH_ANALYZER, analyzer(Lang::English));
}
