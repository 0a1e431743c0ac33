//! What is not known about a scenario's parameters, carried into its intervals.
//!
//! Most behavioural values of the baseline are assumptions, and a Monte Carlo interval says
//! nothing about them: with 100 replications a policy difference looks certain to a tenth of a
//! point even when the assumption under it could halve it. A scenario names its uncertain
//! parameters in `[[uncertainty.parameter]]` (a key, a distribution, its source); a run then
//! draws one **parameter set** per replication ([`ParameterSets::draw`]), or takes them from a
//! file (`--parameters posterior.csv`, [`ParameterSets::read`]), and replication `r` runs with
//! set `r`. The interval across replications then holds parameter uncertainty and simulation
//! noise together, and says so ([`ParameterSets::interval_words`]).
//!
//! A comparison gives every scenario the *same* sets — set `r` with replication `r`'s random
//! numbers — so that a difference keeps its pairing over parameters as well as over chance:
//! two identical scenarios differ by exactly zero in every replication.
//!
//! Layout: this file holds the distributions and the drawing; `sets` reads and writes the
//! sets as CSV.

mod sets;

use crate::engine::rng;
use crate::scenario::key::{key_parts, key_text};
use crate::scenario::{Location, Override, Scenario, ScenarioError};
use rand::{Rng, RngExt};
use rand_distr::{Distribution, Normal};
use rayon::prelude::*;
use std::path::Path;

pub use sets::SetsError;

/// Where an uncertain parameter's values may lie, and how likely each is.
#[derive(Debug, Clone, PartialEq)]
pub enum Prior {
    /// Every value in `[min, max]` equally likely.
    Uniform { min: f64, max: f64 },
    /// A normal distribution, truncated to `[min, max]` (drawn by rejection).
    Normal {
        mean: f64,
        sd: f64,
        min: f64,
        max: f64,
    },
    /// A triangle on `[min, max]` peaking at `mode`.
    Triangular { min: f64, mode: f64, max: f64 },
    /// Uniform within `±share` of the scenario's own value ("assumption: ±50%" is 0.5).
    Relative { share: f64 },
}

impl Prior {
    /// The value at quantile `u` ∈ [0, 1] (`value` is the scenario's own value, used by the
    /// relative prior). Sensitivity designs map points of the unit cube through it; the
    /// normal's is the truncated normal's quantile, `Φ⁻¹(Φ(a) + u (Φ(b) − Φ(a)))`.
    pub fn quantile(&self, u: f64, value: f64) -> f64 {
        match *self {
            Prior::Uniform { min, max } => min + u * (max - min),
            Prior::Relative { share } => value * (1.0 - share + 2.0 * share * u),
            Prior::Triangular { min, mode, max } => {
                let cut = (mode - min) / (max - min);
                if u < cut {
                    min + (u * (max - min) * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * (max - min) * (max - mode)).sqrt()
                }
            }
            Prior::Normal { mean, sd, min, max } => {
                let (a, b) = (normal_cdf((min - mean) / sd), normal_cdf((max - mean) / sd));
                let p = (a + u * (b - a)).clamp(1e-300, 1.0 - 1e-16);
                (mean + sd * normal_quantile(p)).clamp(min, max)
            }
        }
    }

    /// One draw from `rng`.
    fn draw(&self, rng: &mut impl Rng, value: f64) -> f64 {
        match *self {
            Prior::Normal { mean, sd, min, max } => {
                let normal = Normal::new(mean, sd).expect("sd validated above 0");
                // Validation keeps the mean inside [min, max], so at least about a sixth
                // of the draws land inside at any sd: rejection ends quickly.
                loop {
                    let x = normal.sample(rng);
                    if (min..=max).contains(&x) {
                        return x;
                    }
                }
            }
            _ => self.quantile(rng.random::<f64>(), value),
        }
    }

    /// The prior in words: "uniform 0.5 to 1.5", "±50% of the scenario's value".
    pub fn words(&self) -> String {
        match *self {
            Prior::Uniform { min, max } => format!("uniform {min} to {max}"),
            Prior::Normal { mean, sd, min, max } => {
                format!("normal, mean {mean}, sd {sd}, within {min} to {max}")
            }
            Prior::Triangular { min, mode, max } => {
                format!("triangular {min} to {max}, most likely {mode}")
            }
            Prior::Relative { share } => {
                format!("uniform within ±{}% of the scenario's value", share * 100.0)
            }
        }
    }
}

/// One `[[uncertainty.parameter]]`: the keys that take one drawn value, its prior and source.
#[derive(Debug, Clone, PartialEq)]
pub struct UncertainParameter {
    pub keys: Vec<String>,
    pub prior: Prior,
    /// Where the distribution comes from ("assumption: ±50%", a study).
    pub source: String,
    /// Where it is declared.
    pub at: Location,
}

impl UncertainParameter {
    /// The column name of the parameter in a sets file: its first key.
    pub fn name(&self) -> String {
        key_parts(&self.keys[0]).map_or_else(|_| self.keys[0].clone(), |p| key_text(&p))
    }
}

/// The parameter sets of a run: one row of values per set, one column per parameter (each
/// column setting every key in its `keys`), and where they came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterSets {
    /// Per column, the dotted keys it sets.
    pub keys: Vec<Vec<String>>,
    /// One row per set, a value per column.
    pub rows: Vec<Vec<f64>>,
    /// The calibration objective of each set, when the sets come from `calibrate`.
    pub objective: Option<Vec<f64>>,
    /// What the sets are, for interval captions: "drawn from the scenario's
    /// `[[uncertainty.parameter]]` priors", "read from posterior.csv".
    pub origin: String,
}

/// The stream tag of parameter draws, apart from every engine draw.
const PARAMETER_DRAWS: u64 = 0x7061_7261_6d65_7465;

impl ParameterSets {
    /// `n` sets drawn from `parameters`' priors; set `r` depends only on `seed` and `r`, so
    /// the first `n` sets of a longer draw are these, and a comparison's scenarios, sharing
    /// the seed, share them. `value_of` gives the scenario's own value of a key (for
    /// relative priors).
    pub fn draw(
        parameters: &[UncertainParameter],
        n: u32,
        seed: u64,
        value_of: impl Fn(&str) -> Option<f64>,
    ) -> Result<ParameterSets, SetsError> {
        let mut values = Vec::with_capacity(parameters.len());
        for p in parameters {
            let value = match p.prior {
                Prior::Relative { .. } => {
                    value_of(&p.keys[0]).ok_or_else(|| SetsError::NoValue {
                        key: p.keys[0].clone(),
                        at: p.at.clone(),
                    })?
                }
                _ => f64::NAN,
            };
            values.push(value);
        }
        let rows = (0..n)
            .map(|r| {
                let mut rng = rng::stream(rng::key(&[seed, PARAMETER_DRAWS, r as u64]));
                parameters
                    .iter()
                    .zip(&values)
                    .map(|(p, &v)| p.prior.draw(&mut rng, v))
                    .collect()
            })
            .collect();
        Ok(ParameterSets {
            keys: parameters.iter().map(|p| p.keys.clone()).collect(),
            rows,
            objective: None,
            origin: "drawn from the scenario's [[uncertainty.parameter]] priors".into(),
        })
    }

    /// The set replication `rep` runs with: set `rep`, or, with fewer sets than replications,
    /// set `rep mod n` (said in [`ParameterSets::interval_words`]).
    pub fn for_replication(&self, rep: u32) -> &[f64] {
        &self.rows[rep as usize % self.rows.len()]
    }

    /// The `--set` overrides of set `rep`: every key of every column, with its value.
    pub fn overrides(&self, rep: u32) -> Vec<String> {
        self.keys
            .iter()
            .zip(self.for_replication(rep))
            .flat_map(|(keys, v)| keys.iter().map(move |k| format!("{k}={}", toml_number(*v))))
            .collect()
    }

    /// What an interval over replications run with these sets includes.
    pub fn interval_words(&self, replications: u32) -> String {
        let n = self.rows.len();
        let reuse = if (n as u32) < replications {
            format!(", reused in turn ({replications} replications over {n} sets)")
        } else {
            String::new()
        };
        format!(
            "over parameter uncertainty and simulation noise: each replication runs with its own parameter set ({} parameters, {}{reuse})",
            self.keys.len(),
            self.origin
        )
    }
}

impl ParameterSets {
    /// `n` sets drawn from scenario `s`'s `[[uncertainty.parameter]]` priors at `s`'s seed;
    /// `None` when it declares none.
    pub fn from_scenario(s: &Scenario, n: u32) -> Result<Option<ParameterSets>, SetsError> {
        if s.uncertainty.is_empty() {
            return Ok(None);
        }
        let table: toml::Table = toml::from_str(&s.resolved_toml).unwrap_or_default();
        let value_of = |key: &str| {
            let v = lookup(&table, key)?;
            v.as_float().or_else(|| v.as_integer().map(|i| i as f64))
        };
        ParameterSets::draw(&s.uncertainty, n, s.simulation.seed, value_of).map(Some)
    }

    /// The first key these sets vary that scenario `s` sets differently from `reference`,
    /// in words: the sets would overwrite `s`'s own choice (a lever set by the scenario), so
    /// the comparison would no longer compare it. `None` when the sets and the scenarios'
    /// differences do not meet.
    pub fn overwritten_choice(&self, s: &Scenario, reference: &Scenario) -> Option<String> {
        let mine: toml::Table = toml::from_str(&s.resolved_toml).unwrap_or_default();
        let theirs: toml::Table = toml::from_str(&reference.resolved_toml).unwrap_or_default();
        self.keys.iter().flatten().find_map(|k| {
            let (a, b) = (lookup(&mine, k), lookup(&theirs, k));
            (a != b).then(|| {
                let shown = |v: Option<&toml::Value>| v.map_or("nothing".into(), |v| v.to_string());
                format!(
                    "`{}` sets {k} = {} where the reference `{}` has {}: the parameter sets vary {k}, and would overwrite the scenario's own value (allowed: vary only values the compared scenarios share; leave {k} out of the sets)",
                    s.name,
                    shown(a),
                    reference.name,
                    shown(b)
                )
            })
        })
    }

    /// One scenario per replication: the file at `path` with `overrides`, then replication
    /// `r`'s set, each value shown as coming from "parameter set r" in any error. Loaded in
    /// parallel; the order is the replications'.
    pub fn scenarios(
        &self,
        path: &Path,
        overrides: &[Override],
        replications: u32,
    ) -> Result<Vec<Scenario>, ScenarioError> {
        (0..replications)
            .into_par_iter()
            .map(|rep| {
                let set = rep as usize % self.rows.len();
                let mut with = overrides.to_vec();
                for (keys, v) in self.keys.iter().zip(&self.rows[set]) {
                    for k in keys {
                        with.push(Override::shown_as(
                            format!("parameter set {set} ({}): {k} = {v}", self.origin),
                            k,
                            toml_number(*v),
                        ));
                    }
                }
                Scenario::load_with(path, &with)
            })
            .collect()
    }
}

/// The standard normal distribution function Φ, from the complementary error function
/// (W. J. Cody's rational approximations as in Numerical Recipes' `erfcc`: relative error
/// under 1.2 × 10⁻⁷, ample for mapping a design point to a parameter value).
pub fn normal_cdf(x: f64) -> f64 {
    let z = x.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let erfc = t * poly.exp();
    if x >= 0.0 {
        1.0 - 0.5 * erfc
    } else {
        0.5 * erfc
    }
}

/// The standard normal quantile Φ⁻¹(p) for p in (0, 1): Acklam's rational approximation
/// (relative error under 1.2 × 10⁻⁹).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// The value at dotted `key` in a resolved scenario table.
fn lookup<'t>(table: &'t toml::Table, key: &str) -> Option<&'t toml::Value> {
    let parts = key_parts(key).ok()?;
    let mut v = table.get(&parts[0])?;
    for part in &parts[1..] {
        v = v.as_table()?.get(part)?;
    }
    Some(v)
}

/// A number as TOML reads it back exactly: Rust's shortest round-trip form, with a decimal
/// point so that a whole value stays a float.
fn toml_number(v: f64) -> String {
    let s = format!("{v}");
    if s.contains(['.', 'e', 'E', 'i', 'N']) {
        s
    } else {
        format!("{s}.0")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parameter(prior: Prior) -> UncertainParameter {
        UncertainParameter {
            keys: vec!["behaviour.x".into()],
            prior,
            source: "test".into(),
            at: Location::file(std::path::Path::new("t.toml")),
        }
    }

    #[test]
    fn draws_stay_within_their_priors_and_fill_them() {
        let ps = [
            parameter(Prior::Uniform { min: 2.0, max: 3.0 }),
            parameter(Prior::Triangular {
                min: 0.0,
                mode: 0.2,
                max: 1.0,
            }),
            parameter(Prior::Normal {
                mean: 1.0,
                sd: 5.0,
                min: 0.0,
                max: 2.0,
            }),
            parameter(Prior::Relative { share: 0.5 }),
        ];
        let sets = ParameterSets::draw(&ps, 4000, 7, |_| Some(10.0)).unwrap();
        let column = |j: usize| sets.rows.iter().map(|r| r[j]).collect::<Vec<_>>();
        let mean = |xs: &[f64]| xs.iter().sum::<f64>() / xs.len() as f64;
        let bounds = [(2.0, 3.0), (0.0, 1.0), (0.0, 2.0), (5.0, 15.0)];
        for (j, (lo, hi)) in bounds.into_iter().enumerate() {
            let xs = column(j);
            assert!(xs.iter().all(|x| (lo..=hi).contains(x)), "column {j}");
            let (min, max) = xs
                .iter()
                .fold((f64::MAX, f64::MIN), |a, &x| (a.0.min(x), a.1.max(x)));
            assert!(
                min < lo + 0.05 * (hi - lo) && max > hi - 0.05 * (hi - lo),
                "column {j} fills its range"
            );
        }
        // Means: uniform 2.5; triangle (0 + 0.2 + 1) / 3 = 0.4; relative 10.
        assert!((mean(&column(0)) - 2.5).abs() < 0.02);
        assert!((mean(&column(1)) - 0.4).abs() < 0.02);
        assert!((mean(&column(3)) - 10.0).abs() < 0.15);
    }

    #[test]
    fn the_normal_quantile_inverts_the_distribution_function_at_known_points() {
        // Φ(1.959964) = 0.975, Φ(0) = 0.5, Φ(−1) = 0.158655.
        assert!((normal_cdf(1.959_964) - 0.975).abs() < 1e-6);
        assert!((normal_cdf(-1.0) - 0.158_655_25).abs() < 1e-6);
        assert!((normal_quantile(0.975) - 1.959_964).abs() < 1e-5);
        for p in [1e-6, 0.01, 0.3, 0.5, 0.8, 0.999] {
            assert!(
                ((normal_cdf(normal_quantile(p)) - p) / p).abs() < 1e-5,
                "{p}"
            );
        }
        // Truncated to [0, 2] around mean 1: the median is the mean, the ends the bounds.
        let n = Prior::Normal {
            mean: 1.0,
            sd: 0.5,
            min: 0.0,
            max: 2.0,
        };
        assert!((n.quantile(0.5, 0.0) - 1.0).abs() < 1e-6);
        assert!((n.quantile(0.0, 0.0) - 0.0).abs() < 1e-6);
        assert!((n.quantile(1.0, 0.0) - 2.0).abs() < 1e-6);
    }

    #[test]
    fn set_r_depends_on_the_seed_and_r_alone() {
        let ps = [parameter(Prior::Uniform { min: 0.0, max: 1.0 })];
        let short = ParameterSets::draw(&ps, 5, 11, |_| None).unwrap();
        let long = ParameterSets::draw(&ps, 50, 11, |_| None).unwrap();
        assert_eq!(short.rows[..], long.rows[..5]);
        let other = ParameterSets::draw(&ps, 5, 12, |_| None).unwrap();
        assert_ne!(short.rows, other.rows);
    }

    #[test]
    fn a_relative_prior_needs_the_scenario_value() {
        let ps = [parameter(Prior::Relative { share: 0.5 })];
        let e = ParameterSets::draw(&ps, 5, 1, |_| None).unwrap_err();
        assert!(e.to_string().contains("behaviour.x"), "{e}");
    }

    #[test]
    fn overrides_write_numbers_toml_reads_back_as_the_same_float() {
        let sets = ParameterSets {
            keys: vec![vec!["a.b".into(), "a.c".into()], vec!["d".into()]],
            rows: vec![vec![3.0, 0.1 + 0.2]],
            objective: None,
            origin: "test".into(),
        };
        let o = sets.overrides(4);
        assert_eq!(o, ["a.b=3.0", "a.c=3.0", "d=0.30000000000000004"]);
        let back: f64 = o[2].split('=').nth(1).unwrap().parse().unwrap();
        assert_eq!(back, 0.1 + 0.2);
    }
}
