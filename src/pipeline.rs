//! The stages of a run, in order, for `build`, `check` and `serve` alike. Each stage takes
//! what the last one returned. Files go to a [`Sink`] as they are ready: staging for `build`,
//! memory for `serve` and `check`. A [`Report`] decides whether problems stop the run, and a
//! [`Memo`] holds what an earlier run left that this one may reuse.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use rayon::prelude::*;

use crate::config::{self, Config};
use crate::discover::{Asset, Sources};
use crate::error::{Diagnostic, Diagnostics, Failure, Result};
use crate::glossary::Glossary;
use crate::links::{Held, Refs};
use crate::listings::{self, Taxonomies};
use crate::memo::{Memo, Salt};
use crate::publish::Publish;
use crate::render::{Globals, Renderer, Rendering};
use crate::report::{Report, Severity};
use crate::search::Plan;
use crate::site::{DocId, Site, Texts};
use crate::templates::Templates;
use crate::timings::Laps;
use crate::views::Urls;
use crate::{check, data, fs, links, schema};

/// What to build: the site folder and the flags that change the output.
#[derive(Debug, Clone, Hash)]
pub(crate) struct Options {
    pub(crate) root: PathBuf,
    pub(crate) base_url: Option<String>,
    pub(crate) drafts: bool,
    /// Include pages dated later than now.
    pub(crate) future: bool,
}

/// Where finished files go, by output path.
pub(crate) trait Sink: Sync {
    /// The pages the search index covers, announced before any page is put, when site.toml
    /// asks for an index.
    fn search(&self, _plan: Plan) -> anyhow::Result<()> {
        Ok(())
    }

    fn put(&self, file: &str, bytes: Bytes) -> anyhow::Result<()>;
}

/// A request to give a run up: `serve` sets it when a newer change makes the run stale.
#[derive(Debug, Clone, Default)]
pub(crate) struct Stop(Option<Arc<AtomicBool>>);

impl Stop {
    /// A stop that `flag` sets.
    pub(crate) fn on(flag: Arc<AtomicBool>) -> Stop {
        Stop(Some(flag))
    }

    pub(crate) fn is_set(&self) -> bool {
        self.0.as_ref().is_some_and(|f| f.load(Ordering::Relaxed))
    }

    /// Fails with [`Failure::Stopped`] once set; checked between stages.
    pub(crate) fn check(&self) -> Result<()> {
        if self.is_set() {
            Err(Failure::Stopped)
        } else {
            Ok(())
        }
    }
}

/// What a run built, for its one-line report.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Counts {
    pub(crate) pages: usize,
    pub(crate) sections: usize,
}

/// A finished run: its counts, and the model it built, for the lints that read the output.
pub(crate) struct Ran {
    pub(crate) counts: Counts,
    pub(crate) site: Arc<Site>,
    pub(crate) base_path: String,
    /// How long each stage took.
    pub(crate) laps: Laps,
}

/// Every stage, in order.
pub(crate) fn run(
    options: &Options,
    sink: &dyn Sink,
    report: &mut Report,
    memo: &mut Memo,
    stop: &Stop,
) -> Result<Ran> {
    let mut laps = Laps::start();
    let (config, config_text, mut sources) = read(options, report, memo, stop)?;
    let urls = Urls::of(&config);
    laps.lap("read");
    let loaded = load(options, &config, &mut sources, memo).report(report)?;
    let (templates, data, (site, mut texts), schemas) = loaded;
    laps.lap("load");
    check_model(report, memo, (&site, &texts), &sources, &config, &schemas)?;
    let versions = templates.as_ref().map(Templates::versions);
    let versions = versions.unwrap_or_default();
    laps.lap("output and schema checks");
    let loaded = (templates.as_ref().ok(), config.markdown_settings());
    let renders = memo.markdown((&site, &options.root), &mut texts, loaded, &versions);
    laps.lap("markdown");
    let bodies = (&*site, &texts, &renders);
    let given = (&config, templates.as_ref().ok(), stop);
    let checked = check_rendered(report, bodies, (&data, &sources), given, &mut laps);
    let (held, taxonomies) = settled(&site, &texts, checked)?;
    let templates = templates?;
    let chosen = report.take("template", templates.choose(&site, &texts));
    let chosen = settled(&site, &texts, chosen)?;
    let (nav, navs) = report.take("config", config_value(&config, &config_text, &site, &urls))?;
    let listed = (&*site, taxonomies.fingerprint(&site));
    let settings = (&*config_text, &config);
    let salt = Salt::new(settings, &urls, listed, &sources.data, versions);
    drop(texts);
    laps.lap("templates chosen");
    let all = taxonomies.list_every_page();
    let views = Arc::new(memo.views(&site, renders, (&urls, &held, all), stop));
    stop.check()?;
    laps.lap("views");
    let plan = || sink.search(Plan::of(&site, &urls, &config));
    config.build_search_index.then(plan).transpose()?;
    let globals = Globals::new((nav, navs), &data, &config);
    let strings = Arc::new(crate::lang::Strings::of(&config));
    let shared = (&held.glossary, &taxonomies, &strings);
    let renderer = Renderer::bind(templates, &site, &views, &urls, shared);
    let rendering = Rendering::new(renderer, chosen, &globals);
    laps.lap("templates bound");
    let job = rendering.job(&site, &views, &urls);
    let made = (&rendering, &globals, &*taxonomies, &config);
    let (listed, not_found) = render_site(sink, (report, memo), &job, made, (&salt, stop))?;
    laps.lap("render");
    memo.discard((views, rendering)); // free what rendering needed before the site's other files
    let files = memo.site_files(&site, &config, &urls, (not_found, &listed));
    put_site_files(sink, files, &sources.assets)?;
    laps.lap("site files and assets");
    Ok(Ran::of(site, &config, laps))
}

/// What the views read besides the bodies, and the site's taxonomies, once the bodies, their
/// links and the taxonomies are checked.
fn check_rendered(
    report: &mut Report,
    bodies: (&Site, &Texts, &links::Renders),
    (data, sources): (&Arc<data::Data>, &Sources),
    (config, templates, stop): (&Config, Option<&Templates>, &Stop),
    laps: &mut Laps,
) -> Result<(Arc<Held>, Arc<Taxonomies>)> {
    let held = Arc::new(teaching(report, bodies, (data, sources), config)?);
    let refs = held.refs();
    stop.check()?;
    check_bodies(report, bodies, refs, templates)?;
    lint(report, bodies, (sources, data), (config, refs));
    let taxonomies = taxonomies(report, bodies.0, bodies.1, config)?;
    laps.lap("link checks");
    Ok((held, taxonomies))
}

/// `result`, unless a file read again to quote an error no longer holds the text that was
/// built (a build lets each text go once its body is rendered): then the run fails, naming
/// it, because its errors may point at the wrong lines and its checks saw another text.
fn settled<T>(site: &Site, texts: &Texts, result: Result<T>) -> Result<T> {
    let changed: Vec<Diagnostic> = texts
        .changed()
        .map(|id| {
            Diagnostic::in_file(
                &site[id].shown,
                "this file changed while docent was building",
            )
            .with_help("build again: the checks read it as it is now, not as it was built")
        })
        .collect();
    if changed.is_empty() {
        return result;
    }
    let mut problems = match result {
        Err(Failure::Site(problems)) => problems.0,
        _ => Vec::new(),
    };
    problems.extend(changed);
    Err(Failure::Site(Diagnostics(problems)))
}

/// The problems Markdown found in the bodies, and their links, anchors, citations and terms.
fn check_bodies(
    report: &mut Report,
    (site, texts, renders): (&Site, &Texts, &links::Renders),
    refs: Refs,
    templates: Option<&Templates>,
) -> Result<()> {
    let bad = links::body_problems(site, texts, renders, Severity::Error);
    report.check("markdown", errors(bad))?;
    let declared = templates.map(|t| t.declared_anchors(site));
    let checked = links::check(site, texts, renders, refs, declared.as_ref());
    report.check("link", checked)?;
    report.check("quiz", refs.quizzes.check_uses(site, texts, renders))
}

/// Renders every doc and listing, each handed to `sink` as soon as it is ready, and the 404
/// page; returns the listings' URL paths and the 404 page.
fn render_site(
    sink: &dyn Sink,
    (report, memo): (&mut Report, &mut Memo),
    job: &crate::render::Job,
    (rendering, globals, taxonomies, config): (&Rendering, &Globals, &Taxonomies, &Config),
    (salt, stop): (&Salt, &Stop),
) -> Result<(Vec<String>, Option<String>)> {
    render_docs(sink, (report, memo), job, (salt, stop))?;
    let listed = put_listings(sink, job, taxonomies, config, job.urls);
    let listed = report.take("render", listed)?;
    let not_found = report.take("render", rendering.render_extra("404.html", globals))?;
    match memo.spill_failure() {
        Some(err) => Err(Failure::Io(err)),
        None => Ok((listed, not_found)),
    }
}

/// Renders every doc, each handed to `sink` as soon as it is ready.
fn render_docs(
    sink: &dyn Sink,
    (report, memo): (&mut Report, &mut Memo),
    job: &crate::render::Job,
    (salt, stop): (&Salt, &Stop),
) -> Result<()> {
    let put = |id: DocId, html| match job.site[id].rendered() {
        true => put_page(sink, &job.site[id].output, html),
        false => Ok(()),
    };
    let rendered = memo.render_all(job, salt, stop, &put);
    report.check("render", rendered)?;
    stop.check()
}

/// The site's taxonomies, once every page is checked to name only declared ones.
fn taxonomies(
    report: &mut Report,
    site: &Site,
    texts: &Texts,
    config: &Config,
) -> Result<Arc<Taxonomies>> {
    report.check("taxonomy", listings::check(site, texts, config))?;
    Ok(Arc::new(Taxonomies::of(site, config)))
}

/// Renders and puts the pages docent makes beyond content files (taxonomy pages, later pages
/// of paginated lists), their redirects and their feeds; returns their URL paths.
fn put_listings(
    sink: &dyn Sink,
    job: &crate::render::Job,
    taxonomies: &Taxonomies,
    config: &Config,
    urls: &Urls,
) -> std::result::Result<Vec<String>, Diagnostics> {
    let (planned, redirects) = listings::plan(job.site, taxonomies);
    listings::clashes(job.site, &planned, &redirects)?;
    let put = |file: &str, html| put_page(sink, file, html);
    crate::render::render_listings(job, taxonomies, &planned, &put)?;
    let mut files = Vec::new();
    for (from, to) in redirects {
        let html = crate::site_files::redirect(&urls.path(&to));
        files.push((crate::site::Doc::output_of(&from), html));
    }
    files.extend(listings::feeds(job.site, taxonomies, config, urls));
    for (file, text) in files {
        let bytes = Bytes::from(crate::render::scrub(text).into_bytes());
        put_page(sink, &file, bytes).map_err(Diagnostics::from)?;
    }
    Ok(planned.into_iter().map(|p| p.path).collect())
}

/// The checks that need the model: output paths claimed twice, and schemas.
fn check_model(
    report: &mut Report,
    memo: &mut Memo,
    (site, texts): (&Site, &Texts),
    sources: &Sources,
    config: &Config,
    schemas: &Arc<schema::Schemas>,
) -> Result<()> {
    let claimed = memo.check_claims(site, texts, &sources.assets, config);
    report.check("output", claimed)?;
    let schemed = memo.check_schemas(schemas, &sources.data, site, texts);
    report.check("schema", schemed)
}

/// Reads site.toml and every source file, and runs the lints that need only their text.
fn read(
    options: &Options,
    report: &mut Report,
    memo: &mut Memo,
    stop: &Stop,
) -> Result<(Config, String, Sources)> {
    let (config, config_text) = report.take("config", load_config(options))?;
    memo.settle(&config);
    let timeout = config.template_timeout;
    crate::watchdog::set_limit(timeout.unwrap_or(crate::watchdog::DEFAULT_SECONDS));
    let (sources, unreadable) = memo.discover(&options.root, stop)?;
    stop.check()?;
    report.check("file", errors(unreadable))?;
    report.lint(Severity::Error, "placeholder", || {
        check::placeholders(&sources)
    });
    report.lint(Severity::Warning, "script", || check::scripts(&sources));
    Ok((config, config_text, sources))
}

/// The site's own files, then the files copied as they are.
fn put_site_files(sink: &dyn Sink, files: Vec<(String, Bytes)>, assets: &[Asset]) -> Result<()> {
    for (file, bytes) in files {
        sink.put(&file, bytes)?;
    }
    put_assets(sink, assets)
}

impl Ran {
    fn of(site: Arc<Site>, config: &Config, laps: Laps) -> Ran {
        let pages = site.count_pages();
        Ran {
            counts: Counts {
                pages,
                sections: site.len() - pages,
            },
            site,
            base_path: config.base_path().to_string(),
            laps,
        }
    }
}

/// `check`'s lints on the bodies: files, sources and glossary use, then the teaching lint.
fn lint(
    report: &mut Report,
    (site, texts, renders): (&Site, &Texts, &links::Renders),
    (sources, data): (&Sources, &data::Data),
    (config, refs): (&Config, Refs),
) {
    check::lint_markdown(report, site, texts, renders, sources, config, data);
    crate::lint::teaching(report, (site, texts), config, (refs.glossary, refs.figures));
}

/// What the views read besides the bodies, checked: the glossary, the quizzes in
/// `content/data/quizzes.toml`, the pages' learning paths and their figures' numbers.
fn teaching(
    report: &mut Report,
    (site, texts, renders): (&Site, &Texts, &links::Renders),
    (data, sources): (&Arc<data::Data>, &Sources),
    config: &Config,
) -> Result<Held> {
    let glossary = Arc::new(report.take("config", glossary(config, data, site))?);
    let cited = data.tree.get(links::SOURCES).and_then(|s| s.as_table());
    let quizzes = report.take("quiz", crate::quiz::load(&sources.data, cited))?;
    let learning = report.take("prerequisite", crate::learning::of(site, texts))?;
    let figures = crate::figrefs::Numbers::of(renders);
    Ok(Held {
        data: Arc::clone(data),
        glossary,
        quizzes,
        learning,
        figures,
    })
}

/// The glossary that site.toml names, if it names one.
fn glossary(
    config: &Config,
    data: &data::Data,
    site: &Site,
) -> std::result::Result<Glossary, Diagnostics> {
    Glossary::load(
        config.glossary.as_ref(),
        &data.tree,
        site,
        config.base_path(),
    )
    .map_err(Diagnostics::from)
}

/// Bad input found while reading, as a stage result.
fn errors(found: Vec<Diagnostic>) -> std::result::Result<(), Diagnostics> {
    if found.is_empty() {
        Ok(())
    } else {
        Err(Diagnostics(found))
    }
}

/// The inputs that do not depend on one another, parsed and checked side by side.
struct Loaded {
    templates: std::result::Result<Templates, Diagnostics>,
    schemas: std::result::Result<Arc<schema::Schemas>, Diagnostics>,
    data: std::result::Result<Arc<data::Data>, Diagnostics>,
    content: std::result::Result<(Arc<Site>, Texts), Diagnostics>,
}

/// Takes the templates and Markdown out of `sources`; the other stages need only the rest.
fn load(options: &Options, config: &Config, sources: &mut Sources, memo: &mut Memo) -> Loaded {
    let templates = std::mem::take(&mut sources.templates);
    let markdown = std::mem::take(&mut sources.markdown);
    let data_files = &sources.data;
    let (loaded, read) = memo.templates(templates);
    let (kept_schemas, schema_files) = memo.schemas(&options.root);
    let (templates, (schemas, (data, content))) = rayon::join(
        || loaded.map_or_else(crate::templates::load, Ok),
        || {
            rayon::join(
                || kept_schemas.map_or_else(|| schema::load(&options.root).map(Arc::new), Ok),
                || {
                    let data = memo.data(data_files);
                    let publish = Publish::now(options.drafts, options.future);
                    let rules = (&publish, config.title.as_str());
                    let content = memo.index(
                        markdown,
                        data_files,
                        rules,
                        &crate::content::Naming::of(config),
                    );
                    (data, content)
                },
            )
        },
    );
    let templates = memo.keep_templates(read, templates);
    let schemas = memo.keep_schemas(schema_files, schemas);
    Loaded {
        templates,
        schemas,
        data,
        content,
    }
}

impl Loaded {
    /// Reports every loader's problems, in the order a reader would fix them: templates, data,
    /// content, schemas. Templates are handed back unopened: `check` goes on checking content
    /// when only they failed, and stops when it needs them.
    #[allow(clippy::type_complexity)]
    fn report(
        self,
        report: &mut Report,
    ) -> Result<(
        Result<Templates>,
        Arc<data::Data>,
        (Arc<Site>, Texts),
        Arc<schema::Schemas>,
    )> {
        report.check("template", problems(&self.templates))?;
        report.check("data", problems(&self.data))?;
        report.check("content", problems(&self.content))?;
        report.check("schema", problems(&self.schemas))?;
        // Each failure is reported above; what is left only says that the run cannot go on.
        Ok((
            self.templates.map_err(Failure::Site),
            self.data?,
            self.content?,
            self.schemas?,
        ))
    }
}

/// A loader's problems, without its value.
fn problems<T>(
    loaded: &std::result::Result<T, Diagnostics>,
) -> std::result::Result<(), Diagnostics> {
    match loaded {
        Ok(_) => Ok(()),
        Err(problems) => Err(problems.clone()),
    }
}

/// Reads site.toml, with `--base-url` over its own.
fn load_config(options: &Options) -> std::result::Result<(Config, String), Diagnostics> {
    let root = &options.root;
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
        return Err(d.into());
    }
    let text = fs::read_text(&path, Path::new(config::FILE))
        .map_err(|err| Diagnostic::in_file(config::FILE, format!("{err:#}")))??;
    let mut config = Config::parse(&text)?;
    if let Some(url) = &options.base_url {
        let url = url.trim_end_matches('/');
        if let Err(why) = config::base_url_problem(url) {
            return Err(Diagnostic::in_file("--base-url", format!("the base URL {why}")).into());
        }
        config.base_url = url.to_string();
    }
    Ok((config, text))
}

/// site.toml as templates see it, with each nav item's `@/` link resolved; and, for each other
/// language, the nav with each link to the page's translation in that language, where it has one.
fn config_value(
    config: &Config,
    config_text: &str,
    site: &Site,
    urls: &Urls,
) -> std::result::Result<(tera::Value, Vec<(String, tera::Value)>), Diagnostics> {
    let mut config = config.clone();
    let mut targets = vec![None; config.nav.len()];
    for (i, item) in config.nav.iter_mut().enumerate() {
        let Some(file) = item.url.strip_prefix("@/") else {
            continue;
        };
        let Some(target) = site.lookup(file) else {
            let message = format!(
                "nav item \"{}\" links to `{}`, which is not a content file",
                item.name, item.url
            );
            let span = config::nav_url_span(config_text, i).unwrap_or(0..0);
            let d = Diagnostic::at(config::FILE, config_text, span, message);
            return Err(match crate::error::did_you_mean(file, site.files()) {
                Some(close) => d.with_help(format!("did you mean `@/{close}`?")),
                None => d.with_help("`@/` paths are relative to content/"),
            }
            .into());
        };
        item.url = urls.path(&site[target].path);
        targets[i] = Some(target);
    }
    let navs = config.languages.keys().map(|code| {
        let mut nav = config.nav.clone();
        for (item, target) in nav.iter_mut().zip(&targets) {
            if let Some(target) = *target {
                item.url = urls.path(&site[site.in_language(target, code)].path);
            }
        }
        (code.clone(), tera::Value::from_serializable(&nav))
    });
    let navs = navs.collect();
    let mut map = tera::Value::from_serializable(&config)
        .into_map()
        .unwrap_or_default();
    map.insert("extra".into(), data::table_to_value(&config.extra));
    // Zola's name for it, which themes read.
    let default_language = tera::Value::from(config.language.as_str());
    map.insert("default_language".into(), default_language);
    Ok((tera::Value::from(map), navs))
}

fn put_page(sink: &dyn Sink, file: &str, html: Bytes) -> std::result::Result<(), Diagnostic> {
    sink.put(file, html)
        .map_err(|e| Diagnostic::in_file(file, format!("{e:#}")))
}

/// Copies static/ and the files beside content into the output.
fn put_assets(sink: &dyn Sink, assets: &[Asset]) -> Result<()> {
    assets.par_iter().try_for_each(|asset| {
        let bytes = fs::read(&asset.path)?;
        sink.put(&asset.rel, bytes.into()).map_err(Failure::Io)
    })
}

/// A whole site in memory: output path -> bytes, and the search index still to build.
#[derive(Default)]
pub(crate) struct Memory {
    /// In the order they came; sorted once, at the end.
    files: Mutex<Vec<(String, Bytes)>>,
    search: Mutex<Option<Plan>>,
}

/// What a run into [`Memory`] built.
pub(crate) struct Built {
    pub(crate) files: BTreeMap<String, Bytes>,
    /// The search index to build from `files`, when site.toml asks for one.
    pub(crate) search: Option<Plan>,
    pub(crate) counts: Counts,
    pub(crate) laps: Laps,
    /// When a page comes due or expires: the site is stale from then on.
    pub(crate) until: Option<jiff::Timestamp>,
}

impl Sink for Memory {
    fn search(&self, plan: Plan) -> anyhow::Result<()> {
        *self.search.lock().unwrap_or_else(|e| e.into_inner()) = Some(plan);
        Ok(())
    }

    fn put(&self, file: &str, bytes: Bytes) -> anyhow::Result<()> {
        let file = file.to_string();
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.push((file, bytes));
        Ok(())
    }
}

impl Memory {
    pub(crate) fn into_built(self, counts: Counts, laps: Laps) -> anyhow::Result<Built> {
        let mut files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        if let Some(pair) = files.windows(2).find(|pair| pair[0].0 == pair[1].0) {
            // Claims are checked before anything is put, so this is docent's own bug.
            anyhow::bail!("docent wrote {} twice; this is a bug", pair[0].0);
        }
        Ok(Built {
            files: files.into_iter().collect(),
            search: self.search.into_inner().unwrap_or_else(|e| e.into_inner()),
            counts,
            laps,
            until: None,
        })
    }
}

/// Builds the site into memory, stopping at the first stage with errors.
pub(crate) fn render(options: &Options, memo: &mut Memo, stop: &Stop) -> Result<Built> {
    let memory = Memory::default();
    let ran = run(options, &memory, &mut Report::fail_fast(), memo, stop)?;
    let until = ran.site.publishing().until;
    let built = memory.into_built(ran.counts, ran.laps)?;
    Ok(Built { until, ..built })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changed_after_its_text_was_let_go_fails_the_run_with_its_errors_kept() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        let text = "+++\ntitle = \"A\"\n+++\nA [link](@/gone.md).";
        std::fs::write(dir.path().join("content/a.md"), text).unwrap();
        let file = crate::discover::SourceFile {
            shown: Path::new("content/a.md").to_path_buf(),
            rel: "a.md".into(),
            text: Arc::from(text),
        };
        let publish = crate::publish::Publish::now(false, false);
        let naming = crate::content::Naming::default();
        let index = crate::content::index(vec![file], &[], &publish, "S", &naming);
        let (site, mut texts) = index.unwrap();
        texts.let_go(&site, Some(dir.path()), |_| ());
        let id = site.lookup("a.md").unwrap();
        assert!(settled(&site, &texts, Ok(())).is_ok(), "nothing read again");
        std::fs::write(dir.path().join("content/a.md"), "another text").unwrap();
        let found = site[id].at(texts.full(id), &(0..1), "broken link");
        let result: Result<()> = Err(Failure::Site(Diagnostics(vec![found])));
        let Err(Failure::Site(problems)) = settled(&site, &texts, result) else {
            panic!("a changed file fails the run");
        };
        let messages: Vec<&str> = problems.0.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            ["broken link", "this file changed while docent was building"]
        );
        assert!(
            settled(&site, &texts, Ok(())).is_err(),
            "even with no error"
        );
    }

    #[test]
    fn a_site_toml_error_is_a_located_diagnostic_said_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("site.toml"),
            "title = \"T\"\nbase_url = \"https://x.org\"\ndescripton = \"d\"\n",
        )
        .unwrap();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("content/_index.md"), "+++\ntitle = \"H\"\n+++\n").unwrap();
        let options = Options {
            root: root.to_path_buf(),
            base_url: None,
            drafts: false,
            future: false,
        };
        let failure = render(&options, &mut Memo::none(), &Stop::default())
            .err()
            .expect("an unknown key fails");
        assert!(matches!(failure, Failure::Site(_)), "{failure:?}");
        // What serve's overlay and the terminal show: once "error:", with the location.
        let text = crate::serve::describe_for_tests(&failure);
        assert!(
            text.starts_with("error: unknown key `descripton`"),
            "{text}"
        );
        assert!(!text.contains("error: error:"), "{text}");
        assert!(text.contains("--> site.toml:3:1"), "{text}");
    }

    #[test]
    fn a_stopped_build_gives_up_without_blaming_the_site() {
        let flag = Arc::new(AtomicBool::new(true));
        let options = Options {
            root: Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic"),
            base_url: None,
            drafts: false,
            future: false,
        };
        let stop = Stop::on(Arc::clone(&flag));
        let result = render(&options, &mut Memo::none(), &stop);
        assert!(matches!(result, Err(Failure::Stopped)));
        flag.store(false, Ordering::Relaxed);
        assert!(
            render(&options, &mut Memo::none(), &stop).is_ok(),
            "the same options build once not stopped"
        );
    }
}
