//! Adversarial search-box queries and what each must get, shared by `tests/adversarial.rs`
//! (a small generated index, debug build) and `DEPECHE_BENCH_ADVERSARIAL=1 cargo bench --bench
//! search` (the 100,000-article index, release), which prints each one's time.

use depeche::query::Limit;

/// What a query must get: hits (possibly none), or a refusal for passing `Limit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// An answer (possibly no hit).
    Answered,
    /// [`depeche::Error::QueryRefused`] for this limit.
    Refused(Limit),
    /// Within the static limits but costly: an answer, or a refusal for passing the time
    /// budget, depending on the machine and the index.
    Heavy,
}

impl Expect {
    /// Whether `got` (never `Heavy`) is what `self` asks for.
    pub fn admits(self, got: Expect) -> bool {
        match self {
            Expect::Heavy => matches!(got, Expect::Answered | Expect::Refused(Limit::TimeBudget)),
            other => other == got,
        }
    }
}

/// One adversarial query.
pub struct Case {
    /// What it attacks.
    pub name: &'static str,
    /// The query text.
    pub query: String,
    /// The outcome the default limits must give.
    pub expect: Expect,
}

/// Frequent French words of news text: the most expensive words to search.
const COMMON: [&str; 64] = [
    "gouvernement",
    "président",
    "ministre",
    "france",
    "pays",
    "politique",
    "elections",
    "projet",
    "guerre",
    "accord",
    "loi",
    "police",
    "ville",
    "paris",
    "état",
    "monde",
    "europe",
    "national",
    "premier",
    "nouveau",
    "grand",
    "public",
    "sécurité",
    "économie",
    "parti",
    "décision",
    "réforme",
    "pouvoir",
    "armée",
    "justice",
    "année",
    "jour",
    "semaine",
    "mois",
    "groupe",
    "conseil",
    "affaire",
    "question",
    "place",
    "personnes",
    "victimes",
    "attaque",
    "enquête",
    "tribunal",
    "rapport",
    "selon",
    "depuis",
    "entre",
    "contre",
    "avant",
    "après",
    "pendant",
    "plusieurs",
    "premiers",
    "derniers",
    "dernier",
    "internationale",
    "mondiale",
    "région",
    "nord",
    "sud",
    "est",
    "ouest",
    "centre",
];

/// Frequent prefixes of three letters.
const PREFIXES: [&str; 17] = [
    "con", "pro", "dis", "pre", "com", "par", "tra", "man", "res", "rep", "dec", "int", "ent",
    "sou", "min", "gou", "pou",
];

fn words(n: usize) -> String {
    COMMON.iter().cycle().take(n).copied().collect::<Vec<_>>().join(" ")
}

/// Every case, in a fixed order.
pub fn cases() -> Vec<Case> {
    use Expect::{Answered, Heavy, Refused};
    let mut v = Vec::new();
    let mut add =
        |name: &'static str, query: String, expect: Expect| v.push(Case { name, query, expect });
    // Nesting.
    add("100,000 (", "(".repeat(100_000), Refused(Limit::Length));
    add("100,000 ( then a word", "(".repeat(100_000) + "gouvernement", Refused(Limit::Length));
    add("100,000 )", ")".repeat(100_000), Refused(Limit::Length));
    add(
        "17 nested groups",
        "(".repeat(17) + "gouvernement" + &")".repeat(17),
        Refused(Limit::Depth),
    );
    add("16 nested groups", "(".repeat(16) + "gouvernement" + &")".repeat(16), Answered);
    add("1,000 (, unclosed", "(".repeat(1_000), Refused(Limit::Depth));
    add("500 empty groups", "()".repeat(500), Answered);
    add("( inside a phrase", format!("\"{}\"", "(".repeat(1_000)), Answered);
    // Size.
    add("10,000 words", words(10_000), Refused(Limit::Length));
    add("2,049 bytes", "a".repeat(2_049), Refused(Limit::Length));
    add("a 2,048-byte word", "a".repeat(2_048), Answered);
    add("32 frequent words", words(32), Heavy);
    add("33 frequent words", words(33), Refused(Limit::Clauses));
    add("31 alternatives", COMMON[..31].join(" OR "), Heavy);
    add("11 OR groups", ["(gouvernement OR ministre)"; 11].join(" "), Refused(Limit::Clauses));
    add(
        "32 excluded words",
        COMMON[..32].iter().map(|w| format!("-{w}")).collect::<Vec<_>>().join(" "),
        Heavy,
    );
    add(
        "32 required words",
        COMMON[..32].iter().map(|w| format!("+{w}")).collect::<Vec<_>>().join(" "),
        Heavy,
    );
    add(
        "32 stop words",
        ["de la le les des du"; 6].join(" ").split(' ').take(32).collect::<Vec<_>>().join(" "),
        Heavy,
    );
    // Phrases.
    add("phrase of 16 frequent words", format!("\"{}\"", words(16)), Answered);
    add("phrase of 16 stop words", format!("\"{}\"", ["de la"; 8].join(" ")), Heavy);
    add("phrase of 17 words", format!("\"{}\"", words(17)), Refused(Limit::PhraseWords));
    add(
        "phrase of 600 words",
        format!("\"{}\"", vec!["de"; 600].join(" ")),
        Refused(Limit::PhraseWords),
    );
    add("32 phrases of 2 stop words", vec!["\"de la\""; 32].join(" "), Heavy);
    add(
        "32 different phrases of stop words",
        ["de", "la", "le", "les", "des", "du", "et", "en"]
            .iter()
            .flat_map(|a| ["la", "le", "les", "de"].iter().map(move |b| format!("\"{a} {b}\"")))
            .collect::<Vec<_>>()
            .join(" "),
        Heavy,
    );
    add("sloppy phrase, slop 999999", format!("\"{}\"~999999", words(16)), Answered);
    add("17 hyphenated parts", vec!["a"; 17].join("-"), Heavy);
    add("a word of 1,000 pieces", "a-".repeat(1_000), Heavy);
    add("a word of 600 frequent pieces", ["de", "la", "le"].repeat(200).join("."), Heavy);
    add(
        "a pasted URL",
        "https://www.lemonde.fr/politique/article/2016/05/10/la-reforme-des-retraites-adoptee_4916.html?xtor=RSS-3208".into(),
        Answered,
    );
    add("1,000 quote marks", "\"".repeat(1_000), Answered);
    // Prefixes and typo tolerance.
    add("a*", "a*".into(), Answered);
    add("con*", "con*".into(), Answered);
    add(
        "16 frequent prefixes",
        PREFIXES[..16].iter().map(|p| format!("{p}*")).collect::<Vec<_>>().join(" "),
        Heavy,
    );
    add(
        "17 frequent prefixes",
        PREFIXES.iter().map(|p| format!("{p}*")).collect::<Vec<_>>().join(" "),
        Refused(Limit::ExpandingWords),
    );
    add("200 typo-tolerant words", vec!["gouvernemant~"; 200].join(" "), Refused(Limit::Length));
    add("200 short typo-tolerant words", vec!["mot~"; 200].join(" "), Refused(Limit::Clauses));
    add(
        "16 two-edit short words",
        ["le~2", "de~2", "la~2", "un~2", "et~2", "en~2", "au~2", "du~2"].repeat(2).join(" "),
        Heavy,
    );
    add("16 two-edit long words", vec!["gouvernemant~2"; 16].join(" "), Heavy);
    add(
        "32 long rare words (automatic typo tolerance)",
        (0..32).map(|i| format!("gouvernemant{i}")).collect::<Vec<_>>().join(" "),
        Answered,
    );
    add(
        "prefixes in every field",
        "source:gen* section:a* tag:con* title:pro* con*".into(),
        Answered,
    );
    add(
        "16 prefixes in OR groups",
        PREFIXES[..16]
            .chunks(2)
            .map(|c| format!("({}* OR {}*)", c[0], c[1]))
            .collect::<Vec<_>>()
            .join(" "),
        Heavy,
    );
    // Odd characters, fields, dates.
    add(
        "control characters",
        (0u8..32).map(char::from).collect::<String>() + "gouvernement\u{7f}",
        Answered,
    );
    add("control characters between words", words(16).replace(' ', "\u{1}\u{8} "), Heavy);
    add("NUL bytes", "\u{0}".repeat(500), Answered);
    add(
        "zero-width and RTL marks",
        "\u{200b}\u{200e}\u{202e}gouv\u{200d}ernement\u{feff} ".repeat(16),
        Heavy,
    );
    add("emoji and other scripts", "👩‍👩‍👧 élection 选举 انتخابات выборы ".repeat(6), Answered);
    add("replacement characters", "\u{fffd}".repeat(600), Answered);
    add("NFD accents", "e\u{301}lection re\u{301}forme se\u{301}curite\u{301}".into(), Answered);
    add(
        "invalid dates",
        "date:2016-13-45 date:99999 date:0000-00-00 date:.. date:2016-02-30".into(),
        Answered,
    );
    add("32 date ranges", vec!["date:2012..2018"; 32].join(" "), Heavy);
    add("unknown fields", "auteur:dupont foo:bar ::: a:b:c: gouvernement".into(), Answered);
    add("unknown language", "lang:xx lang: langue:klingon ministre".into(), Answered);
    add("operators only", "+ - OR ( ) * ~ : \" « » - + OR OR".repeat(6), Answered);
    add("stars and tildes", "*~*~*~**~~2~* ".repeat(10), Heavy);
    add("one word of stars, tildes and digits", "*~*~*~**~~2~*".repeat(50), Answered);
    add("digits", "1234567890".repeat(200), Answered);
    v
}
