//! Documents that make the index writer fail.
//!
//! tantivy's writer fails when a segment cannot be written (disk full, file too large, an I/O
//! error) or when an indexing thread fails; it then refuses every later write and drops
//! everything since the last commit. The bulk import must not stay stuck on the dead writer
//! nor claim articles it lost: it starts a fresh writer, goes on, and lists every article
//! that was not committed.
//!
//! The import adds the dropped articles again on a fresh writer, halving the group that
//! fails, so that only the article that cannot be written is reported.
//!
//! The failure is real, not simulated: a child process (this test binary run again) imports
//! under a file-size limit (`ulimit -f`, with `SIGXFSZ` ignored so writes past it fail with
//! `EFBIG`), and one article is too large for a segment file under that limit.

mod common;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::Command;

use common::{article, jsonl, visible_ids, Rng};
use depeche::index::{Article, ImportReport, NewsIndex, Progress};

const CHILD_DIR: &str = "DEPECHE_BADDOC_CHILD_DIR";
const TEST_NAME: &str = "an_article_that_kills_the_writer_is_reported_and_the_import_goes_on";
const REPORT: &str = "depeche-import-report ";
/// The file-size limit of the child, in 512-byte blocks (`dash`; `bash` counts 1024-byte
/// blocks): 512 KB or 1 MB, far above the small articles' segments.
const FILE_BLOCKS: u64 = 1024;

/// A body of `bytes` bytes of distinct words that neither compress nor repeat much, so that
/// its segment files are about as large as the text.
fn incompressible_body(bytes: usize, rng: &mut Rng) -> String {
    let mut body = String::with_capacity(bytes + 16);
    while body.len() < bytes {
        let w = rng.next_u64();
        body.push_str(&format!("mot{:x} ", w & 0xffff_ffff_ffff));
    }
    body
}

/// The first import: small articles around one whose body makes a 2 MB segment.
fn first_batch() -> Vec<Article> {
    let mut rng = Rng(11);
    let mut articles: Vec<Article> =
        (0..400).map(|i| article(&format!("a{i}"), "avant", 30, &mut rng)).collect();
    let mut big = article("trop-gros", "gros", 5, &mut rng);
    big.body = incompressible_body(2_000_000, &mut rng);
    articles.push(big);
    articles.extend((0..4000).map(|i| article(&format!("b{i}"), "apres", 30, &mut rng)));
    articles
}

/// The second import, after the failure: the writer must work again.
fn second_batch() -> Vec<Article> {
    let mut rng = Rng(12);
    (0..50).map(|i| article(&format!("c{i}"), "ensuite", 30, &mut rng)).collect()
}

fn child(dir: &str) {
    let index = NewsIndex::open_or_create(dir).unwrap();
    let mut out = std::io::stdout();
    for batch in [first_batch(), second_batch()] {
        let report = index.import_jsonl(&jsonl(&batch)[..], None, Progress::Hidden).unwrap();
        writeln!(out, "\n{REPORT}{}", serde_json::to_string(&report).unwrap()).unwrap();
    }
}

/// Every line is accounted for; the ids the index holds are exactly the committed ones.
fn check_report(report: &ImportReport, articles: &[Article], committed: &mut BTreeSet<String>) {
    let lost = report.not_committed.len() as u64;
    assert_eq!(
        report.lines_read,
        report.blank + report.indexed + report.refused.len() as u64 + lost,
        "every line is indexed, refused or reported as not committed"
    );
    assert!(report.refused.is_empty(), "all the articles are valid: {:?}", report.refused);
    let lost_lines: BTreeSet<u64> = report.not_committed.iter().map(|r| r.line).collect();
    for (i, a) in articles.iter().enumerate() {
        if !lost_lines.contains(&(i as u64 + 1)) {
            committed.insert(a.id.clone());
        }
    }
    for r in &report.not_committed {
        let a = &articles[r.line as usize - 1];
        assert_eq!(r.id.as_deref(), Some(a.id.as_str()), "line {} names its article", r.line);
        assert!(r.reason.contains("not committed"), "the reason says so: {}", r.reason);
    }
}

#[test]
fn an_article_that_kills_the_writer_is_reported_and_the_import_goes_on() {
    if let Ok(dir) = std::env::var(CHILD_DIR) {
        child(&dir);
        return;
    }
    if !cfg!(unix) || !Path::new("/bin/sh").exists() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("index");
    let output = Command::new("/bin/sh")
        .arg("-c")
        .arg(format!("trap '' XFSZ; ulimit -f {FILE_BLOCKS} && exec \"$0\" \"$@\""))
        .arg(std::env::current_exe().unwrap())
        .args([TEST_NAME, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_DIR, &dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the child failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let reports: Vec<ImportReport> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix(REPORT))
        .map(|json| serde_json::from_str(json).unwrap())
        .collect();
    assert_eq!(reports.len(), 2, "{stdout}");

    let first = first_batch();
    let mut committed = BTreeSet::new();
    check_report(&reports[0], &first, &mut committed);
    let lost: Vec<_> = reports[0].not_committed.iter().map(|r| (r.line, r.id.as_deref())).collect();
    assert_eq!(
        lost,
        [(401, Some("trop-gros"))],
        "only the article too large for the file-size limit is not committed: {}",
        reports[0]
    );
    assert!(
        reports[0].not_committed[0].reason.contains("File too large"),
        "the reason gives the writer's error: {}",
        reports[0].not_committed[0].reason
    );
    check_report(&reports[1], &second_batch(), &mut committed);
    assert_eq!(reports[1].not_committed, [], "the writer works again after a failure");

    let index = NewsIndex::open_verified(&dir).unwrap();
    let (ids, docs) = visible_ids(&index);
    assert_eq!(ids.len(), docs);
    assert_eq!(ids, committed, "the index holds exactly the articles reported as indexed");
    println!(
        "writer failure: first import {} indexed, {} not committed; second import {} indexed",
        reports[0].indexed,
        reports[0].not_committed.len(),
        reports[1].indexed
    );
}
