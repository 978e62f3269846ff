//! One walk over a body's Markdown events, noting what the teaching lint looks at: headings,
//! images, links and their text, tables, raw HTML, and the prose that is read as sentences.
//!
//! Shortcode calls are blanked out first (their byte offsets kept), so that `{{ figure(...) }}`
//! is not read as words; the Markdown inside a body shortcode (`{% details() %}…{% end %}`)
//! stays and is linted like the rest of the page.

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

use crate::shortcodes::parse::{self, Found};

/// A piece of text and where it is in the body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Spanned {
    pub(crate) text: String,
    pub(crate) span: Range<usize>,
}

/// A link: where it goes, its text, and whether it is a glossary term (`[[RHIA]]`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Link {
    pub(crate) dest: String,
    pub(crate) text: String,
    pub(crate) term: bool,
    /// Written as raw HTML, `<a href="…">…</a>`.
    pub(crate) raw: bool,
    pub(crate) span: Range<usize>,
}

/// A run of text the reader reads as prose, and whether it sits in a table or list.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Prose {
    pub(crate) text: Spanned,
    /// A paragraph, list item, quote or definition: counted for the reading grade.
    pub(crate) sentences: bool,
}

/// What [`scan`] found in one body.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    pub(crate) headings: Vec<(u32, Range<usize>)>,
    /// Markdown images: their alt text.
    pub(crate) images: Vec<Spanned>,
    pub(crate) links: Vec<Link>,
    /// Markdown tables whose header row is empty.
    pub(crate) headless_tables: Vec<Range<usize>>,
    /// Raw HTML, event by event.
    pub(crate) html: Vec<Spanned>,
    /// Text outside headings, code and links, in order: where glossary terms are looked for.
    pub(crate) text: Vec<Spanned>,
    /// Blocks of prose, each ended by a paragraph or item break.
    pub(crate) prose: Vec<Prose>,
    /// Shortcode calls: their names, arguments and spans.
    pub(crate) calls: Vec<parse::Call>,
}

/// `body` with every shortcode call (but the Markdown inside a body) turned to spaces.
fn blank_shortcodes(body: &str) -> (String, Vec<parse::Call>) {
    let mut text = body.as_bytes().to_vec();
    let mut calls = Vec::new();
    for found in parse::scan(body) {
        let Found::Call(call) = found else { continue };
        let inner = call.body.as_deref().and_then(|b| {
            let within = &body[call.span.clone()];
            within
                .find(b)
                .map(|i| call.span.start + i..call.span.start + i + b.len())
        });
        for (i, byte) in text[call.span.clone()].iter_mut().enumerate() {
            let at = call.span.start + i;
            let kept = inner.as_ref().is_some_and(|r| r.contains(&at));
            if !kept && *byte != b'\n' {
                *byte = b' ';
            }
        }
        calls.push(call);
    }
    // Only ASCII bytes outside the kept bodies were replaced, and only by spaces; a call's
    // span starts and ends on character boundaries, so the text stays UTF-8.
    let text = String::from_utf8(text).unwrap_or_else(|_| body.to_string());
    (text, calls)
}

/// Every finding-worthy thing in `body`, read with the site's Markdown `options`.
pub(crate) fn scan(body: &str, options: pulldown_cmark::Options) -> Scan {
    let (text, calls) = blank_shortcodes(body);
    let mut walk = Walk {
        scan: Scan {
            calls,
            ..Scan::default()
        },
        ..Walk::default()
    };
    for (event, span) in Parser::new_ext(&text, options).into_offset_iter() {
        walk.event(event, span);
    }
    walk.end_block();
    walk.scan
}

/// The state of a walk: what is open.
#[derive(Default)]
struct Walk {
    scan: Scan,
    /// Depth of headings, code blocks and image alt text: text there is not prose.
    quiet: usize,
    /// The links open, innermost last, with their text so far.
    links: Vec<Link>,
    /// The image open, with its alt text so far.
    image: Option<Spanned>,
    /// The prose block being read.
    block: Option<Prose>,
    table_depth: usize,
    /// The open table's span and whether its header row has text.
    head: Option<(Range<usize>, bool)>,
    in_head: bool,
}

impl Walk {
    fn event(&mut self, event: Event<'_>, span: Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag, span),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text, span),
            Event::Code(code) => self.words(&code, span),
            Event::InlineMath(_) => self.words("x", span),
            Event::InlineHtml(html) => self.inline_html(&html, span),
            Event::Html(html) => self.scan.html.push(Spanned {
                text: html.to_string(),
                span,
            }),
            Event::SoftBreak | Event::HardBreak => self.words(" ", span),
            _ => {}
        }
    }

    /// Inline HTML: `<a …>` opens a link whose text follows as Markdown, `</a>` closes it.
    fn inline_html(&mut self, html: &str, span: Range<usize>) {
        let lower = html.trim().to_ascii_lowercase();
        let opens = (lower.starts_with("<a ") || lower == "<a>") && !lower.ends_with("/>");
        if opens && !lower.contains("</a") {
            self.links.push(Link {
                dest: super::access::attribute(html, "href").unwrap_or_default(),
                text: String::new(),
                term: false,
                raw: true,
                span: span.clone(),
            });
        } else if lower == "</a>" && self.links.last().is_some_and(|l| l.raw) {
            if let Some(mut link) = self.links.pop() {
                link.span.end = span.end;
                self.scan.links.push(link);
                return;
            }
        }
        self.scan.html.push(Spanned {
            text: html.to_string(),
            span,
        });
    }

    fn start(&mut self, tag: Tag<'_>, span: Range<usize>) {
        match tag {
            Tag::Heading { level, .. } => {
                self.end_block();
                self.scan.headings.push((level as u32, span));
                self.quiet += 1;
            }
            Tag::CodeBlock(_) | Tag::MetadataBlock(_) => {
                self.end_block();
                self.quiet += 1;
            }
            Tag::Image { .. } => {
                self.image = Some(Spanned {
                    text: String::new(),
                    span,
                })
            }
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => self.links.push(Link {
                // In a table, `[[id\|text]]` escapes its pipe; the parser keeps the backslash.
                dest: dest_url.trim_end_matches('\\').to_string(),
                text: String::new(),
                term: matches!(link_type, LinkType::WikiLink { .. }),
                raw: false,
                span,
            }),
            Tag::Table(_) => {
                self.end_block();
                self.table_depth += 1;
                self.head = Some((span, false));
            }
            Tag::TableHead => self.in_head = true,
            Tag::Paragraph | Tag::Item | Tag::DefinitionListDefinition | Tag::TableCell => {
                self.end_block()
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::MetadataBlock(_) => {
                self.quiet = self.quiet.saturating_sub(1)
            }
            TagEnd::Image => {
                if let Some(image) = self.image.take() {
                    if let Some(link) = self.links.last_mut() {
                        link.text.push_str(&image.text);
                    }
                    self.scan.images.push(image);
                }
            }
            TagEnd::Link => {
                if let Some(link) = self.links.pop() {
                    if let Some(outer) = self.links.last_mut() {
                        outer.text.push_str(&link.text);
                    }
                    self.scan.links.push(link);
                }
            }
            TagEnd::TableHead => {
                self.in_head = false;
                if let Some((span, false)) = self.head.take() {
                    self.scan.headless_tables.push(span);
                }
            }
            TagEnd::Table => {
                self.end_block();
                self.table_depth = self.table_depth.saturating_sub(1);
            }
            TagEnd::Paragraph
            | TagEnd::Item
            | TagEnd::DefinitionListDefinition
            | TagEnd::TableCell
            | TagEnd::BlockQuote(_) => self.end_block(),
            _ => {}
        }
    }

    fn text(&mut self, text: &str, span: Range<usize>) {
        if let Some(image) = &mut self.image {
            image.text.push_str(text);
            return;
        }
        if self.in_head && !text.trim().is_empty() {
            if let Some((_, has_text)) = &mut self.head {
                *has_text = true;
            }
        }
        let in_link = !self.links.is_empty();
        if let Some(link) = self.links.last_mut() {
            link.text.push_str(text);
        }
        if self.quiet == 0 && !in_link {
            self.scan.text.push(Spanned {
                text: text.to_string(),
                span: span.clone(),
            });
        }
        self.words(text, span);
    }

    /// Adds `text` to the prose block being read, unless it is in a heading or code.
    fn words(&mut self, text: &str, span: Range<usize>) {
        if self.quiet > 0 || self.image.is_some() {
            return;
        }
        let sentences = self.table_depth == 0;
        let block = self.block.get_or_insert_with(|| Prose {
            text: Spanned {
                text: String::new(),
                span: span.clone(),
            },
            sentences,
        });
        block.text.text.push_str(text);
        block.text.span.end = block.text.span.end.max(span.end);
    }

    fn end_block(&mut self) {
        if let Some(block) = self.block.take() {
            if !block.text.text.trim().is_empty() {
                self.scan.prose.push(block);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanned(body: &str) -> Scan {
        scan(body, pulldown_cmark::Options::all())
    }

    #[test]
    fn headings_images_links_and_tables_are_noted_with_spans() {
        let body =
            "## One\n\n![](a.png) and [here](x.md) and [[RHIA]].\n\n| | |\n|---|---|\n| a | b |\n";
        let s = scanned(body);
        assert_eq!(s.headings, [(2, 0..7)]);
        assert_eq!(s.images[0].text, "");
        assert_eq!(&body[s.images[0].span.clone()], "![](a.png)");
        let texts: Vec<_> = s.links.iter().map(|l| (l.text.as_str(), l.term)).collect();
        assert_eq!(texts, [("here", false), ("RHIA", true)]);
        assert_eq!(s.headless_tables.len(), 1);
    }

    #[test]
    fn shortcodes_are_not_prose_but_their_bodies_are() {
        let body = "{{ figure(src=\"a.svg\", alt=\"\") }}\n\n{% details(summary=\"More\") %}\nInside words.\n{% end %}\n";
        let s = scanned(body);
        assert_eq!(s.calls.len(), 2);
        let prose: Vec<_> = s.prose.iter().map(|p| p.text.text.trim()).collect();
        assert_eq!(prose, ["Inside words."]);
    }

    #[test]
    fn text_in_headings_code_and_links_is_not_term_text() {
        let s = scanned("# HIM\n\n`HIM` and [HIM](x.md) but HIM here.\n\n```\nHIM\n```\n");
        let text: String = s.text.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(text.matches("HIM").count(), 1, "{text}");
    }
}
