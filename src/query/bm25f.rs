//! BM25F: one term scored over several fields of an article as if they were one weighted field.
//!
//! Summing a BM25 score per field (title, lead, body) saturates each field on its own: a word
//! in the title and in the body counts nearly twice, and every passage of a story that shares
//! its headline gets the same title bonus. BM25F (Robertson, Zaragoza, Taylor 2004) first
//! combines the field frequencies, each weighted and normalised by its own length, then
//! saturates once:
//!
//! ```text
//! tf~   = Σ_f  w_f · tf_f / (1 − b + b · len_f / avglen_f)
//! score = idf · tf~ · (k1 + 1) / (k1 + tf~)
//! idf   = ln(1 + (N − df + 0.5) / (df + 0.5))
//! ```
//!
//! - `N` is the number of articles of the fields' language when the query knows it (the
//!   `/lang/…` facet), else every article; `avglen_f` is the field's token count over that `N`.
//! - `df` is approximated by the largest document frequency of the term over the fields: the
//!   true union needs a pass over the postings, and the body, where nearly every occurrence is,
//!   dominates it.
//!
//! ```
//! use depeche::index::NewsSchema;
//! use depeche::query::Bm25fQuery;
//! use depeche::Lang;
//!
//! let schema = NewsSchema::new();
//! let fields = [(schema.title(Lang::French), 2.0), (schema.body(Lang::French), 1.0)];
//! let query = Bm25fQuery::new("elect", &fields, 1.2, 0.75);
//! assert_eq!(query.text(), "elect");
//! ```

use std::sync::Arc;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::query::{Bm25StatisticsProvider, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::Field;
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term, TERMINATED};

use super::prune::{saturation, BlockCursor, Bm25Bound, BoolParts, PruneScorer, SAFETY};

/// A term on several weighted fields, scored with BM25F (see the module docs).
#[derive(Clone, Debug)]
pub struct Bm25fQuery {
    text: String,
    terms: Vec<(Term, f32)>,
    k1: f32,
    b: f32,
    population: Option<Term>,
}

impl Bm25fQuery {
    /// The term `text` (already analyzed) on `fields` with their weights; BM25 parameters
    /// `k1` (saturation, ≥ 0) and `b` (length normalisation in 0..=1, the same for every
    /// field). See [`crate::query::Ranking::sanitized`] for safe values.
    pub fn new(text: &str, fields: &[(Field, f32)], k1: f32, b: f32) -> Bm25fQuery {
        let terms = fields.iter().map(|&(f, w)| (Term::from_field_text(f, text), w)).collect();
        Bm25fQuery { text: text.to_string(), terms, k1, b, population: None }
    }

    /// Counts `N` and the average field lengths over the articles holding `term` (for example
    /// the `/lang/fr` facet) instead of over every article.
    #[must_use]
    pub fn with_population(mut self, term: Term) -> Bm25fQuery {
        self.population = Some(term);
        self
    }

    /// The term.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// Per field: the term, its weight and the name of the field for explanations.
struct FieldPart {
    term: Term,
    name: String,
    weight: f32,
    avg_len: f32,
    /// `weight / (1 − b + b · len / avglen)` for each of tantivy's 256 field-norm codes.
    cache: [f32; 256],
}

/// The weight of a [`Bm25fQuery`]: statistics computed once per search.
pub struct Bm25fWeight {
    text: String,
    parts: Arc<Vec<FieldPart>>,
    idf: f32,
    df: u64,
    population: u64,
    k1: f32,
    b: f32,
    scoring: bool,
}

impl Query for Bm25fQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let schema = scoring.schema();
        let mut parts = Vec::with_capacity(self.terms.len());
        let (mut df, mut population) = (0u64, 1u64);
        let stats: Option<&dyn Bm25StatisticsProvider> = match &scoring {
            EnableScoring::Enabled { statistics_provider, .. } => Some(*statistics_provider),
            EnableScoring::Disabled { .. } => None,
        };
        if let Some(stats) = stats {
            let all = stats.total_num_docs()?;
            population = match &self.population {
                Some(t) => stats.doc_freq(t)?,
                None => all,
            };
            if population == 0 {
                population = all;
            }
            population = population.max(1);
        }
        for (term, weight) in &self.terms {
            let (term, weight, field) = (term.clone(), *weight, term.field());
            let mut avg_len = 1.0f32;
            if let Some(stats) = stats {
                df = df.max(stats.doc_freq(&term)?);
                let tokens = stats.total_num_tokens(field)?;
                avg_len = (tokens as f32 / population as f32).max(1.0);
            }
            let mut cache = [weight; 256];
            if stats.is_some() {
                for (id, slot) in cache.iter_mut().enumerate() {
                    let len = FieldNormReader::id_to_fieldnorm(id as u8) as f32;
                    *slot = weight / (1.0 - self.b + self.b * len / avg_len).max(1e-3);
                }
            }
            let name = schema.get_field_name(field).to_string();
            parts.push(FieldPart { term, name, weight, avg_len, cache });
        }
        let n = population as f32;
        let d = df as f32;
        let idf = if stats.is_some() { (1.0 + (n - d + 0.5) / (d + 0.5)).ln() } else { 1.0 };
        Ok(Box::new(Bm25fWeight {
            text: self.text.clone(),
            parts: Arc::new(parts),
            idf,
            df,
            population,
            k1: self.k1,
            b: self.b,
            scoring: stats.is_some(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (term, _) in &self.terms {
            visitor(term, false);
        }
    }
}

/// One field's postings of the term in a segment.
struct FieldPostings {
    part: usize,
    postings: BlockCursor,
    norms: FieldNormReader,
    /// The part's `weight / norm` per field-norm id (a copy, read once per posting).
    cache: Box<[f32; 256]>,
    /// Block bounds of this field's `tf / norm`, times the field's weight.
    bound: Bm25Bound,
}

/// Unions the postings of the term over the fields and scores with BM25F.
///
/// It bounds its scores for pruning ([`PruneScorer`]): over a block, `tf~` is at most the
/// sum over the fields of their weight times the block maximum of `tf / norm`, read from
/// tantivy's stored block maxima (see `crate::query::prune`), and the score at most
/// `boost · idf · (k1 + 1) · tf~ / (k1 + tf~)` of that.
pub struct Bm25fScorer {
    fields: Vec<FieldPostings>,
    parts: Arc<Vec<FieldPart>>,
    doc: DocId,
    /// `boost · idf · (k1 + 1)`.
    factor: f32,
    k1: f32,
    /// Scratch of [`PruneScorer::block_bound`]: per field, its documents of the window (start
    /// in the decoded block, count), `None` when it holds none.
    spans: Vec<Option<(usize, usize)>>,
}

/// Most documents of the window held by the fields other than the densest one for which
/// [`Bm25fScorer`]'s block bound scores them one by one.
const SPARSE_DOCS: usize = 12;

impl Bm25fScorer {
    /// A bound of the pseudo-frequency over the window, tighter than the sum of the fields'
    /// block bounds when the fields other than `dense` hold few of its documents: a document
    /// in none of them gets at most `dense`'s bound `dense_tf`; the few others get their exact
    /// pseudo-frequency, summed in the order [`Bm25fScorer::tf`] sums it. (The sum of
    /// per-field maxima is reached only by a document holding the block's best title and its
    /// best body, which seldom exists.) `spans` holds each field's documents of the window
    /// (start in its block, count), as [`PruneScorer::block_bound`] found them.
    fn sparse_bound(&self, dense: usize, dense_tf: f32) -> f32 {
        let mut best = dense_tf;
        for (i, f) in self.fields.iter().enumerate() {
            let Some((start, len)) = self.spans[i] else { continue };
            if i == dense {
                continue;
            }
            let docs = &f.postings.block_docs()[start..start + len];
            for (k, &doc) in docs.iter().enumerate() {
                let mut tf = 0.0f32;
                for (j, g) in self.fields.iter().enumerate() {
                    let at = if j == i {
                        start + k
                    } else {
                        let Some((gs, gl)) = self.spans[j] else { continue };
                        match g.postings.block_docs()[gs..gs + gl].binary_search(&doc) {
                            Ok(n) => gs + n,
                            Err(_) => continue,
                        }
                    };
                    let id = g.norms.fieldnorm_id(doc);
                    tf += g.cache[id as usize] * g.postings.tf_at(at) as f32;
                }
                best = best.max(tf);
            }
        }
        best
    }

    fn min_doc(&self) -> DocId {
        self.fields.iter().map(|f| f.postings.doc()).min().unwrap_or(TERMINATED)
    }

    /// `tf~` of the current doc.
    #[inline]
    fn tf(&self) -> f32 {
        let doc = self.doc;
        let mut tf = 0.0;
        for f in &self.fields {
            if f.postings.doc() == doc {
                let id = f.norms.fieldnorm_id(doc);
                tf += f.cache[id as usize] * f.postings.tf() as f32;
            }
        }
        tf
    }

    fn bm25f(&self, tf: f32) -> Score {
        if tf <= 0.0 {
            // Fields of weight 0 only (and k1 = 0 would make it 0 / 0).
            return 0.0;
        }
        self.factor * tf / (self.k1 + tf)
    }

    #[inline]
    fn next(&mut self) -> DocId {
        let doc = self.doc;
        let mut min = TERMINATED;
        for f in &mut self.fields {
            let mut d = f.postings.doc();
            if d == doc {
                d = f.postings.advance();
            }
            min = min.min(d);
        }
        self.doc = min;
        min
    }

    #[inline]
    fn seek_to(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let mut min = TERMINATED;
        for f in &mut self.fields {
            min = min.min(f.postings.seek(target));
        }
        self.doc = min;
        min
    }
}

impl DocSet for Bm25fScorer {
    fn advance(&mut self) -> DocId {
        self.next()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.seek_to(target)
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.fields.iter().map(|f| f.postings.doc_freq()).max().unwrap_or(0)
    }
}

impl Scorer for Bm25fScorer {
    fn score(&mut self) -> Score {
        self.bm25f(self.tf())
    }
}

impl PruneScorer for Bm25fScorer {
    fn doc(&self) -> DocId {
        self.doc
    }

    fn advance(&mut self) -> DocId {
        self.next()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.seek_to(target)
    }

    fn cost(&self) -> u64 {
        self.fields.iter().map(|f| u64::from(f.postings.doc_freq())).sum()
    }

    fn doc_bound(&mut self) -> Score {
        self.bm25f(self.tf())
    }

    fn score(&mut self) -> Score {
        self.bm25f(self.tf())
    }

    fn max_score(&self) -> Score {
        self.factor.max(0.0) * SAFETY
    }

    fn block_last(&mut self) -> DocId {
        let mut last = TERMINATED;
        for f in &self.fields {
            if f.postings.doc() != TERMINATED {
                last = last.min(f.postings.block_last());
            }
        }
        last
    }

    fn block_bound(&mut self, upto: DocId) -> Score {
        let mut tf = 0.0f32;
        // the field with the most documents in the window, its bound, how many the others hold
        let (mut dense, mut dense_len, mut dense_tf, mut all) = (usize::MAX, 0usize, 0.0f32, 0);
        for (i, f) in self.fields.iter_mut().enumerate() {
            self.spans[i] = None;
            if f.postings.doc() <= upto {
                let w = self.parts[f.part].weight;
                let b = w * f.bound.block(&mut f.postings, &f.norms);
                tf += b;
                let n = match f.postings.window(upto) {
                    Some((docs, start)) => {
                        self.spans[i] = Some((start, docs.len()));
                        docs.len()
                    }
                    None => usize::MAX / 4,
                };
                all += n;
                if dense == usize::MAX || n > dense_len {
                    (dense, dense_len, dense_tf) = (i, n, b);
                }
            }
        }
        if tf <= 0.0 {
            return 0.0;
        }
        // every field's window known (none ends before `upto`) and few sparse documents
        if dense != usize::MAX && all - dense_len <= SPARSE_DOCS {
            tf = tf.min(self.sparse_bound(dense, dense_tf));
        }
        (self.factor * saturation(tf, self.k1) * SAFETY).min(PruneScorer::max_score(self))
    }

    fn into_bool(self: Box<Self>) -> Result<BoolParts, Box<dyn PruneScorer>> {
        Err(self)
    }
}

impl Bm25fWeight {
    fn bm25f_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Bm25fScorer> {
        let mut fields = Vec::with_capacity(self.parts.len());
        for (i, part) in self.parts.iter().enumerate() {
            let field = part.term.field();
            if let Some(postings) = BlockCursor::open(reader, &part.term)? {
                let norms = reader.get_fieldnorms_reader(field)?;
                let bound = Bm25Bound::new(reader, &part.term, self.b, part.avg_len)?;
                let cache = Box::new(part.cache);
                fields.push(FieldPostings { part: i, postings, norms, cache, bound });
            }
        }
        let spans = vec![None; fields.len()];
        let mut scorer = Bm25fScorer {
            spans,
            fields,
            parts: Arc::clone(&self.parts),
            doc: 0,
            factor: boost * self.idf * (self.k1 + 1.0),
            k1: self.k1,
        };
        scorer.doc = scorer.min_doc();
        Ok(scorer)
    }
}

impl Weight for Bm25fWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.bm25f_scorer(reader, boost)?))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.bm25f_scorer(reader, 1.0)?;
        if scorer.doc > doc || scorer.seek_to(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document #{doc} does not match «{}»",
                self.text
            )));
        }
        let tf = scorer.tf();
        let score = Scorer::score(&mut scorer);
        let mut e = Explanation::new_with_string(format!("BM25F «{}»", self.text), score);
        e.add_detail(Explanation::new_with_string(
            format!(
                "idf = ln(1 + (N − df + 0.5) / (df + 0.5)), N = {}, df = {}",
                self.population, self.df
            ),
            self.idf,
        ));
        for f in &scorer.fields {
            if f.postings.doc() != doc {
                continue;
            }
            let part = &self.parts[f.part];
            let len = f.norms.fieldnorm(doc);
            let tf_f = f.postings.tf();
            let contribution = f.cache[f.norms.fieldnorm_id(doc) as usize] * tf_f as f32;
            e.add_detail(Explanation::new_with_string(
                format!(
                    "{}: tf {tf_f} × weight {} / (1 − b + b × length {len} / average {:.1})",
                    part.name, part.weight, part.avg_len
                ),
                contribution,
            ));
        }
        let mut sat = Explanation::new_with_string(
            format!(
                "tf~ = {tf:.3}; saturation tf~ × (k1 + 1) / (k1 + tf~), k1 = {}, b = {}",
                self.k1, self.b
            ),
            tf * (self.k1 + 1.0) / (self.k1 + tf),
        );
        if !self.scoring {
            sat.add_context("scoring disabled".to_string());
        }
        e.add_detail(sat);
        Ok(e)
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::TermQuery;
    use tantivy::schema::IndexRecordOption;
    use tantivy::Searcher;

    use super::*;
    use crate::index::{Article, NewsIndex, NewsSchema};
    use crate::Lang;

    fn index(articles: &[(&str, &str, &str)]) -> (NewsIndex, Searcher) {
        let index = NewsIndex::create_in_ram().unwrap();
        for (id, title, body) in articles {
            let a = Article {
                id: (*id).into(),
                title: (*title).into(),
                body: (*body).into(),
                lang: Some(Lang::French),
                ..Default::default()
            };
            index.add(&a).unwrap();
        }
        index.commit().unwrap();
        let searcher = index.searcher();
        (index, searcher)
    }

    fn scores(searcher: &Searcher, q: &dyn Query) -> Vec<f32> {
        let mut top = searcher.search(q, &TopDocs::with_limit(10).order_by_score()).unwrap();
        top.sort_by_key(|(_, a)| a.doc_id);
        top.into_iter().map(|(s, _)| s).collect()
    }

    #[test]
    fn one_field_of_weight_one_is_plain_bm25() {
        let (_i, searcher) = index(&[
            ("1", "Grève", "La grève des cheminots continue, une grève dure."),
            ("2", "Météo", "Pas de grève annoncée pour demain malgré la pluie et le vent fort."),
            ("3", "Sport", "Le match est reporté."),
        ]);
        let body = NewsSchema::new().body(Lang::French);
        let bm25f = Bm25fQuery::new("grev", &[(body, 1.0)], 1.2, 0.75);
        let bm25 =
            TermQuery::new(Term::from_field_text(body, "grev"), IndexRecordOption::WithFreqs);
        let (a, b) = (scores(&searcher, &bm25f), scores(&searcher, &bm25));
        assert_eq!(a.len(), 2);
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() < 1e-4, "BM25F {a:?} vs BM25 {b:?}");
        }
    }

    #[test]
    fn fields_share_one_saturation() {
        let (_i, searcher) = index(&[
            ("both", "Grève à la SNCF", "La grève continue."),
            ("body", "SNCF", "La grève continue."),
            ("other", "Sport", "Le match est reporté."),
        ]);
        let s = NewsSchema::new();
        let fields = [(s.title(Lang::French), 2.0), (s.body(Lang::French), 1.0)];
        let q = Bm25fQuery::new("grev", &fields, 1.2, 0.75);
        let got = scores(&searcher, &q);
        assert_eq!(got.len(), 2);
        let (both, body) = (got[0], got[1]);
        assert!(both > body, "a title match adds: {got:?}");
        // One saturation: less than the sum of the title's and the body's own scores (the
        // same idf: a body of weight 0 keeps the df).
        let title_only = [(s.title(Lang::French), 2.0), (s.body(Lang::French), 0.0)];
        let title = scores(&searcher, &Bm25fQuery::new("grev", &title_only, 1.2, 0.75));
        assert!(title[0] > 0.0 && title[1] == 0.0, "{title:?}");
        assert!(both < body + title[0], "{got:?} vs title alone {title:?}");
        let idf = (1.0f32 + (3.0 - 2.0 + 0.5) / (2.0 + 0.5)).ln();
        assert!(both < idf * 2.2 && body < idf * 2.2, "bounded by idf·(k1+1): {got:?}");
    }

    #[test]
    fn explanation_parts_add_up() {
        let (_i, searcher) = index(&[
            ("1", "Grève à la SNCF", "La grève continue, la grève dure."),
            ("2", "Sport", "Le match est reporté."),
        ]);
        let s = NewsSchema::new();
        let fields = [(s.title(Lang::French), 2.0), (s.body(Lang::French), 1.0)];
        let q = Bm25fQuery::new("grev", &fields, 1.2, 0.75)
            .with_population(Term::from_facet(s.facets, &crate::index::facet("lang", "fr")));
        let (score, addr) =
            searcher.search(&q, &TopDocs::with_limit(1).order_by_score()).unwrap()[0];
        let e = q.explain(&searcher, addr).unwrap();
        assert!((e.value() - score).abs() < 1e-5);
        let json = e.to_pretty_json();
        assert!(json.contains("title_fr: tf 1") && json.contains("body_fr: tf 2"), "{json}");
        assert!(json.contains("N = 2, df = 1"), "{json}");
        // Not a match: an error, not a panic.
        let other = tantivy::DocAddress::new(0, 1);
        assert!(q.explain(&searcher, other).is_err());
    }
}
