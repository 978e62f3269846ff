//! Pages made from data. A section's `[pages_from]` names a data file, and each row of one
//! array of tables in it becomes a page of the section: the row's keys are the page's
//! front-matter keys, and one of them holds its Markdown body. Errors point at the data
//! file's own lines.

use std::ops::Range;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{Keys, Parsed, dated, doc, given_slug, section_dir};
use crate::discover::SourceFile;
use crate::error::{Diagnostic, Diagnostics, did_you_mean};
use crate::frontmatter::{self, PageFront};
use crate::site::{DocId, Kind, Page, Row};
use crate::slug::{self, Strategy};
use crate::tomlfile;

/// A section's `[pages_from]`: which data file's rows become its pages, and how.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PagesFrom {
    /// The data file, named as templates name it: `careers` is content/data/careers.toml.
    pub(crate) data: String,
    /// The array of tables whose rows are pages: by default the file's only one.
    #[serde(default)]
    pub(crate) rows: Option<String>,
    /// The key whose value makes each page's URL segment. `slug` (the default) is used as
    /// written, falling back to the slugified title; any other key's value is slugified.
    #[serde(default = "default_slug")]
    pub(crate) slug: String,
    /// The key holding each page's Markdown body.
    #[serde(default = "default_body")]
    pub(crate) body: String,
    /// The template for the rows' pages, when it is not the section's `page_template`.
    #[serde(default)]
    pub(crate) template: Option<String>,
}

fn default_slug() -> String {
    "slug".into()
}

fn default_body() -> String {
    "body".into()
}

/// Where each key of one row is in its data file, and the row itself.
#[derive(Debug)]
pub(crate) struct Spans {
    keys: Vec<(String, Range<usize>)>,
    whole: Range<usize>,
}

impl Spans {
    /// The span of `key`, or the start of the row when it has no such key.
    pub(crate) fn key(&self, key: &str) -> Range<usize> {
        self.keys
            .iter()
            .find(|(k, _)| k == key)
            .map_or(self.whole.start..self.whole.start, |(_, span)| span.clone())
    }
}

/// Adds the pages that each section's `[pages_from]` makes, refusing a row whose page is
/// also a Markdown file.
pub(super) fn add_pages(
    mut parsed: Vec<Parsed>,
    data: &[SourceFile],
    naming: &super::Naming,
) -> Result<Vec<Parsed>, Diagnostics> {
    let mut made = Vec::new();
    let mut errors = Vec::new();
    for section in parsed.iter().filter(|p| p.pages_from.is_some()) {
        match pages(section, data, naming.slugify.paths) {
            Ok(pages) => made.extend(pages),
            Err(found) => errors.extend(found.0),
        }
    }
    let files: crate::hashing::Set<&str> = parsed.iter().map(|p| p.doc.rel.as_str()).collect();
    for page in made.iter().filter(|p| files.contains(p.doc.rel.as_str())) {
        let Some(row) = &page.doc.row else { continue };
        let rel = &page.doc.rel;
        let message = format!(
            "row {} makes the page `{rel}`, and content/{rel} is a file too",
            row.index + 1
        );
        let text = data.iter().find(|f| f.shown == page.doc.shown);
        let text = text.map_or("", |f| &f.text);
        let d = Diagnostic::at_line(&page.doc.shown, text, row.start + 1, 0, 1, message);
        errors.push(d.with_help("delete the file, or give the row another slug"));
    }
    if !errors.is_empty() {
        return Err(Diagnostics(errors));
    }
    parsed.extend(made);
    Ok(parsed)
}

/// The pages one section makes from its data file's rows.
fn pages(
    section: &Parsed,
    data: &[SourceFile],
    strategy: Strategy,
) -> Result<Vec<Parsed>, Diagnostics> {
    let Some(from) = section.pages_from.as_deref() else {
        return Ok(Vec::new());
    };
    let own = SourceFile {
        shown: section.doc.shown.clone(),
        rel: section.doc.rel.clone(),
        text: Arc::clone(&section.text),
    };
    let split = frontmatter::split(&own)?;
    let keys = Keys::Front(&own, &split);
    let file = data_file(from, data, &keys)?;
    let root = DeTable::parse(&file.text)
        .map_err(|err| tomlfile::error(&file.shown, &file.text, 0, &err))?;
    let (rows, items) = rows_of(root.into_inner(), from, &keys, file)?;
    let mut made = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    let mut slugs = crate::hashing::Map::default();
    // Where each line ends, so that finding a row's line costs a search, not a count.
    let newlines: Vec<usize> = file.text.match_indices('\n').map(|(i, _)| i).collect();
    for (index, item) in items.into_iter().enumerate() {
        let made_row = page(
            (file, &newlines),
            section,
            (from, strategy),
            Row::at(&rows, index),
            item,
        );
        match made_row {
            Ok((page, slug_span)) => match slugs.insert(page.doc.rel.clone(), index) {
                Some(first) => errors.push(
                    Diagnostic::at(
                        &file.shown,
                        &file.text,
                        slug_span,
                        format!("rows {} and {} make the same page", first + 1, index + 1),
                    )
                    .with_help(format!(
                        "both are `{}`; give one another slug",
                        page.doc.rel
                    )),
                ),
                None => made.push(page),
            },
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(made)
    } else {
        Err(Diagnostics(errors))
    }
}

impl Row {
    /// Row `index` of `rows`, before its place and hash are known.
    fn at(rows: &str, index: usize) -> Row {
        Row {
            rows: rows.to_string(),
            index,
            start: 0,
            line: 0,
            column: 0,
            lead: String::new(),
            hash: 0,
        }
    }
}

/// The data file that `[pages_from]` names.
fn data_file<'a>(
    from: &PagesFrom,
    data: &'a [SourceFile],
    keys: &Keys,
) -> Result<&'a SourceFile, Diagnostic> {
    let name = from.data.trim_end_matches(".toml");
    let stem = |f: &'a SourceFile| f.rel.trim_end_matches(".toml");
    if let Some(file) = data.iter().find(|f| stem(f) == name) {
        return Ok(file);
    }
    let d = keys.error("data", format!("no data file content/data/{name}.toml"));
    Err(match did_you_mean(name, data.iter().map(stem)) {
        Some(close) => d.with_help(format!("did you mean `data = \"{close}\"`?")),
        None => d.with_help("`data` names a file in content/data/, without `.toml`"),
    })
}

/// The array of tables that `from` names, or the file's only one.
fn rows_of<'i>(
    root: DeTable<'i>,
    from: &PagesFrom,
    keys: &Keys,
    file: &SourceFile,
) -> Result<(String, Vec<Spanned<DeValue<'i>>>), Diagnostic> {
    let shown = crate::error::display_path(&file.shown);
    let name = match &from.rows {
        Some(name) => name.clone(),
        None => only_rows(&root, keys, &shown)?,
    };
    let names: Vec<String> = root.keys().map(|k| k.get_ref().to_string()).collect();
    let Some(value) = root
        .into_iter()
        .find(|(k, _)| *k.get_ref() == name)
        .map(|(_, v)| v)
    else {
        let d = keys.error("rows", format!("{shown} has no `{name}`"));
        return Err(
            match did_you_mean(&name, names.iter().map(String::as_str)) {
                Some(close) => d.with_help(format!("did you mean `rows = \"{close}\"`?")),
                None => d.with_help(format!("write each row as a `[[{name}]]` table")),
            },
        );
    };
    let span = value.span();
    match value.into_inner() {
        DeValue::Array(items) if items.iter().all(|i| i.get_ref().is_table()) => {
            Ok((name, items.into_iter().collect()))
        }
        _ => Err(Diagnostic::at(
            &file.shown,
            &file.text,
            span,
            format!("`{name}` holds the section's rows, so it must be an array of tables"),
        )
        .with_help(format!("write each row as a `[[{name}]]` table"))),
    }
}

/// Whether a TOML value is an array of tables, which rows can be.
fn is_rows(value: &DeValue) -> bool {
    match value {
        DeValue::Array(items) => items.iter().all(|i| i.get_ref().is_table()),
        _ => false,
    }
}

/// The name of the file's only array of tables, when `[pages_from]` does not name one.
fn only_rows(root: &DeTable, keys: &Keys, shown: &str) -> Result<String, Diagnostic> {
    let arrays: Vec<&str> = root
        .iter()
        .filter(|(_, v)| is_rows(v.get_ref()))
        .map(|(k, _)| k.get_ref().as_ref())
        .collect();
    match arrays[..] {
        [one] => Ok(one.to_string()),
        [] => {
            let message = format!("{shown} has no array of tables to make pages of");
            Err(keys
                .error("data", message)
                .with_help("write each row as a `[[name]]` table, where `name` is any key"))
        }
        _ => {
            let names: Vec<String> = arrays.iter().map(|a| format!("`{a}`")).collect();
            let message = format!(
                "{shown} has {} arrays of tables ({}); say which holds the rows",
                arrays.len(),
                names.join(", ")
            );
            Err(keys
                .error("data", message)
                .with_help("add `rows = \"...\"` to [pages_from], naming the array"))
        }
    }
}

/// One row's page, and the span of what made its slug.
fn page(
    (file, newlines): (&SourceFile, &[usize]),
    section: &Parsed,
    (from, strategy): (&PagesFrom, Strategy),
    mut row: Row,
    item: Spanned<DeValue>,
) -> Result<(Parsed, Range<usize>), Diagnostic> {
    let whole = item.span();
    let DeValue::Table(mut table) = item.into_inner() else {
        let message = format!("row {} is not a table", row.index + 1);
        return Err(Diagnostic::at(&file.shown, &file.text, whole, message));
    };
    let spans = Spans {
        keys: table
            .iter()
            .map(|(k, _)| (k.get_ref().to_string(), k.span()))
            .collect(),
        whole: whole.clone(),
    };
    let keys = Keys::Row(file, &spans);
    (row.start, _, _) = body_start(&file.text, newlines, whole.clone());
    row.line = row.start;
    let body = take_body(&mut table, (from, newlines), &keys, &mut row)?;
    let named = (from.slug != "slug").then(|| slug_value(&mut table, (from, strategy), &keys));
    let named = named.transpose()?;
    let front = PageFront::deserialize(toml::de::Deserializer::from(Spanned::new(whole, table)))
        .map_err(|err| tomlfile::error(&file.shown, &file.text, 0, &err))?;
    let slug = match (named, &front.slug) {
        (Some(named), _) => named,
        (None, Some(given)) => given_slug(&keys, given, strategy)?,
        (None, None) => slug::path(&front.title, strategy),
    };
    let slug_span = spans.key(&from.slug);
    if slug.is_empty() {
        let message = format!("cannot make a URL from row {}", row.index + 1);
        return Err(Diagnostic::at(&file.shown, &file.text, slug_span, message)
            .with_help("give the row a `slug = \"...\"` made of letters and digits"));
    }
    row.hash = crate::hashing::key(&(format!("{front:?}"), &body));
    let parsed = row_page(&keys, section, (front, body), slug, row, from)?;
    Ok((parsed, slug_span))
}

/// The page of a row whose front matter, body and slug are known.
fn row_page(
    keys: &Keys,
    section: &Parsed,
    (mut front, body): (PageFront, String),
    slug: String,
    row: Row,
    from: &PagesFrom,
) -> Result<Parsed, Diagnostic> {
    // A row of a section in another language is a page in that language: `x.fr.md`.
    let name = section.doc.name();
    let code = match *name != *section.doc.rel {
        true => format!(".{}", section.doc.lang),
        false => String::new(),
    };
    let rel = match section_dir(&name) {
        "" => format!("{slug}{code}.md"),
        dir => format!("{dir}/{slug}{code}.md"),
    };
    let path = format!("{}{slug}/", section.doc.path);
    let expires = dated(keys, "expires", &front.expires)?;
    let kind = Kind::Page(Page {
        slug,
        authors: std::mem::take(&mut front.authors),
        taxonomies: std::mem::take(&mut front.taxonomies),
        prerequisites: std::mem::take(&mut front.prerequisites),
        objectives: std::mem::take(&mut front.objectives),
        section: DocId(0), // set by `link_sections` once every section is known
    });
    if front.template.is_none() {
        front.template.clone_from(&from.template);
    }
    let lang = std::sync::Arc::clone(&section.doc.lang);
    let mut doc = doc(keys, (0, lang), &front, path, kind)?;
    doc.rel = rel;
    doc.row = Some(Arc::new(row));
    Ok(Parsed {
        text: Arc::from(body),
        doc: Box::new(doc),
        draft: front.draft,
        expires,
        pages_from: None,
    })
}

/// Takes the Markdown body out of a row, noting in `row` where it starts in the data file.
fn take_body(
    table: &mut DeTable,
    (from, newlines): (&PagesFrom, &[usize]),
    keys: &Keys,
    row: &mut Row,
) -> Result<String, Diagnostic> {
    let Some(value) = table.remove(from.body.as_str()) else {
        return Ok(String::new());
    };
    let DeValue::String(text) = value.get_ref() else {
        let message = format!("`{}` is the page's Markdown body, so it is text", from.body);
        return Err(keys
            .error(&from.body, message)
            .with_help("write it as a string, like `body = '''...'''`"));
    };
    (row.line, row.column, row.lead) = body_start(&keys.file().text, newlines, value.span());
    Ok(text.to_string())
}

/// The slug that a key other than `slug` makes: its value, slugified. The key is taken out of
/// the row unless it is also front matter (`title`).
fn slug_value(
    table: &mut DeTable,
    (from, strategy): (&PagesFrom, Strategy),
    keys: &Keys,
) -> Result<String, Diagnostic> {
    let key = from.slug.as_str();
    let value = if key == "title" {
        table.get(key).map(|v| v.get_ref().clone())
    } else {
        table.remove(key).map(Spanned::into_inner)
    };
    match value {
        Some(DeValue::String(text)) => Ok(slug::path(&text, strategy)),
        Some(_) => Err(keys
            .error(key, format!("`{key}` makes the page's URL, so it is text"))
            .with_help(format!(
                "write it as a string, like `{key} = \"clinical-analyst\"`"
            ))),
        None => Err(keys
            .error(key, format!("the row has no `{key}`, which makes its URL"))
            .with_help(format!(
                "add `{key} = \"...\"`, or change `slug` in the section's [pages_from]"
            ))),
    }
}

/// The 0-based line and column in `text` of the first character of the string at `span`
/// (after its quotes, and after the line break that opens a multi-line string), and the text
/// before it on its line. `newlines` are the offsets of the text's line breaks.
fn body_start(text: &str, newlines: &[usize], span: Range<usize>) -> (usize, usize, String) {
    let raw = text.get(span.clone()).unwrap_or("");
    let mut at = span.start;
    if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        at += 3;
        let rest = text.get(at..).unwrap_or("");
        at += if rest.starts_with("\r\n") {
            2
        } else {
            usize::from(rest.starts_with('\n'))
        };
    } else if raw.starts_with(['"', '\'']) {
        at += 1;
    }
    let line = newlines.partition_point(|&nl| nl < at);
    let line_start = line.checked_sub(1).map_or(0, |i| newlines[i] + 1);
    let lead = text.get(line_start..at).unwrap_or("");
    (line, lead.chars().count(), lead.to_string())
}
