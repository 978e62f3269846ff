//! The search index: Pagefind, used as a library, indexes the rendered pages in memory and
//! returns its index and UI files, which are written with the rest of the site.
//!
//! Indexing costs more than rendering, so it runs on a thread of its own and takes each page
//! as soon as it is rendered, while the other pages are still being rendered and written.

use std::collections::HashMap;
use std::sync::{OnceLock, mpsc};
use std::thread;

use anyhow::{Context, Result, anyhow};
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::config::Config;
use crate::pipeline::Sink;
use crate::site::Site;
use crate::views::Urls;

/// The folder, at the site root, that holds the index and the search UI.
pub(crate) const BUNDLE: &str = "pagefind";

/// `(output path, bytes)` for every file of the bundle.
pub(crate) type Files = Vec<(String, Vec<u8>)>;

enum Message {
    Page(String, String),
    Finish,
}

/// A search index being built on its own thread.
pub(crate) struct Indexer {
    pages: mpsc::Sender<Message>,
    worker: thread::JoinHandle<Result<Files>>,
}

impl Indexer {
    /// Starts an indexer for pages with these URLs. Pagefind numbers pages in the order it is
    /// given them, and the site must be the same bytes on every build, so pages are indexed in
    /// sorted URL order whatever order they arrive in.
    /// `language` is the language of every page, or `None` for a site in several: then
    /// Pagefind reads each page's `<html lang>` and makes an index per language.
    pub(crate) fn start(language: Option<&str>, mut urls: Vec<String>) -> Result<Indexer> {
        urls.sort();
        let (pages, inbox) = mpsc::channel();
        let language = language.map(str::to_string);
        let worker = thread::Builder::new()
            .name("search index".into())
            .spawn(move || index_in_order(language, &urls, inbox))
            .context("could not start the search indexer")?;
        Ok(Indexer { pages, worker })
    }

    /// Hands over one rendered page.
    pub(crate) fn add(&self, url: String, html: String) {
        // A send fails only when the worker has stopped on an error, which `finish` reports.
        let _ = self.pages.send(Message::Page(url, html));
    }

    /// Waits for the index and returns its files.
    pub(crate) fn finish(self) -> Result<Files> {
        let _ = self.pages.send(Message::Finish);
        self.worker
            .join()
            .map_err(|_| anyhow!("the search indexer stopped unexpectedly"))?
    }
}

/// What to index, for a build that leaves the index for later (`docent serve` builds it when a
/// page first asks for it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Plan {
    /// The language of every page; `None` when the site has several.
    pub(crate) language: Option<String>,
    /// Each page's URL and the output file that holds its HTML.
    pub(crate) pages: Vec<(String, String)>,
}

impl Plan {
    /// Every page and section, as the search index names it (its URL path), and its file;
    /// not those of a language whose `build_search_index` is off.
    pub(crate) fn of(site: &Site, urls: &Urls, config: &Config) -> Plan {
        let left_out: Vec<&str> = config
            .languages
            .iter()
            .filter(|(_, l)| !l.build_search_index)
            .map(|(code, _)| code.as_str())
            .collect();
        let pages = site
            .docs()
            .filter(|(_, doc)| doc.rendered() && !left_out.contains(&&*doc.lang))
            .map(|(_, doc)| (urls.path(&doc.path), doc.output.clone()))
            .collect();
        let language = config.languages.is_empty().then(|| config.language.clone());
        Plan { language, pages }
    }

    /// Indexes the pages, reading their HTML with `html` (a missing file is skipped).
    pub(crate) fn index<'a>(&self, html: impl Fn(&str) -> Option<&'a [u8]>) -> Result<Files> {
        let urls = self.pages.iter().map(|(url, _)| url.clone()).collect();
        let indexer = Indexer::start(self.language.as_deref(), urls)?;
        for (url, file) in &self.pages {
            if let Some(bytes) = html(file) {
                indexer.add(url.clone(), String::from_utf8_lossy(bytes).into_owned());
            }
        }
        indexer.finish()
    }
}

/// A sink that indexes the pages it is given for search while passing every file on, so the
/// index is built as pages are rendered. [`Indexing::finish`] adds the index's own files.
pub(crate) struct Indexing<'a> {
    inner: &'a dyn Sink,
    /// The indexer, once the run announces its pages, and each page's URL by file.
    indexer: OnceLock<(Indexer, HashMap<String, String>)>,
}

impl<'a> Indexing<'a> {
    pub(crate) fn new(inner: &'a dyn Sink) -> Indexing<'a> {
        Indexing {
            inner,
            indexer: OnceLock::new(),
        }
    }

    /// Waits for the index, if the run announced one, and puts its files.
    pub(crate) fn finish(self) -> Result<()> {
        if let Some((indexer, _)) = self.indexer.into_inner() {
            for (file, bytes) in indexer.finish()? {
                self.inner.put(&file, bytes.into())?;
            }
        }
        Ok(())
    }
}

impl Sink for Indexing<'_> {
    fn search(&self, plan: Plan) -> Result<()> {
        let urls = plan.pages.iter().map(|(url, _)| url.clone()).collect();
        let indexer = Indexer::start(plan.language.as_deref(), urls)?;
        let by_file = plan
            .pages
            .into_iter()
            .map(|(url, file)| (file, url))
            .collect();
        if self.indexer.set((indexer, by_file)).is_err() {
            anyhow::bail!("a run announced its search index twice; this is a bug");
        }
        Ok(())
    }

    fn put(&self, file: &str, bytes: bytes::Bytes) -> Result<()> {
        if let Some((indexer, by_file)) = self.indexer.get()
            && let Some(url) = by_file.get(file)
        {
            indexer.add(url.clone(), String::from_utf8_lossy(&bytes).into_owned());
        }
        self.inner.put(file, bytes)
    }
}

/// Indexes what arrives in `inbox`, in the order of `urls`. If the sender goes away without
/// [`Message::Finish`] (the build failed), it stops without building the index.
fn index_in_order(
    language: Option<String>,
    urls: &[String],
    inbox: mpsc::Receiver<Message>,
) -> Result<Files> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("could not start the search indexer")?;
    runtime.block_on(async {
        let builder = PagefindServiceConfig::builder();
        let config = match language {
            Some(language) => builder.force_language(language).build(),
            None => builder.build(),
        };
        let mut index = PagefindIndex::new(Some(config)).context("could not set up Pagefind")?;
        let mut waiting: HashMap<String, String> = HashMap::new();
        let mut next = 0;
        loop {
            match inbox.recv() {
                Ok(Message::Page(url, html)) => {
                    waiting.insert(url, html);
                }
                Ok(Message::Finish) => break,
                Err(_) => return Ok(Vec::new()),
            }
            while let Some((url, html)) = urls
                .get(next)
                .and_then(|url| waiting.remove_entry(url.as_str()))
            {
                add(&mut index, url, html).await?;
                next += 1;
            }
        }
        // Pages whose URL was not announced still go in, in URL order.
        let mut rest: Vec<(String, String)> = waiting.into_iter().collect();
        rest.sort();
        for (url, html) in rest {
            add(&mut index, url, html).await?;
        }
        let files = index
            .get_files()
            .await
            .context("could not build the search index")?;
        Ok(files
            .into_iter()
            .map(|f| {
                let name = f.filename.to_string_lossy().replace('\\', "/");
                (format!("{BUNDLE}/{name}"), f.contents)
            })
            .collect())
    })
}

async fn add(index: &mut PagefindIndex, url: String, html: String) -> Result<()> {
    index
        .add_html_file(None, Some(url.clone()), html)
        .await
        .with_context(|| format!("could not index {url} for search"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(title: &str, text: &str) -> String {
        format!(
            "<html><body><main data-pagefind-body><h1>{title}</h1><p>{text}</p></main></body></html>"
        )
    }

    fn index(pages: &[(&str, String)], announced: &[&str]) -> Files {
        let indexer = Indexer::start(
            Some("en"),
            announced.iter().map(|u| u.to_string()).collect(),
        )
        .expect("the indexer starts");
        for (url, html) in pages {
            indexer.add(url.to_string(), html.clone());
        }
        indexer.finish().expect("the index builds")
    }

    #[test]
    fn indexes_pages_into_a_bundle() {
        let pages = [
            ("/a/", page("Coding", "Medical coding work.")),
            ("/b/", page("Systems", "Informatics systems.")),
        ];
        let files = index(&pages, &["/a/", "/b/"]);
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
        assert!(
            names.iter().any(|n| n.starts_with("pagefind/fragment/")),
            "no page fragments in {names:?}"
        );
    }

    #[test]
    fn the_index_does_not_depend_on_arrival_order() {
        let pages: Vec<(&str, String)> = ["/a/", "/b/", "/c/", "/d/"]
            .into_iter()
            .zip(["Coding", "Systems", "Privacy", "Records"])
            .map(|(url, title)| (url, page(title, &format!("{title} and more words."))))
            .collect();
        let reversed: Vec<(&str, String)> = pages.iter().rev().cloned().collect();
        let announced = ["/a/", "/b/", "/c/", "/d/"];
        let forward = index(&pages, &announced);
        assert_eq!(index(&reversed, &announced), forward);
        // Pages nobody announced are still indexed, after the announced ones, in URL order.
        assert_eq!(index(&reversed, &["/a/", "/b/"]), forward);
    }

    #[test]
    fn a_plan_indexes_the_files_it_names() {
        let plan = Plan {
            language: Some("en".into()),
            pages: vec![
                ("/a/".into(), "a/index.html".into()),
                ("/b/".into(), "b/index.html".into()),
            ],
        };
        let a = page("Coding", "Medical coding work.");
        let b = page("Systems", "Informatics systems.");
        let files = plan
            .index(|file| match file {
                "a/index.html" => Some(a.as_bytes()),
                "b/index.html" => Some(b.as_bytes()),
                _ => None,
            })
            .unwrap();
        assert_eq!(
            files,
            index(&[("/a/", a.clone()), ("/b/", b.clone())], &["/a/", "/b/"])
        );
    }

    #[test]
    fn a_dropped_indexer_stops_without_building() {
        let indexer = Indexer::start(Some("en"), vec!["/a/".into()]).unwrap();
        indexer.add("/a/".into(), page("Coding", "Words."));
        let Indexer { pages, worker } = indexer;
        drop(pages);
        assert_eq!(worker.join().unwrap().unwrap(), Vec::new());
    }
}
