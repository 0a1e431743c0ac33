//! Output folders never lose or hide a user's files: zhagen replaces only what it can show it
//! made (its `made-by.json` lists every file), replaces results made by other settings only
//! with `--force`, never replaces a file or a link, writes every command's folder all or
//! nothing, two processes writing one folder at once leave one whole result, a scenario's
//! name cannot place its folder outside `out/`, and an absurd `--threads` is refused.

mod common;

use assert_cmd::Command;
use common::{baseline_path, write};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn zhagen() -> Command {
    Command::cargo_bin("zhagen").unwrap()
}

/// Every file under `dir` (links not followed) and its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            let t = e.file_type().unwrap();
            if t.is_dir() {
                stack.push(p);
            } else if t.is_symlink() {
                let to = std::fs::read_link(&p).unwrap();
                out.insert(rel, to.to_string_lossy().as_bytes().to_vec());
            } else {
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// Assert that two snapshots are equal, naming the files that differ (not their bytes).
#[track_caller]
fn assert_same(now: &BTreeMap<String, Vec<u8>>, before: &BTreeMap<String, Vec<u8>>, what: &str) {
    let differ: Vec<&String> = now
        .keys()
        .chain(before.keys())
        .filter(|k| now.get(*k) != before.get(*k))
        .collect();
    assert!(differ.is_empty(), "{what}: files changed: {differ:?}");
}

/// `zhagen run` of the baseline, small, into `out`, with `extra` arguments.
fn run(out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    zhagen()
        .args(["run", baseline_path().to_str().unwrap(), "--out"])
        .arg(out)
        .args(["--set", "region.counties=2", "--quiet"])
        .args(extra)
        .assert()
}

/// Names in `dir` that start with a dot (staging or old folders left behind).
fn hidden(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect()
}

#[test]
fn an_output_path_that_is_a_file_is_refused_and_the_file_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let thesis = write(dir.path(), "thesis.txt", "three years of work\n");
    for force in [false, true] {
        let extra: &[&str] = if force { &["--force"] } else { &[] };
        run(&thesis, &[&["--replications", "2"], extra].concat())
            .failure()
            .stderr(predicates::str::contains("thesis.txt"))
            .stderr(predicates::str::contains("it is a file"));
        assert_eq!(
            std::fs::read_to_string(&thesis).unwrap(),
            "three years of work\n"
        );
        assert!(hidden(dir.path()).is_empty(), "{:?}", hidden(dir.path()));
    }
}

#[test]
fn a_note_saved_in_a_results_folder_is_never_deleted_by_a_rerun_even_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results");
    run(&out, &["--replications", "2"]).success();
    write(&out, "my-notes.txt", "the 2017 figures look low\n");
    let before = snapshot(&out);
    for extra in [&[][..], &["--force"][..]] {
        run(&out, &[&["--replications", "2"], extra].concat())
            .failure()
            .stderr(predicates::str::contains("`my-notes.txt`"))
            .stderr(predicates::str::contains("did not write"));
        assert_same(&snapshot(&out), &before, "unchanged");
    }
}

#[test]
fn results_made_with_other_settings_are_replaced_only_with_force_and_the_refusal_says_what_differs()
{
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results");
    run(&out, &["--replications", "3"]).success();
    // The same command and settings: replaced without a word.
    run(&out, &["--replications", "3"]).success();
    let before = snapshot(&out);
    // validate with another replication count: refused, saying both differences.
    zhagen()
        .args(["validate", baseline_path().to_str().unwrap(), "--out"])
        .arg(&out)
        .args([
            "--set",
            "region.counties=2",
            "--quiet",
            "--replications",
            "2",
        ])
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "made by `zhagen run`, this is `zhagen validate`",
        ))
        .stderr(predicates::str::contains("3 replications there, 2 now"))
        .stderr(predicates::str::contains("--force"));
    assert_same(&snapshot(&out), &before, "unchanged");
    // Another seed, another override: named too.
    run(&out, &["--replications", "3", "--seed", "99"])
        .failure()
        .stderr(predicates::str::contains("seed"));
    run(
        &out,
        &["--replications", "3", "--set", "region.funded_share=0.5"],
    )
    .failure()
    .stderr(predicates::str::contains(
        "--set region.funded_share=0.5 now",
    ));
    assert_same(&snapshot(&out), &before, "unchanged");
    zhagen()
        .args(["validate", baseline_path().to_str().unwrap(), "--out"])
        .arg(&out)
        .args([
            "--set",
            "region.counties=2",
            "--quiet",
            "--replications",
            "2",
        ])
        .arg("--force")
        .assert()
        .success();
    assert!(out.join("validation.csv").is_file());
}

/// `validate` draws every benchmark in percent as a forest plot beside `validation.csv`: one
/// row label per share benchmark, nothing NaN, and says so on the terminal.
#[test]
fn validate_writes_the_benchmark_chart_beside_its_table() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("validated");
    let assert = zhagen()
        .args(["validate", baseline_path().to_str().unwrap()])
        .args(["--replications", "2", "--set", "region.counties=2", "--out"])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(stdout.contains("validation.svg/png"), "{stdout}");
    let svg = std::fs::read_to_string(out.join("validation.svg")).unwrap();
    let png = std::fs::read(out.join("validation.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(!svg.contains("NaN"));
    let s = common::baseline_with(&["region.counties=2"]);
    let (shares, years): (Vec<_>, Vec<_>) = s.benchmarks.iter().partition(|b| b.in_percent());
    assert!(shares.len() > 5, "the baseline has share benchmarks");
    for b in shares {
        assert_eq!(
            svg.matches(&format!(">\n{}\n</text>", b.name)).count(),
            1,
            "one row label for {}",
            b.name
        );
    }
    for b in years {
        assert!(svg.contains(&b.name), "{} named in the note", b.name);
    }
}

#[test]
fn an_output_path_that_is_a_symbolic_link_is_refused_and_neither_link_nor_target_changes() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("elsewhere");
    run(&target, &["--replications", "2"]).success();
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let before = snapshot(&target);
    run(&link, &["--replications", "2", "--force"])
        .failure()
        .stderr(predicates::str::contains("symbolic link"));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_same(&snapshot(&target), &before, "unchanged");
}

#[test]
fn a_link_planted_inside_a_results_folder_is_never_followed_out_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results");
    run(&out, &["--replications", "2"]).success();
    let precious = dir.path().join("precious");
    std::fs::create_dir(&precious).unwrap();
    write(&precious, "data.csv", "1,2,3\n");
    std::os::unix::fs::symlink(&precious, out.join("runs")).unwrap();
    run(&out, &["--replications", "2", "--force"])
        .failure()
        .stderr(predicates::str::contains("`runs`"));
    assert_eq!(
        std::fs::read_to_string(precious.join("data.csv")).unwrap(),
        "1,2,3\n"
    );
    assert!(out.join("runs").is_symlink());
}

#[test]
fn a_calibration_that_fails_while_writing_leaves_the_previous_fit_whole() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(
        dir.path(),
        "fit.toml",
        &format!(
            "base = {:?}\n[region]\ncounties = 2\n[calibration]\nmax_evaluations = 3\nreplications = 2\n\
             [[calibration.free]]\nkey = \"behaviour.contract_end_hr\"\nmin = 2.0\nmax = 12.0\n",
            baseline_path()
        ),
    );
    let out = dir.path().join("fit");
    let calibrate = || {
        let mut c = zhagen();
        c.args(["calibrate", scenario.to_str().unwrap(), "--quiet", "--out"])
            .arg(&out);
        c
    };
    calibrate().assert().success();
    for f in [
        "fit.csv",
        "trace.csv",
        "identification.csv",
        "calibrated.toml",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let before = snapshot(&out);
    for after in [0, 1, 2, 3] {
        calibrate()
            .env("ZHAGEN_FAIL_AFTER_WRITES", after.to_string())
            .assert()
            .failure()
            .stderr(predicates::str::contains("injected failure"));
        assert_same(&snapshot(&out), &before, &format!("after {after} writes"));
        assert!(hidden(dir.path()).is_empty(), "{:?}", hidden(dir.path()));
    }
}

#[test]
fn two_processes_writing_one_folder_at_once_leave_one_whole_result() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results");
    let bin: PathBuf = assert_cmd::cargo::cargo_bin("zhagen");
    for round in 0..4 {
        let spawn = |reps: &str| {
            std::process::Command::new(&bin)
                .args(["run", baseline_path().to_str().unwrap(), "--out"])
                .arg(&out)
                .args(["--set", "region.counties=2", "--quiet", "--force"])
                .args(["--replications", reps])
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn("2"), spawn("3"));
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        assert!(a.status.success() || b.status.success(), "round {round}");
        // Whatever won, the folder is one run's files, exactly as its made-by.json lists them.
        let made: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("made-by.json")).unwrap())
                .unwrap();
        let listed: Vec<String> = made["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap().to_string())
            .collect();
        let mut found: Vec<String> = snapshot(&out).into_keys().collect();
        found.retain(|f| f != "made-by.json");
        found.sort();
        assert_eq!(found, listed, "round {round}");
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap())
                .unwrap();
        assert_eq!(
            summary["replications"].as_u64(),
            made["made"]["replications"].as_u64(),
            "round {round}: summary and made-by.json from one run"
        );
        assert!(hidden(dir.path()).is_empty(), "{:?}", hidden(dir.path()));
    }
}

#[test]
fn a_scenario_name_can_only_ever_write_under_out() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    for (name, folder) in [
        ("../../escaped", "______escaped"),
        ("/tmp/zhagen-absolute-name", "_tmp_zhagen-absolute-name"),
        ("baseline/variant", "baseline_variant"),
    ] {
        zhagen()
            .current_dir(&work)
            .args(["run", baseline_path().to_str().unwrap()])
            .args(["--set", &format!("name={name:?}")])
            .args([
                "--set",
                "region.counties=2",
                "--replications",
                "2",
                "--quiet",
            ])
            .assert()
            .success();
        assert!(
            work.join("out").join(folder).join("made-by.json").is_file(),
            "{name}"
        );
    }
    // Nothing beside `work/out`, and nothing outside `work`.
    let beside: Vec<_> = std::fs::read_dir(&work)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(beside, ["out"]);
    let outside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(outside, ["work"]);
    assert!(!Path::new("/tmp/zhagen-absolute-name").exists());
    let out: Vec<_> = std::fs::read_dir(work.join("out"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(out.len(), 3, "{out:?}");
}

#[test]
fn an_absurd_thread_count_is_refused_at_once() {
    zhagen()
        .args([
            "run",
            baseline_path().to_str().unwrap(),
            "--threads",
            "100000",
            "--quiet",
        ])
        .assert()
        .failure()
        .stderr(predicates::str::contains("--threads 100000"))
        .stderr(predicates::str::contains("at most"));
}
