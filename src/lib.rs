//! zhagen (扎根, "take root"): an agent-based simulator of whether rural health workers in China
//! stay. A scenario file describes a region, its entry pathways and the policy levers; the engine
//! runs many synthetic careers in parallel and reports retention curves with confidence
//! intervals against published benchmarks.
//!
//! The `zhagen` command (src/main.rs and src/cli/: arguments, progress bar, terminal tables,
//! Ctrl-C) is a thin binary over this library.

pub mod behaviour;
pub mod benchmark;
pub mod calibrate;
pub mod cancel;
pub mod economics;
pub mod policy;
pub mod population;
pub mod scenario;
pub mod units;

/// The version written into every output.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub mod compare;
pub mod engine;
pub mod explore;
pub mod headline;
pub mod output;
pub mod provenance;
pub mod runner;
pub mod sensitivity;
pub mod stats;
pub mod sweep;
pub mod uncertainty;
