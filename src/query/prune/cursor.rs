//! A postings cursor that sees its blocks, and the bounds tantivy's block maxima give.
//!
//! tantivy writes postings in blocks of 128 documents. For each full block its skip data
//! holds the (field-norm id, term frequency) pair that maximises BM25 with tantivy's
//! constants (k1 1.2, b 0.75) and *the segment's* average field length `avg_seg`. The pair
//! is only exposed through [`BlockSegmentPostings::block_max_score`], as a BM25 score for a
//! given [`Bm25Weight`]; [`Bm25Bound`] turns that score back into
//!
//! ```text
//! G_seg = max over the block of tf / (1 − 0.75 + 0.75 · len / avg_seg)
//! ```
//!
//! and then into a bound for other parameters: for any `b` in (0, 1) and average `avg`,
//! `tf / (1 − b + b · len / avg) = G_seg(doc) · ρ(len)` where `ρ` is a ratio of two affine
//! functions of `len`, monotone, so at most `max(ρ(0), ρ(∞)) = max(0.25 / (1 − b),
//! 0.75 · avg / (b · avg_seg))`. With the default `b` and an average close to the segment's,
//! the bound is the block's true maximum. The last block of a posting list (fewer than 128
//! documents) has no stored pair: its bound is computed from its decoded frequencies and
//! field lengths. Fields indexed without frequencies store no pair either: their bound is
//! computed from the block's shortest document.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::BlockSegmentPostings;
use tantivy::query::Bm25Weight;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Score, SegmentReader, Term, TERMINATED};

/// Relative margin added to every bound, for the rounding of f32 scores and of the
/// conversions: a bound is never below a score the scorer computes.
pub(crate) const SAFETY: f32 = 1.0 + 1e-4;

/// tantivy's BM25 constants (what its block maxima were chosen with).
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// Documents per full block.
const BLOCK: usize = 128;

/// `t / (k1 + t)`, 1 for an infinite `t`.
pub(crate) fn saturation(t: f32, k1: f32) -> f32 {
    if !t.is_finite() {
        return 1.0;
    }
    if t <= 0.0 {
        return 0.0;
    }
    t / (k1 + t)
}

/// A cursor over one term's postings in one segment, block by block: the current document,
/// its term frequency, and the current block (decoded documents and frequencies).
pub(crate) struct BlockCursor {
    block: BlockSegmentPostings,
    idx: usize,
    doc: DocId,
    /// Whether the field records frequencies.
    freqs: bool,
}

impl BlockCursor {
    /// The postings of `term` in `reader`, `None` when the segment does not have it.
    pub(crate) fn open(
        reader: &SegmentReader,
        term: &Term,
    ) -> tantivy::Result<Option<BlockCursor>> {
        let inverted = reader.inverted_index(term.field())?;
        let Some(info) = inverted.get_term_info(term)? else {
            return Ok(None);
        };
        let freqs = reader
            .schema()
            .get_field_entry(term.field())
            .field_type()
            .get_index_record_option()
            .is_some_and(|o| o.has_freq());
        let block =
            inverted.read_block_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?;
        let mut cursor = BlockCursor { block, idx: 0, doc: TERMINATED, freqs };
        cursor.doc = cursor.at(0);
        Ok(Some(cursor))
    }

    fn at(&self, idx: usize) -> DocId {
        if idx < self.block.block_len() {
            self.block.doc(idx)
        } else {
            TERMINATED
        }
    }

    /// The current document.
    #[inline]
    pub(crate) fn doc(&self) -> DocId {
        self.doc
    }

    /// Its term frequency (1 in a field without frequencies).
    #[inline]
    pub(crate) fn tf(&self) -> u32 {
        if self.freqs {
            self.block.freq(self.idx)
        } else {
            1
        }
    }

    /// Documents in the posting list (deleted ones included).
    pub(crate) fn doc_freq(&self) -> u32 {
        self.block.doc_freq()
    }

    /// Moves to the next document.
    #[inline]
    pub(crate) fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.idx += 1;
        if self.idx >= self.block.block_len() {
            self.block.advance();
            self.idx = 0;
        }
        self.doc = self.at(self.idx);
        self.doc
    }

    /// Moves to the first document at or after `target`.
    #[inline]
    pub(crate) fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let len = self.block.block_len();
        if len > 0 && self.block.doc(len - 1) >= target {
            let docs = &self.block.docs()[self.idx..len];
            // most seeks land a few documents further
            let near = docs.iter().take(4).position(|&d| d >= target);
            self.idx += match near {
                Some(n) => n,
                None => docs.partition_point(|&d| d < target),
            };
        } else {
            self.idx = self.block.seek(target);
        }
        self.doc = self.at(self.idx);
        self.doc
    }

    /// The last document of the current block.
    #[inline]
    pub(crate) fn block_last(&self) -> DocId {
        let len = self.block.block_len();
        if self.doc == TERMINATED || len == 0 {
            TERMINATED
        } else {
            self.block.doc(len - 1)
        }
    }

    /// The documents of the current block from the current one to `upto` (inclusive), and
    /// the index of the first; `None` when the block ends before `upto` (its later documents
    /// are not decoded yet).
    pub(crate) fn window(&self, upto: DocId) -> Option<(&[DocId], usize)> {
        if self.doc == TERMINATED {
            return Some((&[], self.idx));
        }
        if self.block_last() < upto {
            return None;
        }
        let docs = &self.block.docs()[self.idx..self.block.block_len()];
        Some((&docs[..docs.partition_point(|&d| d <= upto)], self.idx))
    }

    /// The decoded documents of the current block.
    #[inline]
    pub(crate) fn block_docs(&self) -> &[DocId] {
        &self.block.docs()[..self.block.block_len()]
    }

    /// The term frequency of the `i`-th document of the current block.
    #[inline]
    pub(crate) fn tf_at(&self, i: usize) -> u32 {
        if self.freqs {
            self.block.freq(i)
        } else {
            1
        }
    }

    /// Whether the current block is a full one (with a stored block maximum).
    fn full_block(&self) -> bool {
        self.block.block_len() == BLOCK
    }

    /// The smallest field-norm id of the documents of the current block from the current one
    /// on, `None` when there is none.
    fn block_min_norm(&self, norms: &FieldNormReader) -> Option<u8> {
        let len = self.block.block_len();
        let docs = self.block.docs().get(self.idx..len)?;
        docs.iter().map(|&d| norms.fieldnorm_id(d)).min()
    }

    /// The maximum of `f(tf, field-norm id)` over the documents of the current block from
    /// the current one on.
    fn block_max_of(&self, norms: &FieldNormReader, f: impl Fn(u32, u8) -> f32) -> f32 {
        let len = self.block.block_len();
        let mut best = 0.0f32;
        for i in self.idx..len {
            let tf = if self.freqs { self.block.freq(i) } else { 1 };
            best = best.max(f(tf, norms.fieldnorm_id(self.block.doc(i))));
        }
        best
    }
}

/// Bounds of `tf / (1 − b + b · len / avg)` (times a weight) over blocks of one term in one
/// segment, from tantivy's stored block maxima: see the module docs.
pub(crate) struct Bm25Bound {
    /// The weight the stored pair is read back through, and its `idf · (1 + k1)`.
    probe: Bm25Weight,
    probe_weight: f32,
    /// `sup ρ`; infinite when the stored pairs cannot bound our parameters.
    ratio: f32,
    /// `1 / (1 − b + b · len / avg)` (with our clamp) per field-norm id, for computed blocks.
    inv_norm: [f32; 256],
    /// The cached bound of the current block (its last document, the bound).
    cached: Option<(DocId, f32)>,
    /// Whether `inv_norm` never grows with the id (`b ≥ 0`): a block without frequencies is
    /// then bounded by its shortest document alone.
    monotone: bool,
}

impl Bm25Bound {
    /// Bounds for a term of the field `field_avg_tokens` in `reader`, scored with length
    /// normalisation `b` against the average length `avg`.
    pub(crate) fn new(
        reader: &SegmentReader,
        term: &Term,
        b: f32,
        avg: f32,
    ) -> tantivy::Result<Bm25Bound> {
        let inverted = reader.inverted_index(term.field())?;
        let max_doc = reader.max_doc().max(1);
        // exactly the average the serializer used: total tokens / documents of the segment
        let avg_seg = inverted.total_num_tokens() as Score / max_doc as Score;
        let probe = Bm25Weight::for_one_term_without_explain(1, 1, avg_seg.max(f32::MIN_POSITIVE));
        let probe_weight = ((1.0f32 + 0.5 / 1.5).ln()) * (1.0 + K1);
        let usable = b > 0.0 && b < 1.0 && avg_seg > 0.0 && avg.is_finite();
        let ratio = if !usable {
            f32::INFINITY
        } else {
            ((1.0 - B) / (1.0 - b)).max(B * avg / (b * avg_seg))
        };
        let mut inv_norm = [0.0f32; 256];
        for (id, slot) in inv_norm.iter_mut().enumerate() {
            let len = FieldNormReader::id_to_fieldnorm(id as u8) as f32;
            *slot = 1.0 / (1.0 - b + b * len / avg.max(1e-6)).max(1e-3);
        }
        let monotone = inv_norm.windows(2).all(|w| w[1] <= w[0]);
        Ok(Bm25Bound { probe, probe_weight, ratio, inv_norm, cached: None, monotone })
    }

    /// An upper bound of `tf / (1 − b + b · len / avg)` over the current block of `cursor`,
    /// from its current document on.
    pub(crate) fn block(&mut self, cursor: &mut BlockCursor, norms: &FieldNormReader) -> f32 {
        let last = cursor.block_last();
        if let Some((at, bound)) = self.cached {
            if at == last {
                return bound;
            }
        }
        let bound = if cursor.full_block() && cursor.freqs && self.ratio.is_finite() {
            let s = cursor.block.block_max_score(norms, &self.probe);
            // a few ulps up: `1 − x` below amplifies the rounding of `x`
            let x = (s / self.probe_weight) * (1.0 + 4e-7) + 1e-7;
            let g = if x >= 0.9999 { f32::INFINITY } else { K1 * x / (1.0 - x) };
            g * self.ratio * SAFETY
        } else if !cursor.freqs && self.monotone {
            // every frequency is 1: the shortest document has the largest `1 / norm`
            cursor.block_min_norm(norms).map_or(0.0, |id| self.inv_norm[id as usize] * SAFETY)
        } else {
            let inv = &self.inv_norm;
            cursor.block_max_of(norms, |tf, id| tf as f32 * inv[id as usize]) * SAFETY
        };
        self.cached = Some((last, bound));
        bound
    }
}

/// The largest score `bm25` can give, `idf · (1 + k1) · boost` (tantivy's own `max_score`
/// assumes the longest field length, which makes it lower than the score of a short field),
/// with the [`SAFETY`] margin.
pub(crate) fn bm25_ceiling(bm25: &Bm25Weight) -> f32 {
    // field-norm id 0 (an empty field) and the largest frequency: tf / (tf + 0.3) rounds to 1
    bm25.score(0, u32::MAX) * SAFETY
}
