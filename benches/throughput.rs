//! Engine throughput in simulated worker-years per second (criterion's "elements" are
//! worker-years: one worker over one simulated year, whatever the time step), and parallel
//! scaling, on the shipped baseline and national scenarios.
//!
//! `cargo bench --bench throughput` — per-core throughput (one thread) on the baseline; the
//! national scenario (one replication, ≈ 80 M worker-years) at 1, 2, 4, … threads up to the
//! machine's cores; then a parallel-efficiency table (N-thread throughput over N × one-thread
//! throughput) from runs of its own, since criterion reports each thread count alone.
//! `cargo bench --bench throughput -- efficiency` prints the table only. Figures and the
//! machine they came from: benches/README.md.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use std::path::{Path, PathBuf};
use std::time::Instant;
use zhagen::engine::Silent;
use zhagen::runner;
use zhagen::scenario::Scenario;

/// The shipped scenarios: beside the sources this was built from, or — for a bench binary
/// copied to another machine (`scripts/device-scaling.sh`) — under the working directory.
fn scenarios_dir() -> PathBuf {
    let built_from = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    if built_from.is_dir() {
        built_from
    } else {
        PathBuf::from("scenarios")
    }
}

fn scenario(file: &str, reps: u32) -> Scenario {
    let path = scenarios_dir().join(file);
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
        .install(|| runner::run(s, &Silent))
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
        b.iter(|| p.install(|| runner::run(&s, &Silent)))
    });
    g.finish();
}

/// 1, 2, 4, … up to the machine's cores, and the core count itself.
fn thread_counts() -> Vec<usize> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut threads = vec![1];
    while threads.last().copied().unwrap_or(1) * 2 <= cores {
        threads.push(threads.last().copied().unwrap_or(1) * 2);
    }
    if threads.last() != Some(&cores) {
        threads.push(cores);
    }
    threads
}

fn scaling(c: &mut Criterion) {
    let s = scenario("national.toml", 1);
    let wy = worker_years(&s);
    let threads = thread_counts();
    let mut g = c.benchmark_group("national, 1 replication");
    g.sample_size(10);
    g.throughput(Throughput::Elements(wy));
    for t in threads {
        let p = pool(t);
        g.bench_with_input(BenchmarkId::new("threads", t), &t, |b, _| {
            b.iter(|| p.install(|| runner::run(&s, &Silent)))
        });
    }
    g.finish();
}

/// Runs of one national replication timed at each thread count.
const EFFICIENCY_RUNS: usize = 5;

/// Parallel efficiency on the national scenario: each thread count is timed over
/// `EFFICIENCY_RUNS` runs (after one warm-up) and its median compared with one thread's.
fn efficiency_table() {
    let s = scenario("national.toml", 1);
    let wy = worker_years(&s) as f64;
    println!(
        "\nparallel efficiency, national scenario, one replication ({:.1} M worker-years), median of {EFFICIENCY_RUNS} runs",
        wy / 1e6
    );
    println!(
        "{:>7}  {:>22}  {:>18}  {:>8}  {:>10}  results vs 1 thread",
        "threads", "seconds (min–max)", "M worker-years/s", "speed-up", "efficiency"
    );
    let mut one_thread: Option<(f64, String)> = None;
    for t in thread_counts() {
        let p = pool(t);
        // The warm-up run's results, printed exactly (`Debug` writes every float in full), are
        // checked against one thread's: a many-core machine is where a merge whose order
        // depends on the thread count would show.
        let fingerprint = format!("{:?}", p.install(|| runner::run(&s, &Silent)).pooled);
        let mut secs: Vec<f64> = (0..EFFICIENCY_RUNS)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(p.install(|| runner::run(&s, &Silent)));
                start.elapsed().as_secs_f64()
            })
            .collect();
        secs.sort_by(f64::total_cmp);
        let median = secs[EFFICIENCY_RUNS / 2];
        let (base, base_print) = one_thread.get_or_insert((median, fingerprint.clone()));
        let speedup = *base / median;
        let same = if *base_print == fingerprint {
            "identical"
        } else {
            "DIFFERENT (a bug: results must not depend on the thread count)"
        };
        println!(
            "{t:>7}  {:>8.3} ({:.3}–{:.3})  {:>18.1}  {:>7.2}×  {:>9.1}%  {same}",
            median,
            secs[0],
            secs[EFFICIENCY_RUNS - 1],
            wy / median / 1e6,
            speedup,
            100.0 * speedup / t as f64
        );
    }
}

criterion_group!(benches, per_core, scaling);

/// The positional arguments of a bench command line: criterion's name filters, without its
/// options and their values.
fn name_filters(args: impl Iterator<Item = String>) -> Vec<String> {
    // criterion's options that take a value as the next argument.
    const WITH_VALUE: [&str; 14] = [
        "--baseline",
        "--color",
        "--confidence-level",
        "--format",
        "--load-baseline",
        "--measurement-time",
        "--noise-threshold",
        "--nresamples",
        "--output-format",
        "--plotting-backend",
        "--profile-time",
        "--sample-size",
        "--save-baseline",
        "--warm-up-time",
    ];
    let mut filters = Vec::new();
    let mut skip_value = false;
    for a in args {
        if std::mem::take(&mut skip_value) {
            continue;
        }
        if a.starts_with('-') {
            skip_value = WITH_VALUE.contains(&a.as_str());
        } else {
            filters.push(a);
        }
    }
    filters
}

fn main() {
    // A name filter (`cargo bench --bench throughput -- baseline`) selects the criterion
    // benches it matches, and the efficiency table only if it matches that.
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `--test` (run each bench once, as a check) and `--list` leave the table out.
    let quick = args.iter().any(|a| a == "--test" || a == "--list");
    let filters = name_filters(args.into_iter());
    let wants =
        |name: &str| filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()));
    if !(filters.len() == 1 && filters[0] == "efficiency") {
        benches();
        Criterion::default().configure_from_args().final_summary();
    }
    if wants("efficiency") && !quick {
        efficiency_table();
    }
}
