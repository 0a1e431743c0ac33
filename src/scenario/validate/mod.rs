//! From merged raw layers to the typed model: every value checked, every error located.
//!
//! One file per part of the scenario: [`check`] (the checks, bounds and words from the
//! catalogue), [`policy`], [`pathways`], [`benchmarks`] (and calibration); the run settings,
//! region, outside option and behaviour here.

mod benchmarks;
mod check;
mod pathways;
mod policy;
mod uncertainty;

use crate::behaviour::{Behaviour, OutsideOption};
use crate::economics::Economics;
use crate::population::Region;
use crate::scenario::load::Sources;
use crate::scenario::raw::*;
use crate::scenario::{Scenario, Simulation};
use crate::units::Yuan;
use check::{Check, R};
use std::path::Path;

pub(in crate::scenario) fn validate(
    raw: &RawScenario,
    sources: &Sources,
    leaf: &Path,
    name: String,
) -> R<Scenario> {
    let c = Check { sources, leaf };
    let empty_sim = RawSimulation::default();
    let s = raw.simulation.as_ref().unwrap_or(&empty_sim);
    let simulation = Simulation {
        seed: c.int(&s.seed, "simulation.seed")? as u64,
        start_year: c.int(&s.start_year, "simulation.start_year")? as i32,
        years: c.int(&s.years, "simulation.years")? as u32,
        replications: c.int(&s.replications, "simulation.replications")? as u32,
        steps_per_year: c.int(&s.steps_per_year, "simulation.steps_per_year")? as u32,
        year_begins_month: c.int(&s.year_begins_month, "simulation.year_begins_month")? as u32,
    };

    let empty_econ = RawEconomics::default();
    let e = raw.economics.as_ref().unwrap_or(&empty_econ);
    let economics = Economics {
        base_year: c.int(&e.base_year, "economics.base_year")? as i32,
        inflation: c.real(&e.inflation, "economics.inflation")?,
        discount_rate: c.real(&e.discount_rate, "economics.discount_rate")?,
    };

    let empty_region = RawRegion::default();
    let r = raw.region.as_ref().unwrap_or(&empty_region);
    let region = Region {
        counties: c.int(&r.counties, "region.counties")? as u32,
        townships_per_county: c.dist(&r.townships_per_county, "region.townships_per_county")?,
        villages_per_township: c.dist(&r.villages_per_township, "region.villages_per_township")?,
        posts_per_centre: c.dist(&r.posts_per_centre, "region.posts_per_centre")?,
        remoteness: c.dist(&r.remoteness, "region.remoteness")?,
        initial_fill: c.share(&r.initial_fill, "region.initial_fill")?,
        funded_share: c.share(&r.funded_share, "region.funded_share")?,
        remote_threshold: c.share(&r.remote_threshold, "region.remote_threshold")?,
        village_posts: c.dist(&r.village_posts, "region.village_posts")?,
        village_initial_fill: c.share(&r.village_initial_fill, "region.village_initial_fill")?,
    };
    // Villages of a county are indexed with 32 bits and workers' centres with 16.
    if region.townships_per_county.max_value() > u16::MAX as f64 {
        return Err(c.invalid(
            r.townships_per_county.as_ref().expect("checked"),
            "region.townships_per_county",
            format!("at most {} townships per county", u16::MAX),
        ));
    }

    let empty_out = RawOutsideOption::default();
    let o = raw.outside_option.as_ref().unwrap_or(&empty_out);
    let outside = OutsideOption {
        pay: c.by_title(&o.pay, "outside_option.pay", |v, k| {
            c.yuan(v, k).map(Yuan::get)
        })?,
        village_pay: c.yuan(&o.village_pay, "outside_option.village_pay")?.get(),
        growth: c.real(&o.growth, "outside_option.growth")?,
    };

    let empty_b = RawBehaviour::default();
    let b = raw.behaviour.as_ref().unwrap_or(&empty_b);
    let behaviour = Behaviour {
        preference_sd: c.real(&b.preference_sd, "behaviour.preference_sd")?,
        pay_effect_per_10k_yuan: c.real(
            &b.pay_effect_per_10k_yuan,
            "behaviour.pay_effect_per_10k_yuan",
        )?,
        blocked_promotion_hr: c.hr(&b.blocked_promotion_hr, "behaviour.blocked_promotion_hr")?,
        penalty_elasticity: c.real(&b.penalty_elasticity, "behaviour.penalty_elasticity")?,
        selection_strength: c.real(&b.selection_strength, "behaviour.selection_strength")?,
        contract_end_hr: c.hr(&b.contract_end_hr, "behaviour.contract_end_hr")?,
        post_contract_hr: c.hr(&b.post_contract_hr, "behaviour.post_contract_hr")?,
        contract_end_window_years: c.real(
            &b.contract_end_window_years,
            "behaviour.contract_end_window_years",
        )?,
        hometown_hr: c.hr(&b.hometown_hr, "behaviour.hometown_hr")?,
        rural_origin_hr: c.hr(&b.rural_origin_hr, "behaviour.rural_origin_hr")?,
        unfunded_hr: c.hr(&b.unfunded_hr, "behaviour.unfunded_hr")?,
        remoteness_hr: c.hr(&b.remoteness_hr, "behaviour.remoteness_hr")?,
        age_effect_per_year: c.real(&b.age_effect_per_year, "behaviour.age_effect_per_year")?,
        age_reference: c.real(&b.age_reference, "behaviour.age_reference")?,
        age_effect_cap: c.real(&b.age_effect_cap, "behaviour.age_effect_cap")?,
        own_village_hr: c.hr(&b.own_village_hr, "behaviour.own_village_hr")?,
        old_age_effect_per_year: c.real(
            &b.old_age_effect_per_year,
            "behaviour.old_age_effect_per_year",
        )?,
        training_exit_hr: c.hr(&b.training_exit_hr, "behaviour.training_exit_hr")?,
        training_pass_multiplier: c.real(
            &b.training_pass_multiplier,
            "behaviour.training_pass_multiplier",
        )?,
        grassroots_title_hr: c.hr(&b.grassroots_title_hr, "behaviour.grassroots_title_hr")?,
        pension_weight: c.real(&b.pension_weight, "behaviour.pension_weight")?,
    };

    let empty_policy = RawPolicy::default();
    let base_policy = raw.policy.as_ref().unwrap_or(&empty_policy);
    let policy = policy::validate_policy(&c, base_policy, "policy")?;
    let policies = policy::policy_schedule(&c, raw, base_policy, &policy, &simulation)?;
    let pathways = pathways::validate_pathways(&c, raw)?;
    let benchmarks = benchmarks::validate_benchmarks(&c, raw, &pathways)?;
    let calibration = benchmarks::validate_calibration(&c, raw)?;
    let uncertainty = uncertainty::validate_uncertainty(&c, raw)?;

    Ok(Scenario {
        name,
        description: raw
            .description
            .as_ref()
            .map(|d| d.value.clone())
            .unwrap_or_default(),
        simulation,
        economics,
        region,
        outside,
        behaviour,
        policy,
        policies,
        pathways,
        benchmarks,
        calibration,
        uncertainty,
        resolved_toml: String::new(),
        root: None,
        counterfactuals: Vec::new(),
        hash: String::new(),
        files: Vec::new(),
    })
}
