//! Where a number came from: the zhagen version and git commit that produced it, and the
//! resolved scenarios with their hashes and seeds, recorded in every output folder so that any
//! result can be traced and re-run.

use crate::scenario::Scenario;
use serde::Serialize;

/// The git commit zhagen was built from, when it was built from a git checkout.
pub fn git_commit() -> Option<&'static str> {
    let c = env!("ZHAGEN_GIT_COMMIT");
    (!c.is_empty()).then_some(c)
}

#[derive(Debug, Clone, Serialize)]
pub struct FileRecord {
    pub path: String,
    pub sha256: String,
}

/// One scenario as run.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioRecord {
    pub name: String,
    /// SHA-256 of the fully resolved scenario (inheritance and overrides applied).
    pub sha256: String,
    /// The files read, leaf first, with their own hashes.
    pub files: Vec<FileRecord>,
    pub seed: u64,
    pub replications: u32,
    /// Where the resolved scenario is saved in the output folder, relative to it.
    pub resolved: String,
}

impl ScenarioRecord {
    pub fn new(s: &Scenario, resolved: impl Into<String>) -> ScenarioRecord {
        ScenarioRecord {
            name: s.name.clone(),
            sha256: s.hash.clone(),
            files: s
                .files
                .iter()
                .map(|(p, h)| FileRecord {
                    path: p.display().to_string(),
                    sha256: h.clone(),
                })
                .collect(),
            seed: s.simulation.seed,
            replications: s.simulation.replications,
            resolved: resolved.into(),
        }
    }
}

/// The header every provenance record starts with.
#[derive(Debug, Clone, Serialize)]
pub struct Build {
    pub zhagen_version: &'static str,
    pub git_commit: Option<&'static str>,
}

pub fn build() -> Build {
    Build {
        zhagen_version: crate::VERSION,
        git_commit: git_commit(),
    }
}
