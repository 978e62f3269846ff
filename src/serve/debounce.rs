//! When to build and when to show a build: a small state machine, driven by the times it is
//! given, so its rules are unit-tested without sleeping.
//!
//! A build starts once the files have been still for [`SETTLE`], so a save that is several
//! file operations (write a temp file, rename it over the old one) is read whole. Its result is
//! shown once they have been still for [`QUIET`]. Both clocks run together: the latency of a
//! save is about `max(SETTLE + build time, QUIET)` rather than their sum.
//!
//! A change that arrives while a build runs makes that build stale: exactly one more build
//! follows, covering every change since. The stale result is thrown away, unless changes have
//! kept the browser waiting for [`MAX_WAIT`]; then it is shown while the next build runs. Either
//! way, the last build shown after a burst read the files after the burst's last change.

use std::mem;
use std::time::{Duration, Instant};

use super::change::Batch;

/// How long the files must be still before a build starts.
pub(crate) const SETTLE: Duration = Duration::from_millis(3);
/// How long the files must be still before a finished build is shown.
pub(crate) const QUIET: Duration = Duration::from_millis(15);
/// How long a stream of changes may hold back every result.
pub(crate) const MAX_WAIT: Duration = Duration::from_millis(500);
/// The scheduler's state. `T` is what a build produces.
pub(crate) struct Scheduler<T> {
    /// Changes that no build has read yet.
    pending: Batch,
    last_change: Option<Instant>,
    /// The oldest change that no shown build covers.
    oldest: Option<Instant>,
    /// The changes the running build answers.
    running: Option<Batch>,
    /// A finished build that nothing has made stale, waiting for the quiet window.
    ready: Option<(Batch, T)>,
}

impl<T> Default for Scheduler<T> {
    fn default() -> Self {
        Scheduler {
            pending: Batch::default(),
            last_change: None,
            oldest: None,
            running: None,
            ready: None,
        }
    }
}

impl<T> Scheduler<T> {
    /// Records changes seen at `now`. A build already finished but not yet shown is now stale.
    pub(crate) fn changed(&mut self, batch: Batch, now: Instant) {
        if batch.is_empty() {
            return;
        }
        self.pending.merge(batch);
        self.last_change = Some(now);
        self.oldest.get_or_insert(now);
        if let Some((stale, _)) = self.ready.take() {
            self.pending.merge(stale);
        }
    }

    /// The changes to build now, if it is time to start a build.
    pub(crate) fn start(&mut self, now: Instant) -> Option<Batch> {
        let settled = self.since_last_change(now) >= self.settle();
        if self.running.is_some() || self.pending.is_empty() || !settled {
            return None;
        }
        let batch = mem::take(&mut self.pending);
        self.running = Some(batch.clone());
        Some(batch)
    }

    /// Takes a finished build. Returns it when it should be shown at once: only a stale build
    /// that changes have held back for too long. Otherwise [`Scheduler::due`] hands it out.
    pub(crate) fn finished(&mut self, output: T, now: Instant) -> Option<(Batch, T)> {
        let batch = self.running.take().unwrap_or_default();
        if self.pending.is_empty() {
            self.ready = Some((batch, output));
            return None;
        }
        if self
            .oldest
            .is_some_and(|oldest| now.duration_since(oldest) >= MAX_WAIT)
        {
            // The changes still pending arrived during this build; count their wait from now.
            self.oldest = Some(now);
            return Some((batch, output));
        }
        self.pending.merge(batch);
        None
    }

    /// The finished build to show now, if the files have been quiet long enough.
    pub(crate) fn due(&mut self, now: Instant) -> Option<(Batch, T)> {
        if self.ready.is_none() || self.since_last_change(now) < QUIET {
            return None;
        }
        self.oldest = None;
        self.ready.take()
    }

    /// When to look again even if nothing happens: when a build may start or a result is due.
    pub(crate) fn deadline(&self) -> Option<Instant> {
        let last = self.last_change?;
        if self.ready.is_some() {
            Some(last + QUIET)
        } else if self.running.is_none() && !self.pending.is_empty() {
            Some(last + self.settle())
        } else {
            None
        }
    }

    /// How long the files must be still before the pending changes are built.
    fn settle(&self) -> Duration {
        SETTLE
    }

    fn since_last_change(&self, now: Instant) -> Duration {
        self.last_change
            .map_or(Duration::MAX, |last| now.saturating_duration_since(last))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::change::ChangeKind;

    fn change(path: &str) -> Batch {
        let mut batch = Batch::default();
        batch.add(ChangeKind::Content, path);
        batch
    }

    fn ms(t0: Instant, n: u64) -> Instant {
        t0 + Duration::from_millis(n)
    }

    #[test]
    fn one_save_builds_once_and_shows_after_the_quiet_window() {
        let t0 = Instant::now();
        let mut s = Scheduler::default();
        s.changed(change("content/a.md"), t0);
        assert_eq!(s.start(ms(t0, 1)), None, "the files have not settled yet");
        assert_eq!(s.deadline(), Some(t0 + SETTLE));
        assert_eq!(s.start(t0 + SETTLE), Some(change("content/a.md")));
        assert_eq!(s.start(t0 + SETTLE), None, "one build at a time");
        assert!(s.finished("build 1", ms(t0, 5)).is_none());
        assert!(s.due(ms(t0, 5)).is_none(), "not quiet yet");
        assert_eq!(s.deadline(), Some(t0 + QUIET));
        assert_eq!(s.due(t0 + QUIET), Some((change("content/a.md"), "build 1")));
        assert_eq!(s.deadline(), None);
    }

    #[test]
    fn changes_during_a_build_queue_exactly_one_more() {
        let t0 = Instant::now();
        let mut s = Scheduler::default();
        s.changed(change("content/a.md"), t0);
        assert!(s.start(ms(t0, 3)).is_some());
        for (i, path) in ["content/b.md", "content/c.md", "content/b.md"]
            .into_iter()
            .enumerate()
        {
            s.changed(change(path), ms(t0, 4 + i as u64));
            assert_eq!(s.start(ms(t0, 40)), None, "a build is still running");
        }
        assert!(
            s.finished("stale", ms(t0, 10)).is_none(),
            "the stale build is not shown"
        );
        let mut all = change("content/a.md");
        all.merge(change("content/b.md"));
        all.merge(change("content/c.md"));
        assert_eq!(
            s.start(ms(t0, 10)),
            Some(all.clone()),
            "one build covers every change"
        );
        assert_eq!(s.start(ms(t0, 11)), None);
        assert!(s.finished("fresh", ms(t0, 20)).is_none());
        assert_eq!(s.due(ms(t0, 30)), Some((all, "fresh")));
        assert_eq!(s.start(ms(t0, 31)), None, "nothing left to build");
    }

    #[test]
    fn a_change_after_a_build_but_before_it_shows_makes_it_stale() {
        let t0 = Instant::now();
        let mut s = Scheduler::default();
        s.changed(change("content/a.md"), t0);
        assert!(s.start(ms(t0, 3)).is_some());
        assert!(s.finished("old", ms(t0, 6)).is_none());
        s.changed(change("content/b.md"), ms(t0, 8));
        assert!(s.due(ms(t0, 100)).is_none(), "the old result is gone");
        let mut both = change("content/a.md");
        both.merge(change("content/b.md"));
        assert_eq!(s.start(ms(t0, 11)), Some(both));
    }

    #[test]
    fn endless_changes_still_show_a_build_now_and_then() {
        let t0 = Instant::now();
        let mut s = Scheduler::default();
        let mut shown = 0;
        for step in 0..100u64 {
            let now = ms(t0, step * 10);
            s.changed(change(&format!("content/{step}.md")), now);
            if s.finished("build", now).is_some() {
                shown += 1;
            }
            s.start(now + SETTLE);
        }
        assert!(
            shown >= 1,
            "a build was shown during a second of constant changes"
        );
    }

    #[test]
    fn empty_batches_change_nothing() {
        let t0 = Instant::now();
        let mut s: Scheduler<()> = Scheduler::default();
        s.changed(Batch::default(), t0);
        assert_eq!(s.start(ms(t0, 100)), None);
        assert_eq!(s.deadline(), None);
    }
}
