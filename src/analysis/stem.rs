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
//! | `-ames`, `-ates` (not `-crates`, `-omates`, `-rimates`, `-gmates`, `-icates`) | `-âmes`, `-âtes` | `arrivames`, `aimates`; not `democrates`, `diplomates` |
//! | `-ee(s)` | `-ée(s)` | `assemblee`, `coree`, `annees` |
//! | `-at`, 7 bytes or more, no noun suffix before it (`NOUN_AT`) | `-ât` | `abandonnat`, `mangeat`; not `attentat`, `candidat`, `contrat`, `etat` |
//! | `-imes`, 7 bytes or more, after a verb stem ending (`SIMPLE_PAST_IMES`) | `-îmes` | `finimes`, `battimes`; not `victimes`, `primes`, `unanimes` |
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
//! - after: the stems of irregular verbs, joined per family on one stem by the ending of
//!   Snowball's stem, so that every compound follows (`IRREGULAR`): `-tien(n)`, `-tiendr`,
//!   `-tint`, `-tenu` → `-ten` (`obtiennent`, `obtiendra`, `obtenu` → `obten`, like `obtenir`;
//!   `maintien`, `soutient`), the same for `-venir`; `-prend(r)`, `-prenn`, `-pris` → `-pren`;
//!   `-mett(r)`, `-mis`, `-mit` → `-met`; `-voit`, `-voient`, `-vu`, `-verr` → `-voir`;
//!   `-çoiv`, `-çoit`, `-çu`, `-cevr` → `-cev`; `-duit`, `-duir` → `-duis`; `-crit`, `-crir` →
//!   `-criv`; `-aint`/`-eint`/`-oint`, `-aindr`... → `-aign`/`-eign`/`-oign`; `-naitr`,
//!   `-connu` → `-naiss`; `-paraitr`, `-paru` → `-paraiss`; `-courr`, `-couru`, `-court` →
//!   `-cour`; `-suivr`, `-vivr`, `vécu`; `-ouvert`, `-offert`; `faire`, `dire`, `pouvoir`,
//!   `vouloir`, `devoir`, `savoir`, `valoir`, `conclure`, `vaincre`, `-quérir`, `mouvoir`,
//!   `mourir`, `asseoir`, `boire`, `plaire`, `taire`, `-soudre`, `rompre`, `fuir`, `envoyer`,
//!   `élire`, the `-éent` of `créent`; and the future and infinitive
//!   `-ndr`, `-rdr`, `-ttr` of the other `-dre`, `-ttre` verbs (`rendra` → `rend`). Where an
//!   ending also ends nouns, the rule lists what may come before it (the prefixes of the
//!   verb's compounds: `-tien` is `tenir` after `ob`, `main`, `sou`..., not in `chrétien`,
//!   `égyptien`; `-mis` after `com`, `per`, `pro`..., not in `amis`, `chemise`, `économise`) or
//!   what may not (`saint`, `point`, `patient`, `avenue`, `esprit`, `émeute`, `demeure`).
//!   Short homographs keep their own stem: `but` (not `boire`), `lit` (not `lire`), `vis`,
//!   `voie`, `verre` (not `voir`), `court` (not `courir`), `Vienne`, `fonte`, `affaire`;
//!   `fait`, `vue`, `tenue`, `prise`, `mise` meet their verb;
//! - after: the `-i` of the stem of `-ier` verbs (`publier`, `publiait` → `publi` → `publ`),
//!   which their participles and present lose when folded (`publié`, `publie` → `publ`):
//!   only after `-ifi`, `-oci`, `-éci`, `-udi`, `-ubli`, `-édi`, the endings of verbs, not of
//!   the `-ier` nouns (`abricotier`, `quartier`, `chantier`, `fermier` would meet `abricot`,
//!   `quart`, `chanter`, `fermer`: every `-Ci` stem, −0.0034 rows F1);
//! - after: the verb ending that Snowball leaves on a stem made of one vowel and consonants
//!   (`entrait`, `ombrera`, `armez` → `entr`, `ombr`, `arm`): its region RV starts after the
//!   end of such words. Only `-a`, `-ais`, `-ait`, `-aient`, `-as`, `-er`, `-ez`, `-eron(t)`:
//!   not `-e`, `-i`, `-ant`, `-at`, `-ion`, which end nouns (`entre`, `enfant`, `achat`,
//!   `action`).
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
//! | + `-aux`, `-ent`, `-ions`/`-ons` | 0.803 / 0.857 / 0.829 | 0.804 / 0.756 / 0.779 | 100% |
//! | + irregular verbs: `tenir`, `venir` | 0.809 / 0.857 / 0.832 | 0.809 / 0.756 / 0.782 | 100% |
//! | + `prendre`, `mettre` | 0.811 / 0.857 / 0.833 | 0.812 / 0.756 / 0.783 | 100% |
//! | + `voir`, `-cevoir`, `-duire`, `écrire`, `-indre`, `-aître`, `courir`, ..., `-dr` | 0.826 / 0.855 / 0.840 | 0.826 / 0.754 / 0.788 | 100% |
//! | + `conclure`, `vaincre`, `-quérir`, `mouvoir`, ..., fixes | 0.828 / 0.857 / 0.842 | 0.829 / 0.756 / 0.790 | 100% |
//! | + `rompre`, `fuir`, `envoyer`, `élire`, `-éent`, modal verbs | 0.830 / 0.857 / 0.843 | 0.830 / 0.755 / 0.791 | 100% |
//! | + `-ât` where `-at` is no noun suffix | 0.866 / 0.859 / 0.863 | 0.866 / 0.760 / 0.809 | 100% |
//! | + the `-i` of `-ifier`, `-ocier`, `-écier`, `-udier`, `-ublier`, `-édier` verbs | 0.869 / 0.857 / 0.863 | 0.869 / 0.758 / 0.810 | 100% |
//! | + `-îmes` after the endings of `-ir`/`-re` verb stems | 0.872 / 0.857 / 0.865 | 0.872 / 0.758 / 0.811 | 100% |
//! | + more `-îmes` stem endings; `-mâtes` restored except after `-om`, `-rim`, `-gm` | 0.873 / 0.857 / 0.865 | 0.873 / 0.758 / 0.812 | 100% |
//!
//! (Rows F1 to four places: 0.7791 before the irregular verbs, 0.7908 now, against 0.7910 for
//! Snowball on accented words.) The irregular verbs close the gap to Snowball on accented
//! words, which is mostly the imperfect subjunctive `-ât` (below) and the `-érer` verbs, whose
//! `é` inside the word (`préférait`) Snowball needs and folding loses.
//!
//! # What was tried and left out
//!
//! - Restoring every `-ât` (`-at`, imperfect subjunctive): in news `-at` is mostly a noun
//!   (`attentat`, `contrat`, `sénat`, `format`: 827 of the 313k words of the bundled news),
//!   which would then meet `attente`, `contre`, `sens`, `forme`, and split from its plural
//!   `-ats`. Kept only on words of 7 bytes or more whose `-at` follows none of the endings of
//!   the `-at` nouns (`-tentat`, `-ndidat`, `-ennat`, `-ariat`, `-orat`, `-icat`, `-onat`...):
//!   +0.0185 rows F1 on the lexicon, precision up too (the subjunctive meets its verb; the
//!   wrong pairs it joins are derived words the lexicon gives their own lemma, `abaissante`,
//!   `abdication`, as for every other form of the verb).
//! - Restoring `-îmes` (`-imes`): +0.002 F1, but splits `victimes` from `victime`.
//! - Collapsing stems in `-éCer` (`prefer` → `pref`, for the `-érer` verbs): +0.0002, and
//!   `générer` then meets `gens`.
//! - Stripping every `-ons` and `-ions` left by Snowball (not only after the letters above):
//!   they end nouns too, and `maison` would meet `mais`, `région` `reg`, `champion` `champ`.
//! - Moving Snowball's RV region for words that begin with a vowel (`ornaient`): +0.0003.
//!   Kept as the `-a`, `-ait`, `-er`, `-ez`... rule above (+0.0003 rows); also dropping `-e`
//!   and `-i` there: +0.0012 recall but -0.0013 precision (`ange`, `orge`, `essai`), no gain.
//! - Irregular verb rules left out because their ending is also a common word or ending:
//!   `-lir`, `-lisent`, `-lison` → `lire` (no change: +0.0002 recall, −0.0001 precision on
//!   the rows, `liser`, `lisérer`; `lit` is a bed anyway); `-eint` → `-eign` without the
//!   prefix list (−0.0002: `teinter`, `feinter`); and, dropped with a few fixes that together
//!   gave +0.0017 rows F1: the future `saur-` of `savoir` (`saurer`), `boit` (`boiter`),
//!   `-çus`, `-çut`, `-çur` of `-cevoir` (`récuser`, `récurer`, `percuter`), `dé-` with `-pris`
//!   (`dépriser`). Never added, on sight of news words: `-miss` of `mettre` (`commission`,
//!   `émission`), `-prim`, `-prir` of `prendre` (`imprimer`, `supprimer`), `fer` (`faire`:
//!   iron), `suit` (`suivre`: `suite`), `vit`, `vis` (`vivre`, `voir`), `mort` (`mourir`),
//!   `verr` alone (`verre`), `croire` and `croître` (`croit` is both, `crois` is `croiser`),
//!   `rire`, `cuire`, `nuire`, the future `pourr-` of `pouvoir` (`pourrir`), `font` alone
//!   (`fonte`: no measurable change).
//! - `naître` (`naquit`, `naît`), `accroître`/`décroître` (`accroît`, `accru`, `accroîtra`)
//!   and `tait` (`taire`), together: −0.0004 rows F1 (+0.0004 recall, −0.0009 precision).
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
//! machine); a miss (Snowball, then two allocations) costs about 2× more. The irregular verb
//! rules add about 20% to a miss (about 300 endings, checked only against those ending in
//! the stem's last byte, `BY_LAST_BYTE`, built at compile time); a hit is unchanged.
//!
//! tantivy clones an analyzer for every field of every segment writer and for queries, and a
//! clone starts with an empty cache; so a miss of the own cache looks the word up in a
//! process-wide memo shared by all stemmers of the language (an `RwLock`ed map, at most
//! [`SHARED_CAPACITY`] words, taking no new word once full) before running Snowball. The
//! bundled news indexed a second time in the same process skip Snowball entirely.

use std::sync::{LazyLock, RwLock};

use rust_stemmers::{Algorithm, Stemmer as Snowball};
use rustc_hash::FxHashMap;

use super::Lang;

/// Words longer than this many bytes are returned unchanged, and are not cached.
pub const MAX_STEMMED_BYTES: usize = 40;

// The cache stores prefix lengths as `u8`.
const _: () = assert!(MAX_STEMMED_BYTES <= u8::MAX as usize);

/// The cache is cleared when it holds this many entries and a new word comes.
const CACHE_CAPACITY: usize = 200_000;

/// The process-wide memo of stems takes no new word once it holds this many per language
/// (about 20 MB at most).
pub const SHARED_CAPACITY: usize = 300_000;

/// Stems lowercase, accent-folded words of one language, with a bounded per-instance cache.
///
/// French runs Snowball French on the folded word with the accents its rules need put back on
/// the suffix (`securite` → `sécurité` → `secur`), plus rules Snowball lacks (`journaux` →
/// `journal`, `restent` → `rest`, `parlons` → `parl`, `obtiennent` → `obten`); the stem
/// depends on the folded word only, so a word and its accent-stripped spelling share their
/// stem. The design and its measured figures are in the
/// docs of `analysis/stem.rs`. English runs Snowball English (Porter 2).
///
/// Words longer than `MAX_STEMMED_BYTES` (40) bytes and words with an ASCII digit (`covid19`,
/// `1er`) are returned unchanged and not cached.
///
/// A clone starts with an empty cache of its own, but a word any stemmer of the process has
/// already stemmed is not stemmed again: stems also go into a process-wide memo per language
/// (bounded by [`SHARED_CAPACITY`]), read under a lock only when the own cache misses. The
/// stem of a word never depends on what the caches hold.
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

    /// Finds the stem of `word` in the shared memo or computes it, into `self.stem`, and
    /// caches it.
    fn stem_uncached(&mut self, word: &str) -> Cached {
        self.stem.clear();
        let shared = shared_stems(self.lang);
        let known = {
            let memo = shared.read().unwrap_or_else(|e| e.into_inner());
            memo.get(word).map(|stem| self.stem.push_str(stem)).is_some()
        };
        if !known {
            match self.lang {
                Lang::French => {
                    stem_french(&self.snowball, word, &mut self.scratch, &mut self.stem)
                }
                Lang::English => self.stem.push_str(&self.snowball.stem(word)),
            }
            let mut memo = shared.write().unwrap_or_else(|e| e.into_inner());
            if memo.len() < SHARED_CAPACITY {
                memo.insert(word.into(), self.stem.as_str().into());
            }
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

/// The stems computed by every [`Stemmer`] of the process, per language.
type SharedStems = RwLock<FxHashMap<Box<str>, Box<str>>>;

static SHARED_STEMS: [LazyLock<SharedStems>; 2] =
    [LazyLock::new(SharedStems::default), LazyLock::new(SharedStems::default)];

fn shared_stems(lang: Lang) -> &'static SharedStems {
    match lang {
        Lang::French => &SHARED_STEMS[0],
        Lang::English => &SHARED_STEMS[1],
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
    // `démocrates`, `diplomates`, `automates`, `primates`, `stigmates`, `délicates`: nouns
    // and adjectives (-crate, -omate, -imate, -gmate, -icate); not `aimâtes`, `nommâtes`.
    ("ates", "âtes", &["cr", "om", "rim", "gm", "ic"]),
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
    restore_subjunctive_at(scratch);
    restore_simple_past_imes(scratch);
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
    join_ier_verb(word, out);
    strip_plural_verb_ending(out);
    strip_first_plural_ending(out);
    strip_short_verb_ending(out);
    join_irregular_stem(out);
}

/// Drops the verb ending that Snowball keeps on stems of a vowel and consonants only
/// (`entrait`, `ombrera`, `armez` → `entr`, `ombr`, `arm`): there its region RV starts after
/// the word. At least two consonants (`osait`, `usa` keep theirs: `os`, `us`); not `-e`,
/// `-i`, `-ant`, `-at`, `-ion` (`entre`, `enfant`, `achat`, `action`).
fn strip_short_verb_ending(stem: &mut String) {
    const ENDINGS: [&str; 9] = ["aient", "eront", "eron", "ais", "ait", "as", "er", "ez", "a"];
    let bytes = stem.as_bytes();
    if bytes.len() < 4 || !is_vowel(bytes[0]) {
        return;
    }
    let consonants = bytes[1..].iter().take_while(|&&b| !is_vowel(b)).count();
    if consonants < 2 {
        return;
    }
    let ending = &stem[1 + consonants..];
    if ENDINGS.contains(&ending) {
        stem.truncate(1 + consonants);
    }
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

/// A rule of [`IRREGULAR`]: `(ending, replacement, fewest bytes before the ending, what must
/// not come just before the ending, what alone may come before it if not empty)`.
type Rule = (&'static str, &'static str, usize, &'static [&'static str], &'static [&'static str]);

/// Stems of irregular verb families, as Snowball leaves them (folded), and the stem their
/// family is joined on: `(ending, replacement, fewest bytes before the ending, what must not
/// come just before the ending)`. The ending is matched at the end of the stem, so a rule
/// covers every compound (`obtiennent`, `maintiendra`, `soutint` → `obten`, `mainten`,
/// `souten`). When several endings match, the longest wins.
const IRREGULAR: &[Rule] = &[
    // tenir, venir and their compounds: `-tien(n)`, `-tiendr`, `-tin(t|r|ss|m)`, `-tenu`.
    ("tenu", "ten", 0, &["at", "ex", "po"], &[]),
    ("tenus", "ten", 0, &[], &[]),
    ("tenion", "ten", 0, &[], &[]),
    ("tenon", "ten", 0, &[], &[]),
    // Nouns and adjectives in `-tien`: `chrétien`, `capétien`, `égyptien`, `mauritien`,
    // `haïtien`, `dalmatien`, `aoûtien`, `martien`, `antienne`, `sébastien`, `Étienne`.
    ("tien", "ten", 0, &[], TENIR),
    ("tienn", "ten", 0, &[], TENIR),
    ("tienn", "ten", 0, &[], &[""]),
    // `patient`, `quotient`, `amnistient`.
    ("tient", "ten", 0, &["pa", "quo", "s", "bu"], &[]),
    ("tiendr", "ten", 0, &[], &[]),
    ("tiendrion", "ten", 0, &[], &[]),
    ("tiendron", "ten", 0, &[], &[]),
    ("tiendront", "ten", 0, &[], &[]),
    ("tinm", "ten", 0, &[], &[]),
    ("tinr", "ten", 0, &[], &[]),
    ("tinss", "ten", 0, &[], &[]),
    ("tinssion", "ten", 0, &[], &[]),
    // `tint` (tinter), `aquatinte`.
    ("tint", "ten", 1, &["a"], &[]),
    // `avenue`.
    ("venu", "ven", 0, &["a"], &[]),
    ("venus", "ven", 0, &["a"], &[]),
    ("venion", "ven", 0, &[], &[]),
    ("venon", "ven", 0, &[], &[]),
    // `Vienne` (the city); `bolivien`, `octavien`, `péruvien`, `diluvien`.
    ("vien", "ven", 0, &[], VENIR),
    ("vienn", "ven", 0, &[], VENIR),
    ("vient", "ven", 0, &["en"], &[]),
    ("viendr", "ven", 0, &[], &[]),
    ("viendrion", "ven", 0, &[], &[]),
    ("viendron", "ven", 0, &[], &[]),
    ("viendront", "ven", 0, &[], &[]),
    ("vinm", "ven", 0, &[], &[]),
    ("vinr", "ven", 0, &[], &[]),
    ("vinss", "ven", 0, &[], &[]),
    ("vinssion", "ven", 0, &[], &[]),
    ("vint", "ven", 0, &[], &[]),
    // prendre: `-prend`, `-prendr`, `-prenn`, `-pris`, `-prit`. Not `mépris` (mépriser),
    // `esprit`.
    ("prend", "pren", 0, &[], &[]),
    ("prendr", "pren", 0, &[], &[]),
    ("prendrion", "pren", 0, &[], &[]),
    ("prendron", "pren", 0, &[], &[]),
    ("prendront", "pren", 0, &[], &[]),
    ("prenn", "pren", 0, &[], &[]),
    ("prenion", "pren", 0, &[], &[]),
    ("prenon", "pren", 0, &[], &[]),
    ("pris", "pren", 0, &[], PRENDRE),
    ("priss", "pren", 0, &[], PRENDRE),
    ("prit", "pren", 0, &[], PRENDRE),
    // mettre: `-mett`, `-mettr`, `-mis`, `-miss`, `-mit`. Not `amis`, `chemise`, `tamis`,
    // `semis`, `Thémis`, `Miss`; `limite`, `comité`, `dynamite`, `termite`, `marmite`.
    ("mett", "met", 0, &[], &[]),
    ("mettr", "met", 0, &[], &[]),
    ("mettrion", "met", 0, &[], &[]),
    ("mettron", "met", 0, &[], &[]),
    ("mettront", "met", 0, &[], &[]),
    ("mettion", "met", 0, &[], &[]),
    ("metton", "met", 0, &[], &[]),
    ("mis", "met", 0, &[], METTRE),
    ("mit", "met", 0, &[], METTRE),
    // voir, revoir, prévoir, entrevoir: `-voit`, `-voient`, `-voy`, `-vu`, `-verr`. Not
    // `voie`, `envoi`, `convoi`, `verre`.
    ("voit", "voir", 0, &[], &[]),
    ("voient", "voir", 0, &["n"], &[]),
    ("vois", "voir", 0, &[], VOIR),
    ("voyon", "voir", 0, &["n"], &[]),
    ("voyion", "voir", 0, &["n"], &[]),
    ("voi", "voir", 0, &[], &["entre", "pour", "pre", "re"]),
    ("vu", "voir", 0, &[], VOIR),
    ("vus", "voir", 0, &[], VOIR),
    ("verr", "voir", 0, &[], &["entre", "pre", "re"]),
    ("verrion", "voir", 0, &[], &["entre", "pre", "re"]),
    ("verron", "voir", 0, &[], &["entre", "pre", "re"]),
    ("verront", "voir", 0, &[], &["entre", "pre", "re"]),
    // -cevoir: `reçoit`, `reçoivent`, `reçu`, `recevra` → `recev`.
    ("cevoir", "cev", 0, &[], &[]),
    ("cevion", "cev", 0, &[], &[]),
    ("cevon", "cev", 0, &[], &[]),
    ("coiv", "cev", 0, &[], CEVOIR),
    ("coit", "cev", 0, &[], CEVOIR),
    ("cois", "cev", 0, &[], CEVOIR),
    ("cu", "cev", 0, &[], CEVOIR),
    ("cevr", "cev", 0, &[], &[]),
    ("cevrion", "cev", 0, &[], &[]),
    ("cevron", "cev", 0, &[], &[]),
    ("cevront", "cev", 0, &[], &[]),
    // -duire, -truire: `conduit`, `conduire` → `conduis` (`conduisent`, `conduisait`).
    ("duit", "duis", 0, &[], &[]),
    ("duison", "duis", 0, &[], &[]),
    ("duision", "duis", 0, &[], &[]),
    ("truit", "truis", 1, &[], &[]),
    ("truison", "truis", 0, &[], &[]),
    ("truision", "truis", 0, &[], &[]),
    ("duir", "duis", 0, &[], &[]),
    ("duirion", "duis", 0, &[], &[]),
    ("duiron", "duis", 0, &[], &[]),
    ("duiront", "duis", 0, &[], &[]),
    ("truir", "truis", 0, &[], &[]),
    ("truirion", "truis", 0, &[], &[]),
    ("truiron", "truis", 0, &[], &[]),
    ("truiront", "truis", 0, &[], &[]),
    // écrire and its compounds: `écrit`, `écrire` → `ecriv` (`écrivent`).
    ("crit", "criv", 0, &[], ECRIRE),
    ("crir", "criv", 0, &[], ECRIRE),
    ("cririon", "criv", 0, &[], ECRIRE),
    ("criron", "criv", 0, &[], ECRIRE),
    ("criront", "criv", 0, &[], ECRIRE),
    // -aindre, -eindre, -oindre: `craint`, `craindre` → `craign` (`craignent`). Not `saint`,
    // `maint`, `point`.
    ("aint", "aign", 0, &["s", "m"], &[]),
    ("eint", "eign", 0, &[], EINDRE),
    ("oint", "oign", 0, &["p"], &[]),
    ("aindr", "aign", 0, &[], &[]),
    ("aindrion", "aign", 0, &[], &[]),
    ("aindron", "aign", 0, &[], &[]),
    ("aindront", "aign", 0, &[], &[]),
    ("eindr", "eign", 0, &[], &[]),
    ("eindrion", "eign", 0, &[], &[]),
    ("eindron", "eign", 0, &[], &[]),
    ("eindront", "eign", 0, &[], &[]),
    ("oindr", "oign", 0, &["m"], &[]),
    ("oindrion", "oign", 0, &["m"], &[]),
    ("oindron", "oign", 0, &["m"], &[]),
    ("oindront", "oign", 0, &["m"], &[]),
    // -naître, -paraître: `connaître`, `connu` → `connaiss` (`connaissent`).
    ("connu", "connaiss", 0, &[], &[]),
    ("connus", "connaiss", 0, &[], &[]),
    ("paru", "paraiss", 0, &[], PARAITRE),
    ("parus", "paraiss", 0, &[], PARAITRE),
    ("naitr", "naiss", 0, &[], &[]),
    ("naitrion", "naiss", 0, &[], &[]),
    ("naitron", "naiss", 0, &[], &[]),
    ("naitront", "naiss", 0, &[], &[]),
    ("paraitr", "paraiss", 0, &[], &[]),
    ("paraitrion", "paraiss", 0, &[], &[]),
    ("paraitron", "paraiss", 0, &[], &[]),
    ("paraitront", "paraiss", 0, &[], &[]),
    // courir: `courra`, `couru`, `parcourt` → `cour`. Not `court` (short).
    ("couru", "cour", 0, &[], &[]),
    ("courus", "cour", 0, &[], &[]),
    ("courut", "cour", 0, &[], &[]),
    ("courur", "cour", 0, &[], &[]),
    ("courum", "cour", 0, &[], &[]),
    ("couruss", "cour", 0, &[], &[]),
    ("court", "cour", 2, &[], &[]),
    ("courr", "cour", 0, &[], &[]),
    ("courrion", "cour", 0, &[], &[]),
    ("courron", "cour", 0, &[], &[]),
    ("courront", "cour", 0, &[], &[]),
    // suivre, vivre: the future and infinitive `-vr` → `-v` (`suivent`, `vivait`); `vécu`.
    ("vivent", "viv", 0, &[], &[]),
    ("vecu", "viv", 0, &[], &[]),
    ("vecus", "viv", 0, &[], &[]),
    ("vecut", "viv", 0, &[], &[]),
    ("suivr", "suiv", 0, &[], &[]),
    ("suivrion", "suiv", 0, &[], &[]),
    ("suivron", "suiv", 0, &[], &[]),
    ("suivront", "suiv", 0, &[], &[]),
    ("vivr", "viv", 0, &[], &[]),
    ("vivrion", "viv", 0, &[], &[]),
    ("vivron", "viv", 0, &[], &[]),
    ("vivront", "viv", 0, &[], &[]),
    // ouvrir, couvrir, offrir, souffrir: the participle `-ert`.
    ("ouvert", "ouvr", 0, &[], &[]),
    ("offert", "offr", 0, &[], &[]),
    ("souffert", "souffr", 0, &[], &[]),
    // faire: `fait`, `faire`, `fasse`, `feront`, `firent`, `font` → `fais` (`faisait`). Not
    // `affaire`, `profit`, `fer`.
    ("fair", "fais", 0, &[], FAIRE),
    ("fait", "fais", 0, &[], FAIRE),
    ("fass", "fais", 0, &[], FAIRE),
    ("faison", "fais", 0, &[], FAIRE),
    ("faision", "fais", 0, &[], FAIRE),
    ("font", "fais", 0, &[], &["contre", "de", "par", "re", "satis", "sur"]),
    ("feron", "fais", 0, &[], FAIRE),
    ("feront", "fais", 0, &[], FAIRE),
    ("ferion", "fais", 0, &[], FAIRE),
    ("firent", "fais", 0, &[], FAIRE),
    ("fit", "fais", 0, &[], FAIRE),
    // dire, lire: `dit`, `dire`, `disent` → `dis`; `lire`, `lisent` → `lis`. Not `lit` (bed).
    ("dit", "dis", 0, &[], DIRE),
    ("disent", "dis", 0, &[], DIRE),
    ("dison", "dis", 0, &[], DIRE),
    ("dision", "dis", 0, &[], DIRE),
    ("dirent", "dis", 0, &[], DIRE),
    ("dir", "dis", 0, &[], DIRE),
    ("dirion", "dis", 0, &[], DIRE),
    ("diron", "dis", 0, &[], DIRE),
    ("diront", "dis", 0, &[], DIRE),
    // pouvoir, vouloir, devoir, savoir, valoir.
    ("pouvoir", "pouv", 0, &[], &[]),
    ("peuv", "pouv", 0, &[], &[]),
    ("peut", "pouv", 0, &[], &[""]),
    ("vouloir", "voul", 0, &[], &[]),
    ("veul", "voul", 0, &[], &[]),
    ("veut", "voul", 0, &[], &[""]),
    ("devoir", "dev", 0, &[], &[]),
    ("doiv", "dev", 0, &[], &[]),
    ("doit", "dev", 0, &[], &[""]),
    ("savoir", "sav", 0, &[], &[]),
    ("sach", "sav", 0, &[], &[]),
    ("sachon", "sav", 0, &[], &[]),
    ("peux", "pouv", 0, &[], &[""]),
    ("veux", "voul", 0, &[], &[""]),
    ("veuill", "voul", 0, &[], &[""]),
    ("voulu", "voul", 0, &[], &[]),
    ("voulus", "voul", 0, &[], &[]),
    ("voulut", "voul", 0, &[], &[]),
    ("dois", "dev", 0, &[], &[""]),
    ("sait", "sav", 0, &[], &[""]),
    ("sais", "sav", 0, &[], &[""]),
    ("savent", "sav", 0, &[], &[""]),
    ("vaut", "val", 0, &[], VALOIR),
    ("valu", "val", 0, &[], VALOIR),
    ("valus", "val", 0, &[], VALOIR),
    ("valut", "val", 0, &[], VALOIR),
    ("valoir", "val", 0, &[], &[]),
    ("vaill", "val", 0, &[], VALOIR),
    ("voudr", "voul", 0, &[], &[]),
    ("voudrion", "voul", 0, &[], &[]),
    ("voudron", "voul", 0, &[], &[]),
    ("voudront", "voul", 0, &[], &[]),
    ("devr", "dev", 0, &[], &[]),
    ("devrion", "dev", 0, &[], &[]),
    ("devron", "dev", 0, &[], &[]),
    ("devront", "dev", 0, &[], &[]),
    ("vaudr", "val", 0, &[], &[]),
    ("vaudrion", "val", 0, &[], &[]),
    ("vaudron", "val", 0, &[], &[]),
    ("vaudront", "val", 0, &[], &[]),
    // conclure, inclure, exclure: `conclus`, `conclut`, `conclura` → `conclu`.
    ("clus", "clu", 0, &[], CLURE),
    ("clut", "clu", 0, &[], CLURE),
    ("clur", "clu", 0, &[], CLURE),
    ("clurion", "clu", 0, &[], CLURE),
    ("cluron", "clu", 0, &[], CLURE),
    ("cluront", "clu", 0, &[], CLURE),
    // vaincre, convaincre: `vainquait`, `vaincu` → `vainc`.
    ("vainqu", "vainc", 0, &[], &[]),
    ("vainquon", "vainc", 0, &[], &[]),
    ("vaincu", "vainc", 0, &[], &[]),
    ("vaincus", "vainc", 0, &[], &[]),
    ("vaincr", "vainc", 0, &[], &[]),
    ("vaincrion", "vainc", 0, &[], &[]),
    ("vaincron", "vainc", 0, &[], &[]),
    ("vaincront", "vainc", 0, &[], &[]),
    // acquérir, conquérir, requérir: `acquiert`, `acquis`, `acquerra` → `acquer`.
    ("quier", "quer", 0, &[], QUERIR),
    ("quiert", "quer", 0, &[], QUERIR),
    ("quis", "quer", 0, &[], QUERIR),
    ("querr", "quer", 0, &[], QUERIR),
    ("querrion", "quer", 0, &[], QUERIR),
    ("querron", "quer", 0, &[], QUERIR),
    ("querront", "quer", 0, &[], QUERIR),
    // mouvoir, émouvoir, promouvoir: `meuvent`, `meut`, `ému`, `promu` → `mouv`. Not
    // `émeute`.
    ("mouvoir", "mouv", 0, &[], &[]),
    ("meuv", "mouv", 0, &[], &[]),
    ("meut", "mouv", 0, &[], &["", "pro"]),
    ("mu", "mouv", 0, &[], &["e", "pro"]),
    ("mus", "mouv", 0, &[], &["e", "pro"]),
    ("mouvr", "mouv", 0, &[], &[]),
    ("mouvrion", "mouv", 0, &[], &[]),
    ("mouvron", "mouv", 0, &[], &[]),
    ("mouvront", "mouv", 0, &[], &[]),
    // mourir: `meurt`, `meurent`, `mourra`, `mourut` → `mour`. Not `demeure`, `mort`.
    ("meur", "mour", 0, &[], &[""]),
    ("meurt", "mour", 0, &[], &[""]),
    ("mouru", "mour", 0, &[], &[]),
    ("mourus", "mour", 0, &[], &[]),
    ("mourut", "mour", 0, &[], &[]),
    ("mourr", "mour", 0, &[], &[]),
    ("mourrion", "mour", 0, &[], &[]),
    ("mourron", "mour", 0, &[], &[]),
    ("mourront", "mour", 0, &[], &[]),
    // asseoir, rasseoir: `assied`, `asseyait`, `assis`, `assoit` → `assoi`.
    ("asseoir", "assoi", 0, &[], ASSEOIR),
    ("assei", "assoi", 0, &[], ASSEOIR),
    ("assey", "assoi", 0, &[], ASSEOIR),
    ("asseyon", "assoi", 0, &[], ASSEOIR),
    ("assied", "assoi", 0, &[], ASSEOIR),
    ("assir", "assoi", 0, &[], ASSEOIR),
    ("assis", "assoi", 0, &[], ASSEOIR),
    ("assiss", "assoi", 0, &[], ASSEOIR),
    ("assit", "assoi", 0, &[], ASSEOIR),
    ("assoient", "assoi", 0, &[], ASSEOIR),
    ("assoir", "assoi", 0, &[], ASSEOIR),
    ("assoiron", "assoi", 0, &[], ASSEOIR),
    ("assoiront", "assoi", 0, &[], ASSEOIR),
    // boire: `boivent`, `boire`, `boit` → `buv` (`buvait`). Not `bois`, `but`, `bu`.
    ("boiv", "buv", 0, &[], &[]),
    ("boir", "buv", 0, &[], &[]),
    ("boirion", "buv", 0, &[], &[]),
    ("boiron", "buv", 0, &[], &[]),
    ("boiront", "buv", 0, &[], &[]),
    // plaire, taire: `plaît`, `plaira` → `plais` (`plaisait`).
    ("plait", "plais", 0, &[], &["", "com", "de"]),
    ("plair", "plais", 0, &[], &[]),
    ("plairion", "plais", 0, &[], &[]),
    ("plairon", "plais", 0, &[], &[]),
    ("plairont", "plais", 0, &[], &[]),
    ("tair", "tais", 0, &[], &[""]),
    ("tairion", "tais", 0, &[], &[""]),
    ("tairon", "tais", 0, &[], &[""]),
    ("tairont", "tais", 0, &[], &[""]),
    // résoudre, absoudre, dissoudre: `résolvent`, `résous`, `résoudra` → `resolu`.
    ("solv", "solu", 0, &[], SOUDRE),
    ("sous", "solu", 0, &[], SOUDRE),
    ("sout", "solu", 0, &[], SOUDRE),
    ("soudr", "solu", 0, &[], SOUDRE),
    ("soudrion", "solu", 0, &[], SOUDRE),
    ("soudron", "solu", 0, &[], SOUDRE),
    ("soudront", "solu", 0, &[], SOUDRE),
    // offrir: Snowball keeps the `-e` of `offre`.
    ("offre", "offr", 0, &[], &[]),
    // `décrit` → `decr`.
    ("cr", "criv", 0, &[], &["circons", "de", "ins", "pres", "pros", "retrans", "sous", "trans"]),
    // rompre, interrompre, corrompre: `rompt`, `rompu`, `rompra` → `romp`.
    ("rompt", "romp", 0, &[], &[]),
    ("rompu", "romp", 0, &[], &[]),
    ("rompus", "romp", 0, &[], &[]),
    ("rompr", "romp", 0, &[], &[]),
    ("romprion", "romp", 0, &[], &[]),
    ("rompron", "romp", 0, &[], &[]),
    ("rompront", "romp", 0, &[], &[]),
    // fuir, s'enfuir: `fuient`, `fuyons`, `fuira` → `fui`. Not `fuite`.
    ("fuient", "fui", 0, &[], FUIR),
    ("fuis", "fui", 0, &[], FUIR),
    ("fuyon", "fui", 0, &[], FUIR),
    ("fuyion", "fui", 0, &[], FUIR),
    ("fuir", "fui", 0, &[], FUIR),
    ("fuirion", "fui", 0, &[], FUIR),
    ("fuiron", "fui", 0, &[], FUIR),
    ("fuiront", "fui", 0, &[], FUIR),
    // envoyer, renvoyer: `enverra`, `envoyé` → `envoi` (`envoie`, `envoi`).
    ("envoy", "envoi", 0, &[], &["", "r"]),
    ("envoyon", "envoi", 0, &[], &["", "r"]),
    ("envoient", "envoi", 0, &[], &["", "r"]),
    ("enverr", "envoi", 0, &[], &["", "r"]),
    ("enverrion", "envoi", 0, &[], &["", "r"]),
    ("enverron", "envoi", 0, &[], &["", "r"]),
    ("enverront", "envoi", 0, &[], &["", "r"]),
    // élire, réélire: `élu`, `élira` → `elis` (`élisent`). Not `élite`.
    ("elu", "elis", 0, &[], &["", "re"]),
    ("elus", "elis", 0, &[], &["", "re"]),
    ("elir", "elis", 0, &[], &["", "re"]),
    ("elirion", "elis", 0, &[], &["", "re"]),
    ("eliron", "elis", 0, &[], &["", "re"]),
    ("eliront", "elis", 0, &[], &["", "re"]),
    // The third person plural `-éent` of the `-éer` verbs (`créent` → `cre`, like `créer`).
    ("eent", "e", 1, &[], &[]),
    // The other verbs in `-dre` and `-ttre`: their future and infinitive `-dr`, `-ttr` → `-d`,
    // `-tt` (`rendra`, `rendre` → `rend`, like `rend`, `rendait`). Not `ordre` (too short).
    ("ndr", "nd", 2, &[], &[]),
    ("ndrion", "nd", 2, &[], &[]),
    ("ndron", "nd", 2, &[], &[]),
    ("ndront", "nd", 2, &[], &[]),
    ("rdr", "rd", 2, &[], &[]),
    ("rdrion", "rd", 2, &[], &[]),
    ("rdron", "rd", 2, &[], &[]),
    ("rdront", "rd", 2, &[], &[]),
    ("ttr", "tt", 2, &[], &[]),
    ("ttrion", "tt", 2, &[], &[]),
    ("ttron", "tt", 2, &[], &[]),
    ("ttront", "tt", 2, &[], &[]),
];

/// The prefixes of the compounds of `tenir` (`-tien` ends nouns too: `chrétien`, `égyptien`).
const TENIR: &[&str] = &["abs", "appar", "con", "de", "code", "entre", "main", "ob", "re", "sou"];

/// The prefixes of the compounds of `venir` (`-vien` ends nouns too: `bolivien`; `Vienne`).
const VENIR: &[&str] = &[
    "ad", "circon", "con", "contre", "de", "discon", "inter", "ob", "par", "pre", "pro", "re",
    "rede", "ressou", "sou", "sub", "sur",
];

/// The prefixes of the compounds of `prendre` (`-pris` ends `mépris`, `-prit` `esprit`).
const PRENDRE: &[&str] = &["ap", "com", "desap", "entre", "e", "rap", "re", "reap", "sur"];

/// The prefixes of the compounds of `mettre` (`-mis` ends `amis`, `chemise`, the `-miser`
/// verbs; `-mit` ends `limite`, `comité`).
const METTRE: &[&str] = &[
    "ad", "com", "compro", "de", "e", "entre", "o", "per", "pro", "re", "retrans", "sou", "trans",
];

/// The prefixes of `voir` where `-vois`, `-vu` are `voir` (not `-vu` of `dévu`...).
const VOIR: &[&str] = &["", "entre", "impre", "pour", "pre", "re"];

/// The prefixes of the compounds of `-cevoir` (`-cu` ends `vécu`, `vaincu`).
const CEVOIR: &[&str] = &["aper", "con", "de", "per", "re"];

/// The prefixes of the compounds of `écrire` (`-crit` ends `hypocrite`).
const ECRIRE: &[&str] = &[
    "e", "circons", "de", "ins", "pres", "pros", "re", "ree", "reins", "retrans", "sous", "trans",
];

/// The prefixes of the compounds of `paraître`.
const PARAITRE: &[&str] = &["", "ap", "com", "dis", "re", "reap", "trans"];

/// The prefixes of the compounds of `faire` (`-fait` ends nothing else, `-fit` ends `profit`,
/// `-fair` `affaire`).
const FAIRE: &[&str] = &["", "contre", "de", "for", "par", "re", "satis", "sur"];

/// The prefixes of the compounds of `dire` (`-dit` ends `crédit`, `édit`, `bandit`, `audit`,
/// and `médit` is `méditer`).
const DIRE: &[&str] = &["", "contre", "inter", "mau", "pre", "re"];

/// The prefixes of `-clure` verbs.
const CLURE: &[&str] = &["con", "ex", "in", "oc", "re"];

/// The prefixes of `-quérir` verbs (`-quis` ends `exquis`).
const QUERIR: &[&str] = &["ac", "con", "en", "re", "recon"];

/// `asseoir`, `rasseoir`.
const ASSEOIR: &[&str] = &["", "r"];

/// The prefixes of `-soudre` verbs (`sous` is a preposition).
const SOUDRE: &[&str] = &["ab", "dis", "re"];

/// The prefixes of `-eindre` verbs where `-eint` is theirs (`teint`, `feint` are also
/// `teinter`, `feinter`).
const EINDRE: &[&str] =
    &["ast", "att", "c", "dep", "det", "empr", "enfr", "et", "etr", "p", "rep", "restr"];

/// `fuir`, `s'enfuir`, `refuir`.
const FUIR: &[&str] = &["", "en", "re"];

/// `valoir`, `prévaloir`, `équivaloir`, `revaloir` (`-vaill` ends `travailler`, `-valu`
/// `évaluer`).
const VALOIR: &[&str] = &["", "equi", "pre", "re"];

/// Joins the stems of irregular verb families (see [`IRREGULAR`]): the longest ending of the
/// stem found there, with enough letters before it and none of its exceptions, is replaced.
fn join_irregular_stem(stem: &mut String) {
    let Some(&last) = stem.as_bytes().last() else {
        return;
    };
    let (from, to) = (BY_LAST_BYTE.start[last as usize], BY_LAST_BYTE.start[last as usize + 1]);
    let mut best: Option<(usize, &str)> = None;
    for &i in &BY_LAST_BYTE.rules[from as usize..to as usize] {
        let (ending, replacement, min, not_after, only) = IRREGULAR[i as usize];
        if stem.len() < ending.len() + min
            || best.is_some_and(|(len, _)| ending.len() <= len)
            || !stem.ends_with(ending)
        {
            continue;
        }
        let rest = &stem[..stem.len() - ending.len()];
        if !not_after.iter().any(|p| rest.ends_with(p)) && (only.is_empty() || only.contains(&rest))
        {
            best = Some((ending.len(), replacement));
        }
    }
    if let Some((len, replacement)) = best {
        stem.truncate(stem.len() - len);
        stem.push_str(replacement);
    }
}

/// The rules of [`IRREGULAR`] grouped by the last byte of their ending, so that a stem is
/// only checked against the few rules that can match it.
struct RulesByLastByte {
    /// The rules ending in byte `b` are `rules[start[b]..start[b + 1]]`.
    start: [u16; 257],
    /// Indexes into [`IRREGULAR`].
    rules: [u16; IRREGULAR.len()],
}

const BY_LAST_BYTE: RulesByLastByte = {
    let mut start = [0u16; 257];
    let mut i = 0;
    while i < IRREGULAR.len() {
        let ending = IRREGULAR[i].0.as_bytes();
        start[ending[ending.len() - 1] as usize + 1] += 1;
        i += 1;
    }
    let mut b = 0;
    while b < 256 {
        start[b + 1] += start[b];
        b += 1;
    }
    let mut next = start;
    let mut rules = [0u16; IRREGULAR.len()];
    let mut i = 0;
    while i < IRREGULAR.len() {
        let ending = IRREGULAR[i].0.as_bytes();
        let b = ending[ending.len() - 1] as usize;
        rules[next[b] as usize] = i as u16;
        next[b] += 1;
        i += 1;
    }
    RulesByLastByte { start, rules }
};

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
/// Drops the `-i` that Snowball leaves on the stem of `-ier` verbs when it strips a verb
/// ending (`publier`, `publiait`, `publiees` → `publi`), so that they meet the forms whose
/// folded spelling ends in `-ie` (`publié`, `publiés`, `publie` → `publ`). Stems of 5 bytes
/// or more (not `copi`, `meti`, `papi`: `métier`, `papier`), the `-i` after a consonant.
fn join_ier_verb(word: &str, stem: &mut String) {
    const IER_VERBS: [&str; 6] = ["ifi", "oci", "eci", "udi", "ubli", "edi"];
    if stem.len() < 5 || !IER_VERBS.iter().any(|e| stem.ends_with(e)) {
        return;
    }
    match word.strip_prefix(stem.as_str()) {
        Some(rest) if rest.starts_with(['e', 'a', 'i']) => {
            stem.pop();
        }
        _ => {}
    }
}

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
/// Words ending in `-at` where it is a noun suffix, not the `-ât` of the imperfect subjunctive:
/// what comes just before `-at` in the nouns of news (`attentat`, `candidat`, `championnat`,
/// `quinquennat`, `résultat`, `contrat`, `magistrat`, `substrat`, `commissariat`,
/// `secrétariat`, `assassinat`, `syndicat`, `certificat`, `baccalauréat`, `électorat`,
/// `doctorat`, `gouvernorat`, `patronat`, `immédiat`, `constat`, `consulat`, `habitat`,
/// `anonymat`, `chocolat`, `adéquat`).
const NOUN_AT: &[&str] = &[
    "tent", "ndid", "pionn", "enn", "nsionn", "esult", "ontr", "agistr", "bstr", "ari", "ssin",
    "ic", "laure", "ctor", "rnor", "on", "mmedi", "onst", "nsul", "habit", "ym", "ocol", "dequ",
];

/// `-at` → `-ât`, the imperfect subjunctive of first-group verbs (`abandonnât`, `accrochât`,
/// `actualisât` → `abandon`, `accroch`, `actualis`, like their verb), on words of 7 bytes or
/// more (not `chat`, `achat`, `état`, `sénat`, `débat`, `mandat`, `format`, `climat`) whose
/// `-at` is no noun suffix ([`NOUN_AT`]).
fn restore_subjunctive_at(word: &mut String) {
    if word.len() < 7 || !word.ends_with("at") {
        return;
    }
    let start = word.len() - 2;
    if NOUN_AT.iter().any(|p| word[..start].ends_with(p)) {
        return;
    }
    word.truncate(start);
    word.push_str("ât");
}

/// What comes just before the `-îmes` of the simple past of `-ir` and `-re` verbs
/// (`abasourdîmes`, `partîmes`, `battîmes`, `choisîmes`, `servîmes`, `vainquîmes`,
/// `craignîmes`, `cueillîmes`, `dormîmes`, `rompîmes`, `offrîmes`, `ouvrîmes`, `finîmes`), and
/// never before the `-imes` of nouns and `-imer` verbs (`victimes`, `intimes`, `primes`,
/// `crimes`, `régimes`, `estimes`, `maximes`, `abîmes`, `sublimes`, `unanimes`, `animes`).
const SIMPLE_PAST_IMES: &[&str] = &[
    "d", "rt", "tt", "et", "ut", "at", "s", "v", "qu", "gn", "ill", "rm", "mp", "ffr", "vr", "rr",
    "n", "ol", "pl", "al", "ag", "ug",
];

/// `-imes` → `-îmes` on words of 7 bytes or more after [`SIMPLE_PAST_IMES`] (not after `an`,
/// `en`: `unanimes`, `animes`, `envenimes`), so that Snowball takes the ending off (`finimes` → `fin`).
fn restore_simple_past_imes(word: &mut String) {
    if word.len() < 7 || !word.ends_with("imes") {
        return;
    }
    let start = word.len() - 4;
    let before = &word[..start];
    if before.ends_with("an")
        || before.ends_with("en")
        || !SIMPLE_PAST_IMES.iter().any(|p| before.ends_with(p))
    {
        return;
    }
    word.truncate(start);
    word.push_str("îmes");
}

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
    fn irregular_verb_families_share_a_stem() {
        check_groups(&[
            &["obtiennent", "obtenir", "obtenu", "obtient", "obtiendra", "obtint", "obtenait"],
            &["maintenir", "maintient", "maintien", "maintiennent", "maintenu"],
            &["devenir", "devient", "deviennent", "devenu", "deviendra", "devint"],
            &["prevoit", "prevoir", "prevu", "prevue", "prevoient", "prevoyait"],
            &["voir", "voit", "voient", "vu", "vue"],
            &["comprennent", "comprendre", "comprend", "comprenait", "comprise"],
            &["permettra", "permettre", "permet", "permettent", "permettait"],
            &["conduisent", "conduire", "conduit", "conduisait"],
            &["detruire", "detruit", "detruisent"],
            &["recoivent", "recevoir", "recoit", "recu", "recevra", "recevait"],
            &["ecrire", "ecrit", "ecrivent", "ecrivait"],
            &["craindre", "craint", "craignent"],
            &["atteindre", "atteint", "atteignent"],
            &["rejoindre", "rejoint", "rejoignent"],
            &["connaitre", "connu", "connaissent"],
            &["disparaitre", "disparu", "disparaissent"],
            &["parcourir", "parcourt", "parcouru", "parcourra"],
            &["poursuivre", "poursuivent", "poursuivra"],
            &["vivre", "vivent", "vecu", "vivait"],
            &["ouvrir", "ouvert", "ouvre"],
            &["faire", "fait", "faisait", "fasse", "feront"],
            &["dire", "dit", "disent", "disait"],
            &["pouvoir", "peuvent", "pouvait"],
            &["vouloir", "veulent", "voudrait", "voulait"],
            &["devoir", "doivent", "devrait", "devait"],
            &["rendre", "rendra", "rend", "rendait"],
            &["conclure", "conclut", "conclu"],
            &["convaincre", "convaincu", "convainquait"],
            &["acquerir", "acquiert", "acquis", "acquerait"],
            &["promouvoir", "promu", "promeuvent"],
            &["entrer", "entrait", "entrera", "entrent"],
            &["interrompre", "interrompt", "interrompu", "interrompait"],
            &["envoyer", "envoie", "envoyait", "enverra"],
            &["elire", "elu", "elus", "elisent"],
            &["creer", "creent", "creait"],
        ]);
    }

    #[test]
    fn homographs_of_irregular_verbs_keep_their_own_stem() {
        check_groups(&[
            &["but"],
            &["boire"],
            &["lit"],
            &["lire"],
            &["vis"],
            &["voie", "voies"],
            &["verre"],
            &["avenue"],
            &["vienne"],
            &["chretien", "chretiens"],
            &["patient"],
            &["saint"],
            &["point"],
            &["moindre"],
            &["court"],
            &["suite"],
            &["esprit"],
            &["amis"],
            &["chemise"],
            &["limite"],
            &["comite"],
            &["mission"],
            &["commission"],
            &["affaire"],
            &["profit"],
            &["emeute"],
            &["demeure"],
            &["entre"],
            &["enfant"],
            &["action"],
            &["nation"],
            &["nager"],
            &["attentat"],
            &["attente"],
            &["fonte"],
            &["elite"],
            &["fuite"],
            &["travaille", "travaillent"],
            &["evalue"],
        ]);
        // And none of them meets its verb.
        let mut stemmer = Stemmer::new(Lang::French);
        for (noun, verb) in [
            ("but", "boire"),
            ("lit", "lire"),
            ("vis", "voir"),
            ("voie", "voir"),
            ("verre", "voir"),
            ("avenue", "venir"),
            ("vienne", "venir"),
            ("chretien", "tenir"),
            ("patient", "tenir"),
            ("saint", "craindre"),
            ("point", "joindre"),
            ("court", "courir"),
            ("esprit", "prendre"),
            ("amis", "mettre"),
            ("limite", "mettre"),
            ("commission", "commettre"),
            ("affaire", "faire"),
            ("fonte", "faire"),
            ("emeute", "emouvoir"),
            ("demeure", "mourir"),
            ("entre", "entrer"),
            ("attentat", "attente"),
            ("nation", "nager"),
        ] {
            let a = stemmer.stem(noun).to_string();
            assert_ne!(stemmer.stem(verb), a, "{noun:?} should not stem like {verb:?}");
        }
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
    fn a_fresh_stemmer_finds_stems_computed_by_another() {
        let word = "reconstitutionnalisations";
        let first = Stemmer::new(Lang::French).stem(word).to_string();
        let memo = shared_stems(Lang::French).read().unwrap_or_else(|e| e.into_inner());
        assert_eq!(memo.get(word).map(|s| &**s), Some(first.as_str()), "stem not shared");
        drop(memo);
        assert_eq!(Stemmer::new(Lang::French).stem(word), first);
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
    fn imperfect_subjunctive_at_meets_its_verb() {
        check_groups(&[
            &["abandonner", "abandonnat", "abandonnait"],
            &["accrocher", "accrochat", "accrochaient"],
            &["actualiser", "actualisat", "actualise"],
            &["manger", "mangeat", "mangent"],
            &["exercer", "exercat", "exercait"],
            &["expliquer", "expliquat", "expliquent"],
        ]);
    }

    #[test]
    fn ier_verbs_meet_their_participles() {
        check_groups(&[
            &["publier", "publie", "publiee", "publies", "publiait", "publiera"],
            &["identifier", "identifie", "identifiees", "identifiaient"],
            &["associer", "associe", "associes", "associait"],
            &["etudier", "etudie", "etudiait"],
            &["papier", "papiers"],
            &["metier", "metiers"],
        ]);
    }

    #[test]
    fn simple_past_imes_meets_its_verb_and_imes_nouns_keep_their_stem() {
        check_groups(&[
            &["finir", "finimes", "finissons"],
            &["abasourdir", "abasourdimes"],
            &["battre", "battimes"],
            &["choisir", "choisimes"],
            &["abolir", "abolimes", "abolissait"],
            &["aboutir", "aboutimes", "aboutissent"],
            &["aimer", "aimates", "aimait"],
            &["diplomate", "diplomates"],
            &["automate", "automates"],
            &["victime", "victimes"],
            &["prime", "primes"],
            &["crime", "crimes"],
            &["regime", "regimes"],
            &["unanime", "unanimes"],
        ]);
    }

    #[test]
    fn at_nouns_keep_their_stem_and_their_plural() {
        check_groups(&[
            &["attentat", "attentats"],
            &["candidat", "candidats"],
            &["championnat", "championnats"],
            &["quinquennat", "quinquennats"],
            &["resultat", "resultats"],
            &["contrat", "contrats"],
            &["magistrat", "magistrats"],
            &["secretariat", "secretariats"],
            &["assassinat", "assassinats"],
            &["syndicat", "syndicats"],
            &["baccalaureat", "baccalaureats"],
            &["electorat", "electorats"],
            &["patronat"],
            &["immediat", "immediate"],
            &["constat", "constats"],
            &["consulat", "consulats"],
            &["habitat", "habitats"],
            &["chocolat", "chocolats"],
            &["etat", "etats"],
            &["achat", "achats"],
            &["mandat", "mandats"],
        ]);
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
