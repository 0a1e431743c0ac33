//! Helpers shared by the fuzz targets: a scratch folder holding copies of the shipped scenarios
//! (so that `base = "baseline.toml"` in an input resolves), and the shipped baseline's path.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The shipped `scenarios/` folder.
pub fn scenarios() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios")
}

/// The shipped baseline, as an absolute path.
pub fn baseline() -> &'static Path {
    static BASELINE: OnceLock<PathBuf> = OnceLock::new();
    BASELINE.get_or_init(|| {
        std::fs::canonicalize(scenarios().join("baseline.toml")).expect("scenarios/baseline.toml")
    })
}

/// This process's scratch folder, created once with a copy of every shipped scenario file.
pub fn workdir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("zhagen-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the scratch folder");
        for entry in std::fs::read_dir(scenarios()).expect("read scenarios/") {
            let p = entry.expect("scenarios/ entry").path();
            if p.extension().is_some_and(|e| e == "toml") {
                std::fs::copy(&p, dir.join(p.file_name().expect("a file name")))
                    .expect("copy a scenario");
            }
        }
        dir
    })
}

/// Write `bytes` to `name` in the scratch folder and return its path.
pub fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let p = workdir().join(name);
    std::fs::write(&p, bytes).expect("write the fuzz input");
    p
}

/// Whether a TOML text sets `base` before its first table (roughly: a line that starts with it).
pub fn sets_base(text: &str) -> bool {
    text.lines()
        .map(str::trim_start)
        .take_while(|l| !l.starts_with('['))
        .any(|l| l.starts_with("base") || l.starts_with("\"base\"") || l.starts_with("'base'"))
}
