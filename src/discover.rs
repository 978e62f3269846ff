//! Finds the site's source files: Markdown and data under content/, templates, and the files
//! copied as they are (static/ and assets beside content).
//!
//! Text files are read here, in parallel, so later stages work on memory only.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use rayon::prelude::*;
use walkdir::WalkDir;

use crate::error::Diagnostic;
use crate::fingerprint::{self, Stamp};
use crate::fs;
use crate::hashing::{Map, Set};
use crate::pipeline::Stop;

/// A text source: its path as shown to the author (`content/careers/x.md`), its path relative
/// to its folder with forward slashes (`careers/x.md`), and its text.
#[derive(Debug, Clone)]
pub(crate) struct SourceFile {
    pub(crate) shown: PathBuf,
    pub(crate) rel: String,
    pub(crate) text: std::sync::Arc<str>,
}

/// A file copied into the output as it is.
#[derive(Debug, Clone)]
pub(crate) struct Asset {
    /// Path in the output, relative, with forward slashes.
    pub(crate) rel: String,
    pub(crate) path: PathBuf,
}

#[derive(Debug, Default)]
pub(crate) struct Sources {
    pub(crate) markdown: Vec<SourceFile>,
    pub(crate) data: Vec<SourceFile>,
    pub(crate) templates: Vec<SourceFile>,
    pub(crate) assets: Vec<Asset>,
}

/// Text files an earlier run read, by path, with the [`Stamp`] each had before it was read.
/// A file whose stamp is unchanged, and that is not in `touched`, is taken from here instead
/// of being read again.
#[derive(Debug, Default)]
pub(crate) struct Read {
    pub(crate) texts: Map<PathBuf, (Stamp, Arc<str>)>,
    /// Paths the watcher saw change: read again whatever their stamp says.
    pub(crate) touched: Set<PathBuf>,
    /// `touched` names every change since the last run, so the last run's listing, patched
    /// with it, is the folders' listing, and untouched files need not even be looked at.
    pub(crate) exact: bool,
    listing: Option<Listing>,
}

/// Every source file by kind, as a walk of the folders finds them, in walk order.
#[derive(Debug, Clone, Default)]
struct Listing {
    markdown: Vec<(PathBuf, String)>,
    data: Vec<(PathBuf, String)>,
    templates: Vec<(PathBuf, String)>,
    /// Files beside content, then static/.
    assets: Vec<(PathBuf, String)>,
}

impl Listing {
    /// Walks content/, templates/ and static/.
    fn of(root: &Path) -> Result<Listing> {
        let mut listing = Listing::default();
        for (path, rel) in walk(&root.join("content"))? {
            if rel.starts_with("data/") && rel.ends_with(".toml") {
                listing.data.push((path, rel["data/".len()..].to_string()));
            } else if rel.ends_with(".md") {
                listing.markdown.push((path, rel));
            } else if !rel.starts_with("data/") {
                listing.assets.push((path, rel));
            }
        }
        listing.templates = walk(&root.join("templates"))?
            .into_iter()
            .filter(|(_, rel)| !rel.starts_with("schemas/"))
            .collect();
        listing.assets.extend(walk(&root.join("static"))?);
        Ok(listing)
    }

    /// The listing after changes to `touched` paths: files added, changed or gone. `None`
    /// when one of them is a folder or a symlink: only a walk can tell what that holds.
    fn patched(mut self, root: &Path, touched: &Set<PathBuf>) -> Option<Listing> {
        for path in touched {
            match path.symlink_metadata() {
                Ok(meta) if meta.is_file() => self.add(root, path),
                // A folder whose files are listed changed its own times; one not listed may
                // be new and hold anything.
                Ok(meta) if meta.is_dir() && self.holds(path) => {}
                Ok(_) => return None,
                Err(_) => self.remove(path),
            }
        }
        Some(self)
    }

    fn add(&mut self, root: &Path, path: &Path) {
        let Some(rel) = path.strip_prefix(root).ok().and_then(|r| r.to_str()) else {
            return;
        };
        let rel = rel.replace('\\', "/");
        if rel.split('/').skip(1).any(is_ignored_name) {
            return;
        }
        let (list, name) = match rel.split_once('/') {
            Some(("content", rest)) => match rest.strip_prefix("data/") {
                Some(data) if data.ends_with(".toml") => (&mut self.data, data),
                Some(_) => return,
                None if rest.ends_with(".md") => (&mut self.markdown, rest),
                None => (&mut self.assets, rest),
            },
            Some(("templates", rest)) if !rest.starts_with("schemas/") => {
                (&mut self.templates, rest)
            }
            Some(("static", rest)) => (&mut self.assets, rest),
            _ => return,
        };
        // Walk order is path order, component by component (content/ before static/ too).
        let at = list.partition_point(|(p, _)| p.as_path() < path);
        if list.get(at).is_none_or(|(p, _)| p != path) {
            list.insert(at, (path.to_path_buf(), name.to_string()));
        }
    }

    /// Whether a listed file is inside the folder `dir`.
    fn holds(&self, dir: &Path) -> bool {
        [&self.markdown, &self.data, &self.templates, &self.assets]
            .iter()
            .any(|list| list.iter().any(|(p, _)| p.starts_with(dir)))
    }

    /// Takes out `path` and everything under it. Each list is in path order, so what is under
    /// a path is one run of entries, found by bisection: a save through a temporary file (a
    /// path never listed) costs nothing on a site of any size.
    fn remove(&mut self, path: &Path) {
        for list in [
            &mut self.markdown,
            &mut self.data,
            &mut self.templates,
            &mut self.assets,
        ] {
            let from = list.partition_point(|(p, _)| p.as_path() < path);
            let to = from
                + list[from..]
                    .iter()
                    .take_while(|(p, _)| p.starts_with(path))
                    .count();
            list.drain(from..to);
        }
    }
}

/// Whether a file name belongs to an editor or the OS rather than to the author:
/// swap files, backups, lock files and hidden files (but `.well-known/`, which sites publish).
pub(crate) fn is_ignored_name(name: &str) -> bool {
    (name.starts_with('.') && name != ".well-known")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
}

/// Every source file it could read, beside the problems it found (unreadable text, no
/// content), so `docent check` can go on checking the rest. Once `stop` is set, files not read
/// yet are left out: the caller is giving the run up. An `Err` is an I/O failure.
///
/// With `earlier`, unchanged files are taken from it, and it is left holding exactly the files
/// of this run.
pub(crate) fn discover(
    root: &Path,
    stop: &Stop,
    mut earlier: Option<&mut Read>,
) -> Result<(Sources, Vec<Diagnostic>)> {
    let listing = match earlier.as_deref_mut().and_then(|e| e.patched_listing(root)) {
        Some(listing) => listing,
        None => Listing::of(root)?,
    };
    let previous = earlier.as_deref_mut().map(std::mem::take);
    let mut problems = Vec::new();
    let mut now = Map::default();
    let mut read = |files: &[(PathBuf, String)]| -> Result<Vec<SourceFile>> {
        // Kept indexed (no filter), so the results land in one vector of the right size.
        let results: Vec<_> = files
            .par_iter()
            .map(|(path, rel)| {
                let read = || read_one(root, path.clone(), rel.clone(), previous.as_ref());
                (!stop.is_set()).then(read)
            })
            .collect();
        let mut good = Vec::with_capacity(results.len());
        for result in results.into_iter().flatten() {
            match result? {
                (Ok(file), stamped) => {
                    if let Some((path, stamp)) = stamped {
                        now.insert(path, (stamp, Arc::clone(&file.text)));
                    }
                    good.push(file)
                }
                (Err(problem), _) => problems.push(problem),
            }
        }
        Ok(good)
    };
    let sources = Sources {
        markdown: read(&listing.markdown)?,
        data: read(&listing.data)?,
        templates: read(&listing.templates)?,
        assets: listing
            .assets
            .iter()
            .map(|(path, rel)| Asset {
                rel: rel.clone(),
                path: path.clone(),
            })
            .collect(),
    };
    if let Some(earlier) = earlier {
        earlier.remember(previous, now, listing);
    }
    if sources.markdown.is_empty() && problems.is_empty() {
        problems.push(no_content(root));
    }
    Ok((sources, problems))
}

impl Read {
    /// The last run's listing with the touched paths applied, when the watcher's word is had.
    fn patched_listing(&mut self, root: &Path) -> Option<Listing> {
        let listing = self.listing.take().filter(|_| self.exact)?;
        listing.patched(root, &self.touched)
    }

    /// What this run read, for the next: all of it after a walk; after a patched listing,
    /// the last run's texts with the touched files replaced.
    fn remember(
        &mut self,
        previous: Option<Read>,
        read: Map<PathBuf, (Stamp, Arc<str>)>,
        listing: Listing,
    ) {
        self.texts = match previous {
            Some(mut previous) if previous.exact => {
                for path in &previous.touched {
                    previous.texts.remove(path);
                }
                previous.texts.extend(read);
                previous.texts
            }
            _ => read,
        };
        self.listing = Some(listing);
    }
}

/// Why a site with no Markdown cannot build.
fn no_content(root: &Path) -> Diagnostic {
    let why = if root.join("content").is_dir() {
        "has no Markdown files"
    } else {
        "does not exist"
    };
    Diagnostic::in_file("content", format!("the content folder {why}"))
        .with_help("add content/_index.md for the home page")
}

/// What reading one file gave: the file or why it is unreadable, and, when an earlier run's
/// texts are at hand, the stamp the file had before it was read.
type ReadOne = (
    std::result::Result<SourceFile, Diagnostic>,
    Option<(PathBuf, Stamp)>,
);

/// Reads one text file, or takes it from `earlier` when its stamp says it has not changed.
fn read_one(root: &Path, path: PathBuf, rel: String, earlier: Option<&Read>) -> Result<ReadOne> {
    let shown = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
    // The watcher names every change: an untouched file is as it was, unlooked at.
    if let Some(earlier) = earlier.filter(|e| e.exact && !e.touched.contains(&path))
        && let Some((_, text)) = earlier.texts.get(&path)
    {
        let file = SourceFile {
            shown,
            rel,
            text: Arc::clone(text),
        };
        return Ok((Ok(file), None));
    }
    // Stamped before reading, so a change during the read shows as a change next time.
    let stamp = earlier.and_then(|_| fingerprint::stamp(&path));
    if let (Some(earlier), Some(stamp)) = (earlier, stamp)
        && let Some((was, text)) = earlier.texts.get(&path)
        && *was == stamp
        && !earlier.touched.contains(&path)
    {
        let file = SourceFile {
            shown,
            rel,
            text: Arc::clone(text),
        };
        return Ok((Ok(file), Some((path, stamp))));
    }
    let read = fs::read_text(&path, &shown)?.map(|text| SourceFile {
        shown,
        rel,
        text: text.into(),
    });
    Ok((read, stamp.map(|stamp| (path, stamp))))
}

/// Every file under `dir`, sorted, with its path relative to `dir`. Symlinks are followed only
/// when they stay inside `dir`, so a link can never pull a file from elsewhere into the site.
fn walk(dir: &Path) -> Result<Vec<(PathBuf, String)>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let real_dir = dir.canonicalize()?;
    let mut files = Vec::new();
    let entries = WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in entries {
        let entry = entry.map_err(|e| anyhow::anyhow!("could not read {}: {e}", dir.display()))?;
        let path = entry.path();
        let is_file = if entry.path_is_symlink() {
            match path.canonicalize() {
                Ok(target) if target.starts_with(&real_dir) => regular(&target),
                _ => {
                    eprintln!(
                        "warning: skipping {}: it links outside {}",
                        path.display(),
                        dir.display()
                    );
                    false
                }
            }
        } else if entry.file_type().is_dir() {
            false
        } else if entry.file_type().is_file() {
            true // the folder listing says so: no `stat` per file
        } else {
            regular(path)
        };
        if is_file {
            let rel = path.strip_prefix(dir)?.to_string_lossy().replace('\\', "/");
            files.push((path.to_path_buf(), rel));
        }
    }
    Ok(files)
}

/// Whether `path` is a file docent can read; a FIFO, socket or device is skipped with a
/// warning, since reading one could wait forever. Folders are neither.
fn regular(path: &Path) -> bool {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => true,
        Ok(meta) if meta.is_dir() => false,
        Ok(_) => {
            eprintln!(
                "warning: skipping {}: not a regular file (a FIFO, socket or device)",
                path.display()
            );
            false
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_files_are_ignored() {
        for name in [
            ".x.md.swp",
            "x.md~",
            "4913",
            "#x.md#",
            ".#x.md",
            "x.md___jb_tmp___",
            ".DS_Store",
        ] {
            assert!(is_ignored_name(name), "{name}");
        }
        for name in ["x.md", "site.css", "_index.md", ".well-known"] {
            assert!(!is_ignored_name(name), "{name}");
        }
    }

    #[test]
    fn a_patched_listing_is_the_walk_of_the_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let files = ["a/x.md", "a/y.md", "a-b.md", "a.md", "b/a.md", "b.md"];
        for rel in files {
            let path = root.join("content").join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "+++\n+++\n").unwrap();
        }
        let names = |l: &Listing| {
            l.markdown
                .iter()
                .map(|(_, r)| r.clone())
                .collect::<Vec<_>>()
        };
        let mut listing = Listing::of(root).unwrap();
        let content = root.join("content");
        // A folder, a file, and a temporary file that was never listed.
        std::fs::remove_dir_all(content.join("a")).unwrap();
        std::fs::remove_file(content.join("b.md")).unwrap();
        for gone in ["a", "b.md", "b.md.tmp123"] {
            listing.remove(&content.join(gone));
        }
        assert_eq!(names(&listing), ["a-b.md", "a.md", "b/a.md"]);
        assert_eq!(names(&listing), names(&Listing::of(root).unwrap()));
        // And added back in their places.
        std::fs::write(content.join("b.md"), "+++\n+++\n").unwrap();
        listing.add(root, &content.join("b.md"));
        assert_eq!(names(&listing), names(&Listing::of(root).unwrap()));
    }

    #[test]
    fn missing_content_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let (_, problems) = discover(dir.path(), &Stop::default(), None).unwrap();
        assert!(problems[0].message.contains("does not exist"));
    }

    #[test]
    fn sorts_files_into_kinds() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (path, text) in [
            ("content/_index.md", "+++\n+++\n"),
            ("content/data/faq.toml", "a = 1\n"),
            ("content/blog/pic.png", "png"),
            ("templates/page.html", "x"),
            ("templates/schemas/faq.schema.json", "{}"),
            ("static/site.css", "body{}"),
        ] {
            std::fs::create_dir_all(root.join(path).parent().unwrap()).unwrap();
            std::fs::write(root.join(path), text).unwrap();
        }
        let (s, problems) = discover(root, &Stop::default(), None).unwrap();
        assert!(problems.is_empty());
        assert_eq!(s.markdown[0].rel, "_index.md");
        assert_eq!(s.data[0].rel, "faq.toml");
        assert_eq!(s.templates.len(), 1);
        let assets: Vec<_> = s.assets.iter().map(|a| a.rel.as_str()).collect();
        assert_eq!(assets, ["blog/pic.png", "site.css"]);
    }
}
