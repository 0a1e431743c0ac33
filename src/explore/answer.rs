//! One run of a lever setting against the reference, as the page draws it: the retention
//! curves by pathway with their bands, the paired differences from the reference with their
//! intervals, the headline figures, value for money, and the benchmarks when the setting is the
//! status quo. The charts are the report's (the same drawing code as report.html and the PNGs).

use super::Explorer;
use crate::cancel::Cancel;
use crate::compare::decision::Decision;
use crate::compare::icer::RatioInterval;
use crate::engine::Silent;
use crate::output::plot::{Chart, PlotError};
use crate::runner;
use crate::scenario::Scenario;
use crate::stats::RunResult;
use serde::Serialize;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The headline figures the page lists, in this order.
pub const SHOWN: [&str; 10] = [
    "retention.order_oriented.y7",
    "retention.order_oriented.y10",
    "retention.open_recruit.y5",
    "retention.village_doctor.y10",
    "vacancy.mean",
    "vacancy.remote.mean",
    "villages_without_doctor.last",
    "worker_years_discounted",
    "cost_total",
    "cost_per_worker_year",
];

#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    pub scenario: String,
    pub reference: String,
    pub replications: u32,
    pub seed: u64,
    /// Wall time of this answer, seconds (the reference's run included when it was not cached).
    pub seconds: f64,
    pub status_quo: bool,
    pub charts: Charts,
    pub metrics: Vec<Figure>,
    pub value_for_money: ValueForMoney,
    pub benchmarks: Vec<BenchmarkFigure>,
    /// What the intervals are.
    pub interval_method: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Charts {
    pub retention: String,
    pub difference: String,
    pub plane: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub key: String,
    pub label: String,
    pub unit: &'static str,
    pub reference: f64,
    pub scenario: f64,
    pub difference: f64,
    pub low: f64,
    pub high: f64,
    /// The same figures as the terminal writes them.
    pub shown: [String; 4],
}

#[derive(Debug, Clone, Serialize)]
pub struct ValueForMoney {
    pub delta_cost: f64,
    pub delta_worker_years: f64,
    pub icer: f64,
    pub icer_low: Option<f64>,
    pub icer_high: Option<f64>,
    pub reading: &'static str,
    pub method: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct BenchmarkFigure {
    pub name: String,
    pub target: f64,
    pub simulated: f64,
    pub verdict: &'static str,
    pub source: String,
}

/// The reference's run at one replication count, kept while the page asks for that count.
#[derive(Default)]
pub struct ReferenceCache(Mutex<Option<(u32, Reference)>>);

/// The reference scenario and its run.
type Reference = Arc<(Scenario, RunResult)>;

impl ReferenceCache {
    fn get(
        &self,
        ex: &Explorer,
        replications: u32,
        cancel: &Cancel,
    ) -> Result<Option<Reference>, String> {
        if let Some((n, r)) = &*self.0.lock().unwrap_or_else(|p| p.into_inner())
            && *n == replications
        {
            return Ok(Some(r.clone()));
        }
        let s = ex
            .scenario(&[], replications)
            .map_err(|e| super::error_words(&e))?;
        let Some(r) = runner::run_until_cancelled(&s, &Silent, cancel) else {
            return Ok(None);
        };
        let both = Arc::new((s, r));
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some((replications, both.clone()));
        Ok(Some(both))
    }
}

/// Run `scenario` against the reference (at its replications, the same seed), unless `cancel`
/// is tripped first (`Ok(None)`).
pub fn answer(
    ex: &Explorer,
    cache: &ReferenceCache,
    scenario: Scenario,
    cancel: &Cancel,
) -> Result<Option<Answer>, String> {
    let start = Instant::now();
    let reps = scenario.simulation.replications;
    let Some(reference) = cache.get(ex, reps, cancel)? else {
        return Ok(None);
    };
    let Some(result) = runner::run_until_cancelled(&scenario, &Silent, cancel) else {
        return Ok(None);
    };
    let (rs, rr) = (&reference.0, &reference.1);
    let scenarios = vec![rs.clone(), scenario];
    let results = vec![rr.clone(), result];
    let runs: Vec<(&Scenario, &RunResult)> = scenarios.iter().zip(&results).collect();
    let heads = crate::compare::headlines_with_windows(&runs);
    let metrics = crate::compare::compare(&heads);
    let decision = Decision::new(&heads, crate::compare::decision::DEFAULT_OUTCOME, false)
        .map_err(|e| e.to_string())?;
    let draw = |e: PlotError| e.to_string();
    let charts = Charts {
        retention: crate::output::compare_panels(&scenarios, &results)
            .svg()
            .map_err(draw)?,
        difference: crate::output::differences::difference_panels(&scenarios, &results)
            .svg()
            .map_err(draw)?,
        plane: crate::output::comparison::plane(&scenarios, &decision)
            .svg()
            .map_err(draw)?,
    };
    use crate::compare::{human, human_diff};
    let figures = SHOWN
        .iter()
        .filter_map(|k| metrics.iter().find(|m| m.key == *k))
        .filter_map(|m| {
            let (a, b, d) = (m.values[0]?, m.values[1]?, m.diffs[1]?);
            Some(Figure {
                key: m.key.clone(),
                label: m.label.clone(),
                unit: m.unit.name(),
                reference: a.mean,
                scenario: b.mean,
                difference: d.paired.mean,
                low: d.paired.low,
                high: d.paired.high,
                shown: [
                    human(a.mean, m.unit),
                    human(b.mean, m.unit),
                    human_diff(d.paired.mean, m.unit),
                    format!(
                        "{} to {}",
                        human_diff(d.paired.low, m.unit),
                        human_diff(d.paired.high, m.unit)
                    ),
                ],
            })
        })
        .collect();
    let row = &decision.rows[0];
    let i = &row.incremental;
    let (icer_low, icer_high) = match i.interval {
        RatioInterval::Bounded { low, high } => (Some(low), Some(high)),
        _ => (None, None),
    };
    let status_quo = scenarios[1].hash == scenarios[0].hash;
    let benchmarks = if status_quo {
        results[1]
            .benchmarks
            .iter()
            .map(|b| BenchmarkFigure {
                name: b.benchmark.name.clone(),
                target: b.benchmark.value,
                simulated: b.simulated.mean,
                verdict: b.verdict.word(),
                source: b.benchmark.source.clone(),
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Some(Answer {
        scenario: scenarios[1].name.clone(),
        reference: scenarios[0].name.clone(),
        replications: reps,
        seed: scenarios[1].simulation.seed,
        seconds: start.elapsed().as_secs_f64(),
        status_quo,
        charts,
        metrics: figures,
        value_for_money: ValueForMoney {
            delta_cost: i.cost.mean,
            delta_worker_years: i.effect.mean,
            icer: i.icer,
            icer_low,
            icer_high,
            reading: i.quadrant.words(),
            method: decision.icer_method(),
        },
        benchmarks,
        interval_method: "95% Student-t interval of the paired per-replication differences (common random numbers; Monte Carlo precision only)".into(),
    }))
}
