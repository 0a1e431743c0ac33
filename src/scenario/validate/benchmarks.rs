//! Published targets (`[[benchmark]]`) and the parameters calibration may fit.

use super::check::{Check, R};
use crate::benchmark::{Benchmark, Bound, Metric, title_mask};
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
    for (i, b) in raw.benchmark.as_ref().unwrap_or(&empty).iter().enumerate() {
        let key = |k: &str| format!("benchmark[{i}].{k}");
        let name = c.req(&b.name, &key("name"), "a short name")?.value.clone();
        let metric_v = c.req(&b.metric, &key("metric"), &Metric::NAMES.join(", "))?;
        let metric_name = c.word(metric_v, &key("metric"), &Metric::NAMES)?;
        let names: Vec<&str> = pathways.iter().map(|p| p.name.as_str()).collect();
        let pathway = || -> R<PathwayId> {
            let v = c.req(&b.pathway, &key("pathway"), &names.join(", "))?;
            let n = c.word(v, &key("pathway"), &names)?;
            Ok(PathwayId(
                names.iter().position(|x| *x == n).expect("found") as u8,
            ))
        };
        let year = |v: &Option<V<f64>>, k: &str| -> R<u32> {
            let y = c.real(v, &key(k))?;
            if y.fract() != 0.0 {
                return Err(c.invalid(
                    v.as_ref().expect("checked"),
                    &key(k),
                    "whole years since entering service",
                ));
            }
            Ok(y as u32)
        };
        let titles = || -> R<[bool; 4]> {
            let v = c.req(&b.titles, &key("titles"), "a list of titles")?;
            let mut ts = Vec::new();
            for t in &v.value {
                match Title::parse(t) {
                    Some(t) => ts.push(t),
                    None => {
                        return Err(c.invalid(
                            v,
                            &key("titles"),
                            format!("titles are {}", Title::NAMES.join(", ")),
                        ));
                    }
                }
            }
            Ok(title_mask(&ts))
        };
        let metric = match metric_name {
            "retention" => Metric::Retention {
                pathway: pathway()?,
                year: year(&b.year, "year")?,
            },
            "conditional_retention" => {
                let (from_year, year) = (year(&b.from_year, "from_year")?, year(&b.year, "year")?);
                if from_year >= year {
                    let (y, fy) = (b.year.as_ref(), b.from_year.as_ref());
                    return Err(c.constraint(
                        y.expect("checked"),
                        &[
                            (key("from_year"), fy.map(|v| c.written(v))),
                            (key("year"), y.map(|v| c.written(v))),
                        ],
                        "`year` must be after `from_year`",
                        "a conditional retention counts from `from_year` to a later `year`",
                    ));
                }
                Metric::ConditionalRetention {
                    pathway: pathway()?,
                    from_year,
                    year,
                }
            }
            "title_share" => Metric::TitleShare {
                pathway: pathway()?,
                year: year(&b.year, "year")?,
                titles: titles()?,
            },
            "centre_title_share" => Metric::CentreTitleShare {
                calendar_year: c.int(&b.calendar_year, &key("calendar_year"))? as i32,
                titles: titles()?,
            },
            "exit_share" => {
                let v = c.req(
                    &b.destination,
                    &key("destination"),
                    &Destination::NAMES.join(", "),
                )?;
                let d = c.word(v, &key("destination"), &Destination::NAMES)?;
                Metric::ExitShare {
                    pathway: pathway()?,
                    destination: Destination::parse(d).expect("checked"),
                }
            }
            "annual_outflow" => Metric::AnnualOutflow,
            "age_mean" | "age_share" => {
                let calendar_year = c.int(&b.calendar_year, &key("calendar_year"))? as i32;
                if metric_name == "age_mean" {
                    Metric::AgeMean {
                        pathway: pathway()?,
                        calendar_year,
                    }
                } else {
                    let min_age = c.real(&b.min_age, &key("min_age"))?;
                    if min_age.fract() != 0.0 {
                        return Err(c.invalid(
                            b.min_age.as_ref().expect("checked"),
                            &key("min_age"),
                            "whole years of age",
                        ));
                    }
                    Metric::AgeShare {
                        pathway: pathway()?,
                        calendar_year,
                        min_age: min_age as u32,
                    }
                }
            }
            _ => Metric::ReportRate {
                pathway: pathway()?,
            },
        };
        let is_share = metric.is_share();
        if let (Some(v), false) = (&b.n, is_share) {
            return Err(c.invalid(
                v,
                &key("n"),
                format!("`n` is only used by metrics that are shares, not by {metric_name}"),
            ));
        }
        let n = match &b.n {
            Some(_) => Some(c.int(&b.n, &key("n"))? as u32),
            None => None,
        };
        let bound = match &b.bound {
            None => Bound::Equal,
            Some(v) => match c.word(v, &key("bound"), &Bound::NAMES)? {
                "at_least" => Bound::AtLeast,
                "at_most" => Bound::AtMost,
                _ => Bound::Equal,
            },
        };
        out.push(Benchmark {
            name,
            metric,
            bound,
            value: if is_share {
                c.share(&b.value, &key("value"))?.get()
            } else {
                c.real(&b.value, &key("value"))?
            },
            n,
            source: c
                .req(
                    &b.source,
                    &key("source"),
                    "the publication the figure comes from",
                )?
                .value
                .clone(),
        });
    }
    Ok(out)
}
