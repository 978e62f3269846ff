//! Fenced code blocks: highlighted at build time by tree-sitter grammars (arborium), written
//! as one `<span class="line">` per line so that line numbers (a CSS counter) and highlighted
//! lines need no script. Colours come from the theme's stylesheet through class names
//! (`tok-keyword`, `tok-string`, `tok-comment`...), so one stylesheet serves light, dark
//! and print.
//!
//! The info string follows Zola: a language, then comma-separated options:
//! `python,linenos,linenostart=10,hl_lines=1 3-4,name=clean.py`.

use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

use arborium::{Config, GrammarStore, Highlighter, HtmlFormat};

use super::html_escape;

/// What a fence's info string asks for.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Fence {
    pub(crate) language: Option<String>,
    pub(crate) line_numbers: bool,
    pub(crate) first_line: usize,
    /// 1-based line numbers to mark, from `hl_lines`.
    pub(crate) marked: Vec<usize>,
    pub(crate) name: Option<String>,
}

/// A problem with a fence: its message and a help line.
#[derive(Debug, PartialEq)]
pub(crate) struct FenceProblem {
    pub(crate) message: String,
    pub(crate) help: String,
}

impl Fence {
    /// Reads an info string; options it does not know are problems.
    pub(crate) fn parse(info: &str) -> (Fence, Vec<FenceProblem>) {
        let mut fence = Fence {
            first_line: 1,
            ..Fence::default()
        };
        let mut problems = Vec::new();
        let mut parts = info.split(',').map(str::trim);
        fence.language = parts
            .next()
            .filter(|l| !l.is_empty() && !l.contains('=') && *l != "linenos")
            .map(str::to_ascii_lowercase);
        if fence.language.is_none() && !info.trim().is_empty() {
            parts = info.split(',').map(str::trim); // options with no language
        }
        for part in parts.filter(|p| !p.is_empty()) {
            if let Err(problem) = fence.option(part) {
                problems.push(problem);
            }
        }
        (fence, problems)
    }

    fn option(&mut self, part: &str) -> Result<(), FenceProblem> {
        let (key, value) = match part.split_once('=') {
            Some((k, v)) => (k.trim(), Some(v.trim())),
            None => (part, None),
        };
        match (key, value) {
            ("linenos", None) => self.line_numbers = true,
            ("linenostart", Some(v)) => {
                self.line_numbers = true;
                self.first_line = v.parse().map_err(|_| FenceProblem {
                    message: format!("`linenostart={v}` is not a line number"),
                    help: "write a whole number, like `linenostart=10`".into(),
                })?;
            }
            ("hl_lines", Some(v)) => self.marked = line_ranges(v)?,
            ("name", Some(v)) if !v.is_empty() => self.name = Some(v.to_string()),
            _ => {
                return Err(FenceProblem {
                    message: format!("unknown code block option `{part}`"),
                    help: "options are `linenos`, `linenostart=N`, `hl_lines=1 3-5` and \
                           `name=file.py`, after the language and a comma"
                        .into(),
                });
            }
        }
        Ok(())
    }
}

/// `1 3-5` as the lines 1, 3, 4 and 5.
fn line_ranges(value: &str) -> Result<Vec<usize>, FenceProblem> {
    let bad = || FenceProblem {
        message: format!("`hl_lines={value}` is not a list of lines"),
        help: "write line numbers and ranges separated by spaces, like `hl_lines=1 3-5`".into(),
    };
    let mut lines = Vec::new();
    for part in value.split_whitespace() {
        let (from, to) = part.split_once('-').unwrap_or((part, part));
        let (from, to): (usize, usize) = match (from.parse(), to.parse()) {
            (Ok(f), Ok(t)) if f >= 1 && f <= t && t - f < 10_000 => (f, t),
            _ => return Err(bad()),
        };
        lines.extend(from..=to);
    }
    Ok(lines)
}

/// The grammars, compiled once per process and shared by every thread.
fn store() -> Arc<GrammarStore> {
    static STORE: OnceLock<Arc<GrammarStore>> = OnceLock::new();
    STORE.get_or_init(|| Arc::new(GrammarStore::new())).clone()
}

thread_local! {
    /// A highlighter per thread (each keeps its own parse state), sharing the grammars.
    static HIGHLIGHTER: RefCell<Highlighter> = RefCell::new(Highlighter::with_store_and_config(
        store(),
        Config {
            html_format: HtmlFormat::ClassNamesWithPrefix("tok".into()),
            ..Config::default()
        },
    ));
}

/// The languages highlighted, for help lines.
pub(crate) const LANGUAGES: &str = "docent highlights bash, css, html, javascript, json, \
    python, r, rust, sql, toml and yaml (and aliases such as py, sh, js, yml); write `text` \
    for a block that is meant to be plain";

/// The names of the languages highlighted, for "did you mean".
pub(crate) const NAMES: [&str; 12] = [
    "bash",
    "css",
    "html",
    "javascript",
    "json",
    "python",
    "r",
    "rust",
    "sql",
    "toml",
    "yaml",
    "text",
];

/// Names of blocks that are plain on purpose.
const PLAIN: [&str; 5] = ["text", "txt", "plain", "plaintext", "output"];

/// Whether `language` (or one of its aliases, like `py` or `sh`) can be highlighted, or is
/// meant to be plain.
pub(crate) fn known(language: &str) -> bool {
    PLAIN.contains(&language) || store().get(language).is_some()
}

/// The HTML of one fenced block. An unknown language is written plain.
pub(crate) fn block(fence: &Fence, code: &str) -> String {
    let inner = fence
        .language
        .as_deref()
        .filter(|lang| !PLAIN.contains(lang))
        .and_then(|lang| HIGHLIGHTER.with(|h| h.borrow_mut().highlight(lang, code).ok()))
        .unwrap_or_else(|| html_escape(code.trim_end_matches('\n')));
    let mut html = String::with_capacity(inner.len() + 128);
    html.push_str("<div class=\"code\">");
    if let Some(name) = &fence.name {
        html.push_str("<div class=\"code-name\">");
        html.push_str(&html_escape(name));
        html.push_str("</div>");
    }
    // Focusable, so that a block wider than the screen scrolls from the keyboard too.
    html.push_str("<pre tabindex=\"0\"");
    if fence.line_numbers {
        html.push_str(" class=\"linenos\"");
        if fence.first_line != 1 {
            html.push_str(&format!(
                " style=\"counter-reset:line {}\"",
                fence.first_line - 1
            ));
        }
    }
    html.push_str("><code");
    if let Some(lang) = &fence.language {
        html.push_str(&format!(
            " class=\"language-{0}\" data-lang=\"{0}\"",
            html_escape(lang)
        ));
    }
    html.push('>');
    lines(&mut html, &inner, &fence.marked);
    html.push_str("</code></pre></div>\n");
    html
}

/// Wraps each line of highlighted HTML in `<span class="line">`. The highlighter writes flat
/// spans (never nested), so a span open at a line break is closed there and opened again on
/// the next line.
fn lines(out: &mut String, highlighted: &str, marked: &[usize]) {
    let mut open: Option<&str> = None;
    for (i, line) in highlighted.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if marked.contains(&(i + 1)) {
            out.push_str("<span class=\"line hl\">");
        } else {
            out.push_str("<span class=\"line\">");
        }
        if let Some(tag) = open {
            out.push_str(tag);
        }
        out.push_str(line);
        open = still_open(line, open);
        if open.is_some() {
            out.push_str("</span>");
        }
        out.push_str("</span>");
    }
}

/// The opening tag of the span left open at the end of `line`, given the one open before it.
fn still_open<'a>(line: &'a str, mut open: Option<&'a str>) -> Option<&'a str> {
    let mut rest = line;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        if rest.starts_with("</span>") {
            open = None;
            rest = &rest["</span>".len()..];
        } else if rest.starts_with("<span") {
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
            open = Some(&rest[..end]);
            rest = &rest[end..];
        } else {
            rest = &rest[1..];
        }
    }
    open
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_strings_are_read_like_zola() {
        let (fence, problems) = Fence::parse("Python, linenos, hl_lines=1 3-4, name=clean.py");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(fence.language.as_deref(), Some("python"));
        assert!(fence.line_numbers);
        assert_eq!(fence.marked, [1, 3, 4]);
        assert_eq!(fence.name.as_deref(), Some("clean.py"));
        let (_, problems) = Fence::parse("sql,hl_lines=4-2,colour");
        assert_eq!(problems.len(), 2);
        assert!(problems[1].message.contains("`colour`"));
    }

    #[test]
    fn code_is_highlighted_with_classes_one_line_each() {
        let (fence, _) = Fence::parse("python,hl_lines=2");
        let html = block(&fence, "s = \"\"\"a\nb\"\"\"\nx = 1  # one\n");
        assert!(html.contains("class=\"language-python\""), "{html}");
        assert!(
            html.contains("<span class=\"tok-comment\"># one</span>"),
            "{html}"
        );
        // The string spans two lines: closed at the break and opened again.
        let second = html.split('\n').nth(1).unwrap();
        assert!(
            second.starts_with("<span class=\"line hl\"><span class=\"tok-string\">b"),
            "{second}"
        );
        assert_eq!(html.matches("<span class=\"line").count(), 3);
        assert!(
            !html.contains("style="),
            "colours come from classes: {html}"
        );
    }

    #[test]
    fn unknown_languages_are_plain_and_escaped() {
        assert!(!known("klingon"));
        assert!(known("py") && known("sh") && known("toml"));
        let (fence, _) = Fence::parse("klingon");
        let html = block(&fence, "a < b\n");
        assert!(
            html.contains("<span class=\"line\">a &lt; b</span>"),
            "{html}"
        );
    }
}
