//! Where leavers go: departures of each pathway by destination, as a stacked bar chart drawn
//! here as SVG and as a table.

use super::page::{figure, section};
use super::words::{cap, grouped, pct};
use super::{Years, pathway_words, reading_order, reps};
use crate::engine::tally::{Phase, REASONS};
use crate::scenario::Scenario;
use crate::stats::RunResult;
use maud::{Markup, PreEscaped, html};

/// Departures of one row (a pathway, or a pathway in one scenario) by reason.
type Row = (String, [f64; REASONS]);

const REASON_WORDS: [&str; REASONS] = [
    "County or higher hospital",
    "Postgraduate study",
    "Unemployed",
    "Other work",
    "Retired",
];

/// Colours of the destinations: none is the orange of the second chart series, so that the
/// browser test can tell the plotted curves from these bars.
const REASON_COLOURS: [&str; REASONS] = ["#1f77b4", "#9467bd", "#d62728", "#7f7f7f", "#2ca02c"];

/// Departures of a pathway per replication by reason (the four destinations, then retired),
/// over every contract phase.
fn exits_by_reason(r: &RunResult, p: usize) -> [f64; REASONS] {
    let t = &r.pooled;
    let mut out = [0.0; REASONS];
    for phase in [
        Phase::UnderContract,
        Phase::AfterContract,
        Phase::NoContract,
    ] {
        for (k, o) in out.iter_mut().enumerate() {
            if p < t.pathways {
                *o += t.exits.get(t.exit_index(p, phase, k)).copied().unwrap_or(0) as f64;
            }
        }
    }
    out.map(|x| x / reps(r))
}

/// The exits section of a run's report: one row per pathway that lost anyone.
pub(super) fn run_section(s: &Scenario, r: &RunResult, years: &Years) -> Markup {
    let rows: Vec<Row> = reading_order(s)
        .into_iter()
        .map(|p| {
            (
                cap(&pathway_words(s, &s.pathways[p].name)),
                exits_by_reason(r, p),
            )
        })
        .filter(|(_, n)| n.iter().sum::<f64>() > 0.0)
        .collect();
    let caption = html! {
        "Everyone who left service over " (years.span()) ", whatever their contract phase, by where they \
         went; the number on the right is departures per replication."
    };
    section(
        "exits",
        "Where leavers go",
        html! {
            (figure(exit_bars_svg(&rows), "Departures by destination for each pathway", caption))
            (exits_table(&rows))
        },
    )
}

/// The exits section of a comparison: each pathway of the reference, scenario by scenario.
pub(super) fn compare_section(runs: &[(&Scenario, &RunResult)], years: &Years) -> Markup {
    let Some((reference, _)) = runs.first() else {
        return html! {};
    };
    let mut rows: Vec<Row> = Vec::new();
    for pw in reading_order(reference)
        .into_iter()
        .map(|p| &reference.pathways[p])
    {
        for (s, r) in runs {
            let Some(q) = s.pathway_id(&pw.name) else {
                continue;
            };
            let counts = exits_by_reason(r, q.0 as usize);
            if counts.iter().sum::<f64>() > 0.0 {
                rows.push((
                    format!("{} — {}", cap(&pathway_words(reference, &pw.name)), s.name),
                    counts,
                ));
            }
        }
    }
    let caption = html! {
        "Everyone who left service over " (years.span()) ", by where they went; the number on the right \
         is departures per replication."
    };
    section(
        "exits",
        "Where leavers go",
        html! {
            (figure(
                exit_bars_svg(&rows),
                "Departures by destination for each pathway and scenario",
                caption,
            ))
            (exits_table(&rows))
        },
    )
}

/// An SVG `<rect/>`: numbers and a colour of this file, no text, so nothing to escape.
fn rect(x: &str, y: &str, w: &str, h: &str, fill: &str) -> PreEscaped<String> {
    PreEscaped(format!(
        "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"{fill}\"/>"
    ))
}

fn f1(x: f64) -> String {
    format!("{x:.1}")
}

/// One horizontal bar per row, split by destination: a hand-drawn SVG, because a stacked bar
/// is a dozen rectangles and no chart type of `plot` draws it.
fn exit_bars_svg(rows: &[Row]) -> String {
    const WIDTH: f64 = 1000.0;
    const ROW: f64 = 32.0;
    const TOP: f64 = 44.0;
    const BAR_X: f64 = 390.0;
    const BAR_W: f64 = 520.0;
    let height = format!("{:.0}", TOP + ROW * rows.len().max(1) as f64 + 12.0);
    let width = format!("{WIDTH:.0}");
    // Swatch, text (about 8.5 pixels a character at 15 pixels) and a gap.
    let legend_x = REASON_WORDS.iter().scan(10.0, |x, words| {
        let here = *x;
        *x += 22.0 + 8.5 * words.chars().count() as f64 + 30.0;
        Some(here)
    });
    html! {
        svg viewBox=(format!("0 0 {width} {height}")) width=(width) height=(height)
            font-family="sans-serif" font-size="15" {
            "\n"
            (rect("0", "0", &width, &height, "#FFFFFF")) "\n"
            @for ((words, colour), x) in REASON_WORDS.iter().zip(REASON_COLOURS).zip(legend_x) {
                (rect(&f1(x), "10", "16", "16", colour))
                text x=(f1(x + 22.0)) y="23" { (words) }
                "\n"
            }
            @if rows.is_empty() {
                text x="10" y=(f1(TOP + 20.0)) fill="#555555" { "Nobody left service." } "\n"
            }
            @for (i, (label, counts)) in rows.iter().enumerate() {
                (bar(TOP + ROW * i as f64, label, counts, BAR_X, BAR_W, WIDTH))
            }
        }
        "\n"
    }
    .into_string()
}

/// One row of [`exit_bars_svg`] at height `y`: the label, the bar split by destination with
/// the shares that fit written on it, and the total on the right.
fn bar(y: f64, label: &str, counts: &[f64; REASONS], bar_x: f64, bar_w: f64, width: f64) -> Markup {
    let total: f64 = counts.iter().sum();
    let short: String = if label.chars().count() > 44 {
        label.chars().take(43).chain(std::iter::once('…')).collect()
    } else {
        label.to_string()
    };
    let segments = counts.iter().enumerate().scan(bar_x, |x, (k, n)| {
        let here = *x;
        let shown = total > 0.0 && *n > 0.0;
        let w = if shown { bar_w * n / total } else { 0.0 };
        *x += w;
        Some((here, w, k, *n, shown))
    });
    html! {
        text x="10" y=(f1(y + 20.0)) { (short) } "\n"
        @for (x, w, k, n, shown) in segments {
            @if shown {
                (rect(&f1(x), &f1(y + 4.0), &f1(w), "24", REASON_COLOURS[k])) "\n"
                @if w >= 38.0 {
                    text x=(f1(x + w / 2.0)) y=(f1(y + 21.0)) fill="#FFFFFF" text-anchor="middle" font-size="13" {
                        (format!("{:.0}%", 100.0 * n / total))
                    }
                    "\n"
                }
            }
        }
        text x=(f1(width - 10.0)) y=(f1(y + 20.0)) text-anchor="end" { (grouped(total, 0)) } "\n"
    }
}

/// Departures per replication by destination, with their shares.
fn exits_table(rows: &[Row]) -> Markup {
    html! {
        table {
            "\n"
            caption { "Departures per replication by destination (share of all departures)" }
            "\n"
            thead {
                tr {
                    th { "Who" }
                    @for w in REASON_WORDS { th class="num" { (w) } }
                    th class="num" { "All" }
                }
            }
            "\n"
            tbody {
                "\n"
                @for (label, counts) in rows {
                    @let total: f64 = counts.iter().sum();
                    tr {
                        th { (label) }
                        @for n in counts {
                            td class="num" {
                                (grouped(*n, 1))
                                span class="ci" { (pct(if total > 0.0 { n / total } else { f64::NAN }, 0)) }
                            }
                        }
                        td class="num" { (grouped(total, 1)) }
                    }
                    "\n"
                }
            }
            "\n"
        }
        "\n"
    }
}
