//! Query → ranked hits: the search request and response, ranking, snippets and facets.
//!
//! ```
//! use depeche::index::{Article, NewsIndex};
//! use depeche::search::SearchRequest;
//!
//! # fn main() -> depeche::Result<()> {
//! let index = NewsIndex::create_in_ram()?;
//! index.add(&Article {
//!     id: "1".into(),
//!     title: "La transformation numérique des rédactions".into(),
//!     body: "Les journaux investissent dans le numérique.".into(),
//!     date: Some("2016-05-10".into()),
//!     ..Default::default()
//! })?;
//! index.commit()?;
//! let response = index.search(&SearchRequest::new("numerique"))?;
//! assert_eq!(response.total, 1);
//! assert_eq!(response.hits[0].id, "1");
//! # Ok(())
//! # }
//! ```
//!
//! # Ranking
//!
//! 1. The score of the query ([`crate::query`]): each word scored with BM25F over the title,
//!    lead and body of the article's language ([`crate::query::Bm25fQuery`]: field-weighted
//!    term frequencies, title 2 × lead 1.5 × body 1, under one saturation and one idf), plus
//!    an exact-form bonus and a proximity bonus for multi-word queries; the knobs are
//!    [`SearchRequest::ranking`] ([`crate::query::Ranking`]).
//! 2. Multiplied, when [`SearchRequest::recency_half_life_days`] is set, by
//!    `1 + RECENCY_WEIGHT × 0.5^(age_days / half_life)`.
//! 3. In queries of up to [`crate::query::Ranking::all_words_first_up_to`] (2) positive
//!    clauses, stop words aside, documents matching all of them rank before those matching
//!    only some (`transformation numerique`: both words first); longer queries, questions
//!    mostly, are ranked by score alone ([`crate::query::Ranking::all_words_first`] forces the
//!    tiers for every query).
//! 4. Ties: newer first, then by id (ascending).
//!
//! The README's Relevance section has the measurements behind these choices.
//! [`SearchRequest::explain`] explains each hit's score ([`Explanation`]).
//!
//! Sorting by [`Sort::Newest`] or [`Sort::Oldest`] orders every matching document by date,
//! then score, then id; articles without a date come last.

mod collapse;
mod complete;
mod count;
mod explain;
mod plan;
mod rank_key;
mod related;
mod similar;
mod snippet;
mod suggest;
mod surface;
mod topk;
pub mod typo;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, EnableScoring, Occur, Query, RangeQuery, TermQuery, Weight,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DateTime, DocAddress, DocId, Searcher, TantivyDocument, Term};

pub use collapse::{MAX_COLLAPSE_CANDIDATES, MAX_SIMILAR};
pub use complete::{MAX_COMPLETIONS, MAX_SCANNED_TERMS};
pub use explain::{Explanation, ScoreNode};
pub use related::{MAX_DOC_SHARE, RELATED_TERMS};
pub use similar::Similar;
pub use snippet::{escape_into, Snippet, SnippetField, SNIPPET_LEN};
pub use suggest::{
    ARTICLES_PER_RARE, FREQUENCY_RATIO, MIN_CORRECTION_ARTICLES, MIN_WORD_LEN, TWO_SLIPS_FROM_LEN,
};
pub use surface::SAMPLE_DOCS;

use rank_key::RankKeys;

use crate::analysis::{detect_language, Lang};
use crate::index::{facet, parse_date, NewsIndex, NewsSchema, FACET_FIELD};
use crate::query::{
    parse_day, parse_limited, Budget, BuiltQuery, QueryBuilder, QueryLimits, Ranking, Thesaurus,
};
use crate::{Error, Result};

/// Weight of the recency factor: a brand-new article scores up to `1 + RECENCY_WEIGHT` times
/// its BM25 score.
pub const RECENCY_WEIGHT: f32 = 1.0;
/// Largest `limit` honoured.
pub const MAX_LIMIT: usize = 1_000;
/// Largest `offset` honoured.
pub const MAX_OFFSET: usize = 100_000;
/// Extra candidates fetched so that ties at the page boundary are broken by id.
const TIE_MARGIN: usize = 16;
/// Facet values returned per facet.
const FACET_TOP_K: usize = 50;
/// Default of [`SearchRequest::track_total_hits`].
pub const TRACK_TOTAL_HITS: usize = 10_000;

/// The order of the hits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// By relevance (see the module docs).
    #[default]
    Relevance,
    /// Most recent first.
    Newest,
    /// Oldest first.
    Oldest,
}

impl std::str::FromStr for Sort {
    type Err = Error;

    /// `relevance` (or `pertinence`), `newest` (`recent`), `oldest` (`ancien`).
    fn from_str(s: &str) -> Result<Sort> {
        match s.trim().to_ascii_lowercase().as_str() {
            "relevance" | "pertinence" | "score" => Ok(Sort::Relevance),
            "newest" | "recent" | "date" => Ok(Sort::Newest),
            "oldest" | "ancien" => Ok(Sort::Oldest),
            other => Err(Error::InvalidRequest(format!(
                "unknown sort {other:?}: expected relevance, newest or oldest"
            ))),
        }
    }
}

/// A search request.
///
/// ```
/// use depeche::search::{SearchRequest, Sort};
/// let req = SearchRequest::new("élections régionales")
///     .lang(depeche::Lang::French)
///     .since("2016-01-01")
///     .sort(Sort::Newest)
///     .limit(5);
/// assert_eq!(req.limit, 5);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchRequest {
    /// What the reader typed (see [`crate::query`] for the syntax). Empty: every article.
    pub query: String,
    /// Only articles in this language (and only its fields and stop words).
    pub lang: Option<Lang>,
    /// First day (inclusive): `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or RFC 3339.
    pub since: Option<String>,
    /// Last day (inclusive), same formats; a year or month means its last day.
    pub until: Option<String>,
    /// Only these sources (exact values, any of them).
    pub sources: Vec<String>,
    /// Only these sections (exact values, any of them).
    pub sections: Vec<String>,
    /// Only articles with all these tags (exact values).
    pub tags: Vec<String>,
    /// Order of the hits.
    pub sort: Sort,
    /// Hits to skip (at most [`MAX_OFFSET`]).
    pub offset: usize,
    /// Hits to return (at most [`MAX_LIMIT`]; 0 returns only counts).
    pub limit: usize,
    /// Compute snippets.
    pub snippets: bool,
    /// Compute facet counts.
    pub facets: bool,
    /// Recency half-life in days for relevance sorting; `None`: no recency factor.
    pub recency_half_life_days: Option<f32>,
    /// Ranking knobs (field weights, BM25F parameters, stop words, tiers); the defaults are
    /// the measured best. Out-of-range values are made safe ([`Ranking::sanitized`]).
    pub ranking: Ranking,
    /// Explain each hit's score ([`Hit::explanation`]). Costs about one search per hit.
    pub explain: bool,
    /// One hit per story (on by default): the best-ranked version of each story of
    /// republications ([`crate::index::story`]) is the hit, the other versions that match are
    /// listed in its [`Hit::similar`], and `offset`/`limit` count stories. Off, every version
    /// is a hit of its own and `similar` is empty.
    pub collapse: bool,
    /// Read each listed version's title and URL ([`Similar::title`], [`Similar::url`]) from
    /// the doc store: one stored-document read per version, up to [`MAX_SIMILAR`] per hit.
    /// Off by default: a listed version carries its id, score, source and date, which cost
    /// no read.
    pub similar_details: bool,
    /// What the query may cost; past a limit the search is refused with
    /// [`Error::QueryRefused`]. Not read from JSON: a deserialized request gets the defaults.
    #[serde(skip)]
    pub limits: QueryLimits,
    /// Count matches exactly up to this many; past it [`SearchResponse::total`] is this
    /// number and [`SearchResponse::total_exact`] false (« more than 10,000 results »).
    /// `usize::MAX` always counts exactly. Facets are always exact.
    pub track_total_hits: usize,
    /// Skip the matches that cannot make the page (dynamic pruning, see [`crate::search`]).
    /// `false` scores every match, as tantivy's collectors do: the same hits, more slowly; for
    /// tests and measurements. Not read from JSON.
    #[serde(skip)]
    pub pruning: bool,
    /// The entity aliases and user synonyms the query expands with (default: the bundled
    /// French ↔ English aliases, [`Thesaurus::bundled`]); see [`SearchRequest::synonyms`].
    /// Not read from JSON.
    #[serde(skip, default = "Thesaurus::bundled")]
    pub thesaurus: Arc<Thesaurus>,
    /// Look for a « did you mean » correction ([`SearchResponse::suggestion`]).
    pub suggest: bool,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            lang: None,
            since: None,
            until: None,
            sources: Vec::new(),
            sections: Vec::new(),
            tags: Vec::new(),
            sort: Sort::Relevance,
            offset: 0,
            limit: 10,
            snippets: true,
            facets: false,
            recency_half_life_days: None,
            ranking: Ranking::default(),
            explain: false,
            collapse: true,
            similar_details: false,
            limits: QueryLimits::default(),
            track_total_hits: TRACK_TOTAL_HITS,
            pruning: true,
            thesaurus: Thesaurus::bundled(),
            suggest: true,
        }
    }
}

impl SearchRequest {
    /// A request for `query` with the defaults: 10 hits, snippets, no facets.
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest { query: query.into(), ..Default::default() }
    }

    /// Sets [`SearchRequest::lang`].
    #[must_use]
    pub fn lang(mut self, lang: Lang) -> Self {
        self.lang = Some(lang);
        self
    }

    /// Sets [`SearchRequest::since`].
    #[must_use]
    pub fn since(mut self, date: impl Into<String>) -> Self {
        self.since = Some(date.into());
        self
    }

    /// Sets [`SearchRequest::until`].
    #[must_use]
    pub fn until(mut self, date: impl Into<String>) -> Self {
        self.until = Some(date.into());
        self
    }

    /// Sets [`SearchRequest::sort`].
    #[must_use]
    pub fn sort(mut self, sort: Sort) -> Self {
        self.sort = sort;
        self
    }

    /// Sets [`SearchRequest::offset`].
    #[must_use]
    pub fn offset(mut self, offset: usize) -> Self {
        self.offset = offset;
        self
    }

    /// Sets [`SearchRequest::limit`].
    #[must_use]
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = limit;
        self
    }

    /// Sets [`SearchRequest::snippets`].
    #[must_use]
    pub fn snippets(mut self, on: bool) -> Self {
        self.snippets = on;
        self
    }

    /// Sets [`SearchRequest::facets`].
    #[must_use]
    pub fn facets(mut self, on: bool) -> Self {
        self.facets = on;
        self
    }

    /// Adds a source filter.
    #[must_use]
    pub fn source(mut self, source: impl Into<String>) -> Self {
        self.sources.push(source.into());
        self
    }

    /// Adds a section filter.
    #[must_use]
    pub fn section(mut self, section: impl Into<String>) -> Self {
        self.sections.push(section.into());
        self
    }

    /// Adds a tag filter.
    #[must_use]
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// Sets [`SearchRequest::explain`].
    ///
    /// ```
    /// let req = depeche::SearchRequest::new("grève").explain(true);
    /// assert!(req.explain);
    /// ```
    #[must_use]
    pub fn explain(mut self, on: bool) -> Self {
        self.explain = on;
        self
    }

    /// Sets [`SearchRequest::collapse`].
    ///
    /// ```
    /// let req = depeche::SearchRequest::new("grève");
    /// assert!(req.collapse, "on by default");
    /// assert!(!req.collapse(false).collapse);
    /// ```
    #[must_use]
    pub fn collapse(mut self, on: bool) -> Self {
        self.collapse = on;
        self
    }

    /// Sets [`SearchRequest::similar_details`].
    ///
    /// ```
    /// use depeche::search::SearchRequest;
    /// assert!(!SearchRequest::new("x").similar_details, "off by default");
    /// assert!(SearchRequest::new("x").similar_details(true).similar_details);
    /// ```
    #[must_use]
    pub fn similar_details(mut self, on: bool) -> Self {
        self.similar_details = on;
        self
    }

    /// Sets [`SearchRequest::recency_half_life_days`].
    #[must_use]
    pub fn recency_half_life_days(mut self, days: f32) -> Self {
        self.recency_half_life_days = Some(days);
        self
    }

    /// Sets [`SearchRequest::limits`].
    #[must_use]
    pub fn limits(mut self, limits: QueryLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Sets [`SearchRequest::track_total_hits`].
    ///
    /// ```
    /// let req = depeche::SearchRequest::new("grève").track_total_hits(usize::MAX);
    /// assert_eq!(req.track_total_hits, usize::MAX);
    /// ```
    #[must_use]
    pub fn track_total_hits(mut self, n: usize) -> Self {
        self.track_total_hits = n;
        self
    }

    /// Sets [`SearchRequest::pruning`].
    ///
    /// ```
    /// let req = depeche::SearchRequest::new("grève").pruning(false);
    /// assert!(!req.pruning);
    /// ```
    #[must_use]
    pub fn pruning(mut self, on: bool) -> Self {
        self.pruning = on;
        self
    }

    /// Sets [`SearchRequest::thesaurus`]: the aliases and synonyms to expand with
    /// ([`Thesaurus::empty`] for none).
    #[must_use]
    pub fn thesaurus(mut self, thesaurus: Arc<Thesaurus>) -> Self {
        self.thesaurus = thesaurus;
        self
    }

    /// Adds user synonyms to [`SearchRequest::thesaurus`] (the bundled aliases stay). For
    /// many requests, extend a [`Thesaurus`] once and share it with
    /// [`SearchRequest::thesaurus`] instead: this copies the table.
    ///
    /// ```
    /// use depeche::{query::Thesaurus, SearchRequest};
    /// let synonyms = Thesaurus::parse_synonyms("canapé, sofa, divan").unwrap();
    /// let req = SearchRequest::new("canapé").synonyms(&synonyms);
    /// assert_eq!(req.thesaurus.len(), Thesaurus::bundled().len() + 1);
    /// ```
    #[must_use]
    pub fn synonyms(mut self, synonyms: &Thesaurus) -> Self {
        Arc::make_mut(&mut self.thesaurus).extend(synonyms);
        self
    }

    /// Sets [`SearchRequest::suggest`].
    #[must_use]
    pub fn suggest(mut self, on: bool) -> Self {
        self.suggest = on;
        self
    }
}

/// One search result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hit {
    /// Article id.
    pub id: String,
    /// Ranking score (BM25-based; see the module docs).
    pub score: f32,
    /// Title as stored.
    pub title: String,
    /// URL, if any.
    pub url: Option<String>,
    /// Publication date, RFC 3339 (UTC).
    pub date: Option<String>,
    /// Source, if any.
    pub source: Option<String>,
    /// Section, if any.
    pub section: Option<String>,
    /// Language the article was indexed in.
    pub lang: Lang,
    /// The best passage with its matches, when asked for.
    pub snippet: Option<Snippet>,
    /// Why the hit scores what it does, when asked for ([`SearchRequest::explain`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Explanation>,
    /// The other versions of the hit's story that match, in rank order (at most
    /// [`MAX_SIMILAR`]; empty without [`SearchRequest::collapse`]). Serialized as their ids:
    /// `"similar": ["id", …]`.
    pub similar: Vec<Similar>,
}

/// A facet value and its number of matching articles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    /// The value (source name, section, language code, year or tag).
    pub value: String,
    /// Matching articles with that value.
    pub count: u64,
}

/// Facet counts over all matching articles, most frequent first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Facets {
    /// Per source.
    pub source: Vec<FacetCount>,
    /// Per section.
    pub section: Vec<FacetCount>,
    /// Per language.
    pub lang: Vec<FacetCount>,
    /// Per year.
    pub year: Vec<FacetCount>,
    /// Per tag.
    pub tag: Vec<FacetCount>,
}

/// The answer to a [`SearchRequest`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SearchResponse {
    /// Number of matching articles when [`SearchResponse::total_exact`]; otherwise more than
    /// this many match ([`SearchRequest::track_total_hits`]). Every version of a story
    /// counts, collapsed or not, so with [`SearchRequest::collapse`] the hits of all pages add
    /// up to fewer (each hit counts `1 + similar.len()` of them, up to [`MAX_SIMILAR`]).
    pub total: usize,
    /// Whether [`SearchResponse::total`] is the exact number of matches.
    pub total_exact: bool,
    /// The requested page of hits.
    pub hits: Vec<Hit>,
    /// Facet counts, when asked for.
    pub facets: Option<Facets>,
    /// What the query parser repaired (unclosed quote…), for an optional hint.
    pub warnings: Vec<String>,
    /// « Did you mean »: the whole query with its misspelled words corrected, each in its
    /// usual written form (`gouvernemnt francais` → `gouvernement francais`), when the
    /// index holds a much more frequent spelling; `None` for a correctly spelled query (see
    /// [`SearchRequest::suggest`] and the rules in `depeche::search::MIN_WORD_LEN`'s module,
    /// `suggest.rs`).
    pub suggestion: Option<String>,
    /// Time taken.
    #[serde(serialize_with = "ser_millis", rename = "took_ms")]
    pub took: Duration,
}

fn ser_millis<S: serde::Serializer>(d: &Duration, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64() * 1e3)
}

/// A candidate hit before loading: sort key, address, id (loaded only to break ties).
struct Candidate {
    key: (u8, f64, f64),
    score: f32,
    /// The query's score, before recency.
    raw: f32,
    addr: DocAddress,
    id: Option<String>,
}

fn stored_str(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<String> {
    doc.get_first(field).and_then(|v| v.as_str().map(str::to_string))
}

/// `d` as RFC 3339 in UTC (`2016-05-10T08:30:00Z`), as hits and listed versions show it:
/// written digit by digit for the whole seconds of years 0–9999 (every date an article can
/// have), by `time`'s formatter otherwise.
fn rfc3339(d: tantivy::DateTime) -> Option<String> {
    let t = d.into_utc();
    let year = t.year();
    if !(0..=9999).contains(&year) || t.nanosecond() != 0 {
        return t.format(&time::format_description::well_known::Rfc3339).ok();
    }
    fn two(out: &mut String, n: u8, sep: Option<char>) {
        out.push(char::from(b'0' + n / 10));
        out.push(char::from(b'0' + n % 10));
        out.extend(sep);
    }
    let mut out = String::with_capacity(20);
    two(&mut out, (year / 100) as u8, None);
    two(&mut out, (year % 100) as u8, Some('-'));
    two(&mut out, u8::from(t.month()), Some('-'));
    two(&mut out, t.day(), Some('T'));
    two(&mut out, t.hour(), Some(':'));
    two(&mut out, t.minute(), Some(':'));
    two(&mut out, t.second(), Some('Z'));
    Some(out)
}

fn date_filter(
    schema: &NewsSchema,
    since: Option<&str>,
    until: Option<&str>,
) -> Result<Option<Box<dyn Query>>> {
    let lower = match since {
        Some(s) => {
            let t = match parse_day(s, false) {
                Some(d) => d.midnight().assume_utc(),
                None => parse_date(s)?,
            };
            std::ops::Bound::Included(Term::from_field_date_for_search(
                schema.date,
                DateTime::from_timestamp_secs(t.unix_timestamp()),
            ))
        }
        None => std::ops::Bound::Unbounded,
    };
    let upper = match until {
        Some(s) => match parse_day(s, true) {
            Some(d) => match d.next_day() {
                Some(next) => std::ops::Bound::Excluded(Term::from_field_date_for_search(
                    schema.date,
                    DateTime::from_timestamp_secs(next.midnight().assume_utc().unix_timestamp()),
                )),
                None => std::ops::Bound::Unbounded,
            },
            None => std::ops::Bound::Included(Term::from_field_date_for_search(
                schema.date,
                DateTime::from_timestamp_secs(parse_date(s)?.unix_timestamp()),
            )),
        },
        None => std::ops::Bound::Unbounded,
    };
    if matches!((&lower, &upper), (std::ops::Bound::Unbounded, std::ops::Bound::Unbounded)) {
        return Ok(None);
    }
    Ok(Some(Box::new(RangeQuery::new(lower, upper))))
}

fn facet_terms(schema: &NewsSchema, root: &str, values: &[String]) -> Vec<Box<dyn Query>> {
    values
        .iter()
        .map(|v| {
            Box::new(TermQuery::new(
                Term::from_facet(schema.facets, &facet(root, v)),
                IndexRecordOption::Basic,
            )) as Box<dyn Query>
        })
        .collect()
}

/// The request filters as one zero-scoring query, `None` without filters.
fn filters(schema: &NewsSchema, req: &SearchRequest) -> Result<Option<Box<dyn Query>>> {
    let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if let Some(lang) = req.lang {
        must.push((Occur::Must, facet_terms(schema, "lang", &[lang.code().to_string()]).remove(0)));
    }
    if let Some(q) = date_filter(schema, req.since.as_deref(), req.until.as_deref())? {
        must.push((Occur::Must, q));
    }
    for (root, values) in [("source", &req.sources), ("section", &req.sections)] {
        if !values.is_empty() {
            let any =
                facet_terms(schema, root, values).into_iter().map(|q| (Occur::Should, q)).collect();
            must.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
    }
    for q in facet_terms(schema, "tag", &req.tags) {
        must.push((Occur::Must, q));
    }
    if must.is_empty() {
        return Ok(None);
    }
    Ok(Some(Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(must)), 0.0))))
}

fn and(q: Box<dyn Query>, filter: &Option<Box<dyn Query>>) -> Box<dyn Query> {
    match filter {
        None => q,
        Some(f) => {
            Box::new(BooleanQuery::new(vec![(Occur::Must, q), (Occur::Must, f.box_clone())]))
        }
    }
}

impl NewsIndex {
    /// Runs `req` on the last commit.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidDate`] for a bad `since`/`until`; [`Error::QueryRefused`] for a query
    /// past one of the request's [`QueryLimits`] (too long, too deep, too many clauses or
    /// expanding words, or over its time budget); tantivy errors; [`Error::Internal`] when
    /// tantivy panicked on a damaged index (the panic is contained). Anything else the reader
    /// typed in `query` is never an error: the parser repairs it.
    ///
    /// ```
    /// use depeche::{index::NewsIndex, search::SearchRequest};
    /// let index = NewsIndex::create_in_ram().unwrap();
    /// let response = index.search(&SearchRequest::new("\"unclosed phrase")).unwrap();
    /// assert_eq!(response.total, 0);
    /// assert!(index.search(&SearchRequest::new("x").since("hier")).is_err());
    /// ```
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse> {
        // A damaged index can make tantivy panic; the caller gets `Error::Internal` instead.
        crate::error::contain_panic("searching", || self.search_unguarded(req))
    }

    fn search_unguarded(&self, req: &SearchRequest) -> Result<SearchResponse> {
        let started = Instant::now();
        let budget = started.checked_add(req.limits.time_budget).map(Budget::new);
        let schema = self.schema();
        let filter = filters(schema, req)?;
        let parsed = parse_limited(&req.query, &req.limits)?;
        let stop_lang = req.lang.or_else(|| detect_language(&req.query));
        let searcher = self.searcher();
        let mut builder = QueryBuilder::with_analyzers(schema, self.take_analyzers())
            .with_searcher(searcher.clone());
        builder.ranking = req.ranking.sanitized();
        builder.limits = req.limits;
        builder.thesaurus = Arc::clone(&req.thesaurus);
        if let Some(b) = &budget {
            builder = builder.with_budget(b.clone());
        }
        let BuiltQuery { any, all, highlight, .. } = builder.build(&parsed, req.lang, stop_lang);
        let mut analyzers = builder.into_analyzers();
        let any_f = match &budget {
            Some(b) => b.wrap(and(any, &filter)),
            None => and(any, &filter),
        };
        let tripped = || budget.as_ref().is_some_and(Budget::tripped);

        let limit = req.limit.min(MAX_LIMIT);
        let offset = req.offset.min(MAX_OFFSET);
        // the matches, when the count saw them all
        let mut gate = None;
        let mut weight = None;
        let (total, facets) = if req.facets {
            let mut fc = FacetCollector::for_field(FACET_FIELD);
            for root in ["/source", "/section", "/lang", "/year", "/tag"] {
                fc.add_facet(root);
            }
            let (total, counts) = searcher.search(&any_f, &(Count, fc))?;
            let get = |root: &str| {
                counts
                    .top_k(root, FACET_TOP_K)
                    .into_iter()
                    .map(|(f, count)| FacetCount {
                        value: f.to_path().last().map(|s| s.to_string()).unwrap_or_default(),
                        count,
                    })
                    .collect::<Vec<_>>()
            };
            let facets = Facets {
                source: get("/source"),
                section: get("/section"),
                lang: get("/lang"),
                year: get("/year"),
                tag: get("/tag"),
            };
            (Some((total, true)), Some(facets))
        } else if limit == 0 || req.pruning {
            let w = any_f.weight(EnableScoring::enabled_from_searcher(&searcher))?;
            let c = count::count_up_to(
                &searcher,
                any_f.as_ref(),
                w.as_ref(),
                req.track_total_hits,
                limit > 0,
            )?;
            gate = c.docs;
            weight = Some(w);
            (Some((c.total, c.exact)), None)
        } else {
            // Counted together with the top hits below.
            (None, None)
        };
        if tripped() {
            self.give_back_analyzers(analyzers);
            return Err(req.limits.over_budget());
        }

        let mut hits = Vec::new();
        let (mut total, mut total_exact) = total.unwrap_or((0, true));
        if limit > 0 && (offset < total || !total_exact || total == 0) {
            // With several words and relevance order, articles matching all of them form the
            // first tier: one pass, the conjunction probed doc by doc.
            let tier = match req.sort {
                Sort::Relevance => all.as_deref(),
                _ => None,
            };
            // The top-k step: dynamic pruning (topk.rs) after the count made above, or
            // tantivy's collector, which counts every match as it goes.
            let pruned = match (req.pruning, weight) {
                (false, _) => None,
                (true, Some(w)) => Some(w),
                (true, None) => {
                    Some(any_f.weight(EnableScoring::enabled_from_searcher(&searcher))?)
                }
            };
            let counted = total;
            let mut top = |k: usize| -> Result<(usize, Vec<Candidate>)> {
                match &pruned {
                    Some(w) => {
                        // The exact top `k`: past its page, the collector's margin holds ties
                        // and evicted hits, not the next ranks, which collapsing would read.
                        let only = (tier, gate.as_deref());
                        let budget = budget.as_ref();
                        let mut c = self.top_pruned(&searcher, w.as_ref(), only, k, req, budget)?;
                        c.truncate(k);
                        Ok((counted, c))
                    }
                    None => self.top(&searcher, &any_f, tier, k, req),
                }
            };
            // Collapsing (collapse.rs) runs over the same top-k step; without it, the page is a
            // slice of the top k.
            let page: Vec<collapse::Collapsed> = if req.collapse {
                let (count, page) = collapse::page(
                    (&searcher, self.warm()),
                    schema,
                    (&*any_f, pruned.as_deref(), pruned.is_some()),
                    offset,
                    limit,
                    &mut top,
                )?;
                total = count;
                page
            } else {
                // The page itself is the exact top `offset + limit`.
                let (count, c) = top(offset + limit)?;
                total = count;
                let page = c.into_iter().skip(offset).take(limit);
                page.map(|head| collapse::Collapsed { head, others: Vec::new() }).collect()
            };
            // tantivy's collector counted every match.
            total_exact |= !req.pruning;
            if tripped() {
                self.give_back_analyzers(analyzers);
                return Err(req.limits.over_budget());
            }
            // The search is complete: explaining its hits must not be cut by the deadline.
            if let Some(b) = &budget {
                b.disarm();
            }
            let mut highlighter = snippet::Highlighter::new(&highlight, &mut analyzers);
            for collapse::Collapsed { head: c, others } in page {
                let doc: TantivyDocument = searcher.doc(c.addr)?;
                let explanation = if req.explain {
                    let query = match any_f.explain(&searcher, c.addr) {
                        Ok(e) => ScoreNode::from_tantivy(&e),
                        Err(e) => ScoreNode {
                            description: format!("(no explanation: {e})"),
                            value: c.raw,
                            details: Vec::new(),
                        },
                    };
                    Some(Explanation {
                        score: c.score,
                        all_words: tier.map(|_| c.key.0 == 1),
                        recency: (req.sort == Sort::Relevance
                            && req.recency_half_life_days.is_some()
                            && c.raw > 0.0)
                            .then(|| c.score / c.raw),
                        query,
                    })
                } else {
                    None
                };
                let mut hit = self.hit(&doc, c, req.snippets, &mut highlighter);
                hit.explanation = explanation;
                hit.similar = self.similar(&searcher, others, req.similar_details)?;
                hits.push(hit);
            }
        }
        let suggestion = if req.suggest {
            suggest::suggestion(&searcher, schema, &mut analyzers, &req.query, &parsed)?
        } else {
            None
        };
        self.give_back_analyzers(analyzers);
        Ok(SearchResponse {
            total,
            total_exact,
            hits,
            facets,
            warnings: parsed.warnings.iter().map(ToString::to_string).collect(),
            suggestion,
            took: started.elapsed(),
        })
    }

    /// The exact top `k` of `query` by the request's sort key, ties broken by id (those at the
    /// `k`-th's key too); and the match count.
    fn top(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        tier: Option<&dyn Query>,
        k: usize,
        req: &SearchRequest,
    ) -> Result<(usize, Vec<Candidate>)> {
        let sort = req.sort;
        let half_life =
            req.recency_half_life_days.filter(|h| h.is_finite() && *h > 0.0).map(|h| h * 86_400.0);
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
        let tier_weight: Option<Arc<dyn Weight>> = match tier {
            Some(q) => Some(Arc::from(q.weight(EnableScoring::disabled_from_searcher(searcher))?)),
            None => None,
        };
        let keys = RankKeys { sort, half_life, now, tier: tier_weight };
        // TopDocs keeps any of the ties at its end: a margin past `k` holds those that sort
        // first by id.
        let collector = TopDocs::with_limit(k.max(1) + TIE_MARGIN).order_by(keys);
        let (count, top) = searcher.search(query, &(Count, collector))?;
        let mut cands: Vec<Candidate> = top
            .into_iter()
            .map(|((t, a, b, score, raw), addr)| Candidate {
                key: (t, a, b),
                score,
                raw,
                addr,
                id: None,
            })
            .collect();
        self.break_ties(searcher, &mut cands)?;
        cands.truncate(k);
        Ok((count, cands))
    }

    /// Top `k` of `query` by the request's sort key with dynamic pruning ([`topk`]), ties
    /// broken by id.
    fn top_pruned(
        &self,
        searcher: &Searcher,
        weight: &dyn Weight,
        (tier, gate): (Option<&dyn Query>, Option<&[Vec<DocId>]>),
        page: usize,
        req: &SearchRequest,
        budget: Option<&Budget>,
    ) -> Result<Vec<Candidate>> {
        let order = topk::Order {
            sort: req.sort,
            half_life: req
                .recency_half_life_days
                .filter(|h| h.is_finite() && *h > 0.0)
                .map(|h| h * 86_400.0),
            now: SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64),
            one_per_story: req.collapse,
        };
        let span = (page, TIE_MARGIN);
        let prune = topk::pruning_on();
        let top =
            topk::top_k(searcher, weight, tier, gate, span, order, prune, budget, self.warm())?;
        let mut cands: Vec<Candidate> = top
            .into_iter()
            .map(|h| {
                let (t, a, b, score, raw) = h.key;
                Candidate { key: (t, a, b), score, raw, addr: h.addr, id: None }
            })
            .collect();
        self.break_ties(searcher, &mut cands)?;
        Ok(cands)
    }

    /// Sorts by key (descending), then id (ascending) among equal keys.
    fn break_ties(&self, searcher: &Searcher, cands: &mut [Candidate]) -> Result<()> {
        let eq = |a: &(u8, f64, f64), b: &(u8, f64, f64)| a.0 == b.0 && a.1 == b.1 && a.2 == b.2;
        for i in 0..cands.len() {
            let tied = (i > 0 && eq(&cands[i - 1].key, &cands[i].key))
                || (i + 1 < cands.len() && eq(&cands[i + 1].key, &cands[i].key));
            if tied {
                let addr = cands[i].addr;
                let cards = self.warm().cards(searcher.segment_reader(addr.segment_ord));
                cands[i].id = match cards.as_deref().and_then(|k| k.id(addr.doc_id)) {
                    Some(id) => Some(id.to_string()),
                    None => stored_str(&searcher.doc(addr)?, self.schema().id),
                };
            }
        }
        cands.sort_by(|a, b| {
            b.key
                .0
                .cmp(&a.key.0)
                .then(b.key.1.total_cmp(&a.key.1))
                .then(b.key.2.total_cmp(&a.key.2))
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(())
    }

    fn hit(
        &self,
        doc: &TantivyDocument,
        c: Candidate,
        snippets: bool,
        highlighter: &mut snippet::Highlighter<'_>,
    ) -> Hit {
        let s = self.schema();
        let lang = stored_str(doc, s.lang).and_then(|l| l.parse().ok()).unwrap_or(Lang::French);
        let date = doc.get_first(s.date).and_then(|v| v.as_datetime()).and_then(rfc3339);
        let snippet = snippets.then(|| {
            let mut best: Option<(usize, SnippetField, String, Vec<std::ops::Range<usize>>)> = None;
            for (field, f) in [
                (SnippetField::Lead, s.stored_lead),
                (SnippetField::Body, s.stored_body),
                (SnippetField::Title, s.stored_title),
            ] {
                let Some(text) = stored_str(doc, f) else { continue };
                let ranges = highlighter.ranges(&text, lang);
                let n = ranges.len();
                if best.as_ref().is_none_or(|b| n > b.0 || (b.0 == 0 && b.1 == SnippetField::Title))
                {
                    best = Some((n, field, text, ranges));
                }
            }
            best.map(|(_, field, text, ranges)| snippet::window(field, &text, &ranges))
        });
        Hit {
            id: c.id.or_else(|| stored_str(doc, s.id)).unwrap_or_default(),
            score: c.score,
            title: stored_str(doc, s.stored_title).unwrap_or_default(),
            url: stored_str(doc, s.url),
            date,
            source: stored_str(doc, s.source),
            section: stored_str(doc, s.section),
            lang,
            snippet: snippet.flatten(),
            explanation: None,
            similar: Vec::new(),
        }
    }
}

/// Checks a `since`/`until` filter date without searching: `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or
/// RFC 3339.
///
/// # Errors
///
/// [`Error::InvalidDate`] when [`SearchRequest::since`] / [`SearchRequest::until`] would refuse it.
///
/// ```
/// assert!(depeche::search::check_filter_date("2016-02").is_ok());
/// assert!(depeche::search::check_filter_date("2016-02-30").is_err());
/// ```
pub fn check_filter_date(s: &str) -> Result<()> {
    if parse_day(s, false).is_some() {
        return Ok(());
    }
    parse_date(s).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dates of hits and listed versions read as `time`'s RFC 3339 formatter writes them.
    #[test]
    fn listed_dates_are_written_as_rfc3339_does() {
        // tantivy's dates hold nanoseconds in an i64: years 1678 to 2261
        let secs = [
            0,
            1,
            59,
            86_399,
            951_782_400,
            1_462_838_400,
            1_462_869_000,
            1_483_228_799,
            -1,
            4_102_444_800,
            9_200_000_000,
            -9_200_000_000,
        ];
        for s in secs {
            let d = tantivy::DateTime::from_timestamp_secs(s);
            let want = d.into_utc().format(&time::format_description::well_known::Rfc3339).ok();
            assert_eq!(rfc3339(d), want, "{s}");
        }
        let with_nanos = tantivy::DateTime::from_timestamp_nanos(1_462_838_400_123_000_000);
        let want = with_nanos.into_utc().format(&time::format_description::well_known::Rfc3339);
        assert_eq!(rfc3339(with_nanos), want.ok(), "a fraction of a second");
    }
}
