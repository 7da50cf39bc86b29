//! Acronyms in capitals: the indexing analyzers add `^` + the acronym at its position, the
//! query builder asks for it when the reader types the acronym in capitals. One named case
//! per behaviour.

use depeche::analysis::indexing_analyzer;
use depeche::{Article, Lang, NewsIndex, SearchRequest};

/// The acronym terms (`^…`, the capital mark `^` alone aside) the French indexing analyzer
/// gives `text`, with their positions.
fn acronyms(text: &str) -> Vec<(usize, String)> {
    let mut analyzer = indexing_analyzer(Lang::French);
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(t) = stream.next() {
        if t.text.len() > 1 && t.text.starts_with('^') {
            out.push((t.position, t.text.clone()));
        }
    }
    out
}

/// The acronym terms of a text and their positions.
type Acronyms = &'static [(usize, &'static str)];

/// `(name, text, the acronym terms and their positions)`.
const INDEXED: &[(&str, &str, Acronyms)] = &[
    ("three_letters", "La CIA enquête", &[(1, "^cia")]),
    ("elided", "selon l’OMS, la pandémie", &[(1, "^oms")]),
    ("elided_straight_apostrophe_with_space", "selon l' OMS", &[(1, "^oms")]),
    ("dotted", "la C.I.A. enquête", &[(1, "^cia")]),
    ("four_letters_with_vowels", "la NASA a lancé", &[(1, "^nasa")]),
    ("six_letters", "l'UNESCO classe le site", &[(0, "^unesco")]),
    ("two_acronyms", "l’ONU et l’OTAN", &[(0, "^onu"), (2, "^otan")]),
    ("compound_part", "l’ONU-Femmes appelle", &[(0, "^onu")]),
    ("seven_letters_is_no_acronym", "le CONSEIL siège", &[]),
    ("one_letter_is_no_acronym", "la lettre A", &[]),
    ("capitalised_word_is_no_acronym", "la Nasa a lancé", &[]),
    ("digits_are_no_acronym", "le G7 et la COP21", &[]),
    ("accented_capitals_are_no_acronym", "l'ÉTÉ", &[]),
    (
        "capitals_headline_words_are_no_acronyms",
        "LE GOUVERNEMENT DÉMISSIONNE SOUS LA PRESSION",
        &[(0, "^le"), (4, "^la")],
    ),
    ("vowel_less_acronym_in_a_capitals_headline", "GRÈVE À LA SNCF", &[(2, "^la"), (3, "^sncf")]),
    ("short_acronym_in_a_capitals_headline", "LA CIA ACCUSÉE", &[(0, "^la"), (1, "^cia")]),
];

#[test]
fn indexing_analyzer_adds_acronym_terms() {
    for &(name, text, expected) in INDEXED {
        let expected: Vec<(usize, String)> =
            expected.iter().map(|&(p, t)| (p, t.to_string())).collect();
        assert_eq!(acronyms(text), expected, "{name}: {text:?}");
    }
}

#[test]
fn acronyms_keep_their_stem_and_capital_mark() {
    let mut analyzer = indexing_analyzer(Lang::French);
    let mut stream = analyzer.token_stream("la CIA");
    let mut at_one = Vec::new();
    while let Some(t) = stream.next() {
        if t.position == 1 {
            at_one.push((t.text.clone(), t.offset_from, t.offset_to));
        }
    }
    let stem = depeche::analysis::Stemmer::new(Lang::French).stem("cia").to_string();
    assert_eq!(at_one, [(stem, 3, 6), ("^".into(), 3, 6), ("^cia".into(), 3, 6)]);
}

#[test]
fn plain_analyzer_gives_no_acronym_term() {
    let mut analyzer = depeche::analyzer(Lang::French);
    let mut stream = analyzer.token_stream("la CIA et l’OMS");
    while let Some(t) = stream.next() {
        assert!(!t.text.starts_with('^'), "{:?}", t.text);
    }
}

fn article(id: &str, title: &str, body: &str) -> Article {
    Article {
        id: id.into(),
        title: title.into(),
        body: body.into(),
        lang: Some(Lang::French),
        date: Some("2017-03-01".into()),
        ..Default::default()
    }
}

/// A small index where every acronym has look-alikes sharing its stem.
fn index() -> NewsIndex {
    let index = NewsIndex::create_in_ram().expect("index");
    for a in [
        article("cia", "La CIA accusée", "Les services de la CIA ont espionné des dirigeants."),
        article("celle-ci", "Une réforme", "Celle-ci sera votée; celle-ci est attendue, celle-ci."),
        article("oms", "Pandémie", "Selon l’OMS, la pandémie recule en Europe."),
        article(
            "om",
            "Football",
            "L’OM a battu Lyon; l’OM reste deuxième, les supporters de l'OM.",
        ),
        article("defa", "Cinéma", "Les studios de la DEFA tournaient à Babelsberg."),
        article("defie", "Politique", "Il défie le gouvernement et défie ses rivaux."),
        article("fifa", "Football", "La FIFA a suspendu son président."),
        article(
            "headline",
            "LE GOUVERNEMENT DÉMISSIONNE",
            "Le Premier ministre a remis sa démission.",
        ),
        article("gouvernement", "Politique", "Le gouvernement prépare un remaniement."),
    ] {
        index.add(&a).expect("add");
    }
    index.commit().expect("commit");
    index
}

fn ids(index: &NewsIndex, query: &str) -> Vec<String> {
    let response = index.search(&SearchRequest::new(query)).expect("search");
    response.hits.into_iter().map(|h| h.id).collect()
}

/// `(name, query, the articles that must come first, in any order, articles that must not be
/// found at all)`.
const SEARCHED: &[(&str, &str, &[&str], &[&str])] = &[
    ("capitals_find_the_acronym_only", "CIA", &["cia"], &["celle-ci"]),
    ("capitals_elided_in_text", "OMS", &["oms"], &["om"]),
    ("capitals_four_letters", "DEFA", &["defa"], &["defie"]),
    ("dotted_query", "C.I.A.", &["cia"], &["celle-ci"]),
    ("acronym_with_words", "CIA espionné", &["cia"], &[]),
    ("lowercase_still_finds_it", "cia", &["cia"], &[]),
    ("lowercase_fifa_still_finds_it", "fifa", &["fifa"], &[]),
    ("capitals_headline_query_is_stemmed", "LE GOUVERNEMENT DÉMISSIONNE", &["headline"], &[]),
    (
        "capitals_headline_query_finds_lowercase_text",
        "GOUVERNEMENT",
        &["headline", "gouvernement", "defie"],
        &[],
    ),
    ("capitals_word_in_a_shouted_query_is_stemmed", "GOUVERNEMENT DEFIE", &["defie"], &[]),
];

#[test]
fn capital_queries_ask_for_the_acronym() {
    let index = index();
    for &(name, query, first, absent) in SEARCHED {
        let found = ids(&index, query);
        let head: Vec<&str> = found.iter().take(first.len()).map(String::as_str).collect();
        for id in first {
            assert!(head.contains(id), "{name}: {query:?} gave {found:?}, {id} not first");
        }
        for id in absent {
            assert!(!found.iter().any(|f| f == id), "{name}: {query:?} found {id}: {found:?}");
        }
    }
}
