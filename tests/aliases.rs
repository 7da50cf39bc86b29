//! Entity aliases and user synonyms, end to end: what each query finds through the other
//! language's names, what it must not find, and how alias matches rank.

use std::time::Duration;

use depeche::query::{QueryLimits, Thesaurus};
use depeche::{Article, Lang, NewsIndex, SearchRequest};

fn article(id: &str, lang: Lang, title: &str, body: &str) -> Article {
    Article {
        id: id.into(),
        title: title.into(),
        body: body.into(),
        lang: Some(lang),
        date: Some("2018-01-01".into()),
        ..Default::default()
    }
}

fn index() -> NewsIndex {
    let index = NewsIndex::create_in_ram().unwrap();
    use Lang::{English as En, French as Fr};
    for a in [
        article(
            "fr-otan",
            Fr,
            "Sommet de l’OTAN à Bruxelles",
            "Les alliés de l’OTAN se réunissent.",
        ),
        article(
            "en-nato",
            En,
            "NATO summit in Brussels",
            "NATO allies meet in Brussels on Thursday.",
        ),
        article(
            "en-nato-2",
            En,
            "Allies gather",
            "The North Atlantic Treaty Organization met in Brussels.",
        ),
        article("fr-onu", Fr, "Vote à l’Assemblée", "Les Nations unies ont adopté une résolution."),
        article(
            "en-un",
            En,
            "Resolution adopted",
            "The United Nations adopted a resolution on Monday.",
        ),
        article("en-un-2", En, "UN vote", "The UN adopted a resolution."),
        article("fr-pekin", Fr, "Visite à Pékin", "Le président est arrivé à Pékin."),
        article("en-beijing", En, "Visit to Beijing", "The president arrived in Beijing."),
        article("en-who", En, "Health agency warns", "The WHO warned of a new outbreak."),
        article("fr-oms", Fr, "Alerte sanitaire", "L’OMS a lancé une alerte."),
        article(
            "en-pronoun",
            En,
            "A man who knew",
            "The man who knew everything left the country.",
        ),
        article("en-us", En, "US elections", "The US votes on Tuesday."),
        article("en-us-pronoun", En, "Tell us", "Voters told us they were tired."),
        article("fr-eu", Fr, "Un accident", "Il y a eu un accident sur la route."),
        article("fr-ue", Fr, "Bruxelles et l’UE", "L’Union européenne a décidé."),
        article("en-eu", En, "EU decision", "The European Union decided on Friday."),
        article("en-white-house", En, "White House statement", "The White House said on Friday."),
        article(
            "fr-maison-blanche",
            Fr,
            "Communiqué de la Maison-Blanche",
            "La Maison-Blanche a déclaré.",
        ),
        article("fr-maison", Fr, "Une maison blanche", "Ils ont repeint leur maison en blanc."),
        article("en-germany", En, "Germany votes", "Voters in Germany go to the polls."),
        article("fr-allemagne", Fr, "Élections en Allemagne", "Les électeurs votent en Allemagne."),
        article("en-pm", En, "Prime Minister resigns", "The Prime Minister resigned on Monday."),
        article(
            "fr-pm",
            Fr,
            "Le Premier ministre démissionne",
            "Le Premier ministre a démissionné.",
        ),
        article("en-chili", En, "Chili recipes", "A spicy chili with beans."),
        article("fr-sofa", Fr, "Meubles", "Un sofa en cuir."),
        article("fr-canape", Fr, "Salon", "Un canapé en cuir."),
    ] {
        index.add(&a).unwrap();
    }
    index.commit().unwrap();
    index
}

/// No time budget: these tests check what is found, on a loaded machine too.
fn relaxed(req: SearchRequest) -> SearchRequest {
    req.limits(QueryLimits { time_budget: Duration::MAX, ..QueryLimits::default() })
}

fn ids(index: &NewsIndex, req: SearchRequest) -> Vec<String> {
    index.search(&relaxed(req).limit(50)).unwrap().hits.into_iter().map(|h| h.id).collect()
}

/// (query, must find, must not find)
#[rustfmt::skip]
const CASES: &[(&str, &[&str], &[&str])] = &[
    ("OTAN", &["fr-otan", "en-nato", "en-nato-2"], &[]),
    ("NATO", &["en-nato", "fr-otan"], &[]),
    ("l'Otan", &["fr-otan", "en-nato"], &[]),
    ("ONU", &["fr-onu", "en-un", "en-un-2"], &[]),
    ("\"Nations unies\"", &["fr-onu", "en-un", "en-un-2"], &[]),
    ("Nations unies", &["fr-onu", "en-un", "en-un-2"], &[]),
    ("\"United Nations\"", &["en-un", "fr-onu"], &[]),
    ("Pékin", &["fr-pekin", "en-beijing"], &[]),
    ("pekin", &["fr-pekin", "en-beijing"], &[]),
    ("Beijing", &["en-beijing", "fr-pekin"], &[]),
    ("Maison-Blanche", &["fr-maison-blanche", "en-white-house"], &[]),
    ("\"White House\"", &["en-white-house", "fr-maison-blanche"], &["fr-maison"]),
    ("Allemagne", &["fr-allemagne", "en-germany"], &[]),
    ("Germany", &["en-germany", "fr-allemagne"], &[]),
    ("\"Premier ministre\"", &["fr-pm", "en-pm"], &[]),
    ("WHO", &["en-who", "fr-oms"], &[]),
    ("OMS", &["fr-oms", "en-who"], &["en-pronoun"]),
    ("who", &[], &["fr-oms"]),
    ("us", &[], &["fr-ue"]),
    ("un accident", &["fr-eu"], &["en-un", "en-un-2", "fr-onu"]),
    ("eu", &[], &["fr-ue"]),
    ("EU", &["en-eu", "fr-ue"], &[]),
    ("UE", &["fr-ue", "en-eu"], &[]),
    ("Chile", &[], &["en-chili"]),
    ("canapé", &["fr-canape"], &["fr-sofa"]),
];

#[test]
fn aliases_find_the_other_language_and_nothing_else() {
    let index = index();
    for (query, found, not_found) in CASES {
        let got = ids(&index, SearchRequest::new(*query));
        for id in *found {
            assert!(got.contains(&id.to_string()), "{query:?} should find {id}: {got:?}");
        }
        for id in *not_found {
            assert!(!got.contains(&id.to_string()), "{query:?} should not find {id}: {got:?}");
        }
    }
}

#[test]
fn an_alias_match_ranks_below_the_same_match_as_typed() {
    let index = index();
    for (query, typed, alias) in [
        ("Pékin", "fr-pekin", "en-beijing"),
        ("Beijing", "en-beijing", "fr-pekin"),
        ("Allemagne", "fr-allemagne", "en-germany"),
        ("Germany", "en-germany", "fr-allemagne"),
    ] {
        let got = ids(&index, SearchRequest::new(query));
        let pos = |id: &str| got.iter().position(|g| g == id).unwrap();
        assert!(pos(typed) < pos(alias), "{query}: {got:?}");
    }
}

#[test]
fn lang_restricts_aliases_as_before() {
    let index = index();
    let got = ids(&index, SearchRequest::new("OTAN").lang(Lang::French));
    assert_eq!(got, ["fr-otan"]);
    let got = ids(&index, SearchRequest::new("OTAN lang:en"));
    assert!(
        got.iter().all(|id| id.starts_with("en-")) && got.contains(&"en-nato".into()),
        "{got:?}"
    );
}

#[test]
fn no_thesaurus_no_expansion() {
    let index = index();
    let req = SearchRequest::new("OTAN").thesaurus(std::sync::Arc::new(Thesaurus::empty()));
    assert_eq!(ids(&index, req), ["fr-otan"]);
    let mut req = SearchRequest::new("OTAN");
    req.ranking.boosts.alias = 0.0;
    assert_eq!(ids(&index, req), ["fr-otan"]);
}

#[test]
fn explain_names_the_alias() {
    let index = index();
    let r = index.search(&relaxed(SearchRequest::new("OTAN").explain(true).limit(10))).unwrap();
    let hit = r.hits.iter().find(|h| h.id == "en-nato").unwrap();
    let text = hit.explanation.as_ref().unwrap().to_string();
    assert!(text.contains("alias «Nato» of «OTAN»"), "{text}");
}

#[test]
fn user_synonyms_expand_and_replace() {
    let index = index();
    let synonyms = Thesaurus::parse_synonyms("canapé, sofa\nrecettes => chili\n").unwrap();
    let got = ids(&index, SearchRequest::new("canapé").synonyms(&synonyms));
    assert_eq!(got, ["fr-canape", "fr-sofa"]);
    let got = ids(&index, SearchRequest::new("sofa").synonyms(&synonyms));
    assert_eq!(got, ["fr-sofa", "fr-canape"]);
    let got = ids(&index, SearchRequest::new("recettes").synonyms(&synonyms));
    assert_eq!(got, ["en-chili"]);
}

/// A query made of names of the bundled table, ordinary words and operators.
fn query_strategy() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let pieces = prop::sample::select(vec![
        "OTAN",
        "NATO",
        "ONU",
        "Nations unies",
        "\"Nations unies\"",
        "États-Unis",
        "US",
        "us",
        "WHO",
        "who",
        "Maison-Blanche",
        "\"sommet de l'OTAN\"",
        "Pékin",
        "Premier ministre",
        "Corée du Nord",
        "EU",
        "UE",
        "-OTAN",
        "OR",
        "(",
        ")",
        "title:",
        "lang:en",
        "sofa",
        "gouvernement",
        "le",
        "de",
        "\"",
        "Organisation des Nations unies",
        "Royaume-Uni",
        "allemand",
        "française",
        "Union européenne",
        "canapé",
        "U.N.",
        "l'ONU",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.join(" "))
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Expanding never panics and never adds more names than the clauses the limits leave.
    #[test]
    fn expansion_stays_within_the_limits(q in query_strategy(), max in 1usize..40) {
        use depeche::index::NewsSchema;
        use depeche::query::{clause_count, parse, QueryBuilder};
        let schema = NewsSchema::new();
        let mut builder = QueryBuilder::new(&schema);
        builder.limits.max_clauses = max;
        builder.limits.max_phrase_words = 3;
        let parsed = parse(&q);
        let synonyms = Thesaurus::parse_synonyms("canapé, sofa\nOTAN => NATO, OTAN\n").unwrap();
        let mut thesaurus = (*Thesaurus::bundled()).clone();
        thesaurus.extend(&synonyms);
        builder.thesaurus = std::sync::Arc::new(thesaurus);
        for lang in [None, Some(Lang::French), Some(Lang::English)] {
            let built = builder.build(&parsed, lang, lang);
            let left = max.saturating_sub(clause_count(&parsed));
            // The any-words query and the all-words tier each stay within what is left.
            let tiers = if built.all.is_some() { 2 } else { 1 };
            proptest::prop_assert!(built.expansions.len() <= left * tiers,
                "{q:?}: {} names for {left} clauses left", built.expansions.len());
        }
    }

    /// Any text given as a table is read or refused with a line number, never a panic.
    #[test]
    fn any_table_text_parses_or_is_refused(text in "\\PC{0,200}") {
        for result in [Thesaurus::parse_aliases(&text), Thesaurus::parse_synonyms(&text)] {
            match result {
                Ok(_) => {}
                Err(depeche::Error::InvalidThesaurus { line, .. }) => {
                    proptest::prop_assert!(line >= 1 && line <= text.lines().count().max(1));
                }
                Err(e) => proptest::prop_assert!(false, "{e}"),
            }
        }
    }
}

#[test]
fn names_longer_than_the_phrase_limit_are_not_searched() {
    use depeche::index::NewsSchema;
    use depeche::query::{parse, QueryBuilder};
    let schema = NewsSchema::new();
    let mut builder = QueryBuilder::new(&schema);
    builder.limits.max_phrase_words = 2;
    let built = builder.build(&parse("OTAN"), None, None);
    assert!(built.expansions.iter().any(|e| e.contains("«NATO»") || e.contains("«Nato»")));
    assert!(
        !built.expansions.iter().any(|e| e.contains("North Atlantic Treaty Organization")),
        "{:?}",
        built.expansions
    );
}
