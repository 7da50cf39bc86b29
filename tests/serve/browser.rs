//! The search page in a real browser: headless Chromium driven through chromedriver.
//!
//! The server runs in-process on the bundled corpus (the index `examples/search.rs` and
//! `examples/serve.rs` cache in `target/depeche-example-index`), on a free loopback port.
//!
//! Without Chromium or chromedriver the test prints why and passes, unless
//! `DEPECHE_BROWSER_TEST=1` (set by `.ci/run`), where their absence is a failure. The
//! programs are found through `DEPECHE_CHROMIUM` / `DEPECHE_CHROMEDRIVER`, then the `PATH`.
//! `DEPECHE_UPDATE_SCREENSHOT=1` writes the screenshot to `docs/serve.png` (the README's);
//! otherwise it goes to the test's scratch directory.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use depeche::query::QueryLimits;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

use super::serve::api::{AppState, Bounds};
use super::serve::common::{default_index_dir, ensure_corpus_index, BUNDLED};
use super::{http_get, start};

/// Longest wait for anything the page does.
const PATIENCE: Duration = Duration::from_secs(30);
/// The query typed, without accents.
const QUERY: &str = "election presidentielle";
/// Misspelled queries tried for « did you mean », the first one the API corrects is used.
const MISSPELLED: &[&str] = &["gouvernemnt", "presidentiele", "elektion", "ministr"];

/// What the page does with the fields other work adds to the API (`total_exact`,
/// `suggestion`, `similar`, `/api/complete`, `/api/related/{id}`) and with hostile text:
/// this script runs before the page's own and puts them into the server's real answers.
const ENRICH_ANSWERS: &str = r#"(() => {
  const real = window.fetch.bind(window);
  const json = (v) => new Response(JSON.stringify(v), { status: 200, headers: { "Content-Type": "application/json" } });
  window.fetch = async (input, init) => {
    const url = new URL(typeof input === "string" ? input : input.url, location.href);
    if (url.pathname === "/api") return json({ routes: ["/api/search", "/api/complete", "/api/related/{id}"] });
    if (url.pathname === "/api/complete") return json(["élection", { text: "électeurs", count: 3 }]);
    if (url.pathname.startsWith("/api/related/"))
      return json([{ id: "rel-1", title: "<b>Lié</b>", url: "javascript:window.__pwned=4", date: "2017-05-08T00:00:00Z", source: "Wire" }]);
    const res = await real(input, init);
    if (url.pathname !== "/api/search" || !res.ok) return res;
    const body = await res.json();
    body.total_exact = false;
    body.suggestion = { query: "élection présidentielle" };
    const [first, second] = body.hits;
    if (first) {
      first.similar = ["version-2", "version-3"];
      first.title = '<img src=x onerror="window.__pwned=1">' + first.title;
      first.url = "javascript:window.__pwned=2";
    }
    if (second && second.snippet) {
      const pre = "<script>window.__pwned=3</script> ";
      const n = new TextEncoder().encode(pre).length;
      second.snippet.text = pre + second.snippet.text;
      second.snippet.highlights = second.snippet.highlights.map((r) => ({ start: r.start + n, end: r.end + n }));
    }
    return json(body);
  };
})();"#;

/// chromedriver's own command that runs a script in every new document before its scripts.
#[derive(Debug)]
struct BeforeEveryPage(&'static str);

impl WebDriverCompatibleCommand for BeforeEveryPage {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/goog/cdp/execute", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body =
            json!({"cmd": "Page.addScriptToEvaluateOnNewDocument", "params": {"source": self.0}});
        (http::Method::POST, Some(body.to_string()))
    }
}

/// Writes past the test harness's capture, so a skip is seen in a plain `cargo test`.
fn say(message: &str) {
    let _ = writeln!(std::io::stderr(), "{message}");
}

fn find_program(env: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    dirs.push(PathBuf::from("/usr/lib/chromium"));
    names.iter().flat_map(|n| dirs.iter().map(move |d| d.join(n))).find(|p| p.is_file())
}

/// chromedriver, in its own process group: dropping this ends it and the browsers it
/// started, even when the test fails half-way.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start(program: &Path, log: &Path) -> Driver {
        use std::os::unix::process::CommandExt;
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(program)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
        let driver = Driver { child, port };
        let deadline = Instant::now() + PATIENCE;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on {port}; see {}",
                log.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        for signal in ["-TERM", "-KILL"] {
            let _ =
                Command::new("kill").args([signal, "--", &group]).stderr(Stdio::null()).status();
            std::thread::sleep(Duration::from_millis(200));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `script` (a function body) until it returns something truthy.
async fn wait_for(c: &Client, script: &str, what: &str) -> Value {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let v = c.execute(script, vec![]).await.unwrap_or(Value::Null);
        let truthy = match &v {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::String(s) => !s.is_empty(),
            Value::Array(a) => !a.is_empty(),
            Value::Number(n) => n.as_f64() != Some(0.0),
            Value::Object(_) => true,
        };
        if truthy {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the page shows the answer to `query`; returns its total.
async fn answered(c: &Client, query: &str) -> u64 {
    let script = format!(
        "const s = document.getElementById('status'); \
         return s.dataset.query === {q} && document.body.getAttribute('aria-busy') !== 'true' \
           ? Number(s.dataset.total) + 1 : 0;",
        q = json!(query)
    );
    wait_for(c, &script, &format!("the answer to {query:?}")).await.as_u64().unwrap() - 1
}

async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.unwrap()
}

async fn api(addr: SocketAddr, target: &str) -> Value {
    let (status, body) = http_get(addr, target).await;
    assert_eq!(status, 200, "{target}: {body}");
    serde_json::from_str(&body).unwrap()
}

fn fold(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            c => c,
        })
        .collect()
}

/// The marks a snippet's byte ranges should give.
fn expected_marks(snippet: &Value) -> Vec<String> {
    let text = snippet["text"].as_str().unwrap();
    let ranges = snippet["highlights"].as_array().unwrap();
    ranges
        .iter()
        .map(|r| {
            text[r["start"].as_u64().unwrap() as usize..r["end"].as_u64().unwrap() as usize]
                .to_string()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_page_in_headless_chromium() {
    let required = std::env::var("DEPECHE_BROWSER_TEST").is_ok_and(|v| v == "1");
    let chromium =
        find_program("DEPECHE_CHROMIUM", &["chromium", "chromium-browser", "google-chrome"]);
    let chromedriver = find_program("DEPECHE_CHROMEDRIVER", &["chromedriver"]);
    let (Some(chromium), Some(chromedriver)) = (chromium.clone(), chromedriver.clone()) else {
        let message = format!(
            "browser test: Chromium {} and chromedriver {} \
             (Debian: apt-get install chromium chromium-driver)",
            chromium.map_or("not found".into(), |p| format!("at {}", p.display())),
            chromedriver.map_or("not found".into(), |p| format!("at {}", p.display())),
        );
        assert!(!required, "{message}; DEPECHE_BROWSER_TEST=1 requires them");
        say(&format!("SKIPPED search_page_in_headless_chromium: {message}"));
        return;
    };

    let index = tokio::task::spawn_blocking(|| ensure_corpus_index(&default_index_dir(), BUNDLED))
        .await
        .unwrap()
        .unwrap_or_else(|e| panic!("bundled index: {}", e.message))
        .0;
    // A debug build on a busy machine can pass the default 100 ms budget: give it room.
    let limits = QueryLimits { time_budget: Duration::from_secs(5), ..QueryLimits::default() };
    let addr = start(AppState::new(index, Bounds { limits, ..Bounds::default() })).await;

    let scratch = tempfile::tempdir().unwrap();
    let driver = Driver::start(&chromedriver, &scratch.path().join("chromedriver.log"));
    let profile = scratch.path().join("profile");
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--accept-lang=fr-FR", "--window-size=1280,1000",
                format!("--user-data-dir={}", profile.display()),
            ],
            "prefs": {"intl": {"accept_languages": "fr-FR,fr"}},
        },
    });
    let caps = match caps {
        Value::Object(map) => map,
        _ => unreachable!(),
    };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let c = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .unwrap_or_else(|e| panic!("cannot start Chromium through chromedriver: {e}"));

    // The landing page lists the newest articles: every one of them.
    c.goto(&format!("http://{addr}/")).await.unwrap();
    let all = answered(&c, "").await;
    assert!(all > 1000, "the bundled corpus has 1,291 articles, the page says {all}");
    assert_eq!(js(&c, "return document.documentElement.lang").await, "fr");

    // Type an unaccented query, key by key.
    let q = c.find(Locator::Id("q")).await.unwrap();
    q.send_keys(QUERY).await.unwrap();
    let total = answered(&c, QUERY).await;
    let want = api(addr, "/api/search?q=election+presidentielle&limit=10&facets=1").await;
    assert_eq!(total, want["total"].as_u64().unwrap(), "the page's total is the API's");
    assert!(total > 10, "{QUERY:?} finds {total}");

    // The highlighted hits: the accented words of the text, as the API's byte ranges say.
    let page_hits = js(
        &c,
        "return [...document.querySelectorAll('#hits > .hit')].map(h => ({ \
            id: h.dataset.id, \
            marks: [...h.querySelectorAll('.snippet mark')].map(m => m.textContent), \
            onlyMarks: [...h.querySelectorAll('.snippet *')].every(e => e.tagName === 'MARK') }))",
    )
    .await;
    let page_hits = page_hits.as_array().unwrap();
    let api_hits = want["hits"].as_array().unwrap();
    assert_eq!(page_hits.len(), api_hits.len());
    for (p, a) in page_hits.iter().zip(api_hits) {
        assert_eq!(p["id"], a["id"]);
        assert_eq!(p["onlyMarks"], true, "a snippet holds elements other than <mark>: {p}");
        let marks: Vec<String> = p["marks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap().to_string())
            .collect();
        assert_eq!(marks, expected_marks(&a["snippet"]), "marks of {}", a["id"]);
    }
    let marks: Vec<String> = page_hits
        .iter()
        .flat_map(|h| {
            h["marks"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_string())
        })
        .collect();
    assert!(
        marks.iter().any(|m| m.contains('é') && fold(m).contains("election")),
        "the unaccented query highlights the accented « élection »: {marks:?}"
    );

    // Collapsed stories, once the response carries them: the page lists the other versions.
    for (i, hit) in api_hits.iter().enumerate() {
        if let Some(n) = hit["similar"].as_array().map(Vec::len).filter(|n| *n > 0) {
            let script = format!(
                "const h = document.querySelectorAll('#hits > .hit')[{i}]; \
                 const d = h.querySelector('details.similar'); \
                 return d ? d.querySelectorAll('li').length : 0;"
            );
            assert_eq!(js(&c, &script).await, json!(n), "hit {i} shows its {n} other versions");
        }
    }

    // Click the first year facet: the total becomes its count, every hit is of that year.
    let facet = js(
        &c,
        "const b = document.querySelector('#facet-year button'); \
         return b && { value: b.dataset.value, count: Number(b.dataset.count) };",
    )
    .await;
    let (year, count) =
        (facet["value"].as_str().unwrap().to_string(), facet["count"].as_u64().unwrap());
    assert!(count < total, "the year facet {year} ({count}) narrows {total}");
    c.find(Locator::Css("#facet-year button")).await.unwrap().click().await.unwrap();
    let script = format!(
        "const b = document.querySelector('#facet-year button[data-value=\"{year}\"]'); \
         const s = document.getElementById('status'); \
         return b && b.getAttribute('aria-pressed') === 'true' \
           && Number(s.dataset.total) === {count};"
    );
    wait_for(&c, &script, &format!("the total of year {year} ({count})")).await;
    let dates =
        js(&c, "return [...document.querySelectorAll('#hits > .hit')].map(h => h.dataset.date)")
            .await;
    for d in dates.as_array().unwrap() {
        assert!(d.as_str().unwrap().starts_with(&year), "{d} in the {year} facet");
    }
    let url = c.current_url().await.unwrap();
    assert!(url.query().unwrap_or("").contains(&format!("since={year}")), "{url}");

    // Next page, then back to the first; removing the filter restores the total.
    let first_page =
        js(&c, "return [...document.querySelectorAll('#hits > .hit')].map(h => h.dataset.id)")
            .await;
    c.find(Locator::Id("next")).await.unwrap().click().await.unwrap();
    let script = "return location.search.includes('offset=10') \
        && document.body.getAttribute('aria-busy') !== 'true'";
    wait_for(&c, script, "page 2").await;
    let second_page =
        js(&c, "return [...document.querySelectorAll('#hits > .hit')].map(h => h.dataset.id)")
            .await;
    assert_ne!(first_page, second_page);
    c.find(Locator::Css("#active .chip")).await.unwrap().click().await.unwrap();
    let script = format!(
        "return Number(document.getElementById('status').dataset.total) === {total} \
         && !location.search.includes('since')"
    );
    wait_for(&c, &script, "the total without the year filter").await;

    // The screenshot: the same answer again, the index warm.
    js(&c, "window.scrollTo(0, 0); document.activeElement.blur(); return true").await;
    let png = c.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000, "not a screenshot");
    let shot = if std::env::var("DEPECHE_UPDATE_SCREENSHOT").is_ok_and(|v| v == "1") {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs").join("serve.png")
    } else {
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve.png")
    };
    std::fs::create_dir_all(shot.parent().unwrap()).unwrap();
    std::fs::write(&shot, &png).unwrap();
    say(&format!("search page screenshot: {}", shot.display()));

    // A bad date is the server's 400, shown to the reader.
    let since = c.find(Locator::Id("since")).await.unwrap();
    since.send_keys("hier\u{E007}").await.unwrap();
    let shown = wait_for(
        &c,
        "const e = document.getElementById('error'); return !e.hidden && e.textContent;",
        "the bad-date error",
    )
    .await;
    assert!(shown.as_str().unwrap().contains("hier"), "{shown}");
    since.clear().await.unwrap();
    since.send_keys("\u{E007}").await.unwrap();
    wait_for(&c, "return document.getElementById('error').hidden", "the error to clear").await;

    // « Did you mean »: the first misspelling the API corrects, followed on the page.
    let mut suggested = None;
    for typo in MISSPELLED {
        let r = api(addr, &format!("/api/search?q={typo}&limit=10")).await;
        if !r["suggestion"].is_null() && r.get("suggestion").is_some() {
            suggested = Some(typo);
            break;
        }
    }
    match suggested {
        Some(typo) => {
            q.clear().await.unwrap();
            q.send_keys(&format!("{typo}\u{E007}")).await.unwrap();
            answered(&c, typo).await;
            let script = "const s = document.getElementById('suggestion'); \
                const a = s.querySelector('a'); return !s.hidden && a && a.textContent;";
            let link = wait_for(&c, script, "« did you mean »").await;
            let fixed = link.as_str().unwrap().to_string();
            c.find(Locator::Css("#suggestion a")).await.unwrap().click().await.unwrap();
            let n = answered(&c, &fixed).await;
            assert!(n > 0, "the suggestion {fixed:?} finds nothing");
            assert_eq!(q.prop("value").await.unwrap().as_deref(), Some(fixed.as_str()));
        }
        None => panic!(
            "no « did you mean » in the API's answers to any of {MISSPELLED:?} on the bundled \
             corpus"
        ),
    }

    // The fields other work adds to the answers, and hostile text in them.
    c.issue_cmd(BeforeEveryPage(ENRICH_ANSWERS)).await.unwrap();
    c.goto(&format!("http://{addr}/?q=elections")).await.unwrap();
    let n = answered(&c, "elections").await;
    let status = js(&c, "return document.getElementById('status').textContent").await;
    assert!(
        status.as_str().unwrap().starts_with(&format!("plus de {n} ")),
        "total_exact false: {status}"
    );
    let page_of = js(&c, "return document.getElementById('page-of').textContent").await;
    assert_eq!(page_of, "Page 1", "no page count under a lower bound");
    let first = js(
        &c,
        "const h = document.querySelector('#hits > .hit'); return { \
           title: h.querySelector('.title').textContent, \
           links: h.querySelectorAll('.title a').length, \
           similar: [...h.querySelectorAll('details.similar li')].map(l => l.textContent), \
           summary: h.querySelector('details.similar summary').textContent };",
    )
    .await;
    assert!(first["title"].as_str().unwrap().starts_with("<img src=x onerror="), "{first}");
    assert_eq!(first["links"], 0, "a javascript: URL is not a link: {first}");
    assert_eq!(first["similar"], json!(["version-2", "version-3"]), "{first}");
    assert_eq!(first["summary"], "2 autres versions de cette dépêche");
    let second = js(
        &c,
        "return document.querySelectorAll('#hits > .hit')[1].querySelector('.snippet').textContent",
    )
    .await;
    assert!(second.as_str().unwrap().contains("<script>window.__pwned=3</script>"), "{second}");
    c.find(Locator::Css("#hits > .hit .related button")).await.unwrap().click().await.unwrap();
    let related = wait_for(
        &c,
        "const l = document.querySelector('#hits > .hit .related li'); return l && l.textContent;",
        "related articles",
    )
    .await;
    assert!(related.as_str().unwrap().starts_with("<b>Lié</b>"), "{related}");
    let hostile = js(
        &c,
        "return { pwned: window.__pwned === undefined ? null : window.__pwned, \
           elements: document.querySelectorAll( \
             '#hits img, #hits script, #hits b, #hits a[href^=\"javascript\"]').length }",
    )
    .await;
    assert_eq!(hostile, json!({"pwned": null, "elements": 0}), "hostile text became markup");
    let q = c.find(Locator::Id("q")).await.unwrap();
    q.clear().await.unwrap();
    q.send_keys("gr elec").await.unwrap();
    let options = wait_for(
        &c,
        "return [...document.querySelectorAll('#q-complete option')].map(o => o.value)",
        "completions",
    )
    .await;
    assert_eq!(options, json!(["gr élection", "gr électeurs"]), "completion of the last word");
    answered(&c, "gr elec").await;
    c.find(Locator::Css("#suggestion a")).await.unwrap().click().await.unwrap();
    answered(&c, "élection présidentielle").await;
    assert_eq!(q.prop("value").await.unwrap().as_deref(), Some("élection présidentielle"));

    c.close().await.unwrap();
    drop(driver);
}
