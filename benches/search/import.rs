//! End-to-end bulk import, file → committed index, as users run it: the whole
//! `search --index DIR --add FILE.jsonl` command (`target/release/examples/search`, built
//! first) beside stock tantivy indexing the same file in one process.
//!
//! Stock is tantivy 0.27's stock French chain (`common::stock_french`), title and body (lead
//! and body as two values) in two stored text fields, each line parsed by serde_json, with as
//! many indexing threads and as much memory as depeche's defaults (all cores, at most 8;
//! 512 MB a thread, at most 2 GB), one commit at the end and its merges waited for. It runs
//! in this bench binary started again as a child (`DEPECHE_BENCH_STOCK_IMPORT=FILE`,
//! `DEPECHE_BENCH_STOCK_DIR=DIR`), so both sides are separate processes measured alike:
//! wall time, CPU time and peak resident memory from `wait4`, index size and segments after.
//! The two alternate, run after run.
//!
//! Corpora: the bundled corpus copied 20 times with new ids (25,820 articles), and with
//! `DEPECHE_BENCH_DOCS=N` also N generated articles (`common::generated`, without `lang`, so
//! depeche detects it). Files and indexes go to `DEPECHE_BENCH_DIR` (default
//! `target/bench-import`) and are deleted at the end. `DEPECHE_BENCH_IMPORT_RUNS` sets the
//! runs of each side (default 3, 1 from 200,000 articles on).
//!
//! After the generated import, search latency through `NewsIndex::search` (default request)
//! on the segments as the import wrote them (`merge_to: None`) and after
//! `NewsIndex::merge_segments(IMPORT_MERGE_TO)`, with the time the merge took.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use depeche::index::{
    Article, ImportOptions, IndexOptions, NewsIndex, Progress, IMPORT_COMMIT_BYTES, IMPORT_MERGE_TO,
};
use depeche::search::SearchRequest;
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::{Index, IndexWriter, TantivyDocument};

use super::common;

const STOCK_FILE: &str = "DEPECHE_BENCH_STOCK_IMPORT";
const STOCK_DIR: &str = "DEPECHE_BENCH_STOCK_DIR";
const GENERATE_KIND: &str = "DEPECHE_BENCH_GENERATE";
const GENERATE_PATH: &str = "DEPECHE_BENCH_GENERATE_PATH";
const GENERATE_N: &str = "DEPECHE_BENCH_GENERATE_N";

/// Writes a generated file (`kind` "plain" or "bad") of `n` lines in a child process: the
/// articles generated take gigabytes, and a child spawned by a process that held them would
/// report that process's resident memory as its own peak (Linux carries the high-water mark
/// over `exec`), so the measured children are spawned by a bench that never held them.
fn generate_in_child(kind: &str, path: &Path, n: usize) {
    let status = Command::new(std::env::current_exe().expect("bench binary"))
        .env(GENERATE_KIND, kind)
        .env(GENERATE_PATH, path)
        .env(GENERATE_N, n.to_string())
        .status()
        .expect("spawn the generating child");
    assert!(status.success(), "generating {kind} failed");
}

/// Runs the stock import, or writes a generated file, when this process is the bench's
/// child for it; whether it was.
pub fn stock_child() -> bool {
    if let (Ok(kind), Ok(path), Ok(n)) =
        (std::env::var(GENERATE_KIND), std::env::var(GENERATE_PATH), std::env::var(GENERATE_N))
    {
        let base = super::articles();
        let n = n.parse().expect("article count");
        match kind.as_str() {
            "bad" => drop(generate_bad(Path::new(&path), &base, n)),
            _ => drop(generate_into(Path::new(&path), &base, n)),
        }
        return true;
    }
    let (Ok(file), Ok(dir)) = (std::env::var(STOCK_FILE), std::env::var(STOCK_DIR)) else {
        return false;
    };
    let n = stock_import(Path::new(&file), Path::new(&dir));
    println!("{n}");
    true
}

/// What a stock user writes: parse each line, add it, commit once, wait for the merges.
fn stock_import(file: &Path, dir: &Path) -> u64 {
    #[derive(serde::Deserialize)]
    struct Line {
        #[serde(default)]
        title: Option<String>,
        #[serde(default)]
        lead: Option<String>,
        #[serde(default)]
        body: Option<String>,
    }
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("stock_fr")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let title = b.add_text_field("title", text.clone());
    let body = b.add_text_field("body", text);
    std::fs::create_dir_all(dir).expect("stock index directory");
    let index = Index::create_in_dir(dir, b.build()).expect("stock index");
    index.tokenizers().register("stock_fr", common::stock_french());
    let options = IndexOptions::default();
    let mut writer: IndexWriter =
        index.writer_with_num_threads(options.threads, options.memory_budget).expect("writer");
    let input = std::io::BufReader::new(std::fs::File::open(file).expect("input"));
    let mut n = 0;
    for line in std::io::BufRead::lines(input) {
        let Ok(line) = serde_json::from_str::<Line>(&line.expect("read")) else { continue };
        let mut d = TantivyDocument::default();
        d.add_text(title, line.title.unwrap_or_default());
        for text in [line.lead, line.body].into_iter().flatten().filter(|t| !t.is_empty()) {
            d.add_text(body, text);
        }
        writer.add_document(d).expect("add");
        n += 1;
    }
    writer.commit().expect("commit");
    writer.wait_merging_threads().expect("merges");
    n
}

/// One measured run of a child process.
#[derive(Clone, Copy, Debug, Default)]
struct Run {
    wall: Duration,
    cpu: Duration,
    peak_rss: u64,
    index_bytes: u64,
    segments: usize,
}

/// Runs `command` to its end: wall time, CPU time and peak resident memory of the child.
// The child is waited for by `wait4`, which also gives its resource usage.
#[allow(clippy::zombie_processes)]
fn measure(mut command: Command) -> (Run, String) {
    command.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::null());
    let started = Instant::now();
    let child = command.spawn().expect("spawn");
    let pid = child.id() as libc::pid_t;
    let mut stdout = child.stdout.expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut text);
        text
    });
    let mut status = 0;
    // SAFETY: `rusage` is plain data that `wait4` fills in; `pid` is our child, waited once.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    assert_eq!(waited, pid, "wait4");
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "child failed");
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    let run = Run {
        wall,
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
        peak_rss: usage.ru_maxrss as u64 * 1024,
        ..Run::default()
    };
    (run, reader.join().unwrap_or_default())
}

/// Bytes of the files in `dir` and segments of its last commit.
fn index_stats(dir: &Path) -> (u64, usize) {
    let bytes = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum())
        .unwrap_or(0);
    let meta: serde_json::Value = std::fs::read_to_string(dir.join("meta.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    (bytes, meta["segments"].as_array().map_or(0, Vec::len))
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// The bundled corpus copied `copies` times with new ids.
fn write_copies(path: &Path, corpus: &str, copies: usize) -> u64 {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    let mut n = 0;
    for k in 0..copies {
        for line in corpus.lines() {
            let mut a: Article = serde_json::from_str(line).expect("bundled corpus");
            a.id = format!("{}-copy{k}", a.id);
            serde_json::to_writer(&mut out, &a).expect("write");
            out.write_all(b"\n").expect("write");
            n += 1;
        }
    }
    out.flush().expect("flush");
    n
}

/// `n` generated articles, without `lang` (detected) nor empty fields, written by a child
/// process (see [`generate_in_child`]).
fn write_generated(path: &Path, _base: &[Article], n: usize) -> u64 {
    generate_in_child("plain", path, n);
    n as u64
}

fn generate_into(path: &Path, base: &[Article], n: usize) -> u64 {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    for a in common::generated(base, n) {
        let mut v = serde_json::to_value(&a).expect("article");
        if let Some(o) = v.as_object_mut() {
            o.retain(|_, x| {
                !(x.is_null() || x.as_str() == Some("") || x.as_array().is_some_and(Vec::is_empty))
            });
            o.remove("lang");
        }
        serde_json::to_writer(&mut out, &v).expect("write");
        out.write_all(b"\n").expect("write");
    }
    out.flush().expect("flush");
    n as u64
}

fn example_binary() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(cargo)
        .args(["build", "--release", "--example", "search"])
        .current_dir(root)
        .status()
        .is_ok_and(|s| s.success());
    let exe = std::env::current_exe().ok()?;
    // target/release/deps/search-… → target/release/examples/search
    let path = exe.parent()?.parent()?.join("examples").join("search");
    (built && path.exists()).then_some(path)
}

/// Imports `file` (`articles` lines) with both engines, alternately; prints a table.
fn compare(name: &str, file: &Path, articles: u64, example: &Path, work: &Path) {
    let runs: usize = std::env::var("DEPECHE_BENCH_IMPORT_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if articles >= 200_000 { 1 } else { 3 });
    let input_mb = std::fs::metadata(file).map_or(0.0, |m| m.len() as f64 / 1e6);
    let dir = work.join("index");
    let mut sides: [(&str, Vec<Run>); 2] = [("depeche", Vec::new()), ("stock", Vec::new())];
    for round in 0..runs {
        // ABBA: each side goes first as often as the other.
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for side in order {
            let _ = std::fs::remove_dir_all(&dir);
            let command = if side == 0 {
                let mut c = Command::new(example);
                c.arg("--index").arg(&dir).arg("--add").arg(file);
                c
            } else {
                let mut c = Command::new(std::env::current_exe().expect("bench binary"));
                c.env(STOCK_FILE, file).env(STOCK_DIR, &dir);
                c
            };
            let (mut run, out) = measure(command);
            (run.index_bytes, run.segments) = index_stats(&dir);
            if side == 0 {
                assert!(out.contains(&format!("{articles} indexed")), "depeche: {out}");
            } else {
                assert_eq!(out.trim(), articles.to_string(), "stock indexed every line");
            }
            sides[side].1.push(run);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let options = IndexOptions::default();
    println!(
        "\nimport of {name}: {articles} articles, {input_mb:.0} MB of JSONL, {} threads, \
         {} MB budget, {runs} run(s) each, alternating (medians)",
        options.threads,
        options.memory_budget / 1_000_000
    );
    println!("| engine | wall s | CPU s | articles/s | MB/s | peak RSS MB | index MB | segments |");
    println!("|---|---|---|---|---|---|---|---|");
    for (engine, r) in &sides {
        let wall = median(r.iter().map(|r| r.wall.as_secs_f64()).collect());
        println!(
            "| {engine} | {wall:.2} | {:.1} | {:.0} | {:.1} | {:.0} | {:.0} | {} |",
            median(r.iter().map(|r| r.cpu.as_secs_f64()).collect()),
            articles as f64 / wall,
            input_mb / wall,
            median(r.iter().map(|r| r.peak_rss as f64 / 1e6).collect()),
            median(r.iter().map(|r| r.index_bytes as f64 / 1e6).collect()),
            r[r.len() / 2].segments,
        );
    }
    let ratios: Vec<f64> = sides[0]
        .1
        .iter()
        .zip(&sides[1].1)
        .map(|(d, s)| s.wall.as_secs_f64() / d.wall.as_secs_f64())
        .collect();
    let (lo, hi) = ratios.iter().fold((f64::MAX, 0f64), |(lo, hi), &r| (lo.min(r), hi.max(r)));
    let size = median(sides[0].1.iter().map(|r| r.index_bytes as f64).collect())
        / median(sides[1].1.iter().map(|r| r.index_bytes as f64).collect());
    println!(
        "depeche speed / stock's (stock wall ÷ depeche wall): median {:.2}x, range {lo:.2}–{hi:.2}x \
         over {runs} pair(s); index size {size:.2}x stock's",
        median(ratios.clone())
    );
}

/// p50 and p99 of `NewsIndex::search` (default request) over the queries, repeated.
fn latency(index: &NewsIndex) -> Vec<(&'static str, Duration, Duration)> {
    const QUERIES: &[&str] = &[
        "gouvernement",
        "élections municipales",
        "\"premier ministre\"",
        "réforme des retraites",
        "numéri*",
        "Le Monde",
    ];
    QUERIES
        .iter()
        .map(|&q| {
            let request = SearchRequest::new(q);
            let _ = index.search(&request);
            let mut times: Vec<Duration> = (0..30)
                .map(|_| {
                    let t = Instant::now();
                    // A search refused by the default time budget (100 ms, wall clock: a
                    // loaded machine) counts with the time it took, instead of ending the run.
                    let _ = std::hint::black_box(index.search(&request).map(|r| r.total));
                    t.elapsed()
                })
                .collect();
            times.sort();
            (q, times[times.len() / 2], times[times.len() * 99 / 100])
        })
        .collect()
}

/// Search latency on the generated index as the import wrote it, then merged.
fn latency_with_and_without_merge(file: &Path, work: &Path) {
    let dir = work.join("index");
    let _ = std::fs::remove_dir_all(&dir);
    // `DEPECHE_BENCH_MEMORY_MB`: a smaller budget gives the segments of a larger import.
    let mut options = IndexOptions::default();
    if let Some(mb) =
        std::env::var("DEPECHE_BENCH_MEMORY_MB").ok().and_then(|v| v.parse::<usize>().ok())
    {
        options.memory_budget = mb * 1_000_000;
    }
    let index = NewsIndex::open_or_create_with(&dir, options).expect("index");
    let import = ImportOptions { progress: Progress::Hidden, merge_to: None, ..Default::default() };
    let t = Instant::now();
    let report = index.import_jsonl_file_with(file, &import).expect("import");
    let imported = t.elapsed();
    let before = index.segment_count();
    let unmerged = latency(&index);
    let t = Instant::now();
    let merged = index.merge_segments(IMPORT_MERGE_TO).expect("merge");
    let merge_time = t.elapsed();
    let after = latency(&index);
    println!(
        "\nsearch after importing {} articles (NewsIndex::search, default request, 30 runs): \
         {before} segments as imported ({:.1} s, in process, merge_to: None), {} after \
         merge_segments({IMPORT_MERGE_TO}) ({:.1} s)",
        report.indexed,
        imported.as_secs_f64(),
        merged.after,
        merge_time.as_secs_f64()
    );
    println!("| query | p50 / p99, {before} segments | p50 / p99, {} segments |", merged.after);
    println!("|---|---|---|");
    for ((q, a50, a99), (_, b50, b99)) in unmerged.iter().zip(&after) {
        let ms = |d: &Duration| d.as_secs_f64() * 1e3;
        println!(
            "| `{q}` | {:.2} / {:.2} ms | {:.2} / {:.2} ms |",
            ms(a50),
            ms(a99),
            ms(b50),
            ms(b99)
        );
    }
    drop(index);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The import benches (see the module docs).
pub fn run(corpus: &str, base: &[Article]) {
    let Some((example, work, _)) = setup(0) else { return };
    let file = work.join("articles.jsonl");
    let n = write_copies(&file, corpus, 20);
    compare("the bundled corpus copied 20 times", &file, n, &example, &work);
    if let Some(docs) =
        std::env::var("DEPECHE_BENCH_DOCS").ok().and_then(|v| v.parse::<usize>().ok())
    {
        let n = write_generated(&file, base, docs);
        compare(&format!("{docs} generated articles"), &file, n, &example, &work);
        latency_with_and_without_merge(&file, &work);
    }
    let _ = std::fs::remove_file(&file);
}

/// Where the import benches write, and the articles of the generated runs
/// (`DEPECHE_BENCH_DOCS`, default `default`).
fn setup(default: usize) -> Option<(PathBuf, PathBuf, usize)> {
    let Some(example) = example_binary() else {
        println!("import bench skipped: cannot build `--example search`");
        return None;
    };
    let work = std::env::var("DEPECHE_BENCH_DIR").map(PathBuf::from).unwrap_or_else(|_| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("bench-import")
    });
    std::fs::create_dir_all(&work).expect("bench directory");
    let docs = std::env::var("DEPECHE_BENCH_DOCS").ok().and_then(|v| v.parse().ok());
    Some((example, work, docs.unwrap_or(default)))
}

fn add_command(example: &Path, dir: &Path, file: &Path) -> Command {
    let mut c = Command::new(example);
    c.arg("--index").arg(dir).arg("--add").arg(file);
    c
}

/// The number before `word` in the example's report line (`… 1000 indexed, …`).
fn report_count(report: &str, word: &str) -> Option<u64> {
    let line = report.lines().find(|l| l.contains(" lines read, "))?;
    let at = line.find(word)?;
    line[..at].split_whitespace().last()?.parse().ok()
}

/// For each id, how many live documents have it: exactly one each, or the first id that
/// does not.
fn each_id_once(dir: &Path, ids: impl Iterator<Item = String>) -> Result<u64, String> {
    use tantivy::schema::IndexRecordOption;
    use tantivy::DocSet;
    let index = NewsIndex::open(dir).map_err(|e| e.to_string())?;
    let searcher = index.searcher();
    let field = index.schema().id;
    let mut n = 0;
    for id in ids {
        let term = tantivy::Term::from_field_text(field, &id);
        let mut live = 0;
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field).map_err(|e| e.to_string())?;
            if let Some(mut p) = inverted
                .read_postings(&term, IndexRecordOption::Basic)
                .map_err(|e| e.to_string())?
            {
                while p.doc() != tantivy::TERMINATED {
                    live += u32::from(!segment.is_deleted(p.doc()));
                    p.advance();
                }
            }
        }
        if live != 1 {
            return Err(format!("{id}: {live} documents"));
        }
        n += 1;
    }
    if searcher.num_docs() != n {
        return Err(format!("{} documents for {n} ids", searcher.num_docs()));
    }
    Ok(n)
}

/// `DEPECHE_BENCH_CRASH=1`: the example imports `DEPECHE_BENCH_DOCS` generated articles
/// (default 1,000,000) and is killed (SIGKILL) `DEPECHE_BENCH_KILL_AFTER` seconds (default
/// 10) after its first commit; the same command then runs again. Prints what the kill
/// left, the second report, and checks that each id is there exactly once and that the
/// replaced count is the number of articles committed before the kill.
pub fn crash_rerun(base: &[Article]) {
    let Some((example, work, docs)) = setup(1_000_000) else { return };
    let file = work.join("articles.jsonl");
    let dir = work.join("index");
    let _ = std::fs::remove_dir_all(&dir);
    write_generated(&file, base, docs);
    let after: f64 =
        std::env::var("DEPECHE_BENCH_KILL_AFTER").ok().and_then(|v| v.parse().ok()).unwrap_or(10.0);
    let started = Instant::now();
    let mut child = add_command(&example, &dir, &file)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let committed = || index_stats(&dir).1 > 0;
    while !committed() {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let first_commit = started.elapsed();
    std::thread::sleep(Duration::from_secs_f64(after));
    let finished = child.try_wait().expect("wait").is_some();
    child.kill().expect("kill");
    child.wait().expect("wait");
    let killed_at = started.elapsed();
    let before = NewsIndex::open(&dir).map(|i| i.num_articles()).unwrap_or(0);
    let (left_bytes, left_segments) = index_stats(&dir);
    let (run, out) = measure(add_command(&example, &dir, &file));
    let replaced = report_count(&out, " replaced").expect("report");
    let ids = (0..docs).map(|i| format!("gen-{i}"));
    let once = each_id_once(&dir, ids);
    println!(
        "\ncrash and rerun, {docs} generated articles: first commit at {:.1} s, SIGKILL at \
         {:.1} s{} with {before} articles committed ({left_segments} segments, {:.0} MB in the \
         directory); the same command again: {:.1} s, peak RSS {:.0} MB, report: {}; each id \
         once: {once:?}; replaced = committed before the kill: {}",
        first_commit.as_secs_f64(),
        killed_at.as_secs_f64(),
        if finished { " (the import had already ended)" } else { "" },
        left_bytes as f64 / 1e6,
        run.wall.as_secs_f64(),
        run.peak_rss as f64 / 1e6,
        out.lines().next().unwrap_or_default(),
        replaced == before,
    );
    assert!(once.is_ok() && replaced == before, "crash and rerun failed");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&file);
}

/// The kinds of bad line of [`bad_lines`], one every 100 lines in turn.
const BAD: &[(&str, &str)] = &[
    ("invalid JSON", "{\"id\": \"bad\", \"title\": \"coupé"),
    ("missing id", "{\"title\": \"Sans identifiant\", \"body\": \"Texte\"}"),
    ("impossible date", "{\"id\": \"bad-date\", \"title\": \"T\", \"date\": \"2016-02-30\"}"),
    ("invalid UTF-8", ""),
];

/// `DEPECHE_BENCH_BAD_LINES=1`: a file of `DEPECHE_BENCH_DOCS` lines (default 1,000,000)
/// of generated articles where every 100th line is bad (invalid JSON, a missing id, an
/// impossible date, invalid UTF-8 in turn; the first bad line is an article of 50 MB),
/// imported by the example: checks that exactly the bad lines are refused, each with its
/// number, and prints the peak resident memory.
pub fn bad_lines(_base: &[Article]) {
    let Some((example, work, docs)) = setup(1_000_000) else { return };
    let file = work.join("bad.jsonl");
    let dir = work.join("index");
    let _ = std::fs::remove_dir_all(&dir);
    generate_in_child("bad", &file, docs);
    let bad: Vec<u64> = (1..=docs as u64).filter(|n| n % 100 == 50).collect();
    let bytes = std::fs::metadata(&file).map_or(0, |m| m.len());
    let (run, report) = measure(add_command(&example, &dir, &file));
    let refused: Vec<u64> = report
        .lines()
        .filter_map(|l| l.trim().strip_prefix("line ")?.split(':').next()?.parse().ok())
        .collect();
    let indexed = report_count(&report, " indexed").unwrap_or(0);
    let first_reason = report.lines().nth(1).unwrap_or_default().trim().to_string();
    println!(
        "\nbad lines: {docs} lines ({:.0} MB), {} bad (1%); the example: {:.1} s, peak RSS \
         {:.0} MB; {indexed} indexed, {} refused, the refused lines are exactly the bad \
         ones: {}; first: {first_reason}",
        bytes as f64 / 1e6,
        bad.len(),
        run.wall.as_secs_f64(),
        run.peak_rss as f64 / 1e6,
        refused.len(),
        refused == bad
    );
    assert_eq!(refused, bad, "every bad line refused, in line order, and no other");
    assert_eq!(indexed, docs as u64 - bad.len() as u64);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&file);
}

/// `DEPECHE_BENCH_CADENCE=1`: the cost of the commit cadence. `DEPECHE_BENCH_DOCS` generated
/// articles (default 200,000) imported in this process with the default options but
/// `ImportOptions::commit_bytes` of 16 MB, 64 MB, 256 MB and 1 GB (the default) in turn,
/// round after round (`DEPECHE_BENCH_IMPORT_RUNS`, default 2), each without and then with the
/// final merge: wall time of the import, commits, segments before the merge, and the merge's
/// time.
pub fn cadence(base: &[Article]) {
    const CADENCES: [u64; 4] = [16_000_000, 64_000_000, 256_000_000, IMPORT_COMMIT_BYTES];
    let Some((_, work, docs)) = setup(200_000) else { return };
    let runs: usize =
        std::env::var("DEPECHE_BENCH_IMPORT_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(2);
    let file = work.join("articles.jsonl");
    let dir = work.join("index");
    write_generated(&file, base, docs);
    let input = std::fs::metadata(&file).map_or(0, |m| m.len());
    let mut results: Vec<Vec<(f64, usize, f64)>> = vec![Vec::new(); CADENCES.len()];
    for round in 0..runs {
        for k in 0..CADENCES.len() {
            // Each round in the other direction, so no cadence always runs first.
            let k = if round % 2 == 0 { k } else { CADENCES.len() - 1 - k };
            let _ = std::fs::remove_dir_all(&dir);
            let index = NewsIndex::open_or_create(&dir).expect("index");
            let options = ImportOptions {
                progress: Progress::Hidden,
                commit_bytes: CADENCES[k],
                merge_to: None,
                ..Default::default()
            };
            let t = Instant::now();
            let report = index.import_jsonl_file_with(&file, &options).expect("import");
            let wall = t.elapsed().as_secs_f64();
            assert_eq!(report.indexed, docs as u64);
            let segments = index.segment_count();
            let t = Instant::now();
            index.merge_segments(IMPORT_MERGE_TO).expect("merge");
            results[k].push((wall, segments, t.elapsed().as_secs_f64()));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&file);
    println!(
        "\ncommit cadence: {docs} generated articles, {:.0} MB of JSONL, in process, default \
         options but commit_bytes, {runs} run(s) each, alternating (medians)",
        input as f64 / 1e6
    );
    println!("| commit every | commits | import s (no merge) | segments | merge to {IMPORT_MERGE_TO} s | total s |");
    println!("|---|---|---|---|---|---|");
    for (k, r) in results.iter().enumerate() {
        let wall = median(r.iter().map(|r| r.0).collect());
        let merge = median(r.iter().map(|r| r.2).collect());
        println!(
            "| {} MB | {} | {wall:.1} | {} | {merge:.1} | {:.1} |",
            CADENCES[k] / 1_000_000,
            input.div_ceil(CADENCES[k]),
            r[r.len() / 2].1,
            median(r.iter().map(|r| r.0 + r.2).collect()),
        );
    }
}

/// The file of [`bad_lines`]; the numbers of its bad lines.
fn generate_bad(file: &Path, base: &[Article], docs: usize) -> Vec<u64> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(file).expect("create"));
    let mut bad = Vec::new();
    let mut articles = common::generated(base, docs).into_iter();
    for n in 1..=docs as u64 {
        let a = articles.next().expect("enough articles");
        if n % 100 == 50 {
            let k = bad.len();
            if k == 0 {
                let mut huge = a.clone();
                huge.body = "Le gouvernement a présenté sa réforme. ".repeat(50_000_000 / 40);
                serde_json::to_writer(&mut out, &huge).expect("write");
            } else if BAD[k % BAD.len()].0 == "invalid UTF-8" {
                out.write_all(b"{\"id\": \"bad-utf8\", \"title\": \"caf\xe9\"}").expect("write");
            } else {
                out.write_all(BAD[k % BAD.len()].1.as_bytes()).expect("write");
            }
            bad.push(n);
        } else {
            let mut v = serde_json::to_value(&a).expect("article");
            if let Some(o) = v.as_object_mut() {
                o.remove("lang");
            }
            serde_json::to_writer(&mut out, &v).expect("write");
        }
        out.write_all(b"\n").expect("write");
    }
    out.flush().expect("flush");
    drop(out);
    bad
}

/// `DEPECHE_BENCH_IMPORT_LATENCY=1`: only the search latency after importing `DEPECHE_BENCH_DOCS`
/// generated articles (default 1,000,000), as imported and after the final merge; with
/// `DEPECHE_BENCH_MEMORY_MB`, that indexing budget instead of the default.
pub fn latency_only() {
    let Some((_, work, docs)) = setup(1_000_000) else { return };
    let file = work.join("articles.jsonl");
    write_generated(&file, &[], docs);
    latency_with_and_without_merge(&file, &work);
    let _ = std::fs::remove_file(&file);
}
