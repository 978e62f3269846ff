//! Fact freshness. A source in `content/data/sources.toml` may say when the site's use of it
//! was last compared with the publisher's page and when to look again:
//!
//! ```toml
//! [bls-ooh-hit]
//! checked = 2026-12-01
//! review_after = 2027-09-01
//! ```
//!
//! or site.toml sets `[lint] max_source_age` (days after `checked`). `check` then warns, page by
//! page, for every source past its review date, at the citation and with the figures it
//! supports there; and, once any source carries dates, for each source with no `checked`.
//! A malformed date, or a review date before the check, is an error.

use std::collections::BTreeMap;
use std::ops::Range;

use jiff::civil::Date;

use crate::discover::SourceFile;
use crate::error::Diagnostic;
use crate::site::{Doc, DocId, Site, Texts};

/// The file the dates are read from, under content/data/.
const FILE: &str = "sources.toml";

/// A source's dates, once read.
#[derive(Debug, Clone, PartialEq)]
struct Dates {
    checked: Option<Date>,
    /// When it is due for review: `review_after`, or `checked` plus the site's maximum age.
    due: Option<Date>,
    url: String,
}

/// What the lint reports: date errors in sources.toml, and warnings on pages and sources.
#[derive(Debug, Default)]
pub(crate) struct Findings {
    pub(crate) errors: Vec<Diagnostic>,
    pub(crate) stale: Vec<Diagnostic>,
    pub(crate) unchecked: Vec<Diagnostic>,
}

/// Everything the freshness lint needs to see.
pub(crate) struct Inputs<'a> {
    pub(crate) site: &'a Site,
    pub(crate) texts: &'a Texts,
    pub(crate) renders: &'a crate::links::Renders,
    pub(crate) sources: Option<&'a toml::Table>,
    pub(crate) data_files: &'a [SourceFile],
    pub(crate) max_age: Option<u32>,
    pub(crate) today: Date,
}

/// Today in UTC: the day `check` compares review dates with.
pub(crate) fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

/// The freshness findings for a site.
pub(crate) fn lint(inputs: &Inputs<'_>) -> Findings {
    let mut findings = Findings::default();
    let Some(sources) = inputs.sources else {
        return findings;
    };
    let file = inputs.data_files.iter().find(|f| f.rel == FILE);
    let dates = read_dates(sources, file, inputs.max_age, &mut findings.errors);
    let dated = dates.values().any(|d| d.checked.is_some()) || inputs.max_age.is_some();
    if dated {
        findings.unchecked = unchecked(&dates, file);
    }
    let due: BTreeMap<&str, &Dates> = dates
        .iter()
        .filter(|(_, d)| d.due.is_some_and(|due| due <= inputs.today))
        .map(|(k, d)| (k.as_str(), d))
        .collect();
    if !due.is_empty() {
        findings.stale = stale_uses(inputs, &due);
    }
    findings
}

/// Each source's dates; what cannot be read is an error at its line.
fn read_dates(
    sources: &toml::Table,
    file: Option<&SourceFile>,
    max_age: Option<u32>,
    errors: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Dates> {
    let mut dates = BTreeMap::new();
    for (key, entry) in sources {
        let Some(entry) = entry.as_table() else {
            continue;
        };
        let mut read = |name: &str| match entry.get(name).map(date_of) {
            Some(Err(why)) => {
                errors.push(at_key(file, key, Some(name), format!("`{name}` of `{key}` {why}")).with_help(
                    "write a TOML date such as `checked = 2026-11-01`, without quotes or a time",
                ));
                None
            }
            Some(Ok(date)) => Some(date),
            None => None,
        };
        let checked = read("checked");
        let review = read("review_after");
        if let (Some(c), Some(r)) = (checked, review) {
            if r < c {
                let message = format!("`review_after` of `{key}` ({r}) is before `checked` ({c})");
                errors.push(
                    at_key(file, key, Some("review_after"), message)
                        .with_help("the review comes after the check: swap them or fix the year"),
                );
            }
        }
        let aged = max_age.and_then(|days| {
            checked.and_then(|c| c.checked_add(jiff::Span::new().days(i64::from(days))).ok())
        });
        let url = entry
            .get("url")
            .and_then(|u| u.as_str())
            .unwrap_or("its page");
        dates.insert(
            key.clone(),
            Dates {
                checked,
                due: review.or(aged),
                url: url.to_string(),
            },
        );
    }
    dates
}

/// A TOML date, or a string written like one.
fn date_of(value: &toml::Value) -> Result<Date, String> {
    match value {
        toml::Value::Datetime(d) if d.time.is_none() && d.offset.is_none() => d
            .to_string()
            .parse()
            .map_err(|_| "is not a date".to_string()),
        toml::Value::Datetime(_) => Err("has a time; it should be a date alone".into()),
        toml::Value::String(s) => s
            .parse()
            .map_err(|_| format!("is \"{s}\", which is not a date")),
        other => Err(format!("is a {}, not a date", other.type_str())),
    }
}

/// A finding at `[key]` of sources.toml, or at `name = …` inside it, or at the file.
fn at_key(file: Option<&SourceFile>, key: &str, name: Option<&str>, message: String) -> Diagnostic {
    let span = file.and_then(|f| crate::tomlfile::key_span(&f.text, key, name).map(|s| (f, s)));
    match span {
        Some((f, span)) => Diagnostic::at(&f.shown, &f.text, span, message),
        None => Diagnostic::in_file(format!("content/data/{FILE}"), message),
    }
}

/// Sources with no `checked` date, on a site that dates its sources.
fn unchecked(dates: &BTreeMap<String, Dates>, file: Option<&SourceFile>) -> Vec<Diagnostic> {
    dates
        .iter()
        .filter(|(_, d)| d.checked.is_none())
        .map(|(key, d)| {
            let message = format!("source `{key}` has no `checked` date");
            at_key(file, key, None, message).with_help(format!(
                "compare what the site says with {}, then add `checked = YYYY-MM-DD`",
                d.url
            ))
        })
        .collect()
}

/// One warning per page and per due source it cites, in Markdown or in its data.
fn stale_uses(inputs: &Inputs<'_>, due: &BTreeMap<&str, &Dates>) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (id, doc) in inputs.site.docs() {
        let rendered = &inputs.renders[id];
        let body = inputs.texts.body(inputs.site, id);
        let mut cited: BTreeMap<&str, Use> = BTreeMap::new();
        for cite in &rendered.citation_uses {
            if due.contains_key(cite.key.as_str()) {
                let entry = cited.entry(cite.key.as_str()).or_insert_with(|| Use {
                    span: Some(cite.span.clone()),
                    figures: Vec::new(),
                });
                entry.figures.extend(figures_before(body, cite.span.start));
            }
        }
        for (key, figures) in data_figures(&doc.extra, due) {
            let entry = cited.entry(key).or_insert(Use {
                span: None,
                figures: Vec::new(),
            });
            entry.figures.extend(figures);
        }
        for (key, used) in cited {
            found.push(stale_finding(inputs, id, doc, key, due[key], used));
        }
    }
    found
}

/// Where a page uses a source, and the figures next to the uses.
struct Use {
    span: Option<Range<usize>>,
    figures: Vec<String>,
}

fn stale_finding(
    inputs: &Inputs<'_>,
    id: DocId,
    doc: &Doc,
    key: &str,
    dates: &Dates,
    mut used: Use,
) -> Diagnostic {
    let due = dates.due.map(|d| d.to_string()).unwrap_or_default();
    let checked = dates
        .checked
        .map_or("never checked".to_string(), |c| format!("last checked {c}"));
    let message = format!("cites `{key}`, due for review since {due} ({checked})");
    let full = inputs.texts.full(id);
    let d = match &used.span {
        Some(span) => doc.at(full, span, message),
        None if doc.row.is_some() => doc.at(full, &(0..0), message),
        None => Diagnostic::in_file(&doc.shown, message),
    };
    used.figures.dedup();
    let mut seen = std::collections::BTreeSet::new();
    used.figures.retain(|f| seen.insert(f.clone()));
    used.figures.truncate(8);
    let what = match used.figures.is_empty() {
        true => "what the page takes from it".to_string(),
        false => format!("the figures it supports here ({})", used.figures.join(", ")),
    };
    d.with_help(format!(
        "re-check {what} against {}, then update `checked` and `review_after` in content/data/{FILE}",
        dates.url
    ))
}

/// The figures in the sentence before a citation at `at`: its words with digits in them.
fn figures_before(body: &str, at: usize) -> Vec<String> {
    let before = body.get(..at).unwrap_or("");
    // The sentence starts after the last stop, or after the citation before this one.
    let previous_cite = before
        .rfind("[@")
        .and_then(|i| before[i..].find(']').map(|j| i + j + 1));
    let start = [". ", "\n\n", "\n- "]
        .iter()
        .filter_map(|b| before.rfind(b).map(|i| i + b.len()))
        .chain(previous_cite)
        .max()
        .unwrap_or(0);
    numbers_in(&before[start..])
}

/// The words of `text` with a digit in them, without the punctuation around them.
fn numbers_in(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| w.trim_matches(|c: char| "()[],;:.\"'*".contains(c)))
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()) && !w.contains('@'))
        .map(str::to_string)
        .collect()
}

/// The due sources a doc's data names (`source`, `*_source`, `sources`), each with the
/// figures of the table that names it: `median = 58250` beside `median_source`.
fn data_figures<'d>(
    table: &toml::Table,
    due: &BTreeMap<&'d str, &Dates>,
) -> Vec<(&'d str, Vec<String>)> {
    let mut found = Vec::new();
    for (name, v) in table {
        let keys: Vec<&str> = match (name.as_str(), v) {
            ("sources", toml::Value::Array(items)) => {
                items.iter().filter_map(toml::Value::as_str).collect()
            }
            (n, toml::Value::String(s)) if n == "source" || n.ends_with("_source") => vec![s],
            _ => {
                nested_figures(v, due, &mut found);
                continue;
            }
        };
        let prefix = name
            .strip_suffix("source")
            .unwrap_or("")
            .trim_end_matches('_');
        for key in keys {
            if let Some((&due_key, _)) = due.get_key_value(key) {
                found.push((due_key, table_figures(table, prefix)));
            }
        }
    }
    found
}

/// [`data_figures`] of the tables inside `value`, however deep.
fn nested_figures<'d>(
    value: &toml::Value,
    due: &BTreeMap<&'d str, &Dates>,
    found: &mut Vec<(&'d str, Vec<String>)>,
) {
    match value {
        toml::Value::Table(table) => found.extend(data_figures(table, due)),
        toml::Value::Array(items) => items.iter().for_each(|i| nested_figures(i, due, found)),
        _ => {}
    }
}

/// The numbers in a table's fields that start with `prefix`, as `name = value`.
fn table_figures(table: &toml::Table, prefix: &str) -> Vec<String> {
    table
        .iter()
        .filter(|(name, _)| name.starts_with(prefix) && !name.ends_with("source"))
        .filter_map(|(name, v)| match v {
            toml::Value::Integer(n) => Some(format!("{name} = {n}")),
            toml::Value::Float(n) => Some(format!("{name} = {n}")),
            // Figures written as text: "+16%", "$58,250"; not periods or codes.
            toml::Value::String(s) if s.len() < 24 && s.contains(['%', '$']) => {
                Some(format!("{name} = {s}"))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(text: &str) -> toml::Table {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn dates_are_read_and_the_due_date_falls_back_to_the_maximum_age() {
        let table = sources(
            "[a]\nchecked = 2026-01-01\nreview_after = 2026-06-01\nurl = \"https://a\"\n[b]\nchecked = \"2026-01-01\"\n[c]\nurl = \"https://c\"\n",
        );
        let mut errors = Vec::new();
        let dates = read_dates(&table, None, Some(30), &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        let due = |k: &str| dates[k].due.map(|d| d.to_string());
        assert_eq!(due("a").as_deref(), Some("2026-06-01"));
        assert_eq!(due("b").as_deref(), Some("2026-01-31"));
        assert_eq!(due("c"), None);
    }

    #[test]
    fn malformed_and_backward_dates_are_errors_at_their_key() {
        let text = "[a]\nchecked = \"last May\"\n[b]\nchecked = 2026-05-01\nreview_after = 2025-05-01\n[c]\nchecked = 2026-05-01T10:00:00Z\n";
        let file = SourceFile {
            shown: "content/data/sources.toml".into(),
            rel: FILE.into(),
            text: text.into(),
        };
        let mut errors = Vec::new();
        read_dates(&sources(text), Some(&file), None, &mut errors);
        let found: Vec<_> = errors
            .iter()
            .map(|e| (e.message.clone(), e.location.as_ref().map(|l| l.line)))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "`checked` of `a` is \"last May\", which is not a date".to_string(),
                    Some(2)
                ),
                (
                    "`review_after` of `b` (2025-05-01) is before `checked` (2026-05-01)"
                        .to_string(),
                    Some(5)
                ),
                (
                    "`checked` of `c` has a time; it should be a date alone".to_string(),
                    Some(7)
                ),
            ]
        );
    }

    #[test]
    fn figures_come_from_the_sentence_before_the_citation() {
        let body = "Intro. The median was $58,250 in May 2022, up 16% [@bls]. Later.";
        let at = body.find("[@bls]").unwrap();
        assert_eq!(figures_before(body, at), ["$58,250", "2022", "16%"]);
        let body = "It was $99,270 in 2021 [@a], and grew 9% over 2018–28 [@b].";
        let at = body.find("[@b]").unwrap();
        assert_eq!(figures_before(body, at), ["9%", "2018–28"]);
    }

    #[test]
    fn data_figures_sit_beside_the_source_that_names_them() {
        let extra = sources(
            "sources = [\"old\", \"fresh\"]\n[bls]\nsource = \"fresh\"\nmedian = 58250\nmedian_period = \"May 2022\"\nmedian_source = \"old\"\ngrowth = \"+16%\"\n",
        );
        let dates = Dates {
            checked: None,
            due: None,
            url: String::new(),
        };
        let due = BTreeMap::from([("old", &dates)]);
        let found = data_figures(&extra, &due);
        assert_eq!(
            found,
            [("old", vec![]), ("old", vec!["median = 58250".to_string()]),]
        );
    }
}
