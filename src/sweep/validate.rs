//! From a sweep file as written to the checked parts of a [`Sweep`](super::Sweep): the common
//! overrides and base scenario, the design, the axes, the number of points, every point's
//! scenario and the plots, each error located at its value in the file.

use super::{Axis, AxisValues, DEFAULT_PLOTS, Design, Point, RawAxis, RawSweep, SweepError};
use crate::scenario::layer::V;
use crate::scenario::load::{
    Sources, escape_controls, key_parts, key_text, suggest, unknown_top_level_key,
};
use crate::scenario::{Location, Override, Scenario, ScenarioError};
use rayon::prelude::*;
use std::path::Path;

/// The tables a scenario has and a sweep file does not.
const SCENARIO_TABLES: [&str; 9] = [
    "simulation",
    "region",
    "outside_option",
    "behaviour",
    "policy",
    "policy_from",
    "pathways",
    "benchmark",
    "calibration",
];

/// A sweep file that fails on a table only scenarios have is a scenario: say which command
/// runs it, rather than "unknown field `behaviour`" and the list of sweep keys.
pub(super) fn scenario_given(e: ScenarioError, sources: &Sources, path: &Path) -> SweepError {
    let Some((at, unknown, top)) = unknown_top_level_key(&e, sources, 0) else {
        return SweepError::from(e);
    };
    // The table where reading stopped, if it is one a scenario has; else the first there is.
    let mut tables = std::iter::once(unknown.as_str()).chain(SCENARIO_TABLES);
    match tables.find(|k| SCENARIO_TABLES.contains(k) && top.contains_key(*k)) {
        Some(key) => SweepError::from(ScenarioError::WrongKind {
            at,
            what: match key {
                "benchmark" => {
                    "this is a scenario (it has `[[benchmark]]`), not a sweep file".into()
                }
                _ => format!("this is a scenario (it has `[{key}]`), not a sweep file"),
            },
            fix: format!(
                "use `zhagen run {}` (or compare, validate, calibrate), or sweep it from a \
                 sweep file whose `base` names it",
                path.display()
            ),
        }),
        None => SweepError::from(e),
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

/// A sweep file being read: its path and text, so that each error names the line of its value.
pub(super) struct SweepFile<'a> {
    pub(super) path: &'a Path,
    pub(super) sources: &'a Sources,
}

impl SweepFile<'_> {
    /// Where a value is written: the sweep file is the one source `read_file` read (0).
    fn at(&self, start: usize) -> Location {
        self.sources.locate(0, start)
    }

    /// A value written but not allowed, located at the value.
    fn invalid(&self, v: &dyn Located, key: &str, value: String, allowed: String) -> SweepError {
        SweepError::from(ScenarioError::Invalid {
            at: self.at(v.start()),
            key: key.into(),
            value,
            allowed,
        })
    }

    /// A key the sweep needs but does not set.
    pub(super) fn missing(&self, key: &str, allowed: &str) -> SweepError {
        SweepError::from(ScenarioError::Missing {
            file: self.path.to_path_buf(),
            key: key.into(),
            allowed: allowed.into(),
        })
    }

    /// The overrides every point gets: the sweep's replications first, so that the command
    /// line's overrides (`set`) win.
    pub(super) fn common_overrides(
        &self,
        raw: &RawSweep,
        set: &[Override],
    ) -> Result<Vec<Override>, SweepError> {
        let mut common: Vec<Override> = Vec::new();
        if let Some(r) = &raw.replications {
            if !(1..=1_000_000).contains(&r.value) {
                return Err(self.invalid(
                    r,
                    "replications",
                    r.value.to_string(),
                    "replications per point: a whole number from 1 to 1000000".into(),
                ));
            }
            // Not a file read: shown as where the sweep file says it.
            common.push(Override::shown_as(
                self.at(r.span.start).to_string(),
                "simulation.replications",
                r.value,
            ));
        }
        common.extend(set.iter().cloned());
        Ok(common)
    }

    /// The swept scenario with the common overrides; a base file that cannot be read is
    /// reported at the sweep's `base` line, and an error in its chain shows that line too.
    pub(super) fn base_scenario(
        &self,
        base: &Path,
        base_v: &V<String>,
        common: &[Override],
    ) -> Result<Scenario, SweepError> {
        let named_at = vec![self.at(base_v.span.start)];
        Scenario::load_named_by(base, common, named_at).map_err(|e| match e {
            ScenarioError::Read { path: p, source } => {
                SweepError::from(ScenarioError::BaseMissing {
                    at: self.at(base_v.span.start),
                    base: p,
                    source,
                })
            }
            other => SweepError::from(other),
        })
    }

    /// The design, a grid unless the file says otherwise.
    pub(super) fn design(&self, raw: &RawSweep, scenario: &Scenario) -> Result<Design, SweepError> {
        let design_name = raw.design.as_ref().map_or("grid", |d| d.value.as_str());
        match design_name {
            "grid" => self.grid(raw),
            "latin_hypercube" => self.latin_hypercube(raw, scenario.simulation.seed),
            other => {
                let d = raw.design.as_ref().expect("a named design was given");
                let mut allowed = "allowed: grid, latin_hypercube".to_string();
                if let Some(s) = suggest(other, ["grid", "latin_hypercube"]) {
                    allowed.push_str(&format!(" (did you mean `{s}`?)"));
                }
                Err(self.invalid(d, "design", other.into(), allowed))
            }
        }
    }

    /// A grid takes every combination of the axes' values: `points` and `seed` would be
    /// ignored, so they are refused.
    fn grid(&self, raw: &RawSweep) -> Result<Design, SweepError> {
        for (v, k) in [(&raw.points, "points"), (&raw.seed, "seed")] {
            if let Some(v) = v {
                return Err(self.invalid(
                    v,
                    k,
                    v.value.to_string(),
                    format!("`{k}` is only used by design = \"latin_hypercube\""),
                ));
            }
        }
        Ok(Design::Grid)
    }

    /// A Latin hypercube of `points` points, drawn with `seed` (by default the scenario's).
    fn latin_hypercube(&self, raw: &RawSweep, scenario_seed: u64) -> Result<Design, SweepError> {
        let n = raw
            .points
            .as_ref()
            .ok_or_else(|| self.missing("points", "the number of points of the Latin hypercube"))?;
        if !(1..=100_000).contains(&n.value) {
            return Err(self.invalid(
                n,
                "points",
                n.value.to_string(),
                "a whole number from 1 to 100000".into(),
            ));
        }
        let seed = match &raw.seed {
            Some(s) if s.value >= 0 => s.value as u64,
            Some(s) => {
                return Err(self.invalid(
                    s,
                    "seed",
                    s.value.to_string(),
                    "a non-negative whole number".into(),
                ));
            }
            None => scenario_seed,
        };
        Ok(Design::LatinHypercube {
            points: n.value as u32,
            seed,
        })
    }

    /// The `[[axis]]` tables in order: at least one, and no key swept by two.
    pub(super) fn axes(&self, raw: &RawSweep, design: &Design) -> Result<Vec<Axis>, SweepError> {
        let raw_axes = raw.axis.clone().unwrap_or_default();
        if raw_axes.is_empty() {
            return Err(self.missing("axis", "at least one [[axis]] with `key` and `values`"));
        }
        let mut axes = Vec::new();
        for (i, a) in raw_axes.iter().enumerate() {
            let axis = self.axis(i, a, design, &axes)?;
            axes.push(axis);
        }
        Ok(axes)
    }

    /// One axis: its key (not one an `earlier` axis sweeps) and values of the design's form.
    fn axis(
        &self,
        i: usize,
        a: &RawAxis,
        design: &Design,
        earlier: &[Axis],
    ) -> Result<Axis, SweepError> {
        let k = |f: &str| format!("axis[{i}].{f}");
        let key = a
            .key
            .as_ref()
            .ok_or_else(|| self.missing(&k("key"), "the dotted scenario key the axis sweeps"))?;
        let loc = self.at(key.span.start);
        // The key becomes `--set` text for every point: read it as a TOML dotted key now,
        // and refuse it here, at its line, if it is not one (an unclosed quote, a newline
        // that would set a second key).
        let parts = key_parts(&key.value).map_err(|why| {
            self.invalid(
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
        if earlier.iter().any(|x: &Axis| x.key == canonical) {
            return Err(self.invalid(
                key,
                &k("key"),
                key.value.clone(),
                "each key may be swept by one axis only".into(),
            ));
        }
        let values = self.axis_values(i, a, key, &loc)?;
        values_suit_design(i, key, &loc, design, &values)?;
        Ok(Axis {
            key: canonical,
            values,
            at: loc,
        })
    }

    /// An axis lists its values, or gives the range `min`..`max` a Latin hypercube draws from.
    fn axis_values(
        &self,
        i: usize,
        a: &RawAxis,
        key: &V<String>,
        loc: &Location,
    ) -> Result<AxisValues, SweepError> {
        let k = |f: &str| format!("axis[{i}].{f}");
        match (&a.values, &a.min, &a.max) {
            (Some(v), None, None) => {
                if v.value.is_empty() {
                    return Err(self.invalid(
                        v,
                        &k("values"),
                        "[]".into(),
                        "at least one value".into(),
                    ));
                }
                if let Some(x) = &a.integer {
                    return Err(self.invalid(
                        x,
                        &k("integer"),
                        x.value.to_string(),
                        "`integer` goes with `min` and `max`".into(),
                    ));
                }
                Ok(AxisValues::List(v.value.clone()))
            }
            (None, Some(lo), Some(hi)) => {
                if !(lo.value.is_finite() && hi.value.is_finite() && lo.value <= hi.value) {
                    return Err(self.invalid(
                        hi,
                        &k("max"),
                        hi.value.to_string(),
                        "finite bounds with min ≤ max".into(),
                    ));
                }
                Ok(AxisValues::Range {
                    min: lo.value,
                    max: hi.value,
                    integer: a.integer.as_ref().is_some_and(|x| x.value),
                })
            }
            _ => Err(SweepError::from(ScenarioError::Invalid {
                at: loc.clone(),
                key: format!("axis[{i}]"),
                value: key.value.clone(),
                allowed: "an axis has either `values = [...]` or `min` and `max`".into(),
            })),
        }
    }

    /// The metrics to plot against the axes: headline metric keys, by default [`DEFAULT_PLOTS`].
    pub(super) fn plot(
        &self,
        raw: &RawSweep,
        scenario: &Scenario,
    ) -> Result<Vec<String>, SweepError> {
        let Some(v) = &raw.plot else {
            return Ok(DEFAULT_PLOTS.iter().map(|s| s.to_string()).collect());
        };
        let known: Vec<String> = crate::headline::keys(scenario)
            .into_iter()
            .map(|k| k.0)
            .collect();
        for m in &v.value {
            if !known.contains(m) {
                let mut allowed = "a headline metric key (see results.csv)".to_string();
                if let Some(s) = suggest(m, known.iter().map(|s| s.as_str())) {
                    allowed.push_str(&format!("; did you mean `{s}`?"));
                }
                return Err(self.invalid(v, "plot", m.clone(), allowed));
            }
        }
        Ok(v.value.clone())
    }
}

/// A grid combines listed values and a Latin hypercube draws from ranges: `design_points`
/// takes each design's form for granted, so the other form is refused here.
fn values_suit_design(
    i: usize,
    key: &V<String>,
    loc: &Location,
    design: &Design,
    values: &AxisValues,
) -> Result<(), SweepError> {
    match (design, values) {
        (Design::Grid, AxisValues::Range { .. }) => {
            Err(SweepError::from(ScenarioError::Invalid {
                at: loc.clone(),
                key: format!("axis[{i}]"),
                value: key.value.clone(),
                allowed: "a grid axis lists its `values`; `min`/`max` are for design = \"latin_hypercube\"".into(),
            }))
        }
        (Design::LatinHypercube { .. }, AxisValues::List(_)) => {
            Err(SweepError::from(ScenarioError::Invalid {
                at: loc.clone(),
                key: format!("axis[{i}]"),
                value: key.value.clone(),
                allowed: "a Latin-hypercube axis takes `min` and `max` (and `integer = true` for whole numbers)".into(),
            }))
        }
        _ => Ok(()),
    }
}

/// Counted before the points are built: a grid's size is the product of its axes' lengths,
/// which can exceed memory, or overflow, long before anything runs.
pub(super) fn check_point_count(design: &Design, axes: &[Axis]) -> Result<(), SweepError> {
    let count = match design {
        Design::Grid => axes.iter().try_fold(1usize, |n, a| match &a.values {
            AxisValues::List(v) => n.checked_mul(v.len()),
            AxisValues::Range { .. } => Some(n),
        }),
        Design::LatinHypercube { points, .. } => Some(*points as usize),
        Design::Given(_) => Some(0),
    };
    if count.is_none_or(|n| n > 1_000_000) {
        return Err(SweepError::from(ScenarioError::Invalid {
            at: axes[0].at.clone(),
            key: "axis".into(),
            value: match count {
                Some(n) => format!("{n} points"),
                None => format!("more than {} points", usize::MAX),
            },
            allowed: "at most 1,000,000 points (fewer axes, or fewer values on an axis)".into(),
        }));
    }
    Ok(())
}

/// Sweeps of up to this many points have every point's scenario loaded and checked before
/// anything runs; larger ones (a grid can have 1,000,000) have each axis value checked once
/// instead, so that they start within seconds: loading each point takes about a millisecond.
pub const EVERY_POINT_UP_TO: usize = 10_000;

/// Every point must make a valid scenario; report the first (in point order) that does not.
/// Points are checked in parallel on the current rayon pool: a large hypercube has many
/// thousand, at a fraction of a millisecond each. Beyond `EVERY_POINT_UP_TO` points, each
/// value of a list axis and both ends of a range axis are checked alone on the base (the
/// bounds of a value do not depend on the other axes), and only a point holding a value found
/// invalid, or lying on a range with an invalid end, is loaded whole; a rule spanning several
/// axes is then found when its point runs, with the same located error.
pub(super) fn check_every_point(
    base: &Path,
    common: &[Override],
    axes: &[Axis],
    points: &[Point],
) -> Result<(), SweepError> {
    let load = |p: &Point| {
        let mut o = common.to_vec();
        o.extend(p.overrides(axes).into_iter().map(Override::set));
        Scenario::load_with(base, &o).err().map(|e| (p.id, e))
    };
    let first_bad = if points.len() <= EVERY_POINT_UP_TO {
        points.par_iter().find_map_first(load)
    } else {
        let alone_ok = |a: &Axis, v: &toml::Value| {
            let mut o = common.to_vec();
            o.push(Override::set(format!("{}={}", a.key, v)));
            Scenario::load_with(base, &o).is_ok()
        };
        // Per axis: the list values found invalid, or whether a range has an invalid end.
        let suspect: Vec<(Vec<&toml::Value>, bool)> = axes
            .par_iter()
            .map(|a| match &a.values {
                AxisValues::List(vs) => (vs.iter().filter(|v| !alone_ok(a, v)).collect(), false),
                AxisValues::Range { min, max, integer } => {
                    let end = |x: f64| {
                        if *integer {
                            toml::Value::Integer(x as i64)
                        } else {
                            toml::Value::Float(x)
                        }
                    };
                    (
                        Vec::new(),
                        !(alone_ok(a, &end(*min)) && alone_ok(a, &end(*max))),
                    )
                }
            })
            .collect();
        if suspect.iter().all(|(bad, range)| bad.is_empty() && !range) {
            None
        } else {
            points.par_iter().find_map_first(|p| {
                let doubtful = p
                    .values
                    .iter()
                    .zip(&suspect)
                    .any(|(v, (bad, range))| *range || bad.contains(&v));
                if doubtful { load(p) } else { None }
            })
        }
    };
    if let Some((id, e)) = first_bad {
        let p = points
            .iter()
            .find(|p| p.id == id)
            .expect("a point of this sweep");
        // Name the axis whose value the error concerns, when we can tell.
        let text = e.to_string();
        let axis = axes
            .iter()
            .find(|a| text.contains(&a.key))
            .unwrap_or(&axes[0]);
        return Err(SweepError::Point {
            at: axis.at.clone(),
            point: p.id,
            assignment: p.overrides(axes).join(", "),
            source: Box::new(e),
        });
    }
    Ok(())
}
