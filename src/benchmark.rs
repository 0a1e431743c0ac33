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
    /// Share of an entry cohort still in service at a calendar date or a time after a start:
    /// measured the way a survey of named graduation years measures it.
    CohortRetention {
        pathway: PathwayId,
        /// First and last entry (graduation) year, calendar; `None`: every cohort.
        cohorts: Option<(i32, i32)>,
        /// Who is counted: everyone who entered, or those still serving at the end of their
        /// service obligation (who "completed the contract").
        from: CohortFrom,
        at: CohortAt,
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
    /// Mean years served within a horizon of `months` after the start (entry, or the contract
    /// end for those still serving then), by an entry cohort's members: the restricted mean
    /// stay, the area under their retention curve up to the horizon. Cohorts whose horizon ends
    /// after the run are left out.
    MeanStay {
        pathway: PathwayId,
        cohorts: Option<(i32, i32)>,
        from: CohortFrom,
        months: u32,
    },
    /// Township-centre staff leaving (any reason, retirement included) per head per year:
    /// leavers over the headcounts at each year's census, in the simulated years that begin in
    /// calendar years `years = (first, last)`, or in every simulated year.
    AnnualOutflow { years: Option<(i32, i32)> },
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
    /// Of a training pathway's pipeline, those who had reached `stage` by the end of a calendar
    /// month as a share of those who had reached `of` (an earlier stage) by then: counts by a
    /// date, as a provincial report gives them ("4,200 enrolled, 3,600 finished"), students
    /// still in training included in the earlier stage.
    PipelineShare {
        pathway: PathwayId,
        stage: Stage,
        of: Stage,
        date: (i32, u32),
    },
    /// A pathway's serving headcount at the census of `calendar_year` over its headcount at the
    /// census of `relative_to`: a yearbook series' change, free of the region's size.
    HeadcountRatio {
        pathway: PathwayId,
        calendar_year: i32,
        relative_to: i32,
    },
    /// A pathway's exits per head per year (retirements only, or any exit) in the simulated
    /// years beginning in calendar years `years`, or every year: exits over the headcounts at
    /// each year's census.
    ExitRate {
        pathway: PathwayId,
        years: Option<(i32, i32)>,
        retirement_only: bool,
    },
}

/// Stages of a training pipeline, in the order a student passes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Enrolled in study.
    Enrolled,
    /// Finished study (graduated into residency, or into service where there is none).
    Graduated,
    /// Finished standardized residency.
    FinishedResidency,
    /// Reported for service after training ("joined the grassroots").
    Reported,
}

impl Stage {
    pub const NAMES: [&'static str; 4] =
        ["enrolled", "graduated", "finished_residency", "reported"];
    pub const ALL: [Stage; 4] = [
        Stage::Enrolled,
        Stage::Graduated,
        Stage::FinishedResidency,
        Stage::Reported,
    ];
    pub fn name(self) -> &'static str {
        Stage::NAMES[self as usize]
    }
    pub fn parse(s: &str) -> Option<Stage> {
        Stage::NAMES
            .iter()
            .position(|n| *n == s)
            .map(|i| Stage::ALL[i])
    }
}

/// Whom a cohort retention counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CohortFrom {
    /// Everyone who entered service (graduated, for a training pathway).
    Entry,
    /// Those still serving when their service obligation ended.
    ContractEnd,
}

impl CohortFrom {
    pub const NAMES: [&'static str; 2] = ["entry", "contract_end"];
}

/// When a cohort retention is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CohortAt {
    /// At the end of a calendar month (`date = "2022-12"`): a cohort counted `from` its
    /// contract end is included only if the contract ended by then.
    Date { year: i32, month: u32 },
    /// This many months after `from` (entry or contract end), each cohort at its own date.
    After { months: u32 },
}

impl Metric {
    pub const NAMES: [&'static str; 14] = [
        "retention",
        "conditional_retention",
        "title_share",
        "centre_title_share",
        "exit_share",
        "annual_outflow",
        "report_rate",
        "age_mean",
        "age_share",
        "cohort_retention",
        "pipeline_share",
        "headcount_ratio",
        "exit_rate",
        "mean_stay",
    ];

    /// The metric's name as a scenario file writes it (`metric = "..."`).
    pub fn name(&self) -> &'static str {
        Metric::NAMES[match self {
            Metric::Retention { .. } => 0,
            Metric::ConditionalRetention { .. } => 1,
            Metric::TitleShare { .. } => 2,
            Metric::CentreTitleShare { .. } => 3,
            Metric::ExitShare { .. } => 4,
            Metric::AnnualOutflow { .. } => 5,
            Metric::ReportRate { .. } => 6,
            Metric::AgeMean { .. } => 7,
            Metric::AgeShare { .. } => 8,
            Metric::CohortRetention { .. } => 9,
            Metric::PipelineShare { .. } => 10,
            Metric::HeadcountRatio { .. } => 11,
            Metric::ExitRate { .. } => 12,
            Metric::MeanStay { .. } => 13,
        }]
    }

    /// Whether the metric is shown in percent (a share, or a ratio of two counts); otherwise
    /// it is in years.
    pub fn is_share(&self) -> bool {
        !matches!(self, Metric::AgeMean { .. } | Metric::MeanStay { .. })
    }

    /// The value's unit as the CSVs name it: `share` (of people, 0–1), `ratio` (of two
    /// headcounts), `per_year` (exits per head per year) or `years`.
    pub fn unit(&self) -> &'static str {
        match self {
            Metric::AgeMean { .. } | Metric::MeanStay { .. } => "years",
            Metric::HeadcountRatio { .. } => "ratio",
            Metric::AnnualOutflow { .. } | Metric::ExitRate { .. } => "per_year",
            _ => "share",
        }
    }

    /// Whether the metric is a proportion of people, within 0 to 1 (a study size `n` then
    /// gives its binomial interval); a ratio of two headcounts may exceed 1.
    pub fn is_proportion(&self) -> bool {
        self.is_share() && !matches!(self, Metric::HeadcountRatio { .. })
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

/// What a benchmark is for, which decides what meeting it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// A calibration target: some parameter was chosen (by `zhagen calibrate` or by hand) so
    /// that the model meets it. Meeting it shows the fit worked, not that the model is right.
    Fitted,
    /// It echoes a scenario input (a share or age mix the scenario states): a plumbing check
    /// that the input reaches the output.
    Input,
    /// Used by nothing that was fitted or set: meeting it is evidence that the model is right.
    Holdout,
}

impl Role {
    pub const NAMES: [&'static str; 3] = ["fitted", "input", "holdout"];
    pub const ALL: [Role; 3] = [Role::Fitted, Role::Input, Role::Holdout];
    pub fn name(self) -> &'static str {
        Role::NAMES[self as usize]
    }
    pub fn parse(s: &str) -> Option<Role> {
        Role::NAMES
            .iter()
            .position(|n| *n == s)
            .map(|i| Role::ALL[i])
    }
    /// A heading for the benchmarks of this role, with what their verdicts mean.
    pub fn heading(self) -> &'static str {
        match self {
            Role::Fitted => {
                "Fitted: calibration targets. Meeting them shows the fit worked, not that the model is right."
            }
            Role::Input => {
                "Inputs: figures the scenario states as inputs. Meeting them checks the plumbing only."
            }
            Role::Holdout => {
                "Hold-outs: used by nothing that was fitted. Meeting them is evidence that the model is right; missing them is evidence against it."
            }
        }
    }
}

/// How precisely the published figure is known, which gives the target its 95% interval.
/// Every benchmark states one: a figure without it cannot be told met or missed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Uncertainty {
    /// The study's sample size: the Wilson score interval of a proportion from `n` people.
    StudySize(u32),
    /// ± this much around the value, in the value's unit (a share, or years), as a 95% range.
    Tolerance(f64),
    /// ± this share of the value (for small shares: 0.3 of 0.9% is ±0.27 points).
    RelativeTolerance(f64),
    /// The 95% interval the source itself gives.
    Interval { low: f64, high: f64 },
}

/// One published target.
#[derive(Debug, Clone, PartialEq)]
pub struct Benchmark {
    pub name: String,
    pub metric: Metric,
    /// The published value: a share, or years for `AgeMean`.
    pub value: f64,
    pub bound: Bound,
    pub role: Role,
    /// How precisely the published value is known.
    pub uncertainty: Uncertainty,
    pub source: String,
    /// An effect target: the value is how the metric changes under a counterfactual of the
    /// scenario. `None`: the value is the metric's level.
    pub counterfactual: Option<Counterfactual>,
}

/// What an effect target compares the scenario with.
#[derive(Debug, Clone, PartialEq)]
pub struct Counterfactual {
    /// `KEY=VALUE` overrides on top of the scenario; the two are simulated with the same random
    /// numbers, so their difference is paired replication by replication.
    pub overrides: Vec<String>,
    /// `false`: the counterfactual's value minus the scenario's (in the metric's unit);
    /// `true`: that difference as a share of the scenario's value (0.27 = 27% more).
    pub relative: bool,
}

impl Counterfactual {
    pub const EFFECTS: [&'static str; 2] = ["difference", "relative"];

    /// The effect from the metric's value under the scenario and under the counterfactual.
    pub fn effect(&self, scenario: f64, counterfactual: f64) -> f64 {
        if self.relative {
            (counterfactual - scenario) / scenario
        } else {
            counterfactual - scenario
        }
    }
}

impl Benchmark {
    /// The published value's 95% interval, from its uncertainty.
    pub fn target_interval(&self) -> (f64, f64) {
        let v = self.value;
        match self.uncertainty {
            Uncertainty::StudySize(n) => crate::stats::interval::wilson(v, n),
            Uncertainty::Tolerance(t) => (v - t, v + t),
            Uncertainty::RelativeTolerance(r) => (v - r * v.abs(), v + r * v.abs()),
            Uncertainty::Interval { low, high } => (low, high),
        }
    }

    /// The published value's standard error, as the 95% interval implies it (its width over
    /// 2 × 1.96): the scale `calibrate` weighs a residual on.
    pub fn target_sd(&self) -> f64 {
        let (lo, hi) = self.target_interval();
        (hi - lo) / (2.0 * crate::stats::interval::Z95)
    }

    /// Whether the value is shown in percent: a share or ratio, or a relative effect.
    pub fn in_percent(&self) -> bool {
        match &self.counterfactual {
            Some(c) if c.relative => true,
            _ => self.metric.is_share(),
        }
    }

    /// The value's unit as the CSVs name it: the metric's, or `relative` for a relative effect.
    pub fn unit(&self) -> &'static str {
        match &self.counterfactual {
            Some(c) if c.relative => "relative",
            _ => self.metric.unit(),
        }
    }

    /// The study size, when the uncertainty is one.
    pub fn n(&self) -> Option<u32> {
        match self.uncertainty {
            Uncertainty::StudySize(n) => Some(n),
            _ => None,
        }
    }

    /// The uncertainty in words, as tables and CSVs print it.
    pub fn uncertainty_words(&self) -> String {
        let (k, unit) = if self.in_percent() {
            (100.0, " points")
        } else {
            (1.0, " years")
        };
        match self.uncertainty {
            Uncertainty::StudySize(n) => format!("Wilson 95% interval of a study of n={n}"),
            Uncertainty::Tolerance(t) => format!("stated tolerance ±{}{unit}", t * k),
            Uncertainty::RelativeTolerance(r) => {
                format!("stated relative tolerance ±{}% of the value", r * 100.0)
            }
            Uncertainty::Interval { .. } => "the source's 95% interval".to_string(),
        }
    }
}

/// Helper for titles lists.
pub fn title_mask(titles: &[Title]) -> [bool; 4] {
    let mut m = [false; 4];
    for t in titles {
        m[*t as usize] = true;
    }
    m
}
