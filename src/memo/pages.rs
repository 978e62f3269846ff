//! The page stage's short way: when a run works on the same model as the last one (the same
//! docs under the same ids, as after a body or title edit), whether a page must be rendered
//! again is decided by comparing keys by doc id, without hashing anything: its own view key,
//! its template, and the keys of the docs its template read. The long way, by file name and
//! page key, is what `Memo::render_all` does for a new model.

use std::sync::Arc;

use bytes::Bytes;

use super::{Keys, Salt, hash};
use crate::hashing::Map;
use crate::render::{Reads, Visit};
use crate::site::{DocId, PerDoc, Site};
use crate::templates::Chosen;

/// What the last page stage knew, by doc id. It holds only for the model it was made on.
pub(super) struct Last {
    generation: u64,
    globals: u64,
    templates: Map<String, u64>,
    keys: Keys,
    chosen: Chosen,
    /// What each page's template read, as doc ids of this model.
    reads: Vec<Resolved>,
    html: Vec<Bytes>,
}

/// A page's reads with their targets looked up: `None` for a file that is not in the site.
/// Shared, so that carrying them from run to run copies nothing.
pub(super) type Resolved = Arc<[(Visit, Option<DocId>)]>;

/// One page as this run has it: its HTML, and what its template read.
pub(super) struct Page {
    pub(super) html: Bytes,
    pub(super) reads: Resolved,
}

impl Last {
    /// The last run's pages, when this run has the same model and what every page sees (site.toml,
    /// data, nav) is unchanged. Templates are compared page by page, in [`Last::current`].
    pub(super) fn holds(&self, generation: u64, salt: &Salt) -> bool {
        self.generation == generation && self.globals == salt.globals
    }

    /// The page as the last run rendered it, if nothing it was made from changed: its view,
    /// its template (the same one, with the same files behind it), and for each doc its template read, that doc's view (`get_page`,
    /// `get_section`) or its head (a section without its pages). A URL cannot change under the
    /// same model, so `get_url` reads never make a page stale.
    pub(super) fn current(
        &self,
        id: DocId,
        keys: &Keys,
        chosen: &Chosen,
        salt: &Salt,
    ) -> Option<&Bytes> {
        let same = |keys: &PerDoc<u64>, was: &PerDoc<u64>, t: DocId| keys[t] == was[t];
        let template = &chosen[id];
        let was = &self.keys;
        let stale = was.view[id] != keys.view[id]
            || self.chosen[id] != *template
            || self.templates.get(template) != salt.templates.get(template)
            || self.reads[id.0]
                .iter()
                .any(|&(visit, target)| match (visit, target) {
                    (_, None) | (Visit::Url, _) => false,
                    (Visit::View, Some(t)) => !same(&keys.view, &was.view, t),
                    (Visit::Head, Some(t)) => !same(&keys.head, &was.head, t),
                    (Visit::Tree, Some(t)) => !same(&keys.tree, &was.tree, t),
                });
        (!stale).then(|| &self.html[id.0])
    }

    /// What a page read, as this run's model resolves it.
    pub(super) fn reads_of(&self, id: DocId) -> Resolved {
        Arc::clone(&self.reads[id.0])
    }

    /// This run's pages, for the next run on the same model.
    pub(super) fn new(
        generation: u64,
        salt: &Salt,
        keys: &Keys,
        chosen: &Chosen,
        pages: Vec<Page>,
    ) -> Last {
        let (reads, html) = pages.into_iter().map(|p| (p.reads, p.html)).unzip();
        Last {
            generation,
            globals: salt.globals,
            templates: salt.templates.clone(),
            keys: keys.clone(),
            chosen: chosen.clone(),
            reads,
            html,
        }
    }
}

/// A page's reads, looked up in `site`.
pub(super) fn resolve(site: &Site, reads: &Reads) -> Resolved {
    reads
        .iter()
        .map(|(visit, rel)| (*visit, site.lookup(rel)))
        .collect()
}

/// A page's key: its view key, its template, what every page sees, and the current value of
/// everything its template read last time.
pub(super) fn page_key(
    site: &Site,
    keys: &Keys,
    salt: &Salt,
    template: &str,
    id: DocId,
    reads: &Reads,
) -> u64 {
    let read: Vec<Option<(u64, &str)>> = reads
        .iter()
        .map(|(visit, rel)| {
            site.lookup(rel).map(|t| match visit {
                Visit::View => (keys.view[t], ""),
                Visit::Head => (keys.head[t], ""),
                Visit::Tree => (keys.tree[t], ""),
                Visit::Url => (0, &*site[t].path),
            })
        })
        .collect();
    let template_key = salt.templates.get(template).copied().unwrap_or(0);
    hash(&(keys.view[id], template, template_key, salt.globals, read))
}
