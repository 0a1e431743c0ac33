//! Fuzz the sweep-file loader: any bytes as a sweep file in a folder that holds the shipped
//! scenarios (so that `base = "baseline.toml"` resolves). Errors are expected; panics are bugs.

#![no_main]

use libfuzzer_sys::fuzz_target;
use zhagen::sweep::Sweep;
use zhagen_fuzz::write;

fuzz_target!(|data: &[u8]| {
    let file = write("sweep.toml", data);
    let _ = Sweep::load(&file, &[]);
});
