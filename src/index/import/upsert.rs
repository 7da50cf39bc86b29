//! Which articles of an import replace one with the same id, and which are new.
//!
//! [`NewsIndex::add`] deletes the id before every add. tantivy applies each delete to every
//! segment (the ones being written and, at each commit, the committed ones), so a bulk import
//! of new articles would pay a term lookup per article per segment for nothing. The import
//! deletes an id only when it is there: in the index when the import started
//! ([`Existing`], looked up by the preparing threads) or earlier in the same import
//! ([`SeenIds`]). That is also the count of replaced articles the report gives.

use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};

use tantivy::schema::IndexRecordOption;
use tantivy::{DocSet, Searcher, TERMINATED};

use crate::index::NewsIndex;

/// The ids of the index when the import started.
pub(super) struct Existing {
    searcher: Searcher,
    field: tantivy::schema::Field,
}

impl Existing {
    /// The committed articles of `index`, `None` when it holds none.
    pub fn of(index: &NewsIndex) -> Option<Existing> {
        let searcher = index.searcher();
        (searcher.num_docs() > 0).then(|| Existing { searcher, field: index.schema().id })
    }

    /// Whether a live article has the id `id` (trimmed).
    pub fn contains(&self, id: &str) -> bool {
        let term = tantivy::Term::from_field_text(self.field, id);
        self.searcher.segment_readers().iter().any(|segment| {
            let Ok(inverted) = segment.inverted_index(self.field) else { return false };
            let Ok(Some(mut postings)) = inverted.read_postings(&term, IndexRecordOption::Basic)
            else {
                return false;
            };
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if !segment.is_deleted(doc) {
                    return true;
                }
                doc = postings.advance();
            }
            false
        })
    }
}

/// The ids an import added, as 128-bit keyed hashes (16 bytes an id): two ids share a hash
/// with a probability of about 2⁻¹²⁸ per pair, and the keys are random per process.
pub(super) struct SeenIds {
    keys: (RandomState, RandomState),
    /// Ids of the commits of this import.
    committed: HashSet<u128>,
    /// Ids added since the last commit.
    pending: HashSet<u128>,
}

impl Default for SeenIds {
    fn default() -> Self {
        SeenIds {
            keys: (RandomState::new(), RandomState::new()),
            committed: HashSet::new(),
            pending: HashSet::new(),
        }
    }
}

/// The key of an id.
pub(super) type IdKey = u128;

impl SeenIds {
    /// The key of `id`.
    pub fn key(&self, id: &str) -> IdKey {
        (u128::from(self.keys.0.hash_one(id)) << 64) | u128::from(self.keys.1.hash_one(id))
    }

    /// Whether `key` was committed by this import.
    pub fn committed(&self, key: IdKey) -> bool {
        self.committed.contains(&key)
    }

    /// Notes `key` as added since the last commit; whether it already was added before
    /// (committed or pending).
    pub fn add_pending(&mut self, key: IdKey) -> bool {
        self.committed.contains(&key) || !self.pending.insert(key)
    }

    /// The pending ids were committed.
    pub fn commit_pending(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        if self.committed.is_empty() {
            self.committed = pending;
        } else {
            self.committed.extend(pending);
        }
    }

    /// The pending ids were dropped (the writer failed).
    pub fn drop_pending(&mut self) {
        self.pending.clear();
    }

    /// Notes `keys` as committed.
    pub fn commit_keys(&mut self, keys: impl IntoIterator<Item = IdKey>) {
        self.committed.extend(keys);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Article;

    #[test]
    fn existing_ids_are_the_live_ones() {
        let index = NewsIndex::create_in_ram().unwrap();
        assert!(Existing::of(&index).is_none(), "an empty index has no existing ids");
        for id in ["a", "b", "c"] {
            index
                .add(&Article { id: id.into(), title: "Titre".into(), ..Default::default() })
                .unwrap();
        }
        index.commit().unwrap();
        index.delete("b").unwrap();
        index.commit().unwrap();
        let existing = Existing::of(&index).unwrap();
        assert!(existing.contains("a"));
        assert!(!existing.contains("b"), "a deleted id is not there");
        assert!(existing.contains("c"));
        assert!(!existing.contains("d"));
    }

    #[test]
    fn an_id_added_twice_is_seen_once_committed_or_pending() {
        let mut seen = SeenIds::default();
        let (a, b) = (seen.key("a"), seen.key("b"));
        assert_ne!(a, b);
        assert!(!seen.add_pending(a));
        assert!(seen.add_pending(a), "added twice before a commit");
        seen.commit_pending();
        assert!(seen.committed(a));
        assert!(seen.add_pending(a), "added again after its commit");
        assert!(!seen.add_pending(b));
        seen.drop_pending();
        assert!(!seen.add_pending(b), "a dropped add does not count");
    }
}
