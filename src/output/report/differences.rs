//! Headline differences of a comparison, in words: each difference with its interval as a
//! sentence ("+2.5 percentage points … (95% CI 2.3 to 2.7)"), how to read it, and the table
//! of every headline metric against the reference.

use super::page::section;
use super::words::{cap, grouped, pct, signed, years_after, yuan, yuan_scale};
use super::{Years, pathway_words, quoted, reading_order};
use crate::compare::ComparedMetric;
use crate::headline::{KEY_YEARS, Unit};
use crate::scenario::Scenario;
use crate::stats::interval::MeanCi;
use maud::{Markup, html};
use std::collections::BTreeMap;

/// The differences section: each scenario against the reference (`names[0]`).
pub(super) fn section_of(
    reference: &Scenario,
    names: &[String],
    metrics: &[ComparedMetric],
) -> Markup {
    section(
        "differences",
        "Headline differences",
        html! {
            p {
                "Each line is the change from the reference with its 95% interval. A change is "
                strong { "clear" }
                " when its interval does not include zero; otherwise the \
                 simulation cannot tell it from no change at this number of replications."
            }
            "\n"
            @for i in 1..names.len() {
                h3 { (quoted(&names[i])) " compared with " (quoted(&reference.name)) } "\n"
                (brief_differences(reference, metrics, i))
                (difference_table(reference, names, metrics, i))
            }
            @if names.len() < 2 {
                p { "Only one scenario: there is nothing to compare it with." } "\n"
            }
        },
    )
}

/// A headline metric in words (lower case), as in the tables of `comparison.csv`.
fn headline_words(s: &Scenario, m: &ComparedMetric) -> String {
    if let Some((name, year)) = m
        .key
        .strip_prefix("retention.")
        .and_then(|r| r.rsplit_once(".y"))
    {
        return format!(
            "{} still serving {} after entry",
            pathway_words(s, name),
            years_after(year)
        );
    }
    let last = Years::of(s).last();
    match m.key.as_str() {
        "vacancy.mean" => "vacant share of township-centre posts, average over the run".into(),
        "vacancy.last" => format!("vacant share of township-centre posts in {last}"),
        "outflow" => "township-centre staff leaving per head per year".into(),
        "village_posts_filled.last" => format!("share of village posts filled in {last}"),
        "villages_without_doctor.last" => {
            format!("share of villages with nobody serving in {last}")
        }
        _ => m.label.clone(),
    }
}

/// A difference with its interval: ("+2.5 percentage points", "(95% CI 2.3 to 2.7)"), or the
/// reason there is no interval.
fn difference_parts(unit: Unit, d: &MeanCi) -> (String, String) {
    let (value, low, high) = match unit {
        Unit::Share => {
            let m = [d.mean, d.low, d.high]
                .iter()
                .filter(|x| x.is_finite())
                .fold(0.0_f64, |a, x| a.max(x.abs() * 100.0));
            // Small differences keep a second decimal rather than reading "+0.0".
            let dec = if m > 0.0 && m < 0.1 { 2 } else { 1 };
            (
                format!("{} percentage points", signed(d.mean * 100.0, dec)),
                grouped(d.low * 100.0, dec),
                grouped(d.high * 100.0, dec),
            )
        }
        Unit::Yuan => {
            let (scale, dec, words) = yuan_scale(d.mean.abs().max(d.low.abs()).max(d.high.abs()));
            (
                format!("{}{words}", signed(d.mean / scale, dec)),
                grouped(d.low / scale, dec),
                grouped(d.high / scale, dec),
            )
        }
        Unit::Years => (signed(d.mean, 0), grouped(d.low, 0), grouped(d.high, 0)),
    };
    let ci = if d.low.is_finite() && d.high.is_finite() {
        format!("(95% CI {low} to {high})")
    } else {
        "(no interval: fewer than two replications)".into()
    };
    (value, ci)
}

/// How a non-statistician should read a difference.
fn reading(d: &MeanCi) -> &'static str {
    if !(d.mean.is_finite() && d.low.is_finite() && d.high.is_finite()) {
        "cannot tell"
    } else if d.mean == 0.0 && d.low == 0.0 && d.high == 0.0 {
        "no change"
    } else if d.low > 0.0 {
        "clearly higher"
    } else if d.high < 0.0 {
        "clearly lower"
    } else {
        "no clear difference"
    }
}

/// The difference cell of a table and its reading.
pub(super) fn difference_words(m: &ComparedMetric, d: &MeanCi) -> (String, &'static str) {
    let r = reading(d);
    if r == "no change" {
        return ("no change".into(), r);
    }
    let (value, ci) = difference_parts(m.unit, d);
    (format!("{value} {ci}"), r)
}

/// The difference as a sentence: "+2.5 percentage points of RTME graduates still serving 7
/// years after entry (95% CI 2.3 to 2.7)".
fn difference_sentence(s: &Scenario, m: &ComparedMetric, d: &MeanCi) -> String {
    let what = headline_words(s, m);
    if reading(d) == "no change" {
        return format!("No change in {what}");
    }
    let (value, ci) = difference_parts(m.unit, d);
    match m.unit {
        Unit::Share if m.key.starts_with("retention.") => format!("{value} of {what} {ci}"),
        Unit::Share => format!("{value} in the {what} {ci}"),
        Unit::Yuan | Unit::Years => format!("{value} in {what} {ci}"),
    }
}

/// The headline changes of scenario `i` as sentences: ten-year retention of each pathway (or
/// the longest seen), vacancies, village coverage and cost.
fn brief_differences(s: &Scenario, metrics: &[ComparedMetric], i: usize) -> Markup {
    let mut keys: Vec<String> = Vec::new();
    for p in reading_order(s).into_iter().map(|p| &s.pathways[p]) {
        let found = KEY_YEARS
            .iter()
            .rev()
            .filter(|y| **y <= 10)
            .map(|y| format!("retention.{}.y{y}", p.name))
            .find(|k| {
                metrics.iter().any(|m| {
                    &m.key == k
                        && m.diffs
                            .get(i)
                            .copied()
                            .flatten()
                            .is_some_and(|d| d.paired.mean.is_finite())
                })
            });
        keys.extend(found);
    }
    keys.extend(
        [
            "vacancy.mean",
            "villages_without_doctor.last",
            "cost_per_worker_year",
        ]
        .map(String::from),
    );
    let lines = keys.iter().filter_map(|k| {
        let m = metrics.iter().find(|m| &m.key == k)?;
        let d = m.diffs.get(i).copied().flatten()?;
        let clear = matches!(reading(&d.paired), "clearly higher" | "clearly lower");
        Some((clear, difference_sentence(s, m, &d.paired)))
    });
    html! {
        ul class="brief" {
            "\n"
            @for (clear, sentence) in lines {
                li class=[clear.then_some("clear")] { (sentence) } "\n"
            }
        }
        "\n"
    }
}

/// Every headline metric of scenario `i` against the reference.
fn difference_table(
    s: &Scenario,
    names: &[String],
    metrics: &[ComparedMetric],
    i: usize,
) -> Markup {
    // The region-wide metrics first, then retention pathway by pathway in reading order.
    let rank: BTreeMap<&str, usize> = reading_order(s)
        .into_iter()
        .enumerate()
        .map(|(k, p)| (s.pathways[p].name.as_str(), k))
        .collect();
    let mut rows: Vec<(usize, &ComparedMetric)> = metrics.iter().enumerate().collect();
    rows.sort_by_key(|(k, m)| {
        let pathway = m
            .key
            .strip_prefix("retention.")
            .and_then(|r| r.rsplit_once(".y"))
            .map(|(name, _)| rank.get(name).copied().unwrap_or(usize::MAX));
        (pathway, *k)
    });
    // Over parameter sets, each difference has both intervals side by side.
    let over_parameters = metrics.iter().any(|m| !m.fixed.is_empty());
    html! {
        table class="differences" {
            "\n"
            thead {
                tr {
                    th { "What is measured" }
                    th class="num" { code { (names[0]) } }
                    th class="num" { code { (names.get(i).map_or("", |n| n.as_str())) } }
                    @if over_parameters {
                        th { "Difference (95% over parameters and chance)" }
                        th { "With the parameters fixed (Monte Carlo precision only)" }
                    } @else {
                        th { "Difference (95% CI)" }
                    }
                    th { "Reading" }
                }
            }
            "\n"
            tbody { "\n" @for (_, m) in rows { (difference_row(s, m, i, over_parameters)) "\n" } }
            "\n"
        }
        "\n"
    }
}

/// A row of [`difference_table`]: the metric, its value in the reference and in scenario `i`,
/// the difference and its reading.
fn difference_row(s: &Scenario, m: &ComparedMetric, i: usize, over_parameters: bool) -> Markup {
    let value = |k: usize| -> String {
        match m.values.get(k).copied().flatten() {
            Some(v) => match m.unit {
                Unit::Share => pct(v.mean, 1),
                Unit::Yuan => yuan(v.mean),
                Unit::Years => grouped(v.mean, 0),
            },
            None => "–".into(),
        }
    };
    let (diff, read) = match m.diffs.get(i).copied().flatten() {
        Some(d) => difference_words(m, &d.paired),
        None => ("–".into(), "cannot tell"),
    };
    let fixed = match m.fixed.get(i).copied().flatten() {
        Some(f) if reading(&f) == "no change" => "no change".to_string(),
        Some(f) => {
            let (value, ci) = difference_parts(m.unit, &f);
            format!("{value} {ci}")
        }
        None => "–".into(),
    };
    let clear = matches!(read, "clearly higher" | "clearly lower");
    html! {
        tr class=[clear.then_some("clear")] {
            td { (cap(&headline_words(s, m))) }
            td class="num" { (value(0)) }
            td class="num" { (value(i)) }
            td { (diff) }
            @if over_parameters {
                td { (fixed) }
            }
            td { (read) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ci(mean: f64, low: f64, high: f64) -> MeanCi {
        MeanCi {
            mean,
            low,
            high,
            sd: 0.0,
            n: 10,
        }
    }

    #[test]
    fn differences_read_as_percentage_points_with_their_interval() {
        assert_eq!(
            difference_parts(Unit::Share, &ci(0.042, 0.031, 0.053)),
            (
                "+4.2 percentage points".to_string(),
                "(95% CI 3.1 to 5.3)".to_string()
            )
        );
        assert_eq!(
            difference_parts(Unit::Share, &ci(-0.021, -0.0216, -0.0204)).1,
            "(95% CI \u{2212}2.2 to \u{2212}2.0)"
        );
        assert_eq!(
            difference_parts(Unit::Yuan, &ci(6857.0, 6829.0, 6886.0)),
            (
                "+6,857 yuan".to_string(),
                "(95% CI 6,829 to 6,886)".to_string()
            )
        );
        assert_eq!(reading(&ci(0.0, 0.0, 0.0)), "no change");
        assert_eq!(reading(&ci(0.01, -0.01, 0.03)), "no clear difference");
        assert_eq!(reading(&ci(-0.02, -0.03, -0.01)), "clearly lower");
        assert_eq!(reading(&ci(0.02, f64::NAN, f64::NAN)), "cannot tell");
    }
}
