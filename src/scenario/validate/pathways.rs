//! Entry pathways: `[pathways.NAME]`, each key belonging to its kind.

use super::check::{Check, R};
use crate::population::{Destinations, InitialStock, Pathway, PathwayKind, Pipeline};
use crate::scenario::error::ScenarioError;
use crate::scenario::key::key_text;
use crate::scenario::raw::*;
use crate::units::{Rate, Share};

pub(super) fn validate_pathways(c: &Check, raw: &RawScenario) -> R<Vec<Pathway>> {
    let empty = Default::default();
    let all = raw.pathways.as_ref().unwrap_or(&empty);
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
    let mut out = Vec::new();
    for (name, p) in all {
        // Quoted where the name needs it, so that the key reads back as the same parts.
        let table = pathway_table(name);
        let key = |k: &str| format!("{table}.{k}");
        let kind = match &p.kind {
            Some(k) => c.word(k, &key("kind"), &PathwayKind::NAMES)?,
            None => match PathwayKind::parse(name) {
                Some(k) => k.name(),
                None => {
                    return Err(ScenarioError::Missing {
                        file: c.leaf.to_path_buf(),
                        key: key("kind"),
                        allowed: format!("one of {}", PathwayKind::NAMES.join(", ")),
                    });
                }
            },
        };
        let kind = PathwayKind::parse(kind).expect("word() checked the name");
        let pipeline = if kind.has_pipeline() {
            Some(Pipeline {
                intake_per_county: c.real(&p.intake_per_county, &key("intake_per_county"))?,
                study_years: c.int(&p.study_years, &key("study_years"))? as u32,
                study_dropout: Rate::from_annual_probability(
                    c.share(&p.study_dropout, &key("study_dropout"))?,
                )
                .map_err(|e| {
                    c.invalid(
                        p.study_dropout.as_ref().expect("checked"),
                        &key("study_dropout"),
                        e.allowed,
                    )
                })?,
                residency_years: c.int(&p.residency_years, &key("residency_years"))? as u32,
                no_show: c.share(&p.no_show, &key("no_show"))?,
            })
        } else {
            for (v, k) in [
                (&p.intake_per_county, "intake_per_county"),
                (&p.study_dropout, "study_dropout"),
                (&p.no_show, "no_show"),
            ] {
                if let Some(v) = v {
                    return Err(c.invalid(
                        v,
                        &key(k),
                        format!(
                            "only pathways of kind \"order_oriented\" or \"local_apprentice\" have `{k}`"
                        ),
                    ));
                }
            }
            None
        };
        let (initial_age, refill_rate) = if kind == PathwayKind::VillageDoctor {
            (
                Some(c.dist(&p.initial_age, &key("initial_age"))?),
                Some(c.share(&p.refill_rate, &key("refill_rate"))?),
            )
        } else {
            if let Some(v) = &p.initial_age {
                return Err(c.invalid(
                    v,
                    &key("initial_age"),
                    "only pathways of kind \"village_doctor\" have `initial_age` (incumbents use `age_at_entry`)",
                ));
            }
            if let Some(v) = &p.refill_rate {
                return Err(c.invalid(
                    v,
                    &key("refill_rate"),
                    "only pathways of kind \"village_doctor\" have `refill_rate`",
                ));
            }
            (None, None)
        };
        let initial = if kind == PathwayKind::Incumbent {
            let titles = c.by_title(&p.initial_titles, &key("initial_titles"), |v, k| {
                c.share(v, k).map(Share::get)
            })?;
            let sum: f64 = titles.0.iter().sum();
            if (sum - 1.0).abs() > 1e-6 {
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
                    let k = format!("{}.{k}", key("initial_titles"));
                    (k, x.as_ref().map(|x| c.written(x)))
                });
                return Err(c.constraint(
                    &v,
                    &keys,
                    format!("title shares must sum to 1 (they sum to {sum:.4})"),
                    "change them so that they add up to 1",
                ));
            }
            Some(InitialStock {
                titles,
                years_at_rank: c.dist(&p.initial_years_at_rank, &key("initial_years_at_rank"))?,
            })
        } else {
            None
        };
        let d = p.destinations.clone().unwrap_or_default();
        let dk = key("destinations");
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
        out.push(Pathway {
            name: name.clone(),
            kind,
            base_exit_rate: c.rate(&p.base_exit_rate, &key("base_exit_rate"))?,
            female_share: c.share(&p.female_share, &key("female_share"))?,
            hometown_share: c.share(&p.hometown_share, &key("hometown_share"))?,
            rural_origin_share: c.share(&p.rural_origin_share, &key("rural_origin_share"))?,
            bachelor_share: c.share(&p.bachelor_share, &key("bachelor_share"))?,
            age_at_entry: c.dist(&p.age_at_entry, &key("age_at_entry"))?,
            pipeline,
            initial,
            initial_age,
            refill_rate,
            destinations: Destinations(shares),
        });
    }
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
    Ok(out)
}

/// `pathways.NAME` as a dotted key, the name quoted where it needs to be.
pub(super) fn pathway_table(name: &str) -> String {
    key_text(&["pathways".to_string(), name.to_string()])
}
