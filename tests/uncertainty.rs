//! Parameter uncertainty (`[[uncertainty.parameter]]`, `--uncertainty`, `--parameters`): one
//! parameter set per replication, the same sets for every scenario of a comparison.

mod common;

use assert_cmd::Command;
use common::*;
use std::path::Path;

const SMALL: [&str; 6] = [
    "--set",
    "region.counties=3",
    "--replications",
    "8",
    "--quiet",
    "--force",
];

fn zhagen() -> Command {
    Command::cargo_bin("zhagen").unwrap()
}

/// `column` of `file`'s rows, keyed by their first cell.
fn column(file: &Path, column: &str) -> Vec<(String, String)> {
    let mut r = csv::Reader::from_path(file).unwrap();
    let j = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap();
    r.records()
        .map(|row| {
            let row = row.unwrap();
            (row[0].to_string(), row[j].to_string())
        })
        .collect()
}

#[test]
fn identical_scenarios_under_parameter_sets_differ_by_exactly_zero() {
    let dir = tempfile::tempdir().unwrap();
    let base = baseline_path();
    let out = dir.path().join("cmp");
    zhagen()
        .arg("compare")
        .args([&base, &base])
        .arg("--uncertainty")
        .args(SMALL)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let diffs = column(&out.join("comparison.csv"), "diff_vs_first");
    let second: Vec<_> = diffs.iter().filter(|(s, _)| s != "baseline").collect();
    assert!(second.len() > 40, "{} metrics", second.len());
    for (_, d) in second {
        assert!(d.is_empty() || d.parse::<f64>().unwrap() == 0.0, "{d}");
    }
    // The sets did vary something: the spread of a retention figure is not a point.
    let lows = column(&out.join("runs/baseline/headline.csv"), "ci_low");
    let highs = column(&out.join("runs/baseline/headline.csv"), "ci_high");
    let at = |v: &[(String, String)]| -> f64 {
        v.iter()
            .find(|(k, _)| k == "retention.order_oriented.y10")
            .unwrap()
            .1
            .parse()
            .unwrap()
    };
    assert!(at(&highs) - at(&lows) > 0.01);
}

#[test]
fn runs_over_parameter_sets_are_the_same_bytes_at_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut texts = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(threads);
        zhagen()
            .arg("run")
            .arg(baseline_path())
            .args(["--uncertainty", "--threads", threads])
            .args(SMALL)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        texts.push((
            std::fs::read(out.join("headline.csv")).unwrap(),
            std::fs::read(out.join("retention.csv")).unwrap(),
        ));
    }
    assert!(
        texts[0] == texts[1],
        "headline.csv and retention.csv differ between 1 and 2 threads"
    );
}

#[test]
fn a_sets_file_holding_the_scenarios_own_values_reproduces_the_fixed_run() {
    let dir = tempfile::tempdir().unwrap();
    // Two sets (reused in turn over 8 replications), both the baseline's own values.
    let sets = write(
        dir.path(),
        "sets.csv",
        "set,behaviour.remoteness_hr,pathways.order_oriented.base_exit_rate\n0,1.4,0.06\n1,1.4,0.06\n",
    );
    let (fixed, sampled) = (dir.path().join("fixed"), dir.path().join("sampled"));
    zhagen()
        .arg("run")
        .arg(baseline_path())
        .args(SMALL)
        .arg("--out")
        .arg(&fixed)
        .assert()
        .success();
    zhagen()
        .arg("run")
        .arg(baseline_path())
        .arg("--parameters")
        .arg(&sets)
        .args(SMALL)
        .arg("--out")
        .arg(&sampled)
        .assert()
        .success();
    assert_eq!(
        column(&fixed.join("headline.csv"), "value"),
        column(&sampled.join("headline.csv"), "value")
    );
    let summary = std::fs::read_to_string(sampled.join("summary.json")).unwrap();
    assert!(
        summary.contains("over parameter uncertainty and simulation noise"),
        "{summary}"
    );
    assert!(summary.contains("8 replications over 2 sets"), "{summary}");
    let fixed = std::fs::read_to_string(fixed.join("summary.json")).unwrap();
    assert!(fixed.contains("Monte Carlo precision only"), "{fixed}");
}

#[test]
fn bad_uncertainty_input_is_refused_with_its_place_and_what_is_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let base = baseline_path().display().to_string();
    let cases: [(&str, &str, &[&str]); 4] = [
        (
            "inverted.toml",
            "[[uncertainty.parameter]]\nkey = \"behaviour.remoteness_hr\"\ndist = \"uniform\"\nmin = 2.0\nmax = 1.0\nsource = \"x\"\n",
            &["uncertainty.parameter[0].max", "above `min`"],
        ),
        (
            "typo.toml",
            "[[uncertainty.parameter]]\nkey = \"behaviour.remoteness_hr\"\nrelative = 0.5\nsorce = \"x\"\n",
            &["sorce", "source"],
        ),
        (
            "stray.toml",
            "[[uncertainty.parameter]]\nkey = \"behaviour.remoteness_hr\"\ndist = \"uniform\"\nmin = 1.0\nmax = 2.0\nsd = 1.0\nsource = \"x\"\n",
            &[
                "uncertainty.parameter[0].sd",
                "a uniform prior takes min, max",
            ],
        ),
        (
            "shape.toml",
            "[[uncertainty.parameter]]\nkey = \"region.counties\"\nrelative = 0.5\nsource = \"x\"\n",
            &["region.*", "cannot vary by replication"],
        ),
    ];
    for (name, body, words) in cases {
        let s = write(dir.path(), name, &format!("base = {base:?}\n{body}"));
        let out = zhagen()
            .arg("run")
            .arg(&s)
            .arg("--uncertainty")
            .args(SMALL)
            .arg("--out")
            .arg(dir.path().join("o"))
            .assert()
            .failure();
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        for w in words {
            assert!(err.contains(w), "{name}: `{w}` not in: {err}");
        }
        assert!(!err.contains("panicked"), "{err}");
    }
    // A sets file with a bad cell: its file, line and column.
    let sets = write(
        dir.path(),
        "bad.csv",
        "set,behaviour.remoteness_hr\n0,1.2\n1,high\n",
    );
    let out = zhagen()
        .arg("run")
        .arg(baseline_path())
        .arg("--parameters")
        .arg(&sets)
        .args(SMALL)
        .arg("--out")
        .arg(dir.path().join("o"))
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("bad.csv:3: column `behaviour.remoteness_hr`: `high`"),
        "{err}"
    );
    // A compared scenario that sets a value the sets vary: its choice would be overwritten.
    let lever = write(
        dir.path(),
        "lever.toml",
        &format!("base = {base:?}\n[behaviour]\nremoteness_hr = 1.2\n"),
    );
    let out = zhagen()
        .arg("compare")
        .arg(baseline_path())
        .arg(&lever)
        .arg("--uncertainty")
        .args(SMALL)
        .arg("--out")
        .arg(dir.path().join("c"))
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("behaviour.remoteness_hr") && err.contains("overwrite"),
        "{err}"
    );
    assert!(!dir.path().join("c").exists(), "nothing written");
}

#[test]
fn a_comparison_over_parameter_sets_reports_both_intervals_and_one_without_sets_only_one() {
    let dir = tempfile::tempdir().unwrap();
    let raise = baseline_path().parent().unwrap().join("salary-uplift.toml");
    let over = dir.path().join("over");
    zhagen()
        .arg("compare")
        .arg(baseline_path())
        .arg(&raise)
        .arg("--uncertainty")
        .args(SMALL)
        .arg("--out")
        .arg(&over)
        .assert()
        .success();
    let file = over.join("comparison.csv");
    let cell = |col: &str| -> f64 {
        column(&file, col)
            .into_iter()
            .zip(column(&file, "metric"))
            .find(|((s, _), (_, m))| s != "baseline" && m == "retention.order_oriented.y10")
            .map(|((_, v), _)| v.parse().unwrap())
            .unwrap()
    };
    let wide = cell("diff_ci_high") - cell("diff_ci_low");
    let narrow = cell("fixed_diff_ci_high") - cell("fixed_diff_ci_low");
    // Fixing the parameters removes their share of the spread: the Monte-Carlo-only interval
    // of the same difference is narrower, and both are real intervals.
    assert!(
        narrow > 0.0 && wide > narrow,
        "over sets {wide}, fixed {narrow}"
    );
    // Value for money over the sets: the ICER's interval from the acceptability curve, whose
    // share of sets worth the cost never falls as the willingness to pay rises (every
    // replication gains service here) and runs from none to all.
    let decision = std::fs::read_to_string(over.join("decision.csv")).unwrap();
    assert!(decision.contains("acceptability curve"), "{decision}");
    let shares: Vec<f64> = column(&over.join("acceptability.csv"), "share_cost_effective")
        .into_iter()
        .map(|(_, v)| v.parse().unwrap())
        .collect();
    assert!(shares.len() > 50);
    assert!(shares.windows(2).all(|w| w[1] >= w[0]), "{shares:?}");
    assert_eq!((shares[0], *shares.last().unwrap()), (0.0, 1.0));
    let report = std::fs::read_to_string(over.join("report.html")).unwrap();
    assert!(report.contains("Acceptability curves"));
    assert!(report.contains("Monte Carlo precision only"));
    assert!(report.contains("over parameters and chance"));

    // Without parameter sets there is one interval, and the file says nothing of a second.
    let plain = dir.path().join("plain");
    zhagen()
        .arg("compare")
        .arg(baseline_path())
        .arg(&raise)
        .args(SMALL)
        .arg("--out")
        .arg(&plain)
        .assert()
        .success();
    let header = std::fs::read_to_string(plain.join("comparison.csv")).unwrap();
    assert!(!header.lines().next().unwrap().contains("fixed_"));
    assert!(!plain.join("acceptability.csv").exists());
    let decision = std::fs::read_to_string(plain.join("decision.csv")).unwrap();
    assert!(decision.contains("Fieller"));
}

#[test]
fn a_sweep_over_parameter_sets_runs_every_point_with_the_same_sets_as_a_run() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "s.toml",
        &format!(
            "base = {:?}\ndesign = \"grid\"\nreplications = 8\n\
             [[axis]]\nkey = \"policy.salary.remote_allowance\"\nvalues = [0, 24000]\n",
            baseline_path().display().to_string()
        ),
    );
    let sweep = |extra: &[&str], out: &Path| {
        zhagen()
            .arg("sweep")
            .arg(&file)
            .args(["--set", "region.counties=3", "--quiet", "--out"])
            .arg(out)
            .args(extra)
            .assert()
    };
    let over = dir.path().join("over");
    sweep(&["--uncertainty"], &over).success();
    let manifest = std::fs::read_to_string(over.join("sweep.json")).unwrap();
    assert!(
        manifest.contains("over parameter uncertainty and simulation noise"),
        "{manifest}"
    );
    // Point 0 is the base scenario itself (no allowance): over the same sets at the same seed
    // it is exactly `run --uncertainty`, interval included (the central 95% of replications).
    let run = dir.path().join("run");
    zhagen()
        .arg("run")
        .arg(baseline_path())
        .arg("--uncertainty")
        .args(SMALL)
        .arg("--out")
        .arg(&run)
        .assert()
        .success();
    let key = "retention.order_oriented.y10";
    let in_run = |col: &str| -> f64 {
        column(&run.join("headline.csv"), col)
            .into_iter()
            .find(|(k, _)| k == key)
            .unwrap()
            .1
            .parse()
            .unwrap()
    };
    let point = |col: &str| -> f64 { column(&over.join("results.csv"), col)[0].1.parse().unwrap() };
    for (a, b) in [
        ("value", key.to_string()),
        ("ci_low", format!("{key}_ci_low")),
        ("ci_high", format!("{key}_ci_high")),
    ] {
        assert!(
            (in_run(a) - point(&b)).abs() < 1e-6,
            "{a}: run {} vs sweep {}",
            in_run(a),
            point(&b)
        );
    }
    // The same sweep without sets is another sweep: its folder is not resumed as this one.
    let err = sweep(&[], &over).failure();
    let err = String::from_utf8_lossy(&err.get_output().stderr).to_string();
    assert!(err.contains("holds another sweep"), "{err}");

    // An axis the sets vary would be overwritten by each replication's set: refused.
    let clash = write(
        dir.path(),
        "clash.toml",
        &format!(
            "base = {:?}\ndesign = \"grid\"\nreplications = 8\n\
             [[axis]]\nkey = \"behaviour.remoteness_hr\"\nvalues = [1.0, 1.5]\n",
            baseline_path().display().to_string()
        ),
    );
    let out = zhagen()
        .arg("sweep")
        .arg(&clash)
        .args(["--uncertainty", "--quiet", "--out"])
        .arg(dir.path().join("clash"))
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("clash.toml")
            && err.contains("behaviour.remoteness_hr")
            && err.contains("overwrite"),
        "{err}"
    );
    assert!(!dir.path().join("clash").exists(), "nothing written");
}
