//! Loading templates: every file under templates/ is parsed once, with docent's filters, and
//! each page and section is given the template it renders with. Errors point at the
//! template's own line, or at the front matter that names a missing template.

use std::collections::HashMap;
use std::path::PathBuf;

use tera::{ErrorKind, Kwargs, State, Tera, TeraResult, Value};

use crate::discover::SourceFile;
use crate::error::{Diagnostic, Diagnostics, collect, did_you_mean};
use crate::filters;
use crate::site::{Doc, DocId, Kind, PerDoc, Site, Texts};

/// The functions that read the site. Tera checks at load time that every function a template
/// calls exists, so these are registered here with bodies that refuse; rendering replaces them
/// with ones that read the site ([`crate::render::Renderer`]).
pub(crate) const SITE_FUNCTIONS: [&str; 8] = [
    "get_page",
    "get_section",
    "get_section_tree",
    "get_url",
    "get_taxonomy",
    "get_taxonomy_term",
    "get_taxonomy_url",
    "trans",
];

pub(crate) fn register_filters(tera: &mut Tera) {
    tera.register_filter("markdown", filters::markdown);
    tera.register_filter("money", filters::money);
    tera.register_filter("date", filters::date);
    tera.register_filter("json", filters::json);
    tera.register_filter("slugify", filters::slugify);
}

/// Parsed templates, with their sources kept for error reports.
#[derive(Clone)]
pub(crate) struct Templates {
    pub(crate) tera: Tera,
    sources: HashMap<String, SourceFile>,
}

/// The ids a template's `{# anchors: a, b #}` comment names.
fn declared_in(source: &str) -> Vec<String> {
    let Some(start) = source.find("{# anchors:") else {
        return Vec::new();
    };
    let rest = &source[start + "{# anchors:".len()..];
    let list = &rest[..rest.find("#}").unwrap_or(0)];
    list.split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .collect()
}

/// Each doc's template name, from [`Templates::choose`].
pub(crate) type Chosen = PerDoc<String>;

pub(crate) fn load(files: Vec<SourceFile>) -> Result<Templates, Diagnostics> {
    let mut tera = Tera::default();
    register_filters(&mut tera);
    for name in SITE_FUNCTIONS {
        tera.register_function(name, move |_: Kwargs, _: &State| -> TeraResult<Value> {
            Err(tera::Error::message(format!(
                "`{name}` reads the site, so it works only in templates that render pages"
            )))
        });
    }
    let mut sources: HashMap<String, SourceFile> =
        files.into_iter().map(|f| (f.rel.clone(), f)).collect();
    // docent's own shortcodes, unless the site has its own of the same name.
    for (rel, text) in crate::shortcodes::BUILT_IN {
        let stem = rel.rsplit_once('.').map_or(rel, |(stem, _)| stem);
        let replaced = [".html", ".md"]
            .iter()
            .any(|ext| sources.contains_key(&format!("{stem}{ext}")));
        if !replaced {
            let shown = PathBuf::from("(built in)").join(rel);
            let file = SourceFile {
                shown,
                rel: rel.to_string(),
                text: text.into(),
            };
            sources.insert(rel.to_string(), file);
        }
    }
    let mut named: Vec<(&str, &str)> = sources
        .iter()
        .map(|(n, f)| (n.as_str(), &*f.text))
        .collect();
    named.sort();
    let result = tera.add_raw_templates(named);
    let templates = Templates { tera, sources };
    match result {
        Ok(()) => Ok(templates),
        Err(err) => Err(templates.load_errors(&err)),
    }
}

impl Templates {
    /// The text of the template `name`, if there is one.
    pub(crate) fn source(&self, name: &str) -> Option<&str> {
        self.sources.get(name).map(|f| &*f.text)
    }

    /// The name of every shortcode, sorted.
    pub(crate) fn shortcode_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .sources
            .keys()
            .filter_map(|rel| rel.strip_prefix("shortcodes/"))
            .filter_map(|rel| rel.rsplit_once('.').map(|(stem, _)| stem.to_string()))
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// A hash of each template with every template it may include: the ones it names in
    /// quotes (`extends`, `include`, `import`), over and over, and every template that defines
    /// a component, since any template can call those.
    pub(crate) fn versions(&self) -> crate::hashing::Map<String, u64> {
        use std::hash::{Hash, Hasher};
        let components: Vec<&str> = self
            .sources
            .iter()
            .filter(|(_, f)| f.text.contains("{% component") || f.text.contains("{%- component"))
            .map(|(name, _)| name.as_str())
            .collect();
        // Which templates each one names, found once.
        let quoted: Vec<(&str, String, String)> = self
            .sources
            .keys()
            .map(|name| (name.as_str(), format!("\"{name}\""), format!("'{name}'")))
            .collect();
        let mentions: HashMap<&str, Vec<&str>> = self
            .sources
            .iter()
            .map(|(name, file)| {
                let named = quoted
                    .iter()
                    .filter(|(_, double, single)| {
                        file.text.contains(double.as_str()) || file.text.contains(single.as_str())
                    })
                    .map(|(other, ..)| *other)
                    .collect();
                (name.as_str(), named)
            })
            .collect();
        let mut versions = crate::hashing::Map::default();
        for name in self.sources.keys() {
            let mut closure = std::collections::BTreeSet::new();
            let mut next = components.clone();
            next.push(name.as_str());
            while let Some(template) = next.pop() {
                if closure.insert(template) {
                    next.extend(mentions.get(template).into_iter().flatten());
                }
            }
            let mut h = std::collections::hash_map::DefaultHasher::new();
            for template in closure {
                (template, &*self.sources[template].text).hash(&mut h);
            }
            versions.insert(name.clone(), h.finish());
        }
        versions
    }

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
                        let text = self.sources.get(name).map_or("", |f| &*f.text);
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

    /// Turns a Tera error into a diagnostic at the template's line, naming the content file
    /// being rendered when there is one.
    pub(crate) fn diagnose(&self, err: &tera::Error, rendering: Option<&Doc>) -> Diagnostic {
        let while_rendering = rendering.map(|doc| format!("while rendering {}", doc.source_name()));
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
                    rendering.map_or_else(|| PathBuf::from("templates"), |doc| doc.shown.clone());
                Diagnostic::in_file(file, err.to_string())
            }
        };
        match while_rendering {
            Some(note) => diagnostic.with_help(note),
            None => diagnostic,
        }
    }

    /// The ids each doc's template declares it writes, `{# anchors: fig-skills, skills-title #}`,
    /// so that `@/page.md#fig-skills` can point at what a template draws. `check` verifies
    /// them against the rendered pages.
    pub(crate) fn declared_anchors(&self, site: &Site) -> PerDoc<Vec<String>> {
        let declared = site.docs().map(|(id, doc)| {
            let Ok(name) = self.template_for(site, id, doc, None) else {
                return Vec::new();
            };
            self.source(&name).map(declared_in).unwrap_or_default()
        });
        PerDoc::from_vec(declared.collect())
    }

    /// The template every section and page renders with, checked to exist. Reports every
    /// missing template, pointing at the front matter that names it.
    pub(crate) fn choose(&self, site: &Site, texts: &Texts) -> Result<Chosen, Diagnostics> {
        let chosen = collect(site.docs().map(|(id, doc)| {
            // A redirect page is made by docent, not by a template; an unrendered one by none.
            if !doc.rendered() || doc.section().is_some_and(|s| s.redirect_to.is_some()) {
                return Ok(String::new());
            }
            self.template_for(site, id, doc, Some(texts))
                .map_err(Diagnostics::from)
        }))?;
        Ok(PerDoc::from_vec(chosen))
    }

    fn template_for(
        &self,
        site: &Site,
        id: DocId,
        doc: &Doc,
        texts: Option<&Texts>,
    ) -> Result<String, Diagnostic> {
        // Where a name came from: the key in this file, or in the section that passed it down.
        let (chosen, from, default) = match &doc.kind {
            Kind::Page(page) => {
                let inherited = std::iter::once(page.section)
                    .chain(site.ancestors(id).into_iter().rev())
                    .find_map(|s| {
                        let section = site[s].section()?;
                        section.page_template.clone().map(|name| (name, s))
                    });
                match (&doc.template, inherited) {
                    (Some(name), _) => (Some(name.clone()), Some((id, "template")), "page.html"),
                    (None, Some((name, s))) => {
                        (Some(name), Some((s, "page_template")), "page.html")
                    }
                    (None, None) => (None, None, "page.html"),
                }
            }
            Kind::Section(_) => {
                // Every language's home: `_index.md`, `_index.fr.md`.
                let default = if doc.section().is_some_and(|s| s.parent.is_none()) {
                    "index.html"
                } else {
                    "section.html"
                };
                (doc.template.clone(), Some((id, "template")), default)
            }
        };
        let name = chosen.clone().unwrap_or_else(|| default.to_string());
        if self.tera.contains_template(&name) {
            return Ok(name);
        }
        let mut names: Vec<&str> = self.tera.get_template_names().collect();
        names.sort();
        let suggestion = did_you_mean(&name, names.iter().copied());
        let message = format!("template `{name}` not found");
        // A section's `page_template` is reported at the page, whose text is at hand.
        let text = texts.map_or("", |t| t.full(id));
        let own_key = from.filter(|&(owner, _)| chosen.is_some() && owner == id);
        let span = own_key.and_then(|(_, key)| crate::frontmatter::value_span(text, key));
        let diagnostic = match span {
            Some(span) => Diagnostic::at(&doc.shown, text, span, message),
            None => Diagnostic::in_file(&doc.shown, message),
        };
        Err(match suggestion {
            Some(close) => diagnostic.with_help(format!("did you mean `{close}`?")),
            None => diagnostic.with_help(format!(
                "add templates/{name}, or name another template with `template = \"...\"`"
            )),
        })
    }
}
