//! `zhagen sensitivity`: which uncertain parameters a retention figure, a cost or a policy's
//! difference depends on (`zhagen::sensitivity`).

use super::*;
use zhagen::sensitivity::run::{Measured, run_sensitivity};
use zhagen::sensitivity::{Method, Request, Sensitivity};

pub fn sensitivity(args: SensitivityArgs) -> Result<()> {
    let shard = args
        .shard
        .as_deref()
        .map(zhagen::sweep::parse_shard)
        .transpose()?;
    let method = match args.method {
        MethodArg::Morris => Method::Morris {
            trajectories: args.trajectories,
            levels: args.levels,
        },
        MethodArg::Sobol => Method::Sobol {
            samples: args.samples,
        },
    };
    let mut common: Vec<Override> = args.set.iter().map(Override::set).collect();
    common.push(Override::flag(
        "--replications",
        "simulation.replications",
        args.replications,
    ));
    let outputs = if args.outputs.is_empty() {
        zhagen::sensitivity::DEFAULT_OUTPUTS
            .iter()
            .map(|s| s.to_string())
            .collect()
    } else {
        args.outputs.clone()
    };
    let req = Request {
        scenario: args.scenario.clone(),
        policy: args.policy.clone(),
        method,
        outputs,
        common,
        resamples: args.bootstrap,
    };
    let pool = pool(args.threads)?;
    let sens = pool.install(|| Sensitivity::new(&req))?;
    let out = args.out.clone().unwrap_or_else(|| {
        zhagen::sensitivity::default_folder(&args.scenario, args.policy.as_deref())
    });
    let threads = pool.current_num_threads();
    let scenarios = sens.sweeps.len();
    let todo = sens.todo(&out, shard);
    let seconds = check_size(
        sens.scenario(),
        threads,
        todo as f64,
        args.allow_large,
        true,
    )?;
    if !args.quiet {
        eprintln!(
            "sensitivity ({}): {} parameters, {} points × {scenarios} scenario{} × {} replications; {todo} point runs to do here, about {} on {threads} thread{} by the estimate",
            method.name(),
            sens.parameters.len(),
            sens.points(),
            if scenarios == 1 { "" } else { "s" },
            sens.replications,
            engine::duration_words(seconds),
            if threads == 1 { "" } else { "s" }
        );
    }
    let progress = Bar(bar(args.quiet, "county-replications"));
    progress.0.set_message(format!("{} design", method.name()));
    let start = Instant::now();
    let outcome =
        pool.install(|| run_sensitivity(&sens, &out, shard, &progress, interrupt::token()))?;
    if outcome.interrupted {
        return Err(interrupted(format!(
            "{} of the {} point runs of this analysis finished and are kept in {}; run the same command again to resume",
            outcome.skipped + outcome.ran,
            outcome.planned,
            out.display()
        )));
    }
    if args.quiet {
        return Ok(());
    }
    let mut text = format!(
        "sensitivity of `{}`{}: {} point runs planned here, {} already finished, {} run now in {:.1} s\n",
        shown(&sens.scenario_name),
        sens.policy_name.as_ref().map_or(String::new(), |p| format!(
            " and of `{}` minus it",
            shown(p)
        )),
        outcome.planned,
        outcome.skipped,
        outcome.ran,
        start.elapsed().as_secs_f64()
    );
    match &outcome.analysis {
        None => text.push_str(&format!(
            "shard {} done in {}; join the shards with `zhagen merge DIR… --out DIR`\n",
            args.shard.as_deref().unwrap_or(""),
            out.display()
        )),
        Some(a) => {
            text.push_str(&summary_text(a));
            text.push_str(&format!(
                "indices.csv, design.csv, indices-*.svg/png and report.html in {}/\n",
                out.display()
            ));
        }
    }
    print_quietly(&text)
}

/// The top five parameters of every output, with their ranking index and its interval.
pub fn summary_text(a: &zhagen::sensitivity::run::Analysis) -> String {
    let mut text = String::new();
    for o in &a.outputs {
        let r = o.ranking();
        let scale = if o.output.unit == "share" && o.morris.is_some() {
            100.0
        } else {
            1.0
        };
        // μ* is in the output's own unit (points for a share); Sobol indices are shares of
        // the output's variance, unitless.
        let (measure, unit) = match (&o.morris, o.output.unit.as_str()) {
            (Some(_), "share") => ("μ*", " pp".to_string()),
            (Some(_), "years") if o.output.key.starts_with("worker_years") => {
                ("μ*", " worker-years".to_string())
            }
            (Some(_), u) => ("μ*", format!(" {}", u.replace('_', " "))),
            _ => ("ST", String::new()),
        };
        text.push_str(&format!(
            "\n{}{}:\n",
            o.words(&a.manifest),
            if o.measured == Measured::Difference {
                " [paired over chance and parameters]"
            } else {
                ""
            }
        ));
        for (rank, &i) in o.order().iter().take(5).enumerate() {
            let e = r[i];
            let mut line = format!(
                "  {}. {:<58} {measure} {:>10.3}{unit}  (95% {:.3} to {:.3})",
                rank + 1,
                a.manifest.parameters[i].label,
                e.value * scale,
                e.low * scale,
                e.high * scale
            );
            if let Some(m) = &o.morris {
                line.push_str(&format!("  σ {:.3}", m.sigma[i].value * scale));
            }
            if let Some(s) = &o.sobol {
                line.push_str(&format!(
                    "  S1 {:.3} (95% {:.3} to {:.3})",
                    s.s1[i].value, s.s1[i].low, s.s1[i].high
                ));
            }
            text.push_str(&line);
            text.push('\n');
        }
    }
    text
}
