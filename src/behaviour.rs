//! How workers respond: the covariate effects of the exit hazard and the outside option.
//!
//! The exit hazard of worker i at time t is
//! `h = base(pathway) · pref_i · exp(β_pay · gap/10k) · HR_blocked · HR_phase · HR_hometown ·
//! HR_rural · HR_own_village · HR_unfunded · HR_remote^remoteness · HR_training ·
//! HR_grassroots_title · exp(β_age · (min(age, cap) − ref)) · exp(β_old · max(age − 60, 0))`,
//! piecewise constant between the engine's steps. For village-paid workers the gap is the
//! village outside option minus village income (plus the valued pension entitlement).

use crate::population::ByTitle;

#[derive(Debug, Clone, PartialEq)]
pub struct OutsideOption {
    /// Pay of the same title at a county-or-higher hospital at `start_year`, yuan a year.
    pub pay: ByTitle<f64>,
    /// What a village doctor could earn instead (private practice, migrant work), yuan a year
    /// at `start_year`.
    pub village_pay: f64,
    pub growth: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Behaviour {
    /// SD of the log of the individual hazard multiplier (latent preference for rural work).
    pub preference_sd: f64,
    /// Log hazard ratio per 10,000 yuan a year by which outside pay exceeds own pay.
    pub pay_effect_per_10k_yuan: f64,
    pub blocked_promotion_hr: f64,
    /// Elasticity of the exit hazard under obligation, and of the no-show share, with respect
    /// to one plus the breach penalty in years of own pay: see [`penalty_hr`].
    pub penalty_elasticity: f64,
    /// Self-selection at take-up: the chance of not reporting after residency is proportional
    /// to the latent taste multiplier to this power (0: no selection), normalised so that the
    /// average chance is the pathway's `no_show`.
    pub selection_strength: f64,
    /// Hazard ratio in the window right after the obligation ends (the contract-end cliff).
    pub contract_end_hr: f64,
    pub contract_end_window_years: f64,
    /// Hazard ratio after the window, for as long as the worker stays: 1 returns to the
    /// pathway's base rate; above 1, those who stayed past the cliff still leave faster.
    pub post_contract_hr: f64,
    pub hometown_hr: f64,
    pub rural_origin_hr: f64,
    /// Serving in one's own village (local apprentices): attachment beyond the home county.
    pub own_village_hr: f64,
    pub unfunded_hr: f64,
    /// Hazard ratio at remoteness 1 relative to remoteness 0.
    pub remoteness_hr: f64,
    pub age_effect_per_year: f64,
    pub age_reference: f64,
    pub age_effect_cap: f64,
    /// Log hazard ratio per year of age past 60, for workers without statutory retirement
    /// (village doctors): exit rises with age.
    pub old_age_effect_per_year: f64,
    /// In a year with a rotation of more than 3 months at a higher-level hospital (Jiangxi,
    /// BMC Prim Care 2024: aOR 6.81 for turnover *intention*; behaviour is weaker).
    pub training_exit_hr: f64,
    /// Multiplier of the pass probability at the evaluation after a training year.
    pub training_pass_multiplier: f64,
    /// Holding a grassroots-track title, which is not valid outside the grassroots.
    pub grassroots_title_hr: f64,
    /// Yuan of current pay that one yuan a year of pension entitlement is worth to a village
    /// doctor (a deferred, conditional benefit is discounted).
    pub pension_weight: f64,
}

/// Hazard ratio of a breach penalty: `(1 + penalty / pay)^(−elasticity)`, the penalty counted in
/// years of the worker's own pay (both in the same year's yuan). Measured against pay, so that
/// the same sum deters a low-paid worker more than a well-paid one; with diminishing returns
/// (each doubling of the penalty lowers the hazard by less once it is large against pay),
/// rather than a log-linear effect in yuan that saturates at zero exits.
pub fn penalty_hr(penalty: f64, pay: f64, elasticity: f64) -> f64 {
    if penalty <= 0.0 || pay <= 0.0 {
        return 1.0;
    }
    (1.0 + penalty / pay).powf(-elasticity)
}

#[cfg(test)]
mod tests {
    use super::penalty_hr;

    /// No penalty, no deterrent; the deterrent grows with the penalty but each further 60,000
    /// yuan adds less; and it is the penalty against pay that counts.
    #[test]
    fn the_penalty_deters_with_diminishing_returns_against_pay() {
        let e = 1.637;
        assert_eq!(penalty_hr(0.0, 40_000.0, e), 1.0);
        let log_hr = |p: f64| -penalty_hr(p, 40_000.0, e).ln();
        let steps: Vec<f64> = [0.0, 60_000.0, 120_000.0, 180_000.0, 240_000.0]
            .windows(2)
            .map(|w| log_hr(w[1]) - log_hr(w[0]))
            .collect();
        assert!(steps.iter().all(|d| *d > 0.0), "{steps:?}");
        assert!(
            steps.windows(2).all(|w| w[1] < w[0]),
            "diminishing: {steps:?}"
        );
        // By hand: 1.5 years of pay at elasticity 1.637: 2.5^−1.637 = e^(−1.637 · 0.9163) = 0.2231.
        assert!((penalty_hr(60_000.0, 40_000.0, e) - 0.2231).abs() < 1e-4);
        // The same penalty deters a worker on twice the pay as half that penalty would.
        assert_eq!(
            penalty_hr(60_000.0, 80_000.0, e),
            penalty_hr(30_000.0, 40_000.0, e)
        );
    }
}
