//! The posterior after a fit: a Gaussian (Laplace) approximation around it, N(θ̂, (GᵀG)⁻¹)
//! truncated to the free parameters' bounds, drawn as parameter sets and each evaluated once
//! (`posterior.csv`; the method and its limits are in the module documentation above).

use super::*;
use crate::engine::rng;
use crate::uncertainty::ParameterSets;
use rand::{Rng, RngExt};

/// The stream tag of posterior draws, apart from every engine and prior draw ("posterio").
const POSTERIOR_DRAWS: u64 = 0x706f_7374_6572_696f;

/// Draws of one set that may fall outside the box before the approximation is given up as
/// putting (almost) no probability inside it.
const MAX_ATTEMPTS: usize = 100_000;

/// A multivariate normal truncated to a box, drawn by rejection.
#[derive(Debug, Clone, PartialEq)]
pub struct TruncatedNormal {
    mean: Vec<f64>,
    /// Lower-triangular Cholesky factor of the covariance.
    chol: Vec<Vec<f64>>,
    lo: Vec<f64>,
    hi: Vec<f64>,
}

impl TruncatedNormal {
    /// N(`mean`, `cov`) truncated to [`lo`, `hi`]; None when `cov` is not (numerically)
    /// positive definite.
    pub fn new(mean: &[f64], cov: &[Vec<f64>], lo: &[f64], hi: &[f64]) -> Option<TruncatedNormal> {
        Some(TruncatedNormal {
            mean: mean.to_vec(),
            chol: cholesky(cov)?,
            lo: lo.to_vec(),
            hi: hi.to_vec(),
        })
    }

    /// One draw inside the box: mean + L·z with z standard normal, rejected until inside.
    /// None after 100,000 draws outside (`MAX_ATTEMPTS`).
    pub fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> Option<Vec<f64>> {
        let n = self.mean.len();
        let mut z = vec![0.0; n];
        for _ in 0..MAX_ATTEMPTS {
            for x in z.iter_mut() {
                *x = rng.sample(rand_distr::StandardNormal);
            }
            let x: Vec<f64> = (0..n)
                .map(|i| self.mean[i] + (0..=i).map(|j| self.chol[i][j] * z[j]).sum::<f64>())
                .collect();
            if x.iter()
                .zip(self.lo.iter().zip(&self.hi))
                .all(|(x, (lo, hi))| (*lo..=*hi).contains(x))
            {
                return Some(x);
            }
        }
        None
    }
}

/// Cholesky factor L (lower triangular, L·Lᵀ = `a`) of a symmetric matrix; None unless it is
/// positive definite.
fn cholesky(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = a[i][i] - s;
                if !(d > 0.0 && d.is_finite()) {
                    return None;
                }
                l[i][i] = d.sqrt();
            } else {
                l[i][j] = (a[i][j] - s) / l[j][j];
            }
        }
    }
    Some(l)
}

/// Parameter sets drawn from the approximate posterior, with the objective at each.
#[derive(Debug, Clone)]
pub struct Posterior {
    /// One column per free parameter (all its keys), one row per set, the objective of each.
    pub sets: ParameterSets,
    /// Per free parameter, how it was drawn: "Gaussian", or why it was drawn uniformly.
    pub drawn: Vec<String>,
}

impl Posterior {
    /// The central `share` (e.g. 0.95) of each parameter's values over the sets.
    pub fn central_range(&self, share: f64) -> Vec<(f64, f64)> {
        let q = (1.0 - share) / 2.0;
        (0..self.sets.keys.len())
            .map(|j| {
                let mut xs: Vec<f64> = self.sets.rows.iter().map(|r| r[j]).collect();
                xs.sort_by(f64::total_cmp);
                (
                    crate::stats::breakdown::quantile(&xs, q),
                    crate::stats::breakdown::quantile(&xs, 1.0 - q),
                )
            })
            .collect()
    }
}

impl Fit {
    /// The values of `n` sets from the approximate posterior, without evaluating them: set
    /// `r` depends only on the fit's seed and `r`. The identified parameters (those the
    /// information matrix covers) are drawn jointly from N(θ̂, Σ) truncated to their bounds;
    /// the others uniformly over their bounds (their likelihood is flat to first order).
    pub fn posterior_values(
        &self,
        n: u32,
    ) -> Result<(Vec<Vec<f64>>, Vec<String>), CalibrationError> {
        let info = &self.information;
        let np = self.params.len();
        let gaussian = if info.active.is_empty() {
            None
        } else {
            let names = || {
                info.active
                    .iter()
                    .map(|&k| self.params[k].name())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let cov = info.covariance.as_ref().ok_or_else(|| CalibrationError::NoPosterior {
                why: format!(
                    "the information matrix of {} is singular: the targets cannot separate these parameters, so the Gaussian approximation has no covariance (fix one of them, or add a target that separates them)",
                    names()
                ),
            })?;
            let pick = |v: &[f64]| info.active.iter().map(|&k| v[k]).collect::<Vec<_>>();
            let lo: Vec<f64> = self.params.iter().map(|p| p.min).collect();
            let hi: Vec<f64> = self.params.iter().map(|p| p.max).collect();
            let tn = TruncatedNormal::new(&pick(&self.best.theta), cov, &pick(&lo), &pick(&hi))
                .ok_or_else(|| CalibrationError::NoPosterior {
                    why: format!(
                        "the covariance of {} is not positive definite (numerically singular information matrix)",
                        names()
                    ),
                })?;
            Some(tn)
        };
        let mut rows = Vec::with_capacity(n as usize);
        for r in 0..n {
            let mut rng = rng::stream(rng::key(&[self.seed, POSTERIOR_DRAWS, r as u64]));
            let mut row = vec![f64::NAN; np];
            if let Some(tn) = &gaussian {
                let x = tn.draw(&mut rng).ok_or_else(|| CalibrationError::NoPosterior {
                    why: format!(
                        "the Gaussian approximation around the fit puts almost no probability inside the bounds (not one of {MAX_ATTEMPTS} draws for set {r} landed inside)"
                    ),
                })?;
                for (&k, v) in info.active.iter().zip(x) {
                    row[k] = v;
                }
            }
            for (k, p) in self.params.iter().enumerate() {
                if !info.active.contains(&k) {
                    row[k] = p.min + rng.random::<f64>() * (p.max - p.min);
                }
            }
            rows.push(row);
        }
        let drawn = (0..np)
            .map(|k| {
                if info.active.contains(&k) {
                    "Gaussian".to_string()
                } else {
                    "not identified: uniform over its bounds".to_string()
                }
            })
            .collect();
        Ok((rows, drawn))
    }

    /// `n` sets from the approximate posterior (see [`Fit::posterior_values`]), each
    /// evaluated once at the fit's seed and replications with the fit's target precisions.
    /// `progress` is told of every evaluation; once `cancel` is tripped this returns
    /// `CalibrationError::Cancelled`.
    pub fn posterior(
        &self,
        n: u32,
        progress: &dyn Fn(usize, &Evaluation),
        cancel: &Cancel,
    ) -> Result<Posterior, CalibrationError> {
        let (rows, drawn) = self.posterior_values(n)?;
        let mut ev = Evaluator {
            path: &self.path,
            common: self.common.clone(),
            params: &self.params,
            cache: HashMap::new(),
            sigma: Some(self.sigma.clone()),
            trace: Vec::new(),
            progress,
            cancel,
        };
        let objective = rows
            .iter()
            .map(|row| ev.evaluate(row).map(|e| e.objective))
            .collect::<Result<Vec<f64>, _>>()?;
        let uniform: Vec<&str> = self
            .params
            .iter()
            .zip(&drawn)
            .filter(|(_, d)| *d != "Gaussian")
            .map(|(p, _)| p.name())
            .collect();
        let origin = format!(
            "Gaussian approximation around the calibrated fit (N(fit, (GᵀG)⁻¹) truncated to the bounds, {n} sets, seed {}{})",
            self.seed,
            if uniform.is_empty() {
                String::new()
            } else {
                format!(
                    "; not identified, uniform over its bounds: {}",
                    uniform.join(", ")
                )
            }
        );
        Ok(Posterior {
            sets: ParameterSets {
                keys: self.params.iter().map(|p| p.keys.clone()).collect(),
                rows,
                objective: Some(objective),
                origin,
            },
            drawn,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_truncated_two_dimensional_normal_has_the_mean_and_covariance_it_was_given() {
        // A box wide enough (±6 sd) that truncation moves nothing measurable.
        let mean = [1.0, -2.0];
        let cov = vec![vec![0.25, -0.15], vec![-0.15, 0.16]];
        let (lo, hi) = ([-2.0, -4.4], [4.0, 0.4]);
        let tn = TruncatedNormal::new(&mean, &cov, &lo, &hi).unwrap();
        let n: u64 = 20_000;
        let xs: Vec<Vec<f64>> = (0..n)
            .map(|r| tn.draw(&mut rng::stream(rng::key(&[7, r]))).unwrap())
            .collect();
        assert!(
            xs.iter()
                .all(|x| (0..2).all(|i| (lo[i]..=hi[i]).contains(&x[i])))
        );
        let m: Vec<f64> = (0..2)
            .map(|i| xs.iter().map(|x| x[i]).sum::<f64>() / n as f64)
            .collect();
        for i in 0..2 {
            // The standard error of the mean is at most 0.5 / √20000 ≈ 0.0035.
            assert!((m[i] - mean[i]).abs() < 0.015, "mean {m:?}");
            for j in 0..2 {
                let c = xs
                    .iter()
                    .map(|x| (x[i] - m[i]) * (x[j] - m[j]))
                    .sum::<f64>()
                    / (n - 1) as f64;
                assert!((c - cov[i][j]).abs() < 0.015, "cov[{i}][{j}] = {c}");
            }
        }
    }

    #[test]
    fn a_tight_box_keeps_every_draw_inside_it() {
        // The box cuts the distribution at its mean on one side: half the draws are rejected.
        let tn = TruncatedNormal::new(&[0.0], &[vec![1.0]], &[0.0], &[0.5]).unwrap();
        let mut rng = rng::stream(3);
        let xs: Vec<f64> = (0..2000).map(|_| tn.draw(&mut rng).unwrap()[0]).collect();
        assert!(xs.iter().all(|x| (0.0..=0.5).contains(x)));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        // Mean of N(0, 1) truncated to [0, 0.5]: (φ(0) − φ(0.5)) / (Φ(0.5) − Φ(0)) ≈ 0.2446.
        assert!((mean - 0.2446).abs() < 0.01, "{mean}");
    }

    #[test]
    fn a_singular_covariance_has_no_cholesky_factor() {
        assert!(cholesky(&[vec![1.0, 2.0], vec![2.0, 4.0]]).is_none());
        let l = cholesky(&[vec![4.0, 2.0], vec![2.0, 2.0]]).unwrap();
        assert_eq!(l, vec![vec![2.0, 0.0], vec![1.0, 1.0]]);
    }
}
