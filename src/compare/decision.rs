//! The decision table of a comparison: every option against the reference on incremental
//! cost-effectiveness (Δ public spending per extra worker-year served, both in present value)
//! and on a chosen outcome, ranked, with the efficiency frontier of all options.

use super::icer::{
    Frontier, ICER_METHOD, Incremental, Quadrant, frontier, incremental,
    incremental_over_parameters,
};
use crate::headline::{Better, Headline, better};
use crate::stats::interval::{MeanCi, mean_ci};

/// The cost of an option (present value, `economics`).
pub const COST_KEY: &str = "cost_total";
/// The effect its cost buys: worker-years served in posts, discounted alike.
pub const EFFECT_KEY: &str = "worker_years_discounted";
/// A second effect shown beside it: village-years with someone serving.
pub const VILLAGE_KEY: &str = "village_years_staffed_discounted";
/// The outcome ranked on unless another is chosen.
pub const DEFAULT_OUTCOME: &str = EFFECT_KEY;

/// One option (a scenario after the first) against the reference.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionRow {
    /// Index of the scenario among those compared.
    pub scenario: usize,
    pub incremental: Incremental,
    /// Paired difference in staffed village-years (discounted).
    pub village: MeanCi,
    /// Paired difference in the chosen outcome.
    pub outcome: MeanCi,
    /// 1 = best value for money (see [`Decision::rank_key`]).
    pub rank_cost_effectiveness: usize,
    /// 1 = best on the chosen outcome, in its better direction.
    pub rank_outcome: usize,
}

/// The decision table.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub outcome: String,
    pub outcome_better: Better,
    /// Options in scenario order (the reference is not a row).
    pub rows: Vec<OptionRow>,
    /// Frontier status of every scenario, the reference first.
    pub frontier: Vec<Frontier>,
    /// The replications ran with one parameter set each: intervals are over parameter
    /// uncertainty and simulation noise, the ICER's from the acceptability curve.
    pub over_parameters: bool,
    /// Over parameter sets, every option's acceptability curve.
    pub acceptability: Option<Curves>,
}

/// Acceptability curves: for each willingness to pay (yuan per extra worker-year), the share
/// of replications in which each option's net monetary benefit against the reference is
/// positive (`super::acceptability`).
#[derive(Debug, Clone, PartialEq)]
pub struct Curves {
    pub willingness_to_pay: Vec<f64>,
    /// One curve per row of [`Decision::rows`], in the same order.
    pub share: Vec<Vec<f64>>,
}

/// Points of an acceptability curve: 0 to a round figure past every option's own ICER.
const CURVE_POINTS: usize = 101;

/// The willingness-to-pay grid: from 0 to the smallest 1, 2 or 5 × 10ᵏ yuan at least twice the
/// largest positive point ICER (so every curve has room to rise), in 100 equal steps.
fn grid(icers: &[f64]) -> Vec<f64> {
    let top = icers
        .iter()
        .copied()
        .filter(|x| x.is_finite() && *x > 0.0)
        .fold(0.0_f64, f64::max);
    let want = if top > 0.0 { 2.0 * top } else { 1.0e6 };
    let mut step = 10f64.powf(want.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * step >= want {
            step *= m;
            break;
        }
    }
    (0..CURVE_POINTS)
        .map(|k| step * k as f64 / (CURVE_POINTS - 1) as f64)
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecisionError {
    /// A metric the decision needs is not among the headlines (e.g. an unknown `--outcome`).
    UnknownMetric { key: String, known: Vec<String> },
}

impl std::fmt::Display for DecisionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecisionError::UnknownMetric { key, known } => {
                let near = crate::scenario::load::suggest(key, known.iter().map(String::as_str));
                write!(f, "unknown outcome `{key}`")?;
                if let Some(n) = near {
                    write!(f, " (did you mean `{n}`?)")?;
                }
                write!(
                    f,
                    "; the outcomes are the headline metrics: {}",
                    known.join(", ")
                )
            }
        }
    }
}

impl std::error::Error for DecisionError {}

fn per_rep<'a>(hs: &'a [Headline], key: &str) -> Option<&'a [f64]> {
    hs.iter()
        .find(|h| h.key == key)
        .map(|h| h.per_rep.as_slice())
}

/// The paired difference `b − a` over replications (as every comparison computes it): its
/// t-interval, or over parameter sets the central 95% of the replications' differences.
fn paired(a: &[f64], b: &[f64], over_parameters: bool) -> MeanCi {
    if over_parameters {
        crate::stats::interval::spread(b.iter().zip(a).map(|(x, y)| x - y))
    } else {
        super::difference(a, b).paired
    }
}

impl Decision {
    /// The decision table of `runs` (headlines per scenario, the first the reference), ranked on
    /// `outcome` (a headline key); `over_parameters` when each replication ran with its own
    /// parameter set ([`incremental_over_parameters`]).
    pub fn new(
        runs: &[Vec<Headline>],
        outcome: &str,
        over_parameters: bool,
    ) -> Result<Decision, DecisionError> {
        let known: Vec<String> = runs[0].iter().map(|h| h.key.clone()).collect();
        let get = |i: usize, key: &str| {
            per_rep(&runs[i], key).ok_or_else(|| DecisionError::UnknownMetric {
                key: key.to_string(),
                known: known.clone(),
            })
        };
        let (rc, re, rv, ro) = (
            get(0, COST_KEY)?,
            get(0, EFFECT_KEY)?,
            get(0, VILLAGE_KEY)?,
            get(0, outcome)?,
        );
        let direction = better(outcome);
        let mut rows = Vec::new();
        for i in 1..runs.len() {
            let (c, e, v, o) = (
                get(i, COST_KEY)?,
                get(i, EFFECT_KEY)?,
                get(i, VILLAGE_KEY)?,
                get(i, outcome)?,
            );
            rows.push(OptionRow {
                scenario: i,
                incremental: if over_parameters {
                    incremental_over_parameters(rc, re, c, e)
                } else {
                    incremental(rc, re, c, e)
                },
                village: paired(rv, v, over_parameters),
                outcome: paired(ro, o, over_parameters),
                rank_cost_effectiveness: 0,
                rank_outcome: 0,
            });
        }
        let acceptability = over_parameters.then(|| {
            let willingness_to_pay =
                grid(&rows.iter().map(|r| r.incremental.icer).collect::<Vec<_>>());
            let share = (1..runs.len())
                .map(|i| {
                    let (c, e) = (
                        get(i, COST_KEY).unwrap_or(&[]),
                        get(i, EFFECT_KEY).unwrap_or(&[]),
                    );
                    let dc: Vec<f64> = c.iter().zip(rc).map(|(a, b)| a - b).collect();
                    let de: Vec<f64> = e.iter().zip(re).map(|(a, b)| a - b).collect();
                    willingness_to_pay
                        .iter()
                        .map(|&l| super::acceptability::acceptability(&dc, &de, l))
                        .collect()
                })
                .collect();
            Curves {
                willingness_to_pay,
                share,
            }
        });
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by(|&a, &b| {
            let (ka, kb) = (Self::rank_key(&rows[a]), Self::rank_key(&rows[b]));
            ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1)).then(a.cmp(&b))
        });
        for (r, &i) in order.iter().enumerate() {
            rows[i].rank_cost_effectiveness = r + 1;
        }
        let sign = match direction {
            Better::Higher => -1.0,
            Better::Lower => 1.0,
        };
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by(|&a, &b| {
            let (x, y) = (rows[a].outcome.mean * sign, rows[b].outcome.mean * sign);
            // An undefined difference ranks last.
            let (x, y) = (
                if x.is_finite() { x } else { f64::INFINITY },
                if y.is_finite() { y } else { f64::INFINITY },
            );
            x.total_cmp(&y).then(a.cmp(&b))
        });
        for (r, &i) in order.iter().enumerate() {
            rows[i].rank_outcome = r + 1;
        }
        let points: Vec<(f64, f64)> = (0..runs.len())
            .map(|i| {
                let c = mean_ci(get(i, COST_KEY).unwrap_or(&[]).iter().copied()).mean;
                let e = mean_ci(get(i, EFFECT_KEY).unwrap_or(&[]).iter().copied()).mean;
                (c, e)
            })
            .collect();
        Ok(Decision {
            outcome: outcome.to_string(),
            outcome_better: direction,
            rows,
            frontier: frontier(&points),
            over_parameters,
            acceptability,
        })
    }

    /// How the interval of Δcost per extra worker-year was made, in words.
    pub fn icer_method(&self) -> &'static str {
        if self.over_parameters {
            super::acceptability::ACCEPTABILITY_METHOD
        } else {
            ICER_METHOD
        }
    }

    /// What the table's intervals include, in words.
    pub fn interval_words(&self) -> &'static str {
        if self.over_parameters {
            "the central 95% of the replications' paired differences, over parameter uncertainty and simulation noise (each replication with its own parameter set)"
        } else {
            "95%, paired over replications (Monte Carlo precision only)"
        }
    }

    /// The value-for-money order: options that give more service for less money first (most
    /// service first), then those that buy more service, cheapest extra worker-year first, then
    /// those whose effect is not distinguishable from none, then those that give service up for
    /// savings (largest saving per worker-year lost first), then the dominated.
    pub fn rank_key(r: &OptionRow) -> (u8, f64) {
        let i = &r.incremental;
        let (group, within) = match i.quadrant {
            Quadrant::Dominant => (0, -i.effect.mean),
            Quadrant::CostsMore | Quadrant::MoreForSimilarCost => (1, i.icer),
            Quadrant::NoClearEffect => (2, i.cost.mean),
            Quadrant::SavesButLoses => (3, i.icer),
            Quadrant::Dominated => (4, i.cost.mean),
        };
        // An undefined value orders last within its group.
        (
            group,
            if within.is_finite() {
                within
            } else {
                f64::INFINITY
            },
        )
    }
}

/// The decision table of `runs` ranked on the default outcome.
pub fn decide(runs: &[Vec<Headline>]) -> Decision {
    Decision::new(runs, DEFAULT_OUTCOME, false).expect("the default outcome is always a headline")
}

#[cfg(test)]
mod tests {
    use super::grid;

    #[test]
    fn the_willingness_to_pay_grid_runs_to_a_round_figure_past_twice_every_icer() {
        let g = grid(&[111_770.0, 471_696.0, f64::NAN, -5.0]);
        assert_eq!(g.len(), 101);
        assert_eq!((g[0], g[100]), (0.0, 1_000_000.0));
        assert_eq!(g[1], 10_000.0);
        assert_eq!(*grid(&[30.0]).last().unwrap(), 100.0);
        assert_eq!(*grid(&[]).last().unwrap(), 1_000_000.0);
    }
}
