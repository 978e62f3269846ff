//! Typed content: JSON Schemas in templates/schemas/ check data files and pages' `[extra]`.
//!
//! `templates/schemas/faq.schema.json` checks `content/data/faq.toml`; a section's
//! `schema = "career"` checks the `[extra]` of each of its pages. Errors point at the TOML file's
//! own line and column, and suggest the closest key or value for near misses.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use jsonschema::error::ValidationErrorKind;
use rayon::prelude::*;
use serde_json::Value as Json;
use toml::de::{DeTable, DeValue};

use crate::discover::SourceFile;
use crate::error::{Diagnostic, Diagnostics, did_you_mean};
use crate::frontmatter;
use crate::site::{Doc, DocId, Site, Texts};

const SUFFIX: &str = ".schema.json";

pub(crate) struct Schemas {
    by_name: BTreeMap<String, Compiled>,
}

/// A compiled schema, with its JSON for error messages.
type Compiled = (jsonschema::Validator, Json);

/// Loads every `templates/schemas/*.schema.json`. A schema that is not valid JSON, or not a
/// valid JSON Schema, is an error in that file.
pub(crate) fn load(root: &Path) -> Result<Schemas, Diagnostics> {
    let dir = root.join("templates/schemas");
    let mut by_name = BTreeMap::new();
    let mut errors = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.sort();
    // Compiling a schema is the slow part, and each is independent: compile them side by side.
    let loaded: Vec<_> = entries.par_iter().map(|path| load_one(path)).collect();
    for result in loaded.into_iter().flatten() {
        match result {
            Ok((name, compiled)) => {
                by_name.insert(name, compiled);
            }
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(Schemas { by_name })
    } else {
        Err(Diagnostics(errors))
    }
}

/// A hash of every file in templates/schemas/, with its name: what [`load`] reads.
pub(crate) fn fingerprint(root: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut entries: Vec<PathBuf> = std::fs::read_dir(root.join("templates/schemas"))
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.sort();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for path in entries {
        (&path, std::fs::read(&path).ok()).hash(&mut h);
    }
    h.finish()
}

/// One schema file, compiled; `None` for a file that is not a schema.
fn load_one(path: &Path) -> Option<Result<(String, Compiled), Diagnostic>> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix(SUFFIX))?;
    let shown = Path::new("templates/schemas").join(path.file_name().unwrap_or_default());
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) => {
            let message = format!("could not read the schema: {err}");
            return Some(Err(Diagnostic::in_file(&shown, message)));
        }
    };
    let schema: Json = match serde_json::from_str(&text) {
        Ok(schema) => schema,
        Err(err) => {
            return Some(Err(Diagnostic::at_line(
                &shown,
                &text,
                err.line(),
                err.column().saturating_sub(1),
                1,
                format!("invalid JSON: {err}"),
            )));
        }
    };
    Some(match jsonschema::validator_for(&schema) {
        Ok(validator) => Ok((name.to_string(), (validator, schema))),
        Err(err) => Err(Diagnostic::in_file(
            &shown,
            format!("not a valid JSON Schema: {err}"),
        )),
    })
}

impl Schemas {
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }

    /// Checks data files and pages, reporting every problem in both.
    pub(crate) fn check(
        &self,
        data: &[SourceFile],
        site: &Site,
        texts: &Texts,
    ) -> Result<(), Diagnostics> {
        let mut found = self.check_data(data);
        found.extend(self.check_pages(site, texts, data));
        if found.is_empty() {
            Ok(())
        } else {
            Err(Diagnostics(found))
        }
    }

    /// Checks each data file that has a schema of the same name.
    pub(crate) fn check_data(&self, files: &[SourceFile]) -> Vec<Diagnostic> {
        files
            .iter()
            .flat_map(|file| {
                let name = file.rel.trim_end_matches(".toml").replace('/', ".");
                match self.by_name.get(&name) {
                    Some((validator, schema)) => {
                        let whole = Located {
                            shown: &file.shown,
                            text: &file.text,
                            offset: 0,
                        };
                        validate(validator, schema, &whole, &file.text, &[])
                    }
                    None => Vec::new(),
                }
            })
            .collect()
    }

    /// Checks the `[extra]` of every page in a section that names a schema; for a page made
    /// from a data row, the row's `[extra]` in its data file, one of `data`.
    pub(crate) fn check_pages(
        &self,
        site: &Site,
        texts: &Texts,
        data: &[SourceFile],
    ) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        for (id, doc, section) in site.sections() {
            let Some(name) = &section.schema else {
                continue;
            };
            let Some((validator, schema)) = self.by_name.get(name) else {
                found.push(self.unknown(name, doc, texts.full(id)));
                continue;
            };
            let (rows, files): (Vec<DocId>, Vec<DocId>) =
                section.pages.iter().partition(|&&p| site[p].row.is_some());
            found.extend(check_rows(validator, schema, site, &rows, data));
            for page in files {
                let (doc, text) = (&site[page], texts.full(page));
                if let Ok(split) = frontmatter::split_text(&doc.shown, text) {
                    let front = Located {
                        shown: &doc.shown,
                        text,
                        offset: split.front_offset,
                    };
                    found.extend(validate(
                        validator,
                        schema,
                        &front,
                        split.front(text),
                        &["extra"],
                    ));
                }
            }
        }
        found
    }

    fn unknown(&self, name: &str, doc: &Doc, text: &str) -> Diagnostic {
        let message = format!("no schema named `{name}`");
        let d = match frontmatter::value_span(text, "schema") {
            Some(span) => Diagnostic::at(&doc.shown, text, span, message),
            None => Diagnostic::in_file(&doc.shown, message),
        };
        match did_you_mean(name, self.names()) {
            Some(close) => d.with_help(format!("did you mean `{close}`?")),
            None => d.with_help(format!("add templates/schemas/{name}{SUFFIX}")),
        }
    }
}

/// Where a TOML text being validated sits: its file, the file's whole text, and the byte
/// offset at which the TOML starts.
struct Located<'a> {
    shown: &'a Path,
    text: &'a str,
    offset: usize,
}

/// Validates the TOML `text` (at byte `offset` of `file`), or the table under `prefix` in it.
fn validate(
    validator: &jsonschema::Validator,
    schema: &Json,
    file: &Located,
    text: &str,
    prefix: &[&str],
) -> Vec<Diagnostic> {
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return Vec::new(); // a syntax error is reported by the stage that reads the file
    };
    let parsed = Parsed {
        value: toml::Value::Table(table),
        spans: DeTable::parse(text).ok(),
    };
    validate_parsed(validator, schema, file, &parsed, (prefix, 0))
}

/// The `[extra]` of each page made from a data row, checked in its data file. Each file is
/// parsed once, however many rows it has.
fn check_rows(
    validator: &jsonschema::Validator,
    schema: &Json,
    site: &Site,
    rows: &[DocId],
    data: &[SourceFile],
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for file in data {
        let mine = rows.iter().filter(|&&p| site[p].shown == file.shown);
        let mine = mine.filter_map(|&p| Some((site[p].row.as_deref()?, &site[p].title)));
        let mut mine = mine.peekable();
        if mine.peek().is_none() {
            continue;
        }
        let Ok(table) = toml::from_str::<toml::Table>(&file.text) else {
            continue;
        };
        let parsed = Parsed {
            value: toml::Value::Table(table),
            spans: DeTable::parse(&file.text).ok(),
        };
        let whole = Located {
            shown: &file.shown,
            text: &file.text,
            offset: 0,
        };
        for (row, title) in mine {
            let index = row.index.to_string();
            let prefix = [row.rows.as_str(), index.as_str(), "extra"];
            let named = validate_parsed(validator, schema, &whole, &parsed, (&prefix, 2));
            found.extend(named.into_iter().map(|mut d| {
                d.message = format!("row {} ({title}): {}", row.index + 1, d.message);
                d
            }));
        }
    }
    found
}

/// A TOML text parsed twice: as a value, and with the spans of its keys.
struct Parsed<'a> {
    value: toml::Value,
    spans: Option<toml::Spanned<DeTable<'a>>>,
}

/// [`validate`], on a text parsed already. Messages name a value by its path without the
/// first `hidden` keys of `prefix` (a row's array and index, which the message says itself).
fn validate_parsed(
    validator: &jsonschema::Validator,
    schema: &Json,
    file: &Located,
    parsed: &Parsed,
    (prefix, hidden): (&[&str], usize),
) -> Vec<Diagnostic> {
    let offset = file.offset;
    let mut value = &parsed.value;
    let empty = toml::Value::Table(toml::Table::new());
    for key in prefix {
        let inner = match key.parse::<usize>() {
            Ok(index) if value.is_array() => value.get(index),
            _ => value.get(*key),
        };
        value = inner.unwrap_or(&empty);
    }
    let instance = to_json(value);
    let spans = parsed.spans.as_ref();
    validator
        .iter_errors(&instance)
        .map(|err| {
            let mut path: Vec<String> = prefix.iter().map(|s| s.to_string()).collect();
            path.extend(pointer(&err.instance_path().to_string()));
            let context = Context {
                path: &path[hidden..],
                found: err.instance(),
                schema,
                schema_path: &err.schema_path().to_string(),
            };
            let (message, help, key) = explain(err.kind(), &context, err.to_string());
            let mut target = path.clone();
            let at_key = key.is_some();
            target.extend(key);
            let span = spans.map_or(0..0, |t| locate(t.get_ref(), &target, t.span(), at_key));
            let d = Diagnostic::at(
                file.shown,
                file.text,
                span.start + offset..span.end + offset,
                message,
            );
            match help {
                Some(help) => d.with_help(help),
                None => d,
            }
        })
        .collect()
}

/// JSON pointer segments, unescaped.
fn pointer(text: &str) -> Vec<String> {
    text.split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// The span of the value at `path`, or of the deepest part of it that exists. `at_key` points
/// at the last key itself instead of its value (for keys that should not be there).
fn locate(table: &DeTable, path: &[String], whole: Range<usize>, at_key: bool) -> Range<usize> {
    let Some((first, rest)) = path.split_first() else {
        return whole;
    };
    match table.iter().find(|(k, _)| k.get_ref() == first) {
        Some((key, value)) if rest.is_empty() => {
            // Point at `key = value` for scalars, at the key for tables.
            if at_key || matches!(value.get_ref(), DeValue::Table(_) | DeValue::Array(_)) {
                key.span()
            } else {
                value.span()
            }
        }
        Some((_, value)) => locate_value(value.get_ref(), rest, value.span(), at_key),
        None => whole.start..whole.start,
    }
}

fn locate_value(
    value: &DeValue,
    path: &[String],
    whole: Range<usize>,
    at_key: bool,
) -> Range<usize> {
    match value {
        DeValue::Table(table) => locate(table, path, whole, at_key),
        DeValue::Array(items) => {
            let Some((first, rest)) = path.split_first() else {
                return whole;
            };
            match first.parse::<usize>().ok().and_then(|i| items.get(i)) {
                Some(item) if rest.is_empty() => item.span(),
                Some(item) => locate_value(item.get_ref(), rest, item.span(), at_key),
                None => whole,
            }
        }
        _ => whole,
    }
}

/// A compiler-style message, a suggestion, and the key to point at when it is not the path's end.
struct Context<'a> {
    path: &'a [String],
    found: &'a Json,
    schema: &'a Json,
    schema_path: &'a str,
}

/// What an explained error says: the message, a suggestion, and the key to point at.
type Explained = (String, Option<String>, Option<String>);

fn explain(kind: &ValidationErrorKind, cx: &Context, fallback: String) -> Explained {
    let name = display_path(cx.path);
    match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            unknown_key(unexpected, cx, &name)
        }
        ValidationErrorKind::Required { property } => missing_key(property, &name),
        ValidationErrorKind::Enum { options } => not_one_of(options, cx, &name),
        ValidationErrorKind::Type { kind } => wrong_type(kind, cx, &name),
        _ => (format!("`{name}`: {fallback}"), None, None),
    }
}

/// Items joined for a message, each between two `mark`s.
fn listed<'a>(items: impl Iterator<Item = &'a str>, mark: &str) -> String {
    items
        .map(|item| format!("{mark}{item}{mark}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn unknown_key(unexpected: &[String], cx: &Context, name: &str) -> Explained {
    let key = unexpected.first().cloned().unwrap_or_default();
    let parent = cx
        .schema_path
        .strip_suffix("/additionalProperties")
        .unwrap_or(cx.schema_path);
    let known: Vec<String> = cx
        .schema
        .pointer(&format!("{parent}/properties"))
        .and_then(Json::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    let help = match did_you_mean(&key, known.iter().map(String::as_str)) {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!(
            "the allowed keys are {}",
            listed(known.iter().map(String::as_str), "`")
        ),
    };
    let place = if name.is_empty() {
        String::new()
    } else {
        format!(" in `{name}`")
    };
    (format!("unknown key `{key}`{place}"), Some(help), Some(key))
}

fn missing_key(property: &Json, name: &str) -> Explained {
    let key = property.as_str().unwrap_or_default();
    let place = if name.is_empty() {
        "this file".to_string()
    } else {
        format!("`{name}`")
    };
    (
        format!("missing required key `{key}` in {place}"),
        Some(format!("add `{key} = ...`")),
        None,
    )
}

fn not_one_of(options: &Json, cx: &Context, name: &str) -> Explained {
    let options: Vec<&str> = options
        .as_array()
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    let found_text = cx.found.as_str().unwrap_or_default();
    let all = listed(options.iter().copied(), "\"");
    let help = options
        .iter()
        .find(|o| o.eq_ignore_ascii_case(found_text))
        .copied()
        .or_else(|| did_you_mean(found_text, options.iter().copied()))
        .map(|close| format!("did you mean \"{close}\"?"))
        .unwrap_or_else(|| format!("use one of {all}"));
    let found = cx.found;
    (
        format!("`{name}` must be one of {all}, found {found}"),
        Some(help),
        None,
    )
}

fn wrong_type(kind: &impl std::fmt::Debug, cx: &Context, name: &str) -> Explained {
    let wanted = format!("{kind:?}")
        .to_lowercase()
        .replace("single(", "")
        .replace(')', "");
    let article = if wanted.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    let help = cx.found.as_str().and_then(|s| {
        let digits: String = s
            .chars()
            .filter(|c| !matches!(c, ',' | '$' | ' ' | '_'))
            .collect();
        (wanted.contains("integer") || wanted.contains("number"))
            .then_some(())
            .and(digits.parse::<f64>().ok())
            .map(|_| {
                let key = cx.path.last().map(String::as_str).unwrap_or("value");
                format!("did you mean `{key} = {digits}`?")
            })
    });
    let found = cx.found;
    (
        format!("`{name}` must be {article} {wanted}, found {found}"),
        help,
        None,
    )
}

/// `extra.pay.median`, `rows[2].hi`.
fn display_path(path: &[String]) -> String {
    let mut out = String::new();
    for part in path {
        if part.parse::<usize>().is_ok() {
            out.push_str(&format!("[{part}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(part);
        }
    }
    out
}

fn to_json(value: &toml::Value) -> Json {
    match value {
        toml::Value::String(s) => Json::String(s.clone()),
        toml::Value::Integer(i) => Json::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        toml::Value::Boolean(b) => Json::Bool(*b),
        toml::Value::Datetime(d) => Json::String(d.to_string()),
        toml::Value::Array(items) => Json::Array(items.iter().map(to_json).collect()),
        toml::Value::Table(table) => {
            Json::Object(table.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}
