//! The languages depeche analyzes, and French/English language detection.

use serde::{Deserialize, Serialize};
use unicode_normalization::char::is_combining_mark;

use super::fold::fold_latin;
use super::segmenter::is_apostrophe;

/// A language of the news that depeche indexes.
///
/// Serialized as its ISO 639-1 code: `"fr"` or `"en"`.
///
/// ```
/// use depeche::Lang;
/// assert_eq!(serde_json::to_string(&Lang::French).unwrap(), "\"fr\"");
/// assert_eq!("en".parse::<Lang>().unwrap(), Lang::English);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Lang {
    /// French, the main language.
    #[serde(rename = "fr")]
    French,
    /// English, the second language.
    #[serde(rename = "en")]
    English,
}

impl Lang {
    /// Both languages, French first.
    pub const ALL: [Lang; 2] = [Lang::French, Lang::English];

    /// The ISO 639-1 code: `"fr"` or `"en"`.
    ///
    /// ```
    /// assert_eq!(depeche::Lang::French.code(), "fr");
    /// ```
    pub fn code(self) -> &'static str {
        match self {
            Lang::French => "fr",
            Lang::English => "en",
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// The error of parsing a [`Lang`] from a string other than `fr`/`en`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?}: expected \"fr\" or \"en\"")]
pub struct UnknownLang(pub String);

impl std::str::FromStr for Lang {
    type Err = UnknownLang;

    fn from_str(s: &str) -> Result<Lang, UnknownLang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fr" | "french" | "fra" | "fre" | "français" | "francais" => Ok(Lang::French),
            "en" | "english" | "eng" | "anglais" => Ok(Lang::English),
            _ => Err(UnknownLang(s.to_string())),
        }
    }
}

// # Detection
//
// The detector is a sum of hand-weighted clues, one pass over the text, no allocation:
// 1. function words and very common news words of each language (`FRENCH_WORDS`, `ENGLISH_WORDS`),
// 2. elisions (`l'`, `qu’`) for French, contractions (`'s`, `n't`) for English,
// 3. French diacritics (é è ê à ç ù œ …),
// 4. word shapes: endings (`-eaux`, `-aient` / `-ing`, `-ness`) and letter pairs (`th`, `wh`, `w`).
// Capitalized words inside a sentence are probably names ("Le Pen", "Wembley"): their clues count
// half, unless most words are capitalized (a title-case headline).

/// [`detect`] reads at most this many bytes from the start of the text.
const MAX_SCAN_BYTES: usize = 10 * 1024;
/// Longer words (in lowercase UTF-8 bytes) give no evidence: URLs, chemical names, garbage.
const MAX_WORD_BYTES: usize = 64;
/// Longer words (in ASCII-folded bytes) give no evidence.
const MAX_FOLDED_BYTES: usize = 32;
/// The least difference between the two scores for a decision.
const MIN_MARGIN: f32 = 1.5;
/// The least share of the total evidence the winner needs for a decision (2 against 1).
const MIN_SHARE: f32 = 0.65;
/// The weight of the clues of a capitalized word inside a sentence (probably a name).
const NAME_WEIGHT: f32 = 0.5;
/// The most that the shape of one word (its endings and letter pairs) can add to a language.
const MAX_SHAPE: f32 = 2.5;

/// What [`detect`] found: the language if the evidence is clear, and the evidence itself.
///
/// The scores are sums of clue weights (function words, elisions, diacritics, word
/// endings), so they grow with the length of the text; a headline scores a few points, an
/// article some hundreds. `confidence` is in `0.0..=1.0`: 0 when nothing was found or
/// the evidence is balanced, near 1 when one language has a large and clear lead.
///
/// ```
/// use depeche::analysis::detect;
/// use depeche::Lang;
///
/// let d = detect("Les Bleus s'imposent à Wembley");
/// assert_eq!(d.lang, Some(Lang::French));
/// assert!(d.french_score > d.english_score);
/// assert!((0.0..=1.0).contains(&d.confidence));
///
/// let d = detect("2016");
/// assert_eq!(d.lang, None);
/// assert_eq!(d.confidence, 0.0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Detection {
    /// The detected language; `None` when the evidence is too thin or too balanced.
    pub lang: Option<Lang>,
    /// How sure the detector is, from 0.0 (no idea) to 1.0 (certain).
    pub confidence: f32,
    /// The weight of the French evidence (0 or more).
    pub french_score: f32,
    /// The weight of the English evidence (0 or more).
    pub english_score: f32,
}

impl Detection {
    /// The evidence score of `lang`: [`french_score`](Self::french_score) or
    /// [`english_score`](Self::english_score).
    ///
    /// ```
    /// use depeche::analysis::detect;
    /// use depeche::Lang;
    ///
    /// let d = detect("The president said that the deal was signed.");
    /// assert!(d.score(Lang::English) > d.score(Lang::French));
    /// ```
    pub fn score(&self, lang: Lang) -> f32 {
        match lang {
            Lang::French => self.french_score,
            Lang::English => self.english_score,
        }
    }
}

/// Detects whether `text` is French or English; `None` when it cannot tell.
///
/// This is [`detect`]`(text).lang`: see there for the method and its limits.
///
/// ```
/// use depeche::{detect_language, Lang};
/// assert_eq!(detect_language("Le gouvernement a annoncé une réforme des retraites."), Some(Lang::French));
/// assert_eq!(detect_language("The government announced a pension reform."), Some(Lang::English));
/// assert_eq!(detect_language("Paris"), None);
/// ```
pub fn detect_language(text: &str) -> Option<Lang> {
    detect(text).lang
}

/// Detects whether `text` is French or English, with the scores behind the answer.
///
/// The detector adds up weighted clues, with no model file and no allocation:
/// - frequent function words of each language (`les`, `dans`, `selon` / `the`, `which`,
///   `was`), compared in lowercase without accents, so that French typed without accents
///   ("Le president a annonce une reforme") is still French;
/// - French elisions (`l'`, `d’`, `qu'`, `jusqu’`), English contractions (`'s`, `n't`, `'re`);
/// - French diacritics (é è ê à ç ù œ …), precomposed or combining;
/// - word shapes: French endings such as `-eaux`, `-eux`, `-aient`, `-ique`, English ones
///   such as `-ing`, `-ed`, `-ly`, `-ness`, and letter pairs such as `th`, `wh`, `w`.
///
/// Capitalized words inside a sentence count half (they are likely names: "Macron meets
/// Merkel in Berlin" is English), unless most words are capitalized, as in title-case
/// headlines. All-capital words of 2 to 4 letters are taken for acronyms (`UN`, `US`) and
/// only their diacritics count.
///
/// The answer is `None` when the winning language does not lead by a clear margin: a
/// single name ("Paris"), a number, an acronym ("OK"), emoji, other scripts, or a text
/// with as much French as English. Three to ten words of news usually suffice.
///
/// # Cost
///
/// Linear in the text, one pass, no allocation. Only the first 10 KiB are read (cut at a
/// character boundary): news is one language throughout and the start of a long text
/// gives more than enough evidence. Any `&str` is accepted (control characters, emoji,
/// right-to-left marks); the result never panics.
///
/// ```
/// use depeche::analysis::detect;
/// use depeche::Lang;
///
/// assert_eq!(detect("Le president a annonce une reforme").lang, Some(Lang::French));
/// assert_eq!(detect("Macron meets Merkel in Berlin").lang, Some(Lang::English));
/// assert_eq!(detect("OK").lang, None);
/// ```
pub fn detect(text: &str) -> Detection {
    let mut scan = Scan::new();
    scan.text(prefix(text, MAX_SCAN_BYTES), false);
    scan.finish()
}

/// The language of an article, from its texts in order (title, lead, body), each read as
/// if it ended a sentence; `None` as [`detect_language`] says.
///
/// The same answer as [`detect_language`] on the texts joined by line breaks, read up to
/// the end of the sentence where one language has a lead that the rest of an article does
/// not overturn in practice: [`DECISIVE_WORDS`] words and more, [`DECISIVE_SHARE`] of the
/// evidence and [`DECISIVE_MARGIN`] points ahead (a few sentences of news). Measured on
/// 1,291 French Wikinews articles, 123 NTREX articles in French and in English and 1,518
/// PIAF passages, each with and without its title: the same answer as the whole sample
/// for all 6,110 texts, for a fraction of the reading on most.
pub(crate) fn detect_article_language(texts: &[&str]) -> Option<Lang> {
    let mut scan = Scan::new();
    let mut left = MAX_SCAN_BYTES;
    for text in texts {
        if left == 0 {
            break;
        }
        let text = prefix(text, left);
        left -= text.len();
        if scan.text(text, true) {
            break;
        }
        scan.sentence_break();
    }
    scan.finish().lang
}

/// Words read before the article detector may stop on a decisive lead.
const DECISIVE_WORDS: u32 = 40;
/// The winner's least share of the evidence for the article detector to stop.
const DECISIVE_SHARE: f32 = 0.9;
/// The winner's least lead (in clue points) for the article detector to stop.
const DECISIVE_MARGIN: f32 = 20.0;

/// One pass of the detector over one or more texts.
struct Scan {
    tally: Tally,
    word: Word,
    sentence_start: bool,
}

impl Scan {
    fn new() -> Scan {
        Scan { tally: Tally::default(), word: Word::new(), sentence_start: true }
    }

    /// Reads `text`; with `early`, stops at the end of a sentence once the lead is decisive,
    /// and says whether it did.
    fn text(&mut self, text: &str, early: bool) -> bool {
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if is_letter(c) {
                self.word.push(c);
                continue;
            }
            if is_apostrophe(c) && !self.word.is_empty() {
                // "l’avion", "don't" join; "l' OMS" and "players' " end the word on it.
                self.word.push_apostrophe();
                if chars.clone().next().is_some_and(is_letter) {
                    continue;
                }
            }
            self.end_word();
            if is_sentence_break(c) {
                self.sentence_start = true;
                if early && self.tally.decisive() {
                    return true;
                }
            }
        }
        false
    }

    fn end_word(&mut self) {
        if !self.word.is_empty() {
            self.tally.word(&self.word, self.sentence_start);
            self.word.clear();
            self.sentence_start = false;
        }
    }

    /// A line break between two texts.
    fn sentence_break(&mut self) {
        self.end_word();
        self.sentence_start = true;
    }

    fn finish(mut self) -> Detection {
        self.end_word();
        self.tally.detection()
    }
}

/// The longest prefix of `text` of at most `max` bytes that ends on a char boundary.
fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn is_letter(c: char) -> bool {
    c.is_alphabetic() || is_combining_mark(c)
}

fn is_sentence_break(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | ':' | ';' | '\n' | '\r' | '«' | '"' | '“' | '(' | '[' | '–' | '—')
}

/// One word being read: its lowercase form and its lowercase ASCII-folded form, in two
/// buffers allocated once per scan (none per word), and how it was capitalized.
struct Word {
    /// At most [`MAX_WORD_BYTES`], in a buffer allocated once per scan.
    lower: String,
    /// At most [`MAX_FOLDED_BYTES`], in a buffer allocated once per scan.
    folded: String,
    /// An apostrophe was pushed: only then does [`score_word`] look for one.
    apostrophe: bool,
    chars: usize,
    uppers: usize,
    first_upper: bool,
    /// A char with no ASCII fold (another script): the folded form is unusable.
    foreign: bool,
    /// Too long for a buffer: the word gives no evidence.
    overflow: bool,
}

impl Word {
    fn new() -> Word {
        Word {
            lower: String::with_capacity(MAX_WORD_BYTES),
            folded: String::with_capacity(MAX_FOLDED_BYTES),
            apostrophe: false,
            chars: 0,
            uppers: 0,
            first_upper: false,
            foreign: false,
            overflow: false,
        }
    }

    fn is_empty(&self) -> bool {
        self.chars == 0
    }

    fn clear(&mut self) {
        self.lower.clear();
        self.folded.clear();
        self.apostrophe = false;
        self.chars = 0;
        self.uppers = 0;
        self.first_upper = false;
        self.foreign = false;
        self.overflow = false;
    }

    fn push(&mut self, c: char) {
        if c.is_ascii() {
            // Fast path, the same as below: an ASCII letter is its own fold.
            let upper = c.is_ascii_uppercase();
            if self.chars == 0 {
                self.first_upper = upper;
            }
            self.chars += 1;
            self.uppers += usize::from(upper);
            if !self.overflow {
                let lc = c.to_ascii_lowercase() as u8;
                self.push_ascii(lc);
            }
            return;
        }
        let upper = c.is_uppercase();
        if self.chars == 0 {
            self.first_upper = upper;
        }
        self.chars += 1;
        self.uppers += usize::from(upper);
        if self.overflow {
            return;
        }
        for lc in c.to_lowercase() {
            self.push_lower(lc);
            match fold(lc) {
                Some(ascii) => self.push_folded(ascii),
                None if is_combining_mark(lc) => {}
                None => self.foreign = true,
            }
        }
    }

    /// A lowercase ASCII letter into both forms.
    fn push_ascii(&mut self, b: u8) {
        if self.lower.len() + 1 > MAX_WORD_BYTES {
            self.overflow = true;
            return;
        }
        self.lower.push(char::from(b));
        if self.folded.len() + 1 > MAX_FOLDED_BYTES {
            self.overflow = true;
            return;
        }
        self.folded.push(char::from(b));
    }

    fn push_apostrophe(&mut self) {
        self.apostrophe = true;
        self.push_lower('\'');
        self.push_folded("'");
    }

    fn push_lower(&mut self, c: char) {
        let len = c.len_utf8();
        if self.lower.len() + len > MAX_WORD_BYTES {
            self.overflow = true;
            return;
        }
        self.lower.push(c);
    }

    fn push_folded(&mut self, ascii: &str) {
        if self.folded.len() + ascii.len() > MAX_FOLDED_BYTES {
            self.overflow = true;
            return;
        }
        self.folded.push_str(ascii);
    }

    /// The lowercase and folded forms, or `None` when the word cannot be used.
    fn forms(&self) -> Option<(&str, &str)> {
        if self.overflow || self.foreign {
            return None;
        }
        Some((&self.lower, &self.folded))
    }

    /// `UN`, `USA`, `NATO`: all capitals, 2 to 4 letters.
    fn is_acronym(&self) -> bool {
        (2..=4).contains(&self.chars) && self.uppers == self.chars
    }
}

/// The lowercase ASCII letters for a lowercase letter of a Latin script, `None` otherwise.
fn fold(c: char) -> Option<&'static str> {
    if c.is_ascii_lowercase() {
        const LETTERS: &str = "abcdefghijklmnopqrstuvwxyz";
        let i = (c as u8 - b'a') as usize;
        return Some(&LETTERS[i..i + 1]);
    }
    fold_latin(c).filter(|s| s.bytes().all(|b| b.is_ascii_lowercase()))
}

/// A French diacritic, precomposed or combining (acute, grave, circumflex, diaeresis, cedilla).
fn is_french_accent(c: char) -> bool {
    matches!(
        c,
        'é' | 'è'
            | 'ê'
            | 'ë'
            | 'à'
            | 'â'
            | 'î'
            | 'ï'
            | 'ô'
            | 'ù'
            | 'û'
            | 'ç'
            | 'œ'
            | '\u{300}'
            | '\u{301}'
            | '\u{302}'
            | '\u{308}'
            | '\u{327}'
    )
}

/// Evidence for each language.
#[derive(Clone, Copy, Default)]
struct Evidence {
    fr: f32,
    en: f32,
}

/// The evidence of the words read so far: plain words and probable names apart.
#[derive(Default)]
struct Tally {
    plain: Evidence,
    names: Evidence,
    plain_words: u32,
    name_words: u32,
}

impl Tally {
    fn word(&mut self, word: &Word, sentence_start: bool) {
        let Some((lower, folded)) = word.forms() else {
            return;
        };
        let name = word.first_upper && !sentence_start && word.uppers < word.chars;
        let ev = if name {
            self.name_words += 1;
            &mut self.names
        } else {
            self.plain_words += 1;
            &mut self.plain
        };
        if word.apostrophe {
            score_word(lower, folded, word.is_acronym(), ev);
        } else {
            // No apostrophe to look for: what `score_word` does with none.
            score_plain(lower, folded, word.is_acronym(), ev);
        }
    }

    /// Whether one language leads by so much that the rest of an article will not change
    /// the answer ([`detect_article_language`]).
    fn decisive(&self) -> bool {
        if self.plain_words + self.name_words < DECISIVE_WORDS {
            return false;
        }
        let d = self.detection();
        let (hi, lo) = if d.french_score > d.english_score {
            (d.french_score, d.english_score)
        } else {
            (d.english_score, d.french_score)
        };
        d.lang.is_some() && hi - lo >= DECISIVE_MARGIN && hi >= DECISIVE_SHARE * (hi + lo)
    }

    fn detection(&self) -> Detection {
        // In a title-case headline most words are capitalized: they are not all names.
        let name_weight = if self.name_words > self.plain_words { 1.0 } else { NAME_WEIGHT };
        let fr = self.plain.fr + name_weight * self.names.fr;
        let en = self.plain.en + name_weight * self.names.en;
        let total = fr + en;
        let margin = (fr - en).abs();
        if total <= 0.0 || !total.is_finite() || !margin.is_finite() {
            return Detection {
                french_score: fr.max(0.0),
                english_score: en.max(0.0),
                ..Detection::default()
            };
        }
        let share = fr.max(en) / total;
        let lang = if margin >= MIN_MARGIN && share >= MIN_SHARE {
            Some(if fr > en { Lang::French } else { Lang::English })
        } else {
            None
        };
        // Lead over the total evidence, discounted when there is little of it.
        let confidence = (margin / total) * (1.0 - (-margin / 4.0).exp());
        Detection {
            lang,
            confidence: confidence.clamp(0.0, 1.0),
            french_score: fr,
            english_score: en,
        }
    }
}

/// Scores one word, given as lowercase and folded forms that have the same apostrophes.
fn score_word(lower: &str, folded: &str, acronym: bool, ev: &mut Evidence) {
    let (Some(la), Some(fa)) = (lower.find('\''), folded.find('\'')) else {
        score_plain(lower, folded, acronym, ev);
        return;
    };
    let (lp, ls) = (&lower[..la], &lower[la + 1..]);
    let (fp, fs) = (&folded[..fa], &folded[fa + 1..]);
    if is_elision(fp) {
        // "l'avion", "qu’il"; "l' OMS" (a space after the apostrophe) counts a little less.
        if fs.is_empty() {
            ev.fr += 1.5;
        } else {
            ev.fr += 2.0;
            score_word(ls, fs, false, ev);
        }
    } else if fp == "aujourd" {
        ev.fr += 2.0;
    } else if fs.is_empty() {
        // "players' " (or a closing quote)
        ev.en += 0.5;
        score_plain(lp, fp, acronym, ev);
    } else if fs == "s" {
        ev.en += 1.5;
        score_plain(lp, fp, acronym, ev);
    } else if fs == "t" && fp.ends_with('n') {
        ev.en += 2.0;
    } else if matches!(fs, "re" | "ve" | "ll" | "d" | "m") {
        ev.en += 1.5;
    }
    // Otherwise a name such as "O'Brien" or "N’Djamena": no evidence.
}

/// A French elided word or lexicalized prefix before an apostrophe (`l’`, `qu’`, `aujourd’`).
fn is_elision(prefix: &str) -> bool {
    super::elision::is_elision(Lang::French, prefix) || super::elision::is_lexicalized(prefix)
}

/// Scores a word without apostrophe.
fn score_plain(lower: &str, folded: &str, acronym: bool, ev: &mut Evidence) {
    if folded.is_empty() {
        return;
    }
    if !lower.is_ascii() && lower.chars().any(is_french_accent) {
        ev.fr += if lower == "à" { 2.0 } else { 1.0 };
    }
    if acronym {
        return;
    }
    let (fr, en) = word_weights(folded);
    if fr > 0.0 || en > 0.0 {
        ev.fr += fr;
        ev.en += en;
        return;
    }
    if folded.len() >= 3 {
        let (fr, en) = shape(lower, folded);
        ev.fr += fr.min(MAX_SHAPE);
        ev.en += en.min(MAX_SHAPE);
    }
}

/// Clues from the letters of a word that is not in the word lists.
fn shape(lower: &str, w: &str) -> (f32, f32) {
    let (lower, w) = (lower.as_bytes(), w.as_bytes());
    let (mut fr, mut en) = endings(w);
    let len = w.len();
    if (len >= 5 && (ends(w, b"ing") || ends(w, b"ings")))
        || (len >= 4 && (ends(w, b"ed") || ends(w, b"ly")))
    {
        en += 1.5;
    } else if ends(w, b"y") && !ends(w, b"ay") && !ends(w, b"ey") {
        en += 0.7;
    }
    // Letter groups, each counted once per word, found in one pass over the lowercase
    // form (not the folded one, so that French "-ée" is not English "ee").
    const EAU: u16 = 1;
    const OEU_OUV: u16 = 1 << 1;
    const QU: u16 = 1 << 2;
    const OI: u16 = 1 << 3;
    const W: u16 = 1 << 4;
    const TH: u16 = 1 << 5;
    const SH: u16 = 1 << 6;
    const OO: u16 = 1 << 7;
    const EE: u16 = 1 << 8;
    const EA: u16 = 1 << 9;
    const K: u16 = 1 << 10;
    let mut seen = 0;
    for (i, &b) in lower.iter().enumerate() {
        let next = lower.get(i + 1).copied().unwrap_or(0);
        let after = lower.get(i + 2).copied().unwrap_or(0);
        seen |= match (b, next) {
            (b'e', b'a') if after == b'u' => EAU,
            (b'e', b'a') => EA,
            (b'o', b'e') if after == b'u' => OEU_OUV,
            (b'o', b'u') if after == b'v' => OEU_OUV,
            (b'q', b'u') => QU,
            (b'o', b'i') => OI,
            (b't', b'h') => TH,
            (b's', b'h') => SH,
            (b'o', b'o') => OO,
            (b'e', b'e') => EE,
            (b'w', _) => W,
            (b'k', _) => K,
            _ => 0,
        };
    }
    let weight = |flag: u16, weight: f32| if seen & flag != 0 { weight } else { 0.0 };
    fr += weight(EAU, 1.0) + weight(OEU_OUV, 1.0) + weight(QU, 0.5) + weight(OI, 0.5);
    en += if lower.starts_with(b"wh") { 1.5 } else { weight(W, 0.7) };
    en += weight(TH, 1.0) + weight(SH, 0.7) + weight(OO, 0.7) + weight(EE, 0.7) + weight(K, 0.3);
    if seen & EAU == 0 {
        en += weight(EA, 0.5);
    }
    (fr, en)
}

/// Whether `w` ends with `pat`.
fn ends(w: &[u8], pat: &[u8]) -> bool {
    w.len() >= pat.len() && same(&w[w.len() - pat.len()..], pat)
}

/// `a == b` for short slices, as a loop that the compiler inlines (no `memcmp` call).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// `a.cmp(b)` for short slices, as a loop that the compiler inlines (no `memcmp` call).
#[cfg(test)]
fn compare(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x.cmp(y);
        }
    }
    a.len().cmp(&b.len())
}

/// Endings of one table that end with the same byte, in table order.
type Bucket = Vec<(&'static [u8], f32)>;

/// [`ending`]`(w, FRENCH_ENDINGS)` and [`ending`]`(w, ENGLISH_ENDINGS)`, looking only at the
/// endings that end with the last byte of `w` (tables built once, in table order, so the
/// first match is the same).
fn endings(w: &[u8]) -> (f32, f32) {
    static BUCKETS: std::sync::OnceLock<[Vec<Bucket>; 2]> = std::sync::OnceLock::new();
    let buckets = BUCKETS.get_or_init(|| {
        [FRENCH_ENDINGS, ENGLISH_ENDINGS].map(|table| {
            let mut by_last: Vec<Bucket> = vec![Vec::new(); 256];
            for &(end, weight) in table {
                if let Some(&last) = end.as_bytes().last() {
                    by_last[usize::from(last)].push((end.as_bytes(), weight));
                }
            }
            by_last
        })
    });
    let Some(&last) = w.last() else { return (0.0, 0.0) };
    let weight = |bucket: &Bucket| {
        bucket
            .iter()
            .find(|(end, _)| w.len() > end.len() && ends(w, end))
            .map_or(0.0, |&(_, weight)| weight)
    };
    (weight(&buckets[0][usize::from(last)]), weight(&buckets[1][usize::from(last)]))
}

/// The weight of the first (longest) ending of `table` that `w` has, if `w` is longer.
#[cfg(test)]
fn ending(w: &[u8], table: &[(&str, f32)]) -> f32 {
    table
        .iter()
        // The last byte first: a cheap test that rules out most endings.
        .find(|(end, _)| {
            end.as_bytes().last() == w.last() && w.len() > end.len() && ends(w, end.as_bytes())
        })
        .map_or(0.0, |&(_, weight)| weight)
}

/// French word endings (folded), longest first among those that overlap.
static FRENCH_ENDINGS: &[(&str, f32)] = &[
    ("aient", 2.0),
    ("eaux", 1.5),
    ("eau", 1.5),
    ("euses", 1.5),
    ("euse", 1.5),
    ("eux", 1.5),
    ("aux", 1.5),
    ("oux", 1.0),
    ("eurs", 1.0),
    ("eur", 1.0),
    ("iques", 1.0),
    ("ique", 1.0),
    ("ques", 1.0),
    ("que", 1.0),
    ("mment", 1.5),
    ("eille", 1.5),
    ("eil", 1.5),
    ("ienne", 1.0),
    ("iennes", 1.0),
    ("iens", 1.0),
    ("ien", 1.0),
    ("istes", 1.0),
    ("iste", 1.0),
    ("isme", 1.0),
    ("oires", 1.0),
    ("oire", 1.0),
    ("oir", 1.0),
    ("gnes", 1.0),
    ("gne", 1.0),
    ("ait", 1.0),
    ("ais", 1.0),
    ("elles", 0.7),
    ("elle", 0.7),
    ("ettes", 0.7),
    ("ette", 0.7),
    ("illes", 0.7),
    ("ille", 0.7),
    ("tres", 0.7),
    ("tre", 0.7),
    ("oises", 0.7),
    ("oise", 0.7),
    ("ois", 0.7),
    ("ez", 0.5),
];

/// English word endings (folded), longest first among those that overlap. `-ing`, `-ed`,
/// `-ly` and `-y` are handled apart.
static ENGLISH_ENDINGS: &[(&str, f32)] = &[
    ("ness", 2.0),
    ("ghts", 2.0),
    ("ght", 2.0),
    ("ough", 2.0),
    ("ould", 2.0),
    ("ships", 1.5),
    ("ship", 1.5),
    ("ful", 1.5),
    ("ous", 1.5),
    ("ity", 1.0),
    ("ies", 1.0),
    ("ics", 1.0),
    ("ism", 1.0),
    ("ists", 1.0),
    ("ist", 1.0),
    ("ows", 1.0),
    ("ow", 1.0),
    ("ays", 1.0),
    ("ay", 1.0),
    ("cks", 1.0),
    ("ck", 1.0),
    ("ians", 0.7),
    ("ian", 0.7),
    ("ates", 0.7),
    ("ate", 0.7),
    ("ey", 0.7),
    ("ic", 0.5),
];

/// The weights of a word (folded) in [`FRENCH_WORDS`] and [`ENGLISH_WORDS`], 0 where it is
/// not there: one hash lookup in a table built once, instead of a binary search in each
/// (which took a quarter of the detector's time, the detector a fifth of a bulk import's).
fn word_weights(w: &str) -> (f32, f32) {
    static WEIGHTS: std::sync::OnceLock<rustc_hash::FxHashMap<&'static str, (f32, f32)>> =
        std::sync::OnceLock::new();
    let weights = WEIGHTS.get_or_init(|| {
        let mut weights = rustc_hash::FxHashMap::default();
        for &(word, weight) in FRENCH_WORDS {
            weights.entry(word).or_insert((0.0, 0.0)).0 = weight;
        }
        for &(word, weight) in ENGLISH_WORDS {
            weights.entry(word).or_insert((0.0, 0.0)).1 = weight;
        }
        weights
    });
    weights.get(w).copied().unwrap_or((0.0, 0.0))
}

/// The weight of a word (folded) in a table sorted by word; 0 when it is not there.
#[cfg(test)]
fn word_weight(table: &[(&str, f32)], w: &str) -> f32 {
    table
        .binary_search_by(|&(word, _)| compare(word.as_bytes(), w.as_bytes()))
        .map_or(0.0, |i| table[i].1)
}

/// French function words and very common news words (folded), sorted, with their weight.
///
/// Written for French news in general, not fitted to any test data. Words as common in
/// English ("president", "police", "on") are left out or weigh little.
#[rustfmt::skip]
static FRENCH_WORDS: &[(&str, f32)] = &[
    ("accord", 0.5), ("afin", 2.0), ("ainsi", 2.0), ("alors", 2.0), ("an", 0.5), ("annee", 2.0),
    ("annees", 2.0), ("annonce", 1.5), ("ans", 2.0), ("aout", 2.0), ("apres", 2.0),
    ("attentat", 2.0), ("au", 1.5), ("aucun", 2.0), ("aucune", 2.0), ("aujourd", 2.0),
    ("aupres", 2.0), ("aussi", 2.0), ("autour", 2.0), ("autre", 2.0), ("autres", 2.0), ("aux", 2.0),
    ("avaient", 2.0), ("avait", 2.0), ("avant", 2.0), ("avec", 2.0), ("avez", 2.0), ("avoir", 2.0),
    ("avons", 2.0), ("avril", 2.0), ("beaucoup", 2.0), ("bien", 1.5), ("blesses", 2.0), ("ca", 1.0),
    ("candidat", 1.5), ("cas", 1.0), ("ce", 1.5), ("ceci", 2.0), ("cela", 2.0), ("celle", 2.0),
    ("celles", 2.0), ("celui", 2.0), ("cent", 2.0), ("cependant", 2.0), ("certaines", 2.0),
    ("certains", 2.0), ("ces", 2.0), ("cet", 2.0), ("cette", 2.0), ("ceux", 2.0), ("chaque", 2.0),
    ("chez", 2.0), ("cinq", 2.0), ("comme", 2.0), ("comment", 0.5), ("contre", 2.0), ("cours", 1.0),
    ("dans", 2.0), ("de", 1.0), ("decede", 2.0), ("decembre", 2.0), ("deces", 2.0), ("deja", 2.0),
    ("depuis", 2.0), ("dernier", 2.0), ("derniere", 2.0), ("derriere", 2.0), ("des", 2.0),
    ("desormais", 2.0), ("deux", 2.0), ("devant", 2.0), ("devrait", 2.0), ("dimanche", 2.0),
    ("dire", 0.5), ("dit", 1.5), ("dix", 2.0), ("doit", 2.0), ("doivent", 2.0), ("donc", 2.0),
    ("dont", 2.0), ("douze", 2.0), ("du", 2.0), ("durant", 2.0), ("egalement", 2.0), ("elle", 2.0),
    ("elles", 2.0), ("en", 1.5), ("encore", 2.0), ("enfant", 2.0), ("enfants", 2.0), ("enfin", 2.0),
    ("enquete", 2.0), ("ensuite", 2.0), ("entre", 2.0), ("environ", 2.0), ("est", 1.5), ("et", 1.5),
    ("etaient", 2.0), ("etait", 2.0), ("etat", 1.5), ("etats", 2.0), ("ete", 2.0), ("etre", 2.0),
    ("faire", 2.0), ("fait", 1.5), ("faut", 2.0), ("femme", 2.0), ("femmes", 2.0), ("fevrier", 2.0),
    ("fois", 2.0), ("font", 1.5), ("francais", 2.0), ("francaise", 2.0), ("fut", 2.0),
    ("gouvernement", 2.0), ("grand", 1.0), ("grande", 1.5), ("greve", 2.0), ("guerre", 2.0),
    ("haut", 1.5), ("hier", 2.0), ("homme", 2.0), ("hommes", 2.0), ("hors", 1.5), ("huit", 2.0),
    ("ici", 2.0), ("il", 1.5), ("ils", 2.0), ("incendie", 2.0), ("jamais", 2.0), ("janvier", 2.0),
    ("je", 2.0), ("jeudi", 2.0), ("jour", 2.0), ("jours", 2.0), ("juge", 1.0), ("juillet", 2.0),
    ("juin", 2.0), ("jusque", 2.0), ("la", 1.0), ("laquelle", 2.0), ("le", 1.0), ("lequel", 2.0),
    ("les", 2.0), ("lesquels", 2.0), ("leur", 2.0), ("leurs", 2.0), ("lieu", 2.0), ("loi", 2.0),
    ("loin", 2.0), ("lors", 2.0), ("lorsque", 2.0), ("lui", 2.0), ("lundi", 2.0), ("ma", 0.5),
    ("mai", 1.0), ("mais", 2.0), ("malgre", 2.0), ("mardi", 2.0), ("mars", 1.0), ("meme", 2.0),
    ("memes", 2.0), ("mercredi", 2.0), ("mes", 1.5), ("meurt", 2.0), ("mieux", 2.0), ("mille", 1.0),
    ("milliard", 2.0), ("milliards", 2.0), ("ministre", 2.0), ("moins", 2.0), ("mois", 2.0),
    ("mon", 1.0), ("monde", 2.0), ("mort", 1.5), ("morts", 1.5), ("ne", 1.5), ("ni", 1.0),
    ("nom", 1.5), ("nombreuses", 2.0), ("nombreux", 2.0), ("non", 0.5), ("nos", 1.5),
    ("notamment", 2.0), ("notre", 2.0), ("nous", 2.0), ("nouveau", 2.0), ("nouveaux", 2.0),
    ("nouvelle", 2.0), ("nouvelles", 2.0), ("novembre", 2.0), ("octobre", 2.0), ("ont", 2.0),
    ("ou", 1.5), ("oui", 2.0), ("outre", 1.5), ("par", 1.5), ("parce", 2.0), ("parmi", 2.0),
    ("pas", 1.5), ("pays", 2.0), ("pendant", 2.0), ("personnes", 2.0), ("petit", 2.0),
    ("petite", 2.0), ("peu", 2.0), ("peut", 2.0), ("peuvent", 2.0), ("plus", 1.5),
    ("plusieurs", 2.0), ("pour", 2.0), ("pourquoi", 2.0), ("pourrait", 2.0), ("pourtant", 2.0),
    ("premier", 1.5), ("premiere", 1.5), ("premieres", 2.0), ("premiers", 2.0), ("pres", 2.0),
    ("presidentielle", 2.0), ("proces", 2.0), ("projet", 2.0), ("puis", 2.0), ("puisque", 2.0),
    ("quand", 2.0), ("quant", 1.5), ("quatre", 2.0), ("que", 1.5), ("quel", 2.0), ("quelle", 2.0),
    ("quelles", 2.0), ("quels", 2.0), ("qui", 1.5), ("quoi", 2.0), ("reforme", 1.5),
    ("retraites", 1.5), ("sa", 1.0), ("samedi", 2.0), ("sans", 2.0), ("sauf", 1.5), ("se", 1.0),
    ("sein", 2.0), ("seisme", 2.0), ("selon", 2.0), ("semaine", 2.0), ("sept", 2.0),
    ("septembre", 2.0), ("sera", 2.0), ("seraient", 2.0), ("serait", 2.0), ("seront", 2.0),
    ("ses", 2.0), ("si", 1.0), ("soit", 2.0), ("sommes", 2.0), ("son", 0.7), ("sont", 2.0),
    ("sous", 2.0), ("suis", 2.0), ("sur", 1.5), ("ta", 0.5), ("tandis", 2.0), ("tant", 1.5),
    ("te", 1.0), ("ton", 0.5), ("toujours", 2.0), ("tous", 2.0), ("tout", 2.0), ("toute", 2.0),
    ("toutefois", 2.0), ("toutes", 2.0), ("trente", 2.0), ("tres", 2.0), ("trois", 2.0),
    ("trop", 2.0), ("tu", 1.5), ("un", 1.5), ("une", 2.0), ("unis", 1.5), ("va", 1.0),
    ("vendredi", 2.0), ("vers", 2.0), ("veut", 2.0), ("ville", 2.0), ("vingt", 2.0), ("voici", 2.0),
    ("voila", 2.0), ("voir", 2.0), ("vont", 2.0), ("vos", 1.5), ("votre", 2.0), ("vous", 2.0),
    ("y", 1.0),
];

/// English function words and very common news words (folded), sorted, with their weight.
///
/// Written for English news in general, not fitted to any test data. Words as common in
/// French ("a", "me", "police", "president") are left out or weigh little.
#[rustfmt::skip]
static ENGLISH_WORDS: &[(&str, f32)] = &[
    ("about", 2.0), ("above", 1.5), ("across", 2.0), ("after", 2.0), ("again", 2.0),
    ("against", 2.0), ("all", 1.5), ("along", 2.0), ("already", 2.0), ("also", 2.0),
    ("although", 2.0), ("always", 2.0), ("amid", 2.0), ("among", 2.0), ("amongst", 2.0),
    ("an", 1.0), ("and", 2.0), ("any", 2.0), ("april", 2.0), ("are", 1.5), ("around", 2.0),
    ("as", 1.0), ("at", 1.5), ("august", 1.0), ("back", 1.5), ("be", 1.5), ("became", 2.0),
    ("because", 2.0), ("become", 2.0), ("been", 2.0), ("before", 2.0), ("behind", 2.0),
    ("being", 2.0), ("below", 1.5), ("between", 2.0), ("beyond", 2.0), ("big", 1.5),
    ("billion", 1.5), ("both", 2.0), ("but", 1.0), ("by", 1.5), ("call", 1.0), ("calls", 1.5),
    ("came", 2.0), ("can", 1.5), ("children", 2.0), ("city", 1.5), ("claims", 1.5), ("come", 1.5),
    ("could", 2.0), ("country", 2.0), ("cuts", 1.0), ("day", 1.5), ("days", 1.5), ("dead", 1.5),
    ("deal", 1.5), ("death", 1.5), ("december", 2.0), ("despite", 2.0), ("did", 2.0), ("do", 1.0),
    ("does", 2.0), ("done", 1.5), ("down", 1.5), ("due", 1.0), ("during", 2.0), ("each", 2.0),
    ("early", 1.5), ("eight", 2.0), ("even", 1.5), ("ever", 1.5), ("every", 2.0), ("faces", 1.0),
    ("february", 2.0), ("first", 1.5), ("five", 2.0), ("for", 1.5), ("former", 1.5), ("found", 1.5),
    ("four", 2.0), ("friday", 2.0), ("from", 2.0), ("get", 1.5), ("go", 1.0), ("got", 1.5),
    ("government", 2.0), ("had", 1.5), ("has", 1.5), ("have", 2.0), ("he", 1.5), ("help", 1.5),
    ("her", 1.5), ("here", 2.0), ("high", 1.5), ("him", 2.0), ("his", 2.0), ("hits", 1.5),
    ("how", 2.0), ("however", 2.0), ("hundreds", 2.0), ("i", 0.5), ("if", 1.5), ("in", 1.5),
    ("into", 2.0), ("is", 1.5), ("it", 1.0), ("its", 2.0), ("january", 2.0), ("july", 2.0),
    ("june", 2.0), ("just", 1.5), ("know", 2.0), ("last", 1.0), ("later", 1.5), ("least", 1.5),
    ("less", 1.5), ("like", 1.5), ("long", 1.0), ("made", 1.5), ("make", 1.5), ("man", 1.0),
    ("many", 2.0), ("march", 1.0), ("may", 1.0), ("meet", 1.5), ("meets", 1.5), ("men", 1.5),
    ("might", 2.0), ("million", 1.0), ("minister", 1.0), ("monday", 2.0), ("more", 1.5),
    ("most", 1.5), ("much", 2.0), ("must", 1.5), ("my", 1.5), ("near", 1.5), ("need", 1.5),
    ("never", 2.0), ("new", 1.0), ("next", 1.5), ("nine", 2.0), ("no", 0.5), ("not", 2.0),
    ("november", 2.0), ("now", 1.5), ("october", 2.0), ("of", 2.0), ("off", 1.0), ("old", 1.5),
    ("on", 0.7), ("one", 1.0), ("only", 2.0), ("onto", 2.0), ("or", 0.7), ("other", 2.0),
    ("others", 2.0), ("our", 2.0), ("out", 1.5), ("over", 1.5), ("own", 2.0), ("people", 2.0),
    ("per", 0.5), ("plan", 1.0), ("plans", 1.5), ("put", 1.0), ("said", 2.0), ("saturday", 2.0),
    ("say", 2.0), ("says", 2.0), ("see", 1.5), ("seeks", 2.0), ("seen", 2.0), ("september", 2.0),
    ("set", 1.0), ("seven", 1.5), ("several", 1.5), ("shall", 2.0), ("she", 2.0), ("should", 2.0),
    ("show", 1.5), ("signs", 1.0), ("since", 1.5), ("slams", 2.0), ("so", 1.0), ("some", 2.0),
    ("state", 1.0), ("still", 1.5), ("such", 2.0), ("sunday", 2.0), ("take", 1.5), ("ten", 1.0),
    ("than", 2.0), ("that", 2.0), ("the", 2.0), ("their", 2.0), ("them", 2.0), ("then", 2.0),
    ("there", 2.0), ("these", 2.0), ("they", 2.0), ("think", 2.0), ("this", 2.0), ("those", 2.0),
    ("though", 2.0), ("thousands", 2.0), ("three", 2.0), ("through", 2.0), ("thursday", 2.0),
    ("time", 1.5), ("to", 1.5), ("told", 2.0), ("too", 1.5), ("took", 2.0), ("toward", 2.0),
    ("towards", 2.0), ("tuesday", 2.0), ("two", 2.0), ("under", 1.5), ("until", 2.0), ("up", 1.5),
    ("upon", 2.0), ("urges", 2.0), ("us", 1.0), ("very", 1.5), ("vows", 2.0), ("want", 2.0),
    ("warns", 2.0), ("was", 2.0), ("way", 1.5), ("we", 1.5), ("wednesday", 2.0), ("week", 1.5),
    ("well", 1.5), ("went", 2.0), ("were", 2.0), ("what", 2.0), ("when", 2.0), ("where", 2.0),
    ("whether", 2.0), ("which", 2.0), ("while", 2.0), ("who", 2.0), ("whom", 2.0), ("whose", 2.0),
    ("why", 2.0), ("will", 2.0), ("win", 1.0), ("wins", 1.5), ("with", 2.0), ("within", 2.0),
    ("without", 2.0), ("woman", 2.0), ("women", 2.0), ("won", 1.5), ("world", 1.5), ("would", 2.0),
    ("year", 1.5), ("years", 1.5), ("yes", 2.0), ("you", 1.5), ("your", 2.0),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_folded_and_unique() {
        for table in [FRENCH_WORDS, ENGLISH_WORDS, FRENCH_ENDINGS, ENGLISH_ENDINGS] {
            for &(word, weight) in table {
                assert!(word.bytes().all(|b| b.is_ascii_lowercase()), "{word:?}");
                assert!(weight > 0.0 && weight <= 2.0, "{word:?}");
            }
        }
        for table in [FRENCH_WORDS, ENGLISH_WORDS] {
            for pair in table.windows(2) {
                assert!(pair[0].0 < pair[1].0, "{:?} before {:?}", pair[0].0, pair[1].0);
            }
        }
    }

    #[test]
    fn article_detection_answers_as_the_joined_texts() {
        let fr = "Le gouvernement a annoncé jeudi une réforme des retraites.";
        let en = "The government announced a pension reform on Thursday.";
        let cases: [[&str; 3]; 7] = [
            ["", "", ""],
            ["Paris", "", ""],
            [fr, "", ""],
            ["", en, ""],
            ["Macron à Berlin", "", en],
            [fr, en, fr],
            ["OK", "l'OMS", "qu'il"],
        ];
        for [title, lead, body] in cases {
            let joined = format!("{title}\n{lead}\n{body}");
            assert_eq!(
                detect_article_language(&[title, lead, body]),
                detect_language(&joined),
                "{joined:?}"
            );
        }
    }

    #[test]
    fn article_detection_stops_on_a_decisive_lead() {
        // Six French sentences, then a long English quote: the whole text leans English, the
        // article detector has stopped reading before it.
        let french = "Le président de la République a reçu les syndicats à l'Élysée, \
            selon un communiqué publié dans la soirée. Les discussions ont porté sur les \
            salaires et sur la durée du travail dans les entreprises. ";
        let english = "The president said that the talks with the unions were \
            productive and that they would continue in the coming weeks with the \
            employers, who have not yet answered. ";
        let body = format!("{}{}", french.repeat(3), english.repeat(12));
        assert_eq!(detect_language(&body), Some(Lang::English));
        assert_eq!(detect_article_language(&["", "", &body]), Some(Lang::French));
    }

    #[test]
    fn word_lookup() {
        assert_eq!(word_weight(FRENCH_WORDS, "selon"), 2.0);
        assert_eq!(word_weight(ENGLISH_WORDS, "the"), 2.0);
        assert_eq!(word_weight(FRENCH_WORDS, "the"), 0.0);
        assert_eq!(word_weight(ENGLISH_WORDS, ""), 0.0);
    }

    #[test]
    fn the_bucketed_endings_are_the_tables_endings() {
        let words = ["", "a", "eaux", "beaux", "chateaux", "ness", "kindness", "ique", "politique"];
        let more = FRENCH_ENDINGS.iter().chain(ENGLISH_ENDINGS).map(|(e, _)| format!("xy{e}"));
        for w in words.iter().map(|w| w.to_string()).chain(more) {
            let w = w.as_bytes();
            let want = (ending(w, FRENCH_ENDINGS), ending(w, ENGLISH_ENDINGS));
            assert_eq!(endings(w), want, "{:?}", String::from_utf8_lossy(w));
        }
    }

    #[test]
    fn the_hashed_weights_are_the_tables_weights() {
        let words = FRENCH_WORDS.iter().chain(ENGLISH_WORDS).map(|(w, _)| *w);
        for w in words.chain(["", "xyz", "thes", "selo", "selonn", "é"]) {
            let want = (word_weight(FRENCH_WORDS, w), word_weight(ENGLISH_WORDS, w));
            assert_eq!(word_weights(w), want, "{w:?}");
        }
    }

    #[test]
    fn fold_letters() {
        assert_eq!(fold('a'), Some("a"));
        assert_eq!(fold('z'), Some("z"));
        assert_eq!(fold('é'), Some("e"));
        assert_eq!(fold('œ'), Some("oe"));
        assert_eq!(fold('ж'), None);
    }

    #[test]
    fn prefix_on_char_boundary() {
        assert_eq!(prefix("été", 1), "");
        assert_eq!(prefix("été", 2), "é");
        assert_eq!(prefix("été", 100), "été");
    }
}
