//! Joining the folders of a sweep's shards (`sweep --shard K/N`) into one, all or nothing:
//! the same point files and manifest checks as a resumed sweep (`sweep::run`).

use super::SweepError;
use super::run::{
    Manifest, PointResult, finished_points, folder_err, point_file, read_manifest, write_json,
    write_results_of,
};
use std::fs;
use std::path::{Path, PathBuf};

/// What `merge` did.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeOutcome {
    pub points: usize,
    pub planned: usize,
}

/// Join the folders of the shards of one sweep into `out`, all or nothing. Refused when the
/// folders are not of one sweep, when a shard is given twice or the shards disagree on how
/// many there are, and when any point of the sweep is in none of them (a Slurm `afterok`
/// chain must not go on with partial data); `out` is guarded like every output folder.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<MergeOutcome, SweepError> {
    let mut manifest: Option<Manifest> = None;
    let mut all: Vec<PointResult> = Vec::new();
    let mut seen: Vec<(PathBuf, Option<String>)> = Vec::new();
    for d in dirs {
        let m = read_manifest(d)?
            .ok_or_else(|| folder_err(d, "has no sweep.json: not a zhagen sweep folder"))?;
        if let Some(first) = &manifest
            && first.identity != m.identity
        {
            return Err(folder_err(
                d,
                format!(
                    "belongs to another sweep than {} (identity {} vs {}): shards must come from the same sweep file, base scenario and settings",
                    dirs[0].display(),
                    &m.identity[..12],
                    &first.identity[..12]
                ),
            ));
        }
        let real = fs::canonicalize(d).unwrap_or_else(|_| d.clone());
        for (other, shard) in &seen {
            if *other == real || (m.shard.is_some() && *shard == m.shard) {
                return Err(folder_err(
                    d,
                    format!(
                        "holds shard {} again (also in {}): give each shard once",
                        m.shard.as_deref().unwrap_or("(all)"),
                        other.display()
                    ),
                ));
            }
            let count = |s: &Option<String>| {
                s.as_ref()
                    .and_then(|s| s.split('/').nth(1).map(String::from))
            };
            if let (Some(a), Some(b)) = (count(shard), count(&m.shard))
                && a != b
            {
                return Err(folder_err(
                    d,
                    format!(
                        "is a shard of {b}, but {} is a shard of {a}: the shards of one sweep share N in --shard K/N",
                        other.display()
                    ),
                ));
            }
        }
        seen.push((real, m.shard.clone()));
        all.extend(finished_points(d, &m).0);
        manifest.get_or_insert(m);
    }
    let mut m = manifest.ok_or_else(|| folder_err(out, "no folders to merge"))?;
    m.shard = None;
    all.sort_by_key(|p| p.point);
    all.dedup_by_key(|p| p.point);
    let have: std::collections::BTreeSet<u32> = all.iter().map(|p| p.point).collect();
    let missing: Vec<u32> = (0..m.points.len() as u32)
        .filter(|i| !have.contains(i))
        .collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(20).map(|i| i.to_string()).collect();
        return Err(folder_err(
            out,
            format!(
                "not written: {} of {} points are in none of the folders (points {}{}); a shard is missing or unfinished — finish it (rerun its sweep command) and merge again",
                missing.len(),
                m.points.len(),
                shown.join(", "),
                if missing.len() > 20 { ", …" } else { "" }
            ),
        ));
    }
    let made = crate::output::Made {
        command: "merge".into(),
        scenarios: vec![crate::output::folder::MadeScenario {
            name: m.base_scenario.clone(),
            sha256: m.base_scenario_sha256.clone(),
        }],
        seed: m.seed,
        replications: m.replications,
        overrides: vec![format!("sweep identity {}", m.identity)],
    };
    crate::output::check_target(out, &made, false)?;
    crate::output::write_folder(out, &made, false, |d| {
        let points = d.join("points");
        fs::create_dir(&points).map_err(|source| crate::output::OutputError::CreateDir {
            path: points.clone(),
            source,
        })?;
        let io = |e: SweepError| match e {
            SweepError::Output(o) => o,
            other => crate::output::OutputError::BadFolder {
                dir: out.to_path_buf(),
                why: other.to_string(),
            },
        };
        for p in &all {
            write_json(&points, &point_file(p.point), p).map_err(io)?;
        }
        write_json(d, "sweep.json", &m).map_err(io)?;
        write_results_of(d, &m, &all).map_err(io)?;
        super::plots::sweep_plots(d, &m, &all)?;
        Ok(())
    })?;
    Ok(MergeOutcome {
        points: all.len(),
        planned: m.points.len(),
    })
}
