//! The policy levers a province can set: salary schedule, title ladder with quotas, recruitment
//! ratio, service contract, retirement ages, village-doctor income and pension, continuing
//! education. Everything here is a choice of government, as opposed to `behaviour`, which
//! describes how workers respond.
//!
//! A scenario's policy may change in given years (`[policy_from.YEAR]`): the engine asks for
//! the policy in force in each simulated year (`Scenario::policy_at`).

use crate::population::ByTitle;
use crate::units::{Share, Yuan};

/// Pay at township health centres.
#[derive(Debug, Clone, PartialEq)]
pub struct Salary {
    /// Annual pay by title, in start-year yuan a year; it grows at `growth` from `start_year`.
    pub base: ByTitle<f64>,
    /// Nominal annual growth of pay.
    pub growth: f64,
    /// Performance-pay uplift as a share of base pay (Jiangsu: total performance pay raised by
    /// about 10% of the performance-wage benchmark, seed 004).
    pub performance_uplift: Share,
    /// Allowance for posts in remote townships (`region.remote_threshold`), yuan a year.
    pub remote_allowance: Yuan,
    /// Whether the allowance grows with pay (`growth`: then it is in start-year yuan) or is
    /// the same nominal sum every year.
    pub remote_allowance_indexed: bool,
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
    /// Grassroots-only track (定向评价、定向使用): evaluation without the paper requirements
    /// (pass probability `grassroots_pass_probability`), appointment to posts set aside beyond
    /// the post-setting quota (`grassroots_quota`, a share of posts), and a title valid only
    /// at the grassroots.
    pub grassroots_track: bool,
    pub grassroots_pass_probability: ByTitle<f64>,
    pub grassroots_quota: ByTitle<f64>,
}

/// Open recruitment into vacant posts.
#[derive(Debug, Clone, PartialEq)]
pub struct Recruitment {
    /// Applicants required per post; a post below the ratio is not filled that round.
    pub ratio: f64,
    /// Applicants required per post in remote townships (a relaxed ratio when lower).
    pub remote_ratio: f64,
    /// Mean applicants per advertised post at remoteness 0 and no extra pay.
    pub applicants_per_post: f64,
    /// Log change in applicants per unit of remoteness.
    pub remoteness_effect: f64,
    /// Log change in applicants per 10,000 yuan a year of extra pay (allowances, uplift).
    pub pay_effect_per_10k_yuan: f64,
    /// "County-hired, township-used" (县管乡用): the county advertises every vacant post as a
    /// county post, so applicants do not shun remote townships when applying.
    pub unified_county_hiring: bool,
}

/// Service contract of order-oriented graduates.
#[derive(Debug, Clone, PartialEq)]
pub struct Contract {
    /// Years of obligation from graduation (or from placement when residency does not count).
    pub obligation_years: u32,
    pub residency_counts: bool,
    /// Refund and fine on breach, yuan.
    pub breach_penalty: Yuan,
    /// Whether the penalty grows with pay (then it is in start-year yuan) or is the same
    /// nominal sum every year.
    pub breach_penalty_indexed: bool,
    /// Breachers are barred from postgraduate exams and public-hospital hiring.
    pub postgraduate_ban: bool,
}

/// Statutory retirement of township-centre staff, with the phased rise.
#[derive(Debug, Clone, PartialEq)]
pub struct Retirement {
    pub age_male: f64,
    pub age_female: f64,
    /// First calendar year in which anyone retires later than `age_*`.
    pub rise_from_year: f64,
    /// Years of retirement age added per year of later birth (2025 reform: one month every
    /// four months, 0.25 a year).
    pub rise_per_year: f64,
    pub target_age_male: f64,
    pub target_age_female: f64,
}

impl Retirement {
    /// Retirement age of a person born at calendar time `birth` (a year with fraction).
    pub fn age(&self, female: bool, birth: f64) -> f64 {
        let (from, to) = if female {
            (self.age_female, self.target_age_female)
        } else {
            (self.age_male, self.target_age_male)
        };
        // Someone who would retire at `from` before the reform starts is not affected; each
        // later year of birth adds `rise_per_year`, up to the target.
        let reaches = birth + from;
        let delay = (self.rise_per_year * (reaches - self.rise_from_year)).clamp(0.0, to - from);
        from + delay.max(0.0)
    }
}

/// Village clinics: income, exit rule, pension, and the township staffing reserve.
#[derive(Debug, Clone, PartialEq)]
pub struct Village {
    /// Public subsidies to a village doctor (basic public-health service and essential-drug
    /// subsidies), yuan a year at `start_year`.
    pub subsidy: Yuan,
    /// Fee income from patients, yuan a year at `start_year` (not a public cost).
    pub fee_income: Yuan,
    /// Nominal annual growth of subsidies and fees.
    pub growth: f64,
    /// Guaranteed annual income, nominal yuan (Chengde: >50,000, seed 004); 0 for none. The
    /// public purse tops income up to it.
    pub income_floor: Yuan,
    /// Whether the floor grows with village income (`growth`; then in start-year yuan).
    pub income_floor_indexed: bool,
    /// Pension subsidy per year of village service, yuan a month (Chengde: 20).
    pub pension_per_service_year: Yuan,
    /// Cap on the pension subsidy, yuan a month (Chengde: 400).
    pub pension_cap: Yuan,
    /// Whether the pension's rate and cap grow with village income (then in start-year yuan);
    /// a pension once paid stays the same nominal sum.
    pub pension_indexed: bool,
    /// Minimum years of service for the pension (Chengde: 5).
    pub pension_min_service_years: f64,
    /// Age from which the pension is paid to those still in post (Chengde: 60).
    pub pension_age: f64,
    /// Local exit rule: age at which village doctors are in principle no longer hired
    /// (Haiyan: men 60, women 55, seed 004).
    pub exit_age_male: f64,
    pub exit_age_female: f64,
    /// Share of those reaching the exit age whom the clinic rehires.
    pub rehire_share: Share,
    /// Reserve posts per township centre (Huadu, seed 004): staff recruited by the centre and
    /// sent to village posts as they fall vacant.
    pub reserve_per_township: u32,
}

/// Continuing education and rotation to the county hospital.
#[derive(Debug, Clone, PartialEq)]
pub struct Training {
    /// Annual probability that a township-centre worker is sent for training or rotation.
    pub probability: Share,
    /// Months away per training (the Jiangxi study's turnover effect is for > 3 months).
    pub months: f64,
    /// Cost of a month away (course fees, substitute cover), yuan.
    pub cost_per_month: Yuan,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub salary: Salary,
    pub titles: TitleRules,
    pub recruitment: Recruitment,
    pub contract: Contract,
    pub retirement: Retirement,
    pub village: Village,
    pub training: Training,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statutory() -> Retirement {
        Retirement {
            age_male: 60.0,
            age_female: 55.0,
            rise_from_year: 2025.0,
            rise_per_year: 0.25,
            target_age_male: 63.0,
            target_age_female: 58.0,
        }
    }

    #[test]
    fn retirement_age_rises_by_birth_cohort_from_2025_to_the_target() {
        let r = statutory();
        // Reached 60 before the reform: unaffected.
        assert_eq!(r.age(false, 1960.0), 60.0);
        assert_eq!(r.age(false, 1965.0), 60.0);
        // Born 1969: reaches 60 in 2029, four years in: one more year.
        assert!((r.age(false, 1969.0) - 61.0).abs() < 1e-12);
        // Born 1980: the full three years.
        assert_eq!(r.age(false, 1980.0), 63.0);
        assert_eq!(r.age(true, 1990.0), 58.0);
        assert!((r.age(true, 1972.0) - 55.5).abs() < 1e-12);
    }
}
