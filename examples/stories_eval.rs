//! Measures story grouping, collapsing and related articles (the tables of `docs/stories.md`).
//!
//! ```text
//! cargo run --release --example stories_eval                       # every table
//! cargo run --release --example stories_eval -- --seeds 13,14,15   # republication sets
//! cargo run --release --example stories_eval -- --news FILE.jsonl  # another base corpus
//! cargo run --release --example stories_eval -- --merges           # bundled news merges only
//! cargo run --release --example stories_eval -- --related-only     # PIAF related articles only
//! ```
//!
//! 1. **Republication sets** (`tests/data/republish.rs`, one per seed) made from the bundled
//!    news: pair precision and recall of story grouping (overall and per kind of negative),
//!    then the bar: each story of two versions or more is searched by its headline (the
//!    default request: 10 hits, collapsed); it must show once in the top 10, with ≥ 95% of
//!    its other versions in that hit's `similar`; at most 1% of hits may carry a version of
//!    another story. The same set added one article at a time with a commit after every 50
//!    must give the same stories as the bulk import.
//! 2. **Bundled news alone**: every group of two articles or more it makes, with titles, to
//!    judge by eye.
//! 3. **Related articles on PIAF**: each passage's related articles; precision@5 of passages
//!    of the same Wikipedia article, with and without the article title indexed.

#[path = "../tests/data/republish.rs"]
mod republish;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use depeche::index::story::{exact_containment, shingle_set, StoryText};
use depeche::index::{Article, NewsIndex};
use depeche::search::SearchRequest;
use republish::{Config, Labelled};

const NEWS: &str = include_str!("../data/fr_news.jsonl");
const PIAF: &str = include_str!("../data/piaf_passages.jsonl");

fn parse(jsonl: &str) -> Vec<Article> {
    jsonl
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("JSONL article"))
        .collect()
}

fn index_all(articles: impl Iterator<Item = Article>, commit_every: usize) -> NewsIndex {
    let index = NewsIndex::create_in_ram().expect("index");
    for (i, a) in articles.enumerate() {
        index.add(&a).expect("add");
        if commit_every > 0 && (i + 1) % commit_every == 0 {
            index.commit().expect("commit");
        }
    }
    index.commit().expect("commit");
    index
}

fn stories(index: &NewsIndex, set: &[Labelled]) -> Vec<u64> {
    set.iter().map(|l| index.story_of(&l.article.id).expect("story").expect("indexed")).collect()
}

/// Pair counts: (same true story and same predicted, different true but same predicted,
/// same true but different predicted).
fn pairs(set: &[Labelled], predicted: &[u64]) -> (u64, u64, u64, BTreeMap<&'static str, u64>) {
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    let mut fp_kinds: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut by_pred: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, p) in predicted.iter().enumerate() {
        by_pred.entry(*p).or_default().push(i);
    }
    for members in by_pred.values() {
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                if set[i].story == set[j].story {
                    tp += 1;
                } else {
                    fp += 1;
                    let kind = if set[i].kind.starts_with("template")
                        && set[j].kind.starts_with("template")
                    {
                        "template series"
                    } else if set[i].kind == "follow-up" || set[j].kind == "follow-up" {
                        "follow-up dispatch"
                    } else {
                        "bundled news"
                    };
                    *fp_kinds.entry(kind).or_default() += 1;
                }
            }
        }
    }
    let mut by_true: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, l) in set.iter().enumerate() {
        by_true.entry(&l.story).or_default().push(i);
    }
    for members in by_true.values() {
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                if predicted[i] != predicted[j] {
                    fn_ += 1;
                }
            }
        }
    }
    (tp, fp, fn_, fp_kinds)
}

#[derive(Default)]
struct Bar {
    stories: usize,
    shown_once: usize,
    not_in_top10: usize,
    twice: usize,
    versions: usize,
    versions_listed: usize,
    stories_95: usize,
    hits: usize,
    foreign_hits: usize,
}

/// The bar's check: each story of 2 versions or more searched by its original headline.
fn bar(index: &NewsIndex, set: &[Labelled]) -> Bar {
    let story_of: HashMap<&str, &str> =
        set.iter().map(|l| (l.article.id.as_str(), l.story.as_str())).collect();
    let mut versions: HashMap<&str, Vec<&Labelled>> = HashMap::new();
    for l in set {
        versions.entry(&l.story).or_default().push(l);
    }
    let mut b = Bar::default();
    let mut keys: Vec<&&str> = versions.keys().collect();
    keys.sort();
    for story in keys {
        let vs = &versions[*story];
        if vs.len() < 2 {
            continue;
        }
        let headline = vs
            .iter()
            .find(|l| l.edits.is_empty())
            .map_or(&vs[0].article.title, |l| &l.article.title);
        let r =
            index.search(&SearchRequest::new(headline.as_str()).snippets(false)).expect("search");
        b.stories += 1;
        let mine: Vec<_> =
            r.hits.iter().filter(|h| story_of.get(h.id.as_str()) == Some(story)).collect();
        match mine.len() {
            0 => b.not_in_top10 += 1,
            1 => b.shown_once += 1,
            _ => b.twice += 1,
        }
        let others = vs.len() - 1;
        b.versions += others;
        if let Some(hit) = mine.first() {
            let listed = hit.similar.iter().filter(|s| story_of.get(s.id()) == Some(story)).count();
            b.versions_listed += listed;
            if listed * 100 >= others * 95 {
                b.stories_95 += 1;
            }
        }
        for h in &r.hits {
            b.hits += 1;
            let own = story_of.get(h.id.as_str());
            if h.similar.iter().any(|s| story_of.get(s.id()) != own) {
                b.foreign_hits += 1;
            }
        }
    }
    b
}

fn pct(a: usize, b: usize) -> String {
    if b == 0 {
        "-".into()
    } else {
        format!("{:.2}%", 100.0 * a as f64 / b as f64)
    }
}

fn republication_sets(base: &[Article], seeds: &[u64]) {
    println!("## Republication sets (base: {} articles)\n", base.len());
    println!("| seed | articles | true stories | stories of ≥2 | pair precision | pair recall | false pairs by kind | incremental = bulk | indexing (bulk) |");
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut bars = Vec::new();
    let mut edit_misses: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    for &seed in seeds {
        let set = republish::generate(base, &Config { seed, ..Default::default() });
        let t = Instant::now();
        let index = index_all(set.iter().map(|l| l.article.clone()), 0);
        let took = t.elapsed();
        let predicted = stories(&index, &set);
        let (tp, fp, fn_, kinds) = pairs(&set, &predicted);
        let incremental = index_all(set.iter().map(|l| l.article.clone()), 50);
        let same = stories(&incremental, &set) == predicted;
        let truth: HashSet<&str> = set.iter().map(|l| l.story.as_str()).collect();
        let mut sizes: HashMap<&str, usize> = HashMap::new();
        for l in &set {
            *sizes.entry(&l.story).or_default() += 1;
        }
        // Per edit: is the version in the story of its original?
        let original: HashMap<&str, u64> = set
            .iter()
            .zip(&predicted)
            .filter(|(l, _)| l.edits.is_empty())
            .map(|(l, p)| (l.story.as_str(), *p))
            .collect();
        for (l, p) in set.iter().zip(&predicted) {
            for e in &l.edits {
                let entry = edit_misses.entry(e).or_default();
                entry.0 += 1;
                if original.get(l.story.as_str()) != Some(p) {
                    entry.1 += 1;
                }
            }
        }
        let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{k}: {n}")).collect();
        println!(
            "| {seed} | {} | {} | {} | {:.4} ({tp}/{}) | {:.4} ({tp}/{}) | {} | {} | {:.2} s |",
            set.len(),
            truth.len(),
            sizes.values().filter(|&&n| n >= 2).count(),
            tp as f64 / (tp + fp).max(1) as f64,
            tp + fp,
            tp as f64 / (tp + fn_).max(1) as f64,
            tp + fn_,
            if kinds.is_empty() { "none".to_string() } else { kinds.join(", ") },
            if same { "yes" } else { "**no**" },
            took.as_secs_f64()
        );
        bars.push((seed, bar(&index, &set), index.story_stats()));
    }
    println!("\n### The bar: each story searched by its headline (default request, top 10)\n");
    println!("| seed | stories | shown once | shown twice or more | not in top 10 | other versions in `similar` | stories with ≥ 95% listed | hits with another story's version |");
    println!("|---|---|---|---|---|---|---|---|");
    for (seed, b, _) in &bars {
        println!(
            "| {seed} | {} | {} ({}) | {} | {} | {} ({}/{}) | {} | {} ({}/{}) |",
            b.stories,
            b.shown_once,
            pct(b.shown_once, b.stories),
            b.twice,
            b.not_in_top10,
            pct(b.versions_listed, b.versions),
            b.versions_listed,
            b.versions,
            pct(b.stories_95, b.stories),
            pct(b.foreign_hits, b.hits),
            b.foreign_hits,
            b.hits
        );
    }
    println!("\n### Versions that missed their original's story, per edit (all seeds)\n");
    println!("| edit | versions with it | not in the original's story |");
    println!("|---|---|---|");
    for (e, (n, miss)) in &edit_misses {
        println!("| {e} | {n} | {miss} ({}) |", pct(*miss, *n));
    }
    println!("\n### Assignment counters (bulk import)\n");
    println!(
        "| seed | articles | signed | joined | candidates | committed-key lookups | exact checks |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (seed, _, s) in &bars {
        println!(
            "| {seed} | {} | {} | {} | {} | {} | {} |",
            s.articles, s.signed, s.joined, s.candidates, s.key_lookups, s.exact_checks
        );
    }
    println!();
}

fn bundled_merges(base: &[Article]) {
    let index = index_all(base.iter().cloned(), 0);
    let mut groups: BTreeMap<u64, Vec<&Article>> = BTreeMap::new();
    for a in base {
        groups.entry(index.story_of(&a.id).expect("story").expect("indexed")).or_default().push(a);
    }
    let mut merged: Vec<&Vec<&Article>> = groups.values().filter(|g| g.len() > 1).collect();
    merged.sort_by_key(|g| g[0].id.clone());
    println!(
        "## Bundled news alone: {} articles, {} stories, {} groups of two or more\n",
        base.len(),
        groups.len(),
        merged.len()
    );
    for g in merged {
        println!(
            "- {}",
            g.iter().map(|a| format!("`{}` « {} »", a.id, a.title)).collect::<Vec<_>>().join(" · ")
        );
    }
    println!();
    // The closest pairs it did not merge (exact containment of the shingle sets, every pair),
    // to judge whether a true duplicate was missed.
    let sets: Vec<Vec<u32>> = base
        .iter()
        .map(|a| shingle_set(StoryText { title: &a.title, lead: &a.lead, body: &a.body }))
        .collect();
    let mut close: Vec<(f32, usize, usize)> = Vec::new();
    for i in 0..sets.len() {
        for j in i + 1..sets.len() {
            let c = exact_containment(&sets[i], &sets[j]);
            if c >= 0.2 {
                close.push((c, i, j));
            }
        }
    }
    close.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("Closest pairs of the bundled news (exact containment ≥ 0.2, at most 15):\n");
    println!("| containment | same story | article | article |");
    println!("|---|---|---|---|");
    for &(c, i, j) in close.iter().take(15) {
        let (a, b) = (&base[i], &base[j]);
        let same = index.story_of(&a.id).expect("story") == index.story_of(&b.id).expect("story");
        println!(
            "| {c:.2} | {} | `{}` « {} » | `{}` « {} » |",
            if same { "yes" } else { "no" },
            a.id,
            a.title,
            b.id,
            b.title
        );
    }
    println!();
}

fn related_piaf(with_titles: bool) -> (f64, f64, usize, f64) {
    #[derive(serde::Deserialize)]
    struct Passage {
        pid: String,
        title: String,
        text: String,
    }
    let passages: Vec<Passage> =
        PIAF.lines().map(|l| serde_json::from_str(l).expect("PIAF passage")).collect();
    let index = NewsIndex::create_in_ram().expect("index");
    for p in &passages {
        index
            .add(&Article {
                id: p.pid.clone(),
                title: if with_titles { p.title.clone() } else { String::new() },
                body: p.text.clone(),
                lang: Some(depeche::Lang::French),
                ..Default::default()
            })
            .expect("add");
    }
    index.commit().expect("commit");
    let article: HashMap<&str, &str> =
        passages.iter().map(|p| (p.pid.as_str(), p.title.as_str())).collect();
    let mut per_title: HashMap<&str, usize> = HashMap::new();
    for p in &passages {
        *per_title.entry(&p.title).or_default() += 1;
    }
    // precision@5 over passages with 5 others or more; capped precision (relevant in the top 5
    // over min(5, others)) over passages with at least one other.
    let (mut p5, mut n5, mut capped, mut nc) = (0.0, 0usize, 0.0, 0usize);
    let t = Instant::now();
    for p in &passages {
        let others = per_title[p.title.as_str()] - 1;
        if others == 0 {
            continue;
        }
        let hits = index.related(&p.pid, 5).expect("related");
        let good =
            hits.iter().filter(|h| article.get(h.id.as_str()) == Some(&p.title.as_str())).count();
        capped += good as f64 / others.min(5) as f64;
        nc += 1;
        if others >= 5 {
            p5 += good as f64 / 5.0;
            n5 += 1;
        }
    }
    let per_query = t.elapsed().as_secs_f64() * 1e3 / nc.max(1) as f64;
    (p5 / n5.max(1) as f64, capped / nc.max(1) as f64, n5, per_query)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut seeds = vec![13, 14, 15];
    let mut base = parse(NEWS);
    let (mut merges_only, mut related_only) = (false, false);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seeds" => {
                seeds = it
                    .next()
                    .expect("--seeds N,N")
                    .split(',')
                    .map(|s| s.parse().expect("seed"))
                    .collect()
            }
            "--news" => {
                let path = it.next().expect("--news FILE");
                base = parse(&std::fs::read_to_string(path).expect("news file"));
            }
            "--merges" => merges_only = true,
            "--related-only" => related_only = true,
            other => panic!("unknown argument {other}"),
        }
    }
    if !merges_only && !related_only {
        republication_sets(&base, &seeds);
    }
    if !related_only {
        bundled_merges(&base);
    }
    if !merges_only {
        println!(
            "## Related articles on the PIAF passages (1,518 passages, 480 Wikipedia articles)\n"
        );
        println!("| indexed | precision@5 (passages with ≥ 5 others) | capped precision@5 (≥ 1 other) | ms per call |");
        println!("|---|---|---|---|");
        for titles in [false, true] {
            let (p5, capped, n5, ms) = related_piaf(titles);
            println!(
                "| {} | {p5:.3} ({n5} passages) | {capped:.3} | {ms:.2} |",
                if titles { "passage + article title" } else { "passage text only" }
            );
        }
    }
}
