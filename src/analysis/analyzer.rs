//! The assembled analyzers and their registration on a tantivy index.

use tantivy::tokenizer::{TextAnalyzer, Token, TokenizerManager};

use super::tokenizer::NewsTokenizer;
use super::Lang;

/// The name [`register_analyzers`] gives the French analyzer.
pub const FRENCH_ANALYZER: &str = "depeche_fr";
/// The name [`register_analyzers`] gives the English analyzer.
pub const ENGLISH_ANALYZER: &str = "depeche_en";
/// The name [`register_analyzers`] gives the exact-form analyzer ([`exact_analyzer`]).
pub const EXACT_ANALYZER: &str = "depeche_exact";
/// The name [`register_analyzers`] gives the French [`indexing_analyzer`].
pub const FRENCH_INDEXING_ANALYZER: &str = "depeche_fr_indexing";
/// The name [`register_analyzers`] gives the English [`indexing_analyzer`].
pub const ENGLISH_INDEXING_ANALYZER: &str = "depeche_en_indexing";

/// The index-time (and query-time) analyzer of a language.
///
/// French: segmentation on the original text, elision, folding, numbers, acronyms,
/// hyphenated compounds, accent-insensitive stemming (see the [module docs](crate::analysis)).
/// English: the same segmentation and folding, possessives, Snowball English.
/// Each call builds a fresh analyzer; there is no global mutable state.
///
/// ```
/// use depeche::{analyzer, Lang};
/// let mut fr = analyzer(Lang::French);
/// let mut stream = fr.token_stream("L’Élysée a-t-il répondu ?");
/// let mut terms = Vec::new();
/// while let Some(token) = stream.next() {
///     terms.push(token.text.clone());
/// }
/// assert_eq!(terms, ["elys", "a", "il", "repondu"]);
/// ```
pub fn analyzer(lang: Lang) -> TextAnalyzer {
    TextAnalyzer::from(NewsTokenizer::new(lang, true))
}

/// The analyzer depeche indexes titles, leads and bodies with: [`analyzer`] plus, at the
/// position of each word written with a capital letter, the term
/// [`CAPITAL_MARK`](super::CAPITAL_MARK) (`^`). Phrase queries typed with capitals ask for it
/// to tell `"Le Monde"` from « le monde entier »; every other query uses the plain
/// [`analyzer`] terms, which are all there too.
///
/// ```
/// use depeche::{analysis::indexing_analyzer, Lang};
/// let mut fr = indexing_analyzer(Lang::French);
/// let mut stream = fr.token_stream("Le Monde et le monde");
/// let mut terms = Vec::new();
/// while let Some(token) = stream.next() {
///     terms.push((token.position, token.text.clone()));
/// }
/// assert_eq!(
///     terms,
///     [(0, "le".into()), (0, "^".into()), (1, "mond".into()), (1, "^".into()),
///      (2, "et".into()), (3, "le".into()), (4, "mond".into())]
/// );
/// ```
pub fn indexing_analyzer(lang: Lang) -> TextAnalyzer {
    TextAnalyzer::from(NewsTokenizer::new(lang, true).with_capital_marks())
}

/// The exact-form analyzer: the French analyzer's segmentation, elision, numbers and folding,
/// without stemming. For exact-form boosting and prefix search over text of either language.
///
/// ```
/// let mut exact = depeche::analysis::exact_analyzer();
/// let mut stream = exact.token_stream("l’Élysée");
/// assert_eq!(stream.next().unwrap().text, "elysee");
/// ```
pub fn exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(NewsTokenizer::new(Lang::French, false))
}

/// Registers the French, English and exact-form analyzers on `manager` under
/// [`FRENCH_ANALYZER`], [`ENGLISH_ANALYZER`] and [`EXACT_ANALYZER`], and the indexing
/// analyzers under [`FRENCH_INDEXING_ANALYZER`] and [`ENGLISH_INDEXING_ANALYZER`].
///
/// ```
/// use tantivy::schema::{Schema, TextFieldIndexing, TextOptions};
/// use tantivy::Index;
/// let mut builder = Schema::builder();
/// let indexing = TextFieldIndexing::default().set_tokenizer(depeche::FRENCH_ANALYZER);
/// builder.add_text_field("body", TextOptions::default().set_indexing_options(indexing));
/// let index = Index::create_in_ram(builder.build());
/// depeche::register_analyzers(index.tokenizers());
/// assert!(index.tokenizers().get(depeche::FRENCH_ANALYZER).is_some());
/// ```
pub fn register_analyzers(manager: &TokenizerManager) {
    manager.register(FRENCH_ANALYZER, analyzer(Lang::French));
    manager.register(ENGLISH_ANALYZER, analyzer(Lang::English));
    manager.register(EXACT_ANALYZER, exact_analyzer());
    manager.register(FRENCH_INDEXING_ANALYZER, indexing_analyzer(Lang::French));
    manager.register(ENGLISH_INDEXING_ANALYZER, indexing_analyzer(Lang::English));
}

/// Calls `f` with the first token of each position of `text`: one call per word, whatever
/// other terms the analyzer gives at the same position (`saint-etienne`'s joined form).
pub(crate) fn for_each_word(analyzer: &mut TextAnalyzer, text: &str, mut f: impl FnMut(&Token)) {
    let mut last = None;
    let mut stream = analyzer.token_stream(text);
    while let Some(tok) = stream.next() {
        if last != Some(tok.position) {
            last = Some(tok.position);
            f(tok);
        }
    }
}
