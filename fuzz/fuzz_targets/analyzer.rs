//! Arbitrary bytes → lossy UTF-8 → the French, English and exact analyzers, the language
//! detector and the folder. No panic; every token's offsets lie on char boundaries inside the
//! text, positions never decrease, terms are non-empty and at most `MAX_TERM_BYTES` bytes.
#![no_main]

use std::sync::{LazyLock, Mutex};

use depeche::analysis::{detect, exact_analyzer, fold, indexing_analyzer, MAX_TERM_BYTES};
use depeche::{analyzer, detect_language, Lang};
use libfuzzer_sys::fuzz_target;
use tantivy::tokenizer::{TextAnalyzer, TokenStream};

static ANALYZERS: LazyLock<Mutex<Vec<(&'static str, TextAnalyzer)>>> = LazyLock::new(|| {
    Mutex::new(vec![
        ("fr", analyzer(Lang::French)),
        ("en", analyzer(Lang::English)),
        ("exact", exact_analyzer()),
        ("fr indexing", indexing_analyzer(Lang::French)),
        ("en indexing", indexing_analyzer(Lang::English)),
    ])
});

fn check_tokens(name: &str, analyzer: &mut TextAnalyzer, text: &str) {
    let mut stream = analyzer.token_stream(text);
    let mut last_position: Option<usize> = None;
    while stream.advance() {
        let t = stream.token();
        assert!(
            t.offset_from <= t.offset_to && t.offset_to <= text.len(),
            "{name}: offsets {}..{} out of 0..{} for term {:?}",
            t.offset_from,
            t.offset_to,
            text.len(),
            t.text
        );
        assert!(
            text.is_char_boundary(t.offset_from) && text.is_char_boundary(t.offset_to),
            "{name}: offsets {}..{} not on char boundaries for term {:?}",
            t.offset_from,
            t.offset_to,
            t.text
        );
        if let Some(last) = last_position {
            assert!(
                t.position >= last,
                "{name}: position {} after {last} ({:?})",
                t.position,
                t.text
            );
        }
        last_position = Some(t.position);
        assert!(!t.text.is_empty(), "{name}: empty term at {}..{}", t.offset_from, t.offset_to);
        assert!(
            t.text.len() <= MAX_TERM_BYTES,
            "{name}: term of {} bytes (max {MAX_TERM_BYTES}): {:?}",
            t.text.len(),
            t.text
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;

    {
        let mut analyzers = ANALYZERS.lock().unwrap_or_else(|e| e.into_inner());
        for (name, analyzer) in analyzers.iter_mut() {
            check_tokens(name, analyzer, text);
        }
    }

    let d = detect(text);
    assert!((0.0..=1.0).contains(&d.confidence), "confidence {} out of 0..=1", d.confidence);
    assert!(d.french_score >= 0.0 && d.english_score >= 0.0, "negative or NaN score: {d:?}");
    assert_eq!(detect_language(text), d.lang);

    let _ = fold(text);
});
