//! The tantivy schema of a news index, as a struct of field handles.

use tantivy::schema::{
    DateOptions, DateTimePrecision, FacetOptions, Field, IndexRecordOption, NumericOptions, Schema,
    TextFieldIndexing, TextOptions, FAST, STORED, STRING,
};

use crate::analysis::{Lang, ENGLISH_INDEXING_ANALYZER, EXACT_ANALYZER, FRENCH_INDEXING_ANALYZER};

/// Name of the date fast field (seconds precision).
pub const DATE_FIELD: &str = "date";
/// Name of the facet field: `/source/…`, `/section/…`, `/lang/…`, `/year/…`, `/tag/…`.
pub const FACET_FIELD: &str = "facets";
/// Name of the story field (u64, indexed and fast): the story of the article
/// ([`crate::index::story`]).
pub const STORY_FIELD: &str = "story";
/// Name of the sketch field (multi-valued u64, fast): the near-duplicate sketch.
pub const STORY_SKETCH_FIELD: &str = "story_sketch";

/// The fields of a news index.
///
/// The schema is lean on purpose, because every indexed term costs indexing time:
///
/// - an article's title, lead and body go only into the fields of its language
///   (`title_fr`, `lead_fr`, `body_fr` or the `_en` ones), stemmed, with positions for phrases,
///   by the [`indexing_analyzer`](crate::analysis::indexing_analyzer) (words written with a
///   capital also get a `^form` term, for case-checked phrases);
/// - `exact` holds title + lead + body once more, folded but unstemmed, with document ids only
///   (no frequencies, no positions):
///   it serves exact-form boosting, prefix (`numéri*`) and typo-tolerant matching;
/// - `source_text`, `section_text`, `tags_text` are the small folded fields behind `source:`,
///   `section:` and `tag:`;
/// - `date` is indexed and fast; `facets` holds source, section, lang, year and tags;
/// - the original texts are stored, unindexed, for display and snippets;
/// - `story` (indexed, fast) holds the article's story and `story_sketch` (fast) its
///   near-duplicate sketch and lookup keys ([`crate::index::story`]).
///
/// ```
/// let schema = depeche::index::NewsSchema::new();
/// assert_eq!(schema.schema().get_field("title_fr").unwrap(), schema.title(depeche::Lang::French));
/// ```
#[derive(Clone, Debug)]
pub struct NewsSchema {
    schema: Schema,
    /// Article id, raw (untokenized), stored: the upsert/delete key.
    pub id: Field,
    title_fr: Field,
    title_en: Field,
    lead_fr: Field,
    lead_en: Field,
    body_fr: Field,
    body_en: Field,
    /// Folded, unstemmed title + lead + body (document ids only).
    pub exact: Field,
    /// Folded source name, for `source:`.
    pub source_text: Field,
    /// Folded section name, for `section:`.
    pub section_text: Field,
    /// Folded tags, for `tag:`.
    pub tags_text: Field,
    /// Publication date: indexed, fast, stored.
    pub date: Field,
    /// Hierarchical facets: `/source/…`, `/section/…`, `/lang/…`, `/year/…`, `/tag/…`.
    pub facets: Field,
    /// Stored original title.
    pub stored_title: Field,
    /// Stored original lead.
    pub stored_lead: Field,
    /// Stored original body.
    pub stored_body: Field,
    /// Stored URL.
    pub url: Field,
    /// Stored source.
    pub source: Field,
    /// Stored section.
    pub section: Field,
    /// Stored tags (one value per tag).
    pub tags: Field,
    /// Stored author.
    pub author: Field,
    /// Stored language code (`fr`/`en`).
    pub lang: Field,
    /// The article's story (u64): indexed (its versions in one term) and fast (collapsing).
    pub story: Field,
    /// Near-duplicate sketch (multi-valued u64, fast).
    pub story_sketch: Field,
}

impl Default for NewsSchema {
    fn default() -> Self {
        NewsSchema::new()
    }
}

fn text(analyzer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(analyzer).set_index_option(record),
    )
}

const POSITIONS: IndexRecordOption = IndexRecordOption::WithFreqsAndPositions;

impl NewsSchema {
    /// Builds the schema.
    ///
    /// ```
    /// let schema = depeche::index::NewsSchema::new();
    /// assert!(schema.schema().get_field("exact").is_ok());
    /// ```
    pub fn new() -> NewsSchema {
        let mut b = Schema::builder();
        let id = b.add_text_field("id", STRING | STORED);
        let title_fr = b.add_text_field("title_fr", text(FRENCH_INDEXING_ANALYZER, POSITIONS));
        let title_en = b.add_text_field("title_en", text(ENGLISH_INDEXING_ANALYZER, POSITIONS));
        let lead_fr = b.add_text_field("lead_fr", text(FRENCH_INDEXING_ANALYZER, POSITIONS));
        let lead_en = b.add_text_field("lead_en", text(ENGLISH_INDEXING_ANALYZER, POSITIONS));
        let body_fr = b.add_text_field("body_fr", text(FRENCH_INDEXING_ANALYZER, POSITIONS));
        let body_en = b.add_text_field("body_en", text(ENGLISH_INDEXING_ANALYZER, POSITIONS));
        let exact = b.add_text_field("exact", text(EXACT_ANALYZER, IndexRecordOption::Basic));
        let source_text = b.add_text_field("source_text", text(EXACT_ANALYZER, POSITIONS));
        let section_text = b.add_text_field("section_text", text(EXACT_ANALYZER, POSITIONS));
        let tags_text = b.add_text_field("tags_text", text(EXACT_ANALYZER, POSITIONS));
        let date = b.add_date_field(
            DATE_FIELD,
            DateOptions::default()
                .set_indexed()
                .set_fast()
                .set_stored()
                .set_precision(DateTimePrecision::Seconds),
        );
        let facets = b.add_facet_field(FACET_FIELD, FacetOptions::default());
        let stored_title = b.add_text_field("title", STORED);
        let stored_lead = b.add_text_field("lead", STORED);
        let stored_body = b.add_text_field("body", STORED);
        let url = b.add_text_field("url", STORED);
        let source = b.add_text_field("source", STORED);
        let section = b.add_text_field("section", STORED);
        let tags = b.add_text_field("tags", STORED);
        let author = b.add_text_field("author", STORED);
        let lang = b.add_text_field("lang", STORED);
        let story = b.add_u64_field(STORY_FIELD, NumericOptions::default().set_indexed() | FAST);
        let story_sketch = b.add_u64_field(STORY_SKETCH_FIELD, FAST);
        NewsSchema {
            schema: b.build(),
            id,
            title_fr,
            title_en,
            lead_fr,
            lead_en,
            body_fr,
            body_en,
            exact,
            source_text,
            section_text,
            tags_text,
            date,
            facets,
            stored_title,
            stored_lead,
            stored_body,
            url,
            source,
            section,
            tags,
            author,
            lang,
            story,
            story_sketch,
        }
    }

    /// The tantivy schema.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The stemmed title field of `lang`.
    pub fn title(&self, lang: Lang) -> Field {
        match lang {
            Lang::French => self.title_fr,
            Lang::English => self.title_en,
        }
    }

    /// The stemmed lead field of `lang`.
    pub fn lead(&self, lang: Lang) -> Field {
        match lang {
            Lang::French => self.lead_fr,
            Lang::English => self.lead_en,
        }
    }

    /// The stemmed body field of `lang`.
    pub fn body(&self, lang: Lang) -> Field {
        match lang {
            Lang::French => self.body_fr,
            Lang::English => self.body_en,
        }
    }
}
