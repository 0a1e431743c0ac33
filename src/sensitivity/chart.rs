//! The chart of one output's indices: a bar per parameter, most important at the top.

use super::run::{OutputIndices, SensitivityManifest};
use crate::output::plot::{BarSeries, Bars};

/// Shares are drawn in percentage points, other units as they are.
fn scale(o: &OutputIndices) -> (f64, String) {
    match o.output.unit.as_str() {
        "share" => (100.0, "percentage points".into()),
        "yuan" => (1.0, "yuan".into()),
        "years" => (1.0, "worker-years".into()),
        other => (1.0, other.into()),
    }
}

pub fn bars(m: &SensitivityManifest, o: &OutputIndices) -> Bars {
    let order = o.order();
    let rows: Vec<String> = order
        .iter()
        .map(|&i| m.parameters[i].label.clone())
        .collect();
    let pick = |est: &[super::indices::Estimate], f: f64| -> Vec<(f64, f64, f64)> {
        order
            .iter()
            .map(|&i| (est[i].value * f, est[i].low * f, est[i].high * f))
            .collect()
    };
    let title = o.words(m);
    match (&o.morris, &o.sobol) {
        (Some(mi), _) => {
            let (f, unit) = scale(o);
            Bars {
                title,
                x_label: format!(
                    "Morris μ*: mean absolute change across each prior's whole range ({unit})"
                ),
                rows,
                series: vec![
                    BarSeries {
                        name: "μ* (importance)".into(),
                        values: pick(&mi.mu_star, f),
                    },
                    BarSeries {
                        name: "σ (interactions, non-linearity)".into(),
                        values: pick(&mi.sigma, f),
                    },
                ],
                note: format!(
                    "Bars: Morris μ* and σ over {} trajectories; whiskers: 95% percentile bootstrap over trajectories ({} resamples)",
                    mi.used, m.resamples
                ),
            }
        }
        (_, Some(si)) => Bars {
            title,
            x_label: "Sobol index: share of the output's variance over the priors".into(),
            rows,
            series: vec![
                BarSeries {
                    name: "S1 (alone)".into(),
                    values: pick(&si.s1, 1.0),
                },
                BarSeries {
                    name: "ST (with interactions)".into(),
                    values: pick(&si.st, 1.0),
                },
            ],
            note: format!(
                "Bars: Sobol S1 (Saltelli 2010) and ST (Jansen) over {} base samples; whiskers: 95% percentile bootstrap over samples ({} resamples)",
                si.used, m.resamples
            ),
        },
        _ => Bars {
            title,
            x_label: String::new(),
            rows,
            series: Vec::new(),
            note: String::new(),
        },
    }
}
