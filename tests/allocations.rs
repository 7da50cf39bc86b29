//! The analyzer allocates nothing per token once warm: buffers and caches are reused.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use depeche::{analyzer, Lang};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const CORPUS: &str = include_str!("../data/fr_news.jsonl");

#[test]
fn a_warm_analyzer_allocates_nothing_per_token() {
    // The JSON escapes do not matter here: this is a lot of real French text.
    let text: String = CORPUS.lines().take(300).collect::<Vec<_>>().join("\n");
    for lang in Lang::ALL {
        let mut analyzer = analyzer(lang);
        let count = |analyzer: &mut tantivy::tokenizer::TextAnalyzer| {
            let mut stream = analyzer.token_stream(&text);
            let mut n = 0usize;
            while stream.advance() {
                n += 1;
            }
            n
        };
        count(&mut analyzer); // warm-up: buffers grow, caches fill
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        let tokens = count(&mut analyzer);
        let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
        assert!(tokens > 50_000, "{tokens} tokens");
        // token_stream boxes the stream once; nothing else should allocate
        assert!(allocations <= 4, "{lang}: {allocations} allocations for {tokens} tokens");
    }
}
