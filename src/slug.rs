//! Slugs: the URL-safe form of file names, headings and taxonomy terms, made the way Zola makes
//! them, so a site moved from Zola keeps its URLs and heading ids. site.toml's `[slugify]`
//! chooses a strategy for each, as Zola's does.

use serde::{Deserialize, Serialize};

/// How text becomes a URL segment or an id (Zola's `SlugifyStrategy`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Strategy {
    /// Transliterated to ASCII, lowercased, every run of other characters one `-`.
    #[default]
    On,
    /// As written, less what a file name or id cannot hold.
    Safe,
    /// As written.
    Off,
}

/// site.toml's `[slugify]`: a strategy for paths (file and folder names, `slug`), anchors
/// (heading ids) and taxonomy terms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Slugify {
    pub(crate) paths: Strategy,
    pub(crate) anchors: Strategy,
    pub(crate) taxonomies: Strategy,
}

/// `text` as a URL segment by Zola's default rule: `"Bachelor's degree"` is
/// `bachelor-s-degree`, `"Éducation"` is `education`.
pub(crate) fn slugify(text: &str) -> String {
    slug::slugify(text)
}

/// `text` as a URL segment under `strategy` (Zola's `slugify_paths`).
pub(crate) fn path(text: &str, strategy: Strategy) -> String {
    match strategy {
        Strategy::On => slug::slugify(text),
        Strategy::Safe => text
            .trim_end_matches([' ', '.'])
            .chars()
            .filter(|c| !"<>:\"/\\|?*".contains(*c))
            .collect(),
        Strategy::Off => text.to_string(),
    }
}

/// `text` as a heading id under `strategy` (Zola's `slugify_anchors`).
pub(crate) fn anchor(text: &str, strategy: Strategy) -> String {
    match strategy {
        Strategy::On => slug::slugify(text),
        Strategy::Safe | Strategy::Off => text.replace(|c: char| c.is_ascii_whitespace(), "_"),
    }
}

/// Why an author-written slug cannot be used, if it cannot: a slug names one URL segment, so it
/// must not climb out of its section or split into folders.
pub(crate) fn problem(slug: &str) -> Option<&'static str> {
    if slug.trim().is_empty() {
        Some("is empty")
    } else if slug.contains('/') || slug.contains('\\') {
        Some("contains a path separator")
    } else if slug.trim() == "." {
        Some("is `.`, which would put the page over its section's own")
    } else if slug.contains("..") {
        Some("contains `..`")
    } else if slug
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || "?#%\"<>".contains(c))
    {
        Some("contains a space or a character that is not allowed in a URL")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_examples() {
        assert_eq!(slugify("Pay and outlook"), "pay-and-outlook");
        assert_eq!(
            slugify("  HI vs. HIM: what's different?"),
            "hi-vs-him-what-s-different"
        );
        assert_eq!(slugify("What’s next"), "what-s-next");
        assert_eq!(slugify("Éducation 2024"), "education-2024");
        assert_eq!(slugify("---"), "");
    }

    /// The cases of Zola's own tests of `slugify_paths` and `slugify_anchors`: (input, on, safe,
    /// off).
    #[test]
    fn strategies_match_zolas() {
        let paths = [
            ("input", "input", "input", "input"),
            ("test ", "test", "test", "test "),
            ("tes t", "tes-t", "tes t", "tes t"),
            ("dot. ", "dot", "dot", "dot. "),
            ("日本", "ri-ben", "日本", "日本"),
            ("héhé", "hehe", "héhé", "héhé"),
            ("test (hey)", "test-hey", "test (hey)", "test (hey)"),
        ];
        for (input, on, safe, off) in paths {
            assert_eq!(path(input, Strategy::On), on, "{input}");
            assert_eq!(path(input, Strategy::Safe), safe, "{input}");
            assert_eq!(path(input, Strategy::Off), off, "{input}");
        }
        let anchors = [
            ("test ", "test", "test_", "test_"),
            ("tes t", "tes-t", "tes_t", "tes_t"),
            ("dot. ", "dot", "dot._", "dot._"),
            ("日本", "ri-ben", "日本", "日本"),
            ("test (hey)", "test-hey", "test_(hey)", "test_(hey)"),
        ];
        for (input, on, safe, off) in anchors {
            assert_eq!(anchor(input, Strategy::On), on, "{input}");
            assert_eq!(anchor(input, Strategy::Safe), safe, "{input}");
            assert_eq!(anchor(input, Strategy::Off), off, "{input}");
        }
    }

    #[test]
    fn bad_slugs_are_named() {
        assert!(problem("a/b").is_some());
        assert!(problem("..").is_some());
        assert!(problem("a\\b").is_some());
        assert!(problem("has space").is_some());
        assert!(problem("").is_some());
        assert!(problem("good-slug").is_none());
    }
}
