//! [`ParsedQuery`] + analyzers + [`NewsSchema`] → tantivy queries.

mod names;

pub use names::{MAX_IDF_RATIO, MIN_IDF_RATIO, SAME_LANGUAGE_SHARE};

use std::collections::HashSet;
use std::ops::Bound;
use std::sync::Arc;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EnableScoring, Explanation,
    Occur as TOccur, Query, RangeQuery, Scorer, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DateTime, DocId, DocSet, Score, Searcher, SegmentReader, Term};
use time::Date;

use super::acronym;
use super::ast::{Clause, Node, Occur, ParsedQuery, Scope, WordKind};
use super::bm25f::Bm25fQuery;
use super::budget::Budget;
use super::expand::Expansion;
use super::label::Labelled;
use super::limits::{clause_count, expanding_words, QueryLimits};
use super::prune::{DisMax, Phrase};
use super::ranking::{Boosts, FieldScoring, Ranking};
use super::thesaurus::Thesaurus;
use crate::analysis::{is_question_word, is_stop_word, Lang, CAPITAL_MARK};
use crate::index::{facet, Analyzers, NewsSchema};

/// Shortest prefix searched as a prefix (`numéri*`), in characters after folding; a shorter
/// one (`nu*`) is searched as the plain word.
pub const MIN_PREFIX_LEN: usize = 3;
/// Automatic typo tolerance: a plain word of at least this many characters (folded) that is
/// rare in the index (its exact form in fewer than [`AUTO_FUZZY_MAX_DOC_FREQ`] articles, the
/// sign of a typo) also matches the words one edit away (insertion, deletion, substitution or
/// adjacent transposition) in the exact-form field, at the low constant weight
/// [`Boosts::fuzzy`]. Accents cost nothing: both sides are folded. Without a searcher
/// ([`QueryBuilder::with_searcher`]) every long word gets it.
pub const AUTO_FUZZY_MIN_LEN: usize = 7;
/// See [`AUTO_FUZZY_MIN_LEN`].
pub const AUTO_FUZZY_MAX_DOC_FREQ: u64 = 3;
/// Slop of the proximity boost of multi-word queries.
pub const PROXIMITY_SLOP: u32 = 4;

/// What to highlight in snippets: every kind of match the query can make.
#[derive(Clone, Debug, Default)]
pub struct Highlight {
    /// Stemmed terms per language (index 0: French, 1: English).
    pub terms: [HashSet<String>; 2],
    /// Exact phrases per language, as stemmed term sequences.
    pub phrases: [Vec<Vec<String>>; 2],
    /// Folded prefixes.
    pub prefixes: Vec<String>,
    /// Folded words and their allowed edits.
    pub fuzzy: Vec<(String, u8)>,
}

impl Highlight {
    /// Whether there is nothing to highlight.
    pub fn is_empty(&self) -> bool {
        self.terms.iter().all(HashSet::is_empty)
            && self.phrases.iter().all(Vec::is_empty)
            && self.prefixes.is_empty()
            && self.fuzzy.is_empty()
    }
}

pub(crate) fn lang_slot(lang: Lang) -> usize {
    match lang {
        Lang::French => 0,
        Lang::English => 1,
    }
}

/// The queries built from a search-box query.
#[derive(Debug)]
pub struct BuiltQuery {
    /// Documents matching any positive clause (and every required one).
    pub any: Box<dyn Query>,
    /// Documents matching all positive clauses; `None` when that is the same as `any`, or when
    /// the query has no all-words tier ([`Ranking::all_words_first_up_to`]).
    pub all: Option<Box<dyn Query>>,
    /// What snippets should highlight.
    pub highlight: Highlight,
    /// The entity aliases and synonyms the query was expanded with, as explanations name
    /// them (`alias «NATO» of «OTAN»`), in the order they were added.
    pub expansions: Vec<String>,
}

/// Builds tantivy queries from parsed queries. Holds the analyzers: build it once.
///
/// ```
/// use depeche::index::NewsSchema;
/// use depeche::query::{parse, QueryBuilder};
/// let schema = NewsSchema::new();
/// let mut builder = QueryBuilder::new(&schema);
/// let built = builder.build(&parse("transformation numérique"), None, None);
/// assert!(built.all.is_some()); // two words: those with both come first
/// let question = parse("combien de foyers ont la fibre optique en France");
/// assert!(builder.build(&question, None, None).all.is_none()); // ranked by score alone
/// builder.ranking.all_words_first = true;
/// assert!(builder.build(&question, None, None).all.is_some());
/// ```
pub struct QueryBuilder {
    schema: NewsSchema,
    analyzers: Analyzers,
    searcher: Option<Searcher>,
    /// The ranking knobs used.
    pub ranking: Ranking,
    /// The bounds on term expansions ([`QueryLimits::max_expansions`]) and on automatic typo
    /// tolerance ([`QueryLimits::max_expanding_words`]). The builder refuses nothing: check
    /// a query with [`QueryLimits::check_parsed`] before building it.
    pub limits: QueryLimits,
    /// Wraps each clause of each group, so that a search stops at its time budget.
    budget: Option<Budget>,
    /// The entity aliases and user synonyms queries expand with (default:
    /// [`Thesaurus::bundled`]); [`Thesaurus::empty`] or [`Boosts::alias`] 0 turn them off.
    pub thesaurus: Arc<Thesaurus>,
}

/// Per-build state.
struct Ctx {
    langs: Vec<Lang>,
    stop_lang: Option<Lang>,
    highlight: Highlight,
    /// Words that may still get automatic typo tolerance.
    auto_fuzzy_left: usize,
    /// Names (aliases, synonyms) that may still be added, each counting as a clause.
    aliases_left: usize,
    /// The names added, as explanations show them.
    expansions: Vec<String>,
    /// The query is written all in capitals (see `acronym::is_shouted`).
    shouted: bool,
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs))
}

fn boost(q: Box<dyn Query>, b: f32) -> Box<dyn Query> {
    if (b - 1.0).abs() < f32::EPSILON {
        q
    } else {
        // tantivy's BoostQuery hides what it boosts: the guard lets pruning see it
        Box::new(BoostQuery::new(Box::new(Labelled::guard(q)), b))
    }
}

/// An excluded (`-…`) query. Its scorer answers exclusion probes with tantivy's default
/// `seek_danger`, which tolerates probes behind the current doc: tantivy 0.27's `PhraseScorer`
/// asserts `target >= doc` there, which an exclusion breaks (`-"le monde"`).
#[derive(Debug)]
struct Excluded(Box<dyn Query>);

impl Clone for Excluded {
    fn clone(&self) -> Self {
        Excluded(self.0.box_clone())
    }
}

impl Query for Excluded {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ExcludedWeight(super::prune::weight_of(self.0.as_ref(), scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct ExcludedWeight(Box<dyn Weight>);

impl Weight for ExcludedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(SafeSeek(self.0.scorer(reader, boost)?)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

struct SafeSeek(Box<dyn Scorer>);

impl DocSet for SafeSeek {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let doc = self.0.doc();
        if doc >= target {
            return doc;
        }
        self.0.seek(target)
    }

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }
}

impl Scorer for SafeSeek {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}

/// Date ranges and `lang:` restrict, they do not count as words.
fn is_filter(node: &Node) -> bool {
    matches!(node, Node::DateRange { .. } | Node::Word { scope: Scope::Lang, .. })
}

fn filter(q: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(q, 0.0))
}

/// `q`, safe to explain for a document it does not match (see [`Labelled`]).
fn guarded(q: impl Query) -> Box<dyn Query> {
    Box::new(Labelled::guard(Box::new(q)))
}

fn any_of(mut qs: Vec<Box<dyn Query>>) -> Option<Box<dyn Query>> {
    match qs.len() {
        0 => None,
        1 => qs.pop(),
        _ => {
            Some(guarded(BooleanQuery::new(qs.into_iter().map(|q| (TOccur::Should, q)).collect())))
        }
    }
}

fn all_of(mut qs: Vec<Box<dyn Query>>) -> Option<Box<dyn Query>> {
    match qs.len() {
        0 => None,
        1 => qs.pop(),
        _ => Some(guarded(BooleanQuery::new(qs.into_iter().map(|q| (TOccur::Must, q)).collect()))),
    }
}

/// Tokens of `text` as (position, term).
fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(tok) = stream.next() {
        out.push((tok.position, tok.text.clone()));
    }
    out
}

/// Terms grouped by position, positions renumbered from 0 in order.
fn by_position(tokens: &[(usize, String)]) -> Vec<Vec<String>> {
    let mut groups: Vec<Vec<String>> = Vec::new();
    let mut last = None;
    for (pos, t) in tokens {
        if last != Some(*pos) {
            groups.push(Vec::new());
            last = Some(*pos);
        }
        if let Some(g) = groups.last_mut() {
            if !g.contains(t) {
                g.push(t.clone());
            }
        }
    }
    groups
}

/// All positions required, any alternative at a position.
fn positions_query(field: Field, groups: &[Vec<String>]) -> Option<Box<dyn Query>> {
    all_of(
        groups
            .iter()
            .filter_map(|alts| any_of(alts.iter().map(|t| term_query(field, t)).collect()))
            .collect(),
    )
}

/// A phrase (one term per position: the first) or a term when there is a single position.
fn phrase_query(field: Field, groups: &[Vec<String>], slop: u32) -> Option<Box<dyn Query>> {
    let terms: Vec<(usize, Term)> = groups
        .iter()
        .enumerate()
        .filter_map(|(i, alts)| alts.first().map(|t| (i, Term::from_field_text(field, t))))
        .collect();
    match terms.len() {
        0 => None,
        1 => positions_query(field, groups),
        _ => Some(Box::new(Labelled::new("phrase", Box::new(Phrase::new(terms, slop))))),
    }
}

/// Whether a phrase must match the capitals typed in it: it has a capital letter after its
/// first character (`"Le Monde"`, not `"Le changement climatique"`).
fn is_case_checked(phrase: &str) -> bool {
    let mut chars = phrase.trim_start().chars();
    chars.next();
    chars.any(char::is_uppercase)
}

/// Which positions of a phrase were typed with a capital: those where `marked` (the indexing
/// analyzer's tokens of the phrase) has a [`CAPITAL_MARK`].
fn capitals(marked: &[(usize, String)]) -> Vec<bool> {
    let mut out: Vec<bool> = Vec::new();
    let mut last = None;
    for (position, term) in marked {
        if last != Some(*position) {
            out.push(false);
            last = Some(*position);
        }
        if term == CAPITAL_MARK {
            if let Some(c) = out.last_mut() {
                *c = true;
            }
        }
    }
    out
}

/// The phrase of `groups` where each position typed with a capital (`capitals`) also requires
/// the [`CAPITAL_MARK`] term there: a word written with a capital. `None` when no position has
/// a capital (then [`phrase_query`] is the query).
fn case_checked_query(
    field: Field,
    groups: &[Vec<String>],
    capitals: &[bool],
) -> Option<Box<dyn Query>> {
    if !capitals.iter().any(|&c| c) || capitals.len() != groups.len() {
        return None;
    }
    let mut terms: Vec<(usize, Term)> = Vec::new();
    for (i, (alts, &capital)) in groups.iter().zip(capitals).enumerate() {
        if let Some(t) = alts.first() {
            terms.push((i, Term::from_field_text(field, t)));
        }
        if capital {
            terms.push((i, Term::from_field_text(field, CAPITAL_MARK)));
        }
    }
    (terms.len() > 1).then(|| {
        Box::new(Labelled::new("case-checked phrase", Box::new(Phrase::new(terms, 0))))
            as Box<dyn Query>
    })
}

fn day_start(d: Date) -> DateTime {
    DateTime::from_timestamp_secs(d.midnight().assume_utc().unix_timestamp())
}

impl QueryBuilder {
    /// A builder for `schema` with the crate's analyzers and default [`Boosts`].
    pub fn new(schema: &NewsSchema) -> QueryBuilder {
        QueryBuilder::with_analyzers(schema, Analyzers::new())
    }

    /// A builder using `analyzers` (for example warm ones from [`crate::NewsIndex::take_analyzers`]).
    pub fn with_analyzers(schema: &NewsSchema, analyzers: Analyzers) -> QueryBuilder {
        QueryBuilder {
            schema: schema.clone(),
            analyzers,
            searcher: None,
            ranking: Ranking::default(),
            limits: QueryLimits::default(),
            budget: None,
            thesaurus: Thesaurus::bundled(),
        }
    }

    /// Lets the builder look at document frequencies (for automatic typo tolerance, see
    /// [`AUTO_FUZZY_MIN_LEN`]).
    #[must_use]
    pub fn with_searcher(mut self, searcher: Searcher) -> QueryBuilder {
        self.searcher = Some(searcher);
        self
    }

    /// Stops the clauses of the queries built at `budget`'s deadline.
    #[must_use]
    pub(crate) fn with_budget(mut self, budget: Budget) -> QueryBuilder {
        self.budget = Some(budget);
        self
    }

    /// `q`, stopped at the deadline of the budget, if any.
    fn budgeted(&self, q: Box<dyn Query>) -> Box<dyn Query> {
        match &self.budget {
            Some(b) => b.wrap(q),
            None => q,
        }
    }

    /// Whether the folded `word` looks like a typo: absent or rare in the index.
    fn is_rare(&self, word: &str) -> bool {
        match &self.searcher {
            None => true,
            Some(searcher) => searcher
                .doc_freq(&Term::from_field_text(self.schema.exact, word))
                .map_or(true, |df| df < AUTO_FUZZY_MAX_DOC_FREQ),
        }
    }

    /// Gives the analyzers back.
    pub fn into_analyzers(self) -> Analyzers {
        self.analyzers
    }

    fn analyzer(&mut self, lang: Lang) -> &mut TextAnalyzer {
        self.analyzers.of(lang)
    }

    /// Builds the queries of `parsed`.
    ///
    /// `lang` restricts the search to the fields of one language (both otherwise).
    /// `stop_lang` is the language whose stop words are dropped from bag-of-words clauses;
    /// `None` drops the stop words of either language. Never fails: clauses that analyze to
    /// nothing are dropped, and a query with no positive clause matches every article (minus
    /// the excluded ones).
    ///
    /// ```
    /// use depeche::{index::NewsSchema, query::{parse, QueryBuilder}, Lang};
    /// let mut builder = QueryBuilder::new(&NewsSchema::new());
    /// builder.ranking.all_words_first = true;
    /// let built = builder.build(&parse("le ministère de la culture"), Some(Lang::French), Some(Lang::French));
    /// assert!(built.all.is_some()); // "ministère", "culture": two words once stop words are dropped
    /// ```
    pub fn build(
        &mut self,
        parsed: &ParsedQuery,
        lang: Option<Lang>,
        stop_lang: Option<Lang>,
    ) -> BuiltQuery {
        let mut ctx = Ctx {
            langs: lang.map_or_else(|| Lang::ALL.to_vec(), |l| vec![l]),
            stop_lang,
            highlight: Highlight::default(),
            auto_fuzzy_left: self
                .limits
                .max_expanding_words
                .saturating_sub(expanding_words(parsed)),
            aliases_left: self.limits.max_clauses.saturating_sub(clause_count(parsed)),
            expansions: Vec::new(),
            shouted: acronym::is_shouted(parsed),
        };
        let aliases_budget = ctx.aliases_left;
        let (any, all) = self.top_group(&parsed.clauses, &mut ctx, aliases_budget);
        BuiltQuery { any, all, highlight: ctx.highlight, expansions: ctx.expansions }
    }

    fn folded(&mut self, text: &str) -> Vec<(usize, String)> {
        analyze(&mut self.analyzers.exact, text)
    }

    /// Whether a word, as its folded `tokens`, is dropped as a stop or question word.
    fn is_stop(&self, tokens: &[(usize, String)], ctx: &Ctx) -> bool {
        let (stop, question) = (self.ranking.drop_stop_words, self.ranking.drop_question_words);
        if !stop && !question {
            return false;
        }
        let is =
            |l: Lang, t: &str| (stop && is_stop_word(l, t)) || (question && is_question_word(l, t));
        !tokens.is_empty()
            && tokens.iter().all(|(_, t)| match ctx.stop_lang {
                Some(l) => is(l, t),
                None => Lang::ALL.iter().any(|&l| is(l, t)),
            })
    }

    /// Drops the stop words of a clause list, unless every word is one.
    fn without_stop_words<'c>(&mut self, clauses: &'c [Clause], ctx: &Ctx) -> Vec<&'c Clause> {
        let is_bag_word = |c: &Clause| {
            c.occur != Occur::MustNot
                && matches!(
                    &c.node,
                    Node::Word { scope: Scope::All | Scope::Title, kind: WordKind::Plain, .. }
                )
        };
        let mut stop = vec![false; clauses.len()];
        // Words that analyze to nothing (`?`, `…`) match nothing: they do not count as words of
        // the query (its all-words tier, for one).
        let mut empty = vec![false; clauses.len()];
        let mut words = 0;
        for (i, c) in clauses.iter().enumerate() {
            if let (true, Node::Word { text, .. }) = (is_bag_word(c), &c.node) {
                let tokens = self.folded(text);
                if tokens.is_empty() {
                    empty[i] = true;
                    continue;
                }
                words += 1;
                stop[i] = self.is_stop(&tokens, ctx);
            }
        }
        let n_stop = stop.iter().filter(|s| **s).count();
        let other_positive = clauses.iter().any(|c| c.occur != Occur::MustNot && !is_bag_word(c));
        let keep_stop = n_stop == words && !other_positive;
        clauses
            .iter()
            .enumerate()
            .filter(|&(i, _)| !empty[i] && (keep_stop || !stop[i]))
            .map(|(_, c)| c)
            .collect()
    }

    fn top_group(
        &mut self,
        clauses: &[Clause],
        ctx: &mut Ctx,
        aliases_budget: usize,
    ) -> (Box<dyn Query>, Option<Box<dyn Query>>) {
        let kept = self.without_stop_words(clauses, ctx);
        let spans = self.name_spans(clauses, ctx);
        let positive =
            kept.iter().filter(|c| c.occur == Occur::Should && !is_filter(&c.node)).count();
        let proximity = self.proximity(&kept, ctx);
        let any = self
            .group(&kept, false, ctx, proximity.as_ref().map(|q| q.box_clone()), spans)
            .unwrap_or_else(|| Box::new(AllQuery));
        let tiers = self.ranking.all_words_first || positive <= self.ranking.all_words_first_up_to;
        let all = if positive > 1 && tiers {
            let mut silent = Ctx {
                langs: ctx.langs.clone(),
                stop_lang: ctx.stop_lang,
                highlight: Highlight::default(),
                auto_fuzzy_left: ctx.auto_fuzzy_left,
                aliases_left: aliases_budget,
                expansions: Vec::new(),
                shouted: ctx.shouted,
            };
            let spans = self.name_spans(clauses, &mut silent);
            self.group(&kept, true, &mut silent, proximity, spans)
        } else {
            None
        };
        (any, all)
    }

    /// A boolean query of `clauses`; `all` makes every positive clause required.
    fn group(
        &mut self,
        clauses: &[&Clause],
        all: bool,
        ctx: &mut Ctx,
        extra_should: Option<Box<dyn Query>>,
        spans: Vec<names::Span>,
    ) -> Option<Box<dyn Query>> {
        let mut subs: Vec<(TOccur, Box<dyn Query>)> = Vec::new();
        let mut scoring = false;
        let mut parts: Vec<names::SpanParts> =
            spans.iter().map(|_| names::SpanParts { held: Vec::new() }).collect();
        for c in clauses {
            let is_filter = is_filter(&c.node);
            let precise = c.occur == Occur::MustNot;
            // A name's words: left out when replaced, held back for the all-words tier.
            let span = spans.iter().position(|s| s.holds(c));
            if span.is_some_and(|i| spans[i].replaces()) {
                continue;
            }
            let Some(q) = self.node(&c.node, all, precise, ctx) else {
                continue;
            };
            if let (Some(i), true, false) = (span, all, precise) {
                parts[i].held.push(q);
                continue;
            }
            let q = if precise { Box::new(Excluded(q)) } else { q };
            let q = self.budgeted(q);
            let occur = match c.occur {
                Occur::MustNot => TOccur::MustNot,
                Occur::Must => TOccur::Must,
                Occur::Should if is_filter || all => TOccur::Must,
                Occur::Should => TOccur::Should,
            };
            if occur != TOccur::MustNot && !is_filter {
                scoring = true;
            }
            subs.push((occur, q));
        }
        for (span, parts) in spans.into_iter().zip(parts) {
            let Some((occur, q)) = self.span_clause(span, parts, all, ctx) else { continue };
            let q = if occur == Occur::MustNot { Box::new(Excluded(q)) } else { q };
            let occur = match occur {
                Occur::MustNot => TOccur::MustNot,
                Occur::Must => TOccur::Must,
                Occur::Should => TOccur::Should,
            };
            scoring |= occur != TOccur::MustNot;
            subs.push((occur, self.budgeted(q)));
        }
        if subs.is_empty() {
            return None;
        }
        if !scoring {
            // Only filters and exclusions: everything else matches.
            subs.push((TOccur::Must, Box::new(AllQuery)));
        } else if let Some(q) = extra_should {
            subs.push((TOccur::Should, self.budgeted(q)));
        }
        if subs.len() == 1 && subs[0].0 != TOccur::MustNot {
            return subs.pop().map(|(_, q)| q);
        }
        Some(guarded(BooleanQuery::new(subs)))
    }

    fn node(
        &mut self,
        node: &Node,
        all: bool,
        precise: bool,
        ctx: &mut Ctx,
    ) -> Option<Box<dyn Query>> {
        match node {
            Node::Word { text, scope, kind } => self.word(text, *scope, *kind, precise, ctx),
            Node::Phrase { text, scope, slop } => self.phrase(text, *scope, *slop, precise, ctx),
            Node::DateRange { from, to } => {
                let lower = from.map_or(Bound::Unbounded, |d| {
                    Bound::Included(Term::from_field_date_for_search(
                        self.schema.date,
                        day_start(d),
                    ))
                });
                let upper = match to.and_then(|d| d.next_day()) {
                    Some(d) => Bound::Excluded(Term::from_field_date_for_search(
                        self.schema.date,
                        day_start(d),
                    )),
                    None => Bound::Unbounded,
                };
                if matches!((&lower, &upper), (Bound::Unbounded, Bound::Unbounded)) {
                    return None;
                }
                Some(filter(Box::new(RangeQuery::new(lower, upper))))
            }
            Node::Group(clauses) => {
                let refs: Vec<&Clause> = clauses.iter().collect();
                let kept = self.without_stop_words(clauses, ctx);
                let kept = if kept.is_empty() { refs } else { kept };
                let spans = self.name_spans(clauses, ctx);
                self.group(&kept, all, ctx, None, spans)
            }
            Node::Or(alts) => {
                let qs: Vec<Box<dyn Query>> =
                    alts.iter().filter_map(|n| self.alternative(n, all, precise, ctx)).collect();
                any_of(qs.into_iter().map(|q| self.budgeted(q)).collect())
            }
        }
    }

    /// An alternative of `a OR b`, with the names a word of it expands to.
    fn alternative(
        &mut self,
        node: &Node,
        all: bool,
        precise: bool,
        ctx: &mut Ctx,
    ) -> Option<Box<dyn Query>> {
        let names = match node {
            Node::Word { text, scope, kind: WordKind::Plain } => {
                self.word_names(text, *scope, precise, ctx)
            }
            _ => None,
        };
        match names {
            Some((q, true)) => Some(q),
            Some((q, false)) => {
                any_of(self.node(node, all, precise, ctx).into_iter().chain([q]).collect())
            }
            None => self.node(node, all, precise, ctx),
        }
    }

    fn boosts(&self) -> Boosts {
        self.ranking.boosts
    }

    fn stem_fields(&self, scope: Scope, lang: Lang) -> Vec<(Field, f32)> {
        let s = &self.schema;
        let b = self.boosts();
        match scope {
            Scope::Title => vec![(s.title(lang), b.title)],
            _ => vec![(s.title(lang), b.title), (s.lead(lang), b.lead), (s.body(lang), b.body)],
        }
    }

    fn meta_field(&self, scope: Scope) -> Option<Field> {
        match scope {
            Scope::Source => Some(self.schema.source_text),
            Scope::Section => Some(self.schema.section_text),
            Scope::Tag => Some(self.schema.tags_text),
            _ => None,
        }
    }

    fn word(
        &mut self,
        text: &str,
        scope: Scope,
        kind: WordKind,
        precise: bool,
        ctx: &mut Ctx,
    ) -> Option<Box<dyn Query>> {
        if scope == Scope::Lang {
            let lang: Lang = text.parse().ok()?;
            return Some(filter(Box::new(TermQuery::new(
                Term::from_facet(self.schema.facets, &facet("lang", lang.code())),
                IndexRecordOption::Basic,
            ))));
        }
        let exact = self.folded(text);
        if let Some(field) = self.meta_field(scope) {
            let mut groups = by_position(&exact);
            groups.truncate(self.limits.max_phrase_words);
            if kind == WordKind::Prefix && groups.len() == 1 {
                let t = groups[0].first()?;
                return Some(guarded(Expansion::prefix(field, t, self.limits.max_expansions)));
            }
            return phrase_query(field, &groups, 0);
        }
        let single = (exact.len() == 1).then(|| exact[0].1.clone());
        match kind {
            WordKind::Prefix => {
                if let Some(prefix) = single.filter(|p| p.chars().count() >= MIN_PREFIX_LEN) {
                    return Some(self.prefix(&prefix, scope, precise, ctx));
                }
                self.plain_word(text, scope, precise, None, ctx)
            }
            WordKind::Fuzzy(edits) => {
                self.plain_word(text, scope, precise, single.map(|w| (w, edits)), ctx)
            }
            WordKind::Plain => {
                let auto = match single {
                    Some(w)
                        if !precise
                            && scope == Scope::All
                            && ctx.auto_fuzzy_left > 0
                            && w.chars().count() >= AUTO_FUZZY_MIN_LEN
                            && self.is_rare(&w) =>
                    {
                        ctx.auto_fuzzy_left -= 1;
                        Some((w, 1))
                    }
                    _ => None,
                };
                self.plain_word(text, scope, precise, auto, ctx)
            }
        }
    }

    fn prefix(
        &mut self,
        prefix: &str,
        scope: Scope,
        precise: bool,
        ctx: &mut Ctx,
    ) -> Box<dyn Query> {
        if !precise {
            ctx.highlight.prefixes.push(prefix.to_string());
        }
        if scope == Scope::Title {
            // No exact title field: the stemmed prefix on the stemmed titles.
            let mut qs = Vec::new();
            for lang in ctx.langs.clone() {
                let stemmed = analyze(self.analyzer(lang), prefix);
                if let Some((_, p)) = stemmed.first() {
                    let q =
                        Expansion::prefix(self.schema.title(lang), p, self.limits.max_expansions);
                    qs.push(guarded(q));
                }
            }
            return boost(
                any_of(qs).unwrap_or_else(|| Box::new(tantivy::query::EmptyQuery)),
                self.boosts().prefix,
            );
        }
        let q = Expansion::prefix(self.schema.exact, prefix, self.limits.max_expansions);
        Box::new(Labelled::new("prefix match", boost(guarded(q), self.boosts().prefix)))
    }

    /// A word on the stemmed fields of each language (best field + tie × the others), plus
    /// the exact-form boost and, with `fuzzy`, a typo-tolerant match.
    fn plain_word(
        &mut self,
        text: &str,
        scope: Scope,
        precise: bool,
        fuzzy: Option<(String, u8)>,
        ctx: &mut Ctx,
    ) -> Option<Box<dyn Query>> {
        let mut per_field: Vec<Box<dyn Query>> = Vec::new();
        let mut acronym = false;
        for lang in ctx.langs.clone() {
            let tokens = analyze(self.analyzer(lang), text);
            let mut groups = by_position(&tokens);
            groups.truncate(self.limits.max_phrase_words);
            if !precise {
                let slot = lang_slot(lang);
                for g in &groups {
                    ctx.highlight.terms[slot].extend(g.iter().cloned());
                }
            }
            let fields = self.stem_fields(scope, lang);
            // an acronym typed in capitals asks for the acronym, not for its stem
            if let Some(term) = acronym::asked(self.analyzers.indexing(lang), text, ctx.shouted)
                .filter(|t| acronym::indexed(self.searcher.as_ref(), &fields, t))
            {
                groups = vec![vec![term]];
                acronym = true;
            }
            if self.ranking.fields == FieldScoring::Bm25f {
                if let Some(q) = self.bm25f_positions(lang, &fields, &groups) {
                    per_field.push(q);
                }
                continue;
            }
            for (field, b) in fields {
                if let Some(q) = positions_query(field, &groups) {
                    per_field.push(boost(q, b));
                }
            }
        }
        let stemmed: Box<dyn Query> = match (per_field.len(), self.ranking.fields) {
            (0, _) => return None,
            (1, _) => per_field.pop()?,
            // One query per language: an article is in one language only.
            (_, FieldScoring::Bm25f) => any_of(per_field)?,
            _ => guarded(DisMax::new(per_field, self.boosts().tie)),
        };
        // the exact form of an acronym (`sud`) is another word
        if precise || acronym {
            return Some(stemmed);
        }
        let mut should = vec![stemmed];
        if scope == Scope::All {
            let mut exact = by_position(&self.folded(text));
            exact.truncate(self.limits.max_phrase_words);
            if self.boosts().exact > 0.0 {
                if let Some(q) = positions_query(self.schema.exact, &exact) {
                    let q = boost(q, self.boosts().exact);
                    should.push(Box::new(Labelled::new("exact-form boost", q)));
                }
            }
            if let Some((word, edits)) = fuzzy {
                let q =
                    Expansion::fuzzy(self.schema.exact, &word, edits, self.limits.max_expansions);
                let q = boost(guarded(q), self.boosts().fuzzy);
                should.push(Box::new(Labelled::new("typo-tolerant match", q)));
                ctx.highlight.fuzzy.push((word, edits));
            }
        }
        any_of(should)
    }

    fn phrase(
        &mut self,
        text: &str,
        scope: Scope,
        slop: u32,
        precise: bool,
        ctx: &mut Ctx,
    ) -> Option<Box<dyn Query>> {
        if scope == Scope::Lang {
            return self.word(text, scope, WordKind::Plain, precise, ctx);
        }
        if let Some(field) = self.meta_field(scope) {
            let groups = by_position(&self.folded(text));
            return phrase_query(field, &groups, slop);
        }
        let mut per_field: Vec<Box<dyn Query>> = Vec::new();
        let cased = is_case_checked(text);
        for lang in ctx.langs.clone() {
            let plain = by_position(&analyze(self.analyzer(lang), text));
            let capitals = if cased && slop == 0 {
                capitals(&analyze(self.analyzers.indexing(lang), text))
            } else {
                Vec::new()
            };
            if !precise {
                let slot = lang_slot(lang);
                let seq: Vec<String> = plain.iter().filter_map(|g| g.first().cloned()).collect();
                if slop == 0 && seq.len() > 1 {
                    ctx.highlight.phrases[slot].push(seq);
                } else {
                    for t in seq {
                        if !is_stop_word(lang, &t) || plain.len() == 1 {
                            ctx.highlight.terms[slot].insert(t);
                        }
                    }
                }
            }
            for (field, b) in self.stem_fields(scope, lang) {
                let q = case_checked_query(field, &plain, &capitals)
                    .or_else(|| phrase_query(field, &plain, slop));
                if let Some(q) = q {
                    per_field.push(boost(q, b));
                }
            }
        }
        let typed = match per_field.len() {
            0 => None,
            1 => per_field.pop(),
            _ => Some(guarded(DisMax::new(per_field, self.boosts().tie))),
        };
        let names = self.phrase_names(text, scope, slop, precise, ctx);
        any_of(typed.into_iter().chain(names).collect())
    }

    /// All positions required, any alternative at a position: BM25F over `fields`.
    fn bm25f_positions(
        &self,
        lang: Lang,
        fields: &[(Field, f32)],
        groups: &[Vec<String>],
    ) -> Option<Box<dyn Query>> {
        let (k1, b) = (self.ranking.k1, self.ranking.b);
        let population = Term::from_facet(self.schema.facets, &facet("lang", lang.code()));
        all_of(
            groups
                .iter()
                .filter_map(|alts| {
                    any_of(
                        alts.iter()
                            .map(|t| {
                                Box::new(
                                    Bm25fQuery::new(t, fields, k1, b)
                                        .with_population(population.clone()),
                                ) as Box<dyn Query>
                            })
                            .collect(),
                    )
                })
                .collect(),
        )
    }

    /// A sloppy phrase of the plain words of the top-level group, boosted, so that articles
    /// where the words are close rank higher.
    fn proximity(&mut self, clauses: &[&Clause], ctx: &Ctx) -> Option<Box<dyn Query>> {
        let words: Vec<&str> = clauses
            .iter()
            .filter(|c| c.occur != Occur::MustNot)
            .filter_map(|c| match &c.node {
                Node::Word { text, scope: Scope::All, kind: WordKind::Plain } => {
                    Some(text.as_str())
                }
                _ => None,
            })
            .collect();
        if words.len() < 2 || self.boosts().proximity <= 0.0 {
            return None;
        }
        let mut qs = Vec::new();
        for lang in ctx.langs.clone() {
            let mut terms = Vec::new();
            for w in &words {
                let tokens = analyze(self.analyzer(lang), w);
                if let Some((_, t)) = tokens.first() {
                    terms.push(t.clone());
                }
            }
            if terms.len() < 2 {
                continue;
            }
            let spans: Vec<&[String]> = if self.ranking.proximity_pairs {
                terms.windows(2).filter(|w| w[0] != w[1]).collect()
            } else {
                vec![&terms[..]]
            };
            for span in spans {
                for field in [self.schema.title(lang), self.schema.body(lang)] {
                    let seq = span
                        .iter()
                        .enumerate()
                        .map(|(i, t)| (i, Term::from_field_text(field, t)))
                        .collect();
                    let phrase = Phrase::new(seq, PROXIMITY_SLOP);
                    qs.push(Box::new(Labelled::new("words close together", Box::new(phrase)))
                        as Box<dyn Query>);
                }
            }
        }
        any_of(qs).map(|q| {
            Box::new(Labelled::new("proximity boost", boost(q, self.boosts().proximity)))
                as Box<dyn Query>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse;

    /// With tiers on, so that `all` tells how many words are kept.
    fn build(q: &str) -> BuiltQuery {
        let mut builder = QueryBuilder::new(&NewsSchema::new());
        builder.ranking.all_words_first = true;
        builder.build(&parse(q), None, Some(Lang::French))
    }

    fn words_kept(q: &str, ranking: Ranking) -> bool {
        let mut builder = QueryBuilder::new(&NewsSchema::new());
        builder.ranking = Ranking { all_words_first: true, ..ranking };
        builder.build(&parse(q), None, Some(Lang::French)).all.is_some()
    }

    #[test]
    fn question_words_are_dropped_like_stop_words() {
        let d = Ranking::default;
        // "combien" and "personnes": two words unless the question word is dropped.
        assert!(!words_kept("combien de personnes", d()));
        assert!(words_kept("combien de personnes", Ranking { drop_question_words: false, ..d() }));
        assert!(words_kept("le monde", Ranking { drop_stop_words: false, ..d() }));
        // Alone, a question word is kept (a query never empties itself).
        assert!(build("comment pourquoi").all.is_some());
    }

    #[test]
    fn tiers_only_for_two_word_queries_by_default() {
        let tiered = |q: &str, ranking: Ranking| {
            let mut builder = QueryBuilder::new(&NewsSchema::new());
            builder.ranking = ranking;
            builder.build(&parse(q), None, None).all.is_some()
        };
        let d = Ranking::default;
        assert!(tiered("ministère culture", d()));
        assert!(tiered("le ministère de la culture ?", d()), "stop words and ? aside: 2");
        assert!(!tiered("ministère culture sport", d()), "3 words: score alone");
        assert!(!tiered("ministère culture", Ranking { all_words_first_up_to: 0, ..d() }));
        let always = Ranking { all_words_first: true, ..d() };
        assert!(tiered("ministère culture sport budget", always));
    }

    #[test]
    fn stop_words_are_dropped_unless_alone() {
        assert!(build("le monde").all.is_none());
        assert!(build("le la").all.is_some());
        assert!(build("\"le monde\"").all.is_none());
    }

    #[test]
    fn odd_inputs_build() {
        for q in [
            "",
            "-",
            "-a",
            "date:2016",
            "lang:en",
            "((",
            "\"\"",
            "*",
            "nu*",
            "title:",
            "source:\"x y\"",
            "a~9",
        ] {
            let _ = build(q);
        }
    }
}
