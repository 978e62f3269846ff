//! Data files: every `content/data/**/*.toml` joins one tree that templates see as `data`.
//!
//! `content/data/faq.toml` becomes `data.faq`; `content/data/careers/pay.toml` becomes
//! `data.careers.pay`.

use indexmap::IndexMap;
use tera::Value;

use crate::discover::SourceFile;
use crate::error::{Diagnostic, Diagnostics, collect};
use crate::tomlfile;

#[derive(Debug, Clone)]
pub(crate) struct Data {
    pub(crate) tree: toml::Table,
    /// The tree as templates see it.
    pub(crate) value: Value,
}

pub(crate) fn load(files: &[SourceFile]) -> Result<Data, Diagnostics> {
    let parsed = collect(files.iter().map(|file| {
        tomlfile::parse::<toml::Table>(&file.shown, &file.text, 0, &file.text)
            .map(|table| (file, table))
            .map_err(Diagnostics::from)
    }))?;
    let mut tree = toml::Table::new();
    let mut errors = Vec::new();
    let names: Vec<&str> = parsed
        .iter()
        .map(|(f, _)| f.rel.trim_end_matches(".toml"))
        .collect();
    for (file, table) in &parsed {
        let name = file.rel.trim_end_matches(".toml");
        let folder = format!("{name}/");
        if names.iter().any(|other| other.starts_with(&folder)) {
            let key = name.replace('/', ".");
            errors.push(
                Diagnostic::in_file(
                    &file.shown,
                    format!("`data.{key}` is both a file and a folder"),
                )
                .with_help("rename the file or the folder"),
            );
            continue;
        }
        insert(&mut tree, name, table.clone());
    }
    if errors.is_empty() {
        let value = table_to_value(&tree);
        Ok(Data { tree, value })
    } else {
        Err(Diagnostics(errors))
    }
}

fn insert(tree: &mut toml::Table, name: &str, table: toml::Table) {
    let mut node = tree;
    let mut parts: Vec<&str> = name.split('/').collect();
    let last = parts.pop().unwrap_or(name);
    for part in parts {
        let entry = node
            .entry(part.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        if !entry.is_table() {
            *entry = toml::Value::Table(toml::Table::new());
        }
        node = entry.as_table_mut().expect("made a table above");
    }
    node.insert(last.to_string(), toml::Value::Table(table));
}

/// Converts TOML to a template value. Dates become ISO strings, which the `date` filter reads.
pub(crate) fn to_value(value: &toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::from(s.as_str()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => Value::from(*f),
        toml::Value::Boolean(b) => Value::from(*b),
        toml::Value::Datetime(d) => Value::from(d.to_string()),
        toml::Value::Array(items) => Value::from(items.iter().map(to_value).collect::<Vec<_>>()),
        toml::Value::Table(table) => table_to_value(table),
    }
}

pub(crate) fn table_to_value(table: &toml::Table) -> Value {
    let map: IndexMap<String, Value> = table
        .iter()
        .map(|(k, v)| (k.clone(), to_value(v)))
        .collect();
    Value::from(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rel: &str, text: &str) -> SourceFile {
        SourceFile {
            shown: format!("content/data/{rel}").into(),
            rel: rel.into(),
            text: text.into(),
        }
    }

    #[test]
    fn nested_files_make_a_tree() {
        let data = load(&[file("faq.toml", "a = 1"), file("careers/pay.toml", "b = 2")]).unwrap();
        assert_eq!(data.tree["faq"]["a"].as_integer(), Some(1));
        assert_eq!(data.tree["careers"]["pay"]["b"].as_integer(), Some(2));
    }

    #[test]
    fn every_bad_file_is_reported() {
        let err = load(&[file("a.toml", "x = "), file("b.toml", "y = [")]).unwrap_err();
        assert_eq!(err.0.len(), 2);
        assert!(err.0[0].file.ends_with("a.toml"));
    }

    #[test]
    fn file_and_folder_clash() {
        let err = load(&[file("a.toml", "x = 1"), file("a/b.toml", "y = 2")]).unwrap_err();
        assert!(err.0[0].message.contains("both a file and a folder"));
    }

    #[test]
    fn dates_become_strings() {
        let table: toml::Table = toml::from_str("d = 2024-05-01").unwrap();
        let v = table_to_value(&table);
        assert_eq!(
            v.get_from_path("d").and_then(|d| d.as_str()),
            Some("2024-05-01")
        );
    }
}
