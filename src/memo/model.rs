//! The site model kept between runs, and the short way to this run's model: when the same
//! files are given and every edit leaves its doc in its place, the last model is patched
//! instead of made again. Files are matched by position, since the same files come in the
//! same order, so an unchanged file costs one pointer comparison.

use std::sync::Arc;

use super::{Entry, Kept, hash};
use crate::content;
use crate::discover::SourceFile;
use crate::hashing::Map;
use crate::publish::Publish;
use crate::site::{PerDoc, Site, Texts};

/// The last model, with what it was made from.
pub(super) struct Model {
    site: Arc<Site>,
    /// The content files it was made from, in the order given, with the text each had.
    files: Vec<(String, Arc<str>)>,
    /// Each doc's file, as an index into `files`: `None` for a root section with no file.
    doc_files: Vec<Option<usize>>,
    /// Each doc's hashes of its whole text and of its front matter.
    hashes: Vec<(u64, u64)>,
    publish: Publish,
    title: String,
}

impl Model {
    /// The model just made from `files` (rel and text, in the order given).
    pub(super) fn new(
        site: Arc<Site>,
        files: Vec<(String, Arc<str>)>,
        parsed: &Map<String, Entry>,
        publish: &Publish,
        title: &str,
    ) -> Model {
        let at: Map<&str, usize> = files
            .iter()
            .enumerate()
            .map(|(i, (rel, _))| (rel.as_str(), i))
            .collect();
        let doc_files = site
            .docs()
            .map(|(_, doc)| at.get(&*doc.rel).copied())
            .collect();
        // The root section that has no file of its own has an empty text.
        let empty = (hash(&""), hash(&""));
        let hashes = site
            .docs()
            .map(|(_, doc)| parsed.get(&doc.rel).map_or(empty, |e| (e.version, e.front)))
            .collect();
        Model {
            site,
            files,
            doc_files,
            hashes,
            publish: publish.clone(),
            title: title.to_string(),
        }
    }

    /// Each doc's text from this run's `files`, which are the model's files in its order.
    fn texts(&self, files: &[SourceFile]) -> Texts {
        let text = |at: &Option<usize>| match at {
            Some(i) => Arc::clone(&files[*i].text),
            None => Arc::from(""),
        };
        Texts::new(self.doc_files.iter().map(text).collect())
    }

    /// Each doc's hashes of its text and of its front matter.
    pub(super) fn hashes(&self) -> (PerDoc<u64>, PerDoc<u64>) {
        let (versions, fronts) = self.hashes.iter().copied().unzip();
        (PerDoc::from_vec(versions), PerDoc::from_vec(fronts))
    }
}

impl Kept {
    /// The last run's model, with this run's texts, when it still holds: the same files, in
    /// the same order, with the same settings, and every edit either to a body or to front
    /// matter that leaves its doc in its place (a new title, date, weight, description), which
    /// is patched into the model.
    pub(super) fn same_model(
        &mut self,
        files: &[SourceFile],
        publish: &Publish,
        title: &str,
    ) -> Option<(Arc<Site>, Texts)> {
        let model = self.model.as_ref()?;
        let same_files = model.files.len() == files.len()
            && model
                .files
                .iter()
                .zip(files)
                .all(|((rel, _), f)| *rel == f.rel);
        let until = model.site.publishing().until;
        if !same_files || !publish.same_as(&model.publish, until) || model.title != title {
            return None;
        }
        let mut edited = Vec::new();
        for (i, file) in files.iter().enumerate() {
            if Arc::ptr_eq(&model.files[i].1, &file.text) {
                continue;
            }
            let entry = self.parsed.get(&file.rel)?;
            let split = crate::frontmatter::split_text(&file.shown, &file.text).ok()?;
            let front = hash(&&file.text[..split.body_offset]);
            let parsed = if front == entry.front {
                entry.parsed.with_text(Arc::clone(&file.text))
            } else {
                // An error is reported by the full reading that follows.
                let parsed = content::parse(file.clone()).ok()?;
                entry.parsed.same_place(&parsed).then_some(parsed)?
            };
            edited.push((i, parsed, front));
        }
        // Only the memo holds the model between runs, so it can be changed in place.
        let mut model = self.model.take()?;
        let site = Arc::get_mut(&mut model.site)?;
        for (i, parsed, front) in edited {
            let file = &files[i];
            let Some(entry) = self.parsed.get_mut(&file.rel) else {
                continue;
            };
            content::patch(site, &entry.parsed, &parsed);
            *entry = Entry {
                text: Arc::clone(&file.text),
                version: hash(&&*file.text),
                front,
                parsed,
            };
            model.files[i].1 = Arc::clone(&file.text);
            if let Some(id) = site.lookup(&file.rel) {
                model.hashes[id.0] = (entry.version, entry.front);
            }
        }
        let texts = model.texts(files);
        (self.versions, self.fronts) = model.hashes();
        let site = Arc::clone(&model.site);
        self.model = Some(model);
        Some((site, texts))
    }
}
