//! tantivy's `BooleanQuery`, as a node of bounded clauses.
//!
//! The semantics are tantivy 0.27's (`BooleanWeight`): required clauses all match and add
//! up; optional clauses add up when they match, and at least one must match when the query
//! has no required clause (or asks for one with `minimum_number_should_match`); excluded
//! clauses remove documents. Match-everything clauses are dropped from the required ones (a
//! query of only those matches everything with score 1) and kept, with score 1, among the
//! optional ones, as tantivy does. A `minimum_number_should_match` of 2 or more (which the
//! builder never asks for) is left to tantivy's own weight.

use tantivy::query::{
    AllScorer, BooleanQuery, EmptyScorer, EnableScoring, Explanation, Occur, Query, Scorer, Weight,
};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, TERMINATED};

use super::opaque::Const;
use super::{into_prune, is_all, weight_of, BoolParts, PruneScorer, Pruned};

pub(crate) struct BoolWeight {
    clauses: Vec<(Occur, Box<dyn Weight>)>,
    /// 0: optional clauses are required only without required clauses; 1: at least one.
    minimum_should: usize,
}

fn disabled<'a>(scoring: &EnableScoring<'a>) -> EnableScoring<'a> {
    match *scoring {
        EnableScoring::Enabled { searcher, .. } => EnableScoring::disabled_from_searcher(searcher),
        disabled @ EnableScoring::Disabled { .. } => disabled,
    }
}

impl BoolWeight {
    /// `None` when tantivy's weight must run (a minimum number of optional clauses above 1).
    pub(crate) fn new(
        query: &BooleanQuery,
        scoring: EnableScoring<'_>,
    ) -> tantivy::Result<Option<BoolWeight>> {
        let mut minimum_should = query.get_minimum_number_should_match();
        let n_should = query.clauses().iter().filter(|(o, _)| *o == Occur::Should).count();
        let mut promote = false;
        if n_should == minimum_should {
            promote = true;
            minimum_should = 0;
        } else if n_should < minimum_should {
            return Ok(Some(BoolWeight { clauses: Vec::new(), minimum_should: 0 }));
        } else if minimum_should > 1 {
            return Ok(None);
        }
        let mut clauses = Vec::with_capacity(query.clauses().len());
        for (occur, q) in query.clauses() {
            let occur = match occur {
                Occur::Should if promote => Occur::Must,
                o => *o,
            };
            let weight = match occur {
                Occur::MustNot => q.weight(disabled(&scoring))?,
                _ => weight_of(q.as_ref(), scoring)?,
            };
            clauses.push((occur, weight));
        }
        Ok(Some(BoolWeight { clauses, minimum_should }))
    }
}

impl Weight for BoolWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        if self.clauses.is_empty() {
            return Ok(Box::new(EmptyScorer));
        }
        if self.clauses.len() == 1 {
            let (occur, w) = &self.clauses[0];
            if *occur == Occur::MustNot {
                return Ok(Box::new(EmptyScorer));
            }
            return w.scorer(reader, boost);
        }
        let (mut must, mut should, mut must_not) = (Vec::new(), Vec::new(), Vec::new());
        let (mut must_all, mut should_all) = (0usize, 0usize);
        for (occur, w) in &self.clauses {
            match occur {
                Occur::MustNot => {
                    let s = w.scorer(reader, 1.0)?;
                    if is_all(s.as_ref()) {
                        return Ok(Box::new(EmptyScorer));
                    }
                    if s.doc() != TERMINATED && !s.is::<EmptyScorer>() {
                        must_not.push(s);
                    }
                }
                Occur::Must => {
                    let s = w.scorer(reader, boost)?;
                    if is_all(s.as_ref()) {
                        must_all += 1;
                        continue;
                    }
                    match into_prune(s) {
                        Some(p) => must.push(p),
                        None => return Ok(Box::new(EmptyScorer)),
                    }
                }
                Occur::Should => {
                    let s = w.scorer(reader, boost)?;
                    if is_all(s.as_ref()) {
                        should_all += 1;
                        continue;
                    }
                    if let Some(p) = into_prune(s) {
                        should.push(p);
                    }
                }
            }
        }
        let minimum = self.minimum_should.saturating_sub(should_all);
        if minimum > should.len() {
            return Ok(Box::new(EmptyScorer));
        }
        let all =
            || -> Box<dyn PruneScorer> { Box::new(Const::new(AllScorer::new(reader.max_doc()))) };
        let should_required;
        if should.is_empty() && minimum == 0 {
            // optional clauses play no part
            should_required = false;
            if must.is_empty() {
                if must_all + should_all == 0 {
                    return Ok(Box::new(EmptyScorer));
                }
                must.push(all());
            }
        } else if minimum == 0 {
            if must.is_empty() && must_all > 0 {
                must.push(all());
            }
            should_required = must.is_empty();
            if should_required && should_all > 0 {
                should.push(all());
            }
        } else {
            should_required = true;
            if must.is_empty() && must_all > 0 && should.is_empty() {
                must.push(all());
            }
        }
        let parts = BoolParts { must, should, should_required, must_not };
        match BoolNode::boxed(parts) {
            Some(node) => Ok(Pruned::boxed(node)),
            None => Ok(Box::new(EmptyScorer)),
        }
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.doc() > doc || scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!("document #{doc} does not match")));
        }
        let mut e = Explanation::new("BooleanClause. sum of ...", scorer.score());
        for (occur, w) in &self.clauses {
            if *occur != Occur::MustNot {
                if let Ok(child) = w.explain(reader, doc) {
                    e.add_detail(child);
                }
            }
        }
        Ok(e)
    }
}

/// What is known of an optional clause on the current candidate.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Known {
    Unknown,
    Matches,
    Misses,
}

/// The node: required clauses (driven by the cheapest), optional clauses, exclusions.
///
/// Optional clauses that do not decide the match (beside required ones) are only moved and
/// checked when the candidate's score or bound is asked: the all-words tier, a conjunction
/// with the proximity phrase as optional clause, is probed without reading positions.
pub(crate) struct BoolNode {
    parts: BoolParts,
    /// The required clause that leads the intersection.
    driver: usize,
    doc: DocId,
    /// Per optional clause, on the current candidate.
    known: Vec<Known>,
    /// Whether the current candidate was confirmed.
    checked: bool,
}

impl BoolNode {
    /// The node of `parts`, or its single clause when it has only one; `None` when it matches
    /// nothing.
    pub(crate) fn boxed(mut parts: BoolParts) -> Option<Box<dyn PruneScorer>> {
        if parts.must.is_empty() && parts.should.is_empty() {
            return None;
        }
        if parts.must_not.is_empty() {
            if parts.must.len() == 1 && parts.should.is_empty() {
                return parts.must.pop();
            }
            if parts.must.is_empty() && parts.should.len() == 1 && parts.should_required {
                return parts.should.pop();
            }
        }
        if parts.must.is_empty() {
            // without a required clause, the optional ones decide the match
            parts.should_required = true;
        }
        // the cheapest required clause drives the intersection; scores add up in clause order
        let driver = (0..parts.must.len()).min_by_key(|&i| parts.must[i].cost()).unwrap_or(0);
        let n = parts.should.len();
        let mut node =
            BoolNode { parts, driver, doc: 0, known: vec![Known::Unknown; n], checked: false };
        node.doc = node.settle(0);
        Some(Box::new(node))
    }

    /// The first candidate at or after `target`.
    fn settle(&mut self, mut target: DocId) -> DocId {
        self.checked = false;
        self.known.iter_mut().for_each(|k| *k = Known::Unknown);
        let p = &mut self.parts;
        'outer: loop {
            if target >= TERMINATED {
                return TERMINATED;
            }
            if p.must.is_empty() {
                let mut min = TERMINATED;
                for c in &mut p.should {
                    let d = if c.doc() < target { c.seek(target) } else { c.doc() };
                    min = min.min(d);
                }
                target = min;
                if target == TERMINATED {
                    return TERMINATED;
                }
            } else {
                let lead = &mut p.must[self.driver];
                target = if lead.doc() < target { lead.seek(target) } else { lead.doc() };
                if target == TERMINATED {
                    return TERMINATED;
                }
                for c in &mut p.must {
                    let d = if c.doc() < target { c.seek(target) } else { c.doc() };
                    if d > target {
                        target = d;
                        continue 'outer;
                    }
                }
                if p.should_required {
                    let mut any = false;
                    for c in &mut p.should {
                        let d = if c.doc() < target { c.seek(target) } else { c.doc() };
                        any |= d == target;
                    }
                    if !any {
                        target += 1;
                        continue;
                    }
                }
            }
            for x in &mut p.must_not {
                let d = if x.doc() < target { x.seek(target) } else { x.doc() };
                if d == target {
                    target += 1;
                    continue 'outer;
                }
            }
            return target;
        }
    }

    /// Moves the optional clauses to the current candidate; whether clause `i` is on it.
    fn on(&mut self, i: usize) -> bool {
        let doc = self.doc;
        let c = &mut self.parts.should[i];
        let d = if c.doc() < doc { c.seek(doc) } else { c.doc() };
        d == doc
    }

    /// Whether optional clause `i` matches the current candidate.
    fn confirm(&mut self, i: usize) -> bool {
        match self.known[i] {
            Known::Matches => return true,
            Known::Misses => return false,
            Known::Unknown => {}
        }
        let ok = self.on(i) && self.parts.should[i].matches();
        self.known[i] = if ok { Known::Matches } else { Known::Misses };
        ok
    }
}

impl PruneScorer for BoolNode {
    fn doc(&self) -> DocId {
        self.doc
    }

    fn advance(&mut self) -> DocId {
        let next = self.doc.saturating_add(1);
        self.doc = self.settle(next);
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
        match self.parts.must.get(self.driver) {
            Some(c) => c.cost(),
            None => self.parts.should.iter().map(|c| c.cost()).sum(),
        }
    }

    fn two_phase(&self) -> bool {
        self.parts.must.iter().chain(&self.parts.should).any(|c| c.two_phase())
    }

    fn matches(&mut self) -> bool {
        if self.checked {
            return true;
        }
        for c in &mut self.parts.must {
            if !c.matches() {
                return false;
            }
        }
        if self.parts.should_required && !(0..self.parts.should.len()).any(|i| self.confirm(i)) {
            return false;
        }
        self.checked = true;
        true
    }

    fn doc_bound(&mut self) -> Score {
        let mut b = 0.0;
        for c in &mut self.parts.must {
            b += c.doc_bound();
        }
        for i in 0..self.parts.should.len() {
            if self.known[i] != Known::Misses && self.on(i) {
                b += self.parts.should[i].doc_bound();
            }
        }
        b
    }

    fn score(&mut self) -> Score {
        if !self.checked {
            self.matches();
        }
        let mut s = 0.0;
        for c in &mut self.parts.must {
            s += c.score();
        }
        for i in 0..self.parts.should.len() {
            if self.confirm(i) {
                s += self.parts.should[i].score();
            }
        }
        s
    }

    fn max_score(&self) -> Score {
        self.parts.must.iter().chain(&self.parts.should).map(|c| c.max_score()).sum()
    }

    fn block_last(&mut self) -> DocId {
        let mut last = TERMINATED;
        for c in &mut self.parts.must {
            if c.doc() != TERMINATED {
                last = last.min(c.block_last());
            }
        }
        for i in 0..self.parts.should.len() {
            self.on(i);
            let c = &mut self.parts.should[i];
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
        let mut b = 0.0;
        for c in &mut self.parts.must {
            if c.doc() > upto {
                return 0.0;
            }
            b += c.block_bound(upto);
        }
        for i in 0..self.parts.should.len() {
            self.on(i);
            let c = &mut self.parts.should[i];
            if c.doc() <= upto {
                b += c.block_bound(upto);
            }
        }
        b
    }

    fn into_bool(self: Box<Self>) -> Result<BoolParts, Box<dyn PruneScorer>> {
        Ok(self.parts)
    }
}
