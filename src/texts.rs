//! The text of each doc's file, kept apart from the model so it can be freed as a whole once
//! no stage needs it. A build lets each text go as soon as its body is rendered
//! ([`Texts::let_go`]): after that, only an error quotes a file, and the file is read again
//! for it. The root section that has no file has an empty text.

use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::{Arc, OnceLock};

use crate::site::{DocId, PerDoc, Site};

#[derive(Debug)]
pub(crate) struct Texts(PerDoc<Text>);

impl Default for Texts {
    fn default() -> Texts {
        Texts(PerDoc::from_vec(Vec::new()))
    }
}

#[derive(Debug)]
enum Text {
    Held(Arc<str>),
    /// Let go once its body was rendered: read again from `path` when asked for, and
    /// compared with the text that was rendered by its hash.
    Gone {
        path: Box<Path>,
        hash: u64,
        again: OnceLock<Again>,
    },
}

/// A text read again: what the file holds now, and whether it is still the text that was built.
#[derive(Debug)]
struct Again {
    text: Arc<str>,
    same: bool,
}

impl Texts {
    pub(crate) fn new(texts: Vec<Arc<str>>) -> Texts {
        Texts(PerDoc::from_vec(
            texts.into_iter().map(Text::Held).collect(),
        ))
    }

    /// The whole file: front matter and body.
    pub(crate) fn full(&self, id: DocId) -> &str {
        self.0[id].full()
    }

    /// The whole file, shared: two docs whose texts are the same allocation were read once.
    pub(crate) fn text(&self, id: DocId) -> Arc<str> {
        match &self.0[id] {
            Text::Held(text) => Arc::clone(text),
            Text::Gone { .. } => Arc::from(self.full(id)),
        }
    }

    /// The Markdown after the front matter.
    pub(crate) fn body<'a>(&'a self, site: &Site, id: DocId) -> &'a str {
        self.full(id).get(site[id].body_offset..).unwrap_or("")
    }

    /// Calls `each` with every doc's body in parallel, letting each file's text go as soon as
    /// `each` returns, when `root` is given: a large site's texts are never all in memory
    /// beside what was made of them. A doc made from a data row keeps its text, and so does
    /// one without a file.
    pub(crate) fn let_go<T: Send>(
        &mut self,
        site: &Site,
        root: Option<&Path>,
        each: impl Fn(&str) -> T + Sync,
    ) -> Vec<T> {
        use rayon::prelude::*;
        let slots = self.0.values_mut();
        let made = slots.par_iter_mut().enumerate().map(|(i, slot)| {
            let doc = &site[DocId(i)];
            let made = each(slot.full().get(doc.body_offset..).unwrap_or(""));
            if let (Some(root), Text::Held(text)) = (root, &*slot)
                && doc.row.is_none()
                && !text.is_empty()
            {
                let hash = hash(text);
                let path = root.join(&doc.shown).into_boxed_path();
                let again = OnceLock::new();
                *slot = Text::Gone { path, hash, again };
            }
            made
        });
        made.collect()
    }

    /// The docs whose files were read again, since their texts were let go, and no longer
    /// hold the text that was built: errors quoting them may point at the wrong lines.
    pub(crate) fn changed(&self) -> impl Iterator<Item = DocId> {
        self.0.iter().filter_map(|(id, slot)| match slot {
            Text::Gone { again, .. } if again.get().is_some_and(|a| !a.same) => Some(id),
            _ => None,
        })
    }
}

impl Text {
    fn full(&self) -> &str {
        match self {
            Text::Held(text) => text,
            Text::Gone { path, hash, again } => &again.get_or_init(|| read_again(path, *hash)).text,
        }
    }
}

fn hash(text: &str) -> u64 {
    let mut hasher = crate::hashing::hasher();
    text.hash(&mut hasher);
    hasher.finish()
}

/// The file's text now; unreadable, it is empty, and not the same.
fn read_again(path: &Path, was: u64) -> Again {
    let text: Arc<str> = std::fs::read_to_string(path).unwrap_or_default().into();
    let same = hash(&text) == was;
    Again { text, same }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(dir: &Path, files: &[(&str, &str)]) -> (Site, Texts) {
        for (rel, text) in files {
            std::fs::write(dir.join("content").join(rel), text).unwrap();
        }
        let files = files
            .iter()
            .map(|(rel, text)| crate::discover::SourceFile {
                shown: Path::new("content").join(rel),
                rel: rel.to_string(),
                text: Arc::from(*text),
            })
            .collect();
        let publish = crate::publish::Publish::now(false, false);
        let naming = crate::content::Naming::default();
        crate::content::index(files, &[], &publish, "Site", &naming).unwrap()
    }

    #[test]
    fn a_text_let_go_is_read_again_when_asked_for_and_a_changed_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        let a = "+++\ntitle = \"A\"\n+++\nBody of a.";
        let b = "+++\ntitle = \"B\"\n+++\nBody of b.";
        let (site, mut texts) = site(dir.path(), &[("a.md", a), ("b.md", b)]);
        let bodies = texts.let_go(&site, Some(dir.path()), |body| body.to_string());
        let a_id = site.lookup("a.md").unwrap();
        let b_id = site.lookup("b.md").unwrap();
        assert_eq!(bodies[a_id.0], "Body of a.");
        assert!(matches!(texts.0[a_id], Text::Gone { .. }));
        std::fs::write(dir.path().join("content/b.md"), "changed").unwrap();
        assert_eq!(texts.full(a_id), a);
        assert_eq!(texts.body(&site, a_id), "Body of a.");
        assert_eq!(texts.changed().count(), 0);
        assert_eq!(texts.full(b_id), "changed");
        assert_eq!(texts.changed().collect::<Vec<_>>(), [b_id]);
        let again = texts.let_go(&site, Some(dir.path()), |body| body.to_string());
        assert_eq!(
            again[a_id.0], "Body of a.",
            "read again, never taken as empty"
        );
    }

    #[test]
    fn without_a_root_every_text_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        let (site, mut texts) = site(dir.path(), &[("a.md", "+++\ntitle = \"A\"\n+++\nA.")]);
        let lengths = texts.let_go(&site, None, |body| body.len());
        assert!(lengths.contains(&2));
        assert!(texts.0.values().all(|t| matches!(t, Text::Held(_))));
    }
}
