//! Sensitivity indices from a design's outputs, with bootstrap intervals.
//!
//! **Morris** (1991), as revised by Campolongo, Cariboni & Saltelli (2007): each step of a
//! trajectory gives one elementary effect of the factor it moves, `EE = Δy / Δu`, with `u` the
//! factor's coordinate in the unit cube (so an effect is in the output's unit per whole prior
//! range, the scale SALib reports). `μ*` = mean |EE| ranks the factors (a large μ* matters);
//! `μ` = mean EE says the direction; `σ` = the standard deviation of the EE says whether the
//! effect depends on where the others are (interactions or a non-linear effect).
//!
//! **Sobol** first-order and total indices from Saltelli's design: with `V` the variance of
//! the outputs of A and B together, `S1ᵢ = mean(f(B) (f(A_B⁽ⁱ⁾) − f(A))) / V` (Saltelli et al.
//! 2010, table 2, (b)) and `STᵢ = mean((f(A) − f(A_B⁽ⁱ⁾))²) / (2V)` (Jansen 1999) — the
//! estimators SALib uses. `S1` is the share of the output's variance the factor explains alone,
//! `ST` alone and through its interactions; a factor with ST near 0 can be fixed anywhere in its
//! range without changing the answer.
//!
//! **Intervals**: percentile bootstrap, 95%, resampling whole trajectories (Morris) or whole
//! rows of the design (Sobol) with replacement — the unit that is independent — each resample
//! from its own stream of the bootstrap seed. They hold the sampling error of the design; each
//! output is itself a mean over replications, whose Monte Carlo error is in the spread of the
//! elementary effects (Morris) or of the rows (Sobol), and so in the intervals too.
//!
//! A trajectory or row with an undefined output (NaN: a metric a point did not measure) is
//! left out whole, and the count used is returned.

use super::design::{MorrisDesign, SaltelliDesign};
use crate::engine::rng;
use crate::stats::breakdown::quantile;
use rand::RngExt;

const BOOTSTRAP: u64 = 0x424f_4f54; // "BOOT"

/// An index with its 95% bootstrap interval (NaN bounds with fewer than two units).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

/// Morris measures per factor.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisIndices {
    pub mu: Vec<Estimate>,
    pub mu_star: Vec<Estimate>,
    pub sigma: Vec<Estimate>,
    /// Trajectories with every output defined.
    pub used: usize,
}

/// Sobol indices per factor.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolIndices {
    pub s1: Vec<Estimate>,
    pub st: Vec<Estimate>,
    /// Rows of the design with every output defined.
    pub used: usize,
    /// The output's variance over A and B.
    pub variance: f64,
}

/// The percentile bootstrap of `statistic` over `units` resampled with replacement:
/// `statistic(indices)` gives one value per factor; returns, per factor, the estimate on all
/// units and the 2.5% and 97.5% quantiles of `resamples` resampled estimates.
fn bootstrap(
    units: usize,
    factors: usize,
    resamples: u32,
    seed: u64,
    statistic: impl Fn(&[usize]) -> Vec<f64>,
) -> Vec<Estimate> {
    let all: Vec<usize> = (0..units).collect();
    let point = statistic(&all);
    if units < 2 || resamples == 0 {
        return point
            .into_iter()
            .map(|value| Estimate {
                value,
                low: f64::NAN,
                high: f64::NAN,
            })
            .collect();
    }
    let mut draws: Vec<Vec<f64>> = vec![Vec::with_capacity(resamples as usize); factors];
    for b in 0..resamples {
        let mut rng = rng::stream(rng::key(&[seed, BOOTSTRAP, b as u64]));
        let pick: Vec<usize> = (0..units).map(|_| rng.random_range(0..units)).collect();
        for (i, v) in statistic(&pick).into_iter().enumerate() {
            draws[i].push(v);
        }
    }
    point
        .into_iter()
        .zip(draws)
        .map(|(value, mut d)| {
            d.retain(|x| x.is_finite());
            d.sort_by(f64::total_cmp);
            Estimate {
                value,
                low: quantile(&d, 0.025),
                high: quantile(&d, 0.975),
            }
        })
        .collect()
}

/// Morris measures of outputs `y` (one per design point, in point order).
pub fn morris(design: &MorrisDesign, y: &[f64], resamples: u32, seed: u64) -> MorrisIndices {
    let k = design.k;
    assert_eq!(y.len(), design.points.len(), "one output per point");
    // effects[t][i]: the elementary effect of factor i in trajectory t.
    let mut effects: Vec<Vec<f64>> = Vec::new();
    for t in 0..design.trajectories {
        let base = t * (k + 1);
        let walk = &y[base..base + k + 1];
        if walk.iter().any(|v| !v.is_finite()) {
            continue;
        }
        let mut ee = vec![0.0; k];
        for (step, &i) in design.order[t].iter().enumerate() {
            let du = design.points[base + step + 1][i] - design.points[base + step][i];
            ee[i] = (walk[step + 1] - walk[step]) / du;
        }
        effects.push(ee);
    }
    let used = effects.len();
    let measure = |which: fn(&[f64]) -> f64| {
        let effects = &effects;
        move |pick: &[usize]| -> Vec<f64> {
            (0..k)
                .map(|i| {
                    let xs: Vec<f64> = pick.iter().map(|&t| effects[t][i]).collect();
                    which(&xs)
                })
                .collect()
        }
    };
    fn mean(xs: &[f64]) -> f64 {
        xs.iter().sum::<f64>() / xs.len() as f64
    }
    fn mean_abs(xs: &[f64]) -> f64 {
        xs.iter().map(|x| x.abs()).sum::<f64>() / xs.len() as f64
    }
    fn sd(xs: &[f64]) -> f64 {
        if xs.len() < 2 {
            return f64::NAN;
        }
        let m = mean(xs);
        (xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (xs.len() - 1) as f64).sqrt()
    }
    MorrisIndices {
        mu: bootstrap(used, k, resamples, seed, measure(mean)),
        mu_star: bootstrap(used, k, resamples, seed, measure(mean_abs)),
        sigma: bootstrap(used, k, resamples, seed, measure(sd)),
        used,
    }
}

/// Sobol first-order and total indices of outputs `y` (one per design point, in point order).
pub fn sobol(design: &SaltelliDesign, y: &[f64], resamples: u32, seed: u64) -> SobolIndices {
    let k = design.k;
    assert_eq!(y.len(), design.points.len(), "one output per point");
    let rows: Vec<&[f64]> = y
        .chunks(k + 2)
        .filter(|r| r.iter().all(|v| v.is_finite()))
        .collect();
    let used = rows.len();
    let variance_of = |pick: &[usize]| -> f64 {
        let n = 2 * pick.len();
        let m = pick.iter().map(|&j| rows[j][0] + rows[j][1]).sum::<f64>() / n as f64;
        pick.iter()
            .map(|&j| (rows[j][0] - m).powi(2) + (rows[j][1] - m).powi(2))
            .sum::<f64>()
            / n as f64
    };
    let first = |pick: &[usize]| -> Vec<f64> {
        let v = variance_of(pick);
        (0..k)
            .map(|i| {
                let s: f64 = pick
                    .iter()
                    .map(|&j| rows[j][1] * (rows[j][2 + i] - rows[j][0]))
                    .sum();
                s / pick.len() as f64 / v
            })
            .collect()
    };
    let total = |pick: &[usize]| -> Vec<f64> {
        let v = variance_of(pick);
        (0..k)
            .map(|i| {
                let s: f64 = pick
                    .iter()
                    .map(|&j| (rows[j][0] - rows[j][2 + i]).powi(2))
                    .sum();
                s / pick.len() as f64 / (2.0 * v)
            })
            .collect()
    };
    let all: Vec<usize> = (0..used).collect();
    SobolIndices {
        s1: bootstrap(used, k, resamples, seed, first),
        st: bootstrap(used, k, resamples, seed, total),
        used,
        variance: if used > 0 {
            variance_of(&all)
        } else {
            f64::NAN
        },
    }
}
