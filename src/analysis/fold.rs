//! Case and accent folding: `Élysée` → `elysee`, `Nguyễn` → `nguyen`, `œuvre` → `oeuvre`.
//!
//! Folding lowercases, removes every diacritic (combining marks after a compatibility
//! decomposition, so NFC and NFD input fold alike and Vietnamese stacked marks go too),
//! expands ligatures (`œ` → `oe`, `æ` → `ae`, `ﬁ` → `fi`), maps the letters Unicode does not
//! decompose (`đ ð ø ł ß ı þ`), and maps compatibility forms (fullwidth `ＡＳＥＡＮ`,
//! superscript `ᵉ`) to their plain letters. Invisible in-word characters (soft hyphen U+00AD,
//! joiners U+200C, U+200D, U+2060) are dropped.
//!
//! The common case costs almost nothing: ASCII is lowercased byte by byte, and the accented
//! letters of French are looked up in a `match` before any Unicode decomposition runs.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Folds `text` into a new `String`.
///
/// ```
/// use depeche::analysis::fold;
/// assert_eq!(fold("L’Élysée"), "l'elysee");
/// assert_eq!(fold("Đà Nẵng"), "da nang");
/// assert_eq!(fold("ŒUVRE"), "oeuvre");
/// assert_eq!(fold("ＡＳＥＡＮ"), "asean");
/// ```
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out, usize::MAX);
    out
}

/// Appends the folding of `text` to `out`; returns `false` (leaving `out` longer than
/// `max_len` bytes past its old end) as soon as more than `max_len` bytes were written.
pub(crate) fn fold_into(text: &str, out: &mut String, max_len: usize) -> bool {
    let start = out.len();
    if text.is_ascii() {
        // fast track for ascii.
        if text.len() > max_len {
            return false;
        }
        out.push_str(text);
        out[start..].make_ascii_lowercase();
        return true;
    }
    for c in text.chars() {
        fold_char(c, out);
        if out.len() - start > max_len {
            return false;
        }
    }
    true
}

/// Appends the folding of one char to `out`.
#[inline]
pub(crate) fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    if let Some(s) = fold_latin(c) {
        out.push_str(s);
        return;
    }
    if is_invisible(c) || is_combining_mark(c) {
        return;
    }
    for lower in c.to_lowercase() {
        decompose_compatible(lower, |d| {
            if is_combining_mark(d) || is_invisible(d) {
                return;
            }
            if d.is_ascii() {
                out.push(d.to_ascii_lowercase());
            } else if let Some(s) = fold_latin(d) {
                out.push_str(s);
            } else {
                // a compatibility form may decompose to an uppercase letter (fullwidth Ａ)
                for l in d.to_lowercase() {
                    if !is_combining_mark(l) {
                        out.push(l);
                    }
                }
            }
        });
    }
}

/// Characters that may sit inside a word without splitting it and fold to nothing.
#[inline]
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// The folding of the Latin letters met in French and European news, and of the letters
/// that have no Unicode decomposition.
#[inline]
pub(crate) fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => {
            "a"
        }
        'ç' | 'ć' | 'č' | 'Ç' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'ń' | 'ň' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ō' | 'ő' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ý' | 'ÿ' | 'Ý' | 'Ÿ' => "y",
        'ś' | 'š' | 'ş' | 'ș' => "s",
        'ź' | 'ż' | 'ž' => "z",
        'ř' => "r",
        'ț' | 'ţ' | 'ť' => "t",
        'ď' => "d",
        'ğ' => "g",
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        'ß' | 'ẞ' => "ss",
        'đ' | 'Đ' | 'ð' | 'Ð' => "d",
        'ø' | 'Ø' => "o",
        'ł' | 'Ł' => "l",
        'ı' | 'İ' => "i",
        'þ' | 'Þ' => "th",
        'ħ' | 'Ħ' => "h",
        'ŧ' | 'Ŧ' => "t",
        'ŀ' | 'Ŀ' => "l",
        'ĸ' => "k",
        'ŋ' | 'Ŋ' => "n",
        'ƒ' => "f",
        'ǝ' | 'ə' | 'Ə' => "e",
        'ʼ' | '’' | '‘' | '′' => "'",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::fold;

    macro_rules! case {
        ($name:ident, $input:expr, $expected:expr) => {
            #[test]
            fn $name() {
                assert_eq!(fold($input), $expected, "fold({:?})", $input);
            }
        };
    }

    case!(ascii_is_lowercased, "ASEAN Paris", "asean paris");
    case!(french_accents, "Élysée àâç èêë îï ôöù ûü ÿ", "elysee aac eee ii oou uu y");
    case!(nfd_equals_nfc, "e\u{301}le\u{300}ve", "eleve");
    case!(vietnamese_stacked, "Nguyễn Đà Nẵng", "nguyen da nang");
    case!(ligatures, "œuvre Æsop ﬁnance", "oeuvre aesop finance");
    case!(undecomposable_letters, "đðøłßıþ", "ddolssith");
    case!(fullwidth, "ＡＳＥＡＮ", "asean");
    case!(superscript_ordinal, "6ᵉ", "6e");
    case!(dotted_capital_i, "İstanbul", "istanbul");
    case!(soft_hyphen_and_joiners, "inter\u{AD}na\u{200D}tio\u{2060}nal", "international");
    case!(cyrillic_lowercased, "ТЕКСТ", "текст");
    case!(greek_accent_removed, "Ἀθῆναι", "αθηναι");
}
