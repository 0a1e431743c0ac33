//! The year pass: one pass over each kind of worker per simulated year, taking the start-of-year
//! count, integrating the exit hazard, adding up spending for the time served, and removing
//! leavers. It is the engine's hot loop, specialised by kind of worker (a const generic) so
//! that no worker pays for a branch on what kind it is.

use super::hazard::{CAPPED, CAPPED_OLD, OLD_AGE, REGIME, YOUNG, YearBounds};
use super::workers::{NEW, Status, Worker};
use super::{County, PIPELINE, STAFF, VILLAGE_PAID};
use crate::engine::tally::Cost;

impl County<'_> {
    /// Advance every worker through year `y`: exits at the exact crossing time of the
    /// cumulative hazard, retirements at their date, spending for the time served.
    ///
    /// Most workers have no boundary inside a year (no contract end, end of the contract-end
    /// window, retirement, age cap or 60th birthday for village-paid workers): their hazard is
    /// a constant times a per-step age factor shared by everyone in the same age regime (see
    /// `Worker::pref`), so the whole year's cumulative hazard is that constant times a sum
    /// computed once per year, and only a worker whose threshold it reaches is walked step by
    /// step to find the crossing. The others take `walk_year`, which evaluates the hazard at
    /// every segment start. Both evaluate the same hazard at the same points, so the results do
    /// not depend on which path a worker takes (up to rounding in the last bits).
    pub(super) fn advance_year(&mut self, y: u32) {
        self.advance_kind::<PIPELINE>(y);
        self.advance_kind::<STAFF>(y);
        self.advance_kind::<VILLAGE_PAID>(y);
    }

    /// `advance_year` for the workers of one kind (see `County::pipeline`).
    pub(super) fn advance_kind<const KIND: u8>(&mut self, y: u32) {
        let mut ws = std::mem::take(self.kind_mut(KIND));
        let n = self.advance_workers::<KIND>(&mut ws, y);
        ws.truncate(n);
        *self.kind_mut(KIND) = ws;
    }

    /// `advance_kind` on the workers `ws`, in place: leavers are swap-removed, and the number
    /// of workers left is returned.
    pub(super) fn advance_workers<const KIND: u8>(&mut self, ws: &mut [Worker], y: u32) -> usize {
        let t0 = y as f64;
        let t1 = t0 + 1.0;
        let ages = self.year_ages(y);
        let bounds = YearBounds::new(self, y);
        let stipend = self.pol.salary.residency_stipend.get();
        let uplift = self.pol.salary.performance_uplift.get();
        // Sums kept in locals (registers) through the loop, added to the tally at the end.
        let mut cost = Cost::default();
        let mut worker_years = 0.0;
        let mut blocked = 0;
        let mut i = 0;
        let mut n = ws.len();
        while i < n {
            let w = &mut ws[i];
            self.count_worker::<KIND>(w, y, &mut blocked);
            let (outcome, remaining) = if bounds.one_form::<KIND>(w) {
                self.fast_year::<KIND>(w, &ages)
            } else {
                self.walk_year(w, y)
            };
            let until = outcome.map_or(t1, |o| o.0);
            let served = until - t0;
            worker_years += served;
            match KIND {
                STAFF => {
                    let pay = self.pay_now[w.title as usize] * served;
                    cost.pay += pay;
                    cost.performance += uplift * pay;
                    cost.allowances += self.centres[w.centre as usize].allowance * served;
                    cost.serving_years += served;
                }
                VILLAGE_PAID => {
                    cost.village_subsidy += self.village_subsidy_now * served;
                    cost.village_floor += self.village_topup_now * served;
                    cost.serving_years += served;
                }
                _ => {
                    if w.status == Status::Residency {
                        cost.stipends += stipend * served;
                    }
                }
            }
            match outcome {
                None => {
                    w.remaining = remaining;
                    w.flags &= !NEW;
                    i += 1;
                }
                Some((at, retired)) => {
                    let gone = *w;
                    // Swap-remove: the last worker takes this place and is advanced next.
                    n -= 1;
                    ws[i] = ws[n];
                    if retired {
                        self.record_retirement(&gone, at, y);
                    } else {
                        self.record_exit(&gone, at, y);
                    }
                }
            }
        }
        self.tally.cost[y as usize] += &cost;
        self.tally.worker_years += worker_years;
        self.tally.staffing[y as usize].blocked += blocked;
        n
    }

    /// The per-step age factors of year `y` shared by everyone in an age regime.
    pub(super) fn year_ages(&self, y: u32) -> YearAges {
        let t0 = y as f64;
        let steps = self.s.simulation.steps_per_year as usize;
        let dt = self.dt;
        let b = &self.s.behaviour;
        let (beta, gamma) = (b.age_effect_per_year, b.old_age_effect_per_year);
        let (r_age, r_old) = ((beta * dt).exp(), (gamma * dt).exp());
        let young = (beta * (t0 - b.age_reference)).exp();
        let old = (gamma * t0).exp();
        YearAges {
            t0,
            cap: b.age_effect_cap,
            gamma,
            steps,
            dt,
            r_age,
            r_old,
            young,
            old,
            young_sum: year_sum(young, r_age, steps, dt),
            flat_sum: year_sum(1.0, 1.0, steps, dt),
            old_sum: year_sum(old, r_old, steps, dt),
        }
    }

    /// Worker `w` (of vector `KIND`) through the year of `ages`, for a worker whose hazard
    /// keeps one form all year (`YearBounds::one_form`): the hazard is the worker's static part
    /// times the shared per-step age factor, so the year's cumulative hazard is one product,
    /// and only a worker whose threshold it reaches is stepped through to find the crossing.
    /// Returns what `walk_year` returns; moves `w` into this year's age regime first.
    #[inline(always)]
    pub(super) fn fast_year<const KIND: u8>(
        &self,
        w: &mut Worker,
        ages: &YearAges,
    ) -> (Option<(f64, bool)>, f64) {
        let YearAges {
            t0,
            cap,
            gamma,
            steps,
            dt,
            ..
        } = *ages;
        let studying = KIND == PIPELINE && w.status == Status::Studying;
        let village = KIND == VILLAGE_PAID;
        let age0 = t0 - w.birth as f64;
        // The worker's age regime this year, and its per-step factor (first, ratio, sum).
        let (regime, first, ratio, sum) = if studying {
            (w.flags & REGIME, 1.0, 1.0, ages.flat_sum)
        } else if age0 < cap {
            if village && age0 >= OLD_AGE {
                // Past `OLD_AGE` under a cap above it: both effects change.
                let first = ages.young * (gamma * (age0 - OLD_AGE)).exp();
                let ratio = ages.r_age * ages.r_old;
                (YOUNG, first, ratio, year_sum(first, ratio, steps, dt))
            } else {
                (YOUNG, ages.young, ages.r_age, ages.young_sum)
            }
        } else if village && age0 >= OLD_AGE {
            (CAPPED_OLD, ages.old, ages.r_old, ages.old_sum)
        } else {
            (CAPPED, 1.0, 1.0, ages.flat_sum)
        };
        if regime != w.flags & REGIME {
            // Passed into a new regime since last year: renormalise `pref` (once in a career
            // or twice).
            let birth = w.birth as f64;
            let shift = self.log_norm(regime, birth) - self.log_norm(w.flags & REGIME, birth);
            w.pref = (w.pref as f64 * shift.exp()) as f32;
            w.flags = (w.flags & !REGIME) | regime;
        }
        let c = self.static_hazard_of::<KIND>(w, t0);
        // Village-paid: the pay gap by whole years of service, constant over the year unless a
        // service year ends inside it.
        let (vm, vm_constant) = if village {
            let first = self.service_bucket(w, t0);
            let last_step = (t0 + 1.0) - dt;
            (
                self.village_mult[first],
                first == self.service_bucket(w, last_step),
            )
        } else {
            (1.0, true)
        };
        let whole = c * vm * sum;
        if vm_constant && whole < w.remaining {
            // Most worker-years: no exit this year, whatever the step.
            return (None, w.remaining - whole);
        }
        // Find the step in which the cumulative hazard crosses the threshold.
        let mut remaining = w.remaining;
        let mut f = first;
        for k in 0..steps {
            let a = t0 + k as f64 * dt;
            let mut h = c * f;
            if village {
                h *= self.village_mult[self.service_bucket(w, a)];
            }
            let dh = h * dt;
            if dh >= remaining && h > 0.0 {
                return (Some((a + remaining / h, false)), remaining);
            }
            remaining -= dh;
            f *= ratio;
        }
        (None, remaining)
    }
}

/// The per-step age factors of one year shared by everyone in an age regime (`Worker::pref`
/// holds each worker's own part): the first step's value, the ratio from step to step, and the
/// year's sum Σ factor × dt, which is the whole year's cumulative hazard per unit of the rest.
#[derive(Clone, Copy)]
pub(super) struct YearAges {
    t0: f64,
    /// The age cap and the log-hazard ratio per year past `OLD_AGE` (copied from the scenario
    /// so that the loop reads no scenario field).
    cap: f64,
    gamma: f64,
    steps: usize,
    dt: f64,
    /// Step-to-step ratios of the age effect and of the village old-age effect.
    r_age: f64,
    r_old: f64,
    /// First-step factors: under the age cap, and past `OLD_AGE` over the cap.
    young: f64,
    old: f64,
    young_sum: f64,
    flat_sum: f64,
    old_sum: f64,
}

/// Σ over the year's `steps` of `first × ratio^k × dt`, summed in step order.
fn year_sum(first: f64, ratio: f64, steps: usize, dt: f64) -> f64 {
    let (mut f, mut sum) = (first, 0.0);
    for _ in 0..steps {
        sum += f * dt;
        f *= ratio;
    }
    sum
}
