//! « Did you mean »: the query with its misspelled words corrected, when the index holds a
//! much more frequent spelling ([`crate::SearchResponse::suggestion`]).
//!
//! A word of the query (plain, typo-tolerant or in a phrase; not an excluded one) is a
//! candidate for correction when:
//!
//! - it has [`MIN_WORD_LEN`] letters or more, no digit, and was not typed in capitals (an
//!   acronym is not a misspelling);
//! - it is **unknown or rare**: its exact (folded) form is in at most one article per
//!   [`ARTICLES_PER_RARE`] of the index — none under 100,000 articles, a real corpus holds a
//!   few misspellings of its own.
//!
//! Its correction is the word of the index within one slip ([`typo`](super::typo): a letter
//! left out, swapped, doubled, a neighbouring key; two slips for words of
//! [`TWO_SLIPS_FROM_LEN`] letters or more; accents free) that is **much more frequent**: in
//! at least [`MIN_CORRECTION_ARTICLES`] articles and [`FREQUENCY_RATIO`] times as many as the
//! word. Fewest slips first, then most frequent; when the query's language is clear
//! ([`detect_language`](crate::analysis::detect_language)), only words found in articles of
//! that language (an English query on a French index gets no French « correction »). A word that differs only by an inflection
//! (`caravelle` / `caravelles`, `ministre` / `ministres`) is no correction: the word is
//! real, and search already finds both. The correction is shown in its usual written form
//! (accents restored, [`surface`](super::surface)), an elided article kept as typed
//! (`l'assemblee` → `l'Assemblée`… as written most often).
//!
//! A correctly spelled word is known (nothing to do), or rare without a plausible slip away
//! from a frequent word: proper names, numbers, English words in a French index, rare words
//! all get no suggestion unless they are one slip from a much more frequent word.
//!
//! Cost: one document-frequency lookup per word; for the rare ones only, a walk of the
//! exact-form dictionary with a Levenshtein automaton, and the written form of the correction.

use std::collections::HashMap;

use tantivy::query::FuzzyTermQuery;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use super::surface::{without_article, Surfaces};
use super::typo::{typo_cost, SLIP};
use crate::analysis::{for_each_word, is_stop_word, Lang};
use crate::index::{Analyzers, NewsSchema};
use crate::query::{Node, Occur, ParsedQuery, Scope, WordKind};

/// Shortest word (in letters, folded) that may be corrected.
pub const MIN_WORD_LEN: usize = 4;
/// Words of at least this many letters may be two slips away from their correction.
pub const TWO_SLIPS_FROM_LEN: usize = 12;
/// A word is rare (a candidate for correction) when it is in at most one article per this
/// many articles of the index.
pub const ARTICLES_PER_RARE: u64 = 100_000;
/// A correction is in at least this many articles.
pub const MIN_CORRECTION_ARTICLES: u64 = 1;
/// A correction is in at least this many times as many articles as the word.
pub const FREQUENCY_RATIO: u64 = 20;
/// Terms of the dictionary looked at per word and segment.
const MAX_CANDIDATES: usize = 1_024;

/// The texts of the query's words and phrases that may hold misspellings, in query order.
fn texts(parsed: &ParsedQuery) -> Vec<&str> {
    fn walk<'a>(node: &'a Node, out: &mut Vec<&'a str>) {
        match node {
            Node::Word {
                text,
                scope: Scope::All | Scope::Title,
                kind: WordKind::Plain | WordKind::Fuzzy(_),
            }
            | Node::Phrase { text, scope: Scope::All | Scope::Title, .. } => out.push(text),
            Node::Group(clauses) => {
                for c in clauses.iter().filter(|c| c.occur != Occur::MustNot) {
                    walk(&c.node, out);
                }
            }
            Node::Or(alts) => alts.iter().for_each(|n| walk(n, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for c in parsed.clauses.iter().filter(|c| c.occur != Occur::MustNot) {
        walk(&c.node, &mut out);
    }
    out
}

/// Inflection endings of French and English words, folded (accents free): two words that
/// differ only by two of these (`inventee` / `inventer`, `habitees` / `habites`, `citez` /
/// `cite`, `walked` / `walking`) are forms of one word.
const ENDINGS: &[&str] = &[
    "", "e", "s", "es", "x", "ee", "ees", "er", "ez", "ent", "ant", "ais", "ait", "aient", "ions",
    "iez", "ons", "a", "as", "ai", "ames", "ates", "erent", "era", "eras", "erai", "eront", "erez",
    "erons", "erait", "eraient", "it", "is", "ir", "ie", "ies", "ue", "ues", "u", "us", "ed",
    "ing", "ly", "y", "le", "les", "ne", "nes", "te", "tes", "aux", "al", "ale", "ales", "als",
    "eux", "euse", "euses", "ive", "ives", "if", "ifs", "ere", "eres", "ier", "iere", "ieres",
    "iers",
];

/// How many letters, at most, the common stem of two forms gives back to their endings.
const ENDING_BACKOFF: usize = 3;

/// Whether the folded `a` and `b` differ only by their inflection endings ([`ENDINGS`]):
/// the word typed is another form of a word of the index, which search finds already.
fn inflection_pair(a: &str, b: &str) -> bool {
    let common = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    // Stems of 3 letters at least: `mes` / `mer` are different words.
    (common.saturating_sub(ENDING_BACKOFF).max(3)..=common).rev().any(|k| {
        match (a.get(k..), b.get(k..)) {
            (Some(x), Some(y)) => ENDINGS.contains(&x) && ENDINGS.contains(&y),
            _ => false,
        }
    })
}

/// The query's words as (byte range in `query`, folded term, typed text).
fn words<'q>(
    query: &'q str,
    parsed: &ParsedQuery,
    exact: &mut TextAnalyzer,
) -> Vec<(std::ops::Range<usize>, String, &'q str)> {
    let mut out = Vec::new();
    let mut cursor = 0;
    for text in texts(parsed) {
        let Some(found) = query.get(cursor..).and_then(|rest| rest.find(text)) else { continue };
        let base = cursor + found;
        cursor = base + text.len();
        for_each_word(exact, text, |tok| {
            let range = base + tok.offset_from..base + tok.offset_to;
            if let Some(typed) = query.get(range.clone()) {
                out.push((range, tok.text.clone(), typed));
            }
        });
    }
    out
}

/// The correction of the folded `word` (see the module docs) and its number of articles,
/// `None` if it needs none.
fn correction(
    searcher: &Searcher,
    schema: &NewsSchema,
    analyzers: &mut Analyzers,
    lang: Option<Lang>,
    word: &str,
) -> tantivy::Result<Option<(String, u64)>> {
    let letters = word.chars().count();
    if letters < MIN_WORD_LEN || !word.chars().all(char::is_alphabetic) {
        return Ok(None);
    }
    let field = schema.exact;
    let df = searcher.doc_freq(&Term::from_field_text(field, word))?;
    if df > searcher.num_docs() / ARTICLES_PER_RARE {
        return Ok(None);
    }
    let slips = if letters >= TWO_SLIPS_FROM_LEN { 2 } else { 1 };
    let dfa = FuzzyTermQuery::new(Term::from_field_text(field, word), slips, true).automaton()?;
    let mut freq: HashMap<String, u64> = HashMap::new();
    for reader in searcher.segment_readers() {
        let index = reader.inverted_index(field)?;
        let mut stream = index.terms().search(&dfa).into_stream()?;
        let mut seen = 0;
        while seen < MAX_CANDIDATES && stream.advance() {
            seen += 1;
            if let Ok(term) = std::str::from_utf8(stream.key()) {
                *freq.entry(term.to_string()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    let needed = MIN_CORRECTION_ARTICLES.max(FREQUENCY_RATIO * df);
    let mut ranked: Vec<(u32, u64, String)> = freq
        .into_iter()
        .filter(|(c, n)| *n >= needed && c != word && !inflection_pair(c, word))
        .map(|(c, n)| (typo_cost(&c, word), n, c))
        .filter(|(cost, _, _)| *cost <= u32::from(slips) * SLIP)
        .collect();
    ranked.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then_with(|| a.2.cmp(&b.2)));
    // In a query of a known language, the correction is a word of that language's articles:
    // an English query on a French index is no misspelled French (`arrest` is no `arrêt`).
    let mut best = None;
    for candidate in ranked {
        if lang.is_none_or(|l| in_language(searcher, schema, analyzers, l, &candidate.2)) {
            best = Some(candidate);
            break;
        }
    }
    // A stop word is no correction (and then neither is the next best: `leut` is `leur`,
    // not `peut`): readers do not search for them.
    Ok(best
        .filter(|(_, _, c)| !Lang::ALL.iter().any(|&l| is_stop_word(l, c)))
        .map(|(_, n, c)| (c, n)))
}

/// Whether the folded `word` is in some article of `lang`: its stem in the language's title,
/// lead or body field.
fn in_language(
    searcher: &Searcher,
    schema: &NewsSchema,
    analyzers: &mut Analyzers,
    lang: Lang,
    word: &str,
) -> bool {
    let mut stream = analyzers.of(lang).token_stream(word);
    let Some(stem) = stream.next().map(|t| t.text.clone()) else { return false };
    [schema.title(lang), schema.lead(lang), schema.body(lang)]
        .into_iter()
        .any(|field| searcher.doc_freq(&Term::from_field_text(field, &stem)).is_ok_and(|n| n > 0))
}

/// The corrected `query`, `None` when no word needs a correction.
pub(crate) fn suggestion(
    searcher: &Searcher,
    schema: &NewsSchema,
    analyzers: &mut Analyzers,
    query: &str,
    parsed: &ParsedQuery,
) -> tantivy::Result<Option<String>> {
    let mut fixes: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let lang = crate::analysis::detect_language(query);
    for (i, (range, term, typed)) in
        words(query, parsed, &mut analyzers.exact).into_iter().enumerate()
    {
        let word = without_article(typed, &term);
        // An acronym, or a name (a capital after the query's first word): no misspelling.
        let capital = word.chars().next().is_some_and(char::is_uppercase);
        if crate::query::is_acronym(word) || (capital && i > 0) {
            continue;
        }
        let Some((fix, _)) = correction(searcher, schema, analyzers, lang, &term)? else {
            continue;
        };
        let written = Surfaces::new(searcher, schema, &mut analyzers.exact)
            .written_like(&fix, word)?
            .unwrap_or(fix);
        // Keep an elided article as typed: `l'assemblee` → `l'Assemblée`.
        let article = &typed[..typed.len() - word.len()];
        fixes.push((range, format!("{article}{written}")));
    }
    if fixes.is_empty() {
        return Ok(None);
    }
    let mut out = query.to_string();
    for (range, fix) in fixes.into_iter().rev() {
        out.replace_range(range, &fix);
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflections_are_no_corrections() {
        for (a, b, want) in [
            ("caravelle", "caravelles", true),
            ("ministres", "ministre", true),
            ("travail", "travaux", false),
            ("gouvernemnt", "gouvernement", false),
            ("elue", "elu", true),
            ("inventee", "inventer", true),
            ("habitees", "habites", true),
            ("citez", "cite", true),
            ("naviguer", "navigue", true),
            ("homosexuelle", "homosexuels", true),
            ("walked", "walking", true),
            ("armese", "armee", false),
            ("presiden", "president", false),
            ("reguler", "regulier", true),
            ("mes", "mer", false),
        ] {
            assert_eq!(inflection_pair(a, b), want, "{a} {b}");
        }
    }
}
