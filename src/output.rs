//! Writes a rendered site: only files whose bytes changed, stale files removed, never anything
//! outside the output folder, and never into a folder docent did not create.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result, bail};
use walkdir::WalkDir;

use crate::fingerprint::Manifest;
use crate::fs;
use crate::pipeline::Sink;

/// Marks a folder as docent's output, so docent may remove stale files in it.
pub(crate) const MARKER: &str = ".docent-output";

#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Written {
    pub(crate) written: usize,
    pub(crate) removed: usize,
}

/// Refuses an output folder that would overwrite sources or someone else's files.
pub(crate) fn check_dir(root: &Path, out: &Path) -> Result<()> {
    let out_real = real_path(out);
    let root_real = real_path(root);
    for source in ["content", "static", "templates"] {
        if out_real.starts_with(root_real.join(source)) {
            bail!(
                "the output folder {} is inside {source}/; choose a folder outside it, like `public`",
                out.display()
            );
        }
    }
    if root_real.starts_with(&out_real) {
        bail!(
            "the output folder {} contains the site itself; choose a folder inside it, like `public`",
            out.display()
        );
    }
    if out.is_file() {
        bail!("the output path {} is a file, not a folder", out.display());
    }
    let has_entries = out.is_dir()
        && std::fs::read_dir(out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false);
    let marker = out.join(MARKER).symlink_metadata();
    if marker.as_ref().is_ok_and(|m| !m.file_type().is_file()) {
        bail!(
            "{} is not a regular file; docent writes its own marker there, so it stops rather than write through a link. Remove it and build again",
            out.join(MARKER).display()
        );
    }
    if has_entries && marker.is_err() {
        bail!(
            "the output folder {} is not empty and docent did not create it; empty it or choose another with --output-dir",
            out.display()
        );
    }
    Ok(())
}

/// The canonical form of a path that may not exist yet: its nearest existing ancestor,
/// canonicalized, with the rest appended.
fn real_path(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut real = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    real.extend(rest.iter().rev());
    real
}

/// Writes `files` (relative path -> bytes) into `out`. Call [`check_dir`] first.
#[cfg(test)]
pub(crate) fn write(
    out: &Path,
    files: &std::collections::BTreeMap<String, Vec<u8>>,
) -> Result<Written> {
    let staging = Staging::new(out)?;
    for (rel, bytes) in files {
        staging.put(rel, bytes)?;
    }
    staging.commit()
}

/// Where a build puts the files whose bytes changed until the whole site is ready: a hidden
/// folder inside the output folder. [`Staging::commit`] moves them into place and removes stale
/// files; dropping it uncommitted removes the folder, so a failed build leaves the output as it
/// was. Files can be put from several threads at once.
pub(crate) struct Staging {
    out: PathBuf,
    dir: PathBuf,
    /// Every file of the new site, and how many changed and wait in `dir`.
    files: Mutex<(HashSet<String>, usize)>,
    /// The hashes of staging folders already created, to spare a system call per file. A
    /// hash, not the path: a large site has a folder per page. Two folders with one hash only
    /// cost a retry: a file whose folder is missing is written again once it is made.
    made: Mutex<HashSet<u64>>,
    /// Output folders already looked at: whether each is a real folder all the way up to
    /// `out`, with no symlink on the way.
    real: Mutex<std::collections::HashMap<PathBuf, bool>>,
    /// The output folder held nothing when the build began: no file can already hold its
    /// bytes and none can be stale, so neither is looked for.
    fresh: bool,
    committed: bool,
}

const STAGING: &str = ".docent-staging";

impl Staging {
    pub(crate) fn new(out: &Path) -> Result<Staging> {
        let fresh = std::fs::read_dir(out).map_or(true, |mut d| d.next().is_none());
        fs::create_dir_all(out)?;
        if out.join(MARKER).symlink_metadata().is_err() {
            replace_file(&out.join(MARKER), b"docent output\n")?;
        }
        let dir = out.join(STAGING);
        if dir.symlink_metadata().is_ok() {
            remove_entry(&dir)?; // left by a build that was killed
        }
        fs::create_dir_all(&dir)?;
        let files = Mutex::new((HashSet::new(), 0));
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            files,
            made: Mutex::new(HashSet::new()),
            real: Mutex::new(std::collections::HashMap::new()),
            fresh,
            committed: false,
        })
    }

    /// Adds a file of the new site. It is staged only if its bytes differ from what is there.
    /// The same path twice is an error: two sources would write one file.
    pub(crate) fn put(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let target = safe_join(&self.out, rel)?;
        if !self.lock().0.insert(rel.to_string()) {
            // Claims are checked before anything is put, so this is docent's own bug.
            bail!("docent wrote {rel} twice; this is a bug");
        }
        if !self.fresh && self.holds(&target, bytes) {
            return Ok(());
        }
        let staged = safe_join(&self.dir, rel)?;
        let parent = staged.parent().unwrap_or(&self.dir);
        let made = || self.made.lock().unwrap_or_else(|e| e.into_inner());
        let folder = crate::hashing::key(&parent);
        if !made().contains(&folder) {
            fs::create_dir_all(parent)?;
            made().insert(folder);
        }
        match std::fs::write(&staged, bytes) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                fs::create_dir_all(parent)?;
                fs::write(&staged, bytes)?;
            }
            written => written.with_context(|| format!("could not write {}", staged.display()))?,
        }
        self.lock().1 += 1;
        Ok(())
    }

    /// Whether `target` is already a regular file with these bytes, in real folders. Anything
    /// else (a symlink on the way, a FIFO, a folder) is staged and replaces it: docent never
    /// reads or writes through a link, and a FIFO would never answer.
    fn holds(&self, target: &Path, bytes: &[u8]) -> bool {
        let regular = target
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_file() && m.len() == bytes.len() as u64);
        regular
            && target.parent().is_some_and(|dir| self.is_real(dir))
            && std::fs::read(target).is_ok_and(|old| old == bytes)
    }

    /// Whether `dir` and every folder above it, up to the output folder, is a real folder.
    fn is_real(&self, dir: &Path) -> bool {
        if dir == self.out {
            return true;
        }
        if let Some(&known) = self.real.lock().unwrap_or_else(|e| e.into_inner()).get(dir) {
            return known;
        }
        let here = dir.symlink_metadata().is_ok_and(|m| m.file_type().is_dir());
        let real = here && dir.parent().is_some_and(|up| self.is_real(up));
        self.real
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(dir.to_path_buf(), real);
        real
    }

    /// Every file of the new site, sorted.
    pub(crate) fn paths(&self) -> Vec<String> {
        let mut all: Vec<String> = self.lock().0.iter().cloned().collect();
        all.sort();
        all
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (HashSet<String>, usize)> {
        // A poisoned lock only means another thread panicked mid-insert; the sets stay usable.
        self.files.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Moves the changed files into place, then removes files the new site no longer has.
    pub(crate) fn commit(mut self) -> Result<Written> {
        let (all, changed) = std::mem::take(&mut *self.lock());
        merge(&self.dir, &self.out)?;
        remove_entry(&self.dir)?;
        self.committed = true;
        let removed = match self.fresh {
            true => 0,
            false => remove_stale(&self.out, &all)?,
        };
        Ok(Written {
            written: changed,
            removed,
        })
    }
}

/// Moves everything staged under `from` into `to`. Where `to` has nothing yet, a whole folder
/// moves in one rename, so a first build costs one rename per top-level folder, not per file.
/// Nothing under `to` is followed: a symlink in the way is removed, never written through.
fn merge(from: &Path, to: &Path) -> Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(from)
        .map_err(|e| anyhow::anyhow!("could not read {}: {e}", from.display()))?
        .collect::<std::io::Result<_>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        let staged_dir = entry.file_type()?.is_dir();
        match target.symlink_metadata() {
            Ok(meta) if staged_dir && meta.is_dir() => merge(&source, &target)?,
            Ok(_) => {
                remove_entry(&target)?;
                rename(&source, &target)?;
            }
            Err(_) => rename(&source, &target)?,
        }
    }
    Ok(())
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to)
        .map_err(|e| anyhow::anyhow!("could not move {} into place: {e}", to.display()))
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

impl Sink for Staging {
    fn put(&self, file: &str, bytes: bytes::Bytes) -> Result<()> {
        Staging::put(self, file, &bytes)
    }
}

/// The manifest the last build left in `out`, if any. It lives in the marker file.
pub(crate) fn manifest(out: &Path) -> Option<Manifest> {
    Manifest::parse(&std::fs::read_to_string(out.join(MARKER)).ok()?)
}

pub(crate) fn write_manifest(out: &Path, manifest: &Manifest) -> Result<()> {
    replace_file(&out.join(MARKER), manifest.to_text().as_bytes())
}

/// Writes `bytes` to a new file beside `path` and renames it over `path`: whatever `path` was
/// (a symlink, say), it is replaced, never written through.
fn replace_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut new = path.as_os_str().to_owned();
    new.push(".new");
    let new = PathBuf::from(new);
    if new.symlink_metadata().is_ok() {
        remove_entry(&new)?;
    }
    fs::write(&new, bytes)?;
    rename(&new, path)
}

/// Joins a relative output path to `out`, refusing anything that could climb out of it.
fn safe_join(out: &Path, rel: &str) -> Result<PathBuf> {
    let rel_path = Path::new(rel);
    let plain = rel_path
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    if !plain || rel.is_empty() || rel.contains('\\') {
        bail!("refusing to write {rel:?}: not a plain path inside the output folder");
    }
    Ok(out.join(rel_path))
}

fn remove_entry(path: &Path) -> Result<()> {
    let meta = path.symlink_metadata()?;
    if meta.is_dir() {
        std::fs::remove_dir_all(path)
            .map_err(|e| anyhow::anyhow!("could not remove {}: {e}", path.display()))
    } else {
        fs::remove_file(path)
    }
}

/// Removes files under `out` that this build did not produce, then folders left empty.
fn remove_stale(out: &Path, files: &HashSet<String>) -> Result<usize> {
    let keep: HashSet<&str> = files.iter().map(String::as_str).chain([MARKER]).collect();
    let mut removed = 0;
    let mut dirs = Vec::new();
    for entry in WalkDir::new(out).min_depth(1).follow_links(false) {
        let entry = entry?;
        let rel = entry
            .path()
            .strip_prefix(out)?
            .to_string_lossy()
            .replace('\\', "/");
        if entry.file_type().is_dir() {
            dirs.push(entry.path().to_path_buf());
        } else if !keep.contains(rel.as_str()) {
            fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    for dir in dirs.iter().rev() {
        if std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none()) {
            std::fs::remove_dir(dir).ok();
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn files(list: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn writes_only_changes_and_removes_stale() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = write(&out, &files(&[("index.html", "a"), ("x/index.html", "b")])).unwrap();
        assert_eq!(
            first,
            Written {
                written: 2,
                removed: 0
            }
        );
        let second = write(&out, &files(&[("index.html", "a"), ("y/index.html", "c")])).unwrap();
        assert_eq!(
            second,
            Written {
                written: 1,
                removed: 1
            }
        );
        assert!(!out.join("x").exists(), "empty stale folder is removed");
    }

    #[test]
    fn refuses_paths_that_climb_out() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["../x", "/etc/x", "a/../../x", ""] {
            assert!(write(dir.path(), &files(&[(bad, "z")])).is_err(), "{bad}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn replaces_symlinks_instead_of_following_them() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir(&out).unwrap();
        std::os::unix::fs::symlink(&outside, out.join("x")).unwrap();
        write(&out, &files(&[("x/index.html", "b")])).unwrap();
        assert!(!outside.join("index.html").exists());
        assert!(out.join("x/index.html").is_file());
    }

    #[test]
    fn refuses_foreign_and_source_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::create_dir_all(root.join("mine")).unwrap();
        std::fs::write(root.join("mine/notes.txt"), "keep").unwrap();
        assert!(check_dir(root, &root.join("content/out")).is_err());
        assert!(check_dir(root, &root.join("static")).is_err());
        assert!(check_dir(root, root).is_err());
        assert!(check_dir(root, &root.join("mine")).is_err());
        assert!(check_dir(root, &root.join("public")).is_ok());
    }
}
