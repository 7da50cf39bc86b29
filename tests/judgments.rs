//! News judgments: reader queries on the bundled corpus (`data/fr_news.jsonl`, 1,291 French
//! Wikinews articles) and the article a reader expects.
//!
//! Each query was written by reading the expected article and typing what a reader would:
//! lowercase, no accents, singular for plural, elided forms, an English name for a French
//! story. Other fair answers were looked for by searching the titles and bodies of the corpus
//! for the story's names (not by looking at the ranking): when there are some, the expected
//! article has to be in the top 3 and the comment names the others; otherwise it must rank
//! first. A judgment fails when its article ranks lower; the test fails when any does, and
//! prints the pass rate.

use depeche::index::{NewsIndex, Progress};
use depeche::search::SearchRequest;

const CORPUS: &str = include_str!("../data/fr_news.jsonl");
const ID: &str = "wikinews-fr-";

/// (query, expected article id without the `wikinews-fr-` prefix, highest accepted rank).
const JUDGMENTS: &[(&str, &str, usize)] = &[
    ("rachat linkedin microsoft", "winer-2016_06_13-001", 1),
    ("microsoft buys linkedin", "winer-2016_06_13-001", 1),
    // Three other articles mention a coup d'État (2016-03, 2016-12, 2017-11).
    ("tentative de coup d'etat en turquie", "winer-2016_07_15-001", 3),
    ("moon jae-in election coree du sud", "winer-2017_05_09-001", 1),
    // Also fair: "La Turquie demande à Wikipédia de supprimer des articles" (2017-05-03).
    ("wikipedia bloque en turquie", "winer-2017_04_29-002", 3),
    ("seisme 7,9 alaska", "winer-2018_01_23-001", 1),
    ("avalanche savoie quatre morts", "winer-2017_02_15-002", 1),
    ("avalanche militaires savoie", "winer-2017_01_21-010", 1),
    ("mort de kim jong-nam", "winer-2017_02_24-004", 1),
    ("hulot quitte le gouvernement", "winer-2018_08_28-001", 1),
    ("fin du minitel", "kp2012-44318", 1),
    ("femme tuee par un taureau", "winer-2018_10_09-001", 1),
    ("rob ford maire de toronto", "winer-2016_03_22-001", 1),
    ("tabby's star", "winer-2017_01_31-004", 1),
    // Also fair: "la sonde Cassini se prépare pour son Grand Final" (2017-04-05).
    ("cassini grand finale saturn", "winer-2017_04_16-006", 3),
    ("playerunknown's battlegrounds", "winer-2018_03_09-004", 1),
    ("spacex dragon", "kp2012-43971", 1),
    ("penurie d'essence raffinerie", "winer-2016_05_26-006", 1),
    ("reduction isf grandes fortunes", "winer-2016_06_09-002", 1),
    ("controle au facies", "winer-2017_01_25-004", 1),
    ("gael faye goncourt", "winer-2016_11_20-001", 1),
    // Four later articles are about Palmyra (retaken by the Islamic State, then again).
    ("palmyre reprise par l'armee syrienne", "winer-2016_03_31-002", 3),
    ("penny oleksiak", "winer-2016_08_13-003", 1),
    ("crash avion lagos", "kp2012-44145", 1),
    ("helicoptere touriste", "winer-2016_04_04-001", 1),
    ("effondrement viaduc inde", "winer-2016_03_31-003", 1),
    ("l'abbe pierre", "winer-2017_01_23-005", 1),
    ("medecin agresse chambery", "winer-2016_05_19-001", 1),
    ("homme nu orvault", "winer-2017_03_19-004", 1),
    ("epidemie de grippe hopital", "winer-2017_01_13-001", 1),
    ("nouveau billet euro", "kp2012-45750", 1),
    ("explosion jupiter", "winer-2016_04_07-001", 1),
    ("iles magiques titan", "winer-2017_05_03-002", 1),
    ("pont pieton autoroute kent", "winer-2017_01_21-006", 1),
    // Two other articles mention Clermont (not its rugby title).
    ("clermont champion de france rugby", "winer-2017_06_04-006", 1),
    ("peladeau demission", "winer-2016_05_02-002", 1),
    ("abou douaa al-ansari", "winer-2016_08_04-001", 1),
    ("assia djebar", "winer-2016_06_18-001", 1),
    ("oiseau migrateur algerie", "winer-2016_02_23-002", 1),
    ("comac avion chinois", "winer-2017_09_20-001", 1),
    ("sida caraibes", "winer-2018_06_24-002", 1),
    ("hanyu forfait grand prix", "winer-2018_11_29-001", 1),
    ("eurovision 2016 winner ukraine", "winer-2016_05_15-001", 1),
    // Also fair: the junior contest of 2016 (Georgia won).
    ("qui a gagne l'eurovision 2016", "winer-2016_05_15-001", 3),
    ("combien de morts dans l'effondrement du viaduc en inde", "winer-2016_03_31-003", 1),
];

/// Judgments the ranking is known to miss, and why. They count in the pass rate; the test
/// fails on any other miss, and says when a known miss starts passing.
const KNOWN_MISSES: &[&str] = &[
    // The article says "remporte", not "gagne": no stemmer joins them (a synonym would); the
    // Eurovision 2019 article, which has "gagné", ranks first. Measured rank: 4.
    "qui a gagne l'eurovision 2016",
];

#[test]
fn readers_find_the_article_they_expect() {
    let index = NewsIndex::create_in_ram().unwrap();
    let report = index.import_jsonl(CORPUS.as_bytes(), None, Progress::Hidden).unwrap();
    assert_eq!(report.indexed, 1_291, "{report}");
    index.commit().unwrap();
    let (mut failures, mut known) = (Vec::new(), 0);
    for &(query, expected, max_rank) in JUDGMENTS {
        let expected = format!("{ID}{expected}");
        assert!(CORPUS.contains(&format!("\"{expected}\"")), "unknown article {expected}");
        let r = index.search(&SearchRequest::new(query).limit(10).snippets(false)).unwrap();
        let rank = r.hits.iter().position(|h| h.id == expected).map(|p| p + 1);
        let missed = rank.is_none_or(|r| r > max_rank);
        if missed && KNOWN_MISSES.contains(&query) {
            known += 1;
        } else if missed {
            let got: Vec<&str> = r.hits.iter().take(3).map(|h| h.title.as_str()).collect();
            failures.push(format!("{query:?}: {expected} at {rank:?} (top: {got:?})"));
        } else if KNOWN_MISSES.contains(&query) {
            println!("known miss now passes, remove it from KNOWN_MISSES: {query:?}");
        }
    }
    let passed = JUDGMENTS.len() - failures.len() - known;
    println!("news judgments: {passed}/{} passed ({known} known misses)", JUDGMENTS.len());
    assert!(JUDGMENTS.len() >= 30);
    assert!(
        failures.is_empty(),
        "{passed}/{} passed; failed:\n{}",
        JUDGMENTS.len(),
        failures.join("\n")
    );
}

/// A question and the keywords a reader would type for it rank the same articles the same way:
/// question words (`combien`, `comment`, `pourquoi`, `qui`, `quel`…) and stop words are
/// dropped from both.
#[test]
fn questions_rank_like_their_keywords() {
    let index = NewsIndex::create_in_ram().unwrap();
    index.import_jsonl(CORPUS.as_bytes(), None, Progress::Hidden).unwrap();
    index.commit().unwrap();
    for (question, keywords) in [
        (
            "Combien de personnes travaillent au ministère des sports ?",
            "personnes travaillent ministère sports",
        ),
        ("Pourquoi le minitel a-t-il été arrêté ?", "minitel arrêté"),
        ("Comment s'appelle le fondateur de Wikipédia ?", "appelle fondateur Wikipédia"),
        ("Qui a remporté le Goncourt des lycéens ?", "remporté Goncourt lycéens"),
        ("Quelle est la magnitude du séisme en Alaska ?", "magnitude séisme Alaska"),
    ] {
        let run = |q: &str| {
            let r = index.search(&SearchRequest::new(q).limit(20).snippets(false)).unwrap();
            r.hits.into_iter().map(|h| (h.id, h.score)).collect::<Vec<_>>()
        };
        let (a, b) = (run(question), run(keywords));
        assert!(!a.is_empty(), "{question:?} finds nothing");
        assert_eq!(a, b, "{question:?} vs {keywords:?}");
    }
}
