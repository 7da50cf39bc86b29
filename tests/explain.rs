//! Score explanations: the API (`SearchRequest::explain`) and the example's `--explain` flag.

use depeche::index::{Article, NewsIndex};
use depeche::query::Ranking;
use depeche::search::{SearchRequest, SearchResponse};

#[allow(dead_code)]
#[path = "../examples/search.rs"]
mod cli;

fn article(id: &str, title: &str, body: &str, date: &str) -> Article {
    Article {
        id: id.into(),
        title: title.into(),
        body: body.into(),
        date: Some(date.into()),
        ..Default::default()
    }
}

fn index() -> NewsIndex {
    let index = NewsIndex::create_in_ram().unwrap();
    for a in [
        article("title", "Inondations dans le Sud", "Les pompiers sont intervenus.", "2016-04-01"),
        article(
            "body",
            "Météo du week-end",
            "Des pluies fortes, mais aucune alerte aux inondations dans le Sud.",
            "2016-04-02",
        ),
        article("en", "Floods in the South", "Firefighters worked all night.", "2016-04-03"),
    ] {
        index.add(&a).unwrap();
    }
    index.commit().unwrap();
    index
}

fn explained(index: &NewsIndex, req: SearchRequest) -> SearchResponse {
    let r = index.search(&req.explain(true)).unwrap();
    assert!(!r.hits.is_empty(), "no hit");
    r
}

#[test]
fn explanation_names_terms_fields_and_boosts() {
    let index = index();
    let r = explained(&index, SearchRequest::new("inondations sud"));
    let top = &r.hits[0];
    assert_eq!(top.id, "title");
    let e = top.explanation.as_ref().expect("explanation asked for");
    assert!((e.score - top.score).abs() < 1e-4, "{e}");
    assert!((e.query.value - top.score).abs() < 1e-3, "query tree adds up to the score: {e}");
    let text = e.to_string();
    for part in ["BM25F «inond»", "title_fr: tf 1", "idf", "exact-form boost", "proximity boost"]
    {
        assert!(text.contains(part), "missing {part:?} in\n{text}");
    }
    assert_eq!(e.recency, None);
    assert_eq!(e.all_words, Some(true), "two words: all-words tier by default");
    // The body-only hit has no title part.
    let body = r.hits.iter().find(|h| h.id == "body").unwrap();
    let text = body.explanation.as_ref().unwrap().to_string();
    assert!(text.contains("body_fr: tf 1") && !text.contains("title_fr"), "{text}");
}

#[test]
fn explanation_shows_recency_and_tier() {
    let index = index();
    let mut req = SearchRequest::new("inondations pompiers").recency_half_life_days(365.0);
    req.ranking = Ranking { all_words_first: true, ..Ranking::default() };
    let r = explained(&index, req);
    let e = r.hits[0].explanation.as_ref().unwrap();
    assert_eq!(r.hits[0].id, "title");
    assert_eq!(e.all_words, Some(true));
    let recency = e.recency.expect("recency factor");
    assert!(recency > 1.0 && recency <= 2.0, "{recency}");
    assert!((e.query.value * recency - e.score).abs() < 1e-3 * e.score, "{e}");
    assert!(e.to_string().contains("tier: all words"), "{e}");
    let other = r.hits.iter().find(|h| h.id == "body").unwrap();
    assert_eq!(other.explanation.as_ref().unwrap().all_words, Some(false));
}

#[test]
fn explanation_is_serialized_only_when_asked() {
    let index = index();
    let r = index.search(&SearchRequest::new("inondations")).unwrap();
    assert!(r.hits.iter().all(|h| h.explanation.is_none()));
    let json = serde_json::to_value(&r.hits[0]).unwrap();
    assert!(json.get("explanation").is_none());
    let r = explained(&index, SearchRequest::new("inondations"));
    let json = serde_json::to_value(&r.hits[0]).unwrap();
    assert!(json["explanation"]["query"]["details"].is_array(), "{json}");
}

#[test]
fn odd_queries_explain_without_error() {
    let index = index();
    for q in
        ["", "\"dans le sud\"", "inond*", "inondatons", "-pompiers", "floods OR pluies", "sud~1"]
    {
        let r = index.search(&SearchRequest::new(q).explain(true)).unwrap();
        for h in &r.hits {
            let e = h.explanation.as_ref().unwrap();
            assert!(!e.to_string().contains("no explanation"), "{q:?}: {e}");
        }
    }
}

fn run(args: &[&str]) -> String {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let mut out = Vec::new();
    cli::run(&args, &mut out, false).map_err(|e| e.message).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn example_explain_flag() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx");
    let idx = idx.to_str().unwrap();
    let file = dir.path().join("news.jsonl");
    let lines: Vec<String> = [
        article("title", "Inondations dans le Sud", "Les pompiers sont intervenus.", "2016-04-01"),
        article("body", "Météo", "Alerte aux inondations.", "2016-04-02"),
    ]
    .iter()
    .map(|a| serde_json::to_string(a).unwrap())
    .collect();
    std::fs::write(&file, lines.join("\n")).unwrap();
    run(&["--index", idx, "--add", file.to_str().unwrap()]);

    let out = run(&["--index", idx, "--explain", "inondations"]);
    assert!(out.contains("   | score "), "{out}");
    assert!(out.contains("BM25F «inond»"), "{out}");
    let plain = run(&["--index", idx, "inondations"]);
    assert!(!plain.contains("BM25F"), "{plain}");

    let out = run(&["--index", idx, "--json", "--explain", "inondations"]);
    for line in out.lines() {
        let hit: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(hit["explanation"]["score"].is_number(), "{line}");
    }
    let help = run(&["--help"]);
    assert!(help.contains("--explain"), "{help}");
}

#[test]
fn any_ranking_knobs_give_finite_scores() {
    let index = index();
    let mut odd = Vec::new();
    for v in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, -1.0, 0.0, 1e9] {
        let mut r = Ranking { k1: v, b: v, ..Default::default() };
        r.boosts.title = v;
        r.boosts.body = v;
        r.boosts.exact = v;
        r.boosts.proximity = v;
        odd.push(r);
    }
    for ranking in odd {
        for q in ["inondations sud", "\"dans le sud\"", "inond*", "floods"] {
            let mut req = SearchRequest::new(q).explain(true);
            req.ranking = ranking.clone();
            let r = index.search(&req).unwrap();
            for h in &r.hits {
                assert!(h.score.is_finite() && h.score >= 0.0, "{q:?} {ranking:?}: {}", h.score);
            }
        }
    }
}

fn shared_index() -> &'static NewsIndex {
    static INDEX: std::sync::OnceLock<NewsIndex> = std::sync::OnceLock::new();
    INDEX.get_or_init(index)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Whatever a reader types, every hit is explained and the explanation adds up to its score.
    #[test]
    fn any_query_is_explained(q in "([-+()\"*~: ]|OR|title:|2016|l'|le|sud|inondations|pompiers|floods|[a-zé]{1,8}){0,10}") {
        let r = shared_index().search(&SearchRequest::new(q.clone()).explain(true));
        proptest::prop_assert!(r.is_ok(), "query {:?}: {:?}", q, r);
        for h in r.unwrap().hits {
            let e = h.explanation.expect("explanation asked for");
            proptest::prop_assert!(!e.query.description.contains("no explanation"), "{:?}: {}", q, e);
            proptest::prop_assert!((e.query.value - h.score).abs() <= 1e-3 * h.score.max(1.0), "{:?}: {} vs {}", q, h.score, e);
        }
    }
}
