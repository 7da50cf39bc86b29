//! Checking an index on disk: checksums of every file of the last commit.
//!
//! tantivy ends every segment file with a footer holding the CRC32 of its content, but only
//! reads it when asked ([`tantivy::Index::validate_checksum`]): a plain open maps the files and
//! trusts them, so a flipped bit shows up later as wrong results, an error or a panic deep
//! inside a search. [`NewsIndex::open_verified`] reads every file of the last commit once and
//! refuses the index when one does not match; `meta.json` (JSON, no footer) is checked by
//! parsing it and opening every segment it names.

use std::path::Path;

use super::NewsIndex;
use crate::{Error, Result};

impl NewsIndex {
    /// Opens the existing index in `dir` like [`NewsIndex::open`], then checks the checksum
    /// of every file of its last commit.
    ///
    /// This reads the whole index once (about as fast as the disk reads, CRC32 is cheap), so
    /// it suits opening an index at start-up, not per request.
    ///
    /// # Errors
    ///
    /// [`Error::DamagedIndex`] naming the files whose checksum does not match;
    /// [`Error::IncompatibleIndex`] when there is no depeche index in `dir`; tantivy and I/O
    /// errors for a missing or truncated segment file or an unreadable `meta.json`.
    ///
    /// ```
    /// use depeche::index::{Article, NewsIndex};
    /// # fn main() -> depeche::Result<()> {
    /// let dir = tempfile::tempdir()?;
    /// let index = NewsIndex::open_or_create(dir.path())?;
    /// index.add(&Article { id: "1".into(), title: "Grève à la SNCF".into(), ..Default::default() })?;
    /// index.commit()?;
    /// drop(index);
    /// assert_eq!(NewsIndex::open_verified(dir.path())?.num_articles(), 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn open_verified(dir: impl AsRef<Path>) -> Result<NewsIndex> {
        let index = NewsIndex::open(dir)?;
        index.verify()?;
        Ok(index)
    }

    /// Checks the checksum of every file of the last commit (see
    /// [`NewsIndex::open_verified`]). A RAM index always passes.
    ///
    /// # Errors
    ///
    /// [`Error::DamagedIndex`] naming the damaged files; tantivy errors when a file cannot be
    /// read.
    ///
    /// ```
    /// let index = depeche::index::NewsIndex::create_in_ram().unwrap();
    /// assert!(index.verify().is_ok());
    /// ```
    pub fn verify(&self) -> Result<()> {
        let damaged = self.tantivy_index().validate_checksum()?;
        if damaged.is_empty() {
            return Ok(());
        }
        let mut files: Vec<_> = damaged.into_iter().collect();
        files.sort();
        let path = self.directory().map(Path::to_path_buf).unwrap_or_default();
        Err(Error::DamagedIndex { path, files })
    }
}
