//! The teaching lint that `docent check` runs on every page's Markdown: what makes a page hard
//! to read or to use with a screen reader. Each finding has a stable code:
//!
//! | code | severity | finds |
//! |---|---|---|
//! | `image-alt` | error | an image with no alt text |
//! | `link-text` | error | a link whose text is empty or only "click here", "here", "read more"… |
//! | `table-header` | error | a table whose header row is empty, or a `<table>` with no `<th>` |
//! | `heading-skip` | warning | a heading that skips a level (`##` then `####`) |
//! | `term-first-use` | warning | a glossary abbreviation used before it is linked or spelled out |
//! | `reading-grade` | warning | prose above its section's reading grade ([`grade`]) |
//!
//! site.toml's `[lint]` turns codes off (`allow`) and sets the grades; a page turns codes off
//! for itself with `<!-- lint-allow: reading-grade -->`.

mod access;
mod body;
mod grade;
mod terms;

use std::collections::BTreeMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::error::Diagnostic;
use crate::glossary::Glossary;
use crate::report::{Report, Severity};
use crate::site::{DocId, Site, Texts};

/// Every code, with its severity.
pub(crate) const CODES: &[(&str, Severity)] = &[
    ("image-alt", Severity::Error),
    ("link-text", Severity::Error),
    ("table-header", Severity::Error),
    ("heading-skip", Severity::Warning),
    ("term-first-use", Severity::Warning),
    ("reading-grade", Severity::Warning),
];

/// The fewest words and sentences a page needs before its reading grade means anything.
const GRADED: (usize, usize) = (100, 5);

/// site.toml's `[lint]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct LintConfig {
    /// Codes not reported anywhere.
    pub(crate) allow: Vec<String>,
    /// The highest Flesch–Kincaid grade a page's prose may have.
    pub(crate) reading_grade: f64,
    /// Other grades for sections, by their folder under content/ (`guide`, `courses/intro`):
    /// a section's pages and its subsections' pages take the nearest one.
    pub(crate) sections: BTreeMap<String, f64>,
    /// Days after a source's `checked` date that it is due for review, when it has no
    /// `review_after` of its own.
    pub(crate) max_source_age: Option<u32>,
}

impl Default for LintConfig {
    fn default() -> LintConfig {
        LintConfig {
            allow: Vec::new(),
            reading_grade: 12.0,
            sections: BTreeMap::new(),
            max_source_age: None,
        }
    }
}

/// One finding, at a span of the body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Finding {
    pub(crate) code: &'static str,
    pub(crate) span: Range<usize>,
    pub(crate) message: String,
    pub(crate) help: String,
}

impl Finding {
    fn new(
        code: &'static str,
        span: Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Finding {
        Finding {
            code,
            span,
            message: message.into(),
            help: help.into(),
        }
    }
}

/// Runs the teaching lint on every page and section with a body, into `report`.
pub(crate) fn teaching(
    report: &mut Report,
    (site, texts): (&Site, &Texts),
    config: &Config,
    (glossary, figures): (&Glossary, &crate::figrefs::Numbers),
) {
    if !report.lints() {
        return;
    }
    let options = crate::markdown::options(&config.markdown_settings());
    let abbreviations: Vec<_> = glossary
        .entries()
        .filter_map(|(id, term, expansion)| terms::Abbreviation::of(id, term, expansion))
        .collect();
    let glossary_page = config
        .glossary
        .as_ref()
        .map(|g| g.page.trim_start_matches("@/").to_string());
    let mut found: Vec<(&'static str, Diagnostic)> = Vec::new();
    for (id, doc) in site.docs() {
        let text = texts.body(site, id);
        if text.trim().is_empty() {
            continue;
        }
        let mut scan = body::scan(text, options);
        // `[](#fig-x)` says "Figure 2" once built: its text is the figure's number.
        scan.links
            .retain(|l| !(l.text.trim().is_empty() && figures.names_a_figure(site, id, &l.dest)));
        let terms =
            (glossary_page.as_deref() != Some(doc.rel.as_str())).then_some(&abbreviations[..]);
        let page = lint_page(&scan, text, terms, target_grade(site, id, &config.lint));
        let allowed = page_allows(text);
        let full = texts.full(id);
        found.extend(
            page.into_iter()
                .filter(|f| {
                    !allowed.contains(&f.code) && !config.lint.allow.iter().any(|a| a == f.code)
                })
                .map(|f| (f.code, doc.at(full, &f.span, f.message).with_help(f.help))),
        );
    }
    for &(code, severity) in CODES {
        report.lint(severity, code, || {
            found
                .iter()
                .filter(|(c, _)| *c == code)
                .map(|(_, d)| d.clone())
                .collect::<Vec<_>>()
        });
    }
    report.lint(Severity::Warning, "config", || {
        unknown_sections(site, &config.lint)
    });
}

/// Every finding in one body: accessibility, abbreviations (unless `terms` is `None`, as on
/// the glossary page) and its reading grade against `target`.
fn lint_page(
    scan: &body::Scan,
    text: &str,
    terms: Option<&[terms::Abbreviation]>,
    target: f64,
) -> Vec<Finding> {
    let mut page = Vec::new();
    access::images(scan, &mut page);
    access::links(scan, &mut page);
    access::tables(scan, &mut page);
    access::headings(scan, &mut page);
    if let Some(terms) = terms {
        terms::first_uses(scan, text, terms, &mut page);
    }
    page.extend(reading_grade(scan, target));
    page
}

/// The codes a page's `<!-- lint-allow: a b -->` comments turn off.
fn page_allows(body: &str) -> Vec<&'static str> {
    const MARK: &str = "<!-- lint-allow:";
    let mut allowed = Vec::new();
    for (i, _) in body.match_indices(MARK) {
        let rest = &body[i + MARK.len()..];
        let list = &rest[..rest.find("-->").unwrap_or(0)];
        for word in list.split([' ', ',']).filter(|w| !w.is_empty()) {
            allowed.extend(CODES.iter().map(|(c, _)| *c).filter(|c| *c == word));
        }
    }
    allowed
}

/// The grade a doc's prose should stay under: its nearest section's in `[lint.sections]`,
/// or the site's.
fn target_grade(site: &Site, id: DocId, lint: &LintConfig) -> f64 {
    let own = std::iter::once(id).filter(|id| site[*id].section().is_some());
    own.chain(site.ancestors(id).into_iter().rev())
        .find_map(|s| lint.sections.get(section_key(&site[s].rel)))
        .copied()
        .unwrap_or(lint.reading_grade)
}

/// A section's key in `[lint.sections]`: its folder under content/ (`""` for the root).
fn section_key(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(folder, _)| folder)
}

/// A finding when the page's prose is above `target`, at its hardest paragraph.
fn reading_grade(scan: &body::Scan, target: f64) -> Option<Finding> {
    let blocks: Vec<_> = scan
        .prose
        .iter()
        .filter(|p| p.sentences)
        .map(|p| (grade::Counts::of(&p.text.text), &p.text.span))
        .collect();
    let mut page = grade::Counts::default();
    blocks.iter().for_each(|(counts, _)| page.add(*counts));
    let score = page.grade()?;
    // Compared as shown: a page at 12.04 reads "12.0", which is not above 12.
    let shown = (score * 10.0).round() / 10.0;
    if page.words < GRADED.0 || page.sentences < GRADED.1 || shown <= target {
        return None;
    }
    let hardest = blocks
        .iter()
        .filter(|(c, _)| c.words >= 15)
        .max_by(|a, b| {
            a.0.grade()
                .partial_cmp(&b.0.grade())
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .or(blocks.first())?;
    let (counts, span) = hardest;
    Some(Finding::new(
        "reading-grade",
        span.start..span.start,
        format!(
            "this page reads at grade {score:.1}, above its target of {target} \
             ({} words in {} sentences)",
            page.words, page.sentences
        ),
        format!(
            "the hardest paragraph starts here (grade {:.1}, {:.0} words a sentence): shorter \
             sentences and plainer words bring the grade down",
            counts.grade().unwrap_or(score),
            counts.words as f64 / counts.sentences.max(1) as f64
        ),
    ))
}

/// `[lint.sections]` keys that name no section.
fn unknown_sections(site: &Site, lint: &LintConfig) -> Vec<Diagnostic> {
    lint.sections
        .keys()
        .filter(|key| {
            !site
                .sections()
                .any(|(_, doc, _)| section_key(&doc.rel) == key.as_str())
        })
        .map(|key| {
            Diagnostic::in_file(
                crate::config::FILE,
                format!("`[lint.sections]` names `{key}`, which is not a section"),
            )
            .with_help("name a section by its folder under content/, like `guide`")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_turn_codes_off_with_a_comment() {
        let body = "Text.\n<!-- lint-allow: reading-grade, link-text nonsense -->\n";
        assert_eq!(page_allows(body), ["reading-grade", "link-text"]);
    }

    #[test]
    fn a_hard_page_is_flagged_at_its_hardest_paragraph() {
        let easy = "The cat sat on the mat. It was warm. The sun was out. ".repeat(4);
        let hard = "Interoperability considerations necessitate comprehensive organizational coordination across heterogeneous institutional information infrastructures. ".repeat(5);
        let body = format!("{easy}\n\n{hard}\n\n{easy}\n");
        let scan = body::scan(&body, pulldown_cmark::Options::all());
        let finding = reading_grade(&scan, 12.0).expect("a hard page");
        assert_eq!(finding.span.start, easy.len() + 2);
        assert!(
            finding.message.contains("above its target of 12"),
            "{}",
            finding.message
        );
        assert!(reading_grade(&scan, 40.0).is_none());
        let short = body::scan(
            "Interoperability necessitates coordination.",
            pulldown_cmark::Options::all(),
        );
        assert!(reading_grade(&short, 1.0).is_none(), "too short to grade");
    }
}
