//! Arbitrary bytes → lossy UTF-8 → an alias table and a synonym file
//! (`Thesaurus::parse_aliases`, `Thesaurus::parse_synonyms`), then, for a table that is read,
//! the expansion of its own text and a query built with it on top of the bundled aliases:
//! no panic, a refused table names a line of the text, and the names added never exceed
//! what `QueryLimits::max_clauses` leaves (each tier).
#![no_main]

use std::sync::Arc;

use depeche::index::NewsSchema;
use depeche::query::{clause_count, parse, QueryBuilder, Thesaurus};
use depeche::{Error, Lang};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.lines().count().max(1);
    for table in [Thesaurus::parse_aliases(&text), Thesaurus::parse_synonyms(&text)] {
        let table = match table {
            Ok(t) => t,
            Err(Error::InvalidThesaurus { line, .. }) => {
                assert!(line >= 1 && line <= lines, "line {line} of {lines}");
                continue;
            }
            Err(e) => panic!("unexpected error {e}"),
        };
        let _ = table.expansions(&text);
        let mut thesaurus = (*Thesaurus::bundled()).clone();
        thesaurus.extend(&table);
        let schema = NewsSchema::new();
        let mut builder = QueryBuilder::new(&schema);
        builder.thesaurus = Arc::new(thesaurus);
        let parsed = parse(&text);
        let left = builder.limits.max_clauses.saturating_sub(clause_count(&parsed));
        for lang in [None, Some(Lang::French), Some(Lang::English)] {
            let built = builder.build(&parsed, lang, lang);
            assert!(built.expansions.len() <= 2 * left, "{} names", built.expansions.len());
        }
    }
});
