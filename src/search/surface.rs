//! Folded term → its usual written form (`numerique` → `numérique`, `onu` → `ONU`), read
//! from the stored texts at query time.
//!
//! The exact-form field holds folded words only (no case, no accents), which is what
//! completion and « did you mean » find. Rather than index the written forms too (one more
//! term per word, paid by every article at indexing time, and a new schema), the form is
//! read back when it is needed, for the handful of words a response shows: about
//! [`SAMPLE_DOCS`] articles that hold the word, spread over the index, are loaded from the
//! document store, their
//! title, lead and body are run through the exact-form analyzer, and the word's occurrences
//! are counted by how they are written. The accents are those most often written; the word
//! is in small letters unless it is nearly always written with capitals (a name, an acronym).
//!
//! Cost: a few document-store reads per word (each decompresses one store block); one
//! search response asks for at most a few words.

use std::collections::HashMap;

use tantivy::schema::{IndexRecordOption, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocSet, Searcher, TantivyDocument, Term, TERMINATED};

use crate::analysis::fold;
use crate::index::NewsSchema;

/// Articles read per word.
pub const SAMPLE_DOCS: usize = 8;

/// Reads written forms; holds the analyzer it tokenizes with.
pub(crate) struct Surfaces<'a> {
    searcher: &'a Searcher,
    schema: &'a NewsSchema,
    exact: &'a mut TextAnalyzer,
    sample: usize,
}

impl<'a> Surfaces<'a> {
    pub(crate) fn new(
        searcher: &'a Searcher,
        schema: &'a NewsSchema,
        exact: &'a mut TextAnalyzer,
    ) -> Surfaces<'a> {
        Surfaces { searcher, schema, exact, sample: SAMPLE_DOCS }
    }

    /// Reads at most `docs` articles per word (default [`SAMPLE_DOCS`]).
    pub(crate) fn sampling(mut self, docs: usize) -> Surfaces<'a> {
        self.sample = docs.max(1);
        self
    }

    /// The usual written form of the folded `term`, `None` when no live article holds it;
    /// among the forms that hold the accented letters of `typed` when there are such forms:
    /// a reader who typed `accusé` means `accusé`, not `accuse`.
    pub(crate) fn written_like(
        &mut self,
        term: &str,
        typed: &str,
    ) -> tantivy::Result<Option<String>> {
        let mut counts: HashMap<String, usize> = HashMap::new();
        let field = self.schema.exact;
        let readers = self.searcher.segment_readers();
        let all: u64 = readers.iter().map(|r| u64::from(r.max_doc())).sum();
        for (ord, reader) in readers.iter().enumerate() {
            let index = reader.inverted_index(field)?;
            let Some(mut postings) = index
                .read_postings(&Term::from_field_text(field, term), IndexRecordOption::Basic)?
            else {
                continue;
            };
            // Samples spread over the segment's documents, in proportion to its size: the
            // first articles of an index (all of one source, one language) would bias it.
            let max_doc = reader.max_doc();
            let share = (self.sample as u64 * u64::from(max_doc)).div_ceil(all.max(1)).max(1);
            let stride = (u64::from(max_doc) / share).max(1) as u32;
            let mut taken = 0;
            let mut doc = postings.doc();
            while doc != TERMINATED && taken < share {
                if !reader.is_deleted(doc) {
                    let address = tantivy::DocAddress::new(ord as u32, doc);
                    let stored: TantivyDocument = self.searcher.doc(address)?;
                    self.count(&stored, term, &mut counts);
                    taken += 1;
                }
                let next = doc.saturating_add(stride);
                doc = if next > doc + 1 { postings.seek(next) } else { postings.advance() };
            }
        }
        let accents: Vec<char> = typed.to_lowercase().chars().filter(|c| !c.is_ascii()).collect();
        if !accents.is_empty() {
            let like: HashMap<String, usize> = counts
                .iter()
                .filter(|(form, _)| {
                    let lower = form.to_lowercase();
                    accents.iter().all(|a| lower.contains(*a))
                })
                .map(|(f, n)| (f.clone(), *n))
                .collect();
            if !like.is_empty() {
                return Ok(choose(&like));
            }
        }
        Ok(choose(&counts))
    }

    /// Counts the written forms of `term` in a stored article.
    fn count(&mut self, doc: &TantivyDocument, term: &str, counts: &mut HashMap<String, usize>) {
        let s = self.schema;
        for field in [s.stored_title, s.stored_lead, s.stored_body] {
            let Some(text) = doc.get_first(field).and_then(|v| v.as_str()) else { continue };
            let mut stream = self.exact.token_stream(text);
            while let Some(tok) = stream.next() {
                if tok.text != term {
                    continue;
                }
                if let Some(slice) = text.get(tok.offset_from..tok.offset_to) {
                    *counts.entry(without_article(slice, term).to_string()).or_default() += 1;
                }
            }
        }
    }
}

/// `slice` without an elided article the token spans (`l’Élysée` → `Élysée`).
pub(crate) fn without_article<'s>(slice: &'s str, term: &str) -> &'s str {
    match slice.rfind(['\'', '’', 'ʼ', '‘', '′']) {
        Some(i) => {
            let rest = &slice[i..];
            let rest = rest.char_indices().nth(1).map_or("", |(j, _)| &rest[j..]);
            if !rest.is_empty() && fold(rest) == term {
                rest
            } else {
                slice
            }
        }
        None => slice,
    }
}

/// The accents most often written; small letters when a quarter of the occurrences at least
/// are in small letters (a name is hardly ever written so; an ordinary word is capitalized
/// mostly at the start of a headline or sentence), else the most frequent form as written
/// (`Paris`, `ONU`).
fn choose(counts: &HashMap<String, usize>) -> Option<String> {
    let mut by_lower: HashMap<String, usize> = HashMap::new();
    let mut lower = 0;
    let mut total = 0;
    for (form, n) in counts {
        let l = form.to_lowercase();
        if *form == l {
            lower += n;
        }
        total += n;
        *by_lower.entry(l).or_default() += n;
    }
    // Most frequent, ties broken by the string so that the answer never depends on hashing.
    let best = |m: &HashMap<String, usize>| {
        m.iter().max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0))).map(|(f, _)| f.clone())
    };
    let accents = best(&by_lower)?;
    if lower * 4 >= total {
        return Some(accents);
    }
    let cased: HashMap<String, usize> = counts
        .iter()
        .filter(|(f, _)| f.to_lowercase() == accents)
        .map(|(f, n)| (f.clone(), *n))
        .collect();
    best(&cased).or(Some(accents))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(forms: &[(&str, usize)]) -> HashMap<String, usize> {
        forms.iter().map(|(f, n)| (f.to_string(), *n)).collect()
    }

    #[test]
    fn the_usual_written_form_wins() {
        let table: &[(&[(&str, usize)], &str)] = &[
            (&[("numérique", 5), ("Numérique", 2), ("numerique", 1)], "numérique"),
            (&[("Paris", 9), ("PARIS", 1)], "Paris"),
            (&[("ONU", 4), ("Onu", 1)], "ONU"),
            (&[("Élysée", 9), ("élysée", 1)], "Élysée"),
            (&[("Gouvernement", 3), ("gouvernement", 2)], "gouvernement"),
        ];
        for (forms, want) in table {
            assert_eq!(choose(&counts(forms)).as_deref(), Some(*want), "{forms:?}");
        }
        assert_eq!(choose(&HashMap::new()), None);
    }

    #[test]
    fn elided_articles_are_dropped() {
        assert_eq!(without_article("l’Élysée", "elysee"), "Élysée");
        assert_eq!(without_article("d'Assemblée", "assemblee"), "Assemblée");
        assert_eq!(without_article("aujourd’hui", "aujourdhui"), "aujourd’hui");
        assert_eq!(without_article("Élysée", "elysee"), "Élysée");
    }
}
