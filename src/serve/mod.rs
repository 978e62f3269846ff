//! `docent serve`: builds the site into memory, serves it on 127.0.0.1, and rebuilds and
//! reloads open pages on every change to content/, templates/, static/ or site.toml.
//!
//! The parts, each in its module: [`change`] says what a changed path means, [`watch`] turns
//! notify's events into changes, [`debounce`] decides when to build and when to show a build,
//! [`rebuild`] runs the builds, [`state`] holds what is served, [`http`] serves it over the
//! connections [`conn`] accepts (within the cap of [`slots`], under the write timeout of
//! [`stall`]), [`reload`] tells the browser, and [`overlay`] shows build errors. Nothing is
//! global: one [`state::Shared`] is made here and passed to both sides.

mod change;
mod conn;
mod debounce;
mod http;
mod overlay;
mod rebuild;
mod reload;
mod search;
mod slots;
mod stall;
mod state;
mod watch;

use std::io::ErrorKind;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use tokio::net::TcpListener;

use crate::pipeline;
use rebuild::Builder;
use state::Shared;

/// The text serve's overlay shows for a failure.
#[cfg(test)]
pub(crate) fn describe_for_tests(failure: &crate::error::Failure) -> String {
    overlay::describe(failure)
}

/// The port tried first when none is given, and how many after it.
const DEFAULT_PORT: u16 = 1111;
const PORT_TRIES: u16 = 50;

pub(crate) struct Options {
    /// `None`: 1111 or the next free port. `Some(0)`: any free port.
    pub(crate) port: Option<u16>,
    pub(crate) bind: IpAddr,
    pub(crate) open: bool,
    pub(crate) drafts: bool,
    pub(crate) future: bool,
    pub(crate) poll: bool,
    /// Print each build's time per stage.
    pub(crate) timings: bool,
}

pub(crate) fn run(root: &Path, options: Options) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("could not start the server's runtime")?;
    runtime.block_on(serve(root, options))
}

async fn serve(root: &Path, options: Options) -> Result<()> {
    let root = root
        .canonicalize()
        .with_context(|| format!("could not open the site folder {}", root.display()))?;
    let listener = bind(options.bind, options.port)?;
    let addr = listener.local_addr()?;
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}, so other machines on the network can see the site; \
             leave out --bind to keep it on this machine",
            options.bind
        );
    }
    let url = local_url(addr);
    let builder = Arc::new(Builder::new(
        pipeline::Options {
            root: root.clone(),
            base_url: Some(url.clone()),
            drafts: options.drafts,
            future: options.future,
        },
        options.timings,
    ));
    let shared = Arc::new(Shared::new());
    // Watch before the first build, so a change made during it is not lost.
    let (watching, events) = watch::start(&root, options.poll)?;
    let first_due = first_build(&builder, &shared, options.timings).await;
    say!("serving the site at {url}/ (Ctrl-C to stop)");
    if options.open {
        if let Err(err) = open::that_detached(format!("{url}/")) {
            eprintln!("warning: could not open a browser: {err}");
        }
    }
    let rebuilds = rebuild::run(builder, Arc::clone(&shared), (watching, events), first_due);
    tokio::spawn(rebuilds);
    let hosts = Arc::new(reload::Hosts::new(options.bind, addr.port()));
    let search = Arc::default();
    let app = http::router(http::App {
        shared,
        hosts,
        search,
    });
    conn::serve(listener, app).await
}

/// The address a browser on this machine opens, which links in pages point at.
fn local_url(addr: SocketAddr) -> String {
    let local = if addr.ip().is_unspecified() {
        SocketAddr::new([127, 0, 0, 1].into(), addr.port())
    } else {
        addr
    };
    format!("http://{local}")
}

/// Binds the requested port, or, with none requested, the first free one from 1111 on.
fn bind(ip: IpAddr, port: Option<u16>) -> Result<TcpListener> {
    if let Some(port) = port {
        let addr = SocketAddr::new(ip, port);
        return conn::listen(addr).map_err(|err| match err.kind() {
            ErrorKind::AddrInUse => anyhow!("port {port} on {ip} is taken; choose another with --port, or leave it out to take a free one"),
            _ => anyhow!("could not listen on {addr}: {err}"),
        });
    }
    for port in DEFAULT_PORT..DEFAULT_PORT + PORT_TRIES {
        match conn::listen(SocketAddr::new(ip, port)) {
            Ok(listener) => {
                if port != DEFAULT_PORT {
                    say!("port {DEFAULT_PORT} is taken; using {port}");
                }
                return Ok(listener);
            }
            Err(err) if err.kind() == ErrorKind::AddrInUse => continue,
            Err(err) => bail!("could not listen on {}: {err}", SocketAddr::new(ip, port)),
        }
    }
    bail!(
        "ports {DEFAULT_PORT} to {} on {ip} are all taken; choose one with --port",
        DEFAULT_PORT + PORT_TRIES - 1
    )
}

/// The first build. If it fails, the server starts all the same and shows the error. Returns
/// when its site goes stale: the moment a scheduled page comes due or a page expires.
async fn first_build(
    builder: &Arc<Builder>,
    shared: &Shared,
    timings: bool,
) -> Option<jiff::Timestamp> {
    let task = Arc::clone(builder);
    let empty = shared.snapshot();
    let first = move || task.build(&change::Batch::default(), &empty);
    let outcome = match tokio::task::spawn_blocking(first).await {
        Ok(outcome) => outcome,
        Err(err) => {
            let err = crate::error::Failure::Io(anyhow!("the first build stopped: {err}"));
            rebuild::fail(shared, &err);
            return None;
        }
    };
    match outcome.result {
        Ok((built, _)) => {
            say!(
                "built {} pages, {} sections in {} ms",
                built.counts.pages,
                built.counts.sections,
                outcome.elapsed.as_millis()
            );
            if timings {
                print!("{}", built.laps.table());
            }
            let until = built.until;
            // The build it replaces is the empty one.
            let _ = shared.publish(built, false, None);
            until
        }
        Err(err) => {
            rebuild::fail(shared, &err);
            None
        }
    }
}
