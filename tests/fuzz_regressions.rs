//! The fuzz targets' checks (see `fuzz/`), run with plain `cargo test` on the committed seed
//! corpus (`fuzz/corpus/<target>/`) and on every input the fuzzers found to crash, each a
//! named test below.

use std::path::Path;
use std::sync::LazyLock;

use depeche::analysis::{detect, exact_analyzer, fold, indexing_analyzer, MAX_TERM_BYTES};
use depeche::index::{Article, NewsIndex};
use depeche::query::{parse, parse_limited, QueryBuilder, QueryLimits};
use depeche::search::SearchRequest;
use depeche::{analyzer, detect_language, Error, Lang};

/// The `analyzer` target's checks on `data`.
fn check_analysis(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    for (name, mut analyzer) in [
        ("fr", analyzer(Lang::French)),
        ("en", analyzer(Lang::English)),
        ("exact", exact_analyzer()),
        ("fr indexing", indexing_analyzer(Lang::French)),
        ("en indexing", indexing_analyzer(Lang::English)),
    ] {
        let mut stream = analyzer.token_stream(text);
        let mut last = None;
        while let Some(t) = stream.next() {
            assert!(t.offset_from <= t.offset_to && t.offset_to <= text.len(), "{name}: {t:?}");
            assert!(text.is_char_boundary(t.offset_from) && text.is_char_boundary(t.offset_to));
            assert!(last.is_none_or(|l| t.position >= l), "{name}: position went back: {t:?}");
            last = Some(t.position);
            assert!(!t.text.is_empty() && t.text.len() <= MAX_TERM_BYTES, "{name}: {t:?}");
        }
    }
    let d = detect(text);
    assert!((0.0..=1.0).contains(&d.confidence), "{d:?}");
    assert!(d.french_score >= 0.0 && d.english_score >= 0.0, "{d:?}");
    assert_eq!(detect_language(text), d.lang);
    let _ = fold(text);
}

static INDEX: LazyLock<NewsIndex> = LazyLock::new(|| {
    let index = NewsIndex::create_in_ram().unwrap();
    for (id, lang, title, body) in [
        ("1", Lang::French, "Réforme des retraites", "Le ministère de la Culture l’a annoncé."),
        ("2", Lang::English, "The deal was signed", "The U.N. Security Council's vote."),
    ] {
        let a = Article {
            id: id.into(),
            title: title.into(),
            body: body.into(),
            date: Some("2016-03-01".into()),
            lang: Some(lang),
            source: Some("Reuters".into()),
            tags: vec!["news".into()],
            ..Default::default()
        };
        index.add(&a).unwrap();
    }
    index.commit().unwrap();
    index
});

/// The `query` target's checks on `data`.
fn check_query(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    let index = &*INDEX;
    let limits = QueryLimits::default();
    let parsed = parse(text);
    let checked = limits.check_text(text).and_then(|()| limits.check_parsed(&parsed));
    let req = SearchRequest::new(text).facets(true);
    match checked {
        Ok(()) => {}
        Err(Error::QueryRefused { limit, .. }) => match index.search(&req) {
            Err(Error::QueryRefused { limit: l, .. }) if l == limit => return,
            other => panic!("{limit:?} refused by the checks, search gave {other:?}"),
        },
        Err(e) => panic!("the checks can only refuse: {e}"),
    }
    assert_eq!(parse_limited(text, &limits).ok().as_ref(), Some(&parsed));
    let mut builder = QueryBuilder::new(index.schema()).with_searcher(index.searcher());
    let _ = builder.build(&parsed, None, detect_language(text));
    let _ = builder.build(&parsed, Some(Lang::French), Some(Lang::French));
    let _ = builder.build(&parsed, Some(Lang::English), None);
    let response = index.search(&req).unwrap();
    assert!(response.total <= 2);
    // As the target does for some inputs: explanations, and the all-words tier on every query.
    let mut req = req.explain(true);
    req.ranking.all_words_first = true;
    for hit in index.search(&req).unwrap().hits {
        let e = hit.explanation.expect("explanation asked for");
        assert!(!e.to_string().contains("no explanation"), "{e}");
    }
}

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "empty seed corpus {}", dir.display());
    files.into_iter().map(|p| std::fs::read(p).unwrap()).collect()
}

#[test]
fn analyzer_seed_corpus() {
    for data in corpus("analyzer") {
        check_analysis(&data);
    }
}

#[test]
fn query_seed_corpus() {
    for data in corpus("query") {
        check_query(&data);
    }
}
