//! What a run may reuse from the runs before it. `docent serve` keeps one memo for all its
//! runs; a build starts from [`Memo::none`], which remembers nothing.
//!
//! Each memoized stage keeps its result for a doc together with a key: a hash of everything
//! the result was made from. A doc's text is read again only when its file's stamp changed;
//! its front matter is parsed and its Markdown rendered again only when its text changed; its
//! view is made again only when its view key changed (its text, its URL, its place among its
//! neighbours, the URLs it links to, its pages' views for a section); and its page is rendered
//! again only when its page key changed (its view key, its template and what that template
//! includes, site.toml and data, and the views and URLs the template read while rendering it
//! last time through `get_page`, `get_section` and `get_url`). Everything else is made from
//! scratch on every run, so after any edit the output equals a clean build's.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use rayon::prelude::*;
use tera::Value;

use crate::content::{self, Naming, Parsed};
use crate::data::Data;
use crate::discover::{self, Read, SourceFile, Sources};
use crate::error::{Diagnostic, Diagnostics, collect};
use crate::hashing::Map;
use crate::links::{Held, Refs, Renders};
use crate::markdown::{self, Rendered};
use crate::pipeline::Stop;
use crate::publish::Publish;
use crate::render::{self, Job, Reads};
use crate::schema::Schemas;
use crate::site::{DocId, Kind, PerDoc, Site, Texts};
use crate::spill::Spill;
use crate::templates::Templates;
use crate::views::{Urls, Views};

/// What earlier runs left for this one.
#[derive(Default)]
pub(crate) struct Memo {
    /// `None` for a memo that remembers nothing.
    kept: Option<Kept>,
    /// Where a memo that remembers nothing puts each body's HTML until its view is made.
    spill: Option<Arc<Spill>>,
}

/// Each stage's results by content file (its path relative to content/), with their keys.
#[derive(Default)]
struct Kept {
    read: Read,
    parsed: Map<String, Entry>,
    /// Each body's Markdown, with its text and the versions of the shortcodes it used.
    rendered: Map<String, (Arc<str>, Arc<Rendered>, u64)>,
    views: Map<String, (u64, Value)>,
    pages: Map<String, (u64, Reads, Bytes)>,
    sitemap: Keyed,
    site_files: Keyed,
    /// The data tree as last loaded, with the files it was loaded from.
    data: Option<(TemplateFiles, Arc<Data>)>,
    /// The schemas as last compiled, with the hash of their files.
    schemas: Option<(u64, Arc<Schemas>)>,
    /// The templates as last loaded, with the files they were loaded from.
    templates: Option<(TemplateFiles, Templates)>,
    /// The last model, with the files it was made from and the settings it was made with.
    model: Option<model::Model>,
    /// This run's hashes of each doc's whole text and of its front matter, and its view key.
    versions: PerDoc<u64>,
    fronts: PerDoc<u64>,
    keys: Keys,
    /// Counts the models made from scratch: results kept by doc id hold only for their own.
    generation: u64,
    /// The last run's pages by doc id, for a run on the same model.
    last_pages: Option<pages::Last>,
    passed: checks::Passed,
    counts: Counts,
    /// The settings every stage's results depend on, as a hash: `[slugify]`, the languages and
    /// `[markdown]`.
    settings: u64,
}

/// Each file's name and text, as a run was given them.
pub(crate) type TemplateFiles = Vec<(String, Arc<str>)>;

impl Entry {
    /// Parses one content file; returns its path relative to content/ and its entry.
    fn read(
        file: SourceFile,
        naming: &Naming,
    ) -> Result<(String, Entry), crate::error::Diagnostic> {
        let (rel, text) = (file.rel.clone(), Arc::clone(&file.text));
        let parsed = content::parse(file, naming)?;
        let front = text.get(..parsed.body_offset()).unwrap_or(&text);
        let (version, front) = (hash(&&*text), hash(&front));
        let entry = Entry {
            text,
            parsed,
            version,
            front,
        };
        Ok((rel, entry))
    }
}

/// A content file as the last run read it: its text, what parsing it gave, and hashes of the
/// whole text and of its front matter.
struct Entry {
    text: Arc<str>,
    parsed: Parsed,
    version: u64,
    front: u64,
}

/// What the last run made again, out of all it could have reused.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) markdown: usize,
    pub(crate) pages: usize,
    pub(crate) docs: usize,
}

/// What every stage's results depend on besides the files: names and URLs, and how Markdown
/// reads (`[markdown]`, heading ids, and whether there is a glossary for `[[term]]`).
fn settings_hash(config: &crate::config::Config) -> u64 {
    hash(&(Naming::of(config), config.markdown_settings()))
}

impl Memo {
    /// A memo that remembers nothing: a build, which runs once.
    pub(crate) fn none() -> Memo {
        Memo::default()
    }

    /// A memo that keeps what each run leaves, for the next.
    pub(crate) fn keeping() -> Memo {
        Memo {
            kept: Some(Kept::default()),
            spill: None,
        }
    }

    /// A memo that remembers nothing and keeps each body's HTML in `spill`, not in memory,
    /// until its view is made, and lets each file's text go once its body is rendered: what
    /// a build of a large site needs.
    pub(crate) fn spilling(spill: Spill) -> Memo {
        Memo {
            kept: None,
            spill: Some(Arc::new(spill)),
        }
    }

    /// Why a body's HTML could not be read back from the spill, if it could not: the pages
    /// made without it are wrong.
    pub(crate) fn spill_failure(&self) -> Option<anyhow::Error> {
        self.spill.as_ref().and_then(|s| s.failure())
    }

    /// Every file that changed since the last run, relative to `root`, as the watcher saw
    /// them: the next run reads these again and trusts the rest to be as they were.
    pub(crate) fn touched(&mut self, root: &Path, paths: impl IntoIterator<Item = PathBuf>) {
        if let Some(kept) = &mut self.kept {
            kept.read
                .touched
                .extend(paths.into_iter().map(|p| root.join(p)));
            kept.read.exact = true;
        }
    }

    /// Forgets everything: the next run makes every result again.
    pub(crate) fn clear(&mut self) {
        if self.kept.is_some() {
            self.kept = Some(Kept::default());
        }
    }

    /// Frees what a stage no longer needs. A build frees it at once, to keep its peak memory
    /// low; serve, whose next run must answer a save quickly, frees it on a thread of its own
    /// (dropping the views and lookups of 10,000 pages takes milliseconds).
    pub(crate) fn discard<T: Send + 'static>(&self, value: T) {
        if self.kept.is_some() {
            // Should no thread start, the closure, and the value with it, is dropped here.
            let _ = std::thread::Builder::new()
                .name("docent-free".into())
                .spawn(move || drop(value));
        }
    }

    /// What the last run made again.
    pub(crate) fn counts(&self) -> Counts {
        self.kept.as_ref().map(|k| k.counts).unwrap_or_default()
    }

    /// Every source file: unchanged ones from the last run, the rest read.
    pub(crate) fn discover(
        &mut self,
        root: &Path,
        stop: &Stop,
    ) -> anyhow::Result<(Sources, Vec<Diagnostic>)> {
        discover::discover(root, stop, self.kept.as_mut().map(|k| &mut k.read))
    }

    /// The last run's templates when every template file is the same, else the files to load;
    /// and what [`Memo::keep_templates`] needs to keep this run's.
    pub(crate) fn templates(
        &self,
        files: Vec<SourceFile>,
    ) -> (Result<Templates, Vec<SourceFile>>, TemplateFiles) {
        let read: TemplateFiles = files
            .iter()
            .map(|f| (f.rel.clone(), Arc::clone(&f.text)))
            .collect();
        let same = |(was, templates): &(TemplateFiles, Templates)| {
            same_files(was, &read).then(|| templates.clone())
        };
        let kept = self.kept.as_ref().and_then(|k| k.templates.as_ref());
        match kept.and_then(same) {
            Some(templates) => (Ok(templates), read),
            None => (Err(files), read),
        }
    }

    /// Keeps this run's templates for the next, if they loaded.
    pub(crate) fn keep_templates(
        &mut self,
        read: TemplateFiles,
        loaded: Result<Templates, Diagnostics>,
    ) -> Result<Templates, Diagnostics> {
        if let (Some(kept), Ok(templates)) = (&mut self.kept, &loaded) {
            kept.templates = Some((read, templates.clone()));
        }
        loaded
    }

    /// The last run's schemas when no file in templates/schemas/ changed; and the hash of
    /// those files, for [`Memo::keep_schemas`].
    pub(crate) fn schemas(&self, root: &Path) -> (Option<Arc<Schemas>>, u64) {
        let Some(kept) = &self.kept else {
            return (None, 0);
        };
        let files = crate::schema::fingerprint(root);
        let same = kept.schemas.as_ref().filter(|(was, _)| *was == files);
        (same.map(|(_, schemas)| Arc::clone(schemas)), files)
    }

    /// Keeps this run's schemas for the next, if they loaded.
    pub(crate) fn keep_schemas(
        &mut self,
        files: u64,
        loaded: Result<Arc<Schemas>, Diagnostics>,
    ) -> Result<Arc<Schemas>, Diagnostics> {
        if let (Some(kept), Ok(schemas)) = (&mut self.kept, &loaded) {
            kept.schemas = Some((files, Arc::clone(schemas)));
        }
        loaded
    }

    /// Forgets everything when site.toml's `[slugify]`, languages or `[markdown]` changed: URLs, heading
    /// ids and every body's HTML, which every stage's results hold, are made differently now.
    pub(crate) fn settle(&mut self, config: &crate::config::Config) {
        let settings = settings_hash(config);
        if let Some(kept) = &mut self.kept
            && kept.settings != settings
        {
            *kept = Kept {
                settings,
                ..Kept::default()
            };
        }
    }

    /// The data tree: the last run's when every data file is the same.
    pub(crate) fn data(&mut self, files: &[SourceFile]) -> Result<Arc<Data>, Diagnostics> {
        let Some(kept) = &mut self.kept else {
            return crate::data::load(files).map(Arc::new);
        };
        let read: TemplateFiles = files
            .iter()
            .map(|f| (f.rel.clone(), Arc::clone(&f.text)))
            .collect();
        if let Some((was, data)) = &kept.data
            && same_files(was, &read)
        {
            return Ok(Arc::clone(data));
        }
        let data = Arc::new(crate::data::load(files)?);
        kept.data = Some((read, Arc::clone(&data)));
        Ok(data)
    }

    /// The site model: files whose text is unchanged are not parsed again.
    pub(crate) fn index(
        &mut self,
        files: Vec<SourceFile>,
        data: &[SourceFile],
        (publish, title): (&Publish, &str),
        naming: &Naming,
    ) -> Result<(Arc<Site>, Texts), Diagnostics> {
        let Some(kept) = &mut self.kept else {
            let (site, texts) = content::index(files, data, publish, title, naming)?;
            return Ok((Arc::new(site), texts));
        };
        if let Some(same) = kept.same_model(&files, data, (publish, title), naming) {
            return Ok(same);
        }
        let given: Vec<(String, Arc<str>)> = files
            .iter()
            .map(|f| (f.rel.clone(), Arc::clone(&f.text)))
            .collect();
        let fresh = Mutex::new(Vec::new());
        let parsed = &kept.parsed;
        let parse = |file: SourceFile| match parsed.get(&file.rel) {
            Some(entry) if Arc::ptr_eq(&entry.text, &file.text) => Ok(entry.parsed.clone()),
            _ => {
                let (rel, entry) = Entry::read(file, naming)?;
                let parsed = entry.parsed.clone();
                let mut fresh = fresh.lock().unwrap_or_else(|e| e.into_inner());
                fresh.push((rel, entry));
                Ok(parsed)
            }
        };
        let result = content::index_with(files, data, (publish, title, naming), &parse);
        kept.parsed
            .extend(fresh.into_inner().unwrap_or_else(|e| e.into_inner()));
        let old = kept.model.take();
        // Drafts stay too: they are files a later run is given again.
        if kept.parsed.len() != given.len() {
            let given: crate::hashing::Set<&str> = given.iter().map(|(rel, _)| &**rel).collect();
            kept.parsed.retain(|rel, _| given.contains(rel.as_str()));
        }
        let (site, texts) = result?;
        let site = Arc::new(site);
        let texts = model::reuse_row_texts(old.as_ref(), &site, texts);
        let made = model::Made {
            files: given,
            data,
            texts: &texts,
        };
        let model = model::Model::new(Arc::clone(&site), made, &kept.parsed, publish, title);
        (kept.versions, kept.fronts) = model.hashes();
        kept.model = Some(model);
        kept.generation += 1;
        Ok((site, texts))
    }

    /// Every body's Markdown, its shortcodes rendered with `templates` (when they loaded):
    /// from the last run where the text and the shortcodes it used are unchanged. A build
    /// lets each text go once its body is rendered; an error reads the file under `root`
    /// again.
    pub(crate) fn markdown(
        &mut self,
        (site, root): (&Site, &Path),
        texts: &mut Texts,
        (templates, settings): (Option<&Templates>, markdown::Settings),
        versions: &Map<String, u64>,
    ) -> Renders {
        let ids: Vec<DocId> = site.ids().collect();
        let spill = self.spill.as_deref();
        let render = |body: &str| {
            let rendered = match templates {
                Some(templates) => markdown::render_page(body, templates, &settings),
                None => markdown::render(body),
            };
            Arc::new(spilled(rendered, spill))
        };
        let (Some(kept), Some(_)) = (&mut self.kept, templates) else {
            let root = spill.is_some().then_some(root);
            return PerDoc::from_vec(texts.let_go(site, root, render));
        };
        let shortcodes = |r: &Rendered| {
            hash(
                &r.shortcodes
                    .iter()
                    .map(|n| versions.get(n))
                    .collect::<Vec<_>>(),
            )
        };
        let cached = &kept.rendered;
        let looked: Vec<(bool, Arc<Rendered>)> = ids
            .par_iter()
            .map(|&id| match cached.get(&site[id].rel) {
                Some((text, rendered, used))
                    if Arc::ptr_eq(text, &texts.text(id)) && *used == shortcodes(rendered) =>
                {
                    (false, Arc::clone(rendered))
                }
                _ => (true, render(texts.body(site, id))),
            })
            .collect();
        kept.counts.markdown = looked.iter().filter(|(fresh, _)| *fresh).count();
        for (&id, (_, rendered)) in ids.iter().zip(&looked) {
            // A view shows the body as rendered: with the shortcodes as they are now.
            if !rendered.shortcodes.is_empty() {
                kept.versions[id] = hash(&(kept.versions[id], shortcodes(rendered)));
            }
        }
        for (&id, (fresh, rendered)) in ids.iter().zip(&looked) {
            if *fresh {
                let entry = (texts.text(id), Arc::clone(rendered), shortcodes(rendered));
                kept.rendered.insert(site[id].rel.clone(), entry);
            }
        }
        if kept.rendered.len() != site.len() {
            kept.rendered.retain(|rel, _| site.lookup(rel).is_some());
        }
        PerDoc::from_vec(looked.into_iter().map(|(_, r)| r).collect())
    }

    /// Every doc's view: from the last run where its view key is unchanged. Without a memo,
    /// each view is made when it is needed, unless `all` says a listing will show every page
    /// at once: memory must hold every view then anyway, so each is made once, up front.
    pub(crate) fn views(
        &mut self,
        site: &Arc<Site>,
        renders: Renders,
        (urls, held, all): (&Urls, &Arc<Held>, bool),
        stop: &Stop,
    ) -> Views {
        let spill = self.spill.as_deref();
        let Some(kept) = &mut self.kept else {
            if all {
                let made = Views::made(site, renders, (urls, held, spill), stop, &|_| None);
                return Views::kept(site, made);
            }
            return Views::lazy(site, renders, (urls, held), self.spill.clone());
        };
        let refs = held.refs();
        let all = view_keys(site, &renders, (&kept.versions, &kept.fronts), urls, refs);
        let keys = &all.view;
        let cached = &kept.views;
        let reuse = |id: DocId| match cached.get(&site[id].rel) {
            Some((key, view)) if *key == keys[id] => Some(view.clone()),
            _ => None,
        };
        let views = Views::made(site, renders, (urls, held, spill), stop, &reuse);
        if !stop.is_set() {
            for (id, view) in views.iter() {
                let rel = &site[id].rel;
                if kept.views.get(rel).is_none_or(|(key, _)| *key != keys[id]) {
                    kept.views.insert(rel.clone(), (keys[id], view.clone()));
                }
            }
            if kept.views.len() != site.len() {
                kept.views.retain(|rel, _| site.lookup(rel).is_some());
            }
        }
        kept.keys = all;
        Views::kept(site, views)
    }

    /// Renders every page whose page key changed, and hands every page to `emit`. `salt` is a
    /// hash of what every page sees: site.toml, data and the templates.
    pub(crate) fn render_all(
        &mut self,
        job: &Job,
        salt: &Salt,
        stop: &Stop,
        emit: &(dyn Fn(DocId, Bytes) -> Result<(), Diagnostic> + Sync),
    ) -> Result<(), Diagnostics> {
        let Some(kept) = &mut self.kept else {
            return render::render_all(job, stop, emit);
        };
        let site = job.site;
        let generation = kept.generation;
        let last = kept.last_pages.take().filter(|l| l.holds(generation, salt));
        let (keys, cached) = (&kept.keys, &kept.pages);
        let page_key = |id: DocId, reads: &Reads| {
            pages::page_key(site, keys, salt, &job.chosen[id], id, reads)
        };
        // The last run's page, if it still holds: by id on the same model, else by file name.
        let reuse = |id: DocId| match &last {
            Some(last) => last
                .current(id, keys, job.chosen, salt)
                .map(|html| (html.clone(), last.reads_of(id))),
            None => cached
                .get(&site[id].rel)
                .filter(|(key, reads, _)| *key == page_key(id, reads))
                .map(|(_, reads, html)| (html.clone(), pages::resolve(site, reads))),
        };
        let ids: Vec<DocId> = site.ids().collect();
        let results: Vec<_> = ids
            .par_iter()
            .map(|&id| {
                if stop.is_set() {
                    return Ok(None);
                }
                if let Some((html, reads)) = reuse(id) {
                    emit(id, html.clone()).map_err(Diagnostics::from)?;
                    return Ok(Some((pages::Page { html, reads }, None)));
                }
                let (html, reads) = render::render_recording(job, id, &job.views.get(id));
                let html = Bytes::from(html?);
                emit(id, html.clone()).map_err(Diagnostics::from)?;
                let page = pages::Page {
                    html: html.clone(),
                    reads: pages::resolve(site, &reads),
                };
                Ok(Some((page, Some((page_key(id, &reads), reads)))))
            })
            .collect();
        kept.keep_pages(job, salt, collect(results)?);
        Ok(())
    }
}

/// `rendered` with its HTML moved to `spill`, when there is one and it took it.
fn spilled(mut rendered: Rendered, spill: Option<&Spill>) -> Rendered {
    if let Some(at) = spill.and_then(|s| s.put(&rendered.html)) {
        rendered.html = String::new();
        rendered.spilled = Some(at);
    }
    rendered
}

impl Kept {
    /// Keeps this run's pages for the next: the fresh ones by file name with their page keys,
    /// and, when every page was made, all of them by doc id.
    fn keep_pages(&mut self, job: &Job, salt: &Salt, results: Vec<Option<PageMade>>) {
        let site = job.site;
        let mut made = Vec::with_capacity(results.len());
        let mut fresh = 0;
        for (id, result) in site.ids().zip(results) {
            // Given up half way: what was rendered is kept by name, nothing by id.
            let Some((page, key)) = result else { continue };
            if let Some((key, reads)) = key {
                let entry = (key, reads, page.html.clone());
                self.pages.insert(site[id].rel.clone(), entry);
                fresh += 1;
            }
            made.push(page);
        }
        self.counts.pages = fresh;
        self.counts.docs = site.len();
        if made.len() == site.len() {
            let last = pages::Last::new(self.generation, salt, &self.keys, job.chosen, made);
            self.last_pages = Some(last);
        }
        if self.pages.len() != site.len() {
            self.pages.retain(|rel, _| site.lookup(rel).is_some());
        }
    }
}

/// One page as the page stage left it, with its page key and reads when it was rendered now.
type PageMade = (pages::Page, Option<(u64, Reads)>);

impl Memo {
    /// The site's own files (sitemap, feed, robots.txt, 404, redirects), each set from the last
    /// run when what it shows is unchanged: for the sitemap, every doc's URL and dates; for
    /// the rest, site.toml, every doc's front matter and URL, and the 404 page.
    pub(crate) fn site_files(
        &mut self,
        site: &Site,
        config: &crate::config::Config,
        urls: &Urls,
        (not_found, listed): (Option<String>, &[String]),
    ) -> Vec<(String, Bytes)> {
        let bytes = |files: Vec<(String, Vec<u8>)>| -> Vec<(String, Bytes)> {
            files
                .into_iter()
                .map(|(f, b)| (f, Bytes::from(b)))
                .collect()
        };
        let Some(kept) = &mut self.kept else {
            return bytes(crate::site_files::all(
                site,
                config,
                urls,
                (not_found, listed),
            ));
        };
        let dated: Vec<_> = site
            .docs()
            .map(|(_, d)| (&*d.path, &d.date, &d.updated))
            .collect();
        let sitemap_key = hash(&(dated, listed, urls.origin, urls.base_path));
        let mut files = kept.sitemap.keep(sitemap_key, || {
            bytes(vec![crate::site_files::sitemap_file(site, urls, listed)])
        });
        let docs: Vec<(u64, &str)> = site
            .ids()
            .map(|id| (kept.fronts[id], &*site[id].path))
            .collect();
        let config_json = serde_json::to_string(config).unwrap_or_default();
        let key = hash(&(docs, config_json, urls.origin, urls.base_path, &not_found));
        files.extend(kept.site_files.keep(key, || {
            bytes(crate::site_files::all_but_sitemap(
                site, config, urls, not_found,
            ))
        }));
        files
    }
}

/// Files made from inputs with one key: the last ones made, while the key holds.
#[derive(Default)]
struct Keyed(Option<(u64, Vec<(String, Bytes)>)>);

impl Keyed {
    fn keep(
        &mut self,
        key: u64,
        make: impl FnOnce() -> Vec<(String, Bytes)>,
    ) -> Vec<(String, Bytes)> {
        match &self.0 {
            Some((was, files)) if *was == key => files.clone(),
            _ => {
                let files = make();
                self.0 = Some((key, files.clone()));
                files
            }
        }
    }
}

/// What every page is rendered with besides its own view: a hash of site.toml, the data
/// files and the resolved nav, and of each template with everything it includes.
pub(crate) struct Salt {
    globals: u64,
    templates: Map<String, u64>,
}

impl Salt {
    pub(crate) fn new(
        (config_text, config): (&str, &crate::config::Config),
        urls: &Urls,
        (site, listed): (&Site, u64),
        data: &[SourceFile],
        templates: Map<String, u64>,
    ) -> Salt {
        // Each nav link's target, and its translations, whose URLs the other languages' navs hold.
        let nav: Vec<Option<(&str, Vec<&str>)>> = config
            .nav
            .iter()
            .map(|item| match item.url.strip_prefix("@/") {
                Some(file) => site.lookup(file).map(|t| {
                    let translated = site.translations(t).iter().map(|&d| &*site[d].path);
                    (&*site[t].path, translated.collect())
                }),
                None => Some((&*item.url, Vec::new())),
            })
            .collect();
        let data: Vec<(&str, &str)> = data.iter().map(|f| (&*f.rel, &*f.text)).collect();
        let globals = hash(&(config_text, urls.origin, urls.base_path, nav, data, listed));
        Salt { globals, templates }
    }
}

/// The view key of every doc: pages first, then sections, whose views hold their pages'.
fn view_keys(
    site: &Site,
    renders: &Renders,
    (versions, fronts): (&PerDoc<u64>, &PerDoc<u64>),
    urls: &Urls,
    refs: Refs,
) -> Keys {
    // Hashed once: every view's citations and glossary terms read them.
    let sources = hash(&(
        refs.sources.map(|s| s.to_string()),
        refs.glossary.fingerprint,
        refs.quizzes.fingerprint,
    ));
    let ids: Vec<DocId> = site.ids().collect();
    // A neighbour or a translation shows only its title, description and URL: its front matter.
    let neighbour = |&n: &DocId| (fronts[n], &*site[n].path);
    let own = |id: DocId| own_key(site, renders, (versions, fronts), (urls, refs, sources), id);
    let around = |n: Option<&DocId>| n.map(neighbour);
    let position = positions(site);
    let mut keys: Vec<u64> = ids
        .par_iter()
        .map(|&id| {
            let mut h = own(id);
            if let Kind::Page(page) = &site[id].kind {
                let order = site[page.section]
                    .section()
                    .map_or(&[][..], |s| &s.pages[..]);
                let at = position[id.0];
                let lower = at.checked_sub(1).and_then(|i| order.get(i));
                let around = (around(lower), around(order.get(at + 1)));
                (&site[page.section].rel, around).hash(&mut h);
            }
            h.finish()
        })
        .collect();
    let mut heads = keys.clone();
    for (id, _, section) in site.sections() {
        let mut h = own(id);
        heads[id.0] = h.clone().finish();
        let pages: Vec<u64> = section.pages.iter().map(|p| keys[p.0]).collect();
        let subsections: Vec<&str> = section.subsections.iter().map(|&s| &*site[s].rel).collect();
        (pages, subsections).hash(&mut h);
        keys[id.0] = h.finish();
    }
    let tree = tree_keys(site, &heads, fronts);
    let (view, head) = (PerDoc::from_vec(keys), PerDoc::from_vec(heads));
    Keys { view, head, tree }
}

/// The part of a doc's view key that is its own: its text and templates, its URL and
/// ancestors, where its links go, and the titles and URLs of its translations and of the
/// pages before and after it on its learning path.
fn own_key(
    site: &Site,
    renders: &Renders,
    (versions, fronts): (&PerDoc<u64>, &PerDoc<u64>),
    (urls, refs, sources): (&Urls, Refs, u64),
    id: DocId,
) -> impl Hasher + Clone {
    // A neighbour or a translation shows only its title, description and URL: its front matter.
    let neighbour = |&n: &DocId| (fronts[n], &*site[n].path);
    let doc = &site[id];
    let ancestors: Vec<&str> = site.ancestors(id).iter().map(|&a| &*site[a].rel).collect();
    // Where each link goes, and the numbers of the figures there, which `[](@/x.md#fig)` shows.
    let links: Vec<Option<(&str, &[Figure])>> = renders[id]
        .href_targets
        .iter()
        .map(|t| {
            site.lookup(t)
                .map(|t| (&*site[t].path, &renders[t].figures[..]))
        })
        .collect();
    let translations: Vec<(u64, &str)> = site.translations(id).iter().map(neighbour).collect();
    // Its learning path shows the titles and URLs of what comes before and after it.
    let learning = (
        refs.learning
            .before(id)
            .iter()
            .map(neighbour)
            .collect::<Vec<_>>(),
        refs.learning
            .after(id)
            .iter()
            .map(neighbour)
            .collect::<Vec<_>>(),
    );
    let shared = (
        versions[id],
        &doc.path,
        ancestors,
        links,
        (translations, learning),
    );
    let mut h = crate::hashing::hasher();
    (shared, urls.origin, urls.base_path, sources).hash(&mut h);
    h
}

/// A figure's id and number on its page.
type Figure = (String, usize);

/// Each doc's keys, as the views stage made them.
#[derive(Default, Clone)]
pub(super) struct Keys {
    /// What its view shows.
    pub(super) view: PerDoc<u64>,
    /// A section's key without its pages and subsections; a page's view key.
    pub(super) head: PerDoc<u64>,
    /// A section's tree (`get_section_tree`): its head, and for each page in order its front
    /// matter and URL, and each subsection's tree; a page's is 0.
    pub(super) tree: PerDoc<u64>,
}

/// Every section's tree key: children's first, since a tree holds its subsections' trees.
fn tree_keys(site: &Site, heads: &[u64], fronts: &PerDoc<u64>) -> PerDoc<u64> {
    let mut tree = vec![0; site.len()];
    let sections: Vec<DocId> = site.sections().map(|(id, _, _)| id).collect();
    for &id in sections.iter().rev() {
        let Some(section) = site[id].section() else {
            continue;
        };
        let pages: Vec<(u64, &str)> = section
            .pages
            .iter()
            .map(|&p| (fronts[p], &*site[p].path))
            .collect();
        let subsections: Vec<u64> = section.subsections.iter().map(|s| tree[s.0]).collect();
        tree[id.0] = hash(&(heads[id.0], pages, subsections));
    }
    PerDoc::from_vec(tree)
}

/// Each page's place in its section's order, by doc.
fn positions(site: &Site) -> Vec<usize> {
    let mut position = vec![0; site.len()];
    for (_, _, section) in site.sections() {
        for (at, &page) in section.pages.iter().enumerate() {
            position[page.0] = at;
        }
    }
    position
}

/// Whether two runs were given the same files, by name and shared text.
fn same_files(was: &TemplateFiles, now: &TemplateFiles) -> bool {
    was.len() == now.len()
        && was
            .iter()
            .zip(now)
            .all(|(a, b)| a.0 == b.0 && Arc::ptr_eq(&a.1, &b.1))
}

fn hash(value: &impl Hash) -> u64 {
    crate::hashing::key(value)
}

mod checks;
mod model;
mod pages;
#[cfg(test)]
mod tests;
