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
//! 4. **Listing.** A listed version's id, source and date are read from its segment's cards
//!    (`index/cards.rs`, built by the reader's warmer when it first sees the segment), without
//!    the doc store; its title and URL only when the request asks
//!    ([`super::SearchRequest::similar_details`]), from the doc store ([`Similar`]).
//!
//! A story is collapsed among the versions that match the query and the filters: a version
//! outside a date or source filter is neither a hit nor listed under one.

use std::sync::{Arc, LazyLock};

use rustc_hash::FxHashMap;
use tantivy::columnar::Column;
use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::schema::document::{DeserializeError, DocumentDeserialize, DocumentDeserializer};
use tantivy::schema::{IndexRecordOption, OwnedValue};
use tantivy::{DocAddress, DocId, DocSet, Searcher, Term, TERMINATED};

use super::{rfc3339, Candidate};
use crate::index::NewsSchema;
use crate::index::{SegmentCards, Warm};
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

/// Every version of `stories` that matches `query` (its filters included), best score first
/// (ties by address): the stories' documents are read from their `story` terms, and the
/// query's scorer only seeks to them, so the cost grows with the versions, not with the
/// query's matches. `weight`, when given, is `query`'s (scoring enabled), built once for the
/// whole search.
fn versions(
    searcher: &Searcher,
    schema: &NewsSchema,
    query: &dyn Query,
    weight: Option<&dyn Weight>,
    stories: &[u64],
) -> Result<Vec<Candidate>> {
    let built;
    let weight = match weight {
        Some(w) => w,
        None => {
            built = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
            built.as_ref()
        }
    };
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
        for c in versions(searcher, schema, query, weight, &beyond)? {
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
/// fields are for display (« + 2 similar: AFP, Le Parisien »). Id, score, source and date come
/// from what the reader keeps in memory per segment; the title and URL are one stored-document
/// read each, made only when the request asks
/// ([`SearchRequest::similar_details`](crate::search::SearchRequest::similar_details)).
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
    /// Title as stored, read from the doc store with
    /// [`SearchRequest::similar_details`](crate::search::SearchRequest::similar_details)
    /// only: `None` otherwise.
    pub title: Option<String>,
    /// Source, if any.
    pub source: Option<String>,
    /// URL, if any, read with
    /// [`SearchRequest::similar_details`](crate::search::SearchRequest::similar_details) only.
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
    /// The listing of each of `others`: id, source and date from the segment's cards
    /// ([`crate::index::Warm`]), without the doc store; with `details`, the title and URL
    /// read from the doc store too ([`Shown`]). A version whose segment has no cards yet (a
    /// large segment's are built in the background) is read from the doc store.
    pub(super) fn similar(
        &self,
        searcher: &Searcher,
        others: Vec<Candidate>,
        details: bool,
    ) -> Result<Vec<Similar>> {
        let s = self.schema();
        let partial = Shown::fields_match(s);
        let mut cards: Vec<Option<Option<Arc<SegmentCards>>>> =
            vec![None; searcher.segment_readers().len()];
        others
            .into_iter()
            .map(|c| {
                let card = cards[c.addr.segment_ord as usize].get_or_insert_with(|| {
                    self.warm().cards(searcher.segment_reader(c.addr.segment_ord))
                });
                let doc = c.addr.doc_id;
                let card = card.as_deref();
                let id = c.id.as_deref().or_else(|| card.and_then(|k| k.id(doc)));
                if let (false, Some(id), Some(card)) = (details, id, card) {
                    return Ok(Similar {
                        id: id.to_string(),
                        score: c.score,
                        title: None,
                        source: card.source(doc).map(str::to_string),
                        url: None,
                        date: card.date(doc).and_then(rfc3339),
                    });
                }
                let shown = if partial {
                    searcher.doc::<Shown>(c.addr)?
                } else {
                    Shown::from_document(s, &searcher.doc(c.addr)?)
                };
                // the same fields with or without cards: title and URL only when asked for
                Ok(Similar {
                    id: c.id.or(shown.id).unwrap_or_default(),
                    score: c.score,
                    title: shown.title.filter(|_| details),
                    source: shown.source,
                    url: shown.url.filter(|_| details),
                    date: shown.date.and_then(rfc3339),
                })
            })
            .collect()
    }
}

/// The stored fields a version listed under a hit shows (the first value of each).
///
/// Read from the doc store field by field. [`crate::index::Article`]'s documents are stored
/// language first, then the id and the other short fields, and the text (lead, body) last:
/// in such a document the reading stops at the first text, so the body, most of a
/// document's bytes, is not decoded when there is a lead. A document stored id first
/// (indexes written before that order) is read whole.
#[derive(Debug, Default, PartialEq)]
struct Shown {
    id: Option<String>,
    title: Option<String>,
    source: Option<String>,
    url: Option<String>,
    date: Option<tantivy::DateTime>,
}

/// The fields [`Shown`] reads, those of [`NewsSchema::new`] (tantivy's deserializer has no
/// context; [`Shown::fields_match`] checks an index's schema against them).
static SHOWN_FIELDS: LazyLock<NewsSchema> = LazyLock::new(NewsSchema::new);

impl Shown {
    /// Whether `schema` has the field handles [`Shown`]'s deserializer reads.
    fn fields_match(schema: &NewsSchema) -> bool {
        let f = &*SHOWN_FIELDS;
        [
            (f.id, schema.id),
            (f.stored_title, schema.stored_title),
            (f.source, schema.source),
            (f.url, schema.url),
            (f.date, schema.date),
            (f.lang, schema.lang),
            (f.stored_lead, schema.stored_lead),
            (f.stored_body, schema.stored_body),
        ]
        .iter()
        .all(|(a, b)| a == b)
    }

    /// The fields from a whole stored document.
    fn from_document(s: &NewsSchema, doc: &tantivy::TantivyDocument) -> Shown {
        use tantivy::schema::Value;
        let text = |f| super::stored_str(doc, f);
        Shown {
            id: text(s.id),
            title: text(s.stored_title),
            source: text(s.source),
            url: text(s.url),
            date: doc.get_first(s.date).and_then(|v| v.as_datetime()),
        }
    }
}

impl DocumentDeserialize for Shown {
    fn deserialize<'de, D>(mut doc: D) -> std::result::Result<Self, DeserializeError>
    where
        D: DocumentDeserializer<'de>,
    {
        let f = &*SHOWN_FIELDS;
        let mut out = Shown::default();
        // the language first: the text comes after every field shown
        let mut first = true;
        let mut text_last = false;
        while let Some((field, value)) = doc.next_field::<OwnedValue>()? {
            if std::mem::take(&mut first) && field == f.lang {
                text_last = true;
            }
            if text_last && (field == f.stored_lead || field == f.stored_body) {
                break;
            }
            if field == f.date {
                if let (None, OwnedValue::Date(d)) = (out.date, value) {
                    out.date = Some(d);
                }
                continue;
            }
            let slot = if field == f.id {
                &mut out.id
            } else if field == f.stored_title {
                &mut out.title
            } else if field == f.source {
                &mut out.source
            } else if field == f.url {
                &mut out.url
            } else {
                continue;
            };
            if let (None, OwnedValue::Str(v)) = (&slot, value) {
                *slot = Some(v);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Article;
    use tantivy::schema::Value;
    use tantivy::{Index, TantivyDocument};

    /// A listed version reads the same fields from a document stored text last (the layout
    /// `Article` writes, read up to the id) and from one stored id first, text before the
    /// language (indexes written before, read whole).
    #[test]
    fn shown_reads_both_stored_layouts() {
        let s = NewsSchema::new();
        assert!(Shown::fields_match(&s), "Shown reads NewsSchema::new()'s fields");
        let article = Article {
            id: "afp-1".into(),
            title: "Le titre".into(),
            lead: "Le chapeau.".into(),
            body: "Le corps du texte.".into(),
            date: Some("2016-05-10".into()),
            source: Some("AFP".into()),
            url: Some("https://example.org/1".into()),
            author: Some("A. Auteur".into()),
            ..Default::default()
        };
        let new = article.to_document(&s).unwrap();
        let first = new.field_values().next().map(|(f, _)| f);
        assert_eq!(first, Some(s.lang), "Article stores the language first");
        // the layout of earlier indexes: id, title, lead, body, date, lang, source, url
        // (read whole: a source or URL after the text is still found)
        let date = new.get_first(s.date).and_then(|v| v.as_datetime()).unwrap();
        let mut old = TantivyDocument::default();
        old.add_text(s.id, "afp-1");
        old.add_text(s.stored_title, "Le titre");
        old.add_text(s.stored_lead, "Le chapeau.");
        old.add_text(s.stored_body, "Le corps du texte.");
        old.add_date(s.date, date);
        old.add_text(s.lang, "fr");
        old.add_text(s.source, "AFP");
        old.add_text(s.url, "https://example.org/1");
        let index = Index::create_in_ram(s.schema().clone());
        crate::register_analyzers(index.tokenizers());
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.add_document(new).unwrap();
        writer.add_document(old).unwrap();
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let want = Shown {
            id: Some("afp-1".into()),
            title: Some("Le titre".into()),
            source: Some("AFP".into()),
            url: Some("https://example.org/1".into()),
            date: Some(date),
        };
        for doc in 0..2 {
            let addr = DocAddress::new(0, doc);
            let whole = Shown::from_document(&s, &searcher.doc(addr).unwrap());
            assert_eq!(whole, want, "doc {doc}: the whole document");
            assert_eq!(searcher.doc::<Shown>(addr).unwrap(), want, "doc {doc}: the partial read");
        }
    }
}
