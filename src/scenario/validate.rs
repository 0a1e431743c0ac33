//! From merged raw layers to the typed model: every value checked, every error located.

use super::error::{Location, ScenarioError};
use super::layer::{Layer, V};
use super::load::{Sources, suggest};
use super::raw::*;
use super::{Scenario, Simulation};
use crate::behaviour::{Behaviour, OutsideOption};
use crate::benchmark::{Benchmark, Bound, Metric, title_mask};
use crate::policy::{
    Contract, Policy, QuotaPool, Recruitment, Retirement, Salary, TitleRules, Training, Village,
};
use crate::population::{
    ByTitle, Destination, Destinations, Dist, InitialStock, Pathway, PathwayId, PathwayKind,
    Pipeline, Region, Title,
};
use crate::units::{HazardRatio, RangeError, Rate, Share, Yuan};
use std::path::Path;

type R<T> = Result<T, ScenarioError>;

struct Check<'a> {
    sources: &'a Sources,
    leaf: &'a Path,
}

impl Check<'_> {
    fn at<T>(&self, v: &V<T>) -> Location {
        self.sources.locate(v.source, v.span.start)
    }

    /// Where `needle` is first written in any source (for keys, which carry no span).
    fn find(&self, needle: &str) -> Location {
        for (i, src) in self.sources.list.iter().enumerate() {
            if let Some(at) = src.text.find(needle) {
                return self.sources.locate(i, at);
            }
        }
        Location {
            file: self.leaf.to_path_buf(),
            line: None,
            column: None,
        }
    }

    fn invalid<T: std::fmt::Debug>(
        &self,
        v: &V<T>,
        key: &str,
        allowed: impl Into<String>,
    ) -> ScenarioError {
        // Show the value as the user wrote it (a table, a list, a number), not as parsed.
        let written = self
            .sources
            .list
            .get(v.source)
            .and_then(|s| s.text.get(v.span.clone()))
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty());
        ScenarioError::Invalid {
            at: self.at(v),
            key: key.to_string(),
            value: written
                .unwrap_or_else(|| format!("{:?}", v.value))
                .trim_matches('"')
                .to_string(),
            allowed: allowed.into(),
        }
    }

    fn req<'v, T>(&self, v: &'v Option<V<T>>, key: &str, allowed: &str) -> R<&'v V<T>> {
        v.as_ref().ok_or_else(|| ScenarioError::Missing {
            file: self.leaf.to_path_buf(),
            key: key.to_string(),
            allowed: allowed.to_string(),
        })
    }

    fn unit<T>(
        &self,
        v: &Option<V<f64>>,
        key: &str,
        allowed: &str,
        f: impl Fn(f64) -> Result<T, RangeError>,
    ) -> R<T> {
        let v = self.req(v, key, allowed)?;
        f(v.value).map_err(|e| self.invalid(v, key, e.allowed))
    }

    fn share(&self, v: &Option<V<f64>>, key: &str) -> R<Share> {
        self.unit(v, key, Share::ALLOWED, Share::new)
    }
    fn yuan(&self, v: &Option<V<f64>>, key: &str) -> R<Yuan> {
        self.unit(v, key, Yuan::ALLOWED, Yuan::new)
    }
    fn rate(&self, v: &Option<V<f64>>, key: &str) -> R<Rate> {
        self.unit(v, key, Rate::ALLOWED, Rate::new)
    }
    fn hr(&self, v: &Option<V<f64>>, key: &str) -> R<f64> {
        self.unit(v, key, HazardRatio::ALLOWED, |x| {
            HazardRatio::new(x).map(|h| h.get())
        })
    }

    /// A real number in [lo, hi].
    fn real(&self, v: &Option<V<f64>>, key: &str, lo: f64, hi: f64, what: &str) -> R<f64> {
        let allowed = format!("{what} between {lo} and {hi}");
        let v = self.req(v, key, &allowed)?;
        if v.value.is_finite() && (lo..=hi).contains(&v.value) {
            Ok(v.value)
        } else {
            Err(self.invalid(v, key, allowed))
        }
    }

    fn int(&self, v: &Option<V<i64>>, key: &str, lo: i64, hi: i64, what: &str) -> R<i64> {
        let allowed = format!("{what}: a whole number from {lo} to {hi}");
        let v = self.req(v, key, &allowed)?;
        if (lo..=hi).contains(&v.value) {
            Ok(v.value)
        } else {
            Err(self.invalid(v, key, allowed))
        }
    }

    /// One of a fixed set of words, with a suggestion for a near miss.
    fn word<'w>(&self, v: &V<String>, key: &str, allowed: &[&'w str]) -> R<&'w str> {
        match allowed.iter().find(|a| **a == v.value) {
            Some(a) => Ok(a),
            None => {
                let mut msg = format!("allowed: {}", allowed.join(", "));
                if let Some(s) = suggest(&v.value, allowed.iter().copied()) {
                    msg.push_str(&format!(" (did you mean `{s}`?)"));
                }
                Err(self.invalid(v, key, msg))
            }
        }
    }

    fn dist(&self, v: &Option<V<RawDist>>, key: &str, lo: f64, hi: f64, what: &str) -> R<Dist> {
        let allowed = format!(
            "{what}, as {{ dist = \"fixed\", value = … }}, {{ dist = \"uniform\", min = …, max = … }}, {{ dist = \"normal\", mean = …, sd = …, min = …, max = … }} or {{ dist = \"histogram\", edges = […], weights = […] }}, values between {lo} and {hi}"
        );
        let vv = self.req(v, key, &allowed)?;
        let d = &vv.value;
        let kind = match &d.dist {
            Some(k) => self.word(
                k,
                &format!("{key}.dist"),
                &["fixed", "uniform", "normal", "histogram"],
            )?,
            None => return Err(self.invalid(vv, key, format!("missing `dist`; {allowed}"))),
        };
        let num = |x: &Option<V<f64>>, sub: &str| -> R<f64> {
            let k = format!("{key}.{sub}");
            match x {
                Some(x) if x.value.is_finite() && (lo..=hi).contains(&x.value) => Ok(x.value),
                Some(x) => {
                    Err(self.invalid(x, &k, format!("a number between {lo} and {hi} ({what})")))
                }
                None => Err(self.invalid(
                    vv,
                    key,
                    format!("`{sub}` is required for dist = \"{kind}\""),
                )),
            }
        };
        let unused = |names: &[(&Option<V<f64>>, &str)]| -> R<()> {
            for (x, n) in names {
                if let Some(x) = x {
                    return Err(self.invalid(
                        x,
                        &format!("{key}.{n}"),
                        format!("`{n}` is not used by dist = \"{kind}\""),
                    ));
                }
            }
            Ok(())
        };
        let no_lists = || -> R<()> {
            for (x, n) in [(&d.edges, "edges"), (&d.weights, "weights")] {
                if let Some(x) = x {
                    return Err(self.invalid(
                        x,
                        &format!("{key}.{n}"),
                        format!("`{n}` is only used by dist = \"histogram\""),
                    ));
                }
            }
            Ok(())
        };
        if kind != "histogram" {
            no_lists()?;
        }
        let out = match kind {
            "histogram" => {
                unused(&[
                    (&d.value, "value"),
                    (&d.min, "min"),
                    (&d.max, "max"),
                    (&d.mean, "mean"),
                    (&d.sd, "sd"),
                ])?;
                let need = |x: &Option<V<Vec<f64>>>, n: &str| -> R<Vec<f64>> {
                    match x {
                        Some(x) => Ok(x.value.clone()),
                        None => Err(self.invalid(
                            vv,
                            key,
                            format!("`{n}` is required for dist = \"histogram\""),
                        )),
                    }
                };
                let edges = need(&d.edges, "edges")?;
                let weights = need(&d.weights, "weights")?;
                let ev = d.edges.as_ref().expect("checked");
                if edges
                    .iter()
                    .any(|e| !e.is_finite() || !(lo..=hi).contains(e))
                {
                    return Err(self.invalid(
                        ev,
                        &format!("{key}.edges"),
                        format!("bin edges between {lo} and {hi} ({what})"),
                    ));
                }
                let wv = d.weights.as_ref().expect("checked");
                match Dist::histogram(&edges, &weights) {
                    Some(h) => h,
                    None => {
                        return Err(self.invalid(
                            wv,
                            &format!("{key}.weights"),
                            format!(
                                "1 to {} non-negative weights, not all zero, one per bin: edges must be increasing and number one more than the weights",
                                crate::population::MAX_BINS
                            ),
                        ));
                    }
                }
            }
            "fixed" => {
                unused(&[
                    (&d.min, "min"),
                    (&d.max, "max"),
                    (&d.mean, "mean"),
                    (&d.sd, "sd"),
                ])?;
                Dist::Fixed(num(&d.value, "value")?)
            }
            "uniform" => {
                unused(&[(&d.value, "value"), (&d.mean, "mean"), (&d.sd, "sd")])?;
                let (min, max) = (num(&d.min, "min")?, num(&d.max, "max")?);
                if min > max {
                    return Err(self.invalid(vv, key, "min must not exceed max"));
                }
                Dist::Uniform { min, max }
            }
            _ => {
                unused(&[(&d.value, "value")])?;
                let mean = num(&d.mean, "mean")?;
                let (min, max) = (num(&d.min, "min")?, num(&d.max, "max")?);
                let sd = match &d.sd {
                    Some(s) if s.value.is_finite() && s.value > 0.0 => s.value,
                    Some(s) => {
                        return Err(self.invalid(
                            s,
                            &format!("{key}.sd"),
                            "a standard deviation > 0",
                        ));
                    }
                    None => {
                        return Err(self.invalid(
                            vv,
                            key,
                            "`sd` is required for dist = \"normal\"",
                        ));
                    }
                };
                if min >= max || !(min..=max).contains(&mean) {
                    return Err(self.invalid(vv, key, "need min < max and min ≤ mean ≤ max"));
                }
                Dist::Normal { mean, sd, min, max }
            }
        };
        Ok(out)
    }

    fn by_title(
        &self,
        t: &Option<RawByTitle>,
        key: &str,
        f: impl Fn(&Option<V<f64>>, &str) -> R<f64>,
    ) -> R<ByTitle<f64>> {
        let empty = RawByTitle::default();
        let t = t.as_ref().unwrap_or(&empty);
        Ok(ByTitle([
            f(&t.junior, &format!("{key}.junior"))?,
            f(&t.intermediate, &format!("{key}.intermediate"))?,
            f(&t.associate_senior, &format!("{key}.associate_senior"))?,
            f(&t.senior, &format!("{key}.senior"))?,
        ]))
    }
}

pub(super) fn validate(
    raw: &RawScenario,
    sources: &Sources,
    leaf: &Path,
    name: String,
) -> R<Scenario> {
    let c = Check { sources, leaf };
    let empty_sim = RawSimulation::default();
    let s = raw.simulation.as_ref().unwrap_or(&empty_sim);
    let simulation = Simulation {
        seed: c.int(&s.seed, "simulation.seed", 0, i64::MAX, "the random seed")? as u64,
        start_year: c.int(
            &s.start_year,
            "simulation.start_year",
            1949,
            2200,
            "calendar year",
        )? as i32,
        years: c.int(&s.years, "simulation.years", 1, 200, "years simulated")? as u32,
        replications: c.int(
            &s.replications,
            "simulation.replications",
            1,
            1_000_000,
            "replications",
        )? as u32,
        steps_per_year: c.int(
            &s.steps_per_year,
            "simulation.steps_per_year",
            1,
            366,
            "steps per year",
        )? as u32,
    };

    let empty_region = RawRegion::default();
    let r = raw.region.as_ref().unwrap_or(&empty_region);
    let region = Region {
        counties: c.int(
            &r.counties,
            "region.counties",
            1,
            100_000,
            "number of counties",
        )? as u32,
        townships_per_county: c.dist(
            &r.townships_per_county,
            "region.townships_per_county",
            1.0,
            1000.0,
            "townships per county",
        )?,
        villages_per_township: c.dist(
            &r.villages_per_township,
            "region.villages_per_township",
            0.0,
            1000.0,
            "villages per township",
        )?,
        posts_per_centre: c.dist(
            &r.posts_per_centre,
            "region.posts_per_centre",
            1.0,
            10_000.0,
            "establishment posts per township health centre",
        )?,
        remoteness: c.dist(
            &r.remoteness,
            "region.remoteness",
            0.0,
            1.0,
            "remoteness index",
        )?,
        initial_fill: c.share(&r.initial_fill, "region.initial_fill")?,
        funded_share: c.share(&r.funded_share, "region.funded_share")?,
        remote_threshold: c.share(&r.remote_threshold, "region.remote_threshold")?,
        village_posts: c.dist(
            &r.village_posts,
            "region.village_posts",
            0.0,
            50.0,
            "village-doctor posts per village clinic",
        )?,
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
        growth: c.real(
            &o.growth,
            "outside_option.growth",
            -0.5,
            1.0,
            "annual growth (share a year)",
        )?,
    };

    let empty_b = RawBehaviour::default();
    let b = raw.behaviour.as_ref().unwrap_or(&empty_b);
    let behaviour = Behaviour {
        preference_sd: c.real(
            &b.preference_sd,
            "behaviour.preference_sd",
            0.0,
            5.0,
            "SD of log hazard multiplier",
        )?,
        pay_effect_per_10k_yuan: c.real(
            &b.pay_effect_per_10k_yuan,
            "behaviour.pay_effect_per_10k_yuan",
            -5.0,
            5.0,
            "log hazard ratio per 10,000 yuan a year",
        )?,
        blocked_promotion_hr: c.hr(&b.blocked_promotion_hr, "behaviour.blocked_promotion_hr")?,
        penalty_effect_per_10k_yuan: c.real(
            &b.penalty_effect_per_10k_yuan,
            "behaviour.penalty_effect_per_10k_yuan",
            0.0,
            5.0,
            "log hazard reduction per 10,000 yuan of penalty",
        )?,
        contract_end_hr: c.hr(&b.contract_end_hr, "behaviour.contract_end_hr")?,
        contract_end_window_years: c.real(
            &b.contract_end_window_years,
            "behaviour.contract_end_window_years",
            0.0,
            10.0,
            "years",
        )?,
        hometown_hr: c.hr(&b.hometown_hr, "behaviour.hometown_hr")?,
        rural_origin_hr: c.hr(&b.rural_origin_hr, "behaviour.rural_origin_hr")?,
        unfunded_hr: c.hr(&b.unfunded_hr, "behaviour.unfunded_hr")?,
        remoteness_hr: c.hr(&b.remoteness_hr, "behaviour.remoteness_hr")?,
        age_effect_per_year: c.real(
            &b.age_effect_per_year,
            "behaviour.age_effect_per_year",
            -1.0,
            1.0,
            "log hazard ratio per year of age",
        )?,
        age_reference: c.real(
            &b.age_reference,
            "behaviour.age_reference",
            15.0,
            90.0,
            "age in years",
        )?,
        age_effect_cap: c.real(
            &b.age_effect_cap,
            "behaviour.age_effect_cap",
            15.0,
            90.0,
            "age in years",
        )?,
        own_village_hr: c.hr(&b.own_village_hr, "behaviour.own_village_hr")?,
        old_age_effect_per_year: c.real(
            &b.old_age_effect_per_year,
            "behaviour.old_age_effect_per_year",
            -1.0,
            2.0,
            "log hazard ratio per year of age past 60",
        )?,
        training_exit_hr: c.hr(&b.training_exit_hr, "behaviour.training_exit_hr")?,
        training_pass_multiplier: c.real(
            &b.training_pass_multiplier,
            "behaviour.training_pass_multiplier",
            0.0,
            10.0,
            "multiplier of the pass probability",
        )?,
        grassroots_title_hr: c.hr(&b.grassroots_title_hr, "behaviour.grassroots_title_hr")?,
        pension_weight: c.real(
            &b.pension_weight,
            "behaviour.pension_weight",
            0.0,
            10.0,
            "yuan of pay per yuan a year of pension entitlement",
        )?,
    };

    let empty_policy = RawPolicy::default();
    let base_policy = raw.policy.as_ref().unwrap_or(&empty_policy);
    let policy = validate_policy(&c, base_policy, "policy")?;
    let policies = policy_schedule(&c, raw, base_policy, &policy, &simulation)?;
    let pathways = validate_pathways(&c, raw)?;
    let benchmarks = validate_benchmarks(&c, raw, &pathways)?;
    let calibration = validate_calibration(&c, raw)?;

    Ok(Scenario {
        name,
        description: raw
            .description
            .as_ref()
            .map(|d| d.value.clone())
            .unwrap_or_default(),
        simulation,
        region,
        outside,
        behaviour,
        policy,
        policies,
        pathways,
        benchmarks,
        calibration,
        resolved_toml: String::new(),
        hash: String::new(),
        files: Vec::new(),
        root: None,
    })
}

/// The policy in force in each simulated year: the base policy overlaid, in calendar order,
/// with every `[policy_from.YEAR]` change up to that year.
fn policy_schedule(
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

fn validate_policy(c: &Check, p: &RawPolicy, prefix: &str) -> R<Policy> {
    let key = |rest: &str| format!("{prefix}.{rest}");
    let es = RawSalary::default();
    let s = p.salary.as_ref().unwrap_or(&es);
    let salary = Salary {
        base: c.by_title(&s.base, &key("salary.base"), |v, k| {
            c.yuan(v, k).map(Yuan::get)
        })?,
        growth: c.real(
            &s.growth,
            &key("salary.growth"),
            -0.5,
            1.0,
            "annual growth (share a year)",
        )?,
        performance_uplift: c.share(&s.performance_uplift, &key("salary.performance_uplift"))?,
        remote_allowance: c.yuan(&s.remote_allowance, &key("salary.remote_allowance"))?,
        residency_stipend: c.yuan(&s.residency_stipend, &key("salary.residency_stipend"))?,
    };

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
            c.real(v, k, 0.0, 50.0, "years at the rank below")
        })?,
        college_extra_years: c.real(
            &t.college_extra_years,
            &key("titles.college_extra_years"),
            0.0,
            20.0,
            "years",
        )?,
        order_oriented_head_start: c.real(
            &t.order_oriented_head_start,
            &key("titles.order_oriented_head_start"),
            0.0,
            20.0,
            "years",
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
        ratio: c.real(
            &r.ratio,
            &key("recruitment.ratio"),
            0.0,
            100.0,
            "applicants required per post",
        )?,
        remote_ratio: c.real(
            &r.remote_ratio,
            &key("recruitment.remote_ratio"),
            0.0,
            100.0,
            "applicants required per post in remote townships",
        )?,
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
            0.0,
            1000.0,
            "mean applicants per post",
        )?,
        remoteness_effect: c.real(
            &r.remoteness_effect,
            &key("recruitment.remoteness_effect"),
            -10.0,
            10.0,
            "log change in applicants at remoteness 1",
        )?,
        pay_effect_per_10k_yuan: c.real(
            &r.pay_effect_per_10k_yuan,
            "policy.recruitment.pay_effect_per_10k_yuan",
            -10.0,
            10.0,
            "log change in applicants per 10,000 yuan a year",
        )?,
    };

    let ec = RawContract::default();
    let ct = p.contract.as_ref().unwrap_or(&ec);
    let contract = Contract {
        obligation_years: c.int(
            &ct.obligation_years,
            &key("contract.obligation_years"),
            0,
            40,
            "years of service obligation",
        )? as u32,
        residency_counts: c
            .req(
                &ct.residency_counts,
                &key("contract.residency_counts"),
                "true or false",
            )?
            .value,
        breach_penalty: c.yuan(&ct.breach_penalty, &key("contract.breach_penalty"))?,
        postgraduate_ban: c
            .req(
                &ct.postgraduate_ban,
                &key("contract.postgraduate_ban"),
                "true or false",
            )?
            .value,
    };

    let eret = RawRetirement::default();
    let rt = p.retirement.as_ref().unwrap_or(&eret);
    let retirement = Retirement {
        age_male: c.real(
            &rt.age_male,
            &key("retirement.age_male"),
            40.0,
            90.0,
            "retirement age in years",
        )?,
        age_female: c.real(
            &rt.age_female,
            &key("retirement.age_female"),
            40.0,
            90.0,
            "retirement age in years",
        )?,
        rise_from_year: c.real(
            &rt.rise_from_year,
            &key("retirement.rise_from_year"),
            1949.0,
            2200.0,
            "calendar year",
        )?,
        rise_per_year: c.real(
            &rt.rise_per_year,
            &key("retirement.rise_per_year"),
            0.0,
            1.0,
            "years of retirement age per later year of birth",
        )?,
        target_age_male: c.real(
            &rt.target_age_male,
            &key("retirement.target_age_male"),
            40.0,
            90.0,
            "retirement age in years",
        )?,
        target_age_female: c.real(
            &rt.target_age_female,
            &key("retirement.target_age_female"),
            40.0,
            90.0,
            "retirement age in years",
        )?,
    };
    for (target, from, v, name) in [
        (
            retirement.target_age_male,
            retirement.age_male,
            &rt.target_age_male,
            "retirement.target_age_male",
        ),
        (
            retirement.target_age_female,
            retirement.age_female,
            &rt.target_age_female,
            "retirement.target_age_female",
        ),
    ] {
        if target < from {
            return Err(c.invalid(
                v.as_ref().expect("checked"),
                &key(name),
                format!("a target age at or above the current age ({from})"),
            ));
        }
    }

    let ev = RawVillage::default();
    let v = p.village.as_ref().unwrap_or(&ev);
    let village = Village {
        subsidy: c.yuan(&v.subsidy, &key("village.subsidy"))?,
        fee_income: c.yuan(&v.fee_income, &key("village.fee_income"))?,
        growth: c.real(
            &v.growth,
            &key("village.growth"),
            -0.5,
            1.0,
            "annual growth (share a year)",
        )?,
        income_floor: c.yuan(&v.income_floor, &key("village.income_floor"))?,
        pension_per_service_year: c.yuan(
            &v.pension_per_service_year,
            &key("village.pension_per_service_year"),
        )?,
        pension_cap: c.yuan(&v.pension_cap, &key("village.pension_cap"))?,
        pension_min_service_years: c.real(
            &v.pension_min_service_years,
            &key("village.pension_min_service_years"),
            0.0,
            60.0,
            "years of service",
        )?,
        pension_age: c.real(
            &v.pension_age,
            &key("village.pension_age"),
            40.0,
            90.0,
            "age in years",
        )?,
        exit_age_male: c.real(
            &v.exit_age_male,
            &key("village.exit_age_male"),
            40.0,
            100.0,
            "age in years",
        )?,
        exit_age_female: c.real(
            &v.exit_age_female,
            &key("village.exit_age_female"),
            40.0,
            100.0,
            "age in years",
        )?,
        rehire_share: c.share(&v.rehire_share, &key("village.rehire_share"))?,
        reserve_per_township: c.int(
            &v.reserve_per_township,
            &key("village.reserve_per_township"),
            0,
            1000,
            "reserve posts per township centre",
        )? as u32,
    };

    let etr = RawTraining::default();
    let tr = p.training.as_ref().unwrap_or(&etr);
    let training = Training {
        probability: c.share(&tr.probability, &key("training.probability"))?,
        months: c.real(
            &tr.months,
            &key("training.months"),
            0.0,
            12.0,
            "months away per training",
        )?,
        cost_per_month: c.yuan(&tr.cost_per_month, &key("training.cost_per_month"))?,
    };
    Ok(Policy {
        salary,
        titles,
        recruitment,
        contract,
        retirement,
        village,
        training,
    })
}

fn validate_pathways(c: &Check, raw: &RawScenario) -> R<Vec<Pathway>> {
    let empty = Default::default();
    let all = raw.pathways.as_ref().unwrap_or(&empty);
    if all.is_empty() {
        return Err(ScenarioError::Missing {
            file: c.leaf.to_path_buf(),
            key: "pathways".into(),
            allowed: "at least one [pathways.NAME] table".into(),
        });
    }
    if all.len() > 32 {
        return Err(ScenarioError::Missing {
            file: c.leaf.to_path_buf(),
            key: "pathways".into(),
            allowed: "at most 32 pathways".into(),
        });
    }
    let mut out = Vec::new();
    for (name, p) in all {
        let key = |k: &str| format!("pathways.{name}.{k}");
        let kind = match &p.kind {
            Some(k) => c.word(k, &key("kind"), &PathwayKind::NAMES)?,
            None => match PathwayKind::parse(name) {
                Some(k) => k.name(),
                None => {
                    return Err(ScenarioError::Missing {
                        file: c.leaf.to_path_buf(),
                        key: key("kind"),
                        allowed: format!("one of {}", PathwayKind::NAMES.join(", ")),
                    });
                }
            },
        };
        let kind = PathwayKind::parse(kind).expect("word() checked the name");
        let pipeline = if kind.has_pipeline() {
            Some(Pipeline {
                intake_per_county: c.real(
                    &p.intake_per_county,
                    &key("intake_per_county"),
                    0.0,
                    100_000.0,
                    "students enrolled per county per year",
                )?,
                study_years: c.int(&p.study_years, &key("study_years"), 0, 15, "years of study")?
                    as u32,
                study_dropout: Rate::from_annual_probability(
                    c.share(&p.study_dropout, &key("study_dropout"))?,
                )
                .map_err(|e| {
                    c.invalid(
                        p.study_dropout.as_ref().expect("checked"),
                        &key("study_dropout"),
                        e.allowed,
                    )
                })?,
                residency_years: c.int(
                    &p.residency_years,
                    &key("residency_years"),
                    0,
                    10,
                    "years of standardized residency",
                )? as u32,
                no_show: c.share(&p.no_show, &key("no_show"))?,
            })
        } else {
            for (v, k) in [
                (&p.intake_per_county, "intake_per_county"),
                (&p.study_dropout, "study_dropout"),
                (&p.no_show, "no_show"),
            ] {
                if let Some(v) = v {
                    return Err(c.invalid(
                        v,
                        &key(k),
                        format!(
                            "only pathways of kind \"order_oriented\" or \"local_apprentice\" have `{k}`"
                        ),
                    ));
                }
            }
            None
        };
        let (initial_age, refill_rate) = if kind == PathwayKind::VillageDoctor {
            (
                Some(c.dist(
                    &p.initial_age,
                    &key("initial_age"),
                    15.0,
                    100.0,
                    "age of the village doctors serving at the start",
                )?),
                Some(c.share(&p.refill_rate, &key("refill_rate"))?),
            )
        } else {
            if let Some(v) = &p.initial_age {
                return Err(c.invalid(
                    v,
                    &key("initial_age"),
                    "only pathways of kind \"village_doctor\" have `initial_age` (incumbents use `age_at_entry`)",
                ));
            }
            if let Some(v) = &p.refill_rate {
                return Err(c.invalid(
                    v,
                    &key("refill_rate"),
                    "only pathways of kind \"village_doctor\" have `refill_rate`",
                ));
            }
            (None, None)
        };
        let initial = if kind == PathwayKind::Incumbent {
            let titles = c.by_title(&p.initial_titles, &key("initial_titles"), |v, k| {
                c.share(v, k).map(Share::get)
            })?;
            let sum: f64 = titles.0.iter().sum();
            if (sum - 1.0).abs() > 1e-6 {
                let v = p
                    .initial_titles
                    .as_ref()
                    .and_then(|t| t.junior.clone())
                    .expect("checked");
                return Err(c.invalid(
                    &v,
                    &key("initial_titles"),
                    format!("title shares must sum to 1 (they sum to {sum:.4})"),
                ));
            }
            Some(InitialStock {
                titles,
                years_at_rank: c.dist(
                    &p.initial_years_at_rank,
                    &key("initial_years_at_rank"),
                    0.0,
                    50.0,
                    "years at current rank at the start",
                )?,
            })
        } else {
            None
        };
        let d = p.destinations.clone().unwrap_or_default();
        let dk = key("destinations");
        let shares = [
            c.share(&d.county_hospital, &format!("{dk}.county_hospital"))?
                .get(),
            c.share(&d.postgraduate, &format!("{dk}.postgraduate"))?
                .get(),
            c.share(&d.unemployed, &format!("{dk}.unemployed"))?.get(),
            c.share(&d.other, &format!("{dk}.other"))?.get(),
        ];
        let sum: f64 = shares.iter().sum();
        if (sum - 1.0).abs() > 1e-6 {
            let v = d.other.clone().expect("checked");
            return Err(c.invalid(
                &v,
                &dk,
                format!("destination shares must sum to 1 (they sum to {sum:.4})"),
            ));
        }
        out.push(Pathway {
            name: name.clone(),
            kind,
            base_exit_rate: c.rate(&p.base_exit_rate, &key("base_exit_rate"))?,
            female_share: c.share(&p.female_share, &key("female_share"))?,
            hometown_share: c.share(&p.hometown_share, &key("hometown_share"))?,
            rural_origin_share: c.share(&p.rural_origin_share, &key("rural_origin_share"))?,
            bachelor_share: c.share(&p.bachelor_share, &key("bachelor_share"))?,
            age_at_entry: c.dist(
                &p.age_at_entry,
                &key("age_at_entry"),
                15.0,
                80.0,
                "age in years",
            )?,
            pipeline,
            initial,
            initial_age,
            refill_rate,
            destinations: Destinations(shares),
        });
    }
    for kind in [
        PathwayKind::OpenRecruit,
        PathwayKind::Incumbent,
        PathwayKind::VillageDoctor,
    ] {
        if out.iter().filter(|p| p.kind == kind).count() > 1 {
            return Err(ScenarioError::Missing {
                file: c.leaf.to_path_buf(),
                key: "pathways".into(),
                allowed: format!("at most one pathway of kind \"{}\"", kind.name()),
            });
        }
    }
    Ok(out)
}

fn validate_calibration(c: &Check, raw: &RawScenario) -> R<Option<super::Calibration>> {
    let Some(cal) = &raw.calibration else {
        return Ok(None);
    };
    let replications = match &cal.replications {
        Some(_) => Some(c.int(
            &cal.replications,
            "calibration.replications",
            2,
            100_000,
            "replications per evaluation",
        )? as u32),
        None => None,
    };
    let max_evaluations = match &cal.max_evaluations {
        Some(_) => c.int(
            &cal.max_evaluations,
            "calibration.max_evaluations",
            1,
            100_000,
            "evaluations of the objective",
        )? as u32,
        None => 100,
    };
    let mut free = Vec::new();
    for (i, f) in cal.free.clone().unwrap_or_default().iter().enumerate() {
        let key = |k: &str| format!("calibration.free[{i}].{k}");
        let (keys, at) = match (&f.key, &f.keys) {
            (Some(k), None) => (vec![k.value.clone()], c.at(k)),
            (None, Some(ks)) if !ks.value.is_empty() => (ks.value.clone(), c.at(ks)),
            (Some(k), Some(_)) => {
                return Err(c.invalid(k, &key("key"), "give `key` or `keys`, not both"));
            }
            _ => {
                return Err(ScenarioError::Missing {
                    file: c.leaf.to_path_buf(),
                    key: key("key"),
                    allowed: "the dotted key of the parameter to fit (or `keys = [...]` for several sharing one value)".into(),
                });
            }
        };
        let lo = c.real(&f.min, &key("min"), -1e12, 1e12, "lower bound")?;
        let hi = c.real(&f.max, &key("max"), -1e12, 1e12, "upper bound")?;
        if lo >= hi {
            return Err(c.invalid(
                f.max.as_ref().expect("checked"),
                &key("max"),
                format!("an upper bound above min ({lo})"),
            ));
        }
        free.push(super::FreeParameter {
            keys,
            min: lo,
            max: hi,
            at,
        });
    }
    Ok(Some(super::Calibration {
        replications,
        max_evaluations,
        free,
    }))
}

fn validate_benchmarks(c: &Check, raw: &RawScenario, pathways: &[Pathway]) -> R<Vec<Benchmark>> {
    let mut out = Vec::new();
    let empty = Vec::new();
    for (i, b) in raw.benchmark.as_ref().unwrap_or(&empty).iter().enumerate() {
        let key = |k: &str| format!("benchmark[{i}].{k}");
        let name = c.req(&b.name, &key("name"), "a short name")?.value.clone();
        let metric_v = c.req(&b.metric, &key("metric"), &Metric::NAMES.join(", "))?;
        let metric_name = c.word(metric_v, &key("metric"), &Metric::NAMES)?;
        let names: Vec<&str> = pathways.iter().map(|p| p.name.as_str()).collect();
        let pathway = || -> R<PathwayId> {
            let v = c.req(&b.pathway, &key("pathway"), &names.join(", "))?;
            let n = c.word(v, &key("pathway"), &names)?;
            Ok(PathwayId(
                names.iter().position(|x| *x == n).expect("found") as u8,
            ))
        };
        let year = |v: &Option<V<f64>>, k: &str| -> R<u32> {
            let y = c.real(v, &key(k), 0.0, 200.0, "whole years since entering service")?;
            if y.fract() != 0.0 {
                return Err(c.invalid(
                    v.as_ref().expect("checked"),
                    &key(k),
                    "whole years since entering service",
                ));
            }
            Ok(y as u32)
        };
        let titles = || -> R<[bool; 4]> {
            let v = c.req(&b.titles, &key("titles"), "a list of titles")?;
            let mut ts = Vec::new();
            for t in &v.value {
                match Title::parse(t) {
                    Some(t) => ts.push(t),
                    None => {
                        return Err(c.invalid(
                            v,
                            &key("titles"),
                            format!("titles are {}", Title::NAMES.join(", ")),
                        ));
                    }
                }
            }
            Ok(title_mask(&ts))
        };
        let metric = match metric_name {
            "retention" => Metric::Retention {
                pathway: pathway()?,
                year: year(&b.year, "year")?,
            },
            "conditional_retention" => {
                let (from_year, year) = (year(&b.from_year, "from_year")?, year(&b.year, "year")?);
                if from_year >= year {
                    return Err(c.invalid(
                        b.year.as_ref().expect("checked"),
                        &key("year"),
                        "`year` must be after `from_year`",
                    ));
                }
                Metric::ConditionalRetention {
                    pathway: pathway()?,
                    from_year,
                    year,
                }
            }
            "title_share" => Metric::TitleShare {
                pathway: pathway()?,
                year: year(&b.year, "year")?,
                titles: titles()?,
            },
            "centre_title_share" => Metric::CentreTitleShare {
                calendar_year: c.int(
                    &b.calendar_year,
                    &key("calendar_year"),
                    1949,
                    2200,
                    "calendar year",
                )? as i32,
                titles: titles()?,
            },
            "exit_share" => {
                let v = c.req(
                    &b.destination,
                    &key("destination"),
                    &Destination::NAMES.join(", "),
                )?;
                let d = c.word(v, &key("destination"), &Destination::NAMES)?;
                Metric::ExitShare {
                    pathway: pathway()?,
                    destination: Destination::parse(d).expect("checked"),
                }
            }
            "annual_outflow" => Metric::AnnualOutflow,
            "age_mean" | "age_share" => {
                let calendar_year = c.int(
                    &b.calendar_year,
                    &key("calendar_year"),
                    1949,
                    2200,
                    "calendar year",
                )? as i32;
                if metric_name == "age_mean" {
                    Metric::AgeMean {
                        pathway: pathway()?,
                        calendar_year,
                    }
                } else {
                    let min_age = c.real(
                        &b.min_age,
                        &key("min_age"),
                        0.0,
                        100.0,
                        "whole years of age",
                    )?;
                    if min_age.fract() != 0.0 {
                        return Err(c.invalid(
                            b.min_age.as_ref().expect("checked"),
                            &key("min_age"),
                            "whole years of age",
                        ));
                    }
                    Metric::AgeShare {
                        pathway: pathway()?,
                        calendar_year,
                        min_age: min_age as u32,
                    }
                }
            }
            _ => Metric::ReportRate {
                pathway: pathway()?,
            },
        };
        let is_share = metric.is_share();
        if let (Some(v), false) = (&b.n, is_share) {
            return Err(c.invalid(
                v,
                &key("n"),
                format!("`n` is only used by metrics that are shares, not by {metric_name}"),
            ));
        }
        let n = match &b.n {
            Some(_) => Some(c.int(
                &b.n,
                &key("n"),
                1,
                u32::MAX as i64,
                "sample size of the published figure",
            )? as u32),
            None => None,
        };
        let bound = match &b.bound {
            None => Bound::Equal,
            Some(v) => match c.word(v, &key("bound"), &Bound::NAMES)? {
                "at_least" => Bound::AtLeast,
                "at_most" => Bound::AtMost,
                _ => Bound::Equal,
            },
        };
        out.push(Benchmark {
            name,
            metric,
            bound,
            value: if is_share {
                c.share(&b.value, &key("value"))?.get()
            } else {
                c.real(&b.value, &key("value"), 0.0, 120.0, "years")?
            },
            n,
            source: c
                .req(
                    &b.source,
                    &key("source"),
                    "the publication the figure comes from",
                )?
                .value
                .clone(),
        });
    }
    Ok(out)
}
