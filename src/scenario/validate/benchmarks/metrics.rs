//! What each benchmark metric reads from its `[[benchmark]]` table: the keys a metric kind
//! needs (a pathway, years, titles, a destination, cohorts, dates, pipeline stages), each
//! checked with a located error.

use super::{BenchmarkTable, DATE_WORDS};
use crate::benchmark::{CohortAt, CohortFrom, Metric, Stage, title_mask};
use crate::population::{Destination, PathwayId, Title};
use crate::scenario::error::ScenarioError;
use crate::scenario::layer::V;
use crate::scenario::validate::check::R;

impl BenchmarkTable<'_> {
    /// The metric with the keys its kind takes (a pathway, years, titles, a destination).
    pub(super) fn metric(&self, metric_name: &str) -> R<Metric> {
        let b = self.b;
        Ok(match metric_name {
            "retention" => Metric::Retention {
                pathway: self.pathway()?,
                year: self.year(&b.year, "year")?,
            },
            "conditional_retention" => self.conditional_retention()?,
            "title_share" => Metric::TitleShare {
                pathway: self.pathway()?,
                year: self.year(&b.year, "year")?,
                titles: self.titles()?,
            },
            "centre_title_share" => Metric::CentreTitleShare {
                calendar_year: self.calendar_year()?,
                titles: self.titles()?,
            },
            "exit_share" => self.exit_share()?,
            "annual_outflow" => Metric::AnnualOutflow {
                years: self.years_range()?,
            },
            "pipeline_share" => self.pipeline_share()?,
            "headcount_ratio" => {
                let calendar_year = self.calendar_year()?;
                let relative_to = self.c.int(&self.b.relative_to, &self.key("relative_to"))? as i32;
                Metric::HeadcountRatio {
                    pathway: self.pathway()?,
                    calendar_year,
                    relative_to,
                }
            }
            "exit_rate" => {
                let years = self.years_range()?;
                let retirement_only = match &self.b.reason {
                    None => false,
                    Some(v) => {
                        self.c
                            .word(v, &self.key("reason"), &["any", "retirement"])?
                            == "retirement"
                    }
                };
                Metric::ExitRate {
                    pathway: self.pathway()?,
                    years,
                    retirement_only,
                }
            }
            "age_mean" => {
                let calendar_year = self.calendar_year()?;
                Metric::AgeMean {
                    pathway: self.pathway()?,
                    calendar_year,
                }
            }
            "age_share" => self.age_share()?,
            "cohort_retention" => self.cohort_retention()?,
            "mean_stay" => self.mean_stay()?,
            _ => Metric::ReportRate {
                pathway: self.pathway()?,
            },
        })
    }

    /// Retention from `from_year` to `year`, which must come after it.
    pub(super) fn conditional_retention(&self) -> R<Metric> {
        let (c, b) = (self.c, self.b);
        let (from_year, year) = (
            self.year(&b.from_year, "from_year")?,
            self.year(&b.year, "year")?,
        );
        if from_year >= year {
            let (y, fy) = (b.year.as_ref(), b.from_year.as_ref());
            return Err(c.constraint(
                y.expect("checked"),
                &[
                    (self.key("from_year"), fy.map(|v| c.written(v))),
                    (self.key("year"), y.map(|v| c.written(v))),
                ],
                "`year` must be after `from_year`",
                "a conditional retention counts from `from_year` to a later `year`",
            ));
        }
        Ok(Metric::ConditionalRetention {
            pathway: self.pathway()?,
            from_year,
            year,
        })
    }

    /// `years = [first, last]`: the simulated years beginning in those calendar years; absent,
    /// the whole run.
    pub(super) fn years_range(&self) -> R<Option<(i32, i32)>> {
        let Some(v) = &self.b.years else {
            return Ok(None);
        };
        match v.value[..] {
            [first, last] if first <= last && (1900..=2200).contains(&first) && last <= 2200 => {
                Ok(Some((first as i32, last as i32)))
            }
            _ => Err(self.c.invalid(
                v,
                &self.key("years"),
                "[first, last]: calendar years from 1900 to 2200, first ≤ last (the simulated years beginning in them)",
            )),
        }
    }

    /// A calendar month `date = "YYYY-MM"`, measured at its end.
    pub(super) fn date(&self) -> R<(i32, u32)> {
        let (c, b) = (self.c, self.b);
        let d = c.req(&b.date, &self.key("date"), DATE_WORDS)?;
        let parsed = d.value.split_once('-').and_then(|(y, m)| {
            let (y, m) = (y.parse::<i32>().ok()?, m.parse::<u32>().ok()?);
            ((1900..=2200).contains(&y) && (1..=12).contains(&m)).then_some((y, m))
        });
        parsed.ok_or_else(|| c.invalid(d, &self.key("date"), DATE_WORDS))
    }

    /// Two pipeline stages at a date: `stage` reached, of those who had reached `of`.
    pub(super) fn pipeline_share(&self) -> R<Metric> {
        let (c, b) = (self.c, self.b);
        let names = Stage::NAMES.join(", ");
        let sv = c.req(&b.stage, &self.key("stage"), &names)?;
        let stage = Stage::parse(c.word(sv, &self.key("stage"), &Stage::NAMES)?).expect("checked");
        let ov = c.req(&b.of, &self.key("of"), &names)?;
        let of = Stage::parse(c.word(ov, &self.key("of"), &Stage::NAMES)?).expect("checked");
        if of >= stage {
            return Err(c.constraint(
                sv,
                &[
                    (self.key("stage"), Some(c.written(sv))),
                    (self.key("of"), Some(c.written(ov))),
                ],
                "`of` must be a stage before `stage` (enrolled, graduated, finished_residency, reported)",
                "e.g. stage = \"graduated\", of = \"enrolled\"",
            ));
        }
        let date = self.date()?;
        Ok(Metric::PipelineShare {
            pathway: self.pathway()?,
            stage,
            of,
            date,
        })
    }

    /// An entry cohort's retention: which cohorts (`cohorts = [first, last]`, or every one),
    /// counted from entry or from the contract end, at a calendar `date = "YYYY-MM"` or
    /// `years_after` the start.
    pub(super) fn cohort_retention(&self) -> R<Metric> {
        self.cohort_retention_at(true)
    }

    /// The cohorts and whom they count; when `at` is false, without reading when to measure
    /// (a mean stay takes a horizon instead).
    pub(super) fn cohort_retention_at(&self, at: bool) -> R<Metric> {
        let (c, b) = (self.c, self.b);
        let cohorts = match &b.cohorts {
            None => None,
            Some(v) => match v.value[..] {
                [first, last]
                    if first <= last && (1900..=2200).contains(&first) && last <= 2200 =>
                {
                    Some((first as i32, last as i32))
                }
                _ => {
                    return Err(c.invalid(
                        v,
                        &self.key("cohorts"),
                        "[first, last]: the first and last entry (graduation) years, calendar years from 1900 to 2200, first ≤ last",
                    ));
                }
            },
        };
        let from_v = c.req(&b.from, &self.key("from"), &CohortFrom::NAMES.join(" or "))?;
        let from = match c.word(from_v, &self.key("from"), &CohortFrom::NAMES)? {
            "entry" => CohortFrom::Entry,
            _ => CohortFrom::ContractEnd,
        };
        if !at {
            return Ok(Metric::CohortRetention {
                pathway: self.pathway()?,
                cohorts,
                from,
                at: CohortAt::After { months: 0 },
            });
        }
        let at = match (&b.date, &b.years_after) {
            (Some(_), None) => {
                let (year, month) = self.date()?;
                CohortAt::Date { year, month }
            }
            (None, Some(v)) => {
                let years = c.real(&b.years_after, &self.key("years_after"))?;
                let months = years * 12.0;
                if (months - months.round()).abs() > 1e-9 {
                    return Err(c.invalid(
                        v,
                        &self.key("years_after"),
                        "whole months: a multiple of 1/12 year (0.5, 1, 1.25, …)",
                    ));
                }
                CohortAt::After {
                    months: months.round() as u32,
                }
            }
            (Some(d), Some(v)) => {
                return Err(c.constraint(
                    v,
                    &[
                        (self.key("date"), Some(c.written(d))),
                        (self.key("years_after"), Some(c.written(v))),
                    ],
                    "a cohort retention is measured at a date or a time after its start, not both",
                    "keep `date` (a calendar month) or `years_after`",
                ));
            }
            (None, None) => {
                return Err(ScenarioError::Missing {
                    file: c.leaf.to_path_buf(),
                    key: self.key("date"),
                    allowed: "when to measure: `date = \"YYYY-MM\"` (the end of a calendar month) or `years_after = …` (after entry or contract end)".into(),
                });
            }
        };
        Ok(Metric::CohortRetention {
            pathway: self.pathway()?,
            cohorts,
            from,
            at,
        })
    }

    /// The restricted mean stay of entry cohorts' members within `years_after` of entry or of
    /// their contract end.
    pub(super) fn mean_stay(&self) -> R<Metric> {
        let (c, b) = (self.c, self.b);
        let Metric::CohortRetention { cohorts, from, .. } = self.cohort_retention_at(false)? else {
            unreachable!("a cohort retention")
        };
        let v = c.req(
            &b.years_after,
            &self.key("years_after"),
            "the horizon: years after entry or contract end, in whole months",
        )?;
        let years = c.real(&b.years_after, &self.key("years_after"))?;
        let months = years * 12.0;
        if (months - months.round()).abs() > 1e-9 || months < 1.0 {
            return Err(c.invalid(
                v,
                &self.key("years_after"),
                "whole months, at least one: a multiple of 1/12 year (0.5, 1, 10, …)",
            ));
        }
        Ok(Metric::MeanStay {
            pathway: self.pathway()?,
            cohorts,
            from,
            months: months.round() as u32,
        })
    }

    /// The share of a pathway's leavers who go to one destination.
    pub(super) fn exit_share(&self) -> R<Metric> {
        let (c, b) = (self.c, self.b);
        let v = c.req(
            &b.destination,
            &self.key("destination"),
            &Destination::NAMES.join(", "),
        )?;
        let d = c.word(v, &self.key("destination"), &Destination::NAMES)?;
        Ok(Metric::ExitShare {
            pathway: self.pathway()?,
            destination: Destination::parse(d).expect("checked"),
        })
    }

    /// The share of a pathway's workers aged `min_age` or more in a calendar year; ages are
    /// counted in whole years.
    pub(super) fn age_share(&self) -> R<Metric> {
        let (c, b) = (self.c, self.b);
        let calendar_year = self.calendar_year()?;
        let min_age = c.real(&b.min_age, &self.key("min_age"))?;
        if min_age.fract() != 0.0 {
            return Err(c.invalid(
                b.min_age.as_ref().expect("checked"),
                &self.key("min_age"),
                "whole years of age",
            ));
        }
        Ok(Metric::AgeShare {
            pathway: self.pathway()?,
            calendar_year,
            min_age: min_age as u32,
        })
    }

    /// The pathway the metric is about, one of the scenario's.
    pub(super) fn pathway(&self) -> R<PathwayId> {
        let (c, names) = (self.c, self.names);
        let v = c.req(&self.b.pathway, &self.key("pathway"), &names.join(", "))?;
        let n = c.word(v, &self.key("pathway"), names)?;
        Ok(PathwayId(
            names.iter().position(|x| *x == n).expect("found") as u8,
        ))
    }

    /// Years since entering service, counted in whole years.
    pub(super) fn year(&self, v: &Option<V<f64>>, k: &str) -> R<u32> {
        let c = self.c;
        let y = c.real(v, &self.key(k))?;
        if y.fract() != 0.0 {
            return Err(c.invalid(
                v.as_ref().expect("checked"),
                &self.key(k),
                "whole years since entering service",
            ));
        }
        Ok(y as u32)
    }

    /// The calendar year a centre-wide or age metric is taken in.
    pub(super) fn calendar_year(&self) -> R<i32> {
        Ok(self
            .c
            .int(&self.b.calendar_year, &self.key("calendar_year"))? as i32)
    }

    /// The titles a title share counts, by name.
    pub(super) fn titles(&self) -> R<[bool; 4]> {
        let c = self.c;
        let v = c.req(&self.b.titles, &self.key("titles"), "a list of titles")?;
        let mut ts = Vec::new();
        for t in &v.value {
            match Title::parse(t) {
                Some(t) => ts.push(t),
                None => {
                    return Err(c.invalid(
                        v,
                        &self.key("titles"),
                        format!("titles are {}", Title::NAMES.join(", ")),
                    ));
                }
            }
        }
        Ok(title_mask(&ts))
    }
}
