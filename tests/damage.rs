//! Damaged indexes: bit flips and truncations in a copy of a real index.
//!
//! For every file of a small three-segment index, seeded single-bit flips and truncations
//! are applied to a fresh copy; the copy is opened with checksum verification
//! ([`NewsIndex::open_verified`]) and, separately, without it ([`NewsIndex::open`]); when it
//! opens, a set of searches runs. No panic may escape, every failure must be an error that
//! says what is wrong, and with verification every damage to a segment file must be caught
//! at open (each segment file ends with a CRC32 of its content).

mod common;

#[allow(dead_code)]
#[path = "../examples/search.rs"]
mod cli;

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use common::{article, Rng};
use depeche::index::{IndexOptions, NewsIndex};
use depeche::search::{SearchRequest, Sort};
use depeche::Error;

/// Damages per file and kind.
const FLIPS_PER_FILE: u64 = 6;

fn build_index(dir: &Path) {
    // One indexing thread, so one segment a commit: three segments.
    let index = NewsIndex::open_or_create_with(dir, IndexOptions::with_threads(1)).unwrap();
    let mut rng = Rng(7);
    for commit in 0..3 {
        for i in 0..60 {
            let id = format!("{commit}-{i}");
            index.add(&article(&id, &format!("lot{commit}"), 40, &mut rng)).unwrap();
        }
        index.commit().unwrap();
    }
    index.delete("0-1").unwrap();
    index.commit().unwrap();
}

fn requests() -> Vec<SearchRequest> {
    vec![
        SearchRequest::new("gouvernement"),
        SearchRequest::new("réforme des régions").facets(true),
        SearchRequest::new("\"l’Élysée\" budget"),
        SearchRequest::new("santé -école").sort(Sort::Newest),
        SearchRequest::new("climat").since("2016-03-01").until("2016-09-30"),
        SearchRequest::new("lot1").sort(Sort::Oldest).limit(200),
    ]
}

/// Ids of the hits of every request: what an undamaged index answers.
type Answers = Vec<Vec<String>>;

fn answers(index: &NewsIndex) -> Result<Answers, Error> {
    requests()
        .iter()
        .map(|r| Ok(index.search(r)?.hits.into_iter().map(|h| h.id).collect()))
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    CaughtAtOpen(Kind),
    CaughtAtSearch(Kind),
    UnnoticedSameAnswers,
    UnnoticedOtherAnswers,
}

/// How a damage was reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// `Error::DamagedIndex`: a checksum mismatch.
    Checksum,
    /// `Error::Internal`: tantivy panicked, the panic was contained.
    ContainedPanic,
    /// Any other error (tantivy's data corruption, I/O, JSON, incompatible index).
    OtherError,
}

fn kind(err: &Error) -> Kind {
    match err {
        Error::DamagedIndex { .. } => Kind::Checksum,
        Error::Internal { .. } => Kind::ContainedPanic,
        _ => Kind::OtherError,
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[derive(Clone, Copy, Debug)]
enum Damage {
    Flip { offset: u64, bit: u8 },
    Truncate { len: u64 },
}

fn apply(path: &Path, damage: Damage) {
    match damage {
        Damage::Flip { offset, bit } => {
            let mut bytes = std::fs::read(path).unwrap();
            bytes[offset as usize] ^= 1 << bit;
            std::fs::write(path, bytes).unwrap();
        }
        Damage::Truncate { len } => {
            std::fs::OpenOptions::new().write(true).open(path).unwrap().set_len(len).unwrap();
        }
    }
}

fn damages(len: u64, rng: &mut Rng) -> Vec<Damage> {
    let mut out = Vec::new();
    if len == 0 {
        return out;
    }
    for _ in 0..FLIPS_PER_FILE {
        out.push(Damage::Flip { offset: rng.below(len), bit: rng.below(8) as u8 });
    }
    // The last byte (the footer of segment files).
    out.push(Damage::Flip { offset: len - 1, bit: rng.below(8) as u8 });
    out.push(Damage::Truncate { len: 0 });
    out.push(Damage::Truncate { len: len - 1 });
    out.push(Damage::Truncate { len: len / 2 });
    out.push(Damage::Truncate { len: rng.below(len) });
    out
}

/// An error a reader can act on: it names what failed, not only "error".
fn assert_clear(err: &Error, what: &str) {
    let text = err.to_string();
    assert!(text.len() > 20, "{what}: unclear error {text:?}");
    if std::env::var_os("DEPECHE_DAMAGE_VERBOSE").is_some() {
        println!("{what}: {text}");
    }
}

/// Opens (verified or not) and searches; any escaping panic fails the test with `what`.
fn try_damaged(dir: &Path, verified: bool, pristine: &Answers, what: &str) -> Outcome {
    let run = || {
        let opened = if verified { NewsIndex::open_verified(dir) } else { NewsIndex::open(dir) };
        let index = match opened {
            Ok(index) => index,
            Err(e) => {
                assert_clear(&e, what);
                return Outcome::CaughtAtOpen(kind(&e));
            }
        };
        match answers(&index) {
            Err(e) => {
                assert_clear(&e, what);
                Outcome::CaughtAtSearch(kind(&e))
            }
            Ok(a) if a == *pristine => Outcome::UnnoticedSameAnswers,
            Ok(_) => Outcome::UnnoticedOtherAnswers,
        }
    };
    match catch_unwind(AssertUnwindSafe(run)) {
        Ok(outcome) => outcome,
        Err(_) => panic!("{what}: a panic escaped depeche (verified open: {verified})"),
    }
}

#[test]
fn damaged_index_files_are_caught_at_open_and_never_panic() {
    let root = tempfile::tempdir().unwrap();
    let pristine_dir = root.path().join("pristine");
    build_index(&pristine_dir);
    let pristine = answers(&NewsIndex::open_verified(&pristine_dir).unwrap()).unwrap();
    assert!(pristine.iter().all(|hits| !hits.is_empty()), "every request finds something");

    let mut files: Vec<PathBuf> = std::fs::read_dir(&pristine_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        // The writer lock files hold nothing.
        .filter(|p| !p.file_name().unwrap().to_string_lossy().ends_with(".lock"))
        .collect();
    // Segment files are named by random ids: order them, and seed their damages, by kind
    // (extension) and size, so that runs are reproducible.
    let ext = |p: &PathBuf| {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        name.split_once('.').map_or(name.clone(), |(_, e)| e.to_string())
    };
    files.sort_by_key(|p| (ext(p), std::fs::metadata(p).unwrap().len()));
    let mut tally: BTreeMap<(bool, &str, Outcome), u64> = BTreeMap::new();
    let mut cases = 0;
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let is_segment_file = name != "meta.json" && name != ".managed.json";
        let kind = if is_segment_file { "segment files" } else { "meta.json, .managed.json" };
        let len = std::fs::metadata(file).unwrap().len();
        let seed = ext(file).bytes().fold(len, |h, b| h.wrapping_mul(31).wrapping_add(b as u64));
        for damage in damages(len, &mut Rng(seed)) {
            for verified in [true, false] {
                cases += 1;
                let copy = root.path().join(format!("case-{cases}"));
                copy_dir(&pristine_dir, &copy);
                apply(&copy.join(&name), damage);
                let what = format!("{name} {damage:?}");
                let outcome = try_damaged(&copy, verified, &pristine, &what);
                if verified && is_segment_file {
                    assert!(
                        matches!(outcome, Outcome::CaughtAtOpen(_)),
                        "{what}: damage to a segment file not caught by open_verified: {outcome:?}"
                    );
                }
                *tally.entry((verified, kind, outcome)).or_default() += 1;
                std::fs::remove_dir_all(&copy).unwrap();
            }
        }
    }
    println!("damage test: {} files, {} damaged copies opened", files.len(), cases);
    for ((verified, kind, outcome), n) in &tally {
        let open = if *verified { "open_verified" } else { "open" };
        println!("  {open:13} {kind:25} {outcome:?}: {n}");
    }
    let open_verified_caught: u64 = tally
        .iter()
        .filter(|((v, _, o), _)| *v && matches!(o, Outcome::CaughtAtOpen(_)))
        .map(|(_, n)| n)
        .sum();
    println!("  open_verified caught {open_verified_caught} of {} damages at open", cases / 2);
}

/// Flips one bit in the middle of the largest file of `dir` (a segment file).
fn flip_largest_file(dir: &Path) -> String {
    let largest = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .unwrap();
    let len = std::fs::metadata(&largest).unwrap().len();
    apply(&largest, Damage::Flip { offset: len / 2, bit: 3 });
    largest.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn example_rebuilds_a_damaged_cache_and_refuses_a_damaged_index_dir() {
    let root = tempfile::tempdir().unwrap();
    let mut rng = Rng(5);
    let corpus: String = (0..40)
        .map(|i| serde_json::to_string(&article(&format!("{i}"), "cache", 50, &mut rng)).unwrap())
        .map(|line| line + "\n")
        .collect();
    // The default cache: a damaged copy is rebuilt from the corpus.
    let cache = root.path().join("cache");
    let (index, built) = cli::ensure_corpus_index(&cache, corpus.as_bytes()).unwrap();
    assert!(built);
    drop(index);
    flip_largest_file(&cache);
    let (index, built) = cli::ensure_corpus_index(&cache, corpus.as_bytes()).unwrap();
    assert!(built, "a damaged cache is rebuilt");
    assert_eq!(index.num_articles(), 40);
    assert!(index.verify().is_ok());
    drop(index);

    // `--index DIR`: the user's index is refused with the damaged file named, never rebuilt.
    let dir = root.path().join("user");
    build_index(&dir);
    let damaged = flip_largest_file(&dir);
    let args: Vec<String> =
        ["--index", dir.to_str().unwrap(), "gouvernement"].iter().map(|s| s.to_string()).collect();
    let mut out = Vec::new();
    let err = cli::run(&args, &mut out, false).unwrap_err();
    assert_eq!(err.status, 1);
    assert!(err.message.contains("damaged index"), "{}", err.message);
    assert!(err.message.contains(&damaged), "the file is named: {}", err.message);
}
