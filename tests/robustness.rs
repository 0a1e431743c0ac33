//! Bad input never panics and never touches the output folder; a failed, killed or interrupted
//! run leaves the previous results whole; a closed pipe ends quietly.

mod common;

use assert_cmd::Command;
use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

fn zhagen() -> Command {
    Command::cargo_bin("zhagen").unwrap()
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("zhagen")
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_inputs")
}

/// Every file of a folder with its bytes (recursively), to show a folder was not touched.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    fn walk(root: &Path, d: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        if let Ok(entries) = std::fs::read_dir(d) {
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(root, &p, out);
                } else {
                    let rel = p.strip_prefix(root).unwrap().display().to_string();
                    out.insert(rel, std::fs::read(&p).unwrap());
                }
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// A folder holding a finished small run of `scenario`, as previous results.
fn previous_results(dir: &Path, scenario: &Path) -> PathBuf {
    let out = dir.join("results");
    zhagen()
        .args([
            "run",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .args([
            "--replications",
            "2",
            "--set",
            "region.counties=2",
            "--quiet",
        ])
        .assert()
        .success();
    out
}

/// Each file of tests/bad_inputs/ and what its error must say besides the file's name.
const CORPUS: &[(&str, &str)] = &[
    ("malformed.toml", "unclosed table"),
    ("wrong_type.toml", "simulation"),
    ("unknown_key.toml", "did you mean `obligation_years`?"),
    ("share_above_one.toml", "region.initial_fill"),
    ("nan.toml", "behaviour.contract_end_hr"),
    ("infinite.toml", "policy.salary.remote_allowance"),
    ("negative_money.toml", "policy.salary.remote_allowance"),
    ("negative_years.toml", "policy.contract.obligation_years"),
    ("empty.toml", "required key"),
    ("binary.toml", "not UTF-8"),
    ("missing_base.toml", "cannot be read"),
    ("cycle_a.toml", "cycle"),
    ("absurd_size.toml", "--allow-large"),
    ("huge_integer.toml", "whole number"),
    ("incomplete_distribution.toml", "region.posts_per_centre"),
    ("policy_year_outside.toml", "policy_from.1990"),
    ("destinations_sum.toml", "sum to 1"),
    ("unknown_pathway_kind.toml", "pathways.nurse.kind"),
    ("misspelt_choice.toml", "did you mean `county`?"),
];

#[test]
fn every_bad_file_gets_a_located_error_no_panic_and_leaves_the_output_folder_alone() {
    let listed: Vec<&str> = CORPUS.iter().map(|c| c.0).collect();
    for e in std::fs::read_dir(corpus()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".toml") && name != "cycle_b.toml" {
            assert!(
                listed.contains(&name.as_str()),
                "{name} is in the corpus but not checked"
            );
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let out = previous_results(dir.path(), &baseline_path());
    let before = snapshot(&out);
    for (file, expect) in CORPUS {
        let path = corpus().join(file);
        let o = zhagen()
            .args([
                "run",
                path.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--quiet",
            ])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{file}: exit code; stderr: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
            "{file}: {err}"
        );
        assert!(err.starts_with("Error: "), "{file}: {err}");
        let stem = file.trim_end_matches(".toml");
        assert!(
            err.contains(stem) || err.contains("cycle_b"),
            "{file}: names the file: {err}"
        );
        assert!(err.contains(expect), "{file}: should say `{expect}`: {err}");
        assert_eq!(
            snapshot(&out),
            before,
            "{file}: the output folder was touched"
        );
    }
}

#[test]
fn a_run_that_fails_while_writing_leaves_the_previous_results_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = previous_results(dir.path(), &baseline_path());
    let before = snapshot(&out);
    for after in [0, 3, 8] {
        zhagen()
            .args([
                "run",
                baseline_path().to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ])
            .args([
                "--replications",
                "3",
                "--set",
                "region.counties=2",
                "--quiet",
                // Other settings than the previous results: allowed to replace them.
                "--force",
            ])
            .env("ZHAGEN_FAIL_AFTER_WRITES", after.to_string())
            .assert()
            .failure()
            .stderr(predicates::str::contains("injected failure"));
        assert_eq!(snapshot(&out), before, "after {after} writes");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
            .collect();
        assert!(leftovers.is_empty(), "no staging folder left behind");
    }
}

#[test]
fn a_run_killed_at_any_moment_leaves_either_the_old_results_or_the_new_never_a_mix() {
    let dir = tempfile::tempdir().unwrap();
    let out = previous_results(dir.path(), &baseline_path());
    let before = snapshot(&out);
    let mut saw_new = false;
    for delay_ms in [50u64, 150, 300, 500, 800, 1200] {
        let mut child = std::process::Command::new(bin())
            .args([
                "run",
                baseline_path().to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ])
            .args([
                "--replications",
                "8",
                "--set",
                "region.counties=3",
                "--quiet",
                // Other settings than the previous results: allowed to replace them.
                "--force",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL: no chance to tidy up
        let _ = child.wait();
        // Whatever happened, the next writer tidies up first; until then the folder holds one
        // complete set. A swap cut between its renames leaves the old set beside it, put back.
        zhagen()
            .args(["run", corpus().join("empty.toml").to_str().unwrap()])
            .args(["--out", out.to_str().unwrap()])
            .assert()
            .failure();
        let now = snapshot(&out);
        if now == before {
            continue;
        }
        saw_new = true;
        for f in ["summary.json", "retention.csv", "report.html", "costs.csv"] {
            assert!(
                now.contains_key(f),
                "killed after {delay_ms} ms: {f} missing: a mix"
            );
        }
        let summary: serde_json::Value = serde_json::from_slice(&now["summary.json"]).unwrap();
        assert_eq!(summary["replications"], 8, "the new set is whole");
        break;
    }
    // At least one kill landed before the swap (old results) — and the folder was never partial.
    let _ = saw_new;
}

fn wait_for(path: &Path, what: impl Fn(&Path) -> bool, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if what(path) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

fn sigint(pid: u32) {
    let ok = std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
}

#[test]
fn ctrl_c_stops_a_run_cleanly_and_a_second_ctrl_c_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = previous_results(dir.path(), &baseline_path());
    let before = snapshot(&out);
    let national = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/national.toml");
    let child = std::process::Command::new(bin())
        .args([
            "run",
            national.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--force",
        ])
        .args(["--replications", "3", "--quiet"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    sigint(child.id());
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "{err}");
    assert!(
        err.contains("nothing written") && !err.contains("panicked"),
        "{err}"
    );
    assert_eq!(snapshot(&out), before, "previous results kept");

    // Twice: out at once, however much work is left.
    let child = std::process::Command::new(bin())
        .args([
            "run",
            national.to_str().unwrap(),
            "--out",
            dir.path().join("n").to_str().unwrap(),
        ])
        .args(["--replications", "50", "--quiet"])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let start = Instant::now();
    sigint(child.id());
    std::thread::sleep(Duration::from_millis(50));
    sigint(child.id());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130));
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "the second Ctrl-C exits at once"
    );
    assert!(!dir.path().join("n").exists());
}

#[test]
fn ctrl_c_stops_a_sweep_keeping_every_finished_point_and_the_rerun_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = write(
        dir.path(),
        "s.toml",
        &format!(
            "base = {:?}\nreplications = 6\n[[axis]]\nkey = \"policy.salary.remote_allowance\"\nvalues = [0, 4000, 8000, 12000, 16000, 20000]\n",
            baseline_path().display().to_string()
        ),
    );
    let args = |out: &Path| -> Vec<String> {
        vec![
            "sweep".into(),
            sweep.display().to_string(),
            "--out".into(),
            out.display().to_string(),
            "--quiet".into(),
        ]
    };
    let whole = dir.path().join("whole");
    zhagen().args(args(&whole)).assert().success();
    let cut = dir.path().join("cut");
    let child = std::process::Command::new(bin())
        .args(args(&cut))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let points = cut.join("points");
    assert!(wait_for(
        &points,
        |p| std::fs::read_dir(p).map(|d| d.count()).unwrap_or(0) >= 1,
        Duration::from_secs(60)
    ));
    sigint(child.id());
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    if o.status.code() == Some(130) {
        assert!(
            err.contains("finished and are kept") && err.contains("resume"),
            "{err}"
        );
    }
    let kept = std::fs::read_dir(&points).unwrap().count();
    assert!(kept >= 1);
    // results.csv, rewritten at most once a second while the sweep runs, is brought up to date
    // when it stops: a row for every point kept.
    let rows = std::fs::read_to_string(cut.join("results.csv"))
        .unwrap()
        .lines()
        .count();
    assert_eq!(rows, kept + 1, "header and one row per finished point");
    zhagen().args(args(&cut)).assert().success();
    assert_eq!(
        std::fs::read_to_string(cut.join("results.csv")).unwrap(),
        std::fs::read_to_string(whole.join("results.csv")).unwrap()
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let o = std::process::Command::new("bash")
        .args([
            "-c",
            &format!(
                "set -o pipefail; {:?} run {:?} --replications 2 --set region.counties=2 --out {:?} | head -c 20 >/dev/null",
                bin(),
                baseline_path(),
                tempfile::tempdir().unwrap().path().join("o")
            ),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("Broken pipe"),
        "{err}"
    );
}

#[test]
fn a_folder_holding_another_scenario_needs_force_and_other_files_are_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let out = previous_results(dir.path(), &baseline_path());
    let lever = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/salary-uplift.toml");
    let run = |force: bool| {
        let mut c = zhagen();
        c.args([
            "run",
            lever.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .args([
            "--replications",
            "2",
            "--set",
            "region.counties=2",
            "--quiet",
        ]);
        if force {
            c.arg("--force");
        }
        c.assert()
    };
    let before = snapshot(&out);
    run(false)
        .failure()
        .stderr(predicates::str::contains(
            "scenario `baseline` there, `salary-uplift` now",
        ))
        .stderr(predicates::str::contains("--force"));
    assert_eq!(snapshot(&out), before);
    run(true).success();
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["scenario"], "salary-uplift");
    // Re-running the same scenario needs no --force.
    run(false).success();
    // A folder of someone's other files is not ours to replace, --force or not.
    let mine = dir.path().join("thesis");
    write(
        &std::fs::create_dir_all(&mine)
            .map(|_| mine.clone())
            .unwrap(),
        "chapter1.docx",
        "…",
    );
    zhagen()
        .args([
            "run",
            baseline_path().to_str().unwrap(),
            "--out",
            mine.to_str().unwrap(),
            "--force",
        ])
        .assert()
        .failure()
        .stderr(predicates::str::contains("no made-by.json"));
    assert!(mine.join("chapter1.docx").is_file());
}

/// Run the binary with `args` under a memory limit, killed if it has not finished within
/// `limit`: a loader that blocks on a FIFO or reads /dev/zero for ever fails the test instead
/// of hanging it (or eating the machine's memory).
fn output_within(args: &[String], limit: Duration) -> std::process::Output {
    let script = format!(
        "ulimit -v 8388608; exec {}",
        std::iter::once(bin().display().to_string())
            .chain(args.iter().cloned())
            .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let mut child = std::process::Command::new("bash")
        .args(["-c", &script])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("zhagen {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Scenario and sweep files were read whole with no check: a `base` (or the file itself)
/// naming a FIFO blocked for ever, /dev/zero ate memory until the process died, a directory
/// gave the system's bare "Is a directory". Each is now refused at once, naming the file and
/// what is allowed, with exit status 1 and nothing written.
#[test]
fn a_fifo_a_device_a_directory_or_a_huge_file_is_refused_at_once_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fifo = d.join("pipe.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo");
    std::fs::create_dir(d.join("folder.toml")).unwrap();
    // A valid TOML file (comments only) just over the 1 MiB limit.
    let line = format!("# {}\n", "x".repeat(62));
    write(d, "huge.toml", &line.repeat((1 << 20) / line.len() + 1));
    let b = baseline_path().display().to_string();
    let child = |name: &str, base: &str| {
        write(d, name, &format!("base = {base:?}\n"))
            .display()
            .to_string()
    };
    let sweep_over = |name: &str, base: &str| {
        write(
            d,
            name,
            &format!(
                "base = {base:?}\n[[axis]]\nkey = \"policy.salary.remote_allowance\"\nvalues = [0]\n"
            ),
        )
        .display()
        .to_string()
    };
    let fifo_s = fifo.display().to_string();
    let cases: Vec<(&str, String, Vec<String>)> = vec![
        (
            "run",
            fifo_s.clone(),
            vec![
                "pipe.toml".into(),
                "a named pipe (FIFO), not a regular file".into(),
            ],
        ),
        (
            "run",
            "/dev/zero".into(),
            vec!["/dev/zero".into(), "a device, not a regular file".into()],
        ),
        (
            "run",
            d.join("folder.toml").display().to_string(),
            vec![
                "folder.toml".into(),
                "a directory, not a regular file".into(),
            ],
        ),
        (
            "run",
            d.join("huge.toml").display().to_string(),
            vec!["huge.toml".into(), "bytes long".into()],
        ),
        (
            "run",
            child("over_fifo.toml", &fifo_s),
            vec![
                "over_fifo.toml:1:8".into(),
                "pipe.toml".into(),
                "named pipe".into(),
            ],
        ),
        (
            "run",
            child("over_zero.toml", "/dev/zero"),
            vec![
                "over_zero.toml:1:8".into(),
                "/dev/zero".into(),
                "a device".into(),
            ],
        ),
        (
            "run",
            child("over_huge.toml", "huge.toml"),
            vec![
                "over_huge.toml:1:8".into(),
                "huge.toml".into(),
                "bytes long".into(),
            ],
        ),
        (
            "sweep",
            fifo_s.clone(),
            vec!["pipe.toml".into(), "named pipe".into()],
        ),
        (
            "sweep",
            sweep_over("sweep_zero.toml", "/dev/zero"),
            vec![
                "sweep_zero.toml:1:8".into(),
                "/dev/zero".into(),
                "a device".into(),
            ],
        ),
        ("compare", child("cmp.toml", &b), vec![]),
    ];
    for (i, (command, file, expect)) in cases.into_iter().enumerate() {
        let out = d.join(format!("out{i}"));
        let mut args = vec![command.to_string(), file.clone()];
        if command == "compare" {
            // Any command that loads scenarios: the second file here is the FIFO.
            args.push(fifo_s.clone());
        }
        args.extend(["--out".into(), out.display().to_string(), "--quiet".into()]);
        let o = output_within(&args, Duration::from_secs(30));
        let err = String::from_utf8_lossy(&o.stderr);
        let what = format!("{command} {file}");
        assert_eq!(
            o.status.code(),
            Some(1),
            "{what}: exit status; stderr: {err}"
        );
        assert!(err.starts_with("Error: "), "{what}: {err}");
        assert!(!err.contains("panicked"), "{what}: {err}");
        for e in expect
            .iter()
            .chain(&["regular TOML files of at most 1 MiB".to_string()])
        {
            assert!(err.contains(e.as_str()), "{what}: should say `{e}`: {err}");
        }
        assert!(!out.exists(), "{what}: nothing written");
    }
}

/// Calibration used to print "stopping cleanly" on Ctrl-C and then carry on with every
/// evaluation: it must stop after the evaluation in progress, writing nothing.
#[test]
fn ctrl_c_stops_a_calibration_at_once_writing_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cal");
    let child = std::process::Command::new(bin())
        .args(["calibrate", baseline_path().to_str().unwrap(), "--out"])
        .arg(&out)
        .args([
            "--replications",
            "20",
            "--max-evaluations",
            "200",
            "--quiet",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    let start = Instant::now();
    sigint(child.id());
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "{err}");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "stopped {:?} after Ctrl-C",
        start.elapsed()
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!out.exists(), "no output folder");
}

/// Start `zhagen ARGS`, send one Ctrl-C after `after`, and return its exit code and stderr.
fn first_ctrl_c(args: &[&str], after: Duration) -> (Option<i32>, String) {
    let child = std::process::Command::new(bin())
        .args(args)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(after);
    sigint(child.id());
    let o = child.wait_with_output().unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn the_first_ctrl_c_stops_compare_and_validate_with_130_keeping_earlier_results_whole() {
    let dir = tempfile::tempdir().unwrap();
    let national = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/national.toml");
    let variant = write(
        dir.path(),
        "variant.toml",
        &format!(
            "base = {national:?}\nname = \"variant\"\n[policy.salary]\nremote_allowance = 9000\n"
        ),
    );
    // Earlier results in both folders, which an interrupted command must leave whole.
    let compared = dir.path().join("compared");
    let validated = dir.path().join("validated");
    let small = [
        "--replications",
        "1",
        "--set",
        "region.counties=2",
        "--quiet",
    ];
    zhagen()
        .args([
            "compare",
            national.to_str().unwrap(),
            variant.to_str().unwrap(),
            "--out",
        ])
        .arg(&compared)
        .args(small)
        .assert()
        .success();
    zhagen()
        .args(["validate", national.to_str().unwrap(), "--out"])
        .arg(&validated)
        .args(small)
        .assert()
        .success();
    let (before_c, before_v) = (snapshot(&compared), snapshot(&validated));
    let long = ["--replications", "3", "--quiet", "--force"];
    let (code, err) = first_ctrl_c(
        &[
            &[
                "compare",
                national.to_str().unwrap(),
                variant.to_str().unwrap(),
                "--out",
            ],
            &[compared.to_str().unwrap()][..],
            &long[..],
        ]
        .concat(),
        Duration::from_millis(700),
    );
    assert_eq!(code, Some(130), "{err}");
    assert!(
        err.contains("nothing written") && !err.contains("panicked"),
        "{err}"
    );
    assert_eq!(snapshot(&compared), before_c, "the earlier comparison kept");
    let (code, err) = first_ctrl_c(
        &[
            &["validate", national.to_str().unwrap(), "--out"][..],
            &[validated.to_str().unwrap()][..],
            &long[..],
        ]
        .concat(),
        Duration::from_millis(700),
    );
    assert_eq!(code, Some(130), "{err}");
    assert!(
        err.contains("nothing written") && !err.contains("panicked"),
        "{err}"
    );
    assert_eq!(
        snapshot(&validated),
        before_v,
        "the earlier validation kept"
    );
}
