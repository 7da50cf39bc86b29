//! A search page over the bundled corpus (or your index), with its JSON API.
//!
//! ```text
//! cargo run --release --example serve
//! cargo run --release --example serve -- --addr 127.0.0.1:3000 --index DIR
//! ```
//!
//! Then open <http://127.0.0.1:8080/>. The page is one HTML file, one stylesheet and one
//! script, embedded in the binary: no build step, no CDN, no external font.
//!
//! Flags:
//!
//! - `--addr HOST:PORT` (default `127.0.0.1:8080`, loopback only): where to listen
//! - `--index DIR`: serve the index in DIR instead of the bundled one; it must exist (make
//!   one with `examples/search.rs --index DIR --add FILE.jsonl`), and it is opened with
//!   checksum verification: a damaged one is refused
//!
//! On first run the bundled corpus (`data/fr_news.jsonl`, 1,291 French Wikinews articles,
//! CC BY 2.5) is indexed into `target/depeche-example-index`, as `examples/search.rs` does.
//!
//! The JSON API (every answer is JSON, errors included: `{"error": …, "kind": …}`):
//!
//! - `GET /api/search` answers depeche's own [`depeche::SearchResponse`]. Parameters: `q`,
//!   `lang=fr|en`, `since=DATE`, `until=DATE` (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`),
//!   `sort=relevance|newest|oldest`, `offset=N`, `limit=N` (at most 100), `facets=1`, and
//!   `source`, `section`, `tag`, which may be repeated (any of the sources, any of the
//!   sections, all of the tags). A bad parameter (unknown sort, bad date, unknown language,
//!   a number that is not one, an unknown parameter) or a query past the
//!   [query limits](depeche::query::QueryLimits) answers 400 naming the problem.
//! - `GET /api`: the API routes this server has, which the page reads to turn on what exists.
//!
//! Work is bounded: URLs of at most 8 KiB, at most one search per core at a time (a request
//! waits at most 2 s for its turn, then gets 503), 10 s per request, and the library's query
//! limits (100 ms of search per query). Searches run on blocking threads: a panic in one
//! answers 500 and the server goes on.

use std::net::SocketAddr;
use std::path::PathBuf;

#[path = "serve/api.rs"]
pub(crate) mod api;
#[path = "common/mod.rs"]
pub(crate) mod common;

use common::{default_index_dir, ensure_corpus_index, failure, CliError, BUNDLED};
use depeche::NewsIndex;

const USAGE: &str = "usage: serve [--addr HOST:PORT] [--index DIR]";

/// The parsed command line.
#[derive(Debug)]
pub(crate) struct Options {
    pub(crate) addr: SocketAddr,
    pub(crate) index: Option<PathBuf>,
    pub(crate) help: bool,
}

fn usage(message: impl Into<String>) -> CliError {
    CliError { message: format!("{}\n{USAGE}", message.into()), status: 2 }
}

pub(crate) fn parse_args(args: &[String]) -> Result<Options, CliError> {
    let mut o =
        Options { addr: SocketAddr::from(([127, 0, 0, 1], 8080)), index: None, help: false };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f, Some(v.to_string())),
            None => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, CliError> {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| usage(format!("{name} needs a value")))
        };
        match flag {
            "--help" | "-h" => o.help = true,
            "--addr" => {
                let v = value("--addr")?;
                o.addr = v.parse().map_err(|_| {
                    usage(format!("--addr: {v:?} is not HOST:PORT (e.g. 127.0.0.1:8080)"))
                })?;
            }
            "--index" => o.index = Some(PathBuf::from(value("--index")?)),
            other => return Err(usage(format!("unknown argument {other}"))),
        }
    }
    Ok(o)
}

fn run(args: &[String]) -> Result<(), CliError> {
    let o = parse_args(args)?;
    if o.help {
        println!("{USAGE}");
        return Ok(());
    }
    let index = match &o.index {
        Some(dir) if !dir.join("meta.json").exists() => {
            return Err(failure(format!("{}: no index there", dir.display())))
        }
        Some(dir) => {
            NewsIndex::open_verified(dir).map_err(|e| failure(format!("{}: {e}", dir.display())))?
        }
        None => ensure_corpus_index(&default_index_dir(), BUNDLED)?.0,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| failure(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(o.addr)
            .await
            .map_err(|e| failure(format!("cannot listen on {}: {e}", o.addr)))?;
        let addr = listener.local_addr().unwrap_or(o.addr);
        eprintln!("{} articles; search page on http://{addr}/", index.num_articles());
        let state = api::AppState::new(index, api::Bounds::default());
        api::serve(listener, state).await.map_err(|e| failure(format!("server stopped: {e}")))
    })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Err(e) = run(&args) {
        eprintln!("error: {}", e.message);
        std::process::exit(e.status);
    }
}
