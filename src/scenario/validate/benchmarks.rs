//! Published targets (`[[benchmark]]`) and the parameters calibration may fit.

use super::check::{Check, R};
use crate::benchmark::{Benchmark, Bound, Counterfactual, Metric, Role, Uncertainty};
use crate::population::Pathway;
use crate::scenario::error::ScenarioError;
use crate::scenario::key::key_parts;
use crate::scenario::layer::V;
use crate::scenario::raw::*;

mod metrics;

pub(super) fn validate_calibration(
    c: &Check,
    raw: &RawScenario,
) -> R<Option<crate::scenario::Calibration>> {
    let Some(cal) = &raw.calibration else {
        return Ok(None);
    };
    let replications = match &cal.replications {
        Some(_) => Some(c.int(&cal.replications, "calibration.replications")? as u32),
        None => None,
    };
    let max_evaluations = match &cal.max_evaluations {
        Some(_) => c.int(&cal.max_evaluations, "calibration.max_evaluations")? as u32,
        None => 100,
    };
    let mut free = Vec::new();
    for (i, f) in cal.free.clone().unwrap_or_default().iter().enumerate() {
        let key = |k: &str| format!("calibration.free[{i}].{k}");
        let (keys, at) = match (&f.key, &f.keys) {
            (Some(k), None) => (vec![k.value.clone()], c.at(k)),
            (None, Some(ks)) if !ks.value.is_empty() => (ks.value.clone(), c.at(ks)),
            (Some(k), Some(_)) => {
                return Err(c.invalid(k, &key("key"), "give `key` or `keys`, not both"));
            }
            _ => {
                return Err(ScenarioError::Missing {
                    file: c.leaf.to_path_buf(),
                    key: key("key"),
                    allowed: "the dotted key of the parameter to fit (or `keys = [...]` for several sharing one value)".into(),
                });
            }
        };
        // Read as TOML dotted keys, as `--set` and `calibrate --update` read them.
        if let Some(why) = keys.iter().find_map(|k| key_parts(k).err()) {
            let allowed = format!(
                "{why}; a dotted scenario key, a part holding `.` or other signs quoted, e.g. 'pathways.\"my.path\".base_exit_rate'"
            );
            return Err(match (&f.key, &f.keys) {
                (Some(v), _) => c.invalid(v, &key("key"), allowed),
                (_, Some(v)) => c.invalid(v, &key("keys"), allowed),
                _ => unreachable!("a key is set"),
            });
        }
        let lo = c.real(&f.min, &key("min"))?;
        let hi = c.real(&f.max, &key("max"))?;
        if lo >= hi {
            let max = f.max.as_ref().expect("checked");
            let min = f.min.as_ref().expect("checked");
            return Err(c.constraint(
                max,
                &[
                    (key("min"), Some(c.written(min))),
                    (key("max"), Some(c.written(max))),
                ],
                "the upper bound must be above the lower bound",
                format!("raise `max` above {lo} or lower `min`"),
            ));
        }
        free.push(crate::scenario::FreeParameter {
            keys,
            min: lo,
            max: hi,
            at,
        });
    }
    Ok(Some(crate::scenario::Calibration {
        replications,
        max_evaluations,
        free,
    }))
}

pub(super) fn validate_benchmarks(
    c: &Check,
    raw: &RawScenario,
    pathways: &[Pathway],
) -> R<Vec<Benchmark>> {
    let mut out = Vec::new();
    let empty = Vec::new();
    let names: Vec<&str> = pathways.iter().map(|p| p.name.as_str()).collect();
    for (i, b) in raw.benchmark.as_ref().unwrap_or(&empty).iter().enumerate() {
        out.push(
            BenchmarkTable {
                c,
                i,
                b,
                names: &names,
            }
            .validate()?,
        );
    }
    Ok(out)
}

const DATE_WORDS: &str =
    "a calendar month \"YYYY-MM\" (e.g. \"2022-12\"): measured at the end of that month";

/// One `[[benchmark]]` being checked: which keys it needs depends on its metric.
struct BenchmarkTable<'a> {
    c: &'a Check<'a>,
    /// Its place in the list, for keys such as `benchmark[3].year`.
    i: usize,
    b: &'a RawBenchmark,
    /// The scenario's pathways, in order: a benchmark names one of them.
    names: &'a [&'a str],
}

impl BenchmarkTable<'_> {
    /// `benchmark[i].k`, the key errors name.
    fn key(&self, k: &str) -> String {
        format!("benchmark[{}].{k}", self.i)
    }

    /// The whole benchmark, checked in the order its errors are reported: the name, the metric
    /// and the keys it needs, then `role`, `bound`, `value`, its uncertainty and `source`.
    fn validate(&self) -> R<Benchmark> {
        let (c, b) = (self.c, self.b);
        let name_v = c.req(&b.name, &self.key("name"), "a short name")?;
        let metric_v = c.req(&b.metric, &self.key("metric"), &Metric::NAMES.join(", "))?;
        let metric_name = c.word(metric_v, &self.key("metric"), &Metric::NAMES)?;
        let metric = self.metric(metric_name)?;
        let role = self.role()?;
        let bound = self.bound()?;
        let counterfactual = self.counterfactual()?;
        // An effect (a difference) may be negative, and is no proportion even of shares.
        let is_share = metric.is_proportion() && counterfactual.is_none();
        let value = if is_share {
            c.share(&b.value, &self.key("value"))?.get()
        } else {
            c.real(&b.value, &self.key("value"))?
        };
        let uncertainty = self.uncertainty(name_v, value, is_share, metric_name)?;
        Ok(Benchmark {
            name: name_v.value.clone(),
            metric,
            bound,
            value,
            role,
            uncertainty,
            source: c
                .req(
                    &b.source,
                    &self.key("source"),
                    "the publication the figure comes from",
                )?
                .value
                .clone(),
            counterfactual,
        })
    }

    /// `counterfactual = ["KEY=VALUE", …]`: the overrides whose effect the value is. The run's
    /// own settings (`simulation.*`) stay those of the scenario, so the two runs share their
    /// random numbers and their calendar.
    fn counterfactual(&self) -> R<Option<Counterfactual>> {
        let Some(v) = &self.b.counterfactual else {
            if let Some(e) = &self.b.effect {
                return Err(self.c.invalid(
                    e,
                    &self.key("effect"),
                    "`effect` says how an effect target compares with its `counterfactual`: give `counterfactual = [\"KEY=VALUE\", …]` too, or drop `effect`",
                ));
            }
            return Ok(None);
        };
        let allowed = "a list of \"KEY=VALUE\" overrides, as `--set` takes them (e.g. [\"policy.salary.remote_allowance=12000\"]), none of them `simulation.*` or `benchmark`";
        if v.value.is_empty() {
            return Err(self.c.invalid(v, &self.key("counterfactual"), allowed));
        }
        for kv in &v.value {
            let ok = kv.split_once('=').is_some_and(|(k, _)| {
                let k = k.trim();
                key_parts(k).is_ok() && !k.starts_with("simulation.") && !k.starts_with("benchmark")
            });
            if !ok {
                return Err(self.c.invalid(
                    v,
                    &self.key("counterfactual"),
                    format!("{allowed}; not {kv:?}"),
                ));
            }
        }
        let relative = match &self.b.effect {
            None => false,
            Some(e) => {
                self.c
                    .word(e, &self.key("effect"), &Counterfactual::EFFECTS)?
                    == "relative"
            }
        };
        Ok(Some(Counterfactual {
            overrides: v.value.clone(),
            relative,
        }))
    }

    /// What the benchmark is for: a calibration target, an echo of an input, or a hold-out.
    fn role(&self) -> R<Role> {
        let c = self.c;
        let allowed = "fitted (a calibration target: a parameter was chosen to meet it), input (echoes a figure the scenario states) or holdout (used by nothing that was fitted)";
        let v = c.req(&self.b.role, &self.key("role"), allowed)?;
        let w = c.word(v, &self.key("role"), &Role::NAMES)?;
        Ok(Role::parse(w).expect("checked"))
    }

    /// How precisely the figure is known: exactly one of `n` (a share's study size),
    /// `tolerance`, `relative_tolerance` or `interval`.
    fn uncertainty(
        &self,
        name: &V<String>,
        value: f64,
        is_share: bool,
        metric_name: &str,
    ) -> R<Uncertainty> {
        let (c, b) = (self.c, self.b);
        let given: Vec<(String, Option<String>)> = [
            ("n", b.n.as_ref().map(|v| c.written(v))),
            ("tolerance", b.tolerance.as_ref().map(|v| c.written(v))),
            (
                "relative_tolerance",
                b.relative_tolerance.as_ref().map(|v| c.written(v)),
            ),
            ("interval", b.interval.as_ref().map(|v| c.written(v))),
        ]
        .into_iter()
        .filter(|(_, v)| v.is_some())
        .map(|(k, v)| (self.key(k), v))
        .collect();
        const HOW: &str = "`n = …` (the study's sample size, for a share), `tolerance = …` (± in the value's unit, as a 95% range), `relative_tolerance = …` (± a share of the value) or `interval = [low, high]` (the source's 95% interval)";
        if given.is_empty() {
            return Err(c.constraint(
                name,
                &[(self.key("name"), Some(c.written(name)))],
                "a benchmark must say how precisely its figure is known, or no verdict can tell it met or missed",
                format!("add one of {HOW}; say its source in `source`"),
            ));
        }
        if given.len() > 1 {
            return Err(c.constraint(
                name,
                &given,
                "a benchmark states its uncertainty one way",
                format!("keep one of {HOW}"),
            ));
        }
        if let Some(v) = &b.n {
            if !is_share {
                return Err(c.invalid(
                    v,
                    &self.key("n"),
                    format!("`n` is only used by metrics that are shares, not by {metric_name}; give `tolerance` or `interval` instead"),
                ));
            }
            return Ok(Uncertainty::StudySize(c.int(&b.n, &self.key("n"))? as u32));
        }
        if b.tolerance.is_some() {
            return Ok(Uncertainty::Tolerance(
                c.real(&b.tolerance, &self.key("tolerance"))?,
            ));
        }
        if b.relative_tolerance.is_some() {
            return Ok(Uncertainty::RelativeTolerance(
                c.real(&b.relative_tolerance, &self.key("relative_tolerance"))?,
            ));
        }
        let v = b.interval.as_ref().expect("one is given");
        match v.value[..] {
            [low, high] if low.is_finite() && high.is_finite() && low <= value && value <= high => {
                if is_share && !(0.0 <= low && high <= 1.0) {
                    return Err(c.invalid(
                        v,
                        &self.key("interval"),
                        "a share's interval lies within 0 to 1",
                    ));
                }
                Ok(Uncertainty::Interval { low, high })
            }
            _ => Err(c.invalid(
                v,
                &self.key("interval"),
                format!("two numbers [low, high] with low ≤ value ({value}) ≤ high"),
            )),
        }
    }

    /// Whether the target is a point or a floor or ceiling ("at least 98%").
    fn bound(&self) -> R<Bound> {
        Ok(match &self.b.bound {
            None => Bound::Equal,
            Some(v) => match self.c.word(v, &self.key("bound"), &Bound::NAMES)? {
                "at_least" => Bound::AtLeast,
                "at_most" => Bound::AtMost,
                _ => Bound::Equal,
            },
        })
    }
}
