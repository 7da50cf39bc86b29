//! depeche: full-text search for French and bilingual French/English news, on tantivy.

pub mod analysis;
pub mod error;
pub mod index;
pub mod query;
pub mod search;

pub use analysis::{
    analyzer, detect_language, register_analyzers, Lang, ENGLISH_ANALYZER, FRENCH_ANALYZER,
};
pub use error::{Error, Result};
pub use index::{Article, NewsIndex};
pub use search::{Hit, SearchRequest, SearchResponse, Sort};
