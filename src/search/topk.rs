//! The top k of a query without scoring every match: block-max MaxScore over the bounded
//! scorers of [`crate::query::prune`].
//!
//! # The algorithm
//!
//! The query's scorer tree is flattened into *clauses* whose scores add up (the words'
//! BM25F, their exact-form and typo parts, phrases, the proximity boost…), *groups* (a
//! document must match at least one clause of each: the union of the words, a required
//! clause alone, a filter), and exclusions. Then, segment after segment, in windows of
//! documents that end where the first clause's block of postings ends:
//!
//! 1. each clause bounds its score over the window (its block maximum);
//! 2. once k hits are held, the window is skipped when the sum of the bounds (times the
//!    largest recency factor of its dates) cannot beat the k-th hit's key;
//! 3. otherwise the clauses are split as MaxScore does (Turtle & Flood 1995, and Lucene's
//!    `MaxScoreBulkScorer`): the clauses of smallest bounds whose sum cannot beat the
//!    threshold are *non-essential*; only documents of an *essential* clause are candidates;
//! 4. a candidate adds the essential clauses' scores, then the others' in decreasing bound
//!    order, and is dropped as soon as what it holds plus what is left cannot beat the
//!    threshold; a phrase (two-phase) counts with its frequency bound until the end, when
//!    positions are read — only for candidates still in the race.
//!
//! The threshold is global: the k-th best key over the segments done so far (tantivy's
//! collectors restart from zero in each segment).
//!
//! # Everything combined with the score
//!
//! - **All-words tier**: the key is (tier, score…). While the k-th hit is in the first tier,
//!   only documents of the conjunction (`BuiltQuery::all`) can enter: it becomes a required
//!   doc set, which also drives the iteration. Before, a document's tier is probed, and a
//!   first-tier document is always scored.
//! - **Recency**: the factor grows with the date, so each window is bounded with its newest
//!   date ([`crate::index::SegmentDates`]).
//! - **Newest / oldest first**: the key is (date, score): windows whose newest (oldest) date
//!   cannot make the page are skipped without looking at their postings, and a candidate is
//!   scored only when its date can.
//! - **Ties**: a document enters only with a key above the k-th one, as in tantivy's
//!   collectors, where earlier documents win ties; so the hits are exactly the top k by
//!   (key descending, address ascending) of an exhaustive search, and the page's ties are
//!   then broken by id as before.
//! - **One hit per story** (collapsing, `Order::one_per_story`): a candidate is held only
//!   if it beats what its story (the `story` fast field) already holds, and replaces it;
//!   the k-th key is then the k-th story's, not lowered by the versions of stories above it.
//! - **Filters, exclusions, deleted documents** restrict the candidates; **the time
//!   budget** is read every [`CHECK_EVERY`] candidates and windows.
//!
//! Exactness is checked by the property test below: pruned and exhaustive searches give the
//! same hits, bit for bit, over generated indexes and queries.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::columnar::Column;
use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::{DateTime, DocAddress, DocId, DocSet, Searcher, SegmentReader, TERMINATED};

use super::plan::Plan;
use super::rank_key::{rank_key, recency, RankKey};
use super::Sort;
use crate::index::{SegmentDates, Warm, DATE_BLOCK, DATE_FIELD};
use crate::query::prune::{into_prune, PruneScorer};
use crate::query::Budget;

/// Candidates and windows between two looks at the clock.
const CHECK_EVERY: u32 = 256;

/// Relative margin on every bound compared with the threshold (rounding of f32 sums).
const MARGIN: f32 = 1.0 + 1e-4;

/// Longest window, in documents (bounds of clauses with long blocks stay fresh).
const MAX_WINDOW: u32 = 4096;

#[cfg(test)]
thread_local! {
    /// Tests turn pruning off on their thread to compare with the engine's exhaustive mode.
    pub(crate) static EXHAUSTIVE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the engine prunes (tests may turn it off, see `EXHAUSTIVE`).
pub(crate) fn pruning_on() -> bool {
    #[cfg(test)]
    {
        !EXHAUSTIVE.with(|e| e.get())
    }
    #[cfg(not(test))]
    {
        true
    }
}

/// What ranks the hits.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Order {
    pub(crate) sort: Sort,
    /// Recency half-life in seconds, for relevance.
    pub(crate) half_life: Option<f32>,
    /// Now, in seconds since the epoch.
    pub(crate) now: i64,
    /// One hit per story (collapsing, see `Collector`): a version ranked after its story's
    /// best one takes no place in the top k, so the k-th story's best version is the
    /// threshold.
    pub(crate) one_per_story: bool,
}

/// One hit of the top k.
#[derive(Clone, Debug)]
pub(crate) struct TopHit {
    pub(crate) key: RankKey,
    pub(crate) addr: DocAddress,
}

/// A held hit and its story (when the collector keeps one hit per story).
struct Entry(TopHit, Option<u64>);

fn key_cmp(a: &RankKey, b: &RankKey) -> Ordering {
    a.partial_cmp(b).unwrap_or(Ordering::Equal)
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    /// Greater = worse: a smaller key, or an equal key and a later address.
    fn cmp(&self, other: &Self) -> Ordering {
        key_cmp(&other.0.key, &self.0.key).then(self.0.addr.cmp(&other.0.addr))
    }
}

/// The best hits seen so far: the `page` best (the last page's end: offset + limit), worst
/// on top, and the `margin` best after them, kept so that ties at the page's end can be broken
/// by id. Only the page's worst key is a threshold: a document below it can never be shown,
/// one equal to it may still win its tie.
///
/// With `stories` (collapsing), the hits held are the best version of each story: a version
/// that ranks after its story's held one is not held, a better one replaces it. The page is
/// then the best `page` stories and its worst key the threshold of the `page`-th story, as
/// high as without collapsing when the top stories have one version each. Versions that tie
/// exactly with their story's held one (verbatim copies) are kept beside it in `ties`,
/// taking no place in the page, and go with it: the engine's tie-break (by id) picks the
/// story's best among them afterwards.
struct Collector {
    page_len: usize,
    margin: usize,
    page: BinaryHeap<Entry>,
    tail: BinaryHeap<Entry>,
    /// Per story held (in `page` or `tail`, once): the key of its held version.
    stories: Option<rustc_hash::FxHashMap<u64, RankKey>>,
    /// Versions that tie exactly with their story's held one.
    ties: Vec<Entry>,
}

impl Collector {
    fn new(page_len: usize, margin: usize, one_per_story: bool) -> Collector {
        Collector {
            page_len: page_len.max(1),
            margin,
            page: BinaryHeap::new(),
            tail: BinaryHeap::new(),
            stories: one_per_story.then(rustc_hash::FxHashMap::default),
            ties: Vec::new(),
        }
    }

    /// The key a document must reach, once the page is full: one below cannot be shown.
    fn threshold(&self) -> Option<RankKey> {
        if self.page.len() < self.page_len {
            return None;
        }
        self.page.peek().map(|e| e.0.key)
    }

    /// Whether a document of `key` can be held: the page is not full, or `key` is not below
    /// its worst (one below is dropped by [`Collector::push`] whatever its story).
    fn admits(&self, key: &RankKey) -> bool {
        match self.threshold() {
            Some(worst) => key_cmp(key, &worst) != Ordering::Less,
            None => true,
        }
    }

    /// `e` is held for its story.
    fn hold(&mut self, e: &Entry) {
        if let (Some(map), Some(s)) = (&mut self.stories, e.1) {
            map.insert(s, e.0.key);
        }
    }

    /// `e` is no longer held: its story's ties go with it.
    fn forget(&mut self, e: &Entry) {
        // an entry has a story only when the collector keeps one hit per story
        if let Some(s) = e.1 {
            self.forget_story(s);
        }
    }

    /// `story` is no longer held, nor its ties.
    fn forget_story(&mut self, story: u64) {
        if let Some(map) = &mut self.stories {
            map.remove(&story);
        }
        if !self.ties.is_empty() {
            self.ties.retain(|t| t.1 != Some(story));
        }
    }

    fn keep_in_tail(&mut self, e: Entry) {
        if self.tail.len() < self.margin {
            self.tail.push(e);
        } else if self.tail.peek().is_some_and(|worst| e < *worst) {
            if let Some(out) = self.tail.pop() {
                self.forget(&out);
            }
            self.tail.push(e);
        } else {
            self.forget(&e);
        }
    }

    /// Drops the held version of `story` and its ties (a better one came) and moves the
    /// tail's best up into the page, so that the page stays the best held.
    fn drop_story(&mut self, story: u64) {
        self.forget_story(story);
        self.page.retain(|e| e.1 != Some(story));
        self.tail.retain(|e| e.1 != Some(story));
        if self.page.len() < self.page_len && !self.tail.is_empty() {
            // ascending order of `Entry` is best first
            let mut rest = std::mem::take(&mut self.tail).into_sorted_vec().into_iter();
            for e in rest.by_ref() {
                self.page.push(e);
                if self.page.len() == self.page_len {
                    break;
                }
            }
            self.tail = rest.collect();
        }
    }

    /// Offers a hit of `story` (addresses come in increasing order); whether the threshold
    /// moved.
    fn push(&mut self, key: RankKey, addr: DocAddress, story: Option<u64>) -> bool {
        let story = story.filter(|_| self.stories.is_some());
        let mut moved = false;
        if let Some(s) = story {
            let held = self.stories.as_ref().and_then(|m| m.get(&s)).copied();
            if let Some(held) = held {
                match key_cmp(&key, &held) {
                    // an earlier version of the story ranks first
                    Ordering::Less => return false,
                    Ordering::Equal => {
                        self.ties.push(Entry(TopHit { key, addr }, story));
                        return false;
                    }
                    Ordering::Greater => {
                        self.drop_story(s);
                        moved = true;
                    }
                }
            }
        }
        let e = Entry(TopHit { key, addr }, story);
        if self.page.len() < self.page_len {
            self.hold(&e);
            self.page.push(e);
            return moved || self.page.len() == self.page_len;
        }
        let Some(worst) = self.page.peek() else { return moved };
        match key_cmp(&key, &worst.0.key) {
            Ordering::Greater => {
                self.hold(&e);
                if let Some(out) = self.page.pop() {
                    self.keep_in_tail(out);
                }
                self.page.push(e);
                true
            }
            Ordering::Equal => {
                self.hold(&e);
                self.keep_in_tail(e);
                moved
            }
            Ordering::Less => moved,
        }
    }
}

/// The top `page + margin` of `query` by `order` (see `Collector`), tier first when `tier`
/// is given, sorted best first (ties by address); only the documents of `gate` when given
/// (the matches of each segment). `prune: false` scores every match (for tests and
/// measurements).
#[allow(clippy::too_many_arguments)]
pub(crate) fn top_k(
    searcher: &Searcher,
    weight: &dyn Weight,
    tier: Option<&dyn Query>,
    gate: Option<&[Vec<DocId>]>,
    (page, margin): (usize, usize),
    order: Order,
    prune: bool,
    budget: Option<&Budget>,
    warm: &Warm,
) -> tantivy::Result<Vec<TopHit>> {
    let mut collector = Collector::new(page, margin, order.one_per_story);
    // the conjunction as bounded scorers too: probed and sought at every candidate
    let tier_weight: Option<Box<dyn Weight>> = match tier {
        Some(q) => Some(q.weight(EnableScoring::enabled_from_searcher(searcher))?),
        None => None,
    };
    let mut clock = Clock { budget, countdown: CHECK_EVERY };
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let Some(root) = into_prune(weight.scorer(reader, 1.0)?) else {
            continue;
        };
        let tier = match &tier_weight {
            Some(w) => Some(Tier { docs: into_prune(w.scorer(reader, 1.0)?), checked: None }),
            None => None,
        };
        let dates = warm.dates(reader);
        let gate = match gate {
            Some(g) => match g.get(ord) {
                Some(docs) if docs.is_empty() => continue,
                Some(docs) => Some(Gate { docs, at: 0 }),
                None => continue,
            },
            None => None,
        };
        let mut run = SegmentRun::new(reader, ord as u32, root, tier, order, prune, dates);
        run.gate = gate;
        if order.one_per_story {
            run.stories = warm.stories(reader);
        }
        let ok = run.run(&mut collector, &mut clock);
        if std::env::var("DEPECHE_PRUNE_STATS").is_ok() {
            eprintln!("segment {ord}: {} clauses, {} groups; windows {} skipped {}; candidates {} keys {} full {}; ess {:?}", run.plan.clauses.len(), run.plan.groups, run.stats[0], run.stats[1], run.stats[2], run.stats[3], run.stats[4], run.essential);
        }
        if !ok {
            break;
        }
    }
    let mut hits: Vec<TopHit> = collector
        .page
        .into_iter()
        .chain(collector.tail)
        .chain(collector.ties)
        .map(|e| e.0)
        .collect();
    hits.sort_by(|a, b| key_cmp(&b.key, &a.key).then(a.addr.cmp(&b.addr)));
    Ok(hits)
}

struct Clock<'b> {
    budget: Option<&'b Budget>,
    countdown: u32,
}

impl Clock<'_> {
    /// Whether the search must stop (the deadline passed).
    #[inline]
    fn over(&mut self) -> bool {
        self.countdown -= 1;
        if self.countdown > 0 {
            return false;
        }
        self.countdown = CHECK_EVERY;
        self.budget.is_some_and(Budget::expired)
    }
}

/// The documents of the first tier (matching all the words) in a segment.
struct Tier {
    docs: Option<Box<dyn PruneScorer>>,
    /// The document last checked, and the answer.
    checked: Option<(DocId, bool)>,
}

impl Tier {
    /// The first candidate at or after `target` (a superset of the tier).
    fn seek(&mut self, target: DocId) -> DocId {
        self.docs.as_mut().map_or(TERMINATED, |d| d.seek(target))
    }

    /// Whether `doc` is in the tier.
    fn holds(&mut self, doc: DocId) -> bool {
        if let Some((at, answer)) = self.checked {
            if at == doc {
                return answer;
            }
        }
        let answer = match &mut self.docs {
            Some(d) => d.seek(doc) == doc && d.matches(),
            None => false,
        };
        self.checked = Some((doc, answer));
        answer
    }
}

/// The matches of a segment, when the count saw them all: the only candidates.
struct Gate<'g> {
    docs: &'g [DocId],
    at: usize,
}

impl Gate<'_> {
    /// The first match at or after `target`.
    fn seek(&mut self, target: DocId) -> DocId {
        let rest = &self.docs[self.at..];
        self.at += match rest.iter().take(8).position(|&d| d >= target) {
            Some(n) => n,
            None => rest.partition_point(|&d| d < target),
        };
        self.docs.get(self.at).copied().unwrap_or(TERMINATED)
    }
}

struct SegmentRun<'r> {
    reader: &'r SegmentReader,
    gate: Option<Gate<'r>>,
    segment: u32,
    plan: Plan,
    /// Clauses alone in their group: every match matches them.
    required: Vec<usize>,
    tier: Option<Tier>,
    order: Order,
    prune: bool,
    dates: Arc<SegmentDates>,
    date_column: Option<Column<DateTime>>,
    /// The story of each document, when the collector keeps one hit per story.
    stories: Option<Column<u64>>,
    /// Essential clauses of the current window (indices), the others by decreasing bound.
    essential: Vec<usize>,
    others: Vec<usize>,
    /// Every clause, by increasing bound over the window when `sorted` (ties by index).
    by_bound: Vec<usize>,
    /// Whether `by_bound` follows the current window's bounds.
    sorted: bool,
    /// Whether the key depends on the date (newest or oldest first, recency, or a constant
    /// score that dates order).
    by_date: bool,
    /// The plan's score is the same for every match (only constant clauses, all required).
    constant: Option<f32>,
    /// Scratch: whether each group has a matching clause.
    seen: Vec<bool>,
    /// The clauses on the current candidate.
    touched: Vec<usize>,
    /// The sum of the bounds of the non-essential clauses.
    rest: f32,
    /// When every candidate ranks by its score alone against the threshold, and the essential
    /// clauses are scored at once: the sum a candidate's essential scores plus `rest` must reach.
    cut: Option<f64>,
    stats: [u64; 6],
}

impl<'r> SegmentRun<'r> {
    fn new(
        reader: &'r SegmentReader,
        segment: u32,
        root: Box<dyn PruneScorer>,
        tier: Option<Tier>,
        order: Order,
        prune: bool,
        dates: Arc<SegmentDates>,
    ) -> SegmentRun<'r> {
        let mut plan = Plan::default();
        plan.required(root);
        let mut sizes = vec![0usize; plan.groups];
        for c in &plan.clauses {
            if let Some(g) = c.group {
                sizes[g] += 1;
            }
        }
        let required: Vec<usize> = (0..plan.clauses.len())
            .filter(|&i| plan.clauses[i].group.is_some_and(|g| sizes[g] == 1))
            .collect();
        let constant = (order.half_life.is_none()
            && plan.clauses.iter().all(|c| c.s.is_constant() && c.group.is_some())
            && required.len() == plan.clauses.len())
        .then(|| {
            let mut s = 0.0f32;
            for c in &plan.clauses {
                s += c.s.max_score();
            }
            s
        });
        let n = plan.groups;
        let n_clauses = plan.clauses.len();
        let by_date =
            order.sort != Sort::Relevance || order.half_life.is_some() || constant.is_some();
        SegmentRun {
            by_date,
            reader,
            gate: None,
            segment,
            plan,
            required,
            tier,
            order,
            prune,
            dates,
            date_column: reader.fast_fields().date(DATE_FIELD).ok(),
            stories: None,
            essential: Vec::new(),
            others: Vec::new(),
            by_bound: (0..n_clauses).collect(),
            sorted: false,
            constant,
            seen: vec![false; n],
            touched: Vec::new(),
            rest: 0.0,
            cut: None,
            stats: [0; 6],
        }
    }

    fn date(&self, doc: DocId) -> Option<i64> {
        self.date_column.as_ref().and_then(|c| c.first(doc)).map(|d| d.into_timestamp_secs())
    }

    /// Whether every group still has a clause with documents.
    fn alive(&mut self) -> bool {
        self.seen.iter_mut().for_each(|s| *s = false);
        for c in &self.plan.clauses {
            if let Some(g) = c.group {
                self.seen[g] |= c.s.doc() != TERMINATED;
            }
        }
        self.seen.iter().all(|&h| h)
    }

    /// Runs the segment; `false` when the time budget stopped it.
    fn run(&mut self, top: &mut Collector, clock: &mut Clock<'_>) -> bool {
        let max_doc = self.reader.max_doc();
        let mut pos: DocId = 0;
        while pos < max_doc {
            if clock.over() {
                return false;
            }
            let theta = if self.prune { top.threshold() } else { None };
            let tier_required = self.tier.is_some() && theta.is_some_and(|t| t.0 == 1);
            // required doc sets first: they may move the window's start
            pos = self.leapfrog(pos, tier_required);
            if pos >= max_doc || pos == TERMINATED {
                break;
            }
            let mut end = pos.saturating_add(MAX_WINDOW - 1).min(max_doc - 1);
            if self.by_date {
                // date bounds are per date block: a window ends with its block
                end = end.min(pos - pos % DATE_BLOCK + DATE_BLOCK - 1);
            }
            let mut any = false;
            for c in &mut self.plan.clauses {
                let d = c.s.seek(pos);
                if d != TERMINATED {
                    any = true;
                    end = end.min(c.s.block_last().max(pos));
                }
            }
            if !any || !self.alive() {
                break;
            }
            for c in &mut self.plan.clauses {
                c.ub = if c.s.doc() <= end { c.s.block_bound(end) } else { 0.0 };
            }
            self.sorted = false;
            self.stats[0] += 1;
            if let Some(t) = theta {
                if self.window_loses(&t, pos, end) {
                    self.stats[1] += 1;
                    pos = end.saturating_add(1);
                    continue;
                }
            }
            self.partition(theta.as_ref(), pos, end);
            if !self.window(pos, end, top, clock) {
                return false;
            }
            pos = end.saturating_add(1);
        }
        true
    }

    /// Moves `pos` to the first document every required clause (and the tier, when required)
    /// holds.
    fn leapfrog(&mut self, mut pos: DocId, tier_required: bool) -> DocId {
        loop {
            let start = pos;
            if let Some(g) = &mut self.gate {
                pos = g.seek(pos);
            }
            for &i in &self.required {
                let c = &mut self.plan.clauses[i].s;
                let d = c.seek(pos);
                pos = pos.max(d);
            }
            if tier_required {
                if let Some(t) = &mut self.tier {
                    pos = pos.max(t.seek(pos));
                }
            }
            if pos == start || pos == TERMINATED {
                return pos;
            }
        }
    }

    /// The largest recency factor of the documents `from..=to`.
    fn recency_bound(&self, from: DocId, to: DocId) -> f32 {
        if self.order.half_life.is_none() {
            return 1.0;
        }
        match self.dates.newest(from, to) {
            Some(d) if d == i64::MAX => 1.0 + super::RECENCY_WEIGHT,
            Some(d) => recency(self.order.half_life, self.order.now, Some(d)),
            None => 1.0,
        }
    }

    /// Whether no document of the window can beat the threshold `t`.
    fn window_loses(&mut self, t: &RankKey, from: DocId, to: DocId) -> bool {
        match self.order.sort {
            Sort::Newest => {
                let best = self.dates.newest(from, to).map_or(f64::MIN, |d| d as f64);
                best < t.1
            }
            Sort::Oldest => {
                let best = self.dates.oldest(from, to).map_or(f64::MIN, |d| -(d as f64));
                best < t.1
            }
            Sort::Relevance => {
                let tier = self.window_tier(from, to);
                if tier != t.0 {
                    return tier < t.0;
                }
                if let Some(c) = self.constant {
                    // every match scores `c`: the date breaks ties, and a window whose best
                    // key equals the threshold may hold exact ties, which the page's end
                    // breaks by id, as the exhaustive engine does: only a worse window goes
                    let newest = self.dates.newest(from, to).map_or(f64::MIN, |d| d as f64);
                    return (f64::from(c), newest) < (t.1, t.2) && f64::from(c) <= t.1;
                }
                let sum: f32 = self.plan.clauses.iter().map(|c| c.ub).sum();
                f64::from(sum * self.recency_bound(from, to) * MARGIN) < t.1
            }
        }
    }

    /// The best tier a document of the window can have.
    fn window_tier(&mut self, from: DocId, to: DocId) -> u8 {
        match &mut self.tier {
            None => 1,
            Some(t) => u8::from(t.seek(from) <= to),
        }
    }

    /// Splits the clauses into essential and others for the window (no allocation: the
    /// clauses are sorted by bound once per window, in `by_bound`, and a threshold move only
    /// moves the split).
    fn partition(&mut self, theta: Option<&RankKey>, from: DocId, to: DocId) {
        self.essential.clear();
        self.others.clear();
        let cut = match theta {
            Some(t) if self.order.sort == Sort::Relevance && self.constant.is_none() => {
                let tier = self.window_tier(from, to);
                (tier == t.0).then(|| (t.1, self.recency_bound(from, to)))
            }
            _ => None,
        };
        match cut {
            None => {
                // every clause that can make a match drives
                for (i, c) in self.plan.clauses.iter().enumerate() {
                    if c.group.is_some() {
                        self.essential.push(i);
                    } else {
                        self.others.push(i);
                    }
                }
            }
            Some((threshold, factor)) => {
                let clauses = &self.plan.clauses;
                if !self.sorted {
                    // ascending bound, ties by clause index: the order of a stable sort of the
                    // clauses, whatever the previous window's order was
                    self.by_bound.sort_unstable_by(|&a, &b| {
                        clauses[a].ub.total_cmp(&clauses[b].ub).then(a.cmp(&b))
                    });
                    self.sorted = true;
                }
                let idx = &self.by_bound;
                let mut acc = 0.0f32;
                let mut split = 0;
                for (n, &i) in idx.iter().enumerate() {
                    let next = acc + clauses[i].ub;
                    if f64::from(next * factor * MARGIN) < threshold {
                        acc = next;
                        split = n + 1;
                    } else {
                        break;
                    }
                }
                self.essential.extend_from_slice(&idx[split..]);
                // the others, largest bound first
                self.others.extend(idx[..split].iter().rev());
            }
        }
        self.rest = self.others.iter().map(|&i| self.plan.clauses[i].ub).sum();
        let by_score = self.order.sort == Sort::Relevance
            && self.constant.is_none()
            && self.order.half_life.is_none()
            && !self.essential.iter().any(|&i| self.plan.clauses[i].two_phase);
        self.cut = match theta {
            Some(t) if self.prune && by_score && (self.tier.is_none() || t.0 == 1) => {
                Some(t.1 / f64::from(MARGIN))
            }
            _ => None,
        };
    }

    /// The candidates of the window `from..=to`.
    fn window(
        &mut self,
        from: DocId,
        to: DocId,
        top: &mut Collector,
        clock: &mut Clock<'_>,
    ) -> bool {
        let mut theta = if self.prune { top.threshold() } else { None };
        let mut doc = TERMINATED;
        for &i in &self.essential {
            doc = doc.min(self.plan.clauses[i].s.seek(from));
        }
        let drive_only = self.required.is_empty() && self.gate.is_none();
        while doc <= to {
            if clock.over() {
                return false;
            }
            let tier_required = self.tier.is_some() && theta.is_some_and(|t| t.0 == 1);
            if !drive_only || tier_required {
                let lead = self.leapfrog(doc, tier_required);
                if lead > doc {
                    doc = TERMINATED;
                    for &i in &self.essential {
                        doc = doc.min(self.plan.clauses[i].s.seek(lead));
                    }
                    continue;
                }
            }
            self.stats[2] += 1;
            let mut hopeless = false;
            if let Some(cut) = self.cut {
                // the essential clauses' scores plus the others' bounds
                let mut upper = self.rest;
                for &i in &self.essential {
                    let c = &mut self.plan.clauses[i].s;
                    if c.doc() == doc {
                        upper += c.score();
                    }
                }
                hopeless = f64::from(upper) < cut;
            }
            if !hopeless
                && !self.reader.is_deleted(doc)
                && (self.plan.excluded.is_empty() || !self.excluded(doc))
            {
                if let Some(key) = self.evaluate(doc, theta.as_ref()) {
                    self.stats[3] += 1;
                    let addr = DocAddress::new(self.segment, doc);
                    // a document below the page's worst is not held: its story is not read
                    let story = match &self.stories {
                        Some(c) if top.admits(&key) => c.first(doc),
                        _ => None,
                    };
                    if top.push(key, addr, story) && self.prune {
                        theta = top.threshold();
                        self.partition(theta.as_ref(), from, to);
                    }
                }
            }
            let mut next = TERMINATED;
            for &i in &self.essential {
                let c = &mut self.plan.clauses[i].s;
                let d = if c.doc() == doc { c.advance() } else { c.doc() };
                next = next.min(d);
            }
            doc = next;
        }
        true
    }

    fn excluded(&mut self, doc: DocId) -> bool {
        for x in &mut self.plan.excluded {
            let d = if x.doc() < doc { x.seek(doc) } else { x.doc() };
            if d == doc {
                return true;
            }
        }
        false
    }

    /// Scores clause `i` on `doc` (its bound when two-phase); whether it is on it.
    #[inline]
    fn take(&mut self, i: usize, doc: DocId, seek: bool) -> Option<f32> {
        let c = &mut self.plan.clauses[i];
        let on = if seek { c.s.seek(doc) == doc } else { c.s.doc() == doc };
        if !on {
            return None;
        }
        c.at = true;
        if c.two_phase {
            c.value = c.s.doc_bound();
            c.exact = false;
        } else {
            c.value = c.s.score();
            c.exact = true;
        }
        self.touched.push(i);
        Some(c.value)
    }

    /// The key of `doc` when it matches and can beat `theta`.
    fn evaluate(&mut self, doc: DocId, theta: Option<&RankKey>) -> Option<RankKey> {
        for &i in &self.touched {
            self.plan.clauses[i].at = false;
        }
        self.touched.clear();
        let tier = match &mut self.tier {
            None => 1,
            Some(t) => u8::from(t.holds(doc)),
        };
        let mut date = None;
        // the score to beat, and the factor from the query's score to the key's
        let mut bar: Option<(f64, f32)> = None;
        if let Some(t) = theta {
            if tier < t.0 {
                return None;
            }
            match self.order.sort {
                Sort::Relevance if tier == t.0 && self.constant.is_none() => {
                    let factor = match self.order.half_life {
                        None => 1.0,
                        Some(_) => {
                            date = self.date(doc);
                            recency(self.order.half_life, self.order.now, date)
                        }
                    };
                    bar = Some((t.1, factor * MARGIN));
                }
                Sort::Relevance => {}
                Sort::Newest | Sort::Oldest => {
                    date = self.date(doc);
                    let primary = match (self.order.sort, date) {
                        (_, None) => f64::MIN,
                        (Sort::Newest, Some(d)) => d as f64,
                        (_, Some(d)) => -(d as f64),
                    };
                    if primary < t.1 {
                        return None;
                    }
                }
            }
        }
        let loses = |upper: f32, rest: f32| {
            bar.is_some_and(|(threshold, factor)| f64::from((upper + rest) * factor) < threshold)
        };
        let mut upper = 0.0f32;
        for k in 0..self.essential.len() {
            if let Some(v) = self.take(self.essential[k], doc, false) {
                upper += v;
            }
        }
        let mut rest = self.rest;
        if loses(upper, rest) {
            return None;
        }
        for k in 0..self.others.len() {
            let i = self.others[k];
            rest -= self.plan.clauses[i].ub;
            if let Some(v) = self.take(i, doc, true) {
                upper += v;
            }
            if loses(upper, rest.max(0.0)) {
                return None;
            }
        }
        for k in 0..self.touched.len() {
            let c = &mut self.plan.clauses[self.touched[k]];
            if c.exact {
                continue;
            }
            if c.s.matches() {
                let s = c.s.score();
                upper += s - c.value;
                c.value = s;
                c.exact = true;
            } else {
                upper -= c.value;
                c.at = false;
            }
            if loses(upper, 0.0) {
                return None;
            }
        }
        self.seen.iter_mut().for_each(|s| *s = false);
        let mut raw = 0.0f32;
        for c in &self.plan.clauses {
            if c.at {
                raw += c.value;
                if let Some(g) = c.group {
                    self.seen[g] = true;
                }
            }
        }
        if !self.seen.iter().all(|&s| s) {
            return None;
        }
        self.stats[4] += 1;
        if date.is_none() {
            date = self.date(doc);
        }
        Some(rank_key(self.order.sort, self.order.half_life, self.order.now, tier, date, raw))
    }
}

#[cfg(test)]
mod tests {
    //! Exactness: pruned searches against exhaustive ones, over generated indexes (several
    //! segments, deleted articles, French and English, dates, capitals) and generated queries
    //! (words, phrases, prefixes, typos, `OR`, exclusions, filters, scopes) and requests (sorts,
    //! offsets, recency, tiers, count limits).

    use proptest::prelude::*;

    use super::EXHAUSTIVE;
    use crate::index::{Article, NewsIndex};
    use crate::query::Ranking;
    use crate::search::{SearchRequest, SearchResponse, Sort};
    use crate::Lang;
    use tantivy::DocAddress;

    const WORDS: &[&str] = &[
        "grève",
        "gouvernement",
        "ministre",
        "premier",
        "réforme",
        "élection",
        "élections",
        "Monde",
        "monde",
        "Paris",
        "sud",
        "inondation",
        "pompiers",
        "culture",
        "numérique",
        "attentat",
        "police",
        "président",
        "république",
        "le",
        "la",
        "de",
        "des",
        "et",
        "election",
        "prime",
        "minister",
        "floods",
        "the",
        "of",
    ];

    fn text(words: &[usize]) -> String {
        words.iter().map(|&i| WORDS[i % WORDS.len()]).collect::<Vec<_>>().join(" ")
    }

    #[derive(Debug, Clone)]
    struct Doc {
        title: Vec<usize>,
        lead: Vec<usize>,
        body: Vec<usize>,
        day: u32,
        english: bool,
        tag: bool,
    }

    fn doc() -> impl Strategy<Value = Doc> {
        (
            prop::collection::vec(0..WORDS.len(), 1..6),
            prop::collection::vec(0..WORDS.len(), 0..4),
            prop::collection::vec(0..WORDS.len(), 0..30),
            0u32..900,
            prop::bool::weighted(0.2),
            any::<bool>(),
        )
            .prop_map(|(title, lead, body, day, english, tag)| Doc {
                title,
                lead,
                body,
                day,
                english,
                tag,
            })
    }

    /// Articles in batches (one segment per commit) and the ids deleted after them.
    fn corpus() -> impl Strategy<Value = (Vec<Vec<Doc>>, Vec<usize>)> {
        (
            prop::collection::vec(prop::collection::vec(doc(), 1..30), 1..4),
            prop::collection::vec(0usize..90, 0..6),
        )
    }

    fn term() -> impl Strategy<Value = String> {
        let w = (0..WORDS.len()).prop_map(|i| WORDS[i].to_string());
        prop_oneof![
            4 => w.clone(),
            2 => (w.clone(), w.clone()).prop_map(|(a, b)| format!("\"{a} {b}\"")),
            1 => (w.clone(), w.clone(), w.clone()).prop_map(|(a, b, c)| format!("\"{a} {b} {c}\"")),
            1 => w.clone().prop_map(|a| format!("{}*", a.chars().take(4).collect::<String>())),
            1 => w.clone().prop_map(|a| format!("{a}~")),
            1 => w.clone().prop_map(|a| format!("-{a}")),
            1 => (w.clone(), w.clone()).prop_map(|(a, b)| format!("{a} OR {b}")),
            1 => w.clone().prop_map(|a| format!("title:{a}")),
            1 => Just("date:2016..".to_string()),
            1 => Just("lang:en".to_string()),
            1 => Just("\"Le Monde\"".to_string()),
        ]
    }

    #[derive(Debug, Clone)]
    struct Req {
        query: String,
        sort: Sort,
        offset: usize,
        limit: usize,
        recency: bool,
        tiers: bool,
        count: usize,
        tag: bool,
    }

    fn request() -> impl Strategy<Value = Req> {
        (
            prop::collection::vec(term(), 0..5),
            prop_oneof![6 => Just(Sort::Relevance), 1 => Just(Sort::Newest), 1 => Just(Sort::Oldest)],
            0usize..6,
            1usize..8,
            prop::bool::weighted(0.2),
            prop::bool::weighted(0.2),
            prop_oneof![Just(3usize), Just(10), Just(10_000)],
            prop::bool::weighted(0.1),
        )
            .prop_map(|(terms, sort, offset, limit, recency, tiers, count, tag)| Req {
                query: terms.join(" "),
                sort,
                offset,
                limit,
                recency,
                tiers,
                count,
                tag,
            })
    }

    fn build(batches: &[Vec<Doc>], deleted: &[usize]) -> NewsIndex {
        let index = NewsIndex::create_in_ram().unwrap();
        let mut n = 0;
        for batch in batches {
            for d in batch {
                let date = time::Date::from_calendar_date(2015, time::Month::January, 1).unwrap()
                    + time::Duration::days(i64::from(d.day));
                index
                    .add(&Article {
                        id: format!("a{n:03}"),
                        title: text(&d.title),
                        lead: text(&d.lead),
                        body: text(&d.body),
                        date: Some(date.to_string()),
                        lang: Some(if d.english { Lang::English } else { Lang::French }),
                        tags: if d.tag { vec!["t".into()] } else { Vec::new() },
                        ..Default::default()
                    })
                    .unwrap();
                n += 1;
            }
            index.commit().unwrap();
        }
        for &i in deleted {
            index.delete(&format!("a{:03}", i % n.max(1))).unwrap();
        }
        index.commit().unwrap();
        index
    }

    fn search(
        index: &NewsIndex,
        r: &Req,
        pruning: bool,
        exhaustive_engine: bool,
    ) -> SearchResponse {
        let mut req = SearchRequest::new(r.query.clone())
            .sort(r.sort)
            .offset(r.offset)
            .limit(r.limit)
            .snippets(false)
            .track_total_hits(r.count)
            .pruning(pruning);
        if r.recency {
            req = req.recency_half_life_days(90.0);
        }
        if r.tiers {
            req.ranking = Ranking { all_words_first: true, ..Ranking::default() };
        }
        if r.tag {
            req = req.tag("t");
        }
        req.limits.time_budget = std::time::Duration::from_secs(3_600);
        EXHAUSTIVE.with(|e| e.set(exhaustive_engine));
        let out = index.search(&req);
        EXHAUSTIVE.with(|e| e.set(false));
        out.unwrap()
    }

    fn hits(r: &SearchResponse) -> Vec<(String, f32)> {
        r.hits.iter().map(|h| (h.id.clone(), h.score)).collect()
    }

    proptest! {
        /// One hit per story: after any sequence of offers, the collector's best `page` are
        /// the best `page` of the story heads (every version that ties with its story's best,
        /// a document without a story on its own), best key first, ties by address.
        #[test]
        fn one_per_story_keeps_the_best_version_of_the_best_stories(
            offers in prop::collection::vec((0u8..6, prop::option::of(0u64..8)), 0..80),
            page in 1usize..8,
            margin in 0usize..4,
        ) {
            let mut top = super::Collector::new(page, margin, true);
            let offers: Vec<(super::RankKey, DocAddress, Option<u64>)> = offers
                .iter()
                .enumerate()
                .map(|(i, &(score, story))| {
                    ((1, f64::from(score), 0.0, f32::from(score), 0.0), DocAddress::new(0, i as u32), story)
                })
                .collect();
            for &(key, addr, story) in &offers {
                top.push(key, addr, story);
            }
            let mut held: Vec<(super::RankKey, DocAddress)> = top.page.into_iter().chain(top.tail).chain(top.ties).map(|e| (e.0.key, e.0.addr)).collect();
            held.sort_by(|a, b| super::key_cmp(&b.0, &a.0).then(a.1.cmp(&b.1)));
            let best = |s: u64| offers.iter().filter(|o| o.2 == Some(s)).map(|o| o.0 .1).fold(f64::MIN, f64::max);
            let mut want: Vec<(super::RankKey, DocAddress)> = offers
                .iter()
                .filter(|o| o.2.is_none_or(|s| o.0 .1 == best(s)))
                .map(|o| (o.0, o.1))
                .collect();
            want.sort_by(|a, b| super::key_cmp(&b.0, &a.0).then(a.1.cmp(&b.1)));
            for h in &held {
                prop_assert!(want.contains(h), "{:?} is held but not its story's best", h);
            }
            held.truncate(page);
            want.truncate(page);
            prop_assert_eq!(held, want);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn pruned_top_k_is_the_exhaustive_top_k((batches, deleted) in corpus(), reqs in prop::collection::vec(request(), 1..6)) {
            let index = build(&batches, &deleted);
            for r in &reqs {
                let pruned = search(&index, r, true, false);
                // the engine without pruning: the same scores, bit for bit
                let engine = search(&index, r, true, true);
                prop_assert_eq!(hits(&pruned), hits(&engine), "{:?}", r);
                prop_assert_eq!((pruned.total, pruned.total_exact), (engine.total, engine.total_exact));
                // tantivy's collector over the same query: the same hits, scores to 1e-4
                let tantivy = search(&index, r, false, false);
                prop_assert!(pruned.total <= tantivy.total, "{:?}: {} > {}", r, pruned.total, tantivy.total);
                if pruned.total_exact {
                    prop_assert_eq!(pruned.total, tantivy.total, "{:?}", r);
                } else {
                    prop_assert!(tantivy.total > pruned.total);
                }
                let (a, b) = (hits(&pruned), hits(&tantivy));
                prop_assert_eq!(a.len(), b.len(), "{:?}\n{:?}\n{:?}", r, a, b);
                for (x, y) in a.iter().zip(&b) {
                    prop_assert!((x.1 - y.1).abs() <= 1e-4 * x.1.abs().max(1.0), "{:?}\n{:?}\n{:?}", r, a, b);
                    if x.0 != y.0 {
                        // only a near tie may come in another order
                        let near = |s: f32| a.iter().chain(&b).filter(|h| (h.1 - s).abs() <= 1e-5 * s.abs().max(1.0)).count();
                        prop_assert!(near(x.1) > 2, "{:?}\n{:?}\n{:?}", r, a, b);
                    }
                }
            }
        }
    }
}
