//! Build benchmark: generates sites of 1,000 and 10,000 pages, builds them with docent and, where
//! `hugo` is installed, with Hugo on equivalent templates, and where a Zola binary is found
//! (`DOCENT_BENCH_ZOLA`, else `zola` on PATH), with Zola on the same content; it reports wall
//! time, CPU time and peak memory side by side. Run with `cargo bench --bench build`.
//!
//! Each generated page has headings (so a table of contents), a table, lists, a footnote and two
//! internal links; each section lists all its pages. The teaching corpus adds a highlighted code
//! block and a formula to every page; docent builds it with each feature alone too, so each
//! feature's cost is reported; Zola, which has no maths, builds it with code only. Set
//! `DOCENT_BENCH_SIZES=1000` to choose sizes and `DOCENT_BENCH_RUNS` for the runs per figure
//! (the median is reported), `DOCENT_BENCH_SIZES=1000,10000,50000,100000` for the large sizes.
//! `DOCENT_BENCH_PARTS` picks the corpora besides the plain one: `teaching`, `tags` (the
//! default) and `search`, the plain corpus with a Pagefind index, so the index's cost shows alone.
//! Every size also runs the floor program (`build/floor.rs`): the least any generator must do.
//! `DOCENT_BENCH_GENERATE=DIR` only writes the sites into DIR, for profiling by hand.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[path = "build/floor.rs"]
mod floor;
#[path = "build/zola.rs"]
mod zola;

const SECTIONS: usize = 10;

struct Run {
    wall_ms: f64,
    cpu_ms: f64,
    peak_mib: f64,
}

fn main() {
    if let (Some(site), Some(out)) = (
        std::env::var_os("DOCENT_BENCH_FLOOR_SITE"),
        std::env::var_os("DOCENT_BENCH_FLOOR_OUT"),
    ) {
        // This process is the floor program, started by `floor_cold` below.
        floor::build(Path::new(&site), Path::new(&out));
        return;
    }
    let sizes: Vec<usize> = std::env::var("DOCENT_BENCH_SIZES")
        .unwrap_or_else(|_| "1000,10000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    if let Ok(dir) = std::env::var("DOCENT_BENCH_GENERATE") {
        // Only write the sites, for profiling by hand.
        for &size in &sizes {
            generate_docent(
                &Path::new(&dir).join(format!("docent-{size}")),
                size,
                Extra::NONE,
            );
            generate_hugo(
                &Path::new(&dir).join(format!("hugo-{size}")),
                size,
                Extra::NONE,
            );
            let teaching = Path::new(&dir).join(format!("docent-teaching-{size}"));
            generate_docent(&teaching, size, Extra::BOTH);
            for (name, extra) in [("", Extra::NONE), ("tags-", Extra::TAGS)] {
                let zola = Path::new(&dir).join(format!("zola-{name}{size}"));
                zola::generate_zola(&zola, size, extra);
            }
            generate_docent(
                &Path::new(&dir).join(format!("docent-tags-{size}")),
                size,
                Extra::TAGS,
            );
        }
        return;
    }
    // Which corpora besides the plain one: `teaching`, `tags` (both by default).
    let parts = std::env::var("DOCENT_BENCH_PARTS").unwrap_or_else(|_| "teaching,tags".into());
    let runs: usize = std::env::var("DOCENT_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let docent = PathBuf::from(env!("CARGO_BIN_EXE_docent"));
    let hugo = Command::new("hugo")
        .arg("version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| PathBuf::from("hugo"));
    let zola = zola::find();
    let root = tempfile::tempdir().expect("temp dir");

    println!("docent build benchmark ({runs} runs each, median)\n");
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fresh = Fresh::new(root.path());
    let cold = median(runs, || {
        let out = fresh.next();
        measure(docent_build(&docent, bundled).arg("--output-dir").arg(&out))
    });
    println!("bundled site, cold build: {}", show(&cold));

    for &size in &sizes {
        let site = root.path().join(format!("docent-{size}"));
        generate_docent(&site, size, Extra::NONE);
        let mut out = PathBuf::new();
        let docent_cold = median(runs, || {
            out = fresh.next();
            measure(docent_build(&docent, &site).arg("--output-dir").arg(&out))
        });
        let docent_warm = median(runs, || {
            measure(docent_build(&docent, &site).arg("--output-dir").arg(&out))
        });
        println!("\n{size} pages");
        println!("  docent cold:           {}", show(&docent_cold));
        println!(
            "  docent, nothing changed: {}  ({:.2} of cold)",
            show(&docent_warm),
            docent_warm.wall_ms / docent_cold.wall_ms
        );
        let hugo_cold = hugo.as_ref().map(|hugo| {
            let hugo_cold = hugo_build(hugo, root.path(), size, Extra::NONE, runs, &fresh);
            println!("  hugo cold:             {}", show(&hugo_cold));
            compare("hugo", &docent_cold, &hugo_cold);
        });
        if hugo_cold.is_none() {
            println!("  hugo: not installed (apt-get install hugo) - skipped");
        }
        match &zola {
            Some(zola) => {
                let zola_cold =
                    zola::zola_build(zola, root.path(), size, Extra::NONE, runs, &fresh);
                println!("  zola cold:             {}", show(&zola_cold));
                compare("zola", &docent_cold, &zola_cold);
            }
            None => println!(
                "  zola: not found (set DOCENT_BENCH_ZOLA to a zola binary built from source) - skipped"
            ),
        }
        let floor = floor_cold(&site, runs, &fresh);
        println!("  floor cold:            {}", show(&floor));
        compare("floor", &docent_cold, &floor);
        if parts.contains("search") {
            let search = Extra {
                search: true,
                ..Extra::NONE
            };
            let site = root.path().join(format!("docent-search-{size}"));
            generate_docent(&site, size, search);
            let run = self::docent_cold(&docent, &site, runs, &fresh);
            println!(
                "  docent, search index:  {}  (+{:.0} ms for Pagefind)",
                show(&run),
                run.wall_ms - docent_cold.wall_ms
            );
        }
        if parts.contains("teaching") {
            teaching(
                &docent,
                (hugo.as_deref(), zola.as_deref()),
                root.path(),
                size,
                runs,
                &fresh,
                &docent_cold,
            );
        }
        if parts.contains("tags") {
            tagged(
                &docent,
                (hugo.as_deref(), zola.as_deref()),
                root.path(),
                size,
                runs,
                &fresh,
            );
        }
    }
}

/// What the teaching corpus adds to every page, and whether pages carry tags and every list
/// is paginated.
#[derive(Clone, Copy)]
struct Extra {
    code: bool,
    maths: bool,
    tags: bool,
    /// A Pagefind search index of every page.
    search: bool,
}

impl Extra {
    const NONE: Extra = Extra {
        code: false,
        maths: false,
        tags: false,
        search: false,
    };
    const BOTH: Extra = Extra {
        code: true,
        maths: true,
        tags: false,
        search: false,
    };
    const TAGS: Extra = Extra {
        code: false,
        maths: false,
        tags: true,
        search: false,
    };
}

/// The plain corpus with two tags on every page (50 shared terms and one per section), each
/// section and term listed ten pages to a page, beside Hugo and Zola doing the same.
fn tagged(
    docent: &Path,
    (hugo, zola): (Option<&Path>, Option<&Path>),
    root: &Path,
    size: usize,
    runs: usize,
    fresh: &Fresh,
) {
    let site = root.join(format!("docent-tags-{size}"));
    generate_docent(&site, size, Extra::TAGS);
    let run = docent_cold(docent, &site, runs, fresh);
    println!("  tags and pagination (two tags a page, ten pages to a list page):");
    println!("    docent                 {}", show(&run));
    if let Some(hugo) = hugo {
        let hugo_run = hugo_build(hugo, root, size, Extra::TAGS, runs, fresh);
        println!("    hugo                   {}", show(&hugo_run));
        compare("hugo", &run, &hugo_run);
    }
    if let Some(zola) = zola {
        let zola_run = zola::zola_build(zola, root, size, Extra::TAGS, runs, fresh);
        println!("    zola                   {}", show(&zola_run));
        compare("zola", &run, &zola_run);
    }
}

/// A page's tags, in each tool's front matter.
fn tags_of(section: usize, i: usize) -> [String; 2] {
    [format!("t{}", i % 50), format!("s{section}")]
}

/// The teaching corpus: each feature alone, then both, beside Hugo highlighting the same code,
/// and Zola highlighting it without the maths (compared with docent's code-only run).
fn teaching(
    docent: &Path,
    (hugo, zola): (Option<&Path>, Option<&Path>),
    root: &Path,
    size: usize,
    runs: usize,
    fresh: &Fresh,
    plain: &Run,
) {
    println!("  teaching corpus (a code block and a formula on every page):");
    let mut done = Vec::new();
    for (name, extra) in [
        (
            "code",
            Extra {
                code: true,
                ..Extra::NONE
            },
        ),
        (
            "maths",
            Extra {
                maths: true,
                ..Extra::NONE
            },
        ),
        ("both", Extra::BOTH),
    ] {
        let site = root.join(format!("docent-{name}-{size}"));
        generate_docent(&site, size, extra);
        let run = docent_cold(docent, &site, runs, fresh);
        println!(
            "    docent, {name:<6}        {}  (+{:.0} ms over the plain corpus)",
            show(&run),
            run.wall_ms - plain.wall_ms
        );
        done.push(run);
    }
    if let (Some(hugo), Some(both)) = (hugo, done.last()) {
        let hugo_run = hugo_build(hugo, root, size, Extra::BOTH, runs, fresh);
        println!("    hugo, code and maths   {}", show(&hugo_run));
        compare("hugo", both, &hugo_run);
    }
    if let Some(zola) = zola {
        let code = Extra {
            code: true,
            ..Extra::NONE
        };
        let zola_run = zola::zola_build(zola, root, size, code, runs, fresh);
        println!("    zola, code only (no maths) {}", show(&zola_run));
        compare("zola (code only)", &done[0], &zola_run);
    }
}

fn hugo_build(
    hugo: &Path,
    root: &Path,
    size: usize,
    extra: Extra,
    runs: usize,
    fresh: &Fresh,
) -> Run {
    let kind = match (extra.code, extra.tags) {
        (true, _) => "teaching-",
        (_, true) => "tags-",
        _ => "",
    };
    let hsite = root.join(format!("hugo-{kind}{size}"));
    generate_hugo(&hsite, size, extra);
    median(runs, || {
        let _ = std::fs::remove_dir_all(hsite.join("resources"));
        measure(
            Command::new(hugo)
                .arg("--quiet")
                .arg("--source")
                .arg(&hsite)
                .arg("--destination")
                .arg(fresh.next())
                .arg("--cacheDir")
                .arg(fresh.next()),
        )
    })
}

/// Docent's run over the `other` tool's, as ratios.
fn compare(other: &str, docent: &Run, theirs: &Run) {
    println!(
        "  {:<22} wall {:.2}, cpu {:.2}, memory {:.2}",
        format!("docent / {other}:"),
        docent.wall_ms / theirs.wall_ms,
        docent.cpu_ms / theirs.cpu_ms,
        docent.peak_mib / theirs.peak_mib
    );
}

/// Output folders that have never existed. A cold build goes into a new folder rather than one
/// just deleted: ext4 skips inodes freed in the last minute when it allocates new ones, so
/// building straight after `rm -rf` of thousands of files measures that scan, not the tool.
struct Fresh {
    root: PathBuf,
    count: std::cell::Cell<usize>,
}

impl Fresh {
    fn new(root: &Path) -> Fresh {
        Fresh {
            root: root.join("out"),
            count: std::cell::Cell::new(0),
        }
    }

    fn next(&self) -> PathBuf {
        self.count.set(self.count.get() + 1);
        self.root.join(self.count.get().to_string())
    }
}

/// The median of `runs` cold builds of `site`, each into a folder that never existed.
fn docent_cold(docent: &Path, site: &Path, runs: usize, fresh: &Fresh) -> Run {
    median(runs, || {
        measure(
            docent_build(docent, site)
                .arg("--output-dir")
                .arg(fresh.next()),
        )
    })
}

/// The median of `runs` cold runs of the floor program ([`floor`]) on `site`: this benchmark's
/// own binary, started again so that its time and memory are measured alone.
fn floor_cold(site: &Path, runs: usize, fresh: &Fresh) -> Run {
    let me = std::env::current_exe().expect("the benchmark's own path");
    median(runs, || {
        measure(
            Command::new(&me)
                .env("DOCENT_BENCH_FLOOR_SITE", site)
                .env("DOCENT_BENCH_FLOOR_OUT", fresh.next()),
        )
    })
}

fn docent_build(docent: &Path, site: &Path) -> Command {
    let mut command = Command::new(docent);
    command.arg("--root").arg(site).arg("build");
    command
}

fn show(run: &Run) -> String {
    format!(
        "wall {:>8.1} ms   cpu {:>8.1} ms   peak {:>6.1} MiB",
        run.wall_ms, run.cpu_ms, run.peak_mib
    )
}

fn median(runs: usize, mut f: impl FnMut() -> Run) -> Run {
    let mut all: Vec<Run> = (0..runs.max(1)).map(|_| f()).collect();
    all.sort_by(|a, b| a.wall_ms.total_cmp(&b.wall_ms));
    all.swap_remove(all.len() / 2)
}

/// Runs a command to completion and reads its own resource use with wait4, so the figures
/// belong to that one process (and its threads), not to the benchmark.
#[allow(clippy::zombie_processes)] // wait4 below reaps the child; std's wait would find it gone
fn measure(command: &mut Command) -> Run {
    let started = Instant::now();
    let child = command
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own child, not yet waited for; status and usage are valid for writes.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(waited, pid, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{command:?} failed"
    );
    let ms = |t: libc::timeval| t.tv_sec as f64 * 1000.0 + t.tv_usec as f64 / 1000.0;
    Run {
        wall_ms,
        cpu_ms: ms(usage.ru_utime) + ms(usage.ru_stime),
        peak_mib: usage.ru_maxrss as f64 / 1024.0,
    }
}

/// The body of page `i` of `section`: headings, a table, lists, a footnote and two links, with
/// `link` writing an internal link in the tool's own syntax.
fn body(
    section: usize,
    i: usize,
    per: usize,
    extra: Extra,
    link: impl Fn(usize, usize, &str) -> String,
) -> String {
    let next = (i + 1) % per;
    let other = (section + 1) % SECTIONS;
    let mut b = String::new();
    let _ = writeln!(
        b,
        "Page {i} of section {section}. This paragraph has *emphasis*, **strong text** and `code`.\n"
    );
    let _ = writeln!(
        b,
        "## Overview\n\nSee {} and {}.[^1]\n",
        link(section, next, "the next page"),
        link(other, i % per, "a page elsewhere")
    );
    let _ = writeln!(
        b,
        "| Measure | Value | Year |\n|---|---:|---|\n| Median pay | {} | 2023 |\n| Growth | {}% | 2033 |\n",
        50_000 + i * 7,
        i % 30
    );
    let _ = writeln!(
        b,
        "## Details\n\n- first point about item {i}\n- second point\n  - a nested point\n- third point\n\n1. step one\n2. step two\n"
    );
    let _ = writeln!(
        b,
        "### Notes\n\nLorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris.\n"
    );
    if extra.code {
        let _ = writeln!(
            b,
            "## Code\n\n```python\ndef visits_{i}(rows):\n    \"\"\"Count visits per patient.\"\"\"\n    counts = {{}}\n    for row in rows:  # one row per visit\n        counts[row[\"patient\"]] = counts.get(row[\"patient\"], 0) + {section}\n    return sorted(counts.items(), key=lambda kv: -kv[1])[:{i}]\n```\n"
        );
    }
    if extra.maths {
        let _ = writeln!(
            b,
            "The mean of page {i} is $\\bar{{x}} = \\frac{{1}}{{n}} \\sum_{{k=1}}^{{n}} x_k + {i}$.\n"
        );
    }
    let _ = writeln!(
        b,
        "## Summary\n\nA closing paragraph for page {i}.\n\n[^1]: A footnote for page {i}."
    );
    b
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The same content for both tools; only section settings and link syntax differ.
fn generate_content(
    root: &Path,
    pages: usize,
    section_keys: &str,
    (extra, tags): (Extra, &dyn Fn(usize, usize) -> String),
    link: impl Fn(usize, usize, &str) -> String + Copy,
) {
    let per = pages / SECTIONS;
    write(
        &root.join("content/_index.md"),
        "+++\ntitle = \"Home\"\n+++\nThe home page.\n",
    );
    for s in 0..SECTIONS {
        write(
            &root.join(format!("content/s{s}/_index.md")),
            &format!("+++\ntitle = \"Section {s}\"\n{section_keys}+++\n"),
        );
        for i in 0..per {
            let tags = if extra.tags {
                tags(s, i)
            } else {
                String::new()
            };
            let text = format!(
                "+++\ntitle = \"Page {i}\"\nweight = {i}\ndate = 2024-01-01\n{tags}+++\n{}",
                body(s, i, per, extra, link)
            );
            write(&root.join(format!("content/s{s}/p{i}.md")), &text);
        }
    }
}

fn generate_docent(root: &Path, pages: usize, extra: Extra) {
    let taxonomies = if extra.tags {
        "taxonomies = [{ name = \"tags\", paginate_by = 10 }]\n"
    } else {
        ""
    };
    let search = if extra.search {
        "build_search_index = true\n"
    } else {
        ""
    };
    write(
        &root.join("site.toml"),
        &format!(
            "title = \"Bench\"\nbase_url = \"https://bench.example.org\"\n{search}{taxonomies}"
        ),
    );
    write_tera_site(root, pages, extra, "page.content");
}

/// The content and the Tera templates of a generated site, for docent and for Zola alike (Zola's
/// Tera escapes by default, so it shows the page with `page.content | safe`).
fn write_tera_site(root: &Path, pages: usize, extra: Extra, content: &str) {
    let link = |s: usize, p: usize, text: &str| format!("[{text}](@/s{s}/p{p}.md#overview)");
    let tags = |s: usize, i: usize| {
        let [a, b] = tags_of(s, i);
        format!("[taxonomies]\ntags = [\"{a}\", \"{b}\"]\n")
    };
    let keys = if extra.tags {
        "sort_by = \"weight\"\npaginate_by = 10\n"
    } else {
        "sort_by = \"weight\"\n"
    };
    generate_content(root, pages, keys, (extra, &tags), link);
    let list = "{% extends \"base.html\" %}{% block title %}{{ section.title }}{% endblock title %}{% block main %}<h1>{{ section.title }}</h1><ul>{% for p in paginator.pages %}<li><a href=\"{{ p.path }}\">{{ p.title }}</a></li>{% endfor %}</ul>{% if paginator.next %}<a rel=\"next\" href=\"{{ paginator.next }}\">Next</a>{% endif %}{% endblock main %}\n";
    if extra.tags {
        write(&root.join("templates/section.html"), list);
        write(
            &root.join("templates/tags/single.html"),
            &list.replace("section.title", "term.name"),
        );
        write(
            &root.join("templates/tags/list.html"),
            "{% extends \"base.html\" %}{% block title %}Tags{% endblock title %}{% block main %}<ul>{% for t in terms %}<li><a href=\"{{ t.path }}\">{{ t.name }}</a> {{ t.page_count }}</li>{% endfor %}</ul>{% endblock main %}\n",
        );
    }
    write(
        &root.join("templates/base.html"),
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{% block title %}{% endblock title %}</title></head><body>{% block main %}{% endblock main %}</body></html>\n",
    );
    let page = "{% extends \"base.html\" %}{% block title %}{{ page.title }}{% endblock title %}{% block main %}<h1>{{ page.title }}</h1><nav><ul>{% for h in page.toc %}<li><a href=\"#{{ h.id }}\">{{ h.title }}</a><ul>{% for c in h.children %}<li><a href=\"#{{ c.id }}\">{{ c.title }}</a></li>{% endfor %}</ul></li>{% endfor %}</ul></nav>{{ CONTENT }}{% endblock main %}\n"
        .replace("CONTENT", content);
    write(&root.join("templates/page.html"), &page);
    if !extra.tags {
        write(
            &root.join("templates/section.html"),
            "{% extends \"base.html\" %}{% block title %}{{ section.title }}{% endblock title %}{% block main %}<h1>{{ section.title }}</h1><ul>{% for p in section.pages %}<li><a href=\"{{ p.path }}\">{{ p.title }}</a></li>{% endfor %}</ul>{% endblock main %}\n",
        );
    }
    write(
        &root.join("templates/index.html"),
        "{% extends \"base.html\" %}{% block title %}Home{% endblock title %}{% block main %}<ul>{% for s in section.subsections %}<li>{{ s }}</li>{% endfor %}</ul>{% endblock main %}\n",
    );
}

fn generate_hugo(root: &Path, pages: usize, extra: Extra) {
    let kinds = if extra.tags {
        "paginate = 10\n[taxonomies]\ntag = \"tags\"\n"
    } else {
        "disableKinds = [\"taxonomy\", \"term\"]\n"
    };
    write(
        &root.join("hugo.toml"),
        &format!(
            "baseURL = \"https://bench.example.org/\"\ntitle = \"Bench\"\n{kinds}[markup.tableOfContents]\nstartLevel = 2\nendLevel = 3\n"
        ),
    );
    let link = |s: usize, p: usize, text: &str| {
        format!("[{text}]({{{{< ref \"/s{s}/p{p}.md#overview\" >}}}})")
    };
    let tags = |s: usize, i: usize| {
        let [a, b] = tags_of(s, i);
        format!("tags = [\"{a}\", \"{b}\"]\n")
    };
    generate_content(root, pages, "", (extra, &tags), link);
    write(
        &root.join("layouts/_default/baseof.html"),
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ block \"title\" . }}{{ end }}</title></head><body>{{ block \"main\" . }}{{ end }}</body></html>\n",
    );
    write(
        &root.join("layouts/_default/single.html"),
        "{{ define \"title\" }}{{ .Title }}{{ end }}{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ .TableOfContents }}{{ .Content }}{{ end }}\n",
    );
    let list = if extra.tags {
        "{{ define \"title\" }}{{ .Title }}{{ end }}{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range (.Paginate .Pages.ByWeight).Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ with .Paginator.Next }}<a rel=\"next\" href=\"{{ .URL }}\">Next</a>{{ end }}{{ end }}\n"
    } else {
        "{{ define \"title\" }}{{ .Title }}{{ end }}{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages.ByWeight }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n"
    };
    write(&root.join("layouts/_default/list.html"), list);
    if extra.tags {
        write(
            &root.join("layouts/_default/terms.html"),
            "{{ define \"title\" }}Tags{{ end }}{{ define \"main\" }}<ul>{{ range .Data.Terms.ByName }}<li><a href=\"{{ .Page.RelPermalink }}\">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}\n",
        );
    }
    write(
        &root.join("layouts/index.html"),
        "{{ define \"title\" }}Home{{ end }}{{ define \"main\" }}<ul>{{ range .Sections }}<li>{{ .Title }}</li>{{ end }}</ul>{{ end }}\n",
    );
}
