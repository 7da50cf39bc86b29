//! Bulk import of JSON Lines: a streamed pipeline on every core, with a report and a
//! progress bar.
//!
//! The stages, each in its file, in data-flow order:
//!
//! 1. [`lines`]: the calling thread reads the input and cuts it into numbered lines, handed on
//!    in batches (a few hundred lines in one buffer); a line too long for an article is
//!    skipped without being held in memory;
//! 2. [`prepare`]: [`ImportOptions::parse_threads`] threads parse each line (serde_json),
//!    check the article, detect its language, build its tantivy document and look its id up
//!    in the index as it was when the import started ([`upsert`]);
//! 3. [`write`]: one thread puts the batches back in input order, writes the report, adds
//!    each document to tantivy's writer (whose own indexing threads analyze and index it)
//!    and commits every [`ImportOptions::commit_bytes`] of input; after a writer failure it
//!    adds the chunk again ([`recover`]). A per-article step that must see the articles in
//!    input order belongs there, before the document reaches tantivy (see [`write`]);
//! 4. at the end, the segments are merged down to [`ImportOptions::merge_to`]
//!    ([`NewsIndex::merge_segments`]).
//!
//! Memory is bounded: at most [`WINDOW_PER_THREAD`] batches per preparing thread are between
//! the reader and the writer at any time, tantivy's queue holds at most 10,000 documents, and
//! its indexing memory is [`IndexOptions::memory_budget`](crate::index::IndexOptions).

mod lines;
mod prepare;
mod progress;
mod recover;
mod upsert;
mod write;

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};

use self::lines::LineReader;
use self::prepare::{max_line_bytes, prepare_batch, Context, Done};
pub use self::progress::{Progress, LOG_EVERY};
use self::upsert::Existing;
use self::write::{Replay, WriteStage};
use super::NewsIndex;
use crate::{Error, Result};

/// A line that was not indexed, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// 1-based line number in the input.
    pub line: u64,
    /// The article id when the line could be read that far.
    pub id: Option<String>,
    /// Why the line was refused.
    pub reason: String,
}

/// What a bulk import did: every non-blank line is either indexed (committed), refused, or
/// not committed because the index writer failed: `lines_read == blank + indexed +
/// refused.len() + not_committed.len()`.
///
/// ```
/// let report = depeche::index::ImportReport::default();
/// assert_eq!(report.lines_read, 0);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// Lines read, blank ones included.
    pub lines_read: u64,
    /// Blank lines, skipped.
    pub blank: u64,
    /// Articles indexed and committed (an id seen twice replaces the first article but counts
    /// twice).
    pub indexed: u64,
    /// Of the articles indexed, those that replaced an article with the same id: one in the
    /// index before the import, or one earlier in the input. After an import that was
    /// interrupted, the same import again replaces what the first one committed.
    #[serde(default)]
    pub replaced: u64,
    /// Lines refused, in input order.
    pub refused: Vec<Refusal>,
    /// Valid articles that were dropped because the index writer failed before they were
    /// committed (see [`NewsIndex::import_jsonl`]), in input order. Import them again.
    pub not_committed: Vec<Refusal>,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} lines read, {} indexed, {} refused, {} replaced an article with the same id",
            self.lines_read,
            self.indexed,
            self.refused.len(),
            self.replaced
        )?;
        if !self.not_committed.is_empty() {
            write!(f, ", {} not committed", self.not_committed.len())?;
        }
        for r in self.refused.iter().chain(&self.not_committed) {
            write!(f, "\n  line {}: {}", r.line, r.reason)?;
        }
        Ok(())
    }
}

/// The default of [`ImportOptions::commit_bytes`]: a commit every 1 GB of input.
///
/// A commit makes every indexing thread write the segment it holds, however small, and waits
/// for the disk (fsync), so frequent commits cost merges and stalls; a crash loses what was
/// imported since the last commit, and the same import run again redoes it (see
/// `docs/performance.md` for the cost measured at several cadences).
pub const IMPORT_COMMIT_BYTES: u64 = 1_000_000_000;

/// [`NewsIndex::import_jsonl`] reads an input that cannot be read again: it keeps the lines
/// since its last commit in memory, to add them again if the writer fails, and commits at
/// least every this many bytes of input (64 MB).
pub const IMPORT_KEEP_BYTES: u64 = 64_000_000;

/// The default of [`ImportOptions::merge_to`]: at most 4 segments after an import.
pub const IMPORT_MERGE_TO: usize = 4;

/// Batches in flight per preparing thread (read, being prepared, or waiting for their turn).
pub const WINDOW_PER_THREAD: usize = 4;

/// Commits a failed chunk may spend on isolating the articles that make the writer fail;
/// past it the rest of the chunk is reported as not committed.
const MAX_RECOVERY_COMMITS: u32 = 64;

/// How an import runs.
///
/// ```
/// use depeche::index::{ImportOptions, NewsIndex, Progress};
/// let index = NewsIndex::create_in_ram().unwrap();
/// let options = ImportOptions { progress: Progress::Hidden, merge_to: None, ..Default::default() };
/// let report = index.import_jsonl_with(&b"{\"id\":\"1\",\"title\":\"Un\"}\n"[..], None, &options).unwrap();
/// assert_eq!(report.indexed, 1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImportOptions {
    /// Whether to show progress (default [`Progress::Auto`]: on a terminal only).
    pub progress: Progress,
    /// Bytes of input between two commits (default [`IMPORT_COMMIT_BYTES`]); the import
    /// also commits at its end. From an input that cannot be read again
    /// ([`NewsIndex::import_jsonl`]) at most [`IMPORT_KEEP_BYTES`].
    pub commit_bytes: u64,
    /// Once the lines are in, merge the index down to at most this many segments
    /// ([`NewsIndex::merge_segments`]); `None` leaves the segments as the import wrote them.
    /// Default [`IMPORT_MERGE_TO`].
    pub merge_to: Option<usize>,
    /// Threads that parse and prepare the lines; 0 (the default) means as many as the
    /// index's indexing threads ([`IndexOptions::threads`](crate::index::IndexOptions)).
    pub parse_threads: usize,
    /// Lines per batch handed to a preparing thread (default 256).
    pub batch_lines: usize,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            progress: Progress::Auto,
            commit_bytes: IMPORT_COMMIT_BYTES,
            merge_to: Some(IMPORT_MERGE_TO),
            parse_threads: 0,
            batch_lines: 256,
        }
    }
}

/// A batch holds at most this many bytes of lines (and at least one line).
const BATCH_BYTES: usize = 1 << 20;

impl NewsIndex {
    /// Imports JSON Lines (one [`Article`](super::Article) per line) and commits, with the
    /// default [`ImportOptions`] and `progress`; see [`NewsIndex::import_jsonl_with`].
    ///
    /// ```
    /// use depeche::index::{NewsIndex, Progress};
    /// let jsonl = "{\"id\":\"1\",\"title\":\"Un\"}\nnot json\n\n{\"id\":\"2\"}\n";
    /// let index = NewsIndex::create_in_ram().unwrap();
    /// let report = index.import_jsonl(jsonl.as_bytes(), None, Progress::Hidden).unwrap();
    /// assert_eq!((report.lines_read, report.indexed, report.blank), (4, 1, 1));
    /// assert_eq!(report.refused.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 4]);
    /// ```
    pub fn import_jsonl<R: Read>(
        &self,
        input: R,
        total_bytes: Option<u64>,
        progress: Progress,
    ) -> Result<ImportReport> {
        self.import_jsonl_with(
            input,
            total_bytes,
            &ImportOptions { progress, ..Default::default() },
        )
    }

    /// Imports JSON Lines (one [`Article`](super::Article) per line) read from `input`
    /// (`total_bytes` long, when known, for the progress bar), commits, and merges the
    /// segments; an article replaces the one with the same id.
    ///
    /// A bad line — invalid JSON or UTF-8, an article that fails
    /// [`Article::validate`](super::Article::validate) or holds more than
    /// [`NewsIndex::max_article_bytes`] of text, a line longer than three times that plus
    /// 1 MB (skipped without being held in memory) — is refused and reported with its line
    /// number; it never stops the others. Blank lines are counted and skipped. The report is
    /// the same whatever the number of threads: every refused line, in line order.
    ///
    /// The articles are committed every [`ImportOptions::commit_bytes`] of input and at the
    /// end; a chunk becomes visible to searches all at once. The import holds the index's
    /// writer from start to end: other writes on this `NewsIndex` wait for it. It returns
    /// once tantivy's merges are done, so that it leaves no half-written segment behind.
    ///
    /// When the index writer fails (a segment cannot be written: disk full, file too large;
    /// an indexing thread failed), tantivy drops everything written since the last commit.
    /// The import then starts a fresh writer and adds the dropped articles again, halving
    /// the group that fails (by text size) until the articles that cannot be indexed stand
    /// alone (at most 64 extra commits per chunk); those are listed in
    /// [`ImportReport::not_committed`] with the writer's error, and the import goes on. Every
    /// article reported as indexed is committed. To add them again, the lines since the last
    /// commit are kept in memory (so commits come at least every [`IMPORT_KEEP_BYTES`]);
    /// [`NewsIndex::import_jsonl_file_with`] reads them again from the file instead. Only an
    /// I/O error of the reader, or an index that cannot give a new writer, stops the import
    /// (the chunks committed before stay, the rest is dropped).
    ///
    /// # Errors
    ///
    /// I/O errors of `input`; tantivy errors when no writer can be created.
    ///
    /// ```
    /// use depeche::index::{ImportOptions, NewsIndex, Progress};
    /// let jsonl = "{\"id\":\"1\",\"title\":\"Un\"}\n{\"id\":\"1\",\"title\":\"Deux\"}\n";
    /// let index = NewsIndex::create_in_ram().unwrap();
    /// let options = ImportOptions { progress: Progress::Hidden, ..Default::default() };
    /// let report = index.import_jsonl_with(jsonl.as_bytes(), None, &options).unwrap();
    /// assert_eq!((report.indexed, report.replaced, index.num_articles()), (2, 1, 1));
    /// ```
    pub fn import_jsonl_with<R: Read>(
        &self,
        input: R,
        total_bytes: Option<u64>,
        options: &ImportOptions,
    ) -> Result<ImportReport> {
        let options =
            ImportOptions { commit_bytes: options.commit_bytes.min(IMPORT_KEEP_BYTES), ..*options };
        self.import(input, total_bytes, &options, Replay::Kept)
    }

    /// Imports the JSON Lines file at `path` (see [`NewsIndex::import_jsonl_with`]) with the
    /// default [`ImportOptions`]: a progress bar on a terminal.
    ///
    /// ```no_run
    /// let index = depeche::index::NewsIndex::open_or_create("news-index").unwrap();
    /// let report = index.import_jsonl_file("articles.jsonl").unwrap();
    /// println!("{report}");
    /// ```
    pub fn import_jsonl_file(&self, path: impl AsRef<Path>) -> Result<ImportReport> {
        self.import_jsonl_file_with(path, &ImportOptions::default())
    }

    /// Imports the JSON Lines file at `path` (see [`NewsIndex::import_jsonl_with`]). After
    /// a writer failure the lines since the last commit are read again from the file, so
    /// nothing of the input is kept in memory.
    ///
    /// ```no_run
    /// use depeche::index::{ImportOptions, NewsIndex, Progress};
    /// let index = NewsIndex::open_or_create("news-index").unwrap();
    /// let options = ImportOptions { progress: Progress::Always, ..Default::default() };
    /// let report = index.import_jsonl_file_with("articles.jsonl", &options).unwrap();
    /// println!("{report}");
    /// ```
    pub fn import_jsonl_file_with(
        &self,
        path: impl AsRef<Path>,
        options: &ImportOptions,
    ) -> Result<ImportReport> {
        let path = path.as_ref();
        let file = File::open(path)?;
        let len = file.metadata().ok().map(|m| m.len());
        self.import(file, len, options, Replay::File(path))
    }

    fn import<R: Read>(
        &self,
        input: R,
        total_bytes: Option<u64>,
        options: &ImportOptions,
        replay: Replay<'_>,
    ) -> Result<ImportReport> {
        let keep_raw = matches!(replay, Replay::Kept);
        let existing = Existing::of(self);
        let ctx = Context {
            index: self,
            existing: existing.as_ref(),
            max_line: max_line_bytes(self.max_article_bytes()),
            keep_raw,
        };
        let threads = match options.parse_threads {
            0 => self.options().thread_count(),
            n => n,
        };
        let window = WINDOW_PER_THREAD * threads + 1;
        let mut reader = LineReader::new(input, ctx.max_line, 1, 0);
        let read_failed = AtomicBool::new(false);
        let (report, shown) = std::thread::scope(|s| -> Result<_> {
            let (batch_tx, batch_rx) = crossbeam_channel::bounded(window);
            let (done_tx, done_rx) = crossbeam_channel::bounded::<Done>(window);
            let (ticket_tx, ticket_rx) = crossbeam_channel::bounded::<()>(window);
            for _ in 0..window {
                let _ = ticket_tx.send(());
            }
            let ctx = &ctx;
            for _ in 0..threads {
                let (batch_rx, done_tx) = (batch_rx.clone(), done_tx.clone());
                s.spawn(move || {
                    for batch in batch_rx {
                        if done_tx.send(prepare_batch(batch, ctx)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop((batch_rx, done_tx));
            let read_failed = &read_failed;
            let writing = s.spawn(move || {
                let stage = WriteStage::start(self, ctx, replay, options, total_bytes)?;
                write_in_order(stage, done_rx, ticket_tx, read_failed)
            });
            let mut read_error = None;
            while ticket_rx.recv().is_ok() {
                match reader.next_batch(options.batch_lines, BATCH_BYTES, None) {
                    Ok(Some(batch)) => {
                        if batch_tx.send(batch).is_err() {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        read_failed.store(true, Ordering::Release);
                        read_error = Some(e);
                        break;
                    }
                }
            }
            drop(batch_tx);
            let written = writing.join().unwrap_or_else(|payload| {
                Err(Error::Internal { during: "importing", message: panic_message(&*payload) })
            });
            match read_error {
                Some(e) => Err(Error::Io(e)),
                None => written.map(|w| w.expect("no read error, so the import finished")),
            }
        })?;
        let report = match options.merge_to {
            Some(target) => {
                shown.stage("merging segments");
                let merged = self.merge_segments(target);
                shown.finish();
                merged.map(|_| report)?
            }
            None => {
                shown.finish();
                report
            }
        };
        Ok(report)
    }
}

/// The write stage's loop: prepared batches put back in order and applied; a ticket given
/// back for each, so that the reader may read one more. `None` when the input failed (the
/// chunk since the last commit is dropped).
fn write_in_order(
    mut stage: WriteStage<'_>,
    done_rx: crossbeam_channel::Receiver<Done>,
    ticket_tx: crossbeam_channel::Sender<()>,
    read_failed: &AtomicBool,
) -> Result<Option<(ImportReport, self::progress::Shown)>> {
    let mut waiting = std::collections::BTreeMap::new();
    let (mut next, mut next_line) = (0, 1);
    for done in done_rx {
        waiting.insert(done.seq, done);
        while let Some(done) = waiting.remove(&next) {
            next += 1;
            next_line = done.next_line;
            stage.apply(done)?;
            let _ = ticket_tx.send(());
        }
    }
    if read_failed.load(Ordering::Acquire) {
        stage.abandon()?;
        return Ok(None);
    }
    debug_assert!(waiting.is_empty(), "every batch read was applied");
    stage.finish(next_line).map(Some)
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}
