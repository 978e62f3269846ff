//! Findings: what a run reports about the site. A build stops at the first stage with errors;
//! `docent check` runs the same stages with a report that collects every finding, and prints
//! them as text or as stable JSON for CI.

use serde::Serialize;

use crate::error::{Diagnostic, Diagnostics, Failure, Result, display_path};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Severity {
    Error,
    Warning,
}

#[derive(Debug)]
pub(crate) struct Finding {
    pub(crate) severity: Severity,
    /// A stable name for the kind of finding, for CI scripts: `schema`, `link`, `orphan`, ...
    pub(crate) code: &'static str,
    pub(crate) diagnostic: Diagnostic,
}

/// Where a run's findings go: the first stage with errors stops a build, while `check`
/// collects every finding and runs the lints that only it reports.
#[derive(Debug, Default)]
pub(crate) struct Report {
    collect: bool,
    findings: Vec<Finding>,
}

impl Report {
    /// A report that stops the run at the first stage with errors.
    pub(crate) fn fail_fast() -> Report {
        Report::default()
    }

    /// A report that collects every finding; stages go on where they can.
    pub(crate) fn collecting() -> Report {
        Report {
            collect: true,
            findings: Vec::new(),
        }
    }

    /// Whether lints run: only `check` reports them.
    pub(crate) fn lints(&self) -> bool {
        self.collect
    }

    /// A stage's value, or its problems. Stages after it need the value, so the run stops.
    pub(crate) fn take<T>(
        &mut self,
        code: &'static str,
        result: std::result::Result<T, Diagnostics>,
    ) -> Result<T> {
        result.map_err(|problems| {
            if self.collect {
                self.add(Severity::Error, code, problems.0.clone());
            }
            Failure::Site(problems)
        })
    }

    /// A stage's problems. A build stops at them; `check` records them and goes on.
    pub(crate) fn check(
        &mut self,
        code: &'static str,
        result: std::result::Result<(), Diagnostics>,
    ) -> Result<()> {
        match result {
            Err(problems) if !self.collect => Err(Failure::Site(problems)),
            Err(Diagnostics(problems)) => {
                self.add(Severity::Error, code, problems);
                Ok(())
            }
            Ok(()) => Ok(()),
        }
    }

    /// What a lint finds; it runs only when findings are collected, and never stops a run.
    pub(crate) fn lint<I: IntoIterator<Item = Diagnostic>>(
        &mut self,
        severity: Severity,
        code: &'static str,
        lint: impl FnOnce() -> I,
    ) {
        if self.collect {
            self.add(severity, code, lint());
        }
    }

    fn add(
        &mut self,
        severity: Severity,
        code: &'static str,
        diagnostics: impl IntoIterator<Item = Diagnostic>,
    ) {
        self.findings
            .extend(diagnostics.into_iter().map(|diagnostic| Finding {
                severity,
                code,
                diagnostic,
            }));
    }

    pub(crate) fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }

    pub(crate) fn warnings(&self) -> usize {
        self.findings.len() - self.errors()
    }

    pub(crate) fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            let key = |f: &Finding| {
                (
                    f.diagnostic.file.clone(),
                    f.diagnostic.location.as_ref().map(|l| (l.line, l.column)),
                    f.code,
                )
            };
            key(a).cmp(&key(b))
        });
        self.findings
            .dedup_by(|a, b| a.code == b.code && a.diagnostic == b.diagnostic);
    }

    pub(crate) fn to_text(&self) -> String {
        let mut text = String::new();
        for f in &self.findings {
            let label = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            text.push_str(&f.diagnostic.labelled(&format!("{label}[{}]", f.code)));
            text.push_str("\n\n");
        }
        let (e, w) = (self.errors(), self.warnings());
        let s = |n: usize| if n == 1 { "" } else { "s" };
        text.push_str(&format!(
            "checked: {e} error{}, {w} warning{}\n",
            s(e),
            s(w)
        ));
        text
    }

    /// A stable JSON shape for CI: `{ "errors", "warnings", "findings": [...] }`.
    pub(crate) fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Item<'a> {
            severity: Severity,
            code: &'a str,
            file: String,
            line: Option<usize>,
            column: Option<usize>,
            message: &'a str,
            help: Option<&'a str>,
        }
        #[derive(Serialize)]
        struct Out<'a> {
            errors: usize,
            warnings: usize,
            findings: Vec<Item<'a>>,
        }
        let findings = self
            .findings
            .iter()
            .map(|f| Item {
                severity: f.severity,
                code: f.code,
                file: display_path(&f.diagnostic.file),
                line: f.diagnostic.location.as_ref().map(|l| l.line),
                column: f.diagnostic.location.as_ref().map(|l| l.column),
                message: &f.diagnostic.message,
                help: f.diagnostic.help.as_deref(),
            })
            .collect();
        let out = Out {
            errors: self.errors(),
            warnings: self.warnings(),
            findings,
        };
        serde_json::to_string_pretty(&out).unwrap_or_default() + "\n"
    }
}
