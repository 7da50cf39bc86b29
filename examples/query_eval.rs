//! Measures query understanding: entity-alias recall across languages, « did you mean »
//! suggestions, and completion.
//!
//! ```text
//! cargo run --release --example query_eval -- --ntrex-en EN.jsonl --ntrex-fr FR.jsonl \
//!     [--news data/fr_news.jsonl] [--questions data/piaf_dev_questions.jsonl] \
//!     [--lexicon lexicon_abu_fr.tsv] [--only aliases|suggest|complete] [--verbose]
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
//!   transposition, doubled letter, neighbouring key on AZERTY/QWERTY; after the first letter,
//!   then anywhere), the share whose suggestion is the word as most often written; and the
//!   share of correctly spelled queries that get a suggestion: the PIAF questions whose every
//!   word in small letters is in the `--lexicon` word list (a measuring aid, never shipped;
//!   names, numbers and capitalized words are taken as right), on the PIAF passages and on
//!   the news; the NTREX French and English headlines on an index of the bundled news only
//!   (words it does not hold, English words in a French index).
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
[--questions FILE] [--lexicon FILE] [--only aliases|suggest|complete] [--verbose]";
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

#[derive(Deserialize)]
struct Question {
    query: String,
}

struct Options {
    ntrex_en: PathBuf,
    ntrex_fr: PathBuf,
    news: PathBuf,
    questions: PathBuf,
    only: Option<String>,
    verbose: bool,
    /// A `form<TAB>lemma` word list (measuring only): which questions are spelled right.
    lexicon: Option<PathBuf>,
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
        lexicon: None,
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
            "--lexicon" => o.lexicon = Some(value()?.into()),
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
    /// (folded term, as written, elided article dropped), each word once per position.
    written: Vec<(String, String)>,
}

impl Words {
    fn new(text: &str) -> Words {
        let mut analyzer = exact_analyzer();
        let mut words: Vec<(String, bool)> = Vec::new();
        let mut lowercase = Vec::new();
        let mut written = Vec::new();
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
            let form = match slice.char_indices().rfind(|(_, c)| matches!(c, '\'' | '’')) {
                Some((i, q)) if depeche::analysis::fold(&slice[i + q.len_utf8()..]) == t.text => {
                    &slice[i + q.len_utf8()..]
                }
                _ => slice,
            };
            written.push((t.text.clone(), form.to_string()));
            words.push((t.text.clone(), caps));
        }
        Words { words, lowercase, written }
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

/// xorshift64*: fixed seed, the same misspellings on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The kinds of slips readers make.
const SLIPS: [&str; 4] = ["deletion", "transposition", "doubled letter", "neighbouring key"];

/// `word` with one slip of kind `kind` at a random place; `None` when the word allows none.
fn misspell(word: &str, kind: usize, anywhere: bool, rng: &mut Rng) -> Option<String> {
    let c: Vec<char> = word.chars().collect();
    let n = c.len();
    // After the first letter (readers seldom miss it), or at any letter.
    let i = if anywhere { rng.below(n) } else { 1 + rng.below(n - 1) };
    let mut out = c.clone();
    match kind {
        0 => {
            out.remove(i);
        }
        1 => {
            if i + 1 >= n || c[i] == c[i + 1] {
                return None;
            }
            out.swap(i, i + 1);
        }
        2 => out.insert(i, c[i]),
        _ => {
            let keys: Vec<char> =
                ('a'..='z').filter(|&k| depeche::search::typo::neighbours(c[i], k)).collect();
            if keys.is_empty() {
                return None;
            }
            out[i] = keys[rng.below(keys.len())];
        }
    }
    Some(out.into_iter().collect())
}

fn strip_accents(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)).collect()
}

fn suggestion(index: &NewsIndex, q: &str) -> (Option<String>, Duration) {
    let req = SearchRequest::new(q).limit(10).snippets(false);
    let t = Instant::now();
    let s = index.search(&req).ok().and_then(|r| r.suggestion);
    (s, t.elapsed())
}

fn suggestions(c: &Corpus, o: &Options) -> Result<(), String> {
    // The usual written form of every word: most frequent accents, small letters when
    // written so a quarter of the time at least.
    let mut forms: HashMap<String, HashMap<String, usize>> = HashMap::new();
    for (_, words) in c.docs.values() {
        for (term, form) in &words.written {
            *forms.entry(term.clone()).or_default().entry(form.clone()).or_default() += 1;
        }
    }
    let usual = |term: &str| -> Option<String> {
        let f = forms.get(term)?;
        let total: usize = f.values().sum();
        let mut lower: HashMap<String, usize> = HashMap::new();
        for (form, n) in f {
            *lower.entry(form.to_lowercase()).or_default() += n;
        }
        let small: usize = f.iter().filter(|(w, _)| **w == w.to_lowercase()).map(|(_, n)| n).sum();
        let best = |m: &HashMap<String, usize>| {
            m.iter().max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0))).map(|(w, _)| w.clone())
        };
        let accents = best(&lower)?;
        if small * 4 >= total {
            return Some(accents);
        }
        let cased: HashMap<String, usize> = f
            .iter()
            .filter(|(w, _)| w.to_lowercase() == accents)
            .map(|(w, n)| (w.clone(), *n))
            .collect();
        best(&cased)
    };
    let searcher = c.index.searcher();
    let exact = c.index.schema().exact;
    let df = |t: &str| searcher.doc_freq(&tantivy::Term::from_field_text(exact, t)).unwrap_or(0);

    // Headline words, each once: what readers type.
    let mut seen = HashSet::new();
    let mut words: Vec<String> = Vec::new();
    for title in &c.titles {
        for (term, _) in Words::new(title).written {
            if term.chars().count() >= 5
                && term.chars().all(char::is_alphabetic)
                && seen.insert(term.clone())
            {
                words.push(term);
            }
        }
    }
    words.sort();
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    println!(
        "\n## Did you mean: misspellings of headline words (5 letters or more), one slip each"
    );
    println!(
        "Misspellings that are words of the index are left out (a real word is no misspelling)."
    );
    println!("| set | slip at | misspellings | right suggestion | another suggestion | none |");
    println!("|---|---|---|---|---|---|");
    let mut times = Vec::new();
    for anywhere in [false, true] {
        for (label, min_df) in [("words in 3+ articles", 3u64), ("every headline word", 1)] {
            let (mut total, mut right, mut wrong, mut none) = (0, 0, 0, 0);
            let mut per_kind = [(0usize, 0usize); 4];
            let mut examples = Vec::new();
            for w in words.iter().filter(|w| df(w) >= min_df) {
                let Some(expected) = usual(w) else { continue };
                let kind = rng.below(SLIPS.len());
                let typed_base = if rng.below(2) == 0 {
                    expected.to_lowercase()
                } else {
                    strip_accents(&expected.to_lowercase())
                };
                let Some(typed) = misspell(&typed_base, kind, anywhere, &mut rng) else {
                    continue;
                };
                if df(&depeche::analysis::fold(&typed)) > 0 {
                    continue;
                }
                total += 1;
                per_kind[kind].0 += 1;
                let (got, took) = suggestion(&c.index, &typed);
                times.push(took);
                match got {
                    Some(g) if g == expected => {
                        right += 1;
                        per_kind[kind].1 += 1;
                    }
                    Some(g) => {
                        wrong += 1;
                        if examples.len() < if o.verbose { 400 } else { 12 } {
                            examples.push(format!("{typed}→{g} (not {expected})"));
                        }
                    }
                    None => {
                        none += 1;
                        if o.verbose && examples.len() < 400 {
                            examples.push(format!("{typed}→∅ ({expected})"));
                        }
                    }
                }
            }
            println!(
                "| {label} | {} | {total} | {right} ({:.1}%) | {wrong} | {none} |",
                if anywhere { "any letter" } else { "after the first" },
                100.0 * right as f64 / total.max(1) as f64
            );
            let kinds: Vec<String> = SLIPS
                .iter()
                .zip(per_kind)
                .map(|(k, (n, r))| format!("{k} {:.0}%", 100.0 * r as f64 / n.max(1) as f64))
                .collect();
            println!("|   by slip: {} | | | | | |", kinds.join(", "));
            if !examples.is_empty() {
                println!("|   e.g. {} | | | | | |", examples.join("; "));
            }
        }
    }

    println!("\n## Did you mean: correctly spelled queries");
    println!("| queries | index | queries | with a suggestion |");
    println!("|---|---|---|---|");
    let questions: Vec<Question> = read_jsonl(&o.questions)?;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
    let piaf_index = passages_index(&[root.join("piaf_passages.jsonl"), o.news.clone()])?;
    let news_index = passages_index(std::slice::from_ref(&o.news))?;
    let mut report = |label: &str, index_label: &str, index: &NewsIndex, queries: &[String]| {
        let mut with = Vec::new();
        for q in queries {
            let (got, took) = suggestion(index, q);
            times.push(took);
            if let Some(g) = got {
                with.push(format!("{q} → {g}"));
            }
        }
        println!(
            "| {label} | {index_label} | {} | {} ({:.2}%) |",
            queries.len(),
            with.len(),
            100.0 * with.len() as f64 / queries.len().max(1) as f64
        );
        for w in with.iter().take(if o.verbose { 60 } else { 6 }) {
            println!("|   {w} | | | |");
        }
    };
    let qs: Vec<String> = questions.iter().map(|q| q.query.clone()).collect();
    report("PIAF questions, as written", "PIAF passages + news", &piaf_index, &qs);
    if let Some(path) = &o.lexicon {
        let known = lexicon(path)?;
        let right: Vec<String> = qs.iter().filter(|q| spelled_right(q, &known)).cloned().collect();
        report("PIAF questions spelled right", "PIAF passages + news", &piaf_index, &right);
        report("PIAF questions spelled right", "NTREX + news", &c.index, &right);
        report("PIAF questions spelled right", "news", &news_index, &right);
    }
    let headlines = |path: &PathBuf| -> Result<Vec<String>, String> {
        Ok(read_jsonl::<Doc>(path)?.into_iter().map(|d| d.title).collect())
    };
    report("NTREX French headlines", "news", &news_index, &headlines(&o.ntrex_fr)?);
    report("NTREX English headlines", "news", &news_index, &headlines(&o.ntrex_en)?);
    times.sort();
    let p = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "search with suggestion, this index: p50 {:.2} ms, p99 {:.2} ms over {} searches",
        p(0.5).as_secs_f64() * 1e3,
        p(0.99).as_secs_f64() * 1e3,
        times.len()
    );
    Ok(())
}

/// A French index of passages or articles (`{pid|id, title, text|body}` lines).
fn passages_index(paths: &[PathBuf]) -> Result<NewsIndex, String> {
    #[derive(Deserialize)]
    struct P {
        #[serde(alias = "pid")]
        id: String,
        #[serde(default)]
        title: String,
        #[serde(default, alias = "text")]
        body: String,
    }
    let index = NewsIndex::create_in_ram().map_err(|e| e.to_string())?;
    for path in paths {
        for p in read_jsonl::<P>(path)? {
            let a = Article {
                id: p.id,
                title: p.title,
                body: p.body,
                lang: Some(Lang::French),
                ..Default::default()
            };
            index.add(&a).map_err(|e| e.to_string())?;
        }
    }
    index.commit().map_err(|e| e.to_string())?;
    Ok(index)
}

/// The folded forms of a `form<TAB>lemma` word list.
fn lexicon(path: &PathBuf) -> Result<HashSet<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(text.lines().filter_map(|l| l.split('\t').next()).map(depeche::analysis::fold).collect())
}

/// Whether every word of `q` written in small letters (names aside) is in `known`.
fn spelled_right(q: &str, known: &HashSet<String>) -> bool {
    Words::new(q).written.iter().all(|(term, form)| {
        form.chars().any(|c| c.is_uppercase() || c.is_ascii_digit()) || known.contains(term)
    })
}

/// The usual written form of every word of the corpus (folded term → form).
fn usual_forms(c: &Corpus) -> HashMap<String, String> {
    let mut forms: HashMap<String, HashMap<String, usize>> = HashMap::new();
    for (_, words) in c.docs.values() {
        for (term, form) in &words.written {
            *forms.entry(term.clone()).or_default().entry(form.clone()).or_default() += 1;
        }
    }
    forms
        .into_iter()
        .filter_map(|(term, f)| {
            let total: usize = f.values().sum();
            let small: usize =
                f.iter().filter(|(w, _)| **w == w.to_lowercase()).map(|(_, n)| n).sum();
            let mut lower: HashMap<String, usize> = HashMap::new();
            for (form, n) in &f {
                *lower.entry(form.to_lowercase()).or_default() += n;
            }
            let best = |m: &HashMap<String, usize>| {
                m.iter()
                    .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                    .map(|(w, _)| w.clone())
            };
            let accents = best(&lower)?;
            if small * 4 >= total {
                return Some((term, accents));
            }
            let cased: HashMap<String, usize> = f
                .iter()
                .filter(|(w, _)| w.to_lowercase() == accents)
                .map(|(w, n)| (w.clone(), *n))
                .collect();
            Some((term, best(&cased)?))
        })
        .collect()
}

fn completions(c: &Corpus) {
    let usual = usual_forms(c);
    let searcher = c.index.searcher();
    let exact = c.index.schema().exact;
    let df = |t: &str| searcher.doc_freq(&tantivy::Term::from_field_text(exact, t)).unwrap_or(0);
    let mut seen = HashSet::new();
    let mut words: Vec<String> = Vec::new();
    for title in &c.titles {
        for (term, _) in Words::new(title).written {
            if term.chars().count() >= 7
                && term.chars().all(char::is_alphabetic)
                && seen.insert(term.clone())
            {
                words.push(term);
            }
        }
    }
    words.sort();
    println!("\n## Completion: the intended word among the first 5, prefixes of 4 to 6 letters");
    println!("Intended words: each headline word of 7 letters or more, in its usual written form.");
    println!("| words | prefix typed | prefixes | written form in top 5 | same word, folded | same word, another inflection |");
    println!("|---|---|---|---|---|---|");
    let mut times = Vec::new();
    let mut stem = depeche::analyzer(Lang::French);
    let mut stem_of = |w: &str| -> String {
        let mut s = stem.token_stream(w);
        s.next().map(|t| t.text.clone()).unwrap_or_default()
    };
    for (label, min_df) in [("in 3+ articles", 3u64), ("every headline word", 1)] {
        for accents in [true, false] {
            let (mut n, mut exact_hit, mut folded_hit, mut stem_hit) = (0, 0, 0, 0);
            for w in words.iter().filter(|w| df(w) >= min_df) {
                let Some(form) = usual.get(w) else { continue };
                let lower = form.to_lowercase();
                for len in 4..=6 {
                    let mut prefix: String = lower.chars().take(len).collect();
                    if !accents {
                        prefix = strip_accents(&prefix);
                    }
                    let t = Instant::now();
                    let got = c.index.complete(&prefix, 5).unwrap_or_default();
                    times.push(t.elapsed());
                    n += 1;
                    exact_hit += usize::from(got.iter().any(|g| g == form));
                    folded_hit += usize::from(got.iter().any(|g| depeche::analysis::fold(g) == *w));
                    let s = stem_of(w);
                    stem_hit += usize::from(got.iter().any(|g| stem_of(g) == s));
                }
            }
            let pct = |x: usize| 100.0 * x as f64 / n.max(1) as f64;
            println!(
                "| {label} | {} | {n} | {exact_hit} ({:.1}%) | {folded_hit} ({:.1}%) | {stem_hit} ({:.1}%) |",
                if accents { "with accents" } else { "without accents" },
                pct(exact_hit),
                pct(folded_hit),
                pct(stem_hit)
            );
        }
    }
    times.sort();
    let p = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "completion latency on this index: p50 {:.3} ms, p99 {:.3} ms over {} prefixes",
        p(0.5).as_secs_f64() * 1e3,
        p(0.99).as_secs_f64() * 1e3,
        times.len()
    );
    for prefix in ["numeri", "gouv", "elect", "presid", "ministe", "assem"] {
        println!("  {prefix:<8} → {:?}", c.index.complete(prefix, 5).unwrap_or_default());
    }
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
    if only.is_none_or(|s| s == "complete") {
        completions(&corpus);
    }
    if only.is_none_or(|s| s == "suggest") {
        if let Err(e) = suggestions(&corpus, &o) {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
