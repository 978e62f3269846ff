//! `docent check`: every stage of a build except writing, collecting every finding instead of
//! stopping at the first. Besides the build's own errors it looks for what a build lets
//! through: pages nothing links to, sources nothing cites, links to files that do not exist,
//! `<script>` in content, and placeholders left by `docent new`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use crate::content::Site;
use crate::discover::SourceFile;
use crate::error::{Diagnostic, Diagnostics, display_path};
use crate::links::{self, Renders};
use crate::pipeline::{self, Options};
use crate::{content, data, discover, render, schema};

/// The text `docent new` puts where the author has to write something.
pub const PLACEHOLDER: &str = "TODO:";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug)]
pub struct Finding {
    pub severity: Severity,
    /// A stable name for the kind of finding, for CI scripts: `schema`, `link`, `orphan`, ...
    pub code: &'static str,
    pub diagnostic: Diagnostic,
}

#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
}

impl Report {
    fn add(
        &mut self,
        severity: Severity,
        code: &'static str,
        diagnostics: impl IntoIterator<Item = Diagnostic>,
    ) {
        self.findings
            .extend(diagnostics.into_iter().map(|diagnostic| Finding {
                severity,
                code,
                diagnostic,
            }));
    }

    /// Keeps the value of a stage, or records its errors under `code`.
    fn stage<T>(
        &mut self,
        code: &'static str,
        result: std::result::Result<T, Diagnostics>,
    ) -> Option<T> {
        result
            .map_err(|Diagnostics(ds)| self.add(Severity::Error, code, ds))
            .ok()
    }

    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.findings.len() - self.errors()
    }

    fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            let key = |f: &Finding| {
                (
                    f.diagnostic.file.clone(),
                    f.diagnostic.location.as_ref().map(|l| (l.line, l.column)),
                    f.code,
                )
            };
            key(a).cmp(&key(b))
        });
        self.findings
            .dedup_by(|a, b| a.code == b.code && a.diagnostic == b.diagnostic);
    }

    pub fn to_text(&self) -> String {
        let mut text = String::new();
        for f in &self.findings {
            let label = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            text.push_str(&f.diagnostic.labelled(&format!("{label}[{}]", f.code)));
            text.push_str("\n\n");
        }
        let (e, w) = (self.errors(), self.warnings());
        let s = |n: usize| if n == 1 { "" } else { "s" };
        text.push_str(&format!(
            "checked: {e} error{}, {w} warning{}\n",
            s(e),
            s(w)
        ));
        text
    }

    /// A stable JSON shape for CI: `{ "errors", "warnings", "findings": [...] }`.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Item<'a> {
            severity: Severity,
            code: &'a str,
            file: String,
            line: Option<usize>,
            column: Option<usize>,
            message: &'a str,
            help: Option<&'a str>,
        }
        #[derive(Serialize)]
        struct Out<'a> {
            errors: usize,
            warnings: usize,
            findings: Vec<Item<'a>>,
        }
        let findings = self
            .findings
            .iter()
            .map(|f| Item {
                severity: f.severity,
                code: f.code,
                file: display_path(&f.diagnostic.file),
                line: f.diagnostic.location.as_ref().map(|l| l.line),
                column: f.diagnostic.location.as_ref().map(|l| l.column),
                message: &f.diagnostic.message,
                help: f.diagnostic.help.as_deref(),
            })
            .collect();
        let out = Out {
            errors: self.errors(),
            warnings: self.warnings(),
            findings,
        };
        serde_json::to_string_pretty(&out).unwrap_or_default() + "\n"
    }
}

/// Checks the site at `root`. Only an I/O failure is an `Err`; problems in the site are findings.
pub fn run(root: &Path, drafts: bool) -> Result<Report> {
    let mut report = Report::default();
    let config = report.stage("config", as_diagnostics(pipeline::load_config(root, None)));
    let (sources, problems) = discover::discover_partial(root, None)?;
    report.add(Severity::Error, "file", problems);
    scan_text(&mut report, sources.markdown.iter().chain(&sources.data));
    let templates_ok = report
        .stage("template", render::load(sources.templates.clone()))
        .is_some();
    let data = report.stage("data", data::load(&sources.data));
    let schemas = report.stage("schema", schema::load(root));
    if let Some(schemas) = &schemas {
        report.add(Severity::Error, "schema", schemas.check_data(&sources.data));
    }
    let title = config.as_ref().map_or("", |(c, _)| c.title.as_str());
    let Some(site) = report.stage(
        "content",
        content::index(sources.markdown.clone(), drafts, title),
    ) else {
        return Ok(finish(report));
    };
    if let Some(schemas) = &schemas {
        report.add(Severity::Error, "schema", schemas.check_pages(&site));
    }
    let renders = pipeline::render_markdown(&site);
    let bibliography = data
        .as_ref()
        .and_then(|d| d.tree.get(links::SOURCES))
        .and_then(|s| s.as_table());
    report.stage("link", links::check(&site, &renders, bibliography));
    let base_path = config.as_ref().map_or("", |(c, _)| c.base_path());
    let known: BTreeSet<String> = sources
        .assets
        .iter()
        .map(|a| a.rel.clone())
        .chain(
            site.pages
                .iter()
                .map(|p| &p.meta)
                .chain(site.sections.iter().map(|s| &s.meta))
                .map(|m| format!("{}index.html", m.path.trim_start_matches('/'))),
        )
        .collect();
    missing_files(
        &mut report,
        markdown_pages(&site, &renders),
        base_path,
        |f| known.contains(f),
    );
    if let Some(data) = &data {
        unused_sources(&mut report, &sources.data, &site, &renders, data);
    }
    if report.errors() == 0 && templates_ok {
        let options = Options {
            root: root.to_path_buf(),
            base_url: None,
            drafts,
            search: false,
            stop: None,
        };
        match pipeline::render(&options) {
            Ok(built) => {
                let outputs = site
                    .pages
                    .iter()
                    .map(|p| &p.meta)
                    .chain(site.sections.iter().map(|s| &s.meta))
                    .filter_map(|m| {
                        let html = built
                            .files
                            .get(&format!("{}index.html", m.path.trim_start_matches('/')))?;
                        Some((&m.file, m.path.as_str(), std::str::from_utf8(html).ok()?))
                    });
                missing_files(&mut report, outputs, base_path, |f| {
                    built.files.contains_key(f)
                });
                orphans(&mut report, &site, &built.files, base_path);
            }
            Err(err) => match err.downcast::<Diagnostics>() {
                Ok(Diagnostics(ds)) => report.add(Severity::Error, "render", ds),
                Err(err) => return Err(err),
            },
        }
    }
    Ok(finish(report))
}

fn finish(mut report: Report) -> Report {
    report.sort();
    report
}

fn as_diagnostics<T>(result: Result<T>) -> std::result::Result<T, Diagnostics> {
    result.map_err(|err| match err.downcast::<Diagnostics>() {
        Ok(ds) => ds,
        Err(err) => match err.downcast::<Diagnostic>() {
            Ok(d) => d.into(),
            Err(err) => Diagnostic::in_file(crate::config::FILE, err.to_string()).into(),
        },
    })
}

/// Placeholders from `docent new` and `<script>` tags, found line by line.
fn scan_text<'a>(report: &mut Report, files: impl Iterator<Item = &'a SourceFile>) {
    for file in files {
        for (i, line) in file.text.lines().enumerate() {
            if let Some(col) = line.find(PLACEHOLDER) {
                let d = Diagnostic::at_line(
                    &file.shown,
                    &file.text,
                    i + 1,
                    col,
                    PLACEHOLDER.len(),
                    "placeholder text is still here",
                )
                .with_help("replace it with real content before publishing");
                report.add(Severity::Error, "placeholder", [d]);
            }
            if let Some(col) = line.to_ascii_lowercase().find("<script") {
                let d = Diagnostic::at_line(&file.shown, &file.text, i + 1, col, 7, "`<script>` in content")
                    .with_help("scripts belong in templates/ or static/, where the theme can keep them safe and fast");
                report.add(Severity::Warning, "script", [d]);
            }
        }
    }
}

/// Pages that no other page of the built site links to, through content, templates or nav.
fn orphans(report: &mut Report, site: &Site, files: &BTreeMap<String, Vec<u8>>, base_path: &str) {
    let mut linked = BTreeSet::new();
    for (output, bytes) in files.iter().filter(|(name, _)| name.ends_with(".html")) {
        let Ok(html) = std::str::from_utf8(bytes) else {
            continue;
        };
        let dir = output.rsplit_once('/').map_or("", |(d, _)| d);
        for target in local_references(html)
            .iter()
            .filter_map(|r| resolve(r, dir, base_path))
        {
            let target = target
                .trim_end_matches("index.html")
                .trim_end_matches('/')
                .to_string();
            if target != dir {
                linked.insert(target);
            }
        }
    }
    for page in &site.pages {
        if !linked.contains(page.meta.path.trim_matches('/')) {
            let d = Diagnostic::in_file(&page.meta.file.shown, "no other page links here")
                .with_help(format!(
                    "link to it with [text](@/{}), or add it to `nav` in site.toml",
                    page.meta.file.rel
                ));
            report.add(Severity::Warning, "orphan", [d]);
        }
    }
}

/// Sources in sources.toml that no page cites and no data names in a `source`/`sources` key.
fn unused_sources(
    report: &mut Report,
    files: &[SourceFile],
    site: &Site,
    renders: &Renders,
    data: &data::Data,
) {
    let Some(sources) = data.tree.get(links::SOURCES).and_then(|s| s.as_table()) else {
        return;
    };
    let mut cited: BTreeSet<String> = renders
        .pages
        .iter()
        .chain(&renders.sections)
        .flat_map(|r| r.citations.iter().cloned())
        .collect();
    let mut tables: Vec<toml::Value> = data
        .tree
        .iter()
        .filter(|(k, _)| *k != links::SOURCES)
        .map(|(_, v)| v.clone())
        .collect();
    tables.extend(
        site.pages
            .iter()
            .map(|p| toml::Value::Table(p.meta.extra.clone())),
    );
    for table in &tables {
        collect_source_keys(table, &mut cited);
    }
    let file = files.iter().find(|f| f.rel == "sources.toml");
    for key in sources.keys().filter(|k| !cited.contains(*k)) {
        let d = match file.and_then(|f| {
            f.text
                .lines()
                .position(|l| l.trim() == format!("[{key}]"))
                .map(|i| (f, i))
        }) {
            Some((f, i)) => Diagnostic::at_line(
                &f.shown,
                &f.text,
                i + 1,
                0,
                key.len() + 2,
                format!("source `{key}` is never cited"),
            ),
            None => Diagnostic::in_file(
                "content/data/sources.toml",
                format!("source `{key}` is never cited"),
            ),
        };
        report.add(
            Severity::Warning,
            "unused-source",
            [d.with_help("cite it with [@key] where its facts are used, or remove it")],
        );
    }
}

fn collect_source_keys(value: &toml::Value, out: &mut BTreeSet<String>) {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                match (k.as_str(), v) {
                    ("source", toml::Value::String(s)) => {
                        out.insert(s.clone());
                    }
                    ("sources", toml::Value::Array(items)) => {
                        out.extend(items.iter().filter_map(|i| i.as_str().map(str::to_string)))
                    }
                    _ => collect_source_keys(v, out),
                }
            }
        }
        toml::Value::Array(items) => items.iter().for_each(|v| collect_source_keys(v, out)),
        _ => {}
    }
}

/// Links and images in the built pages that point at files the site does not have.
fn missing_files<'a>(
    report: &mut Report,
    pages: impl Iterator<Item = (&'a SourceFile, &'a str, &'a str)>,
    base_path: &str,
    exists: impl Fn(&str) -> bool,
) {
    for (source, path, html) in pages {
        let dir = path.trim_matches('/');
        for reference in local_references(html) {
            let Some(target) = resolve(&reference, dir, base_path) else {
                continue;
            };
            let index = format!("{}/index.html", target.trim_end_matches('/'));
            if exists(&target) || exists(index.trim_start_matches('/')) {
                continue;
            }
            let message = format!("`{reference}` points at a file the site does not have");
            let located = source
                .text
                .lines()
                .enumerate()
                .find_map(|(i, l)| l.find(&reference).map(|c| (i, c)));
            let d = match located {
                Some((i, c)) => Diagnostic::at_line(
                    &source.shown,
                    &source.text,
                    i + 1,
                    c,
                    reference.len(),
                    message,
                ),
                None => {
                    Diagnostic::in_file(&source.shown, format!("{message} (in the rendered page)"))
                }
            };
            report.add(
                Severity::Error,
                "missing-file",
                [d.with_help("add the file to static/ or beside the page, or fix the path")],
            );
        }
    }
}

/// The pages' Markdown with the page each belongs to, for [`missing_files`].
fn markdown_pages<'a>(
    site: &'a Site,
    renders: &'a Renders,
) -> impl Iterator<Item = (&'a SourceFile, &'a str, &'a str)> {
    let metas = site
        .pages
        .iter()
        .map(|p| &p.meta)
        .chain(site.sections.iter().map(|s| &s.meta));
    let htmls = renders.pages.iter().chain(&renders.sections);
    metas
        .zip(htmls)
        .map(|(m, r)| (&m.file, m.path.as_str(), r.html.as_str()))
}

/// Every `href` and `src` value that points inside the site.
fn local_references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let value = &rest[..rest.find('"').unwrap_or(0)];
            let external = value.is_empty()
                || value.starts_with('#')
                || value.starts_with("@/")
                || value.starts_with("//")
                || value.contains(':');
            if !external {
                found.push(value.to_string());
            }
        }
    }
    found
}

/// The output path a reference from a page in `dir` points at, without query or fragment.
fn resolve(reference: &str, dir: &str, base_path: &str) -> Option<String> {
    let path = reference.split(['#', '?']).next()?;
    let (mut parts, path) = match path.strip_prefix('/') {
        Some(abs) => (
            Vec::new(),
            abs.strip_prefix(base_path.trim_start_matches('/'))
                .unwrap_or(abs),
        ),
        None => (
            dir.split('/').filter(|p| !p.is_empty()).collect::<Vec<_>>(),
            path,
        ),
    };
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    Some(if path.ends_with('/') && !joined.is_empty() {
        format!("{joined}/")
    } else {
        joined
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_resolve_against_the_page() {
        assert_eq!(
            resolve("chart.svg", "blog/post", "").as_deref(),
            Some("blog/post/chart.svg")
        );
        assert_eq!(
            resolve("../x/", "blog/post", "").as_deref(),
            Some("blog/x/")
        );
        assert_eq!(
            resolve("/guide/css/site.css?v=1", "a", "/guide").as_deref(),
            Some("css/site.css")
        );
        assert_eq!(resolve("../../../x", "a", ""), None);
    }

    #[test]
    fn only_local_references_are_checked() {
        let html = r##"<a href="https://x.org">x</a><a href="#top">t</a><img src="pic.png"><a href="/about/">a</a><a href="mailto:a@b">m</a>"##;
        assert_eq!(local_references(html), ["/about/", "pic.png"]);
    }
}
