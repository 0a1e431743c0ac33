//! Fuzz the command line: any bytes, split at newlines into the arguments after `zhagen`, parsed
//! by the binary's own clap definitions (`src/cli/args.rs`, included as it is); where they
//! parse, the command's `--set`, `--replications` and `--seed` are applied to the shipped
//! baseline as the binary applies them, and `--shard` is parsed as `sweep` parses it. Errors
//! are the expected outcome; a panic (or an abort, a hang) is a bug.

#![no_main]

use clap::Parser;
use libfuzzer_sys::fuzz_target;
use zhagen::scenario::Scenario;
use zhagen_fuzz::baseline;

#[path = "../../src/cli/args.rs"]
#[allow(dead_code)]
mod args;

use args::Command;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let words = std::iter::once("zhagen").chain(text.split('\n'));
    let Ok(cli) = args::Cli::try_parse_from(words) else {
        return;
    };
    let mut overrides = Vec::new();
    let (set, replications, seed) = match &cli.command {
        Command::Run(a) | Command::Validate(args::ValidateArgs { run: a, .. }) => {
            (&a.set, a.replications.map(|r| r.to_string()), a.seed.map(|s| s.to_string()))
        }
        Command::Compare(a) => {
            (&a.set, a.replications.map(|r| r.to_string()), a.seed.map(|s| s.to_string()))
        }
        Command::Sweep(a) => {
            if let Some(shard) = &a.shard {
                let _ = zhagen::sweep::parse_shard(shard);
            }
            (&a.set, a.replications.map(|r| r.to_string()), None)
        }
        Command::Calibrate(a) => (&a.set, a.replications.map(|r| r.to_string()), None),
        Command::Merge(_) => return,
    };
    if let Some(r) = replications {
        overrides.push(format!("simulation.replications={r}"));
    }
    if let Some(s) = seed {
        overrides.push(format!("simulation.seed={s}"));
    }
    overrides.extend(set.iter().cloned());
    let _ = Scenario::load(baseline(), &overrides);
});
