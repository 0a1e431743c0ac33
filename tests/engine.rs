//! The engine's invariants, read as specifications.

mod common;

use common::*;
use zhagen::engine::tally::{Phase, Tally};

#[test]
fn every_entrant_leaves_the_curve_exactly_once() {
    // No worker is counted twice: each entrant is either an exit or a censoring, once.
    let s = small_baseline(&[]);
    let r = run_on(&s, 2);
    let t = &r.pooled;
    let bins = t.bins();
    for p in 0..s.pathways.len() {
        let events: u64 = t.events[p * bins..(p + 1) * bins]
            .iter()
            .map(|&x| x as u64)
            .sum();
        let censored: u64 = t.censored[p * bins..(p + 1) * bins]
            .iter()
            .map(|&x| x as u64)
            .sum();
        assert!(t.entrants[p] > 0, "pathway {p} has entrants");
        assert_eq!(
            events + censored,
            t.entrants[p],
            "pathway {}",
            s.pathways[p].name
        );
    }
    for c in &r.curves {
        for w in c.rows.windows(2) {
            assert_eq!(
                w[1].at_risk,
                w[0].at_risk - w[1].events - w[1].censored,
                "{} year {}",
                c.pathway,
                w[1].year
            );
        }
    }
}

#[test]
fn staff_counts_never_exceed_what_entered() {
    let s = small_baseline(&[]);
    let r = run_on(&s, 2);
    for (y, st) in r.pooled.staffing.iter().enumerate() {
        let titles: u64 = r.pooled.centre_titles[y * 4..y * 4 + 4].iter().sum();
        assert_eq!(
            titles, st.filled,
            "title counts add up to staff in year {y}"
        );
        assert_eq!(
            st.advertised,
            st.hired + st.cancelled,
            "every advertised post is filled or cancelled"
        );
    }
}

#[test]
fn retention_curves_never_rise_and_lie_inside_their_bands() {
    let s = small_baseline(&[]);
    let r = run_on(&s, 2);
    for c in &r.curves {
        assert_eq!(c.rows[0].retention, 1.0);
        for w in c.rows.windows(2) {
            assert!(
                w[1].retention <= w[0].retention + 1e-12,
                "{} rises at year {}",
                c.pathway,
                w[1].year
            );
        }
        for row in &c.rows {
            assert!(
                row.ci_low <= row.retention + 1e-12 && row.retention <= row.ci_high + 1e-12,
                "{} year {}",
                c.pathway,
                row.year
            );
        }
    }
}

/// With a near-absolute deterrent under contract and a near-certain exit right after it, the
/// order-oriented curve must be flat until the obligation ends and collapse just after.
fn cliff_scenario(extra: &[&str]) -> zhagen::scenario::Scenario {
    let mut o = vec![
        "behaviour.penalty_elasticity=60",
        "policy.contract.breach_penalty_indexed=true",
        "policy.contract.breach_penalty=200000",
        "behaviour.contract_end_hr=1000",
        "pathways.order_oriented.no_show=0",
    ];
    o.extend_from_slice(extra);
    small_baseline(&o)
}

#[test]
fn contracts_end_when_the_obligation_says() {
    for (extra, end) in [
        (vec![], 6usize),
        (vec!["policy.contract.obligation_years=8"], 8),
        (vec!["policy.contract.residency_counts=false"], 9),
    ] {
        let s = cliff_scenario(&extra);
        let r = run_on(&s, 2);
        let ret = retention(&r, "order_oriented");
        assert!(
            ret[end] > 0.99,
            "still serving at the end of a {end}-year obligation: {}",
            ret[end]
        );
        assert!(
            ret[end + 1] < 0.01,
            "gone a year after a {end}-year obligation: {}",
            ret[end + 1]
        );
        // Exits are classified by the same clock: none under contract after it ended.
        let p = s.pathway_id("order_oriented").unwrap().0 as usize;
        let t = &r.pooled;
        let under: u64 = (0..5)
            .map(|k| t.exits[t.exit_index(p, Phase::UnderContract, k)])
            .sum();
        let after: u64 = (0..5)
            .map(|k| t.exits[t.exit_index(p, Phase::AfterContract, k)])
            .sum();
        assert!(after > 100 * under.max(1), "after {after}, under {under}");
    }
}

#[test]
fn breachers_cannot_go_to_public_hospitals_or_postgraduate_study() {
    let s = small_baseline(&[]);
    let r = run_on(&s, 2);
    let p = s.pathway_id("order_oriented").unwrap().0 as usize;
    let t = &r.pooled;
    assert_eq!(t.exits[t.exit_index(p, Phase::UnderContract, 0)], 0);
    assert_eq!(t.exits[t.exit_index(p, Phase::UnderContract, 1)], 0);
    assert!(t.exits[t.exit_index(p, Phase::UnderContract, 2)] > 0);
}

#[test]
fn same_seed_gives_identical_results_at_any_thread_count() {
    let s = small_baseline(&[]);
    let one = run_on(&s, 1);
    let two = run_on(&s, 2);
    let four = run_on(&s, 4);
    assert_eq!(one.pooled, two.pooled);
    assert_eq!(one.reps, two.reps);
    assert_eq!(one.pooled, four.pooled);
    assert_eq!(one.reps, four.reps);
}

/// Counties are merged by a tree that threads steal halves of; an odd county count makes the
/// halves uneven and 3 or 8 threads make them stolen in different places.
#[test]
fn many_counties_give_identical_results_at_any_thread_count() {
    let s = baseline_with(&[
        "region.counties=13",
        "simulation.replications=3",
        "simulation.years=10",
    ]);
    let one = run_on(&s, 1);
    for threads in [3, 8] {
        let other = run_on(&s, threads);
        assert_eq!(one.pooled, other.pooled, "{threads} threads");
        // Through `Debug`, which prints every float exactly: benchmarks that a 10-year run
        // cannot reach are NaN, and NaN != NaN.
        assert_eq!(
            format!("{:?}", one.reps),
            format!("{:?}", other.reps),
            "{threads} threads"
        );
    }
}

#[test]
fn a_replication_counts_each_of_its_counties_once() {
    let s = baseline_with(&[
        "region.counties=13",
        "simulation.replications=1",
        "simulation.years=10",
    ]);
    let whole = run_on(&s, 3).pooled;
    let mut sum = Tally::new(s.pathways.len(), s.simulation.years as usize);
    for c in 0..s.region.counties {
        sum += &zhagen::engine::county::simulate_county(&s, 0, c);
    }
    // Counts add up exactly whatever the order of additions.
    assert_eq!(whole.entrants, sum.entrants);
    assert_eq!(whole.events, sum.events);
    assert_eq!(whole.censored, sum.censored);
    assert_eq!(whole.title_by_duration, sum.title_by_duration);
    assert_eq!(whole.centre_titles, sum.centre_titles);
    assert_eq!(whole.ages, sum.ages);
    assert_eq!(whole.staffing, sum.staffing);
    assert_eq!(whole.villages, sum.villages);
    assert_eq!(whole.exits, sum.exits);
    let counts = |t: &Tally| -> Vec<[u64; 5]> {
        t.pipeline
            .iter()
            .map(|p| {
                [
                    p.enrolled,
                    p.study_dropouts,
                    p.graduated,
                    p.finished_residency,
                    p.reported,
                ]
            })
            .collect()
    };
    assert_eq!(counts(&whole), counts(&sum));
    // Sums of money (and of tastes) differ from a county-by-county sum only by rounding.
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * a.abs().max(b.abs());
    for (a, b) in whole.pipeline.iter().zip(&sum.pipeline) {
        assert!(
            close(a.taste_finished, b.taste_finished) && close(a.taste_reported, b.taste_reported)
        );
    }
    assert!(close(whole.worker_years, sum.worker_years));
    for (y, (a, b)) in whole.cost.iter().zip(&sum.cost).enumerate() {
        assert!(close(a.total(), b.total()), "year {y}: {a:?} vs {b:?}");
        assert!(close(a.serving_years, b.serving_years), "year {y}");
    }
    assert!(sum.entrants.iter().sum::<u64>() > 0);
}

#[test]
fn a_different_seed_gives_different_results() {
    let a = run_on(&small_baseline(&[]), 2);
    let b = run_on(&small_baseline(&["simulation.seed=7"]), 2);
    assert_ne!(a.pooled.events, b.pooled.events);
}

/// Time-step convergence, where nothing but the step matters: incumbents whose hazard moves
/// with age only (no pay, promotion or feedback effects). The annual step evaluates the age
/// effect at the start of each year, a first-order error that must shrink with the step.
#[test]
fn curves_converge_as_the_time_step_shrinks() {
    let curve = |steps: u32| {
        let s = small_baseline(&[
            &format!("simulation.steps_per_year={steps}"),
            "behaviour.pay_effect_per_10k_yuan=0",
            "behaviour.blocked_promotion_hr=1",
            "behaviour.age_effect_per_year=-0.08",
        ]);
        let r = run_on(&s, 2);
        retention(&r, "incumbent")
    };
    let fine = curve(96);
    // Mean gap over the first 15 years, where thousands are still at risk (late years hold few
    // workers, whose exits move across retirement dates in lumps).
    let dist = |c: Vec<f64>| {
        c[1..=15]
            .iter()
            .zip(&fine[1..=15])
            .map(|(x, y)| (x - y).abs())
            .sum::<f64>()
            / 15.0
    };
    let (d1, d4, d12) = (dist(curve(1)), dist(curve(4)), dist(curve(12)));
    assert!(d1 > 0.0, "the annual step is an approximation here");
    assert!(
        d4 < d1 / 2.0 && d12 < d4 / 2.0,
        "error shrinks with the step: {d1} {d4} {d12}"
    );
    assert!(
        d12 < 0.002,
        "monthly steps are within 0.2 points of the fine step: {d12}"
    );
}

/// The full model, feedback included: quarterly, monthly and weekly steps agree within
/// Monte Carlo noise, and the annual step is within a few points.
#[test]
fn results_do_not_depend_on_how_finely_time_is_cut() {
    let curve = |steps: u32| {
        let s = small_baseline(&[
            &format!("simulation.steps_per_year={steps}"),
            "simulation.replications=24",
        ]);
        let r = run_on(&s, 2);
        s.pathways
            .iter()
            .map(|p| retention(&r, &p.name))
            .collect::<Vec<_>>()
    };
    let fine = curve(52);
    let dist = |c: Vec<Vec<f64>>| -> f64 {
        c.iter()
            .zip(&fine)
            .flat_map(|(a, b)| a.iter().zip(b).map(|(x, y)| (x - y).abs()))
            .fold(0.0, f64::max)
    };
    let (d1, d4, d12) = (dist(curve(1)), dist(curve(4)), dist(curve(12)));
    assert!(
        d4 < 0.01 && d12 < 0.01,
        "quarterly {d4} and monthly {d12} within a point of weekly steps"
    );
    // The annual step evaluates the one-year contract-end cliff and the pay gap once a year:
    // 3.0 points off at the re-fitted baseline (pay effect 0.36, cliff HR 7.4), hence the
    // default of four steps a year.
    assert!(
        d1 < 0.04,
        "annual steps within four points of weekly steps: {d1}"
    );
}

/// With every mechanism off but a constant hazard h, retention is exp(−h·t).
#[test]
fn a_constant_hazard_gives_exponential_retention() {
    let h = 0.15;
    let s = baseline_with(&[
        "region.counties=4",
        "simulation.replications=20",
        "simulation.years=12",
        &format!("pathways.incumbent.base_exit_rate={h}"),
        "pathways.incumbent.age_at_entry={ dist = \"fixed\", value = 30 }",
        "behaviour.preference_sd=0",
        "behaviour.pay_effect_per_10k_yuan=0",
        "behaviour.blocked_promotion_hr=1",
        "behaviour.hometown_hr=1",
        "behaviour.rural_origin_hr=1",
        "behaviour.unfunded_hr=1",
        "behaviour.remoteness_hr=1",
        "behaviour.age_effect_per_year=0",
    ]);
    let r = run_on(&s, 2);
    let curves = &r.curves;
    let c = curves.iter().find(|c| c.pathway == "incumbent").unwrap();
    for row in &c.rows[1..] {
        let expected = (-h * row.year as f64).exp();
        assert!(
            row.ci_low - 1e-3 <= expected && expected <= row.ci_high + 1e-3,
            "year {}: expected {expected:.4}, simulated {:.4} [{:.4}, {:.4}]",
            row.year,
            row.retention,
            row.ci_low,
            row.ci_high
        );
    }
}

/// Self-selection at take-up: with not reporting proportional to the latent taste multiplier
/// squared, those who report like rural work more (a lower mean multiplier) than all who
/// finished residency, while the share not reporting stays what `no_show` and the penalty say;
/// without selection the two means agree.
#[test]
fn self_selection_makes_those_who_take_up_a_post_like_it_more() {
    let taste = |k: &str| {
        let s = small_baseline(&[
            "simulation.replications=1",
            "region.counties=20",
            "pathways.order_oriented.no_show=0.5",
            &format!("behaviour.selection_strength={k}"),
        ]);
        let t = zhagen::engine::simulate_replication(&s, 0);
        let p = s
            .pathway_of_kind(zhagen::population::PathwayKind::OrderOriented)
            .unwrap()
            .0 as usize;
        let pc = t.pipeline_through(p, t.years);
        (
            pc.taste_finished / pc.finished_residency as f64,
            pc.taste_reported / pc.reported as f64,
            pc.reported as f64 / pc.finished_residency as f64,
            pc.finished_residency,
        )
    };
    let (all0, rep0, share0, n) = taste("0");
    let (all2, rep2, share2, _) = taste("2");
    assert!(n > 500, "{n} residency completers");
    // The latent taste is mean-one lognormal: its sample mean is near 1 either way.
    assert!(
        (all0 - 1.0).abs() < 0.05 && (all2 - 1.0).abs() < 0.05,
        "{all0} {all2}"
    );
    assert!((rep0 - all0).abs() < 0.03, "no selection: {rep0} vs {all0}");
    assert!(
        rep2 < all2 - 0.1,
        "selection: reporters {rep2} vs all {all2}"
    );
    // The average chance of not reporting is kept: the shares agree within sampling error.
    let se = (share0 * (1.0 - share0) / n as f64).sqrt();
    assert!(
        (share2 - share0).abs() < 4.0 * se + 0.01,
        "{share0} vs {share2}"
    );
}

/// Order-oriented graduates enter the placed-by-remoteness tables when they report, once each;
/// sending each to the emptiest centre puts more of them in remote townships (which draw fewer
/// applicants, so have more vacancies) than drawing a vacant post at random.
#[test]
fn placement_decides_where_graduates_go_and_the_placed_tables_count_them_once() {
    let placed = |how: &str| {
        let s = small_baseline(&[
            "simulation.replications=1",
            "region.counties=10",
            &format!("pathways.order_oriented.placement={how}"),
        ]);
        let t = zhagen::engine::simulate_replication(&s, 0);
        let p = s
            .pathway_of_kind(zhagen::population::PathwayKind::OrderOriented)
            .unwrap()
            .0 as usize;
        let reported = t.pipeline_through(p, t.years).reported;
        let (near, remote) = (t.placed_entrants[p * 2], t.placed_entrants[p * 2 + 1]);
        assert_eq!(near + remote, reported, "{how}: every reporter placed once");
        let bins = t.bins();
        for i in [p * 2, p * 2 + 1] {
            let ended: u64 = t.placed_events[i * bins..(i + 1) * bins]
                .iter()
                .chain(&t.placed_censored[i * bins..(i + 1) * bins])
                .map(|&n| n as u64)
                .sum();
            assert_eq!(
                ended, t.placed_entrants[i],
                "{how}: each placed worker ends once"
            );
        }
        remote as f64 / reported as f64
    };
    let (emptiest, random) = (placed("most_vacant"), placed("vacancy_weighted"));
    assert!(
        emptiest > random + 0.05,
        "remote share placed: most_vacant {emptiest:.3}, vacancy_weighted {random:.3}"
    );
}

/// `post_contract_hr` acts only after the contract-end window: at 2, fewer order-oriented
/// graduates are still serving 10 years after graduation (4 years past the window), while the
/// years under contract are all but unchanged.
#[test]
fn the_post_contract_hazard_ratio_acts_after_the_window_only() {
    let run = |hr: &str| {
        let s = small_baseline(&[
            "simulation.replications=4",
            "region.counties=6",
            &format!("behaviour.post_contract_hr={hr}"),
        ]);
        let r = run_on(&s, 2);
        retention(&r, "order_oriented")
    };
    let (base, doubled) = (run("1"), run("2"));
    assert!(
        doubled[10] < base[10] - 0.02,
        "year 10: {} → {}",
        base[10],
        doubled[10]
    );
    assert!(
        (doubled[3] - base[3]).abs() < 0.005,
        "year 3: {} vs {}",
        base[3],
        doubled[3]
    );
}
