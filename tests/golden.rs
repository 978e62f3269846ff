//! Golden-output tests: every folder in `tests/golden/` is a small site and the exact result
//! `docent build` must give for it, stored beside it (see `tests/golden/README.md`).
//!
//! A case that builds keeps every output file in `expected/` and the summary line in
//! `expected.stdout`; a case that must fail, named `error-...`, keeps docent's error output in
//! `expected.stderr`.
//! `DOCENT_BLESS=1 cargo test --test golden` rewrites the stored files from what docent does now.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

mod common;
use common::files_under;

/// One `#[test]` per case, so a failure names the case, and the list of every case's folder.
macro_rules! golden {
    ($($test:ident => $folder:literal),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                run_case($folder);
            }
        )*
        const CASES: &[&str] = &[$($folder),*];
    };
}

golden! {
    basic => "basic",
    zola_layout => "zola-layout",
    pages_from_data => "pages-from-data",
    taxonomies_and_pagination => "taxonomies-and-pagination",
    languages => "languages",
    error_broken_link => "error-broken-link",
    error_duplicate_url => "error-duplicate-url",
    error_front_matter_type => "error-front-matter-type",
    error_template_syntax => "error-template-syntax",
    error_unknown_citation => "error-unknown-citation",
    error_unknown_config_key => "error-unknown-config-key",
}

/// Docent's own record of what it built: never compared.
const MARKER: &str = ".docent-output";
/// Pagefind's index is binary and large, so only its file names are stored, in this file.
const PAGEFIND_LISTING: &str = ".pagefind-files";
const BLESS_HINT: &str =
    "to accept docent's current output, run: DOCENT_BLESS=1 cargo test --test golden";
/// How many lines of diff to show for one file before cutting it short.
const MAX_DIFF_LINES: usize = 60;
/// How many changed output files get a diff in one report; the rest are only named.
const MAX_DIFFED_FILES: usize = 6;
/// Unchanged lines shown around each change.
const CONTEXT: usize = 3;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn blessing() -> bool {
    std::env::var_os("DOCENT_BLESS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// What one build gave, with the temp folder and the timing redacted.
#[derive(PartialEq)]
struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    /// Every output file by its path relative to the output folder, except docent's marker, and
    /// with Pagefind's files replaced by the listing `.pagefind-files`.
    files: BTreeMap<String, Vec<u8>>,
    /// Pagefind's files: not stored, but compared between two builds.
    pagefind: BTreeMap<String, Vec<u8>>,
}

impl Outcome {
    fn succeeded(&self) -> bool {
        self.code == Some(0)
    }
}

fn run_case(name: &str) {
    let case = golden_dir().join(name);
    let site = case.join("site");
    assert!(
        site.join("site.toml").is_file(),
        "{} has no site/site.toml",
        case.display()
    );

    let outcome = build(&site);
    // docent promises the same bytes for the same input; a second build from a fresh copy checks
    // that before anything is compared, so nondeterminism is reported as such, not as a mismatch.
    let again = build(&site);
    if outcome != again {
        let mut report = Report::new("the first build", "the second build");
        report.compare_outcomes(&outcome, &again);
        panic!(
            "case `{name}`: two builds of the same site gave different output\n{}",
            report.text
        );
    }
    check_invariants(name, &outcome);

    if blessing() {
        bless(&case, &outcome);
        return;
    }
    let report = compare(&case, &outcome);
    if !report.text.is_empty() {
        panic!(
            "case `{name}` does not match tests/golden/{name}/\n{}\n{BLESS_HINT}",
            report.text
        );
    }
}

/// A case named `error-...` must fail; every other case must build.
fn must_fail(name: &str) -> bool {
    name.starts_with("error-")
}

/// What no blessing can make right: a crash, an unexpected exit code, files left by a failure,
/// and a build that succeeds or fails against what the case's name says.
fn check_invariants(name: &str, outcome: &Outcome) {
    assert!(
        !outcome.stderr.contains("panicked"),
        "case `{name}`: docent panicked:\n{}",
        outcome.stderr
    );
    assert!(
        matches!(outcome.code, Some(0 | 1)),
        "case `{name}`: docent exited with {:?} (a build exits with 0 or 1):\n{}",
        outcome.code,
        outcome.stderr
    );
    if must_fail(name) {
        assert!(
            !outcome.succeeded(),
            "case `{name}`: docent built the site, but an `error-` case must fail \
             (if it should build now, rename the case)"
        );
    } else {
        assert!(
            outcome.succeeded(),
            "case `{name}`: docent failed, but only an `error-` case may fail:\n{}",
            outcome.stderr
        );
    }
    if !outcome.succeeded() {
        let left: Vec<&String> = outcome.files.keys().collect();
        assert!(
            left.is_empty(),
            "case `{name}`: the failed build left files in the output folder: {left:?}"
        );
    }
}

/// Builds a temp copy of `site` with the real binary into `<temp>/public`.
fn build(site: &Path) -> Outcome {
    let temp = tempfile::tempdir().expect("temp dir");
    let root = temp.path().join("site");
    copy_tree(site, &root);
    let out = temp.path().join("public");
    let output: Output = Command::cargo_bin("docent")
        .expect("the docent binary")
        .current_dir(&root)
        .arg("build")
        .arg("--output-dir")
        .arg(&out)
        .output()
        .expect("running docent");
    let redactor = Redactor::new(temp.path());
    let mut files = BTreeMap::new();
    let mut pagefind = BTreeMap::new();
    if out.is_dir() {
        for rel in files_under(&out) {
            if rel == MARKER {
                continue;
            }
            let bytes = std::fs::read(out.join(&rel)).unwrap();
            if rel.starts_with("pagefind/") {
                pagefind.insert(rel, bytes);
                continue;
            }
            let bytes = match as_text(&bytes) {
                Some(text) => redactor.redact(text).into_bytes(),
                None => bytes,
            };
            files.insert(rel, bytes);
        }
    }
    if !pagefind.is_empty() {
        let listing: String = pagefind.keys().map(|p| format!("{p}\n")).collect();
        files.insert(PAGEFIND_LISTING.to_string(), listing.into_bytes());
    }
    Outcome {
        code: output.status.code(),
        stdout: redact_time(&redactor.redact(&String::from_utf8_lossy(&output.stdout))),
        stderr: redactor.redact(&String::from_utf8_lossy(&output.stderr)),
        files,
        pagefind,
    }
}

/// Compares an outcome with the files stored for the case.
fn compare(case: &Path, outcome: &Outcome) -> Report {
    let mut report = Report::new("the expected files", "the build's output");
    report.tree_prefix = "expected/";
    let expected_dir = case.join("expected");
    let stored = if outcome.succeeded() {
        "expected/"
    } else {
        "expected.stderr"
    };
    if !case.join(stored).exists() {
        report.line(format!("the case has no {stored} yet"));
        return report;
    }
    if !outcome.succeeded() && expected_dir.exists() {
        report.line("a failing case has no expected/ folder: remove it, or bless".to_string());
    }
    report.compare_text(
        "expected.stdout",
        &read_optional(&case.join("expected.stdout")),
        &outcome.stdout,
    );
    report.compare_text(
        "expected.stderr",
        &read_optional(&case.join("expected.stderr")),
        &outcome.stderr,
    );
    if outcome.succeeded() {
        report.compare_trees(&read_tree(&expected_dir), &outcome.files);
    }
    report
}

/// Rewrites the case's expected files so that they match `outcome`.
fn bless(case: &Path, outcome: &Outcome) {
    let mut changes = Vec::new();
    let expected_dir = case.join("expected");
    if outcome.succeeded() {
        sync_tree(&expected_dir, &outcome.files, &mut changes);
    } else if expected_dir.exists() {
        std::fs::remove_dir_all(&expected_dir).unwrap();
        changes.push("removed expected/".to_string());
    }
    for (file, text) in [
        ("expected.stdout", &outcome.stdout),
        ("expected.stderr", &outcome.stderr),
    ] {
        write_or_remove(&case.join(file), text.as_bytes(), file, &mut changes);
    }
    let name = case.file_name().unwrap().to_string_lossy();
    if changes.is_empty() {
        eprintln!("blessed `{name}`: nothing changed");
    } else {
        eprintln!("blessed `{name}`:\n  {}", changes.join("\n  "));
    }
}

/// Makes `dir` hold exactly `files`: writes what differs, removes what is no longer produced.
fn sync_tree(dir: &Path, files: &BTreeMap<String, Vec<u8>>, changes: &mut Vec<String>) {
    let old = read_tree(dir);
    for rel in old.keys().filter(|rel| !files.contains_key(*rel)) {
        std::fs::remove_file(dir.join(rel)).unwrap();
        changes.push(format!("removed expected/{rel}"));
    }
    for (rel, bytes) in files {
        if old.get(rel) != Some(bytes) {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, bytes).unwrap();
            let verb = if old.contains_key(rel) {
                "updated"
            } else {
                "created"
            };
            changes.push(format!("{verb} expected/{rel}"));
        }
    }
    remove_empty_dirs(dir);
}

/// Writes `bytes` to `path`, or removes `path` when `bytes` is empty.
fn write_or_remove(path: &Path, bytes: &[u8], shown: &str, changes: &mut Vec<String>) {
    let old = std::fs::read(path).ok();
    if bytes.is_empty() {
        if old.is_some() {
            std::fs::remove_file(path).unwrap();
            changes.push(format!("removed {shown}"));
        }
    } else if old.as_deref() != Some(bytes) {
        std::fs::write(path, bytes).unwrap();
        let verb = if old.is_some() { "updated" } else { "created" };
        changes.push(format!("{verb} {shown}"));
    }
}

fn remove_empty_dirs(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            remove_empty_dirs(&entry.path());
            // Fails, as it should, while the folder still holds something.
            let _ = std::fs::remove_dir(entry.path());
        }
    }
}

/// A human-readable account of every difference found between two sides, named in `names`.
struct Report {
    text: String,
    names: (&'static str, &'static str),
    /// Put before an output file's path, to say where the stored copy is.
    tree_prefix: &'static str,
    /// How many changed files have had their diff shown so far.
    diffed: usize,
}

impl Report {
    fn new(left: &'static str, right: &'static str) -> Report {
        Report {
            text: String::new(),
            names: (left, right),
            tree_prefix: "",
            diffed: 0,
        }
    }

    fn line(&mut self, line: String) {
        self.text.push_str(&line);
        self.text.push('\n');
    }

    fn compare_outcomes(&mut self, a: &Outcome, b: &Outcome) {
        if a.code != b.code {
            let (left, right) = self.names;
            self.line(format!(
                "exit code: {:?} in {left}, {:?} in {right}",
                a.code, b.code
            ));
        }
        self.compare_text("stdout", &a.stdout, &b.stdout);
        self.compare_text("stderr", &a.stderr, &b.stderr);
        self.compare_trees(&a.files, &b.files);
        self.compare_trees(&a.pagefind, &b.pagefind);
    }

    fn compare_text(&mut self, shown: &str, expected: &str, actual: &str) {
        if expected != actual {
            let (left, right) = self.names;
            self.line(format!("changed: {shown} (- {left}, + {right})"));
            self.text.push_str(&diff(expected, actual));
        }
    }

    fn compare_trees(
        &mut self,
        expected: &BTreeMap<String, Vec<u8>>,
        actual: &BTreeMap<String, Vec<u8>>,
    ) {
        let (left, right) = self.names;
        let missing: Vec<&String> = expected
            .keys()
            .filter(|k| !actual.contains_key(*k))
            .collect();
        let extra: Vec<&String> = actual
            .keys()
            .filter(|k| !expected.contains_key(*k))
            .collect();
        for rel in &missing {
            let prefix = self.tree_prefix;
            self.line(format!(
                "missing: {prefix}{rel} (in {left}, not in {right})"
            ));
        }
        for rel in &extra {
            let prefix = self.tree_prefix;
            self.line(format!("extra: {prefix}{rel} (in {right}, not in {left})"));
        }
        for (rel, want) in expected {
            let Some(got) = actual.get(rel) else {
                continue;
            };
            if want == got {
                continue;
            }
            let shown = format!("{}{rel}", self.tree_prefix);
            if self.diffed == MAX_DIFFED_FILES {
                self.line(format!(
                    "changed: {shown} (no diff: too many files changed)"
                ));
                continue;
            }
            self.diffed += 1;
            match (as_text(want), as_text(got)) {
                (Some(want), Some(got)) => self.compare_text(&shown, want, got),
                _ => self.line(format!(
                    "changed: {shown} (binary: {} bytes in {left}, {} bytes in {right}, first difference at byte {})",
                    want.len(),
                    got.len(),
                    want.iter()
                        .zip(got.iter())
                        .position(|(a, b)| a != b)
                        .unwrap_or(want.len().min(got.len()))
                )),
            }
        }
    }
}

/// Text is UTF-8 without NUL bytes; anything else is compared as bytes and never redacted.
fn as_text(bytes: &[u8]) -> Option<&str> {
    if bytes.contains(&0) {
        return None;
    }
    std::str::from_utf8(bytes).ok()
}

/// Replaces the temp folder's path, as given and canonical, with `[TEMP]`.
struct Redactor {
    paths: Vec<String>,
}

impl Redactor {
    fn new(temp: &Path) -> Redactor {
        let mut paths = vec![temp.display().to_string()];
        if let Ok(canonical) = temp.canonicalize() {
            paths.push(canonical.display().to_string());
        }
        // The longer first, so that one path inside the other is not half replaced.
        paths.sort_by_key(|p| std::cmp::Reverse(p.len()));
        paths.dedup();
        Redactor { paths }
    }

    fn redact(&self, text: &str) -> String {
        self.paths
            .iter()
            .fold(text.to_string(), |text, path| text.replace(path, "[TEMP]"))
    }
}

/// `... in 16 ms` -> `... in [TIME] ms`, wherever a count of milliseconds follows ` in `.
fn redact_time(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(" in ") {
        let (head, tail) = rest.split_at(at + " in ".len());
        out.push_str(head);
        let digits = tail.len() - tail.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 && tail[digits..].starts_with(" ms") {
            out.push_str("[TIME]");
            rest = &tail[digits..];
        } else {
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// One line of a diff: the same in both, only in the expected text, or only in the actual one.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Op {
    Same,
    Removed,
    Added,
}

/// A small unified-style diff of two texts, with the line numbers of each side in a gutter:
/// `  12 12   same`, `  13    - expected only`, `     13 + actual only`.
fn diff(expected: &str, actual: &str) -> String {
    let old: Vec<&str> = expected.split_inclusive('\n').collect();
    let new: Vec<&str> = actual.split_inclusive('\n').collect();
    let ops = line_ops(&old, &new);

    // Each op with the line number it has on each side (1-based).
    let mut numbered = Vec::with_capacity(ops.len());
    let (mut o, mut n) = (0, 0);
    for op in ops {
        numbered.push((op, o, n));
        match op {
            Op::Same => {
                o += 1;
                n += 1;
            }
            Op::Removed => o += 1,
            Op::Added => n += 1,
        }
    }
    // Which ops to show: every change and `CONTEXT` lines either side of it.
    let mut shown = vec![false; numbered.len()];
    for (i, (op, _, _)) in numbered.iter().enumerate() {
        if *op != Op::Same {
            let from = i.saturating_sub(CONTEXT);
            let to = (i + CONTEXT + 1).min(numbered.len());
            shown[from..to].iter_mut().for_each(|s| *s = true);
        }
    }
    let width = old.len().max(new.len()).to_string().len();
    let mut out = String::new();
    let mut printed = 0;
    let mut i = 0;
    while i < numbered.len() {
        if !shown[i] {
            i += 1;
            continue;
        }
        let end = (i..numbered.len())
            .find(|&j| !shown[j])
            .unwrap_or(numbered.len());
        let hunk = &numbered[i..end];
        let old_count = hunk.iter().filter(|(op, _, _)| *op != Op::Added).count();
        let new_count = hunk.iter().filter(|(op, _, _)| *op != Op::Removed).count();
        let (_, o0, n0) = hunk[0];
        let _ = writeln!(
            out,
            "    @@ -{},{old_count} +{},{new_count} @@",
            o0 + 1,
            n0 + 1
        );
        for &(op, o, n) in hunk {
            if printed == MAX_DIFF_LINES {
                let left = numbered[i..]
                    .iter()
                    .filter(|(op, _, _)| *op != Op::Same)
                    .count();
                let _ = writeln!(
                    out,
                    "    ... cut short; more changed lines follow ({left} in all from here)"
                );
                return out;
            }
            let (mark, left, right, line) = match op {
                Op::Same => (' ', Some(o + 1), Some(n + 1), old[o]),
                Op::Removed => ('-', Some(o + 1), None, old[o]),
                Op::Added => ('+', None, Some(n + 1), new[n]),
            };
            let number = |k: Option<usize>| k.map_or(String::new(), |k| k.to_string());
            let _ = writeln!(
                out,
                "    {:>width$} {:>width$} {mark} {}",
                number(left),
                number(right),
                show_line(line)
            );
            if !line.ends_with('\n') {
                let _ = writeln!(
                    out,
                    "    {:>width$} {:>width$}   \\ No newline at end of file",
                    "", ""
                );
            }
            printed += 1;
            i += 1;
        }
        i = end;
    }
    out
}

/// A line without its line ending; a carriage return is shown as `\r` so that it is seen.
fn show_line(line: &str) -> String {
    line.strip_suffix('\n').unwrap_or(line).replace('\r', "\\r")
}

/// The shortest edit from `old` to `new`: common lines at both ends are matched first, and the
/// rest by a longest-common-subsequence table (falling back to remove-all/add-all if huge).
fn line_ops(old: &[&str], new: &[&str]) -> Vec<Op> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let a = &old[prefix..old.len() - suffix];
    let b = &new[prefix..new.len() - suffix];
    let mut ops = vec![Op::Same; prefix];
    if a.len().saturating_mul(b.len()) > 4_000_000 {
        ops.extend(std::iter::repeat_n(Op::Removed, a.len()));
        ops.extend(std::iter::repeat_n(Op::Added, b.len()));
    } else {
        // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
        let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
        for i in (0..a.len()).rev() {
            for j in (0..b.len()).rev() {
                lcs[i][j] = if a[i] == b[j] {
                    lcs[i + 1][j + 1] + 1
                } else {
                    lcs[i + 1][j].max(lcs[i][j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            if i < a.len() && j < b.len() && a[i] == b[j] {
                ops.push(Op::Same);
                i += 1;
                j += 1;
            } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
                // Removed lines go before the lines that replace them.
                ops.push(Op::Removed);
                i += 1;
            } else {
                ops.push(Op::Added);
                j += 1;
            }
        }
    }
    ops.extend(std::iter::repeat_n(Op::Same, suffix));
    ops
}

fn read_optional(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Every file under `dir` (none if it does not exist), by relative path.
fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    if !dir.is_dir() {
        return BTreeMap::new();
    }
    files_under(dir)
        .into_iter()
        .map(|rel| {
            let bytes = std::fs::read(dir.join(&rel)).unwrap();
            (rel, bytes)
        })
        .collect()
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walking a case's site");
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn every_case_folder_has_a_test() {
    let mut folders: Vec<String> = std::fs::read_dir(golden_dir())
        .unwrap()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut cases: Vec<String> = CASES.iter().map(|c| c.to_string()).collect();
    cases.sort();
    assert_eq!(
        folders, cases,
        "every folder in tests/golden/ is a case with a line in `golden!` in tests/golden.rs"
    );
}

#[test]
fn redaction_replaces_the_temp_path_and_the_time() {
    let redactor = Redactor {
        paths: vec!["/private/tmp/x1".into(), "/tmp/x1".into()],
    };
    assert_eq!(
        redactor.redact("at /private/tmp/x1/site and /tmp/x1/public"),
        "at [TEMP]/site and [TEMP]/public"
    );
    assert_eq!(
        redact_time("built 2 pages, 1 section; wrote 9 files, removed 0 in 16 ms\n"),
        "built 2 pages, 1 section; wrote 9 files, removed 0 in [TIME] ms\n"
    );
    assert_eq!(
        redact_time("written in 2024 and in 3 s"),
        "written in 2024 and in 3 s"
    );
}

#[test]
fn the_diff_shows_line_numbers_and_context() {
    let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\n";
    let new = "a\nb\nc\nd\nE\nf\ng\nh\ni\nj";
    let shown = diff(old, new);
    assert_eq!(
        shown,
        "    @@ -2,8 +2,9 @@\n\
         \x20    2  2   b\n\
         \x20    3  3   c\n\
         \x20    4  4   d\n\
         \x20    5    - e\n\
         \x20       5 + E\n\
         \x20    6  6   f\n\
         \x20    7  7   g\n\
         \x20    8  8   h\n\
         \x20    9  9   i\n\
         \x20      10 + j\n\
         \x20           \\ No newline at end of file\n"
    );
    assert_eq!(diff("same\n", "same\n"), "");
}
