//! docent: turns Markdown and TOML into a static site.
//!
//! This file parses the command line, runs the command, and reports any error once, at the top.

mod check;
mod cli;
mod config;
mod content;
mod data;
mod discover;
mod error;
mod filters;
mod fingerprint;
mod frontmatter;
mod fs;
mod incremental;
mod links;
mod markdown;
mod new;
mod output;
mod pipeline;
mod render;
mod schema;
mod search;
mod serve;
mod site_files;
mod slug;
mod tomlfile;
mod views;

use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

use crate::cli::{Cli, Command, Format};
use crate::error::{Diagnostic, Diagnostics};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            report(&err);
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Build {
            output_dir,
            base_url,
            drafts,
        } => {
            let started = Instant::now();
            let options = pipeline::Options {
                root: cli.root.clone(),
                base_url,
                drafts,
                search: true,
                stop: None,
            };
            let out = if output_dir.is_absolute() {
                output_dir
            } else {
                cli.root.join(output_dir)
            };
            let summary = pipeline::build(&options, &out)?;
            let note = if summary.up_to_date {
                " (no input changed)"
            } else {
                ""
            };
            println!(
                "built {}, {}; wrote {}, removed {} in {} ms{note}",
                plural(summary.pages, "page"),
                plural(summary.sections, "section"),
                plural(summary.written.written, "file"),
                summary.written.removed,
                started.elapsed().as_millis()
            );
            Ok(())
        }
        Command::Serve {
            port,
            bind,
            open,
            drafts,
            poll,
        } => serve::run(
            &cli.root,
            serve::Options {
                port,
                bind,
                open,
                drafts,
                poll,
            },
        ),
        Command::Check { format, drafts } => {
            let report = check::run(&cli.root, drafts)?;
            match format {
                Format::Text => eprint!("{}", report.to_text()),
                Format::Json => print!("{}", report.to_json()),
            }
            if report.errors() > 0 {
                Err(AlreadyReported.into())
            } else {
                Ok(())
            }
        }
        Command::New {
            kind,
            title,
            section,
        } => {
            let path = new::create(&cli.root, kind, &title, section.as_deref())?;
            println!("created {}", error::display_path(&path));
            Ok(())
        }
    }
}

/// An error whose details are already printed; it only sets the exit code.
#[derive(Debug)]
struct AlreadyReported;

impl std::fmt::Display for AlreadyReported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("already reported")
    }
}

impl std::error::Error for AlreadyReported {}

pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Prints an error once: located diagnostics as they are, anything else as a cause chain.
fn report(err: &anyhow::Error) {
    if err.is::<AlreadyReported>() {
        return;
    }
    let single = err
        .downcast_ref::<Diagnostic>()
        .map(|d| Diagnostics(vec![d.clone()]));
    if let Some(diagnostics) = single
        .as_ref()
        .or_else(|| err.downcast_ref::<Diagnostics>())
    {
        eprintln!("{diagnostics}\n");
        let n = diagnostics.0.len();
        eprintln!(
            "error: build failed with {n} error{}; nothing was written",
            if n == 1 { "" } else { "s" }
        );
        return;
    }
    eprintln!("error: {err}");
    for cause in err.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
}
