//! Why a hit scores what it scores: the query's score tree, the tier and the recency factor.

use std::fmt;

use serde::Serialize;

/// One node of a score tree: what it is, its value, its parts.
///
/// ```
/// use depeche::search::ScoreNode;
/// let node = ScoreNode { description: "BM25F «elect»".into(), value: 2.5, details: vec![] };
/// assert_eq!(node.to_string(), "2.500  BM25F «elect»\n");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScoreNode {
    /// What this part is ("BM25F «elect»", "exact-form boost", "title_fr: tf 1 …").
    pub description: String,
    /// Its value.
    pub value: f32,
    /// The parts it is made of.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ScoreNode>,
}

impl ScoreNode {
    /// Converts tantivy's explanation (only its serialized form is public).
    pub(crate) fn from_tantivy(e: &tantivy::query::Explanation) -> ScoreNode {
        match serde_json::to_value(e) {
            Ok(v) => ScoreNode::from_json(&v),
            Err(err) => ScoreNode {
                description: format!("(explanation unavailable: {err})"),
                value: e.value(),
                details: Vec::new(),
            },
        }
    }

    fn from_json(v: &serde_json::Value) -> ScoreNode {
        let mut description = v["description"].as_str().unwrap_or_default().to_string();
        if let Some(ctx) = v["context"].as_array() {
            for c in ctx.iter().filter_map(|c| c.as_str()) {
                description.push_str(" [");
                description.push_str(c);
                description.push(']');
            }
        }
        ScoreNode {
            description,
            value: v["value"].as_f64().unwrap_or(0.0) as f32,
            details: v["details"]
                .as_array()
                .map(|d| d.iter().map(ScoreNode::from_json).collect())
                .unwrap_or_default(),
        }
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, depth: usize) -> fmt::Result {
        writeln!(f, "{:indent$}{:.3}  {}", "", self.value, self.description, indent = depth * 2)?;
        for d in &self.details {
            d.write(f, depth + 1)?;
        }
        Ok(())
    }
}

impl fmt::Display for ScoreNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, 0)
    }
}

/// The explanation of a hit's score ([`crate::search::SearchRequest::explain`]).
///
/// `score` = `query.value` × `recency`; when the query has an all-words tier (see
/// [`crate::query::Ranking::all_words_first_up_to`]), the
/// tier sorts before the score.
///
/// ```
/// use depeche::{index::{Article, NewsIndex}, search::SearchRequest};
/// # fn main() -> depeche::Result<()> {
/// let index = NewsIndex::create_in_ram()?;
/// index.add(&Article { id: "1".into(), title: "Élections régionales".into(), ..Default::default() })?;
/// index.commit()?;
/// let response = index.search(&SearchRequest::new("elections").explain(true))?;
/// let explanation = response.hits[0].explanation.as_ref().unwrap();
/// assert!(explanation.to_string().contains("title_fr"));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explanation {
    /// The hit's score.
    pub score: f32,
    /// The query's score tree: BM25F per word (with its fields, idf and saturation), phrases,
    /// the exact-form, proximity and typo boosts.
    pub query: ScoreNode,
    /// Whether the article matches every positive clause, when the ranking uses tiers.
    pub all_words: Option<bool>,
    /// The recency factor, when the request has a half-life.
    pub recency: Option<f32>,
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "score {:.3}", self.score)?;
        if let Some(r) = self.recency {
            write!(f, " = query {:.3} × recency {r:.3}", self.query.value)?;
        }
        if let Some(all) = self.all_words {
            write!(f, "; tier: {}", if all { "all words" } else { "some words" })?;
        }
        writeln!(f)?;
        self.query.fmt(f)
    }
}
