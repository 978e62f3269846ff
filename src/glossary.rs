//! Glossary terms. `[[RHIA]]` (or `[[RHIA|the administrator credential]]`) in Markdown links
//! to the term's entry on the glossary page, with its definition as a tooltip that keyboard,
//! touch and screen-reader users reach too. site.toml names the data file and the page:
//!
//! ```toml
//! [glossary]
//! data = "glossary"        # content/data/glossary.toml, an array `terms`
//! page = "@/glossary.md"   # each entry is at `#id` there
//! ```
//!
//! A term row has `id`, `term` and `definition`, and may have `expansion`. Markdown writes a
//! marker (`<a data-docent-term="…">…</a><!--/term-->`); the views stage replaces it,
//! so a body's rendering depends only on its text.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::{DefaultHasher, Hash, Hasher};

use serde::{Deserialize, Serialize};

use crate::error::{Diagnostic, did_you_mean};
use crate::markdown::html_escape;
use crate::site::Site;

/// Where the glossary is: site.toml's `[glossary]`.
#[derive(Debug, Clone, Deserialize, Serialize, Hash)]
#[serde(deny_unknown_fields)]
pub(crate) struct GlossaryConfig {
    /// The data file's name: `glossary` for content/data/glossary.toml.
    pub(crate) data: String,
    /// The page that shows every term, as `@/path.md`.
    pub(crate) page: String,
}

/// One entry.
#[derive(Debug, Clone, Deserialize)]
struct Term {
    id: String,
    term: String,
    #[serde(default)]
    expansion: Option<String>,
    definition: String,
}

/// What the marker of a term use starts with; `markdown` writes it.
pub(crate) const MARK: &str = "<a data-docent-term=\"";
/// What closes the marker.
pub(crate) const END: &str = "</a><!--/term-->";

/// The site's terms, by the lower-case term and id, and the URL of the page that lists them.
#[derive(Debug, Default)]
pub(crate) struct Glossary {
    terms: HashMap<String, Term>,
    names: Vec<String>,
    page: Option<String>,
    /// A hash of everything above: what a view that uses a term depends on.
    pub(crate) fingerprint: u64,
}

impl Glossary {
    /// The glossary site.toml asks for, from the data tree; with no `[glossary]`, none.
    pub(crate) fn load(
        config: Option<&GlossaryConfig>,
        data: &toml::Table,
        site: &Site,
        base_path: &str,
    ) -> Result<Glossary, Diagnostic> {
        let Some(config) = config else {
            return Ok(Glossary::default());
        };
        let file = format!("content/data/{}.toml", config.data);
        let rows = data
            .get(&config.data)
            .and_then(|d| d.get("terms"))
            .cloned()
            .ok_or_else(|| {
                Diagnostic::in_file(
                    crate::config::FILE,
                    format!("[glossary] names `{file}`, which has no `terms` array"),
                )
                .with_help("write each term as `[[terms]]` with `id`, `term` and `definition`")
            })?;
        let terms: Vec<Term> = rows.try_into().map_err(|e: toml::de::Error| {
            Diagnostic::in_file(
                &file,
                format!("a glossary term is malformed: {}", e.message()),
            )
            .with_help("each `[[terms]]` needs `id`, `term` and `definition` as strings")
        })?;
        let target = config.page.strip_prefix("@/").unwrap_or(&config.page);
        let page = site.lookup(target).ok_or_else(|| {
            Diagnostic::in_file(
                crate::config::FILE,
                format!("[glossary] page `{}` is not a content file", config.page),
            )
            .with_help("write it as `@/glossary.md`, relative to content/")
        })?;
        Ok(Glossary::of(
            terms,
            format!("{base_path}{}", site[page].path),
        ))
    }

    fn of(terms: Vec<Term>, page: String) -> Glossary {
        let mut h = DefaultHasher::new();
        page.hash(&mut h);
        let mut glossary = Glossary::default();
        for term in terms {
            (&term.id, &term.term, &term.expansion, &term.definition).hash(&mut h);
            glossary.names.push(term.term.clone());
            glossary.terms.insert(term.id.to_lowercase(), term.clone());
            glossary.terms.insert(term.term.to_lowercase(), term);
        }
        glossary.page = Some(page);
        glossary.fingerprint = h.finish();
        glossary
    }

    /// Every entry once, as (id, term, expansion).
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&str, &str, Option<&str>)> {
        let mut entries: Vec<_> = (self.terms.iter())
            .filter(|(key, term)| **key == term.id.to_lowercase())
            .map(|(_, t)| (t.id.as_str(), t.term.as_str(), t.expansion.as_deref()))
            .collect();
        entries.sort();
        entries.into_iter()
    }

    /// Why `name` cannot be shown as a term, if it cannot: no glossary, or no such term.
    pub(crate) fn problem(&self, name: &str) -> Option<(String, String)> {
        // Without a glossary, terms are shown as written, as Zola shows them; `check` warns.
        self.page.as_ref()?;
        if self.terms.contains_key(&name.to_lowercase()) {
            return None;
        }
        let help = match did_you_mean(name, self.names.iter().map(String::as_str)) {
            Some(close) => format!("did you mean `[[{close}]]`?"),
            None => "add it to the glossary data, or write `\\[\\[` for literal brackets".into(),
        };
        Some((format!("unknown glossary term `{name}`"), help))
    }

    /// `html` with every term marker made a link to its entry and a tooltip with its
    /// definition. Terms were checked already; an unknown one becomes plain text.
    pub(crate) fn resolve<'a>(&self, html: &'a str) -> Cow<'a, str> {
        self.resolve_as(html, "gloss-")
    }

    /// [`Glossary::resolve`], with tooltip ids that start with `prefix`: each piece of Markdown
    /// on one page resolved on its own needs ids of its own.
    pub(crate) fn resolve_as<'a>(&self, html: &'a str, prefix: &str) -> Cow<'a, str> {
        if !html.contains(MARK) {
            return Cow::Borrowed(html);
        }
        let mut out = String::with_capacity(html.len() + 256);
        let mut rest = html;
        let mut n = 0;
        while let Some(i) = rest.find(MARK) {
            out.push_str(&rest[..i]);
            rest = &rest[i + MARK.len()..];
            let name_end = rest.find('"').unwrap_or(rest.len());
            let name = &rest[..name_end];
            let text_start = rest.find('>').map_or(rest.len(), |e| e + 1);
            let text_end = rest.find(END).unwrap_or(rest.len());
            let text = &rest[text_start.min(text_end)..text_end];
            rest = rest.get(text_end + END.len()..).unwrap_or("");
            n += 1;
            self.write(&mut out, name, text, &format!("{prefix}{n}"));
        }
        out.push_str(rest);
        Cow::Owned(out)
    }

    fn write(&self, out: &mut String, name: &str, text: &str, tip_id: &str) {
        let Some(page) = &self.page else {
            // No glossary: the brackets stay, as Zola leaves them (`[[_TOC_]]`).
            let same = text == html_escape(name);
            let _ = match same {
                true => write!(out, "[[{text}]]"),
                false => write!(out, "[[{}|{text}]]", html_escape(name)),
            };
            return;
        };
        let Some(term) = self.terms.get(&name.to_lowercase()) else {
            out.push_str(text);
            return;
        };
        let id = html_escape(&term.id);
        let tip = match &term.expansion {
            Some(expansion) => format!(
                "{}: {}",
                html_escape(expansion),
                html_escape(&term.definition)
            ),
            None => html_escape(&term.definition),
        };
        out.push_str(&format!(
            "<span class=\"gloss\"><a href=\"{page}#{id}\" aria-describedby=\"{tip_id}\">{text}</a>\
             <span class=\"gloss-tip\" role=\"tooltip\" id=\"{tip_id}\" data-pagefind-ignore>{tip}</span></span>"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glossary() -> Glossary {
        let terms: Vec<Term> = toml::from_str::<toml::Table>(
            "[[terms]]\nid = \"rhia\"\nterm = \"RHIA\"\nexpansion = \"Registered Health Information Administrator\"\ndefinition = \"A credential <b>.\"\n",
        )
        .unwrap()["terms"]
            .clone()
            .try_into()
            .unwrap();
        Glossary::of(terms, "/glossary/".into())
    }

    #[test]
    fn markers_become_links_with_tooltips() {
        let g = glossary();
        let html =
            format!("<p>An {MARK}rhia\">RHIA{END} and {MARK}RHIA\">the credential{END}.</p>");
        let out = g.resolve(&html);
        assert!(
            out.contains("<a href=\"/glossary/#rhia\" aria-describedby=\"gloss-1\">RHIA</a>"),
            "{out}"
        );
        assert!(out.contains("id=\"gloss-2\""), "{out}");
        assert!(
            out.contains("Registered Health Information Administrator: A credential &lt;b&gt;."),
            "{out}"
        );
        assert!(!out.contains("<!--/term-->"));
    }

    #[test]
    fn unknown_terms_get_a_suggestion() {
        let g = glossary();
        assert!(g.problem("rhia").is_none());
        let (message, help) = g.problem("RHAI").unwrap();
        assert_eq!(message, "unknown glossary term `RHAI`");
        assert_eq!(help, "did you mean `[[RHIA]]`?");
        assert!(
            Glossary::default().problem("RHIA").is_none(),
            "without a glossary, terms are shown as written"
        );
        let marked = format!("{MARK}RHIA\">RHIA{END} and {MARK}x\">why{END}");
        assert_eq!(
            Glossary::default().resolve(&marked),
            "[[RHIA]] and [[x|why]]"
        );
    }
}
