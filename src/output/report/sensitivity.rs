//! The report of a sensitivity analysis: what each conclusion depends on.

use super::page::{contents, facts, figure, page, section};
use super::version_words;
use crate::output::plot::{Bars, Chart, PlotError};
use crate::sensitivity::Method;
use crate::sensitivity::indices::Estimate;
use crate::sensitivity::run::{Analysis, OutputIndices};
use maud::{Markup, html};

const SECTIONS: [(&str, &str); 3] = [
    ("depends", "What this conclusion depends on"),
    ("parameters", "The uncertain parameters"),
    ("method", "Method"),
];

/// A value of output `o` in its unit: shares as percentages (levels) or points (effects).
fn value(o: &OutputIndices, x: f64, effect: bool) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    match o.output.unit.as_str() {
        "share" if effect => format!("{:.2} points", x * 100.0),
        "share" => format!("{:.1}%", x * 100.0),
        "yuan" => format!("{} yuan", super::words::grouped(x, 0)),
        "years" => format!("{} worker-years", super::words::grouped(x, 0)),
        _ => format!("{x:.3}"),
    }
}

fn interval(o: &OutputIndices, e: &Estimate, effect: bool) -> Markup {
    let f = |x| {
        if effect {
            value(o, x, true)
        } else {
            format!("{x:.2}")
        }
    };
    html! {
        (f(e.value))
        @if e.low.is_finite() && e.high.is_finite() {
            span class="ci" { "95% " (f(e.low)) " to " (f(e.high)) }
        }
    }
}

/// A column of the index table: its heading, the estimates, whether they are effects (in the
/// output's unit) rather than shares of variance.
type Column<'a> = (&'a str, &'a Vec<Estimate>, bool);

fn output_part(a: &Analysis, o: &OutputIndices, chart: &Bars) -> Result<Markup, PlotError> {
    let m = &a.manifest;
    let order = o.order();
    let top: Vec<String> = order
        .iter()
        .take(3)
        .map(|&i| m.parameters[i].label.clone())
        .collect();
    let (measure, columns): (&str, Vec<Column>) = match (&o.morris, &o.sobol) {
        (Some(mi), _) => (
            "μ*",
            vec![
                ("μ* (importance)", &mi.mu_star, true),
                ("μ (direction)", &mi.mu, true),
                ("σ (interactions)", &mi.sigma, true),
            ],
        ),
        (_, Some(si)) => (
            "ST",
            vec![
                ("S1 (alone)", &si.s1, false),
                ("ST (with interactions)", &si.st, false),
            ],
        ),
        _ => ("", Vec::new()),
    };
    Ok(html! {
        h3 { (o.words(m)) } "\n"
        p {
            "Over the priors, this is " (value(o, o.mean, o.measured.name() == "difference"))
            " on average across the design's points (central 95%: "
            (value(o, o.low, o.measured.name() == "difference")) " to "
            (value(o, o.high, o.measured.name() == "difference")) "). Ranked by " (measure)
            ", it depends most on: " (top.join("; ")) "."
        } "\n"
        table {
            thead { tr {
                th { "Rank" } th { "Parameter" }
                @for (name, _, _) in &columns { th class="num" { (name) } }
            } }
            tbody {
                @for (rank, &i) in order.iter().enumerate() {
                    tr {
                        td { (rank + 1) }
                        th { (m.parameters[i].label) span class="ci" { code { (m.parameters[i].name) } } }
                        @for (_, est, effect) in &columns {
                            td class="num" { (interval(o, &est[i], *effect)) }
                        }
                    }
                    "\n"
                }
            }
        } "\n"
        (figure(chart.svg()?, &chart.title, html! { (chart.note) }))
    })
}

/// The page of a finished sensitivity analysis; `charts[i]` is the chart of `a.outputs[i]`.
pub fn sensitivity_report(a: &Analysis, charts: &[Bars]) -> Result<String, PlotError> {
    let m = &a.manifest;
    let mut parts = Vec::new();
    for (o, c) in a.outputs.iter().zip(charts) {
        parts.push(output_part(a, o, c)?);
    }
    let (method_words, size) = match m.method {
        Method::Morris {
            trajectories,
            levels,
        } => (
            "Morris elementary effects (screening)",
            format!(
                "{trajectories} trajectories on a {levels}-level grid: {} points per scenario",
                m.points
            ),
        ),
        Method::Sobol { samples } => (
            "Sobol first-order and total indices",
            format!(
                "{samples} base samples (Saltelli): {} points per scenario",
                m.points
            ),
        ),
    };
    let name = match &m.policy_name {
        Some(p) => format!("`{}` and its difference from `{}`", p, m.scenario_name),
        None => format!("`{}`", m.scenario_name),
    };
    let body = html! {
        header {
            "\n"
            p class="kicker" { "zhagen sensitivity report" } "\n"
            h1 { "What " (name) " depends on" } "\n"
            p class="lede" {
                (method_words) " over the " (m.parameters.len()) " uncertain parameters the scenario \
                 declares, each drawn from its stated prior. Every point ran at seed " (m.seed)
                 " with " (m.replications) " replications"
                @if m.policy.is_some() {
                    ", the policy at the same seed and parameter values, so that its difference at each \
                     point is paired over chance and over parameters"
                }
                "."
            }
            "\n"
        }
        "\n"
        (contents(&SECTIONS))
        (facts(&[
            ("Scenario", html! { (m.scenario_name) " " code { (m.scenario) } }),
            ("Policy", html! { @if let Some(p) = &m.policy { (m.policy_name.clone().unwrap_or_default()) " " code { (p) } } @else { "none (levels only)" } }),
            ("Design", html! { (size) }),
            ("Replications per point", html! { (m.replications) }),
            ("Intervals", html! { "95% percentile bootstrap, " (m.resamples) " resamples" }),
        ]))
        (section("depends", "What this conclusion depends on", html! { @for p in &parts { (p) } }))
        (section("parameters", "The uncertain parameters", html! {
            table {
                thead { tr { th { "Parameter" } th { "Prior" } th { "Source" } } }
                tbody {
                    @for p in &m.parameters {
                        tr { th { (p.label) span class="ci" { code { (p.keys.join(", ")) } } } td { (p.prior) } td class="source" { (p.source) } }
                        "\n"
                    }
                }
            }
        }))
        (section("method", "Method", html! {
            p {
                "Each point of the design in the unit cube is mapped through every parameter's prior \
                 quantile to its value. Morris: each step of a trajectory moves one parameter by Δ = \
                 p / (2(p − 1)) of its prior's probability range; the elementary effect is the change \
                 of the output divided by Δ, so μ* (the mean absolute effect) is in the output's unit \
                 per whole prior range, μ says the direction, and σ large against μ* flags \
                 interactions or a non-linear effect. Sobol: S1 by Saltelli et al. (2010) and ST by \
                 Jansen (1999) from matrices A, B and A with one column of B; S1 is the share of the \
                 output's variance over the priors a parameter explains alone, ST alone and with \
                 others. Intervals resample whole trajectories or rows of the design; each point's \
                 output is a mean over its replications, whose Monte Carlo error is part of what the \
                 intervals hold."
            }
            p { "Made by zhagen " (version_words()) ". The page loads nothing from the network." }
        }))
    };
    Ok(page(
        &format!("zhagen sensitivity — {}", m.scenario_name),
        body,
    ))
}
