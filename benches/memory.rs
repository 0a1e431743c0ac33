//! Memory: bytes per simulated person, and the process's peak resident memory for a national
//! run against the number of people simulated. `cargo bench --bench memory`.
//!
//! The engine keeps no per-step history: a county's people live in one vector of plain
//! structs while the county runs; results are counts on fixed grids (O(output)).

use std::path::Path;
use zhagen::engine::{Silent, county::WORKER_BYTES};
use zhagen::runner;
use zhagen::scenario::Scenario;

/// Peak resident set of this process so far, bytes (Linux; None elsewhere).
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn main() {
    // `cargo bench` passes --bench; nothing to parse.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/national.toml");
    let s = Scenario::load(&path, &["simulation.replications=1".into()]).expect("national loads");
    let before = peak_rss();
    let r = runner::run(&s, &Silent);
    let after = peak_rss();
    let entrants: u64 = r.pooled.entrants.iter().sum();
    let threads = rayon::current_num_threads();
    println!("memory: one simulated person takes {WORKER_BYTES} bytes (limit 64)");
    println!(
        "national, 1 replication on {threads} threads: {entrants} people entered service over {} years, {:.1} M worker-years",
        s.simulation.years,
        r.pooled.worker_years / 1e6
    );
    match (before, after) {
        (Some(b), Some(a)) => println!(
            "peak resident memory {:.1} MB (before the run {:.1} MB): {:.1} bytes per person simulated — counties run one per thread at a time, so only their people are alive at once",
            a as f64 / 1e6,
            b as f64 / 1e6,
            a as f64 / entrants.max(1) as f64
        ),
        _ => println!("peak resident memory: not available on this platform"),
    }
}
