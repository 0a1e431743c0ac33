//! Entry pathways: `[pathways.NAME]`, each key belonging to its kind.

use super::check::{Check, R};
use crate::population::{
    Destinations, Dist, InitialStock, Pathway, PathwayKind, Pipeline, Placement,
};
use crate::scenario::error::ScenarioError;
use crate::scenario::key::key_text;
use crate::scenario::raw::*;
use crate::units::{Rate, Share};
use std::collections::BTreeMap;

pub(super) fn validate_pathways(c: &Check, raw: &RawScenario) -> R<Vec<Pathway>> {
    let empty = Default::default();
    let all = raw.pathways.as_ref().unwrap_or(&empty);
    check_pathway_count(c, all)?;
    let mut out = Vec::new();
    for (name, p) in all {
        out.push(PathwayTable::new(c, name, p).validate()?);
    }
    at_most_one_of_each_single_kind(c, all, &out)?;
    Ok(out)
}

/// The number of `[pathways.NAME]` tables: workers enter only through a pathway, so at least
/// one; at most 32.
fn check_pathway_count(c: &Check, all: &BTreeMap<String, RawPathway>) -> R<()> {
    if all.is_empty() {
        return Err(ScenarioError::Missing {
            file: c.leaf.to_path_buf(),
            key: "pathways".into(),
            allowed: "at least one [pathways.NAME] table".into(),
        });
    }
    if all.len() > 32 {
        return Err(ScenarioError::Missing {
            file: c.leaf.to_path_buf(),
            key: "pathways".into(),
            allowed: "at most 32 pathways".into(),
        });
    }
    Ok(())
}

/// One `[pathways.NAME]` table being checked, with the dotted key of each of its values.
struct PathwayTable<'a> {
    c: &'a Check<'a>,
    name: &'a str,
    p: &'a RawPathway,
    /// Quoted where the name needs it, so that the key reads back as the same parts.
    table: String,
}

impl<'a> PathwayTable<'a> {
    /// The table of pathway `name`, its dotted key worked out once.
    fn new(c: &'a Check<'a>, name: &'a str, p: &'a RawPathway) -> Self {
        let table = pathway_table(name);
        PathwayTable { c, name, p, table }
    }

    /// `pathways.NAME.k`, the key errors name.
    fn key(&self, k: &str) -> String {
        format!("{}.{k}", self.table)
    }

    /// The whole pathway, checked in the order its errors are reported: the kind, the values
    /// only some kinds have, the destinations, then the values every pathway has.
    fn validate(&self) -> R<Pathway> {
        let (c, p) = (self.c, self.p);
        let kind = self.kind()?;
        let pipeline = self.pipeline(kind)?;
        let (initial_age, refill_rate) = self.village_doctor_stock(kind)?;
        let initial = self.incumbent_stock(kind)?;
        let destinations = self.destinations()?;
        Ok(Pathway {
            name: self.name.to_string(),
            kind,
            base_exit_rate: c.rate(&p.base_exit_rate, &self.key("base_exit_rate"))?,
            female_share: c.share(&p.female_share, &self.key("female_share"))?,
            hometown_share: c.share(&p.hometown_share, &self.key("hometown_share"))?,
            rural_origin_share: c.share(&p.rural_origin_share, &self.key("rural_origin_share"))?,
            bachelor_share: c.share(&p.bachelor_share, &self.key("bachelor_share"))?,
            age_at_entry: c.dist(&p.age_at_entry, &self.key("age_at_entry"))?,
            pipeline,
            initial,
            initial_age,
            refill_rate,
            destinations,
        })
    }

    /// The kind as written, else read from the pathway's name (`[pathways.incumbent]`).
    fn kind(&self) -> R<PathwayKind> {
        let c = self.c;
        let kind = match &self.p.kind {
            Some(k) => c.word(k, &self.key("kind"), &PathwayKind::NAMES)?,
            None => match PathwayKind::parse(self.name) {
                Some(k) => k.name(),
                None => {
                    return Err(ScenarioError::Missing {
                        file: c.leaf.to_path_buf(),
                        key: self.key("kind"),
                        allowed: format!("one of {}", PathwayKind::NAMES.join(", ")),
                    });
                }
            },
        };
        Ok(PathwayKind::parse(kind).expect("word() checked the name"))
    }

    /// Study and residency, for the kinds that train their own entrants; on another kind
    /// `intake_per_county`, `study_dropout` and `no_show` are refused, as nothing would read them.
    /// How reporting graduates are assigned to a centre: stated for order-oriented graduates,
    /// refused elsewhere (apprentices return to their own village).
    fn placement(&self, kind: PathwayKind) -> R<Placement> {
        let (c, p) = (self.c, self.p);
        if kind != PathwayKind::OrderOriented {
            if let Some(v) = &p.placement {
                return Err(c.invalid(
                    v,
                    &self.key("placement"),
                    "only order-oriented graduates are placed at a township centre; remove `placement`",
                ));
            }
            return Ok(Placement::VacancyWeighted);
        }
        let v = c.req(
            &p.placement,
            &self.key("placement"),
            "most_vacant (the emptiest centre first) or vacancy_weighted (a vacant post drawn at random)",
        )?;
        Ok(
            match c.word(v, &self.key("placement"), &Placement::NAMES)? {
                "most_vacant" => Placement::MostVacant,
                _ => Placement::VacancyWeighted,
            },
        )
    }

    fn pipeline(&self, kind: PathwayKind) -> R<Option<Pipeline>> {
        let (c, p) = (self.c, self.p);
        if kind.has_pipeline() {
            return Ok(Some(Pipeline {
                intake_per_county: c.real(&p.intake_per_county, &self.key("intake_per_county"))?,
                study_years: c.int(&p.study_years, &self.key("study_years"))? as u32,
                study_dropout: Rate::from_annual_probability(
                    c.share(&p.study_dropout, &self.key("study_dropout"))?,
                )
                .map_err(|e| {
                    c.invalid(
                        p.study_dropout.as_ref().expect("checked"),
                        &self.key("study_dropout"),
                        e.allowed,
                    )
                })?,
                residency_years: c.int(&p.residency_years, &self.key("residency_years"))? as u32,
                no_show: c.share(&p.no_show, &self.key("no_show"))?,
                placement: self.placement(kind)?,
            }));
        }
        for (v, k) in [
            (&p.intake_per_county, "intake_per_county"),
            (&p.study_dropout, "study_dropout"),
            (&p.no_show, "no_show"),
        ] {
            if let Some(v) = v {
                return Err(c.invalid(
                    v,
                    &self.key(k),
                    format!(
                        "only pathways of kind \"order_oriented\" or \"local_apprentice\" have `{k}`"
                    ),
                ));
            }
        }
        Ok(None)
    }

    /// The village doctors' starting ages and post refill rate, which no other kind has.
    fn village_doctor_stock(&self, kind: PathwayKind) -> R<(Option<Dist>, Option<Share>)> {
        let (c, p) = (self.c, self.p);
        if kind == PathwayKind::VillageDoctor {
            return Ok((
                Some(c.dist(&p.initial_age, &self.key("initial_age"))?),
                Some(c.share(&p.refill_rate, &self.key("refill_rate"))?),
            ));
        }
        if let Some(v) = &p.initial_age {
            return Err(c.invalid(
                v,
                &self.key("initial_age"),
                "only pathways of kind \"village_doctor\" have `initial_age` (incumbents use `age_at_entry`)",
            ));
        }
        if let Some(v) = &p.refill_rate {
            return Err(c.invalid(
                v,
                &self.key("refill_rate"),
                "only pathways of kind \"village_doctor\" have `refill_rate`",
            ));
        }
        Ok((None, None))
    }

    /// The incumbents' titles and years at rank when the run starts, for that kind only.
    fn incumbent_stock(&self, kind: PathwayKind) -> R<Option<InitialStock>> {
        let (c, p) = (self.c, self.p);
        if kind != PathwayKind::Incumbent {
            return Ok(None);
        }
        let titles = c.by_title(&p.initial_titles, &self.key("initial_titles"), |v, k| {
            c.share(v, k).map(Share::get)
        })?;
        let sum: f64 = titles.0.iter().sum();
        if (sum - 1.0).abs() > 1e-6 {
            return Err(self.initial_titles_sum(sum));
        }
        Ok(Some(InitialStock {
            titles,
            years_at_rank: c.dist(&p.initial_years_at_rank, &self.key("initial_years_at_rank"))?,
        }))
    }

    /// Every incumbent holds exactly one title: the shares written must add up to 1.
    fn initial_titles_sum(&self, sum: f64) -> ScenarioError {
        let (c, p) = (self.c, self.p);
        let v = p
            .initial_titles
            .as_ref()
            .and_then(|t| t.junior.clone())
            .expect("checked");
        let t = p.initial_titles.clone().unwrap_or_default();
        let keys = [
            ("junior", &t.junior),
            ("intermediate", &t.intermediate),
            ("associate_senior", &t.associate_senior),
            ("senior", &t.senior),
        ]
        .map(|(k, x)| {
            let k = format!("{}.{k}", self.key("initial_titles"));
            (k, x.as_ref().map(|x| c.written(x)))
        });
        c.constraint(
            &v,
            &keys,
            format!("title shares must sum to 1 (they sum to {sum:.4})"),
            "change them so that they add up to 1",
        )
    }

    /// Where leavers go: every leaver goes somewhere, so the shares must add up to 1.
    fn destinations(&self) -> R<Destinations> {
        let c = self.c;
        let d = self.p.destinations.clone().unwrap_or_default();
        let dk = self.key("destinations");
        let shares = [
            c.share(&d.county_hospital, &format!("{dk}.county_hospital"))?
                .get(),
            c.share(&d.postgraduate, &format!("{dk}.postgraduate"))?
                .get(),
            c.share(&d.unemployed, &format!("{dk}.unemployed"))?.get(),
            c.share(&d.other, &format!("{dk}.other"))?.get(),
        ];
        let sum: f64 = shares.iter().sum();
        if (sum - 1.0).abs() > 1e-6 {
            let v = d.other.clone().expect("checked");
            let keys = [
                ("county_hospital", &d.county_hospital),
                ("postgraduate", &d.postgraduate),
                ("unemployed", &d.unemployed),
                ("other", &d.other),
            ]
            .map(|(k, x)| (format!("{dk}.{k}"), x.as_ref().map(|x| c.written(x))));
            return Err(c.constraint(
                &v,
                &keys,
                format!("destination shares must sum to 1 (they sum to {sum:.4})"),
                "change them so that they add up to 1 (`other` takes the leavers no study reports)",
            ));
        }
        Ok(Destinations(shares))
    }
}

/// At most one pathway each of the open-recruitment, incumbent and village-doctor kinds: the
/// engine hires into, and builds the starting stock from, the first of a kind only
/// (`Scenario::pathway_of_kind`), so a second would be silently ignored.
fn at_most_one_of_each_single_kind(
    c: &Check,
    all: &BTreeMap<String, RawPathway>,
    out: &[Pathway],
) -> R<()> {
    for kind in [
        PathwayKind::OpenRecruit,
        PathwayKind::Incumbent,
        PathwayKind::VillageDoctor,
    ] {
        let of_kind: Vec<&Pathway> = out.iter().filter(|p| p.kind == kind).collect();
        if let [first, second, ..] = of_kind.as_slice() {
            let kind_key = |p: &Pathway| format!("{}.kind", pathway_table(&p.name));
            // Where a `kind` is written (the second's first), else the second's table; a kind
            // taken from the pathway's name is said so.
            let written = |p: &Pathway| all.get(&p.name).and_then(|r| r.kind.as_ref());
            let value = |p: &Pathway| match written(p) {
                Some(_) => format!("\"{}\"", kind.name()),
                None => format!("\"{}\" (from the pathway's name)", kind.name()),
            };
            let at = match written(second).or(written(first)) {
                Some(v) => c.at(v),
                None => c.find(&pathway_table(&second.name)),
            };
            return Err(ScenarioError::Constraint {
                at,
                keys: vec![
                    (kind_key(first), value(first)),
                    (kind_key(second), value(second)),
                ],
                rule: format!(
                    "a scenario has at most one pathway of kind \"{}\", and `{}` and `{}` both are",
                    kind.name(),
                    first.name,
                    second.name
                ),
                fix: format!(
                    "give one of them another kind ({}) or remove it",
                    PathwayKind::NAMES.join(", ")
                ),
            });
        }
    }
    Ok(())
}

/// `pathways.NAME` as a dotted key, the name quoted where it needs to be.
pub(super) fn pathway_table(name: &str) -> String {
    key_text(&["pathways".to_string(), name.to_string()])
}
