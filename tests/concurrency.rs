//! Searches from several threads while another thread imports and commits: no errors, and
//! every search sees whole commits only.
//!
//! Each commit adds a batch of `BATCH` articles that share the word `lotN` and the tag
//! `lotN`, and moves the single `compteur` article to `etatN` (an upsert: delete + add). A
//! search that saw part of a commit would count a batch between 0 and `BATCH`, a total that
//! is not a multiple of `BATCH`, or zero or two `compteur` articles.

mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use common::{article, Rng};
use depeche::index::{Article, IndexOptions, NewsIndex};
use depeche::search::SearchRequest;

const BATCH: u64 = 7;
const BATCHES: u64 = 20;
const SEARCHERS: u64 = 3;

fn counter(b: u64) -> Article {
    Article {
        id: "compteur".into(),
        title: "Compteur des lots".into(),
        body: format!("compteur etat{b}"),
        tags: vec![format!("etat{b}")],
        ..Default::default()
    }
}

fn count(index: &NewsIndex, query: &str) -> usize {
    let response = index
        .search(&SearchRequest::new(query).limit(0))
        .unwrap_or_else(|e| panic!("search {query:?} failed during commits: {e}"));
    response.total
}

#[test]
fn searches_during_commits_see_whole_commits_only() {
    let dir = tempfile::tempdir().unwrap();
    let options = IndexOptions { memory_budget: 40_000_000, threads: 2 };
    let index = NewsIndex::open_or_create_with(dir.path(), options).unwrap();
    let committed = AtomicU64::new(0);
    let done = AtomicBool::new(false);
    let searches = AtomicU64::new(0);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut rng = Rng(3);
            for b in 0..BATCHES {
                let tag = format!("lot{b}");
                for i in 0..BATCH {
                    index.add(&article(&format!("{b}-{i}"), &tag, 30, &mut rng)).unwrap();
                }
                index.add(&counter(b)).unwrap();
                index.commit().unwrap();
                committed.store(b + 1, Ordering::SeqCst);
            }
            done.store(true, Ordering::SeqCst);
        });
        for t in 0..SEARCHERS {
            let (index, committed, done, searches) = (&index, &committed, &done, &searches);
            scope.spawn(move || {
                let mut rng = Rng(100 + t);
                while !done.load(Ordering::SeqCst) {
                    // Commits acknowledged before the search started must be visible.
                    let floor = committed.load(Ordering::SeqCst);
                    let total = count(index, "dépêche") as u64;
                    assert_eq!(total % BATCH, 0, "a search saw part of a batch: {total} articles");
                    assert!(total / BATCH >= floor, "a committed batch is missing: {total}");
                    let b = rng.below(BATCHES);
                    let in_batch = count(index, &format!("lot{b}")) as u64;
                    assert!(
                        in_batch == 0 || in_batch == BATCH,
                        "batch {b} seen in part: {in_batch} of {BATCH}"
                    );
                    if b < floor {
                        assert_eq!(in_batch, BATCH, "committed batch {b} not visible");
                    }
                    // Facet counts come from another collector on the same snapshot.
                    let r = index.search(&SearchRequest::new("dépêche").facets(true).limit(3));
                    let r = r.unwrap_or_else(|e| panic!("faceted search failed: {e}"));
                    let tags = r.facets.expect("facets requested").tag;
                    assert!(tags.iter().all(|t| t.count == BATCH), "a tag seen in part: {tags:?}");
                    let tagged: u64 = tags.iter().map(|t| t.count).sum();
                    assert_eq!(tagged, r.total as u64, "facets and total from different commits");
                    let counters = count(index, "compteur");
                    assert!(counters <= 1, "an upsert seen in part: {counters} counters");
                    if floor > 0 {
                        assert_eq!(counters, 1, "the counter vanished during an upsert");
                    }
                    searches.fetch_add(4, Ordering::Relaxed);
                }
            });
        }
    });
    assert_eq!(count(&index, "dépêche") as u64, BATCH * BATCHES);
    assert_eq!(count(&index, &format!("etat{}", BATCHES - 1)), 1);
    let searches = searches.into_inner();
    println!("concurrency: {BATCHES} commits of {BATCH} articles, {searches} searches in parallel");
    assert!(searches >= 30, "the searches ran alongside the commits: {searches}");
}
