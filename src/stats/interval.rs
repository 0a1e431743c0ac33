//! Confidence intervals: Student-t intervals of a mean across replications, Wilson intervals of
//! a published proportion (a benchmark's study size).

/// Two-sided 97.5% quantile of Student's t with `df` degrees of freedom.
///
/// Tabulated for 1–10 degrees of freedom; beyond, the Cornish–Fisher expansion of
/// Abramowitz & Stegun 26.7.5 (error below 1e-3 from df = 11 on).
pub fn t975(df: u32) -> f64 {
    const Z: f64 = 1.959_963_984_540_054;
    match df {
        0 => f64::NAN,
        1..=10 => [
            12.706_204_7,
            4.302_652_7,
            3.182_446_3,
            2.776_445_1,
            2.570_581_8,
            2.446_911_9,
            2.364_624_3,
            2.306_004_1,
            2.262_157_2,
            2.228_138_9,
        ][df as usize - 1],
        _ => {
            let v = df as f64;
            let z = Z;
            let (z3, z5, z7, z9) = (z.powi(3), z.powi(5), z.powi(7), z.powi(9));
            z + (z3 + z) / (4.0 * v)
                + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * v * v)
                + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * v.powi(3))
                + (79.0 * z9 + 776.0 * z7 + 1482.0 * z5 - 1920.0 * z3 - 945.0 * z)
                    / (92160.0 * v.powi(4))
        }
    }
}

/// Two-sided 95% standard normal quantile.
pub const Z95: f64 = 1.959_963_984_540_054;

/// The Wilson score 95% interval of a proportion `p` observed among `n`: unlike p ± 1.96·SE it
/// stays inside 0..1 and keeps its width near 0 or 1 (a 98% of 100 is not ± 0.3 points).
pub fn wilson(p: f64, n: u32) -> (f64, f64) {
    let n = n as f64;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Mean of a sample with its 95% t-interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanCi {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
    /// Standard deviation across the sample.
    pub sd: f64,
    pub n: usize,
}

/// Mean of the finite values of `xs` with the central 95% of them (the 2.5% and 97.5%
/// quantiles, interpolated as R's type 7): the interval over parameter uncertainty, where
/// each value comes from its own parameter set. Unlike the t-interval of the mean it does
/// not shrink as sets are added: it is how far the outcome may lie, not how well its
/// average is known. NaN bounds with fewer than 2 values.
pub fn spread(xs: impl IntoIterator<Item = f64>) -> MeanCi {
    let mut v: Vec<f64> = xs.into_iter().filter(|x| x.is_finite()).collect();
    // The mean is summed in the values' own order (as everywhere), the quantiles sorted.
    let m = mean_ci(v.iter().copied());
    v.sort_by(f64::total_cmp);
    if v.len() < 2 {
        return MeanCi {
            low: f64::NAN,
            high: f64::NAN,
            ..m
        };
    }
    MeanCi {
        low: super::breakdown::quantile(&v, 0.025),
        high: super::breakdown::quantile(&v, 0.975),
        ..m
    }
}

/// Mean and 95% t-interval of the finite values of `xs`, summed in order (NaN if none).
pub fn mean_ci(xs: impl IntoIterator<Item = f64>) -> MeanCi {
    let v: Vec<f64> = xs.into_iter().filter(|x| x.is_finite()).collect();
    let n = v.len();
    if n == 0 {
        return MeanCi {
            mean: f64::NAN,
            low: f64::NAN,
            high: f64::NAN,
            sd: f64::NAN,
            n,
        };
    }
    let mean = v.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return MeanCi {
            mean,
            low: f64::NAN,
            high: f64::NAN,
            sd: f64::NAN,
            n,
        };
    }
    let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
    let sd = var.sqrt();
    let half = t975(n as u32 - 1) * sd / (n as f64).sqrt();
    MeanCi {
        mean,
        low: mean - half,
        high: mean + half,
        sd,
        n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_tables() {
        // Standard table values of t(0.975).
        for (df, t) in [
            (1, 12.706),
            (2, 4.303),
            (3, 3.182),
            (5, 2.571),
            (10, 2.228),
            (11, 2.201),
            (15, 2.131),
            (30, 2.042),
            (99, 1.984),
        ] {
            assert!((t975(df) - t).abs() < 2e-3, "df {df}: {} vs {t}", t975(df));
        }
    }

    #[test]
    fn wilson_interval_matches_newcombe_1998() {
        // Newcombe (1998), Statistics in Medicine 17:857, Table I: 81 of 263 → 0.2553–0.3662.
        let (lo, hi) = wilson(81.0 / 263.0, 263);
        assert!(
            (lo - 0.2553).abs() < 1e-4 && (hi - 0.3662).abs() < 1e-4,
            "{lo} {hi}"
        );
        // Its ends are where |p − π| = z·√(π(1−π)/n): solve that quadratic independently.
        let (p, n) = (190.0 / 493.0, 493.0);
        let z2 = Z95 * Z95;
        let (a, b, c) = (1.0 + z2 / n, -(2.0 * p + z2 / n), p * p);
        let d = (b * b - 4.0 * a * c).sqrt();
        let (lo, hi) = wilson(p, 493);
        assert!((lo - (-b - d) / (2.0 * a)).abs() < 1e-12);
        assert!((hi - (-b + d) / (2.0 * a)).abs() < 1e-12);
        // Near 1 it keeps a width and stays inside 0..1.
        let (lo, hi) = wilson(1.0, 50);
        assert!(hi == 1.0 && lo < 0.95 && lo > 0.9, "{lo}");
    }

    #[test]
    fn spread_is_the_central_95_percent_and_does_not_shrink_with_more_values() {
        // 0..=100 in a scrambled order (37 is coprime with 101).
        let xs: Vec<f64> = (0..=100).map(|i| f64::from((i * 37) % 101)).collect();
        let s = spread(xs.iter().copied());
        assert_eq!((s.mean, s.low, s.high), (50.0, 2.5, 97.5));
        let twice: Vec<f64> = xs.iter().chain(&xs).copied().collect();
        let t = spread(twice);
        assert!((t.low - 2.5).abs() < 0.5 && (t.high - 97.5).abs() < 0.5);
        assert!(spread([1.0]).low.is_nan());
    }

    #[test]
    fn mean_ci_of_known_sample() {
        let ci = mean_ci([1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(ci.mean, 3.0);
        // sd = sqrt(2.5), half-width = 2.776 * sd / sqrt(5)
        let half = 2.776_445 * 2.5f64.sqrt() / 5f64.sqrt();
        assert!((ci.high - 3.0 - half).abs() < 2e-3);
        assert!(mean_ci([f64::NAN]).mean.is_nan());
    }
}
