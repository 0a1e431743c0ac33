//! How long `zhagen explore` takes to answer a lever move: the moved setting run against the
//! reference (cached, as on the page after its first draw) at the default 10 replications on
//! every core, with the charts drawn as SVG and the answer serialised as the page receives it.
//! `cargo bench --bench explore`. What the browser then spends inserting the SVGs is not in it.

use criterion::{Criterion, criterion_group, criterion_main};
use std::path::Path;
use zhagen::cancel::Cancel;
use zhagen::explore::Explorer;
use zhagen::explore::answer::{ReferenceCache, answer};

fn lever_move(c: &mut Criterion) {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let ex = Explorer::new(&base, Vec::new(), 10).expect("the baseline loads");
    let cache = ReferenceCache::default();
    let pool = rayon::ThreadPoolBuilder::new().build().expect("pool");
    // The page's first draw runs the reference; every lever move after it finds it cached.
    let first = ex.scenario(&[], 10).expect("scenario");
    pool.install(|| answer(&ex, &cache, first, &Cancel::new()))
        .expect("answer")
        .expect("not cancelled");
    let mut g = c.benchmark_group("explore");
    g.sample_size(10);
    let mut k = 0u32;
    g.bench_function(
        format!(
            "lever move, baseline, 10 replications, {} threads",
            pool.current_num_threads()
        ),
        |b| {
            b.iter(|| {
                // A different value each time, as a slider gives.
                k += 1;
                let v = format!("{}", 0.01 * (k % 30 + 1) as f64);
                let s = ex
                    .scenario(&[("policy.salary.performance_uplift".into(), v)], 10)
                    .expect("scenario");
                let a = pool
                    .install(|| answer(&ex, &cache, s, &Cancel::new()))
                    .expect("answer")
                    .expect("not cancelled");
                serde_json::to_string(&a).expect("json").len()
            })
        },
    );
    g.finish();
}

criterion_group!(benches, lever_move);
criterion_main!(benches);
