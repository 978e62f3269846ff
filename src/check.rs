//! `docent check`: the stages of a build, run with a report that collects every finding instead
//! of stopping at the first, and nothing written. Besides the build's own errors, its lints look
//! for what a build lets through: pages nothing links to, sources nothing cites, links to files
//! that do not exist, `<script>` in content, and placeholders left by `docent new`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::config::Config;
use crate::data;
use crate::discover::{SourceFile, Sources};
use crate::error::{Diagnostic, Failure};
use crate::links::{self, Renders};
use crate::memo::Memo;
use crate::pipeline::{self, Memory, Options, Stop};
use crate::report::{Report, Severity};
use crate::site::{Site, Texts};

/// The text `docent new` puts where the author has to write something.
pub(crate) const PLACEHOLDER: &str = "TODO:";

/// The pages left out for their dates: scheduled for later, or past their `expires` date.
fn unpublished(site: &crate::site::Site) -> Vec<Diagnostic> {
    use crate::publish::Why;
    let left_out = &site.publishing().left_out;
    left_out
        .iter()
        .filter_map(|left| {
            let (message, help) = match &left.why {
                Why::Draft => return None,
                Why::Scheduled(date) => (
                    format!("dated {date}, later than now, so it is not published yet"),
                    "`--future` includes it",
                ),
                Why::Expired(date) => (
                    format!("expired on {date}, so it is no longer published"),
                    "`--drafts` includes it; remove `expires` to publish it again",
                ),
            };
            Some(Diagnostic::in_file(&left.shown, message).with_help(help))
        })
        .collect()
}

/// Checks the site at `root`. Only an I/O failure is an `Err`; problems in the site are findings.
pub(crate) fn run(root: &Path, drafts: bool, future: bool) -> anyhow::Result<Report> {
    let options = Options {
        root: root.to_path_buf(),
        base_url: None,
        drafts,
        future,
    };
    let memory = Memory::default();
    let mut report = Report::collecting();
    let ran = pipeline::run(
        &options,
        &memory,
        &mut report,
        &mut Memo::none(),
        &Stop::default(),
    );
    match ran {
        Ok(ran) => {
            let built = memory.into_built(ran.counts, ran.laps.clone())?;
            lint_output(&mut report, root, &ran.site, &built.files, &ran.base_path);
            report.lint(Severity::Warning, "unpublished", || unpublished(&ran.site));
        }
        // Every problem in the site is in the report already.
        Err(Failure::Site(_) | Failure::Stopped) => {}
        Err(Failure::Io(err)) => return Err(err),
    }
    report.sort();
    Ok(report)
}

/// Placeholders from `docent new`, found line by line in Markdown and data.
pub(crate) fn placeholders(sources: &Sources) -> Vec<Diagnostic> {
    let find = |line: &str| line.find(PLACEHOLDER).map(|c| (c, PLACEHOLDER.len()));
    scan(
        sources,
        find,
        "placeholder text is still here",
        "replace it with real content before publishing",
    )
}

/// `<script>` tags in Markdown and data.
pub(crate) fn scripts(sources: &Sources) -> Vec<Diagnostic> {
    let find = |line: &str| line.to_ascii_lowercase().find("<script").map(|c| (c, 7));
    let help =
        "scripts belong in templates/ or static/, where the theme can keep them safe and fast";
    scan(sources, find, "`<script>` in content", help)
}

/// A finding at each line of Markdown or data where `find` gives a (column, width).
fn scan(
    sources: &Sources,
    find: impl Fn(&str) -> Option<(usize, usize)>,
    message: &str,
    help: &str,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for file in sources.markdown.iter().chain(&sources.data) {
        for (i, line) in file.text.lines().enumerate() {
            if let Some((column, width)) = find(line) {
                let d = Diagnostic::at_line(&file.shown, &file.text, i + 1, column, width, message);
                found.push(d.with_help(help));
            }
        }
    }
    found
}

/// The lints on rendered Markdown: links and images to files the site does not have, and
/// sources nothing cites. Only a collecting report runs them.
pub(crate) fn lint_markdown(
    report: &mut Report,
    site: &Site,
    texts: &Texts,
    renders: &Renders,
    sources: &Sources,
    config: &Config,
    data: &data::Data,
) {
    let (assets, data_files) = (&sources.assets, &sources.data);
    if !report.lints() {
        return;
    }
    let known: BTreeSet<&str> = assets
        .iter()
        .map(|a| a.rel.as_str())
        .chain(site.docs().map(|(_, doc)| doc.output.as_str()))
        .collect();
    let pages = renders.iter().map(|(id, rendered)| {
        (
            &site[id].shown,
            texts.full(id),
            site[id].path.as_str(),
            rendered.html.as_str(),
        )
    });
    let found = missing_files(pages, config.base_path(), |f| known.contains(f));
    report.lint(Severity::Error, "missing-file", || found);
    report.lint(Severity::Warning, "markdown", || {
        links::body_problems(site, texts, renders, Severity::Warning)
    });
    report.lint(Severity::Warning, "glossary", || {
        unlinked_terms(site, texts, renders, config)
    });
    report.lint(Severity::Warning, "title", || untitled(site));
    report.lint(Severity::Warning, "unused-source", || {
        unused_sources(site, renders, data, data_files)
    });
    let fresh = crate::freshness::lint(&crate::freshness::Inputs {
        site,
        texts,
        renders,
        sources: data.tree.get(links::SOURCES).and_then(|s| s.as_table()),
        data_files,
        max_age: config.lint.max_source_age,
        today: crate::freshness::today(),
    });
    report.lint(Severity::Error, "source-date", || fresh.errors);
    report.lint(Severity::Warning, "stale-source", || fresh.stale);
    report.lint(Severity::Warning, "unchecked-source", || fresh.unchecked);
}

/// Every section that has a page of its own and no title: Zola allows it, and the page's
/// `<title>`, breadcrumbs and listings then show nothing.
fn untitled(site: &Site) -> Vec<Diagnostic> {
    site.sections()
        .filter(|(_, doc, section)| {
            doc.title.trim().is_empty() && section.render && section.redirect_to.is_none()
        })
        .map(|(_, doc, _)| {
            Diagnostic::in_file(&doc.shown, "this section has no title")
                .with_help("add `title = \"...\"`: its page, breadcrumbs and listings show it")
        })
        .collect()
}

/// Every `[[TERM]]` on a site with no `[glossary]`: shown as written, as Zola shows it, which
/// is what a moved site wants and rarely what a docent author meant.
fn unlinked_terms(
    site: &Site,
    texts: &Texts,
    renders: &Renders,
    config: &Config,
) -> Vec<Diagnostic> {
    if config.glossary.is_some() {
        return Vec::new();
    }
    let mut found = Vec::new();
    for (id, rendered) in renders.iter() {
        for term in &rendered.terms {
            let message = format!(
                "`[[{}]]` is shown as written: site.toml has no [glossary]",
                term.name
            );
            let help = "add `[glossary]` with `data` and `page` to site.toml to link terms, or write `\\[\\[` for literal brackets";
            found.push(
                site[id]
                    .at(texts.full(id), &term.span, message)
                    .with_help(help),
            );
        }
    }
    found
}

/// The lints on the built site: links in the rendered pages to files it does not have, and
/// pages that no other page links to.
fn lint_output(
    report: &mut Report,
    root: &Path,
    site: &Site,
    files: &BTreeMap<String, bytes::Bytes>,
    base_path: &str,
) {
    let texts: Vec<String> = site
        .docs()
        .map(|(_, doc)| std::fs::read_to_string(root.join(&doc.shown)).unwrap_or_default())
        .collect();
    let pages = site.docs().zip(&texts).filter_map(|((_, doc), text)| {
        let html = std::str::from_utf8(files.get(&doc.output)?).ok()?;
        Some((&doc.shown, text.as_str(), doc.path.as_str(), html))
    });
    let found = missing_files(pages, base_path, |f| files.contains_key(f));
    report.lint(Severity::Error, "missing-file", || found);
    report.lint(Severity::Warning, "orphan", || {
        orphans(site, files, base_path)
    });
    report.lint(Severity::Error, "missing-anchor", || {
        missing_anchors(site, &texts, files, base_path)
    });
}

/// Links in the built pages to an `#id` that the page they point at does not have: what a
/// template's `{# anchors: ... #}` promised and did not write, or a hand-written URL.
fn missing_anchors(
    site: &Site,
    texts: &[String],
    files: &BTreeMap<String, bytes::Bytes>,
    base_path: &str,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for ((_, doc), text) in site.docs().zip(texts) {
        let Some(html) = files
            .get(&doc.output)
            .and_then(|b| std::str::from_utf8(b).ok())
        else {
            continue;
        };
        let dir = doc.path.trim_matches('/');
        for reference in local_references(html) {
            let Some((_, anchor)) = reference.split_once('#') else {
                continue;
            };
            let Some(target) = resolve(&reference, dir, base_path) else {
                continue;
            };
            let page = format!("{}/index.html", target.trim_end_matches('/'));
            let target_html = files
                .get(page.trim_start_matches('/'))
                .or_else(|| files.get(&target));
            let Some(target_html) = target_html.and_then(|b| std::str::from_utf8(b).ok()) else {
                continue; // a missing file is `missing-file`'s to report
            };
            if anchor.is_empty() || target_html.contains(&format!(" id=\"{anchor}\"")) {
                continue;
            }
            let message = format!("`{reference}` points at an id its page does not have");
            let d = at_source(&doc.shown, text, &format!("#{anchor}"), message);
            found.push(d.with_help(
                "if a template draws it, check the id there and its `{# anchors: ... #}` comment",
            ));
        }
    }
    found.sort_by(|a, b| a.message.cmp(&b.message));
    found.dedup();
    found
}

/// Pages that no other page of the built site links to, through content, templates or nav.
fn orphans(
    site: &Site,
    files: &BTreeMap<String, bytes::Bytes>,
    base_path: &str,
) -> Vec<Diagnostic> {
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
    site.pages()
        .filter(|(_, doc, _)| !linked.contains(doc.path.trim_matches('/')))
        .map(|(_, doc, _)| {
            Diagnostic::in_file(&doc.shown, "no other page links here").with_help(format!(
                "link to it with [text](@/{}), or add it to `nav` in site.toml",
                doc.rel
            ))
        })
        .collect()
}

/// Sources in sources.toml that no page cites and no data names in a `source`/`sources` key.
fn unused_sources(
    site: &Site,
    renders: &Renders,
    data: &data::Data,
    files: &[SourceFile],
) -> Vec<Diagnostic> {
    let Some(sources) = data.tree.get(links::SOURCES).and_then(|s| s.as_table()) else {
        return Vec::new();
    };
    let mut cited: BTreeSet<String> = renders
        .values()
        .flat_map(|r| r.citations.iter().cloned())
        .collect();
    let mut tables: Vec<toml::Value> = data
        .tree
        .iter()
        .filter(|(k, _)| *k != links::SOURCES)
        .map(|(_, v)| v.clone())
        .collect();
    tables.extend(
        site.pages()
            .map(|(_, doc, _)| toml::Value::Table(doc.extra.clone())),
    );
    for table in &tables {
        collect_source_keys(table, &mut cited);
    }
    let file = files.iter().find(|f| f.rel == "sources.toml");
    sources
        .keys()
        .filter(|k| !cited.contains(*k))
        .map(|key| {
            let message = format!("source `{key}` is never cited");
            let span = file.and_then(|f| table_header_span(&f.text, key).map(|span| (f, span)));
            let d = match span {
                Some((f, span)) => Diagnostic::at(&f.shown, &f.text, span, message),
                None => Diagnostic::in_file("content/data/sources.toml", message),
            };
            d.with_help("cite it with [@key] where its facts are used, or remove it")
        })
        .collect()
}

/// The span of the `[key]` header of a top-level table, from the TOML parser's own spans.
fn table_header_span(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let span = crate::tomlfile::key_span(text, key, None)?;
    // `[key]`: the bracket before the name and the one after it.
    let start = text[..span.start].rfind('[').unwrap_or(span.start);
    let end = text[span.end..]
        .find(']')
        .map_or(span.end, |i| span.end + i + 1);
    Some(start..end)
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

/// Links and images in pages (source file, its text, URL path, HTML) that point at files the
/// site does not have.
fn missing_files<'a>(
    pages: impl Iterator<Item = (&'a std::path::PathBuf, &'a str, &'a str, &'a str)>,
    base_path: &str,
    exists: impl Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (shown, text, path, html) in pages {
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
            let d = at_source(shown, text, &reference, message);
            found.push(d.with_help("add the file to static/ or beside the page, or fix the path"));
        }
    }
    found
}

/// A finding about the rendered page at the first line of its source `text` that holds `needle`,
/// or at the file when none does.
fn at_source(shown: &Path, text: &str, needle: &str, message: String) -> Diagnostic {
    let located = text
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.find(needle).map(|c| (i, c)));
    match located {
        Some((i, c)) => Diagnostic::at_line(shown, text, i + 1, c, needle.len(), message),
        None => Diagnostic::in_file(shown, format!("{message} (in the rendered page)")),
    }
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
