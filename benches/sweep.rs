//! Sweep bookkeeping: points per second of a Latin-hypercube sweep whose points are tiny (one
//! county, one replication, three years), so that what is measured is the sweep's own work —
//! each point's file written and synced, results.csv kept up to date, the plots at the end —
//! not the engine's. `cargo bench --bench sweep`.
//!
//! Two sizes: if the time per point at 800 points is about that at 200, the bookkeeping is
//! linear in the points (it was quadratic while results.csv was rebuilt from every point file
//! after every point).

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::path::Path;
use zhagen::cancel::Cancel;
use zhagen::engine::Silent;
use zhagen::sweep::{Sweep, run::run_sweep};

fn sweep_of(dir: &Path, points: usize) -> Sweep {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let file = dir.join(format!("lhs-{points}.toml"));
    std::fs::write(
        &file,
        format!(
            "base = {:?}\ndesign = \"latin_hypercube\"\npoints = {points}\nseed = 1\nreplications = 1\n\
             [[axis]]\nkey = \"policy.salary.remote_allowance\"\nmin = 0\nmax = 24000\n",
            base.display().to_string()
        ),
    )
    .expect("write the sweep file");
    let set = ["region.counties=1".into(), "simulation.years=3".into()];
    Sweep::load(&file, &set).expect("sweep loads")
}

fn bookkeeping(c: &mut Criterion) {
    let files = tempfile::tempdir().expect("temporary folder");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let mut g = c.benchmark_group("sweep of tiny points, 1 thread");
    g.sample_size(10);
    for points in [200, 800] {
        let sweep = sweep_of(files.path(), points);
        g.throughput(Throughput::Elements(points as u64));
        g.bench_with_input(BenchmarkId::new("points", points), &points, |b, _| {
            b.iter_batched(
                // A fresh folder each time: a folder with finished points would be skipped.
                || tempfile::tempdir().expect("output folder"),
                |out| {
                    pool.install(|| {
                        run_sweep(&sweep, out.path(), None, &Silent, &Cancel::new(), |_| {})
                    })
                    .expect("sweep runs");
                    out
                },
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, bookkeeping);
criterion_main!(benches);
