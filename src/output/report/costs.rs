//! What it all costs: public spending and the worker-years it buys, by item and by year, and
//! for a comparison the value for money of each option: the incremental cost per extra
//! worker-year with Fieller's interval, the ranking, the efficiency frontier and the
//! cost-effectiveness plane.

use super::differences::difference_words;
use super::page::{facts, figure, section};
use super::words::{ci_span, ci_words, grouped, pct, yuan};
use super::{Years, headline_ci, reps};
use crate::compare::ComparedMetric;
use crate::compare::decision::Decision;
use crate::compare::icer::{Frontier, RatioInterval};
use crate::headline::{self, Unit};
use crate::output::plot::{Chart, PlotError};
use crate::scenario::Scenario;
use crate::stats::RunResult;
use maud::{Markup, html};

/// The cost section of a run's report.
pub(super) fn run_section(s: &Scenario, r: &RunResult, years: &Years) -> Markup {
    let heads = headline::headlines(s, r);
    let per_year = headline_ci(&heads, "cost_per_worker_year");
    let total = headline_ci(&heads, "cost_total");
    let nominal = headline_ci(&heads, "cost_total_nominal");
    let served = headline_ci(&heads, "worker_years");
    let e = &s.economics;
    section(
        "cost",
        "Cost and value for money",
        html! {
            (facts(&[
                (
                    "Public spending over the run",
                    html! {
                        strong { (yuan(total.mean)) } " " (ci_words(Unit::Yuan, &total))
                        " for the whole region over " (years.span()) ", in " (e.cost_unit_words())
                        " (" (yuan(nominal.mean)) " in nominal yuan, undiscounted)"
                    },
                ),
                (
                    "Worker-years served",
                    html! { (grouped(served.mean, 0)) " in centre and village posts" },
                ),
                (
                    "Average cost per worker-year served",
                    html! {
                        (yuan(per_year.mean)) " " (ci_words(Unit::Yuan, &per_year))
                        ": spending over worker-years, both " (e.discount_words())
                        " — an average, not the price of an extra worker-year (a comparison gives that)"
                    },
                ),
                (
                    "Valued as",
                    html! { (e.deflator_words()) "; " (e.discount_words()) ", costs and worker-years alike" },
                ),
            ]))
            (cost_items_table(&[(s, r)]))
            (cost_years_table(r, years))
        },
    )
}

/// The cost section of a comparison: value for money first.
pub(super) fn compare_section(
    runs: &[(&Scenario, &RunResult)],
    names: &[String],
    metrics: &[ComparedMetric],
    decision: &Decision,
) -> Result<Markup, PlotError> {
    let scenarios: Vec<Scenario> = runs.iter().map(|(s, _)| (*s).clone()).collect();
    let plane = crate::output::comparison::plane(&scenarios, decision).svg()?;
    let curves = match &decision.acceptability {
        Some(c) => {
            Some(crate::output::comparison::acceptability_plot(&scenarios, decision, c).svg()?)
        }
        None => None,
    };
    let e = &scenarios[0].economics;
    Ok(section(
        "cost",
        "Cost and value for money",
        html! {
            p {
                "What each extra worker-year of service an option buys costs, against the reference "
                code { (names[0]) } ": Δ public spending over Δ worker-years served in centre and \
                 village posts, both in present value (" (e.cost_unit_words()) "; "
                (e.deflator_words()) "). Options are ranked by value for money: those giving more \
                 service for less money first, then the cheapest extra worker-year."
            }
            "\n"
            (decision_table(&scenarios, decision))
            (figure(plane, "Cost-effectiveness plane: extra worker-years against extra spending, with 95% intervals", html! {
                "Each option against the reference at the origin; bars: " (decision.interval_words()) "."
            }))
            @if let Some(svg) = curves {
                (figure(svg, "Acceptability curves: the share of parameter sets in which each option is worth its cost, against what an extra worker-year is worth", html! {
                    "Read across at the value a payer puts on an extra worker-year of service: the \
                     height is the share of replications (each with its own parameter set) in which \
                     the option's extra service is worth more than its extra spending. Data in \
                     acceptability.csv."
                }))
            }
            (cost_compare_table(names, metrics))
            (cost_items_table(runs))
        },
    ))
}

/// The decision table: rank, Δcost, Δworker-years, ICER with Fieller's interval, reading and
/// frontier status.
fn decision_table(scenarios: &[Scenario], d: &Decision) -> Markup {
    let mut rows: Vec<_> = d.rows.iter().collect();
    rows.sort_by_key(|r| r.rank_cost_effectiveness);
    let span = |m: &crate::stats::interval::MeanCi, years: bool| {
        if years {
            html! { (grouped(m.mean, 0)) span class="ci" { (grouped(m.low, 0)) " to " (grouped(m.high, 0)) } }
        } else {
            html! { (yuan(m.mean)) span class="ci" { (yuan(m.low)) " to " (yuan(m.high)) } }
        }
    };
    html! {
        table {
            "\n"
            caption { "Value for money against " code { (scenarios[0].name) } " (intervals: " (d.interval_words()) ")" }
            "\n"
            thead {
                tr {
                    th class="num" { "Rank" }
                    th { "Option" }
                    th class="num" { "Δ spending" }
                    th class="num" { "Δ worker-years" }
                    th class="num" { "Δ spending per extra worker-year" }
                    th { "Reading" }
                    th { "Efficiency frontier" }
                    th class="num" { "Δ staffed village-years" }
                }
            }
            "\n"
            tbody {
                "\n"
                @for r in rows {
                    @let i = &r.incremental;
                    tr {
                        td class="num" { (r.rank_cost_effectiveness) }
                        td { code { (scenarios[r.scenario].name) } }
                        td class="num" { (span(&i.cost, false)) }
                        td class="num" { (span(&i.effect, true)) }
                        td class="num" {
                            @match i.interval {
                                RatioInterval::Bounded { low, high } if i.icer.is_finite() => {
                                    (yuan(i.icer)) span class="ci" { (yuan(low)) " to " (yuan(high)) }
                                }
                                RatioInterval::Unbounded => { (yuan(i.icer)) span class="ci" { "no finite interval: Δ worker-years not distinguishable from zero" } }
                                _ => "–",
                            }
                        }
                        td { (i.quadrant.words()) }
                        td {
                            @match &d.frontier[r.scenario] {
                                Frontier::On { against: Some(j), icer: Some(x) } => {
                                    "on it: " (yuan(*x)) " per extra worker-year over " code { (scenarios[*j].name) }
                                }
                                Frontier::On { .. } => "on it",
                                Frontier::Dominated { by } => { "dominated by " code { (scenarios[*by].name) } }
                                Frontier::ExtendedlyDominated => "extendedly dominated (a mix of two others buys more for the money)",
                            }
                        }
                        td class="num" { (span(&r.village, true)) }
                    }
                    "\n"
                }
            }
            "\n"
        }
        "\n"
        p class="note" { "Δ spending per extra worker-year: " (d.icer_method()) "." }
        "\n"
    }
}

const ITEMS: [&str; 9] = [
    "Salaries of centre staff",
    "Performance-pay uplift",
    "Remote-post allowances",
    "Residency stipends",
    "Village subsidies",
    "Village income-floor top-up",
    "Village-doctor pensions",
    "Training and rotation",
    "Total",
];

/// Public spending over the run by item, per replication: one column per run.
fn cost_items_table(runs: &[(&Scenario, &RunResult)]) -> Markup {
    let several = runs.len() > 1;
    let sums: Vec<[f64; 9]> = runs
        .iter()
        .map(|(_, r)| {
            let mut a = [0.0; 9];
            for c in &r.pooled.cost {
                for (x, v) in a.iter_mut().zip([
                    c.pay,
                    c.performance,
                    c.allowances,
                    c.stipends,
                    c.village_subsidy,
                    c.village_floor,
                    c.pension,
                    c.training,
                    c.total(),
                ]) {
                    *x += v;
                }
            }
            a.map(|x| x / reps(r))
        })
        .collect();
    // Items nobody spent anything on in any run are left out.
    let shown = ITEMS
        .iter()
        .enumerate()
        .filter(|(i, _)| i + 1 == ITEMS.len() || sums.iter().any(|a| a[*i] != 0.0));
    html! {
        table {
            "\n"
            caption { "Public spending over the run by item, per replication (nominal yuan)" }
            "\n"
            thead {
                tr {
                    th { "Item" }
                    @for (s, _) in runs {
                        @if several {
                            th class="num" { code { (s.name) } }
                        } @else {
                            th class="num" { "Yuan" } th class="num" { "Share" }
                        }
                    }
                }
            }
            "\n"
            tbody {
                "\n"
                @for (i, item) in shown {
                    tr {
                        th { (item) }
                        @for a in &sums {
                            td class="num" { (yuan(a[i])) }
                            @if !several {
                                td class="num" { (pct(if a[8] > 0.0 { a[i] / a[8] } else { f64::NAN }, 1)) }
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

/// Spending, worker-years served and their ratio at the sampled years.
fn cost_years_table(r: &RunResult, years: &Years) -> Markup {
    html! {
        table {
            "\n"
            caption { "Spending and worker-years served by year, per replication (nominal yuan)" }
            "\n"
            thead {
                tr {
                    th { "Year" }
                    th class="num" { "Public spending" }
                    th class="num" { "Worker-years served" }
                    th class="num" { "Cost per worker-year" }
                }
            }
            "\n"
            tbody {
                "\n"
                @for y in years.sampled() {
                    @if let Some(c) = r.pooled.cost.get(y) {
                        tr {
                            th { (years.calendar(y)) }
                            td class="num" { (yuan(c.total() / reps(r))) }
                            td class="num" { (grouped(c.serving_years / reps(r), 0)) }
                            td class="num" {
                                (yuan(if c.serving_years > 0.0 { c.total() / c.serving_years } else { f64::NAN }))
                            }
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

/// Cost per retained worker-year and total spending of each scenario, with the difference
/// from the reference.
fn cost_compare_table(names: &[String], metrics: &[ComparedMetric]) -> Markup {
    let find = |key: &str| metrics.iter().find(|m| m.key == key);
    let (per, total) = (find("cost_per_worker_year"), find("cost_total"));
    let cells = |i: usize, m: Option<&ComparedMetric>| {
        let value = m.and_then(|m| m.values.get(i).copied().flatten());
        let diff = m.and_then(|m| m.diffs.get(i).copied().flatten());
        html! {
            td class="num" {
                @match value {
                    Some(v) => { (yuan(v.mean)) (ci_span(Unit::Yuan, &v)) },
                    None => "–",
                }
            }
            td {
                @match (m, diff) {
                    (Some(m), Some(d)) => (difference_words(m, &d.paired).0),
                    _ if i == 0 => "reference",
                    _ => "–",
                }
            }
        }
    };
    html! {
        table {
            "\n"
            thead {
                tr {
                    th { "Scenario" }
                    th class="num" { "Average cost per worker-year served (95% CI)" }
                    th { "Difference from the reference" }
                    th class="num" { "Public spending over the run, present value (95% CI)" }
                    th { "Difference from the reference" }
                }
            }
            "\n"
            tbody {
                "\n"
                @for (i, name) in names.iter().enumerate() {
                    tr { td { code { (name) } } (cells(i, per)) (cells(i, total)) }
                    "\n"
                }
            }
            "\n"
        }
        "\n"
    }
}
