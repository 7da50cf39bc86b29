//! Stage 3 of the import, on one thread: the prepared lines, back in input order, into the
//! report and the index writer; a commit every [`ImportOptions::commit_bytes`] of input.
//!
//! This is the only stage that sees the articles one after another in input order, so a
//! per-article step that must run in that order (one that looks at the articles added
//! before, so that a bulk import gives the same index as adding the articles one by one)
//! goes in [`WriteStage::add`], before the document reaches tantivy's indexing threads.

use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::path::Path;
use std::sync::MutexGuard;

use tantivy::indexer::NoMergePolicy;
use tantivy::IndexWriter;

use super::lines::{Batch, LineReader};
use super::prepare::{prepare_line, Context, Done, Item, Prepared};
use super::progress::{Figures, Shown};
use super::upsert::SeenIds;
use super::{ImportOptions, ImportReport};
use crate::index::NewsIndex;
use crate::{Error, Result};

/// Where the lines since the last commit can be read again after a writer failure.
pub(super) enum Replay<'a> {
    /// Kept in memory, in [`Done::raw`].
    Kept,
    /// Read again from this file.
    File(&'a Path),
}

/// The input since the last commit.
#[derive(Default)]
struct Chunk {
    /// Byte offset of its first line.
    start: u64,
    /// 1-based number of its first line.
    first_line: u64,
    /// Byte offset just past its last line.
    end: u64,
    /// Input bytes.
    bytes: u64,
    /// Articles added.
    articles: u64,
    /// Of which replaced an article with the same id.
    replaced: u64,
    /// The batches, when [`Replay::Kept`].
    kept: Vec<Batch>,
    /// The writer failed: the articles of the chunk are added again at the end of the batch.
    failed: bool,
}

/// The write stage: it holds the writer lock for the whole import, so that no other write
/// comes between its adds (it deletes an id only when it knows the id is there).
pub(super) struct WriteStage<'a> {
    pub(super) index: &'a NewsIndex,
    pub(super) slot: MutexGuard<'a, Option<IndexWriter>>,
    pub(super) ctx: &'a Context<'a>,
    pub(super) seen: SeenIds,
    pub(super) report: ImportReport,
    replay: Replay<'a>,
    commit_bytes: u64,
    chunk: Chunk,
    /// Input bytes done, for the progress.
    done_bytes: u64,
    shown: Shown,
}

impl<'a> WriteStage<'a> {
    /// Starts the stage: commits what other writes left pending, so that the ids the
    /// preparing threads look up are all the ids there are.
    pub fn start(
        index: &'a NewsIndex,
        ctx: &'a Context<'a>,
        replay: Replay<'a>,
        options: &ImportOptions,
        total: Option<u64>,
    ) -> Result<WriteStage<'a>> {
        let slot = index.lock_writer();
        let mut stage = WriteStage {
            index,
            slot,
            ctx,
            seen: SeenIds::default(),
            report: ImportReport::default(),
            replay,
            commit_bytes: options.commit_bytes.max(1),
            chunk: Chunk { first_line: 1, ..Chunk::default() },
            done_bytes: 0,
            shown: Shown::new(options.progress, total),
        };
        if stage.slot.is_some() {
            index.commit_locked(&mut stage.slot)?;
        }
        Ok(stage)
    }

    /// The writer, created when there is none, with merges off until the import ends.
    pub(super) fn writer(&mut self) -> Result<&mut IndexWriter> {
        let fresh = self.slot.is_none();
        let writer = self.index.ensure_writer(&mut self.slot)?;
        if fresh {
            writer.set_merge_policy(Box::new(NoMergePolicy));
        }
        Ok(writer)
    }

    /// Applies one prepared batch, the next in input order.
    pub fn apply(&mut self, mut done: Done) -> Result<()> {
        self.report.lines_read += done.items.len() as u64;
        for item in std::mem::take(&mut done.items) {
            match item {
                Item::Blank => self.report.blank += 1,
                Item::Refused(r) => self.report.refused.push(r),
                Item::Article(p) => self.add(*p)?,
            }
        }
        self.chunk.end = done.end_offset;
        self.chunk.bytes += done.bytes;
        self.done_bytes += done.bytes;
        if let Some(raw) = done.raw.take() {
            self.chunk.kept.push(raw);
        }
        if self.chunk.failed {
            self.recover_chunk(done.next_line)?;
        } else if self.chunk.bytes >= self.commit_bytes {
            self.commit(done.next_line)?;
        }
        let refused = self.report.refused.len() as u64;
        let articles = self.report.indexed + self.chunk.articles;
        self.shown.update(Figures { bytes: self.done_bytes, articles, refused });
        Ok(())
    }

    /// Adds one article, deleting its id first when an article has it already.
    fn add(&mut self, p: Prepared) -> Result<()> {
        if self.chunk.failed {
            return Ok(());
        }
        let key = self.seen.key(&p.id);
        let replaces = self.seen.add_pending(key) || p.existed;
        let term = replaces.then(|| self.index.id_term(&p.id));
        let writer = self.writer()?;
        if let Some(term) = term {
            writer.delete_term(term);
        }
        // Story assignment sees the articles in input order, after the writer (a fresh one
        // resets the pending stories) and the delete of a replaced article.
        let mut doc = p.doc;
        self.index.assign_story(&p.id, p.signature, &mut doc)?;
        let writer = self.writer()?;
        match writer.add_document(doc) {
            Ok(_) => {
                self.chunk.articles += 1;
                self.chunk.replaced += u64::from(replaces);
            }
            Err(_) => {
                // tantivy dropped everything since the last commit.
                self.slot.take();
                self.chunk.failed = true;
            }
        }
        Ok(())
    }

    /// Commits the chunk; `next_line` starts the next one.
    fn commit(&mut self, next_line: u64) -> Result<()> {
        self.shown.stage("committing");
        let committed = match self.writer() {
            Ok(_) => self.index.commit_locked(&mut self.slot),
            Err(e) => Err(e),
        };
        match committed {
            Ok(()) => {
                self.report.indexed += self.chunk.articles;
                self.report.replaced += self.chunk.replaced;
                self.seen.commit_pending();
                self.next_chunk(next_line);
                Ok(())
            }
            Err(Error::WriterFailed(_)) => self.recover_chunk(next_line),
            Err(e) => Err(e),
        }
    }

    fn next_chunk(&mut self, next_line: u64) {
        self.chunk = Chunk {
            start: self.chunk.end,
            end: self.chunk.end,
            first_line: next_line,
            ..Chunk::default()
        };
    }

    /// After a writer failure: the articles of the chunk prepared again and added again on
    /// a fresh writer (see [`WriteStage::recover`]).
    fn recover_chunk(&mut self, next_line: u64) -> Result<()> {
        self.slot.take();
        self.seen.drop_pending();
        let batches = match self.replay {
            Replay::Kept => std::mem::take(&mut self.chunk.kept),
            Replay::File(path) => {
                let mut file = File::open(path)?;
                file.seek(SeekFrom::Start(self.chunk.start))?;
                let (max_line, first, start) =
                    (self.ctx.max_line, self.chunk.first_line, self.chunk.start);
                let mut reader = LineReader::new(file, max_line, first, start);
                let mut batches = Vec::new();
                while let Some(b) =
                    reader.next_batch(usize::MAX, usize::MAX, Some(self.chunk.end))?
                {
                    batches.push(b);
                }
                batches
            }
        };
        let mut articles = Vec::new();
        for batch in &batches {
            for (i, &line) in batch.lines.iter().enumerate() {
                let n = batch.first_line + i as u64;
                if let Item::Article(p) = prepare_line(batch.text(line), n, self.ctx) {
                    articles.push(*p);
                }
            }
        }
        drop(batches);
        let mut budget = super::MAX_RECOVERY_COMMITS;
        self.recover(&articles, &mut budget)?;
        self.next_chunk(next_line);
        Ok(())
    }

    /// Finishes the import: the last commit, then the writer stopped once its merges are
    /// done.
    pub fn finish(mut self, next_line: u64) -> Result<(ImportReport, Shown)> {
        self.commit(next_line)?;
        NewsIndex::close_writer(&mut self.slot)?;
        Ok((self.report, self.shown))
    }

    /// Gives up after an input error: the chunk is dropped, the commits before it stay.
    pub fn abandon(mut self) -> Result<()> {
        self.index.rollback_locked(&mut self.slot)?;
        NewsIndex::close_writer(&mut self.slot)?;
        self.shown.finish();
        Ok(())
    }
}

impl Clone for Prepared {
    fn clone(&self) -> Self {
        Prepared {
            line: self.line,
            id: self.id.clone(),
            doc: self.doc.clone(),
            bytes: self.bytes,
            existed: self.existed,
            signature: self.signature.clone(),
        }
    }
}
