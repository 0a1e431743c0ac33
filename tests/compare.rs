//! `zhagen compare`: scenarios run with common random numbers, differences with paired
//! intervals.

mod common;

use assert_cmd::Command;
use common::*;
use std::path::{Path, PathBuf};
use zhagen::compare::compare;
use zhagen::headline::headlines;
use zhagen::scenario::Scenario;

fn scenario(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(file)
}

#[test]
fn the_paired_difference_is_narrower_than_the_unpaired_one_on_the_same_runs() {
    let o: Vec<String> = ["region.counties=3", "simulation.replications=10"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let a = Scenario::load(&scenario("baseline.toml"), &o).unwrap();
    let b = Scenario::load(&scenario("salary-uplift.toml"), &o).unwrap();
    let (ra, rb) = (run_on(&a, 2), run_on(&b, 2));
    let metrics = compare(&[headlines(&a, &ra), headlines(&b, &rb)]);
    let mut narrower = 0;
    for key in [
        "outflow",
        "vacancy.mean",
        "retention.open_recruit.y5",
        "retention.incumbent.y10",
        "cost_per_worker_year",
    ] {
        let m = metrics.iter().find(|m| m.key == key).expect(key);
        let d = m.diffs[1].expect("difference");
        let paired = d.paired.high - d.paired.low;
        let unpaired = d.unpaired_high - d.unpaired_low;
        assert!(
            paired < unpaired,
            "{key}: paired width {paired} should be below unpaired {unpaired}"
        );
        if paired * 2.0 < unpaired {
            narrower += 1;
        }
    }
    // Common random numbers do not just help a little.
    assert!(narrower >= 4, "paired intervals at least twice as narrow");
}

fn compare_cmd(out: &Path, threads: &str) {
    Command::cargo_bin("zhagen")
        .unwrap()
        .args([
            "compare",
            scenario("baseline.toml").to_str().unwrap(),
            scenario("longer-contract.toml").to_str().unwrap(),
            scenario("title-quota.toml").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--replications",
            "6",
            "--threads",
            threads,
            "--set",
            "region.counties=3",
        ])
        .assert()
        .success()
        .stdout(predicates::str::contains("retention.order_oriented.y7"));
}

#[test]
fn compare_writes_differences_provenance_and_every_run_identically_at_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    compare_cmd(&one, "1");
    compare_cmd(&two, "2");
    let csv = std::fs::read_to_string(one.join("comparison.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.starts_with("scenario,metric,unit,value,ci_low,ci_high,replications,diff_vs_first,diff_ci_low,diff_ci_high"));
    // The longer contract keeps more RTME graduates at year 7, and the paired CI says so.
    let row = csv
        .lines()
        .find(|l| l.starts_with("longer-contract,retention.order_oriented.y7,"))
        .expect("row for the lever");
    let cells: Vec<&str> = row.split(',').collect();
    let (diff, low): (f64, f64) = (cells[7].parse().unwrap(), cells[8].parse().unwrap());
    assert!(diff > 0.2 && low > 0.0, "{row}");
    // The reference has values but no differences.
    let base = csv
        .lines()
        .find(|l| l.starts_with("baseline,outflow,"))
        .unwrap();
    assert_eq!(base.split(',').nth(7), Some(""));
    for f in [
        "comparison.csv",
        "scenarios/baseline.toml",
        "scenarios/title-quota.toml",
        "runs/longer-contract/retention.csv",
        "runs/title-quota/costs.csv",
        "retention-compare.svg",
        "retention-compare.png",
    ] {
        let a = std::fs::read(one.join(f)).unwrap_or_else(|_| panic!("{f} written"));
        let b = std::fs::read(two.join(f)).unwrap();
        assert!(a == b, "{f} differs between 1 and 2 threads");
    }
    let prov: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(one.join("provenance.json")).unwrap())
            .unwrap();
    assert_eq!(prov["reference"], "baseline");
    assert_eq!(prov["replications"], 6);
    assert!(prov.get("git_commit").is_some());
    let scen = prov["scenarios"].as_array().unwrap();
    assert_eq!(scen.len(), 3);
    for s in scen {
        assert_eq!(
            s["seed"], prov["seed"],
            "one seed for all: common random numbers"
        );
        assert_eq!(s["sha256"].as_str().unwrap().len(), 64);
    }
}

#[test]
fn each_run_of_a_comparison_reports_its_own_throughput() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c");
    let start = std::time::Instant::now();
    compare_cmd(&out, "2");
    let whole = start.elapsed().as_secs_f64();
    let mut walls = 0.0;
    for name in ["baseline", "longer-contract", "title-quota"] {
        let path = out.join("runs").join(name).join("summary.json");
        let j: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let t = &j["timing"];
        let (wall, rate) = (
            t["wall_seconds"].as_f64().unwrap(),
            t["worker_years_per_second"].as_f64().unwrap(),
        );
        let wy = j["simulated_worker_years"].as_f64().unwrap();
        assert!(wall > 0.0, "{name}: {t}");
        assert!(
            (rate * wall - wy).abs() <= 1e-6 * wy,
            "{name}: rate × time is the run's worker-years"
        );
        walls += wall;
    }
    // Three runs timed one after another fit inside the command that ran them; had each been
    // given the whole comparison's time, they would add up to three times it.
    assert!(walls < whole, "runs {walls} s, whole compare {whole} s");
}

#[test]
fn scenarios_of_different_lengths_are_not_compared() {
    let dir = tempfile::tempdir().unwrap();
    let short = write(
        dir.path(),
        "short.toml",
        &format!(
            "base = {:?}\n[simulation]\nyears = 10\n",
            baseline_path().display().to_string()
        ),
    );
    Command::cargo_bin("zhagen")
        .unwrap()
        .args([
            "compare",
            baseline_path().to_str().unwrap(),
            short.to_str().unwrap(),
        ])
        .args(["--out", dir.path().join("o").to_str().unwrap()])
        .assert()
        .failure()
        .stderr(predicates::str::contains("same years"));
    assert!(!dir.path().join("o").exists());
}

/// Rows of a CSV file as maps from column to cell.
fn csv_rows(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let head = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            head.iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// A headline value from a run folder's `headline.csv`.
fn headline(dir: &Path, key: &str) -> f64 {
    csv_rows(&dir.join("headline.csv"))
        .into_iter()
        .find(|r| r["metric"] == key)
        .unwrap_or_else(|| panic!("{key} in {}", dir.display()))["value"]
        .parse()
        .unwrap()
}

#[test]
fn the_decision_table_ranks_options_by_the_cost_of_an_extra_worker_year_as_a_hand_computation_does()
{
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    Command::cargo_bin("zhagen")
        .unwrap()
        .args([
            "compare",
            scenario("baseline.toml").to_str().unwrap(),
            scenario("salary-uplift.toml").to_str().unwrap(),
            scenario("medical-community.toml").to_str().unwrap(),
            scenario("recruitment-ratio.toml").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--replications",
            "8",
            "--set",
            "region.counties=3",
            "--pairs",
            "--xlsx",
        ])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "value for money against `baseline`",
        ));
    // By hand, from each run's own folder: Δcost / Δworker-years of the means.
    let runs = out.join("runs");
    let (c0, e0) = (
        headline(&runs.join("baseline"), "cost_total"),
        headline(&runs.join("baseline"), "worker_years_discounted"),
    );
    let rows = csv_rows(&out.join("decision.csv"));
    assert_eq!(rows.len(), 3);
    let mut by_hand = Vec::new();
    for r in &rows {
        let d = runs.join(&r["scenario"]);
        let dc = headline(&d, "cost_total") - c0;
        let de = headline(&d, "worker_years_discounted") - e0;
        let icer: f64 = r["icer"].parse().unwrap();
        assert!(
            ((icer - dc / de) / icer).abs() < 1e-4,
            "{}: decision.csv {icer} vs hand {}",
            r["scenario"],
            dc / de
        );
        // Every option here buys more service at a cost, so a bounded interval holds the ratio.
        assert_eq!(r["quadrant"], "more_effect_more_cost", "{r:?}");
        assert_eq!(r["icer_interval"], "bounded");
        let (lo, hi): (f64, f64) = (
            r["icer_ci_low"].parse().unwrap(),
            r["icer_ci_high"].parse().unwrap(),
        );
        assert!(lo < icer && icer < hi, "{lo} < {icer} < {hi}");
        by_hand.push((dc / de, r["scenario"].clone()));
    }
    // The file lists the options cheapest extra worker-year first, ranks 1, 2, 3.
    let mut sorted = by_hand.clone();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert_eq!(sorted, by_hand, "rows in value-for-money order");
    let ranks: Vec<&str> = rows
        .iter()
        .map(|r| r["rank_cost_effectiveness"].as_str())
        .collect();
    assert_eq!(ranks, ["1", "2", "3"]);
    // Every number column parses as a number (or is empty).
    for r in &rows {
        for k in [
            "delta_cost",
            "delta_worker_years",
            "delta_village_years",
            "icer",
        ] {
            r[k].parse::<f64>()
                .unwrap_or_else(|_| panic!("{k} = {:?}", r[k]));
        }
    }
    // The present value summed over costs.csv's years is the run's cost_total.
    let years = csv_rows(&runs.join("baseline").join("costs.csv"));
    let pv: f64 = years
        .iter()
        .map(|r| r["total_present_value_yuan"].parse::<f64>().unwrap())
        .sum();
    assert!(((pv - c0) / c0).abs() < 1e-6, "{pv} vs {c0}");
    assert!(
        years.iter().all(|r| r["year"].parse::<i32>().is_ok()),
        "no text row in year"
    );
    // --pairs: every two scenarios, b − a, including options against each other.
    let pairs = csv_rows(&out.join("pairs.csv"));
    let p = pairs
        .iter()
        .find(|r| {
            r["scenario_a"] == "salary-uplift"
                && r["scenario_b"] == "medical-community"
                && r["metric"] == "cost_total"
        })
        .expect("a pair of two options");
    let d: f64 = p["diff_b_minus_a"].parse().unwrap();
    let hand = headline(&runs.join("medical-community"), "cost_total")
        - headline(&runs.join("salary-uplift"), "cost_total");
    assert!(((d - hand) / hand).abs() < 1e-6, "{d} vs {hand}");
    assert!(out.join("cost-effectiveness.svg").is_file());
    // --xlsx: the comparison's own tables as sheets.
    use calamine::{Reader, Xlsx, open_workbook};
    let wb: Xlsx<_> = open_workbook(out.join("tables.xlsx")).expect("an xlsx file");
    assert_eq!(wb.sheet_names(), ["decision", "comparison", "pairs"]);
}

#[test]
fn an_unknown_outcome_is_refused_before_anything_runs_with_the_likely_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    Command::cargo_bin("zhagen")
        .unwrap()
        .args([
            "compare",
            scenario("baseline.toml").to_str().unwrap(),
            scenario("salary-uplift.toml").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--outcome",
            "worker_year",
        ])
        .assert()
        .failure()
        .stderr(predicates::str::contains("unknown outcome `worker_year`"))
        .stderr(predicates::str::contains("did you mean `worker_years`"));
    assert!(!out.exists(), "nothing written");
}

#[test]
fn scenarios_valued_differently_are_not_compared() {
    let dir = tempfile::tempdir().unwrap();
    let odd = write(
        dir.path(),
        "odd.toml",
        &format!(
            "base = {:?}\n[economics]\ndiscount_rate = 0.05\n",
            scenario("salary-uplift.toml").display().to_string()
        ),
    );
    Command::cargo_bin("zhagen")
        .unwrap()
        .args([
            "compare",
            scenario("baseline.toml").to_str().unwrap(),
            odd.to_str().unwrap(),
            "--out",
            dir.path().join("y").to_str().unwrap(),
        ])
        .assert()
        .failure()
        .stderr(predicates::str::contains("must share [economics]"));
}

/// The difference chart draws each scenario's paired difference from the reference: a point of
/// it is the comparison's paired difference of the same metric, and a scenario identical to the
/// reference draws zero everywhere, on a small axis, and says so.
#[test]
fn the_difference_chart_draws_the_paired_differences_the_comparison_reports() {
    let base = small_baseline(&[]);
    let uplift = Scenario::load(
        &scenario("salary-uplift.toml"),
        &[
            "region.counties=3".into(),
            "simulation.replications=8".into(),
        ],
    )
    .unwrap();
    let same = small_baseline(&["name=baseline-again"]);
    let scenarios = vec![base, uplift, same];
    let results: Vec<_> = scenarios.iter().map(|s| run_on(s, 2)).collect();
    let panels = zhagen::output::differences::difference_panels(&scenarios, &results);
    let rtme = panels
        .panels
        .iter()
        .find(|p| p.title.starts_with("RTME graduates"))
        .expect("an RTME panel");
    let heads: Vec<_> = scenarios
        .iter()
        .zip(&results)
        .map(|(s, r)| headlines(s, r))
        .collect();
    let metrics = compare(&heads);
    let y7 = metrics
        .iter()
        .find(|m| m.key == "retention.order_oriented.y7")
        .unwrap();
    let reported = y7.diffs[1].unwrap().paired;
    let drawn = rtme.series[0].points.iter().find(|p| p.0 == 7.0).unwrap();
    assert!(
        (drawn.1 - reported.mean).abs() < 1e-12,
        "{drawn:?} vs {reported:?}"
    );
    assert!((drawn.2 - reported.low).abs() < 1e-12 && (drawn.3 - reported.high).abs() < 1e-12);
    assert!(
        reported.low > 0.0,
        "the uplift keeps more RTME graduates: {reported:?}"
    );
    // The copy of the reference: zero everywhere.
    assert!(
        rtme.series[1]
            .points
            .iter()
            .all(|p| p.1 == 0.0 && p.2 == 0.0 && p.3 == 0.0)
    );
    let svg = zhagen::output::plot::Chart::svg(&panels).unwrap();
    assert!(
        svg.contains(" pp\n"),
        "differences are written in percentage points"
    );
}
