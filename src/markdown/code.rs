//! Fenced code blocks: highlighted at build time by tree-sitter grammars (arborium), written
//! as one `<span class="line">` per line so that line numbers and highlighted lines need no
//! script. A line's number is a `<span class="ln">` that screen readers, search and the Copy
//! button skip, as Zola writes it; a block's `name` is a `data-name` attribute, as Zola's
//! themes read it, which the theme's stylesheet shows above the code. Colours come from the
//! theme's stylesheet through class names (`tok-keyword`, `tok-string`, `tok-comment`...), so
//! one stylesheet serves light, dark and print.
//!
//! The info string follows Zola: a language, then comma-separated options:
//! `python,linenos,linenostart=10,hl_lines=1 3-4,hide_lines=2,name=clean.py`.

use std::cell::RefCell;
use std::fmt::Write as _;
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
    /// 1-based line numbers to leave out, from `hide_lines`; the lines after keep their numbers.
    pub(crate) hidden: Vec<usize>,
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
            ("hl_lines", Some(v)) => self.marked = line_ranges("hl_lines", v)?,
            ("hide_lines", Some(v)) => self.hidden = line_ranges("hide_lines", v)?,
            ("name", Some(v)) if !v.is_empty() => self.name = Some(v.to_string()),
            _ => {
                return Err(FenceProblem {
                    message: format!("unknown code block option `{part}`"),
                    help: "options are `linenos`, `linenostart=N`, `hl_lines=1 3-5`, \
                           `hide_lines=2` and `name=file.py`, after the language and a comma"
                        .into(),
                });
            }
        }
        Ok(())
    }
}

/// `1 3-5` as the lines 1, 3, 4 and 5, for the option `key`.
fn line_ranges(key: &str, value: &str) -> Result<Vec<usize>, FenceProblem> {
    let bad = || FenceProblem {
        message: format!("`{key}={value}` is not a list of lines"),
        help: format!("write line numbers and ranges separated by spaces, like `{key}=1 3-5`"),
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
    let name = match &fence.name {
        Some(name) => format!(" data-name=\"{}\"", html_escape(name)),
        None => String::new(),
    };
    html.push_str(&format!("<div class=\"code\"{name}>"));
    // Focusable, so that a block wider than the screen scrolls from the keyboard too.
    html.push_str("<pre tabindex=\"0\"");
    if fence.line_numbers {
        html.push_str(" class=\"linenos\"");
    }
    html.push_str("><code");
    if let Some(lang) = &fence.language {
        html.push_str(&format!(
            " class=\"language-{0}\" data-lang=\"{0}\"",
            html_escape(lang)
        ));
    }
    html.push_str(&name);
    html.push('>');
    lines(&mut html, &inner, fence);
    html.push_str("</code></pre></div>\n");
    html
}

/// Wraps each line of highlighted HTML in `<span class="line">`, numbered when the fence asks,
/// leaving out its hidden lines. The highlighter writes flat spans (never nested), so a span
/// open at a line break is closed there and opened again on the next line.
fn lines(out: &mut String, highlighted: &str, fence: &Fence) {
    let mut open: Option<&str> = None;
    let mut first = true;
    for (i, line) in highlighted.split('\n').enumerate() {
        if fence.hidden.contains(&(i + 1)) {
            open = still_open(line, open);
            continue;
        }
        if !std::mem::take(&mut first) {
            out.push('\n');
        }
        if fence.marked.contains(&(i + 1)) {
            out.push_str("<span class=\"line hl\">");
        } else {
            out.push_str("<span class=\"line\">");
        }
        if fence.line_numbers {
            let n = fence.first_line + i;
            let _ = write!(
                out,
                "<span class=\"ln\" aria-hidden=\"true\" data-pagefind-ignore>{n}</span>"
            );
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
    fn hidden_lines_are_left_out_and_the_rest_keep_their_numbers() {
        let (fence, problems) = Fence::parse("text,linenostart=10,hl_lines=3,hide_lines=2 4-5");
        assert!(problems.is_empty(), "{problems:?}");
        let html = block(&fence, "one\ntwo\nthree\nfour\nfive\nsix\n");
        let ln = |n: usize| {
            format!("<span class=\"ln\" aria-hidden=\"true\" data-pagefind-ignore>{n}</span>")
        };
        assert!(
            html.contains(&format!(
                "<span class=\"line\">{}one</span>\n<span class=\"line hl\">{}three</span>\n\
                 <span class=\"line\">{}six</span></code>",
                ln(10),
                ln(12),
                ln(15)
            )),
            "{html}"
        );
        let (_, problems) = Fence::parse("text,hide_lines=two");
        assert_eq!(
            problems[0].message,
            "`hide_lines=two` is not a list of lines"
        );
    }

    #[test]
    fn a_name_is_an_attribute_for_the_theme_to_draw() {
        let (fence, _) = Fence::parse("python,name=a \"b\".py");
        let html = block(&fence, "x = 1\n");
        assert!(
            html.starts_with("<div class=\"code\" data-name=\"a &quot;b&quot;.py\"><pre"),
            "{html}"
        );
        assert!(html.contains("data-name=\"a &quot;b&quot;.py\">"), "{html}");
        assert!(!html.contains(">a \"b\".py<"), "no text of its own: {html}");
        assert!(!html.contains("class=\"ln\""), "numbers only with linenos");
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
