//! Parameter sets as CSV: `posterior.csv` from `calibrate`, read back by `--parameters`.
//!
//! One row per set: `set` (its index), a column per parameter named by its dotted key (keys
//! that share one value joined by `|`), and `objective` where the sets come from a fit.
//! Any other column is refused, so a typo cannot silently leave a parameter at its default.

use super::ParameterSets;
use crate::scenario::Location;
use crate::scenario::key::key_parts;
use std::fmt;
use std::path::{Path, PathBuf};

/// Why parameter sets could not be drawn, read or written.
#[derive(Debug)]
pub enum SetsError {
    /// The file could not be read or written.
    Io { path: PathBuf, why: String },
    /// A row is not valid CSV, or has the wrong number of fields.
    Csv {
        path: PathBuf,
        line: u64,
        why: String,
    },
    /// The header names no parameter, or a column that is not a dotted key.
    Header {
        path: PathBuf,
        column: String,
        why: String,
    },
    /// A cell that is not a finite number.
    Number {
        path: PathBuf,
        line: u64,
        column: String,
        value: String,
    },
    /// No rows.
    Empty { path: PathBuf },
    /// A relative prior whose key the scenario does not set to a number.
    NoValue { key: String, at: Location },
}

impl fmt::Display for SetsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetsError::Io { path, why } => write!(f, "{}: {why}", path.display()),
            SetsError::Csv { path, line, why } => {
                write!(f, "{}:{line}: {why}", path.display())
            }
            SetsError::Header { path, column, why } => {
                write!(f, "{}:1: column `{column}`: {why}", path.display())
            }
            SetsError::Number {
                path,
                line,
                column,
                value,
            } => write!(
                f,
                "{}:{line}: column `{column}`: `{value}` is not a number (allowed: a finite number, e.g. 0.25)",
                path.display()
            ),
            SetsError::Empty { path } => {
                write!(
                    f,
                    "{}: no parameter sets (a header and no rows)",
                    path.display()
                )
            }
            SetsError::NoValue { key, at } => write!(
                f,
                "{at}: `relative` needs the scenario's own value of `{key}`, and the scenario sets none there (allowed: a key holding a number, or `dist = \"uniform\"` with `min` and `max`)"
            ),
        }
    }
}

impl std::error::Error for SetsError {}

impl ParameterSets {
    /// The sets as CSV text (see the module documentation).
    pub fn to_csv(&self) -> String {
        // Shortest round-trip numbers, not `num6`: a set read back must be the set run.
        let mut header = vec!["set".to_string()];
        header.extend(self.keys.iter().map(|k| k.join("|")));
        if self.objective.is_some() {
            header.push("objective".into());
        }
        let mut t = crate::output::csv::Table::new(header);
        for (i, row) in self.rows.iter().enumerate() {
            let mut cells = vec![i.to_string()];
            cells.extend(row.iter().map(|v| v.to_string()));
            if let Some(o) = &self.objective {
                cells.push(o[i].to_string());
            }
            t.row(cells);
        }
        t.finish()
    }

    /// Sets read from `path`, written by [`ParameterSets::to_csv`] or by hand.
    pub fn read(path: &Path) -> Result<ParameterSets, SetsError> {
        let text = std::fs::read_to_string(path).map_err(|e| SetsError::Io {
            path: path.to_path_buf(),
            why: e.to_string(),
        })?;
        ParameterSets::parse(path, &text)
    }

    fn parse(path: &Path, text: &str) -> Result<ParameterSets, SetsError> {
        let p = || path.to_path_buf();
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| SetsError::Csv {
                path: p(),
                line: 1,
                why: e.to_string(),
            })?
            .iter()
            .map(String::from)
            .collect();
        let mut columns = Vec::new();
        let mut objective_at = None;
        for (j, name) in header.iter().enumerate() {
            match name.as_str() {
                "set" => {}
                "objective" => objective_at = Some(j),
                _ => {
                    let keys: Vec<String> = name.split('|').map(|k| k.trim().to_string()).collect();
                    if let Some(why) = keys.iter().find_map(|k| key_parts(k).err()) {
                        return Err(SetsError::Header {
                            path: p(),
                            column: name.clone(),
                            why: format!(
                                "{why}; allowed: `set`, `objective`, or a dotted scenario key such as behaviour.pay_elasticity"
                            ),
                        });
                    }
                    columns.push((j, keys));
                }
            }
        }
        if columns.is_empty() {
            return Err(SetsError::Header {
                path: p(),
                column: header.join(","),
                why: "no parameter column (allowed: `set`, `objective` and one column per dotted scenario key)".into(),
            });
        }
        let mut rows = Vec::new();
        let mut objective = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| SetsError::Csv {
                path: p(),
                line: e.position().map_or(0, |pos| pos.line()),
                why: e.to_string(),
            })?;
            let line = record.position().map_or(0, |pos| pos.line());
            let number = |j: usize| {
                let cell = &record[j];
                cell.parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| SetsError::Number {
                        path: p(),
                        line,
                        column: header[j].clone(),
                        value: cell.to_string(),
                    })
            };
            let mut row = Vec::with_capacity(columns.len());
            for (j, _) in &columns {
                row.push(number(*j)?);
            }
            rows.push(row);
            if let Some(j) = objective_at {
                objective.push(number(j)?);
            }
        }
        if rows.is_empty() {
            return Err(SetsError::Empty { path: p() });
        }
        Ok(ParameterSets {
            keys: columns.into_iter().map(|(_, k)| k).collect(),
            rows,
            objective: objective_at.map(|_| objective),
            origin: format!("read from {}", path.display()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_written_read_back_are_the_same_numbers() {
        let sets = ParameterSets {
            keys: vec![
                vec!["behaviour.a".into()],
                vec![
                    "pathways.x.base_exit_rate".into(),
                    "pathways.y.base_exit_rate".into(),
                ],
            ],
            rows: vec![vec![0.1 + 0.2, 1e-7], vec![-3.0, 12345.678]],
            objective: Some(vec![0.5, 0.25]),
            origin: "test".into(),
        };
        let back = ParameterSets::parse(Path::new("p.csv"), &sets.to_csv()).unwrap();
        assert_eq!(back.keys, sets.keys);
        assert_eq!(back.rows, sets.rows);
        assert_eq!(back.objective, sets.objective);
    }

    #[test]
    fn a_bad_cell_names_its_file_line_and_column() {
        let e = ParameterSets::parse(Path::new("p.csv"), "set,behaviour.a\n0,0.5\n1,abc\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("p.csv:3: column `behaviour.a`: `abc`"), "{e}");
        let e = ParameterSets::parse(Path::new("p.csv"), "set,objective\n0,1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("no parameter column"), "{e}");
        let e = ParameterSets::parse(Path::new("p.csv"), "set,behaviour.a\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("no parameter sets"), "{e}");
    }
}
