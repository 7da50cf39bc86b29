//! After a writer failure: the dropped articles added again, halving the group that fails,
//! until the articles that cannot be written stand alone.

use std::collections::HashSet;

use super::prepare::Prepared;
use super::write::WriteStage;
use super::Refusal;
use crate::{Error, Result};

impl WriteStage<'_> {
    /// Adds `articles` on a fresh writer, each after a delete of its id, and commits them;
    /// when that fails, does the same for each half (by text size), so that only the
    /// articles that make the writer fail on their own end up in
    /// [`ImportReport::not_committed`](super::ImportReport::not_committed). Each commit
    /// spends one unit of `budget`; once it is spent, the articles left are reported without
    /// a try.
    pub(super) fn recover(&mut self, articles: &[Prepared], budget: &mut u32) -> Result<()> {
        let failure = if *budget == 0 {
            "recovery budget spent".to_string()
        } else {
            *budget -= 1;
            match self.add_and_commit(articles) {
                Ok(()) => return Ok(()),
                Err(e @ Error::WriterFailed(_)) => e.to_string(),
                Err(e) => return Err(e),
            }
        };
        if articles.len() > 1 && *budget > 0 {
            // Halves by text size, not count: a huge article, the usual culprit, ends up alone
            // in a few steps instead of being indexed again at every level.
            let total: usize = articles.iter().map(|a| a.bytes).sum();
            let mut seen = 0;
            let cut = articles
                .iter()
                .position(|a| {
                    seen += a.bytes;
                    seen * 2 >= total
                })
                .unwrap_or(0)
                .clamp(1, articles.len() - 1);
            let (left, right) = articles.split_at(cut);
            self.recover(left, budget)?;
            return self.recover(right, budget);
        }
        let reason = format!("not committed: {failure}");
        self.report.not_committed.extend(articles.iter().map(|a| Refusal {
            line: a.line,
            id: Some(a.id.clone()),
            reason: reason.clone(),
        }));
        Ok(())
    }

    /// Adds `articles` and commits; counts them in the report when the commit succeeds.
    fn add_and_commit(&mut self, articles: &[Prepared]) -> Result<()> {
        let mut keys = HashSet::new();
        let mut replaced = 0;
        for a in articles {
            let key = self.seen.key(&a.id);
            let again = !keys.insert(key);
            replaced += u64::from(a.existed || again || self.seen.committed(key));
            let term = self.index.id_term(&a.id);
            self.writer()?.delete_term(term);
            let mut doc = a.doc.clone();
            self.index.assign_story(&a.id, a.signature.clone(), &mut doc)?;
            if let Err(e) = self.writer()?.add_document(doc) {
                self.slot.take();
                return Err(Error::WriterFailed(e));
            }
        }
        self.writer()?;
        self.index.commit_locked(&mut self.slot)?;
        self.report.indexed += articles.len() as u64;
        self.report.replaced += replaced;
        self.seen.commit_keys(keys);
        Ok(())
    }
}
