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
pub mod plots;
pub mod run;

pub use design::{design_points, parse_shard};

use crate::scenario::layer::{V, partial_table};
use crate::scenario::load::{Sources, escape_controls, key_parts, key_text, parse_file, suggest};
use crate::scenario::{Location, Scenario, ScenarioError, sha256_hex};
use rand::RngExt;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use thiserror::Error;

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
    #[error(transparent)]
    Spec(#[from] ScenarioError),
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
}

#[derive(Debug, Clone, PartialEq)]
pub enum Design {
    Grid,
    LatinHypercube { points: u32, seed: u64 },
}

#[derive(Debug, Clone, PartialEq)]
pub enum AxisValues {
    List(Vec<toml::Value>),
    Range { min: f64, max: f64, integer: bool },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Dotted scenario key, e.g. `policy.salary.remote_allowance`, in its plain TOML form
    /// ([`key_text`]): parts quoted only where they must be.
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
    pub common: Vec<String>,
    /// Fingerprint of everything that decides the results: the resolved base scenario, the
    /// design and its points. A folder holding another identity is never mixed with this one.
    pub identity: String,
}

pub const DEFAULT_PLOTS: [&str; 3] = [
    "retention.order_oriented.y7",
    "vacancy.mean",
    "cost_per_worker_year",
];

impl Sweep {
    /// Read and validate a sweep file; every point's scenario is loaded once here, so that a
    /// bad value is reported before anything runs. `set` applies to every point.
    pub fn load(path: &Path, set: &[String]) -> Result<Sweep, SweepError> {
        let (raw, sources): (RawSweep, Sources) = parse_file(path)?;
        let at = |v_source: usize, start: usize| sources.locate(v_source, start);
        let invalid = |v: &dyn Located, key: &str, value: String, allowed: String| {
            SweepError::Spec(ScenarioError::Invalid {
                at: at(0, v.start()),
                key: key.into(),
                value,
                allowed,
            })
        };
        let missing = |key: &str, allowed: &str| {
            SweepError::Spec(ScenarioError::Missing {
                file: path.to_path_buf(),
                key: key.into(),
                allowed: allowed.into(),
            })
        };
        let base_v = raw
            .base
            .as_ref()
            .ok_or_else(|| missing("base", "the scenario file to sweep, relative to this file"))?;
        let base = path
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join(&base_v.value);
        // The sweep's replications first, so that the command line's overrides win.
        let mut common: Vec<String> = Vec::new();
        if let Some(r) = &raw.replications {
            if !(1..=1_000_000).contains(&r.value) {
                return Err(invalid(
                    r,
                    "replications",
                    r.value.to_string(),
                    "replications per point: a whole number from 1 to 1000000".into(),
                ));
            }
            common.push(format!("simulation.replications={}", r.value));
        }
        common.extend(set.iter().cloned());
        let scenario = Scenario::load(&base, &common).map_err(|e| match e {
            ScenarioError::Read { path: p, source } => {
                SweepError::Spec(ScenarioError::BaseMissing {
                    at: at(0, base_v.span.start),
                    base: p,
                    source,
                })
            }
            other => SweepError::Spec(other),
        })?;

        let design_name = raw.design.as_ref().map_or("grid", |d| d.value.as_str());
        let design = match design_name {
            "grid" => {
                for (v, k) in [(&raw.points, "points"), (&raw.seed, "seed")] {
                    if let Some(v) = v {
                        return Err(invalid(
                            v,
                            k,
                            v.value.to_string(),
                            format!("`{k}` is only used by design = \"latin_hypercube\""),
                        ));
                    }
                }
                Design::Grid
            }
            "latin_hypercube" => {
                let n = raw.points.as_ref().ok_or_else(|| {
                    missing("points", "the number of points of the Latin hypercube")
                })?;
                if !(1..=100_000).contains(&n.value) {
                    return Err(invalid(
                        n,
                        "points",
                        n.value.to_string(),
                        "a whole number from 1 to 100000".into(),
                    ));
                }
                let seed = match &raw.seed {
                    Some(s) if s.value >= 0 => s.value as u64,
                    Some(s) => {
                        return Err(invalid(
                            s,
                            "seed",
                            s.value.to_string(),
                            "a non-negative whole number".into(),
                        ));
                    }
                    None => scenario.simulation.seed,
                };
                Design::LatinHypercube {
                    points: n.value as u32,
                    seed,
                }
            }
            other => {
                let d = raw.design.as_ref().expect("a named design was given");
                let mut allowed = "allowed: grid, latin_hypercube".to_string();
                if let Some(s) = suggest(other, ["grid", "latin_hypercube"]) {
                    allowed.push_str(&format!(" (did you mean `{s}`?)"));
                }
                return Err(invalid(d, "design", other.into(), allowed));
            }
        };

        let raw_axes = raw.axis.clone().unwrap_or_default();
        if raw_axes.is_empty() {
            return Err(missing(
                "axis",
                "at least one [[axis]] with `key` and `values`",
            ));
        }
        let mut axes = Vec::new();
        for (i, a) in raw_axes.iter().enumerate() {
            let k = |f: &str| format!("axis[{i}].{f}");
            let key = a
                .key
                .as_ref()
                .ok_or_else(|| missing(&k("key"), "the dotted scenario key the axis sweeps"))?;
            let loc = at(0, key.span.start);
            // The key becomes `--set` text for every point: read it as a TOML dotted key now,
            // and refuse it here, at its line, if it is not one (an unclosed quote, a newline
            // that would set a second key).
            let parts = key_parts(&key.value).map_err(|why| {
                invalid(
                    key,
                    &k("key"),
                    escape_controls(&key.value),
                    format!(
                        "{why}; a dotted scenario key, e.g. \"policy.salary.remote_allowance\" \
                         (a part holding anything but letters, digits, `_` and `-` is quoted: \
                         \"pathways.'my.pathway'.base_exit_rate\")"
                    ),
                )
            })?;
            let canonical = key_text(&parts);
            if axes.iter().any(|x: &Axis| x.key == canonical) {
                return Err(invalid(
                    key,
                    &k("key"),
                    key.value.clone(),
                    "each key may be swept by one axis only".into(),
                ));
            }
            let values = match (&a.values, &a.min, &a.max) {
                (Some(v), None, None) => {
                    if v.value.is_empty() {
                        return Err(invalid(
                            v,
                            &k("values"),
                            "[]".into(),
                            "at least one value".into(),
                        ));
                    }
                    if let Some(x) = &a.integer {
                        return Err(invalid(
                            x,
                            &k("integer"),
                            x.value.to_string(),
                            "`integer` goes with `min` and `max`".into(),
                        ));
                    }
                    AxisValues::List(v.value.clone())
                }
                (None, Some(lo), Some(hi)) => {
                    if !(lo.value.is_finite() && hi.value.is_finite() && lo.value <= hi.value) {
                        return Err(invalid(
                            hi,
                            &k("max"),
                            hi.value.to_string(),
                            "finite bounds with min ≤ max".into(),
                        ));
                    }
                    AxisValues::Range {
                        min: lo.value,
                        max: hi.value,
                        integer: a.integer.as_ref().is_some_and(|x| x.value),
                    }
                }
                _ => {
                    return Err(SweepError::Spec(ScenarioError::Invalid {
                        at: loc,
                        key: format!("axis[{i}]"),
                        value: key.value.clone(),
                        allowed: "an axis has either `values = [...]` or `min` and `max`".into(),
                    }));
                }
            };
            match (&design, &values) {
                (Design::Grid, AxisValues::Range { .. }) => {
                    return Err(SweepError::Spec(ScenarioError::Invalid {
                        at: loc,
                        key: format!("axis[{i}]"),
                        value: key.value.clone(),
                        allowed: "a grid axis lists its `values`; `min`/`max` are for design = \"latin_hypercube\"".into(),
                    }));
                }
                (Design::LatinHypercube { .. }, AxisValues::List(_)) => {
                    return Err(SweepError::Spec(ScenarioError::Invalid {
                        at: loc,
                        key: format!("axis[{i}]"),
                        value: key.value.clone(),
                        allowed: "a Latin-hypercube axis takes `min` and `max` (and `integer = true` for whole numbers)".into(),
                    }));
                }
                _ => {}
            }
            axes.push(Axis {
                key: canonical,
                values,
                at: loc,
            });
        }

        // Counted before the points are built: a grid's size is the product of its axes'
        // lengths, which can exceed memory, or overflow, long before anything runs.
        let count = match &design {
            Design::Grid => axes.iter().try_fold(1usize, |n, a| match &a.values {
                AxisValues::List(v) => n.checked_mul(v.len()),
                AxisValues::Range { .. } => Some(n),
            }),
            Design::LatinHypercube { points, .. } => Some(*points as usize),
        };
        if count.is_none_or(|n| n > 1_000_000) {
            return Err(SweepError::Spec(ScenarioError::Invalid {
                at: axes[0].at.clone(),
                key: "axis".into(),
                value: match count {
                    Some(n) => format!("{n} points"),
                    None => format!("more than {} points", usize::MAX),
                },
                allowed: "at most 1,000,000 points (fewer axes, or fewer values on an axis)".into(),
            }));
        }
        let points = design_points(&design, &axes);
        // Every point must make a valid scenario; report the first (in point order) that does
        // not. Points are checked in parallel on the current rayon pool: a large hypercube has
        // many thousand, at a fraction of a millisecond each.
        let first_bad = points.par_iter().find_map_first(|p| {
            let mut o = common.clone();
            o.extend(p.overrides(&axes));
            Scenario::load(&base, &o).err().map(|e| (p, e))
        });
        if let Some((p, e)) = first_bad {
            // Name the axis whose value the error concerns, when we can tell.
            let text = e.to_string();
            let axis = axes
                .iter()
                .find(|a| text.contains(&a.key))
                .unwrap_or(&axes[0]);
            return Err(SweepError::Point {
                at: axis.at.clone(),
                point: p.id,
                assignment: p.overrides(&axes).join(", "),
                source: Box::new(e),
            });
        }
        let plot = match &raw.plot {
            Some(v) => {
                let known: Vec<String> = crate::headline::keys(&scenario)
                    .into_iter()
                    .map(|k| k.0)
                    .collect();
                for m in &v.value {
                    if !known.contains(m) {
                        let mut allowed = "a headline metric key (see results.csv)".to_string();
                        if let Some(s) = suggest(m, known.iter().map(|s| s.as_str())) {
                            allowed.push_str(&format!("; did you mean `{s}`?"));
                        }
                        return Err(invalid(v, "plot", m.clone(), allowed));
                    }
                }
                v.value.clone()
            }
            None => DEFAULT_PLOTS.iter().map(|s| s.to_string()).collect(),
        };
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
        })
    }

    /// The scenario of one point.
    pub fn point_scenario(&self, p: &Point) -> Result<Scenario, ScenarioError> {
        let mut o = self.common.clone();
        o.extend(p.overrides(&self.axes));
        Scenario::load(&self.base, &o)
    }
}

/// Something with a position in the sweep file.
trait Located {
    fn start(&self) -> usize;
}
impl<T> Located for V<T> {
    fn start(&self) -> usize {
        self.span.start
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
            at: Location {
                file: "s.toml".into(),
                line: None,
                column: None,
            },
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
