//! One owner for every output path. Before anything is written, every file a build will write
//! is claimed here: each page and section, each alias, each file copied from static/ or from
//! beside a page, and docent's own files (the sitemap, feed, robots.txt, 404 page, search
//! index, and its marker and staging folder). A build is refused when
//!
//! - two sources claim one path;
//! - one claims a path that another needs as a folder (`/sitemap.xml/` as an alias needs a
//!   folder where the sitemap is a file);
//! - a source claims a name docent keeps for itself (`.docent-*`, or `pagefind/` when the site
//!   builds a search index).
//!
//! Each error names both sources, with the front-matter line that made the path.

use std::collections::HashMap;
use std::path::Path;

use crate::config::Config;
use crate::discover::Asset;
use crate::error::{Diagnostic, Diagnostics, display_path};
use crate::site::{DocId, Site, Texts};
use crate::{search, site_files};

/// Who wants to write a path.
#[derive(Clone, Copy)]
enum Owner<'a> {
    /// A doc's own page, or one of its aliases.
    Doc(DocId, Made),
    Asset(&'a Asset),
    Docent(&'static str),
}

/// Which part of a doc made a path.
#[derive(Clone, Copy, PartialEq)]
enum Made {
    Page,
    Alias,
}

/// Names docent writes in every output folder, for itself.
const OWN_PREFIX: &str = ".docent";

/// Checks every claim on the output folder, reporting every clash at once.
pub(crate) fn check(
    site: &Site,
    texts: &Texts,
    assets: &[Asset],
    config: &Config,
) -> Result<(), Diagnostics> {
    let feeds: Vec<String> = site_files::feed_files(config).into_iter().skip(1).collect();
    let claims = all(site, assets, &feeds);
    let describe = Describe { site, texts };
    let mut owners: HashMap<&str, Owner> = HashMap::with_capacity(claims.len());
    let mut found = Vec::new();
    for &(path, owner) in &claims {
        if let Some(why) = reserved(path, owner, config) {
            found.push(describe.error(owner, why, None));
        } else if let Some(first) = owners.insert(path, owner) {
            let why = format!("/{} is written twice", shown(path));
            found.push(describe.error(owner, why, Some((first, path))));
        }
    }
    for &(path, owner) in &claims {
        for (at, _) in path.match_indices('/') {
            let folder = &path[..at];
            if let Some(&file) = owners.get(folder) {
                let why = format!(
                    "/{} would need /{folder} to be a folder, but a file is written there",
                    shown(path)
                );
                found.push(describe.error(owner, why, Some((file, folder))));
            }
        }
    }
    if found.is_empty() {
        Ok(())
    } else {
        Err(Diagnostics(found))
    }
}

/// Every claim: docent's own first, then every doc's page and aliases, then the assets.
/// `feeds` are the other languages' feeds (`fr/atom.xml`).
fn all<'a>(site: &'a Site, assets: &'a [Asset], feeds: &'a [String]) -> Vec<(&'a str, Owner<'a>)> {
    let mut claims: Vec<(&str, Owner)> = docent_files()
        .map(|(file, what)| (file, Owner::Docent(what)))
        .collect();
    claims.extend(
        feeds
            .iter()
            .map(|f| (f.as_str(), Owner::Docent("a language's feed"))),
    );
    for (id, doc) in site.docs() {
        claims.push((doc.output.as_str(), Owner::Doc(id, Made::Page)));
        for alias in &doc.aliases {
            claims.push((alias.as_str(), Owner::Doc(id, Made::Alias)));
        }
    }
    claims.extend(assets.iter().map(|a| (a.rel.as_str(), Owner::Asset(a))));
    claims
}

/// Why `path` may not be claimed by `owner`, if it may not.
fn reserved(path: &str, owner: Owner, config: &Config) -> Option<String> {
    if matches!(owner, Owner::Docent(_)) {
        return None;
    }
    let first = path.split('/').next().unwrap_or(path);
    if first.starts_with(OWN_PREFIX) {
        return Some(format!("/{first} is a name docent keeps for itself"));
    }
    if config.build_search_index && first == search::BUNDLE {
        return Some(format!(
            "/{}/ holds the search index, which docent writes",
            search::BUNDLE
        ));
    }
    None
}

/// A path as a reader would name it: a page's folder, or the file.
fn shown(path: &str) -> &str {
    path.strip_suffix("index.html").unwrap_or(path)
}

/// Puts words to owners: which file, which line, what it is.
struct Describe<'a> {
    site: &'a Site,
    texts: &'a Texts,
}

impl Describe<'_> {
    /// The error at `owner`, with `other` (the claim it clashes with, and its path) named in
    /// its help.
    fn error(&self, owner: Owner, why: String, other: Option<(Owner, &str)>) -> Diagnostic {
        let d = self.at(owner, why);
        match other {
            Some((other, path)) => d.with_help(format!(
                "{} writes /{}; give one of them another slug, file name or alias",
                self.name(other),
                shown(path)
            )),
            None => d.with_help("choose another name"),
        }
    }

    /// A diagnostic at the line of `owner` that made the path.
    fn at(&self, owner: Owner, message: String) -> Diagnostic {
        match owner {
            Owner::Doc(id, made) => {
                let doc = &self.site[id];
                let text = self.texts.full(id);
                let key = if made == Made::Alias {
                    "aliases"
                } else {
                    "slug"
                };
                match key_line(text, doc.body_offset, key) {
                    Some(line) => {
                        Diagnostic::at_line(&doc.shown, text, line, 0, key.len(), message)
                    }
                    None => Diagnostic::in_file(&doc.shown, message),
                }
            }
            Owner::Asset(asset) => Diagnostic::in_file(&asset.path, message),
            Owner::Docent(what) => {
                Diagnostic::in_file(Path::new("site.toml"), format!("{message} ({what})"))
            }
        }
    }

    fn name(&self, owner: Owner) -> String {
        match owner {
            Owner::Doc(id, Made::Page) => self.site[id].source_name(),
            Owner::Doc(id, Made::Alias) => {
                format!("an alias in {}", self.site[id].source_name())
            }
            Owner::Asset(asset) => display_path(&asset.path),
            Owner::Docent(what) => format!("docent ({what})"),
        }
    }
}

/// The 1-based line of `key = …` in the front matter before `body_offset`.
fn key_line(text: &str, body_offset: usize, key: &str) -> Option<usize> {
    text.get(..body_offset)?
        .lines()
        .position(|line| {
            line.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

/// What docent writes itself in every build.
pub(crate) fn docent_files() -> impl Iterator<Item = (&'static str, &'static str)> {
    site_files::RESERVED.iter().map(|&file| {
        let what = match file {
            "sitemap.xml" => "the sitemap",
            "robots.txt" => "robots.txt",
            "atom.xml" => "the feed",
            _ => "the 404 page",
        };
        (file, what)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::SourceFile;

    fn run(files: &[(&str, &str)], assets: &[&str], search: bool) -> Vec<String> {
        let files = files.iter().map(|(rel, front)| SourceFile {
            shown: format!("content/{rel}").into(),
            rel: rel.to_string(),
            text: format!("+++\n{front}\n+++\nBody.\n").into(),
        });
        let (site, texts) = crate::content::index(
            files.collect(),
            &[],
            &crate::publish::Publish::now(false, false),
            "S",
            &Default::default(),
        )
        .unwrap();
        let assets: Vec<Asset> = assets
            .iter()
            .map(|rel| Asset {
                rel: rel.to_string(),
                path: Path::new("static").join(rel),
            })
            .collect();
        let mut config = Config::parse("title = \"T\"\nbase_url = \"https://x.org\"\n").unwrap();
        config.build_search_index = search;
        match check(&site, &texts, &assets, &config) {
            Ok(()) => Vec::new(),
            Err(d) => {
                d.0.iter()
                    .map(|d| format!("{} | {}", d.message, d.help.clone().unwrap_or_default()))
                    .collect()
            }
        }
    }

    #[test]
    fn two_sources_of_one_path_are_named_both() {
        let found = run(
            &[("x.md", "title = \"A\""), ("x/index.md", "title = \"B\"")],
            &[],
            false,
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("/x/ is written twice | content/x"),
            "{found:?}"
        );
        let found = run(
            &[
                ("x.md", "title = \"A\""),
                ("y.md", "title = \"B\"\naliases = [\"/x/\"]"),
            ],
            &[],
            false,
        );
        assert!(found[0].contains("content/x.md writes /x/"), "{found:?}");
    }

    #[test]
    fn a_path_inside_another_files_path_is_refused() {
        let found = run(
            &[(
                "a.md",
                "title = \"A\"\naliases = [\"/style.css\", \"/sitemap.xml\"]",
            )],
            &["style.css"],
            false,
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].contains("static/style.css writes /style.css"),
            "{found:?}"
        );
        assert!(
            found[1].starts_with("/sitemap.xml/ would need /sitemap.xml to be a folder"),
            "{found:?}"
        );
        assert!(
            found[1].contains("docent (the sitemap) writes /sitemap.xml"),
            "{found:?}"
        );
        // An asset beside a page is fine; one where a page's folder must be is not.
        assert!(run(&[("a.md", "title = \"A\"")], &["a/chart.svg"], false).is_empty());
        let found = run(&[("a/index.md", "title = \"A\"")], &["a"], false);
        assert!(
            found[0].starts_with("/a/ would need /a to be a folder"),
            "{found:?}"
        );
    }

    #[test]
    fn names_docent_keeps_are_refused() {
        let found = run(
            &[("a.md", "title = \"A\"\naliases = [\"/.docent-staging/x/\"]")],
            &["pagefind/x.js"],
            true,
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with("/.docent-staging is a name docent keeps"),
            "{found:?}"
        );
        assert!(
            found[1].starts_with("/pagefind/ holds the search index"),
            "{found:?}"
        );
        assert!(run(&[("a.md", "title = \"A\"")], &["pagefind/x.js"], false).is_empty());
        let found = run(
            &[("a.md", "title = \"A\"\naliases = [\"/404.html/\"]")],
            &[],
            false,
        );
        assert!(!found.is_empty(), "a page over the 404 page's folder");
    }
}
