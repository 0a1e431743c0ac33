//! The parameter catalogue: one row per scenario key pattern, saying what values the key
//! takes, in what unit, in plain words, under which heading, and whether it is a policy lever.
//!
//! Validation takes its bounds and its error words from here (a row's [`Kind`]), the README's
//! lever table is checked against the rows marked `lever` (`tests/catalogue.rs`), and the report
//! labels keys with [`describe`]. A `*` in a pattern stands for one part of the key (a pathway's
//! name, a title); `benchmark[*]` for one entry of an array of tables. Keys under
//! `[policy_from.YEAR]` are looked up as the same keys under `[policy]`.

use super::key::key_parts;
use crate::units::{HazardRatio, Rate, Share, Yuan};

/// What values a key takes. Bounds are inclusive.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A real number in `min..=max`; `what` says what it is in the error words.
    Real {
        min: f64,
        max: f64,
        what: &'static str,
    },
    /// A whole number in `min..=max`.
    Int {
        min: i64,
        max: i64,
        what: &'static str,
    },
    /// A share of a whole, 0 to 1 ([`Share`]).
    Share,
    /// An amount of yuan ≥ 0 ([`Yuan`]).
    Yuan,
    /// An annual rate ≥ 0 ([`Rate`]).
    Rate,
    /// A hazard ratio > 0 ([`HazardRatio`]).
    HazardRatio,
    /// A distribution whose values lie in `min..=max`.
    Dist {
        min: f64,
        max: f64,
        what: &'static str,
    },
    /// `true` or `false`.
    Flag,
    /// One of a fixed set of words.
    Word(&'static [&'static str]),
}

impl Kind {
    /// What is allowed, in the words of an error message.
    pub fn allowed(&self) -> String {
        match *self {
            Kind::Real { min, max, what } => format!("{what} between {min} and {max}"),
            Kind::Int { min, max, what } => format!("{what}: a whole number from {min} to {max}"),
            Kind::Share => Share::ALLOWED.into(),
            Kind::Yuan => Yuan::ALLOWED.into(),
            Kind::Rate => Rate::ALLOWED.into(),
            Kind::HazardRatio => HazardRatio::ALLOWED.into(),
            Kind::Dist { min, max, what } => format!("{what}, values between {min} and {max}"),
            Kind::Flag => "true or false".into(),
            Kind::Word(words) => words.join(" or "),
        }
    }
}

/// How a value is shown to a reader (the report's change table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Grouped digits: 12,000.
    Number,
    /// Digits only, for years and seeds: 2025.
    Integer,
    /// A share as a percentage: 0.1 → 10%.
    Percent,
    /// Applicants per post: 2 → 2:1.
    Ratio,
    /// Anything else, as written.
    AsWritten,
}

/// The heading a key comes under (the scenario file's tables; the policy split by lever group).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    Salary,
    Titles,
    Recruitment,
    Contract,
    Retirement,
    Village,
    Training,
    Simulation,
    Economics,
    Region,
    Pathways,
    OutsideOption,
    Behaviour,
    Benchmarks,
    Calibration,
}

/// One scenario key pattern.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Param {
    /// The dotted key, with `*` for a part that varies.
    pub pattern: &'static str,
    pub kind: Kind,
    /// The unit a reader is told, e.g. "yuan a year" ("" when it has none).
    pub unit: &'static str,
    pub shown: Shown,
    /// Plain words; `{title}` and `{pathway}` (`{Pathway}` capitalised) stand for the varying part.
    pub label: &'static str,
    pub group: Group,
    /// Listed in the README's table of policy levers.
    pub lever: bool,
}

/// A key described for a reader: what [`describe`] returns.
#[derive(Debug, Clone, PartialEq)]
pub struct Description {
    pub label: String,
    pub shown: Shown,
    pub unit: &'static str,
    pub group: Group,
    pub lever: bool,
}

const TOWNSHIPS: Kind = Kind::Dist {
    min: 1.0,
    max: 1000.0,
    what: "townships per county",
};
const GROWTH: Kind = Kind::Real {
    min: -0.5,
    max: 1.0,
    what: "annual growth (share a year)",
};
const RETIREMENT_AGE: Kind = Kind::Real {
    min: 40.0,
    max: 90.0,
    what: "retirement age in years",
};
const AGE: Kind = Kind::Real {
    min: 15.0,
    max: 90.0,
    what: "age in years",
};
const CALENDAR_YEAR: Kind = Kind::Int {
    min: 1949,
    max: 2200,
    what: "calendar year",
};

macro_rules! row {
    ($pattern:literal, $kind:expr, $unit:literal, $shown:ident, $label:literal, $group:ident, $lever:literal) => {
        Param {
            pattern: $pattern,
            kind: $kind,
            unit: $unit,
            shown: Shown::$shown,
            label: $label,
            group: Group::$group,
            lever: $lever,
        }
    };
}

/// Every scenario key that holds a value, in the order of the scenario file.
#[rustfmt::skip]
pub static CATALOGUE: &[Param] = &[
    row!("simulation.seed", Kind::Int { min: 0, max: i64::MAX, what: "the random seed" }, "", Integer, "Random seed", Simulation, false),
    row!("simulation.start_year", CALENDAR_YEAR, "", Integer, "First simulated year", Simulation, false),
    row!("simulation.years", Kind::Int { min: 1, max: 200, what: "years simulated" }, "", Number, "Years simulated", Simulation, false),
    row!("simulation.replications", Kind::Int { min: 1, max: 1_000_000, what: "replications" }, "", Number, "Replications", Simulation, false),
    row!("simulation.year_begins_month", Kind::Int { min: 1, max: 12, what: "calendar month the simulation's year begins (graduation, hiring, the yearly census)" }, "", Integer, "Month the simulated year begins", Simulation, false),
    row!("simulation.steps_per_year", Kind::Int { min: 1, max: 366, what: "steps per year" }, "", Number, "Hazard steps per year", Simulation, false),

    row!("economics.base_year", CALENDAR_YEAR, "", Integer, "Year whose prices costs are stated in, and to which costs and effects are discounted", Economics, false),
    row!("economics.inflation", Kind::Real { min: -0.5, max: 1.0, what: "annual consumer-price inflation (share a year)" }, "a year", Percent, "Consumer-price inflation deflating nominal spending", Economics, false),
    row!("economics.discount_rate", Kind::Real { min: 0.0, max: 0.5, what: "annual discount rate (share a year; 0 for none)" }, "a year", Percent, "Discount rate of costs and effects", Economics, false),

    row!("region.counties", Kind::Int { min: 1, max: 100_000, what: "number of counties" }, "", Number, "Counties simulated", Region, false),
    row!("region.townships_per_county", TOWNSHIPS, "", Number, "Townships per county", Region, false),
    row!("region.villages_per_township", Kind::Dist { min: 0.0, max: 1000.0, what: "villages per township" }, "", Number, "Villages per township", Region, false),
    row!("region.posts_per_centre", Kind::Dist { min: 1.0, max: 10_000.0, what: "establishment posts per township health centre" }, "", Number, "Establishment posts (编制) per township health centre", Region, false),
    row!("region.remoteness", Kind::Dist { min: 0.0, max: 1.0, what: "remoteness index" }, "", Number, "Remoteness of a township (0–1)", Region, false),
    row!("region.initial_fill", Kind::Share, "", Percent, "Posts filled at the start", Region, false),
    row!("region.funded_share", Kind::Share, "", Percent, "Posts with public funding", Region, false),
    row!("region.remote_threshold", Kind::Share, "", Number, "Remoteness from which a township counts as remote (0–1)", Region, true),
    row!("region.village_posts", Kind::Dist { min: 0.0, max: 50.0, what: "village-doctor posts per village clinic" }, "", Number, "Village-doctor posts per village clinic", Region, false),
    row!("region.village_initial_fill", Kind::Share, "", Percent, "Village posts filled at the start", Region, false),

    row!("outside_option.pay.*", Kind::Yuan, "yuan a year", Number, "County-hospital pay, {title} title", OutsideOption, false),
    row!("outside_option.village_pay", Kind::Yuan, "yuan a year", Number, "What a village doctor could earn instead", OutsideOption, false),
    row!("outside_option.growth", GROWTH, "a year", Percent, "Nominal growth of outside pay", OutsideOption, false),

    row!("behaviour.preference_sd", Kind::Real { min: 0.0, max: 5.0, what: "SD of log hazard multiplier" }, "", Number, "Spread of individual preference to leave", Behaviour, false),
    row!("behaviour.pay_effect_per_10k_yuan", Kind::Real { min: -5.0, max: 5.0, what: "log hazard ratio per 10,000 yuan a year" }, "per 10,000 yuan a year", Number, "Effect of the pay gap on exits", Behaviour, false),
    row!("behaviour.blocked_promotion_hr", Kind::HazardRatio, "hazard ratio", Number, "Exits while blocked from promotion", Behaviour, false),
    row!("behaviour.selection_strength", Kind::Real { min: 0.0, max: 10.0, what: "power of the latent taste multiplier in the chance of not taking up a post (0: no self-selection)" }, "", Number, "Self-selection at take-up", Behaviour, false),
    row!("behaviour.penalty_elasticity", Kind::Real { min: 0.0, max: 100.0, what: "elasticity of exits under contract with respect to 1 + the penalty in years of pay" }, "", Number, "Effect of the breach penalty on exits under contract and no-shows", Behaviour, false),
    row!("behaviour.contract_end_hr", Kind::HazardRatio, "hazard ratio", Number, "Exits around the end of the contract", Behaviour, false),
    row!("behaviour.post_contract_hr", Kind::HazardRatio, "hazard ratio", Number, "Exits after the contract-end window, against the base rate", Behaviour, false),
    row!("behaviour.contract_end_window_years", Kind::Real { min: 0.0, max: 10.0, what: "years" }, "years", Number, "Time after the contract ends with raised exits", Behaviour, false),
    row!("behaviour.hometown_hr", Kind::HazardRatio, "hazard ratio", Number, "Exits of staff placed in their home county", Behaviour, false),
    row!("behaviour.rural_origin_hr", Kind::HazardRatio, "hazard ratio", Number, "Exits of staff of rural origin", Behaviour, false),
    row!("behaviour.unfunded_hr", Kind::HazardRatio, "hazard ratio", Number, "Exits from posts without public funding", Behaviour, false),
    row!("behaviour.remoteness_hr", Kind::HazardRatio, "hazard ratio", Number, "Exits at remoteness 1", Behaviour, false),
    row!("behaviour.age_effect_per_year", Kind::Real { min: -1.0, max: 1.0, what: "log hazard ratio per year of age" }, "per year of age", Number, "Effect of age on exits", Behaviour, false),
    row!("behaviour.age_reference", AGE, "years", Number, "Age at which the age effect is nil", Behaviour, false),
    row!("behaviour.age_effect_cap", AGE, "years", Number, "Age beyond which the age effect stops growing", Behaviour, false),
    row!("behaviour.own_village_hr", Kind::HazardRatio, "hazard ratio", Number, "Exits of village doctors serving their own village", Behaviour, false),
    row!("behaviour.old_age_effect_per_year", Kind::Real { min: -1.0, max: 2.0, what: "log hazard ratio per year of age past 60" }, "per year past 60", Number, "Effect of old age on exits", Behaviour, false),
    row!("behaviour.training_exit_hr", Kind::HazardRatio, "hazard ratio", Number, "Exits while away training", Behaviour, true),
    row!("behaviour.training_pass_multiplier", Kind::Real { min: 0.0, max: 10.0, what: "multiplier of the pass probability" }, "", Number, "Effect of training on passing a title evaluation", Behaviour, true),
    row!("behaviour.grassroots_title_hr", Kind::HazardRatio, "hazard ratio", Number, "Exits of staff holding a grassroots-only title", Behaviour, false),
    row!("behaviour.pension_weight", Kind::Real { min: 0.0, max: 10.0, what: "yuan of pay per yuan a year of pension entitlement" }, "", Number, "Weight of a pension entitlement against pay", Behaviour, false),

    row!("policy.salary.base.*", Kind::Yuan, "yuan a year", Number, "Base salary, {title} title", Salary, false),
    row!("policy.salary.growth", GROWTH, "a year", Percent, "Nominal salary growth", Salary, false),
    row!("policy.salary.performance_uplift", Kind::Share, "of base pay", Percent, "Performance-pay uplift", Salary, true),
    row!("policy.salary.remote_allowance", Kind::Yuan, "yuan a year", Number, "Remote-post allowance", Salary, true),
    row!("policy.salary.remote_allowance_indexed", Kind::Flag, "", AsWritten, "Remote-post allowance grows with pay (else a fixed nominal sum)", Salary, true),
    row!("policy.salary.residency_stipend", Kind::Yuan, "yuan a year", Number, "Residency stipend", Salary, true),

    row!("policy.titles.min_years.*", Kind::Real { min: 0.0, max: 50.0, what: "years at the rank below" }, "years", Number, "Minimum years at the rank below before the {title} evaluation", Titles, true),
    row!("policy.titles.college_extra_years", Kind::Real { min: 0.0, max: 20.0, what: "years" }, "years", Number, "Extra years before each evaluation without a bachelor's degree", Titles, true),
    row!("policy.titles.order_oriented_head_start", Kind::Real { min: 0.0, max: 20.0, what: "years" }, "years", Number, "Head start of RTME graduates at the intermediate evaluation", Titles, true),
    row!("policy.titles.pass_probability.*", Kind::Share, "a year", Percent, "Chance of passing the {title} evaluation", Titles, false),
    row!("policy.titles.quota.*", Kind::Share, "of a centre's posts", Percent, "Title quota: {title} posts", Titles, true),
    row!("policy.titles.quota_pool", Kind::Word(&["centre", "county"]), "", AsWritten, "Title quotas counted over", Titles, true),
    row!("policy.titles.grassroots_track", Kind::Flag, "", AsWritten, "Grassroots-only title track", Titles, true),
    row!("policy.titles.grassroots_pass_probability.*", Kind::Share, "a year", Percent, "Chance of passing the grassroots-track {title} evaluation", Titles, true),
    row!("policy.titles.grassroots_quota.*", Kind::Share, "of posts", Percent, "Posts set aside for grassroots-track {title} titles", Titles, true),

    row!("policy.recruitment.ratio", Kind::Real { min: 0.0, max: 100.0, what: "applicants required per post" }, "", Ratio, "Applicants required per advertised post", Recruitment, true),
    row!("policy.recruitment.remote_ratio", Kind::Real { min: 0.0, max: 100.0, what: "applicants required per post in remote townships" }, "", Ratio, "Applicants required per advertised post in remote townships", Recruitment, true),
    row!("policy.recruitment.unified_county_hiring", Kind::Flag, "", AsWritten, "Unified county hiring (县管乡用)", Recruitment, true),
    row!("policy.recruitment.applicants_per_post", Kind::Real { min: 0.0, max: 1000.0, what: "mean applicants per post" }, "", Number, "Mean applicants per advertised post near the county seat", Recruitment, false),
    row!("policy.recruitment.remoteness_effect", Kind::Real { min: -10.0, max: 10.0, what: "log change in applicants at remoteness 1" }, "", Number, "Change in applicants at remoteness 1 (log)", Recruitment, false),
    row!("policy.recruitment.pay_effect_per_10k_yuan", Kind::Real { min: -10.0, max: 10.0, what: "log change in applicants per 10,000 yuan a year" }, "per 10,000 yuan a year", Number, "Change in applicants with pay (log)", Recruitment, false),

    row!("policy.contract.obligation_years", Kind::Int { min: 0, max: 40, what: "years of service obligation" }, "years", Number, "RTME service obligation", Contract, true),
    row!("policy.contract.residency_counts", Kind::Flag, "", AsWritten, "Residency counted inside the obligation", Contract, true),
    row!("policy.contract.breach_penalty", Kind::Yuan, "yuan", Number, "Penalty for breaking the service contract", Contract, true),
    row!("policy.contract.breach_penalty_indexed", Kind::Flag, "", AsWritten, "Breach penalty grows with pay (else a fixed nominal sum)", Contract, true),
    row!("policy.contract.postgraduate_ban", Kind::Flag, "", AsWritten, "Contract breakers barred from postgraduate study and public hospitals", Contract, true),

    row!("policy.retirement.age_male", RETIREMENT_AGE, "years", Number, "Retirement age, men", Retirement, true),
    row!("policy.retirement.age_female", RETIREMENT_AGE, "years", Number, "Retirement age, women", Retirement, true),
    row!("policy.retirement.rise_from_year", Kind::Real { min: 1949.0, max: 2200.0, what: "calendar year" }, "", Integer, "Statutory rise of the retirement age starts in", Retirement, true),
    row!("policy.retirement.rise_per_year", Kind::Real { min: 0.0, max: 1.0, what: "years of retirement age per later year of birth" }, "years", Number, "Rise of the retirement age per year of later birth", Retirement, true),
    row!("policy.retirement.target_age_male", RETIREMENT_AGE, "years", Number, "Retirement age after the rise, men", Retirement, true),
    row!("policy.retirement.target_age_female", RETIREMENT_AGE, "years", Number, "Retirement age after the rise, women", Retirement, true),

    row!("policy.village.subsidy", Kind::Yuan, "yuan a year", Number, "Public subsidy to a village doctor", Village, false),
    row!("policy.village.fee_income", Kind::Yuan, "yuan a year", Number, "Village doctors' fee income from patients", Village, false),
    row!("policy.village.growth", GROWTH, "a year", Percent, "Nominal growth of village income", Village, false),
    row!("policy.village.income_floor", Kind::Yuan, "yuan a year", Number, "Village-doctor income floor", Village, true),
    row!("policy.village.income_floor_indexed", Kind::Flag, "", AsWritten, "Village-doctor income floor grows with village income (else a fixed nominal sum)", Village, true),
    row!("policy.village.pension_per_service_year", Kind::Yuan, "yuan a month", Number, "Village-doctor pension per year of service", Village, true),
    row!("policy.village.pension_cap", Kind::Yuan, "yuan a month", Number, "Village-doctor pension cap", Village, true),
    row!("policy.village.pension_indexed", Kind::Flag, "", AsWritten, "Village-doctor pension grows with village income (else fixed nominal sums)", Village, true),
    row!("policy.village.pension_min_service_years", Kind::Real { min: 0.0, max: 60.0, what: "years of service" }, "years", Number, "Service needed for a village-doctor pension", Village, true),
    row!("policy.village.pension_age", Kind::Real { min: 40.0, max: 90.0, what: "age in years" }, "", Number, "Village-doctor pension paid from age", Village, true),
    row!("policy.village.exit_age_male", Kind::Real { min: 40.0, max: 100.0, what: "age in years" }, "years", Number, "Village-doctor exit age, men", Village, true),
    row!("policy.village.exit_age_female", Kind::Real { min: 40.0, max: 100.0, what: "age in years" }, "years", Number, "Village-doctor exit age, women", Village, true),
    row!("policy.village.rehire_share", Kind::Share, "", Percent, "Village doctors kept on past the exit age", Village, true),
    row!("policy.village.reserve_per_township", Kind::Int { min: 0, max: 1000, what: "reserve posts per township centre" }, "", Number, "Staffing-reserve posts per township centre for village vacancies", Village, true),

    row!("policy.training.probability", Kind::Share, "a year", Percent, "Chance of continuing education or rotation", Training, true),
    row!("policy.training.months", Kind::Real { min: 0.0, max: 12.0, what: "months away per training" }, "months", Number, "Time away per training", Training, true),
    row!("policy.training.cost_per_month", Kind::Yuan, "yuan a month away", Number, "Cost of training", Training, true),

    row!("pathways.*.kind", Kind::Word(&crate::population::PathwayKind::NAMES), "", AsWritten, "Kind of pathway of {pathway}", Pathways, false),
    row!("pathways.*.base_exit_rate", Kind::Rate, "a year", Percent, "Base exit rate of {pathway}", Pathways, false),
    row!("pathways.*.female_share", Kind::Share, "", Percent, "{Pathway} who are women", Pathways, false),
    row!("pathways.*.hometown_share", Kind::Share, "", Percent, "{Pathway} placed in their home county", Pathways, true),
    row!("pathways.*.rural_origin_share", Kind::Share, "", Percent, "{Pathway} of rural origin", Pathways, false),
    row!("pathways.*.bachelor_share", Kind::Share, "", Percent, "{Pathway} holding a bachelor's degree", Pathways, false),
    row!("pathways.*.age_at_entry", Kind::Dist { min: 15.0, max: 80.0, what: "age in years" }, "years", Number, "Age of {pathway} at entry", Pathways, false),
    row!("pathways.*.intake_per_county", Kind::Real { min: 0.0, max: 100_000.0, what: "students enrolled per county per year" }, "a year", Number, "{Pathway} enrolled per county", Pathways, true),
    row!("pathways.*.study_years", Kind::Int { min: 0, max: 15, what: "years of study" }, "years", Number, "Years of study of {pathway}", Pathways, false),
    row!("pathways.*.study_dropout", Kind::Share, "a year", Percent, "{Pathway} dropping out of study", Pathways, false),
    row!("pathways.*.residency_years", Kind::Int { min: 0, max: 10, what: "years of standardized residency" }, "years", Number, "Years of standardized residency of {pathway}", Pathways, false),
    row!("pathways.*.placement", Kind::Word(&["most_vacant", "vacancy_weighted"]), "", AsWritten, "How {pathway} are assigned to a township centre", Pathways, true),
    row!("pathways.*.no_show", Kind::Share, "", Percent, "{Pathway} who do not report after residency", Pathways, false),
    row!("pathways.*.initial_age", Kind::Dist { min: 15.0, max: 100.0, what: "age of the village doctors serving at the start" }, "years", Number, "Age of {pathway} serving at the start", Pathways, false),
    row!("pathways.*.refill_rate", Kind::Share, "a year", Percent, "Chance a vacant post finds new {pathway}", Pathways, false),
    row!("pathways.*.initial_titles.*", Kind::Share, "", Percent, "{Pathway} at the start holding a {title} title", Pathways, false),
    row!("pathways.*.initial_years_at_rank", Kind::Dist { min: 0.0, max: 50.0, what: "years at current rank at the start" }, "years", Number, "Years at their rank of {pathway} at the start", Pathways, false),
    row!("pathways.*.destinations.*", Kind::Share, "", Percent, "{Pathway} leaving for: {title}", Pathways, false),

    row!("benchmark[*].calendar_year", CALENDAR_YEAR, "", Integer, "Calendar year of a target", Benchmarks, false),
    row!("benchmark[*].relative_to", CALENDAR_YEAR, "", Integer, "Calendar year a headcount ratio is relative to", Benchmarks, false),
    row!("benchmark[*].year", Kind::Real { min: 0.0, max: 200.0, what: "whole years since entering service" }, "years", Number, "Years in service of a target", Benchmarks, false),
    row!("benchmark[*].from_year", Kind::Real { min: 0.0, max: 200.0, what: "whole years since entering service" }, "years", Number, "Years in service a target counts from", Benchmarks, false),
    row!("benchmark[*].min_age", Kind::Real { min: 0.0, max: 100.0, what: "whole years of age" }, "years", Number, "Youngest age a target counts", Benchmarks, false),
    row!("benchmark[*].years_after", Kind::Real { min: 0.0, max: 200.0, what: "years after entry or contract end, in whole months" }, "years", Number, "Time after which a cohort target is measured", Benchmarks, false),
    row!("benchmark[*].n", Kind::Int { min: 1, max: u32::MAX as i64, what: "sample size of the published figure" }, "", Number, "Sample size of a target", Benchmarks, false),
    row!("benchmark[*].tolerance", Kind::Real { min: 0.0, max: 120.0, what: "± range of the published figure, in its unit (a share, or years)" }, "", Number, "Tolerance of a target", Benchmarks, false),
    row!("benchmark[*].relative_tolerance", Kind::Real { min: 0.0, max: 1.0, what: "± range of the published figure as a share of it" }, "", Number, "Relative tolerance of a target", Benchmarks, false),
    // A share (0 to 1) for the metrics that are shares; years for the others.
    // An effect target (with `counterfactual`) is a difference, which may be negative.
    row!("benchmark[*].value", Kind::Real { min: -120.0, max: 120.0, what: "years, or a difference (an effect target)" }, "", Number, "Published value of a target", Benchmarks, false),

    row!("calibration.replications", Kind::Int { min: 2, max: 100_000, what: "replications per evaluation" }, "", Number, "Replications per evaluation of the objective", Calibration, false),
    row!("calibration.max_evaluations", Kind::Int { min: 1, max: 100_000, what: "evaluations of the objective" }, "", Number, "Most evaluations of the objective", Calibration, false),
    row!("calibration.free[*].min", Kind::Real { min: -1e12, max: 1e12, what: "lower bound" }, "", Number, "Lower bound of a free parameter", Calibration, false),
    row!("calibration.free[*].max", Kind::Real { min: -1e12, max: 1e12, what: "upper bound" }, "", Number, "Upper bound of a free parameter", Calibration, false),
    row!("uncertainty.parameter[*].min", Kind::Real { min: -1e12, max: 1e12, what: "lowest value" }, "", Number, "Lowest value of an uncertain parameter", Calibration, false),
    row!("uncertainty.parameter[*].max", Kind::Real { min: -1e12, max: 1e12, what: "highest value" }, "", Number, "Highest value of an uncertain parameter", Calibration, false),
    row!("uncertainty.parameter[*].mode", Kind::Real { min: -1e12, max: 1e12, what: "most likely value" }, "", Number, "Most likely value of an uncertain parameter", Calibration, false),
    row!("uncertainty.parameter[*].mean", Kind::Real { min: -1e12, max: 1e12, what: "mean" }, "", Number, "Mean of an uncertain parameter", Calibration, false),
    row!("uncertainty.parameter[*].sd", Kind::Real { min: 1e-12, max: 1e12, what: "standard deviation, above 0" }, "", Number, "Standard deviation of an uncertain parameter", Calibration, false),
    row!("uncertainty.parameter[*].relative", Kind::Real { min: 1e-6, max: 1.0, what: "share of the scenario's value, above 0 and at most 1 (0.5 = ±50%)" }, "", Number, "Relative range of an uncertain parameter", Calibration, false),
];

/// Does one part of a key match one part of a pattern?
fn part_matches(pattern: &str, part: &str) -> bool {
    match pattern {
        "*" => true,
        "[*]" => part
            .strip_prefix('[')
            .and_then(|r| r.strip_suffix(']'))
            .is_some_and(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit())),
        _ => pattern == part,
    }
}

/// A pattern's parts: `benchmark[*].n` → `benchmark`, `[*]`, `n`. Patterns hold no quoted
/// parts, so splitting at `.` is exact for them (and only for them).
fn pattern_parts(pattern: &'static str) -> Vec<&'static str> {
    pattern
        .split('.')
        .flat_map(|p| match p.strip_suffix("[*]") {
            Some(table) => vec![table, "[*]"],
            None => vec![p],
        })
        .collect()
}

/// A key's parts, an entry of an array of tables (`benchmark[2].n`, as validation names it)
/// being a part `[2]` of its own.
fn parts_of(key: &str) -> Option<Vec<String>> {
    key_parts(key)
        .or_else(|_| key_parts(&key.replace('[', ".\"[").replace(']', "]\"")))
        .ok()
}

/// The row and the varying parts (`*`) of a key given as parts.
fn lookup_parts(parts: &[String]) -> Option<(&'static Param, Vec<&str>)> {
    // `policy_from.YEAR.salary.…` is `policy.salary.…` from that year on.
    let parts: Vec<&str> = match parts {
        [from, _year, rest @ ..] if from == "policy_from" && !rest.is_empty() => {
            std::iter::once("policy")
                .chain(rest.iter().map(String::as_str))
                .collect()
        }
        _ => parts.iter().map(String::as_str).collect(),
    };
    // Every key of every scenario load is looked up here: the patterns are split once.
    static PATTERNS: std::sync::LazyLock<Vec<Vec<&'static str>>> =
        std::sync::LazyLock::new(|| CATALOGUE.iter().map(|p| pattern_parts(p.pattern)).collect());
    CATALOGUE.iter().zip(PATTERNS.iter()).find_map(|(p, pat)| {
        let hit =
            pat.len() == parts.len() && pat.iter().zip(&parts).all(|(a, b)| part_matches(a, b));
        hit.then(|| {
            let wild = pat
                .iter()
                .zip(&parts)
                .filter(|(a, _)| **a == "*")
                .map(|(_, b)| *b)
                .collect();
            (p, wild)
        })
    })
}

/// The catalogue row of a scenario key (a TOML dotted key, quoted parts allowed), if it has one.
///
/// ```
/// use zhagen::scenario::catalogue::{lookup, Kind};
/// assert_eq!(lookup("policy.salary.performance_uplift").unwrap().kind, Kind::Share);
/// assert_eq!(lookup("policy_from.2025.salary.remote_allowance").unwrap().pattern, "policy.salary.remote_allowance");
/// assert_eq!(lookup("pathways.\"my.path\".base_exit_rate").unwrap().pattern, "pathways.*.base_exit_rate");
/// assert!(lookup("policy.salary.nonsense").is_none());
/// ```
pub fn lookup(key: &str) -> Option<&'static Param> {
    lookup_parts(&parts_of(key)?).map(|(p, _)| p)
}

/// Plain words, the way a value is shown, its unit, its group and whether it is a policy lever,
/// for a scenario key; `pathway` gives the words for a pathway's name ("RTME graduates").
///
/// This replaces `output::report::label_for` (and its `Kind`, which is [`Shown`] here): the
/// report's change table should call it, falling back to the key as written for `None`.
pub fn describe(key: &str, pathway: &dyn Fn(&str) -> String) -> Option<Description> {
    let parts = parts_of(key)?;
    let (p, wild) = lookup_parts(&parts)?;
    let mut label = p.label.to_string();
    let mut wild = wild.into_iter();
    if p.pattern.starts_with("pathways.") {
        let name = pathway(wild.next().unwrap_or_default());
        label = label
            .replace("{Pathway}", &capitalised(&name))
            .replace("{pathway}", &name);
    }
    if let Some(rest) = wild.next() {
        label = label.replace("{title}", &rest.replace('_', "-"));
    }
    Some(Description {
        label,
        shown: p.shown,
        unit: p.unit,
        group: p.group,
        lever: p.lever,
    })
}

/// The policy levers, one key pattern a line, in catalogue order (what the README's lever table
/// must list).
pub fn lever_patterns() -> impl Iterator<Item = &'static str> {
    CATALOGUE.iter().filter(|p| p.lever).map(|p| p.pattern)
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_is_unique_and_has_words() {
        for (i, p) in CATALOGUE.iter().enumerate() {
            assert!(!p.label.is_empty(), "{}", p.pattern);
            assert!(
                CATALOGUE[..i].iter().all(|q| q.pattern != p.pattern),
                "{} twice",
                p.pattern
            );
        }
    }

    #[test]
    fn descriptions_fill_in_the_pathway_and_the_title() {
        let words = |p: &str| format!("{p} graduates");
        let d = describe("policy.salary.base.associate_senior", &words).unwrap();
        assert_eq!(d.label, "Base salary, associate-senior title");
        assert_eq!(d.unit, "yuan a year");
        let d = describe("pathways.order_oriented.hometown_share", &words).unwrap();
        assert_eq!(
            d.label,
            "Order_oriented graduates placed in their home county"
        );
        assert!(d.lever);
        let d = describe("policy_from.2025.salary.remote_allowance", &words).unwrap();
        assert_eq!((d.group, d.shown), (Group::Salary, Shown::Number));
        assert!(describe("benchmark[0].n", &words).is_some());
        assert!(describe("benchmark[x].n", &words).is_none());
    }
}
