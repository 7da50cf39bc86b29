//! Collapsing: one hit per story, the best-ranked version, the others listed under it.
//!
//! Built over one step of the search engine, "the top `k` candidates of a query, in order,
//! and the number of matches" (`NewsIndex::top`, whichever top-k execution implements it),
//! so that it works on any of them:
//!
//! 1. **Window.** Ask for the exact top `k` candidates (ties at the `k`-th's key broken as in
//!    the full ranking, so a candidate past the window ranks after all of it) and group them
//!    by story (the `story` fast field, [`crate::index::story`]), in rank order: a story's
//!    first candidate is its best version. The first window is `1.5 × (offset + limit)`
//!    candidates, about the cost of the page without collapsing; while it holds fewer than
//!    `offset + limit` stories and more matches exist, ask again for more: `k` grows with the
//!    share of duplicates seen, at least doubling, up to [`MAX_COLLAPSE_CANDIDATES`].
//!    The pruned engine (the default, `topk.rs`) collapses as it ranks: its top `k` holds
//!    the best version of each story only, so its threshold is the `k`-th story's and the
//!    first window is `offset + limit` stories, asked once (exact ties between versions of
//!    one story are all held and broken by id here).
//! 2. **Page.** Stories `offset..offset + limit` in that order. A story's rank is the rank of
//!    its best version in the full ranking, so pages taken with any offset are slices of one
//!    list: no story is on two pages, none is skipped.
//! 3. **Other versions.** When a page story has more versions in the index (`story` term
//!    frequency) than the window holds, its versions are read from its `story` term and the
//!    search's query (filters included, its weight reused) is asked, by seeking its scorer to
//!    each, which match and with what score: the cost grows with the versions, not with the
//!    query's matches.
//!    At most [`MAX_SIMILAR`] are listed per hit: those of the window in rank order, or, when
//!    some ranked past it, every matching version best score first.
//! 4. **Listing** (`similar.rs`). A listed version is a handle on its segment's cards
//!    (`index/cards.rs`, built by the reader's warmer when it first sees the segment): its id,
//!    source and date are read from them when shown, without the doc store; its title and URL
//!    only when the request asks ([`super::SearchRequest::similar_details`]), from the doc
//!    store.
//!
//! A story is collapsed among the versions that match the query and the filters: a version
//! outside a date or source filter is neither a hit nor listed under one.

use rustc_hash::FxHashMap;
use tantivy::columnar::Column;
use tantivy::postings::TermInfo;
use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Searcher, Term, TERMINATED};

use super::Candidate;
use crate::index::NewsSchema;
use crate::index::Warm;
use crate::query::prune::into_prune;
use crate::Result;

/// Other versions listed under one hit at most.
pub const MAX_SIMILAR: usize = 100;
/// Candidates the window grows to at most: past it, a page that duplicates fill is cut
/// short (stories ranked past the window are not reached).
pub const MAX_COLLAPSE_CANDIDATES: usize = 20_000;

/// The engine's step collapsing runs on: the exact top `k` candidates of a query in rank
/// order (ties broken, those at the `k`-th's key too, as in the full ranking), and the
/// query's match count.
pub(super) type TopK<'a> = dyn FnMut(usize) -> Result<(usize, Vec<Candidate>)> + 'a;

/// A hit's versions: the best-ranked one and the others, in rank order.
pub(super) struct Collapsed {
    pub(super) head: Candidate,
    pub(super) others: Vec<Candidate>,
}

/// Every version of each story that matches `query` (its filters included), one list per
/// story in the order of `stories`, best score first (ties by address). `stories` holds,
/// per story, its `story` term's info in each segment (`None`: no version there): the
/// versions are read from those postings, and the query's scorer only seeks to them, so the
/// cost grows with the versions, not with the query's matches. `weight`, when given, is
/// `query`'s (scoring enabled), built once for the whole search.
fn versions(
    searcher: &Searcher,
    schema: &NewsSchema,
    (query, weight): (&dyn Query, Option<&dyn Weight>),
    stories: &[Vec<Option<TermInfo>>],
) -> Result<Vec<Vec<Candidate>>> {
    let built;
    let weight = match weight {
        Some(w) => w,
        None => {
            built = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
            built.as_ref()
        }
    };
    let mut out: Vec<Vec<Candidate>> = stories.iter().map(|_| Vec::new()).collect();
    // per segment: each version's document above, its story's place in `stories` below
    let mut docs: Vec<u64> = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let index = segment.inverted_index(schema.story)?;
        docs.clear();
        for (at, infos) in stories.iter().enumerate() {
            let Some(info) = infos.get(ord).and_then(Option::as_ref) else {
                continue;
            };
            let mut postings = index.read_postings_from_terminfo(info, IndexRecordOption::Basic)?;
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if !segment.is_deleted(doc) {
                    docs.push(u64::from(doc) << 32 | at as u64);
                }
                doc = postings.advance();
            }
        }
        if docs.is_empty() {
            continue;
        }
        docs.sort_unstable();
        // As bounded scorers: a seek stops at the next candidate, and only a version is
        // checked (a phrase's positions read), not every candidate up to the next match.
        let Some(mut scorer) = into_prune(weight.scorer(segment, 1.0)?) else {
            continue;
        };
        // whether the current candidate matches, once asked (the first is a match)
        let mut matches = Some(true);
        for &v in &docs {
            let doc = (v >> 32) as DocId;
            let mut at = scorer.doc();
            if at < doc {
                at = scorer.seek(doc);
                matches = None;
            }
            if at == TERMINATED {
                break;
            }
            if at == doc && *matches.get_or_insert_with(|| scorer.matches()) {
                let score = scorer.score();
                out[(v & u64::from(u32::MAX)) as usize].push(Candidate {
                    key: (0, f64::from(score), 0.0),
                    score,
                    raw: score,
                    addr: DocAddress::new(ord as u32, doc),
                    id: None,
                });
            }
        }
    }
    for list in &mut out {
        list.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.addr.cmp(&b.addr)));
    }
    Ok(out)
}

/// The stories of the candidates, read from the `story` fast field of their segments.
struct Stories<'a> {
    searcher: &'a Searcher,
    warm: &'a Warm,
    columns: Vec<Option<Option<Column<u64>>>>,
}

impl<'a> Stories<'a> {
    fn new(searcher: &'a Searcher, warm: &'a Warm) -> Stories<'a> {
        Stories { searcher, warm, columns: vec![None; searcher.segment_readers().len()] }
    }

    /// The story of `addr`; an article without one is a story of its own.
    fn of(&mut self, addr: DocAddress) -> StoryKey {
        let slot = &mut self.columns[addr.segment_ord as usize];
        let column = slot.get_or_insert_with(|| {
            self.warm.stories(self.searcher.segment_reader(addr.segment_ord))
        });
        match column.as_ref().and_then(|c| c.first(addr.doc_id)) {
            Some(story) => StoryKey::Story(story),
            None => StoryKey::Alone(addr),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum StoryKey {
    Story(u64),
    Alone(DocAddress),
}

/// Candidates grouped by story, in rank order of each story's best version.
struct Groups {
    /// Per story: the indexes of its candidates, best first.
    members: Vec<Vec<usize>>,
    keys: Vec<StoryKey>,
}

fn group(cands: &[Candidate], stories: &mut Stories<'_>) -> Groups {
    let mut at: FxHashMap<StoryKey, usize> = FxHashMap::default();
    let mut groups = Groups { members: Vec::new(), keys: Vec::new() };
    for (i, c) in cands.iter().enumerate() {
        let key = stories.of(c.addr);
        let g = *at.entry(key).or_insert_with(|| {
            groups.members.push(Vec::new());
            groups.keys.push(key);
            groups.members.len() - 1
        });
        groups.members[g].push(i);
    }
    groups
}

/// The page `offset..offset + limit` of `query`'s stories, with the match count (every
/// version counts). `top(k)` is the engine's step: the top `k` candidates of `query` in rank
/// order, ties broken, and its match count; `weight`, when given, is `query`'s (scoring
/// enabled), reused to score the versions past the window; `one_per_story`: `top(k)` holds
/// one candidate per story already (the pruned engine collapses as it ranks), so `k`
/// candidates are `k` stories, save exact ties.
pub(super) fn page(
    (searcher, warm): (&Searcher, &Warm),
    schema: &NewsSchema,
    (query, weight, one_per_story): (&dyn Query, Option<&dyn Weight>, bool),
    offset: usize,
    limit: usize,
    top: &mut TopK<'_>,
) -> Result<(usize, Vec<Collapsed>)> {
    let need = offset + limit;
    let mut stories = Stories::new(searcher, warm);
    // The window's top `k` is exact (ties at its end broken as in the full ranking), so a
    // candidate past it ranks after every story it holds: the first window asks for half as
    // many candidates again as stories, about what the off-collapse page costs, and grows
    // only when duplicates fill it.
    let mut k = if one_per_story { need } else { need + need.div_ceil(2) };
    k = k.min(MAX_COLLAPSE_CANDIDATES);
    let (count, mut cands, mut groups) = loop {
        let (count, cands) = top(k)?;
        let exhausted = cands.len() < k || cands.len() >= count;
        let groups = group(&cands, &mut stories);
        let settled = groups.members.len() >= need;
        if exhausted || settled || k >= MAX_COLLAPSE_CANDIDATES {
            break (count, cands, groups);
        }
        // Grow with the duplicates seen: `need` stories at the window's rate of stories per
        // candidate, at least twice the window.
        let per_story = cands.len() as f64 / groups.members.len().max(1) as f64;
        let want = (need as f64 * per_story * 1.5).ceil() as usize;
        k = want.max(k * 2).min(count).min(MAX_COLLAPSE_CANDIDATES);
    };
    let exhausted = cands.len() >= count;
    let page: Vec<usize> = (offset..need.min(groups.members.len())).collect();
    // Versions past the window: only for stories the index holds more versions of. Each
    // story's term is looked up once per segment (its document count and its postings).
    let mut beyond: Vec<u64> = Vec::new();
    let mut infos: Vec<Vec<Option<TermInfo>>> = Vec::new();
    if !exhausted {
        let indexes = searcher
            .segment_readers()
            .iter()
            .map(|r| r.inverted_index(schema.story))
            .collect::<tantivy::Result<Vec<_>>>()?;
        for &g in &page {
            if let StoryKey::Story(story) = groups.keys[g] {
                let term = Term::from_field_u64(schema.story, story);
                let per_segment = indexes
                    .iter()
                    .map(|index| index.get_term_info(&term))
                    .collect::<std::io::Result<Vec<_>>>()?;
                let versions: u64 =
                    per_segment.iter().flatten().map(|t| u64::from(t.doc_freq)).sum();
                if versions > groups.members[g].len() as u64 {
                    beyond.push(story);
                    infos.push(per_segment);
                }
            }
        }
    }
    let mut extra: FxHashMap<u64, Vec<Candidate>> = FxHashMap::default();
    if !beyond.is_empty() {
        let lists = versions(searcher, schema, (query, weight), &infos)?;
        extra.extend(beyond.iter().copied().zip(lists));
    }
    let mut out = Vec::with_capacity(page.len());
    // Take each page story's candidates out of the window, in order.
    let mut taken: Vec<Option<Candidate>> = cands.drain(..).map(Some).collect();
    for g in page {
        let members = std::mem::take(&mut groups.members[g]);
        let mut versions: Vec<Candidate> =
            members.iter().filter_map(|&i| taken[i].take()).collect();
        if let StoryKey::Story(s) = groups.keys[g] {
            if let Some(more) = extra.remove(&s) {
                // The restricted query ranks every matching version of the story, those of
                // the window included, in the same order.
                let head = versions[0].addr;
                let mut all: Vec<Candidate> = more;
                if let Some(pos) = all.iter().position(|c| c.addr == head) {
                    let h = all.remove(pos);
                    all.insert(0, h);
                } else {
                    all.insert(0, versions.swap_remove(0));
                }
                versions = all;
            }
        }
        let mut it = versions.into_iter();
        let head = it.next().expect("a story has a version");
        out.push(Collapsed { head, others: it.take(MAX_SIMILAR).collect() });
    }
    Ok((count, out))
}
