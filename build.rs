//! Records the git commit the binary is built from (when built from a git checkout), so that
//! every output can say exactly which code produced it.

use std::process::Command;

fn main() {
    // Re-run when the checked-out commit changes.
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/refs/heads");
    println!("cargo:rerun-if-changed=.git/packed-refs");
    let commit = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| s.len() == 40 && s.chars().all(|c| c.is_ascii_hexdigit()))
        .unwrap_or_default();
    println!("cargo:rustc-env=ZHAGEN_GIT_COMMIT={commit}");
}
