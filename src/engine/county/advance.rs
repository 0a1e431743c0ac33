//! The year pass: one pass over each kind of worker per simulated year, taking the start-of-year
//! count, integrating the exit hazard, adding up spending for the time served, and removing
//! leavers. It is the engine's hot loop, specialised by kind of worker (a const generic) so
//! that no worker pays for a branch on what kind it is.

use super::hazard::{CAPPED, CAPPED_OLD, OLD_AGE, REGIME, YOUNG};
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
        let steps = self.s.simulation.steps_per_year as usize;
        let dt = self.dt;
        let b = &self.s.behaviour;
        let window = b.contract_end_window_years;
        let cap = b.age_effect_cap;
        let (beta, gamma) = (b.age_effect_per_year, b.old_age_effect_per_year);
        // Per-step age factors shared by everyone in an age regime (`pref` holds each worker's
        // own part): the first step's value, the ratio from step to step, and the year's sum
        // Σ factor × dt, which is the whole year's cumulative hazard per unit of the rest.
        let year_sum = |first: f64, ratio: f64| {
            let (mut f, mut sum) = (first, 0.0);
            for _ in 0..steps {
                sum += f * dt;
                f *= ratio;
            }
            sum
        };
        let (r_age, r_old) = ((beta * dt).exp(), (gamma * dt).exp());
        let young = (beta * (t0 - b.age_reference)).exp();
        let old = (gamma * t0).exp();
        let (young_sum, flat_sum, old_sum) = (
            year_sum(young, r_age),
            year_sum(1.0, 1.0),
            year_sum(old, r_old),
        );
        let last_step = t1 - dt;
        let stipend = self.pol.salary.residency_stipend.get();
        let uplift = self.pol.salary.performance_uplift.get();
        let inside = |x: f64| x > t0 && x < t1;
        // Sums kept in locals (registers) through the loop, added to the tally at the end.
        let mut cost = Cost::default();
        let mut worker_years = 0.0;
        let mut blocked = 0;
        let mut i = 0;
        let mut n = ws.len();
        while i < n {
            let w = &mut ws[i];
            self.count_worker::<KIND>(w, y, &mut blocked);
            let studying = KIND == PIPELINE && w.status == Status::Studying;
            let village = KIND == VILLAGE_PAID;
            let ce = w.contract_end as f64;
            let retire = w.retire_at as f64;
            let age0 = t0 - w.birth as f64;
            let age_last = last_step - w.birth as f64;
            let simple = retire > t0
                && !inside(retire)
                && !(ce.is_finite() && (inside(ce) || inside(ce + window)))
                && (studying || !(age0 < cap && age_last > cap))
                && !(village && age0 < OLD_AGE && age_last > OLD_AGE);
            let (outcome, remaining) = if simple {
                // The worker's age regime this year, and its per-step factor (first, ratio, sum).
                let (regime, first, ratio, sum) = if studying {
                    (w.flags & REGIME, 1.0, 1.0, flat_sum)
                } else if age0 < cap {
                    if village && age0 >= OLD_AGE {
                        // Past `OLD_AGE` under a cap above it: both effects change.
                        let first = young * (gamma * (age0 - OLD_AGE)).exp();
                        (YOUNG, first, r_age * r_old, year_sum(first, r_age * r_old))
                    } else {
                        (YOUNG, young, r_age, young_sum)
                    }
                } else if village && age0 >= OLD_AGE {
                    (CAPPED_OLD, old, r_old, old_sum)
                } else {
                    (CAPPED, 1.0, 1.0, flat_sum)
                };
                if regime != w.flags & REGIME {
                    // Passed into a new regime since last year: renormalise `pref` (once in a
                    // career or twice).
                    let birth = w.birth as f64;
                    let shift =
                        self.log_norm(regime, birth) - self.log_norm(w.flags & REGIME, birth);
                    w.pref = (w.pref as f64 * shift.exp()) as f32;
                    w.flags = (w.flags & !REGIME) | regime;
                }
                let c = self.static_hazard_of::<KIND>(w, t0);
                // Village-paid: the pay gap by whole years of service, constant over the year
                // unless a service year ends inside it.
                let (vm, vm_constant) = if village {
                    let first = self.service_bucket(w, t0);
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
                    (None, w.remaining - whole)
                } else {
                    // Find the step in which the cumulative hazard crosses the threshold.
                    let mut remaining = w.remaining;
                    let mut out = None;
                    let mut f = first;
                    for k in 0..steps {
                        let a = t0 + k as f64 * dt;
                        let mut h = c * f;
                        if village {
                            h *= self.village_mult[self.service_bucket(w, a)];
                        }
                        let dh = h * dt;
                        if dh >= remaining && h > 0.0 {
                            out = Some((a + remaining / h, false));
                            break;
                        }
                        remaining -= dh;
                        f *= ratio;
                    }
                    (out, remaining)
                }
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
}
