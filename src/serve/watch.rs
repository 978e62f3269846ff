//! Watches the site's sources with notify: content/, templates/ and static/ recursively, and the
//! site root itself, for site.toml and for those folders coming and going. Nothing else under
//! the root (the output folder, target/, .git/) is watched at all.
//!
//! Raw events are sent on a channel; [`Watching::changes`] turns each into a [`Batch`] with the
//! pure [`classify`].

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use notify::event::ModifyKind;
use notify::{Event, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use super::change::{Batch, WATCHED_DIRS, classify};

/// How often `--poll` reads every file. It compares contents: notify compares mtimes only to
/// the second, which would miss a second save within the same second.
const POLL_INTERVAL: Duration = Duration::from_millis(300);

pub(crate) type Events = UnboundedReceiver<notify::Result<Event>>;

pub(crate) struct Watching {
    watcher: Box<dyn Watcher + Send>,
    /// The site root, canonical, as notify reports paths under it.
    root: PathBuf,
}

/// Starts watching `root` (a canonical path). `poll` uses a polling watcher, for file systems
/// that send no notifications (network drives, some containers).
pub(crate) fn start(root: &Path, poll: bool) -> Result<(Watching, Events)> {
    let (tx, rx) = unbounded_channel();
    let handler = move |event| {
        // Fails only once the server is shutting down.
        let _ = tx.send(event);
    };
    let watcher: Box<dyn Watcher + Send> = if poll {
        Box::new(PollWatcher::new(
            handler,
            notify::Config::default()
                .with_poll_interval(POLL_INTERVAL)
                .with_compare_contents(true),
        )?)
    } else {
        Box::new(RecommendedWatcher::new(handler, notify::Config::default())?)
    };
    let mut watching = Watching {
        watcher,
        root: root.to_path_buf(),
    };
    watching
        .watcher
        .watch(root, RecursiveMode::NonRecursive)
        .with_context(|| format!("could not watch {}", root.display()))?;
    for dir in WATCHED_DIRS {
        watching.watch_dir(dir);
    }
    Ok((watching, rx))
}

impl Watching {
    /// The changes one notify event stands for. A watched folder that was created, removed or
    /// renamed is watched afresh, so a new `content/` is seen like the old one.
    pub(crate) fn changes(&mut self, event: notify::Result<Event>) -> Batch {
        let event = match event {
            Ok(event) => event,
            Err(err) => {
                eprintln!("warning: file watcher: {err}");
                return Batch::default();
            }
        };
        if event.need_rescan() {
            return Batch::unknown();
        }
        let mut batch = Batch::default();
        for path in &event.paths {
            let Ok(rel) = path.strip_prefix(&self.root) else {
                continue;
            };
            let rel = rel.to_string_lossy().replace('\\', "/");
            // Only when the folder itself came or went: watching opens every folder below, and
            // reacting to those opens would loop.
            if comes_or_goes(&event.kind) && WATCHED_DIRS.contains(&rel.as_str()) {
                self.watch_dir(&rel);
            }
            batch.add(classify(&rel, &event.kind), rel);
        }
        batch
    }

    fn watch_dir(&mut self, dir: &str) {
        let path = self.root.join(dir);
        // Fails when it was not watched, which is fine.
        let _ = self.watcher.unwatch(&path);
        if !path.is_dir() {
            return;
        }
        if let Err(err) = self.watcher.watch(&path, RecursiveMode::Recursive) {
            eprintln!("warning: could not watch {}: {err}", path.display());
        }
    }
}

fn comes_or_goes(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(_))
    )
}
