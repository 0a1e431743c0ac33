//! The breakdowns of a run's report: remote and other townships, the spread across counties,
//! and retention by entry cohort — where a policy aimed at remote posts, or one starting
//! part-way through the run, shows what the region-wide, all-cohort figures dilute.

use super::page::{figure, section};
use super::words::{ci_span, pct};
use super::{Years, at, interval_words, pathway_words, yearly_series};
use crate::headline::Unit;
use crate::output::plot::{self, LinePlot, PlotError};
use crate::population::PathwayKind;
use crate::scenario::Scenario;
use crate::stats::RunResult;
use crate::stats::breakdown::COUNTY_STATS;
use crate::stats::curves::placed_curve;
use crate::stats::interval::{MeanCi, mean_ci};
use maud::{Markup, html};

/// Years since entry shown in the report's cohort and placed-retention tables.
const SHOWN_YEARS: [usize; 5] = [1, 3, 6, 7, 10];

/// The breakdowns section of a run's report.
pub(super) fn run_section(s: &Scenario, r: &RunResult, years: &Years) -> Result<Markup, PlotError> {
    let worst = COUNTY_STATS.len() - 1;
    let n = COUNTY_STATS.len();
    let vacancy = LinePlot {
        title: "Vacant share of centre posts: remote and other townships, worst-off county".into(),
        x_label: "Calendar year".into(),
        y_label: "Vacant share of posts".into(),
        band_method: interval_words(r.reps.len()),
        series: vec![
            yearly_series("remote townships", r, years, |m, y| {
                at(&m.breakdown.vacancy_by_remoteness, y * 2 + 1)
            }),
            yearly_series("other townships", r, years, |m, y| {
                at(&m.breakdown.vacancy_by_remoteness, y * 2)
            }),
            yearly_series("worst-off county", r, years, move |m, y| {
                at(&m.breakdown.county_vacancy, y * n + worst)
            }),
        ],
        percent: true,
    };
    let threshold = s.region.remote_threshold.get();
    Ok(section(
        "breakdowns",
        "Breakdowns: remote townships, counties, entry cohorts",
        html! {
            (figure(
                plot::render_line_svg(&vacancy)?,
                "Vacant share of township-centre posts in remote and other townships and in the worst-off county, by year, with 95% bands",
                html! {
                    "Remote townships are those at or above remoteness " (threshold)
                    " (region.remote_threshold), where remote allowances and relaxed recruitment \
                     ratios apply. The worst-off county is each year's county with the highest \
                     vacant share, in each replication (a different drawn county each time). \
                     Tables by year: staffing_by_remoteness.csv, counties.csv."
                },
            ))
            (placed_table(s, r))
            (cohort_table(s, r))
        },
    ))
}

/// Retention of the workers placed at centres during the run, by the remoteness of their
/// township.
fn placed_table(s: &Scenario, r: &RunResult) -> Markup {
    let rows: Vec<(String, &str, Vec<Option<MeanCi>>)> = s
        .pathways
        .iter()
        .enumerate()
        .flat_map(|(p, pw)| [(p, pw, true), (p, pw, false)])
        .filter(|(p, _, remote)| r.pooled.placed_entrants[p * 2 + usize::from(*remote)] > 0)
        .map(|(p, pw, remote)| {
            let c = placed_curve(&pw.name, &r.pooled, p, remote, &r.reps);
            let cells = SHOWN_YEARS
                .iter()
                .map(|&y| {
                    c.rows
                        .get(y)
                        .filter(|row| row.observed())
                        .map(|row| MeanCi {
                            mean: row.retention,
                            low: row.ci_low,
                            high: row.ci_high,
                            sd: f64::NAN,
                            n: c.replications,
                        })
                })
                .collect();
            (
                pathway_words(s, &pw.name),
                if remote { "remote" } else { "other" },
                cells,
            )
        })
        .collect();
    if rows.is_empty() {
        return html! {};
    }
    html! {
        table {
            "\n"
            caption { "Still serving, by years since placement and the remoteness of the township they were placed in (placed during the run; Kaplan–Meier, mean of the replications with 95% CI). Table: retention_by_remoteness.csv" }
            "\n"
            thead { tr {
                th { "Placed during the run" } th { "Township" }
                @for y in SHOWN_YEARS { th class="num" { (y) " y" } }
            } }
            "\n"
            tbody {
                @for (who, class, cells) in &rows {
                    tr {
                        td { (who) } td { (class) }
                        @for cell in cells { (share_cell(*cell)) }
                    }
                    "\n"
                }
            }
        }
        "\n"
    }
}

/// Retention by entry cohort of every pathway that has cohorts (the stock at the start has
/// none), at the shown years since entry.
fn cohort_table(s: &Scenario, r: &RunResult) -> Markup {
    let years = s.simulation.years as usize;
    let mut rows = Vec::new();
    for (p, pw) in s.pathways.iter().enumerate() {
        if pw.kind == PathwayKind::Incumbent {
            continue;
        }
        for c in 0..years {
            let entrants: u64 = r
                .reps
                .iter()
                .map(|m| m.breakdown.cohort_entrants[p * years + c] as u64)
                .sum();
            if entrants == 0 {
                continue;
            }
            let cells: Vec<Option<MeanCi>> = SHOWN_YEARS
                .iter()
                .map(|&k| {
                    let ci = mean_ci(r.reps.iter().map(|m| m.breakdown.cohort_retention(p, c, k)));
                    ci.mean.is_finite().then_some(ci)
                })
                .collect();
            rows.push((
                pathway_words(s, &pw.name),
                s.simulation.start_year + c as i32,
                entrants as f64 / r.reps.len().max(1) as f64,
                cells,
            ));
        }
    }
    if rows.is_empty() {
        return html! {};
    }
    html! {
        table {
            "\n"
            caption { "Still serving, by entry cohort: share of the year's entrants serving the given whole years after the start of their entry year (mean of the replications with 95% CI; blank where the run ends first). Table: retention_by_cohort.csv" }
            "\n"
            thead { tr {
                th { "Pathway" } th class="num" { "Entry year" } th class="num" { "Entrants per replication" }
                @for y in SHOWN_YEARS { th class="num" { (y) " y" } }
            } }
            "\n"
            tbody {
                @for (who, cohort, entrants, cells) in &rows {
                    tr {
                        td { (who) } td class="num" { (cohort) } td class="num" { (format!("{entrants:.1}")) }
                        @for cell in cells { (share_cell(*cell)) }
                    }
                    "\n"
                }
            }
        }
        "\n"
    }
}

fn share_cell(cell: Option<MeanCi>) -> Markup {
    match cell {
        Some(ci) => html! { td class="num" { (pct(ci.mean, 1)) " " (ci_span(Unit::Share, &ci)) } },
        None => html! { td class="num" { "–" } },
    }
}
