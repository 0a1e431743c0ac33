//! The annual open-recruitment round, where the recruitment ratio is applied.
//!
//! Each vacant establishment post, then each vacant reserve post, is advertised; applicants
//! are Poisson with a mean that responds to remoteness and to pay above the scale. A post is
//! filled only if applicants reach the required ratio (the remote ratio for remote townships),
//! otherwise the round cancels it: that is how a strict ratio leaves remote posts empty.

use super::County;
use super::workers::{FUNDED, Status};
use crate::engine::rng::{self, Entity};
use rand_distr::{Distribution, Poisson};

impl County<'_> {
    /// The annual open-recruitment round: each vacant establishment post (then each vacant
    /// reserve post) is advertised; it is filled only if applicants reach the required ratio
    /// (relaxed for remote townships when the policy says so), otherwise the round cancels it.
    pub(super) fn recruit(&mut self, y: u32) {
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
                let remote = self.centres[ci].remote;
                self.tally.staffing[y as usize].advertised += 1;
                self.tally.area_mut(y, remote).advertised += 1;
                if applicants >= 1.0 && applicants >= ratio {
                    self.tally.staffing[y as usize].hired += 1;
                    self.tally.area_mut(y, remote).hired += 1;
                    let key = self.key(&[Entity::Recruit as u64, ci as u64, y as u64, j as u64]);
                    let (mut w, _) = self.new_worker(hire, key, t, Status::Serving, &age_dist);
                    w.flags |= FUNDED;
                    self.place(&mut w, ci, j >= vacant);
                    self.count_entrant(&w);
                    self.count_placed(&w);
                    self.push_serving(w);
                } else {
                    self.tally.staffing[y as usize].cancelled += 1;
                    self.tally.area_mut(y, remote).cancelled += 1;
                }
            }
        }
    }
}
