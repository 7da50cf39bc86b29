//! Query latency: depeche through `NewsIndex::search` (default request: count, top 10,
//! snippets) beside tantivy 0.27's stock French chain on one stored text field (`QueryParser`,
//! `Count` + `TopDocs(10)` + the 10 stored documents), on the same generated articles, timed
//! alternately (one depeche run, then one stock run, query kind after query kind) so that the
//! machine's drift touches both sides alike.
//!
//! Environment:
//!
//! - `DEPECHE_BENCH_DOCS` (default 100,000): generated articles.
//! - `DEPECHE_BENCH_INDEX_DIR`: build both indexes in this directory (`depeche/`, `stock/`) and
//!   reuse them on later runs with the same `DEPECHE_BENCH_DOCS`, instead of building them in
//!   RAM each time. The first search after opening is then measured on a freshly opened index.
//! - `DEPECHE_BENCH_MERGE=1`: after the figures as built, merge each index into one segment
//!   (tantivy's `IndexWriter::merge`) and measure again.
//! - `DEPECHE_BENCH_RUNS` (default 300): timed runs per query kind and engine.
//! - `DEPECHE_BENCH_EXHAUSTIVE=1`: also time depeche with dynamic pruning off
//!   (`SearchRequest::pruning(false)`: every match scored, as before pruning).
//! - `DEPECHE_BENCH_WITHOUT=collapse,suggest,aliases` (any of them): time depeche's request
//!   without story collapsing, « did you mean » or the entity aliases, to see what each costs.
//! - `DEPECHE_BENCH_ONLY=kind,kind`: only these query kinds.
//! - `DEPECHE_BENCH_ALSO_WITHOUT=collapse,…` (same names): also time, interleaved in the same
//!   runs, depeche's request without these features, and print the ratio of the two.

use std::hint::black_box;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use depeche::index::{Article, IndexOptions, NewsIndex};
use depeche::search::{SearchRequest, Sort};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, FuzzyTermQuery, Occur, Query, QueryParser, RangeQuery,
};
use tantivy::schema::{
    DateOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{DateTime, Index, IndexWriter, Order, Searcher, TantivyDocument, Term};

use super::common;

const BUDGET: usize = 200_000_000;

/// What a query kind asks of each engine.
struct Kind {
    name: &'static str,
    query: &'static str,
    /// The request beyond the query (filters, sort, facets).
    request: fn(SearchRequest) -> SearchRequest,
    /// How the stock index runs it; `None` when stock cannot do the same work.
    stock: Option<StockKind>,
}

#[derive(Clone, Copy)]
enum StockKind {
    /// `QueryParser` on the query text.
    Parsed,
    /// A prefix `FuzzyTermQuery` on the stemmed prefix (the text before `*`).
    Prefix,
    /// A one-edit `FuzzyTermQuery` on the stemmed word (the text before `~`, if any).
    Typo,
    /// The parsed query within 2016.
    Year2016,
    /// The parsed query (or every document for an empty query), newest first by the date
    /// fast field.
    Newest,
}

fn same(r: SearchRequest) -> SearchRequest {
    r
}

/// The request without the features `DEPECHE_BENCH_WITHOUT` names.
fn without(r: SearchRequest) -> SearchRequest {
    without_env(r, "DEPECHE_BENCH_WITHOUT")
}

/// The request without the features the variable `var` names.
fn without_env(mut r: SearchRequest, var: &str) -> SearchRequest {
    let off = std::env::var(var).unwrap_or_default();
    for feature in off.split(',').map(str::trim).filter(|f| !f.is_empty()) {
        r = match feature {
            "collapse" => r.collapse(false),
            "suggest" => r.suggest(false),
            "aliases" => r.thesaurus(std::sync::Arc::new(depeche::query::Thesaurus::empty())),
            other => panic!("{var}: unknown feature {other:?}"),
        };
    }
    r
}

fn kinds() -> Vec<Kind> {
    use StockKind::*;
    let k = |name, query, request, stock| Kind { name, query, request, stock };
    vec![
        k("frequent term", "gouvernement", same, Some(Parsed)),
        k("rare term", "cathédrale", same, Some(Parsed)),
        k("two words", "transformation numérique", same, Some(Parsed)),
        k("three words", "attentat police paris", same, Some(Parsed)),
        k("five words", "crise économique gouvernement réforme retraites", same, Some(Parsed)),
        k("question", "combien de personnes sont mortes dans l'attentat", same, Some(Parsed)),
        k("phrase", "\"premier ministre\"", same, Some(Parsed)),
        k("phrase, stop words", "\"ministère de la culture\"", same, Some(Parsed)),
        // depeche asks for the capital mark at each capitalized position; stock cannot tell
        k("case-checked phrase", "\"Le Monde\"", same, Some(Parsed)),
        k("prefix", "numéri*", same, Some(Prefix)),
        k("typo", "gouvernemnt", same, Some(Typo)),
        k("English", "prime minister election", same, Some(Parsed)),
        k(
            "date-filtered",
            "élections",
            |r| r.since("2016-01-01").until("2016-12-31"),
            Some(Year2016),
        ),
        k("newest first", "élections", |r| r.sort(Sort::Newest), Some(Newest)),
        k("with facets", "élections", |r| r.facets(true), None),
        // what else readers type
        k("OR", "retraites OR pensions", same, Some(Parsed)),
        k("exclusion", "football -coupe", same, Some(Parsed)),
        k(
            "long question",
            "quelles sont les conséquences de la crise économique sur les élections en France",
            same,
            Some(Parsed),
        ),
        k(
            "many words",
            "président gouvernement ministre élections réforme loi assemblée sénat",
            same,
            Some(Parsed),
        ),
        k("mixed FR/EN", "brexit theresa may négociations", same, Some(Parsed)),
        k("frequent pair", "président république", same, Some(Parsed)),
        k("title scope", "title:élections", same, None),
        k("browse newest", "", |r| r.sort(Sort::Newest), Some(Newest)),
        k("page 3", "gouvernement", |r| r.offset(20), None),
    ]
}

struct Stock {
    index: Index,
    text: Field,
    date: Field,
}

fn stock_schema() -> (Schema, Field, Field) {
    let mut b = Schema::builder();
    let opts = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("stock_fr")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let text = b.add_text_field("text", opts);
    let date = b.add_date_field("date", DateOptions::default().set_indexed().set_fast());
    (b.build(), text, date)
}

fn stock_wrap(index: Index) -> Stock {
    index.tokenizers().register("stock_fr", common::stock_french());
    let schema = index.schema();
    let text = schema.get_field("text").expect("text field");
    let date = schema.get_field("date").expect("date field");
    Stock { index, text, date }
}

fn stock_fill(stock: &Stock, articles: &[Article]) {
    let mut writer: IndexWriter = stock.index.writer_with_num_threads(2, BUDGET).expect("writer");
    for a in articles {
        let mut d = TantivyDocument::default();
        d.add_text(stock.text, format!("{}\n{}\n{}", a.title, a.lead, a.body));
        if let Some(Ok(t)) = a.date.as_deref().map(depeche::index::parse_date) {
            d.add_date(stock.date, DateTime::from_timestamp_secs(t.unix_timestamp()));
        }
        writer.add_document(d).expect("add");
    }
    writer.commit().expect("commit");
}

fn depeche_fill(index: &NewsIndex, articles: &[Article]) {
    for a in articles {
        index.add(a).expect("add");
    }
    index.commit().expect("commit");
}

const OPTIONS: IndexOptions = IndexOptions { memory_budget: BUDGET, threads: 2 };

/// Both indexes, in RAM or in `dir` (built there once, reused when the stamp matches `n`).
fn build(n: usize, dir: Option<&Path>) -> (NewsIndex, Stock) {
    let stamp = dir.map(|d| d.join(format!("built-{n}")));
    if let (Some(dir), Some(stamp)) = (dir, &stamp) {
        if stamp.exists() {
            println!("reusing the indexes in {}", dir.display());
            let depeche = NewsIndex::open(dir.join("depeche")).expect("open depeche index");
            let stock = stock_wrap(Index::open_in_dir(dir.join("stock")).expect("open stock"));
            return (depeche, stock);
        }
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir.join("stock")).expect("index dir");
    }
    let docs = common::generated(&super::articles(), n);
    let t = Instant::now();
    let depeche = match dir {
        Some(d) => NewsIndex::open_or_create_with(d.join("depeche"), OPTIONS),
        None => NewsIndex::create_in_ram_with(OPTIONS),
    }
    .expect("depeche index");
    depeche_fill(&depeche, &docs);
    let dt = t.elapsed();
    let t = Instant::now();
    let (schema, _, _) = stock_schema();
    let index = match dir {
        Some(d) => Index::create_in_dir(d.join("stock"), schema),
        None => Ok(Index::create_in_ram(schema)),
    }
    .expect("stock index");
    let stock = stock_wrap(index);
    stock_fill(&stock, &docs);
    let st = t.elapsed();
    println!(
        "generated {n} articles ({:.0} MB of text); indexed in {:.1} s by depeche, {:.1} s by \
         stock, 2 threads",
        super::text_bytes(&docs) as f64 / 1e6,
        dt.as_secs_f64(),
        st.as_secs_f64()
    );
    if let Some(stamp) = &stamp {
        std::fs::write(stamp, b"").expect("stamp");
    }
    (depeche, stock)
}

fn stemmed(word: &str) -> String {
    let mut a = common::stock_french();
    let mut s = a.token_stream(word);
    s.next().map(|t| t.text.clone()).unwrap_or_default()
}

fn stock_query(stock: &Stock, kind: StockKind, q: &str) -> Box<dyn Query> {
    let parser = QueryParser::for_index(&stock.index, vec![stock.text]);
    let parsed = || -> Box<dyn Query> {
        if q.trim().is_empty() {
            Box::new(AllQuery)
        } else {
            parser.parse_query_lenient(q).0
        }
    };
    match kind {
        StockKind::Parsed | StockKind::Newest => parsed(),
        StockKind::Prefix => {
            let prefix = stemmed(q.trim_end_matches('*'));
            Box::new(FuzzyTermQuery::new_prefix(
                Term::from_field_text(stock.text, &prefix),
                0,
                true,
            ))
        }
        StockKind::Typo => {
            let word = stemmed(q.split('~').next().unwrap_or(q));
            Box::new(FuzzyTermQuery::new(Term::from_field_text(stock.text, &word), 1, true))
        }
        StockKind::Year2016 => {
            let day = |s: &str| {
                let t = depeche::index::parse_date(s).expect("date").unix_timestamp();
                Term::from_field_date_for_search(stock.date, DateTime::from_timestamp_secs(t))
            };
            let range = RangeQuery::new(
                Bound::Included(day("2016-01-01")),
                Bound::Excluded(day("2017-01-01")),
            );
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, parsed()),
                (Occur::Must, Box::new(range)),
            ]))
        }
    }
}

/// One stock search: count, top 10 (by score, or newest first), the 10 stored documents.
fn stock_search(searcher: &Searcher, query: &dyn Query, kind: StockKind) -> usize {
    let addrs: Vec<tantivy::DocAddress> = match kind {
        StockKind::Newest => {
            let top = TopDocs::with_limit(10).order_by_fast_field::<DateTime>("date", Order::Desc);
            let (count, top) = searcher.search(query, &(Count, top)).expect("search");
            black_box(count);
            top.into_iter().map(|(_, a)| a).collect::<Vec<_>>()
        }
        _ => {
            let (count, top) = searcher
                .search(query, &(Count, TopDocs::with_limit(10).order_by_score()))
                .expect("search");
            black_box(count);
            top.into_iter().map(|(_, a)| a).collect()
        }
    };
    let n = addrs.len();
    for addr in addrs {
        let d: TantivyDocument = searcher.doc(addr).expect("doc");
        black_box(d);
    }
    n
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn time(f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

/// Space on disk (or in RAM) and segment count of a searcher.
fn size(searcher: &Searcher) -> (f64, usize) {
    let bytes = searcher.space_usage().map(|u| u.total().get_bytes()).unwrap_or(0);
    (bytes as f64 / 1e6, searcher.segment_readers().len())
}

/// The first search after opening each index in `dir` (a fresh `NewsIndex::open` / tantivy
/// `Index::open_in_dir`, the files in the page cache).
fn first_search(dir: &Path) {
    let t = Instant::now();
    let index = NewsIndex::open(dir.join("depeche")).expect("open");
    let open = t.elapsed();
    let t = Instant::now();
    let r = index.search(&SearchRequest::new("gouvernement"));
    let first = t.elapsed();
    let outcome = match &r {
        Ok(r) => format!("answered ({} hits{})", r.total, if r.total_exact { "" } else { "+" }),
        Err(e) => format!("{e}"),
    };
    let second = time(|| {
        let _ = black_box(index.search(&SearchRequest::new("gouvernement")));
    });
    let t = Instant::now();
    let stock = stock_wrap(Index::open_in_dir(dir.join("stock")).expect("open stock"));
    let reader = stock.index.reader().expect("reader");
    let stock_open = t.elapsed();
    let searcher = reader.searcher();
    let query = stock_query(&stock, StockKind::Parsed, "gouvernement");
    let stock_first = time(|| {
        black_box(stock_search(&searcher, query.as_ref(), StockKind::Parsed));
    });
    println!(
        "first search after opening (`gouvernement`): depeche open {:.1} ms, first search \
         {:.1} ms: {outcome}, second {:.2} ms; stock open {:.1} ms, first search {:.1} ms",
        ms(open),
        ms(first),
        ms(second),
        ms(stock_open),
        ms(stock_first)
    );
}

fn measure(depeche: &NewsIndex, stock: &Stock, runs: usize, label: &str) {
    let reader = stock.index.reader().expect("reader");
    let searcher = reader.searcher();
    let (dsize, dseg) = size(&depeche.searcher());
    let (ssize, sseg) = size(&searcher);
    println!(
        "\n{label}: depeche {dsize:.0} MB in {dseg} segments, stock {ssize:.0} MB in {sseg} \
         segments; {runs} runs per kind and engine, alternating"
    );
    if let Ok(off) = std::env::var("DEPECHE_BENCH_WITHOUT") {
        println!("depeche's requests without: {off}");
    }
    let only: Option<Vec<String>> = std::env::var("DEPECHE_BENCH_ONLY")
        .ok()
        .map(|v| v.split(',').map(|s| s.trim().to_string()).collect());
    let exhaustive = std::env::var("DEPECHE_BENCH_EXHAUSTIVE").is_ok();
    let also = std::env::var("DEPECHE_BENCH_ALSO_WITHOUT").ok();
    let kinds: Vec<Kind> = kinds()
        .into_iter()
        .filter(|k| only.as_ref().is_none_or(|o| o.iter().any(|n| n == k.name)))
        .collect();
    struct Run {
        req: SearchRequest,
        full: SearchRequest,
        alt: SearchRequest,
        stock: Option<(StockKind, Box<dyn Query>)>,
        d: Vec<Duration>,
        x: Vec<Duration>,
        a: Vec<Duration>,
        s: Vec<Duration>,
        total: String,
        stock_total: usize,
        refused: usize,
    }
    let mut table: Vec<Run> = kinds
        .iter()
        .map(|k| {
            let req = without((k.request)(SearchRequest::new(k.query)));
            let full = req.clone().pruning(false);
            let alt = without_env(req.clone(), "DEPECHE_BENCH_ALSO_WITHOUT");
            let stock = k.stock.map(|s| (s, stock_query(stock, s, k.query)));
            Run {
                req,
                full,
                alt,
                stock,
                d: Vec::new(),
                x: Vec::new(),
                a: Vec::new(),
                s: Vec::new(),
                total: String::new(),
                stock_total: 0,
                refused: 0,
            }
        })
        .collect();
    // warm-up: 3 runs of each
    for r in &mut table {
        for _ in 0..3 {
            r.total = match depeche.search(&r.req) {
                Ok(resp) => format!("{}{}", resp.total, if resp.total_exact { "" } else { "+" }),
                Err(e) => format!("refused ({e})"),
            };
            if exhaustive {
                let _ = black_box(depeche.search(&r.full));
            }
            if also.is_some() {
                let _ = black_box(depeche.search(&r.alt));
            }
            if let Some((kind, q)) = &r.stock {
                let (count, _) = searcher
                    .search(q.as_ref(), &(Count, TopDocs::with_limit(1).order_by_score()))
                    .expect("search");
                r.stock_total = count;
                black_box(stock_search(&searcher, q.as_ref(), *kind));
            }
        }
    }
    for _ in 0..runs {
        for r in &mut table {
            let mut refused = false;
            r.d.push(time(|| {
                refused = black_box(depeche.search(&r.req)).is_err();
            }));
            r.refused += usize::from(refused);
            if exhaustive {
                r.x.push(time(|| {
                    let _ = black_box(depeche.search(&r.full));
                }));
            }
            if also.is_some() {
                r.a.push(time(|| {
                    let _ = black_box(depeche.search(&r.alt));
                }));
            }
            if let Some((kind, q)) = &r.stock {
                r.s.push(time(|| {
                    black_box(stock_search(&searcher, q.as_ref(), *kind));
                }));
            }
        }
    }
    let mut extra = if exhaustive { " exhaustive p50 / p99 |" } else { "" }.to_string();
    if let Some(off) = &also {
        extra.push_str(&format!(" without {off} p50 / p99 | with / without p50 |"));
    }
    let cols = usize::from(exhaustive) + 2 * usize::from(also.is_some());
    println!("| query | depeche p50 / p99 |{extra} depeche total | stock p50 / p99 | stock total | p50 ratio |");
    println!("|---|---|{}---|---|---|---|", "---|".repeat(cols));
    let mut logs = Vec::new();
    // ln(without / stock) and ln(with / without)
    let (mut alt_logs, mut pair_logs) = (Vec::new(), Vec::new());
    let mut worst_p99 = (Duration::ZERO, "");
    for (k, r) in kinds.iter().zip(&mut table) {
        r.d.sort();
        r.x.sort();
        r.a.sort();
        r.s.sort();
        let (dp50, dp99) = (percentile(&r.d, 0.5), percentile(&r.d, 0.99));
        if dp99 > worst_p99.0 {
            worst_p99 = (dp99, k.name);
        }
        let mut ex = if exhaustive {
            format!(" {:.2} / {:.2} ms |", ms(percentile(&r.x, 0.5)), ms(percentile(&r.x, 0.99)))
        } else {
            String::new()
        };
        if also.is_some() {
            let ap50 = percentile(&r.a, 0.5);
            let pair = dp50.as_secs_f64() / ap50.as_secs_f64().max(1e-9);
            pair_logs.push(pair.ln());
            if r.stock.is_some() {
                let sp50 = percentile(&r.s, 0.5).as_secs_f64().max(1e-9);
                alt_logs.push((ap50.as_secs_f64() / sp50).ln());
            }
            ex.push_str(&format!(
                " {:.2} / {:.2} ms | {pair:.2}x |",
                ms(ap50),
                ms(percentile(&r.a, 0.99))
            ));
        }
        let (stock_cell, ratio) = if r.stock.is_some() {
            let (sp50, sp99) = (percentile(&r.s, 0.5), percentile(&r.s, 0.99));
            let ratio = dp50.as_secs_f64() / sp50.as_secs_f64().max(1e-9);
            logs.push(ratio.ln());
            (
                format!("{:.2} / {:.2} ms | {}", ms(sp50), ms(sp99), r.stock_total),
                format!("{ratio:.2}x"),
            )
        } else {
            ("— | —".to_string(), "—".to_string())
        };
        let refused = if r.refused > 0 {
            format!(" ({} of {} runs refused)", r.refused, r.d.len())
        } else {
            String::new()
        };
        println!(
            "| {}: `{}` | {:.2} / {:.2} ms |{ex} {}{refused} | {stock_cell} | {ratio} |",
            k.name,
            k.query,
            ms(dp50),
            ms(dp99),
            r.total
        );
    }
    if !logs.is_empty() {
        let geo = (logs.iter().sum::<f64>() / logs.len() as f64).exp();
        println!(
            "geometric mean of depeche p50 / stock p50 over the {} kinds stock runs: {geo:.2}x; \
             slowest depeche p99: {} at {:.2} ms",
            logs.len(),
            worst_p99.1,
            ms(worst_p99.0)
        );
    }
    if let (Some(off), false) = (&also, pair_logs.is_empty()) {
        let geo = |v: &[f64]| (v.iter().sum::<f64>() / v.len().max(1) as f64).exp();
        println!(
            "same runs without {off}: geometric mean of p50 / stock p50 {:.2}x; with / without \
             {off}, geometric mean over the {} kinds: {:.3}x",
            geo(&alt_logs),
            pair_logs.len(),
            geo(&pair_logs)
        );
    }
}

/// Merges every segment of `index` into one.
fn merge_all(index: &Index) {
    let ids = index.searchable_segment_ids().expect("segments");
    if ids.len() < 2 {
        return;
    }
    let mut writer: IndexWriter = index.writer_with_num_threads(1, BUDGET).expect("writer");
    writer.merge(&ids).wait().expect("merge");
    writer.commit().expect("commit");
    writer.wait_merging_threads().expect("merge threads");
}

/// `cargo bench --bench search` (see the module docs for the environment).
pub fn run() {
    let n: usize =
        std::env::var("DEPECHE_BENCH_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let runs: usize =
        std::env::var("DEPECHE_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(300);
    let dir: Option<PathBuf> = std::env::var_os("DEPECHE_BENCH_INDEX_DIR").map(PathBuf::from);
    let (depeche, stock) = build(n, dir.as_deref());
    println!("\nquery latency on {n} generated articles");
    let depeche = match &dir {
        Some(d) => {
            drop(depeche);
            first_search(d);
            NewsIndex::open(d.join("depeche")).expect("open")
        }
        None => depeche,
    };
    measure(&depeche, &stock, runs, "as built");
    let Some(dir) = dir.filter(|_| std::env::var("DEPECHE_BENCH_MERGE").is_ok()) else {
        return;
    };
    drop(depeche);
    let t = Instant::now();
    merge_all(&Index::open_in_dir(dir.join("depeche")).expect("open depeche"));
    let dm = t.elapsed();
    let t = Instant::now();
    merge_all(&stock.index);
    let sm = t.elapsed();
    println!(
        "\nmerged into one segment: depeche in {:.1} s, stock in {:.1} s",
        dm.as_secs_f64(),
        sm.as_secs_f64()
    );
    first_search(&dir);
    let depeche = NewsIndex::open(dir.join("depeche")).expect("open");
    let stock = stock_wrap(Index::open_in_dir(dir.join("stock")).expect("open stock"));
    measure(&depeche, &stock, runs, "merged");
}
