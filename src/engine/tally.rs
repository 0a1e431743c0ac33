//! What one county (or, added up, one replication) produced: counts on fixed grids that add up
//! exactly, so that results merged in a fixed order are identical whatever the thread count.

use std::ops::AddAssign;

/// Bins per year of the survival histograms: events are timed exactly, then binned this finely
/// (about a week) for the product-limit estimator.
pub const BINS_PER_YEAR: usize = 52;

/// Phase of an exit relative to the service contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Phase {
    UnderContract = 0,
    AfterContract = 1,
    NoContract = 2,
}

impl Phase {
    pub const NAMES: [&'static str; 3] = ["under_contract", "after_contract", "no_contract"];
}

/// Reasons counted in the exits table: the four destinations, then retirement.
pub const REASONS: usize = 5;
pub const RETIRED: usize = 4;

/// Staffing of township health centres at the start of a year (after that year's placement,
/// promotion and recruitment round).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Staffing {
    pub posts: u64,
    pub filled: u64,
    /// Posts advertised in open recruitment this year.
    pub advertised: u64,
    pub hired: u64,
    /// Advertised posts not filled because applicants fell below the ratio.
    pub cancelled: u64,
    /// Order-oriented graduates placed this year.
    pub placed: u64,
    /// Staff leaving centres during the year (any reason, retirement included).
    pub leavers: u64,
    /// Staff blocked from promotion (qualified, no quota post) at the start of the year.
    pub blocked: u64,
}

impl AddAssign<&Staffing> for Staffing {
    fn add_assign(&mut self, o: &Staffing) {
        self.posts += o.posts;
        self.filled += o.filled;
        self.advertised += o.advertised;
        self.hired += o.hired;
        self.cancelled += o.cancelled;
        self.placed += o.placed;
        self.leavers += o.leavers;
        self.blocked += o.blocked;
    }
}

/// Village clinics at the start of a year (after that year's placements and refills).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct VillageCounts {
    pub villages: u64,
    /// Villages whose clinic has nobody serving.
    pub uncovered: u64,
    pub posts: u64,
    /// Village posts held (by village doctors, apprentices or centre staff sent from the
    /// reserve).
    pub filled: u64,
    /// Village posts held by township-centre staff sent from the staffing reserve.
    pub from_reserve: u64,
    pub reserve_posts: u64,
    /// Reserve posts held (at the centre or sent to a village).
    pub reserve_filled: u64,
    /// Vacant village posts filled this year by a new village doctor.
    pub refilled: u64,
    /// Village doctors who reached the local exit age this year and were rehired.
    pub rehired: u64,
}

impl AddAssign<&VillageCounts> for VillageCounts {
    fn add_assign(&mut self, o: &VillageCounts) {
        self.villages += o.villages;
        self.uncovered += o.uncovered;
        self.posts += o.posts;
        self.filled += o.filled;
        self.from_reserve += o.from_reserve;
        self.reserve_posts += o.reserve_posts;
        self.reserve_filled += o.reserve_filled;
        self.refilled += o.refilled;
        self.rehired += o.rehired;
    }
}

/// Pipeline counts of pathways that enter through study.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PipelineCounts {
    pub enrolled: u64,
    pub study_dropouts: u64,
    pub graduated: u64,
    pub finished_residency: u64,
    pub reported: u64,
    /// Sums of the latent taste multiplier (the mean-one lognormal of `behaviour.preference_sd`:
    /// below 1 likes rural work more) of those who finished residency and of those who then
    /// reported: self-selection shows as a lower mean among reporters.
    pub taste_finished: f64,
    pub taste_reported: f64,
}

impl AddAssign<&PipelineCounts> for PipelineCounts {
    fn add_assign(&mut self, o: &PipelineCounts) {
        self.enrolled += o.enrolled;
        self.study_dropouts += o.study_dropouts;
        self.graduated += o.graduated;
        self.finished_residency += o.finished_residency;
        self.reported += o.reported;
        self.taste_finished += o.taste_finished;
        self.taste_reported += o.taste_reported;
    }
}

/// Public spending in yuan (nominal) by calendar year.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Cost {
    /// Base salaries of township-centre staff (wherever posted).
    pub pay: f64,
    /// Performance-pay uplift.
    pub performance: f64,
    /// Remote allowances.
    pub allowances: f64,
    /// Residency stipends.
    pub stipends: f64,
    /// Subsidies paid to village-paid workers (fees are paid by patients, not counted).
    pub village_subsidy: f64,
    /// Top-up of village income to the guaranteed floor.
    pub village_floor: f64,
    /// Village-doctor pension subsidies paid.
    pub pension: f64,
    /// Continuing education and rotation.
    pub training: f64,
    /// Worker-years served in posts (centres and villages), for cost per retained worker-year.
    pub serving_years: f64,
}

impl Cost {
    pub fn total(&self) -> f64 {
        self.pay
            + self.performance
            + self.allowances
            + self.stipends
            + self.village_subsidy
            + self.village_floor
            + self.pension
            + self.training
    }
}

impl AddAssign<&Cost> for Cost {
    fn add_assign(&mut self, o: &Cost) {
        self.pay += o.pay;
        self.performance += o.performance;
        self.allowances += o.allowances;
        self.stipends += o.stipends;
        self.village_subsidy += o.village_subsidy;
        self.village_floor += o.village_floor;
        self.pension += o.pension;
        self.training += o.training;
        self.serving_years += o.serving_years;
    }
}

/// Bins per year of the cohort tables: exits are counted by calendar month.
pub const MONTHS: usize = 12;

/// Whole-year age bins of the age tables: 0..=99, and 100 or more in the last.
pub const AGE_BINS: usize = 101;

/// Everything counted in one county of one replication; adding tallies merges them.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    pub pathways: usize,
    pub years: usize,
    /// Entrants into service per pathway (the survival curve's start).
    pub entrants: Vec<u64>,
    /// Exits per pathway × duration bin.
    pub events: Vec<u32>,
    /// Censorings (retirement, end of simulation) per pathway × duration bin; counted after
    /// the bin's events.
    pub censored: Vec<u32>,
    /// Workers in service per pathway × whole years since entry (0..=years) × title held
    /// (qualification: appointed rank, or the next one when passed and waiting for a post).
    pub title_by_duration: Vec<u64>,
    /// Centre staff per calendar year index × appointed title.
    pub centre_titles: Vec<u64>,
    /// Serving workers per pathway × calendar year index × whole year of age.
    pub ages: Vec<u32>,
    pub staffing: Vec<Staffing>,
    pub villages: Vec<VillageCounts>,
    /// Exits per pathway × phase × reason.
    pub exits: Vec<u64>,
    /// Exits from service per pathway × simulated year × reason (the four destinations, then
    /// retirement): rates by calendar period.
    pub exits_by_year: Vec<u32>,
    /// Pipeline events per pathway × simulated year they happened in.
    pub pipeline: Vec<PipelineCounts>,
    pub cost: Vec<Cost>,
    /// Entrants into service per pathway × year of entry (the entry cohort; for a training
    /// pathway, the graduation year). The stock serving at the start belongs to no cohort.
    pub cohort_entrants: Vec<u32>,
    /// Exits from service (retirement included) per pathway × entry cohort × calendar month of
    /// the run (`years × MONTHS`): with the entrants, who of a cohort is still serving at any
    /// month's end.
    pub cohort_exits: Vec<u32>,
    /// End of the service obligation of each pathway × entry cohort, in years since the start
    /// (the same for everyone in a cohort: it is set at graduation by that year's policy);
    /// infinity where the cohort has none.
    pub cohort_contract_end: Vec<f32>,
    /// Workers placed at a township centre during the run (hires, order-oriented graduates at
    /// placement; not the initial stock), per pathway × remoteness of the centre (0 not remote,
    /// 1 remote): entrants, and exits and censorings by duration bin since entry.
    pub placed_entrants: Vec<u64>,
    pub placed_events: Vec<u32>,
    pub placed_censored: Vec<u32>,
    /// Staffing split by the township's remoteness, per calendar year index × (0 not remote,
    /// 1 remote): every field of `staffing` but `blocked` (counted per pass, not per centre),
    /// so that the two add up to `staffing`'s.
    pub staffing_by_remoteness: Vec<Staffing>,
    /// Village counts split by the remoteness of the township the village belongs to, per
    /// calendar year index × (0 not remote, 1 remote): `villages`, `uncovered`, `posts` and
    /// `filled`.
    pub villages_by_remoteness: Vec<VillageCounts>,
    /// One county's start-of-year counts per calendar year, county after county in county
    /// order (merging counties appends). Kept for the replication's summary only: the engine
    /// empties it before replications are merged, where it would grow with counties ×
    /// replications and where a county index names a different drawn county in each
    /// replication.
    pub counties: Vec<CountyYear>,
    /// Simulated worker-years (every simulated person, students included).
    pub worker_years: f64,
}

/// One county's township centres and villages at the start of one year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CountyYear {
    pub posts: u32,
    pub filled: u32,
    pub villages: u32,
    /// Villages whose clinic has nobody serving.
    pub uncovered: u32,
}

impl Tally {
    pub fn new(pathways: usize, years: usize) -> Tally {
        let bins = years * BINS_PER_YEAR;
        Tally {
            pathways,
            years,
            entrants: vec![0; pathways],
            events: vec![0; pathways * bins],
            censored: vec![0; pathways * bins],
            title_by_duration: vec![0; pathways * (years + 1) * 4],
            centre_titles: vec![0; years * 4],
            ages: vec![0; pathways * years * AGE_BINS],
            staffing: vec![Staffing::default(); years],
            villages: vec![VillageCounts::default(); years],
            exits: vec![0; pathways * 3 * REASONS],
            exits_by_year: vec![0; pathways * years * REASONS],
            pipeline: vec![PipelineCounts::default(); pathways * years],
            cost: vec![Cost::default(); years],
            cohort_entrants: vec![0; pathways * years],
            cohort_exits: vec![0; pathways * years * years * MONTHS],
            cohort_contract_end: vec![f32::INFINITY; pathways * years],
            placed_entrants: vec![0; pathways * 2],
            placed_events: vec![0; pathways * 2 * bins],
            placed_censored: vec![0; pathways * 2 * bins],
            staffing_by_remoteness: vec![Staffing::default(); years * 2],
            villages_by_remoteness: vec![VillageCounts::default(); years * 2],
            counties: Vec::new(),
            worker_years: 0.0,
        }
    }

    pub fn bins(&self) -> usize {
        self.years * BINS_PER_YEAR
    }

    /// Histogram bin of a duration in years (clamped to the last bin).
    #[inline]
    pub fn bin(&self, duration: f64) -> usize {
        ((duration.max(0.0) * BINS_PER_YEAR as f64) as usize).min(self.bins() - 1)
    }

    #[inline]
    pub fn exit_index(&self, pathway: usize, phase: Phase, reason: usize) -> usize {
        (pathway * 3 + phase as usize) * REASONS + reason
    }

    /// Index of a pathway's exits for one reason in one simulated year.
    #[inline]
    pub fn exit_year_index(&self, pathway: usize, year: usize, reason: usize) -> usize {
        (pathway * self.years + year) * REASONS + reason
    }

    /// A pathway's pipeline counts in one simulated year.
    #[inline]
    pub fn pipeline_mut(&mut self, pathway: usize, year: u32) -> &mut PipelineCounts {
        let i = pathway * self.years + (year as usize).min(self.years - 1);
        &mut self.pipeline[i]
    }

    /// A pathway's pipeline counts summed over the years before `years` (all of them when
    /// `years` reaches the end of the run).
    pub fn pipeline_through(&self, pathway: usize, years: usize) -> PipelineCounts {
        let row = &self.pipeline[pathway * self.years..(pathway + 1) * self.years];
        let mut sum = PipelineCounts::default();
        for pc in &row[..years.min(self.years)] {
            sum += pc;
        }
        sum
    }

    #[inline]
    pub fn age_index(&self, pathway: usize, year: usize, age: f64) -> usize {
        // Through `u32`: a cheaper conversion than to `usize`, and ages fit.
        let a = (age.max(0.0) as u32 as usize).min(AGE_BINS - 1);
        (pathway * self.years + year) * AGE_BINS + a
    }

    /// Index of a cohort's exits in a calendar month of the run.
    #[inline]
    pub fn cohort_exit_index(&self, pathway: usize, cohort: usize, month: usize) -> usize {
        (pathway * self.years + cohort) * self.years * MONTHS + month
    }

    /// Of a pathway's entry cohort, how many are still serving at the end of `months` months
    /// of the run (0 ..= years × MONTHS).
    pub fn cohort_serving(&self, pathway: usize, cohort: usize, months: usize) -> u64 {
        let entrants = self.cohort_entrants[pathway * self.years + cohort] as u64;
        let start = self.cohort_exit_index(pathway, cohort, 0);
        let gone: u64 = self.cohort_exits[start..start + months.min(self.years * MONTHS)]
            .iter()
            .map(|&n| n as u64)
            .sum();
        entrants - gone
    }

    /// Staffing of the remote (`remote`) or other townships in simulated year `year`.
    #[inline]
    pub fn area_mut(&mut self, year: u32, remote: bool) -> &mut Staffing {
        let i = (year as usize).min(self.years - 1) * 2 + usize::from(remote);
        &mut self.staffing_by_remoteness[i]
    }

    #[inline]
    pub fn title_duration_index(&self, pathway: usize, year: usize, title: usize) -> usize {
        (pathway * (self.years + 1) + year) * 4 + title
    }
}

fn add_vec<T: Copy + AddAssign>(a: &mut [T], b: &[T]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += *y;
    }
}

impl AddAssign<&Tally> for Tally {
    fn add_assign(&mut self, o: &Tally) {
        add_vec(&mut self.entrants, &o.entrants);
        add_vec(&mut self.events, &o.events);
        add_vec(&mut self.censored, &o.censored);
        add_vec(&mut self.title_by_duration, &o.title_by_duration);
        add_vec(&mut self.centre_titles, &o.centre_titles);
        add_vec(&mut self.ages, &o.ages);
        for (a, b) in self.staffing.iter_mut().zip(&o.staffing) {
            *a += b;
        }
        for (a, b) in self.villages.iter_mut().zip(&o.villages) {
            *a += b;
        }
        add_vec(&mut self.exits, &o.exits);
        add_vec(&mut self.exits_by_year, &o.exits_by_year);
        for (a, b) in self.pipeline.iter_mut().zip(&o.pipeline) {
            *a += b;
        }
        for (a, b) in self.cost.iter_mut().zip(&o.cost) {
            *a += b;
        }
        add_vec(&mut self.cohort_entrants, &o.cohort_entrants);
        add_vec(&mut self.placed_entrants, &o.placed_entrants);
        add_vec(&mut self.placed_events, &o.placed_events);
        add_vec(&mut self.placed_censored, &o.placed_censored);
        add_vec(&mut self.cohort_exits, &o.cohort_exits);
        for (a, b) in self
            .staffing_by_remoteness
            .iter_mut()
            .zip(&o.staffing_by_remoteness)
        {
            *a += b;
        }
        for (a, b) in self
            .villages_by_remoteness
            .iter_mut()
            .zip(&o.villages_by_remoteness)
        {
            *a += b;
        }
        // The right-hand counties follow the left-hand ones: the tree merges adjacent ranges.
        self.counties.extend_from_slice(&o.counties);
        // The same date in every county that has the cohort; infinity elsewhere.
        for (a, b) in self
            .cohort_contract_end
            .iter_mut()
            .zip(&o.cohort_contract_end)
        {
            *a = a.min(*b);
        }
        self.worker_years += o.worker_years;
    }
}
