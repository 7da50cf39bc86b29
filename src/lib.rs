//! # depeche
//!
//! Full-text search for French news, with English as the second language, built on
//! [tantivy](https://docs.rs/tantivy) 0.27: for newsrooms, archives, aggregators and wire
//! services whose readers type without accents, with elisions (l’ASEAN, qu’il), hyphens,
//! acronyms and numbers, in French or in English.
//!
//! ```
//! use depeche::{Article, NewsIndex, SearchRequest};
//!
//! # fn main() -> depeche::Result<()> {
//! let index = NewsIndex::create_in_ram()?;
//! index.add(&Article {
//!     id: "fr-1".into(),
//!     title: "L’Assemblée adopte la loi sur la sécurité".into(),
//!     body: "Les députés ont voté le texte en première lecture.".into(),
//!     date: Some("2016-05-10".into()),
//!     ..Default::default()
//! })?;
//! index.add(&Article {
//!     id: "en-1".into(),
//!     title: "ASEAN’s leaders meet in Da Nang".into(),
//!     body: "The summit opened on Monday.".into(),
//!     date: Some("2017-11-10".into()),
//!     ..Default::default()
//! })?;
//! index.commit()?;
//!
//! // no accents, no plural: the reader's way
//! let hits = index.search(&SearchRequest::new("securite assemblee"))?;
//! assert_eq!(hits.hits[0].id, "fr-1");
//! let hits = index.search(&SearchRequest::new("l'ASEAN"))?;
//! assert_eq!(hits.hits[0].id, "en-1");
//! # Ok(())
//! # }
//! ```
//!
//! # Modules, in the order of the data flow
//!
//! - [`analysis`]: text → terms. The French and English analyzers (segmentation on the
//!   original text, elision, folding, numbers, compounds, accent-insensitive stemming),
//!   language detection, stop words.
//! - [`index`]: articles → a tantivy index: schema, validation, upsert, bulk import.
//! - [`query`]: a reader's search box → a tantivy query, leniently.
//! - [`search`]: query → ranked hits with snippets and facets.
//!
//! Each module uses only the ones before it.

#![warn(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]
#![doc(test(attr(deny(warnings))))]

/// The README's Rust examples, compiled by `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// The Rust examples of `docs/ranking-relevance.md`, compiled by `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../docs/ranking-relevance.md")]
struct RankingDocDoctests;

/// The Rust examples of `docs/reliability.md`, compiled by `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../docs/reliability.md")]
struct ReliabilityDocDoctests;

pub mod analysis;
pub mod error;
pub mod index;
pub mod query;
pub mod search;

pub use analysis::{
    analyzer, detect, detect_language, register_analyzers, Detection, Lang, ENGLISH_ANALYZER,
    EXACT_ANALYZER, FRENCH_ANALYZER,
};
pub use error::{Error, Result};
pub use index::{Article, NewsIndex};
pub use search::{Hit, SearchRequest, SearchResponse, Sort};
