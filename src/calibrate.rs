//! Calibration: fit the parameters a scenario marks as free (`[[calibration.free]]`, with
//! bounds) to its `[[benchmark]]` targets.
//!
//! Method: simulated method of moments. The objective is
//! `J(θ) = Σ_b r_b(θ)² / σ_b²`, where `r_b` is the simulated benchmark value minus the published
//! one (only the shortfall for a floor, the excess for a ceiling) and `σ_b` the precision of the
//! target: the binomial sampling error of the study when its sample size `n` is known,
//! otherwise an assumed 1 percentage point for a share and half a year for an age; the Monte
//! Carlo error of the simulated mean at the starting point is added. Every evaluation runs the
//! scenario at the same seed — common random numbers — so that J changes with θ because the
//! parameters changed, not because the draws did; that makes a derivative-free optimiser
//! (Nelder–Mead on the box scaled to the unit cube) workable. Afterwards each parameter's local
//! effect on every target is measured by central differences (again under common random
//! numbers): a parameter that moves the fit by less than one target standard error across its
//! whole range is reported as not identified by these targets, two whose effects are nearly
//! collinear as confounded, and approximate standard errors come from (GᵀG)⁻¹, with G the
//! effects scaled by σ.

use crate::benchmark::Bound;
use crate::cancel::Cancel;
use crate::engine::Silent;
use crate::runner;
use crate::scenario::key::key_parts;
use crate::scenario::{FreeParameter, Scenario, ScenarioError};
use crate::stats::{BenchmarkResult, benchmark_results};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum CalibrationError {
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error(
        "{}: the scenario declares no free parameters; add a [calibration] table with [[calibration.free]] entries (key, min, max)",
        file.display()
    )]
    NothingFree { file: PathBuf },
    #[error("{}: the scenario has no [[benchmark]] targets to calibrate to", file.display())]
    NoTargets { file: PathBuf },
    #[error("{at}: free parameter `{key}` at {value} does not make a valid scenario: {source}")]
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
}

/// Precision assumed for a published share without a sample size.
pub const SHARE_TOLERANCE: f64 = 0.01;
/// Precision assumed for a published mean age.
pub const AGE_TOLERANCE: f64 = 0.5;

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
    pub replications: u32,
    pub seed: u64,
}

/// Runs the scenario at given parameter values, with a cache: the objective is deterministic
/// under common random numbers, so a repeated point need not be simulated again.
struct Evaluator<'a> {
    path: &'a Path,
    common: Vec<String>,
    params: &'a [FreeParameter],
    cache: HashMap<Vec<u64>, Evaluation>,
    sigma: Option<Vec<f64>>,
    trace: Vec<Evaluation>,
    progress: &'a dyn Fn(usize, &Evaluation),
    cancel: &'a Cancel,
}

impl Evaluator<'_> {
    fn overrides(&self, theta: &[f64]) -> Vec<String> {
        let mut o = self.common.clone();
        for (p, x) in self.params.iter().zip(theta) {
            for k in &p.keys {
                o.push(format!("{k}={x:?}"));
            }
        }
        o
    }

    fn scenario(&self, theta: &[f64]) -> Result<Scenario, CalibrationError> {
        Scenario::load(self.path, &self.overrides(theta)).map_err(|e| {
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
        let results = benchmark_results(&s, &r);
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

/// The precision of a target (see the module documentation).
fn sigma_of(b: &BenchmarkResult) -> f64 {
    let t = b.benchmark.value;
    let published = if !b.benchmark.metric.is_share() {
        AGE_TOLERANCE * AGE_TOLERANCE
    } else if let Some(n) = b.benchmark.n {
        (t * (1.0 - t) / n as f64).max(1e-8)
    } else {
        SHARE_TOLERANCE * SHARE_TOLERANCE
    };
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
    if s.benchmarks.is_empty() {
        return Err(CalibrationError::NoTargets {
            file: path.to_path_buf(),
        });
    }
    let reps = replications
        .or(cal.replications)
        .unwrap_or(s.simulation.replications);
    let mut common = set.to_vec();
    common.push(format!("simulation.replications={reps}"));
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
        common,
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
    let identification = identify(&mut ev, &params, &best, &sigma)?;
    Ok(Fit {
        params: params.clone(),
        start,
        best,
        trace: ev.trace,
        sigma,
        identification,
        replications: reps,
        seed: s.simulation.seed,
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

/// Local effects of each parameter on every target, by central differences at the fit.
fn identify(
    ev: &mut Evaluator,
    params: &[FreeParameter],
    best: &Evaluation,
    sigma: &[f64],
) -> Result<Vec<Identification>, CalibrationError> {
    let nb = best.results.len();
    let np = params.len();
    // g[b][p]: effect of parameter p on target b per unit of p, in target standard errors.
    let mut g = vec![vec![0.0; np]; nb];
    for (k, p) in params.iter().enumerate() {
        let h = 0.05 * (p.max - p.min);
        let mut up = best.theta.clone();
        let mut down = best.theta.clone();
        up[k] = (up[k] + h).min(p.max);
        down[k] = (down[k] - h).max(p.min);
        let (eu, ed) = (ev.evaluate(&up)?, ev.evaluate(&down)?);
        let dx = up[k] - down[k];
        for b in 0..nb {
            let d = eu.results[b].simulated.mean - ed.results[b].simulated.mean;
            g[b][k] = if d.is_finite() && dx > 0.0 {
                d / dx / sigma[b]
            } else {
                0.0
            };
        }
    }
    // Information matrix GᵀG and its inverse.
    let mut info = vec![vec![0.0; np]; np];
    for row in &g {
        for i in 0..np {
            for j in 0..np {
                info[i][j] += row[i] * row[j];
            }
        }
    }
    // Parameters that barely move the fit are reported on their own; the rest are checked
    // for confounding on the information matrix restricted to them.
    let range_effect: Vec<f64> = params
        .iter()
        .enumerate()
        .map(|(k, p)| info[k][k].sqrt() * (p.max - p.min))
        .collect();
    let active: Vec<usize> = (0..np).filter(|&k| range_effect[k] >= 1.0).collect();
    let sub: Vec<Vec<f64>> = active
        .iter()
        .map(|&i| active.iter().map(|&j| info[i][j]).collect())
        .collect();
    let inv = if active.is_empty() {
        None
    } else {
        invert(&sub)
    };
    let mut out = Vec::new();
    for (k, p) in params.iter().enumerate() {
        let mut notes = Vec::new();
        let mut identified = range_effect[k] >= 1.0;
        let mut std_error = None;
        if !identified {
            notes.push(format!(
                "not identified by these targets: across its whole range ({} to {}) it moves the fit by {:.2} target standard errors",
                p.min, p.max, range_effect[k]
            ));
        } else if let Some(inv) = &inv {
            let a = active.iter().position(|&x| x == k).expect("active");
            std_error = Some(inv[a][a].sqrt()).filter(|x| x.is_finite());
            for (b, &j) in active.iter().enumerate() {
                if j != k {
                    let c = inv[a][b] / (inv[a][a] * inv[b][b]).sqrt();
                    if c.abs() > 0.95 {
                        identified = false;
                        notes.push(format!(
                            "confounded with {} (estimate correlation {c:+.2}): the targets pin down a combination of the two, not each",
                            params[j].name()
                        ));
                    }
                }
            }
        } else {
            identified = false;
            notes.push("the targets cannot separate it from the other parameters (singular information matrix)".into());
        }
        if identified {
            notes.push("identified".into());
        }
        out.push(Identification {
            name: p.name().to_string(),
            value: best.theta[k],
            range_effect: range_effect[k],
            std_error,
            identified,
            note: notes.join("; "),
        });
    }
    Ok(out)
}

/// Inverse of a small symmetric matrix by Gauss–Jordan elimination; None if (nearly) singular.
fn invert(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let scale = (0..n).map(|i| a[i][i].abs()).fold(0.0, f64::max);
    if scale == 0.0 {
        return None;
    }
    let mut m: Vec<Vec<f64>> = a
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut r = row.clone();
            r.extend((0..n).map(|j| if i == j { 1.0 } else { 0.0 }));
            r
        })
        .collect();
    for c in 0..n {
        let p = (c..n).max_by(|&i, &j| m[i][c].abs().total_cmp(&m[j][c].abs()))?;
        if m[p][c].abs() < 1e-10 * scale {
            return None;
        }
        m.swap(c, p);
        let d = m[c][c];
        for x in m[c].iter_mut() {
            *x /= d;
        }
        for r in 0..n {
            if r != c {
                let f = m[r][c];
                if f != 0.0 {
                    let pivot = m[c].clone();
                    for (x, y) in m[r].iter_mut().zip(pivot) {
                        *x -= f * y;
                    }
                }
            }
        }
    }
    Some(m.into_iter().map(|r| r[n..].to_vec()).collect())
}

/// Nelder–Mead minimisation of `f` over the unit cube (points are clamped into it before `f`
/// sees them), from `x0` with an initial simplex of edge `step`, in at most `budget` calls.
/// Deterministic: no random restarts.
pub fn nelder_mead(
    f: &mut dyn FnMut(&[f64]) -> f64,
    x0: &[f64],
    step: f64,
    budget: usize,
) -> Vec<f64> {
    let n = x0.len();
    let clamp = |x: Vec<f64>| -> Vec<f64> { x.into_iter().map(|v| v.clamp(0.0, 1.0)).collect() };
    let mut calls = 0usize;
    let mut eval = |x: &[f64], calls: &mut usize| -> f64 {
        *calls += 1;
        f(x)
    };
    let mut simplex: Vec<(Vec<f64>, f64)> = Vec::with_capacity(n + 1);
    let x0 = clamp(x0.to_vec());
    let f0 = eval(&x0, &mut calls);
    simplex.push((x0.clone(), f0));
    for i in 0..n {
        let mut x = x0.clone();
        x[i] = if x[i] + step <= 1.0 {
            x[i] + step
        } else {
            x[i] - step
        };
        let fx = eval(&x, &mut calls);
        simplex.push((x, fx));
    }
    while calls < budget {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let (best, worst) = (simplex[0].1, simplex[n].1);
        let size = simplex
            .iter()
            .skip(1)
            .map(|(x, _)| {
                x.iter()
                    .zip(&simplex[0].0)
                    .map(|(a, b)| (a - b).abs())
                    .fold(0.0, f64::max)
            })
            .fold(0.0, f64::max);
        if size < 1e-4 || (worst - best).abs() < 1e-6 * (1.0 + best.abs()) {
            break;
        }
        let centroid: Vec<f64> = (0..n)
            .map(|j| simplex[..n].iter().map(|(x, _)| x[j]).sum::<f64>() / n as f64)
            .collect();
        let along = |t: f64| -> Vec<f64> {
            clamp(
                centroid
                    .iter()
                    .zip(&simplex[n].0)
                    .map(|(c, w)| c + t * (c - w))
                    .collect(),
            )
        };
        let xr = along(1.0);
        let fr = eval(&xr, &mut calls);
        if fr < simplex[0].1 {
            let xe = along(2.0);
            let fe = eval(&xe, &mut calls);
            simplex[n] = if fe < fr { (xe, fe) } else { (xr, fr) };
        } else if fr < simplex[n - 1].1 {
            simplex[n] = (xr, fr);
        } else {
            let (xc, fc) = if fr < simplex[n].1 {
                let xc = along(0.5);
                let fc = eval(&xc, &mut calls);
                (xc, fc)
            } else {
                let xc = along(-0.5);
                let fc = eval(&xc, &mut calls);
                (xc, fc)
            };
            if fc < simplex[n].1.min(fr) {
                simplex[n] = (xc, fc);
            } else {
                // Shrink towards the best point.
                let b = simplex[0].0.clone();
                for v in simplex.iter_mut().skip(1) {
                    let x: Vec<f64> = v.0.iter().zip(&b).map(|(x, b)| b + 0.5 * (x - b)).collect();
                    let fx = eval(&x, &mut calls);
                    *v = (x, fx);
                    if calls >= budget {
                        break;
                    }
                }
            }
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    simplex.swap_remove(0).0
}

fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.6}")
    } else {
        String::new()
    }
}

impl Fit {
    /// `fit.csv`: each target against its simulated value at the fit.
    pub fn fit_csv(&self) -> String {
        let mut out = String::from(
            "benchmark,bound,target,target_sd,simulated_at_start,simulated,ci_low,ci_high,within_ci,contribution_to_objective,source\n",
        );
        for ((b, s0), sd) in self
            .best
            .results
            .iter()
            .zip(&self.start.results)
            .zip(&self.sigma)
        {
            let r = residual(b);
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},\"{}\"",
                b.benchmark.name,
                b.benchmark.bound.name(),
                num(b.benchmark.value),
                num(*sd),
                num(s0.simulated.mean),
                num(b.simulated.mean),
                num(b.judged_low),
                num(b.judged_high),
                b.within,
                num((r / sd).powi(2)),
                b.benchmark.source.replace('"', "'")
            );
        }
        out
    }

    /// `trace.csv`: every evaluation in order.
    pub fn trace_csv(&self) -> String {
        let mut out = String::from("evaluation");
        for p in &self.params {
            let _ = write!(out, ",{}", p.name());
        }
        out.push_str(",objective\n");
        for (i, e) in self.trace.iter().enumerate() {
            let _ = write!(out, "{}", i + 1);
            for x in &e.theta {
                let _ = write!(out, ",{x:.6}");
            }
            let _ = writeln!(out, ",{}", num(e.objective));
        }
        out
    }

    /// `identification.csv`.
    pub fn identification_csv(&self) -> String {
        let mut out = String::from(
            "parameter,fitted,min,max,approx_std_error,range_effect_in_target_sds,identified,note\n",
        );
        for (id, p) in self.identification.iter().zip(&self.params) {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},\"{}\"",
                id.name,
                id.value,
                p.min,
                p.max,
                id.std_error.map_or(String::new(), num),
                num(id.range_effect),
                id.identified,
                id.note.replace('"', "'")
            );
        }
        out
    }

    /// A scenario file over `base` (a path relative to where the file will be written) that
    /// sets the fitted values, with the fit recorded in its comments.
    pub fn calibrated_toml(&self, base: &str, scenario_name: &str) -> String {
        let mut out = format!(
            "# Calibrated by `zhagen calibrate` (zhagen {}{}) from `{scenario_name}`:\n\
             # simulated method of moments, {} replications per evaluation at seed {} (common random\n\
             # numbers), Nelder–Mead, {} evaluations; objective {:.3} at the start, {:.3} at the fit.\n\
             # See fit.csv, trace.csv and identification.csv beside this file.\n",
            crate::VERSION,
            crate::provenance::git_commit()
                .map_or(String::new(), |c| format!(", commit {}", &c[..12])),
            self.replications,
            self.seed,
            self.trace.len(),
            self.start.objective,
            self.best.objective
        );
        let _ = writeln!(out, "base = {}\n", toml::Value::String(base.to_string()));
        for (id, p) in self.identification.iter().zip(&self.params) {
            let _ = writeln!(
                out,
                "# {}: {} (bounds {} to {})",
                p.name(),
                if id.identified {
                    "identified".to_string()
                } else {
                    id.note.clone()
                },
                p.min,
                p.max
            );
            for k in &p.keys {
                let _ = writeln!(out, "{k} = {:?}", id.value);
            }
        }
        out
    }
}

/// Write the fitted values into the scenario file itself, keeping its comments and layout.
/// Each key must be written in that file (not only inherited).
pub fn update_in_place(path: &Path, fit: &Fit) -> Result<(), CalibrationError> {
    let text = std::fs::read_to_string(path).map_err(|e| CalibrationError::Update {
        file: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut doc = text
        .parse::<toml_edit::DocumentMut>()
        .map_err(|e| CalibrationError::Update {
            file: path.to_path_buf(),
            message: e.to_string(),
        })?;
    for (id, p) in fit.identification.iter().zip(&fit.params) {
        for key in &p.keys {
            let parts = key_parts(key).unwrap_or_default();
            let mut item = doc.as_item_mut();
            for part in &parts {
                item = match item.get_mut(part.as_str()) {
                    Some(i) => i,
                    None => {
                        return Err(CalibrationError::NotInFile {
                            file: path.to_path_buf(),
                            key: key.clone(),
                        });
                    }
                };
            }
            let Some(v) = item.as_value_mut() else {
                return Err(CalibrationError::NotInFile {
                    file: path.to_path_buf(),
                    key: key.clone(),
                });
            };
            // Keep the comment that follows the value.
            let decor = v.decor().clone();
            *v = toml_edit::Value::from(id.value);
            *v.decor_mut() = decor;
        }
    }
    crate::output::write_atomic(
        path.parent().unwrap_or_else(|| Path::new(".")),
        &path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        doc.to_string().as_bytes(),
    )
    .map_err(|e| CalibrationError::Update {
        file: path.to_path_buf(),
        message: e.to_string(),
    })
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
        let inv = invert(&a).unwrap();
        assert!((inv[0][0] - 3.0 / 11.0).abs() < 1e-12 && (inv[0][1] + 1.0 / 11.0).abs() < 1e-12);
        assert!(invert(&[vec![1.0, 2.0], vec![2.0, 4.0]]).is_none());
    }
}
