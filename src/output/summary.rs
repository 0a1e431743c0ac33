//! `summary.json`: what was run, how much was simulated, and every benchmark against the
//! simulation with its interval.

use super::Timing;
use crate::scenario::Scenario;
use crate::stats::RunResult;
use serde::Serialize;

#[derive(Serialize)]
struct Summary<'a> {
    zhagen_version: &'a str,
    /// The commit zhagen was built from, when built from a git checkout.
    git_commit: Option<&'a str>,
    scenario: &'a str,
    scenario_sha256: &'a str,
    files: Vec<FileHash>,
    seed: u64,
    replications: u32,
    start_year: i32,
    years: u32,
    steps_per_year: u32,
    simulated_worker_years: f64,
    retention_band_method: String,
    /// What every interval of the run includes: Monte Carlo precision only, or parameter
    /// uncertainty too (`crate::uncertainty`).
    interval_scope: String,
    benchmarks: Vec<Bench<'a>>,
    cost: Cost,
    /// The only part of the outputs that differs between two runs of the same scenario and seed.
    timing: TimingOut,
}

#[derive(Serialize)]
struct FileHash {
    path: String,
    sha256: String,
}

#[derive(Serialize)]
struct Bench<'a> {
    name: &'a str,
    /// "fitted", "input" or "holdout": what meeting the target shows.
    role: &'a str,
    source: &'a str,
    /// The published value: a share (0..1), or years for an age.
    target: f64,
    /// "equal", "at_least" or "at_most": how the verdict reads the target.
    bound: &'a str,
    /// The published value's 95% interval, from its stated uncertainty (`uncertainty`).
    target_low: f64,
    target_high: f64,
    uncertainty: String,
    target_n: Option<u32>,
    simulated: Option<f64>,
    /// Monte Carlo 95% Student-t interval of the simulated mean across replications.
    mc_ci_low: Option<f64>,
    mc_ci_high: Option<f64>,
    /// Simulated minus target, in the target's unit.
    difference: Option<f64>,
    replications_defined: usize,
    /// "yes", "no", "cannot be judged" or "for reference".
    verdict: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    why_not_judged: Option<&'a str>,
    verdict_method: &'a str,
}

/// Cost and service over the run: the headline metrics of the same names (means over
/// replications, as in `headline.csv`).
#[derive(Serialize)]
struct Cost {
    /// What `cost_total` and `cost_per_worker_year` are in: "yuan of 2024 prices, discounted at
    /// 3% a year to 2024".
    unit: String,
    deflator: String,
    /// Public spending over the run (salaries, uplift, allowances, stipends, village subsidies
    /// and income top-up, pensions, training), per replication; by year in costs.csv.
    cost_total: Option<f64>,
    cost_total_nominal: Option<f64>,
    worker_years: Option<f64>,
    worker_years_discounted: Option<f64>,
    village_years_staffed: Option<f64>,
    /// `cost_total` per discounted worker-year served in a post (centre or village).
    cost_per_worker_year: Option<f64>,
}

#[derive(Serialize)]
struct TimingOut {
    wall_seconds: f64,
    /// What the estimate said before the run, at an assumed rate (see `engine::estimate`).
    estimated_seconds: f64,
    threads: usize,
    worker_years_per_second: f64,
}

fn opt(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

pub fn summary_json(s: &Scenario, r: &RunResult, timing: Timing) -> String {
    let benchmarks = &r.benchmarks;
    let heads = crate::headline::headlines(s, r);
    let head = |key: &str| {
        heads
            .iter()
            .find(|h| h.key == key)
            .and_then(|h| opt(crate::stats::interval::mean_ci(h.per_rep.iter().copied()).mean))
    };
    let summary = Summary {
        zhagen_version: crate::VERSION,
        git_commit: crate::provenance::git_commit(),
        scenario: &s.name,
        scenario_sha256: &s.hash,
        files: s
            .files
            .iter()
            .map(|(p, h)| FileHash {
                path: p.display().to_string(),
                sha256: h.clone(),
            })
            .collect(),
        seed: s.simulation.seed,
        replications: s.simulation.replications,
        start_year: s.simulation.start_year,
        years: s.simulation.years,
        steps_per_year: s.simulation.steps_per_year,
        simulated_worker_years: r.pooled.worker_years,
        retention_band_method: r.band_method(),
        interval_scope: r.interval_scope(),
        benchmarks: benchmarks
            .iter()
            .map(|b| Bench {
                name: &b.benchmark.name,
                role: b.benchmark.role.name(),
                source: &b.benchmark.source,
                target: b.benchmark.value,
                bound: b.benchmark.bound.name(),
                target_low: b.target_low,
                target_high: b.target_high,
                uncertainty: b.benchmark.uncertainty_words(),
                target_n: b.benchmark.n(),
                simulated: opt(b.simulated.mean),
                mc_ci_low: opt(b.simulated.low),
                mc_ci_high: opt(b.simulated.high),
                difference: opt(b.difference),
                replications_defined: b.simulated.n,
                verdict: b.verdict.word(),
                why_not_judged: Some(b.verdict.reason()).filter(|r| !r.is_empty()),
                verdict_method: &b.method,
            })
            .collect(),
        cost: Cost {
            unit: s.economics.cost_unit_words(),
            deflator: s.economics.deflator_words(),
            cost_total: head("cost_total"),
            cost_total_nominal: head("cost_total_nominal"),
            worker_years: head("worker_years"),
            worker_years_discounted: head("worker_years_discounted"),
            village_years_staffed: head("village_years_staffed"),
            cost_per_worker_year: head("cost_per_worker_year"),
        },
        timing: TimingOut {
            wall_seconds: timing.wall_seconds,
            estimated_seconds: timing.estimated_seconds,
            threads: timing.threads,
            worker_years_per_second: if timing.wall_seconds > 0.0 {
                r.pooled.worker_years / timing.wall_seconds
            } else {
                0.0
            },
        },
    };
    let mut out = serde_json::to_string_pretty(&summary)
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}
