//! How workers respond: the covariate effects of the exit hazard and the outside option.
//!
//! The exit hazard of worker i at time t is
//! `h = base(pathway) · pref_i · exp(β_pay · gap/10k) · HR_blocked · HR_phase · HR_hometown ·
//! HR_rural · HR_unfunded · HR_remote^remoteness · exp(β_age · (min(age, cap) − ref))`,
//! piecewise constant between the engine's steps.

use crate::population::ByTitle;

#[derive(Debug, Clone, PartialEq)]
pub struct OutsideOption {
    /// Pay of the same title at a county-or-higher hospital at `start_year`, yuan a year.
    pub pay: ByTitle<f64>,
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
    pub unfunded_hr: f64,
    /// Hazard ratio at remoteness 1 relative to remoteness 0.
    pub remoteness_hr: f64,
    pub age_effect_per_year: f64,
    pub age_reference: f64,
    pub age_effect_cap: f64,
}
