//! Plain words, the way to write values, and the unit for the scenario keys a policy analyst
//! sets: the label table of the lever list. Kept on its own, verbatim, because it is to be
//! replaced by a lookup in the parameter catalogue.

use super::changes::Kind;
use super::words::cap;

/// Plain words, the way to write values, and the unit for the keys a policy analyst sets.
pub(super) fn label_for(
    key: &str,
    pathway: &dyn Fn(&str) -> String,
) -> Option<(String, Kind, &'static str)> {
    use Kind::*;
    let l = |t: &str, k: Kind, u: &'static str| Some((t.to_string(), k, u));
    let parts: Vec<&str> = key.split('.').collect();
    match parts.as_slice() {
        ["policy", "salary", "base", t] => Some((
            format!("Base salary, {} title", title_words(t)),
            Number,
            "yuan a year",
        )),
        ["policy", "salary", "growth"] => l("Nominal salary growth", Percent, "a year"),
        ["policy", "salary", "performance_uplift"] => {
            l("Performance-pay uplift", Percent, "of base pay")
        }
        ["policy", "salary", "remote_allowance"] => {
            l("Remote-post allowance", Number, "yuan a year")
        }
        ["policy", "salary", "residency_stipend"] => l("Residency stipend", Number, "yuan a year"),
        ["policy", "titles", "min_years", t] => Some((
            format!(
                "Minimum years at the rank below before the {} evaluation",
                title_words(t)
            ),
            Number,
            "years",
        )),
        ["policy", "titles", "college_extra_years"] => l(
            "Extra years before each evaluation without a bachelor's degree",
            Number,
            "years",
        ),
        ["policy", "titles", "order_oriented_head_start"] => l(
            "Head start of RTME graduates at the intermediate evaluation",
            Number,
            "years",
        ),
        ["policy", "titles", "pass_probability", t] => Some((
            format!("Chance of passing the {} evaluation", title_words(t)),
            Percent,
            "a year",
        )),
        ["policy", "titles", "quota", t] => Some((
            format!("Title quota: {} posts", title_words(t)),
            Percent,
            "of a centre's posts",
        )),
        ["policy", "titles", "quota_pool"] => l("Title quotas counted over", AsWritten, ""),
        ["policy", "titles", "grassroots_track"] => l("Grassroots-only title track", AsWritten, ""),
        ["policy", "titles", "grassroots_pass_probability", t] => Some((
            format!(
                "Chance of passing the grassroots-track {} evaluation",
                title_words(t)
            ),
            Percent,
            "a year",
        )),
        ["policy", "titles", "grassroots_quota", t] => Some((
            format!(
                "Posts set aside for grassroots-track {} titles",
                title_words(t)
            ),
            Percent,
            "of posts",
        )),
        ["policy", "recruitment", "ratio"] => {
            l("Applicants required per advertised post", Ratio, "")
        }
        ["policy", "recruitment", "remote_ratio"] => l(
            "Applicants required per advertised post in remote townships",
            Ratio,
            "",
        ),
        ["policy", "recruitment", "unified_county_hiring"] => {
            l("Unified county hiring (县管乡用)", AsWritten, "")
        }
        ["policy", "recruitment", "applicants_per_post"] => l(
            "Mean applicants per advertised post near the county seat",
            Number,
            "",
        ),
        ["policy", "recruitment", "hire_pathway"] => {
            l("Pathway that open recruitment hires into", AsWritten, "")
        }
        ["policy", "contract", "obligation_years"] => l("RTME service obligation", Number, "years"),
        ["policy", "contract", "residency_counts"] => {
            l("Residency counted inside the obligation", AsWritten, "")
        }
        ["policy", "contract", "breach_penalty"] => {
            l("Penalty for breaking the service contract", Number, "yuan")
        }
        ["policy", "contract", "postgraduate_ban"] => l(
            "Contract breakers barred from postgraduate study and public hospitals",
            AsWritten,
            "",
        ),
        ["policy", "retirement", "age_male"] => l("Retirement age, men", Number, "years"),
        ["policy", "retirement", "age_female"] => l("Retirement age, women", Number, "years"),
        ["policy", "retirement", "rise_from_year"] => l(
            "Statutory rise of the retirement age starts in",
            Integer,
            "",
        ),
        ["policy", "retirement", "rise_per_year"] => l(
            "Rise of the retirement age per year of later birth",
            Number,
            "years",
        ),
        ["policy", "retirement", "target_age_male"] => {
            l("Retirement age after the rise, men", Number, "years")
        }
        ["policy", "retirement", "target_age_female"] => {
            l("Retirement age after the rise, women", Number, "years")
        }
        ["policy", "village", "subsidy"] => {
            l("Public subsidy to a village doctor", Number, "yuan a year")
        }
        ["policy", "village", "fee_income"] => l(
            "Village doctors' fee income from patients",
            Number,
            "yuan a year",
        ),
        ["policy", "village", "growth"] => l("Nominal growth of village income", Percent, "a year"),
        ["policy", "village", "income_floor"] => {
            l("Village-doctor income floor", Number, "yuan a year")
        }
        ["policy", "village", "pension_per_service_year"] => l(
            "Village-doctor pension per year of service",
            Number,
            "yuan a month",
        ),
        ["policy", "village", "pension_cap"] => {
            l("Village-doctor pension cap", Number, "yuan a month")
        }
        ["policy", "village", "pension_min_service_years"] => l(
            "Service needed for a village-doctor pension",
            Number,
            "years",
        ),
        ["policy", "village", "pension_age"] => {
            l("Village-doctor pension paid from age", Number, "")
        }
        ["policy", "village", "exit_age_male"] => {
            l("Village-doctor exit age, men", Number, "years")
        }
        ["policy", "village", "exit_age_female"] => {
            l("Village-doctor exit age, women", Number, "years")
        }
        ["policy", "village", "rehire_share"] => {
            l("Village doctors kept on past the exit age", Percent, "")
        }
        ["policy", "village", "reserve_per_township"] => l(
            "Staffing-reserve posts per township centre for village vacancies",
            Number,
            "",
        ),
        ["policy", "training", "probability"] => l(
            "Chance of continuing education or rotation",
            Percent,
            "a year",
        ),
        ["policy", "training", "months"] => l("Time away per training", Number, "months"),
        ["policy", "training", "cost_per_month"] => {
            l("Cost of training", Number, "yuan a month away")
        }
        ["pathways", p, "hometown_share"] => Some((
            format!("{} placed in their home county", cap(&pathway(p))),
            Percent,
            "",
        )),
        ["pathways", p, "intake_per_county"] => Some((
            format!("{} enrolled per county", cap(&pathway(p))),
            Number,
            "a year",
        )),
        ["pathways", p, "base_exit_rate"] => Some((
            format!("Base exit rate of {}", pathway(p)),
            Percent,
            "a year",
        )),
        ["pathways", p, "refill_rate"] => Some((
            format!("Chance a vacant post finds new {}", pathway(p)),
            Percent,
            "a year",
        )),
        ["simulation", "seed"] => l("Random seed", Integer, ""),
        ["simulation", "start_year"] => l("First simulated year", Integer, ""),
        ["simulation", "years"] => l("Years simulated", Number, ""),
        ["simulation", "replications"] => l("Replications", Number, ""),
        ["simulation", "steps_per_year"] => l("Hazard steps per year", Number, ""),
        ["region", "counties"] => l("Counties simulated", Number, ""),
        ["region", "remote_threshold"] => l(
            "Remoteness from which a township counts as remote (0–1)",
            Number,
            "",
        ),
        _ => None,
    }
}

fn title_words(t: &str) -> String {
    t.replace('_', "-")
}
