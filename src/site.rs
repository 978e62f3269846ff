//! The site model: every page and section is a [`Doc`], found by its [`DocId`]. A doc owns
//! its URL path and its output file; stages return their results per doc, as [`PerDoc`].
//!
//! Sections come first, the root section at id 0, then pages. `content` builds the model, and
//! only `content` changes it: to apply a front-matter edit that leaves every doc in its place.

use std::collections::BTreeMap;

use crate::hashing::Map;
use crate::publish::Publishing;
use std::ops::{Index, IndexMut};
use std::path::PathBuf;

use crate::frontmatter::SortBy;
pub(crate) use crate::texts::Texts;

/// A page or section: its place in [`Site::docs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct DocId(pub(crate) usize);

/// One page or section, resolved.
#[derive(Debug, Clone)]
pub(crate) struct Doc {
    /// The path as the author knows it: `content/careers/x.md`.
    pub(crate) shown: PathBuf,
    /// The path relative to content/, with forward slashes: `careers/x.md`. `@/` links name it.
    pub(crate) rel: String,
    /// Where the body starts in the file's text, so body spans map to file lines.
    pub(crate) body_offset: usize,
    /// URL path from the site root, without the base path: `/careers/x/`.
    pub(crate) path: String,
    /// The file it is written to, relative to the output folder: `careers/x/index.html`.
    pub(crate) output: String,
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    pub(crate) date: Option<String>,
    pub(crate) updated: Option<String>,
    pub(crate) weight: Option<i64>,
    pub(crate) template: Option<String>,
    pub(crate) extra: toml::Table,
    /// Output files of the redirect pages for old URLs: `old/url/index.html`.
    pub(crate) aliases: Vec<String>,
    /// Its language's code: from its file name, or the default language.
    pub(crate) lang: std::sync::Arc<str>,
    /// For a page made from a data row: where in its data file (`shown`) the row is.
    pub(crate) row: Option<std::sync::Arc<Row>>,
    pub(crate) kind: Kind,
}

/// Where a page made from a data row sits in its data file, so that its errors name the
/// file's own lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    /// The array of tables the row is in, and the row's index in it.
    pub(crate) rows: String,
    pub(crate) index: usize,
    /// The 0-based line of the row's first key or header in the data file.
    pub(crate) start: usize,
    /// The 0-based line and column of the body's first character in the data file, and the
    /// text before it on its line (`body = "`).
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) lead: String,
    /// A hash of the row's keys and body: what the row's front matter is to a file.
    pub(crate) hash: u64,
}

/// What only a page or only a section has.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Page(Page),
    /// Boxed: sections are few, and larger than pages, which would pay for their room.
    Section(Box<Section>),
}

#[derive(Debug, Clone)]
pub(crate) struct Page {
    pub(crate) slug: String,
    pub(crate) authors: Vec<String>,
    pub(crate) taxonomies: BTreeMap<String, Vec<String>>,
    /// The pages to read first, as written (`@/guide/x.md`); `learning` resolves them.
    pub(crate) prerequisites: Vec<String>,
    pub(crate) objectives: Vec<String>,
    /// The section it belongs to.
    pub(crate) section: DocId,
}

#[derive(Debug, Clone)]
pub(crate) struct Section {
    pub(crate) sort_by: SortBy,
    pub(crate) page_template: Option<String>,
    pub(crate) schema: Option<String>,
    /// Pagination, when the section splits its pages.
    pub(crate) paginate: Option<Paginate>,
    /// Zola's `render`: whether the section's own page is written.
    pub(crate) render: bool,
    /// Zola's `redirect_to`: the section's page is a redirect to this path or URL.
    pub(crate) redirect_to: Option<String>,
    pub(crate) parent: Option<DocId>,
    /// Its pages, in display order.
    pub(crate) pages: Vec<DocId>,
    pub(crate) subsections: Vec<DocId>,
}

/// How a section splits its pages: Zola's `paginate_by`, `paginate_path`, `paginate_reversed`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Paginate {
    pub(crate) by: usize,
    pub(crate) path: String,
    pub(crate) reversed: bool,
}

impl Doc {
    pub(crate) fn page(&self) -> Option<&Page> {
        match &self.kind {
            Kind::Page(page) => Some(page),
            Kind::Section(_) => None,
        }
    }

    pub(crate) fn section(&self) -> Option<&Section> {
        match &self.kind {
            Kind::Section(section) => Some(section),
            Kind::Page(_) => None,
        }
    }

    /// A problem at `span` of the doc's body, whose text is `text` (the doc's whole text), at
    /// the file's own line: a row's body is placed where it sits in its data file.
    pub(crate) fn at(
        &self,
        text: &str,
        span: &std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> crate::error::Diagnostic {
        let span = span.start + self.body_offset..span.end + self.body_offset;
        let mut d = crate::error::Diagnostic::at(&self.shown, text, span, message);
        if let (Some(row), Some(at)) = (&self.row, &mut d.location) {
            if at.line == 1 {
                at.column += row.column;
                at.text.insert_str(0, &row.lead);
            }
            at.line += row.line;
        }
        d
    }

    /// The name its translations share: its `rel` without a language code (`blog/x.md` for
    /// `blog/x.fr.md`).
    pub(crate) fn name(&self) -> std::borrow::Cow<'_, str> {
        crate::lang::canonical(&self.rel, &self.lang)
    }

    /// The doc's source as the author knows it: its file, or its row of a data file.
    pub(crate) fn source_name(&self) -> String {
        let file = crate::error::display_path(&self.shown);
        match &self.row {
            Some(row) => format!("row {} of `{}` in {file}", row.index + 1, row.rows),
            None => file,
        }
    }

    /// Whether the doc's own page is written: not for a section with `render = false`.
    pub(crate) fn rendered(&self) -> bool {
        self.section().is_none_or(|s| s.render)
    }

    /// The output file for a URL path: `/careers/x/` is `careers/x/index.html`.
    pub(crate) fn output_of(path: &str) -> String {
        format!("{}index.html", path.trim_start_matches('/'))
    }
}

/// Every page and section, and how to find them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Site {
    /// Boxed, so that the model is made without moving every doc again (`content::index`).
    #[allow(clippy::vec_box)]
    docs: Vec<Box<Doc>>,
    by_file: Map<String, DocId>,
    /// The docs that have translations, each with all of them, itself too.
    translations: Map<DocId, std::sync::Arc<[DocId]>>,
    publishing: Publishing,
}

impl Site {
    /// The model from its docs: sections first, the root at 0, each section's `parent`,
    /// `pages` and `subsections` and each page's `section` already filled.
    #[allow(clippy::vec_box)] // as `docs` holds them
    pub(crate) fn new(docs: Vec<Box<Doc>>, publishing: Publishing) -> Site {
        let by_file = docs
            .iter()
            .enumerate()
            .map(|(i, doc)| (doc.rel.clone(), DocId(i)))
            .collect();
        let translations = translations(&docs);
        Site {
            docs,
            by_file,
            translations,
            publishing,
        }
    }

    /// The doc's translations, itself among them, the default language first and then by
    /// code; empty when it has none.
    pub(crate) fn translations(&self, id: DocId) -> &[DocId] {
        self.translations.get(&id).map_or(&[], |t| t)
    }

    /// The translation of `id` written in `lang`, or `id` itself when there is none.
    pub(crate) fn in_language(&self, id: DocId, lang: &str) -> DocId {
        let found = self
            .translations(id)
            .iter()
            .find(|&&t| &*self[t].lang == lang);
        found.copied().unwrap_or(id)
    }

    /// What the publishing rules left out, and until when that holds.
    pub(crate) fn publishing(&self) -> &Publishing {
        &self.publishing
    }

    pub(crate) fn len(&self) -> usize {
        self.docs.len()
    }

    pub(crate) fn ids(&self) -> impl ExactSizeIterator<Item = DocId> + Clone + use<> {
        (0..self.docs.len()).map(DocId)
    }

    /// Every doc with its id, sections first.
    pub(crate) fn docs(&self) -> impl Iterator<Item = (DocId, &Doc)> {
        self.docs
            .iter()
            .enumerate()
            .map(|(i, doc)| (DocId(i), &**doc))
    }

    pub(crate) fn pages(&self) -> impl Iterator<Item = (DocId, &Doc, &Page)> {
        self.docs()
            .filter_map(|(id, doc)| doc.page().map(|page| (id, doc, page)))
    }

    pub(crate) fn sections(&self) -> impl Iterator<Item = (DocId, &Doc, &Section)> {
        self.docs()
            .filter_map(|(id, doc)| doc.section().map(|section| (id, doc, section)))
    }

    pub(crate) fn count_pages(&self) -> usize {
        self.pages().count()
    }

    /// The doc of a content file, by its path relative to content/.
    pub(crate) fn lookup(&self, rel: &str) -> Option<DocId> {
        self.by_file.get(rel).copied()
    }

    /// Puts `doc` in the place of doc `id`, keeping that doc's links to its section, parent,
    /// pages and subsections: the edit left them as they were.
    pub(crate) fn replace(&mut self, id: DocId, mut doc: Doc) {
        let old = &self.docs[id.0];
        match (&mut doc.kind, &old.kind) {
            (Kind::Page(new), Kind::Page(old)) => new.section = old.section,
            (Kind::Section(new), Kind::Section(old)) => {
                new.parent = old.parent;
                new.pages = old.pages.clone();
                new.subsections = old.subsections.clone();
            }
            _ => return,
        }
        *self.docs[id.0] = doc;
    }

    /// Gives a section its pages in a new order.
    pub(crate) fn reorder(&mut self, section: DocId, order: Vec<DocId>) {
        if let Kind::Section(s) = &mut self.docs[section.0].kind {
            s.pages = order;
        }
    }

    /// Every content file's path relative to content/, for suggestions.
    pub(crate) fn files(&self) -> impl Iterator<Item = &str> {
        self.docs.iter().map(|doc| doc.rel.as_str())
    }

    /// Zola's `ancestors`: sections from the root down. A page's ends with its own section, a
    /// section's with its parent.
    pub(crate) fn ancestors(&self, id: DocId) -> Vec<DocId> {
        let mut chain = Vec::new();
        let mut next = match &self[id].kind {
            Kind::Page(page) => Some(page.section),
            Kind::Section(section) => section.parent,
        };
        while let Some(section) = next {
            chain.push(section);
            next = self[section].section().and_then(|s| s.parent);
        }
        chain.reverse();
        chain
    }
}

/// The docs whose names differ only in their language code, grouped. A site in one language
/// has none, and pays for nothing.
fn translations(docs: &[Box<Doc>]) -> Map<DocId, std::sync::Arc<[DocId]>> {
    let Some(first) = docs.first() else {
        return Map::default();
    };
    if docs.iter().all(|doc| doc.lang == first.lang) {
        return Map::default();
    }
    let mut groups: BTreeMap<(bool, std::borrow::Cow<str>), Vec<DocId>> = BTreeMap::new();
    for (i, doc) in docs.iter().enumerate() {
        let key = (doc.section().is_some(), doc.name());
        groups.entry(key).or_default().push(DocId(i));
    }
    let mut translations = Map::default();
    for mut group in groups.into_values().filter(|g| g.len() > 1) {
        // The first doc, the root section, is in the default language.
        group.sort_by_key(|id| (docs[id.0].lang != first.lang, docs[id.0].lang.clone()));
        let group: std::sync::Arc<[DocId]> = group.into();
        for &id in group.iter() {
            translations.insert(id, std::sync::Arc::clone(&group));
        }
    }
    translations
}

impl Index<DocId> for Site {
    type Output = Doc;

    fn index(&self, id: DocId) -> &Doc {
        &self.docs[id.0]
    }
}

/// One stage's result for every doc, found by [`DocId`].
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct PerDoc<T>(Vec<T>);

impl<T> PerDoc<T> {
    /// Results in doc order: the first is doc 0's.
    pub(crate) fn from_vec(items: Vec<T>) -> PerDoc<T> {
        PerDoc(items)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (DocId, &T)> {
        self.0.iter().enumerate().map(|(i, item)| (DocId(i), item))
    }

    pub(crate) fn values(&self) -> impl Iterator<Item = &T> {
        self.0.iter()
    }

    pub(crate) fn values_mut(&mut self) -> &mut [T] {
        &mut self.0
    }

    pub(crate) fn into_vec(self) -> Vec<T> {
        self.0
    }
}

impl<T> Index<DocId> for PerDoc<T> {
    type Output = T;

    fn index(&self, id: DocId) -> &T {
        &self.0[id.0]
    }
}

impl<T> IndexMut<DocId> for PerDoc<T> {
    fn index_mut(&mut self, id: DocId) -> &mut T {
        &mut self.0[id.0]
    }
}
