//! tantivy's `TermQuery`, with block bounds.
//!
//! In a field without frequencies (the exact-form field) every term frequency is 1, so the
//! node scores the postings itself exactly as tantivy's `TermScorer` does. In a field with
//! frequencies the query may ask for them or not (a private setting of `TermQuery`), so the
//! node keeps tantivy's own scorer for the scores and reads a second cursor for the bounds,
//! which hold either way (BM25 grows with the frequency).

use tantivy::fieldnorm::FieldNormReader;
use tantivy::query::{Bm25Weight, EnableScoring, Explanation, Query, Scorer, TermQuery, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

use super::cursor::{saturation, BlockCursor, Bm25Bound};
use super::{BoolParts, PruneScorer, Pruned};

/// tantivy's `k1`.
const K1: f32 = 1.2;

pub(crate) struct TermNodeWeight {
    term: Term,
    inner: Box<dyn Weight>,
    bm25: Bm25Weight,
    /// The average field length the scores use.
    avg: f32,
    freqs: bool,
}

impl TermNodeWeight {
    pub(crate) fn new(query: &TermQuery, scoring: EnableScoring<'_>) -> tantivy::Result<Self> {
        let inner = query.weight(scoring)?;
        let term = query.term().clone();
        let EnableScoring::Enabled { statistics_provider: stats, .. } = scoring else {
            return Err(tantivy::TantivyError::InvalidArgument("scoring disabled".into()));
        };
        let bm25 = Bm25Weight::for_terms(stats, std::slice::from_ref(&term))?;
        let docs = stats.total_num_docs()?;
        let avg = stats.total_num_tokens(term.field())? as f32 / docs as f32;
        let freqs = scoring
            .schema()
            .get_field_entry(term.field())
            .field_type()
            .get_index_record_option()
            .is_some_and(|o| o.has_freq());
        Ok(TermNodeWeight { term, inner, bm25, avg, freqs })
    }
}

fn fieldnorms(reader: &SegmentReader, term: &Term) -> tantivy::Result<FieldNormReader> {
    Ok(reader
        .fieldnorms_readers()
        .get_field(term.field())?
        .unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1)))
}

impl Weight for TermNodeWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let Some(cursor) = BlockCursor::open(reader, &self.term)? else {
            return Ok(Box::new(tantivy::query::EmptyScorer));
        };
        let bm25 = self.bm25.boost_by(boost);
        let norms = fieldnorms(reader, &self.term)?;
        let bound = Bm25Bound::new(reader, &self.term, 0.75, self.avg)?;
        let tantivy = if self.freqs { Some(self.inner.scorer(reader, boost)?) } else { None };
        let max = super::cursor::bm25_ceiling(&bm25);
        Ok(Pruned::boxed(Box::new(TermNode { cursor, tantivy, norms, bm25, bound, max })))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }
}

pub(crate) struct TermNode {
    /// The postings (iteration when `tantivy` is `None`, bounds always).
    cursor: BlockCursor,
    /// tantivy's scorer, which iterates and scores in a field with frequencies.
    tantivy: Option<Box<dyn Scorer>>,
    norms: FieldNormReader,
    bm25: Bm25Weight,
    bound: Bm25Bound,
    max: Score,
}

impl TermNode {
    /// The bound cursor, on the current document.
    fn synced(&mut self) -> &mut BlockCursor {
        if let Some(t) = &self.tantivy {
            let doc = t.doc();
            self.cursor.seek(doc);
        }
        &mut self.cursor
    }
}

impl PruneScorer for TermNode {
    fn doc(&self) -> DocId {
        match &self.tantivy {
            Some(t) => t.doc(),
            None => self.cursor.doc(),
        }
    }

    fn advance(&mut self) -> DocId {
        match &mut self.tantivy {
            Some(t) => t.advance(),
            None => self.cursor.advance(),
        }
    }

    fn seek(&mut self, target: DocId) -> DocId {
        match &mut self.tantivy {
            Some(t) if t.doc() >= target => t.doc(),
            Some(t) => t.seek(target),
            None => self.cursor.seek(target),
        }
    }

    fn cost(&self) -> u64 {
        u64::from(self.cursor.doc_freq())
    }

    fn doc_bound(&mut self) -> Score {
        self.score()
    }

    fn score(&mut self) -> Score {
        match &mut self.tantivy {
            Some(t) => t.score(),
            None => self.bm25.score(self.norms.fieldnorm_id(self.cursor.doc()), 1),
        }
    }

    fn max_score(&self) -> Score {
        self.max
    }

    fn block_last(&mut self) -> DocId {
        self.synced().block_last()
    }

    fn block_bound(&mut self, upto: DocId) -> Score {
        if self.doc() > upto {
            return 0.0;
        }
        self.synced();
        let g = self.bound.block(&mut self.cursor, &self.norms);
        (self.max * saturation(g, K1)).min(self.max)
    }

    fn into_bool(self: Box<Self>) -> Result<BoolParts, Box<dyn PruneScorer>> {
        Err(self)
    }
}
