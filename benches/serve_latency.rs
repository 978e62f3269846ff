//! Save-to-reload latency of `docent serve`: the time from writing a file to the live-reload
//! event reaching a connected page, measured over the real binary and a real socket.
//!
//! Two sites: a copy of the bundled site, and a generated one of 10,000 pages. Each gets a run
//! of body saves and front-matter saves (a title), each answered by a `pages` event that names
//! the saved page, and, on the bundled site, stylesheet saves (a `css` event).
//! Besides the median and p95 latency it reports the median build time the server printed, so
//! the rest (notify, the debounce windows, the event) can be told apart from rendering.
//!
//! Run with `cargo bench --bench serve_latency`. Set `DOCENT_BENCH_SAVES` to change the count
//! and `DOCENT_BENCH_GAP_MS` the pause between saves.

#[path = "../tests/serve/support.rs"]
mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use support::Server;

const PAGES: usize = 10_000;
const PER_SECTION: usize = 1_000;

fn main() {
    let saves: usize = std::env::var("DOCENT_BENCH_SAVES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let dir = tempfile::tempdir().expect("temp dir");

    let bundled = dir.path().join("bundled");
    copy_site(Path::new(env!("CARGO_MANIFEST_DIR")), &bundled);
    let page = first_markdown(&bundled.join("content/guide"));
    println!(
        "bundled site ({} Markdown files), {saves} saves each",
        count_markdown(&bundled.join("content"))
    );
    measure(&bundled, &page, Save::Body, saves);
    measure(&bundled, &page, Save::Title, saves);
    measure(
        &bundled,
        &bundled.join("static/css/site.css"),
        Save::Css,
        saves,
    );

    let large = dir.path().join("large");
    copy_site(Path::new(env!("CARGO_MANIFEST_DIR")), &large);
    generate(&large.join("content/bulk"));
    println!(
        "generated site ({} Markdown files), {saves} saves",
        count_markdown(&large.join("content"))
    );
    let page = large.join("content/bulk/s3/p3500.md");
    measure(&large, &page, Save::Body, saves);
    measure(&large, &page, Save::Title, saves);
}

/// What a save changes, and so which event answers it.
#[derive(Clone, Copy, PartialEq)]
enum Save {
    /// A new paragraph.
    Body,
    /// A new title in the front matter: the page, its neighbours and its listings change.
    Title,
    /// A new comment in a stylesheet.
    Css,
}

impl Save {
    fn apply(self, original: &str, i: usize) -> String {
        match self {
            Save::Body => format!("{original}\n\nSave number {i}, with *new* words.\n"),
            Save::Title => {
                let (line, rest) = original
                    .split_once("title = ")
                    .and_then(|(before, after)| Some((before, after.split_once('\n')?.1)))
                    .expect("a title line in the front matter");
                format!("{line}title = \"Title number {i}\"\n{rest}")
            }
            Save::Css => format!("{original}\n/* save {i} */\n"),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Save::Body => "body save",
            Save::Title => "title save",
            Save::Css => "css save",
        }
    }

    fn event(self) -> &'static str {
        match self {
            Save::Body | Save::Title => "pages",
            Save::Css => "css",
        }
    }
}

/// Saves `file` `saves` times, each time waiting for the event that answers the save, and
/// prints the figures. Saves are `DOCENT_BENCH_GAP_MS` apart (100 ms unless set).
fn measure(root: &Path, file: &Path, save: Save, saves: usize) {
    let mut server = Server::start(root, &[]);
    let events = server.events();
    events.wait_for("hello");
    let original = fs::read_to_string(file).expect("read the file to save");
    // The page's URL path, as the `pages` event lists it: content/a/b.md is served at /a/b/.
    let url = file
        .strip_prefix(root.join("content"))
        .map_or(String::new(), |rel| {
            format!("\"/{}/\"", rel.with_extension("").to_string_lossy())
        });
    let mut latencies = Vec::new();
    let mut builds = Vec::new();
    // Two warm-up saves fill caches; they are not counted.
    for i in 0..saves + 2 {
        let before = server.stdout_lines().len();
        let text = save.apply(&original, i);
        // Events from the build that followed the last save are not this save's.
        events.drain();
        let started = Instant::now();
        fs::write(file, text).expect("save");
        while save != Save::Css && !events.wait_for("pages").contains(&url) {}
        if save == Save::Css {
            events.wait_for(save.event());
        }
        let latency = started.elapsed();
        let line = server.wait_for_line_after(before, support::PATIENCE, |l| {
            l.contains(" changed (") && l.contains(": rebuilt in ")
        });
        thread::sleep(gap());
        if i >= 2 {
            latencies.push(latency);
            builds.extend(line.as_deref().and_then(build_ms));
        }
    }
    fs::write(file, original).expect("restore");
    latencies.sort();
    builds.sort();
    let build = builds.get(builds.len() / 2).copied().unwrap_or(0);
    let median = latencies[latencies.len() / 2];
    let p95 = latencies[(latencies.len() * 95).div_ceil(100).saturating_sub(1)];
    println!(
        "  {:<10} median {:>7.1} ms   p95 {:>7.1} ms   (build, as printed: median {build} ms; the rest: {:.1} ms)",
        save.name(),
        ms(median),
        ms(p95),
        ms(median) - build as f64
    );
}

/// The pause between saves.
fn gap() -> Duration {
    let ms = std::env::var("DOCENT_BENCH_GAP_MS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100);
    Duration::from_millis(ms)
}

fn build_ms(line: &str) -> Option<u64> {
    line.split(": rebuilt in ")
        .nth(1)?
        .split(' ')
        .next()?
        .parse()
        .ok()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn copy_site(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    fs::copy(from.join("site.toml"), to.join("site.toml")).expect("copy site.toml");
    for dir in ["content", "templates", "static"] {
        copy_dir(&from.join(dir), &to.join(dir));
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            fs::copy(&path, to.join(entry.file_name())).expect("copy");
        }
    }
}

fn first_markdown(dir: &Path) -> PathBuf {
    let mut pages: Vec<PathBuf> = fs::read_dir(dir)
        .expect("read dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md"))
        .collect();
    pages.sort();
    pages.into_iter().next().expect("a page in content/guide")
}

fn count_markdown(dir: &Path) -> usize {
    fs::read_dir(dir)
        .expect("read dir")
        .flatten()
        .map(|e| e.path())
        .map(|p| {
            if p.is_dir() {
                count_markdown(&p)
            } else {
                usize::from(p.extension().is_some_and(|e| e == "md"))
            }
        })
        .sum()
}

/// Writes 10,000 pages in sections of 1,000: a few paragraphs, a table, a list, a footnote.
fn generate(dir: &Path) {
    for s in 0..PAGES.div_ceil(PER_SECTION) {
        let section = dir.join(format!("s{s}"));
        fs::create_dir_all(&section).expect("mkdir");
        let index =
            format!("+++\ntitle = \"Bulk {s}\"\nsort_by = \"title\"\n+++\n\nSection {s}.\n");
        fs::write(section.join("_index.md"), index).expect("write");
        for k in s * PER_SECTION..((s + 1) * PER_SECTION).min(PAGES) {
            fs::write(section.join(format!("p{k}.md")), generated_page(k, s)).expect("write");
        }
    }
}

fn generated_page(k: usize, s: usize) -> String {
    format!(
        r#"+++
title = "Page {k}"
description = "Generated page number {k}."
+++

## Overview

Health informatics page {k} explains how data, people and systems meet. This paragraph has enough
words to look like a real article, with *emphasis*, **strong text** and a [link](https://example.org/{k}).

Another paragraph follows, so the summary and the reading time have something to count. It
mentions records, coding, privacy and analytics.

## Details

| Field | Value | Note |
|---|---|---|
| id | {k} | generated |
| section | {s} | bulk |
| kind | page | test |

- first item about records
- second item about analytics
- third item about privacy

A closing paragraph with a footnote.[^1]

[^1]: The footnote for page {k}.
"#
    )
}
