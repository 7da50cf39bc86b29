//! Bulk import of JSON Lines, with a report and a progress bar.

use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::Path;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};

use super::{text_bytes, Article, NewsIndex};
use crate::Result;

/// Whether [`NewsIndex::import_jsonl`] draws a progress bar.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Progress {
    /// On standard error when it is a terminal, nothing otherwise.
    #[default]
    Auto,
    /// Never.
    Hidden,
}

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
            "{} lines read, {} indexed, {} refused",
            self.lines_read,
            self.indexed,
            self.refused.len()
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

/// Counts the bytes read through it, for the progress bar.
struct Counting<R> {
    inner: R,
    bar: ProgressBar,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }
}

fn progress_bar(progress: Progress, len: Option<u64>) -> ProgressBar {
    if progress == Progress::Hidden || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::stderr());
    let template = if len.is_some() {
        "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}"
    } else {
        "{spinner} {bytes} {bytes_per_sec}"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

/// The import commits each time the articles added since its last commit reach this many
/// bytes of text, and at the end. It keeps those articles in memory
/// until they are committed, to add them again if the writer fails.
pub const IMPORT_COMMIT_BYTES: usize = 64_000_000;

/// Commits a failed chunk may spend on isolating the articles that make the writer fail;
/// past it the rest of the chunk is reported as not committed.
const MAX_RECOVERY_COMMITS: u32 = 64;

/// The longest line the import reads for articles of `max_article` bytes of text: JSON
/// escapes (`\"`, `\n`, `\u00e9`) may triple the text, plus room for the other fields.
fn max_line_bytes(max_article: usize) -> usize {
    max_article.saturating_mul(3).saturating_add(1_000_000)
}

/// Reads one line into `line` (newline included), at most `max` bytes of it: a longer line
/// is skipped to its end without being kept in memory. `None` at the end of the input,
/// otherwise whether the line was too long.
fn read_line<R: BufRead>(reader: &mut R, line: &mut Vec<u8>, max: usize) -> Result<Option<bool>> {
    let n = reader.by_ref().take(max as u64 + 1).read_until(b'\n', line)?;
    if n == 0 {
        return Ok(None);
    }
    if line.len() <= max || line.last() == Some(&b'\n') {
        return Ok(Some(false));
    }
    line.clear();
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        if let Some(i) = buf.iter().position(|&b| b == b'\n') {
            reader.consume(i + 1);
            break;
        }
        let len = buf.len();
        reader.consume(len);
    }
    Ok(Some(true))
}

/// Articles added since the last commit of an import, kept to be added again.
#[derive(Default)]
struct Pending {
    articles: Vec<(u64, Article)>,
    bytes: usize,
}

impl NewsIndex {
    /// Imports JSON Lines (one [`Article`] per line) and commits.
    ///
    /// A bad line — invalid JSON or UTF-8, an article that fails [`Article::validate`] or
    /// holds more than [`NewsIndex::max_article_bytes`] of text, a line longer than three
    /// times that plus 1 MB (skipped without being held in memory) — is refused and reported with its line number; it never stops the others. Blank lines are
    /// counted and skipped. The articles are committed by chunks of [`IMPORT_COMMIT_BYTES`]
    /// of text and at the end; a chunk becomes visible to searches all at once.
    ///
    /// When the index writer fails (a segment cannot be written: disk full, file too large;
    /// an indexing thread failed), tantivy drops everything written since the last commit.
    /// The import then starts a fresh writer and adds the dropped articles again, halving
    /// the group that fails (by text size) until the articles that cannot be indexed stand alone (at most
    /// 64 extra commits per chunk); those are listed in [`ImportReport::not_committed`]
    /// with the writer's error, and the import goes on. Every article reported as indexed is
    /// committed. Only an I/O error of the reader, or an index that cannot give a new
    /// writer, stops the import (the chunks committed before stay).
    ///
    /// # Errors
    ///
    /// I/O errors of `input`; tantivy errors when no writer can be created.
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
        let bar = progress_bar(progress, total_bytes);
        let mut reader =
            BufReader::with_capacity(1 << 16, Counting { inner: input, bar: bar.clone() });
        let mut report = ImportReport::default();
        let mut pending = Pending::default();
        let mut line = Vec::new();
        let max_line = max_line_bytes(self.max_article_bytes());
        loop {
            line.clear();
            let Some(too_long) = read_line(&mut reader, &mut line, max_line)? else {
                break;
            };
            report.lines_read += 1;
            let n = report.lines_read;
            if too_long {
                report.refused.push(Refusal {
                    line: n,
                    id: None,
                    reason: format!(
                        "line longer than {max_line} bytes, more than an article may hold \
                         (NewsIndex::max_article_bytes: {})",
                        self.max_article_bytes()
                    ),
                });
                continue;
            }
            let text = match std::str::from_utf8(&line) {
                Ok(t) => t.trim(),
                Err(e) => {
                    report.refused.push(Refusal {
                        line: n,
                        id: None,
                        reason: format!("invalid UTF-8: {e}"),
                    });
                    continue;
                }
            };
            if text.is_empty() {
                report.blank += 1;
                continue;
            }
            let article: Article = match serde_json::from_str(text) {
                Ok(a) => a,
                Err(e) => {
                    report.refused.push(Refusal {
                        line: n,
                        id: None,
                        reason: format!("invalid JSON article: {e}"),
                    });
                    continue;
                }
            };
            match self.add(&article) {
                Ok(()) => {
                    pending.bytes += text_bytes(&article);
                    pending.articles.push((n, article));
                    if pending.bytes >= IMPORT_COMMIT_BYTES {
                        self.commit_pending(&mut pending, &mut report)?;
                    }
                }
                Err(crate::Error::InvalidArticle { id, reason }) => {
                    report.refused.push(Refusal { line: n, id: Some(id), reason })
                }
                Err(crate::Error::WriterFailed(_)) => {
                    // Everything since the last commit was dropped, this article included.
                    pending.articles.push((n, article));
                    let mut budget = MAX_RECOVERY_COMMITS;
                    let articles = std::mem::take(&mut pending).articles;
                    self.recover(&articles, &mut report, &mut budget)?;
                }
                Err(e) => return Err(e),
            }
        }
        self.commit_pending(&mut pending, &mut report)?;
        bar.finish_and_clear();
        Ok(report)
    }

    /// Commits the pending articles; when the writer fails, adds them again (see
    /// [`NewsIndex::recover`]).
    fn commit_pending(&self, pending: &mut Pending, report: &mut ImportReport) -> Result<()> {
        let articles = std::mem::take(pending).articles;
        match self.commit() {
            Ok(()) => {
                report.indexed += articles.len() as u64;
                Ok(())
            }
            Err(crate::Error::WriterFailed(_)) => {
                let mut budget = MAX_RECOVERY_COMMITS;
                self.recover(&articles, report, &mut budget)
            }
            Err(e) => Err(e),
        }
    }

    /// Adds `articles` again on a fresh writer and commits them; when that fails, does the
    /// same for each half (by text size), so that only the articles that make the writer fail on their own
    /// end up in [`ImportReport::not_committed`]. Each commit spends one unit of `budget`;
    /// once it is spent, the articles left are reported without a try.
    fn recover(
        &self,
        articles: &[(u64, Article)],
        report: &mut ImportReport,
        budget: &mut u32,
    ) -> Result<()> {
        let failure = if *budget == 0 {
            "recovery budget spent".to_string()
        } else {
            *budget -= 1;
            let added = articles.iter().try_for_each(|(_, a)| self.add(a));
            match added.and_then(|()| self.commit()) {
                Ok(()) => {
                    report.indexed += articles.len() as u64;
                    return Ok(());
                }
                Err(e @ crate::Error::WriterFailed(_)) => e.to_string(),
                Err(e) => return Err(e),
            }
        };
        if articles.len() > 1 && *budget > 0 {
            // Halves by text size, not count: a huge article, the usual culprit, ends up alone
            // in a few steps instead of being indexed again at every level.
            let total: usize = articles.iter().map(|(_, a)| text_bytes(a)).sum();
            let mut seen = 0;
            let cut = articles
                .iter()
                .position(|(_, a)| {
                    seen += text_bytes(a);
                    seen * 2 >= total
                })
                .unwrap_or(0)
                .clamp(1, articles.len() - 1);
            let (left, right) = articles.split_at(cut);
            self.recover(left, report, budget)?;
            return self.recover(right, report, budget);
        }
        let reason = format!("not committed: {failure}");
        report.not_committed.extend(articles.iter().map(|(line, a)| Refusal {
            line: *line,
            id: Some(a.id.clone()),
            reason: reason.clone(),
        }));
        Ok(())
    }

    /// Imports the JSON Lines file at `path` (see [`NewsIndex::import_jsonl`]), with a progress
    /// bar on a terminal.
    ///
    /// ```no_run
    /// let index = depeche::index::NewsIndex::open_or_create("news-index").unwrap();
    /// let report = index.import_jsonl_file("articles.jsonl").unwrap();
    /// println!("{report}");
    /// ```
    pub fn import_jsonl_file(&self, path: impl AsRef<Path>) -> Result<ImportReport> {
        let file = File::open(path.as_ref())?;
        let len = file.metadata().ok().map(|m| m.len());
        self.import_jsonl(file, len, Progress::Auto)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (input, max, buffer capacity, lines read as (text, too long)).
    #[allow(clippy::type_complexity)]
    const LINES: &[(&str, &[u8], usize, usize, &[(&[u8], bool)])] = &[
        ("short_lines", b"ab\ncd\n", 4, 64, &[(b"ab\n", false), (b"cd\n", false)]),
        ("no_final_newline", b"ab\ncd", 4, 64, &[(b"ab\n", false), (b"cd", false)]),
        ("exactly_max_plus_newline", b"abcd\nx\n", 4, 64, &[(b"abcd\n", false), (b"x\n", false)]),
        ("one_over_max", b"abcde\nx\n", 4, 64, &[(b"", true), (b"x\n", false)]),
        ("long_last_line", b"x\nabcdefgh", 4, 64, &[(b"x\n", false), (b"", true)]),
        (
            "skipped_across_buffer_refills",
            b"abcdefghijklmnopqrstuvwxyz\nok\n",
            4,
            2,
            &[(b"", true), (b"ok\n", false)],
        ),
        ("blank_line", b"\n\n", 4, 64, &[(b"\n", false), (b"\n", false)]),
    ];

    #[test]
    fn long_lines_are_skipped_and_the_next_line_is_read_whole() {
        for (name, input, max, capacity, want) in LINES {
            let mut reader = BufReader::with_capacity(*capacity, *input);
            let mut got = Vec::new();
            let mut line = Vec::new();
            loop {
                line.clear();
                match read_line(&mut reader, &mut line, *max).unwrap() {
                    None => break,
                    Some(too_long) => got.push((line.clone(), too_long)),
                }
            }
            let want: Vec<(Vec<u8>, bool)> = want.iter().map(|(l, t)| (l.to_vec(), *t)).collect();
            assert_eq!(got, want, "{name}");
        }
    }
}
