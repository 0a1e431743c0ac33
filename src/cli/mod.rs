//! The command line: argument parsing, the progress bar and the terminal report. The library
//! does the work; this module only wires it to a terminal.

// The doc comments of the argument structs are clap's help text, where `<scenario name>` is a
// placeholder for the reader, not an HTML tag.
#![allow(rustdoc::invalid_html_tags)]

pub mod interrupt;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;
use zhagen::engine::{self, Progress};
use zhagen::output::{self, Timing};
use zhagen::runner;
use zhagen::scenario::Scenario;

#[derive(Parser, Debug)]
#[command(
    name = "zhagen",
    version,
    about = "扎根 — simulate whether rural health workers stay, scenario by scenario"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a scenario file and write retention curves, tables, a plot and a summary.
    Run(RunArgs),
    /// Run several scenarios with common random numbers and report their differences from the
    /// first, with paired confidence intervals.
    Compare(CompareArgs),
    /// Run a policy sweep (grid or Latin hypercube over scenario values); resumes where an
    /// interrupted run of the same command stopped.
    Sweep(SweepArgs),
    /// Join the folders of sweep shards (`sweep --shard K/N`) into one set of results.
    Merge(MergeArgs),
    /// Fit the scenario's free parameters ([[calibration.free]]) to its benchmarks.
    Calibrate(CalibrateArgs),
    /// Run a scenario and judge it against every benchmark: table, validation.csv, charts.
    Validate(RunArgs),
}

#[derive(Args, Debug)]
pub struct CalibrateArgs {
    /// The scenario whose free parameters are fitted.
    pub scenario: PathBuf,
    /// Output folder [default: out/calibrate-<scenario name>/].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replications per evaluation (overrides calibration.replications).
    #[arg(long)]
    pub replications: Option<u32>,
    /// Most evaluations of the objective (overrides calibration.max_evaluations).
    #[arg(long)]
    pub max_evaluations: Option<u32>,
    /// Also write the fitted values into the scenario file itself, keeping its comments.
    #[arg(long)]
    pub update: bool,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Override a scenario value for every evaluation.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    #[arg(long, short)]
    pub quiet: bool,
    /// Run even if the size estimate says the calibration is absurdly large.
    #[arg(long)]
    pub allow_large: bool,
}

#[derive(Args, Debug)]
pub struct SweepArgs {
    /// The sweep file (base scenario and axes).
    pub sweep: PathBuf,
    /// Output folder [default: out/<sweep file name>/].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replications per point (overrides the sweep file's `replications`).
    #[arg(long)]
    pub replications: Option<u32>,
    /// Run only shard K of N (points whose number is K−1 modulo N), e.g. --shard 2/4.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Worker threads [default: all cores; RAYON_NUM_THREADS is honoured]. Results do not
    /// depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Override a value of the base scenario at every point, e.g. --set region.counties=20
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// No progress bar and no terminal report.
    #[arg(long, short)]
    pub quiet: bool,
    /// Run even if the size estimate says the sweep is absurdly large.
    #[arg(long)]
    pub allow_large: bool,
}

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// Shard folders written by `zhagen sweep --shard K/N`.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Folder for the merged results.
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct CompareArgs {
    /// Scenario files; the first is the reference.
    #[arg(required = true, num_args = 2..)]
    pub scenarios: Vec<PathBuf>,
    /// Output folder [default: out/compare-<first>-vs-<second>…/].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replications of every scenario [default: the first scenario's].
    #[arg(long)]
    pub replications: Option<u32>,
    /// Random seed of every scenario [default: the first scenario's].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Override a value in every scenario, e.g. --set region.counties=20
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// No progress bar and no terminal report.
    #[arg(long, short)]
    pub quiet: bool,
    /// Replace another comparison's results in the output folder.
    #[arg(long)]
    pub force: bool,
    /// Run even if the size estimate says the run is absurdly large.
    #[arg(long)]
    pub allow_large: bool,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// The scenario TOML file.
    pub scenario: PathBuf,
    /// Output folder [default: out/<scenario name>/].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replications (overrides simulation.replications).
    #[arg(long)]
    pub replications: Option<u32>,
    /// Random seed (overrides simulation.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Override any scenario value by its dotted key, e.g. --set policy.contract.obligation_years=8
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// No progress bar and no terminal report.
    #[arg(long, short)]
    pub quiet: bool,
    /// Replace the results of another scenario in the output folder.
    #[arg(long)]
    pub force: bool,
    /// Run even if the size estimate says the run is absurdly large.
    #[arg(long)]
    pub allow_large: bool,
}

/// Progress bar on stderr; indicatif hides it when stderr is not a terminal.
struct Bar(ProgressBar);

impl Progress for Bar {
    fn start(&self, total: u64) {
        self.0.set_length(total);
    }
    fn advance(&self, n: u64) {
        self.0.inc(n);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// Refuse a run whose estimated size is absurd, before anything is allocated. `times` scales
/// the estimate (points of a sweep, evaluations of a calibration).
fn check_size(s: &Scenario, threads: usize, times: f64, allow: bool) -> Result<()> {
    let mut e = engine::estimate(s, threads);
    e.worker_years *= times;
    match e.refusal(threads) {
        Some(why) if !allow => anyhow::bail!(
            "`{}` looks absurdly large: {why}. Check the sizes in [region] and [simulation] (counties, townships, posts, villages, years, replications); to run it anyway, pass --allow-large",
            s.name
        ),
        _ => Ok(()),
    }
}

fn interrupted(what: String) -> anyhow::Error {
    interrupt::Interrupted(what).into()
}

pub fn main_with(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run(args),
        Command::Compare(args) => compare(args),
        Command::Sweep(args) => sweep(args),
        Command::Merge(args) => merge(args),
        Command::Calibrate(args) => calibrate(args),
        Command::Validate(args) => validate(args),
    }
}

fn calibrate(args: CalibrateArgs) -> Result<()> {
    use zhagen::calibrate::{calibrate as fit, update_in_place};
    let s = Scenario::load(&args.scenario, &args.set)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(format!("calibrate-{}", s.name)));
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
        + 2.0 * s.calibration.as_ref().map_or(0, |c| c.free.len()) as f64;
    check_size(
        &sized,
        pool.current_num_threads(),
        evaluations,
        args.allow_large,
    )?;
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
    let f = match f {
        Err(zhagen::calibrate::CalibrationError::Cancelled) => {
            bar.finish_and_clear();
            return Err(interrupted(format!(
                "calibration of `{}` stopped; nothing was written",
                s.name
            )));
        }
        other => other?,
    };
    bar.finish_and_clear();
    std::fs::create_dir_all(&out)
        .with_context(|| format!("cannot create output folder {}", out.display()))?;
    // The calibrated file sits in `out`; its base is the scenario, relative to it when possible.
    let base = relative_to(&args.scenario, &out);
    output::write_atomic(&out, "fit.csv", f.fit_csv().as_bytes())?;
    output::write_atomic(&out, "trace.csv", f.trace_csv().as_bytes())?;
    output::write_atomic(
        &out,
        "identification.csv",
        f.identification_csv().as_bytes(),
    )?;
    output::write_atomic(
        &out,
        "calibrated.toml",
        f.calibrated_toml(&base, &s.name).as_bytes(),
    )?;
    if args.update {
        update_in_place(&args.scenario, &f)?;
    }
    if !args.quiet {
        let mut text = String::new();
        use std::fmt::Write as _;
        let _ = writeln!(
            text,
            "calibrated `{}`: {} evaluations at {} replications, objective {:.3} → {:.3}\n",
            s.name,
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
            "\n{:<34} {:>9} {:>9} {:>9}  within",
            "benchmark", "target", "start", "fitted"
        );
        for (b, b0) in f.best.results.iter().zip(&f.start.results) {
            let k = if b.benchmark.metric.is_share() {
                100.0
            } else {
                1.0
            };
            let _ = writeln!(
                text,
                "{:<34} {:>9.2} {:>9.2} {:>9.2}  {}",
                b.benchmark.name,
                b.benchmark.value * k,
                b0.simulated.mean * k,
                b.simulated.mean * k,
                if b.within { "yes" } else { "NO" }
            );
        }
        let _ = writeln!(
            text,
            "\n{}outputs in {}/ (calibrated.toml, fit.csv, trace.csv, identification.csv)",
            if args.update {
                format!("fitted values written into {}\n", args.scenario.display())
            } else {
                String::new()
            },
            out.display()
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

fn validate(args: RunArgs) -> Result<()> {
    let (scenario, result, out) =
        run_inner(&args, false, &|d, s, r| output::write_validation(d, s, r))?;
    if !args.quiet {
        let text = zhagen::stats::validation_table(&scenario, &result);
        print_quietly(&format!(
            "{text}\nvalidation.csv and validation-titles.svg/png in {}/\n",
            out.display()
        ))?;
    }
    Ok(())
}

fn sweep(args: SweepArgs) -> Result<()> {
    use zhagen::sweep::{Sweep, parse_shard, run::run_sweep};
    let shard = args.shard.as_deref().map(parse_shard).transpose()?;
    let mut set = args.set.clone();
    if let Some(r) = args.replications {
        set.push(format!("simulation.replications={r}"));
    }
    let pool = pool(args.threads)?;
    // Loading checks every point's scenario, in parallel on the pool `--threads` asks for.
    let sweep = pool.install(|| Sweep::load(&args.sweep, &set))?;
    let out = args.out.clone().unwrap_or_else(|| {
        let stem = args
            .sweep
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "sweep".into());
        PathBuf::from("out").join(stem)
    });
    check_size(
        &sweep.scenario,
        pool.current_num_threads(),
        sweep.points.len() as f64,
        args.allow_large,
    )?;
    let progress = Bar(bar(args.quiet, "county-replications"));
    let total = sweep.points.len();
    progress.0.set_message(format!("sweep of {total} points"));
    let start = Instant::now();
    let bar_ref = &progress.0;
    let outcome = pool.install(|| {
        run_sweep(&sweep, &out, shard, &progress, interrupt::token(), |p| {
            bar_ref.set_message(format!("point {} done", p.point));
        })
    })?;
    if outcome.interrupted {
        return Err(interrupted(format!(
            "{} of the {} points of this run finished and are kept in {}; run the same command again to resume",
            outcome.skipped + outcome.ran,
            outcome.planned,
            out.display()
        )));
    }
    if !args.quiet {
        let secs = start.elapsed().as_secs_f64();
        let text = format!(
            "sweep `{}`{}: {} points planned here, {} already finished, {} run now ({:.0} worker-years in {:.1} s, {:.1} M worker-years/s)\nresults in {}/results.csv\n",
            args.sweep.display(),
            shard.map_or(String::new(), |(k, n)| format!(", shard {k}/{n}")),
            outcome.planned,
            outcome.skipped,
            outcome.ran,
            outcome.simulated_worker_years,
            secs,
            outcome.simulated_worker_years / secs.max(1e-9) / 1e6,
            out.display()
        );
        print_quietly(&text)?;
    }
    Ok(())
}

fn merge(args: MergeArgs) -> Result<()> {
    let outcome = zhagen::sweep::run::merge(&args.dirs, &args.out)?;
    if !outcome.missing.is_empty() {
        let shown: Vec<String> = outcome
            .missing
            .iter()
            .take(20)
            .map(|i| i.to_string())
            .collect();
        eprintln!(
            "warning: {} of {} points are in no folder (points {}{}); results.csv lists the {} found",
            outcome.missing.len(),
            outcome.planned,
            shown.join(", "),
            if outcome.missing.len() > 20 {
                ", …"
            } else {
                ""
            },
            outcome.points
        );
    }
    if !args.quiet {
        print_quietly(&format!(
            "merged {} folders: {} of {} points\nresults in {}/results.csv\n",
            args.dirs.len(),
            outcome.points,
            outcome.planned,
            args.out.display()
        ))?;
    }
    Ok(())
}

fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    if threads == Some(0) {
        anyhow::bail!("--threads must be at least 1");
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .context("cannot start the worker threads")
}

fn bar(quiet: bool, unit: &str) -> ProgressBar {
    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(0)
    };
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{spinner}} {{msg}} [{{bar:40}}] {{pos}}/{{len}} {unit}, ETA {{eta}}"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

fn compare(args: CompareArgs) -> Result<()> {
    let first = Scenario::load(&args.scenarios[0], &args.set)?;
    let seed = args.seed.unwrap_or(first.simulation.seed);
    let reps = args.replications.unwrap_or(first.simulation.replications);
    let mut overrides = args.set.clone();
    // Common random numbers need one seed and one replication count for all.
    overrides.push(format!("simulation.seed={seed}"));
    overrides.push(format!("simulation.replications={reps}"));
    let mut scenarios = Vec::new();
    for path in &args.scenarios {
        let mut s = Scenario::load(path, &overrides)?;
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
        // Names label rows and folders: keep them distinct.
        let base = s.name.clone();
        let mut k = 2;
        while scenarios.iter().any(|o: &Scenario| o.name == s.name) {
            s.name = format!("{base}-{k}");
            k += 1;
        }
        scenarios.push(s);
    }
    let out = args.out.clone().unwrap_or_else(|| {
        let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
        PathBuf::from("out").join(format!("compare-{}", names.join("-vs-")))
    });
    let pool = pool(args.threads)?;
    for s in &scenarios {
        check_size(s, pool.current_num_threads(), 1.0, args.allow_large)?;
    }
    let names: Vec<String> = scenarios.iter().map(|s| s.name.clone()).collect();
    output::check_target(&out, output::Expect::Compare(&names), args.force)?;
    let bar = bar(args.quiet, "county-replications");
    let total: u64 = scenarios
        .iter()
        .map(|s| s.simulation.replications as u64 * s.region.counties as u64)
        .sum();
    let progress = Bar(bar);
    let mut results = Vec::new();
    // Each scenario's own wall time: its `runs/<name>/summary.json` reports its throughput,
    // not the whole comparison's.
    let mut timings = Vec::new();
    for s in &scenarios {
        progress.0.set_message(format!("simulating `{}`", s.name));
        let start = Instant::now();
        let Some(r) =
            pool.install(|| runner::run_until_cancelled(s, &Silent(&progress), interrupt::token()))
        else {
            progress.0.finish_and_clear();
            return Err(interrupted(format!(
                "nothing written; {} keeps what it held",
                out.display()
            )));
        };
        timings.push(Timing {
            wall_seconds: start.elapsed().as_secs_f64(),
            threads: pool.current_num_threads(),
        });
        results.push(r);
    }
    progress.0.set_length(total);
    progress.finish();
    let heads: Vec<_> = scenarios
        .iter()
        .zip(&results)
        .map(|(s, r)| zhagen::headline::headlines(s, r))
        .collect();
    let metrics = zhagen::compare::compare(&heads);
    output::write_folder(&out, |d| {
        output::comparison::write_comparison(d, &scenarios, &results, &metrics, &timings)
    })?;
    if !args.quiet {
        let mut text = String::new();
        use std::fmt::Write as _;
        let _ = writeln!(
            text,
            "compared {} scenarios with common random numbers (seed {seed}, {reps} replications each); differences from `{}`:",
            scenarios.len(),
            scenarios[0].name
        );
        for (i, s) in scenarios.iter().enumerate().skip(1) {
            let _ = writeln!(
                text,
                "\n{:<34} {:>10} {:>10} {:>12}  {:>23}",
                format!("`{}`", s.name),
                scenarios[0].name.chars().take(10).collect::<String>(),
                s.name.chars().take(10).collect::<String>(),
                "difference",
                "95% CI (paired)"
            );
            let mut unchanged = 0;
            for m in &metrics {
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
                let _ = writeln!(
                    text,
                    "{:<34} {:>10} {:>10} {:>12}  {:>10} to {:>10}{}",
                    m.key,
                    human(a.mean, m.unit),
                    human(b.mean, m.unit),
                    human_diff(d.paired.mean, m.unit),
                    human_diff(d.paired.low, m.unit),
                    human_diff(d.paired.high, m.unit),
                    if d.significant() { "  *" } else { "" }
                );
            }
            if unchanged > 0 {
                let _ = writeln!(
                    text,
                    "({unchanged} more metrics identical in every replication)"
                );
            }
        }
        let _ = writeln!(
            text,
            "\n* the paired 95% interval excludes zero\noutputs in {}/",
            out.display()
        );
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

/// Print to stdout; a closed pipe (`zhagen … | head`) ends quietly.
fn print_quietly(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

fn run(args: RunArgs) -> Result<()> {
    run_inner(&args, !args.quiet, &|_, _, _| Ok(())).map(|_| ())
}

/// Run a scenario and write its outputs; print the terminal report if `print_report`.
/// Extra files a command writes into a run's folder (validation).
type Extra<'a> = &'a dyn Fn(
    &std::path::Path,
    &Scenario,
    &zhagen::stats::RunResult,
) -> Result<(), output::OutputError>;

fn run_inner(
    args: &RunArgs,
    print_report: bool,
    extra: Extra,
) -> Result<(Scenario, zhagen::stats::RunResult, PathBuf)> {
    let mut overrides = Vec::new();
    if let Some(r) = args.replications {
        overrides.push(format!("simulation.replications={r}"));
    }
    if let Some(s) = args.seed {
        overrides.push(format!("simulation.seed={s}"));
    }
    overrides.extend(args.set.iter().cloned());
    let scenario = Scenario::load(&args.scenario, &overrides)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(&scenario.name));
    let pool = pool(args.threads)?;
    check_size(&scenario, pool.current_num_threads(), 1.0, args.allow_large)?;
    output::check_target(&out, output::Expect::Run(&scenario.name), args.force)?;
    let bar = bar(args.quiet, "county-replications");
    bar.set_message(format!("simulating `{}`", scenario.name));
    let progress = Bar(bar);
    let start = Instant::now();
    let Some(result) =
        pool.install(|| runner::run_until_cancelled(&scenario, &progress, interrupt::token()))
    else {
        progress.0.finish_and_clear();
        return Err(interrupted(format!(
            "nothing written; {} keeps what it held",
            out.display()
        )));
    };
    let timing = Timing {
        wall_seconds: start.elapsed().as_secs_f64(),
        threads: pool.current_num_threads(),
    };
    output::write_folder(&out, |d| {
        output::write_all(d, &scenario, &result, timing)?;
        extra(d, &scenario, &result)
    })?;
    if print_report {
        report(&scenario, &result, &out, timing)?;
    }
    Ok((scenario, result, out))
}

/// A short report on stdout; a closed pipe (`zhagen … | head`) ends it quietly.
fn report(
    s: &Scenario,
    r: &zhagen::stats::RunResult,
    out: &std::path::Path,
    timing: Timing,
) -> Result<()> {
    let mut text = String::new();
    use std::fmt::Write as _;
    let _ = writeln!(
        text,
        "scenario `{}`: {} replications, {:.0} worker-years in {:.2} s ({:.1} M worker-years/s on {} threads)",
        s.name,
        r.reps.len(),
        r.pooled.worker_years,
        timing.wall_seconds,
        r.pooled.worker_years / timing.wall_seconds.max(1e-9) / 1e6,
        timing.threads
    );
    let table = zhagen::stats::validation_table(s, r);
    if !table.is_empty() {
        let _ = write!(text, "\n{table}");
    }
    let _ = writeln!(text, "\noutputs in {}/", out.display());
    print_quietly(&text)
}
