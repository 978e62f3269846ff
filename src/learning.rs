//! Learning paths. A page names the pages to read first in its front matter,
//!
//! ```toml
//! prerequisites = ["@/guide/key-differences.md"]
//! objectives = ["Tell the two fields apart by what each works on"]
//! ```
//!
//! and the build checks the graph: every target is a content file, no page is its own
//! prerequisite, and no chain of prerequisites goes round in a circle. Templates then get
//! `page.prerequisites`, `page.next_steps` (the pages that list this one), `page.objectives`,
//! and for a section, `section.reading_order` (its pages with each after what it needs, in the
//! section's own order otherwise) and `section.path_diagram`, an SVG of that order ([`svg`]).

pub(crate) mod svg;

use std::collections::BTreeSet;

use crate::error::{Diagnostic, Diagnostics, did_you_mean};
use crate::site::{DocId, Site, Texts};

/// The resolved graph: for each doc, the docs it needs and the docs that need it.
#[derive(Debug, Default)]
pub(crate) struct Learning {
    before: Vec<Vec<DocId>>,
    after: Vec<Vec<DocId>>,
}

impl Learning {
    /// The docs `id` lists as prerequisites, in its order.
    pub(crate) fn before(&self, id: DocId) -> &[DocId] {
        self.before.get(id.0).map_or(&[], Vec::as_slice)
    }

    /// The docs that list `id` as a prerequisite, in site order.
    pub(crate) fn after(&self, id: DocId) -> &[DocId] {
        self.after.get(id.0).map_or(&[], Vec::as_slice)
    }

    /// The pages of a section in reading order: each after the pages of the section it needs,
    /// and otherwise in the section's own order.
    pub(crate) fn reading_order(&self, site: &Site, section: DocId) -> Vec<DocId> {
        let Some(pages) = site[section].section().map(|s| s.pages.as_slice()) else {
            return Vec::new();
        };
        // Most sections have no prerequisites at all: their order is their own.
        if pages.iter().all(|p| self.before(*p).is_empty()) {
            return pages.to_vec();
        }
        let inside: BTreeSet<DocId> = pages.iter().copied().collect();
        let mut placed = BTreeSet::new();
        let mut order = Vec::with_capacity(pages.len());
        // The graph has no cycles, so each pass places at least one page.
        while order.len() < pages.len() {
            let next = pages.iter().copied().find(|p| {
                !placed.contains(p)
                    && self
                        .before(*p)
                        .iter()
                        .all(|b| placed.contains(b) || !inside.contains(b))
            });
            let Some(next) = next else { break };
            placed.insert(next);
            order.push(next);
        }
        order
    }
}

/// Resolves and checks every page's prerequisites.
pub(crate) fn of(site: &Site, texts: &Texts) -> Result<Learning, Diagnostics> {
    let mut learning = Learning {
        before: vec![Vec::new(); site.len()],
        after: vec![Vec::new(); site.len()],
    };
    let mut problems = Vec::new();
    for (id, _, page) in site.pages() {
        for target in &page.prerequisites {
            match resolve(site, id, target) {
                Ok(to) if !learning.before[id.0].contains(&to) => learning.before[id.0].push(to),
                Ok(_) => {}
                Err((message, help)) => {
                    problems.push(at(site, texts, id, target, message).with_help(help))
                }
            }
        }
    }
    for (id, needs) in learning.before.iter().enumerate() {
        for &n in needs {
            learning.after[n.0].push(DocId(id));
        }
    }
    problems.extend(cycles(site, texts, &learning));
    match problems.is_empty() {
        true => Ok(learning),
        false => Err(Diagnostics(problems)),
    }
}

/// The doc a prerequisite names, or why it names none.
fn resolve(site: &Site, from: DocId, target: &str) -> Result<DocId, (String, String)> {
    let Some(rel) = target.strip_prefix("@/") else {
        return Err((
            format!("prerequisite `{target}` is not a link to a content file"),
            format!(
                "write it as `@/` and its path under content/, like `@/{}`",
                target.trim_start_matches('/')
            ),
        ));
    };
    if rel.contains('#') {
        return Err((
            format!("prerequisite `{target}` points into a page"),
            "name the whole page: a prerequisite is read from its start".into(),
        ));
    }
    let Some(to) = site.lookup(rel) else {
        let help = match did_you_mean(rel, site.docs().map(|(_, d)| d.rel.as_str())) {
            Some(close) => format!("did you mean `@/{close}`?"),
            None => "the path is relative to content/, like `@/guide/key-differences.md`".into(),
        };
        return Err((
            format!("prerequisite `{target}` is not a content file"),
            help,
        ));
    };
    if to == from {
        return Err((
            format!("`{target}` lists itself as a prerequisite"),
            "remove it: a page cannot come before itself".into(),
        ));
    }
    Ok(to)
}

/// An error at the prerequisite `target` in `id`'s front matter.
fn at(site: &Site, texts: &Texts, id: DocId, target: &str, message: String) -> Diagnostic {
    let doc = &site[id];
    let text = texts.full(id);
    let span = crate::frontmatter::value_span(text, "prerequisites").map(|list| {
        let inner = &text[list.clone()];
        inner.find(target).map_or(list.clone(), |i| {
            list.start + i..list.start + i + target.len()
        })
    });
    match (span, &doc.row) {
        (Some(span), None) => Diagnostic::at(&doc.shown, text, span, message),
        _ => Diagnostic::in_file(&doc.shown, message),
    }
}

/// One error for each circle of prerequisites, at the first page of the circle.
fn cycles(site: &Site, texts: &Texts, learning: &Learning) -> Vec<Diagnostic> {
    // 0: not seen, 1: on the current path, 2: done.
    let mut state = vec![0u8; site.len()];
    let mut found = Vec::new();
    for start in site.ids() {
        if state[start.0] != 0 {
            continue;
        }
        let mut path: Vec<(DocId, usize)> = vec![(start, 0)];
        state[start.0] = 1;
        while let Some(&mut (node, ref mut next)) = path.last_mut() {
            let needs = learning.before(node);
            if *next < needs.len() {
                let to = needs[*next];
                *next += 1;
                match state[to.0] {
                    0 => {
                        state[to.0] = 1;
                        path.push((to, 0));
                    }
                    1 => {
                        let from = path.iter().position(|(n, _)| *n == to).unwrap_or(0);
                        let circle: Vec<DocId> = path[from..].iter().map(|(n, _)| *n).collect();
                        found.push(circle_error(site, texts, &circle));
                    }
                    _ => {}
                }
            } else {
                state[node.0] = 2;
                path.pop();
            }
        }
    }
    found
}

fn circle_error(site: &Site, texts: &Texts, circle: &[DocId]) -> Diagnostic {
    let mut names: Vec<String> = circle
        .iter()
        .map(|&d| format!("@/{}", site[d].rel))
        .collect();
    names.push(names[0].clone());
    let first = circle[0];
    let target = format!("@/{}", site[circle.get(1).copied().unwrap_or(first)].rel);
    at(
        site,
        texts,
        first,
        &target,
        format!(
            "prerequisites go round in a circle: {}",
            names.join(" needs ")
        ),
    )
    .with_help("remove one of these prerequisites, so that the path has a start")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::SourceFile;

    /// A site of pages in `course/`, each (name, weight, prerequisites).
    fn site(pages: &[(&str, i64, &[&str])]) -> (Site, Texts) {
        let mut files = vec![SourceFile {
            shown: "content/course/_index.md".into(),
            rel: "course/_index.md".into(),
            text: "+++\ntitle = \"Course\"\nsort_by = \"weight\"\n+++\n".into(),
        }];
        for (name, weight, needs) in pages {
            let needs: Vec<String> = needs
                .iter()
                .map(|n| format!("\"@/course/{n}.md\""))
                .collect();
            files.push(SourceFile {
                shown: format!("content/course/{name}.md").into(),
                rel: format!("course/{name}.md"),
                text: format!(
                    "+++\ntitle = \"{name}\"\nweight = {weight}\nprerequisites = [{}]\n+++\n",
                    needs.join(", ")
                )
                .into(),
            });
        }
        crate::content::index(
            files,
            &[],
            &crate::publish::Publish::now(false, false),
            "S",
            &Default::default(),
        )
        .unwrap()
    }

    fn titles(site: &Site, ids: &[DocId]) -> Vec<String> {
        ids.iter().map(|&d| site[d].title.clone()).collect()
    }

    #[test]
    fn the_reading_order_puts_each_page_after_what_it_needs() {
        // By weight: intro, advanced, basics; advanced needs basics.
        let (site, texts) = site(&[
            ("intro", 1, &[]),
            ("advanced", 2, &["basics"]),
            ("basics", 3, &["intro"]),
        ]);
        let learning = of(&site, &texts).unwrap();
        let course = site.lookup("course/_index.md").unwrap();
        let order = learning.reading_order(&site, course);
        assert_eq!(titles(&site, &order), ["intro", "basics", "advanced"]);
        let basics = site.lookup("course/basics.md").unwrap();
        assert_eq!(titles(&site, learning.before(basics)), ["intro"]);
        assert_eq!(titles(&site, learning.after(basics)), ["advanced"]);
    }

    #[test]
    fn every_circle_is_found_once() {
        let (site, texts) = site(&[
            ("a", 1, &["c"]),
            ("b", 2, &["a"]),
            ("c", 3, &["b"]),
            ("d", 4, &["a"]),
        ]);
        let problems = of(&site, &texts).unwrap_err().0;
        let messages: Vec<_> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "prerequisites go round in a circle: @/course/a.md needs @/course/c.md needs @/course/b.md needs @/course/a.md"
            ]
        );
    }
}
