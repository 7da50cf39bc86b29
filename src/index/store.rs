//! The doc store of the indexes [`NewsIndex`](super::NewsIndex) creates.
//!
//! A stored document is read by decompressing its whole block. The hits of a page are
//! scattered over the index, and so are the other versions listed under them
//! ([`crate::search::Similar`], up to [`crate::search::MAX_SIMILAR`] per hit), so nearly
//! every read misses the block cache: blocks smaller than tantivy's default (16,384 bytes)
//! make each read cheaper, for a slightly larger store. On 100,000 generated articles,
//! interleaved with other queries, 4,096-byte blocks take `gouvernement` with collapsing
//! from 2.9× to 2.0× the same search without it (118 versions listed), for a 6% larger
//! index (`docs/stories.md`, cost section).

/// Bytes of a doc store block in the indexes [`NewsIndex`](super::NewsIndex) creates; an
/// index keeps the block size it was created with.
///
/// ```
/// assert!(depeche::index::DOC_STORE_BLOCK_BYTES < 16_384);
/// ```
pub const DOC_STORE_BLOCK_BYTES: usize = 4_096;

/// tantivy's default index settings with doc store blocks of [`DOC_STORE_BLOCK_BYTES`].
pub(crate) fn settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings { docstore_blocksize: DOC_STORE_BLOCK_BYTES, ..Default::default() }
}
