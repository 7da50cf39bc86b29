//! What stories cost: `DEPECHE_BENCH_STORIES=1 cargo bench --bench search`.
//!
//! 1. **Indexing** with story detection on and off ([`NewsIndex::set_story_detection`]), same
//!    articles, same process, runs interleaved (on, off, on, off…), medians: the bundled
//!    corpus and a republication set made from it (`tests/data/republish.rs`, seed 13), on 1
//!    and 2 indexing threads; and the bundled corpus added on top of an index that already
//!    holds `DEPECHE_BENCH_DOCS` generated articles committed 5,000 at a time, the case where
//!    assignment looks keys up in the segments (the generated articles are mash-ups of the
//!    bundled paragraphs: each bundled article has many partial near-duplicates there).
//! 2. **Queries** with [`SearchRequest::collapse`] on and off, interleaved, p50 and p99: the
//!    queries of the latency bench on the generated index (`DEPECHE_BENCH_DOCS` articles, no
//!    republications), then headline queries on a republication set made from generated
//!    articles, where collapsing has work to do.
//!
//! `DEPECHE_BENCH_STORIES_QUERIES=1` runs the query part alone.
//!
//! `DEPECHE_BENCH_STORIES_ONCE=on|off` indexes the bundled corpus once (1 thread) and exits:
//! run it under `valgrind --tool=callgrind` for instruction counts of each side.

#[path = "../../tests/data/republish.rs"]
mod republish;

use std::hint::black_box;
use std::time::{Duration, Instant};

use depeche::index::{Article, IndexOptions, NewsIndex};
use depeche::search::SearchRequest;

use super::common;

const BUDGET: usize = 200_000_000;

fn index(articles: &[Article], threads: usize, stories: bool) -> NewsIndex {
    let index = NewsIndex::create_in_ram_with(IndexOptions { memory_budget: BUDGET, threads })
        .expect("index");
    index.set_story_detection(stories);
    for a in articles {
        index.add(a).expect("add");
    }
    index.commit().expect("commit");
    index
}

/// `DEPECHE_BENCH_DOCS`, the generated corpus's size (100,000 by default).
fn docs() -> usize {
    std::env::var("DEPECHE_BENCH_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// `runs` interleaved timings of `a` and `b`: their medians.
fn interleaved(runs: usize, mut a: impl FnMut(), mut b: impl FnMut()) -> (Duration, Duration) {
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        a();
        ta.push(t.elapsed());
        let t = Instant::now();
        b();
        tb.push(t.elapsed());
    }
    (median(ta), median(tb))
}

fn indexing(base: &[Article]) {
    let runs = 7;
    let set: Vec<Article> = republish::generate(base, &republish::Config::default())
        .into_iter()
        .map(|l| l.article)
        .collect();
    println!("\nindexing with story detection on and off, {runs} interleaved runs each, medians");
    println!("| corpus | threads | on | off | on / off |");
    println!("|---|---|---|---|---|");
    for (name, articles) in [("bundled news", base), ("republication set (seed 13)", &set[..])] {
        for threads in [1, 2] {
            let (on, off) = interleaved(
                runs,
                || {
                    black_box(index(articles, threads, true));
                },
                || {
                    black_box(index(articles, threads, false));
                },
            );
            println!(
                "| {name}, {} articles | {threads} | {:.1} ms | {:.1} ms | {:.3} |",
                articles.len(),
                on.as_secs_f64() * 1e3,
                off.as_secs_f64() * 1e3,
                on.as_secs_f64() / off.as_secs_f64()
            );
        }
    }
    // The bundled corpus added to an index of generated articles committed 5,000 at a time
    // (tantivy merges some): the keys the filter may hold are looked up in each segment.
    let background = common::generated(base, docs());
    let grown = |stories: bool| {
        let index =
            NewsIndex::create_in_ram_with(IndexOptions { memory_budget: BUDGET, threads: 1 })
                .expect("index");
        index.set_story_detection(stories);
        for chunk in background.chunks(5_000) {
            for a in chunk {
                index.add(a).expect("add");
            }
            index.commit().expect("commit");
        }
        index
    };
    let (with, without) = (grown(true), grown(false));
    let segments = with.searcher().segment_readers().len();
    let add_all = |index: &NewsIndex| {
        for a in base {
            let mut a = a.clone();
            a.id.push_str("-again");
            index.add(&a).expect("add");
        }
        index.rollback().expect("rollback");
    };
    let (on, off) = interleaved(runs, || add_all(&with), || add_all(&without));
    println!(
        "| bundled news added to {} committed articles in {segments} segments | 1 | {:.1} ms | {:.1} ms | {:.3} |",
        background.len(),
        on.as_secs_f64() * 1e3,
        off.as_secs_f64() * 1e3,
        on.as_secs_f64() / off.as_secs_f64()
    );
    println!("story counters of the grown index: {:?}", with.story_stats());
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// p50 and p99 of `req` with collapsing on and off, interleaved.
fn compare(index: &NewsIndex, label: &str, req: &SearchRequest, runs: usize) {
    // A loaded machine must not turn a slow run into a refusal: the budget is not measured.
    let mut req = req.clone();
    req.limits.time_budget = Duration::from_secs(60);
    let on = req.clone().collapse(true);
    let off = req.collapse(false);
    let (mut ton, mut toff) = (Vec::new(), Vec::new());
    let mut similar = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let r = index.search(&on).expect("search");
        ton.push(t.elapsed());
        similar = r.hits.iter().map(|h| h.similar.len()).sum::<usize>();
        let t = Instant::now();
        black_box(index.search(&off).expect("search"));
        toff.push(t.elapsed());
    }
    ton.sort();
    toff.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let (a, b) = (percentile(&ton, 0.5), percentile(&toff, 0.5));
    println!(
        "| {label} | {similar} | {:.2} / {:.2} ms | {:.2} / {:.2} ms | {:.3} |",
        ms(a),
        ms(percentile(&ton, 0.99)),
        ms(b),
        ms(percentile(&toff, 0.99)),
        a.as_secs_f64() / b.as_secs_f64()
    );
}

fn latency(base: &[Article], queries: &[(&str, &str)]) {
    let n = docs();
    let runs = 300;
    let docs = common::generated(base, n);
    let plain = index(&docs, 2, true);
    println!("\nquery latency with collapsing on and off, {runs} interleaved runs each (full search API: count, 10 hits, snippets)");
    println!("| index, query | versions listed | on p50 / p99 | off p50 / p99 | p50 on / off |");
    println!("|---|---|---|---|---|");
    for (kind, q) in queries {
        let mut req = SearchRequest::new(*q);
        if *kind == "filtered" {
            req = req.since("2016-01-01").until("2016-12-31");
        }
        compare(&plain, &format!("{n} generated, {kind}: {q}"), &req, runs);
    }
    drop(plain);
    // Republications of generated articles: 40% of them with 1 to 5 other versions.
    let originals = &docs[..n / 4];
    let set = republish::generate(
        originals,
        &republish::Config { template_stories: 0, ..Default::default() },
    );
    let articles: Vec<Article> = set.iter().map(|l| l.article.clone()).collect();
    let republished = index(&articles, 2, true);
    let mut shown = 0;
    for l in set.iter().filter(|l| l.kind == "base") {
        if set.iter().filter(|v| v.story == l.story).count() < 3 || shown == 4 {
            continue;
        }
        shown += 1;
        let title: String = l.article.title.chars().take(60).collect();
        compare(
            &republished,
            &format!("{} with republications, headline: {title}", articles.len()),
            &SearchRequest::new(title.clone()),
            runs,
        );
    }
    for (kind, q) in queries.iter().take(2) {
        compare(
            &republished,
            &format!("{} with republications, {kind}: {q}", articles.len()),
            &SearchRequest::new(*q),
            runs,
        );
    }
}

/// `DEPECHE_BENCH_STORIES=1`: every table above.
pub fn run(base: &[Article], queries: &[(&str, &str)]) {
    if let Ok(side) = std::env::var("DEPECHE_BENCH_STORIES_ONCE") {
        let t = Instant::now();
        black_box(index(base, 1, side != "off"));
        println!("indexed once with stories {side}: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
        return;
    }
    // `DEPECHE_BENCH_STORIES_QUERIES=1`: the query part alone
    if std::env::var("DEPECHE_BENCH_STORIES_QUERIES").is_err() {
        indexing(base);
    }
    latency(base, queries);
}
