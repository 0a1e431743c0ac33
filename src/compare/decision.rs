//! The decision table of a comparison: every option against the reference on incremental
//! cost-effectiveness (Δ public spending per extra worker-year served, both in present value)
//! and on a chosen outcome, ranked, with the efficiency frontier of all options.

use super::icer::{Frontier, Incremental, Quadrant, frontier, incremental};
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

/// The paired difference `b − a` over replications (as every comparison computes it).
fn paired(a: &[f64], b: &[f64]) -> MeanCi {
    super::difference(a, b).paired
}

impl Decision {
    /// The decision table of `runs` (headlines per scenario, the first the reference), ranked on
    /// `outcome` (a headline key).
    pub fn new(runs: &[Vec<Headline>], outcome: &str) -> Result<Decision, DecisionError> {
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
                incremental: incremental(rc, re, c, e),
                village: paired(rv, v),
                outcome: paired(ro, o),
                rank_cost_effectiveness: 0,
                rank_outcome: 0,
            });
        }
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
        })
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
    Decision::new(runs, DEFAULT_OUTCOME).expect("the default outcome is always a headline")
}
