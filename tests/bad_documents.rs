//! Documents that make the index writer fail, and odd documents that must not.
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
use depeche::index::{Article, ImportReport, NewsIndex, Progress, MAX_ID_BYTES};
use depeche::search::SearchRequest;

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
    articles.extend((0..1000).map(|i| article(&format!("b{i}"), "apres", 30, &mut rng)));
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

/// An article that must be indexed (`true`) or refused (`false`), and a word it is found by.
struct Odd {
    name: &'static str,
    article: Article,
    indexed: bool,
}

fn odd_documents() -> Vec<Odd> {
    let base = |id: &str| Article {
        id: id.into(),
        title: "Titre ordinaire".into(),
        body: "Un texte ordinaire.".into(),
        ..Default::default()
    };
    let with = |id: &str, f: &dyn Fn(&mut Article)| {
        let mut a = base(id);
        f(&mut a);
        a
    };
    vec![
        Odd {
            name: "a_100_kb_token_is_dropped_not_fatal",
            article: with("jeton", &|a| a.body = format!("{} fin", "a".repeat(100_000))),
            indexed: true,
        },
        Odd {
            name: "nul_and_control_characters",
            article: with("controle", &|a| {
                a.title = "Titre\0avec\u{1}contrôle\u{7f}".into();
                a.tags = vec!["\0".into(), "a\0b".into(), "\u{1b}[31m".into()];
                a.source = Some("\u{7}".into());
            }),
            indexed: true,
        },
        Odd {
            name: "facet_separators_in_values",
            article: with("facettes", &|a| {
                a.section = Some("Politique/Intérieur".into());
                a.tags = vec!["/".into(), "//".into(), "\\".into(), " ".into()];
            }),
            indexed: true,
        },
        Odd {
            name: "a_70_kb_tag",
            article: with("etiquette", &|a| a.tags = vec!["t".repeat(70_000)]),
            indexed: true,
        },
        Odd {
            name: "ten_thousand_tags",
            article: with("etiquettes", &|a| {
                a.tags = (0..10_000).map(|i| format!("t{i}")).collect()
            }),
            indexed: true,
        },
        Odd {
            name: "bidi_emoji_combining_marks",
            article: with("unicode", &|a| {
                a.body = "\u{202e}élection\u{202c} 🗳️ e\u{301}le\u{300}ve \u{feff}fin".into()
            }),
            indexed: true,
        },
        Odd {
            name: "dates_at_the_limits",
            article: with("dates", &|a| a.date = Some("2200-12-31T23:59:59Z".into())),
            indexed: true,
        },
        Odd { name: "id_at_the_limit", article: base(&"x".repeat(MAX_ID_BYTES)), indexed: true },
        Odd {
            name: "id_over_the_limit_could_never_be_replaced",
            article: base(&"y".repeat(MAX_ID_BYTES + 1)),
            indexed: false,
        },
        Odd { name: "id_tantivy_would_drop", article: base(&"z".repeat(70_000)), indexed: false },
    ]
}

#[test]
fn odd_documents_are_indexed_or_refused_and_never_poison_the_writer() {
    let index = NewsIndex::create_in_ram().unwrap();
    let mut expected = BTreeSet::new();
    for odd in odd_documents() {
        let added = index.add(&odd.article);
        assert_eq!(added.is_ok(), odd.indexed, "{}: {added:?}", odd.name);
        if let Err(e) = added {
            assert!(matches!(e, depeche::Error::InvalidArticle { .. }), "{}: {e}", odd.name);
        }
        // Added twice: an upsert, still one article.
        let _ = index.add(&odd.article);
        index.commit().unwrap_or_else(|e| panic!("{}: the writer failed: {e}", odd.name));
        if odd.indexed {
            expected.insert(odd.article.id.trim().to_string());
        }
        let (ids, docs) = visible_ids(&index);
        assert_eq!((&ids, docs), (&expected, expected.len()), "{}", odd.name);
    }
    let hits = index.search(&SearchRequest::new("fin")).unwrap();
    assert_eq!(hits.total, 2, "the words around a dropped token are indexed");
}

fn input_line() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
    use proptest::prelude::*;
    let article = (
        "[a-c ]{0,3}",
        "\\PC{0,20}",
        "\\PC{0,30}",
        proptest::option::of("[0-9T:+-]{0,12}"),
        proptest::collection::vec("\\PC{0,6}", 0..3),
    )
        .prop_map(|(id, title, body, date, tags)| {
            let a = Article { id, title, body, date, tags, ..Default::default() };
            serde_json::to_vec(&a).unwrap()
        });
    prop_oneof![
        4 => article,
        2 => proptest::collection::vec(any::<u8>(), 0..40),
        1 => Just(b"   ".to_vec()),
        1 => Just(b"{\"id\": 1, \"title\": [1]}".to_vec()),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Whatever the input, every line is accounted for once and the import never fails.
    #[test]
    fn every_imported_line_is_indexed_refused_or_blank(
        lines in proptest::collection::vec(input_line(), 0..12),
        crlf in proptest::bool::ANY,
    ) {
        let input = lines.join(if crlf { &b"\r\n"[..] } else { &b"\n"[..] });
        let index = NewsIndex::create_in_ram().unwrap();
        let report = index.import_jsonl(&input[..], None, Progress::Hidden).unwrap();
        let newlines = input.iter().filter(|&&b| b == b'\n').count() as u64;
        let expected = newlines + u64::from(!input.is_empty() && !input.ends_with(b"\n"));
        proptest::prop_assert_eq!(report.lines_read, expected);
        proptest::prop_assert_eq!(
            report.lines_read,
            report.blank + report.indexed + report.refused.len() as u64,
            "{}", report
        );
        proptest::prop_assert!(report.not_committed.is_empty());
        proptest::prop_assert!(report.refused.windows(2).all(|w| w[0].line < w[1].line));
        proptest::prop_assert!(index.num_articles() <= report.indexed);
        proptest::prop_assert_eq!(index.num_articles() == 0, report.indexed == 0);
    }
}
