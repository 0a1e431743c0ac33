//! The command line: argument parsing, the progress bar and the terminal report. The library
//! does the work; this module only wires it to a terminal.

use crate::engine::{self, Progress};
use crate::output::{self, Timing};
use crate::scenario::Scenario;
use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

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

pub fn main_with(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run(args),
    }
}

fn run(args: RunArgs) -> Result<()> {
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
    let threads = args.threads.unwrap_or(0);
    if args.threads == Some(0) {
        anyhow::bail!("--threads must be at least 1");
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start the worker threads")?;
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(0)
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg} [{bar:40}] {pos}/{len} county-replications, ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(format!("simulating `{}`", scenario.name));
    let progress = Bar(bar);
    let start = Instant::now();
    let result = pool.install(|| engine::run(&scenario, &progress));
    let timing = Timing {
        wall_seconds: start.elapsed().as_secs_f64(),
        threads: pool.current_num_threads(),
    };
    output::write_all(&out, &scenario, &result, timing)?;
    if !args.quiet {
        report(&scenario, &result, &out, timing)?;
    }
    Ok(())
}

/// A short report on stdout; a closed pipe (`zhagen … | head`) ends it quietly.
fn report(
    s: &Scenario,
    r: &engine::RunResult,
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
    let results = crate::stats::benchmark_results(s, r);
    if !results.is_empty() {
        let _ = writeln!(
            text,
            "\n{:<34} {:>8} {:>10} {:>21}  within",
            "benchmark", "target", "simulated", "95% interval"
        );
        for b in &results {
            let sign = match b.benchmark.bound {
                crate::benchmark::Bound::Equal => " ",
                crate::benchmark::Bound::AtLeast => "≥",
                crate::benchmark::Bound::AtMost => "≤",
            };
            // Shares print as percentages, ages as years.
            let (k, unit) = if b.benchmark.metric.is_share() {
                (100.0, "%")
            } else {
                (1.0, "y")
            };
            let _ = writeln!(
                text,
                "{:<34} {sign}{:>6.1}{unit} {:>9.1}{unit} {:>9.1}{unit} – {:>6.1}{unit}  {}",
                b.benchmark.name,
                b.benchmark.value * k,
                b.simulated.mean * k,
                b.judged_low * k,
                b.judged_high * k,
                if b.within { "yes" } else { "NO" }
            );
        }
    }
    let _ = writeln!(text, "\noutputs in {}/", out.display());
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
