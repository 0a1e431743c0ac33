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
    source: &'a str,
    target: f64,
    /// "equal", "at_least" or "at_most": how `within_ci` reads the target.
    bound: &'a str,
    target_n: Option<u32>,
    simulated: Option<f64>,
    ci_low: Option<f64>,
    ci_high: Option<f64>,
    ci_method: &'a str,
    mc_ci_low: Option<f64>,
    mc_ci_high: Option<f64>,
    replications_defined: usize,
    /// `null` when the run cannot judge the benchmark (`why_not_judged` says why).
    within_ci: Option<bool>,
    /// "yes", "no" or "cannot be judged".
    verdict: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    why_not_judged: Option<&'a str>,
}

#[derive(Serialize)]
struct Cost {
    /// Public spending over the run (salaries, uplift, allowances, stipends, village subsidies
    /// and income top-up, pensions, training), yuan (nominal), per replication; see costs.csv.
    total_yuan_per_replication: f64,
    serving_worker_years_per_replication: f64,
    /// Total spending per worker-year served in a post (centre or village), yuan (nominal).
    cost_per_retained_worker_year: Option<f64>,
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
    let reps = r.reps.len().max(1) as f64;
    let (mut spend, mut served) = (0.0, 0.0);
    for c in &r.pooled.cost {
        spend += c.total();
        served += c.serving_years;
    }
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
        retention_band_method: crate::stats::band_method(r.reps.len()),
        benchmarks: benchmarks
            .iter()
            .map(|b| Bench {
                name: &b.benchmark.name,
                source: &b.benchmark.source,
                target: b.benchmark.value,
                bound: b.benchmark.bound.name(),
                target_n: b.benchmark.n,
                simulated: opt(b.simulated.mean),
                ci_low: opt(b.judged_low),
                ci_high: opt(b.judged_high),
                ci_method: &b.method,
                mc_ci_low: opt(b.simulated.low),
                mc_ci_high: opt(b.simulated.high),
                replications_defined: b.simulated.n,
                within_ci: match b.verdict {
                    crate::stats::Verdict::Met => Some(true),
                    crate::stats::Verdict::Off => Some(false),
                    crate::stats::Verdict::CannotJudge(_) | crate::stats::Verdict::ForReference => {
                        None
                    }
                },
                verdict: b.verdict.word(),
                why_not_judged: Some(b.verdict.reason()).filter(|r| !r.is_empty()),
            })
            .collect(),
        cost: Cost {
            total_yuan_per_replication: spend / reps,
            serving_worker_years_per_replication: served / reps,
            cost_per_retained_worker_year: (served > 0.0).then(|| spend / served),
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
