//! The syntax tree of a search-box query, free of tantivy types.

use time::Date;

/// Where a word or phrase is searched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Title, lead and body (the default).
    All,
    /// `title:` / `titre:`.
    Title,
    /// `source:`.
    Source,
    /// `section:` / `rubrique:`.
    Section,
    /// `tag:` / `tags:`.
    Tag,
    /// `lang:` / `langue:` — the value is a language code.
    Lang,
}

/// How a single word matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WordKind {
    /// Stemmed match (plus automatic typo tolerance on long words).
    Plain,
    /// `numéri*`: any word starting with the (folded) prefix.
    Prefix,
    /// `word~` / `word~2`: within this many edits (1 or 2).
    Fuzzy(u8),
}

/// Whether a clause must, may or must not match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Occur {
    /// Counts towards "matches all words" (the default).
    Should,
    /// `+word`: required.
    Must,
    /// `-word`: excluded.
    MustNot,
}

/// A query node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// A word as typed (the analyzers turn it into terms).
    Word {
        /// The word, apostrophes and hyphens included.
        text: String,
        /// Where it is searched.
        scope: Scope,
        /// Plain, prefix or fuzzy.
        kind: WordKind,
    },
    /// `"..."` or `"..."~slop`.
    Phrase {
        /// The text between the quotes.
        text: String,
        /// Where it is searched.
        scope: Scope,
        /// Allowed distance (0 = exact phrase).
        slop: u32,
    },
    /// `date:A..B`; both bounds inclusive, either may be open.
    DateRange {
        /// First day, inclusive.
        from: Option<Date>,
        /// Last day, inclusive.
        to: Option<Date>,
    },
    /// Clauses combined: documents matching any positive clause, those matching all first.
    Group(Vec<Clause>),
    /// `a OR b`: any of the alternatives.
    Or(Vec<Node>),
}

/// A node with its occurrence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clause {
    /// Must, should or must not.
    pub occur: Occur,
    /// The node.
    pub node: Node,
}

/// Something the parser repaired or ignored; shown to the reader at most as a hint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseWarning {
    /// A `"` with no closing quote: the phrase runs to the end.
    UnclosedQuote,
    /// A `(` with no `)`, closed at the end.
    UnclosedParenthesis,
    /// A `)` with no `(`, ignored.
    UnmatchedParenthesis,
    /// `date:` with something that is not a date range; searched as words.
    BadDateRange(String),
    /// `lang:` with an unknown language; ignored.
    UnknownLang(String),
    /// An `OR` or `-` with nothing to apply to; ignored.
    DanglingOperator(String),
}

impl std::fmt::Display for ParseWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParseWarning::UnclosedQuote => f.write_str("unclosed quote"),
            ParseWarning::UnclosedParenthesis => f.write_str("unclosed parenthesis"),
            ParseWarning::UnmatchedParenthesis => f.write_str("unmatched ')' ignored"),
            ParseWarning::BadDateRange(s) => write!(f, "not a date range: {s:?}"),
            ParseWarning::UnknownLang(s) => write!(f, "unknown language {s:?} ignored"),
            ParseWarning::DanglingOperator(s) => write!(f, "operator {s:?} ignored"),
        }
    }
}

/// A parsed query: its top-level group and the repairs made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedQuery {
    /// The top-level clauses (an empty list matches every article).
    pub clauses: Vec<Clause>,
    /// What was repaired.
    pub warnings: Vec<ParseWarning>,
}
