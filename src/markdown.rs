//! Markdown to HTML with pulldown-cmark. Returns a new [`Rendered`] per body.
//!
//! Rendering depends only on the body text, so the result can be cached by content. Links to
//! other content files (`@/path.md#anchor`) stay as `href="@/..."` in the HTML and are listed in
//! [`Rendered::links`]; `links` resolves and checks them against the whole site afterwards.
//! Citations (`[@key]`, Pandoc's syntax) are numbered here and checked there.
//!
//! Teaching extensions are written here too: highlighted code ([`code`]), maths as MathML
//! ([`math`]), callouts (`> [!NOTE]`) and definition lists. What is wrong in a body (bad
//! LaTeX, an unknown code language) is a [`Problem`] at its byte span, reported by `check`.

mod anchors;
mod code;
mod footnotes;
mod math;

use std::ops::Range;

use pulldown_cmark::{
    BlockQuoteKind, BrokenLink, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options,
    Parser, Tag, TagEnd, html,
};
use serde::Serialize;

use crate::glossary;
use crate::report::Severity;
use crate::shortcodes::{self, Expanded};
use crate::slug::Strategy;
use crate::templates::Templates;
pub(crate) use anchors::Anchors;

/// The marker after which the rest of a page is not part of its summary.
const MORE: &str = "<!-- more -->";

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub(crate) struct Heading {
    pub(crate) level: u32,
    pub(crate) id: Box<str>,
    pub(crate) title: Box<str>,
    /// Boxed, not a `Vec`: a build holds every page's headings, and a `Vec` that grew by
    /// pushes holds up to twice the room it needs.
    pub(crate) children: Box<[Heading]>,
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

/// A glossary term as used in the body (`[[RHIA]]`), with its byte span.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TermUse {
    pub(crate) name: String,
    pub(crate) span: Range<usize>,
}

/// Something wrong in a body, at its byte span: an error stops the build, a warning is for
/// `check`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Problem {
    pub(crate) severity: Severity,
    pub(crate) span: Range<usize>,
    pub(crate) message: String,
    pub(crate) help: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Rendered {
    /// Empty when `spilled` says where it went: a build moves each body's HTML to its scratch
    /// file as soon as the body is rendered (`memo::Memo::spilling`); only views read it then.
    pub(crate) html: String,
    pub(crate) spilled: Option<crate::spill::At>,
    pub(crate) summary: Option<String>,
    pub(crate) toc: Box<[Heading]>,
    /// Every id an `#anchor` may point at: headings and footnotes.
    pub(crate) anchors: Anchors,
    pub(crate) links: Vec<InternalLink>,
    /// Distinct citation keys, in order of first use; a key's number is its index + 1.
    pub(crate) citations: Vec<String>,
    pub(crate) citation_uses: Vec<CitationUse>,
    pub(crate) word_count: usize,
    /// The content file of every `href="@/..."` in the HTML, Markdown link or raw HTML: the
    /// URLs that resolving the HTML reads.
    pub(crate) href_targets: Vec<String>,
    pub(crate) problems: Vec<Problem>,
    pub(crate) terms: Vec<TermUse>,
    /// The shortcode templates the body used: what it depends on besides its text.
    pub(crate) shortcodes: Vec<String>,
    /// Each numbered figure's id and number, in page order.
    pub(crate) figures: Vec<(String, usize)>,
}

/// A heading being read: level, explicit id, classes, and the events inside it.
type OpenHeading<'a> = (HeadingLevel, Option<String>, Vec<String>, Vec<Event<'a>>);

/// The parser's options for a body, as `settings` ask; the teaching lint reads bodies with them.
pub(crate) fn options(settings: &Settings) -> Options {
    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_WIKILINKS;
    options.set(
        Options::ENABLE_SMART_PUNCTUATION,
        settings.smart_punctuation,
    );
    options.set(Options::ENABLE_MATH, settings.math);
    // GitHub's `> [!NOTE]` callouts.
    options.set(Options::ENABLE_GFM, settings.callouts);
    options
}

/// What site.toml changes about every body's Markdown: heading ids (`[slugify] anchors`), and
/// `[markdown]`'s maths, smart punctuation and callouts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Settings {
    pub(crate) anchors: Strategy,
    pub(crate) math: bool,
    pub(crate) smart_punctuation: bool,
    pub(crate) callouts: bool,
    pub(crate) bottom_footnotes: bool,
    /// Whether `[[term]]` links to a glossary; on a site without one it is the Markdown it
    /// would be without that syntax, as Zola reads it (`[[_TOC_]]` is `[[<em>TOC</em>]]`).
    pub(crate) glossary: bool,
    /// The opening of an external link's tag up to its `href`, when `[markdown]` changes it:
    /// `<a class="external" rel="noopener" target="_blank" `.
    pub(crate) external_links: Option<std::sync::Arc<str>>,
}

impl Settings {
    /// `[markdown]`'s switches, with heading ids made by `anchors`.
    pub(crate) fn of(markdown: &crate::config::MarkdownConfig, anchors: Strategy) -> Settings {
        Settings {
            external_links: external_link_tag(markdown),
            anchors,
            math: markdown.math,
            smart_punctuation: markdown.smart_punctuation,
            callouts: markdown.callouts,
            bottom_footnotes: markdown.bottom_footnotes,
            glossary: true,
        }
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings::of(&Default::default(), Strategy::default())
    }
}

/// A body without shortcodes: for the `markdown` filter, and where templates failed to load.
pub(crate) fn render(body: &str) -> Rendered {
    render_expanded(Expanded::plain(body), &Settings::default())
}

/// A page's body, with its shortcodes rendered from `templates`, as site.toml's `settings` ask.
pub(crate) fn render_page(body: &str, templates: &Templates, settings: &Settings) -> Rendered {
    render_expanded(shortcodes::expand(body, templates), settings)
}

fn render_expanded(expanded: Expanded, settings: &Settings) -> Rendered {
    let cite = |link: BrokenLink<'_>| {
        let reference = link.reference.trim();
        (reference.starts_with('@') && link.link_type == LinkType::Shortcut)
            .then(|| (CowStr::from(format!("cite:{reference}")), CowStr::from("")))
    };
    let closers = |text: &str| price_closers(text, settings);
    let (text, escapes) = match settings.math {
        true => math::guard_prices(&expanded.text, closers),
        false => (
            std::borrow::Cow::Borrowed(&*expanded.text),
            Default::default(),
        ),
    };
    let parser = Parser::new_with_broken_link_callback(&text, options(settings), Some(cite));
    let mut out = Rendered::default();
    let mut flat_toc = Toc {
        entries: Vec::new(),
        anchors: settings.anchors,
    };
    let parsed = parser.into_offset_iter();
    let mut events = transform(&text, parsed, &mut out, &mut flat_toc, settings);
    if settings.bottom_footnotes {
        events = footnotes::to_bottom(events, &mut out.anchors);
    }
    html::push_html(&mut out.html, events.into_iter());
    expanded.place(&mut out.html, &mut out.anchors);
    // The buffer grew by doubling; a large site keeps thousands of these until views are built.
    out.html.shrink_to_fit();
    out.summary = out.html.find(MORE).map(|i| out.html[..i].to_string());
    out.href_targets = href_targets(&out.html);
    out.toc = nest(flat_toc.entries);
    if !escapes.is_empty() || !expanded.splices.is_empty() {
        out.map_spans(|at| expanded.splices.original(escapes.original(at)));
    }
    out.problems.extend(expanded.problems);
    out.shortcodes = expanded.used;
    out.figures = expanded.figures;
    out.fit();
    out
}

/// Where the parser would end inline maths on a `$` that a digit follows.
fn price_closers(text: &str, settings: &Settings) -> Vec<usize> {
    Parser::new_ext(text, options(settings))
        .into_offset_iter()
        .filter(|(e, span)| matches!(e, Event::InlineMath(_)) && math::is_price(text, span.end))
        .map(|(_, span)| span.end - 1)
        .collect()
}

impl Rendered {
    /// Gives back the room each list grew into beyond what it holds: a build keeps every
    /// body's lists until the link checks have read them all.
    fn fit(&mut self) {
        self.anchors.close();
        self.links.shrink_to_fit();
        self.citations.shrink_to_fit();
        self.citation_uses.shrink_to_fit();
        self.href_targets.shrink_to_fit();
        self.problems.shrink_to_fit();
        self.terms.shrink_to_fit();
        self.shortcodes.shrink_to_fit();
        self.figures.shrink_to_fit();
    }

    /// Moves every span recorded by `to`.
    fn map_spans(&mut self, to: impl Fn(usize) -> usize) {
        let spans = (self.links.iter_mut().map(|l| &mut l.span))
            .chain(self.citation_uses.iter_mut().map(|c| &mut c.span))
            .chain(self.problems.iter_mut().map(|p| &mut p.span))
            .chain(self.terms.iter_mut().map(|t| &mut t.span));
        for span in spans {
            *span = to(span.start)..to(span.end);
        }
    }
}

/// The events to write as HTML: citations numbered, `@/` links and footnotes noted in `out`,
/// headings given ids and anchors and listed in `flat_toc`, code highlighted, maths written
/// as MathML, callouts opened and closed, words counted.
fn transform<'a>(
    body: &'a str,
    parsed: impl Iterator<Item = (Event<'a>, Range<usize>)>,
    out: &mut Rendered,
    flat_toc: &mut Toc,
    settings: &Settings,
) -> Vec<Event<'a>> {
    let mut writer = Writer {
        body,
        out,
        flat_toc,
        settings,
        events: Vec::new(),
        heading: None,
        code: None,
        skip_link_text: false,
        in_term: false,
        cell: None,
        in_word: false,
    };
    for (event, span) in parsed {
        if let Some(event) = writer.rewrite(event, span) {
            match writer.heading.as_mut() {
                Some((.., inner)) => inner.push(event),
                None => writer.events.push(event),
            }
        }
    }
    writer.events
}

/// The headings met so far, as (level, id, title), and how their ids are made.
struct Toc {
    entries: Vec<(u32, String, String)>,
    anchors: Strategy,
}

/// A fenced code block being read: what its info string asks for, where it is, its text.
type OpenCode = (code::Fence, Range<usize>, String);

/// The state of [`transform`]: what is open (a heading, a code block, a citation's text).
struct Writer<'a, 'o> {
    body: &'a str,
    out: &'o mut Rendered,
    flat_toc: &'o mut Toc,
    /// Whether footnotes stay where they are written, terms are glossary links, and how
    /// external links open.
    settings: &'o Settings,
    events: Vec<Event<'a>>,
    heading: Option<OpenHeading<'a>>,
    code: Option<OpenCode>,
    skip_link_text: bool,
    /// Whether a glossary term's link is open: its end closes the term's marker.
    in_term: bool,
    /// The open table cell's span and text: a `|` there ends the cell, even inside `[[...]]`.
    cell: Option<(Range<usize>, String)>,
    /// Whether the last event was text that ended inside a word: the parser splits text at
    /// a `$` that opens no maths, and `$110,680` is still one word.
    in_word: bool,
}

impl<'a> Writer<'a, '_> {
    /// The event to write in place of `event`, or `None` when it was taken in.
    fn rewrite(&mut self, event: Event<'a>, span: Range<usize>) -> Option<Event<'a>> {
        if self.skip_link_text {
            self.skip_link_text = !matches!(event, Event::End(TagEnd::Link));
            return None;
        }
        if self.code.is_some() {
            return self.in_code(event);
        }
        let in_word = std::mem::take(&mut self.in_word);
        match event {
            Event::Start(Tag::Link { .. }) => Some(self.link(event, span)),
            Event::End(TagEnd::Link) if self.in_term => {
                self.in_term = false;
                Some(Event::InlineHtml(glossary::END.into()))
            }
            Event::Start(Tag::Heading { .. }) | Event::End(TagEnd::Heading(_)) => {
                self.heading(event)
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                self.open_code(&info, span);
                None
            }
            Event::InlineMath(tex) => Some(self.math(tex, span, false)),
            Event::DisplayMath(tex) => Some(self.math(tex, span, true)),
            Event::Start(Tag::BlockQuote(Some(kind))) => Some(Event::Html(callout(kind).into())),
            Event::End(TagEnd::BlockQuote(Some(_))) => Some(Event::Html("</div>\n".into())),
            Event::Text(ref text) => {
                self.count_words(text, in_word);
                if let Some((_, cell)) = &mut self.cell {
                    cell.push_str(text);
                }
                Some(event)
            }
            Event::Start(Tag::TableCell) | Event::End(TagEnd::TableCell) => {
                self.table_cell(event, span)
            }
            Event::Start(Tag::FootnoteDefinition(ref name)) if !self.settings.bottom_footnotes => {
                // (Gathered at the end, `footnotes` gives each note its id.)
                self.out.anchors.insert(name.to_string());
                Some(event)
            }
            Event::TaskListMarker(done) => Some(task_marker(done)),
            other => Some(other),
        }
    }

    /// A heading's start opens it (its inner events are gathered apart); its end writes it,
    /// with its id, anchor and place in the table of contents.
    fn heading(&mut self, event: Event<'a>) -> Option<Event<'a>> {
        match event {
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                let classes = classes.iter().map(|c| c.to_string()).collect();
                self.heading = Some((level, id.map(|i| i.to_string()), classes, Vec::new()));
                None
            }
            _ => {
                let (level, id, classes, inner) = self.heading.take()?;
                let html = heading_html(self.out, self.flat_toc, level, id, &classes, inner);
                Some(Event::Html(html.into()))
            }
        }
    }

    /// Counts the words of `text`; one that goes on from the last text (`in_word`) is not
    /// counted twice.
    fn count_words(&mut self, text: &str, in_word: bool) {
        let joined = in_word && !text.starts_with(char::is_whitespace);
        self.out.word_count += text.split_whitespace().count() - usize::from(joined);
        self.in_word = !text.is_empty() && !text.ends_with(char::is_whitespace);
    }

    /// The opening of a glossary term's marker, which the views stage makes a link; on a site
    /// without a glossary, the term as plain Markdown.
    fn term(&mut self, name: &str, span: Range<usize>) -> Event<'a> {
        if !self.settings.glossary {
            return self.unlinked_term(name, span);
        }
        // In a table, `[[id\|text]]` escapes the pipe that would end the cell; the parser
        // leaves the backslash on the id.
        let name = name.trim().trim_end_matches('\\').trim().to_string();
        let html = format!("{}{}\">", glossary::MARK, html_escape(&name));
        self.out.terms.push(TermUse { name, span });
        self.in_term = true;
        Event::InlineHtml(html.into())
    }

    /// A `[[term]]` on a site without a glossary: noted for `check`, and written as the
    /// Markdown its text is without the double brackets' meaning.
    fn unlinked_term(&mut self, name: &str, span: Range<usize>) -> Event<'a> {
        self.skip_link_text = true;
        let source = &self.body[span.clone()];
        self.out.terms.push(TermUse {
            name: name.trim().to_string(),
            span,
        });
        let options = options(self.settings) - Options::ENABLE_WIKILINKS;
        let inline = Parser::new_ext(source, options).filter(|e| {
            !matches!(
                e,
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
            )
        });
        let mut html = String::new();
        html::push_html(&mut html, inline);
        Event::InlineHtml(html.into())
    }

    /// A link's start: a citation (`[@key]`), a glossary term (`[[RHIA]]`), an `@/` link to
    /// check, an external link with the attributes `[markdown]` asks for, or as written.
    fn link(&mut self, start: Event<'a>, span: Range<usize>) -> Event<'a> {
        let Event::Start(Tag::Link {
            link_type,
            ref dest_url,
            ..
        }) = start
        else {
            return start;
        };
        if let Some(reference) = dest_url
            .strip_prefix("cite:")
            .filter(|r| r.starts_with('@'))
        {
            self.skip_link_text = true;
            return Event::Html(cite_html(self.out, reference, span).into());
        }
        if matches!(link_type, LinkType::WikiLink { .. }) {
            return self.term(dest_url, span);
        }
        if let Some(path) = dest_url.strip_prefix("@/") {
            self.out.links.push(internal_link(path, span));
            return start;
        }
        match &self.settings.external_links {
            Some(prefix) if is_external(dest_url) => {
                let mut tag = String::new();
                html::push_html(&mut tag, std::iter::once(start));
                Event::InlineHtml(tag.replacen("<a ", prefix, 1).into())
            }
            _ => start,
        }
    }

    /// A table cell's start opens it; its end closes it, with a line break after it so text
    /// taken from the page (search excerpts, the reader's copy) keeps the cells apart:
    /// "Figure Value", not "FigureValue".
    fn table_cell(&mut self, event: Event<'a>, span: Range<usize>) -> Option<Event<'a>> {
        if matches!(event, Event::Start(_)) {
            self.cell = Some((span, String::new()));
            return Some(event);
        }
        self.end_cell();
        self.events.push(event);
        Some(Event::Html("\n".into()))
    }

    /// Closes a table cell. A `[[` left in its text is a glossary link whose `|` ended the
    /// cell, which would print brackets and half a link.
    fn end_cell(&mut self) {
        let Some((span, text)) = self.cell.take() else {
            return;
        };
        if text.contains("[[") || text.contains("]]") {
            let message = "this glossary link is split by the table's `|`".to_string();
            let help = "inside a table, write the pipe as `\\|`: `[[id\\|text]]`".to_string();
            self.problem(Severity::Error, span, message, help);
        }
    }

    fn problem(&mut self, severity: Severity, span: Range<usize>, message: String, help: String) {
        self.out.problems.push(Problem {
            severity,
            span,
            message,
            help: Some(help),
        });
    }

    /// Starts a fenced block; options it does not know and languages it cannot highlight are
    /// warnings, and the block is still shown.
    fn open_code(&mut self, info: &str, span: Range<usize>) {
        let (fence, problems) = code::Fence::parse(info);
        let fence_line = span.start..span.start + self.body[span.clone()].find('\n').unwrap_or(0);
        for p in problems {
            self.problem(Severity::Warning, fence_line.clone(), p.message, p.help);
        }
        if let Some(lang) = fence.language.as_deref().filter(|l| !code::known(l)) {
            let message = format!("no highlighting for the code language `{lang}`");
            let help = match crate::error::did_you_mean(lang, code::NAMES) {
                Some(close) => format!("did you mean `{close}`? The block is shown plain"),
                None => format!("the block is shown plain; {}", code::LANGUAGES),
            };
            self.problem(Severity::Warning, fence_line, message, help);
        }
        self.code = Some((fence, span, String::new()));
    }

    fn in_code(&mut self, event: Event<'a>) -> Option<Event<'a>> {
        let (fence, _, text) = self.code.as_mut()?;
        match event {
            Event::Text(t) => {
                text.push_str(&t);
                None
            }
            Event::End(TagEnd::CodeBlock) => {
                let html = code::block(fence, text);
                self.code = None;
                Some(Event::Html(html.into()))
            }
            _ => None,
        }
    }

    /// A formula as MathML; bad LaTeX is an error, and a price (`$5 to $10`) stays text.
    fn math(&mut self, tex: CowStr<'a>, span: Range<usize>, display: bool) -> Event<'a> {
        if !display && math::is_price(self.body, span.end) {
            return Event::Text(format!("${tex}$").into());
        }
        match math::to_mathml(&tex, display) {
            // A span, so that it may stand in a paragraph; the stylesheet makes it a block.
            Ok(mathml) if display => {
                Event::InlineHtml(format!("<span class=\"math\">{mathml}</span>").into())
            }
            Ok(mathml) => Event::InlineHtml(mathml.into()),
            Err(math::MathError(why, at)) => {
                let message = format!("this LaTeX cannot be read: {why}");
                let help = match at {
                    Some(_) => {
                        "check its spelling; for a dollar sign that is not maths, write `\\$`"
                    }
                    None => "write `\\$` for a dollar sign that is not maths",
                }
                .to_string();
                // The command's own span, when the renderer names one: the formula is inside
                // the body's text at the math span.
                let start = self.body[span.clone()].find(&*tex).map(|i| span.start + i);
                let span = match (at, start) {
                    (Some(at), Some(start)) => start + at.start..start + at.end,
                    _ => span,
                };
                self.problem(Severity::Error, span, message, help);
                Event::Code(tex)
            }
        }
    }
}

/// Whether a link leaves the site, as Zola decides it.
fn is_external(url: &str) -> bool {
    url.starts_with("http:") || url.starts_with("https:")
}

/// The start of an external link's tag (`<a class="external" rel="noopener" target="_blank" `),
/// or `None` when `[markdown]` leaves external links as written.
fn external_link_tag(markdown: &crate::config::MarkdownConfig) -> Option<std::sync::Arc<str>> {
    let mut tag = String::from("<a ");
    if let Some(class) = &markdown.external_links_class {
        tag.push_str(&format!("class=\"{}\" ", html_escape(class)));
    }
    let rel: Vec<&str> = [
        (markdown.external_links_target_blank, "noopener"),
        (markdown.external_links_no_follow, "nofollow"),
        (markdown.external_links_no_referrer, "noreferrer"),
        (markdown.external_links_external, "external"),
    ]
    .into_iter()
    .filter_map(|(on, word)| on.then_some(word))
    .collect();
    if !rel.is_empty() {
        tag.push_str(&format!("rel=\"{}\" ", rel.join(" ")));
    }
    if markdown.external_links_target_blank {
        tag.push_str("target=\"_blank\" ");
    }
    (tag != "<a ").then(|| tag.into())
}

/// The opening of a GitHub-style callout (`> [!NOTE]`): a labelled note, closed by `</div>`.
fn callout(kind: BlockQuoteKind) -> String {
    let class = match kind {
        BlockQuoteKind::Note => "note",
        BlockQuoteKind::Tip => "tip",
        BlockQuoteKind::Important => "important",
        BlockQuoteKind::Warning => "warning",
        BlockQuoteKind::Caution => "caution",
    };
    // The title ("Note") is the theme's to draw, in the page's language, as Zola's themes
    // draw it: a body renders the same whatever language its page is in.
    format!("<div class=\"callout callout-{class}\" role=\"note\">\n")
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

/// A task list's checkbox, with a name a screen reader can announce.
fn task_marker(done: bool) -> Event<'static> {
    let (checked, label) = if done {
        (" checked", "done")
    } else {
        ("", "not done")
    };
    let html = format!("<input type=\"checkbox\" disabled{checked} aria-label=\"{label}\"> ");
    Event::InlineHtml(html.into())
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
    toc: &mut Toc,
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
    // Ids are made from the text as typed, as Zola (whose smart punctuation is off) makes them.
    let typed = title.replace(['’', '‘'], "'").replace(['“', '”'], "\"");
    let base = id.unwrap_or_else(|| match crate::slug::anchor(&typed, toc.anchors) {
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
    toc.entries.push((level, id.clone(), title.clone()));
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
fn nest(flat: Vec<(u32, String, String)>) -> Box<[Heading]> {
    /// A heading whose children are still being found.
    struct Open {
        level: u32,
        id: String,
        title: String,
        children: Vec<Open>,
    }
    fn close(open: Vec<Open>) -> Box<[Heading]> {
        let closed = open.into_iter().map(|o| Heading {
            level: o.level,
            id: o.id.into_boxed_str(),
            title: o.title.into_boxed_str(),
            children: close(o.children),
        });
        closed.collect()
    }
    let mut roots: Vec<Open> = Vec::new();
    for (level, id, title) in flat {
        let mut siblings = &mut roots;
        while siblings.last().is_some_and(|last| last.level < level) {
            siblings = &mut siblings.last_mut().expect("checked above").children;
        }
        let children = Vec::new();
        siblings.push(Open {
            level,
            id,
            title,
            children,
        });
    }
    close(roots)
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
    fn external_links_get_the_attributes_markdown_asks_for() {
        let body = "[BLS](https://www.bls.gov/ooh/ \"Outlook\") and [home](@/_index.md) and \
                    [a&b](http://x.org/?a=1&b=2).\n\n## See [O*NET](https://www.onetonline.org/)\n";
        let plain = render(body);
        assert!(
            plain
                .html
                .contains("<a href=\"https://www.bls.gov/ooh/\" title=\"Outlook\">")
        );
        let markdown = crate::config::MarkdownConfig {
            external_links_class: Some("external".into()),
            external_links_target_blank: true,
            external_links_no_referrer: true,
            ..Default::default()
        };
        let settings = Settings::of(&markdown, Strategy::default());
        let r = render_expanded(Expanded::plain(body), &settings);
        let tag = "<a class=\"external\" rel=\"noopener noreferrer\" target=\"_blank\" ";
        for link in [
            "href=\"https://www.bls.gov/ooh/\" title=\"Outlook\">BLS</a>",
            "href=\"http://x.org/?a=1&amp;b=2\">a&amp;b</a>",
            "href=\"https://www.onetonline.org/\">O*NET</a>",
        ] {
            assert!(
                r.html.contains(&format!("{tag}{link}")),
                "{link} in {}",
                r.html
            );
        }
        assert!(
            r.html.contains("<a href=\"@/_index.md\">home</a>"),
            "{}",
            r.html
        );
        assert_eq!(r.links.len(), 1, "the internal link is still checked");
    }

    #[test]
    fn footnote_ids_follow_where_the_notes_go() {
        let body = "Note[^n].\n\n[^n]: Foot.\n\nAfter.\n";
        let in_place = render(body);
        assert!(in_place.anchors.contains("n") && !in_place.anchors.contains("fn-n"));
        let settings = Settings {
            bottom_footnotes: true,
            ..Settings::default()
        };
        let bottom = render_expanded(Expanded::plain(body), &settings);
        assert!(bottom.anchors.contains("fn-n") && bottom.anchors.contains("fr-n-1"));
        assert!(!bottom.anchors.contains("n"), "no element has that id");
        assert!(
            bottom.html.find("After.") < bottom.html.find("<section class=\"footnotes\">"),
            "{}",
            bottom.html
        );
    }

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
        assert_eq!(&*r.toc[1].children[0].id, "sub-part");
        assert_eq!(&*r.toc[1].children[0].title, "Sub part");
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
    fn prices_are_never_maths_and_formulas_still_are() {
        let body = "From **$80,000-$110,000** to *$5*; [x](@/a.md) costs $1, and $x^2$ is maths.";
        let r = render(body);
        assert!(
            r.html.contains("<strong>$80,000-$110,000</strong>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<em>$5</em>"), "{}", r.html);
        assert_eq!(r.html.matches("<math").count(), 1, "{}", r.html);
        // Spans point into the body as written, not the escaped text the parser read.
        assert_eq!(&body[r.links[0].span.clone()], "[x](@/a.md)");
        let r =
            render("UC: **$104,920** median; *up to* $211,000, a ceiling; analysts **$99,270**");
        assert!(
            !r.html.contains("<math") && !r.html.contains("**"),
            "{}",
            r.html
        );
        assert!(render("\\$5 and \\$6").html.contains("$5 and $6"));
    }

    #[test]
    fn bad_latex_is_an_error_at_its_span() {
        let body = "Fine $a$.\n\nBad $\\frac{a}\\nosuch$ here.\n";
        let r = render(body);
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].severity, Severity::Error);
        assert_eq!(&body[r.problems[0].span.clone()], "\\nosuch");
        assert!(
            r.problems[0]
                .message
                .ends_with("unknown LaTeX command `\\nosuch`")
        );
    }

    #[test]
    fn callouts_and_definition_lists() {
        let r = render("> [!WARNING]\n> Check the date.\n\nRHIA\n: A credential.\n");
        assert!(
            r.html
                .contains("<div class=\"callout callout-warning\" role=\"note\">\n<p>Check"),
            "no title of its own, the theme draws it: {}",
            r.html
        );
        assert!(
            r.html.contains("<p>Check the date.</p>\n</div>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<dl>") && r.html.contains("<dd>A credential.</dd>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn fenced_code_is_highlighted_and_unknown_languages_warn() {
        let r = render("```sql,hl_lines=1\nSELECT 1;\n```\n\n```cobolx\nMOVE\n```\n");
        assert!(r.html.contains("<span class=\"line hl\">"), "{}", r.html);
        assert!(r.html.contains("class=\"tok-keyword\""), "{}", r.html);
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].severity, Severity::Warning);
        assert!(r.problems[0].message.contains("`cobolx`"));
    }

    #[test]
    fn a_glossary_link_in_a_table_needs_its_pipe_escaped() {
        let table = |cell: &str| render(&format!("| A | B |\n|---|---|\n| {cell} | x |\n"));
        let escaped = table("[[EHR\\|the record]]");
        assert!(escaped.problems.is_empty(), "{:?}", escaped.problems);
        assert_eq!(escaped.terms.len(), 1);
        assert_eq!(escaped.terms[0].name, "EHR");
        assert!(
            escaped.html.contains("</td>\n<td>x</td>"),
            "{}",
            escaped.html
        );
        let split = table("[[EHR|the record]]");
        assert!(!split.problems.is_empty());
        assert!(split.problems.iter().all(|p| p.severity == Severity::Error));
        assert!(
            split.problems[0]
                .message
                .contains("split by the table's `|`")
        );
    }

    #[test]
    fn summary_stops_at_more_and_words_are_counted() {
        let r = render("One two.\n\n<!-- more -->\n\nThree.\n");
        assert_eq!(r.summary.as_deref(), Some("<p>One two.</p>\n"));
        assert_eq!(r.word_count, 3);
    }
}
