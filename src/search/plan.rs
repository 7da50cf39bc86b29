//! A query's scorer tree as the top-k search and the count see it: clauses whose scores add
//! up, groups of clauses of which a match holds at least one, exclusions.
//!
//! Nested booleans are flattened: the builder's `(word₁ OR word₂ OR proximity) AND filter`,
//! each word itself `BM25F(fr) OR BM25F(en) OR exact form OR typo`, becomes one clause per
//! leaf, one group for the words and one for the filter, so that MaxScore can weigh each leaf
//! on its own (the exact-form part of a frequent word is seldom essential).

use tantivy::query::Scorer;

use crate::query::prune::{bool_node, BoolParts, PruneScorer};

/// A clause of the flattened query.
pub(crate) struct Clause {
    pub(crate) s: Box<dyn PruneScorer>,
    /// The group it belongs to (`None`: optional, it only adds to the score).
    pub(crate) group: Option<usize>,
    pub(crate) two_phase: bool,
    /// Its bound over the current window.
    pub(crate) ub: f32,
    /// For the current candidate: on it, its bound or score, whether that is the score.
    pub(crate) at: bool,
    pub(crate) value: f32,
    pub(crate) exact: bool,
}

/// The flattened query of one segment.
#[derive(Default)]
pub(crate) struct Plan {
    pub(crate) clauses: Vec<Clause>,
    pub(crate) groups: usize,
    pub(crate) excluded: Vec<Box<dyn Scorer>>,
}

impl Plan {
    fn push(&mut self, s: Box<dyn PruneScorer>, group: Option<usize>) {
        let two_phase = s.two_phase();
        self.clauses.push(Clause {
            s,
            group,
            two_phase,
            ub: 0.0,
            at: false,
            value: 0.0,
            exact: false,
        });
    }

    /// Whether some group holds only two-phase clauses (every match of it must be checked).
    pub(crate) fn needs_checks(&self) -> bool {
        (0..self.groups)
            .any(|g| self.clauses.iter().filter(|c| c.group == Some(g)).all(|c| c.two_phase))
    }

    fn group(&mut self) -> usize {
        self.groups += 1;
        self.groups - 1
    }

    fn rebuilt(parts: BoolParts) -> Option<Box<dyn PruneScorer>> {
        bool_node(parts)
    }

    /// Adds `node`, which every match must match.
    pub(crate) fn required(&mut self, node: Box<dyn PruneScorer>) {
        match node.into_bool() {
            Ok(p) => {
                for m in p.must {
                    self.required(m);
                }
                self.excluded.extend(p.must_not);
                if p.should_required {
                    let g = self.group();
                    for s in p.should {
                        self.in_group(s, g);
                    }
                } else {
                    for s in p.should {
                        self.optional(s);
                    }
                }
            }
            Err(n) => {
                let g = self.group();
                self.push(n, Some(g));
            }
        }
    }

    /// Adds `node` as one of the alternatives of group `g`.
    fn in_group(&mut self, node: Box<dyn PruneScorer>, g: usize) {
        match node.into_bool() {
            Ok(p) if p.must.is_empty() && p.must_not.is_empty() && p.should_required => {
                for s in p.should {
                    self.in_group(s, g);
                }
            }
            Ok(p) => {
                if let Some(n) = Plan::rebuilt(p) {
                    self.push(n, Some(g));
                }
            }
            Err(n) => self.push(n, Some(g)),
        }
    }

    /// Adds `node`, which only adds to the score.
    fn optional(&mut self, node: Box<dyn PruneScorer>) {
        match node.into_bool() {
            Ok(p) if p.must.is_empty() && p.must_not.is_empty() => {
                for s in p.should {
                    self.optional(s);
                }
            }
            Ok(p) => {
                if let Some(n) = Plan::rebuilt(p) {
                    self.push(n, None);
                }
            }
            Err(n) => self.push(n, None),
        }
    }
}
