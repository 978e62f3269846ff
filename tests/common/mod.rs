//! The one helper every integration test drives: a site copied into a temp folder, built with
//! the real `docent` binary, and read back through an HTML parser.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use scraper::{Html, Selector};

pub(crate) struct Site {
    _dir: tempfile::TempDir,
    pub(crate) root: PathBuf,
}

impl Site {
    /// A copy of `tests/fixtures/<name>`.
    pub(crate) fn fixture(name: &str) -> Site {
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        Site::copy_of(&source, &["site.toml", "content", "templates", "static"])
    }

    /// A copy of the site that ships with docent, at the repository root.
    pub(crate) fn bundled() -> Site {
        Site::copy_of(
            Path::new(env!("CARGO_MANIFEST_DIR")),
            &["site.toml", "content", "templates", "static"],
        )
    }

    fn copy_of(source: &Path, parts: &[&str]) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        for part in parts {
            let from = source.join(part);
            if from.is_dir() {
                copy_dir(&from, &root.join(part));
            } else if from.is_file() {
                std::fs::create_dir_all(&root).unwrap();
                std::fs::copy(&from, root.join(part)).unwrap();
            }
        }
        Site { _dir: dir, root }
    }

    pub(crate) fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Self {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    /// Two notes outside their publishing window: `later` is dated 2099-01-01, and `over`
    /// expired on 2001-01-01.
    pub(crate) fn write_unpublished_notes(&self) -> &Self {
        self.write(
            "content/notes/later.md",
            "+++\ntitle = \"Later\"\ndate = 2099-01-01\n+++\nNot yet.\n",
        )
        .write(
            "content/notes/over.md",
            "+++\ntitle = \"Over\"\nexpires = 2001-01-01\n+++\nNo longer.\n",
        )
    }

    pub(crate) fn remove(&self, rel: &str) -> &Self {
        let path = self.root.join(rel);
        if path.is_dir() {
            std::fs::remove_dir_all(path)
        } else {
            std::fs::remove_file(path)
        }
        .unwrap();
        self
    }

    /// Runs `docent build` with extra arguments; the output goes to `public/` in the site.
    pub(crate) fn build(&self, args: &[&str]) -> Output {
        Command::cargo_bin("docent")
            .unwrap()
            .current_dir(&self.root)
            .arg("build")
            .args(args)
            .output()
            .unwrap()
    }

    /// Builds and fails the test, showing docent's errors, if the build fails.
    pub(crate) fn build_ok(&self) -> String {
        let out = self.build(&[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "build failed:\n{stderr}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Builds, expects failure, and returns stderr with the temp path replaced by `[ROOT]`.
    pub(crate) fn build_err(&self) -> String {
        let out = self.build(&[]);
        assert!(!out.status.success(), "build unexpectedly succeeded");
        assert_eq!(out.status.code(), Some(1), "a failed build exits with 1");
        String::from_utf8_lossy(&out.stderr).replace(&self.root.display().to_string(), "[ROOT]")
    }

    pub(crate) fn public(&self, rel: &str) -> PathBuf {
        self.root.join("public").join(rel)
    }

    pub(crate) fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.public(rel))
            .unwrap_or_else(|e| panic!("reading public/{rel}: {e}"))
    }

    pub(crate) fn html(&self, rel: &str) -> Html {
        Html::parse_document(&self.read(rel))
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The text of every element matching `selector`, whitespace-trimmed.
pub(crate) fn texts(html: &Html, selector: &str) -> Vec<String> {
    let sel = Selector::parse(selector).unwrap();
    html.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

/// The value of `attr` on every element matching `selector`.
pub(crate) fn attrs(html: &Html, selector: &str, attr: &str) -> Vec<String> {
    let sel = Selector::parse(selector).unwrap();
    html.select(&sel)
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

/// Every file under a folder, relative, sorted.
pub(crate) fn files_under(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    files.sort();
    files
}
