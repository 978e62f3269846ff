//! Diagnostics: located, rustc-style error reports for bad input.
//!
//! Every stage that reads author input reports problems as [`Diagnostic`]s. A diagnostic names
//! the file and, where known, the line and column, with the offending line and a caret under it.
//! A stage that finds several problems returns them all at once as [`Diagnostics`].

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One problem in one input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Diagnostic {
    pub(crate) file: PathBuf,
    pub(crate) message: String,
    pub(crate) location: Option<Location>,
    pub(crate) help: Option<String>,
}

/// Where in a file a problem is: 1-based line and column, the line's text and the caret width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Location {
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) text: String,
    pub(crate) width: usize,
}

impl Diagnostic {
    /// A problem with a whole file, with no position inside it.
    pub(crate) fn in_file(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            message: message.into(),
            location: None,
            help: None,
        }
    }

    /// A problem at a byte range of `source`, the full text of `file`.
    pub(crate) fn at(
        file: impl Into<PathBuf>,
        source: &str,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            location: Some(Location::of(source, span)),
            ..Diagnostic::in_file(file, message)
        }
    }

    /// A problem at a known 1-based line and 0-based column of `source`.
    pub(crate) fn at_line(
        file: impl Into<PathBuf>,
        source: &str,
        line: usize,
        column: usize,
        width: usize,
        message: impl Into<String>,
    ) -> Self {
        let text = source.lines().nth(line.saturating_sub(1)).unwrap_or("");
        Diagnostic {
            location: Some(Location {
                line,
                column: column + 1,
                text: text.to_string(),
                width: width.max(1),
            }),
            ..Diagnostic::in_file(file, message)
        }
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `file:line:col`, or just the file when the position is unknown.
    pub(crate) fn locus(&self) -> String {
        match &self.location {
            Some(loc) => format!("{}:{}:{}", display_path(&self.file), loc.line, loc.column),
            None => display_path(&self.file),
        }
    }
}

impl Location {
    /// Computes line, column and line text for a byte range. Out-of-range spans are clamped,
    /// so a diagnostic can never panic on a bad offset.
    pub(crate) fn of(source: &str, span: Range<usize>) -> Location {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let text = source[line_start..line_end].trim_end_matches('\r');
        let line = source[..start].matches('\n').count() + 1;
        let column = source[line_start..start].chars().count() + 1;
        let end = floor_char_boundary(source, span.end.clamp(start, line_end));
        let width = source[start..end].chars().count().max(1);
        Location {
            line,
            column,
            text: text.to_string(),
            width,
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Paths print with forward slashes on every platform, so snapshots are stable.
pub(crate) fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_as("error", f)
    }
}

impl Diagnostic {
    /// The report with another label than `error`, such as `warning`.
    pub(crate) fn labelled(&self, label: &str) -> String {
        struct Labelled<'a>(&'a Diagnostic, &'a str);
        impl fmt::Display for Labelled<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.write_as(self.1, f)
            }
        }
        Labelled(self, label).to_string()
    }

    fn write_as(&self, label: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{label}: {}", self.message)?;
        match &self.location {
            Some(loc) => {
                let gutter = " ".repeat(loc.line.to_string().len());
                writeln!(f, "{gutter}--> {}", self.locus())?;
                writeln!(f, "{gutter} |")?;
                let (shown, before, width) = window(&loc.text, loc.column - 1, loc.width);
                writeln!(f, "{} | {shown}", loc.line)?;
                let pad: String = before
                    .chars()
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                write!(f, "{gutter} | {pad}{}", "^".repeat(width))?;
                if let Some(help) = &self.help {
                    write!(f, "\n{gutter} = help: {help}")?;
                }
            }
            None => {
                write!(f, "  --> {}", self.locus())?;
                if let Some(help) = &self.help {
                    write!(f, "\n   = help: {help}")?;
                }
            }
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// The longest part of a line a snippet shows, in characters.
const SNIPPET: usize = 100;

/// The part of `line` a snippet shows, with control characters as their pictures (they would
/// act on the terminal); the text before the `column` (0-based, in characters) within it; and
/// the marker's width. A long line is cut to a window around the column, with `…` where it
/// was cut.
fn window(line: &str, column: usize, width: usize) -> (String, String, usize) {
    let chars: Vec<char> = line.chars().map(visible).collect();
    let column = column.min(chars.len());
    if chars.len() <= SNIPPET {
        let before = chars[..column].iter().collect();
        return (chars.iter().collect(), before, width);
    }
    let start = column.saturating_sub(SNIPPET / 3);
    let end = (start + SNIPPET).min(chars.len());
    let mut shown: String = if start > 0 {
        "…".into()
    } else {
        String::new()
    };
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    let mut before: String = if start > 0 { " ".into() } else { String::new() };
    before.extend(&chars[start..column]);
    (shown, before, width.min(end - column).max(1))
}

/// `c`, or for a control character other than tab its Unicode picture (U+0001 as ␁).
fn visible(c: char) -> char {
    match c {
        '\t' => c,
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
        '\u{7f}' => '\u{2421}',
        c if c.is_control() => '\u{FFFD}',
        c => c,
    }
}

/// Every problem a stage found. This is the error type that reaches `main` for bad input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Diagnostics(pub(crate) Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

/// Why a build did not finish. Bad input and a failing machine are told apart by type, so
/// nothing downcasts errors to decide what to do.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The site has problems: every located one that the failing stage found.
    Site(Diagnostics),
    /// The machine failed: a file could not be read or written, a thread would not start.
    Io(anyhow::Error),
    /// A newer change asked for a newer build (`docent serve`); nothing is wrong.
    Stopped,
}

/// What a stage of the pipeline returns.
pub(crate) type Result<T> = std::result::Result<T, Failure>;

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Site(diagnostics) => write!(f, "{diagnostics}"),
            Failure::Io(err) => {
                write!(f, "error: {err}")?;
                for cause in err.chain().skip(1) {
                    write!(f, "\n  caused by: {cause}")?;
                }
                Ok(())
            }
            Failure::Stopped => f.write_str("the build was stopped for a newer one"),
        }
    }
}

impl From<Diagnostics> for Failure {
    fn from(diagnostics: Diagnostics) -> Self {
        Failure::Site(diagnostics)
    }
}

impl From<Diagnostic> for Failure {
    fn from(diagnostic: Diagnostic) -> Self {
        Failure::Site(diagnostic.into())
    }
}

impl From<anyhow::Error> for Failure {
    fn from(err: anyhow::Error) -> Self {
        Failure::Io(err)
    }
}

/// Collects the results of a stage: all the values if every item succeeded, otherwise every
/// diagnostic from every item, sorted by file and position so the report is stable.
pub(crate) fn collect<T>(
    results: impl IntoIterator<Item = std::result::Result<T, Diagnostics>>,
) -> std::result::Result<Vec<T>, Diagnostics> {
    let results = results.into_iter();
    let mut values = Vec::with_capacity(results.size_hint().0);
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(v) => values.push(v),
            Err(Diagnostics(mut ds)) => errors.append(&mut ds),
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        errors.sort_by(|a, b| {
            let pos = |d: &Diagnostic| d.location.as_ref().map(|l| (l.line, l.column));
            (&a.file, pos(a)).cmp(&(&b.file, pos(b)))
        });
        errors.dedup();
        Err(Diagnostics(errors))
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo: a few
/// edits away (a swap counts as one), or sharing a long prefix.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let allowed = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| {
            (
                strsim::damerau_levenshtein(word, c),
                strsim::jaro_winkler(word, c),
                c,
            )
        })
        .filter(|(edits, similarity, _)| *edits <= allowed || *similarity > 0.9)
        .min_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(b.2)))
        .map(|(.., c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_cut_to_a_window_around_the_column() {
        let line = format!("{}BAD{}", "a".repeat(5000), "b".repeat(5000));
        let (shown, before, width) = window(&line, 5000, 3);
        assert!(shown.chars().count() <= SNIPPET + 2, "{}", shown.len());
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        let at = before.chars().count();
        let marked: String = shown.chars().skip(at).take(3).collect();
        assert_eq!(marked, "BAD");
        assert_eq!(width, 3);
        let (shown, before, _) = window("short \u{1} line", 6, 1);
        assert_eq!(
            (shown.as_str(), before.as_str()),
            ("short ␁ line", "short ")
        );
    }

    #[test]
    fn location_counts_lines_and_chars() {
        let src = "a = 1\nbé = \"x\"\n";
        let loc = Location::of(src, 11..14);
        assert_eq!((loc.line, loc.column, loc.width), (2, 5, 3));
        assert_eq!(loc.text, "bé = \"x\"");
    }

    #[test]
    fn location_clamps_bad_offsets() {
        let loc = Location::of("abc", 10..20);
        assert_eq!(loc.line, 1);
        assert_eq!(loc.column, 4);
    }

    #[test]
    fn renders_like_rustc() {
        let d = Diagnostic::at("site.toml", "title = 3\n", 8..9, "`title` must be a string")
            .with_help("quote it");
        insta::assert_snapshot!(d.to_string(), @r"
        error: `title` must be a string
         --> site.toml:1:9
          |
        1 | title = 3
          |         ^
          = help: quote it
        ");
    }

    #[test]
    fn suggests_near_misses_only() {
        assert_eq!(did_you_mean("titel", ["title", "date"]), Some("title"));
        assert_eq!(did_you_mean("zzz", ["title", "date"]), None);
    }
}
