//! The input record: a news article, its validation and its tantivy document.

use serde::{Deserialize, Deserializer, Serialize};
use tantivy::schema::Facet;
use tantivy::{DateTime, TantivyDocument};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

use super::NewsSchema;
use crate::analysis::{detect_article_language, Lang};
use crate::{Error, Result};

/// The oldest year an article may carry.
pub const MIN_YEAR: i32 = 1700;
/// The latest year an article may carry (tantivy stores dates as `i64` nanoseconds).
pub const MAX_YEAR: i32 = 2200;
/// The longest article id, in bytes (after trimming). tantivy silently drops a term longer
/// than 65,530 bytes, so an article with a longer id could never be replaced or deleted.
pub const MAX_ID_BYTES: usize = 2_048;

/// A news article, as read from JSON.
///
/// Unknown JSON fields are ignored; `null` counts as absent. An article needs an `id` and a
/// `title` or a `body`; its `date` is `YYYY-MM-DD` or RFC 3339 (`2016-01-01T14:30:00+01:00`),
/// between [`MIN_YEAR`] and [`MAX_YEAR`]. When `lang` is absent it is detected from the text;
/// when detection is unsure the article is taken as French, the main language of the corpus.
///
/// ```
/// use depeche::index::Article;
/// let a: Article = serde_json::from_str(
///     r#"{"id": "a1", "title": "Réforme des retraites", "date": "2016-01-04", "extra": 1}"#,
/// ).unwrap();
/// assert_eq!(a.title, "Réforme des retraites");
/// assert!(a.validate().is_ok());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    /// Unique id; re-adding an id replaces the article.
    #[serde(deserialize_with = "string_or_number")]
    pub id: String,
    /// Headline.
    #[serde(default, deserialize_with = "null_as_default")]
    pub title: String,
    /// Standfirst (chapô), optional.
    #[serde(default, deserialize_with = "null_as_default")]
    pub lead: String,
    /// Article text.
    #[serde(default, deserialize_with = "null_as_default")]
    pub body: String,
    /// Publication date: `YYYY-MM-DD` or RFC 3339.
    #[serde(default)]
    pub date: Option<String>,
    /// Language; detected when absent.
    #[serde(default)]
    pub lang: Option<Lang>,
    /// Publisher, e.g. `fr.wikinews.org`.
    #[serde(default)]
    pub source: Option<String>,
    /// Section, e.g. `Politique`.
    #[serde(default)]
    pub section: Option<String>,
    /// Free tags.
    #[serde(default, deserialize_with = "null_as_default")]
    pub tags: Vec<String>,
    /// Canonical URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Author name.
    #[serde(default)]
    pub author: Option<String>,
}

fn null_as_default<'de, D, T>(d: D) -> std::result::Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        S(String),
        N(serde_json::Number),
    }
    Ok(match Id::deserialize(d)? {
        Id::S(s) => s,
        Id::N(n) => n.to_string(),
    })
}

/// A validated article, ready to index: language resolved, date parsed.
#[derive(Clone, Debug)]
pub(crate) struct Checked<'a> {
    pub article: &'a Article,
    pub lang: Lang,
    pub date: Option<OffsetDateTime>,
}

impl Article {
    /// Checks the article without indexing it.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArticle`] when the id is empty or longer than [`MAX_ID_BYTES`], when
    /// title and body are both empty, or when the date cannot be parsed or is out of range.
    ///
    /// ```
    /// use depeche::index::Article;
    /// let a = Article { id: "x".into(), ..Default::default() };
    /// assert!(a.validate().unwrap_err().to_string().contains("neither title nor body"));
    /// ```
    pub fn validate(&self) -> Result<()> {
        self.check().map(|_| ())
    }

    /// The language the article is indexed in: `lang`, else detected, else French.
    ///
    /// Detection reads the title, the lead and the first 2,000 bytes of the body, and stops
    /// at the end of a sentence once one language leads decisively (docs/analysis.md).
    ///
    /// ```
    /// use depeche::{index::Article, Lang};
    /// let a = Article { id: "x".into(), lang: Some(Lang::English), ..Default::default() };
    /// assert_eq!(a.language(), Lang::English);
    /// ```
    pub fn language(&self) -> Lang {
        if let Some(lang) = self.lang {
            return lang;
        }
        let mut end = self.body.len().min(2000);
        while !self.body.is_char_boundary(end) {
            end -= 1;
        }
        detect_article_language(&[&self.title, &self.lead, &self.body[..end]])
            .unwrap_or(Lang::French)
    }

    /// The tantivy document [`NewsIndex::add`](super::NewsIndex::add) indexes for this
    /// article in an index of schema `schema`: checked, language detected when absent, each
    /// text in the fields of its language. For custom pipelines and for measuring tantivy's own
    /// work on depeche's schema (`DEPECHE_BENCH_FLOOR=1 cargo bench --bench search`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArticle`] for an article `add` would refuse: no id, neither title nor
    /// body, a date that cannot be parsed.
    ///
    /// ```
    /// use depeche::index::{Article, NewsSchema};
    /// use tantivy::schema::Value;
    /// let schema = NewsSchema::new();
    /// let article = Article { id: "a1".into(), title: "Le vote".into(), ..Default::default() };
    /// let doc = article.to_document(&schema).unwrap();
    /// assert_eq!(doc.get_first(schema.id).and_then(|v| v.as_str()), Some("a1"));
    /// assert!(Article::default().to_document(&schema).is_err());
    /// ```
    pub fn to_document(&self, schema: &NewsSchema) -> Result<TantivyDocument> {
        Ok(self.check()?.to_document(schema))
    }

    pub(crate) fn check(&self) -> Result<Checked<'_>> {
        let invalid = |reason: String| Error::InvalidArticle { id: self.id.clone(), reason };
        if self.id.trim().is_empty() {
            return Err(invalid("missing id".into()));
        }
        if self.id.trim().len() > MAX_ID_BYTES {
            let n = self.id.trim().len();
            return Err(invalid(format!("id of {n} bytes, longer than {MAX_ID_BYTES}")));
        }
        if self.title.trim().is_empty() && self.body.trim().is_empty() {
            return Err(invalid("neither title nor body".into()));
        }
        let date = match self.date.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(d) => Some(parse_date(d).map_err(|e| invalid(e.to_string()))?),
        };
        Ok(Checked { article: self, lang: self.language(), date })
    }
}

/// Parses an article or filter date: `YYYY-MM-DD` (midnight UTC), `YYYY-MM-DDTHH:MM:SS`
/// (UTC) or RFC 3339, between [`MIN_YEAR`] and [`MAX_YEAR`].
///
/// # Errors
///
/// [`Error::InvalidDate`] for any other text.
///
/// ```
/// let d = depeche::index::parse_date("2016-01-01").unwrap();
/// assert_eq!(d.unix_timestamp(), 1_451_606_400);
/// let d = depeche::index::parse_date("2016-01-01T01:00:00+01:00").unwrap();
/// assert_eq!(d.unix_timestamp(), 1_451_606_400);
/// assert!(depeche::index::parse_date("1er janvier").is_err());
/// ```
pub fn parse_date(input: &str) -> Result<OffsetDateTime> {
    let s = input.trim();
    let bad =
        |reason: &str| Error::InvalidDate { input: input.to_string(), reason: reason.to_string() };
    let parsed = if s.len() == 10 {
        Date::parse(s, format_description!("[year]-[month]-[day]"))
            .map(|d| d.midnight().assume_utc())
            .map_err(|_| bad("expected YYYY-MM-DD or an RFC 3339 date-time"))?
    } else if let Ok(dt) = OffsetDateTime::parse(s, &Rfc3339) {
        dt
    } else {
        PrimitiveDateTime::parse(
            s,
            format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
        )
        .or_else(|_| {
            PrimitiveDateTime::parse(
                s,
                format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
            )
        })
        .map(PrimitiveDateTime::assume_utc)
        .map_err(|_| bad("expected YYYY-MM-DD or an RFC 3339 date-time"))?
    };
    if !(MIN_YEAR..=MAX_YEAR).contains(&parsed.year()) {
        return Err(bad(&format!("year outside {MIN_YEAR}..={MAX_YEAR}")));
    }
    Ok(parsed)
}

/// Facet values may hold `/`; tantivy facets take the path steps literally, so keep them, but
/// drop control characters that could not be displayed.
fn facet_step(s: &str) -> String {
    s.trim().chars().filter(|c| !c.is_control()).collect()
}

/// The facet of a field value, e.g. `/source/Le Monde`.
pub(crate) fn facet(root: &str, value: &str) -> Facet {
    Facet::from_path([root, &facet_step(value)])
}

impl Checked<'_> {
    pub(crate) fn to_document(&self, s: &NewsSchema) -> TantivyDocument {
        let a = self.article;
        let lang = self.lang;
        let mut doc = TantivyDocument::default();
        // Stored in this order: the language, the id, the other short fields, the text last,
        // so that a reader of the short fields stops at the text (the versions listed under a
        // hit, `search::collapse`); documents stored before start with the id.
        doc.add_text(s.lang, lang.code());
        doc.add_text(s.id, a.id.trim());
        doc.add_facet(s.facets, facet("lang", lang.code()));
        if !a.title.is_empty() {
            doc.add_text(s.title(lang), &a.title);
            doc.add_text(s.stored_title, &a.title);
        }
        if !a.lead.is_empty() {
            doc.add_text(s.lead(lang), &a.lead);
        }
        if !a.body.is_empty() {
            doc.add_text(s.body(lang), &a.body);
        }
        // One value per text so that tantivy does not copy them into one string; positions are
        // not recorded on `exact`, so no position gap is needed between them.
        for t in [&a.title, &a.lead, &a.body] {
            if !t.is_empty() {
                doc.add_text(s.exact, t);
            }
        }
        if let Some(date) = self.date {
            doc.add_date(s.date, DateTime::from_utc(date));
            doc.add_facet(s.facets, facet("year", &date.year().to_string()));
        }
        if let Some(src) = a.source.as_deref().filter(|v| !v.trim().is_empty()) {
            doc.add_text(s.source, src);
            doc.add_text(s.source_text, src);
            doc.add_facet(s.facets, facet("source", src));
        }
        if let Some(sec) = a.section.as_deref().filter(|v| !v.trim().is_empty()) {
            doc.add_text(s.section, sec);
            doc.add_text(s.section_text, sec);
            doc.add_facet(s.facets, facet("section", sec));
        }
        for tag in a.tags.iter().filter(|t| !t.trim().is_empty()) {
            doc.add_text(s.tags, tag);
            doc.add_text(s.tags_text, tag);
            doc.add_facet(s.facets, facet("tag", tag));
        }
        if let Some(url) = a.url.as_deref().filter(|v| !v.is_empty()) {
            doc.add_text(s.url, url);
        }
        if let Some(author) = a.author.as_deref().filter(|v| !v.is_empty()) {
            doc.add_text(s.author, author);
        }
        if !a.lead.is_empty() {
            doc.add_text(s.stored_lead, &a.lead);
        }
        if !a.body.is_empty() {
            doc.add_text(s.stored_body, &a.body);
        }
        doc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_and_nulls_are_accepted() {
        let a: Article = serde_json::from_str(
            r#"{"id": 12, "title": null, "body": "Texte", "license": "CC", "tags": null}"#,
        )
        .unwrap();
        assert_eq!(a.id, "12");
        assert!(a.validate().is_ok());
    }

    #[test]
    fn dates() {
        assert!(parse_date("2016-02-30").is_err());
        assert!(parse_date("1500-01-01").is_err());
        assert!(parse_date("2016-01-01 10:00:00").is_ok());
        assert!(parse_date("").is_err());
        assert!(parse_date("é").is_err());
    }
}
