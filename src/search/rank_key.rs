//! The sort key of a hit, read lazily: a date is read only for a hit that can still make the
//! top `k`.
//!
//! Ranked by relevance, a hit's key is (all-words tier, score, date, …): the date only breaks
//! ties of equal scores. Reading it from the date column costs about a fifth of a frequent
//! word's search, so the key computer first compares tier and score with the collector's
//! current threshold and skips the hit, date unread, when they already put it below. The keys
//! and the hits kept are exactly those of a key computed in full for every hit.

use std::sync::Arc;

use tantivy::collector::sort_key::{
    Comparator, NaturalComparator, SegmentSortKeyComputer, SortKeyComputer,
};
use tantivy::collector::TopNComputer;
use tantivy::columnar::Column;
use tantivy::query::{Scorer, Weight};
use tantivy::{DateTime, DocId, DocSet, Score, SegmentReader};

use super::{Sort, RECENCY_WEIGHT};
use crate::index::DATE_FIELD;

/// (first tier: 1 or 0, primary, secondary, score after recency, query score).
///
/// Relevance: primary is the score after recency, secondary the date (seconds, `f64::MIN`
/// without one). Newest: primary the date, secondary the score. Oldest: primary the negated
/// date.
pub(crate) type RankKey = (u8, f64, f64, f32, f32);

/// Computes [`RankKey`]s, per segment.
pub(crate) struct RankKeys {
    pub(crate) sort: Sort,
    /// Recency half-life in seconds, for relevance.
    pub(crate) half_life: Option<f32>,
    /// Now, in seconds since the epoch.
    pub(crate) now: i64,
    /// The conjunction of all words: hits it matches form the first tier.
    pub(crate) tier: Option<Arc<dyn Weight>>,
}

impl SortKeyComputer for RankKeys {
    type SortKey = RankKey;
    type Child = SegmentRankKeys;
    type Comparator = NaturalComparator;

    fn requires_scoring(&self) -> bool {
        true
    }

    fn segment_sort_key_computer(&self, segment: &SegmentReader) -> tantivy::Result<Self::Child> {
        Ok(SegmentRankKeys {
            sort: self.sort,
            half_life: self.half_life,
            now: self.now,
            dates: segment.fast_fields().date(DATE_FIELD).ok(),
            // a scorer that cannot be built ranks every hit in the first tier, as no tier does
            tier: self.tier.as_ref().and_then(|w| w.scorer(segment, 1.0).ok()),
        })
    }
}

/// [`RankKeys`] for one segment.
pub(crate) struct SegmentRankKeys {
    sort: Sort,
    half_life: Option<f32>,
    now: i64,
    dates: Option<Column<DateTime>>,
    /// Hits come in increasing doc order, so the conjunction's scorer only moves forward.
    tier: Option<Box<dyn Scorer>>,
}

impl SegmentRankKeys {
    fn first_tier(&mut self, doc: DocId) -> u8 {
        match &mut self.tier {
            None => 1,
            Some(scorer) => {
                let at = if scorer.doc() < doc { scorer.seek(doc) } else { scorer.doc() };
                u8::from(at == doc)
            }
        }
    }

    fn date(&self, doc: DocId) -> Option<i64> {
        self.dates.as_ref().and_then(|c| c.first(doc)).map(|d| d.into_timestamp_secs())
    }

    fn key(&self, tier: u8, doc: DocId, score: Score) -> RankKey {
        rank_key(self.sort, self.half_life, self.now, tier, self.date(doc), score)
    }
}

/// The recency factor of an article of `date` (seconds), `now` and the half-life `h`
/// (seconds): `1 + RECENCY_WEIGHT × 0.5^(age / h)`, 1 without a date or a half-life.
pub(crate) fn recency(half_life: Option<f32>, now: i64, date: Option<i64>) -> f32 {
    match (half_life, date) {
        (Some(h), Some(d)) => {
            let age = (now - d).max(0) as f32;
            1.0 + RECENCY_WEIGHT * 0.5f32.powf(age / h)
        }
        _ => 1.0,
    }
}

/// The key of a hit of `score` (the query's), `date` and `tier` (see [`RankKey`]).
pub(crate) fn rank_key(
    sort: Sort,
    half_life: Option<f32>,
    now: i64,
    tier: u8,
    date: Option<i64>,
    score: Score,
) -> RankKey {
    let d = date.map(|d| d as f64);
    match sort {
        Sort::Relevance => {
            let mut s = score;
            if half_life.is_some() && date.is_some() {
                s *= recency(half_life, now, date);
            }
            (tier, f64::from(s), d.unwrap_or(f64::MIN), s, score)
        }
        Sort::Newest => (tier, d.unwrap_or(f64::MIN), f64::from(score), score, score),
        Sort::Oldest => (tier, d.map_or(f64::MIN, |d| -d), f64::from(score), score, score),
    }
}

impl SegmentSortKeyComputer for SegmentRankKeys {
    type SortKey = RankKey;
    type SegmentSortKey = RankKey;
    type SegmentComparator = NaturalComparator;

    fn segment_sort_key(&mut self, doc: DocId, score: Score) -> RankKey {
        let tier = self.first_tier(doc);
        self.key(tier, doc, score)
    }

    fn compute_sort_key_and_collect<C: Comparator<RankKey>>(
        &mut self,
        doc: DocId,
        score: Score,
        top: &mut TopNComputer<RankKey, DocId, C>,
    ) {
        let tier = self.first_tier(doc);
        if self.sort == Sort::Relevance && self.half_life.is_none() {
            if let Some(t) = &top.threshold {
                // The collector keeps only keys above its threshold; tier and score are the
                // key's first two parts, so below it on them is below it whatever the date.
                if (tier, f64::from(score)) < (t.0, t.1) {
                    return;
                }
            }
        }
        let key = self.key(tier, doc, score);
        top.push(key, doc);
    }

    fn convert_segment_sort_key(&self, key: RankKey) -> RankKey {
        key
    }
}
