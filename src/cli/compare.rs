//! `zhagen compare`: several scenarios at the same seed and replications (common random
//! numbers), their differences from the first, and the decision table.

use super::*;

pub(super) fn compare(args: CompareArgs) -> Result<()> {
    let first = Scenario::load(&args.scenarios[0], &args.set)?;
    let seed = args.seed.unwrap_or(first.simulation.seed);
    let reps = args.replications.unwrap_or(first.simulation.replications);
    let mut overrides: Vec<Override> = args.set.iter().map(Override::set).collect();
    // Common random numbers need one seed and one replication count for all: the flag's, or
    // else the first scenario's.
    let shared = |flag: &str, key: &str, given: bool, value: u64| {
        if given {
            Override::flag(flag, key, value)
        } else {
            let first = args.scenarios[0].display();
            Override::shown_as(format!("{key} = {value} of {first}"), key, value)
        }
    };
    overrides.push(shared(
        "--seed",
        "simulation.seed",
        args.seed.is_some(),
        seed,
    ));
    overrides.push(shared(
        "--replications",
        "simulation.replications",
        args.replications.is_some(),
        reps.into(),
    ));
    let mut scenarios = Vec::new();
    for path in &args.scenarios {
        let mut s = Scenario::load_with(path, &overrides)?;
        if (s.simulation.start_year, s.simulation.years)
            != (first.simulation.start_year, first.simulation.years)
        {
            anyhow::bail!(
                "{} simulates {}–{} but {} simulates {}–{}: compared scenarios must cover the same years",
                path.display(),
                s.simulation.start_year,
                s.simulation.start_year + s.simulation.years as i32 - 1,
                args.scenarios[0].display(),
                first.simulation.start_year,
                first.simulation.start_year + first.simulation.years as i32 - 1
            );
        }
        // Costs and worker-years are only comparable valued the same way.
        if s.economics != first.economics {
            anyhow::bail!(
                "{} values costs as {} ({}), but {} as {} ({}): compared scenarios must share [economics]",
                path.display(),
                s.economics.cost_unit_words(),
                s.economics.deflator_words(),
                args.scenarios[0].display(),
                first.economics.cost_unit_words(),
                first.economics.deflator_words(),
            );
        }
        // Names label rows and folders: keep them distinct.
        let base = s.name.clone();
        let mut k = 2;
        while scenarios.iter().any(|o: &Scenario| o.name == s.name) {
            s.name = format!("{base}-{k}");
            k += 1;
        }
        scenarios.push(s);
    }
    // Parameter sets, when asked for: the reference's, the same for every scenario, so
    // that set r meets replication r's random numbers in each (pairing over parameters).
    let sets = parameter_sets(&args.params, &scenarios[0], &args.scenarios[0])?;
    let mut per_replication: Vec<Vec<Scenario>> = Vec::new();
    if let Some(sets) = &sets {
        for (s, path) in scenarios.iter().zip(&args.scenarios) {
            if let Some(why) = sets.overwritten_choice(s, &scenarios[0]) {
                anyhow::bail!("{}: {why}", path.display());
            }
            let mut each = sets.scenarios(path, &overrides, reps)?;
            // The name the comparison gave it (kept distinct above).
            for e in &mut each {
                e.name = s.name.clone();
            }
            per_replication.push(each);
        }
    }
    let out = args.out.clone().unwrap_or_else(|| {
        let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
        PathBuf::from("out").join(output::folder_name(&format!(
            "compare-{}",
            names.join("-vs-")
        )))
    });
    // A bad --outcome is refused before anything runs.
    let outcome = args
        .outcome
        .clone()
        .unwrap_or_else(|| zhagen::compare::decision::DEFAULT_OUTCOME.to_string());
    let known: Vec<String> = zhagen::headline::keys(&scenarios[0])
        .into_iter()
        .map(|k| k.0)
        .collect();
    if !known.contains(&outcome) {
        return Err(zhagen::compare::decision::DecisionError::UnknownMetric {
            key: outcome,
            known,
        }
        .into());
    }
    let pool = pool(args.threads)?;
    let mut estimates = Vec::new();
    for s in &scenarios {
        estimates.push(check_size(
            s,
            pool.current_num_threads(),
            1.0,
            args.allow_large,
            args.quiet,
        )?);
    }
    let refs: Vec<&Scenario> = scenarios.iter().collect();
    let made = output::Made::new("compare", &refs, &args.set);
    output::check_target(&out, &made, args.force)?;
    let bar = bar(args.quiet, "county-replications");
    let total: u64 = scenarios
        .iter()
        .map(|s| s.simulation.replications as u64 * s.region.counties as u64)
        .sum::<u64>()
        * if sets.is_some() { 2 } else { 1 };
    let progress = Bar(bar);
    let mut results = Vec::new();
    // Each scenario's own wall time: its `runs/<name>/summary.json` reports its throughput,
    // not the whole comparison's.
    let mut timings = Vec::new();
    for (i, (s, &estimated_seconds)) in scenarios.iter().zip(&estimates).enumerate() {
        progress
            .0
            .set_message(format!("simulating `{}`", shown(&s.name)));
        let start = Instant::now();
        let Some(r) = pool.install(|| match &sets {
            Some(sets) => runner::run_sampled(
                s,
                &per_replication[i],
                sets,
                &Silent(&progress),
                interrupt::token(),
            ),
            None => runner::run_until_cancelled(s, &Silent(&progress), interrupt::token()),
        }) else {
            progress.0.finish_and_clear();
            return Err(interrupted(format!(
                "nothing written; {} keeps what it held",
                out.display()
            )));
        };
        timings.push(Timing {
            wall_seconds: start.elapsed().as_secs_f64(),
            estimated_seconds,
            threads: pool.current_num_threads(),
        });
        results.push(r);
    }
    // Over parameter sets, the same comparison with the parameters fixed as well, so every
    // difference can be shown with both intervals: over parameters and chance, and Monte
    // Carlo precision only (the same seed: the same random numbers in each replication).
    let mut fixed_results = Vec::new();
    if sets.is_some() {
        for s in &scenarios {
            progress.0.set_message(format!(
                "simulating `{}` with the parameters fixed",
                shown(&s.name)
            ));
            let Some(r) = pool
                .install(|| runner::run_until_cancelled(s, &Silent(&progress), interrupt::token()))
            else {
                progress.0.finish_and_clear();
                return Err(interrupted(format!(
                    "nothing written; {} keeps what it held",
                    out.display()
                )));
            };
            fixed_results.push(r);
        }
    }
    progress.0.set_length(total);
    progress.finish();
    let runs: Vec<_> = scenarios.iter().zip(&results).collect();
    let heads = zhagen::compare::headlines_with_windows(&runs);
    let mut metrics = zhagen::compare::compare_over(&heads, sets.is_some());
    if sets.is_some() {
        let runs: Vec<_> = scenarios.iter().zip(&fixed_results).collect();
        let fixed =
            zhagen::compare::compare_over(&zhagen::compare::headlines_with_windows(&runs), false);
        zhagen::compare::with_fixed(&mut metrics, &fixed);
    }
    let decision = zhagen::compare::decision::Decision::new(&heads, &outcome, sets.is_some())?;
    let pairs = args.pairs.then(|| zhagen::compare::pairs(&heads));
    output::write_folder(&out, &made, args.force, |d| {
        output::comparison::write_comparison(
            d,
            &output::comparison::Compared {
                scenarios: &scenarios,
                results: &results,
                metrics: &metrics,
                decision: &decision,
                pairs: pairs.as_deref(),
            },
            &timings,
        )?;
        if args.xlsx {
            output::workbook::write_workbook(d)?;
        }
        Ok(())
    })?;
    if !args.quiet {
        let mut text = String::new();
        use std::fmt::Write as _;
        let _ = writeln!(
            text,
            "compared {} scenarios with common random numbers (seed {seed}, {reps} replications each); differences from `{}`:",
            scenarios.len(),
            shown(&scenarios[0].name)
        );
        // The key column fits the longest key (`retention_placed.….not_remote.y10`).
        let w = metrics
            .iter()
            .map(|m| m.key.len())
            .max()
            .unwrap_or(0)
            .max(34);
        for (i, s) in scenarios.iter().enumerate().skip(1) {
            let _ = writeln!(
                text,
                "\n{:<w$} {:>10} {:>10} {:>12}  {:>23}",
                format!("`{}`", shown(&s.name)),
                shown(&scenarios[0].name)
                    .chars()
                    .take(10)
                    .collect::<String>(),
                shown(&s.name).chars().take(10).collect::<String>(),
                "difference",
                "95% CI (paired)"
            );
            let mut unchanged = 0;
            // A window's rows under the scenario whose policy starts then (with several
            // starts, every run carries every window; each block shows its own).
            let own = zhagen::compare::policy_start(&scenarios[0], s)
                .map(|y| format!("from_{}.", s.simulation.start_year + y as i32));
            for m in metrics.iter().filter(|m| {
                !m.key.starts_with("from_") || own.as_ref().is_some_and(|o| m.key.starts_with(o))
            }) {
                let (Some(a), Some(b), Some(d)) = (m.values[0], m.values[i], m.diffs[i]) else {
                    continue;
                };
                if !d.paired.mean.is_finite() {
                    continue;
                }
                // Identical in every replication: the lever does not touch it.
                if d.paired.mean == 0.0 && d.paired.sd == 0.0 {
                    unchanged += 1;
                    continue;
                }
                use zhagen::compare::{human, human_diff};
                let fixed = match m.fixed.get(i).copied().flatten() {
                    Some(f) => format!(
                        "   fixed {:>10} to {:>10}",
                        human_diff(f.low, m.unit),
                        human_diff(f.high, m.unit)
                    ),
                    None => String::new(),
                };
                let _ = writeln!(
                    text,
                    "{:<w$} {:>10} {:>10} {:>12}  {:>10} to {:>10}{}{fixed}",
                    m.key,
                    human(a.mean, m.unit),
                    human(b.mean, m.unit),
                    human_diff(d.paired.mean, m.unit),
                    human_diff(d.paired.low, m.unit),
                    human_diff(d.paired.high, m.unit),
                    match (d.significant(), fixed.is_empty()) {
                        (true, _) => "  *",
                        (false, true) => "",
                        (false, false) => "   ",
                    }
                );
            }
            if unchanged > 0 {
                let _ = writeln!(
                    text,
                    "({unchanged} more metrics identical in every replication)"
                );
            }
        }
        let _ = writeln!(text, "\n* the paired 95% interval excludes zero");
        let _ = writeln!(
            text,
            "intervals of the table above: {}",
            match &results[0].parameters {
                Some(words) => format!(
                    "the central 95% of the replications' values and paired differences, {words}"
                ),
                None => "95% Student-t intervals across replications (Monte Carlo precision only)"
                    .into(),
            }
        );
        if !fixed_results.is_empty() {
            let _ = writeln!(
                text,
                "fixed: the paired 95% Student-t interval of the same difference with the parameters held at the scenarios' values (Monte Carlo precision only; same seed and replications)"
            );
        }
        let names: Vec<String> = scenarios
            .iter()
            .map(|s| shown(&s.name).to_string())
            .collect();
        text.push_str(&zhagen::output::comparison::decision_text(
            &names,
            &scenarios[0].economics,
            &decision,
        ));
        let _ = writeln!(text, "outputs in {}/", out.display());
        print_quietly(&text)?;
    }
    Ok(())
}

/// Forward progress to a bar without finishing it (several runs share one bar).
struct Silent<'a>(&'a Bar);
impl Progress for Silent<'_> {
    fn start(&self, total: u64) {
        let len = self.0.0.length().unwrap_or(0);
        self.0.0.set_length(len + total);
    }
    fn advance(&self, n: u64) {
        self.0.advance(n);
    }
}
