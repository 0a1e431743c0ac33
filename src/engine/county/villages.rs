//! Village posts: the staffing reserve sent to vacant village posts, new village doctors
//! refilling the rest, the local exit rule (rehiring past the exit age), and village-doctor
//! pensions paid year by year.
//!
//! Village doctors have no statutory retirement: at the local exit age they leave unless the
//! clinic keeps them on, decided once with their own keyed draw.

use super::County;
use super::workers::{NEW, REHIRED, RESERVE, Status};
use crate::engine::rng::{self, Draw, Entity};
use crate::population::PathwayKind;

impl County<'_> {
    /// Vacant village posts are filled first from the township's staffing reserve (centre
    /// staff sent to the village), then, each with probability `refill_rate`, by a new
    /// village doctor.
    pub(super) fn staff_villages(&mut self, y: u32) {
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
                self.count_entrant(&w);
                self.tally.villages[y as usize].refilled += 1;
                self.village_paid.push(w);
            }
        }
    }

    /// The local exit rule: village-paid workers reaching the exit age this year leave at that
    /// age unless the clinic rehires them (decided now, from each worker's own draw).
    pub(super) fn rehire_at_exit_age(&mut self, y: u32) {
        let rehire = self.pol.village.rehire_share.get();
        let year_end = (y + 1) as f32;
        let mut rehired = 0u64;
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
        self.tally.villages[y as usize].rehired += rehired;
    }

    /// Pensions paid during year `y` to village doctors who left in post at pension age.
    pub(super) fn pay_pensions(&mut self, y: u32) {
        let (from, to) = (y as f32, (y + 1) as f32);
        let mut paid = 0.0;
        self.pensioners.retain(|&(amount, start, until)| {
            let overlap = (until.min(to) - start.max(from)).max(0.0);
            paid += amount * overlap as f64;
            until > to
        });
        self.tally.cost[y as usize].pension += paid;
    }
}
