//! The raw scenario file, exactly as written: every key optional (a file may set only what it
//! overrides), unknown keys refused. `validate` turns the merged layers into the typed model.

use super::layer::{V, partial_table};
use std::collections::BTreeMap;

partial_table! {
    /// One scenario file (or the merge of a chain of them).
    pub struct RawScenario {
        name: V<String>,
        description: V<String>,
        base: V<String>,
        simulation: RawSimulation,
        region: RawRegion,
        outside_option: RawOutsideOption,
        economics: RawEconomics,
        behaviour: RawBehaviour,
        policy: RawPolicy,
        /// Policy changes by calendar year: `[policy_from.2025.salary] remote_allowance = …`
        /// applies from 2025 on (later years overlay earlier ones).
        policy_from: BTreeMap<String, RawPolicy>,
        pathways: BTreeMap<String, RawPathway>,
        benchmark: Vec<RawBenchmark>,
        calibration: RawCalibration,
        uncertainty: RawUncertainty,
    }
}

partial_table! {
    /// What is not known about the scenario's parameters (`crate::uncertainty`): one
    /// `[[uncertainty.parameter]]` per uncertain value.
    pub struct RawUncertainty {
        parameter: Vec<RawUncertain>,
    }
}

partial_table! {
    /// One uncertain parameter: its key (or several keys sharing one value), its
    /// distribution and where that distribution comes from.
    pub struct RawUncertain {
        key: V<String>,
        keys: V<Vec<String>>,
        dist: V<String>,
        min: V<f64>,
        max: V<f64>,
        mean: V<f64>,
        sd: V<f64>,
        mode: V<f64>,
        relative: V<f64>,
        source: V<String>,
    }
}

partial_table! {
    /// What `zhagen calibrate` may change, within bounds, to fit the benchmarks.
    pub struct RawCalibration {
        replications: V<i64>,
        max_evaluations: V<i64>,
        free: Vec<RawFree>,
    }
}

partial_table! {
    pub struct RawFree {
        key: V<String>,
        /// Several keys that share one value (e.g. the base exit rate of two pathways).
        keys: V<Vec<String>>,
        min: V<f64>,
        max: V<f64>,
    }
}

partial_table! {
    /// How costs and effects are valued over time (`crate::economics`).
    pub struct RawEconomics {
        base_year: V<i64>,
        inflation: V<f64>,
        discount_rate: V<f64>,
    }
}

partial_table! {
    pub struct RawSimulation {
        seed: V<i64>,
        start_year: V<i64>,
        years: V<i64>,
        replications: V<i64>,
        steps_per_year: V<i64>,
        year_begins_month: V<i64>,
    }
}

partial_table! {
    /// A distribution written as a table: `{ dist = "uniform", min = 8, max = 16 }`,
    /// `{ dist = "normal", mean = 40, sd = 9, min = 22, max = 59 }`, `{ dist = "fixed", value = 3 }`
    /// or `{ dist = "histogram", edges = [20, 30, 40], weights = [0.4, 0.6] }`.
    pub struct RawDist {
        dist: V<String>,
        value: V<f64>,
        min: V<f64>,
        max: V<f64>,
        mean: V<f64>,
        sd: V<f64>,
        edges: V<Vec<f64>>,
        weights: V<Vec<f64>>,
    }
}

/// A distribution's values were written in the same file as the key that holds it.
impl super::layer::Leaf for RawDist {
    fn tag_inner(&mut self, source: super::layer::SourceId) {
        super::layer::Layer::tag(self, source);
    }
}

partial_table! {
    pub struct RawRegion {
        counties: V<i64>,
        townships_per_county: V<RawDist>,
        villages_per_township: V<RawDist>,
        posts_per_centre: V<RawDist>,
        remoteness: V<RawDist>,
        initial_fill: V<f64>,
        funded_share: V<f64>,
        remote_threshold: V<f64>,
        village_posts: V<RawDist>,
        village_initial_fill: V<f64>,
    }
}

partial_table! {
    /// Pay of the same title at a county-or-higher hospital: the outside option.
    pub struct RawOutsideOption {
        pay: RawByTitle,
        village_pay: V<f64>,
        growth: V<f64>,
    }
}

partial_table! {
    pub struct RawByTitle {
        junior: V<f64>,
        intermediate: V<f64>,
        associate_senior: V<f64>,
        senior: V<f64>,
    }
}

partial_table! {
    pub struct RawBehaviour {
        preference_sd: V<f64>,
        pay_effect_per_10k_yuan: V<f64>,
        blocked_promotion_hr: V<f64>,
        penalty_elasticity: V<f64>,
        selection_strength: V<f64>,
        contract_end_hr: V<f64>,
        contract_end_window_years: V<f64>,
        post_contract_hr: V<f64>,
        hometown_hr: V<f64>,
        rural_origin_hr: V<f64>,
        unfunded_hr: V<f64>,
        remoteness_hr: V<f64>,
        age_effect_per_year: V<f64>,
        age_reference: V<f64>,
        age_effect_cap: V<f64>,
        own_village_hr: V<f64>,
        old_age_effect_per_year: V<f64>,
        training_exit_hr: V<f64>,
        training_pass_multiplier: V<f64>,
        grassroots_title_hr: V<f64>,
        pension_weight: V<f64>,
    }
}

partial_table! {
    pub struct RawPolicy {
        salary: RawSalary,
        titles: RawTitles,
        recruitment: RawRecruitment,
        contract: RawContract,
        retirement: RawRetirement,
        village: RawVillage,
        training: RawTraining,
    }
}

partial_table! {
    pub struct RawSalary {
        base: RawByTitle,
        growth: V<f64>,
        performance_uplift: V<f64>,
        remote_allowance: V<f64>,
        remote_allowance_indexed: V<bool>,
        residency_stipend: V<f64>,
    }
}

partial_table! {
    pub struct RawTitles {
        min_years: RawByTitle,
        college_extra_years: V<f64>,
        order_oriented_head_start: V<f64>,
        pass_probability: RawByTitle,
        quota: RawByTitle,
        quota_pool: V<String>,
        grassroots_track: V<bool>,
        grassroots_pass_probability: RawByTitle,
        grassroots_quota: RawByTitle,
    }
}

partial_table! {
    pub struct RawRecruitment {
        ratio: V<f64>,
        remote_ratio: V<f64>,
        unified_county_hiring: V<bool>,
        applicants_per_post: V<f64>,
        remoteness_effect: V<f64>,
        pay_effect_per_10k_yuan: V<f64>,
        hire_pathway: V<String>,
    }
}

partial_table! {
    pub struct RawContract {
        obligation_years: V<i64>,
        residency_counts: V<bool>,
        breach_penalty: V<f64>,
        breach_penalty_indexed: V<bool>,
        postgraduate_ban: V<bool>,
    }
}

partial_table! {
    pub struct RawRetirement {
        age_male: V<f64>,
        age_female: V<f64>,
        rise_from_year: V<f64>,
        rise_per_year: V<f64>,
        target_age_male: V<f64>,
        target_age_female: V<f64>,
    }
}

partial_table! {
    pub struct RawVillage {
        subsidy: V<f64>,
        fee_income: V<f64>,
        growth: V<f64>,
        income_floor: V<f64>,
        income_floor_indexed: V<bool>,
        pension_per_service_year: V<f64>,
        pension_cap: V<f64>,
        pension_indexed: V<bool>,
        pension_min_service_years: V<f64>,
        pension_age: V<f64>,
        exit_age_male: V<f64>,
        exit_age_female: V<f64>,
        rehire_share: V<f64>,
        reserve_per_township: V<i64>,
    }
}

partial_table! {
    pub struct RawTraining {
        probability: V<f64>,
        months: V<f64>,
        cost_per_month: V<f64>,
    }
}

partial_table! {
    pub struct RawPathway {
        kind: V<String>,
        base_exit_rate: V<f64>,
        female_share: V<f64>,
        hometown_share: V<f64>,
        rural_origin_share: V<f64>,
        bachelor_share: V<f64>,
        age_at_entry: V<RawDist>,
        intake_per_county: V<f64>,
        study_years: V<i64>,
        study_dropout: V<f64>,
        residency_years: V<i64>,
        no_show: V<f64>,
        placement: V<String>,
        initial_titles: RawByTitle,
        initial_years_at_rank: V<RawDist>,
        initial_age: V<RawDist>,
        refill_rate: V<f64>,
        destinations: RawDestinations,
    }
}

partial_table! {
    /// Where leavers go, as shares that sum to 1.
    pub struct RawDestinations {
        county_hospital: V<f64>,
        postgraduate: V<f64>,
        unemployed: V<f64>,
        other: V<f64>,
    }
}

partial_table! {
    pub struct RawBenchmark {
        name: V<String>,
        metric: V<String>,
        pathway: V<String>,
        year: V<f64>,
        from_year: V<f64>,
        calendar_year: V<i64>,
        titles: V<Vec<String>>,
        destination: V<String>,
        min_age: V<f64>,
        cohorts: V<Vec<i64>>,
        from: V<String>,
        date: V<String>,
        years_after: V<f64>,
        stage: V<String>,
        of: V<String>,
        relative_to: V<i64>,
        years: V<Vec<i64>>,
        reason: V<String>,
        counterfactual: V<Vec<String>>,
        effect: V<String>,
        value: V<f64>,
        bound: V<String>,
        role: V<String>,
        n: V<i64>,
        tolerance: V<f64>,
        relative_tolerance: V<f64>,
        interval: V<Vec<f64>>,
        source: V<String>,
    }
}
