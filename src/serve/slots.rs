//! The cap on open connections. Slow or half-open connections can fill it, but never lock a
//! browser out: at the cap, a new connection makes room by closing the oldest one with no
//! request in hand (kept alive and idle, or still sending its headers), and only when every
//! connection is busy the oldest busy one.
//!
//! The cap is half the file descriptors the process may open, at most [`MAX`], so builds, the
//! watcher and `accept` itself always have descriptors to spare.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::Notify;

/// The most connections open at once, however many descriptors there are. A browser opens six
/// to a server and one live-reload stream per tab.
pub(crate) const MAX: usize = 512;
/// The fewest, whatever the descriptor limit says.
const MIN: usize = 8;

/// The cap for this process: half its file-descriptor limit, within [`MIN`] and [`MAX`].
pub(crate) fn cap() -> usize {
    fd_limit().map_or(MAX, |limit| (limit / 2).clamp(MIN, MAX))
}

/// The soft limit on open files, as Linux reports it in /proc/self/limits ("Max open files");
/// `None` where that file does not exist or says "unlimited".
fn fd_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    soft_limit(&limits)
}

/// The soft limit from the "Max open files" line of a /proc limits file.
fn soft_limit(limits: &str) -> Option<usize> {
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line["Max open files".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The open connections, oldest first.
pub(crate) struct Slots {
    cap: usize,
    open: Mutex<Open>,
    /// Told whenever a connection closes.
    freed: Notify,
}

struct Open {
    next: u64,
    conns: BTreeMap<u64, Entry>,
}

struct Entry {
    activity: Activity,
    close: Arc<Notify>,
    /// Told to close, and not gone yet.
    closing: bool,
}

/// One connection's place; dropping it frees the place.
pub(crate) struct Slot {
    id: u64,
    slots: Arc<Slots>,
    pub(crate) activity: Activity,
    close: Arc<Notify>,
}

/// How many requests a connection has in hand. Each request holds a [`Busy`] while its handler
/// runs, and the live-reload stream for as long as it is open.
#[derive(Clone, Default)]
pub(crate) struct Activity(Arc<AtomicUsize>);

/// One request in hand, until dropped.
pub(crate) struct Busy(Arc<AtomicUsize>);

impl Activity {
    pub(crate) fn busy(&self) -> Busy {
        self.0.fetch_add(1, Ordering::Relaxed);
        Busy(Arc::clone(&self.0))
    }

    fn is_busy(&self) -> bool {
        self.0.load(Ordering::Relaxed) > 0
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Slots {
    pub(crate) fn new(cap: usize) -> Arc<Slots> {
        Arc::new(Slots {
            cap: cap.max(1),
            open: Mutex::new(Open {
                next: 0,
                conns: BTreeMap::new(),
            }),
            freed: Notify::new(),
        })
    }

    pub(crate) fn cap(&self) -> usize {
        self.cap
    }

    /// A place for a new connection: at once while there is room, else once the connection
    /// [`victim`] picks has closed. The flag says whether room had to be made.
    pub(crate) async fn admit(self: &Arc<Self>) -> (Slot, bool) {
        let mut made_room = false;
        loop {
            {
                let mut open = self.lock();
                if open.conns.len() < self.cap {
                    return (self.insert(&mut open), made_room);
                }
                close(&mut open, false);
            }
            made_room = true;
            // A close after the check above is not missed: `notify_one` keeps a permit.
            self.freed.notified().await;
        }
    }

    /// Closes the oldest idle connection, if there is one, to free its file descriptor.
    /// Returns whether one was told to close.
    pub(crate) fn close_idle(&self) -> bool {
        close(&mut self.lock(), true)
    }

    /// Waits until a connection has closed.
    pub(crate) async fn freed(&self) {
        self.freed.notified().await;
    }

    fn insert(self: &Arc<Self>, open: &mut Open) -> Slot {
        let id = open.next;
        open.next += 1;
        let (activity, close) = (Activity::default(), Arc::new(Notify::new()));
        let entry = Entry {
            activity: activity.clone(),
            close: Arc::clone(&close),
            closing: false,
        };
        open.conns.insert(id, entry);
        Slot {
            id,
            slots: Arc::clone(self),
            activity,
            close,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Tells the connection [`victim`] picks to close; `idle_only` leaves busy ones alone.
fn close(open: &mut Open, idle_only: bool) -> bool {
    let states = open
        .conns
        .iter()
        .map(|(id, e)| (*id, e.activity.is_busy(), e.closing));
    let Some(id) = victim(states, idle_only) else {
        return false;
    };
    let Some(entry) = open.conns.get_mut(&id) else {
        return false;
    };
    entry.closing = true;
    // `notify_one` keeps a permit, so a connection not yet waiting sees it all the same.
    entry.close.notify_one();
    true
}

/// Which connection to close to make room, from `(id, busy, closing)` oldest first: none while
/// one is closing already (its place is about to come free), else the oldest idle one, else,
/// unless `idle_only`, the oldest busy one.
fn victim(conns: impl Iterator<Item = (u64, bool, bool)> + Clone, idle_only: bool) -> Option<u64> {
    if conns.clone().any(|(_, _, closing)| closing) {
        return None;
    }
    let idle = conns.clone().find(|(_, busy, _)| !busy);
    let any = (!idle_only).then(|| conns.clone().next()).flatten();
    idle.or(any).map(|(id, _, _)| id)
}

impl Slot {
    /// Done when the connection must close to make room.
    pub(crate) async fn closed(&self) {
        self.close.notified().await;
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.slots.lock().conns.remove(&self.id);
        self.slots.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_limit_is_read_from_proc() {
        let limits = "Limit                     Soft Limit           Hard Limit           Units\nMax processes             95000                95000                processes\nMax open files            1024                 524288               files\n";
        assert_eq!(soft_limit(limits), Some(1024));
        assert_eq!(
            soft_limit(
                "Max open files            unlimited            unlimited            files\n"
            ),
            None
        );
        if cfg!(target_os = "linux") {
            assert!(fd_limit().is_some(), "this machine's limit is readable");
        }
    }

    /// `(id, busy, closing)`.
    type Conn = (u64, bool, bool);

    #[test]
    fn room_is_made_by_the_oldest_idle_connection_else_the_oldest() {
        let table: [(&[Conn], bool, Option<u64>); 7] = [
            (&[], false, None),
            (&[(1, false, false), (2, false, false)], false, Some(1)),
            (&[(1, true, false), (2, false, false)], false, Some(2)),
            (&[(1, true, false), (2, true, false)], false, Some(1)),
            (&[(1, true, false), (2, true, false)], true, None),
            (&[(1, false, true), (2, false, false)], false, None),
            (&[(3, true, false), (4, false, false)], true, Some(4)),
        ];
        for (conns, idle_only, expected) in table {
            assert_eq!(
                victim(conns.iter().copied(), idle_only),
                expected,
                "{conns:?} {idle_only}"
            );
        }
    }

    #[tokio::test]
    async fn at_the_cap_a_new_connection_closes_the_oldest_idle_one() {
        let slots = Slots::new(2);
        let (first, full) = slots.admit().await;
        assert!(!full);
        let (second, _) = slots.admit().await;
        let _busy = first.activity.busy();
        let admitting = tokio::spawn({
            let slots = Arc::clone(&slots);
            async move { slots.admit().await }
        });
        // The second connection is told to close; once it has, the third gets its place.
        second.closed().await;
        drop(second);
        let (third, full) = admitting.await.expect("admitted");
        assert!(full);
        assert_eq!(slots.lock().conns.len(), 2);
        drop((first, third));
        assert!(slots.lock().conns.is_empty());
    }

    #[test]
    fn the_cap_leaves_half_the_descriptors() {
        let cap = cap();
        assert!((MIN..=MAX).contains(&cap), "{cap}");
    }
}
