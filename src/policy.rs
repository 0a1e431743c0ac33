//! The policy levers a province can set: salary schedule, title ladder with quotas, recruitment
//! ratio, service contract and retirement ages. Everything here is a choice of government, as
//! opposed to `behaviour`, which describes how workers respond.

use crate::population::ByTitle;
use crate::units::{Share, Yuan};

/// Pay at township health centres.
#[derive(Debug, Clone, PartialEq)]
pub struct Salary {
    /// Annual pay by title at `start_year`, yuan a year.
    pub base: ByTitle<f64>,
    /// Nominal annual growth of pay.
    pub growth: f64,
    /// Allowance for posts in remote townships, yuan a year.
    pub remote_allowance: Yuan,
    /// Townships with remoteness at or above this get the allowance.
    pub remote_threshold: Share,
    /// Stipend during standardized residency, yuan a year.
    pub residency_stipend: Yuan,
}

/// Whether title quotas count posts per centre or across the county (medical community).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaPool {
    Centre,
    County,
}

/// The title ladder.
#[derive(Debug, Clone, PartialEq)]
pub struct TitleRules {
    /// Minimum years at the rank below before one may sit the exam for each rank (index 0 unused).
    pub min_years: ByTitle<f64>,
    /// Extra years required of staff without a bachelor's degree.
    pub college_extra_years: f64,
    /// Years by which order-oriented graduates may sit the intermediate exam earlier.
    pub order_oriented_head_start: f64,
    /// Annual probability of passing the evaluation once eligible.
    pub pass_probability: ByTitle<f64>,
    /// Maximum share of establishment posts held at each rank (post-setting proportion);
    /// 1 means no quota.
    pub quota: ByTitle<f64>,
    pub quota_pool: QuotaPool,
}

/// Open recruitment into vacant posts.
#[derive(Debug, Clone, PartialEq)]
pub struct Recruitment {
    /// Applicants required per post; a post below the ratio is not filled that round.
    pub ratio: f64,
    /// Mean applicants per advertised post at remoteness 0 and pay equal to the outside option
    /// gap of the reference.
    pub applicants_per_post: f64,
    /// Log change in applicants per unit of remoteness.
    pub remoteness_effect: f64,
    /// Log change in applicants per 10,000 yuan a year of extra pay (allowances).
    pub pay_effect_per_10k_yuan: f64,
}

/// Service contract of order-oriented graduates.
#[derive(Debug, Clone, PartialEq)]
pub struct Contract {
    /// Years of obligation from graduation (or from placement when residency does not count).
    pub obligation_years: u32,
    pub residency_counts: bool,
    /// Refund and fine on breach, yuan.
    pub breach_penalty: Yuan,
    /// Breachers are barred from postgraduate exams and public-hospital hiring.
    pub postgraduate_ban: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Retirement {
    pub age_male: f64,
    pub age_female: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub salary: Salary,
    pub titles: TitleRules,
    pub recruitment: Recruitment,
    pub contract: Contract,
    pub retirement: Retirement,
}
