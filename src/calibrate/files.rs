//! What a calibration writes: `fit.csv`, `trace.csv`, `identification.csv`,
//! `calibrated.toml`, and the scenario updated in place (comments kept).

use super::*;
use crate::output::csv::{Table, cells};

fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.6}")
    } else {
        String::new()
    }
}

impl Fit {
    /// `fit.csv`: each target against its simulated value at the fit.
    pub fn fit_csv(&self) -> String {
        let mut out = Table::new(
            "benchmark,role,bound,target,target_low,target_high,target_sd,simulated_at_start,simulated,mc_ci_low,mc_ci_high,verdict,contribution_to_objective,source"
                .split(','),
        );
        for ((b, s0), sd) in self
            .best
            .results
            .iter()
            .zip(&self.start.results)
            .zip(&self.sigma)
        {
            let r = residual(b);
            out.row(cells![
                b.benchmark.name,
                b.benchmark.role.name(),
                b.benchmark.bound.name(),
                num(b.benchmark.value),
                num(b.target_low),
                num(b.target_high),
                num(*sd),
                num(s0.simulated.mean),
                num(b.simulated.mean),
                num(b.simulated.low),
                num(b.simulated.high),
                b.verdict.word(),
                // Only fitted targets are in the objective.
                if b.benchmark.role == crate::benchmark::Role::Fitted {
                    num((r / sd).powi(2))
                } else {
                    String::new()
                },
                b.benchmark.source,
            ]);
        }
        out.finish()
    }

    /// `trace.csv`: every evaluation in order.
    pub fn trace_csv(&self) -> String {
        // A parameter's name is a TOML key: a quoted part may hold a comma or quotes.
        let header = std::iter::once("evaluation".to_string())
            .chain(self.params.iter().map(|p| p.name().to_string()))
            .chain(["objective".to_string()]);
        let mut out = Table::new(header);
        for (i, e) in self.trace.iter().enumerate() {
            out.row(
                std::iter::once((i + 1).to_string())
                    .chain(e.theta.iter().map(|x| format!("{x:.6}")))
                    .chain([num(e.objective)]),
            );
        }
        out.finish()
    }

    /// `identification.csv`.
    pub fn identification_csv(&self) -> String {
        let mut out = Table::new(
            "parameter,fitted,min,max,approx_std_error,range_effect_in_target_sds,identified,note"
                .split(','),
        );
        for (id, p) in self.identification.iter().zip(&self.params) {
            out.row(cells![
                id.name,
                id.value,
                p.min,
                p.max,
                id.std_error.map_or(String::new(), num),
                num(id.range_effect),
                id.identified,
                id.note,
            ]);
        }
        out.finish()
    }

    /// A scenario file over `base` (a path relative to where the file will be written) that
    /// sets the fitted values, with the fit recorded in its comments.
    pub fn calibrated_toml(&self, base: &str, scenario_name: &str) -> String {
        let mut out = format!(
            "# Calibrated by `zhagen calibrate` (zhagen {}{}) from `{scenario_name}`:\n\
             # simulated method of moments, {} replications per evaluation at seed {} (common random\n\
             # numbers), Nelder–Mead, {} evaluations; objective {:.3} at the start, {:.3} at the fit.\n\
             # See fit.csv, trace.csv and identification.csv beside this file.\n",
            crate::VERSION,
            crate::provenance::git_commit()
                .map_or(String::new(), |c| format!(", commit {}", &c[..12])),
            self.replications,
            self.seed,
            self.trace.len(),
            self.start.objective,
            self.best.objective
        );
        let _ = writeln!(out, "base = {}\n", toml::Value::String(base.to_string()));
        for (id, p) in self.identification.iter().zip(&self.params) {
            let _ = writeln!(
                out,
                "# {}: {} (bounds {} to {})",
                p.name(),
                if id.identified {
                    "identified".to_string()
                } else {
                    id.note.clone()
                },
                p.min,
                p.max
            );
            for k in &p.keys {
                let _ = writeln!(out, "{k} = {:?}", id.value);
            }
        }
        out
    }
}

/// Write the fitted values into the scenario file itself, keeping its comments and layout.
/// Each key must be written in that file (not only inherited).
pub fn update_in_place(path: &Path, fit: &Fit) -> Result<(), CalibrationError> {
    let text = std::fs::read_to_string(path).map_err(|e| CalibrationError::Update {
        file: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut doc = text
        .parse::<toml_edit::DocumentMut>()
        .map_err(|e| CalibrationError::Update {
            file: path.to_path_buf(),
            message: e.to_string(),
        })?;
    for (id, p) in fit.identification.iter().zip(&fit.params) {
        for key in &p.keys {
            let parts = key_parts(key).unwrap_or_default();
            let mut item = doc.as_item_mut();
            for part in &parts {
                item = match item.get_mut(part.as_str()) {
                    Some(i) => i,
                    None => {
                        return Err(CalibrationError::NotInFile {
                            file: path.to_path_buf(),
                            key: key.clone(),
                        });
                    }
                };
            }
            let Some(v) = item.as_value_mut() else {
                return Err(CalibrationError::NotInFile {
                    file: path.to_path_buf(),
                    key: key.clone(),
                });
            };
            // Keep the comment that follows the value.
            let decor = v.decor().clone();
            *v = toml_edit::Value::from(id.value);
            *v.decor_mut() = decor;
        }
    }
    crate::output::write_atomic(
        path.parent().unwrap_or_else(|| Path::new(".")),
        &path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        doc.to_string().as_bytes(),
    )
    .map_err(|e| CalibrationError::Update {
        file: path.to_path_buf(),
        message: e.to_string(),
    })
}
