//! Fuzz the scenario loader: any bytes, as a scenario file of their own, as a policy file over
//! the shipped baseline, and line by line as `--set` overrides of the baseline. Errors are the
//! expected outcome; a panic (or an abort, a hang, a stack overflow) is a bug. A scenario that
//! loads must load again, unchanged, from the resolved scenario a run writes beside its results.

#![no_main]

use libfuzzer_sys::fuzz_target;
use zhagen::scenario::Scenario;
use zhagen_fuzz::{baseline, sets_base, write};

/// The resolved scenario (`scenario.toml` in a run's output) reproduces the scenario.
fn reloads(s: &Scenario) {
    let file = write("resolved.toml", s.resolved_toml.as_bytes());
    match Scenario::load(&file, &[]) {
        Ok(again) => assert_eq!(
            again.resolved_toml, s.resolved_toml,
            "resolved scenario drifts"
        ),
        Err(e) => panic!(
            "the resolved scenario does not load: {e}\n{}",
            s.resolved_toml
        ),
    }
}

fuzz_target!(|data: &[u8]| {
    // 1. The bytes as a file, UTF-8 or not; `base = "baseline.toml"` resolves to a copy.
    let file = write("fuzz.toml", data);
    if let Ok(s) = Scenario::load(&file, &[]) {
        reloads(&s);
    }

    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    // 2. The text as a policy file over the shipped baseline.
    if !sets_base(text) {
        let child = format!("base = {:?}\n{text}", baseline().display().to_string());
        let file = write("child.toml", child.as_bytes());
        if let Ok(s) = Scenario::load(&file, &[]) {
            reloads(&s);
        }
    }

    // 3. Each line as a `--set KEY=VALUE` override of the baseline (all lines together, in
    //    order, as several `--set` options would be given).
    let overrides: Vec<String> = text.lines().take(16).map(String::from).collect();
    if !overrides.is_empty()
        && let Ok(s) = Scenario::load(baseline(), &overrides)
    {
        reloads(&s);
    }
});
