//! Teaching Markdown on the `teaching` fixture, read back through an HTML parser: highlighted
//! code, maths, prices, callouts, definition lists, glossary terms and shortcodes.

mod common;

use common::{Site, attrs, texts};
use scraper::{Html, Selector};

fn queries() -> (Site, Html) {
    let site = Site::fixture("teaching");
    site.build_ok();
    let html = site.html("lessons/queries/index.html");
    (site, html)
}

/// What `docent check` prints about `site`.
fn check(site: &Site) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_docent"))
        .args(["check", "--root"])
        .arg(&site.root)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn count(html: &Html, selector: &str) -> usize {
    html.select(&Selector::parse(selector).unwrap()).count()
}

#[test]
fn code_is_highlighted_into_lines_with_classes() {
    let (_site, html) = queries();
    // The file name is a data-name, as Zola's themes read it; the theme draws it.
    assert_eq!(
        attrs(&html, ".code[data-name]", "data-name"),
        ["visits.sql"]
    );
    let sql = "pre.linenos code.language-sql[data-name='visits.sql']";
    assert_eq!(count(&html, &format!("{sql} .line")), 3);
    // Line numbers are text, as Zola writes them, hidden from screen readers and search.
    assert_eq!(texts(&html, &format!("{sql} .ln")), ["1", "2", "3"]);
    let skipped = format!("{sql} .ln[aria-hidden=true][data-pagefind-ignore]");
    assert_eq!(count(&html, &skipped), 3);
    assert_eq!(
        texts(&html, &format!("{sql} .line.hl")),
        ["2FROM encounters"]
    );
    assert!(count(&html, &format!("{sql} .tok-keyword")) >= 4);
    // `text` is plain on purpose: one line, no token classes.
    assert_eq!(texts(&html, "code.language-text .line"), ["plain output"]);
    assert_eq!(count(&html, "code.language-text [class^=tok-]"), 0);
    assert_eq!(
        count(&html, ".code [style*=color]"),
        0,
        "colours come from the stylesheet"
    );
}

#[test]
fn maths_is_mathml_and_prices_stay_text() {
    let (_site, html) = queries();
    assert_eq!(count(&html, "math[display=inline]"), 1);
    assert_eq!(count(&html, "p > .math > math[display=block]"), 1);
    assert_eq!(
        attrs(&html, "math annotation", "encoding"),
        ["application/x-tex", "application/x-tex"]
    );
    let first = texts(&html, "main > p").remove(0);
    assert!(first.contains("$104,920 and\n$91,100"), "{first}");
    assert!(first.contains("$80,000-$110,000"), "{first}");
}

#[test]
fn callouts_and_definition_lists() {
    let (_site, html) = queries();
    // The theme draws each title from the class, in the page's language.
    assert_eq!(
        attrs(&html, ".callout[role=note]", "class"),
        [
            "callout callout-note",
            "callout callout-caution",
            "callout callout-tip"
        ]
    );
    assert_eq!(count(&html, ".callout-title"), 0);
    assert_eq!(texts(&html, "dl > dt"), ["Median"]);
    assert_eq!(texts(&html, "dl > dd"), ["The middle value."]);
}

#[test]
fn glossary_terms_link_to_their_entry_with_a_described_tooltip() {
    let (_site, html) = queries();
    let links = attrs(&html, ".gloss > a", "href");
    assert_eq!(links, ["/course/glossary/#ehr", "/course/glossary/#sql"]);
    for id in attrs(&html, ".gloss > a", "aria-describedby") {
        let tip = texts(&html, &format!("#{id}[role=tooltip]"));
        assert_eq!(tip.len(), 1, "{id} names its tooltip");
    }
    assert_eq!(texts(&html, ".gloss > a"), ["EHR", "a query language"]);
    assert!(texts(&html, ".gloss-tip")[0].starts_with("Electronic health record: A patient"));
}

#[test]
fn shortcodes_render_in_place_and_figures_are_numbered_and_linkable() {
    let (site, html) = queries();
    assert_eq!(attrs(&html, "figure.figure", "id"), ["fig-visits"]);
    assert_eq!(
        texts(&html, "figure.figure figcaption"),
        ["Figure 1. Visits per patient"]
    );
    assert_eq!(
        count(&html, "p > figure"),
        0,
        "a figure replaces its paragraph"
    );
    assert_eq!(
        attrs(&html, ".video-link", "data-embed"),
        ["https://www.youtube-nocookie.com/embed/abc123?autoplay=1"]
    );
    assert_eq!(
        count(&html, "iframe"),
        0,
        "nothing loads from the host until asked"
    );
    assert_eq!(
        texts(&html, "details.details > summary"),
        ["Why count per patient?"]
    );
    let details_link = attrs(&html, "details.details a", "href");
    assert_eq!(details_link, ["/course/lessons/summary/#fig-share"]);
    assert_eq!(attrs(&html, "section.tab", "aria-label"), ["SQL", "Python"]);
    assert_eq!(count(&html, "section.tab .code"), 2);
    // The site's own Markdown shortcode became a callout.
    assert!(
        texts(&html, ".callout-tip")
            .iter()
            .any(|t| t.contains("Run it twice."))
    );
    // Code spans and escaped calls are written as they are.
    let last = texts(&html, "main > p").pop().unwrap();
    assert!(
        last.contains("{{ figure() }}") && last.contains("{{ figure(src="),
        "{last}"
    );
    // A figure on another page is a link target the checker knows.
    let summary = site.html("lessons/summary/index.html");
    let link = attrs(&summary, "main a", "href");
    assert_eq!(link, ["/course/lessons/queries/#fig-visits"]);
}

#[test]
fn a_link_to_a_missing_figure_is_an_error() {
    let site = Site::fixture("teaching");
    let summary = "content/lessons/summary/index.md";
    let text = std::fs::read_to_string(site.root.join(summary)).unwrap();
    site.write(summary, text.replace("#fig-visits", "#fig-visit"));
    let stderr = site.build_err();
    assert!(
        stderr.contains("has no heading with id `fig-visit`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `#fig-visits`?"), "{stderr}");
}

#[test]
fn a_link_with_no_text_to_a_figure_says_its_number() {
    let site = Site::fixture("teaching");
    let summary = "content/lessons/summary/index.md";
    let text = std::fs::read_to_string(site.root.join(summary)).unwrap();
    site.write(
        summary,
        format!("{text}\nCompare [](@/lessons/queries/index.md#fig-visits) with [](#fig-share).\n"),
    );
    site.build_ok();
    let html = site.html("lessons/summary/index.html");
    let refs: Vec<(String, String)> = html
        .select(&Selector::parse("main p a").unwrap())
        .map(|a| {
            (
                a.value().attr("href").unwrap().to_string(),
                a.text().collect::<String>(),
            )
        })
        .skip(1) // the page's own link, with words of its own
        .collect();
    assert_eq!(
        refs,
        [
            (
                "/course/lessons/queries/#fig-visits".to_string(),
                "Figure 1".to_string()
            ),
            ("#fig-share".to_string(), "Figure 1".to_string()),
        ]
    );
    // The teaching lint takes them for what they will say, but not an empty link elsewhere.
    let stderr = check(&site);
    assert!(!stderr.contains("link-text"), "{stderr}");
    site.write(summary, format!("{text}\nSee [](#nowhere).\n"));
    let stderr = check(&site);
    assert!(
        stderr.contains("error[link-text]: this link has no text"),
        "{stderr}"
    );
}
