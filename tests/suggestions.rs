//! « Did you mean » and completion, end to end on a small bilingual index.

use std::time::Duration;

use depeche::query::QueryLimits;
use depeche::{Article, Lang, NewsIndex, SearchRequest};

fn index() -> NewsIndex {
    let index = NewsIndex::create_in_ram().unwrap();
    let fr = [
        (
            "Le gouvernement présente sa réforme",
            "Le gouvernement a présenté la réforme au ministère.",
        ),
        ("Crise au gouvernement", "Le ministère de l’Intérieur et le gouvernement s’opposent."),
        (
            "L’Assemblée vote",
            "L’Assemblée nationale a adopté la loi. Le gouvernement salue le vote.",
        ),
        (
            "Transformation numérique",
            "La transformation numérique des rédactions, le numérique partout.",
        ),
        (
            "Services numériques",
            "Des services numériques pour l’Assemblée et la numérisation des archives.",
        ),
        (
            "Obama en visite",
            "Barack Obama a rencontré le gouvernement. Obama a parlé du numérique.",
        ),
        ("Obama et la presse", "Le président Obama est accusé par la presse."),
        ("Un accusé libéré", "L’accusé a été libéré en 2016 ; l’accusé nie."),
        ("Ministère", "Le ministère publie un rapport rarissime."),
    ];
    for (i, (title, body)) in fr.iter().enumerate() {
        let a = Article {
            id: format!("fr-{i}"),
            title: title.to_string(),
            body: body.to_string(),
            lang: Some(Lang::French),
            ..Default::default()
        };
        index.add(&a).unwrap();
    }
    for (i, body) in
        ["The government said on Monday.", "A government spokesman said."].iter().enumerate()
    {
        let a = Article {
            id: format!("en-{i}"),
            title: "News".into(),
            body: body.to_string(),
            lang: Some(Lang::English),
            ..Default::default()
        };
        index.add(&a).unwrap();
    }
    index
        .add(&Article { id: "gone".into(), title: "Zyxwvutsr".into(), ..Default::default() })
        .unwrap();
    index.commit().unwrap();
    index.delete("gone").unwrap();
    index.commit().unwrap();
    index
}

fn suggestion(index: &NewsIndex, q: &str) -> Option<String> {
    let limits = QueryLimits { time_budget: Duration::MAX, ..QueryLimits::default() };
    index.search(&SearchRequest::new(q).limits(limits)).unwrap().suggestion
}

#[test]
fn misspelled_words_get_their_usual_spelling() {
    let index = index();
    #[rustfmt::skip]
    let table: &[(&str, Option<&str>)] = &[
        ("gouvernemnt", Some("gouvernement")),              // letter left out
        ("gouvernmeent", Some("gouvernement")),             // letters swapped
        ("gouvernemment", Some("gouvernement")),            // letter doubled
        ("gouvernenent", Some("gouvernement")),             // neighbouring key
        ("gouvernemnt reforme", Some("gouvernement reforme")), // the rest as typed
        ("\"le gouvernemnt\"", Some("\"le gouvernement\"")),   // inside a phrase
        ("gouvernemnt~", Some("gouvernement~")),            // a typo-tolerant word too
        ("numerqiue", Some("numérique")),                   // accents restored
        ("l'asemblée", Some("l'Assemblée")),                // article kept, capital restored
        ("Obamma", Some("Obama")),                          // a name, first word
        ("accuzé", Some("accusé")),                         // the typed accents choose the form
        ("the govenment said", Some("the government said")), // English, from English articles
    ];
    for (q, want) in table {
        assert_eq!(suggestion(&index, q).as_deref(), *want, "{q:?}");
    }
}

#[test]
fn correct_queries_get_no_suggestion() {
    let index = index();
    for q in [
        "gouvernement",
        "ministere", // accents free: correct
        "ministère",
        "government",    // an English word of the index
        "rarissime",     // rare but real: no frequent word one slip away
        "2016",          // a number
        "OTNA",          // an acronym is no misspelling
        "Barack Obamma", // a capital after the first word: a name
        "-gouvernemnt",  // excluded words are not corrected
        "numériques",    // an inflection of a known word
        "zzzz",
        "",
        "gouv*",
    ] {
        assert_eq!(suggestion(&index, q), None, "{q:?}");
    }
    let off = SearchRequest::new("gouvernemnt").suggest(false);
    assert_eq!(index.search(&off).unwrap().suggestion, None);
}

#[test]
fn an_english_query_is_not_corrected_into_french() {
    let index = NewsIndex::create_in_ram().unwrap();
    for i in 0..4 {
        let a = Article {
            id: format!("fr-{i}"),
            title: "Un arrêt de travail".into(),
            body: "L'arrêt du train en gare a duré une heure.".into(),
            lang: Some(Lang::French),
            ..Default::default()
        };
        index.add(&a).unwrap();
    }
    index.commit().unwrap();
    for (q, want) in [
        ("the police arrest the suspect", None),
        ("l'arrest du train", Some("l'arrêt du train")),
        ("arrest", Some("arrêt")), // one word: no language, the frequent word wins
    ] {
        assert_eq!(suggestion(&index, q).as_deref(), want, "{q:?}");
    }
}

#[test]
fn completion_gives_frequent_words_in_their_written_form() {
    let index = index();
    let table: &[(&str, usize, &[&str])] = &[
        ("numeri", 5, &["numérique", "numériques", "numérisation"]),
        ("NUMÉ", 1, &["numérique"]),
        ("transformation numé", 2, &["transformation numérique", "transformation numériques"]),
        ("l'assem", 1, &["l'Assemblée"]),
        ("gouv", 3, &["gouvernement"]),
        ("obam", 3, &["Obama"]),
        ("numeri ", 5, &[]),
        ("", 5, &[]),
        ("numeri", 0, &[]),
        ("zyxw", 5, &[]), // only in a deleted article
        ("qqqq", 5, &[]),
    ];
    for (prefix, k, want) in table {
        assert_eq!(index.complete(prefix, *k).unwrap(), *want, "{prefix:?}");
    }
    assert!(index.complete("n", usize::MAX).unwrap().len() <= depeche::search::MAX_COMPLETIONS);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Any prefix completes without error, and every completion keeps what came before the
    /// word being typed.
    #[test]
    fn completion_never_fails(prefix in "\\PC{0,24}") {
        let index = &*INDEX;
        let out = index.complete(&prefix, 5).unwrap();
        proptest::prop_assert!(out.len() <= 5);
    }

    /// Any query gets a suggestion or none, never an error, and a suggestion differs from
    /// the query.
    #[test]
    fn suggestions_never_fail(q in "[a-zéèà' ]{0,30}") {
        let s = suggestion(&INDEX, &q);
        proptest::prop_assert!(s.as_deref() != Some(q.as_str()));
    }
}

static INDEX: std::sync::LazyLock<NewsIndex> = std::sync::LazyLock::new(index);
