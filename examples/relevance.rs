//! Ranking quality: MRR@10 and Recall@1/10/100 of depeche and of tantivy's stock French chain
//! on a question set, for the questions as written and with their accents stripped.
//!
//! ```text
//! cargo run --release --example relevance
//! cargo run --release --example relevance -- [--corpus FILE.jsonl]... [--questions FILE.jsonl]
//!     [--ranking JSON] [--ablation] [--no-stock] [--json] [--ranks OUT.jsonl]
//! ```
//!
//! `--ranking '{"k1": 1.5, "boosts": {"title": 3}}'` runs depeche with other ranking knobs
//! ([`Ranking`], serde names; unnamed knobs keep their defaults). `--ranks OUT.jsonl` writes,
//! for each question as written, the rank of its relevant document and depeche's first hit.
//!
//! Defaults: the corpus is `data/piaf_passages.jsonl` (1,518 French Wikipedia passages of the
//! PIAF v1.1 dev split) together with `data/fr_news.jsonl` (1,291 Wikinews articles), 2,809
//! documents; the questions are `data/piaf_dev_questions.jsonl` (1,443 PIAF dev questions, each
//! with the passage that answers it). A corpus line is `{pid|id, title, text|body, date?, lang?}`;
//! a question line is `{qid, query, relevant_pids}`.
//!
//! Every system sees the question as a reader typed it and retrieves the top 100 documents:
//!
//! - `depeche`: [`NewsIndex::search`] with the default [`SearchRequest`];
//! - `stock, 2 fields`: tantivy 0.27's stock French chain (`benches/common/mod.rs`), title and
//!   body indexed as two fields, the OR of the question's terms, each searched in both fields
//!   (tantivy's `QueryParser` with both fields as default fields does the same);
//! - `stock, 1 field`: the same chain, title and body indexed as one field;
//! - `stock, 1 field, stop words`: the same, with tantivy's French stop words removed.
//!
//! `--ablation` also runs depeche with each ranking lever ([`Ranking`]) switched off or changed,
//! one at a time, and prints the MRR@10 of each.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use depeche::index::{Article, NewsIndex};
use depeche::query::Ranking;
use depeche::search::SearchRequest;
use depeche::Lang;
use serde::Deserialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, STRING};
use tantivy::tokenizer::{Language, StopWordFilter, TextAnalyzer};
use tantivy::{Index, IndexReader, TantivyDocument, Term};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

#[path = "../benches/common/mod.rs"]
mod common;

const USAGE: &str = "usage: relevance [--corpus FILE.jsonl]... [--questions FILE.jsonl] \
[--ranking JSON] [--ablation] [--no-stock] [--json] [--ranks OUT.jsonl]";
const TOP: usize = 100;

#[derive(Deserialize)]
struct Doc {
    #[serde(alias = "pid")]
    id: String,
    #[serde(default)]
    title: String,
    #[serde(default, alias = "text")]
    body: String,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    lang: Option<Lang>,
}

#[derive(Deserialize)]
struct Question {
    query: String,
    relevant_pids: Vec<String>,
}

/// Ranks (1-based) of the first relevant document, `None` when not in the top 100.
#[derive(Default)]
struct Metrics {
    ranks: Vec<Option<usize>>,
    /// The first hit of each question.
    firsts: Vec<Option<String>>,
}

impl Metrics {
    fn mrr10(&self) -> f64 {
        let sum: f64 =
            self.ranks.iter().map(|r| r.filter(|&r| r <= 10).map_or(0.0, |r| 1.0 / r as f64)).sum();
        sum / self.ranks.len().max(1) as f64
    }

    fn recall(&self, k: usize) -> f64 {
        let hit = self.ranks.iter().filter(|r| r.is_some_and(|r| r <= k)).count();
        hit as f64 / self.ranks.len().max(1) as f64
    }

    fn row(&self) -> [f64; 4] {
        [self.mrr10(), self.recall(1), self.recall(10), self.recall(100)]
    }
}

fn strip_accents(s: &str) -> String {
    s.nfd().filter(|c| !is_combining_mark(*c)).collect()
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

fn rank_of(ids: &[String], relevant: &[String]) -> Option<usize> {
    ids.iter().position(|id| relevant.contains(id)).map(|p| p + 1)
}

/// depeche through its public search API.
fn run_depeche(
    index: &NewsIndex,
    questions: &[Question],
    strip: bool,
    ranking: &Ranking,
) -> Result<Metrics, String> {
    let mut m = Metrics::default();
    for q in questions {
        let text = if strip { strip_accents(&q.query) } else { q.query.clone() };
        let mut req = SearchRequest::new(text).limit(TOP).snippets(false);
        req.ranking = ranking.clone();
        let resp = index.search(&req).map_err(|e| e.to_string())?;
        let ids: Vec<String> = resp.hits.into_iter().map(|h| h.id).collect();
        m.ranks.push(rank_of(&ids, &q.relevant_pids));
        m.firsts.push(ids.first().cloned());
    }
    Ok(m)
}

/// One stock tantivy index: its fields and the analyzer of its queries.
struct Stock {
    reader: IndexReader,
    id: Field,
    fields: Vec<Field>,
    analyzer: TextAnalyzer,
}

fn stock_analyzer(stop_words: bool) -> TextAnalyzer {
    if !stop_words {
        return common::stock_french();
    }
    // The stock chain with tantivy's French stop list before stemming.
    use tantivy::tokenizer::{
        AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    };
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(StopWordFilter::new(Language::French).expect("tantivy ships French stop words"))
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::French))
        .build()
}

fn stock_index(docs: &[Doc], two_fields: bool, stop_words: bool) -> tantivy::Result<Stock> {
    let mut b = Schema::builder();
    let opts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("stock")
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let id = b.add_text_field("id", STRING | tantivy::schema::STORED);
    let fields = if two_fields {
        vec![b.add_text_field("title", opts.clone()), b.add_text_field("body", opts)]
    } else {
        vec![b.add_text_field("text", opts)]
    };
    let index = Index::create_in_ram(b.build());
    index.tokenizers().register("stock", stock_analyzer(stop_words));
    let mut w = index.writer_with_num_threads(1, 50_000_000)?;
    for d in docs {
        let mut doc = TantivyDocument::default();
        doc.add_text(id, &d.id);
        if two_fields {
            doc.add_text(fields[0], &d.title);
            doc.add_text(fields[1], &d.body);
        } else {
            doc.add_text(fields[0], format!("{}\n{}", d.title, d.body));
        }
        w.add_document(doc)?;
    }
    w.commit()?;
    Ok(Stock { reader: index.reader()?, id, fields, analyzer: stock_analyzer(stop_words) })
}

fn run_stock(stock: &mut Stock, questions: &[Question], strip: bool) -> tantivy::Result<Metrics> {
    use tantivy::schema::Value;
    let searcher = stock.reader.searcher();
    let mut m = Metrics::default();
    for q in questions {
        let text = if strip { strip_accents(&q.query) } else { q.query.clone() };
        let mut terms = Vec::new();
        let mut stream = stock.analyzer.token_stream(&text);
        while let Some(t) = stream.next() {
            if !terms.contains(&t.text) {
                terms.push(t.text.clone());
            }
        }
        let clauses: Vec<(Occur, Box<dyn Query>)> = terms
            .iter()
            .flat_map(|t| {
                stock.fields.iter().map(move |&f| {
                    let q =
                        TermQuery::new(Term::from_field_text(f, t), IndexRecordOption::WithFreqs);
                    (Occur::Should, Box::new(q) as Box<dyn Query>)
                })
            })
            .collect();
        let top = searcher
            .search(&BooleanQuery::new(clauses), &TopDocs::with_limit(TOP).order_by_score())?;
        let mut ids = Vec::with_capacity(top.len());
        for (_, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            ids.push(doc.get_first(stock.id).and_then(|v| v.as_str()).unwrap_or("").to_string());
        }
        m.ranks.push(rank_of(&ids, &q.relevant_pids));
    }
    Ok(m)
}

struct Args {
    corpus: Vec<PathBuf>,
    questions: PathBuf,
    ablation: bool,
    stock: bool,
    json: bool,
    ranking: Ranking,
    ranks: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        corpus: Vec::new(),
        questions: PathBuf::from("data/piaf_dev_questions.jsonl"),
        ablation: false,
        stock: true,
        json: false,
        ranking: Ranking::default(),
        ranks: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--corpus" => a.corpus.push(it.next().ok_or("--corpus needs a file")?.into()),
            "--questions" => a.questions = it.next().ok_or("--questions needs a file")?.into(),
            "--ablation" => a.ablation = true,
            "--ranking" => {
                let json = it.next().ok_or("--ranking needs a JSON object")?;
                a.ranking = serde_json::from_str(&json).map_err(|e| format!("--ranking: {e}"))?;
            }
            "--no-stock" => a.stock = false,
            "--ranks" => a.ranks = Some(it.next().ok_or("--ranks needs a file")?.into()),
            "--json" => a.json = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if a.corpus.is_empty() {
        a.corpus = vec!["data/piaf_passages.jsonl".into(), "data/fr_news.jsonl".into()];
    }
    Ok(a)
}

fn print_row(json: bool, name: &str, written: [f64; 4], stripped: [f64; 4]) {
    if json {
        let row = serde_json::json!({"system": name, "as_written": written, "accents_stripped": stripped});
        println!("{row}");
        return;
    }
    let f = |r: [f64; 4]| format!("{:.3} {:.3} {:.3} {:.3}", r[0], r[1], r[2], r[3]);
    println!("{name:<44} {}   {}", f(written), f(stripped));
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("{e}");
            }
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(&args) {
        eprintln!("relevance: {e}");
        std::process::exit(1);
    }
}

fn run(args: &Args) -> Result<(), String> {
    let mut docs: Vec<Doc> = Vec::new();
    for path in &args.corpus {
        docs.extend(read_jsonl::<Doc>(path)?);
    }
    let questions: Vec<Question> = read_jsonl(&args.questions)?;
    let started = Instant::now();
    let index = NewsIndex::create_in_ram().map_err(|e| e.to_string())?;
    let mut seen = HashMap::new();
    for d in &docs {
        let article = Article {
            id: d.id.clone(),
            title: d.title.clone(),
            body: d.body.clone(),
            date: d.date.clone(),
            lang: d.lang,
            ..Default::default()
        };
        if seen.insert(d.id.clone(), ()).is_some() {
            return Err(format!("duplicate document id {:?}", d.id));
        }
        index.add(&article).map_err(|e| format!("document {:?}: {e}", d.id))?;
    }
    index.commit().map_err(|e| e.to_string())?;
    if !args.json {
        println!(
            "{} documents, {} questions (indexed in {:.1} s); top {TOP}",
            docs.len(),
            questions.len(),
            started.elapsed().as_secs_f64()
        );
        println!("{:<44} as written                  accents stripped", "system");
        println!("{:<44} MRR@10 R@1   R@10  R@100   MRR@10 R@1   R@10  R@100", "");
    }
    let ranking = args.ranking.clone();
    let t = Instant::now();
    let w = run_depeche(&index, &questions, false, &ranking)?;
    let per_query = t.elapsed().as_secs_f64() * 1e3 / questions.len().max(1) as f64;
    let s = run_depeche(&index, &questions, true, &ranking)?;
    print_row(args.json, "depeche", w.row(), s.row());
    if let Some(path) = &args.ranks {
        let lines: Vec<String> = questions
            .iter()
            .zip(w.ranks.iter().zip(&w.firsts))
            .map(|(q, (rank, first))| {
                serde_json::json!({"query": q.query, "relevant": q.relevant_pids, "rank": rank, "first": first})
                    .to_string()
            })
            .collect();
        std::fs::write(path, lines.join("\n") + "\n")
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if args.stock {
        for (name, two, stop) in [
            ("stock, title and body as 2 fields", true, false),
            ("stock, title+body as 1 field", false, false),
            ("stock, 1 field, stop words removed", false, true),
        ] {
            let mut stock = stock_index(&docs, two, stop).map_err(|e| e.to_string())?;
            let w = run_stock(&mut stock, &questions, false).map_err(|e| e.to_string())?;
            let s = run_stock(&mut stock, &questions, true).map_err(|e| e.to_string())?;
            print_row(args.json, name, w.row(), s.row());
        }
    }
    if !args.json {
        println!("depeche: {per_query:.2} ms per question (top {TOP}, no snippets)");
    }
    if args.ablation {
        if !args.json {
            println!("\nablation (depeche, MRR@10 as written / accents stripped)");
        }
        for (name, variant) in Ranking::ablations() {
            let w = run_depeche(&index, &questions, false, &variant)?;
            let s = run_depeche(&index, &questions, true, &variant)?;
            print_row(args.json, name, w.row(), s.row());
        }
    }
    Ok(())
}
