//! The command line: `docent build | serve | check | new`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "docent",
    version,
    about = "A static site generator for educational websites"
)]
pub struct Cli {
    /// The site's folder: the one holding site.toml.
    #[arg(long, global = true, default_value = ".")]
    pub root: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder.
    Build {
        /// Where to write the site; a relative path is taken from the site root.
        #[arg(long, short = 'o', default_value = "public")]
        output_dir: PathBuf,
        /// Override site.toml's base_url, e.g. for a preview deployment.
        #[arg(long, short = 'u')]
        base_url: Option<String>,
        /// Include pages and sections marked `draft = true`.
        #[arg(long)]
        drafts: bool,
    },
}
