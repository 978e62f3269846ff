//! Rebuilds on change: feeds file events to the [`Scheduler`], runs its builds on a blocking
//! thread, and shows each result. A good build is served and announced to open pages; a failed
//! one is reported in the terminal and overlaid on every page, and the last good build stays.

use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use tokio::sync::mpsc;

use super::change::Batch;
use super::debounce::Scheduler;
use super::overlay;
use super::state::Shared;
use super::watch::{Events, Watching};
use crate::pipeline::{self, Built, MarkdownCache};

/// Builds the site, keeping rendered Markdown between builds.
pub struct Builder {
    options: pipeline::Options,
    cache: Mutex<MarkdownCache>,
}

/// One build's result, with what the terminal line reports.
pub struct Outcome {
    pub result: Result<Built>,
    /// Pages and sections whose Markdown was rendered, out of all of them.
    pub rendered: usize,
    pub total: usize,
    pub elapsed: Duration,
}

impl Builder {
    pub fn new(options: pipeline::Options) -> Builder {
        Builder {
            options,
            cache: Mutex::new(MarkdownCache::default()),
        }
    }

    /// Builds the site into memory. `fresh` renders every body again (templates or site.toml
    /// changed). A panic in the build is caught: the server must outlive any input.
    pub fn build(&self, fresh: bool) -> Outcome {
        let started = Instant::now();
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if fresh {
            cache.clear();
        }
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            pipeline::render_with(&self.options, Some(&mut cache))
        }))
        .unwrap_or_else(|_| {
            cache.clear();
            Err(anyhow!(
                "docent crashed while building; this is a bug. Undo the last change to go on"
            ))
        });
        Outcome {
            result,
            rendered: cache.rendered,
            total: cache.rendered + cache.reused,
            elapsed: started.elapsed(),
        }
    }
}

/// Watches for changes and rebuilds until the watcher stops.
pub async fn run(
    builder: Arc<Builder>,
    shared: Arc<Shared>,
    mut watching: Watching,
    mut events: Events,
) {
    let (done_tx, mut done_rx) = mpsc::unbounded_channel();
    let mut scheduler = Scheduler::default();
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Some(event) => scheduler.changed(watching.changes(event), Instant::now()),
                None => {
                    eprintln!("warning: the file watcher stopped; changes are no longer picked up");
                    return;
                }
            },
            Some(outcome) = done_rx.recv() => {
                if let Some((batch, outcome)) = scheduler.finished(outcome, Instant::now()) {
                    show(&shared, &batch, outcome);
                }
            }
            () = sleep_until(scheduler.deadline()) => {}
        }
        let now = Instant::now();
        if let Some((batch, outcome)) = scheduler.due(now) {
            show(&shared, &batch, outcome);
        }
        if let Some(batch) = scheduler.start(now) {
            let (builder, done) = (Arc::clone(&builder), done_tx.clone());
            tokio::task::spawn_blocking(move || {
                // Fails only once the server is shutting down.
                let _ = done.send(builder.build(batch.renders_everything()));
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

/// Serves or reports one build, with one line in the terminal for a good one.
fn show(shared: &Shared, batch: &Batch, outcome: Outcome) {
    let ms = outcome.elapsed.as_millis();
    match outcome.result {
        Ok(built) => {
            let old = shared.publish(built.files, batch.css_only());
            tokio::task::spawn_blocking(move || drop(old));
            let (rendered, total) = (outcome.rendered, outcome.total);
            println!(
                "{}: rebuilt in {ms} ms, {rendered} of {total} pages re-rendered",
                batch.describe()
            );
        }
        Err(err) => {
            eprintln!("{}: the build failed in {ms} ms", batch.describe());
            fail(shared, &err);
        }
    }
}

/// Reports a failed build in the terminal and on every open page.
pub fn fail(shared: &Shared, err: &anyhow::Error) {
    crate::report(err);
    eprintln!("docent keeps serving the last good build; save a fix to go on");
    shared.fail(overlay::overlay(&overlay::describe(err)));
}
