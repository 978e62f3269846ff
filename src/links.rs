//! Checks and resolves what Markdown points at: `@/` links to other content files, their
//! anchors, and `[@key]` citations against `content/data/sources.toml`; and places what
//! Markdown found wrong in a body (bad LaTeX, an unknown code language) in its file.

use std::borrow::Cow;

use rayon::prelude::*;

use crate::error::{Diagnostic, Diagnostics, collect, did_you_mean};
use crate::glossary::Glossary;
use crate::markdown::{Anchors, CitationUse, Rendered};
use crate::site::{Doc, DocId, PerDoc, Site, Texts};

/// The data file that citations are checked against, and its name in the data tree.
pub(crate) const SOURCES: &str = "sources";

/// What a body's references are resolved against: the bibliography (`[@key]`) and the
/// glossary (`[[term]]`).
#[derive(Clone, Copy)]
pub(crate) struct Refs<'a> {
    pub(crate) sources: Option<&'a toml::Table>,
    pub(crate) glossary: &'a Glossary,
    pub(crate) quizzes: &'a crate::quiz::Quizzes,
    pub(crate) learning: &'a crate::learning::Learning,
    pub(crate) figures: &'a crate::figrefs::Numbers,
}

/// What [`Refs`] borrow, owned, so that a view can be made while any template renders: the
/// data (with the bibliography), the glossary, the quizzes, the learning paths and the figures'
/// numbers.
pub(crate) struct Held {
    pub(crate) data: std::sync::Arc<crate::data::Data>,
    pub(crate) glossary: std::sync::Arc<Glossary>,
    pub(crate) quizzes: crate::quiz::Quizzes,
    pub(crate) learning: crate::learning::Learning,
    pub(crate) figures: crate::figrefs::Numbers,
}

impl Held {
    pub(crate) fn refs(&self) -> Refs<'_> {
        Refs {
            sources: self.data.tree.get(SOURCES).and_then(|s| s.as_table()),
            glossary: &self.glossary,
            quizzes: &self.quizzes,
            learning: &self.learning,
            figures: &self.figures,
        }
    }
}

/// Every rendered body, by doc, shared with the memo that may keep it.
pub(crate) type Renders = PerDoc<std::sync::Arc<Rendered>>;

/// Checks every link, anchor, citation and glossary term in the site, reporting all broken
/// ones.
pub(crate) fn check(
    site: &Site,
    texts: &Texts,
    renders: &Renders,
    refs: Refs,
    declared: Option<&PerDoc<Vec<String>>>,
) -> Result<(), Diagnostics> {
    // A page whose template declares ids of its own can be linked to them too.
    let mut with_declared: std::collections::HashMap<DocId, Anchors> = Default::default();
    for (id, ids) in declared
        .into_iter()
        .flat_map(|d| d.iter())
        .filter(|(_, ids)| !ids.is_empty())
    {
        let mut all = renders[id].anchors.clone();
        ids.iter()
            .for_each(|declared| _ = all.insert(declared.clone()));
        all.close();
        with_declared.insert(id, all);
    }
    let anchors = |target| {
        with_declared
            .get(&target)
            .unwrap_or(&renders[target].anchors)
    };
    let ids: Vec<DocId> = site.ids().collect();
    let results: Vec<_> = ids
        .par_iter()
        .flat_map_iter(|&id| {
            let found = check_one((id, texts), &renders[id], site, &anchors, refs);
            found.into_iter().filter(Result::is_err)
        })
        .collect();
    collect(results.into_iter().map(|r| r.map_err(Diagnostics::from))).map(|_| ())
}

/// Checks one body's links, anchors and citations; `anchors` gives any target's anchor ids.
pub(crate) fn check_one<'s>(
    (id, texts): (DocId, &Texts),
    rendered: &Rendered,
    site: &Site,
    anchors: &dyn Fn(DocId) -> &'s Anchors,
    refs: Refs,
) -> Vec<Result<(), Diagnostic>> {
    let doc = &site[id];
    let links = rendered.links.iter().map(move |link| {
        let at = |message: String| doc.at(texts.full(id), &link.span, message);
        let Some(target) = site.lookup(&link.target) else {
            let d = at(format!("broken link: no content file `{}`", link.target));
            return Err(match did_you_mean(&link.target, site.files()) {
                Some(close) => d.with_help(format!("did you mean `@/{close}`?")),
                None => {
                    d.with_help("`@/` paths are relative to content/, like `@/careers/_index.md`")
                }
            });
        };
        match &link.anchor {
            Some(anchor) if !anchor.is_empty() && !anchors(target).contains(anchor) => {
                let d = at(format!(
                    "broken anchor: `{}` has no heading with id `{anchor}`",
                    link.target
                ));
                let ids = anchors(target).iter();
                Err(match did_you_mean(anchor, ids) {
                    Some(close) => d.with_help(format!("did you mean `#{close}`?")),
                    None => d,
                })
            }
            _ => Ok(()),
        }
    });
    let citations = rendered
        .citation_uses
        .iter()
        .map(|cite| check_citation(doc, (id, texts), cite, refs.sources));
    let terms = rendered
        .terms
        .iter()
        .map(|term| match refs.glossary.problem(&term.name) {
            None => Ok(()),
            Some((message, help)) => {
                Err(doc.at(texts.full(id), &term.span, message).with_help(help))
            }
        });
    links.chain(citations).chain(terms).collect()
}

/// Checks that one `[@key]` names a source.
fn check_citation(
    doc: &Doc,
    (id, texts): (DocId, &Texts),
    cite: &CitationUse,
    sources: Option<&toml::Table>,
) -> Result<(), Diagnostic> {
    let known = sources.is_some_and(|s| s.contains_key(&cite.key));
    if known {
        return Ok(());
    }
    let text = texts.full(id);
    if cite.key.is_empty() {
        return Err(doc.at(text, &cite.span, "empty citation").with_help(
            "write a source key after `@`, like `[@uc-online]`, or `\\[@]` for literal text",
        ));
    }
    let d = doc.at(
        text,
        &cite.span,
        format!("unknown citation key `{}`", cite.key),
    );
    Err(match sources {
        None => d.with_help("citations need content/data/sources.toml with a table per source"),
        Some(s) => match did_you_mean(&cite.key, s.keys().map(String::as_str)) {
            Some(close) => d.with_help(format!("did you mean `[@{close}]`?")),
            None => d.with_help(
                "add it to content/data/sources.toml, or write `\\[@...]` for literal text",
            ),
        },
    })
}

/// Every problem of `severity` that Markdown found in a body, at its file, line and column.
pub(crate) fn body_problems(
    site: &Site,
    texts: &Texts,
    renders: &Renders,
    severity: crate::report::Severity,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (id, rendered) in renders.iter() {
        let doc = &site[id];
        for problem in rendered.problems.iter().filter(|p| p.severity == severity) {
            let d = doc.at(texts.full(id), &problem.span, problem.message.clone());
            found.push(match &problem.help {
                Some(help) => d.with_help(help.clone()),
                None => d,
            });
        }
    }
    found
}

/// What a URL path in an `href` may not hold as written: controls, spaces, quotes, brackets and
/// `%`, which are encoded; letters of any script are encoded too, as the HTML writer does.
const URL_PATH: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'#')
    .add(b'?')
    .add(b'%')
    .add(b'{')
    .add(b'}');

/// Replaces each `href="@/path#anchor"` with the target's URL. Links were checked already, so
/// an unknown target (possible only in raw HTML written by hand) is left as written.
pub(crate) fn resolve_hrefs<'a>(html: &'a str, site: &Site, base_path: &str) -> Cow<'a, str> {
    const NEEDLE: &str = "href=\"@/";
    if !html.contains(NEEDLE) {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(NEEDLE) {
        out.push_str(&rest[..i + "href=\"".len()]);
        rest = &rest[i + "href=\"".len()..];
        let end = rest.find('"').unwrap_or(rest.len());
        let (path, anchor) = match rest[2..end].split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (&rest[2..end], None),
        };
        // The HTML writer percent-encodes a link: `@/Über Straße.md` arrives as `%C3%9Cber%20…`.
        let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        match site.lookup(&path) {
            Some(target) => {
                out.push_str(base_path);
                let encoded = percent_encoding::utf8_percent_encode(&site[target].path, URL_PATH);
                out.extend(encoded);
                if let Some(anchor) = anchor {
                    out.push('#');
                    out.push_str(anchor);
                }
            }
            None => out.push_str(&rest[..end]),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content;
    use crate::discover::SourceFile;
    use crate::markdown;

    fn build(files: &[(&str, &str)]) -> (Site, Texts, Renders) {
        let files = files.iter().map(|(rel, body)| SourceFile {
            shown: format!("content/{rel}").into(),
            rel: rel.to_string(),
            text: format!("+++\ntitle = \"T\"\n+++\n{body}").into(),
        });
        let (site, texts) = content::index(
            files.collect(),
            &[],
            &crate::publish::Publish::now(false, false),
            "S",
            &Default::default(),
        )
        .unwrap();
        let renders = site
            .ids()
            .map(|id| std::sync::Arc::new(markdown::render(texts.body(&site, id))))
            .collect();
        (site, texts, PerDoc::from_vec(renders))
    }

    #[test]
    fn good_links_resolve_with_the_base_path() {
        let (site, texts, renders) = build(&[
            ("a.md", "## Pay\n"),
            ("b.md", "[x](@/a.md#pay) [y](@/_index.md)"),
        ]);
        check(
            &site,
            &texts,
            &renders,
            Refs {
                sources: None,
                glossary: &Glossary::default(),
                quizzes: &crate::quiz::Quizzes::default(),
                learning: &crate::learning::Learning::default(),
                figures: &crate::figrefs::Numbers::default(),
            },
            None,
        )
        .unwrap();
        let html = &renders[site.lookup("b.md").unwrap()].html;
        let resolved = resolve_hrefs(html, &site, "/guide");
        assert!(resolved.contains("href=\"/guide/a/#pay\""), "{resolved}");
        assert!(resolved.contains("href=\"/guide/\""));
    }

    #[test]
    fn broken_links_and_anchors_are_located() {
        let (site, texts, renders) = build(&[
            ("a.md", "## Pay\n"),
            ("b.md", "\n[x](@/a.md#pya)\n[y](@/c.md)\n"),
        ]);
        let err = check(
            &site,
            &texts,
            &renders,
            Refs {
                sources: None,
                glossary: &Glossary::default(),
                quizzes: &crate::quiz::Quizzes::default(),
                learning: &crate::learning::Learning::default(),
                figures: &crate::figrefs::Numbers::default(),
            },
            None,
        )
        .unwrap_err();
        assert_eq!(err.0.len(), 2);
        assert_eq!(err.0[0].location.as_ref().unwrap().line, 5);
        assert_eq!(err.0[0].help.as_deref(), Some("did you mean `#pay`?"));
        assert!(err.0[1].message.contains("no content file `c.md`"));
    }

    #[test]
    fn unknown_citations_get_a_suggestion() {
        let (site, texts, renders) = build(&[("a.md", "Fact [@bls-2024].")]);
        let sources: toml::Table = toml::from_str("[bls-2023]\ntitle = \"B\"").unwrap();
        let err = check(
            &site,
            &texts,
            &renders,
            Refs {
                sources: Some(&sources),
                glossary: &Glossary::default(),
                quizzes: &crate::quiz::Quizzes::default(),
                learning: &crate::learning::Learning::default(),
                figures: &crate::figrefs::Numbers::default(),
            },
            None,
        )
        .unwrap_err();
        assert_eq!(err.0[0].message, "unknown citation key `bls-2024`");
        assert_eq!(
            err.0[0].help.as_deref(),
            Some("did you mean `[@bls-2023]`?")
        );
    }
}
