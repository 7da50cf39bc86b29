//! What one query may cost: [`QueryLimits`], checked before a query reaches tantivy.
//!
//! A search box faces the public, and tantivy bounds nothing on its own: not the nesting of
//! groups, not the number of clauses, not the number of terms a prefix or a typo-tolerant
//! word expands to, not the time a search takes. depeche's parser never recurses deeper than
//! 32 groups whatever it is given, but a query can still ask for a lot of work: thousands of
//! words, a prefix that matches half the dictionary, hundreds of typo-tolerant words.
//!
//! A refusal is [`crate::Error::QueryRefused`], whose message says which limit was passed and
//! by how much. Everything a reader normally types — unbalanced quotes and parentheses,
//! dangling operators, odd characters, unknown fields, bad dates — is still repaired by the
//! parser, never refused: only inputs past a limit are.
//!
//! ```
//! use depeche::query::{parse_limited, Limit, QueryLimits};
//! use depeche::Error;
//!
//! let limits = QueryLimits::default();
//! assert!(parse_limited("(réforme OR loi) \"retraites", &limits).is_ok());
//! let deep = "(".repeat(100_000);
//! match parse_limited(&deep, &limits) {
//!     Err(Error::QueryRefused { limit: Limit::Length, .. }) => {}
//!     other => panic!("{other:?}"),
//! }
//! ```

use std::time::Duration;

use super::ast::{Node, ParsedQuery, WordKind};
use super::parse::{is_quote, parse};
use crate::{Error, Result};

/// Bounds on the work one query may ask for.
///
/// | limit | default | past it |
/// |---|---|---|
/// | [`max_query_bytes`](QueryLimits::max_query_bytes) | 2,048 bytes | refused |
/// | [`max_depth`](QueryLimits::max_depth) | 16 nested groups | refused |
/// | [`max_clauses`](QueryLimits::max_clauses) | 32 | refused |
/// | [`max_phrase_words`](QueryLimits::max_phrase_words) | 16 | refused; a word of more pieces (a URL) is searched by its first 16 |
/// | [`max_expanding_words`](QueryLimits::max_expanding_words) | 16 | refused (`word*`, `word~`); automatic typo tolerance stops |
/// | [`max_expansions`](QueryLimits::max_expansions) | 128 terms | the most frequent 128 are kept, fewer if their postings pass 4 per document |
/// | [`time_budget`](QueryLimits::time_budget) | 100 ms | refused, no partial result |
///
/// A refusal is [`crate::Error::QueryRefused`], whose message names the limit and the
/// figures. What a reader normally types (unbalanced quotes and parentheses, dangling
/// operators, odd characters, unknown fields, bad dates) is repaired by [`crate::query::parse`],
/// never refused: only inputs past a limit are.
///
/// Set them on a request with [`crate::SearchRequest::limits`]. They are not part of the
/// request's JSON form: a request read from JSON always gets the defaults, so a client cannot
/// raise them.
///
/// ```
/// use std::time::Duration;
/// use depeche::query::QueryLimits;
/// use depeche::SearchRequest;
///
/// let limits = QueryLimits { max_clauses: 16, time_budget: Duration::from_millis(50), ..Default::default() };
/// let req = SearchRequest::new("transformation numérique").limits(limits);
/// assert_eq!(req.limits.max_clauses, 16);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryLimits {
    /// Longest query, in bytes of UTF-8 (default 2,048). Checked first, before anything is
    /// read.
    pub max_query_bytes: usize,
    /// Deepest nesting of parenthesised groups (default 16). The parser itself never nests
    /// deeper than 32, whatever this is set to.
    pub max_depth: usize,
    /// Most clauses (default 32): every word, phrase, date range and `lang:` filter, and every
    /// group and `OR`, at any depth.
    pub max_clauses: usize,
    /// Most words in one quoted phrase (default 16); past it the query is refused. Each run of
    /// letters or digits counts as a word, so `l'État` counts two. A single word made of more
    /// pieces (a pasted URL, `a-b-c-…`) is not refused: it is searched by its first
    /// `max_phrase_words` pieces.
    pub max_phrase_words: usize,
    /// Most prefix (`numéri*`) and typo-tolerant (`word~`) words in a query (default 16).
    /// Past it the query is refused. Automatic typo tolerance on long rare words (see
    /// [`crate::query::AUTO_FUZZY_MIN_LEN`]) counts too, but is not refused: once the count
    /// is reached, further long words are searched without it.
    pub max_expanding_words: usize,
    /// Most index terms one prefix or typo-tolerant word expands to, in each index segment
    /// (default 128): the most frequent ones are kept. At most 64 times as many matching
    /// terms are looked at to choose them, and terms stop being added, most frequent first,
    /// once their postings add up to [`crate::query::POSTINGS_PER_DOC`] per document.
    pub max_expansions: usize,
    /// Longest a search may take, from the request to the ranked hits (default 100 ms, twenty
    /// times the slowest ordinary query on 100,000 articles). A
    /// search that would run longer is stopped and refused with [`Limit::TimeBudget`]:
    /// depeche never returns a partial result as if it were complete. [`Duration::MAX`]
    /// turns it off.
    pub time_budget: Duration,
}

impl Default for QueryLimits {
    fn default() -> Self {
        QueryLimits {
            max_query_bytes: 2_048,
            max_depth: 16,
            max_clauses: 32,
            max_phrase_words: 16,
            max_expanding_words: 16,
            max_expansions: 128,
            time_budget: Duration::from_millis(100),
        }
    }
}

impl QueryLimits {
    /// No limit at all, for trusted input (batch jobs, tests). The parser still never nests
    /// deeper than 32 groups.
    ///
    /// ```
    /// use depeche::query::{parse_limited, QueryLimits};
    /// let long = "mot ".repeat(10_000);
    /// assert!(parse_limited(&long, &QueryLimits::unlimited()).is_ok());
    /// ```
    pub fn unlimited() -> QueryLimits {
        QueryLimits {
            max_query_bytes: usize::MAX,
            max_depth: usize::MAX,
            max_clauses: usize::MAX,
            max_phrase_words: usize::MAX,
            max_expanding_words: usize::MAX,
            max_expansions: usize::MAX,
            time_budget: Duration::MAX,
        }
    }

    /// Checks the raw text: its length, then its nesting depth (one pass, no recursion, so
    /// that 100,000 `(` cost microseconds).
    ///
    /// # Errors
    ///
    /// [`Error::QueryRefused`] with [`Limit::Length`] or [`Limit::Depth`].
    ///
    /// ```
    /// use depeche::query::QueryLimits;
    /// let limits = QueryLimits::default();
    /// assert!(limits.check_text("((a OR b) c)").is_ok());
    /// assert!(limits.check_text(&"(".repeat(17)).is_err());
    /// assert!(limits.check_text(&"\"(".repeat(17)).is_ok()); // inside quotes: text
    /// ```
    pub fn check_text(&self, text: &str) -> Result<()> {
        if text.len() > self.max_query_bytes {
            return Err(refused(
                Limit::Length,
                format!(
                    "the query is {} bytes long, more than the {} allowed",
                    text.len(),
                    self.max_query_bytes
                ),
            ));
        }
        let depth = nesting_depth(text, self.max_depth);
        if depth > self.max_depth {
            return Err(refused(
                Limit::Depth,
                format!(
                    "the query nests parentheses more than {} deep, the most allowed",
                    self.max_depth
                ),
            ));
        }
        Ok(())
    }

    /// Checks a parsed query: clauses, words per phrase, prefix and typo-tolerant words.
    ///
    /// # Errors
    ///
    /// [`Error::QueryRefused`] with [`Limit::Clauses`], [`Limit::PhraseWords`] or
    /// [`Limit::ExpandingWords`].
    ///
    /// ```
    /// use depeche::query::{parse, QueryLimits};
    /// let limits = QueryLimits::default();
    /// assert!(limits.check_parsed(&parse("numéri* gouvernemant~")).is_ok());
    /// assert!(limits.check_parsed(&parse(&"mot~ ".repeat(200))).is_err());
    /// ```
    pub fn check_parsed(&self, parsed: &ParsedQuery) -> Result<()> {
        let mut count = Counts::default();
        for c in &parsed.clauses {
            count.node(&c.node);
        }
        if count.clauses > self.max_clauses {
            return Err(refused(
                Limit::Clauses,
                format!(
                    "the query has {} clauses (words, phrases, filters, groups), more than the {} allowed",
                    count.clauses, self.max_clauses
                ),
            ));
        }
        if count.longest > self.max_phrase_words {
            return Err(refused(
                Limit::PhraseWords,
                format!(
                    "a phrase of the query has {} words, more than the {} allowed",
                    count.longest, self.max_phrase_words
                ),
            ));
        }
        if count.expanding > self.max_expanding_words {
            return Err(refused(
                Limit::ExpandingWords,
                format!(
                    "the query has {} prefix (word*) or typo-tolerant (word~) words, more than the {} allowed",
                    count.expanding, self.max_expanding_words
                ),
            ));
        }
        Ok(())
    }

    /// The refusal of a search stopped at its [`QueryLimits::time_budget`].
    pub(crate) fn over_budget(&self) -> Error {
        refused(
            Limit::TimeBudget,
            format!(
                "the search took longer than its time budget of {} ms and was stopped",
                self.time_budget.as_millis()
            ),
        )
    }
}

/// [`QueryLimits::check_text`], [`crate::query::parse`], then [`QueryLimits::check_parsed`]:
/// what [`crate::NewsIndex::search`] does with the reader's text.
///
/// # Errors
///
/// [`Error::QueryRefused`] past a limit; nothing else (the parser repairs what it can).
///
/// ```
/// use depeche::query::{parse_limited, QueryLimits};
/// let parsed = parse_limited("\"le monde", &QueryLimits::default()).unwrap();
/// assert_eq!(parsed.warnings.len(), 1); // unclosed quote: repaired, not refused
/// ```
pub fn parse_limited(text: &str, limits: &QueryLimits) -> Result<ParsedQuery> {
    limits.check_text(text)?;
    let parsed = parse(text);
    limits.check_parsed(&parsed)?;
    Ok(parsed)
}

/// Which of the [`QueryLimits`] a refused query passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Limit {
    /// [`QueryLimits::max_query_bytes`].
    Length,
    /// [`QueryLimits::max_depth`].
    Depth,
    /// [`QueryLimits::max_clauses`].
    Clauses,
    /// [`QueryLimits::max_phrase_words`].
    PhraseWords,
    /// [`QueryLimits::max_expanding_words`].
    ExpandingWords,
    /// [`QueryLimits::time_budget`].
    TimeBudget,
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Limit::Length => "max_query_bytes",
            Limit::Depth => "max_depth",
            Limit::Clauses => "max_clauses",
            Limit::PhraseWords => "max_phrase_words",
            Limit::ExpandingWords => "max_expanding_words",
            Limit::TimeBudget => "time_budget",
        })
    }
}

fn refused(limit: Limit, reason: String) -> Error {
    Error::QueryRefused { limit, reason }
}

/// The deepest parenthesis nesting the parser would see, counted up to `stop + 1`. Quotes
/// toggle phrases exactly as in the parser (any quote character opens or closes one), and
/// parentheses inside a phrase are text.
fn nesting_depth(text: &str, stop: usize) -> usize {
    let (mut depth, mut deepest, mut in_phrase) = (0usize, 0usize, false);
    for c in text.chars() {
        match c {
            _ if is_quote(c) => in_phrase = !in_phrase,
            '(' if !in_phrase => {
                depth += 1;
                if depth > deepest {
                    deepest = depth;
                    if deepest > stop {
                        break;
                    }
                }
            }
            ')' if !in_phrase => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Runs of letters or digits in `text`: an upper bound on the words the analyzers find.
fn word_runs(text: &str) -> usize {
    let mut runs = 0;
    let mut in_run = false;
    for c in text.chars() {
        let w = c.is_alphanumeric();
        if w && !in_run {
            runs += 1;
        }
        in_run = w;
    }
    runs
}

/// Clauses of `parsed`, as [`QueryLimits::max_clauses`] counts them (the entity aliases and
/// synonyms a query expands to count on top of these, up to the limit).
///
/// ```
/// use depeche::query::{clause_count, parse};
/// assert_eq!(clause_count(&parse("(a OR b) c")), 4); // the OR, its two words, c
/// ```
pub fn clause_count(parsed: &ParsedQuery) -> usize {
    let mut count = Counts::default();
    for c in &parsed.clauses {
        count.node(&c.node);
    }
    count.clauses
}

/// Prefix and typo-tolerant words asked for in `parsed`.
pub(crate) fn expanding_words(parsed: &ParsedQuery) -> usize {
    let mut count = Counts::default();
    for c in &parsed.clauses {
        count.node(&c.node);
    }
    count.expanding
}

#[derive(Default)]
struct Counts {
    clauses: usize,
    longest: usize,
    expanding: usize,
}

impl Counts {
    /// Counts `node` and what it holds; the parser bounds the recursion (32 groups).
    fn node(&mut self, node: &Node) {
        self.clauses += 1;
        match node {
            Node::Word { kind, .. } => {
                if *kind != WordKind::Plain {
                    self.expanding += 1;
                }
            }
            Node::Phrase { text, .. } => self.longest = self.longest.max(word_runs(text)),
            Node::DateRange { .. } => {}
            Node::Group(clauses) => clauses.iter().for_each(|c| self.node(&c.node)),
            Node::Or(alts) => alts.iter().for_each(|n| self.node(n)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit_of(q: &str, limits: &QueryLimits) -> Option<Limit> {
        match parse_limited(q, limits) {
            Ok(_) => None,
            Err(Error::QueryRefused { limit, .. }) => Some(limit),
            Err(e) => panic!("{q:?}: unexpected error {e}"),
        }
    }

    #[test]
    fn each_limit_refuses_just_past_it() {
        let l = QueryLimits::default();
        let words = |n: usize, w: &str| vec![w; n].join(" ");
        let table: Vec<(String, Option<Limit>)> = vec![
            ("a".repeat(2_048), None),
            ("a".repeat(2_049), Some(Limit::Length)),
            ("(".repeat(16) + "a", None),
            ("(".repeat(17) + "a", Some(Limit::Depth)),
            (")".repeat(100) + &"(".repeat(16), None),
            ("((a) (b) (c) (d) (e) (f) (g) (h) (i) (j) (k) (l) (m) (n) (o) (p) (q))".into(), None),
            (words(32, "mot"), None),
            (words(33, "mot"), Some(Limit::Clauses)),
            (words(11, "(a OR b)"), Some(Limit::Clauses)),
            (format!("\"{}\"", words(16, "mot")), None),
            (format!("\"{}\"", words(17, "mot")), Some(Limit::PhraseWords)),
            (vec!["a"; 17].join("-"), None),
            (format!("\"{}\"", vec!["a"; 17].join("-")), Some(Limit::PhraseWords)),
            (words(16, "mot~"), None),
            (words(17, "numéri*"), Some(Limit::ExpandingWords)),
            (words(17, "gouvernemant~2"), Some(Limit::ExpandingWords)),
            (words(30, "gouvernemant"), None),
        ];
        for (q, want) in table {
            assert_eq!(limit_of(&q, &l), want, "{q:?}");
        }
    }

    #[test]
    fn reader_repairs_are_not_refusals() {
        let l = QueryLimits::default();
        for q in ["\"", "(((", ")))", "a OR", "-", "date:2016-13-45", "lang:xx", "\u{0}\u{7}", "«"]
        {
            assert_eq!(limit_of(q, &l), None, "{q:?}");
        }
    }

    #[test]
    fn unlimited_lets_everything_through() {
        let l = QueryLimits::unlimited();
        assert_eq!(limit_of(&"(".repeat(100_000), &l), None);
        assert_eq!(limit_of(&"mot~ ".repeat(1_000), &l), None);
    }

    #[test]
    fn refusal_messages_name_the_limit_and_the_figures() {
        let err = parse_limited(&"(".repeat(100_000), &QueryLimits::default()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("100000 bytes") && msg.contains("2048"), "{msg}");
        assert!(msg.contains("max_query_bytes"), "{msg}");
    }
}
