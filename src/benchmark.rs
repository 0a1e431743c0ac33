//! Published targets the simulation is judged against, as the scenario's `[[benchmark]]`
//! entries describe them.

use crate::population::{Destination, PathwayId, Title};

/// What a benchmark measures.
#[derive(Debug, Clone, PartialEq)]
pub enum Metric {
    /// Share of a pathway's entrants still in service `year` years after entering service.
    Retention { pathway: PathwayId, year: u32 },
    /// Share of those still in service at `from_year` who are still in service at `year`
    /// (e.g. contract completers still at the grassroots a year later).
    ConditionalRetention {
        pathway: PathwayId,
        from_year: u32,
        year: u32,
    },
    /// Share of a pathway's workers in service `year` years after entry who hold one of `titles`.
    TitleShare {
        pathway: PathwayId,
        year: u32,
        titles: [bool; 4],
    },
    /// Share of township-centre staff holding one of `titles` at the start of `calendar_year`.
    CentreTitleShare {
        calendar_year: i32,
        titles: [bool; 4],
    },
    /// Share of a pathway's leavers after their contract ended who went to `destination`.
    ExitShare {
        pathway: PathwayId,
        destination: Destination,
    },
    /// Township-centre staff leaving (any reason, retirement included) per head per year,
    /// averaged over the simulated years.
    AnnualOutflow,
    /// Share of a pathway's residency completers who reported for service.
    ReportRate { pathway: PathwayId },
    /// Mean age of a pathway's serving workers at the start of `calendar_year`, in years.
    AgeMean {
        pathway: PathwayId,
        calendar_year: i32,
    },
    /// Share of a pathway's serving workers aged `min_age` or more at the start of
    /// `calendar_year`.
    AgeShare {
        pathway: PathwayId,
        calendar_year: i32,
        min_age: u32,
    },
}

impl Metric {
    pub const NAMES: [&'static str; 9] = [
        "retention",
        "conditional_retention",
        "title_share",
        "centre_title_share",
        "exit_share",
        "annual_outflow",
        "report_rate",
        "age_mean",
        "age_share",
    ];

    /// Whether the metric is a share (0..1); otherwise it is in years.
    pub fn is_share(&self) -> bool {
        !matches!(self, Metric::AgeMean { .. })
    }
}

/// How a published figure constrains the simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// The figure is a point value: the simulation should match it.
    Equal,
    /// The figure is a floor (">98% reported"): the simulation should not fall below it.
    AtLeast,
    /// The figure is a ceiling.
    AtMost,
}

impl Bound {
    pub const NAMES: [&'static str; 3] = ["equal", "at_least", "at_most"];
    pub fn name(self) -> &'static str {
        match self {
            Bound::Equal => "equal",
            Bound::AtLeast => "at_least",
            Bound::AtMost => "at_most",
        }
    }
}

/// One published target.
#[derive(Debug, Clone, PartialEq)]
pub struct Benchmark {
    pub name: String,
    pub metric: Metric,
    /// The published value: a share, or years for `AgeMean`.
    pub value: f64,
    pub bound: Bound,
    /// Sample size behind the published value, when known: the comparison then allows for
    /// the sampling error of a study of that size.
    pub n: Option<u32>,
    pub source: String,
}

/// Helper for titles lists.
pub fn title_mask(titles: &[Title]) -> [bool; 4] {
    let mut m = [false; 4];
    for t in titles {
        m[*t as usize] = true;
    }
    m
}
