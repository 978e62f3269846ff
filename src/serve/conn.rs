//! Connections: accepts them within the cap of [`super::slots`], and serves each with hyper's
//! HTTP/1 under two timeouts, so no client, however slow or silent, can hold the server.
//!
//! - [`HEADER_TIMEOUT`]: the headers of a request must arrive within it, counted from the
//!   connection's start or from the end of the response before. A client that trickles its
//!   headers, a half-open connection that sends nothing, and a kept-alive one left idle are
//!   all closed after it.
//! - [`WRITE_TIMEOUT`]: a response write that cannot move for this long fails
//!   ([`super::stall`]).
//!
//! The live-reload stream is long-lived by design and neither timeout cuts it: it is a
//! response in progress, not a wait for headers, and it writes only when it has an event or a
//! keep-alive comment. `axum::serve` is not used because it sets neither timeout and cannot
//! be told to.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tower::ServiceExt;

use super::slots::{self, Slot, Slots};
use super::stall::Stall;

/// How long a request's headers may take to arrive, and a kept-alive connection may sit idle.
pub(crate) const HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a response write may wait for the client to read.
pub(crate) const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long to wait before accepting again after `accept` failed for want of resources, when
/// closing an idle connection could not free one.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);
/// A warning about load is shown at most this often, however many connections it concerns.
const WARN_EVERY: Duration = Duration::from_secs(60);
/// How many connections may wait in the kernel to be accepted. The usual 128 fills up in one
/// burst of a flood, and a connection the kernel drops then costs its client a second before
/// it tries again; the kernel lowers this to its own limit (`somaxconn`, 4096 on Linux).
const BACKLOG: u32 = 4096;

/// Listens on `addr` with room for [`BACKLOG`] connections waiting to be accepted.
pub(crate) fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    // As `TcpListener::bind` does: a restarted server can take the port of one just stopped.
    #[cfg(not(windows))]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// Serves connections from `listener` with `app`, for as long as the process runs.
pub(crate) async fn serve(listener: TcpListener, app: Router) -> ! {
    let slots = Slots::new(slots::cap());
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    let mut warnings = Warnings::default();
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(err) => {
                not_accepted(&err, &slots, &mut warnings).await;
                continue;
            }
        };
        let (slot, made_room) = slots.admit().await;
        if made_room && Warnings::due(&mut warnings.full) {
            eprintln!(
                "warning: {} connections are open, the most docent serves at once; \
                 the oldest idle ones are closed to make room",
                slots.cap()
            );
        }
        tokio::spawn(connection(stream, slot, http.clone(), app.clone()));
    }
}

/// Serves one connection until it ends, fails, times out, or is closed to make room.
async fn connection(stream: TcpStream, slot: Slot, http: http1::Builder, app: Router) {
    let activity = slot.activity.clone();
    let service = service_fn(move |mut request: hyper::Request<Incoming>| {
        let busy = activity.busy();
        // The live-reload stream takes it, to count as busy for as long as it is open.
        request.extensions_mut().insert(activity.clone());
        let response = app.clone().oneshot(request);
        async move {
            let response = response.await;
            drop(busy);
            response
        }
    });
    let io = TokioIo::new(Stall::new(stream, WRITE_TIMEOUT));
    tokio::select! {
        // Its errors (a timeout, a reset, a malformed request) end this connection only.
        _ = http.serve_connection(io, service) => {}
        () = slot.closed() => {}
    }
}

/// After a failed `accept`. A client that gave up first is nothing to report. Anything else
/// is most likely the descriptor limit: closing the oldest idle connection frees one, and
/// when none can be closed, a pause keeps the loop from spinning until one closes by itself.
async fn not_accepted(err: &io::Error, slots: &Slots, warnings: &mut Warnings) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset, Interrupted};
    if matches!(
        err.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset | Interrupted
    ) {
        return;
    }
    if Warnings::due(&mut warnings.accept) {
        eprintln!(
            "warning: could not accept a connection ({err}); \
             closing idle connections to make room"
        );
    }
    if slots.close_idle() {
        let _ = tokio::time::timeout(ACCEPT_PAUSE, slots.freed()).await;
    } else {
        tokio::time::sleep(ACCEPT_PAUSE).await;
    }
}

/// When each warning about load was last shown.
#[derive(Default)]
struct Warnings {
    full: Option<Instant>,
    accept: Option<Instant>,
}

impl Warnings {
    /// Whether a warning last shown at `last` is due again, and if so, marks it shown now.
    fn due(last: &mut Option<Instant>) -> bool {
        let now = Instant::now();
        if last.is_some_and(|at| now.duration_since(at) < WARN_EVERY) {
            return false;
        }
        *last = Some(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_warning_is_shown_once_however_often_it_is_due() {
        let mut last = None;
        assert!(Warnings::due(&mut last));
        assert!((0..1_000).all(|_| !Warnings::due(&mut last)));
        last = last.and_then(|at| at.checked_sub(WARN_EVERY));
        assert!(Warnings::due(&mut last), "shown again a minute later");
    }

    #[tokio::test]
    async fn out_of_descriptors_an_idle_connection_goes_else_the_loop_pauses() {
        let slots = Slots::new(4);
        let (idle, _) = slots.admit().await;
        let mut warnings = Warnings::default();
        let emfile = io::Error::other("Too many open files");
        let closing = async move {
            idle.closed().await;
            drop(idle);
        };
        let started = Instant::now();
        tokio::join!(not_accepted(&emfile, &slots, &mut warnings), closing);
        assert!(
            started.elapsed() < ACCEPT_PAUSE,
            "no pause: a descriptor came free"
        );
        let shown = warnings.accept;
        assert!(shown.is_some());

        let started = Instant::now();
        not_accepted(&emfile, &slots, &mut warnings).await;
        assert!(
            started.elapsed() >= ACCEPT_PAUSE,
            "nothing to close: a pause, not a spin"
        );
        assert_eq!(warnings.accept, shown, "said once");

        let reset = io::Error::from(io::ErrorKind::ConnectionReset);
        let started = Instant::now();
        not_accepted(&reset, &slots, &mut warnings).await;
        assert!(
            started.elapsed() < ACCEPT_PAUSE,
            "a client that gave up is nothing"
        );
    }
}
