//! `docent new`: scaffolds a page or an FAQ entry from an archetype in templates/archetypes/,
//! filling the keys its schema requires with placeholders that `docent check` flags until they
//! are edited.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::Value as Json;

use crate::check::PLACEHOLDER;
use crate::cli::NewKind;
use crate::slug::slugify;

/// Creates the file (or FAQ entry) and returns the path it wrote.
pub(crate) fn create(
    root: &Path,
    kind: NewKind,
    title: &str,
    section: Option<&str>,
) -> Result<PathBuf> {
    let slug = slugify(title);
    if slug.is_empty() {
        bail!("cannot make a file name from the title \"{title}\"; use letters or digits");
    }
    match kind {
        NewKind::Faq => add_faq(root, title, &slug),
        NewKind::Career => page(root, section.unwrap_or("careers"), "career", title, &slug),
        NewKind::Article => page(root, section.unwrap_or("guide"), "article", title, &slug),
    }
}

fn page(root: &Path, section: &str, archetype: &str, title: &str, slug: &str) -> Result<PathBuf> {
    let dir = Path::new("content").join(section.trim_matches('/'));
    if !root.join(&dir).join("_index.md").is_file() {
        bail!(
            "there is no section {}; create {}/_index.md first or pass --section",
            dir.display(),
            dir.display()
        );
    }
    let shown = dir.join(format!("{slug}.md"));
    let path = root.join(&shown);
    if path.exists() {
        bail!(
            "{} already exists; docent new never overwrites a file",
            shown.display()
        );
    }
    let body = std::fs::read_to_string(
        root.join("templates/archetypes")
            .join(format!("{archetype}.md")),
    )
    .unwrap_or_else(|_| format!("{PLACEHOLDER} write the page.\n"));
    let mut text = format!(
        "+++\ntitle = {}\ndescription = \"{PLACEHOLDER} one sentence for listings and search results\"\n",
        toml_string(title)
    );
    if let Some(schema) = section_schema(root, &dir)? {
        text.push_str("\n[extra]\n");
        text.push_str(&placeholders(&schema));
    }
    text.push_str("+++\n\n");
    text.push_str(&body.replace("{{ title }}", title));
    std::fs::write(&path, text).with_context(|| format!("could not write {}", path.display()))?;
    Ok(shown)
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
    let mut file = std::fs::OpenOptions::new().append(true).open(&path)?;
    std::io::Write::write_all(&mut file, entry.as_bytes())
        .with_context(|| format!("could not write {}", path.display()))?;
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
