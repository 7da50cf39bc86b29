//! `NewsTokenizer`: segmentation, elision, folding, numbers, compounds and stemming in one
//! pass, as a tantivy [`Tokenizer`].
//!
//! The stages live in their own files ([`segmenter`](super::segmenter), [`elision`](super::elision),
//! [`fold`](super::fold), [`stem`](super::stem)); this file only drives them. Running them
//! in one tokenizer rather than as a chain of tantivy filters lets one word yield several
//! terms (a compound and its parts) and keeps every buffer in one place: after warm-up, no
//! allocation happens per token.

use std::ops::Range;

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::acronym::{has_acronym_length, is_acronym, ACRONYM_PREFIX};
use super::elision::{is_clitic, is_elision, is_inversion_pronoun, is_lexicalized};
use super::fold::fold_into;
use super::segmenter::{
    next_plain_word, next_unit, Joiner, NumberStyle, Piece, Scan, DIGIT, NON_ASCII, UPPER,
};
use super::stem::Stemmer;
use super::word_cache::{Cached, WordCache, MAX_KEY};
use super::Lang;

/// The longest term, in bytes after folding. Longer words (URL fragments, base64, a 1 MB
/// run of letters) are dropped: nobody searches for them and they bloat the term dictionary.
pub const MAX_TERM_BYTES: usize = 64;

/// The most letters of an acronym, as a buffer size.
const MAX_ACRONYM: usize = super::acronym::MAX_ACRONYM_LETTERS;

/// The most parts of a hyphenated compound that are also indexed as one joined word.
const MAX_JOINED_PARTS: usize = 4;

/// The tantivy tokenizer behind depeche's analyzers. Build it through
/// [`analyzer`](crate::analyzer) or [`exact_analyzer`](super::exact_analyzer).
pub struct NewsTokenizer {
    lang: Lang,
    stemmer: Option<Stemmer>,
    /// Also give a [`CAPITAL_MARK`] term for each word written with a capital.
    cased: bool,
    buffers: Buffers,
}

/// The extra term a word written with a capital gets from the indexing analyzers
/// ([`indexing_analyzer`](super::indexing_analyzer)), at the word's position (`Monde` gives
/// `mond` and `^`). One term for all words keeps the dictionary as it is; a phrase query
/// asks for it at the positions typed with a capital. No word gives it: `^` is never part
/// of a word.
pub const CAPITAL_MARK: &str = "^";

#[derive(Default)]
struct Buffers {
    token: Token,
    pieces: Vec<Piece>,
    /// Folded text of the parts of the current unit.
    folded: String,
    parts: Vec<Part>,
    /// Final texts of the terms of the current unit.
    terms: String,
    queue: Vec<Pending>,
    /// The term of each short plain word seen, so that a word met again costs one lookup:
    /// news repeat their words.
    words: WordCache,
}

#[derive(Clone, Debug)]
struct Part {
    from: usize,
    to: usize,
    text: Range<usize>,
    too_long: bool,
    /// Written with a capital letter (elided articles aside).
    capital: bool,
    /// Made of ASCII capitals only (elided articles aside): `OMS`, `C.I.A`.
    capitals: bool,
}

impl Part {
    /// A part that starts with `piece`, its folded text at `at` in the folded buffer.
    fn starting(piece: Piece, at: usize) -> Part {
        Part {
            from: piece.start,
            to: piece.end,
            text: at..at,
            too_long: false,
            capital: false,
            capitals: true,
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Pending {
    text: (usize, usize),
    from: usize,
    to: usize,
    position: usize,
}

impl NewsTokenizer {
    /// A tokenizer for `lang`, stemming when `stem` is true.
    pub(crate) fn new(lang: Lang, stem: bool) -> NewsTokenizer {
        NewsTokenizer {
            lang,
            stemmer: stem.then(|| Stemmer::new(lang)),
            cased: false,
            buffers: Buffers::default(),
        }
    }

    /// The same tokenizer, also giving a [`CAPITAL_MARK`] term for each word written with a
    /// capital letter (an elided article does not count: `l’Élysée` has one, `L’élysée` not).
    pub(crate) fn with_capital_marks(mut self) -> NewsTokenizer {
        self.cased = true;
        self
    }
}

/// A clone starts with empty buffers and an empty stem cache: tantivy clones an analyzer for
/// each indexing thread and each query, and a cold cache costs less than copying a warm one.
impl Clone for NewsTokenizer {
    fn clone(&self) -> NewsTokenizer {
        NewsTokenizer { cased: self.cased, ..NewsTokenizer::new(self.lang, self.stemmer.is_some()) }
    }
}

impl Tokenizer for NewsTokenizer {
    type TokenStream<'a> = NewsTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> NewsTokenStream<'a> {
        self.buffers.queue.clear();
        NewsTokenStream {
            cased: self.cased,
            text,
            cursor: 0,
            next_position: 0,
            next: 0,
            lang: self.lang,
            style: match self.lang {
                Lang::French => NumberStyle::French,
                Lang::English => NumberStyle::English,
            },
            stemmer: self.stemmer.as_mut(),
            b: &mut self.buffers,
        }
    }
}

/// The token stream of a [`NewsTokenizer`].
pub struct NewsTokenStream<'a> {
    cased: bool,
    text: &'a str,
    cursor: usize,
    next_position: usize,
    next: usize,
    lang: Lang,
    style: NumberStyle,
    stemmer: Option<&'a mut Stemmer>,
    b: &'a mut Buffers,
}

impl TokenStream for NewsTokenStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            if let Some(p) = self.b.queue.get(self.next).copied() {
                self.next += 1;
                let token = &mut self.b.token;
                token.text.clear();
                token.text.push_str(&self.b.terms[p.text.0..p.text.1]);
                token.offset_from = p.from;
                token.offset_to = p.to;
                token.position = p.position;
                token.position_length = 1;
                return true;
            }
            if !self.b.queue.is_empty() {
                self.b.queue.clear();
                self.b.terms.clear();
                self.next = 0;
            }
            match next_plain_word(self.text, &mut self.cursor) {
                Scan::End => return false,
                Scan::Plain(piece) => {
                    // fast track for a plain word: fold and stem straight into the token
                    if self.single_word(piece, piece.start) {
                        if self.cased && piece.flags & (UPPER | NON_ASCII) != 0 {
                            self.mark_single(piece, piece.start);
                        }
                        return true;
                    }
                    continue;
                }
                Scan::Unit => {}
            }
            self.b.terms.clear();
            let end = next_unit(self.text, &mut self.cursor, self.style, &mut self.b.pieces);
            let Some(end) = end else { return false };
            let pieces = &self.b.pieces;
            if pieces.len() == 1 && !end.dangling_apostrophe {
                // fast track for a plain word: fold and stem straight into the token
                let piece = pieces[0];
                if self.single_word(piece, piece.start) {
                    if self.cased && piece.flags & (UPPER | NON_ASCII) != 0 {
                        self.mark_single(piece, piece.start);
                    }
                    return true;
                }
                continue;
            }
            if pieces.len() == 2
                && pieces[1].joiner == Joiner::Apostrophe
                && self.is_elided(pieces[0])
                && !is_possessive(self.text, pieces, 1)
            {
                // fast track for an elided word (`l’Assemblée`): the word, with the span of both
                let (from, piece) = (pieces[0].start, pieces[1]);
                if self.single_word(piece, from) {
                    if self.cased && piece.flags & (UPPER | NON_ASCII) != 0 {
                        self.mark_single(piece, from);
                    }
                    return true;
                }
                continue;
            }
            self.unit(end.dangling_apostrophe);
        }
    }

    fn token(&self) -> &Token {
        &self.b.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.b.token
    }
}

impl NewsTokenStream<'_> {
    /// Sets the token to the one term of a unit of one piece; false when it has none.
    #[inline]
    fn single_word(&mut self, piece: Piece, from: usize) -> bool {
        let b = &mut *self.b;
        match b.words.get(self.text, piece.start, piece.end) {
            Cached::Term(term) => {
                term.write_to(&mut b.token.text);
                return self.emit_single(from, piece.end);
            }
            Cached::NoTerm => return false,
            Cached::Unknown => {}
        }
        let found = self.single_word_uncached(piece);
        if piece.end - piece.start <= MAX_KEY {
            let b = &mut *self.b;
            b.words.insert(
                self.text,
                piece.start,
                piece.end,
                found.then_some(b.token.text.as_str()),
            );
        }
        if found {
            self.emit_single(from, piece.end)
        } else {
            false
        }
    }

    /// For the indexing analyzers (only called for pieces with an ASCII capital or a non-ASCII
    /// letter): queues a [`CAPITAL_MARK`] term for a one-piece word written
    /// with a capital, and its acronym term if it is one, at the position of the token just
    /// emitted.
    #[inline(never)]
    fn mark_single(&mut self, piece: Piece, from: usize) {
        if has_capital(self.text, piece) {
            let position = self.b.token.position;
            self.push_mark(from, piece.end, position);
            let word = &self.text.as_bytes()[piece.start..piece.end];
            if in_capitals(self.text, piece)
                && has_acronym_length(word.len())
                && is_acronym(self.text, from, piece.end, word)
            {
                self.push_acronym(word, from, piece.end, position);
            }
        }
    }

    /// Whether `piece` is an elided article or conjunction (`l`, `qu`, `Jusqu`…).
    #[inline]
    fn is_elided(&self, piece: Piece) -> bool {
        let word = &self.text.as_bytes()[piece.start..piece.end];
        let mut lower = [0u8; 8];
        if piece.flags & (NON_ASCII | DIGIT) != 0 || word.len() > lower.len() {
            return false;
        }
        for (l, w) in lower.iter_mut().zip(word) {
            *l = w.to_ascii_lowercase();
        }
        // ASCII letters only, so valid UTF-8
        std::str::from_utf8(&lower[..word.len()]).is_ok_and(|w| is_elision(self.lang, w))
    }

    /// Sets the token's position and its offsets to `from..to`.
    #[inline]
    fn emit_single(&mut self, from: usize, to: usize) -> bool {
        let token = &mut self.b.token;
        token.offset_from = from;
        token.offset_to = to;
        token.position = self.next_position;
        token.position_length = 1;
        self.next_position += 1;
        true
    }

    /// Sets the token's text to the term of a plain word; false when it has none.
    #[cold]
    #[inline(never)]
    fn single_word_uncached(&mut self, piece: Piece) -> bool {
        let b = &mut *self.b;
        b.folded.clear();
        let word = &self.text[piece.start..piece.end];
        if piece.flags & NON_ASCII == 0 {
            // fast track for ascii.
            if word.len() > MAX_TERM_BYTES {
                return false;
            }
            b.folded.push_str(word);
            if piece.flags & UPPER != 0 {
                b.folded.make_ascii_lowercase();
            }
        } else if !fold_into(word, &mut b.folded, MAX_TERM_BYTES) || b.folded.is_empty() {
            return false;
        }
        let token = &mut b.token;
        token.text.clear();
        let plain = piece.flags & (DIGIT | NON_ASCII) == 0;
        match self.stemmer.as_deref_mut() {
            Some(stemmer)
                if !(if plain { is_roman(&b.folded) } else { keep_unstemmed(&b.folded) }) =>
            {
                token.text.push_str(stemmer.stem(&b.folded))
            }
            _ => token.text.push_str(&b.folded),
        }
        true
    }

    /// Turns the pieces of one unit into queued terms.
    fn unit(&mut self, dangling_apostrophe: bool) {
        self.b.folded.clear();
        self.b.parts.clear();
        let text = self.text;
        let n = self.b.pieces.len();
        let mut part =
            Part::starting(Piece { start: 0, end: 0, joiner: Joiner::Start, flags: 0 }, 0);
        for i in 0..n {
            let piece = self.b.pieces[i];
            let at = self.b.folded.len();
            match piece.joiner {
                Joiner::Start => {
                    part = Part::starting(piece, at);
                }
                Joiner::Hyphen => {
                    self.b.parts.push(part.clone());
                    part = Part::starting(piece, at);
                }
                Joiner::AcronymDot | Joiner::Thousands => {}
                Joiner::Decimal => self.b.folded.push('.'),
                Joiner::Apostrophe => {
                    let word = &self.b.folded[part.text.start..];
                    let elided = self.b.parts.is_empty() && is_elision(self.lang, word);
                    if elided {
                        // `l’ASEAN` is `ASEAN`; the term keeps the whole span.
                        self.b.folded.truncate(part.text.start);
                        part.capital = false;
                        part.capitals = true;
                    } else if is_possessive(text, &self.b.pieces, i) {
                        continue;
                    } else if is_lexicalized(word) || self.lang == Lang::English {
                        // aujourd’hui, and English don’t, O’Brien: one word, no apostrophe
                    } else {
                        // an apostrophe inside a word we do not know: two words
                        self.b.parts.push(part.clone());
                        self.compound();
                        self.b.parts.clear();
                        let at = self.b.folded.len();
                        part = Part::starting(piece, at);
                    }
                }
            }
            if self.cased {
                part.capital |= has_capital(text, piece);
                part.capitals &= in_capitals(text, piece);
            }
            let b = &mut *self.b;
            let budget = MAX_TERM_BYTES.saturating_sub(b.folded.len() - part.text.start);
            if !fold_into(&text[piece.start..piece.end], &mut b.folded, budget) {
                part.too_long = true;
                b.folded.truncate(part.text.start);
            }
            part.text.end = b.folded.len();
            part.to = piece.end;
        }
        let lone_elision = dangling_apostrophe
            && n == 1
            && is_elision(self.lang, &self.b.folded[part.text.clone()]);
        if !lone_elision {
            self.b.parts.push(part);
        }
        self.compound();
    }

    /// Queues the terms of the parts of one hyphenated compound (or single word).
    fn compound(&mut self) {
        let b = &mut *self.b;
        // the euphonic t of inversions is no term: a-t-il, va-t-on
        let mut euphonic = false;
        let mut i = 1;
        while i + 1 < b.parts.len() {
            let next = &b.folded[b.parts[i + 1].text.clone()];
            if &b.folded[b.parts[i].text.clone()] == "t" && is_inversion_pronoun(next) {
                b.parts.remove(i);
                euphonic = true;
            }
            i += 1;
        }
        b.parts.retain(|p| !p.too_long && !p.text.is_empty());
        let count = b.parts.len();
        if count == 0 {
            return;
        }
        let joined = (2..=MAX_JOINED_PARTS).contains(&count)
            && !euphonic
            && !is_clitic(&b.folded[b.parts[count - 1].text.clone()])
            && b.parts
                .iter()
                .any(|p| b.folded[p.text.clone()].bytes().any(|c| c.is_ascii_alphabetic()))
            && b.parts.iter().map(|p| p.text.len()).sum::<usize>() <= MAX_TERM_BYTES;
        for i in 0..count {
            let position = self.next_position;
            self.next_position += 1;
            let p = self.b.parts[i].clone();
            self.push_term(p.text.clone(), p.from, p.to, position);
            if p.capital {
                self.push_mark(p.from, p.to, position);
                let letters = &self.b.folded.as_bytes()[p.text.clone()];
                if p.capitals
                    && has_acronym_length(letters.len())
                    && is_acronym(self.text, p.from, p.to, letters)
                {
                    let mut word = [0u8; MAX_ACRONYM];
                    word[..letters.len()].copy_from_slice(letters);
                    self.push_acronym(&word[..letters.len()], p.from, p.to, position);
                }
            }
            if i == 0 && joined {
                let b = &mut *self.b;
                let start = b.folded.len();
                for j in 0..count {
                    let r = b.parts[j].text.clone();
                    b.folded.extend_from_within(r);
                }
                let end = b.folded.len();
                let to = b.parts[count - 1].to;
                self.push_term(start..end, p.from, to, position);
            }
        }
    }

    /// Queues a [`CAPITAL_MARK`] term.
    fn push_mark(&mut self, from: usize, to: usize, position: usize) {
        let b = &mut *self.b;
        let start = b.terms.len();
        b.terms.push_str(CAPITAL_MARK);
        b.queue.push(Pending { text: (start, b.terms.len()), from, to, position });
    }

    /// Queues the acronym term of `letters` (ASCII letters): [`ACRONYM_PREFIX`], then the
    /// letters in lowercase.
    fn push_acronym(&mut self, letters: &[u8], from: usize, to: usize, position: usize) {
        let b = &mut *self.b;
        let start = b.terms.len();
        b.terms.push_str(ACRONYM_PREFIX);
        b.terms.extend(letters.iter().map(|l| char::from(l.to_ascii_lowercase())));
        b.queue.push(Pending { text: (start, b.terms.len()), from, to, position });
    }

    /// Stems the folded text at `text` and queues the term.
    fn push_term(&mut self, text: Range<usize>, from: usize, to: usize, position: usize) {
        let b = &mut *self.b;
        let word = &b.folded[text];
        let start = b.terms.len();
        match self.stemmer.as_deref_mut() {
            Some(stemmer) if !keep_unstemmed(word) => b.terms.push_str(stemmer.stem(word)),
            _ => b.terms.push_str(word),
        }
        if b.terms.len() == start {
            return;
        }
        b.queue.push(Pending { text: (start, b.terms.len()), from, to, position });
    }
}

/// Whether `piece` has an uppercase letter.
#[inline]
fn has_capital(text: &str, piece: Piece) -> bool {
    piece.flags & UPPER != 0
        || (piece.flags & NON_ASCII != 0
            && text[piece.start..piece.end].chars().any(char::is_uppercase))
}

/// Whether `piece` is made of ASCII capitals only.
#[inline]
fn in_capitals(text: &str, piece: Piece) -> bool {
    piece.flags & (NON_ASCII | DIGIT) == 0
        && piece.flags & UPPER != 0
        && text.as_bytes()[piece.start..piece.end].iter().all(u8::is_ascii_uppercase)
}

/// Whether the piece `i`, after an apostrophe, is the `s` of an English possessive
/// (`ASEAN’s`) that ends its unit.
fn is_possessive(text: &str, pieces: &[Piece], i: usize) -> bool {
    let p = pieces[i];
    matches!(&text[p.start..p.end], "s" | "S")
        && pieces.get(i + 1).is_none_or(|next| next.joiner != Joiner::Apostrophe)
}

/// Words the stemmer must not touch: numbers and words with digits (`1er`, `6e`, `covid19`,
/// `3.5`) and roman ordinals of centuries (`XXIe`, `IIIe`).
#[inline]
fn keep_unstemmed(word: &str) -> bool {
    word.bytes().any(|b| b.is_ascii_digit()) || is_roman(word)
}

/// [`is_roman_ordinal`] behind a cheap first test.
#[inline]
fn is_roman(word: &str) -> bool {
    matches!(word.as_bytes().first(), Some(b'i' | b'v' | b'x')) && is_roman_ordinal(word)
}

/// `xxie`, `xixe`, `iiie`, `ive`, `xe`: a roman number up to 39 written with i, v, x, then an
/// ordinal ending. `ve`, `vie` and `ie` are left out: they are French words too.
fn is_roman_ordinal(word: &str) -> bool {
    let split = word.bytes().take_while(|b| matches!(b, b'i' | b'v' | b'x')).count();
    let (roman, suffix) = word.split_at(split);
    if !matches!(suffix, "e" | "er" | "ere" | "eme" | "es" | "emes") {
        return false;
    }
    if matches!(roman, "" | "i" | "v" | "vi") {
        return false;
    }
    let (tens, units) = roman.split_at(roman.bytes().take_while(|&b| b == b'x').count());
    tens.len() <= 3
        && matches!(units, "" | "i" | "ii" | "iii" | "iv" | "v" | "vi" | "vii" | "viii" | "ix")
}
