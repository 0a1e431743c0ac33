//! Scenario files: one TOML file per scenario, `base =` inheritance, `--set` overrides, and
//! validation into the typed model that the engine runs.
//!
//! Two stages: [`raw`] mirrors the file (every key optional, unknown keys refused), and
//! `validate` builds a [`Scenario`] whose every number has been checked, or an error naming
//! file, line, key, value and what is allowed.

pub mod catalogue;
pub mod error;
pub mod key;
pub mod layer;
pub mod load;
pub mod raw;
mod status_quo;
mod validate;

pub use error::{Location, ScenarioError, Via};
pub use load::Override;

use crate::behaviour::{Behaviour, OutsideOption};
use crate::benchmark::Benchmark;
use crate::policy::Policy;
use crate::population::{Pathway, PathwayId, PathwayKind, Region};
use load::Origin;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Run settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    pub seed: u64,
    pub start_year: i32,
    pub years: u32,
    pub replications: u32,
    /// Steps per simulated year at which hazards are re-evaluated (exits themselves are timed
    /// exactly within a step).
    pub steps_per_year: u32,
    /// Calendar month (1–12) at which each simulated year begins: graduation, placement,
    /// hiring rounds, pay changes and the start-of-year census happen then. Calendar dates
    /// (`date` in a benchmark) are converted with it.
    pub year_begins_month: u32,
}

impl Simulation {
    /// Months from the start of the run to the end of calendar month `month` of `year`.
    pub fn months_to_end_of(&self, year: i32, month: u32) -> i64 {
        (year as i64 - self.start_year as i64) * 12 + month as i64
            - (self.year_begins_month as i64 - 1)
    }
}

/// A parameter free to be fitted: one value written to every key in `keys`.
#[derive(Debug, Clone, PartialEq)]
pub struct FreeParameter {
    pub keys: Vec<String>,
    pub min: f64,
    pub max: f64,
    /// Where it is declared.
    pub at: Location,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// Replications per evaluation of the objective [default: the scenario's].
    pub replications: Option<u32>,
    pub max_evaluations: u32,
    pub free: Vec<FreeParameter>,
}

impl FreeParameter {
    /// The name used in tables: the first key.
    pub fn name(&self) -> &str {
        &self.keys[0]
    }
}

/// A validated scenario, ready to run.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub simulation: Simulation,
    /// How costs and effects are valued over time.
    pub economics: crate::economics::Economics,
    pub region: Region,
    pub outside: OutsideOption,
    pub behaviour: Behaviour,
    /// The policy at `start_year`.
    pub policy: Policy,
    /// The policy in force in each simulated year (`[policy_from.YEAR]` changes applied).
    pub policies: Vec<Policy>,
    pub pathways: Vec<Pathway>,
    pub benchmarks: Vec<Benchmark>,
    /// The parameters `zhagen calibrate` may fit, if the scenario declares any.
    pub calibration: Option<Calibration>,
    /// `[[uncertainty.parameter]]`: what is not known about the parameters
    /// (`crate::uncertainty`); empty when the scenario declares nothing.
    pub uncertainty: Vec<crate::uncertainty::UncertainParameter>,
    /// The fully resolved scenario (inheritance and overrides applied) as TOML.
    pub resolved_toml: String,
    /// SHA-256 of `resolved_toml`: two runs with the same hash ran the same scenario.
    pub hash: String,
    /// Files read, leaf first, then the `--set` overrides (named `--set KEY=VALUE`), with the
    /// SHA-256 of each. Flags such as `--seed` are not listed: what they set is recorded as
    /// itself.
    pub files: Vec<(PathBuf, String)>,
    /// The root of the `base =` chain on its own, from the text read here: what a run's
    /// report lists the levers against, without reading the file again.
    pub root: Option<RootScenario>,
    /// The counterfactual of each effect target (by its index in `benchmarks`): this scenario
    /// with the target's `counterfactual` overrides on top, run at the same seed.
    pub counterfactuals: Vec<(usize, Scenario)>,
}

/// The root file of a scenario's `base =` chain, resolved alone (no `--set` overrides).
#[derive(Debug, Clone)]
pub struct RootScenario {
    pub path: PathBuf,
    /// Its own `name =`, else its file's stem.
    pub name: String,
    /// As [`Scenario::resolved_toml`] would be had the root been loaded by itself.
    pub resolved_toml: String,
}

impl Scenario {
    /// Load, inherit, override and validate a scenario file; `overrides` are `--set`
    /// `KEY=VALUE` strings.
    pub fn load(path: &Path, overrides: &[String]) -> Result<Scenario, ScenarioError> {
        let overrides: Vec<Override> = overrides.iter().map(Override::set).collect();
        Scenario::load_with(path, &overrides)
    }

    /// [`Scenario::load`] with overrides that may come from flags (`--seed`, `--replications`),
    /// each reported as the user wrote it.
    pub fn load_with(path: &Path, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
        Scenario::load_named_by(path, overrides, Vec::new())
    }

    /// [`Scenario::load_with`] for a scenario that another file names (a sweep's `base =`, at
    /// `via`): an error anywhere in its chain shows that line too.
    pub(crate) fn load_named_by(
        path: &Path,
        overrides: &[Override],
        via: Vec<Location>,
    ) -> Result<Scenario, ScenarioError> {
        let mut scenario = Scenario::load_one(path, overrides, via.clone())?;
        // Each effect target's counterfactual: the same files and overrides, then its own. Its
        // benchmarks are never judged, so its own effect targets are not built (no recursion).
        for (i, b) in scenario.benchmarks.iter().enumerate() {
            let Some(kvs) = b.counterfactual.as_ref().map(|c| &c.overrides) else {
                continue;
            };
            let mut with = overrides.to_vec();
            with.extend(kvs.iter().map(|kv| {
                let (k, v) = kv.split_once('=').expect("checked when loaded");
                Override::shown_as(
                    format!("benchmark `{}` counterfactual \"{kv}\"", b.name),
                    k.trim(),
                    v.trim(),
                )
            }));
            let cf = Scenario::load_one(path, &with, via.clone())?;
            scenario.counterfactuals.push((i, cf));
        }
        Ok(scenario)
    }

    /// One scenario as its files and overrides give it, without building counterfactuals.
    fn load_one(
        path: &Path,
        overrides: &[Override],
        via: Vec<Location>,
    ) -> Result<Scenario, ScenarioError> {
        let (raw, sources) = load::load_layers(path, overrides, via)?;
        // The leaf file's own name or `--set name=…`'s, else the file's stem.
        let name = name_of(&raw, path);
        let mut scenario = validate::validate(&raw, &sources, path, name)?;
        scenario.resolved_toml = resolved_text(&raw, &scenario.name);
        scenario.hash = sha256_hex(scenario.resolved_toml.as_bytes());
        // A flag is recorded as what it sets (the seed, the replications), not as a file.
        scenario.files = sources
            .list
            .iter()
            .filter(|s| s.origin != Origin::Flag)
            .map(|s| (s.path.clone(), sha256_hex(s.text.as_bytes())))
            .collect();
        scenario.root = match sources.list.iter().rposition(|s| s.origin == Origin::File) {
            Some(id) => {
                let raw = load::parse_layer(&sources, id)?;
                let path = sources.list[id].path.clone();
                let name = name_of(&raw, &path);
                let resolved_toml = resolved_text(&raw, &name);
                Some(RootScenario {
                    path,
                    name,
                    resolved_toml,
                })
            }
            None => None,
        };
        Ok(scenario)
    }

    pub fn pathway(&self, id: PathwayId) -> &Pathway {
        &self.pathways[id.0 as usize]
    }

    pub fn pathway_id(&self, name: &str) -> Option<PathwayId> {
        self.pathways
            .iter()
            .position(|p| p.name == name)
            .map(|i| PathwayId(i as u8))
    }

    /// Plain words for a pathway of this scenario, for labels and charts: "RTME graduates",
    /// with the file's name added when it is not the kind's own; a name the scenario does not
    /// have is returned as it is.
    pub fn pathway_words(&self, name: &str) -> String {
        let Some(id) = self.pathway_id(name) else {
            return name.to_string();
        };
        let kind = self.pathway(id).kind;
        let words = match kind {
            PathwayKind::OrderOriented => "RTME graduates".to_string(),
            PathwayKind::OpenRecruit => "open recruits".to_string(),
            PathwayKind::Incumbent => {
                format!("centre staff in post in {}", self.simulation.start_year)
            }
            PathwayKind::VillageDoctor => "village doctors".to_string(),
            PathwayKind::LocalApprentice => "local apprentices".to_string(),
        };
        if name == kind.name() {
            words
        } else {
            format!("{words} ({name})")
        }
    }

    /// The policy in force in simulated year `y` (0 = `start_year`).
    pub fn policy_at(&self, y: u32) -> &Policy {
        self.policies.get(y as usize).unwrap_or(&self.policy)
    }

    /// The first pathway of a kind, if the scenario has one.
    pub fn pathway_of_kind(&self, kind: PathwayKind) -> Option<PathwayId> {
        self.pathways
            .iter()
            .position(|p| p.kind == kind)
            .map(|i| PathwayId(i as u8))
    }

    /// The pathway that open recruitment hires into, if the scenario has one.
    pub fn hire_pathway(&self) -> Option<PathwayId> {
        self.pathway_of_kind(PathwayKind::OpenRecruit)
    }
}

/// A scenario's own name, else its file's stem.
fn name_of(raw: &raw::RawScenario, path: &Path) -> String {
    match &raw.name {
        Some(n) => n.value.clone(),
        None => path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into()),
    }
}

/// The fully resolved scenario as TOML, headed by its name.
fn resolved_text(raw: &raw::RawScenario, name: &str) -> String {
    let mut resolved = raw.clone();
    resolved.name = None;
    let body = toml::to_string_pretty(&resolved).unwrap_or_default();
    // A TOML comment ends at a newline and holds no control characters: a name with one
    // (`name = "a\nb"`) would break the resolved file, so they are escaped in the comment.
    let shown = load::escape_controls(name);
    format!(
        "# Fully resolved scenario `{}` (inheritance and overrides applied) — written by zhagen {}\nname = {}\n{}",
        shown,
        crate::VERSION,
        toml::Value::String(name.to_string()),
        body
    )
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
