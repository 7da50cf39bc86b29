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
//! - Each segment's `story` column, opened (collapsing reads it per candidate).
//! - Cards ([`super::cards`]): each document's id, source and date, what a version listed
//!   under a collapsed hit shows, without reading the doc store. A segment of more than
//!   [`CARDS_SYNC_DOCS`] documents gets them in a background thread (until they are ready,
//!   searches read the doc store for them: the same results, a little slower).

use std::collections::HashMap;
use std::collections::HashSet;
use std::sync::{Arc, Mutex, RwLock};

use tantivy::columnar::Column;
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
pub struct Warm {
    dates: RwLock<HashMap<SegmentId, Arc<SegmentDates>>>,
    /// Each segment's `story` column, opened once (opening a column reads its header:
    /// 37 k instructions, four times a collapsed search otherwise).
    stories: RwLock<HashMap<SegmentId, Option<Column<u64>>>>,
    cards: Arc<Shelf>,
    /// Segments up to this many documents get their cards at once ([`CARDS_SYNC_DOCS`]).
    sync_docs: u32,
}

impl Default for Warm {
    fn default() -> Warm {
        Warm {
            dates: RwLock::default(),
            stories: RwLock::default(),
            cards: Arc::default(),
            sync_docs: CARDS_SYNC_DOCS,
        }
    }
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

    /// The `story` column of `reader`'s segment, opened now if the warmer has not seen it
    /// (`None` when the index has none).
    pub(crate) fn stories(&self, reader: &SegmentReader) -> Option<Column<u64>> {
        let id = reader.segment_id();
        if let Some(c) = self.stories.read().unwrap_or_else(|e| e.into_inner()).get(&id) {
            return c.clone();
        }
        let c = super::story::story_column(reader).ok();
        self.stories.write().unwrap_or_else(|e| e.into_inner()).insert(id, c.clone());
        c
    }
}

/// Segments up to this many documents get their cards when the warmer sees them; larger
/// ones (an index opened, a merge) in a background thread, so that opening a million-article
/// index or reloading after a merge does not wait for them (0.35 µs per article).
///
/// ```
/// assert!(depeche::index::CARDS_SYNC_DOCS >= 10_000, "a commit's small segment waits");
/// ```
pub const CARDS_SYNC_DOCS: u32 = 65_536;

/// The cards built so far, and those being built.
#[derive(Default)]
struct Shelf {
    ready: RwLock<HashMap<SegmentId, Arc<SegmentCards>>>,
    building: Mutex<HashSet<SegmentId>>,
}

impl Shelf {
    /// The cards of segment `id`, if built.
    fn get(&self, id: &SegmentId) -> Option<Arc<SegmentCards>> {
        self.ready.read().unwrap_or_else(|e| e.into_inner()).get(id).cloned()
    }

    /// Whether the caller is to build the cards of segment `id`: `false` when they are built
    /// or being built.
    fn claim(&self, id: SegmentId) -> bool {
        self.get(&id).is_none()
            && self.building.lock().unwrap_or_else(|e| e.into_inner()).insert(id)
    }

    fn build(&self, reader: &SegmentReader) {
        let schema = reader.schema();
        let cards = match (schema.get_field("id"), schema.get_field(FACET_FIELD)) {
            (Ok(i), Ok(f)) => SegmentCards::compute(reader, i, f).unwrap_or_default(),
            _ => SegmentCards::default(),
        };
        let id = reader.segment_id();
        self.ready.write().unwrap_or_else(|e| e.into_inner()).insert(id, Arc::new(cards));
        self.building.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
    }
}

impl Warm {
    /// The cards of `reader`'s segment ([`super::cards`]): built now if the segment is small
    /// ([`CARDS_SYNC_DOCS`]), else started in the background and `None` until they are ready
    /// (the caller then reads the doc store). Empty cards when the index has no `id` or
    /// `facets` field or they cannot be read.
    pub(crate) fn cards(&self, reader: &SegmentReader) -> Option<Arc<SegmentCards>> {
        let id = reader.segment_id();
        if let Some(c) = self.cards.get(&id) {
            return Some(c);
        }
        if !self.cards.claim(id) {
            return None;
        }
        if reader.max_doc() > self.sync_docs && self.in_background(vec![reader.clone()]) {
            return None;
        }
        self.cards.build(reader);
        self.cards.get(&id)
    }

    /// Starts the cards of every segment of `searcher` the warmer has not seen: the small
    /// ones now, the large ones one after another in one background thread (one core left
    /// to the searches meanwhile).
    fn start_cards(&self, searcher: &Searcher) {
        let mut later = Vec::new();
        for reader in searcher.segment_readers() {
            if !self.cards.claim(reader.segment_id()) {
                continue;
            }
            if reader.max_doc() > self.sync_docs {
                later.push(reader.clone());
            } else {
                self.cards.build(reader);
            }
        }
        if !later.is_empty() && !self.in_background(later.clone()) {
            for reader in &later {
                self.cards.build(reader);
            }
        }
    }

    /// Builds the cards of `readers` in a background thread; `false` when none could start.
    fn in_background(&self, readers: Vec<SegmentReader>) -> bool {
        let shelf = Arc::clone(&self.cards);
        std::thread::Builder::new()
            .name("depeche-cards".into())
            .spawn(move || readers.iter().for_each(|r| shelf.build(r)))
            .is_ok()
    }

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
        let cards = self.cards.ready.read().unwrap_or_else(|e| e.into_inner());
        cards.values().map(|c| c.bytes()).sum()
    }
}

impl Warmer for Warm {
    fn warm(&self, searcher: &Searcher) -> tantivy::Result<()> {
        let schema = searcher.schema();
        for reader in searcher.segment_readers() {
            self.dates(reader);
            self.stories(reader);
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
        self.start_cards(searcher);
        Ok(())
    }

    fn garbage_collect(&self, live: &[&SearcherGeneration]) {
        let ids: std::collections::HashSet<SegmentId> =
            live.iter().flat_map(|g| g.segments().keys().copied()).collect();
        self.dates.write().unwrap_or_else(|e| e.into_inner()).retain(|id, _| ids.contains(id));
        self.stories.write().unwrap_or_else(|e| e.into_inner()).retain(|id, _| ids.contains(id));
        let mut ready = self.cards.ready.write().unwrap_or_else(|e| e.into_inner());
        ready.retain(|id, _| ids.contains(id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{Article, NewsIndex};

    /// A segment past the synchronous size gets no cards at first, then, built in the
    /// background, the cards a synchronous build gives.
    #[test]
    fn large_segments_get_their_cards_in_the_background() {
        let index = NewsIndex::create_in_ram().unwrap();
        index.set_story_detection(false);
        for i in 0..50 {
            let a = Article {
                id: format!("id-{i}"),
                title: format!("Titre {i}"),
                source: Some(format!("source {}", i % 3)),
                ..Default::default()
            };
            index.add(&a).unwrap();
        }
        index.commit().unwrap();
        let searcher = index.searcher();
        let reader = searcher.segment_reader(0);
        let warm = Warm { sync_docs: 10, ..Warm::default() };
        assert!(warm.cards(reader).is_none(), "50 documents > 10: built in the background");
        let started = std::time::Instant::now();
        let cards = loop {
            if let Some(c) = warm.cards(reader) {
                break c;
            }
            assert!(started.elapsed().as_secs() < 60, "the cards never came");
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        let s = index.schema();
        let direct = SegmentCards::compute(reader, s.id, s.facets).unwrap();
        for doc in 0..reader.max_doc() {
            assert_eq!(cards.id(doc), direct.id(doc), "doc {doc}");
            assert_eq!(cards.source(doc), direct.source(doc), "doc {doc}");
            assert!(cards.id(doc).is_some_and(|id| id.starts_with("id-")), "doc {doc}");
        }
        let small = Warm::default();
        assert!(small.cards(reader).is_some(), "50 documents: built at once");
    }
}
