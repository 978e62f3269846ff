//! `docent build` on valid fixture sites: what it writes, checked through an HTML parser.

mod common;

use common::{Site, attrs, files_under, texts};

#[test]
fn pages_sections_and_pretty_urls() {
    let site = Site::fixture("basic");
    let summary = site.build_ok();
    assert!(
        summary.starts_with("built 2 pages, 2 sections"),
        "{summary}"
    );
    let files = files_under(&site.root.join("public"));
    for expected in [
        "index.html",
        "notes/index.html",
        "notes/first/index.html",
        "notes/two/index.html",
        "old/first/index.html",
        "notes/diagram.png",
        "style.css",
        "sitemap.xml",
        "robots.txt",
        "atom.xml",
        "404.html",
    ] {
        assert!(
            files.contains(&expected.to_string()),
            "missing {expected} in {files:?}"
        );
    }
    assert!(
        !files.iter().any(|f| f.contains("secret")),
        "drafts are skipped: {files:?}"
    );
}

#[test]
fn drafts_flag_includes_drafts() {
    let site = Site::fixture("basic");
    assert!(site.build(&["--drafts"]).status.success());
    assert!(site.public("notes/secret/index.html").is_file());
}

#[test]
fn markdown_features_render() {
    let site = Site::fixture("basic");
    site.build_ok();
    let html = site.html("notes/first/index.html");
    assert_eq!(texts(&html, "table td"), ["2023", "$110,680"]);
    assert_eq!(attrs(&html, "input[type=checkbox]", "type").len(), 2);
    assert_eq!(texts(&html, ".content del"), ["struck"]);
    assert!(!texts(&html, ".footnote-definition").is_empty());
    assert!(
        site.read("notes/first/index.html").contains("“quotes”"),
        "smart punctuation"
    );
}

#[test]
fn headings_get_unique_ids_anchors_and_a_toc() {
    let site = Site::fixture("basic");
    site.build_ok();
    let html = site.html("notes/first/index.html");
    assert_eq!(
        attrs(&html, ".content h2", "id"),
        ["pay-and-outlook", "pay-and-outlook-1"]
    );
    assert_eq!(
        attrs(&html, ".content h2 a.anchor", "href"),
        ["#pay-and-outlook", "#pay-and-outlook-1"]
    );
    assert_eq!(
        attrs(&html, ".toc a", "href"),
        ["#pay-and-outlook", "#pay-and-outlook-1", "#details"]
    );
    assert_eq!(attrs(&html, ".toc a.sub", "href"), ["#details"]);
}

#[test]
fn internal_links_resolve_with_the_base_path() {
    let site = Site::fixture("basic");
    site.build_ok();
    let home = site.html("index.html");
    assert_eq!(
        attrs(&home, "main a, body > p a, a[href*=first]", "href"),
        ["/docs/notes/first/#pay-and-outlook"]
    );
    let first = site.html("notes/first/index.html");
    let links = attrs(&first, ".content a", "href");
    assert!(links.contains(&"/docs/notes/two/".to_string()), "{links:?}");
    assert!(links.contains(&"/docs/".to_string()), "{links:?}");
    assert_eq!(
        attrs(&first, "nav a.nav", "href"),
        ["/docs/notes/"],
        "nav @/ links resolve"
    );
}

#[test]
fn citations_are_numbered_and_listed() {
    let site = Site::fixture("basic");
    site.build_ok();
    let html = site.html("notes/first/index.html");
    assert_eq!(texts(&html, ".content sup.cite a"), ["1", "1", "2"]);
    assert_eq!(
        attrs(&html, ".content sup.cite a", "href"),
        ["#ref-bls-2023", "#ref-bls-2023", "#ref-uc"]
    );
    assert_eq!(
        texts(&html, ".refs li"),
        [
            "1. Occupational Outlook Handbook, BLS",
            "2. HI vs HIM, UC Online"
        ]
    );
}

#[test]
fn templates_see_data_functions_filters_and_neighbours() {
    let site = Site::fixture("basic");
    site.build_ok();
    let home = site.html("index.html");
    assert_eq!(texts(&home, ".facts"), ["Numbers: Median pay $110,680"]);
    assert_eq!(texts(&home, ".url"), ["/docs/notes/two/"]);
    assert_eq!(texts(&home, ".subsections li"), ["Notes"]);
    let first = site.html("notes/first/index.html");
    assert_eq!(texts(&first, "time"), ["1 May 2024"]);
    assert_eq!(texts(&first, ".pay"), ["$110,680"]);
    assert_eq!(texts(&first, "a.next"), ["Second note"]);
    assert!(texts(&first, "a.prev").is_empty());
    assert_eq!(
        texts(&site.html("notes/index.html"), ".pages a"),
        ["First note", "Second note"]
    );
    let summary = texts(&first, ".summary");
    assert!(summary[0].starts_with("Intro with a fact"), "{summary:?}");
}

#[test]
fn aliases_redirect_and_feeds_list_pages() {
    let site = Site::fixture("basic");
    site.build_ok();
    let alias = site.html("old/first/index.html");
    assert_eq!(
        attrs(&alias, "link[rel=canonical]", "href"),
        ["/docs/notes/first/"]
    );
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/docs/notes/two/</loc>"));
    assert!(sitemap.contains("<lastmod>2024-06-01</lastmod>"));
    let atom = site.read("atom.xml");
    let second = atom.find("Second note").unwrap();
    let first = atom.find("First note").unwrap();
    assert!(second < first, "newest entry first");
    assert!(
        site.read("robots.txt")
            .contains("Sitemap: https://example.org/docs/sitemap.xml")
    );
}

#[test]
fn base_url_flag_overrides_site_toml() {
    let site = Site::fixture("basic");
    assert!(
        site.build(&["--base-url", "https://preview.example.net/"])
            .status
            .success()
    );
    assert_eq!(attrs(&site.html("index.html"), "p.url", "class").len(), 1);
    assert_eq!(texts(&site.html("index.html"), ".url"), ["/notes/two/"]);
}

#[test]
fn output_is_byte_identical_and_rebuilds_write_nothing() {
    let site = Site::fixture("basic");
    site.build_ok();
    let before: Vec<(String, Vec<u8>)> = files_under(&site.root.join("public"))
        .into_iter()
        .filter(|f| f != ".docent-output") // docent's own bookkeeping, with file times
        .map(|f| {
            let bytes = std::fs::read(site.public(&f)).unwrap();
            (f, bytes)
        })
        .collect();
    let summary = site.build_ok();
    assert!(summary.contains("wrote 0 files, removed 0"), "{summary}");
    std::fs::remove_dir_all(site.root.join("public")).unwrap();
    site.build_ok();
    for (file, bytes) in before {
        assert_eq!(
            std::fs::read(site.public(&file)).unwrap(),
            bytes,
            "{file} differs between builds"
        );
    }
}

#[test]
fn only_changed_files_are_written_and_stale_ones_removed() {
    let site = Site::fixture("basic");
    site.build_ok();
    site.remove("content/notes/second.md");
    let edit = |rel: &str, from: &str, to: &str| {
        let text = std::fs::read_to_string(site.root.join(rel)).unwrap();
        site.write(rel, text.replace(from, to));
    };
    edit(
        "content/notes/first.md",
        "See the [second note](@/notes/second.md) and",
        "See",
    );
    edit(
        "templates/index.html",
        "@/notes/second.md",
        "@/notes/first.md",
    );
    let summary = site.build_ok();
    assert!(!site.public("notes/two").exists(), "stale page removed");
    assert!(summary.contains("removed 1"), "{summary}");
}

#[test]
fn a_failed_build_leaves_the_previous_output() {
    let site = Site::fixture("basic");
    site.build_ok();
    let before = site.read("notes/first/index.html");
    site.write("content/notes/first.md", "+++\ntitle = \"Broken\n+++\n");
    site.build_err();
    assert_eq!(site.read("notes/first/index.html"), before);
    assert!(
        !site.public(".docent-staging").exists(),
        "the staging folder is cleaned up"
    );
}

#[test]
fn refuses_output_folders_it_must_not_touch() {
    let site = Site::fixture("basic");
    site.write("mine/keep.txt", "mine");
    for dir in ["content/out", "static", "mine", "."] {
        let out = site.build(&["--output-dir", dir]);
        assert!(!out.status.success(), "{dir} was accepted");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with("error: the output"), "{stderr}");
    }
    assert_eq!(
        std::fs::read_to_string(site.root.join("mine/keep.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn a_site_in_zolas_conventions_builds() {
    let site = Site::fixture("zola");
    site.build_ok();
    let home = site.html("index.html");
    assert_eq!(
        texts(&home, "li a"),
        ["A bundled post", "Pi day"],
        "sorted by date, newest first"
    );
    assert_eq!(
        texts(&home, "time"),
        ["2024-01-02", "2023-03-14"],
        "date from the file name"
    );
    assert_eq!(
        attrs(&home, "li a", "href")[1],
        "https://blog.example.com/blog/pi-day/"
    );
    let post = site.html("blog/pi-day/index.html");
    assert_eq!(texts(&post, ".tags li"), ["maths", "fun"]);
    assert_eq!(
        attrs(&post, ".tags a", "href"),
        [
            "https://blog.example.com/tags/maths/",
            "https://blog.example.com/tags/fun/"
        ]
    );
    assert_eq!(attrs(&post, "p a", "href"), ["/blog/bundle/"]);
    // Zola's taxonomy pages: the list of terms, a page per term, and a feed per term.
    let tags = site.html("tags/index.html");
    assert_eq!(texts(&tags, ".terms a"), ["fun", "maths"]);
    let maths = site.html("tags/maths/index.html");
    assert_eq!(attrs(&maths, ".pages a", "href"), ["/blog/pi-day/"]);
    assert!(
        site.read("tags/fun/atom.xml")
            .contains("<title>Pi day</title>")
    );
    assert!(
        site.read("sitemap.xml")
            .contains("<loc>https://blog.example.com/tags/maths/</loc>")
    );
    assert!(
        site.public("blog/bundle/chart.svg").is_file(),
        "page bundle assets are copied beside the page"
    );
    assert_eq!(
        attrs(&site.html("blog/bundle/index.html"), "img", "src"),
        ["chart.svg"]
    );
}

#[test]
fn zola_only_settings_get_a_clear_answer() {
    let site = Site::fixture("zola");
    site.write(
        "content/blog/_index.md",
        "+++\ntitle = \"Blog\"\ntransparent = true\n+++\n",
    );
    let stderr = site.build_err();
    assert!(stderr.contains("content/blog/_index.md:3:1"), "{stderr}");
    assert!(
        stderr.contains("this Zola setting is not supported"),
        "{stderr}"
    );
    site.write(
        "content/blog/_index.md",
        "+++\ntitle = \"Blog\"\nrender = false\n+++\n",
    )
    .write(
        "content/blog/hidden.md",
        "+++\ntitle = \"Hidden\"\nrender = false\n+++\n",
    );
    let stderr = site.build_err();
    assert!(
        stderr.contains("content/blog/hidden.md:3:1")
            && stderr.contains("reads `render = false` in a section's _index.md only"),
        "a page's render is named, the section's is read: {stderr}"
    );
    site.remove("site.toml")
        .write("config.toml", "base_url = \"https://x.org\"\n");
    assert!(site.build_err().contains("this looks like a Zola site"));
}

#[test]
fn an_unchanged_site_is_not_rendered_again_but_damage_is_repaired() {
    let site = Site::fixture("basic");
    site.build_ok();
    let first = site.read("notes/first/index.html");
    assert!(site.build_ok().contains("(no input changed)"));
    std::fs::write(site.public("notes/first/index.html"), "edited by hand").unwrap();
    let summary = site.build_ok();
    assert!(
        summary.contains("wrote 1 file,"),
        "a damaged output is rebuilt: {summary}"
    );
    assert_eq!(site.read("notes/first/index.html"), first);
    assert!(site.build(&["--drafts"]).status.success());
    assert!(
        site.public("notes/secret/index.html").is_file(),
        "other options are another build"
    );
}

#[test]
fn a_render_error_late_in_the_build_writes_nothing() {
    let site = Site::fixture("basic");
    site.build_ok();
    let before = site.read("index.html");
    // The home page renders fine; only the notes pages break, after other pages were staged.
    site.write(
        "content/_index.md",
        "+++\ntitle = \"Changed home\"\n+++\nNew text.\n",
    );
    site.write(
        "templates/note.html",
        "{% extends \"base.html\" %}{% block main %}{{ page.nope }}{% endblock main %}",
    );
    site.build_err();
    assert_eq!(
        site.read("index.html"),
        before,
        "the home page is not half-updated"
    );
    assert!(!site.public(".docent-staging").exists());
}

#[test]
fn future_and_expired_pages_wait_for_their_dates() {
    let site = Site::fixture("basic");
    site.write_unpublished_notes();
    site.write(
        "content/notes/current.md",
        "+++\ntitle = \"Current\"\ndate = 2001-01-01\nexpires = 2099-01-01\n+++\nNow.\n",
    );
    site.build_ok();
    assert!(site.public("notes/current/index.html").is_file());
    for gone in ["notes/later/index.html", "notes/over/index.html"] {
        assert!(!site.public(gone).exists(), "{gone} is left out");
    }
    let listed = site.read("notes/index.html");
    assert!(listed.contains("Current") && !listed.contains("Later") && !listed.contains("Over"));
    assert!(!site.read("sitemap.xml").contains("/notes/later/"));
    // Asked for, each comes back.
    assert!(site.build(&["--future"]).status.success());
    assert!(site.public("notes/later/index.html").is_file());
    assert!(!site.public("notes/over/index.html").exists());
    assert!(site.build(&["--drafts"]).status.success());
    assert!(site.public("notes/over/index.html").is_file());
    assert!(!site.public("notes/later/index.html").exists());
}

#[test]
fn a_manifest_records_when_the_next_page_comes_due() {
    let site = Site::fixture("basic");
    site.write_unpublished_notes();
    site.build_ok();
    let manifest = std::fs::read_to_string(site.public(".docent-output")).unwrap();
    // 2099-01-01T00:00:00Z in Unix seconds: after it, "no input changed" no longer holds.
    assert!(
        manifest.lines().nth(1).unwrap().ends_with(" 4070908800"),
        "{manifest}"
    );
    assert!(site.build_ok().contains("(no input changed)"));
}

#[test]
fn the_markdown_filter_resolves_links_and_glossary_terms_in_data() {
    let site = Site::fixture("basic");
    site.write(
        "content/data/glossary.toml",
        "[[terms]]\nid = \"ehr\"\nterm = \"EHR\"\ndefinition = \"A record.\"\n",
    );
    let config = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    let config = config.replace(
        "[extra]",
        "[glossary]\ndata = \"glossary\"\npage = \"@/_index.md\"\n\n[extra]",
    );
    site.write("site.toml", config);
    site.write(
        "content/data/see.toml",
        "text = \"Read [the first note](@/notes/first.md#details) on the [[EHR]].\"\n",
    );
    site.write(
        "templates/see.html",
        "{% extends \"base.html\" %}{% block main %}<p class=\"see\">{{ data.see.text | markdown(inline=true) }}</p>{% endblock main %}",
    );
    site.write(
        "content/see.md",
        "+++\ntitle = \"See\"\ntemplate = \"see.html\"\n+++\n",
    );
    site.build_ok();
    let html = site.html("see/index.html");
    assert_eq!(
        attrs(&html, ".see > a", "href"),
        ["/docs/notes/first/#details"]
    );
    assert_eq!(texts(&html, ".see .gloss > a"), ["EHR"]);
    assert_eq!(attrs(&html, ".see .gloss-tip", "id"), ["gloss-m1-1"]);
    // A link to no content file is an error at the template, naming the file meant.
    site.write(
        "content/data/see.toml",
        "text = \"Read [the note](@/notes/frist.md).\"\n",
    );
    let err = site.build_err();
    assert!(
        err.contains("`@/notes/frist.md` is not a content file; did you mean `@/notes/first.md`?"),
        "{err}"
    );
}

#[test]
fn urls_and_heading_ids_are_made_as_zola_makes_them() {
    let site = Site::fixture("zola");
    let body = "## What's new in Café Crème?\n\n## Notes\n\n## Notes\n\nSee [the other](<@/blog/Über Straße.md#schon>).\n";
    site.write(
        "content/blog/Crème Brûlée & Co.md",
        format!("+++\ntitle = \"C\"\ndate = 2024-02-02\n+++\n{body}"),
    );
    site.write(
        "content/blog/Über Straße.md",
        "+++\ntitle = \"U\"\ndate = 2024-02-03\n+++\n## Schön\n",
    );
    site.build_ok();
    // Zola's `slugify.paths = "on"` and `slugify.anchors = "on"`, its defaults.
    let page = site.html("blog/creme-brulee-co/index.html");
    assert_eq!(
        attrs(&page, "h2", "id"),
        ["what-s-new-in-cafe-creme", "notes", "notes-1"]
    );
    assert_eq!(attrs(&page, "p a", "href"), ["/blog/uber-strasse/#schon"]);
    // As written, less what a file name cannot hold; ids keep their letters.
    let config = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write(
        "site.toml",
        format!("{config}\n[slugify]\npaths = \"safe\"\nanchors = \"safe\"\n"),
    );
    site.write(
        "content/blog/Über Straße.md",
        "+++\ntitle = \"U\"\ndate = 2024-02-03\n+++\n## schon\n",
    );
    site.build_ok();
    let page = site.html("blog/Crème Brûlée & Co/index.html");
    assert_eq!(
        attrs(&page, "h2", "id"),
        ["What's_new_in_Café_Crème?", "Notes", "Notes-1"]
    );
    // The link keeps working: the path is the file's name, encoded for the href.
    assert_eq!(
        attrs(&page, "p a", "href"),
        ["/blog/%C3%9Cber%20Stra%C3%9Fe/#schon"]
    );
}

#[test]
fn zola_section_settings_that_docent_reads() {
    let site = Site::fixture("zola");
    // A blank line before the fence, no title, a redirect and an anchor setting, as Zola's own
    // documentation writes them.
    site.write(
        "content/docs/_index.md",
        "\n+++\nredirect_to = \"blog/pi-day/\"\ninsert_anchor_links = \"left\"\n+++\n",
    );
    // A section with no page of its own, a page at a path of its choosing, and maths off with
    // a shortcode whose arguments lack a comma, as themes write them.
    site.write("content/pages/_index.md", "+++\nrender = false\n+++\n");
    site.write(
        "content/pages/about.md",
        "+++\ntitle = \"About\"\npath = \"about\"\n+++\nCosts $5 or $\\TeX$.\n\n{{ note(a=\"x\" b=\"y\") }}\n",
    );
    site.write(
        "templates/shortcodes/note.html",
        "<aside>{{ a }}{{ b }}</aside>",
    );
    let config = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write("site.toml", format!("{config}\n[markdown]\nmath = false\n"));
    site.build_ok();
    let redirect = site.read("docs/index.html");
    assert!(
        redirect.contains("url=/blog/pi-day/\""),
        "the section's page is a redirect: {redirect}"
    );
    assert!(!site.public("pages/index.html").exists(), "render = false");
    assert!(!site.read("sitemap.xml").contains("/pages/</loc>"));
    let about = site.read("about/index.html");
    assert!(about.contains("Costs $5 or $\\TeX$."), "{about}");
    assert!(about.contains("<aside>xy</aside>"), "{about}");
}
