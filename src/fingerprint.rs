//! Input fingerprints, so a build with nothing changed can stop early.
//!
//! The output is a pure function of docent's program (its version, and the size and time of
//! its executable), the build options and the bytes of site.toml, content/, templates/ and
//! static/. A file's bytes are not read to tell whether they changed: its size, modification
//! and change times and inode say so, as git's index does. Writing a file, renaming one over
//! it or restoring an old copy with its old modification time all set its change time, which no
//! tool can set back. When every input's stamp is as it was at the last build into this folder,
//! and every file that build wrote is still there, unchanged, the output is already right.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::time::UNIX_EPOCH;

use rayon::prelude::*;
use walkdir::WalkDir;

/// Hashes the stamp of everything a build reads. `options` is anything else the output
/// depends on. One `stat` per file: nothing is opened.
pub(crate) fn of_inputs(root: &Path, options: &impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    for part in ["site.toml", "content", "templates", "static"] {
        let entries = WalkDir::new(root.join(part)).sort_by_file_name();
        for entry in entries.into_iter().filter_map(Result::ok) {
            // A symlink counts by what it points to; the build reads through links that stay
            // inside the site.
            let meta = match entry.path_is_symlink() {
                true => std::fs::metadata(entry.path()),
                false => entry.metadata().map_err(std::io::Error::from),
            };
            // An unreadable file hashes as missing; the build itself will report it.
            let meta = meta.ok().filter(std::fs::Metadata::is_file);
            if let Some(meta) = meta {
                entry.path().hash(&mut h);
                full_stamp(&meta).hash(&mut h);
            }
        }
    }
    env!("CARGO_PKG_VERSION").hash(&mut h);
    // A docent built again from newer source has the same version but may write other bytes:
    // the program's own size and time count as an input too.
    let program = std::env::current_exe().ok().and_then(|exe| stamp(&exe));
    program.hash(&mut h);
    options.hash(&mut h);
    h.finish()
}

/// Size, modification and change times (nanoseconds) and inode: what changes whenever a
/// file's bytes do.
#[cfg(unix)]
fn full_stamp(meta: &std::fs::Metadata) -> (u64, i64, i64, i64, i64, u64) {
    use std::os::unix::fs::MetadataExt;
    let modified = (meta.mtime(), meta.mtime_nsec());
    let changed = (meta.ctime(), meta.ctime_nsec());
    let (size, ino) = (meta.len(), meta.ino());
    (size, modified.0, modified.1, changed.0, changed.1, ino)
}

/// Size and modification time, where the system has no change time.
#[cfg(not(unix))]
fn full_stamp(meta: &std::fs::Metadata) -> (u64, Option<std::time::SystemTime>) {
    (meta.len(), meta.modified().ok())
}

/// What a build wrote: the input fingerprint, and each file with its size and modification time.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Manifest {
    pub(crate) inputs: u64,
    pub(crate) pages: usize,
    pub(crate) sections: usize,
    /// When a page comes due or expires (Unix seconds): the output is stale from then on,
    /// whatever the inputs.
    pub(crate) until: Option<i64>,
    pub(crate) files: Vec<(String, u64, u128)>,
}

const HEADER: &str = "docent manifest 2";

impl Manifest {
    /// Records the current size and time of each written file.
    pub(crate) fn record(out: &Path, inputs: u64, paths: impl Iterator<Item = String>) -> Manifest {
        let files = paths
            .filter_map(|rel| stamp(&out.join(&rel)).map(|(size, time)| (rel, size, time)))
            .collect();
        Manifest {
            inputs,
            files,
            ..Manifest::default()
        }
    }

    pub(crate) fn to_text(&self) -> String {
        let until = self.until.map_or("-".to_string(), |t| t.to_string());
        let mut text = format!(
            "{HEADER}\n{:016x} {} {} {until}\n",
            self.inputs, self.pages, self.sections
        );
        for (rel, size, time) in &self.files {
            text.push_str(&format!("{size}\t{time}\t{rel}\n"));
        }
        text
    }

    pub(crate) fn parse(text: &str) -> Option<Manifest> {
        let mut lines = text.lines();
        (lines.next()? == HEADER).then_some(())?;
        let mut counts = lines.next()?.split(' ');
        let inputs = u64::from_str_radix(counts.next()?, 16).ok()?;
        let pages = counts.next()?.parse().ok()?;
        let sections = counts.next()?.parse().ok()?;
        let until = match counts.next()? {
            "-" => None,
            seconds => Some(seconds.parse().ok()?),
        };
        let files = lines
            .map(|line| {
                let mut parts = line.splitn(3, '\t');
                Some((
                    parts.next()?.parse().ok()?,
                    parts.next()?.parse().ok()?,
                    parts.next()?.to_string(),
                ))
            })
            .map(|f| f.map(|(size, time, rel)| (rel, size, time)))
            .collect::<Option<Vec<_>>>()?;
        Some(Manifest {
            inputs,
            pages,
            sections,
            until,
            files,
        })
    }

    /// Whether every recorded file is still in `out` exactly as it was written, and no page
    /// has come due or expired since.
    pub(crate) fn still_holds(&self, out: &Path) -> bool {
        let now = jiff::Timestamp::now().as_second();
        self.until.is_none_or(|until| now < until)
            && !self.files.is_empty()
            && self
                .files
                .par_iter()
                .all(|(rel, size, time)| stamp(&out.join(rel)) == Some((*size, *time)))
    }
}

/// A file's size and modification time: what tells a file changed without reading it.
pub(crate) type Stamp = (u64, u128);

/// The [`Stamp`] of a regular file; `None` for anything else or an error.
pub(crate) fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::symlink_metadata(path)
        .ok()
        .filter(|m| m.is_file())?;
    let time = meta
        .modified()
        .ok()?
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_nanos();
    Some((meta.len(), time))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_follows_bytes_and_options() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        std::fs::write(dir.path().join("content/a.md"), "one").unwrap();
        let first = of_inputs(dir.path(), &false);
        assert_eq!(of_inputs(dir.path(), &false), first);
        assert_ne!(of_inputs(dir.path(), &true), first, "options count");
        std::fs::write(dir.path().join("content/a.md"), "two").unwrap();
        assert_ne!(of_inputs(dir.path(), &false), first, "content counts");
    }

    #[test]
    fn an_edit_that_keeps_size_and_modified_time_still_counts() {
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("content/a.md");
        std::fs::create_dir_all(page.parent().unwrap()).unwrap();
        std::fs::write(&page, "one").unwrap();
        let modified = std::fs::metadata(&page).unwrap().modified().unwrap();
        let first = of_inputs(dir.path(), &false);
        std::fs::write(&page, "two").unwrap();
        let file = std::fs::File::options().write(true).open(&page).unwrap();
        file.set_modified(modified).unwrap();
        drop(file);
        assert_eq!(
            std::fs::metadata(&page).unwrap().modified().unwrap(),
            modified
        );
        assert_ne!(
            of_inputs(dir.path(), &false),
            first,
            "the change time moved"
        );
        let now = of_inputs(dir.path(), &false);
        std::fs::write(dir.path().join("content/b.md"), "new").unwrap();
        assert_ne!(of_inputs(dir.path(), &false), now, "a new file counts");
    }

    #[test]
    fn manifest_round_trips_and_notices_edits() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "x").unwrap();
        let manifest = Manifest::record(dir.path(), 42, ["index.html".to_string()].into_iter());
        assert_eq!(
            Manifest::parse(&manifest.to_text()).as_ref(),
            Some(&manifest)
        );
        assert!(manifest.still_holds(dir.path()));
        std::fs::write(dir.path().join("index.html"), "changed").unwrap();
        assert!(!manifest.still_holds(dir.path()));
    }
}
