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
    /// Log hazard reduction per 10,000 yuan of breach penalty, while under obligation.
    pub penalty_effect_per_10k_yuan: f64,
    /// Hazard ratio in the window right after the obligation ends (the contract-end cliff).
    pub contract_end_hr: f64,
    pub contract_end_window_years: f64,
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
