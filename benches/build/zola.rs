//! Zola beside docent: the same content as `generate_docent`, with Zola's config and Tera
//! templates equivalent to docent's, and cold builds of it. Zola renders no maths, so its
//! teaching corpus is built with code highlighting only.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{Extra, Fresh, Run, generate_content, measure, median, tags_of, write};

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
    } else {
        write(
            &root.join("templates/section.html"),
            "{% extends \"base.html\" %}{% block title %}{{ section.title }}{% endblock title %}{% block main %}<h1>{{ section.title }}</h1><ul>{% for p in section.pages %}<li><a href=\"{{ p.path }}\">{{ p.title }}</a></li>{% endfor %}</ul>{% endblock main %}\n",
        );
    }
    write(
        &root.join("templates/base.html"),
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{% block title %}{% endblock title %}</title></head><body>{% block main %}{% endblock main %}</body></html>\n",
    );
    // Zola's Tera escapes by default; the rendered Markdown is HTML already.
    write(
        &root.join("templates/page.html"),
        "{% extends \"base.html\" %}{% block title %}{{ page.title }}{% endblock title %}{% block main %}<h1>{{ page.title }}</h1><nav><ul>{% for h in page.toc %}<li><a href=\"#{{ h.id }}\">{{ h.title }}</a><ul>{% for c in h.children %}<li><a href=\"#{{ c.id }}\">{{ c.title }}</a></li>{% endfor %}</ul></li>{% endfor %}</ul></nav>{{ page.content | safe }}{% endblock main %}\n",
    );
    write(
        &root.join("templates/index.html"),
        "{% extends \"base.html\" %}{% block title %}Home{% endblock title %}{% block main %}<ul>{% for s in section.subsections %}<li>{{ s }}</li>{% endfor %}</ul>{% endblock main %}\n",
    );
}
