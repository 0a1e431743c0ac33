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
