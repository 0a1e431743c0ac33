//! The CSV tables of a run. Numbers are written with fixed precision so that files compare
//! byte for byte between runs.

use crate::engine::RunResult;
use crate::engine::tally::{Phase, REASONS};
use crate::population::{Destination, Title};
use crate::scenario::Scenario;
use crate::stats::Curve;
use crate::stats::interval::mean_ci;
use std::fmt::Write;

fn f(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.6}")
    } else {
        String::new()
    }
}

/// `pathway,year,at_risk,events,censored,retention,ci_low,ci_high`: counts summed over
/// replications; retention and its band as described in `stats::curves`.
pub fn retention_csv(curves: &[Curve]) -> String {
    let mut out = String::from("pathway,year,at_risk,events,censored,retention,ci_low,ci_high\n");
    for c in curves {
        for r in &c.rows {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{}",
                c.pathway,
                r.year,
                r.at_risk,
                r.events,
                r.censored,
                f(r.retention),
                f(r.ci_low),
                f(r.ci_high)
            );
        }
    }
    out
}

/// Staffing of township health centres per calendar year, per replication on average.
pub fn staffing_csv(s: &Scenario, r: &RunResult) -> String {
    let reps = r.reps.len().max(1) as f64;
    let mut out = String::from(
        "year,posts,filled,vacancy_share,vacancy_ci_low,vacancy_ci_high,advertised,hired,cancelled_below_ratio,order_oriented_placed,leavers,outflow_rate,blocked_promotion\n",
    );
    for (y, st) in r.pooled.staffing.iter().enumerate() {
        let v = mean_ci(r.reps.iter().map(|m| m.vacancy[y]));
        let outflow = if st.filled > 0 {
            st.leavers as f64 / st.filled as f64
        } else {
            f64::NAN
        };
        let _ = writeln!(
            out,
            "{},{:.1},{:.1},{},{},{},{:.1},{:.1},{:.1},{:.1},{:.1},{},{:.1}",
            s.simulation.start_year + y as i32,
            st.posts as f64 / reps,
            st.filled as f64 / reps,
            f(v.mean),
            f(v.low),
            f(v.high),
            st.advertised as f64 / reps,
            st.hired as f64 / reps,
            st.cancelled as f64 / reps,
            st.placed as f64 / reps,
            st.leavers as f64 / reps,
            f(outflow),
            st.blocked as f64 / reps,
        );
    }
    out
}

/// Departures by pathway, contract phase and destination (retirement as its own reason).
pub fn exits_csv(s: &Scenario, r: &RunResult) -> String {
    let t = &r.pooled;
    let reps = r.reps.len().max(1) as f64;
    let mut out =
        String::from("pathway,phase,reason,departures_per_replication,share_of_phase_leavers\n");
    for (p, pw) in s.pathways.iter().enumerate() {
        for (ph, phase) in Phase::NAMES.iter().enumerate() {
            let phase_e = [
                Phase::UnderContract,
                Phase::AfterContract,
                Phase::NoContract,
            ][ph];
            let leavers: u64 = (0..REASONS - 1)
                .map(|k| t.exits[t.exit_index(p, phase_e, k)])
                .sum();
            let retired = t.exits[t.exit_index(p, phase_e, REASONS - 1)];
            if leavers + retired == 0 {
                continue;
            }
            for k in 0..REASONS {
                let n = t.exits[t.exit_index(p, phase_e, k)];
                let (reason, share) = if k < REASONS - 1 {
                    (
                        Destination::ALL[k].name(),
                        if leavers > 0 {
                            f(n as f64 / leavers as f64)
                        } else {
                            String::new()
                        },
                    )
                } else {
                    ("retired", String::new())
                };
                let _ = writeln!(
                    out,
                    "{},{},{},{:.2},{}",
                    pw.name,
                    phase,
                    reason,
                    n as f64 / reps,
                    share
                );
            }
        }
    }
    out
}

/// Title mix of township-centre staff per calendar year.
pub fn titles_csv(s: &Scenario, r: &RunResult) -> String {
    let t = &r.pooled;
    let reps = r.reps.len().max(1) as f64;
    let mut out = String::from("year");
    for n in Title::NAMES {
        let _ = write!(out, ",{n}_share");
    }
    for n in Title::NAMES {
        let _ = write!(out, ",{n}_staff");
    }
    out.push('\n');
    for y in 0..t.years {
        let c = &t.centre_titles[y * 4..y * 4 + 4];
        let total: u64 = c.iter().sum();
        let _ = write!(out, "{}", s.simulation.start_year + y as i32);
        for n in c {
            let _ = write!(
                out,
                ",{}",
                if total > 0 {
                    f(*n as f64 / total as f64)
                } else {
                    String::new()
                }
            );
        }
        for n in c {
            let _ = write!(out, ",{:.1}", *n as f64 / reps);
        }
        out.push('\n');
    }
    out
}
