//! `zhagen calibrate`: fit the scenario's free parameters, show the fit on a progress bar, draw
//! and evaluate parameter sets from the approximate posterior (`posterior.csv`), write the
//! fit's files, and optionally update the scenario in place. Ctrl-C stops it after the
//! evaluation in progress, writing nothing.

use super::{CalibrateArgs, bar, check_size, interrupt, interrupted, pool, print_quietly, shown};
use anyhow::Result;
use std::path::PathBuf;
use zhagen::output;
use zhagen::scenario::Scenario;

pub(super) fn calibrate(args: CalibrateArgs) -> Result<()> {
    use zhagen::calibrate::{calibrate as fit, update_in_place};
    let s = Scenario::load(&args.scenario, &args.set)?;
    // The targets describe the status quo: fitting a policy scenario to them would undo the
    // policy through the behavioural values. Allowed (a user may mean it), never silent.
    let changed = s.policy_changes_from_root();
    if !changed.is_empty() {
        eprintln!(
            "warning: {} is a policy scenario (it changes {} from the scenario it is built on); the benchmarks describe the status quo, so calibrate the status quo and run the policy on it",
            zhagen::scenario::load::escape_controls(&s.name),
            changed
                .iter()
                .map(|k| zhagen::scenario::load::escape_controls(k))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("out").join(output::folder_name(&format!("calibrate-{}", s.name)))
    });
    let pool = pool(args.threads)?;
    let mut sized = s.clone();
    if let Some(r) = args
        .replications
        .or(s.calibration.as_ref().and_then(|c| c.replications))
    {
        sized.simulation.replications = r;
    }
    let evaluations = args
        .max_evaluations
        .or(s.calibration.as_ref().map(|c| c.max_evaluations))
        .unwrap_or(100) as f64
        + 2.0 * s.calibration.as_ref().map_or(0, |c| c.free.len()) as f64
        + args.posterior_sets as f64;
    check_size(
        &sized,
        pool.current_num_threads(),
        evaluations,
        args.allow_large,
        args.quiet,
    )?;
    let made = output::Made::new("calibrate", &[&sized], &args.set);
    output::check_target(&out, &made, args.force)?;
    let budget = args
        .max_evaluations
        .or(s.calibration.as_ref().map(|c| c.max_evaluations))
        .unwrap_or(100);
    let bar = bar(args.quiet, "evaluations");
    bar.set_length(budget as u64);
    let best = std::sync::Mutex::new(f64::INFINITY);
    let report = |k: usize, e: &zhagen::calibrate::Evaluation| {
        let mut b = best.lock().unwrap_or_else(|p| p.into_inner());
        *b = b.min(e.objective);
        bar.set_position(k as u64);
        bar.set_message(format!("objective {:.3} (best {:.3})", e.objective, *b));
    };
    let f = pool.install(|| {
        fit(
            &args.scenario,
            &args.set,
            args.replications,
            args.max_evaluations,
            &report,
            interrupt::token(),
        )
    });
    let stopped = || {
        interrupted(format!(
            "calibration of `{}` stopped; nothing was written",
            shown(&s.name)
        ))
    };
    let f = match f {
        Err(zhagen::calibrate::CalibrationError::Cancelled) => {
            bar.finish_and_clear();
            return Err(stopped());
        }
        other => other?,
    };
    bar.finish_and_clear();
    // The posterior's sets, each one evaluation. One that cannot be formed leaves the fit
    // standing: said, and posterior.csv is not written.
    let posterior = if args.posterior_sets == 0 {
        None
    } else {
        let bar = super::bar(args.quiet, "posterior sets");
        bar.set_length(args.posterior_sets as u64);
        let report = |k: usize, e: &zhagen::calibrate::Evaluation| {
            bar.set_position(k as u64);
            bar.set_message(format!("objective {:.3}", e.objective));
        };
        let p = pool.install(|| f.posterior(args.posterior_sets, &report, interrupt::token()));
        bar.finish_and_clear();
        match p {
            Ok(p) => Some(p),
            Err(zhagen::calibrate::CalibrationError::Cancelled) => return Err(stopped()),
            Err(e @ zhagen::calibrate::CalibrationError::NoPosterior { .. }) => {
                eprintln!("warning: {e}");
                None
            }
            Err(e) => return Err(e.into()),
        }
    };
    // The calibrated file sits in `out`; its base is the scenario, relative to it when possible.
    let base = relative_to(&args.scenario, &out);
    // All the files or none: a fit that fails mid-write leaves the previous fit whole.
    output::write_folder(&out, &made, args.force, |d| {
        output::write_atomic(d, "fit.csv", f.fit_csv().as_bytes())?;
        output::write_atomic(d, "trace.csv", f.trace_csv().as_bytes())?;
        output::write_atomic(d, "identification.csv", f.identification_csv().as_bytes())?;
        if let Some(p) = &posterior {
            output::write_atomic(d, "posterior.csv", p.sets.to_csv().as_bytes())?;
        }
        output::write_atomic(
            d,
            "calibrated.toml",
            f.calibrated_toml(&base, &s.name).as_bytes(),
        )
    })?;
    if args.update {
        update_in_place(&args.scenario, &f)?;
    }
    if !args.quiet {
        let mut text = String::new();
        use std::fmt::Write as _;
        let _ = writeln!(
            text,
            "calibrated `{}`: {} evaluations at {} replications, objective {:.3} → {:.3}\n",
            shown(&s.name),
            f.trace.len(),
            f.replications,
            f.start.objective,
            f.best.objective
        );
        let _ = writeln!(
            text,
            "{:<46} {:>10} {:>10}  identification",
            "parameter", "start", "fitted"
        );
        for (id, (p, x0)) in f
            .identification
            .iter()
            .zip(f.params.iter().zip(&f.start.theta))
        {
            let _ = writeln!(
                text,
                "{:<46} {:>10.4} {:>10.4}  {}",
                p.name(),
                x0,
                id.value,
                id.note
            );
        }
        let _ = writeln!(
            text,
            "\nOnly the fitted targets are in the objective; inputs and hold-outs are shown, never fitted to.\n{:<34} {:<8} {:>9} {:>9} {:>9}  verdict",
            "benchmark", "role", "target", "start", "fitted"
        );
        for (b, b0) in f.best.results.iter().zip(&f.start.results) {
            let k = if b.benchmark.in_percent() { 100.0 } else { 1.0 };
            let _ = writeln!(
                text,
                "{:<34} {:<8} {:>9.2} {:>9.2} {:>9.2}  {}",
                shown(&b.benchmark.name),
                b.benchmark.role.name(),
                b.benchmark.value * k,
                b0.simulated.mean * k,
                b.simulated.mean * k,
                match b.verdict {
                    zhagen::stats::Verdict::Met => "yes",
                    zhagen::stats::Verdict::Off => "NO",
                    zhagen::stats::Verdict::CannotJudge(_) => "cannot be judged",
                    zhagen::stats::Verdict::ForReference => "for reference",
                }
            );
        }
        if let Some(p) = &posterior {
            let objective = p.sets.objective.clone().unwrap_or_default();
            let mut sorted = objective.clone();
            sorted.sort_by(f64::total_cmp);
            let _ = writeln!(
                text,
                "\nposterior.csv: {} parameter sets from the Gaussian approximation around the fit (objective over the sets: median {:.3}); central 95% of the sets:",
                p.sets.rows.len(),
                zhagen::stats::breakdown::quantile(&sorted, 0.5)
            );
            for ((q, how), prm) in p.central_range(0.95).iter().zip(&p.drawn).zip(&f.params) {
                let _ = writeln!(
                    text,
                    "{:<46} {:>10.4} to {:<10.4} {}",
                    prm.name(),
                    q.0,
                    q.1,
                    if how == "Gaussian" { "" } else { how.as_str() }
                );
            }
        }
        let _ = writeln!(
            text,
            "\n{}outputs in {}/ (calibrated.toml, fit.csv, trace.csv, identification.csv{})",
            if args.update {
                format!("fitted values written into {}\n", args.scenario.display())
            } else {
                String::new()
            },
            out.display(),
            if posterior.is_some() {
                ", posterior.csv"
            } else {
                ""
            }
        );
        print_quietly(&text)?;
    }
    Ok(())
}

/// `target` as seen from folder `from` (for a `base =` line), absolute when no relative path
/// can be formed.
fn relative_to(target: &std::path::Path, from: &std::path::Path) -> String {
    let abs = |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (t, f) = (abs(target), abs(from));
    let tc: Vec<_> = t.components().collect();
    let fc: Vec<_> = f.components().collect();
    let common = tc.iter().zip(&fc).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return t.display().to_string();
    }
    let mut rel = PathBuf::new();
    for _ in common..fc.len() {
        rel.push("..");
    }
    for c in &tc[common..] {
        rel.push(c.as_os_str());
    }
    rel.display().to_string()
}
