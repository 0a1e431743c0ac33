//! Retention curves as the outputs print them: the pooled life table of every pathway beside the
//! mean of the replications' Kaplan–Meier curves and its band.

use super::RepMetrics;
use super::interval::mean_ci;
use super::survival::{self, LifeRow};
use crate::engine::tally::Tally;
use crate::scenario::Scenario;

/// A retention curve with its band.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    pub pathway: String,
    /// Replications pooled into the counts (and averaged into `CurveRow::retention`).
    pub replications: usize,
    pub rows: Vec<CurveRow>,
}

/// One whole year since entering service: the life-table interval (`year − 1`, `year`] of the
/// counts pooled over every replication, and the retention at `year`. Year 0 is the entry row
/// (`at_risk_start` = `at_risk` = entrants, no events, retention 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurveRow {
    pub year: usize,
    /// Under observation at the start of the interval, `year − 1` years after entry, pooled
    /// over replications (the life table's "number at risk").
    pub at_risk_start: u64,
    /// Still under observation exactly `year` years after entry, after this interval's events
    /// and censorings (the next row's `at_risk_start`), pooled over replications.
    pub at_risk: u64,
    /// Exits in the interval, pooled over replications.
    pub events: u64,
    /// Censorings in the interval, pooled over replications.
    pub censored: u64,
    /// Product-limit (Kaplan–Meier) retention at `year` of the pooled counts, computed over the
    /// 1/52-year bins.
    pub km_pooled: f64,
    /// Mean of the replications' Kaplan–Meier retention at `year` (with one replication, its
    /// curve, which is `km_pooled`). The curve the plots, report and headlines show.
    pub retention: f64,
    /// 95% interval of `retention`: with several replications the Student-t interval of the mean
    /// across replications (the Monte Carlo precision of the mean curve); with one, Greenwood's
    /// variance with a log–log transform. See `band_method`.
    pub ci_low: f64,
    pub ci_high: f64,
}

impl CurveRow {
    /// Whether the pooled curve has a value at `year` (see `LifeRow::observed`): false past the
    /// end of follow-up, where the outputs leave retention empty.
    pub fn observed(&self) -> bool {
        self.at_risk > 0 || self.events > 0
    }
}

/// How the retention band was computed, in words (printed on plots and in outputs).
pub fn band_method(reps: usize) -> String {
    if reps > 1 {
        format!(
            "95% CI: Student-t interval of the mean Kaplan–Meier retention across {reps} replications"
        )
    } else {
        "95% CI: Greenwood variance, log–log transform (1 replication)".to_string()
    }
}

/// Retention curves of every pathway: counts pooled over replications; `retention` is the mean
/// of the replications' product-limit curves, so that it always lies inside its band, and
/// `km_pooled` the product-limit curve of the pooled counts.
pub(super) fn curves(s: &Scenario, pooled: &Tally, reps: &[RepMetrics]) -> Vec<Curve> {
    let survival: Vec<&[f64]> = reps.iter().map(|m| &m.survival[..]).collect();
    s.pathways
        .iter()
        .enumerate()
        .map(|(p, pw)| curve(&pw.name, pooled, p, &survival))
        .collect()
}

/// The curve of pathway `p`, named `name`, from the pooled tally and each replication's
/// product-limit retention per pathway × whole year (`RepMetrics::survival`).
pub fn curve(name: &str, pooled: &Tally, p: usize, survival: &[&[f64]]) -> Curve {
    let row = pooled.years + 1;
    curve_of(
        name,
        &survival::life_table(pooled, p),
        survival.len(),
        |rep, y| survival[rep][p * row + y],
    )
}

/// The retention of the workers pathway `p` placed at a centre during the run, in remote
/// (`remote`) or other townships (`survival::placed_life_table`), as a curve like `curve`'s.
pub fn placed_curve(
    name: &str,
    pooled: &Tally,
    p: usize,
    remote: bool,
    reps: &[RepMetrics],
) -> Curve {
    let row = pooled.years + 1;
    let i = p * 2 + usize::from(remote);
    curve_of(
        name,
        &survival::placed_life_table(pooled, p, remote),
        reps.len(),
        |rep, y| reps[rep].placed_survival[i * row + y],
    )
}

/// A curve from the pooled life table and `at(replication, year)`, each replication's
/// product-limit retention.
fn curve_of(name: &str, table: &[LifeRow], reps: usize, at: impl Fn(usize, usize) -> f64) -> Curve {
    let rows = table
        .iter()
        .map(|lr: &LifeRow| {
            let (retention, lo, hi) = if reps > 1 {
                let ci = mean_ci((0..reps).map(|rep| at(rep, lr.year)));
                (ci.mean, ci.low, ci.high)
            } else {
                let (lo, hi) = survival::loglog_interval(lr.retention, lr.greenwood_var);
                (lr.retention, lo, hi)
            };
            CurveRow {
                year: lr.year,
                at_risk_start: lr.at_risk_start,
                at_risk: lr.at_risk,
                events: lr.events,
                censored: lr.censored,
                km_pooled: lr.retention,
                retention,
                ci_low: lo.clamp(0.0, 1.0),
                ci_high: hi.clamp(0.0, 1.0),
            }
        })
        .collect();
    Curve {
        pathway: name.to_string(),
        replications: reps,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::tables::retention_csv;

    /// A tally of one pathway from exit and censoring times.
    fn tally(years: usize, exits: &[f64], censorings: &[f64]) -> Tally {
        let mut t = Tally::new(1, years);
        t.entrants[0] = (exits.len() + censorings.len()) as u64;
        for &d in exits {
            let b = t.bin(d);
            t.events[b] += 1;
        }
        for &d in censorings {
            let b = t.bin(d);
            t.censored[b] += 1;
        }
        t
    }

    fn survival(t: &Tally) -> Vec<f64> {
        survival::life_table(t, 0)
            .iter()
            .map(|r| r.retention)
            .collect()
    }

    /// One replication: an exit at 0.5 and censorings at 1.5, 2.3 and 2.7 among 4. Counts are
    /// at risk at the interval's start; S(1) = S(2) = 3/4 with Greenwood's log–log band; the 2 at
    /// risk in year 3 are censored before it ends and nobody is left in year 4, so both rows have
    /// their counts and empty retention cells.
    #[test]
    fn one_replication_prints_the_life_table_and_leaves_cells_past_follow_up_empty() {
        let t = tally(4, &[0.5], &[1.5, 2.3, 2.7]);
        let sv = survival(&t);
        let c = curve("a", &t, 0, &[&sv]);
        for r in &c.rows {
            assert_eq!(r.km_pooled, r.retention, "one replication: its own curve");
        }
        let csv = retention_csv(&[c]);
        let (lo, hi) = survival::loglog_interval(0.75, 0.75f64.powi(2) / 12.0);
        let band = format!("{lo:.6},{hi:.6}");
        let want = [
            "pathway,year,replications,at_risk_pooled,events_pooled,censored_pooled,km_pooled,retention_mean,retention_mean_ci_low,retention_mean_ci_high".to_string(),
            "a,0,1,4,0,0,1.000000,1.000000,1.000000,1.000000".to_string(),
            format!("a,1,1,4,1,0,0.750000,0.750000,{band}"),
            format!("a,2,1,3,0,1,0.750000,0.750000,{band}"),
            "a,3,1,2,0,2,,,,".to_string(),
            "a,4,1,0,0,0,,,,".to_string(),
        ];
        assert_eq!(csv.lines().collect::<Vec<_>>(), want);
        // By hand: se = √(S²/12) / (S |ln S|) = 1.00345; 0.75^exp(±1.96 se) = 0.12795 … 0.96055.
        assert!(
            (lo - 0.127_95).abs() < 1e-4 && (hi - 0.960_55).abs() < 1e-4,
            "{lo} {hi}"
        );
    }

    /// Two replications: A as above (4 workers), B an exit at 0.6 and a censoring at 3.5. The
    /// pooled product-limit curve of the 6 is 5/6 · 4/5 = 2/3 after the exits at 0.5 and 0.6;
    /// the mean of A's 3/4 and B's 1/2 is 0.625, with a t(1) band clamped to [0, 1]. Year 4 has
    /// one at risk at its start, censored at 3.5: no value.
    #[test]
    fn pooled_kaplan_meier_is_printed_beside_the_mean_of_the_replications() {
        let (a, b) = (tally(4, &[0.5], &[1.5, 2.3, 2.7]), tally(4, &[0.6], &[3.5]));
        let mut pooled = a.clone();
        pooled += &b;
        let (sa, sb) = (survival(&a), survival(&b));
        let c = curve("b", &pooled, 0, &[&sa, &sb]);
        assert_eq!(c.replications, 2);
        let csv = retention_csv(&[c]);
        let want = [
            "b,0,2,6,0,0,1.000000,1.000000,1.000000,1.000000",
            "b,1,2,6,2,0,0.666667,0.625000,0.000000,1.000000",
            "b,2,2,4,0,1,0.666667,0.625000,0.000000,1.000000",
            "b,3,2,3,0,2,0.666667,0.625000,0.000000,1.000000",
            "b,4,2,1,0,1,,,,",
        ];
        assert_eq!(csv.lines().skip(1).collect::<Vec<_>>(), want);
    }
}
