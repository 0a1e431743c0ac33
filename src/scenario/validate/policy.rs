//! The policy: `[policy]` and the `[policy_from.YEAR]` changes, year by year.

use super::check::{Check, R};
use crate::policy::{
    Contract, Policy, QuotaPool, Recruitment, Retirement, Salary, TitleRules, Training, Village,
};
use crate::scenario::Simulation;
use crate::scenario::error::ScenarioError;
use crate::scenario::layer::Layer;
use crate::scenario::raw::*;
use crate::units::{Share, Yuan};

/// The policy in force in each simulated year: the base policy overlaid, in calendar order,
/// with every `[policy_from.YEAR]` change up to that year.
pub(super) fn policy_schedule(
    c: &Check,
    raw: &RawScenario,
    base: &RawPolicy,
    start: &Policy,
    sim: &Simulation,
) -> R<Vec<Policy>> {
    let first = sim.start_year as i64;
    let last = first + sim.years as i64 - 1;
    let mut changes: Vec<(i64, &RawPolicy)> = Vec::new();
    if let Some(from) = &raw.policy_from {
        for (k, p) in from {
            let year = k
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|y| (first..=last).contains(y));
            match year {
                Some(y) => changes.push((y, p)),
                None => {
                    return Err(ScenarioError::Invalid {
                        at: c.find(&format!("policy_from.{k}")),
                        key: format!("policy_from.{k}"),
                        value: k.clone(),
                        allowed: format!(
                            "a calendar year inside the simulated years, {first} to {last}"
                        ),
                    });
                }
            }
        }
    }
    changes.sort_by_key(|(y, _)| *y);
    let mut out = vec![start.clone(); sim.years as usize];
    let mut merged = base.clone();
    for (i, &(y, change)) in changes.iter().enumerate() {
        // Each value keeps its own source and span: the overlay only replaces what it sets.
        merged.overlay(change.clone());
        let policy = validate_policy(c, &merged, &format!("policy_from.{y}"))?;
        let until = changes.get(i + 1).map_or(last + 1, |n| n.0);
        for year in y..until {
            out[(year - first) as usize] = policy.clone();
        }
    }
    Ok(out)
}

pub(super) fn validate_policy(c: &Check, p: &RawPolicy, prefix: &str) -> R<Policy> {
    Ok(Policy {
        salary: salary(c, p, prefix)?,
        titles: titles(c, p, prefix)?,
        recruitment: recruitment(c, p, prefix)?,
        contract: contract(c, p, prefix)?,
        retirement: retirement(c, p, prefix)?,
        village: village(c, p, prefix)?,
        training: training(c, p, prefix)?,
    })
}

/// `[policy.salary]`: pay.
fn salary(c: &Check, p: &RawPolicy, prefix: &str) -> R<Salary> {
    let key = |rest: &str| format!("{prefix}.{rest}");
    let es = RawSalary::default();
    let s = p.salary.as_ref().unwrap_or(&es);
    let salary = Salary {
        base: c.by_title(&s.base, &key("salary.base"), |v, k| {
            c.yuan(v, k).map(Yuan::get)
        })?,
        growth: c.real(&s.growth, &key("salary.growth"))?,
        performance_uplift: c.share(&s.performance_uplift, &key("salary.performance_uplift"))?,
        remote_allowance: c.yuan(&s.remote_allowance, &key("salary.remote_allowance"))?,
        remote_allowance_indexed: c
            .req(
                &s.remote_allowance_indexed,
                &key("salary.remote_allowance_indexed"),
                "true (grows with pay) or false (a fixed nominal sum)",
            )?
            .value,
        residency_stipend: c.yuan(&s.residency_stipend, &key("salary.residency_stipend"))?,
    };

    Ok(salary)
}

/// `[policy.titles]`: the rules of title evaluation.
fn titles(c: &Check, p: &RawPolicy, prefix: &str) -> R<TitleRules> {
    let key = |rest: &str| format!("{prefix}.{rest}");
    let et = RawTitles::default();
    let t = p.titles.as_ref().unwrap_or(&et);
    let quota_pool = {
        let v = c.req(&t.quota_pool, &key("titles.quota_pool"), "centre or county")?;
        match c.word(v, &key("titles.quota_pool"), &["centre", "county"])? {
            "centre" => QuotaPool::Centre,
            _ => QuotaPool::County,
        }
    };
    let titles = TitleRules {
        min_years: c.by_title(&t.min_years, &key("titles.min_years"), |v, k| {
            if k.ends_with(".junior") && v.is_none() {
                return Ok(0.0);
            }
            c.real(v, k)
        })?,
        college_extra_years: c.real(&t.college_extra_years, &key("titles.college_extra_years"))?,
        order_oriented_head_start: c.real(
            &t.order_oriented_head_start,
            &key("titles.order_oriented_head_start"),
        )?,
        pass_probability: c.by_title(
            &t.pass_probability,
            &key("titles.pass_probability"),
            |v, k| {
                if k.ends_with(".junior") && v.is_none() {
                    return Ok(1.0);
                }
                c.share(v, k).map(Share::get)
            },
        )?,
        quota: c.by_title(&t.quota, &key("titles.quota"), |v, k| {
            if k.ends_with(".junior") && v.is_none() {
                return Ok(1.0);
            }
            c.share(v, k).map(Share::get)
        })?,
        quota_pool,
        grassroots_track: c
            .req(
                &t.grassroots_track,
                &key("titles.grassroots_track"),
                "true or false",
            )?
            .value,
        grassroots_pass_probability: c.by_title(
            &t.grassroots_pass_probability,
            &key("titles.grassroots_pass_probability"),
            |v, k| {
                if k.ends_with(".junior") && v.is_none() {
                    return Ok(1.0);
                }
                c.share(v, k).map(Share::get)
            },
        )?,
        grassroots_quota: c.by_title(
            &t.grassroots_quota,
            &key("titles.grassroots_quota"),
            |v, k| {
                if k.ends_with(".junior") && v.is_none() {
                    return Ok(0.0);
                }
                c.share(v, k).map(Share::get)
            },
        )?,
    };

    Ok(titles)
}

/// `[policy.recruitment]`: open recruitment.
fn recruitment(c: &Check, p: &RawPolicy, prefix: &str) -> R<Recruitment> {
    let key = |rest: &str| format!("{prefix}.{rest}");
    let er = RawRecruitment::default();
    let r = p.recruitment.as_ref().unwrap_or(&er);
    if let Some(h) = &r.hire_pathway {
        return Err(c.invalid(
            h,
            &key("recruitment.hire_pathway"),
            "not settable: open recruitment hires into the pathway of kind \"open_recruit\"",
        ));
    }
    let recruitment = Recruitment {
        ratio: c.real(&r.ratio, &key("recruitment.ratio"))?,
        remote_ratio: c.real(&r.remote_ratio, &key("recruitment.remote_ratio"))?,
        unified_county_hiring: c
            .req(
                &r.unified_county_hiring,
                &key("recruitment.unified_county_hiring"),
                "true or false",
            )?
            .value,
        applicants_per_post: c.real(
            &r.applicants_per_post,
            &key("recruitment.applicants_per_post"),
        )?,
        remoteness_effect: c.real(&r.remoteness_effect, &key("recruitment.remoteness_effect"))?,
        pay_effect_per_10k_yuan: c.real(
            &r.pay_effect_per_10k_yuan,
            &key("recruitment.pay_effect_per_10k_yuan"),
        )?,
    };

    Ok(recruitment)
}

/// `[policy.contract]`: the RTME service contract.
fn contract(c: &Check, p: &RawPolicy, prefix: &str) -> R<Contract> {
    let key = |rest: &str| format!("{prefix}.{rest}");
    let ec = RawContract::default();
    let ct = p.contract.as_ref().unwrap_or(&ec);
    let contract = Contract {
        obligation_years: c.int(&ct.obligation_years, &key("contract.obligation_years"))? as u32,
        residency_counts: c
            .req(
                &ct.residency_counts,
                &key("contract.residency_counts"),
                "true or false",
            )?
            .value,
        breach_penalty: c.yuan(&ct.breach_penalty, &key("contract.breach_penalty"))?,
        breach_penalty_indexed: c
            .req(
                &ct.breach_penalty_indexed,
                &key("contract.breach_penalty_indexed"),
                "true (grows with pay) or false (a fixed nominal sum)",
            )?
            .value,
        postgraduate_ban: c
            .req(
                &ct.postgraduate_ban,
                &key("contract.postgraduate_ban"),
                "true or false",
            )?
            .value,
    };

    Ok(contract)
}

/// `[policy.retirement]`: retirement ages and their statutory rise.
fn retirement(c: &Check, p: &RawPolicy, prefix: &str) -> R<Retirement> {
    let key = |rest: &str| format!("{prefix}.{rest}");
    let eret = RawRetirement::default();
    let rt = p.retirement.as_ref().unwrap_or(&eret);
    let retirement = Retirement {
        age_male: c.real(&rt.age_male, &key("retirement.age_male"))?,
        age_female: c.real(&rt.age_female, &key("retirement.age_female"))?,
        rise_from_year: c.real(&rt.rise_from_year, &key("retirement.rise_from_year"))?,
        rise_per_year: c.real(&rt.rise_per_year, &key("retirement.rise_per_year"))?,
        target_age_male: c.real(&rt.target_age_male, &key("retirement.target_age_male"))?,
        target_age_female: c.real(&rt.target_age_female, &key("retirement.target_age_female"))?,
    };
    for (target, from, v, age, name, from_name) in [
        (
            retirement.target_age_male,
            retirement.age_male,
            &rt.target_age_male,
            &rt.age_male,
            "retirement.target_age_male",
            "retirement.age_male",
        ),
        (
            retirement.target_age_female,
            retirement.age_female,
            &rt.target_age_female,
            &rt.age_female,
            "retirement.target_age_female",
            "retirement.age_female",
        ),
    ] {
        if target < from {
            let v = v.as_ref().expect("checked");
            return Err(c.constraint(
                v,
                &[
                    (key(name), Some(c.written(v))),
                    (key(from_name), age.as_ref().map(|a| c.written(a))),
                ],
                "the retirement age after the rise must not be below the age before it",
                format!("set `{name}` to at least {from}, or lower `{from_name}`"),
            ));
        }
    }

    Ok(retirement)
}

/// `[policy.village]`: village doctors' pay, pension and exit.
fn village(c: &Check, p: &RawPolicy, prefix: &str) -> R<Village> {
    let key = |rest: &str| format!("{prefix}.{rest}");
    let ev = RawVillage::default();
    let v = p.village.as_ref().unwrap_or(&ev);
    let village = Village {
        subsidy: c.yuan(&v.subsidy, &key("village.subsidy"))?,
        fee_income: c.yuan(&v.fee_income, &key("village.fee_income"))?,
        growth: c.real(&v.growth, &key("village.growth"))?,
        income_floor: c.yuan(&v.income_floor, &key("village.income_floor"))?,
        income_floor_indexed: c
            .req(
                &v.income_floor_indexed,
                &key("village.income_floor_indexed"),
                "true (grows with pay) or false (a fixed nominal sum)",
            )?
            .value,
        pension_per_service_year: c.yuan(
            &v.pension_per_service_year,
            &key("village.pension_per_service_year"),
        )?,
        pension_cap: c.yuan(&v.pension_cap, &key("village.pension_cap"))?,
        pension_indexed: c
            .req(
                &v.pension_indexed,
                &key("village.pension_indexed"),
                "true (grows with pay) or false (a fixed nominal sum)",
            )?
            .value,
        pension_min_service_years: c.real(
            &v.pension_min_service_years,
            &key("village.pension_min_service_years"),
        )?,
        pension_age: c.real(&v.pension_age, &key("village.pension_age"))?,
        exit_age_male: c.real(&v.exit_age_male, &key("village.exit_age_male"))?,
        exit_age_female: c.real(&v.exit_age_female, &key("village.exit_age_female"))?,
        rehire_share: c.share(&v.rehire_share, &key("village.rehire_share"))?,
        reserve_per_township: c.int(
            &v.reserve_per_township,
            &key("village.reserve_per_township"),
        )? as u32,
    };

    Ok(village)
}

/// `[policy.training]`: continuing education and rotation.
fn training(c: &Check, p: &RawPolicy, prefix: &str) -> R<Training> {
    let key = |rest: &str| format!("{prefix}.{rest}");
    let etr = RawTraining::default();
    let tr = p.training.as_ref().unwrap_or(&etr);
    let training = Training {
        probability: c.share(&tr.probability, &key("training.probability"))?,
        months: c.real(&tr.months, &key("training.months"))?,
        cost_per_month: c.yuan(&tr.cost_per_month, &key("training.cost_per_month"))?,
    };
    Ok(training)
}
