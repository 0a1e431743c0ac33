//! Headline metrics: the few numbers an analyst compares between scenarios and along a sweep,
//! each with its value in every replication so that intervals (and paired differences under
//! common random numbers) can be computed across replications.
//!
//! The list of metrics depends only on the scenario's structure (pathways, simulated years),
//! never on the results, so that every point of a sweep has the same columns.

use crate::scenario::Scenario;
use crate::stats::breakdown::{COUNTY_STATS, REMOTENESS};
use crate::stats::survival::{self, life_table};
use crate::stats::{RepMetrics, RunResult};

/// Years since entering service at which retention is reported.
pub const KEY_YEARS: [usize; 6] = [1, 3, 5, 7, 10, 15];

/// Years at which the retention of order-oriented graduates by the remoteness of their
/// township is reported.
pub const PLACED_YEARS: [usize; 2] = [7, 10];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A share, 0..1 (printed as a percentage).
    Share,
    /// Yuan (which yuan — nominal, or real and discounted — the label says).
    Yuan,
    /// Worker-years (or village-years) of service.
    Years,
}

impl Unit {
    /// The unit's name in tables: `share`, `yuan`, `years`.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Share => "share",
            Unit::Yuan => "yuan",
            Unit::Years => "years",
        }
    }
}

/// One headline metric of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    /// Stable machine name, e.g. `retention.order_oriented.y7`.
    pub key: String,
    /// Plain words, e.g. "RTME graduates still serving 7 years after entry".
    pub label: String,
    pub unit: Unit,
    /// The value in each replication, in replication order (NaN where undefined).
    pub per_rep: Vec<f64>,
}

/// Which way a headline metric is better, for a decision-maker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

impl Better {
    /// "more is better" / "less is better".
    pub fn words(self) -> &'static str {
        match self {
            Better::Higher => "more is better",
            Better::Lower => "less is better",
        }
    }

    /// snake_case for tables.
    pub fn name(self) -> &'static str {
        match self {
            Better::Higher => "higher",
            Better::Lower => "lower",
        }
    }
}

/// Which way the metric `key` is better: retention, service and filled posts up; vacancies,
/// exits, uncovered villages and spending down.
pub fn better(key: &str) -> Better {
    // A window's metric (`from_2025.vacancy.mean`) is better the way the metric is.
    let key = match key.strip_prefix("from_") {
        Some(rest) => rest.split_once('.').map_or(key, |(_, metric)| metric),
        None => key,
    };
    let lower = key.starts_with("vacancy.")
        || key == "outflow"
        || key.starts_with("villages_without_doctor")
        || key.starts_with("cost");
    if lower { Better::Lower } else { Better::Higher }
}

/// "1 year", "7 years".
fn years_words(k: usize) -> String {
    if k == 1 {
        "1 year".into()
    } else {
        format!("{k} years")
    }
}

/// The metric keys and labels of a scenario, in report order.
pub fn keys(s: &Scenario) -> Vec<(String, String, Unit)> {
    let mut out = Vec::new();
    for p in &s.pathways {
        for y in KEY_YEARS {
            if y <= s.simulation.years as usize {
                out.push((
                    format!("retention.{}.y{y}", p.name),
                    format!(
                        "{} still serving {} after entry",
                        s.pathway_words(&p.name),
                        years_words(y)
                    ),
                    Unit::Share,
                ));
            }
        }
    }
    // Where order-oriented graduates were placed: retention in remote and other townships, so
    // that a reform acting through placement shows as such.
    for p in &s.pathways {
        if p.kind != crate::population::PathwayKind::OrderOriented {
            continue;
        }
        for (class, words) in [("remote", "a remote"), ("not_remote", "a non-remote")] {
            for y in PLACED_YEARS {
                if y <= s.simulation.years as usize {
                    out.push((
                        format!("retention_placed.{}.{class}.y{y}", p.name),
                        format!(
                            "{} placed in {words} township still serving {} after entry (of those placed)",
                            s.pathway_words(&p.name),
                            years_words(y)
                        ),
                        Unit::Share,
                    ));
                }
            }
        }
    }
    let last = s.simulation.start_year + s.simulation.years as i32 - 1;
    out.extend([
        (
            "vacancy.mean".into(),
            "vacant share of centre posts, average over the run".into(),
            Unit::Share,
        ),
        (
            "vacancy.last".into(),
            format!("vacant share of centre posts in {last}"),
            Unit::Share,
        ),
        (
            "outflow".into(),
            "centre staff leaving per head per year".into(),
            Unit::Share,
        ),
        (
            "village_posts_filled.last".into(),
            format!("share of village posts filled in {last}"),
            Unit::Share,
        ),
        (
            "villages_without_doctor.last".into(),
            format!("share of villages with nobody serving in {last}"),
            Unit::Share,
        ),
        (
            "vacancy.remote.mean".into(),
            "vacant share of centre posts in remote townships, average over the run".into(),
            Unit::Share,
        ),
        (
            "vacancy.not_remote.mean".into(),
            "vacant share of centre posts in non-remote townships, average over the run".into(),
            Unit::Share,
        ),
        (
            "vacancy.worst_county.mean".into(),
            "vacant share of centre posts in each year's worst-off county, average over the run"
                .into(),
            Unit::Share,
        ),
        (
            "villages_without_doctor.remote.last".into(),
            format!("share of villages of remote townships with nobody serving in {last}"),
            Unit::Share,
        ),
        (
            "villages_without_doctor.not_remote.last".into(),
            format!("share of villages of non-remote townships with nobody serving in {last}"),
            Unit::Share,
        ),
        (
            "worker_years".into(),
            "worker-years served in centre and village posts over the run".into(),
            Unit::Years,
        ),
        (
            "worker_years_discounted".into(),
            format!(
                "worker-years served in centre and village posts over the run, {}",
                s.economics.discount_words()
            ),
            Unit::Years,
        ),
        (
            "village_years_staffed".into(),
            "village-years with someone serving at the yearly census, over the run".into(),
            Unit::Years,
        ),
        (
            "village_years_staffed_discounted".into(),
            format!(
                "village-years with someone serving at the yearly census, over the run, {}",
                s.economics.discount_words()
            ),
            Unit::Years,
        ),
        (
            "cost_total".into(),
            format!(
                "public spending over the run, {}",
                s.economics.cost_unit_words()
            ),
            Unit::Yuan,
        ),
        (
            "cost_total_nominal".into(),
            "public spending over the run, nominal yuan, undiscounted".into(),
            Unit::Yuan,
        ),
        (
            "cost_per_worker_year".into(),
            format!(
                "public spending per worker-year served, {} (worker-years discounted alike)",
                s.economics.cost_unit_words()
            ),
            Unit::Yuan,
        ),
    ]);
    out
}

/// Every headline metric of a run.
pub fn headlines(s: &Scenario, r: &RunResult) -> Vec<Headline> {
    let row = s.simulation.years as usize + 1;
    // A retention value exists where the pooled curve still followed someone: someone at risk
    // after the year or an exit in it, the rule the plots and benchmarks use (a year in which the
    // last workers leave has retention 0, not none).
    let observed: Vec<Vec<bool>> = (0..s.pathways.len())
        .map(|p| {
            life_table(&r.pooled, p)
                .iter()
                .map(|lr| lr.observed())
                .collect()
        })
        .collect();
    // The same for the placed-by-remoteness tables (pathway × not remote, remote), once.
    let placed_observed: Vec<Vec<bool>> = (0..s.pathways.len())
        .flat_map(|p| [false, true].map(|remote| (p, remote)))
        .map(|(p, remote)| {
            survival::placed_life_table(&r.pooled, p, remote)
                .iter()
                .map(|lr| lr.at_risk_start > 0 && lr.observed())
                .collect()
        })
        .collect();
    let last = s.simulation.years as usize - 1;
    keys(s)
        .into_iter()
        .map(|(key, label, unit)| {
            let per_rep = r
                .reps
                .iter()
                .map(|m| {
                    let b = &m.breakdown;
                    if let Some(rest) = key.strip_prefix("retention_placed.") {
                        // From the right: a pathway's name may hold a dot.
                        let (rest, year) = rest.rsplit_once(".y").expect("placed year");
                        let (name, class) = rest.rsplit_once('.').expect("placed key");
                        let y: usize = year.parse().expect("placed year");
                        let p = s.pathway_id(name).expect("pathway of key").0 as usize;
                        let remote = class == "remote";
                        if placed_observed[p * 2 + usize::from(remote)]
                            .get(y)
                            .copied()
                            .unwrap_or(false)
                        {
                            m.placed_survival[(p * 2 + usize::from(remote)) * row + y]
                        } else {
                            f64::NAN
                        }
                    } else if let Some(rest) = key.strip_prefix("retention.") {
                        let (name, year) = rest.rsplit_once(".y").expect("retention key");
                        let y: usize = year.parse().expect("retention year");
                        let p = s.pathway_id(name).expect("pathway of key").0 as usize;
                        if observed[p].get(y).copied().unwrap_or(false) {
                            m.survival[p * row + y]
                        } else {
                            f64::NAN
                        }
                    } else {
                        match key.as_str() {
                            "vacancy.mean" => mean(&m.vacancy),
                            "vacancy.last" => m.vacancy[last],
                            "vacancy.remote.mean" => mean_every(&b.vacancy_by_remoteness, 2, 1),
                            "vacancy.not_remote.mean" => mean_every(&b.vacancy_by_remoteness, 2, 0),
                            "vacancy.worst_county.mean" => mean_every(
                                &b.county_vacancy,
                                COUNTY_STATS.len(),
                                COUNTY_STATS.len() - 1,
                            ),
                            "villages_without_doctor.remote.last" => {
                                b.uncovered_by_remoteness[last * 2 + 1]
                            }
                            "villages_without_doctor.not_remote.last" => {
                                b.uncovered_by_remoteness[last * 2]
                            }
                            "outflow" => m.outflow,
                            "village_posts_filled.last" => m.village_fill[last],
                            "villages_without_doctor.last" => m.uncovered[last],
                            "worker_years" => m.worker_years,
                            "worker_years_discounted" => m.worker_years_discounted,
                            "village_years_staffed" => m.village_years_staffed,
                            "village_years_staffed_discounted" => {
                                m.village_years_staffed_discounted
                            }
                            "cost_total" => m.cost,
                            "cost_total_nominal" => m.cost_nominal,
                            "cost_per_worker_year" => {
                                if m.worker_years_discounted > 0.0 {
                                    m.cost / m.worker_years_discounted
                                } else {
                                    f64::NAN
                                }
                            }
                            _ => f64::NAN,
                        }
                    }
                })
                .collect();
            Headline {
                key,
                label,
                unit,
                per_rep,
            }
        })
        .collect()
}

/// The mean of every `stride`-th value of `xs` from `offset` (one column of a year × class
/// table), over the finite ones.
fn mean_every(xs: &[f64], stride: usize, offset: usize) -> f64 {
    let column: Vec<f64> = xs.iter().skip(offset).step_by(stride).copied().collect();
    mean(&column)
}

/// The headline metrics of a run restricted to what a policy starting in simulated year `y0`
/// can touch: the years from `y0` on, and the entry cohorts of `y0` and later. Keys are the
/// whole-run metric's prefixed by `from_YEAR.` (`from_2015.vacancy.mean`); `compare` adds them
/// for every year in which a compared scenario's policy first departs from the reference's, to
/// every run, so that the pairing over replications holds. Under common random numbers the
/// years before `y0` are identical in both, so differences of the sums (worker-years, cost) equal
/// the whole run's, while the averages and the cohort retention are no longer diluted by years
/// and cohorts the policy never reached.
pub fn from_year(s: &Scenario, r: &RunResult, y0: usize) -> Vec<Headline> {
    let years = s.simulation.years as usize;
    let y0 = y0.min(years - 1);
    let first = s.simulation.start_year + y0 as i32;
    let last = s.simulation.start_year + years as i32 - 1;
    let span = format!("{first}–{last}");
    let prefix = format!("from_{first}");
    let mut out = Vec::new();
    let mut push = |key: String, label: String, unit: Unit, f: &dyn Fn(&RepMetrics) -> f64| {
        out.push(Headline {
            key: format!("{prefix}.{key}"),
            label,
            unit,
            per_rep: r.reps.iter().map(f).collect(),
        });
    };
    let window =
        |xs: &[f64], stride: usize, offset: usize| mean_every(&xs[y0 * stride..], stride, offset);
    for (p, pw) in s.pathways.iter().enumerate() {
        // Incumbents are the stock at the start: they have no entry cohort.
        if pw.kind == crate::population::PathwayKind::Incumbent {
            continue;
        }
        for k in KEY_YEARS {
            if y0 + k <= years {
                push(
                    format!("retention.{}.y{k}", pw.name),
                    format!(
                        "{} entering {first} or later still serving {} after entry (cohorts followed that long)",
                        s.pathway_words(&pw.name),
                        years_words(k)
                    ),
                    Unit::Share,
                    &|m| m.breakdown.cohorts_retention(p, y0, k),
                );
            }
        }
    }
    push(
        "vacancy.mean".into(),
        format!("vacant share of centre posts, average over {span}"),
        Unit::Share,
        &|m| window(&m.vacancy, 1, 0),
    );
    for (class, words) in [(1, "remote"), (0, "non-remote")] {
        push(
            format!("vacancy.{}.mean", REMOTENESS[class]),
            format!("vacant share of centre posts in {words} townships, average over {span}"),
            Unit::Share,
            &|m| window(&m.breakdown.vacancy_by_remoteness, 2, class),
        );
    }
    push(
        "vacancy.worst_county.mean".into(),
        format!(
            "vacant share of centre posts in each year's worst-off county, average over {span}"
        ),
        Unit::Share,
        &|m| {
            let n = COUNTY_STATS.len();
            window(&m.breakdown.county_vacancy, n, n - 1)
        },
    );
    push(
        "villages_without_doctor.mean".into(),
        format!("share of villages with nobody serving, average over {span}"),
        Unit::Share,
        &|m| window(&m.uncovered, 1, 0),
    );
    let discount = s.economics.discount_words();
    push(
        "worker_years_discounted".into(),
        format!("worker-years served in centre and village posts over {span}, {discount}"),
        Unit::Years,
        &|m| m.breakdown.worker_years_by_year[y0..].iter().sum(),
    );
    push(
        "village_years_staffed_discounted".into(),
        format!("village-years with someone serving at the yearly census over {span}, {discount}"),
        Unit::Years,
        &|m| m.breakdown.village_years_by_year[y0..].iter().sum(),
    );
    push(
        "cost_total".into(),
        format!(
            "public spending over {span}, {}",
            s.economics.cost_unit_words()
        ),
        Unit::Yuan,
        &|m| m.breakdown.cost_by_year[y0..].iter().sum(),
    );
    out
}

fn mean(xs: &[f64]) -> f64 {
    let v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        f64::NAN
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

/// The prefix of a benchmark's simulated value among the outputs of a sweep or a sensitivity
/// analysis: `benchmark.rtme_post_contract_retention`.
pub const BENCHMARK_PREFIX: &str = "benchmark.";

/// The benchmarks of `s` whose simulated value is a share and needs no counterfactual, as
/// outputs (key, label, unit) beside the headlines: a sweep's results and a sensitivity
/// analysis can then follow a figure measured exactly as a published study measured it (the
/// post-contract retention of the 2015–16 RTME cohorts, say), not only the headline curves.
pub fn benchmark_outputs(s: &Scenario) -> Vec<(String, String, Unit)> {
    use crate::benchmark::Metric;
    s.benchmarks
        .iter()
        .filter(|b| b.counterfactual.is_none())
        .filter(|b| {
            !matches!(
                b.metric,
                Metric::AgeMean { .. } | Metric::MeanStay { .. } | Metric::HeadcountRatio { .. }
            )
        })
        .map(|b| {
            (
                format!("{BENCHMARK_PREFIX}{}", b.name),
                format!(
                    "benchmark {} as simulated, measured as its source measured it",
                    b.name
                ),
                Unit::Share,
            )
        })
        .collect()
}

/// Per replication, the simulated value of the benchmark output `key` (see
/// [`benchmark_outputs`]); `None` when `key` is not one.
pub fn benchmark_per_rep(s: &Scenario, r: &RunResult, key: &str) -> Option<Vec<f64>> {
    let name = key.strip_prefix(BENCHMARK_PREFIX)?;
    let i = s.benchmarks.iter().position(|b| b.name == name)?;
    Some(r.reps.iter().map(|m| m.benchmarks[i]).collect())
}
