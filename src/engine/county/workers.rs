//! The simulated person and how one comes into being: traits drawn from the person's own
//! stream at creation (so a policy change elsewhere never shifts them), the incumbents and
//! village doctors serving at the start, and appointment to a post.
//!
//! A worker is a 56-byte plain struct: the year pass walks vectors of them, so everything that
//! does not change is folded in at creation (the preference with its age normalisation, the
//! retirement date, one Exp(1) exit threshold).

use super::County;
use crate::engine::rng::{self, Draw, Entity};
use crate::population::{PathwayKind, Title, standard_normal};
use rand::RngExt;
use rand_distr::Exp1;

pub(super) const FEMALE: u16 = 1;

pub(super) const HOMETOWN: u16 = 1 << 1;

pub(super) const RURAL: u16 = 1 << 2;

pub(super) const FUNDED: u16 = 1 << 3;

pub(super) const BACHELOR: u16 = 1 << 4;

/// Qualified for the next rank but no quota post (raises the exit hazard).
pub(super) const BLOCKED: u16 = 1 << 5;

/// Passed the evaluation for the next rank, waiting for a post.
pub(super) const PASSED: u16 = 1 << 6;

/// Away for training or rotation this year.
pub(super) const TRAINING: u16 = 1 << 7;

/// Holds a grassroots-track title (not valid outside the grassroots).
pub(super) const GRASSROOTS: u16 = 1 << 8;

/// Employed on a centre's reserve post (at the centre or sent to a village).
pub(super) const RESERVE: u16 = 1 << 9;

/// A village doctor kept on past the local exit age.
pub(super) const REHIRED: u16 = 1 << 10;

/// Joined after this year's start-of-year count (a village refill): not counted until next year.
pub(super) const NEW: u16 = 1 << 11;

/// Serving at the start of the simulation: belongs to no entry cohort (bits 12–13 hold the
/// age regime, see `hazard::REGIME`).
pub(super) const STOCK: u16 = 1 << 14;

/// Not posted at a village clinic.
pub(super) const NO_VILLAGE: u32 = u32::MAX;

/// Age at which village doctors are assumed to have started village work, for the service
/// years (pension entitlement) of those already serving at the start (assumption).
pub(super) const VILLAGE_CAREER_START_AGE: f64 = 25.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(super) enum Status {
    Studying,
    Residency,
    Serving,
}

/// One simulated person. Plain data, 56 bytes: the hot loop walks a vector of these.
#[derive(Debug, Clone, Copy)]
pub(super) struct Worker {
    /// Stream key: every later draw of this worker derives from it.
    pub(super) key: u64,
    /// What is left of the Exp(1) exit threshold after the cumulative hazard so far.
    pub(super) remaining: f64,
    /// Individual hazard multiplier (latent preference × origin effects, fixed for life) times
    /// the age normalisation of the worker's age regime (`YOUNG`, `CAPPED`, `CAPPED_OLD` in
    /// `flags`): under the cap it carries `exp(−β_age · birth)`, so that the age effect
    /// `exp(β_age · (age − ref))` is the same `exp(β_age · (t − ref))` for everyone, computed
    /// once per step instead of once per worker (see `advance_year`).
    pub(super) pref: f32,
    /// Calendar times, in years since the start of the simulation.
    pub(super) birth: f32,
    /// Start of service (the retention clock); for students, their graduation date.
    pub(super) entry: f32,
    /// End of the current stage (study, residency); unused while serving.
    pub(super) stage_end: f32,
    /// End of the service obligation (infinity when there is none).
    pub(super) contract_end: f32,
    /// Centre staff: since when at the current rank. Village-paid: start of village service
    /// (the pension entitlement).
    pub(super) rank_since: f32,
    /// Statutory retirement, or for village-paid workers the local exit age (infinity once
    /// rehired).
    pub(super) retire_at: f32,
    /// Village post held (or, for apprentices in training, their home village).
    pub(super) village: u32,
    pub(super) centre: u16,
    pub(super) flags: u16,
    pub(super) pathway: u8,
    pub(super) title: u8,
    pub(super) status: Status,
}

const _: () = assert!(std::mem::size_of::<Worker>() <= 56);

/// Bytes of one simulated person in memory (reported by the memory bench).
pub const WORKER_BYTES: usize = std::mem::size_of::<Worker>();

impl Worker {
    pub(super) fn has(&self, f: u16) -> bool {
        self.flags & f != 0
    }
    pub(super) fn at_village(&self) -> bool {
        self.village != NO_VILLAGE
    }
}

impl County<'_> {
    /// Create a person of pathway `p` with the traits every pathway shares. `age_at` is the
    /// calendar time (years since the start) at which `age` is drawn from `age_dist`; `y` the
    /// simulated year whose policy applies (retirement rules).
    pub(super) fn new_worker(
        &self,
        p: usize,
        key: u64,
        age_at: f64,
        status: Status,
        age_dist: &crate::population::Dist,
    ) -> (Worker, rand::rngs::Xoshiro256PlusPlus) {
        let s = self.s;
        let pw = &s.pathways[p];
        let b = &s.behaviour;
        let village_paid = self.paths[p].village_paid;
        let mut r = rng::stream(key);
        let female = r.random::<f64>() < pw.female_share.get();
        let hometown = r.random::<f64>() < pw.hometown_share.get();
        let rural = r.random::<f64>() < pw.rural_origin_share.get();
        let bachelor = r.random::<f64>() < pw.bachelor_share.get();
        let start = s.simulation.start_year as f64;
        let pol = self.pol;
        let retire_age = |age: f64| -> f64 {
            if village_paid {
                if female {
                    pol.village.exit_age_female
                } else {
                    pol.village.exit_age_male
                }
            } else {
                pol.retirement.age(female, start + age_at - age)
            }
        };
        let mut age = age_dist.sample(&mut r);
        if !village_paid {
            // Resample ages at or past retirement: such a person would not be on the books.
            for _ in 0..16 {
                if age < retire_age(age) - 0.5 {
                    break;
                }
                age = age_dist.sample(&mut r);
            }
            if age >= retire_age(age) - 0.5 {
                age = (retire_age(age) - 0.5).max(15.0);
            }
        }
        let z = standard_normal(&mut r);
        let sd = b.preference_sd;
        // Mean-one lognormal: the base rate stays the average worker's rate.
        let mut pref = (sd * z - 0.5 * sd * sd).exp();
        if hometown {
            pref *= b.hometown_hr;
        }
        if rural {
            pref *= b.rural_origin_hr;
        }
        if self.paths[p].kind == PathwayKind::LocalApprentice {
            // Apprentices are recruited from, and return to, their own village.
            pref *= b.own_village_hr;
        }
        let threshold: f64 = r.sample(Exp1);
        let birth = age_at - age;
        let mut flags = 0;
        for (on, f) in [
            (female, FEMALE),
            (hometown, HOMETOWN),
            (rural, RURAL),
            (bachelor, BACHELOR),
        ] {
            if on {
                flags |= f;
            }
        }
        let mut retire_at = birth + retire_age(age);
        if village_paid && retire_at <= age_at {
            // Already past the local exit age and still serving: kept on by the clinic.
            retire_at = f64::INFINITY;
            flags |= REHIRED;
        }
        let w = Worker {
            key,
            remaining: threshold,
            // The birth date as stored (f32), so that `hazard` undoes exactly this factor.
            pref: (pref * (-b.age_effect_per_year * (birth as f32) as f64).exp()) as f32,
            birth: birth as f32,
            entry: age_at as f32,
            stage_end: f32::INFINITY,
            contract_end: f32::INFINITY,
            rank_since: age_at as f32,
            retire_at: retire_at as f32,
            village: NO_VILLAGE,
            centre: 0,
            flags,
            pathway: p as u8,
            title: Title::Junior as u8,
            status,
        };
        (w, r)
    }

    pub(super) fn seed_incumbents(&mut self) {
        let Some(p) = self.s.pathway_of_kind(PathwayKind::Incumbent) else {
            return;
        };
        let p = p.0 as usize;
        let pw = &self.s.pathways[p];
        let init = pw
            .initial
            .expect("validated: incumbents have an initial stock");
        let age_dist = pw.age_at_entry;
        let fill = self.s.region.initial_fill.get();
        let funded = self.s.region.funded_share.get();
        for c in 0..self.centres.len() {
            let fill_key = self.key(&[Entity::InitialFill as u64, c as u64]);
            for j in 0..self.centres[c].posts {
                if rng::unit(fill_key, Draw::Placement, j) >= fill {
                    continue;
                }
                let key = self.key(&[Entity::Incumbent as u64, c as u64, j as u64]);
                let (mut w, mut r) = self.new_worker(p, key, 0.0, Status::Serving, &age_dist);
                let u: f64 = r.random();
                let mut acc = 0.0;
                let mut title = 0;
                for (i, share) in init.titles.0.iter().enumerate() {
                    acc += share;
                    title = i;
                    if u < acc {
                        break;
                    }
                }
                w.title = title as u8;
                w.rank_since = -(init.years_at_rank.sample(&mut r) as f32);
                if r.random::<f64>() < funded {
                    w.flags |= FUNDED;
                }
                self.place(&mut w, c, false);
                w.flags |= STOCK;
                self.tally.entrants[p] += 1;
                self.staff.push(w);
            }
        }
    }

    /// The village doctors serving at the start: each village post filled with probability
    /// `village_initial_fill`, ages from the pathway's `initial_age`.
    pub(super) fn seed_village_doctors(&mut self) {
        let Some(p) = self.s.pathway_of_kind(PathwayKind::VillageDoctor) else {
            return;
        };
        let p = p.0 as usize;
        let age_dist = self.s.pathways[p]
            .initial_age
            .expect("validated: village doctors have an initial age");
        let fill = self.s.region.village_initial_fill.get();
        for v in 0..self.villages.len() as u32 {
            let fill_key = self.key(&[Entity::VillageFill as u64, v as u64, 0]);
            for j in 0..self.villages[v as usize].posts {
                if rng::unit(fill_key, Draw::Placement, j) >= fill {
                    continue;
                }
                let key = self.key(&[Entity::VillageDoctor as u64, v as u64, j as u64]);
                let (mut w, _) = self.new_worker(p, key, 0.0, Status::Serving, &age_dist);
                let age = -(w.birth as f64);
                w.rank_since = -((age - VILLAGE_CAREER_START_AGE).max(0.0) as f32);
                self.place_village(&mut w, v);
                w.flags |= STOCK;
                self.tally.entrants[p] += 1;
                self.village_paid.push(w);
            }
        }
    }

    /// Appoint centre staff to an establishment post (or a reserve post) of `centre`.
    pub(super) fn place(&mut self, w: &mut Worker, centre: usize, reserve: bool) {
        w.status = Status::Serving;
        w.centre = centre as u16;
        w.village = NO_VILLAGE;
        let c = &mut self.centres[centre];
        if reserve {
            w.flags |= RESERVE;
            c.reserve_filled += 1;
        } else {
            c.filled += 1;
        }
        c.titles[w.title as usize] += 1;
    }

    /// Post a village-paid worker at village `v`.
    pub(super) fn place_village(&mut self, w: &mut Worker, v: u32) {
        w.status = Status::Serving;
        w.centre = self.centre_of_village(v) as u16;
        w.village = v;
        self.villages[v as usize].filled += 1;
    }
}
