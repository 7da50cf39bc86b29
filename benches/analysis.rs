//! Analyzer throughput: depeche's French analyzer against tantivy 0.27's stock French chain
//! (`SimpleTokenizer` → `RemoveLongFilter::limit(40)` → `LowerCaser` → `AsciiFoldingFilter` →
//! `Stemmer::new(Language::French)`) on the same French news text, in the same run.
//!
//! `cargo bench --bench analysis` prints criterion's figures and then a summary table:
//! MB/s of each and the ratio (median of repeated single-threaded passes).

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion, Throughput};
use depeche::{analyzer, Lang};
use tantivy::tokenizer::TextAnalyzer;

/// The bundled French Wikinews corpus (CC BY 2.5, see data/README.md).
const CORPUS: &str = include_str!("../data/fr_news.jsonl");

/// Titles and bodies of the corpus, one article per paragraph.
fn french_text() -> String {
    let mut text = String::new();
    for line in CORPUS.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("bundled corpus is JSONL");
        for field in ["title", "body"] {
            if let Some(s) = v[field].as_str() {
                text.push_str(s);
                text.push('\n');
            }
        }
        text.push('\n');
    }
    text
}

fn count(analyzer: &mut TextAnalyzer, text: &str) -> usize {
    let mut stream = analyzer.token_stream(text);
    let mut n = 0;
    while stream.advance() {
        black_box(&stream.token().text);
        n += 1;
    }
    n
}

/// Token counts on the bundled corpus; a change here means the analysis changed.
const DEPECHE_TOKENS: usize = 299_418;
const STOCK_TOKENS: usize = 312_954;

fn bench(c: &mut Criterion) {
    let text = french_text();
    let mut group = c.benchmark_group("analysis/fr_news");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(10).measurement_time(Duration::from_secs(8));
    let mut depeche = analyzer(Lang::French);
    let mut stock = common::stock_french();
    // warm-up: fills the stem caches, as on a long-running indexer
    let (d, s) = (count(&mut depeche, &text), count(&mut stock, &text));
    assert_eq!(d, DEPECHE_TOKENS, "depeche token count changed: update it if the change is meant");
    assert_eq!(s, STOCK_TOKENS, "stock token count changed");
    group.bench_function("depeche", |b| b.iter(|| assert_eq!(count(&mut depeche, &text), d)));
    group.bench_function("tantivy_stock", |b| b.iter(|| assert_eq!(count(&mut stock, &text), s)));
    group.finish();
}

/// Median MB/s over `runs` passes.
fn throughput(analyzer: &mut TextAnalyzer, text: &str, runs: usize) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(count(analyzer, text));
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    text.len() as f64 / times[runs / 2] / 1e6
}

fn summary() {
    let text = french_text();
    let mut depeche = analyzer(Lang::French);
    let mut stock = common::stock_french();
    let (d, s) = (count(&mut depeche, &text), count(&mut stock, &text));
    let cold = {
        let mut fresh = analyzer(Lang::French);
        let start = Instant::now();
        count(&mut fresh, &text);
        text.len() as f64 / start.elapsed().as_secs_f64() / 1e6
    };
    let runs = 15;
    let dep = throughput(&mut depeche, &text, runs);
    let sto = throughput(&mut stock, &text, runs);
    println!();
    println!("French news, {:.2} MB, one thread, median of {runs} passes", text.len() as f64 / 1e6);
    println!("| analyzer | tokens | MB/s |");
    println!("|---|---|---|");
    println!("| depeche French (warm stem cache) | {d} | {dep:.1} |");
    println!("| depeche French (first pass, cold cache) | {d} | {cold:.1} |");
    println!("| tantivy 0.27 stock French chain | {s} | {sto:.1} |");
    println!("ratio depeche / stock: {:.2}x", dep / sto);
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    summary();
}
