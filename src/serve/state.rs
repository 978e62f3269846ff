//! What the server shows, shared by the builder and the request handlers: the last good build,
//! the current build error, and the channel that tells open pages what changed.
//!
//! Nothing here is global: `serve::run` makes one [`Shared`] and hands it to both sides.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use tokio::sync::broadcast;

use crate::pipeline::Built;
use crate::search;

/// One good build, whole. Requests hold an `Arc` of it, so a new build never tears a response.
/// Files are reference-counted: a snapshot that changes a few pages shares all the others.
pub(crate) struct Snapshot {
    pub(crate) files: BTreeMap<String, Bytes>,
    /// The search index to build when a page asks for it, if the site has one.
    pub(crate) search: Option<Arc<search::Plan>>,
    /// 1 for the first good build, 0 while there is none.
    pub(crate) build: u64,
}

/// A message for open pages, sent over server-sent events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reload {
    /// Reload the page; the new build's tag.
    Page(String),
    /// Reload only the pages at these URL paths; the others are current as of the new build's
    /// tag.
    Pages(String, Vec<String>),
    /// Only stylesheets changed: swap them in place; the new build's tag.
    Css(String),
    /// Show this overlay (escaped HTML): the build failed.
    Overlay(String),
    /// The error is fixed: remove the overlay.
    Clear,
}

pub(crate) struct Shared {
    site: RwLock<Arc<Snapshot>>,
    /// The overlay for the current build error, if the last build failed, with the good build
    /// it stands over.
    error: Mutex<Option<(u64, String)>>,
    reload: broadcast::Sender<Reload>,
    /// Tells this server apart from an earlier one, so pages reload after a restart.
    session: String,
}

impl Shared {
    pub(crate) fn new() -> Shared {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Shared {
            site: RwLock::new(Arc::new(Snapshot {
                files: BTreeMap::new(),
                search: None,
                build: 0,
            })),
            error: Mutex::new(None),
            reload: broadcast::channel(64).0,
            session: format!("{:x}", nanos ^ u128::from(std::process::id())),
        }
    }

    pub(crate) fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.site.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// The overlay for the build error that stands over good build `build`, if any. A page of
    /// a newer build than the error's is past it: the build that fixed it is being published.
    pub(crate) fn error(&self, build: u64) -> Option<String> {
        let error = self.error.lock().unwrap_or_else(PoisonError::into_inner);
        error
            .as_ref()
            .filter(|(over, _)| *over == build)
            .map(|(_, overlay)| overlay.clone())
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Reload> {
        self.reload.subscribe()
    }

    /// Names a build for pages: a page whose tag differs from the server's is out of date.
    pub(crate) fn tag(&self, build: u64) -> String {
        format!("{}-{build}", self.session)
    }

    /// Serves a new good build and tells open pages: only those at `changed` (URL paths) when it
    /// is given, else every page. After an error, pages always reload: the builds that failed
    /// may have hidden other changes.
    ///
    /// Returns the build it replaced. Freeing a large site takes tens of milliseconds, so the
    /// caller drops it off the path to the browser.
    #[must_use = "drop the old build where its freeing does not delay anything"]
    pub(crate) fn publish(
        &self,
        built: Built,
        css_only: bool,
        changed: Option<Vec<String>>,
    ) -> Arc<Snapshot> {
        let next = (built.files, built.search.map(Arc::new));
        let kind = if css_only {
            Kind::Css
        } else {
            Kind::Pages(changed)
        };
        self.swap(|_| next, kind)
    }

    fn swap(
        &self,
        next: impl FnOnce(&Snapshot) -> (BTreeMap<String, Bytes>, Option<Arc<search::Plan>>),
        kind: Kind,
    ) -> Arc<Snapshot> {
        let (old, build) = {
            let mut site = self.site.write().unwrap_or_else(PoisonError::into_inner);
            let build = site.build + 1;
            let (files, search) = next(&site);
            let snapshot = Snapshot {
                files,
                search,
                build,
            };
            (std::mem::replace(&mut *site, Arc::new(snapshot)), build)
        };
        let had_error = self
            .error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .is_some();
        // A send fails only when no page is listening, which is fine.
        if had_error {
            let _ = self.reload.send(Reload::Clear);
        }
        let tag = self.tag(build);
        let _ = self.reload.send(match kind {
            _ if had_error => Reload::Page(tag),
            Kind::Css => Reload::Css(tag),
            Kind::Pages(Some(paths)) => Reload::Pages(tag, paths),
            Kind::Pages(None) => Reload::Page(tag),
        });
        old
    }

    /// Shows a build error on every open page; the last good build stays served.
    pub(crate) fn fail(&self, overlay: String) {
        let build = self.snapshot().build;
        *self.error.lock().unwrap_or_else(PoisonError::into_inner) = Some((build, overlay.clone()));
        let _ = self.reload.send(Reload::Overlay(overlay));
    }
}

/// What a new build asks of open pages.
enum Kind {
    Css,
    /// Reload the pages at these URL paths, or every page.
    Pages(Option<Vec<String>>),
}

/// The URL path a page is served at: `guide/x/index.html` is `/guide/x/`.
pub(crate) fn url_path(file: &str) -> String {
    format!("/{}", file.strip_suffix("index.html").unwrap_or(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(text: &str) -> Built {
        site(BTreeMap::from([(
            "index.html".to_string(),
            Bytes::copy_from_slice(text.as_bytes()),
        )]))
    }

    fn site(files: BTreeMap<String, Bytes>) -> Built {
        Built {
            files,
            search: None,
            counts: crate::pipeline::Counts {
                pages: 1,
                sections: 0,
            },
            laps: crate::timings::Laps::start(),
            until: None,
        }
    }

    #[test]
    fn builds_are_swapped_whole_and_pages_told() {
        let shared = Shared::new();
        let mut rx = shared.subscribe();
        let before = shared.snapshot();
        let _ = shared.publish(files("one"), false, None);
        assert_eq!(
            before.build, 0,
            "a request in flight keeps the build it started with"
        );
        assert_eq!(shared.snapshot().build, 1);
        assert_eq!(rx.try_recv().ok(), Some(Reload::Page(shared.tag(1))));
        let _ = shared.publish(files("two"), true, None);
        assert_eq!(rx.try_recv().ok(), Some(Reload::Css(shared.tag(2))));
    }

    #[test]
    fn an_error_keeps_the_last_good_build_until_the_next() {
        let shared = Shared::new();
        let _ = shared.publish(files("good"), false, None);
        let mut rx = shared.subscribe();
        shared.fail("<div>bad</div>".into());
        assert_eq!(
            rx.try_recv().ok(),
            Some(Reload::Overlay("<div>bad</div>".into()))
        );
        assert_eq!(shared.snapshot().files["index.html"], &b"good"[..]);
        assert!(shared.error(1).is_some());
        assert!(
            shared.error(2).is_none(),
            "a page of the build that fixes it, read before the error is cleared, has no overlay"
        );
        let _ = shared.publish(files("fixed"), true, None);
        assert_eq!(rx.try_recv().ok(), Some(Reload::Clear));
        assert_eq!(
            rx.try_recv().ok(),
            Some(Reload::Page(shared.tag(2))),
            "a reload, not a CSS swap"
        );
        assert!(shared.error(1).is_none() && shared.error(2).is_none());
    }

    #[test]
    fn a_build_can_reload_only_the_pages_it_changed() {
        let shared = Shared::new();
        let _ = shared.publish(files("home"), false, None);
        let mut rx = shared.subscribe();
        let _ = shared.publish(files("all"), false, Some(vec!["/".into()]));
        assert_eq!(
            rx.try_recv().ok(),
            Some(Reload::Pages(shared.tag(2), vec!["/".into()]))
        );
    }
}
