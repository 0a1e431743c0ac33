//! `zhagen calibrate`'s posterior: parameter sets from the Gaussian approximation around the
//! fit cover the value a synthetic target was generated at, and read back as `--parameters`.

mod common;

use common::*;
use zhagen::calibrate::calibrate;
use zhagen::cancel::Cancel;
use zhagen::scenario::Scenario;
use zhagen::uncertainty::ParameterSets;

/// A one-parameter toy over the baseline (as in tests/calibrate.rs): its only target is the
/// RTME post-contract retention the engine itself produces at `contract_end_hr = truth`.
fn one_parameter(dir: &std::path::Path, truth: f64) -> std::path::PathBuf {
    let b = baseline_path().display().to_string();
    let small = "[simulation]\nreplications = 8\n[region]\ncounties = 3\n";
    let metric = "metric = \"conditional_retention\"\npathway = \"order_oriented\"\nfrom_year = 6\nyear = 7\n";
    let generator = write(
        dir,
        "truth.toml",
        &format!(
            "base = {b:?}\n{small}[behaviour]\ncontract_end_hr = {truth:?}\n\
             [[benchmark]]\nname = \"synthetic\"\n{metric}value = 0.5\nrole = \"fitted\"\n\
             tolerance = 0.1\nsource = \"the generator\"\n"
        ),
    );
    let s = Scenario::load(&generator, &[]).unwrap();
    let target = run_on(&s, 2)
        .benchmarks
        .into_iter()
        .find(|x| x.benchmark.name == "synthetic")
        .unwrap()
        .simulated
        .mean;
    write(
        dir,
        "fit-me.toml",
        &format!(
            "base = {b:?}\n{small}\
             [calibration]\nmax_evaluations = 30\n\
             [[calibration.free]]\nkey = \"behaviour.contract_end_hr\"\nmin = 2.0\nmax = 12.0\n\
             [[benchmark]]\nname = \"synthetic\"\n{metric}value = {target:?}\nrole = \"fitted\"\nn = 1000000\nsource = \"the engine at contract_end_hr = {truth}\"\n"
        ),
    )
}

#[test]
fn the_posterior_of_a_one_parameter_toy_covers_the_value_its_target_was_generated_at() {
    let dir = tempfile::tempdir().unwrap();
    let truth = 5.0;
    let f = one_parameter(dir.path(), truth);
    let fit = calibrate(&f, &[], None, None, &|_, _| {}, &Cancel::new()).unwrap();
    assert!(fit.identification[0].identified, "{:?}", fit.identification);
    let n = 100;
    let p = fit.posterior(n, &|_, _| {}, &Cancel::new()).unwrap();
    assert_eq!(p.sets.rows.len(), n as usize);
    assert_eq!(p.drawn, ["Gaussian"]);
    let xs: Vec<f64> = p.sets.rows.iter().map(|r| r[0]).collect();
    assert!(xs.iter().all(|x| (2.0..=12.0).contains(x)), "{xs:?}");
    let (lo, hi) = p.central_range(0.95)[0];
    eprintln!(
        "fit {} (se {:?}); central 95% of {n} sets {lo:.3} to {hi:.3}",
        fit.identification[0].value, fit.identification[0].std_error
    );
    assert!(
        lo <= truth && truth <= hi,
        "95% of the sets {lo} to {hi} miss the truth {truth}"
    );
    assert!(hi - lo > 0.0, "degenerate: {lo} to {hi}");
    // Each set's objective is the objective of that set, evaluated as the fit evaluates.
    let objective = p.sets.objective.clone().unwrap();
    assert_eq!(objective.len(), n as usize);
    assert!(objective.iter().all(|j| j.is_finite() && *j >= 0.0));
    assert!(objective.iter().any(|j| *j > fit.best.objective));
    // Deterministic: the same fit draws the same sets.
    assert_eq!(fit.posterior_values(n).unwrap().0, p.sets.rows);
    // Written as posterior.csv, the sets read back as `--parameters` reads them.
    let csv = dir.path().join("posterior.csv");
    std::fs::write(&csv, p.sets.to_csv()).unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.starts_with("set,behaviour.contract_end_hr,objective\n"),
        "{text}"
    );
    let back = ParameterSets::read(&csv).unwrap();
    assert_eq!(back.keys, p.sets.keys);
    assert_eq!(back.rows, p.sets.rows);
    assert_eq!(back.objective, p.sets.objective);
}
