//! The page around the sections: the HTML shell with its style sheet, the contents, the
//! facts tables, figures and the notes at the end. [`figure`] is the one place where markup
//! made elsewhere (the SVG of a chart) goes into the page unescaped.

use super::version_words;
use crate::stats;
use maud::{DOCTYPE, Markup, PreEscaped, html};

/// Screen and print styles. Only locally installed fonts are named: the page must not fetch
/// anything.
const CSS: &str = r#":root { color-scheme: light; }
body { font-family: "Noto Sans", "DejaVu Sans", "Segoe UI", Roboto, Helvetica, Arial, sans-serif; max-width: 1080px; margin: 0 auto; padding: 20px 32px 48px; color: #1b1b1b; background: #ffffff; line-height: 1.5; }
header { border-bottom: 3px solid #1f77b4; margin-bottom: 1em; }
.kicker { text-transform: uppercase; letter-spacing: 0.08em; color: #1f77b4; font-size: 0.8em; margin: 0; }
h1 { font-size: 1.9em; margin: 0.1em 0 0.3em; }
h2 { font-size: 1.4em; margin-top: 2em; border-bottom: 1px solid #cccccc; padding-bottom: 0.2em; }
h3 { font-size: 1.1em; margin-top: 1.5em; }
.lede { font-size: 1.1em; color: #333333; }
nav ol { columns: 2; margin: 0.5em 0 1em; padding-left: 1.4em; }
a { color: #1f5f99; }
table { border-collapse: collapse; width: 100%; margin: 0.8em 0 1.2em; font-size: 0.9em; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.3em; }
th, td { border-bottom: 1px solid #dddddd; padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #999999; background: #f2f5f9; }
tbody th { font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
.ci { display: block; color: #5a5a5a; font-size: 0.85em; font-weight: normal; }
table.facts th { width: 13em; }
table.facts td, table.facts th { border-bottom: 1px solid #eeeeee; }
.hash { color: #5a5a5a; font-size: 0.8em; }
.yes { color: #17663a; font-weight: 600; }
.no { color: #a8201a; font-weight: 600; }
tr.clear td, li.clear { font-weight: 600; }
.source { font-size: 0.85em; }
.listhead { font-weight: 600; margin-bottom: 0.2em; }
ul.levers, ul.glance, ul.brief { margin-top: 0.2em; }
figure { margin: 1em 0 1.5em; }
figure svg { display: block; width: 100%; height: auto; max-width: 1000px; border: 1px solid #eeeeee; }
figcaption { font-size: 0.88em; color: #444444; margin-top: 0.4em; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9em; }
.notes { margin-top: 3em; border-top: 1px solid #cccccc; font-size: 0.85em; color: #333333; }
@page { size: A4; margin: 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  h2 { break-after: avoid; }
  figure, tr, .glance, .brief { break-inside: avoid; }
  figure svg { border: none; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// The whole page: `body` inside the shell, with the style sheet inline.
pub(super) fn page(title: &str, body: Markup) -> String {
    html! {
        (DOCTYPE) "\n"
        html lang="en" {
            "\n"
            head {
                "\n"
                meta charset="utf-8"; "\n"
                meta name="viewport" content="width=device-width, initial-scale=1"; "\n"
                meta name="generator" content=(format!("zhagen {}", crate::VERSION)); "\n"
                title { (title) } "\n"
                // A constant of this file: CSS is not HTML text and must not be escaped.
                style { "\n" (PreEscaped(CSS)) } "\n"
            }
            "\n"
            body { "\n" (body) }
            "\n"
        }
        "\n"
    }
    .into_string()
}

/// The list of sections, as (id, words).
pub(super) fn contents(sections: &[(&str, &str)]) -> Markup {
    html! {
        nav aria-label="Contents" {
            "\n"
            ol {
                "\n"
                @for (id, words) in sections {
                    li { a href=(format!("#{id}")) { (words) } } "\n"
                }
            }
            "\n"
        }
        "\n"
    }
}

/// The scenario's description under the title, if it has one.
pub(super) fn lede(description: &str) -> Markup {
    html! {
        @if !description.trim().is_empty() {
            p class="lede" { (description) } "\n"
        }
    }
}

/// A two-column table of facts.
pub(super) fn facts(rows: &[(&str, Markup)]) -> Markup {
    html! {
        table class="facts" {
            "\n"
            tbody {
                "\n"
                @for (k, v) in rows { tr { th { (k) } td { (v) } } "\n" }
            }
            "\n"
        }
        "\n"
    }
}

/// An inline SVG chart with an accessible name and a caption.
///
/// `svg` is markup drawn by the chart code (plotters or [`super::exits`]), not text: it goes
/// into the page as it is, the only unescaped markup of the report besides the style sheet.
/// Its accessible name is escaped by maud before it is put into the `<svg>` tag.
pub(super) fn figure(svg: String, name: &str, caption: Markup) -> Markup {
    let svg = match svg.find("<svg") {
        Some(i) => {
            let (head, tail) = svg.split_at(i + 4);
            let label = html! { (name) }.into_string();
            format!("{head} role=\"img\" aria-label=\"{label}\"{tail}")
        }
        None => svg,
    };
    html! {
        figure {
            "\n"
            (PreEscaped(svg.trim_end()))
            "\n"
            figcaption { (caption) }
            "\n"
        }
        "\n"
    }
}

/// The notes at the foot of the page: intervals, validation, differences, money, provenance.
pub(super) fn notes(reps: usize, comparison: bool) -> Markup {
    html! {
        footer class="notes" {
            "\n"
            h2 { "Notes" } "\n"
            ol {
                "\n"
                li id="note-intervals" {
                    "Intervals. Replications are independent runs of the whole region, while workers \
                     within one replication are not independent (they compete for posts and quotas), so \
                     every interval is computed across replications: “95% CI” is the 95% Student-t \
                     interval of the mean across the " (reps) " replications. Retention bands: "
                    (stats::band_method(reps)) "."
                }
                "\n"
                li id="note-validation" {
                    "Validation. Each published figure carries its own uncertainty: for a study \
                     of known size, the Wilson 95% interval of a proportion from that many people; \
                     otherwise a tolerance stated in the scenario with its reason, or the source's \
                     own interval. The simulated figure carries its Monte Carlo error across \
                     replications. The two are independent, so a figure is met when the \
                     difference lies within the root sum of squares of the two 95% half-widths; \
                     a published floor (≥) is missed only by a shortfall beyond that. One \
                     replication cannot be judged: its Monte Carlo error is unknown. Calibration \
                     targets are met by construction; only hold-outs test the model."
                }
                "\n"
                @if comparison {
                    li {
                        "Differences. Every scenario ran at the same seed and number of replications: \
                         replication " i { "r" } " of each draws the same people, exams and applicants wherever \
                         the policies do not make them differ (common random numbers). The interval of a \
                         difference is the 95% Student-t interval of the paired per-replication \
                         differences, which is far narrower than comparing two independent runs; "
                        code { "comparison.csv" } " has both."
                    }
                    "\n"
                }
                li {
                    "Money is public spending in nominal yuan. Counts are per replication: one \
                     simulated region."
                }
                "\n"
                li {
                    "Made by zhagen " (version_words()) ". The page has no scripts and loads nothing from the network; \
                     the same scenario and seed give the same page."
                }
                "\n"
            }
            "\n"
        }
        "\n"
    }
}

/// A section of the page under its heading; `id` is its anchor in the contents.
pub(super) fn section(id: &str, heading: &str, content: Markup) -> Markup {
    html! {
        section id=(id) { "\n" h2 { (heading) } "\n" (content) }
        "\n"
    }
}
