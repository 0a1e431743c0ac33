//! Every error says what its own layer knows and leaves its cause to `source()`: no message
//! repeats the message of the error it wraps, and the command prints the whole chain with each
//! message once.

mod common;

use assert_cmd::Command;
use common::{baseline_path, run_on, small_baseline, write};
use std::error::Error;
use zhagen::scenario::Scenario;

/// No error in the chain of `e` repeats the message of its cause.
fn assert_no_repeat(e: &(dyn Error + 'static)) {
    let mut links = 1;
    let mut current = e;
    while let Some(cause) = current.source() {
        let (outer, inner) = (current.to_string(), cause.to_string());
        assert!(
            !outer.contains(&inner),
            "`{outer}` repeats its cause `{inner}`"
        );
        current = cause;
        links += 1;
    }
    assert!(links > 1, "`{e}` was expected to have a cause");
}

/// `zhagen ARGS` fails, and its stderr holds `cause` exactly once.
fn prints_cause_once(args: &[&str], cause: &str) {
    let out = Command::cargo_bin("zhagen")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches(cause).count(), 1, "{stderr}");
}

#[test]
fn a_scenario_file_that_cannot_be_read_names_the_file_and_leaves_the_io_error_to_its_cause() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.toml");
    let e = Scenario::load(&missing, &[]).unwrap_err();
    assert!(e.to_string().contains("missing.toml"), "{e}");
    assert_no_repeat(&e);
    prints_cause_once(&["run", missing.to_str().unwrap()], "No such file");
}

#[test]
fn a_missing_base_file_is_located_in_the_file_that_names_it_and_its_cause_printed_once() {
    let dir = tempfile::tempdir().unwrap();
    let child = write(dir.path(), "child.toml", "base = \"nowhere.toml\"\n");
    let e = Scenario::load(&child, &[]).unwrap_err();
    assert!(e.to_string().contains("child.toml:1:"), "{e}");
    assert_no_repeat(&e);
    prints_cause_once(&["run", child.to_str().unwrap()], "No such file");
}

#[test]
fn an_output_folder_that_cannot_be_made_is_named_and_its_cause_printed_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "a-file", "not a folder\n");
    let s = small_baseline(&[]);
    let r = run_on(&s, 1);
    let timing = zhagen::output::Timing {
        wall_seconds: 0.0,
        estimated_seconds: 0.0,
        threads: 1,
    };
    let e = zhagen::output::write_all(&file.join("out"), &s, &r, timing).unwrap_err();
    assert_no_repeat(&e);
    let out = file.join("out");
    prints_cause_once(
        &[
            "run",
            baseline_path().to_str().unwrap(),
            "--replications",
            "1",
            "-q",
            "--out",
            out.to_str().unwrap(),
        ],
        "(os error",
    );
}

#[test]
fn a_sweep_point_that_is_not_a_valid_scenario_names_the_point_and_prints_the_reason_once() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = write(
        dir.path(),
        "sweep.toml",
        &format!(
            "base = {:?}\n[[axis]]\nkey = \"policy.salary.remote_allowance\"\nvalues = [0, -5]\n",
            baseline_path()
        ),
    );
    let out = Command::cargo_bin("zhagen")
        .unwrap()
        .args(["sweep", sweep.to_str().unwrap(), "-q", "--out"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("point"), "{stderr}");
    assert_eq!(stderr.matches("is not valid").count(), 1, "{stderr}");
}
