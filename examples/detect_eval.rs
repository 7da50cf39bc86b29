//! Measures the French/English language detector on news files.
//!
//! ```text
//! cargo run --release --example detect_eval -- DATA_DIR
//! ```
//!
//! `DATA_DIR` holds three JSON Lines files:
//! - `fr_news.jsonl`: French articles `{id, title, body, ...}`;
//! - `ntrex_fr.jsonl` and `ntrex_en.jsonl`: the same articles in French and in English
//!   `{id, parallel_id, title, body, ...}`.
//!
//! The headline of a row is its `title`, or the first line of its `body` when there is no
//! title. Each headline and each body is detected on its own, and the program prints, for
//! each file and kind, how many were right, wrong and unknown (`None`), the accuracy
//! (right / count, so that unknown counts as not right) and the accuracy over the decided
//! ones, then the first wrong answers so that they can be examined.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use depeche::analysis::{detect, Detection};
use depeche::Lang;

/// The data files and the language of all their rows.
const SETS: [(&str, Lang); 3] =
    [("fr_news", Lang::French), ("ntrex_fr", Lang::French), ("ntrex_en", Lang::English)];

/// How many wrong answers to list.
const MAX_LISTED: usize = 20;

/// The bars: share of bodies and of headlines that must be right.
const BODY_BAR: f64 = 0.99;
const HEADLINE_BAR: f64 = 0.95;

/// The counts of one file and one kind of text.
#[derive(Default)]
struct Counts {
    count: usize,
    right: usize,
    wrong: usize,
    unknown: usize,
}

impl Counts {
    fn add(&mut self, expected: Lang, found: Option<Lang>) {
        self.count += 1;
        match found {
            Some(lang) if lang == expected => self.right += 1,
            Some(_) => self.wrong += 1,
            None => self.unknown += 1,
        }
    }

    fn accuracy(&self) -> f64 {
        ratio(self.right, self.count)
    }

    fn decided_accuracy(&self) -> f64 {
        ratio(self.right, self.right + self.wrong)
    }
}

fn ratio(n: usize, d: usize) -> f64 {
    if d == 0 {
        0.0
    } else {
        n as f64 / d as f64
    }
}

/// A wrong answer (or an unknown one), kept for the listing.
struct Miss {
    set: &'static str,
    kind: &'static str,
    id: String,
    detection: Detection,
    text: String,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir] = args.as_slice() else {
        eprintln!("usage: detect_eval DATA_DIR");
        eprintln!("  DATA_DIR holds fr_news.jsonl, ntrex_fr.jsonl and ntrex_en.jsonl");
        return ExitCode::from(2);
    };
    match run(Path::new(dir)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("detect_eval: {err}");
            ExitCode::FAILURE
        }
    }
}

/// One text to detect: a headline or a body.
struct Text {
    set: &'static str,
    kind: &'static str,
    expected: Lang,
    id: String,
    text: String,
}

/// Reads the headline and the body of every row of every set.
fn read_texts(dir: &Path) -> Result<Vec<Text>, Box<dyn std::error::Error>> {
    let mut texts = Vec::new();
    for (set, expected) in SETS {
        let path = dir.join(format!("{set}.jsonl"));
        let file = File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        for (n, line) in BufReader::new(file).lines().enumerate() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let row: serde_json::Value = serde_json::from_str(&line)
                .map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?;
            let id = row["id"].as_str().unwrap_or("?").to_string();
            let body = row["body"].as_str().unwrap_or("");
            let headline = match row["title"].as_str() {
                Some(title) if !title.trim().is_empty() => title,
                _ => body.lines().next().unwrap_or(""),
            };
            for (kind, text) in [("headlines", headline), ("bodies", body)] {
                texts.push(Text { set, kind, expected, id: id.clone(), text: text.to_string() });
            }
        }
    }
    Ok(texts)
}

fn run(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    // # Detecting every headline and body
    let texts = read_texts(dir)?;
    let mut rows: Vec<(&str, &str, Counts)> = Vec::new();
    for (set, _) in SETS {
        for kind in ["headlines", "bodies"] {
            rows.push((set, kind, Counts::default()));
        }
    }
    let mut wrong = Vec::new();
    let mut unknown = Vec::new();
    for t in &texts {
        let detection = detect(&t.text);
        if let Some((_, _, counts)) =
            rows.iter_mut().find(|(set, kind, _)| *set == t.set && *kind == t.kind)
        {
            counts.add(t.expected, detection.lang);
        }
        let miss = || Miss {
            set: t.set,
            kind: t.kind,
            id: t.id.clone(),
            detection,
            text: t.text.chars().take(160).collect(),
        };
        match detection.lang {
            Some(lang) if lang != t.expected => wrong.push(miss()),
            None => unknown.push(miss()),
            Some(_) => {}
        }
    }

    // # Speed: the best of a few passes over all texts
    let bytes: usize = texts.iter().map(|t| t.text.len()).sum();
    let scanned: usize = texts.iter().map(|t| t.text.len().min(10 * 1024)).sum();
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let start = Instant::now();
        for t in &texts {
            std::hint::black_box(detect(std::hint::black_box(&t.text)));
        }
        best = best.min(start.elapsed().as_secs_f64());
    }

    // # The table
    println!(
        "{:<10} {:<10} {:>6} {:>6} {:>6} {:>8} {:>9} {:>9}  bar",
        "set", "kind", "count", "right", "wrong", "unknown", "accuracy", "decided"
    );
    let mut all_pass = true;
    for (set, kind, c) in &rows {
        let bar = if *kind == "bodies" { BODY_BAR } else { HEADLINE_BAR };
        let pass = c.accuracy() >= bar;
        all_pass &= pass;
        println!(
            "{:<10} {:<10} {:>6} {:>6} {:>6} {:>8} {:>8.2}% {:>8.2}%  {} {:.0}%",
            set,
            kind,
            c.count,
            c.right,
            c.wrong,
            c.unknown,
            100.0 * c.accuracy(),
            100.0 * c.decided_accuracy(),
            if pass { "ok  >=" } else { "LOW <" },
            100.0 * bar,
        );
    }
    println!(
        "\n{} texts, {:.1} MB in {:.1} ms: {:.0} MB/s of text read ({:.1} MB, as only the \
         first 10 KiB of a text is read); bars {}",
        texts.len(),
        bytes as f64 / 1e6,
        best * 1e3,
        scanned as f64 / best.max(1e-9) / 1e6,
        scanned as f64 / 1e6,
        if all_pass { "met" } else { "NOT met" },
    );

    // # The misses
    for (title, misses) in [("wrong", &wrong), ("unknown", &unknown)] {
        println!("\n{title} answers: {} (first {MAX_LISTED})", misses.len());
        for m in misses.iter().take(MAX_LISTED) {
            let d = &m.detection;
            println!(
                "  {}/{} {} -> {} (fr {:.1}, en {:.1}, conf {:.2}): {:?}",
                m.set,
                m.kind,
                m.id,
                d.lang.map_or("?", Lang::code),
                d.french_score,
                d.english_score,
                d.confidence,
                m.text,
            );
        }
    }
    Ok(())
}
