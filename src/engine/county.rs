//! One county of one replication, simulated from the first year to the last.
//!
//! Time runs in whole years for the institutional processes (enrolment, placement, title
//! evaluation, the recruitment round), which happen once a year at the start of the year, and
//! in `steps_per_year` steps for the exit hazards. Each worker draws one Exp(1) threshold at
//! creation and leaves when the cumulative hazard crosses it; within a step the hazard is
//! constant (split at the contract-end boundaries), so the exit time is exact for that
//! piecewise-constant hazard and no per-step random draw is needed.

use super::rng::{self, Draw, Entity};
use super::tally::{Phase, RETIRED, Tally};
use crate::policy::QuotaPool;
use crate::population::{PathwayKind, Title, standard_normal};
use crate::scenario::Scenario;
use rand::RngExt;
use rand_distr::{Distribution, Exp1, Poisson};

const FEMALE: u8 = 1;
const HOMETOWN: u8 = 2;
const RURAL: u8 = 4;
const FUNDED: u8 = 8;
const BACHELOR: u8 = 16;
const BLOCKED: u8 = 32;
const PASSED: u8 = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Status {
    Studying,
    Residency,
    Serving,
}

/// One simulated person. Plain data, 48 bytes: the hot loop walks a vector of these.
#[derive(Debug, Clone, Copy)]
struct Worker {
    /// Stream key: every later draw of this worker derives from it.
    key: u64,
    /// What is left of the Exp(1) exit threshold after the cumulative hazard so far.
    remaining: f64,
    /// Individual hazard multiplier: latent preference × origin effects (fixed for life).
    pref: f32,
    /// Calendar times, in years since the start of the simulation.
    birth: f32,
    /// Start of service (the retention clock); for students, their graduation date.
    entry: f32,
    /// End of the current stage (study, residency); unused while serving.
    stage_end: f32,
    /// End of the service obligation (infinity when there is none).
    contract_end: f32,
    rank_since: f32,
    retire_at: f32,
    centre: u16,
    pathway: u8,
    title: u8,
    status: Status,
    flags: u8,
}

struct Centre {
    posts: u32,
    remoteness: f64,
    /// Remote allowance in yuan a year (0 below the threshold).
    allowance: f64,
    filled: u32,
    titles: [u32; 4],
}

/// Precomputed per-pathway constants.
struct PathwayConst {
    base: f64,
    kind: PathwayKind,
    dest: [f64; 4],
}

struct County<'a> {
    s: &'a Scenario,
    rep: u32,
    county: u32,
    dt: f64,
    centres: Vec<Centre>,
    workers: Vec<Worker>,
    paths: Vec<PathwayConst>,
    tally: Tally,
    /// Hazard multiplier per centre × title for the current year (pay gap and remoteness).
    centre_mult: Vec<f64>,
    /// Nominal pay per title for the current year (without allowances).
    pay_now: [f64; 4],
    under_contract: f64,
    // Reusable buffers: no allocation in the yearly loop once they have grown.
    buf: Vec<u32>,
    candidates: Vec<(u32, u8, f32, u64, u32)>,
}

impl Worker {
    fn has(&self, f: u8) -> bool {
        self.flags & f != 0
    }
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
        let salary = &s.policy.salary;
        let centres: Vec<Centre> = (0..n_centres)
            .map(|_| {
                let posts = s.region.posts_per_centre.sample_count(&mut rng).max(1);
                let remoteness = s.region.remoteness.sample(&mut rng).clamp(0.0, 1.0);
                // Villages are drawn now so that later levers that use them keep the same draws.
                let _villages = s.region.villages_per_township.sample_count(&mut rng);
                let allowance = if remoteness >= salary.remote_threshold.get() {
                    salary.remote_allowance.get()
                } else {
                    0.0
                };
                Centre {
                    posts,
                    remoteness,
                    allowance,
                    filled: 0,
                    titles: [0; 4],
                }
            })
            .collect();
        let paths = s
            .pathways
            .iter()
            .map(|p| PathwayConst {
                base: p.base_exit_rate.get(),
                kind: p.kind,
                dest: p.destinations.0,
            })
            .collect();
        let b = &s.behaviour;
        let under_contract =
            (-b.penalty_effect_per_10k_yuan * s.policy.contract.breach_penalty.get() / 1e4).exp();
        let mut c = County {
            s,
            rep,
            county,
            dt: 1.0 / s.simulation.steps_per_year as f64,
            centres,
            workers: Vec::new(),
            paths,
            tally: Tally::new(s.pathways.len(), s.simulation.years as usize),
            centre_mult: vec![1.0; n_centres * 4],
            pay_now: [0.0; 4],
            under_contract,
            buf: Vec::new(),
            candidates: Vec::new(),
        };
        c.seed_incumbents();
        c
    }

    fn key(&self, parts: &[u64]) -> u64 {
        let mut all = [0u64; 8];
        all[0] = self.s.simulation.seed;
        all[1] = self.rep as u64;
        all[2] = self.county as u64;
        all[3..3 + parts.len()].copy_from_slice(parts);
        rng::key(&all[..3 + parts.len()])
    }

    /// Create a person of pathway `p` with the traits every pathway shares. `age_at` is the
    /// calendar time at which the pathway's `age_at_entry` applies.
    fn new_worker(
        &self,
        p: usize,
        key: u64,
        age_at: f64,
        status: Status,
    ) -> (Worker, rand::rngs::Xoshiro256PlusPlus) {
        let s = self.s;
        let pw = &s.pathways[p];
        let b = &s.behaviour;
        let mut r = rng::stream(key);
        let female = r.random::<f64>() < pw.female_share.get();
        let hometown = r.random::<f64>() < pw.hometown_share.get();
        let rural = r.random::<f64>() < pw.rural_origin_share.get();
        let bachelor = r.random::<f64>() < pw.bachelor_share.get();
        let retire_age = if female {
            s.policy.retirement.age_female
        } else {
            s.policy.retirement.age_male
        };
        // Resample ages at or past retirement: such a person would not be on the books.
        let mut age = pw.age_at_entry.sample(&mut r);
        for _ in 0..16 {
            if age < retire_age - 0.5 {
                break;
            }
            age = pw.age_at_entry.sample(&mut r);
        }
        if age >= retire_age - 0.5 {
            age = (retire_age - 0.5).max(15.0);
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
        let w = Worker {
            key,
            remaining: threshold,
            pref: pref as f32,
            birth: birth as f32,
            entry: age_at as f32,
            stage_end: f32::INFINITY,
            contract_end: f32::INFINITY,
            rank_since: age_at as f32,
            retire_at: (birth + retire_age) as f32,
            centre: 0,
            pathway: p as u8,
            title: Title::Junior as u8,
            status,
            flags,
        };
        (w, r)
    }

    fn seed_incumbents(&mut self) {
        let Some(p) = self
            .s
            .pathways
            .iter()
            .position(|p| p.kind == PathwayKind::Incumbent)
        else {
            return;
        };
        let init = self.s.pathways[p]
            .initial
            .expect("validated: incumbents have an initial stock");
        let fill = self.s.region.initial_fill.get();
        let funded = self.s.region.funded_share.get();
        for c in 0..self.centres.len() {
            let fill_key = self.key(&[Entity::InitialFill as u64, c as u64]);
            for j in 0..self.centres[c].posts {
                if rng::unit(fill_key, Draw::Placement, j) >= fill {
                    continue;
                }
                let key = self.key(&[Entity::Incumbent as u64, c as u64, j as u64]);
                let (mut w, mut r) = self.new_worker(p, key, 0.0, Status::Serving);
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
                self.place(&mut w, c);
                self.tally.entrants[p] += 1;
                self.workers.push(w);
            }
        }
    }

    fn place(&mut self, w: &mut Worker, centre: usize) {
        w.status = Status::Serving;
        w.centre = centre as u16;
        let c = &mut self.centres[centre];
        c.filled += 1;
        c.titles[w.title as usize] += 1;
    }

    fn run(&mut self) {
        let years = self.s.simulation.years;
        let steps = self.s.simulation.steps_per_year;
        for y in 0..years {
            let t0 = y as f64;
            self.set_year_tables(y);
            self.enrol(y);
            self.advance_pipeline(y);
            self.promote(y);
            self.recruit(y);
            self.snapshot(y);
            for k in 0..steps {
                self.step(y, t0 + k as f64 * self.dt);
            }
        }
        self.censor_at_end();
    }

    fn set_year_tables(&mut self, y: u32) {
        let s = self.s;
        let f_in = (1.0 + s.policy.salary.growth).powi(y as i32);
        let f_out = (1.0 + s.outside.growth).powi(y as i32);
        let b = &s.behaviour;
        for t in 0..4 {
            self.pay_now[t] = s.policy.salary.base.0[t] * f_in;
        }
        for (ci, c) in self.centres.iter().enumerate() {
            let remote = b.remoteness_hr.powf(c.remoteness);
            for t in 0..4 {
                // The gap is measured in start-year yuan (deflated by outside wage growth), so
                // that equal nominal growth inside and outside leaves the incentive unchanged.
                let own = (self.pay_now[t] + c.allowance) / f_out;
                let gap = s.outside.pay.0[t] - own;
                self.centre_mult[ci * 4 + t] =
                    (b.pay_effect_per_10k_yuan * gap / 1e4).exp() * remote;
            }
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
            for j in 0..n {
                let key = self.key(&[Entity::Student as u64, p as u64, y as u64, j as u64]);
                let (mut w, _) = self.new_worker(p, key, grad, Status::Studying);
                w.stage_end = grad as f32;
                self.tally.pipeline[p].enrolled += 1;
                self.workers.push(w);
            }
        }
    }

    /// Students who finish study start residency (and service: the retention clock starts at
    /// graduation, when the contract's obligation starts); residents who finish report for
    /// service at a township centre, or do not.
    fn advance_pipeline(&mut self, y: u32) {
        let t = y as f64;
        let contract = &self.s.policy.contract;
        self.buf.clear();
        for i in 0..self.workers.len() {
            let w = &mut self.workers[i];
            if w.status == Status::Studying && (w.stage_end as f64) <= t + 1e-6 {
                let p = w.pathway as usize;
                let pipe = self.s.pathways[p]
                    .pipeline
                    .expect("students have a pipeline");
                w.status = Status::Residency;
                w.entry = t as f32;
                w.rank_since = t as f32;
                w.stage_end = (t + pipe.residency_years as f64) as f32;
                let obligation_from = if contract.residency_counts {
                    t
                } else {
                    t + pipe.residency_years as f64
                };
                w.contract_end = (obligation_from + contract.obligation_years as f64) as f32;
                self.tally.pipeline[p].graduated += 1;
                self.tally.entrants[p] += 1;
            }
            let w = &self.workers[i];
            if w.status == Status::Residency && (w.stage_end as f64) <= t + 1e-6 {
                self.buf.push(i as u32);
            }
        }
        // Place in key order, so placement does not depend on where workers sit in memory.
        let mut buf = std::mem::take(&mut self.buf);
        buf.sort_unstable_by_key(|&i| self.workers[i as usize].key);
        let mut leaving = Vec::new();
        for &i in &buf {
            let mut w = self.workers[i as usize];
            let p = w.pathway as usize;
            let pipe = self.s.pathways[p]
                .pipeline
                .expect("residents have a pipeline");
            self.tally.pipeline[p].finished_residency += 1;
            if rng::unit(w.key, Draw::NoShow, 0) < pipe.no_show.get() {
                leaving.push(i);
                continue;
            }
            self.tally.pipeline[p].reported += 1;
            let centre = self.choose_centre(w.key);
            w.flags |= FUNDED;
            self.place(&mut w, centre);
            self.tally.staffing[y as usize].placed += 1;
            self.workers[i as usize] = w;
        }
        self.buf = buf;
        // Remove no-shows from the back so that indices stay valid.
        leaving.sort_unstable();
        for &i in leaving.iter().rev() {
            let w = self.workers.swap_remove(i as usize);
            self.record_exit(&w, t, y);
        }
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

    /// Annual title evaluation: eligible staff sit the exam; those who have passed are
    /// appointed in order of seniority while the quota of their pool allows; the rest are
    /// blocked (qualified, no post), which raises their exit hazard.
    fn promote(&mut self, y: u32) {
        let t = y as f64;
        let rules = &self.s.policy.titles;
        let pool_of = |c: u16| match rules.quota_pool {
            QuotaPool::Centre => c as u32,
            QuotaPool::County => 0,
        };
        self.candidates.clear();
        for (i, w) in self.workers.iter_mut().enumerate() {
            if w.status != Status::Serving {
                continue;
            }
            w.flags &= !BLOCKED;
            let next = w.title as usize + 1;
            if next > 3 {
                continue;
            }
            let mut need = rules.min_years.0[next];
            if !w.has(BACHELOR) {
                need += rules.college_extra_years;
            }
            if next == 1 && self.paths[w.pathway as usize].kind == PathwayKind::OrderOriented {
                need -= rules.order_oriented_head_start;
            }
            if t - w.rank_since as f64 + 1e-6 < need {
                continue;
            }
            if !w.has(PASSED) {
                if rng::unit(w.key, Draw::Exam, y) < rules.pass_probability.0[next] {
                    w.flags |= PASSED;
                } else {
                    continue;
                }
            }
            self.candidates
                .push((pool_of(w.centre), next as u8, w.rank_since, w.key, i as u32));
        }
        if self.candidates.is_empty() {
            return;
        }
        // Pool, then rank from the top (a promotion frees a post below), then seniority.
        self.candidates.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then(b.1.cmp(&a.1))
                .then(a.2.total_cmp(&b.2))
                .then(a.3.cmp(&b.3))
        });
        let pools = match rules.quota_pool {
            QuotaPool::Centre => self.centres.len(),
            QuotaPool::County => 1,
        };
        let mut posts = vec![0u64; pools];
        let mut held = vec![[0u64; 4]; pools];
        for (ci, c) in self.centres.iter().enumerate() {
            let p = pool_of(ci as u16) as usize;
            posts[p] += c.posts as u64;
            for (h, n) in held[p].iter_mut().zip(c.titles) {
                *h += n as u64;
            }
        }
        for k in 0..self.candidates.len() {
            let (pool, rank, _, _, i) = self.candidates[k];
            let (pool, r) = (pool as usize, rank as usize);
            let q = rules.quota.0[r];
            let allowed = if q >= 1.0 {
                u64::MAX
            } else {
                (q * posts[pool] as f64 + 1e-9).floor() as u64
            };
            let w = &mut self.workers[i as usize];
            if held[pool][r] < allowed {
                held[pool][r] += 1;
                held[pool][r - 1] -= 1;
                let c = &mut self.centres[w.centre as usize];
                c.titles[r] += 1;
                c.titles[r - 1] -= 1;
                w.title = r as u8;
                w.rank_since = t as f32;
                w.flags &= !(PASSED | BLOCKED);
            } else {
                w.flags |= BLOCKED;
            }
        }
    }

    /// The annual open-recruitment round: each vacant post is advertised; it is filled only
    /// if applicants reach the required ratio, otherwise the round cancels it.
    fn recruit(&mut self, y: u32) {
        let Some(hire) = self.s.hire_pathway() else {
            return;
        };
        let r = &self.s.policy.recruitment;
        let t = y as f64;
        for ci in 0..self.centres.len() {
            let c = &self.centres[ci];
            let vacant = c.posts.saturating_sub(c.filled);
            if vacant == 0 {
                continue;
            }
            let lambda = r.applicants_per_post
                * (r.remoteness_effect * c.remoteness
                    + r.pay_effect_per_10k_yuan * c.allowance / 1e4)
                    .exp();
            let mut rng = rng::stream(self.key(&[Entity::Applicants as u64, ci as u64, y as u64]));
            let poisson = Poisson::new(lambda).ok();
            for j in 0..vacant {
                let applicants = poisson.as_ref().map_or(0.0, |d| d.sample(&mut rng));
                let st = &mut self.tally.staffing[y as usize];
                st.advertised += 1;
                if applicants >= 1.0 && applicants >= r.ratio {
                    st.hired += 1;
                    let key = self.key(&[Entity::Recruit as u64, ci as u64, y as u64, j as u64]);
                    let (mut w, _) = self.new_worker(hire.0 as usize, key, t, Status::Serving);
                    w.flags |= FUNDED;
                    self.place(&mut w, ci);
                    self.tally.entrants[hire.0 as usize] += 1;
                    self.workers.push(w);
                } else {
                    st.cancelled += 1;
                }
            }
        }
    }

    fn snapshot(&mut self, y: u32) {
        let t = y as f64;
        let yi = y as usize;
        let mut posts = 0;
        let mut filled = 0;
        for c in &self.centres {
            posts += c.posts as u64;
            filled += c.filled as u64;
            for r in 0..4 {
                self.tally.centre_titles[yi * 4 + r] += c.titles[r] as u64;
            }
        }
        let st = &mut self.tally.staffing[yi];
        st.posts += posts;
        st.filled += filled;
        let years = self.tally.years;
        for w in &self.workers {
            if w.status == Status::Studying {
                continue;
            }
            if w.status == Status::Serving && w.has(BLOCKED) {
                self.tally.staffing[yi].blocked += 1;
            }
            let d = ((t - w.entry as f64).round().max(0.0) as usize).min(years);
            // Titles *held* count qualification: a worker who passed the evaluation but waits
            // for a quota post holds the title without the appointment (Tang 2024 counts titles
            // held; yearbooks count appointments, as `centre_titles` does).
            let held = (w.title + u8::from(w.has(PASSED))).min(3);
            let idx = self
                .tally
                .title_duration_index(w.pathway as usize, d, held as usize);
            self.tally.title_by_duration[idx] += 1;
        }
    }

    /// Hazard of worker `w` at time `a` (constant until the next boundary).
    #[inline]
    fn hazard(&self, w: &Worker, a: f64) -> f64 {
        let p = w.pathway as usize;
        if w.status == Status::Studying {
            return self.s.pathways[p]
                .pipeline
                .map_or(0.0, |pp| pp.study_dropout.get());
        }
        let b = &self.s.behaviour;
        let age = a - w.birth as f64;
        let mut h = self.paths[p].base
            * w.pref as f64
            * (b.age_effect_per_year * (age.min(b.age_effect_cap) - b.age_reference)).exp();
        // Only workers with a service contract have a contract phase.
        let ce = w.contract_end as f64;
        if ce.is_finite() {
            if a < ce {
                h *= self.under_contract;
            } else if a < ce + b.contract_end_window_years {
                h *= b.contract_end_hr;
            }
        }
        if w.status == Status::Serving {
            h *= self.centre_mult[w.centre as usize * 4 + w.title as usize];
            if w.has(BLOCKED) {
                h *= b.blocked_promotion_hr;
            }
            if !w.has(FUNDED) {
                h *= b.unfunded_hr;
            }
        }
        h
    }

    /// Advance every worker over [t, t + dt): exits at the exact crossing time, retirements at
    /// their date.
    fn step(&mut self, y: u32, t: f64) {
        let end = t + self.dt;
        let window = self.s.behaviour.contract_end_window_years;
        let stipend = self.s.policy.salary.residency_stipend.get();
        let mut i = 0;
        while i < self.workers.len() {
            let w = self.workers[i];
            let ce = w.contract_end as f64;
            let retire = w.retire_at as f64;
            let mut a = t;
            let mut remaining = w.remaining;
            let mut outcome = if retire <= t { Some((t, true)) } else { None };
            while outcome.is_none() && a < end {
                // Next point where the hazard changes or the worker retires.
                let mut b = end;
                for x in [ce, ce + window, retire] {
                    if x > a && x < b {
                        b = x;
                    }
                }
                let h = self.hazard(&w, a);
                let dh = h * (b - a);
                if dh >= remaining && h > 0.0 {
                    outcome = Some((a + remaining / h, false));
                    break;
                }
                remaining -= dh;
                if b == retire && retire < end {
                    outcome = Some((retire, true));
                    break;
                }
                a = b;
            }
            let until = outcome.map_or(end, |o| o.0);
            let served = until - t;
            self.tally.worker_years += served;
            match w.status {
                Status::Serving => {
                    let cost = &mut self.tally.cost[y as usize];
                    cost.pay += self.pay_now[w.title as usize] * served;
                    cost.allowances += self.centres[w.centre as usize].allowance * served;
                    cost.serving_years += served;
                }
                Status::Residency => self.tally.cost[y as usize].stipends += stipend * served,
                Status::Studying => {}
            }
            match outcome {
                None => {
                    self.workers[i].remaining = remaining;
                    i += 1;
                }
                Some((at, retired)) => {
                    let w = self.workers.swap_remove(i);
                    if retired {
                        self.record_retirement(&w, at, y);
                    } else {
                        self.record_exit(&w, at, y);
                    }
                }
            }
        }
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

    fn leave_centre(&mut self, w: &Worker, y: u32) {
        if w.status == Status::Serving {
            let c = &mut self.centres[w.centre as usize];
            c.filled -= 1;
            c.titles[w.title as usize] -= 1;
            self.tally.staffing[y as usize].leavers += 1;
        }
    }

    fn record_exit(&mut self, w: &Worker, at: f64, y: u32) {
        let p = w.pathway as usize;
        if w.status == Status::Studying {
            self.tally.pipeline[p].study_dropouts += 1;
            return;
        }
        self.leave_centre(w, y);
        let bin = self.tally.bin(at - w.entry as f64);
        let bins = self.tally.bins();
        self.tally.events[p * bins + bin] += 1;
        let phase = Self::phase(w, at);
        // Breachers are barred from postgraduate exams and public-hospital hiring.
        let mut weights = self.paths[p].dest;
        if phase == Phase::UnderContract && self.s.policy.contract.postgraduate_ban {
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
        self.leave_centre(w, y);
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
        for w in &self.workers {
            if w.status == Status::Studying {
                continue;
            }
            // Observed through `end`: censored in the bin that ends there.
            let bin = self.tally.bin(end - w.entry as f64 - half_bin);
            self.tally.censored[w.pathway as usize * bins + bin] += 1;
        }
    }
}
