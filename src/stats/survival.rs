//! Survival (retention) curves from the engine's binned event and censoring counts.
//!
//! Exits are timed exactly by the engine and binned at 1/52 year; the product-limit
//! (Kaplan–Meier) estimator runs over the bins, counting a bin's events before its censorings
//! (the usual convention for ties), and is read at whole years.

use crate::engine::tally::{BINS_PER_YEAR, Tally};

/// One row of a life table at a whole year since entry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LifeRow {
    pub year: usize,
    /// Under observation at the start of the year (exactly `year` years after entry).
    pub at_risk: u64,
    /// Exits during the year before (`year − 1`, `year`]; 0 for year 0.
    pub events: u64,
    /// Censored (retired, or still serving when the simulation ended) in that same interval.
    pub censored: u64,
    /// Product-limit retention at `year`.
    pub retention: f64,
    /// Greenwood variance of the retention estimate (treats workers as independent).
    pub greenwood_var: f64,
}

/// Life table of pathway `p` at whole years 0..=years.
pub fn life_table(t: &Tally, p: usize) -> Vec<LifeRow> {
    let bins = t.bins();
    let ev = &t.events[p * bins..(p + 1) * bins];
    let ce = &t.censored[p * bins..(p + 1) * bins];
    let mut rows = Vec::with_capacity(t.years + 1);
    let mut at_risk = t.entrants[p];
    let mut s = 1.0;
    let mut gw = 0.0; // Σ d / (n (n − d))
    let (mut ev_y, mut ce_y) = (0u64, 0u64);
    rows.push(LifeRow {
        year: 0,
        at_risk,
        events: 0,
        censored: 0,
        retention: 1.0,
        greenwood_var: 0.0,
    });
    for b in 0..bins {
        let (d, c) = (ev[b] as u64, ce[b] as u64);
        if at_risk > 0 && d > 0 {
            let n = at_risk as f64;
            s *= 1.0 - d as f64 / n;
            if at_risk > d {
                gw += d as f64 / (n * (n - d as f64));
            }
        }
        at_risk = at_risk.saturating_sub(d + c);
        ev_y += d;
        ce_y += c;
        if (b + 1) % BINS_PER_YEAR == 0 {
            rows.push(LifeRow {
                year: (b + 1) / BINS_PER_YEAR,
                at_risk,
                events: ev_y,
                censored: ce_y,
                retention: s,
                greenwood_var: s * s * gw,
            });
            ev_y = 0;
            ce_y = 0;
        }
    }
    rows
}

/// Log–log (complementary log–log) 95% interval from the Greenwood variance, which stays
/// inside (0, 1).
pub fn loglog_interval(s: f64, var: f64) -> (f64, f64) {
    if !(s > 0.0 && s < 1.0) || var <= 0.0 {
        return (s, s);
    }
    let se = var.sqrt() / (s * s.ln().abs());
    let z = 1.959_963_984_540_054;
    let lo = s.powf((z * se).exp());
    let hi = s.powf((-z * se).exp());
    (lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hand-computed Kaplan–Meier on a small censored data set, events at 0.5, 1.5, 1.5, 2.5 and
    /// censorings at 1.2 and 2.2 among 6 subjects:
    /// S(1) = 5/6; S(2) = 5/6 · (1 − 2/4) = 5/12; S(3) = 5/12 · (1 − 1/1) = 0.
    #[test]
    fn product_limit_matches_hand_computation() {
        let mut t = Tally::new(1, 3);
        t.entrants[0] = 6;
        for d in [0.5, 1.5, 1.5, 2.5] {
            let b = t.bin(d);
            t.events[b] += 1;
        }
        for d in [1.2, 2.2] {
            let b = t.bin(d);
            t.censored[b] += 1;
        }
        let rows = life_table(&t, 0);
        assert_eq!(rows[0].retention, 1.0);
        assert!((rows[1].retention - 5.0 / 6.0).abs() < 1e-12);
        assert!((rows[2].retention - 5.0 / 12.0).abs() < 1e-12);
        assert_eq!(rows[3].retention, 0.0);
        assert_eq!(
            (rows[1].at_risk, rows[1].events, rows[1].censored),
            (5, 1, 0)
        );
        assert_eq!(
            (rows[2].at_risk, rows[2].events, rows[2].censored),
            (2, 2, 1)
        );
        // Greenwood at year 2: S² (1/(6·5) + 2/(4·2)) = (5/12)² · (1/30 + 1/4)
        let gw = (5.0f64 / 12.0).powi(2) * (1.0 / 30.0 + 0.25);
        assert!((rows[2].greenwood_var - gw).abs() < 1e-12);
        // Its log–log 95% interval, by hand: se = √V / (S |ln S|) = 0.6080;
        // S^exp(±1.96 se) = 0.41667^3.2916 … 0.41667^0.3038 = 0.05599 … 0.76652.
        let (lo, hi) = loglog_interval(rows[2].retention, rows[2].greenwood_var);
        assert!((lo - 0.055_991_86).abs() < 1e-6, "{lo}");
        assert!((hi - 0.766_522_22).abs() < 1e-6, "{hi}");
    }

    #[test]
    fn loglog_interval_brackets_the_estimate_inside_unit_interval() {
        let (lo, hi) = loglog_interval(0.4, 0.0004);
        assert!(lo < 0.4 && 0.4 < hi && lo > 0.0 && hi < 1.0);
    }
}
