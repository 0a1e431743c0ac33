//! Entry-cohort measures: who of named graduation years is still serving at a date, and how
//! long they serve within a horizon, from the per-cohort tallies (entrants, exits by calendar
//! month, contract-end date).

use super::ratio;
use crate::benchmark::{CohortAt, CohortFrom};
use crate::engine::tally::{MONTHS, Tally};
use crate::scenario::Scenario;

/// An entry cohort's retention (see `Metric::CohortRetention`): of the cohorts' members counted
/// `from` entry or their contract end, the share still serving `at` a date or a time after that
/// start. A cohort whose start or measurement falls outside the run is left out; NaN if none is
/// left.
pub(super) fn cohort_retention(
    s: &Scenario,
    t: &Tally,
    p: usize,
    cohorts: Option<(i32, i32)>,
    from: CohortFrom,
    at: CohortAt,
) -> f64 {
    let run_months = (t.years * MONTHS) as i64;
    let (mut base, mut stayers) = (0u64, 0u64);
    for c in cohort_range(s, t, cohorts) {
        let Some(begins) = cohort_start(t, p, c, from) else {
            continue;
        };
        let begins = begins as i64;
        let measured = match at {
            CohortAt::Date { year, month } => s.simulation.months_to_end_of(year, month),
            CohortAt::After { months } => begins + months as i64,
        };
        // Counted only once its start has passed by the date (a survey of those who had
        // completed their contracts), and only where the run reaches the measurement.
        if begins > measured || measured > run_months {
            continue;
        }
        base += t.cohort_serving(p, c, begins as usize);
        stayers += t.cohort_serving(p, c, measured as usize);
    }
    ratio(stayers, base)
}

/// The restricted mean stay (see `Metric::MeanStay`): of the cohorts' members counted `from`
/// entry or their contract end, the mean years served within `months` after that start, counted
/// at each month's end (a member serving at the end of k of the months served k/12 years). A
/// cohort whose horizon ends after the run is left out; NaN if none is left.
pub(super) fn mean_stay(
    s: &Scenario,
    t: &Tally,
    p: usize,
    cohorts: Option<(i32, i32)>,
    from: CohortFrom,
    months: u32,
) -> f64 {
    let run_months = t.years * MONTHS;
    let (mut base, mut served) = (0u64, 0u64);
    for c in cohort_range(s, t, cohorts) {
        let Some(begins) = cohort_start(t, p, c, from) else {
            continue;
        };
        let horizon = begins + months as usize;
        if horizon > run_months {
            continue;
        }
        // The months' ends after the start: the exits up to each, accumulated once.
        let entrants = t.cohort_entrants[p * t.years + c] as u64;
        let row = t.cohort_exit_index(p, c, 0);
        let exits = &t.cohort_exits[row..row + run_months];
        let mut gone: u64 = exits[..begins].iter().map(|&n| n as u64).sum();
        base += entrants - gone;
        for &n in &exits[begins..horizon] {
            gone += n as u64;
            served += entrants - gone;
        }
    }
    if base == 0 {
        return f64::NAN;
    }
    served as f64 / base as f64 / MONTHS as f64
}

/// The run's cohort indices of entry years `first..=last` (every cohort when `None`), clipped
/// to the run.
fn cohort_range(s: &Scenario, t: &Tally, cohorts: Option<(i32, i32)>) -> std::ops::Range<usize> {
    let start = s.simulation.start_year;
    let (first, last) = cohorts.unwrap_or((start, start + t.years as i32 - 1));
    let lo = (first - start).max(0);
    let hi = (last - start + 1).clamp(0, t.years as i32);
    lo.min(hi) as usize..hi as usize
}

/// The month of the run at which a cohort is counted from: its entry, or its contract end
/// (`None` where it has none).
fn cohort_start(t: &Tally, p: usize, c: usize, from: CohortFrom) -> Option<usize> {
    match from {
        CohortFrom::Entry => Some(c * MONTHS),
        CohortFrom::ContractEnd => {
            let end = t.cohort_contract_end[p * t.years + c];
            end.is_finite()
                .then(|| (end as f64 * MONTHS as f64).round() as usize)
        }
    }
}
