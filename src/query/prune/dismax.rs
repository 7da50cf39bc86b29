//! A dis-max query whose parts the pruning can see.
//!
//! tantivy's `DisjunctionMaxQuery` keeps its disjuncts private; [`DisMax`] is the same query
//! (the same weight when scoring is disabled, the same scores when enabled:
//! `max + tie × (sum − max)`, accumulated in clause order as tantivy's combiner does) with a
//! node that bounds its score by `(1 − tie) × max(bounds) + tie × Σ bounds` (for a tie in
//! 0..=1; the largest bound when below, `tie × Σ` when above).

use tantivy::query::{
    DisjunctionMaxQuery, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight,
};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term, TERMINATED};

use super::{into_prune, weight_of, BoolParts, PruneScorer, Pruned};

/// The best of its disjuncts plus `tie` times the others (see the module docs).
///
/// ```
/// use depeche::query::prune::DisMax;
/// let q = DisMax::new(vec![Box::new(tantivy::query::AllQuery)], 0.2);
/// assert_eq!(q.tie(), 0.2);
/// ```
#[derive(Debug)]
pub struct DisMax {
    disjuncts: Vec<Box<dyn Query>>,
    tie: Score,
}

impl Clone for DisMax {
    fn clone(&self) -> Self {
        DisMax { disjuncts: self.disjuncts.iter().map(|q| q.box_clone()).collect(), tie: self.tie }
    }
}

impl DisMax {
    /// `disjuncts` with the tie breaker `tie`.
    pub fn new(disjuncts: Vec<Box<dyn Query>>, tie: Score) -> DisMax {
        DisMax { disjuncts, tie }
    }

    /// The tie breaker.
    pub fn tie(&self) -> Score {
        self.tie
    }
}

impl Query for DisMax {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        if !scoring.is_scoring_enabled() {
            let q = DisjunctionMaxQuery::with_tie_breaker(
                self.disjuncts.iter().map(|q| q.box_clone()).collect(),
                self.tie,
            );
            return q.weight(scoring);
        }
        let weights = self
            .disjuncts
            .iter()
            .map(|q| weight_of(q.as_ref(), scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(DisMaxWeight { weights, tie: self.tie }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for q in &self.disjuncts {
            q.query_terms(visitor);
        }
    }
}

struct DisMaxWeight {
    weights: Vec<Box<dyn Weight>>,
    tie: Score,
}

impl Weight for DisMaxWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        if self.weights.len() == 1 {
            return self.weights[0].scorer(reader, boost);
        }
        let mut parts = Vec::with_capacity(self.weights.len());
        for w in &self.weights {
            if let Some(p) = into_prune(w.scorer(reader, boost)?) {
                parts.push(p);
            }
        }
        if parts.is_empty() {
            return Ok(Box::new(EmptyScorer));
        }
        let n = parts.len();
        let mut node =
            DisMaxNode { parts, tie: self.tie, doc: 0, confirmed: vec![false; n], checked: false };
        node.doc = node.settle(0);
        Ok(Pruned::boxed(Box::new(node)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.doc() > doc || scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!("document #{doc} does not match")));
        }
        let mut e = Explanation::new_with_string(
            format!("best field + {} × the others, of ...", self.tie),
            scorer.score(),
        );
        for w in &self.weights {
            if let Ok(child) = w.explain(reader, doc) {
                e.add_detail(child);
            }
        }
        Ok(e)
    }
}

struct DisMaxNode {
    parts: Vec<Box<dyn PruneScorer>>,
    tie: Score,
    doc: DocId,
    confirmed: Vec<bool>,
    checked: bool,
}

impl DisMaxNode {
    fn settle(&mut self, target: DocId) -> DocId {
        self.checked = false;
        let mut min = TERMINATED;
        for c in &mut self.parts {
            let d = if c.doc() < target { c.seek(target) } else { c.doc() };
            min = min.min(d);
        }
        min
    }

    /// The bound of a dis-max whose parts' bounds have this maximum and sum.
    fn bound(&self, max: Score, sum: Score) -> Score {
        if self.tie <= 0.0 {
            max
        } else if self.tie <= 1.0 {
            (1.0 - self.tie) * max + self.tie * sum
        } else {
            self.tie * sum
        }
    }
}

impl PruneScorer for DisMaxNode {
    fn doc(&self) -> DocId {
        self.doc
    }

    fn advance(&mut self) -> DocId {
        self.doc = self.settle(self.doc.saturating_add(1));
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        self.doc = self.settle(target);
        self.doc
    }

    fn cost(&self) -> u64 {
        self.parts.iter().map(|c| c.cost()).sum()
    }

    fn two_phase(&self) -> bool {
        self.parts.iter().any(|c| c.two_phase())
    }

    fn matches(&mut self) -> bool {
        if self.checked {
            return true;
        }
        let doc = self.doc;
        let mut any = false;
        for (i, c) in self.parts.iter_mut().enumerate() {
            let ok = c.doc() == doc && c.matches();
            self.confirmed[i] = ok;
            any |= ok;
        }
        self.checked = any;
        any
    }

    fn doc_bound(&mut self) -> Score {
        let doc = self.doc;
        let (mut max, mut sum) = (0.0f32, 0.0f32);
        for c in &mut self.parts {
            if c.doc() == doc {
                let b = c.doc_bound();
                max = max.max(b);
                sum += b;
            }
        }
        self.bound(max, sum)
    }

    fn score(&mut self) -> Score {
        if !self.checked {
            self.matches();
        }
        // as tantivy's `DisjunctionMaxCombiner`, in clause order
        let (mut max, mut sum) = (0.0f32, 0.0f32);
        for (i, c) in self.parts.iter_mut().enumerate() {
            if self.confirmed[i] {
                let v = c.score();
                max = Score::max(v, max);
                sum += v;
            }
        }
        max + (sum - max) * self.tie
    }

    fn max_score(&self) -> Score {
        let (mut max, mut sum) = (0.0f32, 0.0f32);
        for c in &self.parts {
            max = max.max(c.max_score());
            sum += c.max_score();
        }
        self.bound(max, sum)
    }

    fn block_last(&mut self) -> DocId {
        let mut last = TERMINATED;
        for c in &mut self.parts {
            if c.doc() != TERMINATED {
                last = last.min(c.block_last());
            }
        }
        last
    }

    fn block_bound(&mut self, upto: DocId) -> Score {
        if self.doc > upto {
            return 0.0;
        }
        let (mut max, mut sum) = (0.0f32, 0.0f32);
        for c in &mut self.parts {
            if c.doc() <= upto {
                let b = c.block_bound(upto);
                max = max.max(b);
                sum += b;
            }
        }
        self.bound(max, sum)
    }

    fn into_bool(self: Box<Self>) -> Result<BoolParts, Box<dyn PruneScorer>> {
        Err(self)
    }
}
