//! The points of a sensitivity design, in the unit cube: Morris trajectories and Saltelli's
//! matrices. A coordinate `u` ∈ [0, 1] of parameter `i` becomes a value through the
//! parameter's prior quantile ([`crate::uncertainty::Prior::quantile`]), so every design
//! samples the priors the scenario states.
//!
//! Every draw comes from a stream keyed by the design seed and the trajectory (or row) number,
//! so a design is the same on every machine and at any thread count, and the first `r`
//! trajectories of a longer design are those of a shorter one.

use crate::engine::rng;
use rand::RngExt;

/// Stream tags, apart from the engine's and the parameter sets'.
const MORRIS: u64 = 0x4d4f_5252_4953; // "MORRIS"
const SALTELLI: u64 = 0x5341_4c54_454c; // "SALTEL"

/// Morris's one-at-a-time design: `trajectories` walks of `k + 1` points on a grid of
/// `levels` levels per factor, each walk moving every factor once by Δ = levels / (2 (levels
/// − 1)) in a random order. Point `j` of trajectory `t` is row `t (k + 1) + j`.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisDesign {
    pub k: usize,
    pub trajectories: usize,
    pub levels: u32,
    /// The points, `trajectories × (k + 1)` rows of `k` coordinates in [0, 1].
    pub points: Vec<Vec<f64>>,
    /// Per trajectory, the factor moved at each step (a permutation of 0..k).
    pub order: Vec<Vec<usize>>,
}

impl MorrisDesign {
    /// `levels` must be even and at least 2 (validated by the caller).
    pub fn new(k: usize, trajectories: usize, levels: u32, seed: u64) -> MorrisDesign {
        let p = levels as usize;
        let delta = p as f64 / (2.0 * (p as f64 - 1.0));
        let mut points = Vec::with_capacity(trajectories * (k + 1));
        let mut order = Vec::with_capacity(trajectories);
        for t in 0..trajectories {
            let mut rng = rng::stream(rng::key(&[seed, MORRIS, t as u64]));
            // Each factor starts on a level drawn uniformly; a level in the lower half moves
            // up by Δ (p/2 levels), one in the upper half down: so every pair of levels Δ apart
            // is equally likely, in both directions — Morris's sampling of elementary effects.
            let mut x: Vec<f64> = (0..k)
                .map(|_| rng.random_range(0..p) as f64 / (p as f64 - 1.0))
                .collect();
            let mut perm: Vec<usize> = (0..k).collect();
            for i in (1..k).rev() {
                let j = rng.random_range(0..=i);
                perm.swap(i, j);
            }
            points.push(x.clone());
            for &i in &perm {
                x[i] = if x[i] + delta <= 1.0 + 1e-12 {
                    x[i] + delta
                } else {
                    x[i] - delta
                };
                // Levels are exact multiples of 1/(p − 1): snap away the rounding of the sum.
                x[i] = (x[i] * (p as f64 - 1.0)).round() / (p as f64 - 1.0);
                points.push(x.clone());
            }
            order.push(perm);
        }
        MorrisDesign {
            k,
            trajectories,
            levels,
            points,
            order,
        }
    }
}

/// Saltelli's design for Sobol indices: base matrices A and B of `samples` rows (independent
/// uniform draws), and for each factor `i` the matrix A_B⁽ⁱ⁾, A with column `i` taken from B.
/// Row `j` contributes points `j (k + 2) + m`: m = 0 is A_j, m = 1 is B_j, m = 2 + i is
/// A_B⁽ⁱ⁾_j — so a shard of rows holds whole estimator terms.
#[derive(Debug, Clone, PartialEq)]
pub struct SaltelliDesign {
    pub k: usize,
    pub samples: usize,
    pub points: Vec<Vec<f64>>,
}

impl SaltelliDesign {
    pub fn new(k: usize, samples: usize, seed: u64) -> SaltelliDesign {
        let mut points = Vec::with_capacity(samples * (k + 2));
        for j in 0..samples {
            let draw = |which: u64| -> Vec<f64> {
                let mut rng = rng::stream(rng::key(&[seed, SALTELLI, j as u64, which]));
                (0..k).map(|_| rng.random::<f64>()).collect()
            };
            let (a, b) = (draw(0), draw(1));
            points.push(a.clone());
            points.push(b.clone());
            for i in 0..k {
                let mut ab = a.clone();
                ab[i] = b[i];
                points.push(ab);
            }
        }
        SaltelliDesign { k, samples, points }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_morris_trajectory_moves_each_factor_once_by_delta_within_the_cube() {
        let d = MorrisDesign::new(5, 30, 4, 9);
        assert_eq!(d.points.len(), 30 * 6);
        let delta = 4.0 / 6.0;
        for t in 0..30 {
            let walk = &d.points[t * 6..(t + 1) * 6];
            let mut moved = Vec::new();
            for step in 0..5 {
                let (a, b) = (&walk[step], &walk[step + 1]);
                let changed: Vec<usize> = (0..5).filter(|&i| a[i] != b[i]).collect();
                assert_eq!(changed.len(), 1, "one factor per step");
                let i = changed[0];
                assert!(((a[i] - b[i]).abs() - delta).abs() < 1e-12);
                assert_eq!(i, d.order[t][step]);
                moved.push(i);
            }
            moved.sort();
            assert_eq!(moved, [0, 1, 2, 3, 4]);
            assert!(walk.iter().flatten().all(|x| (0.0..=1.0).contains(x)));
        }
        // Same seed, same design; the first trajectories of a longer one are these.
        assert_eq!(MorrisDesign::new(5, 10, 4, 9).points[..], d.points[..60]);
    }

    #[test]
    fn saltelli_rows_hold_a_b_and_a_with_one_column_of_b() {
        let d = SaltelliDesign::new(3, 4, 1);
        assert_eq!(d.points.len(), 4 * 5);
        for j in 0..4 {
            let row = &d.points[j * 5..(j + 1) * 5];
            let (a, b) = (&row[0], &row[1]);
            for i in 0..3 {
                for c in 0..3 {
                    assert_eq!(row[2 + i][c], if c == i { b[c] } else { a[c] });
                }
            }
        }
    }
}
