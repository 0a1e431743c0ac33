//! Everything a run writes into its output folder, each file written atomically (temporary
//! file, then rename), so that an interrupted run never leaves a half-written file.
//!
//! Files: `retention.csv`, `staffing.csv`, `exits.csv`, `titles.csv`, `villages.csv`,
//! `costs.csv`, `summary.json`, `scenario.toml` (fully resolved), `retention.png`,
//! `retention.svg`, `report.html` (everything above for a reader, in one page).

pub mod breakdown;
pub mod comparison;
pub mod csv;
pub mod differences;
pub mod folder;
pub mod plot;
pub mod report;
pub mod summary;
pub mod tables;
pub mod workbook;

pub use folder::{Made, check_target, folder_name, write_folder};

use crate::scenario::Scenario;
use crate::stats::RunResult;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum OutputError {
    #[error("cannot create output folder {}", path.display())]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot draw {}", path.display())]
    Plot {
        path: PathBuf,
        #[source]
        source: plot::PlotError,
    },
    #[error("{} holds {holds}; {advice}", dir.display())]
    Occupied {
        dir: PathBuf,
        holds: String,
        advice: String,
    },
    #[error("{} cannot be an output folder: {why}", dir.display())]
    BadFolder { dir: PathBuf, why: String },
}

/// Wall-clock facts of a run; the only part of the outputs that differs between identical runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    pub wall_seconds: f64,
    /// The wall time the size check estimated before the run (`engine::Estimate::seconds`).
    pub estimated_seconds: f64,
    pub threads: usize,
}

/// For tests of failure handling: with `ZHAGEN_FAIL_AFTER_WRITES=N` in the environment, the
/// (N+1)-th file write of the process fails as a full disk would.
fn injected_failure(path: &Path) -> Result<(), OutputError> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static WRITES: AtomicUsize = AtomicUsize::new(0);
    let Some(limit) = std::env::var("ZHAGEN_FAIL_AFTER_WRITES")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    else {
        return Ok(());
    };
    if WRITES.fetch_add(1, Ordering::SeqCst) >= limit {
        return Err(OutputError::Write {
            path: path.to_path_buf(),
            source: std::io::Error::other("injected failure (ZHAGEN_FAIL_AFTER_WRITES)"),
        });
    }
    Ok(())
}

/// Write `bytes` to `dir/name` through a temporary file in the same folder and a rename.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
    let path = dir.join(name);
    injected_failure(&path)?;
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
    write_atomic(
        dir,
        "retention.csv",
        tables::retention_csv(&r.curves).as_bytes(),
    )?;
    write_atomic(dir, "staffing.csv", tables::staffing_csv(s, r).as_bytes())?;
    write_atomic(dir, "exits.csv", tables::exits_csv(s, r).as_bytes())?;
    write_atomic(dir, "titles.csv", tables::titles_csv(s, r).as_bytes())?;
    write_atomic(dir, "villages.csv", tables::villages_csv(s, r).as_bytes())?;
    write_atomic(dir, "costs.csv", tables::costs_csv(s, r).as_bytes())?;
    write_atomic(
        dir,
        "retention_by_cohort.csv",
        breakdown::retention_by_cohort_csv(s, r).as_bytes(),
    )?;
    write_atomic(
        dir,
        "retention_by_remoteness.csv",
        breakdown::retention_by_remoteness_csv(s, r).as_bytes(),
    )?;
    write_atomic(
        dir,
        "staffing_by_remoteness.csv",
        breakdown::staffing_by_remoteness_csv(s, r).as_bytes(),
    )?;
    write_atomic(
        dir,
        "counties.csv",
        breakdown::counties_csv(s, r).as_bytes(),
    )?;
    write_atomic(dir, "headline.csv", tables::headline_csv(s, r).as_bytes())?;
    write_atomic(dir, "scenario.toml", s.resolved_toml.as_bytes())?;
    let plot = plot_spec(s, r);
    write_chart(dir, "retention", &plot)?;
    let html = report::run_report(s, r).map_err(|source| OutputError::Plot {
        path: dir.join("report.html"),
        source,
    })?;
    write_atomic(dir, "report.html", html.as_bytes())?;
    // The summary goes last: its presence says the folder holds a complete run.
    let json = summary::summary_json(s, r, timing);
    write_atomic(dir, "summary.json", json.as_bytes())?;
    Ok(())
}

/// The retention plot: one curve per pathway with its band, benchmark targets placed on the
/// curve they concern.
pub fn plot_spec(s: &Scenario, r: &RunResult) -> plot::RetentionPlot {
    use crate::benchmark::Metric;
    let curves = &r.curves;
    let mut points = Vec::new();
    for b in &r.benchmarks {
        let source = short_source(&b.benchmark.source);
        let (p, x, y, label) = match b.benchmark.metric {
            Metric::Retention { pathway, year } => (
                pathway,
                year,
                b.benchmark.value,
                format!("{source}: {:.1}%", b.benchmark.value * 100.0),
            ),
            // A conditional target is drawn where the curve should be: the simulated
            // retention at `from_year` times the published conditional share; the label says
            // both, so that the marker's height does not contradict the published figure.
            Metric::ConditionalRetention {
                pathway,
                from_year,
                year,
            } => {
                let c = &curves[pathway.0 as usize];
                match c.rows.get(from_year as usize) {
                    Some(row) => {
                        let y = row.retention * b.benchmark.value;
                        let label = format!(
                            "{source}: {:.1}% of those serving at year {from_year} (drawn at {:.1}% of entrants)",
                            b.benchmark.value * 100.0,
                            y * 100.0
                        );
                        (pathway, year, y, label)
                    }
                    None => continue,
                }
            }
            // Cohort figures at a calendar date are not points of the pooled curve: they are in
            // the validation table.
            _ => continue,
        };
        points.push(plot::BenchmarkPoint {
            label,
            series: Some(pathway_words(s, &s.pathway(p).name)),
            x: x as f64,
            y,
        });
    }
    plot::RetentionPlot {
        title: format!("Retention by pathway — scenario `{}`", s.name),
        x_label: "Years since entering service (RTME graduates: since graduation)".into(),
        y_label: "Still in service (share of entrants)".into(),
        band_method: r.band_method(),
        curves: curves
            .iter()
            .map(|c| plot::CurveSeries {
                label: pathway_words(s, &c.pathway),
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

/// Plain words for a pathway of a scenario ([`Scenario::pathway_words`]).
pub(crate) fn pathway_words(s: &Scenario, name: &str) -> String {
    s.pathway_words(name)
}

/// "Tang et al., Chin J Health Policy 2024; …" → "Tang et al. 2024" style short label.
fn short_source(source: &str) -> String {
    let first = source
        .split([';', '(', ':'])
        .next()
        .unwrap_or(source)
        .trim();
    let year = source
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 4 && (w.starts_with("19") || w.starts_with("20")));
    let author = first.split(',').next().unwrap_or(first).trim();
    match year {
        Some(y) if !author.contains(y) => format!("{author} {y}"),
        _ => author.to_string(),
    }
}

/// Write a chart as `<stem>.svg` and `<stem>.png`, both atomically.
pub fn write_chart(dir: &Path, stem: &str, chart: &dyn plot::Chart) -> Result<(), OutputError> {
    let svg_name = format!("{stem}.svg");
    let svg = chart.svg().map_err(|source| OutputError::Plot {
        path: dir.join(&svg_name),
        source,
    })?;
    write_atomic(dir, &svg_name, svg.as_bytes())?;
    let png_name = format!("{stem}.png");
    let png = chart.png().map_err(|source| OutputError::Plot {
        path: dir.join(&png_name),
        source,
    })?;
    write_atomic(dir, &png_name, &png)
}

/// The retention curves of several scenarios overlaid, one panel per pathway, the reference
/// scenario's benchmark points on the panels they concern: `retention-compare.svg` and `.png`.
pub fn plot_compare(
    dir: &Path,
    scenarios: &[Scenario],
    results: &[RunResult],
) -> Result<(), OutputError> {
    let spec = compare_panels(scenarios, results);
    write_chart(dir, "retention-compare", &spec)?;
    if scenarios.len() > 1 {
        let diffs = differences::difference_panels(scenarios, results);
        write_chart(dir, "retention-difference", &diffs)?;
    }
    Ok(())
}

/// The panels of [`plot_compare`], also drawn into the comparison's `report.html`.
pub fn compare_panels(scenarios: &[Scenario], results: &[RunResult]) -> plot::PanelPlot {
    let curves: Vec<&[crate::stats::Curve]> = results.iter().map(|r| &r.curves[..]).collect();
    let reference = &scenarios[0];
    let spec = plot_spec(reference, &results[0]);
    let mut panels = Vec::new();
    for (p, pw) in reference.pathways.iter().enumerate() {
        if curves[0][p]
            .rows
            .iter()
            .skip(1)
            .all(|r| r.at_risk == 0 && r.events == 0)
        {
            continue;
        }
        let series: Vec<plot::CurveSeries> = scenarios
            .iter()
            .zip(&curves)
            .filter_map(|(s, cs)| {
                let c = cs.iter().find(|c| c.pathway == pw.name)?;
                Some(plot::CurveSeries {
                    label: s.name.clone(),
                    points: c
                        .rows
                        .iter()
                        .filter(|row| row.at_risk > 0 || row.events > 0)
                        .map(|row| (row.year as f64, row.retention, row.ci_low, row.ci_high))
                        .collect(),
                })
            })
            .collect();
        let benchmarks = spec
            .benchmarks
            .iter()
            .filter(|b| b.series.as_deref() == Some(pathway_words(reference, &pw.name).as_str()))
            .map(|b| plot::BenchmarkPoint {
                series: Some(reference.name.clone()),
                ..b.clone()
            })
            .collect();
        panels.push(plot::RetentionPlot {
            title: report::words::cap(&pathway_words(reference, &pw.name)),
            x_label: "Years since entering service".into(),
            y_label: "Still in service".into(),
            band_method: String::new(),
            curves: series,
            benchmarks,
        });
    }
    let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
    plot::PanelPlot {
        title: format!("Retention by pathway: {}", names.join(" vs ")),
        panels,
        band_method: format!(
            "{} (same seed for every scenario: common random numbers)",
            results[0].band_method()
        ),
    }
}

/// What `validate` adds to a run's folder: `validation.csv` (every benchmark with its interval
/// and verdict), `validation.svg`/`.png` (every benchmark in percent as a forest plot: see
/// [`validation_forest`]) and `validation-titles.svg`/`.png` (the share of each pathway with a
/// title benchmark holding those titles, by years since entry, with the published points).
pub fn write_validation(dir: &Path, s: &Scenario, r: &RunResult) -> Result<(), OutputError> {
    use crate::benchmark::Metric;
    write_atomic(dir, "validation.csv", tables::validation_csv(r).as_bytes())?;
    let forest = validation_forest(s, r);
    if forest.groups.iter().any(|g| !g.rows.is_empty()) {
        write_chart(dir, "validation", &forest)?;
    }
    let t = &r.pooled;
    let mut curves = Vec::new();
    let mut points = Vec::new();
    for b in &s.benchmarks {
        let Metric::TitleShare {
            pathway,
            titles,
            year,
        } = b.metric
        else {
            continue;
        };
        let p = pathway.0 as usize;
        let held: Vec<usize> = (0..titles.len()).filter(|&i| titles[i]).collect();
        let plain = |i: usize| crate::population::Title::ALL[i].name().replace('_', " ");
        // "intermediate title or higher" where the set is a title and all above it.
        let which = match held.first() {
            Some(&lo) if held.len() == titles.len() - lo && lo > 0 => {
                format!("{} title or higher", plain(lo))
            }
            _ => format!(
                "{} title",
                held.iter()
                    .map(|&i| plain(i))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        };
        let label = format!("{}: {which}", pathway_words(s, &s.pathways[p].name));
        if !curves.iter().any(|c: &plot::CurveSeries| c.label == label) {
            let pts = (0..=t.years)
                .map(|d| {
                    let (mut hit, mut all) = (0u64, 0u64);
                    for (r, on) in titles.iter().enumerate() {
                        let n = t.title_by_duration[t.title_duration_index(p, d, r)];
                        all += n;
                        if *on {
                            hit += n;
                        }
                    }
                    let v = if all > 0 {
                        hit as f64 / all as f64
                    } else {
                        f64::NAN
                    };
                    (d as f64, v, f64::NAN, f64::NAN)
                })
                .filter(|x| x.1.is_finite())
                .collect();
            curves.push(plot::CurveSeries {
                label: label.clone(),
                points: pts,
            });
        }
        points.push(plot::BenchmarkPoint {
            label: format!("{}: {:.1}%", short_source(&b.source), b.value * 100.0),
            series: Some(label),
            x: year as f64,
            y: b.value,
        });
    }
    if curves.is_empty() {
        return Ok(());
    }
    let spec = plot::RetentionPlot {
        title: format!("Titles held by years since entry — scenario `{}`", s.name),
        x_label: "Years since entering service (RTME graduates: since graduation)".into(),
        y_label: "Share of those still serving".into(),
        band_method: format!(
            "No band: counts pooled over {} replications; markers: published figures",
            r.reps.len()
        ),
        curves,
        benchmarks: points,
    };
    write_chart(dir, "validation-titles", &spec)
}

/// The benchmark chart of `validation.svg`: every benchmark whose metric is a share or a ratio,
/// grouped by role, the published figure and the simulated mean each with its 95% interval, as
/// differences from the published figure in percentage points (why: see `plot::Forest`).
///
/// Figures in years (ages, lengths of stay) are named in a note rather than drawn: a difference
/// in years cannot share the percentage-point axis, and a second axis for one or two rows would
/// be misread as the first; `validation.csv` and the report's table have them.
pub fn validation_forest(s: &Scenario, r: &RunResult) -> plot::Forest {
    use crate::benchmark::Role;
    use crate::stats::Verdict;
    let heading = |role: Role| match role {
        Role::Fitted => "Fitted: calibration targets (meeting them shows the fit worked)",
        Role::Input => "Inputs: figures the scenario states (plumbing checks)",
        Role::Holdout => {
            "Hold-outs: used by nothing that was fitted (evidence for or against the model)"
        }
    };
    let groups = Role::ALL
        .iter()
        .map(|&role| plot::ForestGroup {
            label: heading(role).into(),
            rows: r
                .benchmarks
                .iter()
                .filter(|b| b.benchmark.role == role && b.benchmark.in_percent())
                .map(|b| plot::ForestRow {
                    label: b.benchmark.name.clone(),
                    value: b.benchmark.value,
                    bound: b.benchmark.bound,
                    target_low: b.target_low,
                    target_high: b.target_high,
                    mean: b.simulated.mean,
                    low: b.simulated.low,
                    high: b.simulated.high,
                    verdict: b.verdict.clone(),
                })
                .collect(),
        })
        .collect();
    let reps = r.reps.len();
    let mut notes = vec![
        format!(
            "Grey: published figure with its 95% interval (study size, tolerance or the source's interval); \
             colour: simulated mean with its Monte Carlo 95% interval over {reps} replication{} \
             (simulation noise only, not parameter uncertainty), in the colour of its verdict.",
            if reps == 1 { "" } else { "s" }
        ),
        format!(
            "Both are drawn as differences from the published figure, in percentage points (the \
             figures themselves are in the columns on the right). Verdict: {}.",
            crate::stats::VERDICT_RULE
        ),
    ];
    if r.benchmarks
        .iter()
        .any(|b| b.verdict == Verdict::ForReference)
    {
        notes.push(
            "This scenario changes policy from the status quo it is built on: the published \
             figures describe the status quo and are shown for reference, not judged."
                .into(),
        );
    }
    let in_years: Vec<&str> = r
        .benchmarks
        .iter()
        .filter(|b| !b.benchmark.in_percent())
        .map(|b| b.benchmark.name.as_str())
        .collect();
    if !in_years.is_empty() {
        notes.push(format!(
            "Figures in years (ages, lengths of stay) are not drawn: {}; see validation.csv.",
            in_years.join(", ")
        ));
    }
    plot::Forest {
        title: format!(
            "Published figures against the simulation — scenario `{}`",
            s.name
        ),
        groups,
        notes,
    }
}
