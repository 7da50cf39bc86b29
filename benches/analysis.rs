//! Analyzer throughput: depeche's French analyzer against tantivy 0.27's stock French chain
//! (`SimpleTokenizer` → `RemoveLongFilter::limit(40)` → `LowerCaser` → `AsciiFoldingFilter` →
//! `Stemmer::new(Language::French)`) on the same French news text, in the same run.
//!
//! Two ways of feeding the text, both asserted on their token counts:
//!
//! - **per article**: the way indexing runs, one token stream per article (its title and body
//!   as one text), over the 1,291 bundled articles;
//! - **one text**: every title and body concatenated into one text, one token stream.
//!
//! `cargo bench --bench analysis` first prints a summary: a cold pass of each (a fresh
//! analyzer, first use in the process), a warm-up pass, then the median of 7 rounds, each
//! timing depeche and the stock chain one after the other (the order alternates from round to
//! round), per article and as one text; then criterion's figures.
//!
//! `DEPECHE_BENCH=summary` prints the summary only; `DEPECHE_BENCH=profile-depeche`,
//! `profile-indexing` (depeche's French indexing analyzer: capital marks and acronyms) or
//! `profile-stock` runs one warm-up pass and 5 passes per article of one analyzer and nothing
//! else, for `valgrind --tool=callgrind` or `perf`.

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion, Throughput};
use depeche::{analyzer, Lang};
use tantivy::tokenizer::TextAnalyzer;

/// The bundled French Wikinews corpus (CC BY 2.5, see data/README.md).
const CORPUS: &str = include_str!("../data/fr_news.jsonl");

/// Each article's title and body, as one text (title, newline, body).
fn articles() -> Vec<String> {
    CORPUS
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).expect("bundled corpus is JSONL");
            let field = |name: &str| v[name].as_str().unwrap_or_default().to_string();
            format!("{}\n{}", field("title"), field("body"))
        })
        .collect()
}

/// Every article's text, one after another, separated by blank lines.
fn one_text(articles: &[String]) -> String {
    articles.join("\n\n")
}

/// Tokens of one stream over `text`.
fn count(analyzer: &mut TextAnalyzer, text: &str) -> usize {
    let mut stream = analyzer.token_stream(text);
    let mut n = 0;
    while stream.advance() {
        black_box(&stream.token().text);
        n += 1;
    }
    n
}

/// Tokens of one stream per article.
fn count_articles(analyzer: &mut TextAnalyzer, articles: &[String]) -> usize {
    articles.iter().map(|a| count(analyzer, a)).sum()
}

/// Token counts on the bundled corpus; a change here means the analysis changed.
const DEPECHE_TOKENS: usize = 299_418;
const STOCK_TOKENS: usize = 312_954;

/// Rounds of the summary, each timing both analyzers.
const ROUNDS: usize = 7;

fn bench(c: &mut Criterion) {
    let articles = articles();
    let text = one_text(&articles);
    let bytes: usize = articles.iter().map(String::len).sum();
    let mut depeche = analyzer(Lang::French);
    let mut stock = common::stock_french();
    // warm-up: fills the stem caches, as on a long-running indexer
    assert_eq!(count_articles(&mut depeche, &articles), DEPECHE_TOKENS);
    assert_eq!(count_articles(&mut stock, &articles), STOCK_TOKENS);
    let (d, s) = (count(&mut depeche, &text), count(&mut stock, &text));
    assert_eq!(d, DEPECHE_TOKENS, "depeche token count changed: update it if the change is meant");
    assert_eq!(s, STOCK_TOKENS, "stock token count changed");

    let mut group = c.benchmark_group("analysis/fr_news/per_article");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10).measurement_time(Duration::from_secs(8));
    group.bench_function("depeche", |b| {
        b.iter(|| assert_eq!(count_articles(&mut depeche, &articles), d))
    });
    group.bench_function("tantivy_stock", |b| {
        b.iter(|| assert_eq!(count_articles(&mut stock, &articles), s))
    });
    group.finish();

    let mut group = c.benchmark_group("analysis/fr_news/one_text");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(10).measurement_time(Duration::from_secs(8));
    group.bench_function("depeche", |b| b.iter(|| assert_eq!(count(&mut depeche, &text), d)));
    group.bench_function("tantivy_stock", |b| b.iter(|| assert_eq!(count(&mut stock, &text), s)));
    group.finish();
}

/// MB/s of `bytes` done in `seconds`.
fn mbps(bytes: usize, seconds: f64) -> f64 {
    bytes as f64 / seconds / 1e6
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Seconds `run` takes, after checking its token count.
fn timed(expected: usize, run: impl FnOnce() -> usize) -> f64 {
    let start = Instant::now();
    let n = run();
    let seconds = start.elapsed().as_secs_f64();
    assert_eq!(n, expected, "token count changed");
    seconds
}

/// The median MB/s of depeche and of the stock chain over [`ROUNDS`] interleaved rounds of
/// `run`, which analyzes `bytes` bytes with the analyzer it is given.
fn interleaved(
    depeche: &mut TextAnalyzer,
    stock: &mut TextAnalyzer,
    bytes: usize,
    run: impl Fn(&mut TextAnalyzer) -> usize,
) -> (f64, f64) {
    let (mut dep, mut sto) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        if round % 2 == 0 {
            dep.push(mbps(bytes, timed(DEPECHE_TOKENS, || run(depeche))));
            sto.push(mbps(bytes, timed(STOCK_TOKENS, || run(stock))));
        } else {
            sto.push(mbps(bytes, timed(STOCK_TOKENS, || run(stock))));
            dep.push(mbps(bytes, timed(DEPECHE_TOKENS, || run(depeche))));
        }
    }
    (median(dep), median(sto))
}

fn summary() {
    let articles = articles();
    let text = one_text(&articles);
    let bytes: usize = articles.iter().map(String::len).sum();
    // cold: fresh analyzers, the first use of each in the process (the stem memo is empty)
    let cold_dep = mbps(
        bytes,
        timed(DEPECHE_TOKENS, || count_articles(&mut analyzer(Lang::French), &articles)),
    );
    let cold_sto =
        mbps(bytes, timed(STOCK_TOKENS, || count_articles(&mut common::stock_french(), &articles)));
    // a fresh analyzer once the process has stemmed these words (another field, another
    // segment writer of the same indexer)
    let fresh_dep = mbps(
        bytes,
        timed(DEPECHE_TOKENS, || count_articles(&mut analyzer(Lang::French), &articles)),
    );
    let mut depeche = analyzer(Lang::French);
    let mut stock = common::stock_french();
    // warm-up
    count_articles(&mut depeche, &articles);
    count_articles(&mut stock, &articles);
    let (art_dep, art_sto) =
        interleaved(&mut depeche, &mut stock, bytes, |a| count_articles(a, &articles));
    let (one_dep, one_sto) = interleaved(&mut depeche, &mut stock, text.len(), |a| count(a, &text));
    println!();
    println!(
        "French news: {} articles, {:.2} MB (title + body), one thread; warm: median of {ROUNDS} \
         interleaved rounds",
        articles.len(),
        bytes as f64 / 1e6
    );
    println!("| measure | depeche French MB/s | stock chain MB/s | ratio |");
    println!("|---|---|---|---|");
    println!(
        "| per article (one stream each), warm | {art_dep:.1} | {art_sto:.1} | {:.2}x |",
        art_dep / art_sto
    );
    println!(
        "| one concatenated text, warm | {one_dep:.1} | {one_sto:.1} | {:.2}x |",
        one_dep / one_sto
    );
    println!(
        "| per article, cold (fresh analyzer, first of the process) | {cold_dep:.1} | \
         {cold_sto:.1} | {:.2}x |",
        cold_dep / cold_sto
    );
    println!("| per article, fresh analyzer, stems known to the process | {fresh_dep:.1} | | |");
    println!("tokens: depeche {DEPECHE_TOKENS}, stock {STOCK_TOKENS} (asserted on every pass)");
    println!();
}

/// One analyzer alone, for a profiler: a warm-up pass, then 5 passes per article
/// ([`warm_passes`], which `valgrind --tool=callgrind --toggle-collect='*warm_passes*'` counts
/// alone).
fn profile(analyzer: &mut TextAnalyzer, expected: usize) {
    let articles = articles();
    assert_eq!(count_articles(analyzer, &articles), expected);
    warm_passes(analyzer, &articles, expected);
}

#[inline(never)]
fn warm_passes(analyzer: &mut TextAnalyzer, articles: &[String], expected: usize) {
    for _ in 0..5 {
        assert_eq!(count_articles(analyzer, articles), expected);
    }
}

criterion_group!(benches, bench);

fn main() {
    match std::env::var("DEPECHE_BENCH").as_deref() {
        Ok("profile-depeche") => return profile(&mut analyzer(Lang::French), DEPECHE_TOKENS),
        Ok("profile-stock") => return profile(&mut common::stock_french(), STOCK_TOKENS),
        Ok("profile-indexing") => {
            let mut indexing = depeche::analysis::indexing_analyzer(Lang::French);
            let tokens = count_articles(&mut indexing, &articles());
            return profile(&mut indexing, tokens);
        }
        Ok("summary") => return summary(),
        _ => {}
    }
    summary();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
