//! Rebuilds on change: feeds file events to the [`Scheduler`], runs its builds on a blocking
//! thread, and shows each result. A good build is served and announced to open pages; a failed
//! one is reported in the terminal and overlaid on every page, and the last good build stays.

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::anyhow;
use axum::body::Bytes;
use tokio::sync::mpsc;

use super::change::Batch;
use super::debounce::Scheduler;
use super::overlay;
use super::state::Shared;
use super::state::{self, Snapshot};
use super::watch::{Events, Watching};
use crate::error::Failure;
use crate::memo::{self, Memo};
use crate::pipeline::{self, Built, Stop};

/// Builds the site, keeping a memo of what each run rendered, so an edit to a body
/// re-renders that one page first.
pub(crate) struct Builder {
    options: pipeline::Options,
    memo: Arc<Mutex<Memo>>,
    /// Stops a follow-up build when a newer change comes: the edit goes first.
    flag: Arc<AtomicBool>,
}

/// One build's result, with what the terminal line reports.
pub(crate) struct Outcome<T = Update> {
    pub(crate) result: Result<T, Failure>,
    /// Pages and sections whose Markdown was rendered, out of all of them.
    pub(crate) rendered: usize,
    pub(crate) total: usize,
    pub(crate) elapsed: Duration,
}

/// What a good build changes in what is served.
pub(crate) enum Update {
    /// A whole new site. Reload the pages at `changed` (URL paths), or every page.
    Site {
        built: Built,
        changed: Option<Vec<String>>,
    },
    /// Edited pages re-rendered alone, on top of the served site. A full build is owed.
    Pages(Vec<(String, Vec<u8>)>),
}

impl Builder {
    pub(crate) fn new(options: pipeline::Options) -> Builder {
        Builder {
            options,
            memo: Arc::new(Mutex::new(Memo::keeping())),
            flag: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Lets the next build run to the end, unless [`Builder::stop`] is called.
    fn arm(&self) {
        self.flag.store(false, Ordering::Relaxed);
    }

    /// Stops the running build at the next page; it fails with [`Failure::Stopped`].
    fn stop(&self) {
        self.flag.store(true, Ordering::Relaxed);
    }

    /// Answers a batch of changes. An edit to Markdown bodies alone re-renders just their
    /// pages when it can; anything else builds the whole site. A follow-up build reloads only
    /// the pages that changed since `served`.
    pub(crate) fn build(&self, batch: &Batch, served: &Snapshot) -> Outcome {
        let started = Instant::now();
        if let Some(edited) = batch.edited_bodies() {
            let mut memo = lock(&self.memo);
            let pages = panic::catch_unwind(AssertUnwindSafe(|| {
                memo::rerender(&mut memo, &self.options.root, &edited)
            }))
            .ok()
            .flatten();
            if let Some(pages) = pages {
                return Outcome {
                    rendered: pages.len(),
                    total: pages.len(),
                    result: Ok(Update::Pages(pages)),
                    elapsed: started.elapsed(),
                };
            }
        }
        let outcome = self.build_all(batch.renders_everything());
        let follow_up = batch.is_follow_up();
        Outcome {
            result: outcome.result.map(|built| Update::Site {
                changed: follow_up.then(|| changed_pages(served, &built.files)),
                built,
            }),
            rendered: outcome.rendered,
            total: outcome.total,
            elapsed: outcome.elapsed,
        }
    }

    /// Builds the whole site into memory. `fresh` renders every body again (templates or
    /// site.toml changed). A panic in the build is caught: the server must outlive any input.
    ///
    /// The build runs on a thread of its own, which takes the memo with it and gives it back
    /// when done. Once [`Builder::stop`] is called this returns at once, as stopped, and the
    /// thread winds down (and frees what it built) while the next change is answered.
    pub(crate) fn build_all(&self, fresh: bool) -> Outcome<Built> {
        let started = Instant::now();
        let mut memo = lock(&self.memo).lend();
        if fresh {
            memo.clear();
        }
        let (options, slot) = (self.options.clone(), Arc::clone(&self.memo));
        let stop = Stop::on(Arc::clone(&self.flag));
        let (done, result) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("build".into())
            .spawn(move || {
                let built = panic::catch_unwind(AssertUnwindSafe(|| {
                    pipeline::render(&options, &mut memo, &stop)
                }))
                .unwrap_or_else(|_| {
                    memo.clear();
                    Err(Failure::Io(anyhow!(
                        "docent crashed while building; this is a bug. Undo the last change to go on"
                    )))
                });
                let (rendered, reused) = memo.counts();
                let stopped = matches!(built, Err(Failure::Stopped));
                lock(&slot).settle(memo, built.is_ok(), stopped);
                // Fails only when the build was given up, which is fine.
                let _ = done.send((built, (rendered, rendered + reused)));
            });
        if let Err(err) = spawned {
            let err = Failure::Io(anyhow!("could not start a build: {err}"));
            return outcome(Err(err), (0, 0), started);
        }
        loop {
            match result.recv_timeout(Duration::from_millis(1)) {
                Ok((built, counts)) => return outcome(built, counts, started),
                Err(RecvTimeoutError::Timeout) if self.flag.load(Ordering::Relaxed) => {
                    return outcome(Err(Failure::Stopped), (0, 0), started);
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    let err = Failure::Io(anyhow!("the build stopped unexpectedly"));
                    return outcome(Err(err), (0, 0), started);
                }
            }
        }
    }
}

fn outcome(
    result: Result<Built, Failure>,
    (rendered, total): (usize, usize),
    started: Instant,
) -> Outcome<Built> {
    Outcome {
        result,
        rendered,
        total,
        elapsed: started.elapsed(),
    }
}

/// A lock, even after a panic elsewhere: what it guards is replaced whole, never left half made.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The URL paths of pages whose HTML differs between what is served and a new build.
fn changed_pages(served: &Snapshot, files: &BTreeMap<String, Bytes>) -> Vec<String> {
    files
        .iter()
        .filter(|(file, _)| file.ends_with(".html"))
        .filter(|(file, bytes)| {
            served
                .files
                .get(*file)
                // Pages a run reused are the same bytes, shared: compare where they live first.
                .is_none_or(|old| old.as_ptr() != bytes.as_ptr() && old[..] != bytes[..])
        })
        .map(|(file, _)| state::url_path(file))
        .collect()
}

/// Watches for changes and rebuilds until the watcher stops.
pub(crate) async fn run(
    builder: Arc<Builder>,
    shared: Arc<Shared>,
    mut watching: Watching,
    mut events: Events,
) {
    let (done_tx, mut done_rx) = mpsc::unbounded_channel();
    let mut scheduler = Scheduler::default();
    // Whether the running build is a follow-up, which a newer change may stop.
    let mut following_up = false;
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Some(event) => {
                    let batch = watching.changes(event);
                    if following_up && !batch.is_empty() {
                        builder.stop();
                    }
                    scheduler.changed(batch, Instant::now());
                }
                None => {
                    eprintln!("warning: the file watcher stopped; changes are no longer picked up");
                    return;
                }
            },
            Some(outcome) = done_rx.recv() => {
                following_up = false;
                if let Some((batch, outcome)) = scheduler.finished(outcome, Instant::now())
                    && show(&shared, &batch, outcome)
                {
                    scheduler.changed(Batch::follow_up(), Instant::now());
                }
            }
            () = sleep_until(scheduler.deadline()) => {}
        }
        let now = Instant::now();
        if let Some((batch, outcome)) = scheduler.due(now)
            && show(&shared, &batch, outcome)
        {
            scheduler.changed(Batch::follow_up(), now);
        }
        if let Some(batch) = scheduler.start(now) {
            following_up = batch.is_follow_up();
            builder.arm();
            let (builder, done) = (Arc::clone(&builder), done_tx.clone());
            let served = shared.snapshot();
            tokio::task::spawn_blocking(move || {
                // Fails only once the server is shutting down.
                let _ = done.send(builder.build(&batch, &served));
            });
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline.into()).await,
        None => std::future::pending().await,
    }
}

/// Serves or reports one build, with one line in the terminal for a good one. Returns whether
/// a full build is owed: the build re-rendered only the edited pages.
fn show(shared: &Shared, batch: &Batch, outcome: Outcome) -> bool {
    let ms = outcome.elapsed.as_millis();
    let (rendered, total) = (outcome.rendered, outcome.total);
    match outcome.result {
        Ok(Update::Site { built, changed }) => {
            let old = shared.publish(built, batch.css_only(), changed);
            tokio::task::spawn_blocking(move || drop(old));
            println!(
                "{}: rebuilt in {ms} ms (Markdown rendered again for {rendered} of {total} pages)",
                batch.describe()
            );
            false
        }
        Ok(Update::Pages(pages)) => {
            let old = shared.publish_pages(pages);
            tokio::task::spawn_blocking(move || drop(old));
            println!(
                "{}: rebuilt in {ms} ms, {} re-rendered first; the rest of the site follows",
                batch.describe(),
                crate::plural(rendered, "page")
            );
            true
        }
        // A newer change stopped it; the build for that change follows.
        Err(Failure::Stopped) => false,
        Err(err) => {
            eprintln!("{}: the build failed in {ms} ms", batch.describe());
            fail(shared, &err);
            false
        }
    }
}

/// Reports a failed build in the terminal and on every open page.
pub(crate) fn fail(shared: &Shared, err: &Failure) {
    eprintln!("{}", crate::describe(err));
    eprintln!("docent keeps serving the last good build; save a fix to go on");
    shared.fail(overlay::overlay(&overlay::describe(err)));
}
