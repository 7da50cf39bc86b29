//! Stage 2 of the import, on several threads: each line of a batch parsed, checked, its
//! language detected and its tantivy document built, or its refusal written.
//!
//! Nothing here depends on the order of the lines, so batches are prepared in parallel; the
//! write stage puts them back in order.

use tantivy::TantivyDocument;

use super::lines::Batch;
use super::upsert::Existing;
use super::Refusal;
use crate::index::story::Signature;
use crate::index::{text_bytes, Article, NewsIndex};
use crate::Error;

/// What became of one line.
pub(super) enum Item {
    /// Blank (or only white space): skipped.
    Blank,
    /// Refused, with the reason.
    Refused(Refusal),
    /// An article ready to index (boxed: its document and signature make it much larger
    /// than the other outcomes).
    Article(Box<Prepared>),
}

/// An article ready to index.
pub(super) struct Prepared {
    /// 1-based line number.
    pub line: u64,
    /// The article id, trimmed.
    pub id: String,
    /// The document [`NewsIndex::add`] indexes.
    pub doc: TantivyDocument,
    /// Bytes of text (see [`NewsIndex::max_article_bytes`]).
    pub bytes: usize,
    /// Whether an article with this id was in the index when the import started.
    pub existed: bool,
    /// Its story signature (computed here, on the preparing threads; the story itself is
    /// assigned by the write stage, in input order).
    pub signature: Option<Signature>,
}

/// A prepared batch.
pub(super) struct Done {
    /// Position of the batch in the input, from 0.
    pub seq: u64,
    /// Byte offset just past the batch in the input.
    pub end_offset: u64,
    /// 1-based number of the line after the batch.
    pub next_line: u64,
    /// Bytes of input the batch covers.
    pub bytes: u64,
    /// One item per line, in order.
    pub items: Vec<Item>,
    /// The batch itself, when the import keeps the lines since its last commit to add them
    /// again after a writer failure (an input that cannot be read again).
    pub raw: Option<Batch>,
}

/// What the preparing threads share.
pub(super) struct Context<'a> {
    pub index: &'a NewsIndex,
    pub existing: Option<&'a Existing>,
    /// The longest line kept (see [`max_line_bytes`]).
    pub max_line: usize,
    /// Keep each batch in its [`Done`].
    pub keep_raw: bool,
}

/// The longest line the import reads for articles of `max_article` bytes of text: JSON
/// escapes (`\"`, `\n`, `\u00e9`) may triple the text, plus room for the other fields.
pub(super) fn max_line_bytes(max_article: usize) -> usize {
    max_article.saturating_mul(3).saturating_add(1_000_000)
}

/// Prepares every line of `batch`.
pub(super) fn prepare_batch(batch: Batch, ctx: &Context<'_>) -> Done {
    let items = batch
        .lines
        .iter()
        .enumerate()
        .map(|(i, &line)| prepare_line(batch.text(line), batch.first_line + i as u64, ctx))
        .collect();
    Done {
        seq: batch.seq,
        end_offset: batch.offset + batch.bytes,
        next_line: batch.first_line + batch.lines.len() as u64,
        bytes: batch.bytes,
        items,
        raw: ctx.keep_raw.then_some(batch),
    }
}

/// Prepares one line (`None`: too long), numbered `line`. A panic in the parser, the
/// detector or the analyzer refuses the line instead of stopping the import.
pub(super) fn prepare_line(text: Option<&[u8]>, line: u64, ctx: &Context<'_>) -> Item {
    let prepared = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        prepare_unguarded(text, line, ctx)
    }));
    prepared.unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Item::Refused(Refusal { line, id: None, reason: format!("internal error: {message}") })
    })
}

fn prepare_unguarded(text: Option<&[u8]>, line: u64, ctx: &Context<'_>) -> Item {
    let refused = |id: Option<String>, reason: String| Item::Refused(Refusal { line, id, reason });
    let Some(bytes) = text else {
        return refused(
            None,
            format!(
                "line longer than {} bytes, more than an article may hold \
                 (NewsIndex::max_article_bytes: {})",
                ctx.max_line,
                ctx.index.max_article_bytes()
            ),
        );
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.trim(),
        Err(e) => return refused(None, format!("invalid UTF-8: {e}")),
    };
    if text.is_empty() {
        return Item::Blank;
    }
    let article: Article = match serde_json::from_str(text) {
        Ok(a) => a,
        Err(e) => return refused(None, format!("invalid JSON article: {e}")),
    };
    match ctx.index.document(&article) {
        Ok(doc) => {
            let id = article.id.trim().to_string();
            let existed = ctx.existing.is_some_and(|e| e.contains(&id));
            let signature = ctx.index.story_signature(&article);
            let bytes = text_bytes(&article);
            Item::Article(Box::new(Prepared { line, id, doc, bytes, existed, signature }))
        }
        Err(Error::InvalidArticle { id, reason }) => refused(Some(id), reason),
        Err(e) => refused(Some(article.id), e.to_string()),
    }
}
