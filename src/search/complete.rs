//! Completion of the word a reader is typing: [`NewsIndex::complete`].
//!
//! Words, not headlines: a reader who types `numeri` wants `numérique`, and a word finds
//! every article a headline would and more; titles would also repeat the same story a dozen
//! times. The candidates are the words of the exact-form field (folded, unstemmed: case and
//! accents free) that start with the folded prefix, read from each segment's term dictionary
//! (a sorted FST: a range walk, no scan of the whole dictionary), ranked by the number of
//! articles that hold them. Inflections are kept apart (`numérique`, `numériques`): the
//! reader is typing one form, and grouping them under the most frequent one hid the intended
//! word more often than it made room for another (docs/query.md). Each is shown in its usual written form, accents and capitals restored from the stored texts
//! ([`surface`](super::surface)).

use std::collections::HashMap;

use super::surface::Surfaces;
use crate::error::contain_panic;
use crate::index::NewsIndex;
use crate::query::prefix_end;
use crate::Result;

/// Most completions returned.
pub const MAX_COMPLETIONS: usize = 100;
/// Dictionary terms looked at per segment: bounds the cost of a one-letter prefix on a large
/// index (the most frequent words of such a prefix are nearly always among them).
pub const MAX_SCANNED_TERMS: usize = 100_000;
/// Articles read per completion to restore its written form.
const SAMPLE_DOCS: usize = 4;

/// Where the word being typed starts in `prefix` (after the last space, quote or bracket).
fn last_word_start(prefix: &str) -> usize {
    prefix
        .char_indices()
        .rfind(|(_, c)| c.is_whitespace() || matches!(c, '"' | '«' | '»' | '“' | '”' | '(' | ')'))
        .map_or(0, |(i, c)| i + c.len_utf8())
}

impl NewsIndex {
    /// The `k` most frequent words of the index (at most [`MAX_COMPLETIONS`]) that start with
    /// the last word of `prefix`, accents and case free, each in its usual written form; the
    /// text before that word is kept as typed (`transformation numeri` →
    /// `transformation numérique`, …). An elided article stays (`l'assem` → `l'Assemblée`).
    /// Empty when `prefix` is empty or ends with a space (no word is being typed).
    ///
    /// # Errors
    ///
    /// tantivy errors; [`crate::Error::Internal`] when tantivy panicked on a damaged index.
    ///
    /// ```
    /// use depeche::{Article, NewsIndex};
    /// # fn main() -> depeche::Result<()> {
    /// let index = NewsIndex::create_in_ram()?;
    /// for (id, body) in [("1", "La transformation numérique."), ("2", "Le numérique et la numérisation."),
    ///                    ("3", "Des services numériques.")] {
    ///     index.add(&Article { id: id.into(), title: "Presse".into(), body: body.into(), ..Default::default() })?;
    /// }
    /// index.commit()?;
    /// assert_eq!(index.complete("numeri", 5)?, ["numérique", "numériques", "numérisation"]);
    /// assert_eq!(index.complete("la NUMÉ", 1)?, ["la numérique"]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn complete(&self, prefix: &str, k: usize) -> Result<Vec<String>> {
        contain_panic("completing", || self.complete_unguarded(prefix, k))
    }

    fn complete_unguarded(&self, prefix: &str, k: usize) -> Result<Vec<String>> {
        let k = k.min(MAX_COMPLETIONS);
        if k == 0 || prefix.chars().last().is_none_or(char::is_whitespace) {
            return Ok(Vec::new());
        }
        let start = last_word_start(prefix);
        let typed = &prefix[start..];
        let mut analyzers = self.take_analyzers();
        let result = self.completions(&mut analyzers, &prefix[..start], typed, k);
        self.give_back_analyzers(analyzers);
        result
    }

    fn completions(
        &self,
        analyzers: &mut crate::index::Analyzers,
        head: &str,
        typed: &str,
        k: usize,
    ) -> Result<Vec<String>> {
        // The last word of what is typed, folded; what comes before it in `typed` (an elided
        // article, the first part of a compound) is kept as typed.
        let mut last: Option<(usize, usize, String)> = None;
        let mut stream = analyzers.exact.token_stream(typed);
        while let Some(tok) = stream.next() {
            if last.as_ref().is_none_or(|(p, _, _)| *p != tok.position) {
                last = Some((tok.position, tok.offset_from, tok.text.clone()));
            }
        }
        drop(stream);
        let Some((_, from, folded)) = last else {
            return Ok(Vec::new());
        };
        let word = &typed[from..];
        let article = word.len() - super::surface::without_article(word, &folded).len();
        let keep = format!("{head}{}", &typed[..from + article]);

        let searcher = self.searcher();
        let field = self.schema().exact;
        let mut freq: HashMap<String, u64> = HashMap::new();
        for reader in searcher.segment_readers() {
            let index = reader.inverted_index(field)?;
            let mut range = index.terms().range().ge(folded.as_bytes());
            if let Some(end) = prefix_end(folded.as_bytes()) {
                range = range.lt(end);
            }
            let mut stream = range.into_stream()?;
            let mut seen = 0;
            while seen < MAX_SCANNED_TERMS && stream.advance() {
                seen += 1;
                if let Ok(term) = std::str::from_utf8(stream.key()) {
                    *freq.entry(term.to_string()).or_default() +=
                        u64::from(stream.value().doc_freq);
                }
            }
        }
        let mut ranked: Vec<(String, u64)> = freq.into_iter().collect();
        ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        // A term found in no live article (the dictionary still counts deleted ones until
        // their segment is merged) has no written form and is left out.
        let schema = self.schema();
        let mut out = Vec::with_capacity(k);
        for (term, _) in &ranked {
            if out.len() == k {
                break;
            }
            let written = Surfaces::new(&searcher, schema, &mut analyzers.exact)
                .sampling(SAMPLE_DOCS)
                .written_like(term, &typed[from + article..])?;
            if let Some(written) = written {
                out.push(format!("{keep}{written}"));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_word_is_completed() {
        for (prefix, start) in [
            ("numeri", 0),
            ("transformation numeri", 15),
            ("\"le monde", 4),
            ("(a OR b) c", 9),
            ("", 0),
        ] {
            assert_eq!(last_word_start(prefix), start, "{prefix:?}");
        }
    }
}
