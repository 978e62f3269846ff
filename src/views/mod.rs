//! What templates see: `page` and `section` values.
//!
//! A view is one `tera::Value` (Arc-backed, so handing it to many contexts copies pointers, not
//! content). There are two ways to hold them:
//!
//! - [`Views::Made`]: every view made up front and kept. The dev server's memo keeps views
//!   between runs, so it makes them all and reuses those whose inputs did not change.
//! - [`Views::Lazy`]: each view made when a template needs it and dropped once it is rendered.
//!   A build holds every body's HTML and table of contents, which a view is made from, but
//!   never every view at once: a section's pages are made together, rendered, listed in the
//!   section, and freed (see `render::render_all`).
//!
//! Both make a view with the same code (`make`), so they give the same values.

mod make;

use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use tera::Value;

use crate::config::Config;
use crate::links::{Held, Renders};
use crate::markdown::{Heading, Rendered};
use crate::pipeline::Stop;
use crate::site::{DocId, PerDoc, Site};
use crate::spill::{At, Spill};

use make::{Maker, Neighbours};

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

/// What a view needs of a rendered body, kept by a build that makes views when asked for:
/// less than [`Rendered`], which also holds what the link checks read. Like `Rendered`, its
/// `html` is empty when `spilled` says where it went.
#[derive(Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Body {
    html: String,
    spilled: Option<At>,
    summary: Option<String>,
    toc: Box<[Heading]>,
    word_count: usize,
    citations: Vec<String>,
}

/// A body as a build keeps it until its view is made: written to the spill beside its HTML,
/// or here when there is no spill or it could not take the body.
enum Kept {
    Here(Box<Body>),
    Spilled(At),
}

impl Kept {
    fn of(body: Body, spill: Option<&Spill>) -> Kept {
        let spilled = spill.and_then(|spill| spill.put(&serde_json::to_string(&body).ok()?));
        match spilled {
            Some(at) => Kept::Spilled(at),
            None => Kept::Here(Box::new(body)),
        }
    }

    /// The body, read back from `spill` when it is there. One that cannot be read back is
    /// empty, and the spill remembers the failure, which fails the build.
    fn body(&self, spill: Option<&Spill>) -> std::borrow::Cow<'_, Body> {
        let (Kept::Spilled(at), Some(spill)) = (self, spill) else {
            return match self {
                Kept::Here(body) => std::borrow::Cow::Borrowed(&**body),
                Kept::Spilled(_) => std::borrow::Cow::Owned(Body::default()),
            };
        };
        let read = serde_json::from_str(&spill.read(*at)).unwrap_or_else(|err| {
            spill.fail(format!("a body's record is not what was written: {err}"));
            Body::default()
        });
        std::borrow::Cow::Owned(read)
    }
}

/// A body as a view reads it: borrowed from a [`Body`], or from a [`Rendered`] that a memo
/// keeps, so making a view copies nothing of it.
#[derive(Clone, Copy)]
pub(crate) struct BodyRef<'a> {
    html: &'a str,
    spilled: Option<At>,
    summary: Option<&'a str>,
    toc: &'a [Heading],
    word_count: usize,
    citations: &'a [String],
}

impl Body {
    /// Moves the fields out when nothing else holds `rendered`, as in a build; copies them
    /// otherwise.
    fn of(rendered: Arc<Rendered>) -> Body {
        let r = Arc::try_unwrap(rendered).unwrap_or_else(|shared| (*shared).clone());
        Body {
            html: r.html,
            spilled: r.spilled,
            summary: r.summary,
            toc: r.toc,
            word_count: r.word_count,
            citations: r.citations,
        }
    }

    fn read(&self) -> BodyRef<'_> {
        BodyRef {
            html: &self.html,
            spilled: self.spilled,
            summary: self.summary.as_deref(),
            toc: &self.toc,
            word_count: self.word_count,
            citations: &self.citations,
        }
    }
}

impl<'a> BodyRef<'a> {
    fn of(r: &'a Rendered) -> BodyRef<'a> {
        BodyRef {
            html: &r.html,
            spilled: r.spilled,
            summary: r.summary.as_deref(),
            toc: &r.toc,
            word_count: r.word_count,
            citations: &r.citations,
        }
    }
}

/// Every doc's view, made up front or when asked for.
pub(crate) enum Views {
    Made(Made),
    Lazy(Box<Lazy>),
}

/// Every view, made once and kept.
pub(crate) struct Made {
    views: PerDoc<Value>,
    /// Each section's view without its pages and subsections (Zola's `metadata_only`).
    heads: crate::hashing::Map<DocId, Value>,
}

/// What views are made from, owned so that a site function can make one while any template
/// renders.
pub(crate) struct Lazy {
    site: Arc<Site>,
    bodies: PerDoc<Kept>,
    origin: String,
    base_path: String,
    held: Arc<Held>,
    /// Where the bodies' HTML is, when not in memory.
    spill: Option<Arc<Spill>>,
    neighbours: Neighbours,
    /// Each section's head, made when first asked for (it holds no pages, so it is small).
    heads: Vec<OnceLock<Value>>,
    /// Each section's full view, made when a template first asks for it with `get_section`, and
    /// kept: a theme that shows a section on every page would make it again for each.
    sections: Vec<OnceLock<Value>>,
}

impl Views {
    /// Every view, made now; `reuse` hands back the ones an earlier run made from the same
    /// inputs. Once `stop` is set, the docs left get empty views: the caller is giving the
    /// build up.
    pub(crate) fn made(
        site: &Site,
        renders: Renders,
        (urls, held, spill): (&Urls, &Held, Option<&Spill>),
        stop: &Stop,
        reuse: &(dyn Fn(DocId) -> Option<Value> + Sync),
    ) -> PerDoc<Value> {
        let neighbours = Neighbours::of(site, true);
        let maker = Maker {
            site,
            urls,
            refs: held.refs(),
            neighbours: &neighbours,
            spill,
        };
        // Pages and section heads first, then each section's pages join its head. Each body
        // is freed once its view holds the resolved HTML, so the two never all exist at once.
        let mut views: Vec<Value> = renders
            .into_vec()
            .into_par_iter()
            .enumerate()
            .map(|(i, rendered)| {
                let id = DocId(i);
                match reuse(id) {
                    Some(view) => view,
                    None if stop.is_set() => Value::none(),
                    None => maker.view(id, BodyRef::of(&rendered)),
                }
            })
            .collect();
        for (id, _, section) in site.sections() {
            if reuse(id).is_some() {
                continue;
            }
            let head = views[id.0].as_map().cloned().unwrap_or_default();
            let pages = section.pages.iter().map(|&p| views[p.0].clone()).collect();
            views[id.0] = maker.section(id, head, pages);
        }
        PerDoc::from_vec(views)
    }

    /// Views made up front and kept, as [`Views::made`] returned them.
    pub(crate) fn kept(site: &Site, views: PerDoc<Value>) -> Views {
        let heads = site
            .sections()
            .map(|(id, _, _)| (id, make::head_of(&views[id])))
            .collect();
        Views::Made(Made { views, heads })
    }

    /// Views made when asked for, from `renders`, whose HTML may be in `spill`.
    pub(crate) fn lazy(
        site: &Arc<Site>,
        renders: Renders,
        (urls, held): (&Urls, &Arc<Held>),
        spill: Option<Arc<Spill>>,
    ) -> Views {
        let keep = |rendered| Kept::of(Body::of(rendered), spill.as_deref());
        let bodies: Vec<Kept> = renders.into_vec().into_par_iter().map(keep).collect();
        let unset = || (0..site.len()).map(|_| OnceLock::new()).collect();
        Views::Lazy(Box::new(Lazy {
            site: Arc::clone(site),
            bodies: PerDoc::from_vec(bodies),
            origin: urls.origin.to_string(),
            base_path: urls.base_path.to_string(),
            held: Arc::clone(held),
            spill,
            neighbours: Neighbours::of(site, false),
            heads: unset(),
            sections: unset(),
        }))
    }

    /// The `page` or `section` value of `id`.
    pub(crate) fn get(&self, id: DocId) -> Value {
        match self {
            Views::Made(made) => made.views[id].clone(),
            Views::Lazy(lazy) => match lazy.site[id].section() {
                None => lazy.make(id),
                Some(_) => lazy.sections[id.0]
                    .get_or_init(|| self.section(id, &self.listed(&[])))
                    .clone(),
            },
        }
    }

    /// A section's view without its pages and subsections; a page's view.
    pub(crate) fn head(&self, id: DocId) -> Value {
        match self {
            Views::Made(made) => made.heads.get(&id).unwrap_or(&made.views[id]).clone(),
            Views::Lazy(lazy) if lazy.site[id].section().is_some() => {
                lazy.heads[id.0].get_or_init(|| lazy.make(id)).clone()
            }
            Views::Lazy(_) => self.get(id),
        }
    }

    /// The views of `pages`, made once for a list that shows them all (a section, a term, a
    /// paginator), side by side.
    pub(crate) fn listed(&self, pages: &[DocId]) -> Listed<'_> {
        let made = match self {
            Views::Made(_) => Default::default(),
            Views::Lazy(_) => pages.par_iter().map(|&p| (p, self.get(p))).collect(),
        };
        Listed { views: self, made }
    }

    /// The full view of the section `id`, its pages taken from `listed` where it has them.
    pub(crate) fn section(&self, id: DocId, listed: &Listed) -> Value {
        match self {
            Views::Made(made) => made.views[id].clone(),
            Views::Lazy(lazy) => {
                if let Some(kept) = lazy.sections[id.0].get() {
                    return kept.clone();
                }
                // Its head, made again unless a template asked for it: kept, a section's
                // reading order would hold a link to every page until the build ends.
                let head = match lazy.heads[id.0].get() {
                    Some(head) => head.clone(),
                    None => lazy.make(id),
                };
                let head = head.into_map().unwrap_or_default();
                let section = lazy.site[id].section().map_or(&[][..], |s| &s.pages);
                let pages = section.iter().map(|&p| listed.get(p)).collect();
                lazy.with(|maker| maker.section(id, head, pages))
            }
        }
    }
}

impl Lazy {
    /// A page's view, or a section's head.
    fn make(&self, id: DocId) -> Value {
        let body = self.bodies[id].body(self.spill.as_deref());
        self.with(|maker| maker.view(id, body.read()))
    }

    fn with<T>(&self, make: impl FnOnce(&Maker) -> T) -> T {
        let urls = Urls {
            origin: &self.origin,
            base_path: &self.base_path,
        };
        make(&Maker {
            site: &self.site,
            urls: &urls,
            refs: self.held.refs(),
            neighbours: &self.neighbours,
            spill: self.spill.as_deref(),
        })
    }
}

/// The views of a list's pages, made once for all of it.
pub(crate) struct Listed<'a> {
    views: &'a Views,
    made: crate::hashing::Map<DocId, Value>,
}

impl Listed<'_> {
    /// The view of `id`: the one made for the list, or one made now.
    pub(crate) fn get(&self, id: DocId) -> Value {
        match self.made.get(&id) {
            Some(view) => view.clone(),
            None => self.views.get(id),
        }
    }
}

#[cfg(test)]
mod tests;
