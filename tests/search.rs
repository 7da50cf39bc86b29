//! End to end: articles → RAM index → search box → hits, snippets, facets; and the example's
//! command line.

use depeche::index::{Article, NewsIndex, Progress};
use depeche::search::{SearchRequest, SearchResponse, Sort};
use depeche::Lang;

#[allow(dead_code)]
#[path = "../examples/search.rs"]
mod cli;

fn article(id: &str, title: &str, body: &str, date: &str) -> Article {
    Article {
        id: id.into(),
        title: title.into(),
        body: body.into(),
        date: Some(date.into()),
        source: Some("Agence test".into()),
        url: Some(format!("https://example.org/{id}")),
        ..Default::default()
    }
}

fn sample() -> Vec<Article> {
    let mut v = vec![
        article(
            "securite",
            "Conseil de défense",
            "La sécurité des Français est la priorité du gouvernement, a déclaré le ministre.",
            "2016-01-10",
        ),
        article(
            "elysee",
            "Réunion à L’Élysée",
            "Le président a reçu les syndicats au palais pour parler des retraites.",
            "2016-02-03",
        ),
        article(
            "lemonde",
            "Revue de presse",
            "Le Monde a publié une enquête sur les finances locales.",
            "2016-03-01",
        ),
        article(
            "tourdumonde",
            "Voile",
            "Un marin termine le tour du monde en solitaire après 74 jours de mer.",
            "2016-03-02",
        ),
        article(
            "title-match",
            "Inondations dans le Sud",
            "Les pompiers sont intervenus toute la nuit.",
            "2016-04-01",
        ),
        article(
            "body-match",
            "Météo du week-end",
            "Des pluies fortes sont attendues, mais aucune alerte aux inondations pour le moment.",
            "2016-04-01",
        ),
        article(
            "numerique",
            "La transformation numérique des rédactions",
            "Les journaux investissent dans le numérique et la formation.",
            "2017-06-15",
        ),
        article(
            "transformation",
            "Transformation du quartier de la gare",
            "Les travaux de rénovation commencent en septembre.",
            "2018-09-01",
        ),
        article(
            "culture",
            "Budget",
            "Le ministère de la Culture annonce une hausse du budget des musées nationaux.",
            "2017-01-20",
        ),
    ];
    let mut en = article(
        "obama-en",
        "Obama visits Paris",
        "The president met the French government to discuss the climate agreement.",
        "2016-05-05",
    );
    en.lang = Some(Lang::English);
    en.section = Some("World".into());
    en.tags = vec!["climate".into(), "diplomacy".into()];
    en.source = Some("Wire".into());
    v.push(en);
    let mut fr = article(
        "obama-fr",
        "Barack Obama en visite",
        "Le président américain est arrivé à Paris pour un sommet sur le climat.",
        "2016-05-06",
    );
    fr.section = Some("Monde".into());
    fr.tags = vec!["climat".into()];
    v.push(fr);
    v
}

fn index() -> NewsIndex {
    let index = NewsIndex::create_in_ram().unwrap();
    for a in sample() {
        index.add(&a).unwrap();
    }
    index.commit().unwrap();
    index
}

fn ids(r: &SearchResponse) -> Vec<&str> {
    r.hits.iter().map(|h| h.id.as_str()).collect()
}

fn search(index: &NewsIndex, q: &str) -> SearchResponse {
    index.search(&SearchRequest::new(q).limit(50)).unwrap()
}

#[test]
fn unaccented_query_finds_accented_text() {
    let index = index();
    let r = search(&index, "securite");
    assert_eq!(ids(&r), ["securite"]);
    let r = search(&index, "SÉCURITÉ");
    assert_eq!(ids(&r), ["securite"]);
}

#[test]
fn elided_query_finds_typographic_apostrophe() {
    let index = index();
    for q in ["l'Élysée", "l’elysee", "Elysée"] {
        let r = search(&index, q);
        assert_eq!(ids(&r), ["elysee"], "query {q:?}");
    }
}

#[test]
fn phrase_le_monde_matches_only_the_exact_phrase() {
    let index = index();
    let r = search(&index, "\"Le Monde\"");
    assert_eq!(ids(&r), ["lemonde"]);
    let r = search(&index, "« le monde »");
    assert_eq!(ids(&r), ["lemonde"]);
    // Without quotes, "le" is a stop word: both articles about "monde" match.
    let r = search(&index, "Le Monde");
    assert!(ids(&r).contains(&"lemonde") && ids(&r).contains(&"tourdumonde"), "{:?}", ids(&r));
}

#[test]
fn phrase_le_monde_is_not_le_monde_entier() {
    let index = NewsIndex::create_in_ram().unwrap();
    for (id, body) in [
        ("journal", "Selon Le Monde, la réforme des retraites avance."),
        ("majuscules", "LE MONDE titre sur la réforme."),
        ("debut-de-phrase", "Le monde entier regarde les élections."),
        ("milieu-de-phrase", "Des touristes venus du monde entier, dans le monde entier."),
    ] {
        index.add(&article(id, "Revue", body, "2016-03-01")).unwrap();
    }
    index.commit().unwrap();
    let r = search(&index, "\"Le Monde\"");
    let mut sorted = ids(&r);
    sorted.sort();
    assert_eq!(sorted, ["journal", "majuscules"], "capitals typed must be written");
    let mut found;
    found = ids(&search(&index, "\"le monde\"")).join(" ");
    assert_eq!(found.split(' ').count(), 4, "lowercase phrase is not case-checked: {found}");
    found = ids(&search(&index, "\"Le monde entier\"")).join(" ");
    assert_eq!(found.split(' ').count(), 2, "sentence case is not case-checked: {found}");
    found = ids(&search(&index, "-\"Le Monde\" monde")).join(" ");
    assert_eq!(found.matches("-de-phrase").count(), 2, "exclusion keeps « le monde »: {found}");
    assert!(!found.contains("journal") && !found.contains("majuscules"), "exclusion: {found}");
    found = ids(&search(&index, "title:\"Le Monde\"")).join(" ");
    assert_eq!(found, "", "title scope checks the title only");
}

#[test]
fn phrase_with_stop_words_and_slop() {
    let index = index();
    assert_eq!(ids(&search(&index, "\"ministère de la culture\"")), ["culture"]);
    assert!(search(&index, "\"ministère culture\"").hits.is_empty());
    assert_eq!(ids(&search(&index, "\"ministère culture\"~2")), ["culture"]);
}

#[test]
fn title_match_outranks_body_only_match() {
    let index = index();
    let r = search(&index, "inondations");
    assert_eq!(ids(&r), ["title-match", "body-match"]);
    assert!(r.hits[0].score > r.hits[1].score);
}

#[test]
fn articles_matching_all_words_come_first() {
    let index = index();
    let r = search(&index, "transformation numérique");
    assert_eq!(r.hits[0].id, "numerique");
    assert!(ids(&r).contains(&"transformation"));
    assert_eq!(r.total, r.hits.len());
}

#[test]
fn stop_word_only_query_is_kept() {
    let index = index();
    let r = search(&index, "le la");
    assert!(r.total > 0);
}

#[test]
fn exclusion_or_and_fields() {
    let index = index();
    let r = search(&index, "président -retraites");
    assert!(!ids(&r).contains(&"elysee"));
    assert!(ids(&r).contains(&"obama-fr"));
    let r = search(&index, "voile OR budget");
    let mut got = ids(&r);
    got.sort();
    assert_eq!(got, ["culture", "tourdumonde"]);
    let r = search(&index, "titre:inondations");
    assert_eq!(ids(&r), ["title-match"]);
    let r = search(&index, "section:monde");
    assert_eq!(ids(&r), ["obama-fr"]);
    let r = search(&index, "tag:climate");
    assert_eq!(ids(&r), ["obama-en"]);
    let r = search(&index, "source:wire");
    assert_eq!(ids(&r), ["obama-en"]);
    let r = search(&index, "obama lang:en");
    assert_eq!(ids(&r), ["obama-en"]);
}

#[test]
fn prefix_and_typo_tolerance() {
    let index = index();
    let r = search(&index, "numéri*");
    assert_eq!(ids(&r), ["numerique"]);
    // Too short to be a prefix: searched as a word.
    assert!(search(&index, "nu*").hits.is_empty());
    let r = search(&index, "gouvernemnt");
    assert!(ids(&r).contains(&"securite"), "{:?}", ids(&r));
    let r = search(&index, "budgte~");
    assert_eq!(ids(&r), ["culture"]);
}

#[test]
fn english_article_found_by_english_and_french_queries() {
    let index = index();
    let r = search(&index, "government agreement");
    assert_eq!(r.hits[0].id, "obama-en");
    let r = search(&index, "Obama");
    let mut got = ids(&r);
    got.sort();
    assert_eq!(got, ["obama-en", "obama-fr"]);
    let r = index.search(&SearchRequest::new("Obama").lang(Lang::French)).unwrap();
    assert_eq!(ids(&r), ["obama-fr"]);
    assert_eq!(r.hits[0].lang, Lang::French);
}

#[test]
fn upsert_leaves_one_document_and_delete_removes_it() {
    let index = index();
    let mut a = sample().remove(0);
    a.title = "Conseil de sécurité nationale".into();
    index.add(&a).unwrap();
    index.add(&a).unwrap();
    index.commit().unwrap();
    let r = search(&index, "securite");
    assert_eq!(ids(&r), ["securite"]);
    assert_eq!(r.hits[0].title, "Conseil de sécurité nationale");
    assert_eq!(index.num_articles(), sample().len() as u64);
    index.delete("securite").unwrap();
    index.commit().unwrap();
    assert!(search(&index, "securite").hits.is_empty());
}

#[test]
fn bulk_import_reports_bad_lines_and_indexes_the_rest() {
    let index = NewsIndex::create_in_ram().unwrap();
    let input = [
        r#"{"id":"1","title":"Premier","body":"Texte","date":"2016-01-01"}"#,
        r#"{"id":"2","title":"Sans date valide","date":"32/01/2016"}"#,
        "{broken json",
        "",
        r#"{"id":"","title":"Sans id"}"#,
        r#"{"id":"3","lang":"xx","title":"Langue inconnue"}"#,
        r#"{"id":"4","title":"","body":""}"#,
        r#"{"id":"5","title":"Cinquième","unknown":{"a":1}}"#,
    ]
    .join("\n");
    let report = index.import_jsonl(input.as_bytes(), None, Progress::Hidden).unwrap();
    assert_eq!(report.lines_read, 8);
    assert_eq!(report.blank, 1);
    assert_eq!(report.indexed, 2);
    let lines: Vec<u64> = report.refused.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 3, 5, 6, 7]);
    assert!(report.refused[0].reason.contains("32/01/2016"));
    assert_eq!(index.num_articles(), 2);
}

#[test]
fn date_filters_and_sort() {
    let index = index();
    let req = SearchRequest::new("").since("2017").limit(50);
    let mut got =
        ids(&index.search(&req).unwrap()).into_iter().map(String::from).collect::<Vec<_>>();
    got.sort();
    assert_eq!(got, ["culture", "numerique", "transformation"]);
    let req = SearchRequest::new("").since("2016-03").until("2016-03-01");
    assert_eq!(ids(&index.search(&req).unwrap()), ["lemonde"]);
    let r = search(&index, "date:2016-05-01..2016-05-31");
    assert_eq!(r.total, 2);
    let r = search(&index, "date:2018.. transformation");
    assert_eq!(ids(&r), ["transformation"]);
    let newest = index.search(&SearchRequest::new("").sort(Sort::Newest).limit(3)).unwrap();
    assert_eq!(ids(&newest), ["transformation", "numerique", "culture"]);
    let oldest = index.search(&SearchRequest::new("").sort(Sort::Oldest).limit(2)).unwrap();
    assert_eq!(ids(&oldest), ["securite", "elysee"]);
    assert!(index.search(&SearchRequest::new("x").until("demain")).is_err());
}

#[test]
fn facets_count_matching_articles() {
    let index = index();
    let r = index.search(&SearchRequest::new("président").facets(true)).unwrap();
    let f = r.facets.unwrap();
    let lang: Vec<(&str, u64)> = f.lang.iter().map(|c| (c.value.as_str(), c.count)).collect();
    assert!(lang.contains(&("fr", 2)) && lang.contains(&("en", 1)), "{lang:?}");
    assert!(f.year.iter().any(|c| c.value == "2016" && c.count == 3));
    let r = index.search(&SearchRequest::new("").source("Wire").facets(true)).unwrap();
    assert_eq!(ids(&r), ["obama-en"]);
    assert_eq!(r.facets.unwrap().tag.len(), 2);
}

#[test]
fn snippet_highlights_land_on_the_right_bytes() {
    let index = index();
    let r = search(&index, "securite");
    let s = r.hits[0].snippet.as_ref().unwrap();
    assert_eq!(s.highlights.len(), 1);
    assert_eq!(&s.text[s.highlights[0].clone()], "sécurité");
    assert!(s.html.contains("<mark>sécurité</mark>"));
    let r = search(&index, "numéri*");
    let s = r.hits[0].snippet.as_ref().unwrap();
    assert!(s.highlights.iter().all(|h| s.text[h.clone()].starts_with("numéri")));
    let r = search(&index, "\"Le Monde\"");
    let s = r.hits[0].snippet.as_ref().unwrap();
    assert_eq!(&s.text[s.highlights[0].clone()], "Le Monde");
}

#[test]
fn snippet_html_is_escaped() {
    let index = NewsIndex::create_in_ram().unwrap();
    index
        .add(&article(
            "x",
            "Balises",
            "Le code <script>alert('élection')</script> & co.",
            "2016-01-01",
        ))
        .unwrap();
    index.commit().unwrap();
    let r = search(&index, "election");
    let s = r.hits[0].snippet.as_ref().unwrap();
    assert!(!s.html.contains("<script>"));
    assert!(s.html.contains("&lt;script&gt;"));
    assert!(s.html.contains("<mark>élection</mark>"));
}

#[test]
fn ties_are_newer_first_then_by_id() {
    let index = NewsIndex::create_in_ram().unwrap();
    for (id, date) in [("b", "2016-01-01"), ("a", "2016-01-01"), ("c", "2017-01-01")] {
        index.add(&article(id, "Même titre", "Même texte", date)).unwrap();
    }
    index.commit().unwrap();
    // Identical articles are one story: uncollapsed, to see how the engine orders ties.
    let all = index.search(&SearchRequest::new("titre").collapse(false)).unwrap();
    assert_eq!(ids(&all), ["c", "a", "b"]);
    let page =
        index.search(&SearchRequest::new("titre").offset(1).limit(1).collapse(false)).unwrap();
    assert_eq!(ids(&page), ["a"]);
    assert_eq!(page.total, 3);
}

/// More tied hits than the top-k collector keeps before it sets its threshold (and starts
/// skipping hits without reading their date): every page is still newest first, then by id.
#[test]
fn many_ties_are_newer_first_then_by_id_on_every_page() {
    let index = NewsIndex::create_in_ram().unwrap();
    let mut expected = Vec::new();
    // ids and dates in an order unrelated to the expected one; three articles per date
    for i in 0..150u32 {
        let id = format!("t{:03}", (i * 37) % 150);
        let date = format!("2016-{:02}-{:02}", 1 + (i * 7) % 12, 1 + (i % 50) / 3 % 28);
        index.add(&article(&id, "Même titre", "Même texte", &date)).unwrap();
        expected.push((date, id));
    }
    // one better match, which must stay first
    index.add(&article("best", "Titre titre titre", "Titre", "2000-01-01")).unwrap();
    index.commit().unwrap();
    expected.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut want: Vec<String> = vec!["best".into()];
    want.extend(expected.into_iter().map(|(_, id)| id));
    for (offset, limit) in [(0, 10), (10, 10), (55, 30), (120, 40), (145, 10)] {
        // Identical articles are one story: uncollapsed, to see how the engine orders ties.
        let req = SearchRequest::new("titre").offset(offset).limit(limit).collapse(false);
        let page = index.search(&req).unwrap();
        let end = (offset + limit).min(want.len());
        assert_eq!(ids(&page), want[offset..end], "page at offset {offset}, limit {limit}");
        assert_eq!(page.total, 151);
    }
}

#[test]
fn recency_favours_recent_articles_at_equal_bm25() {
    let index = NewsIndex::create_in_ram().unwrap();
    index.add(&article("old", "Grève", "Texte", "2010-01-01")).unwrap();
    index.add(&article("new", "Grève", "Texte", "2020-01-01")).unwrap();
    index.commit().unwrap();
    // Identical articles are one story: uncollapsed, to compare their scores.
    let req = SearchRequest::new("grève").recency_half_life_days(365.0).collapse(false);
    let r = index.search(&req).unwrap();
    assert_eq!(ids(&r), ["new", "old"]);
    assert!(r.hits[0].score > r.hits[1].score);
}

#[test]
fn reader_input_never_fails() {
    let index = index();
    for q in [
        "",
        "\"",
        "(",
        ")",
        "-",
        "OR",
        "a OR",
        "((((a",
        "\"le monde",
        "title:",
        "date:",
        "date:..",
        "date:2016-13-45",
        "lang:xx",
        "*",
        "~",
        "~2",
        "a~9",
        "\u{0}",
        "l'",
        "’",
        "«",
        "-\"le monde\"",
        "+",
        "source:\"\"",
        "((a OR b) -(c d))",
        "tag:(climat OR climate)",
    ] {
        let r = index.search(&SearchRequest::new(q).facets(true));
        assert!(r.is_ok(), "query {q:?}: {r:?}");
    }
    let r = index.search(&SearchRequest::new("a").limit(0)).unwrap();
    assert!(r.hits.is_empty());
    let r = index.search(&SearchRequest::new("").offset(usize::MAX).limit(usize::MAX)).unwrap();
    assert!(r.hits.is_empty());
}

#[test]
fn index_on_disk_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = NewsIndex::open_or_create(dir.path()).unwrap();
        index.add(&sample()[0]).unwrap();
        index.commit().unwrap();
    }
    let index = NewsIndex::open(dir.path()).unwrap();
    assert_eq!(index.num_articles(), 1);
    assert!(NewsIndex::open(dir.path().join("absent")).is_err());
}

// The example's command line.

fn run(args: &[&str]) -> Result<String, cli::CliError> {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let mut out = Vec::new();
    cli::run(&args, &mut out, false)?;
    Ok(String::from_utf8(out).unwrap())
}

fn jsonl_file(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("news.jsonl");
    let lines: Vec<String> = sample()
        .iter()
        .map(|a| serde_json::to_string(a).unwrap())
        .chain(["not json".to_string()])
        .collect();
    std::fs::write(&path, lines.join("\n")).unwrap();
    path
}

#[test]
fn example_flags() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx");
    let idx = idx.to_str().unwrap();
    let file = jsonl_file(dir.path());
    let file = file.to_str().unwrap();

    let out = run(&["--index", idx, "--add", file]).unwrap();
    assert!(out.contains("11 indexed, 1 refused, 0 replaced"), "{out}");
    assert!(out.contains("line 12"), "{out}");
    let again = dir.path().join("again");
    let again = again.to_str().unwrap();
    let out = run(&["--index", again, "--add", file, "--threads", "1", "--memory", "100"]);
    assert!(out.unwrap().contains("11 indexed, 1 refused, 0 replaced"));
    let out = run(&["--index", again, "--add", file, "--progress"]).unwrap();
    assert!(out.contains("11 indexed, 1 refused, 11 replaced"), "{out}");

    let out = run(&["--index", idx, "securite"]).unwrap();
    assert!(out.contains("Conseil de défense"), "{out}");
    assert!(out.contains("1 result"), "{out}");
    assert!(!out.contains('\x1b'));

    let out = run(&["--index", idx, "--json", "--limit", "1", "président"]).unwrap();
    let lines: Vec<serde_json::Value> =
        out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1);
    assert!(lines[0]["id"].is_string() && lines[0]["score"].is_number());
    assert!(lines[0]["total"].as_u64().is_some_and(|t| t >= 1), "{}", lines[0]);
    assert_eq!(lines[0]["total_exact"], true);

    let out =
        run(&["--index", idx, "--json", "--lang", "en", "président", "OR", "president"]).unwrap();
    assert_eq!(out.lines().count(), 1, "{out}");

    let batch = dir.path().join("queries.txt");
    std::fs::write(&batch, "securite\n\ninondations\nrien-du-tout-xyz\n").unwrap();
    let out = run(&["--index", idx, "--batch", batch.to_str().unwrap()]).unwrap();
    let lines: Vec<serde_json::Value> =
        out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["query"], "securite");
    assert_eq!(lines[0]["total"], 1);
    assert_eq!(lines[0]["total_exact"], true);
    assert_eq!(lines[0]["hits"][0]["id"], "securite");
    assert_eq!(lines[1]["hits"].as_array().unwrap().len(), 2);
    assert_eq!(lines[2]["total"], 0);

    // A refused query gets an error line and the batch goes on.
    let deep = "(".repeat(100_000);
    std::fs::write(
        &batch,
        format!("securite\n{deep}\nmot~ mot~ {}\ninondations\n", "x ".repeat(70)),
    )
    .unwrap();
    let out = run(&["--index", idx, "--batch", batch.to_str().unwrap()]).unwrap();
    let lines: Vec<serde_json::Value> =
        out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert_eq!(lines[0]["total"], 1);
    assert_eq!(lines[1]["query"], deep.as_str());
    let error = lines[1]["error"].as_str().unwrap();
    assert!(error.starts_with("query refused (max_query_bytes)"), "{error}");
    assert!(lines[1].get("total").is_none());
    assert!(lines[2]["error"].as_str().unwrap().contains("max_clauses"), "{}", lines[2]);
    assert_eq!(lines[3]["query"], "inondations");
    assert_eq!(lines[3]["hits"].as_array().unwrap().len(), 2);

    let out = run(&[
        "--index",
        idx,
        "--json",
        "--sort",
        "newest",
        "--since",
        "2016-05",
        "--until",
        "2016-12-31",
        "--",
        "-xyz",
    ])
    .unwrap();
    let got: Vec<String> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(got, ["obama-fr", "obama-en"]);
}

#[test]
fn example_errors() {
    let usage = |args: &[&str]| {
        let e = run(args).unwrap_err();
        assert_eq!(e.status, 2, "{args:?}: {}", e.message);
        e.message
    };
    assert!(usage(&["--frobnicate", "x"]).contains("unknown flag --frobnicate"));
    assert!(usage(&["--since", "yesterday", "x"]).contains("yesterday"));
    assert!(usage(&["--until", "2016-02-30", "x"]).contains("2016-02-30"));
    assert!(usage(&["--limit", "ten", "x"]).contains("ten"));
    assert!(usage(&["--lang", "de", "x"]).contains("de"));
    assert!(usage(&["--sort", "random", "x"]).contains("random"));
    assert!(usage(&["x", "--limit"]).contains("--limit needs a value"));
    assert!(usage(&["--threads", "0", "x"]).contains("--threads: \"0\""));
    assert!(usage(&["--memory", "lots", "x"]).contains("--memory: \"lots\""));
    assert!(usage(&[]).contains("nothing to do"));
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx");
    let e =
        run(&["--index", idx.to_str().unwrap(), "--add", "/nonexistent/file.jsonl"]).unwrap_err();
    assert_eq!(e.status, 1);
    assert!(e.message.contains("/nonexistent/file.jsonl"));
    let e = run(&["--index", idx.to_str().unwrap(), "--batch", "/nonexistent/q.txt"]).unwrap_err();
    assert_eq!(e.status, 1);
    // A directory that holds something else than an index.
    let junk = dir.path().join("junk");
    std::fs::create_dir(&junk).unwrap();
    std::fs::write(junk.join("meta.json"), "garbage").unwrap();
    let e = run(&["--index", junk.to_str().unwrap(), "x"]).unwrap_err();
    assert_eq!(e.status, 1);
    // A single refused query: the error, status 1.
    let e = run(&["--index", idx.to_str().unwrap(), &"(".repeat(20)]).unwrap_err();
    assert_eq!(e.status, 1);
    assert!(e.message.starts_with("query refused (max_depth)"), "{}", e.message);
}

#[test]
fn example_cache_is_reused_and_rebuilt_when_stale() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("cache");
    let corpus: String =
        sample().iter().map(|a| serde_json::to_string(a).unwrap() + "\n").collect();
    let (index, built) = cli::ensure_corpus_index(&idx, corpus.as_bytes()).unwrap();
    assert!(built);
    assert_eq!(index.num_articles(), 11);
    drop(index);
    let (_, built) = cli::ensure_corpus_index(&idx, corpus.as_bytes()).unwrap();
    assert!(!built);
    // A partial index (meta.json lost) is rebuilt.
    std::fs::remove_file(idx.join("meta.json")).unwrap();
    let (index, built) = cli::ensure_corpus_index(&idx, corpus.as_bytes()).unwrap();
    assert!(built);
    assert_eq!(index.num_articles(), 11);
    drop(index);
    // Another corpus: rebuilt.
    let (index, built) =
        cli::ensure_corpus_index(&idx, corpus.lines().next().unwrap().as_bytes()).unwrap();
    assert!(built);
    assert_eq!(index.num_articles(), 1);
}

fn shared_index() -> &'static NewsIndex {
    static INDEX: std::sync::OnceLock<NewsIndex> = std::sync::OnceLock::new();
    INDEX.get_or_init(index)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// Whatever a reader types (operators, quotes, fields, accents), search answers.
    #[test]
    fn any_query_is_answered(q in "([-+()\"«»*~: ]|OR|title:|date:|lang:|2016|\\.\\.|l'|le|monde|président|numéri|[a-zé]{1,8}){0,12}") {
        let r = shared_index().search(&SearchRequest::new(q.clone()).facets(true));
        proptest::prop_assert!(r.is_ok(), "query {:?}: {:?}", q, r);
    }

    #[test]
    fn any_unicode_query_is_answered(q in "\\PC{0,40}") {
        let r = shared_index().search(&SearchRequest::new(q.clone()));
        proptest::prop_assert!(r.is_ok(), "query {:?}: {:?}", q, r);
    }
}

#[test]
fn example_says_more_than_when_the_count_stopped_at_its_limit() {
    let response = |total, total_exact| SearchResponse {
        total,
        total_exact,
        hits: Vec::new(),
        facets: None,
        warnings: Vec::new(),
        suggestion: None,
        took: std::time::Duration::ZERO,
    };
    let cases = [
        (10_000, false, "more than 10,000 results"),
        (1_234_567, false, "more than 1,234,567 results"),
        (10_000, true, "10000 results"),
        (1, true, "1 result in"),
    ];
    for (total, exact, want) in cases {
        let mut out = Vec::new();
        cli::print_human(&mut out, &response(total, exact), 0, false).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.starts_with(want), "{total} {exact}: {out}");
    }
}
