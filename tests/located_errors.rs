//! An error is located where the user can act on it: a problem in an inherited file names every
//! file of the `base =` chain that led there, and a value a flag set is reported as that flag,
//! not as an override the user never wrote.

mod common;

use assert_cmd::Command;
use common::{baseline_path, write};
use std::path::Path;
use zhagen::scenario::{Scenario, ScenarioError};

/// `zhagen ARGS` fails; its stderr.
fn fails(args: &[&str]) -> String {
    let out = Command::cargo_bin("zhagen")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    assert!(!out.status.success(), "{args:?} must fail");
    String::from_utf8(out.stderr).unwrap()
}

fn shown(p: &Path) -> String {
    p.display().to_string()
}

/// `base = "/etc/passwd"` was reported as `/etc/passwd:1:32: key with no value, expected `=``
/// alone: nothing said which scenario pointed there, so a user with many scenarios could not
/// tell which one to fix.
#[test]
fn an_error_in_a_base_file_names_every_file_of_the_base_chain_that_led_to_it() {
    let dir = tempfile::tempdir().unwrap();
    // Not TOML at all, as /etc/passwd is.
    let passwd = write(dir.path(), "passwd", "root:x:0:0:root:/root:/bin/bash\n");
    let child = write(dir.path(), "child.toml", "base = \"passwd\"\n");
    let leaf = write(
        dir.path(),
        "leaf.toml",
        "name = \"leaf\"\nbase = \"child.toml\"\n",
    );

    let e = Scenario::load(&leaf, &[]).unwrap_err();
    let ScenarioError::Syntax { at, .. } = &e else {
        panic!("a syntax error: {e}");
    };
    assert_eq!(at.file, passwd, "{e}");
    let via: Vec<_> = at.via.iter().map(|v| (v.file.clone(), v.line)).collect();
    assert_eq!(
        via,
        [(child.clone(), Some(1)), (leaf.clone(), Some(2))],
        "{e}"
    );

    let stderr = fails(&["run", leaf.to_str().unwrap()]);
    assert!(
        stderr.starts_with(&format!(
            "Error: {}:1:32 (the base of {}:1:8, which is the base of {}:2:8): ",
            shown(&passwd),
            shown(&child),
            shown(&leaf)
        )),
        "{stderr}"
    );
}

/// A sweep's `base =` is a link of the chain too.
#[test]
fn an_error_in_the_base_of_a_sweep_names_the_sweep_file() {
    let dir = tempfile::tempdir().unwrap();
    let passwd = write(dir.path(), "passwd", "root:x:0:0:root:/root:/bin/bash\n");
    let sweep = write(
        dir.path(),
        "sweep.toml",
        "base = \"passwd\"\n[[axis]]\nkey = \"region.counties\"\nvalues = [1]\n",
    );
    let stderr = fails(&["sweep", sweep.to_str().unwrap()]);
    assert!(
        stderr.starts_with(&format!(
            "Error: {}:1:32 (the base of {}:1:8): ",
            shown(&passwd),
            shown(&sweep)
        )),
        "{stderr}"
    );
}

/// The chain is shown for a value that fails validation after inheritance as well: the bad
/// value is in the middle file, and the message names the leaf that inherits it.
#[test]
fn an_invalid_value_in_a_base_file_names_the_file_that_inherits_it() {
    let dir = tempfile::tempdir().unwrap();
    let middle = write(
        dir.path(),
        "middle.toml",
        &format!(
            "base = {:?}\n[simulation]\nreplications = 0\n",
            shown(&baseline_path())
        ),
    );
    let leaf = write(dir.path(), "leaf.toml", "base = \"middle.toml\"\n");
    let stderr = fails(&["run", leaf.to_str().unwrap()]);
    assert!(
        stderr.starts_with(&format!(
            "Error: {}:3:16 (the base of {}:1:8): key `simulation.replications` = 0 is not valid",
            shown(&middle),
            shown(&leaf)
        )),
        "{stderr}"
    );
}

/// A missing base two levels down is located at the `base =` line that names it, and that
/// line's file is itself shown as the base of the leaf.
#[test]
fn a_missing_base_deep_in_the_chain_is_located_with_the_chain_above_it() {
    let dir = tempfile::tempdir().unwrap();
    let child = write(dir.path(), "child.toml", "base = \"nowhere.toml\"\n");
    let leaf = write(dir.path(), "leaf.toml", "base = \"child.toml\"\n");
    let stderr = fails(&["run", leaf.to_str().unwrap()]);
    assert!(
        stderr.starts_with(&format!(
            "Error: {}:1:8 (the base of {}:1:8): the `base` file ",
            shown(&child),
            shown(&leaf)
        )),
        "{stderr}"
    );
}

/// An error in the file the user gave, or in an override, has no chain to show.
#[test]
fn an_error_in_the_file_given_shows_no_chain() {
    let dir = tempfile::tempdir().unwrap();
    let leaf = write(
        dir.path(),
        "leaf.toml",
        &format!(
            "base = {:?}\n[simulation]\nreplications = 0\n",
            shown(&baseline_path())
        ),
    );
    let stderr = fails(&["run", leaf.to_str().unwrap()]);
    assert!(
        stderr.starts_with(&format!("Error: {}:3:16: key", shown(&leaf))),
        "{stderr}"
    );
}

const REPLICATIONS_REFUSED: &str = "key `simulation.replications` = 0 is not valid; \
    replications: a whole number from 1 to 1000000";

/// `--replications 0` was reported as `--set simulation.replications=0:1:27: …`: an override
/// the user never wrote, at a column of text zhagen made up. Every command that takes the flag
/// reports it as the flag.
#[test]
fn a_refused_flag_is_reported_as_the_flag_not_as_a_set_override() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (out, baseline) = (out.to_str().unwrap(), baseline_path());
    let baseline = baseline.to_str().unwrap();
    let uplift = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/salary-uplift.toml");
    let sweep = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sweep-remote-allowance.toml");
    let commands: [Vec<&str>; 5] = [
        vec!["run", baseline],
        vec!["validate", baseline],
        vec!["compare", baseline, uplift.to_str().unwrap()],
        vec!["sweep", sweep.to_str().unwrap()],
        vec!["calibrate", baseline],
    ];
    for mut args in commands {
        args.extend(["--replications", "0", "--out", out]);
        let stderr = fails(&args);
        assert_eq!(
            stderr,
            format!("Error: --replications 0: {REPLICATIONS_REFUSED}\n"),
            "{args:?}"
        );
    }
}

/// A flag's override is located by the flag alone (no line or column of text the user never
/// saw), and a `--set` still by its text.
#[test]
fn an_override_from_a_flag_is_located_by_the_flag() {
    use zhagen::scenario::Override;
    let seed = Override::flag("--seed", "simulation.seed", -1);
    let e = Scenario::load_with(&baseline_path(), &[seed]).unwrap_err();
    let ScenarioError::Invalid { at, .. } = &e else {
        panic!("an invalid value: {e}");
    };
    assert_eq!(
        (at.file.to_str(), at.line, at.column),
        (Some("--seed -1"), None, None)
    );
    assert!(
        e.to_string()
            .starts_with("--seed -1: key `simulation.seed` = -1"),
        "{e}"
    );

    let set = Override::set("simulation.seed=-1");
    let e = Scenario::load_with(&baseline_path(), &[set]).unwrap_err();
    assert!(
        e.to_string().starts_with("--set simulation.seed=-1:1:"),
        "{e}"
    );
}

/// The runs of a comparison listed `--set simulation.seed=…` and `--set
/// simulation.replications=…` among their files read (in provenance.json, each run's
/// summary.json and report), though the user wrote neither: the seed and the replications are
/// recorded as themselves. A `--set` the user did write is still listed.
#[test]
fn a_comparison_lists_only_the_files_and_overrides_the_user_gave_as_files_read() {
    let dir = tempfile::tempdir().unwrap();
    let uplift = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/salary-uplift.toml");
    for flags in [&[][..], &["--seed", "3", "--replications", "2"][..]] {
        let out = dir.path().join(format!("out{}", flags.len()));
        Command::cargo_bin("zhagen")
            .unwrap()
            .args(["compare", baseline_path().to_str().unwrap()])
            .args([uplift.to_str().unwrap(), "--out", out.to_str().unwrap()])
            .args([
                "--set",
                "region.counties=1",
                "--set",
                "simulation.years=3",
                "-q",
            ])
            .args(flags)
            .assert()
            .success();
        for record in [
            out.join("provenance.json"),
            out.join("runs/baseline/summary.json"),
            out.join("runs/salary-uplift/summary.json"),
        ] {
            let text = std::fs::read_to_string(&record).unwrap();
            let json: serde_json::Value = serde_json::from_str(&text).unwrap();
            let mut paths = Vec::new();
            let runs = match json["scenarios"].as_array() {
                Some(runs) => runs.clone(),
                None => vec![json.clone()],
            };
            for run in runs {
                for f in run["files"].as_array().expect("files listed") {
                    paths.push(f["path"].as_str().unwrap().to_string());
                }
            }
            assert!(
                paths.iter().all(|p| !p.contains("simulation.seed")
                    && !p.contains("simulation.replications")
                    && !p.starts_with("--seed")
                    && !p.starts_with("--replications")),
                "{}: {paths:?}",
                record.display()
            );
            assert!(
                paths.iter().any(|p| p == "--set region.counties=1"),
                "{}: {paths:?}",
                record.display()
            );
        }
        for report in [
            "runs/baseline/report.html",
            "runs/salary-uplift/report.html",
        ] {
            let html = std::fs::read_to_string(out.join(report)).unwrap();
            assert!(
                !html.contains("simulation.seed=") && !html.contains("simulation.replications="),
                "{report} lists an override nobody wrote"
            );
        }
    }
}
