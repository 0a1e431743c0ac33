//! Benchmarks judged: each published figure, with its own uncertainty, against the simulated
//! mean with its Monte Carlo error, and the validation table `run` and `validate` print.

use super::RepMetrics;
use super::RunResult;
use super::interval::{MeanCi, mean_ci};
use crate::benchmark::{Benchmark, Bound, Role};
use crate::scenario::Scenario;

/// A benchmark compared with the simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchmarkResult {
    pub benchmark: Benchmark,
    /// Monte Carlo mean and 95% t-interval across replications.
    pub simulated: MeanCi,
    /// The published figure's 95% interval, from its stated uncertainty.
    pub target_low: f64,
    pub target_high: f64,
    /// Simulated mean minus the published value, in the value's unit (NaN if not measured).
    pub difference: f64,
    /// How the verdict was reached, in words.
    pub method: String,
    pub verdict: Verdict,
}

/// Whether a benchmark is met. A figure the run cannot judge says why, rather than printing
/// `NaN` and "NO" beside a target that may well be met.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The target lies in the judged interval (a floor or ceiling: the interval reaches it).
    Met,
    /// The target lies outside the judged interval.
    Off,
    /// The run cannot judge it; the reason in words.
    CannotJudge(String),
    /// A policy scenario: the published figures describe the status quo, so they are shown
    /// for reference, not judged (a policy that works *should* miss them).
    ForReference,
}

impl Verdict {
    pub fn is_met(&self) -> bool {
        matches!(self, Verdict::Met)
    }
    /// `yes`, `no` or `cannot be judged`, as the tables print it.
    pub fn word(&self) -> &'static str {
        match self {
            Verdict::Met => "yes",
            Verdict::Off => "no",
            Verdict::CannotJudge(_) => "cannot be judged",
            Verdict::ForReference => "for reference",
        }
    }
    /// Why it cannot be judged; empty otherwise.
    pub fn reason(&self) -> &str {
        match self {
            Verdict::CannotJudge(why) => why,
            _ => "",
        }
    }
}

/// How a verdict weighs the two uncertainties, in words (tables, CSVs and the report say it).
pub const VERDICT_RULE: &str = "met when |simulated − target| ≤ √(target half-width² + Monte Carlo half-width²), the two 95% half-widths on the side the simulation falls (a floor or ceiling: only a shortfall or excess counts)";

/// Judge one benchmark on the replications' values of its metric.
///
/// The published figure is uncertain (its stated `n`, tolerance or interval) and so is the
/// simulated mean (Monte Carlo error across replications). The two are independent, so the
/// difference is judged against the root sum of squares of their 95% half-widths: a verdict
/// then neither hangs on the replication count (the Monte Carlo part shrinks, the target's
/// part does not) nor demands a precision the source never had.
pub fn judge(b: &Benchmark, sim: MeanCi, policy_scenario: bool) -> BenchmarkResult {
    let (target_low, target_high) = b.target_interval();
    let difference = sim.mean - b.value;
    let method = format!(
        "{}; Monte Carlo: 95% Student-t interval across {} replications; {VERDICT_RULE}",
        b.uncertainty_words(),
        sim.n
    );
    let verdict = if policy_scenario {
        Verdict::ForReference
    } else if sim.n == 0 || !sim.mean.is_finite() {
        Verdict::CannotJudge(
            "no replication measured it (no one at risk, or a year outside the run)".into(),
        )
    } else if sim.n < 2 {
        // One draw of the whole system: how far it may lie from the model's mean is unknown.
        Verdict::CannotJudge(
            "1 replication: its Monte Carlo error needs at least 2 replications".into(),
        )
    } else {
        let mc_half = (sim.high - sim.low) / 2.0;
        let target_half = if difference >= 0.0 {
            target_high - b.value
        } else {
            b.value - target_low
        };
        let allowed = target_half.hypot(mc_half);
        let met = match b.bound {
            Bound::Equal => difference.abs() <= allowed,
            Bound::AtLeast => difference >= -allowed,
            Bound::AtMost => difference <= allowed,
        };
        if met { Verdict::Met } else { Verdict::Off }
    };
    BenchmarkResult {
        benchmark: b.clone(),
        simulated: sim,
        target_low,
        target_high,
        difference,
        method,
        verdict,
    }
}

/// Every benchmark of `s` judged against the replications' values (see [`judge`]); a policy
/// scenario's are shown for reference.
pub(super) fn benchmark_results(s: &Scenario, reps: &[RepMetrics]) -> Vec<BenchmarkResult> {
    let policy_scenario = !s.policy_changes_from_root().is_empty();
    s.benchmarks
        .iter()
        .enumerate()
        .map(|(i, b)| {
            judge(
                b,
                mean_ci(reps.iter().map(|m| m.benchmarks[i])),
                policy_scenario,
            )
        })
        .collect()
}

/// The benchmark table as printed by `run` and `validate`, grouped by role (fitted, inputs,
/// hold-outs, each under a line saying what meeting them shows): the target with its 95%
/// interval, the simulated mean with its Monte Carlo interval, the difference (percentage
/// points for shares, years for ages) and the verdict. Empty without benchmarks.
pub fn validation_table(r: &RunResult) -> String {
    use std::fmt::Write;
    let results = &r.benchmarks;
    let mut text = String::new();
    if results.is_empty() {
        return text;
    }
    if results.iter().any(|b| b.verdict == Verdict::ForReference) {
        let _ = writeln!(
            text,
            "Status-quo figures, for reference: this scenario changes policy from the scenario it is built on, and the published figures describe the status quo."
        );
    }
    for role in Role::ALL {
        let of_role: Vec<&BenchmarkResult> = results
            .iter()
            .filter(|b| b.benchmark.role == role)
            .collect();
        if of_role.is_empty() {
            continue;
        }
        let _ = writeln!(text, "{}", role.heading());
        let _ = writeln!(
            text,
            "  {:<34} {:>8} {:>15} {:>10} {:>15} {:>9}  verdict",
            "benchmark", "target", "target 95%", "simulated", "Monte Carlo 95%", "diff"
        );
        for b in of_role {
            let _ = writeln!(text, "  {}", table_row(b));
        }
    }
    let _ = writeln!(
        text,
        "Verdict: {VERDICT_RULE}. Differences in percentage points (pt) for shares, years (y) for ages."
    );
    text
}

/// One benchmark's line of the validation table.
fn table_row(b: &BenchmarkResult) -> String {
    let sign = match b.benchmark.bound {
        Bound::Equal => " ",
        Bound::AtLeast => "≥",
        Bound::AtMost => "≤",
    };
    // Shares print as percentages, ages as years.
    let (k, unit, diff_unit) = if b.benchmark.in_percent() {
        (100.0, "%", "pt")
    } else {
        (1.0, "y", "y")
    };
    // An effect is a change: signed. What the run could not measure prints as a dash, never
    // as NaN.
    let signed = b.benchmark.counterfactual.is_some();
    let shown = |x: f64| {
        if x.is_finite() && signed {
            format!("{:+.1}{unit}", x * k)
        } else if x.is_finite() {
            format!("{:.1}{unit}", x * k)
        } else {
            "–".to_string()
        }
    };
    let range = |lo: f64, hi: f64| {
        if lo.is_finite() && hi.is_finite() && signed {
            format!("{:+.1} – {}", lo * k, shown(hi))
        } else if lo.is_finite() && hi.is_finite() {
            format!("{:.1} – {}", lo * k, shown(hi))
        } else {
            "–".to_string()
        }
    };
    let diff = if b.difference.is_finite() {
        // Rounded first, so that a difference of −0.04 prints as +0.0, not −0.0.
        let d = (b.difference * k * 10.0).round() / 10.0 + 0.0;
        format!("{d:+.1} {diff_unit}")
    } else {
        "–".to_string()
    };
    let verdict = match &b.verdict {
        Verdict::Met => "yes".to_string(),
        Verdict::Off => "NO".to_string(),
        Verdict::CannotJudge(why) => format!("cannot be judged: {why}"),
        Verdict::ForReference => "for reference".to_string(),
    };
    format!(
        "{:<34} {sign}{:>7} {:>15} {:>10} {:>15} {:>9}  {verdict}",
        // Printed on a terminal: a name from someone else's file is shown, not obeyed.
        crate::scenario::load::escape_controls(&b.benchmark.name),
        shown(b.benchmark.value),
        range(b.target_low, b.target_high),
        shown(b.simulated.mean),
        range(b.simulated.low, b.simulated.high),
        diff,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::benchmark::{Metric, Uncertainty};

    fn target(value: f64, bound: Bound, uncertainty: Uncertainty) -> Benchmark {
        Benchmark {
            counterfactual: None,
            name: "t".into(),
            metric: Metric::AnnualOutflow { years: None },
            value,
            bound,
            role: Role::Holdout,
            uncertainty,
            source: "a test".into(),
        }
    }

    /// A simulated mean with a Monte Carlo 95% half-width of `half` over `n` replications.
    fn sim(mean: f64, half: f64, n: usize) -> MeanCi {
        MeanCi {
            mean,
            low: mean - half,
            high: mean + half,
            sd: half,
            n,
        }
    }

    fn verdict(b: &Benchmark, s: MeanCi) -> Verdict {
        judge(b, s, false).verdict
    }

    #[test]
    fn a_target_with_a_study_size_allows_for_the_studys_sampling_error() {
        // Tang 2024: 190 of 493, Wilson 95% interval 34.3–42.9%.
        let b = target(0.3854, Bound::Equal, Uncertainty::StudySize(493));
        let r = judge(&b, sim(0.42, 0.005, 100), false);
        assert!((r.target_low - 0.3430).abs() < 5e-4, "{}", r.target_low);
        assert!((r.target_high - 0.4293).abs() < 5e-4, "{}", r.target_high);
        assert!((r.difference - 0.0346).abs() < 1e-9);
        // 3.5 points above: within √(4.39² + 0.5²) ≈ 4.4 points.
        assert_eq!(r.verdict, Verdict::Met);
        // 5 points above is not.
        assert_eq!(verdict(&b, sim(0.4354, 0.005, 100)), Verdict::Off);
        // The same study is less sure of a figure from 75 people: 92% of 75 is 83.6–96.3%.
        let small = target(0.92, Bound::Equal, Uncertainty::StudySize(75));
        assert_eq!(verdict(&small, sim(0.897, 0.006, 100)), Verdict::Met);
        assert_eq!(verdict(&small, sim(0.82, 0.006, 100)), Verdict::Off);
    }

    #[test]
    fn a_target_with_a_tolerance_is_not_judged_on_the_monte_carlo_interval_alone() {
        // 8.1% ± 1 point, simulated 8.128% with a Monte Carlo half-width of 0.01 points: met,
        // where the Monte Carlo interval alone (8.118–8.138%) would call it missed.
        let b = target(0.081, Bound::Equal, Uncertainty::Tolerance(0.01));
        assert_eq!(verdict(&b, sim(0.08128, 0.0001, 100)), Verdict::Met);
        assert_eq!(verdict(&b, sim(0.0925, 0.0001, 100)), Verdict::Off);
        assert_eq!(verdict(&b, sim(0.0695, 0.0001, 100)), Verdict::Off);
        // A relative tolerance scales with the value: 0.9% ± 30% is 0.63–1.17%.
        let small = target(0.009, Bound::Equal, Uncertainty::RelativeTolerance(0.3));
        let r = judge(&small, sim(0.008, 0.0001, 100), false);
        assert!((r.target_low - 0.0063).abs() < 1e-12 && (r.target_high - 0.0117).abs() < 1e-12);
        assert_eq!(r.verdict, Verdict::Met);
        assert_eq!(verdict(&small, sim(0.005, 0.0001, 100)), Verdict::Off);
    }

    #[test]
    fn the_verdict_does_not_hang_on_the_replication_count() {
        // The Monte Carlo half-width shrinks as 1/√replications; a target with its own
        // uncertainty keeps its verdict from 10 to 10,000 replications.
        let b = target(0.081, Bound::Equal, Uncertainty::Tolerance(0.01));
        for (reps, half) in [(10, 0.003), (100, 0.001), (10_000, 0.0001)] {
            assert_eq!(verdict(&b, sim(0.088, half, reps)), Verdict::Met, "{reps}");
            assert_eq!(verdict(&b, sim(0.095, half, reps)), Verdict::Off, "{reps}");
        }
    }

    #[test]
    fn a_floor_is_missed_only_by_a_shortfall_beyond_both_errors() {
        let b = target(0.98, Bound::AtLeast, Uncertainty::Tolerance(0.005));
        assert_eq!(verdict(&b, sim(0.999, 0.001, 50)), Verdict::Met);
        assert_eq!(verdict(&b, sim(0.977, 0.001, 50)), Verdict::Met);
        assert_eq!(verdict(&b, sim(0.97, 0.001, 50)), Verdict::Off);
        let ceiling = target(0.10, Bound::AtMost, Uncertainty::Tolerance(0.01));
        assert_eq!(verdict(&ceiling, sim(0.01, 0.001, 50)), Verdict::Met);
        assert_eq!(verdict(&ceiling, sim(0.12, 0.001, 50)), Verdict::Off);
    }

    #[test]
    fn a_source_interval_is_used_on_the_side_the_simulation_falls() {
        // 40% (35–60%): 10 points above is within, 10 points below is not.
        let b = target(
            0.40,
            Bound::Equal,
            Uncertainty::Interval {
                low: 0.35,
                high: 0.60,
            },
        );
        assert_eq!(verdict(&b, sim(0.50, 0.001, 50)), Verdict::Met);
        assert_eq!(verdict(&b, sim(0.30, 0.001, 50)), Verdict::Off);
    }

    #[test]
    fn what_cannot_be_judged_says_why() {
        let b = target(0.081, Bound::Equal, Uncertainty::Tolerance(0.01));
        let one = MeanCi {
            mean: 0.08,
            low: f64::NAN,
            high: f64::NAN,
            sd: f64::NAN,
            n: 1,
        };
        let r = judge(&b, one, false);
        assert!(
            matches!(&r.verdict, Verdict::CannotJudge(why) if why.contains("1 replication")),
            "{:?}",
            r.verdict
        );
        let none = mean_ci([f64::NAN, f64::NAN]);
        assert!(
            matches!(judge(&b, none, false).verdict, Verdict::CannotJudge(why) if why.contains("no replication measured it"))
        );
        assert_eq!(
            judge(&b, sim(0.5, 0.001, 9), true).verdict,
            Verdict::ForReference
        );
    }
}
