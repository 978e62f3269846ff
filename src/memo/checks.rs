//! Checks that a run may skip: each passed last time on inputs that hash the same. A check
//! that failed is always run again, so its errors are reported in full.

use std::sync::Arc;

use super::{Memo, hash};
use crate::config::Config;
use crate::discover::{Asset, SourceFile};
use crate::error::Diagnostics;
use crate::schema::Schemas;
use crate::site::{Site, Texts};

/// The keys of the checks that passed in the last run.
#[derive(Default)]
pub(super) struct Passed {
    claims: Option<u64>,
    schemas: Option<u64>,
}

impl Memo {
    /// Output paths claimed twice ([`crate::claims::check`]): skipped on the same model (so
    /// the same URLs, output files and aliases), the same assets and the same site.toml.
    pub(crate) fn check_claims(
        &mut self,
        site: &Site,
        texts: &Texts,
        assets: &[Asset],
        config: &Config,
    ) -> Result<(), Diagnostics> {
        let Some(kept) = &mut self.kept else {
            return crate::claims::check(site, texts, assets, config);
        };
        let rels: Vec<&str> = assets.iter().map(|a| &*a.rel).collect();
        let config_json = serde_json::to_string(config).unwrap_or_default();
        let key = hash(&(kept.generation, rels, config_json));
        skip_if_passed(&mut kept.passed.claims, key, || {
            crate::claims::check(site, texts, assets, config)
        })
    }

    /// Data files and pages against their schemas ([`Schemas::check`]): skipped when the schema
    /// files, every data file and the front matter of every doc a schema covers are the same.
    pub(crate) fn check_schemas(
        &mut self,
        schemas: &Arc<Schemas>,
        data: &[SourceFile],
        site: &Site,
        texts: &Texts,
    ) -> Result<(), Diagnostics> {
        let Some(kept) = &mut self.kept else {
            return schemas.check(data, site, texts);
        };
        let Some((schema_files, _)) = &kept.schemas else {
            return schemas.check(data, site, texts);
        };
        let fronts = &kept.fronts;
        let covered: Vec<(&str, Option<&str>, u64)> = site
            .sections()
            .filter(|(_, _, section)| section.schema.is_some())
            .flat_map(|(id, doc, section)| {
                let pages = section
                    .pages
                    .iter()
                    .map(|&p| (&*site[p].rel, None, fronts[p]));
                std::iter::once((&*doc.rel, section.schema.as_deref(), fronts[id])).chain(pages)
            })
            .collect();
        let files: Vec<(&str, &str)> = data.iter().map(|f| (&*f.rel, &*f.text)).collect();
        let key = hash(&(schema_files, files, covered));
        skip_if_passed(&mut kept.passed.schemas, key, || {
            schemas.check(data, site, texts)
        })
    }
}

/// Runs `check` unless it passed last time with the same `key`, and remembers whether it
/// passed this time.
fn skip_if_passed(
    passed: &mut Option<u64>,
    key: u64,
    check: impl FnOnce() -> Result<(), Diagnostics>,
) -> Result<(), Diagnostics> {
    if *passed == Some(key) {
        return Ok(());
    }
    let result = check();
    *passed = result.is_ok().then_some(key);
    result
}
