//! The command line: argument parsing, the progress bar and the terminal report. The library
//! does the work; this module only wires it to a terminal (`compare` and `calibrate` in files
//! of their own).

pub mod args;
mod calibrate;
mod compare;
pub mod interrupt;
mod sensitivity;

pub use args::*;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;
use zhagen::engine::{self, Progress};
use zhagen::output::{self, Timing};
use zhagen::runner;
use zhagen::scenario::{Override, Scenario};

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

/// Refuse a run whose estimated size is absurd (unless `allow`), before anything is allocated,
/// and say how long a run of over a minute will take before it starts (unless `quiet`).
/// `times` scales the estimate (points of a sweep, evaluations of a calibration). Returns the
/// estimated wall time in seconds.
fn check_size(s: &Scenario, threads: usize, times: f64, allow: bool, quiet: bool) -> Result<f64> {
    let mut e = engine::estimate(s, threads);
    e.worker_years *= times;
    e.county_replications *= times;
    if let Some(why) = e.refusal(threads)
        && !allow
    {
        anyhow::bail!(
            "`{}` looks absurdly large: {why}. Check the sizes in [region] and [simulation] (counties, townships, posts, villages, years, replications); to run it anyway, pass --allow-large",
            zhagen::scenario::load::escape_controls(&s.name)
        );
    }
    let seconds = e.seconds(threads);
    if seconds > 60.0 && !quiet {
        eprintln!(
            "`{}`: {:.2e} worker-years, {} on {threads} thread{} by the estimate",
            zhagen::scenario::load::escape_controls(&s.name),
            e.worker_years,
            engine::duration_words(seconds),
            if threads == 1 { "" } else { "s" }
        );
    }
    Ok(seconds)
}

/// A scenario's name as printed on the terminal: control characters escaped, so that a name in
/// a file from someone else cannot move the cursor, recolour the screen or retitle the window.
fn shown(name: &str) -> String {
    zhagen::scenario::load::escape_controls(name)
}

fn interrupted(what: String) -> anyhow::Error {
    interrupt::Interrupted(what).into()
}

pub fn main_with(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run(args),
        Command::Compare(args) => compare::compare(args),
        Command::Sweep(args) => sweep(args),
        Command::Merge(args) => merge(args),
        Command::Calibrate(args) => calibrate::calibrate(args),
        Command::Validate(args) => validate(args),
        Command::Sensitivity(args) => sensitivity::sensitivity(args),
        Command::Explore(args) => explore(args),
    }
}

fn explore(args: ExploreArgs) -> Result<()> {
    if !(1..=zhagen::explore::MAX_REPLICATIONS).contains(&args.replications) {
        anyhow::bail!(
            "--replications {}: allowed: a whole number from 1 to {}",
            args.replications,
            zhagen::explore::MAX_REPLICATIONS
        );
    }
    let explorer =
        zhagen::explore::Explorer::new(&args.scenario, args.set.clone(), args.replications)?;
    let pool = pool(args.threads)?;
    let addr = std::net::SocketAddr::new(args.bind, args.port);
    zhagen::explore::server::serve(explorer, pool, addr, interrupt::token(), |at| {
        // The one line a script waits for; nothing is opened by itself.
        println!(
            "zhagen explore: serving {} at http://{at}/ (Ctrl-C stops it)",
            args.scenario.display()
        );
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
    })
    .map_err(|e| {
        anyhow::anyhow!("cannot serve on {addr}: {e} (allowed: a free port; try --port 0 for any)")
    })?;
    Ok(())
}

fn validate(args: ValidateArgs) -> Result<()> {
    use zhagen::benchmark::Role;
    let (strict, args) = (args.strict, args.run);
    let (_, result, out) = run_inner("validate", &args, false, &|d, s, r| {
        output::write_validation(d, s, r)
    })?;
    if !args.quiet {
        let text = zhagen::stats::validation_table(&result);
        print_quietly(&format!(
            "{text}\nvalidation.csv, validation.svg/png and validation-titles.svg/png in {}/\n",
            out.display()
        ))?;
    }
    // Inputs are plumbing checks, shown but not held against the model.
    let counted = |b: &&zhagen::stats::BenchmarkResult| b.benchmark.role != Role::Input;
    let off: Vec<&str> = result
        .benchmarks
        .iter()
        .filter(counted)
        .filter(|b| b.verdict == zhagen::stats::Verdict::Off)
        .map(|b| b.benchmark.name.as_str())
        .collect();
    if strict && !off.is_empty() {
        return Err(StrictFailure(format!(
            "--strict: {} of {} fitted and hold-out benchmarks are off: {}",
            off.len(),
            result.benchmarks.iter().filter(counted).count(),
            off.iter()
                .map(|n| zhagen::scenario::load::escape_controls(n))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .into());
    }
    Ok(())
}

/// `validate --strict` found a benchmark off: the outputs are written, the exit status is
/// [`StrictFailure::EXIT_CODE`] so that a CI step or a Slurm `afterok` chain stops.
#[derive(Debug)]
pub struct StrictFailure(pub String);

impl StrictFailure {
    pub const EXIT_CODE: i32 = 2;
}

impl std::fmt::Display for StrictFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StrictFailure {}

fn sweep(args: SweepArgs) -> Result<()> {
    use zhagen::sweep::{Sweep, parse_shard, run::run_sweep};
    let shard = args.shard.as_deref().map(parse_shard).transpose()?;
    let mut set: Vec<Override> = args.set.iter().map(Override::set).collect();
    if let Some(r) = args.replications {
        set.push(Override::flag(
            "--replications",
            "simulation.replications",
            r,
        ));
    }
    let pool = pool(args.threads)?;
    // Loading checks every point's scenario, in parallel on the pool `--threads` asks for.
    let mut sweep = pool.install(|| Sweep::load(&args.sweep, &set))?;
    // Over parameter sets: the base scenario's (or the file's), the same at every point.
    if let Some(sets) = parameter_sets(&args.params, &sweep.scenario, &args.sweep)? {
        sweep = sweep.over_sets(sets)?;
    }
    let out = args.out.clone().unwrap_or_else(|| {
        let stem = args
            .sweep
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "sweep".into());
        PathBuf::from("out").join(output::folder_name(&stem))
    });
    check_size(
        &sweep.scenario,
        pool.current_num_threads(),
        sweep.points.len() as f64,
        args.allow_large,
        args.quiet,
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
    if !outcome.rejected.is_empty() {
        let shown: Vec<String> = outcome.rejected.iter().take(5).cloned().collect();
        eprintln!(
            "note: {} point file(s) in {}/points do not match this sweep (edited, renamed or copied: {}{}); those points were run again",
            outcome.rejected.len(),
            out.display(),
            shown.join(", "),
            if outcome.rejected.len() > 5 {
                ", …"
            } else {
                ""
            }
        );
    }
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
        let text = match &sweep.sets {
            Some(sets) => format!(
                "{text}intervals: the central 95% of each point's replications, {}\n",
                sets.interval_words(sweep.scenario.simulation.replications)
            ),
            None => text,
        };
        print_quietly(&text)?;
    }
    Ok(())
}

fn merge(args: MergeArgs) -> Result<()> {
    if args.dirs[0].join("sensitivity.json").exists() {
        let m = zhagen::sensitivity::run::merge_sensitivity(&args.dirs, &args.out)?;
        if !args.quiet {
            print_quietly(&format!(
                "merged {} sensitivity folders: {} points\n{}indices.csv and report.html in {}/\n",
                args.dirs.len(),
                m.points,
                sensitivity::summary_text(&m.analysis),
                args.out.display()
            ))?;
        }
        return Ok(());
    }
    let outcome = zhagen::sweep::run::merge(&args.dirs, &args.out)?;
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
    // Results do not depend on the thread count, so more threads than this only cost memory
    // and start-up time (100,000 threads take minutes to create): refused at once.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let most = (8 * cores).max(64);
    if let Some(t) = threads
        && t > most
    {
        anyhow::bail!(
            "--threads {t} is more than this machine can use: at most {most} (8 per core on its {cores} cores, or 64); results do not depend on the thread count"
        );
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
    run_inner("run", &args, !args.quiet, &|_, _, _| Ok(())).map(|_| ())
}

/// Run a scenario and write its outputs; print the terminal report if `print_report`.
/// Extra files a command writes into a run's folder (validation).
type Extra<'a> = &'a dyn Fn(
    &std::path::Path,
    &Scenario,
    &zhagen::stats::RunResult,
) -> Result<(), output::OutputError>;

fn run_inner(
    command: &str,
    args: &RunArgs,
    print_report: bool,
    extra: Extra,
) -> Result<(Scenario, zhagen::stats::RunResult, PathBuf)> {
    let mut overrides = Vec::new();
    if let Some(r) = args.replications {
        overrides.push(Override::flag(
            "--replications",
            "simulation.replications",
            r,
        ));
    }
    if let Some(s) = args.seed {
        overrides.push(Override::flag("--seed", "simulation.seed", s));
    }
    overrides.extend(args.set.iter().map(Override::set));
    let scenario = Scenario::load_with(&args.scenario, &overrides)?;
    let sets = parameter_sets(&args.params, &scenario, &args.scenario)?;
    let per_replication = match &sets {
        Some(sets) => {
            sets.scenarios(&args.scenario, &overrides, scenario.simulation.replications)?
        }
        None => Vec::new(),
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(output::folder_name(&scenario.name)));
    let pool = pool(args.threads)?;
    let estimated_seconds = check_size(
        &scenario,
        pool.current_num_threads(),
        1.0,
        args.allow_large,
        args.quiet,
    )?;
    let made = output::Made::new(command, &[&scenario], &args.set);
    output::check_target(&out, &made, args.force)?;
    let bar = bar(args.quiet, "county-replications");
    bar.set_message(format!(
        "simulating `{}` (estimated {})",
        shown(&scenario.name),
        engine::duration_words(estimated_seconds)
    ));
    let progress = Bar(bar);
    let start = Instant::now();
    let Some(result) = pool.install(|| match &sets {
        Some(sets) => runner::run_sampled(
            &scenario,
            &per_replication,
            sets,
            &progress,
            interrupt::token(),
        ),
        None => runner::run_until_cancelled(&scenario, &progress, interrupt::token()),
    }) else {
        progress.0.finish_and_clear();
        return Err(interrupted(format!(
            "nothing written; {} keeps what it held",
            out.display()
        )));
    };
    let timing = Timing {
        wall_seconds: start.elapsed().as_secs_f64(),
        estimated_seconds,
        threads: pool.current_num_threads(),
    };
    output::write_folder(&out, &made, args.force, |d| {
        output::write_all(d, &scenario, &result, timing)?;
        extra(d, &scenario, &result)?;
        if args.xlsx {
            output::workbook::write_workbook(d)?;
        }
        Ok(())
    })?;
    if print_report {
        report(&scenario, &result, &out, timing)?;
    }
    Ok((scenario, result, out))
}

/// The parameter sets `--parameters` or `--uncertainty` ask for: read from the file, or
/// drawn from `reference`'s `[[uncertainty.parameter]]` priors (one per replication, at its
/// seed); `None` for a run at the scenario's own values.
pub(super) fn parameter_sets(
    p: &ParameterArgs,
    reference: &Scenario,
    path: &std::path::Path,
) -> Result<Option<zhagen::uncertainty::ParameterSets>> {
    use zhagen::uncertainty::ParameterSets;
    if let Some(file) = &p.parameters {
        return Ok(Some(ParameterSets::read(file)?));
    }
    if !p.uncertainty {
        return Ok(None);
    }
    match ParameterSets::from_scenario(reference, reference.simulation.replications)? {
        Some(sets) => Ok(Some(sets)),
        None => anyhow::bail!(
            "{}: --uncertainty draws from the scenario's [[uncertainty.parameter]] entries, and it declares none (allowed: add entries such as [[uncertainty.parameter]] key = \"behaviour.pay_elasticity\", relative = 0.5, source = \"assumption: ±50%\"; or give --parameters FILE)",
            path.display()
        ),
    }
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
        shown(&s.name),
        r.reps.len(),
        r.pooled.worker_years,
        timing.wall_seconds,
        r.pooled.worker_years / timing.wall_seconds.max(1e-9) / 1e6,
        timing.threads
    );
    let table = zhagen::stats::validation_table(r);
    if !table.is_empty() {
        let _ = write!(text, "\n{table}");
    }
    let _ = writeln!(text, "\noutputs in {}/", out.display());
    print_quietly(&text)
}
