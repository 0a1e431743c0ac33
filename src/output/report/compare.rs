//! The report of a comparison: every scenario against the reference, section by section.

use super::changes::levers_against_reference;
use super::page::{contents, facts, notes, page, section};
use super::validation::validation_section;
use super::{
    Years, costs, differences, exits, quoted, region_words, replications_words, retention,
    staffing, version_words,
};
use crate::compare::ComparedMetric;
use crate::output::plot::PlotError;
use crate::scenario::Scenario;
use crate::stats::RunResult;
use maud::{Markup, html};

const COMPARE_SECTIONS: [(&str, &str); 8] = [
    ("simulated", "What was compared"),
    ("differences", "Headline differences"),
    ("retention", "Who stays: retention by pathway"),
    ("staffing", "Staffing and village coverage"),
    ("titles", "Title mix"),
    ("exits", "Where leavers go"),
    ("cost", "Cost and value for money"),
    ("validation", "Validation against published figures"),
];

/// The report of a comparison: `scenarios[0]` is the reference of every difference, as in
/// `comparison.csv`. `metrics` are the compared headline metrics ([`crate::compare::compare`]).
pub fn compare_report(
    scenarios: &[Scenario],
    results: &[RunResult],
    metrics: &[ComparedMetric],
    decision: &crate::compare::decision::Decision,
) -> Result<String, PlotError> {
    let n = scenarios.len().min(results.len());
    let (scenarios, results) = (&scenarios[..n], &results[..n]);
    let (Some(reference), Some(ref_result)) = (scenarios.first(), results.first()) else {
        let body = html! {
            h1 { "Comparison" } "\n"
            p { "No scenario was compared." } "\n"
        };
        return Ok(page("zhagen comparison", body));
    };
    let years = Years::of(reference);
    let reps = ref_result.reps.len();
    let names: Vec<String> = scenarios.iter().map(|s| s.name.clone()).collect();
    let runs: Vec<(&Scenario, &RunResult)> = scenarios.iter().zip(results).collect();
    let note = html! {
        "The published figures describe the status quo, so they are checked against the \
         reference " (quoted(&reference.name)) "; the other scenarios change the policies they describe."
    };
    let body = html! {
        header {
            "\n"
            p class="kicker" { "zhagen comparison report" } "\n"
            h1 { (quoted_list(&names, " vs ")) } "\n"
            p class="lede" {
                "Each scenario against the reference " (quoted(&reference.name)) ", run at the \
                 same seed and replications (common random numbers), so that the differences \
                 below come from the policies, not from chance."
            }
            "\n"
        }
        "\n"
        (contents(&COMPARE_SECTIONS))
        (compared(scenarios, &names, &years, reps))
        (differences::section_of(reference, &names, metrics))
        (retention::compare_section(scenarios, results, reps)?)
        (staffing::compare_staffing(&runs, &years, reps)?)
        (staffing::compare_titles(&runs, &years, reps)?)
        (exits::compare_section(&runs, &years))
        (costs::compare_section(&runs, &names, metrics, decision)?)
        (validation_section(reference, &ref_result.benchmarks, Some(note)))
        (notes(reps, true))
    };
    Ok(page(
        &format!("zhagen comparison — {}", names.join(" vs ")),
        body,
    ))
}

/// Names as quotations, joined: `<q>a</q> vs <q>b</q>`.
fn quoted_list(names: &[String], between: &str) -> Markup {
    html! {
        @for (i, name) in names.iter().enumerate() {
            @if i > 0 { (between) }
            (quoted(name))
        }
    }
}

/// What was compared: the facts, and what each scenario changes against the reference.
fn compared(scenarios: &[Scenario], names: &[String], years: &Years, reps: usize) -> Markup {
    let Some(reference) = scenarios.first() else {
        return html! {};
    };
    section(
        "simulated",
        "What was compared",
        html! {
            (facts(&[
                ("Scenarios", quoted_list(names, ", ")),
                (
                    "Reference",
                    html! { (quoted(&reference.name)) ": every difference is measured against it" },
                ),
                ("Region and period", region_words(reference, years)),
                ("Seed", html! { (reference.simulation.seed) }),
                ("Replications", replications_words(reps)),
                ("zhagen version", version_words()),
            ]))
            h3 id="levers" { "Levers that differ from the reference" } "\n"
            (levers_against_reference(scenarios))
        },
    )
}
