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

/// Documents visited between two looks at the clock: reading it costs about 100 ns on a
/// virtual machine, and 128 documents take microseconds to score (a phrase, the slowest, about
/// 1 µs each).
const CHECK_EVERY: u32 = 128;

/// The deadline of one search, shared by its wrapped queries: whether it stopped one, and
/// whether it still applies (explanations, computed after the search, are not stopped).
#[derive(Debug)]
struct Clock {
    deadline: Instant,
    tripped: AtomicBool,
    armed: AtomicBool,
}

impl Clock {
    /// Whether the deadline has passed while armed; records it.
    fn over(&self) -> bool {
        if !self.armed.load(Ordering::Relaxed) || Instant::now() < self.deadline {
            return false;
        }
        self.tripped.store(true, Ordering::Relaxed);
        true
    }

    /// Whether a clause has seen the deadline pass, while armed (no clock read).
    fn stopped(&self) -> bool {
        self.tripped.load(Ordering::Relaxed) && self.armed.load(Ordering::Relaxed)
    }
}

/// A deadline shared by the wrapped queries of one search, and whether it stopped one.
#[derive(Clone, Debug)]
pub(crate) struct Budget {
    clock: Arc<Clock>,
}

impl Budget {
    pub(crate) fn new(deadline: Instant) -> Budget {
        Budget {
            clock: Arc::new(Clock {
                deadline,
                tripped: AtomicBool::new(false),
                armed: AtomicBool::new(true),
            }),
        }
    }

    /// `query`, stopped at the deadline.
    pub(crate) fn wrap(&self, query: Box<dyn Query>) -> Box<dyn Query> {
        Box::new(Budgeted { inner: query, clock: Arc::clone(&self.clock) })
    }

    /// Whether the deadline has passed (while armed); the search is then refused.
    pub(crate) fn expired(&self) -> bool {
        self.clock.over()
    }

    /// Whether a wrapped query was stopped.
    pub(crate) fn tripped(&self) -> bool {
        self.clock.tripped.load(Ordering::Relaxed)
    }

    /// Lifts the deadline from now on: the search is done, what follows (explanations) must
    /// not see its clauses stop half-way.
    pub(crate) fn disarm(&self) {
        self.clock.armed.store(false, Ordering::Relaxed);
    }
}

/// `inner`, stopped at the deadline of `clock`.
#[derive(Debug)]
pub(crate) struct Budgeted {
    inner: Box<dyn Query>,
    clock: Arc<Clock>,
}

impl Clone for Budgeted {
    fn clone(&self) -> Self {
        Budgeted { inner: self.inner.box_clone(), clock: Arc::clone(&self.clock) }
    }
}

impl Query for Budgeted {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(BudgetedWeight {
            inner: super::prune::weight_of(self.inner.as_ref(), scoring)?,
            clock: Arc::clone(&self.clock),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct BudgetedWeight {
    inner: Box<dyn Weight>,
    clock: Arc<Clock>,
}

impl Weight for BudgetedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        if self.clock.over() {
            return Ok(Box::new(EmptyScorer));
        }
        Ok(Box::new(BudgetedScorer {
            inner: self.inner.scorer(reader, boost)?,
            clock: Arc::clone(&self.clock),
            countdown: CHECK_EVERY,
            stopped: false,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }
}

pub(crate) struct BudgetedScorer {
    inner: Box<dyn Scorer>,
    clock: Arc<Clock>,
    countdown: u32,
    stopped: bool,
}

/// The scorer inside a budgeted one (the top-k engine reads the clock itself), or `scorer`.
pub(crate) fn unwrap_budgeted(mut scorer: Box<dyn Scorer>) -> Box<dyn Scorer> {
    loop {
        match scorer.downcast::<BudgetedScorer>() {
            Ok(b) => scorer = b.inner,
            Err(s) => return s,
        }
    }
}

impl BudgetedScorer {
    /// Whether the deadline has passed: the clock is read every [`CHECK_EVERY`] calls, and in
    /// between a clause stops as soon as another clause of the search has seen the deadline
    /// pass, so that the search overruns by one clause's [`CHECK_EVERY`] documents, not by
    /// every clause's.
    fn over(&mut self) -> bool {
        self.countdown -= 1;
        if self.countdown == 0 {
            self.countdown = CHECK_EVERY;
            self.stopped = self.clock.over();
        } else {
            self.stopped = self.clock.stopped();
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
        let later = Budget::new(Instant::now() + Duration::from_secs(3_600));
        assert_eq!(searcher.search(&later.wrap(Box::new(AllQuery)), &Count).unwrap(), 600);
        assert!(!later.tripped());
        let now = Budget::new(Instant::now());
        let q = now.wrap(Box::new(AllQuery));
        assert_eq!(searcher.search(&q, &Count).unwrap(), 0);
        assert!(now.tripped());
        // Disarmed (the search is over): the same query runs to the end.
        now.disarm();
        assert_eq!(searcher.search(&q, &Count).unwrap(), 600);
    }

    #[test]
    fn a_clause_stops_as_soon_as_another_has_seen_the_deadline() {
        let index = NewsIndex::create_in_ram().unwrap();
        for i in 0..600 {
            let a = Article { id: i.to_string(), title: "titre".into(), ..Default::default() };
            index.add(&a).unwrap();
        }
        index.commit().unwrap();
        let searcher = index.searcher();
        let segment = &searcher.segment_readers()[0];
        let budget = Budget::new(Instant::now() + Duration::from_millis(50));
        let weight = |q: Box<dyn Query>| q.weight(EnableScoring::disabled_from_searcher(&searcher));
        let a = weight(budget.wrap(Box::new(AllQuery))).unwrap();
        let b = weight(budget.wrap(Box::new(AllQuery))).unwrap();
        let (mut a, mut b) = (a.scorer(segment, 1.0).unwrap(), b.scorer(segment, 1.0).unwrap());
        assert_ne!(b.advance(), TERMINATED);
        std::thread::sleep(Duration::from_millis(60));
        // `a` reads the clock within CHECK_EVERY documents and stops
        let read = (0..CHECK_EVERY).take_while(|_| a.advance() != TERMINATED).count();
        assert!(read < CHECK_EVERY as usize);
        assert!(budget.tripped());
        // `b`, one document past its last look at the clock, stops at once
        assert_eq!(b.advance(), TERMINATED);
        assert_eq!(b.doc(), TERMINATED);
    }
}
