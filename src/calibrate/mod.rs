//! Calibration: fit the parameters a scenario marks as free (`[[calibration.free]]`, with
//! bounds) to its `[[benchmark]]` targets.
//!
//! Method: simulated method of moments. The objective is
//! `J(θ) = Σ_b r_b(θ)² / σ_b²`, where `r_b` is the simulated benchmark value minus the published
//! one (only the shortfall for a floor, the excess for a ceiling) and `σ_b` the precision of the
//! target: the standard error its stated uncertainty implies (`n`, a tolerance or the source's
//! interval: [`crate::benchmark::Benchmark::target_sd`], the interval `validate` judges
//! against), with the Monte Carlo error of the simulated mean at the starting point added.
//! Only benchmarks with `role = "fitted"` enter J: inputs and hold-outs are reported at the fit
//! but never fitted to. Every evaluation runs the
//! scenario at the same seed — common random numbers — so that J changes with θ because the
//! parameters changed, not because the draws did; that makes a derivative-free optimiser
//! (Nelder–Mead on the box scaled to the unit cube) workable. Afterwards each parameter's local
//! effect on every target is measured by central differences (again under common random
//! numbers): a parameter that moves the fit by less than one target standard error across its
//! whole range is reported as not identified by these targets, two whose effects are nearly
//! collinear as confounded, and approximate standard errors come from (GᵀG)⁻¹, with G the
//! effects scaled by σ.
//!
//! Posterior ([`Fit::posterior`], `posterior.csv`): a Gaussian (Laplace) approximation around
//! the fit. With J read as a χ², the log-likelihood is −J/2, whose Gauss–Newton Hessian is
//! GᵀG; G holds each parameter's effect per unit of the parameter itself (divided by the
//! targets' σ only), so Σ = (GᵀG)⁻¹ is already in the parameters' own units and the
//! approximate posterior under flat priors on the bounds is N(θ̂, Σ) truncated to the box.
//! Sets are drawn from it by Cholesky factor and rejection (set `r` from its own stream of
//! the seed and `r`), and J is evaluated once at each, at the fit's seed and replications.
//! Chosen over ABC-SMC or MCMC because every evaluation of J is a full simulation (thousands
//! would be needed) while the identification has already measured G. Its limits: it is local
//! (one mode, the curvature at the fit), assumes effects near-linear over the posterior's
//! width, and takes the priors as flat within the bounds. A parameter the targets do not
//! identify (it moves the fit by less than one target standard error across its whole range)
//! has an essentially flat likelihood, so its posterior is its prior: it is drawn uniformly
//! over its bounds, said in the output. When the information matrix of the others is
//! singular (two parameters with the same effects) there is no Gaussian to draw from, and
//! the posterior is refused with the reason ([`CalibrationError::NoPosterior`]) rather than
//! written as if it meant something.

use crate::benchmark::{Bound, Role};
use crate::cancel::Cancel;
use crate::engine::Silent;
use crate::runner;
use crate::scenario::key::key_parts;
use crate::scenario::{FreeParameter, Override, Scenario, ScenarioError};
use crate::stats::BenchmarkResult;
use std::collections::HashMap;
use std::fmt::Write as _;

mod files;
mod identify;
mod nelder_mead;
mod posterior;

pub use files::update_in_place;
pub use nelder_mead::nelder_mead;
pub use posterior::{Posterior, TruncatedNormal};
use std::path::{Path, PathBuf};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum CalibrationError {
    /// Boxed: a located scenario error is large, and this one is returned by every step.
    #[error(transparent)]
    Scenario(Box<ScenarioError>),
    #[error(
        "{}: the scenario declares no free parameters; add a [calibration] table with [[calibration.free]] entries (key, min, max)",
        file.display()
    )]
    NothingFree { file: PathBuf },
    #[error(
        "{}: the scenario has no [[benchmark]] with role = \"fitted\" to calibrate to; inputs and hold-outs are never fitted (a hold-out fitted to would no longer test the model)",
        file.display()
    )]
    NoTargets { file: PathBuf },
    #[error("{at}: free parameter `{key}` at {value} does not make a valid scenario")]
    BadParameter {
        at: crate::scenario::Location,
        key: String,
        value: f64,
        #[source]
        source: Box<ScenarioError>,
    },
    #[error(
        "{}: `{key}` is not written in this file (it is inherited), so --update cannot change it; write it here first",
        file.display()
    )]
    NotInFile { file: PathBuf, key: String },
    #[error("{}: cannot update the scenario file: {message}", file.display())]
    Update { file: PathBuf, message: String },
    /// The cancellation token was tripped (Ctrl-C): the evaluation in progress was dropped and
    /// there is no fit.
    #[error("calibration stopped before it finished; nothing was written")]
    Cancelled,
    /// The Gaussian approximation of the posterior cannot be formed (the fit itself stands).
    #[error("no posterior.csv: {why}")]
    NoPosterior { why: String },
}

impl From<ScenarioError> for CalibrationError {
    fn from(e: ScenarioError) -> CalibrationError {
        CalibrationError::Scenario(Box::new(e))
    }
}

/// One evaluation of the objective.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub theta: Vec<f64>,
    pub objective: f64,
    pub results: Vec<BenchmarkResult>,
}

/// How one parameter is pinned down by the targets.
#[derive(Debug, Clone, PartialEq)]
pub struct Identification {
    pub name: String,
    pub value: f64,
    /// Change of the objective's square root (in target standard errors) when the parameter
    /// moves across its whole range, to first order.
    pub range_effect: f64,
    /// Approximate standard error, where the information matrix can be inverted.
    pub std_error: Option<f64>,
    pub identified: bool,
    pub note: String,
}

/// What the identification measured, kept for the posterior: the parameters that move the fit
/// by at least one target standard error across their range, and (GᵀG)⁻¹ restricted to them.
#[derive(Debug, Clone, PartialEq)]
pub struct Information {
    /// Indices (into the free parameters) of those the covariance covers.
    pub active: Vec<usize>,
    /// (GᵀG)⁻¹ over `active`, in the parameters' own units; None when singular or empty.
    pub covariance: Option<Vec<Vec<f64>>>,
}

/// A finished calibration.
#[derive(Debug, Clone)]
pub struct Fit {
    pub params: Vec<FreeParameter>,
    pub start: Evaluation,
    pub best: Evaluation,
    /// Every evaluation in order (the optimiser's trace).
    pub trace: Vec<Evaluation>,
    pub sigma: Vec<f64>,
    pub identification: Vec<Identification>,
    pub information: Information,
    pub replications: u32,
    pub seed: u64,
    /// The scenario fitted and the overrides of every evaluation, for evaluating the
    /// posterior's sets the same way.
    path: PathBuf,
    common: Vec<Override>,
}

/// Runs the scenario at given parameter values, with a cache: the objective is deterministic
/// under common random numbers, so a repeated point need not be simulated again.
struct Evaluator<'a> {
    path: &'a Path,
    common: Vec<Override>,
    params: &'a [FreeParameter],
    cache: HashMap<Vec<u64>, Evaluation>,
    sigma: Option<Vec<f64>>,
    trace: Vec<Evaluation>,
    progress: &'a dyn Fn(usize, &Evaluation),
    cancel: &'a Cancel,
}

impl Evaluator<'_> {
    fn overrides(&self, theta: &[f64]) -> Vec<Override> {
        let mut o = self.common.clone();
        for (p, x) in self.params.iter().zip(theta) {
            for k in &p.keys {
                o.push(Override::set(format!("{k}={x:?}")));
            }
        }
        o
    }

    fn scenario(&self, theta: &[f64]) -> Result<Scenario, CalibrationError> {
        Scenario::load_with(self.path, &self.overrides(theta)).map_err(|e| {
            // Name the parameter whose key the error mentions.
            let text = e.to_string();
            let (p, x) = self
                .params
                .iter()
                .zip(theta)
                .find(|(p, _)| p.keys.iter().any(|k| text.contains(k.as_str())))
                .unwrap_or((&self.params[0], &theta[0]));
            CalibrationError::BadParameter {
                at: p.at.clone(),
                key: p.name().to_string(),
                value: *x,
                source: Box::new(e),
            }
        })
    }

    fn evaluate(&mut self, theta: &[f64]) -> Result<Evaluation, CalibrationError> {
        let key: Vec<u64> = theta.iter().map(|x| x.to_bits()).collect();
        if let Some(e) = self.cache.get(&key) {
            return Ok(e.clone());
        }
        let s = self.scenario(theta)?;
        let r = runner::run_until_cancelled(&s, &Silent, self.cancel)
            .ok_or(CalibrationError::Cancelled)?;
        let results = r.benchmarks;
        let sigma = self
            .sigma
            .get_or_insert_with(|| results.iter().map(sigma_of).collect())
            .clone();
        let objective = objective(&results, &sigma);
        let e = Evaluation {
            theta: theta.to_vec(),
            objective,
            results,
        };
        self.cache.insert(key, e.clone());
        self.trace.push(e.clone());
        (self.progress)(self.trace.len(), &e);
        Ok(e)
    }
}

/// The precision of a target (see the module documentation): the published figure's standard
/// error as its stated uncertainty gives it (the same interval `validate` judges against),
/// with the Monte Carlo error of the simulated mean added. Infinite for a target that is not
/// `fitted`, which therefore weighs nothing in the objective or in the identification.
fn sigma_of(b: &BenchmarkResult) -> f64 {
    if b.benchmark.role != Role::Fitted {
        return f64::INFINITY;
    }
    let published = b.benchmark.target_sd().powi(2).max(1e-12);
    let sim = &b.simulated;
    let mc = if sim.n > 1 && sim.sd.is_finite() {
        sim.sd * sim.sd / sim.n as f64
    } else {
        0.0
    };
    (published + mc).sqrt()
}

/// The residual of one target: simulated minus published, one-sided for floors and ceilings.
pub fn residual(b: &BenchmarkResult) -> f64 {
    let r = b.simulated.mean - b.benchmark.value;
    match b.benchmark.bound {
        Bound::Equal => r,
        Bound::AtLeast => r.min(0.0),
        Bound::AtMost => r.max(0.0),
    }
}

fn objective(results: &[BenchmarkResult], sigma: &[f64]) -> f64 {
    results
        .iter()
        .zip(sigma)
        .filter(|(_, s)| s.is_finite())
        .map(|(b, s)| {
            let r = residual(b);
            // A target the run cannot compute counts as badly missed, not as met.
            if r.is_finite() { (r / s).powi(2) } else { 1e6 }
        })
        .sum()
}

/// Round to 4 significant digits: fitted values are written into scenario files, where more
/// digits would only suggest a precision the fit does not have.
pub fn round_sig(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let digits = 4 - 1 - x.abs().log10().floor() as i32;
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// Fit the free parameters of the scenario at `path`. `set` overrides apply to every
/// evaluation; `replications` and `max_evaluations` override the scenario's calibration
/// settings. `progress` is told of every evaluation. Once `cancel` is tripped the evaluation
/// in progress stops and the fit returns `CalibrationError::Cancelled`.
pub fn calibrate(
    path: &Path,
    set: &[String],
    replications: Option<u32>,
    max_evaluations: Option<u32>,
    progress: &dyn Fn(usize, &Evaluation),
    cancel: &Cancel,
) -> Result<Fit, CalibrationError> {
    let s = Scenario::load(path, set)?;
    let cal = s
        .calibration
        .clone()
        .filter(|c| !c.free.is_empty())
        .ok_or_else(|| CalibrationError::NothingFree {
            file: path.to_path_buf(),
        })?;
    if !s.benchmarks.iter().any(|b| b.role == Role::Fitted) {
        return Err(CalibrationError::NoTargets {
            file: path.to_path_buf(),
        });
    }
    let reps = replications
        .or(cal.replications)
        .unwrap_or(s.simulation.replications);
    let mut common: Vec<Override> = set.iter().map(Override::set).collect();
    // Shown, should it be refused, as where the count came from: never as a `--set`.
    let from = match (replications, cal.replications) {
        (Some(r), _) => format!("--replications {r}"),
        (None, Some(r)) => format!("calibration.replications = {r}"),
        (None, None) => format!("simulation.replications = {reps}"),
    };
    common.push(Override::shown_as(from, "simulation.replications", reps));
    if replications.is_some() {
        // A count the scenario has not checked yet is checked now: refused in an evaluation,
        // it would be blamed on a free parameter.
        Scenario::load_with(path, &common)?;
    }
    let params = cal.free.clone();
    let budget = max_evaluations.unwrap_or(cal.max_evaluations) as usize;
    // Start from the values the scenario holds now (inside the bounds).
    let start_theta: Vec<f64> = params
        .iter()
        .map(|p| {
            current_value(&s, p)
                .unwrap_or((p.min + p.max) / 2.0)
                .clamp(p.min, p.max)
        })
        .collect();
    let mut ev = Evaluator {
        path,
        common: common.clone(),
        params: &params,
        cache: HashMap::new(),
        sigma: None,
        trace: Vec::new(),
        progress,
        cancel,
    };
    let start = ev.evaluate(&start_theta)?;
    let to_theta = |u: &[f64]| -> Vec<f64> {
        params
            .iter()
            .zip(u)
            .map(|(p, x)| p.min + x.clamp(0.0, 1.0) * (p.max - p.min))
            .collect()
    };
    let u0: Vec<f64> = params
        .iter()
        .zip(&start_theta)
        .map(|(p, x)| (x - p.min) / (p.max - p.min))
        .collect();
    let mut failure = None;
    let mut f = |u: &[f64]| -> f64 {
        match ev.evaluate(&to_theta(u)) {
            Ok(e) => e.objective,
            Err(e) => {
                failure.get_or_insert(e);
                f64::INFINITY
            }
        }
    };
    let u_best = nelder_mead(&mut f, &u0, 0.15, budget.saturating_sub(1));
    if let Some(e) = failure {
        return Err(e);
    }
    // The values written into files are rounded; report the fit at those values.
    let best_theta: Vec<f64> = to_theta(&u_best).into_iter().map(round_sig).collect();
    let best_theta: Vec<f64> = best_theta
        .iter()
        .zip(&params)
        .map(|(x, p)| x.clamp(p.min, p.max))
        .collect();
    let best = ev.evaluate(&best_theta)?;
    let sigma = ev.sigma.clone().unwrap_or_default();
    let (identification, information) = identify::identify(&mut ev, &params, &best, &sigma)?;
    Ok(Fit {
        params: params.clone(),
        start,
        best,
        trace: ev.trace,
        sigma,
        identification,
        information,
        replications: reps,
        seed: s.simulation.seed,
        path: path.to_path_buf(),
        common,
    })
}

/// The value a free parameter has in the scenario as loaded (its first key).
fn current_value(s: &Scenario, p: &FreeParameter) -> Option<f64> {
    let v: toml::Value = toml::from_str(&s.resolved_toml).ok()?;
    let mut cur = &v;
    for part in key_parts(p.name()).ok()? {
        cur = cur.get(part.as_str())?;
    }
    cur.as_float()
        .or_else(|| cur.as_integer().map(|i| i as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nelder_mead_finds_the_minimum_of_a_bowl_inside_the_cube() {
        let mut f = |x: &[f64]| (x[0] - 0.3).powi(2) + 2.0 * (x[1] - 0.7).powi(2);
        let x = nelder_mead(&mut f, &[0.9, 0.1], 0.15, 400);
        assert!(
            (x[0] - 0.3).abs() < 1e-3 && (x[1] - 0.7).abs() < 1e-3,
            "{x:?}"
        );
    }

    #[test]
    fn nelder_mead_stays_in_the_cube_when_the_minimum_is_outside() {
        let mut f = |x: &[f64]| (x[0] - 1.5).powi(2);
        let x = nelder_mead(&mut f, &[0.2], 0.15, 200);
        assert!((x[0] - 1.0).abs() < 1e-3, "{x:?}");
    }

    #[test]
    fn fitted_values_keep_four_significant_digits() {
        assert_eq!(round_sig(7.612_345), 7.612);
        assert_eq!(round_sig(0.037_523_9), 0.03752);
        assert_eq!(round_sig(12_345.6), 12_350.0);
    }

    #[test]
    fn small_matrices_invert_and_singular_ones_do_not() {
        let a = vec![vec![4.0, 1.0], vec![1.0, 3.0]];
        let inv = identify::invert(&a).unwrap();
        assert!((inv[0][0] - 3.0 / 11.0).abs() < 1e-12 && (inv[0][1] + 1.0 / 11.0).abs() < 1e-12);
        assert!(identify::invert(&[vec![1.0, 2.0], vec![2.0, 4.0]]).is_none());
    }
}
