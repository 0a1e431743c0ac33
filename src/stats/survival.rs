//! Survival (retention) curves from the engine's binned event and censoring counts.
//!
//! Exits are timed exactly by the engine and binned at 1/52 year; the product-limit
//! (Kaplan–Meier) estimator runs over the bins, counting a bin's events before its censorings
//! (the usual convention for ties), and is read at whole years.

use crate::engine::tally::{BINS_PER_YEAR, Tally};

/// One row of a life table: the interval (`year − 1`, `year`] since entry, and the retention at
/// its end. Year 0 is the entry row: everyone at risk, nothing happened, retention 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LifeRow {
    pub year: usize,
    /// Under observation at the start of the interval, exactly `year − 1` years after entry (the
    /// life table's "number at risk"; the entrants for year 0).
    pub at_risk_start: u64,
    /// Still under observation exactly `year` years after entry, after the interval's events and
    /// censorings: `at_risk_start − events − censored`, the next row's `at_risk_start`.
    pub at_risk: u64,
    /// Exits during the interval (`year − 1`, `year`]; 0 for year 0.
    pub events: u64,
    /// Censored (retired, or still serving when the simulation ended) in that same interval.
    pub censored: u64,
    /// Product-limit retention at `year`.
    pub retention: f64,
    /// Greenwood variance of the retention estimate (treats workers as independent).
    pub greenwood_var: f64,
}

impl LifeRow {
    /// Whether the curve has a value at `year`: someone was still followed at `year`, or the
    /// interval ended the curve with an exit (after which retention stays at what it reached).
    /// False past the end of follow-up: nobody at risk at the interval's start, or all who were
    /// censored in it without an exit, so that the last observation came before `year`.
    pub fn observed(&self) -> bool {
        self.at_risk > 0 || self.events > 0
    }
}

/// Life table of pathway `p` at whole years 0..=years.
pub fn life_table(t: &Tally, p: usize) -> Vec<LifeRow> {
    let bins = t.bins();
    life_table_of(
        t.entrants[p],
        &t.events[p * bins..(p + 1) * bins],
        &t.censored[p * bins..(p + 1) * bins],
    )
}

/// Life table of the workers a pathway placed at a township centre during the run, by the
/// centre's remoteness (`remote`: at or above `region.remote_threshold`), by years since entry.
/// Order-oriented graduates enter it when placed, after residency, so it is their retention
/// given that they reported.
pub fn placed_life_table(t: &Tally, p: usize, remote: bool) -> Vec<LifeRow> {
    let bins = t.bins();
    let i = p * 2 + usize::from(remote);
    life_table_of(
        t.placed_entrants[i],
        &t.placed_events[i * bins..(i + 1) * bins],
        &t.placed_censored[i * bins..(i + 1) * bins],
    )
}

/// The product-limit life table of `entrants` with weekly-binned events and censorings.
fn life_table_of(entrants: u64, ev: &[u32], ce: &[u32]) -> Vec<LifeRow> {
    let bins = ev.len();
    let mut rows = Vec::with_capacity(bins / BINS_PER_YEAR + 1);
    let mut at_risk = entrants;
    let mut at_risk_start = at_risk;
    let mut s = 1.0;
    let mut gw = 0.0; // Σ d / (n (n − d))
    let (mut ev_y, mut ce_y) = (0u64, 0u64);
    rows.push(LifeRow {
        year: 0,
        at_risk_start,
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
                at_risk_start,
                at_risk,
                events: ev_y,
                censored: ce_y,
                retention: s,
                greenwood_var: s * s * gw,
            });
            at_risk_start = at_risk;
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
            (
                rows[1].at_risk_start,
                rows[2].at_risk_start,
                rows[3].at_risk_start
            ),
            (6, 5, 2)
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

    /// (year, at_risk_start, events, censored, at_risk at year, retention, observed)
    type Row = (usize, u64, u64, u64, u64, f64, bool);

    /// A tally with both ways a curve ends, checked row by row against the hand-computed life
    /// table (interval (year − 1, year]: at risk at its start, exits, censorings, Kaplan–Meier
    /// at its end, whether it has a value).
    ///
    /// Pathway 0, the data set above plus two years of nothing: exits at 0.5, 1.5, 1.5, 2.5 and
    /// censorings at 1.2, 2.2 among 6. In year 2 the censoring at 1.2 comes before the two exits
    /// at 1.5, so they are 2 of 4, not of the 5 at risk at the year's start: S(2) = 5/6 · 2/4.
    /// The last of them exits at 2.5 (S = 0 from then on, a value); nobody is at risk in year 4.
    ///
    /// Pathway 1: an exit at 0.5 and censorings at 1.5, 2.3, 2.7 among 4. S(1) = S(2) = 3/4; the
    /// 2 at risk at the start of year 3 are both censored before 3, so there is no estimate at 3
    /// (the curve ends at 2.7) — nor at 4, with nobody left.
    #[test]
    fn life_table_columns_match_hand_computation_and_end_with_follow_up() {
        let mut t = Tally::new(2, 4);
        let bins = t.bins();
        t.entrants = vec![6, 4];
        for (p, d) in [(0, 0.5), (0, 1.5), (0, 1.5), (0, 2.5), (1, 0.5)] {
            let b = t.bin(d);
            t.events[p * bins + b] += 1;
        }
        for (p, d) in [(0, 1.2), (0, 2.2), (1, 1.5), (1, 2.3), (1, 2.7)] {
            let b = t.bin(d);
            t.censored[p * bins + b] += 1;
        }
        let expected: [&[Row]; 2] = [
            &[
                (0, 6, 0, 0, 6, 1.0, true),
                (1, 6, 1, 0, 5, 5.0 / 6.0, true),
                (2, 5, 2, 1, 2, 5.0 / 12.0, true),
                (3, 2, 1, 1, 0, 0.0, true),
                (4, 0, 0, 0, 0, 0.0, false),
            ],
            &[
                (0, 4, 0, 0, 4, 1.0, true),
                (1, 4, 1, 0, 3, 0.75, true),
                (2, 3, 0, 1, 2, 0.75, true),
                (3, 2, 0, 2, 0, 0.75, false),
                (4, 0, 0, 0, 0, 0.75, false),
            ],
        ];
        for (p, want) in expected.iter().enumerate() {
            let rows = life_table(&t, p);
            assert_eq!(rows.len(), want.len());
            for (r, &(year, start, d, c, end, s, obs)) in rows.iter().zip(want.iter()) {
                let got = (r.year, r.at_risk_start, r.events, r.censored, r.at_risk);
                assert_eq!(got, (year, start, d, c, end), "pathway {p} year {year}");
                assert!(
                    (r.retention - s).abs() < 1e-12,
                    "pathway {p} year {year}: {} ≠ {s}",
                    r.retention
                );
                assert_eq!(r.observed(), obs, "pathway {p} year {year} observed");
                assert!(r.events + r.censored <= r.at_risk_start);
            }
        }
    }

    #[test]
    fn loglog_interval_brackets_the_estimate_inside_unit_interval() {
        let (lo, hi) = loglog_interval(0.4, 0.0004);
        assert!(lo < 0.4 && 0.4 < hi && lo > 0.0 && hi < 1.0);
    }
}
