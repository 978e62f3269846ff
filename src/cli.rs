//! The command line: `docent build | serve | check | new | import-zola`.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "docent",
    version,
    about = "A static site generator for educational websites"
)]
pub(crate) struct Cli {
    /// The site's folder: the one holding site.toml.
    #[arg(long, global = true, default_value = ".")]
    pub(crate) root: PathBuf,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Build the site into the output folder.
    Build {
        /// Where to write the site; a relative path is taken from the site root.
        #[arg(long, short = 'o', default_value = "public")]
        output_dir: PathBuf,
        /// Override site.toml's base_url, e.g. for a preview deployment.
        #[arg(long, short = 'u')]
        base_url: Option<String>,
        /// Include pages and sections marked `draft = true`, and pages past their `expires` date.
        #[arg(long)]
        drafts: bool,
        /// Include pages dated later than now.
        #[arg(long)]
        future: bool,
        /// Print how long each stage took.
        #[arg(long)]
        timings: bool,
    },
    /// Serve the site from memory, rebuilding and reloading the browser on every change.
    Serve {
        /// The port to listen on [default: 1111, or the next free one]. 0 takes any free port.
        #[arg(long, short = 'p')]
        port: Option<u16>,
        /// The address to listen on. Anything but loopback shows the site to other machines.
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        /// Open the site in the default web browser.
        #[arg(long)]
        open: bool,
        /// Include pages and sections marked `draft = true`, and pages past their `expires` date.
        #[arg(long)]
        drafts: bool,
        /// Include pages dated later than now.
        #[arg(long)]
        future: bool,
        /// Poll the files for changes instead of relying on the OS (for network drives).
        #[arg(long)]
        poll: bool,
        /// Print how long each stage of every build took.
        #[arg(long)]
        timings: bool,
    },
    /// Run every stage except writing and report every problem found; exits 1 on errors.
    Check {
        /// `text` for people, `json` for CI scripts.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Include pages and sections marked `draft = true`, and pages past their `expires` date.
        #[arg(long)]
        drafts: bool,
        /// Include pages dated later than now.
        #[arg(long)]
        future: bool,
    },
    /// Create a new page or FAQ entry from an archetype, with placeholders to fill in.
    New {
        #[arg(value_enum)]
        kind: NewKind,
        /// The page title, or the FAQ question.
        title: String,
        /// The section folder under content/ for the page [default: the careers or guide section].
        #[arg(long)]
        section: Option<String>,
    },
    /// Write a site.toml from a Zola site's config.toml, and list what could not be carried over.
    ImportZola {
        /// The Zola site's folder [default: --root].
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum NewKind {
    Career,
    Article,
    Faq,
}
