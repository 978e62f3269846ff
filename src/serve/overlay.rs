//! The build error as a browser shows it: an overlay over the last good page, and a page of its
//! own when no build has succeeded yet. Everything from the error is HTML-escaped here.

use crate::error::Failure;
use crate::markdown::html_escape;

/// The id of the overlay element, which the client script removes when the error is fixed.
pub(crate) const ID: &str = "docent-overlay";

/// The error as the terminal shows it: located diagnostics as they are, else the cause chain.
pub(crate) fn describe(failure: &Failure) -> String {
    failure.to_string()
}

/// The overlay: the error's text, with file:line:col and snippet, in a `<pre>`.
pub(crate) fn overlay(error: &str) -> String {
    format!(
        concat!(
            r#"<div id="{id}" role="alertdialog" aria-labelledby="{id}-title" style="position:fixed;inset:0;"#,
            r#"z-index:2147483647;overflow:auto;margin:0;padding:2rem;background:rgba(24,24,27,.95);color:#fafafa;"#,
            r#"font:15px/1.5 system-ui,sans-serif;text-align:left">"#,
            r#"<p id="{id}-title" style="margin:0 0 1rem;font-weight:700;color:#fca5a5">"#,
            "docent could not build the site. The page shows the last good build.</p>",
            r#"<pre style="margin:0;white-space:pre-wrap;font:14px/1.45 ui-monospace,monospace">{text}</pre>"#,
            r#"<p style="margin:1rem 0 0;color:#a1a1aa">This goes away when the error is fixed.</p></div>"#
        ),
        id = ID,
        text = html_escape(error)
    )
}

/// The page for any path while no build has succeeded yet. `script` is the live-reload tag,
/// which reloads it once a build succeeds.
pub(crate) fn error_page(overlay: &str, script: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build error · docent</title></head>\n<body>{overlay}{script}</body></html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Diagnostic;

    #[test]
    fn the_error_text_is_escaped() {
        let html = overlay("error: bad <script>alert('x')</script> & \"more\"");
        assert!(html.contains(
            "bad &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;"
        ));
        assert!(!html.contains("<script>"));
    }

    #[test]
    fn diagnostics_keep_their_location_and_snippet() {
        let d = Diagnostic::at("content/x.md", "title = <b>\n", 8..11, "expected a string");
        let err = Failure::from(d);
        let text = describe(&err);
        assert!(text.contains("--> content/x.md:1:9"), "{text}");
        assert!(overlay(&text).contains("1 | title = &lt;b&gt;"));
    }

    #[test]
    fn other_errors_show_their_causes() {
        let err =
            Failure::Io(anyhow::anyhow!("disk on fire").context("could not read content/x.md"));
        assert_eq!(
            describe(&err),
            "error: could not read content/x.md\n  caused by: disk on fire"
        );
    }
}
