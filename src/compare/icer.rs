//! Incremental cost-effectiveness: what each extra worker-year an option buys costs, against
//! the reference and along the efficiency frontier, with an interval that stays honest when the
//! extra service is close to none.
//!
//! Under common random numbers every replication gives a pair (Δcost, Δeffect) of an option
//! against the reference. The incremental cost-effectiveness ratio (ICER) is the ratio of their
//! means. Its 95% interval is **Fieller's**: the set of ratios R for which Δcost − R·Δeffect is
//! not distinguishable from zero by a paired t-test (Fieller 1954; Willan & O'Brien 1996). It uses
//! the covariance of the two differences, needs no resampling, and says plainly when the ratio
//! has no finite interval: when Δeffect itself is not distinguishable from zero, the set is
//! unbounded and is reported so, never as a number.

use crate::stats::interval::{MeanCi, mean_ci, spread, t975};

/// The method, in words, for every file and page that shows an ICER interval.
pub const ICER_METHOD: &str = "Fieller's 95% interval of the ratio of mean paired differences (Student t with replications − 1 degrees of freedom, using the covariance of Δcost and Δeffect across replications under common random numbers); unbounded when Δeffect is not distinguishable from zero";

/// Fieller's 95% interval of a ratio of means.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RatioInterval {
    /// `[low, high]`.
    Bounded { low: f64, high: f64 },
    /// The denominator is not distinguishable from zero: the confidence set is unbounded (the
    /// whole line, or everything outside `(high, low)`: two rays).
    Unbounded,
    /// Fewer than two replications, or no variation to learn from.
    Undefined,
}

/// One option against the reference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Incremental {
    /// Paired mean difference in cost (option − reference) with its t-interval.
    pub cost: MeanCi,
    /// Paired mean difference in effect with its t-interval.
    pub effect: MeanCi,
    /// Δcost / Δeffect (the ratio of the means).
    pub icer: f64,
    pub interval: RatioInterval,
    pub quadrant: Quadrant,
}

/// Where an option lies on the cost-effectiveness plane, judged by the 95% intervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quadrant {
    /// More effect for less money (both clearly).
    Dominant,
    /// More effect, at a cost (effect clearly higher): the ICER is the price of an extra unit.
    CostsMore,
    /// More effect, cost not clearly different.
    MoreForSimilarCost,
    /// Effect not clearly different from the reference's.
    NoClearEffect,
    /// Less effect, and less cost: the ICER is the saving per unit given up.
    SavesButLoses,
    /// Less effect for more (or not clearly less) money.
    Dominated,
}

impl Quadrant {
    /// snake_case for tables.
    pub fn name(self) -> &'static str {
        match self {
            Quadrant::Dominant => "dominant",
            Quadrant::CostsMore => "more_effect_more_cost",
            Quadrant::MoreForSimilarCost => "more_effect_similar_cost",
            Quadrant::NoClearEffect => "no_clear_effect",
            Quadrant::SavesButLoses => "less_effect_less_cost",
            Quadrant::Dominated => "dominated",
        }
    }

    /// Plain words for people.
    pub fn words(self) -> &'static str {
        match self {
            Quadrant::Dominant => "more service for less money (dominant)",
            Quadrant::CostsMore => "more service at a higher cost",
            Quadrant::MoreForSimilarCost => "more service, cost not clearly different",
            Quadrant::NoClearEffect => "service not clearly different from the reference",
            Quadrant::SavesButLoses => "less service for less money",
            Quadrant::Dominated => "less service, not less money (dominated)",
        }
    }
}

/// Fieller's 95% interval of `mean(c) / mean(e)` from paired per-replication values.
///
/// With C̄, Ē the means, v_c, v_e their variances (sample variance / n), v_ce their covariance and
/// t the 97.5% quantile with n − 1 degrees of freedom, the interval holds the R with
/// (C̄ − R·Ē)² ≤ t²·(v_c − 2R·v_ce + R²·v_e): a quadratic a·R² − 2b·R + c ≤ 0 with
/// a = Ē² − t²v_e, b = C̄Ē − t²v_ce, c = C̄² − t²v_c. It is a finite interval exactly when a > 0,
/// i.e. when Ē is significantly different from zero at the same level.
pub fn fieller(c: &[f64], e: &[f64]) -> RatioInterval {
    let pairs: Vec<(f64, f64)> = c
        .iter()
        .zip(e)
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .map(|(&x, &y)| (x, y))
        .collect();
    let n = pairs.len();
    if n < 2 {
        return RatioInterval::Undefined;
    }
    let nf = n as f64;
    let (mc, me) = pairs
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    let (mc, me) = (mc / nf, me / nf);
    let (mut scc, mut see, mut sce) = (0.0, 0.0, 0.0);
    for (x, y) in &pairs {
        scc += (x - mc) * (x - mc);
        see += (y - me) * (y - me);
        sce += (x - mc) * (y - me);
    }
    // Variances and covariance of the means.
    let d = (nf - 1.0) * nf;
    let (vc, ve, vce) = (scc / d, see / d, sce / d);
    let t2 = t975(n as u32 - 1).powi(2);
    let a = me * me - t2 * ve;
    let b = mc * me - t2 * vce;
    let cc = mc * mc - t2 * vc;
    if me == 0.0 && ve == 0.0 {
        return RatioInterval::Undefined;
    }
    if a <= 0.0 {
        return RatioInterval::Unbounded;
    }
    let disc = (b * b - a * cc).max(0.0);
    let root = disc.sqrt();
    RatioInterval::Bounded {
        low: (b - root) / a,
        high: (b + root) / a,
    }
}

/// An option against the reference from per-replication costs and effects of both (paired by
/// replication).
pub fn incremental(
    ref_cost: &[f64],
    ref_effect: &[f64],
    cost: &[f64],
    effect: &[f64],
) -> Incremental {
    incremental_with(ref_cost, ref_effect, cost, effect, false)
}

/// [`incremental`] when each replication ran with its own parameter set: the Δcost and
/// Δeffect intervals are the central 95% of the replications' paired differences
/// ([`spread`]), the quadrant is judged on them, and the ratio's interval is the central 95% of
/// the acceptability curve ([`super::acceptability::acceptability_interval`]).
pub fn incremental_over_parameters(
    ref_cost: &[f64],
    ref_effect: &[f64],
    cost: &[f64],
    effect: &[f64],
) -> Incremental {
    incremental_with(ref_cost, ref_effect, cost, effect, true)
}

fn incremental_with(
    ref_cost: &[f64],
    ref_effect: &[f64],
    cost: &[f64],
    effect: &[f64],
    over_parameters: bool,
) -> Incremental {
    let dc: Vec<f64> = cost.iter().zip(ref_cost).map(|(a, b)| a - b).collect();
    let de: Vec<f64> = effect.iter().zip(ref_effect).map(|(a, b)| a - b).collect();
    let interval_of = |v: &[f64]| {
        if over_parameters {
            spread(v.iter().copied())
        } else {
            mean_ci(v.iter().copied())
        }
    };
    let (mc, me) = (interval_of(&dc), interval_of(&de));
    let quadrant = if me.low > 0.0 {
        if mc.high < 0.0 {
            Quadrant::Dominant
        } else if mc.low > 0.0 {
            Quadrant::CostsMore
        } else {
            Quadrant::MoreForSimilarCost
        }
    } else if me.high < 0.0 {
        if mc.high < 0.0 {
            Quadrant::SavesButLoses
        } else {
            Quadrant::Dominated
        }
    } else {
        Quadrant::NoClearEffect
    };
    Incremental {
        cost: mc,
        effect: me,
        icer: mc.mean / me.mean,
        interval: if over_parameters {
            super::acceptability::acceptability_interval(&dc, &de)
        } else {
            fieller(&dc, &de)
        },
        quadrant,
    }
}

/// Where an option stands on the efficiency frontier of all options (reference included),
/// from the mean costs and effects.
#[derive(Debug, Clone, PartialEq)]
pub enum Frontier {
    /// On the frontier: its ICER against the next less effective option on it (`None` for the
    /// least effective option on the frontier).
    On {
        against: Option<usize>,
        icer: Option<f64>,
    },
    /// Another option gives at least as much effect for less money (strict dominance).
    Dominated { by: usize },
    /// A mix of two options on either side would give more effect for the money (extended
    /// dominance: its ICER exceeds that of a more effective option).
    ExtendedlyDominated,
}

/// The efficiency frontier of options given by mean (cost, effect): strictly dominated options
/// are removed, then extendedly dominated ones, and each remaining option's ICER is against the
/// next less effective one on the frontier (the standard incremental analysis, e.g. Drummond et
/// al., *Methods for the Economic Evaluation of Health Care Programmes*, ch. 4).
pub fn frontier(points: &[(f64, f64)]) -> Vec<Frontier> {
    let n = points.len();
    let mut out = vec![Frontier::ExtendedlyDominated; n];
    // Strict dominance: another costs no more and gives no less, one of them strictly.
    let mut alive: Vec<usize> = Vec::new();
    for i in 0..n {
        let (ci, ei) = points[i];
        if !(ci.is_finite() && ei.is_finite()) {
            continue;
        }
        let by = (0..n).find(|&j| {
            let (cj, ej) = points[j];
            j != i && cj <= ci && ej >= ei && (cj < ci || ej > ei)
        });
        match by {
            Some(j) => out[i] = Frontier::Dominated { by: j },
            None => alive.push(i),
        }
    }
    // Order by effect (then cost); identical points keep their order.
    alive.sort_by(|&a, &b| {
        points[a]
            .1
            .total_cmp(&points[b].1)
            .then(points[a].0.total_cmp(&points[b].0))
    });
    // Extended dominance: drop any option whose ICER from the previous exceeds the next's ICER
    // from it, until the ICERs rise along the frontier.
    loop {
        let icer = |a: usize, b: usize| (points[b].0 - points[a].0) / (points[b].1 - points[a].1);
        let drop = (1..alive.len().saturating_sub(1))
            .find(|&k| icer(alive[k - 1], alive[k]) > icer(alive[k], alive[k + 1]));
        match drop {
            Some(k) => {
                alive.remove(k);
            }
            None => break,
        }
    }
    for (k, &i) in alive.iter().enumerate() {
        out[i] = Frontier::On {
            against: (k > 0).then(|| alive[k - 1]),
            icer: (k > 0).then(|| {
                let j = alive[k - 1];
                (points[i].0 - points[j].0) / (points[i].1 - points[j].1)
            }),
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic stream of standard normals (Box–Muller on a fixed LCG), so the coverage
    /// check below is the same on every machine.
    fn normals(seed: u64, n: usize) -> Vec<f64> {
        let mut s = seed;
        let mut u = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        };
        (0..n)
            .map(|_| {
                let (a, b) = (u(), u());
                (-2.0 * a.ln()).sqrt() * (2.0 * std::f64::consts::PI * b).cos()
            })
            .collect()
    }

    #[test]
    fn with_a_fixed_effect_fieller_is_the_cost_interval_divided_by_it() {
        // Δeffect is exactly 2 in every replication: the ratio's interval is the t-interval of
        // Δcost, divided by 2.
        let c = [10.0, 12.0, 9.0, 11.0, 13.0, 8.0];
        let e = [2.0; 6];
        let m = mean_ci(c.iter().copied());
        match fieller(&c, &e) {
            RatioInterval::Bounded { low, high } => {
                assert!((low - m.low / 2.0).abs() < 1e-9, "{low} vs {}", m.low / 2.0);
                assert!((high - m.high / 2.0).abs() < 1e-9);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn fieller_matches_a_hand_computation() {
        // n = 4: C = 1,3,2,6 (mean 3), E = 1,2,1,4 (mean 2). Sums of squares about the means:
        // Scc = 4+0+1+9 = 14, See = 1+0+1+4 = 6, Sce = 2+0+1+6 = 9; divided by n(n−1) = 12.
        // t(3) = 3.1824463; t² = 10.12797. a = 4 − t²·0.5 = −1.064 < 0: unbounded.
        assert_eq!(
            fieller(&[1.0, 3.0, 2.0, 6.0], &[1.0, 2.0, 1.0, 4.0]),
            RatioInterval::Unbounded
        );
        // Tighter effects: E = 2.0, 2.1, 1.9, 2.0 (mean 2, See = 0.02), C as above (Sce = 0.1·0 +
        // (−0.1)(−1)... computed: Sce = (−2)(0) + (0)(0.1) + (−1)(−0.1) + (3)(0) = 0.1).
        let (c, e) = ([1.0, 3.0, 2.0, 6.0], [2.0, 2.1, 1.9, 2.0]);
        let t2 = t975(3).powi(2);
        let (vc, ve, vce) = (14.0 / 12.0, 0.02 / 12.0, 0.1 / 12.0);
        let (a, b, cc) = (4.0 - t2 * ve, 6.0 - t2 * vce, 9.0 - t2 * vc);
        let r = (b * b - a * cc).sqrt();
        match fieller(&c, &e) {
            RatioInterval::Bounded { low, high } => {
                assert!((low - (b - r) / a).abs() < 1e-9);
                assert!((high - (b + r) / a).abs() < 1e-9);
                assert!(
                    low < 1.5 && high > 1.5,
                    "the point estimate 3/2 lies inside"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn fieller_covers_the_true_ratio_about_95_times_in_100() {
        // 2,000 samples of 30 correlated pairs with true mean ratio 40,000 / 2 = 20,000.
        let (trials, n) = (2000, 30);
        let z = normals(42, trials * n * 2);
        let mut covered = 0;
        for t in 0..trials {
            let (mut c, mut e) = (Vec::new(), Vec::new());
            for i in 0..n {
                let (z1, z2) = (z[(t * n + i) * 2], z[(t * n + i) * 2 + 1]);
                e.push(2.0 + 0.8 * z1);
                c.push(40_000.0 + 9_000.0 * (0.6 * z1 + 0.8 * z2));
            }
            if let RatioInterval::Bounded { low, high } = fieller(&c, &e)
                && low <= 20_000.0
                && 20_000.0 <= high
            {
                covered += 1;
            }
        }
        let rate = covered as f64 / trials as f64;
        // Binomial sampling error of a 95% rate over 2,000 trials: ±1 point at 2 SE.
        assert!((0.935..=0.965).contains(&rate), "coverage {rate}");
    }

    #[test]
    fn an_effect_indistinguishable_from_zero_gives_no_finite_interval() {
        let c = [100.0, 120.0, 90.0, 110.0];
        let e = [0.5, -0.4, 0.3, -0.3];
        assert_eq!(fieller(&c, &e), RatioInterval::Unbounded);
        let inc = incremental(&[0.0; 4], &[0.0; 4], &c, &e);
        assert_eq!(inc.quadrant, Quadrant::NoClearEffect);
    }

    #[test]
    fn quadrants_follow_the_intervals() {
        let zero = [0.0; 5];
        let more = [1.0, 1.1, 0.9, 1.05, 0.95];
        let less: Vec<f64> = more.iter().map(|x| -x).collect();
        assert_eq!(
            incremental(&zero, &zero, &less, &more).quadrant,
            Quadrant::Dominant
        );
        assert_eq!(
            incremental(&zero, &zero, &more, &more).quadrant,
            Quadrant::CostsMore
        );
        assert_eq!(
            incremental(&zero, &zero, &more, &less).quadrant,
            Quadrant::Dominated
        );
        assert_eq!(
            incremental(&zero, &zero, &less, &less).quadrant,
            Quadrant::SavesButLoses
        );
        let inc = incremental(&zero, &zero, &more, &more);
        assert!((inc.icer - 1.0).abs() < 1e-12);
    }

    #[test]
    fn the_frontier_drops_dominated_and_extendedly_dominated_options() {
        // (cost, effect): the reference 0,0; A 100,10 (ICER 10); B 150,11 (50 from A); C 400,12,
        // strictly dominated by E 260,12.5; D 300,5, strictly dominated by A; E 73.3 from B.
        let pts = [
            (0.0, 0.0),
            (100.0, 10.0),
            (150.0, 11.0),
            (400.0, 12.0),
            (300.0, 5.0),
            (260.0, 12.5),
        ];
        let f = frontier(&pts);
        assert_eq!(
            f[0],
            Frontier::On {
                against: None,
                icer: None
            }
        );
        assert_eq!(
            f[1],
            Frontier::On {
                against: Some(0),
                icer: Some(10.0)
            }
        );
        assert_eq!(
            f[2],
            Frontier::On {
                against: Some(1),
                icer: Some(50.0)
            }
        );
        assert_eq!(f[3], Frontier::Dominated { by: 5 });
        assert_eq!(f[4], Frontier::Dominated { by: 1 });
        match &f[5] {
            Frontier::On {
                against: Some(2),
                icer: Some(x),
            } => {
                assert!((x - 110.0 / 1.5).abs() < 1e-9)
            }
            other => panic!("{other:?}"),
        }
        // Extended dominance: F 120,10.5 costs 40 a unit more than A, but G 130,11 only 20 a unit
        // more than F: a mix of A and G beats F, so F leaves and G's ICER is from A (30).
        let pts = [(0.0, 0.0), (100.0, 10.0), (120.0, 10.5), (130.0, 11.0)];
        let f = frontier(&pts);
        assert_eq!(f[2], Frontier::ExtendedlyDominated);
        assert_eq!(
            f[3],
            Frontier::On {
                against: Some(1),
                icer: Some(30.0)
            }
        );
    }
}
