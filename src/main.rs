//! docent: turns Markdown and TOML into a static site.
//!
//! This file parses the command line, runs the command, and reports any error once, at the top.

/// `println!` that lets a closed stdout go (`docent build | head`): a report nobody reads is
/// no reason to fail, and `println!` would panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod build;
mod check;
mod claims;
mod cli;
mod config;
mod content;
mod data;
mod discover;
mod error;
mod figrefs;
mod filters;
mod fingerprint;
mod freshness;
mod frontmatter;
mod fs;
#[cfg(test)]
mod fuzz;
mod glossary;
mod hashing;
mod import_zola;
mod lang;
mod learning;
mod links;
mod lint;
mod listings;
mod markdown;
mod memo;
mod new;
mod output;
mod pipeline;
mod publish;
mod quiz;
mod render;
mod report;
mod schema;
mod search;
mod serve;
mod shortcodes;
mod site;
mod site_files;
mod slug;
mod spill;
mod templates;
mod texts;
mod timings;
mod tomlfile;
mod views;
mod watchdog;

use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

use crate::cli::{Cli, Command, Format};

/// A build makes and frees millions of small strings on two threads; mimalloc does that with
/// less CPU time and less memory held than the system allocator (README, Performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use crate::error::Failure;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Exit::Reported) => ExitCode::FAILURE,
        Err(Exit::Error(err)) => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), Exit> {
    match cli.command {
        Command::Build {
            output_dir,
            base_url,
            drafts,
            future,
            timings,
        } => {
            let out = if output_dir.is_absolute() {
                output_dir
            } else {
                cli.root.join(output_dir)
            };
            let options = pipeline::Options {
                root: cli.root,
                base_url,
                drafts,
                future,
            };
            run_build(&options, &out, timings)
        }
        Command::Serve {
            port,
            bind,
            open,
            drafts,
            future,
            poll,
            timings,
        } => {
            let options = serve::Options {
                port,
                bind,
                open,
                drafts,
                future,
                poll,
                timings,
            };
            Ok(serve::run(&cli.root, options)?)
        }
        Command::Check {
            format,
            drafts,
            future,
        } => run_check(&cli.root, format, drafts, future),
        Command::New {
            kind,
            title,
            section,
        } => {
            say!(
                "{}",
                new::create(&cli.root, kind, &title, section.as_deref())?
            );
            Ok(())
        }
        Command::ImportZola { dir } => {
            say!("{}", import_zola::run(dir.as_deref().unwrap_or(&cli.root))?);
            Ok(())
        }
    }
}

/// `docent build`, with its one-line report.
fn run_build(
    options: &pipeline::Options,
    out: &std::path::Path,
    timings: bool,
) -> Result<(), Exit> {
    let started = Instant::now();
    let summary = build::build(options, out)?;
    let note = if summary.up_to_date {
        " (no input changed)"
    } else {
        ""
    };
    say!(
        "built {}, {}; wrote {}, removed {} in {} ms{note}",
        plural(summary.counts.pages, "page"),
        plural(summary.counts.sections, "section"),
        plural(summary.written.written, "file"),
        summary.written.removed,
        started.elapsed().as_millis()
    );
    if timings {
        print!("{}", summary.laps.table());
    }
    Ok(())
}

/// `docent check`: every finding, as text or JSON; errors set the exit code.
fn run_check(
    root: &std::path::Path,
    format: Format,
    drafts: bool,
    future: bool,
) -> Result<(), Exit> {
    let report = check::run(root, drafts, future)?;
    match format {
        Format::Text => eprint!("{}", report.to_text()),
        Format::Json => print!("{}", report.to_json()),
    }
    if report.errors() > 0 {
        Err(Exit::Reported)
    } else {
        Ok(())
    }
}

/// How a command failed: its problems are printed already and only the exit code is left, or
/// an error to print as a cause chain.
enum Exit {
    Reported,
    Error(anyhow::Error),
}

impl From<anyhow::Error> for Exit {
    fn from(err: anyhow::Error) -> Self {
        Exit::Error(err)
    }
}

/// A failed build is printed once, as it leaves [`run`]: problems in the site as located
/// diagnostics, a failing machine as a cause chain.
impl From<Failure> for Exit {
    fn from(failure: Failure) -> Self {
        eprintln!("{}", describe(&failure));
        Exit::Reported
    }
}

/// A failure as the terminal and serve's overlay show it.
pub(crate) fn describe(failure: &Failure) -> String {
    match failure {
        Failure::Site(diagnostics) => {
            let n = diagnostics.0.len();
            format!(
                "{diagnostics}\n\nerror: build failed with {n} error{}; nothing was written",
                if n == 1 { "" } else { "s" }
            )
        }
        other => other.to_string(),
    }
}

pub(crate) fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
