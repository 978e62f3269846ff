//! Finding shortcode calls in a body, as Zola writes them: `{{ name(key=value) }}` inline, and
//! `{% name(key=value) %}…{% end %}` with a body. Code blocks and code spans are skipped, and
//! `{{/* name() */}}` is written out as the literal call.
//!
//! Values are strings (`"…"`, `'…'` or `` `…` ``), numbers, `true` / `false`, and arrays of
//! these.

use std::ops::Range;

use serde_json::Value;

/// One call, with the byte spans of the whole call and of its name.
#[derive(Debug, PartialEq)]
pub(crate) struct Call {
    pub(crate) name: String,
    pub(crate) name_span: Range<usize>,
    pub(crate) args: Vec<(String, Value, Range<usize>)>,
    /// The text between `%}` and `{% end %}`, for a call with a body.
    pub(crate) body: Option<String>,
    pub(crate) span: Range<usize>,
}

/// What a scan found: a call, a literal to write in place of an escaped call, or a mistake.
#[derive(Debug, PartialEq)]
pub(crate) enum Found {
    Call(Call),
    Literal(Range<usize>, String),
    Mistake(Range<usize>, String),
}

/// The byte that opens a call, `{`, named so that it reads as one.
const BRACE: u8 = 0x7b;

/// Every call, escaped call and malformed call in `body`, in order.
pub(crate) fn scan(body: &str) -> Vec<Found> {
    let mut found = Vec::new();
    let bytes = body.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'`' | b'~' if starts_line(body, at) && fence_at(body, at).is_some() => {
                let end = fence_end(body, at);
                found.extend(escapes_in(body, at..end));
                at = end;
            }
            b'`' => {
                let end = code_span_end(body, at);
                found.extend(escapes_in(body, at..end));
                at = end;
            }
            BRACE if matches!(bytes.get(at + 1), Some(&BRACE | b'%')) => {
                let (next, item) = call_at(body, at);
                found.extend(item);
                at = next;
            }
            _ => at += 1,
        }
    }
    found
}

fn starts_line(body: &str, at: usize) -> bool {
    body[..at]
        .rsplit('\n')
        .next()
        .is_some_and(|l| l.len() < 4 && l.bytes().all(|b| b == b' '))
}

/// The fence string (three or more backticks or tildes) that opens a code block at `at`.
fn fence_at(body: &str, at: usize) -> Option<&str> {
    let c = body.as_bytes()[at];
    let n = body[at..].bytes().take_while(|&b| b == c).count();
    (n >= 3).then(|| &body[at..at + n])
}

/// Past the end of the fenced block opening at `at`: after its closing fence, or the body.
fn fence_end(body: &str, at: usize) -> usize {
    let fence = fence_at(body, at).unwrap_or("```");
    let mut pos = body[at..].find('\n').map_or(body.len(), |i| at + i + 1);
    while pos < body.len() {
        let line_end = body[pos..].find('\n').map_or(body.len(), |i| pos + i + 1);
        // A closing fence is the fence's character, at least as many times, and nothing
        // else: "```rust" inside a block is text, as CommonMark reads it.
        let line = body[pos..line_end].trim();
        let c = fence.as_bytes()[0];
        if line.len() >= fence.len() && line.bytes().all(|b| b == c) {
            return line_end;
        }
        pos = line_end;
    }
    body.len()
}

/// Past the code span opening at `at`, or just past its backticks if it never closes.
fn code_span_end(body: &str, at: usize) -> usize {
    let n = body[at..].bytes().take_while(|&b| b == b'`').count();
    let ticks = &body[at..at + n];
    match body[at + n..].find(ticks) {
        Some(i) => at + n + i + n,
        None => at + n,
    }
}

/// Reads what starts at `{{` or `{%` at `at`: the position after it, and what it was.
fn call_at(body: &str, at: usize) -> (usize, Option<Found>) {
    let inline = body.as_bytes()[at + 1] == BRACE;
    let close = if inline { "}}" } else { "%}" };
    if body[at + 2..].trim_start().starts_with("/*") {
        return escaped(body, at);
    }
    let mut p = Cursor::new(body, at + 2);
    p.spaces();
    let name_start = p.at;
    let name = p.ident();
    if name.is_empty() || !p.eat("(") {
        // Not a call: `{{ x }}` written in prose, or `{% end %}` on its own.
        return match name {
            "end" if !inline => (
                p.at,
                Some(mistake(at..p.at, "`{% end %}` closes no shortcode")),
            ),
            _ => (at + 2, None),
        };
    }
    let name_span = name_start..p.at - 1;
    let args = match p.args() {
        Ok(args) => args,
        Err((span, why)) => return (span.end.max(at + 2), Some(Found::Mistake(span, why))),
    };
    p.spaces();
    if !p.eat(close) {
        let why = format!("`{name}(…)` must be followed by `{close}`");
        return (p.at, Some(mistake(at..p.at, &why)));
    }
    let mut call = Call {
        name: name.to_string(),
        name_span,
        args,
        body: None,
        span: at..p.at,
    };
    if !inline {
        let Some((inner, end)) = body_of(body, p.at) else {
            let why = format!("`{{% {name}(…) %}}` has no `{{% end %}}`");
            return (p.at, Some(mistake(at..p.at, &why)));
        };
        call.body = Some(body[inner].to_string());
        call.span = at..end;
    }
    (call.span.end, Some(Found::Call(call)))
}

fn mistake(span: Range<usize>, why: &str) -> Found {
    Found::Mistake(span, why.to_string())
}

/// `{{/* name() */}}`: the literal `{{ name() }}`; `{%/* name() */%}`: `{% name() %}`.
fn escaped(body: &str, at: usize) -> (usize, Option<Found>) {
    let inline = body.as_bytes()[at + 1] == BRACE;
    let (open, close) = if inline { ("{{", "}}") } else { ("{%", "%}") };
    let closing = format!("*/{close}");
    let Some(end) = body[at..].find(&closing).map(|i| at + i + closing.len()) else {
        return (at + 2, None);
    };
    let inner = body[at + 2..end - 2].trim();
    let inner = inner.strip_prefix("/*").unwrap_or(inner);
    let inner = inner.strip_suffix("*/").unwrap_or(inner).trim();
    // As Zola: only a call (or a body's `end`) is an escape; `{%/* extends "x" */%}` in a
    // template example is text, and stays as written.
    if !(is_call(inner) || (!inline && inner == "end")) {
        return (at + 2, None);
    }
    let literal = format!("{open} {inner} {close}");
    (end, Some(Found::Literal(at..end, literal)))
}

/// Whether `text` is one whole shortcode call: `name(key=value, …)`.
fn is_call(text: &str) -> bool {
    let mut p = Cursor::new(text, 0);
    let named = !p.ident().is_empty() && p.eat("(");
    named && p.args().is_ok() && p.rest().trim().is_empty()
}

/// The escaped calls in code (`range` of `body`), which Zola writes out as calls there too: a
/// code block that shows how to call a shortcode holds `{{/* name() */}}`.
fn escapes_in(body: &str, range: Range<usize>) -> Vec<Found> {
    let bytes = body.as_bytes();
    let mut found = Vec::new();
    let mut at = range.start;
    while at + 1 < range.end {
        let opens = bytes[at] == BRACE && matches!(bytes[at + 1], BRACE | b'%');
        if opens && body[at + 2..range.end].trim_start().starts_with("/*") {
            let (end, item) = escaped(body, at);
            if end <= range.end && item.is_some() {
                found.extend(item);
                at = end;
                continue;
            }
        }
        at += 1;
    }
    found
}

/// The span of a body starting at `from`, and the end of its `{% end %}`.
fn body_of(body: &str, from: usize) -> Option<(Range<usize>, usize)> {
    let mut search = from;
    while let Some(i) = body[search..].find("{%") {
        let open = search + i;
        let mut p = Cursor::new(body, open + 2);
        p.spaces();
        if p.ident() == "end" {
            p.spaces();
            if p.eat("%}") {
                return Some((from..open, p.at));
            }
        }
        search = open + 2;
    }
    None
}

type ArgResult<T> = Result<T, (Range<usize>, String)>;

/// A reading position in the body.
struct Cursor<'b> {
    body: &'b str,
    at: usize,
}

/// The quote that closed the last argument's string, when the word at `at` follows it with no
/// space between: `text='it's'` reads as `text='it'` and then a word `s`.
fn quote_before(body: &str, at: usize, args: &[(String, Value, Range<usize>)]) -> Option<char> {
    let (_, Value::String(_), span) = args.last()? else {
        return None;
    };
    let quote = body[..at].chars().next_back()?;
    (span.end == at && matches!(quote, '"' | '\'' | '`')).then_some(quote)
}

impl<'b> Cursor<'b> {
    fn new(body: &'b str, at: usize) -> Self {
        Cursor { body, at }
    }

    fn rest(&self) -> &'b str {
        &self.body[self.at..]
    }

    fn spaces(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, token: &str) -> bool {
        let yes = self.rest().starts_with(token);
        if yes {
            self.at += token.len();
        }
        yes
    }

    fn ident(&mut self) -> &'b str {
        let rest = self.rest();
        let n = rest
            .bytes()
            .enumerate()
            .take_while(|&(i, b)| {
                b == b'_' || b.is_ascii_alphabetic() || (i > 0 && b.is_ascii_digit())
            })
            .count();
        self.at += n;
        &rest[..n]
    }

    /// What to say when the `quote` before `key` (at `at`) ended a string the author meant to
    /// go on: which quotes would hold it, and that a backslash does not escape it.
    fn quote_inside(&self, quote: char, key: &str, at: usize) -> String {
        let others: Vec<String> = ['"', '\'', '`']
            .into_iter()
            .filter(|&q| q != quote)
            .map(|q| format!("{q}…{q}"))
            .collect();
        let escaped = self.body[..at - 1].ends_with('\\') && quote != '"';
        let backslash = match escaped {
            true => format!(" (a backslash does not escape it in a {quote}…{quote} string)"),
            false => String::new(),
        };
        format!(
            "this {quote} ends the string before `{key}`{backslash}: a string that holds a \
             {quote} needs other quotes around it ({} or {})",
            others[0], others[1]
        )
    }

    fn fail<T>(&self, why: impl Into<String>) -> ArgResult<T> {
        let end = (self.at + 1).min(self.body.len());
        let end = (end..=self.body.len())
            .find(|&e| self.body.is_char_boundary(e))
            .unwrap_or(end);
        Err((self.at..end, why.into()))
    }

    /// `key=value, …)` up to and including the closing parenthesis.
    fn args(&mut self) -> ArgResult<Vec<(String, Value, Range<usize>)>> {
        let mut args = Vec::new();
        loop {
            self.spaces();
            if self.eat(")") {
                return Ok(args);
            }
            let start = self.at;
            let key = self.ident();
            if key.is_empty() {
                return self.fail("expected an argument name, like `src=\"…\"`, or `)`");
            }
            self.spaces();
            if !self.eat("=") {
                return match quote_before(self.body, start, &args) {
                    Some(quote) => Err((start - 1..start, self.quote_inside(quote, key, start))),
                    None => self.fail(format!("expected `=` after `{key}`")),
                };
            }
            self.spaces();
            let value = self.value()?;
            args.push((key.to_string(), value, start..self.at));
            self.spaces();
            // Zola's grammar takes `a=1 b=2` without the comma too, and themes rely on it.
            let next_arg = self
                .rest()
                .starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
            if !self.eat(",") && !self.rest().starts_with(')') && !next_arg {
                return self.fail("expected `,` or `)` after an argument");
            }
        }
    }

    fn value(&mut self) -> ArgResult<Value> {
        match self.rest().chars().next() {
            Some(quote @ ('"' | '\'' | '`')) => self.string(quote),
            Some('[') => {
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    self.spaces();
                    if self.eat("]") {
                        return Ok(Value::Array(items));
                    }
                    items.push(self.value()?);
                    self.spaces();
                    if !self.eat(",") && !self.rest().starts_with(']') {
                        return self.fail("expected `,` or `]` in an array");
                    }
                }
            }
            _ => self.scalar(),
        }
    }

    fn string(&mut self, quote: char) -> ArgResult<Value> {
        let start = self.at;
        self.at += 1;
        let mut text = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' if quote == '"' => match chars.next() {
                    Some((_, 'n')) => text.push('\n'),
                    Some((_, other)) => text.push(other),
                    None => break,
                },
                c if c == quote => {
                    self.at += i + 1;
                    return Ok(Value::String(text));
                }
                c => text.push(c),
            }
        }
        self.at = start;
        self.fail(format!("this string has no closing {quote}"))
    }

    fn scalar(&mut self) -> ArgResult<Value> {
        let rest = self.rest();
        let n = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'+'))
            .count();
        let word = &rest[..n];
        let value = match word {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => match (word.parse::<i64>(), word.parse::<f64>()) {
                (Ok(i), _) => Value::from(i),
                (_, Ok(f)) if f.is_finite() => Value::from(f),
                _ => {
                    return self.fail(
                        "expected a value: a quoted string, a number, true, false or [a, list]",
                    );
                }
            },
        };
        self.at += n;
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(body: &str) -> Vec<Call> {
        scan(body)
            .into_iter()
            .filter_map(|f| match f {
                Found::Call(c) => Some(c),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn escaped_calls_are_written_out_in_code_too_as_zola_does() {
        let body = "`{{/* toc() */}}` here.\n\n```\n{%/* note(a=1) */%}\nBody.\n{%/* end */%}\n{%/* extends \"x\" */%} {{/* f(a=b) */}}\n```\n";
        let literals: Vec<String> = scan(body)
            .into_iter()
            .filter_map(|f| match f {
                Found::Literal(span, text) => Some(format!("{}={text}", &body[span])),
                _ => None,
            })
            .collect();
        assert_eq!(
            literals,
            [
                "{{/* toc() */}}={{ toc() }}",
                "{%/* note(a=1) */%}={% note(a=1) %}",
                "{%/* end */%}={% end %}"
            ]
        );
        assert!(calls(body).is_empty(), "nothing in code is called");
    }

    #[test]
    fn inline_and_body_calls_with_typed_arguments() {
        let body = "A {{ video(id='x', start=30, ratio=1.5, on=true) }} and\n{% details(summary=\"More \\\"here\\\"\", tags=[\"a\", 2]) %}\nHidden *text*.\n{% end %}\n";
        let found = calls(body);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].name, "video");
        assert_eq!(found[0].args[1].1, Value::from(30));
        assert_eq!(found[0].args[2].1, Value::from(1.5));
        assert_eq!(found[0].args[3].1, Value::Bool(true));
        assert_eq!(
            &body[found[0].span.clone()],
            "{{ video(id='x', start=30, ratio=1.5, on=true) }}"
        );
        assert_eq!(found[1].args[0].1, Value::from("More \"here\""));
        assert_eq!(found[1].args[1].1, serde_json::json!(["a", 2]));
        assert_eq!(found[1].body.as_deref(), Some("\nHidden *text*.\n"));
        assert!(body[found[1].span.clone()].ends_with("{% end %}"));
    }

    #[test]
    fn code_prose_and_escapes_are_not_calls() {
        let body = "`{{ figure(src=\"a\") }}` and {{ page.title }}\n\n```\n{{ figure(src=\"a\") }}\n```rust\n```\n\n{{/* figure(src=\"a\") */}}\n";
        let found = scan(body);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(matches!(&found[0], Found::Literal(_, text) if text == "{{ figure(src=\"a\") }}"));
    }

    #[test]
    fn mistakes_are_located() {
        let bad = |body: &str| match scan(body).pop() {
            Some(Found::Mistake(span, why)) => (span, why),
            other => panic!("{other:?}"),
        };
        let (span, why) = bad("{{ figure(src=\"a) }}");
        assert_eq!(
            (span.start, why.as_str()),
            (14, "this string has no closing \"")
        );
        let (_, why) = bad("{{ figure(src=a.png) }}");
        assert!(why.starts_with("expected a value"), "{why}");
        let (_, why) = bad("{% details(summary=\"x\") %}\nnever closed\n");
        assert_eq!(why, "`{% details(…) %}` has no `{% end %}`");
        let (_, why) = bad("{{ figure(src=\"a\") %}");
        assert_eq!(why, "`figure(…)` must be followed by `}}`");
        let (_, why) = bad("text {% end %}");
        assert_eq!(why, "`{% end %}` closes no shortcode");
    }

    #[test]
    fn a_quote_inside_a_string_is_named_as_the_mistake() {
        let body = "{{ note(text='it's here') }}";
        let Some(Found::Mistake(span, why)) = scan(body).pop() else {
            panic!("{body} is a mistake");
        };
        assert_eq!(
            &body[span], "'",
            "the quote that ended the string is marked"
        );
        assert_eq!(
            why,
            "this ' ends the string before `s`: a string that holds a ' needs other quotes \
             around it (\"…\" or `…`)"
        );
        let Some(Found::Mistake(_, why)) = scan(r"{{ note(text=`it\`s`) }}").pop() else {
            panic!("an escaped backtick is a mistake");
        };
        assert_eq!(
            why,
            "this ` ends the string before `s` (a backslash does not escape it in a `…` \
             string): a string that holds a ` needs other quotes around it (\"…\" or '…')"
        );
        // With a space after the string, the word is a missing argument's name as before.
        let Some(Found::Mistake(_, why)) = scan("{{ note(text='it' s) }}").pop() else {
            panic!("a word with no `=` is a mistake");
        };
        assert_eq!(why, "expected `=` after `s`");
    }
}
