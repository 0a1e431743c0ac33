//! `report.html`: one page an analyst can hand to a decision-maker. It says what was simulated
//! and which levers differ from the baseline, in plain words with their values; shows the
//! retention curves with their bands and the published benchmarks, staffing and village coverage
//! over time, the title mix, where leavers go and what it all costs; for a comparison, states
//! each difference with its interval as a sentence ("+2.5 percentage points … (95% CI 2.3 to
//! 2.7)"); and ends with the validation table against the published figures, with sources.
//!
//! The page is self-contained on purpose: it gets mailed, archived and printed, often far from
//! the machine that made it. So it carries its own CSS and its charts as inline SVG (drawn by
//! [`super::plot`], no charting script), and refers to nothing outside itself — no scripts,
//! fonts, images or style sheets from the network. Every piece of text that comes from a
//! scenario file is escaped. Nothing on it depends on the clock or the thread count, so the same
//! run gives the same bytes.
//!
//! The page is written with [maud](https://maud.lambda.xyz/) templates: every value put into
//! them is escaped unless it is wrapped in `PreEscaped`, which only `page` does (the style
//! sheet and the charts' SVG). One file per section: `changes` (the levers), `differences`,
//! `retention`, `staffing` (and the title mix), `exits`, `costs`, `validation`; the
//! page shell in `page` and the words for numbers in `words`.

mod breakdown;
mod changes;
mod compare;
mod costs;
mod differences;
mod exits;
mod page;
mod retention;
mod run;
mod sensitivity;
mod staffing;
mod validation;
pub(crate) mod words;

pub use changes::{Change, changes};
pub use compare::compare_report;
pub use run::run_report;
pub use sensitivity::sensitivity_report;

use super::plot::CurveSeries;
use crate::headline;
use crate::population::PathwayKind;
use crate::scenario::Scenario;
use crate::stats::interval::{MeanCi, mean_ci};
use crate::stats::{RepMetrics, RunResult};
use maud::{Markup, html};

/// The calendar years of a run.
struct Years {
    start: i32,
    count: usize,
}

impl Years {
    fn of(s: &Scenario) -> Years {
        Years {
            start: s.simulation.start_year,
            count: s.simulation.years as usize,
        }
    }
    fn calendar(&self, y: usize) -> i32 {
        self.start.saturating_add(y as i32)
    }
    fn last(&self) -> i32 {
        self.calendar(self.count.saturating_sub(1))
    }
    fn span(&self) -> String {
        format!("{}–{}", self.start, self.last())
    }
    /// Every fifth year from the start, and the last: the rows of the yearly tables.
    fn sampled(&self) -> Vec<usize> {
        (0..self.count)
            .filter(|y| y % 5 == 0 || *y + 1 == self.count)
            .collect()
    }
}

fn reps(r: &RunResult) -> f64 {
    r.reps.len().max(1) as f64
}

fn at(v: &[f64], i: usize) -> f64 {
    v.get(i).copied().unwrap_or(f64::NAN)
}

/// A yearly series with its 95% interval across replications, for a line chart.
fn yearly_series(
    label: &str,
    r: &RunResult,
    years: &Years,
    pick: impl Fn(&RepMetrics, usize) -> f64,
) -> CurveSeries {
    CurveSeries {
        label: label.to_string(),
        points: (0..years.count)
            .map(|y| {
                let ci = mean_ci(r.reps.iter().map(|m| pick(m, y)));
                (years.calendar(y) as f64, ci.mean, ci.low, ci.high)
            })
            .collect(),
    }
}

fn interval_words(reps: usize) -> String {
    format!("95% CI: Student-t interval across {reps} replications")
}

fn region_words(s: &Scenario, years: &Years) -> Markup {
    html! { (s.region.counties) " counties, " (years.span()) " (" (years.count) " years)" }
}

fn replications_words(n: usize) -> Markup {
    html! {
        (n) " — independent runs of the whole region; every interval in this report is across \
             them"
    }
}

fn version_words() -> Markup {
    let b = crate::provenance::build();
    html! {
        (b.zhagen_version)
        @if let Some(c) = b.git_commit { " (commit " code { (c) } ")" }
    }
}

/// The files a scenario was read from, in order: leaf first, root last, then the `--set`
/// overrides (recorded as sources named `--set KEY=VALUE`).
fn files_words(s: &Scenario) -> Markup {
    html! {
        @for (i, (p, _)) in s.files.iter().enumerate() {
            @if i > 0 { br; }
            code { (p.display().to_string()) }
        }
        @if s.files.is_empty() { "–" }
    }
}

/// A scenario's name as a quotation: `<q>baseline</q>`.
fn quoted(name: &str) -> Markup {
    html! { q { (name) } }
}

use crate::output::pathway_words;

/// Pathway indices in reading order: by kind, RTME graduates first as the README lists them,
/// then by name (a scenario file lists pathways in alphabetical order).
fn reading_order(s: &Scenario) -> Vec<usize> {
    let mut order: Vec<usize> = (0..s.pathways.len()).collect();
    order.sort_by_key(|&p| {
        let pw = &s.pathways[p];
        (
            PathwayKind::ALL.iter().position(|k| *k == pw.kind),
            pw.name.clone(),
        )
    });
    order
}

/// The mean of a headline metric with its interval.
fn headline_ci(heads: &[headline::Headline], key: &str) -> MeanCi {
    mean_ci(
        heads
            .iter()
            .find(|h| h.key == key)
            .map(|h| h.per_rep.clone())
            .unwrap_or_default(),
    )
}
