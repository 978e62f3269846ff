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
    /// The data files whose rows are pages, with the text each had.
    data: Vec<(String, Arc<str>)>,
    /// Where each doc's text comes from.
    doc_texts: Vec<DocText>,
    /// Each doc's hashes of its whole text and of its front matter.
    hashes: Vec<(u64, u64)>,
    publish: Publish,
    title: String,
}

/// A doc's text: its file's, by index into [`Model::files`], or its own (a data row's body,
/// or the empty text of a root section with no file).
enum DocText {
    File(usize),
    Own(Arc<str>),
}

/// What a model was just made from: the content files (rel and text, in the order given), the
/// data files, and the texts of its docs.
pub(super) struct Made<'a> {
    pub(super) files: Vec<(String, Arc<str>)>,
    pub(super) data: &'a [SourceFile],
    pub(super) texts: &'a Texts,
}

impl Model {
    /// The model just made.
    pub(super) fn new(
        site: Arc<Site>,
        made: Made,
        parsed: &Map<String, Entry>,
        publish: &Publish,
        title: &str,
    ) -> Model {
        let Made { files, data, texts } = made;
        let at: Map<&str, usize> = files
            .iter()
            .enumerate()
            .map(|(i, (rel, _))| (rel.as_str(), i))
            .collect();
        let doc_texts = site
            .docs()
            .map(|(id, doc)| match at.get(&*doc.rel) {
                Some(&i) if doc.row.is_none() => DocText::File(i),
                _ => DocText::Own(texts.text(id)),
            })
            .collect();
        let hashes = site
            .docs()
            .map(|(id, doc)| match (parsed.get(&doc.rel), &doc.row) {
                (_, Some(row)) => (hash(&(row.hash, texts.full(id))), row.hash),
                (Some(e), None) => (e.version, e.front),
                // The root section that has no file of its own has an empty text.
                (None, None) => (hash(&""), hash(&"")),
            })
            .collect();
        let rows_from: crate::hashing::Set<&std::path::Path> = site
            .docs()
            .filter(|(_, doc)| doc.row.is_some())
            .map(|(_, doc)| doc.shown.as_path())
            .collect();
        let data = data
            .iter()
            .filter(|f| rows_from.contains(f.shown.as_path()))
            .map(|f| (f.rel.clone(), Arc::clone(&f.text)))
            .collect();
        Model {
            site,
            files,
            data,
            doc_texts,
            hashes,
            publish: publish.clone(),
            title: title.to_string(),
        }
    }

    /// Each doc's text from this run's `files`, which are the model's files in its order.
    fn texts(&self, files: &[SourceFile]) -> Texts {
        let text = |at: &DocText| match at {
            DocText::File(i) => Arc::clone(&files[*i].text),
            DocText::Own(text) => Arc::clone(text),
        };
        Texts::new(self.doc_texts.iter().map(text).collect())
    }

    /// Whether the model can be patched for this run: the same files in the same order, every
    /// data file that rows came from unchanged, and the same settings.
    fn holds(
        &self,
        files: &[SourceFile],
        data: &[SourceFile],
        publish: &Publish,
        title: &str,
    ) -> bool {
        let same_files = self.files.len() == files.len()
            && self
                .files
                .iter()
                .zip(files)
                .all(|((rel, _), f)| *rel == f.rel);
        let same_data = self.data.iter().all(|(rel, text)| {
            data.iter()
                .any(|f| f.rel == *rel && Arc::ptr_eq(&f.text, text))
        });
        let until = self.site.publishing().until;
        same_files && same_data && publish.same_as(&self.publish, until) && self.title == title
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
        data: &[SourceFile],
        (publish, title): (&Publish, &str),
        naming: &content::Naming,
    ) -> Option<(Arc<Site>, Texts)> {
        let model = self.model.as_ref()?;
        if !model.holds(files, data, publish, title) {
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
                let parsed = content::parse(file.clone(), naming).ok()?;
                entry.parsed.same_place(&parsed).then_some(parsed)?
            };
            edited.push((i, parsed, front));
        }
        // Only the memo holds the model between runs, so it is changed in place, unless the
        // last run's leftovers still hold it while they are freed on their own thread: then
        // it is copied, which is still cheaper than a new model, and the same every time.
        let mut model = self.model.take()?;
        let site = Arc::make_mut(&mut model.site);
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

/// `texts` with each row's body shared with the last model's, where it is the same: a data
/// file edit then renders again only the rows it changed.
pub(super) fn reuse_row_texts(old: Option<&Model>, site: &Site, texts: Texts) -> Texts {
    let Some(old) = old.filter(|m| !m.data.is_empty()) else {
        return texts;
    };
    let was: Map<&str, &Arc<str>> = old
        .site
        .docs()
        .zip(&old.doc_texts)
        .filter_map(|((_, doc), text)| match text {
            DocText::Own(text) if doc.row.is_some() => Some((doc.rel.as_str(), text)),
            _ => None,
        })
        .collect();
    let text = |(id, doc): (crate::site::DocId, &crate::site::Doc)| match was.get(&*doc.rel) {
        Some(old) if doc.row.is_some() && ***old == *texts.full(id) => Arc::clone(old),
        _ => texts.text(id),
    };
    Texts::new(site.docs().map(text).collect())
}
