//! Shortcodes: Zola-compatible calls in Markdown, rendered from `templates/shortcodes/NAME.html`
//! (its HTML goes into the page as it is) or `NAME.md` (its output is Markdown, read with the
//! rest of the body). docent ships `figure` and `video` (HTML), `details` and `tab` (Markdown,
//! so their bodies are read as part of the page); a site's own template of the same name
//! replaces one.
//!
//! A shortcode template may declare its arguments on its first line, and every call is checked
//! against them: `{# args: src: string, alt: string, caption?: string, width?: number #}`
//! (`?` marks an optional one; the types are string, number, bool, array and any). Templates
//! see their arguments, `nth` (1 for the page's first call of that shortcode, 2 for the next…)
//! and, for a call with a body, `body`.

pub(crate) mod parse;

use std::borrow::Cow;
use std::ops::Range;

use serde_json::Value;
use tera::Context;

use crate::error::did_you_mean;
use crate::markdown::Problem;
use crate::report::Severity;
use crate::templates::Templates;

/// The shortcodes docent ships, as (template name, text).
pub(crate) const BUILT_IN: [(&str, &str); 5] = [
    (
        "shortcodes/figure.html",
        include_str!("shortcodes/figure.html"),
    ),
    (
        "shortcodes/video.html",
        include_str!("shortcodes/video.html"),
    ),
    (
        "shortcodes/details.md",
        include_str!("shortcodes/details.md"),
    ),
    ("shortcodes/tab.md", include_str!("shortcodes/tab.md")),
    ("shortcodes/quiz.html", include_str!("shortcodes/quiz.html")),
];

/// What HTML shortcodes leave in the Markdown: a private-use mark around their number. The
/// HTML replaces it after the Markdown is written.
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// A body with its shortcodes expanded.
#[derive(Debug, Default)]
pub(crate) struct Expanded<'b> {
    pub(crate) text: Cow<'b, str>,
    pub(crate) splices: Splices,
    /// The HTML of each HTML shortcode, by its number in the marks.
    html: Vec<String>,
    pub(crate) problems: Vec<Problem>,
    /// The templates the body used: what its rendering depends on besides its text.
    pub(crate) used: Vec<String>,
    /// Each `figure` with an `id`, and its number on the page: what `[](#fig-x)` says.
    pub(crate) figures: Vec<(String, usize)>,
}

/// Where expansion replaced text: (span in the expanded text, span in the body as written).
#[derive(Debug, Default)]
pub(crate) struct Splices(Vec<(Range<usize>, Range<usize>)>);

impl Splices {
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The place in the body as written of `at` in the expanded text. A place inside
    /// replaced text is the start of the call it came from.
    pub(crate) fn original(&self, at: usize) -> usize {
        let i = self.0.partition_point(|(new, _)| new.start <= at);
        match i.checked_sub(1).map(|i| &self.0[i]) {
            None => at,
            Some((new, old)) if at < new.end => old.start,
            Some((new, old)) => old.end + (at - new.end),
        }
    }
}

/// Expands every shortcode in `body` with `templates`. Without a call, the body is returned
/// as it is.
pub(crate) fn expand<'b>(body: &'b str, templates: &Templates) -> Expanded<'b> {
    if !body.contains("{{") && !body.contains("{%") {
        return Expanded::plain(body);
    }
    let mut out = Expanded::default();
    let mut text = String::with_capacity(body.len());
    let mut last = 0;
    let mut counts: Vec<(String, usize)> = Vec::new();
    for found in parse::scan(body) {
        let (span, replacement) = match found {
            parse::Found::Literal(span, literal) => (span, literal),
            parse::Found::Mistake(span, why) => {
                let help = "shortcodes are written `{{ name(key=\"value\") }}`, or \
                            `{% name() %}…{% end %}` with a body";
                out.problem(span, why, help.into());
                continue; // the text stays as written
            }
            parse::Found::Call(call) => {
                let nth = count(&mut counts, &call.name);
                if call.name == "figure" {
                    let id = call.args.iter().find(|(k, ..)| k == "id");
                    if let Some((_, serde_json::Value::String(id), _)) = id {
                        out.figures.push((id.clone(), nth));
                    }
                }
                let replacement = out.call(&call, nth, templates);
                (call.span.clone(), replacement)
            }
        };
        text.push_str(&body[last..span.start]);
        let start = text.len();
        text.push_str(&replacement);
        out.splices.0.push((start..text.len(), span.clone()));
        last = span.end;
    }
    if out.splices.is_empty() {
        out.text = Cow::Borrowed(body);
        return out;
    }
    text.push_str(&body[last..]);
    out.text = Cow::Owned(text);
    out
}

/// The next `nth` of `name` on this page.
fn count(counts: &mut Vec<(String, usize)>, name: &str) -> usize {
    match counts.iter_mut().find(|(n, _)| n == name) {
        Some((_, n)) => {
            *n += 1;
            *n
        }
        None => {
            counts.push((name.to_string(), 1));
            1
        }
    }
}

impl<'b> Expanded<'b> {
    /// A body read as it is, with no shortcodes.
    pub(crate) fn plain(body: &'b str) -> Expanded<'b> {
        Expanded {
            text: Cow::Borrowed(body),
            ..Expanded::default()
        }
    }

    fn problem(&mut self, span: Range<usize>, message: String, help: String) {
        self.problems.push(Problem {
            severity: Severity::Error,
            span,
            message,
            help: Some(help),
        });
    }

    /// What to put in place of `call`: a mark for HTML, or the output for Markdown; nothing
    /// when it is wrong, and a problem says why.
    fn call(&mut self, call: &parse::Call, nth: usize, templates: &Templates) -> String {
        let Some((name, is_html)) = self.template(call, templates) else {
            return String::new();
        };
        let source = templates.source(&name).unwrap_or_default();
        if let Err((span, message, help)) = check_args(call, source) {
            self.problem(span, message, help);
            return String::new();
        }
        let watched = crate::watchdog::rendering(|| format!("templates/{name}"));
        let rendered = templates.tera.render(&name, &context(call, nth));
        drop(watched);
        match rendered {
            Ok(output) if is_html => {
                self.html.push(output);
                format!("{OPEN}{}{CLOSE}", self.html.len() - 1)
            }
            Ok(output) => output,
            Err(err) => {
                let d = templates.diagnose(&err, None);
                let message = format!("shortcode `{}` failed: {}", call.name, d.message);
                self.problem(call.span.clone(), message, format!("in {}", d.locus()));
                String::new()
            }
        }
    }

    /// The template `call` names, and whether it writes HTML; `None`, and a problem, when
    /// there is none. Both names count as used, found or not: adding either template changes
    /// what the call renders.
    fn template(&mut self, call: &parse::Call, templates: &Templates) -> Option<(String, bool)> {
        let html = format!("shortcodes/{}.html", call.name);
        let md = format!("shortcodes/{}.md", call.name);
        for name in [&html, &md] {
            if !self.used.contains(name) {
                self.used.push(name.clone());
            }
        }
        if templates.source(&html).is_some() {
            return Some((html, true));
        }
        if templates.source(&md).is_some() {
            return Some((md, false));
        }
        let known = templates.shortcode_names();
        let help = match did_you_mean(&call.name, known.iter().map(String::as_str)) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!(
                "write templates/shortcodes/{}.html, or use one of: {}",
                call.name,
                known.join(", ")
            ),
        };
        let message = format!("no shortcode `{}`", call.name);
        self.problem(call.name_span.clone(), message, help);
        None
    }

    /// `html` with each shortcode's mark replaced by its HTML; a mark alone in a paragraph
    /// replaces the paragraph. Every `id` in the HTML is added to `anchors`, so links can
    /// point at a figure.
    pub(crate) fn place(&self, html: &mut String, anchors: &mut crate::markdown::Anchors) {
        if self.html.is_empty() {
            return;
        }
        for (i, output) in self.html.iter().enumerate() {
            for (at, _) in output.match_indices(" id=\"") {
                let rest = &output[at + 5..];
                anchors.insert(rest[..rest.find('"').unwrap_or(0)].to_string());
            }
            let mark = format!("{OPEN}{i}{CLOSE}");
            let alone = format!("<p>{mark}</p>\n");
            if html.contains(&alone) {
                *html = html.replacen(&alone, output, 1);
            } else {
                *html = html.replacen(&mark, output, 1);
            }
        }
    }
}

/// What a shortcode's template sees: its arguments, `nth`, and `body` for a call with one.
fn context(call: &parse::Call, nth: usize) -> Context {
    let mut context = Context::new();
    for (key, value, _) in &call.args {
        context.insert(key.clone(), value);
    }
    context.insert("nth", &nth);
    if let Some(body) = &call.body {
        context.insert("body", body);
    }
    context
}

/// The arguments a template declares on its first line: (name, type, required).
fn signature(source: &str) -> Option<Vec<(&str, &str, bool)>> {
    let first = source.trim_start().lines().next()?;
    let inner = first
        .strip_prefix("{#")?
        .trim_start_matches('-')
        .trim_start();
    let list = inner.strip_prefix("args:")?;
    let list = list.split("#}").next()?.trim_end_matches('-');
    Some(
        list.split(',')
            .filter_map(|part| {
                let (name, kind) = part.split_once(':')?;
                let name = name.trim();
                let optional = name.ends_with('?');
                Some((name.trim_end_matches('?'), kind.trim(), !optional))
            })
            .collect(),
    )
}

type ArgProblem = (Range<usize>, String, String);

/// Checks a call's arguments against its template's declaration, if it has one.
fn check_args(call: &parse::Call, source: &str) -> Result<(), ArgProblem> {
    let Some(declared) = signature(source) else {
        return Ok(());
    };
    let names: Vec<&str> = declared.iter().map(|(n, ..)| *n).collect();
    for (key, value, span) in &call.args {
        let Some((_, kind, _)) = declared.iter().find(|(n, ..)| n == key) else {
            let help = match did_you_mean(key, names.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("`{}` takes: {}", call.name, names.join(", ")),
            };
            return Err((
                span.clone(),
                format!("`{}` has no argument `{key}`", call.name),
                help,
            ));
        };
        if !fits(value, kind) {
            let message = format!("`{key}` of `{}` must be {}", call.name, article(kind));
            return Err((span.clone(), message, format!("found {}", describe(value))));
        }
    }
    for (name, kind, required) in &declared {
        if *required && !call.args.iter().any(|(k, ..)| k == name) {
            let message = format!("`{}` needs the argument `{name}`", call.name);
            let help = format!("add `{name}=…` ({})", article(kind));
            return Err((call.span.clone(), message, help));
        }
    }
    Ok(())
}

fn fits(value: &Value, kind: &str) -> bool {
    match kind {
        "string" => value.is_string(),
        "number" => value.is_number(),
        "bool" => value.is_boolean(),
        "array" => value.is_array(),
        _ => true,
    }
}

fn article(kind: &str) -> String {
    match kind {
        "array" => "an array".into(),
        "any" => "any value".into(),
        other => format!("a {other}"),
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => format!("the string \"{s}\""),
        Value::Number(n) => format!("the number {n}"),
        Value::Bool(b) => format!("{b}"),
        Value::Array(_) => "an array".into(),
        _ => "a value".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::SourceFile;

    fn templates(extra: &[(&str, &str)]) -> Templates {
        let files = extra.iter().map(|(rel, text)| SourceFile {
            shown: format!("templates/{rel}").into(),
            rel: rel.to_string(),
            text: text.to_string().into(),
        });
        crate::templates::load(files.collect()).unwrap()
    }

    #[test]
    fn html_replaces_its_paragraph_and_markdown_is_read_with_the_body() {
        let t = templates(&[("shortcodes/note.md", "**{{ text }}**")]);
        let body = "Intro.\n\n{{ figure(src=\"a.svg\", alt=\"A chart\", caption=\"Pay\", id=\"fig-pay\") }}\n\nSee {{ note(text=\"this\") }}.\n";
        let expanded = expand(body, &t);
        assert!(expanded.problems.is_empty(), "{:?}", expanded.problems);
        assert!(expanded.text.contains("See **this**."), "{}", expanded.text);
        let mut html = crate::markdown::render(&expanded.text).html;
        expanded.place(&mut html, &mut Default::default());
        assert!(
            html.contains("<figure class=\"figure\" id=\"fig-pay\">"),
            "{html}"
        );
        assert!(!html.contains("<p><figure"), "{html}");
        assert_eq!(
            expanded.used,
            [
                "shortcodes/figure.html",
                "shortcodes/figure.md",
                "shortcodes/note.html",
                "shortcodes/note.md"
            ]
        );
        // A place after the first call maps back into the body as written.
        let see = expanded.text.find("See").unwrap();
        assert_eq!(expanded.splices.original(see), body.find("See").unwrap());
    }

    #[test]
    fn arguments_are_checked_against_the_declaration() {
        let t = templates(&[]);
        let problems = |body: &str| expand(body, &t).problems;
        let p = problems("{{ figure(src=\"a.svg\", alt=\"A\", captoin=\"x\") }}");
        assert_eq!(p[0].message, "`figure` has no argument `captoin`");
        assert_eq!(p[0].help.as_deref(), Some("did you mean `caption`?"));
        let p = problems("{{ figure(src=\"a.svg\") }}");
        assert_eq!(p[0].message, "`figure` needs the argument `alt`");
        let p = problems("{{ figure(src=\"a.svg\", alt=\"A\", width=\"wide\") }}");
        assert_eq!(p[0].message, "`width` of `figure` must be a number");
        let p = problems("{{ figur(src=\"a.svg\") }}");
        assert_eq!(p[0].message, "no shortcode `figur`");
        assert_eq!(p[0].help.as_deref(), Some("did you mean `figure`?"));
    }

    #[test]
    fn a_site_template_replaces_a_built_in_one() {
        let t = templates(&[("shortcodes/details.html", "<div>{{ body }}</div>")]);
        let expanded = expand("{% details() %}x{% end %}", &t);
        let mut html = crate::markdown::render(&expanded.text).html;
        expanded.place(&mut html, &mut Default::default());
        assert_eq!(html, "<div>x</div>");
    }
}

#[cfg(test)]
mod fuzz {
    use crate::discover::SourceFile;

    /// Pieces that make shortcodes, maths, code and their mistakes, joined at random.
    const PIECES: [&str; 30] = [
        "{{",
        "}}",
        "{%",
        "%}",
        "{% end %}",
        "figure(",
        "details(",
        "tab(",
        ")",
        "(",
        "src=",
        "\"a\"",
        "'b'",
        "`c`",
        "=",
        ",",
        "[",
        "]",
        "1.5",
        "true",
        "\n",
        "\n\n",
        "```\n",
        "`",
        "$",
        "$$",
        "\\",
        "é",
        "{{/*",
        "*/}}",
    ];

    #[test]
    fn no_body_panics() {
        let templates = crate::templates::load(Vec::<SourceFile>::new()).unwrap();
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..3000 {
            let mut body = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            for k in 0..(state % 24) {
                let pick = (state.rotate_left(k as u32 * 5) % PIECES.len() as u64) as usize;
                body.push_str(PIECES[pick]);
            }
            let rendered = crate::markdown::render_page(&body, &templates, &Default::default());
            for problem in &rendered.problems {
                assert!(
                    body.get(problem.span.clone()).is_some(),
                    "{body:?}: {problem:?}"
                );
            }
        }
    }
}
