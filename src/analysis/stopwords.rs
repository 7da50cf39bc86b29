//! French and English stop words, for query building.
//!
//! The index keeps every word (phrases such as "Le Monde", "Le Pen", "De Gaulle" must stay
//! exact); the query builder drops these words from bag-of-words queries. The lists are the
//! Snowball stop lists (BSD licence, snowballstem.org), folded (no accents, lowercase), with
//! the French elided forms (`l`, `d`, `qu`, `jusqu`, …) and a few frequent news function words.

use super::Lang;

#[rustfmt::skip]
static FRENCH: &[&str] = &[
    "a", "ai", "aie", "aient", "aies", "ait", "as", "au", "aura", "aurai", "auraient", "aurais",
    "aurait", "auras", "aurez", "auriez", "aurions", "aurons", "auront", "aux", "avaient", "avais",
    "avait", "avec", "avez", "aviez", "avions", "avons", "ayant", "ayez", "ayons", "c", "ce", "ceci",
    "cela", "celle", "celles", "celui", "ces", "cet", "cette", "ceux", "d", "dans", "de", "des", "du",
    "elle", "elles", "en", "es", "est", "et", "etaient", "etais", "etait", "etant", "ete", "etee",
    "etees", "etes", "etiez", "etions", "eu", "eue", "eues", "eumes", "eurent", "eus", "eusse",
    "eussent", "eusses", "eussiez", "eussions", "eut", "eutes", "eux", "fumes", "furent", "fus",
    "fusse", "fussent", "fusses", "fussiez", "fussions", "fut", "futes", "il", "ils", "j", "je",
    "jusqu", "l", "la", "le", "les", "leur", "leurs", "lorsqu", "lui", "m", "ma", "mais", "me",
    "meme", "memes", "mes", "moi", "mon", "n", "ne", "nos", "notre", "nous", "on", "ont", "ou",
    "par", "pas", "pour", "puisqu", "qu", "quand", "que", "quel", "quelle", "quelles", "quels",
    "qui", "quoiqu", "s", "sa", "sans", "se", "sera", "serai", "seraient", "serais", "serait",
    "seras", "serez", "seriez", "serions", "serons", "seront", "ses", "si", "soi", "soient", "sois",
    "soit", "sommes", "son", "sont", "soyez", "soyons", "suis", "sur", "t", "ta", "te", "tes", "toi",
    "ton", "tu", "un", "une", "vos", "votre", "vous", "y",
];

#[rustfmt::skip]
static ENGLISH: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by",
    "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from",
    "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him",
    "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "me", "more",
    "most", "my", "myself", "no", "nor", "not", "of", "off", "on", "once", "only", "or", "other",
    "ought", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so",
    "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there",
    "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was",
    "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with",
    "would", "you", "your", "yours", "yourself", "yourselves",
];

/// The stop words of `lang`, folded (lowercase, no accents), sorted.
///
/// ```
/// use depeche::{analysis::stop_words, Lang};
/// assert!(stop_words(Lang::French).contains(&"qu"));
/// assert!(stop_words(Lang::English).contains(&"the"));
/// ```
pub fn stop_words(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::French => FRENCH,
        Lang::English => ENGLISH,
    }
}

/// Whether the folded word `word` is a stop word of `lang`.
///
/// ```
/// use depeche::{analysis::is_stop_word, Lang};
/// assert!(is_stop_word(Lang::French, "etaient"));
/// assert!(!is_stop_word(Lang::French, "monde"));
/// ```
pub fn is_stop_word(lang: Lang, word: &str) -> bool {
    stop_words(lang).binary_search(&word).is_ok()
}

/// Interrogative words that are not in the stop lists: they shape a question
/// ("Combien de personnes travaillent au ministère des sports ?") but say nothing of its
/// topic, and being rare in declarative text (news, encyclopedias) they would get a high idf.
/// Folded, sorted. The other interrogatives (`qui`, `que`, `quel`, `quand`, `où`; `what`,
/// `who`, `how`…) are already stop words.
#[rustfmt::skip]
static FRENCH_QUESTION: &[&str] = &[
    "auquel", "auxquelles", "auxquels", "combien", "comment", "desquelles", "desquels", "duquel",
    "laquelle", "lequel", "lesquelles", "lesquels", "pourquoi", "quoi",
];

#[rustfmt::skip]
static ENGLISH_QUESTION: &[&str] = &["whose"];

/// Whether the folded `word` is an interrogative word of `lang` that is not a stop word
/// (see [`stop_words`]): `combien`, `comment`, `pourquoi`, `lequel`…
///
/// ```
/// use depeche::{analysis::is_question_word, Lang};
/// assert!(is_question_word(Lang::French, "combien"));
/// assert!(!is_question_word(Lang::French, "ministere"));
/// ```
pub fn is_question_word(lang: Lang, word: &str) -> bool {
    let list = match lang {
        Lang::French => FRENCH_QUESTION,
        Lang::English => ENGLISH_QUESTION,
    };
    list.binary_search(&word).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_for_binary_search() {
        for lang in Lang::ALL {
            let list = stop_words(lang);
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{lang} stop list not sorted/unique");
        }
    }

    #[test]
    fn question_lists_are_sorted_folded_and_not_stop_words() {
        for (lang, list) in [(Lang::French, FRENCH_QUESTION), (Lang::English, ENGLISH_QUESTION)] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{lang} question list not sorted");
            for w in list {
                assert_eq!(super::super::fold(w), *w, "{lang} question word {w:?} not folded");
                assert!(!is_stop_word(lang, w), "{lang} question word {w:?} is a stop word");
            }
        }
    }

    #[test]
    fn lists_are_folded() {
        for lang in Lang::ALL {
            for w in stop_words(lang) {
                assert_eq!(super::super::fold(w), *w, "{lang} stop word {w:?} is not folded");
            }
        }
    }
}
