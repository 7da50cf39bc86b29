//! Articles → a tantivy index: the schema, the [`Article`] record, writing and bulk import.
//!
//! ```
//! use depeche::index::{Article, NewsIndex};
//!
//! # fn main() -> depeche::Result<()> {
//! let index = NewsIndex::create_in_ram()?;
//! index.add(&Article {
//!     id: "elysee-1".into(),
//!     title: "Conseil des ministres à l’Élysée".into(),
//!     body: "Le gouvernement a présenté sa réforme.".into(),
//!     date: Some("2016-03-02".into()),
//!     ..Default::default()
//! })?;
//! index.commit()?;
//! assert_eq!(index.num_articles(), 1);
//! # Ok(())
//! # }
//! ```

mod article;
mod cards;
mod import;
mod merge;
mod schema;
mod store;
pub mod story;
mod verify;
mod warm;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use tantivy::directory::MmapDirectory;
use tantivy::indexer::IndexWriterOptions;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

pub(crate) use article::facet;
pub use article::{parse_date, Article, MAX_ID_BYTES, MAX_YEAR, MIN_YEAR};
pub(crate) use cards::SegmentCards;
pub use import::{
    ImportOptions, ImportReport, Progress, Refusal, IMPORT_COMMIT_BYTES, IMPORT_KEEP_BYTES,
    IMPORT_MERGE_TO, LOG_EVERY, WINDOW_PER_THREAD,
};
pub use merge::MergeReport;
pub use schema::{NewsSchema, DATE_FIELD, FACET_FIELD, STORY_FIELD, STORY_SKETCH_FIELD};
pub use store::DOC_STORE_BLOCK_BYTES;
pub use warm::{SegmentDates, Warm, CARDS_SYNC_DOCS, DATE_BLOCK};

use crate::analysis::{analyzer, exact_analyzer, indexing_analyzer, register_analyzers, Lang};
use crate::error::contain_panic;
use crate::{Error, Result};

/// Default indexing memory budget per indexing thread: 512 MB (see [`IndexOptions`]).
pub const DEFAULT_MEMORY_BUDGET_PER_THREAD: usize = 512_000_000;
/// The default total indexing memory budget is at most this: 2 GB.
pub const MAX_DEFAULT_MEMORY_BUDGET: usize = 2_000_000_000;
/// The default number of indexing threads is at most this (tantivy's own limit).
pub const MAX_DEFAULT_THREADS: usize = 8;
/// The smallest memory budget per indexing thread tantivy accepts.
pub const MIN_MEMORY_BUDGET_PER_THREAD: usize = 15_000_000;
/// An article may hold at most the memory budget of one indexing thread divided by this many
/// bytes of text (see [`NewsIndex::max_article_bytes`]).
pub const ARTICLE_BUDGET_SHARE: usize = 16;

/// How the index writes: memory budget and indexing threads.
///
/// The default uses every core ([`std::thread::available_parallelism`], at most
/// [`MAX_DEFAULT_THREADS`]) and [`DEFAULT_MEMORY_BUDGET_PER_THREAD`] per thread, at most
/// [`MAX_DEFAULT_MEMORY_BUDGET`] in all: 1 GB on two cores. The budget is tantivy's indexing
/// memory, taken as documents arrive (a few small writes take little of it); each thread
/// writes a segment when its share is full, so a larger budget gives fewer, larger segments
/// and less merging. A bulk import takes about the budget plus a few hundred MB at its peak
/// (measured in `docs/performance.md`).
///
/// ```
/// use depeche::index::{IndexOptions, NewsIndex};
/// let options = IndexOptions { memory_budget: 100_000_000, threads: 2 };
/// let index = NewsIndex::create_in_ram_with(options).unwrap();
/// assert_eq!(index.num_articles(), 0);
/// let default = IndexOptions::default();
/// assert!(default.threads >= 1);
/// assert_eq!(default.memory_budget, IndexOptions::with_threads(default.threads).memory_budget);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IndexOptions {
    /// Total indexing memory in bytes, shared by the threads; segments are flushed when full.
    /// Raised to [`MIN_MEMORY_BUDGET_PER_THREAD`] × `threads` if lower.
    pub memory_budget: usize,
    /// Indexing threads (at least 1).
    pub threads: usize,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions::with_threads(default_threads())
    }
}

impl IndexOptions {
    /// `threads` indexing threads with the default budget for that many:
    /// [`DEFAULT_MEMORY_BUDGET_PER_THREAD`] each, at most [`MAX_DEFAULT_MEMORY_BUDGET`].
    ///
    /// ```
    /// use depeche::index::IndexOptions;
    /// assert_eq!(IndexOptions::with_threads(1).memory_budget, 512_000_000);
    /// assert_eq!(IndexOptions::with_threads(8).memory_budget, 2_000_000_000);
    /// ```
    pub fn with_threads(threads: usize) -> IndexOptions {
        let threads = threads.max(1);
        let memory_budget =
            DEFAULT_MEMORY_BUDGET_PER_THREAD.saturating_mul(threads).min(MAX_DEFAULT_MEMORY_BUDGET);
        IndexOptions { memory_budget, threads }
    }

    /// The threads, at least 1.
    pub(crate) fn thread_count(&self) -> usize {
        self.threads.max(1)
    }

    /// The memory budget of one indexing thread, after the raise to the minimum.
    pub(crate) fn budget_per_thread(&self) -> usize {
        (self.memory_budget / self.thread_count()).max(MIN_MEMORY_BUDGET_PER_THREAD)
    }
}

/// The default number of indexing threads: the available parallelism, at most
/// [`MAX_DEFAULT_THREADS`] (1 when it cannot be known).
///
/// ```
/// assert!((1..=8).contains(&depeche::index::default_threads()));
/// ```
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, MAX_DEFAULT_THREADS)
}

/// One French, one English and one exact-form analyzer.
///
/// The analyzers keep a stem cache that warms up with use, so searches reuse them: a
/// [`NewsIndex`] keeps a small pool ([`NewsIndex::take_analyzers`]).
///
/// ```
/// let mut set = depeche::index::Analyzers::new();
/// let mut stream = set.exact.token_stream("Élysée");
/// assert_eq!(stream.next().unwrap().text, "elysee");
/// ```
pub struct Analyzers {
    /// [`crate::analyzer`]`(Lang::French)`.
    pub french: TextAnalyzer,
    /// [`crate::analyzer`]`(Lang::English)`.
    pub english: TextAnalyzer,
    /// [`crate::analysis::exact_analyzer`].
    pub exact: TextAnalyzer,
    /// [`crate::analysis::indexing_analyzer`]`(Lang::French)`: what titles, leads and bodies
    /// are indexed with.
    pub french_indexing: TextAnalyzer,
    /// [`crate::analysis::indexing_analyzer`]`(Lang::English)`.
    pub english_indexing: TextAnalyzer,
}

impl Default for Analyzers {
    fn default() -> Self {
        Analyzers::new()
    }
}

impl Analyzers {
    /// Fresh analyzers.
    pub fn new() -> Analyzers {
        Analyzers {
            french: analyzer(Lang::French),
            english: analyzer(Lang::English),
            exact: exact_analyzer(),
            french_indexing: indexing_analyzer(Lang::French),
            english_indexing: indexing_analyzer(Lang::English),
        }
    }

    /// The indexing analyzer of `lang` (with capital marks).
    pub fn indexing(&mut self, lang: Lang) -> &mut TextAnalyzer {
        match lang {
            Lang::French => &mut self.french_indexing,
            Lang::English => &mut self.english_indexing,
        }
    }

    /// The stemming analyzer of `lang`.
    pub fn of(&mut self, lang: Lang) -> &mut TextAnalyzer {
        match lang {
            Lang::French => &mut self.french,
            Lang::English => &mut self.english,
        }
    }
}

/// Analyzer sets kept for reuse.
const ANALYZER_POOL: usize = 8;

/// A news index, in a directory or in RAM.
///
/// Writes go through an internal writer created on the first write; they become visible to
/// searches after [`NewsIndex::commit`]. `NewsIndex` is `Sync`: share it between threads.
///
/// ```no_run
/// use depeche::index::NewsIndex;
/// # fn main() -> depeche::Result<()> {
/// let index = NewsIndex::open_or_create("/var/lib/news-index")?;
/// let report = index.import_jsonl_file("articles.jsonl")?;
/// println!("{} indexed, {} refused", report.indexed, report.refused.len());
/// # Ok(())
/// # }
/// ```
pub struct NewsIndex {
    index: Index,
    schema: NewsSchema,
    reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
    dir: Option<PathBuf>,
    options: IndexOptions,
    analyzers: Mutex<Vec<Analyzers>>,
    /// The reader's warmer (the reader holds it weakly).
    warm: std::sync::Arc<Warm>,
    /// Story assignment state (`story/`): what was added since the last commit.
    stories: story::StoryIndex,
}

impl std::fmt::Debug for NewsIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewsIndex")
            .field("dir", &self.dir)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl NewsIndex {
    /// Creates an empty index in RAM.
    ///
    /// ```
    /// let index = depeche::index::NewsIndex::create_in_ram().unwrap();
    /// assert_eq!(index.num_articles(), 0);
    /// ```
    pub fn create_in_ram() -> Result<NewsIndex> {
        NewsIndex::create_in_ram_with(IndexOptions::default())
    }

    /// Creates an empty index in RAM with `options`.
    ///
    /// ```
    /// use depeche::index::{IndexOptions, NewsIndex};
    /// let index = NewsIndex::create_in_ram_with(IndexOptions::default()).unwrap();
    /// assert_eq!(index.num_articles(), 0);
    /// ```
    pub fn create_in_ram_with(options: IndexOptions) -> Result<NewsIndex> {
        let schema = NewsSchema::new();
        let index = Index::create(
            tantivy::directory::RamDirectory::create(),
            schema.schema().clone(),
            store::settings(),
        )?;
        NewsIndex::wrap(index, schema, None, options)
    }

    /// Opens the index in `dir`, or creates it (and the directory) when there is none.
    ///
    /// # Errors
    ///
    /// [`Error::IncompatibleIndex`] when `dir` holds an index with another schema; I/O and
    /// tantivy errors otherwise.
    ///
    /// ```no_run
    /// let index = depeche::index::NewsIndex::open_or_create("news-index").unwrap();
    /// println!("{} articles", index.num_articles());
    /// ```
    pub fn open_or_create(dir: impl AsRef<Path>) -> Result<NewsIndex> {
        NewsIndex::open_or_create_with(dir, IndexOptions::default())
    }

    /// Like [`NewsIndex::open_or_create`], with `options`.
    ///
    /// ```no_run
    /// use depeche::index::{IndexOptions, NewsIndex};
    /// let options = IndexOptions { memory_budget: 200_000_000, threads: 2 };
    /// let index = NewsIndex::open_or_create_with("news-index", options).unwrap();
    /// println!("{} articles", index.num_articles());
    /// ```
    pub fn open_or_create_with(dir: impl AsRef<Path>, options: IndexOptions) -> Result<NewsIndex> {
        let dir = dir.as_ref();
        contain_panic("opening the index", || NewsIndex::open_or_create_in(dir, options))
    }

    fn open_or_create_in(dir: &Path, options: IndexOptions) -> Result<NewsIndex> {
        std::fs::create_dir_all(dir)?;
        let schema = NewsSchema::new();
        let mmap = MmapDirectory::open(dir)?;
        let exists = Index::exists(&mmap).map_err(|e| Error::IncompatibleIndex {
            path: dir.to_path_buf(),
            reason: e.to_string(),
        })?;
        let index = if exists {
            let index = Index::open(mmap)?;
            check_schema(&index, &schema, dir)?;
            index
        } else {
            Index::create(mmap, schema.schema().clone(), store::settings())?
        };
        NewsIndex::wrap(index, schema, Some(dir.to_path_buf()), options)
    }

    /// Opens the existing index in `dir`.
    ///
    /// # Errors
    ///
    /// [`Error::IncompatibleIndex`] when there is no depeche index in `dir`. Files are not
    /// checksummed: use [`NewsIndex::open_verified`] to catch damaged files at open.
    ///
    /// ```no_run
    /// let index = depeche::index::NewsIndex::open("news-index").unwrap();
    /// println!("{} articles", index.num_articles());
    /// ```
    pub fn open(dir: impl AsRef<Path>) -> Result<NewsIndex> {
        let dir = dir.as_ref();
        contain_panic("opening the index", || NewsIndex::open_existing(dir))
    }

    fn open_existing(dir: &Path) -> Result<NewsIndex> {
        let not_index =
            |reason: String| Error::IncompatibleIndex { path: dir.to_path_buf(), reason };
        if !dir.is_dir() {
            return Err(not_index("no such directory".into()));
        }
        let mmap = MmapDirectory::open(dir)?;
        if !Index::exists(&mmap).map_err(|e| not_index(e.to_string()))? {
            return Err(not_index("no meta.json".into()));
        }
        let schema = NewsSchema::new();
        let index = Index::open(mmap)?;
        check_schema(&index, &schema, dir)?;
        NewsIndex::wrap(index, schema, Some(dir.to_path_buf()), IndexOptions::default())
    }

    fn wrap(
        index: Index,
        schema: NewsSchema,
        dir: Option<PathBuf>,
        options: IndexOptions,
    ) -> Result<NewsIndex> {
        register_analyzers(index.tokenizers());
        let warm = std::sync::Arc::new(Warm::default());
        let warmer: std::sync::Arc<dyn tantivy::Warmer> = warm.clone();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .warmers(vec![std::sync::Arc::downgrade(&warmer)])
            .try_into()?;
        Ok(NewsIndex {
            index,
            schema,
            reader,
            writer: Mutex::new(None),
            dir,
            options,
            analyzers: Mutex::new(Vec::new()),
            warm,
            stories: story::StoryIndex::new(),
        })
    }

    /// The field handles.
    pub fn schema(&self) -> &NewsSchema {
        &self.schema
    }

    /// The underlying tantivy index.
    pub fn tantivy_index(&self) -> &Index {
        &self.index
    }

    /// The directory of the index, `None` in RAM.
    pub fn directory(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// A searcher on the last commit.
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// What the reader's warmer prepared for each segment (see [`Warm`]).
    pub fn warm(&self) -> &Warm {
        &self.warm
    }

    /// Analyzers from the pool (warm stem caches), or fresh ones; give them back with
    /// [`NewsIndex::give_back_analyzers`].
    ///
    /// ```
    /// let index = depeche::index::NewsIndex::create_in_ram().unwrap();
    /// let set = index.take_analyzers();
    /// index.give_back_analyzers(set);
    /// ```
    pub fn take_analyzers(&self) -> Analyzers {
        let mut pool = self.analyzers.lock().unwrap_or_else(|e| e.into_inner());
        pool.pop().unwrap_or_default()
    }

    /// Returns analyzers to the pool.
    pub fn give_back_analyzers(&self, set: Analyzers) {
        let mut pool = self.analyzers.lock().unwrap_or_else(|e| e.into_inner());
        if pool.len() < ANALYZER_POOL {
            pool.push(set);
        }
    }

    /// The largest article [`NewsIndex::add`] accepts, in bytes of text (title, lead, body,
    /// tags, source, section, author, URL): the memory budget of one indexing thread (see
    /// [`IndexOptions`]) divided by [`ARTICLE_BUDGET_SHARE`], so 32 MB with the default
    /// 512 MB per thread.
    ///
    /// tantivy checks its memory budget between documents only, and indexing one article
    /// takes 8 to 9 times its text in memory (measured: +35 MB for 4 MB, +387 MB for 50 MB:
    /// the parsed line, its copies in the document and the store, postings with positions),
    /// so this bound keeps one article within the budget of the thread that indexes it.
    /// Raise [`IndexOptions::memory_budget`] to index larger ones.
    ///
    /// ```
    /// use depeche::index::{IndexOptions, NewsIndex};
    /// let options = IndexOptions { memory_budget: 64_000_000, threads: 1 };
    /// let index = NewsIndex::create_in_ram_with(options).unwrap();
    /// assert_eq!(index.max_article_bytes(), 4_000_000);
    /// let options = IndexOptions { memory_budget: 3_200_000_000, threads: 2 };
    /// let index = NewsIndex::create_in_ram_with(options).unwrap();
    /// assert_eq!(index.max_article_bytes(), 100_000_000);
    /// ```
    pub fn max_article_bytes(&self) -> usize {
        self.options.budget_per_thread() / ARTICLE_BUDGET_SHARE
    }

    /// How this index writes.
    ///
    /// ```
    /// use depeche::index::{IndexOptions, NewsIndex};
    /// let index = NewsIndex::create_in_ram().unwrap();
    /// assert_eq!(index.options(), IndexOptions::default());
    /// ```
    pub fn options(&self) -> IndexOptions {
        self.options
    }

    /// Number of articles visible to searches (committed, not deleted).
    pub fn num_articles(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Drops a writer that failed: tantivy's writer refuses every write once one of its
    /// threads failed, so the next write creates a fresh one on the last commit.
    fn writer_failed(guard: &mut Option<IndexWriter>, err: tantivy::TantivyError) -> Error {
        drop(guard.take());
        Error::WriterFailed(err)
    }

    /// The writer lock, without creating the writer.
    pub(crate) fn lock_writer(&self) -> MutexGuard<'_, Option<IndexWriter>> {
        // A poisoned lock only means another thread panicked mid-write; the writer itself is
        // still consistent (uncommitted work is simply lost at the next commit or rollback).
        self.writer.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The writer in `slot`, created when there is none.
    pub(crate) fn ensure_writer<'a>(
        &self,
        slot: &'a mut Option<IndexWriter>,
    ) -> Result<&'a mut IndexWriter> {
        if slot.is_none() {
            let options = IndexWriterOptions::builder()
                .num_worker_threads(self.options.thread_count())
                .memory_budget_per_thread(self.options.budget_per_thread())
                .num_merge_threads(self.options.thread_count())
                .build();
            let writer: IndexWriter = self.index.writer_with_options(options)?;
            // A commit interrupted by a crash or a writer failure leaves files no commit names.
            // tantivy names delete files `<segment>.<opstamp>.del` and restarts opstamps from
            // the last commit, so the next commit could want the same name and fail with
            // "file already exists": clear the leftovers first. This also removes what a
            // process killed in the middle of a merge left behind.
            writer.garbage_collect_files().wait()?;
            *slot = Some(writer);
            // A new writer starts from the last commit: whatever was pending is gone.
            self.stories.reset();
        }
        Ok(slot.as_mut().expect("the writer was just created"))
    }

    fn writer(&self) -> Result<MutexGuard<'_, Option<IndexWriter>>> {
        let mut guard = self.lock_writer();
        self.ensure_writer(&mut guard)?;
        Ok(guard)
    }

    /// The document [`NewsIndex::add`] indexes for `article`, checked and within
    /// [`NewsIndex::max_article_bytes`].
    pub(crate) fn document(&self, article: &Article) -> Result<TantivyDocument> {
        let checked = article.check()?;
        let (bytes, max) = (text_bytes(article), self.max_article_bytes());
        if bytes > max {
            return Err(Error::InvalidArticle {
                id: article.id.clone(),
                reason: format!(
                    "{bytes} bytes of text, more than the {max} an article may hold with this \
                     memory budget (IndexOptions::memory_budget / threads / \
                     {ARTICLE_BUDGET_SHARE})"
                ),
            });
        }
        Ok(checked.to_document(&self.schema))
    }

    /// The delete term of the article `id`.
    pub(crate) fn id_term(&self, id: &str) -> Term {
        Term::from_field_text(self.schema.id, id.trim())
    }

    /// Adds `article`, replacing any article with the same id (upsert). Visible after
    /// [`NewsIndex::commit`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArticle`] when the article fails [`Article::validate`] or holds more
    /// than [`NewsIndex::max_article_bytes`] of text;
    /// [`Error::WriterFailed`] when the writer had failed since the last commit (all the
    /// writes since the last commit, this one included, are dropped; the next write starts
    /// afresh).
    ///
    /// ```
    /// use depeche::index::{Article, NewsIndex};
    /// let index = NewsIndex::create_in_ram().unwrap();
    /// let mut a = Article { id: "a".into(), title: "Première version".into(), ..Default::default() };
    /// index.add(&a).unwrap();
    /// a.title = "Seconde version".into();
    /// index.add(&a).unwrap();
    /// index.commit().unwrap();
    /// assert_eq!(index.num_articles(), 1);
    /// ```
    pub fn add(&self, article: &Article) -> Result<()> {
        // Pure: may move to worker threads with the document.
        let signature = self.story_signature(article);
        let doc = self.document(article)?;
        let mut guard = self.writer()?;
        self.add_locked(&mut guard, &article.id, doc, signature)
    }

    /// Deletes the article `id`, then gives `doc` its story and adds it, on the writer in
    /// `slot` (created when there is none).
    pub(crate) fn add_locked(
        &self,
        slot: &mut Option<IndexWriter>,
        id: &str,
        mut doc: TantivyDocument,
        signature: Option<story::Signature>,
    ) -> Result<()> {
        let writer = self.ensure_writer(slot)?;
        writer.delete_term(self.id_term(id));
        // Story assignment: sequential, in article order, under the writer's lock (`story/`).
        self.assign_story(id, signature, &mut doc)?;
        if let Err(e) = writer.add_document(doc) {
            return Err(NewsIndex::writer_failed(slot, e));
        }
        Ok(())
    }

    /// Deletes the article `id` (no error when there is none). Visible after
    /// [`NewsIndex::commit`].
    ///
    /// ```
    /// let index = depeche::index::NewsIndex::create_in_ram().unwrap();
    /// index.delete("absent").unwrap();
    /// index.commit().unwrap();
    /// ```
    pub fn delete(&self, id: &str) -> Result<()> {
        let guard = self.writer()?;
        if let Some(writer) = guard.as_ref() {
            writer.delete_term(self.id_term(id));
            self.stories.deleted(id);
        }
        Ok(())
    }

    /// Commits the pending writes, syncs the index directory so that the commit survives a
    /// crash, and makes the writes visible to searches.
    ///
    /// A commit is atomic: after a crash (even `kill -9` in the middle of it) the index opens
    /// on either this commit or the previous one, never on a part of it.
    ///
    /// # Errors
    ///
    /// [`Error::WriterFailed`] when the writer failed (the writes since the last commit are
    /// dropped, the last commit stays); I/O errors of the directory sync.
    ///
    /// ```
    /// let index = depeche::index::NewsIndex::create_in_ram().unwrap();
    /// index.commit().unwrap();
    /// ```
    pub fn commit(&self) -> Result<()> {
        // The writer's lock is held until the reader is reloaded, so that story assignment
        // never sees a commit that its pending articles do not cover.
        let mut guard = self.writer()?;
        self.commit_locked(&mut guard)
    }

    /// [`NewsIndex::commit`] on the writer in `slot` (created when there is none); the
    /// caller holds the writer's lock until this returns.
    pub(crate) fn commit_locked(&self, slot: &mut Option<IndexWriter>) -> Result<()> {
        let writer = self.ensure_writer(slot)?;
        // The stories of the writes since the last commit are no longer looked up: nothing
        // is assigned while `slot`'s lock is held, and after the commit the reader holds
        // them (if it fails, the writer and its writes go). Their memory (up to a commit's
        // worth of articles in a bulk import) is freed before tantivy writes its segments.
        self.stories.committed();
        if let Err(e) = writer.commit() {
            return Err(NewsIndex::writer_failed(slot, e));
        }
        if let Some(dir) = &self.dir {
            sync_dir(dir)?;
        }
        self.reader.reload()?;
        Ok(())
    }

    /// Drops the pending (uncommitted) writes.
    ///
    /// ```
    /// let index = depeche::index::NewsIndex::create_in_ram().unwrap();
    /// index.rollback().unwrap();
    /// ```
    pub fn rollback(&self) -> Result<()> {
        let mut guard = self.writer()?;
        self.rollback_locked(&mut guard)
    }

    /// [`NewsIndex::rollback`] on the writer in `slot`, if any.
    pub(crate) fn rollback_locked(&self, slot: &mut Option<IndexWriter>) -> Result<()> {
        if let Some(writer) = slot.as_mut() {
            if let Err(e) = writer.rollback() {
                return Err(NewsIndex::writer_failed(slot, e));
            }
            self.stories.reset();
        }
        Ok(())
    }

    /// Stops the writer in `slot`, if any, once its background merges are done: tantivy
    /// merges segments on threads of its own, and a process that ends while one runs leaves
    /// a half-written segment behind. Pending (uncommitted) writes are dropped.
    pub(crate) fn close_writer(slot: &mut Option<IndexWriter>) -> Result<()> {
        if let Some(writer) = slot.take() {
            writer.wait_merging_threads()?;
        }
        Ok(())
    }
}

impl Drop for NewsIndex {
    /// Waits for the writer's background merges, so that no half-written segment is left in
    /// the directory (see [`NewsIndex::merge_segments`]); uncommitted writes are dropped.
    fn drop(&mut self) {
        let mut slot = self.lock_writer();
        let _ = NewsIndex::close_writer(&mut slot);
    }
}

/// Bytes of text an article brings into the index.
pub(crate) fn text_bytes(a: &Article) -> usize {
    let opt = |o: &Option<String>| o.as_ref().map_or(0, String::len);
    a.title.len()
        + a.lead.len()
        + a.body.len()
        + a.tags.iter().map(String::len).sum::<usize>()
        + opt(&a.source)
        + opt(&a.section)
        + opt(&a.author)
        + opt(&a.url)
}

/// fsync of the directory entry, so that files renamed into it (tantivy's `meta.json`) are
/// durable. A no-op where directories cannot be opened as files.
///
/// tantivy already syncs each segment file when it is closed and the directory before it
/// writes `meta.json` (so the new segment files are durable before anything names them);
/// `meta.json` itself is written to a synced temporary file renamed over the old one, but the
/// rename is not synced. This sync makes the rename, hence the commit, durable before
/// [`NewsIndex::commit`] returns.
fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

fn check_schema(index: &Index, schema: &NewsSchema, dir: &Path) -> Result<()> {
    let theirs = serde_json::to_string(&index.schema())?;
    let ours = serde_json::to_string(schema.schema())?;
    if theirs != ours {
        let reason = if index.schema().get_field(STORY_FIELD).is_err() {
            "it was built before story detection (no `story` field); rebuild it from the \
             articles"
        } else if index.schema().get_field("story_bands").is_ok() {
            "it was built by an earlier version of depeche (band keys indexed as terms, an \
             older story sketch); rebuild it from the articles"
        } else {
            "its schema differs from this version of depeche"
        };
        return Err(Error::IncompatibleIndex { path: dir.to_path_buf(), reason: reason.into() });
    }
    Ok(())
}
