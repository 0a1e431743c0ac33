//! Errors of scenario loading: each names the file, the line, the key, the value and what is
//! allowed, so that an analyst can fix the file without reading code.

use std::path::PathBuf;
use thiserror::Error;

/// Where a problem is: a file (or `--set` override) and, when known, the line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        Ok(())
    }
}

#[derive(Debug, Error)]
pub enum ScenarioError {
    #[error("cannot read scenario file {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{at}: {message}{}", hint(suggestion))]
    Syntax {
        at: Location,
        message: String,
        suggestion: Option<String>,
    },
    #[error("{at}: key `{key}` = {value} is not valid; {allowed}")]
    Invalid {
        at: Location,
        key: String,
        value: String,
        allowed: String,
    },
    #[error("{}: required key `{key}` is not set in this file or any file it inherits from ({allowed})", file.display())]
    Missing {
        file: PathBuf,
        key: String,
        allowed: String,
    },
    /// Values that are each allowed but not together (min above max, shares not summing to 1,
    /// two pathways of a kind there may be one of).
    #[error("{at}: {}: {rule}; {fix}", keys_and_values(keys))]
    Constraint {
        at: Location,
        /// The keys involved and their values as written, in the order they are named.
        keys: Vec<(String, String)>,
        /// What must hold.
        rule: String,
        /// How to fix it.
        fix: String,
    },
    #[error("{at}: `base` chain has a cycle: {chain}")]
    BaseCycle { at: Location, chain: String },
    #[error("{at}: the `base` file {} cannot be read", base.display())]
    BaseMissing {
        at: Location,
        base: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn hint(s: &Option<String>) -> String {
    match s {
        Some(s) => format!(" (did you mean `{s}`?)"),
        None => String::new(),
    }
}

fn keys_and_values(keys: &[(String, String)]) -> String {
    keys.iter()
        .map(|(k, v)| format!("`{k}` = {v}"))
        .collect::<Vec<_>>()
        .join(" and ")
}
