//! Merging an index down to a few segments, and waiting for the merges to end.
//!
//! Every segment costs each search a fixed part (opening its postings, its own top-k pass),
//! and per-segment pruning works best on large segments; a bulk import writes one segment per
//! indexing thread each time a thread's memory budget fills or a commit comes, so it ends with
//! many. [`NewsIndex::merge_segments`] merges them into a few of about equal size, on as many
//! merge threads as the index has indexing threads, and returns once they are written and
//! committed: a process that ends while tantivy merges would leave a half-written segment.

use serde::{Deserialize, Serialize};
use tantivy::index::SegmentMeta;
use tantivy::indexer::NoMergePolicy;

use super::{sync_dir, NewsIndex};
use crate::Result;

/// What [`NewsIndex::merge_segments`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeReport {
    /// Segments before.
    pub before: usize,
    /// Segments after.
    pub after: usize,
}

impl NewsIndex {
    /// Commits the pending writes, then merges the segments of the index into at most
    /// `max_segments` (at least 1) of about equal size, and commits. An import does it at its
    /// end ([`ImportOptions::merge_to`](super::ImportOptions::merge_to)).
    ///
    /// Merging rewrites the segments it merges (about as long as indexing them took, on
    /// [`IndexOptions::threads`](super::IndexOptions::threads) threads) and drops deleted
    /// articles for good. Merges of the index's writer that were running in the background
    /// are waited for first; this returns when every merge is done and committed, so that no
    /// half-written segment is left. Searches go on meanwhile, on the segments before the
    /// merge until it is committed.
    ///
    /// # Errors
    ///
    /// [`Error::WriterFailed`](crate::Error::WriterFailed) when the pending writes cannot be
    /// committed; tantivy and I/O errors of a merge (the segments before it stay).
    ///
    /// ```
    /// use depeche::index::{Article, NewsIndex};
    /// let index = NewsIndex::create_in_ram().unwrap();
    /// for i in 0..3 {
    ///     index.add(&Article { id: i.to_string(), title: "Dépêche".into(), ..Default::default() }).unwrap();
    ///     index.commit().unwrap();
    /// }
    /// let report = index.merge_segments(1).unwrap();
    /// assert_eq!((report.before, report.after), (3, 1));
    /// assert_eq!(index.segment_count(), 1);
    /// assert_eq!(index.num_articles(), 3);
    /// ```
    pub fn merge_segments(&self, max_segments: usize) -> Result<MergeReport> {
        let mut slot = self.lock_writer();
        if slot.is_some() {
            self.commit_locked(&mut slot)?;
        }
        NewsIndex::close_writer(&mut slot)?;
        let metas = self.tantivy_index().searchable_segment_metas()?;
        let groups = plan(&metas, max_segments.max(1));
        let before = metas.len();
        if groups.iter().all(|g| g.len() < 2) {
            return Ok(MergeReport { before, after: before });
        }
        let writer = self.ensure_writer(&mut slot)?;
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let merges: Vec<_> = groups
            .iter()
            .filter(|g| g.len() >= 2)
            .map(|g| writer.merge(&g.iter().map(|m| m.id()).collect::<Vec<_>>()))
            .collect();
        // The files of a segment stay while any of its `SegmentMeta`s lives.
        drop((metas, groups));
        let mut failed = None;
        for merge in merges {
            if let Err(e) = merge.wait() {
                failed.get_or_insert(e);
            }
        }
        if let Some(dir) = self.directory() {
            sync_dir(dir)?;
        }
        self.reader.reload()?;
        // tantivy keeps the files of every segment some searcher still holds: the merged
        // segments' files go once the reader has moved on to the merged one.
        let collected = writer.garbage_collect_files().wait();
        NewsIndex::close_writer(&mut slot)?;
        if let Some(e) = failed {
            return Err(e.into());
        }
        collected?;
        Ok(MergeReport { before, after: self.segment_count() })
    }

    /// Number of segments of the last commit.
    ///
    /// ```
    /// let index = depeche::index::NewsIndex::create_in_ram().unwrap();
    /// assert_eq!(index.segment_count(), 0);
    /// ```
    pub fn segment_count(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }
}

/// `metas` parted into at most `max` groups of about equal size (documents, deleted ones
/// included, as merging reads them): largest first, each into the smallest group so far.
fn plan(metas: &[SegmentMeta], max: usize) -> Vec<Vec<SegmentMeta>> {
    if metas.len() <= max {
        return metas.iter().map(|m| vec![m.clone()]).collect();
    }
    let mut sorted: Vec<&SegmentMeta> = metas.iter().collect();
    sorted.sort_by_key(|m| std::cmp::Reverse(m.max_doc()));
    let mut groups: Vec<(u64, Vec<SegmentMeta>)> = vec![(0, Vec::new()); max];
    for meta in sorted {
        let smallest = groups.iter_mut().min_by_key(|(size, _)| *size).expect("max >= 1");
        smallest.0 += u64::from(meta.max_doc());
        smallest.1.push(meta.clone());
    }
    groups.into_iter().map(|(_, g)| g).filter(|g| !g.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::index::SegmentId;
    use tantivy::Index;

    fn metas(sizes: &[u32]) -> Vec<SegmentMeta> {
        let index = Index::create_in_ram(tantivy::schema::Schema::builder().build());
        sizes.iter().map(|&n| index.new_segment_meta(SegmentId::generate_random(), n)).collect()
    }

    /// (name, segment sizes, max segments, sizes of the groups).
    #[allow(clippy::type_complexity)]
    const PLANS: &[(&str, &[u32], usize, &[u32])] = &[
        ("few_enough_stay", &[5, 3], 4, &[5, 3]),
        ("equal_sizes_pair_up", &[10, 10, 10, 10], 2, &[20, 20]),
        ("a_large_one_stays_alone", &[100, 10, 10, 10, 10], 2, &[100, 40]),
        ("everything_into_one", &[1, 2, 3], 1, &[6]),
    ];

    #[test]
    fn segments_are_parted_into_groups_of_about_equal_size() {
        for (name, sizes, max, want) in PLANS {
            let groups = plan(&metas(sizes), *max);
            let mut got: Vec<u32> =
                groups.iter().map(|g| g.iter().map(|m| m.max_doc()).sum()).collect();
            got.sort_unstable_by(|a, b| b.cmp(a));
            assert_eq!(got, *want, "{name}");
        }
    }
}
