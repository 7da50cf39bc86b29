//! A prefix or typo-tolerant word → at most N index terms.
//!
//! tantivy's `FuzzyTermQuery` (and its prefix form) reads the postings of every term its
//! automaton accepts, without limit: `con*` on a large index reads thousands of posting lists.
//! [`Expansion`] keeps, in each segment, the [`QueryLimits::max_expansions`] most frequent
//! matching terms (looking at no more than 64 times as many), and matches the documents that
//! hold any of them, at a constant score, like tantivy's query. It also stops adding terms,
//! most frequent first, once their postings add up to [`POSTINGS_PER_DOC`] times the
//! segment's documents (the first term is always kept): past that the matching documents are
//! mostly found already, and `le~2`, which matches every short word, would otherwise read
//! the postings of the most frequent words of the language.
//!
//! [`QueryLimits::max_expansions`]: crate::query::QueryLimits::max_expansions

use std::sync::Arc;

use tantivy::postings::TermInfo;
use tantivy::query::{
    BitSetDocSet, ConstScorer, DfaWrapper, EmptyScorer, EnableScoring, Explanation, FuzzyTermQuery,
    Query, Scorer, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{BitSet, DocId, DocSet, Score, SegmentReader, TantivyError, Term};

/// Matching terms looked at per kept term.
const SCAN_FACTOR: usize = 64;
/// Postings read per expansion, per document of the segment.
pub const POSTINGS_PER_DOC: u64 = 4;

/// A prefix or typo-tolerant match on one field, expanded to a bounded number of terms.
///
/// ```
/// use depeche::index::{Article, IndexOptions, NewsIndex};
/// use depeche::query::Expansion;
/// use tantivy::collector::Count;
///
/// // One indexing thread, so one segment: the terms are kept per segment.
/// let index = NewsIndex::create_in_ram_with(IndexOptions::with_threads(1)).unwrap();
/// for (id, body) in [("1", "numérique"), ("2", "numériques"), ("3", "numérisation")] {
///     index.add(&Article { id: id.into(), title: "x".into(), body: body.into(), ..Default::default() }).unwrap();
/// }
/// index.commit().unwrap();
/// let exact = index.schema().exact;
/// let searcher = index.searcher();
/// assert_eq!(searcher.search(&Expansion::prefix(exact, "numeri", 10), &Count).unwrap(), 3);
/// // Only the most frequent term is kept: every one here is in one article.
/// assert_eq!(searcher.search(&Expansion::prefix(exact, "numeri", 1), &Count).unwrap(), 1);
/// assert_eq!(searcher.search(&Expansion::fuzzy(exact, "numerique", 1, 10), &Count).unwrap(), 2);
/// ```
#[derive(Clone, Debug)]
pub struct Expansion {
    field: Field,
    text: String,
    /// `None`: prefix; `Some(n)`: within `n` edits (at most 2).
    edits: Option<u8>,
    max_terms: usize,
}

impl Expansion {
    /// The terms of `field` starting with `prefix` (as indexed: folded, or stemmed).
    pub fn prefix(field: Field, prefix: &str, max_terms: usize) -> Expansion {
        Expansion { field, text: prefix.to_string(), edits: None, max_terms }
    }

    /// The terms of `field` within `edits` (1 or 2; more is read as 2) insertions, deletions,
    /// substitutions or adjacent transpositions of `word`.
    pub fn fuzzy(field: Field, word: &str, edits: u8, max_terms: usize) -> Expansion {
        Expansion { field, text: word.to_string(), edits: Some(edits.min(2)), max_terms }
    }
}

impl Query for Expansion {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let dfa = match self.edits {
            None => None,
            Some(edits) => Some(Arc::new(
                FuzzyTermQuery::new(Term::from_field_text(self.field, &self.text), edits, true)
                    .automaton()?,
            )),
        };
        Ok(Box::new(ExpansionWeight {
            field: self.field,
            prefix: self.text.as_bytes().to_vec(),
            dfa,
            max_terms: self.max_terms,
        }))
    }
}

struct ExpansionWeight {
    field: Field,
    prefix: Vec<u8>,
    dfa: Option<Arc<DfaWrapper>>,
    max_terms: usize,
}

/// The smallest byte string greater than every string starting with `prefix`, if any.
pub(crate) fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

impl ExpansionWeight {
    /// The kept terms of one segment: the most frequent of the first matching ones.
    fn term_infos(&self, reader: &SegmentReader) -> tantivy::Result<Vec<TermInfo>> {
        if self.max_terms == 0 {
            return Ok(Vec::new());
        }
        let index = reader.inverted_index(self.field)?;
        let dict = index.terms();
        let scan = self.max_terms.saturating_mul(SCAN_FACTOR);
        let mut infos = Vec::new();
        match &self.dfa {
            Some(dfa) => {
                let mut stream = dict.search(dfa.as_ref()).without_keys().into_stream()?;
                while infos.len() < scan && stream.advance() {
                    infos.push(stream.value().clone());
                }
            }
            None => {
                let mut builder = dict.range().without_keys().ge(&self.prefix);
                if let Some(end) = prefix_end(&self.prefix) {
                    builder = builder.lt(end);
                }
                let mut stream = builder.into_stream()?;
                while infos.len() < scan && stream.advance() {
                    infos.push(stream.value().clone());
                }
            }
        }
        if infos.len() > self.max_terms {
            infos.select_nth_unstable_by_key(self.max_terms - 1, |t| std::cmp::Reverse(t.doc_freq));
            infos.truncate(self.max_terms);
        }
        infos.sort_unstable_by_key(|t| std::cmp::Reverse(t.doc_freq));
        let budget = POSTINGS_PER_DOC * u64::from(reader.max_doc());
        let mut read = 0u64;
        let keep = infos
            .iter()
            .take_while(|t| {
                let first = read == 0;
                read += u64::from(t.doc_freq);
                first || read <= budget
            })
            .count();
        infos.truncate(keep);
        Ok(infos)
    }
}

impl Weight for ExpansionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let infos = self.term_infos(reader)?;
        if infos.is_empty() {
            return Ok(Box::new(EmptyScorer));
        }
        let index = reader.inverted_index(self.field)?;
        let mut docs = BitSet::with_max_value(reader.max_doc());
        for info in &infos {
            let mut postings =
                index.read_block_postings_from_terminfo(info, IndexRecordOption::Basic)?;
            loop {
                let block = postings.docs();
                if block.is_empty() {
                    break;
                }
                for &doc in block {
                    docs.insert(doc);
                }
                postings.advance();
            }
        }
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(docs), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) == doc {
            Ok(Explanation::new("Expansion", scorer.score()))
        } else {
            Err(TantivyError::InvalidArgument(format!("document {doc} does not match")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_end_is_the_next_string() {
        assert_eq!(prefix_end(b"abc"), Some(b"abd".to_vec()));
        assert_eq!(prefix_end(b"a\xff"), Some(b"b".to_vec()));
        assert_eq!(prefix_end(b"\xff\xff"), None);
        assert_eq!(prefix_end(b""), None);
    }
}
