//! Acronyms typed in capitals: `CIA` asks for the acronym term the indexing analyzers give
//! acronyms written in capitals ([`crate::analysis::acronym`]), not for the stem `ci` that
//! « celle-ci » shares.
//!
//! A word of the query is an acronym when the French or English indexing analyzer, run on the
//! word alone, gives it an acronym term (`CIA`, `l’OMS`, `C.I.A.`: 2 to 6 ASCII capitals).
//! In a query written all in capitals (caps lock: « LE GOUVERNEMENT DÉMISSIONNE ») only the
//! words that cannot read as ordinary words stay acronyms (3 letters at most, or no vowel:
//! `PS`, `SNCF`), the rule the analyzers apply inside a headline in capitals. And when no
//! article of the index holds the acronym term, the word is searched as usual (its stem).
//! Lowercase `cia` is an ordinary word: it finds `CIA` through the stem, which acronyms keep.

use tantivy::schema::Field;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use super::ast::{Clause, Node, ParsedQuery};
use crate::analysis::acronym::{has_acronym_length, looks_like_a_word, ACRONYM_PREFIX};

/// Whether `parsed` is written all in capitals: two words with letters or more, no
/// lowercase letter, and a word that is no acronym (more than
/// [`MAX_ACRONYM_LETTERS`](crate::analysis::acronym::MAX_ACRONYM_LETTERS) letters, or other characters than ASCII letters and dots), so
/// that `CIA FBI` is two acronyms but `LA CIA ACCUSÉE` a query in capitals.
pub(crate) fn is_shouted(parsed: &ParsedQuery) -> bool {
    let (mut words, mut long) = (0, false);
    let mut lowercase = false;
    visit(&parsed.clauses, &mut |text| {
        for word in text.split_whitespace() {
            if !word.chars().any(char::is_alphabetic) {
                continue;
            }
            words += 1;
            lowercase |= word.chars().any(char::is_lowercase);
            let letters = word.chars().filter(|c| c.is_ascii_alphabetic()).count();
            long |= !has_acronym_length(letters)
                || word.chars().any(|c| c.is_alphanumeric() && !c.is_ascii_alphabetic());
        }
    });
    words >= 2 && long && !lowercase
}

/// Calls `f` on the text of every word and phrase of `clauses`.
fn visit(clauses: &[Clause], f: &mut impl FnMut(&str)) {
    for clause in clauses {
        visit_node(&clause.node, f);
    }
}

fn visit_node(node: &Node, f: &mut impl FnMut(&str)) {
    match node {
        Node::Word { text, .. } | Node::Phrase { text, .. } => f(text),
        Node::Group(clauses) => visit(clauses, f),
        Node::Or(nodes) => nodes.iter().for_each(|n| visit_node(n, f)),
        Node::DateRange { .. } => {}
    }
}

/// The acronym term a word typed as `text` asks for, from `indexing` (an indexing
/// analyzer): its one acronym term when the word is one word in capitals (`CIA` → `^cia`),
/// `None` otherwise; in a query written in capitals (`shouted`), `None` for a word that reads
/// as an ordinary word (`NASA` in `LA NASA LANCE`).
pub(crate) fn asked(indexing: &mut TextAnalyzer, text: &str, shouted: bool) -> Option<String> {
    if !text.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let mut stream = indexing.token_stream(text);
    let (mut term, mut position) = (None, None);
    while let Some(token) = stream.next() {
        if position.is_some_and(|p| p != token.position) {
            return None;
        }
        position = Some(token.position);
        if token.text.len() > ACRONYM_PREFIX.len() && token.text.starts_with(ACRONYM_PREFIX) {
            term = Some(token.text.clone());
        }
    }
    let term = term?;
    let letters = &term.as_bytes()[ACRONYM_PREFIX.len()..];
    (!(shouted && looks_like_a_word(letters))).then_some(term)
}

/// Whether one of `fields` holds `term` in some article (true without a searcher).
pub(crate) fn indexed(searcher: Option<&Searcher>, fields: &[(Field, f32)], term: &str) -> bool {
    let Some(searcher) = searcher else { return true };
    fields.iter().any(|&(field, _)| {
        searcher.doc_freq(&Term::from_field_text(field, term)).is_ok_and(|df| df > 0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::indexing_analyzer;
    use crate::query::parse;
    use crate::Lang;

    /// `(name, query, shouted)`.
    const SHOUTED: &[(&str, &str, bool)] = &[
        ("one_acronym", "CIA", false),
        ("two_acronyms", "CIA FBI", false),
        ("acronym_and_words", "la CIA accusée", false),
        ("headline_in_capitals", "LE GOUVERNEMENT DÉMISSIONNE", true),
        ("capitals_with_an_acronym", "LA CIA ACCUSÉE", true),
        ("one_long_word", "GOUVERNEMENT", false),
        ("phrase_in_capitals", "\"LE GOUVERNEMENT\" DÉMISSIONNE", true),
        ("digits_only_word", "CIA 2017", false),
    ];

    #[test]
    fn queries_written_in_capitals() {
        for &(name, query, expected) in SHOUTED {
            assert_eq!(is_shouted(&parse(query)), expected, "{name}: {query:?}");
        }
    }

    /// `(name, word, shouted, the acronym term asked for)`.
    const ASKED: &[(&str, &str, bool, Option<&str>)] = &[
        ("capitals", "CIA", false, Some("^cia")),
        ("dotted", "C.I.A.", false, Some("^cia")),
        ("dotted_without_last_dot", "C.I.A", false, Some("^cia")),
        ("elided", "l'OMS", false, Some("^oms")),
        ("six_letters", "UNESCO", false, Some("^unesco")),
        ("lowercase", "cia", false, None),
        ("capitalised", "Cia", false, None),
        ("too_long", "GOUVERNEMENT", false, None),
        ("one_letter", "A", false, None),
        ("compound", "ONU-Femmes", false, None),
        ("shouted_word_like", "NASA", true, None),
        ("shouted_short", "CIA", true, Some("^cia")),
        ("shouted_vowel_less", "SNCF", true, Some("^sncf")),
    ];

    #[test]
    fn words_typed_in_capitals_ask_for_the_acronym() {
        let mut indexing = indexing_analyzer(Lang::French);
        for &(name, word, shouted, expected) in ASKED {
            assert_eq!(
                asked(&mut indexing, word, shouted).as_deref(),
                expected,
                "{name}: {word:?}"
            );
        }
    }
}
