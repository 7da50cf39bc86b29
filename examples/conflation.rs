//! Measures how well the French analyzer conflates the inflected forms of a word.
//!
//! ```text
//! cargo run --release --example conflation -- PATH/TO/lexicon.tsv [--show N]
//! ```
//!
//! The lexicon is a `form<TAB>lemma` file, one lowercase form per line (a form may appear on
//! several lines, once per lemma). For each system, each form is turned into its set of terms,
//! and:
//!
//! - two distinct forms are *conflated* when they share a term;
//! - a conflated pair is *right* when the two forms share a lemma;
//! - recall = right conflated pairs / pairs of forms sharing a lemma (the gold pairs);
//! - precision = right conflated pairs / conflated pairs;
//! - the same three figures over (form, lemma) rows instead of forms: a pair of rows with
//!   distinct forms is conflated when the forms share a term, and right when the rows have the
//!   same lemma, so a form with several lemmas weighs more (the figures quoted in the analysis
//!   issue, 0.789 for Snowball then fold and 0.659 for fold then Snowball, are close to these);
//! - accent consistency = share of forms whose accent-stripped spelling (NFD minus combining
//!   marks) has all its terms among the terms of the form, that is, an unaccented query finds it.
//!
//! Systems: depeche's French analyzer (through tantivy's `TextAnalyzer`), depeche's stemming
//! stage alone (fold, then [`depeche::analysis::Stemmer`]), and two baselines: Snowball French on
//! the accented word then fold, and tantivy's stock chain (fold, then Snowball French).
//!
//! With `--show N`, also prints for depeche's stem stage the N largest lemma groups split
//! across terms, and the N terms that conflate the most wrong pairs.

use std::collections::BTreeSet;
use std::process::ExitCode;
use std::time::Instant;

use depeche::analysis::Stemmer;
use depeche::Lang;
use rustc_hash::FxHashMap;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

// # Reading the lexicon

/// Forms, their lemma ids, and the gold pairs.
struct Lexicon {
    forms: Vec<String>,
    /// Sorted lemma ids of each form.
    lemmas: Vec<Vec<u32>>,
    lemma_count: usize,
    /// Sorted, distinct `(a << 32) | b` keys with `a < b`, for forms sharing a lemma.
    gold: Vec<u64>,
    /// Pairs of (form, lemma) rows with distinct forms and the same lemma.
    gold_rows: u64,
}

fn pair_key(a: u32, b: u32) -> u64 {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    (u64::from(lo) << 32) | u64::from(hi)
}

fn read_lexicon(text: &str) -> Lexicon {
    let mut form_ids: FxHashMap<&str, u32> = FxHashMap::default();
    let mut lemma_ids: FxHashMap<&str, u32> = FxHashMap::default();
    let mut forms = Vec::new();
    let mut lemmas: Vec<Vec<u32>> = Vec::new();
    for line in text.lines() {
        let Some((form, lemma)) = line.split_once('\t') else {
            continue;
        };
        let (form, lemma) = (form.trim(), lemma.trim());
        if form.is_empty() || lemma.is_empty() {
            continue;
        }
        let next = form_ids.len() as u32;
        let f = *form_ids.entry(form).or_insert_with(|| {
            forms.push(form.to_string());
            lemmas.push(Vec::new());
            next
        });
        let next = lemma_ids.len() as u32;
        let l = *lemma_ids.entry(lemma).or_insert(next);
        lemmas[f as usize].push(l);
    }
    let mut by_lemma: Vec<Vec<u32>> = vec![Vec::new(); lemma_ids.len()];
    for (f, ls) in lemmas.iter_mut().enumerate() {
        ls.sort_unstable();
        ls.dedup();
        for &l in ls.iter() {
            by_lemma[l as usize].push(f as u32);
        }
    }
    let mut gold = Vec::new();
    for group in &by_lemma {
        push_pairs(group, &mut gold);
    }
    gold.sort_unstable();
    gold.dedup();
    let gold_rows = by_lemma.iter().map(|g| (g.len() * g.len().saturating_sub(1) / 2) as u64).sum();
    Lexicon { forms, lemmas, lemma_count: lemma_ids.len(), gold, gold_rows }
}

fn push_pairs(group: &[u32], out: &mut Vec<u64>) {
    for (i, &a) in group.iter().enumerate() {
        for &b in &group[i + 1..] {
            if a != b {
                out.push(pair_key(a, b));
            }
        }
    }
}

fn share_lemma(a: &[u32], b: &[u32]) -> bool {
    common_lemmas(a, b) > 0
}

/// How many lemmas two sorted lemma lists have in common.
fn common_lemmas(a: &[u32], b: &[u32]) -> u64 {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

// # Folding, as the analyzer does before stemming

/// NFD minus combining marks: the "accent-stripped" spelling a reader types.
fn strip_accents(word: &str) -> String {
    word.nfd().filter(|c| !is_combining_mark(*c)).collect()
}

/// Accent strip plus the ligatures: what depeche's stemmer expects.
fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.nfd() {
        match c {
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            c if is_combining_mark(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Splits like tantivy's `SimpleTokenizer` and lowercases.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase)
}

// # The systems

/// Something that turns a form into its terms.
trait System {
    fn name(&self) -> &str;
    fn terms(&mut self, form: &str, out: &mut Vec<String>);
}

struct Analyzer {
    name: &'static str,
    analyzer: TextAnalyzer,
}

impl System for Analyzer {
    fn name(&self) -> &str {
        self.name
    }

    fn terms(&mut self, form: &str, out: &mut Vec<String>) {
        let mut stream = self.analyzer.token_stream(form);
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
    }
}

struct StemOnly(Stemmer);

impl System for StemOnly {
    fn name(&self) -> &str {
        "depeche stem only"
    }

    fn terms(&mut self, form: &str, out: &mut Vec<String>) {
        for w in words(form) {
            out.push(self.0.stem(&fold(&w)).to_string());
        }
    }
}

struct SnowballThenFold(rust_stemmers::Stemmer);

impl System for SnowballThenFold {
    fn name(&self) -> &str {
        "snowball, then fold"
    }

    fn terms(&mut self, form: &str, out: &mut Vec<String>) {
        for w in words(form) {
            out.push(fold(&self.0.stem(&w)));
        }
    }
}

// # Scoring

struct Scores {
    gold: usize,
    conflated: usize,
    right: usize,
    gold_rows: u64,
    conflated_rows: u64,
    right_rows: u64,
    consistent: usize,
    forms: usize,
    /// Terms of each form, for `--show`.
    terms: Vec<Vec<String>>,
}

fn score(lex: &Lexicon, system: &mut dyn System) -> Scores {
    let mut terms: Vec<Vec<String>> = Vec::with_capacity(lex.forms.len());
    let mut by_term: FxHashMap<String, Vec<u32>> = FxHashMap::default();
    let mut consistent = 0;
    let mut buf = Vec::new();
    for (f, form) in lex.forms.iter().enumerate() {
        let mut ts = Vec::new();
        system.terms(form, &mut ts);
        ts.sort_unstable();
        ts.dedup();
        let stripped = strip_accents(form);
        if stripped == *form {
            consistent += 1;
        } else {
            buf.clear();
            system.terms(&stripped, &mut buf);
            if buf.iter().all(|t| ts.binary_search(t).is_ok()) {
                consistent += 1;
            }
        }
        for t in &ts {
            by_term.entry(t.clone()).or_default().push(f as u32);
        }
        terms.push(ts);
    }
    let mut pairs = Vec::new();
    for group in by_term.values() {
        push_pairs(group, &mut pairs);
    }
    pairs.sort_unstable();
    pairs.dedup();
    let (mut right, mut conflated_rows, mut right_rows) = (0, 0, 0);
    for &k in &pairs {
        let (a, b) = (&lex.lemmas[(k >> 32) as usize], &lex.lemmas[k as u32 as usize]);
        let common = common_lemmas(a, b);
        right += usize::from(common > 0);
        right_rows += common;
        conflated_rows += (a.len() * b.len()) as u64;
    }
    Scores {
        gold: lex.gold.len(),
        conflated: pairs.len(),
        right,
        gold_rows: lex.gold_rows,
        conflated_rows,
        right_rows,
        consistent,
        forms: lex.forms.len(),
        terms,
    }
}

/// Recall, precision and F1.
fn rpf(right: u64, gold: u64, conflated: u64) -> (f64, f64, f64) {
    let r = right as f64 / gold.max(1) as f64;
    let p = right as f64 / conflated.max(1) as f64;
    let f1 = if r + p > 0.0 { 2.0 * r * p / (r + p) } else { 0.0 };
    (r, p, f1)
}

fn print_scores(name: &str, s: &Scores) {
    let (r, p, f1) = rpf(s.right as u64, s.gold as u64, s.conflated as u64);
    let (rr, rp, rf1) = rpf(s.right_rows, s.gold_rows, s.conflated_rows);
    let c = 100.0 * s.consistent as f64 / s.forms.max(1) as f64;
    println!("{name:<20} {r:>7.4} {p:>7.4} {f1:>7.4}   {rr:>7.4} {rp:>7.4} {rf1:>7.4} {c:>10.3}%");
}

/// The largest lemma groups split across terms, and the terms that conflate most wrong pairs.
fn show_errors(lex: &Lexicon, s: &Scores, n: usize) {
    let mut by_lemma: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
    for (f, ls) in lex.lemmas.iter().enumerate() {
        for &l in ls {
            by_lemma.entry(l).or_default().push(f as u32);
        }
    }
    let mut missed: Vec<(usize, String)> = Vec::new();
    for forms in by_lemma.values() {
        let mut groups: FxHashMap<&str, Vec<&str>> = FxHashMap::default();
        for &f in forms {
            let key = s.terms[f as usize].first().map_or("", String::as_str);
            groups.entry(key).or_default().push(&lex.forms[f as usize]);
        }
        if groups.len() > 1 {
            let total = forms.len();
            let same: usize = groups.values().map(|g| g.len() * (g.len() - 1) / 2).sum();
            let lost = total * (total - 1) / 2 - same;
            let mut desc: Vec<String> = groups
                .iter()
                .map(|(t, g)| {
                    format!("{t}:{}", g.iter().take(4).copied().collect::<Vec<_>>().join(","))
                })
                .collect();
            desc.sort();
            missed.push((lost, desc.join("  ")));
        }
    }
    missed.sort_unstable_by(|a, b| b.cmp(a));
    println!("\nlemma groups split (lost gold pairs):");
    for (lost, desc) in missed.iter().take(n) {
        println!("{lost:>6}  {desc}");
    }
    let mut by_term: FxHashMap<&str, Vec<u32>> = FxHashMap::default();
    for (f, ts) in s.terms.iter().enumerate() {
        for t in ts {
            by_term.entry(t).or_default().push(f as u32);
        }
    }
    let mut wrong: Vec<(usize, &str, BTreeSet<&str>)> = Vec::new();
    for (t, fs) in &by_term {
        let mut bad = 0;
        for (i, &a) in fs.iter().enumerate() {
            for &b in &fs[i + 1..] {
                if !share_lemma(&lex.lemmas[a as usize], &lex.lemmas[b as usize]) {
                    bad += 1;
                }
            }
        }
        if bad > 0 {
            let sample = fs.iter().take(12).map(|&f| lex.forms[f as usize].as_str()).collect();
            wrong.push((bad, t, sample));
        }
    }
    wrong.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    println!("\nterms conflating wrong pairs:");
    for (bad, t, sample) in wrong.iter().take(n) {
        println!("{bad:>6}  {t}: {}", sample.iter().copied().collect::<Vec<_>>().join(","));
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first().filter(|a| !a.starts_with('-')) else {
        eprintln!("usage: conflation LEXICON.tsv [--show N]   (lines: form<TAB>lemma)");
        return ExitCode::from(2);
    };
    let show = match args.iter().position(|a| a == "--show") {
        Some(i) => match args.get(i + 1).and_then(|n| n.parse::<usize>().ok()) {
            Some(n) => n,
            None => {
                eprintln!("--show takes a number");
                return ExitCode::from(2);
            }
        },
        None => 0,
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let start = Instant::now();
    let lex = read_lexicon(&text);
    println!(
        "{path}: {} forms, {} lemmas, {} gold pairs",
        lex.forms.len(),
        lex.lemma_count,
        lex.gold.len()
    );
    println!(
        "{:<20} {:>23}   {:>23} {:>11}",
        "", "form pairs", "(form, lemma) row pairs", "accents"
    );
    println!(
        "{:<20} {:>7} {:>7} {:>7}   {:>7} {:>7} {:>7} {:>11}",
        "system", "R", "P", "F1", "R", "P", "F1", "consistent"
    );

    let stock = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(tantivy::tokenizer::Stemmer::new(Language::French))
        .build();
    let mut systems: Vec<Box<dyn System>> = vec![
        Box::new(Analyzer { name: "depeche analyzer", analyzer: depeche::analyzer(Lang::French) }),
        Box::new(StemOnly(Stemmer::new(Lang::French))),
        Box::new(SnowballThenFold(rust_stemmers::Stemmer::create(
            rust_stemmers::Algorithm::French,
        ))),
        Box::new(Analyzer { name: "fold, then snowball", analyzer: stock }),
    ];
    let mut stem_only = None;
    for system in systems.iter_mut() {
        let s = score(&lex, system.as_mut());
        print_scores(system.name(), &s);
        if show > 0 && system.name() == "depeche stem only" {
            stem_only = Some(s);
        }
    }
    println!("({:.1} s)", start.elapsed().as_secs_f64());
    if let Some(s) = stem_only {
        show_errors(&lex, &s, show);
    }
    ExitCode::SUCCESS
}
