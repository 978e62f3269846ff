//! What templates see: `page` and `section` values, built once per build from borrowed data.
//!
//! Each page becomes one `tera::Value` (Arc-backed, so handing it to many contexts copies
//! pointers, not content). A section's `pages` holds those same values.

use std::sync::{LazyLock, OnceLock};

use rayon::prelude::*;
use serde::Serialize;
use tera::value::Key;
use tera::{Map, Value};

use crate::config::Config;
use crate::data;
use crate::links::{self, Refs, Renders};
use crate::markdown::{Heading, Rendered};
use crate::pipeline::Stop;
use crate::site::{DocId, Kind, Page, PerDoc, Site};

/// One empty array and one empty map for every view that has nothing in a field: most pages have
/// no authors, objectives or citations, and each empty value would be an allocation of its own
/// that lives until every page is rendered.
fn empty_array() -> Value {
    static EMPTY: LazyLock<Value> = LazyLock::new(|| Value::from(Vec::<Value>::new()));
    EMPTY.clone()
}

fn empty_map() -> Value {
    static EMPTY: LazyLock<Value> = LazyLock::new(|| Value::from(Map::new()));
    EMPTY.clone()
}

/// `list` as an array value, or the shared empty one.
fn array_of(list: Vec<Value>) -> Value {
    match list.is_empty() {
        true => empty_array(),
        false => Value::from(list),
    }
}

/// Words read per minute, for `reading_time`.
const READING_SPEED: usize = 200;

/// Each doc's `page` or `section` value.
pub(crate) type Views = PerDoc<Value>;

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
    lang: &'a str,
    /// The same page or section in every language it is written in, itself too (Zola's).
    translations: Vec<Neighbour<'a>>,
}

/// A neighbour in section order, or a translation: enough to link to it.
#[derive(Serialize)]
struct Neighbour<'a> {
    title: &'a str,
    description: Option<&'a str>,
    path: String,
    permalink: String,
    /// A translation's language; not shown for a neighbour, which shares the page's.
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<&'a str>,
}

pub(crate) struct Urls<'a> {
    pub(crate) origin: &'a str,
    pub(crate) base_path: &'a str,
}

impl Urls<'_> {
    /// Where the site in `config` is served.
    pub(crate) fn of(config: &Config) -> Urls<'_> {
        Urls {
            origin: config.origin(),
            base_path: config.base_path(),
        }
    }

    pub(crate) fn path(&self, path: &str) -> String {
        format!("{}{path}", self.base_path)
    }
    pub(crate) fn permalink(&self, path: &str) -> String {
        format!("{}{}{path}", self.origin, self.base_path)
    }
}

/// Builds every view, or takes it from `reuse` where that has it. It takes the rendered
/// Markdown by value and frees each body once its view holds the resolved HTML, so the two
/// copies never all exist at once. Once `stop` is set, the docs left get empty views: the
/// caller is giving the build up.
pub(crate) fn build(
    site: &Site,
    renders: Renders,
    urls: &Urls,
    refs: Refs,
    stop: &Stop,
    reuse: &(dyn Fn(DocId) -> Option<Value> + Sync),
) -> Views {
    let neighbours = Neighbours::of(site, urls);
    let mut views: Vec<Value> = renders
        .into_vec()
        .into_par_iter()
        .enumerate()
        .map(|(i, rendered)| {
            let id = DocId(i);
            if let Some(view) = reuse(id) {
                return view;
            }
            match &site[id].kind {
                _ if stop.is_set() => Value::none(),
                Kind::Page(page) => {
                    let mut map = common(site, id, rendered, urls, refs);
                    page_fields(&mut map, site, id, page, &neighbours);
                    learning_fields(&mut map, id, page, (refs.learning, &neighbours));
                    map.shrink_to_fit(); // one map per page lives until every page is rendered
                    Value::from(map)
                }
                // A section's own fields; its pages join once every page's view is made.
                Kind::Section(_) => Value::from(common(site, id, rendered, urls, refs)),
            }
        })
        .collect();
    for (id, _, section) in site.sections() {
        if reuse(id).is_some() {
            continue;
        }
        let pages: Vec<Value> = section.pages.iter().map(|&p| views[p.0].clone()).collect();
        let mut map = views[id.0].as_map().cloned().unwrap_or_default();
        map.insert("pages".into(), Value::from(pages));
        let subsections: Vec<&str> = section
            .subsections
            .iter()
            .map(|&s| site[s].rel.as_str())
            .collect();
        map.insert("subsections".into(), Value::from_serializable(&subsections));
        map.insert("schema".into(), Value::from(section.schema.clone()));
        reading_order(&mut map, site, id, (refs.learning, &neighbours));
        views[id.0] = Value::from(map);
    }
    PerDoc::from_vec(views)
}

/// Each page's place in its section, and one small link value per page, shared by its
/// neighbours' `lower` and `higher`.
/// Made when first asked for: a run that reuses most views needs few.
struct Neighbours<'a> {
    site: &'a Site,
    urls: &'a Urls<'a>,
    position: Vec<usize>,
    links: Vec<OnceLock<Value>>,
}

impl<'a> Neighbours<'a> {
    fn of(site: &'a Site, urls: &'a Urls<'a>) -> Neighbours<'a> {
        let mut position = vec![0; site.len()];
        for (_, _, section) in site.sections() {
            for (n, &page) in section.pages.iter().enumerate() {
                position[page.0] = n;
            }
        }
        let links = site.ids().map(|_| OnceLock::new()).collect();
        Neighbours {
            site,
            urls,
            position,
            links,
        }
    }

    fn link(&self, id: DocId) -> Value {
        let make = || {
            let doc = &self.site[id];
            Value::from_serializable(&Neighbour {
                title: &doc.title,
                description: doc.description.as_deref(),
                path: self.urls.path(&doc.path),
                permalink: self.urls.permalink(&doc.path),
                lang: None,
            })
        };
        self.links[id.0].get_or_init(make).clone()
    }
}

/// A page's place on its learning path: what to read first, what builds on it, and what the
/// reader can do after it.
fn learning_fields(
    map: &mut Map,
    id: DocId,
    page: &Page,
    (learning, neighbours): (&crate::learning::Learning, &Neighbours),
) {
    let links =
        |ids: &[DocId]| array_of(ids.iter().map(|&d| neighbours.link(d)).collect::<Vec<_>>());
    map.insert("prerequisites".into(), links(learning.before(id)));
    map.insert("next_steps".into(), links(learning.after(id)));
    let objectives = page.objectives.iter().map(|o| Value::from(o.as_str()));
    map.insert("objectives".into(), array_of(objectives.collect()));
}

/// A section's pages in reading order, and its path drawn as SVG when any of them has
/// prerequisites.
fn reading_order(
    map: &mut Map,
    site: &Site,
    id: DocId,
    (learning, neighbours): (&crate::learning::Learning, &Neighbours),
) {
    let order = learning.reading_order(site, id);
    let index = |d: DocId| order.iter().position(|&o| o == d);
    let steps: Vec<crate::learning::svg::Step> = order
        .iter()
        .map(|&p| crate::learning::svg::Step {
            title: &site[p].title,
            needs: learning
                .before(p)
                .iter()
                .filter_map(|&b| index(b))
                .collect(),
        })
        .collect();
    let drawn = steps.iter().any(|s| !s.needs.is_empty());
    let diagram = match drawn {
        true => Value::safe_string(&crate::learning::svg::draw(&steps, &site[id].title)),
        false => Value::none(),
    };
    map.insert("path_diagram".into(), diagram);
    let links: Vec<Value> = order.iter().map(|&p| neighbours.link(p)).collect();
    map.insert("reading_order".into(), Value::from(links));
}

/// What only a page's view has: its own keys and links to its neighbours in section order.
fn page_fields(map: &mut Map, site: &Site, id: DocId, page: &Page, neighbours: &Neighbours) {
    map.insert("slug".into(), Value::from(page.slug.as_str()));
    let authors = page.authors.iter().map(|a| Value::from(a.as_str()));
    map.insert("authors".into(), array_of(authors.collect()));
    map.insert(
        "taxonomies".into(),
        match page.taxonomies.is_empty() {
            true => empty_map(),
            false => Value::from_serializable(&page.taxonomies),
        },
    );
    map.insert(
        "section".into(),
        Value::from(site[page.section].rel.as_str()),
    );
    let order = site[page.section]
        .section()
        .map_or(&[][..], |s| s.pages.as_slice());
    let position = neighbours.position[id.0];
    let neighbour = |at: Option<usize>| {
        at.and_then(|at| order.get(at))
            .map_or_else(Value::none, |&n| neighbours.link(n))
    };
    map.insert("lower".into(), neighbour(position.checked_sub(1)));
    map.insert("higher".into(), neighbour(Some(position + 1)));
}

fn common(
    site: &Site,
    id: DocId,
    rendered: std::sync::Arc<Rendered>,
    urls: &Urls,
    refs: Refs,
) -> Map {
    let doc = &site[id];
    let permalink = urls.permalink(&doc.path);
    let toc = toc(&rendered.toc, &permalink);
    let common = Common {
        title: &doc.title,
        description: doc.description.as_deref(),
        path: urls.path(&doc.path),
        relative_path: &doc.rel,
        date: doc.date.as_deref(),
        updated: doc.updated.as_deref(),
        weight: doc.weight,
        word_count: rendered.word_count,
        reading_time: rendered.word_count.div_ceil(READING_SPEED),
        ancestors: site
            .ancestors(id)
            .iter()
            .map(|&a| site[a].rel.as_str())
            .collect(),
        lang: &doc.lang,
        translations: translations(site, id, urls),
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
    let resolve = |html: &str| {
        let html = refs.figures.fill(html, site, id);
        let html = links::resolve_hrefs(&html, site, urls.base_path);
        let html = refs.glossary.resolve(&html);
        Value::safe_string(&refs.quizzes.resolve(&html, refs.sources))
    };
    map.insert("content".into(), resolve(&rendered.html));
    let summary = rendered.summary.as_deref().map(resolve);
    map.insert("summary".into(), summary.unwrap_or_else(Value::none));
    let extra = match doc.extra.is_empty() {
        true => empty_map(),
        false => data::table_to_value(&doc.extra),
    };
    map.insert("extra".into(), extra);
    map.insert(
        "citations".into(),
        citations(&rendered.citations, refs.sources),
    );
    map
}

/// A doc's translations, itself among them, as links.
fn translations<'a>(site: &'a Site, id: DocId, urls: &Urls) -> Vec<Neighbour<'a>> {
    let link = |t: &DocId| {
        let doc = &site[*t];
        Neighbour {
            title: &doc.title,
            description: doc.description.as_deref(),
            path: urls.path(&doc.path),
            permalink: urls.permalink(&doc.path),
            lang: Some(&doc.lang),
        }
    };
    site.translations(id).iter().map(link).collect()
}

/// The table of contents as Zola shapes it: `level`, `id`, `title`, `permalink`, `children`.
/// Built as values directly, with one shared empty array for every leaf's `children`: a large
/// site has tens of thousands of headings, and each entry lives until every page is rendered.
fn toc(headings: &[Heading], permalink: &str) -> Value {
    if headings.is_empty() {
        return empty_array();
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
    array_of(list)
}
