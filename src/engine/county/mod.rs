//! One county of one replication, simulated from the first year to the last: the `County`
//! state, the yearly loop and the tables each year's policy sets.
//!
//! Time runs in whole years for the institutional processes (enrolment, placement, title
//! evaluation, training, the recruitment round, village refills), which happen once a year at
//! the start of the year under the policy in force that year, and in `steps_per_year` steps for
//! the exit hazards. Each worker draws one Exp(1) threshold at creation and leaves when the
//! cumulative hazard crosses it; within a step the hazard is constant (split at the contract-end
//! boundaries), so the exit time is exact for that piecewise-constant hazard and no per-step
//! random draw is needed.
//!
//! Posts: each township health centre has establishment posts (and, with a staffing reserve,
//! reserve posts whose holders are sent to vacant village posts); each village clinic has
//! village-doctor posts. Village-paid workers (village doctors, local apprentices) hold village
//! posts and live on subsidies and fees; everyone else is centre staff on a salary, wherever
//! posted.
//!
//! One file per mechanism: `workers` (the person and how one is made), `pipeline` (study,
//! residency, placement), `promotion` (title evaluation, quotas, training), `recruitment` (the
//! open-recruitment round), `villages` (village posts, refills, the exit rule, pensions),
//! `hazard` (the exit hazard and its within-year boundaries), `advance` (the year pass over
//! the workers), `exits` (leaving, and where leavers go), `census` (the yearly counts).

mod advance;
mod census;
mod exits;
mod hazard;
mod pipeline;
mod promotion;
mod recruitment;
mod villages;
mod workers;

#[cfg(test)]
mod tests;

pub use workers::WORKER_BYTES;

use super::rng::{self, Entity};
use super::tally::Tally;
use crate::policy::Policy;
use crate::population::PathwayKind;
use crate::scenario::Scenario;
use workers::{Status, Worker};

/// The kinds of worker a county keeps in separate vectors (see `County::pipeline`): passes
/// over workers take the kind as a const generic parameter.
const PIPELINE: u8 = 0;

const STAFF: u8 = 1;

const VILLAGE_PAID: u8 = 2;

/// Most service years the pension table distinguishes (entitlement is capped before this).
const MAX_SERVICE_BUCKET: usize = 60;

struct Centre {
    /// Establishment posts.
    posts: u32,
    remoteness: f64,
    /// At or above the region's remote threshold.
    remote: bool,
    /// `remoteness_hr ^ remoteness`.
    remote_hr: f64,
    /// Remote allowance in yuan a year this year (0 when not remote).
    allowance: f64,
    /// Establishment posts held.
    filled: u32,
    /// Reserve posts held (at the centre or sent to villages).
    reserve_filled: u32,
    /// Centre staff by appointed title (reserve included).
    titles: [u32; 4],
    /// This township's villages: `villages[first_village..end_village]`.
    first_village: u32,
    end_village: u32,
}

struct VillageClinic {
    posts: u32,
    filled: u32,
    /// Posts held by centre staff sent from the staffing reserve.
    from_reserve: u32,
}

/// Precomputed per-pathway constants.
struct PathwayConst {
    base: f64,
    kind: PathwayKind,
    village_paid: bool,
    dest: [f64; 4],
}

struct County<'a> {
    s: &'a Scenario,
    /// The policy in force this year.
    pol: &'a Policy,
    /// `rng::key(&[seed, rep, county])`, which every key of this county extends.
    key_prefix: u64,
    dt: f64,
    centres: Vec<Centre>,
    villages: Vec<VillageClinic>,
    /// Workers by kind (`PIPELINE`, `STAFF`, `VILLAGE_PAID`), kept apart so that the hot loops
    /// run over one kind at a time with no per-worker branch on which kind it is: students and
    /// residents of every pathway; serving centre staff (incumbents, recruits, order-oriented
    /// graduates); serving village-paid workers (village doctors, local apprentices).
    pipeline: Vec<Worker>,
    staff: Vec<Worker>,
    village_paid: Vec<Worker>,
    paths: Vec<PathwayConst>,
    tally: Tally,
    /// Hazard multiplier per centre × title for the current year (pay gap and remoteness).
    centre_mult: Vec<f64>,
    /// Hazard multiplier of village-paid workers by whole years of service (pay gap with the
    /// valued pension entitlement), before remoteness.
    village_mult: Vec<f64>,
    /// Nominal pay per title for the current year (without allowances or uplift).
    pay_now: [f64; 4],
    /// Village subsidy and fee income per worker this year, nominal yuan a year.
    village_subsidy_now: f64,
    village_topup_now: f64,
    /// Hazard ratio of the breach penalty this year (`behaviour::penalty_hr`): on exits under
    /// obligation and on not reporting after residency.
    under_contract: f64,
    /// This year's village-doctor pension rate and cap over their stated values: 1 for a fixed
    /// nominal pension, the village income growth since the start for an indexed one.
    pension_scale: f64,
    /// Village-doctor pensions being paid: (yuan a year, from, until) in simulation time.
    pensioners: Vec<(f64, f32, f32)>,
    // Reusable buffers: no allocation in the yearly loop once they have grown.
    buf: Vec<u32>,
    /// Promotion candidates: (packed sort key, worker index); see `candidate_key`.
    candidates: Vec<(u128, u32)>,
    /// The same, grouped by pool and rank (see `promote`).
    grouped: Vec<(u128, u32)>,
}

/// Simulate county `county` of replication `rep`.
pub fn simulate_county(s: &Scenario, rep: u32, county: u32) -> Tally {
    let mut c = County::new(s, rep, county);
    c.run();
    c.tally
}

impl<'a> County<'a> {
    fn new(s: &'a Scenario, rep: u32, county: u32) -> County<'a> {
        let seed = s.simulation.seed;
        let mut rng = rng::stream(rng::key(&[
            seed,
            rep as u64,
            county as u64,
            Entity::Region as u64,
        ]));
        let n_centres = s.region.townships_per_county.sample_count(&mut rng).max(1) as usize;
        let b = &s.behaviour;
        let mut centres: Vec<Centre> = Vec::with_capacity(n_centres);
        let mut n_villages = 0u32;
        for _ in 0..n_centres {
            let posts = s.region.posts_per_centre.sample_count(&mut rng).max(1);
            let remoteness = s.region.remoteness.sample(&mut rng).clamp(0.0, 1.0);
            let villages = s.region.villages_per_township.sample_count(&mut rng);
            centres.push(Centre {
                posts,
                remoteness,
                remote: remoteness >= s.region.remote_threshold.get(),
                remote_hr: b.remoteness_hr.powf(remoteness),
                allowance: 0.0,
                filled: 0,
                reserve_filled: 0,
                titles: [0; 4],
                first_village: n_villages,
                end_village: n_villages + villages,
            });
            n_villages += villages;
        }
        let paths = s
            .pathways
            .iter()
            .map(|p| PathwayConst {
                base: p.base_exit_rate.get(),
                kind: p.kind,
                village_paid: p.kind.village_paid(),
                dest: p.destinations.0,
            })
            .collect();
        let mut c = County {
            s,
            pol: s.policy_at(0),
            key_prefix: rng::key(&[seed, rep as u64, county as u64]),
            dt: 1.0 / s.simulation.steps_per_year as f64,
            centres,
            villages: Vec::with_capacity(n_villages as usize),
            pipeline: Vec::new(),
            staff: Vec::new(),
            village_paid: Vec::new(),
            paths,
            tally: Tally::new(s.pathways.len(), s.simulation.years as usize),
            centre_mult: vec![1.0; n_centres * 4],
            village_mult: Vec::new(),
            pay_now: [0.0; 4],
            village_subsidy_now: 0.0,
            village_topup_now: 0.0,
            under_contract: 1.0,
            pension_scale: 1.0,
            pensioners: Vec::new(),
            buf: Vec::new(),
            candidates: Vec::new(),
            grouped: Vec::new(),
        };
        // Village posts come from each village's own stream, so the township layout above does
        // not depend on the village settings.
        for ci in 0..c.centres.len() {
            for v in c.centres[ci].first_village..c.centres[ci].end_village {
                let mut r = rng::stream(c.key(&[Entity::VillageFill as u64, v as u64, 1]));
                let posts = s.region.village_posts.sample_count(&mut r);
                c.villages.push(VillageClinic {
                    posts,
                    filled: 0,
                    from_reserve: 0,
                });
            }
        }
        // Room for everyone the posts can hold plus a margin for students and turnover, so
        // that the vectors rarely double (and overshoot memory) mid-run.
        let posts: usize = c.centres.iter().map(|x| x.posts as usize).sum();
        let village_posts: usize = c.villages.iter().map(|v| v.posts as usize).sum();
        c.staff.reserve(posts + posts / 8 + 64);
        c.village_paid
            .reserve(village_posts + village_posts / 8 + 16);
        c.seed_incumbents();
        c.seed_village_doctors();
        c
    }
}

impl County<'_> {
    /// The key of an entity of this county: `rng::key(&[seed, rep, county, parts…])`.
    fn key(&self, parts: &[u64]) -> u64 {
        rng::extend_key(self.key_prefix, parts)
    }

    fn kind_mut(&mut self, kind: u8) -> &mut Vec<Worker> {
        match kind {
            PIPELINE => &mut self.pipeline,
            STAFF => &mut self.staff,
            _ => &mut self.village_paid,
        }
    }

    /// Add a serving worker to the vector of its kind.
    fn push_serving(&mut self, w: Worker) {
        debug_assert!(w.status == Status::Serving);
        if self.paths[w.pathway as usize].village_paid {
            self.village_paid.push(w);
        } else {
            self.staff.push(w);
        }
    }

    fn centre_of_village(&self, v: u32) -> usize {
        self.centres
            .partition_point(|c| c.end_village <= v)
            .min(self.centres.len() - 1)
    }

    fn run(&mut self) {
        self.run_years(0..self.s.simulation.years);
        self.censor_at_end();
    }

    /// Simulate years `years` (which must follow on from the years already simulated).
    fn run_years(&mut self, years: std::ops::Range<u32>) {
        for y in years {
            self.pol = self.s.policy_at(y);
            self.set_year_tables(y);
            self.enrol(y);
            self.advance_pipeline(y);
            self.rehire_at_exit_age(y);
            // Also draws this year's training.
            self.promote(y);
            self.recruit(y);
            // The start-of-year count comes before this year's village refills, so that the
            // first year shows the stock as the scenario describes it.
            self.snapshot(y);
            self.staff_villages(y);
            self.pay_pensions(y);
            self.advance_year(y);
        }
    }

    fn set_year_tables(&mut self, y: u32) {
        let s = self.s;
        let pol = self.pol;
        let b = &s.behaviour;
        let f_in = (1.0 + pol.salary.growth).powi(y as i32);
        let f_out = (1.0 + s.outside.growth).powi(y as i32);
        let uplift = pol.salary.performance_uplift.get();
        for t in 0..4 {
            self.pay_now[t] = pol.salary.base.0[t] * f_in;
        }
        for (ci, c) in self.centres.iter_mut().enumerate() {
            // Nominal this year: the stated sum, grown with pay when the allowance is indexed.
            c.allowance = if c.remote {
                pol.salary.remote_allowance.get()
                    * if pol.salary.remote_allowance_indexed {
                        f_in
                    } else {
                        1.0
                    }
            } else {
                0.0
            };
            for t in 0..4 {
                // The gap is measured in start-year yuan (deflated by outside wage growth), so
                // that equal nominal growth inside and outside leaves the incentive unchanged.
                let own = (self.pay_now[t] * (1.0 + uplift) + c.allowance) / f_out;
                let gap = s.outside.pay.0[t] - own;
                self.centre_mult[ci * 4 + t] =
                    (b.pay_effect_per_10k_yuan * gap / 1e4).exp() * c.remote_hr;
            }
        }
        // Village income: subsidies and fees, topped up to the floor by the public purse.
        let v = &pol.village;
        let f_v = (1.0 + v.growth).powi(y as i32);
        let earned = (v.subsidy.get() + v.fee_income.get()) * f_v;
        let index_v = |indexed: bool| if indexed { f_v } else { 1.0 };
        let income = earned.max(v.income_floor.get() * index_v(v.income_floor_indexed));
        self.village_subsidy_now = v.subsidy.get() * f_v;
        self.village_topup_now = income - earned;
        self.pension_scale = index_v(v.pension_indexed);
        let per_year = v.pension_per_service_year.get() * self.pension_scale;
        let buckets = if per_year > 0.0 {
            ((v.pension_cap.get() / per_year).ceil() as usize).min(MAX_SERVICE_BUCKET)
        } else {
            0
        };
        self.village_mult.clear();
        for service in 0..=buckets {
            // The pension entitlement so far (yuan a year), valued at `pension_weight`.
            let pension =
                (per_year * service as f64).min(v.pension_cap.get() * self.pension_scale) * 12.0;
            let own = (income + b.pension_weight * pension) / f_out;
            let gap = s.outside.village_pay - own;
            self.village_mult
                .push((b.pay_effect_per_10k_yuan * gap / 1e4).exp());
        }
        // The penalty against a junior's own pay, both in this year's yuan (an RTME graduate under
        // obligation is a junior): a fixed nominal penalty weighs less as pay grows.
        let penalty = pol.contract.breach_penalty.get()
            * if pol.contract.breach_penalty_indexed {
                f_in
            } else {
                1.0
            };
        self.under_contract =
            crate::behaviour::penalty_hr(penalty, self.pay_now[0], b.penalty_elasticity);
    }
}
