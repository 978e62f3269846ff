//! The floor: the least a static site generator must do with the benchmark's content. It reads
//! every Markdown file, renders it with pulldown-cmark (tables and footnotes on) and writes the
//! HTML to `<out>/<path>/index.html`, in parallel, with no templates, links, listings or index.
//! No generator can be faster than this on the same machine, so docent's time over it is what
//! docent's own work costs.

use std::path::Path;

use rayon::prelude::*;

/// Renders every page under `site/content` into `out`.
pub(super) fn build(site: &Path, out: &Path) {
    let content = site.join("content");
    let files: Vec<_> = walkdir::WalkDir::new(&content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension() == Some("md".as_ref()))
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.par_iter().for_each(|file| {
        let text = std::fs::read_to_string(file).expect("read");
        // The body is what follows the second `+++`.
        let body = text.splitn(3, "+++").nth(2).unwrap_or(&text);
        let options =
            pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_FOOTNOTES;
        let mut html = String::with_capacity(body.len() * 2);
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(body, options));
        let rel = file.strip_prefix(&content).expect("under content");
        let folder = match rel.file_stem().and_then(|s| s.to_str()) {
            Some("_index") => out.join(rel.parent().expect("a parent")),
            _ => out.join(rel.with_extension("")),
        };
        std::fs::create_dir_all(&folder).expect("create folder");
        std::fs::write(folder.join("index.html"), html).expect("write");
    });
}
