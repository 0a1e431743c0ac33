//! The counts: the start-of-year census of posts, titles and ages, and the censoring of
//! everyone still serving at the end.
//!
//! The people's part of the yearly count is taken inside the year pass (`count_worker`), before
//! each worker's year, sparing a separate pass over everyone.

use super::workers::{BLOCKED, NEW, PASSED, Status, Worker};
use super::{County, PIPELINE, VILLAGE_PAID};

impl County<'_> {
    pub(super) fn snapshot(&mut self, y: u32) {
        let yi = y as usize;
        let mut posts = 0;
        let mut filled = 0;
        let mut reserve_filled = 0;
        let mut uncovered = 0;
        for c in &self.centres {
            posts += c.posts as u64;
            filled += c.filled as u64;
            reserve_filled += c.reserve_filled as u64;
            for r in 0..4 {
                self.tally.centre_titles[yi * 4 + r] += c.titles[r] as u64;
            }
            let area = &mut self.tally.staffing_by_remoteness[yi * 2 + usize::from(c.remote)];
            area.posts += c.posts as u64;
            area.filled += c.filled as u64;
            let vc = &mut self.tally.villages_by_remoteness[yi * 2 + usize::from(c.remote)];
            for v in &self.villages[c.first_village as usize..c.end_village as usize] {
                vc.villages += 1;
                vc.posts += v.posts as u64;
                vc.filled += v.filled as u64;
                vc.uncovered += u64::from(v.filled == 0);
                uncovered += u32::from(v.filled == 0);
            }
        }
        self.tally.counties.push(super::super::tally::CountyYear {
            posts: posts as u32,
            filled: filled as u32,
            villages: self.villages.len() as u32,
            uncovered,
        });
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
    pub(super) fn count_worker<const KIND: u8>(&mut self, w: &Worker, y: u32, blocked: &mut u64) {
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

    pub(super) fn censor_at_end(&mut self) {
        let end = self.s.simulation.years as f64;
        let bins = self.tally.bins();
        let half_bin = 0.5 / crate::engine::tally::BINS_PER_YEAR as f64;
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
            if let Some(i) = self.placed_row(w) {
                self.tally.placed_censored[i * bins + bin] += 1;
            }
        }
    }
}
