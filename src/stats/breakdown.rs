//! Breakdowns of one replication: staffing and village coverage by the remoteness of the
//! township, their spread across the region's counties, retention by entry cohort, and the
//! yearly flows (cost, worker-years, staffed village-years) that a policy starting part-way
//! through the run is summed over from its first year.
//!
//! A policy that starts in year Y cannot touch the cohorts that entered before Y, nor any year
//! before Y; pooled over the whole run its effect is diluted by them. These per-replication
//! values let the outputs (and `compare`, through `headline::from_year`) summarise a scenario on
//! exactly the groups and years a policy reaches, keeping the replication pairing.

use super::ratio;
use crate::engine::tally::{CountyYear, MONTHS, Tally};
use crate::scenario::Scenario;

/// The county statistics of `RepBreakdown::county_vacancy` and `county_uncovered`, in order.
pub const COUNTY_STATS: [&str; 3] = ["median", "p90", "worst"];

/// The two township classes of the remoteness breakdowns, in index order (0 not remote, 1
/// remote: at or above `region.remote_threshold`).
pub const REMOTENESS: [&str; 2] = ["not_remote", "remote"];

/// One replication's breakdowns.
#[derive(Debug, Clone, PartialEq)]
pub struct RepBreakdown {
    /// Vacant share of centre posts per year × (not remote, remote); NaN where there are no
    /// posts of the class.
    pub vacancy_by_remoteness: Vec<f64>,
    /// Share of villages with nobody serving per year × (not remote, remote).
    pub uncovered_by_remoteness: Vec<f64>,
    /// Across the replication's counties, per year × `COUNTY_STATS`: the median, the 90th
    /// percentile (linear interpolation between order statistics) and the worst county's
    /// vacant share of centre posts. Each statistic is taken over counties separately, so the
    /// worst county for vacancies need not be the worst for villages.
    pub county_vacancy: Vec<f64>,
    /// The same for the share of villages with nobody serving.
    pub county_uncovered: Vec<f64>,
    /// Entrants per pathway × entry cohort (calendar year index of entry).
    pub cohort_entrants: Vec<u32>,
    /// Of those, still serving `k` whole years after the start of their entry year, per
    /// pathway × cohort × `k` (0..=years); meaningful where cohort + k ≤ years (the run
    /// reaches the date), 0 elsewhere.
    pub cohort_serving: Vec<u32>,
    /// Public spending per year, yuan of `economics.base_year` prices discounted to that year.
    pub cost_by_year: Vec<f64>,
    /// Worker-years served in centre and village posts per year, discounted alike.
    pub worker_years_by_year: Vec<f64>,
    /// Villages with someone serving at the yearly census, discounted alike.
    pub village_years_by_year: Vec<f64>,
}

/// The breakdowns of replication tally `t` (which still holds its county rows).
pub fn rep_breakdown(s: &Scenario, t: &Tally) -> RepBreakdown {
    let years = t.years;
    let vacancy_by_remoteness = t
        .staffing_by_remoteness
        .iter()
        .map(|st| {
            if st.posts > 0 {
                st.posts.saturating_sub(st.filled) as f64 / st.posts as f64
            } else {
                f64::NAN
            }
        })
        .collect();
    let uncovered_by_remoteness = t
        .villages_by_remoteness
        .iter()
        .map(|v| ratio(v.uncovered, v.villages))
        .collect();
    let (county_vacancy, county_uncovered) = county_spread(&t.counties, years);
    let pathways = t.pathways;
    let mut cohort_serving = vec![0u32; pathways * years * (years + 1)];
    for p in 0..pathways {
        for c in 0..years {
            // One pass over the cohort's months: those gone by each whole year's end.
            let entrants = t.cohort_entrants[p * years + c];
            let start = t.cohort_exit_index(p, c, 0);
            let exits = &t.cohort_exits[start..start + years * MONTHS];
            let row = (p * years + c) * (years + 1);
            let mut gone = exits[..c * MONTHS].iter().sum::<u32>();
            cohort_serving[row] = entrants - gone;
            for k in 1..=years - c {
                let from = (c + k - 1) * MONTHS;
                gone += exits[from..from + MONTHS].iter().sum::<u32>();
                cohort_serving[row + k] = entrants - gone;
            }
        }
    }
    let e = &s.economics;
    let year = |y: usize| s.simulation.start_year + y as i32;
    RepBreakdown {
        vacancy_by_remoteness,
        uncovered_by_remoteness,
        county_vacancy,
        county_uncovered,
        cohort_entrants: t.cohort_entrants.clone(),
        cohort_serving,
        cost_by_year: (0..years)
            .map(|y| t.cost[y].total() * e.cost_weight(year(y)))
            .collect(),
        worker_years_by_year: (0..years)
            .map(|y| t.cost[y].serving_years * e.effect_weight(year(y)))
            .collect(),
        village_years_by_year: (0..years)
            .map(|y| {
                let v = &t.villages[y];
                v.villages.saturating_sub(v.uncovered) as f64 * e.effect_weight(year(y))
            })
            .collect(),
    }
}

impl RepBreakdown {
    /// Simulated years.
    fn years(&self) -> usize {
        self.cost_by_year.len()
    }

    /// Of pathway `p`'s cohorts entering in year index `from` or later, the share still serving
    /// `k` years after the start of their entry year, pooled over the cohorts the run follows
    /// that long; NaN when there are none (or they had no entrants).
    pub fn cohorts_retention(&self, p: usize, from: usize, k: usize) -> f64 {
        let years = self.years();
        self.pooled(p, from..(years + 1).saturating_sub(k).max(from), k)
    }

    /// One cohort's share still serving `k` years after the start of its entry year; NaN when
    /// the run ends before that date or the cohort had no entrants.
    pub fn cohort_retention(&self, p: usize, c: usize, k: usize) -> f64 {
        if c + k > self.years() {
            return f64::NAN;
        }
        self.pooled(p, c..c + 1, k)
    }

    fn pooled(&self, p: usize, cohorts: std::ops::Range<usize>, k: usize) -> f64 {
        let years = self.years();
        let (mut entrants, mut serving) = (0u64, 0u64);
        for c in cohorts {
            entrants += self.cohort_entrants[p * years + c] as u64;
            serving += self.cohort_serving[(p * years + c) * (years + 1) + k] as u64;
        }
        ratio(serving, entrants)
    }
}

/// Per year × `COUNTY_STATS`, the spread of the counties' vacancy and uncovered-village shares
/// (`rows`: each county's `years` rows, county after county). NaN when there are no rows (a
/// tally whose county rows were already dropped) or a county has no posts or villages.
fn county_spread(rows: &[CountyYear], years: usize) -> (Vec<f64>, Vec<f64>) {
    let counties = rows.len().checked_div(years).unwrap_or(0);
    let mut vacancy = vec![f64::NAN; years * COUNTY_STATS.len()];
    let mut uncovered = vec![f64::NAN; years * COUNTY_STATS.len()];
    let mut vs = Vec::with_capacity(counties);
    let mut us = Vec::with_capacity(counties);
    for y in 0..years {
        vs.clear();
        us.clear();
        for c in 0..counties {
            let r = &rows[c * years + y];
            if r.posts > 0 {
                vs.push(r.posts.saturating_sub(r.filled) as f64 / r.posts as f64);
            }
            if r.villages > 0 {
                us.push(r.uncovered as f64 / r.villages as f64);
            }
        }
        for (xs, out) in [(&mut vs, &mut vacancy), (&mut us, &mut uncovered)] {
            xs.sort_by(f64::total_cmp);
            for (i, q) in [0.5, 0.9, 1.0].into_iter().enumerate() {
                out[y * COUNTY_STATS.len() + i] = quantile(xs, q);
            }
        }
    }
    (vacancy, uncovered)
}

/// The `q` quantile of sorted `xs` by linear interpolation between order statistics (type 7 of
/// Hyndman and Fan, the default of R and NumPy); NaN when empty.
pub fn quantile(xs: &[f64], q: f64) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let h = (xs.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    xs[lo] + (h - lo as f64) * (xs[hi] - xs[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_between_order_statistics_as_r_and_numpy_do() {
        let xs = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert_eq!(quantile(&xs, 0.5), 3.0);
        // h = 4 × 0.9 = 3.6: 4 + 0.6 × (10 − 4).
        assert!((quantile(&xs, 0.9) - 7.6).abs() < 1e-12);
        assert_eq!(quantile(&xs, 1.0), 10.0);
        assert!(quantile(&[], 0.5).is_nan());
    }

    #[test]
    fn the_county_spread_is_taken_over_counties_year_by_year() {
        let row = |posts, filled, villages, uncovered| CountyYear {
            posts,
            filled,
            villages,
            uncovered,
        };
        let rows = [
            row(4, 4, 2, 0),
            row(4, 4, 2, 0),
            row(4, 3, 2, 0),
            row(4, 2, 2, 1),
            row(4, 2, 2, 1),
            row(4, 0, 2, 2),
        ];
        let (v, u) = county_spread(&rows, 2);
        let close = |a: &[f64], b: [f64; 3]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12);
        assert!(close(&v[..3], [0.25, 0.45, 0.5]), "{v:?}");
        assert!(close(&u[..3], [0.0, 0.4, 0.5]), "{u:?}");
        assert!(close(&v[3..], [0.5, 0.9, 1.0]), "{v:?}");
        assert!(close(&u[3..], [0.5, 0.9, 1.0]), "{u:?}");
    }
}
