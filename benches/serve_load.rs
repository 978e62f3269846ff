//! `docent serve` under slow and half-open connections: how long a normal request takes while
//! they are open, and the server's memory (RSS) idle, under load, and after they close.
//!
//! Two floods on a copy of the bundled site, each held for `DOCENT_BENCH_HOLD_S` seconds (8
//! unless set), during which, once a second, every connection the server has closed is opened
//! again, so the pressure does not let up:
//! - 1,000 slow-header connections, each sending a byte of its headers a second;
//! - half-open connections, as many as this process's file-descriptor limit allows (run under
//!   `ulimit -n 21000` for 20,000), each sending nothing and reading nothing.
//!
//! A prober gets `/` every 50 ms throughout, on a connection of its own, and the median, p99
//! and worst times are printed. Memory is read from /proc, so on Linux only.
//!
//! Run with `cargo bench --bench serve_load`. `DOCENT_BENCH_HALF_OPEN` sets the second count.

#[path = "../tests/serve/slow.rs"]
mod slow;
#[path = "../tests/serve/support.rs"]
mod support;

use std::fs;
use std::io::Write;
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use support::Server;

const SLOW: usize = 1_000;

fn main() {
    let limit = fd_limit();
    slow::raise_fd_limit(u64::MAX);
    let limit_now = fd_limit();
    let half_open = env("DOCENT_BENCH_HALF_OPEN").unwrap_or(limit_now.saturating_sub(300));
    let hold = Duration::from_secs(env("DOCENT_BENCH_HOLD_S").map_or(8, |s| s as u64));
    println!("file-descriptor limit {limit} (raised to {limit_now}), each flood held {hold:?}");

    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    copy_site(Path::new(env!("CARGO_MANIFEST_DIR")), &root);
    let (server, pid) = start(&root);
    for _ in 0..50 {
        assert_eq!(server.get("/").status, 200);
    }
    thread::sleep(Duration::from_secs(2));
    println!("idle: RSS {}", kib(rss(pid)));

    flood(&server, pid, SLOW, true, hold);
    flood(&server, pid, half_open, false, hold);
    println!("the server's warnings:\n{}", server.stderr());
}

/// Starts the server through `sh`, which prints its process id before it becomes docent.
fn start(root: &Path) -> (Server, u32) {
    let mut command = Command::new("sh");
    command
        .args(["-c", "echo \"pid $$\" && exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_docent"))
        .arg("--root")
        .arg(root)
        .args(["serve", "--port", "0"]);
    let server = Server::spawn(command);
    let pid = server
        .stdout_lines()
        .iter()
        .find_map(|l| l.strip_prefix("pid ")?.parse().ok())
        .expect("the server's pid");
    (server, pid)
}

/// Opens `count` connections, slow (a byte of headers a second) or silent, holds them for
/// `hold` while a prober times normal requests, then closes them and waits for the server to
/// settle.
fn flood(server: &Server, pid: u32, count: usize, slow_headers: bool, hold: Duration) {
    let kind = if slow_headers {
        "slow-header"
    } else {
        "half-open"
    };
    let stop = AtomicBool::new(false);
    thread::scope(|scope| {
        let prober = scope.spawn(|| probe(server, &stop));
        let started = Instant::now();
        let mut open = Vec::with_capacity(count);
        while open.len() < count {
            match connect(server.port, slow_headers) {
                Ok(stream) => open.push(stream),
                Err(err) => {
                    println!("  stopped opening at {}: {err}", open.len());
                    break;
                }
            }
        }
        let took = started.elapsed();
        println!("{kind}: {} connections opened in {took:?}", open.len());
        let (mut peak, mut closed, holding) = (0, 0, Instant::now());
        while holding.elapsed() < hold {
            for stream in &mut open {
                if slow::is_closed(stream) {
                    closed += 1;
                    if let Ok(again) = connect(server.port, slow_headers) {
                        *stream = again;
                    }
                } else if slow_headers {
                    let _ = stream.write_all(b"a");
                }
            }
            peak = peak.max(rss(pid));
            thread::sleep(Duration::from_secs(1));
        }
        stop.store(true, Ordering::Relaxed);
        let times = prober.join().expect("prober");
        println!("  closed by the server and opened again: {closed}");
        println!("  normal requests: {}", summary(times));
        println!("  RSS under load: peak {}", kib(peak));
    });
    // Past the header timeout, so the connections the server still held are gone too.
    thread::sleep(Duration::from_secs(7));
    println!("  RSS after they closed: {}", kib(rss(pid)));
}

/// A connection to the server; a slow one has sent the start of its headers.
fn connect(port: u16, slow_headers: bool) -> std::io::Result<TcpStream> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    if slow_headers {
        // The server may have closed it already, which the next round sees.
        let _ = stream.write_all(slow::PARTIAL);
    }
    Ok(stream)
}

/// Gets `/` every 50 ms until told to stop; returns how long each took.
fn probe(server: &Server, stop: &AtomicBool) -> Vec<Duration> {
    let mut times = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        let status = server.get("/").status;
        times.push(started.elapsed());
        assert_eq!(status, 200, "a normal request failed");
        thread::sleep(Duration::from_millis(50));
    }
    times
}

fn summary(mut times: Vec<Duration>) -> String {
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    format!(
        "{} requests, median {:?}, p99 {:?}, worst {:?}",
        times.len(),
        at(0.5),
        at(0.99),
        at(1.0)
    )
}

/// Resident memory of `pid` in KiB, from /proc; 0 where there is none.
fn rss(pid: u32) -> u64 {
    fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

fn kib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn fd_limit() -> usize {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes only the struct given, which outlives the call.
    unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &raw mut limit) };
    usize::try_from(limit.rlim_cur).unwrap_or(usize::MAX)
}

fn env(name: &str) -> Option<usize> {
    std::env::var(name).ok()?.parse().ok()
}

fn copy_site(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    fs::copy(from.join("site.toml"), to.join("site.toml")).expect("copy site.toml");
    for dir in ["content", "templates", "static"] {
        copy_dir(&from.join(dir), &to.join(dir));
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            fs::copy(&path, to.join(entry.file_name())).expect("copy");
        }
    }
}
