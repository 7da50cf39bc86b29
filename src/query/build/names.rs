//! Entity aliases and user synonyms in the queries the builder makes (see [`Thesaurus`]).
//!
//! - **Words**: in each group of clauses, runs of plain words with the same occurrence and
//!   scope are scanned for names, so that `Nations unies` (two clauses) and `Maison-Blanche`
//!   (one) both match. A match adds one clause holding the other names of its group: with
//!   the typed words as they are in the any-words query, and, in the all-words tier, as an
//!   alternative to all of the typed words (`(nations ∧ unies) ∨ «United Nations»`). A
//!   replacement (`a => b`) takes the typed words' place.
//! - **Phrases**: a phrase that is one name (`"Nations unies"`) also searches the other names;
//!   a phrase holding a name among other words (`"sommet de l'OTAN"`) also searches the phrase
//!   with the name replaced by each other name *of the same language* (`"sommet de
//!   l'Organisation du traité de l'Atlantique nord"`): the other words are in that language.
//! - **Each name** is analyzed by the analyzer of its language and searched in that
//!   language's fields only (both for user synonyms): a single word as the typed word is
//!   (BM25F over title, lead and body), several words as a phrase, an acronym as a
//!   case-checked term (written with capitals: `WHO`, never the pronoun `who`). A name of
//!   several words written with a capital after its first letter (`White House`,
//!   `Maison-Blanche`) is a phrase whose first capitalized word must be written with its
//!   capital: « a white house » is not the White House, « la Maison blanche » is.
//! - **A typed acronym** that matches an acronym of the table (`EU`, `WHO`, `US`, typed in
//!   capitals) is itself searched case-checked in both languages instead of as a plain word:
//!   `EU` must not find the French participle « eu », nor `WHO` the pronoun. Titles are written in small letters in the table (`prime
//!   minister`) to be found however an article writes them.
//! - **Weight**: a name's match is multiplied by [`Boosts::alias`](crate::query::Boosts::alias)
//!   times the ratio of the typed name's idf to the target's (clamped to
//!   [`MIN_IDF_RATIO`]..=[`MAX_IDF_RATIO`]), so that it scores about that share of what the same
//!   match of the typed word would: `NATO` in an English article ranks below `OTAN` in a
//!   French one, the typed word's exact-form boost aside. A name in the typed name's own
//!   language weighs [`SAME_LANGUAGE_SHARE`] of that. Replacements weigh 1.
//! - **Limits**: every name added counts as one clause against
//!   [`QueryLimits::max_clauses`](crate::query::QueryLimits::max_clauses), on top of the
//!   query's own; once the limit is reached no more names are added (nothing is refused). A
//!   name of more than [`QueryLimits::max_phrase_words`](crate::query::QueryLimits::max_phrase_words)
//!   words is not searched.

use std::ops::Range;
use std::sync::Arc;

use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::Term;

use super::{
    all_of, analyze, any_of, boost, by_position, capitals, case_checked_query, is_case_checked,
    lang_slot, phrase_query, positions_query, Ctx, QueryBuilder,
};
use crate::analysis::{for_each_word, Lang};
use crate::index::facet;
use crate::query::ast::{Clause, Node, Occur, Scope, WordKind};
use crate::query::label::Labelled;
use crate::query::prune::DisMax;
use crate::query::ranking::FieldScoring;
use crate::query::thesaurus::{typed_words, GroupKind, Match, Name, Thesaurus, TypedWord};

/// Smallest idf ratio applied to a name's weight (see the module docs).
pub const MIN_IDF_RATIO: f32 = 0.5;
/// Largest idf ratio applied to a name's weight.
pub const MAX_IDF_RATIO: f32 = 4.0;

/// The share of an alias's weight left to a name in the typed name's own language
/// (`Grande-Bretagne` for `Royaume-Uni`): the reader used one of that language's names, and
/// articles that use it come first; an article in the other language can only use its own.
pub const SAME_LANGUAGE_SHARE: f32 = 0.3;

/// A run of typed words that matched a name, in a list of clauses.
pub(in crate::query) struct Span {
    /// The addresses of its clauses (to recognise them among the kept ones).
    members: Vec<usize>,
    occur: Occur,
    /// The typed words give way to the names (`a => b`).
    replace: bool,
    /// The typed name when it is an acronym typed in capitals (`US`, `WHO`, `EU`): searched
    /// instead of the typed words, case-checked, so that `EU` is not the French `eu`, nor
    /// `WHO` the pronoun (and `US` is searched even when dropped as a stop word).
    typed_acronym: Option<Name>,
    scope: Scope,
    /// The other names.
    names: Box<dyn Query>,
}

fn address(c: &Clause) -> usize {
    c as *const Clause as usize
}

/// One clause of a group, for [`QueryBuilder::span_clause`].
pub(in crate::query) struct SpanParts {
    /// The queries of its kept clauses, when they are held back (all-words tier).
    pub(super) held: Vec<Box<dyn Query>>,
}

impl Span {
    /// Whether `c` is one of the span's clauses.
    pub(super) fn holds(&self, c: &Clause) -> bool {
        self.members.contains(&address(c))
    }

    /// Whether the span's clauses give way to what the span searches.
    pub(super) fn replaces(&self) -> bool {
        self.replace || self.typed_acronym.is_some()
    }
}

fn is_name_word(c: &Clause) -> Option<(&str, Scope)> {
    match &c.node {
        Node::Word { text, scope: scope @ (Scope::All | Scope::Title), kind: WordKind::Plain } => {
            Some((text.as_str(), *scope))
        }
        _ => None,
    }
}

impl QueryBuilder {
    fn thesaurus_on(&self) -> Option<Arc<Thesaurus>> {
        (!self.thesaurus.is_empty()).then(|| Arc::clone(&self.thesaurus))
    }

    /// The spans of `clauses` that match names, with the queries of what they expand to.
    pub(super) fn name_spans(&mut self, clauses: &[Clause], ctx: &mut Ctx) -> Vec<Span> {
        let Some(thesaurus) = self.thesaurus_on() else {
            return Vec::new();
        };
        let mut spans = Vec::new();
        let mut i = 0;
        while i < clauses.len() {
            let Some((_, scope)) = is_name_word(&clauses[i]) else {
                i += 1;
                continue;
            };
            let occur = clauses[i].occur;
            let mut j = i;
            let mut words: Vec<TypedWord> = Vec::new();
            let mut owner: Vec<usize> = Vec::new();
            while j < clauses.len() {
                match is_name_word(&clauses[j]) {
                    Some((text, s)) if s == scope && clauses[j].occur == occur => {
                        for w in typed_words(&mut self.analyzers.exact, text, false) {
                            words.push(w);
                            owner.push(j);
                        }
                        j += 1;
                    }
                    _ => break,
                }
            }
            for m in thesaurus.find(&words) {
                let range = owner[m.start]..owner[m.end - 1] + 1;
                let precise = occur == Occur::MustNot;
                let Some(names) = self.match_query(&m, scope, precise, ctx) else {
                    continue;
                };
                spans.push(Span {
                    members: clauses[range].iter().map(address).collect(),
                    occur,
                    replace: m.replace && names.1,
                    typed_acronym: m.typed.acronym.then(|| m.typed.clone()),
                    scope,
                    names: names.0,
                });
            }
            i = j;
        }
        spans
    }

    /// The clause a span adds to its group, with its occurrence (`all`: the all-words tier).
    pub(super) fn span_clause(
        &mut self,
        span: Span,
        parts: SpanParts,
        all: bool,
        ctx: &mut Ctx,
    ) -> Option<(Occur, Box<dyn Query>)> {
        let mut alternatives = Vec::new();
        if let Some(name) = &span.typed_acronym {
            let precise = span.occur == Occur::MustNot;
            alternatives.extend(self.typed_acronym_query(name, span.scope, precise, ctx));
        } else if !span.replace && !parts.held.is_empty() {
            alternatives.push(all_of(parts.held)?);
        }
        alternatives.push(span.names);
        let occur = match span.occur {
            Occur::Should if all => Occur::Must,
            o => o,
        };
        any_of(alternatives).map(|q| (occur, q))
    }

    /// What a single word (an alternative of `a OR b`) also searches, and whether it
    /// replaces the word.
    pub(super) fn word_names(
        &mut self,
        text: &str,
        scope: Scope,
        precise: bool,
        ctx: &mut Ctx,
    ) -> Option<(Box<dyn Query>, bool)> {
        if !matches!(scope, Scope::All | Scope::Title) {
            return None;
        }
        let thesaurus = self.thesaurus_on()?;
        let words = typed_words(&mut self.analyzers.exact, text, false);
        let m =
            thesaurus.find(&words).into_iter().find(|m| m.start == 0 && m.end == words.len())?;
        let (q, built) = self.match_query(&m, scope, precise, ctx)?;
        if m.typed.acronym {
            let typed = self.typed_acronym_query(m.typed, scope, precise, ctx);
            return Some((any_of(typed.into_iter().chain([q]).collect())?, true));
        }
        Some((q, m.replace && built))
    }

    /// A typed acronym, case-checked in every searched language, at full weight.
    fn typed_acronym_query(
        &mut self,
        name: &Name,
        scope: Scope,
        precise: bool,
        ctx: &mut Ctx,
    ) -> Option<Box<dyn Query>> {
        let mut typed = name.clone();
        typed.lang = None;
        let langs = ctx.langs.clone();
        let q = self.name_query(&typed, &langs, scope, precise, ctx)?;
        Some(Box::new(Labelled::named(format!("acronym «{}» in capitals", name.text), q)))
    }

    /// What a phrase also searches: the other names of a name it is, the phrase with the
    /// names it holds replaced by the other names of their language.
    pub(super) fn phrase_names(
        &mut self,
        text: &str,
        scope: Scope,
        slop: u32,
        precise: bool,
        ctx: &mut Ctx,
    ) -> Vec<Box<dyn Query>> {
        let Some(thesaurus) = self.thesaurus_on() else {
            return Vec::new();
        };
        if !matches!(scope, Scope::All | Scope::Title) {
            return Vec::new();
        }
        let words = typed_words(&mut self.analyzers.exact, text, true);
        let offsets = word_offsets(&mut self.analyzers.exact, text);
        let mut out = Vec::new();
        for m in thesaurus.find(&words) {
            if m.start == 0 && m.end == words.len() {
                if let Some((q, _)) = self.match_query(&m, scope, precise, ctx) {
                    out.push(q);
                }
                continue;
            }
            let (Some(from), Some(to)) = (offsets.get(m.start), offsets.get(m.end - 1)) else {
                continue;
            };
            let (from, to) = (from.start, to.end);
            for (name, kind) in &m.targets {
                if ctx.aliases_left == 0 {
                    break;
                }
                let langs: Vec<Lang> = ctx
                    .langs
                    .iter()
                    .copied()
                    .filter(|l| name.lang.is_none_or(|n| n == *l))
                    .filter(|l| m.typed.lang.is_none_or(|t| t == *l))
                    .collect();
                let variant = format!("{}{}{}", &text[..from], name.text, &text[to..]);
                let mut per_field = Vec::new();
                for lang in langs {
                    let groups = by_position(&analyze(self.analyzer(lang), &variant));
                    if groups.len() > self.limits.max_phrase_words {
                        continue;
                    }
                    if !precise && slop == 0 && groups.len() > 1 {
                        let seq = groups.iter().filter_map(|g| g.first().cloned()).collect();
                        ctx.highlight.phrases[lang_slot(lang)].push(seq);
                    }
                    for (field, b) in self.stem_fields(scope, lang) {
                        if let Some(q) = phrase_query(field, &groups, slop) {
                            per_field.push(boost(q, b));
                        }
                    }
                }
                let Some(q) = self.dismax(per_field) else { continue };
                ctx.aliases_left -= 1;
                let weight = self.weight_of(*kind, 1.0);
                if weight <= 0.0 {
                    continue;
                }
                let label = describe(*kind, &name.text, &m.typed.text);
                ctx.expansions.push(label.clone());
                out.push(Box::new(Labelled::named(label, boost(q, weight))) as Box<dyn Query>);
            }
        }
        out
    }

    fn dismax(&self, mut qs: Vec<Box<dyn Query>>) -> Option<Box<dyn Query>> {
        match qs.len() {
            0 => None,
            1 => qs.pop(),
            _ => Some(super::guarded(DisMax::new(qs, self.boosts().tie))),
        }
    }

    /// The weight of a name of a group of `kind`, with the idf ratio `ratio`.
    fn weight_of(&self, kind: GroupKind, ratio: f32) -> f32 {
        match kind {
            GroupKind::Replacement => 1.0,
            GroupKind::Alias | GroupKind::Synonym => {
                self.boosts().alias * ratio.clamp(MIN_IDF_RATIO, MAX_IDF_RATIO)
            }
        }
    }

    /// The names a match expands to, labelled and weighted, and whether any was built.
    fn match_query(
        &mut self,
        m: &Match<'_>,
        scope: Scope,
        precise: bool,
        ctx: &mut Ctx,
    ) -> Option<(Box<dyn Query>, bool)> {
        let typed_idf = self.idf_of(&m.typed.text, m.typed.lang, scope, true, ctx);
        let langs = self.target_langs(m, ctx);
        let mut qs = Vec::new();
        for ((name, kind), langs) in m.targets.iter().zip(langs) {
            if ctx.aliases_left == 0 {
                break;
            }
            if langs.is_empty() {
                continue;
            }
            let ratio = match (typed_idf, self.idf_of(&name.text, name.lang, scope, false, ctx)) {
                (Some(t), Some(n)) if n > 0.0 => t / n,
                _ => 1.0,
            };
            let mut weight = self.weight_of(*kind, ratio);
            if *kind != GroupKind::Replacement && name.lang.is_some() && name.lang == m.typed.lang {
                weight *= SAME_LANGUAGE_SHARE;
            }
            if weight <= 0.0 {
                continue;
            }
            let Some(q) = self.name_query(name, &langs, scope, precise, ctx) else {
                continue;
            };
            ctx.aliases_left -= 1;
            let label = describe(*kind, &name.text, &m.typed.text);
            ctx.expansions.push(label.clone());
            qs.push(Box::new(Labelled::named(label, boost(q, weight))) as Box<dyn Query>);
        }
        let built = !qs.is_empty();
        any_of(qs).map(|q| (q, built))
    }

    /// For each target of `m`, the languages it is searched in: those of its own that the
    /// query searches, less those where it holds, word for word, what is searched already —
    /// the typed words (`États-Unis d'Amérique` for `États-Unis`, `française` for
    /// `français`) or a shorter target (`Organisation des Nations unies` beside `Nations
    /// unies`). Such a name finds nothing new, and its articles would count twice.
    fn target_langs(&mut self, m: &Match<'_>, ctx: &Ctx) -> Vec<Vec<Lang>> {
        let mut plans: Vec<(usize, Lang, Vec<Vec<String>>)> = Vec::new();
        for (i, (name, _)) in m.targets.iter().enumerate() {
            for lang in Self::name_langs(name.lang, ctx) {
                plans.push((i, lang, by_position(&analyze(self.analyzer(lang), &name.text))));
            }
        }
        let mut typed: Vec<(Lang, Vec<Vec<String>>)> = Vec::new();
        for lang in ctx.langs.clone() {
            typed.push((lang, by_position(&analyze(self.analyzer(lang), &m.typed.text))));
        }
        let mut out = vec![Vec::new(); m.targets.len()];
        for (i, lang, groups) in &plans {
            let by_typed =
                m.replace || typed.iter().any(|(l, t)| l == lang && holds_run(groups, t));
            let by_other = plans.iter().any(|(j, l, other)| {
                j != i
                    && l == lang
                    && holds_run(groups, other)
                    && (other.len() < groups.len() || (other.len() == groups.len() && j < i))
            });
            if (!by_typed || m.replace) && !by_other {
                out[*i].push(*lang);
            }
        }
        out
    }

    /// The languages of `ctx` a name of `lang` is searched in.
    fn name_langs(lang: Option<Lang>, ctx: &Ctx) -> Vec<Lang> {
        ctx.langs.iter().copied().filter(|l| lang.is_none_or(|n| n == *l)).collect()
    }

    /// One name in the fields of `langs` (see the module docs); highlighted unless `precise`.
    pub(super) fn name_query(
        &mut self,
        name: &Name,
        langs: &[Lang],
        scope: Scope,
        precise: bool,
        ctx: &mut Ctx,
    ) -> Option<Box<dyn Query>> {
        let mut per_lang = Vec::new();
        for &lang in langs {
            let groups = by_position(&analyze(self.analyzer(lang), &name.text));
            if groups.is_empty() || groups.len() > self.limits.max_phrase_words {
                continue;
            }
            let fields = self.stem_fields(scope, lang);
            if !precise {
                let slot = lang_slot(lang);
                let seq: Vec<String> = groups.iter().filter_map(|g| g.first().cloned()).collect();
                if seq.len() > 1 {
                    ctx.highlight.phrases[slot].push(seq);
                } else {
                    ctx.highlight.terms[slot].extend(seq);
                }
            }
            // the acronym's own term (`^oms`) where the index has it: the stem with capital
            // marks would also find `l'OM`
            let acronym_term = name
                .acronym
                .then(|| {
                    crate::query::acronym::asked(self.analyzers.indexing(lang), &name.text, false)
                })
                .flatten()
                .filter(|t| crate::query::acronym::indexed(self.searcher.as_ref(), &fields, t));
            let q = if let Some(term) = acronym_term {
                self.stemmed_words(lang, &fields, &[vec![term]])
            } else if name.acronym {
                let capitals = vec![true; groups.len()];
                let qs = fields
                    .iter()
                    .filter_map(|&(f, b)| {
                        case_checked_query(f, &groups, &capitals).map(|q| boost(q, b))
                    })
                    .collect();
                self.dismax(qs)
            } else if groups.len() == 1 {
                self.stemmed_words(lang, &fields, &groups)
            } else {
                // `White House`, `Maison-Blanche`: written with capitals, as a case-checked
                // phrase is, so that « a white house » is not the White House.
                // Only its first capital is required: « Maison blanche » is written too.
                let mut capitals = if is_case_checked(&name.text) {
                    capitals(&analyze(self.analyzers.indexing(lang), &name.text))
                } else {
                    Vec::new()
                };
                if let Some(first) = capitals.iter().position(|&c| c) {
                    capitals.iter_mut().skip(first + 1).for_each(|c| *c = false);
                }
                let qs = fields
                    .iter()
                    .filter_map(|&(f, b)| {
                        case_checked_query(f, &groups, &capitals)
                            .or_else(|| phrase_query(f, &groups, 0))
                            .map(|q| boost(q, b))
                    })
                    .collect();
                // The words, scored as typed words are, and the phrase, as the proximity
                // boost of typed words is: the same structure as a typed match.
                let phrase = self.dismax(qs);
                let words = self.stemmed_words(lang, &fields, &groups);
                phrase.and_then(|p| all_of(words.into_iter().chain([p]).collect()))
            };
            per_lang.extend(q);
        }
        any_of(per_lang)
    }

    /// A single word's stemmed terms on `fields`, scored as the builder scores typed words.
    fn stemmed_words(
        &self,
        lang: Lang,
        fields: &[(Field, f32)],
        groups: &[Vec<String>],
    ) -> Option<Box<dyn Query>> {
        if self.ranking.fields == FieldScoring::Bm25f {
            return self.bm25f_positions(lang, fields, groups);
        }
        let qs =
            fields.iter().filter_map(|&(f, b)| positions_query(f, groups).map(|q| boost(q, b)));
        self.dismax(qs.collect())
    }

    /// The BM25F idf of `text`, summed over its terms; `None` without a searcher.
    ///
    /// A target name's is the largest over its languages (the most it can score). A typed
    /// name is searched in every language: its idf is the smallest over the languages it
    /// occurs in (the least a typed match scores), plus the exact-form boost's share.
    fn idf_of(
        &mut self,
        text: &str,
        lang: Option<Lang>,
        scope: Scope,
        typed: bool,
        ctx: &Ctx,
    ) -> Option<f32> {
        let searcher = self.searcher.clone()?;
        let idf = |n: f32, df: f32| (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        let mut exact = 0.0;
        if typed && scope == Scope::All && self.boosts().exact > 0.0 {
            let n = searcher.num_docs() as f32;
            for t in by_position(&analyze(&mut self.analyzers.exact, text)).iter().flatten() {
                let df = searcher.doc_freq(&Term::from_field_text(self.schema.exact, t));
                exact += idf(n, df.unwrap_or(0) as f32);
            }
            // The exact-form boost is one BM25 score (about its idf), while a word's BM25F
            // saturates up to (k1 + 1) times its idf: count the least it adds, so that an
            // alias never scores more than the typed word would.
            exact *= self.boosts().exact / (self.ranking.k1 + 1.0);
        }
        let langs = if typed { ctx.langs.clone() } else { Self::name_langs(lang, ctx) };
        // (idf sum, whether every term occurs) per language.
        let mut per_lang: Vec<(f32, bool)> = Vec::new();
        for lang in langs {
            let groups = by_position(&analyze(self.analyzer(lang), text));
            let population = Term::from_facet(self.schema.facets, &facet("lang", lang.code()));
            let n = match searcher.doc_freq(&population) {
                Ok(0) | Err(_) => searcher.num_docs(),
                Ok(n) => n,
            } as f32;
            // Every term of every position: a compound (`États-Unis`: `etat`, `etatsuni`,
            // `uni`) scores each of its terms.
            let (mut sum, mut occurs) = (0.0, true);
            for t in groups.iter().flatten() {
                let df = self
                    .stem_fields(scope, lang)
                    .iter()
                    .map(|&(f, _)| searcher.doc_freq(&Term::from_field_text(f, t)).unwrap_or(0))
                    .max()
                    .unwrap_or(0);
                occurs &= df > 0;
                sum += idf(n, df as f32);
            }
            per_lang.push((sum, occurs));
        }
        let max = per_lang
            .iter()
            .map(|p| p.0)
            .fold(None, |m: Option<f32>, v| Some(m.map_or(v, |m| m.max(v))));
        if !typed {
            return max;
        }
        let min_occurring = per_lang
            .iter()
            .filter(|p| p.1)
            .map(|p| p.0)
            .fold(None, |m: Option<f32>, v| Some(m.map_or(v, |m| m.min(v))));
        min_occurring.or(max).map(|b| b + exact)
    }
}

/// Whether `groups` holds `run` as consecutive positions (a position matches when it has a
/// term of the run's position).
fn holds_run(groups: &[Vec<String>], run: &[Vec<String>]) -> bool {
    !run.is_empty()
        && groups
            .windows(run.len())
            .any(|w| w.iter().zip(run).all(|(g, r)| r.iter().any(|t| g.contains(t))))
}

/// Byte ranges of the words (one per position) of `text`, elided articles included.
fn word_offsets(analyzer: &mut tantivy::tokenizer::TextAnalyzer, text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for_each_word(analyzer, text, |tok| out.push(tok.offset_from..tok.offset_to));
    out
}

/// How explanations name an expansion.
fn describe(kind: GroupKind, name: &str, typed: &str) -> String {
    match kind {
        GroupKind::Alias => format!("alias «{name}» of «{typed}»"),
        GroupKind::Synonym => format!("synonym «{name}» of «{typed}»"),
        GroupKind::Replacement => format!("«{name}» replacing «{typed}» (synonyms)"),
    }
}
