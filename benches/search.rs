//! Indexing throughput and query latency: depeche against tantivy 0.27's stock French chain.
//!
//! `cargo bench --bench search` runs
//!
//! 1. criterion's indexing benches: the bundled corpus (1,291 French Wikinews articles) into a
//!    RAM [`NewsIndex`] (the whole schema, stored fields included) and into a RAM index with one
//!    stored text field holding title + body analyzed by the stock chain (`SimpleTokenizer` →
//!    `RemoveLongFilter::limit(40)` → `LowerCaser` → `AsciiFoldingFilter` →
//!    `Stemmer::new(Language::French)`), on 1 and 2 indexing threads; then a summary table
//!    (best of 3 runs, docs/s, MB/s of title + lead + body text, ratio). These repeated runs
//!    find depeche's process-wide stem memo warm, as a long-running indexer does; the very first
//!    indexing of the process (cold) is measured and printed once, before them;
//! 2. query latency (`search/latency.rs`, whose docs list its settings): a 100,000-article index
//!    generated from the bundled articles (paragraphs and dates resampled with a fixed seed) for
//!    each engine, then p50/p99 of each query kind over repeated runs, the two engines
//!    alternating, printed as a table. depeche is timed through its full search API (count + 10
//!    hits + snippets); the stock index through `QueryParser` + `Count` + `TopDocs` (10) +
//!    loading the 10 stored documents.
//!
//! Set `DEPECHE_BENCH_DOCS` to change the size of the generated index,
//! `DEPECHE_BENCH_LATENCY=1` to run only the query latency, and `DEPECHE_BENCH_PROFILE=1` to
//! skip the indexing benches and print, instead, the analyzers' own throughput (warm, repeated
//! passes) before the query latency.
//!
//! `DEPECHE_BENCH_FLOOR=1` runs only the indexing floor: each engine's indexing of the bundled
//! corpus beside the same documents with their terms analyzed beforehand and replayed by a
//! tokenizer that does no analysis (tantivy's own work for each schema), with and without
//! depeche's exact-form field.
//!
//! The end-to-end import (the example's `--add` against stock tantivy, on the bundled corpus
//! copied 20 times and on `DEPECHE_BENCH_DOCS` generated articles) runs after the indexing
//! benches; `DEPECHE_BENCH_IMPORT=1` runs only it, `DEPECHE_BENCH_CADENCE=1` the cost of the
//! commit cadence, `DEPECHE_BENCH_IMPORT_LATENCY=1` search latency after an import with and without
//! its final merge, `DEPECHE_BENCH_CRASH=1` a kill and rerun, `DEPECHE_BENCH_BAD_LINES=1` a
//! file with 1% bad lines (see `benches/search/import.rs`).
//!
//! `DEPECHE_BENCH_STORIES=1` runs only the cost of story detection and collapsing
//! (`benches/search/stories.rs`): indexing with and without, query latency with and without.
//!
//! `DEPECHE_BENCH_ADVERSARIAL=1` runs only the adversarial queries of
//! `tests/data/adversarial.rs` on the generated index (default query limits, full search API
//! with snippets): each one's outcome and its slowest and median time over repeated runs.

#[path = "../tests/data/adversarial.rs"]
mod adversarial;
mod common;
#[path = "search/complete.rs"]
mod complete;
#[path = "search/import.rs"]
mod import;
#[path = "search/latency.rs"]
mod latency;
#[path = "search/stories.rs"]
mod stories;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use depeche::analysis::{ENGLISH_INDEXING_ANALYZER, EXACT_ANALYZER, FRENCH_INDEXING_ANALYZER};
use depeche::index::{Article, IndexOptions, NewsIndex, NewsSchema};
use depeche::search::SearchRequest;
use tantivy::schema::{
    DateOptions, Field, FieldType, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
    Value, STORED,
};
use tantivy::tokenizer::TokenizerManager;
use tantivy::{DateTime, Index, IndexWriter, TantivyDocument, Term};

/// The bundled French Wikinews corpus (CC BY 2.5, see data/README.md).
const CORPUS: &str = include_str!("../data/fr_news.jsonl");
const BUDGET: usize = 200_000_000;

fn articles() -> Vec<Article> {
    CORPUS.lines().map(|l| serde_json::from_str(l).expect("bundled corpus is JSONL")).collect()
}

fn text_bytes(articles: &[Article]) -> u64 {
    articles.iter().map(|a| (a.title.len() + a.lead.len() + a.body.len()) as u64).sum()
}

struct Stock {
    index: Index,
    text: tantivy::schema::Field,
    date: Option<tantivy::schema::Field>,
}

/// The stock index: one stored text field (title + body); with `date`, also an indexed, fast
/// date field for the filtered query.
fn stock_index(with_date: bool) -> Stock {
    let mut b = Schema::builder();
    let opts = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("stock_fr")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let text = b.add_text_field("text", opts);
    let date = with_date
        .then(|| b.add_date_field("date", DateOptions::default().set_indexed().set_fast()));
    let index = Index::create_in_ram(b.build());
    index.tokenizers().register("stock_fr", common::stock_french());
    Stock { index, text, date }
}

fn index_stock(stock: &Stock, articles: &[Article], threads: usize) {
    let mut writer: IndexWriter =
        stock.index.writer_with_num_threads(threads, BUDGET).expect("writer");
    for a in articles {
        let mut d = TantivyDocument::default();
        d.add_text(stock.text, format!("{}\n{}\n{}", a.title, a.lead, a.body));
        if let (Some(field), Some(date)) = (stock.date, a.date.as_deref()) {
            if let Ok(t) = depeche::index::parse_date(date) {
                d.add_date(field, DateTime::from_timestamp_secs(t.unix_timestamp()));
            }
        }
        writer.add_document(d).expect("add");
    }
    writer.commit().expect("commit");
}

fn index_depeche(articles: &[Article], threads: usize) -> NewsIndex {
    let index = NewsIndex::create_in_ram_with(IndexOptions { memory_budget: BUDGET, threads })
        .expect("index");
    for a in articles {
        index.add(a).expect("add");
    }
    index.commit().expect("commit");
    index
}

fn bench_indexing(c: &mut Criterion) {
    let articles = articles();
    let bytes = text_bytes(&articles);
    let mut group = c.benchmark_group("indexing");
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(8));
    for threads in [1, 2] {
        group.bench_with_input(BenchmarkId::new("depeche", threads), &threads, |b, &t| {
            b.iter(|| {
                let index = index_depeche(&articles, t);
                assert_eq!(index.num_articles(), articles.len() as u64);
            })
        });
        group.bench_with_input(BenchmarkId::new("stock", threads), &threads, |b, &t| {
            b.iter(|| {
                let stock = stock_index(false);
                index_stock(&stock, &articles, t);
                black_box(&stock.index);
            })
        });
    }
    group.finish();
}

fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn indexing_summary() {
    let articles = articles();
    let bytes = text_bytes(&articles) as f64;
    println!(
        "\nindexing the bundled corpus: {} articles, {:.2} MB of text (best of 3)",
        articles.len(),
        bytes / 1e6
    );
    println!("| threads | depeche docs/s | depeche MB/s | stock docs/s | stock MB/s | ratio |");
    println!("|---|---|---|---|---|---|");
    for threads in [1, 2] {
        let d = best_of(3, || {
            black_box(index_depeche(&articles, threads));
        });
        let s = best_of(3, || {
            let stock = stock_index(false);
            index_stock(&stock, &articles, threads);
        });
        let n = articles.len() as f64;
        println!(
            "| {threads} | {:.0} | {:.1} | {:.0} | {:.1} | {:.2}x |",
            n / d.as_secs_f64(),
            bytes / 1e6 / d.as_secs_f64(),
            n / s.as_secs_f64(),
            bytes / 1e6 / s.as_secs_f64(),
            s.as_secs_f64() / d.as_secs_f64()
        );
    }
}

/// An index of `schema` whose depeche analyzers replay terms analyzed beforehand.
fn replay_index(schema: &Schema) -> Index {
    let index = Index::create_in_ram(schema.clone());
    depeche::register_analyzers(index.tokenizers());
    for name in [FRENCH_INDEXING_ANALYZER, ENGLISH_INDEXING_ANALYZER, EXACT_ANALYZER] {
        index.tokenizers().register(name, common::Replay::default());
    }
    index
}

/// The document `NewsIndex::add` indexes for `article`, each analyzed text replaced by its
/// terms for [`common::Replay`]; without the exact-form field when `exact` is false.
fn replayed_document(
    schema: &NewsSchema,
    manager: &TokenizerManager,
    article: &Article,
    exact: bool,
) -> TantivyDocument {
    let doc = article.to_document(schema).expect("bundled articles are valid");
    let mut out = TantivyDocument::default();
    for (field, value) in doc.field_values() {
        let analyzer = match schema.schema().get_field_entry(field).field_type() {
            FieldType::Str(options) => options.get_indexing_options().map(|i| i.tokenizer()),
            _ => None,
        };
        match (analyzer, value.as_str()) {
            _ if field == schema.exact && !exact => {}
            (Some(name), Some(text)) if name.starts_with("depeche") => {
                let mut analyzer = manager.get(name).expect("registered");
                out.add_text(field, common::pre_analyzed(&mut analyzer, text));
            }
            _ => out.add_field_value(field, value),
        }
    }
    out
}

fn index_replayed(
    index: &Index,
    id: Option<Field>,
    docs: &[(String, TantivyDocument)],
    threads: usize,
) {
    let mut writer: IndexWriter = index.writer_with_num_threads(threads, BUDGET).expect("writer");
    for (key, doc) in docs {
        if let Some(id) = id {
            // as `NewsIndex::add` does: an upsert
            writer.delete_term(Term::from_field_text(id, key));
        }
        writer.add_document(doc.clone()).expect("add");
    }
    writer.commit().expect("commit");
}

/// The floor is only worth reading if replaying gives tantivy the same work: every indexed
/// field of the replayed index must hold as many terms and tokens as in a real `NewsIndex`.
fn same_postings_when_replayed(
    articles: &[Article],
    schema: &NewsSchema,
    docs: &[(String, TantivyDocument)],
) {
    let real = index_depeche(articles, 1);
    let replayed = replay_index(schema.schema());
    index_replayed(&replayed, Some(schema.id), docs, 1);
    let replayed_reader = replayed.reader().expect("reader");
    let (a, b) = (real.searcher(), replayed_reader.searcher());
    let (a, b) = (&a.segment_readers()[0], &b.segment_readers()[0]);
    for (field, entry) in schema.schema().fields() {
        // The story fields are written by story assignment, not by `Article::to_document`.
        if !entry.is_indexed() || entry.name().starts_with(depeche::index::STORY_FIELD) {
            continue;
        }
        let (x, y) =
            (a.inverted_index(field).expect("index"), b.inverted_index(field).expect("index"));
        assert_eq!(x.terms().num_terms(), y.terms().num_terms(), "terms of {}", entry.name());
        assert_eq!(x.total_num_tokens(), y.total_num_tokens(), "tokens of {}", entry.name());
    }
}

/// `DEPECHE_BENCH_FLOOR=1`: each engine's indexing time beside tantivy's own share of it,
/// measured by indexing the same documents with their terms analyzed beforehand and replayed.
/// Twice depeche's replayed time is the least the stock chain would have to take for depeche
/// to index 2× faster with an analyzer that cost nothing.
fn indexing_floor() {
    let articles = articles();
    let bytes = text_bytes(&articles) as f64;
    let schema = NewsSchema::new();
    // depeche's real analyzers, whose terms the replayed documents carry
    let manager = TokenizerManager::default();
    depeche::register_analyzers(&manager);
    let with_exact: Vec<(String, TantivyDocument)> = articles
        .iter()
        .map(|a| (a.id.clone(), replayed_document(&schema, &manager, a, true)))
        .collect();
    let without_exact: Vec<(String, TantivyDocument)> = articles
        .iter()
        .map(|a| (a.id.clone(), replayed_document(&schema, &manager, a, false)))
        .collect();
    same_postings_when_replayed(&articles, &schema, &with_exact);
    let mut stock_analyzer = common::stock_french();
    let mut b = Schema::builder();
    let indexed = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(FRENCH_INDEXING_ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let stock_text = b.add_text_field("text", indexed);
    let stock_stored = b.add_text_field("stored", STORED);
    // `replay_index` replays whatever is registered under depeche's names
    let stock_schema = b.build();
    let stock_docs: Vec<(String, TantivyDocument)> = articles
        .iter()
        .map(|a| {
            let text = format!("{}\n{}\n{}", a.title, a.lead, a.body);
            let mut d = TantivyDocument::default();
            d.add_text(stock_text, common::pre_analyzed(&mut stock_analyzer, &text));
            d.add_text(stock_stored, text);
            (String::new(), d)
        })
        .collect();
    println!(
        "\nindexing floor: tantivy's own work, terms analyzed beforehand and replayed \
         ({} articles, {:.2} MB, best of 5)",
        articles.len(),
        bytes / 1e6
    );
    println!("| threads | run | ms | MB/s |");
    println!("|---|---|---|---|");
    for threads in [1, 2] {
        let runs: [(&str, Duration); 5] = [
            (
                "stock chain",
                best_of(5, || {
                    let stock = stock_index(false);
                    index_stock(&stock, &articles, threads);
                }),
            ),
            (
                "stock chain's terms replayed (one indexed field + one stored field)",
                best_of(5, || {
                    index_replayed(&replay_index(&stock_schema), None, &stock_docs, threads)
                }),
            ),
            (
                "depeche",
                best_of(5, || {
                    black_box(index_depeche(&articles, threads));
                }),
            ),
            (
                "depeche's terms replayed (its whole schema)",
                best_of(5, || {
                    index_replayed(
                        &replay_index(schema.schema()),
                        Some(schema.id),
                        &with_exact,
                        threads,
                    )
                }),
            ),
            (
                "depeche's terms replayed, without the exact-form field",
                best_of(5, || {
                    index_replayed(
                        &replay_index(schema.schema()),
                        Some(schema.id),
                        &without_exact,
                        threads,
                    )
                }),
            ),
        ];
        for (name, t) in &runs {
            println!(
                "| {threads} | {name} | {:.1} | {:.1} |",
                t.as_secs_f64() * 1e3,
                bytes / 1e6 / t.as_secs_f64()
            );
        }
        println!(
            "| {threads} | stock chain / depeche's replayed terms: the best ratio a free analyzer \
             could reach | {:.2}x | |",
            runs[0].1.as_secs_f64() / runs[3].1.as_secs_f64()
        );
    }
}

fn analyzer_speeds() {
    let text: String = articles().iter().map(|a| format!("{}\n{}\n", a.title, a.body)).collect();
    for (name, mut a) in [
        ("depeche fr", depeche::analyzer(depeche::Lang::French)),
        ("depeche exact", depeche::analysis::exact_analyzer()),
        ("stock fr", common::stock_french()),
    ] {
        let d = best_of(5, || {
            let mut s = a.token_stream(&text);
            let mut n = 0;
            while s.advance() {
                n += 1;
            }
            black_box(n);
        });
        println!("  analyzer {name}: {:.1} MB/s", text.len() as f64 / 1e6 / d.as_secs_f64());
    }
}

/// Each adversarial query on the generated index: outcome, slowest and median of `runs`.
fn adversarial_latency() {
    let n: usize =
        std::env::var("DEPECHE_BENCH_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let runs = 7;
    let t = Instant::now();
    let index = index_depeche(&common::generated(&articles(), n), 2);
    println!(
        "\nadversarial queries on {n} generated articles (indexed in {:.1} s), {runs} runs each",
        t.elapsed().as_secs_f64()
    );
    println!("| query | bytes | outcome | max | median |");
    println!("|---|---|---|---|---|");
    let mut worst = (Duration::ZERO, "");
    let mut mismatches = 0;
    for case in adversarial::cases() {
        let req = SearchRequest::new(case.query.clone());
        let mut times = Vec::new();
        let mut outcome = String::new();
        for _ in 0..runs {
            let t = Instant::now();
            let r = index.search(&req);
            times.push(t.elapsed());
            let (got, label) = match &r {
                Ok(r) => {
                    (Some(adversarial::Expect::Answered), format!("answered, {} hits", r.total))
                }
                Err(depeche::Error::QueryRefused { limit, .. }) => {
                    (Some(adversarial::Expect::Refused(*limit)), format!("refused: {limit}"))
                }
                Err(e) => (None, format!("ERROR {e}")),
            };
            outcome = label;
            if !got.is_some_and(|g| case.expect.admits(g)) {
                outcome.push_str(&format!(" (expected {:?})", case.expect));
            }
        }
        if outcome.contains("expected") {
            mismatches += 1;
        }
        times.sort();
        let max = times[times.len() - 1];
        if max > worst.0 {
            worst = (max, case.name);
        }
        println!(
            "| {} | {} | {outcome} | {:.2} ms | {:.2} ms |",
            case.name,
            case.query.len(),
            max.as_secs_f64() * 1e3,
            times[times.len() / 2].as_secs_f64() * 1e3
        );
    }
    println!(
        "slowest: {} at {:.2} ms; {mismatches} outcome(s) not as expected",
        worst.1,
        worst.0.as_secs_f64() * 1e3
    );
}

criterion_group!(benches, bench_indexing);

/// One indexing of the bundled corpus per engine before anything else ran in the process:
/// depeche's stem memo and caches are cold, as for a process that indexes once and exits.
fn first_pass() {
    let articles = articles();
    let bytes = text_bytes(&articles) as f64;
    let t = Instant::now();
    let stock = stock_index(false);
    index_stock(&stock, &articles, 1);
    let s = t.elapsed();
    let t = Instant::now();
    black_box(index_depeche(&articles, 1));
    let d = t.elapsed();
    println!(
        "first pass in this process, 1 thread (cold caches): depeche {:.1} MB/s, stock {:.1} MB/s, \
         ratio {:.2}x",
        bytes / 1e6 / d.as_secs_f64(),
        bytes / 1e6 / s.as_secs_f64(),
        s.as_secs_f64() / d.as_secs_f64()
    );
}

/// The queries of the stories bench (`benches/search/stories.rs`), by kind.
const QUERIES: [(&str, &str); 7] = [
    ("term", "gouvernement"),
    ("two terms", "transformation numérique"),
    ("phrase", "\"premier ministre\""),
    ("phrase + stop word", "\"ministère de la culture\""),
    // depeche asks for the capital mark at each capitalized position; stock cannot tell
    ("case-checked phrase", "\"Le Monde\""),
    ("prefix", "numéri*"),
    ("filtered", "élections"),
];

fn main() {
    if import::stock_child() {
        return;
    }
    if std::env::var("DEPECHE_BENCH_IMPORT").is_ok() {
        import::run(CORPUS, &articles());
        return;
    }
    if std::env::var("DEPECHE_BENCH_CRASH").is_ok() {
        import::crash_rerun(&articles());
        return;
    }
    if std::env::var("DEPECHE_BENCH_BAD_LINES").is_ok() {
        import::bad_lines(&articles());
        return;
    }
    if std::env::var("DEPECHE_BENCH_IMPORT_LATENCY").is_ok() {
        import::latency_only();
        return;
    }
    if std::env::var("DEPECHE_BENCH_CADENCE").is_ok() {
        import::cadence(&articles());
        return;
    }
    if std::env::var("DEPECHE_BENCH_COMPLETE").is_ok() {
        complete::run();
        return;
    }
    if std::env::var("DEPECHE_BENCH_FLOOR").is_ok() {
        indexing_floor();
        return;
    }
    if std::env::var("DEPECHE_BENCH_ADVERSARIAL").is_ok() {
        adversarial_latency();
        return;
    }
    if std::env::var("DEPECHE_BENCH_LATENCY").is_ok() {
        latency::run();
        return;
    }
    if std::env::var("DEPECHE_BENCH_STORIES").is_ok() {
        stories::run(&articles(), &QUERIES);
        return;
    }
    if std::env::var("DEPECHE_BENCH_PROFILE").is_err() {
        first_pass();
        benches();
        Criterion::default().configure_from_args().final_summary();
        indexing_summary();
        import::run(CORPUS, &articles());
    } else {
        analyzer_speeds();
    }
    latency::run();
}
