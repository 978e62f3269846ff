//! docent: turns Markdown and TOML into a static site.
//!
//! This file parses the command line, runs the command, and reports any error once, at the top.

mod cli;
mod config;
mod content;
mod data;
mod discover;
mod error;
mod filters;
mod frontmatter;
mod fs;
mod links;
mod markdown;
mod output;
mod pipeline;
mod render;
mod site_files;
mod slug;
mod tomlfile;
mod views;

use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

use crate::cli::{Cli, Command};
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
            };
            let out = if output_dir.is_absolute() {
                output_dir
            } else {
                cli.root.join(output_dir)
            };
            let (built, written) = pipeline::build(&options, &out)?;
            println!(
                "built {} pages, {} sections; wrote {} files, removed {} in {} ms",
                built.pages,
                built.sections,
                written.written,
                written.removed,
                started.elapsed().as_millis()
            );
            Ok(())
        }
    }
}

/// Prints an error once: located diagnostics as they are, anything else as a cause chain.
fn report(err: &anyhow::Error) {
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
