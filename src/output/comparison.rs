//! The output folder of `zhagen compare`: `comparison.csv`, the retention curves of every
//! scenario overlaid per pathway (`retention-compare.svg`/`.png`), `report.html` (the
//! differences in words, with every chart), `provenance.json`, each resolved scenario under
//! `scenarios/`, and each scenario's full run outputs under `runs/`.

use super::csv::{Table, cells, num6 as num};
use super::{OutputError, Timing, write_all, write_atomic};
use crate::compare::decision::{Curves, Decision, EFFECT_KEY};
use crate::compare::icer::{Frontier, RatioInterval};
use crate::compare::{ComparedMetric, Pair};
use crate::provenance::{Build, ScenarioRecord, build};
use crate::scenario::Scenario;
use crate::stats::RunResult;
use serde::Serialize;
use std::fs;
use std::path::Path;

#[derive(Serialize)]
struct Provenance {
    #[serde(flatten)]
    build: Build,
    /// The first scenario is the reference of every difference.
    reference: String,
    /// Common random numbers: every scenario ran at this seed and replication count.
    seed: u64,
    replications: u32,
    difference_method: &'static str,
    scenarios: Vec<ScenarioRecord>,
}

pub const DIFFERENCE_METHOD: &str = "95% Student-t interval of the paired per-replication differences (common random numbers); unpaired_* columns: Welch interval as if the runs were independent";

/// Everything a comparison computed, for its writers.
pub struct Compared<'a> {
    pub scenarios: &'a [Scenario],
    pub results: &'a [RunResult],
    pub metrics: &'a [ComparedMetric],
    pub decision: &'a Decision,
    /// Every pair's differences, when asked for (`--pairs`).
    pub pairs: Option<&'a [Pair]>,
}

/// Write everything `compare` produces into `dir` (created if missing); `timings` are each
/// scenario's own, in the order of `scenarios`.
pub fn write_comparison(dir: &Path, c: &Compared, timings: &[Timing]) -> Result<(), OutputError> {
    let (scenarios, results, metrics) = (c.scenarios, c.results, c.metrics);
    let mk = |p: &Path| {
        fs::create_dir_all(p).map_err(|source| OutputError::CreateDir {
            path: p.to_path_buf(),
            source,
        })
    };
    mk(dir)?;
    mk(&dir.join("scenarios"))?;
    let names: Vec<String> = scenarios.iter().map(|s| s.name.clone()).collect();
    for ((s, r), &timing) in scenarios.iter().zip(results).zip(timings) {
        write_atomic(
            &dir.join("scenarios"),
            &format!("{}.toml", s.name),
            s.resolved_toml.as_bytes(),
        )?;
        write_all(&dir.join("runs").join(&s.name), s, r, timing)?;
    }
    super::plot_compare(dir, scenarios, results)?;
    super::write_chart(dir, "cost-effectiveness", &plane(scenarios, c.decision))?;
    write_atomic(
        dir,
        "comparison.csv",
        comparison_csv(&names, metrics).as_bytes(),
    )?;
    write_atomic(
        dir,
        "decision.csv",
        decision_csv(scenarios, c.decision).as_bytes(),
    )?;
    if let Some(curves) = &c.decision.acceptability {
        super::write_chart(
            dir,
            "acceptability",
            &acceptability_plot(scenarios, c.decision, curves),
        )?;
        write_atomic(
            dir,
            "acceptability.csv",
            acceptability_csv(scenarios, c.decision, curves).as_bytes(),
        )?;
    }
    if let Some(pairs) = c.pairs {
        write_atomic(dir, "pairs.csv", pairs_csv(&names, pairs).as_bytes())?;
    }
    let html = super::report::compare_report(scenarios, results, metrics, c.decision).map_err(
        |source| OutputError::Plot {
            path: dir.join("report.html"),
            source,
        },
    )?;
    write_atomic(dir, "report.html", html.as_bytes())?;
    let p = Provenance {
        build: build(),
        reference: names[0].clone(),
        seed: scenarios[0].simulation.seed,
        replications: scenarios[0].simulation.replications,
        difference_method: DIFFERENCE_METHOD,
        scenarios: scenarios
            .iter()
            .map(|s| ScenarioRecord::new(s, format!("scenarios/{}.toml", s.name)))
            .collect(),
    };
    let mut json = serde_json::to_string_pretty(&p).unwrap_or_default();
    json.push('\n');
    // Written last: its presence says the comparison is complete.
    write_atomic(dir, "provenance.json", json.as_bytes())
}

/// `comparison.csv`: one row per scenario and metric.
pub fn comparison_csv(names: &[String], metrics: &[ComparedMetric]) -> String {
    // Over parameter sets, the paired difference with the parameters fixed too (Monte Carlo
    // precision only), beside the interval over parameters and chance.
    let fixed = metrics.iter().any(|m| !m.fixed.is_empty());
    let mut header = "scenario,metric,unit,value,ci_low,ci_high,replications,diff_vs_first,diff_ci_low,diff_ci_high,unpaired_diff_ci_low,unpaired_diff_ci_high"
        .to_string();
    if fixed {
        header.push_str(",fixed_diff_vs_first,fixed_diff_ci_low,fixed_diff_ci_high");
    }
    header.push_str(",label");
    let mut out = Table::new(header.split(','));
    for (i, name) in names.iter().enumerate() {
        for m in metrics {
            let Some(v) = m.values[i] else { continue };
            let (d, dl, dh, ul, uh) = match m.diffs[i] {
                Some(d) => (
                    num(d.paired.mean),
                    num(d.paired.low),
                    num(d.paired.high),
                    num(d.unpaired_low),
                    num(d.unpaired_high),
                ),
                None => Default::default(),
            };
            let mut row: Vec<String> = cells![
                name,
                m.key,
                m.unit.name(),
                num(v.mean),
                num(v.low),
                num(v.high),
                v.n,
                d,
                dl,
                dh,
                ul,
                uh,
            ]
            .into();
            if fixed {
                let (f, fl, fh) = match m.fixed.get(i).copied().flatten() {
                    Some(f) => (num(f.mean), num(f.low), num(f.high)),
                    None => Default::default(),
                };
                row.extend(cells![f, fl, fh]);
            }
            row.extend(cells![m.label]);
            out.row(row);
        }
    }
    out.finish()
}

/// `pairs.csv`: the paired difference `b − a` of every headline metric between every two
/// scenarios, with its 95% Student-t interval (common random numbers).
pub fn pairs_csv(names: &[String], pairs: &[Pair]) -> String {
    let mut out = Table::new(
        "scenario_a,scenario_b,metric,unit,diff_b_minus_a,diff_ci_low,diff_ci_high,replications"
            .split(','),
    );
    for p in pairs {
        out.row(cells![
            names[p.a],
            names[p.b],
            p.key,
            p.unit.name(),
            num(p.diff.paired.mean),
            num(p.diff.paired.low),
            num(p.diff.paired.high),
            p.diff.paired.n,
        ]);
    }
    out.finish()
}

/// The frontier status as (word, against whom, its ICER) for tables.
fn frontier_cells(scenarios: &[Scenario], f: &Frontier) -> (&'static str, String, String) {
    match f {
        Frontier::On { against, icer } => (
            "on_frontier",
            against
                .map(|j| scenarios[j].name.clone())
                .unwrap_or_default(),
            icer.map(num).unwrap_or_default(),
        ),
        Frontier::Dominated { by } => ("dominated", scenarios[*by].name.clone(), String::new()),
        Frontier::ExtendedlyDominated => ("extendedly_dominated", String::new(), String::new()),
    }
}

/// `decision.csv`: one row per option against the reference (the first scenario), in
/// value-for-money order: Δcost and Δworker-years (present values, `economics`), the ICER with
/// Fieller's interval, the quadrant, the frontier status, Δ staffed village-years, and the chosen
/// outcome's difference and rank in its better direction.
pub fn decision_csv(scenarios: &[Scenario], d: &Decision) -> String {
    let mut out = Table::new(
        "rank_cost_effectiveness,scenario,reference,quadrant,delta_cost,delta_cost_ci_low,delta_cost_ci_high,delta_worker_years,delta_worker_years_ci_low,delta_worker_years_ci_high,icer,icer_ci_low,icer_ci_high,icer_interval,frontier,frontier_against,frontier_icer,delta_village_years,delta_village_years_ci_low,delta_village_years_ci_high,outcome,outcome_better,delta_outcome,delta_outcome_ci_low,delta_outcome_ci_high,rank_outcome,replications,cost_unit,effect,icer_method"
            .split(','),
    );
    let mut rows: Vec<_> = d.rows.iter().collect();
    rows.sort_by_key(|r| r.rank_cost_effectiveness);
    let e = &scenarios[0].economics;
    for r in rows {
        let i = &r.incremental;
        let (lo, hi, kind) = match i.interval {
            RatioInterval::Bounded { low, high } => (num(low), num(high), "bounded"),
            RatioInterval::Unbounded => (String::new(), String::new(), "unbounded"),
            RatioInterval::Undefined => (String::new(), String::new(), "undefined"),
        };
        let (fw, fa, fi) = frontier_cells(scenarios, &d.frontier[r.scenario]);
        out.row(cells![
            r.rank_cost_effectiveness,
            scenarios[r.scenario].name,
            scenarios[0].name,
            i.quadrant.name(),
            num(i.cost.mean),
            num(i.cost.low),
            num(i.cost.high),
            num(i.effect.mean),
            num(i.effect.low),
            num(i.effect.high),
            num(i.icer),
            lo,
            hi,
            kind,
            fw,
            fa,
            fi,
            num(r.village.mean),
            num(r.village.low),
            num(r.village.high),
            d.outcome,
            d.outcome_better.name(),
            num(r.outcome.mean),
            num(r.outcome.low),
            num(r.outcome.high),
            r.rank_outcome,
            i.effect.n,
            e.cost_unit_words(),
            format!(
                "{EFFECT_KEY}: worker-years served in centre and village posts, {}",
                e.discount_words()
            ),
            d.icer_method(),
        ]);
    }
    out.finish()
}

/// `acceptability.csv` (over parameter sets): one row per option × willingness to pay, the
/// share of replications in which the option is worth its cost against the reference.
pub fn acceptability_csv(scenarios: &[Scenario], d: &Decision, curves: &Curves) -> String {
    let mut out = Table::new(
        "scenario,reference,willingness_to_pay,share_cost_effective,replications,willingness_to_pay_unit,method"
            .split(','),
    );
    let unit = format!(
        "yuan per extra worker-year served ({}; {})",
        scenarios[0].economics.cost_unit_words(),
        scenarios[0].economics.discount_words()
    );
    for (r, share) in d.rows.iter().zip(&curves.share) {
        for (&l, &p) in curves.willingness_to_pay.iter().zip(share) {
            out.row(cells![
                scenarios[r.scenario].name,
                scenarios[0].name,
                num(l),
                num(p),
                r.incremental.effect.n,
                unit,
                ACCEPTABILITY_CURVE_WORDS,
            ]);
        }
    }
    out.finish()
}

/// What an acceptability curve is, for its file and chart.
const ACCEPTABILITY_CURVE_WORDS: &str = "share of replications (each with its own parameter set, paired with the reference's) whose net monetary benefit willingness_to_pay × Δworker-years − Δcost is positive";

/// The acceptability curves as a chart: the probability each option is worth its cost, against
/// what an extra worker-year is worth to the payer.
pub fn acceptability_plot(
    scenarios: &[Scenario],
    d: &Decision,
    curves: &Curves,
) -> super::plot::LinePlot {
    let e = &scenarios[0].economics;
    super::plot::LinePlot {
        title: format!("Which option is worth its cost, against {}", scenarios[0].name),
        x_label: format!(
            "What an extra worker-year is worth (yuan of {} prices, discounted)",
            e.base_year
        ),
        y_label: "Share of parameter sets in which it is worth it".into(),
        band_method: "No band: each curve is itself the uncertainty, the share of replications (one parameter set each) in which the option is worth its extra spending.".into(),
        series: d
            .rows
            .iter()
            .zip(&curves.share)
            .map(|(r, share)| super::plot::CurveSeries {
                label: scenarios[r.scenario].name.clone(),
                points: curves
                    .willingness_to_pay
                    .iter()
                    .zip(share)
                    .map(|(&x, &y)| (x, y, f64::NAN, f64::NAN))
                    .collect(),
            })
            .collect(),
        percent: true,
    }
}

/// The decision table for the terminal; `names` as they may be printed (the caller escapes
/// control characters).
pub fn decision_text(names: &[String], e: &crate::economics::Economics, d: &Decision) -> String {
    use crate::compare::human;
    use crate::headline::Unit;
    use std::fmt::Write as _;
    let mut t = String::new();
    let _ = writeln!(
        t,
        "\nvalue for money against `{}` (costs in {}; worker-years served, {}):",
        names[0],
        e.cost_unit_words(),
        e.discount_words()
    );
    let _ = writeln!(
        t,
        "{:>4}  {:<24} {:>22} {:>22} {:>30}  reading",
        "rank", "scenario", "Δ cost", "Δ worker-years", "Δ cost per extra worker-year"
    );
    let mut rows: Vec<_> = d.rows.iter().collect();
    rows.sort_by_key(|r| r.rank_cost_effectiveness);
    let span = |m: &crate::stats::interval::MeanCi, u: Unit| {
        format!(
            "{} ({}–{})",
            human(m.mean, u),
            human(m.low, u),
            human(m.high, u)
        )
    };
    for r in rows {
        let i = &r.incremental;
        let icer = match i.interval {
            RatioInterval::Bounded { low, high } if i.icer.is_finite() => format!(
                "{} ({} to {})",
                human(i.icer, Unit::Yuan),
                human(low, Unit::Yuan),
                human(high, Unit::Yuan)
            ),
            RatioInterval::Bounded { .. } | RatioInterval::Undefined => "–".into(),
            RatioInterval::Unbounded => "no finite interval".into(),
        };
        let _ = writeln!(
            t,
            "{:>4}  {:<24} {:>22} {:>22} {:>30}  {}",
            r.rank_cost_effectiveness,
            names[r.scenario].chars().take(24).collect::<String>(),
            span(&i.cost, Unit::Yuan),
            span(&i.effect, Unit::Years),
            icer,
            i.quadrant.words()
        );
    }
    let _ = writeln!(
        t,
        "intervals: {}; Δ cost per extra worker-year: {}",
        d.interval_words(),
        if d.over_parameters {
            "the central 95% of the acceptability curve"
        } else {
            "Fieller's interval"
        }
    );
    if d.outcome != EFFECT_KEY {
        let _ = writeln!(
            t,
            "\nranked on `{}` ({}):",
            d.outcome,
            d.outcome_better.words()
        );
        let mut rows: Vec<_> = d.rows.iter().collect();
        rows.sort_by_key(|r| r.rank_outcome);
        for r in rows {
            let unit = if d.outcome.starts_with("cost") {
                Unit::Yuan
            } else if d.outcome.contains("years") {
                Unit::Years
            } else {
                Unit::Share
            };
            let _ = writeln!(
                t,
                "{:>4}  {:<24} {:>12} ({} to {})",
                r.rank_outcome,
                names[r.scenario].chars().take(24).collect::<String>(),
                crate::compare::human_diff(r.outcome.mean, unit),
                crate::compare::human_diff(r.outcome.low, unit),
                crate::compare::human_diff(r.outcome.high, unit),
            );
        }
    }
    t
}

/// The cost-effectiveness plane of a comparison (`cost-effectiveness.svg`/`.png`, and in the
/// report).
pub fn plane(scenarios: &[Scenario], d: &Decision) -> super::plot::Plane {
    let e = &scenarios[0].economics;
    super::plot::Plane {
        title: format!("Cost-effectiveness against {}", scenarios[0].name),
        reference: format!("{} (reference)", scenarios[0].name),
        x_label: format!("Extra worker-years served ({})", e.discount_words()),
        y_label: format!("Extra public spending (yuan of {} prices)", e.base_year),
        points: d
            .rows
            .iter()
            .map(|r| {
                let (c, f) = (&r.incremental.cost, &r.incremental.effect);
                super::plot::PlanePoint {
                    label: scenarios[r.scenario].name.clone(),
                    effect: (f.low, f.mean, f.high),
                    cost: (c.low, c.mean, c.high),
                }
            })
            .collect(),
        note: format!(
            "Bars: {}. Below-right of the origin: more service for less money.",
            d.interval_words()
        ),
    }
}
