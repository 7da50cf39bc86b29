//! Stemming of folded words: Snowball, with French accents put back where its rules need them.
//!
//! # Why the French stemmer does not simply run Snowball
//!
//! The analyzer folds accents *before* stemming, so that a word and its accent-stripped
//! spelling (`sécurité`, `securite`) always give the same term: readers type without accents.
//! But Snowball French is written for accented text. Its rules for `-ité(s)`, `-é`, `-ée(s)`,
//! `-ière(s)`, `-èrent`, `-âmes`, `-âtes` never fire on folded words, and on the lexicon
//! measured below (every form of `lexicon_abu_fr.tsv`, pair F1 against the lemmas, see
//! `examples/conflation.rs`) conflation falls from 0.842 (Snowball on accented words, then
//! fold: but `sécurité` → `secur` while `securite` → `securit`, 88.3% accent consistency) to
//! 0.694 (fold, then Snowball: tantivy's usual chain, 100% consistency).
//!
//! # Design
//!
//! `stem_fr(folded) = fold(snowball_fr(restore(folded)))`. `restore` puts back, on the
//! *suffix only*, the accents that Snowball's rules need and that French spelling makes
//! (near-)certain at the end of a word, so the stem depends on the folded word alone and accent
//! consistency is 100% by construction:
//!
//! | folded ending | restored | example |
//! |---|---|---|
//! | `-ierement` | `-ièrement` | `premierement` |
//! | `-iere(s)` | `-ière(s)` | `premiere`, `frontieres` |
//! | `-erent` (not after `ff`, `oh`, `dh`, `nh`) | `-èrent` | `arriverent`; not `different`, `coherent` |
//! | `-ite(s)` (not after `du`, `ru`, `su`, `fu`) | `-ité(s)` | `securite`, `autorites`; not `conduite`, `ensuite` |
//! | `-ames`, `-ates` (not `-crates`, `-mates`, `-icates`) | `-âmes`, `-âtes` | `arrivames`; not `democrates`, `diplomates` |
//! | `-ee(s)` | `-ée(s)` | `assemblee`, `coree`, `annees` |
//!
//! Around Snowball, rules of French morphology that it lacks:
//!
//! - before: the plural `-aux` of nouns and adjectives in `-al` becomes `-al` (`journaux` →
//!   `journal`, `sociaux` → `social`; not `-eaux`, `-yaux`), which Snowball only does deep
//!   inside the word (R2);
//! - after: the `-ions`/`-ons` of the first person plural where no noun ends the same way
//!   (`cherchions`, `parlons`, `mangeons`; not `nations`, `régions`, `maisons`), and the `-ent`
//!   of the third person plural, which Snowball keeps (`restent`, `montrent`),
//!   is dropped from stems of 7 bytes or more, and with it the `-ent` of the nouns and
//!   adjectives of the family (`président` → `presid`, like `présider`). Not after `-m`
//!   (Snowball's `-ment`), `-i` (`client`; `devient` would meet `dévier`) or `-ol` (`violent`).
//!
//! Measured on every form of `lexicon_abu_fr.tsv` (248,176 forms, 52,492 lemmas; `cargo run
//! --release --example conflation -- LEXICON.tsv`), pair recall / precision / F1 and accent
//! consistency:
//!
//! | stage | form pairs R / P / F1 | (form, lemma) row pairs R / P / F1 | consistent |
//! |---|---|---|---|
//! | Snowball, then fold | 0.822 / 0.863 / 0.842 | 0.822 / 0.762 / 0.791 | 88.3% |
//! | fold, then Snowball (tantivy) | 0.589 / 0.844 / 0.694 | 0.589 / 0.754 / 0.661 | 100% |
//! | restore accents only | 0.763 / 0.856 / 0.806 | 0.763 / 0.753 / 0.758 | 100% |
//! | this stemmer (+ `-aux`, `-ent`, `-ions`/`-ons`) | 0.803 / 0.857 / 0.829 | 0.804 / 0.756 / 0.779 | 100% |
//!
//! The gap to Snowball on accented words is mostly the imperfect subjunctive `-ât` (below) and
//! the `-érer` verbs, whose `é` inside the word (`préférait`) Snowball needs and folding loses.
//!
//! # What was tried and left out
//!
//! - Restoring `-ât` (`-at`, imperfect subjunctive): +0.02 F1 on the lexicon, but in news `-at` is
//!   a noun (`attentat`, `contrat`, `sénat`, `format`: 827 of the 313k words of the bundled
//!   news), which would then meet `attente`, `contre`, `sens`, `forme`, and split from its
//!   plural `-ats`.
//! - Restoring `-îmes` (`-imes`): +0.002 F1, but splits `victimes` from `victime`.
//! - Collapsing stems in `-éCer` (`prefer` → `pref`, for the `-érer` verbs): +0.0002, and
//!   `générer` then meets `gens`.
//! - Stripping every `-ons` and `-ions` left by Snowball (not only after the letters above):
//!   they end nouns too, and `maison` would meet `mais`, `région` `reg`, `champion` `champ`.
//! - Moving Snowball's RV region for words that begin with a vowel (`ornaient`): +0.0003.
//! - `-if`/`-ive`, `-eux`/`-euse`: no measurable change (Snowball already handles them).
//!
//! # Cost
//!
//! Each [`Stemmer`] keeps the stems it computed in a cache of at most 200,000 words (cleared
//! when full). A word seen before costs one `FxHashMap` lookup and no allocation: most stems
//! are a prefix of their word and are cached as a length, the others (`journaux` →
//! `journal`) as an index into a side vector. News text repeats its words, so nearly every
//! call hits the cache: over the 313k words of the bundled news, shuffled, a warm stemmer
//! costs about what a bare `FxHashSet::contains` of the same words costs (1.0–1.2×, noisy
//! machine); a miss (Snowball, then two allocations) costs about 2× more.

use rust_stemmers::{Algorithm, Stemmer as Snowball};
use rustc_hash::FxHashMap;

use super::Lang;

/// Words longer than this many bytes are returned unchanged, and are not cached.
pub const MAX_STEMMED_BYTES: usize = 40;

// The cache stores prefix lengths as `u8`.
const _: () = assert!(MAX_STEMMED_BYTES <= u8::MAX as usize);

/// The cache is cleared when it holds this many entries and a new word comes.
const CACHE_CAPACITY: usize = 200_000;

/// Stems lowercase, accent-folded words of one language, with a bounded per-instance cache.
///
/// French runs Snowball French on the folded word with the accents its rules need put back on
/// the suffix (`securite` → `sécurité` → `secur`), plus rules Snowball lacks (`journaux` →
/// `journal`, `restent` → `rest`, `parlons` → `parl`); the stem depends on the folded word only, so a word and its
/// accent-stripped spelling share their stem. The design and its measured figures are in the
/// docs of `analysis/stem.rs`. English runs Snowball English (Porter 2).
///
/// Words longer than `MAX_STEMMED_BYTES` (40) bytes and words with an ASCII digit (`covid19`,
/// `1er`) are returned unchanged and not cached.
///
/// A clone starts with an empty cache.
///
/// ```
/// use depeche::analysis::Stemmer;
/// use depeche::Lang;
///
/// let mut fr = Stemmer::new(Lang::French);
/// assert_eq!(fr.stem("securite"), "secur");
/// let plural = fr.stem("autorites").to_string();
/// assert_eq!(fr.stem("autorite"), plural);
/// assert_eq!(fr.stem("journaux"), "journal");
///
/// let mut en = Stemmer::new(Lang::English);
/// assert_eq!(en.stem("elections"), "elect");
/// ```
pub struct Stemmer {
    lang: Lang,
    snowball: Snowball,
    /// Word → where its stem is. Most stems are a prefix of their word, stored as a length.
    cache: FxHashMap<Box<str>, Cached>,
    /// The stems that are not a prefix of their word (`journaux` → `journal`).
    others: Vec<Box<str>>,
    /// The folded word with its accents restored, before Snowball.
    scratch: String,
    /// The stem being built, before it goes into the cache.
    stem: String,
}

impl Clone for Stemmer {
    fn clone(&self) -> Stemmer {
        Stemmer::new(self.lang)
    }
}

impl std::fmt::Debug for Stemmer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stemmer")
            .field("lang", &self.lang)
            .field("cached", &self.cache.len())
            .finish()
    }
}

impl Stemmer {
    /// A stemmer for `lang`, with an empty cache.
    ///
    /// ```
    /// let mut stemmer = depeche::analysis::Stemmer::new(depeche::Lang::French);
    /// assert_eq!(stemmer.stem("elections"), "elect");
    /// ```
    pub fn new(lang: Lang) -> Stemmer {
        let algorithm = match lang {
            Lang::French => Algorithm::French,
            Lang::English => Algorithm::English,
        };
        Stemmer {
            lang,
            snowball: Snowball::create(algorithm),
            cache: FxHashMap::default(),
            others: Vec::new(),
            scratch: String::new(),
            stem: String::new(),
        }
    }

    /// The stem of `word`, which must be lowercase and accent-folded (`é` → `e`, `œ` → `oe`):
    /// the output of the analyzer's folding stage.
    ///
    /// Returns `word` itself when it is longer than `MAX_STEMMED_BYTES` (40) bytes or contains an
    /// ASCII digit. Otherwise a word seen before costs one hash lookup and allocates nothing: the
    /// cache stores most stems as a length, and the stem is then a prefix of `word`.
    ///
    /// ```
    /// let mut stemmer = depeche::analysis::Stemmer::new(depeche::Lang::French);
    /// assert_eq!(stemmer.stem("assemblee"), "assembl");
    /// assert_eq!(stemmer.stem("assemblees"), "assembl");
    /// assert_eq!(stemmer.stem("covid19"), "covid19");
    /// ```
    pub fn stem<'a>(&'a mut self, word: &'a str) -> &'a str {
        if word.len() > MAX_STEMMED_BYTES || word.bytes().any(|b| b.is_ascii_digit()) {
            return word;
        }
        let cached = match self.cache.get(word) {
            Some(&cached) => cached,
            None => self.stem_uncached(word),
        };
        match cached {
            Cached::Prefix(len) => &word[..usize::from(len)],
            Cached::Other(i) => &self.others[i as usize],
        }
    }

    /// Computes the stem of `word` into `self.stem` and caches it.
    fn stem_uncached(&mut self, word: &str) -> Cached {
        self.stem.clear();
        match self.lang {
            Lang::French => stem_french(&self.snowball, word, &mut self.scratch, &mut self.stem),
            Lang::English => self.stem.push_str(&self.snowball.stem(word)),
        }
        if self.cache.len() >= CACHE_CAPACITY {
            self.cache.clear();
            self.others.clear();
        }
        let cached = if word.starts_with(self.stem.as_str()) {
            Cached::Prefix(self.stem.len() as u8)
        } else {
            self.others.push(self.stem.as_str().into());
            Cached::Other((self.others.len() - 1) as u32)
        };
        self.cache.insert(word.into(), cached);
        cached
    }
}

/// Where the stem of a cached word is.
#[derive(Clone, Copy, Debug)]
enum Cached {
    /// The first `n` bytes of the word.
    Prefix(u8),
    /// `Stemmer::others[i]`.
    Other(u32),
}

/// Accents put back on a folded ending before Snowball French, longest ending first:
/// `(folded ending, restored ending, what must not come just before the ending)`.
const RESTORED: &[(&str, &str, &[&str])] = &[
    ("ierement", "ièrement", &[]),
    ("ieres", "ières", &[]),
    ("iere", "ière", &[]),
    // `différent`, `cohérent`, `adhérent`, `inhérent` are adjectives, not `-èrent` verbs.
    ("erent", "èrent", &["ff", "oh", "dh", "nh"]),
    ("ames", "âmes", &[]),
    // `démocrates`, `diplomates`, `délicates`: nouns and adjectives (-crate, -mate, -icate).
    ("ates", "âtes", &["cr", "m", "ic"]),
    // `conduite`, `construite`, `ensuite`, `fuite`: participles and nouns, not `-ité`.
    ("ites", "ités", &["du", "ru", "su", "fu"]),
    ("ite", "ité", &["du", "ru", "su", "fu"]),
    ("ees", "ées", &[]),
    ("ee", "ée", &[]),
];

/// Snowball French on `word` with its accents restored, folded back into `out`.
fn stem_french(snowball: &Snowball, word: &str, scratch: &mut String, out: &mut String) {
    scratch.clear();
    scratch.push_str(word);
    singular_al(scratch);
    restore_accents(scratch);
    for c in snowball.stem(scratch).chars() {
        match c {
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'à' | 'â' => out.push('a'),
            'î' | 'ï' => out.push('i'),
            'ô' => out.push('o'),
            'ù' | 'û' | 'ü' => out.push('u'),
            'ç' => out.push('c'),
            c => out.push(c),
        }
    }
    strip_plural_verb_ending(out);
    strip_first_plural_ending(out);
}

/// Drops the `-ions` and `-ons` of the first person plural that Snowball keeps, where no noun
/// in `-ion`/`-on` ends the same way: `-ions` after `ch`, `rl`, `nn`, `rr`, `d`, `b`, `c`, `f`,
/// `i`, `y`, `qu`, `gu` (`cherchions`, `parlions`, `demandions`, `etudiions`; not `-tions`,
/// `-sions`, `-gions`, `-llions`, `-mions`, `-pions`, `-vions`: `nation`, `region`, `million`,
/// `camion`, `champion`, `avion`), and `-ons` after `rl`, `nn`, `ge` (`parlons`, `donnons`,
/// `mangeons` → `mang`; not `maisons`, `poissons`). Snowball has already dropped the `s`.
fn strip_first_plural_ending(stem: &mut String) {
    const BEFORE_IONS: [&str; 12] =
        ["ch", "rl", "nn", "rr", "d", "b", "c", "f", "i", "y", "qu", "gu"];
    if stem.len() >= 7 && stem.ends_with("ion") {
        let rest = &stem[..stem.len() - 3];
        if BEFORE_IONS.iter().any(|p| rest.ends_with(p)) {
            stem.truncate(rest.len());
        }
    } else if stem.len() >= 6 && stem.ends_with("on") {
        let rest = &stem[..stem.len() - 2];
        if rest.ends_with("rl") || rest.ends_with("nn") {
            stem.truncate(rest.len());
        } else if rest.ends_with("ge") {
            stem.truncate(rest.len() - 1);
        }
    }
}

/// Drops the `-ent` that Snowball leaves on the third person plural of verbs (`restent` →
/// `rest`, `montrent` → `montr`), and with it on the nouns and adjectives of the same family
/// (`président` → `presid`, like `présider`). Not on stems shorter than 7 bytes (`parent`,
/// `argent`, `talent`, `cent`), nor after `-m` (Snowball's own `-ment`), `-i` (`client`,
/// `patient`, `devient` would meet `dévier`) or `-ol` (`violent` would meet `viol`).
fn strip_plural_verb_ending(stem: &mut String) {
    if stem.len() >= 7
        && stem.ends_with("ent")
        && !stem.ends_with("ment")
        && !stem.ends_with("ient")
        && !stem.ends_with("olent")
    {
        stem.truncate(stem.len() - 3);
    }
}

/// `journaux` → `journal`: the plural `-aux` of nouns and adjectives in `-al` (not `-eaux`,
/// `-yaux`, nor short words such as `taux`, `faux`).
fn singular_al(word: &mut String) {
    if word.len() >= 6
        && word.ends_with("aux")
        && !word.ends_with("eaux")
        && !word.ends_with("yaux")
    {
        word.truncate(word.len() - 3);
        word.push_str("al");
    }
}

/// Puts back the accent of the first ending of [`RESTORED`] that `word` ends with, when at
/// least two letters come before it.
fn restore_accents(word: &mut String) {
    for &(folded, restored, not_after) in RESTORED {
        if word.len() >= folded.len() + 2 && word.ends_with(folded) {
            let start = word.len() - folded.len();
            if not_after.iter().any(|p| word[..start].ends_with(p)) {
                return;
            }
            word.truncate(start);
            word.push_str(restored);
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asserts each `(word, stem)` case, naming the failing word.
    fn check(lang: Lang, cases: &[(&str, &str)]) {
        let mut stemmer = Stemmer::new(lang);
        for &(word, expected) in cases {
            assert_eq!(stemmer.stem(word), expected, "{lang} stem of {word:?}");
        }
    }

    /// Asserts that every group's words share one stem and that the groups' stems differ.
    fn check_groups(groups: &[&[&str]]) {
        let mut stemmer = Stemmer::new(Lang::French);
        let mut seen: Vec<(String, &str)> = Vec::new();
        for group in groups {
            let first = stemmer.stem(group[0]).to_string();
            for word in &group[1..] {
                assert_eq!(stemmer.stem(word), first, "{word:?} should stem like {:?}", group[0]);
            }
            if let Some((_, other)) = seen.iter().find(|(stem, _)| *stem == first) {
                panic!("{:?} and {other:?} should not share the stem {first:?}", group[0]);
            }
            seen.push((first, group[0]));
        }
    }

    #[test]
    fn folded_words_stem_like_snowball_on_their_accented_spelling() {
        let snowball = Snowball::create(Algorithm::French);
        let mut stemmer = Stemmer::new(Lang::French);
        for (folded, accented) in [
            ("securite", "sécurité"),
            ("securites", "sécurités"),
            ("autorites", "autorités"),
            ("assemblee", "assemblée"),
            ("assemblees", "assemblées"),
            ("coree", "corée"),
            ("elysee", "élysée"),
            ("premiere", "première"),
            ("frontieres", "frontières"),
            ("premierement", "premièrement"),
            ("arriverent", "arrivèrent"),
            ("arrivames", "arrivâmes"),
            ("arrivates", "arrivâtes"),
            ("annee", "année"),
        ] {
            let expected: String =
                snowball.stem(accented).replace(['é', 'è'], "e").replace('â', "a");
            assert_eq!(stemmer.stem(folded), expected, "{folded:?} vs Snowball on {accented:?}");
        }
    }

    #[test]
    fn inflections_share_a_stem() {
        check_groups(&[
            &["election", "elections"],
            &["journal", "journaux"],
            &["social", "sociaux", "sociale", "sociales"],
            &["securite", "securites"],
            &["autorite", "autorites"],
            &["premier", "premiere", "premieres", "premiers"],
            &["arriver", "arrivee", "arrivees", "arrive", "arriverent", "arrivait", "arrivames"],
            &["annee", "annees"],
            &["democrate", "democrates"],
            &["victime", "victimes"],
            &["candidat", "candidats"],
            &["rester", "restent", "reste"],
            &["parler", "parlons", "parlions", "parlent"],
            &["manger", "mangeons", "mangent"],
            &["chercher", "cherchions", "cherchent"],
            &["president", "presidents", "presidente", "presider"],
        ]);
    }

    #[test]
    fn unrelated_words_keep_distinct_stems() {
        check_groups(&[
            &["attentat"],
            &["attente"],
            &["contrat"],
            &["contre"],
            &["conduite"],
            &["ensuite"],
            &["suite"],
            &["taux"],
            &["faux"],
            &["nouveaux"],
            &["chateaux"],
            &["parent"],
            &["par"],
            &["violent"],
            &["viol"],
            &["nation", "nations"],
            &["region", "regions"],
            &["maison", "maisons"],
            &["mais"],
            &["million", "millions"],
            &["avion", "avions"],
            &["devient"],
            &["devier"],
        ]);
    }

    #[test]
    fn adjectives_in_erent_and_participles_in_uite_are_not_restored() {
        check_groups(&[
            &["different", "differents", "differente", "differentes"],
            &["coherent", "coherents", "coherente"],
            &["conduite", "conduit", "conduites"],
            &["construite", "construit"],
            &["arriverent", "arriver"],
        ]);
    }

    #[test]
    fn empty_short_long_and_digit_words() {
        let long = "a".repeat(MAX_STEMMED_BYTES + 1);
        let cases = [("", ""), ("a", "a"), ("e", "e"), ("1er", "1er"), ("covid19", "covid19")];
        check(Lang::French, &cases);
        check(Lang::English, &cases);
        let mut stemmer = Stemmer::new(Lang::French);
        assert_eq!(stemmer.stem(&long), long);
        assert!(stemmer.cache.is_empty(), "long and digit words must not be cached");
    }

    #[test]
    fn english_is_snowball_english() {
        check(
            Lang::English,
            &[
                ("elections", "elect"),
                ("election", "elect"),
                ("running", "run"),
                ("governments", "govern"),
                ("policies", "polici"),
            ],
        );
    }

    #[test]
    fn cache_hit_returns_the_same_stem_and_clone_starts_empty() {
        let mut stemmer = Stemmer::new(Lang::French);
        let first = stemmer.stem("securite").to_string();
        assert_eq!(stemmer.stem("securite"), first);
        assert_eq!(stemmer.cache.len(), 1);
        let mut clone = stemmer.clone();
        assert!(clone.cache.is_empty());
        assert_eq!(clone.stem("securite"), first);
    }

    #[test]
    fn cache_is_cleared_when_full() {
        let mut stemmer = Stemmer::new(Lang::French);
        for i in 0..CACHE_CAPACITY + 10 {
            // Distinct words without digits: hex digits 0-9 become g-p.
            let word: String = format!("{i:x}")
                .chars()
                .map(|c| if c.is_ascii_digit() { (b'g' + (c as u8 - b'0')) as char } else { c })
                .collect();
            stemmer.stem(&format!("mot{word}"));
        }
        assert!(stemmer.cache.len() <= 10, "cache not cleared: {} entries", stemmer.cache.len());
    }

    #[test]
    fn non_ascii_words_do_not_panic() {
        check(Lang::French, &[("ß", "ß")]);
        let mut stemmer = Stemmer::new(Lang::French);
        for word in ["привет", "ελληνικά", "日本語", "naïve", "x\u{301}"] {
            stemmer.stem(word);
        }
    }
}
