//! Arbitrary bytes → lossy UTF-8 → the search-box parser, the query builder (both languages,
//! each language alone) and, for one input in four (chosen by the first byte, so the fuzzer
//! can steer it), a search on a small RAM index with snippets (and, steered by the same byte,
//! score explanations and the all-words tier). No panic, no hang (run with
//! `-timeout=2`), no error from the search: what the reader types is never an error.
#![no_main]

use std::sync::{LazyLock, Mutex};

use depeche::index::{Article, NewsIndex};
use depeche::query::{parse, QueryBuilder};
use depeche::search::{SearchRequest, Sort};
use depeche::{detect_language, Lang};
use libfuzzer_sys::fuzz_target;

static INDEX: LazyLock<NewsIndex> = LazyLock::new(|| {
    let index = NewsIndex::create_in_ram().expect("RAM index");
    let articles = [
        ("1", "fr", "2016-03-01", "Réforme des retraites : le gouvernement recule",
         "Le ministère de la Culture l’a annoncé aujourd’hui.",
         "La transformation numérique de l’État, selon le Premier ministre, passe par Saint-Étienne. 2 500 000 euros, 3,5 %.",
         "Le Monde", "Politique"),
        ("2", "en", "2017-11-20", "The president said the deal was signed",
         "Markets rallied after the announcement.",
         "The U.N. Security Council's vote, which was expected, didn't change the pension reform.",
         "Reuters", "World"),
        ("3", "fr", "2020-01-15", "Les Bleus s’imposent à Wembley",
         "Une victoire historique pour l’équipe de France.",
         "Œuvre, cœur, naïve, « guillemets », a-t-il dit. L'ONU et l’O.N.U. réagissent.",
         "fr.wikinews.org", "Sport"),
        ("4", "en", "2021-06-30", "Digital transformation of newsrooms",
         "Journalists adapt to new tools.",
         "Government officials met in Paris to discuss culture, sport and digital policy.",
         "en.wikinews.org", "Technology"),
    ];
    for (id, lang, date, title, lead, body, source, section) in articles {
        let article = Article {
            id: id.into(),
            title: title.into(),
            lead: lead.into(),
            body: body.into(),
            date: Some(date.into()),
            lang: Some(if lang == "fr" { Lang::French } else { Lang::English }),
            source: Some(source.into()),
            section: Some(section.into()),
            tags: vec!["actualité".into(), "news".into()],
            ..Default::default()
        };
        index.add(&article).expect("add");
    }
    index.commit().expect("commit");
    index
});

static BUILDER: LazyLock<Mutex<QueryBuilder>> =
    LazyLock::new(|| Mutex::new(QueryBuilder::new(INDEX.schema())));

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    let index = &*INDEX;

    let parsed = parse(text);
    for w in &parsed.warnings {
        let _ = w.to_string();
    }
    let mut builder = BUILDER.lock().unwrap_or_else(|e| e.into_inner());
    let stop_lang = detect_language(text);
    let _ = builder.build(&parsed, None, stop_lang);
    let _ = builder.build(&parsed, Some(Lang::French), Some(Lang::French));
    let _ = builder.build(&parsed, Some(Lang::English), None);

    drop(builder);

    // The full path: parse, build, search, snippets. Never an error for the query text.
    let Some(&first) = data.first() else { return };
    if first & 0b1100 != 0 {
        return;
    }
    let sort = if first & 1 == 1 { Sort::Newest } else { Sort::Relevance };
    let mut req = SearchRequest::new(text)
        .sort(sort)
        .facets(data.len() % 3 == 0)
        .explain(first & 0b1_0000 != 0);
    req.ranking.all_words_first = first & 0b10_0000 != 0;
    let response = index.search(&req).unwrap_or_else(|e| panic!("search error: {e}"));
    assert!(response.hits.len() <= 10);
    for hit in &response.hits {
        if let Some(e) = &hit.explanation {
            assert!(!e.to_string().contains("no explanation"), "{e}");
        }
    }
    assert!(response.total <= 4);
});
