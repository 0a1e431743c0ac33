//! One run of the shipped baseline (4 replications, one thread), for counting instructions:
//! wall-clock throughput on a shared machine scatters by ±10% from run to run, an instruction
//! count does not (same binary, same inputs, same count), so changes to the engine are compared
//! by it (benches/README.md):
//!
//! ```text
//! cargo bench --bench instructions                 # builds it, runs it once
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
//!     $(ls -t target/release/deps/instructions-* | grep -v '\.d$' | head -1)
//! ```
//!
//! and instructions per worker-year = callgrind's `Collected` / the worker-years printed here.

use std::path::Path;
use zhagen::engine::Silent;
use zhagen::runner;
use zhagen::scenario::Scenario;

fn main() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let s = Scenario::load(&path, &["simulation.replications=4".into()]).expect("baseline loads");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let r = pool.install(|| runner::run(&s, &Silent));
    println!(
        "baseline, 4 replications, 1 thread: {:.0} worker-years (divide an instruction count of this run by it)",
        r.pooled.worker_years
    );
}
