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
const TEST_NAME: &str = "sigkill_at_random_moments_keeps_every_acknowledged_commit";
/// Kills per index directory before a fresh one is used.
const KILLS_PER_INDEX: u64 = 5;
/// The kill comes after a delay uniform in `0..MAX_DELAY_MS` after the child starts.
const MAX_DELAY_MS: u64 = 1_500;

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
        index.commit().expect("commit");
        writeln!(out, "{ACK}{b}").unwrap();
        out.flush().unwrap();
    }
}

/// Runs the child on `dir` from batch `start`, kills it after `delay`; returns the
/// acknowledged batches.
fn run_and_kill(dir: &Path, start: u64, delay: Duration) -> Vec<u64> {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([TEST_NAME, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_DIR, dir)
        .env(CHILD_START, start.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the child");
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            // libtest may print `test NAME ... ` on the same line as the first acknowledgement.
            .filter_map(|l| l.split_once(ACK).map(|(_, n)| n.trim().parse::<u64>().unwrap()))
            .collect::<Vec<u64>>()
    });
    std::thread::sleep(delay);
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
    killed_before_first_ack: u64,
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
        let delay = Duration::from_millis(rng.below(MAX_DELAY_MS));
        let acks = run_and_kill(&dir, start, delay);
        let expected: Vec<u64> = (start..start + acks.len() as u64).collect();
        assert_eq!(acks, expected, "trial {trial}: acknowledgements out of order");
        if acks.is_empty() {
            tally.killed_before_first_ack += 1;
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
         acknowledged and all found, {} kills between a commit and its acknowledgement (batch \
         whole), {} kills before the first acknowledgement, {:.1} s",
        tally.trials,
        tally.acknowledged,
        tally.in_flight_visible,
        tally.killed_before_first_ack,
        started.elapsed().as_secs_f64()
    );
}
