//! Statistics of a run: retention curves with confidence bands, benchmark comparisons.
//!
//! Replications are independent draws of the whole system, while workers within one
//! replication are not independent (they compete for posts and quotas), so intervals are
//! computed *across replications* (Student t on the per-replication values). With a single
//! replication the retention band falls back to Greenwood's formula with a log–log transform,
//! and says so.

pub mod breakdown;
mod cohorts;
pub mod curves;
pub mod interval;
pub mod survival;

use crate::benchmark::{Benchmark, Metric, Stage};
use crate::engine::tally::MONTHS;
use crate::engine::tally::{Phase, REASONS, RETIRED, Tally};
pub mod result;
pub mod validation;
use crate::scenario::Scenario;
use curves::curves;
pub use curves::{Curve, CurveRow, band_method};
pub use result::{RepMetrics, RunResult};
pub use validation::{BenchmarkResult, VERDICT_RULE, Verdict, judge, validation_table};

/// Per-replication metrics from one replication's tally.
pub fn rep_metrics(s: &Scenario, t: &Tally) -> RepMetrics {
    let (survival, observed) = survival_curves(s, t);
    // An effect target needs its counterfactual's tally too (`effect_value`): NaN until the
    // runner fills it in, so that a level is never read as an effect.
    let benchmarks = s
        .benchmarks
        .iter()
        .map(|b| match b.counterfactual {
            Some(_) => f64::NAN,
            None => metric_value(s, t, &survival, &observed, &b.metric),
        })
        .collect();
    let vacancy = t
        .staffing
        .iter()
        .map(|st| {
            if st.posts > 0 {
                st.posts.saturating_sub(st.filled) as f64 / st.posts as f64
            } else {
                f64::NAN
            }
        })
        .collect();
    let uncovered = t
        .villages
        .iter()
        .map(|v| ratio(v.uncovered, v.villages))
        .collect();
    // Summed in year order, each year weighted by its deflator and discount factor.
    let e = &s.economics;
    let year = |y: usize| s.simulation.start_year + y as i32;
    let (mut cost, mut cost_nominal, mut worker_years, mut worker_years_discounted) =
        (0.0, 0.0, 0.0, 0.0);
    for (y, c) in t.cost.iter().enumerate() {
        cost += c.total() * e.cost_weight(year(y));
        cost_nominal += c.total();
        worker_years += c.serving_years;
        worker_years_discounted += c.serving_years * e.effect_weight(year(y));
    }
    let (mut village_years_staffed, mut village_years_staffed_discounted) = (0.0, 0.0);
    for (y, v) in t.villages.iter().enumerate() {
        let staffed = v.villages.saturating_sub(v.uncovered) as f64;
        village_years_staffed += staffed;
        village_years_staffed_discounted += staffed * e.effect_weight(year(y));
    }
    let mut placed_survival = Vec::with_capacity(s.pathways.len() * 2 * (t.years + 1));
    for p in 0..s.pathways.len() {
        for remote in [false, true] {
            let rows = survival::placed_life_table(t, p, remote);
            placed_survival.extend(rows.iter().map(|r| r.retention));
        }
    }
    RepMetrics {
        breakdown: breakdown::rep_breakdown(s, t),
        placed_survival,
        survival,
        benchmarks,
        vacancy,
        uncovered,
        cost,
        cost_nominal,
        worker_years,
        worker_years_discounted,
        village_years_staffed,
        village_years_staffed_discounted,
        outflow: ratio(
            t.staffing.iter().map(|s| s.leavers).sum(),
            t.staffing.iter().map(|s| s.filled).sum(),
        ),
        village_fill: t
            .villages
            .iter()
            .map(|v| ratio(v.filled.min(v.posts), v.posts))
            .collect(),
    }
}

fn ratio(num: u64, den: u64) -> f64 {
    if den == 0 {
        f64::NAN
    } else {
        num as f64 / den as f64
    }
}

/// An effect target's value in one replication: its metric under the counterfactual `cf`
/// (tally `ct`, the same replication at the same seed) against the scenario `s` (tally `t`):
/// their difference, or that difference relative to the scenario's value.
pub fn effect_value(s: &Scenario, t: &Tally, cf: &Scenario, ct: &Tally, b: &Benchmark) -> f64 {
    let c = b.counterfactual.as_ref().expect("an effect target");
    c.effect(level(s, t, &b.metric), level(cf, ct, &b.metric))
}

/// A metric's value in one tally, with the survival curves it may read computed here.
fn level(s: &Scenario, t: &Tally, m: &Metric) -> f64 {
    let (survival, observed) = survival_curves(s, t);
    metric_value(s, t, &survival, &observed, m)
}

/// Every pathway's product-limit retention per whole year (pathway × 0..=years), and whether
/// each year was observed: a retention value is only defined where someone was still followed.
fn survival_curves(s: &Scenario, t: &Tally) -> (Vec<f64>, Vec<bool>) {
    let mut survival = Vec::with_capacity(s.pathways.len() * (t.years + 1));
    let mut observed = Vec::with_capacity(survival.capacity());
    for p in 0..s.pathways.len() {
        let rows = survival::life_table(t, p);
        survival.extend(rows.iter().map(|r| r.retention));
        observed.extend(rows.iter().map(|r| r.observed()));
    }
    (survival, observed)
}

/// The value of a metric in one tally (NaN where it is undefined, e.g. nobody at risk).
/// `survival` and `observed` are per pathway × whole year, as `rep_metrics` builds them.
pub fn metric_value(
    s: &Scenario,
    t: &Tally,
    survival: &[f64],
    observed: &[bool],
    m: &Metric,
) -> f64 {
    let row = t.years + 1;
    let surv = |p: usize, y: u32| -> f64 {
        if (y as usize) < row {
            survival[p * row + y as usize]
        } else {
            f64::NAN
        }
    };
    let observed =
        |p: usize, y: u32| -> bool { (y as usize) < row && observed[p * row + y as usize] };
    match *m {
        Metric::Retention { pathway, year } => {
            let p = pathway.0 as usize;
            if observed(p, year) {
                surv(p, year)
            } else {
                f64::NAN
            }
        }
        Metric::ConditionalRetention {
            pathway,
            from_year,
            year,
        } => {
            let p = pathway.0 as usize;
            let from = surv(p, from_year);
            if from > 0.0 && observed(p, year) {
                surv(p, year) / from
            } else {
                f64::NAN
            }
        }
        Metric::TitleShare {
            pathway,
            year,
            titles,
        } => {
            let p = pathway.0 as usize;
            if year as usize > t.years {
                return f64::NAN;
            }
            let (mut hit, mut all) = (0, 0);
            for (r, on) in titles.iter().enumerate() {
                let n = t.title_by_duration[t.title_duration_index(p, year as usize, r)];
                all += n;
                if *on {
                    hit += n;
                }
            }
            ratio(hit, all)
        }
        Metric::CentreTitleShare {
            calendar_year,
            titles,
        } => {
            let y = calendar_year - s.simulation.start_year;
            if y < 0 || y as usize >= t.years {
                return f64::NAN;
            }
            let counts = &t.centre_titles[y as usize * 4..y as usize * 4 + 4];
            let hit: u64 = counts
                .iter()
                .zip(titles)
                .filter(|(_, on)| *on)
                .map(|(n, _)| *n)
                .sum();
            ratio(hit, counts.iter().sum())
        }
        Metric::ExitShare {
            pathway,
            destination,
        } => {
            let p = pathway.0 as usize;
            let at = |r: usize| t.exits[t.exit_index(p, Phase::AfterContract, r)];
            let all: u64 = (0..REASONS - 1).map(at).sum();
            ratio(at(destination as usize), all)
        }
        Metric::CohortRetention {
            pathway,
            cohorts,
            from,
            at,
        } => cohorts::cohort_retention(s, t, pathway.0 as usize, cohorts, from, at),
        Metric::MeanStay {
            pathway,
            cohorts,
            from,
            months,
        } => cohorts::mean_stay(s, t, pathway.0 as usize, cohorts, from, months),
        Metric::AnnualOutflow { years } => match year_range(s, t, years) {
            Some(r) => {
                let leavers: u64 = t.staffing[r.clone()].iter().map(|s| s.leavers).sum();
                let heads: u64 = t.staffing[r].iter().map(|s| s.filled).sum();
                ratio(leavers, heads)
            }
            None => f64::NAN,
        },
        Metric::ReportRate { pathway } => {
            let pc = t.pipeline_through(pathway.0 as usize, t.years);
            ratio(pc.reported, pc.finished_residency)
        }
        Metric::PipelineShare {
            pathway,
            stage,
            of,
            date: (year, month),
        } => {
            // Pipeline events happen at a simulated year's start: those of year y are in by the
            // end of a month that ends after it began.
            let months = s.simulation.months_to_end_of(year, month);
            if months <= 0 || months > (t.years * MONTHS) as i64 {
                return f64::NAN;
            }
            let years = (months as usize).div_ceil(MONTHS);
            let pc = t.pipeline_through(pathway.0 as usize, years);
            ratio(stage_count(&pc, stage), stage_count(&pc, of))
        }
        Metric::HeadcountRatio {
            pathway,
            calendar_year,
            relative_to,
        } => {
            let p = pathway.0 as usize;
            match (
                headcount(s, t, p, calendar_year),
                headcount(s, t, p, relative_to),
            ) {
                (Some(n), Some(base)) => ratio(n, base),
                _ => f64::NAN,
            }
        }
        Metric::ExitRate {
            pathway,
            years,
            retirement_only,
        } => match year_range(s, t, years) {
            Some(r) => {
                let p = pathway.0 as usize;
                let (mut exits, mut heads) = (0u64, 0u64);
                for y in r {
                    let at = |reason| t.exits_by_year[t.exit_year_index(p, y, reason)] as u64;
                    exits += if retirement_only {
                        at(RETIRED)
                    } else {
                        (0..REASONS).map(at).sum()
                    };
                    heads += headcount_at(t, p, y);
                }
                ratio(exits, heads)
            }
            None => f64::NAN,
        },
        Metric::AgeMean {
            pathway,
            calendar_year,
        } => match age_row(s, t, pathway.0 as usize, calendar_year) {
            // Whole-year bins: a worker aged a ∈ [k, k+1) is counted at k + 0.5.
            Some(row) => {
                let n: u64 = row.iter().map(|&c| c as u64).sum();
                let sum: f64 = row
                    .iter()
                    .enumerate()
                    .map(|(a, &c)| (a as f64 + 0.5) * c as f64)
                    .sum();
                if n > 0 { sum / n as f64 } else { f64::NAN }
            }
            None => f64::NAN,
        },
        Metric::AgeShare {
            pathway,
            calendar_year,
            min_age,
        } => match age_row(s, t, pathway.0 as usize, calendar_year) {
            Some(row) => {
                let n: u64 = row.iter().map(|&c| c as u64).sum();
                let old: u64 = row[(min_age as usize).min(row.len())..]
                    .iter()
                    .map(|&c| c as u64)
                    .sum();
                ratio(old, n)
            }
            None => f64::NAN,
        },
    }
}

/// The simulated years (indices) that begin in calendar years `first..=last`, or every one;
/// `None` where the range lies outside the run.
fn year_range(
    s: &Scenario,
    t: &Tally,
    years: Option<(i32, i32)>,
) -> Option<std::ops::Range<usize>> {
    let start = s.simulation.start_year;
    let Some((first, last)) = years else {
        return Some(0..t.years);
    };
    let (a, b) = (first - start, last - start);
    (a >= 0 && b >= a && (b as usize) < t.years).then(|| a as usize..b as usize + 1)
}

/// How many of a pipeline's students had reached a stage.
fn stage_count(pc: &crate::engine::tally::PipelineCounts, stage: Stage) -> u64 {
    match stage {
        Stage::Enrolled => pc.enrolled,
        Stage::Graduated => pc.graduated,
        Stage::FinishedResidency => pc.finished_residency,
        Stage::Reported => pc.reported,
    }
}

/// A pathway's serving workers at the census of simulated year `y`.
fn headcount_at(t: &Tally, p: usize, y: usize) -> u64 {
    let i = t.age_index(p, y, 0.0);
    t.ages[i..i + crate::engine::tally::AGE_BINS]
        .iter()
        .map(|&c| c as u64)
        .sum()
}

/// A pathway's serving workers at the census of a calendar year, if the run covers it.
fn headcount(s: &Scenario, t: &Tally, p: usize, calendar_year: i32) -> Option<u64> {
    age_row(s, t, p, calendar_year).map(|row| row.iter().map(|&c| c as u64).sum())
}

/// The age counts of a pathway's serving workers at the start of a calendar year.
fn age_row<'t>(s: &Scenario, t: &'t Tally, p: usize, calendar_year: i32) -> Option<&'t [u32]> {
    let y = calendar_year - s.simulation.start_year;
    if y < 0 || y as usize >= t.years {
        return None;
    }
    let i = t.age_index(p, y as usize, 0.0);
    Some(&t.ages[i..i + crate::engine::tally::AGE_BINS])
}
