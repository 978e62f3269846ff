//! TOML parsing with located diagnostics.
//!
//! site.toml, front matter and data files are all TOML. This module turns a `toml` error into a
//! [`Diagnostic`] that points at the true line of the file (front matter starts a few bytes into
//! its file) and offers a "did you mean" for unknown keys.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{Diagnostic, did_you_mean};

/// Parses `text`, which starts at byte `offset` of `source` (the whole file), as a `T`.
pub(crate) fn parse<T: DeserializeOwned>(
    file: &Path,
    source: &str,
    offset: usize,
    text: &str,
) -> Result<T, Diagnostic> {
    toml::from_str(text).map_err(|err| error(file, source, offset, &err))
}

/// A `toml` error at its place in `source`, where the TOML it read starts at byte `offset`.
pub(crate) fn error(file: &Path, source: &str, offset: usize, err: &toml::de::Error) -> Diagnostic {
    let message = err.message().trim().to_string();
    let span = err
        .span()
        .map_or(offset..offset, |s| s.start + offset..s.end + offset);
    let (message, help) = explain(&message);
    let diagnostic = Diagnostic::at(file, source, span, message);
    match help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }
}

/// Rewrites serde's messages into ours, with a suggestion where one is possible.
fn explain(message: &str) -> (String, Option<String>) {
    if let Some((field, expected)) = unknown_field(message) {
        if let Some(hint) = zola_hint(&field) {
            return (format!("unknown key `{field}`"), Some(hint.to_string()));
        }
        let help = match did_you_mean(&field, expected.iter().map(String::as_str)) {
            Some(close) => format!("did you mean `{close}`?"),
            None if expected.is_empty() => "this table takes no keys".to_string(),
            None => format!("the allowed keys are {}", quoted_list(&expected)),
        };
        return (format!("unknown key `{field}`"), Some(help));
    }
    if let Some(field) = message.strip_prefix("missing field ") {
        let field = field.trim_matches('`');
        return (
            format!("missing required key `{field}`"),
            Some(format!("add `{field} = ...`")),
        );
    }
    if let Some((variant, expected)) = unknown_variant(message) {
        let help = match did_you_mean(&variant, expected.iter().map(String::as_str)) {
            Some(close) => format!("did you mean \"{close}\"?"),
            None => format!("use one of {}", quoted_list(&expected)),
        };
        return (format!("unknown value \"{variant}\""), Some(help));
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return (
                format!("expected {}, found {found}", plain_type(expected)),
                None,
            );
        }
    }
    (message.to_string(), None)
}

/// Zola settings that docent does not have, with what to do instead. Sites move over from
/// Zola, so these deserve a better answer than "unknown key".
fn zola_hint(field: &str) -> Option<&'static str> {
    Some(match field {
        "paginate_by" | "paginate_path" | "paginate_reversed" => {
            "pagination is a section's setting, in its _index.md"
        }
        "insert_anchor_links" => "it is a section's setting, in its _index.md",
        "render" => {
            "docent reads `render = false` in a section's _index.md only; every page is rendered"
        }
        "transparent" | "generate_feeds" | "generate_feed" | "in_search_index" => {
            "this Zola setting is not supported by docent; remove it (see the README for the keys docent reads)"
        }
        "taxonomies" => {
            "a page lists its terms in `[taxonomies]`; site.toml declares each taxonomy"
        }
        _ => return None,
    })
}

/// serde names Rust types; authors write TOML.
fn plain_type(expected: &str) -> &str {
    match expected {
        "i64" | "u64" | "i32" | "u32" | "usize" | "an integer" => "an integer",
        "f64" | "f32" => "a number",
        "a boolean" | "bool" => "true or false",
        "a string" | "string" => "a string",
        "a sequence" => "an array",
        "a map" => "a table",
        other => other,
    }
}

fn unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    Some((field.to_string(), backticked(rest)))
}

fn unknown_variant(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown variant `")?;
    let (variant, rest) = rest.split_once('`')?;
    Some((variant.to_string(), backticked(rest)))
}

fn backticked(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn quoted_list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The span of top-level table `key`'s name, or of `name` inside that table, from the TOML
/// parser's own spans.
pub(crate) fn key_span(
    text: &str,
    key: &str,
    name: Option<&str>,
) -> Option<std::ops::Range<usize>> {
    let table = toml::de::DeTable::parse(text).ok()?;
    let (found, value) = table.get_ref().iter().find(|(k, _)| k.get_ref() == key)?;
    let inner = match (name, value.get_ref()) {
        (Some(name), toml::de::DeValue::Table(inner)) => {
            inner.iter().find(|(k, _)| k.get_ref() == name)
        }
        _ => None,
    };
    Some(inner.map_or(found.span(), |(k, _)| k.span()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Conf {
        title: String,
        weight: Option<i64>,
    }

    fn err(text: &str) -> Diagnostic {
        parse::<Conf>(Path::new("x.toml"), text, 0, text).unwrap_err()
    }

    #[test]
    fn unknown_key_suggests_the_closest() {
        let d = err("title = \"a\"\ntitel = \"b\"\n");
        assert_eq!(d.message, "unknown key `titel`");
        assert_eq!(d.help.as_deref(), Some("did you mean `title`?"));
        assert_eq!(d.location.unwrap().line, 2);
    }

    #[test]
    fn wrong_type_names_both_types() {
        let d = err("title = \"a\"\nweight = \"heavy\"\n");
        assert_eq!(d.message, "expected an integer, found string \"heavy\"");
        assert_eq!(d.location.unwrap().line, 2);
    }

    #[test]
    fn offset_moves_the_line() {
        let source = "+++\ntitle = \n+++\n";
        let d = parse::<Conf>(Path::new("x.md"), source, 4, "title = \n").unwrap_err();
        assert_eq!(d.location.unwrap().line, 2);
    }

    #[test]
    fn missing_key_is_named() {
        let d = err("weight = 1\n");
        assert_eq!(d.message, "missing required key `title`");
    }
}
