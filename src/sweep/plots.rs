//! The plots of a sweep's results, drawn from the points of `results.csv` through the output
//! layer's charts (`output::plot`) and its one atomic writer (`output::write_chart`).

use super::run::{Manifest, PointResult};
use crate::output::{OutputError, write_chart};
use std::path::Path;

/// Plots of a sweep's results: a line chart per plotted metric for one numeric axis
/// (`line-<metric>`), a heatmap per plotted metric for a two-axis grid of numbers
/// (`heatmap-<metric>`); nothing for other designs (`results.csv` holds every number).
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
    let method = format!(
        "95% CI: Student-t interval across {} replications per point; every point at seed {} (common random numbers)",
        m.replications, m.seed
    );
    for key in &m.plot {
        let Some(k) = m.metrics.iter().position(|x| &x.key == key) else {
            continue;
        };
        let percent = m.metrics[k].unit == "share";
        let file_key: String = key
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
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
                    title: format!("{key} along the sweep"),
                    x_label: m.axes[0].clone(),
                    y_label: key.clone(),
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
                    title: format!("{key} over the sweep"),
                    x_label: m.axes[0].clone(),
                    y_label: m.axes[1].clone(),
                    x_values: xv,
                    y_values: yv,
                    cells,
                    value_label: key.clone(),
                    percent,
                };
                write_chart(dir, &format!("heatmap-{file_key}"), &spec)?;
            }
            _ => {}
        }
    }
    Ok(())
}
