//! Search French news from the command line.
//!
//! ```text
//! cargo run --release --example search -- "transformation numérique"
//! cargo run --release --example search -- [FLAGS] [QUERY...]
//! ```
//!
//! On first run the bundled corpus (`data/fr_news.jsonl`, 1,291 French Wikinews articles, CC BY
//! 2.5) is indexed into `target/depeche-example-index`; later runs reuse that index. A stale,
//! partial or damaged index (another corpus, another analyzer, an interrupted build, a file
//! whose checksum does not match) is rebuilt: it is a cache of the bundled corpus.
//!
//! Flags:
//!
//! - `--index DIR`: use (or create, empty) the index in DIR instead of the bundled one; an
//!   existing index is opened with checksum verification and a damaged one is refused (exit 1)
//! - `--add FILE.jsonl`: import FILE into the index and print the import report; with no query,
//!   only import. On a terminal a progress bar shows articles/s, MB/s, the time left and the
//!   lines refused so far
//! - `--threads N` (default: every core, at most 8), `--memory MB` (default 512 MB a thread,
//!   at most 2,000): the indexing threads and memory of `--add`
//! - `--progress`: show the progress of `--add` even when standard error is not a terminal (a
//!   line every 10 s)
//! - `--json`: one JSON object per hit, with the response's `total` and `total_exact`
//! - `--batch FILE`: one query per line; one JSON line per query:
//!   `{"query": …, "total": …, "total_exact": …, "hits": [{"id": …, "score": …, "similar": ["id", …]}, …]}`
//!   (`total_exact` false: more than `total` articles match), or
//!   `{"query": …, "error": "query refused (…): …"}` for a query past one of the
//!   [query limits](depeche::query::QueryLimits), and the batch goes on
//! - `--limit N` (default 10), `--lang fr|en`, `--since DATE`, `--until DATE`
//!   (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`), `--sort relevance|newest|oldest`
//! - `--explain`: under each hit, why it scores what it does (the terms matched in each field,
//!   their BM25F parts, the boosts); with `--json`, an `explanation` object in each hit
//! - « Did you mean »: a misspelled query prints `Did you mean: …` after the hits; with
//!   `--json` each hit line carries `"suggestion": "…"` (or `null`), and a query with no hit
//!   prints one line `{"query": …, "total": 0, "suggestion": …}`; `--batch` lines carry
//!   `"suggestion"` too
//! - `--synonyms FILE`: user synonyms in the Solr format (`a, b, c` and `a => b` lines), on
//!   top of the bundled entity aliases; a bad line stops with its line number (status 2)
//! - `--complete PREFIX [--limit N]`: the words of the index completing PREFIX, one per line
//!   (`--json`: one line `{"prefix": …, "completions": […]}`); `--limit` defaults to 10
//! - `--no-collapse`: every version of a story is a hit (by default, one hit per story, the
//!   others under it: « + 2 similar: AFP, Le Parisien »; every hit of `--json` and `--batch`
//!   carries `"similar": ["id", …]`)
//! - `--related ID`: the articles related to article ID (more like this, its own story
//!   excluded), one per story
//!
//! Errors (missing file, bad flag, bad date, a single query refused by the query limits) print
//! a message and exit with status 2 (usage) or 1 (anything else).

use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use depeche::index::{ImportOptions, IndexOptions, NewsIndex, Progress};
use depeche::search::{check_filter_date, SearchRequest, SearchResponse, Sort};
use depeche::Lang;

#[path = "common/mod.rs"]
mod common;
pub(crate) use common::{default_index_dir, ensure_corpus_index, failure, CliError, BUNDLED};

const USAGE: &str = "usage: search [--index DIR] [--add FILE.jsonl] [--json] [--batch FILE] \
[--threads N] [--memory MB] [--progress] [--limit N] [--lang fr|en] [--since DATE] [--until DATE] [--sort relevance|newest|oldest] \
[--explain] [--synonyms FILE] [--complete PREFIX] [--no-collapse] [--related ID] [QUERY...]";

fn usage(message: impl Into<String>) -> CliError {
    CliError { message: format!("{}\n{USAGE}", message.into()), status: 2 }
}

/// The parsed command line.
#[derive(Debug, Default)]
pub(crate) struct Options {
    pub(crate) query: Option<String>,
    pub(crate) index: Option<PathBuf>,
    pub(crate) add: Vec<PathBuf>,
    pub(crate) threads: Option<usize>,
    pub(crate) memory_mb: Option<usize>,
    pub(crate) progress: bool,
    pub(crate) json: bool,
    pub(crate) batch: Option<PathBuf>,
    pub(crate) limit: usize,
    pub(crate) lang: Option<Lang>,
    pub(crate) since: Option<String>,
    pub(crate) until: Option<String>,
    pub(crate) sort: Sort,
    pub(crate) explain: bool,
    pub(crate) no_collapse: bool,
    pub(crate) related: Option<String>,
    pub(crate) help: bool,
    pub(crate) synonyms: Option<PathBuf>,
    pub(crate) complete: Option<String>,
    /// The bundled aliases and the `--synonyms` (read by [`run`]).
    pub(crate) thesaurus: Option<std::sync::Arc<depeche::query::Thesaurus>>,
}

pub(crate) fn parse_args(args: &[String]) -> Result<Options, CliError> {
    let mut o = Options { limit: 10, ..Default::default() };
    let mut words: Vec<&str> = Vec::new();
    let mut it = args.iter();
    let mut flags_done = false;
    while let Some(arg) = it.next() {
        if flags_done || !arg.starts_with("--") {
            words.push(arg);
            continue;
        }
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
            "--" => flags_done = true,
            "--help" | "-h" => o.help = true,
            "--json" => o.json = true,
            "--explain" => o.explain = true,
            "--no-collapse" => o.no_collapse = true,
            "--related" => o.related = Some(value("--related")?),
            "--index" => o.index = Some(PathBuf::from(value("--index")?)),
            "--add" => o.add.push(PathBuf::from(value("--add")?)),
            "--batch" => o.batch = Some(PathBuf::from(value("--batch")?)),
            "--progress" => o.progress = true,
            "--threads" | "--memory" => {
                let v = value(flag)?;
                let n: usize = v
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| usage(format!("{flag}: {v:?} is not a positive number")))?;
                if flag == "--threads" {
                    o.threads = Some(n);
                } else {
                    o.memory_mb = Some(n);
                }
            }
            "--limit" => {
                let v = value("--limit")?;
                o.limit =
                    v.parse().map_err(|_| usage(format!("--limit: {v:?} is not a number")))?;
            }
            "--lang" => {
                let v = value("--lang")?;
                o.lang = Some(v.parse().map_err(|e| usage(format!("--lang: {e}")))?);
            }
            "--since" | "--until" => {
                let v = value(flag)?;
                check_filter_date(&v).map_err(|e| usage(format!("{flag}: {e}")))?;
                if flag == "--since" {
                    o.since = Some(v);
                } else {
                    o.until = Some(v);
                }
            }
            "--sort" => {
                let v = value("--sort")?;
                o.sort = v.parse().map_err(|e| usage(format!("--sort: {e}")))?;
            }
            "--synonyms" => o.synonyms = Some(PathBuf::from(value("--synonyms")?)),
            "--complete" => o.complete = Some(value("--complete")?),
            other => return Err(usage(format!("unknown flag {other}"))),
        }
    }
    if !words.is_empty() {
        o.query = Some(words.join(" "));
    }
    if o.query.is_none()
        && o.batch.is_none()
        && o.add.is_empty()
        && o.complete.is_none()
        && o.related.is_none()
        && !o.help
    {
        return Err(usage(
            "nothing to do: give a query, --batch FILE, --add FILE, --complete PREFIX or --related ID",
        ));
    }
    Ok(o)
}

/// The writing options of `--threads` and `--memory`.
fn index_options(o: &Options) -> IndexOptions {
    let mut options = o.threads.map_or_else(IndexOptions::default, IndexOptions::with_threads);
    if let Some(mb) = o.memory_mb {
        options.memory_budget = mb.saturating_mul(1_000_000);
    }
    options
}

/// Opens the index in `dir` (`--index`), checking its checksums, or creates an empty one
/// when `dir` holds none. A damaged index is the user's data: refuse it, never rebuild it.
fn open_user_index(dir: &Path, options: IndexOptions) -> Result<NewsIndex, CliError> {
    let opened = if dir.join("meta.json").exists() {
        NewsIndex::open_or_create_with(dir, options).and_then(|index| {
            index.verify()?;
            Ok(index)
        })
    } else {
        NewsIndex::open_or_create_with(dir, options)
    };
    opened.map_err(|e| failure(format!("{}: {e}", dir.display())))
}

fn request(o: &Options, query: &str) -> SearchRequest {
    SearchRequest {
        thesaurus: o.thesaurus.clone().unwrap_or_else(depeche::query::Thesaurus::bundled),
        query: query.to_string(),
        lang: o.lang,
        since: o.since.clone(),
        until: o.until.clone(),
        sort: o.sort,
        limit: o.limit,
        explain: o.explain,
        collapse: !o.no_collapse,
        ..Default::default()
    }
}

fn bold(text: &str, ranges: &[std::ops::Range<usize>], color: bool) -> String {
    if !color {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for r in ranges {
        if r.start < at || r.end > text.len() {
            continue;
        }
        out.push_str(&text[at..r.start]);
        out.push_str("\x1b[1m");
        out.push_str(&text[r.clone()]);
        out.push_str("\x1b[0m");
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

pub(crate) fn print_human(
    out: &mut dyn Write,
    r: &SearchResponse,
    offset: usize,
    color: bool,
) -> std::io::Result<()> {
    for (i, hit) in r.hits.iter().enumerate() {
        let title = if color { format!("\x1b[1m{}\x1b[0m", hit.title) } else { hit.title.clone() };
        writeln!(out, "{}. {}", offset + i + 1, title)?;
        let date = hit.date.as_deref().map_or("", |d| d.get(..10).unwrap_or(d));
        writeln!(
            out,
            "   {} · {} · {} · score {:.3}",
            date,
            hit.source.as_deref().unwrap_or("-"),
            hit.lang,
            hit.score
        )?;
        if let Some(s) = &hit.snippet {
            let text = bold(&s.text, &s.highlights, color).replace('\n', " ");
            let pre = if s.start > 0 { "…" } else { "" };
            let post = if s.html.ends_with('…') { "…" } else { "" };
            writeln!(out, "   {pre}{text}{post}")?;
        }
        if let Some(url) = &hit.url {
            writeln!(out, "   {url}")?;
        }
        if !hit.similar.is_empty() {
            let sources: Vec<&str> =
                hit.similar.iter().map(|s| s.source().unwrap_or(s.id())).collect();
            writeln!(out, "   + {} similar: {}", hit.similar.len(), sources.join(", "))?;
        }
        if let Some(e) = &hit.explanation {
            for line in e.to_string().lines() {
                writeln!(out, "   | {line}")?;
            }
        }
        writeln!(out)?;
    }
    let shown = if r.hits.is_empty() {
        String::new()
    } else {
        format!(", showing {}-{}", offset + 1, offset + r.hits.len())
    };
    let count = if r.total_exact {
        format!("{} result{}", r.total, if r.total == 1 { "" } else { "s" })
    } else {
        format!("more than {} results", thousands(r.total))
    };
    writeln!(out, "{count}{shown} in {:.1} ms", r.took.as_secs_f64() * 1e3)?;
    if let Some(s) = &r.suggestion {
        writeln!(out, "Did you mean: {s}")?;
    }
    Ok(())
}

/// `n` with a comma between thousands: `10,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut s = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            s.push(',');
        }
        s.push(c);
    }
    s
}

/// Runs the command line `args` (without the program name), writing results to `out`.
/// `color` turns on bold highlights (a terminal).
pub(crate) fn run(args: &[String], out: &mut dyn Write, color: bool) -> Result<(), CliError> {
    let mut o = parse_args(args)?;
    if o.help {
        writeln!(out, "{USAGE}").map_err(|e| failure(e.to_string()))?;
        return Ok(());
    }
    let io = |e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            // the reader closed the pipe (`| head`): not an error of ours
            CliError { message: String::new(), status: 0 }
        } else {
            failure(format!("cannot write output: {e}"))
        }
    };
    let started = Instant::now();
    // Check the input files before touching the index.
    for f in o.add.iter().chain(o.batch.iter()).chain(o.synonyms.iter()) {
        if !f.exists() {
            return Err(failure(format!("{}: no such file", f.display())));
        }
        if f.is_dir() {
            return Err(failure(format!("{}: is a directory, not a file", f.display())));
        }
    }
    if let Some(path) = &o.synonyms {
        let synonyms =
            depeche::query::Thesaurus::load_synonyms(path).map_err(|e| usage(e.to_string()))?;
        let mut thesaurus = (*depeche::query::Thesaurus::bundled()).clone();
        thesaurus.extend(&synonyms);
        o.thesaurus = Some(std::sync::Arc::new(thesaurus));
    }
    let index = match &o.index {
        Some(dir) => open_user_index(dir, index_options(&o))?,
        None => ensure_corpus_index(&default_index_dir(), BUNDLED)?.0,
    };
    let json_out = o.json || o.batch.is_some();
    for file in &o.add {
        let progress = if o.progress { Progress::Always } else { Progress::Auto };
        let report = index
            .import_jsonl_file_with(file, &ImportOptions { progress, ..Default::default() })
            .map_err(|e| failure(format!("{}: {e}", file.display())))?;
        let text = format!("{}: {report}", file.display());
        if json_out {
            eprintln!("{text}");
        } else {
            writeln!(out, "{text}").map_err(io)?;
        }
    }
    if let Some(batch) = &o.batch {
        let file =
            std::fs::File::open(batch).map_err(|e| failure(format!("{}: {e}", batch.display())))?;
        for line in BufReader::new(file).lines() {
            let line = line.map_err(|e| failure(format!("{}: {e}", batch.display())))?;
            let query = line.trim();
            if query.is_empty() {
                continue;
            }
            let mut req = request(&o, query);
            req.snippets = false;
            let r = match index.search(&req) {
                Ok(r) => r,
                Err(e @ depeche::Error::QueryRefused { .. }) => {
                    let line = serde_json::json!({"query": query, "error": e.to_string()});
                    writeln!(out, "{line}").map_err(io)?;
                    continue;
                }
                Err(e) => return Err(failure(e.to_string())),
            };
            let hits: Vec<serde_json::Value> = r
                .hits
                .iter()
                .map(|h| serde_json::json!({"id": h.id, "score": h.score, "similar": h.similar}))
                .collect();
            let line = serde_json::json!({
                "query": query,
                "total": r.total,
                "total_exact": r.total_exact,
                "hits": hits,
                "suggestion": r.suggestion,
            });
            writeln!(out, "{line}").map_err(io)?;
        }
    }
    if let Some(id) = &o.related {
        let t = Instant::now();
        let hits = index.related(id, o.limit).map_err(|e| failure(e.to_string()))?;
        let r = SearchResponse {
            total: hits.len(),
            total_exact: true,
            hits,
            facets: None,
            warnings: Vec::new(),
            suggestion: None,
            took: t.elapsed(),
        };
        if o.json {
            for hit in &r.hits {
                let line = serde_json::to_string(hit).map_err(|e| failure(e.to_string()))?;
                writeln!(out, "{line}").map_err(io)?;
            }
        } else {
            print_human(out, &r, 0, color).map_err(io)?;
        }
    }
    if let Some(query) = &o.query {
        let r = index.search(&request(&o, query)).map_err(|e| failure(e.to_string()))?;
        if o.json {
            for hit in &r.hits {
                let mut line = serde_json::to_value(hit).map_err(|e| failure(e.to_string()))?;
                if let Some(fields) = line.as_object_mut() {
                    fields.insert("total".into(), r.total.into());
                    fields.insert("total_exact".into(), r.total_exact.into());
                    fields.insert("suggestion".into(), serde_json::json!(r.suggestion));
                }
                writeln!(out, "{line}").map_err(io)?;
            }
            if r.hits.is_empty() {
                let line = serde_json::json!({
                    "query": query, "total": r.total, "total_exact": r.total_exact,
                    "suggestion": r.suggestion,
                });
                writeln!(out, "{line}").map_err(io)?;
            }
        } else {
            print_human(out, &r, 0, color).map_err(io)?;
        }
    }
    if let Some(prefix) = &o.complete {
        let completions = index.complete(prefix, o.limit).map_err(|e| failure(e.to_string()))?;
        if o.json {
            // Written by hand to keep the keys in this order (serde_json sorts a map's keys).
            let json = |v: serde_json::Value| v.to_string();
            let (p, c) = (json(serde_json::json!(prefix)), json(serde_json::json!(completions)));
            writeln!(out, "{{\"prefix\": {p}, \"completions\": {c}}}").map_err(io)?;
        } else {
            for c in &completions {
                writeln!(out, "{c}").map_err(io)?;
            }
        }
    }
    if std::io::stderr().is_terminal() && json_out {
        eprintln!("done in {:.1} ms", started.elapsed().as_secs_f64() * 1e3);
    }
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stdout = std::io::stdout();
    let color = stdout.is_terminal();
    let mut out = stdout.lock();
    if let Err(e) = run(&args, &mut out, color) {
        let _ = out.flush();
        if !e.message.is_empty() {
            eprintln!("error: {}", e.message);
        }
        std::process::exit(e.status);
    }
}
