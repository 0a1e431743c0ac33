//! Shared helpers for the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use zhagen::engine::Silent;
use zhagen::runner;
use zhagen::scenario::Scenario;
use zhagen::stats::RunResult;

pub fn baseline_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml")
}

/// The shipped baseline with `overrides` applied (dotted `key=value`, as `--set`).
pub fn baseline_with(overrides: &[&str]) -> Scenario {
    let o: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    Scenario::load(&baseline_path(), &o).expect("baseline loads")
}

/// A smaller baseline for fast tests: 3 counties, 8 replications.
pub fn small_baseline(extra: &[&str]) -> Scenario {
    let mut o = vec!["region.counties=3", "simulation.replications=8"];
    o.extend_from_slice(extra);
    baseline_with(&o)
}

/// Run on a pool of exactly `threads` threads.
pub fn run_on(s: &Scenario, threads: usize) -> RunResult {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    pool.install(|| runner::run(s, &Silent))
}

/// Write `text` to `dir/name` and return the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write test file");
    p
}

/// Retention of pathway `name` at whole years, from a run.
pub fn retention(r: &RunResult, name: &str) -> Vec<f64> {
    let curves = &r.curves;
    let c = curves
        .iter()
        .find(|c| c.pathway == name)
        .expect("pathway exists");
    c.rows.iter().map(|row| row.retention).collect()
}

/// A test that needs an outside tool (headless Chromium, a Slurm cluster) and cannot run here.
/// On a developer's machine it says why and the test passes without checking anything; in CI
/// (`CI` is set) a missing tool is a failure, so such a test can never pass silently there —
/// `.ci/run` installs the tools.
pub fn skip_unless_ci(why: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("cannot run in CI: {why} (.ci/run should install it)");
    }
    eprintln!("skipped: {why}");
}
