//! What `docent serve` keeps between builds: rendered Markdown by body, and the model the
//! last full build rendered its pages from, so an edit to one body re-renders its page alone.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::Path;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{Meta, Site, Target};
use crate::discover;
use crate::links::{self, Renders};
use crate::markdown::{self, Rendered};
use crate::render;
use crate::views::{self, Urls};

/// What the last full build rendered its pages from, kept by `docent serve` so an edit to one
/// body re-renders that page alone ([`rerender`]).
pub struct Model {
    pub config: Config,
    pub site: Site,
    pub views: views::Views,
    pub templates: render::Templates,
    pub chosen: render::Chosen,
    /// The context every page starts from.
    pub base: tera::Context,
    pub bibliography: Option<toml::Table>,
    pub known: Known,
}

/// For each section and page: a hash of its front matter and the anchors its body defines.
/// An edit that changes neither touches no other page's links or metadata.
pub struct Known {
    sections: Vec<(u64, HashSet<String>)>,
    pages: Vec<(u64, HashSet<String>)>,
}

impl Known {
    pub fn of(site: &Site, renders: &Renders) -> Known {
        let front = |meta: &Meta| body_hash(&meta.file.text[..meta.body_offset]);
        let pairs = |metas: Vec<&Meta>, rendered: &[Rendered]| {
            metas
                .into_iter()
                .zip(rendered)
                .map(|(meta, r)| (front(meta), r.anchors.clone()))
                .collect()
        };
        Known {
            sections: pairs(
                site.sections.iter().map(|s| &s.meta).collect(),
                &renders.sections,
            ),
            pages: pairs(site.pages.iter().map(|p| &p.meta).collect(), &renders.pages),
        }
    }

    fn get(&self, target: Target) -> &(u64, HashSet<String>) {
        match target {
            Target::Section(i) => &self.sections[i],
            Target::Page(i) => &self.pages[i],
        }
    }
}

/// Re-renders the pages of edited content files (paths relative to content/) against the last
/// full build, when only their bodies changed: same front matter, same anchors, and links and
/// citations that resolve. Returns each page's output path and HTML, or `None` when a full
/// build is needed, which also reports any error.
///
/// Other pages can show a body too (a listing's summaries, `get_page`), so `serve` follows
/// this with a full build; this only puts the edited page in front of its reader first.
pub fn rerender(
    model: &Model,
    cache: &mut MarkdownCache,
    root: &Path,
    edited: &[&str],
) -> Option<Vec<(String, Vec<u8>)>> {
    let site = &model.site;
    let urls = Urls::of(&model.config);
    let anchors = |target| &model.known.get(target).1;
    edited
        .iter()
        .map(|&rel| {
            let target = *site.by_file.get(rel)?;
            let old = site.meta(target);
            let text = std::fs::read_to_string(root.join("content").join(rel)).ok()?;
            let file = discover::SourceFile {
                shown: old.file.shown.clone(),
                rel: rel.to_string(),
                text,
            };
            let split = crate::frontmatter::split(&file).ok()?;
            let (front, known_anchors) = model.known.get(target);
            if body_hash(&file.text[..split.body_offset]) != *front {
                return None;
            }
            let rendered = cache.render_one(&file.text[split.body_offset..]);
            if rendered.anchors != *known_anchors {
                return None;
            }
            let meta = Meta {
                file,
                body_offset: split.body_offset,
                ..old.clone()
            };
            let sources = model.bibliography.as_ref();
            let checks = links::check_one(site, &meta, &rendered, &anchors, sources);
            if checks.iter().any(Result::is_err) {
                return None;
            }
            let old_view = match target {
                Target::Page(i) => &model.views.pages[i],
                Target::Section(i) => &model.views.sections[i],
            };
            let view = views::refresh(old_view, site, target, rendered, &urls, sources);
            let job = render::Job {
                templates: &model.templates,
                chosen: &model.chosen,
                site,
                urls: &urls,
                stop: None,
            };
            let html = render::render_one(&job, target, &view, &model.base).ok()?;
            let out = format!("{}index.html", meta.path.trim_start_matches('/'));
            Some((out, html.into_bytes()))
        })
        .collect()
}

/// Rendered Markdown kept across the builds of `docent serve`, keyed by a hash of the body text.
/// Rendering depends on the body alone, so an unchanged body is never rendered twice.
#[derive(Default)]
pub struct MarkdownCache {
    entries: HashMap<u64, (String, Rendered)>,
    /// Bodies the last build rendered, and bodies it took from the cache.
    pub rendered: usize,
    pub reused: usize,
}

impl MarkdownCache {
    /// Forgets everything, so the next build renders every body again.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Takes in what `other` holds and this cache does not: bodies rendered while this cache
    /// was away in a build.
    pub fn absorb(&mut self, other: MarkdownCache) {
        for (key, entry) in other.entries {
            self.entries.entry(key).or_insert(entry);
        }
    }

    /// One body's Markdown, from the cache or rendered and kept.
    fn render_one(&mut self, body: &str) -> Rendered {
        let key = body_hash(body);
        match self.entries.get(&key) {
            Some((cached, rendered)) if cached == body => rendered.clone(),
            _ => {
                let rendered = markdown::render(body);
                self.entries
                    .insert(key, (body.to_string(), rendered.clone()));
                rendered
            }
        }
    }

    pub fn render(&mut self, site: &Site) -> Renders {
        let pages = site.pages.iter().map(|p| p.meta.body());
        let bodies: Vec<&str> = pages
            .chain(site.sections.iter().map(|s| s.meta.body()))
            .collect();
        let entries = &self.entries;
        let looked: Vec<(u64, bool, Rendered)> = bodies
            .par_iter()
            .map(|body| {
                let key = body_hash(body);
                match entries.get(&key) {
                    Some((cached, rendered)) if cached == body => (key, true, rendered.clone()),
                    _ => (key, false, markdown::render(body)),
                }
            })
            .collect();
        // Keep only the bodies of this build, so the cache never outgrows the site.
        let mut kept = HashMap::with_capacity(looked.len());
        for (body, (key, hit, rendered)) in bodies.iter().zip(&looked) {
            let old = if *hit { self.entries.remove(key) } else { None };
            kept.entry(*key)
                .or_insert_with(|| old.unwrap_or_else(|| (body.to_string(), rendered.clone())));
        }
        self.entries = kept;
        self.reused = looked.iter().filter(|(_, hit, _)| *hit).count();
        self.rendered = looked.len() - self.reused;
        let mut all = looked.into_iter().map(|(.., rendered)| rendered);
        Renders {
            pages: all.by_ref().take(site.pages.len()).collect(),
            sections: all.collect(),
        }
    }
}

fn body_hash(body: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    body.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{Options, render, render_with};

    /// A copy of the basic fixture site, and a full build of it that keeps its model.
    fn built() -> (tempfile::TempDir, Options, MarkdownCache, Model) {
        let dir = tempfile::tempdir().unwrap();
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.unwrap();
            let to = dir.path().join(entry.path().strip_prefix(&from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
        let options = Options {
            root: dir.path().to_path_buf(),
            base_url: None,
            drafts: false,
            search: false,
            stop: None,
        };
        let mut cache = MarkdownCache::default();
        let mut model = None;
        render_with(&options, Some(&mut cache), Some(&mut model)).unwrap();
        (dir, options, cache, model.unwrap())
    }

    fn edit(dir: &tempfile::TempDir, rel: &str, from: &str, to: &str) {
        let path = dir.path().join("content").join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{from} is not in {rel}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }

    #[test]
    fn an_edited_body_renders_as_a_full_build_would() {
        let (dir, options, mut cache, model) = built();
        edit(&dir, "notes/first.md", "Intro with", "A new intro with");
        let pages = rerender(&model, &mut cache, &options.root, &["notes/first.md"])
            .expect("a body edit re-renders alone");
        let full = render(&options).unwrap();
        assert_eq!(pages.len(), 1);
        let (file, html) = &pages[0];
        assert_eq!(file, "notes/first/index.html");
        assert!(String::from_utf8_lossy(html).contains("A new intro with"));
        assert_eq!(
            String::from_utf8_lossy(html),
            String::from_utf8_lossy(&full.files[file])
        );
    }

    #[test]
    fn edits_that_reach_other_pages_need_a_full_build() {
        let cases = [
            (
                "front matter",
                "title = \"First note\"",
                "title = \"Renamed\"",
            ),
            ("a new heading", "### Details", "### Particulars"),
            ("a broken link", "(@/notes/second.md)", "(@/notes/none.md)"),
            ("an unknown citation", "[@bls-2023]", "[@nobody]"),
        ];
        for (what, from, to) in cases {
            let (dir, options, mut cache, model) = built();
            edit(&dir, "notes/first.md", from, to);
            let pages = rerender(&model, &mut cache, &options.root, &["notes/first.md"]);
            assert!(pages.is_none(), "{what} was re-rendered alone");
        }
        let (_dir, options, mut cache, model) = built();
        let gone = rerender(&model, &mut cache, &options.root, &["notes/none.md"]);
        assert!(gone.is_none(), "a file the last build did not have");
    }
}
