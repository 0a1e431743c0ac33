//! One county of one replication, simulated from the first year to the last.
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

use super::rng::{self, Draw, Entity};
use super::tally::{Cost, Phase, RETIRED, Tally};
use crate::policy::{Policy, QuotaPool};
use crate::population::{PathwayKind, Title, standard_normal};
use crate::scenario::Scenario;
use rand::RngExt;
use rand_distr::{Distribution, Exp1, Poisson};

const FEMALE: u16 = 1;
const HOMETOWN: u16 = 1 << 1;
const RURAL: u16 = 1 << 2;
const FUNDED: u16 = 1 << 3;
const BACHELOR: u16 = 1 << 4;
/// Qualified for the next rank but no quota post (raises the exit hazard).
const BLOCKED: u16 = 1 << 5;
/// Passed the evaluation for the next rank, waiting for a post.
const PASSED: u16 = 1 << 6;
/// Away for training or rotation this year.
const TRAINING: u16 = 1 << 7;
/// Holds a grassroots-track title (not valid outside the grassroots).
const GRASSROOTS: u16 = 1 << 8;
/// Employed on a centre's reserve post (at the centre or sent to a village).
const RESERVE: u16 = 1 << 9;
/// A village doctor kept on past the local exit age.
const REHIRED: u16 = 1 << 10;
/// Joined after this year's start-of-year count (a village refill): not counted until next year.
const NEW: u16 = 1 << 11;

/// Which age normalisation `Worker::pref` carries (two flag bits; see `County::log_norm`).
/// Under the age cap: `pref × exp(−β·birth)`, so everyone's age effect at time `t` is the
/// shared `exp(β·(t − ref))`.
const YOUNG: u16 = 0;
/// At or past the age cap: `pref × exp(β·(cap − ref))`, the age effect folded in for good.
const CAPPED: u16 = 1 << 12;
/// Village-paid, past the cap and past `OLD_AGE`: also `× exp(−γ·(birth + OLD_AGE))`, so the
/// old-age effect `exp(γ·(age − OLD_AGE))` at time `t` is the shared `exp(γ·t)`.
const CAPPED_OLD: u16 = 2 << 12;
const REGIME: u16 = 3 << 12;

/// Age past which a village doctor's exit hazard rises (no statutory retirement for them).
const OLD_AGE: f64 = 60.0;

/// The kinds of worker a county keeps in separate vectors (see `County::pipeline`): passes
/// over workers take the kind as a const generic parameter.
const PIPELINE: u8 = 0;
const STAFF: u8 = 1;
const VILLAGE_PAID: u8 = 2;

/// Not posted at a village clinic.
const NO_VILLAGE: u32 = u32::MAX;

/// Age at which village doctors are assumed to have started village work, for the service
/// years (pension entitlement) of those already serving at the start (assumption).
const VILLAGE_CAREER_START_AGE: f64 = 25.0;
/// Age to which village-doctor pensions are paid: life expectancy at 60 is about 20 years
/// (China, 2020 census life tables; assumption for the cost only).
const PENSION_END_AGE: f64 = 80.0;
/// Most service years the pension table distinguishes (entitlement is capped before this).
const MAX_SERVICE_BUCKET: usize = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Status {
    Studying,
    Residency,
    Serving,
}

/// One simulated person. Plain data, 56 bytes: the hot loop walks a vector of these.
#[derive(Debug, Clone, Copy)]
struct Worker {
    /// Stream key: every later draw of this worker derives from it.
    key: u64,
    /// What is left of the Exp(1) exit threshold after the cumulative hazard so far.
    remaining: f64,
    /// Individual hazard multiplier (latent preference × origin effects, fixed for life) times
    /// the age normalisation of the worker's age regime (`YOUNG`, `CAPPED`, `CAPPED_OLD` in
    /// `flags`): under the cap it carries `exp(−β_age · birth)`, so that the age effect
    /// `exp(β_age · (age − ref))` is the same `exp(β_age · (t − ref))` for everyone, computed
    /// once per step instead of once per worker (see `advance_year`).
    pref: f32,
    /// Calendar times, in years since the start of the simulation.
    birth: f32,
    /// Start of service (the retention clock); for students, their graduation date.
    entry: f32,
    /// End of the current stage (study, residency); unused while serving.
    stage_end: f32,
    /// End of the service obligation (infinity when there is none).
    contract_end: f32,
    /// Centre staff: since when at the current rank. Village-paid: start of village service
    /// (the pension entitlement).
    rank_since: f32,
    /// Statutory retirement, or for village-paid workers the local exit age (infinity once
    /// rehired).
    retire_at: f32,
    /// Village post held (or, for apprentices in training, their home village).
    village: u32,
    centre: u16,
    flags: u16,
    pathway: u8,
    title: u8,
    status: Status,
}

const _: () = assert!(std::mem::size_of::<Worker>() <= 56);

/// Bytes of one simulated person in memory (reported by the memory bench).
pub const WORKER_BYTES: usize = std::mem::size_of::<Worker>();

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
    under_contract: f64,
    /// Village-doctor pensions being paid: (yuan a year, from, until) in simulation time.
    pensioners: Vec<(f64, f32, f32)>,
    // Reusable buffers: no allocation in the yearly loop once they have grown.
    buf: Vec<u32>,
    /// Promotion candidates: (packed sort key, worker index); see `candidate_key`.
    candidates: Vec<(u128, u32)>,
    /// The same, grouped by pool and rank (see `promote`).
    grouped: Vec<(u128, u32)>,
}

impl Worker {
    fn has(&self, f: u16) -> bool {
        self.flags & f != 0
    }
    fn at_village(&self) -> bool {
        self.village != NO_VILLAGE
    }
}

/// Sort key of a promotion candidate, as one integer: pool, then rank from the top (a
/// promotion frees a post below), then seniority (earliest `rank_since` first, in `f32`
/// total order), then the worker's key — so that sorting is a plain integer sort.
#[inline]
fn candidate_key(pool: u32, rank: usize, since: f32, key: u64) -> u128 {
    let bits = since.to_bits();
    // Flip so that unsigned order is `f32::total_cmp` order.
    let since = if bits >> 31 == 1 {
        !bits
    } else {
        bits | 0x8000_0000
    };
    ((pool as u128) << 98) | (((3 - rank) as u128) << 96) | ((since as u128) << 64) | key as u128
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

    /// Create a person of pathway `p` with the traits every pathway shares. `age_at` is the
    /// calendar time (years since the start) at which `age` is drawn from `age_dist`; `y` the
    /// simulated year whose policy applies (retirement rules).
    fn new_worker(
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

    fn seed_incumbents(&mut self) {
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
                self.tally.entrants[p] += 1;
                self.staff.push(w);
            }
        }
    }

    /// The village doctors serving at the start: each village post filled with probability
    /// `village_initial_fill`, ages from the pathway's `initial_age`.
    fn seed_village_doctors(&mut self) {
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
                self.tally.entrants[p] += 1;
                self.village_paid.push(w);
            }
        }
    }

    /// Appoint centre staff to an establishment post (or a reserve post) of `centre`.
    fn place(&mut self, w: &mut Worker, centre: usize, reserve: bool) {
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
    fn place_village(&mut self, w: &mut Worker, v: u32) {
        w.status = Status::Serving;
        w.centre = self.centre_of_village(v) as u16;
        w.village = v;
        self.villages[v as usize].filled += 1;
    }

    fn run(&mut self) {
        let years = self.s.simulation.years;
        for y in 0..years {
            self.pol = self.s.policy_at(y);
            self.set_year_tables(y);
            self.enrol(y);
            self.advance_pipeline(y);
            // Also draws this year's training and applies the village exit rule, in the same
            // pass over the workers.
            self.promote(y);
            self.recruit(y);
            // The start-of-year count comes before this year's village refills, so that the
            // first year shows the stock as the scenario describes it.
            self.snapshot(y);
            self.staff_villages(y);
            self.pay_pensions(y);
            self.advance_year(y);
        }
        self.censor_at_end();
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
            c.allowance = if c.remote {
                pol.salary.remote_allowance.get()
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
        let income = earned.max(v.income_floor.get());
        self.village_subsidy_now = v.subsidy.get() * f_v;
        self.village_topup_now = income - earned;
        let per_year = v.pension_per_service_year.get();
        let buckets = if per_year > 0.0 {
            ((v.pension_cap.get() / per_year).ceil() as usize).min(MAX_SERVICE_BUCKET)
        } else {
            0
        };
        self.village_mult.clear();
        for service in 0..=buckets {
            // The pension entitlement so far (yuan a year), valued at `pension_weight`.
            let pension = (per_year * service as f64).min(v.pension_cap.get()) * 12.0;
            let own = (income + b.pension_weight * pension) / f_out;
            let gap = s.outside.village_pay - own;
            self.village_mult
                .push((b.pay_effect_per_10k_yuan * gap / 1e4).exp());
        }
        self.under_contract =
            (-b.penalty_effect_per_10k_yuan * pol.contract.breach_penalty.get() / 1e4).exp();
    }

    /// Home village of a new apprentice: one with a vacant post if any (drawn uniformly among
    /// them), else any village; `NO_VILLAGE` if the county has none.
    fn home_village(&self, key: u64) -> u32 {
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

    fn enrol(&mut self, y: u32) {
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
                self.tally.pipeline[p].enrolled += 1;
                self.pipeline.push(w);
            }
        }
    }

    /// Students who finish study start residency (and service: the retention clock starts at
    /// graduation, when an order-oriented contract's obligation starts); residents who finish
    /// report for service — order-oriented graduates at a township centre, apprentices at their
    /// own village — or do not.
    fn advance_pipeline(&mut self, y: u32) {
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
                self.tally.pipeline[p].graduated += 1;
                self.tally.entrants[p] += 1;
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
            self.tally.pipeline[p].finished_residency += 1;
            let apprentice = self.paths[p].village_paid;
            // An apprentice from a county without villages has nowhere to return to.
            if rng::unit(w.key, Draw::NoShow, 0) < pipe.no_show.get()
                || (apprentice && w.village == NO_VILLAGE)
            {
                self.record_exit(&w, t, y);
                continue;
            }
            self.tally.pipeline[p].reported += 1;
            if apprentice {
                let v = w.village;
                self.place_village(&mut w, v);
                w.rank_since = t as f32;
            } else {
                let centre = self.choose_centre(w.key);
                w.flags |= FUNDED;
                self.place(&mut w, centre, false);
                self.tally.staffing[y as usize].placed += 1;
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

    /// The centre with the most vacant posts (lowest index on ties); over establishment at a
    /// centre chosen by the worker's own draw when every post is filled.
    fn choose_centre(&self, key: u64) -> usize {
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

    /// Annual title evaluation of centre staff: eligible staff sit the exam (helped by a
    /// training year); those who have passed are appointed in order of seniority while the
    /// quota of their pool allows, and otherwise are blocked (qualified, no post), which raises
    /// their exit hazard. With the grassroots track, eligible staff the regular route did not
    /// appoint may get a grassroots-only title on the posts set aside for the track — the
    /// track adds appointments, it never adds blocked workers.
    fn promote(&mut self, y: u32) {
        let t = y as f64;
        let rules = &self.pol.titles;
        let train_mult = self.s.behaviour.training_pass_multiplier;
        let pool_of = |c: u16| match rules.quota_pool {
            QuotaPool::Centre => c as u32,
            QuotaPool::County => 0,
        };
        let training = &self.pol.training;
        let (train_p, train_cost) = (
            training.probability.get(),
            training.months * training.cost_per_month.get(),
        );
        let rehire = self.pol.village.rehire_share.get();
        let year_end = (y + 1) as f32;
        let (mut trained, mut rehired) = (0u32, 0u64);
        // The local exit rule: village-paid workers reaching the exit age this year leave at
        // that age unless the clinic rehires them (decided now).
        let paths = &self.paths;
        let pipeline_village_paid = self
            .pipeline
            .iter_mut()
            .filter(|w| paths[w.pathway as usize].village_paid);
        for w in self.village_paid.iter_mut().chain(pipeline_village_paid) {
            if !w.has(REHIRED)
                && w.retire_at < year_end
                && rng::unit(w.key, Draw::Rehire, 0) < rehire
            {
                w.retire_at = f32::INFINITY;
                w.flags |= REHIRED;
                rehired += 1;
            }
        }
        // Years at the current rank needed for the next, by pathway, rank held and degree
        // (infinite at the top rank).
        let need_years: Vec<[[f64; 2]; 4]> = self
            .paths
            .iter()
            .map(|pc| {
                std::array::from_fn(|title| {
                    std::array::from_fn(|bachelor| {
                        let next = title + 1;
                        if next > 3 {
                            return f64::INFINITY;
                        }
                        let mut need = rules.min_years.0[next];
                        if bachelor == 0 {
                            need += rules.college_extra_years;
                        }
                        if next == 1 && pc.kind == PathwayKind::OrderOriented {
                            need -= rules.order_oriented_head_start;
                        }
                        need
                    })
                })
            })
            .collect();
        let train_salt = rng::salt(Draw::Training, y);
        self.candidates.clear();
        for (i, w) in self.staff.iter_mut().enumerate() {
            // Last year's training helps this evaluation; then this year's is drawn.
            let trained_last_year = w.has(TRAINING);
            w.flags &= !(BLOCKED | TRAINING);
            if train_p > 0.0 && rng::unit_salted(w.key, train_salt) < train_p {
                w.flags |= TRAINING;
                trained += 1;
            }
            let bachelor = usize::from(w.has(BACHELOR));
            let need = need_years[w.pathway as usize][w.title as usize][bachelor];
            if t - w.rank_since as f64 + 1e-6 < need {
                continue;
            }
            let next = w.title as usize + 1;
            if !w.has(PASSED) {
                let mut pass = rules.pass_probability.0[next];
                if trained_last_year {
                    pass = (pass * train_mult).min(1.0);
                }
                // Those who fail may still try the grassroots track, when there is one.
                if rng::unit(w.key, Draw::Exam, y) < pass {
                    w.flags |= PASSED;
                } else if !rules.grassroots_track {
                    continue;
                }
            }
            self.candidates.push((
                candidate_key(pool_of(w.centre), next, w.rank_since, w.key),
                i as u32,
            ));
        }
        self.tally.cost[y as usize].training += trained as f64 * train_cost;
        self.tally.villages[y as usize].rehired += rehired;
        if self.candidates.is_empty() {
            return;
        }
        let pools = match rules.quota_pool {
            QuotaPool::Centre => self.centres.len(),
            QuotaPool::County => 1,
        };
        let mut posts = vec![0u64; pools];
        // Titles held within the quota, and grassroots-track titles on the posts set aside.
        let mut held = vec![[0u64; 4]; pools];
        let mut track = vec![[0u64; 4]; pools];
        for (ci, c) in self.centres.iter().enumerate() {
            let p = pool_of(ci as u16) as usize;
            posts[p] += c.posts as u64;
            for (h, n) in held[p].iter_mut().zip(c.titles) {
                *h += n as u64;
            }
        }
        if rules.grassroots_track {
            for w in &self.staff {
                if w.has(GRASSROOTS) {
                    let p = pool_of(w.centre) as usize;
                    track[p][w.title as usize] += 1;
                    held[p][w.title as usize] -= 1;
                }
            }
        }
        // Posts each pool may hold at each rank: within the quota, and set aside for the track.
        let limits: Vec<[(u64, u64); 4]> = posts
            .iter()
            .map(|&n| {
                std::array::from_fn(|r| {
                    let q = rules.quota.0[r];
                    let allowed = if q >= 1.0 {
                        u64::MAX
                    } else {
                        (q * n as f64 + 1e-9).floor() as u64
                    };
                    let set_aside = (rules.grassroots_quota.0[r] * n as f64 + 1e-9).floor() as u64;
                    (allowed, set_aside)
                })
            })
            .collect();
        // Candidates are taken by pool, then rank from the top (a promotion frees a post
        // below), then seniority. Grouped by (pool, rank) with a counting sort; a group is
        // sorted by seniority only if it has a free post at its start (free posts only shrink
        // while a group is served), since without one every candidate's outcome is the same
        // whatever the order. Most years most groups have none.
        let groups = pools * 4;
        let mut starts = vec![0usize; groups + 1];
        for &(packed, _) in &self.candidates {
            starts[(packed >> 96) as usize + 1] += 1;
        }
        for g in 0..groups {
            starts[g + 1] += starts[g];
        }
        let mut next = starts.clone();
        self.grouped.clear();
        self.grouped.resize(self.candidates.len(), (0, 0));
        for &c in &self.candidates {
            let g = (c.0 >> 96) as usize;
            self.grouped[next[g]] = c;
            next[g] += 1;
        }
        let mut group_end = 0;
        for k in 0..self.grouped.len() {
            let (pool, r) = {
                let packed = self.grouped[k].0;
                ((packed >> 98) as usize, 3 - ((packed >> 96) & 3) as usize)
            };
            let (allowed, set_aside) = limits[pool][r];
            if k == group_end {
                group_end = starts[(self.grouped[k].0 >> 96) as usize + 1];
                if held[pool][r] < allowed || (rules.grassroots_track && track[pool][r] < set_aside)
                {
                    self.grouped[k..group_end].sort_unstable();
                }
            }
            let i = self.grouped[k].1;
            let w = &mut self.staff[i as usize];
            let passed = w.has(PASSED);
            // The regular route: passed the evaluation and a quota post is free. The grassroots
            // track: a post set aside for it is free, and the worker either passed already
            // (but the quota is full) or passes the track's own evaluation.
            let within_quota = passed && held[pool][r] < allowed;
            let on_track = !within_quota
                && rules.grassroots_track
                && track[pool][r] < set_aside
                && (passed
                    || rng::unit(w.key, Draw::TrackExam, y)
                        < rules.grassroots_pass_probability.0[r]);
            if within_quota || on_track {
                // The rank left behind frees a post of its own kind.
                if w.has(GRASSROOTS) {
                    track[pool][r - 1] = track[pool][r - 1].saturating_sub(1);
                } else {
                    held[pool][r - 1] -= 1;
                }
                if within_quota {
                    held[pool][r] += 1;
                } else {
                    track[pool][r] += 1;
                }
                let c = &mut self.centres[w.centre as usize];
                c.titles[r] += 1;
                c.titles[r - 1] -= 1;
                w.title = r as u8;
                w.rank_since = t as f32;
                w.flags &= !(PASSED | BLOCKED | GRASSROOTS);
                if !within_quota {
                    w.flags |= GRASSROOTS;
                }
            } else if passed {
                w.flags |= BLOCKED;
            }
        }
    }

    /// The annual open-recruitment round: each vacant establishment post (then each vacant
    /// reserve post) is advertised; it is filled only if applicants reach the required ratio
    /// (relaxed for remote townships when the policy says so), otherwise the round cancels it.
    fn recruit(&mut self, y: u32) {
        let Some(hire) = self.s.hire_pathway() else {
            return;
        };
        let hire = hire.0 as usize;
        let pol = self.pol;
        let r = &pol.recruitment;
        let t = y as f64;
        let f_out = (1.0 + self.s.outside.growth).powi(y as i32);
        let reserve_posts = pol.village.reserve_per_township;
        let age_dist = self.s.pathways[hire].age_at_entry;
        for ci in 0..self.centres.len() {
            let c = &self.centres[ci];
            let vacant = c.posts.saturating_sub(c.filled);
            let vacant_reserve = reserve_posts.saturating_sub(c.reserve_filled);
            if vacant + vacant_reserve == 0 {
                continue;
            }
            // Applicants respond to remoteness (unless the county hires for every township)
            // and to pay above the salary scale (allowance, uplift), in start-year yuan.
            let remoteness = if r.unified_county_hiring {
                0.0
            } else {
                c.remoteness
            };
            let extra =
                (c.allowance + pol.salary.performance_uplift.get() * self.pay_now[0]) / f_out;
            let lambda = r.applicants_per_post
                * (r.remoteness_effect * remoteness + r.pay_effect_per_10k_yuan * extra / 1e4)
                    .exp();
            let ratio = if c.remote { r.remote_ratio } else { r.ratio };
            let mut rng = rng::stream(self.key(&[Entity::Applicants as u64, ci as u64, y as u64]));
            let poisson = Poisson::new(lambda).ok();
            for j in 0..vacant + vacant_reserve {
                let applicants = poisson.as_ref().map_or(0.0, |d| d.sample(&mut rng));
                let st = &mut self.tally.staffing[y as usize];
                st.advertised += 1;
                if applicants >= 1.0 && applicants >= ratio {
                    st.hired += 1;
                    let key = self.key(&[Entity::Recruit as u64, ci as u64, y as u64, j as u64]);
                    let (mut w, _) = self.new_worker(hire, key, t, Status::Serving, &age_dist);
                    w.flags |= FUNDED;
                    self.place(&mut w, ci, j >= vacant);
                    self.tally.entrants[hire] += 1;
                    self.push_serving(w);
                } else {
                    st.cancelled += 1;
                }
            }
        }
    }

    /// Vacant village posts are filled first from the township's staffing reserve (centre
    /// staff sent to the village), then, each with probability `refill_rate`, by a new
    /// village doctor.
    fn staff_villages(&mut self, y: u32) {
        let t = y as f64;
        // Reserve staff still at their centre, in (centre, key) order; none without reserve
        // posts (then the scan over every worker is skipped).
        self.buf.clear();
        if self.centres.iter().any(|c| c.reserve_filled > 0) {
            for (i, w) in self.staff.iter().enumerate() {
                if w.has(RESERVE) && !w.at_village() {
                    self.buf.push(i as u32);
                }
            }
        }
        let mut buf = std::mem::take(&mut self.buf);
        buf.sort_unstable_by_key(|&i| {
            let w = &self.staff[i as usize];
            (w.centre, w.key)
        });
        let mut next = 0;
        for ci in 0..self.centres.len() {
            while next < buf.len() && (self.staff[buf[next] as usize].centre as usize) < ci {
                next += 1;
            }
            let (first, end) = (self.centres[ci].first_village, self.centres[ci].end_village);
            for v in first..end {
                while self.villages[v as usize].filled < self.villages[v as usize].posts
                    && next < buf.len()
                    && self.staff[buf[next] as usize].centre as usize == ci
                {
                    let w = &mut self.staff[buf[next] as usize];
                    w.village = v;
                    self.villages[v as usize].from_reserve += 1;
                    self.villages[v as usize].filled += 1;
                    next += 1;
                }
            }
        }
        self.buf = buf;
        let Some(p) = self.s.pathway_of_kind(PathwayKind::VillageDoctor) else {
            return;
        };
        let p = p.0 as usize;
        let rate = self.s.pathways[p].refill_rate.map_or(0.0, |r| r.get());
        if rate <= 0.0 {
            return;
        }
        let age_dist = self.s.pathways[p].age_at_entry;
        for v in 0..self.villages.len() as u32 {
            let vacant = self.villages[v as usize]
                .posts
                .saturating_sub(self.villages[v as usize].filled);
            if vacant == 0 {
                continue;
            }
            let vk = self.key(&[Entity::VillageRefill as u64, v as u64, y as u64]);
            for j in 0..vacant {
                if rng::unit(vk, Draw::Placement, j) >= rate {
                    continue;
                }
                let key = self.key(&[
                    Entity::VillageRefill as u64,
                    v as u64,
                    y as u64,
                    j as u64 + 1,
                ]);
                let (mut w, _) = self.new_worker(p, key, t, Status::Serving, &age_dist);
                self.place_village(&mut w, v);
                w.flags |= NEW;
                self.tally.entrants[p] += 1;
                self.tally.villages[y as usize].refilled += 1;
                self.village_paid.push(w);
            }
        }
    }

    fn snapshot(&mut self, y: u32) {
        let yi = y as usize;
        let mut posts = 0;
        let mut filled = 0;
        let mut reserve_filled = 0;
        for c in &self.centres {
            posts += c.posts as u64;
            filled += c.filled as u64;
            reserve_filled += c.reserve_filled as u64;
            for r in 0..4 {
                self.tally.centre_titles[yi * 4 + r] += c.titles[r] as u64;
            }
        }
        let st = &mut self.tally.staffing[yi];
        st.posts += posts;
        st.filled += filled;
        let vc = &mut self.tally.villages[yi];
        vc.villages += self.villages.len() as u64;
        for v in &self.villages {
            vc.posts += v.posts as u64;
            vc.filled += v.filled as u64;
            vc.uncovered += u64::from(v.filled == 0);
        }
        vc.reserve_posts +=
            self.pol.village.reserve_per_township as u64 * self.centres.len() as u64;
        vc.reserve_filled += reserve_filled;
        for v in &self.villages {
            self.tally.villages[yi].from_reserve += v.from_reserve as u64;
        }
        // The people's part of the count (ages, blocked, titles held) is taken in
        // `advance_year`'s pass, before each worker's year, sparing a pass over everyone.
    }

    /// The start-of-year count of one worker (see `snapshot`). Blocked workers are counted
    /// into `blocked`, added to the tally once per pass as the pass's spending is, and without
    /// a branch on the flag.
    #[inline]
    fn count_worker<const KIND: u8>(&mut self, w: &Worker, y: u32, blocked: &mut u64) {
        if (KIND == PIPELINE && w.status == Status::Studying) || w.has(NEW) {
            return;
        }
        let t = y as f64;
        let yi = y as usize;
        let p = w.pathway as usize;
        if KIND != PIPELINE {
            let ai = self.tally.age_index(p, yi, t - w.birth as f64);
            self.tally.ages[ai] += 1;
            *blocked += u64::from(w.has(BLOCKED));
        }
        if KIND == VILLAGE_PAID || (KIND == PIPELINE && self.paths[p].village_paid) {
            return;
        }
        // Whole years since entry, rounded (durations are never negative here).
        let d = ((t - w.entry as f64 + 0.5).max(0.0) as u32 as usize).min(self.tally.years);
        // Titles *held* count qualification: a worker who passed the evaluation but waits for a
        // quota post holds the title without the appointment (Tang 2024 counts titles held;
        // yearbooks count appointments, as `centre_titles` does).
        let held = (w.title + u8::from(w.has(PASSED))).min(3);
        let idx = self.tally.title_duration_index(p, d, held as usize);
        self.tally.title_by_duration[idx] += 1;
    }

    /// Pensions paid during year `y` to village doctors who left in post at pension age.
    fn pay_pensions(&mut self, y: u32) {
        let (from, to) = (y as f32, (y + 1) as f32);
        let mut paid = 0.0;
        self.pensioners.retain(|&(amount, start, until)| {
            let overlap = (until.min(to) - start.max(from)).max(0.0);
            paid += amount * overlap as f64;
            until > to
        });
        self.tally.cost[y as usize].pension += paid;
    }

    /// Hazard of worker `w` at time `a` (constant until the next boundary).
    #[inline]
    fn hazard(&self, w: &Worker, a: f64) -> f64 {
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
    fn log_norm(&self, regime: u16, birth: f64) -> f64 {
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
    fn service_bucket(&self, w: &Worker, a: f64) -> usize {
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
    fn static_hazard(&self, w: &Worker, t0: f64) -> f64 {
        match w.status {
            Status::Serving if self.paths[w.pathway as usize].village_paid => {
                self.static_hazard_of::<VILLAGE_PAID>(w, t0)
            }
            Status::Serving => self.static_hazard_of::<STAFF>(w, t0),
            _ => self.static_hazard_of::<PIPELINE>(w, t0),
        }
    }

    /// `static_hazard` for a worker of a known kind (see `County::pipeline`).
    #[inline]
    fn static_hazard_of<const KIND: u8>(&self, w: &Worker, t0: f64) -> f64 {
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

    /// Walk one worker through the steps of year `y`, splitting each step at the contract and
    /// retirement boundaries inside it: the exact, general path. Returns the exit (time, and
    /// whether it is a retirement) if any, and what is left of the exit threshold.
    fn walk_year(&self, w: &Worker, y: u32) -> (Option<(f64, bool)>, f64) {
        let window = self.s.behaviour.contract_end_window_years;
        let ce = w.contract_end as f64;
        let retire = w.retire_at as f64;
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
                for x in [ce, ce + window, retire] {
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
    fn advance_year(&mut self, y: u32) {
        self.advance_kind::<PIPELINE>(y);
        self.advance_kind::<STAFF>(y);
        self.advance_kind::<VILLAGE_PAID>(y);
    }

    /// `advance_year` for the workers of one kind (see `County::pipeline`).
    fn advance_kind<const KIND: u8>(&mut self, y: u32) {
        let mut ws = std::mem::take(self.kind_mut(KIND));
        let n = self.advance_workers::<KIND>(&mut ws, y);
        ws.truncate(n);
        *self.kind_mut(KIND) = ws;
    }

    /// `advance_kind` on the workers `ws`, in place: leavers are swap-removed, and the number
    /// of workers left is returned.
    fn advance_workers<const KIND: u8>(&mut self, ws: &mut [Worker], y: u32) -> usize {
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

    fn phase(w: &Worker, at: f64) -> Phase {
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
    fn leave_post(&mut self, w: &Worker, at: f64, y: u32) {
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
                let monthly =
                    (v.pension_per_service_year.get() * service.floor()).min(v.pension_cap.get());
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
        self.tally.staffing[y as usize].leavers += 1;
    }

    fn record_exit(&mut self, w: &Worker, at: f64, y: u32) {
        let p = w.pathway as usize;
        if w.status == Status::Studying {
            self.tally.pipeline[p].study_dropouts += 1;
            return;
        }
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
    }

    fn record_retirement(&mut self, w: &Worker, at: f64, y: u32) {
        let p = w.pathway as usize;
        if w.status == Status::Studying {
            return;
        }
        self.leave_post(w, at, y);
        let bin = self.tally.bin(at - w.entry as f64);
        let bins = self.tally.bins();
        self.tally.censored[p * bins + bin] += 1;
        let idx = self.tally.exit_index(p, Self::phase(w, at), RETIRED);
        self.tally.exits[idx] += 1;
    }

    fn censor_at_end(&mut self) {
        let end = self.s.simulation.years as f64;
        let bins = self.tally.bins();
        let half_bin = 0.5 / super::tally::BINS_PER_YEAR as f64;
        for w in self
            .pipeline
            .iter()
            .chain(&self.staff)
            .chain(&self.village_paid)
        {
            if w.status == Status::Studying {
                continue;
            }
            // Observed through `end`: censored in the bin that ends there.
            let bin = self.tally.bin(end - w.entry as f64 - half_bin);
            self.tally.censored[w.pathway as usize * bins + bin] += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_sort_by_pool_then_higher_rank_then_seniority_then_key() {
        let mut v = vec![
            candidate_key(1, 1, -3.0, 5),
            candidate_key(0, 1, 2.0, 9),
            candidate_key(0, 2, 5.0, 1),
            candidate_key(0, 1, -1.5, 7),
            candidate_key(0, 1, -1.5, 3),
            candidate_key(0, 1, 0.0, 1),
        ];
        v.sort_unstable();
        let expected = [
            candidate_key(0, 2, 5.0, 1),
            candidate_key(0, 1, -1.5, 3),
            candidate_key(0, 1, -1.5, 7),
            candidate_key(0, 1, 0.0, 1),
            candidate_key(0, 1, 2.0, 9),
            candidate_key(1, 1, -3.0, 5),
        ];
        assert_eq!(v, expected);
        // Pool and rank come back out of the key.
        let k = candidate_key(517, 3, 1.0, u64::MAX);
        assert_eq!(((k >> 98) as usize, 3 - ((k >> 96) & 3) as usize), (517, 3));
    }
}
