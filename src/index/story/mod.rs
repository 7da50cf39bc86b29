//! Stories: near-duplicate signatures at index time, and the story each article joins.
//!
//! A wire dispatch is republished by many outlets with small edits: a tagged or trimmed
//! headline, a rewritten lead, the last paragraph cut, apostrophes and spaces retyped, a
//! byline. Every article of a [`NewsIndex`] belongs to a *story*, a `u64` in its `story` field
//! ([`crate::index::STORY_FIELD`]): an article that is a near-duplicate of an earlier one joins
//! that one's story, any other starts its own. Searches show one hit per story
//! ([`crate::search::SearchRequest::collapse`]).
//!
//! # How an article finds its story
//!
//! 1. **Signature** ([`Signature::of`], pure, no index access): the article's body is cut into
//!    shingles of [`SHINGLE_WORDS`] folded words and sketched by one permutation hashing into
//!    [`SKETCH_BINS`] bins (see `signature.rs` for the choices and what they were measured
//!    against).
//! 2. **Candidates**: [`BAND_KEYS`] band keys (bin values), stored with the sketch; the
//!    articles sharing a key with the new one are its candidates, among the committed
//!    articles (a sorted table of each segment's keys, built from the sketch column the first
//!    time an assignment reads the segment, about 72 bytes per article; a Bloom filter over
//!    the committed keys skips the segments for the keys no article has) *and* among the
//!    articles added since the last commit, which the index keeps in memory. At most
//!    [`MAX_CANDIDATES_PER_KEY`] articles are read per key.
//! 3. **Verification**: the share of the smaller shingle set found in the larger one,
//!    estimated from the two sketches (stored in the fast field `story_sketch`). A candidate
//!    whose 3-sigma interval lies above [`CONTAINMENT_THRESHOLD`] is a near-duplicate; one whose
//!    interval straddles it is checked exactly, from its stored text, at most
//!    [`MAX_EXACT_CHECKS`] per article (the most similar first).
//! 4. **Story**: the most similar near-duplicate's story (the smaller story id on a tie), else a
//!    new story, a hash of the article's id and sketch.
//!
//! Assignment is **sequential**: it runs in [`NewsIndex::add`], at the one place where an
//! article is handed to the writer, under the writer's lock, one article at a time and in
//! article order, so that each article sees all those before it, committed or not. This is
//! what makes adding articles one by one (with a commit after each) give the same stories
//! as a bulk import of the same articles in the same order. A parallel import may compute
//! signatures on worker threads, but must hand articles to the writer in order.
//!
//! Deleting or replacing an article never moves the others: the first version of a story
//! can go, its other versions keep the story id and new versions still find them.
//!
//! # Thresholds, as measured (`docs/stories.md`)
//!
//! On the republication set of `examples/stories_eval.rs`, exact containment of 8-word body
//! shingles keeps 99.8% of version pairs at 0.8 or more and every pair of different stories
//! of the bundled news and of its template series (daily weather, football results, stock
//! market closes, local elections; Tour de France stages, Eurovision semi-finals) at 0.73 or
//! less.
//!
//! ```
//! use depeche::index::{Article, NewsIndex};
//! # fn main() -> depeche::Result<()> {
//! let index = NewsIndex::create_in_ram()?;
//! let body = "Le gouvernement a présenté mercredi en Conseil des ministres sa réforme des \
//!             retraites, qui repousse progressivement l'âge légal de départ à 64 ans d'ici 2030.";
//! index.add(&Article { id: "afp-1".into(), title: "Retraites : la réforme présentée".into(),
//!                      body: body.into(), ..Default::default() })?;
//! index.add(&Article { id: "lp-1".into(), title: "VIDÉO. Retraites : la réforme présentée".into(),
//!                      body: body.replace('\'', "’"), ..Default::default() })?;
//! index.commit()?;
//! assert_eq!(index.story_of("afp-1")?, index.story_of("lp-1")?);
//! # Ok(())
//! # }
//! ```

mod assign;
mod bands;
mod filter;
mod signature;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{TantivyDocument, Term};

use assign::Stories;
#[doc(hidden)]
pub use signature::{exact_containment, shingle_set, Sketch};
pub use signature::{
    Signature, StoryText, BAND_KEYS, MAX_WORDS, MIN_BODY_SHINGLES, MIN_SHINGLES, SHINGLE_WORDS,
    SKETCH_BINS, SKETCH_VALUES,
};

use super::{Article, NewsIndex, STORY_FIELD};
use crate::Result;

/// An article joins the story of an earlier article that holds at least this share of the
/// shingles of the smaller of the two bodies.
pub const CONTAINMENT_THRESHOLD: f32 = 0.8;
/// Candidates read per band key: a key shared by more articles (boilerplate, a template
/// series) yields its first ones only.
pub const MAX_CANDIDATES_PER_KEY: usize = 16;
/// Candidates checked exactly (from their stored text) per article, when the sketch leaves
/// the answer open.
pub const MAX_EXACT_CHECKS: usize = 2;

/// Counters of the story assignment since the index was opened.
///
/// ```
/// let index = depeche::NewsIndex::create_in_ram().unwrap();
/// assert_eq!(index.story_stats().articles, 0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StoryStats {
    /// Articles assigned.
    pub articles: u64,
    /// Of which had a signature (enough text).
    pub signed: u64,
    /// Of which joined an earlier story.
    pub joined: u64,
    /// Candidates compared by sketch.
    pub candidates: u64,
    /// Band keys looked up in the committed segments (those the filter may hold).
    pub key_lookups: u64,
    /// Candidates checked exactly from their text.
    pub exact_checks: u64,
    /// Times the filter of committed keys was built.
    pub filter_builds: u64,
    /// Bytes of the filter of committed keys.
    pub filter_bytes: usize,
    /// Band key tables built (one per committed segment an assignment reads, once per
    /// segment).
    pub table_builds: u64,
    /// Bytes of the band key tables held.
    pub table_bytes: usize,
}

/// The story state of a [`NewsIndex`].
pub(crate) struct StoryIndex {
    enabled: AtomicBool,
    state: Mutex<Stories>,
}

impl StoryIndex {
    pub(crate) fn new() -> StoryIndex {
        StoryIndex { enabled: AtomicBool::new(true), state: Mutex::new(Stories::new()) }
    }

    fn lock(&self) -> MutexGuard<'_, Stories> {
        // A panic mid-assignment leaves at worst a pending article recorded twice.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The writes since the last commit are being committed, under the writer's lock: the
    /// next article assigned sees them through the reloaded reader.
    pub(crate) fn committed(&self) {
        self.lock().committed();
    }

    /// The writes since the last commit were dropped.
    pub(crate) fn reset(&self) {
        self.lock().reset();
    }

    /// Article `id` was deleted.
    pub(crate) fn deleted(&self, id: &str) {
        self.lock().forget(id);
    }
}

fn text(article: &Article) -> StoryText<'_> {
    StoryText { title: &article.title, lead: &article.lead, body: &article.body }
}

impl NewsIndex {
    /// The signature of `article` for story assignment, `None` when story detection is off
    /// or the article is too short. Pure: may run on any thread, before
    /// [`NewsIndex::assign_story`].
    pub(crate) fn story_signature(&self, article: &Article) -> Option<Signature> {
        if !self.stories.enabled.load(Ordering::Relaxed) {
            return None;
        }
        Signature::of(text(article))
    }

    /// Gives `doc` (the document of the article `id`) its story and its signature fields.
    ///
    /// **Must stay sequential**: called from the one place where an article is handed to the
    /// writer, under the writer's lock, in article order (see the module docs).
    pub(crate) fn assign_story(
        &self,
        id: &str,
        signature: Option<Signature>,
        doc: &mut TantivyDocument,
    ) -> Result<()> {
        let s = self.schema();
        let assigned =
            self.stories.lock().assign(&self.reader, s, id.trim(), signature.as_ref())?;
        doc.add_u64(s.story, assigned.story);
        if let Some(signature) = &signature {
            for value in signature.to_values(assigned.id_hash as u32) {
                doc.add_u64(s.story_sketch, value);
            }
        }
        Ok(())
    }

    /// Turns story detection on (the default) or off for the articles added from now on.
    /// Off, an article gets no signature and is its own story: for an archive known to hold
    /// no republications, or to measure what detection costs. Articles already indexed keep
    /// their stories.
    ///
    /// ```
    /// use depeche::index::{Article, NewsIndex};
    /// let index = NewsIndex::create_in_ram().unwrap();
    /// index.set_story_detection(false);
    /// let body = "Un texte assez long pour avoir une signature, repris tel quel par un autre \
    ///             journal le lendemain matin sans aucune modification de fond.";
    /// for id in ["a", "b"] {
    ///     index.add(&Article { id: id.into(), body: body.into(), ..Default::default() }).unwrap();
    /// }
    /// index.commit().unwrap();
    /// assert_ne!(index.story_of("a").unwrap(), index.story_of("b").unwrap());
    /// ```
    pub fn set_story_detection(&self, on: bool) {
        self.stories.enabled.store(on, Ordering::Relaxed);
    }

    /// Counters of story assignment since the index was opened.
    pub fn story_stats(&self) -> StoryStats {
        self.stories.lock().stats
    }

    /// The story of the committed article `id`, `None` when there is no such article.
    ///
    /// # Errors
    ///
    /// tantivy errors reading the index.
    ///
    /// ```
    /// let index = depeche::NewsIndex::create_in_ram().unwrap();
    /// assert_eq!(index.story_of("absent").unwrap(), None);
    /// ```
    pub fn story_of(&self, id: &str) -> Result<Option<u64>> {
        let searcher = self.searcher();
        let query = TermQuery::new(
            Term::from_field_text(self.schema().id, id.trim()),
            IndexRecordOption::Basic,
        );
        let Some((_, addr)) =
            searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?.pop()
        else {
            return Ok(None);
        };
        let column = searcher.segment_reader(addr.segment_ord).fast_fields().u64(STORY_FIELD)?;
        Ok(column.first(addr.doc_id))
    }
}

/// The story column of a segment, for readers of the index (collapsing).
pub(crate) fn story_column(
    segment: &tantivy::SegmentReader,
) -> tantivy::Result<tantivy::columnar::Column<u64>> {
    segment.fast_fields().u64(STORY_FIELD)
}
