//! What a run may reuse from the runs before it: rendered Markdown by body, and the model the
//! last full run rendered its pages from, so an edit to one body re-renders its page alone.
//! A build starts from [`Memo::none`], which remembers nothing; `serve` keeps one memo for
//! all its runs.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::links::{self, Renders};
use crate::markdown::{self, Rendered};
use crate::render::{self, Rendering};
use crate::site::{DocId, PerDoc, Site, Texts};
use crate::views::{self, Urls, Views};

/// What earlier runs left for this one.
#[derive(Default)]
pub(crate) struct Memo {
    /// `None` for a memo that remembers nothing.
    markdown: Option<MarkdownCache>,
    model: Option<Model>,
}

impl Memo {
    /// A memo that remembers nothing: a build, which runs once.
    pub(crate) fn none() -> Memo {
        Memo::default()
    }

    /// A memo that keeps what each run leaves, for the next.
    pub(crate) fn keeping() -> Memo {
        Memo {
            markdown: Some(MarkdownCache::default()),
            model: None,
        }
    }

    /// Every body's Markdown: from the cache where the body is unchanged.
    pub(crate) fn markdown(&mut self, site: &Site, texts: &Texts) -> Renders {
        match &mut self.markdown {
            Some(cache) => cache.render(site, texts),
            None => {
                let ids: Vec<DocId> = site.ids().collect();
                let renders = ids
                    .par_iter()
                    .map(|&id| markdown::render(texts.body(site, id)))
                    .collect();
                PerDoc::from_vec(renders)
            }
        }
    }

    /// What a later body edit is compared with, if this memo keeps anything.
    pub(crate) fn known(&self, site: &Site, texts: &Texts, renders: &Renders) -> Option<Known> {
        self.markdown
            .as_ref()
            .map(|_| Known::of(site, texts, renders))
    }

    /// Keeps the model the pages were rendered from, if this memo keeps anything; a memo
    /// that remembers nothing frees it at once.
    pub(crate) fn keep(&mut self, model: Model) {
        if self.markdown.is_some() && model.known.is_some() {
            self.model = Some(model);
        }
    }

    /// The model of the last good run, if there was one.
    #[cfg(test)]
    pub(crate) fn model(&self) -> Option<&Model> {
        self.model.as_ref()
    }

    /// Forgets every rendered body, so the next run renders them all again.
    pub(crate) fn clear(&mut self) {
        if let Some(cache) = &mut self.markdown {
            cache.entries.clear();
        }
        self.model = None;
    }

    /// Bodies the last run rendered, and bodies it took from the cache.
    pub(crate) fn counts(&self) -> (usize, usize) {
        self.markdown
            .as_ref()
            .map_or((0, 0), |c| (c.rendered, c.reused))
    }

    /// What a run takes with it to another thread: the rendered bodies. The model stays, so
    /// body edits that arrive meanwhile re-render against it, into a fresh cache.
    pub(crate) fn lend(&mut self) -> Memo {
        let fresh = self.markdown.as_ref().map(|_| MarkdownCache::default());
        Memo {
            markdown: std::mem::replace(&mut self.markdown, fresh),
            model: None,
        }
    }

    /// Takes back what [`Memo::lend`] lent, after the run: every body either holds, and the
    /// run's model if it succeeded. A stopped run leaves the model as it was; after a failed
    /// one there is none, so the next edit builds everything and reports again.
    pub(crate) fn settle(&mut self, mut run: Memo, succeeded: bool, stopped: bool) {
        if let (Some(theirs), Some(mine)) = (&mut run.markdown, self.markdown.take()) {
            for (key, entry) in mine.entries {
                theirs.entries.entry(key).or_insert(entry);
            }
        }
        self.markdown = run.markdown;
        if succeeded {
            self.model = run.model;
        } else if !stopped {
            self.model = None;
        }
    }
}

/// What the last full run rendered its pages from, kept so an edit to one body re-renders
/// that page alone ([`rerender`]).
pub(crate) struct Model {
    config: Config,
    site: Arc<Site>,
    views: Views,
    rendering: Rendering,
    bibliography: Option<toml::Table>,
    known: Option<Known>,
}

impl Model {
    pub(crate) fn new(
        site: &Arc<Site>,
        views: Views,
        rendering: Rendering,
        bibliography: Option<&toml::Table>,
        config: &Config,
        known: Option<Known>,
    ) -> Model {
        Model {
            config: config.clone(),
            site: Arc::clone(site),
            views,
            rendering,
            bibliography: bibliography.cloned(),
            known,
        }
    }
}

/// For each doc: a hash of its front matter and the anchors its body defines. An edit that
/// changes neither touches no other page's links or metadata.
pub(crate) struct Known(PerDoc<(u64, HashSet<String>)>);

impl Known {
    fn of(site: &Site, texts: &Texts, renders: &Renders) -> Known {
        let known = renders
            .iter()
            .map(|(id, rendered)| {
                let front = &texts.full(id)[..site[id].body_offset.min(texts.full(id).len())];
                (body_hash(front), rendered.anchors.clone())
            })
            .collect();
        Known(PerDoc::from_vec(known))
    }
}

/// Re-renders the pages of edited content files (paths relative to content/) against the last
/// full run, when only their bodies changed: same front matter, same anchors, and links and
/// citations that resolve. Returns each page's output path and HTML, or `None` when a full
/// run is needed, which also reports any error.
///
/// Other pages can show a body too (a listing's summaries, `get_page`), so `serve` follows
/// this with a full run; this only puts the edited page in front of its reader first.
pub(crate) fn rerender(
    memo: &mut Memo,
    root: &Path,
    edited: &[&str],
) -> Option<Vec<(String, Vec<u8>)>> {
    let model = memo.model.as_ref()?;
    let cache = memo.markdown.as_mut()?;
    let known = model.known.as_ref()?;
    let site = &model.site;
    let urls = Urls::of(&model.config);
    let anchors = |target: DocId| &known.0[target].1;
    edited
        .iter()
        .map(|&rel| {
            let id = site.lookup(rel)?;
            let doc = &site[id];
            let text = std::fs::read_to_string(root.join("content").join(rel)).ok()?;
            let split = crate::frontmatter::split_text(&doc.shown, &text).ok()?;
            let (front, known_anchors) = &known.0[id];
            if body_hash(&text[..split.body_offset]) != *front
                || split.body_offset != doc.body_offset
            {
                return None;
            }
            let rendered = cache.render_one(&text[split.body_offset..]);
            if rendered.anchors != *known_anchors {
                return None;
            }
            let sources = model.bibliography.as_ref();
            let checks = links::check_one(doc, &text, &rendered, site, &anchors, sources);
            if checks.iter().any(Result::is_err) {
                return None;
            }
            let view = views::refresh(&model.views[id], site, id, rendered, &urls, sources);
            let job = model.rendering.job(site, &urls);
            let html = render::render_one(&job, id, &view).ok()?;
            Some((doc.output.clone(), html.into_bytes()))
        })
        .collect()
}

/// Rendered Markdown kept across runs, keyed by a hash of the body text. Rendering depends on
/// the body alone, so an unchanged body is never rendered twice.
#[derive(Default)]
struct MarkdownCache {
    entries: HashMap<u64, (String, Rendered)>,
    /// Bodies the last run rendered, and bodies it took from the cache.
    rendered: usize,
    reused: usize,
}

impl MarkdownCache {
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

    fn render(&mut self, site: &Site, texts: &Texts) -> Renders {
        let bodies: Vec<&str> = site.ids().map(|id| texts.body(site, id)).collect();
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
        // Keep only the bodies of this run, so the cache never outgrows the site.
        let mut kept = HashMap::with_capacity(looked.len());
        for (body, (key, hit, rendered)) in bodies.iter().zip(&looked) {
            let old = if *hit { self.entries.remove(key) } else { None };
            kept.entry(*key)
                .or_insert_with(|| old.unwrap_or_else(|| (body.to_string(), rendered.clone())));
        }
        self.entries = kept;
        self.reused = looked.iter().filter(|(_, hit, _)| *hit).count();
        self.rendered = looked.len() - self.reused;
        PerDoc::from_vec(looked.into_iter().map(|(.., rendered)| rendered).collect())
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
    use crate::pipeline::{Options, Stop, render};

    /// A copy of the basic fixture site, and a full build of it that keeps its model.
    fn built() -> (tempfile::TempDir, Options, Memo) {
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
        };
        let mut memo = Memo::keeping();
        render(&options, &mut memo, &Stop::default()).unwrap();
        assert!(memo.model().is_some(), "a good run keeps its model");
        (dir, options, memo)
    }

    fn edit(dir: &tempfile::TempDir, rel: &str, from: &str, to: &str) {
        let path = dir.path().join("content").join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{from} is not in {rel}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }

    #[test]
    fn an_edited_body_renders_as_a_full_build_would() {
        let (dir, options, mut memo) = built();
        edit(&dir, "notes/first.md", "Intro with", "A new intro with");
        let pages = rerender(&mut memo, &options.root, &["notes/first.md"])
            .expect("a body edit re-renders alone");
        let full = render(&options, &mut Memo::none(), &Stop::default()).unwrap();
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
            let (dir, options, mut memo) = built();
            edit(&dir, "notes/first.md", from, to);
            let pages = rerender(&mut memo, &options.root, &["notes/first.md"]);
            assert!(pages.is_none(), "{what} was re-rendered alone");
        }
        let (_dir, options, mut memo) = built();
        let gone = rerender(&mut memo, &options.root, &["notes/none.md"]);
        assert!(gone.is_none(), "a file the last build did not have");
    }
}
