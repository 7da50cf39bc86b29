//! Story assignment: the lookup of an earlier near-duplicate, among the committed articles
//! and those added since the last commit.

use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};
use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::schema::Value;
use tantivy::{DocAddress, IndexReader, Searcher, TantivyDocument};

use super::bands::BandTable;
use super::filter::BandFilter;
use super::signature::{
    exact_containment, hash_bytes, shingle_set, Signature, Sketch, Stored, StoryText,
};
use super::{StoryStats, CONTAINMENT_THRESHOLD, MAX_CANDIDATES_PER_KEY, MAX_EXACT_CHECKS};
use crate::index::{NewsSchema, STORY_FIELD, STORY_SKETCH_FIELD};
use crate::Result;

/// Sigmas of the sketch's containment interval: a candidate whose interval lies above the
/// threshold joins without more ado, one whose interval straddles it is checked exactly if
/// its estimate is within [`EXACT_SIGMAS`] of it.
const SPREAD: f32 = 3.0;
/// The 16 bits of a shingle hash that the exact check compares: the pending articles of an
/// import (up to a commit's worth, ~700,000 for a million) keep their shingles in memory,
/// and 16 bits halve that. Two different shingles agree with probability 2⁻¹⁶, so a set of
/// 400 (the most an article has) overstates a containment by 0.6% at most: far from what
/// separates versions (0.9 and more) from the threshold (0.8). Committed candidates are
/// compared on the same fingerprints, so a bulk import and articles added one by one decide
/// alike. The high half of the low 32 bits: a rolling hash mixes its low bits least.
fn fingerprint(shingle: u32) -> u16 {
    (shingle >> 16) as u16
}

/// Sorted, deduplicated fingerprints of `shingles`.
fn fingerprint_set(shingles: &[u32], bits: &mut FingerprintBits) -> Vec<u16> {
    let mut set: Vec<u16> = shingles.iter().map(|&s| fingerprint(s)).collect();
    let len = bits.sort_dedup(&mut set);
    set.truncate(len);
    set
}

/// Fewer values than this are sorted by comparison: reading the whole bitmap back costs
/// more.
const BITMAP_SORT_FROM: usize = 128;

/// A bitmap of every 16-bit fingerprint (8 KB, allocated once, empty between uses): a
/// set of a few hundred fingerprints is sorted and deduplicated by setting their bits and
/// reading them back in order, in about half the instructions of a comparison sort (the
/// exact checks sort a set per article, on the writer's one thread).
struct FingerprintBits(Box<[u64; 1 << 10]>);

impl FingerprintBits {
    fn new() -> FingerprintBits {
        FingerprintBits(Box::new([0; 1 << 10]))
    }

    /// Sorts `values` and removes their repeats, in place; the number of values left at
    /// the front (as `sort_unstable` then [`dedup_sorted`]).
    fn sort_dedup(&mut self, values: &mut [u16]) -> usize {
        if values.len() < BITMAP_SORT_FROM {
            values.sort_unstable();
            return dedup_sorted(values);
        }
        for &v in values.iter() {
            self.0[usize::from(v >> 6)] |= 1 << (v & 63);
        }
        let mut kept = 0;
        for (i, word) in self.0.iter_mut().enumerate() {
            let mut w = std::mem::take(word);
            while w != 0 {
                values[kept] = ((i as u16) << 6) | w.trailing_zeros() as u16;
                kept += 1;
                w &= w - 1;
            }
        }
        kept
    }
}

/// How many standard errors under the threshold an estimate may be and still get an exact
/// check. A version of the same story holds nearly all the smaller text (0.9 and more, 0.72
/// at the least on the republication sets), so its estimate is rarely that low; a
/// candidate that shares a few paragraphs of a mash-up often is, and its exact check (a
/// stored document read and shingled again) would cost as much as indexing an article.
/// The error grows when the two sizes differ, so a brief against a long article is still
/// checked.
const EXACT_SIGMAS: f32 = 1.5;

/// An article added since the last commit.
struct Pending {
    story: u64,
    sketch: Sketch,
    /// Where its shingles are in [`Stories::shingles`]: they are sorted (and deduplicated,
    /// which may shorten them) on their first exact check.
    start: usize,
    len: u32,
    sorted: bool,
    alive: bool,
}

/// No next link in [`Stories::links`].
const END: u32 = u32::MAX;

/// The committed index the lookups read: one view per segment.
struct Snapshot {
    searcher: Searcher,
    segments: Vec<SegmentView>,
}

struct SegmentView {
    bands: Arc<BandTable>,
    story: Column<u64>,
    sketch: Column<u64>,
}

/// Where a candidate lives.
#[derive(Clone, Copy, Debug)]
enum Source {
    Pending(u32),
    Committed(DocAddress),
}

/// The best candidate of one story.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    story: u64,
    estimate: f32,
    low: f32,
    /// One standard error of the estimate.
    sigma: f32,
    source: Source,
}

/// Story assignment state (see the module docs of [`super`]).
pub(crate) struct Stories {
    snapshot: Option<Snapshot>,
    pending: Vec<Pending>,
    /// The shingle fingerprints of every pending article, one after the other: one
    /// allocation instead of one per article (an import keeps up to a commit's worth of
    /// articles here).
    shingles: Vec<u16>,
    /// Per band key, the first and last of its entries in `links`: the pending articles that
    /// have it, in the order they were added, without a `Vec` per key.
    by_key: FxHashMap<u64, (u32, u32)>,
    /// (pending slot, next entry of the same key or [`END`]).
    links: Vec<(u32, u32)>,
    by_id: FxHashMap<u64, u32>,
    /// Ids deleted or replaced since the last commit (the low 32 bits of their hash, as the
    /// sketch stores it): their committed versions are gone.
    gone: FxHashSet<u32>,
    filter: Option<BandFilter>,
    /// The band key table of each committed segment an assignment has read, kept across
    /// commits for as long as the segment lives.
    tables: FxHashMap<SegmentId, Arc<BandTable>>,
    /// The id of the next new story: stories are numbered in the order they start (the
    /// largest story of the index + 1 when it is opened), which keeps the `story` terms
    /// sorted as they come, cheap for tantivy's term dictionary.
    next_story: Option<u64>,
    /// Scratch for sorting fingerprint sets.
    bits: FingerprintBits,
    pub(crate) stats: StoryStats,
}

/// What assignment decided for one article.
pub(crate) struct Assigned {
    pub(crate) story: u64,
    pub(crate) id_hash: u64,
}

/// The hash of an article id, as the sketch stores it.
pub(crate) fn id_hash(id: &str) -> u64 {
    hash_bytes(id.trim().as_bytes())
}

impl Stories {
    pub(crate) fn new() -> Stories {
        Stories {
            snapshot: None,
            pending: Vec::new(),
            shingles: Vec::new(),
            by_key: FxHashMap::default(),
            links: Vec::new(),
            by_id: FxHashMap::default(),
            gone: FxHashSet::default(),
            filter: None,
            tables: FxHashMap::default(),
            next_story: None,
            bits: FingerprintBits::new(),
            stats: StoryStats::default(),
        }
    }

    /// The writes since the last commit are being committed: the next assignment sees them
    /// through the reader, reloaded by then.
    pub(crate) fn committed(&mut self) {
        // Dropped, not cleared: a commit's worth of pending articles is a lot of memory to
        // keep for the next one.
        self.pending = Vec::new();
        self.shingles = Vec::new();
        self.by_key = FxHashMap::default();
        self.links = Vec::new();
        self.by_id.clear();
        self.gone.clear();
        self.snapshot = None;
    }

    /// The writes since the last commit were dropped (rollback, failed writer). The filter
    /// keeps their keys: a key it holds for nothing costs one lookup, never a wrong answer.
    /// Story numbers start again after the largest committed one.
    pub(crate) fn reset(&mut self) {
        self.committed();
        self.next_story = None;
    }

    /// Article `id` is deleted (or about to be replaced): neither its committed version nor
    /// one added since the commit is a candidate any more.
    pub(crate) fn forget(&mut self, id: &str) {
        let h = id_hash(id);
        if let Some(slot) = self.by_id.remove(&h) {
            self.pending[slot as usize].alive = false;
        }
        self.gone.insert(h as u32);
    }

    /// Assigns the story of article `id` (of signature `signature`), and records
    /// it for the articles that follow. Must be called in article order, one at a time:
    /// each article sees every article assigned before it (committed or not).
    pub(crate) fn assign(
        &mut self,
        reader: &IndexReader,
        schema: &NewsSchema,
        id: &str,
        signature: Option<&Signature>,
    ) -> Result<Assigned> {
        self.forget(id);
        let id_hash = id_hash(id);
        self.stats.articles += 1;
        self.ensure_snapshot(reader)?;
        let Some(signature) = signature else {
            return Ok(Assigned { story: self.new_story(), id_hash });
        };
        self.stats.signed += 1;
        self.ensure_filter()?;
        let keys = signature.band_keys();
        let sketch = signature.sketch();
        let mut best: FxHashMap<u64, Candidate> = FxHashMap::default();
        // A story with a candidate whose estimate is 1 (the most there is) needs no other.
        let settled = |best: &FxHashMap<u64, Candidate>, story: u64| {
            best.get(&story).is_some_and(|c| c.estimate >= 1.0 && c.low >= CONTAINMENT_THRESHOLD)
        };
        let consider = |best: &mut FxHashMap<u64, Candidate>,
                        story: u64,
                        other: &Sketch,
                        source: Source,
                        stats: &mut StoryStats| {
            stats.candidates += 1;
            let (estimate, low, high) = sketch.containment_interval(other, SPREAD);
            if high < CONTAINMENT_THRESHOLD {
                return;
            }
            let sigma = (high - low) / (2.0 * SPREAD);
            let c = Candidate { story, estimate, low, sigma, source };
            best.entry(story)
                .and_modify(|b| {
                    if estimate > b.estimate {
                        *b = c;
                    }
                })
                .or_insert(c);
        };
        // Articles added since the last commit.
        let mut seen_slots: FxHashSet<u32> = FxHashSet::default();
        for key in &keys {
            let Some(&(first, _)) = self.by_key.get(key) else { continue };
            let mut at = first;
            let mut taken = 0;
            while at != END && taken < MAX_CANDIDATES_PER_KEY {
                let (slot, next) = self.links[at as usize];
                taken += 1;
                at = next;
                let p = &self.pending[slot as usize];
                if p.alive && seen_slots.insert(slot) && !settled(&best, p.story) {
                    consider(&mut best, p.story, &p.sketch, Source::Pending(slot), &mut self.stats);
                }
            }
        }
        // Committed articles.
        if let (Some(snapshot), Some(filter)) = (&self.snapshot, &self.filter) {
            let mut seen_docs: FxHashSet<DocAddress> = FxHashSet::default();
            for &key in &keys {
                if !filter.may_contain(key) {
                    continue;
                }
                self.stats.key_lookups += 1;
                let mut taken = 0;
                for (ord, view) in snapshot.segments.iter().enumerate() {
                    if taken >= MAX_CANDIDATES_PER_KEY {
                        break;
                    }
                    let reader = snapshot.searcher.segment_reader(ord as u32);
                    for doc in view.bands.docs(key) {
                        if taken >= MAX_CANDIDATES_PER_KEY {
                            break;
                        }
                        let addr = DocAddress::new(ord as u32, doc);
                        if reader.is_deleted(doc) || !seen_docs.insert(addr) {
                            continue;
                        }
                        taken += 1;
                        let Some(story) = view.story.first(doc).filter(|&s| !settled(&best, s))
                        else {
                            continue;
                        };
                        let stored = Stored::from_values(view.sketch.values_for_doc(doc));
                        if let Some(stored) = stored.filter(|s| !self.gone.contains(&s.id_hash)) {
                            consider(
                                &mut best,
                                story,
                                &stored.sketch,
                                Source::Committed(addr),
                                &mut self.stats,
                            );
                        }
                    }
                }
            }
        }
        let mut shingles: Option<Vec<u16>> = None;
        let story = self.decide(best, schema, signature, &mut shingles)?;
        let story = match story {
            Some(s) => s,
            None => self.new_story(),
        };
        self.record(id_hash, story, sketch, &keys, signature.shingles(), shingles.as_deref());
        Ok(Assigned { story, id_hash })
    }

    /// The story to join among the best candidate of each story, if any: a candidate whose
    /// interval lies above the threshold joins; the [`MAX_EXACT_CHECKS`] best others are
    /// checked exactly. The most similar wins, ties going to the smaller story id.
    fn decide(
        &mut self,
        best: FxHashMap<u64, Candidate>,
        schema: &NewsSchema,
        signature: &Signature,
        own: &mut Option<Vec<u16>>,
    ) -> Result<Option<u64>> {
        let mut candidates: Vec<Candidate> = best.into_values().collect();
        // By estimate (descending), then story: the same order whatever the map's.
        candidates.sort_by(|a, b| b.estimate.total_cmp(&a.estimate).then(a.story.cmp(&b.story)));
        let mut winner: Option<(f32, u64)> = None;
        let mut exact_left = MAX_EXACT_CHECKS;
        for c in candidates {
            let similarity = if c.low >= CONTAINMENT_THRESHOLD {
                c.estimate
            } else if exact_left > 0 && c.estimate + EXACT_SIGMAS * c.sigma >= CONTAINMENT_THRESHOLD
            {
                exact_left -= 1;
                self.stats.exact_checks += 1;
                let bits = &mut self.bits;
                let mine = own.get_or_insert_with(|| fingerprint_set(signature.shingles(), bits));
                let exact = match c.source {
                    Source::Pending(slot) => {
                        let p = &mut self.pending[slot as usize];
                        let theirs = &mut self.shingles[p.start..p.start + p.len as usize];
                        if !p.sorted {
                            p.len = self.bits.sort_dedup(theirs) as u32;
                            p.sorted = true;
                        }
                        exact_containment(mine, &theirs[..p.len as usize])
                    }
                    Source::Committed(addr) => {
                        let snapshot =
                            self.snapshot.as_ref().expect("a committed candidate has a snapshot");
                        let doc: TantivyDocument = snapshot.searcher.doc(addr)?;
                        let field = |f| doc.get_first(f).and_then(|v| v.as_str()).unwrap_or("");
                        let theirs = shingle_set(StoryText {
                            title: field(schema.stored_title),
                            lead: field(schema.stored_lead),
                            body: field(schema.stored_body),
                        });
                        exact_containment(mine, &fingerprint_set(&theirs, &mut self.bits))
                    }
                };
                if exact < CONTAINMENT_THRESHOLD {
                    continue;
                }
                exact
            } else {
                continue;
            };
            let better = match winner {
                None => true,
                Some((s, story)) => similarity > s || (similarity == s && c.story < story),
            };
            if better {
                winner = Some((similarity, c.story));
            }
        }
        if winner.is_some() {
            self.stats.joined += 1;
        }
        Ok(winner.map(|(_, story)| story))
    }

    fn record(
        &mut self,
        id_hash: u64,
        story: u64,
        sketch: Sketch,
        keys: &[u64],
        shingles: &[u32],
        set: Option<&[u16]>,
    ) {
        let slot = self.pending.len() as u32;
        let start = self.shingles.len();
        // Its sorted set when an exact check made it, else its fingerprints in text order.
        let sorted = set.is_some();
        match set {
            Some(set) => self.shingles.extend_from_slice(set),
            None => self.shingles.extend(shingles.iter().map(|&s| fingerprint(s))),
        }
        let len = (self.shingles.len() - start) as u32;
        self.pending.push(Pending { story, sketch, start, len, sorted, alive: true });
        self.by_id.insert(id_hash, slot);
        for &key in keys {
            let entry = self.links.len() as u32;
            self.links.push((slot, END));
            match self.by_key.get_mut(&key) {
                Some((_, last)) => {
                    self.links[*last as usize].1 = entry;
                    *last = entry;
                }
                None => {
                    self.by_key.insert(key, (entry, entry));
                }
            }
            if let Some(f) = &mut self.filter {
                f.insert(key);
            }
        }
    }

    fn new_story(&mut self) -> u64 {
        let story = self.next_story.unwrap_or(1);
        self.next_story = Some(story + 1);
        story
    }

    fn ensure_snapshot(&mut self, reader: &IndexReader) -> Result<()> {
        if self.snapshot.is_some() {
            return Ok(());
        }
        let searcher = reader.searcher();
        let schema = searcher.schema().clone();
        let story = schema.get_field(STORY_FIELD)?;
        let mut segments = Vec::with_capacity(searcher.segment_readers().len());
        let mut largest = 0u64;
        let mut tables = FxHashMap::default();
        for r in searcher.segment_readers() {
            let sketch = r.fast_fields().u64(STORY_SKETCH_FIELD)?;
            let id = r.segment_id();
            let table = match self.tables.remove(&id) {
                Some(t) => t,
                None => {
                    self.stats.table_builds += 1;
                    Arc::new(BandTable::build(&sketch, r.max_doc(), |d| !r.is_deleted(d)))
                }
            };
            tables.insert(id, Arc::clone(&table));
            segments.push(SegmentView {
                bands: table,
                story: r.fast_fields().u64(STORY_FIELD)?,
                sketch,
            });
            // The last term of the segment's story dictionary is its largest story.
            let stories = r.inverted_index(story)?;
            let terms = stories.terms();
            let mut bytes = Vec::new();
            if terms.num_terms() > 0
                && terms.ord_to_term(terms.num_terms() as u64 - 1, &mut bytes)?
            {
                if let Ok(b) = <[u8; 8]>::try_from(&bytes[..]) {
                    largest = largest.max(u64::from_be_bytes(b));
                }
            }
        }
        // The tables of segments merged away or deleted are dropped with them.
        self.tables = tables;
        self.stats.table_bytes = self.tables.values().map(|t| t.bytes()).sum();
        if self.next_story.is_none() {
            self.next_story = Some(largest + 1);
        }
        self.snapshot = Some(Snapshot { searcher, segments });
        Ok(())
    }

    /// Builds the filter from every band key of the committed index and of the pending
    /// articles, when there is none yet or the one there is full.
    fn ensure_filter(&mut self) -> Result<()> {
        if self.filter.as_ref().is_some_and(|f| !f.is_full()) {
            return Ok(());
        }
        let Some(snapshot) = &self.snapshot else { return Ok(()) };
        let committed: usize = snapshot.segments.iter().map(|s| s.bands.len()).sum();
        let keys = committed + self.by_key.len();
        let mut filter = BandFilter::with_capacity(keys * 2);
        for view in &snapshot.segments {
            for key in view.bands.keys() {
                filter.insert(key);
            }
        }
        for key in self.by_key.keys() {
            filter.insert(*key);
        }
        self.stats.filter_builds += 1;
        self.stats.filter_bytes = filter.bytes();
        self.filter = Some(filter);
        Ok(())
    }
}

/// Removes the repeats of sorted `values` in place, keeping the first of each; the number of
/// values left at the front.
fn dedup_sorted(values: &mut [u16]) -> usize {
    let mut kept = 0;
    for i in 0..values.len() {
        if kept == 0 || values[i] != values[kept - 1] {
            values[kept] = values[i];
            kept += 1;
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` reproducible fingerprints below `spread`.
    fn fingerprints(n: usize, seed: u64, spread: u64) -> Vec<u16> {
        (0..n as u64).map(|i| (super::super::signature::mix(seed ^ i) % spread) as u16).collect()
    }

    #[test]
    fn the_bitmap_sorts_as_a_comparison_sort() {
        // (name, values): on both sides of BITMAP_SORT_FROM, with repeats and the extremes.
        let cases: Vec<(&str, Vec<u16>)> = vec![
            ("empty", vec![]),
            ("short", vec![5, 3, 5, 0, u16::MAX]),
            ("just_under_the_bitmap", fingerprints(BITMAP_SORT_FROM - 1, 1, 1 << 16)),
            ("at_the_bitmap", fingerprints(BITMAP_SORT_FROM, 2, 1 << 16)),
            ("long", fingerprints(400, 3, 1 << 16)),
            ("many_repeats", fingerprints(400, 4, 50)),
            ("extremes", [0, u16::MAX, 63, 64, 65].repeat(BITMAP_SORT_FROM)),
        ];
        let mut bits = FingerprintBits::new();
        for (name, values) in cases {
            let mut expected = values.clone();
            expected.sort_unstable();
            expected.dedup();
            for pass in ["first", "second (the bitmap left empty)"] {
                let mut got = values.clone();
                let n = bits.sort_dedup(&mut got);
                assert_eq!(&got[..n], &expected[..], "{name}, {pass} pass");
            }
        }
    }
}
