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

use super::plot::{self, CurveSeries, LinePlot, PlotError};
use crate::benchmark::{Bound, Metric};
use crate::compare::ComparedMetric;
use crate::engine::tally::{Phase, REASONS};
use crate::headline::{self, KEY_YEARS, Unit};
use crate::population::{Destination, PathwayKind};
use crate::scenario::Scenario;
use crate::stats::interval::{MeanCi, mean_ci};
use crate::stats::{self, BenchmarkResult, Curve};
use crate::stats::{RepMetrics, RunResult};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// The report of one run.
///
/// The levers are listed against the root of the scenario's `base =` chain, which is read
/// again from disk for that (see [`changes`]); if it cannot be read, or was edited after the
/// run read it, the report says so instead of listing stale differences.
pub fn run_report(s: &Scenario, r: &RunResult) -> Result<String, PlotError> {
    let curves = stats::curves(s, r);
    let benchmarks = stats::benchmark_results(s, r);
    let years = Years::of(s);
    let mut body = String::new();

    let _ = write!(
        body,
        "<header>\n<p class=\"kicker\">zhagen simulation report</p>\n<h1>Scenario <q>{}</q></h1>\n{}</header>\n",
        esc(&s.name),
        lede(&s.description)
    );
    body.push_str(&contents(&RUN_SECTIONS));

    // 1. What was simulated.
    let _ = write!(
        body,
        "<section id=\"simulated\">\n<h2>What was simulated</h2>\n{}",
        facts(&[
            ("Scenario", format!("<code>{}</code>", esc(&s.name))),
            ("Region and period", region_words(s, &years)),
            ("Seed", s.simulation.seed.to_string()),
            ("Replications", replications_words(r.reps.len())),
            ("zhagen version", version_words()),
            ("Scenario SHA-256", format!("<code>{}</code>", esc(&s.hash))),
            ("Read from", files_words(s)),
        ])
    );
    body.push_str("<h3 id=\"levers\">Levers that differ from the baseline</h3>\n");
    body.push_str(&levers_against_root(s));
    body.push_str("<h3>At a glance</h3>\n");
    body.push_str(&glance(s, r, &years));
    body.push_str("</section>\n");

    // 2. Retention.
    let spec = super::plot_spec(s, r, &curves, &benchmarks);
    let _ = write!(
        body,
        "<section id=\"retention\">\n<h2>Who stays: retention by pathway</h2>\n{}{}</section>\n",
        figure(
            plot::render_svg(&spec)?,
            "Retention curves by pathway with 95% bands and published benchmark points",
            &format!(
                "Share of each pathway's entrants still in service, by years since entering \
                 service (RTME graduates from graduation, when their obligation starts). Shaded: \
                 {}. Diamonds: published figures (see the validation table).",
                esc(&stats::band_method(r.reps.len()))
            ),
        ),
        retention_table(s, r, &curves)
    );

    // 3. Staffing and villages.
    let band = interval_words(r.reps.len());
    let vacancy = LinePlot {
        title: "Township health centres: vacant share of posts".into(),
        x_label: "Calendar year".into(),
        y_label: "Vacant share of posts".into(),
        band_method: band.clone(),
        series: vec![yearly_series(
            "vacant share of centre posts",
            r,
            &years,
            |m, y| at(&m.vacancy, y),
        )],
        percent: true,
    };
    let villages = LinePlot {
        title: "Village clinics: posts filled and villages left without anyone".into(),
        x_label: "Calendar year".into(),
        y_label: "Share".into(),
        band_method: band,
        series: vec![
            yearly_series("village posts filled", r, &years, |m, y| {
                at(&m.village_fill, y)
            }),
            yearly_series("villages with nobody serving", r, &years, |m, y| {
                at(&m.uncovered, y)
            }),
        ],
        percent: true,
    };
    let _ = write!(
        body,
        "<section id=\"staffing\">\n<h2>Staffing and village coverage over time</h2>\n{}{}{}</section>\n",
        figure(
            plot::render_line_svg(&vacancy)?,
            "Vacant share of township-centre posts by year with 95% band",
            "Establishment posts of township health centres that nobody holds, after each \
             year's placement and recruitment round.",
        ),
        figure(
            plot::render_line_svg(&villages)?,
            "Village posts filled and villages with nobody serving, by year, with 95% bands",
            "Village-doctor posts held (by village doctors, local apprentices or centre staff \
             sent from a staffing reserve), and villages whose clinic has nobody serving.",
        ),
        staffing_table(r, &years)
    );

    // 4. Titles.
    let _ = write!(
        body,
        "<section id=\"titles\">\n<h2>Title mix of township-centre staff</h2>\n{}{}</section>\n",
        figure(
            plot::render_line_svg(&title_plot(s, r, &years))?,
            "Title mix of township-centre staff by year",
            &format!(
                "Share of township-centre staff holding each professional title at the start of \
                 each year, pooled over the {} replications (no band).",
                r.reps.len()
            ),
        ),
        title_table(&[(s, r)], &years)
    );

    // 5. Exits.
    let rows: Vec<(String, [f64; REASONS])> = reading_order(s)
        .into_iter()
        .map(|p| {
            (
                cap(&pathway_words(s, &s.pathways[p].name)),
                exits_by_reason(r, p),
            )
        })
        .filter(|(_, n)| n.iter().sum::<f64>() > 0.0)
        .collect();
    let _ = write!(
        body,
        "<section id=\"exits\">\n<h2>Where leavers go</h2>\n{}{}</section>\n",
        figure(
            exit_bars_svg(&rows),
            "Departures by destination for each pathway",
            &format!(
                "Everyone who left service over {}, whatever their contract phase, by where they \
                 went; the number on the right is departures per replication.",
                years.span()
            ),
        ),
        exits_table(&rows)
    );

    // 6. Cost.
    let heads = headline::headlines(s, r);
    let per_year = headline_ci(&heads, "cost_per_worker_year");
    let total = headline_ci(&heads, "total_cost");
    let served = r.pooled.cost.iter().map(|c| c.serving_years).sum::<f64>() / reps(r);
    let _ = write!(
        body,
        "<section id=\"cost\">\n<h2>Cost per retained worker-year</h2>\n{}{}{}</section>\n",
        facts(&[
            (
                "Cost per retained worker-year",
                format!(
                    "<strong>{}</strong> {}",
                    yuan(per_year.mean),
                    ci_words(Unit::Yuan, &per_year)
                ),
            ),
            (
                "Public spending over the run",
                format!(
                    "{} {} for the whole region over {}",
                    yuan(total.mean),
                    ci_words(Unit::Yuan, &total),
                    years.span()
                ),
            ),
            (
                "Worker-years served",
                format!("{} in centre and village posts", grouped(served, 0)),
            ),
        ]),
        cost_items_table(&[(s, r)]),
        cost_years_table(r, &years)
    );

    // 7. Validation.
    body.push_str(&validation_section(s, &benchmarks, ""));
    body.push_str(&notes(r.reps.len(), false));
    Ok(page(&format!("zhagen report — {}", s.name), &body))
}

/// The report of a comparison: `scenarios[0]` is the reference of every difference, as in
/// `comparison.csv`. `metrics` are the compared headline metrics ([`crate::compare::compare`]).
pub fn compare_report(
    scenarios: &[Scenario],
    results: &[RunResult],
    metrics: &[ComparedMetric],
) -> Result<String, PlotError> {
    let n = scenarios.len().min(results.len());
    let (scenarios, results) = (&scenarios[..n], &results[..n]);
    let (Some(reference), Some(ref_result)) = (scenarios.first(), results.first()) else {
        return Ok(page(
            "zhagen comparison",
            "<h1>Comparison</h1>\n<p>No scenario was compared.</p>\n",
        ));
    };
    let years = Years::of(reference);
    let names: Vec<String> = scenarios.iter().map(|s| s.name.clone()).collect();
    let quoted: Vec<String> = names.iter().map(|n| format!("<q>{}</q>", esc(n))).collect();
    let runs: Vec<(&Scenario, &RunResult)> = scenarios.iter().zip(results).collect();
    let mut body = String::new();

    let _ = write!(
        body,
        "<header>\n<p class=\"kicker\">zhagen comparison report</p>\n<h1>{}</h1>\n<p class=\"lede\">Each scenario against the reference <q>{}</q>, run at the same seed and replications (common random numbers), so that the differences below come from the policies, not from chance.</p>\n</header>\n",
        quoted.join(" vs "),
        esc(&reference.name)
    );
    body.push_str(&contents(&COMPARE_SECTIONS));

    // 1. What was compared.
    let _ = write!(
        body,
        "<section id=\"simulated\">\n<h2>What was compared</h2>\n{}",
        facts(&[
            ("Scenarios", quoted.join(", ")),
            (
                "Reference",
                format!(
                    "<q>{}</q>: every difference is measured against it",
                    esc(&reference.name)
                )
            ),
            ("Region and period", region_words(reference, &years)),
            ("Seed", reference.simulation.seed.to_string()),
            ("Replications", replications_words(ref_result.reps.len())),
            ("zhagen version", version_words()),
        ])
    );
    body.push_str("<h3 id=\"levers\">Levers that differ from the reference</h3>\n");
    body.push_str(
        "<table>\n<thead><tr><th>Scenario</th><th>Description</th><th>What differs from the reference</th></tr></thead>\n<tbody>\n",
    );
    for (i, s) in scenarios.iter().enumerate() {
        let differs = if i == 0 {
            "<em>the reference</em>".to_string()
        } else {
            match changes(&reference.resolved_toml, &s.resolved_toml, &|p| {
                pathway_words(s, p)
            }) {
                Ok(c) if c.is_empty() => "nothing that is simulated".to_string(),
                Ok(c) => change_list(&c),
                Err(e) => format!(
                    "cannot be listed: {}",
                    esc(&e.to_string().replace('\n', " "))
                ),
            }
        };
        let _ = writeln!(
            body,
            "<tr><td><code>{}</code><br><span class=\"hash\">SHA-256 {}</span></td><td>{}</td><td>{}</td></tr>",
            esc(&s.name),
            esc(s.hash.get(..12).unwrap_or(&s.hash)),
            esc(&s.description),
            differs
        );
    }
    body.push_str("</tbody>\n</table>\n</section>\n");

    // 2. Differences.
    body.push_str("<section id=\"differences\">\n<h2>Headline differences</h2>\n");
    body.push_str(
        "<p>Each line is the change from the reference with its 95% interval. A change is \
         <strong>clear</strong> when its interval does not include zero; otherwise the \
         simulation cannot tell it from no change at this number of replications.</p>\n",
    );
    for i in 1..n {
        let _ = write!(
            body,
            "<h3><q>{}</q> compared with <q>{}</q></h3>\n{}{}",
            esc(&names[i]),
            esc(&reference.name),
            brief_differences(reference, metrics, i),
            difference_table(reference, &names, metrics, i)
        );
    }
    if n < 2 {
        body.push_str("<p>Only one scenario: there is nothing to compare it with.</p>\n");
    }
    body.push_str("</section>\n");

    // 3. Retention.
    let panels = super::compare_panels(scenarios, results);
    let _ = write!(
        body,
        "<section id=\"retention\">\n<h2>Who stays: retention by pathway</h2>\n{}</section>\n",
        figure(
            plot::render_panels_svg(&panels)?,
            "Retention curves of every scenario, one panel per pathway",
            &format!(
                "One panel per pathway, one curve per scenario; shaded: {}. Diamonds: published \
                 figures for the reference.",
                esc(&stats::band_method(ref_result.reps.len()))
            ),
        )
    );

    // 4. Staffing and villages.
    let band = interval_words(ref_result.reps.len());
    let by_scenario = |pick: fn(&RepMetrics, usize) -> f64| -> Vec<CurveSeries> {
        runs.iter()
            .map(|(s, r)| yearly_series(&s.name, r, &years, pick))
            .collect()
    };
    let vacancy = LinePlot {
        title: "Township health centres: vacant share of posts".into(),
        x_label: "Calendar year".into(),
        y_label: "Vacant share of posts".into(),
        band_method: band.clone(),
        series: by_scenario(|m, y| at(&m.vacancy, y)),
        percent: true,
    };
    let uncovered = LinePlot {
        title: "Villages with nobody serving".into(),
        x_label: "Calendar year".into(),
        y_label: "Share of villages".into(),
        band_method: band.clone(),
        series: by_scenario(|m, y| at(&m.uncovered, y)),
        percent: true,
    };
    let filled = LinePlot {
        title: "Village posts filled".into(),
        x_label: "Calendar year".into(),
        y_label: "Share of village posts".into(),
        band_method: band,
        series: by_scenario(|m, y| at(&m.village_fill, y)),
        percent: true,
    };
    let _ = write!(
        body,
        "<section id=\"staffing\">\n<h2>Staffing and village coverage over time</h2>\n{}{}{}</section>\n",
        figure(
            plot::render_line_svg(&vacancy)?,
            "Vacant share of township-centre posts by year, one line per scenario",
            "Establishment posts of township health centres that nobody holds, one line per scenario.",
        ),
        figure(
            plot::render_line_svg(&uncovered)?,
            "Villages with nobody serving by year, one line per scenario",
            "Villages whose clinic has nobody serving, one line per scenario.",
        ),
        figure(
            plot::render_line_svg(&filled)?,
            "Village posts filled by year, one line per scenario",
            "Village-doctor posts held, one line per scenario.",
        )
    );

    // 5. Titles.
    let senior_enough = LinePlot {
        title: "Centre staff with an intermediate or higher title".into(),
        x_label: "Calendar year".into(),
        y_label: "Share of centre staff".into(),
        band_method: String::new(),
        series: runs
            .iter()
            .map(|(s, r)| CurveSeries {
                label: s.name.clone(),
                points: (0..years.count)
                    .map(|y| {
                        let mix = title_mix(r, y);
                        let v = if mix.iter().all(|x| x.is_finite()) {
                            mix[1] + mix[2] + mix[3]
                        } else {
                            f64::NAN
                        };
                        (years.calendar(y) as f64, v, f64::NAN, f64::NAN)
                    })
                    .collect(),
            })
            .collect(),
        percent: true,
    };
    let _ = write!(
        body,
        "<section id=\"titles\">\n<h2>Title mix of township-centre staff</h2>\n{}{}</section>\n",
        figure(
            plot::render_line_svg(&senior_enough)?,
            "Share of centre staff with an intermediate or higher title, by scenario",
            &format!(
                "Pooled over the {} replications of each scenario (no band).",
                ref_result.reps.len()
            ),
        ),
        title_table(&runs, &years)
    );

    // 6. Exits.
    let mut rows: Vec<(String, [f64; REASONS])> = Vec::new();
    for pw in reading_order(reference)
        .into_iter()
        .map(|p| &reference.pathways[p])
    {
        for (s, r) in &runs {
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
    let _ = write!(
        body,
        "<section id=\"exits\">\n<h2>Where leavers go</h2>\n{}{}</section>\n",
        figure(
            exit_bars_svg(&rows),
            "Departures by destination for each pathway and scenario",
            &format!(
                "Everyone who left service over {}, by where they went; the number on the right \
                 is departures per replication.",
                years.span()
            ),
        ),
        exits_table(&rows)
    );

    // 7. Cost.
    body.push_str("<section id=\"cost\">\n<h2>Cost per retained worker-year</h2>\n");
    body.push_str(&cost_compare_table(&names, metrics));
    body.push_str(&cost_items_table(&runs));
    body.push_str("</section>\n");

    // 8. Validation of the reference.
    let benchmarks = stats::benchmark_results(reference, ref_result);
    body.push_str(&validation_section(
        reference,
        &benchmarks,
        &format!(
            "The published figures describe the status quo, so they are checked against the \
             reference <q>{}</q>; the other scenarios change the policies they describe.",
            esc(&reference.name)
        ),
    ));
    body.push_str(&notes(ref_result.reps.len(), true));
    Ok(page(
        &format!("zhagen comparison — {}", names.join(" vs ")),
        &body,
    ))
}

// ---------------------------------------------------------------------------------------------
// Levers: what differs between two resolved scenarios, in plain words.

/// One value that differs between a scenario and the one it is measured against.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Dotted key, e.g. `policy.salary.remote_allowance`; a `[policy_from.YEAR]` change is
    /// filed under the key of the policy it changes, with `from_year` set.
    pub key: String,
    /// Plain words for the key, or the key itself where there are none.
    pub label: String,
    pub before: String,
    pub after: String,
    /// Unit written after the new value ("yuan a year"), or empty.
    pub unit: String,
    /// Calendar year from which a `[policy_from.YEAR]` change applies.
    pub from_year: Option<String>,
    /// A policy lever (a choice of government) rather than a run setting or a behavioural value.
    pub lever: bool,
}

impl Change {
    /// "Remote-post allowance: 0 → 12,000 yuan a year (from 2015)".
    pub fn sentence(&self) -> String {
        let mut out = format!("{}: {} → {}", self.label, self.before, self.after);
        if !self.unit.is_empty() {
            out.push(' ');
            out.push_str(&self.unit);
        }
        if let Some(y) = &self.from_year {
            let _ = write!(out, " (from {y})");
        }
        out
    }
}

/// Keys that name, describe or calibrate a scenario: they change nothing that is simulated.
const NOT_SIMULATED: [&str; 4] = ["name", "description", "base", "calibration"];

/// The values that differ between two resolved scenarios (`Scenario::resolved_toml`), policy
/// levers first. `pathway` gives plain words for a pathway name ("RTME graduates").
///
/// A `[policy_from.YEAR]` value is compared with the value in force that year on the other
/// side (its own earlier `policy_from` change, else its `[policy]` value), so a new allowance
/// from 2015 reads "0 → 12,000 (from 2015)" rather than "not set → 12,000".
pub fn changes(
    before: &str,
    after: &str,
    pathway: &dyn Fn(&str) -> String,
) -> Result<Vec<Change>, toml::de::Error> {
    let (a, a_from) = split_policy_from(flat(&toml::from_str::<toml::Table>(before)?));
    let (b, b_from) = split_policy_from(flat(&toml::from_str::<toml::Table>(after)?));
    let mut out = Vec::new();
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for key in keys {
        let (x, y) = (a.get(key), b.get(key));
        if !same(x, y) {
            out.push(describe_change(key, x, y, None, pathway));
        }
    }
    let dated: BTreeSet<&(String, String)> = a_from.keys().chain(b_from.keys()).collect();
    for (rest, year) in dated {
        let x = in_force(&a, &a_from, rest, year);
        let y = in_force(&b, &b_from, rest, year);
        if !same(x, y) {
            let key = format!("policy.{rest}");
            out.push(describe_change(&key, x, y, Some(year.clone()), pathway));
        }
    }
    out.sort_by(|x, y| {
        (
            key_group(&x.key),
            &x.key,
            year_order(x.from_year.as_deref()),
        )
            .cmp(&(
                key_group(&y.key),
                &y.key,
                year_order(y.from_year.as_deref()),
            ))
    });
    Ok(out)
}

/// Every leaf of a TOML tree under its dotted key (arrays are leaves), less the keys that
/// change nothing simulated.
fn flat(t: &toml::Table) -> BTreeMap<String, toml::Value> {
    fn walk(prefix: &str, t: &toml::Table, out: &mut BTreeMap<String, toml::Value>) {
        for (k, v) in t {
            if prefix.is_empty() && NOT_SIMULATED.contains(&k.as_str()) {
                continue;
            }
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                toml::Value::Table(inner) => walk(&key, inner, out),
                _ => {
                    out.insert(key, v.clone());
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    walk("", t, &mut out);
    out
}

type Dated = BTreeMap<(String, String), toml::Value>;

/// Separate `policy_from.YEAR.rest` keys, as (rest, YEAR), from the others.
fn split_policy_from(all: BTreeMap<String, toml::Value>) -> (BTreeMap<String, toml::Value>, Dated) {
    let mut plain = BTreeMap::new();
    let mut dated = BTreeMap::new();
    for (k, v) in all {
        match k
            .strip_prefix("policy_from.")
            .and_then(|r| r.split_once('.'))
        {
            Some((year, rest)) => {
                dated.insert((rest.to_string(), year.to_string()), v);
            }
            None => {
                plain.insert(k, v);
            }
        }
    }
    (plain, dated)
}

/// The value of `policy.rest` in force in `year`: the latest `policy_from` change at or
/// before it, else the `[policy]` value.
fn in_force<'a>(
    plain: &'a BTreeMap<String, toml::Value>,
    dated: &'a Dated,
    rest: &str,
    year: &str,
) -> Option<&'a toml::Value> {
    dated
        .iter()
        .filter(|((r, y), _)| r == rest && year_order(Some(y)) <= year_order(Some(year)))
        .max_by(|((_, x), _), ((_, y), _)| year_order(Some(x)).cmp(&year_order(Some(y))))
        .map(|(_, v)| v)
        .or_else(|| plain.get(&format!("policy.{rest}")))
}

/// Years sort as numbers (a non-number after every number, by text); no year sorts first.
fn year_order(y: Option<&str>) -> (u8, i64, String) {
    match y {
        None => (0, 0, String::new()),
        Some(t) => match t.trim().parse::<i64>() {
            Ok(n) => (1, n, String::new()),
            Err(_) => (2, 0, t.to_string()),
        },
    }
}

fn number(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// Equal values, an integer equal to a float included (`8` and `8.0` are the same value).
fn same(a: Option<&toml::Value>, b: Option<&toml::Value>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => match (number(x), number(y)) {
            (Some(p), Some(q)) => p == q,
            _ => x == y,
        },
        _ => false,
    }
}

/// Where a key is listed: policy levers first (the `[policy]` tables, then the pathway keys
/// the README lists as levers), then run settings and the rest.
fn key_group(key: &str) -> u8 {
    let parts: Vec<&str> = key.split('.').collect();
    match parts.as_slice() {
        ["policy", ..] => 0,
        ["pathways", _, "hometown_share" | "intake_per_county"] => 1,
        ["simulation", ..] => 2,
        ["region", ..] => 3,
        ["pathways", ..] => 4,
        ["outside_option", ..] => 5,
        ["behaviour", ..] => 6,
        _ => 7,
    }
}

/// How a value of a key is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Grouped digits: 12,000.
    Number,
    /// Digits only, for years and seeds: 2025.
    Integer,
    /// A share as a percentage: 0.1 → 10%.
    Percent,
    /// Applicants per post: 2 → 2:1.
    Ratio,
    /// Anything else, as written.
    AsWritten,
}

/// Plain words, the way to write values, and the unit for the keys a policy analyst sets.
fn label_for(key: &str, pathway: &dyn Fn(&str) -> String) -> Option<(String, Kind, &'static str)> {
    use Kind::*;
    let l = |t: &str, k: Kind, u: &'static str| Some((t.to_string(), k, u));
    let parts: Vec<&str> = key.split('.').collect();
    match parts.as_slice() {
        ["policy", "salary", "base", t] => Some((
            format!("Base salary, {} title", title_words(t)),
            Number,
            "yuan a year",
        )),
        ["policy", "salary", "growth"] => l("Nominal salary growth", Percent, "a year"),
        ["policy", "salary", "performance_uplift"] => {
            l("Performance-pay uplift", Percent, "of base pay")
        }
        ["policy", "salary", "remote_allowance"] => {
            l("Remote-post allowance", Number, "yuan a year")
        }
        ["policy", "salary", "residency_stipend"] => l("Residency stipend", Number, "yuan a year"),
        ["policy", "titles", "min_years", t] => Some((
            format!(
                "Minimum years at the rank below before the {} evaluation",
                title_words(t)
            ),
            Number,
            "years",
        )),
        ["policy", "titles", "college_extra_years"] => l(
            "Extra years before each evaluation without a bachelor's degree",
            Number,
            "years",
        ),
        ["policy", "titles", "order_oriented_head_start"] => l(
            "Head start of RTME graduates at the intermediate evaluation",
            Number,
            "years",
        ),
        ["policy", "titles", "pass_probability", t] => Some((
            format!("Chance of passing the {} evaluation", title_words(t)),
            Percent,
            "a year",
        )),
        ["policy", "titles", "quota", t] => Some((
            format!("Title quota: {} posts", title_words(t)),
            Percent,
            "of a centre's posts",
        )),
        ["policy", "titles", "quota_pool"] => l("Title quotas counted over", AsWritten, ""),
        ["policy", "titles", "grassroots_track"] => l("Grassroots-only title track", AsWritten, ""),
        ["policy", "titles", "grassroots_pass_probability", t] => Some((
            format!(
                "Chance of passing the grassroots-track {} evaluation",
                title_words(t)
            ),
            Percent,
            "a year",
        )),
        ["policy", "titles", "grassroots_quota", t] => Some((
            format!(
                "Posts set aside for grassroots-track {} titles",
                title_words(t)
            ),
            Percent,
            "of posts",
        )),
        ["policy", "recruitment", "ratio"] => {
            l("Applicants required per advertised post", Ratio, "")
        }
        ["policy", "recruitment", "remote_ratio"] => l(
            "Applicants required per advertised post in remote townships",
            Ratio,
            "",
        ),
        ["policy", "recruitment", "unified_county_hiring"] => {
            l("Unified county hiring (县管乡用)", AsWritten, "")
        }
        ["policy", "recruitment", "applicants_per_post"] => l(
            "Mean applicants per advertised post near the county seat",
            Number,
            "",
        ),
        ["policy", "recruitment", "hire_pathway"] => {
            l("Pathway that open recruitment hires into", AsWritten, "")
        }
        ["policy", "contract", "obligation_years"] => l("RTME service obligation", Number, "years"),
        ["policy", "contract", "residency_counts"] => {
            l("Residency counted inside the obligation", AsWritten, "")
        }
        ["policy", "contract", "breach_penalty"] => {
            l("Penalty for breaking the service contract", Number, "yuan")
        }
        ["policy", "contract", "postgraduate_ban"] => l(
            "Contract breakers barred from postgraduate study and public hospitals",
            AsWritten,
            "",
        ),
        ["policy", "retirement", "age_male"] => l("Retirement age, men", Number, "years"),
        ["policy", "retirement", "age_female"] => l("Retirement age, women", Number, "years"),
        ["policy", "retirement", "rise_from_year"] => l(
            "Statutory rise of the retirement age starts in",
            Integer,
            "",
        ),
        ["policy", "retirement", "rise_per_year"] => l(
            "Rise of the retirement age per year of later birth",
            Number,
            "years",
        ),
        ["policy", "retirement", "target_age_male"] => {
            l("Retirement age after the rise, men", Number, "years")
        }
        ["policy", "retirement", "target_age_female"] => {
            l("Retirement age after the rise, women", Number, "years")
        }
        ["policy", "village", "subsidy"] => {
            l("Public subsidy to a village doctor", Number, "yuan a year")
        }
        ["policy", "village", "fee_income"] => l(
            "Village doctors' fee income from patients",
            Number,
            "yuan a year",
        ),
        ["policy", "village", "growth"] => l("Nominal growth of village income", Percent, "a year"),
        ["policy", "village", "income_floor"] => {
            l("Village-doctor income floor", Number, "yuan a year")
        }
        ["policy", "village", "pension_per_service_year"] => l(
            "Village-doctor pension per year of service",
            Number,
            "yuan a month",
        ),
        ["policy", "village", "pension_cap"] => {
            l("Village-doctor pension cap", Number, "yuan a month")
        }
        ["policy", "village", "pension_min_service_years"] => l(
            "Service needed for a village-doctor pension",
            Number,
            "years",
        ),
        ["policy", "village", "pension_age"] => {
            l("Village-doctor pension paid from age", Number, "")
        }
        ["policy", "village", "exit_age_male"] => {
            l("Village-doctor exit age, men", Number, "years")
        }
        ["policy", "village", "exit_age_female"] => {
            l("Village-doctor exit age, women", Number, "years")
        }
        ["policy", "village", "rehire_share"] => {
            l("Village doctors kept on past the exit age", Percent, "")
        }
        ["policy", "village", "reserve_per_township"] => l(
            "Staffing-reserve posts per township centre for village vacancies",
            Number,
            "",
        ),
        ["policy", "training", "probability"] => l(
            "Chance of continuing education or rotation",
            Percent,
            "a year",
        ),
        ["policy", "training", "months"] => l("Time away per training", Number, "months"),
        ["policy", "training", "cost_per_month"] => {
            l("Cost of training", Number, "yuan a month away")
        }
        ["pathways", p, "hometown_share"] => Some((
            format!("{} placed in their home county", cap(&pathway(p))),
            Percent,
            "",
        )),
        ["pathways", p, "intake_per_county"] => Some((
            format!("{} enrolled per county", cap(&pathway(p))),
            Number,
            "a year",
        )),
        ["pathways", p, "base_exit_rate"] => Some((
            format!("Base exit rate of {}", pathway(p)),
            Percent,
            "a year",
        )),
        ["pathways", p, "refill_rate"] => Some((
            format!("Chance a vacant post finds new {}", pathway(p)),
            Percent,
            "a year",
        )),
        ["simulation", "seed"] => l("Random seed", Integer, ""),
        ["simulation", "start_year"] => l("First simulated year", Integer, ""),
        ["simulation", "years"] => l("Years simulated", Number, ""),
        ["simulation", "replications"] => l("Replications", Number, ""),
        ["simulation", "steps_per_year"] => l("Hazard steps per year", Number, ""),
        ["region", "counties"] => l("Counties simulated", Number, ""),
        ["region", "remote_threshold"] => l(
            "Remoteness from which a township counts as remote (0–1)",
            Number,
            "",
        ),
        _ => None,
    }
}

fn describe_change(
    key: &str,
    before: Option<&toml::Value>,
    after: Option<&toml::Value>,
    from_year: Option<String>,
    pathway: &dyn Fn(&str) -> String,
) -> Change {
    let (label, kind, unit) = match label_for(key, pathway) {
        Some((l, k, u)) => (l, k, u),
        None => (key.to_string(), Kind::AsWritten, ""),
    };
    let words = |v: Option<&toml::Value>| -> String {
        let text = value_words(v, kind);
        if key == "policy.titles.quota_pool" {
            match text.as_str() {
                "centre" => return "each centre's own posts".into(),
                "county" => return "the county medical community's posts".into(),
                _ => {}
            }
        }
        text
    };
    Change {
        key: key.to_string(),
        label,
        before: words(before),
        after: words(after),
        unit: unit.to_string(),
        from_year,
        lever: key_group(key) <= 1,
    }
}

fn value_words(v: Option<&toml::Value>, kind: Kind) -> String {
    let Some(v) = v else {
        return "not set".into();
    };
    if let Some(x) = number(v) {
        return match kind {
            Kind::Percent => format!("{}%", short_number(x * 100.0)),
            Kind::Ratio => format!("{}:1", short_number(x)),
            Kind::Integer if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", x as i64),
            _ => short_number(x),
        };
    }
    match v {
        toml::Value::Boolean(b) => if *b { "yes" } else { "no" }.into(),
        toml::Value::String(s) => s.clone(),
        toml::Value::Array(items) if items.iter().all(|i| i.is_table()) => {
            format!("{} entries", items.len())
        }
        toml::Value::Array(items) => {
            let parts: Vec<String> = items
                .iter()
                .map(|i| value_words(Some(i), Kind::AsWritten))
                .collect();
            format!("[{}]", parts.join(", "))
        }
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Table(t) => format!("a table of {} keys", t.len()),
        toml::Value::Integer(_) | toml::Value::Float(_) => String::new(),
    }
}

fn title_words(t: &str) -> String {
    t.replace('_', "-")
}

/// The files a scenario was read from, in order: leaf first, root last, then the `--set`
/// overrides (recorded as sources named `--set KEY=VALUE`).
fn root_file(s: &Scenario) -> Option<&(std::path::PathBuf, String)> {
    s.files
        .iter()
        .rev()
        .find(|(p, _)| !p.to_string_lossy().starts_with("--set "))
}

/// The "levers" part of a run's report: the run against the root of its `base =` chain.
fn levers_against_root(s: &Scenario) -> String {
    let unavailable = |why: String| {
        format!(
            "<p>The differences from the baseline cannot be listed: {}.</p>\n",
            esc(&why)
        )
    };
    let Some((root_path, root_hash)) = root_file(s) else {
        return unavailable("the run does not record which files it was read from".into());
    };
    let root = match Scenario::load(root_path, &[]) {
        Ok(r) => r,
        Err(e) => {
            return unavailable(format!(
                "its base scenario {} cannot be read again ({e})",
                root_path.display()
            ));
        }
    };
    // An edited base file would describe a scenario other than the one that was run.
    if root.files.first().map(|(_, h)| h) != Some(root_hash) {
        return unavailable(format!(
            "{} was changed after the run read it",
            root_path.display()
        ));
    }
    let list = match changes(&root.resolved_toml, &s.resolved_toml, &|p| {
        pathway_words(s, p)
    }) {
        Ok(c) => c,
        Err(e) => return unavailable(e.to_string().replace('\n', " ")),
    };
    let inherits = s
        .files
        .iter()
        .filter(|(p, _)| !p.to_string_lossy().starts_with("--set "))
        .count()
        > 1;
    let root_words = format!(
        "<q>{}</q> (<code>{}</code>)",
        esc(&root.name),
        esc(&root_path.display().to_string())
    );
    if list.is_empty() {
        return if inherits {
            format!(
                "<p>Built on {root_words}, and nothing that is simulated differs from it.</p>\n"
            )
        } else {
            format!(
                "<p>This is the reference scenario {root_words}, the status quo that policy \
                 scenarios are built on and measured against. No value differs from it.</p>\n"
            )
        };
    }
    let mut out = if inherits {
        format!("<p>Built on {root_words}. What differs from it:</p>\n")
    } else {
        format!(
            "<p>This is the reference scenario {root_words}, the status quo, run with these \
             values set on the command line:</p>\n"
        )
    };
    out.push_str(&change_list(&list));
    out
}

/// Changes as lists: policy levers, then the other values that differ.
fn change_list(list: &[Change]) -> String {
    let mut out = String::new();
    let (levers, other): (Vec<&Change>, Vec<&Change>) = list.iter().partition(|c| c.lever);
    let mut block = |title: &str, items: &[&Change]| {
        if items.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "<p class=\"listhead\">{title}</p>\n<ul class=\"levers\">"
        );
        for c in items {
            let _ = writeln!(out, "<li>{}</li>", esc(&c.sentence()));
        }
        out.push_str("</ul>\n");
    };
    block("Policy levers", &levers);
    block("Other settings", &other);
    out
}

// ---------------------------------------------------------------------------------------------
// Sections shared by both reports.

const RUN_SECTIONS: [(&str, &str); 7] = [
    ("simulated", "What was simulated"),
    ("retention", "Who stays: retention by pathway"),
    ("staffing", "Staffing and village coverage"),
    ("titles", "Title mix"),
    ("exits", "Where leavers go"),
    ("cost", "Cost per retained worker-year"),
    ("validation", "Validation against published figures"),
];

const COMPARE_SECTIONS: [(&str, &str); 8] = [
    ("simulated", "What was compared"),
    ("differences", "Headline differences"),
    ("retention", "Who stays: retention by pathway"),
    ("staffing", "Staffing and village coverage"),
    ("titles", "Title mix"),
    ("exits", "Where leavers go"),
    ("cost", "Cost per retained worker-year"),
    ("validation", "Validation against published figures"),
];

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

fn region_words(s: &Scenario, years: &Years) -> String {
    format!(
        "{} counties, {} ({} years)",
        s.region.counties,
        years.span(),
        years.count
    )
}

fn replications_words(n: usize) -> String {
    format!(
        "{n} — independent runs of the whole region; every interval in this report is across \
         them"
    )
}

fn version_words() -> String {
    let b = crate::provenance::build();
    match b.git_commit {
        Some(c) => format!("{} (commit <code>{}</code>)", esc(b.zhagen_version), esc(c)),
        None => esc(b.zhagen_version),
    }
}

fn files_words(s: &Scenario) -> String {
    let items: Vec<String> = s
        .files
        .iter()
        .map(|(p, _)| format!("<code>{}</code>", esc(&p.display().to_string())))
        .collect();
    if items.is_empty() {
        "–".into()
    } else {
        items.join("<br>")
    }
}

/// Plain words for a pathway of a scenario: "RTME graduates", with the file's name added when
/// it is not the kind's own.
fn pathway_words(s: &Scenario, name: &str) -> String {
    let Some(id) = s.pathway_id(name) else {
        return name.to_string();
    };
    let kind = s.pathway(id).kind;
    let words = match kind {
        PathwayKind::OrderOriented => "RTME graduates".to_string(),
        PathwayKind::OpenRecruit => "open recruits".to_string(),
        PathwayKind::Incumbent => format!("centre staff in post in {}", s.simulation.start_year),
        PathwayKind::VillageDoctor => "village doctors".to_string(),
        PathwayKind::LocalApprentice => "local apprentices".to_string(),
    };
    if name == kind.name() {
        words
    } else {
        format!("{words} ({name})")
    }
}

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

/// "1 year", "7 years".
fn years_after(n: impl std::fmt::Display) -> String {
    let n = n.to_string();
    if n == "1" { n + " year" } else { n + " years" }
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

/// The few numbers a reader should take away from a run, as sentences.
fn glance(s: &Scenario, r: &RunResult, years: &Years) -> String {
    let heads = headline::headlines(s, r);
    let mut items = Vec::new();
    for p in reading_order(s).into_iter().map(|p| &s.pathways[p]) {
        // Ten years after entry where the run saw that far, else the longest it saw.
        let found = KEY_YEARS
            .iter()
            .rev()
            .filter(|y| **y <= 10)
            .map(|y| {
                (
                    *y,
                    headline_ci(&heads, &format!("retention.{}.y{y}", p.name)),
                )
            })
            .find(|(_, c)| c.mean.is_finite());
        if let Some((y, c)) = found {
            items.push(format!(
                "<strong>{}</strong> of {} still serving {} after entry {}",
                pct(c.mean, 1),
                esc(&pathway_words(s, &p.name)),
                years_after(y),
                ci_words(Unit::Share, &c)
            ));
        }
    }
    let vacancy = headline_ci(&heads, "vacancy.mean");
    items.push(format!(
        "<strong>{}</strong> of township-centre posts vacant, on average over {} {}",
        pct(vacancy.mean, 1),
        years.span(),
        ci_words(Unit::Share, &vacancy)
    ));
    let uncovered = headline_ci(&heads, "villages_without_doctor.last");
    items.push(format!(
        "<strong>{}</strong> of villages with nobody serving in {} {}",
        pct(uncovered.mean, 1),
        years.last(),
        ci_words(Unit::Share, &uncovered)
    ));
    let cost = headline_ci(&heads, "cost_per_worker_year");
    items.push(format!(
        "<strong>{}</strong> of public spending per retained worker-year {}",
        yuan(cost.mean),
        ci_words(Unit::Yuan, &cost)
    ));
    let mut out = String::from("<ul class=\"glance\">\n");
    for i in items {
        let _ = writeln!(out, "<li>{i}</li>");
    }
    out.push_str("</ul>\n");
    out
}

/// Retention of every pathway at the headline years, with intervals.
fn retention_table(s: &Scenario, r: &RunResult, curves: &[Curve]) -> String {
    let shown: Vec<usize> = KEY_YEARS
        .iter()
        .copied()
        .filter(|y| *y <= s.simulation.years as usize)
        .collect();
    let mut out = String::from(
        "<table>\n<caption>Still in service, by years since entering service (95% CI)</caption>\n<thead><tr><th>Pathway</th><th class=\"num\">Entrants per replication</th>",
    );
    for y in &shown {
        let _ = write!(out, "<th class=\"num\">{}</th>", years_after(y));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for p in reading_order(s) {
        let Some(c) = curves.get(p) else {
            continue;
        };
        if c.rows.iter().skip(1).all(|row| row.at_risk == 0) {
            continue;
        }
        let entrants = r.pooled.entrants.get(p).copied().unwrap_or(0) as f64 / reps(r);
        let _ = write!(
            out,
            "<tr><th>{}</th><td class=\"num\">{}</td>",
            esc(&cap(&pathway_words(s, &c.pathway))),
            grouped(entrants, 1)
        );
        for y in &shown {
            match c.rows.get(*y).filter(|row| row.at_risk > 0) {
                Some(row) => {
                    let _ = write!(
                        out,
                        "<td class=\"num\">{}<span class=\"ci\">{} to {}</span></td>",
                        pct(row.retention, 1),
                        pct(row.ci_low, 1),
                        pct(row.ci_high, 1)
                    );
                }
                None => out.push_str("<td class=\"num\">–</td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

fn staffing_table(r: &RunResult, years: &Years) -> String {
    let k = reps(r);
    let mut out = String::from(
        "<table>\n<caption>Township health centres and village clinics, per replication (one simulated region)</caption>\n<thead><tr><th>Year</th><th class=\"num\">Centre posts</th><th class=\"num\">Filled</th><th class=\"num\">Vacant (95% CI)</th><th class=\"num\">Hired</th><th class=\"num\">Not filled: too few applicants</th><th class=\"num\">Leavers</th><th class=\"num\">Villages with nobody serving (95% CI)</th><th class=\"num\">Village posts filled</th></tr></thead>\n<tbody>\n",
    );
    for y in years.sampled() {
        let Some(st) = r.pooled.staffing.get(y) else {
            continue;
        };
        let vacant = mean_ci(r.reps.iter().map(|m| at(&m.vacancy, y)));
        let uncovered = mean_ci(r.reps.iter().map(|m| at(&m.uncovered, y)));
        let fill = mean_ci(r.reps.iter().map(|m| at(&m.village_fill, y)));
        let _ = writeln!(
            out,
            "<tr><th>{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}{}</td><td class=\"num\">{}</td></tr>",
            years.calendar(y),
            grouped(st.posts as f64 / k, 0),
            grouped(st.filled as f64 / k, 0),
            pct(vacant.mean, 1),
            ci_span(Unit::Share, &vacant),
            grouped(st.hired as f64 / k, 0),
            grouped(st.cancelled as f64 / k, 0),
            grouped(st.leavers as f64 / k, 0),
            pct(uncovered.mean, 1),
            ci_span(Unit::Share, &uncovered),
            pct(fill.mean, 1),
        );
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

const TITLE_WORDS: [&str; 4] = ["junior", "intermediate", "associate senior", "senior"];

/// Shares of centre staff by title in simulated year `y` (NaN where nobody was counted).
fn title_mix(r: &RunResult, y: usize) -> [f64; 4] {
    let counts = r.pooled.centre_titles.get(y * 4..y * 4 + 4).unwrap_or(&[]);
    let total: u64 = counts.iter().sum();
    let mut out = [f64::NAN; 4];
    if total > 0 {
        for (o, c) in out.iter_mut().zip(counts) {
            *o = *c as f64 / total as f64;
        }
    }
    out
}

fn title_plot(s: &Scenario, r: &RunResult, years: &Years) -> LinePlot {
    LinePlot {
        title: format!("Title mix of township-centre staff — {}", s.name),
        x_label: "Calendar year".into(),
        y_label: "Share of centre staff".into(),
        band_method: String::new(),
        series: TITLE_WORDS
            .iter()
            .enumerate()
            .map(|(t, words)| CurveSeries {
                label: words.to_string(),
                points: (0..years.count)
                    .map(|y| {
                        (
                            years.calendar(y) as f64,
                            title_mix(r, y)[t],
                            f64::NAN,
                            f64::NAN,
                        )
                    })
                    .collect(),
            })
            .collect(),
        percent: true,
    }
}

/// The title mix at the sampled years, one row per run and year.
fn title_table(runs: &[(&Scenario, &RunResult)], years: &Years) -> String {
    let several = runs.len() > 1;
    let mut out = String::from(
        "<table>\n<caption>Share of township-centre staff by title</caption>\n<thead><tr>",
    );
    if several {
        out.push_str("<th>Scenario</th>");
    }
    out.push_str("<th>Year</th>");
    for w in TITLE_WORDS {
        let _ = write!(out, "<th class=\"num\">{}</th>", cap(w));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    // A comparison shows the first and the last year only: the chart has the rest.
    let rows: Vec<usize> = if several {
        let mut v = vec![0];
        if years.count > 1 {
            v.push(years.count - 1);
        }
        v
    } else {
        years.sampled()
    };
    for (s, r) in runs {
        for &y in &rows {
            out.push_str("<tr>");
            if several {
                let _ = write!(out, "<td><code>{}</code></td>", esc(&s.name));
            }
            let _ = write!(out, "<th>{}</th>", years.calendar(y));
            for share in title_mix(r, y) {
                let _ = write!(out, "<td class=\"num\">{}</td>", pct(share, 1));
            }
            out.push_str("</tr>\n");
        }
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

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

/// One horizontal bar per row, split by destination: a hand-drawn SVG, because a stacked bar
/// is a dozen rectangles and no chart type of `plot` draws it.
fn exit_bars_svg(rows: &[(String, [f64; REASONS])]) -> String {
    const WIDTH: f64 = 1000.0;
    const ROW: f64 = 32.0;
    const TOP: f64 = 44.0;
    const BAR_X: f64 = 390.0;
    const BAR_W: f64 = 520.0;
    let height = TOP + ROW * rows.len().max(1) as f64 + 12.0;
    let mut out = format!(
        "<svg viewBox=\"0 0 {WIDTH:.0} {height:.0}\" width=\"{WIDTH:.0}\" height=\"{height:.0}\" font-family=\"sans-serif\" font-size=\"15\">\n<rect x=\"0\" y=\"0\" width=\"{WIDTH:.0}\" height=\"{height:.0}\" fill=\"#FFFFFF\"/>\n"
    );
    let mut x = 10.0;
    for (words, colour) in REASON_WORDS.iter().zip(REASON_COLOURS) {
        let _ = writeln!(
            out,
            "<rect x=\"{x:.1}\" y=\"10\" width=\"16\" height=\"16\" fill=\"{colour}\"/><text x=\"{:.1}\" y=\"23\">{}</text>",
            x + 22.0,
            esc(words)
        );
        // Swatch, text (about 8.5 pixels a character at 15 pixels) and a gap.
        x += 22.0 + 8.5 * words.chars().count() as f64 + 30.0;
    }
    if rows.is_empty() {
        let _ = writeln!(
            out,
            "<text x=\"10\" y=\"{:.1}\" fill=\"#555555\">Nobody left service.</text>",
            TOP + 20.0
        );
    }
    for (i, (label, counts)) in rows.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let total: f64 = counts.iter().sum();
        let short: String = if label.chars().count() > 44 {
            label.chars().take(43).chain(std::iter::once('…')).collect()
        } else {
            label.clone()
        };
        let _ = writeln!(
            out,
            "<text x=\"10\" y=\"{:.1}\">{}</text>",
            y + 20.0,
            esc(&short)
        );
        let mut x = BAR_X;
        for (k, n) in counts.iter().enumerate() {
            if !(total > 0.0 && *n > 0.0) {
                continue;
            }
            let w = BAR_W * n / total;
            let _ = writeln!(
                out,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"24\" fill=\"{}\"/>",
                y + 4.0,
                REASON_COLOURS[k]
            );
            if w >= 38.0 {
                let _ = writeln!(
                    out,
                    "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#FFFFFF\" text-anchor=\"middle\" font-size=\"13\">{:.0}%</text>",
                    x + w / 2.0,
                    y + 21.0,
                    100.0 * n / total
                );
            }
            x += w;
        }
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            WIDTH - 10.0,
            y + 20.0,
            grouped(total, 0)
        );
    }
    out.push_str("</svg>\n");
    out
}

fn exits_table(rows: &[(String, [f64; REASONS])]) -> String {
    let mut out = String::from(
        "<table>\n<caption>Departures per replication by destination (share of all departures)</caption>\n<thead><tr><th>Who</th>",
    );
    for w in REASON_WORDS {
        let _ = write!(out, "<th class=\"num\">{w}</th>");
    }
    out.push_str("<th class=\"num\">All</th></tr></thead>\n<tbody>\n");
    for (label, counts) in rows {
        let total: f64 = counts.iter().sum();
        let _ = write!(out, "<tr><th>{}</th>", esc(label));
        for n in counts {
            let _ = write!(
                out,
                "<td class=\"num\">{}<span class=\"ci\">{}</span></td>",
                grouped(*n, 1),
                pct(if total > 0.0 { n / total } else { f64::NAN }, 0)
            );
        }
        let _ = writeln!(out, "<td class=\"num\">{}</td></tr>", grouped(total, 1));
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// Public spending over the run by item, per replication: one column per run.
fn cost_items_table(runs: &[(&Scenario, &RunResult)]) -> String {
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
    let items = [
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
    let mut out = String::from(
        "<table>\n<caption>Public spending over the run by item, per replication (nominal yuan)</caption>\n<thead><tr><th>Item</th>",
    );
    for (s, _) in runs {
        if several {
            let _ = write!(out, "<th class=\"num\"><code>{}</code></th>", esc(&s.name));
        } else {
            out.push_str("<th class=\"num\">Yuan</th><th class=\"num\">Share</th>");
        }
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (i, item) in items.iter().enumerate() {
        // Items nobody spent anything on in any run are left out.
        if i + 1 < items.len() && sums.iter().all(|a| a[i] == 0.0) {
            continue;
        }
        let _ = write!(out, "<tr><th>{item}</th>");
        for a in &sums {
            let _ = write!(out, "<td class=\"num\">{}</td>", yuan(a[i]));
            if !several {
                let _ = write!(
                    out,
                    "<td class=\"num\">{}</td>",
                    pct(if a[8] > 0.0 { a[i] / a[8] } else { f64::NAN }, 1)
                );
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

fn cost_years_table(r: &RunResult, years: &Years) -> String {
    let mut out = String::from(
        "<table>\n<caption>Spending and worker-years served by year, per replication (nominal yuan)</caption>\n<thead><tr><th>Year</th><th class=\"num\">Public spending</th><th class=\"num\">Worker-years served</th><th class=\"num\">Cost per worker-year</th></tr></thead>\n<tbody>\n",
    );
    for y in years.sampled() {
        let Some(c) = r.pooled.cost.get(y) else {
            continue;
        };
        let _ = writeln!(
            out,
            "<tr><th>{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            years.calendar(y),
            yuan(c.total() / reps(r)),
            grouped(c.serving_years / reps(r), 0),
            yuan(if c.serving_years > 0.0 {
                c.total() / c.serving_years
            } else {
                f64::NAN
            })
        );
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// Cost per retained worker-year and total spending of each scenario, with the difference
/// from the reference.
fn cost_compare_table(names: &[String], metrics: &[ComparedMetric]) -> String {
    let mut out = String::from(
        "<table>\n<thead><tr><th>Scenario</th><th class=\"num\">Cost per retained worker-year (95% CI)</th><th>Difference from the reference</th><th class=\"num\">Public spending over the run (95% CI)</th><th>Difference from the reference</th></tr></thead>\n<tbody>\n",
    );
    let find = |key: &str| metrics.iter().find(|m| m.key == key);
    let (per, total) = (find("cost_per_worker_year"), find("total_cost"));
    for (i, name) in names.iter().enumerate() {
        let _ = write!(out, "<tr><td><code>{}</code></td>", esc(name));
        for m in [per, total] {
            let value = m.and_then(|m| m.values.get(i).copied().flatten());
            let diff = m.and_then(|m| m.diffs.get(i).copied().flatten());
            let _ = write!(
                out,
                "<td class=\"num\">{}</td><td>{}</td>",
                value.map_or("–".into(), |v| format!(
                    "{}{}",
                    yuan(v.mean),
                    ci_span(Unit::Yuan, &v)
                )),
                match (m, diff) {
                    (Some(m), Some(d)) => difference_words(m, &d.paired).0,
                    _ if i == 0 => "reference".into(),
                    _ => "–".into(),
                }
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// The benchmarks against the simulation, with sources.
fn validation_section(s: &Scenario, results: &[BenchmarkResult], note: &str) -> String {
    let mut out = String::from(
        "<section id=\"validation\">\n<h2>Validation against published figures</h2>\n",
    );
    if !note.is_empty() {
        let _ = writeln!(out, "<p>{note}</p>");
    }
    if results.is_empty() {
        out.push_str(
            "<p>The scenario lists no published figures to check against.</p>\n</section>\n",
        );
        return out;
    }
    let met = results.iter().filter(|b| b.within).count();
    let _ = writeln!(
        out,
        "<p>{met} of {} published figures lie within the simulation's 95% interval.<sup><a href=\"#note-validation\">2</a></sup></p>",
        results.len()
    );
    out.push_str(
        "<table class=\"validation\">\n<thead><tr><th>What was measured</th><th class=\"num\">Published</th><th class=\"num\">Simulated</th><th class=\"num\">95% interval</th><th>Within?</th><th>Source</th></tr></thead>\n<tbody>\n",
    );
    for b in results {
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
        let _ = writeln!(
            out,
            "<tr><td>{}<span class=\"ci\"><code>{}</code></span></td><td class=\"num\">{}{}</td><td class=\"num\">{}</td><td class=\"num\">{} to {}<span class=\"ci\">{}</span></td><td class=\"{}\">{}</td><td class=\"source\">{}</td></tr>",
            esc(&cap(&metric_words(s, &b.benchmark.metric))),
            esc(&b.benchmark.name),
            bound,
            v(b.benchmark.value),
            v(b.simulated.mean),
            v(if share {
                b.judged_low.clamp(0.0, 1.0)
            } else {
                b.judged_low
            }),
            v(if share {
                b.judged_high.clamp(0.0, 1.0)
            } else {
                b.judged_high
            }),
            esc(&basis),
            if b.within { "yes" } else { "no" },
            if b.within { "yes" } else { "no" },
            esc(&b.benchmark.source)
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
    out
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

// ---------------------------------------------------------------------------------------------
// Differences in words.

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
        "cost_per_worker_year" => "public spending per retained worker-year".into(),
        "total_cost" => "public spending over the run, whole region".into(),
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
fn difference_words(m: &ComparedMetric, d: &MeanCi) -> (String, &'static str) {
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
        Unit::Yuan => format!("{value} in {what} {ci}"),
    }
}

/// The headline changes of scenario `i` as sentences: ten-year retention of each pathway (or
/// the longest seen), vacancies, village coverage and cost.
fn brief_differences(s: &Scenario, metrics: &[ComparedMetric], i: usize) -> String {
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
    let mut out = String::from("<ul class=\"brief\">\n");
    for k in &keys {
        let Some(m) = metrics.iter().find(|m| &m.key == k) else {
            continue;
        };
        let Some(d) = m.diffs.get(i).copied().flatten() else {
            continue;
        };
        let clear = matches!(reading(&d.paired), "clearly higher" | "clearly lower");
        let _ = writeln!(
            out,
            "<li{}>{}</li>",
            if clear { " class=\"clear\"" } else { "" },
            esc(&difference_sentence(s, m, &d.paired))
        );
    }
    out.push_str("</ul>\n");
    out
}

/// Every headline metric of scenario `i` against the reference.
fn difference_table(
    s: &Scenario,
    names: &[String],
    metrics: &[ComparedMetric],
    i: usize,
) -> String {
    let mut out = format!(
        "<table class=\"differences\">\n<thead><tr><th>What is measured</th><th class=\"num\"><code>{}</code></th><th class=\"num\"><code>{}</code></th><th>Difference (95% CI)</th><th>Reading</th></tr></thead>\n<tbody>\n",
        esc(&names[0]),
        esc(names.get(i).map_or("", |n| n.as_str()))
    );
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
    for (_, m) in rows {
        let value = |k: usize| -> String {
            match m.values.get(k).copied().flatten() {
                Some(v) => match m.unit {
                    Unit::Share => pct(v.mean, 1),
                    Unit::Yuan => yuan(v.mean),
                },
                None => "–".into(),
            }
        };
        let (diff, read) = match m.diffs.get(i).copied().flatten() {
            Some(d) => difference_words(m, &d.paired),
            None => ("–".into(), "cannot tell"),
        };
        let clear = matches!(read, "clearly higher" | "clearly lower");
        let _ = writeln!(
            out,
            "<tr{}><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
            if clear { " class=\"clear\"" } else { "" },
            esc(&cap(&headline_words(s, m))),
            value(0),
            value(i),
            esc(&diff),
            read
        );
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

// ---------------------------------------------------------------------------------------------
// Page furniture and number formatting.

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

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"zhagen {}\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        esc(crate::VERSION),
        esc(title)
    )
}

fn contents(sections: &[(&str, &str)]) -> String {
    let mut out = String::from("<nav aria-label=\"Contents\">\n<ol>\n");
    for (id, words) in sections {
        let _ = writeln!(out, "<li><a href=\"#{id}\">{words}</a></li>");
    }
    out.push_str("</ol>\n</nav>\n");
    out
}

fn lede(description: &str) -> String {
    if description.trim().is_empty() {
        String::new()
    } else {
        format!("<p class=\"lede\">{}</p>\n", esc(description))
    }
}

/// A two-column table of facts; the values are HTML already.
fn facts(rows: &[(&str, String)]) -> String {
    let mut out = String::from("<table class=\"facts\">\n<tbody>\n");
    for (k, v) in rows {
        let _ = writeln!(out, "<tr><th>{}</th><td>{v}</td></tr>", esc(k));
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// An inline SVG chart with an accessible name and a caption (HTML).
fn figure(svg: String, name: &str, caption: &str) -> String {
    let svg = match svg.find("<svg") {
        Some(i) => {
            let (head, tail) = svg.split_at(i + 4);
            format!("{head} role=\"img\" aria-label=\"{}\"{tail}", esc(name))
        }
        None => svg,
    };
    format!(
        "<figure>\n{}\n<figcaption>{caption}</figcaption>\n</figure>\n",
        svg.trim_end()
    )
}

fn notes(reps: usize, comparison: bool) -> String {
    let mut out = String::from("<footer class=\"notes\">\n<h2>Notes</h2>\n<ol>\n");
    let _ = writeln!(
        out,
        "<li id=\"note-intervals\">Intervals. Replications are independent runs of the whole region, while workers \
         within one replication are not independent (they compete for posts and quotas), so \
         every interval is computed across replications: “95% CI” is the 95% Student-t \
         interval of the mean across the {reps} replications. Retention bands: {}.</li>",
        esc(&stats::band_method(reps))
    );
    out.push_str(
        "<li id=\"note-validation\">Validation. Where the source gives its sample size, the interval is the range a \
         study of that many people drawn from the simulated world would report (binomial \
         sampling of the study plus Monte Carlo error); otherwise it is the Monte Carlo interval \
         alone, which is narrow. A published floor (≥) is met when the interval reaches it.</li>\n",
    );
    if comparison {
        out.push_str(
            "<li>Differences. Every scenario ran at the same seed and number of replications: \
             replication <i>r</i> of each draws the same people, exams and applicants wherever \
             the policies do not make them differ (common random numbers). The interval of a \
             difference is the 95% Student-t interval of the paired per-replication \
             differences, which is far narrower than comparing two independent runs; \
             <code>comparison.csv</code> has both.</li>\n",
        );
    }
    out.push_str(
        "<li>Money is public spending in nominal yuan. Counts are per replication: one \
         simulated region.</li>\n",
    );
    let _ = writeln!(
        out,
        "<li>Made by zhagen {}. The page has no scripts and loads nothing from the network; \
         the same scenario and seed give the same page.</li>",
        version_words()
    );
    out.push_str("</ol>\n</footer>\n");
    out
}

/// Text for HTML: markup characters escaped, control characters (which HTML forbids) dropped.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn cap(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

const MINUS: char = '\u{2212}';

/// `x` with `decimals` decimals, commas between thousands and a true minus sign; "–" when not
/// a number.
fn grouped(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let text = format!("{:.*}", decimals, x.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let mut out = String::with_capacity(text.len() + text.len() / 3 + 1);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    // A value that rounds to zero is written without a sign.
    if x < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("{MINUS}{out}")
    } else {
        out
    }
}

/// Like [`grouped`], with a "+" on positive values.
fn signed(x: f64, decimals: usize) -> String {
    let text = grouped(x, decimals);
    if x > 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("+{text}")
    } else {
        text
    }
}

/// A number as short as it can be written without losing digits a scenario would use.
fn short_number(x: f64) -> String {
    let mut text = grouped(x, 4);
    if text.contains('.') {
        while text.ends_with('0') {
            text.pop();
        }
        if text.ends_with('.') {
            text.pop();
        }
    }
    text
}

fn pct(x: f64, decimals: usize) -> String {
    if x.is_finite() {
        format!("{}%", grouped(x * 100.0, decimals))
    } else {
        "–".into()
    }
}

/// Yuan amounts of this size are written in yuan, millions or billions.
fn yuan_scale(magnitude: f64) -> (f64, usize, &'static str) {
    if magnitude >= 1e9 {
        (1e9, 2, " billion yuan")
    } else if magnitude >= 1e7 {
        (1e6, 1, " million yuan")
    } else {
        (1.0, 0, " yuan")
    }
}

fn yuan(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let (scale, dec, words) = yuan_scale(x.abs());
    format!("{}{words}", grouped(x / scale, dec))
}

/// A t-interval of a share can reach past 0 or 100% when there are few replications, but a
/// share cannot: the interval is written cut at the bounds, as the retention bands are drawn.
fn share_bounds(c: &MeanCi) -> (f64, f64) {
    (c.low.clamp(0.0, 1.0), c.high.clamp(0.0, 1.0))
}

/// "(95% CI 32.1% to 34.5%)", or nothing when there is no interval.
fn ci_words(unit: Unit, c: &MeanCi) -> String {
    if !(c.low.is_finite() && c.high.is_finite()) {
        return String::new();
    }
    match unit {
        Unit::Share => {
            let (low, high) = share_bounds(c);
            format!("(95% CI {} to {})", pct(low, 1), pct(high, 1))
        }
        Unit::Yuan => {
            let (scale, dec, words) = yuan_scale(c.low.abs().max(c.high.abs()));
            format!(
                "(95% CI {} to {}{words})",
                grouped(c.low / scale, dec),
                grouped(c.high / scale, dec)
            )
        }
    }
}

/// The interval under a value in a table cell.
fn ci_span(unit: Unit, c: &MeanCi) -> String {
    if !(c.low.is_finite() && c.high.is_finite()) {
        return String::new();
    }
    let (low, high) = match unit {
        Unit::Share => {
            let (low, high) = share_bounds(c);
            (pct(low, 1), pct(high, 1))
        }
        Unit::Yuan => (yuan(c.low), yuan(c.high)),
    };
    format!("<span class=\"ci\">{low} to {high}</span>")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(name: &str) -> String {
        match name {
            "order_oriented" => "RTME graduates".into(),
            other => other.into(),
        }
    }

    const BASE: &str = r#"
name = "baseline"
description = "status quo"
[simulation]
seed = 1
replications = 100
[policy.salary]
performance_uplift = 0.0
remote_allowance = 0.0
[policy.titles]
quota_pool = "centre"
grassroots_track = false
[pathways.order_oriented]
hometown_share = 0.609
"#;

    fn changed(extra: &str) -> Vec<Change> {
        changes(BASE, &format!("{BASE}{extra}"), &plain).expect("valid TOML")
    }

    #[test]
    fn html_text_is_escaped() {
        assert_eq!(
            esc(r#"<b>"Tang" & 'Li'</b>"#),
            "&lt;b&gt;&quot;Tang&quot; &amp; &#39;Li&#39;&lt;/b&gt;"
        );
        assert_eq!(esc("a\u{0}b\nc"), "ab\nc");
    }

    #[test]
    fn numbers_read_the_way_people_write_them() {
        assert_eq!(grouped(1234567.4, 0), "1,234,567");
        assert_eq!(grouped(-2500.0, 0), "\u{2212}2,500");
        assert_eq!(grouped(-0.01, 1), "0.0");
        assert_eq!(signed(2.54, 1), "+2.5");
        assert_eq!(signed(0.0, 1), "0.0");
        assert_eq!(short_number(12000.0), "12,000");
        assert_eq!(short_number(0.609), "0.609");
        assert_eq!(pct(0.3854, 1), "38.5%");
        assert_eq!(yuan(70255.2), "70,255 yuan");
        assert_eq!(yuan(16_442_070_156.0), "16.44 billion yuan");
        assert_eq!(yuan(f64::NAN), "–");
    }

    #[test]
    fn a_changed_lever_reads_as_label_old_value_new_value_and_unit() {
        let c = changed("");
        assert!(c.is_empty(), "the same scenario has no changes: {c:?}");
        let base_with_uplift = BASE.replace("performance_uplift = 0.0", "performance_uplift = 0.1");
        let c = changes(BASE, &base_with_uplift, &plain).unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!(
            c[0].sentence(),
            "Performance-pay uplift: 0% → 10% of base pay"
        );
        assert!(c[0].lever);
    }

    #[test]
    fn a_policy_from_change_is_measured_against_the_value_in_force_that_year() {
        let c = changed("[policy_from.2015.salary]\nremote_allowance = 12000\n");
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(
            c[0].sentence(),
            "Remote-post allowance: 0 → 12,000 yuan a year (from 2015)"
        );
        // A later change is measured against the earlier one, not against the start.
        let c = changed(
            "[policy_from.2015.salary]\nremote_allowance = 12000\n[policy_from.2020.salary]\nremote_allowance = 18000\n",
        );
        let sentences: Vec<String> = c.iter().map(Change::sentence).collect();
        assert_eq!(
            sentences,
            [
                "Remote-post allowance: 0 → 12,000 yuan a year (from 2015)",
                "Remote-post allowance: 0 → 18,000 yuan a year (from 2020)"
            ]
        );
    }

    #[test]
    fn names_descriptions_and_integer_spellings_are_not_changes() {
        let other = BASE
            .replace("\"baseline\"", "\"other\"")
            .replace("status quo", "something else")
            .replace("remote_allowance = 0.0", "remote_allowance = 0");
        assert!(changes(BASE, &other, &plain).unwrap().is_empty());
    }

    #[test]
    fn levers_come_first_and_unknown_keys_fall_back_to_their_dotted_name() {
        let after = BASE
            .replace("replications = 100", "replications = 4")
            .replace("hometown_share = 0.609", "hometown_share = 0.9")
            .replace("quota_pool = \"centre\"", "quota_pool = \"county\"")
            .replace("grassroots_track = false", "grassroots_track = true")
            + "[behaviour]\nnew_effect = 1.5\n";
        let sentences: Vec<String> = changes(BASE, &after, &plain)
            .unwrap()
            .iter()
            .map(Change::sentence)
            .collect();
        assert_eq!(
            sentences,
            [
                "Grassroots-only title track: no → yes",
                "Title quotas counted over: each centre's own posts → the county medical community's posts",
                "RTME graduates placed in their home county: 60.9% → 90%",
                "Replications: 100 → 4",
                "behaviour.new_effect: not set → 1.5",
            ]
        );
    }

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
