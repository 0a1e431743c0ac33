//! `zhagen sweep` and `zhagen merge`: designs, streaming results, resuming after an
//! interruption, shards, and errors in sweep files.

mod common;

use assert_cmd::Command;
use common::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn zhagen() -> Command {
    Command::cargo_bin("zhagen").unwrap()
}

/// A small two-axis grid over the shipped baseline (6 points).
fn sweep_file(dir: &Path) -> PathBuf {
    write(
        dir,
        "s.toml",
        &format!(
            "base = {:?}\ndesign = \"grid\"\nreplications = 4\n\
             [[axis]]\nkey = \"policy.salary.remote_allowance\"\nvalues = [0, 12000, 24000]\n\
             [[axis]]\nkey = \"policy.recruitment.remote_ratio\"\nvalues = [1.0, 2.0]\n",
            baseline_path().display().to_string()
        ),
    )
}

fn args(file: &Path, out: &Path) -> Vec<String> {
    vec![
        "sweep".into(),
        file.display().to_string(),
        "--out".into(),
        out.display().to_string(),
        "--set".into(),
        "region.counties=2".into(),
        "--quiet".into(),
    ]
}

fn results(out: &Path) -> String {
    std::fs::read_to_string(out.join("results.csv")).expect("results.csv")
}

#[test]
fn a_grid_sweep_writes_one_row_per_point_and_agrees_at_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let f = sweep_file(dir.path());
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    zhagen()
        .args(args(&f, &one))
        .args(["--threads", "1"])
        .assert()
        .success();
    zhagen()
        .args(args(&f, &two))
        .args(["--threads", "2"])
        .assert()
        .success();
    let r = results(&one);
    assert_eq!(
        r,
        results(&two),
        "1 and 2 threads give the same results.csv"
    );
    let lines: Vec<&str> = r.lines().collect();
    assert!(lines[0].starts_with(
        "point,policy.salary.remote_allowance,policy.recruitment.remote_ratio,retention."
    ));
    assert_eq!(lines.len(), 7, "header and 6 points");
    assert!(lines[1].starts_with("0,0,1.0,"));
    assert!(lines[6].starts_with("5,24000,2.0,"));
    // More allowance, fewer vacancies (same seed at every point: the trend is not noise).
    let header: Vec<&str> = lines[0].split(',').collect();
    let col = header.iter().position(|h| *h == "vacancy.mean").unwrap();
    let vac = |i: usize| -> f64 { lines[i].split(',').nth(col).unwrap().parse().unwrap() };
    assert!(
        vac(1) > vac(3) && vac(3) > vac(5),
        "{} {} {}",
        vac(1),
        vac(3),
        vac(5)
    );
    for p in ["sweep.json", "points/point-000005.json"] {
        assert!(one.join(p).is_file(), "{p}");
    }
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(one.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(m["points"].as_array().unwrap().len(), 6);
    assert!(
        m.get("git_commit").is_some() && m["base_scenario_sha256"].as_str().unwrap().len() == 64
    );
    // Two axes: heatmaps of the plotted metrics.
    assert!(one.join("heatmap-vacancy.mean.svg").is_file());
    assert!(one.join("heatmap-vacancy.mean.png").is_file());
}

#[test]
fn a_sweep_killed_midway_and_run_again_ends_with_the_uninterrupted_results() {
    let dir = tempfile::tempdir().unwrap();
    let f = sweep_file(dir.path());
    let whole = dir.path().join("whole");
    zhagen().args(args(&f, &whole)).assert().success();

    let cut = dir.path().join("cut");
    let bin = assert_cmd::cargo::cargo_bin("zhagen");
    // Interrupt the same command as the uninterrupted run (SIGKILL: no chance to tidy up)
    // once two points are on disk, then run it again.
    let mut child = std::process::Command::new(&bin)
        .args(args(&f, &cut))
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        let n = std::fs::read_dir(cut.join("points"))
            .map(|d| {
                d.filter(|e| {
                    e.as_ref()
                        .is_ok_and(|e| e.file_name().to_string_lossy().starts_with("point-"))
                })
                .count()
            })
            .unwrap_or(0);
        if n >= 2 || start.elapsed() > Duration::from_secs(60) {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let _ = child.kill();
    let _ = child.wait();
    // Whatever is on disk now is whole: every point file parses.
    for e in std::fs::read_dir(cut.join("points")).unwrap() {
        let p = e.unwrap().path();
        if p.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("point-")
        {
            let text = std::fs::read_to_string(&p).unwrap();
            serde_json::from_str::<serde_json::Value>(&text).expect("a finished point is whole");
        }
    }
    zhagen().args(args(&f, &cut)).assert().success();
    assert_eq!(results(&cut), results(&whole));
}

#[test]
fn a_resumed_sweep_skips_finished_points_and_reruns_only_the_missing_ones() {
    let dir = tempfile::tempdir().unwrap();
    let f = sweep_file(dir.path());
    let out = dir.path().join("o");
    zhagen().args(args(&f, &out)).assert().success();
    let before = results(&out);
    let kept = std::fs::read(out.join("points/point-000001.json")).unwrap();
    std::fs::remove_file(out.join("points/point-000004.json")).unwrap();
    // A stray temporary file from an interrupted write is cleared away.
    write(&out.join("points"), ".point-000004.json.tmp-999", "{ half");
    let mut a = args(&f, &out);
    a.retain(|x| x != "--quiet");
    zhagen()
        .args(a)
        .assert()
        .success()
        .stdout(predicates::str::contains("5 already finished, 1 run now"));
    assert_eq!(results(&out), before);
    assert_eq!(
        std::fs::read(out.join("points/point-000001.json")).unwrap(),
        kept
    );
    assert!(!out.join("points/.point-000004.json.tmp-999").exists());
    // The same folder with another base scenario is refused, not mixed.
    zhagen()
        .args(args(&f, &out))
        .args(["--set", "policy.contract.obligation_years=8"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("holds another sweep"));
    assert_eq!(results(&out), before);
}

#[test]
fn shards_merged_give_the_results_of_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let f = sweep_file(dir.path());
    let whole = dir.path().join("whole");
    zhagen().args(args(&f, &whole)).assert().success();
    let mut shards = Vec::new();
    for k in 1..=4 {
        let out = dir.path().join(format!("shard-{k}"));
        zhagen()
            .args(args(&f, &out))
            .args(["--shard", &format!("{k}/4")])
            .assert()
            .success();
        shards.push(out);
    }
    // A shard holds only its own points.
    assert_eq!(results(&shards[0]).lines().count(), 1 + 2);
    let merged = dir.path().join("merged");
    zhagen()
        .arg("merge")
        .args(&shards)
        .args(["--out", merged.to_str().unwrap(), "--quiet"])
        .assert()
        .success();
    assert_eq!(results(&merged), results(&whole));
    // Merging an incomplete set fails, says what is missing, and writes nothing.
    let partial = dir.path().join("partial");
    zhagen()
        .arg("merge")
        .args(&shards[..3])
        .args(["--out", partial.to_str().unwrap(), "--quiet"])
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "1 of 6 points are in none of the folders (points 3)",
        ));
    assert!(!partial.exists());
    // A shard given twice fails too.
    zhagen()
        .arg("merge")
        .args(&shards)
        .arg(&shards[1])
        .args(["--out", partial.to_str().unwrap(), "--quiet"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("again"));
    assert!(!partial.exists());
    // A folder of one shard refuses another shard's points.
    zhagen()
        .args(args(&f, &shards[0]))
        .args(["--shard", "2/4"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("holds shard 1/4"));
}

#[test]
fn a_latin_hypercube_sweep_runs_its_points_inside_the_ranges() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "lhs.toml",
        &format!(
            "base = {:?}\ndesign = \"latin_hypercube\"\npoints = 5\nseed = 11\nreplications = 3\n\
             [[axis]]\nkey = \"policy.salary.performance_uplift\"\nmin = 0.0\nmax = 0.2\n\
             [[axis]]\nkey = \"policy.contract.obligation_years\"\nmin = 6\nmax = 9\ninteger = true\n",
            baseline_path().display().to_string()
        ),
    );
    let out = dir.path().join("o");
    zhagen().args(args(&f, &out)).assert().success();
    let r = results(&out);
    assert_eq!(r.lines().count(), 6);
    for line in r.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        let u: f64 = c[1].parse().unwrap();
        let y: i64 = c[2].parse().expect("whole years");
        assert!((0.0..=0.2).contains(&u) && (6..=9).contains(&y), "{line}");
    }
}

#[test]
fn mistakes_in_a_sweep_file_are_located_and_nothing_runs() {
    let dir = tempfile::tempdir().unwrap();
    let b = baseline_path().display().to_string();
    for (name, body, expect) in [
        (
            "typo.toml",
            format!(
                "base = {b:?}\nreplicatons = 3\n[[axis]]\nkey = \"policy.salary.remote_allowance\"\nvalues = [0]\n"
            ),
            "typo.toml:2:1: unknown field `replicatons`",
        ),
        (
            "key.toml",
            format!(
                "base = {b:?}\n[[axis]]\nkey = \"policy.salary.remote_alowance\"\nvalues = [0, 1]\n"
            ),
            "key.toml:3",
        ),
        (
            "value.toml",
            format!(
                "base = {b:?}\n[[axis]]\nkey = \"policy.salary.remote_allowance\"\nvalues = [0, -5]\n"
            ),
            "point 1 of the sweep (policy.salary.remote_allowance=-5)",
        ),
        (
            "range.toml",
            format!(
                "base = {b:?}\n[[axis]]\nkey = \"policy.salary.remote_allowance\"\nmin = 0\nmax = 5\n"
            ),
            "a grid axis lists its `values`",
        ),
        (
            "design.toml",
            format!(
                "base = {b:?}\ndesign = \"latin_hypercub\"\n[[axis]]\nkey = \"policy.salary.remote_allowance\"\nvalues = [0]\n"
            ),
            "did you mean `latin_hypercube`?",
        ),
        (
            "nobase.toml",
            "[[axis]]\nkey = \"a\"\nvalues = [0]\n".to_string(),
            "required key `base`",
        ),
    ] {
        let f = write(dir.path(), name, &body);
        let out = dir.path().join(format!("out-{name}"));
        zhagen()
            .args(args(&f, &out))
            .assert()
            .failure()
            .stderr(predicates::str::contains(expect));
        assert!(!out.exists(), "{name}: nothing written");
    }
    let key = write(
        dir.path(),
        "k2.toml",
        &format!(
            "base = {b:?}\n[[axis]]\nkey = \"policy.salary.remote_alowance\"\nvalues = [0, 1]\n"
        ),
    );
    zhagen()
        .args(args(&key, &dir.path().join("k2")))
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "did you mean `remote_allowance`?",
        ));
}

/// The baseline with its RTME pathway renamed `rtme.v2=x`: a name that must be quoted in a
/// dotted key, holding both a `.` and an `=`.
fn renamed_pathway_scenario(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(baseline_path())
        .unwrap()
        .replace(
            "[pathways.order_oriented]",
            "[pathways.\"rtme.v2=x\"]\nkind = \"order_oriented\"",
        )
        .replace("pathway = \"order_oriented\"", "pathway = \"rtme.v2=x\"");
    write(dir, "renamed.toml", &text)
}

/// Axis keys and values were pasted into `--set` text unescaped: a quoted part of a key holding
/// `=` split the override in the wrong place, and a key holding a newline set a second,
/// unswept key at every point. Keys are now read as TOML dotted keys when the sweep is loaded
/// (refused there, at their line, if they are not one), and every value reaches its point
/// exactly.
#[test]
fn axis_keys_and_text_values_reach_every_point_exactly_or_are_refused_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    renamed_pathway_scenario(dir.path());
    let texts = [
        "say \"hi\" = 'x' # not a comment",
        "two\nlines\nsimulation.seed = 99",
        "back\\slash, \"\"\" and a tab\t",
    ];
    let f = write(
        dir.path(),
        "s.toml",
        &format!(
            "base = \"renamed.toml\"\nreplications = 1\n\
             [[axis]]\nkey = 'pathways.\"rtme.v2=x\".base_exit_rate'\nvalues = [0.05, 0.07]\n\
             [[axis]]\nkey = \"description\"\nvalues = {}\n",
            toml::Value::Array(
                texts
                    .iter()
                    .map(|t| toml::Value::String(t.to_string()))
                    .collect()
            )
        ),
    );
    let sweep = zhagen::sweep::Sweep::load(&f, &["region.counties=2".into()]).unwrap();
    assert_eq!(sweep.points.len(), 6);
    let seed = sweep.scenario.simulation.seed;
    for p in &sweep.points {
        let s = sweep.point_scenario(p).unwrap();
        let rtme = s.pathway(s.pathway_id("rtme.v2=x").expect("the renamed pathway"));
        assert_eq!(Some(rtme.base_exit_rate.get()), p.values[0].as_float());
        assert_eq!(Some(s.description.as_str()), p.values[1].as_str());
        assert_eq!(s.simulation.seed, seed, "no value sets another key");
        assert_eq!(
            s.pathways.len(),
            sweep.scenario.pathways.len(),
            "no new pathway"
        );
    }
    // The key reaches results.csv as one cell.
    let out = dir.path().join("out");
    zhagen().args(args(&f, &out)).assert().success();
    let r = results(&out);
    assert!(
        r.starts_with("point,\"pathways.\"\"rtme.v2=x\"\".base_exit_rate\",description,"),
        "{}",
        r.lines().next().unwrap()
    );
    assert!(r.contains("\"two\nlines\nsimulation.seed = 99\""));

    // Keys that are not one dotted key are refused when the sweep is loaded, at their line.
    for (i, key) in [
        "region.counties = 1\nsimulation.seed",
        "pathways.\"rtme.v2=x.base_exit_rate",
        "policy.salary.remote_allowance=5",
        "policy.salary..remote_allowance",
    ]
    .into_iter()
    .enumerate()
    {
        let name = format!("bad{i}.toml");
        let f = write(
            dir.path(),
            &name,
            &format!(
                "base = \"renamed.toml\"\n[[axis]]\nkey = {}\nvalues = [0, 1]\n",
                toml::Value::String(key.into())
            ),
        );
        let out = dir.path().join(format!("out-{name}"));
        zhagen()
            .args(args(&f, &out))
            .assert()
            .failure()
            .stderr(predicates::str::contains(format!(
                "{name}:3:7: key `axis[0].key`"
            )))
            .stderr(predicates::str::contains("a dotted scenario key"));
        assert!(!out.exists(), "{name}: nothing written");
    }
}

#[test]
fn of_several_invalid_points_the_first_in_point_order_is_reported_at_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    // 300 points; 37 and every point from 100 on carry a negative allowance. Points are checked
    // in parallel: a thread starting in the later part meets a bad point at once.
    let values: Vec<String> = (0..300)
        .map(|i| {
            if i == 37 || i >= 100 {
                format!("-{i}")
            } else {
                (i * 10).to_string()
            }
        })
        .collect();
    let f = write(
        dir.path(),
        "many.toml",
        &format!(
            "base = {:?}\n[[axis]]\nkey = \"policy.salary.remote_allowance\"\nvalues = [{}]\n",
            baseline_path().display().to_string(),
            values.join(", ")
        ),
    );
    for threads in [1, 4] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let e = pool
            .install(|| zhagen::sweep::Sweep::load(&f, &[]))
            .expect_err("invalid points")
            .to_string();
        assert!(
            e.contains("point 37 of the sweep (policy.salary.remote_allowance=-37)"),
            "{threads} threads: {e}"
        );
    }
}

#[test]
fn an_edited_renamed_or_copied_point_file_is_run_again_and_results_stay_those_of_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let f = sweep_file(dir.path());
    let out = dir.path().join("o");
    zhagen().args(args(&f, &out)).assert().success();
    let before = results(&out);
    let points = out.join("points");
    let file = |i: u32| points.join(format!("point-{i:06}.json"));
    // Edited: a metric changed by hand, the checksum left as it was.
    let text = std::fs::read_to_string(file(2)).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["metrics"][0][0] = serde_json::json!(0.999);
    std::fs::write(file(2), serde_json::to_string_pretty(&v).unwrap()).unwrap();
    // Another point's result copied under this point's name.
    std::fs::copy(file(0), file(3)).unwrap();
    // A copy under a name that is not a point file's: not ours, left alone.
    std::fs::copy(file(1), points.join("point-000001 (copy).json")).unwrap();
    // A temporary-looking file of the user's: not ours either.
    write(&out, "draft.tmp-1", "mine");
    let mut a = args(&f, &out);
    a.retain(|x| x != "--quiet");
    zhagen()
        .args(a)
        .assert()
        .success()
        .stderr(predicates::str::contains("2 point file(s) in"))
        .stderr(predicates::str::contains(
            "point-000002.json, point-000003.json",
        ))
        .stdout(predicates::str::contains("4 already finished, 2 run now"));
    assert_eq!(results(&out), before);
    assert!(points.join("point-000001 (copy).json").is_file());
    assert_eq!(
        std::fs::read_to_string(out.join("draft.tmp-1")).unwrap(),
        "mine"
    );
}

#[test]
fn a_sweep_or_a_merge_never_writes_over_a_folder_of_someone_else_s_files() {
    let dir = tempfile::tempdir().unwrap();
    let f = sweep_file(dir.path());
    // A folder with the user's own results.csv is not a sweep folder.
    let mine = dir.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    write(&mine, "results.csv", "my,own\n");
    zhagen()
        .args(args(&f, &mine))
        .assert()
        .failure()
        .stderr(predicates::str::contains("no sweep.json"));
    assert_eq!(
        std::fs::read_to_string(mine.join("results.csv")).unwrap(),
        "my,own\n"
    );
    assert!(!mine.join("points").exists());
    // A merge into a run's folder is refused, and the run left whole.
    let whole = dir.path().join("whole");
    zhagen().args(args(&f, &whole)).assert().success();
    let run = dir.path().join("run");
    zhagen()
        .args(["run", baseline_path().to_str().unwrap(), "--out"])
        .arg(&run)
        .args([
            "--set",
            "region.counties=2",
            "--replications",
            "2",
            "--quiet",
        ])
        .assert()
        .success();
    let summary = std::fs::read(run.join("summary.json")).unwrap();
    zhagen()
        .args([
            "merge",
            whole.to_str().unwrap(),
            "--out",
            run.to_str().unwrap(),
            "--quiet",
        ])
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "made by `zhagen run`, this is `zhagen merge`",
        ));
    assert_eq!(std::fs::read(run.join("summary.json")).unwrap(), summary);
    assert!(!run.join("sweep.json").exists());
    // A merge is repeatable into its own folder.
    let merged = dir.path().join("merged");
    for _ in 0..2 {
        zhagen()
            .args([
                "merge",
                whole.to_str().unwrap(),
                "--out",
                merged.to_str().unwrap(),
                "--quiet",
            ])
            .assert()
            .success();
        assert_eq!(results(&merged), results(&whole));
    }
}

/// A grid over the baseline with the given axes (`key`, values as TOML list contents).
fn grid(dir: &Path, axes: &[(&str, String)]) -> PathBuf {
    let mut text = format!(
        "base = {:?}\ndesign = \"grid\"\n",
        baseline_path().display().to_string()
    );
    for (key, values) in axes {
        text.push_str(&format!("[[axis]]\nkey = \"{key}\"\nvalues = [{values}]\n"));
    }
    write(dir, "grid.toml", &text)
}

fn list(values: impl Iterator<Item = String>) -> String {
    values.collect::<Vec<_>>().join(", ")
}

#[test]
fn a_million_point_grid_is_refused_by_its_size_before_any_point_is_loaded_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    let f = grid(
        dir.path(),
        &[
            (
                "policy.salary.remote_allowance",
                list((0..100).map(|i| (i * 100).to_string())),
            ),
            (
                "policy.recruitment.remote_ratio",
                list((0..100).map(|i| format!("{:.2}", 1.0 + i as f64 * 0.01))),
            ),
            (
                "region.funded_share",
                list((0..100).map(|i| format!("{:.3}", 0.5 + i as f64 * 0.001))),
            ),
        ],
    );
    let out = dir.path().join("o");
    zhagen()
        .args([
            "sweep",
            f.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ])
        .assert()
        .failure()
        .stderr(predicates::str::contains("days on"))
        .stderr(predicates::str::contains("--allow-large"));
    assert!(!out.exists());
}

#[test]
fn in_a_grid_too_large_to_load_point_by_point_an_invalid_value_is_still_found_at_its_first_point() {
    let dir = tempfile::tempdir().unwrap();
    // 101 × 100 = 10,100 points, past the point-by-point check; one value is negative.
    let allowances = list(
        (0..100)
            .map(|i| (i * 100).to_string())
            .chain(["-5".to_string()]),
    );
    let f = grid(
        dir.path(),
        &[
            ("policy.salary.remote_allowance", allowances),
            (
                "region.funded_share",
                list((0..100).map(|i| format!("{:.3}", 0.5 + i as f64 * 0.001))),
            ),
        ],
    );
    let out = dir.path().join("o");
    let o = zhagen()
        .args([
            "sweep",
            f.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("grid.toml:"), "{stderr}");
    assert!(
        stderr.contains("policy.salary.remote_allowance=-5"),
        "{stderr}"
    );
    assert!(stderr.contains("an amount of yuan ≥ 0"), "{stderr}");
    assert!(!out.exists());
}

/// A Latin hypercube varies every axis at every point, so a line through its points would draw
/// a pattern that is not there: each plotted metric gets scatter panels against each axis, with
/// the axes in plain words and units, and the sweep's `plot = [...]` decides which metrics.
#[test]
fn a_latin_hypercube_sweep_draws_scatter_panels_of_the_metrics_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "lhs.toml",
        &format!(
            "base = {:?}\ndesign = \"latin_hypercube\"\npoints = 6\nseed = 3\nreplications = 3\n\
             plot = [\"vacancy.remote.mean\", \"outflow\"]\n\
             [[axis]]\nkey = \"policy.salary.remote_allowance\"\nmin = 0\nmax = 24000\n\
             [[axis]]\nkey = \"policy.recruitment.remote_ratio\"\nmin = 1.0\nmax = 2.0\n",
            baseline_path().display().to_string()
        ),
    );
    let out = dir.path().join("out");
    zhagen().args(args(&file, &out)).assert().success();
    let mut charts: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".svg"))
        .collect();
    charts.sort();
    assert_eq!(
        charts,
        ["scatter-outflow.svg", "scatter-vacancy.remote.mean.svg"],
        "one chart per metric named in `plot`, none for the others"
    );
    assert!(out.join("scatter-outflow.png").is_file());
    let svg = std::fs::read_to_string(out.join("scatter-vacancy.remote.mean.svg")).unwrap();
    for words in [
        "Remote-post allowance (yuan a year)",
        "Applicants required per advertised post in remote townships",
        "Spearman ρ",
        "Vacant share of centre posts in remote townships",
    ] {
        assert!(svg.contains(words), "{words} missing from the chart");
    }
}

#[test]
fn a_sweep_follows_each_share_benchmark_as_its_source_measured_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "one.toml",
        &format!(
            "base = {:?}\ndesign = \"grid\"\nreplications = 4\n\
             [[axis]]\nkey = \"policy.salary.remote_allowance\"\nvalues = [0]\n",
            baseline_path().display().to_string()
        ),
    );
    let out = dir.path().join("sweep");
    zhagen().args(args(&file, &out)).assert().success();
    // The single point is the baseline itself: its benchmark column is what `run` reports.
    let run = dir.path().join("run");
    zhagen()
        .arg("run")
        .arg(baseline_path())
        .args([
            "--set",
            "region.counties=2",
            "--replications",
            "4",
            "--quiet",
            "--out",
        ])
        .arg(&run)
        .assert()
        .success();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("summary.json")).unwrap()).unwrap();
    let simulated = summary["benchmarks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == "rtme_post_contract_retention")
        .unwrap()["simulated"]
        .as_f64()
        .unwrap();
    let r = results(&out);
    let lines: Vec<&str> = r.lines().collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "benchmark.rtme_post_contract_retention")
        .expect("a column per share benchmark");
    let value: f64 = lines[1].split(',').nth(col).unwrap().parse().unwrap();
    assert!((value - simulated).abs() < 1e-6, "{value} vs {simulated}");
    // A benchmark measured in years (a mean age) is not a share column.
    assert!(!header.contains(&"benchmark.village_doctor_mean_age"));
}
