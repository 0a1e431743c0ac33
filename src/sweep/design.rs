//! The points of a sweep: every combination of the axes' values (a grid) or a Latin hypercube
//! over numeric ranges, and the `--shard K/N` split of them.

use super::*;

/// The points of a design, numbered from 0. A grid varies the last axis fastest; a given
/// design's points are made elsewhere (none here).
pub fn design_points(design: &Design, axes: &[Axis]) -> Vec<Point> {
    match *design {
        Design::Given(_) => Vec::new(),
        Design::Grid => {
            let lists: Vec<&Vec<toml::Value>> = axes
                .iter()
                .map(|a| match &a.values {
                    AxisValues::List(v) => v,
                    AxisValues::Range { .. } => unreachable!("validated: grid axes list values"),
                })
                .collect();
            let total: usize = lists.iter().map(|l| l.len()).product();
            (0..total)
                .map(|i| {
                    let mut rest = i;
                    let mut values = vec![toml::Value::Integer(0); lists.len()];
                    for (k, l) in lists.iter().enumerate().rev() {
                        values[k] = l[rest % l.len()].clone();
                        rest /= l.len();
                    }
                    Point {
                        id: i as u32,
                        values,
                    }
                })
                .collect()
        }
        Design::LatinHypercube { points, seed } => {
            let n = points as usize;
            // One stratum per point on every axis, strata shuffled independently per axis, a
            // uniform draw within each stratum; all from the design seed, so the points are
            // the same on every machine.
            let mut columns = Vec::new();
            for (k, a) in axes.iter().enumerate() {
                let mut rng = crate::engine::rng::stream(crate::engine::rng::key(&[
                    seed,
                    0x53_5745_4550, // "SWEEP" in ASCII
                    k as u64,
                ]));
                let mut strata: Vec<usize> = (0..n).collect();
                for i in (1..n).rev() {
                    let j = rng.random_range(0..=i);
                    strata.swap(i, j);
                }
                let AxisValues::Range { min, max, integer } = a.values else {
                    unreachable!("validated: hypercube axes have ranges")
                };
                let col: Vec<toml::Value> = strata
                    .iter()
                    .map(|&s| {
                        let u: f64 = rng.random();
                        let x = min + (max - min) * (s as f64 + u) / n as f64;
                        if integer {
                            toml::Value::Integer(x.round() as i64)
                        } else {
                            // Six significant decimals keep files readable and exact on reload.
                            toml::Value::Float((x * 1e6).round() / 1e6)
                        }
                    })
                    .collect();
                columns.push(col);
            }
            (0..n)
                .map(|i| Point {
                    id: i as u32,
                    values: columns.iter().map(|c| c[i].clone()).collect(),
                })
                .collect()
        }
    }
}

/// `K/N` → (K, N), 1-based.
pub fn parse_shard(s: &str) -> Result<(u32, u32), SweepError> {
    let err = |why: &str| SweepError::Shard {
        given: s.into(),
        why: why.into(),
    };
    let (k, n) = s.split_once('/').ok_or_else(|| err("missing `/`"))?;
    let k: u32 = k
        .trim()
        .parse()
        .map_err(|_| err("K is not a whole number"))?;
    let n: u32 = n
        .trim()
        .parse()
        .map_err(|_| err("N is not a whole number"))?;
    if n == 0 || k == 0 || k > n {
        return Err(err("need 1 ≤ K ≤ N"));
    }
    Ok((k, n))
}
