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
