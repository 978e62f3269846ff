//! The search index while serving. Building it takes about as long as the rest of a build, so
//! it is not built on every save: the first request for a `pagefind/` file after a build builds
//! it from that build's pages, and later requests share it until the next build.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use tokio::sync::Mutex;

use super::state::Snapshot;

/// The index of one build, by file name under the site root (`pagefind/...`).
type Files = BTreeMap<String, Bytes>;

#[derive(Default)]
pub(crate) struct Search {
    /// The build the index was made from, and its files.
    built: Mutex<Option<(u64, Arc<Files>)>>,
}

impl Search {
    /// A file of the search index for `snapshot`, built first if this build has none yet.
    /// `None` when the site has no search index or no such file.
    pub(crate) async fn file(&self, snapshot: Arc<Snapshot>, name: &str) -> Option<Bytes> {
        let plan = snapshot.search.clone()?;
        // Held while building, so requests that arrive together build the index once.
        let mut built = self.built.lock().await;
        let current = match &*built {
            Some((build, files)) if *build == snapshot.build => Arc::clone(files),
            _ => {
                let older = built.take().map(|(_, files)| files);
                let source = Arc::clone(&snapshot);
                let made = tokio::task::spawn_blocking(move || {
                    plan.index(|file| source.files.get(file).map(|b| &b[..]))
                })
                .await;
                let mut files: Files = match made {
                    Ok(Ok(files)) => files.into_iter().map(|(k, v)| (k, v.into())).collect(),
                    Ok(Err(err)) => {
                        eprintln!("warning: could not build the search index: {err:#}");
                        return None;
                    }
                    Err(_) => return None,
                };
                // A page loaded before the build may still ask for the old index's chunks,
                // whose names are hashes of their contents: keep them.
                if let Some(older) = older {
                    for (name, bytes) in older.iter() {
                        files.entry(name.clone()).or_insert_with(|| bytes.clone());
                    }
                }
                let files = Arc::new(files);
                *built = Some((snapshot.build, Arc::clone(&files)));
                files
            }
        };
        current.get(name).cloned()
    }
}
