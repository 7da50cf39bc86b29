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

/// What [`next_plain_word`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scan {
    /// The text has no more words.
    End,
    /// A unit of exactly one piece, not followed by an apostrophe: what [`next_unit`] would
    /// have found. The cursor is past it.
    Plain(Piece),
    /// Something [`next_unit`] must look at, from the cursor.
    Unit,
}

/// The fast track of [`next_unit`] for the common case, a plain word (`gouvernement`,
/// `été`, `2016`) followed by a space or a punctuation mark that joins nothing. Skips ASCII
/// separators, then scans ASCII and Latin letters byte by byte. Whenever the unit could be
/// anything else (an apostrophe, a hyphen, a dot or comma after it, a digit group, a
/// character it does not know), it leaves `*cursor` where [`next_unit`] must start and returns
/// [`Scan::Unit`]: it never decides differently from [`next_unit`], only faster.
#[inline]
pub(crate) fn next_plain_word(text: &str, cursor: &mut usize) -> Scan {
    let bytes = text.as_bytes();
    let mut pos = *cursor;
    // skip ascii separators
    loop {
        let Some(&b) = bytes.get(pos) else {
            *cursor = pos;
            return Scan::End;
        };
        if b >= 0x80 {
            match (b, bytes.get(pos + 1)) {
                // U+0080..U+00BF but the word characters ª ² ³ µ ¹ º ¼ ½ ¾ and U+00AD
                (0xC2, Some(&c))
                    if !matches!(c, 0xAA | 0xAD | 0xB2 | 0xB3 | 0xB5 | 0xB9..=0xBE) =>
                {
                    pos += 2
                }
                // U+2000..U+203F but the joiners U+200C, U+200D: spaces, dashes, quotes
                (0xE2, Some(0x80)) if !matches!(bytes.get(pos + 2), Some(0x8C | 0x8D)) => pos += 3,
                _ => {
                    *cursor = pos;
                    return Scan::Unit;
                }
            }
            continue;
        }
        if ASCII_CLASS[b as usize] != 0 {
            break;
        }
        pos += 1;
    }
    let start = pos;
    *cursor = start;
    let mut flags = 0;
    // the piece: ascii word bytes, and the letters of U+00C0..U+027F (two bytes each)
    while let Some(&b) = bytes.get(pos) {
        if let Some(chunk) = bytes[pos..].first_chunk::<8>() {
            // eight bytes at a time: how many ascii word bytes come first, and their flags
            let (n, chunk_flags) = ascii_word_prefix(u64::from_le_bytes(*chunk));
            flags |= chunk_flags;
            pos += n;
            if n == 8 {
                continue;
            }
            let b = bytes[pos];
            if b < 0x80 {
                break;
            }
            if matches!(b, 0xC4..=0xC9)
                || (b == 0xC3 && !matches!(bytes.get(pos + 1), Some(0x97 | 0xB7)))
            {
                flags |= NON_ASCII;
                pos += 2;
                continue;
            }
            break;
        }
        if b < 0x80 {
            let class = ASCII_CLASS[b as usize];
            if class == 0 {
                break;
            }
            flags |= class;
            pos += 1;
        } else if matches!(b, 0xC4..=0xC9)
            || (b == 0xC3 && !matches!(bytes.get(pos + 1), Some(0x97 | 0xB7)))
        {
            flags |= NON_ASCII;
            pos += 2;
        } else {
            break;
        }
    }
    let digits = flags == DIGIT;
    let plain = match bytes.get(pos..) {
        None | Some([]) => true,
        Some([b'\'' | b'-', ..]) => false,
        // a dot joins single letters (`O.N.U.`) and digits, a comma digits
        Some([b'.', ..]) => flags & DIGIT == 0 && pos - start > 2,
        Some([b',', ..]) => !digits,
        Some([b' ', ..]) => !digits,
        Some([b, ..]) if *b < 0x80 => true,
        // no-break space; « »
        Some([0xC2, 0xA0, ..]) => !digits,
        Some([0xC2, 0xAB | 0xBB, ..]) => true,
        // thin and narrow no-break spaces; – — … “ ”
        Some([0xE2, 0x80, 0x89 | 0xAF, ..]) => !digits,
        Some([0xE2, 0x80, 0x93 | 0x94 | 0xA6 | 0x9C | 0x9D, ..]) => true,
        Some(_) => false,
    };
    if !plain {
        return Scan::Unit;
    }
    *cursor = pos;
    Scan::Plain(Piece { start, end: pos, joiner: Joiner::Start, flags })
}

/// How many of the eight bytes of `chunk` (little-endian: the first byte is the lowest) are
/// ASCII letters or digits before the first that is not, and the [`Piece::flags`] of those:
/// the classes of [`ASCII_CLASS`] computed for all eight bytes at once.
#[inline]
fn ascii_word_prefix(chunk: u64) -> (usize, u8) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // each byte below 0x80, so adding at most 0x50 carries into no other byte
    let low = chunk & !HIGH;
    let in_range = |first: u64, last: u64| {
        ((low + (0x80 - first) * ONES) & !(low + (0x7F - last) * ONES)) & HIGH
    };
    let lower = in_range(0x61, 0x7A);
    let upper = in_range(0x41, 0x5A);
    let digit = in_range(0x30, 0x39);
    let word = (lower | upper | digit) & !chunk & HIGH;
    let n = ((!word & HIGH).trailing_zeros() / 8) as usize;
    let lanes = if n == 8 { u64::MAX } else { (1u64 << (n * 8)) - 1 };
    let mut flags = 0;
    if (lower | upper) & lanes != 0 {
        flags |= LETTER;
    }
    if upper & lanes != 0 {
        flags |= UPPER;
    }
    if digit & lanes != 0 {
        flags |= DIGIT;
    }
    (n, flags)
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

    /// The units [`next_plain_word`] finds, falling back to [`next_unit`] as the tokenizer does.
    fn units_with_fast_track(text: &str, style: NumberStyle) -> Vec<Vec<Piece>> {
        let mut cursor = 0;
        let mut pieces = Vec::new();
        let mut out = Vec::new();
        loop {
            match next_plain_word(text, &mut cursor) {
                Scan::End => return out,
                Scan::Plain(piece) => out.push(vec![piece]),
                Scan::Unit => {
                    if next_unit(text, &mut cursor, style, &mut pieces).is_none() {
                        return out;
                    }
                    out.push(pieces.clone());
                }
            }
        }
    }

    /// The units of [`next_unit`] alone.
    fn units_slow(text: &str, style: NumberStyle) -> Vec<Vec<Piece>> {
        let mut cursor = 0;
        let mut pieces = Vec::new();
        let mut out = Vec::new();
        while next_unit(text, &mut cursor, style, &mut pieces).is_some() {
            out.push(pieces.clone());
        }
        out
    }

    #[test]
    fn fast_track_agrees_with_next_unit_on_tricky_text() {
        for text in [
            "Le gouvernement démissionne.",
            "l’ASEAN a-t-il 2 500 000 € ? «\u{a0}Paris\u{a0}» 3,5 % O.N.U. M. Dupont",
            "états-unis\u{202f}: 2\u{a0}500 1\u{2009}000 word\u{2009}x",
            "× ÷ a×b ª² µ inter\u{ad}national e\u{301}le\u{300}ve ʼx aʼb",
            "COVID-19, 12.5, a.b, ab.cd, 1,2 abcdefghijklmnopqrstuvwxyz0123456789ÉÈ",
            "l' OMS – “quote” … — end",
            "Ɛ ɐ ȸ ǅ",
        ] {
            for style in [NumberStyle::French, NumberStyle::English] {
                assert_eq!(
                    units_with_fast_track(text, style),
                    units_slow(text, style),
                    "{style:?} {text:?}"
                );
            }
        }
    }

    #[test]
    fn ascii_word_prefix_counts_and_flags_each_length() {
        for (chunk, n, flags) in [
            (*b"abcdefgh", 8, LETTER),
            (*b"Abc defg", 3, LETTER | UPPER),
            (*b"a1 bcdef", 2, LETTER | DIGIT),
            (*b"2016 abc", 4, DIGIT),
            (*b" abcdefg", 0, 0),
            (*b"ab\xC3\xA9cdef", 2, LETTER),
            (*b"@[`{/:AZ", 0, 0),
            (*b"AZaz09_x", 6, LETTER | UPPER | DIGIT),
        ] {
            assert_eq!(ascii_word_prefix(u64::from_le_bytes(chunk)), (n, flags), "{chunk:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn fast_track_agrees_with_next_unit(
            text in "[a-zA-Z0-9éÉ×÷àœ .,'’\\-\u{a0}\u{202f}\u{2009}\u{ad}\u{301}«»–…ªʼ\u{200d}]{0,40}"
        ) {
            for style in [NumberStyle::French, NumberStyle::English] {
                proptest::prop_assert_eq!(
                    units_with_fast_track(&text, style),
                    units_slow(&text, style),
                    "{:?}", style
                );
            }
        }
    }
}
