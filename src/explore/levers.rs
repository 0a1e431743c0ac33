//! The levers the page offers: every policy lever of the parameter catalogue that the base
//! scenario holds, with the scenario's value, plain words, unit, and a range and step for a
//! slider.
//!
//! The slider's range is a convenience, not a rule: a value typed into the field is judged by
//! the scenario loader, with the loader's words, like any `--set`.

use crate::scenario::Scenario;
use crate::scenario::catalogue::{self, Group, Kind};
use serde::Serialize;

/// One lever as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lever {
    /// The dotted key, as `--set` takes it.
    pub key: String,
    pub label: String,
    pub unit: &'static str,
    /// The heading it is listed under (the README's lever groups).
    pub group: &'static str,
    /// `number`, `flag` or `word`.
    pub control: &'static str,
    /// The scenario's value (a number, true/false, or a word).
    pub value: serde_json::Value,
    /// For a number: the slider's range and step, and what the loader allows, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<Range>,
    /// For a word: the words allowed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<&'static str>,
    pub allowed: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Range {
    pub min: f64,
    pub max: f64,
    pub step: f64,
    pub integer: bool,
}

/// The group's heading, in the README's words.
pub fn group_words(g: Group) -> &'static str {
    match g {
        Group::Salary => "Pay",
        Group::Titles => "Titles",
        Group::Recruitment => "Recruitment",
        Group::Contract => "RTME contract",
        Group::Retirement => "Retirement",
        Group::Village => "Village doctors",
        Group::Training => "Training and placement",
        Group::Pathways => "Pathways",
        _ => "Other",
    }
}

/// Every lever the scenario holds, in catalogue group order, then the file's order.
pub fn levers(s: &Scenario) -> Vec<Lever> {
    let table: toml::Table = toml::from_str(&s.resolved_toml).unwrap_or_default();
    let mut leaves = Vec::new();
    flatten(&table, &mut Vec::new(), &mut leaves);
    let words = |p: &str| s.pathway_words(p);
    let mut out: Vec<(Group, usize, Lever)> = Vec::new();
    for (i, (key, value)) in leaves.into_iter().enumerate() {
        if key.starts_with("policy_from") {
            continue;
        }
        let (Some(param), Some(d)) = (catalogue::lookup(&key), catalogue::describe(&key, &words))
        else {
            continue;
        };
        if !d.lever {
            continue;
        }
        let Some(lever) = lever(&key, &value, param.kind, d.label, d.unit, d.group) else {
            continue;
        };
        out.push((d.group, i, lever));
    }
    out.sort_by_key(|(g, i, _)| (*g, *i));
    out.into_iter().map(|(_, _, l)| l).collect()
}

fn lever(
    key: &str,
    value: &toml::Value,
    kind: Kind,
    label: String,
    unit: &'static str,
    group: Group,
) -> Option<Lever> {
    let base = Lever {
        key: key.to_string(),
        label,
        unit,
        group: group_words(group),
        control: "number",
        value: serde_json::Value::Null,
        range: None,
        words: Vec::new(),
        allowed: kind.allowed(),
    };
    match kind {
        Kind::Flag => Some(Lever {
            control: "flag",
            value: serde_json::Value::Bool(value.as_bool()?),
            ..base
        }),
        Kind::Word(words) => Some(Lever {
            control: "word",
            value: serde_json::Value::String(value.as_str()?.to_string()),
            words: words.to_vec(),
            ..base
        }),
        Kind::Dist { .. } => None,
        _ => {
            let v = value
                .as_float()
                .or_else(|| value.as_integer().map(|i| i as f64))?;
            Some(Lever {
                value: serde_json::json!(v),
                range: Some(range(kind, v)),
                ..base
            })
        }
    }
}

/// A slider's range around the scenario's value `v`: a share's whole range, a bounded real's
/// range when it is narrow, otherwise from the lower bound to about twice the value (and at
/// least a round figure above it), in about 100 round steps.
pub fn range(kind: Kind, v: f64) -> Range {
    let above = |floor: f64| nice_up((2.0 * v.abs()).max(floor));
    let (min, max, integer) = match kind {
        Kind::Share => (0.0, 1.0, false),
        Kind::Yuan => (0.0, above(10_000.0), false),
        Kind::Rate => (0.0, above(0.1), false),
        Kind::HazardRatio => (0.1, above(3.0), false),
        Kind::Real { min, max, .. } if max - min <= 100.0 => {
            (min, max.min(above(1.0)).max(min + 1.0), false)
        }
        Kind::Real { min, max, .. } => (min.max(v - v.abs()), max.min(v + v.abs().max(1.0)), false),
        Kind::Int { min, max, .. } => {
            let (lo, hi) = (min as f64, max as f64);
            (lo, hi.min(above(10.0)), true)
        }
        _ => (0.0, above(1.0), false),
    };
    let max = max.max(v).max(min);
    let min = min.min(v);
    let step = if integer {
        1.0
    } else {
        nice_down((max - min) / 100.0)
    };
    Range {
        min,
        max,
        step,
        integer,
    }
}

/// The smallest 1, 2 or 5 × 10ᵏ at least `x` (> 0).
fn nice_up(x: f64) -> f64 {
    let p = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|&c| c >= x * (1.0 - 1e-12))
        .unwrap_or(10.0 * p)
}

/// The largest 1, 2 or 5 × 10ᵏ at most `x` (> 0).
fn nice_down(x: f64) -> f64 {
    if !(x > 0.0 && x.is_finite()) {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * p)
        .find(|&c| c <= x * (1.0 + 1e-12))
        .unwrap_or(p)
}

/// Every leaf of `t` (arrays of tables left out: benchmarks, uncertainty entries) with its
/// dotted key, parts quoted where `--set` needs it.
fn flatten(t: &toml::Table, at: &mut Vec<String>, out: &mut Vec<(String, toml::Value)>) {
    for (k, v) in t {
        let part = if !k.is_empty()
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            k.clone()
        } else {
            format!("{k:?}")
        };
        at.push(part);
        match v {
            toml::Value::Table(inner) => flatten(inner, at, out),
            toml::Value::Array(a) if a.iter().any(|x| x.is_table()) => {}
            _ => out.push((at.join("."), v.clone())),
        }
        at.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_hold_the_value_and_step_roundly() {
        let r = range(Kind::Share, 0.1);
        assert_eq!((r.min, r.max, r.step), (0.0, 1.0, 0.01));
        let r = range(Kind::Yuan, 0.0);
        assert_eq!((r.min, r.max, r.step), (0.0, 10_000.0, 100.0));
        let r = range(Kind::Yuan, 30_000.0);
        assert_eq!((r.min, r.max), (0.0, 100_000.0));
        let ratio = Kind::Real {
            min: 0.0,
            max: 100.0,
            what: "applicants required per post",
        };
        let r = range(ratio, 3.0);
        assert_eq!((r.min, r.max, r.step), (0.0, 10.0, 0.1));
        let years = Kind::Int {
            min: 0,
            max: 40,
            what: "years",
        };
        let r = range(years, 6.0);
        assert_eq!((r.min, r.max, r.step, r.integer), (0.0, 20.0, 1.0, true));
    }
}
