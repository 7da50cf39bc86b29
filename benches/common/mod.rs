//! What the benches share: tantivy 0.27's stock French chain, the baseline of every figure.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};

/// `SimpleTokenizer` → `RemoveLongFilter::limit(40)` → `LowerCaser` → `AsciiFoldingFilter` →
/// `Stemmer::new(Language::French)`.
pub fn stock_french() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::French))
        .build()
}
