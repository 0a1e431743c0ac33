//! Global sensitivity analysis: which uncertain assumptions a conclusion depends on.
//!
//! Over a scenario's `[[uncertainty.parameter]]` priors (`crate::uncertainty`), a design of
//! points in the unit cube (Morris trajectories for screening, or Saltelli's matrices for Sobol
//! indices: `design`) is mapped through each prior's quantile to parameter values; every point
//! is run as a scenario — and, with a policy, as the policy too, at the same seed and parameter
//! values, so that the policy's difference at that point is paired over chance as over
//! parameters — and the chosen headline outputs of the points give the indices (`indices`).
//!
//! Why the outputs include **a policy difference**: an analyst's conclusion is "the uplift
//! keeps 2.7 points more RTME graduates", and which assumption that number hangs on is not
//! which assumption the level hangs on (a base exit rate moves both scenarios' retention
//! together and barely moves the difference; the pay effect moves only the difference).
//!
//! Scale: the points of the scenario and of the policy are two sweeps
//! ([`crate::sweep::Sweep::of_points`]) in sub-folders of one folder, so a sensitivity run
//! streams its points to disk, resumes after an interruption, shards across Slurm array tasks
//! (`--shard K/N`) and joins with `zhagen merge`, all by the sweep machinery; the indices are
//! computed from the point files once every point is there (`run`).

mod chart;
pub mod design;
pub mod indices;
pub mod run;

use crate::scenario::key::{key_parts, key_text};
use crate::scenario::{Override, Scenario, ScenarioError};
use crate::sweep::{Axis, AxisValues, Point, Sweep, SweepError};
use crate::uncertainty::{ParameterSets, UncertainParameter};
use design::{MorrisDesign, SaltelliDesign};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum SensitivityError {
    /// Boxed: a located scenario error is large.
    #[error(transparent)]
    Scenario(Box<ScenarioError>),
    #[error(transparent)]
    Sweep(#[from] SweepError),
    #[error(
        "{}: the scenario declares no [[uncertainty.parameter]] to vary; add entries with a key, a distribution and its source (README: Parameter uncertainty)",
        file.display()
    )]
    NoParameters { file: PathBuf },
    #[error(
        "--output {given}: not a headline metric of `{scenario}`{}; allowed: the keys of summary.json's headline, e.g. retention.order_oriented.y7, worker_years_discounted, or benchmark.NAME for a benchmark whose value is a share, e.g. benchmark.rtme_post_contract_retention",
        suggestion.as_ref().map_or(String::new(), |s| format!(" (did you mean `{s}`?)"))
    )]
    UnknownOutput {
        given: String,
        scenario: String,
        suggestion: Option<String>,
    },
    #[error("{option} {value}: {why}")]
    Setting {
        option: &'static str,
        value: String,
        why: String,
    },
    #[error("{0}")]
    Policy(String),
    #[error(transparent)]
    Sets(#[from] crate::uncertainty::SetsError),
    #[error("{}: {message}", dir.display())]
    Folder { dir: PathBuf, message: String },
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
}

impl From<ScenarioError> for SensitivityError {
    fn from(e: ScenarioError) -> SensitivityError {
        SensitivityError::Scenario(Box::new(e))
    }
}

/// Which indices, and the design's size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Method {
    /// Morris elementary effects: `trajectories × (k + 1)` points.
    Morris { trajectories: u32, levels: u32 },
    /// Sobol first-order and total indices: `samples × (k + 2)` points.
    Sobol { samples: u32 },
}

impl Method {
    /// Points of the design over `k` parameters (per scenario run).
    pub fn points(self, k: usize) -> usize {
        match self {
            Method::Morris { trajectories, .. } => trajectories as usize * (k + 1),
            Method::Sobol { samples } => samples as usize * (k + 2),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Method::Morris { .. } => "morris",
            Method::Sobol { .. } => "sobol",
        }
    }

    /// The design in the unit cube.
    pub fn unit_points(self, k: usize, seed: u64) -> UnitDesign {
        match self {
            Method::Morris {
                trajectories,
                levels,
            } => UnitDesign::Morris(MorrisDesign::new(k, trajectories as usize, levels, seed)),
            Method::Sobol { samples } => {
                UnitDesign::Sobol(SaltelliDesign::new(k, samples as usize, seed))
            }
        }
    }

    fn check(self) -> Result<(), SensitivityError> {
        let bad = |option, value: u32, why: &str| {
            Err(SensitivityError::Setting {
                option,
                value: value.to_string(),
                why: why.into(),
            })
        };
        match self {
            Method::Morris {
                trajectories,
                levels,
            } => {
                if trajectories < 2 {
                    return bad(
                        "--trajectories",
                        trajectories,
                        "allowed: 2 or more (σ needs two elementary effects per parameter; 10–50 is usual)",
                    );
                }
                if levels < 2 || levels % 2 == 1 || levels > 100 {
                    return bad(
                        "--levels",
                        levels,
                        "allowed: an even number from 2 to 100 (4 is usual)",
                    );
                }
            }
            Method::Sobol { samples } => {
                if samples < 4 {
                    return bad(
                        "--samples",
                        samples,
                        "allowed: 4 or more base samples (Sobol indices need hundreds for tight intervals)",
                    );
                }
            }
        }
        Ok(())
    }
}

/// A design in the unit cube.
#[derive(Debug, Clone, PartialEq)]
pub enum UnitDesign {
    Morris(MorrisDesign),
    Sobol(SaltelliDesign),
}

impl UnitDesign {
    pub fn points(&self) -> &[Vec<f64>] {
        match self {
            UnitDesign::Morris(d) => &d.points,
            UnitDesign::Sobol(d) => &d.points,
        }
    }
}

/// One uncertain parameter as a sensitivity folder records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParameterRecord {
    /// Its column name: the first key.
    pub name: String,
    pub keys: Vec<String>,
    /// Plain words from the parameter catalogue (the key where it has none).
    pub label: String,
    pub prior: String,
    pub source: String,
}

/// One output analysed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputRecord {
    pub key: String,
    pub label: String,
    pub unit: String,
}

/// What a sensitivity analysis is, as given on the command line.
#[derive(Debug, Clone)]
pub struct Request {
    pub scenario: PathBuf,
    /// The policy whose paired difference from the scenario is analysed, if any.
    pub policy: Option<PathBuf>,
    pub method: Method,
    pub outputs: Vec<String>,
    /// Applied to the scenario and the policy (replications among them).
    pub common: Vec<Override>,
    /// Bootstrap resamples of the indices' intervals.
    pub resamples: u32,
}

/// A validated sensitivity analysis: its design and the sweeps that run it.
#[derive(Debug, Clone)]
pub struct Sensitivity {
    pub method: Method,
    pub seed: u64,
    pub replications: u32,
    pub resamples: u32,
    pub parameters: Vec<ParameterRecord>,
    pub outputs: Vec<OutputRecord>,
    pub scenario_name: String,
    pub policy_name: Option<String>,
    pub unit: UnitDesign,
    /// Per point, the value of each parameter.
    pub values: Vec<Vec<f64>>,
    /// The scenario's sweep, then the policy's.
    pub sweeps: Vec<Sweep>,
}

/// The headline outputs analysed by default.
pub const DEFAULT_OUTPUTS: [&str; 2] = ["retention.order_oriented.y7", "worker_years_discounted"];

impl Sensitivity {
    pub fn new(req: &Request) -> Result<Sensitivity, SensitivityError> {
        req.method.check()?;
        if req.resamples > 100_000 {
            return Err(SensitivityError::Setting {
                option: "--bootstrap",
                value: req.resamples.to_string(),
                why: "allowed: 0 to 100000 resamples".into(),
            });
        }
        let scenario = Scenario::load_with(&req.scenario, &req.common)?;
        if scenario.uncertainty.is_empty() {
            return Err(SensitivityError::NoParameters {
                file: req.scenario.clone(),
            });
        }
        let mut known = crate::headline::keys(&scenario);
        known.extend(crate::headline::benchmark_outputs(&scenario));
        let mut outputs = Vec::new();
        for o in &req.outputs {
            let Some((key, label, unit)) = known.iter().find(|(k, _, _)| k == o) else {
                return Err(SensitivityError::UnknownOutput {
                    given: o.clone(),
                    scenario: crate::scenario::load::escape_controls(&scenario.name),
                    suggestion: crate::scenario::load::suggest(
                        o,
                        known.iter().map(|(k, _, _)| k.as_str()),
                    ),
                });
            };
            outputs.push(OutputRecord {
                key: key.clone(),
                label: label.clone(),
                unit: unit.name().into(),
            });
        }
        let params = &scenario.uncertainty;
        let k = params.len();
        let seed = scenario.simulation.seed;
        let replications = scenario.simulation.replications;
        let points = req.method.points(k);
        if points > 1_000_000 {
            return Err(SensitivityError::Setting {
                option: match req.method {
                    Method::Morris { .. } => "--trajectories",
                    Method::Sobol { .. } => "--samples",
                },
                value: format!("{points} points"),
                why: "allowed: at most 1000000 points per scenario".into(),
            });
        }
        // Relative priors are relative to the scenario's own value, which must be a number.
        let table: toml::Table = toml::from_str(&scenario.resolved_toml).unwrap_or_default();
        let mut own_values = Vec::with_capacity(k);
        for p in params {
            let v = lookup_number(&table, &p.keys[0]);
            if matches!(p.prior, crate::uncertainty::Prior::Relative { .. }) && v.is_none() {
                return Err(crate::uncertainty::SetsError::NoValue {
                    key: p.keys[0].clone(),
                    at: p.at.clone(),
                }
                .into());
            }
            own_values.push(v.unwrap_or(f64::NAN));
        }
        let unit = req.method.unit_points(k, seed);
        let values: Vec<Vec<f64>> = unit
            .points()
            .iter()
            .map(|u| {
                params
                    .iter()
                    .zip(u)
                    .zip(&own_values)
                    .map(|((p, &x), &v)| p.prior.quantile(x, v))
                    .collect()
            })
            .collect();
        let axes = axes_of(params);
        let sweep_points: Vec<Point> = values
            .iter()
            .enumerate()
            .map(|(id, row)| Point {
                id: id as u32,
                values: params
                    .iter()
                    .zip(row)
                    .flat_map(|(p, &v)| p.keys.iter().map(move |_| toml::Value::Float(v)))
                    .collect(),
            })
            .collect();
        let words = format!(
            "{} {:?} over {}",
            req.method.name(),
            req.method,
            params
                .iter()
                .map(|p| format!("{} ~ {}", p.keys.join("|"), p.prior.words()))
                .collect::<Vec<_>>()
                .join("; ")
        );
        let mut sweeps = vec![Sweep::of_points(
            &req.scenario,
            req.common.clone(),
            scenario.clone(),
            words.clone(),
            axes.clone(),
            sweep_points.clone(),
        )];
        let mut policy_name = None;
        if let Some(path) = &req.policy {
            // The policy runs at the scenario's seed and replications: its difference at each
            // point is paired with the scenario's, replication by replication.
            let mut common = req.common.clone();
            common.push(Override::flag(
                "--seed (the scenario's)",
                "simulation.seed",
                seed,
            ));
            common.push(Override::flag(
                "--replications (the scenario's)",
                "simulation.replications",
                replications,
            ));
            let policy = Scenario::load_with(path, &common)?;
            let sets = ParameterSets {
                keys: params.iter().map(|p| p.keys.clone()).collect(),
                rows: Vec::new(),
                objective: None,
                origin: String::new(),
            };
            if let Some(why) = sets.overwritten_choice(&policy, &scenario) {
                return Err(SensitivityError::Policy(why));
            }
            policy_name = Some(policy.name.clone());
            sweeps.push(Sweep::of_points(
                path,
                common,
                policy,
                words,
                axes,
                sweep_points,
            ));
        }
        let parameters = params
            .iter()
            .map(|p| ParameterRecord {
                name: p.name(),
                keys: p.keys.clone(),
                label: parameter_label(&p.keys[0], &|name: &str| scenario.pathway_words(name)),
                prior: p.prior.words(),
                source: p.source.clone(),
            })
            .collect();
        Ok(Sensitivity {
            method: req.method,
            seed,
            replications,
            resamples: req.resamples,
            parameters,
            outputs,
            scenario_name: scenario.name.clone(),
            policy_name,
            unit,
            values,
            sweeps,
        })
    }

    /// Points per scenario.
    pub fn points(&self) -> usize {
        self.values.len()
    }

    /// The scenario whose uncertain parameters are varied.
    pub fn scenario(&self) -> &Scenario {
        &self.sweeps[0].scenario
    }
}

/// A parameter's plain words from the catalogue, or its key.
pub fn parameter_label(key: &str, pathway: &dyn Fn(&str) -> String) -> String {
    match crate::scenario::catalogue::describe(key, pathway) {
        Some(d) if !d.unit.is_empty() => format!("{} ({})", d.label, d.unit),
        Some(d) => d.label,
        None => key.to_string(),
    }
}

/// One axis per key (a parameter with several keys sets each to its one value).
fn axes_of(params: &[UncertainParameter]) -> Vec<Axis> {
    params
        .iter()
        .flat_map(|p| {
            p.keys.iter().map(|k| Axis {
                key: key_parts(k).map_or_else(|_| k.clone(), |parts| key_text(&parts)),
                values: AxisValues::List(Vec::new()),
                at: p.at.clone(),
            })
        })
        .collect()
}

fn lookup_number(table: &toml::Table, key: &str) -> Option<f64> {
    let parts = key_parts(key).ok()?;
    let mut v = table.get(&parts[0])?;
    for part in &parts[1..] {
        v = v.as_table()?.get(part)?;
    }
    v.as_float().or_else(|| v.as_integer().map(|i| i as f64))
}

/// Where a sensitivity run writes by default: `out/sensitivity-<scenario>[-vs-<policy>]/`.
pub fn default_folder(scenario: &Path, policy: Option<&Path>) -> PathBuf {
    let stem = |p: &Path| {
        p.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into())
    };
    let mut name = format!("sensitivity-{}", stem(scenario));
    if let Some(p) = policy {
        name.push_str(&format!("-{}", stem(p)));
    }
    PathBuf::from("out").join(crate::output::folder_name(&name))
}
