//! Markdown to HTML with pulldown-cmark. Returns a new [`Rendered`] per body.
//!
//! Rendering depends only on the body text, so the result can be cached by content. Links to
//! other content files (`@/path.md#anchor`) stay as `href="@/..."` in the HTML and are listed in
//! [`Rendered::links`]; `links` resolves and checks them against the whole site afterwards.
//! Citations (`[@key]`, Pandoc's syntax) are numbered here and checked there.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{
    BrokenLink, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html,
};
use serde::Serialize;

use crate::slug::slugify;

/// The marker after which the rest of a page is not part of its summary.
const MORE: &str = "<!-- more -->";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Heading {
    pub(crate) level: u32,
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) children: Vec<Heading>,
}

/// A link to another content file, with its byte span in the body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct InternalLink {
    pub(crate) target: String,
    pub(crate) anchor: Option<String>,
    pub(crate) span: Range<usize>,
}

/// A citation key as used in the body, with its byte span.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CitationUse {
    pub(crate) key: String,
    pub(crate) span: Range<usize>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Rendered {
    pub(crate) html: String,
    pub(crate) summary: Option<String>,
    pub(crate) toc: Vec<Heading>,
    /// Every id an `#anchor` may point at: headings and footnotes.
    pub(crate) anchors: HashSet<String>,
    pub(crate) links: Vec<InternalLink>,
    /// Distinct citation keys, in order of first use; a key's number is its index + 1.
    pub(crate) citations: Vec<String>,
    pub(crate) citation_uses: Vec<CitationUse>,
    pub(crate) word_count: usize,
    /// The content file of every `href="@/..."` in the HTML, Markdown link or raw HTML: the
    /// URLs that resolving the HTML reads.
    pub(crate) href_targets: Vec<String>,
}

/// A heading being read: level, explicit id, classes, and the events inside it.
type OpenHeading<'a> = (HeadingLevel, Option<String>, Vec<String>, Vec<Event<'a>>);

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

pub(crate) fn render(body: &str) -> Rendered {
    let cite = |link: BrokenLink<'_>| {
        let reference = link.reference.trim();
        (reference.starts_with('@') && link.link_type == LinkType::Shortcut)
            .then(|| (CowStr::from(format!("cite:{reference}")), CowStr::from("")))
    };
    let parser = Parser::new_with_broken_link_callback(body, options(), Some(cite));
    let mut out = Rendered::default();
    let mut flat_toc: Vec<(u32, String, String)> = Vec::new();
    let events = transform(parser.into_offset_iter(), &mut out, &mut flat_toc);
    html::push_html(&mut out.html, events.into_iter());
    // The buffer grew by doubling; a large site keeps thousands of these until views are built.
    out.html.shrink_to_fit();
    out.summary = out.html.find(MORE).map(|i| out.html[..i].to_string());
    out.href_targets = href_targets(&out.html);
    out.toc = nest(&flat_toc);
    out
}

/// The events to write as HTML: citations numbered, `@/` links and footnotes noted in `out`,
/// headings given ids and anchors and listed in `flat_toc`, words counted.
fn transform<'a>(
    parsed: impl Iterator<Item = (Event<'a>, Range<usize>)>,
    out: &mut Rendered,
    flat_toc: &mut Vec<(u32, String, String)>,
) -> Vec<Event<'a>> {
    let mut events: Vec<Event> = Vec::new();
    let mut heading: Option<OpenHeading> = None;
    let mut skip_link_text = false;
    for (event, span) in parsed {
        if skip_link_text {
            skip_link_text = !matches!(event, Event::End(TagEnd::Link));
            continue;
        }
        let event = match event {
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with("cite:@") => {
                events.push(Event::Html(
                    cite_html(out, &dest_url["cite:".len()..], span).into(),
                ));
                skip_link_text = true;
                continue;
            }
            Event::Start(Tag::Link { ref dest_url, .. }) if dest_url.starts_with("@/") => {
                out.links.push(internal_link(&dest_url[2..], span));
                event
            }
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                let classes = classes.iter().map(|c| c.to_string()).collect();
                heading = Some((level, id.map(|i| i.to_string()), classes, Vec::new()));
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, id, classes, inner)) = heading.take() {
                    let html = heading_html(out, flat_toc, level, id, &classes, inner);
                    events.push(Event::Html(html.into()));
                }
                continue;
            }
            Event::Text(ref text) => {
                out.word_count += text.split_whitespace().count();
                event
            }
            Event::FootnoteReference(ref name) => {
                out.anchors.insert(name.to_string());
                event
            }
            other => other,
        };
        match heading.as_mut() {
            Some((.., inner)) => inner.push(event),
            None => events.push(event),
        }
    }
    events
}

/// The file part of each `href="@/file#anchor"` in `html`, sorted and without repeats.
fn href_targets(html: &str) -> Vec<String> {
    const NEEDLE: &str = "href=\"@/";
    let mut targets: Vec<String> = html
        .match_indices(NEEDLE)
        .map(|(i, _)| {
            let rest = &html[i + NEEDLE.len()..];
            let end = rest.find(['"', '#']).unwrap_or(rest.len());
            rest[..end].to_string()
        })
        .collect();
    targets.sort();
    targets.dedup();
    targets
}

/// A link to `path#anchor` (after the `@/`), found at `span`.
fn internal_link(target: &str, span: Range<usize>) -> InternalLink {
    let (target, anchor) = match target.split_once('#') {
        Some((path, anchor)) => (path.to_string(), Some(anchor.to_string())),
        None => (target.to_string(), None),
    };
    InternalLink {
        target,
        anchor,
        span,
    }
}

/// `[@a; @b]` becomes numbered links to the page's reference list: `[1, 2]`.
fn cite_html(out: &mut Rendered, reference: &str, span: Range<usize>) -> String {
    let mut links = Vec::new();
    for part in reference.split(';') {
        let key = part.trim().trim_start_matches('@').trim().to_string();
        out.citation_uses.push(CitationUse {
            key: key.clone(),
            span: span.clone(),
        });
        let number = match out.citations.iter().position(|k| *k == key) {
            Some(i) => i + 1,
            None => {
                out.citations.push(key.clone());
                out.citations.len()
            }
        };
        let id = html_escape(&key);
        links.push(format!(
            "<a href=\"#ref-{id}\" role=\"doc-noteref\">{number}</a>"
        ));
    }
    // Search results should read the sentence, not the reference numbers.
    format!(
        "<sup class=\"cite\" data-pagefind-ignore>[{}]</sup>",
        links.join(", ")
    )
}

fn heading_html(
    out: &mut Rendered,
    toc: &mut Vec<(u32, String, String)>,
    level: HeadingLevel,
    id: Option<String>,
    classes: &[String],
    inner: Vec<Event>,
) -> String {
    let title: String = inner
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect();
    let base = id.unwrap_or_else(|| match slugify(&title) {
        s if s.is_empty() => "section".to_string(),
        s => s,
    });
    let mut id = base.clone();
    let mut n = 1;
    while out.anchors.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    out.anchors.insert(id.clone());
    let level = level as u32;
    toc.push((level, id.clone(), title.clone()));
    let mut content = String::new();
    html::push_html(&mut content, inner.into_iter());
    let class = if classes.is_empty() {
        String::new()
    } else {
        format!(" class=\"{}\"", html_escape(&classes.join(" ")))
    };
    let id = html_escape(&id);
    format!(
        "<h{level} id=\"{id}\"{class}>{content} <a class=\"anchor\" href=\"#{id}\" data-pagefind-ignore aria-label=\"Link to “{}”\">#</a></h{level}>\n",
        html_escape(&title)
    )
}

/// Turns the flat list of headings into a tree: each heading holds the deeper ones after it.
fn nest(flat: &[(u32, String, String)]) -> Vec<Heading> {
    let mut roots: Vec<Heading> = Vec::new();
    for (level, id, title) in flat {
        let heading = Heading {
            level: *level,
            id: id.clone(),
            title: title.clone(),
            children: Vec::new(),
        };
        let mut siblings = &mut roots;
        while siblings.last().is_some_and(|last| last.level < *level) {
            siblings = &mut siblings.last_mut().expect("checked above").children;
        }
        siblings.push(heading);
    }
    roots
}

pub(crate) fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_are_on() {
        let r = render(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ \"quoted\"\n\n- [x] done\n\nNote[^1].\n\n[^1]: Foot.\n",
        );
        for needle in [
            "<table>",
            "<del>old</del>",
            "“quoted”",
            "type=\"checkbox\"",
            "footnote-definition",
        ] {
            assert!(r.html.contains(needle), "missing {needle} in {}", r.html);
        }
    }

    #[test]
    fn heading_ids_are_unique_and_anchored() {
        let r = render("## Pay\n\n## Pay\n\n### Sub *part*\n\n## Custom {#mine}\n");
        assert!(
            r.html.contains(
                "<h2 id=\"pay\">Pay <a class=\"anchor\" href=\"#pay\" data-pagefind-ignore"
            )
        );
        assert!(r.html.contains("id=\"pay-1\""));
        assert!(r.html.contains("id=\"mine\""));
        assert_eq!(r.toc.len(), 3);
        assert_eq!(r.toc[1].children[0].id, "sub-part");
        assert_eq!(r.toc[1].children[0].title, "Sub part");
    }

    #[test]
    fn internal_links_are_listed_with_spans() {
        let body = "See [pay](@/careers/x.md#pay) and [web](https://x.org).";
        let r = render(body);
        assert_eq!(r.links.len(), 1);
        assert_eq!(r.links[0].target, "careers/x.md");
        assert_eq!(r.links[0].anchor.as_deref(), Some("pay"));
        assert_eq!(&body[r.links[0].span.clone()], "[pay](@/careers/x.md#pay)");
        assert!(r.html.contains("href=\"@/careers/x.md#pay\""));
        assert!(r.html.contains("href=\"https://x.org\""));
    }

    #[test]
    fn citations_are_numbered_by_first_use() {
        let r = render("A [@uc]. B [@bls; @uc]. C \\[@not].");
        assert_eq!(r.citations, ["uc", "bls"]);
        assert_eq!(r.citation_uses.len(), 3);
        assert!(r.html.contains(
            "<sup class=\"cite\" data-pagefind-ignore>[<a href=\"#ref-uc\" role=\"doc-noteref\">1</a>]</sup>"
        ));
        assert!(
            r.html
                .contains(">2</a>, <a href=\"#ref-uc\" role=\"doc-noteref\">1</a>]")
        );
        assert!(r.html.contains("[@not]"));
    }

    #[test]
    fn defined_reference_links_are_not_citations() {
        let r = render("[@x]\n\n[@x]: https://example.org\n");
        assert!(r.citations.is_empty());
    }

    #[test]
    fn summary_stops_at_more_and_words_are_counted() {
        let r = render("One two.\n\n<!-- more -->\n\nThree.\n");
        assert_eq!(r.summary.as_deref(), Some("<p>One two.</p>\n"));
        assert_eq!(r.word_count, 3);
    }
}
