//! Counting matches without a full evaluation: exactly up to a limit, then « more than ».
//!
//! A search reports how many articles match. Counting all of them costs a pass over every
//! match, the very cost dynamic pruning avoids; so, as Lucene's `TotalHits` and
//! Elasticsearch's `track_total_hits`, the count stops once it passes
//! [`SearchRequest::track_total_hits`](super::SearchRequest::track_total_hits) (10,000 by
//! default) and the response says « more than that » ([`SearchResponse::total_exact`](
//! super::SearchResponse::total_exact)). It scores nothing and reads no position past the
//! limit.

use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::{DocId, DocSet, Searcher, SegmentReader, COLLECT_BLOCK_BUFFER_LEN, TERMINATED};

use super::plan::Plan;
use crate::query::prune::into_prune;

/// Documents per window of the bit-set count.
const WINDOW: u32 = 4096;

/// The most matches kept for the top-k search.
const MAX_COLLECTED: usize = 100_000;

/// The count of a search.
pub(crate) struct Counted {
    /// Matches, exact up to the limit.
    pub(crate) total: usize,
    /// Whether `total` is exact (else more than `total` match).
    pub(crate) exact: bool,
    /// When exact and asked for, the matches of each segment (alive ones, in order).
    pub(crate) docs: Option<Vec<Vec<DocId>>>,
}

/// The number of matches of `query`, exact up to `limit` (`limit`, not exact, when more
/// match). With `collect`, also the matching documents when there are at most `limit`: the
/// top-k search then looks at those only, and checks no phrase position a second time for a
/// document that does not match.
///
/// `scoring` is the query's weight with scoring enabled (the search's own): each segment is
/// counted on its flattened clauses ([`Plan`]), a window of [`WINDOW`] documents at a time in
/// bit sets; a phrase's positions are read only for a document no other clause of its group
/// already holds. A segment where some group has only phrases runs tantivy's doc sets
/// instead (scoring disabled: they only ask whether a phrase occurs).
pub(crate) fn count_up_to(
    searcher: &Searcher,
    query: &dyn Query,
    scoring: &dyn Weight,
    limit: usize,
    collect: bool,
) -> tantivy::Result<Counted> {
    let collect = collect && limit <= MAX_COLLECTED;
    let mut n = 0usize;
    let mut docs: Vec<Vec<DocId>> = Vec::new();
    let mut tantivy_weight: Option<Box<dyn Weight>> = None;
    for reader in searcher.segment_readers() {
        let left = limit.saturating_sub(n);
        let mut seg = Vec::new();
        let plan = into_prune(scoring.scorer(reader, 1.0)?).map(|root| {
            let mut plan = Plan::default();
            plan.required(root);
            plan
        });
        let got = match plan {
            None => 0,
            Some(plan) if !plan.needs_checks() => {
                count_plan(plan, reader, left, collect.then_some(&mut seg))
            }
            Some(_) => {
                // every clause of a group is a phrase: tantivy's doc sets only ask whether a
                // phrase occurs, not how often
                if tantivy_weight.is_none() {
                    let disabled = EnableScoring::disabled_from_searcher(searcher);
                    tantivy_weight = Some(query.weight(disabled)?);
                }
                let w = tantivy_weight.as_deref().expect("built above");
                count_docs(w, reader, left, collect.then_some(&mut seg))?
            }
        };
        n += got;
        if n > limit {
            return Ok(Counted { total: limit, exact: false, docs: None });
        }
        docs.push(seg);
    }
    Ok(Counted { total: n, exact: true, docs: collect.then_some(docs) })
}

/// Counts the matches of `plan` in its segment, stopping past `left`.
fn count_plan(
    mut plan: Plan,
    reader: &SegmentReader,
    left: usize,
    mut out: Option<&mut Vec<DocId>>,
) -> usize {
    let max_doc = reader.max_doc();
    let alive = reader.alive_bitset();
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); plan.groups];
    for (i, c) in plan.clauses.iter().enumerate() {
        if let Some(g) = c.group {
            members[g].push(i);
        }
    }
    // clauses needing a check come last: a document another clause of the group holds is
    // not checked (a proximity phrase's documents hold its words)
    for m in &mut members {
        m.sort_by_key(|&i| plan.clauses[i].two_phase);
    }
    let mut n = 0usize;
    let mut base: DocId = 0;
    let words = (WINDOW / 64) as usize;
    let (mut acc, mut bits) = (vec![0u64; words], vec![0u64; words]);
    while base < max_doc {
        // the first document every group can match
        let mut start = base;
        for m in &members {
            let first = m.iter().map(|&i| plan.clauses[i].s.seek(base)).min().unwrap_or(TERMINATED);
            start = start.max(first);
        }
        if start >= max_doc {
            break;
        }
        base = start - start % WINDOW;
        let end = base.saturating_add(WINDOW);
        acc.iter_mut().for_each(|w| *w = !0);
        for m in &members {
            bits.iter_mut().for_each(|w| *w = 0);
            for &i in m {
                let check = plan.clauses[i].two_phase;
                let c = &mut plan.clauses[i].s;
                let mut d = c.seek(base);
                while d < end {
                    let o = (d - base) as usize;
                    let bit = 1 << (o % 64);
                    if bits[o / 64] & bit == 0 && (!check || c.matches()) {
                        bits[o / 64] |= bit;
                    }
                    d = c.advance();
                }
            }
            acc.iter_mut().zip(&bits).for_each(|(a, b)| *a &= b);
        }
        for x in &mut plan.excluded {
            let mut d = if x.doc() < base { x.seek(base) } else { x.doc() };
            while d < end {
                let o = (d - base) as usize;
                acc[o / 64] &= !(1 << (o % 64));
                d = x.advance();
            }
        }
        for (w, &word) in acc.iter().enumerate() {
            let mut word = word;
            while word != 0 {
                let doc = base + (w as u32) * 64 + word.trailing_zeros();
                word &= word - 1;
                if doc >= max_doc || alive.is_some_and(|a| !a.is_alive(doc)) {
                    continue;
                }
                n += 1;
                if let Some(out) = out.as_deref_mut() {
                    out.push(doc);
                }
            }
        }
        if n > left {
            return n;
        }
        base = end;
    }
    n
}

/// Counts the matches of tantivy's `weight` in `reader`, stopping past `left`.
fn count_docs(
    weight: &dyn Weight,
    reader: &SegmentReader,
    left: usize,
    mut out: Option<&mut Vec<DocId>>,
) -> tantivy::Result<usize> {
    if out.is_none() && (reader.max_doc() as usize) <= left {
        // the segment cannot take the count past the limit: count it whole, with tantivy's
        // shortcuts (a term's document frequency…)
        return Ok(weight.count(reader)? as usize);
    }
    let mut buffer = [0u32; COLLECT_BLOCK_BUFFER_LEN];
    let mut docs = weight.scorer(reader, 1.0)?;
    let alive = reader.alive_bitset();
    let mut n = 0usize;
    loop {
        let got = docs.fill_buffer(&mut buffer);
        for &d in &buffer[..got] {
            if alive.is_none_or(|a| a.is_alive(d)) {
                n += 1;
                if let Some(out) = out.as_deref_mut() {
                    out.push(d);
                }
            }
        }
        if n > left || got < buffer.len() {
            return Ok(n);
        }
    }
}
