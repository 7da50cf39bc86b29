//! What the benches share: tantivy 0.27's stock French chain, the baseline of every figure,
//! and the generator of large indexes (also used by `tests/adversarial.rs`).
// Each user takes only part of it.
#![allow(dead_code)]

use depeche::index::Article;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};

/// `SimpleTokenizer` → `RemoveLongFilter::limit(40)` → `LowerCaser` → `AsciiFoldingFilter` →
/// `Stemmer::new(Language::French)`.
pub fn stock_french() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::French))
        .build()
}

/// xorshift64*: a fixed-seed generator, so that every run builds the same index.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// `n` articles made of `base` (the bundled ones): a random title, 2 to 6 random paragraphs,
/// a random date between 2012 and 2018. The same `base` always gives the same articles.
pub fn generated(base: &[Article], n: usize) -> Vec<Article> {
    let paragraphs: Vec<&str> = base
        .iter()
        .flat_map(|a| a.body.split('\n'))
        .map(str::trim)
        .filter(|p| p.len() > 40)
        .collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (0..n)
        .map(|i| {
            let title = &base[rng.below(base.len())].title;
            let k = 2 + rng.below(5);
            let body: Vec<&str> = (0..k).map(|_| paragraphs[rng.below(paragraphs.len())]).collect();
            let day = rng.below(7 * 365) as i64;
            let date = time::Date::from_calendar_date(2012, time::Month::January, 1)
                .expect("date")
                .checked_add(time::Duration::days(day))
                .expect("date");
            Article {
                id: format!("gen-{i}"),
                title: title.clone(),
                body: body.join("\n\n"),
                date: Some(date.to_string()),
                lang: Some(depeche::Lang::French),
                source: Some("generated".into()),
                ..Default::default()
            }
        })
        .collect()
}

/// A tokenizer that replays terms analyzed beforehand by [`pre_analyzed`]: indexing such text
/// costs tantivy's own work and almost no analysis, which measures the floor under an
/// analyzer's indexing time.
#[derive(Clone, Default)]
pub struct Replay {
    token: tantivy::tokenizer::Token,
}

/// Starts a term at a new position.
const NEXT: char = '\u{1}';
/// Starts a term at the position of the previous one.
const SAME: char = '\u{2}';

/// The terms `analyzer` gives `text`, one after another, each after [`NEXT`] or [`SAME`].
pub fn pre_analyzed(analyzer: &mut TextAnalyzer, text: &str) -> String {
    let mut out = String::new();
    let mut stream = analyzer.token_stream(text);
    let mut last = None;
    while let Some(token) = stream.next() {
        out.push(if last == Some(token.position) { SAME } else { NEXT });
        last = Some(token.position);
        out.push_str(&token.text);
    }
    out
}

/// The token stream of [`Replay`].
pub struct ReplayStream<'a> {
    text: &'a str,
    at: usize,
    position: Option<usize>,
    token: &'a mut tantivy::tokenizer::Token,
}

impl tantivy::tokenizer::Tokenizer for Replay {
    type TokenStream<'a> = ReplayStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ReplayStream<'a> {
        ReplayStream { text, at: 0, position: None, token: &mut self.token }
    }
}

impl tantivy::tokenizer::TokenStream for ReplayStream<'_> {
    fn advance(&mut self) -> bool {
        let rest = &self.text[self.at..];
        let Some(mark) = rest.chars().next() else { return false };
        let start = self.at + mark.len_utf8();
        let end = self.text[start..].find([NEXT, SAME]).map_or(self.text.len(), |i| start + i);
        let position = match (self.position, mark == SAME) {
            (Some(p), true) => p,
            (Some(p), false) => p + 1,
            (None, _) => 0,
        };
        self.position = Some(position);
        self.token.text.clear();
        self.token.text.push_str(&self.text[start..end]);
        self.token.position = position;
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.at = end;
        true
    }

    fn token(&self) -> &tantivy::tokenizer::Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut tantivy::tokenizer::Token {
        self.token
    }
}
