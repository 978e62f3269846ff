//! The site index: Markdown files become pages and sections with URLs, order and parents.
//!
//! Follows Zola's conventions: `content/x.md` is the page `/x/`, a folder's `_index.md` is a
//! section, `content/x/index.md` is a page whose folder holds its assets.

use std::collections::{BTreeMap, HashMap};

use crate::discover::SourceFile;
use crate::error::{Diagnostic, Diagnostics, collect};
use crate::frontmatter::{self, PageFront, RawDate, SectionFront, Shared, SortBy, Split};
use crate::slug;

/// What a page and a section share: who they are and what they say.
#[derive(Debug, Clone)]
pub struct Meta {
    pub file: SourceFile,
    pub body_offset: usize,
    pub title: String,
    pub description: Option<String>,
    pub date: Option<String>,
    pub updated: Option<String>,
    pub weight: Option<i64>,
    pub template: Option<String>,
    pub extra: toml::Table,
    /// URL path from the site root, without the base path: `/careers/x/`.
    pub path: String,
    /// Output paths of the redirect pages for old URLs: `old/url/index.html`.
    pub aliases: Vec<String>,
}

impl Meta {
    pub fn body(&self) -> &str {
        &self.file.text[self.body_offset..]
    }
}

#[derive(Debug, Clone)]
pub struct Page {
    pub meta: Meta,
    pub slug: String,
    pub authors: Vec<String>,
    pub taxonomies: BTreeMap<String, Vec<String>>,
    pub section: usize,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub meta: Meta,
    pub sort_by: SortBy,
    pub page_template: Option<String>,
    pub schema: Option<String>,
    pub parent: Option<usize>,
    /// Page indices in display order.
    pub pages: Vec<usize>,
    pub subsections: Vec<usize>,
}

/// A content file, by its path relative to content/.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Page(usize),
    Section(usize),
}

#[derive(Debug, Default)]
pub struct Site {
    pub pages: Vec<Page>,
    pub sections: Vec<Section>,
    pub by_file: HashMap<String, Target>,
}

impl Site {
    pub fn meta(&self, target: Target) -> &Meta {
        match target {
            Target::Page(i) => &self.pages[i].meta,
            Target::Section(i) => &self.sections[i].meta,
        }
    }

    /// Section indices from the root down to (not including) the given section.
    pub fn ancestors(&self, mut section: usize) -> Vec<usize> {
        let mut chain = Vec::new();
        while let Some(parent) = self.sections[section].parent {
            chain.push(parent);
            section = parent;
        }
        chain.reverse();
        chain
    }

    /// Frees every source text. Once Markdown is rendered and links are checked nothing reads
    /// them again, and on a large site they are a good share of the memory a build holds.
    /// Afterwards [`Meta::body`] is empty.
    pub fn release_sources(&mut self) {
        let metas = self.pages.iter_mut().map(|p| &mut p.meta);
        for meta in metas.chain(self.sections.iter_mut().map(|s| &mut s.meta)) {
            meta.file.text = String::new();
            meta.body_offset = 0;
        }
    }
}

enum Parsed {
    Page(PageFront, Meta),
    Section(SectionFront, Meta),
}

/// Builds the index from every Markdown file. Drafts are left out unless `drafts` is set.
pub fn index(files: Vec<SourceFile>, drafts: bool, site_title: &str) -> Result<Site, Diagnostics> {
    let parsed = collect(
        files
            .into_iter()
            .map(parse)
            .map(|r| r.map_err(Diagnostics::from)),
    )?;
    let mut site = Site::default();
    let mut section_front = Vec::new();
    let mut page_front = Vec::new();
    let mut draft_dirs = Vec::new();
    for item in parsed {
        match item {
            Parsed::Section(front, meta) if front.draft && !drafts => {
                draft_dirs.push(format!("{}/", section_dir(&meta.file.rel)));
            }
            Parsed::Section(front, meta) => section_front.push((front, meta)),
            Parsed::Page(front, meta) if drafts || !front.draft => page_front.push((front, meta)),
            Parsed::Page(..) => {}
        }
    }
    // A draft section hides everything under it.
    let in_draft = |meta: &Meta| {
        draft_dirs
            .iter()
            .any(|d| meta.file.rel.starts_with(d.as_str()))
    };
    section_front.retain(|(_, meta)| !in_draft(meta));
    page_front.retain(|(_, meta)| !in_draft(meta));
    let dirs = add_sections(&mut site, section_front, site_title);
    site.pages.reserve_exact(page_front.len());
    let errors: Vec<Diagnostic> = page_front
        .into_iter()
        .filter_map(|(front, meta)| add_page(&mut site, &dirs, front, meta).err())
        .collect();
    if !errors.is_empty() {
        return Err(Diagnostics(errors));
    }
    check_unique_urls(&site)?;
    for i in 0..site.sections.len() {
        order_pages(&mut site, i);
    }
    Ok(site)
}

fn parse(file: SourceFile) -> Result<Parsed, Diagnostic> {
    let split = frontmatter::split(&file)?;
    let is_section = file.rel == "_index.md" || file.rel.ends_with("/_index.md");
    if is_section {
        let front: SectionFront = frontmatter::parse(&file, &split)?;
        let path = section_path(&file.rel);
        let meta = meta(file, &split, &front, path)?;
        Ok(Parsed::Section(front, meta))
    } else {
        let mut front: PageFront = frontmatter::parse(&file, &split)?;
        if front.date.is_none() {
            front.date = date_prefix(page_stem(&file.rel))
                .0
                .map(|d| RawDate::Text(d.to_string()));
        }
        let slug = page_slug(&file, &split, front.slug.as_deref())?;
        let path = format!("{}{slug}/", dir_path(page_dir(&file.rel)));
        let meta = meta(file, &split, &front, path)?;
        Ok(Parsed::Page(front, meta))
    }
}

/// The resolved fields pages and sections share, with their dates and aliases checked.
fn meta(
    file: SourceFile,
    split: &Split,
    front: &impl Shared,
    path: String,
) -> Result<Meta, Diagnostic> {
    let s = front.shared();
    Ok(Meta {
        date: dated(&file, split, "date", s.date)?,
        updated: dated(&file, split, "updated", s.updated)?,
        aliases: alias_outputs(&file, split, s.aliases)?,
        body_offset: split.body_offset,
        title: s.title.to_string(),
        description: s.description.clone(),
        weight: s.weight,
        template: s.template.clone(),
        extra: s.extra.clone(),
        path,
        file,
    })
}

/// Checks a date and returns it as ISO text (`2024-05-01` or `2024-05-01T10:00:00Z`).
fn dated(
    file: &SourceFile,
    split: &Split,
    key: &str,
    raw: &Option<RawDate>,
) -> Result<Option<String>, Diagnostic> {
    let text = match raw {
        None => return Ok(None),
        Some(RawDate::Toml(d)) => d.to_string(),
        Some(RawDate::Text(s)) => s.trim().to_string(),
    };
    let day = text.get(..10).unwrap_or(&text);
    if day.parse::<jiff::civil::Date>().is_ok() && text.get(..10).is_some() {
        return Ok(Some(text));
    }
    let line = frontmatter::key_line(file, split, key).unwrap_or(1);
    Err(Diagnostic::at_line(
        &file.shown,
        &file.text,
        line,
        0,
        key.len(),
        format!("`{key}` is not a date: \"{text}\""),
    )
    .with_help(format!("write it as `{key} = 2024-05-01`")))
}

/// Output paths for a file's aliases: `/old/url/` is written as `old/url/index.html`.
fn alias_outputs(
    file: &SourceFile,
    split: &Split,
    aliases: &[String],
) -> Result<Vec<String>, Diagnostic> {
    let mut outputs = Vec::new();
    for alias in aliases {
        let trimmed = alias.trim().trim_matches('/');
        let bad = trimmed.is_empty()
            || trimmed.contains('\\')
            || trimmed
                .split('/')
                .any(|seg| seg == ".." || seg == "." || seg.is_empty())
            || trimmed.contains(['?', '#']);
        if bad {
            let line = frontmatter::key_line(file, split, "aliases").unwrap_or(1);
            return Err(Diagnostic::at_line(
                &file.shown,
                &file.text,
                line,
                0,
                7,
                format!("alias \"{alias}\" is not a path inside the site"),
            )
            .with_help("write aliases as site paths, like \"/old/url/\""));
        }
        outputs.push(if trimmed.ends_with(".html") {
            trimmed.to_string()
        } else {
            format!("{trimmed}/index.html")
        });
    }
    Ok(outputs)
}

fn page_slug(file: &SourceFile, split: &Split, slug: Option<&str>) -> Result<String, Diagnostic> {
    match slug {
        Some(s) => match slug::problem(s) {
            None => Ok(s.to_string()),
            Some(why) => {
                let line = frontmatter::key_line(file, split, "slug").unwrap_or(1);
                Err(Diagnostic::at_line(
                    &file.shown,
                    &file.text,
                    line,
                    0,
                    4,
                    format!("slug \"{s}\" {why}"),
                )
                .with_help(
                    "a slug is one URL segment inside its section, like \"clinical-analyst\"",
                ))
            }
        },
        None => {
            let (_, stem) = date_prefix(page_stem(&file.rel));
            let auto = slug::slugify(stem);
            if auto.is_empty() {
                return Err(Diagnostic::in_file(
                    &file.shown,
                    "cannot make a URL from this file name",
                )
                .with_help("rename the file, or set `slug = \"...\"` in its front matter"));
            }
            Ok(auto)
        }
    }
}

/// Zola's dated file names: `2024-05-01-launch.md` is dated 2024-05-01 with the slug `launch`.
fn date_prefix(stem: &str) -> (Option<&str>, &str) {
    let dated = stem.len() > 11
        && stem.is_char_boundary(10)
        && stem.is_char_boundary(11)
        && stem[..10].parse::<jiff::civil::Date>().is_ok()
        && matches!(stem.as_bytes()[10], b'-' | b'_');
    if dated {
        (Some(&stem[..10]), &stem[11..])
    } else {
        (None, stem)
    }
}

/// `a/b.md` -> `b`; `a/b/index.md` -> `b`.
fn page_stem(rel: &str) -> &str {
    let trimmed = rel
        .strip_suffix("/index.md")
        .unwrap_or(rel)
        .trim_end_matches(".md");
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

/// The folder whose URL a page's URL extends: `a/b.md` -> `a`; `a/b/index.md` -> `a`.
fn page_dir(rel: &str) -> &str {
    let trimmed = rel.strip_suffix("/index.md").unwrap_or(rel);
    trimmed.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// `careers/_index.md` -> `careers`; `_index.md` -> ``.
fn section_dir(rel: &str) -> &str {
    rel.strip_suffix("_index.md")
        .unwrap_or(rel)
        .trim_end_matches('/')
}

fn section_path(rel: &str) -> String {
    dir_path(section_dir(rel))
}

/// The URL path of a content folder: `careers/it` -> `/careers/it/`.
fn dir_path(dir: &str) -> String {
    let mut path = String::from("/");
    for part in dir.split('/').filter(|p| !p.is_empty()) {
        path.push_str(&slug::slugify(part));
        path.push('/');
    }
    path
}

fn add_sections(
    site: &mut Site,
    fronts: Vec<(SectionFront, Meta)>,
    site_title: &str,
) -> BTreeMap<String, usize> {
    let mut dirs = BTreeMap::new();
    let has_root = fronts.iter().any(|(_, m)| m.file.rel == "_index.md");
    let implicit_root = (!has_root).then(|| {
        let file = SourceFile {
            shown: "content/_index.md".into(),
            rel: "_index.md".into(),
            text: String::new(),
        };
        let meta = Meta {
            file,
            body_offset: 0,
            title: site_title.to_string(),
            description: None,
            date: None,
            updated: None,
            weight: None,
            template: None,
            extra: toml::Table::new(),
            path: "/".into(),
            aliases: Vec::new(),
        };
        (
            SectionFront {
                title: site_title.to_string(),
                description: None,
                date: None,
                updated: None,
                draft: false,
                weight: None,
                template: None,
                sort_by: SortBy::Weight,
                page_template: None,
                schema: None,
                aliases: Vec::new(),
                extra: toml::Table::new(),
            },
            meta,
        )
    });
    for (front, meta) in implicit_root.into_iter().chain(fronts) {
        dirs.insert(section_dir(&meta.file.rel).to_string(), site.sections.len());
        site.by_file
            .insert(meta.file.rel.clone(), Target::Section(site.sections.len()));
        site.sections.push(Section {
            meta,
            sort_by: front.sort_by,
            page_template: front.page_template,
            schema: front.schema,
            parent: None,
            pages: Vec::new(),
            subsections: Vec::new(),
        });
    }
    // BTreeMap order puts parents before children, and siblings in name order.
    for (dir, &i) in &dirs {
        if dir.is_empty() {
            continue;
        }
        let parent = nearest_section(&dirs, parent_dir(dir));
        site.sections[i].parent = Some(parent);
        site.sections[parent].subsections.push(i);
    }
    dirs
}

fn parent_dir(dir: &str) -> &str {
    dir.rsplit_once('/').map_or("", |(p, _)| p)
}

/// The section owning a folder: the folder's own, or the nearest ancestor's. The root always exists.
fn nearest_section(dirs: &BTreeMap<String, usize>, mut dir: &str) -> usize {
    loop {
        if let Some(&i) = dirs.get(dir) {
            return i;
        }
        if dir.is_empty() {
            return 0;
        }
        dir = parent_dir(dir);
    }
}

fn add_page(
    site: &mut Site,
    dirs: &BTreeMap<String, usize>,
    front: PageFront,
    meta: Meta,
) -> Result<(), Diagnostic> {
    let dir = page_dir(&meta.file.rel);
    let section = nearest_section(dirs, dir);
    let slug = meta
        .path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let index = site.pages.len();
    site.by_file
        .insert(meta.file.rel.clone(), Target::Page(index));
    site.sections[section].pages.push(index);
    site.pages.push(Page {
        meta,
        slug,
        authors: front.authors,
        taxonomies: front.taxonomies,
        section,
    });
    Ok(())
}

/// Two sources that would write the same URL are an error naming both.
fn check_unique_urls(site: &Site) -> Result<(), Diagnostics> {
    let mut seen: BTreeMap<String, &Meta> = BTreeMap::new();
    let mut errors = Vec::new();
    let metas = site
        .sections
        .iter()
        .map(|s| &s.meta)
        .chain(site.pages.iter().map(|p| &p.meta));
    for meta in metas {
        let outputs = std::iter::once(format!("{}index.html", meta.path.trim_start_matches('/')))
            .chain(meta.aliases.iter().cloned());
        for output in outputs {
            if let Some(first) = seen.get(&output) {
                errors.push(
                    Diagnostic::in_file(
                        &meta.file.shown,
                        format!(
                            "this file and {} both map to /{}",
                            crate::error::display_path(&first.file.shown),
                            output.trim_end_matches("index.html")
                        ),
                    )
                    .with_help("give one of them a different `slug`, file name or alias"),
                );
            } else {
                seen.insert(output, meta);
            }
        }
    }
    collect(
        errors
            .into_iter()
            .map(|e| Err::<(), _>(Diagnostics::from(e))),
    )
    .map(|_| ())
}

fn order_pages(site: &mut Site, section: usize) {
    let pages = &site.pages;
    let mut order = std::mem::take(&mut site.sections[section].pages);
    let by_title = |i: &usize| {
        (
            pages[*i].meta.title.to_lowercase(),
            pages[*i].meta.file.rel.clone(),
        )
    };
    match site.sections[section].sort_by {
        SortBy::Weight => order.sort_by_key(|i| {
            (
                pages[*i].meta.weight.is_none(),
                pages[*i].meta.weight,
                by_title(i),
            )
        }),
        SortBy::Title => order.sort_by_key(by_title),
        SortBy::Date => order.sort_by(|a, b| {
            let (da, db) = (&pages[*a].meta.date, &pages[*b].meta.date);
            db.is_some()
                .cmp(&da.is_some())
                .then(db.cmp(da))
                .then(by_title(a).cmp(&by_title(b)))
        }),
        SortBy::None => order.sort_by_key(|i| pages[*i].meta.file.rel.clone()),
    }
    site.sections[section].pages = order;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rel: &str, front: &str) -> SourceFile {
        SourceFile {
            shown: format!("content/{rel}").into(),
            rel: rel.into(),
            text: format!("+++\n{front}\n+++\nbody\n"),
        }
    }

    fn site(files: &[(&str, &str)]) -> Result<Site, Diagnostics> {
        index(
            files.iter().map(|(r, f)| file(r, f)).collect(),
            false,
            "Site",
        )
    }

    fn path(site: &Site, rel: &str) -> String {
        site.meta(site.by_file[rel]).path.clone()
    }

    #[test]
    fn urls_follow_zola_conventions() {
        let s = site(&[
            ("_index.md", "title = \"Home\""),
            ("about.md", "title = \"About\""),
            ("careers/_index.md", "title = \"Careers\""),
            ("careers/Clinical Analyst.md", "title = \"CA\""),
            ("careers/coder/index.md", "title = \"Coder\""),
            ("careers/x.md", "title = \"X\"\nslug = \"renamed\""),
        ])
        .unwrap();
        assert_eq!(path(&s, "about.md"), "/about/");
        assert_eq!(path(&s, "careers/_index.md"), "/careers/");
        assert_eq!(
            path(&s, "careers/Clinical Analyst.md"),
            "/careers/clinical-analyst/"
        );
        assert_eq!(path(&s, "careers/coder/index.md"), "/careers/coder/");
        assert_eq!(path(&s, "careers/x.md"), "/careers/renamed/");
    }

    #[test]
    fn root_section_is_implicit_and_parents_nest() {
        let s = site(&[
            ("a/_index.md", "title = \"A\""),
            ("a/b/_index.md", "title = \"B\""),
            ("a/b/p.md", "title = \"P\""),
        ])
        .unwrap();
        assert_eq!(s.sections[0].meta.path, "/");
        let Target::Section(b) = s.by_file["a/b/_index.md"] else {
            panic!()
        };
        assert_eq!(s.ancestors(b).len(), 2);
        assert_eq!(s.sections[b].pages.len(), 1);
    }

    #[test]
    fn dated_file_names_set_date_and_slug() {
        let s = site(&[
            ("blog/2024-05-01-launch.md", "title = \"L\""),
            ("blog/2024-13-01-x.md", "title = \"X\""),
        ])
        .unwrap();
        let launch = &s.pages[0].meta;
        assert_eq!(
            (launch.path.as_str(), launch.date.as_deref()),
            ("/blog/launch/", Some("2024-05-01"))
        );
        assert_eq!(s.pages[1].meta.path, "/blog/2024-13-01-x/");
    }

    #[test]
    fn drafts_are_left_out() {
        let s = site(&[
            ("a.md", "title = \"A\"\ndraft = true"),
            ("b.md", "title = \"B\""),
        ])
        .unwrap();
        assert_eq!(s.pages.len(), 1);
    }

    #[test]
    fn ordering_by_weight_date_and_title() {
        let s = site(&[
            ("_index.md", "title = \"H\"\nsort_by = \"date\""),
            ("a.md", "title = \"A\"\ndate = 2020-01-01"),
            ("b.md", "title = \"B\"\ndate = 2022-01-01"),
            ("c.md", "title = \"C\""),
        ])
        .unwrap();
        let titles: Vec<_> = s.sections[0]
            .pages
            .iter()
            .map(|&i| s.pages[i].meta.title.as_str())
            .collect();
        assert_eq!(titles, ["B", "A", "C"]);

        let s = site(&[
            ("a.md", "title = \"A\"\nweight = 2"),
            ("b.md", "title = \"B\""),
            ("c.md", "title = \"C\"\nweight = 1"),
        ])
        .unwrap();
        let titles: Vec<_> = s.sections[0]
            .pages
            .iter()
            .map(|&i| s.pages[i].meta.title.as_str())
            .collect();
        assert_eq!(titles, ["C", "A", "B"]);
    }

    #[test]
    fn slug_with_separator_is_refused() {
        for bad in ["../up", "a/b", "a\\\\b"] {
            let err = site(&[("a.md", &format!("title = \"A\"\nslug = \"{bad}\""))]).unwrap_err();
            assert_eq!(err.0[0].location.as_ref().unwrap().line, 3, "{bad}");
        }
    }

    #[test]
    fn duplicate_urls_name_both_files() {
        let err = site(&[("x.md", "title = \"A\""), ("x/index.md", "title = \"B\"")]).unwrap_err();
        assert!(
            err.0[0].message.contains("both map to /x/"),
            "{}",
            err.0[0].message
        );
        let err = site(&[
            ("x.md", "title = \"A\""),
            ("y.md", "title = \"B\"\naliases = [\"/x/\"]"),
        ])
        .unwrap_err();
        assert!(err.0[0].message.contains("/x/"));
    }

    #[test]
    fn bad_dates_and_aliases_are_located() {
        let err = site(&[("a.md", "title = \"A\"\ndate = \"soon\"")]).unwrap_err();
        assert_eq!(err.0[0].location.as_ref().unwrap().line, 3);
        let err = site(&[("a.md", "title = \"A\"\naliases = [\"../../etc\"]")]).unwrap_err();
        assert!(err.0[0].message.contains("not a path inside the site"));
    }
}
