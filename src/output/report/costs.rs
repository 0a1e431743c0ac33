//! What it all costs: cost per retained worker-year, public spending by item and by year, and
//! for a comparison each scenario's cost against the reference.

use super::differences::difference_words;
use super::page::{facts, section};
use super::words::{ci_span, ci_words, grouped, pct, yuan};
use super::{Years, headline_ci, reps};
use crate::compare::ComparedMetric;
use crate::headline::{self, Unit};
use crate::scenario::Scenario;
use crate::stats::RunResult;
use maud::{Markup, html};

/// The cost section of a run's report.
pub(super) fn run_section(s: &Scenario, r: &RunResult, years: &Years) -> Markup {
    let heads = headline::headlines(s, r);
    let per_year = headline_ci(&heads, "cost_per_worker_year");
    let total = headline_ci(&heads, "total_cost");
    let served = r.pooled.cost.iter().map(|c| c.serving_years).sum::<f64>() / reps(r);
    section(
        "cost",
        "Cost per retained worker-year",
        html! {
            (facts(&[
                (
                    "Cost per retained worker-year",
                    html! { strong { (yuan(per_year.mean)) } " " (ci_words(Unit::Yuan, &per_year)) },
                ),
                (
                    "Public spending over the run",
                    html! {
                        (yuan(total.mean)) " " (ci_words(Unit::Yuan, &total))
                        " for the whole region over " (years.span())
                    },
                ),
                (
                    "Worker-years served",
                    html! { (grouped(served, 0)) " in centre and village posts" },
                ),
            ]))
            (cost_items_table(&[(s, r)]))
            (cost_years_table(r, years))
        },
    )
}

/// The cost section of a comparison.
pub(super) fn compare_section(
    runs: &[(&Scenario, &RunResult)],
    names: &[String],
    metrics: &[ComparedMetric],
) -> Markup {
    section(
        "cost",
        "Cost per retained worker-year",
        html! { (cost_compare_table(names, metrics)) (cost_items_table(runs)) },
    )
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
    let (per, total) = (find("cost_per_worker_year"), find("total_cost"));
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
                    th class="num" { "Cost per retained worker-year (95% CI)" }
                    th { "Difference from the reference" }
                    th class="num" { "Public spending over the run (95% CI)" }
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
