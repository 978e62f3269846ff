//! The content's accessibility: alt text on images, link text that says where a link goes,
//! header rows on tables, and heading levels that do not skip.

use serde_json::Value;

use super::Finding;
use super::body::Scan;

/// Link texts that say nothing about where a link goes, once lower-cased and trimmed.
const VAGUE: &[&str] = &[
    "click here",
    "click",
    "here",
    "this",
    "this link",
    "link",
    "this page",
    "page",
    "read more",
    "more",
    "learn more",
    "go",
];

/// Images without alt text: Markdown's `![](…)`, a `figure` with `alt=""`, and `<img>` with no
/// `alt` attribute (`alt=""` marks an image as decorative, which is a choice, not a slip).
pub(crate) fn images(scan: &Scan, out: &mut Vec<Finding>) {
    for image in scan.images.iter().filter(|i| i.text.trim().is_empty()) {
        out.push(Finding::new(
            "image-alt",
            image.span.clone(),
            "this image has no alt text",
            "write what it shows between the brackets: `![A bar chart of median pay](pay.svg)`",
        ));
    }
    for call in scan.calls.iter().filter(|c| c.name == "figure") {
        let alt = call.args.iter().find(|(name, ..)| name == "alt");
        if let Some((_, Value::String(text), span)) = alt {
            if text.trim().is_empty() {
                out.push(Finding::new(
                    "image-alt",
                    span.clone(),
                    "this figure's `alt` is empty",
                    "say what the figure shows, for readers who cannot see it",
                ));
            }
        }
    }
    for html in &scan.html {
        for (at, tag) in tags(&html.text, "img") {
            if attribute(tag, "alt").is_none() {
                let start = html.span.start + at;
                out.push(Finding::new(
                    "image-alt",
                    start..start + tag.len(),
                    "this `<img>` has no `alt` attribute",
                    "add `alt=\"what it shows\"`, or `alt=\"\"` if it is only decoration",
                ));
            }
        }
    }
}

/// Links whose text is empty or says only "click here", in Markdown and in raw `<a>`.
pub(crate) fn links(scan: &Scan, out: &mut Vec<Finding>) {
    for link in scan.links.iter().filter(|l| !l.term) {
        let said = normalise(&link.text);
        let message = if said.is_empty() {
            "this link has no text".to_string()
        } else if VAGUE.contains(&said.as_str()) {
            format!(
                "the link text \"{}\" does not say where it goes",
                link.text.trim()
            )
        } else {
            continue;
        };
        out.push(Finding::new(
            "link-text",
            link.span.clone(),
            message,
            "name the destination, as in [the BLS page on health information technologists](…): \
             screen readers list links by their text alone",
        ));
    }
    for html in &scan.html {
        for (at, text) in raw_link_texts(&html.text) {
            let said = normalise(&text);
            if said.is_empty() || VAGUE.contains(&said.as_str()) {
                let start = html.span.start + at;
                out.push(Finding::new(
                    "link-text",
                    start..start + 2,
                    format!(
                        "the link text \"{}\" does not say where it goes",
                        text.trim()
                    ),
                    "name the destination in the link's text",
                ));
            }
        }
    }
}

/// Tables whose header row is empty, and raw `<table>`s with no `<th>`.
pub(crate) fn tables(scan: &Scan, out: &mut Vec<Finding>) {
    let help = "give each column a heading: screen readers announce it with every cell";
    for span in &scan.headless_tables {
        out.push(Finding::new(
            "table-header",
            span.clone(),
            "this table's header row is empty",
            help,
        ));
    }
    let html: String = scan.html.iter().map(|h| h.text.as_str()).collect();
    let lower = html.to_ascii_lowercase();
    for (at, _) in tags(&html, "table") {
        let end = lower[at..].find("</table").map_or(lower.len(), |e| at + e);
        if !lower[at..end].contains("<th") {
            let start = offset_in(scan, at);
            out.push(Finding::new(
                "table-header",
                start..start + "<table".len(),
                "this `<table>` has no header cells (`<th>`)",
                help,
            ));
        }
    }
}

/// Headings that go down more than one level at once: `##` then `####`. The page's title is
/// its `h1`.
pub(crate) fn headings(scan: &Scan, out: &mut Vec<Finding>) {
    let mut previous = 1;
    for (level, span) in &scan.headings {
        if *level > previous + 1 {
            out.push(Finding::new(
                "heading-skip",
                span.clone(),
                format!("this heading jumps from h{previous} to h{level}"),
                format!(
                    "make it h{} ({}): screen-reader users move through a page by heading level",
                    previous + 1,
                    "#".repeat(previous as usize + 1)
                ),
            ));
        }
        previous = *level;
    }
}

/// The body offset of byte `at` of the raw HTML events joined.
fn offset_in(scan: &Scan, mut at: usize) -> usize {
    for html in &scan.html {
        if at < html.text.len() {
            return html.span.start + at;
        }
        at -= html.text.len();
    }
    scan.html.last().map_or(0, |h| h.span.end)
}

/// Lower-cased, with surrounding punctuation and runs of spaces gone.
fn normalise(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    words
        .join(" ")
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// Every `<name …>` tag in `html`, with its offset.
fn tags<'h>(html: &'h str, name: &str) -> Vec<(usize, &'h str)> {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{name}");
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find(&open) {
        let at = from + i;
        let after = lower.as_bytes().get(at + open.len()).copied();
        let end = lower[at..].find('>').map_or(html.len(), |e| at + e + 1);
        if matches!(after, Some(b' ' | b'\t' | b'\n' | b'>' | b'/')) {
            found.push((at, &html[at..end]));
        }
        from = end.max(at + 1);
    }
    found
}

/// The value of attribute `name` in a tag, if the tag has it (`""` for a bare `alt`).
pub(crate) fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before = at.checked_sub(1).map(|b| bytes[b]);
        let after = bytes.get(from).copied();
        if !matches!(before, Some(b' ' | b'\t' | b'\n')) {
            continue;
        }
        let rest = tag[from..].trim_start();
        match after {
            Some(b'=' | b' ' | b'\t' | b'\n') if rest.starts_with('=') => {
                let value = rest[1..].trim_start();
                let quote = value.chars().next().filter(|q| *q == '"' || *q == '\'');
                return Some(match quote {
                    Some(q) => value[1..].split(q).next().unwrap_or("").to_string(),
                    None => value
                        .split(|c: char| c.is_whitespace() || c == '>')
                        .next()
                        .unwrap_or("")
                        .to_string(),
                });
            }
            Some(b' ' | b'\t' | b'\n' | b'>' | b'/') | None => return Some(String::new()),
            _ => {}
        }
    }
    None
}

/// The text of each `<a …>…</a>` written whole in one piece of raw HTML, with its offset.
fn raw_link_texts(html: &str) -> Vec<(usize, String)> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    for (at, tag) in tags(html, "a") {
        let inner_start = at + tag.len();
        let Some(close) = lower[inner_start..].find("</a") else {
            continue;
        };
        let inner = &html[inner_start..inner_start + close];
        let mut text = String::new();
        let mut in_tag = false;
        for c in inner.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                _ if !in_tag => text.push(c),
                _ => {}
            }
        }
        // An image inside the link speaks for it through its alt text.
        let alts: Vec<String> = tags(inner, "img")
            .iter()
            .filter_map(|(_, t)| attribute(t, "alt"))
            .collect();
        found.push((at, format!("{text} {}", alts.join(" "))));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::body::scan;

    fn codes(body: &str) -> Vec<(&'static str, String)> {
        let s = scan(body, pulldown_cmark::Options::all());
        let mut out = Vec::new();
        images(&s, &mut out);
        links(&s, &mut out);
        tables(&s, &mut out);
        headings(&s, &mut out);
        out.into_iter()
            .map(|f| (f.code, body[f.span].to_string()))
            .collect()
    }

    #[test]
    fn images_need_alt_text() {
        let found = codes(
            "![](a.png) ![A chart](b.png)\n\n<img src=\"c.png\">\n\n<img src=\"d.png\" alt=\"\">\n\n{{ figure(src=\"e.svg\", alt=\" \") }}\n",
        );
        assert_eq!(
            found,
            [
                ("image-alt", "![](a.png)".to_string()),
                ("image-alt", "alt=\" \"".to_string()),
                ("image-alt", "<img src=\"c.png\">".to_string()),
            ]
        );
    }

    #[test]
    fn links_need_text_that_names_where_they_go() {
        let found = codes(
            "[Click here](a.md), [the BLS page](b.md), [](c.md), [[RHIA]] and <a href=\"d\">here</a>.\n\n<p><a href=\"e\"> Read more. </a></p>\n",
        );
        let spans: Vec<_> = found.iter().map(|(c, s)| (*c, s.as_str())).collect();
        assert_eq!(
            spans,
            [
                ("link-text", "[Click here](a.md)"),
                ("link-text", "[](c.md)"),
                ("link-text", "<a href=\"d\">here</a>"),
                ("link-text", "<a"),
            ]
        );
    }

    #[test]
    fn tables_need_headers_and_headings_do_not_skip() {
        let found = codes(
            "## A\n\n#### B\n\n### C\n\n| | |\n|---|---|\n| 1 | 2 |\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n<table><tr><td>1</td></tr></table>\n\n<table><tr><th>h</th></tr></table>\n",
        );
        let codes: Vec<_> = found.iter().map(|(c, _)| *c).collect();
        assert_eq!(
            codes,
            ["table-header", "table-header", "heading-skip"],
            "{found:?}"
        );
        assert_eq!(found[1].1, "<table");
        assert_eq!(found[2].1.trim(), "#### B");
    }

    #[test]
    fn attributes_are_read_with_or_without_quotes() {
        let tag = "<img data-alt=\"no\" src=x.png ALT='A map' >";
        assert_eq!(attribute(tag, "alt").as_deref(), Some("A map"));
        assert_eq!(attribute(tag, "src").as_deref(), Some("x.png"));
        assert_eq!(attribute("<img alt src=\"a\">", "alt").as_deref(), Some(""));
        assert_eq!(attribute("<img src=\"a\">", "alt"), None);
    }
}
