//! Running a sweep into a folder and resuming it (merging shard folders: `sweep::merge`).
//!
//! The folder holds `sweep.json` (what the sweep is: its identity, axes, points and metric
//! keys), one file per finished point under `points/` (written atomically: a point is either
//! all there or not there), and `results.csv`, the finished points in point order, rewritten
//! at most once a second while the sweep runs and whenever it ends or stops (see
//! `RESULTS_EVERY`). So a kill at any moment loses at most the point being run, a rerun skips
//! the finished ones, and the final `results.csv` is byte for byte what an uninterrupted run
//! writes — and what merging the shards of the same sweep writes.
//!
//! A folder's contents are not trusted: a point file counts only under its own name, for the
//! sweep and point values the manifest gives, and with its checksum intact (an edited,
//! renamed or copied point file is run again); files zhagen did not write are never
//! removed; `merge` refuses a missing or doubled shard and writes its folder all or nothing.

use super::{Point, Sweep, SweepError, plain};
use crate::cancel::Cancel;
use crate::engine::Progress;
use crate::headline::{benchmark_outputs, benchmark_per_rep, headlines, keys};
use crate::output::csv::Table;
use crate::output::write_atomic;
use crate::runner;
use crate::stats::interval::{mean_ci, spread};
use serde::{Deserialize, Serialize};
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

/// `sweep.json`: everything needed to rebuild `results.csv` from the point files.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub zhagen_version: String,
    pub git_commit: Option<String>,
    pub sweep_file: String,
    pub identity: String,
    pub base_scenario: String,
    pub base_scenario_sha256: String,
    pub seed: u64,
    pub replications: u32,
    pub design: String,
    pub axes: Vec<String>,
    /// Axis values of every point, as TOML values.
    pub points: Vec<Vec<String>>,
    pub metrics: Vec<MetricKey>,
    pub plot: Vec<String>,
    /// `K/N` when this folder holds one shard; none for a whole sweep or a merge.
    pub shard: Option<String>,
    /// What the points' intervals include, when the replications ran over parameter sets
    /// (absent: the Student-t interval across replications, Monte Carlo precision only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intervals: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MetricKey {
    pub key: String,
    pub unit: String,
    /// Plain words for the metric (its headline label), for chart axes; empty in a manifest
    /// written before labels were kept (the key is shown then).
    #[serde(default)]
    pub label: String,
}

/// One finished point.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PointResult {
    pub identity: String,
    pub point: u32,
    pub values: Vec<String>,
    pub scenario_sha256: String,
    pub replications: u32,
    /// Per metric (manifest order): mean, 95% t-interval low and high across replications
    /// (over parameter sets: the central 95% of the replications' values).
    pub metrics: Vec<[Option<f64>; 3]>,
    /// SHA-256 of this record with `checksum` empty: an edited file no longer matches it.
    pub checksum: String,
}

impl PointResult {
    fn digest(&self) -> String {
        let mut bare = self.clone();
        bare.checksum.clear();
        crate::scenario::sha256_hex(serde_json::to_string(&bare).unwrap_or_default().as_bytes())
    }

    /// The record with its checksum set.
    fn sealed(mut self) -> PointResult {
        self.checksum = self.digest();
        self
    }

    /// Whether this record, read from file `name`, is point `point` of the sweep `m`
    /// describes, unedited.
    fn belongs(&self, name: &str, m: &Manifest) -> bool {
        name == point_file(self.point)
            && self.identity == m.identity
            && m.points.get(self.point as usize) == Some(&self.values)
            && self.replications == m.replications
            && self.metrics.len() == m.metrics.len()
            && self.checksum == self.digest()
    }
}

pub(super) fn folder_err(dir: &Path, message: impl Into<String>) -> SweepError {
    SweepError::Folder {
        dir: dir.to_path_buf(),
        message: message.into(),
    }
}

fn mkdir(p: &Path) -> Result<(), SweepError> {
    fs::create_dir_all(p).map_err(|source| {
        SweepError::Output(crate::output::OutputError::CreateDir {
            path: p.to_path_buf(),
            source,
        })
    })
}

pub fn manifest(sweep: &Sweep, shard: Option<(u32, u32)>) -> Manifest {
    let s = &sweep.scenario;
    Manifest {
        zhagen_version: crate::VERSION.into(),
        git_commit: crate::provenance::git_commit().map(String::from),
        sweep_file: sweep.file.display().to_string(),
        identity: sweep.identity.clone(),
        base_scenario: sweep.base.display().to_string(),
        base_scenario_sha256: s.hash.clone(),
        seed: s.simulation.seed,
        replications: s.simulation.replications,
        design: format!("{:?}", sweep.design),
        axes: sweep.axes.iter().map(|a| a.key.clone()).collect(),
        points: sweep
            .points
            .iter()
            .map(|p| p.values.iter().map(|v| v.to_string()).collect())
            .collect(),
        metrics: keys(s)
            .into_iter()
            .chain(benchmark_outputs(s))
            .map(|(key, label, unit)| MetricKey {
                key,
                unit: unit.name().into(),
                label,
            })
            .collect(),
        plot: sweep.plot.clone(),
        shard: shard.map(|(k, n)| format!("{k}/{n}")),
        intervals: sweep
            .sets
            .as_ref()
            .map(|sets| sets.interval_words(s.simulation.replications)),
    }
}

pub fn read_manifest(dir: &Path) -> Result<Option<Manifest>, SweepError> {
    let path = dir.join("sweep.json");
    match fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| {
            folder_err(
                dir,
                format!("sweep.json is not a zhagen sweep manifest ({e})"),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(folder_err(dir, format!("cannot read sweep.json: {e}"))),
    }
}

pub(super) fn point_file(id: u32) -> String {
    format!("point-{id:06}.json")
}

/// The finished points in a folder that belong to the sweep of `m`, by id, and the names of
/// the point files that do not (edited, renamed, copied from another point or sweep): those
/// points run again. Files not named like a point file are not zhagen's and are left alone.
pub fn finished_points(dir: &Path, m: &Manifest) -> (Vec<PointResult>, Vec<String>) {
    let (mut out, mut rejected) = (Vec::new(), Vec::new());
    let Ok(entries) = fs::read_dir(dir.join("points")) else {
        return (out, rejected);
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !is_point_file(&name) {
            continue;
        }
        let record = fs::read_to_string(e.path())
            .ok()
            .and_then(|text| serde_json::from_str::<PointResult>(&text).ok());
        match record {
            Some(p) if p.belongs(&name, m) => out.push(p),
            _ => rejected.push(name),
        }
    }
    out.sort_by_key(|p| p.point);
    rejected.sort();
    (out, rejected)
}

/// `point-NNNNNN.json`, exactly as `point_file` names them.
fn is_point_file(name: &str) -> bool {
    name.strip_prefix("point-")
        .and_then(|r| r.strip_suffix(".json"))
        .is_some_and(|d| d.len() >= 6 && d.bytes().all(|b| b.is_ascii_digit()))
}

/// Remove the temporary files an interrupted `write_atomic` of this sweep left behind:
/// `.NAME.tmp-PID` where NAME is a file a sweep writes. Any other file is not ours.
fn sweep_temp_files(dir: &Path) {
    let ours = |name: &str| {
        let Some(rest) = name.strip_prefix('.') else {
            return false;
        };
        let Some((base, pid)) = rest.rsplit_once(".tmp-") else {
            return false;
        };
        pid.bytes().all(|b| b.is_ascii_digit())
            && !pid.is_empty()
            && (matches!(base, "sweep.json" | "results.csv")
                || is_point_file(base)
                || ((base.starts_with("line-") || base.starts_with("heatmap-"))
                    && (base.ends_with(".svg") || base.ends_with(".png"))))
    };
    for d in [dir.to_path_buf(), dir.join("points")] {
        if let Ok(entries) = fs::read_dir(&d) {
            for e in entries.flatten() {
                if ours(&e.file_name().to_string_lossy()) {
                    let _ = fs::remove_file(e.path());
                }
            }
        }
    }
}

/// What a `run_sweep` call did.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepOutcome {
    /// Points of this folder's share of the sweep.
    pub planned: usize,
    /// Points found already finished and skipped.
    pub skipped: usize,
    /// Points run now.
    pub ran: usize,
    pub simulated_worker_years: f64,
    /// Stopped early because `progress` was cancelled (Ctrl-C); finished points are kept.
    pub interrupted: bool,
    /// Point files found that do not match this sweep (edited, renamed, copied): run again.
    pub rejected: Vec<String>,
}

/// Run the sweep (or shard `K/N` of it) into `dir`, skipping points already finished there.
/// `progress` gets one unit per county-replication; `on_point` is called after each point.
/// Once `cancel` is tripped no further point starts and the point running is dropped (it runs
/// again on resume); the finished points are kept.
pub fn run_sweep(
    sweep: &Sweep,
    dir: &Path,
    shard: Option<(u32, u32)>,
    progress: &dyn Progress,
    cancel: &Cancel,
    mut on_point: impl FnMut(&PointResult),
) -> Result<SweepOutcome, SweepError> {
    let m = manifest(sweep, shard);
    let old = read_manifest(dir)?;
    if old.is_none() {
        refuse_foreign(dir)?;
    }
    match old {
        Some(old) if old.identity != m.identity => {
            return Err(folder_err(
                dir,
                format!(
                    "holds another sweep (its base scenario, design or points differ: identity {} vs {}); use another --out folder, or delete this one to start over",
                    &old.identity[..12],
                    &m.identity[..12]
                ),
            ));
        }
        Some(old) if old.shard != m.shard => {
            return Err(folder_err(
                dir,
                format!(
                    "holds shard {} of this sweep, not {}; give each shard its own folder and join them with `zhagen merge`",
                    old.shard.as_deref().unwrap_or("(all)"),
                    m.shard.as_deref().unwrap_or("(all)")
                ),
            ));
        }
        _ => {}
    }
    // sweep.json goes in before anything else, so that a sweep killed at any moment leaves a
    // folder that its next start recognises as its own (a `points/` folder without it would
    // be refused as someone else's).
    mkdir(dir)?;
    sweep_temp_files(dir);
    write_json(dir, "sweep.json", &m)?;
    mkdir(&dir.join("points"))?;
    let mine: Vec<&Point> = sweep
        .points
        .iter()
        .filter(|p| shard.is_none_or(|(k, n)| p.id % n == k - 1))
        .collect();
    // The folder's finished points, kept in memory (in point order) as more finish: rebuilding
    // results.csv from the folder after every point read every point file each time, which
    // made a sweep quadratic in its points.
    let (mut finished, rejected) = finished_points(dir, &m);
    let todo: Vec<&Point> = mine
        .iter()
        .copied()
        .filter(|p| finished.binary_search_by_key(&p.id, |f| f.point).is_err())
        .collect();
    let per_point =
        sweep.scenario.simulation.replications as u64 * sweep.scenario.region.counties as u64;
    progress.start(per_point * todo.len() as u64);
    let mut outcome = SweepOutcome {
        planned: mine.len(),
        skipped: mine.len() - todo.len(),
        ran: 0,
        simulated_worker_years: 0.0,
        interrupted: false,
        rejected,
    };
    // Keep results.csv in step with the folder even when nothing is left to run.
    write_results_of(dir, &m, &finished)?;
    let mut written = Instant::now();
    for p in todo {
        if cancel.is_cancelled() {
            outcome.interrupted = true;
            break;
        }
        let s = sweep.point_scenario(p).map_err(|e| SweepError::Point {
            at: sweep.axes[0].at.clone(),
            point: p.id,
            assignment: p.overrides(&sweep.axes).join(", "),
            source: Box::new(e),
        })?;
        // An interrupted point is not written: it will run again on resume.
        let run = match &sweep.sets {
            Some(sets) => {
                // Replication r of every point with set r: the points stay paired over
                // parameters as well as random numbers.
                let each = sets
                    .scenarios(
                        &sweep.base,
                        &sweep.point_overrides(p),
                        s.simulation.replications,
                    )
                    .map_err(|e| SweepError::Point {
                        at: sweep.axes[0].at.clone(),
                        point: p.id,
                        assignment: p.overrides(&sweep.axes).join(", "),
                        source: Box::new(e),
                    })?;
                runner::run_sampled(&s, &each, sets, &Forward(progress), cancel)
            }
            None => runner::run_until_cancelled(&s, &Forward(progress), cancel),
        };
        let Some(r) = run else {
            outcome.interrupted = true;
            break;
        };
        outcome.simulated_worker_years += r.pooled.worker_years;
        let hs = headlines(&s, &r);
        let metrics = m
            .metrics
            .iter()
            .map(|k| {
                let per_rep = match hs.iter().find(|h| h.key == k.key) {
                    Some(h) => Some(h.per_rep.clone()),
                    None => benchmark_per_rep(&s, &r, &k.key),
                };
                match per_rep {
                    Some(v) => {
                        let ci = if sweep.sets.is_some() {
                            spread(v.iter().copied())
                        } else {
                            mean_ci(v.iter().copied())
                        };
                        [ci.mean, ci.low, ci.high].map(|x| x.is_finite().then_some(x))
                    }
                    None => [None; 3],
                }
            })
            .collect();
        let result = PointResult {
            identity: sweep.identity.clone(),
            point: p.id,
            values: p.values.iter().map(|v| v.to_string()).collect(),
            scenario_sha256: s.hash.clone(),
            replications: s.simulation.replications,
            metrics,
            checksum: String::new(),
        }
        .sealed();
        write_json(&dir.join("points"), &point_file(p.id), &result)?;
        outcome.ran += 1;
        on_point(&result);
        let at = finished.partition_point(|f| f.point < result.point);
        finished.insert(at, as_read_back(result));
        if written.elapsed() >= RESULTS_EVERY {
            write_results_of(dir, &m, &finished)?;
            written = Instant::now();
        }
    }
    // Up to date whether the sweep ended or stopped (its finished points are kept).
    write_results_of(dir, &m, &finished)?;
    if !outcome.interrupted {
        progress.finish();
        super::plots::sweep_plots(dir, &m, &finished)?;
    }
    Ok(outcome)
}

/// A point's result as a later run reads it from its file: serde_json's number parsing can
/// differ from the value written in the last bit, and results.csv must be the same whether a
/// point was run now or read back on resume.
fn as_read_back(p: PointResult) -> PointResult {
    serde_json::to_string(&p)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(p)
}

/// Progress of one run inside a sweep: units forwarded, start/finish left to the sweep.
struct Forward<'a>(&'a dyn Progress);
impl Progress for Forward<'_> {
    fn advance(&self, n: u64) {
        self.0.advance(n);
    }
}

pub(super) fn write_json<T: Serialize>(
    dir: &Path,
    name: &str,
    value: &T,
) -> Result<(), SweepError> {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    Ok(write_atomic(dir, name, text.as_bytes())?)
}

/// `results.csv`: one row per finished point in point order — the axis values, then each
/// headline metric with its 95% t-interval across replications.
pub fn results_csv(m: &Manifest, points: &[PointResult]) -> String {
    // An axis key with a quoted part holds quotes, perhaps commas: the table quotes it.
    let header = std::iter::once("point".to_string())
        .chain(m.axes.iter().cloned())
        .chain(m.metrics.iter().flat_map(|k| {
            [
                k.key.to_string(),
                format!("{}_ci_low", k.key),
                format!("{}_ci_high", k.key),
            ]
        }))
        .chain(["replications".to_string(), "scenario_sha256".to_string()]);
    let mut out = Table::new(header);
    let num = |x: Option<f64>| x.map_or(String::new(), |x| format!("{x:.6}"));
    for p in points {
        let mut row = vec![p.point.to_string()];
        for v in &p.values {
            let value = v
                .parse::<toml::Value>()
                .ok()
                .or_else(|| {
                    toml::from_str::<toml::Table>(&format!("v = {v}"))
                        .ok()
                        .and_then(|t| t.get("v").cloned())
                })
                .map_or_else(|| v.clone(), |v| plain(&v));
            row.push(value);
        }
        for x in &p.metrics {
            row.extend([num(x[0]), num(x[1]), num(x[2])]);
        }
        row.extend([p.replications.to_string(), p.scenario_sha256.clone()]);
        out.row(row);
    }
    out.finish()
}

/// While a sweep runs, `results.csv` is rewritten at most this often (and when the sweep ends
/// or stops): a rewrite costs time in proportion to the points finished, so rewriting after
/// every point would make a long sweep quadratic. The point files, written as each point
/// finishes, are what a resumed sweep reads; results.csv is rebuilt from them.
pub const RESULTS_EVERY: Duration = Duration::from_secs(1);

/// `results.csv` of the finished points `points` (in point order).
pub(super) fn write_results_of(
    dir: &Path,
    m: &Manifest,
    points: &[PointResult],
) -> Result<(), SweepError> {
    write_atomic(dir, "results.csv", results_csv(m, points).as_bytes())?;
    Ok(())
}

/// `.sweep.json.tmp-PID`: the temporary file `write_atomic` renames onto `sweep.json`.
fn is_manifest_temp(name: &str) -> bool {
    name.strip_prefix(".sweep.json.tmp-")
        .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
}

/// Refuse a folder that holds files but is not a sweep folder (no `sweep.json`): a user's own
/// `results.csv` or plots there are not ours to overwrite.
fn refuse_foreign(dir: &Path) -> Result<(), SweepError> {
    match fs::symlink_metadata(dir) {
        Err(_) => return Ok(()),
        Ok(meta) if !meta.is_dir() => {
            return Err(folder_err(
                dir,
                "is not a folder (a file or a link); give a new folder with --out",
            ));
        }
        Ok(_) => {}
    }
    // Only our own half-written `sweep.json` (from a start killed while writing it) is not
    // someone else's file.
    let first = fs::read_dir(dir).ok().and_then(|entries| {
        entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|name| !is_manifest_temp(name))
    });
    match first {
        None => Ok(()),
        Some(name) => Err(folder_err(
            dir,
            format!(
                "holds files but no sweep.json (e.g. `{}`): it is not a sweep folder, and zhagen never writes over files it did not make; choose a new folder with --out",
                crate::scenario::load::escape_controls(&name)
            ),
        )),
    }
}

pub use super::merge::{MergeOutcome, merge};
