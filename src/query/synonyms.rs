//! User synonyms in the Solr / Elasticsearch synonym format, read into a [`Thesaurus`].

use std::path::Path;

use super::aliases::{split_escaped, unescape};
use super::thesaurus::{bad_line, read, GroupKind, RawName, Thesaurus};
use crate::analysis::exact_analyzer;
use crate::Result;

/// Splits at each unescaped `=>`.
fn split_arrow(line: &str) -> Vec<String> {
    // `=>` is two chars: mark it with a char that cannot be typed in a line, then split.
    const MARK: char = '\u{0}';
    let mut marked = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                marked.push('\\');
                if let Some(n) = chars.next() {
                    marked.push(n);
                }
            }
            '=' if chars.peek() == Some(&'>') => {
                chars.next();
                marked.push(MARK);
            }
            _ => marked.push(c),
        }
    }
    split_escaped(&marked, MARK)
}

/// The entries of one side of a line, trimmed and unescaped.
fn entries(side: &str) -> std::result::Result<Vec<String>, String> {
    split_escaped(side, ',')
        .iter()
        .map(|e| {
            let e = unescape(e.trim());
            if e.trim().is_empty() {
                Err("an empty entry (two commas in a row, or a comma at an end)".to_string())
            } else {
                Ok(e.trim().to_string())
            }
        })
        .collect()
}

impl Thesaurus {
    /// Reads user synonyms in the Solr / Elasticsearch synonym format:
    ///
    /// ```text
    /// # blank lines and lines starting with '#' are ignored
    /// canapé, sofa, divan          # equivalent: each one also searches the others
    /// i-pod, i pod => ipod         # explicit: `i-pod` and `i pod` are searched as `ipod`
    /// sncf, société nationale des chemins de fer français
    /// ```
    ///
    /// - `a, b, c`: equivalent entries; a typed `a` also searches `b` and `c` (at the weight of
    ///   entity aliases, [`crate::query::Boosts::alias`], below the typed word), and so on.
    /// - `a, b => c, d`: a typed `a` or `b` is *replaced* by `c` and `d`, searched at full
    ///   weight (keep `a` on the right to search it too: `a => a, c`); `c` and `d` do not
    ///   search `a`. Several lines for the same entry add up.
    /// - Entries may have several words (`united states`) and are matched like entity
    ///   aliases: case, accents and hyphens do not matter, except that an entry written in
    ///   capitals only is an acronym, matched only by a word typed in capitals. Synonyms are
    ///   searched in the fields of both languages. `\,` and `\=>` stand for themselves.
    ///
    /// A `#` after a space starts a comment, as at the start of a line.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidThesaurus`] for the first bad line, with its number: an empty
    /// entry, an empty side of `=>`, more than one `=>`, a single entry with no `=>`
    /// (which defines nothing), an entry with no letter or digit, or one of more than
    /// [`crate::query::MAX_NAME_WORDS`] words. A bad line is never skipped.
    ///
    /// ```
    /// use depeche::query::Thesaurus;
    /// let t = Thesaurus::parse_synonyms("canapé, sofa\nteh => the\n").unwrap();
    /// assert_eq!(t.len(), 2);
    /// let err = Thesaurus::parse_synonyms("canapé, sofa\n\na => b => c\n").unwrap_err();
    /// assert_eq!(err.to_string(), "synonyms, line 3: more than one '=>' on the line");
    /// ```
    pub fn parse_synonyms(text: &str) -> Result<Thesaurus> {
        parse_synonyms_from(text, "synonyms")
    }

    /// [`Thesaurus::parse_synonyms`] on the file at `path` (errors name the file).
    ///
    /// # Errors
    ///
    /// [`crate::Error::Io`] when the file cannot be read; [`crate::Error::InvalidThesaurus`]
    /// for a bad line.
    ///
    /// ```no_run
    /// let synonyms = depeche::query::Thesaurus::load_synonyms("synonyms.txt").unwrap();
    /// println!("{} synonym groups", synonyms.len());
    /// ```
    pub fn load_synonyms(path: impl AsRef<Path>) -> Result<Thesaurus> {
        let path = path.as_ref();
        parse_synonyms_from(&read(path)?, &path.display().to_string())
    }
}

fn strip_comment(line: &str) -> &str {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') {
        return "";
    }
    let mut prev_space = false;
    for (i, c) in line.char_indices() {
        if c == '#' && prev_space {
            return &line[..i];
        }
        prev_space = c.is_whitespace();
    }
    line
}

fn parse_synonyms_from(text: &str, origin: &str) -> Result<Thesaurus> {
    let mut analyzer = exact_analyzer();
    let mut t = Thesaurus::empty();
    for (i, line) in text.lines().enumerate() {
        let line = strip_comment(line).trim();
        if line.is_empty() {
            continue;
        }
        let bad = |reason: String| bad_line(origin, i + 1, reason);
        let sides = split_arrow(line);
        let (raw, kind): (Vec<(String, bool, bool)>, GroupKind) = match sides.as_slice() {
            [all] => {
                let all = entries(all).map_err(bad)?;
                if all.len() < 2 {
                    return Err(bad(
                        "a single entry without '=>' defines no synonym (write `a, b` or `a => b`)"
                            .into(),
                    ));
                }
                (all.into_iter().map(|e| (e, true, true)).collect(), GroupKind::Synonym)
            }
            [from, to] => {
                if from.trim().is_empty() || to.trim().is_empty() {
                    return Err(bad("an empty side of '=>'".into()));
                }
                let from = entries(from).map_err(bad)?;
                let to = entries(to).map_err(bad)?;
                let raw = from
                    .into_iter()
                    .map(|e| (e, true, false))
                    .chain(to.into_iter().map(|e| (e, false, true)))
                    .collect();
                (raw, GroupKind::Replacement)
            }
            _ => return Err(bad("more than one '=>' on the line".into())),
        };
        let names: Vec<RawName<'_>> = raw
            .iter()
            .map(|(text, expands, target)| RawName {
                text,
                lang: None,
                expands: *expands,
                target: *target,
            })
            .collect();
        t.push_group(&mut analyzer, &names, kind).map_err(bad)?;
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    fn line_error(text: &str) -> (usize, String) {
        match Thesaurus::parse_synonyms(text) {
            Err(Error::InvalidThesaurus { line, reason, .. }) => (line, reason),
            other => panic!("{text:?}: {other:?}"),
        }
    }

    #[test]
    fn solr_lines_parse() {
        // (file, groups, (group, names as (text, expands, target)) checked)
        let t = Thesaurus::parse_synonyms(
            "# comment\n\n  # indented comment\ncouch, sofa, divan\n\
             i-pod, i pod => ipod\nsea biscuit, sea biscit => seabiscuit # fix\n\
             a\\,b, c\nfoo => foo, bar\n",
        )
        .unwrap();
        assert_eq!(t.len(), 5);
        let names = |g: usize| -> Vec<(String, bool, bool)> {
            t.names(g).iter().map(|n| (n.text.clone(), n.expands, n.target)).collect()
        };
        let s = |x: &str| x.to_string();
        assert_eq!(
            names(0),
            [(s("couch"), true, true), (s("sofa"), true, true), (s("divan"), true, true)]
        );
        assert_eq!(
            names(1),
            [(s("i-pod"), true, false), (s("i pod"), true, false), (s("ipod"), false, true)]
        );
        assert_eq!(t.kind(1), Some(GroupKind::Replacement));
        assert_eq!(names(2)[2], (s("seabiscuit"), false, true));
        assert_eq!(names(3)[0].0, "a,b");
        assert_eq!(
            names(4),
            [(s("foo"), true, false), (s("foo"), false, true), (s("bar"), false, true)]
        );
        assert!(t.names(1).iter().all(|n| n.lang.is_none()));
    }

    #[test]
    fn bad_solr_lines_are_errors_with_their_number() {
        let table: &[(&str, usize, &str)] = &[
            ("a, b\nc", 2, "single entry"),
            ("a,, b", 1, "empty entry"),
            ("a, b,", 1, "empty entry"),
            ("a => ", 1, "empty side"),
            (" => b", 1, "empty side"),
            ("a => b => c", 1, "more than one"),
            ("ok, fine\n\n\n..., a", 4, "no letter or digit"),
        ];
        for (text, line, reason) in table {
            let (got, r) = line_error(text);
            assert_eq!(got, *line, "{text:?}: {r}");
            assert!(r.contains(reason), "{text:?}: {r}");
        }
    }

    #[test]
    fn escaped_arrow_is_text() {
        let t = Thesaurus::parse_synonyms("a\\=>b, c").unwrap();
        assert_eq!(t.kind(0), Some(GroupKind::Synonym));
        assert_eq!(t.names(0)[0].text, "a=>b");
    }
}
