//! What templates see: `page` and `section` values, built once per build from borrowed data.
//!
//! Each page becomes one `tera::Value` (Arc-backed, so handing it to many contexts copies
//! pointers, not content). A section's `pages` holds those same values.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use serde::Serialize;
use tera::value::Key;
use tera::{Map, Value};

use crate::config::Config;
use crate::content::{Meta, Site, Target};
use crate::data;
use crate::links::{self, Renders};
use crate::markdown::{Heading, Rendered};

/// Words read per minute, for `reading_time`.
const READING_SPEED: usize = 200;

pub struct Views {
    pub pages: Vec<Value>,
    pub sections: Vec<Value>,
}

/// The fields pages and sections share, borrowed from the index and the rendered Markdown.
#[derive(Serialize)]
struct Common<'a> {
    title: &'a str,
    description: Option<&'a str>,
    permalink: String,
    path: String,
    relative_path: &'a str,
    date: Option<&'a str>,
    updated: Option<&'a str>,
    weight: Option<i64>,
    word_count: usize,
    reading_time: usize,
    ancestors: Vec<&'a str>,
}

/// A neighbour in section order: enough to link to it.
#[derive(Serialize)]
struct Neighbour<'a> {
    title: &'a str,
    description: Option<&'a str>,
    path: String,
    permalink: String,
}

pub struct Urls<'a> {
    pub origin: &'a str,
    pub base_path: &'a str,
}

impl Urls<'_> {
    /// Where the site in `config` is served.
    pub fn of(config: &Config) -> Urls<'_> {
        Urls {
            origin: config.origin(),
            base_path: config.base_path(),
        }
    }

    pub fn path(&self, path: &str) -> String {
        format!("{}{path}", self.base_path)
    }
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}{path}", self.origin, self.base_path)
    }
}

/// Builds every view. It takes the rendered Markdown by value and frees each body once its view
/// holds the resolved HTML, so the two copies never all exist at once. Once `stop` is set, the
/// pages left get empty views: the caller is giving the build up.
pub fn build(
    site: &Site,
    renders: Renders,
    urls: &Urls,
    sources: Option<&toml::Table>,
    stop: Option<&AtomicBool>,
) -> Views {
    let mut position = vec![0; site.pages.len()];
    for section in &site.sections {
        for (n, &p) in section.pages.iter().enumerate() {
            position[p] = n;
        }
    }
    // One small link value per page, shared by its neighbours' `lower` and `higher`.
    let links: Vec<Value> = site
        .pages
        .iter()
        .map(|p| {
            Value::from_serializable(&Neighbour {
                title: &p.meta.title,
                description: p.meta.description.as_deref(),
                path: urls.path(&p.meta.path),
                permalink: urls.permalink(&p.meta.path),
            })
        })
        .collect();
    let pages: Vec<Value> = renders
        .pages
        .into_par_iter()
        .enumerate()
        .map(|(i, rendered)| {
            if stop.is_some_and(|stop| stop.load(Ordering::Relaxed)) {
                return Value::none();
            }
            let page = &site.pages[i];
            let ancestors = ancestors_of(site, Target::Page(i));
            let mut map = common(site, &page.meta, rendered, urls, ancestors, sources);
            map.insert("slug".into(), Value::from(page.slug.as_str()));
            map.insert("authors".into(), Value::from(page.authors.clone()));
            map.insert(
                "taxonomies".into(),
                Value::from_serializable(&page.taxonomies),
            );
            map.insert(
                "section".into(),
                Value::from(site.sections[page.section].meta.file.rel.as_str()),
            );
            let order = &site.sections[page.section].pages;
            let position = Some(position[i]);
            let neighbour = |j: Option<usize>| {
                j.and_then(|j| order.get(j))
                    .map_or(Value::none(), |&n| links[n].clone())
            };
            map.insert(
                "lower".into(),
                neighbour(position.and_then(|p| p.checked_sub(1))),
            );
            map.insert("higher".into(), neighbour(position.map(|p| p + 1)));
            map.shrink_to_fit(); // one map per page lives until every page is rendered
            Value::from(map)
        })
        .collect();
    let sections = site
        .sections
        .iter()
        .zip(renders.sections)
        .enumerate()
        .map(|(i, (section, rendered))| {
            let ancestors = ancestors_of(site, Target::Section(i));
            let mut map = common(site, &section.meta, rendered, urls, ancestors, sources);
            map.insert(
                "pages".into(),
                Value::from(
                    section
                        .pages
                        .iter()
                        .map(|&p| pages[p].clone())
                        .collect::<Vec<_>>(),
                ),
            );
            let subsections: Vec<&str> = section
                .subsections
                .iter()
                .map(|&s| site.sections[s].meta.file.rel.as_str())
                .collect();
            map.insert("subsections".into(), Value::from_serializable(&subsections));
            map.insert("schema".into(), Value::from(section.schema.clone()));
            Value::from(map)
        })
        .collect();
    Views { pages, sections }
}

/// A view again, after its body changed and nothing else did: the old view with every field
/// that comes from the body replaced, in place.
pub fn refresh(
    old: &Value,
    site: &Site,
    target: Target,
    rendered: Rendered,
    urls: &Urls,
    sources: Option<&toml::Table>,
) -> Value {
    let ancestors = ancestors_of(site, target);
    let fresh = common(site, site.meta(target), rendered, urls, ancestors, sources);
    let mut map = old.as_map().cloned().unwrap_or_default();
    map.extend(fresh);
    Value::from(map)
}

/// Section indices from the root down: Zola's `ancestors`. A page's ends with its own section.
fn ancestors_of(site: &Site, target: Target) -> Vec<usize> {
    match target {
        Target::Page(i) => {
            let section = site.pages[i].section;
            [site.ancestors(section), vec![section]].concat()
        }
        Target::Section(i) => site.sections[i]
            .parent
            .map(|p| [site.ancestors(p), vec![p]].concat())
            .unwrap_or_default(),
    }
}

fn common(
    site: &Site,
    meta: &Meta,
    rendered: Rendered,
    urls: &Urls,
    ancestors: Vec<usize>,
    sources: Option<&toml::Table>,
) -> Map {
    let permalink = urls.permalink(&meta.path);
    let toc = toc(&rendered.toc, &permalink);
    let common = Common {
        title: &meta.title,
        description: meta.description.as_deref(),
        path: urls.path(&meta.path),
        relative_path: &meta.file.rel,
        date: meta.date.as_deref(),
        updated: meta.updated.as_deref(),
        weight: meta.weight,
        word_count: rendered.word_count,
        reading_time: rendered.word_count.div_ceil(READING_SPEED),
        ancestors: ancestors
            .iter()
            .map(|&a| site.sections[a].meta.file.rel.as_str())
            .collect(),
        permalink,
    };
    let mut map = Value::from_serializable(&common)
        .into_map()
        .unwrap_or_default();
    // Zola's place for `toc`: after `reading_time`.
    let at = map
        .get_index_of(&Key::Str("reading_time"))
        .map_or(map.len(), |i| i + 1);
    map.shift_insert(at, Key::Str("toc"), toc);
    let content = links::resolve_hrefs(&rendered.html, site, urls.base_path);
    map.insert("content".into(), Value::safe_string(&content));
    let summary = rendered
        .summary
        .as_deref()
        .map(|s| Value::safe_string(&links::resolve_hrefs(s, site, urls.base_path)));
    map.insert("summary".into(), summary.unwrap_or_else(Value::none));
    map.insert("extra".into(), data::table_to_value(&meta.extra));
    map.insert("citations".into(), citations(&rendered.citations, sources));
    map
}

/// The table of contents as Zola shapes it: `level`, `id`, `title`, `permalink`, `children`.
/// Built as values directly, with one shared empty array for every leaf's `children`: a large
/// site has tens of thousands of headings, and each entry lives until every page is rendered.
fn toc(headings: &[Heading], permalink: &str) -> Value {
    static EMPTY: LazyLock<Value> = LazyLock::new(|| Value::from(Vec::<Value>::new()));
    if headings.is_empty() {
        return EMPTY.clone();
    }
    let entries: Vec<Value> = headings
        .iter()
        .map(|h| {
            let mut entry = Map::with_capacity(5);
            entry.insert(Key::Str("level"), Value::from(h.level));
            entry.insert(Key::Str("id"), Value::from(h.id.as_str()));
            entry.insert(Key::Str("title"), Value::from(h.title.as_str()));
            let link = format!("{permalink}#{}", h.id);
            entry.insert(Key::Str("permalink"), Value::from(link));
            let children = toc(&h.children, permalink);
            entry.insert(Key::Str("children"), children);
            Value::from(entry)
        })
        .collect();
    Value::from(entries)
}

/// The page's sources in citation order: each source's own fields plus `key` and `number`.
fn citations(keys: &[String], sources: Option<&toml::Table>) -> Value {
    let list: Vec<Value> = keys
        .iter()
        .enumerate()
        .map(|(i, key)| {
            let mut entry = match sources.and_then(|s| s.get(key)) {
                Some(toml::Value::Table(t)) => t.clone(),
                _ => toml::Table::new(),
            };
            entry.insert("key".into(), toml::Value::String(key.clone()));
            entry.insert("number".into(), toml::Value::Integer(i as i64 + 1));
            data::table_to_value(&entry)
        })
        .collect();
    Value::from(list)
}
