//! Clients that hold a connection without finishing a request, for the serve tests of the
//! timeouts and the connection cap, and for the load benchmark: a header sent a byte at a time,
//! a connection that sends nothing, and a watch for the server closing it.
#![allow(dead_code)]

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// The start of a request whose headers never end.
pub(crate) const PARTIAL: &[u8] = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";

pub(crate) fn connect(port: u16) -> TcpStream {
    TcpStream::connect(("127.0.0.1", port)).expect("connect")
}

/// Sends `text` a byte every `gap` from a thread, until it is all sent or the server closes.
pub(crate) fn trickle(mut stream: TcpStream, text: Vec<u8>, gap: Duration) -> JoinHandle<()> {
    thread::spawn(move || {
        for byte in text {
            if stream.write_all(&[byte]).is_err() {
                return;
            }
            thread::sleep(gap);
        }
    })
}

/// Reads `stream` (any response included) until the server closes it, and returns how long
/// after `since` that was; `None` if it is still open after `patience`.
pub(crate) fn wait_closed(
    stream: &mut TcpStream,
    since: Instant,
    patience: Duration,
) -> Option<Duration> {
    let deadline = Instant::now() + patience;
    let mut buf = [0; 4096];
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        stream
            .set_read_timeout(Some(left.max(Duration::from_millis(1))))
            .expect("timeout");
        match stream.read(&mut buf) {
            Ok(0) => return Some(since.elapsed()),
            Ok(_) => continue,
            Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return None;
            }
            // A reset is a close too.
            Err(_) => return Some(since.elapsed()),
        }
    }
}

/// Whether the server has closed `stream` already, without waiting.
pub(crate) fn is_closed(stream: &TcpStream) -> bool {
    stream.set_nonblocking(true).expect("nonblocking");
    let mut buf = [0; 1];
    let closed = match stream.peek(&mut buf) {
        Ok(n) => n == 0,
        Err(err) => err.kind() != ErrorKind::WouldBlock,
    };
    stream.set_nonblocking(false).expect("blocking");
    closed
}

/// Raises this process's soft limit on open files to at least `want`, within its hard limit,
/// so a test can hold many connections where the default is low (macOS has 256).
#[cfg(unix)]
pub(crate) fn raise_fd_limit(want: u64) {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: both calls only read or write the struct given, which outlives them.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &raw mut limit) != 0 || limit.rlim_cur >= want {
            return;
        }
        limit.rlim_cur = want.min(limit.rlim_max);
        libc::setrlimit(libc::RLIMIT_NOFILE, &raw const limit);
    }
}
