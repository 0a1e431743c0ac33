//! The report of one run: its sections in order, and the "what was simulated" section with
//! the few numbers a reader should take away.

use super::changes::levers_against_root;
use super::page::{contents, facts, lede, notes, page, section};
use super::validation::validation_section;
use super::words::{ci_words, pct, years_after, yuan};
use super::{
    Years, breakdown, costs, exits, files_words, headline_ci, pathway_words, quoted, reading_order,
    region_words, replications_words, retention, staffing, version_words,
};
use crate::headline::{self, KEY_YEARS, Unit};
use crate::output::plot::PlotError;
use crate::scenario::Scenario;
use crate::stats::RunResult;
use maud::{Markup, html};

const RUN_SECTIONS: [(&str, &str); 8] = [
    ("simulated", "What was simulated"),
    ("retention", "Who stays: retention by pathway"),
    ("staffing", "Staffing and village coverage"),
    (
        "breakdowns",
        "Breakdowns: remote townships, counties, entry cohorts",
    ),
    ("titles", "Title mix"),
    ("exits", "Where leavers go"),
    ("cost", "Cost and value for money"),
    ("validation", "Validation against published figures"),
];

/// The report of one run.
///
/// The levers are listed against the root of the scenario's `base =` chain, as it was read
/// when the scenario was loaded ([`Scenario::root`]); nothing is read from disk here.
pub fn run_report(s: &Scenario, r: &RunResult) -> Result<String, PlotError> {
    let years = Years::of(s);
    let body = html! {
        header {
            "\n"
            p class="kicker" { "zhagen simulation report" } "\n"
            h1 { "Scenario " (quoted(&s.name)) } "\n"
            (lede(&s.description))
        }
        "\n"
        (contents(&RUN_SECTIONS))
        (simulated(s, r, &years))
        (retention::run_section(s, r)?)
        (staffing::run_staffing(r, &years)?)
        (breakdown::run_section(s, r, &years)?)
        (staffing::run_titles(s, r, &years)?)
        (exits::run_section(s, r, &years))
        (costs::run_section(s, r, &years))
        (validation_section(s, &r.benchmarks, None))
        (notes(r.reps.len(), false))
    };
    Ok(page(&format!("zhagen report — {}", s.name), body))
}

/// What was simulated: the facts of the run, the levers against the baseline, at a glance.
fn simulated(s: &Scenario, r: &RunResult, years: &Years) -> Markup {
    section(
        "simulated",
        "What was simulated",
        html! {
            (facts(&[
                ("Scenario", html! { code { (s.name) } }),
                ("Region and period", region_words(s, years)),
                ("Seed", html! { (s.simulation.seed) }),
                ("Replications", replications_words(r.reps.len())),
                ("zhagen version", version_words()),
                ("Scenario SHA-256", html! { code { (s.hash) } }),
                ("Read from", files_words(s)),
            ]))
            h3 id="levers" { "Levers that differ from the baseline" } "\n"
            (levers_against_root(s))
            h3 { "At a glance" } "\n"
            (glance(s, r, years))
        },
    )
}

/// The few numbers a reader should take away from a run, as sentences.
fn glance(s: &Scenario, r: &RunResult, years: &Years) -> Markup {
    let heads = headline::headlines(s, r);
    let retention = reading_order(s).into_iter().filter_map(|p| {
        let p = &s.pathways[p];
        // Ten years after entry where the run saw that far, else the longest it saw.
        KEY_YEARS
            .iter()
            .rev()
            .filter(|y| **y <= 10)
            .map(|y| {
                (
                    *y,
                    headline_ci(&heads, &format!("retention.{}.y{y}", p.name)),
                )
            })
            .find(|(_, c)| c.mean.is_finite())
            .map(|(y, c)| (pathway_words(s, &p.name), y, c))
    });
    let vacancy = headline_ci(&heads, "vacancy.mean");
    let uncovered = headline_ci(&heads, "villages_without_doctor.last");
    let cost = headline_ci(&heads, "cost_per_worker_year");
    html! {
        ul class="glance" {
            "\n"
            @for (who, y, c) in retention {
                li {
                    strong { (pct(c.mean, 1)) } " of " (who) " still serving " (years_after(y))
                    " after entry " (ci_words(Unit::Share, &c))
                }
                "\n"
            }
            li {
                strong { (pct(vacancy.mean, 1)) } " of township-centre posts vacant, on average over "
                (years.span()) " " (ci_words(Unit::Share, &vacancy))
            }
            "\n"
            li {
                strong { (pct(uncovered.mean, 1)) } " of villages with nobody serving in "
                (years.last()) " " (ci_words(Unit::Share, &uncovered))
            }
            "\n"
            li {
                strong { (yuan(cost.mean)) } " of public spending per worker-year served, on average ("
                (s.economics.cost_unit_words()) ") " (ci_words(Unit::Yuan, &cost))
            }
            "\n"
        }
        "\n"
    }
}
