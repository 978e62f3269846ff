//! `docent new`: scaffolds a page or an FAQ entry from an archetype in templates/archetypes/,
//! filling the keys its schema requires with placeholders that `docent check` flags until they
//! are edited.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value as Json;

use crate::check::PLACEHOLDER;
use crate::cli::NewKind;
use crate::content::PagesFrom;
use crate::error::display_path;
use crate::slug::slugify;

/// Creates the file (or FAQ entry, or data row) and says what it wrote.
pub(crate) fn create(
    root: &Path,
    kind: NewKind,
    title: &str,
    section: Option<&str>,
) -> Result<String> {
    let slug = slugify(title);
    if slug.is_empty() {
        bail!("cannot make a file name from the title \"{title}\"; use letters or digits");
    }
    match kind {
        NewKind::Faq => add_faq(root, title, &slug)
            .map(|path| format!("added a question to {}", display_path(&path))),
        NewKind::Career => page(root, section.unwrap_or("careers"), "career", title, &slug),
        NewKind::Article => page(root, section.unwrap_or("guide"), "article", title, &slug),
    }
}

fn page(root: &Path, section: &str, archetype: &str, title: &str, slug: &str) -> Result<String> {
    let dir = Path::new("content").join(section.trim_matches('/'));
    if !root.join(&dir).join("_index.md").is_file() {
        bail!(
            "there is no section {}; create {}/_index.md first or pass --section",
            dir.display(),
            dir.display()
        );
    }
    let body = std::fs::read_to_string(
        root.join("templates/archetypes")
            .join(format!("{archetype}.md")),
    )
    .unwrap_or_else(|_| format!("{PLACEHOLDER} write the page.\n"))
    .replace("{{ title }}", title);
    let extra = match section_schema(root, &dir)? {
        Some(schema) => placeholders(&schema),
        None => String::new(),
    };
    if let Some(from) = pages_from(root, &dir)? {
        let row = Row {
            title,
            slug,
            body: &body,
            extra: &extra,
        };
        let (path, url) = add_row(root, &dir, &from, &row)?;
        return Ok(format!("added {url} as a row of {}", display_path(&path)));
    }
    let shown = dir.join(format!("{slug}.md"));
    let path = root.join(&shown);
    if path.exists() {
        bail!(
            "{} already exists; docent new never overwrites a file",
            shown.display()
        );
    }
    let mut text = format!(
        "+++\ntitle = {}\ndescription = \"{PLACEHOLDER} one sentence for listings and search results\"\n",
        toml_string(title)
    );
    if !extra.is_empty() {
        text.push_str("\n[extra]\n");
        text.push_str(&extra);
    }
    text.push_str("+++\n\n");
    text.push_str(&body);
    std::fs::write(&path, text).with_context(|| format!("could not write {}", path.display()))?;
    Ok(format!("created {}", display_path(&shown)))
}

/// A new row's parts: its title and slug, its Markdown body, and its `[extra]` keys.
struct Row<'a> {
    title: &'a str,
    slug: &'a str,
    body: &'a str,
    extra: &'a str,
}

/// The section's `[pages_from]`, when its pages are rows of a data file.
fn pages_from(root: &Path, dir: &Path) -> Result<Option<PagesFrom>> {
    let shown = dir.join("_index.md");
    let text = std::fs::read_to_string(root.join(&shown))?;
    let split = crate::frontmatter::split_text(&shown, &text).map_err(|d| anyhow!("{d}"))?;
    let front: toml::Table = toml::from_str(split.front(&text))
        .with_context(|| format!("{} has bad front matter", shown.display()))?;
    let Some(from) = front.get("pages_from") else {
        return Ok(None);
    };
    let from = from
        .clone()
        .try_into()
        .with_context(|| format!("{} has a bad [pages_from]", shown.display()))?;
    Ok(Some(from))
}

/// Appends a row to the data file that makes the section's pages; returns the file and the
/// new page's URL path.
fn add_row(root: &Path, dir: &Path, from: &PagesFrom, row: &Row) -> Result<(PathBuf, String)> {
    if from.slug != "slug" {
        bail!(
            "the rows of {} take their URLs from `{}`; add the row by hand",
            dir.display(),
            from.slug
        );
    }
    let name = from.data.trim_end_matches(".toml");
    let shown = Path::new("content/data").join(format!("{name}.toml"));
    let path = root.join(&shown);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let table: toml::Table =
        toml::from_str(&text).with_context(|| format!("{} is not valid TOML", shown.display()))?;
    let rows = match &from.rows {
        Some(rows) => rows.clone(),
        None => only_array(&table)
            .unwrap_or_else(|| name.rsplit('/').next().unwrap_or(name).to_string()),
    };
    if has_slug(&table, &rows, row.slug) {
        bail!(
            "{} already has a row with the slug \"{}\"; docent new never overwrites an entry",
            shown.display(),
            row.slug
        );
    }
    if row.body.contains("'''") {
        bail!("the archetype holds `'''`, which a row's body cannot hold");
    }
    let mut entry = String::new();
    if !text.is_empty() && !text.ends_with('\n') {
        entry.push('\n');
    }
    let _ = write!(
        entry,
        "\n[[{rows}]]\nslug = \"{}\"\ntitle = {}\ndescription = \"{PLACEHOLDER} one sentence for listings and search results\"\n{} = '''\n{}'''\n",
        row.slug,
        toml_string(row.title),
        from.body,
        row.body
    );
    if !row.extra.is_empty() {
        let _ = write!(entry, "[{rows}.extra]\n{}", row.extra);
    }
    append(&path, &entry)?;
    let section = dir.strip_prefix("content").unwrap_or(dir);
    let url = crate::content::dir_path(&display_path(section), Default::default());
    Ok((shown, format!("{url}{}/", row.slug)))
}

/// Whether the array `rows` has a row whose slug (or, without one, title) makes `slug`.
fn has_slug(table: &toml::Table, rows: &str, slug: &str) -> bool {
    let rows = table.get(rows).and_then(toml::Value::as_array);
    rows.into_iter().flatten().any(|r| {
        let given = r.get("slug").and_then(toml::Value::as_str);
        let title = r.get("title").and_then(toml::Value::as_str);
        given.or(title).is_some_and(|s| slugify(s) == slug)
    })
}

/// Appends `text` to the file at `path`, creating it if need be.
fn append(path: &Path, text: &str) -> Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .with_context(|| format!("could not open {}", path.display()))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .with_context(|| format!("could not write {}", path.display()))
}

/// The name of a TOML table's only array of tables.
fn only_array(table: &toml::Table) -> Option<String> {
    let mut arrays = table.iter().filter(|(_, v)| {
        v.as_array()
            .is_some_and(|items| items.iter().all(toml::Value::is_table))
    });
    match (arrays.next(), arrays.next()) {
        (Some((name, _)), None) => Some(name.clone()),
        _ => None,
    }
}

/// The JSON Schema a section applies to its pages, if it names one.
fn section_schema(root: &Path, dir: &Path) -> Result<Option<Json>> {
    let index = std::fs::read_to_string(root.join(dir).join("_index.md"))?;
    let Some(name) = index.lines().find_map(|l| {
        let l = l.trim();
        l.strip_prefix("schema").map(|r| {
            r.trim_start()
                .trim_start_matches('=')
                .trim()
                .trim_matches('"')
                .to_string()
        })
    }) else {
        return Ok(None);
    };
    let path = root
        .join("templates/schemas")
        .join(format!("{name}.schema.json"));
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("could not read {}", path.display()))?;
    Ok(Some(serde_json::from_str(&text).with_context(|| {
        format!("{} is not valid JSON", path.display())
    })?))
}

/// One `key = placeholder` line per required key, in the schema's order.
fn placeholders(schema: &Json) -> String {
    let mut out = String::new();
    let required = schema
        .get("required")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    for key in required.iter().filter_map(Json::as_str) {
        let property = schema
            .pointer(&format!("/properties/{key}"))
            .cloned()
            .unwrap_or(Json::Null);
        let line = match (
            property.get("enum").and_then(Json::as_array),
            property.get("type").and_then(Json::as_str),
        ) {
            (Some(options), _) => {
                let options: Vec<&str> = options.iter().filter_map(Json::as_str).collect();
                format!("{key} = \"{PLACEHOLDER} one of {}\"", options.join(", "))
            }
            (None, Some("array")) => format!("{key} = [\"{PLACEHOLDER} {key}\"]"),
            (None, Some("integer" | "number")) => format!("{key} = 0 # {PLACEHOLDER} set {key}"),
            (None, Some("boolean")) => format!("{key} = false # {PLACEHOLDER} set {key}"),
            _ => format!("{key} = \"{PLACEHOLDER} {key}\""),
        };
        let _ = writeln!(out, "{line}");
    }
    out
}

/// Appends a question to the last group of content/data/faq.toml.
fn add_faq(root: &Path, question: &str, id: &str) -> Result<PathBuf> {
    let shown = PathBuf::from("content/data/faq.toml");
    let path = root.join(&shown);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("could not read {}", path.display()))?;
    if text.lines().any(|l| {
        l.trim()
            .strip_prefix("id")
            .is_some_and(|r| r.trim_start().trim_start_matches('=').trim() == format!("\"{id}\""))
    }) {
        bail!(
            "{} already has a question with id \"{id}\"; docent new never overwrites an entry",
            shown.display()
        );
    }
    let mut entry = String::new();
    if !text.ends_with('\n') {
        entry.push('\n');
    }
    let _ = write!(
        entry,
        "\n[[groups.questions]]\nid = \"{id}\"\nquestion = {}\nanswer = \"{PLACEHOLDER} answer in one to four sentences, from the sources\"\nsources = [] # {PLACEHOLDER} the keys of the sources the answer uses\n",
        toml_string(question)
    );
    append(&path, &entry)?;
    Ok(shown)
}

fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_schema() {
        let schema: Json = serde_json::json!({
            "required": ["field", "duties", "summary", "pay"],
            "properties": {
                "field": { "enum": ["HI", "HIM"] },
                "duties": { "type": "array" },
                "summary": { "type": "string" },
                "pay": { "type": "integer" }
            }
        });
        assert_eq!(
            placeholders(&schema),
            "field = \"TODO: one of HI, HIM\"\nduties = [\"TODO: duties\"]\nsummary = \"TODO: summary\"\npay = 0 # TODO: set pay\n"
        );
    }
}
