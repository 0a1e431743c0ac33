//! SIGKILL at many moments during `run`, `compare` and `calibrate`: the output folder is always
//! the previous result or the new one, each whole (exactly the files its `made-by.json`
//! lists), never a mix; a swap cut between its two renames leaves the previous result whole
//! beside it, and the next writer puts it back or replaces it. A sweep killed again and again,
//! each time while resuming, ends with the uninterrupted sweep's results byte for byte.

mod common;

use assert_cmd::Command;
use common::{baseline_path, write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

fn zhagen() -> Command {
    Command::cargo_bin("zhagen").unwrap()
}

/// The folder `dir` if whole: its `made-by.json` command and replications, after checking that
/// the folder holds exactly the files that record lists.
fn whole(dir: &Path) -> (String, u64) {
    let record: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("made-by.json")).expect("made-by.json"),
    )
    .expect("a whole record");
    let listed: Vec<String> = record["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                if rel != "made-by.json" {
                    found.push(rel);
                }
            }
        }
    }
    found.sort();
    assert_eq!(
        found,
        listed,
        "{}: the files are those of one result",
        dir.display()
    );
    (
        record["made"]["command"].as_str().unwrap().to_string(),
        record["made"]["replications"].as_u64().unwrap(),
    )
}

/// What the parent of `out` holds besides `out`: staging or previous folders a kill left.
fn leftovers(out: &Path) -> Vec<PathBuf> {
    let name = out.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().into_owned();
            n.starts_with(&format!(".{name}."))
        })
        .collect()
}

/// Kill `zhagen ARGS` (writing `out`, whose previous result has `old` replications and the
/// new one `new`) after each delay; check the folder after every kill, and that the next
/// complete run leaves one whole result. Returns (kills tried, old result seen, new seen, swap
/// cut between its renames).
fn kill_repeatedly(args: &[String], out: &Path, old: u64, new: u64) -> [u32; 4] {
    let mut counts = [0u32; 4];
    let bin = assert_cmd::cargo::cargo_bin("zhagen");
    for delay_ms in [
        5u64, 20, 40, 70, 100, 140, 200, 260, 340, 450, 600, 800, 1100, 1500,
    ] {
        let mut child = std::process::Command::new(&bin)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        counts[0] += 1;
        if out.exists() {
            let (_, reps) = whole(out);
            assert!(
                reps == old || reps == new,
                "killed after {delay_ms} ms: {reps} replications"
            );
            counts[if reps == old { 1 } else { 2 }] += 1;
        } else {
            // Cut between the renames: the previous result waits, whole, beside the folder.
            let kept: Vec<PathBuf> = leftovers(out)
                .into_iter()
                .filter(|p| p.to_string_lossy().contains(".old-"))
                .collect();
            assert_eq!(
                kept.len(),
                1,
                "killed after {delay_ms} ms: no result and {kept:?}"
            );
            whole(&kept[0]);
            counts[3] += 1;
        }
        // The next writer tidies up and leaves one whole result.
        zhagen().args(args).assert().success();
        assert_eq!(whole(out).1, new);
        assert!(leftovers(out).is_empty(), "{:?}", leftovers(out));
        // Back to the previous result for the next kill.
        let mut back: Vec<String> = args.to_vec();
        let at = back.iter().position(|a| a == "--replications").unwrap();
        back[at + 1] = old.to_string();
        zhagen().args(&back).assert().success();
        assert_eq!(whole(out).1, old);
    }
    counts
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| a.to_string()).collect()
}

#[test]
fn a_run_killed_at_fourteen_moments_is_always_the_old_result_or_the_new_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results");
    let b = baseline_path();
    let args = |reps: &str| {
        let mut a = strings(&["run", b.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        a.extend(strings(&[
            "--set",
            "region.counties=3",
            "--quiet",
            "--force",
            "--replications",
            reps,
        ]));
        a
    };
    zhagen().args(args("2")).assert().success();
    let counts = kill_repeatedly(&args("6"), &out, 2, 6);
    eprintln!(
        "run: {} kills: {} old, {} new, {} cut mid-swap",
        counts[0], counts[1], counts[2], counts[3]
    );
}

#[test]
fn a_comparison_killed_at_fourteen_moments_is_always_the_old_result_or_the_new_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("compared");
    let b = baseline_path();
    let lever = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/salary-uplift.toml");
    let args = |reps: &str| {
        let mut a = strings(&["compare", b.to_str().unwrap(), lever.to_str().unwrap()]);
        a.extend(strings(&[
            "--out",
            out.to_str().unwrap(),
            "--set",
            "region.counties=3",
        ]));
        a.extend(strings(&["--quiet", "--force", "--replications", reps]));
        a
    };
    zhagen().args(args("2")).assert().success();
    let counts = kill_repeatedly(&args("5"), &out, 2, 5);
    eprintln!(
        "compare: {} kills: {} old, {} new, {} cut mid-swap",
        counts[0], counts[1], counts[2], counts[3]
    );
}

#[test]
fn a_calibration_killed_at_fourteen_moments_is_always_the_old_fit_or_the_new_whole() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(
        dir.path(),
        "fit.toml",
        &format!(
            "base = {:?}\n[region]\ncounties = 2\n[calibration]\nmax_evaluations = 4\n\
             [[calibration.free]]\nkey = \"behaviour.contract_end_hr\"\nmin = 2.0\nmax = 12.0\n",
            baseline_path()
        ),
    );
    let out = dir.path().join("fit");
    let args = |reps: &str| {
        strings(&[
            "calibrate",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
            "--force",
            "--replications",
            reps,
        ])
    };
    zhagen().args(args("2")).assert().success();
    let counts = kill_repeatedly(&args("3"), &out, 2, 3);
    eprintln!(
        "calibrate: {} kills: {} old, {} new, {} cut mid-swap",
        counts[0], counts[1], counts[2], counts[3]
    );
}

#[test]
fn a_sweep_killed_at_many_moments_while_resuming_ends_with_the_uninterrupted_results() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = write(
        dir.path(),
        "s.toml",
        &format!(
            "base = {:?}\ndesign = \"grid\"\nreplications = 3\n\
             [[axis]]\nkey = \"policy.salary.remote_allowance\"\nvalues = [0, 6000, 12000, 18000]\n\
             [[axis]]\nkey = \"policy.recruitment.remote_ratio\"\nvalues = [1.0, 2.0, 3.0]\n",
            baseline_path()
        ),
    );
    let args = |out: &Path| {
        strings(&[
            "sweep",
            sweep.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--set",
            "region.counties=2",
            "--quiet",
        ])
    };
    let whole_sweep = dir.path().join("whole");
    let started = std::time::Instant::now();
    zhagen().args(args(&whole_sweep)).assert().success();
    // Kill moments as fractions of how long the whole sweep takes here, so that the kills fall
    // inside the work on a fast machine and a slow one alike (a debug build is ~20x slower).
    let sweep_time = started.elapsed();
    let expected = std::fs::read(whole_sweep.join("results.csv")).unwrap();

    // The same folder, killed at each moment in turn without ever finishing in between: every
    // start resumes what the kills before it left.
    let cut = dir.path().join("cut");
    let bin = assert_cmd::cargo::cargo_bin("zhagen");
    let points = |d: &Path| -> usize {
        std::fs::read_dir(d.join("points"))
            .map(|r| {
                r.flatten()
                    .filter(|e| e.file_name().to_string_lossy().starts_with("point-"))
                    .count()
            })
            .unwrap_or(0)
    };
    let (mut kills, mut grew) = (0u32, 0u32);
    for percent in [3u32, 6, 9, 12, 15, 18, 21, 24, 27, 30] {
        let before = points(&cut);
        let mut child = std::process::Command::new(&bin)
            .args(args(&cut))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(sweep_time * percent / 100);
        let _ = child.kill();
        let _ = child.wait();
        kills += 1;
        // Every point file on disk is whole (a kill never leaves half a point under its name).
        for e in std::fs::read_dir(cut.join("points"))
            .into_iter()
            .flatten()
            .flatten()
        {
            if e.file_name().to_string_lossy().starts_with("point-") {
                let text = std::fs::read_to_string(e.path()).unwrap();
                serde_json::from_str::<serde_json::Value>(&text)
                    .unwrap_or_else(|err| panic!("{}: {err}", e.path().display()));
            }
        }
        grew += u32::from(points(&cut) > before);
    }
    let finished = points(&cut);
    zhagen().args(args(&cut)).assert().success();
    assert_eq!(
        std::fs::read(cut.join("results.csv")).unwrap(),
        expected,
        "resumed after {kills} kills: the uninterrupted results byte for byte"
    );
    let tmp: Vec<_> = std::fs::read_dir(cut.join("points"))
        .unwrap()
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with("point-"))
        .map(|e| e.file_name())
        .collect();
    assert!(tmp.is_empty(), "no temporary files left: {tmp:?}");
    eprintln!(
        "sweep: {kills} kills, {grew} of them after new points were on disk, \
         {finished} of 12 points finished before the last start"
    );
}

/// A tmpfs of `size` mounted at a fresh folder, unmounted when dropped; `None` where this
/// process may not mount one (not root, or no mount in the container).
struct Tmpfs(PathBuf, #[allow(dead_code)] tempfile::TempDir);

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().ok()?;
        let at = dir.path().join("disk");
        std::fs::create_dir(&at).ok()?;
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(at, dir))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_leaves_the_previous_results_whole_and_no_staging_behind() {
    // The same failure injected at every write is tested in tests/robustness.rs; this is the
    // real thing, on a small tmpfs, where one can be mounted.
    let Some(disk) = Tmpfs::mount("8m") else {
        eprintln!("skipped: cannot mount a tmpfs here (the injected write failure covers it)");
        return;
    };
    let out = disk.0.join("results");
    let b = baseline_path();
    let run = |reps: &str| {
        let mut c = zhagen();
        c.args(["run", b.to_str().unwrap(), "--out", out.to_str().unwrap()])
            .args([
                "--set",
                "region.counties=2",
                "--quiet",
                "--force",
                "--replications",
                reps,
            ]);
        c
    };
    run("2").assert().success();
    let before = whole(&out);
    // Fill the disk, leaving too little room for a second copy of the results.
    let size: u64 = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.metadata().unwrap().len())
        .sum();
    let filler = disk.0.join("filler");
    let free = fs2_free(&disk.0);
    std::fs::write(&filler, vec![0u8; (free.saturating_sub(size / 2)) as usize]).unwrap();
    run("3")
        .assert()
        .failure()
        .stderr(predicates::str::contains("No space left"));
    assert_eq!(whole(&out), before, "the previous results, whole");
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
    std::fs::remove_file(&filler).unwrap();
    run("3").assert().success();
    assert_eq!(whole(&out).1, 3);
}

/// Free bytes on the file system holding `path` (from `df`, to need no extra crate).
fn fs2_free(path: &Path) -> u64 {
    let o = std::process::Command::new("df")
        .args(["-B1", "--output=avail"])
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .nth(1)
        .and_then(|l| l.trim().parse().ok())
        .unwrap()
}
