//! Thin file-system wrappers whose errors always name the path.

use std::path::Path;

use anyhow::{Context, Result};

use crate::error::Diagnostic;

pub(crate) fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("could not read {}", path.display()))
}

/// Reads a text file. Bytes that are not UTF-8 give a diagnostic at the first bad byte,
/// reported against `shown`, the path as the author knows it.
pub(crate) fn read_text(
    path: &Path,
    shown: &Path,
) -> Result<std::result::Result<String, Diagnostic>> {
    let bytes = read(path)?;
    Ok(String::from_utf8(bytes).map_err(|err| {
        let valid = err.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&err.as_bytes()[..valid]).into_owned();
        Diagnostic::at(shown, &prefix, valid..valid, "this file is not valid UTF-8")
            .with_help("save the file as UTF-8")
    }))
}

pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("could not write {}", path.display()))
}

pub(crate) fn create_dir_all(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path)
        .with_context(|| format!("could not create folder {}", path.display()))
}

pub(crate) fn remove_file(path: &Path) -> Result<()> {
    std::fs::remove_file(path).with_context(|| format!("could not remove {}", path.display()))
}
