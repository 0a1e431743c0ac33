//! The simulation engine: replications × counties run in parallel (rayon), each from its own
//! random streams, merged in a fixed order so that results are identical at any thread count.

pub mod county;
pub mod rng;
pub mod tally;

use crate::cancel::Cancel;
use crate::scenario::Scenario;
use tally::Tally;

/// Receives progress from the engine; the binary turns it into a progress bar.
pub trait Progress: Sync {
    /// `total` units of work (county-replications) are planned.
    fn start(&self, _total: u64) {}
    /// `n` more units are done.
    fn advance(&self, _n: u64) {}
    fn finish(&self) {}
}

/// Progress that goes nowhere (tests, library use).
pub struct Silent;
impl Progress for Silent {}

/// How big a run would be, estimated from the scenario before anything is allocated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Expected people on the books of one county at a time.
    pub people_per_county: f64,
    /// At most, with every size distribution at its maximum.
    pub max_people_per_county: f64,
    /// Expected simulated worker-years of the whole run.
    pub worker_years: f64,
    /// Peak memory on `threads` threads, bytes (people of the counties in flight, at their
    /// maximum, plus the result tallies).
    pub peak_bytes: f64,
    /// Units of parallel work: counties × replications (no more threads than this can work).
    pub county_replications: f64,
}

/// Simulated worker-years a second assumed for one thread, for the time estimate: what the
/// release build runs on the reference 2-core machine (the baseline's `summary.json` reports
/// 40–45 M worker-years a second on 2 threads, 2026-12-02), so that the estimate printed before
/// a run and the progress bar's ETA, measured as it goes, tell the same story there.
pub const WORKER_YEARS_PER_SECOND_PER_THREAD: f64 = 2e7;

/// Longest run accepted without `--allow-large`: an hour of wall time by the estimate, and
/// 8 GB of memory.
pub const MAX_SECONDS: f64 = 3600.0;
pub const MAX_BYTES: f64 = 8e9;

/// Estimate the size of a run on `threads` threads.
pub fn estimate(s: &Scenario, threads: usize) -> Estimate {
    let r = &s.region;
    let per_township =
        |posts: f64, villages: f64, village_posts: f64| posts + villages * village_posts;
    let students: f64 = s
        .pathways
        .iter()
        .filter_map(|p| p.pipeline)
        .map(|pp| pp.intake_per_county * (pp.study_years + pp.residency_years) as f64)
        .sum();
    let people = r.townships_per_county.mean()
        * per_township(
            r.posts_per_centre.mean(),
            r.villages_per_township.mean(),
            r.village_posts.mean(),
        )
        + students;
    let max_people = r.townships_per_county.max_value()
        * per_township(
            r.posts_per_centre.max_value(),
            r.villages_per_township.max_value(),
            r.village_posts.max_value(),
        )
        + students;
    let years = s.simulation.years as f64;
    let reps = s.simulation.replications as f64;
    let worker_years = people * r.counties as f64 * years * reps;
    // Each thread holds one county's people (with a margin for turnover) and the tallies of
    // its place in the merge trees of replications and of counties.
    let tally = s.pathways.len() as f64
        * years
        * (2.0 * 4.0 * tally::BINS_PER_YEAR as f64 + 4.0 * tally::AGE_BINS as f64 + 64.0);
    let in_flight = threads.max(1) as f64;
    let peak_bytes = in_flight * max_people * 1.25 * county::WORKER_BYTES as f64
        + in_flight
            * (tallies_in_flight(r.counties) + tallies_in_flight(s.simulation.replications)) as f64
            * tally;
    Estimate {
        people_per_county: people,
        max_people_per_county: max_people,
        worker_years,
        peak_bytes,
        county_replications: r.counties as f64 * reps,
    }
}

impl Estimate {
    /// Estimated wall time on `threads` threads, seconds, at
    /// `WORKER_YEARS_PER_SECOND_PER_THREAD`: threads beyond the machine's cores or the run's
    /// county-replications add nothing.
    pub fn seconds(&self, threads: usize) -> f64 {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let working = (threads.clamp(1, cores) as f64).min(self.county_replications.max(1.0));
        self.worker_years / (WORKER_YEARS_PER_SECOND_PER_THREAD * working)
    }

    /// Why the run is too large to start without being asked to, if it is.
    pub fn refusal(&self, threads: usize) -> Option<String> {
        let seconds = self.seconds(threads);
        let mut why = Vec::new();
        if seconds > MAX_SECONDS {
            why.push(format!(
                "it would take {} on {threads} thread{} by the estimate ({:.2e} worker-years at {:.0} M worker-years a second per thread; the limit without --allow-large is {})",
                duration_words(seconds),
                if threads == 1 { "" } else { "s" },
                self.worker_years,
                WORKER_YEARS_PER_SECOND_PER_THREAD / 1e6,
                duration_words(MAX_SECONDS),
            ));
        }
        if self.peak_bytes > MAX_BYTES {
            why.push(format!(
                "it could need about {:.1} GB of memory (up to {:.2e} people per county, one county per thread)",
                self.peak_bytes / 1e9,
                self.max_people_per_county
            ));
        }
        (!why.is_empty()).then(|| why.join(", and "))
    }
}

/// A duration in words, rounded as a person would say it: "≈ 40 s", "≈ 12 min", "≈ 2.5 h",
/// "≈ 3 days".
pub fn duration_words(seconds: f64) -> String {
    if seconds < 90.0 {
        format!("≈ {:.0} s", seconds.max(1.0))
    } else if seconds < 5400.0 {
        format!("≈ {:.0} min", seconds / 60.0)
    } else if seconds < 2.0 * 86400.0 {
        format!("≈ {:.1} h", seconds / 3600.0)
    } else {
        format!("≈ {:.0} days", seconds / 86400.0)
    }
}

/// Simulate one replication (all its counties, added up by the fixed tree of
/// `tree_reduce`). The replication's draws depend only on the seed and `rep`, so two
/// scenarios run at the same seed share them (common random numbers).
pub fn simulate_replication(scenario: &Scenario, rep: u32) -> Tally {
    simulate_counties(scenario, rep, &Silent, &Cancel::new()).expect("never cancelled")
}

/// Reduce `leaf(lo)`, …, `leaf(hi − 1)` (`lo < hi`) with `merge` over a fixed binary tree:
/// the range is halved at its midpoint down to single items, the halves run under
/// `rayon::join`, and the right half's result is merged into the left's once both are done.
/// `None` as soon as any leaf gives `None` (a cancelled run).
///
/// Replications and the counties inside each are both reduced this way. Why a tree rather than
/// blocks of work merged in order:
/// - **The shape of the tree is a function of the item count alone**, so every floating-point
///   sum (costs, worker-years) is done in the same order at any thread count, and results stay
///   byte-identical — the property blocks merged in order were there for.
/// - **No barrier.** A block waits for its slowest item before the next block can start;
///   counties differ in size (townships, posts and villages are drawn), so with many threads
///   each block ends with some of them idle. Here an idle thread steals the other half of any
///   range.
/// - **No serial merge.** Adding two tallies (≈ 140 kB each for a national run) is done by
///   whichever thread finished the pair, in parallel; only the ⌈log₂ n⌉ merges on the path to
///   the root wait for each other.
/// - **Memory stays bounded**: a thread holds one pending result per level of each tree it is
///   inside (⌈log₂ n⌉ + 1 for one tree), whatever the number of items.
fn tree_reduce<T: Send>(
    lo: u32,
    hi: u32,
    leaf: &(impl Fn(u32) -> Option<T> + Sync),
    merge: &(impl Fn(&mut T, T) + Sync),
) -> Option<T> {
    assert!(
        lo < hi,
        "an empty range: counties and replications are validated ≥ 1"
    );
    if hi - lo == 1 {
        return leaf(lo);
    }
    let mid = lo + (hi - lo) / 2;
    let (left, right) = rayon::join(
        || tree_reduce(lo, mid, leaf, merge),
        || tree_reduce(mid, hi, leaf, merge),
    );
    let mut left = left?;
    merge(&mut left, right?);
    Some(left)
}

/// All counties of replication `rep`, added up by `tree_reduce`; `None` if the run was
/// cancelled (no county starts once `cancel` is tripped).
fn simulate_counties(
    scenario: &Scenario,
    rep: u32,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Option<Tally> {
    let county = |c: u32| {
        if cancel.is_cancelled() {
            return None;
        }
        let t = county::simulate_county(scenario, rep, c);
        progress.advance(1);
        Some(t)
    };
    tree_reduce(
        0,
        scenario.region.counties,
        &county,
        &|a: &mut Tally, b: Tally| *a += &b,
    )
}

/// Results a thread holds at once inside a `tree_reduce` of `n` items: one pending result per
/// level of the tree, plus the one being filled.
fn tallies_in_flight(n: u32) -> u32 {
    u32::BITS - n.max(1).leading_zeros() + 1
}

/// Simulate every replication of `scenario` on the current rayon pool, summarising each
/// replication's tally with `summarise` (given the replication's index) as soon as it is complete (so per-replication detail
/// is kept without holding every tally). Returns the tallies of all replications added up (by
/// the fixed tree of `tree_reduce`, so identical at any thread count) and the summaries in
/// replication order — or `None` if `cancel` was tripped: a cancelled run has no results,
/// rather than wrong ones. No county starts once it is tripped; those running finish.
///
/// The engine does not know what a summary is: the statistics define it, and `runner` joins
/// the two.
pub fn simulate<S: Send>(
    scenario: &Scenario,
    progress: &dyn Progress,
    cancel: &Cancel,
    summarise: &(dyn Fn(u32, &Tally) -> S + Sync),
) -> Option<(Tally, Vec<S>)> {
    simulate_each(scenario, &|_| scenario, progress, cancel, summarise)
}

/// [`simulate`] with replication `rep` run on `scenario_of(rep)`: one parameter set per
/// replication (`crate::uncertainty`). `scenario` gives the replications, the counties and
/// the shape of the tallies, which every replication's scenario shares (the uncertain keys
/// cannot touch `simulation` or `region`).
pub fn simulate_each<'s, S: Send>(
    scenario: &Scenario,
    scenario_of: &(dyn Fn(u32) -> &'s Scenario + Sync),
    progress: &dyn Progress,
    cancel: &Cancel,
    summarise: &(dyn Fn(u32, &Tally) -> S + Sync),
) -> Option<(Tally, Vec<S>)> {
    let reps = scenario.simulation.replications;
    progress.start(reps as u64 * scenario.region.counties as u64);
    // Replications and their counties in one tree of trees: a thread that runs out of counties
    // in one replication steals from another, so there is no barrier anywhere.
    let replication = |rep: u32| {
        let mut total = simulate_counties(scenario_of(rep), rep, progress, cancel)?;
        let m = summarise(rep, &total);
        // The county rows have served the replication's summary (see `Tally::counties`).
        total.counties = Vec::new();
        Some((total, vec![m]))
    };
    let merge = |a: &mut (Tally, Vec<S>), b: (Tally, Vec<S>)| {
        a.0 += &b.0;
        a.1.extend(b.1);
    };
    let out = tree_reduce(0, reps, &replication, &merge)?;
    if cancel.is_cancelled() {
        return None;
    }
    progress.finish();
    Some(out)
}
