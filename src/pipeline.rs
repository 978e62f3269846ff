//! The build, stage by stage. Each stage takes what the last one returned; nothing is written
//! until every stage has succeeded.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use rayon::prelude::*;

use crate::config::{self, Config};
use crate::content::Site;
use crate::error::Diagnostic;
use crate::links::{self, Renders};
use crate::render::{self, Globals};
use crate::views::{self, Urls};
use crate::{data, discover, fs, markdown, output, site_files};

pub struct Options {
    pub root: PathBuf,
    pub base_url: Option<String>,
    pub drafts: bool,
}

/// A whole site in memory: output path -> bytes.
pub struct Built {
    pub files: BTreeMap<String, Vec<u8>>,
    pub pages: usize,
    pub sections: usize,
}

/// Renders the whole site into memory.
pub fn render(options: &Options) -> Result<Built> {
    let (config, config_text) = load_config(&options.root, options.base_url.as_deref())?;
    let sources = discover::discover(&options.root)??;
    let templates = render::load(sources.templates)?;
    let data = data::load(&sources.data)?;
    let site = crate::content::index(sources.markdown, options.drafts, &config.title)?;
    let renders = render_markdown(&site);
    let bibliography = data.tree.get(links::SOURCES).and_then(|s| s.as_table());
    links::check(&site, &renders, bibliography)?;
    let urls = Urls {
        origin: config.origin(),
        base_path: config.base_path(),
    };
    let views = views::build(&site, &renders, &config, bibliography);
    let globals = Globals {
        config: config_value(&config, &config_text, &site, &urls)?,
        data: data::table_to_value(&data.tree),
    };
    templates.bind(&site, &views, &urls);
    let not_found = render::render_extra(&templates, "404.html", &globals).transpose()?;
    let pages = render::render_all(&templates, &site, &views, &globals, &urls)?;
    let mut files = site_extras(&site, &config, &urls, not_found);
    files.extend(pages.into_iter().map(|(path, html)| {
        (
            format!("{}index.html", path.trim_start_matches('/')),
            html.into_bytes(),
        )
    }));
    add_assets(&mut files, &sources.assets)?;
    Ok(Built {
        files,
        pages: site.pages.len(),
        sections: site.sections.len(),
    })
}

/// Renders the site and writes it to `out`, touching only files whose bytes changed.
pub fn build(options: &Options, out: &Path) -> Result<(Built, output::Written)> {
    output::check_dir(&options.root, out)?;
    let built = render(options)?;
    let written = output::write(out, &built.files)?;
    Ok((built, written))
}

fn load_config(root: &Path, base_url: Option<&str>) -> Result<(Config, String)> {
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

fn render_markdown(site: &Site) -> Renders {
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
    Ok(tera::Value::from(
        map.into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<indexmap::IndexMap<_, _>>(),
    ))
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
fn add_assets(files: &mut BTreeMap<String, Vec<u8>>, assets: &[discover::Asset]) -> Result<()> {
    let read: Vec<(String, Vec<u8>)> = assets
        .par_iter()
        .map(|a| fs::read(&a.path).map(|bytes| (a.rel.clone(), bytes)))
        .collect::<Result<_>>()?;
    for ((rel, bytes), asset) in read.into_iter().zip(assets) {
        if files.contains_key(&rel) {
            let d = Diagnostic::in_file(
                &asset.path,
                format!("this file would replace the generated /{rel}"),
            )
            .with_help("rename or move it");
            return Err(crate::error::Diagnostics::from(d).into());
        }
        files.insert(rel, bytes);
    }
    Ok(())
}
