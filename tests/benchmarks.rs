//! The shipped baseline against the published figures it was fitted to.

mod common;

use common::*;
use std::path::Path;

/// Tang et al. 2024: 190 of 493 RTME contract completers (38.54%) were still at the
/// grassroots. The baseline, run as shipped, must reproduce it within its interval; the value is
/// fitted through behavioural parameters, never pinned.
#[test]
fn baseline_reproduces_the_38_54_percent_post_contract_retention() {
    let s = baseline_with(&[]);
    let r = run_on(&s, 2);
    let results = &r.benchmarks;
    let tang = results
        .iter()
        .find(|b| b.benchmark.name == "rtme_post_contract_retention")
        .expect("benchmark present");
    assert_eq!(tang.benchmark.value, 0.3854);
    assert!(
        tang.verdict.is_met(),
        "simulated {:.4} in [{:.4}, {:.4}]",
        tang.simulated.mean,
        tang.target_low,
        tang.target_high
    );
    // The verdict allows for the n = 493 study's sampling error; the simulated mean is also
    // within two points of the target, which the Monte Carlo error alone cannot excuse.
    assert!(
        (tang.simulated.mean - 0.3854).abs() < 0.02,
        "{}",
        tang.simulated.mean
    );
}

/// Every shipped benchmark has a role, a target interval around its value, and a simulated
/// value inside its Monte Carlo interval; there is at least one hold-out.
#[test]
fn every_baseline_benchmark_is_reported_with_its_role_and_both_intervals() {
    let s = small_baseline(&[]);
    let r = run_on(&s, 2);
    let results = &r.benchmarks;
    assert_eq!(results.len(), s.benchmarks.len());
    for b in results {
        let name = &b.benchmark.name;
        assert!(b.simulated.mean.is_finite(), "{name} has a simulated value");
        assert!(
            b.simulated.low <= b.simulated.mean && b.simulated.mean <= b.simulated.high,
            "{name}"
        );
        assert!(
            b.target_low < b.benchmark.value && b.benchmark.value < b.target_high,
            "{name}: {} in ({}, {})",
            b.benchmark.value,
            b.target_low,
            b.target_high
        );
        assert!((b.difference - (b.simulated.mean - b.benchmark.value)).abs() < 1e-12);
    }
    assert!(
        results
            .iter()
            .any(|b| b.benchmark.role == zhagen::benchmark::Role::Holdout)
    );
    let table = zhagen::stats::validation_table(&r);
    for heading in ["Fitted:", "Inputs:", "Hold-outs:"] {
        assert!(table.contains(heading), "{table}");
    }
}

/// With one replication the Monte Carlo error of the mean is unknown: every benchmark says it
/// cannot be judged and why, never `NaN` beside a "NO" for a target that may well be met.
#[test]
fn one_replication_says_why_it_cannot_judge() {
    let s = small_baseline(&["simulation.replications=1"]);
    let r = run_on(&s, 2);
    for b in &r.benchmarks {
        match &b.verdict {
            zhagen::stats::Verdict::CannotJudge(why) => {
                assert!(why.contains("at least 2"), "{}: {why}", b.benchmark.name)
            }
            v => panic!("{} judged on one replication: {v:?}", b.benchmark.name),
        }
    }
    let table = zhagen::stats::validation_table(&r);
    assert!(!table.contains("NaN"), "{table}");
    assert!(table.contains("cannot be judged: 1 replication"), "{table}");
}

/// A benchmark dated before the run starts is measured by no replication: it cannot be judged.
#[test]
fn a_benchmark_dated_outside_the_run_cannot_be_judged() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "early.toml",
        &format!(
            "base = {:?}\n[[benchmark]]\nname = \"before the run\"\nmetric = \"centre_title_share\"\n\
             calendar_year = 1990\ntitles = [\"senior\"]\nvalue = 0.01\nrole = \"holdout\"\n\
             tolerance = 0.005\nsource = \"a test\"\n",
            baseline_path()
        ),
    );
    let s = zhagen::scenario::Scenario::load(
        &file,
        &[
            "region.counties=2".into(),
            "simulation.replications=3".into(),
        ],
    )
    .expect("a year before the run is a valid benchmark that this run cannot measure");
    let r = run_on(&s, 2);
    let b = r
        .benchmarks
        .iter()
        .find(|b| b.benchmark.name == "before the run")
        .unwrap();
    assert!(
        matches!(b.verdict, zhagen::stats::Verdict::CannotJudge(_)),
        "{:?}",
        b.verdict
    );
    assert!(!zhagen::stats::validation_table(&r).contains("NaN"));
}

/// The published figures describe the status quo. A scenario that changes policy from the
/// one it is built on shows them for reference and judges none: `salary-uplift.toml` keeps
/// more people, and a red "NO" beside 38.54% would call that a failure.
#[test]
fn a_policy_scenario_shows_the_status_quo_figures_for_reference_and_judges_none() {
    let root = baseline_path();
    let scenarios = root.parent().unwrap();
    let small = [
        "region.counties=2".to_string(),
        "simulation.replications=3".to_string(),
    ];
    let uplift =
        zhagen::scenario::Scenario::load(&scenarios.join("salary-uplift.toml"), &small).unwrap();
    assert_eq!(
        uplift.policy_changes_from_root(),
        ["policy.salary.performance_uplift"]
    );
    let r = run_on(&uplift, 2);
    assert!(!r.benchmarks.is_empty());
    for b in &r.benchmarks {
        assert_eq!(
            b.verdict,
            zhagen::stats::Verdict::ForReference,
            "{}",
            b.benchmark.name
        );
    }
    assert!(zhagen::stats::validation_table(&r).starts_with("Status-quo figures, for reference"));

    // The status quo itself, and the status quo under another run size, seed or behavioural
    // assumption, or at another value of a parameter its calibration fits, is judged.
    for set in [
        "simulation.seed=9",
        "behaviour.pay_effect_per_10k_yuan=0.3",
        "policy.titles.pass_probability.intermediate=0.5",
    ] {
        let mut o = small.to_vec();
        o.push(set.into());
        let s = zhagen::scenario::Scenario::load(&root, &o).unwrap();
        assert!(s.policy_changes_from_root().is_empty(), "{set}");
    }
    let s = zhagen::scenario::Scenario::load(&root, &small).unwrap();
    let r = run_on(&s, 2);
    assert!(
        r.benchmarks
            .iter()
            .all(|b| b.verdict != zhagen::stats::Verdict::ForReference)
    );

    // A lever set on the command line makes a policy scenario of the baseline too.
    let mut o = small.to_vec();
    o.push("policy.salary.remote_allowance=5000".into());
    let s = zhagen::scenario::Scenario::load(&root, &o).unwrap();
    assert_eq!(
        s.policy_changes_from_root(),
        ["policy.salary.remote_allowance"]
    );
}

/// Calibrating a policy scenario is allowed but never silent.
#[test]
fn calibrating_a_policy_scenario_warns_that_the_targets_describe_the_status_quo() {
    let dir = tempfile::tempdir().unwrap();
    let uplift = baseline_path().parent().unwrap().join("salary-uplift.toml");
    let out = assert_cmd::Command::cargo_bin("zhagen")
        .unwrap()
        .args([
            "calibrate",
            uplift.to_str().unwrap(),
            "--set",
            "calibration.max_evaluations=2",
            "--set",
            "calibration.replications=2",
            "--set",
            "region.counties=2",
            "--out",
            dir.path().join("fit").to_str().unwrap(),
        ])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("warning: salary-uplift is a policy scenario (it changes policy.salary.performance_uplift"),
        "{stderr}"
    );
}

/// `validate --strict` is for CI: exit status 2 when a fitted or hold-out benchmark the run can
/// judge is off, with every output written; 0 without `--strict`, 0 when the benchmarks are
/// met, and 0 when only an input (a plumbing check) is off.
#[test]
fn validate_strict_exits_2_when_a_judged_benchmark_is_off_and_0_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let with_target = |name: &str, role: &str, value: f64, n: &str| {
        write(
            dir.path(),
            &format!("{name}.toml"),
            &format!(
                "base = {:?}\nname = {name:?}\n[[benchmark]]\nname = \"reporting\"\nmetric = \"report_rate\"\n\
                 pathway = \"order_oriented\"\nrole = {role:?}\nvalue = {value}\n{n}source = \"a test\"\n",
                baseline_path()
            ),
        )
    };
    let validate = |file: &Path, extra: &[&str]| {
        let out = dir.path().join(file.file_stem().unwrap());
        let mut args = vec![
            "validate".to_string(),
            file.display().to_string(),
            "--replications".into(),
            "3".into(),
            "--set".into(),
            "region.counties=2".into(),
            "--quiet".into(),
            "--out".into(),
            out.display().to_string(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let o = std::process::Command::new(assert_cmd::cargo::cargo_bin("zhagen"))
            .args(&args)
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
            out,
        )
    };
    let off = with_target("off", "holdout", 0.20, "n = 1000\n");
    let (code, stderr, out) = validate(&off, &["--strict"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("--strict: 1 of 1 fitted and hold-out benchmarks are off: reporting"),
        "{stderr}"
    );
    assert!(
        out.join("validation.csv").is_file(),
        "the outputs are written"
    );
    assert_eq!(validate(&off, &["--force"]).0, Some(0), "without --strict");
    let met = with_target("met", "fitted", 0.985, "n = 200\n");
    assert_eq!(validate(&met, &["--strict"]).0, Some(0));
    let input_off = with_target("input", "input", 0.20, "n = 1000\n");
    let (code, stderr, _) = validate(&input_off, &["--strict"]);
    assert_eq!(code, Some(0), "an input is a plumbing check: {stderr}");
}

/// Tang et al. counted the 2015–16 graduates who had completed their contracts, still at the
/// grassroots in December 2022. Computed by hand from the replication's raw cohort counts: with
/// the year beginning in July, the 2015 graduates (run year 5) finished their 6-year contracts
/// at month (5 + 6) × 12 = 132 of the run, the 2016 graduates at month 144, and the end of
/// December 2022 is month (2022 − 2010) × 12 + 12 − 6 = 150.
#[test]
fn the_tang_figure_is_the_2015_16_completers_still_serving_in_december_2022() {
    let s = small_baseline(&["simulation.replications=1", "region.counties=10"]);
    assert_eq!(s.simulation.start_year, 2010);
    assert_eq!(s.simulation.year_begins_month, 7);
    let t = zhagen::engine::simulate_replication(&s, 0);
    let p = s
        .pathway_of_kind(zhagen::population::PathwayKind::OrderOriented)
        .unwrap()
        .0 as usize;
    let years = t.years;
    let entrants = |c: usize| t.cohort_entrants[p * years + c] as u64;
    let exits_before = |c: usize, month: usize| -> u64 {
        (0..month)
            .map(|m| t.cohort_exits[t.cohort_exit_index(p, c, m)] as u64)
            .sum()
    };
    assert_eq!(t.cohort_contract_end[p * years + 5], 11.0);
    assert_eq!(t.cohort_contract_end[p * years + 6], 12.0);
    let completers = entrants(5) - exits_before(5, 132) + entrants(6) - exits_before(6, 144);
    let still = entrants(5) - exits_before(5, 150) + entrants(6) - exits_before(6, 150);
    assert!(completers > 20, "{completers} completers");
    let by_hand = still as f64 / completers as f64;
    let r = run_on(&s, 2);
    let tang = r
        .benchmarks
        .iter()
        .find(|b| b.benchmark.name == "rtme_post_contract_retention")
        .unwrap();
    assert_eq!(tang.simulated.mean, by_hand);
    // The 2017 graduates' contracts end in July 2023, after the survey: adding them to the
    // cohorts counts nobody more.
    let later = zhagen::benchmark::Metric::CohortRetention {
        pathway: zhagen::population::PathwayId(p as u8),
        cohorts: Some((2015, 2017)),
        from: zhagen::benchmark::CohortFrom::ContractEnd,
        at: zhagen::benchmark::CohortAt::Date {
            year: 2022,
            month: 12,
        },
    };
    let rep = zhagen::stats::rep_metrics(&s, &t);
    assert_eq!(rep.benchmarks[0], by_hand, "the first benchmark is Tang's");
    let survival_rows = t.years + 1;
    let observed = vec![true; s.pathways.len() * survival_rows];
    assert_eq!(
        zhagen::stats::metric_value(&s, &t, &rep.survival, &observed, &later),
        by_hand,
        "a cohort whose contract ends after the date is not a completer yet"
    );
}

/// The cohort counts add up to the survival histogram's: every RTME graduate is in one entry
/// cohort, and every exit of one (none retires within the run) is in its cohort's months.
#[test]
fn the_cohort_counts_add_up_to_the_retention_curve_counts() {
    let s = small_baseline(&["simulation.replications=1"]);
    let t = zhagen::engine::simulate_replication(&s, 0);
    let p = s
        .pathway_of_kind(zhagen::population::PathwayKind::OrderOriented)
        .unwrap()
        .0 as usize;
    let years = t.years;
    let cohort_entrants: u64 = (0..years)
        .map(|c| t.cohort_entrants[p * years + c] as u64)
        .sum();
    assert_eq!(cohort_entrants, t.entrants[p]);
    let bins = t.bins();
    let events: u64 = t.events[p * bins..(p + 1) * bins]
        .iter()
        .map(|&n| n as u64)
        .sum();
    let start = t.cohort_exit_index(p, 0, 0);
    let end = t.cohort_exit_index(p + 1, 0, 0);
    let cohort_exits: u64 = t.cohort_exits[start..end].iter().map(|&n| n as u64).sum();
    assert_eq!(cohort_exits, events);
}

fn value_of(s: &zhagen::scenario::Scenario, t: &zhagen::engine::tally::Tally, m: &Metric) -> f64 {
    let rep = zhagen::stats::rep_metrics(s, t);
    let observed = vec![true; rep.survival.len()];
    zhagen::stats::metric_value(s, t, &rep.survival, &observed, m)
}

use zhagen::benchmark::{Metric, Stage};
use zhagen::population::{PathwayId, PathwayKind};

/// A pipeline counted at a date, as a provincial report counts it. With 3 students enrolled per
/// county every July from 2010, none dropping out of the 5-year study or failing to report
/// after the 3-year residency and none leaving during it, by the end of July 2024 there have been 15 intakes (2010–2024),
/// 10 graduations (the 2010–2019 intakes, in 2015–2024) and 7 residency completions (the
/// 2015–2021 graduates, in 2018–2024): 10/15 finished of those enrolled, 7/10 reported of those
/// who finished. A month earlier, the July 2024 events are not in yet: 9/14 and 6/9.
#[test]
fn a_pipeline_share_counts_the_stages_reached_by_a_date() {
    let s = small_baseline(&[
        "simulation.replications=1",
        "pathways.order_oriented.intake_per_county=3",
        "pathways.order_oriented.study_dropout=0",
        "pathways.order_oriented.no_show=0",
        // Residents face the exit hazard too: none here, so every graduate reports.
        "pathways.order_oriented.base_exit_rate=0",
    ]);
    let t = zhagen::engine::simulate_replication(&s, 0);
    let p = PathwayId(s.pathway_of_kind(PathwayKind::OrderOriented).unwrap().0);
    let share = |stage, of, date| {
        value_of(
            &s,
            &t,
            &Metric::PipelineShare {
                pathway: p,
                stage,
                of,
                date,
            },
        )
    };
    assert_eq!(
        share(Stage::Graduated, Stage::Enrolled, (2024, 7)),
        10.0 / 15.0
    );
    assert_eq!(
        share(Stage::Reported, Stage::Graduated, (2024, 7)),
        7.0 / 10.0
    );
    assert_eq!(
        share(Stage::Graduated, Stage::Enrolled, (2024, 6)),
        9.0 / 14.0
    );
    assert_eq!(
        share(Stage::Reported, Stage::Graduated, (2024, 6)),
        6.0 / 9.0
    );
    // Before the first graduation nobody has finished; before the start, nothing is defined.
    assert_eq!(share(Stage::Graduated, Stage::Enrolled, (2015, 6)), 0.0);
    assert!(share(Stage::Graduated, Stage::Enrolled, (2010, 6)).is_nan());
    // The yearly counts add up to the run's totals that the report rate uses.
    let years = t.years;
    let all = t.pipeline_through(p.0 as usize, years);
    assert_eq!(all.enrolled, 3 * 3 * years as u64);
    let by_year: u64 = (0..years)
        .map(|y| t.pipeline[p.0 as usize * years + y].reported)
        .sum();
    assert_eq!(by_year, all.reported);
}

/// Headcount ratios and exit rates by calendar period, computed by hand from the raw tallies:
/// the census headcount is the age table's row total; yearly exits add up to the exits table.
#[test]
fn headcounts_and_exit_rates_by_period_match_the_raw_tallies() {
    let s = small_baseline(&["simulation.replications=1"]);
    let t = zhagen::engine::simulate_replication(&s, 0);
    let vd = s.pathway_of_kind(PathwayKind::VillageDoctor).unwrap().0 as usize;
    let years = t.years;
    let heads = |y: usize| -> u64 {
        let i = t.age_index(vd, y, 0.0);
        t.ages[i..i + zhagen::engine::tally::AGE_BINS]
            .iter()
            .map(|&n| n as u64)
            .sum()
    };
    let ratio = value_of(
        &s,
        &t,
        &Metric::HeadcountRatio {
            pathway: PathwayId(vd as u8),
            calendar_year: 2022,
            relative_to: 2011,
        },
    );
    assert_eq!(ratio, heads(12) as f64 / heads(1) as f64);
    assert!(
        ratio < 1.0,
        "village doctors decline in the baseline: {ratio}"
    );

    let reasons = zhagen::engine::tally::REASONS;
    let exits_in = |y: usize, r: usize| t.exits_by_year[t.exit_year_index(vd, y, r)] as u64;
    let retired: u64 = (11..=12)
        .map(|y| exits_in(y, zhagen::engine::tally::RETIRED))
        .sum();
    let rate = value_of(
        &s,
        &t,
        &Metric::ExitRate {
            pathway: PathwayId(vd as u8),
            years: Some((2021, 2022)),
            retirement_only: true,
        },
    );
    assert_eq!(rate, retired as f64 / (heads(11) + heads(12)) as f64);
    // Every exit of the run is in one year: the yearly table adds up to the exits table.
    for p in 0..s.pathways.len() {
        let yearly: u64 = (0..years)
            .flat_map(|y| (0..reasons).map(move |r| (y, r)))
            .map(|(y, r)| t.exits_by_year[t.exit_year_index(p, y, r)] as u64)
            .sum();
        let total: u64 = t.exits[p * 3 * reasons..(p + 1) * 3 * reasons].iter().sum();
        assert_eq!(yearly, total, "pathway {p}");
    }
    // The outflow over the whole run is the outflow over every year named.
    let last = s.simulation.start_year + years as i32 - 1;
    let whole = value_of(&s, &t, &Metric::AnnualOutflow { years: None });
    let named = value_of(
        &s,
        &t,
        &Metric::AnnualOutflow {
            years: Some((s.simulation.start_year, last)),
        },
    );
    assert_eq!(whole, named);
    assert!(
        value_of(
            &s,
            &t,
            &Metric::AnnualOutflow {
                years: Some((2005, 2012))
            }
        )
        .is_nan()
    );
}

/// The restricted mean stay by hand: of a cohort's members still serving at their contract end
/// (month `b` of the run), the months' ends within the horizon at which each is still serving,
/// over twelve.
fn mean_stay_by_hand(
    t: &zhagen::engine::tally::Tally,
    p: usize,
    cohorts: std::ops::RangeInclusive<usize>,
    months: usize,
) -> f64 {
    let years = t.years;
    let (mut base, mut served) = (0u64, 0u64);
    for c in cohorts {
        let b = (t.cohort_contract_end[p * years + c] as f64 * 12.0).round() as usize;
        assert!(b + months <= years * 12);
        base += t.cohort_serving(p, c, b);
        for m in 1..=months {
            served += t.cohort_serving(p, c, b + m);
        }
    }
    served as f64 / base as f64 / 12.0
}

/// An effect target is the metric under its counterfactual against the scenario, on the same
/// replication: here the baseline's pay effect (+5,558 yuan a year of 2010 base pay) on the mean
/// stay in the 10 years after the contract of the 2015–19 graduates, computed by hand from the
/// two runs' cohort counts, as a relative change.
#[test]
fn an_effect_target_is_the_counterfactual_against_the_scenario_on_the_same_random_numbers() {
    let s = small_baseline(&["simulation.replications=2"]);
    let i = s
        .benchmarks
        .iter()
        .position(|b| b.name == "rtme_pay_effect_on_stay")
        .expect("the baseline has the pay-effect target");
    let b = &s.benchmarks[i];
    let c = b.counterfactual.as_ref().expect("an effect target");
    assert!(c.relative);
    let (j, cf) = &s.counterfactuals[0];
    assert_eq!(*j, i);
    assert_eq!(cf.simulation, s.simulation, "the same seed and calendar");
    let mut set: Vec<String> = vec![
        "region.counties=3".into(),
        "simulation.replications=2".into(),
    ];
    set.extend(c.overrides.iter().cloned());
    let by_overrides = zhagen::scenario::Scenario::load(&baseline_path(), &set).unwrap();
    assert_eq!(
        cf.hash, by_overrides.hash,
        "the counterfactual is the scenario plus its overrides"
    );
    assert!(cf.policy.salary.base != s.policy.salary.base);

    let p = s.pathway_of_kind(PathwayKind::OrderOriented).unwrap().0 as usize;
    let r = run_on(&s, 2);
    for rep in 0..2 {
        let t = zhagen::engine::simulate_replication(&s, rep);
        let ct = zhagen::engine::simulate_replication(cf, rep);
        let (base, with) = (
            mean_stay_by_hand(&t, p, 5..=9, 120),
            mean_stay_by_hand(&ct, p, 5..=9, 120),
        );
        assert!(base > 0.5 && with > base, "{base} → {with}");
        let by_hand = (with - base) / base;
        let got = r.reps[rep as usize].benchmarks[i];
        assert!(
            (got - by_hand).abs() < 1e-12,
            "rep {rep}: {got} vs {by_hand}"
        );
    }
    // A level is never read as an effect: without the counterfactual's tally it is undefined.
    let t = zhagen::engine::simulate_replication(&s, 0);
    assert!(zhagen::stats::rep_metrics(&s, &t).benchmarks[i].is_nan());
}
