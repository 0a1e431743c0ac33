//! Inputs found by fuzzing the loaders (`fuzz/`, `cargo +nightly fuzz run scenario_loader`),
//! kept under `tests/bad_inputs/fuzz/`. Each scenario input is loaded the ways the fuzz target
//! loads it — as a scenario file of its own, as a policy file over the shipped baseline, and
//! line by line as `--set` overrides of the baseline — and run through the real binary; each
//! sweep input (`sweep_*.toml`) is loaded as a sweep file and run with `zhagen sweep`. Every one
//! must be refused with a located error, never a panic. A few load, and must then write a
//! resolved scenario that loads back unchanged.

mod common;

use assert_cmd::Command;
use common::*;
use std::path::{Path, PathBuf};
use zhagen::scenario::{Scenario, ScenarioError};
use zhagen::sweep::Sweep;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_inputs/fuzz")
}

/// A scenario input and what its error must say as a policy file over the baseline and when
/// its lines are given as `--set` overrides.
struct Case {
    file: &'static str,
    as_child: &'static str,
    as_set: &'static str,
}

const SCENARIOS: &[Case] = &[
    // A distribution given by `--set` carried the positions of its values but not their
    // source: an invalid `min` was reported at that byte offset of the *baseline*, and when the
    // offset fell inside a multi-byte character there (the en dash of line 1), the loader
    // panicked slicing the text.
    Case {
        file: "dist_override_inside_a_character.toml",
        as_child: "region.remoteness.min",
        as_set: "region.remoteness.min",
    },
    // Inputs the fuzzer generated from the shipped scenarios (minimised by line), refused
    // correctly: kept as regression inputs for the paths they reach.
    Case {
        file: "generated_benchmark_without_titles.toml",
        as_child: "required key `benchmark[0].titles`",
        as_set: "--set [[benchmark]]",
    },
    Case {
        file: "generated_destination_share_above_one.toml",
        as_child: "key `pathways.order_oriented.destinations.unemployed` = 1.18 is not valid",
        as_set: "--set [pathways.order_oriented]",
    },
    Case {
        file: "generated_distribution_name_in_the_wrong_case.toml",
        as_child: "(did you mean `normal`?)",
        as_set: "--set [pathways.order_oriented]",
    },
    Case {
        file: "generated_pathway_without_a_kind.toml",
        as_child: "required key `pathways.lol_apacprentice.kind`",
        as_set: "--set [pathways.lol_apacprentice]",
    },
];

/// A sweep input and what its error must say.
struct SweepCase {
    file: &'static str,
    says: &'static str,
}

const SWEEPS: &[SweepCase] = &[
    // 64 axes of 2 values: 2^64 points, whose count overflowed (a panic with overflow checks,
    // an empty sweep without them).
    SweepCase {
        file: "sweep_grid_beyond_usize.toml",
        says: "at most 1,000,000 points",
    },
    // 21 axes of 2 values: 2,097,152 points, all built in memory before the limit was checked.
    SweepCase {
        file: "sweep_grid_over_the_point_limit.toml",
        says: "`axis` = 2097152 points is not valid",
    },
];

/// Inputs that load as a policy file over the baseline, and whose resolved scenario (the
/// `scenario.toml` a run writes) must load back unchanged.
const RELOADS: &[&str] = &[
    // A name with a newline was written into the resolved file's header comment as is: the
    // rest of the name became a line of TOML, and the file no longer loaded.
    "resolved_name_with_a_newline.toml",
];

fn zhagen() -> Command {
    Command::cargo_bin("zhagen").unwrap()
}

/// The binary refuses: exit status 1, an `Error:` line, no panic.
fn assert_refused_by_the_binary(args: &[&str], what: &str) {
    let out = tempfile::tempdir().unwrap();
    let o = zhagen()
        .args(args)
        .args(["--out", out.path().join("out").to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{what}: exit status; stderr: {err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{what}: {err}"
    );
    assert!(err.starts_with("Error: "), "{what}: {err}");
}

#[test]
fn every_fuzz_input_is_checked() {
    let listed: Vec<&str> = SCENARIOS
        .iter()
        .map(|c| c.file)
        .chain(SWEEPS.iter().map(|c| c.file))
        .chain(RELOADS.iter().copied())
        .collect();
    for e in std::fs::read_dir(corpus()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            listed.contains(&name.as_str()),
            "{name} is in tests/bad_inputs/fuzz but not checked"
        );
    }
}

#[test]
fn fuzz_scenario_inputs_are_refused_as_files_policy_files_and_overrides_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    for case in SCENARIOS {
        let path = corpus().join(case.file);
        let text = std::fs::read_to_string(&path).unwrap();

        // As a scenario file of its own.
        let e = Scenario::load(&path, &[]).expect_err(case.file);
        assert!(e.to_string().contains(case.file), "{}: {e}", case.file);
        assert_refused_by_the_binary(&["run", path.to_str().unwrap(), "--quiet"], case.file);

        // As a policy file over the baseline.
        let child = write(
            dir.path(),
            case.file,
            &format!("base = {:?}\n{text}", baseline_path().display().to_string()),
        );
        let e = Scenario::load(&child, &[])
            .expect_err(case.file)
            .to_string();
        assert!(e.contains(case.file), "{}: {e}", case.file);
        assert!(
            e.contains(case.as_child),
            "{}: should say `{}`: {e}",
            case.file,
            case.as_child
        );
        assert_refused_by_the_binary(&["run", child.to_str().unwrap(), "--quiet"], case.file);

        // Line by line as `--set` overrides of the baseline.
        let set: Vec<String> = text.lines().map(String::from).collect();
        let e = Scenario::load(&baseline_path(), &set).expect_err(case.file);
        let m = e.to_string();
        assert!(
            m.starts_with("--set "),
            "{}: located at the --set: {m}",
            case.file
        );
        assert!(
            m.contains(case.as_set),
            "{}: should say `{}`: {m}",
            case.file,
            case.as_set
        );
        let baseline = baseline_path();
        let mut args = vec!["run", baseline.to_str().unwrap(), "--quiet"];
        for s in &set {
            args.extend(["--set", s]);
        }
        assert_refused_by_the_binary(&args, case.file);
    }
}

#[test]
fn fuzz_sweep_inputs_are_refused_without_panicking() {
    for case in SWEEPS {
        let path = corpus().join(case.file);
        let e = Sweep::load(&path, &[]).expect_err(case.file).to_string();
        assert!(e.contains(case.file), "{}: names the file: {e}", case.file);
        assert!(
            e.contains(case.says),
            "{}: should say `{}`: {e}",
            case.file,
            case.says
        );
        assert_refused_by_the_binary(&["sweep", path.to_str().unwrap(), "--quiet"], case.file);
    }
}

#[test]
fn fuzz_inputs_that_load_write_a_resolved_scenario_that_loads_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    for file in RELOADS {
        let text = std::fs::read_to_string(corpus().join(file)).unwrap();
        let child = write(
            dir.path(),
            file,
            &format!("base = {:?}\n{text}", baseline_path().display().to_string()),
        );
        let s = Scenario::load(&child, &[]).expect(file);
        let resolved = write(dir.path(), "scenario.toml", &s.resolved_toml);
        let again = Scenario::load(&resolved, &[])
            .unwrap_or_else(|e| panic!("{file}: the resolved scenario loads: {e}"));
        assert_eq!(again.name, s.name, "{file}");
        assert_eq!(again.resolved_toml, s.resolved_toml, "{file}");
    }
}

/// The same fault through files: a distribution in an inherited file is reported at its line
/// in that file, not at the same byte offset of the file that inherits it.
#[test]
fn a_bad_distribution_in_an_inherited_file_is_located_in_that_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "middle.toml",
        &format!(
            "base = {:?}\n\n[region]\nremoteness = {{ dist = \"uniform\", min = -5, max = 1 }}\n",
            baseline_path().display().to_string()
        ),
    );
    // Multi-byte characters where the bad value's offset falls in this file.
    let leaf = write(
        dir.path(),
        "leaf.toml",
        &format!("base = \"middle.toml\"\n# {}\n", "政策".repeat(40)),
    );
    let e = Scenario::load(&leaf, &[]).expect_err("min = -5 is refused");
    let ScenarioError::Invalid { at, key, value, .. } = &e else {
        panic!("an invalid value: {e}");
    };
    assert_eq!(key, "region.remoteness.min");
    assert_eq!(value, "-5");
    assert_eq!(at.file, dir.path().join("middle.toml"), "{e}");
    assert_eq!(at.line, Some(4), "{e}");
}
