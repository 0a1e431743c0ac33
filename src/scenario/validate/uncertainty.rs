//! `[[uncertainty.parameter]]`: the scenario's uncertain parameters and their priors
//! (`crate::uncertainty`). Whether each key exists and takes the drawn values is checked when
//! a run loads the scenario with them, with the loader's own words.

use super::check::{Check, R};
use crate::scenario::error::ScenarioError;
use crate::scenario::key::key_parts;
use crate::scenario::raw::*;
use crate::uncertainty::{Prior, UncertainParameter};

const FAMILIES: [&str; 4] = ["uniform", "normal", "triangular", "relative"];

pub(super) fn validate_uncertainty(c: &Check, raw: &RawScenario) -> R<Vec<UncertainParameter>> {
    let Some(u) = &raw.uncertainty else {
        return Ok(Vec::new());
    };
    let mut out: Vec<UncertainParameter> = Vec::new();
    for (i, p) in u.parameter.clone().unwrap_or_default().iter().enumerate() {
        let key = |k: &str| format!("uncertainty.parameter[{i}].{k}");
        let (keys, at) = match (&p.key, &p.keys) {
            (Some(k), None) => (vec![k.value.clone()], c.at(k)),
            (None, Some(ks)) if !ks.value.is_empty() => (ks.value.clone(), c.at(ks)),
            (Some(k), Some(_)) => {
                return Err(c.invalid(k, &key("key"), "give `key` or `keys`, not both"));
            }
            _ => {
                return Err(ScenarioError::Missing {
                    file: c.leaf.to_path_buf(),
                    key: key("key"),
                    allowed: "the dotted key of the uncertain parameter (or `keys = [...]` for several sharing one value)".into(),
                });
            }
        };
        for k in &keys {
            let why = match key_parts(k) {
                Err(why) => Some(format!(
                    "{why}; a dotted scenario key, a part holding `.` or other signs quoted"
                )),
                // The run's shape (years, replications, seed) and its region cannot vary by
                // replication: every replication must fill the same tables.
                Ok(parts) if parts[0] == "simulation" || parts[0] == "region" => Some(
                    "a behavioural, economic, policy or pathway value; `simulation.*` and `region.*` shape the run and cannot vary by replication".into(),
                ),
                Ok(_) if out.iter().any(|o| o.keys.contains(k)) => {
                    Some("a key no other uncertain parameter names".into())
                }
                Ok(_) => None,
            };
            if let Some(allowed) = why {
                return Err(match (&p.key, &p.keys) {
                    (Some(v), _) => c.invalid(v, &key("key"), allowed),
                    (_, Some(v)) => c.invalid(v, &key("keys"), allowed),
                    _ => unreachable!("a key is set"),
                });
            }
        }
        let source = c.req(
            &p.source,
            &key("source"),
            "where the distribution comes from, e.g. \"assumption: ±50%\" or a study",
        )?;
        if source.value.trim().is_empty() {
            return Err(c.invalid(source, &key("source"), "a non-empty source"));
        }
        let family = match (&p.dist, &p.relative) {
            (Some(d), _) => c.word(d, &key("dist"), &FAMILIES)?,
            (None, Some(_)) => "relative",
            (None, None) => {
                return Err(ScenarioError::Missing {
                    file: c.leaf.to_path_buf(),
                    key: key("dist"),
                    allowed: format!(
                        "one of {} (`relative = 0.5` alone means ±50% of the scenario's value)",
                        FAMILIES.join(", ")
                    ),
                });
            }
        };
        // Only the keys the family takes: a stray `sd` on a uniform prior is a mistake.
        let takes: &[&str] = match family {
            "uniform" => &["min", "max"],
            "normal" => &["mean", "sd", "min", "max"],
            "triangular" => &["min", "mode", "max"],
            _ => &["relative"],
        };
        for (name, set) in [
            ("min", p.min.as_ref().map(|v| c.at(v))),
            ("max", p.max.as_ref().map(|v| c.at(v))),
            ("mean", p.mean.as_ref().map(|v| c.at(v))),
            ("sd", p.sd.as_ref().map(|v| c.at(v))),
            ("mode", p.mode.as_ref().map(|v| c.at(v))),
            ("relative", p.relative.as_ref().map(|v| c.at(v))),
        ] {
            if let Some(at) = set
                && !takes.contains(&name)
            {
                return Err(ScenarioError::Invalid {
                    at,
                    key: key(name),
                    value: name.into(),
                    allowed: format!("a {family} prior takes {}", takes.join(", ")),
                });
            }
        }
        let real = |name: &str, v: &Option<crate::scenario::layer::V<f64>>| c.real(v, &key(name));
        let ordered = |lo: f64, hi: f64, what: &str| -> R<()> {
            if lo < hi {
                Ok(())
            } else {
                let max = p.max.as_ref().expect("read above");
                Err(c.invalid(max, &key("max"), format!("above `min` ({lo}){what}")))
            }
        };
        let prior = match family {
            "uniform" => {
                let (min, max) = (real("min", &p.min)?, real("max", &p.max)?);
                ordered(min, max, "")?;
                Prior::Uniform { min, max }
            }
            "normal" => {
                let (mean, sd) = (real("mean", &p.mean)?, real("sd", &p.sd)?);
                let (min, max) = (real("min", &p.min)?, real("max", &p.max)?);
                ordered(min, max, "")?;
                if !(min..=max).contains(&mean) {
                    let v = p.mean.as_ref().expect("read above");
                    return Err(c.invalid(
                        v,
                        &key("mean"),
                        format!("a mean within `min` to `max` ({min} to {max})"),
                    ));
                }
                Prior::Normal { mean, sd, min, max }
            }
            "triangular" => {
                let (min, mode, max) = (
                    real("min", &p.min)?,
                    real("mode", &p.mode)?,
                    real("max", &p.max)?,
                );
                ordered(min, max, "")?;
                if !(min..=max).contains(&mode) {
                    let v = p.mode.as_ref().expect("read above");
                    return Err(c.invalid(
                        v,
                        &key("mode"),
                        format!("a mode within `min` to `max` ({min} to {max})"),
                    ));
                }
                Prior::Triangular { min, mode, max }
            }
            _ => Prior::Relative {
                share: real("relative", &p.relative)?,
            },
        };
        out.push(UncertainParameter {
            keys,
            prior,
            source: source.value.trim().to_string(),
            at,
        });
    }
    Ok(out)
}
