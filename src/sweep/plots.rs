//! The plots of a sweep's results, drawn from the points of `results.csv` through the output
//! layer's charts (`output::plot`) and its one atomic writer (`output::write_chart`).

use super::run::{Manifest, PointResult};
use crate::output::{OutputError, write_chart};
use std::path::Path;

/// Plots of a sweep's results, for each metric of the sweep's `plot = [...]`: a line chart for
/// one numeric axis (`line-<metric>`), a heatmap for a two-axis grid of numbers
/// (`heatmap-<metric>`), and for any other design — a Latin hypercube of several axes, a grid of
/// three or more — scatter panels of the metric against each axis with Spearman's rank
/// correlation (`scatter-<metric>`). Axes carry the catalogue's plain words and units, metrics
/// their headline labels.
pub fn sweep_plots(dir: &Path, m: &Manifest, points: &[PointResult]) -> Result<(), OutputError> {
    let numeric = |v: &str| -> Option<f64> { v.trim().parse::<f64>().ok() };
    let xs: Vec<Vec<Option<f64>>> = points
        .iter()
        .map(|p| p.values.iter().map(|v| numeric(v)).collect())
        .collect();
    if points.is_empty() || xs.iter().flatten().any(|x| x.is_none()) {
        return Ok(());
    }
    let value =
        |p: &PointResult, k: usize, i: usize| -> f64 { p.metrics[k][i].unwrap_or(f64::NAN) };
    let method = match &m.intervals {
        Some(words) => format!(
            "95% CI: the central 95% of {} replications per point, {words}; every point at seed {} (common random numbers)",
            m.replications, m.seed
        ),
        None => format!(
            "95% CI: Student-t interval across {} replications per point; every point at seed {} (common random numbers)",
            m.replications, m.seed
        ),
    };
    let axis_label = |i: usize| -> String {
        match crate::scenario::catalogue::describe(&m.axes[i], &|p: &str| p.to_string()) {
            Some(d) if !d.unit.is_empty() => format!("{} ({})", d.label, d.unit),
            Some(d) => d.label,
            None => m.axes[i].clone(),
        }
    };
    for key in &m.plot {
        let Some(k) = m.metrics.iter().position(|x| &x.key == key) else {
            continue;
        };
        let percent = m.metrics[k].unit == "share";
        let words = if m.metrics[k].label.is_empty() {
            key.clone()
        } else {
            crate::output::report::words::cap(&m.metrics[k].label)
        };
        let file_key = crate::output::folder::file_key(key);
        match m.axes.len() {
            1 => {
                let mut pts: Vec<(f64, f64, f64, f64)> = points
                    .iter()
                    .zip(&xs)
                    .map(|(p, x)| {
                        (
                            x[0].expect("numeric"),
                            value(p, k, 0),
                            value(p, k, 1),
                            value(p, k, 2),
                        )
                    })
                    .collect();
                pts.sort_by(|a, b| a.0.total_cmp(&b.0));
                let spec = crate::output::plot::LinePlot {
                    title: format!("{words}, along the sweep"),
                    x_label: axis_label(0),
                    y_label: format!("{key} ({})", m.metrics[k].unit),
                    band_method: method.clone(),
                    series: vec![crate::output::plot::CurveSeries {
                        label: key.clone(),
                        points: pts,
                    }],
                    percent,
                };
                write_chart(dir, &format!("line-{file_key}"), &spec)?;
            }
            2 if m.design == "Grid" => {
                let distinct = |i: usize| -> Vec<f64> {
                    let mut v: Vec<f64> = xs.iter().map(|x| x[i].expect("numeric")).collect();
                    v.sort_by(f64::total_cmp);
                    v.dedup();
                    v
                };
                let (xv, yv) = (distinct(0), distinct(1));
                let mut cells = vec![f64::NAN; xv.len() * yv.len()];
                for (p, x) in points.iter().zip(&xs) {
                    let xi = xv
                        .iter()
                        .position(|v| *v == x[0].expect("numeric"))
                        .expect("value");
                    let yi = yv
                        .iter()
                        .position(|v| *v == x[1].expect("numeric"))
                        .expect("value");
                    cells[yi * xv.len() + xi] = value(p, k, 0);
                }
                let spec = crate::output::plot::Heatmap {
                    title: format!("{words}, over the sweep"),
                    x_label: axis_label(0),
                    y_label: axis_label(1),
                    x_values: xv,
                    y_values: yv,
                    cells,
                    value_label: key.clone(),
                    percent,
                };
                write_chart(dir, &format!("heatmap-{file_key}"), &spec)?;
            }
            _ => {
                let ys: Vec<f64> = points.iter().map(|p| value(p, k, 0)).collect();
                let panels = (0..m.axes.len())
                    .map(|i| {
                        let x: Vec<f64> = xs.iter().map(|x| x[i].expect("numeric")).collect();
                        let rho = spearman(&x, &ys);
                        crate::output::plot::ScatterPanel {
                            title: format!(
                                "{}: Spearman ρ = {}",
                                short_axis(&m.axes[i]),
                                rho_words(rho)
                            ),
                            x_label: axis_label(i),
                            y_label: format!("{key} ({})", m.metrics[k].unit),
                            points: points
                                .iter()
                                .zip(&x)
                                .map(|(p, &x)| (x, value(p, k, 0), value(p, k, 1), value(p, k, 2)))
                                .collect(),
                            percent,
                        }
                    })
                    .collect();
                let spec = crate::output::plot::ScatterPanels {
                    title: format!("{words}, against each axis of the sweep"),
                    panels,
                    band_method: format!(
                        "Bars: {}; ρ: Spearman's rank correlation of the point means with the axis",
                        method.trim_start_matches("95% CI: ")
                    ),
                };
                write_chart(dir, &format!("scatter-{file_key}"), &spec)?;
            }
        }
    }
    Ok(())
}

/// The last part of a dotted axis key (`remote_allowance`), for a panel title above the axis
/// that names it in full.
fn short_axis(key: &str) -> &str {
    key.rsplit('.').next().unwrap_or(key)
}

fn rho_words(rho: f64) -> String {
    if rho.is_finite() {
        format!("{rho:+.2}").replace('-', "\u{2212}")
    } else {
        "–".into()
    }
}

/// Spearman's rank correlation of `x` and `y` over the pairs where both are finite: Pearson's
/// correlation of their ranks, ties sharing their mean rank. NaN with fewer than 3 pairs or when
/// either side is constant.
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let (x, y): (Vec<f64>, Vec<f64>) = x
        .iter()
        .zip(y)
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .map(|(a, b)| (*a, *b))
        .unzip();
    if x.len() < 3 {
        return f64::NAN;
    }
    let (rx, ry) = (ranks(&x), ranks(&y));
    let n = rx.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    if sxx == 0.0 || syy == 0.0 {
        return f64::NAN;
    }
    sxy / (sxx * syy).sqrt()
}

/// Ranks 1..=n of `v`, ties given their mean rank.
fn ranks(v: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut out = vec![0.0; v.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && v[order[j + 1]] == v[order[i]] {
            j += 1;
        }
        let mean = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            out[k] = mean;
        }
        i = j + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_is_one_for_any_increasing_relation_and_handles_ties() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert!((spearman(&x, &[1.0, 8.0, 27.0, 64.0, 125.0]) - 1.0).abs() < 1e-12);
        assert!((spearman(&x, &[5.0, 4.0, 3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        // By hand: y = (2, 1, 4, 3, 5) has rank differences d = (1, −1, 1, −1, 0),
        // ρ = 1 − 6 Σd² / (n(n² − 1)) = 1 − 24/120 = 0.8.
        assert!((spearman(&x, &[2.0, 1.0, 4.0, 3.0, 5.0]) - 0.8).abs() < 1e-12);
        // Ties share their mean rank: ranks of (1, 2, 2, 3) are (1, 2.5, 2.5, 4).
        assert_eq!(ranks(&[1.0, 2.0, 2.0, 3.0]), vec![1.0, 2.5, 2.5, 4.0]);
        assert!(spearman(&x, &[1.0; 5]).is_nan());
    }
}
