//! Crash safety: a child process imports batches into a directory index and commits after
//! each one; the test kills it with SIGKILL at a random moment, then checks the index.
//!
//! The child is this test binary run again (`current_exe`) with `DEPECHE_CRASH_CHILD_DIR`
//! set. It prints an acknowledgement of batch N (flushed) after `NewsIndex::commit` of batch N returned. After the
//! kill, the index must open (with checksum verification) and hold exactly the state after
//! some batch M, where M is the last acknowledged batch or the one after it (killed after its
//! commit, before its acknowledgement): every article of every acknowledged batch is there
//! with its exact id, and no batch is visible in part.
//!
//! Each batch adds articles, upserts the article `latest` and deletes one article of an
//! older batch, so a partial commit would show as a missing, extra or duplicated id.
//! Several kills hit the same index in a row (recovery after recovery); background merges
//! and multi-segment commits happen along the way.
//!
//! `DEPECHE_CRASH_TRIALS` (default 12) sets the number of kills, `DEPECHE_CRASH_SEED` the
//! seed; the full run in the README is `DEPECHE_CRASH_TRIALS=200`.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{article, visible_ids, Rng};
use depeche::index::{IndexOptions, NewsIndex};

const CHILD_DIR: &str = "DEPECHE_CRASH_CHILD_DIR";
const CHILD_START: &str = "DEPECHE_CRASH_CHILD_START";
/// Printed by the child, followed by the batch number, after each commit.
const ACK: &str = "depeche-crash-ack ";
/// Printed by the child, followed by the batch number, before each commit.
const COMMITTING: &str = "depeche-crash-committing ";
const TEST_NAME: &str = "sigkill_at_random_moments_keeps_every_acknowledged_commit";
/// Kills per index directory before a fresh one is used.
const KILLS_PER_INDEX: u64 = 5;
/// Half of the kills come after a delay uniform in `0..MAX_DELAY_MS` after the child starts
/// (start-up, recovery, first batch); the other half after 1 to 3 acknowledgements and then
/// a delay uniform in `0..MAX_DELAY_AFTER_ACK_MS` (adds, commits, merges).
const MAX_DELAY_MS: u64 = 1_500;
const MAX_DELAY_AFTER_ACK_MS: u64 = 700;

/// Number of articles batch `b` adds: mostly small, every sixth one large enough to spread
/// over both indexing threads.
fn batch_size(b: u64) -> u64 {
    if b % 6 == 5 {
        300
    } else {
        1 + Rng(b).next_u64() % 30
    }
}

fn batch_tag(b: u64) -> String {
    format!("lot{b}")
}

/// The article of batch `b` that batch `b + 3` deletes.
fn deleted_by(b: u64) -> Option<u64> {
    b.checked_sub(3)
}

/// The ids the index holds after batches `0..=last`.
fn expected_ids(last: Option<u64>) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let Some(last) = last else { return ids };
    for b in 0..=last {
        for i in 0..batch_size(b) {
            ids.insert(format!("{b}-{i}"));
        }
        if let Some(old) = deleted_by(b) {
            ids.remove(&format!("{old}-0"));
        }
    }
    ids.insert("latest".to_string());
    ids
}

/// Child mode: apply batches from `start` on, acknowledging each commit, until killed.
fn child(dir: &str) {
    let start: u64 = std::env::var(CHILD_START).unwrap().parse().unwrap();
    let options = IndexOptions { memory_budget: 40_000_000, threads: 2 };
    let index = NewsIndex::open_or_create_with(dir, options).expect("child opens the index");
    let mut out = std::io::stdout();
    for b in start..start + 100_000 {
        let mut rng = Rng(b ^ 0xc0ffee);
        let tag = batch_tag(b);
        for i in 0..batch_size(b) {
            index
                .add(&article(&format!("{b}-{i}"), &tag, 20 + rng.below(60) as usize, &mut rng))
                .expect("add");
        }
        index.add(&article("latest", &tag, 5, &mut rng)).expect("upsert latest");
        if let Some(old) = deleted_by(b) {
            index.delete(&format!("{old}-0")).expect("delete");
        }
        writeln!(out, "{COMMITTING}{b}").unwrap();
        out.flush().unwrap();
        index.commit().expect("commit");
        writeln!(out, "{ACK}{b}").unwrap();
        out.flush().unwrap();
    }
}

/// When to kill the child.
#[derive(Clone, Copy, Debug)]
struct KillAt {
    /// Acknowledgements to wait for first.
    acks: usize,
    /// Then this delay.
    delay: Duration,
}

/// What the child printed before it died.
#[derive(Default)]
struct ChildLog {
    acked: Vec<u64>,
    committing: Vec<u64>,
}

/// Runs the child on `dir` from batch `start`, kills it at `at`; returns what it printed.
fn run_and_kill(dir: &Path, start: u64, at: KillAt) -> ChildLog {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([TEST_NAME, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_DIR, dir)
        .env(CHILD_START, start.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the child");
    let stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
        text
    });
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut log = ChildLog::default();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            // libtest may print `test NAME ... ` on the same line as the first message.
            let batch = |(_, n): (&str, &str)| n.trim().parse::<u64>().unwrap();
            if let Some(b) = line.split_once(ACK).map(batch) {
                log.acked.push(b);
                let _ = tx.send(b);
            } else if let Some(b) = line.split_once(COMMITTING).map(batch) {
                log.committing.push(b);
            }
        }
        log
    });
    for _ in 0..at.acks {
        if let Err(e) = rx.recv_timeout(Duration::from_secs(60)) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the child stopped acknowledging commits ({e}): {}", errors.join().unwrap());
        }
    }
    std::thread::sleep(at.delay);
    // SIGKILL on unix: no destructor, no flush, no unwinding.
    child.kill().expect("kill the child");
    child.wait().unwrap();
    reader.join().unwrap()
}

#[derive(Default, Debug)]
struct Tally {
    trials: u64,
    acknowledged: u64,
    in_flight_visible: u64,
    killed_before_first_commit: u64,
    killed_while_adding: u64,
    killed_in_commit: u64,
}

/// Checks the index after a kill; returns the last batch it holds.
fn check(dir: &Path, last_acked: Option<u64>, tally: &mut Tally, trial: u64) -> Option<u64> {
    let index = NewsIndex::open_verified(dir)
        .unwrap_or_else(|e| panic!("trial {trial}: the index does not open after a kill: {e}"));
    let (ids, docs) = visible_ids(&index);
    assert_eq!(ids.len(), docs, "trial {trial}: a duplicated id (half an upsert) is visible");
    let next = last_acked.map_or(0, |b| b + 1);
    if ids == expected_ids(last_acked) {
        return last_acked;
    }
    if ids == expected_ids(Some(next)) {
        tally.in_flight_visible += 1;
        return Some(next);
    }
    let want = expected_ids(last_acked);
    let missing: Vec<_> = want.difference(&ids).take(5).collect();
    let extra: Vec<_> = ids.difference(&want).take(5).collect();
    panic!(
        "trial {trial}: after acknowledged batch {last_acked:?} the index holds neither that \
         state nor the next batch whole: missing {missing:?}, extra {extra:?}"
    );
}

#[test]
fn sigkill_at_random_moments_keeps_every_acknowledged_commit() {
    if let Ok(dir) = std::env::var(CHILD_DIR) {
        child(&dir);
        return;
    }
    if !cfg!(unix) {
        // Child::kill is TerminateProcess elsewhere: the same abrupt end, but not tested here.
        return;
    }
    let env_num = |name: &str, default: u64| {
        std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
    };
    let trials = env_num("DEPECHE_CRASH_TRIALS", 12);
    let seed = env_num("DEPECHE_CRASH_SEED", 0x5eed);
    let root = tempfile::tempdir().unwrap();
    let mut rng = Rng(seed);
    let mut tally = Tally::default();
    let started = Instant::now();
    let mut last: Option<u64> = None;
    for trial in 0..trials {
        let dir = root.path().join(format!("index-{}", trial / KILLS_PER_INDEX));
        if trial % KILLS_PER_INDEX == 0 {
            last = None;
        }
        let start = last.map_or(0, |b| b + 1);
        let at = if trial % 2 == 0 {
            KillAt { acks: 0, delay: Duration::from_millis(rng.below(MAX_DELAY_MS)) }
        } else {
            KillAt {
                acks: 1 + rng.below(3) as usize,
                delay: Duration::from_millis(rng.below(MAX_DELAY_AFTER_ACK_MS)),
            }
        };
        let log = run_and_kill(&dir, start, at);
        let acks = log.acked;
        let expected: Vec<u64> = (start..start + acks.len() as u64).collect();
        assert_eq!(acks, expected, "trial {trial}: acknowledgements out of order");
        // Where the kill landed: before any commit, while adding a batch, or between the
        // start of a commit and its acknowledgement.
        match (log.committing.last(), acks.last()) {
            (None, _) => tally.killed_before_first_commit += 1,
            (Some(c), Some(a)) if c == a => tally.killed_while_adding += 1,
            _ => tally.killed_in_commit += 1,
        }
        tally.acknowledged += acks.len() as u64;
        let last_acked = acks.last().copied().or(last);
        if !dir.join("meta.json").exists() {
            // Killed before the index was even created.
            assert!(acks.is_empty());
            continue;
        }
        last = check(&dir, last_acked, &mut tally, trial);
        tally.trials += 1;
    }
    println!(
        "crash trials: {trials} kills (seed {seed:#x}), {} indexes checked, {} commits \
         acknowledged and all found; kills before the first commit: {}, while adding a batch: \
         {}, inside commit (before its acknowledgement): {}, of which the commit was visible \
         (whole) after the kill: {}; {:.1} s",
        tally.trials,
        tally.acknowledged,
        tally.killed_before_first_commit,
        tally.killed_while_adding,
        tally.killed_in_commit,
        tally.in_flight_visible,
        started.elapsed().as_secs_f64()
    );
}

/// Regression (found by the harness above): a kill after tantivy wrote a delete file
/// (`<segment>.<opstamp>.del`) but before `meta.json` named it left that file behind; the
/// next process restarted opstamps from the last commit, wanted the same file name, and
/// every commit failed with "file already exists".
#[test]
fn files_left_by_an_interrupted_commit_do_not_block_the_next_one() {
    let root = tempfile::tempdir().unwrap();
    let (done, interrupted) = (root.path().join("done"), root.path().join("interrupted"));
    let mut rng = Rng(9);
    {
        let index = NewsIndex::open_or_create(&done).unwrap();
        for i in 0..5 {
            index.add(&article(&format!("a{i}"), "lot", 10, &mut rng)).unwrap();
        }
        index.commit().unwrap();
    }
    let copy = |from: &Path, to: &Path, skip_meta: bool| {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let name = entry.unwrap().file_name();
            if !(skip_meta && name == "meta.json") {
                std::fs::copy(from.join(&name), to.join(&name)).unwrap();
            }
        }
    };
    copy(&done, &interrupted, false);
    let second_commit = |dir: &Path| {
        let index = NewsIndex::open_or_create(dir).unwrap();
        index.delete("a1").unwrap();
        index.add(&article("b0", "lot", 10, &mut Rng(10))).unwrap();
        index.commit()
    };
    second_commit(&done).unwrap();
    // The interrupted copy: the second commit's files (and their registration in
    // `.managed.json`) are there, its `meta.json` is not.
    copy(&done, &interrupted, true);
    second_commit(&interrupted).expect("the commit after an interrupted one succeeds");
    let index = NewsIndex::open_verified(&interrupted).unwrap();
    let ids: Vec<String> = visible_ids(&index).0.into_iter().collect();
    assert_eq!(ids, ["a0", "a2", "a3", "a4", "b0"]);
}
