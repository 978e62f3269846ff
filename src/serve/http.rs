//! The web server: serves the last good build from memory, so nothing outside the built site
//! can ever be sent, and the output folder is never written.
//!
//! Paths are checked before the lookup all the same: dot segments, encoded slashes, doubled
//! slashes, backslashes and control characters are refused with 400. Only GET and HEAD are
//! answered. Served HTML gets the live-reload script, and the error overlay while a build error
//! stands; `docent build` output never gets either.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::Request;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use mime_guess::mime;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use super::overlay;
use super::reload::{self, Hosts};
use super::search::Search;
use super::state::{Shared, Snapshot};

/// What every handler sees.
#[derive(Clone)]
pub(crate) struct App {
    pub(crate) shared: Arc<Shared>,
    pub(crate) hosts: Arc<Hosts>,
    pub(crate) search: Arc<Search>,
}

pub(crate) fn router(app: App) -> Router {
    Router::new()
        .route(reload::EVENTS_PATH, get(reload::events))
        .route(reload::SCRIPT_PATH, get(reload::script))
        .fallback(site)
        // Pages and build errors are private to this machine: a page on another site that
        // rebinds its own domain to 127.0.0.1 must not read them (DNS rebinding).
        .layer(middleware::from_fn_with_state(app.clone(), only_our_hosts))
        .with_state(app)
        // A page must never come from the browser's cache after a rebuild.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(CatchPanicLayer::new())
}

async fn only_our_hosts(State(app): State<App>, request: Request, next: Next) -> Response {
    // The Host header is what a rebinding page cannot fake; cross-origin reads without it are
    // already stopped by the missing CORS headers. Other methods get their 405 from the handler.
    let allowed = !matches!(*request.method(), Method::GET | Method::HEAD) || {
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok());
        app.hosts.allow(host, None)
    };
    if allowed {
        next.run(request).await
    } else {
        (
            StatusCode::FORBIDDEN,
            "forbidden: this preview answers only its own address\n",
        )
            .into_response()
    }
}

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Route {
    File(String),
    /// `/x` when `x/index.html` exists: to `/x/`.
    Redirect(String),
    NotFound,
    BadRequest,
}

/// Resolves a raw (still percent-encoded) request path against the files of a build.
pub(crate) fn route(raw: &str, query: Option<&str>, exists: impl Fn(&str) -> bool) -> Route {
    let Some(path) = clean_path(raw) else {
        return Route::BadRequest;
    };
    let is_dir = path.is_empty() || path.ends_with('/');
    let file = if is_dir {
        format!("{path}index.html")
    } else {
        path.clone()
    };
    if exists(&file) {
        return Route::File(file);
    }
    if !is_dir && exists(&format!("{path}/index.html")) {
        // `raw` starts with one `/` only, so this can never become `//other-host/`.
        let query = query.map(|q| format!("?{q}")).unwrap_or_default();
        return Route::Redirect(format!("{raw}/{query}"));
    }
    Route::NotFound
}

/// The decoded path without its leading `/`, or `None` if it is anything but a plain path.
fn clean_path(raw: &str) -> Option<String> {
    let rest = raw.strip_prefix('/')?;
    let path = String::from_utf8(percent_decode(rest)?).ok()?;
    if path.chars().any(|c| c.is_control() || c == '\\') {
        return None;
    }
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len() - 1;
    let plain = segments
        .iter()
        .enumerate()
        .all(|(i, s)| *s != "." && *s != ".." && (!s.is_empty() || i == last));
    plain.then_some(path)
}

/// Decodes `%XX` escapes. A bad escape, or an escaped `/` (which would hide a segment
/// boundary), gives `None`.
fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            let byte = u8::from_str_radix(hex, 16).ok()?;
            if byte == b'/' || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// Every path that is not live reload's: a file of the site.
async fn site(State(app): State<App>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "method not allowed\n",
        )
            .into_response();
    }
    let snapshot = app.shared.snapshot();
    if snapshot.build == 0 {
        return first_build_failed(&app);
    }
    // The search index is built when first asked for, so its files are not in the snapshot.
    let indexed = |file: &str| snapshot.search.is_some() && file.starts_with("pagefind/");
    match route(uri.path(), uri.query(), |file| {
        snapshot.files.contains_key(file) || indexed(file)
    }) {
        Route::File(file) if !snapshot.files.contains_key(&file) => {
            match app.search.file(Arc::clone(&snapshot), &file).await {
                Some(bytes) => typed(&file, bytes, StatusCode::OK),
                None => file_response(&app, &snapshot, "404.html", StatusCode::NOT_FOUND),
            }
        }
        Route::File(file) => file_response(&app, &snapshot, &file, StatusCode::OK),
        Route::Redirect(to) => Redirect::permanent(&to).into_response(),
        Route::NotFound => file_response(&app, &snapshot, "404.html", StatusCode::NOT_FOUND),
        Route::BadRequest => {
            (StatusCode::BAD_REQUEST, "bad request: not a plain path\n").into_response()
        }
    }
}

/// A file of the build. HTML gets the live-reload script and, while a build error stands, the
/// overlay: a page loaded or reloaded then shows the error before any script runs.
fn file_response(app: &App, snapshot: &Snapshot, file: &str, status: StatusCode) -> Response {
    let Some(bytes) = snapshot.files.get(file) else {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    };
    let body = if content_type(file).starts_with("text/html") {
        let mut tags = app.shared.error(snapshot.build).unwrap_or_default();
        tags.push_str(&reload::script_tag(&app.shared.tag(snapshot.build)));
        inject(bytes, &tags).into()
    } else {
        bytes.clone()
    };
    typed(file, body, status)
}

/// A response with `bytes` and the Content-Type for `file`.
fn typed(file: &str, bytes: Bytes, status: StatusCode) -> Response {
    let content_type = HeaderValue::from_str(&content_type(file))
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    (status, [(header::CONTENT_TYPE, content_type)], bytes).into_response()
}

/// No build has succeeded yet: every path shows the error, and reloads once it is fixed.
fn first_build_failed(app: &App) -> Response {
    let overlay = app
        .shared
        .error(0)
        .unwrap_or_else(|| overlay::overlay("The first build has not finished yet."));
    let page = overlay::error_page(&overlay, &reload::script_tag(&app.shared.tag(0)));
    let content_type = [(header::CONTENT_TYPE, "text/html; charset=utf-8")];
    (StatusCode::INTERNAL_SERVER_ERROR, content_type, page).into_response()
}

/// The Content-Type for a file, by its extension; text is UTF-8, as docent writes it.
pub(crate) fn content_type(file: &str) -> String {
    let mime = mime_guess::from_path(file).first_or_octet_stream();
    let textual = mime.type_() == mime::TEXT
        || mime.suffix() == Some(mime::XML)
        || mime.suffix() == Some(mime::JSON)
        || [mime::JAVASCRIPT, mime::JSON, mime::XML].contains(&mime.subtype());
    if textual && mime.get_param(mime::CHARSET).is_none() {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

/// Adds `tag` before the last `</body>`, or at the end when there is none.
pub(crate) fn inject(html: &[u8], tag: &str) -> Vec<u8> {
    const END: &[u8] = b"</body>";
    let at = html
        .windows(END.len())
        .rposition(|w| w.eq_ignore_ascii_case(END))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILES: [&str; 5] = [
        "index.html",
        "careers/index.html",
        "careers/x/index.html",
        "css/site.css",
        "a b.txt",
    ];

    fn go(raw: &str) -> Route {
        route(raw, None, |file| FILES.contains(&file))
    }

    #[test]
    fn plain_paths_find_their_files() {
        let file = |f: &str| Route::File(f.to_string());
        assert_eq!(go("/"), file("index.html"));
        assert_eq!(go("/careers/"), file("careers/index.html"));
        assert_eq!(go("/careers/x/"), file("careers/x/index.html"));
        assert_eq!(go("/careers/x/index.html"), file("careers/x/index.html"));
        assert_eq!(go("/css/site.css"), file("css/site.css"));
        assert_eq!(go("/a%20b.txt"), file("a b.txt"));
        assert_eq!(go("/careers"), Route::Redirect("/careers/".into()));
        assert_eq!(
            route("/careers", Some("q=1"), |f| FILES.contains(&f)),
            Route::Redirect("/careers/?q=1".into())
        );
        assert_eq!(go("/nope/"), Route::NotFound);
        assert_eq!(go("/site.toml"), Route::NotFound);
        assert_eq!(go("/content/_index.md"), Route::NotFound);
    }

    #[test]
    fn anything_but_a_plain_path_is_refused() {
        for raw in [
            "/../site.toml",
            "/careers/../../site.toml",
            "/%2e%2e/site.toml",
            "/%2E%2E/site.toml",
            "/..%2fsite.toml",
            "/%2e%2e%2fsite.toml",
            "/careers/%2e/x/",
            "/./index.html",
            "/static/..\\..\\site.toml",
            "/static/%5c..%5csite.toml",
            "//etc/passwd",
            "/careers//x/",
            "/a%00b",
            "/a%0a",
            "/%",
            "/%2",
            "/%zz",
            "/%c3%28",
            "*",
            "",
            "careers/",
        ] {
            assert_eq!(go(raw), Route::BadRequest, "{raw}");
        }
    }

    #[test]
    fn content_types_follow_extensions() {
        assert_eq!(content_type("x/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("css/site.css"), "text/css; charset=utf-8");
        assert!(content_type("app.js").ends_with("javascript; charset=utf-8"));
        assert_eq!(content_type("atom.xml"), "text/xml; charset=utf-8");
        assert_eq!(
            content_type("search.json"),
            "application/json; charset=utf-8"
        );
        assert_eq!(content_type("logo.svg"), "image/svg+xml; charset=utf-8");
        assert_eq!(content_type("photo.png"), "image/png");
        assert_eq!(content_type("font.woff2"), "font/woff2");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }

    #[test]
    fn the_script_goes_before_the_last_body_end() {
        assert_eq!(
            inject(b"<p>a</p></BODY></html>", "<s>"),
            b"<p>a</p><s></BODY></html>"
        );
        assert_eq!(
            inject(b"<p></body></p></body>", "<s>"),
            b"<p></body></p><s></body>"
        );
        assert_eq!(inject(b"<p>no end", "<s>"), b"<p>no end<s>");
    }
}
