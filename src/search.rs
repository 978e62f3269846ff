//! The search index: Pagefind, used as a library, indexes the rendered pages in memory and
//! returns its index and UI files, which are written with the rest of the site.

use anyhow::{Context, Result};
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

/// The folder, at the site root, that holds the index and the search UI.
pub const BUNDLE: &str = "pagefind";

/// Indexes `(url, html)` pages and returns `(output path, bytes)` for every index file.
pub fn index(mut pages: Vec<(String, String)>, language: &str) -> Result<Vec<(String, Vec<u8>)>> {
    // Pages arrive in whatever order the render threads finish; Pagefind's output depends on
    // the order it is given, and the site must be the same bytes on every build.
    pages.sort();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("could not start the search indexer")?;
    runtime.block_on(async {
        let config = PagefindServiceConfig::builder()
            .force_language(language.to_string())
            .build();
        let mut index = PagefindIndex::new(Some(config)).context("could not set up Pagefind")?;
        for (url, html) in pages {
            index
                .add_html_file(None, Some(url.clone()), html)
                .await
                .with_context(|| format!("could not index {url} for search"))?;
        }
        let files = index
            .get_files()
            .await
            .context("could not build the search index")?;
        Ok(files
            .into_iter()
            .map(|f| {
                (
                    format!(
                        "{BUNDLE}/{}",
                        f.filename.to_string_lossy().replace('\\', "/")
                    ),
                    f.contents,
                )
            })
            .collect())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_pages_into_a_bundle() {
        let pages = vec![
            ("/a/".to_string(), "<html><body><main data-pagefind-body><h1>Coding</h1><p>Medical coding work.</p></main></body></html>".to_string()),
            ("/b/".to_string(), "<html><body><main data-pagefind-body><h1>Systems</h1><p>Informatics systems.</p></main></body></html>".to_string()),
        ];
        let files = index(pages.clone(), "en").unwrap();
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        for expected in [
            "pagefind/pagefind.js",
            "pagefind/pagefind-ui.js",
            "pagefind/pagefind-ui.css",
        ] {
            assert!(
                names.contains(&expected),
                "{expected} missing from {names:?}"
            );
        }
        assert_eq!(
            index(pages, "en").unwrap(),
            files,
            "the index is deterministic"
        );
    }
}
