//! `docent import-zola`: writes a site.toml from a Zola site's config.toml, and says what it
//! could not carry over. Content needs no change: docent reads Zola's content layout, front
//! matter, `@/` links, shortcodes, taxonomies and pagination as they are.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use toml::{Table, Value};

/// What an import did: the site.toml text, and each setting left behind with the reason.
pub(crate) struct Imported {
    pub(crate) site_toml: String,
    pub(crate) left: Vec<(String, &'static str)>,
}

/// Reads `root/config.toml` and writes `root/site.toml`; refuses to overwrite one.
pub(crate) fn run(root: &Path) -> Result<String> {
    let from = root.join("config.toml");
    let to = root.join(crate::config::FILE);
    if to.exists() {
        bail!(
            "{} already exists; docent import-zola never overwrites it",
            to.display()
        );
    }
    let text = std::fs::read_to_string(&from)
        .with_context(|| format!("could not read {}", from.display()))?;
    let zola: Table =
        toml::from_str(&text).with_context(|| format!("{} is not valid TOML", from.display()))?;
    let imported = import(&zola)?;
    // What was written must be a site.toml docent reads.
    crate::config::Config::parse(&imported.site_toml)
        .map_err(|d| anyhow::anyhow!("docent made a site.toml it cannot read, a bug:\n{d}"))?;
    std::fs::write(&to, &imported.site_toml)
        .with_context(|| format!("could not write {}", to.display()))?;
    let mut report = format!("wrote {}", crate::error::display_path(&to));
    if imported.left.is_empty() {
        report.push_str("; every setting was carried over");
    } else {
        let _ = write!(
            report,
            "; {} settings were not carried over:",
            imported.left.len()
        );
        for (key, why) in &imported.left {
            let _ = write!(report, "\n  {key}: {why}");
        }
    }
    Ok(report)
}

/// Keys docent reads under the same name and meaning.
const SAME: [&str; 4] = ["title", "description", "author", "build_search_index"];

/// The site.toml for a Zola config, and what it left behind.
pub(crate) fn import(zola: &Table) -> Result<Imported> {
    let mut site = Table::new();
    let mut left = Vec::new();
    let base_url = zola
        .get("base_url")
        .and_then(Value::as_str)
        .context("config.toml has no `base_url`, which Zola and docent both need")?;
    site.insert("base_url".into(), base_url.trim_end_matches('/').into());
    let title = zola
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or("Untitled");
    site.insert("title".into(), title.into());
    for (key, value) in zola {
        match key.as_str() {
            "base_url" | "title" => {}
            k if SAME.contains(&k) => {
                site.insert(key.clone(), value.clone());
            }
            "default_language" => {
                site.insert("language".into(), value.clone());
            }
            "translations" => {
                site.insert(key.clone(), value.clone());
            }
            "languages" => {
                let default = zola.get("default_language").and_then(Value::as_str);
                languages(value, default.unwrap_or("en"), &mut site, &mut left);
            }
            "taxonomies" => {
                site.insert(key.clone(), taxonomies(value, &mut left));
            }
            "slugify" => {
                site.insert(key.clone(), slugify(value, &mut left));
            }
            "markdown" => {}
            "extra" => {}
            _ => left.extend(unsupported(key, value)),
        }
    }
    site.insert("markdown".into(), markdown(zola.get("markdown"), &mut left));
    if let Some(extra) = zola.get("extra") {
        site.insert("extra".into(), extra.clone());
    }
    let mut site_toml = String::from(
        "# Written by `docent import-zola` from config.toml; see the README for every key.\n",
    );
    site_toml.push_str(&toml::to_string(&site)?);
    Ok(Imported { site_toml, left })
}

/// Zola's `[languages.x]` tables as docent's: the same keys, `generate_feeds` named `feed`. A
/// table for the default language (Zola allows one) goes to site.toml's own keys.
fn languages(
    value: &Value,
    default: &str,
    site: &mut Table,
    left: &mut Vec<(String, &'static str)>,
) {
    let mut out = Table::new();
    for (code, table) in value.as_table().into_iter().flatten() {
        let mut language = Table::new();
        for (key, value) in table.as_table().into_iter().flatten() {
            match key.as_str() {
                "title" | "description" | "build_search_index" | "translations" => {
                    language.insert(key.clone(), value.clone());
                }
                "generate_feeds" | "generate_feed" => {
                    language.insert("feed".into(), value.clone());
                }
                "taxonomies" => {
                    language.insert(key.clone(), taxonomies(value, left));
                }
                _ => left.push((
                    format!("languages.{code}.{key}"),
                    "docent's languages take title, description, feed, build_search_index, taxonomies and translations",
                )),
            }
        }
        if code != default {
            out.insert(code.clone(), Value::Table(language));
            continue;
        }
        for (key, value) in language {
            let to = match key.as_str() {
                "feed" => continue, // docent always writes the default language's feed
                _ => key,
            };
            match (site.get_mut(&to), value) {
                (Some(Value::Array(have)), Value::Array(more)) => have.extend(more),
                (Some(Value::Table(have)), Value::Table(more)) => have.extend(more),
                (Some(_), _) => {}
                (None, value) => {
                    site.insert(to, value);
                }
            }
        }
    }
    if !out.is_empty() {
        site.insert("languages".into(), Value::Table(out));
    }
}

/// Zola's taxonomies with the keys docent has; `rss`, Zola's old name for `feed`, becomes it.
fn taxonomies(value: &Value, left: &mut Vec<(String, &'static str)>) -> Value {
    let kept = ["name", "feed", "paginate_by", "paginate_path", "render"];
    let items = value.as_array().cloned().unwrap_or_default();
    let items = items.into_iter().filter_map(|item| {
        let table = item.as_table()?;
        let mut out = Table::new();
        for (key, value) in table {
            match key.as_str() {
                k if kept.contains(&k) => {
                    out.insert(key.clone(), value.clone());
                }
                "rss" => {
                    out.insert("feed".into(), value.clone());
                }
                "lang" => left.push((
                    format!("taxonomies.{key}"),
                    "docent takes a language's taxonomies from its `[languages.x]` table",
                )),
                _ => left.push((
                    format!("taxonomies.{key}"),
                    "docent's taxonomies take name, feed, paginate_by, paginate_path and render",
                )),
            }
        }
        Some(Value::Table(out))
    });
    Value::Array(items.collect())
}

/// Zola's `[slugify]`: the same strategies; `paths_keep_dates` has no counterpart.
fn slugify(value: &Value, left: &mut Vec<(String, &'static str)>) -> Value {
    let mut out = Table::new();
    for (key, value) in value.as_table().into_iter().flatten() {
        match key.as_str() {
            "paths" | "anchors" | "taxonomies" => {
                out.insert(key.clone(), value.clone());
            }
            _ => left.push((
                format!("slugify.{key}"),
                "docent drops the date from a dated file name's slug",
            )),
        }
    }
    Value::Table(out)
}

/// Zola has no maths (a site's `$…$` is for a script such as KaTeX, or plain dollars) and
/// curls quotes only when `smart_punctuation` asks; `bottom_footnotes` and the external link
/// settings carry over, and the rest of its `[markdown]` has no counterpart.
fn markdown(value: Option<&Value>, left: &mut Vec<(String, &'static str)>) -> Value {
    let mut out = Table::new();
    out.insert("math".into(), false.into());
    out.insert("smart_punctuation".into(), false.into());
    out.insert("callouts".into(), false.into());
    for (key, value) in value.and_then(Value::as_table).into_iter().flatten() {
        let why = match key.as_str() {
            "smart_punctuation"
            | "bottom_footnotes"
            | "external_links_class"
            | "external_links_target_blank"
            | "external_links_no_follow"
            | "external_links_no_referrer"
            | "external_links_external" => {
                out.insert(key.clone(), value.clone());
                continue;
            }
            "github_alerts" => {
                out.insert("callouts".into(), value.clone());
                continue;
            }
            "highlight_code" | "highlight_theme" | "highlight_themes_css" | "highlighting" => {
                "docent always highlights code, with CSS classes"
            }
            "render_emoji" => "docent does not turn :shortcodes: into emoji",
            _ => "docent's [markdown] has no such setting",
        };
        left.push((format!("markdown.{key}"), why));
    }
    Value::Table(out)
}

/// Why a Zola setting has no place in site.toml; `None` for one that is off, which loses
/// nothing.
fn unsupported(key: &str, value: &Value) -> Option<(String, &'static str)> {
    let off = matches!(value, Value::Boolean(false));
    let why = match key {
        "compile_sass" if off => return None,
        "compile_sass" => "docent does not compile Sass: compile it into static/ yourself",
        "minify_html" if off => return None,
        "minify_html" => "docent does not minify HTML",
        "generate_feeds" | "generate_feed" | "feed_filenames" | "feed_filename" | "feed_limit" => {
            "docent always writes one Atom feed, /atom.xml, with the 50 newest dated pages"
        }
        "highlight_code" | "highlight_theme" => "docent always highlights code, with CSS classes",
        "search" => "docent's search is Pagefind, built when build_search_index is true",
        "link_checker" => "docent checks every internal link and anchor, and fails on a broken one",
        "theme" => {
            "docent has no themes folder: copy the theme's templates/ and static/ into the site"
        }
        "ignored_content" | "ignored_static" => "docent reads every file in content/ and static/",
        "output_dir" => "pass it to `docent build --output-dir`",
        _ => "docent has no such setting",
    };
    Some((key.to_string(), why))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_carry_over() {
        let zola: Table = toml::from_str(
            r#"
base_url = "https://example.org"
title = "Blog"
default_language = "en"
[translations]
more = "More"
[languages.en]
description = "In English"
[languages.es]
title = "Blog en español"
generate_feeds = false
feed_filenames = ["rss.xml"]
taxonomies = [{ name = "tags" }]
[languages.es.translations]
more = "Más"
"#,
        )
        .unwrap();
        let imported = import(&zola).unwrap();
        let config = crate::config::Config::parse(&imported.site_toml).unwrap();
        assert_eq!(config.description, "In English");
        assert_eq!(config.translations["more"], "More");
        let es = &config.languages["es"];
        assert_eq!(es.title.as_deref(), Some("Blog en español"));
        assert!(!es.feed);
        assert_eq!(es.taxonomies[0].name, "tags");
        assert_eq!(es.translations["more"], "Más");
        assert!(!config.languages.contains_key("en"));
        let left: Vec<&str> = imported.left.iter().map(|(k, _)| k.as_str()).collect();
        assert!(left.contains(&"languages.es.feed_filenames"), "{left:?}");
    }

    #[test]
    fn a_zola_config_becomes_a_site_toml_and_says_what_it_left() {
        let zola: Table = toml::from_str(
            r#"
base_url = "https://www.getzola.org/"
title = "Zola"
compile_sass = true
minify_html = false
build_search_index = true
default_language = "fr"
taxonomies = [{ name = "tags", rss = true, lang = "fr" }]
[slugify]
paths = "safe"
paths_keep_dates = true
[markdown]
highlight_code = true
bottom_footnotes = true
external_links_class = "external"
external_links_target_blank = true
[extra]
author = "V"
"#,
        )
        .unwrap();
        let imported = import(&zola).unwrap();
        let config = crate::config::Config::parse(&imported.site_toml).unwrap();
        assert_eq!(config.base_url, "https://www.getzola.org");
        assert_eq!(config.language, "fr");
        assert!(config.build_search_index);
        assert_eq!(config.taxonomies[0].name, "tags");
        assert!(config.taxonomies[0].feed, "rss is Zola's old name for feed");
        assert_eq!(config.slugify.paths, crate::slug::Strategy::Safe);
        assert_eq!(config.extra["author"].as_str(), Some("V"));
        assert!(!config.markdown.math, "Zola has no maths");
        assert!(!config.markdown.smart_punctuation, "Zola's default");
        assert!(config.markdown.bottom_footnotes);
        assert_eq!(
            config.markdown.external_links_class.as_deref(),
            Some("external")
        );
        assert!(config.markdown.external_links_target_blank);
        let left: Vec<&str> = imported.left.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            left,
            [
                "compile_sass",
                "taxonomies.lang",
                "slugify.paths_keep_dates",
                "markdown.highlight_code"
            ]
        );
    }
}
