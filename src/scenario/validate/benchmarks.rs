//! Published targets (`[[benchmark]]`) and the parameters calibration may fit.

use super::check::{Check, R};
use crate::benchmark::{
    Benchmark, Bound, CohortAt, CohortFrom, Counterfactual, Metric, Role, Stage, Uncertainty,
    title_mask,
};
use crate::population::{Destination, Pathway, PathwayId, Title};
use crate::scenario::error::ScenarioError;
use crate::scenario::key::key_parts;
use crate::scenario::layer::V;
use crate::scenario::raw::*;

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

    /// The metric with the keys its kind takes (a pathway, years, titles, a destination).
    fn metric(&self, metric_name: &str) -> R<Metric> {
        let b = self.b;
        Ok(match metric_name {
            "retention" => Metric::Retention {
                pathway: self.pathway()?,
                year: self.year(&b.year, "year")?,
            },
            "conditional_retention" => self.conditional_retention()?,
            "title_share" => Metric::TitleShare {
                pathway: self.pathway()?,
                year: self.year(&b.year, "year")?,
                titles: self.titles()?,
            },
            "centre_title_share" => Metric::CentreTitleShare {
                calendar_year: self.calendar_year()?,
                titles: self.titles()?,
            },
            "exit_share" => self.exit_share()?,
            "annual_outflow" => Metric::AnnualOutflow {
                years: self.years_range()?,
            },
            "pipeline_share" => self.pipeline_share()?,
            "headcount_ratio" => {
                let calendar_year = self.calendar_year()?;
                let relative_to = self.c.int(&self.b.relative_to, &self.key("relative_to"))? as i32;
                Metric::HeadcountRatio {
                    pathway: self.pathway()?,
                    calendar_year,
                    relative_to,
                }
            }
            "exit_rate" => {
                let years = self.years_range()?;
                let retirement_only = match &self.b.reason {
                    None => false,
                    Some(v) => {
                        self.c
                            .word(v, &self.key("reason"), &["any", "retirement"])?
                            == "retirement"
                    }
                };
                Metric::ExitRate {
                    pathway: self.pathway()?,
                    years,
                    retirement_only,
                }
            }
            "age_mean" => {
                let calendar_year = self.calendar_year()?;
                Metric::AgeMean {
                    pathway: self.pathway()?,
                    calendar_year,
                }
            }
            "age_share" => self.age_share()?,
            "cohort_retention" => self.cohort_retention()?,
            "mean_stay" => self.mean_stay()?,
            _ => Metric::ReportRate {
                pathway: self.pathway()?,
            },
        })
    }

    /// Retention from `from_year` to `year`, which must come after it.
    fn conditional_retention(&self) -> R<Metric> {
        let (c, b) = (self.c, self.b);
        let (from_year, year) = (
            self.year(&b.from_year, "from_year")?,
            self.year(&b.year, "year")?,
        );
        if from_year >= year {
            let (y, fy) = (b.year.as_ref(), b.from_year.as_ref());
            return Err(c.constraint(
                y.expect("checked"),
                &[
                    (self.key("from_year"), fy.map(|v| c.written(v))),
                    (self.key("year"), y.map(|v| c.written(v))),
                ],
                "`year` must be after `from_year`",
                "a conditional retention counts from `from_year` to a later `year`",
            ));
        }
        Ok(Metric::ConditionalRetention {
            pathway: self.pathway()?,
            from_year,
            year,
        })
    }

    /// `years = [first, last]`: the simulated years beginning in those calendar years; absent,
    /// the whole run.
    fn years_range(&self) -> R<Option<(i32, i32)>> {
        let Some(v) = &self.b.years else {
            return Ok(None);
        };
        match v.value[..] {
            [first, last] if first <= last && (1900..=2200).contains(&first) && last <= 2200 => {
                Ok(Some((first as i32, last as i32)))
            }
            _ => Err(self.c.invalid(
                v,
                &self.key("years"),
                "[first, last]: calendar years from 1900 to 2200, first ≤ last (the simulated years beginning in them)",
            )),
        }
    }

    /// A calendar month `date = "YYYY-MM"`, measured at its end.
    fn date(&self) -> R<(i32, u32)> {
        let (c, b) = (self.c, self.b);
        let d = c.req(&b.date, &self.key("date"), DATE_WORDS)?;
        let parsed = d.value.split_once('-').and_then(|(y, m)| {
            let (y, m) = (y.parse::<i32>().ok()?, m.parse::<u32>().ok()?);
            ((1900..=2200).contains(&y) && (1..=12).contains(&m)).then_some((y, m))
        });
        parsed.ok_or_else(|| c.invalid(d, &self.key("date"), DATE_WORDS))
    }

    /// Two pipeline stages at a date: `stage` reached, of those who had reached `of`.
    fn pipeline_share(&self) -> R<Metric> {
        let (c, b) = (self.c, self.b);
        let names = Stage::NAMES.join(", ");
        let sv = c.req(&b.stage, &self.key("stage"), &names)?;
        let stage = Stage::parse(c.word(sv, &self.key("stage"), &Stage::NAMES)?).expect("checked");
        let ov = c.req(&b.of, &self.key("of"), &names)?;
        let of = Stage::parse(c.word(ov, &self.key("of"), &Stage::NAMES)?).expect("checked");
        if of >= stage {
            return Err(c.constraint(
                sv,
                &[
                    (self.key("stage"), Some(c.written(sv))),
                    (self.key("of"), Some(c.written(ov))),
                ],
                "`of` must be a stage before `stage` (enrolled, graduated, finished_residency, reported)",
                "e.g. stage = \"graduated\", of = \"enrolled\"",
            ));
        }
        let date = self.date()?;
        Ok(Metric::PipelineShare {
            pathway: self.pathway()?,
            stage,
            of,
            date,
        })
    }

    /// An entry cohort's retention: which cohorts (`cohorts = [first, last]`, or every one),
    /// counted from entry or from the contract end, at a calendar `date = "YYYY-MM"` or
    /// `years_after` the start.
    fn cohort_retention(&self) -> R<Metric> {
        self.cohort_retention_at(true)
    }

    /// The cohorts and whom they count; when `at` is false, without reading when to measure
    /// (a mean stay takes a horizon instead).
    fn cohort_retention_at(&self, at: bool) -> R<Metric> {
        let (c, b) = (self.c, self.b);
        let cohorts = match &b.cohorts {
            None => None,
            Some(v) => match v.value[..] {
                [first, last]
                    if first <= last && (1900..=2200).contains(&first) && last <= 2200 =>
                {
                    Some((first as i32, last as i32))
                }
                _ => {
                    return Err(c.invalid(
                        v,
                        &self.key("cohorts"),
                        "[first, last]: the first and last entry (graduation) years, calendar years from 1900 to 2200, first ≤ last",
                    ));
                }
            },
        };
        let from_v = c.req(&b.from, &self.key("from"), &CohortFrom::NAMES.join(" or "))?;
        let from = match c.word(from_v, &self.key("from"), &CohortFrom::NAMES)? {
            "entry" => CohortFrom::Entry,
            _ => CohortFrom::ContractEnd,
        };
        if !at {
            return Ok(Metric::CohortRetention {
                pathway: self.pathway()?,
                cohorts,
                from,
                at: CohortAt::After { months: 0 },
            });
        }
        let at = match (&b.date, &b.years_after) {
            (Some(_), None) => {
                let (year, month) = self.date()?;
                CohortAt::Date { year, month }
            }
            (None, Some(v)) => {
                let years = c.real(&b.years_after, &self.key("years_after"))?;
                let months = years * 12.0;
                if (months - months.round()).abs() > 1e-9 {
                    return Err(c.invalid(
                        v,
                        &self.key("years_after"),
                        "whole months: a multiple of 1/12 year (0.5, 1, 1.25, …)",
                    ));
                }
                CohortAt::After {
                    months: months.round() as u32,
                }
            }
            (Some(d), Some(v)) => {
                return Err(c.constraint(
                    v,
                    &[
                        (self.key("date"), Some(c.written(d))),
                        (self.key("years_after"), Some(c.written(v))),
                    ],
                    "a cohort retention is measured at a date or a time after its start, not both",
                    "keep `date` (a calendar month) or `years_after`",
                ));
            }
            (None, None) => {
                return Err(ScenarioError::Missing {
                    file: c.leaf.to_path_buf(),
                    key: self.key("date"),
                    allowed: "when to measure: `date = \"YYYY-MM\"` (the end of a calendar month) or `years_after = …` (after entry or contract end)".into(),
                });
            }
        };
        Ok(Metric::CohortRetention {
            pathway: self.pathway()?,
            cohorts,
            from,
            at,
        })
    }

    /// The restricted mean stay of entry cohorts' members within `years_after` of entry or of
    /// their contract end.
    fn mean_stay(&self) -> R<Metric> {
        let (c, b) = (self.c, self.b);
        let Metric::CohortRetention { cohorts, from, .. } = self.cohort_retention_at(false)? else {
            unreachable!("a cohort retention")
        };
        let v = c.req(
            &b.years_after,
            &self.key("years_after"),
            "the horizon: years after entry or contract end, in whole months",
        )?;
        let years = c.real(&b.years_after, &self.key("years_after"))?;
        let months = years * 12.0;
        if (months - months.round()).abs() > 1e-9 || months < 1.0 {
            return Err(c.invalid(
                v,
                &self.key("years_after"),
                "whole months, at least one: a multiple of 1/12 year (0.5, 1, 10, …)",
            ));
        }
        Ok(Metric::MeanStay {
            pathway: self.pathway()?,
            cohorts,
            from,
            months: months.round() as u32,
        })
    }

    /// The share of a pathway's leavers who go to one destination.
    fn exit_share(&self) -> R<Metric> {
        let (c, b) = (self.c, self.b);
        let v = c.req(
            &b.destination,
            &self.key("destination"),
            &Destination::NAMES.join(", "),
        )?;
        let d = c.word(v, &self.key("destination"), &Destination::NAMES)?;
        Ok(Metric::ExitShare {
            pathway: self.pathway()?,
            destination: Destination::parse(d).expect("checked"),
        })
    }

    /// The share of a pathway's workers aged `min_age` or more in a calendar year; ages are
    /// counted in whole years.
    fn age_share(&self) -> R<Metric> {
        let (c, b) = (self.c, self.b);
        let calendar_year = self.calendar_year()?;
        let min_age = c.real(&b.min_age, &self.key("min_age"))?;
        if min_age.fract() != 0.0 {
            return Err(c.invalid(
                b.min_age.as_ref().expect("checked"),
                &self.key("min_age"),
                "whole years of age",
            ));
        }
        Ok(Metric::AgeShare {
            pathway: self.pathway()?,
            calendar_year,
            min_age: min_age as u32,
        })
    }

    /// The pathway the metric is about, one of the scenario's.
    fn pathway(&self) -> R<PathwayId> {
        let (c, names) = (self.c, self.names);
        let v = c.req(&self.b.pathway, &self.key("pathway"), &names.join(", "))?;
        let n = c.word(v, &self.key("pathway"), names)?;
        Ok(PathwayId(
            names.iter().position(|x| *x == n).expect("found") as u8,
        ))
    }

    /// Years since entering service, counted in whole years.
    fn year(&self, v: &Option<V<f64>>, k: &str) -> R<u32> {
        let c = self.c;
        let y = c.real(v, &self.key(k))?;
        if y.fract() != 0.0 {
            return Err(c.invalid(
                v.as_ref().expect("checked"),
                &self.key(k),
                "whole years since entering service",
            ));
        }
        Ok(y as u32)
    }

    /// The calendar year a centre-wide or age metric is taken in.
    fn calendar_year(&self) -> R<i32> {
        Ok(self
            .c
            .int(&self.b.calendar_year, &self.key("calendar_year"))? as i32)
    }

    /// The titles a title share counts, by name.
    fn titles(&self) -> R<[bool; 4]> {
        let c = self.c;
        let v = c.req(&self.b.titles, &self.key("titles"), "a list of titles")?;
        let mut ts = Vec::new();
        for t in &v.value {
            match Title::parse(t) {
                Some(t) => ts.push(t),
                None => {
                    return Err(c.invalid(
                        v,
                        &self.key("titles"),
                        format!("titles are {}", Title::NAMES.join(", ")),
                    ));
                }
            }
        }
        Ok(title_mask(&ts))
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
