//! `docent build`: a run into a staging folder inside the output folder, committed only when
//! every stage has succeeded, with the search index built from the pages as they arrive.

use std::path::Path;

use crate::error::Result;
use crate::fingerprint::{self, Manifest};
use crate::memo::Memo;
use crate::output::{self, Staging};
use crate::pipeline::{self, Counts, Options, Stop};
use crate::report::Report;
use crate::search::Indexing;
use crate::spill::Spill;
use crate::timings::Laps;

/// The scratch file for rendered bodies, in the output folder (see `spill`).
const SCRATCH: &str = ".docent-bodies";

/// What a build did, for its one-line report.
pub(crate) struct Summary {
    pub(crate) counts: Counts,
    pub(crate) written: output::Written,
    /// No input changed since the last build into this folder, so nothing was rendered.
    pub(crate) up_to_date: bool,
    /// How long each stage took, for `--timings`.
    pub(crate) laps: Laps,
}

/// Renders the site and writes it to `out`, touching only files whose bytes changed. When no
/// input changed since the last build into `out` and its files are intact, it stops early.
pub(crate) fn build(options: &Options, out: &Path) -> Result<Summary> {
    output::check_dir(&options.root, out)?;
    let mut laps = Laps::start();
    let inputs = fingerprint::of_inputs(&options.root, options);
    laps.lap("inputs hashed");
    if let Some(last) = output::manifest(out).filter(|m| m.inputs == inputs && m.still_holds(out)) {
        return Ok(Summary {
            counts: Counts {
                pages: last.pages,
                sections: last.sections,
            },
            written: output::Written::default(),
            up_to_date: true,
            laps,
        });
    }
    let staging = Staging::new(out)?;
    let indexing = Indexing::new(&staging);
    let scratch = out.join(SCRATCH);
    let spill = Spill::create(&scratch)
        .map_err(|e| anyhow::anyhow!("could not create {}: {e}", scratch.display()))?;
    let ran = pipeline::run(
        options,
        &indexing,
        &mut Report::fail_fast(),
        &mut Memo::spilling(spill),
        &Stop::default(),
    )?;
    let counts = ran.counts;
    let until = ran.site.publishing().until.map(|t| t.as_second());
    laps.append(ran.laps.clone());
    drop(ran); // free the model while the search index finishes
    indexing.finish()?;
    laps.lap("search index");
    let paths = staging.paths();
    let written = staging.commit()?;
    let manifest = Manifest {
        pages: counts.pages,
        sections: counts.sections,
        until,
        ..Manifest::record(out, inputs, paths.into_iter())
    };
    output::write_manifest(out, &manifest)?;
    laps.lap("output committed");
    Ok(Summary {
        counts,
        written,
        up_to_date: false,
        laps,
    })
}
