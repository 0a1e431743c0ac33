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
    run_each(scenario, &|_| scenario, progress, cancel)
}

/// [`run_until_cancelled`] with one scenario per replication: `per_replication[r]` is
/// `scenario` loaded with parameter set `r` (`crate::uncertainty`). Each replication is
/// summarised with its own scenario (its costs with its own economics, its effect targets'
/// counterfactuals with its own parameters); the result is described by `scenario`.
pub fn run_sampled(
    scenario: &Scenario,
    per_replication: &[Scenario],
    sets: &crate::uncertainty::ParameterSets,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Option<RunResult> {
    assert_eq!(
        per_replication.len(),
        scenario.simulation.replications as usize,
        "one scenario per replication"
    );
    let mut r = run_each(
        scenario,
        &|rep| &per_replication[rep as usize],
        progress,
        cancel,
    )?;
    r.parameters = Some(sets.interval_words(scenario.simulation.replications));
    Some(r)
}

fn run_each<'s>(
    scenario: &Scenario,
    scenario_of: &(dyn Fn(u32) -> &'s Scenario + Sync),
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Option<RunResult> {
    let summarise = |rep: u32, t: &engine::tally::Tally| {
        let s = scenario_of(rep);
        let mut m = stats::rep_metrics(s, t);
        for (i, cf) in &s.counterfactuals {
            let ct = engine::simulate_replication(cf, rep);
            m.benchmarks[*i] = stats::effect_value(s, t, cf, &ct, &s.benchmarks[*i]);
        }
        m
    };
    let (pooled, reps) =
        engine::simulate_each(scenario, scenario_of, progress, cancel, &summarise)?;
    Some(RunResult::new(scenario, pooled, reps))
}
