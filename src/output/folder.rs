//! Output folders: written all or nothing, and never over anything zhagen did not make.
//!
//! Every folder a command writes ends with `made-by.json`: the command, the scenarios (name and
//! hash of the resolved scenario), seed, replications, the `--set` overrides, and every file
//! written. Before a folder is replaced, what is there is checked against it:
//!
//! - a path that is a file or a symbolic link is never replaced;
//! - a folder holding anything not listed in its `made-by.json` (a note the user saved, a
//!   planted link), or holding files but no `made-by.json` at all, is never replaced, `--force`
//!   or not: zhagen only replaces what it can show it made;
//! - results made by other settings (another command, scenario, seed, replication count or
//!   overrides) are replaced only with `--force`, and the refusal says what differs.
//!
//! The new folder is written in a staging folder beside the target, then swapped in by two
//! renames, while holding a lock on the parent folder (so that two processes writing the same
//! folder at once leave one whole result, never a mix) and after checking the target again.

use super::OutputError;
use crate::scenario::Scenario;
use crate::scenario::load::escape_controls;
use serde::{Deserialize, Serialize};
use std::fs::{self, File};
use std::path::{Path, PathBuf};

/// The file every output folder ends with.
pub const MADE_BY: &str = "made-by.json";

/// What made an output folder's results: two folders with equal `Made` hold the same results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Made {
    /// The zhagen command (`run`, `validate`, `compare`, `calibrate`).
    pub command: String,
    /// The scenarios, in order: name and SHA-256 of the resolved scenario.
    pub scenarios: Vec<MadeScenario>,
    pub seed: u64,
    pub replications: u32,
    /// The `--set KEY=VALUE` overrides, as given.
    pub overrides: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MadeScenario {
    pub name: String,
    pub sha256: String,
}

impl Made {
    /// `command` of the scenarios `scenarios` (seed and replications from the first, which a
    /// comparison shares) with the user's overrides `overrides`.
    pub fn new(command: &str, scenarios: &[&Scenario], overrides: &[String]) -> Made {
        let first = scenarios.first().map(|s| &s.simulation);
        Made {
            command: command.to_string(),
            scenarios: scenarios
                .iter()
                .map(|s| MadeScenario {
                    name: s.name.clone(),
                    sha256: s.hash.clone(),
                })
                .collect(),
            seed: first.map_or(0, |s| s.seed),
            replications: first.map_or(0, |s| s.replications),
            overrides: overrides.to_vec(),
        }
    }

    /// How `self` (what is in the folder) differs from `now`, in words; empty when equal.
    fn differences(&self, now: &Made) -> Vec<String> {
        let mut out = Vec::new();
        let names = |m: &Made| {
            m.scenarios
                .iter()
                .map(|s| format!("`{}`", escape_controls(&s.name)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if self.command != now.command {
            out.push(format!(
                "made by `zhagen {}`, this is `zhagen {}`",
                self.command, now.command
            ));
        }
        if names(self) != names(now) {
            out.push(format!(
                "scenario {} there, {} now",
                names(self),
                names(now)
            ));
        }
        if self.replications != now.replications {
            out.push(format!(
                "{} replications there, {} now",
                self.replications, now.replications
            ));
        }
        if self.seed != now.seed {
            out.push(format!("seed {} there, {} now", self.seed, now.seed));
        }
        if self.overrides != now.overrides {
            let list = |o: &[String]| {
                if o.is_empty() {
                    "no --set".to_string()
                } else {
                    o.iter()
                        .map(|x| format!("--set {x}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                }
            };
            out.push(format!(
                "{} there, {} now",
                list(&self.overrides),
                list(&now.overrides)
            ));
        }
        if out.is_empty() && self.scenarios != now.scenarios {
            out.push(
                "the scenario files have changed since (resolved scenario hash differs)".into(),
            );
        }
        out
    }
}

/// A metric key as part of a file name: letters, digits, `.` and `_` kept, anything else `-`.
pub fn file_key(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The folder name under `out/` for a scenario called `name`: one path component that stays
/// inside `out/` whatever the name says. Path separators, control characters and a leading dot
/// (`.`, `..`, hidden names) become `_`, so `../../x` is `______x`, `/abs/dir` is `_abs_dir` and
/// `baseline/variant` is `baseline_variant` (not a folder inside baseline's); anything else,
/// Chinese included, is kept. Cut to 200 bytes, within every file system's limit.
pub fn folder_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        let unsafe_char = matches!(c, '/' | '\\' | ':' | '\0') || c.is_control();
        // Dots before anything but `_` would make `.`, `..` or a hidden name.
        let leading_dot = c == '.' && out.bytes().all(|b| b == b'_');
        if out.len() + c.len_utf8() > 200 {
            break;
        }
        out.push(if unsafe_char || leading_dot { '_' } else { c });
    }
    if out.is_empty() {
        out.push('_');
    }
    out
}

/// The record written last into every output folder.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    made: Made,
    /// Every file written, relative to the folder, sorted (`made-by.json` itself not listed).
    files: Vec<String>,
    zhagen: String,
}

/// Refuse to write `made` into `dir` when that would replace what zhagen did not make, or
/// (without `force`) results made by other settings. A missing or empty folder is fine.
pub fn check_target(dir: &Path, made: &Made, force: bool) -> Result<(), OutputError> {
    let bad = |why: String| OutputError::BadFolder {
        dir: dir.to_path_buf(),
        why,
    };
    let meta = match fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(OutputError::Read {
                path: dir.to_path_buf(),
                source,
            });
        }
    };
    if meta.file_type().is_symlink() {
        return Err(bad(
            "it is a symbolic link, and zhagen replaces an output folder whole; give the folder it points to, or a new one"
                .into(),
        ));
    }
    if !meta.is_dir() {
        return Err(bad(
            "it is a file, and zhagen never replaces a file it did not make; choose a new folder with --out".into(),
        ));
    }
    let found = list_files(dir)?;
    if found.is_empty() {
        return Ok(());
    }
    let occupied = |holds: String, advice: &str| OutputError::Occupied {
        dir: dir.to_path_buf(),
        holds,
        advice: advice.into(),
    };
    let Some(record) = read_record(dir) else {
        return Err(occupied(
            format!(
                "{} file(s) but no {MADE_BY} to show zhagen made them (e.g. `{}`)",
                found.len(),
                escape_controls(&found[0])
            ),
            "choose a new or empty folder with --out (results of an older zhagen can be deleted by hand)",
        ));
    };
    let foreign: Vec<&String> = found
        .iter()
        .filter(|f| *f != MADE_BY && record.files.binary_search(f).is_err())
        .collect();
    if !foreign.is_empty() {
        let shown: Vec<String> = foreign
            .iter()
            .take(3)
            .map(|f| format!("`{}`", escape_controls(f)))
            .collect();
        return Err(occupied(
            format!(
                "{} file(s) zhagen did not write ({}{})",
                foreign.len(),
                shown.join(", "),
                if foreign.len() > 3 { ", …" } else { "" }
            ),
            "move them out of the folder, or choose another with --out; zhagen never replaces what it did not make, even with --force",
        ));
    }
    let differs = record.made.differences(made);
    if differs.is_empty() || force {
        return Ok(());
    }
    Err(occupied(
        format!("other results ({})", differs.join("; ")),
        "pass --force to replace them, or choose another folder with --out",
    ))
}

/// Every file and link under `dir`, relative to it with `/` separators, sorted; folders are
/// walked, links are listed and never followed.
fn list_files(dir: &Path) -> Result<Vec<String>, OutputError> {
    fn walk(root: &Path, rel: &str, out: &mut Vec<String>) -> Result<(), OutputError> {
        let here = if rel.is_empty() {
            root.to_path_buf()
        } else {
            root.join(rel)
        };
        let entries = fs::read_dir(&here).map_err(|source| OutputError::Read {
            path: here.clone(),
            source,
        })?;
        for e in entries {
            let e = e.map_err(|source| OutputError::Read {
                path: here.clone(),
                source,
            })?;
            let name = e.file_name().to_string_lossy().into_owned();
            let path = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            match e.file_type() {
                Ok(t) if t.is_dir() => {
                    let before = out.len();
                    walk(root, &path, out)?;
                    // An empty folder is listed itself, so that it is not taken for nothing.
                    if out.len() == before {
                        out.push(format!("{path}/"));
                    }
                }
                _ => out.push(path),
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out)?;
    out.sort();
    Ok(out)
}

fn read_record(dir: &Path) -> Option<Record> {
    let text = fs::read_to_string(dir.join(MADE_BY)).ok()?;
    serde_json::from_str(&text).ok()
}

/// A lock held while it lives (advisory `flock`, released by the OS if the process dies).
struct Lock(#[allow(dead_code)] File);

/// Wait for the lock on folder `dir` (a folder, not a file in it, so that nothing is added to
/// the parent of the outputs).
fn lock(dir: &Path) -> Result<Lock, OutputError> {
    let f = File::open(dir).map_err(|source| OutputError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    f.lock().map_err(|source| OutputError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    Ok(Lock(f))
}

/// Write the whole output folder `dir` for `made`, all or nothing: `write` fills a fresh
/// staging folder beside `dir`, `made-by.json` is added, and the staging folder then takes
/// `dir`'s place. A run that fails or is killed before that leaves `dir` as it was (the
/// staging folder is removed, or cleared away by the next run); previous results are never
/// mixed with new ones. The target is checked again (`check_target`) just before the swap.
pub fn write_folder(
    dir: &Path,
    made: &Made,
    force: bool,
    write: impl FnOnce(&Path) -> Result<(), OutputError>,
) -> Result<(), OutputError> {
    let bad = |why: &str| OutputError::BadFolder {
        dir: dir.to_path_buf(),
        why: why.into(),
    };
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| bad("give a folder name, not `.` or `/`"))?;
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(|source| OutputError::CreateDir {
        path: parent.clone(),
        source,
    })?;
    let staging = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let staging_lock = {
        let _parent = lock(&parent)?;
        recover(&parent, &name);
        let _ = fs::remove_dir_all(&staging);
        fs::create_dir(&staging).map_err(|source| OutputError::CreateDir {
            path: staging.clone(),
            source,
        })?;
        // Held while the folder is written, so that another process's `recover` leaves it.
        lock(&staging)?
    };
    let written = write(&staging).and_then(|()| {
        let files = list_files(&staging)?;
        let record = Record {
            made: made.clone(),
            files,
            zhagen: env!("CARGO_PKG_VERSION").to_string(),
        };
        let json = serde_json::to_string_pretty(&record).expect("a record serialises");
        super::write_atomic(&staging, MADE_BY, format!("{json}\n").as_bytes())
    });
    let swapped = written.and_then(|()| {
        let _parent = lock(&parent)?;
        check_target(dir, made, force)?;
        swap(dir, &parent, &name, &staging)
    });
    drop(staging_lock);
    if swapped.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    swapped
}

/// Put `staging` in the place of `dir` (whose contents `check_target` has just cleared).
fn swap(dir: &Path, parent: &Path, name: &str, staging: &Path) -> Result<(), OutputError> {
    let moved = |source| OutputError::Write {
        path: dir.to_path_buf(),
        source,
    };
    if dir.exists() {
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        fs::rename(dir, &old).map_err(moved)?;
        if let Err(e) = fs::rename(staging, dir) {
            let _ = fs::rename(&old, dir);
            return Err(moved(e));
        }
        remove_previous(&old);
    } else {
        fs::rename(staging, dir).map_err(moved)?;
    }
    Ok(())
}

/// Remove a previous result moved aside by `swap`, its `made-by.json` last: a removal cut short
/// leaves a folder `recover` still knows as ours, and finishes.
fn remove_previous(old: &Path) {
    if let Ok(entries) = fs::read_dir(old) {
        for e in entries.flatten() {
            if e.file_name() == MADE_BY {
                continue;
            }
            match e.file_type() {
                Ok(t) if t.is_dir() => {
                    let _ = fs::remove_dir_all(e.path());
                }
                _ => {
                    let _ = fs::remove_file(e.path());
                }
            }
        }
    }
    let _ = fs::remove_file(old.join(MADE_BY));
    let _ = fs::remove_dir(old);
}

/// Tidy what an interrupted `write_folder` may have left beside `parent/name` (called with
/// the parent's lock held): a staging folder no live process holds is removed; if a swap was
/// cut between its two renames, the previous results are put back. Only folders are touched,
/// and an `.old-` folder only when it holds a `made-by.json`.
fn recover(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let dir = parent.join(name);
    for e in entries.flatten() {
        if !e.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let f = e.file_name().to_string_lossy().into_owned();
        if f.starts_with(&format!(".{name}.tmp-")) {
            // Being written by a live process when its lock is held.
            let held = File::open(e.path()).is_ok_and(|h| h.try_lock().is_err());
            if !held {
                let _ = fs::remove_dir_all(e.path());
            }
        } else if f.starts_with(&format!(".{name}.old-")) && e.path().join(MADE_BY).exists() {
            if dir.exists() {
                remove_previous(&e.path());
            } else {
                let _ = fs::rename(e.path(), &dir);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::folder_name;

    #[test]
    fn a_scenario_name_becomes_one_folder_inside_out_whatever_it_says() {
        for (name, folder) in [
            ("baseline", "baseline"),
            ("工资上调", "工资上调"),
            ("salary uplift 2025", "salary uplift 2025"),
            ("../../x", "______x"),
            ("/abs/dir", "_abs_dir"),
            ("baseline/variant", "baseline_variant"),
            (".", "_"),
            ("..", "__"),
            (".hidden", "_hidden"),
            ("v1.2", "v1.2"),
            ("", "_"),
            ("bad\u{1b}[31mname", "bad_[31mname"),
            ("a\\b:c", "a_b_c"),
        ] {
            assert_eq!(folder_name(name), folder, "{name:?}");
        }
        let long = "长".repeat(100);
        assert!(folder_name(&long).len() <= 200);
        assert!(long.starts_with(&folder_name(&long)));
    }
}
