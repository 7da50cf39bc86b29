//! Very large articles: indexed within the memory budget, or refused with a clear reason.
//!
//! An article may hold `NewsIndex::max_article_bytes()` of text (the memory budget of one
//! indexing thread / 16: 4 MB with the 64 MB, one-thread budget used here; 32 MB with the
//! default 512 MB a thread). A larger one is refused; a JSON line too long to hold such an article
//! is skipped without being read into memory. Memory is the peak resident size of this
//! process (`VmHWM`, reset before each step) minus its resident size before the step, so the
//! steps run one after the other in one test.

mod common;

use std::time::Instant;

use common::{article, jsonl, peak_rss, reset_peak_rss, rss, Rng};
use depeche::index::{Article, IndexOptions, NewsIndex, Progress};

/// The budget of the first test: a 50 MB line is too long to read.
const BUDGET: usize = 64_000_000;
use depeche::search::SearchRequest;

/// An article of `bytes` bytes of text (title, tag and a body of generated French text
/// ending with a rare word).
fn long_article(id: &str, bytes: usize) -> Article {
    let mut rng = Rng(50);
    let mut a = article(id, "longueur", 10, &mut rng);
    let bytes = bytes - a.title.len() - a.tags.iter().map(String::len).sum::<usize>();
    let filler = article("x", "remplissage", 2000, &mut rng).body;
    let mut body = String::with_capacity(bytes);
    while body.len() + filler.len() + 1 < bytes - 30 {
        body.push_str(&filler);
        body.push('\n');
    }
    body.push_str(" anticonstitutionnellement");
    while body.len() < bytes {
        body.push(' ');
    }
    a.body = body;
    a
}

/// Runs `f`; returns its result, the seconds it took and the memory it added at its peak.
fn measure<T>(f: impl FnOnce() -> T) -> (T, f64, u64) {
    assert!(reset_peak_rss() || !cfg!(target_os = "linux"), "cannot reset VmHWM");
    let before = rss();
    let started = Instant::now();
    let out = f();
    let secs = started.elapsed().as_secs_f64();
    let growth = peak_rss().zip(before).map_or(0, |(peak, before)| peak.saturating_sub(before));
    (out, secs, growth)
}

const MB: u64 = 1_000_000;

#[test]
fn large_articles_are_indexed_within_the_budget_or_refused() {
    let options = IndexOptions { memory_budget: BUDGET, threads: 1 };
    let index = NewsIndex::create_in_ram_with(options).unwrap();
    let max = index.max_article_bytes();
    assert_eq!(max as u64, BUDGET as u64 / 16);
    let small = article("apres", "court", 20, &mut Rng(1));

    // A 50 MB body: its line is skipped as soon as it is too long, the next line is indexed.
    let huge = jsonl(&[long_article("enorme", 50_000_000), small.clone()]);
    let (report, secs, growth) =
        measure(|| index.import_jsonl(&huge[..], None, Progress::Hidden).unwrap());
    drop(huge);
    assert_eq!(report.indexed, 1, "{report}");
    assert_eq!(report.refused.len(), 1, "{report}");
    assert_eq!(report.refused[0].line, 1);
    assert!(report.refused[0].reason.contains("line longer than"), "{report}");
    assert!(growth < BUDGET as u64, "refusing took {growth} bytes");
    println!("50 MB body refused in {secs:.2} s, peak memory +{} MB: {report}", growth / MB);

    // Just over the limit: refused, with the size and the limit in the reason.
    let over = jsonl(&[long_article("trop", max + 1)]);
    let report = index.import_jsonl(&over[..], None, Progress::Hidden).unwrap();
    assert_eq!(report.refused.len(), 1, "{report}");
    let reason = &report.refused[0].reason;
    assert!(reason.contains(&format!("more than the {max}")), "{reason}");

    // At the limit: indexed, searchable, within the memory budget.
    let at_max = jsonl(&[long_article("max", max)]);
    let (report, secs, growth) =
        measure(|| index.import_jsonl(&at_max[..], None, Progress::Hidden).unwrap());
    assert_eq!((report.indexed, report.refused.len()), (1, 0), "{report}");
    let hits = index.search(&SearchRequest::new("anticonstitutionnellement")).unwrap();
    assert_eq!(hits.total, 1);
    assert!(
        growth < BUDGET as u64,
        "a {max}-byte article took {growth} bytes to index, more than the budget"
    );
    println!(
        "{} MB body (the limit) indexed in {secs:.1} s, peak memory +{} MB (budget {} MB)",
        max as u64 / MB,
        growth / MB,
        BUDGET as u64 / MB
    );
}

#[test]
#[ignore = "50 MB through the analyzer: about 2 minutes in a debug build; run with --ignored"]
fn a_50_mb_body_is_indexed_with_a_budget_that_allows_it() {
    let options = IndexOptions { memory_budget: 1_000_000_000, threads: 1 };
    let index = NewsIndex::create_in_ram_with(options).unwrap();
    assert!(index.max_article_bytes() >= 50_000_000);
    let line = jsonl(&[long_article("enorme", 50_000_000)]);
    let (report, secs, growth) =
        measure(|| index.import_jsonl(&line[..], None, Progress::Hidden).unwrap());
    assert_eq!((report.indexed, report.refused.len()), (1, 0), "{report}");
    let hits = index.search(&SearchRequest::new("anticonstitutionnellement")).unwrap();
    assert_eq!(hits.total, 1);
    assert!(growth < options.memory_budget as u64, "{growth} bytes");
    println!(
        "50 MB body indexed in {secs:.1} s, peak memory +{} MB (budget {} MB)",
        growth / MB,
        options.memory_budget as u64 / MB
    );
}
