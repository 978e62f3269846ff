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
    #[serde(default = "default_language")]
    pub(crate) language: String,
    #[serde(default)]
    pub(crate) author: Option<String>,
    /// Build a Pagefind search index into `pagefind/` (Zola's name for the setting).
    #[serde(default)]
    pub(crate) build_search_index: bool,
    /// Header navigation: each item links to a content file (`@/...`) or a URL.
    #[serde(default)]
    pub(crate) nav: Vec<NavItem>,
    /// Where glossary terms (`[[RHIA]]`) link to and take their definitions from.
    #[serde(default)]
    pub(crate) glossary: Option<crate::glossary::GlossaryConfig>,
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
        let base = &self.base_url;
        let absolute = base.starts_with("http://") || base.starts_with("https://");
        if !absolute && !base.is_empty() {
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with("base_url"))
                .unwrap_or(0);
            return Err(Diagnostic::at_line(
                FILE,
                text,
                line + 1,
                0,
                8,
                format!("`base_url` must be an absolute http(s) URL, found \"{base}\""),
            )
            .with_help("write it like `base_url = \"https://example.org\"`"));
        }
        Ok(())
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
    fn nav_items_are_strict() {
        let d = Config::parse(
            "title = \"T\"\nbase_url = \"https://x.org\"\n[[nav]]\nname = \"A\"\nlink = \"/\"\n",
        )
        .unwrap_err();
        assert_eq!(d.message, "unknown key `link`");
    }
}
