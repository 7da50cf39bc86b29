//! The time budget of a search ([`crate::query::QueryLimits::time_budget`]).
//!
//! tantivy has no timeout. The search's query, and each clause of each group inside it, is
//! wrapped in [`Budgeted`], whose scorers look at the clock every [`CHECK_EVERY`] documents
//! (and before each segment): past the deadline they stop, as if no further document matched,
//! and raise a flag. The search then refuses the query rather than return what it found so far
//! as if it were complete. Clauses are wrapped one by one because tantivy's union scorer works
//! through 4,096 documents of every clause before it returns its first match.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

/// Documents visited between two looks at the clock.
const CHECK_EVERY: u32 = 32;

/// A deadline shared by the wrapped queries of one search, and whether it stopped one.
#[derive(Clone, Debug)]
pub(crate) struct Budget {
    deadline: Instant,
    tripped: Arc<AtomicBool>,
}

impl Budget {
    pub(crate) fn new(deadline: Instant) -> Budget {
        Budget { deadline, tripped: Arc::new(AtomicBool::new(false)) }
    }

    /// `query`, stopped at the deadline.
    pub(crate) fn wrap(&self, query: Box<dyn Query>) -> Box<dyn Query> {
        Box::new(Budgeted::new(query, self.deadline, Arc::clone(&self.tripped)))
    }

    /// Whether a wrapped query was stopped.
    pub(crate) fn tripped(&self) -> bool {
        self.tripped.load(Ordering::Relaxed)
    }
}

/// `inner`, stopped at `deadline`; `tripped` is set when it was.
#[derive(Debug)]
pub(crate) struct Budgeted {
    inner: Box<dyn Query>,
    deadline: Instant,
    tripped: Arc<AtomicBool>,
}

impl Budgeted {
    pub(crate) fn new(inner: Box<dyn Query>, deadline: Instant, tripped: Arc<AtomicBool>) -> Self {
        Budgeted { inner, deadline, tripped }
    }
}

impl Clone for Budgeted {
    fn clone(&self) -> Self {
        Budgeted {
            inner: self.inner.box_clone(),
            deadline: self.deadline,
            tripped: Arc::clone(&self.tripped),
        }
    }
}

impl Query for Budgeted {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(BudgetedWeight {
            inner: self.inner.weight(scoring)?,
            deadline: self.deadline,
            tripped: Arc::clone(&self.tripped),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct BudgetedWeight {
    inner: Box<dyn Weight>,
    deadline: Instant,
    tripped: Arc<AtomicBool>,
}

impl Weight for BudgetedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        if Instant::now() >= self.deadline {
            self.tripped.store(true, Ordering::Relaxed);
            return Ok(Box::new(EmptyScorer));
        }
        Ok(Box::new(BudgetedScorer {
            inner: self.inner.scorer(reader, boost)?,
            deadline: self.deadline,
            tripped: Arc::clone(&self.tripped),
            countdown: CHECK_EVERY,
            stopped: false,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }
}

struct BudgetedScorer {
    inner: Box<dyn Scorer>,
    deadline: Instant,
    tripped: Arc<AtomicBool>,
    countdown: u32,
    stopped: bool,
}

impl BudgetedScorer {
    /// Whether the deadline has passed (looked at every [`CHECK_EVERY`] calls).
    fn over(&mut self) -> bool {
        self.countdown -= 1;
        if self.countdown == 0 {
            self.countdown = CHECK_EVERY;
            if Instant::now() >= self.deadline {
                self.tripped.store(true, Ordering::Relaxed);
                self.stopped = true;
            }
        }
        self.stopped
    }
}

impl DocSet for BudgetedScorer {
    fn advance(&mut self) -> DocId {
        if self.stopped || self.over() {
            return TERMINATED;
        }
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.stopped || self.over() {
            return TERMINATED;
        }
        self.inner.seek(target)
    }

    fn doc(&self) -> DocId {
        if self.stopped {
            return TERMINATED;
        }
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }
}

impl Scorer for BudgetedScorer {
    fn score(&mut self) -> Score {
        self.inner.score()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tantivy::collector::Count;
    use tantivy::query::AllQuery;

    use super::*;
    use crate::index::{Article, NewsIndex};

    #[test]
    fn a_past_deadline_stops_the_search_and_trips_the_flag() {
        let index = NewsIndex::create_in_ram().unwrap();
        for i in 0..600 {
            let a = Article {
                id: i.to_string(),
                title: "titre".into(),
                body: "corps".into(),
                ..Default::default()
            };
            index.add(&a).unwrap();
        }
        index.commit().unwrap();
        let searcher = index.searcher();
        let tripped = Arc::new(AtomicBool::new(false));
        let later = Instant::now() + Duration::from_secs(3_600);
        let q = Budgeted::new(Box::new(AllQuery), later, Arc::clone(&tripped));
        assert_eq!(searcher.search(&q, &Count).unwrap(), 600);
        assert!(!tripped.load(Ordering::Relaxed));
        let q = Budgeted::new(Box::new(AllQuery), Instant::now(), Arc::clone(&tripped));
        assert_eq!(searcher.search(&q, &Count).unwrap(), 0);
        assert!(tripped.load(Ordering::Relaxed));
    }
}
