//! Scenario files: inheritance, overrides and the errors an analyst sees.

mod common;

use common::*;
use zhagen::scenario::{Scenario, ScenarioError};

fn load_err(path: &std::path::Path) -> String {
    let e = Scenario::load(path, &[]).expect_err("must be refused");
    e.to_string()
}

#[test]
fn a_policy_file_inherits_everything_and_overrides_only_what_it_sets() {
    let dir = tempfile::tempdir().unwrap();
    let child = write(
        dir.path(),
        "longer.toml",
        &format!(
            "base = {:?}\n[policy.contract]\nobligation_years = 8\n",
            baseline_path().display().to_string()
        ),
    );
    let base = Scenario::load(&baseline_path(), &[]).unwrap();
    let s = Scenario::load(&child, &[]).unwrap();
    assert_eq!(s.policy.contract.obligation_years, 8);
    assert_eq!(
        s.policy.contract.breach_penalty,
        base.policy.contract.breach_penalty
    );
    assert_eq!(s.policy.salary, base.policy.salary);
    assert_eq!(s.pathways, base.pathways);
    assert_eq!(s.benchmarks, base.benchmarks);
    // The name is the child's own, not inherited.
    assert_eq!(s.name, "longer");
    assert_ne!(s.hash, base.hash);
}

#[test]
fn chains_of_bases_apply_nearest_file_last() {
    let dir = tempfile::tempdir().unwrap();
    let b = baseline_path().display().to_string();
    write(
        dir.path(),
        "a.toml",
        &format!("base = {b:?}\n[policy.recruitment]\nratio = 3.0\n"),
    );
    write(
        dir.path(),
        "b.toml",
        "base = \"a.toml\"\n[policy.recruitment]\napplicants_per_post = 4.0\n",
    );
    let c = write(
        dir.path(),
        "c.toml",
        "base = \"b.toml\"\n[policy.recruitment]\nratio = 1.0\n",
    );
    let s = Scenario::load(&c, &[]).unwrap();
    assert_eq!(s.policy.recruitment.ratio, 1.0);
    assert_eq!(s.policy.recruitment.applicants_per_post, 4.0);
    assert_eq!(s.files.len(), 4, "c, b, a and the baseline were read");
}

#[test]
fn a_cycle_of_bases_is_refused_naming_the_files() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "x.toml", "base = \"y.toml\"\n");
    let y = write(dir.path(), "y.toml", "base = \"x.toml\"\n");
    let e = Scenario::load(&y, &[]).unwrap_err();
    assert!(matches!(e, ScenarioError::BaseCycle { .. }), "{e}");
    let m = e.to_string();
    assert!(
        m.contains("x.toml") && m.contains("y.toml") && m.contains("cycle"),
        "{m}"
    );
}

#[test]
fn a_missing_base_names_the_file_and_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "p.toml", "# policy\nbase = \"nowhere.toml\"\n");
    let m = load_err(&p);
    assert!(m.contains("p.toml:2") && m.contains("nowhere.toml"), "{m}");
}

#[test]
fn an_unknown_key_names_file_line_and_suggests_the_likely_key() {
    let dir = tempfile::tempdir().unwrap();
    let b = baseline_path().display().to_string();
    let p = write(
        dir.path(),
        "typo.toml",
        &format!("base = {b:?}\n\n[policy.contract]\nobligaton_years = 8\n"),
    );
    let m = load_err(&p);
    assert!(m.contains("typo.toml:4"), "{m}");
    assert!(m.contains("obligaton_years"), "{m}");
    assert!(m.contains("did you mean `obligation_years`"), "{m}");
}

#[test]
fn a_wrong_type_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let b = baseline_path().display().to_string();
    let p = write(
        dir.path(),
        "t.toml",
        &format!("base = {b:?}\n[simulation]\nyears = \"ten\"\n"),
    );
    let m = load_err(&p);
    assert!(m.contains("t.toml:3") && m.contains("invalid type"), "{m}");
}

#[test]
fn an_out_of_range_value_names_file_line_key_value_and_what_is_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let b = baseline_path().display().to_string();
    let p = write(
        dir.path(),
        "r.toml",
        &format!("base = {b:?}\n[pathways.order_oriented]\nfemale_share = 1.5\n"),
    );
    let m = load_err(&p);
    assert!(m.contains("r.toml:3"), "{m}");
    assert!(m.contains("pathways.order_oriented.female_share"), "{m}");
    assert!(m.contains("1.5") && m.contains("between 0 and 1"), "{m}");
}

#[test]
fn non_finite_numbers_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let b = baseline_path().display().to_string();
    let p = write(
        dir.path(),
        "n.toml",
        &format!("base = {b:?}\n[policy.salary]\ngrowth = nan\n"),
    );
    let m = load_err(&p);
    assert!(
        m.contains("policy.salary.growth") && m.contains("= nan"),
        "{m}"
    );
}

#[test]
fn a_misspelt_choice_gets_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let b = baseline_path().display().to_string();
    let p = write(
        dir.path(),
        "w.toml",
        &format!("base = {b:?}\n[policy.titles]\nquota_pool = \"countty\"\n"),
    );
    let m = load_err(&p);
    assert!(
        m.contains("w.toml:3") && m.contains("did you mean `county`"),
        "{m}"
    );
}

#[test]
fn destination_shares_must_sum_to_one() {
    let dir = tempfile::tempdir().unwrap();
    let b = baseline_path().display().to_string();
    let p = write(
        dir.path(),
        "d.toml",
        &format!("base = {b:?}\n[pathways.order_oriented.destinations]\nother = 0.5\n"),
    );
    let m = load_err(&p);
    assert!(m.contains("sum to 1") && m.contains("d.toml:3"), "{m}");
}

#[test]
fn overrides_apply_last_and_are_validated_like_files() {
    let s = baseline_with(&["policy.contract.obligation_years=8"]);
    assert_eq!(s.policy.contract.obligation_years, 8);
    let e = Scenario::load(
        &baseline_path(),
        &["policy.contract.obligation_years=-1".into()],
    )
    .unwrap_err();
    let m = e.to_string();
    assert!(m.contains("--set") && m.contains("obligation_years"), "{m}");
}

/// `--set name=…` was silently ignored: the name was read from the leaf file's text, after
/// the overrides had been merged.
#[test]
fn set_name_renames_the_scenario_and_its_resolved_file() {
    let s = baseline_with(&["name=my-run"]);
    assert_eq!(s.name, "my-run");
    assert!(
        s.resolved_toml.contains("\nname = \"my-run\"\n"),
        "{}",
        s.resolved_toml
    );
    assert_ne!(s.hash, baseline_with(&[]).hash);
    // Over a policy file too; without it, the policy file keeps its own name (not the
    // baseline's, which it does not inherit).
    let dir = tempfile::tempdir().unwrap();
    let child = write(
        dir.path(),
        "longer.toml",
        &format!(
            "base = {:?}\n[policy.contract]\nobligation_years = 8\n",
            baseline_path().display().to_string()
        ),
    );
    assert_eq!(Scenario::load(&child, &[]).unwrap().name, "longer");
    let s = Scenario::load(&child, &["name=\"eight years\"".into()]).unwrap();
    assert_eq!(s.name, "eight years");
    // The last override wins, as for any key.
    let s = baseline_with(&["name=first", "name=second"]);
    assert_eq!(s.name, "second");
}

/// A scenario as a string, without what tells one run of it from another.
fn model(s: &Scenario) -> String {
    let mut s = s.clone();
    s.resolved_toml.clear();
    s.hash.clear();
    s.files.clear();
    format!("{s:?}")
}

/// Every value of the baseline, given a different value by `--set`, changes the scenario or
/// is refused: no key is accepted and then ignored.
#[test]
fn every_set_key_of_the_baseline_takes_effect_or_is_refused() {
    fn leaves(prefix: &str, t: &toml::Table, out: &mut Vec<(String, toml::Value)>) {
        for (k, v) in t {
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                toml::Value::Table(t) => leaves(&key, t, out),
                // Arrays of tables (benchmarks, free parameters) cannot be set by a dotted key.
                toml::Value::Array(a) if a.iter().any(|x| x.is_table()) => {}
                v => out.push((key, v.clone())),
            }
        }
    }
    let base = baseline_with(&[]);
    let mut keys = Vec::new();
    leaves("", &toml::from_str(&base.resolved_toml).unwrap(), &mut keys);
    assert!(keys.len() > 100, "{} keys", keys.len());
    assert!(keys.iter().any(|(k, _)| k == "name"));
    let before = model(&base);
    let mut checked = 0;
    for (key, v) in keys {
        let changed = match v {
            toml::Value::Integer(i) => toml::Value::Integer(i + 1),
            toml::Value::Float(x) => toml::Value::Float(if x == 0.0 { 0.01 } else { x * 0.9 }),
            toml::Value::Boolean(b) => toml::Value::Boolean(!b),
            toml::Value::String(_) => toml::Value::String("something-else".into()),
            // Lists (histogram edges, title lists): reversed, or one more element.
            toml::Value::Array(mut a) => {
                a.reverse();
                if a.len() < 2 {
                    a.push(toml::Value::Float(1.0));
                }
                toml::Value::Array(a)
            }
            _ => continue,
        };
        let o = format!("{key}={changed}");
        // Refused (a value out of range, shares that no longer sum to 1) is not silent.
        if let Ok(s) = Scenario::load(&baseline_path(), std::slice::from_ref(&o)) {
            assert_ne!(
                model(&s),
                before,
                "--set {o} was accepted but changed nothing"
            );
        }
        checked += 1;
    }
    assert!(checked > 100);
}

/// An override is read as one TOML key and one value: what cannot be is refused, naming it.
#[test]
fn a_set_that_is_not_one_key_and_one_value_is_refused_naming_it() {
    for (o, expect) in [
        (
            "policy.contract.obligation_years",
            "no `=`; an override is written KEY=VALUE",
        ),
        ("policy.contract.\"obligation_years=8", "not closed"),
        ("policy contract=8", "neither a `.` nor the end of the key"),
        ("政策.x=8", "cannot be written unquoted"),
        ("policy..contract=8", "empty"),
    ] {
        let e = Scenario::load(&baseline_path(), &[o.to_string()]).unwrap_err();
        let m = e.to_string();
        assert!(m.starts_with(&format!("--set {o}")), "{o}: {m}");
        assert!(m.contains(expect), "{o}: should say `{expect}`: {m}");
    }
    // A value holding a newline is one value, never a second key.
    let s = baseline_with(&["description=one\nsimulation.seed = 99"]);
    assert_eq!(s.description, "one\nsimulation.seed = 99");
    assert_eq!(s.simulation.seed, baseline_with(&[]).simulation.seed);
    // A quoted part of a key may hold `.` and `=`: it names one pathway.
    let e = Scenario::load(
        &baseline_path(),
        &["pathways.\"a.b=c\".base_exit_rate=0.1".into()],
    )
    .unwrap_err();
    // Named as a TOML key, quoted, so that it can be pasted back into `--set` or a file.
    assert!(e.to_string().contains("pathways.\"a.b=c\".kind"), "{e}");
}

#[test]
fn the_resolved_scenario_loads_back_to_the_same_model() {
    let s = Scenario::load(&baseline_path(), &[]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "baseline.toml", &s.resolved_toml);
    let again = Scenario::load(&p, &[]).unwrap();
    assert_eq!(again.simulation, s.simulation);
    assert_eq!(again.region, s.region);
    assert_eq!(again.policy, s.policy);
    assert_eq!(again.policies, s.policies);
    assert_eq!(again.behaviour, s.behaviour);
    assert_eq!(again.pathways, s.pathways);
    assert_eq!(again.benchmarks, s.benchmarks);
    assert_eq!(again.resolved_toml, s.resolved_toml);
}

#[test]
fn a_policy_change_applies_from_its_year_on_and_later_changes_overlay_earlier_ones() {
    let dir = tempfile::tempdir().unwrap();
    let b = baseline_path().display().to_string();
    let p = write(
        dir.path(),
        "phased.toml",
        &format!(
            "base = {b:?}\n\
             [policy_from.2015.salary]\nremote_allowance = 6000\n\
             [policy_from.2020.salary]\nremote_allowance = 12000\n\
             [policy_from.2020.contract]\nobligation_years = 8\n"
        ),
    );
    let s = Scenario::load(&p, &[]).unwrap();
    let allowance = |year: i32| {
        s.policy_at((year - s.simulation.start_year) as u32)
            .salary
            .remote_allowance
            .get()
    };
    assert_eq!(allowance(2014), 0.0);
    assert_eq!(allowance(2015), 6000.0);
    assert_eq!(allowance(2019), 6000.0);
    assert_eq!(allowance(2020), 12000.0);
    assert_eq!(allowance(2034), 12000.0);
    assert_eq!(s.policy_at(9).contract.obligation_years, 6);
    assert_eq!(s.policy_at(10).contract.obligation_years, 8);
    // Everything a change does not set stays as in force before it.
    assert_eq!(s.policy_at(12).titles, s.policy.titles);
}

#[test]
fn a_policy_change_outside_the_simulated_years_or_with_a_bad_value_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let b = baseline_path().display().to_string();
    let p = write(
        dir.path(),
        "late.toml",
        &format!("base = {b:?}\n\n[policy_from.2040.salary]\nremote_allowance = 6000\n"),
    );
    let m = load_err(&p);
    assert!(
        m.contains("late.toml:3") && m.contains("policy_from.2040") && m.contains("2010 to 2034"),
        "{m}"
    );
    let p = write(
        dir.path(),
        "neg.toml",
        &format!("base = {b:?}\n[policy_from.2020.salary]\nremote_allowance = -5\n"),
    );
    let m = load_err(&p);
    assert!(
        m.contains("neg.toml:3") && m.contains("policy_from.2020.salary.remote_allowance"),
        "{m}"
    );
}

#[test]
fn a_histogram_needs_one_more_edge_than_weights_and_sensible_weights() {
    let dir = tempfile::tempdir().unwrap();
    let b = baseline_path().display().to_string();
    for (name, body, expect) in [
        (
            "shape.toml",
            "initial_age = { dist = \"histogram\", edges = [20, 40, 60], weights = [1, 2, 3] }",
            "weights",
        ),
        (
            "neg.toml",
            "initial_age = { dist = \"histogram\", edges = [20, 40, 60], weights = [1, -2] }",
            "non-negative",
        ),
        (
            "order.toml",
            "initial_age = { dist = \"histogram\", edges = [60, 40, 20], weights = [1, 2] }",
            "increasing",
        ),
        (
            "stray.toml",
            "initial_age = { dist = \"normal\", mean = 40, sd = 5, min = 20, max = 70, edges = [1, 2] }",
            "only used by dist = \"histogram\"",
        ),
    ] {
        let p = write(
            dir.path(),
            name,
            &format!("base = {b:?}\n[pathways.village_doctor]\n{body}\n"),
        );
        let m = load_err(&p);
        assert!(
            m.contains(&format!("{name}:3")) && m.contains(expect),
            "{name}: {m}"
        );
    }
}

#[test]
fn pathway_keys_belong_to_their_kind() {
    let dir = tempfile::tempdir().unwrap();
    let b = baseline_path().display().to_string();
    let p = write(
        dir.path(),
        "k.toml",
        &format!("base = {b:?}\n[pathways.open_recruit]\nrefill_rate = 0.2\n"),
    );
    let m = load_err(&p);
    assert!(
        m.contains("k.toml:3") && m.contains("village_doctor"),
        "{m}"
    );
    let p = write(
        dir.path(),
        "n.toml",
        &format!(
            "base = {b:?}\n[[benchmark]]\nname = \"age\"\nmetric = \"age_mean\"\npathway = \"village_doctor\"\ncalendar_year = 2010\nvalue = 49.3\nrole = \"input\"\nn = 100\nsource = \"x\"\n"
        ),
    );
    let m = load_err(&p);
    assert!(
        m.contains("n.toml:9") && m.contains("only used by metrics that are shares"),
        "{m}"
    );
}

#[test]
fn a_second_open_recruit_pathway_is_a_constraint_error_naming_both_pathways() {
    let dir = tempfile::tempdir().unwrap();
    let b = baseline_path().display().to_string();
    let f = write(
        dir.path(),
        "two-open.toml",
        &format!(
            "base = {b:?}\n\n[pathways.contract_hires]\nkind = \"open_recruit\"\nbase_exit_rate = 0.05\n\
             female_share = 0.5\nhometown_share = 0.5\nrural_origin_share = 0.5\nbachelor_share = 0.5\n\
             age_at_entry = {{ dist = \"fixed\", value = 25 }}\n\
             destinations = {{ county_hospital = 0.5, postgraduate = 0.1, unemployed = 0.2, other = 0.2 }}\n"
        ),
    );
    let e = load_err(&f);
    assert!(!e.contains("is not set"), "{e}");
    assert!(e.contains("two-open.toml"), "{e}");
    assert!(
        e.contains("open_recruit") && e.contains("contract_hires"),
        "{e}"
    );
    assert!(e.contains("pathways.contract_hires.kind"), "{e}");
}

#[test]
fn an_error_inside_policy_from_recruitment_names_the_full_key_and_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let b = baseline_path().display().to_string();
    let f = write(
        dir.path(),
        "later.toml",
        &format!(
            "base = {b:?}\n\n[policy_from.2020.recruitment]\npay_effect_per_10k_yuan = 99.0\n"
        ),
    );
    let e = load_err(&f);
    assert!(
        e.contains("policy_from.2020.recruitment.pay_effect_per_10k_yuan"),
        "{e}"
    );
    assert!(e.contains("later.toml:4"), "{e}");
    assert!(e.contains("99"), "{e}");
}

#[test]
fn values_allowed_alone_but_not_together_name_every_key_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let b = baseline_path().display().to_string();
    let f = write(
        dir.path(),
        "ages.toml",
        &format!("base = {b:?}\n[policy.retirement]\nage_male = 62\ntarget_age_male = 61\n"),
    );
    let e = load_err(&f);
    assert!(e.contains("ages.toml:4"), "{e}");
    assert!(
        e.contains("`policy.retirement.target_age_male` = 61"),
        "{e}"
    );
    assert!(e.contains("`policy.retirement.age_male` = 62"), "{e}");
    assert!(e.contains("at least 62"), "{e}");
}

/// A benchmark must say what it is for and how precisely its figure is known: without either
/// no verdict means anything. Each refusal names the file, the line and what to add.
#[test]
fn a_benchmark_states_its_role_and_one_uncertainty() {
    let dir = tempfile::tempdir().unwrap();
    let b = baseline_path().display().to_string();
    let with = |file: &str, extra: &str| {
        write(
            dir.path(),
            file,
            &format!(
                "base = {b:?}\n[[benchmark]]\nname = \"outflow\"\nmetric = \"annual_outflow\"\nvalue = 0.08\nsource = \"x\"\n{extra}"
            ),
        )
    };
    let m = load_err(&with("none.toml", "role = \"holdout\"\n"));
    assert!(
        m.contains("none.toml:3")
            && m.contains("must say how precisely its figure is known")
            && m.contains("tolerance = …")
            && m.contains("interval = [low, high]"),
        "{m}"
    );
    let m = load_err(&with(
        "two.toml",
        "role = \"holdout\"\ntolerance = 0.01\ninterval = [0.07, 0.09]\n",
    ));
    assert!(
        m.contains("two.toml:3")
            && m.contains("`benchmark[0].tolerance` = 0.01")
            && m.contains("`benchmark[0].interval` = [0.07, 0.09]")
            && m.contains("one way"),
        "{m}"
    );
    let m = load_err(&with("norole.toml", "tolerance = 0.01\n"));
    assert!(
        m.contains("benchmark[0].role") && m.contains("holdout (used by nothing that was fitted)"),
        "{m}"
    );
    let m = load_err(&with(
        "typo.toml",
        "role = \"hold-out\"\ntolerance = 0.01\n",
    ));
    assert!(
        m.contains("typo.toml:7") && m.contains("did you mean `holdout`?"),
        "{m}"
    );
    let m = load_err(&with(
        "interval.toml",
        "role = \"holdout\"\ninterval = [0.09, 0.12]\n",
    ));
    assert!(
        m.contains("interval.toml:8") && m.contains("low ≤ value (0.08) ≤ high"),
        "{m}"
    );
    // With one of them, each loads.
    for (file, u) in [
        ("tol.toml", "tolerance = 0.01"),
        ("rel.toml", "relative_tolerance = 0.2"),
        ("iv.toml", "interval = [0.07, 0.09]"),
        ("n.toml", "n = 400"),
    ] {
        let p = with(file, &format!("role = \"holdout\"\n{u}\n"));
        zhagen::scenario::Scenario::load(&p, &[]).unwrap_or_else(|e| panic!("{file}: {e}"));
    }
}

/// A pipeline share names two stages in order and a date; a period is two calendar years in
/// order; a headcount ratio names the year it is relative to. Each mistake is a located error.
#[test]
fn pipeline_headcount_and_period_benchmarks_say_what_they_need() {
    let dir = tempfile::tempdir().unwrap();
    let b = baseline_path().display().to_string();
    let with = |file: &str, body: &str| {
        write(
            dir.path(),
            file,
            &format!(
                "base = {b:?}\n[[benchmark]]\nname = \"x\"\nrole = \"holdout\"\ntolerance = 0.01\nvalue = 0.5\nsource = \"x\"\n{body}"
            ),
        )
    };
    let m = load_err(&with(
        "order.toml",
        "metric = \"pipeline_share\"\npathway = \"order_oriented\"\nstage = \"enrolled\"\nof = \"reported\"\ndate = \"2024-08\"\n",
    ));
    assert!(
        m.contains("order.toml:10")
            && m.contains("`of` must be a stage before `stage`")
            && m.contains("`benchmark[0].of` = reported"),
        "{m}"
    );
    let m = load_err(&with(
        "stage.toml",
        "metric = \"pipeline_share\"\npathway = \"order_oriented\"\nstage = \"graduate\"\nof = \"enrolled\"\ndate = \"2024-08\"\n",
    ));
    assert!(
        m.contains("stage.toml:10") && m.contains("did you mean `graduated`?"),
        "{m}"
    );
    let m = load_err(&with(
        "date.toml",
        "metric = \"pipeline_share\"\npathway = \"order_oriented\"\nstage = \"graduated\"\nof = \"enrolled\"\ndate = \"August 2024\"\n",
    ));
    assert!(
        m.contains("date.toml:12") && m.contains("\"YYYY-MM\""),
        "{m}"
    );
    let m = load_err(&with(
        "years.toml",
        "metric = \"annual_outflow\"\nyears = [2015, 2010]\n",
    ));
    assert!(
        m.contains("years.toml:9") && m.contains("first ≤ last"),
        "{m}"
    );
    let m = load_err(&with(
        "relative.toml",
        "metric = \"headcount_ratio\"\npathway = \"village_doctor\"\ncalendar_year = 2020\n",
    ));
    assert!(m.contains("benchmark[0].relative_to"), "{m}");
    let m = load_err(&with(
        "reason.toml",
        "metric = \"exit_rate\"\npathway = \"village_doctor\"\nreason = \"retired\"\n",
    ));
    assert!(
        m.contains("reason.toml:10") && m.contains("any, retirement"),
        "{m}"
    );
    // A headcount ratio may exceed 1 (a growing workforce); a proportion may not.
    let ok = with(
        "grow.toml",
        "metric = \"headcount_ratio\"\npathway = \"village_doctor\"\ncalendar_year = 2020\nrelative_to = 2011\n",
    );
    let text = std::fs::read_to_string(&ok)
        .unwrap()
        .replace("value = 0.5", "value = 1.2");
    std::fs::write(&ok, text).unwrap();
    zhagen::scenario::Scenario::load(&ok, &[]).expect("a ratio above 1 loads");
}

/// An effect target's counterfactual is a list of overrides checked like `--set`: a typo in
/// one is an error naming the benchmark and suggesting the key; the run's own settings cannot
/// be changed (the two runs share their random numbers); `effect` needs a counterfactual.
#[test]
fn an_effect_targets_counterfactual_is_checked_like_set() {
    let dir = tempfile::tempdir().unwrap();
    let b = baseline_path().display().to_string();
    let with = |file: &str, body: &str| {
        write(
            dir.path(),
            file,
            &format!(
                "base = {b:?}\n[[benchmark]]\nname = \"pay\"\nrole = \"fitted\"\ntolerance = 0.1\nvalue = -0.2\nsource = \"x\"\nmetric = \"annual_outflow\"\n{body}"
            ),
        )
    };
    let m = load_err(&with(
        "typo.toml",
        "counterfactual = [\"policy.salary.remote_alowance=12000\"]\n",
    ));
    assert!(
        m.contains("benchmark `pay` counterfactual") && m.contains("remote_allowance"),
        "{m}"
    );
    let m = load_err(&with(
        "seed.toml",
        "counterfactual = [\"simulation.seed=7\"]\n",
    ));
    assert!(
        m.contains("seed.toml:9") && m.contains("none of them `simulation.*`"),
        "{m}"
    );
    let m = load_err(&with("effect.toml", "effect = \"relative\"\n"));
    assert!(
        m.contains("effect.toml:9") && m.contains("give `counterfactual"),
        "{m}"
    );
    let m = load_err(&with(
        "kind.toml",
        "counterfactual = [\"policy.salary.remote_allowance=12000\"]\neffect = \"ratio\"\n",
    ));
    assert!(
        m.contains("kind.toml:10") && m.contains("difference, relative"),
        "{m}"
    );
    // A negative effect loads; without a counterfactual a negative share would not.
    let ok = with(
        "ok.toml",
        "counterfactual = [\"policy.salary.remote_allowance=12000\"]\n",
    );
    let s = zhagen::scenario::Scenario::load(&ok, &[]).expect("an effect target loads");
    assert_eq!(s.counterfactuals.len(), 1);
    let m = load_err(&with("level.toml", ""));
    assert!(m.contains("level.toml:6"), "{m}");
}
