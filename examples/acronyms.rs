//! Acronyms typed in capitals: do the top hits hold the acronym?
//!
//! ```text
//! cargo run --release --example acronyms [-- --corpus FILE.jsonl] [--min-articles N] [--show N]
//! ```
//!
//! Indexes the corpus (default: the bundled `data/fr_news.jsonl`, 1,291 French Wikinews
//! articles) in RAM, then builds the list of acronyms from it: every token of 2 to 6 ASCII
//! capitals (`CIA`, and `C.I.A.` counted as `CIA`) found in at least `--min-articles`
//! (default 2) articles. An article *holds* an acronym when its title or body has it as a
//! word in capitals (`l’OMS` holds `OMS`; `celle-ci` does not hold `CI`, nor `Omsk` `OMS`).
//!
//! For each acronym, the query is the acronym typed in capitals, through
//! [`NewsIndex::search`] with the default [`SearchRequest`]; k = the number of articles that
//! hold it, at most 10; the score is the share of the top k hits that hold it. Printed: the
//! mean and the lowest score over the list, how many acronyms score below 0.8, and the
//! `--show` (default 10) lowest. The same figures for the acronym typed in lowercase come
//! from the same run: that is what a query found before acronyms had their own term (the
//! stem, shared with other words).

use std::collections::{HashMap, HashSet};
use std::process::ExitCode;

use depeche::index::{Article, NewsIndex};
use depeche::search::SearchRequest;

const USAGE: &str = "usage: acronyms [--corpus FILE.jsonl] [--min-articles N] [--show N]";
/// The bundled corpus (CC BY 2.5, see data/README.md).
const BUNDLED: &str = include_str!("../data/fr_news.jsonl");
/// The most hits looked at per acronym.
const TOP: usize = 10;

/// The acronyms a text holds: its words of 2 to 6 ASCII capitals, dotted ones joined.
fn held(text: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    for chunk in text.split(|c: char| !c.is_alphanumeric() && c != '.') {
        let dotted: Vec<&str> = chunk.split('.').filter(|p| !p.is_empty()).collect();
        let joined = dotted.len() > 1 && dotted.iter().all(|p| p.chars().count() == 1);
        let words = if joined {
            vec![dotted.concat()]
        } else {
            dotted.iter().map(|p| p.to_string()).collect()
        };
        for word in words {
            if (2..=6).contains(&word.len()) && word.bytes().all(|b| b.is_ascii_uppercase()) {
                out.insert(word);
            }
        }
    }
    out
}

/// Mean and lowest score, the count below 0.8, and every acronym's score, lowest first.
struct Scores {
    mean: f64,
    low: Vec<(f64, String, usize)>,
    below: usize,
}

fn score(
    index: &NewsIndex,
    list: &[(String, usize)],
    holders: &HashMap<String, HashSet<String>>,
    lowercase: bool,
) -> depeche::Result<Scores> {
    let mut all = Vec::new();
    for (acronym, articles) in list {
        let k = (*articles).min(TOP);
        let query = if lowercase { acronym.to_lowercase() } else { acronym.clone() };
        let mut request = SearchRequest::new(&query);
        request.limit = k;
        request.snippets = false;
        let hits = index.search(&request)?.hits;
        let holding = hits.iter().filter(|h| holders[&h.id].contains(acronym)).count();
        all.push((holding as f64 / k as f64, acronym.clone(), *articles));
    }
    all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mean = all.iter().map(|s| s.0).sum::<f64>() / all.len().max(1) as f64;
    let below = all.iter().filter(|s| s.0 < 0.8).count();
    Ok(Scores { mean, low: all, below })
}

fn run(corpus: &str, min_articles: usize, show: usize) -> depeche::Result<()> {
    let index = NewsIndex::create_in_ram()?;
    let mut holders: HashMap<String, HashSet<String>> = HashMap::new();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for line in corpus.lines().filter(|l| !l.trim().is_empty()) {
        let article: Article = serde_json::from_str(line)?;
        let acronyms = held(&format!("{}\n{}", article.title, article.body));
        for a in &acronyms {
            *counts.entry(a.clone()).or_default() += 1;
        }
        holders.insert(article.id.clone(), acronyms);
        index.add(&article)?;
    }
    index.commit()?;
    let mut list: Vec<(String, usize)> =
        counts.into_iter().filter(|&(_, n)| n >= min_articles).collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    println!(
        "{} articles, {} acronyms in capitals in at least {min_articles} articles; top k = \
         articles holding the acronym, at most {TOP}",
        holders.len(),
        list.len()
    );
    println!("| query typed | mean share of the top k holding it | lowest | acronyms below 0.8 |");
    println!("|---|---|---|---|");
    let capitals = score(&index, &list, &holders, false)?;
    let lowercase = score(&index, &list, &holders, true)?;
    for (name, s) in [("in capitals (`CIA`)", &capitals), ("in lowercase (`cia`)", &lowercase)] {
        let lowest = s.low.first().map_or(1.0, |l| l.0);
        println!("| {name} | {:.4} | {lowest:.2} | {} |", s.mean, s.below);
    }
    println!("\nlowest in capitals (score, acronym, articles holding it):");
    for (score, acronym, n) in capitals.low.iter().take(show) {
        println!("  {score:.2}  {acronym}  {n}");
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mut corpus, mut min_articles, mut show) = (None, 2, 10);
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1);
        match (args[i].as_str(), value) {
            ("--corpus", Some(path)) => corpus = Some(path.clone()),
            ("--min-articles", Some(n)) if n.parse::<usize>().is_ok() => {
                min_articles = n.parse().unwrap_or(2)
            }
            ("--show", Some(n)) if n.parse::<usize>().is_ok() => show = n.parse().unwrap_or(10),
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
        i += 2;
    }
    let text = match corpus {
        Some(path) => match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("cannot read {path}: {e}");
                return ExitCode::FAILURE;
            }
        },
        None => BUNDLED.to_string(),
    };
    match run(&text, min_articles, show) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
