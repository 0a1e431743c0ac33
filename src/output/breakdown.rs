//! The breakdown tables of a run, tidy and long (one row per group × year): retention by entry
//! cohort, staffing and village coverage by the remoteness of the township, the retention of
//! the workers placed in remote and other townships, and the spread across counties.
//!
//! Counts are per replication on average, shares the mean over replications with the 95%
//! Student-t interval across them (Monte Carlo precision only), as in the whole-run tables, and
//! the column names are theirs where the quantity is the same.

use super::csv::{Table, cells, num6 as f};
use crate::population::PathwayKind;
use crate::scenario::Scenario;
use crate::stats::RunResult;
use crate::stats::breakdown::{COUNTY_STATS, REMOTENESS};
use crate::stats::curves::placed_curve;
use crate::stats::interval::mean_ci;

/// `retention_by_cohort.csv`: `pathway,entry_year,years_since_entry,replications,
/// entrants_per_replication,serving_per_replication,retention,retention_ci_low,retention_ci_high`.
/// Of the workers who entered service in `entry_year` (for a training pathway, the year they
/// took up their post), the share still serving `years_since_entry` whole years after the start
/// of that year: the mean over replications of each replication's share, with its interval.
/// Rows run while the run reaches the date; a cohort nobody entered in any replication, and the
/// incumbents (the stock at the start, who belong to no cohort), have none.
pub fn retention_by_cohort_csv(s: &Scenario, r: &RunResult) -> String {
    let mut out = Table::new([
        "pathway",
        "entry_year",
        "years_since_entry",
        "replications",
        "entrants_per_replication",
        "serving_per_replication",
        "retention",
        "retention_ci_low",
        "retention_ci_high",
    ]);
    let years = s.simulation.years as usize;
    let reps = r.reps.len().max(1) as f64;
    for (p, pw) in s.pathways.iter().enumerate() {
        if pw.kind == PathwayKind::Incumbent {
            continue;
        }
        for c in 0..years {
            let entrants: u64 = r
                .reps
                .iter()
                .map(|m| m.breakdown.cohort_entrants[p * years + c] as u64)
                .sum();
            if entrants == 0 {
                continue;
            }
            for k in 0..=years - c {
                let serving: u64 = r
                    .reps
                    .iter()
                    .map(|m| m.breakdown.cohort_serving[(p * years + c) * (years + 1) + k] as u64)
                    .sum();
                let ci = mean_ci(r.reps.iter().map(|m| m.breakdown.cohort_retention(p, c, k)));
                out.row(cells![
                    pw.name,
                    s.simulation.start_year + c as i32,
                    k,
                    r.reps.len(),
                    format!("{:.2}", entrants as f64 / reps),
                    format!("{:.2}", serving as f64 / reps),
                    f(ci.mean),
                    f(ci.low),
                    f(ci.high),
                ]);
            }
        }
    }
    out.finish()
}

/// `retention_by_remoteness.csv`: the columns of `retention.csv` with `remoteness`
/// (`not_remote`, `remote`: below or at/above `region.remote_threshold`) after `pathway`. The
/// workers a pathway placed at a township centre during the run (hires, order-oriented
/// graduates when placed; not the stock at the start), by the remoteness of that township and
/// whole years since entry. Pathways that placed nobody at a centre have no rows.
pub fn retention_by_remoteness_csv(s: &Scenario, r: &RunResult) -> String {
    let mut out = Table::new([
        "pathway",
        "remoteness",
        "year",
        "replications",
        "at_risk_pooled",
        "events_pooled",
        "censored_pooled",
        "km_pooled",
        "retention_mean",
        "retention_mean_ci_low",
        "retention_mean_ci_high",
    ]);
    for (p, pw) in s.pathways.iter().enumerate() {
        for (class, remote) in REMOTENESS.iter().zip([false, true]) {
            if r.pooled.placed_entrants[p * 2 + usize::from(remote)] == 0 {
                continue;
            }
            let c = placed_curve(&pw.name, &r.pooled, p, remote, &r.reps);
            for row in &c.rows {
                let v = |x: f64| if row.observed() { f(x) } else { String::new() };
                out.row(cells![
                    pw.name,
                    class,
                    row.year,
                    c.replications,
                    row.at_risk_start,
                    row.events,
                    row.censored,
                    v(row.km_pooled),
                    v(row.retention),
                    v(row.ci_low),
                    v(row.ci_high)
                ]);
            }
        }
    }
    out.finish()
}

/// `staffing_by_remoteness.csv`: per `remoteness` (`not_remote`, `remote`) and calendar year,
/// the columns of `staffing.csv` (but `blocked_promotion`, counted region-wide) and the village
/// columns of `villages.csv` for the villages of those townships. The two classes add up to the
/// whole-run tables' counts.
pub fn staffing_by_remoteness_csv(s: &Scenario, r: &RunResult) -> String {
    let mut out = Table::new(
        "remoteness,year,posts,filled,vacancy_share,vacancy_ci_low,vacancy_ci_high,advertised,hired,cancelled_below_ratio,order_oriented_placed,leavers,outflow_rate,villages,without_doctor,without_doctor_share,without_doctor_ci_low,without_doctor_ci_high,village_posts,village_posts_filled"
            .split(','),
    );
    let t = &r.pooled;
    let reps = r.reps.len().max(1) as f64;
    let d1 = |x: u64| format!("{:.1}", x as f64 / reps);
    for (class, name) in REMOTENESS.iter().enumerate() {
        for y in 0..t.years {
            let st = &t.staffing_by_remoteness[y * 2 + class];
            let vc = &t.villages_by_remoteness[y * 2 + class];
            let v = mean_ci(
                r.reps
                    .iter()
                    .map(|m| m.breakdown.vacancy_by_remoteness[y * 2 + class]),
            );
            let u = mean_ci(
                r.reps
                    .iter()
                    .map(|m| m.breakdown.uncovered_by_remoteness[y * 2 + class]),
            );
            let outflow = if st.filled > 0 {
                st.leavers as f64 / st.filled as f64
            } else {
                f64::NAN
            };
            out.row(cells![
                name,
                s.simulation.start_year + y as i32,
                d1(st.posts),
                d1(st.filled),
                f(v.mean),
                f(v.low),
                f(v.high),
                d1(st.advertised),
                d1(st.hired),
                d1(st.cancelled),
                d1(st.placed),
                d1(st.leavers),
                f(outflow),
                d1(vc.villages),
                d1(vc.uncovered),
                f(u.mean),
                f(u.low),
                f(u.high),
                d1(vc.posts),
                d1(vc.filled),
            ]);
        }
    }
    out.finish()
}

/// `counties.csv`: per calendar year and `statistic` (`median`, `p90`, `worst`), that statistic
/// of the region's counties in each replication — vacant share of centre posts and share of
/// villages with nobody serving, each taken over counties on its own — averaged over
/// replications with its interval. A county index names a different drawn county in each
/// replication, so the spread, not any one county, is what carries over.
pub fn counties_csv(s: &Scenario, r: &RunResult) -> String {
    let mut out = Table::new([
        "year",
        "statistic",
        "counties",
        "vacancy_share",
        "vacancy_ci_low",
        "vacancy_ci_high",
        "without_doctor_share",
        "without_doctor_ci_low",
        "without_doctor_ci_high",
    ]);
    let n = COUNTY_STATS.len();
    for y in 0..s.simulation.years as usize {
        for (i, stat) in COUNTY_STATS.iter().enumerate() {
            let v = mean_ci(r.reps.iter().map(|m| m.breakdown.county_vacancy[y * n + i]));
            let u = mean_ci(
                r.reps
                    .iter()
                    .map(|m| m.breakdown.county_uncovered[y * n + i]),
            );
            out.row(cells![
                s.simulation.start_year + y as i32,
                stat,
                s.region.counties,
                f(v.mean),
                f(v.low),
                f(v.high),
                f(u.mean),
                f(u.low),
                f(u.high),
            ]);
        }
    }
    out.finish()
}
