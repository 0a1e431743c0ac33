//! The output folder of `zhagen compare`: `comparison.csv`, the retention curves of every
//! scenario overlaid per pathway (`retention-compare.svg`/`.png`), `report.html` (the
//! differences in words, with every chart), `provenance.json`, each resolved scenario under
//! `scenarios/`, and each scenario's full run outputs under `runs/`.

use super::csv::{Table, cells};
use super::{OutputError, Timing, write_all, write_atomic};
use crate::compare::ComparedMetric;
use crate::headline::Unit;
use crate::provenance::{Build, ScenarioRecord, build};
use crate::scenario::Scenario;
use crate::stats::RunResult;
use serde::Serialize;
use std::fs;
use std::path::Path;

#[derive(Serialize)]
struct Provenance {
    #[serde(flatten)]
    build: Build,
    /// The first scenario is the reference of every difference.
    reference: String,
    /// Common random numbers: every scenario ran at this seed and replication count.
    seed: u64,
    replications: u32,
    difference_method: &'static str,
    scenarios: Vec<ScenarioRecord>,
}

pub const DIFFERENCE_METHOD: &str = "95% Student-t interval of the paired per-replication differences (common random numbers); unpaired_* columns: Welch interval as if the runs were independent";

/// Write everything `compare` produces into `dir` (created if missing); `timings` are each
/// scenario's own, in the order of `scenarios`.
pub fn write_comparison(
    dir: &Path,
    scenarios: &[Scenario],
    results: &[RunResult],
    metrics: &[ComparedMetric],
    timings: &[Timing],
) -> Result<(), OutputError> {
    let mk = |p: &Path| {
        fs::create_dir_all(p).map_err(|source| OutputError::CreateDir {
            path: p.to_path_buf(),
            source,
        })
    };
    mk(dir)?;
    mk(&dir.join("scenarios"))?;
    let names: Vec<String> = scenarios.iter().map(|s| s.name.clone()).collect();
    for ((s, r), &timing) in scenarios.iter().zip(results).zip(timings) {
        write_atomic(
            &dir.join("scenarios"),
            &format!("{}.toml", s.name),
            s.resolved_toml.as_bytes(),
        )?;
        write_all(&dir.join("runs").join(&s.name), s, r, timing)?;
    }
    super::plot_compare(dir, scenarios, results)?;
    write_atomic(
        dir,
        "comparison.csv",
        comparison_csv(&names, metrics).as_bytes(),
    )?;
    let html = super::report::compare_report(scenarios, results, metrics).map_err(|source| {
        OutputError::Plot {
            path: dir.join("report.html"),
            source,
        }
    })?;
    write_atomic(dir, "report.html", html.as_bytes())?;
    let p = Provenance {
        build: build(),
        reference: names[0].clone(),
        seed: scenarios[0].simulation.seed,
        replications: scenarios[0].simulation.replications,
        difference_method: DIFFERENCE_METHOD,
        scenarios: scenarios
            .iter()
            .map(|s| ScenarioRecord::new(s, format!("scenarios/{}.toml", s.name)))
            .collect(),
    };
    let mut json = serde_json::to_string_pretty(&p).unwrap_or_default();
    json.push('\n');
    // Written last: its presence says the comparison is complete.
    write_atomic(dir, "provenance.json", json.as_bytes())
}

fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.6}")
    } else {
        String::new()
    }
}

/// `comparison.csv`: one row per scenario and metric.
pub fn comparison_csv(names: &[String], metrics: &[ComparedMetric]) -> String {
    let mut out = Table::new(
        "scenario,metric,unit,value,ci_low,ci_high,replications,diff_vs_first,diff_ci_low,diff_ci_high,unpaired_diff_ci_low,unpaired_diff_ci_high,label"
            .split(','),
    );
    for (i, name) in names.iter().enumerate() {
        for m in metrics {
            let Some(v) = m.values[i] else { continue };
            let (d, dl, dh, ul, uh) = match m.diffs[i] {
                Some(d) => (
                    num(d.paired.mean),
                    num(d.paired.low),
                    num(d.paired.high),
                    num(d.unpaired_low),
                    num(d.unpaired_high),
                ),
                None => Default::default(),
            };
            out.row(cells![
                name,
                m.key,
                match m.unit {
                    Unit::Share => "share",
                    Unit::Yuan => "yuan",
                },
                num(v.mean),
                num(v.low),
                num(v.high),
                v.n,
                d,
                dl,
                dh,
                ul,
                uh,
                m.label,
            ]);
        }
    }
    out.finish()
}
