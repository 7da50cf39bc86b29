//! French/English language detection: named cases on sentences written for these tests,
//! and properties on any input.

use depeche::analysis::{detect, Detection};
use depeche::{detect_language, Lang};
use proptest::prelude::*;

const FR: Option<Lang> = Some(Lang::French);
const EN: Option<Lang> = Some(Lang::English);
const UNKNOWN: Option<Lang> = None;

/// `(name, text, expected)`: one table per kind of text.
type Case = (&'static str, &'static str, Option<Lang>);

fn check(cases: &[Case]) {
    let mut failures = Vec::new();
    for &(name, text, expected) in cases {
        let d = detect(text);
        if d.lang != expected {
            failures.push(format!(
                "{name}: expected {expected:?}, found {:?} (fr {:.2}, en {:.2}, confidence {:.2}) for {text:?}",
                d.lang, d.french_score, d.english_score, d.confidence
            ));
        }
        assert_eq!(detect_language(text), d.lang, "{name}: detect_language must be detect().lang");
    }
    assert!(failures.is_empty(), "{} case(s) failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn case_names_are_unique() {
    let mut names: Vec<&str> = [
        FRENCH_BODIES,
        ENGLISH_BODIES,
        FRENCH_HEADLINES,
        ENGLISH_HEADLINES,
        ELISIONS_AND_CONTRACTIONS,
        NAMES_AND_MIXED,
        TOO_LITTLE,
    ]
    .iter()
    .flat_map(|table| table.iter().map(|case| case.0))
    .collect();
    let total = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), total, "two cases have the same name");
}

const FRENCH_BODIES: &[Case] = &[
    (
        "fr_body_politics",
        "Le gouvernement a présenté mercredi un projet de loi sur l'assurance chômage. Les syndicats, \
         qui dénoncent une réforme injuste, appellent à la grève jeudi prochain dans plusieurs villes.",
        FR,
    ),
    (
        "fr_body_sport",
        "Les joueurs de l’équipe de France ont remporté leur troisième match consécutif, samedi soir, \
         devant plus de 70 000 spectateurs. L’entraîneur s’est dit très satisfait du jeu collectif.",
        FR,
    ),
    (
        "fr_body_weather",
        "De fortes pluies sont attendues dans le sud-est du pays au cours du week-end. Météo-France a \
         placé quatre départements en vigilance orange pour des risques d'inondations.",
        FR,
    ),
    (
        "fr_body_no_accents",
        "Le president a annonce une reforme des retraites qui sera presentee au conseil des ministres \
         la semaine prochaine, selon le porte-parole du gouvernement.",
        FR,
    ),
    (
        "fr_body_uppercase",
        "LE CONSEIL MUNICIPAL A VOTÉ LA CONSTRUCTION D'UNE NOUVELLE ÉCOLE DANS LE QUARTIER NORD.",
        FR,
    ),
    (
        "fr_body_nfd_accents",
        "Les e\u{301}le\u{300}ves ont e\u{301}te\u{301} accueillis dans un nouveau lyce\u{301}e.",
        FR,
    ),
    (
        "fr_body_extraction_artefacts",
        "Un incendie s'est déclaré dans un entrepôt à Valence . Selon les pompiers, il n' y a pas eu \
         de blessés. Le représentant de l' OMS s'est rendu sur place .",
        FR,
    ),
];

const ENGLISH_BODIES: &[Case] = &[
    (
        "en_body_politics",
        "The government presented a bill on unemployment insurance on Wednesday. Unions, which have \
         called the reform unfair, plan to strike next Thursday in several cities.",
        EN,
    ),
    (
        "en_body_sport",
        "The players won their third consecutive match on Saturday night in front of more than 70,000 \
         fans. The coach said he was very pleased with the way the team played together.",
        EN,
    ),
    (
        "en_body_weather",
        "Heavy rain is expected across the southeast of the country over the weekend, forecasters \
         said, warning that rivers could burst their banks by Monday morning.",
        EN,
    ),
    (
        "en_body_uppercase",
        "THE CITY COUNCIL VOTED TO BUILD A NEW SCHOOL IN THE NORTHERN DISTRICT, OFFICIALS SAID.",
        EN,
    ),
    (
        "en_body_with_cafe",
        "The café on the corner, which opened in 1998, will close its doors next month after the \
         owners failed to renew the lease.",
        EN,
    ),
];

const FRENCH_HEADLINES: &[Case] = &[
    ("fr_headline_wembley", "Les Bleus s'imposent à Wembley", FR),
    ("fr_headline_colon", "Italie : un séisme fait trois morts", FR),
    ("fr_headline_death", "Décès d’un ancien ministre", FR),
    ("fr_headline_short_accents", "Élection présidentielle reportée", FR),
    ("fr_headline_no_accents", "Le president a annonce une reforme", FR),
    ("fr_headline_verb", "La Bourse de Paris termine en hausse", FR),
    ("fr_headline_guillemets", "Le maire dénonce des « mensonges »", FR),
    ("fr_headline_names", "Trump et Kim Jong-un se rencontrent à Singapour", FR),
    ("fr_headline_question", "Faut-il taxer les géants du numérique ?", FR),
];

const ENGLISH_HEADLINES: &[Case] = &[
    ("en_headline_climate", "Obama signs climate deal", EN),
    ("en_headline_quake", "Earthquake kills three in central Italy", EN),
    ("en_headline_title_case", "Stocks Rally as Investors Shrug Off Trade Worries", EN),
    ("en_headline_says", "Minister says talks will resume next week", EN),
    ("en_headline_possessive", "Britain's economy grows faster than expected", EN),
    ("en_headline_quotes", "Mayor denies 'lying' about budget", EN),
    ("en_headline_ing", "Floods leave thousands stranded", EN),
    ("en_headline_question", "What happens when the ice melts?", EN),
];

const ELISIONS_AND_CONTRACTIONS: &[Case] = &[
    ("elision_straight", "l'avion d'Air France s'est posé", FR),
    ("elision_curly", "l’avion d’Air France s’est posé", FR),
    ("elision_qu", "Qu'il pleuve ou qu’il vente, jusqu'à demain", FR),
    ("elision_no_accents", "Il n'y a qu'un seul candidat", FR),
    ("contraction_nt", "They don't know and won't say", EN),
    ("contraction_curly", "It’s what we’ve done and we’re proud", EN),
    ("contraction_possessive", "The company's chief and the workers' union", EN),
];

const NAMES_AND_MIXED: &[Case] = &[
    ("en_with_french_names", "Macron meets Merkel in Berlin", EN),
    ("en_with_le_pen", "Marine Le Pen loses the runoff to Emmanuel Macron", EN),
    ("en_with_french_place", "Protesters gathered outside the Élysée Palace on Saturday", EN),
    ("fr_with_english_names", "Theresa May et Boris Johnson se disputent sur le Brexit", FR),
    ("fr_with_english_title", "L'émission The Voice attire six millions de téléspectateurs", FR),
    (
        "fr_quoting_english",
        "« Make America great again », a répété le candidat devant ses partisans.",
        FR,
    ),
    (
        "en_quoting_french",
        "The protesters chanted \"liberté\" as they marched towards the square, police said.",
        EN,
    ),
    (
        "mixed_mostly_french",
        "Le ministre a déclaré que la situation était sous contrôle. He said it was fine. Les \
         enquêteurs poursuivent leurs recherches dans la région depuis plusieurs jours.",
        FR,
    ),
    (
        "mixed_mostly_english",
        "The minister said the situation was under control. Il a dit que tout allait bien. \
         Investigators have been searching the area for several days, according to the police.",
        EN,
    ),
    ("mixed_balanced", "the de", UNKNOWN),
];

const TOO_LITTLE: &[Case] = &[
    ("empty", "", UNKNOWN),
    ("spaces", "  \t\n ", UNKNOWN),
    ("ok", "OK", UNKNOWN),
    ("year", "2016", UNKNOWN),
    ("numbers", "12 345,67 – 89 %", UNKNOWN),
    ("city", "Paris", UNKNOWN),
    ("person", "Angela Merkel", UNKNOWN),
    ("acronyms", "UN US EU", UNKNOWN),
    ("emoji", "🎉🔥👍", UNKNOWN),
    ("punctuation", "!!! ??? ...", UNKNOWN),
    ("url", "https://example.com/2016/01/01", UNKNOWN),
    ("cyrillic", "Москва", UNKNOWN),
    ("arabic_with_rtl_mark", "\u{200F}مرحبا\u{200F}", UNKNOWN),
    ("chinese", "北京欢迎你", UNKNOWN),
];

#[test]
fn french_bodies() {
    check(FRENCH_BODIES);
}

#[test]
fn english_bodies() {
    check(ENGLISH_BODIES);
}

#[test]
fn french_headlines() {
    check(FRENCH_HEADLINES);
}

#[test]
fn english_headlines() {
    check(ENGLISH_HEADLINES);
}

#[test]
fn elisions_and_contractions() {
    check(ELISIONS_AND_CONTRACTIONS);
}

#[test]
fn names_and_mixed() {
    check(NAMES_AND_MIXED);
}

#[test]
fn too_little_evidence() {
    check(TOO_LITTLE);
}

#[test]
fn unknown_has_zero_confidence_when_nothing_is_found() {
    let d = detect("2016");
    assert_eq!(d, Detection::default());
}

#[test]
fn longer_text_is_more_confident() {
    let short = detect("Les Bleus s'imposent à Wembley");
    let long = detect(FRENCH_BODIES[0].1);
    assert!(long.confidence > short.confidence, "short {short:?}, long {long:?}");
    assert!(long.confidence > 0.8, "{long:?}");
}

#[test]
fn score_matches_fields() {
    let d = detect("The minister said the situation was under control.");
    assert_eq!(d.score(Lang::French), d.french_score);
    assert_eq!(d.score(Lang::English), d.english_score);
    assert!(d.english_score > d.french_score);
}

#[test]
fn only_the_start_of_a_huge_text_is_read() {
    // 1 MB: French first, then English; the English part is beyond the scan window.
    let mut text = "Les enquêteurs poursuivent leurs recherches dans la région. ".repeat(400);
    while text.len() < 1_000_000 {
        text.push_str("The investigators are still searching the area. ");
    }
    let d = detect(&text);
    assert_eq!(d.lang, FR);
    assert!(d.english_score == 0.0, "{d:?}");
}

#[test]
fn huge_text_cut_inside_a_multibyte_char() {
    // 'é' is 2 bytes: an odd offset lands inside a char at the 10 KiB cut, whatever it is.
    for pad in 0..4 {
        let text = format!("{}{}", "x".repeat(pad), "é".repeat(600_000));
        let d = detect(&text);
        assert!((0.0..=1.0).contains(&d.confidence), "{d:?}");
    }
}

#[test]
fn control_and_odd_characters() {
    for text in [
        "\0",
        "\0\0le\0la\0les\0",
        "\u{202E}the\u{202C} \u{200B}and\u{FEFF}",
        "'",
        "’’’",
        "l'",
        "'s",
        "don'",
        "a'b'c'd'e'f",
        "\u{301}\u{301}\u{301}",
        "İİİ ǅǅ ﬀ ẞ",
        "x\u{10FFFF}y",
    ] {
        let d = detect(text);
        assert!((0.0..=1.0).contains(&d.confidence), "{text:?}: {d:?}");
    }
    assert_eq!(detect("\0\0les\0des\0une\0dans\0").lang, FR);
}

proptest! {
    #[test]
    fn never_panics_and_confidence_is_bounded(text in any::<String>()) {
        let d = detect(&text);
        prop_assert!((0.0..=1.0).contains(&d.confidence));
        prop_assert!(d.french_score >= 0.0 && d.english_score >= 0.0);
        prop_assert_eq!(detect_language(&text), d.lang);
    }

    #[test]
    fn never_panics_on_latin_words(text in "[a-zA-Zéèàçù'’ .,\\-\u{301}]{0,200}") {
        let d = detect(&text);
        prop_assert!((0.0..=1.0).contains(&d.confidence));
        if d.lang.is_none() {
            prop_assert!(d.confidence < 1.0);
        }
    }
}
