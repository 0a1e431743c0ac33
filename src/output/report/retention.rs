//! Who stays: the retention curves by pathway with their bands and the published benchmark
//! points, and the table of retention at the headline years.

use super::page::{figure, section};
use super::words::{cap, grouped, pct, years_after};
use super::{pathway_words, reading_order, reps};
use crate::headline::KEY_YEARS;
use crate::output::plot::{self, PlotError};
use crate::scenario::Scenario;
use crate::stats::RunResult;
use crate::stats::{self, Curve};
use maud::{Markup, html};

/// The retention section of a run's report.
pub(super) fn run_section(s: &Scenario, r: &RunResult) -> Result<Markup, PlotError> {
    let spec = crate::output::plot_spec(s, r);
    let caption = html! {
        "Share of each pathway's entrants still in service, by years since entering \
         service (RTME graduates from graduation, when their obligation starts). Shaded: "
        (stats::band_method(r.reps.len()))
        ". Diamonds: published figures (see the validation table)."
    };
    Ok(section(
        "retention",
        "Who stays: retention by pathway",
        html! {
            (figure(
                plot::render_svg(&spec)?,
                "Retention curves by pathway with 95% bands and published benchmark points",
                caption,
            ))
            (retention_table(s, r, &r.curves))
        },
    ))
}

/// The retention section of a comparison: one panel per pathway, one curve per scenario.
pub(super) fn compare_section(
    scenarios: &[Scenario],
    results: &[RunResult],
    reference_reps: usize,
) -> Result<Markup, PlotError> {
    let panels = crate::output::compare_panels(scenarios, results);
    let caption = html! {
        "One panel per pathway, one curve per scenario; shaded: "
        (stats::band_method(reference_reps))
        ". Diamonds: published figures for the reference."
    };
    let diffs = crate::output::differences::difference_panels(scenarios, results);
    Ok(section(
        "retention",
        "Who stays: retention by pathway",
        html! {
            (figure(
                plot::render_panels_svg(&panels)?,
                "Retention curves of every scenario, one panel per pathway",
                caption,
            ))
            (figure(
                plot::Chart::svg(&diffs)?,
                "Each scenario's paired difference from the reference, with 95% intervals",
                html! {
                    "Each scenario minus " code { (scenarios[0].name) } ", replication by \
                     replication (common random numbers), in percentage points, with the 95% \
                     Student-t interval of the paired differences (Monte Carlo precision only). \
                     Each panel's axis is scaled to its differences; the dark line is no \
                     difference. Also retention-difference.svg/png."
                },
            ))
        },
    ))
}

/// Retention of every pathway at the headline years, with intervals.
fn retention_table(s: &Scenario, r: &RunResult, curves: &[Curve]) -> Markup {
    let shown: Vec<usize> = KEY_YEARS
        .iter()
        .copied()
        .filter(|y| *y <= s.simulation.years as usize)
        .collect();
    let rows = reading_order(s).into_iter().filter_map(|p| {
        let c = curves.get(p)?;
        if c.rows.iter().skip(1).all(|row| row.at_risk == 0) {
            return None;
        }
        let entrants = r.pooled.entrants.get(p).copied().unwrap_or(0) as f64 / reps(r);
        Some((c, entrants))
    });
    html! {
        table {
            "\n"
            caption { "Still in service, by years since entering service (95% CI)" }
            "\n"
            thead {
                tr {
                    th { "Pathway" }
                    th class="num" { "Entrants per replication" }
                    @for y in &shown { th class="num" { (years_after(y)) } }
                }
            }
            "\n"
            tbody {
                "\n"
                @for (c, entrants) in rows {
                    tr {
                        th { (cap(&pathway_words(s, &c.pathway))) }
                        td class="num" { (grouped(entrants, 1)) }
                        @for y in &shown {
                            @match c.rows.get(*y).filter(|row| row.at_risk > 0 || row.events > 0) {
                                Some(row) => td class="num" {
                                    (pct(row.retention, 1))
                                    span class="ci" { (pct(row.ci_low, 1)) " to " (pct(row.ci_high, 1)) }
                                },
                                None => td class="num" { "–" },
                            }
                        }
                    }
                    "\n"
                }
            }
            "\n"
        }
        "\n"
    }
}
