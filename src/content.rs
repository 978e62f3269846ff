//! Reading the site: Markdown files become the [`Site`] model, with URLs, output files, order
//! and parents.
//!
//! Follows Zola's conventions: `content/x.md` is the page `/x/`, a folder's `_index.md` is a
//! section, `content/x/index.md` is a page whose folder holds its assets.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::discover::SourceFile;
use crate::error::{Diagnostic, Diagnostics, collect};
use crate::frontmatter::{self, PageFront, RawDate, SectionFront, Shared, SortBy, Split};
use crate::lang::Languages;
use crate::publish::{LeftOut, Publish, Publishing, Why};
use crate::site::{Doc, DocId, Kind, Page, Section, Site, Texts};
use crate::slug::{self, Slugify, Strategy};

mod rows;

pub(crate) use rows::PagesFrom;

/// How content files become URLs: site.toml's `[slugify]` and its languages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub(crate) struct Naming {
    pub(crate) slugify: Slugify,
    pub(crate) languages: Languages,
}

impl Naming {
    pub(crate) fn of(config: &crate::config::Config) -> Naming {
        Naming {
            slugify: config.slugify,
            languages: Languages::of(config),
        }
    }
}

/// A content file read on its own, before it knows its neighbours.
#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    text: Arc<str>,
    /// Boxed: the model is put together from these in several passes over every file, and
    /// moving a box moves a pointer, not the doc.
    doc: Box<Doc>,
    draft: bool,
    /// A page's `expires` date, checked.
    expires: Option<String>,
    /// A section's `[pages_from]`: the data rows that are its pages.
    pages_from: Option<Box<rows::PagesFrom>>,
}

impl Parsed {
    /// Where the body starts in the file's text.
    pub(crate) fn body_offset(&self) -> usize {
        self.doc.body_offset
    }

    /// Whether `other`, a new reading of the same file, leaves the doc where it was: the same
    /// URL, output, aliases, draft state and kind, and for a section the same settings for its
    /// pages. Then the model can take the new reading in place ([`patch`]).
    pub(crate) fn same_place(&self, other: &Parsed) -> bool {
        let (a, b) = (&self.doc, &other.doc);
        let kinds = match (&a.kind, &b.kind) {
            (Kind::Page(_), Kind::Page(_)) => true,
            (Kind::Section(x), Kind::Section(y)) => {
                x.sort_by == y.sort_by
                    && x.page_template == y.page_template
                    && x.schema == y.schema
                    && x.paginate == y.paginate
                    && a.weight == b.weight
                    && x.redirect_to == y.redirect_to
                    && x.render == y.render
            }
            _ => false,
        };
        kinds
            && self.pages_from == other.pages_from
            && self.draft == other.draft
            && self.expires == other.expires
            && (self.doc.date == other.doc.date || self.doc.section().is_some())
            && a.path == b.path
            && a.output == b.output
            && a.aliases == b.aliases
    }

    /// The same reading of a text whose front matter is the same as this one's.
    pub(crate) fn with_text(&self, text: Arc<str>) -> Parsed {
        Parsed {
            text,
            ..self.clone()
        }
    }
}

/// Takes a new reading of one file into the model, in place, when [`Parsed::same_place`]
/// holds; re-sorts its section when what the section sorts by changed.
pub(crate) fn patch(site: &mut Site, old: &Parsed, new: &Parsed) {
    let Some(id) = site.lookup(&new.doc.rel) else {
        return; // a draft, left out before and after
    };
    let resort = match &site[id].kind {
        Kind::Page(page) => {
            let (a, b) = (&old.doc, &new.doc);
            let moved = a.title != b.title || a.weight != b.weight || a.date != b.date;
            moved.then_some(page.section)
        }
        Kind::Section(_) => None,
    };
    site.replace(id, (*new.doc).clone());
    if let Some(section) = resort {
        let mut order = site[section]
            .section()
            .map(|s| s.pages.clone())
            .unwrap_or_default();
        let sort_by = site[section]
            .section()
            .map_or(SortBy::Weight, |s| s.sort_by);
        sort(&mut order, sort_by, &|id| &site[id]);
        site.reorder(section, order);
    }
}

/// Builds the model from every Markdown file and the data rows that sections make pages of,
/// with each doc's text beside it. Drafts and
/// pages outside their dates are left out, as `publish` says.
pub(crate) fn index(
    files: Vec<SourceFile>,
    data: &[SourceFile],
    publish: &Publish,
    site_title: &str,
    naming: &Naming,
) -> Result<(Site, Texts), Diagnostics> {
    let parse = |file| parse(file, naming);
    index_with(files, data, (publish, site_title, naming), &parse)
}

/// [`index`], reading each file with `parse`: [`parse`], or a memo of it.
pub(crate) fn index_with(
    files: Vec<SourceFile>,
    data: &[SourceFile],
    (publish, site_title, naming): (&Publish, &str, &Naming),
    parse: &(dyn Fn(SourceFile) -> Result<Parsed, Diagnostic> + Sync),
) -> Result<(Site, Texts), Diagnostics> {
    let parsed: Vec<_> = files.into_par_iter().map(parse).collect();
    let parsed = collect(parsed.into_iter().map(|r| r.map_err(Diagnostics::from)))?;
    let parsed = rows::add_pages(parsed, data, naming)?;
    let (kept, publishing) = published(parsed, publish);
    let (sections, pages): (Vec<Parsed>, Vec<Parsed>) =
        kept.into_iter().partition(|p| p.doc.section().is_some());
    let mut docs = with_roots(sections, site_title, &naming.languages);
    docs.extend(pages);
    link_sections(&mut docs);
    let (texts, docs): (Vec<Arc<str>>, Vec<Box<Doc>>) =
        docs.into_iter().map(|p| (p.text, p.doc)).unzip();
    let site = Site::new(docs, publishing);
    Ok((site, Texts::new(texts)))
}

/// The docs `publish` keeps, and what it left out. A draft section hides everything under
/// it; a page's own date and `expires` decide for the page alone.
fn published(parsed: Vec<Parsed>, publish: &Publish) -> (Vec<Parsed>, Publishing) {
    let draft_dirs: Vec<(Arc<str>, String)> = parsed
        .iter()
        .filter(|p| p.draft && !publish.drafts && p.doc.section().is_some())
        .map(|p| {
            (
                Arc::clone(&p.doc.lang),
                format!("{}/", section_dir(&p.doc.name())),
            )
        })
        .collect();
    let mut left_out = Vec::new();
    let mut dates = Vec::new();
    let mut kept = Vec::with_capacity(parsed.len());
    for p in parsed {
        let page = p.doc.section().is_none();
        let name = p.doc.name();
        let in_draft = draft_dirs
            .iter()
            .any(|(lang, d)| *lang == p.doc.lang && name.starts_with(d.as_str()));
        let date = p.doc.date.as_deref().filter(|_| page);
        let why = match in_draft {
            true => Some(Why::Draft),
            false => publish.withholds(p.draft, date, p.expires.as_deref()),
        };
        if page && why != Some(Why::Draft) {
            dates.extend(date.map(str::to_string));
            dates.extend(p.expires.clone());
        }
        match why {
            Some(why) => left_out.push(LeftOut {
                shown: p.doc.shown.clone(),
                why,
            }),
            None => kept.push(p),
        }
    }
    let until = publish.next_change(dates.iter().map(String::as_str));
    (kept, Publishing { left_out, until })
}

/// Reads one content file on its own, making its URL as `naming` says.
pub(crate) fn parse(file: SourceFile, naming: &Naming) -> Result<Parsed, Diagnostic> {
    let split = frontmatter::split(&file)?;
    control_characters(&file, split.body_offset)?;
    let (lang, name) = language(&file, &naming.languages)?;
    let (slugify, prefix) = (naming.slugify, naming.languages.prefix(&lang));
    let is_section = name == "_index.md" || name.ends_with("/_index.md");
    let (doc, draft, expires, pages_from) = if is_section {
        let front: SectionFront = frontmatter::parse(&file, &split)?;
        let kind = Kind::Section(Box::new(Section {
            sort_by: front.sort_by,
            page_template: front.page_template.clone(),
            schema: front.schema.clone(),
            paginate: paginate(&file, &split, &front)?,
            render: front.render,
            redirect_to: front.redirect_to.clone(),
            parent: None,
            pages: Vec::new(),
            subsections: Vec::new(),
        }));
        let path = format!("{prefix}{}", dir_path(section_dir(&name), slugify.paths));
        let keys = Keys::Front(&file, &split);
        let doc = doc(&keys, (split.body_offset, lang), &front, path, kind)?;
        (doc, front.draft, None, front.pages_from.map(Box::new))
    } else {
        let mut front: PageFront = frontmatter::parse(&file, &split)?;
        if front.date.is_none() {
            front.date = date_prefix(page_stem(&name))
                .0
                .map(|d| RawDate::Text(d.to_string()));
        }
        let keys = Keys::Front(&file, &split);
        let slug = page_slug(&keys, (front.slug.as_deref(), &name), slugify.paths)?;
        let path = match &front.path {
            Some(path) => given_path(&keys, path)?,
            None => format!(
                "{prefix}{}{slug}/",
                dir_path(page_dir(&name), slugify.paths)
            ),
        };
        let kind = Kind::Page(Page {
            slug,
            authors: std::mem::take(&mut front.authors),
            taxonomies: std::mem::take(&mut front.taxonomies),
            prerequisites: std::mem::take(&mut front.prerequisites),
            objectives: std::mem::take(&mut front.objectives),
            section: DocId(0), // set by `link_sections` once every section is known
        });
        let expires = dated(&keys, "expires", &front.expires)?;
        let doc = doc(&keys, (split.body_offset, lang), &front, path, kind)?;
        (doc, front.draft, expires, None)
    };
    Ok(Parsed {
        text: file.text,
        doc: Box::new(doc),
        draft,
        expires,
        pages_from,
    })
}

/// A content file's language, and its name without the code.
fn language(file: &SourceFile, languages: &Languages) -> Result<(Arc<str>, String), Diagnostic> {
    let (lang, name) = languages
        .read(&file.rel)
        .map_err(|unknown| unknown_language(file, unknown))?;
    Ok((lang, name.into_owned()))
}

/// A file whose name ends in a language code site.toml does not declare: `x.fe.md`.
fn unknown_language(file: &SourceFile, unknown: crate::lang::Unknown) -> Diagnostic {
    let code = &unknown.code;
    let message = format!(
        "the file name gives the language `{code}`, which is no language of this site ({})",
        unknown.known.join(", ")
    );
    let help = match &unknown.close {
        Some(close) => format!(
            "did you mean `{close}`? Otherwise declare it in site.toml with `[languages.{code}]`"
        ),
        None => format!("declare it in site.toml with `[languages.{code}]`, or rename the file"),
    };
    Diagnostic::in_file(&file.shown, message).with_help(help)
}

/// A section's pagination, checked: `paginate_by` is at least 1, and `paginate_path` one URL
/// segment.
fn paginate(
    file: &SourceFile,
    split: &Split,
    front: &SectionFront,
) -> Result<Option<crate::site::Paginate>, Diagnostic> {
    let Some(by) = front.paginate_by else {
        return Ok(None);
    };
    let keys = Keys::Front(file, split);
    if by == 0 {
        let message = "`paginate_by` is 0, so no page could hold any".to_string();
        return Err(keys
            .error("paginate_by", message)
            .with_help("give it the number of pages each page of the list shows, like 10"));
    }
    if let Some(why) = slug::problem(&front.paginate_path) {
        let message = format!("`paginate_path` \"{}\" {why}", front.paginate_path);
        return Err(keys
            .error("paginate_path", message)
            .with_help("write one URL segment, like \"page\""));
    }
    Ok(Some(crate::site::Paginate {
        by,
        path: front.paginate_path.clone(),
        reversed: front.paginate_reversed,
    }))
}

/// Where a doc's keys are written, for errors about their values: a Markdown file's front
/// matter, or a row of a data file with the span of each of its keys.
pub(crate) enum Keys<'a> {
    Front(&'a SourceFile, &'a Split),
    Row(&'a SourceFile, &'a rows::Spans),
}

impl Keys<'_> {
    fn file(&self) -> &SourceFile {
        match self {
            Keys::Front(file, _) | Keys::Row(file, _) => file,
        }
    }

    /// A problem with the value of `key`, at its line.
    fn error(&self, key: &str, message: String) -> Diagnostic {
        match self {
            Keys::Front(file, split) => {
                let line = frontmatter::key_line(file, split, key).unwrap_or(1);
                Diagnostic::at_line(&file.shown, &file.text, line, 0, key.len(), message)
            }
            Keys::Row(file, spans) => {
                Diagnostic::at(&file.shown, &file.text, spans.key(key), message)
            }
        }
    }
}

/// The resolved doc, with its dates and aliases checked.
fn doc(
    keys: &Keys,
    (body_offset, lang): (usize, Arc<str>),
    front: &impl Shared,
    path: String,
    kind: Kind,
) -> Result<Doc, Diagnostic> {
    let s = front.shared();
    let file = keys.file();
    Ok(Doc {
        shown: file.shown.clone(),
        rel: file.rel.clone(),
        body_offset,
        date: dated(keys, "date", s.date)?,
        updated: dated(keys, "updated", s.updated)?,
        aliases: alias_outputs(keys, s.aliases)?,
        title: s.title.to_string(),
        description: s.description.clone(),
        weight: s.weight,
        template: s.template.clone(),
        extra: s.extra.clone(),
        output: Doc::output_of(&path),
        path,
        lang,
        row: None,
        kind,
    })
}

/// Checks a date and returns it as ISO text (`2024-05-01` or `2024-05-01T10:00:00Z`).
fn dated(keys: &Keys, key: &str, raw: &Option<RawDate>) -> Result<Option<String>, Diagnostic> {
    let text = match raw {
        None => return Ok(None),
        Some(RawDate::Toml(d)) => d.to_string(),
        Some(RawDate::Text(s)) => s.trim().to_string(),
    };
    if is_date(&text) {
        return Ok(Some(text));
    }
    Err(keys
        .error(key, format!("`{key}` is not a date: \"{text}\""))
        .with_help(format!("write it as `{key} = 2024-05-01`")))
}

/// A control character in the body (NUL, escape…) is refused: HTML may not hold it, and it is
/// never what an author meant. Tabs and line breaks are text.
fn control_characters(file: &SourceFile, body_offset: usize) -> Result<(), Diagnostic> {
    let body = &file.text[body_offset..];
    let Some((at, c)) = body
        .char_indices()
        .find(|&(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    else {
        return Ok(());
    };
    let at = body_offset + at;
    let message = format!("a control character (U+{:04X}) in the text", c as u32);
    Err(
        Diagnostic::at(&file.shown, &file.text, at..at + c.len_utf8(), message)
            .with_help("delete it: a page may not hold it, and it does not show"),
    )
}

/// Whether `text` is a whole date (`2024-05-01`) or datetime (`2024-05-01T10:00:00`, with an
/// optional offset or `Z`), and nothing more.
fn is_date(text: &str) -> bool {
    text.len() >= 10
        && (text.parse::<jiff::civil::Date>().is_ok() && text.len() == 10
            || text.parse::<jiff::civil::DateTime>().is_ok()
            || text.parse::<jiff::Timestamp>().is_ok())
}

/// Output paths for a file's aliases: `/old/url/` is written as `old/url/index.html`.
fn alias_outputs(keys: &Keys, aliases: &[String]) -> Result<Vec<String>, Diagnostic> {
    let mut outputs = Vec::new();
    for alias in aliases {
        let trimmed = alias.trim().trim_matches('/');
        let bad = trimmed.is_empty()
            || trimmed.contains('\\')
            || trimmed
                .split('/')
                .any(|seg| seg == ".." || seg == "." || seg.is_empty())
            || trimmed.contains(['?', '#']);
        if bad {
            let message = format!("alias \"{alias}\" is not a path inside the site");
            return Err(keys
                .error("aliases", message)
                .with_help("write aliases as site paths, like \"/old/url/\""));
        }
        outputs.push(if trimmed.ends_with(".html") {
            trimmed.to_string()
        } else {
            format!("{trimmed}/index.html")
        });
    }
    Ok(outputs)
}

/// Zola's `path = "about"`: the page's URL path, `/about/`, checked to stay inside the site.
fn given_path(keys: &Keys, given: &str) -> Result<String, Diagnostic> {
    let trimmed = given.trim().trim_matches('/');
    let bad = trimmed.is_empty()
        || trimmed.contains(['\\', '?', '#'])
        || trimmed
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == ".." || slug::problem(s).is_some());
    if bad {
        let message = format!("path \"{given}\" is not a path inside the site");
        return Err(keys
            .error("path", message)
            .with_help("write the page's URL path, like \"about\" or \"docs/intro\""));
    }
    Ok(format!("/{trimmed}/"))
}

/// A slug from front matter, made by `strategy` as Zola makes it (`"Hello & World"` is
/// `hello-world`), and checked to be one URL segment.
fn given_slug(keys: &Keys, given: &str, strategy: Strategy) -> Result<String, Diagnostic> {
    let slug = slug::path(given, strategy);
    match slug::problem(&slug) {
        None => Ok(slug),
        Some(why) => {
            let message = match slug == given {
                true => format!("slug \"{slug}\" {why}"),
                false => format!("slug \"{given}\" makes \"{slug}\", which {why}"),
            };
            let help = "a slug is one URL segment inside its section, like \"clinical-analyst\"";
            Err(keys.error("slug", message).with_help(help))
        }
    }
}

/// A page's slug: the one its front matter gives, or one made from its file's `name` (without
/// a language code).
fn page_slug(
    keys: &Keys,
    (slug, name): (Option<&str>, &str),
    strategy: Strategy,
) -> Result<String, Diagnostic> {
    if let Some(slug) = slug {
        return given_slug(keys, slug, strategy);
    }
    let file = keys.file();
    let (_, stem) = date_prefix(page_stem(name));
    let auto = slug::path(stem, strategy);
    if auto.is_empty() {
        return Err(
            Diagnostic::in_file(&file.shown, "cannot make a URL from this file name")
                .with_help("rename the file, or set `slug = \"...\"` in its front matter"),
        );
    }
    Ok(auto)
}

/// Zola's dated file names: `2024-05-01-launch.md` is dated 2024-05-01 with the slug `launch`.
fn date_prefix(stem: &str) -> (Option<&str>, &str) {
    let dated = stem.len() > 11
        && stem.is_char_boundary(10)
        && stem.is_char_boundary(11)
        && stem[..10].parse::<jiff::civil::Date>().is_ok()
        && matches!(stem.as_bytes()[10], b'-' | b'_');
    if dated {
        (Some(&stem[..10]), &stem[11..])
    } else {
        (None, stem)
    }
}

/// `a/b.md` -> `b`; `a/b/index.md` -> `b`.
fn page_stem(rel: &str) -> &str {
    let trimmed = rel
        .strip_suffix("/index.md")
        .unwrap_or(rel)
        .trim_end_matches(".md");
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

/// The folder whose URL a page's URL extends: `a/b.md` -> `a`; `a/b/index.md` -> `a`.
fn page_dir(rel: &str) -> &str {
    let trimmed = rel.strip_suffix("/index.md").unwrap_or(rel);
    trimmed.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// `careers/_index.md` -> `careers`; `_index.md` -> ``.
pub(crate) fn section_dir(rel: &str) -> &str {
    rel.strip_suffix("_index.md")
        .unwrap_or(rel)
        .trim_end_matches('/')
}

/// The URL path of a content folder: `careers/it` -> `/careers/it/`.
pub(crate) fn dir_path(dir: &str, strategy: Strategy) -> String {
    let mut path = String::from("/");
    for part in dir.split('/').filter(|p| !p.is_empty()) {
        path.push_str(&slug::path(part, strategy));
        path.push('/');
    }
    path
}

/// The sections with the root first: `content/_index.md`, or one made from the site's title.
/// Each other language has a root too, `_index.fr.md` or one made for it, after the first.
fn with_roots(mut sections: Vec<Parsed>, site_title: &str, languages: &Languages) -> Vec<Parsed> {
    match sections.iter().position(|p| p.doc.rel == "_index.md") {
        Some(root) => {
            let root = sections.remove(root);
            sections.insert(0, root);
        }
        None => {
            let lang = languages.default_code();
            sections.insert(0, made_root("_index.md", site_title, lang, "/"));
        }
    }
    let mut at = 1;
    for (code, title) in languages.others() {
        let rel = format!("_index.{code}.md");
        if sections.iter().all(|p| p.doc.rel != rel) {
            let path = format!("/{code}/");
            sections.insert(at, made_root(&rel, title, code, &path));
            at += 1;
        }
    }
    sections
}

/// The home section of a language whose site has no `_index.md` for it.
fn made_root(rel: &str, title: &str, lang: &Arc<str>, path: &str) -> Parsed {
    let doc = Doc {
        shown: format!("content/{rel}").into(),
        rel: rel.into(),
        body_offset: 0,
        path: path.into(),
        output: Doc::output_of(path),
        title: title.to_string(),
        description: None,
        date: None,
        updated: None,
        weight: None,
        template: None,
        extra: toml::Table::new(),
        aliases: Vec::new(),
        lang: Arc::clone(lang),
        row: None,
        kind: Kind::Section(Box::new(Section {
            sort_by: SortBy::Weight,
            page_template: None,
            schema: None,
            paginate: None,
            render: true,
            redirect_to: None,
            parent: None,
            pages: Vec::new(),
            subsections: Vec::new(),
        })),
    };
    Parsed {
        text: Arc::from(""),
        doc: Box::new(doc),
        draft: false,
        expires: None,
        pages_from: None,
    }
}

/// Sections by language and folder: `fr` → `blog`.
type Dirs = BTreeMap<Arc<str>, BTreeMap<String, DocId>>;

/// Gives every section its parent, subsections and ordered pages, and every page its section.
/// Each language's sections make a tree of their own, under that language's root.
fn link_sections(docs: &mut [Parsed]) {
    // BTreeMap order puts parents before children, and siblings in name order.
    let mut dirs = Dirs::new();
    for (i, p) in docs.iter().enumerate() {
        if p.doc.section().is_some() {
            let dir = section_dir(&p.doc.name()).to_string();
            let lang = dirs.entry(Arc::clone(&p.doc.lang)).or_default();
            lang.insert(dir, DocId(i));
        }
    }
    let mut children: Vec<(DocId, DocId)> = Vec::new();
    for (lang, in_lang) in &dirs {
        for (dir, &id) in in_lang.iter().filter(|(dir, _)| !dir.is_empty()) {
            children.push((nearest_section(&dirs, lang, parent_dir(dir)), id));
        }
    }
    for (i, p) in docs.iter_mut().enumerate() {
        let name = p.doc.name().into_owned();
        if let Kind::Page(page) = &mut p.doc.kind {
            page.section = nearest_section(&dirs, &p.doc.lang, page_dir(&name));
            children.push((page.section, DocId(i)));
        }
    }
    for (parent, child) in children {
        let is_page = docs[child.0].doc.page().is_some();
        if let Kind::Section(section) = &mut docs[child.0].doc.kind {
            section.parent = Some(parent);
        }
        if let Kind::Section(section) = &mut docs[parent.0].doc.kind {
            if is_page {
                section.pages.push(child);
            } else {
                section.subsections.push(child);
            }
        }
    }
    for i in 0..docs.len() {
        order_pages(docs, i);
    }
}

fn parent_dir(dir: &str) -> &str {
    dir.rsplit_once('/').map_or("", |(p, _)| p)
}

/// The section in `lang` owning a folder: the folder's own, or the nearest ancestor's. Every
/// language's root exists ([`with_roots`]).
fn nearest_section(dirs: &Dirs, lang: &Arc<str>, mut dir: &str) -> DocId {
    let Some(dirs) = dirs.get(lang) else {
        return DocId(0);
    };
    loop {
        if let Some(&id) = dirs.get(dir) {
            return id;
        }
        if dir.is_empty() {
            return DocId(0);
        }
        dir = parent_dir(dir);
    }
}

/// Puts a section's pages in the order its `sort_by` asks for, and its subsections in weight
/// order, as Zola does (no weight counts as 0; ties keep folder order).
fn order_pages(docs: &mut [Parsed], section: usize) {
    let Kind::Section(s) = &mut docs[section].doc.kind else {
        return;
    };
    let (sort_by, mut order) = (s.sort_by, std::mem::take(&mut s.pages));
    let mut subsections = std::mem::take(&mut s.subsections);
    sort(&mut order, sort_by, &|id| &docs[id.0].doc);
    subsections.sort_by_key(|id| docs[id.0].doc.weight.unwrap_or(0));
    if let Kind::Section(s) = &mut docs[section].doc.kind {
        s.pages = order;
        s.subsections = subsections;
    }
}

/// Sorts a section's pages as its `sort_by` asks. Each key is made once per page, not once
/// per comparison: sections hold thousands.
fn sort<'a>(order: &mut [DocId], sort_by: SortBy, doc: &dyn Fn(DocId) -> &'a Doc) {
    let by_title = |id: DocId| (doc(id).title.to_lowercase(), doc(id).rel.clone());
    match sort_by {
        SortBy::Weight => order.sort_by_cached_key(|&id| {
            let weight = doc(id).weight;
            (weight.is_none(), weight, by_title(id))
        }),
        SortBy::Title => order.sort_by_cached_key(|&id| by_title(id)),
        // Dated pages first, newest first.
        SortBy::Date => order.sort_by_cached_key(|&id| {
            let date = doc(id).date.clone();
            (date.is_none(), std::cmp::Reverse(date), by_title(id))
        }),
        SortBy::None => order.sort_by_cached_key(|&id| doc(id).rel.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rel: &str, front: &str) -> SourceFile {
        SourceFile {
            shown: format!("content/{rel}").into(),
            rel: rel.into(),
            text: format!("+++\n{front}\n+++\nbody\n").into(),
        }
    }

    fn site(files: &[(&str, &str)]) -> Result<Site, Diagnostics> {
        index(
            files.iter().map(|(r, f)| file(r, f)).collect(),
            &[],
            &Publish::now(false, false),
            "Site",
            &Default::default(),
        )
        .map(|(site, _)| site)
    }

    fn path(site: &Site, rel: &str) -> String {
        site[site.lookup(rel).unwrap()].path.clone()
    }

    fn titles(site: &Site, section: DocId) -> Vec<&str> {
        let pages = &site[section].section().unwrap().pages;
        pages.iter().map(|&id| site[id].title.as_str()).collect()
    }

    #[test]
    fn urls_follow_zola_conventions() {
        let s = site(&[
            ("_index.md", "title = \"Home\""),
            ("about.md", "title = \"About\""),
            ("careers/_index.md", "title = \"Careers\""),
            ("careers/Clinical Analyst.md", "title = \"CA\""),
            ("careers/coder/index.md", "title = \"Coder\""),
            ("careers/x.md", "title = \"X\"\nslug = \"renamed\""),
        ])
        .unwrap();
        assert_eq!(path(&s, "about.md"), "/about/");
        assert_eq!(path(&s, "careers/_index.md"), "/careers/");
        assert_eq!(
            path(&s, "careers/Clinical Analyst.md"),
            "/careers/clinical-analyst/"
        );
        assert_eq!(path(&s, "careers/coder/index.md"), "/careers/coder/");
        assert_eq!(path(&s, "careers/x.md"), "/careers/renamed/");
    }

    #[test]
    fn root_section_is_implicit_and_parents_nest() {
        let s = site(&[
            ("a/_index.md", "title = \"A\""),
            ("a/b/_index.md", "title = \"B\""),
            ("a/b/p.md", "title = \"P\""),
        ])
        .unwrap();
        assert_eq!(s[DocId(0)].path, "/");
        let b = s.lookup("a/b/_index.md").unwrap();
        assert_eq!(s.ancestors(b).len(), 2);
        assert_eq!(s[b].section().unwrap().pages.len(), 1);
        let p = s.lookup("a/b/p.md").unwrap();
        assert_eq!(
            s.ancestors(p),
            [DocId(0), s.lookup("a/_index.md").unwrap(), b]
        );
    }

    #[test]
    fn subsections_go_by_weight_then_folder() {
        let s = site(&[
            ("b/_index.md", "title = \"B\""),
            ("guide/_index.md", "title = \"Guide\"\nweight = 1"),
            ("careers/_index.md", "title = \"Careers\"\nweight = 2"),
            ("a/_index.md", "title = \"A\""),
        ])
        .unwrap();
        let subs = &s[DocId(0)].section().unwrap().subsections;
        let titles: Vec<&str> = subs.iter().map(|&id| s[id].title.as_str()).collect();
        assert_eq!(
            titles,
            ["A", "B", "Guide", "Careers"],
            "no weight is 0, as in Zola"
        );
    }

    #[test]
    fn the_root_section_is_doc_0_whatever_sorts_first() {
        let s = site(&[
            ("Archive/_index.md", "title = \"Archive\""),
            ("_index.md", "title = \"Home\""),
        ])
        .unwrap();
        assert_eq!(s[DocId(0)].rel, "_index.md");
        assert_eq!(s[DocId(1)].rel, "Archive/_index.md");
    }

    #[test]
    fn dated_file_names_set_date_and_slug() {
        let s = site(&[
            ("blog/2024-05-01-launch.md", "title = \"L\""),
            ("blog/2024-13-01-x.md", "title = \"X\""),
        ])
        .unwrap();
        let launch = &s[s.lookup("blog/2024-05-01-launch.md").unwrap()];
        assert_eq!(
            (launch.path.as_str(), launch.date.as_deref()),
            ("/blog/launch/", Some("2024-05-01"))
        );
        assert_eq!(path(&s, "blog/2024-13-01-x.md"), "/blog/2024-13-01-x/");
    }

    #[test]
    fn drafts_are_left_out() {
        let s = site(&[
            ("a.md", "title = \"A\"\ndraft = true"),
            ("b.md", "title = \"B\""),
        ])
        .unwrap();
        assert_eq!(s.count_pages(), 1);
    }

    #[test]
    fn ordering_by_weight_date_and_title() {
        let s = site(&[
            ("_index.md", "title = \"H\"\nsort_by = \"date\""),
            ("a.md", "title = \"A\"\ndate = 2020-01-01"),
            ("b.md", "title = \"B\"\ndate = 2022-01-01"),
            ("c.md", "title = \"C\""),
        ])
        .unwrap();
        assert_eq!(titles(&s, DocId(0)), ["B", "A", "C"]);

        let s = site(&[
            ("a.md", "title = \"A\"\nweight = 2"),
            ("b.md", "title = \"B\""),
            ("c.md", "title = \"C\"\nweight = 1"),
        ])
        .unwrap();
        assert_eq!(titles(&s, DocId(0)), ["C", "A", "B"]);
    }

    #[test]
    fn slugs_are_made_as_zola_makes_them_and_checked() {
        // Zola's default: a slug is slugified, so nothing in it can climb out.
        let s = site(&[("a.md", "title = \"A\"\nslug = \"../Up & Away\"")]).unwrap();
        assert_eq!(path(&s, "a.md"), "/up-away/");
        // As written (`slugify.paths = "off"`), a separator is refused at its line.
        let off = Slugify {
            paths: Strategy::Off,
            ..Slugify::default()
        };
        for bad in ["../up", "a/b", "a\\\\b"] {
            let text = format!("title = \"A\"\nslug = \"{bad}\"");
            let err = index(
                vec![file("a.md", &text)],
                &[],
                &Publish::now(false, false),
                "S",
                &Naming {
                    slugify: off,
                    ..Naming::default()
                },
            )
            .unwrap_err();
            assert_eq!(err.0[0].location.as_ref().unwrap().line, 3, "{bad}");
        }
        let safe = Slugify {
            paths: Strategy::Safe,
            ..Slugify::default()
        };
        let (s, _) = index(
            vec![file("notes/Café Crème.md", "title = \"C\"")],
            &[],
            &Publish::now(false, false),
            "S",
            &Naming {
                slugify: safe,
                ..Naming::default()
            },
        )
        .unwrap();
        assert_eq!(path(&s, "notes/Café Crème.md"), "/notes/Café Crème/");
    }

    #[test]
    fn control_characters_in_a_body_are_refused_at_their_place() {
        let err = site(&[("a.md", "title = \"A\"\n+++\nFine.\n\nNot \u{1} fine")]).unwrap_err();
        assert!(err.0[0].message.contains("U+0001"), "{:?}", err.0[0]);
        let at = err.0[0].location.as_ref().unwrap();
        assert_eq!((at.line, at.column), (6, 5));
        assert!(site(&[("a.md", "title = \"A\"\n+++\nTabs\tand\r\nbreaks.")]).is_ok());
    }

    #[test]
    fn dates_are_whole_dates_or_datetimes() {
        for good in [
            "2024-05-01",
            "2024-05-01T10:00:00",
            "2024-05-01T10:00:00Z",
            "2024-05-01T10:00:00+02:00",
            "2024-05-01 10:00:00",
        ] {
            assert!(is_date(good), "{good}");
        }
        for bad in [
            "2024-02-30",
            "2024-05-01 and then some",
            "2024-05-01x",
            "2024-5-1",
            "May 2024",
            "2024-05-01T25:00:00",
            "",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    #[test]
    fn bad_dates_and_aliases_are_located() {
        let err = site(&[("a.md", "title = \"A\"\ndate = \"soon\"")]).unwrap_err();
        assert_eq!(err.0[0].location.as_ref().unwrap().line, 3);
        let err = site(&[("a.md", "title = \"A\"\naliases = [\"../../etc\"]")]).unwrap_err();
        assert!(err.0[0].message.contains("not a path inside the site"));
    }
}
