//! Rebuilds on change: feeds file events to the [`Scheduler`], runs its builds on a blocking
//! thread, and shows each result. A good build is served and announced to open pages; a failed
//! one is reported in the terminal and overlaid on every page, and the last good build stays.

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
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

/// Builds the site, keeping a memo of what each run made, so a run after an edit redoes only
/// what the edit reaches.
pub(crate) struct Builder {
    options: pipeline::Options,
    memo: Mutex<Memo>,
    /// Stops the running build when a newer change comes: the next one answers both.
    flag: Arc<AtomicBool>,
    /// Print each build's time per stage (`serve --timings`).
    timings: bool,
}

/// One build's result, with what the terminal line reports.
pub(crate) struct Outcome {
    /// The new site, and the URL paths of the pages whose HTML changed.
    pub(crate) result: Result<(Built, Vec<String>), Failure>,
    /// What the build made again rather than reused.
    pub(crate) counts: memo::Counts,
    pub(crate) elapsed: Duration,
}

impl Builder {
    pub(crate) fn new(options: pipeline::Options, timings: bool) -> Builder {
        Builder {
            options,
            memo: Mutex::new(Memo::keeping()),
            flag: Arc::new(AtomicBool::new(false)),
            timings,
        }
    }

    /// Lets the next build run to the end, unless [`Builder::stop`] is called.
    fn arm(&self) {
        self.flag.store(false, Ordering::Relaxed);
    }

    /// Stops the running build at its next stage or page; it fails with [`Failure::Stopped`]
    /// and what it made so far stays in the memo.
    fn stop(&self) {
        self.flag.store(true, Ordering::Relaxed);
    }

    /// Builds the site after a batch of changes, redoing only what they reach. A panic in the
    /// build is caught: the server must outlive any input.
    pub(crate) fn build(&self, batch: &Batch, served: &Snapshot) -> Outcome {
        let started = Instant::now();
        let mut memo = lock(&self.memo);
        if batch.lost_track() {
            memo.clear();
        }
        // The second look after a new folder walks the folders: a file written into one before
        // it was watched sent no event.
        if !batch.walks() {
            memo.touched(&self.options.root, batch.paths().map(PathBuf::from));
        }
        let stop = Stop::on(Arc::clone(&self.flag));
        let built = panic::catch_unwind(AssertUnwindSafe(|| {
            pipeline::render(&self.options, &mut memo, &stop)
        }))
        .unwrap_or_else(|_| {
            memo.clear();
            Err(Failure::Io(anyhow!(
                "docent crashed while building; this is a bug. Undo the last change to go on"
            )))
        });
        Outcome {
            result: built.map(|built| {
                let changed = changed_pages(served, &built.files);
                (built, changed)
            }),
            counts: memo.counts(),
            elapsed: started.elapsed(),
        }
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

/// Watches for changes and rebuilds until the watcher stops; also rebuilds when the clock
/// reaches the moment a scheduled page comes due or a page expires (`first_due` for the
/// first build's site).
pub(crate) async fn run(
    builder: Arc<Builder>,
    shared: Arc<Shared>,
    (mut watching, mut events): (Watching, Events),
    first_due: Option<jiff::Timestamp>,
) {
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<Outcome>();
    let mut scheduler = Scheduler::default();
    // When the served site's next scheduled page comes due, or a page expires.
    let mut due = first_due.and_then(instant_of);
    // When to look at the folders again, after a build for a change that made a folder.
    let mut recheck: Option<Instant> = None;
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Some(event) => {
                    let batch = watching.changes(event);
                    if !batch.is_empty() {
                        builder.stop();
                    }
                    scheduler.changed(batch, Instant::now());
                }
                None => {
                    eprintln!("warning: the file watcher stopped; changes are no longer picked up");
                    return;
                }
            },
            () = sleep_until(due) => {
                due = None;
                scheduler.changed(Batch::due(), Instant::now());
            }
            Some(outcome) = done_rx.recv() => {
                if let Ok((built, _)) = &outcome.result {
                    due = built.until.and_then(instant_of);
                }
                if let Some((batch, outcome)) = scheduler.finished(outcome, Instant::now()) {
                    recheck = recheck.or(show(&shared, &batch, outcome, &builder));
                }
            }
            () = sleep_until(recheck) => {
                recheck = None;
                scheduler.changed(Batch::recheck(), Instant::now());
            }
            () = sleep_until(scheduler.deadline()) => {}
        }
        let now = Instant::now();
        if let Some((batch, outcome)) = scheduler.due(now) {
            recheck = recheck.or(show(&shared, &batch, outcome, &builder));
        }
        if let Some(batch) = scheduler.start(now) {
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

/// The moment `at` on this machine's monotonic clock; a moment already past is now.
fn instant_of(at: jiff::Timestamp) -> Option<Instant> {
    let wait = at.duration_since(jiff::Timestamp::now());
    let wait = std::time::Duration::try_from(wait).unwrap_or_default();
    Instant::now().checked_add(wait)
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline.into()).await,
        None => std::future::pending().await,
    }
}

/// How long after a build for a new folder to look at the folders again.
const RECHECK: Duration = Duration::from_millis(300);

/// Serves or reports one build, with one line in the terminal for a good one (none for a
/// second look that found nothing). Returns when to look at the folders again, if the batch
/// made a folder.
fn show(shared: &Shared, batch: &Batch, outcome: Outcome, builder: &Builder) -> Option<Instant> {
    let ms = outcome.elapsed.as_millis();
    let counts = outcome.counts;
    let again = (!batch.walks() && batch.has_new_folder(&builder.options.root))
        .then(|| Instant::now() + RECHECK);
    match outcome.result {
        Ok((_, changed)) if batch.only_recheck() && changed.is_empty() => {}
        Ok((built, changed)) => {
            let laps = builder.timings.then(|| built.laps.line());
            let old = shared.publish(built, batch.css_only(), Some(changed));
            tokio::task::spawn_blocking(move || drop(old));
            say!(
                "{}: rebuilt in {ms} ms ({} of {} pages rendered again, Markdown of {})",
                batch.describe(),
                counts.pages,
                counts.docs,
                counts.markdown
            );
            if let Some(laps) = laps {
                say!("  {laps}");
            }
        }
        // A newer change stopped it; the build for that change follows.
        Err(Failure::Stopped) => {}
        Err(err) => {
            eprintln!("{}: the build failed in {ms} ms", batch.describe());
            fail(shared, &err);
        }
    }
    again
}

/// Reports a failed build in the terminal and on every open page.
pub(crate) fn fail(shared: &Shared, err: &Failure) {
    eprintln!("{}", crate::describe(err));
    eprintln!("docent keeps serving the last good build; save a fix to go on");
    shared.fail(overlay::overlay(&overlay::describe(err)));
}
