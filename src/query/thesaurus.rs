//! The name graph behind entity aliases and user synonyms: groups of names that mean the same
//! thing, and the search for them in what a reader typed.
//!
//! A [`Thesaurus`] holds *groups*; a group holds *names* (`OTAN`, `Organisation du traité de
//! l'Atlantique nord`, `NATO`, `North Atlantic Treaty Organization`), each with the language
//! whose fields it is searched in (or both) and two flags: whether typing it *expands* to the
//! other names of its group, and whether it is a *target* that the other names reach. The
//! bundled French ↔ English entity aliases ([`Thesaurus::bundled`], the file
//! `data/aliases.txt`, format in [`Thesaurus::parse_aliases`]) and the user synonyms in the
//! Solr/Elasticsearch format ([`Thesaurus::parse_synonyms`]) are two readings of the same
//! graph, and one thesaurus may hold both ([`Thesaurus::extend`]).
//!
//! # Matching
//!
//! A name is matched by its *key*: its words folded by the exact-form analyzer (no case, no
//! accents, elided articles dropped, one word per position: `Maison-Blanche`, `maison blanche`
//! and `MAISON BLANCHE` have the key `maison blanche`). The words a reader typed are scanned
//! left to right and, at each word, the longest name that starts there wins (`Corée du Nord`
//! before `Corée`); matches never overlap. So multi-word names are found inside phrases and
//! across the words of a query, and expanding happens at query time: changing the table needs
//! no reindexing.
//!
//! **Acronyms are case-aware**: a name written in capitals only (`ONU`, `WHO`, `U.N.`, two
//! capital letters at least, no small letter) is matched only by a word typed in capitals, so
//! `WHO`, `US`, `UN`, `EU` expand while `who`, `us`, `un`, `eu`, ordinary words, do not. Every
//! other name matches whatever the case. How the builder searches what a match expands to is
//! in the [`crate::query`] docs.
//!
//! ```
//! use depeche::query::Thesaurus;
//!
//! let t = Thesaurus::parse_aliases("fr: ONU, Nations unies | en: UN, United Nations").unwrap();
//! let names = |q: &str| -> Vec<String> { t.expansions(q).into_iter().map(|(n, _)| n).collect() };
//! assert_eq!(names("Nations Unies"), ["ONU", "UN", "United Nations"]);
//! assert_eq!(names("ONU"), ["Nations unies", "UN", "United Nations"]);
//! assert!(names("un").is_empty()); // an acronym typed in small letters is a word
//! ```

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::tokenizer::TextAnalyzer;

use crate::analysis::{exact_analyzer, for_each_word, Lang};
use crate::{Error, Result};

/// Longest name, in words (positions of the exact-form analyzer).
pub const MAX_NAME_WORDS: usize = 16;

/// Where a name comes from, which decides its weight and how explanations call it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GroupKind {
    /// An entity alias ([`Thesaurus::parse_aliases`]): searched at [`crate::query::Boosts::alias`].
    Alias,
    /// A user synonym ([`Thesaurus::parse_synonyms`]), `a, b, c`: at the same weight as aliases.
    Synonym,
    /// A user synonym mapping `a => b`: a typed `a` is replaced by `b`, searched at full weight.
    Replacement,
}

/// One name of a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    /// As written in the table (what explanations show).
    pub text: String,
    /// The language whose fields it is searched in; `None`: both (user synonyms).
    pub lang: Option<Lang>,
    /// Written in capitals only: matched only by a word typed in capitals.
    pub acronym: bool,
    /// Typed, it searches the other names of its group.
    pub expands: bool,
    /// The other names of its group search it.
    pub target: bool,
    /// Folded words joined by one space.
    key: String,
    /// Number of words of the key.
    words: usize,
}

impl Name {
    /// The folded words that match it, joined by spaces (`maison blanche`).
    ///
    /// ```
    /// let t = depeche::query::Thesaurus::parse_aliases("fr: Maison-Blanche | en: White House").unwrap();
    /// assert_eq!(t.names(0)[0].key(), "maison blanche");
    /// ```
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Its number of words.
    pub fn words(&self) -> usize {
        self.words
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Group {
    first: usize,
    len: usize,
    kind: GroupKind,
}

/// Groups of names that mean the same thing (`OTAN`, `NATO`, …), each name with the language
/// whose fields it is searched in and whether it expands and is reached; read from an alias
/// table ([`Thesaurus::parse_aliases`]) or a synonym file ([`Thesaurus::parse_synonyms`]).
///
/// Cheap to share: a search request holds it in an [`Arc`] ([`Thesaurus::bundled`] is built
/// once per process).
///
/// ```
/// use depeche::query::Thesaurus;
/// let bundled = Thesaurus::bundled();
/// assert!(bundled.len() >= 300);
/// let mut mine = (*bundled).clone();
/// mine.extend(&Thesaurus::parse_synonyms("canapé, sofa\n").unwrap());
/// assert_eq!(mine.len(), bundled.len() + 1);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Thesaurus {
    names: Vec<Name>,
    groups: Vec<Group>,
    /// Name id → group id.
    group_of: Vec<u32>,
    /// Key → the ids of the names with that key that expand.
    by_key: HashMap<String, Vec<u32>>,
    /// Most words in a key that expands.
    longest: usize,
}

impl std::fmt::Debug for Thesaurus {
    /// Only the size: a request holding the bundled table would print hundreds of groups.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Thesaurus")
            .field("groups", &self.groups.len())
            .field("names", &self.names.len())
            .finish()
    }
}

/// A word the reader typed, as the matcher sees it.
#[derive(Clone, Debug)]
pub(crate) struct TypedWord {
    /// Folded, unstemmed.
    pub(crate) term: String,
    /// Every letter typed in capitals.
    pub(crate) capitals: bool,
    /// A match may start here.
    pub(crate) starts: bool,
    /// A match may end here.
    pub(crate) ends: bool,
}

/// A matched span of typed words and what it expands to.
#[derive(Clone, Debug)]
pub(crate) struct Match<'t> {
    /// First word (index into the typed words).
    pub(crate) start: usize,
    /// One past the last word.
    pub(crate) end: usize,
    /// The names the span was matched as (first: the one shown in explanations).
    pub(crate) typed: &'t Name,
    /// Some group of the match replaces what was typed (`a => b`).
    pub(crate) replace: bool,
    /// The names to search instead or as well, each once, with its group's kind.
    pub(crate) targets: Vec<(&'t Name, GroupKind)>,
}

/// Whether `text` is written like an acronym: two capital letters or more, no small letter.
pub(crate) fn is_acronym(text: &str) -> bool {
    let mut capitals = 0;
    for c in text.chars() {
        if c.is_lowercase() {
            return false;
        }
        if c.is_uppercase() {
            capitals += 1;
        }
    }
    capitals >= 2
}

/// A name as it is read from a table, before its key is computed.
pub(crate) struct RawName<'a> {
    pub(crate) text: &'a str,
    pub(crate) lang: Option<Lang>,
    pub(crate) expands: bool,
    pub(crate) target: bool,
}

/// The key of `text` (first term at each position of the exact-form analyzer) and its words.
pub(crate) fn key_of(analyzer: &mut TextAnalyzer, text: &str) -> (String, usize) {
    let mut key = String::new();
    let mut words = 0;
    for_each_word(analyzer, text, |tok| {
        if words > 0 {
            key.push(' ');
        }
        key.push_str(&tok.text);
        words += 1;
    });
    (key, words)
}

impl Thesaurus {
    /// An empty thesaurus: nothing expands.
    ///
    /// ```
    /// assert!(depeche::query::Thesaurus::empty().is_empty());
    /// ```
    pub fn empty() -> Thesaurus {
        Thesaurus::default()
    }

    /// The French ↔ English entity aliases shipped with depeche (`data/aliases.txt`, read
    /// with [`Thesaurus::parse_aliases`]): countries and territories, their capitals and
    /// major cities, regions, seas, international organisations and their acronyms,
    /// institutions, titles. Built on the first call, then shared.
    ///
    /// ```
    /// let t = depeche::query::Thesaurus::bundled();
    /// let names: Vec<String> = t.expansions("OTAN").into_iter().map(|(n, _)| n).collect();
    /// assert!(names.contains(&"North Atlantic Treaty Organization".to_string()));
    /// ```
    pub fn bundled() -> Arc<Thesaurus> {
        super::aliases::bundled()
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// Whether there is no group.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The names of group `group` (in table order); empty past the last group.
    pub fn names(&self, group: usize) -> &[Name] {
        self.groups.get(group).map_or(&[], |g| &self.names[g.first..g.first + g.len])
    }

    /// The kind of group `group`, `None` past the last group.
    pub fn kind(&self, group: usize) -> Option<GroupKind> {
        self.groups.get(group).map(|g| g.kind)
    }

    /// Adds the groups of `other` after this one's (a name in both keeps both groups: typing
    /// it expands to the names of each).
    pub fn extend(&mut self, other: &Thesaurus) {
        for g in 0..other.len() {
            let names = other.names(g);
            let kind = other.groups[g].kind;
            self.push_names(names.to_vec(), kind);
        }
    }

    /// Adds one group of already-keyed names.
    fn push_names(&mut self, names: Vec<Name>, kind: GroupKind) {
        let group = self.groups.len() as u32;
        let first = self.names.len();
        self.groups.push(Group { first, len: names.len(), kind });
        for name in names {
            let id = self.names.len() as u32;
            if name.expands {
                self.longest = self.longest.max(name.words);
                self.by_key.entry(name.key.clone()).or_default().push(id);
            }
            self.group_of.push(group);
            self.names.push(name);
        }
    }

    /// Adds one group from raw names; `Err(reason)` for a name that analyzes to nothing or
    /// has more than [`MAX_NAME_WORDS`] words.
    pub(crate) fn push_group(
        &mut self,
        analyzer: &mut TextAnalyzer,
        raw: &[RawName<'_>],
        kind: GroupKind,
    ) -> std::result::Result<(), String> {
        let mut names = Vec::with_capacity(raw.len());
        for r in raw {
            let (key, words) = key_of(analyzer, r.text);
            if words == 0 {
                return Err(format!("the name {:?} has no letter or digit", r.text));
            }
            if words > MAX_NAME_WORDS {
                return Err(format!(
                    "the name {:?} has {words} words, more than the {MAX_NAME_WORDS} allowed",
                    r.text
                ));
            }
            names.push(Name {
                text: r.text.to_string(),
                lang: r.lang,
                acronym: is_acronym(r.text),
                expands: r.expands,
                target: r.target,
                key,
                words,
            });
        }
        self.push_names(names, kind);
        Ok(())
    }

    /// The matches in `words`, left to right, longest first, never overlapping.
    pub(crate) fn find(&self, words: &[TypedWord]) -> Vec<Match<'_>> {
        let mut out = Vec::new();
        if self.by_key.is_empty() {
            return out;
        }
        let mut key = String::new();
        let mut i = 0;
        while i < words.len() {
            let mut found = None;
            if words[i].starts {
                let longest = self.longest.min(words.len() - i);
                for len in (1..=longest).rev() {
                    if !words[i + len - 1].ends {
                        continue;
                    }
                    key.clear();
                    for (j, w) in words[i..i + len].iter().enumerate() {
                        if j > 0 {
                            key.push(' ');
                        }
                        key.push_str(&w.term);
                    }
                    let capitals = words[i..i + len].iter().all(|w| w.capitals);
                    if let Some(m) = self.match_key(&key, capitals, i, i + len) {
                        found = Some(m);
                        break;
                    }
                }
            }
            match found {
                Some(m) => {
                    i = m.end;
                    out.push(m);
                }
                None => i += 1,
            }
        }
        out
    }

    fn match_key(&self, key: &str, capitals: bool, start: usize, end: usize) -> Option<Match<'_>> {
        let ids = self.by_key.get(key)?;
        let typed: Vec<u32> = ids
            .iter()
            .copied()
            .filter(|&id| capitals || !self.names[id as usize].acronym)
            .collect();
        let first = *typed.first()?;
        let mut replace = false;
        let mut targets: Vec<(&Name, GroupKind)> = Vec::new();
        let mut groups: Vec<u32> = typed.iter().map(|&id| self.group_of[id as usize]).collect();
        groups.dedup();
        for g in groups {
            let group = &self.groups[g as usize];
            replace |= group.kind == GroupKind::Replacement;
            for name in &self.names[group.first..group.first + group.len] {
                // What was typed is searched anyway, unless it is replaced.
                let same = name.key == key && group.kind != GroupKind::Replacement;
                if !name.target || same {
                    continue;
                }
                // One search per key and language; `Nato` (any case) covers `NATO`.
                match targets.iter_mut().find(|(t, _)| t.key == name.key && t.lang == name.lang) {
                    Some(seen) if seen.0.acronym && !name.acronym => *seen = (name, group.kind),
                    Some(_) => {}
                    None => targets.push((name, group.kind)),
                }
            }
        }
        if targets.is_empty() && !replace {
            return None;
        }
        Some(Match { start, end, typed: &self.names[first as usize], replace, targets })
    }

    /// What `text` expands to, as the query builder would find it in a phrase: each target
    /// name (as written in the table) with its language (`None`: both), in table order.
    /// For inspecting a table; the builder also bounds what it adds (see
    /// [`crate::query::QueryLimits::max_clauses`]).
    ///
    /// ```
    /// use depeche::Lang::{English, French};
    /// let t = depeche::query::Thesaurus::bundled();
    /// let names: Vec<(String, Option<depeche::Lang>)> = t.expansions("Pékin");
    /// // French articles write « Beijing » too.
    /// let want = [("Beijing", Some(French)), ("Beijing", Some(English)), ("Peking", Some(English))];
    /// assert_eq!(names, want.map(|(n, l)| (n.to_string(), l)));
    /// ```
    pub fn expansions(&self, text: &str) -> Vec<(String, Option<Lang>)> {
        let words = typed_words(&mut exact_analyzer(), text, true);
        self.find(&words)
            .into_iter()
            .flat_map(|m| m.targets.into_iter().map(|(n, _)| (n.text.clone(), n.lang)))
            .collect()
    }
}

/// The words of `text` as typed (folded term, typed in capitals), one per position; with
/// `free`, a match may start and end at any word.
pub(crate) fn typed_words(analyzer: &mut TextAnalyzer, text: &str, free: bool) -> Vec<TypedWord> {
    let mut out: Vec<TypedWord> = Vec::new();
    for_each_word(analyzer, text, |tok| {
        let typed = text.get(tok.offset_from..tok.offset_to).unwrap_or("");
        out.push(TypedWord {
            term: tok.text.clone(),
            capitals: typed_in_capitals(typed, &tok.text),
            starts: free,
            ends: free,
        });
    });
    if let (false, Some(last)) = (free, out.len().checked_sub(1)) {
        out[0].starts = true;
        out[last].ends = true;
    }
    out
}

/// Whether the letters of `term` were typed in capitals in `typed` (its original text, which
/// may hold an elided article: `l'OTAN`).
fn typed_in_capitals(typed: &str, term: &str) -> bool {
    let letters = term.chars().filter(|c| c.is_alphabetic()).count();
    letters > 0 && typed.chars().filter(|c| c.is_uppercase()).count() >= letters
}

/// Turns a table reading error into the crate error.
pub(crate) fn bad_line(origin: &str, line: usize, reason: String) -> Error {
    Error::InvalidThesaurus { origin: origin.to_string(), line, reason }
}

/// Reads a whole file for [`Thesaurus::load_aliases`] / [`Thesaurus::load_synonyms`].
pub(crate) fn read(path: &std::path::Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(Error::Io)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "\
fr: Corée | en: Korea
fr: Corée du Nord | en: North Korea
fr: ONU, Onu, Nations unies | en: UN, United Nations
fr: OMS | en: WHO
fr: Amazonie | en: (Amazon)
fr: Chili | en: Chile
fr: Mexique | en: Mexico
fr: Mexico | en: Mexico City
";

    /// The names `text` expands to, as (name, language code) strings.
    fn expand(t: &Thesaurus, text: &str) -> Vec<String> {
        t.expansions(text)
            .into_iter()
            .map(|(n, l)| format!("{n}/{}", l.map_or("*", |l| l.code())))
            .collect()
    }

    #[test]
    fn the_graph_matches_longest_names_case_aware() {
        let t = Thesaurus::parse_aliases(TABLE).unwrap();
        let table: &[(&str, &[&str])] = &[
            // longest name first, never overlapping
            ("Corée du Nord", &["North Korea/en"]),
            ("coree du nord", &["North Korea/en"]),
            ("Corée du Sud", &["Korea/en"]),
            ("la Corée", &["Korea/en"]),
            // acronyms only in capitals; `Onu` is listed for small letters
            ("ONU", &["Nations unies/fr", "UN/en", "United Nations/en"]),
            ("onu", &["Nations unies/fr", "UN/en", "United Nations/en"]),
            ("l'ONU", &["Nations unies/fr", "UN/en", "United Nations/en"]),
            // one search per key: `Onu` (any case) covers `ONU`
            ("UN", &["Onu/fr", "Nations unies/fr", "United Nations/en"]),
            ("un", &[]),
            ("Un", &[]),
            ("WHO", &["OMS/fr"]),
            ("who", &[]),
            ("Who", &[]),
            ("oms", &[]),
            // inside a longer text, each name once
            ("l'OMS et l'ONU", &["WHO/en", "Nations unies/fr", "UN/en", "United Nations/en"]),
            // a name in parentheses is reached, never expands
            ("Amazonie", &["Amazon/en"]),
            ("Amazon", &[]),
            // one spelling, two entities: both expand
            ("Mexico", &["Mexique/fr", "Mexico City/en"]),
            ("Nations-Unies", &["Onu/fr", "UN/en", "United Nations/en"]),
            ("Chile", &["Chili/fr"]),
        ];
        for (text, want) in table {
            assert_eq!(expand(&t, text), *want, "{text:?}");
        }
    }

    #[test]
    fn extend_keeps_both_tables() {
        let mut t = Thesaurus::parse_aliases(TABLE).unwrap();
        let n = t.len();
        t.extend(&Thesaurus::parse_synonyms("Chili, piment").unwrap());
        assert_eq!(t.len(), n + 1);
        assert_eq!(expand(&t, "Chile"), ["Chili/fr"]);
        assert_eq!(expand(&t, "chili"), ["Chile/en", "piment/*"]);
        assert_eq!(t.kind(n), Some(GroupKind::Synonym));
    }

    #[test]
    fn acronyms_are_capitals_only() {
        for (text, want) in [
            ("ONU", true),
            ("U.N.", true),
            ("WHO", true),
            ("G7", false),
            ("G20", false),
            ("Otan", false),
            ("A", false),
            ("États-Unis", false),
            ("ÉU", true),
        ] {
            assert_eq!(is_acronym(text), want, "{text}");
        }
    }

    #[test]
    fn capitals_are_counted_on_the_word_not_its_article() {
        for (typed, term, want) in [
            ("l'OTAN", "otan", true),
            ("l'Otan", "otan", false),
            ("WHO", "who", true),
            ("Who", "who", false),
            ("U.N.", "un", true),
        ] {
            assert_eq!(typed_in_capitals(typed, term), want, "{typed}");
        }
    }
}
