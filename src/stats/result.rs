//! What a run produces: the pooled tally, one summary per replication, and what is derived
//! from them once (the retention curves and the benchmark results) for every output to share.

use super::{BenchmarkResult, Curve};
use crate::engine::tally::Tally;
use crate::scenario::Scenario;

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
    /// Public spending over the run, yuan of `economics.base_year` prices discounted to that
    /// year (`crate::economics`).
    pub cost: f64,
    /// Public spending over the run, nominal yuan, undiscounted.
    pub cost_nominal: f64,
    /// Worker-years served in centre and village posts over the run.
    pub worker_years: f64,
    /// The same, each year discounted to `economics.base_year`.
    pub worker_years_discounted: f64,
    /// Village-years with someone serving at the yearly census, summed over the run.
    pub village_years_staffed: f64,
    /// The same, each year discounted to `economics.base_year`.
    pub village_years_staffed_discounted: f64,
    /// Centre staff leaving per head per year over the run.
    pub outflow: f64,
    /// Share of village posts held, per year.
    pub village_fill: Vec<f64>,
    /// Product-limit retention of the workers placed at a centre during the run, per pathway ×
    /// remoteness (not remote, remote) × whole year since entry (1 before anyone was placed;
    /// whether a year was observed is read from the pooled table).
    pub placed_survival: Vec<f64>,
    /// By remoteness, by county, by entry cohort, and the yearly flows (`stats::breakdown`).
    pub breakdown: super::breakdown::RepBreakdown,
}

/// The outcome of a run.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// All replications' tallies added up (by the fixed tree of `tree_reduce`).
    pub pooled: Tally,
    /// One entry per replication, in replication order.
    pub reps: Vec<RepMetrics>,
    /// Retention curves of every pathway, in scenario order (see `stats::curves`).
    pub curves: Vec<Curve>,
    /// Every benchmark of the scenario against the simulation, in scenario order.
    pub benchmarks: Vec<BenchmarkResult>,
    /// What the intervals include beyond simulation noise: the words of the parameter sets
    /// the replications ran with (`crate::uncertainty`), or `None` for a run at the
    /// scenario's own values, whose intervals are Monte Carlo precision only.
    pub parameters: Option<String>,
}

impl RunResult {
    /// The result of scenario `s` from its pooled tally and replication summaries: the curves
    /// and benchmark results are computed here, once, and every table, chart, report and
    /// terminal line reads them from the result.
    pub fn new(s: &Scenario, pooled: Tally, reps: Vec<RepMetrics>) -> RunResult {
        let curves = super::curves(s, &pooled, &reps);
        let benchmarks = super::validation::benchmark_results(s, &reps);
        RunResult {
            pooled,
            reps,
            curves,
            benchmarks,
            parameters: None,
        }
    }

    /// What every interval across this run's replications includes, in words.
    pub fn interval_scope(&self) -> String {
        match &self.parameters {
            Some(words) => format!("95% interval {words}"),
            None => "Monte Carlo precision only: the parameters are fixed at the scenario's values"
                .into(),
        }
    }

    /// The retention bands' method ([`super::band_method`]), with what they include when the
    /// replications ran with parameter sets.
    pub fn band_method(&self) -> String {
        let method = super::band_method(self.reps.len());
        match &self.parameters {
            Some(words) => format!("{method}, {words}"),
            None => method,
        }
    }
}
