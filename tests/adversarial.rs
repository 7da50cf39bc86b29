//! Query limits end to end: the adversarial queries of `tests/data/adversarial.rs` on a
//! generated index, each answered or refused as expected and in bounded time; 100,000 `(` on a
//! 2 MiB stack; the time budget; limits set on a request.
//!
//! The same list runs on the 100,000-article index, in release, with
//! `DEPECHE_BENCH_ADVERSARIAL=1 cargo bench --bench search`.

#[path = "data/adversarial.rs"]
mod adversarial;
#[path = "../benches/common/mod.rs"]
mod common;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use adversarial::{cases, Expect};
use depeche::index::{Article, NewsIndex};
use depeche::query::{Limit, QueryLimits};
use depeche::{Error, SearchRequest};

/// Articles in the generated index (the bench uses 100,000).
const DOCS: usize = 3_000;
/// Bound on each adversarial query here: a debug build, on a loaded 2-core CI box. In release
/// on 100,000 articles the bar is 200 ms.
const DEBUG_BOUND: Duration = Duration::from_secs(3);

/// The default limits, but a time budget for a debug build, 2 s (the default one, 100 ms, is
/// for release builds: see `time_budget_stops_and_refuses_the_search` for the budget itself).
fn debug_limits() -> QueryLimits {
    QueryLimits { time_budget: Duration::from_secs(2), ..Default::default() }
}

fn index() -> &'static NewsIndex {
    static INDEX: OnceLock<NewsIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let base: Vec<Article> = include_str!("../data/fr_news.jsonl")
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let index = NewsIndex::create_in_ram().unwrap();
        for a in common::generated(&base, DOCS) {
            index.add(&a).unwrap();
        }
        index.commit().unwrap();
        index
    })
}

fn outcome(r: &depeche::Result<depeche::SearchResponse>) -> Result<Expect, String> {
    match r {
        Ok(_) => Ok(Expect::Answered),
        Err(Error::QueryRefused { limit, .. }) => Ok(Expect::Refused(*limit)),
        Err(e) => Err(e.to_string()),
    }
}

#[test]
fn adversarial_queries_are_answered_or_refused_in_bounded_time() {
    let index = index();
    let cases = cases();
    assert!(cases.len() >= 30);
    let mut failures = Vec::new();
    for case in &cases {
        for req in [
            SearchRequest::new(case.query.clone()),
            SearchRequest::new(case.query.clone()).facets(true).sort(depeche::Sort::Newest),
        ] {
            let req = req.limits(debug_limits());
            let started = Instant::now();
            let r = index.search(&req);
            let took = started.elapsed();
            match outcome(&r) {
                Ok(got) if case.expect.admits(got) => {}
                Ok(got) => {
                    failures.push(format!("{}: {got:?}, expected {:?}", case.name, case.expect))
                }
                Err(e) => failures.push(format!("{}: unexpected error {e}", case.name)),
            }
            if took > DEBUG_BOUND {
                failures.push(format!("{}: took {took:?}", case.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn refusals_explain_themselves() {
    let index = index();
    for case in cases() {
        if let Err(e) = index.search(&SearchRequest::new(case.query.clone()).limits(debug_limits()))
        {
            let msg = e.to_string();
            assert!(msg.starts_with("query refused ("), "{}: {msg}", case.name);
            assert!(msg.contains("allowed") || msg.contains("budget"), "{}: {msg}", case.name);
            assert!(msg.len() < 200, "{}: {msg}", case.name);
        }
    }
}

/// Runs `f` on a thread with a 2 MiB stack (a common thread default) and returns its result.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(2 << 20).spawn(f).unwrap().join().unwrap()
}

#[test]
fn hundred_thousand_parentheses_are_refused_in_under_10_ms_on_a_2_mib_stack() {
    let index = index();
    let query = "(".repeat(100_000);
    // Warm the analyzers and the searcher, so that only the refusal is timed.
    index.search(&SearchRequest::new("gouvernement")).unwrap();
    for (limits, want) in [
        (QueryLimits::default(), Some(Limit::Length)),
        (QueryLimits { max_query_bytes: usize::MAX, ..Default::default() }, Some(Limit::Depth)),
    ] {
        let q = query.clone();
        let (took, got) = on_small_stack(move || {
            let started = Instant::now();
            let r = index.search(&SearchRequest::new(q).limits(limits));
            (started.elapsed(), outcome(&r))
        });
        assert_eq!(got, Ok(want.map_or(Expect::Answered, Expect::Refused)));
        assert!(took < Duration::from_millis(10), "{want:?}: {took:?}");
        eprintln!("100,000 ( on a 2 MiB stack: {want:?} in {took:?}");
    }
    // Without any limit the parser still does not overflow: it reads groups 32 deep at most.
    let got = on_small_stack(move || {
        let mixed = "(gouvernement ".repeat(20_000) + &")".repeat(20_000);
        let req = SearchRequest::new(mixed).limits(QueryLimits::unlimited());
        outcome(&index.search(&req))
    });
    assert_eq!(got, Ok(Expect::Answered));
}

#[test]
fn time_budget_stops_and_refuses_the_search() {
    let index = index();
    let spent = QueryLimits { time_budget: Duration::ZERO, ..Default::default() };
    for req in [
        SearchRequest::new("gouvernement"),
        SearchRequest::new("gouvernement").limit(0),
        SearchRequest::new("gouvernement").facets(true),
        SearchRequest::new("").sort(depeche::Sort::Oldest),
    ] {
        let r = index.search(&req.clone().limits(spent));
        assert!(
            matches!(r, Err(Error::QueryRefused { limit: Limit::TimeBudget, .. })),
            "{req:?}: {r:?}"
        );
        assert!(index.search(&req).is_ok());
    }
    let off = QueryLimits { time_budget: Duration::MAX, ..Default::default() };
    assert!(index.search(&SearchRequest::new("gouvernement").limits(off)).unwrap().total > 0);
}

#[test]
fn limits_are_set_per_request() {
    let index = index();
    let tight = QueryLimits { max_clauses: 2, ..Default::default() };
    let r = index.search(&SearchRequest::new("gouvernement ministre loi").limits(tight));
    assert!(matches!(r, Err(Error::QueryRefused { limit: Limit::Clauses, .. })), "{r:?}");
    let long = "gouvernement".repeat(200);
    let r = index.search(&SearchRequest::new(long.clone()).limits(debug_limits()));
    assert!(matches!(r, Err(Error::QueryRefused { limit: Limit::Length, .. })), "{r:?}");
    let roomy = QueryLimits { max_query_bytes: 10_000, ..debug_limits() };
    assert!(index.search(&SearchRequest::new(long).limits(roomy)).is_ok());
    // Limits are not read from JSON: a client cannot raise them.
    let req: SearchRequest =
        serde_json::from_str(r#"{"query": "x", "limits": {"max_query_bytes": 1000000}}"#).unwrap();
    assert_eq!(req.limits, QueryLimits::default());
}

#[test]
fn fewer_expansions_match_fewer_articles() {
    let index = index();
    let count = |max_expansions: usize| {
        let limits = QueryLimits { max_expansions, ..Default::default() };
        index.search(&SearchRequest::new("con*").limit(0).limits(limits)).unwrap().total
    };
    let (one, some, all) = (count(1), count(8), count(usize::MAX));
    assert!(0 < one && one < some && some <= all, "{one} {some} {all}");
    assert_eq!(count(0), 0);
}
