//! The training pipeline (rural-targeted medical education and local apprenticeships):
//! enrolment, graduation into residency, reporting for service, and placement at a centre.
//!
//! Placement goes to the centre with most vacant posts, so order-oriented graduates fill the
//! emptiest townships first; residents are placed in key order so that placement does not
//! depend on where workers sit in memory.

use super::County;
use super::workers::{FUNDED, NO_VILLAGE, Status, Worker};
use crate::engine::rng::{self, Draw, Entity};
use crate::population::{PathwayKind, Placement};

impl County<'_> {
    pub(super) fn enrol(&mut self, y: u32) {
        for p in 0..self.paths.len() {
            let Some(pipe) = self.s.pathways[p].pipeline else {
                continue;
            };
            let whole = pipe.intake_per_county.floor();
            let frac = pipe.intake_per_county - whole;
            let ek = self.key(&[Entity::Enrolment as u64, p as u64]);
            let n = whole as u32 + u32::from(rng::unit(ek, Draw::Placement, y) < frac);
            let grad = y as f64 + pipe.study_years as f64;
            let age_dist = self.s.pathways[p].age_at_entry;
            for j in 0..n {
                let key = self.key(&[Entity::Student as u64, p as u64, y as u64, j as u64]);
                let (mut w, _) = self.new_worker(p, key, grad, Status::Studying, &age_dist);
                w.stage_end = grad as f32;
                if self.paths[p].kind == PathwayKind::LocalApprentice {
                    w.village = self.home_village(key);
                }
                self.tally.pipeline_mut(p, y).enrolled += 1;
                self.pipeline.push(w);
            }
        }
    }

    /// Students who finish study start residency (and service: the retention clock starts at
    /// graduation, when an order-oriented contract's obligation starts); residents who finish
    /// report for service — order-oriented graduates at a township centre, apprentices at their
    /// own village — or do not.
    pub(super) fn advance_pipeline(&mut self, y: u32) {
        let mut ws = std::mem::take(&mut self.pipeline);
        let t = y as f64;
        let contract = &self.pol.contract;
        self.buf.clear();
        for (i, w) in ws.iter_mut().enumerate() {
            if w.status == Status::Studying && (w.stage_end as f64) <= t + 1e-6 {
                let p = w.pathway as usize;
                let pipe = self.s.pathways[p]
                    .pipeline
                    .expect("students have a pipeline");
                w.status = Status::Residency;
                w.entry = t as f32;
                w.rank_since = t as f32;
                w.stage_end = (t + pipe.residency_years as f64) as f32;
                if self.paths[p].kind == PathwayKind::OrderOriented {
                    let obligation_from = if contract.residency_counts {
                        t
                    } else {
                        t + pipe.residency_years as f64
                    };
                    w.contract_end = (obligation_from + contract.obligation_years as f64) as f32;
                }
                self.tally.pipeline_mut(p, y).graduated += 1;
                self.count_entrant(w);
            }
            if w.status == Status::Residency && (w.stage_end as f64) <= t + 1e-6 {
                self.buf.push(i as u32);
            }
        }
        // Place in key order, so placement does not depend on where workers sit in memory.
        let mut buf = std::mem::take(&mut self.buf);
        buf.sort_unstable_by_key(|&i| ws[i as usize].key);
        for &i in &buf {
            let mut w = ws[i as usize];
            let p = w.pathway as usize;
            let pipe = self.s.pathways[p]
                .pipeline
                .expect("residents have a pipeline");
            // The latent taste: the hazard multiplier less its age normalisation and the origin
            // effects folded into it at creation.
            let taste = self.latent_taste(&w);
            let pc = self.tally.pipeline_mut(p, y);
            pc.finished_residency += 1;
            pc.taste_finished += taste;
            let apprentice = self.paths[p].village_paid;
            // An apprentice from a county without villages has nowhere to return to.
            // The breach penalty deters not reporting as it deters leaving under obligation; those
            // who like rural work less are likelier not to take the post (self-selection), with
            // the average chance kept at `no_show` (E[taste^κ] = e^{κ(κ−1)σ²/2} for the mean-one
            // lognormal taste).
            let b = &self.s.behaviour;
            let (k, sd) = (b.selection_strength, b.preference_sd);
            let selection = taste.powf(k) / (k * (k - 1.0) * sd * sd / 2.0).exp();
            let no_show = pipe.no_show.get()
                * selection
                * if w.contract_end.is_finite() {
                    self.under_contract
                } else {
                    1.0
                };
            if rng::unit(w.key, Draw::NoShow, 0) < no_show
                || (apprentice && w.village == NO_VILLAGE)
            {
                self.record_exit(&w, t, y);
                continue;
            }
            let pc = self.tally.pipeline_mut(p, y);
            pc.reported += 1;
            pc.taste_reported += taste;
            if apprentice {
                let v = w.village;
                self.place_village(&mut w, v);
                w.rank_since = t as f32;
            } else {
                let centre = self.choose_centre(w.key, pipe.placement);
                w.flags |= FUNDED;
                self.place(&mut w, centre, false);
                self.count_placed(&w);
                self.tally.staffing[y as usize].placed += 1;
                let remote = self.centres[centre].remote;
                self.tally.area_mut(y, remote).placed += 1;
            }
            self.push_serving(w);
        }
        // Everyone who finished residency leaves the pipeline; from the back, so that indices
        // stay valid.
        buf.sort_unstable();
        for &i in buf.iter().rev() {
            ws.swap_remove(i as usize);
        }
        self.buf = buf;
        self.pipeline = ws;
    }

    /// A worker's latent taste for rural work: the mean-one lognormal multiplier drawn at
    /// creation, without the age normalisation and origin effects that `pref` also carries.
    pub(super) fn latent_taste(&self, w: &Worker) -> f64 {
        use super::hazard::REGIME;
        use super::workers::{HOMETOWN, RURAL};
        let b = &self.s.behaviour;
        let mut m = w.pref as f64 * (-self.log_norm(w.flags & REGIME, w.birth as f64)).exp();
        if w.has(HOMETOWN) {
            m /= b.hometown_hr;
        }
        if w.has(RURAL) {
            m /= b.rural_origin_hr;
        }
        if self.paths[w.pathway as usize].kind == PathwayKind::LocalApprentice {
            m /= b.own_village_hr;
        }
        m
    }

    /// Home village of a new apprentice: one with a vacant post if any (drawn uniformly among
    /// them), else any village; `NO_VILLAGE` if the county has none.
    pub(super) fn home_village(&self, key: u64) -> u32 {
        let u = rng::unit(key, Draw::HomeVillage, 0);
        let vacant = self.villages.iter().filter(|v| v.filled < v.posts).count();
        if vacant > 0 {
            let k = ((u * vacant as f64) as usize).min(vacant - 1);
            let (i, _) = self
                .villages
                .iter()
                .enumerate()
                .filter(|(_, v)| v.filled < v.posts)
                .nth(k)
                .expect("k < vacant");
            i as u32
        } else if !self.villages.is_empty() {
            ((u * self.villages.len() as f64) as usize).min(self.villages.len() - 1) as u32
        } else {
            NO_VILLAGE
        }
    }

    /// The centre a reporting graduate is placed at: by `placement`, the one with the most
    /// vacant posts (lowest index on ties) or a vacant post drawn with the worker's own draw;
    /// over establishment at a centre chosen by that draw when every post is filled.
    pub(super) fn choose_centre(&self, key: u64, placement: Placement) -> usize {
        if placement == Placement::VacancyWeighted {
            let vacant = |c: &super::Centre| (c.posts as i64 - c.filled as i64).max(0) as u64;
            let total: u64 = self.centres.iter().map(vacant).sum();
            if total > 0 {
                let mut k =
                    ((rng::unit(key, Draw::Placement, 1) * total as f64) as u64).min(total - 1);
                for (i, c) in self.centres.iter().enumerate() {
                    let v = vacant(c);
                    if k < v {
                        return i;
                    }
                    k -= v;
                }
            }
        }
        let mut best = None;
        let mut best_v = 0i64;
        for (i, c) in self.centres.iter().enumerate() {
            let v = c.posts as i64 - c.filled as i64;
            if v > best_v {
                best_v = v;
                best = Some(i);
            }
        }
        best.unwrap_or_else(|| {
            ((rng::unit(key, Draw::Placement, 0) * self.centres.len() as f64) as usize)
                .min(self.centres.len() - 1)
        })
    }
}
