//! Word segmentation on the original text: where each word unit starts and ends.
//!
//! A *unit* is a run of *pieces* (maximal runs of word characters) glued by *joiners* that
//! belong to the word rather than separating words:
//!
//! | joiner | between | example |
//! |---|---|---|
//! | apostrophe `' ’ ʼ ‘ ′` | word characters | `l’ASEAN`, `aujourd’hui`, `ASEAN’s` |
//! | hyphen `- ‐ ‑` | word characters | `Saint-Étienne`, `a-t-il`, `COVID-19` |
//! | dot | two single letters (acronym) or two digits (decimal) | `O.N.U.`, `3.5` |
//! | comma | two digits | `3,5` (French decimal), `2,500` (English thousands) |
//! | space, U+00A0, U+202F, U+2009 | a group of 1–3 digits and exactly 3 digits | `2 500 000` |
//!
//! Word characters are the alphanumeric characters, the combining marks (so NFD input such as
//! `e` + U+0301 stays in its word) and the invisible in-word characters U+00AD, U+200C,
//! U+200D, U+2060. Everything else separates words, including no-break spaces outside numbers.
//! The segmenter never alters the text: pieces are byte ranges on char boundaries.

use unicode_normalization::char::is_combining_mark;

use super::fold::is_invisible;

/// The most pieces in one unit; a longer run of joined pieces is cut into several units.
pub(crate) const MAX_PIECES: usize = 16;

/// What glues a piece to the piece before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Joiner {
    /// The first piece of a unit.
    Start,
    /// An apostrophe of any form.
    Apostrophe,
    /// A hyphen.
    Hyphen,
    /// A dot inside an acronym (`O.N.U`).
    AcronymDot,
    /// The decimal separator of a number (`3.5`, French `3,5`).
    Decimal,
    /// A thousands separator (`2 500`, English `2,500`).
    Thousands,
}

/// A maximal run of word characters inside a unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Piece {
    pub start: usize,
    pub end: usize,
    pub joiner: Joiner,
    /// [`LETTER`], [`DIGIT`], [`UPPER`], [`NON_ASCII`]: what the piece holds.
    pub flags: u8,
}

/// How digits are grouped and which mark is decimal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NumberStyle {
    /// `2 500 000,5`: space-like thousands separators, decimal comma (a dot is decimal too).
    French,
    /// `2,500,000.5`: comma (or space) thousands separators, decimal dot.
    English,
}

/// What [`next_unit`] found after the unit.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct UnitEnd {
    /// The unit is followed by an apostrophe that joins nothing (`l' OMS`).
    pub dangling_apostrophe: bool,
}

#[inline]
pub(crate) fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '‘' | '′')
}

#[inline]
fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

#[inline]
fn is_group_space(c: char) -> bool {
    matches!(c, ' ' | '\u{00A0}' | '\u{202F}' | '\u{2009}')
}

/// Whether `c` belongs to a word.
#[inline]
pub(crate) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    if ('\u{C0}'..='\u{24F}').contains(&c) {
        // Latin-1 and Latin Extended-A/B: all letters but × and ÷
        return c != '×' && c != '÷';
    }
    // U+02BC ʼ is a letter for Unicode, an apostrophe for us
    (c.is_alphanumeric() && c != 'ʼ') || is_combining_mark(c) || is_invisible(c)
}

#[inline]
fn char_at(text: &str, pos: usize) -> Option<char> {
    text.get(pos..).and_then(|s| s.chars().next())
}

/// [`Piece::flags`]: the piece has an ASCII letter.
pub(crate) const LETTER: u8 = 1;
/// [`Piece::flags`]: the piece has an ASCII digit.
pub(crate) const DIGIT: u8 = 2;
/// [`Piece::flags`]: the piece has an ASCII uppercase letter.
pub(crate) const UPPER: u8 = 4;
/// [`Piece::flags`]: the piece has a non-ASCII character.
pub(crate) const NON_ASCII: u8 = 8;

/// The [`Piece::flags`] of each ASCII byte; 0 for the bytes that end a piece.
static ASCII_CLASS: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_digit() {
            DIGIT
        } else if c.is_ascii_uppercase() {
            LETTER | UPPER
        } else if c.is_ascii_lowercase() {
            LETTER
        } else {
            0
        };
        b += 1;
    }
    table
};

/// The end of the run of word characters starting at `pos`, and its flags.
#[inline]
fn piece_end(text: &str, mut pos: usize) -> (usize, u8) {
    let bytes = text.as_bytes();
    let mut flags = 0;
    while let Some(&b) = bytes.get(pos) {
        if b < 0x80 {
            let class = ASCII_CLASS[b as usize];
            if class == 0 {
                break;
            }
            flags |= class;
            pos += 1;
            continue;
        }
        match char_at(text, pos) {
            Some(c) if is_word_char(c) => {
                flags |= NON_ASCII;
                pos += c.len_utf8();
            }
            _ => break,
        }
    }
    (pos, flags)
}

/// Whether `text[pos..]` starts with exactly `n` ASCII digits followed by no word character.
fn exactly_digits(text: &str, pos: usize, n: usize) -> bool {
    let bytes = text.as_bytes();
    if pos + n > bytes.len() || !bytes[pos..pos + n].iter().all(u8::is_ascii_digit) {
        return false;
    }
    !matches!(char_at(text, pos + n), Some(c) if is_word_char(c))
}

fn is_single_letter(s: &str) -> bool {
    let mut chars = s.chars().filter(|&c| !is_combining_mark(c));
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_alphabetic())
}

/// Finds the next unit at or after `*cursor`, fills `pieces` with it and moves `*cursor`
/// past it. Returns `None` when the text has no more words.
pub(crate) fn next_unit(
    text: &str,
    cursor: &mut usize,
    style: NumberStyle,
    pieces: &mut Vec<Piece>,
) -> Option<UnitEnd> {
    pieces.clear();
    let bytes = text.as_bytes();
    let mut pos = *cursor;
    // skip separators
    loop {
        if pos >= bytes.len() {
            *cursor = pos;
            return None;
        }
        let b = bytes[pos];
        if b < 0x80 {
            if ASCII_CLASS[b as usize] != 0 {
                break;
            }
            pos += 1;
            continue;
        }
        match char_at(text, pos) {
            Some(c) if is_word_char(c) => break,
            Some(c) => pos += c.len_utf8(),
            None => pos += 1, // never happens on a &str, kept for safety
        }
    }
    let mut joiner = Joiner::Start;
    let mut all_digits = true;
    let mut seen_decimal = false;
    let mut end = UnitEnd::default();
    loop {
        let start = pos;
        let flags;
        (pos, flags) = piece_end(text, pos);
        pieces.push(Piece { start, end: pos, joiner, flags });
        let piece = &text[start..pos];
        let digits = flags == DIGIT;
        all_digits &= digits;
        if pieces.len() >= MAX_PIECES {
            break;
        }
        match bytes.get(pos) {
            None => break,
            // fast track: what ends most words cannot join anything
            Some(&b) if b < 0x80 && !matches!(b, b'\'' | b'-' | b'.' | b',' | b' ') => break,
            Some(&b' ') if !digits => break,
            _ => {}
        }
        let Some(c) = char_at(text, pos) else { break };
        let after = pos + c.len_utf8();
        let next = char_at(text, after);
        let next_is_word = matches!(next, Some(n) if is_word_char(n));
        let next_is_digit = matches!(next, Some(n) if n.is_ascii_digit());
        let first_group = pieces.len() == 1 || joiner != Joiner::Thousands;
        let group_ok = if first_group { (1..=3).contains(&piece.len()) } else { piece.len() == 3 };
        joiner = if is_apostrophe(c) {
            if !next_is_word {
                end.dangling_apostrophe = true;
                break;
            }
            Joiner::Apostrophe
        } else if is_hyphen(c) && next_is_word {
            Joiner::Hyphen
        } else if c == '.' && digits && next_is_digit && !seen_decimal {
            seen_decimal = true;
            Joiner::Decimal
        } else if c == '.'
            && is_single_letter(piece)
            && matches!(next, Some(n) if n.is_alphabetic())
            && is_single_letter(&text[after..piece_end(text, after).0])
        {
            Joiner::AcronymDot
        } else if c == ',' && digits && next_is_digit && !seen_decimal {
            match style {
                NumberStyle::French => {
                    seen_decimal = true;
                    Joiner::Decimal
                }
                NumberStyle::English
                    if all_digits && group_ok && exactly_digits(text, after, 3) =>
                {
                    Joiner::Thousands
                }
                NumberStyle::English => break,
            }
        } else if is_group_space(c)
            && all_digits
            && !seen_decimal
            && group_ok
            && exactly_digits(text, after, 3)
        {
            Joiner::Thousands
        } else {
            break;
        };
        pos = after;
    }
    *cursor = pos;
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(text: &str, style: NumberStyle) -> Vec<Vec<(&str, Joiner)>> {
        let mut cursor = 0;
        let mut pieces = Vec::new();
        let mut out = Vec::new();
        while next_unit(text, &mut cursor, style, &mut pieces).is_some() {
            out.push(pieces.iter().map(|p| (&text[p.start..p.end], p.joiner)).collect());
        }
        out
    }

    use Joiner::*;

    macro_rules! case {
        ($name:ident, $style:ident, $text:expr, $expected:expr) => {
            #[test]
            fn $name() {
                let expected: Vec<Vec<(&str, Joiner)>> = $expected;
                assert_eq!(units($text, NumberStyle::$style), expected, "segmenting {:?}", $text);
            }
        };
    }

    case!(
        plain_words,
        French,
        "le  chat, noir.",
        vec![vec![("le", Start)], vec![("chat", Start)], vec![("noir", Start)]]
    );
    case!(elision_curly, French, "l’ASEAN", vec![vec![("l", Start), ("ASEAN", Apostrophe)]]);
    case!(
        dangling_apostrophe_ends_unit,
        French,
        "l' OMS",
        vec![vec![("l", Start)], vec![("OMS", Start)]]
    );
    case!(
        hyphen_compound,
        French,
        "Saint-Étienne",
        vec![vec![("Saint", Start), ("Étienne", Hyphen)]]
    );
    case!(
        trailing_hyphen_separates,
        French,
        "sud- est",
        vec![vec![("sud", Start)], vec![("est", Start)]]
    );
    case!(
        acronym_dots,
        French,
        "O.N.U. à",
        vec![vec![("O", Start), ("N", AcronymDot), ("U", AcronymDot)], vec![("à", Start)]]
    );
    case!(
        abbreviation_dot_is_not_acronym,
        French,
        "M. Dupont",
        vec![vec![("M", Start)], vec![("Dupont", Start)]]
    );
    case!(french_decimal_comma, French, "3,5 %", vec![vec![("3", Start), ("5", Decimal)]]);
    case!(
        french_thousands_nbsp,
        French,
        "2\u{a0}500\u{202f}000 euros",
        vec![vec![("2", Start), ("500", Thousands), ("000", Thousands)], vec![("euros", Start)]]
    );
    case!(
        year_then_number_not_joined,
        French,
        "en 2016 500 morts",
        vec![
            vec![("en", Start)],
            vec![("2016", Start)],
            vec![("500", Start)],
            vec![("morts", Start)]
        ]
    );
    case!(
        english_thousands_comma,
        English,
        "2,500,000.5",
        vec![vec![("2", Start), ("500", Thousands), ("000", Thousands), ("5", Decimal)]]
    );
    case!(
        english_list_comma_separates,
        English,
        "1,2",
        vec![vec![("1", Start)], vec![("2", Start)]]
    );
    case!(
        nfd_marks_stay_in_word,
        French,
        "e\u{301}le\u{300}ve",
        vec![vec![("e\u{301}le\u{300}ve", Start)]]
    );
    case!(
        soft_hyphen_inside_word,
        French,
        "inter\u{ad}national",
        vec![vec![("inter\u{ad}national", Start)]]
    );
    case!(nbsp_separates_words, French, "«\u{a0}Paris\u{a0}»", vec![vec![("Paris", Start)]]);
    case!(emoji_separate, French, "a👍🏽b", vec![vec![("a", Start)], vec![("b", Start)]]);
}
