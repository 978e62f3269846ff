//! Figure references. A link with no text to a numbered figure, `[](#fig-pay)` on the same
//! page or `[](@/guide/pay.md#fig-pay)` on another, is given the figure's own words: "Figure 2".
//! Numbers come from each body's `figure` shortcodes, in page order, so a reference follows
//! the figure when figures are added or moved. The views stage fills them in, before `@/` links
//! are resolved, so that a reference names the page it points at.

use std::borrow::Cow;

use crate::links::Renders;
use crate::site::{DocId, Site};

/// Each doc's numbered figures: (id, number).
#[derive(Debug, Default)]
pub(crate) struct Numbers(Vec<Vec<(String, usize)>>);

impl Numbers {
    pub(crate) fn of(renders: &Renders) -> Numbers {
        Numbers(renders.values().map(|r| r.figures.clone()).collect())
    }

    /// The number of the figure `href` points at, from the page `from`.
    fn number(&self, site: &Site, from: DocId, href: &str) -> Option<usize> {
        let (page, id) = href.split_once('#')?;
        let doc = match page.strip_prefix("@/") {
            Some(rel) => site.lookup(rel)?,
            None if page.is_empty() => from,
            None => return None,
        };
        let figures = self.0.get(doc.0)?;
        figures.iter().find(|(f, _)| f == id).map(|(_, n)| *n)
    }

    /// `html` with each empty link to a figure given the figure's number as its text.
    pub(crate) fn fill<'a>(&self, html: &'a str, site: &Site, from: DocId) -> Cow<'a, str> {
        const OPEN: &str = "<a href=\"";
        const EMPTY: &str = "\"></a>";
        if !html.contains(EMPTY) {
            return Cow::Borrowed(html);
        }
        let mut out = String::with_capacity(html.len() + 64);
        let mut rest = html;
        while let Some(i) = rest.find(OPEN) {
            let start = i + OPEN.len();
            let Some(len) = rest[start..].find('"') else {
                break;
            };
            let href = &rest[start..start + len];
            let after = start + len;
            match rest[after..].starts_with(EMPTY) {
                true => {
                    out.push_str(&rest[..after + 2]);
                    if let Some(n) = self.number(site, from, href) {
                        out.push_str(&format!("Figure {n}"));
                    }
                    rest = &rest[after + 2..];
                }
                false => {
                    out.push_str(&rest[..after]);
                    rest = &rest[after..];
                }
            }
        }
        out.push_str(rest);
        Cow::Owned(out)
    }

    /// Whether `href`, from the page `from`, points at a numbered figure.
    pub(crate) fn names_a_figure(&self, site: &Site, from: DocId, href: &str) -> bool {
        self.number(site, from, href).is_some()
    }
}
