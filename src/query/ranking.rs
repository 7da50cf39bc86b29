//! The ranking knobs: field weights, BM25F parameters, stop-word and tier rules.
//!
//! Every knob is public and serializable, so that an application can tune it per request
//! ([`crate::search::SearchRequest::ranking`]) and `examples/relevance.rs --ablation` can
//! measure what each one brings. The defaults are the measured best (see the README's
//! Relevance section).
//!
//! ```
//! use depeche::query::{FieldScoring, Ranking};
//! let mut ranking = Ranking::default();
//! assert_eq!(ranking.fields, FieldScoring::Bm25f);
//! ranking.boosts.title = 3.0; // headlines count even more
//! let json = serde_json::to_string(&ranking).unwrap();
//! assert_eq!(serde_json::from_str::<Ranking>(&json).unwrap(), ranking);
//! ```

use serde::{Deserialize, Serialize};

/// Field and match-kind weights.
///
/// With [`FieldScoring::Bm25f`] the field weights multiply the term frequency of each field
/// before the one saturation; with [`FieldScoring::BestField`] they multiply each field's BM25.
/// The other weights multiply the score of their own clause.
///
/// ```
/// let boosts = depeche::query::Boosts::default();
/// assert!(boosts.title > boosts.body);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Boosts {
    /// Stemmed title fields.
    pub title: f32,
    /// Stemmed lead fields.
    pub lead: f32,
    /// Stemmed body fields.
    pub body: f32,
    /// The exact-form field, added on top of the stemmed match (0: off).
    pub exact: f32,
    /// Proximity of the query words (a sloppy phrase of all of them; 0: off).
    pub proximity: f32,
    /// Constant score of a typo-tolerant match.
    pub fuzzy: f32,
    /// Constant score of a prefix match.
    pub prefix: f32,
    /// With [`FieldScoring::BestField`] only: score = best field + `tie` × the others.
    pub tie: f32,
    /// A match through an entity alias or a user synonym ([`crate::query::Thesaurus`])
    /// scores this share of what the same match of the typed word would (0: no expansion).
    pub alias: f32,
}

impl Default for Boosts {
    fn default() -> Self {
        Boosts {
            title: 2.0,
            lead: 1.5,
            body: 1.0,
            exact: 0.5,
            proximity: 1.0,
            fuzzy: 0.3,
            prefix: 1.0,
            tie: 0.2,
            alias: 0.9,
        }
    }
}

/// How a word's matches in the title, lead and body of an article combine.
///
/// ```
/// use depeche::query::FieldScoring;
/// assert_eq!(FieldScoring::default(), FieldScoring::Bm25f);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldScoring {
    /// One BM25F score per word: weighted, length-normalised field frequencies under one
    /// saturation and one idf ([`crate::query::Bm25fQuery`]).
    #[default]
    Bm25f,
    /// One BM25 score per field, weighted; the best field plus [`Boosts::tie`] × the others.
    BestField,
}

/// Everything that orders relevance-sorted hits.
///
/// ```
/// use depeche::query::Ranking;
/// let r = Ranking::default();
/// assert!(r.drop_stop_words && r.drop_question_words && !r.all_words_first);
/// assert!(!r.proximity_pairs);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Ranking {
    /// Field and match-kind weights.
    pub boosts: Boosts,
    /// How field matches combine.
    pub fields: FieldScoring,
    /// BM25 term-frequency saturation.
    pub k1: f32,
    /// BM25 length normalisation (0: none, 1: full), for every field.
    pub b: f32,
    /// Drop the stop words of the query's language from bag-of-words queries (unless the
    /// query has nothing else). They stay in phrases.
    pub drop_stop_words: bool,
    /// Drop interrogative words (`combien`, `comment`, `pourquoi`…, see
    /// [`crate::analysis::is_question_word`]) the same way, so that a question finds what a
    /// keyword query finds.
    pub drop_question_words: bool,
    /// Rank every article matching all the positive clauses above those matching only some,
    /// whatever the length of the query. Off by default: with natural-language questions, one
    /// missing word would bury the best answer below weak matches of every word.
    pub all_words_first: bool,
    /// Rank articles matching all the positive clauses first in queries of at most this many
    /// positive clauses (stop words dropped): a reader who types `transformation numerique`
    /// wants both words first; longer queries and questions are ranked by score alone, where
    /// BM25F and the proximity boost already favour articles with every word. Default 2; 0:
    /// never. Measured on the PIAF questions (README): 2 → 0.762 MRR@10, 3 → 0.759, every
    /// query → 0.757, never → 0.763.
    pub all_words_first_up_to: usize,
    /// The proximity boost ([`Boosts::proximity`]) scores each pair of consecutive query
    /// words found close together (within [`crate::query::PROXIMITY_SLOP`] positions), rather
    /// than only all the words close together, which long questions rarely are.
    pub proximity_pairs: bool,
}

impl Default for Ranking {
    fn default() -> Self {
        Ranking {
            boosts: Boosts::default(),
            fields: FieldScoring::Bm25f,
            k1: 1.2,
            b: 0.75,
            drop_stop_words: true,
            drop_question_words: true,
            all_words_first: false,
            all_words_first_up_to: 2,
            proximity_pairs: false,
        }
    }
}

impl Ranking {
    /// The knobs made safe to score with: a weight that is negative or not finite becomes 0
    /// (weights above 1,000 become 1,000), `k1` outside 0..=100 or not finite its default,
    /// `b` is clamped to 0..=1 (its default when not finite). The search applies this to
    /// every request, so no setting can make scores NaN or negative.
    ///
    /// ```
    /// use depeche::query::Ranking;
    /// let mut r = Ranking::default();
    /// r.k1 = f32::NAN;
    /// r.b = 2.0;
    /// r.boosts.title = -1.0;
    /// let s = r.sanitized();
    /// assert_eq!((s.k1, s.b, s.boosts.title), (Ranking::default().k1, 1.0, 0.0));
    /// ```
    #[must_use]
    pub fn sanitized(&self) -> Ranking {
        let d = Ranking::default();
        let weight = |w: f32| if w.is_finite() { w.clamp(0.0, 1_000.0) } else { 0.0 };
        let b = &self.boosts;
        Ranking {
            boosts: Boosts {
                title: weight(b.title),
                lead: weight(b.lead),
                body: weight(b.body),
                exact: weight(b.exact),
                proximity: weight(b.proximity),
                fuzzy: weight(b.fuzzy),
                prefix: weight(b.prefix),
                tie: weight(b.tie),
                alias: weight(b.alias).min(1.0),
            },
            k1: if self.k1.is_finite() && (0.0..=100.0).contains(&self.k1) {
                self.k1
            } else {
                d.k1
            },
            b: if self.b.is_finite() { self.b.clamp(0.0, 1.0) } else { d.b },
            ..self.clone()
        }
    }

    /// The default ranking with one lever changed at a time, named: what
    /// `examples/relevance.rs --ablation` measures.
    ///
    /// ```
    /// let variants = depeche::query::Ranking::ablations();
    /// assert!(variants.iter().all(|(_, r)| *r != depeche::query::Ranking::default()));
    /// ```
    pub fn ablations() -> Vec<(&'static str, Ranking)> {
        let d = Ranking::default;
        let with = |f: &dyn Fn(&mut Ranking)| {
            let mut r = d();
            f(&mut r);
            r
        };
        vec![
            (
                "first version: best field, title 3, tiers, question words kept",
                with(&|r| {
                    r.fields = FieldScoring::BestField;
                    r.boosts.title = 3.0;
                    r.all_words_first = true;
                    r.drop_question_words = false;
                }),
            ),
            (
                "fields: best field + 0.2 x others (not BM25F)",
                with(&|r| r.fields = FieldScoring::BestField),
            ),
            ("all words first (tiers) for every query", with(&|r| r.all_words_first = true)),
            ("no tiers, even for two-word queries", with(&|r| r.all_words_first_up_to = 0)),
            ("tiers for queries of up to 3 words", with(&|r| r.all_words_first_up_to = 3)),
            ("stop words kept", with(&|r| r.drop_stop_words = false)),
            ("question words kept", with(&|r| r.drop_question_words = false)),
            ("proximity boost off", with(&|r| r.boosts.proximity = 0.0)),
            ("proximity of word pairs", with(&|r| r.proximity_pairs = true)),
            ("exact-form boost 1", with(&|r| r.boosts.exact = 1.0)),
            ("exact-form boost off", with(&|r| r.boosts.exact = 0.0)),
            ("title weight 1 (same as body)", with(&|r| r.boosts.title = 1.0)),
            ("title weight 3", with(&|r| r.boosts.title = 3.0)),
            ("k1 0.9", with(&|r| r.k1 = 0.9)),
            ("k1 2", with(&|r| r.k1 = 2.0)),
            ("b 0.5", with(&|r| r.b = 0.5)),
            ("b 0.9", with(&|r| r.b = 0.9)),
        ]
    }
}
