//! Value for money under parameter uncertainty: the cost-effectiveness acceptability curve and
//! the interval of the incremental cost per extra worker-year it gives.
//!
//! When every replication runs with its own parameter set, the pairs (Δcost, Δeffect) are a
//! sample of what the option may do, not repeated measurements of one answer, so Fieller's
//! interval (how well the *mean* ratio is known) is the wrong question. The standard answer in
//! probabilistic sensitivity analysis is the **acceptability curve**: for a willingness to pay λ
//! (yuan per extra worker-year), the share of replications in which the option's net monetary
//! benefit λ·Δeffect − Δcost is positive (van Hout et al. 1994). Its central 95% — the λ at
//! which that share passes 2.5% and 97.5% — is the interval of the ratio (Fenwick, Claxton &
//! Sculpher 2001): when every replication gains service it is the central 95% of the
//! replications' own ratios, and when more than 2.5% of them gain none there is no finite upper
//! end, which is said, never hidden.

use super::icer::RatioInterval;

/// The method, in words, for every file and page that shows an ICER interval over parameter
/// sets.
pub const ACCEPTABILITY_METHOD: &str = "the central 95% of the cost-effectiveness acceptability curve: the willingness to pay at which the share of replications (each with its own parameter set) whose net monetary benefit λ·Δeffect − Δcost is positive passes 2.5% and 97.5% (Fenwick, Claxton & Sculpher 2001), over parameter uncertainty and simulation noise; unbounded when the share never reaches 97.5% (more than 2.5% of replications gain no service)";

/// The share of the pairs (`dc`, `de`) (paired differences, one per replication) whose net
/// monetary benefit `lambda · de − dc` is positive: the acceptability curve at `lambda`.
/// NaN when no pair is finite.
pub fn acceptability(dc: &[f64], de: &[f64], lambda: f64) -> f64 {
    let (mut yes, mut n) = (0usize, 0usize);
    for (&c, &e) in dc.iter().zip(de) {
        if c.is_finite() && e.is_finite() {
            n += 1;
            yes += usize::from(lambda * e - c > 0.0);
        }
    }
    if n == 0 {
        f64::NAN
    } else {
        yes as f64 / n as f64
    }
}

/// The central 95% of the acceptability curve of the pairs (`dc`, `de`), read as an interval of
/// the incremental cost per unit of effect. For an option that loses effect on average, the
/// curve of the reference against it (the saving per unit given up) is read instead.
///
/// The curve is a step function of λ that changes only at the replications' own ratios
/// `dc/de`; the bounds are the smallest such ratios at which the share reaches
/// ⌈0.025·n⌉/n and ⌈0.975·n⌉/n. With every `de > 0` these are the ⌈0.025·n⌉-th and
/// ⌈0.975·n⌉-th smallest ratios.
pub fn acceptability_interval(dc: &[f64], de: &[f64]) -> RatioInterval {
    let pairs: Vec<(f64, f64)> = dc
        .iter()
        .zip(de)
        .filter(|(c, e)| c.is_finite() && e.is_finite())
        .map(|(&c, &e)| (c, e))
        .collect();
    let n = pairs.len();
    if n < 2 {
        return RatioInterval::Undefined;
    }
    let mean_effect = pairs.iter().map(|p| p.1).sum::<f64>() / n as f64;
    if mean_effect == 0.0 {
        return RatioInterval::Undefined;
    }
    // Read for the direction of the mean effect: the option's gain, or the reference's.
    let sign = mean_effect.signum();
    let pairs: Vec<(f64, f64)> = pairs.iter().map(|&(c, e)| (sign * c, sign * e)).collect();
    // As λ rises, a pair gaining effect turns positive just above its ratio; one losing
    // effect turns negative there; one with no effect difference is positive throughout
    // exactly when it saves money.
    let mut positive_below: usize = pairs
        .iter()
        .filter(|&&(c, e)| e < 0.0 || (e == 0.0 && c < 0.0))
        .count();
    let mut steps: Vec<(f64, i64)> = pairs
        .iter()
        .filter(|p| p.1 != 0.0)
        .map(|&(c, e)| (c / e, if e > 0.0 { 1 } else { -1 }))
        .collect();
    steps.sort_by(|a, b| a.0.total_cmp(&b.0));
    let need_low = (0.025 * n as f64).ceil() as usize;
    let need_high = (0.975 * n as f64).ceil() as usize;
    if positive_below >= need_low {
        // Acceptable to more than 2.5% of replications at any price, however low (negative):
        // no finite lower end.
        return RatioInterval::Unbounded;
    }
    let (mut low, mut high) = (None, None);
    let mut i = 0;
    while i < steps.len() {
        let at = steps[i].0;
        let mut count = positive_below as i64;
        while i < steps.len() && steps[i].0 == at {
            count += steps[i].1;
            i += 1;
        }
        positive_below = count.max(0) as usize;
        if low.is_none() && positive_below >= need_low {
            low = Some(at);
        }
        if low.is_some() && positive_below >= need_high {
            high = Some(at);
            break;
        }
    }
    match (low, high) {
        (Some(low), Some(high)) => RatioInterval::Bounded { low, high },
        _ => RatioInterval::Unbounded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_every_replication_gaining_the_interval_is_the_central_95_percent_of_its_ratios() {
        // 200 replications, effect 1 + r/200, cost 1000·(r + 1) + 50: ratios are known.
        let n = 200;
        let de: Vec<f64> = (0..n).map(|r| 1.0 + r as f64 / 200.0).collect();
        let dc: Vec<f64> = (0..n).map(|r| 1000.0 * (r + 1) as f64 + 50.0).collect();
        let mut ratios: Vec<f64> = dc.iter().zip(&de).map(|(c, e)| c / e).collect();
        ratios.sort_by(f64::total_cmp);
        // ⌈0.025·200⌉ = 5th and ⌈0.975·200⌉ = 195th smallest.
        assert_eq!(
            acceptability_interval(&dc, &de),
            RatioInterval::Bounded {
                low: ratios[4],
                high: ratios[194]
            }
        );
        // The curve at those prices: just at 2.5% and 97.5% there.
        assert_eq!(acceptability(&dc, &de, ratios[4] + 1e-9), 5.0 / 200.0);
        assert_eq!(acceptability(&dc, &de, ratios[194] + 1e-9), 195.0 / 200.0);
        assert_eq!(acceptability(&dc, &de, 0.0), 0.0);
    }

    #[test]
    fn an_option_that_often_gains_nothing_has_no_finite_upper_end() {
        // 10 of 100 replications lose service at a cost: never acceptable, at any price.
        let de: Vec<f64> = (0..100).map(|r| if r < 10 { -1.0 } else { 2.0 }).collect();
        let dc = vec![100.0; 100];
        assert_eq!(acceptability_interval(&dc, &de), RatioInterval::Unbounded);
        assert!((acceptability(&dc, &de, 1e12) - 0.9).abs() < 1e-12);
    }

    #[test]
    fn an_option_that_saves_by_giving_service_up_is_read_as_the_saving_per_unit_lost() {
        // Effect −2, saving 100…199: the reference buys each unit back for 50…99.5.
        let de = vec![-2.0; 100];
        let dc: Vec<f64> = (0..100).map(|r| -(100.0 + r as f64)).collect();
        match acceptability_interval(&dc, &de) {
            RatioInterval::Bounded { low, high } => {
                assert_eq!(low, 51.0, "3rd smallest of 50, 50.5, 51, …");
                assert_eq!(high, 98.5, "98th smallest");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn no_replications_or_no_effect_give_no_interval() {
        assert_eq!(
            acceptability_interval(&[1.0], &[1.0]),
            RatioInterval::Undefined
        );
        assert_eq!(
            acceptability_interval(&[1.0, 2.0], &[0.0, 0.0]),
            RatioInterval::Undefined
        );
        assert!(acceptability(&[], &[], 1.0).is_nan());
    }
}
