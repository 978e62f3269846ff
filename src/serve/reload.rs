//! Live reload: the server-sent events that tell open pages to reload, swap stylesheets, or
//! show a build error, and the small script that listens to them.
//!
//! The events endpoint answers only pages of this server: a request whose Host or Origin names
//! another site is refused, so a web page elsewhere cannot reach it by DNS rebinding.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use super::http::App;
use super::slots::Activity;
use super::state::Reload;

pub(crate) const EVENTS_PATH: &str = "/__docent/events";
pub(crate) const SCRIPT_PATH: &str = "/__docent/reload.js";
/// The client script.
pub(crate) const SCRIPT: &str = include_str!("reload.js");

/// The tag added to served HTML. `build` tells the script which build the page comes from.
pub(crate) fn script_tag(build: &str) -> String {
    format!("<script src=\"{SCRIPT_PATH}\" data-build=\"{build}\"></script>")
}

/// The host names pages of this server are loaded from.
pub(crate) struct Hosts {
    allowed: Vec<String>,
    /// Bound to every address: any IP literal may name this machine. A rebinding attack always
    /// uses a domain name, never an IP literal.
    any_ip: bool,
    port: u16,
}

impl Hosts {
    pub(crate) fn new(bind: IpAddr, port: u16) -> Hosts {
        let mut allowed: Vec<String> = ["127.0.0.1", "localhost", "[::1]"]
            .iter()
            .map(|host| format!("{host}:{port}"))
            .collect();
        allowed.push(SocketAddr::new(bind, port).to_string());
        Hosts {
            allowed,
            any_ip: bind.is_unspecified(),
            port,
        }
    }

    /// Whether a request with these Host and Origin headers comes from a page of this server.
    pub(crate) fn allow(&self, host: Option<&str>, origin: Option<&str>) -> bool {
        let origin_ok = match origin {
            None => true,
            Some(origin) => origin
                .strip_prefix("http://")
                .is_some_and(|o| self.is_ours(o)),
        };
        host.is_some_and(|h| self.is_ours(h)) && origin_ok
    }

    fn is_ours(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        self.allowed.contains(&host)
            || (self.any_ip
                && host
                    .parse::<SocketAddr>()
                    .is_ok_and(|addr| addr.port() == self.port))
    }
}

/// `GET /__docent/events`: a greeting with the current build's tag, the current error if any,
/// then every [`Reload`] as it happens. The stream keeps its connection busy while it is open,
/// so the connection cap does not count it among the idle ones it closes first.
pub(crate) async fn events(
    State(app): State<App>,
    activity: Option<Extension<Activity>>,
    headers: HeaderMap,
) -> Response {
    let header = |name| headers.get(name).and_then(|value| value.to_str().ok());
    if !app
        .hosts
        .allow(header(header::HOST), header(header::ORIGIN))
    {
        return (
            StatusCode::FORBIDDEN,
            "forbidden: live reload only answers pages served by docent\n",
        )
            .into_response();
    }
    // Subscribe before reading the state, so no change falls between the two.
    let updates = BroadcastStream::new(app.shared.subscribe());
    let build = app.shared.snapshot().build;
    let mut first = vec![
        Event::default()
            .event("hello")
            .retry(Duration::from_secs(1))
            .data(app.shared.tag(build)),
    ];
    if let Some(overlay) = app.shared.error(build) {
        first.push(event(Reload::Overlay(overlay)));
    }
    let busy = activity.map(|Extension(activity)| activity.busy());
    let updates = updates.map(|update| match update {
        Ok(reload) => event(reload),
        // Messages were missed: the page may be out of date in any way.
        Err(_) => Event::default().event("reload").data("missed"),
    });
    let stream = tokio_stream::iter(first).chain(updates).map(move |event| {
        // Held by the stream, so dropped when the stream ends.
        let _busy = &busy;
        Ok::<Event, Infallible>(event)
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// `GET /__docent/reload.js`.
pub(crate) async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
        .into_response()
}

fn event(reload: Reload) -> Event {
    match reload {
        Reload::Page(tag) => Event::default().event("reload").data(tag),
        Reload::Pages(tag, paths) => Event::default()
            .event("pages")
            .data(serde_json::json!({ "tag": tag, "paths": paths }).to_string()),
        Reload::Css(tag) => Event::default().event("css").data(tag),
        // JSON keeps the overlay on one line and its text exactly as it was.
        Reload::Overlay(html) => Event::default()
            .event("overlay")
            .data(serde_json::to_string(&html).unwrap_or_default()),
        Reload::Clear => Event::default().event("clear").data("ok"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_servers_hosts_and_origins_are_allowed() {
        let hosts = Hosts::new("127.0.0.1".parse().unwrap(), 1111);
        let table = [
            (Some("127.0.0.1:1111"), None, true),
            (Some("localhost:1111"), None, true),
            (Some("LOCALHOST:1111"), Some("http://localhost:1111"), true),
            (Some("[::1]:1111"), Some("http://127.0.0.1:1111"), true),
            (None, None, false),
            (Some("127.0.0.1:1112"), None, false),
            (Some("127.0.0.1"), None, false),
            (Some("evil.example:1111"), None, false),
            (Some("localhost.evil.example:1111"), None, false),
            (Some("127.0.0.1:1111"), Some("http://evil.example"), false),
            (Some("127.0.0.1:1111"), Some("null"), false),
            (
                Some("127.0.0.1:1111"),
                Some("https://127.0.0.1:1111"),
                false,
            ),
            (Some("192.168.1.5:1111"), None, false),
        ];
        for (host, origin, allowed) in table {
            assert_eq!(hosts.allow(host, origin), allowed, "{host:?} {origin:?}");
        }
    }

    #[test]
    fn bound_to_every_address_any_ip_literal_is_allowed() {
        let hosts = Hosts::new("0.0.0.0".parse().unwrap(), 1111);
        assert!(hosts.allow(Some("192.168.1.5:1111"), Some("http://192.168.1.5:1111")));
        assert!(!hosts.allow(Some("192.168.1.5:2222"), None));
        assert!(!hosts.allow(Some("rebind.evil.example:1111"), None));
    }

    #[test]
    fn the_script_tag_names_the_build() {
        assert_eq!(
            script_tag("abc-3"),
            "<script src=\"/__docent/reload.js\" data-build=\"abc-3\"></script>"
        );
    }
}
