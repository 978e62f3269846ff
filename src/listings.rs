//! The pages docent makes beyond content files, as Zola does: the later pages of a paginated
//! section, each taxonomy's list of terms, and each term's pages. They are planned from the
//! model and site.toml, and rendered after the docs.

use tera::Value;

use crate::config::{Config, TaxonomyConfig};
use crate::error::{Diagnostic, Diagnostics};
use crate::site::{DocId, Site, Texts};
use crate::slug::{self, Strategy};
use crate::views::Urls;

/// Every taxonomy site.toml declares, with its terms, and how a term's name becomes its slug.
#[derive(Debug, Default)]
pub(crate) struct Taxonomies(pub(crate) Vec<Taxonomy>, pub(crate) Strategy);

#[derive(Debug)]
pub(crate) struct Taxonomy {
    pub(crate) config: TaxonomyConfig,
    /// The language whose pages it lists: a taxonomy of another language is at `/fr/tags/`.
    pub(crate) lang: std::sync::Arc<str>,
    /// URL path of the list of terms: `/tags/`.
    pub(crate) path: String,
    /// In slug order, as Zola lists them.
    pub(crate) terms: Vec<Term>,
}

/// One term and the pages that name it, newest first.
#[derive(Debug, Hash)]
pub(crate) struct Term {
    pub(crate) name: String,
    pub(crate) slug: String,
    /// URL path: `/tags/rust/`.
    pub(crate) path: String,
    pub(crate) pages: Vec<DocId>,
}

impl Taxonomies {
    /// Whether a taxonomy's list of terms is rendered: it shows every page that has a term.
    pub(crate) fn list_every_page(&self) -> bool {
        self.0
            .iter()
            .any(|t| t.config.render && !t.terms.is_empty())
    }

    /// The terms of each declared taxonomy, from every page's `[taxonomies]`. Terms whose
    /// names make one slug (`Rust` and `rust`) are one term, named by the spelling that sorts
    /// first (`Rust`), as Zola names it.
    pub(crate) fn of(site: &Site, config: &Config) -> Taxonomies {
        // Each page's place in its section's order.
        let mut place = vec![0; site.len()];
        for (_, _, section) in site.sections() {
            for (i, page) in section.pages.iter().enumerate() {
                place[page.0] = i;
            }
        }
        let mut all = Vec::new();
        for (lang, declared) in declared(config) {
            let strategy = config.slugify.taxonomies;
            let prefix = crate::lang::prefix(&config.language, lang);
            let path = format!("{prefix}/{}/", slug::path(&declared.name, strategy));
            let mut terms: Vec<Term> = Vec::new();
            let mut by_slug: crate::hashing::Map<String, usize> = Default::default();
            let in_lang = site.pages().filter(|(_, doc, _)| *doc.lang == *lang);
            for (id, _, page) in in_lang {
                for name in page.taxonomies.get(&declared.name).into_iter().flatten() {
                    let slug = slug::path(name, strategy);
                    let at = *by_slug.entry(slug.clone()).or_insert_with(|| {
                        terms.push(Term {
                            name: name.clone(),
                            path: format!("{path}{slug}/"),
                            slug,
                            pages: Vec::new(),
                        });
                        terms.len() - 1
                    });
                    if *name < terms[at].name {
                        terms[at].name = name.clone();
                    }
                    // A page that names a term twice (`Data`, `data`) is listed once.
                    if terms[at].pages.last() != Some(&id) {
                        terms[at].pages.push(id);
                    }
                }
            }
            for term in &mut terms {
                sort_pages(&mut term.pages, site, &place);
            }
            // As Zola: by slug (one per term), so `Émile` sorts with `emile` and Arabic names
            // by their transliteration.
            terms.sort_by(|a, b| a.slug.cmp(&b.slug));
            all.push(Taxonomy {
                config: declared.clone(),
                lang: std::sync::Arc::from(lang),
                path,
                terms,
            });
        }
        Taxonomies(all, config.slugify.taxonomies)
    }

    /// The slug a term's name makes.
    pub(crate) fn slug(&self, name: &str) -> String {
        slug::path(name, self.1)
    }

    /// What every page that reads a taxonomy depends on: each term and its pages' URLs.
    pub(crate) fn fingerprint(&self, site: &Site) -> u64 {
        let mut parts = Vec::new();
        for taxonomy in &self.0 {
            for term in &taxonomy.terms {
                let paths: Vec<&str> = term.pages.iter().map(|&id| &*site[id].path).collect();
                parts.push((&taxonomy.config, &term.name, paths));
            }
        }
        crate::hashing::key(&parts)
    }
}

/// A term's pages as Zola orders them: newest first, a tie by URL; undated pages after, in
/// their sections' order (`place`: each page's index in its section).
fn sort_pages(pages: &mut [DocId], site: &Site, place: &[usize]) {
    pages.sort_by_cached_key(|&id| {
        let doc = &site[id];
        let date = std::cmp::Reverse(doc.date.clone());
        let tie = match doc.date {
            Some(_) => (DocId(0), 0, doc.path.clone()),
            None => (section_of(site, id), place[id.0], String::new()),
        };
        (doc.date.is_none(), date, tie)
    });
}

/// Every declared taxonomy with its language: site.toml's own `taxonomies` in the default
/// language, then each `[languages.x]`'s.
fn declared(config: &Config) -> impl Iterator<Item = (&str, &TaxonomyConfig)> {
    let default = config
        .taxonomies
        .iter()
        .map(|t| (config.language.as_str(), t));
    let others = config
        .languages
        .iter()
        .flat_map(|(code, l)| l.taxonomies.iter().map(move |t| (code.as_str(), t)));
    default.chain(others)
}

/// The section a page is in.
fn section_of(site: &Site, id: DocId) -> DocId {
    site[id].page().map_or(DocId(0), |page| page.section)
}

/// Every page that names a taxonomy site.toml does not declare, or a term that makes no URL:
/// errors at the page's line.
pub(crate) fn check(site: &Site, texts: &Texts, config: &Config) -> Result<(), Diagnostics> {
    let all: Vec<(&str, &TaxonomyConfig)> = declared(config).collect();
    let mut found = Vec::new();
    for (id, doc, page) in site.pages() {
        let declared: Vec<&str> = all
            .iter()
            .filter(|(lang, _)| **lang == *doc.lang)
            .map(|(_, t)| t.name.as_str())
            .collect();
        let at = |key: &str, message: String| match doc.row {
            Some(_) => Diagnostic::in_file(doc.source_name(), message),
            None => {
                let text = texts.full(id);
                let line = text
                    .lines()
                    .position(|l| l.trim_start().starts_with(key))
                    .map_or(1, |i| i + 1);
                Diagnostic::at_line(&doc.shown, text, line, 0, key.len(), message)
            }
        };
        for (name, terms) in &page.taxonomies {
            if !declared.contains(&name.as_str()) {
                let lang = &doc.lang;
                let (message, table) = match **lang == *config.language {
                    true => (
                        format!("the taxonomy `{name}` is not declared in site.toml"),
                        String::new(),
                    ),
                    false => (
                        format!("the taxonomy `{name}` is not declared for `{lang}` in site.toml"),
                        format!(" under `[languages.{lang}]`"),
                    ),
                };
                let help = match crate::error::did_you_mean(name, declared.iter().copied()) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => {
                        format!("add `taxonomies = [{{ name = \"{name}\" }}]` to site.toml{table}")
                    }
                };
                found.push(at(name, message).with_help(help));
                continue;
            }
            let strategy = config.slugify.taxonomies;
            for term in terms.iter().filter(|t| slug::path(t, strategy).is_empty()) {
                let message = format!("the term \"{term}\" makes no URL");
                found.push(at(name, message).with_help("use letters or digits in a term"));
            }
        }
    }
    if found.is_empty() {
        Ok(())
    } else {
        Err(Diagnostics(found))
    }
}

/// A page docent makes that is no content file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Listing {
    /// Page `index` (2 or more) of a paginated section; page 1 is the section itself.
    Pager { section: DocId, index: usize },
    /// The list of a taxonomy's terms.
    Terms { taxonomy: usize },
    /// Page `index` (1 or more) of a term.
    Term {
        taxonomy: usize,
        term: usize,
        index: usize,
    },
}

/// What a listing lists: a section's pages, a term's, or every term's of a taxonomy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum List {
    Section(DocId),
    Terms(usize),
    Term(usize, usize),
}

impl Listing {
    /// The list this listing is a page of: the pagers of one list share it.
    pub(crate) fn list(&self) -> List {
        match *self {
            Listing::Pager { section, .. } => List::Section(section),
            Listing::Terms { taxonomy } => List::Terms(taxonomy),
            Listing::Term { taxonomy, term, .. } => List::Term(taxonomy, term),
        }
    }
}

/// The pages a listing shows, each once.
pub(crate) fn pages_of(listing: &Listing, site: &Site, taxonomies: &Taxonomies) -> Vec<DocId> {
    match listing.list() {
        List::Section(id) => site[id].section().map_or(Vec::new(), |s| s.pages.clone()),
        List::Term(t, n) => taxonomies.0[t].terms[n].pages.clone(),
        List::Terms(t) => {
            let mut pages: Vec<DocId> = taxonomies.0[t]
                .terms
                .iter()
                .flat_map(|term| term.pages.iter().copied())
                .collect();
            pages.sort_unstable();
            pages.dedup();
            pages
        }
    }
}

/// A listing with its URL path.
#[derive(Debug, Clone)]
pub(crate) struct Planned {
    pub(crate) listing: Listing,
    pub(crate) path: String,
}

/// Every listing to render, and the redirects from each first pager (`/blog/page/1/`) to its
/// list (`/blog/`), as (URL path, target path).
pub(crate) fn plan(site: &Site, taxonomies: &Taxonomies) -> (Vec<Planned>, Vec<(String, String)>) {
    let mut planned = Vec::new();
    let mut redirects = Vec::new();
    for (id, doc, section) in site.sections() {
        let Some(paginate) = &section.paginate else {
            continue;
        };
        let pagers = pager_count(section.pages.len(), paginate.by);
        redirects.push((pager_path(&doc.path, &paginate.path, 1), doc.path.clone()));
        for index in 2..=pagers {
            planned.push(Planned {
                listing: Listing::Pager { section: id, index },
                path: pager_path(&doc.path, &paginate.path, index),
            });
        }
    }
    for (t, taxonomy) in taxonomies.0.iter().enumerate() {
        if !taxonomy.config.render {
            continue;
        }
        planned.push(Planned {
            listing: Listing::Terms { taxonomy: t },
            path: taxonomy.path.clone(),
        });
        for (n, term) in taxonomy.terms.iter().enumerate() {
            let (by, segment) = (taxonomy.config.paginate_by, &taxonomy.config.paginate_path);
            let pagers = by.map_or(1, |by| pager_count(term.pages.len(), by));
            if by.is_some() {
                redirects.push((pager_path(&term.path, segment, 1), term.path.clone()));
            }
            for index in 1..=pagers {
                let path = match index {
                    1 => term.path.clone(),
                    _ => pager_path(&term.path, segment, index),
                };
                let listing = Listing::Term {
                    taxonomy: t,
                    term: n,
                    index,
                };
                planned.push(Planned { listing, path });
            }
        }
    }
    (planned, redirects)
}

/// A listing or redirect on the output file of a page, an alias, or another listing: errors
/// naming both.
pub(crate) fn clashes(
    site: &Site,
    planned: &[Planned],
    redirects: &[(String, String)],
) -> Result<(), Diagnostics> {
    if planned.is_empty() && redirects.is_empty() {
        return Ok(()); // the common case, on every save: no map of every output to build
    }
    let mut taken: crate::hashing::Map<String, String> = crate::hashing::Map::default();
    for (_, doc) in site.docs() {
        taken.insert(doc.output.clone(), doc.source_name());
        for alias in &doc.aliases {
            taken.insert(alias.clone(), format!("an alias in {}", doc.source_name()));
        }
    }
    let mut found = Vec::new();
    let made = planned
        .iter()
        .map(|p| &p.path)
        .chain(redirects.iter().map(|r| &r.0));
    for path in made {
        let output = crate::site::Doc::output_of(path);
        let listing = format!("the listing at {path}");
        if let Some(owner) = taken.insert(output, listing) {
            let message = format!("docent makes a listing at {path}, where {owner} is too");
            let help = "rename the taxonomy, its `paginate_path`, or the page";
            found.push(Diagnostic::in_file(crate::config::FILE, message).with_help(help));
        }
    }
    if found.is_empty() {
        Ok(())
    } else {
        Err(Diagnostics(found))
    }
}

/// How many pages a list of `items` split `by` makes: at least one, which may be empty.
fn pager_count(items: usize, by: usize) -> usize {
    items.div_ceil(by.max(1)).max(1)
}

/// `/blog/` + `page` + 2 = `/blog/page/2/`.
fn pager_path(list: &str, segment: &str, index: usize) -> String {
    format!("{list}{segment}/{index}/")
}

/// Zola's `paginator`: page `index` (from 1) of `pages` split `by`, for the list at `list`.
pub(crate) fn paginator(
    (pages, by, segment): (&[DocId], usize, &str),
    list: &str,
    index: usize,
    view: &dyn Fn(DocId) -> Value,
    urls: &Urls,
) -> Value {
    let by = by.max(1);
    let pagers = pager_count(pages.len(), by);
    let at = |i: usize| match i {
        1 => urls.permalink(list),
        i => urls.permalink(&pager_path(list, segment, i)),
    };
    let here: Vec<Value> = pages
        .iter()
        .skip((index - 1) * by)
        .take(by)
        .map(|&id| view(id))
        .collect();
    let link = |i: Option<usize>| i.map_or(Value::none(), |i| Value::from(at(i)));
    let mut map = tera::value::Map::new();
    let mut put = |key: &'static str, value: Value| {
        map.insert(key.into(), value);
    };
    put("paginate_by", Value::from(by));
    put(
        "base_url",
        Value::from(format!("{}{segment}/", urls.permalink(list))),
    );
    put("number_pagers", Value::from(pagers));
    put("first", Value::from(at(1)));
    put("last", Value::from(at(pagers)));
    put("previous", link((index > 1).then(|| index - 1)));
    put("next", link((index < pagers).then_some(index + 1)));
    put("pages", Value::from(here));
    put("current_index", Value::from(index));
    put("total_pages", Value::from(pages.len()));
    Value::from(map)
}

/// A term as templates see it: `name`, `slug`, `path`, `permalink`, `page_count`, and its
/// pages' views unless `pages` is false.
pub(crate) fn term_value(
    term: &Term,
    view: &dyn Fn(DocId) -> Value,
    urls: &Urls,
    pages: bool,
) -> Value {
    let mut map = tera::value::Map::new();
    map.insert("name".into(), Value::from(term.name.as_str()));
    map.insert("slug".into(), Value::from(term.slug.as_str()));
    map.insert("path".into(), Value::from(urls.path(&term.path)));
    map.insert("permalink".into(), Value::from(urls.permalink(&term.path)));
    map.insert("page_count".into(), Value::from(term.pages.len()));
    if pages {
        let views: Vec<Value> = term.pages.iter().map(|&id| view(id)).collect();
        map.insert("pages".into(), Value::from(views));
    }
    Value::from(map)
}

/// A taxonomy's settings as templates see them.
pub(crate) fn config_value(taxonomy: &Taxonomy, urls: &Urls) -> Value {
    let value = Value::from_serializable(&taxonomy.config);
    let mut map = value.into_map().unwrap_or_default();
    map.insert("lang".into(), Value::from(&*taxonomy.lang));
    map.insert("path".into(), Value::from(urls.path(&taxonomy.path)));
    map.insert(
        "permalink".into(),
        Value::from(urls.permalink(&taxonomy.path)),
    );
    Value::from(map)
}

/// The Atom feed of each term of each taxonomy with `feed = true`: (output file, XML).
pub(crate) fn feeds(
    site: &Site,
    taxonomies: &Taxonomies,
    config: &Config,
    urls: &Urls,
) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for taxonomy in taxonomies.0.iter().filter(|t| t.config.feed) {
        for term in &taxonomy.terms {
            let path = format!("{}atom.xml", term.path);
            let title = format!("{} – {}", config.title, term.name);
            let feed = crate::site_files::Feed {
                title: &title,
                lang: &taxonomy.lang,
                path: &path,
                home: &term.path,
            };
            let pages = term.pages.iter().map(|&id| &site[id]).collect();
            let xml = crate::site_files::atom_of(pages, &feed, config, urls);
            files.push((path.trim_start_matches('/').to_string(), xml));
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_into_pagers_with_links_both_ways() {
        assert_eq!(
            pager_count(0, 2),
            1,
            "an empty list still has its first page"
        );
        assert_eq!(pager_count(4, 2), 2);
        assert_eq!(pager_count(5, 2), 3);
        let view = |id: DocId| Value::from(format!("p{}", id.0));
        let pages: Vec<DocId> = (0..5).map(DocId).collect();
        let urls = Urls {
            origin: "https://x.org",
            base_path: "/docs",
        };
        let get = |index: usize, key: &str| {
            let value = paginator((&pages, 2, "page"), "/blog/", index, &view, &urls);
            value
                .get_from_path(key)
                .cloned()
                .unwrap_or(Value::from("missing"))
        };
        assert_eq!(get(1, "previous"), Value::none());
        assert_eq!(
            get(1, "next"),
            Value::from("https://x.org/docs/blog/page/2/")
        );
        assert_eq!(
            get(3, "previous"),
            Value::from("https://x.org/docs/blog/page/2/")
        );
        assert_eq!(get(2, "previous"), Value::from("https://x.org/docs/blog/"));
        assert_eq!(get(3, "next"), Value::none());
        assert_eq!(get(3, "pages"), Value::from(vec![Value::from("p4")]));
        assert_eq!(
            get(2, "pages"),
            Value::from(vec![Value::from("p2"), Value::from("p3")])
        );
        assert_eq!(get(2, "number_pagers"), Value::from(3));
        assert_eq!(get(2, "total_pages"), Value::from(5));
        assert_eq!(
            get(2, "last"),
            Value::from("https://x.org/docs/blog/page/3/")
        );
        assert_eq!(
            get(2, "base_url"),
            Value::from("https://x.org/docs/blog/page/")
        );
    }
}
