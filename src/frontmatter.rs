//! Splits `+++` TOML front matter from a Markdown body and reads it into the raw front-matter
//! types. These are what serde read; `content` turns them into resolved pages and sections.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::discover::SourceFile;
use crate::error::Diagnostic;
use crate::tomlfile;

const FENCE: &str = "+++";

/// A Markdown file cut in two. Offsets are bytes into the whole file, so errors in either part
/// report true file lines.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Split {
    pub(crate) front_offset: usize,
    pub(crate) front_end: usize,
    pub(crate) body_offset: usize,
}

impl Split {
    /// The front matter's text, between the fences.
    pub(crate) fn front<'a>(&self, text: &'a str) -> &'a str {
        &text[self.front_offset..self.front_end]
    }
}

pub(crate) fn split(file: &SourceFile) -> Result<Split, Diagnostic> {
    split_text(&file.shown, &file.text)
}

/// [`split`] for a text whose errors are reported against `shown`.
pub(crate) fn split_text(shown: &Path, text: &str) -> Result<Split, Diagnostic> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = line_spans(text, start);
    // Blank lines before the opening fence are allowed, as Zola allows them.
    let first = lines
        .find(|&(s, e)| !text[s..e].trim().is_empty())
        .map(|(s, e)| (s, &text[s..e]));
    match first {
        Some((_, line)) if line.trim_end() == FENCE => {}
        Some((s, line)) if line.trim_end() == "---" => {
            return Err(Diagnostic::at(
                shown,
                text,
                s..s + 3,
                "YAML front matter is not supported",
            )
            .with_help("docent reads TOML front matter between `+++` lines"));
        }
        _ => {
            return Err(Diagnostic::at(shown, text, start..start, "missing front matter")
                .with_help("start the file with a `+++` line, then `title = \"...\"`, then another `+++` line"));
        }
    }
    let front_offset = lines.clone().next().map_or(text.len(), |(s, _)| s);
    for (s, e) in lines {
        if text[s..e].trim_end() == FENCE {
            let body_offset = (e + 1).min(text.len());
            return Ok(Split {
                front_end: s,
                front_offset,
                body_offset,
            });
        }
    }
    Err(
        Diagnostic::at(shown, text, start..start + 3, "unterminated front matter")
            .with_help("close the front matter with a `+++` line before the body"),
    )
}

/// (start, end) byte spans of each line from `from`, without the newline.
fn line_spans(text: &str, from: usize) -> impl Iterator<Item = (usize, usize)> + Clone + '_ {
    let mut pos = from;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let span = (pos, end);
        pos = end + 1;
        Some(span)
    })
}

/// A date as written: a TOML date or datetime, or a string holding one.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum RawDate {
    Toml(toml::value::Datetime),
    Text(String),
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(crate) enum SortBy {
    #[default]
    Weight,
    Date,
    Title,
    None,
}

/// Where Zola puts a heading's anchor link; docent reads the setting and keeps its own place.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(crate) enum AnchorLinks {
    Left,
    Right,
    Heading,
    None,
}

/// A page's front matter, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PageFront {
    pub(crate) title: String,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(default)]
    pub(crate) date: Option<RawDate>,
    #[serde(default)]
    pub(crate) updated: Option<RawDate>,
    /// After this date the page is left out, unless `--drafts` asks for it.
    #[serde(default)]
    pub(crate) expires: Option<RawDate>,
    #[serde(default)]
    pub(crate) draft: bool,
    #[serde(default)]
    pub(crate) weight: Option<i64>,
    #[serde(default)]
    pub(crate) slug: Option<String>,
    /// Zola's `path`: the page's whole URL path, in place of its section's and slug.
    #[serde(default)]
    pub(crate) path: Option<String>,
    #[serde(default)]
    pub(crate) template: Option<String>,
    #[serde(default)]
    pub(crate) aliases: Vec<String>,
    #[serde(default)]
    pub(crate) authors: Vec<String>,
    /// Zola's taxonomies (`tags = [...]`), passed to templates as `page.taxonomies`.
    #[serde(default)]
    pub(crate) taxonomies: BTreeMap<String, Vec<String>>,
    /// Pages to read first, as `@/path.md`: checked, and shown as "before you start".
    #[serde(default)]
    pub(crate) prerequisites: Vec<String>,
    /// What a reader can do after the page, one sentence each.
    #[serde(default)]
    pub(crate) objectives: Vec<String>,
    #[serde(default)]
    pub(crate) extra: toml::Table,
}

/// A section's front matter (`_index.md`), as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SectionFront {
    /// Optional, as in Zola: a section that only redirects or groups pages may have none.
    #[serde(default)]
    pub(crate) title: String,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(default)]
    pub(crate) date: Option<RawDate>,
    #[serde(default)]
    pub(crate) updated: Option<RawDate>,
    #[serde(default)]
    pub(crate) draft: bool,
    #[serde(default)]
    pub(crate) weight: Option<i64>,
    #[serde(default)]
    pub(crate) template: Option<String>,
    #[serde(default)]
    pub(crate) sort_by: SortBy,
    #[serde(default)]
    pub(crate) page_template: Option<String>,
    #[serde(default)]
    pub(crate) schema: Option<String>,
    /// Pages made from the rows of a data file.
    #[serde(default)]
    pub(crate) pages_from: Option<crate::content::PagesFrom>,
    /// Zola's `render`: `false` writes no page for the section itself; its pages still are.
    #[serde(default = "crate::config::yes")]
    pub(crate) render: bool,
    /// Zola's `redirect_to`: the section's page sends visitors to this path or URL instead.
    #[serde(default)]
    pub(crate) redirect_to: Option<String>,
    /// Zola's `insert_anchor_links`: read so a Zola site builds, but docent always puts its
    /// anchor link after the heading.
    #[serde(default)]
    #[allow(dead_code)]
    pub(crate) insert_anchor_links: Option<AnchorLinks>,
    /// Zola's pagination: the section's pages split into pages of this many.
    #[serde(default)]
    pub(crate) paginate_by: Option<usize>,
    #[serde(default = "crate::config::default_paginate_path")]
    pub(crate) paginate_path: String,
    #[serde(default)]
    pub(crate) paginate_reversed: bool,
    #[serde(default)]
    pub(crate) aliases: Vec<String>,
    #[serde(default)]
    pub(crate) extra: toml::Table,
}

/// The keys pages and sections share, borrowed from either kind of front matter.
pub(crate) struct SharedKeys<'a> {
    pub(crate) title: &'a str,
    pub(crate) description: &'a Option<String>,
    pub(crate) date: &'a Option<RawDate>,
    pub(crate) updated: &'a Option<RawDate>,
    pub(crate) weight: Option<i64>,
    pub(crate) template: &'a Option<String>,
    pub(crate) aliases: &'a [String],
    pub(crate) extra: &'a toml::Table,
}

pub(crate) trait Shared {
    fn shared(&self) -> SharedKeys<'_>;
}

macro_rules! shared_keys {
    ($($front:ty),*) => {$(
        impl Shared for $front {
            fn shared(&self) -> SharedKeys<'_> {
                SharedKeys {
                    title: &self.title,
                    description: &self.description,
                    date: &self.date,
                    updated: &self.updated,
                    weight: self.weight,
                    template: &self.template,
                    aliases: &self.aliases,
                    extra: &self.extra,
                }
            }
        }
    )*};
}

shared_keys!(PageFront, SectionFront);

/// Parses the front matter of `file` as a `T`, reporting errors at true file lines.
pub(crate) fn parse<T: for<'de> Deserialize<'de>>(
    file: &SourceFile,
    split: &Split,
) -> Result<T, Diagnostic> {
    tomlfile::parse(
        &file.shown,
        &file.text,
        split.front_offset,
        split.front(&file.text),
    )
}

/// The byte span, in the whole file `text`, of a top-level front-matter key's value, from the
/// TOML parser's own spans. A string's span is its text, inside the quotes.
pub(crate) fn value_span(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let split = split_text(Path::new(""), text).ok()?;
    let table = toml::de::DeTable::parse(split.front(text)).ok()?;
    let (_, value) = table.get_ref().iter().find(|(k, _)| k.get_ref() == key)?;
    let span = value.span();
    let quoted = matches!(value.get_ref(), toml::de::DeValue::String(_))
        && span.len() >= 2
        && text[split.front_offset + span.start..].starts_with(['"', '\'']);
    let inner = if quoted {
        span.start + 1..span.end - 1
    } else {
        span
    };
    Some(inner.start + split.front_offset..inner.end + split.front_offset)
}

/// The 1-based line of `key = ...` in the front matter, for errors about a key's value.
pub(crate) fn key_line(file: &SourceFile, split: &Split, key: &str) -> Option<usize> {
    let before = file.text[..split.front_offset].matches('\n').count();
    split
        .front(&file.text)
        .lines()
        .position(|line| {
            let line = line.trim_start();
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| before + i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            shown: "content/x.md".into(),
            rel: "x.md".into(),
            text: text.into(),
        }
    }

    #[test]
    fn splits_front_and_body() {
        let f = file("+++\ntitle = \"A\"\n+++\nBody\n");
        let s = split(&f).unwrap();
        assert_eq!(s.front(&f.text), "title = \"A\"\n");
        assert_eq!(&f.text[s.body_offset..], "Body\n");
    }

    #[test]
    fn handles_crlf_and_bom() {
        let f = file("\u{feff}+++\r\ntitle = \"A\"\r\n+++\r\nBody");
        let s = split(&f).unwrap();
        assert_eq!(&f.text[s.body_offset..], "Body");
    }

    #[test]
    fn file_without_fence_is_an_error() {
        let d = split(&file("# Hello\n")).unwrap_err();
        assert_eq!(d.message, "missing front matter");
        let d = split(&file("---\ntitle: A\n---\n")).unwrap_err();
        assert_eq!(d.message, "YAML front matter is not supported");
    }

    #[test]
    fn unterminated_fence_points_at_the_opening() {
        let d = split(&file("+++\ntitle = \"A\"\nBody\n")).unwrap_err();
        assert_eq!(d.message, "unterminated front matter");
        assert_eq!(d.location.unwrap().line, 1);
    }

    #[test]
    fn errors_report_file_lines() {
        let f = file("+++\ntitle = \"A\"\nweight = \"x\"\n+++\n");
        let s = split(&f).unwrap();
        let d = parse::<PageFront>(&f, &s).unwrap_err();
        assert_eq!(d.location.unwrap().line, 3);
        assert_eq!(key_line(&f, &s, "weight"), Some(3));
    }

    #[test]
    fn section_keys_are_not_page_keys() {
        let f = file("+++\ntitle = \"A\"\nsort_by = \"date\"\n+++\n");
        let s = split(&f).unwrap();
        assert_eq!(parse::<SectionFront>(&f, &s).unwrap().sort_by, SortBy::Date);
        let d = parse::<PageFront>(&f, &s).unwrap_err();
        assert_eq!(d.message, "unknown key `sort_by`");
    }
}
