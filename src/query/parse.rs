//! The lenient search-box parser: `&str` → [`ParsedQuery`], never an error, never a panic.
//!
//! Syntax:
//!
//! | input | meaning |
//! |---|---|
//! | `transformation numérique` | words; articles matching all of them first |
//! | `"Le Monde"`, `« Le Monde »`, `"ministre culture"~3` | phrase (stop words kept), slop |
//! | `-mot`, `-"une phrase"`, `+mot` | exclude, require |
//! | `a OR b`, `(a OR b) c` | alternatives, grouping |
//! | `title:` (`titre:`), `source:`, `section:`, `tag:`, `lang:fr` | scope a word, phrase or group |
//! | `date:2016-01-01..2016-03-31`, `date:2016..`, `date:..2016-06`, `date:2016-02` | date range (inclusive) |
//! | `numéri*` | prefix (see [`crate::query::MIN_PREFIX_LEN`]) |
//! | `gouvernemant~`, `gouvernemant~2` | typo tolerance, 1 or 2 edits |
//!
//! An apostrophe inside a word (`l'Élysée`, `aujourd’hui`) is part of the word. An unclosed
//! quote runs to the end, an unclosed parenthesis closes at the end, a stray `)` or a dangling
//! `OR`/`-` is ignored; each repair is reported as a [`ParseWarning`].

use time::{Date, Month};

use super::ast::{Clause, Node, Occur, ParseWarning, ParsedQuery, Scope, WordKind};

/// Deeper parentheses are read as plain characters.
const MAX_DEPTH: usize = 32;
/// Longest slop honoured on a phrase.
const MAX_SLOP: u32 = 50;

pub(crate) fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '«' | '»' | '„')
}

fn ends_word(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | ')') || is_quote(c)
}

/// Parses what a reader typed.
///
/// ```
/// use depeche::query::{parse, Node, Occur, Scope, WordKind};
/// let q = parse("titre:\"Le Monde\" -sport numéri*");
/// assert_eq!(q.clauses.len(), 3);
/// assert!(matches!(&q.clauses[0].node, Node::Phrase { scope: Scope::Title, .. }));
/// assert_eq!(q.clauses[1].occur, Occur::MustNot);
/// assert!(matches!(&q.clauses[2].node, Node::Word { kind: WordKind::Prefix, .. }));
/// assert!(q.warnings.is_empty());
/// ```
pub fn parse(input: &str) -> ParsedQuery {
    let mut p = Parser { chars: input.chars().collect(), pos: 0, warnings: Vec::new() };
    let clauses = p.group(0);
    ParsedQuery { clauses, warnings: p.warnings }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    warnings: Vec<ParseWarning>,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn group(&mut self, depth: usize) -> Vec<Clause> {
        let mut clauses: Vec<Clause> = Vec::new();
        let mut pending_or = false;
        loop {
            self.skip_ws();
            let Some(c) = self.peek() else {
                if depth > 0 {
                    self.warnings.push(ParseWarning::UnclosedParenthesis);
                }
                break;
            };
            if c == ')' {
                self.pos += 1;
                if depth > 0 {
                    break;
                }
                self.warnings.push(ParseWarning::UnmatchedParenthesis);
                continue;
            }
            let mut occur = Occur::Should;
            if c == '-' || c == '+' {
                let next = self.chars.get(self.pos + 1).copied();
                if next.is_none_or(char::is_whitespace) {
                    self.pos += 1;
                    self.warnings.push(ParseWarning::DanglingOperator(c.to_string()));
                    continue;
                }
                self.pos += 1;
                occur = if c == '-' { Occur::MustNot } else { Occur::Must };
            }
            let start = self.pos;
            let Some(node) = self.atom(depth) else {
                if self.pos == start {
                    // Nothing consumed: skip one char to guarantee progress.
                    self.pos += 1;
                }
                continue;
            };
            if occur == Occur::Should
                && matches!(&node, Node::Word { text, scope: Scope::All, kind: WordKind::Plain } if text == "OR")
            {
                if clauses.last().is_some_and(|c| c.occur == Occur::Should) {
                    pending_or = true;
                } else {
                    self.warnings.push(ParseWarning::DanglingOperator("OR".into()));
                }
                continue;
            }
            if pending_or && occur == Occur::Should {
                if let Some(last) = clauses.last_mut() {
                    let prev = std::mem::replace(&mut last.node, Node::Group(Vec::new()));
                    last.node = match prev {
                        Node::Or(mut alts) => {
                            alts.push(node);
                            Node::Or(alts)
                        }
                        other => Node::Or(vec![other, node]),
                    };
                }
                pending_or = false;
                continue;
            }
            if pending_or {
                self.warnings.push(ParseWarning::DanglingOperator("OR".into()));
                pending_or = false;
            }
            clauses.push(Clause { occur, node });
        }
        if pending_or {
            self.warnings.push(ParseWarning::DanglingOperator("OR".into()));
        }
        clauses
    }

    fn atom(&mut self, depth: usize) -> Option<Node> {
        let c = self.peek()?;
        if c == '(' {
            self.pos += 1;
            if depth >= MAX_DEPTH {
                return None;
            }
            let clauses = self.group(depth + 1);
            return match clauses.len() {
                0 => None,
                1 if clauses[0].occur == Occur::Should => {
                    clauses.into_iter().next().map(|c| c.node)
                }
                _ => Some(Node::Group(clauses)),
            };
        }
        if is_quote(c) {
            return self.phrase(Scope::All);
        }
        let start = self.pos;
        while self.peek().is_some_and(|c| !ends_word(c)) {
            self.pos += 1;
        }
        let word: String = self.chars[start..self.pos].iter().collect();
        if word.is_empty() {
            return None;
        }
        if let Some((field, rest)) = word.split_once(':') {
            if let Some(scope) = field_scope(field) {
                return self.scoped(scope, field, rest, depth);
            }
            if field.eq_ignore_ascii_case("date") {
                return self.date(rest, &word);
            }
        }
        Some(word_node(&word, Scope::All))
    }

    fn scoped(&mut self, scope: Scope, field: &str, rest: &str, depth: usize) -> Option<Node> {
        if scope == Scope::Lang {
            let code = rest.trim();
            return match code.parse::<crate::analysis::Lang>() {
                Ok(lang) => Some(Node::Word {
                    text: lang.code().to_string(),
                    scope: Scope::Lang,
                    kind: WordKind::Plain,
                }),
                Err(_) => {
                    self.warnings.push(ParseWarning::UnknownLang(code.to_string()));
                    None
                }
            };
        }
        if !rest.is_empty() {
            return Some(word_node(rest, scope));
        }
        match self.peek() {
            Some(c) if is_quote(c) => self.phrase(scope),
            Some('(') => self.atom(depth).map(|n| with_scope(n, scope)),
            // `title:` alone: search the field name as a word.
            _ => Some(word_node(field, Scope::All)),
        }
    }

    fn phrase(&mut self, scope: Scope) -> Option<Node> {
        self.pos += 1; // opening quote
        let start = self.pos;
        while self.peek().is_some_and(|c| !is_quote(c)) {
            self.pos += 1;
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        if self.peek().is_some() {
            self.pos += 1; // closing quote
        } else {
            self.warnings.push(ParseWarning::UnclosedQuote);
        }
        let mut slop = 0;
        if self.peek() == Some('~') {
            self.pos += 1;
            let s = self.pos;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1;
            }
            let digits: String = self.chars[s..self.pos].iter().collect();
            slop = digits.parse::<u32>().map_or(2, |n| n.min(MAX_SLOP));
        }
        if text.trim().is_empty() {
            return None;
        }
        Some(Node::Phrase { text: text.trim().to_string(), scope, slop })
    }

    fn date(&mut self, rest: &str, word: &str) -> Option<Node> {
        match parse_range(rest) {
            Some((from, to)) => Some(Node::DateRange { from, to }),
            None => {
                self.warnings.push(ParseWarning::BadDateRange(rest.to_string()));
                Some(word_node(word, Scope::All))
            }
        }
    }
}

fn field_scope(field: &str) -> Option<Scope> {
    Some(match field.to_lowercase().as_str() {
        "title" | "titre" => Scope::Title,
        "source" => Scope::Source,
        "section" | "rubrique" => Scope::Section,
        "tag" | "tags" => Scope::Tag,
        "lang" | "langue" | "language" => Scope::Lang,
        _ => return None,
    })
}

fn with_scope(node: Node, scope: Scope) -> Node {
    match node {
        Node::Word { text, kind, .. } => Node::Word { text, scope, kind },
        Node::Phrase { text, slop, .. } => Node::Phrase { text, scope, slop },
        Node::Group(clauses) => Node::Group(
            clauses
                .into_iter()
                .map(|c| Clause { occur: c.occur, node: with_scope(c.node, scope) })
                .collect(),
        ),
        Node::Or(alts) => Node::Or(alts.into_iter().map(|n| with_scope(n, scope)).collect()),
        other @ Node::DateRange { .. } => other,
    }
}

fn word_node(word: &str, scope: Scope) -> Node {
    let mut text = word;
    let mut kind = WordKind::Plain;
    if let Some(stripped) = text.strip_suffix('*') {
        text = stripped.trim_end_matches('*');
        kind = WordKind::Prefix;
    } else if let Some(i) = text.rfind('~') {
        let digits = &text[i + 1..];
        if digits.is_empty() || digits.chars().all(|c| c.is_ascii_digit()) {
            let edits = digits.parse::<u8>().unwrap_or(1).clamp(1, 2);
            text = &text[..i];
            kind = WordKind::Fuzzy(edits);
        }
    }
    if text.is_empty() {
        // `*` or `~` alone: keep the raw text, which analyzes to nothing.
        return Node::Word { text: word.to_string(), scope, kind: WordKind::Plain };
    }
    Node::Word { text: text.to_string(), scope, kind }
}

/// `A..B`, `A..`, `..B` or `A`; bounds `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, both inclusive.
fn parse_range(s: &str) -> Option<(Option<Date>, Option<Date>)> {
    let s = s.trim();
    if let Some((a, b)) = s.split_once("..") {
        let from = if a.is_empty() { None } else { Some(parse_day(a, false)?) };
        let to = if b.is_empty() { None } else { Some(parse_day(b, true)?) };
        if from.is_none() && to.is_none() {
            return None;
        }
        Some((from, to))
    } else {
        Some((Some(parse_day(s, false)?), Some(parse_day(s, true)?)))
    }
}

/// A day from `YYYY`, `YYYY-MM` or `YYYY-MM-DD`: the first day of the period, or the last one
/// when `end` is set.
pub(crate) fn parse_day(s: &str, end: bool) -> Option<Date> {
    let mut parts = s.trim().split('-');
    let year: i32 = parts.next()?.parse().ok()?;
    if !(crate::index::MIN_YEAR..=crate::index::MAX_YEAR).contains(&year) {
        return None;
    }
    let month = match parts.next() {
        Some(m) => Some(Month::try_from(m.parse::<u8>().ok()?).ok()?),
        None => None,
    };
    let day = match parts.next() {
        Some(d) => Some(d.parse::<u8>().ok()?),
        None => None,
    };
    if parts.next().is_some() {
        return None;
    }
    match (month, day) {
        (Some(m), Some(d)) => Date::from_calendar_date(year, m, d).ok(),
        (Some(m), None) => {
            let d = if end { m.length(year) } else { 1 };
            Date::from_calendar_date(year, m, d).ok()
        }
        (None, None) => {
            let (m, d) = if end { (Month::December, 31) } else { (Month::January, 1) };
            Date::from_calendar_date(year, m, d).ok()
        }
        (None, Some(_)) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(t: &str) -> Node {
        Node::Word { text: t.into(), scope: Scope::All, kind: WordKind::Plain }
    }

    fn should(node: Node) -> Clause {
        Clause { occur: Occur::Should, node }
    }

    #[test]
    fn apostrophes_are_word_characters() {
        let q = parse("l'Élysée aujourd’hui");
        assert_eq!(q.clauses, vec![should(word("l'Élysée")), should(word("aujourd’hui"))]);
    }

    #[test]
    fn or_and_groups() {
        let q = parse("(Hollande OR Valls) réforme");
        assert_eq!(
            q.clauses,
            vec![should(Node::Or(vec![word("Hollande"), word("Valls")])), should(word("réforme"))]
        );
        let q = parse("a OR b OR c");
        assert_eq!(q.clauses, vec![should(Node::Or(vec![word("a"), word("b"), word("c")]))]);
    }

    #[test]
    fn repairs() {
        let q = parse("\"le monde");
        assert_eq!(q.warnings, vec![ParseWarning::UnclosedQuote]);
        let q = parse("(a b");
        assert_eq!(q.warnings, vec![ParseWarning::UnclosedParenthesis]);
        let q = parse("a) OR - ");
        assert_eq!(q.clauses, vec![should(word("a"))]);
        assert_eq!(q.warnings.len(), 3);
        let q = parse("date:hier");
        assert_eq!(q.clauses, vec![should(word("date:hier"))]);
    }

    #[test]
    fn dates_and_slop() {
        let q = parse("date:2016-01..2016-02 \"a b\"~3 gouvernemant~");
        let d = |y, m, d| Date::from_calendar_date(y, Month::try_from(m).unwrap(), d).unwrap();
        assert_eq!(
            q.clauses[0].node,
            Node::DateRange { from: Some(d(2016, 1, 1)), to: Some(d(2016, 2, 29)) }
        );
        assert!(matches!(q.clauses[1].node, Node::Phrase { slop: 3, .. }));
        assert!(matches!(q.clauses[2].node, Node::Word { kind: WordKind::Fuzzy(1), .. }));
        assert!(matches!(parse("date:..2016").clauses[0].node, Node::DateRange { from: None, .. }));
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let s = "(".repeat(10_000) + "a" + &")".repeat(10_000);
        let _ = parse(&s);
        let _ = parse("\"\"\"~~~**::-+()()");
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,60}") {
            let _ = parse(&s);
        }
    }
}
