//! Inputs that must never hang a build, write outside its folder, lose pages or exit 0 with
//! broken output: special files, symlinks in the output folder, control characters, and paths
//! two sources claim.

mod common;

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use common::Site;

/// `docent build` with a time limit: a hang fails the test instead of stalling it.
fn build(site: &Site) -> Output {
    Command::cargo_bin("docent")
        .unwrap()
        .current_dir(&site.root)
        .arg("build")
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap()
}

fn fifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn special_files_in_the_sources_are_skipped_with_a_warning() {
    let site = Site::fixture("basic");
    for rel in [
        "content/notes/pipe.md",
        "templates/pipe.html",
        "static/pipe.css",
    ] {
        fifo(&site.root.join(rel));
    }
    let out = build(&site);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).matches("not a regular file").count(),
        3,
        "{}",
        stderr(&out)
    );
    assert!(!site.public("pipe.css").exists());
}

#[test]
fn a_fifo_in_the_output_folder_is_replaced_not_read() {
    let site = Site::fixture("basic");
    site.build_ok();
    let sitemap = site.public("sitemap.xml");
    let before = std::fs::read_to_string(&sitemap).unwrap();
    std::fs::remove_file(&sitemap).unwrap();
    fifo(&sitemap);
    let out = build(&site);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(sitemap.symlink_metadata().unwrap().file_type().is_file());
    assert_eq!(std::fs::read_to_string(&sitemap).unwrap(), before);
}

#[test]
fn a_symlinked_output_folder_is_replaced_and_its_target_left_alone() {
    let site = Site::fixture("basic");
    site.build_ok();
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("notes");
    std::fs::rename(site.public("notes"), &target).unwrap();
    std::fs::write(target.join("mine.txt"), "not docent's").unwrap();
    symlink(&target, site.public("notes")).unwrap();
    // An edit, so the build cannot stop early; the pages under notes/ are unchanged.
    site.write(
        "content/_index.md",
        "+++\ntitle = \"Home again\"\n+++\nHello.\n",
    );
    let out = build(&site);
    assert!(out.status.success(), "{}", stderr(&out));
    let notes = site.public("notes");
    assert!(
        notes.symlink_metadata().unwrap().file_type().is_dir(),
        "the link is a folder now"
    );
    for page in [
        "index.html",
        "first/index.html",
        "two/index.html",
        "diagram.png",
    ] {
        assert!(notes.join(page).is_file(), "notes/{page} was lost");
    }
    assert_eq!(
        std::fs::read_to_string(target.join("mine.txt")).unwrap(),
        "not docent's"
    );
    // The link's target keeps what it had: docent replaced the link, not what it pointed at.
    assert!(target.join("first/index.html").is_file());
}

#[test]
fn a_marker_that_is_a_link_stops_the_build_before_anything_is_written() {
    let site = Site::fixture("basic");
    site.build_ok();
    let elsewhere = tempfile::tempdir().unwrap();
    let secret = elsewhere.path().join("secret.txt");
    std::fs::write(&secret, "secret").unwrap();
    let marker = site.public(".docent-output");
    std::fs::remove_file(&marker).unwrap();
    symlink(&secret, &marker).unwrap();
    site.write("content/_index.md", "+++\ntitle = \"Changed\"\n+++\n");
    let out = build(&site);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is not a regular file"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(&secret).unwrap(), "secret");
}

#[test]
fn escaped_control_characters_never_reach_html_or_xml() {
    let site = Site::fixture("basic");
    let page = "+++\ntitle = \"Bell \\u0007 and escape \\u001b\"\ndate = 2024-06-01\n+++\nBody.\n";
    site.write("content/notes/ctl.md", page);
    let out = build(&site);
    assert!(out.status.success(), "{}", stderr(&out));
    for file in [
        "notes/ctl/index.html",
        "atom.xml",
        "sitemap.xml",
        "notes/index.html",
    ] {
        let text = site.read(file);
        let bad = text
            .chars()
            .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'));
        assert_eq!(bad, None, "{file} holds a control character");
    }
    assert!(
        site.read("atom.xml")
            .contains("Bell \u{FFFD} and escape \u{FFFD}")
    );
}

#[test]
fn a_slug_of_dot_and_aliases_over_other_files_are_errors() {
    let site = Site::fixture("basic");
    let front = "+++\ntitle = \"X\"\nslug = \".\"\n+++\n";
    site.write("content/notes/x.md", front);
    let err = site.build_err();
    assert!(err.contains("slug \".\""), "{err}");
    let front =
        "+++\ntitle = \"X\"\naliases = [\"/style.css\", \"/robots.txt\", \"/notes/\"]\n+++\n";
    site.write("content/notes/x.md", front);
    let err = site.build_err();
    assert_eq!(
        err.matches("\nerror: ").count() + 1,
        4,
        "three clashes and the summary:\n{err}"
    );
    assert!(err.contains("static/style.css writes /style.css"), "{err}");
    assert!(
        err.contains("docent (robots.txt) writes /robots.txt"),
        "{err}"
    );
    assert!(
        err.contains("content/notes/_index.md writes /notes/"),
        "{err}"
    );
}

#[test]
fn a_template_that_loops_for_ever_is_stopped_and_named() {
    let site = Site::fixture("basic");
    let config = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write("site.toml", format!("template_timeout = 1\n{config}"));
    let note = std::fs::read_to_string(site.root.join("templates/note.html")).unwrap();
    let forever =
        "{% for a in range(end=100000) %}{% for b in range(end=100000) %}{% endfor %}{% endfor %}";
    site.write(
        "templates/note.html",
        note.replace("<article>", &format!("<article>{forever}")),
    );
    let started = std::time::Instant::now();
    let out = build(&site);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "stopped near its limit"
    );
    let err = stderr(&out);
    assert!(
        err.contains("rendering templates/note.html for content/notes/"),
        "{err}"
    );
    assert!(err.contains("took more than 1 s"), "{err}");
    assert!(!site.public("notes").exists(), "nothing was written");
}

#[test]
fn a_closed_stdout_is_no_reason_to_fail() {
    // `docent build | head -0`: the report has nowhere to go, and the build still succeeds.
    let site = Site::fixture("basic");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_docent"))
        .arg("--root")
        .arg(&site.root)
        .arg("build")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
