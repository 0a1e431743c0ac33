//! Validation: the published figures the scenario lists, against the simulation's interval,
//! with their sources.

use super::page::section;
use super::pathway_words;
use super::staffing::TITLE_WORDS;
use super::words::{cap, grouped, pct, years_after};
use crate::benchmark::{Bound, Metric};
use crate::population::Destination;
use crate::scenario::Scenario;
use crate::stats::BenchmarkResult;
use maud::{Markup, html};

/// The benchmarks against the simulation, with sources; `note` says whose they are, if needed.
pub(super) fn validation_section(
    s: &Scenario,
    results: &[BenchmarkResult],
    note: Option<Markup>,
) -> Markup {
    use crate::stats::Verdict;
    let met = results.iter().filter(|b| b.verdict.is_met()).count();
    let cannot = results
        .iter()
        .filter(|b| matches!(b.verdict, Verdict::CannotJudge(_)))
        .count();
    let for_reference = results.iter().any(|b| b.verdict == Verdict::ForReference);
    section(
        "validation",
        "Validation against published figures",
        html! {
            @if let Some(note) = note { p { (note) } "\n" }
            @if results.is_empty() {
                p { "The scenario lists no published figures to check against." } "\n"
            } @else {
                @if for_reference {
                    p {
                        "This scenario changes policy from the status quo it is built on, and the \
                         published figures describe the status quo: they are shown for reference, \
                         not judged (a policy that works should move away from them)."
                    }
                } @else {
                    p {
                        (met) " of " (results.len() - cannot) " published figures that this run can judge lie within the simulation's 95% interval"
                        @if cannot > 0 { "; " (cannot) " cannot be judged (the reason is in the table)" }
                        "."
                        sup { a href="#note-validation" { "2" } }
                    }
                }
                "\n"
                table class="validation" {
                    "\n"
                    thead {
                        tr {
                            th { "What was measured" }
                            th class="num" { "Published" }
                            th class="num" { "Simulated" }
                            th class="num" { "95% interval" }
                            th { "Within?" }
                            th { "Source" }
                        }
                    }
                    "\n"
                    tbody { "\n" @for b in results { (row(s, b)) "\n" } }
                    "\n"
                }
                "\n"
            }
        },
    )
}

/// One published figure against the simulation.
fn row(s: &Scenario, b: &BenchmarkResult) -> Markup {
    let share = b.benchmark.metric.is_share();
    let v = |x: f64| {
        if share {
            pct(x, 1)
        } else {
            format!("{} years", grouped(x, 1))
        }
    };
    let bound = match b.benchmark.bound {
        Bound::Equal => "",
        Bound::AtLeast => "≥ ",
        Bound::AtMost => "≤ ",
    };
    let basis = match b.benchmark.n {
        Some(n) => format!("a study of {}", grouped(n as f64, 0)),
        None => "simulation only".to_string(),
    };
    let (low, high) = if share {
        (b.judged_low.clamp(0.0, 1.0), b.judged_high.clamp(0.0, 1.0))
    } else {
        (b.judged_low, b.judged_high)
    };
    let within = b.verdict.word();
    html! {
        tr {
            td { (cap(&metric_words(s, &b.benchmark.metric))) span class="ci" { code { (b.benchmark.name) } } }
            td class="num" { (bound) (v(b.benchmark.value)) }
            td class="num" { (v(b.simulated.mean)) }
            td class="num" { (v(low)) " to " (v(high)) span class="ci" { (basis) } }
            td class=(within.replace(' ', "-")) {
                (within)
                @if !b.verdict.reason().is_empty() { span class="ci" { (b.verdict.reason()) } }
            }
            td class="source" { (b.benchmark.source) }
        }
    }
}

/// What a benchmark measures, in words.
fn metric_words(s: &Scenario, m: &Metric) -> String {
    let who = |p: crate::population::PathwayId| -> String {
        s.pathways
            .get(p.0 as usize)
            .map_or_else(|| "workers".into(), |pw| pathway_words(s, &pw.name))
    };
    let titles = |mask: &[bool; 4]| -> String {
        let names: Vec<&str> = TITLE_WORDS
            .iter()
            .zip(mask)
            .filter(|(_, on)| **on)
            .map(|(w, _)| *w)
            .collect();
        let article = |w: &str| if w.starts_with(['a', 'i']) { "an" } else { "a" };
        match (mask, names.as_slice()) {
            (_, []) => "no title".into(),
            ([false, true, true, true], _) => "an intermediate or higher title".into(),
            (_, [one]) => format!("{} {one} title", article(one)),
            (_, all) => format!("{} {} title", article(all[0]), all.join(" or ")),
        }
    };
    match *m {
        Metric::Retention { pathway, year } => {
            format!(
                "{} still serving {} after entry",
                who(pathway),
                years_after(year)
            )
        }
        Metric::ConditionalRetention {
            pathway,
            from_year,
            year,
        } => format!(
            "{} serving {from_year} years after entry who still serve at {year} years",
            who(pathway)
        ),
        Metric::TitleShare {
            pathway,
            year,
            titles: mask,
        } => format!(
            "{} holding {} {} after entry",
            who(pathway),
            titles(&mask),
            years_after(year)
        ),
        Metric::CentreTitleShare {
            calendar_year,
            titles: mask,
        } => format!("centre staff holding {} in {calendar_year}", titles(&mask)),
        Metric::ExitShare {
            pathway,
            destination,
        } => format!(
            "{} leaving after their contract who go to {}",
            who(pathway),
            match destination {
                Destination::CountyHospital => "a county or higher hospital",
                Destination::Postgraduate => "postgraduate study",
                Destination::Unemployed => "unemployment",
                Destination::Other => "other work",
            }
        ),
        Metric::AnnualOutflow => "centre staff leaving per head per year".into(),
        Metric::ReportRate { pathway } => {
            format!("{} reporting for service after training", who(pathway))
        }
        Metric::AgeMean {
            pathway,
            calendar_year,
        } => format!("mean age of {} in {calendar_year}", who(pathway)),
        Metric::AgeShare {
            pathway,
            calendar_year,
            min_age,
        } => format!("{} aged {min_age} or more in {calendar_year}", who(pathway)),
    }
}
