//! A sweep run as a Slurm job array and merged gives the results of one single-machine run.
//!
//! Needs a Slurm installation (Debian's `slurm-wlm` and `munge`) and root, to start a one-node
//! cluster on localhost for the test (proctrack/linuxproc, task/none, as ../ECOSYSTEM.md says);
//! where those are absent the test says so and passes without running anything — except in CI
//! (`CI` set), where it fails, and `.ci/run` installs them.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn have(cmd: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {cmd}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn output(cmd: &str, args: &[&str], conf: &Path) -> String {
    Command::new(cmd)
        .args(args)
        .env("SLURM_CONF", conf)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

/// The daemons of the test cluster, stopped however the test ends.
struct Cluster(Vec<Child>);
impl Drop for Cluster {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn skip(why: &str) {
    skip_unless_ci(why);
}

#[test]
fn a_sweep_as_a_slurm_job_array_merges_to_the_single_machine_results() {
    for cmd in [
        "slurmctld",
        "slurmd",
        "sbatch",
        "squeue",
        "sinfo",
        "munged",
        "runuser",
    ] {
        if !have(cmd) {
            return skip(&format!(
                "`{cmd}` not found (install slurm-wlm and munge to run this test)"
            ));
        }
    }
    let uid = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    if uid.ok().as_deref() != Some("0") {
        return skip("a test cluster needs root");
    }
    if Command::new("pgrep")
        .arg("-x")
        .arg("slurmctld")
        .status()
        .is_ok_and(|s| s.success())
    {
        return skip(
            "a slurmctld is already running on this machine; not starting a test cluster beside it",
        );
    }
    // munge authenticates Slurm's messages; start it if it is not running.
    let _ = std::fs::create_dir_all("/run/munge");
    let _ = Command::new("chown")
        .args(["munge:munge", "/run/munge"])
        .status();
    let _ = Command::new("runuser")
        .args(["-u", "munge", "--", "munged"])
        .stderr(Stdio::null())
        .status();

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for sub in ["state", "spool"] {
        std::fs::create_dir_all(d.join(sub)).unwrap();
    }
    let host = String::from_utf8(Command::new("hostname").arg("-s").output().unwrap().stdout)
        .unwrap()
        .trim()
        .to_string();
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let p = |name: &str| d.join(name).display().to_string();
    let conf = write(
        d,
        "slurm.conf",
        &format!(
            "ClusterName=zhagentest\nSlurmctldHost={host}(127.0.0.1)\nSlurmUser=root\nAuthType=auth/munge\n\
             ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\nJobAcctGatherType=jobacct_gather/none\n\
             AccountingStorageType=accounting_storage/none\nSelectType=select/cons_tres\n\
             SelectTypeParameters=CR_Core\nReturnToService=2\nMpiDefault=none\n\
             StateSaveLocation={}\nSlurmdSpoolDir={}\nSlurmctldPidFile={}\nSlurmdPidFile={}\n\
             SlurmctldLogFile={}\nSlurmdLogFile={}\n\
             NodeName={host} NodeAddr=127.0.0.1 CPUs={cpus} State=UNKNOWN\n\
             PartitionName=test Nodes={host} Default=YES MaxTime=INFINITE State=UP\n",
            p("state"),
            p("spool"),
            p("slurmctld.pid"),
            p("slurmd.pid"),
            p("slurmctld.log"),
            p("slurmd.log"),
        ),
    );
    let daemon = |name: &str| {
        Command::new(name)
            .args(["-D", "-f"])
            .arg(&conf)
            .env("SLURM_CONF", &conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let _cluster = Cluster(vec![daemon("slurmctld"), daemon("slurmd")]);
    let start = Instant::now();
    while !output("sinfo", &["-h", "-o", "%t"], &conf).contains("idle") {
        if start.elapsed() > Duration::from_secs(30) {
            return skip("the test cluster did not come up within 30 s");
        }
        std::thread::sleep(Duration::from_millis(200));
    }

    // A 6-point sweep, small enough for a test.
    let sweep = write(
        d,
        "s.toml",
        &format!(
            "base = {:?}\nreplications = 3\n\
             [[axis]]\nkey = \"policy.salary.remote_allowance\"\nvalues = [0, 6000, 12000]\n\
             [[axis]]\nkey = \"policy.recruitment.remote_ratio\"\nvalues = [1.0, 2.0]\n",
            baseline_path().display().to_string()
        ),
    );
    let bin: PathBuf = assert_cmd::cargo::cargo_bin("zhagen");
    let out = d.join("slurm-out");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/slurm-sweep.sh");
    // A request no node can meet is refused before anything is submitted.
    let too_many = Command::new(&script)
        .args([sweep.to_str().unwrap(), out.to_str().unwrap(), "3", "4096"])
        .current_dir(d)
        .env("SLURM_CONF", &conf)
        .env("ZHAGEN", &bin)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&too_many.stderr);
    assert!(
        !too_many.status.success() && err.contains("pend forever"),
        "{err}"
    );
    assert_eq!(
        output("squeue", &["-h"], &conf).trim(),
        "",
        "nothing submitted"
    );
    let submitted = Command::new(&script)
        .args([sweep.to_str().unwrap(), out.to_str().unwrap(), "3", "1"])
        .current_dir(d)
        .env("SLURM_CONF", &conf)
        .env("ZHAGEN", &bin)
        .output()
        .unwrap();
    assert!(
        submitted.status.success(),
        "submission failed: {}",
        String::from_utf8_lossy(&submitted.stderr)
    );
    let merged = out.join("merged/results.csv");
    let start = Instant::now();
    while output("squeue", &["-h"], &conf).trim() != "" || !merged.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(180),
            "the Slurm jobs did not finish in 180 s; queue: {}",
            output("squeue", &[], &conf)
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    for k in 1..=3 {
        assert!(
            out.join(format!("shard-{k}/results.csv")).is_file(),
            "shard {k} ran"
        );
    }

    let local = d.join("local");
    let status = Command::new(&bin)
        .args([
            "sweep",
            sweep.to_str().unwrap(),
            "--out",
            local.to_str().unwrap(),
            "--quiet",
        ])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        std::fs::read_to_string(&merged).unwrap(),
        std::fs::read_to_string(local.join("results.csv")).unwrap(),
        "Slurm shards merged = one single-machine run"
    );
}
