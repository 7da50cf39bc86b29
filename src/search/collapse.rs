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
//! 3. **Other versions.** The versions of the page's stories that ranked past the window are
//!    fetched with one more top-k query, the search's query restricted to those stories
//!    (their `story` terms, at no score); it runs only for stories with more versions in the
//!    index (`story` term frequency) than the window holds. At most [`MAX_SIMILAR`] are listed
//!    per hit, in rank order.
//!
//! A story is collapsed among the versions that match the query and the filters: a version
//! outside a date or source filter is neither a hit nor listed under one.

use rustc_hash::FxHashMap;
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, Term};

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
pub(super) type TopK<'a> = dyn FnMut(&dyn Query, usize) -> Result<(usize, Vec<Candidate>)> + 'a;

/// A hit's versions: the best-ranked one and the others, in rank order.
pub(super) struct Collapsed {
    pub(super) head: Candidate,
    pub(super) others: Vec<Candidate>,
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
/// version counts). `top(query, k)` is the engine's step: the top `k` candidates of `query`
/// in rank order, ties broken, and its match count.
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
    let mut k = (need * 2 + TIE_MARGIN).min(MAX_COLLAPSE_CANDIDATES);
    let (count, mut cands, mut groups) = loop {
        let (count, cands) = top(query, k)?;
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
        let mut bound = 0u64;
        let terms: Vec<(Occur, Box<dyn Query>)> = beyond
            .iter()
            .map(|&story| {
                let term = Term::from_field_u64(schema.story, story);
                bound += searcher.doc_freq(&term).unwrap_or(0);
                let q: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                (Occur::Should, q)
            })
            .collect();
        let only: Box<dyn Query> =
            Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(terms)), 0.0));
        let restricted =
            BooleanQuery::new(vec![(Occur::Must, query.box_clone()), (Occur::Must, only)]);
        let k = (bound as usize).min(beyond.len() * (MAX_SIMILAR + 1)).max(1);
        let (_, versions) = top(&restricted, k)?;
        for c in versions {
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
/// fields are for display (« + 2 similar: AFP, Le Parisien »). Read from fast fields only (no
/// stored document is opened per version), so listing a story's versions stays cheap.
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
    /// Source, if any (as given, trimmed).
    pub source: Option<String>,
    /// Publication date, RFC 3339 (UTC).
    pub date: Option<String>,
}

impl serde::Serialize for Similar {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.id)
    }
}

/// The fast columns a [`Similar`] is read from, in one segment.
struct SimilarColumns {
    id: Option<tantivy::columnar::StrColumn>,
    facets: Option<tantivy::fastfield::FacetReader>,
    date: Option<Column<tantivy::DateTime>>,
    /// Source of each facet ordinal seen (`None`: not a source facet).
    sources: FxHashMap<u64, Option<String>>,
}

impl SimilarColumns {
    fn of(segment: &tantivy::SegmentReader) -> SimilarColumns {
        let fast = segment.fast_fields();
        SimilarColumns {
            id: fast.str("id").ok().flatten(),
            facets: segment.facet_reader(crate::index::FACET_FIELD).ok(),
            date: fast.date(crate::index::DATE_FIELD).ok(),
            sources: FxHashMap::default(),
        }
    }

    fn id(&self, doc: tantivy::DocId) -> Result<Option<String>> {
        let Some(col) = &self.id else { return Ok(None) };
        let Some(ord) = col.term_ords(doc).next() else { return Ok(None) };
        let mut out = String::new();
        Ok(col.ord_to_str(ord, &mut out)?.then_some(out))
    }

    /// The `/source/…` facet of `doc`. Facet ordinals follow the facets' order, where
    /// `/lang`, `/section` come before `/source`: a few are resolved, each once per segment.
    fn source(&mut self, doc: tantivy::DocId) -> Result<Option<String>> {
        let Some(reader) = &self.facets else { return Ok(None) };
        let mut facet = tantivy::schema::Facet::root();
        for ord in reader.facet_ords(doc) {
            let source = match self.sources.get(&ord) {
                Some(s) => s.clone(),
                None => {
                    reader.facet_from_ord(ord, &mut facet)?;
                    let path = facet.to_path();
                    let s = (path.len() == 2 && path[0] == "source").then(|| path[1].to_string());
                    self.sources.insert(ord, s.clone());
                    s
                }
            };
            if source.is_some() {
                return Ok(source);
            }
        }
        Ok(None)
    }

    fn date(&self, doc: tantivy::DocId) -> Option<String> {
        let d = self.date.as_ref()?.first(doc)?;
        d.into_utc().format(&time::format_description::well_known::Rfc3339).ok()
    }
}

impl crate::index::NewsIndex {
    /// The id, source and date of each of `others`, from fast fields.
    pub(super) fn similar(
        &self,
        searcher: &Searcher,
        others: Vec<Candidate>,
    ) -> Result<Vec<Similar>> {
        let mut columns: FxHashMap<u32, SimilarColumns> = FxHashMap::default();
        others
            .into_iter()
            .map(|c| {
                let seg = c.addr.segment_ord;
                let cols = columns
                    .entry(seg)
                    .or_insert_with(|| SimilarColumns::of(searcher.segment_reader(seg)));
                let doc = c.addr.doc_id;
                let id = match c.id {
                    Some(id) => id,
                    None => match cols.id(doc)? {
                        Some(id) => id,
                        None => {
                            // An id column is always there; read the stored id otherwise.
                            let stored: tantivy::TantivyDocument = searcher.doc(c.addr)?;
                            super::stored_str(&stored, self.schema().id).unwrap_or_default()
                        }
                    },
                };
                Ok(Similar { id, score: c.score, source: cols.source(doc)?, date: cols.date(doc) })
            })
            .collect()
    }
}
