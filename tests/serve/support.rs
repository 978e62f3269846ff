//! Drives a real `docent serve` for the serve tests and the latency benchmark: a server process
//! killed on drop, a raw HTTP/1.1 client (raw, so that malformed paths reach the server exactly
//! as written), and a reader of server-sent events. Every wait has a generous timeout and no
//! result depends on how fast the machine is.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long to wait for anything the server should do.
pub(crate) const PATIENCE: Duration = Duration::from_secs(20);

pub(crate) struct Server {
    child: Child,
    pub(crate) port: u16,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `docent --root <root> serve --port 0 <args>` and waits until it serves.
    pub(crate) fn start(root: &Path, args: &[&str]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_docent"));
        command
            .arg("--root")
            .arg(root)
            .args(["serve", "--port", "0"])
            .args(args);
        Server::spawn(command)
    }

    pub(crate) fn spawn(mut command: Command) -> Server {
        command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(Stdio::null());
        let mut child = command.spawn().expect("start docent serve");
        let stdout = collect_lines(child.stdout.take().expect("stdout"));
        let stderr = collect_lines(child.stderr.take().expect("stderr"));
        let mut server = Server {
            child,
            port: 0,
            stdout,
            stderr,
        };
        let line = server
            .wait_for_line(PATIENCE, |line| line.starts_with("serving the site at "))
            .unwrap_or_else(|| panic!("docent serve did not start; stderr:\n{}", server.stderr()));
        let port = line
            .rsplit(':')
            .next()
            .and_then(|p| p.split('/').next())
            .and_then(|p| p.parse().ok());
        server.port = port.unwrap_or_else(|| panic!("no port in {line:?}"));
        server
    }

    /// Everything the server printed to stdout so far, one line each.
    pub(crate) fn stdout_lines(&self) -> Vec<String> {
        self.stdout.lock().unwrap().clone()
    }

    pub(crate) fn stderr(&self) -> String {
        self.stderr.lock().unwrap().join("\n")
    }

    /// Waits for a stdout line, counting from the start, that `matches`.
    pub(crate) fn wait_for_line(
        &mut self,
        timeout: Duration,
        matches: impl Fn(&str) -> bool,
    ) -> Option<String> {
        self.wait_for_line_after(0, timeout, matches)
    }

    /// Waits for a stdout line after the first `skip` ones that `matches`.
    pub(crate) fn wait_for_line_after(
        &mut self,
        skip: usize,
        timeout: Duration,
        matches: impl Fn(&str) -> bool,
    ) -> Option<String> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(line) = self
                .stdout_lines()
                .into_iter()
                .skip(skip)
                .find(|l| matches(l))
            {
                return Some(line);
            }
            if Instant::now() > deadline || self.child.try_wait().ok().flatten().is_some() {
                return None;
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    pub(crate) fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub(crate) fn get(&self, path: &str) -> Response {
        self.request(&format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            self.port
        ))
    }

    /// Sends `raw` as it is and reads the whole response.
    pub(crate) fn request(&self, raw: &str) -> Response {
        self.request_bytes(raw.as_bytes())
    }

    pub(crate) fn request_bytes(&self, raw: &[u8]) -> Response {
        self.send(raw, false)
    }

    /// Sends `raw` and closes the sending side, so a server waiting for more sees the end.
    pub(crate) fn request_then_close(&self, raw: &[u8]) -> Response {
        self.send(raw, true)
    }

    fn send(&self, raw: &[u8], close: bool) -> Response {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
        // The server may refuse before reading everything; the answer still counts.
        let _ = stream.write_all(raw);
        if close {
            let _ = stream.shutdown(Shutdown::Write);
        }
        let mut bytes = Vec::new();
        // A server that closes early may reset the connection; what was read still counts.
        let _ = stream.read_to_end(&mut bytes);
        Response::parse(&bytes)
    }

    /// Opens the live-reload stream and waits for its greeting.
    pub(crate) fn events(&self) -> Events {
        let events = Events::open(self.port, &format!("127.0.0.1:{}", self.port), None);
        let status = events.status.clone();
        assert!(status.contains(" 200 "), "events refused: {status}");
        events
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn collect_lines(stream: impl Read + Send + 'static) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&lines);
    thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            sink.lock().unwrap().push(line);
        }
    });
    lines
}

#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Response {
    fn parse(bytes: &[u8]) -> Response {
        let split = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or(bytes.len());
        let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
        let rest = bytes.get(split + 4..).unwrap_or_default();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let chunked = headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
        let body = if chunked {
            dechunk(rest)
        } else {
            rest.to_vec()
        };
        Response {
            status,
            headers,
            body,
        }
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn dechunk(mut bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = bytes.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&bytes[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = end + 2;
        out.extend_from_slice(&bytes[start..(start + size).min(bytes.len())]);
        bytes = bytes.get(start + size + 2..).unwrap_or_default();
    }
    out
}

/// A live-reload stream: each event as (name, data).
pub(crate) struct Events {
    pub(crate) status: String,
    stream: TcpStream,
    rx: Receiver<(String, String)>,
}

impl Events {
    /// Connects with the given Host and Origin headers and reads the status line.
    pub(crate) fn open(port: u16, host: &str, origin: Option<&str>) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        let origin = origin
            .map(|o| format!("Origin: {o}\r\n"))
            .unwrap_or_default();
        let request = format!(
            "GET /__docent/events HTTP/1.1\r\nHost: {host}\r\n{origin}Accept: text/event-stream\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).expect("send");
        stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        let mut status = String::new();
        let _ = reader.read_line(&mut status);
        let (tx, rx) = channel();
        thread::spawn(move || read_events(reader, tx));
        Events {
            status: status.trim().to_string(),
            stream,
            rx,
        }
    }

    /// The next event, if one comes within `timeout`.
    pub(crate) fn next(&self, timeout: Duration) -> Option<(String, String)> {
        self.rx.recv_timeout(timeout).ok()
    }

    /// Waits for an event called `name`, skipping others; returns its data.
    pub(crate) fn wait_for(&self, name: &str) -> String {
        self.wait_for_any(&[name]).1
    }

    /// Waits for an event with one of these names, skipping others; returns its name and data.
    pub(crate) fn wait_for_any(&self, names: &[&str]) -> (String, String) {
        let deadline = Instant::now() + PATIENCE;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.next(left) {
                Some((event, data)) if names.contains(&event.as_str()) => return (event, data),
                Some(_) => continue,
                None => break,
            }
        }
        panic!("no {names:?} event within {PATIENCE:?}");
    }

    /// Every event that has arrived so far, without waiting.
    pub(crate) fn drain(&self) -> Vec<(String, String)> {
        self.rx.try_iter().collect()
    }
}

impl Drop for Events {
    fn drop(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Both);
    }
}

/// Reads the rest of the headers, then the chunked body, and sends each complete event.
fn read_events(mut reader: BufReader<TcpStream>, tx: std::sync::mpsc::Sender<(String, String)>) {
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
    }
    let (mut name, mut data, mut pending) = (String::new(), Vec::<String>::new(), Vec::<u8>::new());
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let Ok(size) = usize::from_str_radix(line.trim(), 16) else {
            return;
        };
        let mut chunk = vec![0; size + 2];
        if size == 0 || reader.read_exact(&mut chunk).is_err() {
            return;
        }
        pending.extend_from_slice(&chunk[..size]);
        while let Some(end) = pending.iter().position(|b| *b == b'\n') {
            let field: Vec<u8> = pending.drain(..=end).collect();
            let field = String::from_utf8_lossy(&field);
            let field = field.trim_end_matches(['\r', '\n']);
            if field.is_empty() {
                if !data.is_empty()
                    && tx
                        .send((std::mem::take(&mut name), data.join("\n")))
                        .is_err()
                {
                    return;
                }
                data.clear();
            } else if let Some(value) = field.strip_prefix("event:") {
                name = value.trim_start().to_string();
            } else if let Some(value) = field.strip_prefix("data:") {
                data.push(value.strip_prefix(' ').unwrap_or(value).to_string());
            }
        }
    }
}

/// Polls `check` until it is true or [`PATIENCE`] runs out.
pub(crate) fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !check() {
        assert!(
            Instant::now() < deadline,
            "{what}: still not true after {PATIENCE:?}"
        );
        thread::sleep(Duration::from_millis(20));
    }
}

/// Writes a file the way editors save: to a temporary name, then renamed over the old one.
pub(crate) fn save(path: &Path, text: &str) {
    let dir = path.parent().expect("parent");
    std::fs::create_dir_all(dir).expect("mkdir");
    let temp = dir.join(format!(
        ".{}.docent-test~",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("x")
    ));
    std::fs::write(&temp, text).expect("write temp");
    std::fs::rename(&temp, path).expect("rename");
}
