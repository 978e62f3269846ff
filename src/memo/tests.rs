//! The memo's promise: after any sequence of edits, a run that reuses what earlier runs made
//! gives exactly what a clean build gives, byte for byte, or the same errors.

use std::path::{Path, PathBuf};

use super::*;
use crate::pipeline::{Built, Options, render};

/// A small, fixed pseudo-random sequence (xorshift), so a failing sequence can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// A copy of the basic fixture, with a few more notes so pages have neighbours on both sides.
fn site() -> (tempfile::TempDir, Options) {
    let (dir, options) = copy_of("tests/fixtures/basic");
    // Breadcrumbs, as the bundled theme draws them: each ancestor's own fields only.
    let crumbs = "{% for a in page.ancestors %}{% set s = get_section(path=a, metadata_only=true) %}<a href=\"{{ s.path }}\">{{ s.title }}</a>{% endfor %}";
    let note = dir.path().join("templates/note.html");
    let template = std::fs::read_to_string(&note).unwrap();
    // And a page read whole through `get_page`, as a "see also" box would.
    let see = "{% set f = get_page(path=\"notes/first.md\") %}<p class=\"see\">{{ f.title }}: {{ f.content | length }}</p>";
    // And a sidebar of the whole site, as a course theme draws it.
    let tree = "{% set t = get_section_tree() %}<nav class=\"tree\">{% for s in t.subsections %}<b>{{ s.title }}</b>{% for p in s.pages %}<a href=\"{{ p.path }}\"{% if p.path == current_path %} aria-current=\"page\"{% endif %}>{{ p.title }}</a>{% endfor %}{% endfor %}</nav>";
    // And the page's learning path, as the bundled theme shows it.
    let path = "{% for p in page.prerequisites %}<a class=\"before\">{{ p.title }}</a>{% endfor %}{% for p in page.next_steps %}<a class=\"next\">{{ p.title }}</a>{% endfor %}";
    let template = template.replace("<article>", &format!("<article>{crumbs}{see}{tree}{path}"));
    std::fs::write(&note, template).unwrap();
    // A glossary, and a term on every generated note.
    let glossary = "[[terms]]\nid = \"ehr\"\nterm = \"EHR\"\ndefinition = \"A record.\"\n";
    std::fs::write(dir.path().join("content/data/glossary.toml"), glossary).unwrap();
    let config = dir.path().join("site.toml");
    let config_text = std::fs::read_to_string(&config).unwrap().replace(
        "[extra]",
        "[glossary]\ndata = \"glossary\"\npage = \"@/_index.md\"\n\n[extra]",
    );
    std::fs::write(&config, config_text).unwrap();
    // A shortcode of the site's own, and one of docent's, on every generated note.
    std::fs::create_dir_all(dir.path().join("templates/shortcodes")).unwrap();
    let shortcode = "<aside class=\"box\">{{ text }}</aside>\n";
    std::fs::write(dir.path().join("templates/shortcodes/box.html"), shortcode).unwrap();
    for n in 3..6 {
        let text = format!(
            "+++\ntitle = \"Note {n}\"\nweight = {n}\n[taxonomies]\ntags = [\"ehr\", \"t{n}\"]\n+++\n\nSee [the first](@/notes/first.md#details) and the [[EHR]].\n\n{{{{ box(text=\"Box {n}\") }}}}\n\n{{% details(summary=\"More\") %}}\nHidden.\n{{% end %}}\n"
        );
        std::fs::write(dir.path().join(format!("content/notes/n{n}.md")), text).unwrap();
    }
    add_tags_and_pages(dir.path());
    // A section whose pages are the rows of a data file.
    std::fs::create_dir_all(dir.path().join("content/rows")).unwrap();
    let rows_section = "+++\ntitle = \"Rows\"\npage_template = \"note.html\"\n[pages_from]\ndata = \"rows\"\n+++\nRows.\n";
    std::fs::write(dir.path().join("content/rows/_index.md"), rows_section).unwrap();
    std::fs::write(dir.path().join("content/data/rows.toml"), ROWS).unwrap();
    (dir, options)
}

/// A copy of the site at `rel` in the repository, and the options to build it.
fn copy_of(rel: &str) -> (tempfile::TempDir, Options) {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        let to = dir.path().join(entry.path().strip_prefix(&from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    let options = Options {
        root: dir.path().to_path_buf(),
        base_url: None,
        drafts: false,
        future: false,
    };
    (dir, options)
}

/// A taxonomy on the site in `dir`, whose terms the home page lists and whose term pages list
/// notes; and the notes, two to a page.
fn add_tags_and_pages(dir: &Path) {
    let config = dir.join("site.toml");
    let config_text = std::fs::read_to_string(&config).unwrap().replacen(
        "\n[[nav]]",
        "taxonomies = [{ name = \"tags\", feed = true, paginate_by = 1 }]\n\n[[nav]]",
        1,
    );
    std::fs::write(&config, config_text).unwrap();
    std::fs::create_dir_all(dir.join("templates/tags")).unwrap();
    let list = "{% for t in terms %}<a href=\"{{ t.path }}\">{{ t.name }}</a> {{ t.page_count }};{% endfor %}";
    std::fs::write(dir.join("templates/tags/list.html"), list).unwrap();
    let single = "<h1>{{ term.name }}</h1>{% for p in paginator.pages %}<a href=\"{{ p.path }}\">{{ p.title }}</a>{% endfor %}{{ paginator.next }}";
    std::fs::write(dir.join("templates/tags/single.html"), single).unwrap();
    let index = dir.join("templates/index.html");
    let home = std::fs::read_to_string(&index).unwrap().replace(
        "{% endblock main %}",
        "{% set t = get_taxonomy_term(kind=\"tags\", term=\"ehr\") %}<p class=\"ehr\">{% for p in t.pages %}{{ p.title }};{% endfor %}</p>{% endblock main %}",
    );
    std::fs::write(&index, home).unwrap();
    // The notes, two to a page.
    let notes = dir.join("content/notes/_index.md");
    let section = std::fs::read_to_string(&notes).unwrap();
    std::fs::write(
        &notes,
        section.replacen("+++\n", "+++\npaginate_by = 2\n", 1),
    )
    .unwrap();
    let pages = dir.join("templates/section.html");
    let pager = std::fs::read_to_string(&pages).unwrap().replace(
        "</ol>",
        "</ol>{% if paginator %}<p class=\"pager\">{% for p in paginator.pages %}{{ p.title }};{% endfor %} {{ paginator.current_index }}/{{ paginator.number_pagers }}</p>{% endif %}",
    );
    std::fs::write(&pages, pager).unwrap();
}

/// The rows of content/data/rows.toml, each a page of content/rows/.
const ROWS: &str = "[[rows]]\ntitle = \"Row one\"\nweight = 1\nbody = '''\nSee [row two](@/rows/row-two.md) and the [[EHR]].\n'''\n\n[[rows]]\ntitle = \"Row two\"\nweight = 2\nbody = '''\nBack to [the first note](@/notes/first.md).\n'''\n\n[[rows]]\ntitle = \"Row three\"\nweight = 3\n";

/// The content files edits pick from.
const PAGES: [&str; 7] = [
    "content/notes/first.md",
    "content/notes/second.md",
    "content/notes/n3.md",
    "content/notes/n4.md",
    "content/notes/n5.md",
    "content/notes/_index.md",
    "content/_index.md",
];

/// One random edit to the site, as an author would make it: to a page or to the rest of the
/// site. Returns what it did and what it touched, relative to the root, as the watcher would
/// report it.
fn edit(root: &Path, rng: &mut Rng, n: usize) -> (String, Vec<PathBuf>) {
    match rng.below(18) {
        kind @ 0..7 => edit_page(root, rng, n, kind),
        kind @ 13..15 => edit_row(root, rng, n, kind),
        15 => {
            // A note's tags: another term, or none.
            let page = [
                "content/notes/n3.md",
                "content/notes/n4.md",
                "content/notes/n5.md",
            ][rng.below(3)];
            let tags = ["[\"ehr\"]", "[\"ehr\", \"new\"]", "[]", "[\"t3\"]"][rng.below(4)];
            let retag = move |t: String| {
                let start = t.find("tags = ").unwrap_or(0);
                let end = start + t[start..].find('\n').unwrap_or(0);
                format!("{}tags = {tags}{}", &t[..start], &t[end..])
            };
            (format!("the tags of {page}"), change(root, page, &retag))
        }
        kind => edit_site(root, rng, n, kind),
    }
}

/// Rewrites the file at `rel` with `f` and reports it touched.
fn change(root: &Path, rel: &str, f: &dyn Fn(String) -> String) -> Vec<PathBuf> {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    std::fs::write(&path, f(text)).unwrap();
    vec![PathBuf::from(rel)]
}

/// Sets a top-level front-matter key, before any `[table]`.
fn front(key: &'static str, value: String) -> impl Fn(String) -> String {
    move |text: String| {
        let (head, body) = text[3..].split_once("+++").unwrap();
        let kept: String = head
            .lines()
            .filter(|l| !l.starts_with(&format!("{key} =")))
            .map(|l| format!("{l}\n"))
            .collect();
        let (top, tables) = kept
            .split_once("\n[")
            .map_or((kept.as_str(), ""), |(t, r)| (t, r));
        let tables = if tables.is_empty() {
            String::new()
        } else {
            format!("\n[{tables}")
        };
        format!("+++{}\n{key} = {value}{tables}\n+++{body}", top.trim_end())
    }
}

/// An edit to one page: its body, a heading, or a front-matter key.
fn edit_page(root: &Path, rng: &mut Rng, n: usize, kind: usize) -> (String, Vec<PathBuf>) {
    let page = PAGES[rng.below(PAGES.len())];
    let second = "content/notes/second.md";
    let (what, rel, f): (&str, &str, Box<dyn Fn(String) -> String>) = match kind {
        0 => (
            "body",
            page,
            Box::new(move |t| format!("{t}\nMore words, take {n}.\n")),
        ),
        1 => (
            "title",
            page,
            Box::new(front("title", format!("\"Title {n}\""))),
        ),
        2 if page.contains("/notes/") && !page.ends_with("_index.md") => (
            "weight",
            page,
            Box::new(front("weight", rng.below(7).to_string())),
        ),
        3 => (
            "heading",
            page,
            Box::new(move |t| format!("{t}\n## Part {n}\n\nText.\n")),
        ),
        4 => {
            let slug = format!("\"two-{}\"", rng.below(3));
            ("slug", second, Box::new(front("slug", slug)))
        }
        5 => {
            // Now and then a date in the future, which takes the page out of the site.
            let date = match rng.below(4) {
                0 => "2099-07-01".to_string(),
                _ => format!("2024-07-{:02}", 1 + rng.below(28)),
            };
            ("date", second, Box::new(front("date", date)))
        }
        _ => (
            "description",
            page,
            Box::new(front("description", format!("\"About {n}\""))),
        ),
    };
    (format!("{what} of {rel}"), change(root, rel, &*f))
}

/// An edit to content/data/rows.toml: a row's body, title or weight, or a row added or taken
/// away.
fn edit_row(root: &Path, rng: &mut Rng, n: usize, kind: usize) -> (String, Vec<PathBuf>) {
    let rel = "content/data/rows.toml";
    let which = ["Row one", "Row two", "Row three"][rng.below(3)];
    let weight = rng.below(5);
    let (what, f): (String, Box<dyn Fn(String) -> String>) = match (kind, rng.below(4)) {
        (13, 0) => (
            format!("the body of {which}"),
            Box::new(move |t| t.replacen("body = '''\n", &format!("body = '''\nTake {n}. "), 1)),
        ),
        (13, 1) => (
            format!("the title of {which}"),
            Box::new(move |t| t.replacen(&format!("\"{which}"), &format!("\"{which} {n}"), 1)),
        ),
        (13, _) => (
            format!("the weight of {which}"),
            Box::new(move |t| t.replacen("weight = ", &format!("weight = {weight}\n# "), 1)),
        ),
        (_, 0 | 1) => (
            "a row added".into(),
            Box::new(move |t| {
                format!("{t}\n[[rows]]\ntitle = \"Added {n}\"\nbody = \"Row {n}.\"\n")
            }),
        ),
        _ => (
            "the rows as they were".into(),
            Box::new(|_| ROWS.to_string()),
        ),
    };
    (what, change(root, rel, &*f))
}

/// The templates edits pick from.
const TEMPLATES: [&str; 5] = [
    "note.html",
    "section.html",
    "base.html",
    "index.html",
    "shortcodes/box.html",
];

/// An edit to the rest of the site: pages added and removed, a broken link and its fix,
/// templates, data, site.toml and a stylesheet.
fn edit_site(root: &Path, rng: &mut Rng, n: usize, kind: usize) -> (String, Vec<PathBuf>) {
    let new = format!("content/notes/new{}.md", rng.below(3));
    let broken = "content/notes/broken.md";
    match kind {
        7 => {
            let text = format!(
                "+++\ntitle = \"New {n}\"\nweight = {}\n+++\n\nBack to [second](@/notes/second.md).\n",
                rng.below(9)
            );
            std::fs::write(root.join(&new), text).unwrap();
            (format!("new page {new}"), vec![PathBuf::from(new)])
        }
        8 => {
            let _ = std::fs::remove_file(root.join(&new));
            (format!("removed {new}"), vec![PathBuf::from(new)])
        }
        9 if rng.below(2) == 0 => {
            let text = "+++\ntitle = \"Broken\"\n+++\n\n[gone](@/notes/none.md)\n";
            std::fs::write(root.join(broken), text).unwrap();
            ("a broken link".into(), vec![PathBuf::from(broken)])
        }
        9 => {
            let _ = std::fs::remove_file(root.join(broken));
            ("the broken link fixed".into(), vec![PathBuf::from(broken)])
        }
        10 => {
            let templates = TEMPLATES;
            let rel = format!("templates/{}", templates[rng.below(templates.len())]);
            let touched = change(root, &rel, &|t| format!("{t}<!-- take {n} -->\n"));
            (format!("template {rel}"), touched)
        }
        11 => {
            let headline =
                |t: String| t.replacen("headline = \"", &format!("headline = \"{n} "), 1);
            (
                "data".into(),
                change(root, "content/data/facts.toml", &headline),
            )
        }
        12 if rng.below(2) == 0 => {
            let define =
                |t: String| t.replacen("definition = \"", &format!("definition = \"{n} "), 1);
            let touched = change(root, "content/data/glossary.toml", &define);
            ("a glossary definition".into(), touched)
        }
        12 => {
            let title = |t: String| t.replacen("title = \"", &format!("title = \"{n} "), 1);
            ("site.toml".into(), change(root, "site.toml", &title))
        }
        _ => {
            let css = |t: String| format!("{t}/* {n} */\n");
            ("stylesheet".into(), change(root, "static/style.css", &css))
        }
    }
}

/// The same outcome: the same files, byte for byte, or the same errors.
fn same(
    incremental: &Result<Built, Failure>,
    clean: &Result<Built, Failure>,
) -> Result<(), String> {
    match (incremental, clean) {
        (Ok(a), Ok(b)) => {
            let names = |b: &Built| b.files.keys().cloned().collect::<Vec<_>>();
            if names(a) != names(b) {
                return Err(format!("files differ: {:?} vs {:?}", names(a), names(b)));
            }
            for (file, bytes) in &a.files {
                if b.files[file] != *bytes {
                    let show = |b: &Bytes| String::from_utf8_lossy(b).into_owned();
                    return Err(format!(
                        "{file} differs:\n{}\n---- clean:\n{}",
                        show(bytes),
                        show(&b.files[file])
                    ));
                }
            }
            Ok(())
        }
        (Err(a), Err(b)) if a.to_string() == b.to_string() => Ok(()),
        (a, b) => Err(format!(
            "one failed: {:?} vs {:?}",
            a.as_ref().err().map(ToString::to_string),
            b.as_ref().err().map(ToString::to_string)
        )),
    }
}

use crate::error::Failure;

#[test]
fn any_sequence_of_edits_builds_what_a_clean_build_builds() {
    for seed in 1..=6u64 {
        let (dir, options) = site();
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut memo = Memo::keeping();
        render(&options, &mut memo, &Stop::default()).unwrap();
        let mut done = Vec::new();
        for n in 0..20 {
            let (what, touched) = edit(dir.path(), &mut rng, n);
            done.push(what);
            memo.touched(dir.path(), touched);
            let incremental = render(&options, &mut memo, &Stop::default());
            let clean = render(&options, &mut Memo::none(), &Stop::default());
            if let Err(why) = same(&incremental, &clean) {
                panic!("seed {seed}, after {done:?}:\n{why}");
            }
        }
    }
}

#[test]
fn an_edit_to_one_body_renders_only_what_shows_it() {
    let (dir, options) = site();
    let mut memo = Memo::keeping();
    render(&options, &mut memo, &Stop::default()).unwrap();
    let all = memo.counts();
    assert_eq!(all.pages, all.docs, "the first run renders every page");
    let path = dir.path().join("content/notes/n4.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\nA new paragraph.\n")).unwrap();
    memo.touched(dir.path(), [PathBuf::from("content/notes/n4.md")]);
    render(&options, &mut memo, &Stop::default()).unwrap();
    let after = memo.counts();
    assert_eq!(after.markdown, 1, "one body is rendered again");
    // The page, the section that lists it and the home page, which reads that section with
    // `get_section`. Its neighbours show only its title, which did not change.
    assert_eq!(after.pages, 3, "{after:?}");
}

#[test]
fn adding_or_removing_the_glossary_changes_how_every_body_reads() {
    let plain =
        crate::config::Config::parse("title = \"T\"\nbase_url = \"https://x.org\"\n").unwrap();
    let with = crate::config::Config::parse(
        "title = \"T\"\nbase_url = \"https://x.org\"\n[glossary]\ndata = \"g\"\npage = \"@/g.md\"\n",
    )
    .unwrap();
    assert_ne!(settings_hash(&plain), settings_hash(&with));
}

#[test]
fn a_glossary_edit_reaches_every_page_that_shows_the_term() {
    let (_dir, _, incremental) = after_one_edit("content/data/glossary.toml", &|t| {
        t.replace("A record.", "A health record.")
    });
    let page = &incremental.files["notes/n3/index.html"];
    assert!(String::from_utf8_lossy(page).contains("EHR</a><span class=\"gloss-tip\""));
}

#[test]
fn a_shortcode_edit_reaches_every_page_that_calls_it() {
    let (_dir, memo, incremental) = after_one_edit("templates/shortcodes/box.html", &|t| {
        t.replace("class=\"box\"", "class=\"callout\"")
    });
    let page = &incremental.files["notes/n3/index.html"];
    assert!(String::from_utf8_lossy(page).contains("<aside class=\"callout\">Box 3</aside>"));
    assert_eq!(
        memo.counts().markdown,
        3,
        "the three bodies that call it, and no other"
    );
}

#[test]
fn a_section_title_edit_reaches_the_breadcrumbs_of_its_pages() {
    let rename = front("title", "\"Renamed notes\"".into());
    let (_dir, _, built) = after_one_edit("content/notes/_index.md", &rename);
    let page = String::from_utf8_lossy(&built.files["notes/n4/index.html"]).into_owned();
    assert!(page.contains(">Renamed notes</a>"), "{page}");
}

#[test]
fn a_row_edit_renders_only_that_rows_body() {
    let (_dir, memo, built) = after_one_edit("content/data/rows.toml", &|t| {
        t.replace("Back to [the first", "Then back to [the first")
    });
    let page = String::from_utf8_lossy(&built.files["rows/row-two/index.html"]).into_owned();
    assert!(
        page.contains("Then back to <a href=\"/docs/notes/first/\">"),
        "{page}"
    );
    assert_eq!(
        memo.counts().markdown,
        1,
        "one row's body is rendered again"
    );
}

#[test]
fn a_title_edit_reaches_every_sidebar_but_a_body_edit_does_not() {
    let retitle = front("title", "\"Renamed note\"".into());
    let (_dir, memo, built) = after_one_edit("content/notes/n4.md", &retitle);
    let other = String::from_utf8_lossy(&built.files["notes/n3/index.html"]).into_owned();
    assert!(other.contains(">Renamed note</a>"), "{other}");
    let all = memo.counts().pages;
    let (_dir, memo, _) = after_one_edit("content/notes/n4.md", &|t| format!("{t}\nMore.\n"));
    assert!(
        memo.counts().pages < all,
        "a body edit renders fewer pages ({}) than a title edit ({all})",
        memo.counts().pages
    );
}

#[test]
fn a_new_prerequisite_reaches_the_where_next_of_the_page_it_names() {
    // Not neighbours in their section: only the learning path links them.
    let needs = front("prerequisites", "[\"@/notes/first.md\"]".into());
    let (_dir, _, built) = after_one_edit("content/notes/n5.md", &needs);
    let named = String::from_utf8_lossy(&built.files["notes/first/index.html"]).into_owned();
    assert!(named.contains("<a class=\"next\">Note 5</a>"), "{named}");
    let page = String::from_utf8_lossy(&built.files["notes/n5/index.html"]).into_owned();
    assert!(
        page.contains("<a class=\"before\">First note</a>"),
        "{page}"
    );
}

#[test]
fn a_new_figure_renumbers_the_references_on_other_pages() {
    let (dir, options) = site();
    let figure = "{{ figure(src=\"a.svg\", alt=\"A\", caption=\"A\", id=\"fig-a\") }}";
    change(dir.path(), "content/notes/n3.md", &|t| {
        format!("{t}\n{figure}\n")
    });
    change(dir.path(), "content/notes/n5.md", &|t| {
        format!("{t}\nSee [](@/notes/n3.md#fig-a).\n")
    });
    let mut memo = Memo::keeping();
    render(&options, &mut memo, &Stop::default()).unwrap();
    let before = "{{ figure(src=\"b.svg\", alt=\"B\", caption=\"B\", id=\"fig-b\") }}";
    let touched = change(dir.path(), "content/notes/n3.md", &|t| {
        t.replacen(figure, &format!("{before}\n\n{figure}"), 1)
    });
    memo.touched(dir.path(), touched);
    let built = render(&options, &mut memo, &Stop::default()).unwrap();
    let page = String::from_utf8_lossy(&built.files["notes/n5/index.html"]).into_owned();
    assert!(page.contains("#fig-a\">Figure 2</a>"), "{page}");
}

#[test]
fn a_slugify_change_makes_every_url_and_id_again() {
    let (dir, options) = site();
    let mut memo = Memo::keeping();
    render(&options, &mut memo, &Stop::default()).unwrap();
    let config = dir.path().join("site.toml");
    let before = std::fs::read_to_string(&config).unwrap();
    let mut build = |text: &str| {
        std::fs::write(&config, text).unwrap();
        memo.touched(dir.path(), [PathBuf::from("site.toml")]);
        let incremental = render(&options, &mut memo, &Stop::default());
        let clean = render(&options, &mut Memo::none(), &Stop::default());
        same(&incremental, &clean).unwrap();
        incremental
    };
    // Heading ids as written: every link to `#pay-and-outlook` now misses.
    let failed = build(&format!("{before}\n[slugify]\nanchors = \"safe\"\n"));
    let message = failed.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("did you mean `#Pay_and_outlook`?"),
        "{message}"
    );
    let built = build(&before).unwrap();
    let page = String::from_utf8_lossy(&built.files["notes/first/index.html"]).into_owned();
    assert!(page.contains("id=\"pay-and-outlook\""), "{page}");
}

/// Builds the site, edits the file at `rel` with `f`, and builds again with the memo; the
/// second build must equal a clean one. Returns the site, the memo and that build.
fn after_one_edit(rel: &str, f: &dyn Fn(String) -> String) -> (tempfile::TempDir, Memo, Built) {
    let (dir, options) = site();
    let mut memo = Memo::keeping();
    render(&options, &mut memo, &Stop::default()).unwrap();
    let touched = change(dir.path(), rel, f);
    memo.touched(dir.path(), touched);
    let incremental = render(&options, &mut memo, &Stop::default());
    let clean = render(&options, &mut Memo::none(), &Stop::default());
    same(&incremental, &clean).unwrap();
    (dir, memo, incremental.unwrap())
}

/// Edits the file at `rel` of a site built once with `memo`, builds again with the memo, and
/// returns that build once it equals a clean one.
fn rebuilt_after(
    (root, options, memo): (&Path, &Options, &mut Memo),
    rel: &str,
    f: &dyn Fn(String) -> String,
) -> Built {
    let touched = change(root, rel, f);
    memo.touched(root, touched);
    let incremental = render(options, memo, &Stop::default());
    let clean = render(options, &mut Memo::none(), &Stop::default());
    if let Err(why) = same(&incremental, &clean) {
        panic!("{why}");
    }
    incremental.unwrap()
}

#[test]
fn a_translation_title_edit_reaches_the_other_language_page() {
    // English and French, with translated pages.
    let (dir, options) = copy_of("tests/golden/languages/site");
    let mut memo = Memo::keeping();
    render(&options, &mut memo, &Stop::default()).unwrap();
    let retitle = front("title", "\"Le codage, revu\"".into());
    let edited = (dir.path(), &options, &mut memo);
    let built = rebuilt_after(edited, "content/guide/coding.fr.md", &retitle);
    let english = built.files["guide/coding/index.html"].clone();
    let english = String::from_utf8_lossy(&english).into_owned();
    assert!(english.contains(">Le codage, revu</a>"), "{english}");
}

#[test]
fn the_section_tree_is_the_language_of_the_page_by_default() {
    let (dir, options) = copy_of("tests/golden/languages/site");
    let template = dir.path().join("templates/page.html");
    let text = std::fs::read_to_string(&template).unwrap();
    let tree = "{% set t = get_section_tree() %}<p class=\"tree\">{{ t.title }}</p>";
    std::fs::write(
        &template,
        text.replace(
            "{% endblock main %}",
            &format!("{tree}{{% endblock main %}}"),
        ),
    )
    .unwrap();
    let built = render(&options, &mut Memo::none(), &Stop::default()).unwrap();
    let page = |rel: &str| String::from_utf8_lossy(&built.files[rel]).into_owned();
    assert!(page("fr/guide/coding/index.html").contains("<p class=\"tree\">Notes de terrain</p>"));
    let english = page("guide/coding/index.html");
    assert!(
        !english.contains("Notes de terrain") && english.contains("<p class=\"tree\">"),
        "{english}"
    );
}

#[test]
fn a_translations_new_url_reaches_the_nav_of_its_language() {
    let (dir, options) = copy_of("tests/golden/languages/site");
    let nav_to_coding = |text: String| {
        text.replace(
            "url = \"@/guide/privacy.md\"",
            "url = \"@/guide/coding.md\"",
        )
    };
    change(dir.path(), "site.toml", &nav_to_coding);
    let mut memo = Memo::keeping();
    render(&options, &mut memo, &Stop::default()).unwrap();
    let reslug = front("slug", "\"le-codage\"".into());
    let edited = (dir.path(), &options, &mut memo);
    let built = rebuilt_after(edited, "content/guide/coding.fr.md", &reslug);
    let page = |rel: &str| String::from_utf8_lossy(&built.files[rel]).into_owned();
    // French pages link the French translation; English ones the English page.
    let french = page("fr/index.html");
    assert!(
        french.contains("<a href=\"/fr/guide/le-codage/\">Privacy</a>"),
        "{french}"
    );
    let english = page("index.html");
    assert!(
        english.contains("<a href=\"/guide/coding/\">Privacy</a>"),
        "{english}"
    );
}
