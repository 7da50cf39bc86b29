//! Listing: what a hit shows of each other version of its story.
//!
//! A collapsed hit lists up to [`super::MAX_SIMILAR`] other versions (`collapse.rs` picks
//! them). Each is a [`Similar`]: by default a handle on the version's segment cards
//! (`index/cards.rs`, built by the reader's warmer) and its document number, so that listing
//! a version allocates nothing and reads nothing; its id, source and date are read from the
//! cards when asked for, and its id is what `"similar": ["id", …]` serializes. With
//! [`super::SearchRequest::similar_details`], or for a version whose segment has no cards yet
//! (a large segment's are built in the background), the version's fields are read from the
//! doc store ([`Shown`]) and kept in the [`Similar`].

use std::fmt;
use std::sync::{Arc, LazyLock};

use tantivy::schema::document::{DeserializeError, DocumentDeserialize, DocumentDeserializer};
use tantivy::schema::OwnedValue;
use tantivy::{DocId, Searcher};

use super::{rfc3339, Candidate};
use crate::index::{NewsSchema, SegmentCards};
use crate::Result;

/// Another version of a hit's story.
///
/// Serializes as its id alone, so that a hit's JSON carries `"similar": ["id", …]`; the other
/// fields are for display (« + 2 similar: AFP, Le Parisien »). Id, source and date are read,
/// when asked for, from what the reader keeps in memory per segment: listing a version costs
/// no allocation. The title and URL are one stored-document read each, made only when the
/// request asks
/// ([`SearchRequest::similar_details`](crate::search::SearchRequest::similar_details)).
///
/// ```
/// use depeche::search::Similar;
/// let s = Similar::new("lp-1", 1.5);
/// assert_eq!((s.id(), s.score(), s.source()), ("lp-1", 1.5, None));
/// assert_eq!(serde_json::to_string(&s).unwrap(), "\"lp-1\"");
/// ```
#[derive(Clone)]
pub struct Similar {
    score: f32,
    from: Listed,
}

/// Where a [`Similar`]'s fields are.
#[derive(Clone)]
enum Listed {
    /// In the cards of the version's segment, at its document.
    Cards(Arc<SegmentCards>, DocId),
    /// Read from the doc store (or given to [`Similar::new`]).
    Read(Box<Read>),
}

/// A [`Similar`]'s fields, read from the doc store.
#[derive(Clone, Default)]
struct Read {
    id: String,
    title: Option<String>,
    source: Option<String>,
    url: Option<String>,
    date: Option<String>,
}

impl Similar {
    /// A version with an id and a score and nothing else (a response built by hand, a test).
    ///
    /// ```
    /// let s = depeche::search::Similar::new("afp-2", 0.5);
    /// assert_eq!((s.title(), s.url(), s.date()), (None, None, None));
    /// ```
    pub fn new(id: impl Into<String>, score: f32) -> Similar {
        Similar { score, from: Listed::Read(Box::new(Read { id: id.into(), ..Read::default() })) }
    }

    /// Article id.
    ///
    /// ```
    /// assert_eq!(depeche::search::Similar::new("afp-2", 0.5).id(), "afp-2");
    /// ```
    pub fn id(&self) -> &str {
        match &self.from {
            // a card is made only for a document with an id
            Listed::Cards(cards, doc) => cards.id(*doc).unwrap_or_default(),
            Listed::Read(r) => &r.id,
        }
    }

    /// Ranking score of this version.
    ///
    /// ```
    /// assert_eq!(depeche::search::Similar::new("afp-2", 0.5).score(), 0.5);
    /// ```
    pub fn score(&self) -> f32 {
        self.score
    }

    /// Source, if any (as indexed: trimmed, as the `source` facet holds it, when read from
    /// memory; as stored, when read from the doc store).
    ///
    /// ```
    /// assert_eq!(depeche::search::Similar::new("afp-2", 0.5).source(), None);
    /// ```
    pub fn source(&self) -> Option<&str> {
        match &self.from {
            Listed::Cards(cards, doc) => cards.source(*doc),
            Listed::Read(r) => r.source.as_deref(),
        }
    }

    /// Publication date, RFC 3339 (UTC), if any.
    ///
    /// ```
    /// assert_eq!(depeche::search::Similar::new("afp-2", 0.5).date(), None);
    /// ```
    pub fn date(&self) -> Option<String> {
        match &self.from {
            Listed::Cards(cards, doc) => cards.date(*doc).and_then(rfc3339),
            Listed::Read(r) => r.date.clone(),
        }
    }

    /// Title as stored, read from the doc store with
    /// [`SearchRequest::similar_details`](crate::search::SearchRequest::similar_details)
    /// only: `None` otherwise.
    ///
    /// ```
    /// assert_eq!(depeche::search::Similar::new("afp-2", 0.5).title(), None);
    /// ```
    pub fn title(&self) -> Option<&str> {
        match &self.from {
            Listed::Cards(..) => None,
            Listed::Read(r) => r.title.as_deref(),
        }
    }

    /// URL, if any, read with
    /// [`SearchRequest::similar_details`](crate::search::SearchRequest::similar_details)
    /// only: `None` otherwise.
    ///
    /// ```
    /// assert_eq!(depeche::search::Similar::new("afp-2", 0.5).url(), None);
    /// ```
    pub fn url(&self) -> Option<&str> {
        match &self.from {
            Listed::Cards(..) => None,
            Listed::Read(r) => r.url.as_deref(),
        }
    }
}

/// Two listings are equal when they show the same fields, wherever those are read from.
impl PartialEq for Similar {
    fn eq(&self, other: &Similar) -> bool {
        self.id() == other.id()
            && self.score.to_bits() == other.score.to_bits()
            && self.source() == other.source()
            && self.date() == other.date()
            && self.title() == other.title()
            && self.url() == other.url()
    }
}

impl fmt::Debug for Similar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Similar")
            .field("id", &self.id())
            .field("score", &self.score)
            .field("source", &self.source())
            .field("date", &self.date())
            .field("title", &self.title())
            .field("url", &self.url())
            .finish()
    }
}

impl serde::Serialize for Similar {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl crate::index::NewsIndex {
    /// The listing of each of `others`: a handle on its segment's cards
    /// ([`crate::index::Warm`]), nothing read; with `details`, or when the segment has no
    /// cards yet (a large segment's are built in the background) or the version no id there,
    /// its fields read from the doc store ([`Shown`]).
    pub(super) fn similar(
        &self,
        searcher: &Searcher,
        others: Vec<Candidate>,
        details: bool,
    ) -> Result<Vec<Similar>> {
        if others.is_empty() {
            return Ok(Vec::new());
        }
        let s = self.schema();
        let partial = Shown::fields_match(s);
        let mut cards: Vec<Option<Option<Arc<SegmentCards>>>> =
            vec![None; searcher.segment_readers().len()];
        let mut out = Vec::with_capacity(others.len());
        for c in others {
            let doc = c.addr.doc_id;
            if !details {
                let card = cards[c.addr.segment_ord as usize].get_or_insert_with(|| {
                    self.warm().cards(searcher.segment_reader(c.addr.segment_ord))
                });
                if let Some(card) = card.as_ref().filter(|k| k.id(doc).is_some()) {
                    out.push(Similar {
                        score: c.score,
                        from: Listed::Cards(Arc::clone(card), doc),
                    });
                    continue;
                }
            }
            let shown = if partial {
                searcher.doc::<Shown>(c.addr)?
            } else {
                Shown::from_document(s, &searcher.doc(c.addr)?)
            };
            // the same fields with or without cards: title and URL only when asked for
            let read = Read {
                id: c.id.or(shown.id).unwrap_or_default(),
                title: shown.title.filter(|_| details),
                source: shown.source,
                url: shown.url.filter(|_| details),
                date: shown.date.and_then(rfc3339),
            };
            out.push(Similar { score: c.score, from: Listed::Read(Box::new(read)) });
        }
        Ok(out)
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
    use tantivy::{DocAddress, Index, TantivyDocument};

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
