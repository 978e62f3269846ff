//! Tera setup and rendering: templates are loaded once, then every page and section is rendered
//! in parallel against shared, Arc-backed values.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use tera::{Context, ErrorKind, Kwargs, State, Tera, TeraResult, Value};

use crate::content::{Meta, Site, Target};
use crate::discover::SourceFile;
use crate::error::{Diagnostic, Diagnostics, collect, did_you_mean};
use crate::filters;
use crate::views::{Urls, Views};

pub fn register_filters(tera: &mut Tera) {
    tera.register_filter("markdown", filters::markdown);
    tera.register_filter("money", filters::money);
    tera.register_filter("date", filters::date);
    tera.register_filter("json", filters::json);
    tera.register_filter("slugify", filters::slugify);
}

/// Loaded templates, with their sources kept for error reports.
pub struct Templates {
    tera: Tera,
    sources: HashMap<String, SourceFile>,
    /// What `get_page`, `get_section` and `get_url` look in. Tera checks at load time that every
    /// function a template calls exists, so the functions are registered before the site is
    /// known and read this once [`Templates::bind`] has filled it.
    lookup: Arc<OnceLock<Lookup>>,
}

#[derive(Default)]
struct Lookup {
    pages: HashMap<String, Value>,
    sections: HashMap<String, Value>,
    paths: HashMap<String, String>,
    origin: String,
    base_path: String,
}

pub fn load(files: Vec<SourceFile>) -> Result<Templates, Diagnostics> {
    let mut tera = Tera::default();
    register_filters(&mut tera);
    let lookup = Arc::new(OnceLock::new());
    register_functions(&mut tera, &lookup);
    let sources: HashMap<String, SourceFile> =
        files.into_iter().map(|f| (f.rel.clone(), f)).collect();
    let mut named: Vec<(&str, &str)> = sources
        .iter()
        .map(|(n, f)| (n.as_str(), f.text.as_str()))
        .collect();
    named.sort();
    let result = tera.add_raw_templates(named);
    let templates = Templates {
        tera,
        sources,
        lookup,
    };
    match result {
        Ok(()) => Ok(templates),
        Err(err) => Err(templates.load_errors(&err)),
    }
}

impl Templates {
    /// Tera reports every missing filter, function or block at once, as rustc-style text. Each
    /// report is read back into a diagnostic so the path shown is the template's real path.
    fn load_errors(&self, err: &tera::Error) -> Diagnostics {
        let ErrorKind::Msg(text) = err.kind() else {
            return self.diagnose(err, None).into();
        };
        let diagnostics = text
            .split("\n\nerror: ")
            .map(|report| {
                let report = report.strip_prefix("error: ").unwrap_or(report);
                let message = report.lines().next().unwrap_or_default().to_string();
                let locus = report
                    .lines()
                    .find_map(|l| l.trim_start().strip_prefix("--> "));
                let carets = report.lines().last().map_or(1, |l| l.matches('^').count());
                let parsed = locus.and_then(|locus| {
                    let mut parts = locus.rsplitn(3, ':');
                    let column: usize = parts.next()?.parse().ok()?;
                    let line: usize = parts.next()?.parse().ok()?;
                    Some((parts.next()?, line, column))
                });
                match parsed {
                    Some((name, line, column)) => {
                        let shown = PathBuf::from("templates").join(name);
                        let text = self.sources.get(name).map_or("", |f| f.text.as_str());
                        Diagnostic::at_line(
                            shown,
                            text,
                            line,
                            column.saturating_sub(1),
                            carets,
                            message,
                        )
                    }
                    None => Diagnostic::in_file("templates", report.to_string()),
                }
            })
            .collect();
        Diagnostics(diagnostics)
    }

    /// Makes the site visible to `get_page`, `get_section` and `get_url`.
    pub fn bind(&self, site: &Site, views: &Views, urls: &Urls) {
        let mut lookup = Lookup {
            origin: urls.origin.to_string(),
            base_path: urls.base_path.to_string(),
            ..Lookup::default()
        };
        for (rel, &target) in &site.by_file {
            match target {
                Target::Page(i) => lookup.pages.insert(rel.clone(), views.pages[i].clone()),
                Target::Section(i) => lookup
                    .sections
                    .insert(rel.clone(), views.sections[i].clone()),
            };
            lookup
                .paths
                .insert(rel.clone(), site.meta(target).path.clone());
        }
        // A Templates value is bound once per build; a second bind keeps the first site.
        let _ = self.lookup.set(lookup);
    }

    /// Turns a Tera error into a diagnostic at the template's line, naming the content file
    /// being rendered when there is one.
    fn diagnose(&self, err: &tera::Error, rendering: Option<&Meta>) -> Diagnostic {
        let while_rendering = rendering.map(|m| {
            format!(
                "while rendering {}",
                crate::error::display_path(&m.file.shown)
            )
        });
        let diagnostic = match err.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                let shown = PathBuf::from("templates").join(report.filename());
                let mut message = report.message().to_string();
                if let Some(cause) = std::error::Error::source(err) {
                    message = format!("{message}: {cause}");
                }
                match self.sources.get(report.filename()) {
                    Some(file) => {
                        let span = report.span();
                        let width = if span.end_line == span.start_line {
                            span.end_col.saturating_sub(span.start_col)
                        } else {
                            1
                        };
                        Diagnostic::at_line(
                            shown,
                            &file.text,
                            span.start_line,
                            span.start_col,
                            width,
                            message,
                        )
                    }
                    None => Diagnostic::in_file(shown, message),
                }
            }
            ErrorKind::MissingParent { current, parent } => Diagnostic::in_file(
                PathBuf::from("templates").join(current),
                format!("extends `{parent}`, which is not a template"),
            ),
            ErrorKind::TemplateNotFound(name) => Diagnostic::in_file(
                PathBuf::from("templates").join(name),
                format!("template `{name}` not found"),
            ),
            _ => {
                let file =
                    rendering.map_or_else(|| PathBuf::from("templates"), |m| m.file.shown.clone());
                Diagnostic::in_file(file, err.to_string())
            }
        };
        match while_rendering {
            Some(note) => diagnostic.with_help(note),
            None => diagnostic,
        }
    }

    /// The template every section and page renders with, checked to exist. Reports every
    /// missing template, pointing at the front matter that names it.
    pub fn choose(&self, site: &Site) -> Result<Chosen, Diagnostics> {
        let sections = (0..site.sections.len()).map(Target::Section);
        let targets = sections.chain((0..site.pages.len()).map(Target::Page));
        let mut sections = collect(
            targets.map(|target| self.template_for(site, target).map_err(Diagnostics::from)),
        )?;
        let pages = sections.split_off(site.sections.len());
        Ok(Chosen { sections, pages })
    }

    fn template_for(&self, site: &Site, target: Target) -> Result<String, Diagnostic> {
        let (chosen, default) = match target {
            Target::Page(i) => {
                let page = &site.pages[i];
                let inherited = std::iter::once(page.section)
                    .chain(site.ancestors(page.section).into_iter().rev())
                    .find_map(|s| site.sections[s].page_template.clone());
                (page.meta.template.clone().or(inherited), "page.html")
            }
            Target::Section(0) => (site.sections[0].meta.template.clone(), "index.html"),
            Target::Section(i) => (site.sections[i].meta.template.clone(), "section.html"),
        };
        let name = chosen.clone().unwrap_or_else(|| default.to_string());
        if self.tera.contains_template(&name) {
            return Ok(name);
        }
        let meta = site.meta(target);
        let mut names: Vec<&str> = self.tera.get_template_names().collect();
        names.sort();
        let suggestion = did_you_mean(&name, names.iter().copied());
        let line = meta.file.text.lines().position(|l| {
            let l = l.trim_start();
            (l.starts_with("template") || l.starts_with("page_template"))
                && l.contains(name.as_str())
        });
        let message = format!("template `{name}` not found");
        let diagnostic = match line {
            Some(line) if chosen.is_some() => {
                let text = meta.file.text.lines().nth(line).unwrap_or_default();
                let column = text.find(name.as_str()).unwrap_or(0);
                Diagnostic::at_line(
                    &meta.file.shown,
                    &meta.file.text,
                    line + 1,
                    column,
                    name.len(),
                    message,
                )
            }
            _ => Diagnostic::in_file(&meta.file.shown, message),
        };
        Err(match suggestion {
            Some(close) => diagnostic.with_help(format!("did you mean `{close}`?")),
            None => diagnostic.with_help(format!(
                "add templates/{name}, or name another template with `template = \"...\"`"
            )),
        })
    }
}

/// What every template sees besides its own page or section.
pub struct Globals {
    pub config: Value,
    pub data: Value,
}

impl Globals {
    /// What every page's context starts from: `config`, `data` and `lang`.
    pub fn context(&self) -> Context {
        let mut base = Context::new();
        base.insert_value("config", self.config.clone());
        base.insert_value("data", self.data.clone());
        if let Some(lang) = self.config.get_from_path("language") {
            base.insert_value("lang", lang.clone());
        }
        base
    }
}

/// Each section's and page's template name, from [`Templates::choose`].
pub struct Chosen {
    sections: Vec<String>,
    pages: Vec<String>,
}

impl Chosen {
    fn get(&self, target: Target) -> &str {
        match target {
            Target::Section(i) => &self.sections[i],
            Target::Page(i) => &self.pages[i],
        }
    }
}

/// What pages are rendered with: templates, each page's choice of template, the site, and
/// where it is served.
pub struct Job<'a> {
    pub templates: &'a Templates,
    pub chosen: &'a Chosen,
    pub site: &'a Site,
    pub urls: &'a Urls<'a>,
    /// Checked before each page: once set, the pages left are skipped.
    pub stop: Option<&'a AtomicBool>,
}

impl Job<'_> {
    pub fn stopped(&self) -> bool {
        self.stop.is_some_and(|stop| stop.load(Ordering::Relaxed))
    }
}

/// Renders every section and page, handing each (URL path, HTML) to `emit` as soon as it is
/// ready, so a large site never holds all its pages at once. Reports every error found.
pub fn render_all(
    job: &Job,
    views: &Views,
    globals: &Globals,
    emit: &(dyn Fn(&str, String) -> Result<(), Diagnostic> + Sync),
) -> Result<(), Diagnostics> {
    let base = globals.context();
    let site = job.site;
    let targets: Vec<Target> = (0..site.sections.len())
        .map(Target::Section)
        .chain((0..site.pages.len()).map(Target::Page))
        .collect();
    let results = targets.par_iter().map(|&target| {
        if job.stopped() {
            return Ok(());
        }
        let value = match target {
            Target::Page(i) => &views.pages[i],
            Target::Section(i) => &views.sections[i],
        };
        let html = render_one(job, target, value, &base)?;
        emit(&site.meta(target).path, html).map_err(Diagnostics::from)
    });
    collect(results.collect::<Vec<_>>())
        .map(|_| ())
        .map_err(merge_repeats)
}

/// Renders one section or page from its view, on top of the `base` context every page shares.
pub fn render_one(
    job: &Job,
    target: Target,
    value: &Value,
    base: &Context,
) -> Result<String, Diagnostics> {
    let meta = job.site.meta(target);
    let mut context = base.clone();
    let key = match target {
        Target::Page(_) => "page",
        Target::Section(_) => "section",
    };
    context.insert_value(key, value.clone());
    context.insert("current_path", &job.urls.path(&meta.path));
    context.insert("current_url", &job.urls.permalink(&meta.path));
    let templates = job.templates;
    templates
        .tera
        .render(job.chosen.get(target), &context)
        .map_err(|err| Diagnostics::from(templates.diagnose(&err, Some(meta))))
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

/// Renders a template that belongs to no content file (404.html), if the theme has it.
pub fn render_extra(
    templates: &Templates,
    name: &str,
    globals: &Globals,
) -> Option<Result<String, Diagnostics>> {
    templates.tera.contains_template(name).then(|| {
        let mut context = Context::new();
        context.insert_value("config", globals.config.clone());
        context.insert_value("data", globals.data.clone());
        templates
            .tera
            .render(name, &context)
            .map_err(|e| Diagnostics::from(templates.diagnose(&e, None)))
    })
}

/// `get_page(path=...)`, `get_section(path=...)` and `get_url(path=...)`.
fn register_functions(tera: &mut Tera, lookup: &Arc<OnceLock<Lookup>>) {
    let find = |kind: &'static str| {
        let lookup = Arc::clone(lookup);
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let path: String = kwargs.must_get("path")?;
            let path = path.trim_start_matches("@/");
            let lookup = lookup
                .get()
                .ok_or_else(|| tera::Error::message("the site is not loaded yet"))?;
            let map = if kind == "page" {
                &lookup.pages
            } else {
                &lookup.sections
            };
            map.get(path).cloned().ok_or_else(|| {
                tera::Error::message(format!("get_{kind}: no {kind} `{path}` in content/"))
            })
        }
    };
    tera.register_function("get_page", find("page"));
    tera.register_function("get_section", find("section"));
    let lookup = Arc::clone(lookup);
    tera.register_function(
        "get_url",
        move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            let absolute = kwargs.get::<bool>("absolute")?.unwrap_or(false);
            let lookup = lookup
                .get()
                .ok_or_else(|| tera::Error::message("the site is not loaded yet"))?;
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
                    let url = lookup.paths.get(file).ok_or_else(|| {
                        tera::Error::message(format!("get_url: no content file `{file}`"))
                    })?;
                    Ok(format!(
                        "{prefix}{url}{}",
                        anchor.map(|a| format!("#{a}")).unwrap_or_default()
                    ))
                }
                None if path.contains("://") => Ok(path),
                None => Ok(format!("{prefix}/{}", path.trim_start_matches('/'))),
            }
        },
    );
}
