//! Measures query understanding: entity-alias recall across languages, « did you mean »
//! suggestions, and completion.
//!
//! ```text
//! cargo run --release --example query_eval -- --ntrex-en EN.jsonl --ntrex-fr FR.jsonl \
//!     [--news data/fr_news.jsonl] [--questions data/piaf_dev_questions.jsonl] \
//!     [--only aliases|suggest|complete] [--verbose]
//! ```
//!
//! The index is built in RAM from the NTREX-128 English and French news (the same 123
//! articles in each language, CC BY-SA 4.0; not shipped) and the bundled French Wikinews
//! articles. Then:
//!
//! - **aliases**: for each French/English name pair of [`PAIRS`] (chosen for news in general,
//!   written apart from the alias table), the articles in one language that use only that
//!   language's name are looked for with the other language's name (typed as written, no
//!   quotes) in the top 100: recall each way, micro-averaged over the articles. Then false
//!   expansions: every hit of a lowercase ordinary word (`who`, `us`, `un`, `eu`…) must hold
//!   the word itself.
//! - **suggest**: misspellings derived from the corpus words (deletion, adjacent
//!   transposition, doubled letter, neighbouring key on AZERTY/QWERTY), the share whose
//!   suggestion is the word as most often written; and the share of correctly spelled
//!   queries (the PIAF questions, the headlines' words) that get a suggestion.
//! - **complete**: for frequent headline words, prefixes of 4, 5 and 6 letters typed with and
//!   without accents: the share whose word is among the first 5 completions; latency.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use depeche::analysis::exact_analyzer;
use depeche::query::Thesaurus;
use depeche::{Article, Lang, NewsIndex, SearchRequest};
use serde::Deserialize;

const USAGE: &str = "usage: query_eval --ntrex-en FILE --ntrex-fr FILE [--news FILE] \
[--questions FILE] [--only aliases|suggest|complete] [--verbose]";
const TOP: usize = 100;

/// French / English name pairs for alias recall: countries, capitals and cities, regions,
/// organisations, institutions and titles that news in either language name differently.
#[rustfmt::skip]
pub const PAIRS: &[(&str, &str)] = &[
    ("États-Unis", "United States"), ("États-Unis", "US"), ("Royaume-Uni", "UK"),
    ("Royaume-Uni", "Britain"), ("Grande-Bretagne", "Britain"), ("Allemagne", "Germany"),
    ("Chine", "China"), ("Russie", "Russia"), ("Corée du Nord", "North Korea"),
    ("Corée du Sud", "South Korea"), ("Mexique", "Mexico"), ("Bolivie", "Bolivia"),
    ("Macédoine", "Macedonia"), ("Syrie", "Syria"), ("Indonésie", "Indonesia"),
    ("Singapour", "Singapore"), ("Grèce", "Greece"), ("Turquie", "Turkey"), ("Chili", "Chile"),
    ("Irlande", "Ireland"), ("Espagne", "Spain"), ("Italie", "Italy"), ("Japon", "Japan"),
    ("Inde", "India"), ("Brésil", "Brazil"), ("Égypte", "Egypt"), ("Belgique", "Belgium"),
    ("Suisse", "Switzerland"), ("Pays-Bas", "Netherlands"), ("Autriche", "Austria"),
    ("Pologne", "Poland"), ("Suède", "Sweden"), ("Norvège", "Norway"), ("Danemark", "Denmark"),
    ("Hongrie", "Hungary"), ("Maroc", "Morocco"), ("Algérie", "Algeria"), ("Tunisie", "Tunisia"),
    ("Libye", "Libya"), ("Liban", "Lebanon"), ("Jordanie", "Jordan"),
    ("Arabie saoudite", "Saudi Arabia"), ("Afrique du Sud", "South Africa"),
    ("Australie", "Australia"), ("Nouvelle-Zélande", "New Zealand"), ("Irak", "Iraq"),
    ("Éthiopie", "Ethiopia"), ("Cameroun", "Cameroon"), ("Côte d'Ivoire", "Ivory Coast"),
    ("Tchad", "Chad"), ("Somalie", "Somalia"), ("Colombie", "Colombia"), ("Pérou", "Peru"),
    ("Argentine", "Argentina"), ("Thaïlande", "Thailand"), ("Malaisie", "Malaysia"),
    ("Birmanie", "Myanmar"), ("Cambodge", "Cambodia"), ("Ukraine", "Ukraine"),
    ("Salvador", "El Salvador"), ("Micronésie", "Micronesia"), ("Écosse", "Scotland"),
    ("pays de Galles", "Wales"), ("Angleterre", "England"), ("Catalogne", "Catalonia"),
    ("Californie", "California"), ("Floride", "Florida"), ("Pennsylvanie", "Pennsylvania"),
    ("Virginie-Occidentale", "West Virginia"), ("Caroline du Sud", "South Carolina"),
    ("Basse-Californie", "Baja California"), ("Moyen-Orient", "Middle East"),
    ("Europe", "Europe"), ("Afrique", "Africa"), ("Asie", "Asia"),
    ("Amérique latine", "Latin America"), ("Pacifique", "Pacific"),
    ("Méditerranée", "Mediterranean"), ("mer Noire", "Black Sea"), ("Londres", "London"),
    ("Pékin", "Beijing"), ("Moscou", "Moscow"), ("Bruxelles", "Brussels"), ("Vienne", "Vienna"),
    ("Varsovie", "Warsaw"), ("Lisbonne", "Lisbon"), ("Athènes", "Athens"),
    ("Genève", "Geneva"), ("Édimbourg", "Edinburgh"), ("Le Caire", "Cairo"),
    ("Bagdad", "Baghdad"), ("Damas", "Damascus"), ("Beyrouth", "Beirut"),
    ("Téhéran", "Tehran"), ("Copenhague", "Copenhagen"), ("Munich", "Munich"),
    ("Nations unies", "United Nations"), ("ONU", "UN"), ("OTAN", "NATO"), ("UE", "EU"),
    ("Union européenne", "European Union"), ("OMS", "WHO"), ("FMI", "IMF"), ("BCE", "ECB"),
    ("OMC", "WTO"), ("Banque mondiale", "World Bank"), ("Croix-Rouge", "Red Cross"),
    ("Maison-Blanche", "White House"), ("Cour suprême", "Supreme Court"), ("Sénat", "Senate"),
    ("Congrès", "Congress"), ("Parlement", "Parliament"), ("Parlement européen", "European Parliament"),
    ("Commission européenne", "European Commission"), ("Premier ministre", "Prime Minister"),
    ("ministre des Affaires étrangères", "Foreign Minister"), ("Jeux olympiques", "Olympics"),
    ("Coupe du monde", "World Cup"), ("Seconde Guerre mondiale", "Second World War"),
    ("Américains", "Americans"), ("Britanniques", "British"), ("Allemands", "Germans"),
    ("démocrates", "Democrats"), ("républicains", "Republicans"), ("Marine", "Navy"),
    ("État islamique", "Islamic State"), ("Daesh", "ISIS"), ("Noël", "Christmas"),
];

/// Lowercase ordinary words that are also acronyms: none of their hits may come from an alias.
const ORDINARY: &[&str] = &["who", "us", "un", "eu", "is", "au", "it", "ue", "oms", "can", "aids"];

#[derive(Deserialize)]
struct Doc {
    id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    date: Option<String>,
}

struct Options {
    ntrex_en: PathBuf,
    ntrex_fr: PathBuf,
    news: PathBuf,
    questions: PathBuf,
    only: Option<String>,
    verbose: bool,
}

fn parse_args() -> Result<Options, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut o = Options {
        ntrex_en: PathBuf::new(),
        ntrex_fr: PathBuf::new(),
        news: root.join("fr_news.jsonl"),
        questions: root.join("piaf_dev_questions.jsonl"),
        only: None,
        verbose: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{a} needs a value\n{USAGE}"));
        match a.as_str() {
            "--ntrex-en" => o.ntrex_en = value()?.into(),
            "--ntrex-fr" => o.ntrex_fr = value()?.into(),
            "--news" => o.news = value()?.into(),
            "--questions" => o.questions = value()?.into(),
            "--only" => o.only = Some(value()?),
            "--verbose" => o.verbose = true,
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    if o.ntrex_en.as_os_str().is_empty() || o.ntrex_fr.as_os_str().is_empty() {
        return Err(USAGE.into());
    }
    Ok(o)
}

fn read_jsonl<T: for<'de> Deserialize<'de>>(path: &PathBuf) -> Result<Vec<T>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| format!("{}:{}: {e}", path.display(), i + 1))
        })
        .collect()
}

/// An article's words as the exact-form analyzer sees them: (folded term, typed in capitals).
struct Words {
    words: Vec<(String, bool)>,
    /// The words written in small letters only.
    lowercase: Vec<String>,
}

impl Words {
    fn new(text: &str) -> Words {
        let mut analyzer = exact_analyzer();
        let mut words: Vec<(String, bool)> = Vec::new();
        let mut lowercase = Vec::new();
        let mut last = None;
        let mut stream = analyzer.token_stream(text);
        while let Some(t) = stream.next() {
            if last == Some(t.position) {
                continue;
            }
            last = Some(t.position);
            let slice = &text[t.offset_from..t.offset_to];
            let letters = t.text.chars().filter(|c| c.is_alphabetic()).count();
            let caps = letters > 0 && slice.chars().filter(|c| c.is_uppercase()).count() >= letters;
            if !slice.chars().any(char::is_uppercase) {
                lowercase.push(t.text.clone());
            }
            words.push((t.text.clone(), caps));
        }
        Words { words, lowercase }
    }

    /// Whether the name occurs (an acronym only in capitals).
    fn holds(&self, name: &str) -> bool {
        let key = Words::new(name);
        let acronym = name.chars().filter(|c| c.is_uppercase()).count() >= 2
            && !name.chars().any(char::is_lowercase);
        let n = key.words.len();
        n > 0
            && self.words.windows(n).any(|w| {
                w.iter().zip(&key.words).all(|((a, caps), (b, _))| a == b && (!acronym || *caps))
            })
    }
}

struct Corpus {
    index: NewsIndex,
    /// id → (language, words).
    docs: HashMap<String, (Lang, Words)>,
    titles: Vec<String>,
}

fn build(o: &Options) -> Result<Corpus, String> {
    let index = NewsIndex::create_in_ram().map_err(|e| e.to_string())?;
    let mut docs = HashMap::new();
    let mut titles = Vec::new();
    for (path, lang) in
        [(&o.ntrex_en, Lang::English), (&o.ntrex_fr, Lang::French), (&o.news, Lang::French)]
    {
        for d in read_jsonl::<Doc>(path)? {
            let article = Article {
                id: d.id.clone(),
                title: d.title.clone(),
                body: d.body.clone(),
                // NTREX gives a year only.
                date: d.date.clone().filter(|d| d.len() >= 10),
                lang: Some(lang),
                ..Default::default()
            };
            index.add(&article).map_err(|e| format!("{}: {e}", d.id))?;
            titles.push(d.title.clone());
            docs.insert(d.id, (lang, Words::new(&format!("{}\n{}", d.title, d.body))));
        }
    }
    index.commit().map_err(|e| e.to_string())?;
    Ok(Corpus { index, docs, titles })
}

fn search_ids(index: &NewsIndex, q: &str) -> Vec<String> {
    let req = SearchRequest::new(q).limit(TOP).snippets(false).suggest(false);
    index.search(&req).map(|r| r.hits.into_iter().map(|h| h.id).collect()).unwrap_or_default()
}

fn aliases(c: &Corpus, verbose: bool) {
    // (typed name, its language, the other name, the other language)
    let mut directions = [(0usize, 0usize, 0usize), (0, 0, 0)];
    println!(
        "\n## Alias recall: articles using only the other language's name, found in the top {TOP}"
    );
    println!("| query | finds | targets | found |");
    println!("|---|---|---|---|");
    for (fr, en) in PAIRS {
        for (dir, (typed, typed_lang, other, other_lang)) in
            [(*fr, Lang::French, *en, Lang::English), (*en, Lang::English, *fr, Lang::French)]
                .into_iter()
                .enumerate()
        {
            let targets: Vec<&String> = c
                .docs
                .iter()
                .filter(|(_, (l, w))| *l == other_lang && w.holds(other) && !w.holds(typed))
                .map(|(id, _)| id)
                .collect();
            if targets.is_empty() {
                continue;
            }
            let hits: HashSet<String> = search_ids(&c.index, typed).into_iter().collect();
            let found = targets.iter().filter(|id| hits.contains(**id)).count();
            directions[dir].0 += 1;
            directions[dir].1 += targets.len();
            directions[dir].2 += found;
            if verbose || found < targets.len() {
                println!(
                    "| {typed} ({}) | {other} ({}) | {} | {found} |",
                    typed_lang.code(),
                    other_lang.code(),
                    targets.len()
                );
            }
            if verbose && found < targets.len() {
                let req = SearchRequest::new(typed).limit(1000).snippets(false).suggest(false);
                let all: Vec<String> = c
                    .index
                    .search(&req)
                    .map(|r| r.hits.into_iter().map(|h| h.id).collect())
                    .unwrap_or_default();
                let missed: Vec<String> = targets
                    .iter()
                    .filter(|id| !hits.contains(**id))
                    .take(4)
                    .map(|id| {
                        let rank = all.iter().position(|h| h == *id).map(|r| r + 1);
                        format!("{id} (rank {rank:?})")
                    })
                    .collect();
                println!("|   missed: {missed:?} | | | |");
            }
        }
    }
    for (name, (pairs, targets, found)) in ["fr → en", "en → fr"].iter().zip(directions) {
        println!(
            "{name}: {pairs} names with targets, {found}/{targets} articles found: recall {:.3}",
            found as f64 / targets.max(1) as f64
        );
    }
    let stock = {
        let empty = std::sync::Arc::new(Thesaurus::empty());
        let mut t = (0, 0);
        for (fr, en) in PAIRS {
            for (typed, other, other_lang) in [(*fr, *en, Lang::English), (*en, *fr, Lang::French)]
            {
                let targets: Vec<&String> = c
                    .docs
                    .iter()
                    .filter(|(_, (l, w))| *l == other_lang && w.holds(other) && !w.holds(typed))
                    .map(|(id, _)| id)
                    .collect();
                let req = SearchRequest::new(typed)
                    .limit(TOP)
                    .snippets(false)
                    .suggest(false)
                    .thesaurus(empty.clone());
                let hits: HashSet<String> = c
                    .index
                    .search(&req)
                    .map(|r| r.hits.into_iter().map(|h| h.id).collect())
                    .unwrap_or_default();
                t.0 += targets.len();
                t.1 += targets.iter().filter(|id| hits.contains(**id)).count();
            }
        }
        t
    };
    println!(
        "without aliases (same run): {}/{} articles found: recall {:.3}",
        stock.1,
        stock.0,
        stock.1 as f64 / stock.0.max(1) as f64
    );

    println!("\n## False expansions: lowercase ordinary words");
    println!("Hits brought by the aliases (absent without them) that do not hold the word typed.");
    println!("| query | hits | without aliases | brought by aliases |");
    println!("|---|---|---|---|");
    let empty = std::sync::Arc::new(Thesaurus::empty());
    let plain = |q: &str| -> HashSet<String> {
        let req = SearchRequest::new(q)
            .limit(TOP)
            .snippets(false)
            .suggest(false)
            .thesaurus(empty.clone());
        c.index.search(&req).map(|r| r.hits.into_iter().map(|h| h.id).collect()).unwrap_or_default()
    };
    let mut false_hits = 0;
    let mut oms_us = 0;
    for w in ORDINARY {
        let hits = search_ids(&c.index, w);
        let before = plain(w);
        let brought: Vec<&String> = hits
            .iter()
            .filter(|id| !before.contains(*id))
            .filter(|id| c.docs.get(*id).is_some_and(|(_, words)| !words.holds(w)))
            .collect();
        false_hits += brought.len();
        if matches!(*w, "who" | "us") {
            oms_us += brought
                .iter()
                .filter(|id| {
                    c.docs.get(**id).is_some_and(|(_, d)| d.holds("OMS") || d.holds("États-Unis"))
                })
                .count();
        }
        println!(
            "| {w} | {} | {} | {} {:?} |",
            hits.len(),
            before.len(),
            brought.len(),
            &brought[..brought.len().min(3)]
        );
    }
    println!("false expansions: {false_hits}; OMS / États-Unis articles brought by `who` / `us`: {oms_us}");

    // Every single-word name of the table that the corpus writes mostly in small letters
    // (an ordinary word): what typing it in small letters brings.
    println!("\n## Names of the table that are ordinary words in the corpus (>= 80% in small letters, >= 5 times)");
    let mut lower: HashMap<String, (usize, usize)> = HashMap::new();
    for (_, (_, words)) in c.docs.iter() {
        for (t, _) in &words.words {
            lower.entry(t.clone()).or_default().0 += 1;
        }
    }
    let mut lowercase_counts: HashMap<String, usize> = HashMap::new();
    for (_, (_, words)) in c.docs.iter() {
        for w in &words.lowercase {
            *lowercase_counts.entry(w.clone()).or_default() += 1;
        }
    }
    let thesaurus = Thesaurus::bundled();
    let mut flagged = Vec::new();
    for g in 0..thesaurus.len() {
        for name in thesaurus.names(g) {
            if !name.expands || name.words() != 1 || name.acronym {
                continue;
            }
            let total = lower.get(name.key()).map_or(0, |c| c.0);
            let small = lowercase_counts.get(name.key()).copied().unwrap_or(0);
            if total >= 5 && small * 5 >= total * 4 {
                let hits = search_ids(&c.index, name.key());
                let before = plain(name.key());
                let brought = hits.iter().filter(|id| !before.contains(*id)).count();
                flagged.push(format!("{} ({small}/{total} small, brings {brought})", name.key()));
            }
        }
    }
    flagged.sort();
    flagged.dedup();
    println!("{}", flagged.join(", "));
}

fn main() {
    let o = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let t = Instant::now();
    let corpus = match build(&o) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    println!(
        "index: {} articles ({} headlines), built in {:.1} s",
        corpus.docs.len(),
        corpus.titles.len(),
        t.elapsed().as_secs_f64()
    );
    let only = o.only.as_deref();
    if only.is_none_or(|s| s == "aliases") {
        aliases(&corpus, o.verbose);
    }
    let _ = (&o.questions, Duration::ZERO);
}
