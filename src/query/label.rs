//! A query that names what its score is for, in explanations: "exact-form boost",
//! "proximity boost"… The scores pass through unchanged.
//!
//! Its explanation first checks, with a fresh scorer moved only forward, that the document
//! matches: tantivy 0.27's `PhraseWeight::explain` seeks a fresh phrase scorer to the document
//! and asserts that this never goes backwards, which fails for a document before the phrase's
//! first match, and its `BooleanWeight::explain` and `AutomatonWeight::explain` seek the same
//! way. Every boolean, phrase and typo/prefix query the builder makes is wrapped (unlabelled:
//! [`Labelled::guard`]) for that reason.

use std::borrow::Cow;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term};

/// `inner`, explained under `label`.
///
/// ```
/// use depeche::query::Labelled;
/// let q = Labelled::new("proximity boost", Box::new(tantivy::query::AllQuery));
/// assert_eq!(q.label(), "proximity boost");
/// ```
#[derive(Debug)]
pub struct Labelled {
    label: Option<Cow<'static, str>>,
    inner: Box<dyn Query>,
}

impl Labelled {
    /// Wraps `inner`.
    pub fn new(label: &'static str, inner: Box<dyn Query>) -> Labelled {
        Labelled { label: Some(Cow::Borrowed(label)), inner }
    }

    /// Wraps `inner` under a label made at query time (`alias «NATO» of «OTAN»`).
    ///
    /// ```
    /// use depeche::query::Labelled;
    /// let q = Labelled::named(format!("alias «{}»", "NATO"), Box::new(tantivy::query::AllQuery));
    /// assert_eq!(q.label(), "alias «NATO»");
    /// ```
    pub fn named(label: String, inner: Box<dyn Query>) -> Labelled {
        Labelled { label: Some(Cow::Owned(label)), inner }
    }

    /// Wraps `inner` without a label: its explanation is `inner`'s, only made safe to ask for
    /// a document that does not match.
    ///
    /// ```
    /// let q = depeche::query::Labelled::guard(Box::new(tantivy::query::AllQuery));
    /// assert_eq!(q.label(), "");
    /// ```
    pub fn guard(inner: Box<dyn Query>) -> Labelled {
        Labelled { label: None, inner }
    }

    /// The label (empty for a guard).
    pub fn label(&self) -> &str {
        self.label.as_deref().unwrap_or("")
    }
}

impl Clone for Labelled {
    fn clone(&self) -> Self {
        Labelled { label: self.label.clone(), inner: self.inner.box_clone() }
    }
}

impl Query for Labelled {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = super::prune::weight_of(self.inner.as_ref(), scoring)?;
        Ok(Box::new(LabelledWeight { label: self.label.clone(), inner }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct LabelledWeight {
    label: Option<Cow<'static, str>>,
    inner: Box<dyn Weight>,
}

impl Weight for LabelledWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.inner.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.inner.scorer(reader, 1.0)?;
        if scorer.doc() > doc || scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document #{doc} does not match the {}",
                self.label.as_deref().unwrap_or("clause")
            )));
        }
        let inner = self.inner.explain(reader, doc)?;
        let Some(label) = &self.label else {
            return Ok(inner);
        };
        let mut e = Explanation::new_with_string(label.to_string(), inner.value());
        e.add_detail(inner);
        Ok(e)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.inner.count(reader)
    }
}
