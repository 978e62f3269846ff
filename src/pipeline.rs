//! The build, stage by stage. Each stage takes what the last one returned; nothing is written
//! until every stage has succeeded.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use anyhow::Result;
use rayon::prelude::*;

use crate::config::{self, Config};
use crate::content::Site;
use crate::error::Diagnostic;
use crate::fingerprint::{self, Manifest};
use crate::incremental::{Known, MarkdownCache, Model};
use crate::links::{self, Renders};
use crate::render::{self, Globals};
use crate::views::{self, Urls};
use crate::{data, discover, fs, markdown, output, schema, search, site_files};

#[derive(Clone)]
pub struct Options {
    pub root: PathBuf,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Build the search index when site.toml asks for one. `serve` may skip it for speed.
    pub search: bool,
    /// Set while a build runs to stop it early; it then fails with [`Stopped`].
    pub stop: Option<Arc<AtomicBool>>,
}

impl Options {
    /// Fails with [`Stopped`] once [`Options::stop`] is set; checked between stages.
    fn go_on(&self) -> Result<()> {
        match &self.stop {
            Some(stop) if stop.load(std::sync::atomic::Ordering::Relaxed) => Err(Stopped.into()),
            _ => Ok(()),
        }
    }
}

/// A build given up because [`Options::stop`] was set: newer changes will be built instead.
#[derive(Debug)]
pub struct Stopped;

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the build was stopped for a newer one")
    }
}

impl std::error::Error for Stopped {}

/// A whole site in memory: output path -> bytes.
pub struct Built {
    pub files: BTreeMap<String, Vec<u8>>,
    /// The search index still to build, when site.toml asks for one and `Options::search`
    /// left it out.
    pub search: Option<search::Plan>,
    pub pages: usize,
    pub sections: usize,
}

/// Renders the whole site into memory.
pub fn render(options: &Options) -> Result<Built> {
    render_with(options, None, None)
}

/// Like [`render`], but takes the Markdown of unchanged bodies from `cache` and keeps what the
/// pages were rendered from, so [`crate::incremental::rerender`] can redo one edited body (`docent serve`).
pub fn render_with(
    options: &Options,
    cache: Option<&mut MarkdownCache>,
    keep: Option<&mut Option<Model>>,
) -> Result<Built> {
    let files = Mutex::new(BTreeMap::new());
    let emit = |rel: &str, bytes| match files
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(rel.to_string())
    {
        Entry::Occupied(_) => Err(output::Duplicate(rel.to_string()).into()),
        Entry::Vacant(slot) => {
            slot.insert(bytes);
            Ok(())
        }
    };
    let done = render_into(options, cache, &emit, keep)?;
    let files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    Ok(Built {
        files,
        search: done.search,
        pages: done.pages,
        sections: done.sections,
    })
}

/// Where each finished file goes, by output path: memory for `serve`, staging for `build`.
type Emit<'a> = &'a (dyn Fn(&str, Vec<u8>) -> Result<()> + Sync);

/// What [`render_into`] reports besides the files it emitted.
struct Done {
    pages: usize,
    sections: usize,
    search: Option<search::Plan>,
}

/// Every stage, in order. Each file is handed to `emit` as soon as it is ready.
fn render_into(
    options: &Options,
    cache: Option<&mut MarkdownCache>,
    emit: Emit,
    keep: Option<&mut Option<Model>>,
) -> Result<Done> {
    let (config, config_text) = load_config(&options.root, options.base_url.as_deref())?;
    let sources = discover::discover(&options.root, options.stop.as_deref())?;
    // A stopped discovery leaves files out; it is not an error in the site.
    options.go_on()?;
    let sources = sources?;
    let Loaded {
        templates,
        schemas,
        data,
        mut site,
    } = load(
        options,
        &config,
        sources.templates,
        sources.markdown,
        &sources.data,
    )?;
    options.go_on()?;
    let urls = Urls::of(&config);
    let pages = config.build_search_index.then(|| search::Plan {
        language: config.language.clone(),
        pages: search_pages(&site, &urls),
    });
    let (indexer, plan) = match pages {
        Some(plan) if options.search => {
            let urls = plan.pages.into_iter().map(|(url, _)| url).collect();
            (Some(search::Indexer::start(&plan.language, urls)?), None)
        }
        plan => (None, plan),
    };
    schemas.check(&sources.data, &site)?;
    let renders = match cache {
        Some(cache) => cache.render(&site),
        None => render_markdown(&site),
    };
    let bibliography = data.tree.get(links::SOURCES).and_then(|s| s.as_table());
    options.go_on()?;
    links::check(&site, &renders, bibliography)?;
    let chosen = templates.choose(&site)?;
    let known = keep.is_some().then(|| Known::of(&site, &renders));
    site.release_sources();
    let stop = options.stop.as_deref();
    let views = views::build(&site, renders, &urls, bibliography, stop);
    let globals = Globals {
        config: config_value(&config, &config_text, &site, &urls)?,
        data: data::table_to_value(&data.tree),
    };
    options.go_on()?;
    templates.bind(&site, &views, &urls);
    let not_found = render::render_extra(&templates, "404.html", &globals).transpose()?;
    let job = render::Job {
        templates: &templates,
        chosen: &chosen,
        site: &site,
        urls: &urls,
        stop,
    };
    render::render_all(&job, &views, &globals, &|path, html| {
        if let Some(indexer) = &indexer {
            indexer.add(urls.path(path), html.clone());
        }
        let rel = format!("{}index.html", path.trim_start_matches('/'));
        emit(&rel, html.into_bytes()).map_err(|e| Diagnostic::in_file(&rel, format!("{e:#}")))
    })?;
    if job.stopped() {
        return Err(Stopped.into());
    }
    // Keep what the pages were rendered from for `serve`; a build frees it before writing the
    // rest of the site.
    let kept = match (keep, known) {
        (Some(slot), Some(known)) => Some((slot, known, views, templates, globals, chosen)),
        _ => {
            drop((views, templates, globals));
            None
        }
    };
    for (rel, bytes) in site_extras(&site, &config, &urls, not_found) {
        emit(&rel, bytes)?;
    }
    add_assets(emit, &sources.assets)?;
    let done = Done {
        pages: site.pages.len(),
        sections: site.sections.len(),
        search: plan,
    };
    match kept {
        Some((slot, known, views, templates, globals, chosen)) => {
            *slot = Some(Model {
                base: globals.context(),
                bibliography: bibliography.cloned(),
                config: config.clone(),
                site,
                views,
                templates,
                chosen,
                known,
            });
        }
        // Free the site while the indexer finishes, rather than after.
        None => drop((site, data, sources.data)),
    }
    if let Some(indexer) = indexer {
        indexer
            .finish()?
            .into_par_iter()
            .try_for_each(|(rel, bytes)| emit(&rel, bytes))?;
    }
    Ok(done)
}

/// The inputs that do not depend on one another, parsed and checked.
struct Loaded {
    templates: render::Templates,
    schemas: schema::Schemas,
    data: data::Data,
    site: Site,
}

/// Loads templates, schemas, data and content side by side, then reports errors in the order a
/// reader would fix them: templates, data, content, schemas.
fn load(
    options: &Options,
    config: &Config,
    templates: Vec<discover::SourceFile>,
    markdown: Vec<discover::SourceFile>,
    data: &[discover::SourceFile],
) -> Result<Loaded> {
    let (templates, (schemas, (data, site))) = rayon::join(
        || render::load(templates),
        || {
            rayon::join(
                || schema::load(&options.root),
                || {
                    let data = data::load(data);
                    let site = crate::content::index(markdown, options.drafts, &config.title);
                    (data, site)
                },
            )
        },
    );
    Ok(Loaded {
        templates: templates?,
        data: data?,
        site: site?,
        schemas: schemas?,
    })
}

/// What a build did, for its one-line report.
pub struct Summary {
    pub pages: usize,
    pub sections: usize,
    pub written: output::Written,
    /// No input changed since the last build into this folder, so nothing was rendered.
    pub up_to_date: bool,
}

/// Renders the site and writes it to `out`, touching only files whose bytes changed. When no
/// input changed since the last build into `out` and its files are intact, it stops early.
pub fn build(options: &Options, out: &Path) -> Result<Summary> {
    output::check_dir(&options.root, out)?;
    let key = (options.base_url.as_deref(), options.drafts, options.search);
    let inputs = fingerprint::of_inputs(&options.root, &key);
    if let Some(last) = output::manifest(out).filter(|m| m.inputs == inputs && m.still_holds(out)) {
        let written = output::Written::default();
        return Ok(Summary {
            pages: last.pages,
            sections: last.sections,
            written,
            up_to_date: true,
        });
    }
    let staging = output::Staging::new(out)?;
    let Done {
        pages, sections, ..
    } = render_into(options, None, &|rel, bytes| staging.put(rel, &bytes), None)?;
    let paths = staging.paths();
    let written = staging.commit()?;
    let manifest = Manifest::record(out, inputs, paths.into_iter());
    output::write_manifest(
        out,
        &Manifest {
            pages,
            sections,
            ..manifest
        },
    )?;
    Ok(Summary {
        pages,
        sections,
        written,
        up_to_date: false,
    })
}

pub fn load_config(root: &Path, base_url: Option<&str>) -> Result<(Config, String)> {
    let path = root.join(config::FILE);
    if !path.is_file() {
        let folder = if root == Path::new(".") {
            "the current folder".to_string()
        } else {
            root.display().to_string()
        };
        let help = if root.join("config.toml").is_file() {
            "this looks like a Zola site: docent reads site.toml, with `title` and `base_url` (see the README)"
        } else {
            "run docent from the site's folder, or pass --root DIR"
        };
        let d = Diagnostic::in_file(config::FILE, format!("no {} in {folder}", config::FILE))
            .with_help(help);
        return Err(crate::error::Diagnostics::from(d).into());
    }
    let text = fs::read_text(&path, Path::new(config::FILE))??;
    let mut config = Config::parse(&text)?;
    if let Some(url) = base_url {
        config.base_url = url.trim_end_matches('/').to_string();
    }
    Ok((config, text))
}

/// Every page and section, as the search index names it (its URL path), and its output file.
fn search_pages(site: &Site, urls: &Urls) -> Vec<(String, String)> {
    let sections = site.sections.iter().map(|s| &s.meta);
    sections
        .chain(site.pages.iter().map(|p| &p.meta))
        .map(|meta| {
            let file = format!("{}index.html", meta.path.trim_start_matches('/'));
            (urls.path(&meta.path), file)
        })
        .collect()
}

pub fn render_markdown(site: &Site) -> Renders {
    Renders {
        pages: site
            .pages
            .par_iter()
            .map(|p| markdown::render(p.meta.body()))
            .collect(),
        sections: site
            .sections
            .par_iter()
            .map(|s| markdown::render(s.meta.body()))
            .collect(),
    }
}

/// site.toml as templates see it, with each nav item's `@/` link resolved.
fn config_value(
    config: &Config,
    config_text: &str,
    site: &Site,
    urls: &Urls,
) -> Result<tera::Value> {
    let mut config = config.clone();
    for item in &mut config.nav {
        if let Some(file) = item.url.strip_prefix("@/") {
            let target = site.by_file.get(file).ok_or_else(|| {
                let message = format!(
                    "nav item \"{}\" links to `{}`, which is not a content file",
                    item.name, item.url
                );
                let line = config_text
                    .lines()
                    .position(|l| l.contains(item.url.as_str()))
                    .map_or(1, |l| l + 1);
                let column = config_text
                    .lines()
                    .nth(line - 1)
                    .and_then(|l| l.find(item.url.as_str()))
                    .unwrap_or(0);
                let files = site.by_file.keys().map(String::as_str);
                let d = Diagnostic::at_line(
                    config::FILE,
                    config_text,
                    line,
                    column,
                    item.url.len(),
                    message,
                );
                crate::error::Diagnostics::from(match crate::error::did_you_mean(file, files) {
                    Some(close) => d.with_help(format!("did you mean `@/{close}`?")),
                    None => d.with_help("`@/` paths are relative to content/"),
                })
            })?;
            item.url = urls.path(&site.meta(*target).path);
        }
    }
    let mut map = tera::Value::from_serializable(&config)
        .into_map()
        .unwrap_or_default();
    map.insert("extra".into(), data::table_to_value(&config.extra));
    Ok(tera::Value::from(map))
}

fn site_extras(
    site: &Site,
    config: &Config,
    urls: &Urls,
    not_found: Option<String>,
) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    files.insert(
        "sitemap.xml".to_string(),
        site_files::sitemap(site, urls).into_bytes(),
    );
    files.insert(
        "robots.txt".to_string(),
        site_files::robots(urls).into_bytes(),
    );
    files.insert(
        "atom.xml".to_string(),
        site_files::atom(site, config, urls).into_bytes(),
    );
    let not_found = not_found.unwrap_or_else(|| site_files::default_404(config, urls));
    files.insert("404.html".to_string(), not_found.into_bytes());
    let metas = site
        .sections
        .iter()
        .map(|s| &s.meta)
        .chain(site.pages.iter().map(|p| &p.meta));
    for meta in metas {
        for alias in &meta.aliases {
            files.insert(
                alias.clone(),
                site_files::redirect(&urls.path(&meta.path)).into_bytes(),
            );
        }
    }
    files
}

/// Adds static/ and the files beside content. A file that would replace a rendered page is an error.
fn add_assets(emit: Emit, assets: &[discover::Asset]) -> Result<()> {
    assets.par_iter().try_for_each(|asset| {
        let bytes = fs::read(&asset.path)?;
        emit(&asset.rel, bytes).map_err(|err| match err.downcast::<output::Duplicate>() {
            Ok(dup) => {
                let d = Diagnostic::in_file(
                    &asset.path,
                    format!("this file would replace the generated /{}", dup.0),
                )
                .with_help("rename or move it");
                crate::error::Diagnostics::from(d).into()
            }
            Err(err) => err,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stopped_build_gives_up_without_blaming_the_site() {
        let stop = Arc::new(AtomicBool::new(true));
        let options = Options {
            root: Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic"),
            base_url: None,
            drafts: false,
            search: false,
            stop: Some(Arc::clone(&stop)),
        };
        let err = render(&options).err().expect("a stopped build fails");
        assert!(err.is::<Stopped>(), "{err:#}");
        stop.store(false, std::sync::atomic::Ordering::Relaxed);
        assert!(
            render(&options).is_ok(),
            "the same options build once not stopped"
        );
    }
}
