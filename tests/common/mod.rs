//! Helpers shared by the reliability tests: a seeded random generator, generated French
//! articles, and reading back every article id of an index.

#![allow(dead_code)]

use std::collections::BTreeSet;

use depeche::index::{Article, NewsIndex};
use tantivy::collector::DocSetCollector;
use tantivy::query::AllQuery;
use tantivy::schema::Value;
use tantivy::TantivyDocument;

/// splitmix64: small, seeded, reproducible.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

const WORDS: &[&str] = &[
    "gouvernement",
    "réforme",
    "élection",
    "Assemblée",
    "sécurité",
    "économie",
    "grève",
    "ministre",
    "président",
    "l’Élysée",
    "régions",
    "budget",
    "santé",
    "école",
    "climat",
    "tribunal",
    "enquête",
    "accord",
    "européenne",
    "manifestation",
];

/// A French article with `words` words of generated text; `tag` is added to the body as a
/// word and as a tag, so that a batch can be searched for.
pub fn article(id: &str, tag: &str, words: usize, rng: &mut Rng) -> Article {
    let mut body = String::with_capacity(words * 10);
    for i in 0..words {
        if i > 0 {
            body.push(' ');
        }
        body.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
    }
    body.push(' ');
    body.push_str(tag);
    Article {
        id: id.to_string(),
        title: format!("Dépêche {id} : {}", WORDS[rng.below(WORDS.len() as u64) as usize]),
        body,
        date: Some(format!("2016-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28))),
        tags: vec![tag.to_string()],
        ..Default::default()
    }
}

/// Every article id visible in the last commit, and the number of documents (to catch
/// duplicates).
pub fn visible_ids(index: &NewsIndex) -> (BTreeSet<String>, usize) {
    let searcher = index.searcher();
    let docs = searcher.search(&AllQuery, &DocSetCollector).expect("collect all documents");
    let mut ids = BTreeSet::new();
    for addr in &docs {
        let doc: TantivyDocument = searcher.doc(*addr).expect("stored document");
        let id = doc
            .get_first(index.schema().id)
            .and_then(|v| v.as_str())
            .expect("every document has an id")
            .to_string();
        ids.insert(id);
    }
    (ids, docs.len())
}

/// Articles as JSON Lines.
pub fn jsonl(articles: &[Article]) -> Vec<u8> {
    let mut out = Vec::new();
    for a in articles {
        serde_json::to_writer(&mut out, a).unwrap();
        out.push(b'\n');
    }
    out
}

fn proc_status_bytes(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Resident memory of this process now (`VmRSS`), in bytes; `None` off Linux.
pub fn rss() -> Option<u64> {
    proc_status_bytes("VmRSS:")
}

/// Resets the peak resident memory (`VmHWM`) to the current resident size (Linux 4.0+);
/// false when it cannot.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Peak resident memory of this process so far (`VmHWM`), in bytes; `None` off Linux.
pub fn peak_rss() -> Option<u64> {
    proc_status_bytes("VmHWM:")
}
