//! Zola beside docent: the same content as `generate_docent`, with Zola's config and Tera
//! templates equivalent to docent's, and cold builds of it. Zola renders no maths, so its
//! teaching corpus is built with code highlighting only.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{Extra, Fresh, Run, measure, median, write};

/// The Zola binary: `DOCENT_BENCH_ZOLA` (a path), else `zola` on PATH, if it runs.
pub(super) fn find() -> Option<PathBuf> {
    let zola = std::env::var_os("DOCENT_BENCH_ZOLA").map_or_else(|| "zola".into(), PathBuf::from);
    Command::new(&zola)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| zola)
}

/// The median of `runs` cold builds of a Zola site generated with `extra`, each into an output
/// folder that never existed.
pub(super) fn zola_build(
    zola: &Path,
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
    let site = root.join(format!("zola-{kind}{size}"));
    generate_zola(&site, size, extra);
    median(runs, || {
        measure(
            Command::new(zola)
                // Zola logs its progress at info level to stderr; warnings and errors still show.
                .env("RUST_LOG", "zola=warn")
                .arg("--root")
                .arg(&site)
                .arg("build")
                .arg("--output-dir")
                .arg(fresh.next()),
        )
    })
}

/// The docent site of `generate_docent` for Zola 0.22: the front matter and `@/` links are the
/// same; the config and templates are Zola's. With `extra.maths` the formula stays plain text
/// (`$...$`), as Zola has no maths.
pub(super) fn generate_zola(root: &Path, pages: usize, extra: Extra) {
    let taxonomies = if extra.tags {
        "taxonomies = [{ name = \"tags\", paginate_by = 10 }]\n"
    } else {
        ""
    };
    // Since 0.22 a theme under `[markdown.highlighting]` turns highlighting on; classes, as
    // docent writes, rather than inline colours.
    let highlighting = if extra.code {
        "[markdown.highlighting]\ntheme = \"github-light\"\nstyle = \"class\"\nerror_on_missing_language = true\n"
    } else {
        ""
    };
    // docent writes a 50-entry atom.xml and a link beside each heading by default: so does this
    // site, with Zola's own templates for both.
    write(
        &root.join("config.toml"),
        &format!(
            "title = \"Bench\"\nbase_url = \"https://bench.example.org\"\ncompile_sass = false\nbuild_search_index = false\ngenerate_feeds = true\nfeed_limit = 50\n{taxonomies}[markdown]\ninsert_anchor_links = \"right\"\n{highlighting}"
        ),
    );
    // Zola's Tera escapes by default; the rendered Markdown is HTML already.
    super::write_tera_site(root, pages, extra, "page.content | safe");
}
