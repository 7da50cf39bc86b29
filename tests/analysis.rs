//! The French and English analyzers, point by point: one table per behaviour, each case
//! named after what it checks.

use depeche::analysis::{
    exact_analyzer, indexing_analyzer, is_stop_word, stop_words, CAPITAL_MARK, MAX_TERM_BYTES,
};
use depeche::{analyzer, Lang};

/// (term, from, to, position) of every token.
fn tokens(lang: Lang, text: &str) -> Vec<(String, usize, usize, usize)> {
    let mut analyzer = analyzer(lang);
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(t) = stream.next() {
        out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
    }
    out
}

fn terms(lang: Lang, text: &str) -> Vec<String> {
    tokens(lang, text).into_iter().map(|t| t.0).collect()
}

fn fr(text: &str) -> Vec<String> {
    terms(Lang::French, text)
}

/// Asserts that two texts give the same French terms.
macro_rules! same_fr {
    ($name:ident, $($a:expr => $b:expr),+ $(,)?) => {
        #[test]
        fn $name() {
            $( assert_eq!(fr($a), fr($b), "{:?} and {:?} must give the same French terms", $a, $b); )+
        }
    };
}

/// Asserts the exact French terms of a text.
macro_rules! terms_fr {
    ($name:ident, $($text:expr => $expected:expr),+ $(,)?) => {
        #[test]
        fn $name() {
            $( assert_eq!(fr($text), $expected as &[&str], "French terms of {:?}", $text); )+
        }
    };
}

// 1. Segmentation on the original text

#[test]
fn offsets_are_bytes_of_the_original_text() {
    let text = "L’Élysée a répondu";
    let t = tokens(Lang::French, text);
    assert_eq!(t[0].1..t[0].2, 0..12, "elided word spans the article too: {t:?}");
    assert_eq!(&text[t[1].1..t[1].2], "a");
    assert_eq!(&text[t[2].1..t[2].2], "répondu");
    assert_eq!(t.iter().map(|t| t.3).collect::<Vec<_>>(), [0, 1, 2]);
}

#[test]
fn nfd_combining_marks_stay_in_their_word() {
    let nfd = "e\u{301}le\u{300}ve de\u{301}le\u{301}gue\u{301}";
    let t = tokens(Lang::French, nfd);
    assert_eq!(t.len(), 2, "{t:?}");
    assert_eq!((t[0].1, t[0].2), (0, "e\u{301}le\u{300}ve".len()));
    assert_eq!(fr(nfd), fr("élève délégué"));
}

same_fr!(invisible_characters_do_not_split_words,
    "inter\u{AD}national" => "international",
    "inter\u{200D}national" => "international",
    "inter\u{2060}national" => "international",
);

#[test]
fn no_break_spaces_separate_words() {
    for space in ['\u{A0}', '\u{202F}'] {
        let text = format!("«{space}Paris{space}»{space}Lyon");
        assert_eq!(fr(&text), fr("Paris Lyon"), "space U+{:04X}", space as u32);
    }
}

// 2. Elision

#[test]
fn elision_every_apostrophe_form_and_case() {
    let cases = [
        ("l", "ASEAN"),
        ("d", "information"),
        ("j", "accuse"),
        ("m", "appelle"),
        ("n", "importe"),
        ("s", "engage"),
        ("t", "inquiète"),
        ("c", "était"),
        ("qu", "il"),
        ("jusqu", "ici"),
        ("lorsqu", "elle"),
        ("puisqu", "on"),
        ("quoiqu", "il"),
    ];
    for (article, word) in cases {
        for apostrophe in ['\'', '’', 'ʼ', '‘', '′'] {
            for text in [
                format!("{article}{apostrophe}{word}"),
                format!("{}{apostrophe}{word}", article.to_uppercase()),
                format!("{}{apostrophe}{}", article.to_uppercase(), word.to_uppercase()),
            ] {
                assert_eq!(fr(&text), fr(word), "{text:?} must be analyzed as {word:?}");
            }
        }
    }
}

same_fr!(elision_examples_of_the_issue,
    "l’ASEAN" => "ASEAN",
    "d’information" => "information",
    "L’Élysée" => "Élysée",
    "l'ete" => "l’été",
    "qu’aujourd’hui" => "aujourd'hui",
    "l’Île-de-France" => "Île-de-France",
);

#[test]
fn lexicalized_apostrophe_words_stay_one_term() {
    for word in
        ["aujourd’hui", "prud’homme", "prud’hommes", "presqu’île", "quelqu’un", "entr’ouvert"]
    {
        let reference = fr(word);
        assert_eq!(reference.len(), 1, "{word:?} must be one term, got {reference:?}");
        for apostrophe in ['\'', 'ʼ', '‘', '′'] {
            let variant = word.replace('’', &apostrophe.to_string());
            assert_eq!(fr(&variant), reference, "{variant:?} vs {word:?}");
        }
    }
}

#[test]
fn dangling_elision_from_extraction_artefacts_is_dropped() {
    assert_eq!(fr("l' OMS"), fr("OMS"));
}

// 3. Folding

same_fr!(folding_diacritics_ligatures_and_compatibility_forms,
    "Đà Nẵng" => "Da Nang",
    "Nguyễn" => "Nguyen",
    "Œuvre cœur" => "oeuvre coeur",
    "Lætitia" => "laetitia",
    "ﬁnance" => "finance",
    "đ ð ø ł ß ı þ" => "d d o l ss i th",
    "ＡＳＥＡＮ" => "ASEAN",
    "6ᵉ" => "6e",
    "İstanbul" => "istanbul",
    "Ærø København Łódź Straße" => "aero kobenhavn lodz strasse",
    "Mötley Crüe São Paulo" => "motley crue sao paulo",
);

#[test]
fn nfd_and_nfc_give_the_same_terms() {
    use unicode_normalization::UnicodeNormalization;
    let text = "Élection présidentielle à Đà Nẵng : l’Assemblée a voté, Nguyễn Phú Trọng réélu.";
    let nfd: String = text.nfd().collect();
    let nfc: String = text.nfc().collect();
    assert_ne!(nfd, nfc);
    assert_eq!(fr(&nfd), fr(&nfc));
    assert_eq!(fr(&nfd), fr(text));
}

// 4. Accent-insensitive stemming

same_fr!(unaccented_spelling_finds_the_accented_word,
    "sécurité" => "securite",
    "autorités" => "autorites",
    "assemblée" => "assemblee",
    "Corée" => "coree",
    "Élysée" => "elysee",
    "élection" => "election",
    "première" => "premiere",
    "réélu" => "reelu",
    "été" => "ete",
    "forêt" => "foret",
    "château" => "chateau",
    "où" => "ou",
);

same_fr!(inflections_conflate,
    "élections" => "élection",
    "autorités" => "autorité",
    "journaux" => "journal",
    "présidentielles" => "présidentielle",
);

// 5. Hyphens

fn contains_all(haystack: &[String], needles: &[String]) -> bool {
    needles.iter().all(|n| haystack.contains(n))
}

#[test]
fn hyphenated_words_are_found_by_the_whole_and_by_their_parts() {
    for (compound, parts) in [
        ("Saint-Étienne", &["saint", "étienne"][..]),
        ("Jean-Yves", &["jean", "yves"]),
        ("peut-être", &["peut", "être"]),
        ("sud-est", &["sud", "est"]),
        ("Île-de-France", &["île", "de", "france"]),
    ] {
        let whole = fr(compound);
        for part in parts {
            assert!(contains_all(&whole, &fr(part)), "{part:?} must find {compound:?}: {whole:?}");
        }
        assert!(contains_all(&whole, &fr(&compound.to_lowercase())), "{compound:?} lowercase");
        let unaccented = depeche::analysis::fold(compound);
        assert!(contains_all(&whole, &fr(&unaccented)), "{unaccented:?} must find {compound:?}");
    }
}

terms_fr!(euphonic_t_is_no_term,
    "a-t-il" => &["a", "il"],
    "va-t-on" => &["va", "on"],
    "A-t-elle" => &["a", "elle"],
);

#[test]
fn covid_19_is_found_by_covid_covid19_and_covid_dash_19() {
    let doc = fr("COVID-19");
    for query in ["covid", "covid19", "covid-19", "Covid-19", "COVID19"] {
        assert!(contains_all(&doc, &fr(query)), "{query:?} must find COVID-19: {doc:?}");
    }
    let t = tokens(Lang::French, "COVID-19");
    assert_eq!(t[0].3, t[1].3, "the joined form shares the first part's position: {t:?}");
}

// 6. Numbers

terms_fr!(numbers,
    "2 500 000" => &["2500000"],
    "2\u{A0}500\u{A0}000" => &["2500000"],
    "2\u{202F}500\u{202F}000" => &["2500000"],
    "2500000" => &["2500000"],
    "3,5" => &["3.5"],
    "3.5" => &["3.5"],
    "1er" => &["1er"],
    "6e" => &["6e"],
    "XXIe" => &["xxie"],
    "XIXe siècle" => &["xixe", "siecl"],
    "en 2016 500 morts" => &["en", "2016", "500", "mort"],
);

#[test]
fn english_numbers_use_comma_thousands() {
    assert_eq!(terms(Lang::English, "2,500,000 and 3.5"), ["2500000", "and", "3.5"]);
}

// 7. Acronyms

same_fr!(acronyms,
    "O.N.U." => "ONU",
    "ONU" => "onu",
    "l’O.N.U." => "onu",
);

// 8. Stop words stay in the index

terms_fr!(stop_words_are_indexed,
    "Le Monde" => &["le", "mond"],
    "De Gaulle" => &["de", "gaull"],
);

#[test]
fn stop_lists_are_exposed_with_elided_forms() {
    for w in ["le", "la", "de", "qu", "jusqu", "l", "d", "etaient"] {
        assert!(is_stop_word(Lang::French, w), "{w}");
    }
    assert!(is_stop_word(Lang::English, "the"));
    assert!(!is_stop_word(Lang::French, "monde"));
    assert!(stop_words(Lang::French).len() > 100);
}

// 9. English

#[test]
fn english_possessives_and_stemming() {
    let en = |t: &str| terms(Lang::English, t);
    assert_eq!(en("ASEAN’s"), en("ASEAN"));
    assert_eq!(en("ASEAN's summit"), en("asean summit"));
    assert_eq!(en("elections"), en("election"));
    assert_eq!(en("Élysée"), en("Elysee"));
    assert_eq!(en("L’Oréal"), en("Oreal"));
}

// exact-form analyzer

#[test]
fn indexing_analyzer_marks_words_written_with_a_capital() {
    // (text, the positions of the capital marks expected)
    let table: &[(&str, &[usize])] = &[
        ("Le Monde et le monde", &[0, 1]),
        ("le monde entier", &[]),
        ("L’Élysée répond", &[0]),
        ("L’élysée, l'Élysée", &[1]),
        ("à Saint-Étienne", &[1, 2]),
        ("l’ONU et l'O.N.U.", &[0, 2]),
        ("ÉLYSÉE", &[0]),
        ("Œuvres complètes", &[0]),
        ("a-t-il dit à Paris", &[4]),
        ("The U.N. Security Council's vote", &[0, 1, 2, 3]),
    ];
    for &(text, expected) in table {
        for lang in Lang::ALL {
            let mut indexing = indexing_analyzer(lang);
            let mut stream = indexing.token_stream(text);
            let mut marks = Vec::new();
            let mut plain = Vec::new();
            while let Some(t) = stream.next() {
                assert!(text.is_char_boundary(t.offset_from) && text.is_char_boundary(t.offset_to));
                if t.text == CAPITAL_MARK {
                    marks.push(t.position);
                } else if t.text.starts_with(CAPITAL_MARK) {
                    // an acronym term (`^onu`), the other addition: see tests/acronyms.rs
                } else {
                    plain.push(t.text.clone());
                }
            }
            // English has no elision: only its own row is checked for it
            if lang == Lang::French || text.starts_with("The") {
                assert_eq!(marks, expected, "{lang} marks of {text:?}");
            }
            assert_eq!(
                plain,
                terms(lang, text),
                "{lang}: marks and acronym terms must not change the other terms"
            );
        }
    }
}

#[test]
fn exact_analyzer_folds_without_stemming() {
    let mut a = exact_analyzer();
    let mut s = a.token_stream("L’Élection des présidentielles");
    let mut out = Vec::new();
    while let Some(t) = s.next() {
        out.push(t.text.clone());
    }
    assert_eq!(out, ["election", "des", "presidentielles"]);
}

// 11. Any input is safe

#[test]
fn hostile_inputs_never_panic_and_keep_offsets_valid() {
    let long_word = "a".repeat(1 << 20);
    let cases: Vec<String> = vec![
        String::new(),
        "\0\0\0".into(),
        "\u{1}\u{7}\u{1b}[31m rouge \u{7f}".into(),
        "\u{202E}droite\u{202C} \u{200F}גבר\u{200E}".into(),
        "👨‍👩‍👧‍👦 🏳️‍🌈 🇫🇷 e\u{301}\u{301}\u{301}".into(),
        long_word.clone(),
        format!("début {long_word} fin"),
        "\u{301}\u{301} -'-' ’’ ..,, 1,,2 3..4 5 6 7 8 9 0".into(),
        "l'l'l'l'l'l'l'l'l'l'l'l'l'l'l'l'l'l'l'l'a".into(),
        "a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r-s-t-u-v-w-x-y-z".into(),
        "O.N.U.O.N.U.O.N.U.O.N.U.O.N.U.O.N.U.O.N.U.".into(),
        "1 000 000 000 000 000 000 000 000 000 000 000 000".into(),
        "\u{FFFD}\u{FEFF}\u{AD}\u{AD}\u{200D}".into(),
    ];
    for lang in Lang::ALL {
        for text in &cases {
            let t = tokens(lang, text);
            let mut last = 0;
            for (term, from, to, position) in &t {
                assert!(from <= to && *to <= text.len(), "offsets out of text");
                assert!(text.is_char_boundary(*from) && text.is_char_boundary(*to));
                assert!(*position >= last, "positions decrease");
                assert!(term.len() <= MAX_TERM_BYTES, "term over the limit");
                last = *position;
            }
        }
    }
    assert_eq!(
        fr(&format!("début {long_word} fin")),
        fr("début fin"),
        "over-long words are dropped"
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn check(lang: Lang, text: &str) -> Result<(), TestCaseError> {
        let mut last = 0;
        for (term, from, to, position) in tokens(lang, text) {
            prop_assert!(from <= to && to <= text.len());
            prop_assert!(text.is_char_boundary(from) && text.is_char_boundary(to));
            prop_assert!(position >= last, "position {} after {}", position, last);
            prop_assert!(!term.is_empty() && term.len() <= MAX_TERM_BYTES);
            last = position;
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn any_string_is_safe(text in any::<String>()) {
            check(Lang::French, &text)?;
            check(Lang::English, &text)?;
        }

        #[test]
        fn news_like_strings_are_safe(
            text in r"([a-zA-Zéèàçœ0-9'’\-\.,  \u{202F}\u{AD}\u{301}]{0,12} ?){0,20}"
        ) {
            check(Lang::French, &text)?;
            check(Lang::English, &text)?;
        }

        #[test]
        fn folding_the_text_never_changes_french_terms(word in "[a-zA-Zéèêëàâîïôûùüçœæ]{1,15}") {
            let folded = depeche::analysis::fold(&word);
            prop_assert_eq!(fr(&word), fr(&folded));
        }
    }
}

#[test]
fn warm_word_cache_gives_the_same_tokens_as_a_cold_one() {
    let text = "Le Monde : l’Élysée, le monde, LE MONDE, l' OMS, OMS, COVID-19, covid, \u{AD}\u{AD} 3,5 3,5";
    for lang in Lang::ALL {
        let mut a = analyzer(lang);
        let collect = |a: &mut tantivy::tokenizer::TextAnalyzer| {
            let mut s = a.token_stream(text);
            let mut out = Vec::new();
            while let Some(t) = s.next() {
                out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
            }
            out
        };
        let cold = collect(&mut a);
        let warm = collect(&mut a);
        assert_eq!(cold, warm, "{lang}");
        assert_eq!(cold, tokens(lang, text), "{lang}");
    }
}
