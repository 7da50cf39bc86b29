//! Collapsing: one hit per story, the best-ranked version, the others listed under it.
//!
//! Built over one step of the search engine, "the top `k` candidates of a query, in order,
//! and the number of matches" (`NewsIndex::top`, whichever top-k execution implements it),
//! so that it works on any of them:
//!
//! 1. **Window.** Ask for the top `k` candidates and group them by story (the `story` fast
//!    field, [`crate::index::story`]), in rank order: a story's first candidate is its best
//!    version. While the window holds fewer than `offset + limit` stories whose best version
//!    sits [`TIE_MARGIN`](super::TIE_MARGIN) candidates before its end, and more matches exist,
//!    ask again for more: `k` grows with the share of duplicates seen, at least doubling, up to
//!    [`MAX_COLLAPSE_CANDIDATES`].
//! 2. **Page.** Stories `offset..offset + limit` in that order. A story's rank is the rank of
//!    its best version in the full ranking, so pages taken with any offset are slices of one
//!    list: no story is on two pages, none is skipped.
//! 3. **Other versions.** When a page story has more versions in the index (`story` term
//!    frequency) than the window holds, its versions are read from its `story` term and the
//!    search's query (filters included) is asked, by seeking its scorer to each, which match
//!    and with what score: the cost grows with the versions, not with the query's matches.
//!    At most [`MAX_SIMILAR`] are listed per hit: those of the window in rank order, or, when
//!    some ranked past it, every matching version best score first.
//!
//! A story is collapsed among the versions that match the query and the filters: a version
//! outside a date or source filter is neither a hit nor listed under one.

use rustc_hash::FxHashMap;
use tantivy::columnar::Column;
use tantivy::query::{EnableScoring, Query};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Searcher, Term, TERMINATED};

use super::{Candidate, TIE_MARGIN};
use crate::index::story::story_column;
use crate::index::NewsSchema;
use crate::Result;

/// Other versions listed under one hit at most.
pub const MAX_SIMILAR: usize = 100;
/// Candidates the window grows to at most: past it, a page that duplicates fill is cut
/// short (stories ranked past the window are not reached).
pub const MAX_COLLAPSE_CANDIDATES: usize = 20_000;

/// The engine's step collapsing runs on: the top `k` candidates of a query in rank order
/// (ties broken), and the query's match count.
pub(super) type TopK<'a> = dyn FnMut(usize) -> Result<(usize, Vec<Candidate>)> + 'a;

/// A hit's versions: the best-ranked one and the others, in rank order.
pub(super) struct Collapsed {
    pub(super) head: Candidate,
    pub(super) others: Vec<Candidate>,
}

/// Every version of `stories` that matches `query` (its filters included), best score first
/// (ties by address): the stories' documents are read from their `story` terms, and the
/// query's scorer only seeks to them, so the cost grows with the versions, not with the
/// query's matches.
fn versions(
    searcher: &Searcher,
    schema: &NewsSchema,
    query: &dyn Query,
    stories: &[u64],
) -> Result<Vec<Candidate>> {
    let weight = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
    let mut out = Vec::new();
    let mut docs: Vec<DocId> = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let index = segment.inverted_index(schema.story)?;
        docs.clear();
        for &story in stories {
            let term = Term::from_field_u64(schema.story, story);
            let Some(mut postings) = index.read_postings(&term, IndexRecordOption::Basic)? else {
                continue;
            };
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if !segment.is_deleted(doc) {
                    docs.push(doc);
                }
                doc = postings.advance();
            }
        }
        if docs.is_empty() {
            continue;
        }
        docs.sort_unstable();
        let mut scorer = weight.scorer(segment, 1.0)?;
        for &doc in &docs {
            let at = if scorer.doc() < doc { scorer.seek(doc) } else { scorer.doc() };
            if at == TERMINATED {
                break;
            }
            if at == doc {
                let score = scorer.score();
                let addr = DocAddress::new(ord as u32, doc);
                out.push(Candidate {
                    key: (0, f64::from(score), 0.0),
                    score,
                    raw: score,
                    addr,
                    id: None,
                });
            }
        }
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.addr.cmp(&b.addr)));
    Ok(out)
}

/// The stories of the candidates, read from the `story` fast field of their segments.
struct Stories<'a> {
    searcher: &'a Searcher,
    columns: Vec<Option<Option<Column<u64>>>>,
}

impl<'a> Stories<'a> {
    fn new(searcher: &'a Searcher) -> Stories<'a> {
        Stories { searcher, columns: vec![None; searcher.segment_readers().len()] }
    }

    /// The story of `addr`; an article without one is a story of its own.
    fn of(&mut self, addr: DocAddress) -> StoryKey {
        let slot = &mut self.columns[addr.segment_ord as usize];
        let column = slot.get_or_insert_with(|| {
            story_column(self.searcher.segment_reader(addr.segment_ord)).ok()
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
/// order, ties broken, and its match count.
pub(super) fn page(
    searcher: &Searcher,
    schema: &NewsSchema,
    query: &dyn Query,
    offset: usize,
    limit: usize,
    top: &mut TopK<'_>,
) -> Result<(usize, Vec<Collapsed>)> {
    let need = offset + limit;
    let mut stories = Stories::new(searcher);
    // A window of 4 candidates per story asked for: a larger `k` costs little next to
    // running the query again.
    let mut k = (need * 4 + TIE_MARGIN).min(MAX_COLLAPSE_CANDIDATES);
    let (count, mut cands, mut groups) = loop {
        let (count, cands) = top(k)?;
        let exhausted = cands.len() < k || cands.len() >= count;
        let groups = group(&cands, &mut stories);
        // The page's last story is settled when its best version is far enough from the
        // window's end that ties past the window cannot come before it.
        let settled = groups
            .members
            .get(need.saturating_sub(1))
            .is_some_and(|m| m[0] + TIE_MARGIN < cands.len());
        if exhausted || settled || k >= MAX_COLLAPSE_CANDIDATES {
            break (count, cands, groups);
        }
        // Grow with the duplicates seen: `need` stories at the window's rate of stories per
        // candidate, at least twice the window.
        let per_story = cands.len() as f64 / groups.members.len().max(1) as f64;
        let want = (need as f64 * per_story * 1.5) as usize + TIE_MARGIN;
        k = want.max(k * 2).min(count).min(MAX_COLLAPSE_CANDIDATES);
    };
    let exhausted = cands.len() >= count;
    let page: Vec<usize> = (offset..need.min(groups.members.len())).collect();
    // Versions past the window: only for stories the index holds more versions of.
    let mut beyond: Vec<u64> = Vec::new();
    if !exhausted {
        for &g in &page {
            if let StoryKey::Story(story) = groups.keys[g] {
                let term = Term::from_field_u64(schema.story, story);
                if searcher.doc_freq(&term)? > groups.members[g].len() as u64 {
                    beyond.push(story);
                }
            }
        }
    }
    let mut extra: FxHashMap<u64, Vec<Candidate>> = FxHashMap::default();
    if !beyond.is_empty() {
        for c in versions(searcher, schema, query, &beyond)? {
            if let StoryKey::Story(s) = stories.of(c.addr) {
                extra.entry(s).or_default().push(c);
            }
        }
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

/// Another version of a hit's story.
///
/// Serializes as its id alone, so that a hit's JSON carries `"similar": ["id", …]`; the other
/// fields are for display (« + 2 similar: AFP, Le Parisien »).
///
/// ```
/// let s = depeche::search::Similar { id: "lp-1".into(), ..Default::default() };
/// assert_eq!(serde_json::to_string(&s).unwrap(), "\"lp-1\"");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Similar {
    /// Article id.
    pub id: String,
    /// Ranking score of this version.
    pub score: f32,
    /// Title as stored.
    pub title: String,
    /// Source, if any.
    pub source: Option<String>,
    /// URL, if any.
    pub url: Option<String>,
    /// Publication date, RFC 3339 (UTC).
    pub date: Option<String>,
}

impl serde::Serialize for Similar {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.id)
    }
}

impl crate::index::NewsIndex {
    /// The stored fields of each of `others`.
    pub(super) fn similar(
        &self,
        searcher: &Searcher,
        others: Vec<Candidate>,
    ) -> Result<Vec<Similar>> {
        let s = self.schema();
        others
            .into_iter()
            .map(|c| {
                let doc: tantivy::TantivyDocument = searcher.doc(c.addr)?;
                let text = |f| super::stored_str(&doc, f);
                let date = {
                    use tantivy::schema::Value;
                    doc.get_first(s.date).and_then(|v| v.as_datetime()).and_then(|d| {
                        d.into_utc().format(&time::format_description::well_known::Rfc3339).ok()
                    })
                };
                Ok(Similar {
                    id: c.id.or_else(|| text(s.id)).unwrap_or_default(),
                    score: c.score,
                    title: text(s.stored_title).unwrap_or_default(),
                    source: text(s.source),
                    url: text(s.url),
                    date,
                })
            })
            .collect()
    }
}
