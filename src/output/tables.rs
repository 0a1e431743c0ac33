//! The CSV tables of a run. Numbers are written with fixed precision so that files compare
//! byte for byte between runs.

use super::csv::{Table, cells, num6 as num};
use crate::engine::tally::{AGE_BINS, Phase, REASONS};
use crate::population::{Destination, PathwayKind, Title};
use crate::scenario::Scenario;
use crate::stats::Curve;
use crate::stats::RunResult;
use crate::stats::interval::mean_ci;

fn f(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.6}")
    } else {
        String::new()
    }
}

/// `pathway,year,replications,at_risk_pooled,events_pooled,censored_pooled,km_pooled,
/// retention_mean,retention_mean_ci_low,retention_mean_ci_high`: one row per pathway and whole
/// year since entering service, the life-table interval (`year − 1`, `year`]. The counts are
/// those of every replication pooled (unlike the per-replication averages of the other tables,
/// so that they stay whole numbers of workers): `at_risk_pooled` at the interval's start,
/// `events_pooled` and `censored_pooled` in it. `km_pooled` is the product-limit estimate of
/// those pooled counts at `year` (over 1/52-year bins, so not exactly the product of the yearly
/// rows); `retention_mean` the mean of the replications' product-limit curves, the curve plotted,
/// with its 95% interval (see `stats::band_method`). The retention cells are empty past the end
/// of follow-up (`CurveRow::observed`); year 0 is the entrants, retention 1.
pub fn retention_csv(curves: &[Curve]) -> String {
    let mut out = Table::new([
        "pathway",
        "year",
        "replications",
        "at_risk_pooled",
        "events_pooled",
        "censored_pooled",
        "km_pooled",
        "retention_mean",
        "retention_mean_ci_low",
        "retention_mean_ci_high",
    ]);
    for c in curves {
        for r in &c.rows {
            let v = |x: f64| if r.observed() { f(x) } else { String::new() };
            out.row(cells![
                c.pathway,
                r.year,
                c.replications,
                r.at_risk_start,
                r.events,
                r.censored,
                v(r.km_pooled),
                v(r.retention),
                v(r.ci_low),
                v(r.ci_high)
            ]);
        }
    }
    out.finish()
}

/// Staffing of township health centres per calendar year, per replication on average.
pub fn staffing_csv(s: &Scenario, r: &RunResult) -> String {
    let reps = r.reps.len().max(1) as f64;
    let mut out = Table::new(
        "year,posts,filled,vacancy_share,vacancy_ci_low,vacancy_ci_high,advertised,hired,cancelled_below_ratio,order_oriented_placed,leavers,outflow_rate,blocked_promotion"
            .split(','),
    );
    let d1 = |x: f64| format!("{x:.1}");
    for (y, st) in r.pooled.staffing.iter().enumerate() {
        let v = mean_ci(r.reps.iter().map(|m| m.vacancy[y]));
        let outflow = if st.filled > 0 {
            st.leavers as f64 / st.filled as f64
        } else {
            f64::NAN
        };
        out.row(cells![
            s.simulation.start_year + y as i32,
            d1(st.posts as f64 / reps),
            d1(st.filled as f64 / reps),
            f(v.mean),
            f(v.low),
            f(v.high),
            d1(st.advertised as f64 / reps),
            d1(st.hired as f64 / reps),
            d1(st.cancelled as f64 / reps),
            d1(st.placed as f64 / reps),
            d1(st.leavers as f64 / reps),
            f(outflow),
            d1(st.blocked as f64 / reps),
        ]);
    }
    out.finish()
}

/// Departures by pathway, contract phase and destination (retirement as its own reason).
pub fn exits_csv(s: &Scenario, r: &RunResult) -> String {
    let t = &r.pooled;
    let reps = r.reps.len().max(1) as f64;
    let mut out = Table::new([
        "pathway",
        "phase",
        "reason",
        "departures_per_replication",
        "share_of_phase_leavers",
    ]);
    for (p, pw) in s.pathways.iter().enumerate() {
        for (ph, phase) in Phase::NAMES.iter().enumerate() {
            let phase_e = [
                Phase::UnderContract,
                Phase::AfterContract,
                Phase::NoContract,
            ][ph];
            let leavers: u64 = (0..REASONS - 1)
                .map(|k| t.exits[t.exit_index(p, phase_e, k)])
                .sum();
            let retired = t.exits[t.exit_index(p, phase_e, REASONS - 1)];
            if leavers + retired == 0 {
                continue;
            }
            for k in 0..REASONS {
                let n = t.exits[t.exit_index(p, phase_e, k)];
                let (reason, share) = if k < REASONS - 1 {
                    (
                        Destination::ALL[k].name(),
                        if leavers > 0 {
                            f(n as f64 / leavers as f64)
                        } else {
                            String::new()
                        },
                    )
                } else {
                    ("retired", String::new())
                };
                out.row(cells![
                    pw.name,
                    phase,
                    reason,
                    format!("{:.2}", n as f64 / reps),
                    share
                ]);
            }
        }
    }
    out.finish()
}

/// Title mix of township-centre staff per calendar year.
pub fn titles_csv(s: &Scenario, r: &RunResult) -> String {
    let t = &r.pooled;
    let reps = r.reps.len().max(1) as f64;
    let header = std::iter::once("year".to_string())
        .chain(Title::NAMES.iter().map(|n| format!("{n}_share")))
        .chain(Title::NAMES.iter().map(|n| format!("{n}_staff")));
    let mut out = Table::new(header);
    for y in 0..t.years {
        let c = &t.centre_titles[y * 4..y * 4 + 4];
        let total: u64 = c.iter().sum();
        let shares = c.iter().map(|n| {
            if total > 0 {
                f(*n as f64 / total as f64)
            } else {
                String::new()
            }
        });
        let staff = c.iter().map(|n| format!("{:.1}", *n as f64 / reps));
        out.row(
            std::iter::once((s.simulation.start_year + y as i32).to_string())
                .chain(shares)
                .chain(staff),
        );
    }
    out.finish()
}

/// Village clinics per calendar year: coverage (villages without anyone serving, with its
/// 95% Student-t interval across replications), posts, the staffing reserve, and the age
/// structure of the village doctors. Counts are per replication on average.
pub fn villages_csv(s: &Scenario, r: &RunResult) -> String {
    let t = &r.pooled;
    let reps = r.reps.len().max(1) as f64;
    let vd = s
        .pathway_of_kind(PathwayKind::VillageDoctor)
        .map(|p| p.0 as usize);
    let ap = s
        .pathway_of_kind(PathwayKind::LocalApprentice)
        .map(|p| p.0 as usize);
    let mut out = Table::new(
        "year,villages,without_doctor,without_doctor_share,without_doctor_ci_low,without_doctor_ci_high,village_posts,village_posts_filled,filled_from_reserve,reserve_posts,reserve_posts_filled,refilled_by_new_village_doctors,rehired_past_exit_age,village_doctors,village_doctor_mean_age,village_doctors_under_40_share,village_doctors_50_plus_share,village_doctors_60_plus_share,local_apprentices_serving"
            .split(','),
    );
    let d1 = |x: f64| format!("{x:.1}");
    let count = |p: Option<usize>, y: usize| -> (u64, &[u32]) {
        match p {
            Some(p) => {
                let i = t.age_index(p, y, 0.0);
                let row = &t.ages[i..i + AGE_BINS];
                (row.iter().map(|&c| c as u64).sum(), row)
            }
            None => (0, &[]),
        }
    };
    for (y, v) in t.villages.iter().enumerate() {
        let ci = mean_ci(r.reps.iter().map(|m| m.uncovered[y]));
        let (n_vd, ages) = count(vd, y);
        let (n_ap, _) = count(ap, y);
        let share_from = |lo: usize, hi: usize| -> String {
            if n_vd == 0 {
                return String::new();
            }
            let k: u64 = ages[lo.min(AGE_BINS)..hi.min(AGE_BINS)]
                .iter()
                .map(|&c| c as u64)
                .sum();
            f(k as f64 / n_vd as f64)
        };
        let mean_age = if n_vd > 0 {
            f(ages
                .iter()
                .enumerate()
                .map(|(a, &c)| (a as f64 + 0.5) * c as f64)
                .sum::<f64>()
                / n_vd as f64)
        } else {
            String::new()
        };
        out.row(cells![
            s.simulation.start_year + y as i32,
            d1(v.villages as f64 / reps),
            d1(v.uncovered as f64 / reps),
            f(ci.mean),
            f(ci.low),
            f(ci.high),
            d1(v.posts as f64 / reps),
            d1(v.filled as f64 / reps),
            d1(v.from_reserve as f64 / reps),
            d1(v.reserve_posts as f64 / reps),
            d1(v.reserve_filled as f64 / reps),
            d1(v.refilled as f64 / reps),
            d1(v.rehired as f64 / reps),
            d1(n_vd as f64 / reps),
            mean_age,
            share_from(0, 40),
            share_from(50, AGE_BINS),
            share_from(60, AGE_BINS),
            d1(n_ap as f64 / reps),
        ]);
    }
    out.finish()
}

/// Public spending per calendar year by item, in nominal yuan per replication; the total also
/// in real yuan of `economics.base_year` prices and in present value (deflated and discounted to
/// that year), with the worker-years served in posts, plain and discounted, and the real cost
/// per worker-year of the year. One row per year, every column numeric: the run's totals are in
/// `headline.csv`. Fees village doctors earn from patients are not public spending.
pub fn costs_csv(s: &Scenario, r: &RunResult) -> String {
    let reps = r.reps.len().max(1) as f64;
    let e = &s.economics;
    let mut out = Table::new(
        "year,salaries_yuan,performance_uplift_yuan,remote_allowances_yuan,residency_stipends_yuan,village_subsidies_yuan,village_income_floor_yuan,village_pensions_yuan,training_yuan,total_yuan,total_real_yuan,total_present_value_yuan,worker_years,worker_years_discounted,real_cost_per_worker_year_yuan"
            .split(','),
    );
    let d0 = |x: f64| format!("{x:.0}");
    for (y, c) in r.pooled.cost.iter().enumerate() {
        let year = s.simulation.start_year + y as i32;
        let total = c.total();
        let real = total * e.cost_weight(year) / e.effect_weight(year);
        out.row(cells![
            year,
            d0(c.pay / reps),
            d0(c.performance / reps),
            d0(c.allowances / reps),
            d0(c.stipends / reps),
            d0(c.village_subsidy / reps),
            d0(c.village_floor / reps),
            d0(c.pension / reps),
            d0(c.training / reps),
            d0(total / reps),
            d0(real / reps),
            d0(total * e.cost_weight(year) / reps),
            format!("{:.2}", c.serving_years / reps),
            format!("{:.2}", c.serving_years * e.effect_weight(year) / reps),
            if c.serving_years > 0.0 {
                format!("{:.0}", real / c.serving_years)
            } else {
                String::new()
            },
        ]);
    }
    out.finish()
}

/// `headline.csv`: every headline metric of the run, one row each, with its mean over
/// replications and 95% Student-t interval (Monte Carlo precision only; over parameter sets,
/// the central 95% of the replications' values, `stats::interval::spread`) — the figures the
/// terminal, `summary.json`, the report and a comparison show, under the same names.
pub fn headline_csv(s: &Scenario, r: &RunResult) -> String {
    let mut out = Table::new("metric,unit,value,ci_low,ci_high,replications,label".split(','));
    for h in crate::headline::headlines(s, r) {
        // Over parameter sets, the central 95% of the replications; else the t-interval.
        let m = match r.parameters {
            Some(_) => crate::stats::interval::spread(h.per_rep.iter().copied()),
            None => crate::stats::interval::mean_ci(h.per_rep.iter().copied()),
        };
        out.row(cells![
            h.key,
            h.unit.name(),
            num(m.mean),
            num(m.low),
            num(m.high),
            m.n,
            h.label,
        ]);
    }
    out.finish()
}

/// `validation.csv`: every benchmark against the simulation, with the interval method.
pub fn validation_csv(r: &RunResult) -> String {
    let mut out = Table::new(
        "benchmark,role,metric,bound,unit,target,target_low,target_high,uncertainty,simulated,mc_ci_low,mc_ci_high,difference,replications_defined,verdict,why_not_judged,verdict_method,source"
            .split(','),
    );
    // Grouped by role, in the order the terminal table and the report show them.
    for role in crate::benchmark::Role::ALL {
        for b in r.benchmarks.iter().filter(|b| b.benchmark.role == role) {
            out.row(cells![
                b.benchmark.name,
                role.name(),
                b.benchmark.metric.name(),
                b.benchmark.bound.name(),
                b.benchmark.unit(),
                num(b.benchmark.value),
                num(b.target_low),
                num(b.target_high),
                b.benchmark.uncertainty_words(),
                num(b.simulated.mean),
                num(b.simulated.low),
                num(b.simulated.high),
                num(b.difference),
                b.simulated.n,
                b.verdict.word(),
                b.verdict.reason(),
                b.method,
                b.benchmark.source,
            ]);
        }
    }
    out.finish()
}
