//! Slugs: the URL-safe form of file names and headings.

/// Lowercases and turns every run of characters that are not letters or digits into one `-`.
pub(crate) fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c != '\'' && c != '’' {
            dash = true;
        }
    }
    out
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
            "hi-vs-him-whats-different"
        );
        assert_eq!(slugify("Éducation 2024"), "éducation-2024");
        assert_eq!(slugify("---"), "");
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
