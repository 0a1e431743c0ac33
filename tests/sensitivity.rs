//! Global sensitivity analysis (`zhagen sensitivity`): the estimators recover indices known in
//! closed form, a policy difference is paired over chance and parameters, and a design run in
//! pieces — resumed, sharded, merged, on any number of threads — gives the same indices as one
//! uninterrupted run.

mod common;

use assert_cmd::Command;
use common::*;
use std::f64::consts::PI;
use std::path::{Path, PathBuf};
use zhagen::sensitivity::design::{MorrisDesign, SaltelliDesign};
use zhagen::sensitivity::indices::{morris, sobol};

fn zhagen() -> Command {
    Command::cargo_bin("zhagen").unwrap()
}

/// The Ishigami function, sin x₁ + a sin² x₂ + b x₃⁴ sin x₁, on xᵢ uniform over [−π, π].
fn ishigami(u: &[f64], a: f64, b: f64) -> f64 {
    let x: Vec<f64> = u.iter().map(|u| -PI + 2.0 * PI * u).collect();
    x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
}

#[test]
fn sobol_indices_of_the_ishigami_function_are_recovered_within_their_intervals() {
    let (a, b) = (7.0, 0.1);
    // Closed form (Ishigami & Homma 1990; Sobol' & Levitan 1999): the partial variances
    // V₁ = ½ (1 + b π⁴/5)², V₂ = a²/8, V₁₃ = 8 b² π⁸ / 225, V₃ = 0; V is their sum.
    let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
    let v2 = a * a / 8.0;
    let v13 = 8.0 * b * b * PI.powi(8) / 225.0;
    let v = v1 + v2 + v13;
    let s1 = [v1 / v, v2 / v, 0.0];
    let st = [(v1 + v13) / v, v2 / v, v13 / v];
    // The textbook figures (S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437).
    assert!((s1[0] - 0.3139).abs() < 1e-4 && (st[2] - 0.2437).abs() < 1e-4);

    let d = SaltelliDesign::new(3, 8192, 2026);
    let y: Vec<f64> = d.points.iter().map(|u| ishigami(u, a, b)).collect();
    let ix = sobol(&d, &y, 500, 7);
    assert_eq!(ix.used, 8192);
    assert!(
        (ix.variance - v).abs() / v < 0.05,
        "V {} vs {v}",
        ix.variance
    );
    for i in 0..3 {
        for (what, e, truth) in [("S1", ix.s1[i], s1[i]), ("ST", ix.st[i], st[i])] {
            eprintln!(
                "{what}{} {:.4} (95% {:.4} to {:.4}), exact {truth:.4}",
                i + 1,
                e.value,
                e.low,
                e.high
            );
            assert!(
                e.low <= truth && truth <= e.high,
                "{what}{}: {e:?} misses {truth}",
                i + 1
            );
            // Intervals that say something: narrower than a tenth of the unit range.
            assert!(e.high - e.low < 0.1, "{what}{}: {e:?}", i + 1);
        }
    }
    // The ranking a user reads off: x₁ matters most in total, x₃ only through x₁.
    assert!(ix.st[0].value > ix.st[1].value && ix.st[1].value > ix.st[2].value);
    assert!(ix.s1[2].value.abs() < 0.05);
}

#[test]
fn morris_effects_of_a_linear_function_are_its_coefficients_with_no_spread() {
    let c = [3.0, -2.0, 0.0, 0.5];
    let d = MorrisDesign::new(4, 12, 4, 11);
    let y: Vec<f64> = d
        .points
        .iter()
        .map(|u| u.iter().zip(&c).map(|(u, c)| u * c).sum())
        .collect();
    let m = morris(&d, &y, 200, 3);
    assert_eq!(m.used, 12);
    for (i, c) in c.iter().enumerate() {
        assert!((m.mu[i].value - c).abs() < 1e-9, "μ {:?}", m.mu[i]);
        assert!((m.mu_star[i].value - c.abs()).abs() < 1e-9);
        assert!(m.sigma[i].value.abs() < 1e-9, "σ {:?}", m.sigma[i]);
        // Every trajectory gives the same effect, so every resample does too.
        assert!((m.mu[i].high - m.mu[i].low).abs() < 1e-9);
    }
    // An interaction shows as σ > 0 on the factors in it, and only on them.
    let y: Vec<f64> = d.points.iter().map(|u| u[0] * u[1] + u[3]).collect();
    let m = morris(&d, &y, 200, 3);
    assert!(m.sigma[0].value > 0.05 && m.sigma[1].value > 0.05);
    assert!(m.sigma[2].value.abs() < 1e-9 && m.sigma[3].value.abs() < 1e-9);
    assert!(m.mu_star[2].value.abs() < 1e-9);
}

/// A small baseline (2 counties) for the engine-level runs; its uncertain parameters are the
/// baseline's.
fn small(dir: &Path) -> PathBuf {
    write(
        dir,
        "small.toml",
        &format!(
            "base = {:?}\nname = \"small\"\n[region]\ncounties = 2\n",
            baseline_path().display().to_string()
        ),
    )
}

fn policy(dir: &Path, body: &str) -> PathBuf {
    write(
        dir,
        "policy.toml",
        &format!(
            "base = {:?}\nname = \"policy\"\n{body}",
            dir.join("small.toml").display().to_string()
        ),
    )
}

fn args(scenario: &Path, policy: &Path, out: &Path, method: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = [
        "sensitivity",
        scenario.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
        "--replications",
        "2",
        "--bootstrap",
        "100",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    a.extend(method.iter().map(|s| s.to_string()));
    a
}

const MORRIS: &[&str] = &["--method", "morris", "--trajectories", "3"];

/// The cells of a CSV row (quoted cells may hold commas).
fn cells(row: &str) -> Vec<String> {
    let (mut out, mut cell, mut quoted) = (Vec::new(), String::new(), false);
    for ch in row.chars() {
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cell)),
            c => cell.push(c),
        }
    }
    out.push(cell);
    out
}

fn indices(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("indices.csv")).unwrap()
}

#[test]
fn a_policy_identical_to_its_reference_differs_by_exactly_zero_at_every_point() {
    let dir = tempfile::tempdir().unwrap();
    let s = small(dir.path());
    // The same policy as the reference, under another name: every point runs both with the
    // same seed, replications and parameter values, so each difference is exactly 0.
    let p = policy(dir.path(), "");
    let out = dir.path().join("o");
    zhagen().args(args(&s, &p, &out, MORRIS)).assert().success();
    let text = indices(&out);
    let mut differences = 0;
    let mut levels_moved = false;
    for row in text.lines().skip(1) {
        let cells = cells(row);
        let (measured, index) = (cells[3].as_str(), cells[7].as_str());
        let value: f64 = cells[8].parse().unwrap();
        if measured == "difference" {
            differences += 1;
            assert_eq!(value, 0.0, "{row}");
        } else if index == "mu_star" && value > 0.0 {
            levels_moved = true;
        }
    }
    assert!(differences > 0, "no difference rows:\n{text}");
    // Not zero because nothing varies: the levels themselves respond to the parameters.
    assert!(levels_moved, "{text}");
}

#[test]
fn a_sensitivity_run_resumed_sharded_merged_or_on_one_thread_gives_the_same_indices() {
    let dir = tempfile::tempdir().unwrap();
    let s = small(dir.path());
    let p = policy(dir.path(), "[policy.salary]\nperformance_uplift = 0.2\n");
    for method in [MORRIS, &["--method", "sobol", "--samples", "4"][..]] {
        let tag = method[1];
        let whole = dir.path().join(format!("whole-{tag}"));
        zhagen()
            .args(args(&s, &p, &whole, method))
            .args(["--threads", "2"])
            .assert()
            .success();
        let expected = indices(&whole);
        assert!(expected.lines().count() > 10, "{expected}");
        for f in ["design.csv", "report.html", "sensitivity.json"] {
            assert!(whole.join(f).is_file(), "{f}");
        }

        // One thread.
        let one = dir.path().join(format!("one-{tag}"));
        zhagen()
            .args(args(&s, &p, &one, method))
            .args(["--threads", "1"])
            .assert()
            .success();
        assert_eq!(
            indices(&one),
            expected,
            "{tag}: thread count changed the indices"
        );

        // Resumed: points lost (as after an interruption) are run again, the others kept.
        let lost = [
            "scenario/points/point-000002.json",
            "policy/points/point-000005.json",
        ];
        for f in lost {
            std::fs::remove_file(whole.join(f)).unwrap();
        }
        std::fs::remove_file(whole.join("indices.csv")).unwrap();
        zhagen()
            .args(args(&s, &p, &whole, method))
            .assert()
            .success();
        assert_eq!(indices(&whole), expected, "{tag}: resumed");

        // Shards in their own folders, merged.
        let shards: Vec<PathBuf> = (1..=3)
            .map(|k| {
                let d = dir.path().join(format!("shard-{tag}-{k}"));
                zhagen()
                    .args(args(&s, &p, &d, method))
                    .args(["--shard", &format!("{k}/3")])
                    .assert()
                    .success();
                assert!(
                    !d.join("indices.csv").exists(),
                    "a shard alone has no indices"
                );
                d
            })
            .collect();
        let merged = dir.path().join(format!("merged-{tag}"));
        // Missing a shard: refused, nothing written.
        zhagen()
            .args(["merge", "--quiet", "--out", merged.to_str().unwrap()])
            .args(shards[..2].iter().map(|d| d.to_str().unwrap()))
            .assert()
            .failure()
            .stderr(predicates::str::contains("run the missing shards first"));
        assert!(!merged.join("indices.csv").exists());
        zhagen()
            .args(["merge", "--quiet", "--out", merged.to_str().unwrap()])
            .args(shards.iter().map(|d| d.to_str().unwrap()))
            .assert()
            .success();
        assert_eq!(indices(&merged), expected, "{tag}: merged shards");
    }
}

#[test]
fn a_sensitivity_folder_of_another_design_is_refused_not_mixed() {
    let dir = tempfile::tempdir().unwrap();
    let s = small(dir.path());
    let p = policy(dir.path(), "[policy.salary]\nperformance_uplift = 0.2\n");
    let out = dir.path().join("o");
    zhagen().args(args(&s, &p, &out, MORRIS)).assert().success();
    zhagen()
        .args(args(
            &s,
            &p,
            &out,
            &["--method", "morris", "--trajectories", "4"],
        ))
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "holds another sensitivity analysis",
        ));
}

#[test]
fn a_policy_that_sets_a_varied_parameter_itself_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = small(dir.path());
    let p = policy(dir.path(), "[behaviour]\npreference_sd = 0.3\n");
    zhagen()
        .args(args(&s, &p, &dir.path().join("o"), MORRIS))
        .assert()
        .failure()
        .stderr(predicates::str::contains("preference_sd"));
    // An output that is not a headline metric is named, with the likely one.
    zhagen()
        .args(args(&s, &s, &dir.path().join("o2"), MORRIS))
        .args(["--output", "worker_years_discountd"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("worker_years_discounted"));
}
