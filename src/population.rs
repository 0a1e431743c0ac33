//! Who is simulated and where: the region's institutions (counties, township health centres,
//! villages), the entry pathways, titles and exit destinations.

use crate::units::{Rate, Share};
use rand::RngExt;
use rand_distr::{Distribution, Normal};

/// Professional title ranks, junior (医师, including 士级) to senior (主任医师).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Title {
    Junior = 0,
    Intermediate = 1,
    AssociateSenior = 2,
    Senior = 3,
}

impl Title {
    pub const ALL: [Title; 4] = [
        Title::Junior,
        Title::Intermediate,
        Title::AssociateSenior,
        Title::Senior,
    ];
    pub const NAMES: [&'static str; 4] = ["junior", "intermediate", "associate_senior", "senior"];
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
    pub fn from_index(i: usize) -> Title {
        Self::ALL[i.min(3)]
    }
    pub fn parse(s: &str) -> Option<Title> {
        Self::NAMES
            .iter()
            .position(|n| *n == s)
            .map(Self::from_index)
    }
}

/// A value per title rank.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ByTitle<T>(pub [T; 4]);

impl<T: Copy> ByTitle<T> {
    pub fn get(&self, t: Title) -> T {
        self.0[t as usize]
    }
}

/// Where a leaver goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Destination {
    /// County-or-higher hospital.
    CountyHospital = 0,
    Postgraduate = 1,
    Unemployed = 2,
    Other = 3,
}

impl Destination {
    pub const ALL: [Destination; 4] = [
        Destination::CountyHospital,
        Destination::Postgraduate,
        Destination::Unemployed,
        Destination::Other,
    ];
    pub const NAMES: [&'static str; 4] = ["county_hospital", "postgraduate", "unemployed", "other"];
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
    pub fn parse(s: &str) -> Option<Destination> {
        Self::NAMES
            .iter()
            .position(|n| *n == s)
            .map(|i| Self::ALL[i])
    }
}

/// The kind of an entry pathway: it decides how workers enter and which rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathwayKind {
    /// Rural order-oriented (定向) medical graduates: study, residency, contract service.
    OrderOriented,
    /// Graduates hired through open recruitment into vacant township-centre posts.
    OpenRecruit,
    /// Township-centre staff present when the simulation starts.
    Incumbent,
    /// Village doctors (乡村医生): the ageing stock of village clinics, paid from subsidies and
    /// fees, leaving by the local exit rule, plus new village doctors who fill vacant posts.
    VillageDoctor,
    /// Anji model (seed 001): local youths trained for 4 years who return to their own village.
    LocalApprentice,
}

impl PathwayKind {
    pub const ALL: [PathwayKind; 5] = [
        PathwayKind::OrderOriented,
        PathwayKind::OpenRecruit,
        PathwayKind::Incumbent,
        PathwayKind::VillageDoctor,
        PathwayKind::LocalApprentice,
    ];
    pub const NAMES: [&'static str; 5] = [
        "order_oriented",
        "open_recruit",
        "incumbent",
        "village_doctor",
        "local_apprentice",
    ];
    pub fn parse(s: &str) -> Option<PathwayKind> {
        Self::NAMES
            .iter()
            .position(|n| *n == s)
            .map(|i| Self::ALL[i])
    }
    pub fn name(self) -> &'static str {
        Self::NAMES[Self::ALL.iter().position(|k| *k == self).unwrap_or(0)]
    }
    /// Pathways that enter through study (and, for order-oriented graduates, residency).
    pub fn has_pipeline(self) -> bool {
        matches!(
            self,
            PathwayKind::OrderOriented | PathwayKind::LocalApprentice
        )
    }
    /// Pathways that serve at village clinics and are paid village income (subsidies and
    /// fees), not township-centre salaries, and so stay outside the title ladder.
    pub fn village_paid(self) -> bool {
        matches!(
            self,
            PathwayKind::VillageDoctor | PathwayKind::LocalApprentice
        )
    }
}

/// Index of a pathway in `Scenario::pathways`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PathwayId(pub u8);

/// Most bins a histogram distribution may have.
pub const MAX_BINS: usize = 16;

/// A scalar distribution from the scenario, for sizes and ages.
// The histogram variant is large, but distributions are read at set-up and when people are
// created, never copied in the hot loop; staying `Copy` keeps them simple to pass around.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dist {
    Fixed(f64),
    Uniform {
        min: f64,
        max: f64,
    },
    /// A normal truncated to [min, max] by resampling (bounded attempts, then the bound).
    Normal {
        mean: f64,
        sd: f64,
        min: f64,
        max: f64,
    },
    /// Piecewise uniform: bin i spans `edges[i]..edges[i + 1]` and holds a share of the mass;
    /// `cum[i]` is the cumulative share through bin i. For published age mixes given by band.
    Histogram {
        bins: u8,
        edges: [f64; MAX_BINS + 1],
        cum: [f64; MAX_BINS],
    },
}

impl Dist {
    pub fn sample<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            &Dist::Uniform { min, max } => {
                if max > min {
                    rng.random_range(min..max)
                } else {
                    min
                }
            }
            &Dist::Normal { mean, sd, min, max } => {
                // Validation guarantees sd > 0 and min < max; resampling keeps the shape of the
                // normal inside the bounds, unlike clamping, which would pile mass on them.
                let n = Normal::new(mean, sd).expect("validated normal");
                for _ in 0..64 {
                    let x = n.sample(rng);
                    if (min..=max).contains(&x) {
                        return x;
                    }
                }
                mean.clamp(min, max)
            }
            Dist::Histogram { bins, edges, cum } => {
                let u: f64 = rng.random();
                // Borrowed, not copied: the arrays are 264 bytes.
                let n = *bins as usize;
                let i = cum[..n].iter().position(|c| u < *c).unwrap_or(n - 1);
                let lo = if i == 0 { 0.0 } else { cum[i - 1] };
                let within = if cum[i] > lo {
                    (u - lo) / (cum[i] - lo)
                } else {
                    0.5
                };
                edges[i] + within * (edges[i + 1] - edges[i])
            }
        }
    }
    /// Build a histogram from edges and (unnormalised) weights; `None` if the shapes are wrong.
    pub fn histogram(edges: &[f64], weights: &[f64]) -> Option<Dist> {
        let n = weights.len();
        if n == 0 || n > MAX_BINS || edges.len() != n + 1 {
            return None;
        }
        let total: f64 = weights.iter().sum();
        // Written so that NaN fails every check.
        let valid_weight = |w: &f64| w.is_finite() && *w >= 0.0;
        if !total.is_finite() || total <= 0.0 || !weights.iter().all(valid_weight) {
            return None;
        }
        if !edges
            .windows(2)
            .all(|w| w[0].is_finite() && w[1].is_finite() && w[1] > w[0])
        {
            return None;
        }
        let mut e = [0.0; MAX_BINS + 1];
        e[..=n].copy_from_slice(edges);
        let mut cum = [0.0; MAX_BINS];
        let mut acc = 0.0;
        for (c, w) in cum.iter_mut().zip(weights) {
            acc += w / total;
            *c = acc;
        }
        cum[n - 1] = 1.0;
        Some(Dist::Histogram {
            bins: n as u8,
            edges: e,
            cum,
        })
    }
    /// An integer count drawn from the distribution (rounded to nearest).
    pub fn sample_count<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> u32 {
        self.sample(rng).round().max(0.0) as u32
    }
    /// The expected value (of the truncated normal: approximated by its mean clamped to the
    /// bounds, which is enough for size estimates).
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Fixed(v) => v,
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Normal { mean, min, max, .. } => mean.clamp(min, max),
            Dist::Histogram { bins, edges, cum } => {
                let mut lo = 0.0;
                let mut m = 0.0;
                for i in 0..bins as usize {
                    m += (cum[i] - lo) * (edges[i] + edges[i + 1]) / 2.0;
                    lo = cum[i];
                }
                m
            }
        }
    }
    pub fn min_value(&self) -> f64 {
        match *self {
            Dist::Fixed(v) => v,
            Dist::Uniform { min, .. } | Dist::Normal { min, .. } => min,
            Dist::Histogram { edges, .. } => edges[0],
        }
    }
    pub fn max_value(&self) -> f64 {
        match *self {
            Dist::Fixed(v) => v,
            Dist::Uniform { max, .. } | Dist::Normal { max, .. } => max,
            Dist::Histogram { bins, edges, .. } => edges[bins as usize],
        }
    }
}

/// The region: counties → townships (one health centre each) → villages.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    pub counties: u32,
    pub townships_per_county: Dist,
    pub villages_per_township: Dist,
    /// Establishment posts (编制) per township health centre.
    pub posts_per_centre: Dist,
    /// Remoteness index per township, 0 (near the county seat) to 1 (most remote).
    pub remoteness: Dist,
    /// Share of posts filled by incumbents at the start.
    pub initial_fill: Share,
    /// Share of incumbents on a funded (编制) post.
    pub funded_share: Share,
    /// Townships with remoteness at or above this count as remote (allowances, relaxed
    /// recruitment ratios).
    pub remote_threshold: Share,
    /// Village-doctor posts per village clinic.
    pub village_posts: Dist,
    /// Share of village posts filled by village doctors at the start.
    pub village_initial_fill: Share,
}

/// Shares of leavers by destination (sum to 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Destinations(pub [f64; 4]);

/// Pipeline of students (order-oriented graduates, local apprentices): intake, study,
/// residency (none for apprentices).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pipeline {
    /// Students enrolled per county per year.
    pub intake_per_county: f64,
    pub study_years: u32,
    /// Annual hazard of leaving during study.
    pub study_dropout: Rate,
    pub residency_years: u32,
    /// Share of residency completers who do not report for service.
    pub no_show: Share,
    /// How graduates who report are assigned to a township centre of their county.
    pub placement: Placement,
}

/// How a county assigns a reporting graduate to one of its township centres.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// To the centre with the most vacant posts: the emptiest (often the remotest) first.
    MostVacant,
    /// To a vacant post drawn at random: a centre's chance is its share of the vacancies.
    VacancyWeighted,
}

impl Placement {
    pub const NAMES: [&'static str; 2] = ["most_vacant", "vacancy_weighted"];
}

/// Start-of-simulation stock (incumbents).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InitialStock {
    pub titles: ByTitle<f64>,
    pub years_at_rank: Dist,
}

/// One entry pathway as the scenario defines it.
#[derive(Debug, Clone, PartialEq)]
pub struct Pathway {
    pub name: String,
    pub kind: PathwayKind,
    /// Annual exit rate of a reference worker (all covariates at reference, preference average).
    pub base_exit_rate: Rate,
    pub female_share: Share,
    pub hometown_share: Share,
    pub rural_origin_share: Share,
    pub bachelor_share: Share,
    pub age_at_entry: Dist,
    pub pipeline: Option<Pipeline>,
    pub initial: Option<InitialStock>,
    /// Village doctors: age of the stock at the start (`age_at_entry` is then the age of new
    /// village doctors).
    pub initial_age: Option<Dist>,
    /// Village doctors: annual probability that a vacant village post finds a new village
    /// doctor (when no reserve or apprentice fills it).
    pub refill_rate: Option<Share>,
    pub destinations: Destinations,
}

/// Draw a standard-normal variate (for the latent preference).
pub fn standard_normal<R: rand::Rng + ?Sized>(rng: &mut R) -> f64 {
    rng.sample(rand_distr::StandardNormal)
}
