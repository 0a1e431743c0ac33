//! `zhagen explore`: a local web page where moving a lever re-runs the scenario against its
//! reference and redraws the curves.
//!
//! Exploring and the batch run are the same thing: a lever setting is a `--set` on the base
//! scenario, run by the same engine at the same seed as the reference (common random numbers),
//! and "Save scenario" writes those settings as a few lines over the base file — the file that
//! `zhagen run` reproduces exactly. The page is drawn from the same chart code as report.html.
//!
//! - `levers`: which levers the page offers, with ranges for sliders.
//! - `request`: the requests the page sends, parsed strictly (unknown keys, bad values and
//!   oversized bodies are errors with a message, never a panic).
//! - `answer`: one run of a setting against the reference, as the page draws it.
//! - `server`: the HTTP server (axum on tokio), loopback only by default.

pub mod answer;
pub mod levers;
pub mod request;
pub mod server;

use crate::scenario::load::Override;
use crate::scenario::{Scenario, ScenarioError};
use std::path::{Path, PathBuf};

/// What the explorer is exploring: the base scenario file and what applies to every run.
#[derive(Debug, Clone)]
pub struct Explorer {
    /// The base scenario file (the reference and what settings apply to).
    pub base: PathBuf,
    /// `--set` overrides given on the command line, applied to the reference and every run.
    pub common: Vec<String>,
    /// Replications a run uses unless the page asks for another count.
    pub replications: u32,
    /// The base scenario with `common` applied (the reference at its own replications).
    pub scenario: Scenario,
}

/// The most replications a page may ask for: beyond this a lever move is a batch run.
pub const MAX_REPLICATIONS: u32 = 1000;

impl Explorer {
    pub fn new(
        base: &Path,
        common: Vec<String>,
        replications: u32,
    ) -> Result<Explorer, ScenarioError> {
        let overrides: Vec<Override> = common.iter().map(Override::set).collect();
        let scenario = Scenario::load_with(base, &overrides)?;
        Ok(Explorer {
            base: base.to_path_buf(),
            common,
            replications,
            scenario,
        })
    }

    /// The overrides of one run: the command line's, then the settings (`key=value`), then the
    /// replication count.
    pub fn overrides(&self, settings: &[(String, String)], replications: u32) -> Vec<Override> {
        let mut o: Vec<Override> = self.common.iter().map(Override::set).collect();
        o.extend(
            settings
                .iter()
                .map(|(k, v)| Override::shown_as(format!("lever {k}"), k, v)),
        );
        o.push(Override::flag(
            "replications",
            "simulation.replications",
            replications,
        ));
        o
    }

    /// The scenario of `settings`, or the loader's error in its own words.
    pub fn scenario(
        &self,
        settings: &[(String, String)],
        replications: u32,
    ) -> Result<Scenario, ScenarioError> {
        Scenario::load_with(&self.base, &self.overrides(settings, replications))
    }

    /// The scenario file of `settings`: `base =` the base file, then the command line's and the
    /// page's values as dotted keys, so that `zhagen run` on it reproduces the page's numbers
    /// at the same seed and replications. `dir` is where the file will be saved (the base path
    /// is written relative to it when it can be, else absolute).
    pub fn scenario_toml(
        &self,
        settings: &[(String, String)],
        replications: u32,
        name: Option<&str>,
        dir: Option<&Path>,
    ) -> String {
        let base = std::fs::canonicalize(&self.base).unwrap_or_else(|_| self.base.clone());
        let shown = dir
            .and_then(|d| std::fs::canonicalize(d).ok())
            .and_then(|d| base.strip_prefix(&d).ok().map(Path::to_path_buf))
            .unwrap_or(base);
        let mut text = String::new();
        text.push_str(
            "# Saved by `zhagen explore`: the base scenario with the page's lever settings.\n",
        );
        text.push_str(&format!(
            "# `zhagen run` on this file reproduces the page's numbers (seed {}, {} replications).\n",
            self.scenario.simulation.seed, replications
        ));
        text.push_str(&format!(
            "base = {}\n",
            toml::Value::String(shown.display().to_string())
        ));
        if let Some(n) = name {
            text.push_str(&format!("name = {}\n", toml::Value::String(n.to_string())));
        }
        for kv in &self.common {
            if let Some((k, v)) = kv.split_once('=') {
                text.push_str(&format!(
                    "{} = {}  # --set on the command line\n",
                    k.trim(),
                    toml_value(v.trim())
                ));
            }
        }
        text.push_str(&format!("simulation.replications = {replications}\n"));
        for (k, v) in settings {
            text.push_str(&format!("{k} = {}\n", toml_value(v)));
        }
        text
    }
}

/// A `--set` value as TOML: numbers, booleans and quoted strings as given, a bare word quoted.
fn toml_value(v: &str) -> String {
    let probe = format!("x = {v}");
    match probe.parse::<toml::Table>() {
        Ok(_) => v.to_string(),
        Err(_) => toml::Value::String(v.to_string()).to_string(),
    }
}

/// An error and its causes, one sentence each, as the page shows it beside the field.
pub fn error_words(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    text
}
