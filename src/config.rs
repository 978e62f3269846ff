//! site.toml: the site's configuration, read strictly.
//!
//! Unknown keys are errors with a suggestion, so a typo never silently does nothing.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Diagnostic;
use crate::tomlfile;

/// The file name of the configuration, at the site root.
pub(crate) const FILE: &str = "site.toml";

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Config {
    /// The site's name, shown in the header and the feed.
    pub(crate) title: String,
    /// The absolute URL the site is served from, e.g. `https://example.org/guide`.
    pub(crate) base_url: String,
    #[serde(default)]
    pub(crate) description: String,
    /// The default language's code: its pages have no language in their file names or URLs.
    #[serde(default = "default_language", alias = "default_language")]
    pub(crate) language: String,
    /// The other languages: `[languages.fr]`, for `page.fr.md` at `/fr/page/`.
    #[serde(default)]
    pub(crate) languages: std::collections::BTreeMap<String, LanguageConfig>,
    /// The default language's strings for `trans(key=...)`.
    #[serde(default)]
    pub(crate) translations: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub(crate) author: Option<String>,
    /// Build a Pagefind search index into `pagefind/` (Zola's name for the setting).
    #[serde(default)]
    pub(crate) build_search_index: bool,
    /// Header navigation: each item links to a content file (`@/...`) or a URL.
    #[serde(default)]
    pub(crate) nav: Vec<NavItem>,
    /// The longest one template render may take, in seconds, before the build stops.
    #[serde(default)]
    pub(crate) template_timeout: Option<u64>,
    /// Where glossary terms (`[[RHIA]]`) link to and take their definitions from.
    #[serde(default)]
    pub(crate) glossary: Option<crate::glossary::GlossaryConfig>,
    /// Maths and smart punctuation in Markdown.
    #[serde(default)]
    pub(crate) markdown: MarkdownConfig,
    /// How file names, headings and terms become slugs: Zola's `[slugify]`.
    #[serde(default)]
    pub(crate) slugify: crate::slug::Slugify,
    /// Zola's taxonomies: each gets a page listing its terms and a page per term.
    #[serde(default)]
    pub(crate) taxonomies: Vec<TaxonomyConfig>,
    /// The teaching lint that `check` runs: what it allows and the reading grades it aims at.
    #[serde(default)]
    pub(crate) lint: crate::lint::LintConfig,
    /// Free-form values for templates.
    #[serde(default)]
    pub(crate) extra: toml::Table,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NavItem {
    pub(crate) name: String,
    /// `@/path.md` for a content file, or any URL.
    pub(crate) url: String,
}

/// `[markdown]`: what a site may turn off. All are on by default; a site moved from Zola, which
/// has no maths and by default neither smart punctuation nor callouts, may want them off.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct MarkdownConfig {
    /// `$…$` and `$$…$$` as MathML.
    pub(crate) math: bool,
    /// Curly quotes and dashes from straight ones.
    pub(crate) smart_punctuation: bool,
    /// GitHub's `> [!NOTE]` callouts (Zola's `github_alerts`).
    pub(crate) callouts: bool,
    /// Footnotes gathered in one list at the end of the page, numbered in order of use, with
    /// links back (Zola's `bottom_footnotes`). Off, a note stays where it is written.
    pub(crate) bottom_footnotes: bool,
    /// External links (`http:` and `https:`): a class to add (`"external"`), and whether they
    /// open in a new tab (with `rel="noopener"`), or say `rel="nofollow"`, `"noreferrer"` or
    /// `"external"`. Zola's keys of the same names.
    pub(crate) external_links_class: Option<String>,
    pub(crate) external_links_target_blank: bool,
    pub(crate) external_links_no_follow: bool,
    pub(crate) external_links_no_referrer: bool,
    pub(crate) external_links_external: bool,
}

impl Default for MarkdownConfig {
    fn default() -> MarkdownConfig {
        MarkdownConfig {
            math: true,
            smart_punctuation: true,
            callouts: true,
            bottom_footnotes: false,
            external_links_class: None,
            external_links_target_blank: false,
            external_links_no_follow: false,
            external_links_no_referrer: false,
            external_links_external: false,
        }
    }
}

/// One taxonomy, as site.toml declares it: `taxonomies = [{ name = "tags", feed = true }]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields)]
pub(crate) struct TaxonomyConfig {
    /// The key pages use (`[taxonomies] tags = [...]`) and the first URL segment (`/tags/`).
    pub(crate) name: String,
    /// An Atom feed for each term, at `/tags/TERM/atom.xml`.
    #[serde(default)]
    pub(crate) feed: bool,
    /// Split each term's page into pages of this many.
    #[serde(default)]
    pub(crate) paginate_by: Option<usize>,
    #[serde(default = "default_paginate_path")]
    pub(crate) paginate_path: String,
    /// Write the list and term pages; `false` keeps the taxonomy for templates only.
    #[serde(default = "yes")]
    pub(crate) render: bool,
}

/// One language besides the default, as site.toml declares it: `[languages.fr]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields)]
pub(crate) struct LanguageConfig {
    /// The site's title and description on this language's pages (`config.title` there).
    #[serde(default)]
    pub(crate) title: Option<String>,
    #[serde(default)]
    pub(crate) description: Option<String>,
    /// An Atom feed of this language's pages, at `/fr/atom.xml` (Zola's `generate_feeds`).
    #[serde(default = "yes", alias = "generate_feeds", alias = "generate_feed")]
    pub(crate) feed: bool,
    /// Whether this language's pages go in the search index, when the site builds one.
    #[serde(default = "yes")]
    pub(crate) build_search_index: bool,
    /// This language's taxonomies, at `/fr/tags/`: pages in it may use only these.
    #[serde(default)]
    pub(crate) taxonomies: Vec<TaxonomyConfig>,
    /// Its strings for `trans(key=..., lang="fr")`.
    #[serde(default)]
    pub(crate) translations: std::collections::BTreeMap<String, String>,
}

pub(crate) fn default_paginate_path() -> String {
    "page".to_string()
}

/// serde's default for a setting that is on unless turned off.
pub(crate) fn yes() -> bool {
    true
}

fn default_language() -> String {
    "en".to_string()
}

impl Config {
    /// Reads site.toml at the site root.
    pub(crate) fn parse(text: &str) -> Result<Config, Diagnostic> {
        let file = Path::new(FILE);
        let mut config: Config = tomlfile::parse(file, text, 0, text)?;
        config.base_url = config.base_url.trim_end_matches('/').to_string();
        config.check(text)?;
        Ok(config)
    }

    fn check(&self, text: &str) -> Result<(), Diagnostic> {
        self.check_languages(text)?;
        let Err(why) = base_url_problem(&self.base_url) else {
            return Ok(());
        };
        let message = format!("`base_url` {why}");
        let help =
            "write it like `base_url = \"https://example.org\"` or `\"https://example.org/guide\"`";
        let d = match top_level_span(text, "base_url") {
            Some(span) => Diagnostic::at(FILE, text, span, message),
            None => Diagnostic::in_file(FILE, message),
        };
        Err(d.with_help(help))
    }

    /// Every language code is a language tag, and the default is not declared twice.
    fn check_languages(&self, text: &str) -> Result<(), Diagnostic> {
        let at = |key: &str, message: String| match languages_key_span(text, key) {
            Some(span) => Diagnostic::at(FILE, text, span, message),
            None => Diagnostic::in_file(FILE, message),
        };
        if !crate::lang::looks_like_code(&self.language) {
            let message = format!("`language` \"{}\" is not a language code", self.language);
            let d = match top_level_span(text, "language") {
                Some(span) => Diagnostic::at(FILE, text, span, message),
                None => Diagnostic::in_file(FILE, message),
            };
            return Err(d.with_help("write a code like \"en\", \"fr\" or \"pt-BR\""));
        }
        for code in self.languages.keys() {
            if *code == self.language {
                let message = format!("`[languages.{code}]` is the default language");
                return Err(at(code, message).with_help(
                    "the default language's settings are site.toml's own (`title`, `translations`); \
                     `[languages]` lists the others",
                ));
            }
            if !crate::lang::looks_like_code(code) {
                let message = format!("`[languages.{code}]`: \"{code}\" is not a language code");
                return Err(at(code, message)
                    .with_help("write a code like \"fr\", \"pt-BR\" or \"zh-Hans\""));
            }
        }
        Ok(())
    }

    /// What this site's settings change about every body's Markdown.
    pub(crate) fn markdown_settings(&self) -> crate::markdown::Settings {
        crate::markdown::Settings {
            glossary: self.glossary.is_some(),
            ..crate::markdown::Settings::of(&self.markdown, self.slugify.anchors)
        }
    }

    /// The path part of `base_url` ("" or "/guide"): every site URL starts with it.
    pub(crate) fn base_path(&self) -> &str {
        let after_scheme = self.base_url.split_once("://").map_or("", |(_, rest)| rest);
        after_scheme.find('/').map_or("", |i| &after_scheme[i..])
    }

    /// The scheme and host part of `base_url`.
    pub(crate) fn origin(&self) -> &str {
        &self.base_url[..self.base_url.len() - self.base_path().len()]
    }
}

/// Why `url` cannot be a site's base URL, if it cannot: it must be an absolute http(s) URL with
/// a host, and no query, fragment, space or character that needs escaping in HTML or XML.
pub(crate) fn base_url_problem(url: &str) -> Result<(), String> {
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return Err(format!("must be an absolute http(s) URL, found \"{url}\""));
    };
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') {
        return Err(format!("has no host name: \"{url}\""));
    }
    if let Some(c) = url.chars().find(|c| matches!(c, '?' | '#')) {
        return Err(format!(
            "may not have a query or fragment (`{c}`): \"{url}\""
        ));
    }
    let bad = |c: char| c.is_whitespace() || c.is_control() || "\"'<>`\\{}|^".contains(c);
    if let Some(c) = url.chars().find(|&c| bad(c)) {
        return Err(format!(
            "has a character that a URL may not hold ({c:?}): \"{url}\""
        ));
    }
    Ok(())
}

/// The span of a top-level key's value in site.toml, inside its quotes.
fn top_level_span(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
    use toml::de::DeTable;
    let table = DeTable::parse(text).ok()?;
    let (_, value) = table.get_ref().iter().find(|(k, _)| k.get_ref() == key)?;
    let span = value.span();
    let quoted = text.get(span.clone())?.starts_with(['"', '\'']) && span.len() >= 2;
    Some(if quoted {
        span.start + 1..span.end - 1
    } else {
        span
    })
}

/// The span of a language's key under `[languages]` in site.toml.
fn languages_key_span(text: &str, code: &str) -> Option<std::ops::Range<usize>> {
    use toml::de::{DeTable, DeValue};
    let table = DeTable::parse(text).ok()?;
    let (_, languages) = table
        .get_ref()
        .iter()
        .find(|(k, _)| k.get_ref() == "languages")?;
    let DeValue::Table(languages) = languages.get_ref() else {
        return None;
    };
    let (key, _) = languages.iter().find(|(k, _)| k.get_ref() == code)?;
    Some(key.span())
}

/// The span of the `url` of the `index`th `[[nav]]` item in site.toml's `text`, from the TOML
/// parser's own spans: inside the quotes.
pub(crate) fn nav_url_span(text: &str, index: usize) -> Option<std::ops::Range<usize>> {
    use toml::de::{DeTable, DeValue};
    let table = DeTable::parse(text).ok()?;
    let (_, nav) = table.get_ref().iter().find(|(k, _)| k.get_ref() == "nav")?;
    let DeValue::Array(items) = nav.get_ref() else {
        return None;
    };
    let DeValue::Table(item) = items.get(index)?.get_ref() else {
        return None;
    };
    let (_, url) = item.iter().find(|(k, _)| k.get_ref() == "url")?;
    let span = url.span();
    let quoted = text.get(span.clone())?.starts_with(['"', '\'']) && span.len() >= 2;
    Some(if quoted {
        span.start + 1..span.end - 1
    } else {
        span
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_config_gets_defaults() {
        let c = Config::parse("title = \"T\"\nbase_url = \"https://x.org/\"\n").unwrap();
        assert_eq!(c.base_url, "https://x.org");
        assert_eq!(c.language, "en");
        assert!(c.nav.is_empty());
    }

    #[test]
    fn base_path_and_origin_split_the_url() {
        let c = Config::parse("title = \"T\"\nbase_url = \"https://x.org/guide/\"\n").unwrap();
        assert_eq!(c.base_path(), "/guide");
        assert_eq!(c.origin(), "https://x.org");
    }

    #[test]
    fn unknown_key_is_an_error_with_a_suggestion() {
        let d = Config::parse("title = \"T\"\nbase_url = \"https://x.org\"\ndescripton = \"d\"\n")
            .unwrap_err();
        assert_eq!(d.message, "unknown key `descripton`");
        assert_eq!(d.help.as_deref(), Some("did you mean `description`?"));
        assert_eq!(d.location.unwrap().line, 3);
    }

    #[test]
    fn relative_base_url_is_refused() {
        let d = Config::parse("title = \"T\"\nbase_url = \"example.org\"\n").unwrap_err();
        assert!(d.message.contains("absolute"));
        assert_eq!(d.location.unwrap().line, 2);
    }

    #[test]
    fn base_urls_are_strict() {
        for bad in [
            "",
            "https://",
            "ftp://x.org",
            "https://x.org/?q=1",
            "https://x.org/#top",
            "https://x.org/a b",
            "https://x.org/\"><script>",
            "https://:80/",
        ] {
            let text = format!(
                "title = \"T\"\nbase_url = \"{}\"\n",
                bad.replace('"', "\\\"")
            );
            let d = Config::parse(&text).expect_err(bad);
            assert!(d.message.starts_with("`base_url` "), "{bad}: {}", d.message);
            assert_eq!(d.location.as_ref().map(|l| l.line), Some(2), "{bad}");
        }
        assert!(base_url_problem("http://127.0.0.1:1111/guide").is_ok());
    }

    #[test]
    fn nav_items_are_strict() {
        let d = Config::parse(
            "title = \"T\"\nbase_url = \"https://x.org\"\n[[nav]]\nname = \"A\"\nlink = \"/\"\n",
        )
        .unwrap_err();
        assert_eq!(d.message, "unknown key `link`");
    }
}
