//! Properties that hold for every input, checked on generated ones (proptest): the scenario
//! loader never panics and always says where a problem is; valid values reach the typed model
//! unchanged and survive the resolved scenario's round trip; out-of-range values are refused
//! naming their key; and the engine's accounting holds on small random scenarios.

mod common;

use common::*;
use proptest::prelude::*;
use std::path::Path;
use zhagen::engine::tally::Tally;
use zhagen::scenario::{Location, Scenario, ScenarioError};
use zhagen::stats::RunResult;
use zhagen::stats::survival::life_table;

// ---------------------------------------------------------------------------------------------
// Generators of scenario text: noise, and TOML lines built from the scenario's own vocabulary so
// that generated files get past the parser into validation.

/// Tables of a scenario file (and a few that do not exist).
const TABLES: &[&str] = &[
    "[simulation]",
    "[region]",
    "[outside_option]",
    "[behaviour]",
    "[policy.salary]",
    "[policy.titles]",
    "[policy.recruitment]",
    "[policy.contract]",
    "[policy.retirement]",
    "[policy.village]",
    "[policy.training]",
    "[policy_from.2015.salary]",
    "[policy_from.1900.contract]",
    "[policy_from.x]",
    "[pathways.order_oriented]",
    "[pathways.open_recruit]",
    "[pathways.incumbent]",
    "[pathways.village_doctor]",
    "[pathways.local_apprentice]",
    "[pathways.extra]",
    "[pathways.incumbent.initial_titles]",
    "[pathways.order_oriented.destinations]",
    "[[benchmark]]",
    "[calibration]",
    "[[calibration.free]]",
    "[polcy.salary]",
];

/// Keys that appear somewhere in a scenario file (and a misspelt one).
const KEYS: &[&str] = &[
    "name",
    "description",
    "seed",
    "start_year",
    "years",
    "replications",
    "steps_per_year",
    "counties",
    "townships_per_county",
    "villages_per_township",
    "posts_per_centre",
    "remoteness",
    "initial_fill",
    "remote_threshold",
    "village_posts",
    "pay",
    "growth",
    "preference_sd",
    "contract_end_hr",
    "age_reference",
    "base",
    "performance_uplift",
    "remote_allowance",
    "residency_stipend",
    "min_years",
    "quota",
    "quota_pool",
    "grassroots_track",
    "ratio",
    "remote_ratio",
    "hire_pathway",
    "obligation_years",
    "residency_counts",
    "breach_penalty",
    "age_male",
    "target_age_male",
    "income_floor",
    "reserve_per_township",
    "probability",
    "months",
    "kind",
    "base_exit_rate",
    "female_share",
    "age_at_entry",
    "intake_per_county",
    "study_years",
    "study_dropout",
    "no_show",
    "initial_titles",
    "initial_age",
    "refill_rate",
    "junior",
    "senior",
    "county_hospital",
    "other",
    "metric",
    "pathway",
    "year",
    "from_year",
    "calendar_year",
    "titles",
    "min_age",
    "value",
    "bound",
    "n",
    "source",
    "key",
    "keys",
    "min",
    "max",
    "max_evaluations",
    "obligaton_years",
];

/// Values of every TOML type, in and out of the ranges the loader allows.
fn toml_value() -> impl Strategy<Value = String> {
    let number = prop_oneof![
        any::<f64>().prop_map(|x| format!("{x:?}")),
        any::<i64>().prop_map(|x| x.to_string()),
        (-2.0f64..2.0).prop_map(|x| x.to_string()),
        (0i64..100).prop_map(|x| x.to_string()),
        prop::sample::select(vec!["nan", "-inf", "+inf", "0", "1", "-1", "1e400", "2015"])
            .prop_map(String::from),
    ];
    let dist = (
        prop::sample::select(vec!["fixed", "uniform", "normal", "histogram", "poisson"]),
        prop::sample::select(vec![
            "value", "min", "max", "mean", "sd", "edges", "weights",
        ]),
        number.clone(),
        prop::sample::select(vec!["min", "max", "mean", "sd", "value"]),
        number.clone(),
    )
        .prop_map(|(d, k1, v1, k2, v2)| {
            let v1 = if k1 == "edges" || k1 == "weights" {
                format!("[{v1}, {v2}]")
            } else {
                v1
            };
            format!("{{ dist = \"{d}\", {k1} = {v1}, {k2} = {v2} }}")
        });
    prop_oneof![
        4 => number.clone(),
        1 => prop::sample::select(vec!["true", "false"]).prop_map(String::from),
        1 => "[a-z_]{0,16}".prop_map(|s| format!("{s:?}")),
        // Any characters, control characters (newlines) included, as a TOML string.
        1 => prop::collection::vec(any::<char>(), 0..12)
            .prop_map(|c| toml::Value::String(c.into_iter().collect()).to_string()),
        1 => prop::sample::select(vec!["\"centre\"", "\"county\"", "\"order_oriented\"", "\"retention\"", "\"at_least\"", "\"junior\""])
            .prop_map(String::from),
        2 => dist,
        1 => prop::collection::vec(number.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
        1 => prop::collection::vec(("[a-z_]{1,8}", number), 0..3).prop_map(|kv| {
            let inner: Vec<String> = kv.iter().map(|(k, v)| format!("{k} = {v}")).collect();
            format!("{{ {} }}", inner.join(", "))
        }),
    ]
}

/// One line of a scenario-like file.
fn toml_line() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => prop::sample::select(TABLES).prop_map(String::from),
        6 => (prop::sample::select(KEYS), toml_value()).prop_map(|(k, v)| format!("{k} = {v}")),
        1 => "\\PC{0,24}",
    ]
}

/// Scenario-like text: mostly TOML built from the scenario's vocabulary, sometimes any string.
fn scenario_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::collection::vec(toml_line(), 0..24).prop_map(|l| l.join("\n")),
        1 => any::<String>(),
    ]
}

// ---------------------------------------------------------------------------------------------
// Checks.

/// The located part of an error, if it has one.
fn location(e: &ScenarioError) -> Option<&Location> {
    match e {
        ScenarioError::Syntax { at, .. }
        | ScenarioError::Invalid { at, .. }
        | ScenarioError::Constraint { at, .. }
        | ScenarioError::BaseCycle { at, .. }
        | ScenarioError::WrongKind { at, .. }
        | ScenarioError::BaseMissing { at, .. } => Some(at),
        ScenarioError::Read { .. } | ScenarioError::Missing { .. } => None,
    }
}

/// An error names one of `files` (given as path and text) in its message, and a located error
/// points at a line that exists in the file it names.
fn assert_located(e: &ScenarioError, files: &[(&Path, &str)]) {
    let message = e.to_string();
    assert!(
        files
            .iter()
            .any(|(p, _)| message.contains(&p.display().to_string())),
        "the error names the file: {message}"
    );
    if let Some(at) = location(e) {
        let (_, text) = files
            .iter()
            .find(|(p, _)| *p == at.file)
            .unwrap_or_else(|| panic!("the error is located in a file that was read: {message}"));
        if let Some(line) = at.line {
            let lines = text.split('\n').count() as u32;
            assert!(
                (1..=lines).contains(&line),
                "line {line} of {lines}: {message}"
            );
        }
    }
}

/// The resolved scenario a run writes (`scenario.toml`) loads back to the same scenario.
fn assert_resolved_reloads(s: &Scenario) {
    let dir = tempfile::tempdir().unwrap();
    let resolved = write(dir.path(), "scenario.toml", &s.resolved_toml);
    let again = Scenario::load(&resolved, &[])
        .unwrap_or_else(|e| panic!("the resolved scenario loads: {e}\n{}", s.resolved_toml));
    assert_eq!(again.resolved_toml, s.resolved_toml);
    assert_eq!(again.name, s.name);
}

// ---------------------------------------------------------------------------------------------
// The loader.

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any text as a scenario file of its own: an error (never a panic) that names the file
    /// and a line inside it, or a scenario whose resolved file loads back unchanged.
    #[test]
    fn any_text_as_a_scenario_file_is_refused_with_its_location_or_loads(text in scenario_text()) {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "generated.toml", &text);
        match Scenario::load(&path, &[]) {
            Ok(s) => assert_resolved_reloads(&s),
            Err(e) => assert_located(&e, &[(&path, &text)]),
        }
    }

    /// Any text as a policy file over the shipped baseline: an error names the file or the
    /// baseline (where an inherited value no longer fits what the file set), or a scenario
    /// whose resolved file loads back unchanged.
    #[test]
    fn any_text_over_the_baseline_is_refused_with_its_location_or_loads(text in scenario_text()) {
        let dir = tempfile::tempdir().unwrap();
        let child = format!("base = {:?}\n{text}", baseline_path().display().to_string());
        let path = write(dir.path(), "child.toml", &child);
        let base_text = std::fs::read_to_string(baseline_path()).unwrap();
        match Scenario::load(&path, &[]) {
            Ok(s) => assert_resolved_reloads(&s),
            Err(e) => assert_located(&e, &[(&path, &child), (&baseline_path(), &base_text)]),
        }
    }

    /// Any `--set KEY=VALUE`, whatever the key and the value: an error or a scenario (whose
    /// resolved file loads back), never a panic.
    #[test]
    fn any_override_is_refused_or_applied_never_a_panic(
        key in prop_oneof![
            any::<String>(),
            "[a-z_.]{0,40}",
            prop::sample::select(KEYS).prop_map(|k| format!("policy.contract.{k}")),
            prop::sample::select(KEYS).prop_map(|k| format!("region.{k}")),
            prop::sample::select(KEYS).prop_map(|k| format!("pathways.incumbent.{k}")),
        ],
        value in prop_oneof![any::<String>(), toml_value()],
    ) {
        if let Ok(s) = Scenario::load(&baseline_path(), &[format!("{key}={value}")]) {
            assert_resolved_reloads(&s);
        }
    }

    /// A value inside its documented range reaches the typed model unchanged, in every year's
    /// policy, and the resolved scenario written with a run loads back to the same scenario.
    #[test]
    fn valid_values_reach_the_model_and_survive_the_resolved_round_trip(
        allowance in 0.0f64..1e6,
        fill in 0.0f64..=1.0,
        obligation in 0u32..=40,
        stipend in prop_oneof![Just(0.0), 0.0f64..1e5, Just(1e-7)],
    ) {
        let s = baseline_with(&[
            &format!("policy.salary.remote_allowance={allowance:?}"),
            &format!("region.initial_fill={fill:?}"),
            &format!("policy.contract.obligation_years={obligation}"),
            &format!("policy.salary.residency_stipend={stipend:?}"),
        ]);
        prop_assert_eq!(s.policy.salary.remote_allowance.get(), allowance);
        prop_assert_eq!(s.region.initial_fill.get(), fill);
        prop_assert_eq!(s.policy.contract.obligation_years, obligation);
        prop_assert_eq!(s.policy.salary.residency_stipend.get(), stipend);
        prop_assert_eq!(s.policies.len(), s.simulation.years as usize);
        for p in &s.policies {
            prop_assert_eq!(p, &s.policy);
        }

        let dir = tempfile::tempdir().unwrap();
        let resolved = write(dir.path(), "resolved.toml", &s.resolved_toml);
        let again = Scenario::load(&resolved, &[]).expect("the resolved scenario loads");
        prop_assert_eq!(&again.name, &s.name);
        prop_assert_eq!(&again.resolved_toml, &s.resolved_toml);
        prop_assert_eq!(&again.hash, &s.hash);
        prop_assert_eq!(&again.simulation, &s.simulation);
        prop_assert_eq!(&again.region, &s.region);
        prop_assert_eq!(&again.behaviour, &s.behaviour);
        prop_assert_eq!(&again.policies, &s.policies);
        prop_assert_eq!(&again.pathways, &s.pathways);
        prop_assert_eq!(&again.benchmarks, &s.benchmarks);
    }

    /// Whatever a scenario's name and description (newlines, control characters, any script),
    /// its resolved file loads back with the same name.
    #[test]
    fn any_name_survives_the_resolved_round_trip(
        name in prop::collection::vec(
            prop_oneof![Just('\n'), Just('\r'), Just('\u{7f}'), Just('`'), any::<char>()],
            0..16,
        ),
        description in any::<String>(),
    ) {
        let name: String = name.into_iter().collect();
        let dir = tempfile::tempdir().unwrap();
        let child = write(
            dir.path(),
            "named.toml",
            &format!(
                "base = {:?}\nname = {}\ndescription = {}\n",
                baseline_path().display().to_string(),
                toml::Value::String(name.clone()),
                toml::Value::String(description.clone()),
            ),
        );
        let s = Scenario::load(&child, &[]).expect("a named policy file loads");
        prop_assert_eq!(&s.name, &name);
        prop_assert_eq!(&s.description, &description);
        assert_resolved_reloads(&s);
    }

    /// Negative money, shares outside 0..=1, NaN and infinities are refused, naming the key
    /// and the `--set` that gave the value.
    #[test]
    fn out_of_range_values_are_refused_naming_the_key_and_the_override(
        (key, value) in prop_oneof![
            (
                prop::sample::select(vec![
                    "policy.salary.remote_allowance",
                    "policy.salary.residency_stipend",
                    "policy.contract.breach_penalty",
                    "policy.village.income_floor",
                    "policy.salary.base.junior",
                    "outside_option.village_pay",
                ]),
                prop_oneof![
                    (-1e12f64..-1e-9).prop_map(|x| format!("{x:?}")),
                    prop::sample::select(vec!["nan", "inf", "-inf", "-1"]).prop_map(String::from),
                ],
            ),
            (
                prop::sample::select(vec![
                    "region.initial_fill",
                    "region.funded_share",
                    "policy.salary.performance_uplift",
                    "policy.titles.quota.intermediate",
                    "policy.training.probability",
                    "pathways.order_oriented.female_share",
                    "pathways.order_oriented.no_show",
                ]),
                prop_oneof![
                    (1.0f64 + 1e-9..1e6).prop_map(|x| format!("{x:?}")),
                    (-1e6f64..-1e-9).prop_map(|x| format!("{x:?}")),
                    prop::sample::select(vec!["nan", "inf", "-inf", "2"]).prop_map(String::from),
                ],
            ),
        ],
    ) {
        let set = format!("{key}={value}");
        let e = Scenario::load(&baseline_path(), std::slice::from_ref(&set))
            .expect_err("an out-of-range value is refused");
        let ScenarioError::Invalid { at, key: named, .. } = &e else {
            panic!("refused as an invalid value: {e}");
        };
        prop_assert_eq!(named.as_str(), key);
        prop_assert_eq!(at.file.display().to_string(), format!("--set {set}"));
        prop_assert!(e.to_string().contains(key), "{}", e);
    }

    /// A distribution given by `--set` whose values fall outside the allowed range is refused
    /// at the `--set`, not at a line of the file it overrides.
    #[test]
    fn a_bad_distribution_is_located_at_the_override_that_gave_it(
        key in prop::sample::select(vec![
            "region.remoteness",
            "region.townships_per_county",
            "pathways.incumbent.age_at_entry",
            "pathways.village_doctor.initial_age",
        ]),
        (dist, sub) in prop::sample::select(vec![
            ("{ dist = \"uniform\", min = -5000, max = 1 }", "min"),
            ("{ dist = \"fixed\", value = 1e9 }", "value"),
            ("{ dist = \"normal\", mean = -1e9, sd = 1, min = 20, max = 60 }", "mean"),
            ("{ dist = \"histogram\", edges = [-1e9, 1], weights = [1] }", "edges"),
            ("{ dist = \"uniform\", min = 0.5, max = 0.2, mean = 3 }", "mean"),
        ]),
    ) {
        let set = format!("{key}={dist}");
        let e = Scenario::load(&baseline_path(), std::slice::from_ref(&set))
            .expect_err("an out-of-range distribution is refused");
        let ScenarioError::Invalid { at, key: named, .. } = &e else {
            panic!("refused as an invalid value: {e}");
        };
        prop_assert_eq!(named.clone(), format!("{key}.{sub}"));
        prop_assert_eq!(at.file.display().to_string(), format!("--set {set}"));
    }
}

// ---------------------------------------------------------------------------------------------
// The engine, on small random scenarios over the baseline.

/// A small scenario: the baseline shrunk, with random levers.
#[derive(Debug, Clone)]
struct Small {
    counties: u32,
    replications: u32,
    years: u32,
    steps_per_year: u32,
    seed: u64,
    remote_allowance: f64,
    performance_uplift: f64,
    obligation_years: u32,
    residency_counts: bool,
    quota: [f64; 3],
    county_pool: bool,
    ratio: f64,
    training: f64,
    /// A remote allowance from a later year (`[policy_from.YEAR]`), as years after the start.
    allowance_from: Option<(u32, f64)>,
}

fn small_scenario() -> impl Strategy<Value = Small> {
    (
        (
            1u32..=3,
            1u32..=3,
            3u32..=12,
            1u32..=12,
            0..=i64::MAX as u64,
        ),
        (0.0f64..30_000.0, 0.0f64..0.3, 3u32..=10, any::<bool>()),
        (
            [0.0f64..=1.0, 0.0f64..=1.0, 0.0f64..=1.0],
            any::<bool>(),
            0.0f64..4.0,
            0.0f64..=0.5,
        ),
        prop::option::of((1u32..12, 0.0f64..30_000.0)),
    )
        .prop_map(
            |(
                (counties, replications, years, steps_per_year, seed),
                (remote_allowance, performance_uplift, obligation_years, residency_counts),
                (quota, county_pool, ratio, training),
                allowance_from,
            )| Small {
                counties,
                replications,
                years,
                steps_per_year,
                seed,
                remote_allowance,
                performance_uplift,
                obligation_years,
                residency_counts,
                quota,
                county_pool,
                ratio,
                training,
                allowance_from: allowance_from.filter(|(y, _)| *y < years),
            },
        )
}

impl Small {
    fn scenario(&self) -> Scenario {
        let mut o = vec![
            format!("region.counties={}", self.counties),
            format!("simulation.replications={}", self.replications),
            format!("simulation.years={}", self.years),
            format!("simulation.steps_per_year={}", self.steps_per_year),
            format!("simulation.seed={}", self.seed),
            format!("policy.salary.remote_allowance={:?}", self.remote_allowance),
            format!(
                "policy.salary.performance_uplift={:?}",
                self.performance_uplift
            ),
            format!("policy.contract.obligation_years={}", self.obligation_years),
            format!("policy.contract.residency_counts={}", self.residency_counts),
            format!("policy.titles.quota.intermediate={:?}", self.quota[0]),
            format!("policy.titles.quota.associate_senior={:?}", self.quota[1]),
            format!("policy.titles.quota.senior={:?}", self.quota[2]),
            format!(
                "policy.titles.quota_pool={}",
                if self.county_pool { "county" } else { "centre" }
            ),
            format!("policy.recruitment.ratio={:?}", self.ratio),
            format!("policy.training.probability={:?}", self.training),
        ];
        if let Some((y, a)) = self.allowance_from {
            let year = 2010 + y;
            o.push(format!("policy_from.{year}.salary.remote_allowance={a:?}"));
        }
        Scenario::load(&baseline_path(), &o).expect("a small scenario over the baseline loads")
    }
}

/// For every pathway, each entrant leaves the life table exactly once (an exit or a
/// censoring), and retention starts at 1, never rises and stays in [0, 1].
fn assert_life_tables_account_for_every_entrant(s: &Scenario, t: &Tally) {
    for (p, pathway) in s.pathways.iter().enumerate() {
        let rows = life_table(t, p);
        assert_eq!(rows.len(), s.simulation.years as usize + 1);
        assert_eq!(rows[0].at_risk, t.entrants[p]);
        let left: u64 = rows.iter().map(|r| r.events + r.censored).sum();
        assert_eq!(left, t.entrants[p], "{}: exits + censorings", pathway.name);
        assert_eq!(
            rows.last().unwrap().at_risk,
            0,
            "{}: nobody at risk after the end",
            pathway.name
        );
        assert_eq!(rows[0].retention, 1.0);
        for w in rows.windows(2) {
            assert_eq!(
                w[1].at_risk,
                w[0].at_risk - w[1].events - w[1].censored,
                "{} year {}",
                pathway.name,
                w[1].year
            );
            assert!(
                w[1].retention <= w[0].retention,
                "{} rises at year {}",
                pathway.name,
                w[1].year
            );
            assert!((0.0..=1.0).contains(&w[1].retention));
        }
    }
}

/// Township centres hire only into vacant posts: staff in post never exceed the establishment
/// plus the order-oriented graduates placed over it (every graduate is placed, vacancy or not).
fn assert_centres_hold_no_more_than_posts_and_placements(t: &Tally) {
    let mut placed = 0;
    for (y, st) in t.staffing.iter().enumerate() {
        placed += st.placed;
        assert!(
            st.filled <= st.posts + placed,
            "year {y}: {} staff in {} posts with {placed} placed so far",
            st.filled,
            st.posts
        );
        assert_eq!(st.advertised, st.hired + st.cancelled, "year {y}");
    }
}

/// Every item of spending is a finite, non-negative number of yuan.
fn assert_costs_are_finite_and_non_negative(t: &Tally, r: &RunResult) {
    let ok = |x: f64| x.is_finite() && x >= 0.0;
    for (y, c) in t.cost.iter().enumerate() {
        for (item, x) in [
            ("pay", c.pay),
            ("performance", c.performance),
            ("allowances", c.allowances),
            ("stipends", c.stipends),
            ("village_subsidy", c.village_subsidy),
            ("village_floor", c.village_floor),
            ("pension", c.pension),
            ("training", c.training),
            ("serving_years", c.serving_years),
            ("total", c.total()),
        ] {
            assert!(ok(x), "year {y}: {item} = {x}");
        }
    }
    assert!(ok(t.worker_years));
    for m in &r.reps {
        for (what, x) in [
            ("cost", m.cost),
            ("cost_nominal", m.cost_nominal),
            ("worker_years", m.worker_years),
            ("worker_years_discounted", m.worker_years_discounted),
            ("village_years_staffed", m.village_years_staffed),
        ] {
            assert!(ok(x), "{what} = {x}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_engine_accounts_for_everyone_and_repeats_itself_on_small_random_scenarios(
        small in small_scenario(),
    ) {
        let s = small.scenario();
        let r = run_on(&s, 2);
        assert_eq!(r.reps.len(), small.replications as usize);
        assert_life_tables_account_for_every_entrant(&s, &r.pooled);
        assert_centres_hold_no_more_than_posts_and_placements(&r.pooled);
        assert_costs_are_finite_and_non_negative(&r.pooled, &r);
        // Same seed, another thread count: the same tallies, replication by replication
        // (compared as text, since undefined metrics are NaN).
        let again = run_on(&s, 1);
        prop_assert_eq!(&again.pooled, &r.pooled);
        prop_assert_eq!(format!("{:?}", again.reps), format!("{:?}", r.reps));
    }
}
