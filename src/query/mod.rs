//! A reader's search box → tantivy queries.
//!
//! Two stages, as in tantivy: [`parse`] turns the text into a [`ParsedQuery`] (no tantivy
//! types, never an error), then [`QueryBuilder::build`] analyzes each word with the French and
//! English analyzers and builds queries on the [`crate::index::NewsSchema`] fields.
//!
//! # Matching and ranking rules
//!
//! - **Words** match any of their stemmed forms in the title, lead and body fields of each
//!   searched language, scored with BM25F ([`Bm25fQuery`]): the field frequencies weighted
//!   (title ×2, lead ×1.5, body ×1), each normalised by its field's length, saturated once;
//!   with an extra weight when the exact (unstemmed, folded) form occurs. [`Ranking`] holds
//!   the knobs, [`FieldScoring::BestField`] the older per-field sum.
//! - **All words first** for short queries. In a query of up to
//!   [`Ranking::all_words_first_up_to`] (2) positive clauses, stop words aside, a document
//!   matching all of them ranks above every document matching only some: the search runs the
//!   disjunction ([`BuiltQuery::any`]) and, in the same pass, probes each matching document
//!   against the conjunction ([`BuiltQuery::all`]). Longer queries (questions, mostly) are
//!   ranked by score alone: the tier would bury the answer to a question that lacks one word
//!   (measured in the README). [`Ranking::all_words_first`] turns it on for every query.
//! - **Stop words** of the query's language, and interrogative words (`combien`, `comment`,
//!   `pourquoi`…), are dropped from bag-of-words clauses, except when the query has nothing
//!   else; they are kept inside phrases.
//! - **Proximity**: with two plain words or more, a sloppy phrase of them (slop
//!   [`PROXIMITY_SLOP`]) on titles and bodies adds to the score.
//! - **Prefixes** (`numéri*`) match the folded, unstemmed words; at least [`MIN_PREFIX_LEN`]
//!   characters, a shorter prefix is searched as a plain word.
//! - **Phrases** (`"…"`) match the stemmed words in order, stop words included.
//!   **Case-checked phrases**: a phrase typed with a capital letter after its first character
//!   (`"Le Monde"`) matches each word typed with a capital only where it is written with one,
//!   in its exact (folded, unstemmed) form: the newspaper, not « le monde entier ». The index
//!   holds a `^form` term for every word written with a capital
//!   ([`indexing_analyzer`](crate::analysis::indexing_analyzer)), so this costs what any phrase
//!   costs. A phrase capitalized only at its start (`"Le changement climatique"`), as a
//!   sentence is, and a sloppy phrase (`"…"~2`) are not case-checked.
//! - **Typos**: `word~` (1 edit) or `word~2` (2 edits) asks for typo tolerance; plain words of
//!   [`AUTO_FUZZY_MIN_LEN`] characters or more that are rare in the index (fewer than
//!   [`AUTO_FUZZY_MAX_DOC_FREQ`] articles) get 1 edit automatically, at a low constant score.
//!   Accents never count as edits, since both sides are folded.
//! - **Limits**: [`QueryLimits`] bounds what one query may cost (length, nesting, clauses,
//!   phrase words, prefix and typo-tolerant words, term expansions, time); a search refuses a
//!   query past a limit with [`crate::Error::QueryRefused`] before it reaches tantivy.
//!
//! ```
//! use depeche::index::NewsSchema;
//! use depeche::query::{parse, QueryBuilder};
//!
//! let parsed = parse("\"ministère de la culture\" -sport date:2016..");
//! assert!(parsed.warnings.is_empty());
//! let built = QueryBuilder::new(&NewsSchema::new()).build(&parsed, None, None);
//! assert!(built.all.is_none()); // a single positive clause (and no tiers by default)
//! ```

mod acronym;
mod aliases;
mod ast;
mod bm25f;
mod budget;
mod build;
mod expand;
mod label;
mod limits;
mod parse;
pub mod prune;
mod ranking;
mod synonyms;
mod thesaurus;

pub use aliases::BUNDLED_ALIASES;
pub use ast::{Clause, Node, Occur, ParseWarning, ParsedQuery, Scope, WordKind};
pub use bm25f::{Bm25fQuery, Bm25fScorer, Bm25fWeight};
pub(crate) use budget::Budget;
pub(crate) use build::lang_slot;
pub use build::{
    BuiltQuery, Highlight, QueryBuilder, AUTO_FUZZY_MAX_DOC_FREQ, AUTO_FUZZY_MIN_LEN,
    MIN_PREFIX_LEN, PROXIMITY_SLOP,
};
pub use build::{MAX_IDF_RATIO, MIN_IDF_RATIO, SAME_LANGUAGE_SHARE};
pub(crate) use expand::prefix_end;
pub use expand::{Expansion, POSTINGS_PER_DOC};
pub use label::Labelled;
pub use limits::{clause_count, parse_limited, Limit, QueryLimits};
pub use parse::parse;
pub(crate) use parse::parse_day;
pub use ranking::{Boosts, FieldScoring, Ranking};
pub(crate) use thesaurus::is_acronym;
pub use thesaurus::{GroupKind, Name, Thesaurus, MAX_NAME_WORDS};
