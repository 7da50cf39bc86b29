//! Case-checked phrases: `"Le Monde"` finds the newspaper, not « le monde entier ».
//!
//! The index is folded (lowercase, no accents), so a phrase query alone cannot tell the two
//! apart. A quoted phrase typed with a capital letter after its first character is therefore
//! checked against the stored text of each candidate article: every word typed with a capital
//! must be written with a capital there too, at one occurrence of the phrase where the words
//! follow each other in their exact (folded, unstemmed) forms. A phrase capitalized only at
//! its start (`"Le changement climatique"`), as a sentence is, is not checked; nor is a sloppy
//! phrase (`"…"~2`).
//!
//! Checking reads and analyzes the stored title, lead and body of every candidate that the
//! phrase query matched, so it costs about what loading those articles for display costs.

use std::fmt;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, Value};
use tantivy::store::StoreReader;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyDocument, Term, TERMINATED};

use crate::analysis::exact_analyzer;

/// Store blocks kept decompressed per segment while checking.
const STORE_CACHE_BLOCKS: usize = 4;

/// One word of a checked phrase: its exact form and whether it was typed with a capital.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Word {
    /// Folded exact forms at this position (a compound gives its parts and the joined word).
    forms: Vec<String>,
    capital: bool,
}

/// The words of `phrase` when it must be case-checked: it has a capital letter after its
/// first character. `None` otherwise.
fn checked_words(phrase: &str, analyzer: &mut TextAnalyzer) -> Option<Vec<Word>> {
    let trimmed = phrase.trim_start();
    let mut chars = trimmed.chars();
    chars.next();
    if !chars.any(char::is_uppercase) {
        return None;
    }
    let mut words: Vec<(usize, Word)> = Vec::new();
    let mut stream = analyzer.token_stream(phrase);
    while let Some(token) = stream.next() {
        let capital = phrase
            .get(token.offset_from..token.offset_to)
            .is_some_and(|span| span.chars().any(char::is_uppercase));
        match words.last_mut() {
            Some((position, word)) if *position == token.position => {
                word.forms.push(token.text.clone());
                word.capital |= capital;
            }
            _ => words.push((token.position, Word { forms: vec![token.text.clone()], capital })),
        }
    }
    (!words.is_empty()).then(|| words.into_iter().map(|(_, w)| w).collect())
}

/// The tokens of an article, as the check needs them: no allocation per token once warm.
#[derive(Default)]
struct Tokens {
    list: Vec<Token>,
    /// The folded forms, one after the other.
    forms: String,
}

/// A token of an article.
struct Token {
    position: usize,
    form: (usize, usize),
    capital: bool,
}

impl Tokens {
    /// Analyzes `text`, replacing the tokens held.
    fn analyze(&mut self, text: &str, analyzer: &mut TextAnalyzer) {
        self.list.clear();
        self.forms.clear();
        let mut stream = analyzer.token_stream(text);
        while let Some(token) = stream.next() {
            let capital = text
                .get(token.offset_from..token.offset_to)
                .is_some_and(|span| span.chars().any(char::is_uppercase));
            let from = self.forms.len();
            self.forms.push_str(&token.text);
            self.list.push(Token {
                position: token.position,
                form: (from, self.forms.len()),
                capital,
            });
        }
    }

    /// Whether `token` is `word`: one of its forms, with a capital if it was typed with one.
    fn is(&self, token: &Token, word: &Word) -> bool {
        let form = &self.forms[token.form.0..token.form.1];
        word.forms.iter().any(|f| f == form) && (!word.capital || token.capital)
    }

    /// Whether the phrase `words` starts at some token.
    fn contain(&self, words: &[Word]) -> bool {
        let Some(first) = words.first() else { return false };
        let tokens = &self.list;
        (0..tokens.len()).any(|start| {
            if !self.is(&tokens[start], first) {
                return false;
            }
            let mut position = tokens[start].position;
            let mut i = start;
            words[1..].iter().all(|word| {
                position += 1;
                // skip the other tokens at the previous position (a joined compound)
                while i < tokens.len() && tokens[i].position < position {
                    i += 1;
                }
                tokens[i..].iter().take_while(|t| t.position == position).any(|t| self.is(t, word))
            })
        })
    }
}

/// A phrase query whose matches are checked for the capitals typed in the phrase.
///
/// Built by the [`QueryBuilder`](super::QueryBuilder) for quoted phrases; see the
/// [module docs](self).
pub(crate) struct CaseChecked {
    inner: Box<dyn Query>,
    words: Vec<Word>,
    fields: Vec<Field>,
}

impl CaseChecked {
    /// Wraps `inner`, the phrase query of `phrase`, when `phrase` must be case-checked in
    /// the stored `fields`; returns `inner` unchanged otherwise.
    pub(crate) fn wrap(
        inner: Box<dyn Query>,
        phrase: &str,
        fields: Vec<Field>,
        analyzer: &mut TextAnalyzer,
    ) -> Box<dyn Query> {
        match checked_words(phrase, analyzer) {
            Some(words) => Box::new(CaseChecked { inner, words, fields }),
            None => inner,
        }
    }
}

impl Clone for CaseChecked {
    fn clone(&self) -> Self {
        CaseChecked {
            inner: self.inner.box_clone(),
            words: self.words.clone(),
            fields: self.fields.clone(),
        }
    }
}

impl fmt::Debug for CaseChecked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaseChecked")
            .field("inner", &self.inner)
            .field("words", &self.words)
            .finish()
    }
}

impl Query for CaseChecked {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(CaseCheckedWeight {
            inner: self.inner.weight(scoring)?,
            words: self.words.clone(),
            fields: self.fields.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct CaseCheckedWeight {
    inner: Box<dyn Weight>,
    words: Vec<Word>,
    fields: Vec<Field>,
}

impl Weight for CaseCheckedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorer = CaseCheckedScorer {
            inner: self.inner.scorer(reader, boost)?,
            store: reader.get_store_reader(STORE_CACHE_BLOCKS)?,
            words: self.words.clone(),
            fields: self.fields.clone(),
            analyzer: exact_analyzer(),
            tokens: Tokens::default(),
        };
        scorer.settle();
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match the phrase with its capitals"
            )));
        }
        self.inner.explain(reader, doc)
    }
}

struct CaseCheckedScorer {
    inner: Box<dyn Scorer>,
    store: StoreReader,
    words: Vec<Word>,
    fields: Vec<Field>,
    analyzer: TextAnalyzer,
    tokens: Tokens,
}

impl CaseCheckedScorer {
    /// Whether the current document has the phrase with its capitals. A document that cannot
    /// be read is not a match.
    fn accepts(&mut self, doc: DocId) -> bool {
        let Ok(stored) = self.store.get::<TantivyDocument>(doc) else { return false };
        for &field in &self.fields {
            for value in stored.get_all(field) {
                if let Some(text) = value.as_str() {
                    self.tokens.analyze(text, &mut self.analyzer);
                    if self.tokens.contain(&self.words) {
                        return true;
                    }
                }
            }
        }
        false
    }

    /// Moves forward from the current document to the first one that passes the check.
    fn settle(&mut self) -> DocId {
        let mut doc = self.inner.doc();
        while doc != TERMINATED && !self.accepts(doc) {
            doc = self.inner.advance();
        }
        doc
    }
}

impl DocSet for CaseCheckedScorer {
    fn advance(&mut self) -> DocId {
        self.inner.advance();
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.inner.doc() >= target {
            return self.inner.doc();
        }
        self.inner.seek(target);
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }
}

impl Scorer for CaseCheckedScorer {
    fn score(&mut self) -> Score {
        self.inner.score()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(phrase: &str, text: &str) -> Option<bool> {
        let mut analyzer = exact_analyzer();
        let words = checked_words(phrase, &mut analyzer)?;
        let mut tokens = Tokens::default();
        tokens.analyze(text, &mut analyzer);
        Some(tokens.contain(&words))
    }

    #[test]
    fn capitals_typed_in_a_phrase_must_be_written() {
        let table: &[(&str, &str, Option<bool>)] = &[
            ("Le Monde", "Selon Le Monde, la réforme avance.", Some(true)),
            ("Le Monde", "LE MONDE titre sur la réforme.", Some(true)),
            ("Le Monde", "Le monde entier regarde.", Some(false)),
            ("Le Monde", "dans le monde entier", Some(false)),
            ("Le Monde", "Le Monde, le monde entier", Some(true)),
            ("le Monde", "selon le Monde diplomatique", Some(true)),
            ("l'Élysée", "selon l’Élysée, rien", Some(true)),
            ("l'Élysée", "un élysée de carton", Some(false)),
            ("Saint-Étienne", "à Saint-Étienne hier", Some(true)),
            ("Saint-Étienne", "saint-étienne", Some(false)),
            ("Le Pen", "Marine Le Pen a dit", Some(true)),
            ("Le Pen", "le pen est un stylo", Some(false)),
        ];
        for &(phrase, text, expected) in table {
            assert_eq!(check(phrase, text), expected, "{phrase:?} in {text:?}");
        }
    }

    #[test]
    fn sentence_case_and_lowercase_phrases_are_not_checked() {
        for phrase in ["le monde", "Le changement climatique", "  Le monde", ""] {
            assert!(check(phrase, "le monde").is_none(), "{phrase:?} was checked");
        }
    }
}
