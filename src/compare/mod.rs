//! Comparing scenarios run with common random numbers.
//!
//! Every scenario is run at the same seed and replication count, so replication r of each
//! scenario draws the same people, exams and applicants wherever the policies do not make them
//! differ. The difference of a metric between two scenarios is then estimated replication by
//! replication: its interval is the Student-t interval of the paired differences, which is far
//! narrower than the unpaired (Welch) interval of two independent runs because the shared noise
//! cancels. Both are reported, so the gain is visible.

pub mod acceptability;
pub mod decision;
pub mod icer;

use crate::headline::{self, Headline, Unit};
use crate::scenario::Scenario;
use crate::stats::RunResult;
use crate::stats::interval::{MeanCi, mean_ci, t975};

/// The simulated year (index) in which scenario `s`'s policy first departs from the
/// reference's, when it runs the reference's policy before that: a policy change from that year
/// (`[policy_from.YEAR]`), which `headline::from_year` summarises on the years and cohorts it can
/// touch. `None` when the policies differ from the first year or never (the scenarios then
/// differ from the start, or elsewhere than in policy), or the runs' calendars differ.
pub fn policy_start(reference: &Scenario, s: &Scenario) -> Option<usize> {
    if reference.simulation.start_year != s.simulation.start_year
        || reference.policies.len() != s.policies.len()
    {
        return None;
    }
    let first = reference
        .policies
        .iter()
        .zip(&s.policies)
        .position(|(a, b)| a != b)?;
    (first > 0).then_some(first)
}

/// The headline metrics of every run, with the windows of `headline::from_year` added for each
/// year in which some scenario's policy first departs from the reference's (the first run), so
/// that every run carries the same window keys and their differences stay paired.
pub fn headlines_with_windows(runs: &[(&Scenario, &RunResult)]) -> Vec<Vec<Headline>> {
    let mut starts: Vec<usize> = runs
        .iter()
        .skip(1)
        .filter_map(|(s, _)| policy_start(runs[0].0, s))
        .collect();
    starts.sort_unstable();
    starts.dedup();
    runs.iter()
        .map(|(s, r)| {
            let mut hs = headline::headlines(s, r);
            for &y0 in &starts {
                hs.extend(headline::from_year(s, r, y0));
            }
            hs
        })
        .collect()
}

/// One metric across the compared scenarios.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparedMetric {
    pub key: String,
    pub label: String,
    pub unit: Unit,
    /// Mean and 95% t-interval across replications, per scenario (None where the scenario
    /// does not have the metric).
    pub values: Vec<Option<MeanCi>>,
    /// Difference from the first scenario, per scenario (None for the first).
    pub diffs: Vec<Option<Difference>>,
    /// When the comparison ran over parameter sets: the same paired difference with the
    /// parameters fixed at the scenarios' values (mean and 95% t-interval over replications,
    /// Monte Carlo precision only), per scenario — what the interval would have said without
    /// parameter uncertainty ([`with_fixed`]). Empty otherwise.
    pub fixed: Vec<Option<MeanCi>>,
}

/// The difference of a metric between a scenario and the first one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    /// Mean of the paired differences with its 95% t-interval (pairs where both are defined).
    pub paired: MeanCi,
    /// 95% Welch interval, as if the two runs had been independent.
    pub unpaired_low: f64,
    pub unpaired_high: f64,
}

impl Difference {
    /// Whether the paired interval excludes zero.
    pub fn significant(&self) -> bool {
        self.paired.low > 0.0 || self.paired.high < 0.0
    }
}

/// Paired and unpaired differences `b − a` of per-replication values.
pub fn difference(a: &[f64], b: &[f64]) -> Difference {
    let paired = mean_ci(
        a.iter()
            .zip(b)
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .map(|(x, y)| y - x),
    );
    let (ma, mb) = (mean_ci(a.iter().copied()), mean_ci(b.iter().copied()));
    let (va, vb) = (ma.sd * ma.sd / ma.n as f64, mb.sd * mb.sd / mb.n as f64);
    let se = (va + vb).sqrt();
    // Welch–Satterthwaite degrees of freedom.
    let df = (va + vb).powi(2) / (va * va / (ma.n as f64 - 1.0) + vb * vb / (mb.n as f64 - 1.0));
    let t = if df.is_finite() && df >= 1.0 {
        t975(df.floor() as u32)
    } else if ma.n > 1 && mb.n > 1 {
        // Both variances zero: the interval is the point.
        0.0
    } else {
        f64::NAN
    };
    let d = mb.mean - ma.mean;
    Difference {
        paired,
        unpaired_low: d - t * se,
        unpaired_high: d + t * se,
    }
}

/// Compare the headline metrics of several runs (the first is the reference). Metrics are
/// matched by key, in the order the first scenario lists them, then any the others add.
pub fn compare(runs: &[Vec<Headline>]) -> Vec<ComparedMetric> {
    compare_over(runs, false)
}

/// [`compare`], with `over_parameters`: the replications ran with one parameter set each
/// (the same sets in every run, `crate::uncertainty`), so each value's and each paired
/// difference's interval is the central 95% of the replications' values
/// ([`crate::stats::interval::spread`]), over parameter uncertainty and simulation noise,
/// not the t-interval of the mean.
pub fn compare_over(runs: &[Vec<Headline>], over_parameters: bool) -> Vec<ComparedMetric> {
    let interval = |xs: &[f64]| {
        if over_parameters {
            crate::stats::interval::spread(xs.iter().copied())
        } else {
            mean_ci(xs.iter().copied())
        }
    };
    let mut keys: Vec<(&str, &str, Unit)> = Vec::new();
    for hs in runs {
        for h in hs {
            if !keys.iter().any(|k| k.0 == h.key) {
                keys.push((&h.key, &h.label, h.unit));
            }
        }
    }
    keys.into_iter()
        .map(|(key, label, unit)| {
            let per: Vec<Option<&Headline>> = runs
                .iter()
                .map(|hs| hs.iter().find(|h| h.key == key))
                .collect();
            let values = per
                .iter()
                .map(|h| h.map(|h| interval(&h.per_rep)))
                .collect();
            let diffs = per
                .iter()
                .enumerate()
                .map(|(i, h)| match (i, per[0], h) {
                    (0, _, _) => None,
                    (_, Some(a), Some(b)) => {
                        let mut d = difference(&a.per_rep, &b.per_rep);
                        if over_parameters {
                            let pairs: Vec<f64> = a
                                .per_rep
                                .iter()
                                .zip(&b.per_rep)
                                .map(|(x, y)| y - x)
                                .collect();
                            d.paired = interval(&pairs);
                        }
                        Some(d)
                    }
                    _ => None,
                })
                .collect();
            ComparedMetric {
                key: key.to_string(),
                label: label.to_string(),
                unit,
                values,
                diffs,
                fixed: Vec::new(),
            }
        })
        .collect()
}

/// Adds to `over` (a comparison over parameter sets) each metric's paired difference from
/// `fixed`, the same comparison run with the parameters held at the scenarios' values, so that
/// both intervals can be shown side by side.
pub fn with_fixed(over: &mut [ComparedMetric], fixed: &[ComparedMetric]) {
    for m in over {
        m.fixed = match fixed.iter().find(|f| f.key == m.key) {
            Some(f) => f.diffs.iter().map(|d| d.map(|d| d.paired)).collect(),
            None => vec![None; m.diffs.len()],
        };
    }
}

/// The paired difference of one metric between two of the compared scenarios.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// Indices of the two scenarios: the difference is `b − a`.
    pub a: usize,
    pub b: usize,
    pub key: String,
    pub unit: Unit,
    pub diff: Difference,
}

/// Every metric's paired difference between every two scenarios (`b` after `a`), for a
/// decision between two options neither of which is the reference.
pub fn pairs(runs: &[Vec<Headline>]) -> Vec<Pair> {
    let mut out = Vec::new();
    for a in 0..runs.len() {
        for b in a + 1..runs.len() {
            for ha in &runs[a] {
                if let Some(hb) = runs[b].iter().find(|h| h.key == ha.key) {
                    out.push(Pair {
                        a,
                        b,
                        key: ha.key.clone(),
                        unit: ha.unit,
                        diff: difference(&ha.per_rep, &hb.per_rep),
                    });
                }
            }
        }
    }
    out
}

/// A value in its unit, for people: shares as percentages, yuan with thousands separators.
pub fn human(x: f64, unit: Unit) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    match unit {
        Unit::Share => format!("{:.1}%", x * 100.0),
        Unit::Yuan => money(x),
        Unit::Years => thousands(x),
    }
}

/// Yuan for people: thousands separators, or millions / billions when large.
fn money(x: f64) -> String {
    let a = x.abs();
    let sign = if x < 0.0 { "-" } else { "" };
    if a >= 1e9 {
        format!("{sign}{:.2} bn", a / 1e9)
    } else if a >= 1e7 {
        format!("{sign}{:.1} M", a / 1e6)
    } else {
        format!("{sign}{}", thousands(a))
    }
}

/// A difference in its unit: shares in percentage points.
pub fn human_diff(x: f64, unit: Unit) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    match unit {
        Unit::Share => format!("{:+.1} pp", x * 100.0),
        Unit::Yuan | Unit::Years => {
            let s = if unit == Unit::Yuan {
                money(x.abs())
            } else {
                thousands(x.abs())
            };
            if x < 0.0 {
                format!("-{s}")
            } else {
                format!("+{s}")
            }
        }
    }
}

fn thousands(x: f64) -> String {
    let n = x.round() as i128;
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_differences_cancel_shared_noise_that_the_unpaired_interval_keeps() {
        // Each replication has a large shared component; b = a + 0.01 exactly, plus tiny noise.
        let a: Vec<f64> = (0..20)
            .map(|i| 0.3 + 0.05 * ((i * 7 % 11) as f64 - 5.0) / 5.0)
            .collect();
        let b: Vec<f64> = a
            .iter()
            .enumerate()
            .map(|(i, x)| x + 0.01 + 0.0005 * ((i % 3) as f64 - 1.0))
            .collect();
        let d = difference(&a, &b);
        assert!((d.paired.mean - 0.01).abs() < 1e-3);
        assert!(d.significant());
        let paired_width = d.paired.high - d.paired.low;
        let unpaired_width = d.unpaired_high - d.unpaired_low;
        assert!(
            paired_width * 10.0 < unpaired_width,
            "{paired_width} vs {unpaired_width}"
        );
        // The unpaired interval cannot tell the difference from zero.
        assert!(d.unpaired_low < 0.0 && d.unpaired_high > 0.0);
    }

    #[test]
    fn undefined_replications_are_left_out_of_the_pairs() {
        let a = [0.1, f64::NAN, 0.3, 0.2];
        let b = [0.2, 0.5, f64::NAN, 0.3];
        let d = difference(&a, &b);
        assert_eq!(d.paired.n, 2);
        assert!((d.paired.mean - 0.1).abs() < 1e-12);
    }

    #[test]
    fn people_read_shares_as_percentages_and_differences_as_points() {
        assert_eq!(human(0.3854, Unit::Share), "38.5%");
        assert_eq!(human_diff(0.042, Unit::Share), "+4.2 pp");
        assert_eq!(human(1234567.4, Unit::Yuan), "1,234,567");
        assert_eq!(human_diff(-2500.0, Unit::Yuan), "-2,500");
        assert_eq!(human(16_442_070_156.0, Unit::Yuan), "16.44 bn");
        assert_eq!(human_diff(467_197_205.0, Unit::Yuan), "+467.2 M");
    }
}
