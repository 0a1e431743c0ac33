//! The golden run: `zhagen run` and `zhagen validate` on tests/golden/scenario.toml (the baseline
//! on three counties with every lever on), compared file by file with the outputs kept in
//! tests/golden/expected/. Any change in a result — engine, streams, loader, statistics,
//! writers — fails here with the first differing lines of each file.
//!
//! Kept: every CSV, `summary.json` without its `timing` (wall time) and `git_commit`, and the
//! resolved `scenario.toml`. Not kept: the charts and report.html (their layout is not a result;
//! their numbers come from the CSVs' data).
//!
//! Regenerate deliberately with `ZHAGEN_BLESS=1 cargo test --test golden`, then review the change
//! with `git diff tests/golden/expected` and say in the commit why the results moved.

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn zhagen(args: &[&str]) {
    Command::cargo_bin("zhagen")
        .expect("binary built")
        .current_dir(root())
        .args(args)
        .args(["--quiet", "--threads", "2"])
        .assert()
        .success();
}

/// `summary.json` less what legitimately differs between two runs of the same scenario: the
/// wall time and the commit the binary was built from.
fn normalised_summary(text: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(text).expect("summary.json is JSON");
    let o = v.as_object_mut().expect("summary.json is an object");
    assert!(o.remove("timing").is_some(), "summary.json has `timing`");
    assert!(
        o.remove("git_commit").is_some(),
        "summary.json has `git_commit`"
    );
    serde_json::to_string_pretty(&v).unwrap() + "\n"
}

/// The kept files of the two output folders, by name in the golden folder.
fn kept(run: &Path, validate: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (prefix, dir) in [("run", run), ("validate", validate)] {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        for name in names {
            let text = || std::fs::read_to_string(dir.join(&name)).unwrap();
            // validate's other files are run's, already kept.
            let kept = if prefix == "validate" && name != "validation.csv" {
                continue;
            } else if name.ends_with(".csv") || name == "scenario.toml" {
                text()
            } else if name == "summary.json" {
                normalised_summary(&text())
            } else {
                continue;
            };
            out.insert(format!("{prefix}-{name}"), kept);
        }
    }
    out
}

/// The first few differing lines of two texts, for the failure message.
fn first_differences(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<_>, Vec<_>) = (expected.lines().collect(), actual.lines().collect());
    let mut out = String::new();
    let mut shown = 0;
    for i in 0..e.len().max(a.len()) {
        let (x, y) = (e.get(i).copied(), a.get(i).copied());
        if x != y {
            out += &format!(
                "    line {}:\n      - {}\n      + {}\n",
                i + 1,
                x.unwrap_or("(none)"),
                y.unwrap_or("(none)")
            );
            shown += 1;
            if shown == 3 {
                out += "    …\n";
                break;
            }
        }
    }
    out
}

#[test]
fn the_golden_run_reproduces_its_kept_outputs_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let (run, validate) = (dir.path().join("run"), dir.path().join("validate"));
    let scenario = "tests/golden/scenario.toml";
    zhagen(&["run", scenario, "--out", run.to_str().unwrap()]);
    zhagen(&["validate", scenario, "--out", validate.to_str().unwrap()]);
    let actual = kept(&run, &validate);
    assert!(actual.len() >= 8, "kept only {:?}", actual.keys());

    let golden = root().join("tests/golden/expected");
    if std::env::var_os("ZHAGEN_BLESS").is_some() {
        let _ = std::fs::remove_dir_all(&golden);
        std::fs::create_dir_all(&golden).unwrap();
        for (name, text) in &actual {
            std::fs::write(golden.join(name), text).unwrap();
        }
        eprintln!(
            "blessed {} files: review `git diff tests/golden/expected`",
            actual.len()
        );
        return;
    }
    let mut expected = BTreeMap::new();
    for e in
        std::fs::read_dir(&golden).expect("tests/golden/expected exists (ZHAGEN_BLESS=1 makes it)")
    {
        let e = e.unwrap();
        let name = e.file_name().into_string().unwrap();
        expected.insert(name, std::fs::read_to_string(e.path()).unwrap());
    }
    let mut report = String::new();
    let names: std::collections::BTreeSet<_> = expected.keys().chain(actual.keys()).collect();
    for name in names {
        match (expected.get(name), actual.get(name)) {
            (Some(e), Some(a)) if e != a => {
                report += &format!("  {name} differs:\n{}", first_differences(e, a))
            }
            (Some(_), None) => report += &format!("  {name} is no longer written\n"),
            (None, Some(_)) => report += &format!("  {name} is new\n"),
            _ => {}
        }
    }
    assert!(
        report.is_empty(),
        "the golden run changed (if on purpose: ZHAGEN_BLESS=1 cargo test --test golden, \
         and say why in the commit):\n{report}"
    );
}
