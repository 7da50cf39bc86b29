//! Snippets: a window of the original stored text around the matches, with highlight ranges
//! and escaped HTML.

use std::ops::Range;

use crate::analysis::Lang;
use crate::index::Analyzers;
use crate::query::{lang_slot, Highlight};
use serde::Serialize;

/// Target snippet length in bytes (the window is cut on word and char boundaries).
pub const SNIPPET_LEN: usize = 220;

/// Which stored field a snippet comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SnippetField {
    /// The title.
    Title,
    /// The lead.
    Lead,
    /// The body.
    Body,
}

/// A window of an article's stored text with its matches.
///
/// `text` is a substring of the stored field starting at byte `start`; `highlights` are byte
/// ranges in `text`, sorted and disjoint, always on char boundaries. `html` is `text` escaped,
/// with `<mark>` around the highlights and `…` where the window cuts the field.
///
/// ```
/// use depeche::search::Snippet;
/// use depeche::search::SnippetField;
/// let text = "Le 1er <mai> à Paris";
/// let at = text.find("Paris").unwrap();
/// let s = Snippet::from_ranges(SnippetField::Body, text, 0, vec![at..at + 5], false);
/// assert_eq!(&s.text[s.highlights[0].clone()], "Paris");
/// assert_eq!(s.html, "Le 1er &lt;mai&gt; à <mark>Paris</mark>");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Snippet {
    /// Field of origin.
    pub field: SnippetField,
    /// The window, original text (accents and apostrophes intact).
    pub text: String,
    /// Byte offset of `text` in the field.
    pub start: usize,
    /// Highlighted byte ranges of `text`.
    pub highlights: Vec<Range<usize>>,
    /// `text` as escaped HTML with `<mark>` highlights.
    pub html: String,
}

impl Snippet {
    /// Builds a snippet from a window and its ranges (ranges outside `text` or not on char
    /// boundaries are dropped). `cut_end` adds `…` after the HTML; a non-zero `start` adds one
    /// before it.
    pub fn from_ranges(
        field: SnippetField,
        text: &str,
        start: usize,
        ranges: Vec<Range<usize>>,
        cut_end: bool,
    ) -> Snippet {
        let highlights: Vec<Range<usize>> = ranges
            .into_iter()
            .filter(|r| {
                r.start < r.end
                    && r.end <= text.len()
                    && text.is_char_boundary(r.start)
                    && text.is_char_boundary(r.end)
            })
            .collect();
        let mut html = String::with_capacity(text.len() + 32);
        if start > 0 {
            html.push('…');
        }
        let mut at = 0;
        for r in &highlights {
            if r.start < at {
                continue;
            }
            escape_into(&text[at..r.start], &mut html);
            html.push_str("<mark>");
            escape_into(&text[r.clone()], &mut html);
            html.push_str("</mark>");
            at = r.end;
        }
        escape_into(&text[at..], &mut html);
        if cut_end {
            html.push('…');
        }
        Snippet { field, text: text.to_string(), start, highlights, html }
    }
}

/// Appends `s` with `& < > " '` escaped.
pub fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Finds match ranges in stored texts. Holds its analyzers: make one per search.
pub(crate) struct Highlighter<'h> {
    highlight: &'h Highlight,
    analyzers: &'h mut Analyzers,
}

/// Whether `a` and `b` are within `max` edits (optimal string alignment: insertions,
/// deletions, substitutions, adjacent transpositions). Allocation-free for words of up to 63
/// chars; longer words only match when equal.
fn edit_distance_within(a: &str, b: &str, max: u8) -> bool {
    if a == b {
        return true;
    }
    const N: usize = 64;
    let max = usize::from(max);
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la.abs_diff(lb) > max || la >= N || lb >= N {
        return false;
    }
    let mut ac = ['\0'; N];
    let mut bc = ['\0'; N];
    for (slot, c) in ac.iter_mut().zip(a.chars()) {
        *slot = c;
    }
    for (slot, c) in bc.iter_mut().zip(b.chars()) {
        *slot = c;
    }
    // Three rolling rows (i-2, i-1, i) in one buffer, rotated by index.
    let mut rows = [[0usize; N]; 3];
    for (j, cell) in rows[1].iter_mut().enumerate().take(lb + 1) {
        *cell = j;
    }
    let (mut r2, mut r1, mut r0) = (0, 1, 2);
    for i in 1..=la {
        rows[r0][0] = i;
        let mut row_min = i;
        for j in 1..=lb {
            let cost = usize::from(ac[i - 1] != bc[j - 1]);
            let mut v = (rows[r1][j] + 1).min(rows[r0][j - 1] + 1).min(rows[r1][j - 1] + cost);
            if i > 1 && j > 1 && ac[i - 1] == bc[j - 2] && ac[i - 2] == bc[j - 1] {
                v = v.min(rows[r2][j - 2] + 1);
            }
            rows[r0][j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return false;
        }
        (r2, r1, r0) = (r1, r0, r2);
    }
    rows[r1][lb] <= max
}

impl<'h> Highlighter<'h> {
    pub(crate) fn new(highlight: &'h Highlight, analyzers: &'h mut Analyzers) -> Self {
        Highlighter { highlight, analyzers }
    }

    /// Sorted, merged byte ranges of the matches in `text`, an article of language `lang`.
    pub(crate) fn ranges(&mut self, text: &str, lang: Lang) -> Vec<Range<usize>> {
        let h = self.highlight;
        let slot = lang_slot(lang);
        let mut out: Vec<Range<usize>> = Vec::new();
        let terms = &h.terms[slot];
        let phrases = &h.phrases[slot];
        if !terms.is_empty() || !phrases.is_empty() {
            let analyzer = self.analyzers.of(lang);
            // (position, term, range)
            let mut toks: Vec<(usize, String, Range<usize>)> = Vec::new();
            let mut stream = analyzer.token_stream(text);
            while let Some(t) = stream.next() {
                if terms.contains(&t.text) {
                    out.push(t.offset_from..t.offset_to);
                }
                if !phrases.is_empty() {
                    toks.push((t.position, t.text.clone(), t.offset_from..t.offset_to));
                }
            }
            for seq in phrases {
                phrase_ranges(&toks, seq, &mut out);
            }
        }
        if !h.prefixes.is_empty() || !h.fuzzy.is_empty() {
            let mut stream = self.analyzers.exact.token_stream(text);
            while let Some(t) = stream.next() {
                let hit = h.prefixes.iter().any(|p| t.text.starts_with(p.as_str()))
                    || h.fuzzy.iter().any(|(w, d)| edit_distance_within(&t.text, w, *d));
                if hit {
                    out.push(t.offset_from..t.offset_to);
                }
            }
        }
        out.retain(|r| {
            r.start < r.end
                && r.end <= text.len()
                && text.is_char_boundary(r.start)
                && text.is_char_boundary(r.end)
        });
        out.sort_by_key(|r| (r.start, r.end));
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(out.len());
        for r in out {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        merged
    }
}

/// Marks every occurrence of the term sequence `seq` at consecutive positions.
fn phrase_ranges(
    toks: &[(usize, String, Range<usize>)],
    seq: &[String],
    out: &mut Vec<Range<usize>>,
) {
    let Some(first) = seq.first() else { return };
    for (i, (pos, term, range)) in toks.iter().enumerate() {
        if term != first {
            continue;
        }
        let mut end = range.end;
        let mut ok = true;
        for (k, want) in seq.iter().enumerate().skip(1) {
            let target = pos + k;
            let found = toks[i..]
                .iter()
                .take_while(|(p, _, _)| *p <= target)
                .find(|(p, t, _)| *p == target && t == want);
            match found {
                Some((_, _, r)) => end = end.max(r.end),
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            out.push(range.start..end);
        }
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The best window of `text` for `ranges` (the one covering the most matches), cut on
/// whitespace when possible, as a [`Snippet`].
pub(crate) fn window(field: SnippetField, text: &str, ranges: &[Range<usize>]) -> Snippet {
    let (mut start, mut end) = if ranges.is_empty() {
        (0, SNIPPET_LEN)
    } else {
        let mut best = (0usize, 0usize);
        for (i, r) in ranges.iter().enumerate() {
            let n = ranges[i..].iter().take_while(|o| o.end <= r.start + SNIPPET_LEN).count();
            if n > best.1 {
                best = (i, n);
            }
        }
        let anchor = ranges[best.0].start;
        let s = anchor.saturating_sub(SNIPPET_LEN / 5);
        (s, s + SNIPPET_LEN)
    };
    if end >= text.len() {
        end = text.len();
        start = start.min(end.saturating_sub(SNIPPET_LEN));
    }
    start = floor_boundary(text, start);
    end = floor_boundary(text, end);
    // Snap to whitespace, without cutting a match.
    if start > 0 {
        if let Some(ws) = text[start..].find(char::is_whitespace) {
            let cand = start + ws;
            if ranges.iter().all(|r| r.start >= cand || r.end <= start) && cand < end {
                start = floor_boundary(text, cand);
                while text[start..].starts_with(char::is_whitespace) {
                    let c = text[start..].chars().next().map_or(1, char::len_utf8);
                    start += c;
                }
            }
        }
    }
    if end < text.len() {
        if let Some(ws) = text[start..end].rfind(char::is_whitespace) {
            let cand = start + ws;
            if cand > start && ranges.iter().all(|r| r.end <= cand || r.start >= end) {
                end = cand;
            }
        }
    }
    let start = start.min(end);
    let cut_end = end < text.len();
    let local: Vec<Range<usize>> = ranges
        .iter()
        .filter(|r| r.start >= start && r.end <= end)
        .map(|r| r.start - start..r.end - start)
        .collect();
    Snippet::from_ranges(field, &text[start..end], start, local, cut_end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance() {
        assert!(edit_distance_within("gouvernement", "gouvernemnt", 1));
        assert!(edit_distance_within("abcd", "abdc", 1));
        assert!(!edit_distance_within("abcd", "dcba", 1));
    }

    proptest::proptest! {
        #[test]
        fn window_never_panics(text in "[a é\\n]{0,600}", a in 0usize..700, len in 0usize..30) {
            let a = floor_boundary(&text, a);
            let b = floor_boundary(&text, a + len);
            let ranges: Vec<Range<usize>> = (a < b).then_some(a..b).into_iter().collect();
            let s = window(SnippetField::Body, &text, &ranges);
            proptest::prop_assert!(text[s.start..].starts_with(&s.text));
        }
    }

    #[test]
    fn window_is_on_char_boundaries() {
        let text = "é".repeat(400) + " Élysée " + &"à".repeat(400);
        let at = text.find("Élysée").unwrap();
        let range = at..at + "Élysée".len();
        let s = window(SnippetField::Body, &text, std::slice::from_ref(&range));
        assert_eq!(&s.text[s.highlights[0].clone()], "Élysée");
        assert!(s.html.contains("<mark>Élysée</mark>"));
    }
}
