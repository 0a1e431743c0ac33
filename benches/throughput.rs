//! Engine throughput in simulated worker-years per second (criterion's "elements" are
//! worker-years: one worker over one simulated year, whatever the time step), and parallel
//! scaling, on the shipped baseline and national scenarios.
//!
//! `cargo bench --bench throughput` — per-core throughput (one thread) on the baseline; the
//! national scenario (one replication, ≈ 80 M worker-years) at 1, 2, 4, … threads up to the
//! machine's cores, whose throughputs give the parallel efficiency (N-thread throughput over
//! N × one-thread throughput). Figures and the machine they came from: benches/README.md.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::path::Path;
use zhagen::engine::{self, Silent};
use zhagen::scenario::Scenario;

fn scenario(file: &str, reps: u32) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(file);
    Scenario::load(&path, &[format!("simulation.replications={reps}")]).expect("scenario loads")
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool")
}

/// Worker-years of one run are fixed by the seed: measured once for the throughput unit.
fn worker_years(s: &Scenario) -> u64 {
    pool(1)
        .install(|| engine::run(s, &Silent))
        .pooled
        .worker_years
        .round() as u64
}

fn per_core(c: &mut Criterion) {
    let s = scenario("baseline.toml", 4);
    let p = pool(1);
    let mut g = c.benchmark_group("baseline");
    g.sample_size(10);
    g.throughput(Throughput::Elements(worker_years(&s)));
    g.bench_function("4 replications, 1 thread", |b| {
        b.iter(|| p.install(|| engine::run(&s, &Silent)))
    });
    g.finish();
}

fn scaling(c: &mut Criterion) {
    let s = scenario("national.toml", 1);
    let wy = worker_years(&s);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut threads = vec![1];
    while threads.last().copied().unwrap_or(1) * 2 <= cores {
        threads.push(threads.last().copied().unwrap_or(1) * 2);
    }
    if threads.last() != Some(&cores) {
        threads.push(cores);
    }
    let mut g = c.benchmark_group("national, 1 replication");
    g.sample_size(10);
    g.throughput(Throughput::Elements(wy));
    for t in threads {
        let p = pool(t);
        g.bench_with_input(BenchmarkId::new("threads", t), &t, |b, _| {
            b.iter(|| p.install(|| engine::run(&s, &Silent)))
        });
    }
    g.finish();
}

criterion_group!(benches, per_core, scaling);
criterion_main!(benches);
