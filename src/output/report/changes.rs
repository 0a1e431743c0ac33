//! Levers: what differs between two resolved scenarios, in plain words, and the lever lists of
//! both reports.

use super::words::short_number;
use super::{pathway_words, quoted};
use crate::scenario::Scenario;
use crate::scenario::catalogue::{Shown, describe};
use crate::scenario::key::key_parts;
use maud::{Markup, html};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// One value that differs between a scenario and the one it is measured against.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Dotted key, e.g. `policy.salary.remote_allowance`; a `[policy_from.YEAR]` change is
    /// filed under the key of the policy it changes, with `from_year` set.
    pub key: String,
    /// Plain words for the key, or the key itself where there are none.
    pub label: String,
    pub before: String,
    pub after: String,
    /// Unit written after the new value ("yuan a year"), or empty.
    pub unit: String,
    /// Calendar year from which a `[policy_from.YEAR]` change applies.
    pub from_year: Option<String>,
    /// A policy lever (a choice of government) rather than a run setting or a behavioural value.
    pub lever: bool,
}

impl Change {
    /// "Remote-post allowance: 0 → 12,000 yuan a year (from 2015)".
    pub fn sentence(&self) -> String {
        let mut out = format!("{}: {} → {}", self.label, self.before, self.after);
        if !self.unit.is_empty() {
            out.push(' ');
            out.push_str(&self.unit);
        }
        if let Some(y) = &self.from_year {
            let _ = write!(out, " (from {y})");
        }
        out
    }
}

/// The flag saying whether a money lever grows with pay: `policy.salary.remote_allowance` →
/// `policy.salary.remote_allowance_indexed` (the two pension sums share `pension_indexed`).
fn indexed_flag(key: &str) -> String {
    match key {
        "policy.village.pension_per_service_year" | "policy.village.pension_cap" => {
            "policy.village.pension_indexed".into()
        }
        _ => format!("{key}_indexed"),
    }
}

/// A changed money lever says in words whether its sum is fixed or grows with pay, as the
/// scenario after the change has it; other changes are left as they are.
fn money_words(c: &mut Change, flag: Option<&toml::Value>) {
    const MONEY: [&str; 5] = [
        "policy.salary.remote_allowance",
        "policy.contract.breach_penalty",
        "policy.village.income_floor",
        "policy.village.pension_per_service_year",
        "policy.village.pension_cap",
    ];
    if !MONEY.contains(&c.key.as_str()) {
        return;
    }
    let words = match flag.and_then(toml::Value::as_bool) {
        Some(true) => "grown with pay: start-year yuan",
        Some(false) => "a fixed nominal sum: its real value falls as pay grows",
        None => return,
    };
    if c.unit.is_empty() {
        c.unit = format!("({words})");
    } else {
        c.unit = format!("{} ({words})", c.unit);
    }
}

/// Keys that name, describe or calibrate a scenario: they change nothing that is simulated.
const NOT_SIMULATED: [&str; 4] = ["name", "description", "base", "calibration"];

/// The values that differ between two resolved scenarios (`Scenario::resolved_toml`), policy
/// levers first. `pathway` gives plain words for a pathway name ("RTME graduates").
///
/// A `[policy_from.YEAR]` value is compared with the value in force that year on the other
/// side (its own earlier `policy_from` change, else its `[policy]` value), so a new allowance
/// from 2015 reads "0 → 12,000 (from 2015)" rather than "not set → 12,000".
pub fn changes(
    before: &str,
    after: &str,
    pathway: &dyn Fn(&str) -> String,
) -> Result<Vec<Change>, toml::de::Error> {
    let (a, a_from) = split_policy_from(flat(&toml::from_str::<toml::Table>(before)?));
    let (b, b_from) = split_policy_from(flat(&toml::from_str::<toml::Table>(after)?));
    let mut out = Vec::new();
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for key in keys {
        let (x, y) = (a.get(key), b.get(key));
        if !same(x, y) {
            let mut c = describe_change(key, x, y, None, pathway);
            money_words(&mut c, b.get(&indexed_flag(key)));
            out.push(c);
        }
    }
    let dated: BTreeSet<&(String, String)> = a_from.keys().chain(b_from.keys()).collect();
    for (rest, year) in dated {
        let x = in_force(&a, &a_from, rest, year);
        let y = in_force(&b, &b_from, rest, year);
        if !same(x, y) {
            let key = format!("policy.{rest}");
            let mut c = describe_change(&key, x, y, Some(year.clone()), pathway);
            let flag = indexed_flag(&key);
            let flag_rest = flag.strip_prefix("policy.").unwrap_or(&flag);
            money_words(&mut c, in_force(&b, &b_from, flag_rest, year));
            out.push(c);
        }
    }
    out.sort_by(|x, y| {
        (
            key_group(&x.key),
            &x.key,
            year_order(x.from_year.as_deref()),
        )
            .cmp(&(
                key_group(&y.key),
                &y.key,
                year_order(y.from_year.as_deref()),
            ))
    });
    Ok(out)
}

/// Every leaf of a TOML tree under its dotted key (arrays are leaves), less the keys that
/// change nothing simulated.
fn flat(t: &toml::Table) -> BTreeMap<String, toml::Value> {
    fn walk(prefix: &str, t: &toml::Table, out: &mut BTreeMap<String, toml::Value>) {
        for (k, v) in t {
            if prefix.is_empty() && NOT_SIMULATED.contains(&k.as_str()) {
                continue;
            }
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                toml::Value::Table(inner) => walk(&key, inner, out),
                _ => {
                    out.insert(key, v.clone());
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    walk("", t, &mut out);
    out
}

type Dated = BTreeMap<(String, String), toml::Value>;

/// Separate `policy_from.YEAR.rest` keys, as (rest, YEAR), from the others.
fn split_policy_from(all: BTreeMap<String, toml::Value>) -> (BTreeMap<String, toml::Value>, Dated) {
    let mut plain = BTreeMap::new();
    let mut dated = BTreeMap::new();
    for (k, v) in all {
        match k
            .strip_prefix("policy_from.")
            .and_then(|r| r.split_once('.'))
        {
            Some((year, rest)) => {
                dated.insert((rest.to_string(), year.to_string()), v);
            }
            None => {
                plain.insert(k, v);
            }
        }
    }
    (plain, dated)
}

/// The value of `policy.rest` in force in `year`: the latest `policy_from` change at or
/// before it, else the `[policy]` value.
fn in_force<'a>(
    plain: &'a BTreeMap<String, toml::Value>,
    dated: &'a Dated,
    rest: &str,
    year: &str,
) -> Option<&'a toml::Value> {
    dated
        .iter()
        .filter(|((r, y), _)| r == rest && year_order(Some(y)) <= year_order(Some(year)))
        .max_by(|((_, x), _), ((_, y), _)| year_order(Some(x)).cmp(&year_order(Some(y))))
        .map(|(_, v)| v)
        .or_else(|| plain.get(&format!("policy.{rest}")))
}

/// Years sort as numbers (a non-number after every number, by text); no year sorts first.
fn year_order(y: Option<&str>) -> (u8, i64, String) {
    match y {
        None => (0, 0, String::new()),
        Some(t) => match t.trim().parse::<i64>() {
            Ok(n) => (1, n, String::new()),
            Err(_) => (2, 0, t.to_string()),
        },
    }
}

fn number(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// Equal values, an integer equal to a float included (`8` and `8.0` are the same value).
fn same(a: Option<&toml::Value>, b: Option<&toml::Value>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => match (number(x), number(y)) {
            (Some(p), Some(q)) => p == q,
            _ => x == y,
        },
        _ => false,
    }
}

/// Where a key is listed: policy levers first (the `[policy]` tables, then the pathway keys
/// the README lists as levers), then run settings and the rest.
fn key_group(key: &str) -> u8 {
    // Parsed as a TOML key: a quoted pathway name may hold dots.
    let parts = key_parts(key).unwrap_or_default();
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    match parts.as_slice() {
        ["policy", ..] => 0,
        ["pathways", _, "hometown_share" | "intake_per_county"] => 1,
        ["simulation", ..] => 2,
        ["region", ..] => 3,
        ["pathways", ..] => 4,
        ["outside_option", ..] => 5,
        ["behaviour", ..] => 6,
        _ => 7,
    }
}

/// How a value of a key is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Grouped digits: 12,000.
    Number,
    /// Digits only, for years and seeds: 2025.
    Integer,
    /// A share as a percentage: 0.1 → 10%.
    Percent,
    /// Applicants per post: 2 → 2:1.
    Ratio,
    /// Anything else, as written.
    AsWritten,
}

impl From<Shown> for Kind {
    fn from(s: Shown) -> Kind {
        match s {
            Shown::Number => Kind::Number,
            Shown::Integer => Kind::Integer,
            Shown::Percent => Kind::Percent,
            Shown::Ratio => Kind::Ratio,
            Shown::AsWritten => Kind::AsWritten,
        }
    }
}

fn describe_change(
    key: &str,
    before: Option<&toml::Value>,
    after: Option<&toml::Value>,
    from_year: Option<String>,
    pathway: &dyn Fn(&str) -> String,
) -> Change {
    // Labels, units and how values are written come from the parameter catalogue.
    let (label, kind, unit) = match describe(key, pathway) {
        Some(d) => (d.label, Kind::from(d.shown), d.unit),
        None => (key.to_string(), Kind::AsWritten, ""),
    };
    let words = |v: Option<&toml::Value>| -> String {
        let text = value_words(v, kind);
        if key == "policy.titles.quota_pool" {
            match text.as_str() {
                "centre" => return "each centre's own posts".into(),
                "county" => return "the county medical community's posts".into(),
                _ => {}
            }
        }
        text
    };
    Change {
        key: key.to_string(),
        label,
        before: words(before),
        after: words(after),
        unit: unit.to_string(),
        from_year,
        lever: key_group(key) <= 1,
    }
}

fn value_words(v: Option<&toml::Value>, kind: Kind) -> String {
    let Some(v) = v else {
        return "not set".into();
    };
    if let Some(x) = number(v) {
        return match kind {
            Kind::Percent => format!("{}%", short_number(x * 100.0)),
            Kind::Ratio => format!("{}:1", short_number(x)),
            Kind::Integer if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", x as i64),
            _ => short_number(x),
        };
    }
    match v {
        toml::Value::Boolean(b) => if *b { "yes" } else { "no" }.into(),
        toml::Value::String(s) => s.clone(),
        toml::Value::Array(items) if items.iter().all(|i| i.is_table()) => {
            format!("{} entries", items.len())
        }
        toml::Value::Array(items) => {
            let parts: Vec<String> = items
                .iter()
                .map(|i| value_words(Some(i), Kind::AsWritten))
                .collect();
            format!("[{}]", parts.join(", "))
        }
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Table(t) => format!("a table of {} keys", t.len()),
        toml::Value::Integer(_) | toml::Value::Float(_) => String::new(),
    }
}

/// Changes as lists: policy levers, then the other values that differ.
pub(super) fn change_list(list: &[Change]) -> Markup {
    let (levers, other): (Vec<&Change>, Vec<&Change>) = list.iter().partition(|c| c.lever);
    let block = |title: &str, items: &[&Change]| {
        html! {
            @if !items.is_empty() {
                p class="listhead" { (title) } "\n"
                ul class="levers" {
                    "\n"
                    @for c in items { li { (c.sentence()) } "\n" }
                }
                "\n"
            }
        }
    };
    html! { (block("Policy levers", &levers)) (block("Other settings", &other)) }
}

/// The "levers" part of a run's report: the run against the root of its `base =` chain, as
/// the scenario captured it when it was loaded.
pub(super) fn levers_against_root(s: &Scenario) -> Markup {
    let unavailable = |why: &str| {
        html! { p { "The differences from the baseline cannot be listed: " (why) "." } "\n" }
    };
    let Some(root) = &s.root else {
        return unavailable("the run does not record which files it was read from");
    };
    let list = match changes(&root.resolved_toml, &s.resolved_toml, &|p| {
        pathway_words(s, p)
    }) {
        Ok(c) => c,
        Err(e) => return unavailable(&e.to_string().replace('\n', " ")),
    };
    let inherits = s
        .files
        .iter()
        .filter(|(p, _)| !p.to_string_lossy().starts_with("--set "))
        .count()
        > 1;
    let root_words = html! {
        (quoted(&root.name)) " (" code { (root.path.display().to_string()) } ")"
    };
    html! {
        @if list.is_empty() && inherits {
            p { "Built on " (root_words) ", and nothing that is simulated differs from it." }
        } @else if list.is_empty() {
            p {
                "This is the reference scenario " (root_words) ", the status quo that policy \
                 scenarios are built on and measured against. No value differs from it."
            }
        } @else if inherits {
            p { "Built on " (root_words) ". What differs from it:" }
        } @else {
            p {
                "This is the reference scenario " (root_words) ", the status quo, run with \
                 these values set on the command line:"
            }
        }
        "\n"
        @if !list.is_empty() { (change_list(&list)) }
    }
}

/// The "levers" table of a comparison: what each scenario changes against the reference.
pub(super) fn levers_against_reference(scenarios: &[Scenario]) -> Markup {
    let Some(reference) = scenarios.first() else {
        return html! {};
    };
    let differs = |s: &Scenario| -> Markup {
        match changes(&reference.resolved_toml, &s.resolved_toml, &|p| {
            pathway_words(s, p)
        }) {
            Ok(c) if c.is_empty() => html! { "nothing that is simulated" },
            Ok(c) => change_list(&c),
            Err(e) => html! { "cannot be listed: " (e.to_string().replace('\n', " ")) },
        }
    };
    html! {
        table {
            "\n"
            thead { tr { th { "Scenario" } th { "Description" } th { "What differs from the reference" } } }
            "\n"
            tbody {
                "\n"
                @for (i, s) in scenarios.iter().enumerate() {
                    tr {
                        td { code { (s.name) } br; span class="hash" { "SHA-256 " (s.hash.get(..12).unwrap_or(&s.hash)) } }
                        td { (s.description) }
                        td { @if i == 0 { em { "the reference" } } @else { (differs(s)) } }
                    }
                    "\n"
                }
            }
            "\n"
        }
        "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(name: &str) -> String {
        match name {
            "order_oriented" => "RTME graduates".into(),
            other => other.into(),
        }
    }

    const BASE: &str = r#"
name = "baseline"
description = "status quo"
[simulation]
seed = 1
replications = 100
[policy.salary]
performance_uplift = 0.0
remote_allowance = 0.0
[policy.titles]
quota_pool = "centre"
grassroots_track = false
[pathways.order_oriented]
hometown_share = 0.609
"#;

    fn changed(extra: &str) -> Vec<Change> {
        changes(BASE, &format!("{BASE}{extra}"), &plain).expect("valid TOML")
    }

    #[test]
    fn a_changed_lever_reads_as_label_old_value_new_value_and_unit() {
        let c = changed("");
        assert!(c.is_empty(), "the same scenario has no changes: {c:?}");
        let base_with_uplift = BASE.replace("performance_uplift = 0.0", "performance_uplift = 0.1");
        let c = changes(BASE, &base_with_uplift, &plain).unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!(
            c[0].sentence(),
            "Performance-pay uplift: 0% → 10% of base pay"
        );
        assert!(c[0].lever);
    }

    /// A money lever's change says whether the sum is fixed or grows with pay.
    #[test]
    fn a_changed_money_lever_says_whether_it_is_fixed_or_indexed() {
        let base = BASE.replace(
            "remote_allowance = 0.0",
            "remote_allowance = 0.0\nremote_allowance_indexed = false",
        );
        let c = changes(
            &base,
            &format!("{base}[policy_from.2015.salary]\nremote_allowance = 12000\n"),
            &plain,
        )
        .unwrap();
        assert_eq!(
            c[0].sentence(),
            "Remote-post allowance: 0 → 12,000 yuan a year (a fixed nominal sum: its real value falls as pay grows) (from 2015)"
        );
        let indexed = base.replace(
            "remote_allowance_indexed = false",
            "remote_allowance_indexed = true",
        );
        let c = changes(
            &base,
            &indexed.replace("remote_allowance = 0.0", "remote_allowance = 6000.0"),
            &plain,
        )
        .unwrap();
        let s: Vec<String> = c.iter().map(Change::sentence).collect();
        assert!(
            s.iter()
                .any(|x| x
                    .starts_with("Remote-post allowance: 0 → 6,000 yuan a year (grown with pay")),
            "{s:?}"
        );
    }

    #[test]
    fn a_policy_from_change_is_measured_against_the_value_in_force_that_year() {
        let c = changed("[policy_from.2015.salary]\nremote_allowance = 12000\n");
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(
            c[0].sentence(),
            "Remote-post allowance: 0 → 12,000 yuan a year (from 2015)"
        );
        // A later change is measured against the earlier one, not against the start.
        let c = changed(
            "[policy_from.2015.salary]\nremote_allowance = 12000\n[policy_from.2020.salary]\nremote_allowance = 18000\n",
        );
        let sentences: Vec<String> = c.iter().map(Change::sentence).collect();
        assert_eq!(
            sentences,
            [
                "Remote-post allowance: 0 → 12,000 yuan a year (from 2015)",
                "Remote-post allowance: 0 → 18,000 yuan a year (from 2020)"
            ]
        );
    }

    #[test]
    fn names_descriptions_and_integer_spellings_are_not_changes() {
        let other = BASE
            .replace("\"baseline\"", "\"other\"")
            .replace("status quo", "something else")
            .replace("remote_allowance = 0.0", "remote_allowance = 0");
        assert!(changes(BASE, &other, &plain).unwrap().is_empty());
    }

    #[test]
    fn levers_come_first_and_unknown_keys_fall_back_to_their_dotted_name() {
        let after = BASE
            .replace("replications = 100", "replications = 4")
            .replace("hometown_share = 0.609", "hometown_share = 0.9")
            .replace("quota_pool = \"centre\"", "quota_pool = \"county\"")
            .replace("grassroots_track = false", "grassroots_track = true")
            + "[behaviour]\nnew_effect = 1.5\n";
        let sentences: Vec<String> = changes(BASE, &after, &plain)
            .unwrap()
            .iter()
            .map(Change::sentence)
            .collect();
        assert_eq!(
            sentences,
            [
                "Grassroots-only title track: no → yes",
                "Title quotas counted over: each centre's own posts → the county medical community's posts",
                "RTME graduates placed in their home county: 60.9% → 90%",
                "Replications: 100 → 4",
                "behaviour.new_effect: not set → 1.5",
            ]
        );
    }
}
