//! What a version listed under a hit shows, without the doc store: its id, source and date.
//!
//! A collapsed hit lists the other versions of its story (up to
//! [`crate::search::MAX_SIMILAR`]), each scattered in the index: read from the doc store, each
//! is a block to decompress and a document to decode, most of the cost of collapsing. The
//! warmer ([`super::Warm`]) builds a [`SegmentCards`] per segment when the reader first sees
//! it, from what the index already holds, so that a listed version costs a few lookups:
//!
//! - **ids** from the `id` field's terms (one per article), in one arena, a start and a length
//!   per document: the arena's bytes plus 8 bytes per document;
//! - **sources** from the `/source/…` facet terms (few and shared), an index per document:
//!   4 bytes per document;
//! - **dates** from the date column (already in memory).
//!
//! Nothing is added to the index: an index written by an earlier version gets its cards too.
//! A document without an id term (none in an index `NewsIndex` wrote) is looked up in the doc
//! store by the caller.

use tantivy::columnar::Column;
use tantivy::postings::TermInfo;
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{DateTime, DocId, InvertedIndexReader, SegmentReader};

use super::DATE_FIELD;

/// A document's id in [`SegmentCards::ids`]: start and length (`len == u32::MAX`: no id).
#[derive(Clone, Copy)]
struct Span {
    start: u32,
    len: u32,
}

const NO_ID: Span = Span { start: 0, len: u32::MAX };
const NO_SOURCE: u32 = u32::MAX;

/// The id, source and date of every document of one segment (see the module docs).
#[derive(Default)]
pub(crate) struct SegmentCards {
    ids: String,
    id_of: Vec<Span>,
    sources: Vec<String>,
    source_of: Vec<u32>,
    dates: Option<Column<DateTime>>,
}

impl SegmentCards {
    /// Reads the cards of `reader`'s documents from the `id` field's terms, the `facets`
    /// field's `/source/…` terms and the date column. A segment whose ids do not fit the
    /// arena's 32-bit offsets (4 GB of ids) gets no ids: its versions are read from the doc
    /// store.
    pub(crate) fn compute(
        reader: &SegmentReader,
        id: Field,
        facets: Field,
    ) -> tantivy::Result<SegmentCards> {
        let max_doc = reader.max_doc() as usize;
        let mut cards = SegmentCards {
            dates: reader.fast_fields().date(DATE_FIELD).ok(),
            ..SegmentCards::default()
        };
        // ids: one term per article (a replaced article's old version shares its id)
        let index = reader.inverted_index(id)?;
        let mut id_of = vec![NO_ID; max_doc];
        let mut terms = index.terms().stream()?;
        let mut fits = true;
        while terms.advance() {
            let key = terms.key();
            let Ok(text) = std::str::from_utf8(key) else { continue };
            let (Ok(start), Ok(len)) = (u32::try_from(cards.ids.len()), u32::try_from(key.len()))
            else {
                fits = false;
                break;
            };
            cards.ids.push_str(text);
            set_docs(&index, terms.value(), &mut id_of, Span { start, len })?;
        }
        if fits {
            cards.id_of = id_of;
        } else {
            cards.ids = String::new();
        }
        // sources: the `/source/…` facet terms, "source\0name" encoded
        let index = reader.inverted_index(facets)?;
        let root = Facet::from_path(["source"]);
        let mut from = root.encoded_str().as_bytes().to_vec();
        from.push(0);
        let mut to = from.clone();
        *to.last_mut().expect("not empty") = 1;
        let mut terms = index.terms().range().ge(&from).lt(&to).into_stream()?;
        let mut source_of = vec![NO_SOURCE; max_doc];
        while terms.advance() {
            let Ok(name) = std::str::from_utf8(&terms.key()[from.len()..]) else { continue };
            let Ok(at) = u32::try_from(cards.sources.len()) else { break };
            cards.sources.push(name.to_string());
            set_docs(&index, terms.value(), &mut source_of, at)?;
        }
        cards.source_of = source_of;
        Ok(cards)
    }

    /// The id of `doc`, `None` when it has no id term (or the cards hold no ids).
    pub(crate) fn id(&self, doc: DocId) -> Option<&str> {
        let span = *self.id_of.get(doc as usize)?;
        if span.len == u32::MAX {
            return None;
        }
        let start = span.start as usize;
        self.ids.get(start..start + span.len as usize)
    }

    /// The source of `doc` (its `/source/…` facet), `None` when it has none.
    pub(crate) fn source(&self, doc: DocId) -> Option<&str> {
        let at = *self.source_of.get(doc as usize)?;
        self.sources.get(at as usize).map(String::as_str)
    }

    /// The publication date of `doc`.
    pub(crate) fn date(&self, doc: DocId) -> Option<DateTime> {
        self.dates.as_ref()?.first(doc)
    }

    /// Memory held, in bytes (the date column is the segment's own).
    pub(crate) fn bytes(&self) -> usize {
        self.ids.capacity()
            + self.id_of.capacity() * std::mem::size_of::<Span>()
            + self.source_of.capacity() * std::mem::size_of::<u32>()
            + self.sources.iter().map(String::capacity).sum::<usize>()
    }
}

/// Sets `slots[doc] = value` for every document of the term `info` of `index`.
fn set_docs<T: Copy>(
    index: &InvertedIndexReader,
    info: &TermInfo,
    slots: &mut [T],
    value: T,
) -> tantivy::Result<()> {
    let mut postings = index.read_block_postings_from_terminfo(info, IndexRecordOption::Basic)?;
    while !postings.docs().is_empty() {
        for &doc in postings.docs() {
            if let Some(slot) = slots.get_mut(doc as usize) {
                *slot = value;
            }
        }
        postings.advance();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{Article, NewsIndex};
    use tantivy::schema::Value;

    fn article(id: &str, source: Option<&str>, date: Option<&str>) -> Article {
        Article {
            id: id.into(),
            title: format!("Titre {id}"),
            body: "Un texte.".into(),
            source: source.map(Into::into),
            date: date.map(Into::into),
            ..Default::default()
        }
    }

    /// Each document's card gives its own id, source and date, a replaced article's old
    /// version included, and a document without a source has none.
    #[test]
    fn cards_give_each_document_its_id_source_and_date() {
        let index = NewsIndex::create_in_ram().unwrap();
        index.set_story_detection(false);
        let rows = [
            ("b-2", Some("Le Monde"), Some("2016-05-10")),
            ("a-1", Some("AFP"), None),
            ("c-3", None, Some("2017-01-02")),
            ("é-4", Some("Le Monde"), Some("2018-12-31")),
        ];
        for (id, source, date) in rows {
            index.add(&article(id, source, date)).unwrap();
        }
        index.commit().unwrap();
        let searcher = index.searcher();
        let s = index.schema();
        let reader = searcher.segment_reader(0);
        let cards = SegmentCards::compute(reader, s.id, s.facets).unwrap();
        assert!(cards.bytes() > 0);
        let store = reader.get_store_reader(0).unwrap();
        for doc in 0..reader.max_doc() {
            let stored: tantivy::TantivyDocument = store.get(doc).unwrap();
            let id = stored.get_first(s.id).and_then(|v| v.as_str()).map(str::to_string);
            let (_, source, date) = rows.iter().find(|r| Some(r.0) == id.as_deref()).unwrap();
            assert_eq!(cards.id(doc), id.as_deref(), "doc {doc}: id");
            assert_eq!(cards.source(doc), *source, "doc {doc}: source");
            let want = date.map(|d| crate::index::parse_date(d).unwrap().unix_timestamp());
            let got = cards.date(doc).map(DateTime::into_timestamp_secs);
            assert_eq!(got, want, "doc {doc}: date");
        }
        assert_eq!(cards.id(reader.max_doc()), None, "past the segment: no id");
        assert_eq!(cards.source(reader.max_doc()), None, "past the segment: no source");
    }
}
