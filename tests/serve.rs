//! The search page's server (`examples/serve.rs`): the JSON API without a browser (shapes,
//! filters, every 4xx, the bounds on work, a panic that does not stop the server), then the
//! page itself in headless Chromium (`serve/browser.rs`).

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use depeche::index::{Article, NewsIndex};
use depeche::Lang;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

#[allow(dead_code)]
#[path = "../examples/serve.rs"]
mod serve;

#[path = "serve/browser.rs"]
mod browser;

use serve::api::{self, AppState, Bounds};

fn article(id: &str, title: &str, body: &str, date: &str, source: &str, section: &str) -> Article {
    Article {
        id: id.into(),
        title: title.into(),
        body: body.into(),
        date: Some(date.into()),
        source: Some(source.into()),
        section: Some(section.into()),
        url: Some(format!("https://example.org/{id}")),
        ..Default::default()
    }
}

/// Five articles: two sources, three sections, two languages, four years.
fn sample_index() -> NewsIndex {
    let index = NewsIndex::create_in_ram().unwrap();
    let mut en = article(
        "en-1",
        "Presidential election in France",
        "French voters chose their president in the second round of the election.",
        "2017-05-08",
        "Wire C",
        "World",
    );
    en.lang = Some(Lang::English);
    for a in [
        article(
            "fr-1",
            "Élection présidentielle : le second tour",
            "Les électeurs ont choisi le président de la République au second tour de l’élection.",
            "2017-05-07",
            "Agence A",
            "Politique",
        ),
        article(
            "fr-2",
            "La sécurité sociale en débat",
            "Le gouvernement présente son budget de la sécurité sociale à l’Assemblée.",
            "2016-03-01",
            "Agence B",
            "Société",
        ),
        article(
            "fr-3",
            "Réforme des retraites : la grève continue",
            "Les syndicats appellent à la grève contre la réforme des retraites du gouvernement.",
            "2018-01-15",
            "Agence A",
            "Économie",
        ),
        article(
            "fr-4",
            "Élections régionales : les résultats",
            "Les électeurs ont voté dans toutes les régions ; l’élection a vu une forte abstention.",
            "2015-12-13",
            "Agence B",
            "Politique",
        ),
        en,
    ] {
        index.add(&a).unwrap();
    }
    index.commit().unwrap();
    index
}

fn app_with(bounds: Bounds) -> (axum::Router, AppState) {
    let state = AppState::new(sample_index(), bounds);
    (api::app(state.clone()), state)
}

/// GET `target` on `app`: status, content type, and the body (JSON when it is JSON).
async fn get(app: &axum::Router, target: &str) -> (StatusCode, String, Value) {
    let req = Request::builder().uri(target).body(Body::empty()).unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let ctype = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap();
    let json = if ctype.starts_with("application/json") {
        serde_json::from_slice(&bytes).unwrap()
    } else {
        Value::String(String::from_utf8(bytes.to_vec()).unwrap())
    };
    (status, ctype, json)
}

fn ids(r: &Value) -> Vec<&str> {
    r["hits"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn search_answers_the_library_response_with_snippet_ranges_and_facets() {
    let (app, _) = app_with(Bounds::default());
    let (status, ctype, r) = get(&app, "/api/search?q=election&facets=1").await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(ctype, "application/json");
    assert_eq!(r["total"], 3, "unaccented `election` finds the three election articles: {r}");
    assert!(r["took_ms"].is_number() && r["warnings"].is_array(), "{r}");
    let hit = &r["hits"][0];
    for key in ["id", "score", "title", "url", "date", "source", "section", "lang", "snippet"] {
        assert!(hit.get(key).is_some(), "hit without {key}: {hit}");
    }
    // The highlights are byte ranges of the snippet's text, on the accented original.
    let snippet = &hit["snippet"];
    let text = snippet["text"].as_str().unwrap();
    let ranges = snippet["highlights"].as_array().unwrap();
    assert!(!ranges.is_empty(), "{snippet}");
    for range in ranges {
        let (s, e) = (range["start"].as_u64().unwrap(), range["end"].as_u64().unwrap());
        let word = &text[s as usize..e as usize];
        assert!(word.to_lowercase().contains("lect"), "highlight {word:?} in {text:?}");
    }
    let facets = &r["facets"];
    for group in ["source", "section", "lang", "year", "tag"] {
        assert!(facets[group].is_array(), "facets.{group} missing: {facets}");
    }
    let count = |group: &str, value: &str| {
        facets[group]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["value"] == value)
            .map(|f| f["count"].clone())
    };
    assert_eq!(count("lang", "en"), Some(1.into()), "{facets}");
    assert_eq!(count("year", "2017"), Some(2.into()), "{facets}");
    assert_eq!(count("section", "Politique"), Some(2.into()), "{facets}");
}

#[tokio::test]
async fn each_filter_narrows_to_its_facet_count() {
    let (app, _) = app_with(Bounds::default());
    // (query string, expected ids in any order)
    let cases: &[(&str, &[&str])] = &[
        ("q=election&source=Agence+A", &["fr-1"]),
        ("q=election&source=Agence+A&source=Wire+C", &["fr-1", "en-1"]),
        ("q=election&section=Politique", &["fr-1", "fr-4"]),
        ("q=election&lang=en", &["en-1"]),
        ("q=election&since=2017&until=2017", &["fr-1", "en-1"]),
        ("q=election&until=2016-12-31", &["fr-4"]),
        ("q=gouvernement&since=2017-01", &["fr-3"]),
        ("q=&section=%C3%89conomie", &["fr-3"]),
        ("q=election&lang=&since=&sort=&source=", &["fr-1", "fr-4", "en-1"]),
    ];
    for (qs, want) in cases {
        let (status, _, r) = get(&app, &format!("/api/search?{qs}")).await;
        assert_eq!(status, StatusCode::OK, "{qs}: {r}");
        let mut got = ids(&r);
        got.sort();
        let mut want = want.to_vec();
        want.sort();
        assert_eq!(got, want, "{qs}");
        assert_eq!(r["total"], want.len(), "{qs}");
    }
}

#[tokio::test]
async fn sort_offset_and_limit_page_through_the_hits() {
    let (app, _) = app_with(Bounds::default());
    let (_, _, newest) = get(&app, "/api/search?q=&sort=newest&limit=5").await;
    assert_eq!(ids(&newest), ["fr-3", "en-1", "fr-1", "fr-2", "fr-4"]);
    let (_, _, oldest) = get(&app, "/api/search?sort=oldest&limit=2&offset=1").await;
    assert_eq!(ids(&oldest), ["fr-2", "fr-1"]);
    assert_eq!(oldest["total"], 5);
    let (_, _, counts) = get(&app, "/api/search?q=election&limit=0").await;
    assert_eq!((counts["total"].clone(), ids(&counts).len()), (3.into(), 0));
}

#[tokio::test]
async fn bad_requests_answer_400_naming_the_problem() {
    let (app, _) = app_with(Bounds::default());
    let long = "mot ".repeat(600);
    let many = "mot ".repeat(40);
    let deep = format!("{}x{}", "(".repeat(20), ")".repeat(20));
    // (query string, kind, param, limit, words the message must contain)
    let cases: Vec<(String, &str, &str, Option<&str>, &str)> = vec![
        ("sort=best".into(), "invalid_request", "sort", None, "unknown sort \"best\""),
        ("since=hier".into(), "invalid_date", "since", None, "\"hier\""),
        ("until=2016-13-45".into(), "invalid_date", "until", None, "2016-13-45"),
        ("lang=xx".into(), "invalid_request", "lang", None, "xx"),
        ("limit=ten".into(), "invalid_request", "limit", None, "not a whole number"),
        ("limit=101".into(), "invalid_request", "limit", None, "over the 100"),
        ("offset=-1".into(), "invalid_request", "offset", None, "not a whole number"),
        ("offset=100001".into(), "invalid_request", "offset", None, "over the 100000"),
        ("facets=maybe".into(), "invalid_request", "facets", None, "\"maybe\""),
        ("page=2".into(), "invalid_request", "page", None, "unknown parameter \"page\""),
        ("q=a&q=b".into(), "invalid_request", "q", None, "given twice"),
        (
            format!("q={}", long.replace(' ', "+")),
            "query_refused",
            "q",
            Some("max_query_bytes"),
            "bytes",
        ),
        (
            format!("q={}", many.replace(' ', "+")),
            "query_refused",
            "q",
            Some("max_clauses"),
            "40 clauses",
        ),
        (format!("q={deep}"), "query_refused", "q", Some("max_depth"), "nest"),
    ];
    for (qs, kind, param, limit, words) in cases {
        let (status, ctype, r) = get(&app, &format!("/api/search?{qs}")).await;
        let what = &qs[..qs.len().min(40)];
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {r}");
        assert_eq!(ctype, "application/json", "{what}");
        assert_eq!(r["kind"], kind, "{what}: {r}");
        assert_eq!(r["param"], param, "{what}: {r}");
        assert_eq!(r["limit"].as_str(), limit, "{what}: {r}");
        let message = r["error"].as_str().unwrap();
        assert!(message.contains(words), "{what}: {message:?} should say {words:?}");
    }
}

#[tokio::test]
async fn complete_answers_the_indexed_words_of_the_prefix_with_accents_restored() {
    let (app, _) = app_with(Bounds::default());
    let (status, ctype, r) = get(&app, "/api/complete?q=la+securite+soc").await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(ctype, "application/json");
    assert_eq!(r["q"], "la securite soc");
    let completions: Vec<&str> =
        r["completions"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    assert_eq!(completions, ["la securite sociale"], "{r}");
    let (_, _, r) = get(&app, "/api/complete?q=elec&limit=1").await;
    let first = r["completions"][0].as_str().unwrap();
    assert!(first.starts_with("élect"), "{r}");
    assert_eq!(r["completions"].as_array().unwrap().len(), 1, "{r}");
    // Nothing being typed: no completion, no error.
    let (status, _, r) = get(&app, "/api/complete?q=").await;
    assert_eq!((status, r["completions"].as_array().unwrap().len()), (StatusCode::OK, 0));
}

#[tokio::test]
async fn related_answers_other_stories_and_400_for_an_unknown_id() {
    let (app, _) = app_with(Bounds::default());
    let (status, _, r) = get(&app, "/api/related/fr-1").await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["id"], "fr-1");
    let related = ids(&r);
    assert!(!related.contains(&"fr-1"), "an article is not related to itself: {r}");
    assert!(r["hits"].as_array().unwrap().iter().all(|h| h["title"].is_string()), "{r}");
    let (status, _, r) = get(&app, "/api/related/nope").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{r}");
    assert!(r["error"].as_str().unwrap().contains("nope"), "{r}");
}

#[tokio::test]
async fn complete_and_related_refuse_bad_parameters() {
    let (app, _) = app_with(Bounds::default());
    let long = "a".repeat(3000);
    let cases = [
        ("/api/complete?q=elec&limit=ten".to_string(), "limit", "not a whole number"),
        ("/api/complete?q=elec&limit=1000".to_string(), "limit", "over the"),
        ("/api/complete?q=elec&sort=newest".to_string(), "sort", "unknown parameter"),
        (format!("/api/complete?q={long}"), "q", "bytes"),
        ("/api/related/fr-1?limit=101".to_string(), "limit", "over the 100"),
        ("/api/related/fr-1?limit=2&limit=3".to_string(), "limit", "given twice"),
    ];
    for (target, param, words) in cases {
        let (status, _, r) = get(&app, &target).await;
        let what = &target[..target.len().min(50)];
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {r}");
        assert_eq!(r["param"], param, "{what}: {r}");
        assert!(r["error"].as_str().unwrap().contains(words), "{what}: {r}");
    }
}

#[tokio::test]
async fn collapse_0_lists_every_version() {
    let (app, _) = app_with(Bounds::default());
    for qs in ["q=election", "q=election&collapse=0", "q=election&collapse=1"] {
        let (status, _, r) = get(&app, &format!("/api/search?{qs}")).await;
        assert_eq!(status, StatusCode::OK, "{qs}: {r}");
    }
    let (status, _, r) = get(&app, "/api/search?q=election&collapse=maybe").await;
    assert_eq!((status, r["param"].as_str()), (StatusCode::BAD_REQUEST, Some("collapse")));
}

#[tokio::test]
async fn other_paths_methods_and_long_urls_get_json_errors() {
    let (app, _) = app_with(Bounds::default());
    let (status, _, r) = get(&app, "/api/nothing").await;
    assert_eq!((status, r["kind"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{r}");
    let long = format!("/api/search?q={}", "a".repeat(api::MAX_URI_BYTES));
    let (status, _, r) = get(&app, &long).await;
    assert_eq!(
        (status, r["kind"].as_str()),
        (StatusCode::URI_TOO_LONG, Some("uri_too_long")),
        "{r}"
    );
    let req = Request::builder().method("POST").uri("/api/search").body(Body::empty()).unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    let (_, _, routes) = get(&app, "/api").await;
    assert_eq!(routes["routes"][0], "/api/search", "{routes}");
}

#[tokio::test]
async fn the_page_and_its_files_are_served_with_a_strict_policy() {
    let (app, _) = app_with(Bounds::default());
    for (path, ctype, needle) in [
        ("/", "text/html; charset=utf-8", "<script src=\"/page.js\" defer></script>"),
        ("/page.js", "text/javascript; charset=utf-8", "/api/search"),
        ("/page.css", "text/css; charset=utf-8", "mark"),
    ] {
        let req = Request::builder().uri(path).body(Body::empty()).unwrap();
        let res = app.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let h = res.headers();
        assert_eq!(h["content-type"], ctype, "{path}");
        assert!(h["content-security-policy"].to_str().unwrap().contains("script-src 'self'"));
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        let body = axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap();
        let body = String::from_utf8(body.to_vec()).unwrap();
        assert!(body.contains(needle), "{path} lacks {needle:?}");
        // Nothing from elsewhere: no CDN, no external font.
        assert!(
            !body.contains("http://") && !body.contains("https://"),
            "{path} loads from outside"
        );
    }
    let js = include_str!("../examples/serve/page/page.js");
    assert!(
        !js.contains("innerHTML")
            && !js.contains("outerHTML")
            && !js.contains("insertAdjacentHTML")
    );
}

#[tokio::test]
async fn a_panicking_search_answers_500_and_the_next_search_runs() {
    let bounds =
        Bounds { max_concurrent: 1, queue_wait: Duration::from_millis(500), ..Bounds::default() };
    let (app, state) = app_with(bounds);
    let err =
        state.run(|_| -> depeche::Result<()> { panic!("boom in a search") }).await.unwrap_err();
    assert_eq!((err.status, err.kind), (StatusCode::INTERNAL_SERVER_ERROR, "internal"));
    assert!(err.message.contains("boom in a search"), "{}", err.message);
    // The one slot came back: the next search runs.
    let (status, _, r) = get(&app, "/api/search?q=election").await;
    assert_eq!((status, r["total"].clone()), (StatusCode::OK, 3.into()), "{r}");
}

#[tokio::test]
async fn no_free_slot_answers_503_busy() {
    let bounds =
        Bounds { max_concurrent: 0, queue_wait: Duration::from_millis(20), ..Bounds::default() };
    let (app, _) = app_with(bounds);
    let (status, _, r) = get(&app, "/api/search?q=election").await;
    assert_eq!(
        (status, r["kind"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("busy")),
        "{r}"
    );
    // The page needs no slot.
    let (status, _, _) = get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_request_past_the_timeout_answers_503() {
    let bounds = Bounds { request_timeout: Duration::from_millis(20), ..Bounds::default() };
    let slow = axum::Router::new()
        .route(
            "/slow",
            axum::routing::get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "late"
            }),
        )
        .layer(axum::middleware::from_fn_with_state(bounds, api::bounded));
    let (status, _, r) = get(&slow, "/slow").await;
    assert_eq!(
        (status, r["kind"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("timeout")),
        "{r}"
    );
}

/// Starts the server on a free loopback port; it runs until the test's runtime ends.
async fn start(state: AppState) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(api::serve(listener, state));
    addr
}

/// A bare HTTP/1.1 GET: status and body.
async fn http_get(addr: SocketAddr, target: &str) -> (u16, String) {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map_or(String::new(), |(_, b)| b.to_string());
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_over_tcp_keeps_serving_after_bad_requests() {
    let addr = start(AppState::new(sample_index(), Bounds::default())).await;
    let huge = format!("/api/search?q={}", "a".repeat(100_000));
    for target in ["/api/search?sort=best", huge.as_str(), "/api/search?limit=abc", "/nope"] {
        let (status, body) = http_get(addr, target).await;
        assert!(
            (400..500).contains(&status),
            "{status} for {}: {body}",
            &target[..30.min(target.len())]
        );
    }
    let (status, body) = http_get(addr, "/api/search?q=securite+sociale").await;
    assert_eq!(status, 200, "{body}");
    let r: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(ids(&r)[0], "fr-2", "{r}");
}

#[tokio::test]
async fn the_server_s_query_limits_apply_to_every_search() {
    let limits = depeche::query::QueryLimits { max_clauses: 2, ..Default::default() };
    let (app, _) = app_with(Bounds { limits, ..Bounds::default() });
    let (status, _, r) = get(&app, "/api/search?q=election").await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let (status, _, r) = get(&app, "/api/search?q=election+securite+retraites").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{r}");
    assert_eq!(r["limit"], "max_clauses", "{r}");
}

mod any_parameters {
    use std::sync::OnceLock;

    use proptest::prelude::*;

    use super::*;

    /// One runtime and one app for every case.
    fn fixture() -> &'static (tokio::runtime::Runtime, axum::Router) {
        static FIXTURE: OnceLock<(tokio::runtime::Runtime, axum::Router)> = OnceLock::new();
        FIXTURE.get_or_init(|| {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            (rt, app_with(Bounds::default()).0)
        })
    }

    fn key() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "q", "lang", "since", "until", "sort", "offset", "limit", "facets", "source",
            "section", "tag", "page", "",
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Whatever the parameters, the answer is a page of hits or a 4xx naming the problem:
        /// never a 500, never a panic.
        #[test]
        fn any_parameters_get_hits_or_a_client_error(
            pairs in prop::collection::vec((key(), ".{0,24}"), 0..6)
        ) {
            let (rt, app) = fixture();
            let mut qs = form_urlencoded::Serializer::new(String::new());
            for (k, v) in &pairs {
                qs.append_pair(k, v);
            }
            let target = format!("/api/search?{}", qs.finish());
            let (status, ctype, r) = rt.block_on(get(app, &target));
            prop_assert_eq!(ctype, "application/json");
            match status {
                StatusCode::OK => prop_assert!(r["total"].is_number(), "{}", r),
                StatusCode::BAD_REQUEST => {
                    prop_assert!(r["error"].is_string() && r["kind"].is_string(), "{}", r);
                    prop_assert!(r["param"].is_string(), "a 400 names its parameter: {}", r);
                }
                other => prop_assert!(false, "{} for {}: {}", other, target, r),
            }
        }
    }
}
