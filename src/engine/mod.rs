//! The simulation engine: replications × counties run in parallel (rayon), each from its own
//! random streams, merged in a fixed order so that results are identical at any thread count.

pub mod county;
pub mod rng;
pub mod tally;

use crate::scenario::Scenario;
use crate::stats;
use rayon::prelude::*;
use tally::Tally;

/// Receives progress from the engine; the binary turns it into a progress bar.
pub trait Progress: Sync {
    /// `total` units of work (county-replications) are planned.
    fn start(&self, _total: u64) {}
    /// `n` more units are done.
    fn advance(&self, _n: u64) {}
    fn finish(&self) {}
}

/// Progress that goes nowhere (tests, library use).
pub struct Silent;
impl Progress for Silent {}

/// Per-replication results needed for confidence intervals.
#[derive(Debug, Clone, PartialEq)]
pub struct RepMetrics {
    /// Product-limit retention per pathway × whole year (0..=years).
    pub survival: Vec<f64>,
    /// Value of each scenario benchmark's metric in this replication (NaN where undefined).
    pub benchmarks: Vec<f64>,
    /// Vacancy share of establishment posts per year.
    pub vacancy: Vec<f64>,
    /// Share of villages whose clinic has nobody serving, per year.
    pub uncovered: Vec<f64>,
    /// Public spending per worker-year served over the run, yuan (nominal).
    pub cost_per_worker_year: f64,
    /// Public spending over the run, yuan (nominal).
    pub total_cost: f64,
    /// Centre staff leaving per head per year over the run.
    pub outflow: f64,
    /// Share of village posts held, per year.
    pub village_fill: Vec<f64>,
}

/// The outcome of a run.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// All replications' tallies added up (in replication order).
    pub pooled: Tally,
    /// One entry per replication, in replication order.
    pub reps: Vec<RepMetrics>,
}

/// Replications are simulated in chunks of about one per thread, so that memory stays bounded
/// by the chunk, not by the number of replications; the merge order stays fixed (replication
/// order), so results do not depend on the chunk size.
fn rep_chunk() -> u32 {
    rayon::current_num_threads().max(1) as u32
}

/// Simulate one replication (all its counties, merged in county order). The replication's
/// draws depend only on the seed and `rep`, so two scenarios run at the same seed share them
/// (common random numbers).
pub fn simulate_replication(scenario: &Scenario, rep: u32) -> Tally {
    simulate_replication_with(scenario, rep, &Silent)
}

/// Counties are simulated in blocks of this many, in parallel within a block, and each
/// block's tallies are added in county order before the next block starts: memory holds one
/// block of tallies, not one per county (a national run has thousands), and the order of
/// additions — hence every floating-point sum — does not depend on the thread count.
const COUNTY_BLOCK: u32 = 64;

fn simulate_replication_with(scenario: &Scenario, rep: u32, progress: &dyn Progress) -> Tally {
    let counties = scenario.region.counties;
    let mut total = Tally::new(scenario.pathways.len(), scenario.simulation.years as usize);
    let mut first = 0;
    while first < counties {
        let last = (first + COUNTY_BLOCK).min(counties);
        let parts: Vec<Tally> = (first..last)
            .into_par_iter()
            .map(|c| {
                let t = county::simulate_county(scenario, rep, c);
                progress.advance(1);
                t
            })
            .collect();
        for p in &parts {
            total += p;
        }
        first = last;
    }
    total
}

/// Run every replication of `scenario` on the current rayon pool.
pub fn run(scenario: &Scenario, progress: &dyn Progress) -> RunResult {
    let reps = scenario.simulation.replications;
    let counties = scenario.region.counties;
    progress.start(reps as u64 * counties as u64);
    let mut pooled = Tally::new(scenario.pathways.len(), scenario.simulation.years as usize);
    let mut metrics = Vec::with_capacity(reps as usize);
    let mut first = 0;
    while first < reps {
        let last = (first + rep_chunk()).min(reps);
        let chunk: Vec<(Tally, RepMetrics)> = (first..last)
            .into_par_iter()
            .map(|rep| {
                let total = simulate_replication_with(scenario, rep, progress);
                let m = stats::rep_metrics(scenario, &total);
                (total, m)
            })
            .collect();
        for (t, m) in chunk {
            pooled += &t;
            metrics.push(m);
        }
        first = last;
    }
    progress.finish();
    RunResult {
        pooled,
        reps: metrics,
    }
}
