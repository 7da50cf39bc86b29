//! The crate error type and its `Result` alias.
//!
//! Every fallible function of depeche returns [`crate::Result`]. What a reader types in a
//! search box is never an error (see [`crate::query`]) unless it is past one of the
//! [`crate::query::QueryLimits`]; errors come from bad articles, bad request parameters,
//! queries past a limit, the file system and tantivy.

use std::path::PathBuf;

/// The result type of depeche's fallible functions.
///
/// ```
/// fn check(id: &str) -> depeche::Result<()> {
///     if id.is_empty() {
///         return Err(depeche::Error::InvalidArticle {
///             id: String::new(),
///             reason: "missing id".into(),
///         });
///     }
///     Ok(())
/// }
/// assert!(check("").is_err());
/// ```
pub type Result<T> = std::result::Result<T, Error>;

/// Everything that can go wrong in depeche.
///
/// Wrapped errors keep their source ([`std::error::Error::source`]).
///
/// ```
/// let err = depeche::index::parse_date("31/12/2016").unwrap_err();
/// assert!(matches!(err, depeche::Error::InvalidDate { .. }));
/// assert!(err.to_string().contains("31/12/2016"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An article was refused: no id, no text, or a bad date.
    #[error("invalid article {id:?}: {reason}")]
    InvalidArticle {
        /// The article id as given (empty when it was missing).
        id: String,
        /// Why the article was refused.
        reason: String,
    },
    /// A date that is not `YYYY-MM-DD` / RFC 3339, or that lies outside the range the index holds.
    #[error("invalid date {input:?}: {reason}")]
    InvalidDate {
        /// The text that was given.
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A request parameter that cannot be honoured (for example an unknown language code).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// A query past one of its [`crate::query::QueryLimits`]: refused before it reached the
    /// index, or stopped at its time budget. The message says which limit and by how much;
    /// it can be shown to the reader ("query too long…").
    ///
    /// ```
    /// use depeche::{query::Limit, Error, NewsIndex, SearchRequest};
    /// let index = NewsIndex::create_in_ram().unwrap();
    /// let err = index.search(&SearchRequest::new("(".repeat(100_000))).unwrap_err();
    /// assert!(matches!(err, Error::QueryRefused { limit: Limit::Length, .. }));
    /// assert!(err.to_string().starts_with("query refused (max_query_bytes): the query is 100000 bytes long"));
    /// ```
    #[error("query refused ({limit}): {reason}")]
    QueryRefused {
        /// The limit that was passed.
        limit: crate::query::Limit,
        /// What was found, and what is allowed.
        reason: String,
    },
    /// A bad line in an entity-alias table or a synonym file
    /// ([`crate::query::Thesaurus::parse_aliases`], [`crate::query::Thesaurus::parse_synonyms`]).
    ///
    /// ```
    /// let err = depeche::query::Thesaurus::parse_synonyms("a, b\nc\n").unwrap_err();
    /// assert!(matches!(err, depeche::Error::InvalidThesaurus { line: 2, .. }));
    /// ```
    #[error("{origin}, line {line}: {reason}")]
    InvalidThesaurus {
        /// The file (or `aliases` / `synonyms` for text parsed in memory).
        origin: String,
        /// The line number, from 1.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// The directory holds an index that depeche did not create, or an older schema.
    #[error("{path}: not a depeche index ({reason})")]
    IncompatibleIndex {
        /// The index directory.
        path: PathBuf,
        /// What differs.
        reason: String,
    },
    /// [`crate::index::NewsIndex::open_verified`] found index files whose checksum does not
    /// match their content (bit rot, a truncated copy, a disk fault).
    #[error("{path}: damaged index: checksum mismatch in {}", files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", "))]
    DamagedIndex {
        /// The index directory.
        path: PathBuf,
        /// The damaged files, relative to `path`, sorted.
        files: Vec<PathBuf>,
    },
    /// The index writer failed (an I/O error while writing a segment, a failed indexing
    /// thread). The writes since the last commit were dropped; the next write starts a fresh
    /// writer on the last commit.
    #[error("the index writer failed and dropped the writes since the last commit: {0}")]
    WriterFailed(#[source] tantivy::TantivyError),
    /// tantivy panicked while reading the index, which happens on damaged index files; the
    /// panic was contained and turned into this error.
    #[error("internal error while {during} (is the index damaged? check it with NewsIndex::open_verified): {message}")]
    Internal {
        /// What was being done, e.g. `searching`.
        during: &'static str,
        /// The panic message.
        message: String,
    },
    /// An error from tantivy.
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// A tantivy directory could not be opened.
    #[error("cannot open index directory: {0}")]
    OpenDirectory(#[from] tantivy::directory::error::OpenDirectoryError),
    /// An I/O error (reading an import file, syncing the index directory…).
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// A JSON error outside article parsing (articles that fail to parse are reported, not raised).
    #[error("JSON error: {0}")]
    Json(#[from] serde_json::Error),
}

impl From<crate::analysis::UnknownLang> for Error {
    fn from(err: crate::analysis::UnknownLang) -> Error {
        Error::InvalidRequest(err.to_string())
    }
}

/// Runs `f`, turning a panic inside it into [`Error::Internal`].
///
/// tantivy trusts the bytes of the files it maps: on a damaged index it may panic (an index
/// out of bounds in a decoder) instead of returning an error. The library calls that read the
/// index go through this, so that a damaged file never takes the caller's thread down.
pub(crate) fn contain_panic<T>(during: &'static str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Err(Error::Internal { during, message })
    })
}
