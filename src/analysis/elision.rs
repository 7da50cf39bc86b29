//! Apostrophes and hyphens inside words: elision, lexicalized words, possessives, the
//! euphonic `-t-` of inversions and the clitic pronouns that end them.
//!
//! All functions take folded text (lowercase, no accents, `'` for every apostrophe form).

use super::Lang;

/// Whether `word`, followed by an apostrophe, is an elided article, pronoun or conjunction
/// that carries no meaning of its own: `l’ASEAN` is indexed as `ASEAN`.
///
/// French: l d j m n s t c qu jusqu lorsqu puisqu quoiqu. English keeps only `l` and `d`,
/// which appear in French names quoted in English text (`L’Oréal`, `d’Estaing`).
#[inline]
pub(crate) fn is_elision(lang: Lang, word: &str) -> bool {
    match lang {
        Lang::French => matches!(
            word,
            "l" | "d"
                | "j"
                | "m"
                | "n"
                | "s"
                | "t"
                | "c"
                | "qu"
                | "jusqu"
                | "lorsqu"
                | "puisqu"
                | "quoiqu"
        ),
        Lang::English => matches!(word, "l" | "d"),
    }
}

/// Whether `word`, followed by an apostrophe, starts a lexicalized word that stays one term
/// with its apostrophe removed: aujourd’hui, prud’homme(s), presqu’île, quelqu’un(e),
/// entr’ouvert, grand’mère.
#[inline]
pub(crate) fn is_lexicalized(word: &str) -> bool {
    matches!(word, "aujourd" | "prud" | "presqu" | "quelqu" | "entr" | "grand")
}

/// Whether a hyphenated part ending an inversion is a subject pronoun (`a-t-il`, `va-t-on`),
/// the context in which a lone `t` is euphonic.
#[inline]
pub(crate) fn is_inversion_pronoun(word: &str) -> bool {
    matches!(word, "il" | "ils" | "elle" | "elles" | "on")
}

/// Whether a hyphenated part is a clitic (`dit-il`, `celle-ci`, `donne-le-moi`): a compound
/// ending with one is not also indexed as one joined word.
#[inline]
pub(crate) fn is_clitic(word: &str) -> bool {
    matches!(
        word,
        "je" | "tu"
            | "il"
            | "ils"
            | "elle"
            | "elles"
            | "on"
            | "nous"
            | "vous"
            | "le"
            | "la"
            | "les"
            | "lui"
            | "leur"
            | "moi"
            | "toi"
            | "y"
            | "en"
            | "ce"
            | "ci"
    )
}
