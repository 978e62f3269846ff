//! Abbreviations from the glossary used before the page links or spells them out.
//!
//! A glossary term is an abbreviation when it is written in capitals (`RHIA`, `CCS-P`,
//! `O*NET-SOC`) or ends with one in brackets (`Health informatics (HI)`). Its first use in a
//! page's text must come after a link to its entry (`[[RHIA]]`, or a link to
//! `@/glossary.md#rhia`), or be its own definition: `health informatics (HI)`, or
//! `HI (health informatics)`. Headings, code and link text are not uses.

use super::Finding;
use super::body::Scan;

/// A glossary abbreviation and what it stands for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Abbreviation {
    pub(crate) id: String,
    pub(crate) short: String,
    pub(crate) long: Option<String>,
    /// The names a `[[…]]` link may give it: its id and its term, lower-cased.
    names: [String; 2],
}

impl Abbreviation {
    /// The abbreviation a glossary entry names, if it names one.
    pub(crate) fn of(id: &str, term: &str, expansion: Option<&str>) -> Option<Abbreviation> {
        let names = [id.to_lowercase(), term.to_lowercase()];
        let make = |short: &str, long: Option<&str>| Abbreviation {
            id: id.to_string(),
            short: short.to_string(),
            long: long.map(str::to_string),
            names: names.clone(),
        };
        if let Some((long, rest)) = term
            .trim_end()
            .strip_suffix(')')
            .and_then(|t| t.rsplit_once('('))
        {
            return is_abbreviation(rest.trim()).then(|| make(rest.trim(), Some(long.trim())));
        }
        is_abbreviation(term).then(|| make(term, expansion))
    }

    fn linked_by(&self, link: &super::body::Link) -> bool {
        let dest = link.dest.to_lowercase();
        match link.term {
            true => self.names.contains(&dest),
            false => dest.ends_with(&format!("#{}", self.id.to_lowercase())),
        }
    }
}

/// Two or more capitals and no lower-case letter.
fn is_abbreviation(term: &str) -> bool {
    term.chars().filter(char::is_ascii_uppercase).count() >= 2
        && !term.chars().any(char::is_lowercase)
}

/// Each abbreviation whose first use in `scan` comes before its first link or definition.
pub(crate) fn first_uses(scan: &Scan, body: &str, terms: &[Abbreviation], out: &mut Vec<Finding>) {
    for term in terms {
        let Some((at, defined)) = first_use(scan, body, term) else {
            continue;
        };
        let linked = scan
            .links
            .iter()
            .any(|l| l.span.start < at && term.linked_by(l));
        if linked || defined {
            continue;
        }
        let link = match term.names[1] == term.short.to_lowercase() {
            true => format!("[[{}]]", term.short),
            false => format!("[[{}|{}]]", term.id, term.short),
        };
        let help = match &term.long {
            Some(long) => format!(
                "link this first use as {link}, or spell it out first: {long} ({})",
                term.short
            ),
            None => format!("link this first use as {link}"),
        };
        out.push(Finding::new(
            "term-first-use",
            at..at + term.short.len(),
            format!(
                "`{}` is used before the page links to it or says what it stands for",
                term.short
            ),
            help,
        ));
    }
}

/// Where `term` is first used in the page's text, and whether that use defines it.
fn first_use(scan: &Scan, body: &str, term: &Abbreviation) -> Option<(usize, bool)> {
    for piece in &scan.text {
        let Some(i) = find_word(&piece.text, &term.short) else {
            continue;
        };
        // The text event is the source itself unless escapes or smart quotes changed it.
        let exact = body.get(piece.span.clone()) == Some(piece.text.as_str());
        let at = if exact {
            piece.span.start + i
        } else {
            piece.span.start
        };
        let defined = term.long.as_deref().is_some_and(|long| {
            defines(&piece.text[..i], &piece.text[i + term.short.len()..], long)
        });
        return Some((at, defined));
    }
    None
}

/// Whether `long (SHORT)` or `SHORT (long)` is written around a use.
fn defines(before: &str, after: &str, long: &str) -> bool {
    let long = long.to_lowercase();
    let before = before.to_lowercase();
    let spelled_before = before
        .trim_end()
        .strip_suffix('(')
        .is_some_and(|b| b.trim_end().ends_with(&long));
    let spelled_after = after
        .trim_start()
        .strip_prefix('(')
        .is_some_and(|a| a.trim_start().to_lowercase().starts_with(&long));
    spelled_before || spelled_after
}

/// The byte offset of `word` in `text` where it stands alone: not inside a longer word, and
/// not the start of a longer abbreviation such as `CCS-P` for `CCS`.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let part = |c: char| c.is_alphanumeric() || c == '*';
    text.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back();
        let rest = &text[i + word.len()..];
        let mut after = rest.chars();
        let joined = match after.next() {
            Some('-') => after.next().is_some_and(char::is_alphanumeric),
            Some(c) => part(c),
            None => false,
        };
        !before.is_some_and(|c| part(c) || c == '-') && !joined
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::body::scan;

    fn terms() -> Vec<Abbreviation> {
        [
            (
                "rhia",
                "RHIA",
                Some("Registered Health Information Administrator"),
            ),
            ("health-informatics", "Health informatics (HI)", None),
            ("ccs", "CCS", None),
            ("reimbursement", "Reimbursement", None),
        ]
        .iter()
        .filter_map(|(id, term, long)| Abbreviation::of(id, term, *long))
        .collect()
    }

    fn flagged(body: &str) -> Vec<String> {
        let mut out = Vec::new();
        first_uses(
            &scan(body, pulldown_cmark::Options::all()),
            body,
            &terms(),
            &mut out,
        );
        out.iter()
            .map(|f| body[f.span.clone()].to_string())
            .collect()
    }

    #[test]
    fn abbreviations_come_from_capitals_or_a_bracket() {
        let shorts: Vec<_> = terms().iter().map(|t| t.short.clone()).collect();
        assert_eq!(shorts, ["RHIA", "HI", "CCS"]);
        assert_eq!(terms()[1].long.as_deref(), Some("Health informatics"));
    }

    #[test]
    fn a_first_use_needs_a_link_or_a_definition() {
        assert_eq!(flagged("The RHIA and HI. Then [[RHIA]]."), ["RHIA", "HI"]);
        assert!(flagged("[[RHIA]] first, then RHIA.").is_empty());
        assert!(flagged("[[health-informatics|HI]] then HI.").is_empty());
        assert!(flagged("Study health informatics (HI); HI is broad.").is_empty());
        assert!(
            flagged("A [registered administrator](@/glossary.md#rhia) holds the RHIA.").is_empty()
        );
        assert!(flagged("The RHIA (Registered Health Information Administrator).").is_empty());
    }

    #[test]
    fn a_link_in_a_table_counts_with_its_pipe_escaped() {
        let body = "| [[health-informatics\\|HI]] | x |\n|---|---|\n| HI | 1 |\n";
        assert!(flagged(body).is_empty(), "{body}");
        assert_eq!(flagged("| x | y |\n|---|---|\n| HI | 1 |\n"), ["HI"]);
    }

    #[test]
    fn headings_and_longer_words_are_not_uses() {
        assert!(flagged("## RHIA\n\nCCS-P and HIM and THIS.\n").is_empty());
        assert_eq!(flagged("CCS-P, then CCS."), ["CCS"]);
    }
}
