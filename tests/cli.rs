//! The `zhagen` command as a user runs it.

mod common;

use assert_cmd::Command;
use common::*;
use std::path::Path;

fn zhagen() -> Command {
    Command::cargo_bin("zhagen").expect("binary built")
}

const FILES: [&str; 11] = [
    "report.html",
    "retention.csv",
    "staffing.csv",
    "exits.csv",
    "titles.csv",
    "villages.csv",
    "costs.csv",
    "summary.json",
    "scenario.toml",
    "retention.png",
    "retention.svg",
];

fn small_run(out: &Path, threads: &str) {
    zhagen()
        .args([
            "run",
            baseline_path().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .args([
            "--replications",
            "6",
            "--seed",
            "7",
            "--threads",
            threads,
            "--set",
            "region.counties=3",
        ])
        .assert()
        .success();
}

#[test]
fn run_writes_every_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    small_run(&out, "2");
    for f in FILES {
        assert!(out.join(f).is_file(), "{f} written");
    }
    let csv = std::fs::read_to_string(out.join("retention.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "pathway,year,replications,at_risk_pooled,events_pooled,censored_pooled,km_pooled,retention_mean,retention_mean_ci_low,retention_mean_ci_high"
        )
    );
    let first = lines.next().unwrap();
    assert!(
        first.contains(",0,") && first.contains(",1.000000,"),
        "year 0 has retention 1: {first}"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    for key in [
        "zhagen_version",
        "scenario",
        "scenario_sha256",
        "seed",
        "replications",
        "simulated_worker_years",
        "benchmarks",
    ] {
        assert!(summary.get(key).is_some(), "summary.json has {key}");
    }
    assert_eq!(summary["seed"], 7);
    assert_eq!(summary["replications"], 6);
    for key in ["wall_seconds", "worker_years_per_second"] {
        assert!(
            summary["timing"].get(key).is_some(),
            "summary.json timing has {key}"
        );
    }
    let b = &summary["benchmarks"][0];
    for key in [
        "name",
        "role",
        "target",
        "target_low",
        "target_high",
        "uncertainty",
        "simulated",
        "mc_ci_low",
        "mc_ci_high",
        "difference",
        "verdict",
        "verdict_method",
    ] {
        assert!(b.get(key).is_some(), "benchmark has {key}");
    }
    let png = std::fs::read(out.join("retention.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
}

/// Everything but the wall-clock timing is byte-identical between 1 and 2 threads.
#[test]
fn outputs_are_byte_identical_at_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    small_run(&a, "1");
    small_run(&b, "2");
    for f in FILES {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        if f == "summary.json" {
            let strip = |bytes: &[u8]| {
                let mut v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
                v.as_object_mut().unwrap().remove("timing");
                v
            };
            assert_eq!(strip(&x), strip(&y), "{f}");
        } else {
            assert!(x == y, "{f} differs between 1 and 2 threads");
        }
    }
}

#[test]
fn a_bad_scenario_is_an_error_not_a_panic_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "bad.toml",
        &format!(
            "base = {:?}\n[simulation]\nreplicatons = 5\n",
            baseline_path().display().to_string()
        ),
    );
    let out = dir.path().join("out");
    let assert = zhagen()
        .args(["run", bad.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.starts_with("Error: "), "{stderr}");
    assert!(
        stderr.contains("bad.toml:3") && stderr.contains("did you mean `replications`"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!out.exists(), "nothing written");
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let assert = zhagen()
        .args(["run", "no/such/scenario.toml"])
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("no/such/scenario.toml") && !stderr.contains("panicked"),
        "{stderr}"
    );
}

/// `--seed -1` printed clap's tip "to pass '-1' as a value, use '-- -1'", `--seed` beyond
/// 2^63 − 1 was taken and then refused as a `--set` string, and the baseline called the seed
/// "any integer". Now the flag, the file and the baseline's comment agree: a whole number from
/// 0 to 2^63 − 1, the most a scenario file (a TOML integer) can hold.
#[test]
fn a_seed_out_of_range_is_refused_saying_what_a_seed_may_be() {
    let allowed = "the random seed: a whole number from 0 to 9223372036854775807";
    let baseline = baseline_path();
    let baseline = baseline.to_str().unwrap();
    for command in [&["run", baseline][..], &["compare", baseline, baseline][..]] {
        for bad in ["-1", "9223372036854775808", "18446744073709551615", "seven"] {
            let assert = zhagen()
                .args(command)
                .args(["--seed", bad])
                .assert()
                .failure();
            let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
            assert!(
                stderr.contains(&format!(
                    "invalid value '{bad}' for '--seed <SEED>': {allowed}"
                )),
                "{command:?} --seed {bad}: {stderr}"
            );
            assert!(!stderr.contains("tip:"), "{stderr}");
        }
    }
    // The file refuses the same seeds in the same words.
    let assert = zhagen()
        .args(["run", baseline, "--set", "simulation.seed=-1"])
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains(allowed), "{stderr}");
    let text = std::fs::read_to_string(baseline_path()).unwrap();
    assert!(
        text.contains("seed = 20221231          # a whole number from 0 to 2^63 − 1"),
        "the baseline's comment says what a seed may be"
    );
    // And the largest seed runs.
    let dir = tempfile::tempdir().unwrap();
    zhagen()
        .args([
            "run",
            baseline,
            "--seed",
            "9223372036854775807",
            "--replications",
            "1",
        ])
        .args([
            "--set",
            "region.counties=1",
            "--set",
            "simulation.years=2",
            "-q",
        ])
        .args(["--out", dir.path().join("out").to_str().unwrap()])
        .assert()
        .success();
}

/// `zhagen rn` said only "unrecognized subcommand 'rn'". clap's suggestions are on (a default
/// feature), but its similarity threshold misses a short typo; zhagen adds the command within
/// the edit distance it suggests scenario keys by.
#[test]
fn a_mistyped_command_is_answered_with_the_command_it_is_close_to() {
    for (typo, meant) in [
        ("rn", "run"),
        ("rnu", "run"),
        ("runn", "run"),
        ("swep", "sweep"),
        ("mrege", "merge"),
    ] {
        let assert = zhagen().arg(typo).assert().failure().code(2);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(
            stderr.starts_with(&format!("error: unrecognized subcommand '{typo}'"))
                && stderr.contains(&format!("tip: a similar subcommand exists: '{meant}'")),
            "{typo}: {stderr}"
        );
    }
    // Nothing is offered for a word close to no command.
    let assert = zhagen().arg("xyzzy").assert().failure().code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(!stderr.contains("tip:"), "{stderr}");
}

/// `zhagen run` on a sweep file said only "unknown field `axis`, expected one of `name`, …",
/// and `zhagen sweep` on a scenario "unknown field `behaviour`, expected one of `base`, …":
/// the file was right and the command wrong, and nothing said so.
#[test]
fn a_file_given_to_the_wrong_command_is_named_for_what_it_is_with_the_command_that_reads_it() {
    let file = |name: &str| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(name)
            .display()
            .to_string()
    };
    let stderr = |args: &[&str]| {
        let assert = zhagen().args(args).assert().failure().code(1);
        String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
    };
    let (sweep, baseline) = (file("sweep-remote-allowance.toml"), file("baseline.toml"));
    for command in [
        &["run", &sweep][..],
        &["validate", &sweep],
        &["calibrate", &sweep],
        &["compare", &sweep, &baseline],
    ] {
        let e = stderr(command);
        assert!(
            e.starts_with(&format!("Error: {sweep}:"))
                && e.ends_with(&format!(
                    ": this is a sweep file (it has `[[axis]]`), not a scenario; \
                     use `zhagen sweep {sweep}`\n"
                )),
            "{command:?}: {e}"
        );
    }
    let fix = |f: &str| {
        format!(
            "not a sweep file; use `zhagen run {f}` (or compare, validate, calibrate), \
             or sweep it from a sweep file whose `base` names it\n"
        )
    };
    let e = stderr(&["sweep", &baseline]);
    assert!(
        e.contains(": this is a scenario (it has `[behaviour]`), ") && e.ends_with(&fix(&baseline)),
        "{e}"
    );
    // A policy file, which holds only `name`, `description`, `base` and `[policy]`.
    let uplift = file("salary-uplift.toml");
    let e = stderr(&["sweep", &uplift]);
    assert!(
        e.contains(": this is a scenario (it has `[policy]`), ") && e.ends_with(&fix(&uplift)),
        "{e}"
    );
    // A sweep file named as a scenario's base is not to be run from there.
    let dir = tempfile::tempdir().unwrap();
    let leaf = write(dir.path(), "leaf.toml", &format!("base = {sweep:?}\n"));
    let e = stderr(&["run", leaf.to_str().unwrap()]);
    assert!(
        e.ends_with(&format!(
            " (the base of {}:1:8): this is a sweep file (it has `[[axis]]`), not a scenario; \
             a `base` names a scenario file\n",
            leaf.display()
        )),
        "{e}"
    );
    // An unknown key in a file of the right kind is still a typo.
    let typo = write(
        dir.path(),
        "typo.toml",
        &format!(
            "base = {baseline:?}\ndesing = \"grid\"\n[[axis]]\nkey = \"region.counties\"\nvalues = [1]\n"
        ),
    );
    let e = stderr(&["sweep", typo.to_str().unwrap()]);
    assert!(
        e.contains("unknown field `desing`") && e.contains("(did you mean `design`?)"),
        "{e}"
    );
}

/// A scenario's name was printed as written: `name = "\u001b]0;pwned\u0007…"` in a file from
/// someone else retitled the terminal, and `\u001b[2J` would clear it. Every name zhagen
/// prints (the run report, the comparison table, the size refusal, the progress message,
/// benchmark names in the validation table, calibration) is printed with its control
/// characters escaped.
#[test]
fn control_characters_in_names_are_printed_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let name = "red\\u001b[31m\\u001b]0;title\\u0007";
    let shown = "red\\u{1b}[31m\\u{1b}]0;title\\u{7}";
    let leaf = write(
        dir.path(),
        "leaf.toml",
        &format!(
            "base = {:?}\nname = \"{name}\"\n\n[[benchmark]]\nname = \"bench{name}\"\n\
             metric = \"report_rate\"\npathway = \"order_oriented\"\nvalue = 0.98\n\
             role = \"fitted\"\ntolerance = 0.01\nsource = \"made up\"\n",
            baseline_path().display().to_string()
        ),
    );
    let twin = write(
        dir.path(),
        "twin.toml",
        &format!("base = \"leaf.toml\"\nname = \"{name}\"\n"),
    );
    let (leaf, twin) = (leaf.to_str().unwrap(), twin.to_str().unwrap());
    let small = [
        "--set",
        "region.counties=1",
        "--set",
        "simulation.years=8",
        "--replications",
        "2",
    ];
    let out = |k: &str| dir.path().join(k).to_str().unwrap().to_string();
    let (o1, o2, o3, o4) = (
        out("run"),
        out("validate"),
        out("compare"),
        out("calibrate"),
    );
    let commands: Vec<(Vec<&str>, bool)> = vec![
        ([&["run", leaf, "--out", &o1][..], &small].concat(), true),
        (
            [&["validate", leaf, "--out", &o2][..], &small].concat(),
            true,
        ),
        (
            [&["compare", leaf, twin, "--out", &o3][..], &small].concat(),
            true,
        ),
        (
            [
                &["calibrate", leaf, "--out", &o4, "--max-evaluations", "1"][..],
                &small,
            ]
            .concat(),
            true,
        ),
        (
            vec![
                "run",
                leaf,
                "--set",
                "region.counties=100000",
                "--replications",
                "1000",
            ],
            false,
        ),
    ];
    for (args, succeeds) in commands {
        let output = zhagen().args(&args).output().unwrap();
        assert_eq!(output.status.success(), succeeds, "{args:?}: {output:?}");
        let printed = [output.stdout, output.stderr].concat();
        let printed = String::from_utf8(printed).unwrap();
        assert!(
            !printed.contains(['\u{1b}', '\u{7}']),
            "{args:?} printed a raw control character: {printed:?}"
        );
        assert!(printed.contains(shown), "{args:?}: {printed}");
    }
}
