//! The exit hazard: everything that makes it, and where inside a year it changes.
//!
//! `hazard` is the one definition: a pathway base rate times the worker's preference, the
//! contract phase, pay gaps, remoteness, the title and training state, and the age effects
//! (for village-paid workers also the old-age effect and the pay gap by years of service).
//! Within a step it is evaluated at the start of each segment and held constant, so each
//! exit time is exact for that piecewise-constant hazard.
//!
//! Two ways of integrating it over a year give the same result: `walk_year`, the exact
//! segment walk, and `fast_year` (in `advance`), used when `YearBounds::one_form` finds no point
//! inside the year where the hazard changes form, which sums a whole year's hazard with no
//! `exp` (the age factor is shared by everyone in an age regime). `split_points` and
//! `YearBounds::one_form` are the single list of within-year boundaries both rely on; the tests in
//! `county/tests.rs` pin the two paths to each other.

use super::workers::{BLOCKED, FUNDED, GRASSROOTS, Status, TRAINING, Worker};
use super::{County, PIPELINE, STAFF, VILLAGE_PAID};

/// Which age normalisation `Worker::pref` carries (two flag bits; see `County::log_norm`).
/// Under the age cap: `pref × exp(−β·birth)`, so everyone's age effect at time `t` is the
/// shared `exp(β·(t − ref))`.
pub(super) const YOUNG: u16 = 0;

/// At or past the age cap: `pref × exp(β·(cap − ref))`, the age effect folded in for good.
pub(super) const CAPPED: u16 = 1 << 12;

/// Village-paid, past the cap and past `OLD_AGE`: also `× exp(−γ·(birth + OLD_AGE))`, so the
/// old-age effect `exp(γ·(age − OLD_AGE))` at time `t` is the shared `exp(γ·t)`.
pub(super) const CAPPED_OLD: u16 = 2 << 12;

pub(super) const REGIME: u16 = 3 << 12;

/// Age past which a village doctor's exit hazard rises (no statutory retirement for them).
pub(super) const OLD_AGE: f64 = 60.0;

impl County<'_> {
    /// Hazard of worker `w` at time `a` (constant until the next boundary).
    #[inline]
    pub(super) fn hazard(&self, w: &Worker, a: f64) -> f64 {
        // Everything but the effects that change with time within a year, evaluated at `a`
        // (the contract phase included), then those effects at `a`.
        let h = self.static_hazard(w, a);
        if w.status == Status::Studying {
            return h;
        }
        let b = &self.s.behaviour;
        let birth = w.birth as f64;
        let age = a - birth;
        let mut x = b.age_effect_per_year * (age.min(b.age_effect_cap) - b.age_reference);
        let village = w.status == Status::Serving && self.paths[w.pathway as usize].village_paid;
        // No statutory retirement: exit rises with age past `OLD_AGE` instead.
        if village && age > OLD_AGE {
            x += b.old_age_effect_per_year * (age - OLD_AGE);
        }
        // Less what `pref` already carries.
        let mut g = (x - self.log_norm(w.flags & REGIME, birth)).exp();
        if village {
            g *= self.village_mult[self.service_bucket(w, a)];
        }
        h * g
    }

    /// Log of the age normalisation that `pref` carries in age regime `regime`.
    pub(super) fn log_norm(&self, regime: u16, birth: f64) -> f64 {
        let b = &self.s.behaviour;
        let capped = b.age_effect_per_year * (b.age_effect_cap - b.age_reference);
        match regime {
            CAPPED => capped,
            CAPPED_OLD => capped - b.old_age_effect_per_year * (birth + OLD_AGE),
            _ => -b.age_effect_per_year * birth,
        }
    }

    /// Index into `village_mult` of a village-paid worker's whole years of service at `a`.
    #[inline]
    pub(super) fn service_bucket(&self, w: &Worker, a: f64) -> usize {
        let last = self.village_mult.len() - 1;
        // One bucket when the pension does not grow with service (no pension at all, say).
        if last == 0 {
            return 0;
        }
        let service = (a - w.rank_since as f64).max(0.0) as u32 as usize;
        service.min(last)
    }

    /// The part of worker `w`'s hazard at time `t0` that does not change with time inside a
    /// year (all but the age effect and, for village-paid workers, the old-age effect and the
    /// pay gap by years of service): `hazard` multiplies those in at a given moment, and
    /// `advance_year` steps them along for workers with no boundary in the year.
    #[inline]
    pub(super) fn static_hazard(&self, w: &Worker, t0: f64) -> f64 {
        match w.status {
            Status::Serving if self.paths[w.pathway as usize].village_paid => {
                self.static_hazard_of::<VILLAGE_PAID>(w, t0)
            }
            Status::Serving => self.static_hazard_of::<STAFF>(w, t0),
            _ => self.static_hazard_of::<PIPELINE>(w, t0),
        }
    }

    /// `static_hazard` for a worker of a known kind (see `County::pipeline`). Always inlined:
    /// in the year pass, a call per worker-year costs more than the body.
    #[inline(always)]
    pub(super) fn static_hazard_of<const KIND: u8>(&self, w: &Worker, t0: f64) -> f64 {
        let p = w.pathway as usize;
        if KIND == PIPELINE && w.status == Status::Studying {
            return self.s.pathways[p]
                .pipeline
                .map_or(0.0, |pp| pp.study_dropout.get());
        }
        let b = &self.s.behaviour;
        let pc = &self.paths[p];
        let mut h = pc.base * w.pref as f64;
        let ce = w.contract_end as f64;
        if ce.is_finite() {
            if t0 < ce {
                h *= self.under_contract;
            } else if t0 < ce + b.contract_end_window_years {
                h *= b.contract_end_hr;
            } else {
                h *= b.post_contract_hr;
            }
        }
        if KIND == PIPELINE {
            return h;
        }
        if KIND == VILLAGE_PAID {
            return h * self.centres[w.centre as usize].remote_hr;
        }
        h *= self.centre_mult[w.centre as usize * 4 + w.title as usize];
        if w.flags & (BLOCKED | TRAINING | GRASSROOTS) != 0 || !w.has(FUNDED) {
            if w.has(BLOCKED) {
                h *= b.blocked_promotion_hr;
            }
            if w.has(TRAINING) && self.pol.training.months > 3.0 {
                h *= b.training_exit_hr;
            }
            if w.has(GRASSROOTS) {
                h *= b.grassroots_title_hr;
            }
            if !w.has(FUNDED) {
                h *= b.unfunded_hr;
            }
        }
        h
    }

    /// Walk one worker through the steps of year `y`, splitting each step at the
    /// `split_points` inside it: the exact, general path. Returns the exit (time, and whether
    /// it is a retirement) if any, and what is left of the exit threshold.
    pub(super) fn walk_year(&self, w: &Worker, y: u32) -> (Option<(f64, bool)>, f64) {
        let splits = split_points(w, self.s.behaviour.contract_end_window_years);
        let retire = splits[2];
        let mut remaining = w.remaining;
        for k in 0..self.s.simulation.steps_per_year {
            let t = y as f64 + k as f64 * self.dt;
            let end = t + self.dt;
            if retire <= t {
                return (Some((t, true)), remaining);
            }
            let mut a = t;
            while a < end {
                // Next point where the hazard changes or the worker retires.
                let mut b = end;
                for x in splits {
                    if x > a && x < b {
                        b = x;
                    }
                }
                let h = self.hazard(w, a);
                let dh = h * (b - a);
                if dh >= remaining && h > 0.0 {
                    return (Some((a + remaining / h, false)), remaining);
                }
                remaining -= dh;
                if b == retire && retire < end {
                    return (Some((retire, true)), remaining);
                }
                a = b;
            }
        }
        (None, remaining)
    }
}

/// The points where worker `w`'s hazard jumps inside a step or the worker leaves: the end of
/// the contract, the end of the contract-end window (`window` years later), retirement
/// (infinity where there is none). `walk_year` cuts its steps at these, and
/// `YearBounds::one_form` sends a worker with one of them inside the year to `walk_year`.
#[inline(always)]
pub(super) fn split_points(w: &Worker, window: f64) -> [f64; 3] {
    let ce = w.contract_end as f64;
    [ce, ce + window, w.retire_at as f64]
}

/// The within-year boundaries of one year, with the year's constants at hand (the year pass
/// builds it once a year, so the test per worker reads no scenario field).
#[derive(Clone, Copy)]
pub(super) struct YearBounds {
    t0: f64,
    t1: f64,
    /// Start of the year's last step.
    last_step: f64,
    cap: f64,
    window: f64,
}

impl YearBounds {
    pub(super) fn new(c: &County, y: u32) -> YearBounds {
        let t0 = y as f64;
        let t1 = t0 + 1.0;
        YearBounds {
            t0,
            t1,
            last_step: t1 - c.dt,
            cap: c.s.behaviour.age_effect_cap,
            window: c.s.behaviour.contract_end_window_years,
        }
    }

    /// Whether worker `w` (of vector `KIND`) keeps one form of hazard over all of the year, so
    /// that `advance_year`'s fast path is exact for it. This is the year's list of boundaries,
    /// all in one place: none of the `split_points` inside the year nor retirement already
    /// due, and no change of age regime between the first step and the last (the age cap, and
    /// for village-paid workers the 60th birthday, `OLD_AGE`), which would change the per-step
    /// age factor the fast path shares. A year of service ending inside the year is not on the
    /// list: the fast path steps the village pay gap itself.
    #[inline(always)]
    pub(super) fn one_form<const KIND: u8>(&self, w: &Worker) -> bool {
        let (t0, t1) = (self.t0, self.t1);
        let inside = |x: f64| x > t0 && x < t1;
        let [ce, window_end, retire] = split_points(w, self.window);
        // Most workers (incumbents, village doctors) have no contract: skip its two tests.
        if retire <= t0 || inside(retire) || (ce.is_finite() && (inside(ce) || inside(window_end)))
        {
            return false;
        }
        let studying = KIND == PIPELINE && w.status == Status::Studying;
        let village = KIND == VILLAGE_PAID;
        let age0 = t0 - w.birth as f64;
        let age_last = self.last_step - w.birth as f64;
        (studying || !(age0 < self.cap && age_last > self.cap))
            && !(village && age0 < OLD_AGE && age_last > OLD_AGE)
    }
}
