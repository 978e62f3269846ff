//! A build's scratch file for rendered bodies. Every body's HTML is rendered before any page
//! (links and anchors are checked first), but a page needs it only when its view is made, so a
//! build writes each body here as soon as it is rendered and reads it back when its view is
//! made: memory holds the HTML of the pages being rendered, not of the whole site.
//!
//! The file is in the output folder, beside the staging folder, and is never part of the
//! site: on Unix it is unlinked as soon as it is open, so even a killed build leaves nothing;
//! elsewhere it is removed when the build ends.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Appends are gathered in memory up to this size, then written in one call.
const BUFFER: usize = 1 << 20;

/// Where one body's HTML is in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct At {
    offset: u64,
    len: u32,
}

pub(crate) struct Spill {
    file: File,
    /// Set where the file must be removed when the build ends.
    path: Option<PathBuf>,
    pending: Mutex<Pending>,
    /// The first read that failed: the pages made from it would be wrong, so the build fails.
    failed: OnceLock<String>,
}

/// What is appended but not yet written, and where the file ends once it is.
struct Pending {
    buffer: Vec<u8>,
    end: u64,
}

impl Spill {
    /// A new, empty scratch file at `path`.
    pub(crate) fn create(path: &Path) -> io::Result<Spill> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)?;
        // Unlinked at once, the file lives as long as it is open and no longer.
        let path = match cfg!(unix) && std::fs::remove_file(path).is_ok() {
            true => None,
            false => Some(path.to_path_buf()),
        };
        Ok(Spill {
            file,
            path,
            pending: Mutex::new(Pending {
                buffer: Vec::with_capacity(BUFFER),
                end: 0,
            }),
            failed: OnceLock::new(),
        })
    }

    /// Appends `text`, and says where it is; `None` when it could not be written, and the
    /// caller keeps it in memory.
    pub(crate) fn put(&self, text: &str) -> Option<At> {
        let len = u32::try_from(text.len()).ok()?;
        let mut pending = self.lock();
        let offset = pending.end + pending.buffer.len() as u64;
        if pending.buffer.len() + text.len() > BUFFER {
            self.write_out(&mut pending).ok()?;
        }
        pending.buffer.extend_from_slice(text.as_bytes());
        Some(At { offset, len })
    }

    /// The text at `at`. A failed read is remembered ([`Spill::failure`]) and gives an empty
    /// text.
    pub(crate) fn read(&self, at: At) -> String {
        self.try_read(at).unwrap_or_else(|err| {
            let _ = self.failed.set(format!("{err}"));
            String::new()
        })
    }

    fn try_read(&self, at: At) -> io::Result<String> {
        {
            let mut pending = self.lock();
            if !pending.buffer.is_empty() {
                self.write_out(&mut pending)?;
            }
        }
        let mut bytes = vec![0; at.len as usize];
        read_at(&self.file, &mut bytes, at.offset)?;
        String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    /// Remembers that what was read back could not be used: the build fails.
    pub(crate) fn fail(&self, why: String) {
        let _ = self.failed.set(why);
    }

    /// Why reading the file back failed, if it did.
    pub(crate) fn failure(&self) -> Option<anyhow::Error> {
        let why = self.failed.get()?;
        Some(anyhow::anyhow!(
            "could not read back a rendered body from the build's scratch file: {why}"
        ))
    }

    fn write_out(&self, pending: &mut Pending) -> io::Result<()> {
        write_at(&self.file, &pending.buffer, pending.end)?;
        pending.end += pending.buffer.len() as u64;
        pending.buffer.clear();
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset)
}

#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

/// Elsewhere, reads and writes seek under the lock of a shared handle.
#[cfg(not(unix))]
fn read_at(file: &File, bytes: &mut [u8], offset: u64) -> io::Result<()> {
    use std::io::{Read, Seek};
    let mut file = file;
    file.seek(io::SeekFrom::Start(offset))?;
    file.read_exact(bytes)
}

#[cfg(not(unix))]
fn write_at(file: &File, bytes: &[u8], offset: u64) -> io::Result<()> {
    use std::io::{Seek, Write};
    let mut file = file;
    file.seek(io::SeekFrom::Start(offset))?;
    file.write_all(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_reads_back_as_written_and_the_file_leaves_no_trace() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".docent-bodies");
        let spill = Spill::create(&path).unwrap();
        // Enough to fill the buffer several times, so some texts are written out, some not.
        let texts: Vec<String> = (0..3000)
            .map(|i| format!("<p>body {i} é</p>").repeat(i % 97 + 1))
            .collect();
        let at: Vec<At> = texts.iter().map(|t| spill.put(t).unwrap()).collect();
        for (text, at) in texts.iter().zip(&at).rev() {
            assert_eq!(&spill.read(*at), text);
        }
        assert!(spill.failure().is_none());
        drop(spill);
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn a_failed_read_is_remembered() {
        let dir = tempfile::tempdir().unwrap();
        let spill = Spill::create(&dir.path().join("b")).unwrap();
        let at = spill.put("short").unwrap();
        let beyond = At {
            offset: at.offset + 1000,
            len: 10,
        };
        assert_eq!(spill.read(beyond), "");
        assert!(spill.failure().is_some());
    }
}
