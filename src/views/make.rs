//! Making one view: a page's, or a section's head (its own fields), which its pages then join.

use std::sync::{LazyLock, OnceLock};

use serde::Serialize;
use tera::value::Key;
use tera::{Map, Value};

use std::borrow::Cow;

use super::{BodyRef, Urls};
use crate::data;
use crate::links::{self, Refs};
use crate::markdown::Heading;
use crate::site::{DocId, Kind, Page, Site};
use crate::spill::Spill;

/// One empty array and one empty map for every view that has nothing in a field: most pages have
/// no authors, objectives or citations, and each empty value would be an allocation of its own.
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

/// The fields pages and sections share, borrowed from the model and the body.
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

/// A section's full view without its pages and subsections, which are the most of it.
pub(super) fn head_of(view: &Value) -> Value {
    match view.as_map() {
        Some(map) => {
            let mut head = map.clone();
            head.shift_remove(&Key::Str("pages"));
            head.shift_remove(&Key::Str("subsections"));
            Value::from(head)
        }
        None => view.clone(),
    }
}

/// Each page's place in its section, and, when kept, one small link value per doc, shared by
/// its neighbours' `lower` and `higher` and the reading orders that list it.
pub(super) struct Neighbours {
    position: Vec<usize>,
    /// Made when first asked for: a run that reuses most views needs few. A build, which
    /// holds few views at once, makes each link where it is needed instead.
    links: Option<Vec<OnceLock<Value>>>,
}

impl Neighbours {
    pub(super) fn of(site: &Site, keep_links: bool) -> Neighbours {
        let mut position = vec![0; site.len()];
        for (_, _, section) in site.sections() {
            for (n, &page) in section.pages.iter().enumerate() {
                position[page.0] = n;
            }
        }
        let links = keep_links.then(|| site.ids().map(|_| OnceLock::new()).collect());
        Neighbours { position, links }
    }
}

/// What a view is made from besides its body.
pub(super) struct Maker<'a> {
    pub(super) site: &'a Site,
    pub(super) urls: &'a Urls<'a>,
    pub(super) refs: Refs<'a>,
    pub(super) neighbours: &'a Neighbours,
    pub(super) spill: Option<&'a Spill>,
}

impl Maker<'_> {
    /// A page's view, or a section's head: everything but its pages and subsections.
    pub(super) fn view(&self, id: DocId, body: BodyRef) -> Value {
        let mut map = self.common(id, body);
        match &self.site[id].kind {
            Kind::Page(page) => {
                self.page_fields(&mut map, id, page);
                self.learning_fields(&mut map, id, page);
                map.shrink_to_fit(); // a view lives until its section is rendered, or longer
            }
            Kind::Section(section) => {
                map.insert("schema".into(), Value::from(section.schema.clone()));
                self.reading_order(&mut map, id);
            }
        }
        Value::from(map)
    }

    /// A section's full view: its `head` with its `pages` and `subsections` before the fields
    /// only a section has.
    pub(super) fn section(&self, id: DocId, mut head: Map, pages: Vec<Value>) -> Value {
        let subsections: Vec<&str> = self.site[id]
            .section()
            .map_or(&[][..], |s| &s.subsections)
            .iter()
            .map(|&s| self.site[s].rel.as_str())
            .collect();
        let at = head.get_index_of(&Key::Str("schema")).unwrap_or(head.len());
        head.shift_insert(at, "pages".into(), Value::from(pages));
        let subsections = Value::from_serializable(&subsections);
        head.shift_insert(at + 1, "subsections".into(), subsections);
        Value::from(head)
    }

    /// The body's HTML, read back from the spill when it is there.
    fn html<'b>(&self, body: BodyRef<'b>) -> Cow<'b, str> {
        match (body.spilled, self.spill) {
            (None, _) => Cow::Borrowed(body.html),
            (Some(at), Some(spill)) => Cow::Owned(spill.read(at)),
            // A body is spilled only in a run that has a spill, and every maker gets it.
            (Some(_), None) => Cow::Borrowed(""),
        }
    }

    /// A link to `id`, for a neighbour or a reading order.
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
        match &self.neighbours.links {
            Some(links) => links[id.0].get_or_init(make).clone(),
            None => make(),
        }
    }

    /// A page's place on its learning path: what to read first, what builds on it, and what
    /// the reader can do after it.
    fn learning_fields(&self, map: &mut Map, id: DocId, page: &Page) {
        let learning = self.refs.learning;
        let links = |ids: &[DocId]| array_of(ids.iter().map(|&d| self.link(d)).collect());
        map.insert("prerequisites".into(), links(learning.before(id)));
        map.insert("next_steps".into(), links(learning.after(id)));
        let objectives = page.objectives.iter().map(|o| Value::from(o.as_str()));
        map.insert("objectives".into(), array_of(objectives.collect()));
    }

    /// A section's pages in reading order, and its path drawn as SVG when any of them has
    /// prerequisites.
    fn reading_order(&self, map: &mut Map, id: DocId) {
        let (site, learning) = (self.site, self.refs.learning);
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
        let links: Vec<Value> = order.iter().map(|&p| self.link(p)).collect();
        map.insert("reading_order".into(), Value::from(links));
    }

    /// What only a page's view has: its own keys and links to its neighbours in section order.
    fn page_fields(&self, map: &mut Map, id: DocId, page: &Page) {
        let site = self.site;
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
        let position = self.neighbours.position[id.0];
        let neighbour = |at: Option<usize>| {
            at.and_then(|at| order.get(at))
                .map_or_else(Value::none, |&n| self.link(n))
        };
        map.insert("lower".into(), neighbour(position.checked_sub(1)));
        map.insert("higher".into(), neighbour(Some(position + 1)));
    }

    fn common(&self, id: DocId, body: BodyRef) -> Map {
        let (site, urls, refs) = (self.site, self.urls, self.refs);
        let doc = &site[id];
        let permalink = urls.permalink(&doc.path);
        let toc = toc(body.toc, &permalink);
        let common = Common {
            title: &doc.title,
            description: doc.description.as_deref(),
            path: urls.path(&doc.path),
            relative_path: &doc.rel,
            date: doc.date.as_deref(),
            updated: doc.updated.as_deref(),
            weight: doc.weight,
            word_count: body.word_count,
            reading_time: body.word_count.div_ceil(READING_SPEED),
            ancestors: site
                .ancestors(id)
                .iter()
                .map(|&a| site[a].rel.as_str())
                .collect(),
            lang: &doc.lang,
            translations: self.translations(id),
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
        map.insert("content".into(), resolve(&self.html(body)));
        let summary = body.summary.map(resolve);
        map.insert("summary".into(), summary.unwrap_or_else(Value::none));
        let extra = match doc.extra.is_empty() {
            true => empty_map(),
            false => data::table_to_value(&doc.extra),
        };
        map.insert("extra".into(), extra);
        map.insert("citations".into(), citations(body.citations, refs.sources));
        map
    }

    /// A doc's translations, itself among them, as links.
    fn translations(&self, id: DocId) -> Vec<Neighbour<'_>> {
        let link = |t: &DocId| {
            let doc = &self.site[*t];
            Neighbour {
                title: &doc.title,
                description: doc.description.as_deref(),
                path: self.urls.path(&doc.path),
                permalink: self.urls.permalink(&doc.path),
                lang: Some(&doc.lang),
            }
        };
        self.site.translations(id).iter().map(link).collect()
    }
}

/// The table of contents as Zola shapes it: `level`, `id`, `title`, `permalink`, `children`.
/// Built as values directly, with one shared empty array for every leaf's `children`: a section
/// of a thousand pages has thousands of headings.
fn toc(headings: &[Heading], permalink: &str) -> Value {
    if headings.is_empty() {
        return empty_array();
    }
    let entries: Vec<Value> = headings
        .iter()
        .map(|h| {
            let mut entry = Map::with_capacity(5);
            entry.insert(Key::Str("level"), Value::from(h.level));
            entry.insert(Key::Str("id"), Value::from(&*h.id));
            entry.insert(Key::Str("title"), Value::from(&*h.title));
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
