//! A sensitivity analysis run into a folder, resumed, sharded and merged, and its indices.
//!
//! The folder holds `sensitivity.json` (the design: method, parameters with their priors and
//! sources, outputs, seed), `scenario/` and, with a policy, `policy/` — each a sweep folder of
//! the design's points (`crate::sweep::run`: one file per finished point, resumable, shardable)
//! — and, once every point of both is there, the analysis: `indices.csv` (one row per output ×
//! parameter × index, with its bootstrap interval and rank), `design.csv` (every point's unit
//! coordinates, parameter values and outputs), a bar chart per output (`indices-*.svg/png`)
//! and `report.html` ("what this conclusion depends on").
//!
//! The analysis reads only the folder, so a merged folder is analysed exactly as an
//! uninterrupted one, and choosing other outputs re-analyses the points already run.

use super::indices::{Estimate, MorrisIndices, SobolIndices, morris, sobol};
use super::{Method, OutputRecord, ParameterRecord, Sensitivity, SensitivityError, UnitDesign};
use crate::cancel::Cancel;
use crate::engine::Progress;
use crate::output::csv::Table;
use crate::output::write_atomic;
use crate::sweep::run::{PointResult, finished_points, manifest, read_manifest, run_sweep};
use serde::{Deserialize, Serialize};
use std::fs;
use std::path::{Path, PathBuf};

/// `sensitivity.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SensitivityManifest {
    pub zhagen_version: String,
    pub git_commit: Option<String>,
    /// The sweeps' identities joined: the points and the scenarios they run.
    pub identity: String,
    pub scenario: String,
    pub scenario_name: String,
    pub policy: Option<String>,
    pub policy_name: Option<String>,
    pub method: Method,
    pub seed: u64,
    pub replications: u32,
    pub resamples: u32,
    pub parameters: Vec<ParameterRecord>,
    pub outputs: Vec<OutputRecord>,
    pub points: usize,
    pub shard: Option<String>,
}

/// The sub-folders of a sensitivity folder, scenario first.
pub const SUBFOLDERS: [&str; 2] = ["scenario", "policy"];

fn folder_err(dir: &Path, message: impl Into<String>) -> SensitivityError {
    SensitivityError::Folder {
        dir: dir.to_path_buf(),
        message: message.into(),
    }
}

impl Sensitivity {
    pub fn manifest(&self, shard: Option<(u32, u32)>) -> SensitivityManifest {
        SensitivityManifest {
            zhagen_version: crate::VERSION.into(),
            git_commit: crate::provenance::git_commit().map(String::from),
            identity: crate::scenario::sha256_hex(
                self.sweeps
                    .iter()
                    .map(|s| s.identity.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
                    .as_bytes(),
            ),
            scenario: self.sweeps[0].base.display().to_string(),
            scenario_name: self.scenario_name.clone(),
            policy: self.sweeps.get(1).map(|s| s.base.display().to_string()),
            policy_name: self.policy_name.clone(),
            method: self.method,
            seed: self.seed,
            replications: self.replications,
            resamples: self.resamples,
            parameters: self.parameters.clone(),
            outputs: self.outputs.clone(),
            points: self.points(),
            shard: shard.map(|(k, n)| format!("{k}/{n}")),
        }
    }

    /// Points still to run in `dir` (of this shard), over the scenario and the policy.
    pub fn todo(&self, dir: &Path, shard: Option<(u32, u32)>) -> usize {
        self.sweeps
            .iter()
            .zip(SUBFOLDERS)
            .map(|(sweep, sub)| {
                let m = manifest(sweep, shard);
                let (done, _) = finished_points(&dir.join(sub), &m);
                let mine = sweep
                    .points
                    .iter()
                    .filter(|p| shard.is_none_or(|(k, n)| p.id % n == k - 1))
                    .count();
                let done_mine = done
                    .iter()
                    .filter(|p| shard.is_none_or(|(k, n)| p.point % n == k - 1))
                    .count();
                mine - done_mine.min(mine)
            })
            .sum()
    }
}

/// What a sensitivity run did.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityOutcome {
    /// Points of this folder's share, over the scenario and the policy.
    pub planned: usize,
    pub skipped: usize,
    pub ran: usize,
    pub interrupted: bool,
    /// The analysis, when every point is in the folder (not in a shard's folder).
    pub analysis: Option<Analysis>,
}

/// Progress units forwarded; the caller starts and finishes the bar once for both sweeps.
struct Forward<'a>(&'a dyn Progress);
impl Progress for Forward<'_> {
    fn advance(&self, n: u64) {
        self.0.advance(n);
    }
}

/// Run the design (or shard `K/N` of it) into `dir`, skipping points already there, and
/// analyse it when every point is done. `progress` gets one unit per county-replication.
pub fn run_sensitivity(
    sens: &Sensitivity,
    dir: &Path,
    shard: Option<(u32, u32)>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<SensitivityOutcome, SensitivityError> {
    let m = sens.manifest(shard);
    guard(dir, &m)?;
    fs::create_dir_all(dir).map_err(|e| folder_err(dir, format!("cannot create it: {e}")))?;
    write_manifest(dir, &m)?;
    let s = sens.scenario();
    let per_point = s.simulation.replications as u64 * s.region.counties as u64;
    progress.start(per_point * sens.todo(dir, shard) as u64);
    let mut outcome = SensitivityOutcome {
        planned: 0,
        skipped: 0,
        ran: 0,
        interrupted: false,
        analysis: None,
    };
    for (sweep, sub) in sens.sweeps.iter().zip(SUBFOLDERS) {
        let o = run_sweep(
            sweep,
            &dir.join(sub),
            shard,
            &Forward(progress),
            cancel,
            |_| {},
        )?;
        outcome.planned += o.planned;
        outcome.skipped += o.skipped;
        outcome.ran += o.ran;
        if o.interrupted {
            outcome.interrupted = true;
            return Ok(outcome);
        }
    }
    progress.finish();
    if shard.is_none() {
        outcome.analysis = Some(analyse(dir)?);
    }
    Ok(outcome)
}

fn write_manifest(dir: &Path, m: &SensitivityManifest) -> Result<(), SensitivityError> {
    let mut text = serde_json::to_string_pretty(m).unwrap_or_default();
    text.push('\n');
    Ok(write_atomic(dir, "sensitivity.json", text.as_bytes())?)
}

pub fn read_sensitivity_manifest(
    dir: &Path,
) -> Result<Option<SensitivityManifest>, SensitivityError> {
    match fs::read_to_string(dir.join("sensitivity.json")) {
        Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| {
            folder_err(
                dir,
                format!("sensitivity.json is not a zhagen sensitivity manifest ({e})"),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(folder_err(
            dir,
            format!("cannot read sensitivity.json: {e}"),
        )),
    }
}

/// Refuse a folder of another design or shard, and a folder of someone else's files.
fn guard(dir: &Path, m: &SensitivityManifest) -> Result<(), SensitivityError> {
    match read_sensitivity_manifest(dir)? {
        Some(old) if old.identity != m.identity => Err(folder_err(
            dir,
            format!(
                "holds another sensitivity analysis (its scenarios, parameters, priors or design differ: identity {} vs {}); use another --out folder, or delete this one to start over",
                &old.identity[..12],
                &m.identity[..12]
            ),
        )),
        Some(old) if old.shard != m.shard => Err(folder_err(
            dir,
            format!(
                "holds shard {} of this analysis, not {}; give each shard its own folder and join them with `zhagen merge`",
                old.shard.as_deref().unwrap_or("(all)"),
                m.shard.as_deref().unwrap_or("(all)")
            ),
        )),
        Some(_) => Ok(()),
        None => {
            let foreign = fs::read_dir(dir).ok().and_then(|entries| {
                entries
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .find(|n| !n.starts_with(".sensitivity.json.tmp-"))
            });
            match foreign {
                None => Ok(()),
                Some(name) => Err(folder_err(
                    dir,
                    format!(
                        "holds files but no sensitivity.json (e.g. `{}`): it is not a sensitivity folder, and zhagen never writes over files it did not make; choose a new folder with --out",
                        crate::scenario::load::escape_controls(&name)
                    ),
                )),
            }
        }
    }
}

/// Whether an output is the scenario's level or the policy's paired difference from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measured {
    Level,
    Difference,
}

impl Measured {
    pub fn name(self) -> &'static str {
        match self {
            Measured::Level => "level",
            Measured::Difference => "difference",
        }
    }
}

/// The indices of one output.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputIndices {
    pub output: OutputRecord,
    pub measured: Measured,
    /// The output over the design's points: mean, and central 95%.
    pub mean: f64,
    pub low: f64,
    pub high: f64,
    pub morris: Option<MorrisIndices>,
    pub sobol: Option<SobolIndices>,
}

impl OutputIndices {
    /// The measure that ranks the parameters (μ* or ST), per parameter.
    pub fn ranking(&self) -> Vec<Estimate> {
        match (&self.morris, &self.sobol) {
            (Some(m), _) => m.mu_star.clone(),
            (_, Some(s)) => s.st.clone(),
            _ => Vec::new(),
        }
    }

    /// Parameter indices from most to least important (ties by position).
    pub fn order(&self) -> Vec<usize> {
        let r = self.ranking();
        let mut order: Vec<usize> = (0..r.len()).collect();
        order.sort_by(|&a, &b| {
            let (x, y) = (r[a].value, r[b].value);
            y.partial_cmp(&x).unwrap_or(std::cmp::Ordering::Equal)
        });
        order
    }

    /// Plain words for what is measured: "RTME graduates …" or "difference in …".
    pub fn words(&self, m: &SensitivityManifest) -> String {
        match self.measured {
            Measured::Level => format!(
                "{} in `{}`",
                crate::output::report::words::cap(&self.output.label),
                m.scenario_name
            ),
            Measured::Difference => format!(
                "Difference in {} (`{}` minus `{}`)",
                self.output.label,
                m.policy_name.as_deref().unwrap_or("policy"),
                m.scenario_name
            ),
        }
    }
}

/// A finished analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub manifest: SensitivityManifest,
    pub outputs: Vec<OutputIndices>,
}

/// Every point of sub-folder `sub`, in point order, or an error naming how many are missing.
fn all_points(
    dir: &Path,
    sub: &str,
    m: &SensitivityManifest,
) -> Result<(crate::sweep::run::Manifest, Vec<PointResult>), SensitivityError> {
    let d = dir.join(sub);
    let sm = read_manifest(&d)?.ok_or_else(|| {
        folder_err(
            dir,
            format!("has no {sub}/sweep.json: the design's {sub} points were never run here"),
        )
    })?;
    let (points, _) = finished_points(&d, &sm);
    if points.len() != m.points {
        return Err(folder_err(
            dir,
            format!(
                "{} of the {} {sub} points are finished; run the same command again to finish them, or `zhagen merge` every shard",
                points.len(),
                m.points
            ),
        ));
    }
    Ok((sm, points))
}

/// The analysis of a folder holding every point: indices, `indices.csv`, `design.csv`, the
/// charts and `report.html`.
pub fn analyse(dir: &Path) -> Result<Analysis, SensitivityError> {
    let m = read_sensitivity_manifest(dir)?
        .ok_or_else(|| folder_err(dir, "has no sensitivity.json: not a sensitivity folder"))?;
    let k = m.parameters.len();
    let unit = m.method.unit_points(k, m.seed);
    if unit.points().len() != m.points {
        return Err(folder_err(
            dir,
            "sensitivity.json's point count does not match its design (edited?)",
        ));
    }
    let (level_m, level) = all_points(dir, SUBFOLDERS[0], &m)?;
    let policy = match m.policy {
        Some(_) => Some(all_points(dir, SUBFOLDERS[1], &m)?),
        None => None,
    };
    let column = |sm: &crate::sweep::run::Manifest, pts: &[PointResult], key: &str| {
        let j = sm.metrics.iter().position(|x| x.key == key);
        pts.iter()
            .map(|p| j.and_then(|j| p.metrics[j][0]).unwrap_or(f64::NAN))
            .collect::<Vec<f64>>()
    };
    let mut outputs = Vec::new();
    let mut design_columns: Vec<(String, Vec<f64>)> = Vec::new();
    for o in &m.outputs {
        let y = column(&level_m, &level, &o.key);
        design_columns.push((o.key.clone(), y.clone()));
        outputs.push(indices_of(&m, &unit, o, Measured::Level, &y));
        if let Some((pm, pp)) = &policy {
            let yp = column(pm, pp, &o.key);
            let d: Vec<f64> = yp.iter().zip(&y).map(|(a, b)| a - b).collect();
            design_columns.push((format!("{}.difference", o.key), d.clone()));
            outputs.push(indices_of(&m, &unit, o, Measured::Difference, &d));
        }
    }
    let analysis = Analysis {
        manifest: m,
        outputs,
    };
    write_atomic(dir, "indices.csv", indices_csv(&analysis).as_bytes())?;
    write_atomic(
        dir,
        "design.csv",
        design_csv(&analysis.manifest, &unit, &level, &design_columns).as_bytes(),
    )?;
    let mut charts = Vec::new();
    for (i, o) in analysis.outputs.iter().enumerate() {
        let chart = super::chart::bars(&analysis.manifest, o);
        let stem = format!("indices-{}", file_stem(i, o));
        crate::output::write_chart(dir, &stem, &chart)?;
        charts.push(chart);
    }
    let html = crate::output::report::sensitivity_report(&analysis, &charts).map_err(|source| {
        crate::output::OutputError::Plot {
            path: dir.join("report.html"),
            source,
        }
    })?;
    write_atomic(dir, "report.html", html.as_bytes())?;
    Ok(analysis)
}

/// `indices-<n>-<output>-<level|difference>`: a number first, so that files sort in the
/// order of `indices.csv`.
pub fn file_stem(i: usize, o: &OutputIndices) -> String {
    let key = crate::output::folder::file_key(&o.output.key);
    format!("{:02}-{key}-{}", i + 1, o.measured.name())
}

fn indices_of(
    m: &SensitivityManifest,
    unit: &UnitDesign,
    o: &OutputRecord,
    measured: Measured,
    y: &[f64],
) -> OutputIndices {
    let mut finite: Vec<f64> = y.iter().copied().filter(|v| v.is_finite()).collect();
    finite.sort_by(f64::total_cmp);
    let mean = finite.iter().sum::<f64>() / finite.len() as f64;
    let q = |p| crate::stats::breakdown::quantile(&finite, p);
    // The bootstrap seed: the design seed, apart for each output analysed.
    let seed = crate::engine::rng::key(&[
        m.seed,
        u64::from_str_radix(&crate::scenario::sha256_hex(o.key.as_bytes())[..16], 16).unwrap_or(0),
        measured as u64,
    ]);
    let (mut morris_i, mut sobol_i) = (None, None);
    match unit {
        UnitDesign::Morris(d) => morris_i = Some(morris(d, y, m.resamples, seed)),
        UnitDesign::Sobol(d) => sobol_i = Some(sobol(d, y, m.resamples, seed)),
    }
    OutputIndices {
        output: o.clone(),
        measured,
        mean,
        low: q(0.025),
        high: q(0.975),
        morris: morris_i,
        sobol: sobol_i,
    }
}

/// `indices.csv`: tidy, one row per output × measured × parameter × index.
pub fn indices_csv(a: &Analysis) -> String {
    let mut t = Table::new(
        [
            "output",
            "output_label",
            "unit",
            "measured",
            "method",
            "parameter",
            "parameter_label",
            "index",
            "value",
            "ci_low",
            "ci_high",
            "rank",
            "units_used",
        ]
        .map(String::from),
    );
    let num = |x: f64| {
        if x.is_finite() {
            format!("{x:.6}")
        } else {
            String::new()
        }
    };
    for o in &a.outputs {
        let order = o.order();
        let rank_of = |i: usize| order.iter().position(|&j| j == i).unwrap_or(0) + 1;
        let (used, sets): (usize, Vec<(&str, &Vec<Estimate>)>) = match (&o.morris, &o.sobol) {
            (Some(m), _) => (
                m.used,
                vec![("mu_star", &m.mu_star), ("mu", &m.mu), ("sigma", &m.sigma)],
            ),
            (_, Some(s)) => (s.used, vec![("s1", &s.s1), ("st", &s.st)]),
            _ => (0, Vec::new()),
        };
        for (i, p) in a.manifest.parameters.iter().enumerate() {
            for (name, est) in &sets {
                let e = est[i];
                t.row(vec![
                    o.output.key.clone(),
                    o.output.label.clone(),
                    o.output.unit.clone(),
                    o.measured.name().into(),
                    a.manifest.method.name().into(),
                    p.name.clone(),
                    p.label.clone(),
                    (*name).into(),
                    num(e.value),
                    num(e.low),
                    num(e.high),
                    rank_of(i).to_string(),
                    used.to_string(),
                ]);
            }
        }
    }
    t.finish()
}

/// `design.csv`: every point's unit coordinates (`u.<parameter>`), values and outputs.
fn design_csv(
    m: &SensitivityManifest,
    unit: &UnitDesign,
    level: &[PointResult],
    outputs: &[(String, Vec<f64>)],
) -> String {
    let mut header = vec!["point".to_string()];
    header.extend(m.parameters.iter().map(|p| format!("u.{}", p.name)));
    header.extend(m.parameters.iter().map(|p| p.name.clone()));
    header.extend(outputs.iter().map(|(k, _)| k.clone()));
    let mut t = Table::new(header);
    for (i, u) in unit.points().iter().enumerate() {
        let mut row = vec![i.to_string()];
        row.extend(u.iter().map(|x| format!("{x:.6}")));
        // A parameter's value is its first key's: the first axis of the parameter.
        let mut axis = 0;
        for p in &m.parameters {
            row.push(level[i].values[axis].clone());
            axis += p.keys.len();
        }
        row.extend(outputs.iter().map(|(_, y)| {
            if y[i].is_finite() {
                format!("{:.6}", y[i])
            } else {
                String::new()
            }
        }));
        t.row(row);
    }
    t.finish()
}

/// What `merge_sensitivity` did.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityMerge {
    pub points: usize,
    pub analysis: Analysis,
}

/// Join the folders of a sensitivity analysis's shards into `out` and analyse it. Every
/// point of the design must be in one of them; checked before anything is written.
pub fn merge_sensitivity(
    dirs: &[PathBuf],
    out: &Path,
) -> Result<SensitivityMerge, SensitivityError> {
    let mut first: Option<SensitivityManifest> = None;
    for d in dirs {
        let m = read_sensitivity_manifest(d)?
            .ok_or_else(|| folder_err(d, "has no sensitivity.json: not a sensitivity folder"))?;
        if let Some(f) = &first
            && f.identity != m.identity
        {
            return Err(folder_err(
                d,
                format!(
                    "belongs to another sensitivity analysis than {} (identity {} vs {})",
                    dirs[0].display(),
                    &m.identity[..12],
                    &f.identity[..12]
                ),
            ));
        }
        first.get_or_insert(m);
    }
    let mut m = first.ok_or_else(|| folder_err(out, "no folders to merge"))?;
    m.shard = None;
    guard(out, &m)?;
    let subs: Vec<&str> = SUBFOLDERS[..if m.policy.is_some() { 2 } else { 1 }].to_vec();
    // Every point in some shard, before anything is written.
    for sub in &subs {
        let mut have = std::collections::BTreeSet::new();
        for d in dirs {
            if let Some(sm) = read_manifest(&d.join(sub))? {
                have.extend(finished_points(&d.join(sub), &sm).0.iter().map(|p| p.point));
            }
        }
        if have.len() != m.points {
            return Err(folder_err(
                out,
                format!(
                    "the shards hold {} of the {} {sub} points; run the missing shards first (nothing was written)",
                    have.len(),
                    m.points
                ),
            ));
        }
    }
    fs::create_dir_all(out).map_err(|e| folder_err(out, format!("cannot create it: {e}")))?;
    write_manifest(out, &m)?;
    for sub in &subs {
        let parts: Vec<PathBuf> = dirs.iter().map(|d| d.join(sub)).collect();
        crate::sweep::run::merge(&parts, &out.join(sub))?;
    }
    let analysis = analyse(out)?;
    Ok(SensitivityMerge {
        points: m.points,
        analysis,
    })
}
