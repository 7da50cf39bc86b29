//! Arbitrary bytes → lossy UTF-8 → the search-box parser and the query limits (default
//! `QueryLimits`); a query past a limit must be refused by the search too, with the same
//! limit. A query within the limits goes through the query builder (both languages, each
//! language alone) and, for one input in four (chosen by the first byte, so the fuzzer can
//! steer it), a search on a small RAM index with snippets (and, steered by the same byte,
//! score explanations and the all-words tier for every query). No panic, no hang (run with
//! `-timeout=2`), no error from the search but a refusal: what the reader types within the
//! limits is never an error.
#![no_main]

use std::sync::{LazyLock, Mutex};

use depeche::index::{Article, NewsIndex};
use depeche::query::{parse, parse_limited, Limit, QueryBuilder, QueryLimits};
use depeche::search::{SearchRequest, Sort};
use depeche::{detect_language, Error, Lang};
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

static BUILDER: LazyLock<Mutex<QueryBuilder>> = LazyLock::new(|| {
    let mut builder = QueryBuilder::new(INDEX.schema()).with_searcher(INDEX.searcher());
    builder.limits = QueryLimits::default();
    Mutex::new(builder)
});

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    let index = &*INDEX;
    let limits = QueryLimits::default();

    // The parser takes anything, within the limits or not.
    let parsed = parse(text);
    for w in &parsed.warnings {
        let _ = w.to_string();
    }
    let checked = limits.check_text(text).and_then(|()| limits.check_parsed(&parsed));
    let Some(&first) = data.first() else { return };
    let sort = if first & 1 == 1 { Sort::Newest } else { Sort::Relevance };
    let req = SearchRequest::new(text).sort(sort).facets(data.len() % 3 == 0);
    match checked {
        Ok(()) => {}
        Err(Error::QueryRefused { limit, .. }) => {
            // Refused by the checks, refused by the search, before any work.
            match index.search(&req) {
                Err(Error::QueryRefused { limit: l, .. }) if l == limit => return,
                other => panic!("{limit:?} refused by the checks, search gave {other:?}"),
            }
        }
        Err(e) => panic!("the checks can only refuse: {e}"),
    }
    assert_eq!(parse_limited(text, &limits).ok().as_ref(), Some(&parsed));

    let mut builder = BUILDER.lock().unwrap_or_else(|e| e.into_inner());
    let stop_lang = detect_language(text);
    let _ = builder.build(&parsed, None, stop_lang);
    let _ = builder.build(&parsed, Some(Lang::French), Some(Lang::French));
    let _ = builder.build(&parsed, Some(Lang::English), None);
    drop(builder);

    // The full path: parse, build, search, snippets. Within the limits, never an error for the
    // query text (the time budget aside, which a loaded machine may pass).
    if first & 0b1100 != 0 {
        return;
    }
    let mut req = req.explain(first & 0b1_0000 != 0);
    req.ranking.all_words_first = first & 0b10_0000 != 0;
    match index.search(&req) {
        Ok(response) => {
            assert!(response.hits.len() <= 10);
            assert!(response.total <= 4);
            for hit in &response.hits {
                if let Some(e) = &hit.explanation {
                    assert!(!e.to_string().contains("no explanation"), "{e}");
                }
            }
        }
        Err(Error::QueryRefused { limit: Limit::TimeBudget, .. }) => {}
        Err(e) => panic!("search error: {e}"),
    }
});
