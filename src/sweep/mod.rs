//! Policy sweeps: a base scenario and axes over any scenario value by its dotted key, as a full
//! grid or a Latin hypercube, each point run with the same seed (common random numbers along
//! the sweep), results streamed to disk point by point so that an interrupted sweep resumes
//! where it stopped, and shards that separate machines (Slurm array tasks) run and `merge`
//! joins.
//!
//! A sweep file:
//!
//! ```toml
//! base = "baseline.toml"          # the scenario swept, relative to this file
//! design = "grid"                 # or "latin_hypercube" (then `points` and optionally `seed`)
//! replications = 20               # per point [default: the scenario's]
//!
//! [[axis]]
//! key = "policy.salary.remote_allowance"
//! values = [0, 6000, 12000]       # grid; a Latin hypercube takes min, max and `integer`
//! ```

mod design;
mod merge;
pub mod plots;
pub mod run;
mod validate;

pub use design::{design_points, parse_shard};

use crate::scenario::layer::{V, partial_table};
use crate::scenario::load::{parse_source, read_file};
use crate::scenario::{Location, Override, Scenario, ScenarioError, sha256_hex};
use rand::RngExt;
use std::path::{Path, PathBuf};
use thiserror::Error;
use validate::{SweepFile, check_every_point, check_point_count, scenario_given};

partial_table! {
    /// A sweep file as written.
    pub struct RawSweep {
        base: V<String>,
        design: V<String>,
        replications: V<i64>,
        points: V<i64>,
        seed: V<i64>,
        plot: V<Vec<String>>,
        axis: Vec<RawAxis>,
    }
}

partial_table! {
    pub struct RawAxis {
        key: V<String>,
        values: V<Vec<toml::Value>>,
        min: V<f64>,
        max: V<f64>,
        integer: V<bool>,
    }
}

#[derive(Debug, Error)]
pub enum SweepError {
    /// Boxed: a located scenario error is large, and this one is returned by every step.
    #[error(transparent)]
    Spec(Box<ScenarioError>),
    #[error("{at}: point {point} of the sweep ({assignment}) is not a valid scenario")]
    Point {
        at: Location,
        point: u32,
        assignment: String,
        #[source]
        source: Box<ScenarioError>,
    },
    #[error("{}: {message}", dir.display())]
    Folder { dir: PathBuf, message: String },
    #[error("--shard {given}: {why} (write it as K/N with 1 ≤ K ≤ N, e.g. --shard 2/4)")]
    Shard { given: String, why: String },
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
    #[error(
        "{at}: the sweep varies `{key}`, and the parameter sets vary it too: each replication's set would overwrite the point's value (allowed: sweep values the sets leave alone, or leave `{key}` out of the sets)"
    )]
    SetsMeetAxis { at: Location, key: String },
}

impl From<ScenarioError> for SweepError {
    fn from(e: ScenarioError) -> SweepError {
        SweepError::Spec(Box::new(e))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Design {
    Grid,
    LatinHypercube {
        points: u32,
        seed: u64,
    },
    /// Points made elsewhere (a sensitivity design, `crate::sensitivity`), described in words
    /// that enter the identity: a folder of one design is never resumed as another.
    Given(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum AxisValues {
    List(Vec<toml::Value>),
    Range { min: f64, max: f64, integer: bool },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Dotted scenario key, e.g. `policy.salary.remote_allowance`, in its plain TOML form
    /// ([`key_text`](crate::scenario::load::key_text)): parts quoted only where they must be.
    pub key: String,
    pub values: AxisValues,
    /// Where the axis is written (for errors about its values).
    pub at: Location,
}

/// One point of the design: a value per axis, in axis order.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub id: u32,
    pub values: Vec<toml::Value>,
}

impl Point {
    /// `--set` style overrides that make this point's scenario. Each reads back as exactly
    /// its key and value: the key is a checked TOML dotted key, the value written as TOML (a
    /// string quoted and escaped, whatever it holds).
    pub fn overrides(&self, axes: &[Axis]) -> Vec<String> {
        axes.iter()
            .zip(&self.values)
            .map(|(a, v)| format!("{}={}", a.key, v))
            .collect()
    }
}

/// A value as a CSV cell or a label: strings without quotes.
pub fn plain(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A validated sweep.
#[derive(Debug, Clone)]
pub struct Sweep {
    pub file: PathBuf,
    pub base: PathBuf,
    pub design: Design,
    pub axes: Vec<Axis>,
    pub points: Vec<Point>,
    /// Metrics drawn against the axes (keys of `headline::keys`).
    pub plot: Vec<String>,
    /// The base scenario with command-line overrides and the sweep's replications applied.
    pub scenario: Scenario,
    /// Overrides applied to every point before its axis values.
    pub common: Vec<Override>,
    /// Fingerprint of everything that decides the results: the resolved base scenario, the
    /// design and its points. A folder holding another identity is never mixed with this one.
    pub identity: String,
    /// Parameter sets every point runs over (one per replication, the same at every point,
    /// so that points differ only by their axis values): intervals then include parameter
    /// uncertainty. `None`: every point at the scenario's own values.
    pub sets: Option<crate::uncertainty::ParameterSets>,
}

pub const DEFAULT_PLOTS: [&str; 3] = [
    "retention.order_oriented.y7",
    "vacancy.mean",
    "cost_per_worker_year",
];

impl Sweep {
    /// Read and validate a sweep file; every point's scenario is loaded once here, so that a
    /// bad value is reported before anything runs. `set` applies to every point.
    pub fn load(path: &Path, set: &[Override]) -> Result<Sweep, SweepError> {
        let sources = read_file(path)?;
        let raw: RawSweep =
            parse_source(&sources, 0).map_err(|e| scenario_given(e, &sources, path))?;
        let file = SweepFile {
            path,
            sources: &sources,
        };
        let base_v = raw.base.as_ref().ok_or_else(|| {
            file.missing("base", "the scenario file to sweep, relative to this file")
        })?;
        let base = path
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join(&base_v.value);
        let common = file.common_overrides(&raw, set)?;
        let scenario = file.base_scenario(&base, base_v, &common)?;
        let design = file.design(&raw, &scenario)?;
        let axes = file.axes(&raw, &design)?;
        check_point_count(&design, &axes)?;
        let points = design_points(&design, &axes);
        check_every_point(&base, &common, &axes, &points)?;
        let plot = file.plot(&raw, &scenario)?;
        let identity = identity(&scenario, &design, &axes, &points);
        Ok(Sweep {
            file: path.to_path_buf(),
            base,
            design,
            axes,
            points,
            plot,
            scenario,
            common,
            identity,
            sets: None,
        })
    }

    /// A sweep of points made elsewhere (a sensitivity design): `base` with `common`
    /// overrides (already loaded as `scenario`), then each point's axis values. No plots are
    /// drawn; a point whose values do not make a valid scenario is reported when it runs.
    pub fn of_points(
        base: &Path,
        common: Vec<Override>,
        scenario: Scenario,
        design: String,
        axes: Vec<Axis>,
        points: Vec<Point>,
    ) -> Sweep {
        let design = Design::Given(design);
        let identity = identity(&scenario, &design, &axes, &points);
        Sweep {
            file: base.to_path_buf(),
            base: base.to_path_buf(),
            design,
            axes,
            points,
            plot: Vec::new(),
            scenario,
            common,
            identity,
            sets: None,
        }
    }

    /// The scenario of one point.
    pub fn point_scenario(&self, p: &Point) -> Result<Scenario, ScenarioError> {
        Scenario::load_with(&self.base, &self.point_overrides(p))
    }

    /// Everything one point sets on the base file: the common overrides, then its axis values.
    pub fn point_overrides(&self, p: &Point) -> Vec<Override> {
        let mut o = self.common.clone();
        o.extend(p.overrides(&self.axes).into_iter().map(Override::set));
        o
    }

    /// This sweep run over parameter `sets`: every point's replication r with set r. Refused
    /// when an axis is a value the sets vary (the sets would overwrite the point's own value).
    /// The sets enter the identity, so a folder of the sweep without them is never resumed
    /// with them.
    pub fn over_sets(
        mut self,
        sets: crate::uncertainty::ParameterSets,
    ) -> Result<Sweep, SweepError> {
        if let Some(a) = self
            .axes
            .iter()
            .find(|a| sets.keys.iter().flatten().any(|k| *k == a.key))
        {
            return Err(SweepError::SetsMeetAxis {
                at: a.at.clone(),
                key: a.key.clone(),
            });
        }
        let mut text = format!("{}\nparameters {:?}\n", self.identity, sets.keys);
        for row in &sets.rows {
            // `{:?}` of an f64 is its shortest exact form: the same sets, the same text.
            text.push_str(&format!("{row:?}\n"));
        }
        self.identity = sha256_hex(text.as_bytes());
        self.sets = Some(sets);
        Ok(self)
    }
}

fn identity(s: &Scenario, design: &Design, axes: &[Axis], points: &[Point]) -> String {
    let mut text = format!("scenario {}\ndesign {design:?}\n", s.hash);
    for a in axes {
        text.push_str(&format!("axis {}\n", a.key));
    }
    for p in points {
        let vals: Vec<String> = p.values.iter().map(|v| v.to_string()).collect();
        text.push_str(&format!("point {} {}\n", p.id, vals.join(" ")));
    }
    sha256_hex(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(min: f64, max: f64) -> Axis {
        Axis {
            key: "x".into(),
            values: AxisValues::Range {
                min,
                max,
                integer: false,
            },
            at: Location::file("s.toml"),
        }
    }

    #[test]
    fn a_grid_enumerates_every_combination_last_axis_fastest() {
        let list = |v: &[i64]| Axis {
            values: AxisValues::List(v.iter().map(|&x| toml::Value::Integer(x)).collect()),
            ..range(0.0, 1.0)
        };
        let pts = design_points(&Design::Grid, &[list(&[1, 2]), list(&[10, 20, 30])]);
        assert_eq!(pts.len(), 6);
        let flat: Vec<String> = pts
            .iter()
            .map(|p| format!("{}:{}", p.values[0], p.values[1]))
            .collect();
        assert_eq!(flat, ["1:10", "1:20", "1:30", "2:10", "2:20", "2:30"]);
    }

    #[test]
    fn a_latin_hypercube_puts_one_point_in_every_stratum_of_every_axis() {
        let n = 10;
        let pts = design_points(
            &Design::LatinHypercube { points: n, seed: 3 },
            &[range(0.0, 100.0), range(-1.0, 1.0)],
        );
        assert_eq!(pts.len(), n as usize);
        for (k, (lo, hi)) in [(0.0, 100.0), (-1.0, 1.0)].into_iter().enumerate() {
            let mut strata: Vec<usize> = pts
                .iter()
                .map(|p| {
                    let x = p.values[k].as_float().unwrap();
                    assert!((lo..=hi).contains(&x));
                    ((x - lo) / (hi - lo) * n as f64)
                        .floor()
                        .min(n as f64 - 1.0) as usize
                })
                .collect();
            strata.sort();
            assert_eq!(strata, (0..n as usize).collect::<Vec<_>>());
        }
        // Same seed, same design; another seed, another.
        let again = design_points(
            &Design::LatinHypercube { points: n, seed: 3 },
            &[range(0.0, 100.0), range(-1.0, 1.0)],
        );
        assert_eq!(pts, again);
        let other = design_points(
            &Design::LatinHypercube { points: n, seed: 4 },
            &[range(0.0, 100.0), range(-1.0, 1.0)],
        );
        assert_ne!(pts, other);
    }

    #[test]
    fn shards_are_written_k_of_n() {
        assert_eq!(parse_shard("2/4").unwrap(), (2, 4));
        for bad in ["0/4", "5/4", "2", "a/b", "1/0"] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }
}
