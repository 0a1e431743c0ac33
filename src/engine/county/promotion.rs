//! Title evaluation, quotas and training: the annual promotion round of centre staff.
//!
//! Eligible staff sit the exam (helped by last year's training); those who pass are appointed
//! in order of seniority while their pool's quota allows, and otherwise are blocked
//! (qualified, no post), which raises their exit hazard. With the grassroots track, a
//! grassroots-only title on posts set aside for it adds appointments but never blocked workers.
//! Candidates are sorted by one integer key (`candidate_key`), grouped by pool and rank.

use super::County;
use super::workers::{BACHELOR, BLOCKED, GRASSROOTS, PASSED, TRAINING};
use crate::engine::rng::{self, Draw};
use crate::policy::QuotaPool;
use crate::population::PathwayKind;

/// Sort key of a promotion candidate, as one integer: pool, then rank from the top (a
/// promotion frees a post below), then seniority (earliest `rank_since` first, in `f32`
/// total order), then the worker's key — so that sorting is a plain integer sort.
#[inline]
pub(super) fn candidate_key(pool: u32, rank: usize, since: f32, key: u64) -> u128 {
    let bits = since.to_bits();
    // Flip so that unsigned order is `f32::total_cmp` order.
    let since = if bits >> 31 == 1 {
        !bits
    } else {
        bits | 0x8000_0000
    };
    ((pool as u128) << 98) | (((3 - rank) as u128) << 96) | ((since as u128) << 64) | key as u128
}

/// Each quota pool's posts this year: titles held within the quota, grassroots-track titles
/// on the posts set aside, and the limits of both at each rank.
struct Pools {
    held: Vec<[u64; 4]>,
    track: Vec<[u64; 4]>,
    /// (posts allowed within the quota, posts set aside for the track) by pool and rank.
    limits: Vec<[(u64, u64); 4]>,
}

impl County<'_> {
    /// The quota pool a centre's staff are counted in.
    fn pool_of(&self, centre: u16) -> u32 {
        match self.pol.titles.quota_pool {
            QuotaPool::Centre => centre as u32,
            QuotaPool::County => 0,
        }
    }

    /// Annual title evaluation of centre staff: eligible staff sit the exam (helped by a
    /// training year); those who have passed are appointed in order of seniority while the
    /// quota of their pool allows, and otherwise are blocked (qualified, no post), which raises
    /// their exit hazard. With the grassroots track, eligible staff the regular route did not
    /// appoint may get a grassroots-only title on the posts set aside for the track — the
    /// track adds appointments, it never adds blocked workers.
    pub(super) fn promote(&mut self, y: u32) {
        self.evaluate(y);
        if self.candidates.is_empty() {
            return;
        }
        let pools = self.pools();
        let starts = self.group_candidates(pools.limits.len());
        self.appoint(y, pools, &starts);
    }

    /// Years at the current rank needed for the next, by pathway, rank held and degree
    /// (infinite at the top rank).
    fn years_needed(&self) -> Vec<[[f64; 2]; 4]> {
        let rules = &self.pol.titles;
        self.paths
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
            .collect()
    }

    /// Draw this year's training and hold the evaluation: every member of staff with the years
    /// at rank for the next title who has passed (now or in an earlier year), or who may try the
    /// grassroots track, becomes a candidate in `self.candidates`.
    fn evaluate(&mut self, y: u32) {
        let t = y as f64;
        let rules = &self.pol.titles;
        let train_mult = self.s.behaviour.training_pass_multiplier;
        let training = &self.pol.training;
        let (train_p, train_cost) = (
            training.probability.get(),
            training.months * training.cost_per_month.get(),
        );
        let need_years = self.years_needed();
        let train_salt = rng::salt(Draw::Training, y);
        let mut trained = 0u32;
        let mut candidates = std::mem::take(&mut self.candidates);
        candidates.clear();
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
            let pool = match rules.quota_pool {
                QuotaPool::Centre => w.centre as u32,
                QuotaPool::County => 0,
            };
            candidates.push((candidate_key(pool, next, w.rank_since, w.key), i as u32));
        }
        self.candidates = candidates;
        self.tally.cost[y as usize].training += trained as f64 * train_cost;
    }

    /// This year's quota pools: posts, titles held, and the limits at each rank.
    fn pools(&self) -> Pools {
        let rules = &self.pol.titles;
        let pools = match rules.quota_pool {
            QuotaPool::Centre => self.centres.len(),
            QuotaPool::County => 1,
        };
        let mut posts = vec![0u64; pools];
        let mut held = vec![[0u64; 4]; pools];
        let mut track = vec![[0u64; 4]; pools];
        for (ci, c) in self.centres.iter().enumerate() {
            let p = self.pool_of(ci as u16) as usize;
            posts[p] += c.posts as u64;
            for (h, n) in held[p].iter_mut().zip(c.titles) {
                *h += n as u64;
            }
        }
        if rules.grassroots_track {
            for w in &self.staff {
                if w.has(GRASSROOTS) {
                    let p = self.pool_of(w.centre) as usize;
                    track[p][w.title as usize] += 1;
                    held[p][w.title as usize] -= 1;
                }
            }
        }
        // Posts each pool may hold at each rank: within the quota, and set aside for the track.
        let limits = posts
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
        Pools {
            held,
            track,
            limits,
        }
    }

    /// Group the candidates by (pool, rank) into `self.grouped` with a counting sort, in the
    /// order they are served: pool, then rank from the top (a promotion frees a post below).
    /// Returns where each group starts (and, last, where the final one ends).
    fn group_candidates(&mut self, pools: usize) -> Vec<usize> {
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
        starts
    }

    /// Serve the grouped candidates: appoint within the quota, else on the grassroots track,
    /// else block those who passed. A group is sorted by seniority only if it has a free post
    /// at its start (free posts only shrink while a group is served), since without one every
    /// candidate's outcome is the same whatever the order. Most years most groups have none.
    fn appoint(&mut self, y: u32, pools: Pools, starts: &[usize]) {
        let t = y as f64;
        let rules = &self.pol.titles;
        let Pools {
            mut held,
            mut track,
            limits,
        } = pools;
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn candidates_sort_by_pool_then_higher_rank_then_seniority_then_key() {
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
