//! Validation: the published figures the scenario lists, against the simulation's interval,
//! with their sources.

use super::page::section;
use super::pathway_words;
use super::staffing::TITLE_WORDS;
use super::words::{cap, grouped, pct, years_after};
use crate::benchmark::{Bound, Metric, Role};
use crate::population::Destination;
use crate::scenario::Scenario;
use crate::stats::{BenchmarkResult, VERDICT_RULE, Verdict};
use maud::{Markup, html};

/// The benchmarks against the simulation, with sources, grouped by role; `note` says whose
/// they are, if needed.
pub(super) fn validation_section(
    s: &Scenario,
    results: &[BenchmarkResult],
    note: Option<Markup>,
) -> Markup {
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
                        "Each figure is judged against its own uncertainty (a study's size, a stated \
                         tolerance or the source's interval) together with the simulation's Monte \
                         Carlo error: "
                        (VERDICT_RULE) "."
                        sup { a href="#note-validation" { "2" } }
                    }
                }
                "\n"
                @for role in Role::ALL {
                    @let of_role: Vec<&BenchmarkResult> = results.iter().filter(|b| b.benchmark.role == role).collect();
                    @if !of_role.is_empty() {
                        h3 { (role_title(role)) }
                        p { (role.heading()) " " (tally(&of_role)) }
                        "\n"
                        table class="validation" {
                            "\n"
                            thead {
                                tr {
                                    th { "What was measured" }
                                    th class="num" { "Published, with its 95% interval" }
                                    th class="num" { "Simulated, with its Monte Carlo 95% interval" }
                                    th class="num" { "Difference" }
                                    th { "Met?" }
                                    th { "Source" }
                                }
                            }
                            "\n"
                            tbody { "\n" @for b in &of_role { (row(s, b)) "\n" } }
                            "\n"
                        }
                        "\n"
                    }
                }
            }
        },
    )
}

fn role_title(role: Role) -> &'static str {
    match role {
        Role::Fitted => "Calibration targets",
        Role::Input => "Inputs echoed",
        Role::Holdout => "Hold-outs",
    }
}

/// "3 of 4 that this run can judge are met; 1 cannot be judged.", or nothing for reference.
fn tally(of_role: &[&BenchmarkResult]) -> String {
    let met = of_role.iter().filter(|b| b.verdict.is_met()).count();
    let cannot = of_role
        .iter()
        .filter(|b| matches!(b.verdict, Verdict::CannotJudge(_)))
        .count();
    let reference = of_role
        .iter()
        .filter(|b| b.verdict == Verdict::ForReference)
        .count();
    if reference > 0 {
        return String::new();
    }
    let mut t = format!(
        "{met} of {} that this run can judge are met",
        of_role.len() - cannot
    );
    if cannot > 0 {
        t.push_str(&format!(
            "; {cannot} cannot be judged (the reason is in the table)"
        ));
    }
    t.push('.');
    t
}

/// One published figure against the simulation.
fn row(s: &Scenario, b: &BenchmarkResult) -> Markup {
    let share = b.benchmark.in_percent();
    let v = |x: f64| {
        if !x.is_finite() {
            "–".to_string()
        } else if share {
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
    let basis = b.benchmark.uncertainty_words();
    let range = |lo: f64, hi: f64| {
        if lo.is_finite() && hi.is_finite() {
            format!("{} to {}", v(lo), v(hi))
        } else {
            "–".to_string()
        }
    };
    let diff = if !b.difference.is_finite() {
        "–".to_string()
    } else if share {
        format!("{:+.1} points", b.difference * 100.0)
    } else {
        format!("{:+.1} years", b.difference)
    };
    let within = b.verdict.word();
    html! {
        tr {
            td { (cap(&benchmark_words(s, &b.benchmark))) span class="ci" { code { (b.benchmark.name) } } }
            td class="num" { (bound) (v(b.benchmark.value)) span class="ci" { (range(b.target_low, b.target_high)) "; " (basis) } }
            td class="num" { (v(b.simulated.mean)) span class="ci" { (range(b.simulated.low, b.simulated.high)) } }
            td class="num" { (diff) }
            td class=(within.replace(' ', "-")) {
                (within)
                @if !b.verdict.reason().is_empty() { span class="ci" { (b.verdict.reason()) } }
            }
            td class="source" { (b.benchmark.source) }
        }
    }
}

/// "1 year", "18 months".
fn years_after_months(months: u32) -> String {
    match (months % 12, months / 12) {
        (0, 1) => "1 year".into(),
        (0, y) => format!("{y} years"),
        _ => format!("{months} months"),
    }
}

/// What a benchmark measures, in words: its metric, or for an effect target the change in it
/// that the counterfactual makes.
fn benchmark_words(s: &Scenario, b: &crate::benchmark::Benchmark) -> String {
    let m = metric_words(s, &b.metric);
    match &b.counterfactual {
        None => m,
        Some(c) => format!(
            "{}, when {}, in: {m} (the counterfactual against this scenario, same random numbers)",
            if c.relative {
                "relative change"
            } else {
                "change"
            },
            c.overrides.join(", ")
        ),
    }
}

/// What a metric measures, in words.
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
        Metric::CohortRetention {
            pathway,
            cohorts,
            from,
            at,
        } => {
            use crate::benchmark::{CohortAt, CohortFrom};
            let who = cohort_who(who(pathway), cohorts);
            let counted = match from {
                CohortFrom::Entry => "",
                CohortFrom::ContractEnd => " who completed their contract",
            };
            let when = match at {
                CohortAt::Date { year, month } => format!("at the end of {year}-{month:02}"),
                CohortAt::After { months } => format!(
                    "{} after {}",
                    years_after_months(months),
                    match from {
                        CohortFrom::Entry => "entry",
                        CohortFrom::ContractEnd => "their contract ended",
                    }
                ),
            };
            format!("{who}{counted} still serving {when}")
        }
        Metric::MeanStay {
            pathway,
            cohorts,
            from,
            months,
        } => {
            use crate::benchmark::CohortFrom;
            let who = cohort_who(who(pathway), cohorts);
            match from {
                CohortFrom::Entry => format!(
                    "mean years served in the first {} after entry by {who}",
                    years_after_months(months)
                ),
                CohortFrom::ContractEnd => format!(
                    "mean years served in the {} after the contract by {who} who completed it",
                    years_after_months(months)
                ),
            }
        }
        Metric::AnnualOutflow { years } => format!(
            "centre staff leaving per head per year{}",
            period_words(years)
        ),
        Metric::PipelineShare {
            pathway,
            stage,
            of,
            date: (year, month),
        } => format!(
            "{} {} by the end of {year}-{month:02}, of those {} by then",
            who(pathway),
            stage_words(stage),
            stage_words(of)
        ),
        Metric::HeadcountRatio {
            pathway,
            calendar_year,
            relative_to,
        } => format!(
            "{} serving in {calendar_year}, as a share of those serving in {relative_to}",
            who(pathway)
        ),
        Metric::ExitRate {
            pathway,
            years,
            retirement_only,
        } => format!(
            "{} {} per head per year{}",
            who(pathway),
            if retirement_only {
                "retiring"
            } else {
                "leaving (any reason)"
            },
            period_words(years)
        ),
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

/// " in 2010–2014", or " over the whole run".
fn period_words(years: Option<(i32, i32)>) -> String {
    match years {
        Some((a, b)) if a == b => format!(" in the simulated year beginning in {a}"),
        Some((a, b)) => format!(" in the simulated years {a}–{b}"),
        None => " over the whole run".into(),
    }
}

fn stage_words(stage: crate::benchmark::Stage) -> &'static str {
    use crate::benchmark::Stage;
    match stage {
        Stage::Enrolled => "enrolled",
        Stage::Graduated => "who had finished study",
        Stage::FinishedResidency => "who had finished residency",
        Stage::Reported => "who had reported for service",
    }
}

/// "RTME graduates entering in 2015–2016": a pathway's words with its entry cohorts, if named.
fn cohort_who(who: String, cohorts: Option<(i32, i32)>) -> String {
    match cohorts {
        Some((a, b)) if a == b => format!("{who} entering in {a}"),
        Some((a, b)) => format!("{who} entering in {a}–{b}"),
        None => who,
    }
}
