//! Maths: `$…$` and `$$…$$` become MathML at build time (pulldown-latex), so pages need no
//! script and screen readers read the formula. A price is never maths: following Pandoc, an
//! inline formula cannot end with a `$` that a digit follows (`$80,000-$110,000`). The parser
//! does not know that rule, so [`guard_prices`] escapes such a `$` before it parses, and
//! [`Escapes`] maps what it reports back to the body as written.

use std::borrow::Cow;

use pulldown_latex::config::DisplayMode;
use pulldown_latex::{Parser, RenderConfig, Storage, push_mathml};

/// Why a formula could not be read: the renderer's own words, first line only, and the span
/// in the formula of the command it does not know, when that is the reason.
#[derive(Debug, PartialEq)]
pub(crate) struct MathError(pub(crate) String, pub(crate) Option<std::ops::Range<usize>>);

/// The MathML for `tex`, or why it is not valid LaTeX.
pub(crate) fn to_mathml(tex: &str, display: bool) -> Result<String, MathError> {
    let storage = Storage::new();
    let mut events = Vec::new();
    for event in Parser::new(tex, &storage) {
        match event {
            Ok(event) => events.push(Ok::<_, std::convert::Infallible>(event)),
            Err(e) => return Err(explain(tex, &e.to_string())),
        }
    }
    // The annotation is written as given: it must be escaped first.
    let source = super::html_escape(tex.trim());
    let config = RenderConfig {
        display_mode: if display {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        annotation: Some(&source),
        ..RenderConfig::default()
    };
    let mut out = String::new();
    push_mathml(&mut out, events.into_iter(), config)
        .map_err(|e| MathError(format!("the formula could not be written: {e}"), None))?;
    Ok(out)
}

/// The error for `tex`: for a command the renderer does not know, which one and where.
fn explain(tex: &str, error: &str) -> MathError {
    let why = describe(error);
    if !why.starts_with("unknown primitive") {
        return MathError(why, None);
    }
    let unknown = commands(tex).find(|span| {
        let storage = Storage::new();
        let alone = Parser::new(&tex[span.clone()], &storage).find_map(Result::err);
        alone.is_some_and(|e| describe(&e.to_string()).starts_with("unknown primitive"))
    });
    match unknown {
        Some(span) => MathError(
            format!("unknown LaTeX command `{}`", &tex[span.clone()]),
            Some(span),
        ),
        None => MathError(why, None),
    }
}

/// The span of every control word (`\frac`) in `tex`.
fn commands(tex: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    tex.match_indices('\\').filter_map(|(i, _)| {
        let name = tex[i + 1..]
            .bytes()
            .take_while(u8::is_ascii_alphabetic)
            .count();
        (name > 0).then_some(i..i + 1 + name)
    })
}

/// "parsing error: unknown primitive command found\n╭─► context…" as its first line, without
/// the prefix: the snippet docent prints shows the context already.
fn describe(error: &str) -> String {
    let first = error.lines().next().unwrap_or(error);
    first
        .strip_prefix("parsing error: ")
        .unwrap_or(first)
        .to_string()
}

/// The places where `guard_prices` put a `\\`, in the text it returned, in order.
#[derive(Debug, Default)]
pub(crate) struct Escapes(Vec<usize>);

impl Escapes {
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The place in the body as written of `at` in the guarded text.
    pub(crate) fn original(&self, at: usize) -> usize {
        at - self.0.partition_point(|&e| e < at)
    }

    fn add(&mut self, body: &str, guarded: &str, closers: Vec<usize>) -> String {
        let mut places: Vec<usize> = self.0.iter().enumerate().map(|(k, e)| e - k).collect();
        places.extend(closers.into_iter().map(|c| self.original(c)));
        places.sort_unstable();
        places.dedup();
        debug_assert!(guarded.len() == body.len() + self.0.len());
        let mut text = String::with_capacity(body.len() + places.len());
        let mut last = 0;
        self.0.clear();
        for (k, &place) in places.iter().enumerate() {
            text.push_str(&body[last..place]);
            self.0.push(place + k);
            text.push('\\');
            last = place;
        }
        text.push_str(&body[last..]);
        text
    }
}

/// Most passes a body can take: each escapes every price closer found, so only a chain of
/// prices and formulas built to defeat it needs more, and then the rest stay text.
const PASSES: usize = 8;

/// `body` with a `\\` before every `$` that `closers` (one parse of a text) takes for the end
/// of a formula but that a digit follows. Bodies without `$` and a digit are not parsed.
pub(crate) fn guard_prices<'b>(
    body: &'b str,
    closers: impl Fn(&str) -> Vec<usize>,
) -> (Cow<'b, str>, Escapes) {
    let mut escapes = Escapes::default();
    let priced = body
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b'$' && w[1].is_ascii_digit());
    if !priced {
        return (Cow::Borrowed(body), escapes);
    }
    let mut text = Cow::Borrowed(body);
    for _ in 0..PASSES {
        let found = closers(&text);
        if found.is_empty() {
            break;
        }
        text = Cow::Owned(escapes.add(body, &text, found));
    }
    (text, escapes)
}

/// Whether inline maths ending at `end` in `body` is really a price: a digit follows it.
pub(crate) fn is_price(body: &str, end: usize) -> bool {
    body[end..]
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latex_becomes_mathml_with_its_source() {
        let html = to_mathml(r"e^{i\pi} + 1 = 0", false).unwrap();
        assert!(html.starts_with("<math"), "{html}");
        assert!(html.contains("<msup>") && html.contains("π"), "{html}");
        assert!(html.contains("e^{i\\pi} + 1 = 0</annotation>"), "{html}");
        assert!(
            to_mathml(r"\int_0^1 x\,dx", true)
                .unwrap()
                .contains("display=\"block\"")
        );
        let html = to_mathml(r"a < b \text{<i>}", false).unwrap();
        assert!(!html.contains("<i>") && !html.contains("< b"), "{html}");
    }

    #[test]
    fn bad_latex_is_an_error_in_the_renderer_words() {
        let err = to_mathml(r"\frac{a}{b", false).unwrap_err();
        assert!(err.0.contains("unbalanced group"), "{err:?}");
        assert!(!err.0.contains('\n'));
        let tex = r"\bar{x} = \frax{1}{n}";
        let err = to_mathml(tex, false).unwrap_err();
        assert_eq!(err.0, "unknown LaTeX command `\\frax`");
        assert_eq!(&tex[err.1.unwrap()], r"\frax");
    }

    #[test]
    fn a_digit_after_the_dollar_makes_a_price() {
        let body = "$80,000-$110,000";
        assert!(is_price(body, "$80,000-$".len()));
        assert!(!is_price("$x$ and", 3));
    }
}
