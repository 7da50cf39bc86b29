//! What a searcher needs ready before its first search: per-segment date ranges, and the
//! index files a search reads, paged in.
//!
//! [`Warm`] is a tantivy [`Warmer`]: the reader runs it on every new searcher generation (at
//! open and at each commit's reload) before the searcher is handed out, so the first search
//! pays neither for this data nor for the page faults of the files it touches.
//!
//! - Term dictionaries, postings and field norms of every indexed field: opened, so that their
//!   files' footers and headers are read now, not by the first search.
//! - Dates: for each block of [`DATE_BLOCK`] documents of a segment, the newest and oldest
//!   publication dates. A newest-first search skips the blocks whose newest date cannot make
//!   the page, and the recency factor is bounded per block.
//! - Cards ([`super::cards`]): each document's id, source and date, what a version listed
//!   under a collapsed hit shows, without reading the doc store.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use tantivy::index::SegmentId;
use tantivy::{DocId, Searcher, SearcherGeneration, SegmentReader, Warmer};

use super::cards::SegmentCards;
use super::{DATE_FIELD, FACET_FIELD};

/// Documents per date block.
pub const DATE_BLOCK: u32 = 128;

/// Newest and oldest date (seconds) of each block of [`DATE_BLOCK`] documents of a segment.
#[derive(Debug, Default)]
pub struct SegmentDates {
    /// Per block, the newest date, `i64::MIN` when no document of the block has one.
    newest: Vec<i64>,
    /// Per block, the oldest date, `i64::MAX` when no document of the block has one.
    oldest: Vec<i64>,
}

impl SegmentDates {
    /// Reads the date column of `reader` (empty when it has none).
    pub fn compute(reader: &SegmentReader) -> SegmentDates {
        let Ok(column) = reader.fast_fields().date(DATE_FIELD) else {
            return SegmentDates::default();
        };
        let blocks = reader.max_doc().div_ceil(DATE_BLOCK) as usize;
        let mut newest = vec![i64::MIN; blocks];
        let mut oldest = vec![i64::MAX; blocks];
        for doc in 0..reader.max_doc() {
            if let Some(d) = column.first(doc) {
                let (b, s) = ((doc / DATE_BLOCK) as usize, d.into_timestamp_secs());
                newest[b] = newest[b].max(s);
                oldest[b] = oldest[b].min(s);
            }
        }
        SegmentDates { newest, oldest }
    }

    fn range(&self, from: DocId, to: DocId) -> std::ops::Range<usize> {
        let a = (from / DATE_BLOCK) as usize;
        let b = ((to / DATE_BLOCK) as usize).saturating_add(1).min(self.newest.len());
        a.min(b)..b
    }

    /// The newest date of the documents `from..=to`, `None` when none has a date, or when the
    /// blocks are unknown (then `Some(i64::MAX)`: no bound).
    pub fn newest(&self, from: DocId, to: DocId) -> Option<i64> {
        if self.newest.is_empty() {
            return Some(i64::MAX);
        }
        let m = self.newest[self.range(from, to)].iter().copied().max().unwrap_or(i64::MIN);
        (m != i64::MIN).then_some(m)
    }

    /// The oldest date of the documents `from..=to`, as [`SegmentDates::newest`].
    pub fn oldest(&self, from: DocId, to: DocId) -> Option<i64> {
        if self.oldest.is_empty() {
            return Some(i64::MIN);
        }
        let m = self.oldest[self.range(from, to)].iter().copied().min().unwrap_or(i64::MAX);
        (m != i64::MAX).then_some(m)
    }
}

/// The warmer of a [`super::NewsIndex`]'s reader (see the module docs).
#[derive(Default)]
pub struct Warm {
    dates: RwLock<HashMap<SegmentId, Arc<SegmentDates>>>,
    cards: RwLock<HashMap<SegmentId, Arc<SegmentCards>>>,
}

impl Warm {
    /// The dates of `reader`'s segment, computed now if the warmer has not seen it.
    pub fn dates(&self, reader: &SegmentReader) -> Arc<SegmentDates> {
        let id = reader.segment_id();
        if let Some(d) = self.dates.read().unwrap_or_else(|e| e.into_inner()).get(&id) {
            return Arc::clone(d);
        }
        let d = Arc::new(SegmentDates::compute(reader));
        self.dates.write().unwrap_or_else(|e| e.into_inner()).insert(id, Arc::clone(&d));
        d
    }
}

impl Warm {
    /// The cards of `reader`'s segment ([`super::cards`]), read now if the warmer has not
    /// seen it; empty cards when the index has no `id` or `facets` field or they cannot be
    /// read (the caller then reads the doc store).
    pub(crate) fn cards(&self, reader: &SegmentReader) -> Arc<SegmentCards> {
        let id = reader.segment_id();
        if let Some(c) = self.cards.read().unwrap_or_else(|e| e.into_inner()).get(&id) {
            return Arc::clone(c);
        }
        let schema = reader.schema();
        let computed = match (schema.get_field("id"), schema.get_field(FACET_FIELD)) {
            (Ok(i), Ok(f)) => SegmentCards::compute(reader, i, f).unwrap_or_default(),
            _ => SegmentCards::default(),
        };
        let c = Arc::new(computed);
        self.cards.write().unwrap_or_else(|e| e.into_inner()).insert(id, Arc::clone(&c));
        c
    }
}

impl Warm {
    /// Memory the cards of the segments seen hold, in bytes: the ids' bytes plus 12 bytes
    /// per document.
    ///
    /// ```
    /// use depeche::index::{Article, NewsIndex};
    /// let index = NewsIndex::create_in_ram().unwrap();
    /// index.add(&Article { id: "a-1".into(), title: "Titre".into(), ..Default::default() }).unwrap();
    /// index.commit().unwrap();
    /// assert!(index.warm().cards_bytes() >= 3 + 12);
    /// ```
    pub fn cards_bytes(&self) -> usize {
        let cards = self.cards.read().unwrap_or_else(|e| e.into_inner());
        cards.values().map(|c| c.bytes()).sum()
    }
}

impl Warmer for Warm {
    fn warm(&self, searcher: &Searcher) -> tantivy::Result<()> {
        let schema = searcher.schema();
        for reader in searcher.segment_readers() {
            self.dates(reader);
            self.cards(reader);
            // A segment opens each field's term dictionary and postings on first use, reading
            // each file's footer and header: on a cold page cache, a disk wait per file that
            // the first search would pay (and its time budget with it).
            for (field, entry) in schema.fields() {
                if entry.is_indexed() {
                    reader.inverted_index(field)?;
                }
                if entry.has_fieldnorms() {
                    reader.get_fieldnorms_reader(field)?;
                }
            }
        }
        Ok(())
    }

    fn garbage_collect(&self, live: &[&SearcherGeneration]) {
        let ids: std::collections::HashSet<SegmentId> =
            live.iter().flat_map(|g| g.segments().keys().copied()).collect();
        self.dates.write().unwrap_or_else(|e| e.into_inner()).retain(|id, _| ids.contains(id));
        self.cards.write().unwrap_or_else(|e| e.into_inner()).retain(|id, _| ids.contains(id));
    }
}
