//! The two ways of integrating the exit hazard over a year, pinned to each other and to a
//! brute-force integration, over random workers placed on every within-year boundary.
//!
//! `advance_year` sends a worker down the fast path when `YearBounds::one_form` says its hazard
//! keeps one form all year, and down the exact segment walk otherwise. These tests take real
//! workers of every kind from a simulated county, move their dates so that a boundary falls
//! inside the year (contract end, end of the contract-end window, retirement, the age cap, the
//! 60th birthday of a village doctor, a year of village service), and check that
//!
//! - wherever the gate lets a worker through, the fast path gives the walk's exit time and
//!   cumulative hazard;
//! - for every kind of boundary, forcing the fast path on workers the gate turns away gives a
//!   different answer, so the gate's list is needed and a boundary missing from it would fail
//!   the first check;
//! - the walk's exit time is where a brute-force integral of the hazard (held at the start of
//!   each step and of each piece between split points, as the model defines it) reaches the
//!   worker's threshold.

use super::hazard::{OLD_AGE, YearBounds, split_points};
use super::workers::{Status, Worker};
use super::{County, PIPELINE, STAFF, VILLAGE_PAID};
use crate::engine::rng;
use crate::scenario::Scenario;
use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;
use std::path::Path;

/// Where a case puts a boundary relative to the year `[t0, t0 + 1)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Boundary {
    None,
    ContractEnd,
    WindowEnd,
    Retirement,
    AgeCap,
    SixtiethBirthday,
    ServiceYear,
}

const BOUNDARIES: [Boundary; 7] = [
    Boundary::None,
    Boundary::ContractEnd,
    Boundary::WindowEnd,
    Boundary::Retirement,
    Boundary::AgeCap,
    Boundary::SixtiethBirthday,
    Boundary::ServiceYear,
];

/// What one path says about one worker-year: the exit (time, retired) and what is left of the
/// threshold.
type Outcome = (Option<(f64, bool)>, f64);

/// The golden scenario (every lever on, a village pension that grows with service), with
/// `overrides`.
fn scenario(overrides: &[&str]) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/scenario.toml");
    let overrides: Vec<String> = overrides.iter().map(|o| o.to_string()).collect();
    Scenario::load(&path, &overrides).expect("the golden scenario loads")
}

/// A county simulated through years `0..y`, with year `y`'s tables set.
fn county_at(s: &Scenario, y: u32) -> County<'_> {
    let mut c = County::new(s, 0, 0);
    c.run_years(0..y);
    c.pol = s.policy_at(y);
    c.set_year_tables(y);
    c
}

/// A point of the year: anywhere, on a step boundary, or a hair either side of one.
fn point_in_year(r: &mut Xoshiro256PlusPlus, t0: f64, dt: f64) -> f64 {
    let steps = (1.0 / dt).round() as u32;
    let k = (r.random::<f64>() * steps as f64) as u32;
    let on_step = t0 + k as f64 * dt;
    match r.random_range(0..4u32) {
        0 => t0 + r.random::<f64>(),
        1 => on_step,
        2 => on_step + 1e-6,
        _ => on_step - 1e-6,
    }
}

/// `w` with its dates moved so that `boundary` falls inside the year starting at `t0`.
fn place(
    c: &County,
    w: &Worker,
    boundary: Boundary,
    t0: f64,
    r: &mut Xoshiro256PlusPlus,
) -> Worker {
    let b = &c.s.behaviour;
    let mut w = *w;
    let at = point_in_year(r, t0, c.dt);
    // A threshold anywhere from certain exit to none this year, so that both the crossing
    // search and the no-exit shortcut are exercised.
    w.remaining = match r.random_range(0..3u32) {
        0 => r.random::<f64>() * 0.05,
        1 => r.random::<f64>() * 0.5,
        _ => w.remaining,
    };
    match boundary {
        Boundary::None => {}
        Boundary::ContractEnd => w.contract_end = at as f32,
        Boundary::WindowEnd => w.contract_end = (at - b.contract_end_window_years) as f32,
        Boundary::Retirement => {
            // Also retirement due at, or before, the start of the year.
            w.retire_at = match r.random_range(0..4u32) {
                0 => t0 as f32,
                1 => (t0 - r.random::<f64>()) as f32,
                _ => at as f32,
            }
        }
        Boundary::AgeCap => w.birth = (at - b.age_effect_cap) as f32,
        Boundary::SixtiethBirthday => w.birth = (at - OLD_AGE) as f32,
        Boundary::ServiceYear => w.rank_since = (at - r.random_range(0..30u32) as f64) as f32,
    }
    w
}

/// Whether two outcomes agree: the same kind of exit at the same time (to 1e-9 years) and the
/// same cumulative hazard (to 1e-9 relative), or a crossing on the year's last instant that
/// rounding puts on either side of the year's end.
fn agree(a: Outcome, b: Outcome, t1: f64) -> bool {
    let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0);
    match (a.0, b.0) {
        (None, None) => close(a.1, b.1),
        (Some((ta, ra)), Some((tb, rb))) => ra == rb && (ta - tb).abs() <= 1e-9,
        (Some((t, false)), None) | (None, Some((t, false))) => (t1 - t).abs() <= 1e-9,
        _ => false,
    }
}

/// Counts per boundary kind: cases the gate let through (and the paths agreed on), cases it
/// turned away, and of those the cases where the forced fast path disagreed with the walk.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    through: u32,
    turned_away: u32,
    forced_differs: u32,
}

/// Run the cases for the workers `ws` of vector `KIND` at year `y`, adding to `tally`.
fn check_kind<const KIND: u8>(
    c: &County,
    ws: &[Worker],
    y: u32,
    r: &mut Xoshiro256PlusPlus,
    tally: &mut [Tally; 7],
) {
    let t0 = y as f64;
    let ages = c.year_ages(y);
    let bounds = YearBounds::new(c, y);
    for w in ws.iter().step_by(ws.len() / 400 + 1) {
        for (i, &boundary) in BOUNDARIES.iter().enumerate() {
            let w = place(c, w, boundary, t0, r);
            let mut fast_w = w;
            let fast = c.fast_year::<KIND>(&mut fast_w, &ages);
            if bounds.one_form::<KIND>(&w) {
                // The fast path moved the worker into this year's age regime (`pref` carries
                // its normalisation, rounded to f32): walk that same worker.
                let exact = c.walk_year(&fast_w, y);
                assert!(
                    agree(fast, exact, t0 + 1.0),
                    "{boundary:?}, year {y}: fast {fast:?} vs walk {exact:?} for {w:?}"
                );
                tally[i].through += 1;
            } else {
                tally[i].turned_away += 1;
                if !agree(fast, c.walk_year(&fast_w, y), t0 + 1.0) {
                    tally[i].forced_differs += 1;
                }
            }
            brute_force(c, &w, y);
        }
    }
}

/// Check `walk_year` for worker `w` in year `y` against the cumulative hazard added up on a
/// fine grid of the year. The model's hazard is held from the start of each step, and of each
/// piece of a step cut at a split point (contract end, end of the window, retirement), until
/// the next such start; each grid cell is cut where one of those falls inside it, so the sum
/// is exact up to rounding and the exit is where it reaches the worker's threshold.
fn brute_force(c: &County, w: &Worker, y: u32) {
    let (outcome, remaining) = c.walk_year(w, y);
    let t0 = y as f64;
    let steps = c.s.simulation.steps_per_year;
    let step_start = |k: u32| t0 + k as f64 * c.dt;
    let splits = split_points(w, c.s.behaviour.contract_end_window_years);
    let retire = splits[2];
    // Where the hazard in force at `x` was evaluated: the last step start or split point at or
    // before `x` (a split point on a step start changes nothing).
    let held_from = |x: f64| {
        let mut k = (((x - t0) / c.dt).floor().max(0.0) as u32).min(steps - 1);
        while k + 1 < steps && step_start(k + 1) <= x {
            k += 1;
        }
        while k > 0 && step_start(k) > x {
            k -= 1;
        }
        let s = step_start(k);
        splits
            .iter()
            .copied()
            .filter(|&p| p > s && p <= x)
            .fold(s, f64::max)
    };
    const FINE: u32 = 1 << 12;
    let dx = 1.0 / FINE as f64;
    let mut cum = 0.0;
    let mut crossed_at = None;
    let mut retired_at = None;
    'cells: for j in 0..FINE {
        let (x0, x1) = (t0 + j as f64 * dx, t0 + (j + 1) as f64 * dx);
        let mut cuts: Vec<f64> = splits
            .iter()
            .copied()
            .chain((1..steps).map(step_start))
            .filter(|&p| p > x0 && p < x1)
            .collect();
        cuts.push(x1);
        cuts.sort_by(f64::total_cmp);
        let mut a = x0;
        for b in cuts {
            if a >= retire {
                retired_at = Some(a.max(t0));
                break 'cells;
            }
            let h = c.hazard(w, held_from(a));
            if h > 0.0 && cum + h * (b - a) >= w.remaining {
                crossed_at = Some(a + (w.remaining - cum) / h);
                break 'cells;
            }
            cum += h * (b - a);
            a = b;
        }
    }
    let what = format!("walk {:?} for {w:?}", (outcome, remaining));
    let close = |x: f64, y: f64| (x - y).abs() <= 1e-7;
    match outcome {
        Some((at, true)) => {
            assert!(
                retired_at.is_some_and(|r| close(r, at)),
                "{what}: {retired_at:?}"
            );
            assert!(crossed_at.is_none(), "{what}: crosses at {crossed_at:?}");
        }
        Some((at, false)) => {
            assert!(at >= t0 && at <= t0 + 1.0, "{what}: exit outside the year");
            assert!(
                crossed_at.is_some_and(|x| close(x, at)),
                "{what}: brute force crosses at {crossed_at:?}"
            );
        }
        None => {
            // A crossing at the year's very end may round to either side.
            assert!(
                crossed_at.is_none_or(|x| close(x, t0 + 1.0)),
                "{what}: {crossed_at:?}"
            );
            assert!(retired_at.is_none(), "{what}: retires at {retired_at:?}");
            let used = w.remaining - remaining;
            assert!(
                (cum - used).abs() <= 1e-9 * used.max(1e-3),
                "{what}: brute force {cum} vs walk {used}"
            );
        }
    }
}

/// The checks over every kind of worker of a county simulated to year `y` of `s`.
fn check_scenario(s: &Scenario, y: u32, seed: u64) -> [Tally; 7] {
    let c = county_at(s, y);
    let mut r = rng::stream(seed);
    let mut tally = [Tally::default(); 7];
    let (students, residents): (Vec<Worker>, Vec<Worker>) = c
        .pipeline
        .iter()
        .partition(|w| w.status == Status::Studying);
    assert!(
        !students.is_empty() && !residents.is_empty() && !c.village_paid.is_empty(),
        "students {}, residents {}, staff {}, village {}",
        students.len(),
        residents.len(),
        c.staff.len(),
        c.village_paid.len()
    );
    check_kind::<PIPELINE>(&c, &students, y, &mut r, &mut tally);
    check_kind::<PIPELINE>(&c, &residents, y, &mut r, &mut tally);
    check_kind::<STAFF>(&c, &c.staff, y, &mut r, &mut tally);
    check_kind::<VILLAGE_PAID>(&c, &c.village_paid, y, &mut r, &mut tally);
    tally
}

#[test]
fn fast_path_and_exact_walk_agree_for_every_worker_the_gate_lets_through() {
    let mut total = [Tally::default(); 7];
    // Steps per year from one to weekly; an age cap below 60 (the shipped one) and above it
    // (where a village doctor's age effect and old-age effect both change in one year).
    for (steps, cap) in [(4, 55), (1, 55), (12, 65), (52, 55)] {
        let s = scenario(&[
            &format!("simulation.steps_per_year={steps}"),
            &format!("behaviour.age_effect_cap={cap}"),
        ]);
        for (y, seed) in [(7, 1), (12, 2)] {
            let t = check_scenario(&s, y, seed);
            for (sum, t) in total.iter_mut().zip(t) {
                sum.through += t.through;
                sum.turned_away += t.turned_away;
                sum.forced_differs += t.forced_differs;
            }
        }
    }
    // The unmoved workers mostly keep one form of hazard all year: the fast path is tested.
    assert!(total[0].through > 1000, "{:?}", total[0]);
    for (b, t) in BOUNDARIES.iter().zip(total).skip(1) {
        match b {
            // A year of service ending inside the year is not on the gate's list (the fast
            // path steps the village pay gap itself), so such workers go through.
            Boundary::ServiceYear => assert!(t.through > 1000, "{b:?}: {t:?}"),
            // Each boundary on the gate's list is needed: ignoring it changes the answer.
            _ => assert!(t.forced_differs > 100, "{b:?}: {t:?}"),
        }
    }
}
