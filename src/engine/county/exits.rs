//! Leaving: posts freed, the village-doctor pension started, and the exit recorded by time
//! since entry, contract phase and destination.
//!
//! A leaver's destination is drawn from the pathway's destination weights with the worker's
//! own keyed draw, so it does not depend on who else left; breachers under contract lose the
//! postgraduate and public-hospital destinations where the policy bans them.

use super::County;
use super::workers::{RESERVE, STOCK, Status, Worker};
use crate::engine::rng::{self, Draw};
use crate::engine::tally::{MONTHS, Phase, RETIRED};

/// Age to which village-doctor pensions are paid: life expectancy at 60 is about 20 years
/// (China, 2020 census life tables; assumption for the cost only).
pub(super) const PENSION_END_AGE: f64 = 80.0;

impl County<'_> {
    pub(super) fn phase(w: &Worker, at: f64) -> Phase {
        if w.contract_end.is_infinite() {
            Phase::NoContract
        } else if at < w.contract_end as f64 {
            Phase::UnderContract
        } else {
            Phase::AfterContract
        }
    }

    /// Free the posts a leaver held; a village-paid leaver in post at pension age with enough
    /// service starts drawing the village-doctor pension.
    pub(super) fn leave_post(&mut self, w: &Worker, at: f64, y: u32) {
        if w.status != Status::Serving {
            return;
        }
        if w.at_village() {
            let v = &mut self.villages[w.village as usize];
            v.filled -= 1;
            if !self.paths[w.pathway as usize].village_paid {
                v.from_reserve -= 1;
            }
        }
        if self.paths[w.pathway as usize].village_paid {
            let v = &self.pol.village;
            let age = at - w.birth as f64;
            let service = at - w.rank_since as f64;
            if age >= v.pension_age && service >= v.pension_min_service_years {
                let scale = self.pension_scale;
                let monthly = (v.pension_per_service_year.get() * scale * service.floor())
                    .min(v.pension_cap.get() * scale);
                let until = w.birth as f64 + PENSION_END_AGE;
                if monthly > 0.0 && until > at {
                    self.pensioners
                        .push((monthly * 12.0, at as f32, until as f32));
                }
            }
            return;
        }
        let c = &mut self.centres[w.centre as usize];
        if w.has(RESERVE) {
            c.reserve_filled -= 1;
        } else {
            c.filled -= 1;
        }
        c.titles[w.title as usize] -= 1;
        let remote = c.remote;
        self.tally.staffing[y as usize].leavers += 1;
        self.tally.area_mut(y, remote).leavers += 1;
    }

    /// A new entrant into service, counted in its pathway and its entry cohort.
    pub(super) fn count_entrant(&mut self, w: &Worker) {
        let p = w.pathway as usize;
        self.tally.entrants[p] += 1;
        let cohort = (w.entry.max(0.0) as usize).min(self.tally.years - 1);
        let i = p * self.tally.years + cohort;
        self.tally.cohort_entrants[i] += 1;
        self.tally.cohort_contract_end[i] = self.tally.cohort_contract_end[i].min(w.contract_end);
    }

    /// Row of a worker in the placed-by-remoteness tables (`Tally::placed_*`): hires and
    /// graduates placed at a centre during the run, while serving there.
    pub(super) fn placed_row(&self, w: &Worker) -> Option<usize> {
        if w.has(STOCK)
            || w.status != Status::Serving
            || self.paths[w.pathway as usize].village_paid
        {
            return None;
        }
        let remote = self.centres[w.centre as usize].remote;
        Some(w.pathway as usize * 2 + usize::from(remote))
    }

    /// A worker placed at a centre: an entrant of its placed-by-remoteness table.
    pub(super) fn count_placed(&mut self, w: &Worker) {
        if let Some(i) = self.placed_row(w) {
            self.tally.placed_entrants[i] += 1;
        }
    }

    /// A placed worker's exit (`event`) or censoring at `at`.
    pub(super) fn count_placed_end(&mut self, w: &Worker, at: f64, event: bool) {
        if let Some(i) = self.placed_row(w) {
            let bins = self.tally.bins();
            let bin = self.tally.bin(at - w.entry as f64);
            if event {
                self.tally.placed_events[i * bins + bin] += 1;
            } else {
                self.tally.placed_censored[i * bins + bin] += 1;
            }
        }
    }

    /// A member of an entry cohort leaving service (any reason) at `at`.
    fn count_cohort_exit(&mut self, w: &Worker, at: f64) {
        if w.has(STOCK) {
            return;
        }
        let t = &mut self.tally;
        let cohort = (w.entry.max(0.0) as usize).min(t.years - 1);
        let month = ((at.max(0.0) * MONTHS as f64) as usize).min(t.years * MONTHS - 1);
        let i = t.cohort_exit_index(w.pathway as usize, cohort, month);
        t.cohort_exits[i] += 1;
    }

    pub(super) fn record_exit(&mut self, w: &Worker, at: f64, y: u32) {
        let p = w.pathway as usize;
        if w.status == Status::Studying {
            self.tally.pipeline_mut(p, y).study_dropouts += 1;
            return;
        }
        self.count_cohort_exit(w, at);
        self.count_placed_end(w, at, true);
        self.leave_post(w, at, y);
        let bin = self.tally.bin(at - w.entry as f64);
        let bins = self.tally.bins();
        self.tally.events[p * bins + bin] += 1;
        let phase = Self::phase(w, at);
        // Breachers are barred from postgraduate exams and public-hospital hiring.
        let mut weights = self.paths[p].dest;
        if phase == Phase::UnderContract && self.pol.contract.postgraduate_ban {
            weights[0] = 0.0;
            weights[1] = 0.0;
        }
        let total: f64 = weights.iter().sum();
        let mut dest = 3;
        if total > 0.0 {
            let u = rng::unit(w.key, Draw::Destination, 0) * total;
            let mut acc = 0.0;
            for (d, wt) in weights.iter().enumerate() {
                acc += wt;
                if u < acc && *wt > 0.0 {
                    dest = d;
                    break;
                }
            }
        }
        let idx = self.tally.exit_index(p, phase, dest);
        self.tally.exits[idx] += 1;
        self.count_year_exit(p, y, dest);
    }

    /// An exit (any reason) in simulated year `y`, for rates by calendar period.
    fn count_year_exit(&mut self, p: usize, y: u32, reason: usize) {
        let t = &mut self.tally;
        let i = t.exit_year_index(p, (y as usize).min(t.years - 1), reason);
        t.exits_by_year[i] += 1;
    }

    pub(super) fn record_retirement(&mut self, w: &Worker, at: f64, y: u32) {
        let p = w.pathway as usize;
        if w.status == Status::Studying {
            return;
        }
        self.count_cohort_exit(w, at);
        self.count_placed_end(w, at, false);
        self.leave_post(w, at, y);
        let bin = self.tally.bin(at - w.entry as f64);
        let bins = self.tally.bins();
        self.tally.censored[p * bins + bin] += 1;
        let idx = self.tally.exit_index(p, Self::phase(w, at), RETIRED);
        self.tally.exits[idx] += 1;
        self.count_year_exit(p, y, RETIRED);
    }
}
