//! Rendering: the loaded templates, bound to the site so `get_page`, `get_section` and
//! `get_url` can read it, render every page and section in parallel against shared,
//! Arc-backed values.

use std::sync::Arc;

use rayon::prelude::*;
use tera::{Context, Kwargs, State, Tera, TeraResult, Value};

use crate::error::{Diagnostic, Diagnostics, collect};
use crate::glossary::Glossary;
use crate::listings::{List, Listing, Planned, Taxonomies};
use crate::pipeline::Stop;
use crate::site::{DocId, Kind, Site};
use crate::templates::{Chosen, Templates};
use crate::views::{Listed, Urls, Views};

/// Templates whose site functions read this site.
pub(crate) struct Renderer {
    templates: Templates,
}

/// What `get_page`, `get_section` and `get_url` look in: the site and its views, shared with
/// the run, so binding the templates to a site of any size copies nothing.
struct Lookup {
    site: Arc<Site>,
    views: Arc<Views>,
    glossary: Arc<Glossary>,
    taxonomies: Arc<Taxonomies>,
    /// Each section's tree for `get_section_tree`, made when first asked for.
    trees: Vec<std::sync::OnceLock<Value>>,
    /// Each term's value with its pages, for `get_taxonomy` and `get_taxonomy_term`, made when
    /// first asked for: views may be made only when asked for (`Views::Lazy`), and a theme
    /// that shows a taxonomy on every page would make each page's view again for each.
    term_values: Vec<Vec<std::sync::OnceLock<Value>>>,
    /// site.toml's strings for `trans`, and its languages.
    strings: Arc<crate::lang::Strings>,
    origin: String,
    base_path: String,
}

impl Lookup {
    fn urls(&self) -> Urls<'_> {
        Urls {
            origin: &self.origin,
            base_path: &self.base_path,
        }
    }

    /// Markdown rendered by the `markdown` filter (text from data or front matter), with its
    /// `@/` links and glossary terms resolved as a page body's are. Each link is a read of its
    /// target's URL, so the page is rendered again when that URL changes.
    fn resolve(&self, rendered: crate::markdown::Rendered) -> TeraResult<String> {
        for target in &rendered.href_targets {
            record(Visit::Url, target);
            if self.site.lookup(target).is_none() {
                let hint = crate::error::did_you_mean(target, self.site.files())
                    .map(|close| format!("; did you mean `@/{close}`?"))
                    .unwrap_or_default();
                return Err(tera::Error::message(format!(
                    "markdown: `@/{target}` is not a content file{hint}"
                )));
            }
        }
        for term in &rendered.terms {
            if let Some((problem, help)) = self.glossary.problem(&term.name) {
                return Err(tera::Error::message(format!("markdown: {problem}; {help}")));
            }
        }
        let html = crate::links::resolve_hrefs(&rendered.html, &self.site, &self.base_path);
        let call = FILTERED.with(|n| n.replace(n.get() + 1));
        let prefix = format!("gloss-m{}-", call + 1);
        Ok(self.glossary.resolve_as(&html, &prefix).into_owned())
    }
}

/// What the site functions read besides the site and its views: the glossary, the taxonomies
/// and site.toml's strings.
pub(crate) type Shared<'a> = (
    &'a Arc<Glossary>,
    &'a Arc<Taxonomies>,
    &'a Arc<crate::lang::Strings>,
);

impl Renderer {
    /// Replaces the site functions' placeholders with ones that read `site` and its views.
    pub(crate) fn bind(
        templates: Templates,
        site: &Arc<Site>,
        views: &Arc<Views>,
        urls: &Urls,
        (glossary, taxonomies, strings): Shared,
    ) -> Renderer {
        let unset = |n: usize| (0..n).map(|_| std::sync::OnceLock::new()).collect();
        let lookup = Arc::new(Lookup {
            site: Arc::clone(site),
            views: Arc::clone(views),
            glossary: Arc::clone(glossary),
            taxonomies: Arc::clone(taxonomies),
            trees: unset(site.len()),
            term_values: taxonomies.0.iter().map(|t| unset(t.terms.len())).collect(),
            strings: Arc::clone(strings),
            origin: urls.origin.to_string(),
            base_path: urls.base_path.to_string(),
        });
        let mut templates = templates;
        register_functions(&mut templates.tera, &lookup);
        Renderer { templates }
    }

    /// Renders a template that belongs to no content file (404.html), if the theme has it.
    pub(crate) fn render_extra(
        &self,
        name: &str,
        globals: &Globals,
    ) -> Option<Result<String, Diagnostics>> {
        let tera = &self.templates.tera;
        tera.contains_template(name).then(|| {
            let context = globals.contexts().default_language().clone();
            let _watched = crate::watchdog::rendering(|| format!("templates/{name}"));
            tera.render(name, &context)
                .map_err(|e| Diagnostics::from(self.templates.diagnose(&e, None)))
        })
    }
}

/// What every template sees besides its own page or section.
pub(crate) struct Globals {
    pub(crate) data: Value,
    /// Each language's code and its `config`: site.toml as templates see it, with the
    /// language's own title and description. The default language comes first.
    languages: Vec<(String, Value)>,
}

impl Globals {
    /// `config` is site.toml as templates see it, and `navs` its nav in each other language.
    pub(crate) fn new(
        (config, navs): (Value, Vec<(String, Value)>),
        data: &crate::data::Data,
        site: &crate::config::Config,
    ) -> Globals {
        let mut languages = vec![(site.language.clone(), config.clone())];
        for (code, language) in &site.languages {
            let mut map = config.as_map().cloned().unwrap_or_default();
            if let Some((_, nav)) = navs.iter().find(|(c, _)| c == code) {
                map.insert("nav".into(), nav.clone());
            }
            let own = [
                ("title", &language.title),
                ("description", &language.description),
            ];
            for (key, value) in own {
                if let Some(value) = value {
                    map.insert(key.into(), Value::from(value.as_str()));
                }
            }
            languages.push((code.clone(), Value::from(map)));
        }
        Globals {
            data: data.value.clone(),
            languages,
        }
    }

    /// What every page's context starts from, in each language: `config`, `data` and `lang`.
    pub(crate) fn contexts(&self) -> Bases {
        let contexts = self.languages.iter().map(|(lang, config)| {
            let mut base = Context::new();
            base.insert_value("config", config.clone());
            base.insert_value("data", self.data.clone());
            base.insert("lang", lang);
            (lang.clone(), base)
        });
        Bases(contexts.collect())
    }
}

/// The context every page starts from, by language; the default language's first.
pub(crate) struct Bases(Vec<(String, Context)>);

impl Bases {
    /// The context of a page in `lang`.
    pub(crate) fn of(&self, lang: &str) -> &Context {
        let found = self.0.iter().find(|(code, _)| code == lang);
        found.map_or_else(|| self.default_language(), |(_, context)| context)
    }

    /// The context of a page that belongs to no language, like the 404 page: the default's.
    pub(crate) fn default_language(&self) -> &Context {
        &self.0[0].1
    }
}

/// What every page is rendered with: the bound templates, each doc's choice of template, and
/// the context every page starts from.
pub(crate) struct Rendering {
    renderer: Renderer,
    chosen: Chosen,
    bases: Bases,
}

impl Rendering {
    pub(crate) fn new(renderer: Renderer, chosen: Chosen, globals: &Globals) -> Rendering {
        Rendering {
            renderer,
            chosen,
            bases: globals.contexts(),
        }
    }

    /// A job that renders the docs of `site`, whose views are `views`, served at `urls`.
    pub(crate) fn job<'a>(
        &'a self,
        site: &'a Site,
        views: &'a Views,
        urls: &'a Urls<'a>,
    ) -> Job<'a> {
        Job {
            renderer: &self.renderer,
            chosen: &self.chosen,
            site,
            views,
            urls,
            bases: &self.bases,
        }
    }

    /// See [`Renderer::render_extra`]; `None` when the theme has no such template.
    pub(crate) fn render_extra(
        &self,
        name: &str,
        globals: &Globals,
    ) -> Result<Option<String>, Diagnostics> {
        self.renderer.render_extra(name, globals).transpose()
    }
}

/// What pages are rendered with: the bound templates, each doc's choice of template, the
/// site, where it is served, and the context every page starts from.
pub(crate) struct Job<'a> {
    pub(crate) renderer: &'a Renderer,
    pub(crate) chosen: &'a Chosen,
    pub(crate) site: &'a Site,
    /// Every doc's view, for the pages a paginated section's `paginator` holds.
    pub(crate) views: &'a Views,
    pub(crate) urls: &'a Urls<'a>,
    pub(crate) bases: &'a Bases,
}

/// A section with this many pages is rendered on its own (see [`render_all`]).
const LARGE: usize = 256;

/// Renders every doc, handing each (doc, HTML) to `emit` as soon as it is ready, so a
/// large site never holds all its pages at once. Each section is rendered with its pages: their
/// views are made once for both, and freed once the section is rendered. Reports every error
/// found, in doc order. Once `stop` is set, the docs left are skipped.
pub(crate) fn render_all(
    job: &Job,
    stop: &Stop,
    emit: &(dyn Fn(DocId, bytes::Bytes) -> Result<(), Diagnostic> + Sync),
) -> Result<(), Diagnostics> {
    let site = job.site;
    let put = |id: DocId, view: &Value, listed: &Listed| {
        if stop.is_set() {
            return (id, Ok(()));
        }
        let done = render_one(job, id, view, listed)
            .and_then(|html| emit(id, html.into()).map_err(Diagnostics::from));
        (id, done)
    };
    let mut grouped = vec![false; site.len()];
    let groups: Vec<(DocId, &[DocId])> = site
        .sections()
        .map(|(id, _, section)| (id, section.pages.as_slice()))
        .inspect(|&(id, pages)| {
            grouped[id.0] = true;
            pages.iter().for_each(|p| grouped[p.0] = true);
        })
        .collect();
    let group = |&(section, pages): &(DocId, &[DocId])| {
        let listed = job.views.listed(pages);
        let mut done: Vec<_> = pages
            .par_iter()
            .map(|&id| put(id, &listed.get(id), &listed))
            .collect();
        done.push(put(section, &job.views.section(section, &listed), &listed));
        done
    };
    // A large section has pages enough for every thread: one at a time, so only one
    // section's views are made at once. Small ones side by side.
    let (large, small): (Vec<_>, Vec<_>) = groups.iter().partition(|(_, p)| p.len() >= LARGE);
    let mut results: Vec<(DocId, Result<(), Diagnostics>)> =
        large.into_iter().flat_map(group).collect();
    results.par_extend(small.into_par_iter().flat_map_iter(group));
    // A page that no section lists, on its own.
    let alone: Vec<DocId> = site.ids().filter(|id| !grouped[id.0]).collect();
    let none = job.views.listed(&[]);
    results.par_extend(
        alone
            .par_iter()
            .map(|&id| put(id, &job.views.get(id), &none)),
    );
    results.sort_unstable_by_key(|(id, _)| *id);
    collect(results.into_iter().map(|(_, done)| done))
        .map(|_| ())
        .map_err(merge_repeats)
}

/// Renders one section or page from its view; `listed` has the views its paginator may list.
pub(crate) fn render_one(
    job: &Job,
    id: DocId,
    view: &Value,
    listed: &Listed,
) -> Result<String, Diagnostics> {
    FILTERED.with(|n| n.set(0));
    let doc = &job.site[id];
    if !doc.rendered() {
        return Ok(String::new());
    }
    if let Some(to) = doc.section().and_then(|s| s.redirect_to.as_deref()) {
        let to = match to.contains("://") {
            true => to.to_string(),
            false => job.urls.path(&format!("/{}", to.trim_start_matches('/'))),
        };
        return Ok(crate::site_files::redirect(&to));
    }
    let mut context = job.bases.of(&doc.lang).clone();
    let key = match doc.kind {
        Kind::Page(_) => "page",
        Kind::Section(_) => "section",
    };
    context.insert_value(key, view.clone());
    if let Some(paginator) = section_paginator(job, id, 1, listed) {
        context.insert_value("paginator", paginator);
    }
    context.insert("current_path", &job.urls.path(&doc.path));
    context.insert("current_url", &job.urls.permalink(&doc.path));
    let templates = &job.renderer.templates;
    let template = &job.chosen[id];
    let _watched = crate::watchdog::rendering(|| {
        format!(
            "templates/{template} for {}",
            crate::error::display_path(&doc.shown)
        )
    });
    templates
        .tera
        .render(template, &context)
        .map(scrub)
        .map_err(|err| Diagnostics::from(templates.diagnose(&err, Some(doc))))
}

/// Page `index` of a paginated section's `paginator`; `None` for a section that does not
/// paginate, or a page.
fn section_paginator(job: &Job, id: DocId, index: usize, listed: &Listed) -> Option<Value> {
    let doc = &job.site[id];
    let section = doc.section()?;
    let paginate = section.paginate.as_ref()?;
    let mut pages = section.pages.clone();
    if paginate.reversed {
        pages.reverse();
    }
    let split = (&pages[..], paginate.by, paginate.path.as_str());
    let view = |id| listed.get(id);
    let paginator = crate::listings::paginator(split, &doc.path, index, &view, job.urls);
    Some(paginator)
}

/// Renders every listing (the later pages of paginated sections, taxonomy pages), handing
/// each (output file, HTML) to `emit`. The pagers of one list are rendered together, from one
/// making of its pages' views. Reports every error found.
pub(crate) fn render_listings(
    job: &Job,
    taxonomies: &Taxonomies,
    planned: &[Planned],
    emit: &(dyn Fn(&str, bytes::Bytes) -> Result<(), Diagnostic> + Sync),
) -> Result<(), Diagnostics> {
    let lists: Vec<&[Planned]> = planned
        .chunk_by(|a, b| a.listing.list() == b.listing.list())
        .collect();
    let render_list = |list: &&[Planned]| {
        let pages = crate::listings::pages_of(&list[0].listing, job.site, taxonomies);
        let listed = job.views.listed(&pages);
        let value = list_value(job, taxonomies, list[0].listing.list(), &listed);
        let done: Vec<_> = list
            .par_iter()
            .map(|planned| {
                let html = render_listing(job, (taxonomies, planned), (&listed, &value))?;
                let output = crate::site::Doc::output_of(&planned.path);
                emit(&output, html.into()).map_err(Diagnostics::from)
            })
            .collect();
        done
    };
    let results: Vec<_> = lists.par_iter().flat_map_iter(render_list).collect();
    collect(results).map(|_| ()).map_err(merge_repeats)
}

/// The value every pager of `list` shows: its section, or its term with its pages.
fn list_value(job: &Job, taxonomies: &Taxonomies, list: List, listed: &Listed) -> Option<Value> {
    let urls = job.urls;
    match list {
        List::Section(id) => Some(job.views.section(id, listed)),
        List::Term(t, n) => Some(crate::listings::term_value(
            &taxonomies.0[t].terms[n],
            &|id| listed.get(id),
            urls,
            true,
        )),
        List::Terms(_) => None,
    }
}

/// One listing: its template, and what that template sees besides `config`, `data`, `lang`.
fn render_listing(
    job: &Job,
    (taxonomies, planned): (&Taxonomies, &Planned),
    (listed, list): (&Listed, &Option<Value>),
) -> Result<String, Diagnostics> {
    FILTERED.with(|n| n.set(0));
    let urls = job.urls;
    let mut context = job.bases.of(listing_lang(job, taxonomies, planned)).clone();
    context.insert("current_path", &urls.path(&planned.path));
    context.insert("current_url", &urls.permalink(&planned.path));
    let view = |id| listed.get(id);
    let template = match &planned.listing {
        Listing::Pager { section, index } => {
            let section_value = list.clone().unwrap_or_else(Value::none);
            context.insert_value("section", section_value);
            if let Some(paginator) = section_paginator(job, *section, *index, listed) {
                context.insert_value("paginator", paginator);
            }
            job.chosen[*section].clone()
        }
        Listing::Terms { taxonomy } => {
            let taxonomy = &taxonomies.0[*taxonomy];
            let terms: Vec<Value> = taxonomy
                .terms
                .iter()
                .map(|t| crate::listings::term_value(t, &view, urls, true))
                .collect();
            context.insert_value("taxonomy", crate::listings::config_value(taxonomy, urls));
            context.insert_value("terms", Value::from(terms));
            format!("{}/list.html", taxonomy.config.name)
        }
        Listing::Term {
            taxonomy,
            term,
            index,
        } => {
            let taxonomy = &taxonomies.0[*taxonomy];
            let term = (&taxonomy.terms[*term], *index, list);
            term_context(job, taxonomy, term, (&view, &mut context))
        }
    };
    let templates = &job.renderer.templates;
    if !templates.tera.contains_template(&template) {
        return Err(missing_template(&template, planned).into());
    }
    let _watched =
        crate::watchdog::rendering(|| format!("templates/{template} for {}", planned.path));
    templates
        .tera
        .render(&template, &context)
        .map(scrub)
        .map_err(|err| Diagnostics::from(templates.diagnose(&err, None)))
}

/// A listing's template is not there.
fn missing_template(template: &str, planned: &Planned) -> Diagnostic {
    let message = format!("template `{template}` not found, for {}", planned.path);
    let help = match &planned.listing {
        Listing::Pager { .. } => "add the template, or name another in the section".into(),
        _ => format!(
            "add templates/{template}, or set `render = false` on the taxonomy in site.toml"
        ),
    };
    Diagnostic::in_file(crate::config::FILE, message).with_help(help)
}

/// The language of a listing: its section's, or its taxonomy's.
fn listing_lang<'a>(job: &'a Job, taxonomies: &'a Taxonomies, planned: &Planned) -> &'a str {
    match &planned.listing {
        Listing::Pager { section, .. } => &job.site[*section].lang,
        Listing::Terms { taxonomy } | Listing::Term { taxonomy, .. } => {
            &taxonomies.0[*taxonomy].lang
        }
    }
}

/// What a term's page sees (`taxonomy`, `term`, and `paginator` when the taxonomy paginates);
/// returns its template.
fn term_context(
    job: &Job,
    taxonomy: &crate::listings::Taxonomy,
    (term, index, value): (&crate::listings::Term, usize, &Option<Value>),
    (view, context): (&dyn Fn(DocId) -> Value, &mut Context),
) -> String {
    let urls = job.urls;
    context.insert_value("taxonomy", crate::listings::config_value(taxonomy, urls));
    context.insert_value("term", value.clone().unwrap_or_else(Value::none));
    if let Some(by) = taxonomy.config.paginate_by {
        let split = (&term.pages[..], by, taxonomy.config.paginate_path.as_str());
        let paginator = crate::listings::paginator(split, &term.path, index, view, urls);
        context.insert_value("paginator", paginator);
    }
    format!("{}/single.html", taxonomy.config.name)
}

/// `html` with every control character but tab and line breaks replaced by U+FFFD: HTML and
/// XML may not hold them. Content refuses them as written; this catches those that arrive
/// escaped in TOML (`"\u0001"`) or from a template.
pub(crate) fn scrub(html: String) -> String {
    let bad = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    if !html.contains(bad) {
        return html;
    }
    html.replace(bad, "\u{FFFD}")
}

/// What a template read of the site while rendering one page: another doc's view
/// (`get_page`, `get_section`) or its URL (`get_url`), by content file. A missing file counts:
/// adding it changes what the page shows.
pub(crate) type Reads = Vec<(Visit, String)>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Visit {
    /// A whole view: `get_page`, `get_section`.
    View,
    /// A section's own fields, without its pages: `get_section(..., metadata_only=true)`.
    Head,
    /// A URL: `get_url`.
    Url,
    /// A section's tree of sections and pages: `get_section_tree`.
    Tree,
}

thread_local! {
    /// The reads of the page this thread is rendering, while [`render_recording`] runs. A
    /// render runs on one thread from start to end, and Tera's functions see nothing of the
    /// page they are called for, so this is where they leave what they read.
    static READS: std::cell::RefCell<Option<Reads>> = const { std::cell::RefCell::new(None) };
    /// How many Markdown strings the page this thread is rendering has put through the
    /// `markdown` filter: each one's tooltip ids are numbered apart. Reset for every page, so
    /// a page's HTML does not depend on which pages its thread rendered before.
    static FILTERED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn record(visit: Visit, rel: &str) {
    READS.with(|reads| {
        if let Some(reads) = reads.borrow_mut().as_mut() {
            reads.push((visit, rel.to_string()));
        }
    });
}

/// Renders one doc like [`render_one`], and returns what its template read of the site.
pub(crate) fn render_recording(
    job: &Job,
    id: DocId,
    view: &Value,
) -> (Result<String, Diagnostics>, Reads) {
    READS.with(|reads| *reads.borrow_mut() = Some(Vec::new()));
    let html = render_one(job, id, view, &job.views.listed(&[]));
    let mut reads = READS
        .with(|reads| reads.borrow_mut().take())
        .unwrap_or_default();
    reads.sort_by(|a, b| a.1.cmp(&b.1).then((a.0 as u8).cmp(&(b.0 as u8))));
    reads.dedup();
    (html, reads)
}

/// One template bug breaks every page that uses it. Report it once, naming how many pages hit it.
fn merge_repeats(Diagnostics(all): Diagnostics) -> Diagnostics {
    let mut merged: Vec<(Diagnostic, usize)> = Vec::new();
    for d in all {
        match merged
            .iter_mut()
            .find(|(m, _)| m.file == d.file && m.location == d.location && m.message == d.message)
        {
            Some((_, count)) => *count += 1,
            None => merged.push((d, 1)),
        }
    }
    Diagnostics(
        merged
            .into_iter()
            .map(|(mut d, count)| {
                if count > 1 {
                    let first = d.help.take().unwrap_or_default();
                    let others = count - 1;
                    d.help = Some(format!(
                        "{first} (and {others} other page{})",
                        if others == 1 { "" } else { "s" }
                    ));
                }
                d
            })
            .collect(),
    )
}

/// `get_page(path=...)`, `get_section(path=...)` and `get_url(path=...)`.
/// The `markdown` filter, bound to the site: it resolves `@/` links and glossary terms.
fn register_markdown(tera: &mut Tera, lookup: &Arc<Lookup>) {
    let lookup = Arc::clone(lookup);
    tera.register_filter(
        "markdown",
        move |text: &str, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            crate::filters::markdown_with(text, kwargs, &|rendered| lookup.resolve(rendered))
        },
    );
}

/// `get_taxonomy(kind=...)`, `get_taxonomy_term(kind=..., term=...)` and
/// `get_taxonomy_url(kind=..., name=...)`, as Zola has them. Each page they hand over is a read
/// of its view.
fn register_taxonomies(tera: &mut Tera, lookup: &Arc<Lookup>) {
    let l = Arc::clone(lookup);
    tera.register_function("get_taxonomy", move |kwargs: Kwargs, _: &State| {
        let at = l.taxonomy_at(&kwargs, "get_taxonomy")?;
        Ok(l.taxonomy_value(at))
    });
    let l = Arc::clone(lookup);
    tera.register_function("get_taxonomy_term", move |kwargs: Kwargs, _: &State| {
        let (at, term) = l.term_at(&kwargs, "get_taxonomy_term", "term")?;
        let pages = kwargs.get::<bool>("include_pages")?.unwrap_or(true);
        Ok(l.term_value(at, term, pages))
    });
    let l = Arc::clone(lookup);
    tera.register_function("get_taxonomy_url", move |kwargs: Kwargs, _: &State| {
        let (at, term) = l.term_at(&kwargs, "get_taxonomy_url", "name")?;
        let path = &l.taxonomies.0[at].terms[term].path;
        Ok(Value::from(l.urls().permalink(path)))
    });
}

impl Lookup {
    /// The taxonomy that `kind` names, by index.
    fn taxonomy_at(&self, kwargs: &Kwargs, call: &str) -> TeraResult<usize> {
        let kind: String = kwargs.must_get("kind")?;
        let lang: Option<String> = kwargs.get("lang")?;
        let lang = lang.as_deref().unwrap_or(self.strings.default_lang());
        let all = &self.taxonomies.0;
        let found = all
            .iter()
            .position(|t| t.config.name == kind && *t.lang == *lang);
        if let Some(at) = found {
            return Ok(at);
        }
        let in_lang = all.iter().filter(|t| *t.lang == *lang);
        let hint = crate::error::did_you_mean(&kind, in_lang.map(|t| t.config.name.as_str()))
            .map(|close| format!("; did you mean `{close}`?"))
            .unwrap_or_else(|| "; declare it in site.toml's `taxonomies`".into());
        let of_lang = match lang == self.strings.default_lang() {
            true => String::new(),
            false => format!(" in `{lang}`"),
        };
        Err(tera::Error::message(format!(
            "{call}: no taxonomy `{kind}`{of_lang}{hint}"
        )))
    }

    /// The taxonomy that `kind` names and its term that the argument `key` names.
    fn term_at(&self, kwargs: &Kwargs, call: &str, key: &str) -> TeraResult<(usize, usize)> {
        let at = self.taxonomy_at(kwargs, call)?;
        let name: String = kwargs.must_get(key)?;
        let slug = self.taxonomies.slug(&name);
        let taxonomy = &self.taxonomies.0[at];
        match taxonomy.terms.iter().position(|t| t.slug == slug) {
            Some(term) => Ok((at, term)),
            None => Err(tera::Error::message(format!(
                "{call}: the taxonomy `{}` has no term \"{name}\"",
                taxonomy.config.name
            ))),
        }
    }

    /// A section's tree: its own fields, its pages in order, and its subsections' trees, each
    /// made once per run and shared by every page that asks.
    fn tree(&self, id: DocId) -> Value {
        self.trees[id.0]
            .get_or_init(|| {
                let site = &self.site;
                let Some(section) = site[id].section() else {
                    return Value::none();
                };
                let pages: Vec<Value> = section.pages.iter().map(|&p| self.entry(p)).collect();
                let subsections: Vec<Value> =
                    section.subsections.iter().map(|&s| self.tree(s)).collect();
                let mut map = self.entry(id).into_map().unwrap_or_default();
                map.insert("pages".into(), Value::from(pages));
                map.insert("subsections".into(), Value::from(subsections));
                Value::from(map)
            })
            .clone()
    }

    /// What the tree shows of one doc: the fields of its front matter a menu needs, and its URL.
    fn entry(&self, id: DocId) -> Value {
        let doc = &self.site[id];
        let urls = self.urls();
        let mut map = tera::value::Map::new();
        map.insert("title".into(), Value::from(doc.title.as_str()));
        let description = doc
            .description
            .as_deref()
            .map_or(Value::none(), Value::from);
        map.insert("description".into(), description);
        map.insert("path".into(), Value::from(urls.path(&doc.path)));
        map.insert("permalink".into(), Value::from(urls.permalink(&doc.path)));
        map.insert("relative_path".into(), Value::from(doc.rel.as_str()));
        map.insert(
            "weight".into(),
            doc.weight.map_or(Value::none(), Value::from),
        );
        map.insert(
            "date".into(),
            doc.date.as_deref().map_or(Value::none(), Value::from),
        );
        map.insert("extra".into(), crate::data::table_to_value(&doc.extra));
        Value::from(map)
    }

    /// Records a read of every page of `term`.
    fn read_term(&self, term: &crate::listings::Term) {
        for &id in &term.pages {
            record(Visit::View, &self.site[id].rel);
        }
    }

    /// A term's value, with its pages' views when `pages` asks for them (each a read); made
    /// once with them.
    fn term_value(&self, at: usize, n: usize, pages: bool) -> Value {
        let term = &self.taxonomies.0[at].terms[n];
        let make = || {
            let view = |id| self.views.get(id);
            crate::listings::term_value(term, &view, &self.urls(), pages)
        };
        match pages {
            true => {
                self.read_term(term);
                self.term_values[at][n].get_or_init(make).clone()
            }
            false => make(),
        }
    }

    /// Zola's `get_taxonomy` value: `kind`, `items` (every term, with its pages), `permalink`.
    fn taxonomy_value(&self, at: usize) -> Value {
        let taxonomy = &self.taxonomies.0[at];
        let urls = self.urls();
        let items: Vec<Value> = (0..taxonomy.terms.len())
            .map(|n| self.term_value(at, n, true))
            .collect();
        let mut map = tera::value::Map::new();
        map.insert(
            "kind".into(),
            crate::listings::config_value(taxonomy, &urls),
        );
        map.insert("items".into(), Value::from(items));
        map.insert(
            "permalink".into(),
            Value::from(urls.permalink(&taxonomy.path)),
        );
        Value::from(map)
    }
}

/// `get_section_tree(path=...)`: a section (by default the home page of the language being
/// rendered) with its pages in order and its subsections, all the way down, for a course's
/// sidebar.
fn register_tree(tera: &mut Tera, lookup: &Arc<Lookup>) {
    let lookup = Arc::clone(lookup);
    tera.register_function(
        "get_section_tree",
        move |kwargs: Kwargs, state: &State| -> TeraResult<Value> {
            let path: Option<String> = kwargs.get("path")?;
            let home = state
                .get::<String>("lang")?
                .map(|lang| format!("_index.{lang}.md"))
                .filter(|home| lookup.site.lookup(home).is_some());
            let path = path
                .as_deref()
                .or(home.as_deref())
                .unwrap_or("_index.md")
                .trim_start_matches("@/");
            record(Visit::Tree, path);
            match lookup.site.lookup(path) {
                Some(id) if lookup.site[id].section().is_some() => Ok(lookup.tree(id)),
                _ => Err(tera::Error::message(format!(
                    "get_section_tree: no section `{path}` in content/"
                ))),
            }
        },
    );
}

fn register_functions(tera: &mut Tera, lookup: &Arc<Lookup>) {
    register_markdown(tera, lookup);
    register_taxonomies(tera, lookup);
    register_tree(tera, lookup);
    register_trans(tera, lookup);
    let find = |kind: &'static str| {
        let lookup = Arc::clone(lookup);
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let path: String = kwargs.must_get("path")?;
            let path = path.trim_start_matches("@/");
            let head = kind == "section" && kwargs.get::<bool>("metadata_only")?.unwrap_or(false);
            record(if head { Visit::Head } else { Visit::View }, path);
            let found = lookup
                .site
                .lookup(path)
                .map(|id| (id, lookup.site[id].section().is_none()));
            match found {
                Some((id, false)) if head => Ok(lookup.views.head(id)),
                Some((id, is_page)) if is_page == (kind == "page") => Ok(lookup.views.get(id)),
                _ => Err(tera::Error::message(format!(
                    "get_{kind}: no {kind} `{path}` in content/"
                ))),
            }
        }
    };
    tera.register_function("get_page", find("page"));
    tera.register_function("get_section", find("section"));
    register_get_url(tera, lookup);
}

/// `get_url(path=..., absolute=..., lang=...)`: a content file's URL, or a path in the site.
fn register_get_url(tera: &mut Tera, lookup: &Arc<Lookup>) {
    let lookup = Arc::clone(lookup);
    tera.register_function(
        "get_url",
        move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            let absolute = kwargs.get::<bool>("absolute")?.unwrap_or(false);
            let lang: Option<String> = kwargs.get("lang")?;
            let lang = lookup.strings.other_lang(lang.as_deref())?;
            let prefix = if absolute {
                format!("{}{}", lookup.origin, lookup.base_path)
            } else {
                lookup.base_path.clone()
            };
            match path.strip_prefix("@/") {
                Some(file) => {
                    let (file, anchor) = file
                        .split_once('#')
                        .map_or((file, None), |(f, a)| (f, Some(a)));
                    let file = match lang {
                        Some(lang) => format!("{}.{lang}.md", file.trim_end_matches(".md")),
                        None => file.to_string(),
                    };
                    record(Visit::Url, &file);
                    let id = lookup.site.lookup(&file).ok_or_else(|| {
                        tera::Error::message(format!("get_url: no content file `{file}`"))
                    })?;
                    let url = &lookup.site[id].path;
                    Ok(format!(
                        "{prefix}{url}{}",
                        anchor.map(|a| format!("#{a}")).unwrap_or_default()
                    ))
                }
                None if path.contains("://") => Ok(path),
                None => {
                    let lang = lang.map(|l| format!("/{l}")).unwrap_or_default();
                    Ok(format!("{prefix}{lang}/{}", path.trim_start_matches('/')))
                }
            }
        },
    );
}

/// `trans(key=..., lang=...)`: a string from site.toml's `[translations]`, or a language's.
fn register_trans(tera: &mut Tera, lookup: &Arc<Lookup>) {
    let lookup = Arc::clone(lookup);
    tera.register_function(
        "trans",
        move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let key: String = kwargs.must_get("key")?;
            let lang: Option<String> = kwargs.get("lang")?;
            let found = lookup.strings.get(&key, lang.as_deref());
            found.map(str::to_string).map_err(tera::Error::message)
        },
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_never_reach_the_output() {
        assert_eq!(
            super::scrub("a\u{0}b\u{1b}c\td\n".into()),
            "a\u{FFFD}b\u{FFFD}c\td\n"
        );
    }
}
