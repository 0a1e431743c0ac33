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
