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
    /// When `file` is inherited: the `base =` line that names it, then the one that names that
    /// file, and so on up to the file the user gave. A problem in a base file is only half
    /// found if the user cannot tell which of their scenarios led there (`base = "/etc/passwd"`
    /// reported as `/etc/passwd:1:32` alone).
    pub via: Via,
}

/// The `base =` lines that lead to a file, nearest first ([`Location::via`]); a slice by
/// `Deref`. Kept behind one pointer: every located error carries a [`Location`], most have no
/// chain, and an error type returned everywhere should stay small.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[expect(
    clippy::box_collection,
    reason = "one thin pointer: a boxed slice would be two words in every Location"
)]
pub struct Via(Option<Box<Vec<Location>>>);

impl From<Vec<Location>> for Via {
    fn from(links: Vec<Location>) -> Via {
        Via((!links.is_empty()).then(|| Box::new(links)))
    }
}

impl std::ops::Deref for Via {
    type Target = [Location];
    fn deref(&self) -> &[Location] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }
}

impl Location {
    /// The whole of `file`, no line known.
    pub fn file(file: impl Into<PathBuf>) -> Location {
        Location {
            file: file.into(),
            line: None,
            column: None,
            via: Via::default(),
        }
    }
}

/// `file:line:column`, then the chain of files that inherit it:
/// `bad.toml:1:5 (the base of child.toml:1:8, which is the base of leaf.toml:1:8)`.
impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fn place(f: &mut std::fmt::Formatter<'_>, at: &Location) -> std::fmt::Result {
            write!(f, "{}", at.file.display())?;
            if let Some(l) = at.line {
                write!(f, ":{l}")?;
                if let Some(c) = at.column {
                    write!(f, ":{c}")?;
                }
            }
            Ok(())
        }
        place(f, self)?;
        for (i, by) in self.via.iter().enumerate() {
            f.write_str(if i == 0 {
                " (the base of "
            } else {
                ", which is the base of "
            })?;
            place(f, by)?;
        }
        if !self.via.is_empty() {
            f.write_str(")")?;
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
    /// A file of the other kind: a sweep file where a scenario is read, or a scenario given to
    /// `zhagen sweep`.
    #[error("{at}: {what}; {fix}")]
    WrongKind {
        at: Location,
        /// What the file is, and the key that shows it.
        what: String,
        /// The command that reads it, or what to name instead.
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
