//! A reader's search box → tantivy queries.
//!
//! Two stages, as in tantivy: [`parse`] turns the text into a [`ParsedQuery`] (no tantivy
//! types, never an error), then [`QueryBuilder::build`] analyzes each word with the French and
//! English analyzers and builds queries on the [`crate::index::NewsSchema`] fields.
//!
//! # Matching and ranking rules
//!
//! - **Words** match any of their stemmed forms in the title, lead and body fields of each
//!   searched language (title ×3, lead ×1.5, body ×1; best field plus 0.2 × the others), with an
//!   extra weight when the exact (unstemmed, folded) form occurs.
//! - **All words first.** A document matching all the positive clauses of the query ranks above
//!   every document matching only some of them. The search runs the disjunction
//!   ([`BuiltQuery::any`]) and, in the same pass, probes each matching document against the
//!   conjunction ([`BuiltQuery::all`]): the tier is the first sort key, the score the second.
//! - **Stop words** of the query's language are dropped from bag-of-words clauses, except when
//!   the query has nothing but stop words; they are kept inside phrases.
//! - **Proximity**: with two plain words or more, a sloppy phrase of them (slop
//!   [`PROXIMITY_SLOP`]) on titles and bodies adds to the score.
//! - **Prefixes** (`numéri*`) match the folded, unstemmed words; at least [`MIN_PREFIX_LEN`]
//!   characters, a shorter prefix is searched as a plain word.
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
//! assert!(built.all.is_none()); // a single positive clause
//! ```

mod ast;
mod budget;
mod build;
mod expand;
mod limits;
mod parse;

pub use ast::{Clause, Node, Occur, ParseWarning, ParsedQuery, Scope, WordKind};
pub(crate) use budget::Budget;
pub(crate) use build::lang_slot;
pub use build::{
    Boosts, BuiltQuery, Highlight, QueryBuilder, AUTO_FUZZY_MAX_DOC_FREQ, AUTO_FUZZY_MIN_LEN,
    MIN_PREFIX_LEN, PROXIMITY_SLOP,
};
pub use expand::{Expansion, POSTINGS_PER_DOC};
pub use limits::{parse_limited, Limit, QueryLimits};
pub use parse::parse;
pub(crate) use parse::parse_day;
