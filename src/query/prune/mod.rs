//! Scorers that bound their own scores, so that a top-k search can skip what cannot make it.
//!
//! tantivy's collectors score every match of a query built from our primitives (BM25F,
//! phrases, boosts, booleans): their block-max pruning only applies to unions and
//! intersections of plain term queries. This module gives every primitive the builder uses a
//! scorer that also answers, cheaply, *how high could my score be*:
//!
//! - over the rest of the segment ([`PruneScorer::max_score`]);
//! - over the current block of postings ([`PruneScorer::block_last`],
//!   [`PruneScorer::block_bound`]): tantivy stores, for every full block of 128 postings,
//!   the (term frequency, field length) pair that maximises BM25 with the segment's average
//!   length (`cursor.rs` turns it into a bound for our own parameters);
//! - for the current document before checking it ([`PruneScorer::doc_bound`]): a phrase
//!   bounds its frequency by its terms' frequencies and reads positions only when
//!   [`PruneScorer::matches`] is asked, which the top-k engine (`crate::search`) does only for
//!   documents that can still make the page.
//!
//! # How it plugs into tantivy
//!
//! Queries keep their tantivy types. When scoring is enabled, the builder's wrappers
//! ([`crate::query::Labelled`], the time budget, exclusions) and the boolean, phrase and
//! dis-max nodes they contain ask [`weight_of`] for their weights: it replaces tantivy's
//! `BooleanQuery`, `PhraseQuery` and `TermQuery` weights by weights whose scorers are
//! [`Pruned`] (a tantivy `Scorer` carrying a [`PruneScorer`]), and keeps every other weight.
//! tantivy's `BoostQuery` passes its boost down to the scorer it wraps, so a boosted clause
//! keeps its bounds. With scoring disabled (counts, facets, the all-words tier), nothing is
//! replaced: tantivy's own weights run.
//!
//! [`into_prune`] turns any tantivy scorer into a [`PruneScorer`]: ours as they are, a
//! `ConstScorer` (filters, prefixes, typo-tolerant words) as a constant bound, anything
//! else as an *opaque* clause whose bound is infinite: exact, only not skipped.
//!
//! # Adding a clause kind
//!
//! A new query type keeps working unchanged (as an opaque clause, scored in full). To let it
//! take part in pruning, implement [`PruneScorer`] for its scorer, return it from its weight
//! wrapped in [`Pruned`] (`Pruned::boxed`), and build its children's weights with
//! [`weight_of`]. Bounds must never be below the true score: the property test
//! (`src/search/topk.rs`) compares pruned and exhaustive searches over generated indexes and
//! queries.

mod bool;
mod cursor;
mod dismax;
mod opaque;
mod phrase;
mod term;

use std::fmt;

use tantivy::query::{
    AllScorer, BitSetDocSet, BooleanQuery, ConstScorer, EmptyScorer, EnableScoring, PhraseQuery,
    Query, Scorer, TermQuery, Weight,
};
use tantivy::{DocId, DocSet, Score, TERMINATED};

pub(crate) use cursor::{saturation, BlockCursor, Bm25Bound, SAFETY};
pub use dismax::DisMax;
pub use phrase::Phrase;

/// A scorer that knows upper bounds of its scores.
///
/// It iterates *candidates*: the matches, or, when [`PruneScorer::two_phase`], a superset
/// of them that [`PruneScorer::matches`] confirms one by one (a phrase's candidates are the
/// documents holding all its terms). Every method looks forward only: targets never go
/// back.
pub trait PruneScorer: Send {
    /// The current candidate, [`TERMINATED`] at the end.
    fn doc(&self) -> DocId;
    /// Moves to the next candidate.
    fn advance(&mut self) -> DocId;
    /// Moves to the first candidate at or after `target` (`target >= doc()`).
    fn seek(&mut self, target: DocId) -> DocId;
    /// About how many candidates are left (to order clauses).
    fn cost(&self) -> u64;
    /// Whether [`PruneScorer::matches`] may refuse a candidate, or costs more than a lookup.
    fn two_phase(&self) -> bool {
        false
    }
    /// Whether the current candidate matches. Asked at most once per candidate, before
    /// [`PruneScorer::score`].
    fn matches(&mut self) -> bool {
        true
    }
    /// An upper bound of the current candidate's score, known before [`PruneScorer::matches`].
    fn doc_bound(&mut self) -> Score;
    /// The current candidate's score, once it matches.
    fn score(&mut self) -> Score;
    /// An upper bound of every score from the current candidate to the end of the segment.
    fn max_score(&self) -> Score;
    /// The last document of the current block: [`PruneScorer::block_bound`] is valid up to it
    /// ([`TERMINATED`] when the bound is for the rest of the segment).
    fn block_last(&mut self) -> DocId;
    /// An upper bound of the scores of the candidates from `doc()` to `upto` (inclusive),
    /// `upto <= block_last()`; 0 when there is none.
    fn block_bound(&mut self, upto: DocId) -> Score;
    /// Whether every score is the same ([`PruneScorer::max_score`]): filters, match-all.
    fn is_constant(&self) -> bool {
        false
    }
    /// A boolean node's parts, so that the top-k engine can work on its clauses directly;
    /// `Err(self)` for any other node.
    fn into_bool(self: Box<Self>) -> Result<BoolParts, Box<dyn PruneScorer>>;
}

/// A boolean node's clauses, in the order they are summed.
pub struct BoolParts {
    /// Required clauses, summed.
    pub must: Vec<Box<dyn PruneScorer>>,
    /// Optional clauses, summed when they match.
    pub should: Vec<Box<dyn PruneScorer>>,
    /// Whether at least one `should` clause must match.
    pub should_required: bool,
    /// Excluded documents.
    pub must_not: Vec<Box<dyn Scorer>>,
}

/// A [`PruneScorer`] as a tantivy [`Scorer`]: what our weights return. Its doc set holds the
/// confirmed matches only.
pub struct Pruned(pub(crate) Box<dyn PruneScorer>);

impl Pruned {
    /// `scorer`, positioned on its first match, as a boxed tantivy scorer.
    pub fn boxed(scorer: Box<dyn PruneScorer>) -> Box<dyn Scorer> {
        let mut p = Pruned(scorer);
        p.confirm();
        Box::new(p)
    }

    fn confirm(&mut self) -> DocId {
        let mut doc = self.0.doc();
        while doc != TERMINATED && !self.0.matches() {
            doc = self.0.advance();
        }
        doc
    }
}

impl fmt::Debug for Pruned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Pruned").field(&self.0.doc()).finish()
    }
}

impl DocSet for Pruned {
    fn advance(&mut self) -> DocId {
        self.0.advance();
        self.confirm()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.0.doc() >= target {
            return self.0.doc();
        }
        self.0.seek(target);
        self.confirm()
    }

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.cost().min(u64::from(u32::MAX)) as u32
    }

    fn cost(&self) -> u64 {
        self.0.cost()
    }
}

impl Scorer for Pruned {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}

/// The weight of `query`: with scoring enabled, tantivy's boolean, phrase and term weights
/// are replaced by ones whose scorers bound their scores (see the module docs).
///
/// # Errors
///
/// The query's own weight errors.
pub fn weight_of(
    query: &dyn Query,
    scoring: EnableScoring<'_>,
) -> tantivy::Result<Box<dyn Weight>> {
    if !scoring.is_scoring_enabled() {
        return query.weight(scoring);
    }
    if let Some(b) = query.downcast_ref::<BooleanQuery>() {
        if let Some(w) = bool::BoolWeight::new(b, scoring)? {
            return Ok(Box::new(w));
        }
        return query.weight(scoring);
    }
    if let Some(p) = query.downcast_ref::<PhraseQuery>() {
        return Ok(Box::new(phrase::PhraseNodeWeight::new(p, None, scoring)?));
    }
    if let Some(t) = query.downcast_ref::<TermQuery>() {
        return Ok(Box::new(term::TermNodeWeight::new(t, scoring)?));
    }
    query.weight(scoring)
}

/// Any tantivy scorer as a [`PruneScorer`]: ours unwrapped, constant scorers with their
/// constant as bound, anything else as an opaque clause (infinite bound). `None` for a scorer
/// that matches nothing.
pub fn into_prune(scorer: Box<dyn Scorer>) -> Option<Box<dyn PruneScorer>> {
    if scorer.is::<EmptyScorer>() || scorer.doc() == TERMINATED {
        return None;
    }
    let scorer = super::budget::unwrap_budgeted(scorer);
    let scorer = match scorer.downcast::<Pruned>() {
        Ok(p) => return Some(p.0),
        Err(s) => s,
    };
    let scorer = match scorer.downcast::<crate::query::Bm25fScorer>() {
        Ok(s) => return Some(s),
        Err(s) => s,
    };
    let scorer = match scorer.downcast::<ConstScorer<Box<dyn Scorer>>>() {
        Ok(s) => return Some(Box::new(opaque::Const::new(*s))),
        Err(s) => s,
    };
    let scorer = match scorer.downcast::<ConstScorer<BitSetDocSet>>() {
        Ok(s) => return Some(Box::new(opaque::Const::new(*s))),
        Err(s) => s,
    };
    let scorer = match scorer.downcast::<AllScorer>() {
        Ok(s) => return Some(Box::new(opaque::Const::new(*s))),
        Err(s) => s,
    };
    Some(Box::new(opaque::Opaque::new(scorer)))
}

/// A boolean node of `parts` (as [`BoolParts`] came from [`PruneScorer::into_bool`]), `None`
/// when it matches nothing.
pub fn bool_node(parts: BoolParts) -> Option<Box<dyn PruneScorer>> {
    bool::BoolNode::boxed(parts)
}

/// Whether `scorer` is tantivy's match-everything scorer (booleans treat it apart).
pub(crate) fn is_all(scorer: &dyn Scorer) -> bool {
    scorer.is::<AllScorer>()
}
