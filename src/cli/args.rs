//! The command line's arguments (clap): one struct per command. Their doc comments are the
//! help text.

// `<scenario name>` in the help text is a placeholder for the reader, not an HTML tag.
#![allow(rustdoc::invalid_html_tags)]

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

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

impl Cli {
    /// The command line, or exit with clap's message (help and version included). A mistyped
    /// command gets a suggestion where clap's own similarity measure finds none: `zhagen rn` is
    /// one letter from `run` but too short for clap's threshold, which only catches `runn`.
    pub fn parse_args() -> Cli {
        Cli::try_parse().unwrap_or_else(|e| suggest_command(e).exit())
    }
}

/// Add "a similar subcommand exists" to an unknown command that clap found nothing close to,
/// by the edit distance the scenario loader suggests keys with.
fn suggest_command(mut e: clap::Error) -> clap::Error {
    use clap::CommandFactory;
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let suggested = match e.get(ContextKind::SuggestedSubcommand) {
        Some(ContextValue::Strings(s)) => !s.is_empty(),
        other => other.is_some(),
    };
    if e.kind() != ErrorKind::InvalidSubcommand || suggested {
        return e;
    }
    let Some(ContextValue::String(word)) = e.get(ContextKind::InvalidSubcommand) else {
        return e;
    };
    let cli = Cli::command();
    let names = cli.get_subcommands().map(|c| c.get_name());
    if let Some(name) = zhagen::scenario::load::suggest(word, names) {
        e.insert(ContextKind::SuggestedSubcommand, ContextValue::String(name));
    }
    e
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
    Validate(ValidateArgs),
    /// Global sensitivity analysis over the scenario's [[uncertainty.parameter]]: Morris
    /// screening or Sobol indices of headline outputs and of a policy's paired difference;
    /// resumes, shards (--shard K/N) and merges like a sweep.
    Sensitivity(SensitivityArgs),
    /// Explore a scenario live: a local web page (127.0.0.1) where moving a lever re-runs it
    /// against the scenario with common random numbers and redraws the curves.
    Explore(ExploreArgs),
}

#[derive(Args, Debug)]
pub struct ExploreArgs {
    /// The base scenario: the reference, and what the levers change.
    pub scenario: PathBuf,
    /// Port on 127.0.0.1 (0: any free port; the address is printed).
    #[arg(long, default_value_t = 8787)]
    pub port: u16,
    /// Address to bind. Only the loopback unless you mean to share the page on a network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Replications of each run (the page can change it): small for a quick redraw.
    #[arg(long, default_value_t = 10)]
    pub replications: u32,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Override a value of the scenario for the reference and every run.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MethodArg {
    /// Morris elementary effects: μ*, μ, σ (screening; trajectories × (k + 1) points).
    Morris,
    /// Sobol first-order and total indices (Saltelli design; samples × (k + 2) points).
    Sobol,
}

#[derive(Args, Debug)]
pub struct SensitivityArgs {
    /// The scenario whose [[uncertainty.parameter]] priors are varied.
    pub scenario: PathBuf,
    /// A policy scenario: also analyse its difference from the scenario, paired (the same
    /// seed, replications and parameter values at every point).
    #[arg(long)]
    pub policy: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "morris")]
    pub method: MethodArg,
    /// Morris trajectories (points: trajectories × (parameters + 1)).
    #[arg(long, default_value_t = 20)]
    pub trajectories: u32,
    /// Morris grid levels (even).
    #[arg(long, default_value_t = 4)]
    pub levels: u32,
    /// Sobol base samples (points: samples × (parameters + 2)).
    #[arg(long, default_value_t = 64)]
    pub samples: u32,
    /// Headline metrics analysed, comma-separated [default: retention.order_oriented.y7,
    /// worker_years_discounted].
    #[arg(long = "output", value_delimiter = ',', value_name = "METRIC")]
    pub outputs: Vec<String>,
    /// Replications per point.
    #[arg(long, default_value_t = 10)]
    pub replications: u32,
    /// Bootstrap resamples of the indices' 95% intervals.
    #[arg(long, default_value_t = 1000)]
    pub bootstrap: u32,
    /// Output folder [default: out/sensitivity-<scenario>[-<policy>]/].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Run only shard K of N of the points (join with `zhagen merge`).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Override a value of the scenario and the policy at every point.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    #[arg(long, short)]
    pub quiet: bool,
    /// Run even if the size estimate says the analysis is absurdly large.
    #[arg(long)]
    pub allow_large: bool,
}

#[derive(Args, Debug)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Exit with status 2 when a fitted or hold-out benchmark the run can judge is off (for
    /// CI); inputs, benchmarks that cannot be judged and those shown for reference do not count.
    #[arg(long)]
    pub strict: bool,
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
    /// Replace another calibration's results in the output folder.
    #[arg(long)]
    pub force: bool,
    /// Parameter sets drawn for posterior.csv from the Gaussian approximation around the fit
    /// (each one evaluation of the objective); 0 writes none.
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub posterior_sets: u32,
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
    #[command(flatten)]
    pub params: ParameterArgs,
}

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// Shard folders written by `zhagen sweep --shard K/N` (or `zhagen sensitivity --shard
    /// K/N`).
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
    /// Random seed of every scenario, a whole number from 0 to 2^63 − 1 [default: the first
    /// scenario's].
    #[arg(long, allow_negative_numbers = true, value_parser = seed)]
    pub seed: Option<u64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Override a value in every scenario, e.g. --set region.counties=20
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// The headline metric the decision table ranks the options on, besides cost-effectiveness
    /// [default: worker_years_discounted], e.g. --outcome retention.order_oriented.y10
    #[arg(long, value_name = "METRIC")]
    pub outcome: Option<String>,
    /// Also write pairs.csv: the paired difference of every headline metric between every two
    /// scenarios, not only against the first.
    #[arg(long)]
    pub pairs: bool,
    /// No progress bar and no terminal report.
    #[arg(long, short)]
    pub quiet: bool,
    /// Replace another comparison's results in the output folder.
    #[arg(long)]
    pub force: bool,
    /// Run even if the size estimate says the run is absurdly large.
    #[arg(long)]
    pub allow_large: bool,
    /// Also write tables.xlsx: every table of the folder as a sheet of one Excel workbook.
    #[arg(long)]
    pub xlsx: bool,
    #[command(flatten)]
    pub params: ParameterArgs,
}

/// Parameter uncertainty (`zhagen::uncertainty`): run each replication with its own
/// parameter set, so that intervals include it.
#[derive(Args, Debug, Clone, Default)]
pub struct ParameterArgs {
    /// Run each replication with its own parameter set drawn from the (first) scenario's
    /// [[uncertainty.parameter]] priors: intervals then include parameter uncertainty.
    #[arg(long, conflicts_with = "parameters")]
    pub uncertainty: bool,
    /// Run each replication with its own parameter set from this CSV (one row per set, a
    /// column per dotted key, e.g. calibrate's posterior.csv); replication r takes row r
    /// (rows reused in turn when there are fewer).
    #[arg(long, value_name = "CSV")]
    pub parameters: Option<PathBuf>,
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
    /// Random seed (overrides simulation.seed), a whole number from 0 to 2^63 − 1.
    #[arg(long, allow_negative_numbers = true, value_parser = seed)]
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
    /// Also write tables.xlsx: every table of the folder as a sheet of one Excel workbook.
    #[arg(long)]
    pub xlsx: bool,
    #[command(flatten)]
    pub params: ParameterArgs,
}

/// `--seed`: the values `simulation.seed` may hold, from the catalogue, so that the flag and the
/// file refuse the same seeds in the same words. A scenario file cannot hold more than 2^63 − 1
/// (TOML integers are signed 64-bit), and every result folder keeps its resolved scenario with
/// the seed in it, so the flag may not go beyond that either. Negative numbers reach this parser
/// (`allow_negative_numbers`) to be refused here, instead of clap's tip to write `-- -1`.
fn seed(text: &str) -> Result<u64, String> {
    use zhagen::scenario::catalogue::{Kind, lookup};
    let kind = lookup("simulation.seed")
        .expect("the catalogue has simulation.seed")
        .kind;
    let Kind::Int { min, max, .. } = kind else {
        unreachable!("simulation.seed is a whole number in the catalogue")
    };
    match text.parse::<i128>() {
        Ok(n) if (i128::from(min)..=i128::from(max)).contains(&n) => Ok(n as u64),
        _ => Err(kind.allowed()),
    }
}
