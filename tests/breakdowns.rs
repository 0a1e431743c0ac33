//! Breakdowns: by the remoteness of the township, by county, by entry cohort, and a policy from
//! year Y summarised on the years and cohorts it touches.

mod common;

use common::{run_on, small_baseline};
use std::path::Path;
use zhagen::compare::{self, difference};
use zhagen::engine::simulate_replication;
use zhagen::headline::{Headline, headlines};
use zhagen::scenario::Scenario;

fn scenario(file: &str, extra: &[&str]) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(file);
    let mut o = vec![
        "region.counties=4".to_string(),
        "simulation.replications=10".to_string(),
    ];
    o.extend(extra.iter().map(|s| s.to_string()));
    Scenario::load(&path, &o).expect("scenario loads")
}

fn find<'a>(hs: &'a [Headline], key: &str) -> &'a Headline {
    hs.iter()
        .find(|h| h.key == key)
        .unwrap_or_else(|| panic!("no headline {key}"))
}

#[test]
fn remote_and_other_townships_add_up_to_the_region_in_every_count() {
    let s = small_baseline(&["simulation.replications=1"]);
    let t = simulate_replication(&s, 0);
    for y in 0..t.years {
        let (a, b) = (
            t.staffing_by_remoteness[y * 2],
            t.staffing_by_remoteness[y * 2 + 1],
        );
        let all = t.staffing[y];
        for (what, split, total) in [
            ("posts", a.posts + b.posts, all.posts),
            ("filled", a.filled + b.filled, all.filled),
            ("advertised", a.advertised + b.advertised, all.advertised),
            ("hired", a.hired + b.hired, all.hired),
            ("cancelled", a.cancelled + b.cancelled, all.cancelled),
            ("placed", a.placed + b.placed, all.placed),
            ("leavers", a.leavers + b.leavers, all.leavers),
        ] {
            assert_eq!(split, total, "{what} in year {y}");
        }
        let (a, b) = (
            t.villages_by_remoteness[y * 2],
            t.villages_by_remoteness[y * 2 + 1],
        );
        let all = t.villages[y];
        assert_eq!(a.villages + b.villages, all.villages, "villages in {y}");
        assert_eq!(a.uncovered + b.uncovered, all.uncovered, "uncovered in {y}");
        assert_eq!(a.posts + b.posts, all.posts, "village posts in {y}");
        assert_eq!(
            a.filled + b.filled,
            all.filled,
            "village posts filled in {y}"
        );
        // Both classes exist in the baseline's region.
        assert!(a.villages > 0 && b.villages > 0);
    }
}

#[test]
fn each_county_is_counted_once_a_year_and_the_counties_add_up_to_the_region() {
    let s = small_baseline(&["simulation.replications=1", "region.counties=5"]);
    let t = simulate_replication(&s, 0);
    assert_eq!(t.counties.len(), 5 * t.years);
    for y in 0..t.years {
        let rows = (0..5).map(|c| t.counties[c * t.years + y]);
        let (posts, filled, villages, uncovered) = rows.fold((0, 0, 0, 0), |a, r| {
            (
                a.0 + r.posts as u64,
                a.1 + r.filled as u64,
                a.2 + r.villages as u64,
                a.3 + r.uncovered as u64,
            )
        });
        assert_eq!(posts, t.staffing[y].posts);
        assert_eq!(filled, t.staffing[y].filled);
        assert_eq!(villages, t.villages[y].villages);
        assert_eq!(uncovered, t.villages[y].uncovered);
    }
    // The spread across counties is ordered, and the whole region lies inside it.
    let r = run_on(&s, 2);
    assert!(
        r.pooled.counties.is_empty(),
        "dropped before replications merge"
    );
    for m in &r.reps {
        let b = &m.breakdown;
        for y in 0..r.pooled.years {
            let (median, p90, worst) = (
                b.county_vacancy[y * 3],
                b.county_vacancy[y * 3 + 1],
                b.county_vacancy[y * 3 + 2],
            );
            assert!(median <= p90 && p90 <= worst, "{median} {p90} {worst}");
            assert!(m.vacancy[y] <= worst + 1e-12);
        }
    }
}

#[test]
fn a_cohort_is_followed_from_its_entry_year_until_the_run_ends() {
    let s = small_baseline(&[]);
    let r = run_on(&s, 2);
    let years = r.pooled.years;
    let p = s
        .pathway_of_kind(zhagen::population::PathwayKind::OpenRecruit)
        .unwrap()
        .0 as usize;
    for m in &r.reps {
        let b = &m.breakdown;
        for c in 0..years {
            let entrants = b.cohort_entrants[p * years + c];
            if entrants == 0 {
                continue;
            }
            // Everyone who entered is serving at the start of the entry year's count, and
            // the share never rises.
            assert_eq!(b.cohort_serving[(p * years + c) * (years + 1)], entrants);
            let shares: Vec<f64> = (0..=years - c)
                .map(|k| b.cohort_retention(p, c, k))
                .collect();
            assert!(shares.windows(2).all(|w| w[1] <= w[0]), "{shares:?}");
            assert!(
                b.cohort_retention(p, c, years - c + 1).is_nan(),
                "past the run"
            );
        }
        // Pooled over the cohorts from year 5: the entrant-weighted mean of theirs.
        let k = 3;
        let (mut e, mut n) = (0.0, 0.0);
        for c in 5..=years - k {
            let entrants = b.cohort_entrants[p * years + c] as f64;
            e += entrants;
            n += entrants * b.cohort_retention(p, c, k);
        }
        assert!((b.cohorts_retention(p, 5, k) - n / e).abs() < 1e-12);
    }
}

/// The remote allowance is paid in remote townships only: its effect on vacancies shows in
/// the remote breakdown, and the other townships' vacancies barely move.
#[test]
fn a_remote_only_lever_shows_its_effect_in_the_remote_breakdown() {
    let base = scenario("baseline.toml", &[]);
    let lever = scenario("remote-allowance.toml", &[]);
    let (rb, rl) = (run_on(&base, 2), run_on(&lever, 2));
    let (hb, hl) = (headlines(&base, &rb), headlines(&lever, &rl));
    let d = |key: &str| difference(&find(&hb, key).per_rep, &find(&hl, key).per_rep).paired;
    let (remote, other) = (d("vacancy.remote.mean"), d("vacancy.not_remote.mean"));
    assert!(remote.high < 0.0, "remote vacancies fall: {remote:?}");
    assert!(
        other.mean.abs() * 10.0 < remote.mean.abs(),
        "other townships: {other:?} against remote {remote:?}"
    );
}

/// A policy from 2015 cannot touch the years before it: under common random numbers those are
/// identical, so a sum over the years from 2015 has exactly the whole run's difference, while an
/// average over them shows the effect undiluted.
#[test]
fn a_policy_from_a_year_is_summarised_on_the_years_and_cohorts_it_touches() {
    let base = scenario("baseline.toml", &[]);
    let lever = scenario("remote-allowance.toml", &[]);
    assert_eq!(compare::policy_start(&base, &lever), Some(5));
    assert_eq!(compare::policy_start(&base, &base), None);
    let (rb, rl) = (run_on(&base, 2), run_on(&lever, 2));
    for (mb, ml) in rb.reps.iter().zip(&rl.reps) {
        assert_eq!(mb.vacancy[..5], ml.vacancy[..5], "years before 2015");
    }
    let hs = compare::headlines_with_windows(&[(&base, &rb), (&lever, &rl)]);
    let d = |key: &str| difference(&find(&hs[0], key).per_rep, &find(&hs[1], key).per_rep).paired;
    for (whole, window) in [
        (
            "worker_years_discounted",
            "from_2015.worker_years_discounted",
        ),
        ("cost_total", "from_2015.cost_total"),
    ] {
        let (a, b) = (d(whole), d(window));
        assert!(
            (a.mean - b.mean).abs() <= 1e-9 * a.mean.abs().max(1.0),
            "{whole}: {a:?} vs {b:?}"
        );
    }
    let (whole, window) = (d("vacancy.remote.mean"), d("from_2015.vacancy.remote.mean"));
    assert!(
        window.mean < whole.mean,
        "undiluted: {window:?} vs {whole:?}"
    );
    // Every run carries the same window keys (the pairing holds), and the labels say the span.
    let keys = |i: usize| -> Vec<&str> {
        hs[i]
            .iter()
            .map(|h| h.key.as_str())
            .filter(|k| k.starts_with("from_"))
            .collect()
    };
    assert_eq!(keys(0), keys(1));
    assert!(
        find(&hs[0], "from_2015.vacancy.mean")
            .label
            .contains("2015–2034")
    );
}
