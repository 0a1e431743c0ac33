//! The size check before a run: a run the estimate says would take longer than an hour (at the
//! assumed rate) is refused without `--allow-large`, saying how long in words; one just under
//! the limit is accepted.

mod common;

use assert_cmd::Command;
use common::baseline_path;
use zhagen::engine::{self, MAX_SECONDS};
use zhagen::scenario::Scenario;

/// The baseline with `counties` counties and `reps` replications.
fn baseline(counties: u64, reps: u32) -> Scenario {
    Scenario::load(
        &baseline_path(),
        &[
            format!("region.counties={counties}"),
            format!("simulation.replications={reps}"),
        ],
    )
    .unwrap()
}

/// Replications of a 1,000-county baseline whose estimate on one thread is `seconds`.
fn replications_for(seconds: f64) -> f64 {
    let one = engine::estimate(&baseline(1000, 1), 1).seconds(1);
    seconds / one
}

#[test]
fn a_run_estimated_just_over_the_time_limit_is_refused_and_one_just_under_is_accepted() {
    let under = baseline(1000, (replications_for(MAX_SECONDS) * 0.98).floor() as u32);
    let over = baseline(1000, (replications_for(MAX_SECONDS) * 1.02).ceil() as u32);
    let e = engine::estimate(&under, 1);
    assert!(
        e.seconds(1) < MAX_SECONDS && e.refusal(1).is_none(),
        "{e:?}"
    );
    let e = engine::estimate(&over, 1);
    assert!(e.seconds(1) > MAX_SECONDS, "{e:?}");
    let why = e.refusal(1).expect("refused");
    assert!(why.contains("min on 1 thread by the estimate"), "{why}");
}

#[test]
fn the_issue_s_eighty_minute_run_is_refused_at_once_with_its_time_in_words() {
    // counties = 100000 over the baseline at 100 replications ran for over 80 minutes on two
    // cores before it was stopped; now it is refused before anything is allocated.
    Command::cargo_bin("zhagen")
        .unwrap()
        .args([
            "run",
            baseline_path().to_str().unwrap(),
            "--threads",
            "2",
            "--quiet",
        ])
        .args(["--set", "region.counties=100000", "--replications", "100"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("by the estimate"))
        .stderr(predicates::str::contains(" h on 2 threads"))
        .stderr(predicates::str::contains("--allow-large"));
}

#[test]
fn a_run_of_over_a_minute_says_how_long_it_will_take_before_it_starts() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    // Allowed to run (it would take hours): the estimate is printed before the first county
    // is simulated, and the test stops the run once it has read it.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("zhagen"))
        .args(["run", baseline_path().to_str().unwrap(), "--threads", "1"])
        .args(["--set", "region.counties=100000", "--replications", "100"])
        .arg("--allow-large")
        .arg("--out")
        .arg(dir.path().join("out"))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(first.contains("h on 1 thread by the estimate"), "{first}");
}
