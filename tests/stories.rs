//! Stories: assignment at index time (incremental = bulk, delete, replace, rollback, an old
//! index), collapsing at search time (pagination, every sort, filters, explain, a property
//! test), related articles, the example's flags; and a CI-sized run of the republication set
//! against the bar.

#[path = "data/republish.rs"]
mod republish;

#[allow(dead_code)]
#[path = "../examples/search.rs"]
mod cli;

use std::collections::{HashMap, HashSet};

use depeche::index::{Article, NewsIndex, NewsSchema};
use depeche::search::{SearchRequest, SearchResponse, Sort};
use proptest::prelude::*;

const NEWS: &str = include_str!("../data/fr_news.jsonl");

fn bundled(n: usize) -> Vec<Article> {
    NEWS.lines().take(n).map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn build(articles: &[Article], commit_every: usize) -> NewsIndex {
    let index = NewsIndex::create_in_ram().unwrap();
    for (i, a) in articles.iter().enumerate() {
        index.add(a).unwrap();
        if commit_every > 0 && (i + 1) % commit_every == 0 {
            index.commit().unwrap();
        }
    }
    index.commit().unwrap();
    index
}

fn story(index: &NewsIndex, id: &str) -> u64 {
    index.story_of(id).unwrap().unwrap_or_else(|| panic!("{id} is not indexed"))
}

/// A CI-sized republication set: `n` bundled articles, 5 stories per template series.
fn small_set(seed: u64, n: usize) -> Vec<republish::Labelled> {
    let cfg = republish::Config { seed, template_stories: 5, ..Default::default() };
    republish::generate(&bundled(n), &cfg)
}

/// A request with a time budget for debug builds on a busy machine.
fn request(query: &str) -> SearchRequest {
    let limits = depeche::query::QueryLimits {
        time_budget: std::time::Duration::from_secs(30),
        ..Default::default()
    };
    SearchRequest::new(query).limits(limits)
}

#[test]
fn adding_one_by_one_gives_the_stories_of_a_bulk_import() {
    let set = small_set(21, 60);
    let articles: Vec<Article> = set.iter().map(|l| l.article.clone()).collect();
    let bulk = build(&articles, 0);
    let ids: Vec<&str> = articles.iter().map(|a| a.id.as_str()).collect();
    let stories: Vec<u64> = ids.iter().map(|id| story(&bulk, id)).collect();
    let distinct: HashSet<u64> = stories.iter().copied().collect();
    assert!(distinct.len() < stories.len(), "the set has republications");
    let incremental = build(&articles, 11);
    let got: Vec<u64> = ids.iter().map(|id| story(&incremental, id)).collect();
    assert_eq!(got, stories, "a commit every 11 articles gave other stories");
    // A commit after every article, on the first 30 (a commit costs in debug builds).
    let first = &articles[..30];
    let (bulk, one_by_one) = (build(first, 0), build(first, 1));
    for a in first {
        assert_eq!(story(&one_by_one, &a.id), story(&bulk, &a.id), "{}", a.id);
    }
    // The JSONL import too.
    let jsonl: String = articles.iter().map(|a| serde_json::to_string(a).unwrap() + "\n").collect();
    let imported = NewsIndex::create_in_ram().unwrap();
    imported.import_jsonl(jsonl.as_bytes(), None, depeche::index::Progress::Hidden).unwrap();
    let got: Vec<u64> = ids.iter().map(|id| story(&imported, id)).collect();
    assert_eq!(got, stories, "the JSONL import gave other stories");
}

/// Pair precision and recall of story grouping, and the bar's checks (the example
/// `stories_eval` measures the full-sized sets).
#[test]
fn a_small_republication_set_meets_the_bar() {
    let set = small_set(22, 150);
    let articles: Vec<Article> = set.iter().map(|l| l.article.clone()).collect();
    let index = build(&articles, 0);
    let truth: HashMap<&str, &str> =
        set.iter().map(|l| (l.article.id.as_str(), l.story.as_str())).collect();
    let predicted: Vec<u64> = set.iter().map(|l| story(&index, &l.article.id)).collect();
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    for i in 0..set.len() {
        for j in i + 1..set.len() {
            match (predicted[i] == predicted[j], set[i].story == set[j].story) {
                (true, true) => tp += 1,
                (true, false) => fp += 1,
                (false, true) => fn_ += 1,
                _ => {}
            }
        }
    }
    let (precision, recall) = (tp as f64 / (tp + fp) as f64, tp as f64 / (tp + fn_) as f64);
    assert!(precision >= 0.99 && recall >= 0.97, "precision {precision:.4}, recall {recall:.4}");
    let mut by_story: HashMap<&str, Vec<&republish::Labelled>> = HashMap::new();
    for l in &set {
        by_story.entry(&l.story).or_default().push(l);
    }
    let (mut stories, mut once, mut versions, mut listed, mut hits, mut foreign) =
        (0, 0, 0, 0, 0, 0);
    for (key, vs) in by_story.iter().filter(|(_, vs)| vs.len() > 1) {
        let headline = &vs.iter().find(|l| l.edits.is_empty()).unwrap().article.title;
        let r = index.search(&request(headline).snippets(false)).unwrap();
        stories += 1;
        let mine: Vec<_> = r.hits.iter().filter(|h| truth[h.id.as_str()] == *key).collect();
        once += usize::from(mine.len() == 1);
        versions += vs.len() - 1;
        if let Some(h) = mine.first() {
            listed += h.similar.iter().filter(|s| truth[s.id()] == *key).count();
        }
        for h in &r.hits {
            hits += 1;
            let own = truth[h.id.as_str()];
            foreign += usize::from(h.similar.iter().any(|s| truth[s.id()] != own));
        }
    }
    assert!(once * 100 >= stories * 95, "shown once: {once} of {stories} stories");
    assert!(listed * 100 >= versions * 95, "versions in similar: {listed} of {versions}");
    assert!(foreign * 100 <= hits, "hits with another story's version: {foreign} of {hits}");
}

fn body(words: &[&str], seed: usize, n: usize) -> String {
    (0..n)
        .map(|i| words[(seed * 7919 + i * i * 31 + i * 17) % words.len()])
        .collect::<Vec<_>>()
        .join(" ")
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
    "région",
    "budget",
    "santé",
    "école",
    "transport",
    "culture",
    "justice",
    "police",
    "Europe",
    "climat",
    "énergie",
    "agriculture",
    "industrie",
    "emploi",
    "logement",
    "retraite",
    "impôt",
    "commune",
    "département",
    "tribunal",
    "hôpital",
    "université",
    "port",
    "vote",
    "député",
    "sénateur",
    "maire",
    "syndicat",
    "entreprise",
    "marché",
    "banque",
    "prix",
    "salaire",
    "chômage",
    "inflation",
    "croissance",
    "dette",
    "déficit",
    "accord",
];

/// Story `s`, version `v`: the same body (a byline and a tagged headline on later
/// versions), a source per version and a date per story.
fn version(s: usize, v: usize) -> Article {
    let text = format!("{} dépêche commune", body(WORDS, s, 40));
    Article {
        id: format!("s{s}-v{v}"),
        title: if v == 0 { format!("Titre {s}") } else { format!("VIDÉO. Titre {s}") },
        body: if v == 0 { text } else { format!("Par Agence {v}\n\n{text}") },
        date: Some(format!("2016-{:02}-{:02}", 1 + s % 12, 1 + (s + v) % 28)),
        source: Some(format!("source{v}")),
        lang: Some(depeche::Lang::French),
        ..Default::default()
    }
}

#[test]
fn deleting_or_replacing_the_first_version_keeps_the_others_grouped() {
    let index = build(&[version(1, 0), version(1, 1), version(1, 2), version(2, 0)], 0);
    let s = story(&index, "s1-v0");
    assert_eq!(story(&index, "s1-v1"), s);
    assert_eq!(story(&index, "s1-v2"), s);
    assert_ne!(story(&index, "s2-v0"), s, "another story");
    index.delete("s1-v0").unwrap();
    index.commit().unwrap();
    assert_eq!(story(&index, "s1-v1"), s);
    assert_eq!(story(&index, "s1-v2"), s);
    // A new version finds the story through the versions left.
    index.add(&version(1, 3)).unwrap();
    index.commit().unwrap();
    assert_eq!(story(&index, "s1-v3"), s, "a new version after the first was deleted");
    // The first version back, unchanged: it joins its old story.
    index.add(&version(1, 0)).unwrap();
    index.commit().unwrap();
    assert_eq!(story(&index, "s1-v0"), s);
    // Replaced by another text: a story of its own; the others stay.
    let mut other = version(3, 0);
    other.id = "s1-v0".into();
    index.add(&other).unwrap();
    index.commit().unwrap();
    assert_ne!(story(&index, "s1-v0"), s);
    assert_eq!(story(&index, "s1-v1"), s);
    let collapsed = index.search(&request("Titre 1").limit(10)).unwrap();
    let hit = collapsed.hits.iter().find(|h| h.id.starts_with("s1-v") && h.id != "s1-v0").unwrap();
    assert_eq!(hit.similar.len(), 2, "the three versions left in one hit: {:?}", hit.similar);
}

#[test]
fn deletes_and_replacements_in_the_uncommitted_batch_are_seen() {
    let index = NewsIndex::create_in_ram().unwrap();
    index.add(&version(1, 0)).unwrap();
    index.delete("s1-v0").unwrap();
    index.add(&version(1, 1)).unwrap();
    // Its only earlier version was deleted before it came: a story of its own.
    index.commit().unwrap();
    let s1 = story(&index, "s1-v1");
    assert_eq!(index.story_of("s1-v0").unwrap(), None);
    // The same text replaced in the batch by another: later versions do not join it.
    index.add(&version(5, 0)).unwrap();
    let mut replaced = version(6, 0);
    replaced.id = "s5-v0".into();
    index.add(&replaced).unwrap();
    index.add(&version(5, 1)).unwrap();
    index.commit().unwrap();
    assert_ne!(story(&index, "s5-v1"), story(&index, "s5-v0"));
    assert_ne!(s1, story(&index, "s5-v1"));
    // Committed, then deleted in the batch: the committed version is no candidate, the one
    // added after it in the batch is.
    index.delete("s1-v1").unwrap();
    index.add(&version(1, 2)).unwrap();
    let mut again = version(1, 2);
    again.id = "s1-v9".into();
    index.add(&again).unwrap();
    index.commit().unwrap();
    assert_ne!(story(&index, "s1-v2"), s1, "the deleted committed version was a candidate");
    assert_eq!(story(&index, "s1-v9"), story(&index, "s1-v2"), "the pending version was missed");
}

#[test]
fn a_rollback_forgets_the_pending_articles() {
    let index = NewsIndex::create_in_ram().unwrap();
    index.add(&version(1, 0)).unwrap();
    index.rollback().unwrap();
    index.add(&version(1, 1)).unwrap();
    index.commit().unwrap();
    assert_eq!(index.story_of("s1-v0").unwrap(), None);
    let s = story(&index, "s1-v1");
    index.add(&version(1, 2)).unwrap();
    index.commit().unwrap();
    assert_eq!(story(&index, "s1-v2"), s);
}

#[test]
fn an_index_without_story_fields_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let mut b = tantivy::schema::Schema::builder();
    for (_, entry) in NewsSchema::new().schema().fields() {
        if !entry.name().starts_with("story") {
            b.add_field(entry.clone());
        }
    }
    tantivy::Index::create_in_dir(dir.path(), b.build()).unwrap();
    let err = NewsIndex::open(dir.path()).unwrap_err();
    assert!(matches!(err, depeche::Error::IncompatibleIndex { .. }), "{err}");
    assert!(err.to_string().contains("before story detection"), "{err}");
    assert!(NewsIndex::open_or_create(dir.path()).is_err());
}

#[test]
fn a_reopened_index_finds_the_committed_versions() {
    // The committed articles' band keys are read back from the sketch column of each
    // segment: after a reopen, and after a merge has rewritten the segments.
    let dir = tempfile::tempdir().unwrap();
    {
        let index = NewsIndex::open_or_create(dir.path()).unwrap();
        for s in 0..3 {
            index.add(&version(s, 0)).unwrap();
            index.commit().unwrap();
        }
    }
    let index = NewsIndex::open(dir.path()).unwrap();
    index.add(&version(1, 1)).unwrap();
    index.commit().unwrap();
    assert_eq!(story(&index, "s1-v1"), story(&index, "s1-v0"), "after a reopen");
    index.merge_segments(1).unwrap();
    index.add(&version(2, 1)).unwrap();
    index.add(&version(0, 1)).unwrap();
    index.commit().unwrap();
    assert_eq!(story(&index, "s2-v1"), story(&index, "s2-v0"), "after a merge");
    assert_eq!(story(&index, "s0-v1"), story(&index, "s0-v0"), "after a merge");
    assert_ne!(story(&index, "s0-v1"), story(&index, "s2-v1"));
    assert!(index.story_stats().table_builds >= 2, "{:?}", index.story_stats());
}

#[test]
fn an_index_with_band_key_terms_is_refused_clearly() {
    // Indexes of earlier versions indexed the band keys as terms of `story_bands`, and
    // stored an older sketch: new articles could not find their committed versions.
    let dir = tempfile::tempdir().unwrap();
    let mut b = tantivy::schema::Schema::builder();
    for (_, entry) in NewsSchema::new().schema().fields() {
        b.add_field(entry.clone());
    }
    b.add_u64_field("story_bands", tantivy::schema::NumericOptions::default().set_indexed());
    tantivy::Index::create_in_dir(dir.path(), b.build()).unwrap();
    let err = NewsIndex::open(dir.path()).unwrap_err();
    assert!(matches!(err, depeche::Error::IncompatibleIndex { .. }), "{err}");
    assert!(err.to_string().contains("rebuild it"), "{err}");
}

/// Every story of `versions[s]` versions, story `s` mentioning `marker` when `s % 3 != 2`.
fn collapsing_index(versions: &[usize]) -> NewsIndex {
    let mut articles = Vec::new();
    for (s, &n) in versions.iter().enumerate() {
        for v in 0..n {
            let mut a = version(s, v);
            if s % 3 != 2 {
                a.body.push_str(" repère");
            }
            articles.push(a);
        }
    }
    build(&articles, 5)
}

/// Every page of `req` (`limit` hits each) until an empty one.
fn pages(index: &NewsIndex, req: &SearchRequest, limit: usize) -> Vec<SearchResponse> {
    let mut out = Vec::new();
    for p in 0.. {
        let r = index.search(&req.clone().offset(p * limit).limit(limit)).unwrap();
        if r.hits.is_empty() {
            break;
        }
        out.push(r);
        assert!(p < 1000, "pages never end");
    }
    out
}

/// Paging through collapsed results: each story once, every matching article once (as a hit
/// or in a hit's similar), in the order of one big page.
fn check_pages(index: &NewsIndex, req: &SearchRequest, limit: usize) -> Result<(), TestCaseError> {
    let all = index.search(&req.clone().collapse(false).limit(1000)).unwrap();
    let matching: HashSet<String> = all.hits.iter().map(|h| h.id.clone()).collect();
    let one = index.search(&req.clone().limit(1000)).unwrap();
    let mut seen_stories = HashSet::new();
    let mut seen = HashSet::new();
    let mut order = Vec::new();
    for r in pages(index, req, limit) {
        prop_assert_eq!(r.total, matching.len(), "total counts every matching article");
        for h in r.hits {
            let s = story(index, &h.id);
            prop_assert!(seen_stories.insert(s), "story of {} on two pages", h.id);
            for id in std::iter::once(h.id.as_str()).chain(h.similar.iter().map(|s| s.id())) {
                prop_assert!(seen.insert(id.to_string()), "{} listed twice", id);
                prop_assert_eq!(story(index, id), s, "{} under another story's hit", id);
            }
            order.push(h.id);
        }
    }
    prop_assert_eq!(&seen, &matching, "paging lost or invented articles");
    let big: Vec<String> = one.hits.iter().map(|h| h.id.clone()).collect();
    prop_assert_eq!(order, big, "pages are slices of one list");
    Ok(())
}

#[test]
fn pages_keep_each_story_once_with_every_sort_and_filter() {
    let index = collapsing_index(&[3, 1, 4, 2, 1, 5, 1, 3, 2, 2, 1, 4]);
    for sort in [Sort::Relevance, Sort::Newest, Sort::Oldest] {
        for req in [
            request("repère"),
            request("dépêche commune"),
            request(""),
            request("dépêche").since("2016-03-01").until("2016-09-30"),
            request("dépêche").source("source1").source("source2"),
            request("dépêche").lang(depeche::Lang::French),
        ] {
            let req = req.sort(sort).snippets(false);
            for limit in [1, 2, 3, 10] {
                check_pages(&index, &req, limit)
                    .unwrap_or_else(|e| panic!("{:?} limit {limit}: {e}", req));
            }
        }
    }
}

#[test]
fn a_phrase_lists_only_the_versions_that_hold_it() {
    // Five versions of one story: v1 and v2 titled « VIDÉO. Titre 0 », v3 and v4 holding
    // both words apart, v0 without « vidéo ». The phrase is checked on each listed version,
    // not only on the best one.
    let mut articles: Vec<Article> = (0..5).map(|v| version(0, v)).collect();
    for a in &mut articles[3..] {
        a.title = "Titre 0 : la vidéo du jour".into();
    }
    articles.push(version(1, 0));
    let index = build(&articles, 0);
    let r = index.search(&request("\"vidéo titre\"")).unwrap();
    assert_eq!(r.hits.len(), 1, "{:?}", r.hits.iter().map(|h| &h.id).collect::<Vec<_>>());
    let mut ids: Vec<&str> = std::iter::once(r.hits[0].id.as_str())
        .chain(r.hits[0].similar.iter().map(|s| s.id()))
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["s0-v1", "s0-v2"], "the versions holding the phrase");
    let words = index.search(&request("vidéo titre")).unwrap();
    let hit = words.hits.iter().find(|h| h.id.starts_with("s0-")).expect("story 0");
    let listed: Vec<&str> = hit.similar.iter().map(|s| s.id()).collect();
    assert!(listed.contains(&"s0-v3") && listed.contains(&"s0-v4"), "the words alone: {listed:?}");
}

#[test]
fn a_filter_lists_only_the_versions_it_admits() {
    let index = collapsing_index(&[4]);
    let r = index.search(&request("dépêche").source("source0").source("source2")).unwrap();
    assert_eq!(r.hits.len(), 1);
    let ids: Vec<&str> = std::iter::once(r.hits[0].id.as_str())
        .chain(r.hits[0].similar.iter().map(|s| s.id()))
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(ids.contains(&"s0-v0") && ids.contains(&"s0-v2"), "{ids:?}");
}

/// A listed version's id, source and date come from the reader's memory (no stored-document
/// read); with `similar_details` its title and URL from the doc store too: both agree, over
/// several segments, a replaced version and an index reopened from disk.
#[test]
fn a_listed_version_shows_the_same_from_memory_and_from_the_doc_store() {
    let dir = tempfile::tempdir().unwrap();
    let index = NewsIndex::open_or_create(dir.path()).unwrap();
    for v in 0..6 {
        let mut a = version(0, v);
        a.url = Some(format!("https://example.org/{v}"));
        index.add(&a).unwrap();
        if v % 2 == 1 {
            index.commit().unwrap();
        }
    }
    // replace a version: its old document is deleted, its id is on two documents
    let mut replaced = version(0, 3);
    replaced.source = Some("  Agence Remplacée ".into());
    replaced.url = Some("https://example.org/3b".into());
    index.add(&replaced).unwrap();
    index.commit().unwrap();
    let check = |index: &NewsIndex, at: &str| {
        let fast = index.search(&request("dépêche commune")).unwrap();
        let full = index.search(&request("dépêche commune").similar_details(true)).unwrap();
        assert_eq!(fast.hits.len(), 1, "{at}: one story");
        let (a, b) = (&fast.hits[0], &full.hits[0]);
        assert_eq!(a.id, b.id, "{at}");
        assert_eq!(a.similar.len(), 5, "{at}: the other versions, the replaced one once");
        let stored = |id: &str| {
            let v: usize = id[id.len() - 1..].parse().unwrap();
            if v == 3 {
                (Some("Agence Remplacée"), "https://example.org/3b".to_string())
            } else {
                (None, format!("https://example.org/{v}"))
            }
        };
        for (x, y) in a.similar.iter().zip(&b.similar) {
            assert_eq!((x.id(), x.score()), (y.id(), y.score()), "{at}: same versions, same order");
            assert_eq!(x.date(), y.date(), "{at}: {} date", x.id());
            assert!(x.date().is_some_and(|d| d.starts_with("2016-")), "{at}: {x:?}");
            let (source, url) = stored(x.id());
            let want = source.map(str::to_string).or(Some(format!("source{}", &x.id()[4..])));
            assert_eq!(x.source(), want.as_deref(), "{at}: {} source from memory", x.id());
            assert_eq!(y.source().map(str::trim), want.as_deref(), "{at}: stored");
            assert_eq!((x.title(), x.url()), (None, None), "{at}: not asked for");
            assert_eq!(y.url(), Some(url.as_str()), "{at}: {} url", y.id());
            assert!(y.title().is_some_and(|t| t.contains("Titre 0")), "{at}: {y:?}");
        }
    };
    check(&index, "as written");
    drop(index);
    let reopened = NewsIndex::open(dir.path()).unwrap();
    check(&reopened, "reopened");
}

#[test]
fn collapsing_keeps_explanations_and_the_best_version_first() {
    let index = collapsing_index(&[3, 2]);
    let r = index.search(&request("Titre 0 vidéo").explain(true)).unwrap();
    let hit = r.hits.iter().find(|h| h.id.starts_with("s0-")).unwrap();
    assert!(hit.explanation.is_some(), "explanations survive collapsing");
    assert_eq!(hit.similar.len(), 2);
    assert!(hit.similar.iter().all(|s| s.score() <= hit.score), "the best version leads");
    assert!(hit.similar.iter().all(|s| s.source().is_some() && s.date().is_some()));
    assert!(hit.similar.iter().all(|s| s.title().is_none()), "titles only when asked for");
    let json = serde_json::to_value(hit).unwrap();
    assert!(json["similar"].as_array().unwrap().iter().all(|v| v.is_string()), "{json}");
    let flat = index.search(&request("Titre 0 vidéo").collapse(false)).unwrap();
    assert!(flat.hits.iter().all(|h| h.similar.is_empty()));
    assert_eq!(flat.hits.iter().filter(|h| h.id.starts_with("s0-")).count(), 3);
}

#[test]
fn a_story_larger_than_the_window_is_listed_whole() {
    // 40 versions fill the first window; the page still holds the other stories.
    let index = collapsing_index(&[40, 1, 1, 1]);
    let r = index.search(&request("dépêche").limit(4)).unwrap();
    assert_eq!(r.hits.len(), 4);
    let big = r.hits.iter().find(|h| h.id.starts_with("s0-")).expect("the big story");
    assert_eq!(big.similar.len(), 39);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Collapsing never loses or duplicates a story across pages, whatever the stories'
    /// sizes, the page size, the sort and the query.
    #[test]
    fn collapsing_never_loses_or_duplicates_a_story(
        versions in proptest::collection::vec(1usize..6, 1..10),
        limit in 1usize..6,
        sort in prop_oneof![Just(Sort::Relevance), Just(Sort::Newest), Just(Sort::Oldest)],
        query in prop_oneof![Just("repère"), Just("dépêche"), Just("Titre vidéo"), Just("")],
    ) {
        let index = collapsing_index(&versions);
        check_pages(&index, &request(query).sort(sort).snippets(false), limit)?;
    }
}

#[test]
fn related_articles_leave_out_the_story_and_come_one_per_story() {
    let mut articles = bundled(150);
    // Two republications of the first article, which must not come back as related.
    for v in 1..3 {
        let mut a = articles[0].clone();
        a.id = format!("{}~{v}", a.id);
        a.title = format!("VIDÉO. {}", a.title);
        articles.push(a);
    }
    let index = build(&articles, 0);
    let own = story(&index, &articles[0].id);
    let related = index.related(&articles[0].id, 8).unwrap();
    assert!(!related.is_empty());
    assert!(related.iter().all(|h| story(&index, &h.id) != own), "own story excluded");
    let stories: HashSet<u64> = related.iter().map(|h| story(&index, &h.id)).collect();
    assert_eq!(stories.len(), related.len(), "one hit per story");
    assert!(index.related("absent", 5).is_err());
    // A version's related articles leave out the original and the other version.
    let from_version = index.related(&format!("{}~1", articles[0].id), 8).unwrap();
    assert!(!from_version.is_empty());
    assert!(from_version.iter().all(|h| story(&index, &h.id) != own), "own story excluded");
}

fn run(args: &[&str]) -> String {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let mut out = Vec::new();
    cli::run(&args, &mut out, false).unwrap_or_else(|e| panic!("{}", e.message));
    String::from_utf8(out).unwrap()
}

#[test]
fn example_flags_collapse_and_related() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx");
    let idx = idx.to_str().unwrap();
    let file = dir.path().join("news.jsonl");
    let lines: Vec<String> = [version(1, 0), version(1, 1), version(1, 2), version(2, 0)]
        .iter()
        .map(|a| serde_json::to_string(a).unwrap())
        .collect();
    std::fs::write(&file, lines.join("\n")).unwrap();
    run(&["--index", idx, "--add", file.to_str().unwrap()]);
    let human = run(&["--index", idx, "Titre 1"]);
    assert!(human.contains("+ 2 similar: source"), "{human}");
    let json = run(&["--index", idx, "--json", "Titre 1"]);
    for line in json.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(v["similar"].is_array(), "{line}");
    }
    let flat = run(&["--index", idx, "--json", "--no-collapse", "Titre 1"]);
    assert_eq!(flat.lines().filter(|l| l.contains("\"s1-v")).count(), 3, "{flat}");
    let batch = dir.path().join("q.txt");
    std::fs::write(&batch, "Titre 1\n").unwrap();
    let out = run(&["--index", idx, "--batch", batch.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["hits"][0]["similar"].as_array().unwrap().len(), 2, "{out}");
    let related = run(&["--index", idx, "--json", "--related", "s2-v0"]);
    assert!(related.lines().all(|l| !l.contains("\"s2-v0\"")), "{related}");
}
