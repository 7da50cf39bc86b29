//! Related articles: more like this, over the BM25F fields, one hit per story.
//!
//! [`NewsIndex::related`] reads the article's stored title, lead and body, analyzes them
//! with its language's analyzer, and weighs each term by its field-weighted frequency (the
//! ranking's title, lead and body weights) times its idf in the article's language
//! (`ln(1 + (N − df + 0.5) / (df + 0.5))`, `df` the largest over the three fields). Terms no
//! other article has, and terms in more than [`MAX_DOC_SHARE`] of the articles, are left
//! out. The [`RELATED_TERMS`] heaviest terms make a disjunction of [`Bm25fQuery`]s, each
//! boosted by its weight over the heaviest one's, that excludes the article's own story; the
//! answer is collapsed like a search (one hit per story, the others in [`Hit::similar`]).
//!
//! Measured on the PIAF passages (`docs/stories.md`): the passages of the same Wikipedia
//! article come first.

use rustc_hash::FxHashMap;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, TantivyDocument, Term};

use super::{collapse, snippet, stored_str, Hit, SearchRequest};
use crate::analysis::Lang;
use crate::index::{facet, NewsIndex, STORY_FIELD};
use crate::query::{Bm25fQuery, Highlight, Ranking};
use crate::{Error, Result};

/// Terms of the more-like-this query.
pub const RELATED_TERMS: usize = 25;
/// A term in more than this share of the articles of the language (and in more than 2)
/// says little about a subject: left out.
pub const MAX_DOC_SHARE: f32 = 0.3;

impl NewsIndex {
    /// Up to `k` articles related to the committed article `id`, most related first: more
    /// like this over its title, lead and body (see the module docs), one hit per story, its
    /// own story (itself and its republications) excluded.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when there is no article `id`; tantivy errors.
    ///
    /// ```
    /// use depeche::index::{Article, NewsIndex};
    /// # fn main() -> depeche::Result<()> {
    /// let index = NewsIndex::create_in_ram()?;
    /// for (id, title, body) in [
    ///     ("a", "Grève à la SNCF", "Les cheminots en grève contre la réforme ferroviaire."),
    ///     ("b", "La grève des cheminots continue", "La SNCF prévoit un trafic perturbé par la grève."),
    ///     ("c", "Victoire de Lyon", "L'Olympique lyonnais bat Nantes au stade."),
    /// ] {
    ///     index.add(&Article { id: id.into(), title: title.into(), body: body.into(), ..Default::default() })?;
    /// }
    /// index.commit()?;
    /// let related = index.related("a", 5)?;
    /// assert_eq!(related[0].id, "b");
    /// assert!(related.iter().all(|h| h.id != "a"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn related(&self, id: &str, k: usize) -> Result<Vec<Hit>> {
        crate::error::contain_panic("finding related articles", || self.related_unguarded(id, k))
    }

    fn related_unguarded(&self, id: &str, k: usize) -> Result<Vec<Hit>> {
        let s = self.schema();
        let searcher = self.searcher();
        let by_id =
            TermQuery::new(Term::from_field_text(s.id, id.trim()), IndexRecordOption::Basic);
        let Some((_, addr)) =
            searcher.search(&by_id, &TopDocs::with_limit(1).order_by_score())?.pop()
        else {
            return Err(Error::InvalidRequest(format!("no article {:?} in the index", id.trim())));
        };
        let doc: TantivyDocument = searcher.doc(addr)?;
        let lang = stored_str(&doc, s.lang).and_then(|l| l.parse().ok()).unwrap_or(Lang::French);
        let story = searcher
            .segment_reader(addr.segment_ord)
            .fast_fields()
            .u64(STORY_FIELD)?
            .first(addr.doc_id);
        let ranking = Ranking::default().sanitized();
        let fields = [
            (s.title(lang), s.stored_title, ranking.boosts.title),
            (s.lead(lang), s.stored_lead, ranking.boosts.lead),
            (s.body(lang), s.stored_body, ranking.boosts.body),
        ];
        let mut analyzers = self.take_analyzers();
        let mut weights: FxHashMap<String, f32> = FxHashMap::default();
        for (_, stored, weight) in fields {
            let Some(text) = stored_str(&doc, stored) else { continue };
            let mut stream = analyzers.of(lang).token_stream(&text);
            while let Some(t) = stream.next() {
                *weights.entry(t.text.clone()).or_default() += weight;
            }
        }
        let terms =
            distinctive(&searcher, &weights, &fields.map(|(f, _, w)| (f, w)), lang, s.facets)?;
        let population = Term::from_facet(s.facets, &facet("lang", lang.code()));
        let bm25f_fields: Vec<(Field, f32)> = fields.iter().map(|&(f, _, w)| (f, w)).collect();
        let top_weight = terms.first().map_or(1.0, |t| t.1);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = terms
            .iter()
            .map(|(term, w)| {
                let q = Bm25fQuery::new(term, &bm25f_fields, ranking.k1, ranking.b)
                    .with_population(population.clone());
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(q), w / top_weight)) as Box<dyn Query>,
                )
            })
            .collect();
        if clauses.is_empty() {
            self.give_back_analyzers(analyzers);
            return Ok(Vec::new());
        }
        let own: Box<dyn Query> = match story {
            Some(story) => Box::new(TermQuery::new(
                Term::from_field_u64(s.story, story),
                IndexRecordOption::Basic,
            )),
            None => Box::new(by_id),
        };
        clauses.push((Occur::MustNot, own));
        let query = BooleanQuery::new(clauses);
        let req = SearchRequest::default();
        let mut top = |n: usize| self.top(&searcher, &query, None, n, &req);
        let (_, page) = collapse::page(
            (&searcher, self.warm()),
            s,
            (&query, None, false),
            0,
            k.min(super::MAX_LIMIT),
            &mut top,
        )?;
        let highlight = Highlight::default();
        let mut highlighter = snippet::Highlighter::new(&highlight, &mut analyzers);
        let mut hits = Vec::with_capacity(page.len());
        for collapse::Collapsed { head, others } in page {
            let doc: TantivyDocument = searcher.doc(head.addr)?;
            let mut hit = self.hit(&doc, head, false, &mut highlighter);
            hit.similar = self.similar(&searcher, others, false)?;
            hits.push(hit);
        }
        self.give_back_analyzers(analyzers);
        Ok(hits)
    }
}

/// The [`RELATED_TERMS`] heaviest terms by weighted frequency × idf, heaviest first (ties by
/// term), without the terms no other article has or that too many have.
fn distinctive(
    searcher: &Searcher,
    weights: &FxHashMap<String, f32>,
    fields: &[(Field, f32)],
    lang: Lang,
    facets: Field,
) -> Result<Vec<(String, f32)>> {
    let population = searcher.doc_freq(&Term::from_facet(facets, &facet("lang", lang.code())))?;
    let n = population.max(1) as f32;
    let mut scored = Vec::with_capacity(weights.len());
    for (term, &tf) in weights {
        if term.starts_with(crate::analysis::CAPITAL_MARK) {
            continue;
        }
        let mut df = 0u64;
        for &(field, _) in fields {
            df = df.max(searcher.doc_freq(&Term::from_field_text(field, term))?);
        }
        // In a tiny index every shared term is in a large share: two articles stay allowed.
        if df < 2 || df as f32 > (MAX_DOC_SHARE * n).max(2.0) {
            continue;
        }
        let d = df as f32;
        let idf = (1.0 + (n - d + 0.5) / (d + 0.5)).ln();
        scored.push((term.clone(), tf * idf));
    }
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    scored.truncate(RELATED_TERMS);
    Ok(scored)
}
