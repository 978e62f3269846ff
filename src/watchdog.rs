//! A limit on how long one template render may take. Tera cannot be interrupted, so a
//! template that loops for ever (`{% for a in range(end=100000) %}{% for b in … %}`) would
//! hang the build. Every render says what it is doing ([`rendering`]); a thread started with
//! the first render looks at them a few times a second, and when one has run past the limit it
//! prints an error naming the template and the page and ends the process with status 1. The
//! output folder is untouched: a build writes only into its staging folder until the end, and
//! the next build clears what a stopped one left there.
//!
//! The limit is `template_timeout` in site.toml, in seconds (10 by default).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

/// The default limit, in seconds.
pub(crate) const DEFAULT_SECONDS: u64 = 10;

/// The limit in milliseconds, as the last run set it.
static LIMIT_MS: AtomicU64 = AtomicU64::new(DEFAULT_SECONDS * 1000);
/// Renders in progress: a number for each, when it started, and what it is.
static RUNNING: Mutex<Vec<(u64, Instant, String)>> = Mutex::new(Vec::new());
static NEXT: AtomicU64 = AtomicU64::new(0);
static WATCHER: Once = Once::new();

/// Sets the limit for the renders that follow.
pub(crate) fn set_limit(seconds: u64) {
    LIMIT_MS.store(seconds.max(1) * 1000, Ordering::Relaxed);
}

/// A render in progress; dropping it says the render ended.
pub(crate) struct Rendering(u64);

/// Notes that `what` ("templates/page.html for content/x.md") starts rendering now.
pub(crate) fn rendering(what: impl FnOnce() -> String) -> Rendering {
    WATCHER.call_once(|| {
        let _ = std::thread::Builder::new()
            .name("docent-watchdog".into())
            .spawn(watch);
    });
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    running().push((id, Instant::now(), what()));
    Rendering(id)
}

impl Drop for Rendering {
    fn drop(&mut self) {
        running().retain(|(id, ..)| *id != self.0);
    }
}

fn running() -> std::sync::MutexGuard<'static, Vec<(u64, Instant, String)>> {
    RUNNING.lock().unwrap_or_else(|e| e.into_inner())
}

fn watch() {
    loop {
        std::thread::sleep(Duration::from_millis(200));
        let limit = Duration::from_millis(LIMIT_MS.load(Ordering::Relaxed));
        let late = running()
            .iter()
            .find(|(_, start, _)| start.elapsed() > limit)
            .map(|(_, _, what)| what.clone());
        if let Some(what) = late {
            eprintln!(
                "error: rendering {what} took more than {} s; the template may loop without end\n  \
                 = help: look for a loop over a large range in it, or raise `template_timeout` in site.toml",
                limit.as_secs()
            );
            std::process::exit(1);
        }
    }
}
