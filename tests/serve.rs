//! `docent serve`, end to end: the real binary serves a small fixture site from a temp folder,
//! the tests edit, rename and delete its files, and check both the live-reload events and the
//! bytes served. No assertion depends on timing: every wait polls with a generous timeout.

#[path = "serve/slow.rs"]
mod slow;
#[path = "serve/support.rs"]
mod support;

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use support::{Events, PATIENCE, Server, eventually, save};

/// A comment in site.toml that no page shows: if a response holds it, the server leaked a source.
const CONFIG_SECRET: &str = "CONFIG-SECRET-7d1f";
/// The text of a file outside the site, linked from static/.
const OUTSIDE_SECRET: &str = "OUTSIDE-SECRET-93ab";

struct Site {
    dir: tempfile::TempDir,
    root: PathBuf,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        let site = Site { dir, root };
        for (path, text) in FIXTURE {
            site.write(path, text);
        }
        site
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).expect("write");
    }

    fn serve(&self, args: &[&str]) -> Server {
        Server::start(&self.root, args)
    }
}

const FIXTURE: [(&str, &str); 9] = [
    (
        "site.toml",
        "# CONFIG-SECRET-7d1f: this comment never reaches a page.\ntitle = \"Serve fixture\"\nbase_url = \"https://example.org\"\n",
    ),
    (
        "content/_index.md",
        "+++\ntitle = \"Home\"\n+++\n\nWelcome home.\n",
    ),
    (
        "content/notes/_index.md",
        "+++\ntitle = \"Notes\"\n+++\n\nAll notes.\n",
    ),
    (
        "content/notes/first.md",
        "+++\ntitle = \"First\"\n+++\n\nFirst body.\n",
    ),
    (
        "content/notes/second.md",
        "+++\ntitle = \"Second\"\n+++\n\nSecond body.\n",
    ),
    (
        "templates/base.html",
        "<!doctype html>\n<html><head><title>{{ config.title }}</title>\n<link rel=\"stylesheet\" href=\"{{ get_url(path='style.css') }}\"></head>\n<body>\n{% block main %}{% endblock main %}\n</body>\n</html>\n",
    ),
    (
        "templates/index.html",
        "{% extends \"base.html\" %}{% block main %}<h1>{{ section.title }}</h1>{{ section.content }}{% endblock main %}",
    ),
    (
        "templates/section.html",
        "{% extends \"base.html\" %}{% block main %}<h1>{{ section.title }}</h1><ul>{% for p in section.pages %}<li><a href=\"{{ p.path }}\">{{ p.title }}</a></li>{% endfor %}</ul>{% endblock main %}",
    ),
    (
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<h1>{{ page.title }}</h1><div class=\"body\">{{ page.content }}</div>{% endblock main %}",
    ),
];

fn with_extras(site: &Site) {
    site.write("static/style.css", "body { color: black; }\n");
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<h1>Lost here</h1>{% endblock main %}",
    );
}

fn started() -> (Site, Server) {
    let site = Site::new();
    with_extras(&site);
    let server = site.serve(&[]);
    (site, server)
}

fn page(title: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\n+++\n\n{body}\n")
}

/// Saves a new body for the first note, waits for the event that reloads its page (alone, or
/// every page after a failed build), then for the new bytes.
fn edit_first_note(site: &Site, server: &Server, events: &Events, body: &str) {
    save(&site.path("content/notes/first.md"), &page("First", body));
    let (event, data) = events.wait_for_any(&["pages", "reload"]);
    assert!(
        event == "reload" || data.contains("\"/notes/first/\""),
        "{event}: {data}"
    );
    eventually("the edit is served", || {
        server.get("/notes/first/").text().contains(body)
    });
}

#[test]
fn serves_the_built_site_from_memory_with_the_reload_script() {
    let (site, server) = started();
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(home.header("cache-control"), Some("no-store"));
    assert!(home.text().contains("Welcome home."));
    let script = "<script src=\"/__docent/reload.js\" data-build=\"";
    assert!(
        home.text().contains(script) && home.text().contains("</script></body>"),
        "{}",
        home.text()
    );

    let first = server.get("/notes/first/");
    assert_eq!(first.status, 200);
    assert!(first.text().contains("First body."));
    let redirect = server.get("/notes");
    assert_eq!(redirect.status, 308);
    assert_eq!(redirect.header("location"), Some("/notes/"));
    let css = server.get("/style.css");
    assert_eq!(
        (css.status, css.header("content-type")),
        (200, Some("text/css; charset=utf-8"))
    );
    assert_eq!(css.body, b"body { color: black; }\n");
    let js = server.get("/__docent/reload.js");
    assert!(
        js.header("content-type")
            .is_some_and(|t| t.contains("javascript"))
    );
    assert!(js.text().contains("EventSource"));

    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("Lost here") && missing.text().contains(script));

    // Absolute links point at the server, and the page knows the build the greeting names.
    let sitemap = server.get("/sitemap.xml").text();
    assert!(
        sitemap.contains(&format!(
            "<loc>http://127.0.0.1:{}/notes/first/</loc>",
            server.port
        )),
        "{sitemap}"
    );
    let events = server.events();
    let tag = events.wait_for("hello");
    assert!(first.text().contains(&format!("data-build=\"{tag}\"")));
    assert!(
        !site.path("public").exists(),
        "serve never writes the output folder"
    );
}

#[test]
fn build_output_has_no_reload_script() {
    let site = Site::new();
    with_extras(&site);
    let out = site.dir.path().join("out");
    let output = Command::new(env!("CARGO_BIN_EXE_docent"))
        .arg("--root")
        .arg(&site.root)
        .arg("build")
        .arg("-o")
        .arg(&out)
        .output()
        .expect("docent build");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for file in files_under(&out) {
        let text = fs::read_to_string(&file).unwrap_or_default();
        assert!(
            !text.contains("__docent"),
            "{} has the reload script",
            file.display()
        );
    }
}

#[test]
fn edits_renames_deletes_and_new_folders_reload_pages() {
    let (site, mut server) = started();
    let events = server.events();
    events.wait_for("hello");

    edit_first_note(&site, &server, &events, "Edited body.");
    let line = server.wait_for_line(PATIENCE, |l| {
        l.starts_with("content/notes/first.md changed (content)")
    });
    let line = line.expect("a rebuild line");
    assert!(
        line.contains("Markdown of 1)"),
        "one body rendered again: {line}"
    );
    let (rendered, all) = rendered_of(&line);
    assert!(
        rendered < all,
        "the pages the edit does not reach are reused: {line}"
    );

    fs::rename(
        site.path("content/notes/first.md"),
        site.path("content/notes/third.md"),
    )
    .expect("rename");
    events.wait_for("pages");
    eventually("the renamed page is served", || {
        server.get("/notes/third/").status == 200
    });
    assert_eq!(server.get("/notes/first/").status, 404);

    fs::remove_file(site.path("content/notes/second.md")).expect("delete");
    events.wait_for("pages");
    eventually("the deleted page is gone", || {
        server.get("/notes/second/").status == 404
    });

    site.write("content/more/_index.md", &page("More", "A new section."));
    site.write(
        "content/more/deep/page.md",
        &page("Deep", "A page in a new folder."),
    );
    eventually("the new folder's pages are served", || {
        server.get("/more/").text().contains("<h1>More</h1>")
            && server
                .get("/more/deep/page/")
                .text()
                .contains("A page in a new folder.")
    });

    // A file created in the new folder later is seen too: the folder is watched.
    site.write(
        "content/more/later.md",
        &page("Later", "Written after the folder."),
    );
    eventually("a later file in the new folder is served", || {
        server.get("/more/later/").status == 200
    });
}

#[test]
fn a_template_change_renders_again_the_pages_that_use_it() {
    let (site, mut server) = started();
    let events = server.events();
    events.wait_for("hello");
    let before = server.stdout_lines().len();
    save(
        &site.path("templates/page.html"),
        "{% extends \"base.html\" %}{% block main %}<h2 class=\"new\">{{ page.title }}</h2>{{ page.content }}{% endblock main %}",
    );
    events.wait_for("pages");
    eventually("the new template is used", || {
        server
            .get("/notes/first/")
            .text()
            .contains("<h2 class=\"new\">First</h2>")
    });
    let line = server
        .wait_for_line_after(before, PATIENCE, |l| l.contains("(template)"))
        .expect("a rebuild line");
    let (rendered, all) = rendered_of(&line);
    assert!(
        rendered > 0 && rendered < all,
        "the pages, not the sections: {line}"
    );
    assert!(
        line.contains("Markdown of 0)"),
        "no body rendered again: {line}"
    );

    let before = server.stdout_lines().len();
    let base = fs::read_to_string(site.path("templates/base.html")).expect("read");
    save(
        &site.path("templates/base.html"),
        &format!("{base}<!-- new -->"),
    );
    let line = server
        .wait_for_line_after(before, PATIENCE, |l| l.contains("(template)"))
        .expect("a rebuild line");
    let (rendered, all) = rendered_of(&line);
    assert_eq!(rendered, all, "every page extends base.html: {line}");
}

/// `N of M pages rendered again` in a rebuild line.
fn rendered_of(line: &str) -> (usize, usize) {
    let counts: Vec<usize> = line
        .split(" pages rendered again")
        .next()
        .and_then(|head| head.rsplit('(').next())
        .map(|tail| tail.split(' ').filter_map(|w| w.parse().ok()).collect())
        .unwrap_or_default();
    assert_eq!(counts.len(), 2, "no counts in {line}");
    (counts[0], counts[1])
}

#[test]
fn a_css_change_swaps_stylesheets_without_a_reload() {
    let (site, server) = started();
    let events = server.events();
    events.wait_for("hello");
    save(
        &site.path("static/style.css"),
        "body { color: rebeccapurple; }\n",
    );
    let (name, tag) = events.next(PATIENCE).expect("an event");
    assert_eq!(name, "css", "a stylesheet-only change is not a reload");
    assert!(!tag.is_empty());
    eventually("the new stylesheet is served", || {
        server.get("/style.css").text().contains("rebeccapurple")
    });
}

#[test]
fn editor_files_and_other_folders_never_trigger_a_build() {
    let (site, mut server) = started();
    let events = server.events();
    events.wait_for("hello");
    let before = server.stdout_lines().len();
    for rel in [
        "content/notes/.first.md.swp",
        "content/notes/first.md~",
        "content/notes/4913",
        "content/notes/.#first.md",
        "templates/page.html___jb_tmp___",
        "public/index.html",
        "target/debug/x",
        "README.md",
    ] {
        site.write(rel, "junk");
    }
    // The next rebuild answers this change alone: the junk above was never a change.
    save(
        &site.path("content/notes/second.md"),
        &page("Second", "Changed."),
    );
    let line = server
        .wait_for_line_after(before, PATIENCE, |l| l.contains("changed ("))
        .expect("a rebuild line");
    assert_eq!(
        line.split(':').next(),
        Some("content/notes/second.md changed (content)"),
        "{line}"
    );
    let lines = server.stdout_lines()[before..].join("\n");
    for junk in ["swp", "4913", "jb_tmp", "public", "target", "README"] {
        assert!(!lines.contains(junk), "{junk} triggered a build:\n{lines}");
    }
}

#[test]
fn after_a_burst_of_saves_the_server_shows_a_clean_build() {
    let (site, server) = started();
    let events = server.events();
    events.wait_for("hello");
    for i in 0..30 {
        save(
            &site.path("content/notes/first.md"),
            &page("First", &format!("Burst {i}.")),
        );
        site.write(
            "content/notes/second.md",
            &page("Second", &format!("Also {i}.")),
        );
        if i % 10 == 0 {
            save(
                &site.path("static/style.css"),
                &format!("body {{ order: {i}; }}\n"),
            );
        }
    }
    eventually("the last save is served", || {
        server.get("/notes/first/").text().contains("Burst 29.")
            && server.get("/notes/second/").text().contains("Also 29.")
    });

    let out = site.dir.path().join("clean");
    let base_url = format!("http://127.0.0.1:{}", server.port);
    let output = Command::new(env!("CARGO_BIN_EXE_docent"))
        .arg("--root")
        .arg(&site.root)
        .args(["build", "--base-url", &base_url, "-o"])
        .arg(&out)
        .output()
        .expect("docent build");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut compared = 0;
    for file in files_under(&out) {
        let rel = file
            .strip_prefix(&out)
            .expect("under out")
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with('.') {
            continue;
        }
        let url = format!("/{}", rel.trim_end_matches("index.html"));
        let clean = fs::read(&file).expect("read");
        eventually(&format!("{url} is the same as a clean build"), || {
            without_script(&server.get(&url).body) == clean
        });
        compared += 1;
    }
    assert!(compared > 5);
}

#[test]
fn a_body_edit_reloads_its_page_and_the_listings_that_show_it_at_once() {
    let (site, server) = started();
    let events = server.events();
    events.wait_for("hello");
    save(
        &site.path("templates/section.html"),
        "{% extends \"base.html\" %}{% block main %}<ul>{% for p in section.pages %}\
         <li>{{ p.title }}: {{ p.word_count }} words</li>{% endfor %}</ul>{% endblock main %}",
    );
    events.wait_for("pages");
    eventually("the listing counts words", || {
        server.get("/notes/").text().contains("First: ")
    });
    save(
        &site.path("content/notes/first.md"),
        &page("First", "one two three four five six seven"),
    );
    let changed = events.wait_for("pages");
    assert!(changed.contains("\"/notes/first/\""), "{changed}");
    assert!(
        changed.contains("\"/notes/\""),
        "the listing in the same build: {changed}"
    );
    assert!(
        server
            .get("/notes/first/")
            .text()
            .contains("one two three four five six seven")
    );
    assert!(server.get("/notes/").text().contains("First: 7 words"));
}

#[test]
fn the_search_index_is_built_when_first_asked_for_and_again_after_an_edit() {
    let site = Site::new();
    with_extras(&site);
    site.write(
        "site.toml",
        "title = \"Serve fixture\"\nbase_url = \"https://example.org\"\nbuild_search_index = true\n",
    );
    let server = site.serve(&[]);
    let entry = server.get("/pagefind/pagefind-entry.json");
    assert_eq!(entry.status, 200);
    assert_eq!(
        entry.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert!(entry.text().contains("\"page_count\""), "{}", entry.text());
    assert_eq!(server.get("/pagefind/pagefind.js").status, 200);
    assert_eq!(server.get("/pagefind/no-such-file.js").status, 404);
    let count = |text: String| {
        text.split("\"page_count\":").nth(1).map(|r| {
            r.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
    };
    let before = count(entry.text());

    let events = server.events();
    events.wait_for("hello");
    site.write(
        "content/notes/third.md",
        &page("Third", "A page the index did not have."),
    );
    events.wait_for("pages");
    eventually("the index counts the new page", || {
        count(server.get("/pagefind/pagefind-entry.json").text()) != before
    });
}

#[test]
fn an_error_shows_an_overlay_and_keeps_the_last_good_build() {
    let (site, server) = started();
    let events = server.events();
    events.wait_for("hello");
    save(
        &site.path("content/notes/first.md"),
        "+++\ntitle = <script>alert(1)</script>\n+++\n\nBroken.\n",
    );
    let overlay = events.wait_for("overlay");
    assert!(overlay.contains("content/notes/first.md:2:9"), "{overlay}");
    assert!(
        overlay.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{overlay}"
    );
    assert!(
        !overlay.contains("<script>"),
        "the error is escaped: {overlay}"
    );
    assert!(overlay.contains("<pre"), "{overlay}");

    let first = server.get("/notes/first/");
    assert_eq!(first.status, 200);
    assert!(
        first.text().contains("First body."),
        "the last good build is still served"
    );
    eventually("the terminal shows the error", || {
        server.stderr().contains("content/notes/first.md:2:9")
    });
    // A page opened now sees the error at once.
    let late = server.events();
    late.wait_for("hello");
    assert!(
        late.wait_for("overlay")
            .contains("content/notes/first.md:2:9")
    );

    save(
        &site.path("content/notes/first.md"),
        &page("First", "Fixed body."),
    );
    events.wait_for("clear");
    events.wait_for("reload");
    late.wait_for("clear");
    eventually("the fix is served", || {
        server.get("/notes/first/").text().contains("Fixed body.")
    });
}

#[test]
fn a_page_loaded_during_a_build_error_has_the_overlay_until_the_fix() {
    let (site, server) = started();
    let events = server.events();
    events.wait_for("hello");
    save(
        &site.path("content/notes/first.md"),
        "+++\ntitle = <script>alert(1)</script>\n+++\n\nBroken.\n",
    );
    events.wait_for("overlay");
    // A fresh load or a refresh of any page, not only the pages open when the build failed.
    for path in ["/", "/notes/second/", "/notes/first/", "/no/such/page/"] {
        let text = server.get(path).text();
        assert!(
            text.contains("id=\"docent-overlay\"") && text.contains("content/notes/first.md:2:9"),
            "{path}: {text}"
        );
        assert!(
            !text.contains("<script>alert"),
            "{path}: the error is escaped"
        );
        let (overlay, script) = (
            text.find("docent-overlay"),
            text.find("/__docent/reload.js"),
        );
        assert!(
            overlay < script,
            "{path}: the overlay is in the page itself"
        );
    }
    assert!(server.get("/style.css").text().starts_with("body {"));
    assert!(
        !server
            .get("/__docent/reload.js")
            .text()
            .contains("alertdialog"),
        "only pages get the overlay"
    );

    save(
        &site.path("content/notes/first.md"),
        &page("First", "Fixed body."),
    );
    events.wait_for("clear");
    eventually("the fix is served", || {
        server.get("/notes/first/").text().contains("Fixed body.")
    });
    for path in ["/", "/notes/second/", "/notes/first/", "/no/such/page/"] {
        let text = server.get(path).text();
        assert!(!text.contains("docent-overlay"), "{path}: {text}");
    }
}

#[test]
fn a_failed_first_build_still_serves_the_error_on_every_path() {
    let site = Site::new();
    with_extras(&site);
    site.write(
        "content/notes/first.md",
        "+++\ntitle = \"First\"\nwieght = 1\n+++\n\nBody <b>\n",
    );
    let server = site.serve(&[]);
    for path in ["/", "/notes/first/", "/style.css", "/anything/at/all"] {
        let response = server.get(path);
        assert_eq!(response.status, 500, "{path}");
        let text = response.text();
        assert!(
            text.contains("docent-overlay") && text.contains("content/notes/first.md:3:1"),
            "{path}: {text}"
        );
        assert!(
            text.contains("/__docent/reload.js"),
            "the error page reloads itself once fixed"
        );
    }
    let events = server.events();
    events.wait_for("hello");
    assert!(events.wait_for("overlay").contains("wieght"));
    edit_first_note(&site, &server, &events, "Now fine.");
}

#[test]
fn paths_never_reach_outside_the_built_site() {
    let site = Site::new();
    with_extras(&site);
    fs::write(site.dir.path().join("outside.txt"), OUTSIDE_SECRET).expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink("../../outside.txt", site.path("static/leak.txt")).expect("symlink");
    let mut server = site.serve(&[]);
    let paths = [
        "/../site.toml",
        "/../../outside.txt",
        "/%2e%2e/site.toml",
        "/%2E%2E/site.toml",
        "/..%2fsite.toml",
        "/%2e%2e%2fsite.toml",
        "/notes/%2e%2e/%2e%2e/site.toml",
        "/static/..\\..\\site.toml",
        "/static/%5c..%5csite.toml",
        "//etc/passwd",
        "//site.toml",
        "/content/_index.md",
        "/site.toml",
        "/templates/base.html",
        "/leak.txt",
        "/static/leak.txt",
        "/%00",
        "/index.html%00.txt",
        "/%ff%fe",
        "/%",
        "/./site.toml",
        "*",
        "http://127.0.0.1/../site.toml",
    ];
    for path in paths {
        let response = server.request(&format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            server.port
        ));
        assert!(
            [400, 404].contains(&response.status),
            "{path}: {}",
            response.status
        );
        let text = response.text();
        assert!(
            !text.contains(CONFIG_SECRET) && !text.contains(OUTSIDE_SECRET),
            "{path} leaked a file"
        );
    }
    assert!(server.is_running());
}

#[test]
fn malformed_requests_never_stop_the_server() {
    let (_site, mut server) = started();
    let long = format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a/".repeat(40_000));
    let raw: [&[u8]; 8] = [
        b"GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GARBAGE\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        b"\r\n\r\n\r\n",
        b"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        long.as_bytes(),
    ];
    for request in raw {
        let response = server.request_then_close(request);
        assert!(!response.text().contains(CONFIG_SECRET));
    }
    assert!(server.is_running());
    assert_eq!(server.get("/").status, 200, "the server still answers");
}

/// How long the server gives a request's headers; the serve README section says 5 s.
const HEADER_TIMEOUT: Duration = Duration::from_secs(5);

/// Gets `/` and checks it is answered well within a second, however loaded the server is.
fn answered_at_once(server: &Server) {
    let started = Instant::now();
    let response = server.get("/");
    let took = started.elapsed();
    assert_eq!(response.status, 200);
    assert!(
        took < Duration::from_secs(1),
        "a normal request took {took:?}"
    );
}

#[test]
fn slow_silent_and_idle_connections_are_closed_and_the_reload_stream_is_not() {
    let (site, server) = started();
    let events = server.events();
    events.wait_for("hello");
    let started = Instant::now();
    // Headers at a byte every 200 ms: 5 bytes a second, never done within the timeout.
    let mut slow = slow::connect(server.port);
    let header = [slow::PARTIAL, &[b'a'; 200][..]].concat();
    let trickling = slow::trickle(
        slow.try_clone().expect("clone"),
        header,
        Duration::from_millis(200),
    );
    let mut silent = slow::connect(server.port);
    let mut idle = slow::connect(server.port);
    let request = format!(
        "GET /style.css HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
        server.port
    );
    std::io::Write::write_all(&mut idle, request.as_bytes()).expect("send");

    for _ in 0..5 {
        answered_at_once(&server);
        thread::sleep(Duration::from_millis(400));
    }
    let patience = HEADER_TIMEOUT * 3;
    for (name, stream) in [
        ("slow", &mut slow),
        ("silent", &mut silent),
        ("idle", &mut idle),
    ] {
        let closed = slow::wait_closed(stream, started, patience);
        let closed = closed.unwrap_or_else(|| panic!("the {name} connection is still open"));
        // The timer cannot fire early; a close before it would be for another reason.
        assert!(
            closed >= HEADER_TIMEOUT - Duration::from_millis(100),
            "{name}: {closed:?}"
        );
    }
    let _ = trickling.join();

    // The live-reload stream, opened before them all, outlived them.
    save(
        &site.path("content/notes/second.md"),
        &page("Second", "Still told."),
    );
    assert!(events.wait_for("pages").contains("/notes/second/"));
    answered_at_once(&server);
}

#[cfg(unix)]
#[test]
fn a_thousand_slow_connections_never_lock_out_a_normal_request() {
    const SLOW: usize = 1_000;
    slow::raise_fd_limit(SLOW as u64 + 256);
    let site = Site::new();
    with_extras(&site);
    // 256 descriptors cap the server at 128 connections: the flood is well past the cap, and
    // past the descriptors too, had the cap not been kept below them.
    let mut command = Command::new("sh");
    command
        .args(["-c", "ulimit -n 256 && exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_docent"))
        .arg("--root")
        .arg(&site.root)
        .args(["serve", "--port", "0"]);
    let mut server = Server::spawn(command);
    let events = server.events();
    events.wait_for("hello");

    let mut flood: Vec<_> = (0..SLOW).map(|_| slow::connect(server.port)).collect();
    for stream in &mut flood {
        // The server may have closed it to make room already.
        let _ = std::io::Write::write_all(stream, slow::PARTIAL);
    }
    for _ in 0..3 {
        answered_at_once(&server);
    }
    let closed = flood.iter().filter(|s| slow::is_closed(s)).count();
    assert!(
        closed >= SLOW - 128,
        "only {closed} of the flood were closed to make room"
    );
    let warnings = server.stderr();
    assert_eq!(
        warnings.matches("128 connections are open").count(),
        1,
        "the cap is half the descriptors, and said once: {warnings}"
    );
    assert!(!warnings.contains("could not accept"), "{warnings}");

    // The live-reload stream is busy, not idle: the flood did not close it.
    save(
        &site.path("content/notes/second.md"),
        &page("Second", "Still told."),
    );
    assert!(events.wait_for("pages").contains("/notes/second/"));
    drop(flood);
    answered_at_once(&server);
    assert!(server.is_running());
}

#[test]
fn only_get_and_head_are_answered_and_no_origin_is_trusted() {
    let (_site, server) = started();
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        for path in ["/", "/notes/first/", "/__docent/events", "/nope"] {
            let response = server.request(&format!(
                "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nOrigin: http://evil.example\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                server.port
            ));
            assert_eq!(response.status, 405, "{method} {path}");
            assert!(response.header("access-control-allow-origin").is_none());
        }
    }
    let head = server.request(&format!(
        "HEAD /notes/first/ HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
        server.port
    ));
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    for path in ["/", "/style.css", "/__docent/reload.js", "/nope"] {
        let response = server.get(path);
        assert!(
            response.header("access-control-allow-origin").is_none(),
            "{path}"
        );
    }
}

#[test]
fn the_events_endpoint_refuses_foreign_hosts_and_origins() {
    let (_site, server) = started();
    let port = server.port;
    let ours = format!("127.0.0.1:{port}");
    let refused = [
        (format!("evil.example:{port}"), None),
        (format!("localhost.evil.example:{port}"), None),
        (ours.clone(), Some("http://evil.example".to_string())),
        (ours.clone(), Some("null".to_string())),
        (format!("127.0.0.1:{}", port.wrapping_add(1)), None),
    ];
    for (host, origin) in refused {
        let events = Events::open(port, &host, origin.as_deref());
        assert!(
            events.status.contains(" 403 "),
            "{host} {origin:?}: {}",
            events.status
        );
    }
    let allowed = [
        (
            format!("localhost:{port}"),
            Some(format!("http://localhost:{port}")),
        ),
        (ours.clone(), None),
    ];
    for (host, origin) in allowed {
        let events = Events::open(port, &host, origin.as_deref());
        assert!(
            events.status.contains(" 200 "),
            "{host} {origin:?}: {}",
            events.status
        );
        events.wait_for("hello");
    }
}

#[test]
fn polling_also_picks_up_changes() {
    let site = Site::new();
    with_extras(&site);
    let server = site.serve(&["--poll"]);
    let events = server.events();
    events.wait_for("hello");
    edit_first_note(&site, &server, &events, "Polled body.");
}

#[test]
fn a_taken_port_that_was_asked_for_is_an_error() {
    let site = Site::new();
    with_extras(&site);
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_docent"))
        .arg("--root")
        .arg(&site.root)
        .args(["serve", "--port", &port])
        .output()
        .expect("run docent serve");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!("port {port}")) && stderr.contains("taken"),
        "{stderr}"
    );
}

#[test]
fn without_a_port_a_taken_default_moves_to_the_next() {
    let site = Site::new();
    with_extras(&site);
    // If something else holds 1111 already, it is taken all the same.
    let _hold = TcpListener::bind("127.0.0.1:1111");
    let mut command = Command::new(env!("CARGO_BIN_EXE_docent"));
    command.arg("--root").arg(&site.root).arg("serve");
    let mut server = Server::spawn(command);
    assert_ne!(server.port, 1111);
    assert!(
        server
            .wait_for_line(PATIENCE, |l| l.contains("port 1111 is taken"))
            .is_some()
    );
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn listening_beyond_loopback_warns() {
    let site = Site::new();
    with_extras(&site);
    let server = site.serve(&["--bind", "0.0.0.0"]);
    assert!(
        server.stderr().contains("warning: listening on 0.0.0.0"),
        "{}",
        server.stderr()
    );
    assert_eq!(server.get("/").status, 200);
    let sitemap = server.get("/sitemap.xml").text();
    assert!(
        sitemap.contains(&format!("<loc>http://127.0.0.1:{}/</loc>", server.port)),
        "{sitemap}"
    );
}

/// The served body without the injected reload script.
fn without_script(body: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(body);
    match (
        text.find("<script src=\"/__docent/reload.js\""),
        text.find("</script></body>"),
    ) {
        (Some(start), Some(end)) if start < end => {
            format!("{}{}", &text[..start], &text[end + "</script>".len()..]).into_bytes()
        }
        _ => body.to_vec(),
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

#[test]
fn pages_refuse_a_foreign_host_against_dns_rebinding() {
    let (_site, server) = started();
    let foreign = server.request(&format!(
        "GET /notes/first/ HTTP/1.1\r\nHost: rebind.example:{}\r\nConnection: close\r\n\r\n",
        server.port
    ));
    assert_eq!(foreign.status, 403);
    let ours = server.request(&format!(
        "GET /notes/first/ HTTP/1.1\r\nHost: localhost:{}\r\nConnection: close\r\n\r\n",
        server.port
    ));
    assert_eq!(ours.status, 200);
}

#[test]
fn a_scheduled_page_appears_when_its_time_comes_without_a_save() {
    let site = Site::new();
    with_extras(&site);
    // Three seconds from now, in UTC: left out of the first build.
    let soon = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(3);
    let soon = soon.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let text = format!("+++\ntitle = \"Soon\"\ndate = {soon}\n+++\n\nOn time.\n");
    site.write("content/notes/soon.md", &text);
    let mut server = site.serve(&[]);
    assert_eq!(server.get("/notes/soon/").status, 404, "not due yet");
    let line = server.wait_for_line(PATIENCE, |l| l.contains("(schedule)"));
    assert!(line.is_some(), "the clock starts a rebuild");
    eventually("the page is served once due", || {
        server.get("/notes/soon/").text().contains("On time.")
    });
}

#[test]
fn saving_a_data_file_reloads_the_pages_of_the_rows_it_changed() {
    let site = Site::new();
    with_extras(&site);
    site.write(
        "content/jobs/_index.md",
        "+++\ntitle = \"Jobs\"\n[pages_from]\ndata = \"jobs\"\n+++\n",
    );
    let rows = |coder: &str| {
        format!(
            "[[jobs]]\ntitle = \"Coder\"\nbody = '''\n{coder}\n'''\n\n[[jobs]]\ntitle = \"Analyst\"\nbody = '''\nReads codes.\n'''\n"
        )
    };
    site.write("content/data/jobs.toml", &rows("Writes codes."));
    let server = site.serve(&[]);
    let events = server.events();
    events.wait_for("hello");
    assert!(server.get("/jobs/coder/").text().contains("Writes codes."));
    save(
        &site.path("content/data/jobs.toml"),
        &rows("Assigns codes."),
    );
    let changed = events.wait_for("pages");
    assert!(changed.contains("\"/jobs/coder/\""), "{changed}");
    assert!(
        !changed.contains("\"/jobs/analyst/\""),
        "the unchanged row keeps its page: {changed}"
    );
    assert!(server.get("/jobs/coder/").text().contains("Assigns codes."));
}
