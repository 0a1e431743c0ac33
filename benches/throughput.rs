//! Engine throughput in simulated worker-years per second (criterion's "elements" are
//! worker-years), on the shipped baseline at one thread.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::path::Path;
use zhagen::engine::{self, Silent};
use zhagen::scenario::Scenario;

fn baseline(reps: u32) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    Scenario::load(&path, &[format!("simulation.replications={reps}")]).expect("baseline loads")
}

fn throughput(c: &mut Criterion) {
    let s = baseline(4);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    // Worker-years of one run are fixed by the seed: measure them once for the throughput unit.
    let worker_years = pool
        .install(|| engine::run(&s, &Silent))
        .pooled
        .worker_years;
    let mut g = c.benchmark_group("baseline");
    g.sample_size(10);
    g.throughput(Throughput::Elements(worker_years.round() as u64));
    g.bench_function("4 replications, 1 thread", |b| {
        b.iter(|| pool.install(|| engine::run(&s, &Silent)))
    });
    g.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);
