//! The difference-from-reference chart of a comparison (`retention-difference.svg`/`.png`):
//! each scenario's paired difference from the first, replication by replication, with its
//! 95% interval — one panel per pathway (retention by years since entry), then the vacant share
//! of centre posts and the villages with nobody serving by calendar year. Overlaid curves of
//! close scenarios hide each other and a 0–100% axis hides a 2-point effect; a difference on
//! its own axis shows both.

use super::pathway_words;
use super::plot::{CurveSeries, DifferencePanels, LinePlot};
use crate::compare::difference;
use crate::scenario::Scenario;
use crate::stats::RunResult;

/// The difference panels of `scenarios[1..]` against `scenarios[0]`.
pub fn difference_panels(scenarios: &[Scenario], results: &[RunResult]) -> DifferencePanels {
    let reference = &scenarios[0];
    let r0 = &results[0];
    let row = r0.pooled.years + 1;
    let mut panels = Vec::new();
    for (p, pw) in reference.pathways.iter().enumerate() {
        let observed = |r: &RunResult, y: usize| {
            r.curves
                .get(p)
                .and_then(|c| c.rows.get(y))
                .is_some_and(|row| row.observed())
        };
        if !(1..row).any(|y| observed(r0, y)) {
            continue;
        }
        let series = scenarios
            .iter()
            .zip(results)
            .skip(1)
            .filter(|(s, _)| s.pathways.get(p).is_some_and(|q| q.name == pw.name))
            .map(|(s, r)| CurveSeries {
                label: s.name.clone(),
                points: (0..row)
                    .filter(|&y| observed(r0, y) && observed(r, y))
                    .map(|y| {
                        let per = |r: &RunResult| -> Vec<f64> {
                            r.reps.iter().map(|m| m.survival[p * row + y]).collect()
                        };
                        let d = difference(&per(r0), &per(r)).paired;
                        (y as f64, d.mean, d.low, d.high)
                    })
                    .collect(),
            })
            .collect();
        panels.push(LinePlot {
            title: crate::output::report::words::cap(&pathway_words(reference, &pw.name)),
            x_label: "Years since entering service".into(),
            y_label: "Still in service: difference".into(),
            band_method: String::new(),
            series,
            percent: true,
        });
    }
    let yearly = |title: &str, pick: fn(&crate::stats::RepMetrics) -> &[f64]| LinePlot {
        title: title.into(),
        x_label: "Calendar year".into(),
        y_label: "Difference".into(),
        band_method: String::new(),
        series: scenarios
            .iter()
            .zip(results)
            .skip(1)
            .map(|(s, r)| CurveSeries {
                label: s.name.clone(),
                points: (0..r0.pooled.years.min(r.pooled.years))
                    .map(|y| {
                        let per = |r: &RunResult| -> Vec<f64> {
                            r.reps.iter().map(|m| pick(m)[y]).collect()
                        };
                        let d = difference(&per(r0), &per(r)).paired;
                        (
                            (reference.simulation.start_year + y as i32) as f64,
                            d.mean,
                            d.low,
                            d.high,
                        )
                    })
                    .collect(),
            })
            .collect(),
        percent: true,
    };
    panels.push(yearly("Vacant share of centre posts", |m| &m.vacancy));
    panels.push(yearly("Villages with nobody serving", |m| &m.uncovered));
    // Say so where nothing differs in any replication (the lever does not reach it).
    for panel in &mut panels {
        let none = panel
            .series
            .iter()
            .flat_map(|s| &s.points)
            .all(|p| p.1 == 0.0 && p.2 == 0.0 && p.3 == 0.0);
        if none {
            panel.title.push_str(": identical in every replication");
        }
    }
    DifferencePanels {
        title: format!("Difference from `{}`", reference.name),
        panels,
        band_method: format!(
            "95% CI: Student-t interval of the paired differences across {} replications (common random numbers; {}); pp = percentage points",
            r0.reps.len(),
            match &r0.parameters {
                Some(words) => format!(
                    "the same parameter set for every scenario in each replication, {words}"
                ),
                None => "Monte Carlo precision only".into(),
            }
        ),
    }
}
