//! A scenario run end to end: the engine simulates the replications, the statistics summarise
//! each one as it completes (`stats::rep_metrics`), and the result carries both, with the
//! curves and benchmark results derived from them once. This layer sits
//! above the engine and the statistics so that neither depends on the other's results.

use crate::cancel::Cancel;
use crate::engine::{self, Progress};
use crate::scenario::Scenario;
use crate::stats::{self, RunResult};

/// Run every replication of `scenario` on the current rayon pool.
pub fn run(scenario: &Scenario, progress: &dyn Progress) -> RunResult {
    run_until_cancelled(scenario, progress, &Cancel::new())
        .expect("a run nobody can cancel finishes")
}

/// Like `run`, but stops soon after `cancel` is tripped (once the counties already running
/// finish) and then returns `None`.
pub fn run_until_cancelled(
    scenario: &Scenario,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Option<RunResult> {
    // An effect target's counterfactual runs the same replication (the same random numbers):
    // its difference from this scenario is paired, replication by replication.
    let summarise = |rep: u32, t: &engine::tally::Tally| {
        let mut m = stats::rep_metrics(scenario, t);
        for (i, cf) in &scenario.counterfactuals {
            let ct = engine::simulate_replication(cf, rep);
            m.benchmarks[*i] = stats::effect_value(scenario, t, cf, &ct, &scenario.benchmarks[*i]);
        }
        m
    };
    let (pooled, reps) = engine::simulate(scenario, progress, cancel, &summarise)?;
    Some(RunResult::new(scenario, pooled, reps))
}
