//! What a file-system change means for the site: a pure function from a path relative to the
//! site root (and the kind of event) to a [`ChangeKind`], and the [`Batch`] of changes that one
//! rebuild answers. No I/O happens here, so the rules are table-tested below.

use std::collections::BTreeSet;

use notify::EventKind;
use notify::event::{AccessKind, AccessMode, CreateKind, MetadataKind, ModifyKind, RemoveKind};

use crate::config;
use crate::discover::is_ignored_name;

/// The folders under the site root that hold sources, watched recursively.
pub(crate) const WATCHED_DIRS: [&str; 3] = ["content", "templates", "static"];

/// What kind of source a changed path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ChangeKind {
    /// A Markdown page or section under content/.
    Content,
    /// A TOML data file under content/data/.
    Data,
    /// A JSON Schema under templates/schemas/.
    Schema,
    /// A Tera template.
    Template,
    /// A `.css` file under static/: browsers can swap it without a reload.
    Stylesheet,
    /// Any other file copied as it is: static/ and assets beside content.
    Static,
    /// site.toml.
    Config,
    /// The watcher lost track (its queue overflowed): anything may have changed.
    Unknown,
    /// No file changed, but the clock passed a page's date or `expires` date.
    Schedule,
    /// A second look at the folders after a new one appeared: a file written into it before
    /// the watcher watched it sends no event.
    Recheck,
    /// Not part of the site: editor temp files, the output folder, reads.
    Ignored,
}

impl ChangeKind {
    fn name(self) -> &'static str {
        match self {
            ChangeKind::Content => "content",
            ChangeKind::Data => "data",
            ChangeKind::Schema => "schema",
            ChangeKind::Template => "template",
            ChangeKind::Stylesheet => "stylesheet",
            ChangeKind::Static => "static",
            ChangeKind::Config => "config",
            ChangeKind::Schedule => "schedule",
            ChangeKind::Recheck => "recheck",
            ChangeKind::Unknown => "unknown",
            ChangeKind::Ignored => "ignored",
        }
    }
}

/// Classifies one changed path, given relative to the site root with `/` separators.
pub(crate) fn classify(rel: &str, event: &EventKind) -> ChangeKind {
    let editor_file = rel
        .split('/')
        .any(|part| part.is_empty() || is_ignored_name(part));
    if !changes_content(event) || editor_file {
        return ChangeKind::Ignored;
    }
    let (top, rest) = rel.split_once('/').unwrap_or((rel, ""));
    let folder = matches!(
        event,
        EventKind::Create(CreateKind::Folder) | EventKind::Remove(RemoveKind::Folder)
    );
    match top {
        _ if rel == config::FILE => ChangeKind::Config,
        "content" if folder => ChangeKind::Content,
        "content" if rest.starts_with("data/") && rest.ends_with(".toml") => ChangeKind::Data,
        "content" if rest.ends_with(".md") => ChangeKind::Content,
        // discover skips everything else under data/.
        "content" if rest.starts_with("data/") => ChangeKind::Ignored,
        "content" if rest.is_empty() => ChangeKind::Content,
        "content" => ChangeKind::Static,
        "templates" if rest.starts_with("schemas/") => ChangeKind::Schema,
        "templates" => ChangeKind::Template,
        "static" if rest.ends_with(".css") => ChangeKind::Stylesheet,
        "static" => ChangeKind::Static,
        _ => ChangeKind::Ignored,
    }
}

/// Whether an event can change what a file holds. Reads are not changes: the build itself
/// opens every source, and counting those would rebuild forever.
fn changes_content(event: &EventKind) -> bool {
    match event {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        _ => true,
    }
}

/// The changes that one rebuild answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Batch {
    kinds: BTreeSet<ChangeKind>,
    paths: BTreeSet<String>,
}

impl Batch {
    /// A batch standing for "anything may have changed".
    pub(crate) fn unknown() -> Batch {
        let mut batch = Batch::default();
        batch.add(ChangeKind::Unknown, "(the watcher lost track)");
        batch
    }

    /// A batch for the moment a scheduled page comes due or a page expires.
    pub(crate) fn due() -> Batch {
        let mut batch = Batch::default();
        batch.add(ChangeKind::Schedule, "a page's publishing date");
        batch
    }

    /// A batch for the second look at the folders after a new one appeared.
    pub(crate) fn recheck() -> Batch {
        let mut batch = Batch::default();
        batch.add(ChangeKind::Recheck, "new folders");
        batch
    }

    /// Whether this build must walk the folders instead of trusting the watcher's paths.
    pub(crate) fn walks(&self) -> bool {
        self.kinds.contains(&ChangeKind::Recheck)
    }

    /// Whether the batch is only the second look, which says nothing when it finds nothing.
    pub(crate) fn only_recheck(&self) -> bool {
        self.kinds.len() == 1 && self.walks()
    }

    /// Whether a changed path is a folder now: one that appeared.
    pub(crate) fn has_new_folder(&self, root: &std::path::Path) -> bool {
        self.paths.iter().any(|p| root.join(p).is_dir())
    }

    /// The changed paths, relative to the site root.
    pub(crate) fn paths(&self) -> impl Iterator<Item = &str> {
        self.paths.iter().map(String::as_str)
    }

    /// Whether the watcher lost track, so anything may have changed.
    pub(crate) fn lost_track(&self) -> bool {
        self.kinds.contains(&ChangeKind::Unknown)
    }

    pub(crate) fn add(&mut self, kind: ChangeKind, rel: impl Into<String>) {
        if kind != ChangeKind::Ignored {
            self.kinds.insert(kind);
            self.paths.insert(rel.into());
        }
    }

    pub(crate) fn merge(&mut self, other: Batch) {
        self.kinds.extend(other.kinds);
        self.paths.extend(other.paths);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// Whether only stylesheets changed, so open pages can swap them without a reload.
    pub(crate) fn css_only(&self) -> bool {
        !self.is_empty() && self.kinds.iter().all(|k| *k == ChangeKind::Stylesheet)
    }

    /// For the terminal: `content/x.md changed (content)` or `3 files changed (content, template)`.
    pub(crate) fn describe(&self) -> String {
        let kinds: Vec<&str> = self.kinds.iter().map(|k| k.name()).collect();
        let what = match self.paths.len() {
            1 => self.paths.iter().next().cloned().unwrap_or_default(),
            n => format!("{n} files"),
        };
        format!("{what} changed ({})", kinds.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{DataChange, RenameMode};

    const WRITE: EventKind = EventKind::Modify(ModifyKind::Data(DataChange::Any));

    #[test]
    fn paths_are_classified_by_where_they_live() {
        use ChangeKind::*;
        let table = [
            ("site.toml", Config),
            ("content/_index.md", Content),
            ("content/careers/clinical-analyst.md", Content),
            ("content/data/faq.toml", Data),
            ("content/data/nested/more.toml", Data),
            ("content/data/notes.json", Ignored),
            ("content/data/odd.md", Content),
            ("content/careers/chart.png", Static),
            ("content", Content),
            ("content/new-folder", Static),
            ("templates/base.html", Template),
            ("templates/partials/toc.html", Template),
            ("templates/schemas/career.schema.json", Schema),
            ("static/css/site.css", Stylesheet),
            ("static/js/app.js", Static),
            ("static/img/logo.svg", Static),
            ("public/index.html", Ignored),
            ("target/debug/docent", Ignored),
            ("Cargo.toml", Ignored),
            ("README.md", Ignored),
            ("site.toml.bak", Ignored),
            ("", Ignored),
        ];
        for (path, kind) in table {
            assert_eq!(classify(path, &WRITE), kind, "{path}");
        }
    }

    #[test]
    fn editor_files_are_ignored_anywhere() {
        for path in [
            "content/.x.md.swp",
            "content/x.md~",
            "content/4913",
            "content/.#x.md",
            "content/#x.md#",
            "templates/base.html___jb_tmp___",
            "templates/base.html___jb_old___",
            "static/css/.site.css.swx",
            "content/.git/HEAD",
            "site.toml~",
            ".site.toml.swp",
            "4913",
        ] {
            assert_eq!(classify(path, &WRITE), ChangeKind::Ignored, "{path}");
        }
    }

    #[test]
    fn reads_are_not_changes_but_every_write_is() {
        let path = "content/x.md";
        let table = [
            (
                EventKind::Access(AccessKind::Open(AccessMode::Any)),
                ChangeKind::Ignored,
            ),
            (EventKind::Access(AccessKind::Read), ChangeKind::Ignored),
            (
                EventKind::Access(AccessKind::Close(AccessMode::Read)),
                ChangeKind::Ignored,
            ),
            (
                EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)),
                ChangeKind::Ignored,
            ),
            (
                EventKind::Access(AccessKind::Close(AccessMode::Write)),
                ChangeKind::Content,
            ),
            (EventKind::Create(CreateKind::File), ChangeKind::Content),
            (EventKind::Create(CreateKind::Folder), ChangeKind::Content),
            (EventKind::Remove(RemoveKind::File), ChangeKind::Content),
            (
                EventKind::Modify(ModifyKind::Name(RenameMode::From)),
                ChangeKind::Content,
            ),
            (
                EventKind::Modify(ModifyKind::Name(RenameMode::To)),
                ChangeKind::Content,
            ),
            (
                EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any)),
                ChangeKind::Content,
            ),
            (EventKind::Any, ChangeKind::Content),
            (EventKind::Other, ChangeKind::Content),
        ];
        for (event, kind) in table {
            assert_eq!(classify(path, &event), kind, "{event:?}");
        }
    }

    #[test]
    fn folders_belong_to_their_tree() {
        let table = [
            (
                "content/new",
                EventKind::Create(CreateKind::Folder),
                ChangeKind::Content,
            ),
            (
                "content/old",
                EventKind::Remove(RemoveKind::Folder),
                ChangeKind::Content,
            ),
            (
                "static/img",
                EventKind::Create(CreateKind::Folder),
                ChangeKind::Static,
            ),
            (
                "templates/partials",
                EventKind::Create(CreateKind::Folder),
                ChangeKind::Template,
            ),
            (
                "public/new",
                EventKind::Create(CreateKind::Folder),
                ChangeKind::Ignored,
            ),
        ];
        for (path, event, kind) in table {
            assert_eq!(classify(path, &event), kind, "{path}");
        }
    }

    fn batch(changes: &[(ChangeKind, &str)]) -> Batch {
        let mut batch = Batch::default();
        for (kind, path) in changes {
            batch.add(*kind, *path);
        }
        batch
    }

    #[test]
    fn a_batch_knows_what_to_redo() {
        use ChangeKind::*;
        let css = batch(&[(Stylesheet, "static/a.css"), (Stylesheet, "static/b.css")]);
        assert!(css.css_only());
        let mixed = batch(&[(Stylesheet, "static/a.css"), (Content, "content/x.md")]);
        assert!(!mixed.css_only());
        let ignored = batch(&[(Ignored, "public/index.html")]);
        assert!(ignored.is_empty() && !ignored.css_only());
    }

    #[test]
    fn batches_merge_and_describe_themselves() {
        use ChangeKind::*;
        let mut one = batch(&[(Content, "content/x.md")]);
        assert_eq!(one.describe(), "content/x.md changed (content)");
        one.merge(batch(&[
            (Template, "templates/page.html"),
            (Content, "content/x.md"),
        ]));
        one.merge(batch(&[(Data, "content/data/faq.toml")]));
        assert_eq!(one.describe(), "3 files changed (content, data, template)");
    }

    #[test]
    fn a_lost_watcher_is_told_apart() {
        assert!(Batch::unknown().lost_track());
        let mut edit = Batch::default();
        edit.add(ChangeKind::Content, "content/a.md");
        assert!(!edit.lost_track());
        assert_eq!(edit.paths().collect::<Vec<_>>(), ["content/a.md"]);
    }
}
