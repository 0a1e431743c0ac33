//! Staffing and village coverage over time, and the title mix of township-centre staff:
//! their charts and tables for a run and for a comparison.

use super::page::{figure, section};
use super::words::{cap, ci_span, grouped, pct};
use super::{Years, at, interval_words, reps, yearly_series};
use crate::headline::Unit;
use crate::output::plot::{self, CurveSeries, LinePlot, PlotError};
use crate::scenario::Scenario;
use crate::stats::interval::mean_ci;
use crate::stats::{RepMetrics, RunResult};
use maud::{Markup, html};

/// The staffing section of a run's report: vacancies, village coverage, and the yearly table.
pub(super) fn run_staffing(r: &RunResult, years: &Years) -> Result<Markup, PlotError> {
    let band = interval_words(r.reps.len());
    let vacancy = LinePlot {
        title: "Township health centres: vacant share of posts".into(),
        x_label: "Calendar year".into(),
        y_label: "Vacant share of posts".into(),
        band_method: band.clone(),
        series: vec![yearly_series(
            "vacant share of centre posts",
            r,
            years,
            |m, y| at(&m.vacancy, y),
        )],
        percent: true,
    };
    let villages = LinePlot {
        title: "Village clinics: posts filled and villages left without anyone".into(),
        x_label: "Calendar year".into(),
        y_label: "Share".into(),
        band_method: band,
        series: vec![
            yearly_series("village posts filled", r, years, |m, y| {
                at(&m.village_fill, y)
            }),
            yearly_series("villages with nobody serving", r, years, |m, y| {
                at(&m.uncovered, y)
            }),
        ],
        percent: true,
    };
    Ok(section(
        "staffing",
        "Staffing and village coverage over time",
        html! {
            (figure(
                plot::render_line_svg(&vacancy)?,
                "Vacant share of township-centre posts by year with 95% band",
                html! {
                    "Establishment posts of township health centres that nobody holds, after each \
                     year's placement and recruitment round."
                },
            ))
            (figure(
                plot::render_line_svg(&villages)?,
                "Village posts filled and villages with nobody serving, by year, with 95% bands",
                html! {
                    "Village-doctor posts held (by village doctors, local apprentices or centre staff \
                     sent from a staffing reserve), and villages whose clinic has nobody serving."
                },
            ))
            (staffing_table(r, years))
        },
    ))
}

/// The staffing section of a comparison: one line per scenario on each chart.
pub(super) fn compare_staffing(
    runs: &[(&Scenario, &RunResult)],
    years: &Years,
    reference_reps: usize,
) -> Result<Markup, PlotError> {
    let band = interval_words(reference_reps);
    let by_scenario = |pick: fn(&RepMetrics, usize) -> f64| -> Vec<CurveSeries> {
        runs.iter()
            .map(|(s, r)| yearly_series(&s.name, r, years, pick))
            .collect()
    };
    let chart = |title: &str, y_label: &str, pick: fn(&RepMetrics, usize) -> f64| LinePlot {
        title: title.into(),
        x_label: "Calendar year".into(),
        y_label: y_label.into(),
        band_method: band.clone(),
        series: by_scenario(pick),
        percent: true,
    };
    let vacancy = chart(
        "Township health centres: vacant share of posts",
        "Vacant share of posts",
        |m, y| at(&m.vacancy, y),
    );
    let uncovered = chart(
        "Villages with nobody serving",
        "Share of villages",
        |m, y| at(&m.uncovered, y),
    );
    let filled = chart("Village posts filled", "Share of village posts", |m, y| {
        at(&m.village_fill, y)
    });
    Ok(section(
        "staffing",
        "Staffing and village coverage over time",
        html! {
            (figure(
                plot::render_line_svg(&vacancy)?,
                "Vacant share of township-centre posts by year, one line per scenario",
                html! { "Establishment posts of township health centres that nobody holds, one line per scenario." },
            ))
            (figure(
                plot::render_line_svg(&uncovered)?,
                "Villages with nobody serving by year, one line per scenario",
                html! { "Villages whose clinic has nobody serving, one line per scenario." },
            ))
            (figure(
                plot::render_line_svg(&filled)?,
                "Village posts filled by year, one line per scenario",
                html! { "Village-doctor posts held, one line per scenario." },
            ))
        },
    ))
}

/// Centre posts, hires and leavers and village coverage at the sampled years.
fn staffing_table(r: &RunResult, years: &Years) -> Markup {
    let k = reps(r);
    html! {
        table {
            "\n"
            caption { "Township health centres and village clinics, per replication (one simulated region)" }
            "\n"
            thead {
                tr {
                    th { "Year" }
                    th class="num" { "Centre posts" }
                    th class="num" { "Filled" }
                    th class="num" { "Vacant (95% CI)" }
                    th class="num" { "Hired" }
                    th class="num" { "Not filled: too few applicants" }
                    th class="num" { "Leavers" }
                    th class="num" { "Villages with nobody serving (95% CI)" }
                    th class="num" { "Village posts filled" }
                }
            }
            "\n"
            tbody {
                "\n"
                @for y in years.sampled() {
                    @if let Some(st) = r.pooled.staffing.get(y) {
                        @let vacant = mean_ci(r.reps.iter().map(|m| at(&m.vacancy, y)));
                        @let uncovered = mean_ci(r.reps.iter().map(|m| at(&m.uncovered, y)));
                        @let fill = mean_ci(r.reps.iter().map(|m| at(&m.village_fill, y)));
                        tr {
                            th { (years.calendar(y)) }
                            td class="num" { (grouped(st.posts as f64 / k, 0)) }
                            td class="num" { (grouped(st.filled as f64 / k, 0)) }
                            td class="num" { (pct(vacant.mean, 1)) (ci_span(Unit::Share, &vacant)) }
                            td class="num" { (grouped(st.hired as f64 / k, 0)) }
                            td class="num" { (grouped(st.cancelled as f64 / k, 0)) }
                            td class="num" { (grouped(st.leavers as f64 / k, 0)) }
                            td class="num" { (pct(uncovered.mean, 1)) (ci_span(Unit::Share, &uncovered)) }
                            td class="num" { (pct(fill.mean, 1)) }
                        }
                        "\n"
                    }
                }
            }
            "\n"
        }
        "\n"
    }
}

pub(super) const TITLE_WORDS: [&str; 4] = ["junior", "intermediate", "associate senior", "senior"];

/// Shares of centre staff by title in simulated year `y` (NaN where nobody was counted).
fn title_mix(r: &RunResult, y: usize) -> [f64; 4] {
    let counts = r.pooled.centre_titles.get(y * 4..y * 4 + 4).unwrap_or(&[]);
    let total: u64 = counts.iter().sum();
    let mut out = [f64::NAN; 4];
    if total > 0 {
        for (o, c) in out.iter_mut().zip(counts) {
            *o = *c as f64 / total as f64;
        }
    }
    out
}

fn title_plot(s: &Scenario, r: &RunResult, years: &Years) -> LinePlot {
    LinePlot {
        title: format!("Title mix of township-centre staff — {}", s.name),
        x_label: "Calendar year".into(),
        y_label: "Share of centre staff".into(),
        band_method: String::new(),
        series: TITLE_WORDS
            .iter()
            .enumerate()
            .map(|(t, words)| CurveSeries {
                label: words.to_string(),
                points: (0..years.count)
                    .map(|y| {
                        (
                            years.calendar(y) as f64,
                            title_mix(r, y)[t],
                            f64::NAN,
                            f64::NAN,
                        )
                    })
                    .collect(),
            })
            .collect(),
        percent: true,
    }
}

/// The title section of a run's report: the mix by year, chart and table.
pub(super) fn run_titles(s: &Scenario, r: &RunResult, years: &Years) -> Result<Markup, PlotError> {
    let caption = html! {
        "Share of township-centre staff holding each professional title at the start of \
         each year, pooled over the " (r.reps.len()) " replications (no band)."
    };
    Ok(section(
        "titles",
        "Title mix of township-centre staff",
        html! {
            (figure(
                plot::render_line_svg(&title_plot(s, r, years))?,
                "Title mix of township-centre staff by year",
                caption,
            ))
            (title_table(&[(s, r)], years))
        },
    ))
}

/// The title section of a comparison: the share with an intermediate or higher title.
pub(super) fn compare_titles(
    runs: &[(&Scenario, &RunResult)],
    years: &Years,
    reference_reps: usize,
) -> Result<Markup, PlotError> {
    let senior_enough = LinePlot {
        title: "Centre staff with an intermediate or higher title".into(),
        x_label: "Calendar year".into(),
        y_label: "Share of centre staff".into(),
        band_method: String::new(),
        series: runs
            .iter()
            .map(|(s, r)| CurveSeries {
                label: s.name.clone(),
                points: (0..years.count)
                    .map(|y| {
                        let mix = title_mix(r, y);
                        let v = if mix.iter().all(|x| x.is_finite()) {
                            mix[1] + mix[2] + mix[3]
                        } else {
                            f64::NAN
                        };
                        (years.calendar(y) as f64, v, f64::NAN, f64::NAN)
                    })
                    .collect(),
            })
            .collect(),
        percent: true,
    };
    Ok(section(
        "titles",
        "Title mix of township-centre staff",
        html! {
            (figure(
                plot::render_line_svg(&senior_enough)?,
                "Share of centre staff with an intermediate or higher title, by scenario",
                html! { "Pooled over the " (reference_reps) " replications of each scenario (no band)." },
            ))
            (title_table(runs, years))
        },
    ))
}

/// The title mix at the sampled years, one row per run and year.
fn title_table(runs: &[(&Scenario, &RunResult)], years: &Years) -> Markup {
    let several = runs.len() > 1;
    // A comparison shows the first and the last year only: the chart has the rest.
    let rows: Vec<usize> = if several {
        let mut v = vec![0];
        if years.count > 1 {
            v.push(years.count - 1);
        }
        v
    } else {
        years.sampled()
    };
    html! {
        table {
            "\n"
            caption { "Share of township-centre staff by title" }
            "\n"
            thead {
                tr {
                    @if several { th { "Scenario" } }
                    th { "Year" }
                    @for w in TITLE_WORDS { th class="num" { (cap(w)) } }
                }
            }
            "\n"
            tbody {
                "\n"
                @for (s, r) in runs {
                    @for &y in &rows {
                        tr {
                            @if several { td { code { (s.name) } } }
                            th { (years.calendar(y)) }
                            @for share in title_mix(r, y) { td class="num" { (pct(share, 1)) } }
                        }
                        "\n"
                    }
                }
            }
            "\n"
        }
        "\n"
    }
}
