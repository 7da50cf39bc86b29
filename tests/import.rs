//! The bulk import's pipeline: the same report whatever the threads, batches and commits;
//! every kind of bad line refused with its number; an import run again replaces what is
//! there; a process killed in the middle of an import (or of its merges) and run again ends
//! with each id once and no file left behind.
//!
//! The kills are real: a child process (this test binary run again, `current_exe`) imports
//! a file into a directory and is killed with SIGKILL.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{article, visible_ids, Rng};
use depeche::index::{Article, ImportOptions, ImportReport, IndexOptions, NewsIndex, Progress};
use proptest::prelude::*;

/// The kinds of line the model knows the fate of.
#[derive(Clone, Debug)]
enum Kind {
    /// A valid article with the id `a{n}`, `n` small so that ids repeat.
    Valid(u8),
    Blank,
    Spaces,
    InvalidJson,
    MissingId,
    ImpossibleDate,
    InvalidUtf8,
    NoText,
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        8 => (0u8..24).prop_map(Kind::Valid),
        1 => Just(Kind::Blank),
        1 => Just(Kind::Spaces),
        1 => Just(Kind::InvalidJson),
        1 => Just(Kind::MissingId),
        1 => Just(Kind::ImpossibleDate),
        1 => Just(Kind::InvalidUtf8),
        1 => Just(Kind::NoText),
    ]
}

/// The bytes of a line of `kind` (line `n`), without its newline.
fn line(kind: &Kind, n: usize) -> Vec<u8> {
    let valid = |id: &str| {
        let a = article(id, "lot", 5 + n % 7, &mut Rng(n as u64));
        serde_json::to_vec(&a).unwrap()
    };
    match kind {
        Kind::Valid(i) => valid(&format!("a{i}")),
        Kind::Blank => Vec::new(),
        Kind::Spaces => b" \t ".to_vec(),
        Kind::InvalidJson => b"{\"id\": \"x\", \"title\": ".to_vec(),
        Kind::MissingId => br#"{"title": "Sans identifiant"}"#.to_vec(),
        Kind::ImpossibleDate => br#"{"id": "d", "title": "Date", "date": "2016-02-30"}"#.to_vec(),
        Kind::InvalidUtf8 => b"{\"id\": \"u\", \"title\": \"\xff\xfe\"}".to_vec(),
        Kind::NoText => br#"{"id": "vide", "title": " ", "body": ""}"#.to_vec(),
    }
}

fn input(kinds: &[Kind]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, k) in kinds.iter().enumerate() {
        out.extend(line(k, i + 1));
        out.push(b'\n');
    }
    out
}

/// What the report must say about `kinds`, and the ids the index must hold.
struct Expected {
    refused: Vec<(u64, &'static str)>,
    blank: u64,
    indexed: u64,
    replaced: u64,
    ids: BTreeSet<String>,
}

fn expected(kinds: &[Kind]) -> Expected {
    let mut e =
        Expected { refused: Vec::new(), blank: 0, indexed: 0, replaced: 0, ids: BTreeSet::new() };
    for (i, k) in kinds.iter().enumerate() {
        let n = i as u64 + 1;
        match k {
            Kind::Valid(id) => {
                e.indexed += 1;
                if !e.ids.insert(format!("a{id}")) {
                    e.replaced += 1;
                }
            }
            Kind::Blank | Kind::Spaces => e.blank += 1,
            Kind::InvalidJson => e.refused.push((n, "invalid JSON")),
            Kind::MissingId => e.refused.push((n, "invalid JSON")),
            Kind::ImpossibleDate => e.refused.push((n, "2016-02-30")),
            Kind::InvalidUtf8 => e.refused.push((n, "invalid UTF-8")),
            Kind::NoText => e.refused.push((n, "neither title nor body")),
        }
    }
    e
}

fn options(threads: usize, batch_lines: usize, commit_bytes: u64) -> ImportOptions {
    ImportOptions {
        progress: Progress::Hidden,
        commit_bytes,
        merge_to: Some(1 + batch_lines % 3),
        parse_threads: threads,
        batch_lines,
    }
}

fn small_index() -> NewsIndex {
    NewsIndex::create_in_ram_with(IndexOptions { memory_budget: 30_000_000, threads: 2 }).unwrap()
}

fn check(report: &ImportReport, want: &Expected, index: &NewsIndex) {
    let got: Vec<u64> = report.refused.iter().map(|r| r.line).collect();
    let lines: Vec<u64> = want.refused.iter().map(|(l, _)| *l).collect();
    assert_eq!(got, lines, "refused lines, in line order");
    for (r, (_, word)) in report.refused.iter().zip(&want.refused) {
        assert!(r.reason.contains(word), "line {}: {:?} should say {word:?}", r.line, r.reason);
    }
    assert_eq!(report.blank, want.blank, "blank lines");
    assert_eq!(report.indexed, want.indexed, "indexed");
    assert_eq!(report.replaced, want.replaced, "replaced");
    assert!(report.not_committed.is_empty());
    let (ids, docs) = visible_ids(index);
    assert_eq!(ids, want.ids, "the ids the index holds");
    assert_eq!(docs, ids.len(), "each id once");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// One preparing thread with one-line batches (the sequential import) and several
    /// threads with random batches and commits give the same report, the model's.
    #[test]
    fn the_report_is_the_same_whatever_the_threads_batches_and_commits(
        kinds in proptest::collection::vec(kind(), 0..60),
        threads in 2usize..5,
        batch_lines in 1usize..9,
        commit_bytes in 1u64..20_000,
    ) {
        let data = input(&kinds);
        let want = expected(&kinds);
        let sequential = small_index();
        let one = sequential
            .import_jsonl_with(&data[..], None, &options(1, 1, u64::MAX))
            .unwrap();
        check(&one, &want, &sequential);
        let parallel = small_index();
        let many = parallel
            .import_jsonl_with(&data[..], None, &options(threads, batch_lines, commit_bytes))
            .unwrap();
        prop_assert_eq!(&one, &many);
        check(&many, &want, &parallel);
    }
}

/// (name, line, word the reason must hold). Each runs in one file, in this order.
const BAD_LINES: &[(&str, &[u8], &str)] = &[
    ("invalid_json", b"{\"id\": ", "invalid JSON article"),
    ("not_an_object", b"[1, 2]", "invalid JSON article"),
    ("missing_id", br#"{"title": "Titre"}"#, "missing field `id`"),
    ("empty_id", br#"{"id": " ", "title": "Titre"}"#, "missing id"),
    ("impossible_date", br#"{"id": "d", "title": "T", "date": "2016-13-01"}"#, "2016-13-01"),
    ("year_out_of_range", br#"{"id": "y", "title": "T", "date": "1500-01-01"}"#, "year outside"),
    ("invalid_utf8", b"{\"id\": \"u\", \"title\": \"caf\xe9\"}", "invalid UTF-8"),
    ("no_text", br#"{"id": "n", "title": "", "body": ""}"#, "neither title nor body"),
    ("null_id", br#"{"id": null, "title": "T"}"#, "invalid JSON article"),
];

#[test]
fn each_kind_of_bad_line_is_refused_with_its_number_and_the_others_are_indexed() {
    let options = IndexOptions { memory_budget: 15_000_000, threads: 1 };
    let index = NewsIndex::create_in_ram_with(options).unwrap();
    let max = index.max_article_bytes();
    let mut data = Vec::new();
    let mut want = Vec::new();
    let mut rng = Rng(3);
    let mut n = 0;
    let mut push = |data: &mut Vec<u8>, bytes: &[u8]| {
        data.extend_from_slice(bytes);
        data.push(b'\n');
        n += 1;
        n
    };
    for (name, bad, word) in BAD_LINES {
        push(&mut data, &serde_json::to_vec(&article(name, "ok", 10, &mut rng)).unwrap());
        want.push((push(&mut data, bad), *name, word.to_string()));
    }
    // An article just over the size limit, and a line too long to read at all.
    let mut big = article("gros", "gros", 10, &mut rng);
    big.body = "mot ".repeat(max / 4 + 1);
    let line = push(&mut data, &serde_json::to_vec(&big).unwrap());
    want.push((line, "too_much_text", format!("more than the {max}")));
    big.body = "mot ".repeat(max + max / 2);
    let line = push(&mut data, &serde_json::to_vec(&big).unwrap());
    want.push((line, "line_too_long", "line longer than".to_string()));
    push(&mut data, &serde_json::to_vec(&article("dernier", "ok", 10, &mut rng)).unwrap());
    let import = ImportOptions {
        progress: Progress::Hidden,
        batch_lines: 3,
        parse_threads: 3,
        ..Default::default()
    };
    let report = index.import_jsonl_with(&data[..], None, &import).unwrap();
    let got: Vec<u64> = report.refused.iter().map(|r| r.line).collect();
    let lines: Vec<u64> = want.iter().map(|(l, _, _)| *l).collect();
    assert_eq!(got, lines, "{report}");
    for (r, (_, name, word)) in report.refused.iter().zip(&want) {
        assert!(r.reason.contains(word.as_str()), "{name}: {:?} should say {word:?}", r.reason);
    }
    assert_eq!(report.indexed, BAD_LINES.len() as u64 + 1, "{report}");
    assert_eq!(index.num_articles(), report.indexed);
}

#[test]
fn the_same_import_again_replaces_every_article() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("articles.jsonl");
    let mut rng = Rng(5);
    let articles: Vec<Article> =
        (0..300).map(|i| article(&format!("r{i}"), "encore", 20, &mut rng)).collect();
    std::fs::write(&file, common::jsonl(&articles)).unwrap();
    let index = NewsIndex::open_or_create(dir.path().join("index")).unwrap();
    let import =
        ImportOptions { progress: Progress::Hidden, commit_bytes: 20_000, ..Default::default() };
    let first = index.import_jsonl_file_with(&file, &import).unwrap();
    assert_eq!((first.indexed, first.replaced), (300, 0), "{first}");
    let second = index.import_jsonl_file_with(&file, &import).unwrap();
    assert_eq!((second.indexed, second.replaced), (300, 300), "{second}");
    let (ids, docs) = visible_ids(&index);
    assert_eq!((ids.len(), docs), (300, 300));
    assert!(index.segment_count() <= depeche::index::IMPORT_MERGE_TO);
}

const CHILD_DIR: &str = "DEPECHE_IMPORT_CHILD_DIR";
const CHILD_FILE: &str = "DEPECHE_IMPORT_CHILD_FILE";
/// Printed by the child once the lines are imported and committed, before it merges.
const IMPORTED: &str = "depeche-import-imported";
const KILL_TEST: &str =
    "a_process_killed_during_an_import_or_its_merge_then_run_again_leaves_each_id_once";

/// The import the child runs, and the parent runs again: commits every 20 KB, no merge at
/// the end of the import, then a merge into one segment.
fn import_then_merge(dir: &Path, file: &Path, out: &mut dyn Write) -> ImportReport {
    let options = IndexOptions { memory_budget: 30_000_000, threads: 2 };
    let index = NewsIndex::open_or_create_with(dir, options).unwrap();
    let import = ImportOptions {
        progress: Progress::Hidden,
        commit_bytes: 20_000,
        merge_to: None,
        ..Default::default()
    };
    let report = index.import_jsonl_file_with(file, &import).unwrap();
    writeln!(out, "\n{IMPORTED}").unwrap();
    out.flush().unwrap();
    index.merge_segments(1).unwrap();
    report
}

/// Files in `dir` that no segment of its last commit owns (tantivy names a segment's files
/// `<segment id>.<component>`).
fn orphans(dir: &Path) -> Vec<String> {
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("meta.json")).unwrap()).unwrap();
    let live: BTreeSet<String> = meta["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["segment_id"].as_str().unwrap().replace('-', ""))
        .collect();
    let mut left = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name == "meta.json" {
            continue;
        }
        let segment = name.split('.').next().unwrap_or_default();
        if !live.contains(segment) {
            left.push(name);
        }
    }
    left.sort();
    left
}

/// Whether the last commit in `dir` holds a segment.
fn has_committed_articles(dir: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(dir.join("meta.json")) else { return false };
    serde_json::from_str::<serde_json::Value>(&text)
        .is_ok_and(|m| m["segments"].as_array().is_some_and(|s| !s.is_empty()))
}

/// A child imports, the parent kills it `delay` after it starts (or after it printed
/// [`IMPORTED`]); the same import then runs again to its end.
#[test]
fn a_process_killed_during_an_import_or_its_merge_then_run_again_leaves_each_id_once() {
    if let (Ok(dir), Ok(file)) = (std::env::var(CHILD_DIR), std::env::var(CHILD_FILE)) {
        import_then_merge(Path::new(&dir), Path::new(&file), &mut std::io::stdout());
        return;
    }
    if !cfg!(unix) {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("articles.jsonl");
    let mut rng = Rng(77);
    let mut articles: Vec<Article> =
        (0..1_200).map(|i| article(&format!("k{i}"), "tuer", 40, &mut rng)).collect();
    // Ids seen twice in the file: the rerun must still count replacements exactly.
    articles.extend((0..50).map(|i| article(&format!("k{}", i * 7), "double", 10, &mut rng)));
    std::fs::write(&file, common::jsonl(&articles)).unwrap();
    let distinct: BTreeSet<String> = articles.iter().map(|a| a.id.clone()).collect();
    let in_file: BTreeMap<&str, usize> = articles.iter().fold(BTreeMap::new(), |mut m, a| {
        *m.entry(a.id.as_str()).or_default() += 1;
        m
    });
    let mut outcomes = Vec::new();
    // (wait for the import's end or for its first commit, then this delay in ms).
    let kills = [(false, 0), (false, 150), (false, 500), (true, 0), (true, 40)];
    for (trial, &(after_import, delay)) in kills.iter().enumerate() {
        let dir = root.path().join(format!("index-{trial}"));
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([KILL_TEST, "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD_DIR, &dir)
            .env(CHILD_FILE, &file)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        if after_import {
            let stdout = child.stdout.take().unwrap();
            let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
            let seen = lines.any(|l| l.is_ok_and(|l| l.contains(IMPORTED)));
            assert!(seen, "trial {trial}: the child never finished its import");
            std::thread::sleep(Duration::from_millis(delay));
        } else {
            while !has_committed_articles(&dir) {
                assert!(started.elapsed() < Duration::from_secs(120), "trial {trial}: no commit");
                std::thread::sleep(Duration::from_millis(5));
            }
            std::thread::sleep(Duration::from_millis(delay));
        }
        child.kill().unwrap();
        let status = child.wait().unwrap();
        let killed_after = started.elapsed();
        // What the kill left: committed articles, maybe files of an unfinished merge.
        let (before, left) = if dir.join("meta.json").exists() {
            let index = NewsIndex::open_verified(&dir).unwrap();
            let (ids, docs) = visible_ids(&index);
            assert_eq!(ids.len(), docs, "trial {trial}: a duplicated id after the kill");
            (ids, orphans(&dir))
        } else {
            (BTreeSet::new(), Vec::new())
        };
        // The same import again, to its end.
        let report = import_then_merge(&dir, &file, &mut std::io::sink());
        let index = NewsIndex::open_verified(&dir).unwrap();
        let (ids, docs) = visible_ids(&index);
        assert_eq!(ids, distinct, "trial {trial}: every id of the file");
        assert_eq!(docs, distinct.len(), "trial {trial}: each id once");
        // Each article of the file replaces one when its id was committed before the kill,
        // or seen earlier in the file.
        let replaced: usize =
            in_file.iter().map(|(id, n)| n - 1 + usize::from(before.contains(*id))).sum();
        assert_eq!(report.indexed, articles.len() as u64, "trial {trial}: {report}");
        assert_eq!(report.replaced, replaced as u64, "trial {trial}: {report}");
        assert_eq!(orphans(&dir), Vec::<String>::new(), "trial {trial}: files left behind");
        assert_eq!(index.segment_count(), 1, "trial {trial}");
        outcomes.push(format!(
            "kill {trial} at {:.2} s ({}): {} articles committed before, {} files left by \
             the kill, {} replaced by the rerun",
            killed_after.as_secs_f64(),
            if status.success() { "already done" } else { "killed" },
            before.len(),
            left.len(),
            report.replaced
        ));
    }
    println!("{}", outcomes.join("\n"));
}

/// A process that commits while tantivy merges in the background, then ends (dropping its
/// index), leaves no file of an unfinished merge behind.
#[test]
fn an_index_dropped_while_tantivy_merges_leaves_no_file_behind() {
    let dir = tempfile::tempdir().unwrap();
    let options = IndexOptions { memory_budget: 30_000_000, threads: 2 };
    let mut rng = Rng(8);
    {
        let index = NewsIndex::open_or_create_with(dir.path(), options).unwrap();
        for b in 0..12 {
            for i in 0..60 {
                index.add(&article(&format!("{b}-{i}"), "fusion", 60, &mut rng)).unwrap();
            }
            index.commit().unwrap();
        }
    }
    assert_eq!(orphans(dir.path()), Vec::<String>::new());
    let index = NewsIndex::open_verified(dir.path()).unwrap();
    assert_eq!(index.num_articles(), 12 * 60);
}
