//! Phrases that read positions only for documents that can make the page.
//!
//! A phrase's candidates are the documents holding all its terms (an intersection of their
//! postings, frequencies only). Its score is BM25 of the phrase frequency, which is at most
//! the smallest of its terms' frequencies (exact phrases, and sloppy phrases of two terms)
//! or the largest (sloppy phrases of more terms, where tantivy's matching may count a
//! position of a middle term more than once): that bounds each candidate and each block
//! without positions. [`PruneScorer::matches`] then asks tantivy's own phrase scorer about
//! that one document (`seek_danger`, which checks the target only), so scores and matches
//! are tantivy's.
//!
//! tantivy's phrase scorer looks for its first match when it is created, reading the
//! positions of every candidate up to it (all of them when the phrase occurs nowhere in the
//! segment). One search builds its weight's scorer several times per segment (the count, the
//! top k, the listed versions of a collapsed hit), so the weight keeps each segment's first
//! match: later scorers start there (`scorer_danger`, one candidate checked), or are empty.
//!
//! [`Phrase`] is `PhraseQuery` with its slop known (tantivy keeps it private): the builder
//! uses it, so that exact phrases of three terms or more get the tighter bound. A plain
//! `PhraseQuery` is bounded with the looser rule when it has more than two terms.

use std::sync::Mutex;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::query::{
    Bm25Weight, EmptyScorer, EnableScoring, Explanation, PhraseQuery, Query, Scorer, Weight,
};

use tantivy::index::SegmentId;
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, Term, TERMINATED};

use super::cursor::{saturation, BlockCursor, Bm25Bound, SAFETY};
use super::{BoolParts, PruneScorer, Pruned};

/// tantivy's `k1`.
const K1: f32 = 1.2;

/// A `PhraseQuery` whose slop the pruning knows.
///
/// ```
/// use depeche::query::prune::Phrase;
/// use tantivy::schema::{Schema, TEXT};
/// use tantivy::Term;
/// let mut b = Schema::builder();
/// let body = b.add_text_field("body", TEXT);
/// let terms = vec![(0, Term::from_field_text(body, "premier")), (1, Term::from_field_text(body, "ministre"))];
/// let q = Phrase::new(terms, 0);
/// assert_eq!(q.slop(), 0);
/// ```
#[derive(Clone, Debug)]
pub struct Phrase {
    query: PhraseQuery,
    slop: u32,
}

impl Phrase {
    /// The terms at their offsets, within `slop` (see tantivy's
    /// `PhraseQuery::new_with_offset_and_slop`, whose panics it shares: at least two terms,
    /// all of one field).
    pub fn new(terms: Vec<(usize, Term)>, slop: u32) -> Phrase {
        Phrase { query: PhraseQuery::new_with_offset_and_slop(terms, slop), slop }
    }

    /// The slop.
    pub fn slop(&self) -> u32 {
        self.slop
    }
}

impl Query for Phrase {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        if !scoring.is_scoring_enabled() {
            return self.query.weight(scoring);
        }
        Ok(Box::new(PhraseNodeWeight::new(&self.query, Some(self.slop), scoring)?))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

/// tantivy's phrase scorer for a segment, whether it is on a match (else in its "danger"
/// state), and the first document that can match.
type Verifier = (Box<dyn Scorer>, bool, DocId);

/// How a phrase's frequency is bounded by its terms' frequencies.
#[derive(Clone, Copy)]
enum CountBound {
    Min,
    Max,
}

pub(crate) struct PhraseNodeWeight {
    inner: Box<dyn Weight>,
    terms: Vec<Term>,
    bm25: Bm25Weight,
    avg: f32,
    count: CountBound,
    /// Per segment seen: the verifier's first match ([`TERMINATED`]: none).
    first: Mutex<Vec<(SegmentId, DocId)>>,
}

impl PhraseNodeWeight {
    pub(crate) fn new(
        query: &PhraseQuery,
        slop: Option<u32>,
        scoring: EnableScoring<'_>,
    ) -> tantivy::Result<PhraseNodeWeight> {
        let inner = query.weight(scoring)?;
        let terms = query.phrase_terms();
        let EnableScoring::Enabled { statistics_provider: stats, .. } = scoring else {
            return Err(tantivy::TantivyError::InvalidArgument("scoring disabled".into()));
        };
        let bm25 = Bm25Weight::for_terms(stats, &terms)?;
        let avg = stats.total_num_tokens(query.field())? as f32 / stats.total_num_docs()? as f32;
        let count =
            if terms.len() <= 2 || slop == Some(0) { CountBound::Min } else { CountBound::Max };
        Ok(PhraseNodeWeight { inner, terms, bm25, avg, count, first: Mutex::new(Vec::new()) })
    }

    /// tantivy's phrase scorer for `reader`, on its first match (`valid`), or in its
    /// "danger" state with no match before the returned lower bound; `None` when the phrase
    /// occurs nowhere in the segment. The first scorer built for a segment finds its first
    /// match and the weight keeps it; the next ones start there.
    fn verifier(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Option<Verifier>> {
        let id = reader.segment_id();
        let known = {
            let first = self.first.lock().unwrap_or_else(|e| e.into_inner());
            first.iter().find(|(s, _)| *s == id).map(|&(_, d)| d)
        };
        match known {
            Some(TERMINATED) => Ok(None),
            Some(doc) => {
                let (found, verifier) = self.inner.scorer_danger(reader, doc, boost)?;
                Ok(match found {
                    SeekDangerResult::Found => Some((verifier, true, doc)),
                    SeekDangerResult::SeekLowerBound(TERMINATED) => None,
                    SeekDangerResult::SeekLowerBound(next) => Some((verifier, false, next)),
                })
            }
            None => {
                let verifier = self.inner.scorer(reader, boost)?;
                let doc = verifier.doc();
                self.first.lock().unwrap_or_else(|e| e.into_inner()).push((id, doc));
                Ok((doc != TERMINATED).then_some((verifier, true, doc)))
            }
        }
    }
}

impl Weight for PhraseNodeWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut cursors = Vec::with_capacity(self.terms.len());
        let mut bounds = Vec::with_capacity(self.terms.len());
        for term in &self.terms {
            let Some(c) = BlockCursor::open(reader, term)? else {
                return Ok(Box::new(EmptyScorer));
            };
            cursors.push(c);
            bounds.push(Bm25Bound::new(reader, term, 0.75, self.avg)?);
        }
        let Some((verifier, valid, lower)) = self.verifier(reader, boost)? else {
            return Ok(Box::new(EmptyScorer));
        };
        let norms = reader
            .fieldnorms_readers()
            .get_field(self.terms[0].field())?
            .unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1));
        let bm25 = self.bm25.boost_by(boost);
        let max = super::cursor::bm25_ceiling(&bm25);
        // Candidates before the verifier's first match cannot match.
        let mut node = PhraseNode {
            cursors,
            bounds,
            norms,
            bm25,
            max,
            count: self.count,
            verifier,
            valid,
            lower,
            doc: 0,
            checked: None,
        };
        node.doc = node.settle(lower);
        Ok(Pruned::boxed(Box::new(node)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }
}

pub(crate) struct PhraseNode {
    cursors: Vec<BlockCursor>,
    bounds: Vec<Bm25Bound>,
    norms: FieldNormReader,
    bm25: Bm25Weight,
    max: Score,
    count: CountBound,
    /// tantivy's phrase scorer, asked about one candidate at a time.
    verifier: Box<dyn Scorer>,
    /// Whether the verifier is on a match (else: in its "danger" state, only `seek_danger`).
    valid: bool,
    /// No match before this document.
    lower: DocId,
    doc: DocId,
    /// The candidate last checked and the answer.
    checked: Option<(DocId, bool)>,
}

impl PhraseNode {
    fn settle(&mut self, mut target: DocId) -> DocId {
        'outer: loop {
            if target >= TERMINATED {
                return TERMINATED;
            }
            for c in &mut self.cursors {
                let d = c.seek(target);
                if d > target {
                    target = d;
                    continue 'outer;
                }
            }
            return target;
        }
    }

    /// The bound of the phrase frequency from the terms' frequencies at the current doc.
    fn count_bound(&self) -> u32 {
        let tfs = self.cursors.iter().map(BlockCursor::tf);
        match self.count {
            CountBound::Min => tfs.min().unwrap_or(0),
            CountBound::Max => tfs.max().unwrap_or(0),
        }
    }
}

impl PruneScorer for PhraseNode {
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
        self.cursors.iter().map(|c| u64::from(c.doc_freq())).min().unwrap_or(0)
    }

    fn two_phase(&self) -> bool {
        true
    }

    fn matches(&mut self) -> bool {
        let doc = self.doc;
        if let Some((at, answer)) = self.checked {
            if at == doc {
                return answer;
            }
        }
        let answer = if doc < self.lower {
            false
        } else if self.valid && self.verifier.doc() >= doc {
            self.verifier.doc() == doc
        } else {
            match self.verifier.seek_danger(doc) {
                SeekDangerResult::Found => {
                    self.valid = true;
                    true
                }
                SeekDangerResult::SeekLowerBound(next) => {
                    self.valid = false;
                    self.lower = next;
                    false
                }
            }
        };
        self.checked = Some((doc, answer));
        answer
    }

    fn doc_bound(&mut self) -> Score {
        let id = self.norms.fieldnorm_id(self.doc);
        self.bm25.score(id, self.count_bound()) * SAFETY
    }

    fn score(&mut self) -> Score {
        self.verifier.score()
    }

    fn max_score(&self) -> Score {
        self.max
    }

    fn block_last(&mut self) -> DocId {
        self.cursors.iter().map(BlockCursor::block_last).min().unwrap_or(TERMINATED)
    }

    fn block_bound(&mut self, upto: DocId) -> Score {
        if self.doc > upto {
            return 0.0;
        }
        let mut g = match self.count {
            CountBound::Min => f32::INFINITY,
            CountBound::Max => 0.0,
        };
        for (c, b) in self.cursors.iter_mut().zip(&mut self.bounds) {
            let x = b.block(c, &self.norms);
            g = match self.count {
                CountBound::Min => g.min(x),
                CountBound::Max => g.max(x),
            };
        }
        (self.max * saturation(g, K1)).min(self.max)
    }

    fn into_bool(self: Box<Self>) -> Result<BoolParts, Box<dyn PruneScorer>> {
        Err(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{Index, IndexWriter, TantivyDocument};

    /// The matches and scores of `weight`'s scorer on every segment.
    fn matches(weight: &dyn Weight, searcher: &tantivy::Searcher) -> Vec<Vec<(DocId, Score)>> {
        let mut out = Vec::new();
        for reader in searcher.segment_readers() {
            let mut scorer = weight.scorer(reader, 1.0).unwrap();
            let mut seg = Vec::new();
            while scorer.doc() != TERMINATED {
                seg.push((scorer.doc(), scorer.score()));
                scorer.advance();
            }
            out.push(seg);
        }
        out
    }

    #[test]
    fn a_scorer_built_again_for_a_segment_matches_as_the_first() {
        let mut b = Schema::builder();
        let body = b.add_text_field("body", TEXT);
        let index = Index::create_in_ram(b.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        // segment 0: the phrase from its second document; 1: both words apart; 2: neither
        let segments: [&[&str]; 3] = [
            &[
                "ministre et premier",
                "le premier ministre",
                "rien",
                "premier ministre premier ministre",
            ],
            &["premier jour du ministre", "le ministre vient en premier"],
            &["autre chose"],
        ];
        for docs in segments {
            for text in docs {
                let mut d = TantivyDocument::default();
                d.add_text(body, text);
                writer.add_document(d).unwrap();
            }
            writer.commit().unwrap();
        }
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 3);
        let terms = vec![
            (0, Term::from_field_text(body, "premier")),
            (1, Term::from_field_text(body, "ministre")),
        ];
        let q = Phrase::new(terms, 0);
        let weight = q.weight(EnableScoring::enabled_from_searcher(&searcher)).unwrap();
        let first = matches(weight.as_ref(), &searcher);
        let docs = |m: &Vec<Vec<(DocId, Score)>>| -> Vec<Vec<DocId>> {
            m.iter().map(|s| s.iter().map(|&(d, _)| d).collect()).collect()
        };
        let mut by_size: Vec<Vec<DocId>> = docs(&first);
        by_size.sort_by_key(|s| std::cmp::Reverse(s.len()));
        assert_eq!(by_size, vec![vec![1, 3], vec![], vec![]], "the phrase's matches");
        assert_eq!(matches(weight.as_ref(), &searcher), first, "built again: same matches, scores");
        let fresh = q.weight(EnableScoring::enabled_from_searcher(&searcher)).unwrap();
        assert_eq!(matches(fresh.as_ref(), &searcher), first, "a fresh weight agrees");
    }
}
