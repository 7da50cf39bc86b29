//! French and English stop words, for query building (the index keeps them).

use super::Lang;

/// placeholder
pub fn stop_words(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::French => &["le", "la", "les", "de", "des", "du", "un", "une", "et"],
        Lang::English => &["the", "a", "an", "of", "and"],
    }
}

/// placeholder
pub fn is_stop_word(lang: Lang, word: &str) -> bool {
    stop_words(lang).contains(&word)
}
