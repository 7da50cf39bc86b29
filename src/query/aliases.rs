//! The entity-alias table format (`data/aliases.txt`) and the table bundled with depeche.

use std::path::Path;
use std::sync::{Arc, LazyLock};

use super::thesaurus::{bad_line, read, GroupKind, RawName, Thesaurus};
use crate::analysis::{exact_analyzer, Lang};
use crate::Result;

/// The bundled table, `data/aliases.txt`.
pub const BUNDLED_ALIASES: &str = include_str!("../../data/aliases.txt");

static BUNDLED: LazyLock<Arc<Thesaurus>> = LazyLock::new(|| {
    // `bundled_aliases_parse` checks that this never falls back to the empty table.
    Arc::new(Thesaurus::parse_aliases(BUNDLED_ALIASES).unwrap_or_default())
});

pub(crate) fn bundled() -> Arc<Thesaurus> {
    Arc::clone(&BUNDLED)
}

/// Splits `s` at each unescaped `sep`; `\x` stands for `x`.
pub(crate) fn split_escaped(s: &str, sep: char) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(next), Some(last)) = (chars.next(), parts.last_mut()) {
                    if next != sep {
                        last.push('\\');
                    }
                    last.push(next);
                }
            }
            _ if c == sep => parts.push(String::new()),
            _ => {
                if let Some(last) = parts.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    parts
}

/// Drops `\` escapes (`\,` → `,`).
pub(crate) fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The line without its comment: from a `#` at the start or after a space.
fn strip_comment(line: &str) -> &str {
    let mut prev_space = true;
    for (i, c) in line.char_indices() {
        if c == '#' && prev_space {
            return &line[..i];
        }
        prev_space = c.is_whitespace();
    }
    line
}

/// One line's names, as (text, lang, receive-only), or why the line is wrong.
fn parse_line(line: &str) -> std::result::Result<Vec<(String, Lang, bool)>, String> {
    let mut names = Vec::new();
    for part in split_escaped(line, '|') {
        let part = part.trim();
        if part.is_empty() {
            return Err("an empty part between two '|'".into());
        }
        let Some((lang, list)) = part.split_once(':') else {
            return Err(format!("{part:?} does not start with a language (fr: or en:)"));
        };
        let lang: Lang = lang
            .trim()
            .parse()
            .map_err(|_| format!("unknown language {:?} (expected fr or en)", lang.trim()))?;
        for name in split_escaped(list, ',') {
            let name = name.trim();
            if name.is_empty() {
                return Err(format!("an empty name in {part:?}"));
            }
            let (name, receive_only) = match name.strip_prefix('(') {
                Some(inner) => match inner.strip_suffix(')') {
                    Some(inner) => (inner.trim(), true),
                    None => return Err(format!("{name:?}: unclosed parenthesis")),
                },
                None => (name, false),
            };
            if name.is_empty() {
                return Err("an empty name in parentheses".into());
            }
            names.push((unescape(name), lang, receive_only));
        }
    }
    if names.len() < 2 {
        return Err("a group needs two names at least".into());
    }
    if names.iter().all(|(_, _, receive_only)| *receive_only) {
        return Err("every name is in parentheses: none would expand".into());
    }
    Ok(names)
}

impl Thesaurus {
    /// Reads an entity-alias table (the format of the bundled `data/aliases.txt`).
    ///
    /// One entity per line; its names in French and in English, each list after its
    /// language, the lists separated by `|`, the names by `,`:
    ///
    /// ```text
    /// # A comment: from a '#' at the start of a line or after a space.
    /// fr: Organisation des Nations unies, Nations unies, ONU | en: United Nations, UN, U.N.
    /// fr: Maison-Blanche | en: White House
    /// fr: Amazonie, forêt amazonienne | en: Amazon rainforest, (Amazon)
    /// ```
    ///
    /// - Each name is searched in the fields of its language only (`Chili` in French
    ///   articles, `Chile` in English ones), analyzed by that language's analyzer.
    /// - Matching ignores case, accents, hyphens and elided articles (`Maison Blanche`,
    ///   `l'Élysée`), except for **acronyms**: a name written in capitals only (`ONU`,
    ///   `WHO`) is matched only by a word typed in capitals. List `Otan` beside `OTAN` for
    ///   an acronym a reader may type in small letters without ambiguity.
    /// - A name in parentheses is **found but never expands**: typing `Amazon` (the company,
    ///   often) searches only `Amazon`, while `Amazonie` also finds `Amazon`. Use it for
    ///   names that are also ordinary words or other entities.
    /// - `\,`, `\|`, `\(` stand for the character itself; a line needs two names at least.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidThesaurus`] for the first bad line, with its number and what is
    /// wrong: no language, an unknown one, an empty name, a single name, a name with no letter
    /// or digit, or one of more than [`crate::query::MAX_NAME_WORDS`] words.
    ///
    /// ```
    /// use depeche::query::Thesaurus;
    /// let t = Thesaurus::parse_aliases("# capitals\nfr: Pékin | en: Beijing, Peking\n").unwrap();
    /// assert_eq!(t.len(), 1);
    /// let err = Thesaurus::parse_aliases("fr: Londres | en: London\nfr: Rome\n").unwrap_err();
    /// assert_eq!(err.to_string(), "aliases, line 2: a group needs two names at least");
    /// ```
    pub fn parse_aliases(text: &str) -> Result<Thesaurus> {
        parse_aliases_from(text, "aliases")
    }

    /// [`Thesaurus::parse_aliases`] on the file at `path` (errors name the file).
    ///
    /// # Errors
    ///
    /// [`crate::Error::Io`] when the file cannot be read; [`crate::Error::InvalidThesaurus`]
    /// for a bad line.
    ///
    /// ```no_run
    /// let mut aliases = (*depeche::query::Thesaurus::bundled()).clone();
    /// aliases.extend(&depeche::query::Thesaurus::load_aliases("newsroom-aliases.txt").unwrap());
    /// ```
    pub fn load_aliases(path: impl AsRef<Path>) -> Result<Thesaurus> {
        let path = path.as_ref();
        parse_aliases_from(&read(path)?, &path.display().to_string())
    }
}

fn parse_aliases_from(text: &str, origin: &str) -> Result<Thesaurus> {
    let mut analyzer = exact_analyzer();
    let mut t = Thesaurus::empty();
    for (i, line) in text.lines().enumerate() {
        let line = strip_comment(line).trim();
        if line.is_empty() {
            continue;
        }
        let names = parse_line(line).map_err(|reason| bad_line(origin, i + 1, reason))?;
        let raw: Vec<RawName<'_>> = names
            .iter()
            .map(|(text, lang, receive_only)| RawName {
                text,
                lang: Some(*lang),
                expands: !receive_only,
                target: true,
            })
            .collect();
        t.push_group(&mut analyzer, &raw, GroupKind::Alias)
            .map_err(|reason| bad_line(origin, i + 1, reason))?;
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_aliases_parse() {
        let t = Thesaurus::parse_aliases(BUNDLED_ALIASES).unwrap();
        assert!(t.len() >= 300, "{} groups", t.len());
        assert_eq!(Thesaurus::bundled().len(), t.len());
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let table: &[(&str, usize, &str)] = &[
            ("Londres | en: London", 1, "does not start with a language"),
            ("de: Berlin | en: Berlin", 1, "unknown language \"de\""),
            ("fr: Londres,, Londre | en: London", 1, "an empty name"),
            ("fr: Londres || en: London", 1, "an empty part"),
            ("fr: Londres", 1, "two names at least"),
            ("# ok\n\nfr: (Londres) | en: (London)", 3, "none would expand"),
            ("fr: (Londres | en: London", 1, "unclosed parenthesis"),
            ("fr: Londres | en: ---", 1, "no letter or digit"),
            (
                "fr: Londres | en: London\nen: a b c d e f g h i j k l m n o p q | fr: x",
                2,
                "more than",
            ),
        ];
        for (text, line, reason) in table {
            let err = Thesaurus::parse_aliases(text).unwrap_err();
            match &err {
                crate::Error::InvalidThesaurus { line: got, reason: r, .. } => {
                    assert_eq!(got, line, "{text:?}: {err}");
                    assert!(r.contains(reason), "{text:?}: {err}");
                }
                other => panic!("{text:?}: {other}"),
            }
        }
    }

    #[test]
    fn escapes_and_comments() {
        let t = Thesaurus::parse_aliases(
            "fr: Bonaire\\, Saint-Eustache et Saba | en: Caribbean Netherlands # BES islands",
        )
        .unwrap();
        assert_eq!(t.names(0)[0].text, "Bonaire, Saint-Eustache et Saba");
        assert_eq!(t.names(0)[1].text, "Caribbean Netherlands");
        assert_eq!(split_escaped("a\\,b,c", ','), ["a,b", "c"]);
    }
}
