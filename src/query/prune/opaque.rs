//! tantivy scorers as pruning clauses: constant ones with their constant as bound, any other
//! with an infinite bound (scored in full, never skipped).

use tantivy::query::Scorer;
use tantivy::{DocId, DocSet, Score, TERMINATED};

use super::{BoolParts, PruneScorer};

/// A scorer whose score is the same for every document (`ConstScorer`, `AllScorer`).
pub(crate) struct Const<S: Scorer> {
    inner: S,
    score: Score,
}

impl<S: Scorer> Const<S> {
    pub(crate) fn new(mut inner: S) -> Const<S> {
        let score = inner.score();
        Const { inner, score }
    }
}

impl<S: Scorer> PruneScorer for Const<S> {
    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn advance(&mut self) -> DocId {
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.inner.doc() >= target {
            return self.inner.doc();
        }
        self.inner.seek(target)
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }

    fn doc_bound(&mut self) -> Score {
        self.score
    }

    fn score(&mut self) -> Score {
        self.score
    }

    fn max_score(&self) -> Score {
        self.score
    }

    fn block_last(&mut self) -> DocId {
        TERMINATED
    }

    fn block_bound(&mut self, upto: DocId) -> Score {
        if self.inner.doc() > upto {
            0.0
        } else {
            self.score
        }
    }

    fn is_constant(&self) -> bool {
        true
    }

    fn into_bool(self: Box<Self>) -> Result<BoolParts, Box<dyn PruneScorer>> {
        Err(self)
    }
}

/// A scorer that bounds nothing: every document it matches is scored.
pub(crate) struct Opaque {
    inner: Box<dyn Scorer>,
}

impl Opaque {
    pub(crate) fn new(inner: Box<dyn Scorer>) -> Opaque {
        Opaque { inner }
    }
}

impl PruneScorer for Opaque {
    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn advance(&mut self) -> DocId {
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.inner.doc() >= target {
            return self.inner.doc();
        }
        self.inner.seek(target)
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }

    fn doc_bound(&mut self) -> Score {
        self.inner.score()
    }

    fn score(&mut self) -> Score {
        self.inner.score()
    }

    fn max_score(&self) -> Score {
        Score::INFINITY
    }

    fn block_last(&mut self) -> DocId {
        TERMINATED
    }

    fn block_bound(&mut self, upto: DocId) -> Score {
        if self.inner.doc() > upto {
            0.0
        } else {
            Score::INFINITY
        }
    }

    fn into_bool(self: Box<Self>) -> Result<BoolParts, Box<dyn PruneScorer>> {
        Err(self)
    }
}
